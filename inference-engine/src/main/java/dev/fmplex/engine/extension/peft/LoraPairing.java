package dev.fmplex.engine.extension.peft;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fmplex.engine.checkpoint.SafetensorsTensors.HostTensor;
import dev.fmplex.engine.extension.LoraModule;
import dev.fmplex.engine.extension.peft.AdapterTargets.Tower;
import dev.fmplex.engine.nn.Projection;
import dev.fmplex.engine.nn.ProjectionSite;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEFT's {@code lora_A}/{@code lora_B} tensors paired per adapted module and checked against the
 * backbone's projection sites (tower, layer, target module, shapes, rank), then laid out as the
 * batched product wants ({@code Aᵀ}, {@code (s·B)ᵀ}) on the host.
 */
final class LoraPairing {

    private final AdapterTargets backbone;
    private final Pattern loraKey;

    LoraPairing(AdapterTargets backbone) {
        this.backbone = backbone;
        this.loraKey = backbone.loraKey();
    }

    /** Where an adapted projection sits: its tower, its layer there, and which projection. */
    private record ModuleSite(Tower tower, int layer, Projection linear) {}

    /** A LoRA module checked on the host, ready to become tensors. */
    record PendingLora(
            int layer,
            Projection linear,
            float[] downT,
            long[] downTShape,
            float[] upT,
            long[] upTShape) {
        LoraModule build(NDManager manager) {
            return new LoraModule(
                    layer,
                    linear,
                    manager.create(downT, new Shape(downTShape)),
                    manager.create(upT, new Shape(upTShape)));
        }
    }

    List<PendingLora> pair(AdapterConfig adapter, Map<String, HostTensor> tensors)
            throws ArtifactException {
        Map<String, HostTensor[]> pairs = new TreeMap<>();
        Map<String, ModuleSite> where = new HashMap<>();
        for (Map.Entry<String, HostTensor> entry : tensors.entrySet()) {
            Matcher matcher = loraKey.matcher(entry.getKey());
            if (!matcher.matches()) {
                String why =
                        entry.getKey().startsWith("pooler.")
                                ? "adapts the pooler, which is not part of FMplex's backbone"
                                        + " (heads read pooled hidden states; train without"
                                        + " targeting pooler.dense)"
                                : "adapts an unknown target module; "
                                        + backbone.family()
                                        + "'s are "
                                        + backbone.pathList();
                throw new ArtifactException(
                        VfmImporter.ADAPTER_WEIGHTS,
                        VfmImporter.ADAPTER_WEIGHTS + ": tensor '" + entry.getKey() + "' " + why);
            }
            Tower tower = backbone.towerAt(matcher.group(1));
            int layer;
            try {
                layer = Integer.parseInt(matcher.group(2));
            } catch (NumberFormatException e) {
                throw new ArtifactException(
                        VfmImporter.ADAPTER_WEIGHTS,
                        "adapter for another base: "
                                + entry.getKey()
                                + " names layer "
                                + matcher.group(2)
                                + " but the backbone has "
                                + tower.layers()
                                + " layers");
            }
            // Keyed by the parsed layer, so "layer.07" and "layer.7" collide as they should.
            String module = tower.layerPath() + "." + layer + "." + matcher.group(3);
            ProjectionSite projection = tower.siteAt(matcher.group(3));
            if (projection == null) {
                throw new ArtifactException(
                        VfmImporter.ADAPTER_WEIGHTS,
                        VfmImporter.ADAPTER_WEIGHTS
                                + ": tensor '"
                                + entry.getKey()
                                + "' adapts "
                                + matcher.group(3)
                                + ", which "
                                + tower.layerPath()
                                + " layers do not have");
            }
            HostTensor[] pair = pairs.computeIfAbsent(module, key -> new HostTensor[2]);
            where.putIfAbsent(module, new ModuleSite(tower, layer, projection.role()));
            int slot = matcher.group(4).equals("A") ? 0 : 1;
            if (pair[slot] != null) {
                throw new ArtifactException(
                        VfmImporter.ADAPTER_WEIGHTS,
                        module + ".lora_" + matcher.group(4) + " appears twice");
            }
            pair[slot] = entry.getValue();
        }
        List<PendingLora> modules = new ArrayList<>();
        for (Map.Entry<String, HostTensor[]> pair : pairs.entrySet()) {
            String module = pair.getKey();
            HostTensor down = pair.getValue()[0];
            HostTensor up = pair.getValue()[1];
            if (down == null || up == null) {
                throw new ArtifactException(
                        VfmImporter.ADAPTER_WEIGHTS,
                        module
                                + " has lora_"
                                + (down == null ? "B without lora_A" : "A without lora_B"));
            }
            ModuleSite site = where.get(module);
            Tower tower = site.tower();
            int layer = site.layer();
            Projection linear = site.linear();
            if (layer >= tower.layers()) {
                throw new ArtifactException(
                        VfmImporter.ADAPTER_WEIGHTS,
                        "adapter for another base: "
                                + module
                                + " but the backbone has "
                                + tower.layers()
                                + " layers");
            }
            if (!adapter.targets().contains(linear)) {
                throw new ArtifactException(
                        VfmImporter.ADAPTER_WEIGHTS,
                        module + " is not among the target_modules of " + AdapterConfig.FILE);
            }
            long[] weight = tower.site(linear).weightShape(); // [out, in]
            if (down.shape().length != 2 || up.shape().length != 2) {
                throw new ArtifactException(
                        VfmImporter.ADAPTER_WEIGHTS,
                        module + ": lora_A and lora_B must be matrices");
            }
            if (down.shape()[1] != weight[1] || up.shape()[0] != weight[0]) {
                throw new ArtifactException(
                        VfmImporter.ADAPTER_WEIGHTS,
                        "adapter for another base: "
                                + module
                                + " has lora_A "
                                + down.shapeText()
                                + " and lora_B "
                                + up.shapeText()
                                + ", but the backbone's layer is ["
                                + weight[0]
                                + ", "
                                + weight[1]
                                + "] (out, in)");
            }
            if (down.shape()[0] != up.shape()[1]) {
                throw new ArtifactException(
                        VfmImporter.ADAPTER_WEIGHTS,
                        "lora_A/lora_B rank mismatch at "
                                + module
                                + ": lora_A "
                                + down.shapeText()
                                + " has rank "
                                + down.shape()[0]
                                + ", lora_B "
                                + up.shapeText()
                                + " has rank "
                                + up.shape()[1]);
            }
            if (down.shape()[0] != adapter.rank()) {
                throw new ArtifactException(
                        VfmImporter.ADAPTER_WEIGHTS,
                        "lora_A/lora_B rank mismatch at "
                                + module
                                + ": tensors have rank "
                                + down.shape()[0]
                                + " but "
                                + AdapterConfig.FILE
                                + " says r="
                                + adapter.rank());
            }
            int rank = (int) down.shape()[0];
            int in = (int) weight[1];
            int out = (int) weight[0];
            float scale = (float) adapter.scaling();
            float[] downT = new float[in * rank];
            for (int r = 0; r < rank; r++) {
                for (int i = 0; i < in; i++) {
                    downT[i * rank + r] = down.values()[r * in + i];
                }
            }
            float[] upT = new float[rank * out];
            for (int o = 0; o < out; o++) {
                for (int r = 0; r < rank; r++) {
                    upT[r * out + o] = scale * up.values()[o * rank + r];
                }
            }
            modules.add(
                    new PendingLora(
                            tower.layerBase() + layer,
                            linear,
                            downT,
                            new long[] {in, rank},
                            upT,
                            new long[] {rank, out}));
        }
        return modules;
    }
}
