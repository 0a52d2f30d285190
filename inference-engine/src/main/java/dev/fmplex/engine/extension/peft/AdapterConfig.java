package dev.fmplex.engine.extension.peft;

import dev.fmplex.engine.nn.Projection;
import dev.fmplex.engine.nn.ProjectionSite;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The parts of a PEFT {@code adapter_config.json} that change the computation, checked: for LoRA
 * the rank, alpha, rsLoRA scaling and target modules; for prompt tuning the number of virtual
 * tokens and their width. Settings FMplex does not implement (bias training, per-module rank or
 * alpha patterns, fan-in/fan-out weights) are refused by name.
 */
record AdapterConfig(
        String peftType,
        int rank,
        double alpha,
        boolean rsLora,
        Set<Projection> targets,
        int virtualTokens,
        Integer tokenDim) {

    static final String FILE = "adapter_config.json";
    static final String LORA = "LORA";
    static final String PROMPT_TUNING = "PROMPT_TUNING";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    double scaling() {
        return rsLora ? alpha / Math.sqrt(rank) : alpha / rank;
    }

    static AdapterConfig parse(byte[] bytes, AdapterTargets backbone) throws ArtifactException {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (JacksonException e) {
            throw fail("is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw fail("must hold a JSON object");
        }
        String type = text(root, "peft_type");
        if (LORA.equals(type)) {
            return lora(root, backbone);
        }
        if (PROMPT_TUNING.equals(type)) {
            int tokens = positiveInt(root, "num_virtual_tokens");
            JsonNode submodules = root.get("num_transformer_submodules");
            if (submodules != null && !submodules.isNull() && submodules.asInt() != 1) {
                throw fail("num_transformer_submodules must be 1 for an encoder");
            }
            JsonNode dim = root.get("token_dim");
            return new AdapterConfig(
                    type,
                    0,
                    0,
                    false,
                    Set.of(),
                    tokens,
                    dim == null || dim.isNull() ? null : positiveInt(root, "token_dim"));
        }
        throw fail("peft_type '" + type + "' is not supported; expected LORA or PROMPT_TUNING");
    }

    private static AdapterConfig lora(JsonNode root, AdapterTargets backbone)
            throws ArtifactException {
        int rank = positiveInt(root, "r");
        JsonNode alphaNode = root.get("lora_alpha");
        double alpha = alphaNode == null || alphaNode.isNull() ? 8 : alphaNode.asDouble();
        if (!(alpha > 0) || Double.isInfinite(alpha)) {
            throw fail("lora_alpha must be a positive number");
        }
        String bias = root.has("bias") && !root.get("bias").isNull() ? text(root, "bias") : "none";
        if (!bias.equals("none")) {
            throw fail("bias '" + bias + "' is not supported; expected none");
        }
        if (root.path("fan_in_fan_out").asBoolean(false)) {
            throw fail(
                    "fan_in_fan_out=true (Conv1D weights) does not apply to "
                            + backbone.family()
                            + " linear layers");
        }
        for (String pattern : List.of("rank_pattern", "alpha_pattern")) {
            JsonNode node = root.get(pattern);
            if (node != null && !node.isNull() && node.size() > 0) {
                throw fail(pattern + " is not supported; use one r and lora_alpha for all modules");
            }
        }
        return new AdapterConfig(
                LORA,
                rank,
                alpha,
                root.path("use_rslora").asBoolean(false),
                targets(root.get("target_modules"), backbone),
                0,
                null);
    }

    /**
     * PEFT matches a list entry against a module's full name or its end (after a dot), and a string
     * as a regular expression over the whole name; both are resolved here against the backbone's
     * six projections.
     */
    private static Set<Projection> targets(JsonNode node, AdapterTargets backbone)
            throws ArtifactException {
        if (node == null || node.isNull()) {
            throw fail("target_modules is required for LORA");
        }
        Set<Projection> targets = EnumSet.noneOf(Projection.class);
        if (node.isString()) {
            Pattern pattern;
            try {
                pattern = Pattern.compile(node.stringValue());
            } catch (PatternSyntaxException e) {
                throw fail(
                        "target_modules is not a valid regular expression: " + e.getDescription());
            }
            for (Projection linear : Projection.values()) {
                for (String name : moduleNames(linear, backbone)) {
                    if (pattern.matcher(name).matches()) {
                        targets.add(linear);
                    }
                }
            }
            if (targets.isEmpty()) {
                throw fail(
                        "target_modules '"
                                + node.stringValue()
                                + "' matches no "
                                + backbone.family()
                                + " module");
            }
            return targets;
        }
        if (!node.isArray() || node.isEmpty()) {
            throw fail("target_modules must be a non-empty list of module names");
        }
        List<String> unknown = new ArrayList<>();
        for (JsonNode item : node) {
            String name = item.asString();
            boolean matched = false;
            for (Projection linear : Projection.values()) {
                for (String module : moduleNames(linear, backbone)) {
                    if (module.equals(name) || module.endsWith("." + name)) {
                        targets.add(linear);
                        matched = true;
                    }
                }
            }
            if (!matched) {
                unknown.add(name);
            }
        }
        if (!unknown.isEmpty()) {
            throw fail(
                    "unknown target module(s) "
                            + unknown
                            + "; "
                            + backbone.family()
                            + "'s are "
                            + backbone.pathList());
        }
        return targets;
    }

    /**
     * The names PEFT matches entries against: the module's full name in the wrapped model, with and
     * without the base model's attribute ({@code bert.}, {@code vit.}); layers up to 64 cover every
     * released model of these families.
     */
    private static List<String> moduleNames(Projection linear, AdapterTargets backbone) {
        List<String> names = new ArrayList<>();
        for (AdapterTargets.Tower tower : backbone.towers()) {
            ProjectionSite site = tower.site(linear);
            if (site == null) {
                continue;
            }
            for (int layer = 0; layer < 64; layer++) {
                String name = tower.layerPath() + "." + layer + "." + site.path();
                names.add(name);
                names.add(backbone.modelPrefix() + name);
            }
        }
        return names;
    }

    private static String text(JsonNode root, String field) throws ArtifactException {
        JsonNode node = root.get(field);
        if (node == null || !node.isString()) {
            throw fail(field + " must be a string");
        }
        return node.stringValue();
    }

    private static int positiveInt(JsonNode root, String field) throws ArtifactException {
        JsonNode node = root.get(field);
        if (node == null
                || !node.isIntegralNumber()
                || !node.canConvertToInt()
                || node.intValue() < 1) {
            throw fail(field + " must be a positive integer");
        }
        return node.intValue();
    }

    private static ArtifactException fail(String message) {
        return new ArtifactException(FILE, FILE + ": " + message);
    }
}
