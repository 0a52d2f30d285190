package dev.fmplex.worker.cluster;

import dev.fmplex.model.cluster.RegistrationReply;
import dev.fmplex.model.cluster.WorkerRegistration;
import dev.fmplex.web.cluster.ClusterProperties;
import dev.fmplex.web.cluster.SigningFilter;
import dev.fmplex.worker.inference.BackboneHost;
import dev.fmplex.worker.inference.VfmDeployments;
import dev.fmplex.worker.inference.WorkerProperties;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;

/**
 * Registration and heartbeats of this worker with {@code fmplex.worker.control-plane-url}, signed
 * with the cluster secret.
 */
@Component
@ConditionalOnProperty(name = "fmplex.worker.control-plane-url")
class ControlPlaneMembership implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ControlPlaneMembership.class);

    private final WebClient controlPlane;
    private final BackboneHost host;
    private final VfmDeployments deployments;
    private final String advertisedHost;
    private final DataSize memoryBudget;
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(
                    r -> {
                        Thread thread = new Thread(r, "fmplex-heartbeat");
                        thread.setDaemon(true);
                        return thread;
                    });
    private volatile String address;
    private volatile String workerId;
    private volatile long intervalMs = 1000;

    ControlPlaneMembership(
            BackboneHost host,
            VfmDeployments deployments,
            WorkerProperties properties,
            ClusterProperties cluster) {
        // Registration is signed with the cluster secret: an impostor cannot join.
        this.controlPlane =
                WebClient.builder()
                        .baseUrl(properties.controlPlaneUrl())
                        .filter(new SigningFilter(cluster.requireSecret()))
                        .build();
        this.host = host;
        this.deployments = deployments;
        this.advertisedHost = properties.advertisedHost();
        this.memoryBudget = properties.memoryBudget();
    }

    @EventListener
    void onStarted(WebServerInitializedEvent event) {
        address = "http://" + advertisedHost + ":" + event.getWebServer().getPort();
        timer.execute(this::register);
    }

    private void register() {
        try {
            RegistrationReply reply =
                    controlPlane
                            .post()
                            .uri("/workers")
                            .bodyValue(
                                    new WorkerRegistration(
                                            address, memoryBudget.toBytes(), host.descriptors()))
                            .retrieve()
                            .bodyToMono(RegistrationReply.class)
                            .block(Duration.ofSeconds(30));
            workerId = reply.workerId();
            log.info("Registered with the control plane as worker {} ({})", workerId, address);
            intervalMs = reply.heartbeatIntervalMs();
            timer.schedule(this::heartbeat, intervalMs, TimeUnit.MILLISECONDS);
        } catch (WebClientResponseException.Unauthorized e) {
            log.error(
                    "The control plane refused to register this worker: {}. Is"
                            + " fmplex.cluster.secret (FMPLEX_CLUSTER_SECRET) the same on both?"
                            + " Retrying in 5 s",
                    e.getResponseBodyAsString());
            timer.schedule(this::register, 5, TimeUnit.SECONDS);
        } catch (RuntimeException e) {
            log.warn("Control plane not reachable ({}); retrying registration", e.getMessage());
            timer.schedule(this::register, 1, TimeUnit.SECONDS);
        }
    }

    private void heartbeat() {
        try {
            controlPlane
                    .post()
                    .uri("/workers/{id}/heartbeat", workerId)
                    .retrieve()
                    .toBodilessEntity()
                    .block(Duration.ofSeconds(10));
            timer.schedule(this::heartbeat, intervalMs, TimeUnit.MILLISECONDS);
        } catch (WebClientResponseException.NotFound e) {
            // Declared dead: the control plane has re-placed our vFMs elsewhere. Start clean so
            // nothing stays loaded that it does not track, then join again.
            log.warn(
                    "The control plane no longer knows this worker; unloading and registering again");
            deployments.undeployAll();
            register();
        } catch (RuntimeException e) {
            log.warn("Heartbeat failed: {}", e.getMessage());
            timer.schedule(this::heartbeat, intervalMs, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void destroy() {
        timer.shutdownNow();
    }
}
