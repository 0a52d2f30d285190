package dev.fmplex.engine.family;

import dev.fmplex.engine.checkpoint.WeightLoadException;
import dev.fmplex.engine.execution.ServedBackbone;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

/**
 * A model family the engine can serve (BERT-family text encoders, ViT, CLIP, PatchTST, ...): the
 * one thing a family package exposes to the rest of FMplex.
 *
 * <p>Families are found with {@link java.util.ServiceLoader}, as DJL finds its engines: a family is
 * one package plus one line in {@code META-INF/services/dev.fmplex.engine.family.BackboneFamily}.
 * Everything else of a family (its configuration, parameter names, checkpoint loader, encoder,
 * batch executor and LoRA surface) stays inside its package and reaches the worker only through the
 * {@link ServedBackbone} it loads. Implementations need a public no-argument constructor and hold
 * no state.
 */
public interface BackboneFamily {

    /**
     * The family's name as backbones report it ({@code BackboneDescriptor.family}), e.g. {@code
     * bert}.
     */
    String name();

    /** The {@code config.json} {@code model_type}s this family loads, e.g. {@code bert}. */
    Set<String> modelTypes();

    /**
     * Loads the Hugging Face checkpoint directory {@code directory} as a backbone named {@code
     * name}; a failure leaves no native memory behind.
     *
     * @throws WeightLoadException naming the file, field or tensor that does not fit the family
     */
    ServedBackbone load(String name, Path directory, BackboneLoadOptions options)
            throws IOException, WeightLoadException;

    /**
     * The backbones this family ships inside FMplex's own artifacts (loaded from the classpath, not
     * a directory), by name; none unless a family bundles one.
     */
    default Set<String> bundledBackbones() {
        return Set.of();
    }

    /**
     * Loads one of {@link #bundledBackbones()}.
     *
     * @throws IllegalArgumentException when this family bundles no backbone of that name
     */
    default ServedBackbone loadBundled(String name, BackboneLoadOptions options)
            throws IOException, WeightLoadException {
        throw new IllegalArgumentException(name() + " bundles no backbone named " + name);
    }
}
