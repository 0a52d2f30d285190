package dev.fmplex.standalone;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One client sending the same infer request in a loop through the generated API client, counting
 * what it gets back. Any failure counts, a thrown timeout or connection error as much as a 5xx.
 */
final class BackgroundLoad implements AutoCloseable {

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger served = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicLong lastFailureNanos = new AtomicLong();
    private final AtomicReference<String> lastFailure = new AtomicReference<>();
    private final Thread thread;

    BackgroundLoad(FmplexApi api, String vfmId, String... texts) {
        this(api, vfmId, () -> {}, texts);
    }

    /**
     * @param onSlowRequest runs once when a request has taken 15 s (far beyond any batch here), to
     *     capture the state of the servers while it hangs, e.g. thread dumps into their logs
     */
    BackgroundLoad(FmplexApi api, String vfmId, Runnable onSlowRequest, String... texts) {
        java.util.concurrent.ScheduledExecutorService watchdog =
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "background-load-watchdog");
                            t.setDaemon(true);
                            return t;
                        });
        thread =
                new Thread(
                        () -> {
                            while (running.get()) {
                                var slow =
                                        watchdog.schedule(
                                                onSlowRequest,
                                                15,
                                                java.util.concurrent.TimeUnit.SECONDS);
                                try {
                                    api.infer(vfmId, texts);
                                    served.incrementAndGet();
                                } catch (RuntimeException e) {
                                    failed.incrementAndGet();
                                    lastFailure.set(
                                            e
                                                            instanceof
                                                            org.springframework.web.reactive
                                                                            .function.client
                                                                            .WebClientResponseException
                                                                    response
                                                    ? response.getStatusCode()
                                                            + " "
                                                            + response.getResponseBodyAsString()
                                                    : e.toString());
                                    lastFailureNanos.set(System.nanoTime());
                                } finally {
                                    slow.cancel(false);
                                }
                            }
                            watchdog.shutdown();
                        },
                        "background-load");
        thread.start();
    }

    int served() {
        return served.get();
    }

    int failed() {
        return failed.get();
    }

    /** What the last failed request got, for assertion messages; null if none failed. */
    String lastFailure() {
        return lastFailure.get();
    }

    /** {@link System#nanoTime()} of the last failure, 0 if none. */
    long lastFailureNanos() {
        return lastFailureNanos.get();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join();
    }
}
