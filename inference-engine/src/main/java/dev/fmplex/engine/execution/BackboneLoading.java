package dev.fmplex.engine.execution;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.fmplex.engine.checkpoint.WeightLoadException;
import java.io.IOException;

/**
 * The frame every backbone loader shares: a new root manager on the device with a weights
 * sub-manager for the assembly to fill, closed again (weights and all) when the assembly fails, so
 * a backbone that does not load leaves no native memory behind.
 */
public final class BackboneLoading {

    /**
     * Builds a served backbone from weights it loads into {@code weights}, a sub-manager of {@code
     * root}.
     */
    @FunctionalInterface
    public interface Assembly<R extends ServedBackbone> {
        R assemble(NDManager root, NDManager weights) throws IOException, WeightLoadException;
    }

    private BackboneLoading() {}

    /**
     * Creates the root manager for a backbone on {@code device}; load its weights into a
     * sub-manager from {@link #newWeightsManager} (or let {@link #inNewRoot} do both).
     */
    public static NDManager newRootManager(Device device) {
        return Engine.getEngine("PyTorch").newBaseManager(device);
    }

    /** The sub-manager of {@code root} that holds a backbone's weights; capped once they load. */
    public static NDManager newWeightsManager(NDManager root) {
        return root.newSubManager();
    }

    /**
     * Runs {@code assembly} in a new root manager on {@code device}; the served backbone owns it
     * after. A {@link WeightLoadException} of the assembly comes back with the backbone's name in
     * front, as the worker's startup reports it.
     */
    public static <R extends ServedBackbone> R inNewRoot(
            String name, Device device, Assembly<R> assembly)
            throws IOException, WeightLoadException {
        NDManager root = newRootManager(device);
        try {
            return assembly.assemble(root, newWeightsManager(root));
        } catch (WeightLoadException e) {
            root.close();
            throw new WeightLoadException("backbone " + name + ": " + e.getMessage(), e);
        } catch (Throwable e) {
            // Anything else (an IOException, a RuntimeException, even an Error) is rethrown as it
            // is, after the native memory is given back.
            root.close();
            throw e;
        }
    }
}
