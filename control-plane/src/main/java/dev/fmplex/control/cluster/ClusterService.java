package dev.fmplex.control.cluster;

import dev.fmplex.control.catalog.CatalogService;
import dev.fmplex.model.backbone.BackboneDescriptor;
import dev.fmplex.model.cluster.PlacementView;
import dev.fmplex.model.cluster.RegistrationReply;
import dev.fmplex.model.cluster.WorkerRegistration;
import dev.fmplex.model.cluster.WorkerView;
import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.model.problem.ProblemType;
import dev.fmplex.model.vfm.VfmDeployment;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Workers, their liveness and what they hold. The catalog is the truth; placements and the
 * in-memory routes are derived from it and rebuilt when a worker joins or falls silent.
 */
@Service
@ConditionalOnProperty(name = "fmplex.control.mode", havingValue = "distributed")
public class ClusterService {

    private static final Logger log = LoggerFactory.getLogger(ClusterService.class);

    /** A live replica of a vFM: where to send its requests. */
    record Route(String address, long residentBytes) {}

    private final WorkerRepository workers;
    private final PlacementRepository placements;
    private final CatalogService catalog;
    private final WorkerClient client;
    private final JsonMapper json;
    private final Duration heartbeatInterval;
    private final int missedBeatsAllowed;
    private final Clock clock = Clock.systemUTC();
    private final Map<String, List<Route>> routes = new ConcurrentHashMap<>();

    /** Guards worker liveness (register, heartbeat, reaping) apart from slow reconciles. */
    private final Object liveness = new Object();

    private volatile boolean reconcilePending;

    /** Requests routed per vFM since the last tick, and the resulting smoothed rates. */
    private final Map<String, java.util.concurrent.atomic.LongAdder> requestCounts =
            new ConcurrentHashMap<>();

    private final Map<String, Double> requestRates = new ConcurrentHashMap<>();
    private final double replicateAboveRps;

    ClusterService(
            WorkerRepository workers,
            PlacementRepository placements,
            CatalogService catalog,
            WorkerClient client,
            JsonMapper json,
            @Value("${fmplex.control.heartbeat-interval-ms:1000}") long heartbeatMs,
            @Value("${fmplex.control.missed-heartbeats:3}") int missedBeatsAllowed,
            @Value("${fmplex.control.replicate-above-rps:50}") double replicateAboveRps) {
        this.replicateAboveRps = replicateAboveRps;
        this.workers = workers;
        this.placements = placements;
        this.catalog = catalog;
        this.client = client;
        this.json = json;
        this.heartbeatInterval = Duration.ofMillis(heartbeatMs);
        this.missedBeatsAllowed = missedBeatsAllowed;
    }

    /** A worker (re)joins: it is alive, its backbones are registered, and it gets its vFMs. */
    public RegistrationReply register(WorkerRegistration registration) {
        if (registration.address() == null || !registration.address().startsWith("http")) {
            throw new FmplexException(
                    ProblemType.INVALID_REQUEST, "address", "address must be an http(s) URL");
        }
        if (registration.memoryBudgetBytes() <= 0) {
            throw new FmplexException(
                    ProblemType.INVALID_REQUEST,
                    "memoryBudgetBytes",
                    "memoryBudgetBytes must be > 0");
        }
        Instant now = clock.instant();
        WorkerEntity worker;
        synchronized (liveness) {
            worker = join(registration, now);
        }
        catalog.registerBackbones(registration.backbones());
        log.info(
                "Worker {} joined at {} with {}",
                worker.id(),
                worker.address(),
                registration.backbones().stream().map(BackboneDescriptor::name).toList());
        // Its memory is empty after a (re)start (a worker declared dead clears itself before it
        // registers again): everything placed on it goes back.
        UUID fresh = worker.id();
        new Thread(() -> reconcileSafely(fresh), "fmplex-reconcile").start();
        return new RegistrationReply(worker.id().toString(), heartbeatInterval.toMillis());
    }

    private WorkerEntity join(WorkerRegistration registration, Instant now) {
        WorkerEntity worker =
                workers.findByAddress(registration.address())
                        .orElseGet(
                                () ->
                                        new WorkerEntity(
                                                UUID.randomUUID(), registration.address(), now));
        worker.join(
                registration.memoryBudgetBytes(),
                json.writeValueAsString(registration.backbones()),
                now);
        workers.save(worker);
        return worker;
    }

    public void heartbeat(String workerId) {
        synchronized (liveness) {
            beat(workerId);
        }
    }

    private void beat(String workerId) {
        WorkerEntity worker =
                workers.findById(parse(workerId))
                        .filter(WorkerEntity::alive)
                        .orElseThrow(
                                () ->
                                        new FmplexException(
                                                ProblemType.UNKNOWN_WORKER,
                                                "id",
                                                "no live worker with id '"
                                                        + workerId
                                                        + "'; register again"));
        worker.beat(clock.instant());
        workers.save(worker);
    }

    /** Set once {@link #resumeAfterRestart} has given live workers their grace. */
    private volatile boolean ready;

    /** Workers silent for too many heartbeats are dead; their vFMs go elsewhere. */
    @Scheduled(fixedDelayString = "${fmplex.control.heartbeat-interval-ms:1000}")
    public void reapSilentWorkers() {
        if (!ready) {
            // Until resumeAfterRestart has granted live workers their grace, silence measured
            // across this process's own downtime would kill healthy workers.
            return;
        }
        Instant limit = clock.instant().minus(heartbeatInterval.multipliedBy(missedBeatsAllowed));
        boolean anyDied;
        synchronized (liveness) {
            anyDied = markSilentDead(limit);
        }
        // A failed reconcile is retried on the next tick instead of being lost with the death.
        if (anyDied || reconcilePending) {
            reconcilePending = !reconcileSafely(null);
        }
        replicateHotVfms();
    }

    /** Called by the router for every request it routes. */
    void countRequest(String vfmId) {
        requestCounts
                .computeIfAbsent(vfmId, id -> new java.util.concurrent.atomic.LongAdder())
                .increment();
    }

    /**
     * A vFM whose request rate exceeds {@code fmplex.control.replicate-above-rps} gets a second
     * replica on another worker that hosts its backbone, so one worker's share is no longer its
     * ceiling, and losing a worker no longer interrupts it.
     */
    private void replicateHotVfms() {
        double seconds = heartbeatInterval.toMillis() / 1000.0;
        List<String> hot = new ArrayList<>();
        requestCounts.forEach(
                (id, count) -> {
                    double rate = count.sumThenReset() / seconds;
                    double smoothed = 0.5 * rate + 0.5 * requestRates.getOrDefault(id, rate);
                    requestRates.put(id, smoothed);
                    if (smoothed > replicateAboveRps && routes(id).size() < 2) {
                        hot.add(id);
                    }
                });
        if (hot.isEmpty()) {
            return;
        }
        synchronized (this) {
            for (String id : hot) {
                try {
                    VfmDeployment deployment = catalog.servingDeployment(id);
                    Set<UUID> holders =
                            placements.findByVfm(UUID.fromString(id)).stream()
                                    .map(PlacementEntity::workerId)
                                    .collect(Collectors.toSet());
                    place(deployment, catalog.artifacts(id, deployment.version()), holders);
                    log.info(
                            "vFM {} serves {} requests/s: replicated",
                            id,
                            String.format("%.1f", requestRates.get(id)));
                } catch (RuntimeException e) {
                    log.debug("vFM {} could not be replicated: {}", id, e.getMessage());
                }
            }
            refreshRoutes();
        }
    }

    private boolean markSilentDead(Instant limit) {
        boolean anyDied = false;
        for (WorkerEntity worker : workers.findByState(WorkerEntity.ALIVE)) {
            if (worker.lastHeartbeat().isBefore(limit)) {
                worker.die();
                workers.save(worker);
                log.warn(
                        "Worker {} at {} missed {} heartbeats: dead",
                        worker.id(),
                        worker.address(),
                        missedBeatsAllowed);
                anyDied = true;
            }
        }
        return anyDied;
    }

    /** After a control-plane restart: live workers get a grace period and routes are rebuilt. */
    @EventListener(ApplicationReadyEvent.class)
    public void resumeAfterRestart() {
        synchronized (liveness) {
            for (WorkerEntity worker : workers.findByState(WorkerEntity.ALIVE)) {
                worker.beat(clock.instant());
                workers.save(worker);
            }
        }
        refreshRoutes();
        ready = true;
        new Thread(() -> reconcilePending = !reconcileSafely(null), "fmplex-reconcile").start();
    }

    private boolean reconcileSafely(UUID freshWorker) {
        try {
            reconcile(freshWorker);
            return true;
        } catch (RuntimeException e) {
            log.error("reconcile failed; retrying on the next heartbeat tick", e);
            return false;
        }
    }

    /**
     * Makes placements match the catalog: every loadable vFM has a live replica at its current
     * version; placements on dead workers go; a worker that rejoined gets its vFMs again.
     */
    public synchronized void reconcile(UUID freshWorker) {
        Map<UUID, WorkerEntity> alive =
                workers.findByState(WorkerEntity.ALIVE).stream()
                        .collect(Collectors.toMap(WorkerEntity::id, w -> w));
        for (VfmDeployment deployment : catalog.loadableDeployments()) {
            UUID vfm = UUID.fromString(deployment.vfmId());
            boolean placed = false;
            for (PlacementEntity placement : placements.findByVfm(vfm)) {
                WorkerEntity worker = alive.get(placement.workerId());
                if (worker == null) {
                    placements.delete(placement);
                    continue;
                }
                // A worker that kept running already holds its version; one that (re)joined, or
                // holds an older version, gets it sent. A newer one is an upload in flight.
                if (!worker.id().equals(freshWorker)
                        && placement.version() >= deployment.version()) {
                    placed = true;
                    continue;
                }
                try {
                    ensureLoaded(worker, deployment);
                    placed = true;
                } catch (RuntimeException e) {
                    log.warn(
                            "vFM {} could not be loaded on {}: {}",
                            vfm,
                            worker.address(),
                            e.getMessage());
                    placements.delete(placement);
                }
            }
            if (!placed) {
                try {
                    place(
                            deployment,
                            catalog.artifacts(deployment.vfmId(), deployment.version()),
                            Set.of());
                } catch (RuntimeException e) {
                    log.warn("vFM {} has no replica: {}", vfm, e.getMessage());
                }
            }
        }
        refreshRoutes();
    }

    /** Re-sends a placement whose worker may have restarted since. */
    private void ensureLoaded(WorkerEntity worker, VfmDeployment deployment) {
        long bytes =
                client.deploy(
                        worker.address(),
                        deployment,
                        catalog.artifacts(deployment.vfmId(), deployment.version()));
        if (catalog.isPaused(deployment.vfmId())) {
            client.lifecycle(worker.address(), deployment.vfmId(), "pause");
        }
        placements.save(
                new PlacementEntity(
                        UUID.fromString(deployment.vfmId()),
                        worker.id(),
                        deployment.version(),
                        bytes,
                        clock.instant()));
    }

    /**
     * Loads a version on every worker that holds the vFM, or places it on the best worker when none
     * does; the first worker validates the files (its 422 aborts with nothing recorded).
     */
    public synchronized long deploy(VfmDeployment deployment, Map<String, byte[]> files) {
        UUID vfm = UUID.fromString(deployment.vfmId());
        List<WorkerEntity> holders = new ArrayList<>();
        for (PlacementEntity placement : placements.findByVfm(vfm)) {
            workers.findById(placement.workerId())
                    .filter(WorkerEntity::alive)
                    .ifPresent(holders::add);
        }
        if (holders.isEmpty()) {
            long bytes = place(deployment, files, Set.of());
            refreshRoutes();
            return bytes;
        }
        long estimate = ResidentEstimate.of(files);
        for (WorkerEntity worker : holders) {
            long free = worker.memoryBudgetBytes() - (used(worker) - placedBytes(worker, vfm));
            if (estimate > free) {
                throw new FmplexException(
                        ProblemType.NO_REPLICA,
                        null,
                        "version "
                                + deployment.version()
                                + " of vFM "
                                + deployment.vfmId()
                                + " needs about "
                                + estimate
                                + " bytes on worker "
                                + worker.address()
                                + ", which has "
                                + free
                                + " of its memory budget free");
            }
        }
        long bytes = 0;
        for (WorkerEntity worker : holders) {
            bytes = client.deploy(worker.address(), deployment, files);
            placements.save(
                    new PlacementEntity(
                            vfm, worker.id(), deployment.version(), bytes, clock.instant()));
        }
        refreshRoutes();
        return bytes;
    }

    /**
     * Sharing-aware placement: among live workers that host the vFM's backbone, those whose budget
     * still fits it (backbones counted once, plus every placed vFM's resident bytes), the one
     * holding the fewest vFMs, to spread load.
     */
    private long place(VfmDeployment deployment, Map<String, byte[]> files, Set<UUID> exclude) {
        long estimate = ResidentEstimate.of(files);
        WorkerEntity chosen =
                workers.findByState(WorkerEntity.ALIVE).stream()
                        .filter(w -> !exclude.contains(w.id()))
                        .filter(
                                w ->
                                        backbones(w).stream()
                                                .anyMatch(
                                                        b ->
                                                                b.name()
                                                                        .equals(
                                                                                deployment
                                                                                        .backbone())))
                        .filter(w -> used(w) + estimate <= w.memoryBudgetBytes())
                        .min(
                                Comparator.comparingInt(
                                                (WorkerEntity w) ->
                                                        placements.findByWorker(w.id()).size())
                                        .thenComparing(WorkerEntity::address))
                        .orElseThrow(
                                () ->
                                        new FmplexException(
                                                ProblemType.NO_REPLICA,
                                                null,
                                                "no live worker hosts backbone "
                                                        + deployment.backbone()
                                                        + " with room for vFM "
                                                        + deployment.vfmId()));
        long bytes = client.deploy(chosen.address(), deployment, files);
        if (catalog.isPaused(deployment.vfmId())) {
            client.lifecycle(chosen.address(), deployment.vfmId(), "pause");
        }
        placements.save(
                new PlacementEntity(
                        UUID.fromString(deployment.vfmId()),
                        chosen.id(),
                        deployment.version(),
                        bytes,
                        clock.instant()));
        log.info(
                "Placed vFM {} version {} on {}",
                deployment.vfmId(),
                deployment.version(),
                chosen.address());
        return bytes;
    }

    public synchronized void undeploy(String vfmId) {
        for (Route route : routes.getOrDefault(vfmId, List.of())) {
            try {
                client.undeploy(route.address(), vfmId);
            } catch (RuntimeException e) {
                log.warn(
                        "could not unload vFM {} from {}: {}",
                        vfmId,
                        route.address(),
                        e.getMessage());
            }
        }
        placements.deleteByVfm(UUID.fromString(vfmId));
        refreshRoutes();
    }

    /** Pause or resume on every replica. */
    public synchronized void lifecycle(String vfmId, String action) {
        for (Route route : routes.getOrDefault(vfmId, List.of())) {
            try {
                client.lifecycle(route.address(), vfmId, action);
            } catch (RuntimeException e) {
                // A dead replica is reaped soon; a live one that failed is logged, the rest
                // proceed.
                log.warn(
                        "could not {} vFM {} on {}: {}",
                        action,
                        vfmId,
                        route.address(),
                        e.getMessage());
            }
        }
    }

    /**
     * Live replicas of a vFM, fewest-loaded first would need load data; placement order is fine.
     */
    List<Route> routes(String vfmId) {
        return routes.getOrDefault(vfmId, List.of());
    }

    Optional<Long> residentBytes(String vfmId) {
        return routes(vfmId).stream().map(Route::residentBytes).findFirst();
    }

    public List<WorkerView> workers() {
        return workers.findAll().stream()
                .sorted(Comparator.comparing(WorkerEntity::address))
                .map(
                        w ->
                                new WorkerView(
                                        w.id().toString(),
                                        w.address(),
                                        w.state(),
                                        w.memoryBudgetBytes(),
                                        used(w),
                                        backbones(w).stream()
                                                .map(BackboneDescriptor::name)
                                                .toList(),
                                        placements.findByWorker(w.id()).size(),
                                        w.lastHeartbeat()))
                .toList();
    }

    public List<PlacementView> placements() {
        Map<UUID, String> addresses = new HashMap<>();
        workers.findAll().forEach(w -> addresses.put(w.id(), w.address()));
        return placements.findAll().stream()
                .map(p -> p.toView(addresses.get(p.workerId())))
                .toList();
    }

    /** What the vFM's current placement on this worker occupies (0 if none). */
    private long placedBytes(WorkerEntity worker, UUID vfm) {
        return placements.findByWorker(worker.id()).stream()
                .filter(p -> p.vfmId().equals(vfm))
                .mapToLong(PlacementEntity::residentBytes)
                .sum();
    }

    /** Backbone bytes once each, plus the resident bytes of every vFM placed on the worker. */
    private long used(WorkerEntity worker) {
        long backbones =
                backbones(worker).stream().mapToLong(BackboneDescriptor::parameterBytes).sum();
        return backbones
                + placements.findByWorker(worker.id()).stream()
                        .mapToLong(PlacementEntity::residentBytes)
                        .sum();
    }

    private List<BackboneDescriptor> backbones(WorkerEntity worker) {
        return json.readValue(
                worker.backbonesJson(), new TypeReference<List<BackboneDescriptor>>() {});
    }

    private void refreshRoutes() {
        Map<UUID, WorkerEntity> alive =
                workers.findByState(WorkerEntity.ALIVE).stream()
                        .collect(Collectors.toMap(WorkerEntity::id, w -> w));
        Map<String, List<Route>> fresh = new HashMap<>();
        for (PlacementEntity placement : placements.findAll()) {
            WorkerEntity worker = alive.get(placement.workerId());
            if (worker != null) {
                fresh.computeIfAbsent(placement.vfmId().toString(), k -> new ArrayList<>())
                        .add(new Route(worker.address(), placement.residentBytes()));
            }
        }
        Set<String> gone = new java.util.HashSet<>(routes.keySet());
        gone.removeAll(fresh.keySet());
        gone.forEach(routes::remove);
        routes.putAll(fresh);
    }

    private static UUID parse(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new FmplexException(
                    ProblemType.UNKNOWN_WORKER, "id", "no worker with id '" + id + "'");
        }
    }
}
