package dev.fmplex.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** The stamp every report carries: machine, JVM, thread settings and git revision. */
public final class MachineInfo {

    private MachineInfo() {}

    /**
     * @param threads how the benchmark's threads are set up, in words
     */
    public static String describe(String threads) {
        Runtime runtime = Runtime.getRuntime();
        return String.join(
                "\n",
                "- date: " + java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC),
                "- git revision: " + gitRevision(),
                "- machine: "
                        + runtime.availableProcessors()
                        + " cores, "
                        + System.getProperty("os.name")
                        + " "
                        + System.getProperty("os.arch")
                        + ", "
                        + cpuModel(),
                "- JVM: "
                        + System.getProperty("java.vm.name")
                        + " "
                        + System.getProperty("java.runtime.version")
                        + ", max heap "
                        + runtime.maxMemory() / (1024 * 1024)
                        + " MB, args "
                        + ManagementFactory.getRuntimeMXBean().getInputArguments(),
                "- threads: " + threads);
    }

    private static String cpuModel() {
        try {
            return java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo")).stream()
                    .filter(line -> line.startsWith("model name"))
                    .map(line -> line.substring(line.indexOf(':') + 1).trim())
                    .findFirst()
                    .orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }

    private static String gitRevision() {
        try {
            Process git = new ProcessBuilder("git", "rev-parse", "--short", "HEAD").start();
            String out =
                    new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return git.waitFor(5, TimeUnit.SECONDS) && git.exitValue() == 0 ? out : "unknown";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
