package dev.fmplex.control.cluster;

import dev.fmplex.control.routing.WorkerGateway;
import dev.fmplex.model.api.FanOutResponse;
import dev.fmplex.model.api.InferRequest;
import dev.fmplex.model.api.InferResponse;
import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.model.problem.ProblemType;
import dev.fmplex.model.vfm.VfmDeployment;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.MissingNode;

/**
 * The router of the distributed mode: a request goes to a live replica of its vFM through that
 * worker's circuit breaker; when the worker cannot be reached, answers 5xx, or its breaker is open,
 * the next replica is tried; with none left the client gets a clear 503.
 */
@Component
@ConditionalOnProperty(name = "fmplex.control.mode", havingValue = "distributed")
class RemoteWorkerGateway implements WorkerGateway {

    private static final Logger log = LoggerFactory.getLogger(RemoteWorkerGateway.class);

    private final ClusterService cluster;
    private final RouteTable routes;
    private final HotVfmReplicator replicator;
    private final WorkerClient client;
    private final CircuitBreakerRegistry breakers;

    /** Per vFM, which replica goes first next: requests rotate over the replicas. */
    private final Map<String, AtomicInteger> nextReplica = new ConcurrentHashMap<>();

    RemoteWorkerGateway(
            ClusterService cluster,
            RouteTable routes,
            HotVfmReplicator replicator,
            WorkerClient client) {
        this.cluster = cluster;
        this.routes = routes;
        this.replicator = replicator;
        this.client = client;
        this.breakers =
                CircuitBreakerRegistry.of(
                        CircuitBreakerConfig.custom()
                                .slidingWindowSize(10)
                                .minimumNumberOfCalls(5)
                                .failureRateThreshold(50)
                                .waitDurationInOpenState(Duration.ofSeconds(5))
                                // Only an unreachable or failing worker counts; a 4xx is the
                                // client's problem.
                                .recordException(RemoteWorkerGateway::workerFault)
                                .build());
    }

    @Override
    public boolean placesItself() {
        return true;
    }

    @Override
    public Mono<InferResponse> infer(VfmDeployment deployment, InferRequest request) {
        replicator.countRequest(deployment.vfmId());
        return onReplicas(
                deployment.vfmId(), address -> client.infer(address, deployment, request));
    }

    @Override
    public Mono<FanOutResponse> inferMany(List<VfmDeployment> deployments, InferRequest request) {
        List<String> ids = deployments.stream().map(VfmDeployment::vfmId).toList();
        // One worker must hold them all to share the forward pass; the first vFM's replicas that
        // do.
        return Mono.defer(
                () -> {
                    List<String> candidates =
                            routes.routes(ids.get(0)).stream()
                                    .map(RouteTable.Route::address)
                                    .filter(
                                            address ->
                                                    ids.stream()
                                                            .allMatch(
                                                                    id ->
                                                                            routes
                                                                                    .routes(id)
                                                                                    .stream()
                                                                                    .anyMatch(
                                                                                            r ->
                                                                                                    r.address()
                                                                                                            .equals(
                                                                                                                    address))))
                                    .toList();
                    return tryInOrder(
                            candidates,
                            ids.get(0),
                            address -> client.inferMany(address, ids, request));
                });
    }

    private <T> Mono<T> onReplicas(String vfmId, Function<String, Mono<T>> call) {
        return Mono.defer(
                () ->
                        tryInOrder(
                                rotated(
                                        routes.routes(vfmId).stream()
                                                .map(RouteTable.Route::address)
                                                .toList(),
                                        vfmId),
                                vfmId,
                                call));
    }

    /**
     * The replicas starting from the next one in turn, the others after it as fallbacks: a hot
     * vFM's load spreads over its replicas instead of sitting on the first one.
     */
    private List<String> rotated(List<String> addresses, String vfmId) {
        if (addresses.size() < 2) {
            return addresses;
        }
        int first =
                Math.floorMod(
                        nextReplica
                                .computeIfAbsent(vfmId, id -> new AtomicInteger())
                                .getAndIncrement(),
                        addresses.size());
        List<String> order = new ArrayList<>(addresses.size());
        for (int i = 0; i < addresses.size(); i++) {
            order.add(addresses.get((first + i) % addresses.size()));
        }
        return order;
    }

    private <T> Mono<T> tryInOrder(
            List<String> addresses, String vfmId, Function<String, Mono<T>> call) {
        java.util.concurrent.atomic.AtomicReference<Throwable> lastFault =
                new java.util.concurrent.atomic.AtomicReference<>();
        return Flux.fromIterable(addresses)
                .concatMap(
                        address ->
                                call.apply(address)
                                        .transformDeferred(
                                                CircuitBreakerOperator.of(
                                                        breakers.circuitBreaker(address)))
                                        .map(Optional::of)
                                        .onErrorResume(
                                                RemoteWorkerGateway::workerFault,
                                                e -> {
                                                    lastFault.set(e);
                                                    return Mono.just(Optional.<T>empty());
                                                }))
                .filter(Optional::isPresent)
                .map(Optional::get)
                .next()
                .switchIfEmpty(
                        Mono.error(
                                () ->
                                        new FmplexException(
                                                ProblemType.NO_REPLICA,
                                                null,
                                                "no live replica of vFM "
                                                        + vfmId
                                                        + " answered; "
                                                        + (addresses.isEmpty()
                                                                ? "it is not placed on any live worker"
                                                                : "tried "
                                                                        + addresses
                                                                        + ", last error: "
                                                                        + (lastFault.get() == null
                                                                                ? "none"
                                                                                : lastFault
                                                                                        .get()
                                                                                        .getMessage())))));
    }

    private static boolean workerFault(Throwable error) {
        return error instanceof WebClientRequestException
                || error instanceof WorkerClient.WorkerUnavailableException
                || error instanceof CallNotPermittedException
                || error instanceof java.util.concurrent.TimeoutException;
    }

    @Override
    public long deploy(VfmDeployment deployment, Map<String, byte[]> files) {
        try {
            return cluster.deploy(deployment, files);
        } catch (WorkerClient.WorkerUnavailableException e) {
            throw e.getCause() instanceof FmplexException relayed ? relayed : e;
        }
    }

    @Override
    public void undeploy(String vfmId) {
        cluster.undeploy(vfmId);
        nextReplica.remove(vfmId);
    }

    @Override
    public Optional<Long> residentBytes(String vfmId) {
        return routes.residentBytes(vfmId);
    }

    @Override
    public void pause(String vfmId) {
        cluster.lifecycle(vfmId, "pause");
    }

    @Override
    public void resume(String vfmId) {
        cluster.lifecycle(vfmId, "resume");
    }

    /**
     * Asks every live replica's worker: counters add up over replicas, shares are the mean of each
     * replica's share of its own worker's backbone. A replica that cannot answer is left out (and
     * logged); empty when none answers.
     */
    @Override
    public Optional<SchedulerView> schedulerView(String vfmId) {
        List<JsonNode> replies = new ArrayList<>();
        for (RouteTable.Route route : routes.routes(vfmId)) {
            try {
                replies.add(client.queueStats(route.address(), vfmId));
            } catch (RuntimeException e) {
                log.warn(
                        "no scheduler stats for vFM {} from {}: {}",
                        vfmId,
                        route.address(),
                        e.getMessage());
            }
        }
        return aggregate(replies);
    }

    /**
     * The same for many vFMs with one {@code GET /internal/stats} per worker that holds any of
     * them, instead of one call per vFM and replica: what a dashboard refreshing every vFM every
     * few seconds needs. A vFM a worker holds but has not scheduled yet counts as all zeros there.
     */
    @Override
    public Map<String, SchedulerView> schedulerViews(Collection<String> vfmIds) {
        Map<String, JsonNode> byWorker = new HashMap<>();
        Map<String, SchedulerView> views = new HashMap<>();
        for (String vfmId : vfmIds) {
            List<JsonNode> replies = new ArrayList<>();
            for (RouteTable.Route route : routes.routes(vfmId)) {
                JsonNode stats =
                        byWorker.computeIfAbsent(route.address(), this::schedulerStatsOrMissing);
                if (!stats.isMissingNode()) {
                    replies.add(queueOf(stats, vfmId));
                }
            }
            aggregate(replies).ifPresent(view -> views.put(vfmId, view));
        }
        return views;
    }

    private JsonNode schedulerStatsOrMissing(String address) {
        try {
            return client.schedulerStats(address);
        } catch (RuntimeException e) {
            log.warn("no scheduler stats from {}: {}", address, e.getMessage());
            return MissingNode.getInstance();
        }
    }

    /** The vFM's queue in whichever backbone's scheduler holds it (an empty object if none). */
    private static JsonNode queueOf(JsonNode workerStats, String vfmId) {
        for (JsonNode backbone : workerStats) {
            JsonNode queue = backbone.path("vfms").path(vfmId);
            if (!queue.isMissingNode()) {
                return queue;
            }
        }
        return MissingNode.getInstance();
    }

    private static Optional<SchedulerView> aggregate(List<JsonNode> replies) {
        if (replies.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(
                new SchedulerView(
                        replies.stream().allMatch(r -> r.path("paused").asBoolean()),
                        (int) sum(replies, "queuedRequests"),
                        (long) sum(replies, "completedRequests"),
                        sum(replies, "completedCostMs"),
                        (long) sum(replies, "rejected"),
                        (long) sum(replies, "expired"),
                        sum(replies, "achievedShare") / replies.size(),
                        sum(replies, "weightShare") / replies.size(),
                        replies.size()));
    }

    private static double sum(List<JsonNode> replies, String field) {
        return replies.stream().mapToDouble(r -> r.path(field).asDouble()).sum();
    }
}
