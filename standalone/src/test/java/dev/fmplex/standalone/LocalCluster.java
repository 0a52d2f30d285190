package dev.fmplex.standalone;

import dev.fmplex.controlplane.ControlPlaneApplication;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The distributed topology on loopback, as the README starts it: real PostgreSQL, one control plane
 * (in this JVM, so it can be stopped and started again on the same database and port) and worker
 * processes of their own that register and heartbeat.
 */
final class LocalCluster implements AutoCloseable {

    /** One worker process and the log it writes. */
    record Worker(Process process, Path log) {

        /** The port the worker listens on, read from its registration log line. */
        boolean listensOn(String address) {
            String port = address.substring(address.lastIndexOf(':') + 1);
            try {
                return Files.readString(log).contains(":" + port + ")");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private final Path dir;
    private final EmbeddedPostgres postgres;
    private final int port;
    private final List<String> controlPlaneArguments;
    private final List<Worker> workers = new ArrayList<>();
    private ConfigurableApplicationContext controlPlane;

    private LocalCluster(Path dir, List<String> controlPlaneArguments) throws IOException {
        this.dir = dir;
        this.controlPlaneArguments = controlPlaneArguments;
        this.postgres = EmbeddedPostgres.builder().setDataDirectory(dir.resolve("pg")).start();
        try (ServerSocket socket = new ServerSocket(0)) {
            // Fixed for the cluster's life: workers must find a restarted control plane again.
            this.port = socket.getLocalPort();
        }
    }

    /** Starts PostgreSQL and a control plane with heartbeats every 500 ms. */
    static LocalCluster start(Path dir, String... controlPlaneArguments) throws IOException {
        LocalCluster cluster = new LocalCluster(dir, List.of(controlPlaneArguments));
        cluster.startControlPlane();
        return cluster;
    }

    void startControlPlane() {
        List<String> arguments = new ArrayList<>();
        arguments.add("--server.port=" + port);
        arguments.add("--spring.datasource.url=" + postgres.getJdbcUrl("postgres", "postgres"));
        arguments.add("--spring.datasource.username=postgres");
        arguments.add("--fmplex.control.heartbeat-interval-ms=500");
        // 3 s of silence: a GC pause on a busy CI machine is not a death.
        arguments.add("--fmplex.control.missed-heartbeats=6");
        arguments.add("--fmplex.security.admin-key=" + TestSecrets.ADMIN_KEY);
        arguments.add("--fmplex.cluster.secret=" + TestSecrets.CLUSTER_SECRET);
        arguments.addAll(controlPlaneArguments);
        controlPlane =
                new SpringApplicationBuilder(ControlPlaneApplication.class)
                        .properties(ControlPlaneApplication.defaults())
                        .run(arguments.toArray(String[]::new));
    }

    void stopControlPlane() {
        controlPlane.close();
        controlPlane = null;
    }

    /** Starts a worker process with {@code arguments} and waits until it has registered. */
    Worker startWorker(String... arguments) throws IOException {
        int before = api().aliveWorkers().size();
        Worker worker = launchWorker(TestSecrets.CLUSTER_SECRET, arguments);
        await(
                () -> {
                    if (!worker.process().isAlive()) {
                        throw new AssertionError(
                                "worker process exited; see its log " + worker.log());
                    }
                    return api().aliveWorkers().size() == before + 1;
                },
                Duration.ofMinutes(2),
                "a worker to register");
        return worker;
    }

    /** Starts a worker process that holds {@code clusterSecret}; does not wait for anything. */
    Worker launchWorker(String clusterSecret, String... arguments) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Dai.djl.offline=true");
        command.add("-Dreactor.netty.http.server.accessLogEnabled=true");
        command.add("-Xmx1g");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("dev.fmplex.worker.WorkerApplication");
        command.add("--server.port=0");
        command.add("--fmplex.worker.control-plane-url=" + baseUrl());
        command.add("--fmplex.cluster.secret=" + clusterSecret);
        command.addAll(List.of(arguments));
        Path log = dir.resolve("worker-" + workers.size() + ".log");
        Worker worker =
                new Worker(
                        new ProcessBuilder(command)
                                .redirectErrorStream(true)
                                .redirectOutput(log.toFile())
                                .start(),
                        log);
        workers.add(worker);
        return worker;
    }

    /** The worker process listening at {@code address}. */
    Worker workerAt(String address) {
        return workers.stream()
                .filter(w -> w.listensOn(address))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no worker process at " + address));
    }

    /**
     * Thread dumps of every live worker (SIGQUIT: the JVM prints them into the worker's log) and of
     * this JVM, which runs the control plane, into the test output.
     */
    void dumpThreads() {
        for (Worker worker : workers) {
            if (worker.process().isAlive()) {
                try {
                    new ProcessBuilder("kill", "-3", Long.toString(worker.process().pid()))
                            .start()
                            .waitFor();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        StringBuilder dump = new StringBuilder("Threads of the control-plane JVM:\n");
        Thread.getAllStackTraces()
                .forEach(
                        (thread, stack) -> {
                            dump.append('"')
                                    .append(thread.getName())
                                    .append("\" ")
                                    .append(thread.getState())
                                    .append('\n');
                            for (StackTraceElement frame : stack) {
                                dump.append("    at ").append(frame).append('\n');
                            }
                        });
        System.out.println(dump);
    }

    String baseUrl() {
        return "http://localhost:" + port;
    }

    FmplexApi api() {
        return FmplexApi.at(baseUrl(), TestSecrets.ADMIN_KEY);
    }

    /** A plain HTTP client, for requests the generated client cannot send (malformed ones). */
    WebTestClient client() {
        return StandaloneServer.clientAt(baseUrl(), TestSecrets.ADMIN_KEY);
    }

    Path dir() {
        return dir;
    }

    /**
     * Stops everything; the worker logs are kept under {@code target/cluster-logs/<name>/} for a
     * post-mortem of a failed run (the temporary directory goes with the test).
     */
    void close(String name) throws Exception {
        Path kept = Path.of("target", "cluster-logs", name);
        Files.createDirectories(kept);
        for (Worker worker : workers) {
            worker.process().destroyForcibly().waitFor();
            Files.copy(
                    worker.log(),
                    kept.resolve(worker.log().getFileName()),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        workers.clear();
        close();
    }

    @Override
    public void close() throws Exception {
        for (Worker worker : workers) {
            worker.process().destroyForcibly().waitFor();
        }
        if (controlPlane != null) {
            controlPlane.close();
        }
        postgres.close();
    }

    /** Polls {@code condition} every 100 ms until it holds or {@code limit} passes. */
    static void await(BooleanSupplier condition, Duration limit, String what) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        }
    }
}
