package dev.fmplex.engine.extension.peft;

import dev.fmplex.engine.checkpoint.SafetensorsTensors;
import dev.fmplex.engine.checkpoint.SafetensorsTensors.HostTensor;
import dev.fmplex.engine.checkpoint.WeightLoadException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Tensor names of uploaded files as the importer matches them: PEFT's wrapper prefixes and the base
 * model's attribute ({@code bert.}, {@code vit.}, {@code model.}) stripped, family head aliases
 * mapped to {@code classifier.*}, each name once.
 */
final class PeftKeys {

    private PeftKeys() {}

    static Map<String, HostTensor> read(String file, byte[] bytes) throws ArtifactException {
        try {
            return SafetensorsTensors.read(bytes, name -> true);
        } catch (WeightLoadException e) {
            throw new ArtifactException(file, file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Strips PEFT's wrapper prefix and the base model's attribute name ({@code bert.}, {@code
     * vit.}): an adapter trained on a task model carries it, one trained on the bare encoder not.
     */
    static Map<String, HostTensor> canonical(
            Map<String, HostTensor> tensors, String file, AdapterTargets backbone)
            throws ArtifactException {
        Map<String, HostTensor> result = new LinkedHashMap<>();
        for (Map.Entry<String, HostTensor> entry : tensors.entrySet()) {
            String key = entry.getKey();
            // LoRA wraps the model twice (base_model.model.), prompt learning once (base_model.).
            for (String prefix : new String[] {"base_model.model.", "base_model."}) {
                if (key.startsWith(prefix)) {
                    key = key.substring(prefix.length());
                    break;
                }
            }
            String model = backbone.modelPrefix();
            key = key.startsWith(model) ? key.substring(model.length()) : key;
            key = backbone.headAliases().getOrDefault(key, key);
            if (result.put(key, entry.getValue()) != null) {
                throw new ArtifactException(file, file + ": tensor '" + key + "' appears twice");
            }
        }
        return result;
    }
}
