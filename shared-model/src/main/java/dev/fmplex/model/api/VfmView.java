package dev.fmplex.model.api;

import dev.fmplex.model.task.TaskSpec;
import dev.fmplex.model.vfm.Quota;
import dev.fmplex.model.vfm.VfmState;
import java.time.Instant;

/**
 * A vFM as the API returns it.
 *
 * @param tenant the tenant that owns the vFM; its name is unique within that tenant
 * @param residentBytes bytes of this vFM's own extension tensors on a worker; the shared backbone
 *     is never counted here
 */
public record VfmView(
        String id,
        String tenant,
        String name,
        String backbone,
        int version,
        VfmState state,
        double weight,
        TaskSpec task,
        Quota quota,
        long residentBytes,
        Instant createdAt) {

    /** This view with the bytes a worker reports for the serving version. */
    public VfmView withResidentBytes(long bytes) {
        return new VfmView(
                id, tenant, name, backbone, version, state, weight, task, quota, bytes, createdAt);
    }
}
