package dev.fmplex.control.lifecycle;

import dev.fmplex.model.api.LifecycleEventView;
import dev.fmplex.model.api.VfmView;
import dev.fmplex.model.vfm.LifecycleAction;
import dev.fmplex.model.vfm.VfmState;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * The audit trail of vFM lifecycles ({@code lifecycle_events}). Written inside the transaction of
 * the change it records, so a change and its event commit or roll back together; it outlives the
 * vFM it describes.
 */
@Component
class LifecycleAudit {

    private final LifecycleEventRepository events;
    private final Clock clock = Clock.systemUTC();

    LifecycleAudit(LifecycleEventRepository events) {
        this.events = events;
    }

    /**
     * @param after the vFM as the change left it (its state and version are the event's)
     * @param from its state before, or null when it did not exist
     */
    void record(
            VfmView after, LifecycleAction action, VfmState from, String apiCall, String detail) {
        events.save(
                new LifecycleEventEntity(
                        UUID.fromString(after.id()),
                        after.name(),
                        action.wireName(),
                        from == null ? null : from.name(),
                        after.state().name(),
                        after.version(),
                        apiCall,
                        detail,
                        clock.instant()));
    }

    List<LifecycleEventView> events(UUID vfmId) {
        return events.findByVfmIdOrderByIdAsc(vfmId).stream()
                .map(LifecycleEventEntity::toView)
                .toList();
    }
}
