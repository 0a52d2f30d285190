package dev.fmplex.standalone;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.test.web.reactive.server.WebTestClient;

/** One client sending the same infer request in a loop, counting what it gets back. */
final class BackgroundLoad implements AutoCloseable {

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger served = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicLong lastFailureNanos = new AtomicLong();
    private final Thread thread;

    BackgroundLoad(WebTestClient client, String vfmId, String body) {
        thread =
                new Thread(
                        () -> {
                            while (running.get()) {
                                int status =
                                        ApiCalls.post(client, "/vfms/" + vfmId + "/infer", body)
                                                .returnResult(String.class)
                                                .getStatus()
                                                .value();
                                if (status == 200) {
                                    served.incrementAndGet();
                                } else {
                                    failed.incrementAndGet();
                                    lastFailureNanos.set(System.nanoTime());
                                }
                            }
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
