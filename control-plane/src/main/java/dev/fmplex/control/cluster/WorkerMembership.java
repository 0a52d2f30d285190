package dev.fmplex.control.cluster;

import dev.fmplex.control.config.ControlProperties;
import dev.fmplex.model.cluster.WorkerRegistration;
import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.model.problem.ProblemType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Which workers are members and alive: registration, heartbeats, and declaring silent ones dead.
 * What follows from a change of membership (placing vFMs again) is the caller's.
 */
@Component
@ConditionalOnProperty(name = "fmplex.control.mode", havingValue = "distributed")
class WorkerMembership {

    private static final Logger log = LoggerFactory.getLogger(WorkerMembership.class);

    private final WorkerRepository workers;
    private final JsonMapper json;
    private final Duration heartbeatInterval;
    private final int missedBeatsAllowed;
    private final Clock clock = Clock.systemUTC();

    /** Guards worker liveness (register, heartbeat, reaping) apart from slow reconciles. */
    private final Object liveness = new Object();

    WorkerMembership(WorkerRepository workers, JsonMapper json, ControlProperties properties) {
        this.workers = workers;
        this.json = json;
        this.heartbeatInterval = properties.heartbeatInterval();
        this.missedBeatsAllowed = properties.missedHeartbeats();
    }

    Duration heartbeatInterval() {
        return heartbeatInterval;
    }

    /** A worker (re)joins: it is alive with the budget and backbones it reports now. */
    WorkerEntity register(WorkerRegistration registration) {
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
        synchronized (liveness) {
            return join(registration, now);
        }
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

    void heartbeat(String workerId) {
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

    /**
     * Workers silent for more than the allowed heartbeats are dead.
     *
     * @return whether any died
     */
    boolean markSilentDead() {
        Instant limit = clock.instant().minus(heartbeatInterval.multipliedBy(missedBeatsAllowed));
        synchronized (liveness) {
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
    }

    /**
     * Counts every live worker as having beaten now: after a control-plane restart, silence
     * measured across this process's own downtime would kill healthy workers.
     */
    void grantGrace() {
        synchronized (liveness) {
            for (WorkerEntity worker : workers.findByState(WorkerEntity.ALIVE)) {
                worker.beat(clock.instant());
                workers.save(worker);
            }
        }
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
