package dev.fmplex.control.cluster;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Where each vFM's live replicas are, in memory, so the router never touches the database on the
 * infer path. Derived from placements and worker liveness, and rebuilt after every change of
 * either.
 */
@Component
@ConditionalOnProperty(name = "fmplex.control.mode", havingValue = "distributed")
class RouteTable {

    /** A live replica of a vFM: where to send its requests. */
    record Route(String address, long residentBytes) {}

    private final WorkerRepository workers;
    private final PlacementRepository placements;
    private final Map<String, List<Route>> routes = new ConcurrentHashMap<>();

    RouteTable(WorkerRepository workers, PlacementRepository placements) {
        this.workers = workers;
        this.placements = placements;
    }

    /** Live replicas of a vFM in placement order (the router rotates over them). */
    List<Route> routes(String vfmId) {
        return routes.getOrDefault(vfmId, List.of());
    }

    Optional<Long> residentBytes(String vfmId) {
        return routes(vfmId).stream().map(Route::residentBytes).findFirst();
    }

    void refresh() {
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
        // Replace entry by entry rather than swapping the map: readers never see a vFM vanish
        // and come back while the table is rebuilt.
        Set<String> gone = new HashSet<>(routes.keySet());
        gone.removeAll(fresh.keySet());
        gone.forEach(routes::remove);
        routes.putAll(fresh);
    }
}
