package dev.fmplex.worker.inference;

import ai.djl.Device;
import dev.fmplex.engine.backbone.WeightLoadException;
import dev.fmplex.engine.backbone.bundled.BundledMiniLm;
import dev.fmplex.engine.execution.BackboneRuntime;
import dev.fmplex.engine.extension.peft.VfmImporter;
import dev.fmplex.engine.registry.VfmRegistry;
import dev.fmplex.engine.torch.TorchDevices;
import dev.fmplex.model.backbone.BackboneDescriptor;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backbones this worker has loaded, each with its own executor thread.
 *
 * <p>One thread per backbone keeps DJL work off the Netty event loop and runs one forward pass at a
 * time per backbone; PyTorch's intra-op threads parallelize inside it.
 */
public final class BackboneHost implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BackboneHost.class);

    /**
     * A loaded backbone, the single thread that runs its batches, the vFM versions it serves and
     * the importer that validates new ones against it.
     */
    public record HostedBackbone(
            BackboneRuntime runtime,
            ExecutorService executor,
            VfmRegistry registry,
            VfmImporter importer) {}

    private final Map<String, HostedBackbone> backbones = new ConcurrentHashMap<>();

    /** Loads the bundled MiniLM backbone as {@code properties} say. */
    public static BackboneHost withBundledBackbone(WorkerProperties properties)
            throws IOException, WeightLoadException {
        Device device = TorchDevices.select(properties.device());
        BackboneHost host = new BackboneHost();
        host.add(BundledMiniLm.load(device, properties.maxTokens()));
        return host;
    }

    public void add(BackboneRuntime runtime) {
        String name = runtime.descriptor().name();
        ExecutorService executor =
                Executors.newSingleThreadExecutor(
                        task -> {
                            Thread thread = new Thread(task, "fmplex-exec-" + name);
                            thread.setDaemon(true);
                            return thread;
                        });
        HostedBackbone hosted =
                new HostedBackbone(
                        runtime,
                        executor,
                        new VfmRegistry(),
                        new VfmImporter(runtime.config(), runtime.tokenizer().maxTokens()));
        HostedBackbone previous = backbones.putIfAbsent(name, hosted);
        if (previous != null) {
            executor.shutdown();
            throw new IllegalStateException("backbone " + name + " is already loaded");
        }
    }

    public Optional<HostedBackbone> find(String name) {
        return Optional.ofNullable(backbones.get(name));
    }

    public Collection<HostedBackbone> all() {
        return backbones.values();
    }

    public List<BackboneDescriptor> descriptors() {
        return backbones.values().stream().map(b -> b.runtime().descriptor()).toList();
    }

    @Override
    public void close() {
        for (HostedBackbone backbone : backbones.values()) {
            backbone.executor().shutdown();
            try {
                if (!backbone.executor().awaitTermination(10, TimeUnit.SECONDS)) {
                    log.warn(
                            "backbone {} still busy after 10 s; closing anyway",
                            backbone.runtime().descriptor().name());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            backbone.registry().clear();
            backbone.runtime().close();
        }
        backbones.clear();
    }
}
