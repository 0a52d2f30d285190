package dev.fmplex.bench;

import dev.fmplex.control.telemetry.TrafficRecorder;
import dev.fmplex.model.api.InferResponse;
import dev.fmplex.model.api.Timing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * What recording a request for the dashboard costs the control plane: {@link
 * TrafficRecorder#observe} around an answer that is already there, against the same Mono without
 * it, so the difference is the recorder alone (ring slot, histogram bin, counters, lock).
 */
public final class TrafficRecorderBench {

    private TrafficRecorderBench() {}

    public static void main(String[] args) throws Exception {
        String[] options = String.join(" ", args).trim().split("\\s+");
        int requests = options[0].isEmpty() ? 2_000_000 : Integer.parseInt(options[0]);
        TrafficRecorder recorder = new TrafficRecorder();
        Mono<InferResponse> answer =
                Mono.just(new InferResponse("v", 1, List.of(), new Timing(0.1, 5, 1, 2), null));
        String[] ids = new String[64];
        for (int v = 0; v < ids.length; v++) {
            ids[v] = "vfm-" + v;
        }
        double[] added = new double[5];
        measure(recorder, answer, ids, requests / 5); // warm-up
        for (int r = 0; r < added.length; r++) {
            added[r] = measure(recorder, answer, ids, requests);
        }
        Arrays.sort(added);
        String report =
                "### Traffic recording per request (issue 17)\n\n"
                        + MachineInfo.describe("one thread, 64 vFMs, answers already there")
                        + String.format(
                                "%n%n| | ns per request (median of 5 rounds of %,d) |%n|---|---|%n"
                                        + "| recorder added to a routed request | %.0f |%n",
                                requests, added[2]);
        System.out.println(report);
        Path out = Path.of("target", "traffic-recorder.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
    }

    /** Nanoseconds the recorder adds per request: observed minus plain, same Mono. */
    private static double measure(
            TrafficRecorder recorder, Mono<InferResponse> answer, String[] ids, int requests) {
        long start = System.nanoTime();
        for (int i = 0; i < requests; i++) {
            recorder.observe(ids[i & (ids.length - 1)], () -> answer).block();
        }
        long observed = System.nanoTime() - start;
        start = System.nanoTime();
        for (int i = 0; i < requests; i++) {
            Mono.defer(() -> answer).block();
        }
        long plain = System.nanoTime() - start;
        double added = (observed - plain) / (double) requests;
        System.err.printf("[bench] recorder adds %.0f ns/request%n", added);
        return added;
    }
}
