package dev.fmplex.engine.family;

import dev.fmplex.engine.checkpoint.CheckpointFiles;
import dev.fmplex.engine.checkpoint.ConfigFields;
import dev.fmplex.engine.checkpoint.WeightLoadException;
import dev.fmplex.engine.execution.ServedBackbone;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The families installed on the classpath, and loading by what a checkpoint says it is: its {@code
 * config.json} {@code model_type} picks the family. A type no family accepts fails, naming the
 * types that are accepted: there is no fallback family.
 */
public final class BackboneFamilies {

    private static final String CONFIG_FILE = "config.json";

    private final List<BackboneFamily> families;
    private final Map<String, BackboneFamily> byModelType;
    private final Map<String, BackboneFamily> byBundledName;

    private BackboneFamilies(List<BackboneFamily> families) {
        this.families = List.copyOf(families);
        Map<String, BackboneFamily> types = new TreeMap<>();
        Map<String, BackboneFamily> bundled = new TreeMap<>();
        for (BackboneFamily family : families) {
            for (String type : family.modelTypes()) {
                claim(types, type, family, "model_type");
            }
            for (String name : family.bundledBackbones()) {
                claim(bundled, name, family, "bundled backbone");
            }
        }
        this.byModelType = types;
        this.byBundledName = bundled;
    }

    private static void claim(
            Map<String, BackboneFamily> owners, String key, BackboneFamily family, String what) {
        BackboneFamily previous = owners.putIfAbsent(key, family);
        if (previous != null) {
            throw new IllegalStateException(
                    what
                            + " '"
                            + key
                            + "' is claimed by two families: "
                            + previous.name()
                            + " and "
                            + family.name());
        }
    }

    /** Every family the classpath provides through {@link java.util.ServiceLoader}. */
    public static BackboneFamilies installed() {
        List<BackboneFamily> found = new ArrayList<>();
        ServiceLoader.load(BackboneFamily.class).forEach(found::add);
        found.sort(Comparator.comparing(BackboneFamily::name));
        return new BackboneFamilies(found);
    }

    /** Exactly {@code families}, for tools and tests that choose their own. */
    public static BackboneFamilies of(List<BackboneFamily> families) {
        return new BackboneFamilies(families);
    }

    /** The families, by name. */
    public List<BackboneFamily> all() {
        return families;
    }

    /** The accepted {@code model_type}s, sorted. */
    public List<String> modelTypes() {
        return List.copyOf(byModelType.keySet());
    }

    /**
     * The family that loads {@code modelType}.
     *
     * @throws WeightLoadException naming the accepted types when none does
     */
    public BackboneFamily forModelType(String modelType) throws WeightLoadException {
        BackboneFamily family = byModelType.get(modelType);
        if (family == null) {
            throw new WeightLoadException(
                    CONFIG_FILE
                            + " model_type '"
                            + modelType
                            + "' is not supported; accepted are "
                            + String.join(", ", byModelType.keySet()));
        }
        return family;
    }

    /**
     * Loads the checkpoint in {@code directory} with the family its {@code config.json} {@code
     * model_type} names.
     *
     * @throws WeightLoadException with the backbone's name in front, when the type is missing or
     *     unknown or the family refuses the checkpoint
     */
    public ServedBackbone load(String name, Path directory, BackboneLoadOptions options)
            throws IOException, WeightLoadException {
        BackboneFamily family;
        try {
            ConfigFields config =
                    ConfigFields.parse(
                            CONFIG_FILE, CheckpointFiles.read(directory.resolve(CONFIG_FILE)));
            String modelType = config.optionalString("model_type", null);
            if (modelType == null) {
                throw config.error(
                        "model_type",
                        "is missing; accepted are " + String.join(", ", modelTypes()));
            }
            family = forModelType(modelType);
        } catch (WeightLoadException e) {
            throw new WeightLoadException("backbone " + name + ": " + e.getMessage(), e);
        }
        return family.load(name, directory, options);
    }

    /**
     * Loads a backbone that ships with FMplex, e.g. {@code all-minilm-l6-v2}.
     *
     * @throws IllegalArgumentException naming the bundled backbones when none has that name
     */
    public ServedBackbone loadBundled(String name, BackboneLoadOptions options)
            throws IOException, WeightLoadException {
        BackboneFamily family = byBundledName.get(name);
        if (family == null) {
            throw new IllegalArgumentException(
                    "no bundled backbone named '"
                            + name
                            + "'; bundled are "
                            + String.join(", ", byBundledName.keySet()));
        }
        return family.loadBundled(name, options);
    }
}
