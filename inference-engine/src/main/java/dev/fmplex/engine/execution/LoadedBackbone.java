package dev.fmplex.engine.execution;

import ai.djl.ndarray.NDManager;
import dev.fmplex.engine.checkpoint.BackboneParameters;
import dev.fmplex.model.backbone.BackboneDescriptor;

/**
 * What every served backbone loaded from checkpoint parameters holds, whatever its family: its
 * description, its read-only shared parameters and the root manager that owns its native memory.
 *
 * <p>Memory has two tiers: the parameters live in a sub-manager of the root, capped once loading is
 * done so nothing can attach to it afterwards; each batch runs in its own sub-manager of the root,
 * closed when the batch's results have been copied to Java arrays. Closing the backbone closes the
 * root, and with it everything.
 *
 * @param <C> the family's architecture configuration
 */
public abstract class LoadedBackbone<C> implements ServedBackbone {

    private final BackboneDescriptor descriptor;
    private final BackboneParameters<C> weights;
    private final NDManager root;
    private volatile String weightsReleasedBecause;

    /**
     * @param root the backbone's root manager; owned by this backbone from now on
     */
    protected LoadedBackbone(
            BackboneDescriptor descriptor, BackboneParameters<C> weights, NDManager root) {
        this.descriptor = descriptor;
        this.weights = weights;
        this.root = root;
    }

    @Override
    public final BackboneDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public final NDManager root() {
        return root;
    }

    public final C config() {
        return weights.config();
    }

    /**
     * The shared, read-only backbone weights (for reference models in tests and tools).
     *
     * @throws IllegalStateException if an execution path that keeps its own copy released them
     */
    public final BackboneParameters<C> weights() {
        String reason = weightsReleasedBecause;
        if (reason != null) {
            throw new IllegalStateException(
                    "the weights of backbone '"
                            + descriptor.name()
                            + "' were released: "
                            + reason
                            + "; load it with the eager execution path for a reference model");
        }
        return weights;
    }

    /** Whether {@link #weights()} can be read: false once an execution path released them. */
    public final boolean holdsWeights() {
        return weightsReleasedBecause == null;
    }

    /**
     * Frees the DJL copy of the weights, for an execution path that holds its own copy and never
     * reads these again; {@link #config()} stays.
     *
     * @param weightsManager the sub-manager the weights live in
     */
    protected final void releaseWeights(NDManager weightsManager, String reason) {
        weightsReleasedBecause = reason;
        weightsManager.close();
    }

    /** Frees the backbone's native memory; subclasses close what else they own first. */
    @Override
    public void close() {
        root.close();
    }
}
