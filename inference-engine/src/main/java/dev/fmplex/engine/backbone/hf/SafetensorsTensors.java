package dev.fmplex.engine.backbone.hf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.fmplex.engine.backbone.WeightLoadException;
import dev.fmplex.model.safetensors.SafetensorsFormatException;
import dev.fmplex.model.safetensors.SafetensorsHeader;
import dev.fmplex.model.safetensors.TensorEntry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Turns the bytes of a safetensors file into fp32 NDArrays by name.
 *
 * <p>The header is validated in full by {@link SafetensorsHeader} first; only then does DJL's
 * decoder see the bytes, because it was not written for hostile input.
 */
public final class SafetensorsTensors {

    private SafetensorsTensors() {}

    /**
     * Decodes every tensor; those {@code wanted} must be F32, F16 or BF16 and are returned as
     * fp32, the rest are dropped.
     */
    public static Map<String, NDArray> decode(
            byte[] file, NDManager manager, Predicate<String> wanted) throws WeightLoadException {
        SafetensorsHeader header;
        try {
            header = SafetensorsHeader.parse(file);
        } catch (SafetensorsFormatException e) {
            throw new WeightLoadException("model.safetensors: " + e.getMessage(), e);
        }
        for (TensorEntry entry : header.tensors().values()) {
            if (wanted.test(entry.name()) && !entry.dtype().isSupportedWeightType()) {
                throw new WeightLoadException(
                        "tensor '"
                                + entry.name()
                                + "' has dtype "
                                + entry.dtype()
                                + "; supported are F32, F16 and BF16");
            }
        }
        Map<String, NDArray> result = new LinkedHashMap<>();
        try (NDManager decodeScope = manager.newSubManager()) {
            NDList decoded = NDList.decode(decodeScope, file);
            for (NDArray array : decoded) {
                if (!wanted.test(array.getName())) {
                    continue;
                }
                NDArray fp32 =
                        array.getDataType() == DataType.FLOAT32
                                ? array
                                : array.toType(DataType.FLOAT32, false);
                fp32.setName(array.getName());
                fp32.attach(manager);
                result.put(array.getName(), fp32);
            }
        }
        return result;
    }
}
