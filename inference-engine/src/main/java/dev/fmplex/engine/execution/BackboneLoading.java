package dev.fmplex.engine.execution;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.fmplex.engine.checkpoint.WeightLoadException;
import dev.fmplex.engine.family.bert.BertServedBackbone;
import java.io.IOException;

/**
 * The frame every backbone loader shares: a new root manager on the device with a weights
 * sub-manager for the assembly to fill, closed again (weights and all) when the assembly fails, so
 * a backbone that does not load leaves no native memory behind.
 */
public final class BackboneLoading {

    /**
     * Builds a runtime from weights it loads into {@code weights}, a sub-manager of {@code root}.
     */
    @FunctionalInterface
    public interface Assembly<R extends ServedBackbone> {
        R assemble(NDManager root, NDManager weights) throws IOException, WeightLoadException;
    }

    private BackboneLoading() {}

    /** Runs {@code assembly} in a new root manager on {@code device}; the runtime owns it after. */
    public static <R extends ServedBackbone> R inNewRoot(Device device, Assembly<R> assembly)
            throws IOException, WeightLoadException {
        NDManager root = BertServedBackbone.newRootManager(device);
        try {
            return assembly.assemble(root, BertServedBackbone.newWeightsManager(root));
        } catch (IOException | WeightLoadException | RuntimeException e) {
            root.close();
            throw e;
        }
    }

    /** A loading failure with the backbone's name in front, as the worker's startup reports it. */
    public static WeightLoadException named(String name, WeightLoadException cause) {
        return new WeightLoadException("backbone " + name + ": " + cause.getMessage(), cause);
    }
}
