package dev.fmplex.engine.extension;

import dev.fmplex.engine.nn.Projection;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A vFM's LoRA modules, at most one per (layer, linear layer). */
public final class LoraAdapter {

    private final Map<String, LoraModule> modules = new LinkedHashMap<>();

    public LoraAdapter(List<LoraModule> modules) {
        for (LoraModule module : modules) {
            if (this.modules.put(key(module.layer(), module.linear()), module) != null) {
                throw new IllegalArgumentException(
                        "two LoRA modules for layer " + module.layer() + " " + module.linear());
            }
        }
    }

    public Optional<LoraModule> module(int layer, Projection linear) {
        return Optional.ofNullable(modules.get(key(layer, linear)));
    }

    public Collection<LoraModule> modules() {
        return Collections.unmodifiableCollection(modules.values());
    }

    private static String key(int layer, Projection linear) {
        return layer + "/" + linear.name();
    }
}
