package dev.fmplex.control.cluster;

import dev.fmplex.control.catalog.CatalogService;
import dev.fmplex.control.placement.Candidate;
import dev.fmplex.control.placement.PlacementDecision;
import dev.fmplex.control.placement.PlacementPolicy;
import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.model.problem.ProblemType;
import dev.fmplex.model.vfm.VfmDeployment;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Puts a vFM version on a worker: the {@link PlacementPolicy} chooses where, this class sends the
 * version there and records the placement. Callers hold the {@link PlacementLock}.
 */
@Component
@ConditionalOnProperty(name = "fmplex.control.mode", havingValue = "distributed")
class VfmPlacer {

    private static final Logger log = LoggerFactory.getLogger(VfmPlacer.class);

    private final WorkerRepository workers;
    private final PlacementRepository placements;
    private final WorkerUsage usage;
    private final CatalogService catalog;
    private final WorkerClient client;
    private final Clock clock = Clock.systemUTC();

    VfmPlacer(
            WorkerRepository workers,
            PlacementRepository placements,
            WorkerUsage usage,
            CatalogService catalog,
            WorkerClient client) {
        this.workers = workers;
        this.placements = placements;
        this.usage = usage;
        this.catalog = catalog;
        this.client = client;
    }

    /**
     * Places the version on the worker the policy chooses among all registered ones, skipping
     * {@code exclude}; 503 when none qualifies.
     *
     * @return resident bytes the worker reports
     */
    long place(VfmDeployment deployment, Map<String, byte[]> files, Set<UUID> exclude) {
        Map<String, WorkerEntity> byId = new HashMap<>();
        List<Candidate> candidates = new ArrayList<>();
        for (WorkerEntity worker : workers.findAll()) {
            byId.put(worker.id().toString(), worker);
            candidates.add(usage.candidate(worker));
        }
        PlacementDecision decision =
                PlacementPolicy.choose(
                        deployment.backbone(),
                        ResidentEstimate.of(files),
                        candidates,
                        exclude.stream().map(UUID::toString).collect(Collectors.toSet()));
        if (decision instanceof PlacementDecision.NoCandidate none) {
            log.debug("vFM {} not placed: {}", deployment.vfmId(), none);
            throw new FmplexException(
                    ProblemType.NO_REPLICA,
                    null,
                    "no live worker hosts backbone "
                            + deployment.backbone()
                            + " with room for vFM "
                            + deployment.vfmId()
                            + " ("
                            + none.explain()
                            + ")");
        }
        PlacementDecision.Chosen chosen = (PlacementDecision.Chosen) decision;
        WorkerEntity worker = byId.get(chosen.worker().id());
        long bytes = load(worker, deployment, files);
        log.info(
                "Placed vFM {} version {} on {}",
                deployment.vfmId(),
                deployment.version(),
                worker.address());
        return bytes;
    }

    /**
     * Sends the version to {@code worker}, pauses it there if the catalog says paused, and records
     * the placement.
     */
    long load(WorkerEntity worker, VfmDeployment deployment, Map<String, byte[]> files) {
        long bytes = client.deploy(worker.address(), deployment, files);
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
        return bytes;
    }
}
