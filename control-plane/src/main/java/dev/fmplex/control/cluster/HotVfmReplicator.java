package dev.fmplex.control.cluster;

import dev.fmplex.control.catalog.CatalogService;
import dev.fmplex.control.config.ControlProperties;
import dev.fmplex.model.vfm.VfmDeployment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * A vFM whose request rate exceeds {@code fmplex.control.replicate-above-rps} gets a second replica
 * on another worker that hosts its backbone, so one worker's share is no longer its ceiling, and
 * losing a worker no longer interrupts it.
 */
@Component
@ConditionalOnProperty(name = "fmplex.control.mode", havingValue = "distributed")
class HotVfmReplicator {

    private static final Logger log = LoggerFactory.getLogger(HotVfmReplicator.class);

    private final CatalogService catalog;
    private final PlacementRepository placements;
    private final VfmPlacer placer;
    private final RouteTable routes;
    private final PlacementLock lock;
    private final double tickSeconds;
    private final double replicateAboveRps;

    /** Requests routed per vFM since the last tick, and the resulting smoothed rates. */
    private final Map<String, LongAdder> requestCounts = new ConcurrentHashMap<>();

    private final Map<String, Double> requestRates = new ConcurrentHashMap<>();

    HotVfmReplicator(
            CatalogService catalog,
            PlacementRepository placements,
            VfmPlacer placer,
            RouteTable routes,
            PlacementLock lock,
            ControlProperties properties) {
        this.catalog = catalog;
        this.placements = placements;
        this.placer = placer;
        this.routes = routes;
        this.lock = lock;
        // Called once a heartbeat tick: the counts cover one interval.
        this.tickSeconds = properties.heartbeatInterval().toMillis() / 1000.0;
        this.replicateAboveRps = properties.replicateAboveRps();
    }

    /** Called by the router for every request it routes. */
    void countRequest(String vfmId) {
        requestCounts.computeIfAbsent(vfmId, id -> new LongAdder()).increment();
    }

    /** Updates the rates from the counts since the last tick and replicates the hot vFMs. */
    void replicateHotVfms() {
        List<String> hot = new ArrayList<>();
        requestCounts.forEach(
                (id, count) -> {
                    double rate = count.sumThenReset() / tickSeconds;
                    double smoothed = 0.5 * rate + 0.5 * requestRates.getOrDefault(id, rate);
                    requestRates.put(id, smoothed);
                    if (smoothed > replicateAboveRps && routes.routes(id).size() < 2) {
                        hot.add(id);
                    }
                });
        if (hot.isEmpty()) {
            return;
        }
        synchronized (lock) {
            for (String id : hot) {
                try {
                    VfmDeployment deployment = catalog.servingDeployment(id);
                    Set<UUID> holders =
                            placements.findByVfm(UUID.fromString(id)).stream()
                                    .map(PlacementEntity::workerId)
                                    .collect(Collectors.toSet());
                    placer.place(deployment, catalog.artifacts(id, deployment.version()), holders);
                    log.info(
                            "vFM {} serves {} requests/s: replicated",
                            id,
                            String.format("%.1f", requestRates.get(id)));
                } catch (RuntimeException e) {
                    log.debug("vFM {} could not be replicated: {}", id, e.getMessage());
                }
            }
            routes.refresh();
        }
    }
}
