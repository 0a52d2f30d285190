package dev.fmplex.control.cluster;

import dev.fmplex.model.safetensors.SafetensorsFormatException;
import dev.fmplex.model.safetensors.SafetensorsHeader;
import dev.fmplex.model.safetensors.TensorEntry;
import java.util.Map;

/**
 * What a version will occupy on a worker before any worker has loaded it, for the budget check of
 * placement. Workers hold extension tensors as fp32 whatever the file's dtype, so an F16 upload
 * takes twice its file size in memory; the file size would under-count it.
 */
final class ResidentEstimate {

    private static final int FP32_BYTES = Float.BYTES;

    private ResidentEstimate() {}

    static long of(Map<String, byte[]> files) {
        long bytes = 0;
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            if (!file.getKey().endsWith(".safetensors")) {
                continue; // configuration files are not resident
            }
            try {
                for (TensorEntry tensor :
                        SafetensorsHeader.parse(file.getValue()).tensors().values()) {
                    bytes += tensor.elementCount() * FP32_BYTES;
                }
            } catch (SafetensorsFormatException e) {
                // The worker rejects it with the precise reason; until then count its size.
                bytes += file.getValue().length;
            }
        }
        return bytes;
    }
}
