package dev.fmplex.control.routing;

import dev.fmplex.model.cluster.PlacementView;
import dev.fmplex.model.cluster.WorkerView;
import java.util.List;

/**
 * What runs where: the workers and the vFM versions each holds. Distributed mode reads the
 * registrations and placements in the database; the standalone server reports its one in-process
 * worker.
 */
public interface WorkerDirectory {

    /** Every known worker, live or not, by address. */
    List<WorkerView> workers();

    /** One entry per vFM version held by a worker. */
    List<PlacementView> placements();
}
