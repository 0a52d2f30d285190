package dev.fmplex.engine.scheduler;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * A deterministic executor for the {@link FairQueue} core: simulated time, {@code lanes} batches in
 * flight at once, batch times from a true cost function ({@code perBatch + perToken x padded
 * tokens}) with seeded noise, and vFMs fed by seeded arrival patterns. It records each vFM's
 * charged time and backlog at every event, which is what the share bound is checked on.
 */
final class SimulatedBackbone {

    /** How a vFM's requests arrive. */
    enum Arrivals {
        /** Its queue is topped up at every event: always backlogged. */
        SATURATED,
        /** Saturated for a random stretch, then silent for one, and so on. */
        ON_OFF,
        /** Random arrivals at about half its fair rate: often idle. */
        SPARSE
    }

    /** One vFM of the scenario. */
    record Vfm(
            String id, double weight, Arrivals arrivals, int rows, int minLength, int maxLength) {}

    /** What happened at one event (a batch formed or completed). */
    record Event(double timeMs, double[] chargedMs, boolean[] backlogged) {}

    private record Running(double endMs, List<FairQueue.Request<Integer>> batch, double ms) {}

    private final List<Vfm> vfms;
    private final FairQueue<Integer> queue;
    private final int lanes;
    private final int maxBatchRows;
    private final double perBatchMs;
    private final double perTokenMs;
    private final double noise;
    private final boolean learn;
    private final SplittableRandom random;
    private final double[] charged;
    private final int[] queued;
    private final boolean[] on;
    private final double[] nextSwitchMs;
    private final double[] nextArrivalMs;
    private final List<Event> events = new ArrayList<>();
    private double maxBatchCostMs;
    private long batches;

    /**
     * @param estimateError the cost model's prior is the true cost times this factor
     * @param noise batch times vary uniformly by +-noise around the true cost
     * @param learn whether the cost model refits from measured batch times
     */
    SimulatedBackbone(
            List<Vfm> vfms,
            QueuePolicy policy,
            int lanes,
            int maxBatchRows,
            long maxBatchTokens,
            double perBatchMs,
            double perTokenMs,
            double estimateError,
            double noise,
            boolean learn,
            long seed) {
        this.vfms = vfms;
        this.lanes = lanes;
        this.maxBatchRows = maxBatchRows;
        this.perBatchMs = perBatchMs;
        this.perTokenMs = perTokenMs;
        this.noise = noise;
        this.learn = learn;
        this.random = new SplittableRandom(seed);
        this.queue =
                new FairQueue<>(
                        policy,
                        maxBatchRows,
                        maxBatchTokens,
                        new CostModel(perBatchMs * estimateError, perTokenMs * estimateError));
        int n = vfms.size();
        this.charged = new double[n];
        this.queued = new int[n];
        this.on = new boolean[n];
        this.nextSwitchMs = new double[n];
        this.nextArrivalMs = new double[n];
        Arrays.fill(on, true);
        for (int v = 0; v < n; v++) {
            nextSwitchMs[v] = stretchMs();
        }
    }

    /** Runs until {@code batchCount} batches have completed. */
    SimulatedBackbone run(long batchCount) {
        PriorityQueue<Running> running =
                new PriorityQueue<>((a, b) -> Double.compare(a.endMs(), b.endMs()));
        double now = 0;
        while (batches < batchCount) {
            while (running.size() < lanes) {
                arrive(now);
                List<FairQueue.Request<Integer>> batch =
                        queue.formBatch(item -> true, new ArrayList<>());
                if (batch.isEmpty()) {
                    break;
                }
                double estimates = 0;
                int rows = 0;
                int longest = 0;
                for (FairQueue.Request<Integer> request : batch) {
                    queued[request.item()]--;
                    estimates += request.estimateMs();
                    rows += request.rows();
                    longest = Math.max(longest, request.length());
                }
                double trueMs = perBatchMs + perTokenMs * rows * longest;
                double ms = trueMs * (1 + noise * (2 * random.nextDouble() - 1));
                maxBatchCostMs = Math.max(maxBatchCostMs, Math.max(ms, estimates));
                running.add(new Running(now + ms, batch, ms));
                record(now);
            }
            if (running.isEmpty()) {
                now = nextArrivalTime(now);
                continue;
            }
            Running done = running.poll();
            now = done.endMs();
            double[] charges = queue.complete(done.batch(), done.ms(), learn);
            for (int i = 0; i < charges.length; i++) {
                charged[done.batch().get(i).item()] += charges[i];
            }
            batches++;
            arrive(now);
            record(now);
        }
        return this;
    }

    private void arrive(double now) {
        for (int v = 0; v < vfms.size(); v++) {
            Vfm vfm = vfms.get(v);
            switch (vfm.arrivals()) {
                case SATURATED -> topUp(v, now);
                case ON_OFF -> {
                    while (now >= nextSwitchMs[v]) {
                        on[v] = !on[v];
                        nextSwitchMs[v] += stretchMs();
                    }
                    if (on[v]) {
                        topUp(v, now);
                    }
                }
                case SPARSE -> {
                    while (now >= nextArrivalMs[v]) {
                        submit(v);
                        nextArrivalMs[v] += sparseGapMs(vfm);
                    }
                }
            }
        }
    }

    /** More requests than one batch can take, so it stays backlogged through any batch. */
    private void topUp(int v, double now) {
        while (queued[v] <= maxBatchRows) {
            submit(v);
        }
    }

    private void submit(int v) {
        Vfm vfm = vfms.get(v);
        int length = vfm.minLength() + random.nextInt(vfm.maxLength() - vfm.minLength() + 1);
        queue.enqueue(vfm.id(), v, vfm.rows(), length, vfm.weight());
        queued[v]++;
    }

    private double nextArrivalTime(double now) {
        double next = Double.POSITIVE_INFINITY;
        for (int v = 0; v < vfms.size(); v++) {
            switch (vfms.get(v).arrivals()) {
                case ON_OFF -> next = Math.min(next, nextSwitchMs[v]);
                case SPARSE -> next = Math.min(next, nextArrivalMs[v]);
                case SATURATED -> next = Math.min(next, now);
            }
        }
        return Math.max(now, next);
    }

    private double stretchMs() {
        return (20 + random.nextDouble() * 400) * (perBatchMs + perTokenMs * 256);
    }

    /** About half its weight's share of a machine that runs one typical batch at a time. */
    private double sparseGapMs(Vfm vfm) {
        double totalWeight = vfms.stream().mapToDouble(Vfm::weight).sum();
        double requestMs = perTokenMs * vfm.rows() * (vfm.minLength() + vfm.maxLength()) / 2.0;
        double gap = 2 * requestMs * totalWeight / vfm.weight();
        return gap * (0.5 + random.nextDouble());
    }

    private void record(double now) {
        boolean[] backlogged = new boolean[vfms.size()];
        for (int v = 0; v < backlogged.length; v++) {
            backlogged[v] = queued[v] > 0;
        }
        events.add(new Event(now, charged.clone(), backlogged));
    }

    List<Event> events() {
        return events;
    }

    /** The largest batch cost seen: measured time or sum of estimates, whichever is larger. */
    double maxBatchCostMs() {
        return maxBatchCostMs;
    }

    double[] chargedMs() {
        return charged.clone();
    }
}
