package dev.fmplex.control.training;

import dev.fmplex.model.safetensors.SafetensorsWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A fitted head as the version files a vFM takes: {@code head.safetensors} with {@code
 * classifier.weight [outputs, features]} and {@code classifier.bias [outputs]} in F32, the plain
 * head the PEFT importer accepts (README, Versions).
 */
public final class HeadArtifacts {

    public static final String FILE = "head.safetensors";

    private HeadArtifacts() {}

    public static Map<String, byte[]> files(LinearHead head) {
        float[] weight = new float[head.outputs() * head.features()];
        for (int k = 0; k < head.outputs(); k++) {
            for (int j = 0; j < head.features(); j++) {
                weight[k * head.features() + j] = (float) head.weight()[k][j];
            }
        }
        float[] bias = new float[head.outputs()];
        for (int k = 0; k < head.outputs(); k++) {
            bias[k] = (float) head.bias()[k];
        }
        Map<String, SafetensorsWriter.F32> tensors = new LinkedHashMap<>();
        tensors.put(
                "classifier.weight",
                new SafetensorsWriter.F32(new long[] {head.outputs(), head.features()}, weight));
        tensors.put(
                "classifier.bias", new SafetensorsWriter.F32(new long[] {head.outputs()}, bias));
        return Map.of(FILE, SafetensorsWriter.write(tensors));
    }
}
