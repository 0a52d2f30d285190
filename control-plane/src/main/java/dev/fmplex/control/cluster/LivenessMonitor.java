package dev.fmplex.control.cluster;

import dev.fmplex.control.config.ControlProperties;
import java.time.Duration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

/**
 * The heartbeat tick of the control plane: once an interval it declares silent workers dead,
 * reconciles when one died (or when the last reconcile failed), and replicates hot vFMs. After a
 * restart it first gives live workers their grace and rebuilds the routes.
 */
@Component
@ConditionalOnProperty(name = "fmplex.control.mode", havingValue = "distributed")
class LivenessMonitor implements SchedulingConfigurer {

    private final WorkerMembership membership;
    private final Reconciler reconciler;
    private final HotVfmReplicator replicator;
    private final RouteTable routes;
    private final Duration interval;

    /** Set once {@link #resumeAfterRestart} has given live workers their grace. */
    private volatile boolean ready;

    private volatile boolean reconcilePending;

    LivenessMonitor(
            WorkerMembership membership,
            Reconciler reconciler,
            HotVfmReplicator replicator,
            RouteTable routes,
            ControlProperties properties) {
        this.membership = membership;
        this.reconciler = reconciler;
        this.replicator = replicator;
        this.routes = routes;
        this.interval = properties.heartbeatInterval();
    }

    /** Ticks with a fixed delay of one heartbeat interval, taken from the properties record. */
    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        registrar.addFixedDelayTask(this::tick, interval);
    }

    /** Workers silent for too many heartbeats are dead; their vFMs go elsewhere. */
    void tick() {
        if (!ready) {
            // Until resumeAfterRestart has granted live workers their grace, silence measured
            // across this process's own downtime would kill healthy workers.
            return;
        }
        boolean anyDied = membership.markSilentDead();
        // A failed reconcile is retried on the next tick instead of being lost with the death.
        if (anyDied || reconcilePending) {
            reconcilePending = !reconciler.reconcileSafely(null);
        }
        replicator.replicateHotVfms();
    }

    /** After a control-plane restart: live workers get a grace period and routes are rebuilt. */
    @EventListener(ApplicationReadyEvent.class)
    public void resumeAfterRestart() {
        membership.grantGrace();
        routes.refresh();
        ready = true;
        new Thread(() -> reconcilePending = !reconciler.reconcileSafely(null), "fmplex-reconcile")
                .start();
    }
}
