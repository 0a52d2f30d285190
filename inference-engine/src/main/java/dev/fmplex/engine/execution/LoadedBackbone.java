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

    /** The shared, read-only backbone weights (for reference models in tests and tools). */
    public final BackboneParameters<C> weights() {
        return weights;
    }

    /** Frees the backbone's native memory; subclasses close what else they own first. */
    @Override
    public void close() {
        root.close();
    }
}
