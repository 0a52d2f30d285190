package dev.fmplex.control.security;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Keys' last-used times, written behind: a request only notes the time in memory, and at most once
 * a minute per key is it written, off the request path (and once more at shutdown).
 */
@Component
class LastUsed implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(LastUsed.class);
    static final Duration RESOLUTION = Duration.ofMinutes(1);

    private final ApiKeyRepository keys;
    private final TransactionTemplate transactions;
    private final Map<String, Instant> written = new ConcurrentHashMap<>();
    private final Map<String, Instant> pending = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(
                    r -> {
                        Thread thread = new Thread(r, "fmplex-key-last-used");
                        thread.setDaemon(true);
                        return thread;
                    });

    LastUsed(ApiKeyRepository keys, TransactionTemplate transactions) {
        this.keys = keys;
        this.transactions = transactions;
        timer.scheduleWithFixedDelay(this::flush, 10, 10, TimeUnit.SECONDS);
    }

    void mark(String keyId, Instant at) {
        Instant last = written.get(keyId);
        if (last == null || last.plus(RESOLUTION).isBefore(at)) {
            written.put(keyId, at);
            pending.put(keyId, at);
        }
    }

    void flush() {
        try {
            for (String id : Map.copyOf(pending).keySet()) {
                Instant at = pending.remove(id);
                if (at != null) {
                    transactions.executeWithoutResult(status -> keys.touch(id, at));
                }
            }
        } catch (RuntimeException e) {
            log.warn("Could not record when keys were last used: {}", e.getMessage());
        }
    }

    @Override
    public void destroy() {
        timer.shutdownNow();
        flush();
    }
}
