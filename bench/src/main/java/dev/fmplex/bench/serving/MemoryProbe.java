package dev.fmplex.bench.serving;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Native resident memory of this process (RSS less what the JVM has committed for heap and its own
 * pools, so that reading a model file into the heap does not count as the model), and what one more
 * backbone copy costs in it.
 */
public final class MemoryProbe {

    /**
     * @param firstBackboneBytes native growth from loading the first backbone (weights, PyTorch)
     * @param perCopyBytes native growth per further copy: what each dedicated instance costs
     * @param heapUsedBytes Java heap in use after loading every copy
     */
    record Footprint(long firstBackboneBytes, long perCopyBytes, long heapUsedBytes, int copies) {

        static Footprint of(long rssStart, long rssOne, long rssAll, int copies) {
            System.gc();
            long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            long perCopy = copies > 1 ? (rssAll - rssOne) / (copies - 1) : rssOne - rssStart;
            return new Footprint(rssOne - rssStart, perCopy, heap, copies);
        }
    }

    private MemoryProbe() {}

    public static long residentBytes() {
        System.gc();
        var memory = ManagementFactory.getMemoryMXBean();
        return rss()
                - memory.getHeapMemoryUsage().getCommitted()
                - memory.getNonHeapMemoryUsage().getCommitted();
    }

    private static long rss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
