package dev.fmplex.engine.extension.peft;

import dev.fmplex.engine.nn.ProjectionSite;
import dev.fmplex.engine.training.TrainedAdapter;
import dev.fmplex.model.safetensors.SafetensorsWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes a trained LoRA adapter and its classifier as the files PEFT's {@code save_pretrained}
 * writes for a sequence-classification model: {@code adapter_config.json} ({@code LORA}, {@code
 * SEQ_CLS}, the head in {@code modules_to_save}) and {@code adapter_model.safetensors} with the
 * wrapped model's tensor names ({@code base_model.model.bert.encoder.layer.0.attention.self.query
 * .lora_A.weight}, {@code base_model.model.classifier.weight}). The importer reads them back as any
 * uploaded adapter, so a trained version and its export are one format.
 */
public final class PeftExport {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private PeftExport() {}

    /**
     * @param targets the backbone's adapter surface: names of modules and the model prefix
     * @param baseModel {@code base_model_name_or_path}, the backbone's name
     */
    public static Map<String, byte[]> files(
            AdapterTargets targets, TrainedAdapter adapter, String baseModel) {
        AdapterTargets.Tower tower = targets.towers().get(0);
        String prefix = "base_model.model." + targets.modelPrefix() + tower.layerPath() + ".";
        Map<String, SafetensorsWriter.F32> tensors = new LinkedHashMap<>();
        Set<String> modules = new LinkedHashSet<>();
        for (TrainedAdapter.Module module : adapter.modules()) {
            ProjectionSite site = tower.site(module.role());
            if (site == null) {
                throw new IllegalArgumentException(
                        targets.family() + " has no " + module.role() + " projection");
            }
            modules.add(site.path());
            String at = prefix + module.layer() + "." + site.path();
            int rank = adapter.recipe().rank();
            tensors.put(
                    at + ".lora_A.weight",
                    new SafetensorsWriter.F32(new long[] {rank, module.in()}, module.a()));
            tensors.put(
                    at + ".lora_B.weight",
                    new SafetensorsWriter.F32(new long[] {module.out(), rank}, module.b()));
        }
        float[][] w = adapter.headWeight();
        float[] flat = new float[w.length * w[0].length];
        for (int c = 0; c < w.length; c++) {
            System.arraycopy(w[c], 0, flat, c * w[0].length, w[0].length);
        }
        tensors.put(
                "base_model.model.classifier.weight",
                new SafetensorsWriter.F32(new long[] {w.length, w[0].length}, flat));
        tensors.put(
                "base_model.model.classifier.bias",
                new SafetensorsWriter.F32(new long[] {w.length}, adapter.headBias().clone()));

        ObjectNode config = JSON.createObjectNode();
        config.put("peft_type", "LORA");
        config.put("task_type", "SEQ_CLS");
        config.put("base_model_name_or_path", baseModel);
        config.put("r", adapter.recipe().rank());
        config.put("lora_alpha", adapter.recipe().alpha());
        config.put("lora_dropout", 0.0);
        config.put("bias", "none");
        config.put("fan_in_fan_out", false);
        config.put("use_rslora", false);
        config.put("inference_mode", true);
        modules.forEach(config.putArray("target_modules")::add);
        config.putArray("modules_to_save").add("classifier");

        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(
                "adapter_config.json",
                JSON.writerWithDefaultPrettyPrinter()
                        .writeValueAsString(config)
                        .getBytes(StandardCharsets.UTF_8));
        files.put(VfmImporter.ADAPTER_WEIGHTS, SafetensorsWriter.write(tensors));
        return files;
    }
}
