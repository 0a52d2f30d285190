package dev.fmplex.engine.family.clip;

import ai.djl.ndarray.types.Shape;
import dev.fmplex.engine.family.bert.TinyBertCheckpoints;
import dev.fmplex.engine.family.bert.TinyBertCheckpoints.HostTensor;
import dev.fmplex.model.safetensors.SafetensorsDType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * Tiny random CLIP checkpoints in the exact layout of transformers' {@code
 * CLIPModel.save_pretrained}: both towers, projections, a 0-d {@code logit_scale}, the legacy int64
 * {@code position_ids} buffers old checkpoints carry, {@code config.json} with nested tower
 * configs, and a word-level {@code tokenizer.json} whose end-of-text token has the largest id, as
 * CLIP's BPE vocabulary does.
 */
public final class TinyClipCheckpoints {

    /** Words of the tiny vocabulary; specials follow them. */
    public static final List<String> WORDS =
            List.of(
                    "<unk>", "a", "photo", "of", "cat", "dog", "bird", "car", "red", "blue", "the",
                    ".");

    public static final long START = WORDS.size();
    public static final long END = WORDS.size() + 1;

    /**
     * Text 16 wide, 2 layers, 12 positions; vision 16 wide, 2 layers, 8 x 8 images of 4 x 4
     * patches; embeddings 8.
     */
    public static final ClipConfig TINY =
            new ClipConfig(
                    new ClipConfig.Text(16, 2, 4, 32, WORDS.size() + 2, 12, 1e-5f, true, 2),
                    new ClipConfig.Vision(16, 2, 4, 32, 8, 4, 3, 1e-5f, true),
                    8);

    private TinyClipCheckpoints() {}

    /** Random weights under canonical names: norm scales near 1, logit_scale ln(1/0.07). */
    public static Map<String, HostTensor> randomWeights(ClipConfig config, long seed) {
        Random random = new Random(seed);
        Map<String, HostTensor> weights = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> entry :
                ClipParameterNames.expectedShapes(config).entrySet()) {
            String name = entry.getKey();
            float[] values = new float[(int) new Shape(entry.getValue()).size()];
            boolean scale =
                    name.endsWith(".weight")
                            && (name.contains("norm") || name.contains("layrnorm"));
            for (int i = 0; i < values.length; i++) {
                values[i] =
                        name.equals(ClipParameterNames.LOGIT_SCALE)
                                ? 2.6592f
                                : (float)
                                        (random.nextGaussian() * (scale ? 0.1 : 0.3)
                                                + (scale ? 1 : 0));
            }
            weights.put(name, new HostTensor(entry.getValue(), values, SafetensorsDType.F32));
        }
        return weights;
    }

    /** Writes the checkpoint, its tokenizer and (when given) its preprocessor configuration. */
    public static void write(Path directory, ClipConfig config, Map<String, HostTensor> weights)
            throws IOException {
        Map<String, HostTensor> stored = new LinkedHashMap<>(weights);
        stored.put("text_model.embeddings.position_ids", positions(config.text().maxPositions()));
        stored.put(
                "vision_model.embeddings.position_ids",
                positions(config.vision().sequenceLength()));
        Files.createDirectories(directory);
        Files.write(
                directory.resolve(ClipCheckpoint.WEIGHTS_FILE),
                TinyBertCheckpoints.safetensors(stored));
        Files.writeString(
                directory.resolve(ClipCheckpoint.CONFIG_FILE),
                configJson(config),
                StandardCharsets.UTF_8);
        Files.writeString(
                directory.resolve(ClipFamily.TOKENIZER_FILE),
                tokenizerJson(),
                StandardCharsets.UTF_8);
    }

    private static HostTensor positions(int count) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = i;
        }
        return new HostTensor(new long[] {1, count}, values, SafetensorsDType.I64);
    }

    public static String configJson(ClipConfig config) {
        ClipConfig.Text t = config.text();
        ClipConfig.Vision v = config.vision();
        return String.format(
                Locale.ROOT,
                "{\"model_type\":\"clip\",\"architectures\":[\"CLIPModel\"],\"projection_dim\":%d,"
                        + "\"logit_scale_init_value\":2.6592,"
                        + "\"text_config\":{\"model_type\":\"clip_text_model\",\"hidden_size\":%d,"
                        + "\"num_hidden_layers\":%d,\"num_attention_heads\":%d,"
                        + "\"intermediate_size\":%d,\"vocab_size\":%d,"
                        + "\"max_position_embeddings\":%d,\"hidden_act\":\"quick_gelu\","
                        + "\"layer_norm_eps\":1e-05,\"eos_token_id\":%d},"
                        + "\"vision_config\":{\"model_type\":\"clip_vision_model\","
                        + "\"hidden_size\":%d,\"num_hidden_layers\":%d,\"num_attention_heads\":%d,"
                        + "\"intermediate_size\":%d,\"image_size\":%d,\"patch_size\":%d,"
                        + "\"num_channels\":%d,\"hidden_act\":\"quick_gelu\","
                        + "\"layer_norm_eps\":1e-05}}",
                config.projectionDim(),
                t.hiddenSize(),
                t.layers(),
                t.attentionHeads(),
                t.intermediateSize(),
                t.vocabSize(),
                t.maxPositions(),
                t.eosTokenId(),
                v.hiddenSize(),
                v.layers(),
                v.attentionHeads(),
                v.intermediateSize(),
                v.imageSize(),
                v.patchSize(),
                v.channels());
    }

    /**
     * A word-level tokenizer in the {@code tokenizers} JSON format: lower-cased, split on
     * whitespace and punctuation, wrapped in start- and end-of-text tokens.
     */
    public static String tokenizerJson() {
        String vocab =
                java.util.stream.IntStream.range(0, WORDS.size())
                        .mapToObj(i -> "\"" + WORDS.get(i) + "\":" + i)
                        .collect(Collectors.joining(","));
        return "{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,"
                + "\"added_tokens\":["
                + special(START, "<|startoftext|>")
                + ","
                + special(END, "<|endoftext|>")
                + "],\"normalizer\":{\"type\":\"Lowercase\"},"
                + "\"pre_tokenizer\":{\"type\":\"Whitespace\"},"
                + "\"post_processor\":{\"type\":\"TemplateProcessing\","
                + "\"single\":[{\"SpecialToken\":{\"id\":\"<|startoftext|>\",\"type_id\":0}},"
                + "{\"Sequence\":{\"id\":\"A\",\"type_id\":0}},"
                + "{\"SpecialToken\":{\"id\":\"<|endoftext|>\",\"type_id\":0}}],"
                + "\"pair\":[{\"Sequence\":{\"id\":\"A\",\"type_id\":0}},"
                + "{\"Sequence\":{\"id\":\"B\",\"type_id\":1}}],"
                + "\"special_tokens\":{\"<|startoftext|>\":{\"id\":\"<|startoftext|>\",\"ids\":["
                + START
                + "],\"tokens\":[\"<|startoftext|>\"]},\"<|endoftext|>\":{\"id\":\"<|endoftext|>\","
                + "\"ids\":["
                + END
                + "],\"tokens\":[\"<|endoftext|>\"]}}},"
                + "\"decoder\":null,"
                + "\"model\":{\"type\":\"WordLevel\",\"vocab\":{"
                + vocab
                + ",\"<|startoftext|>\":"
                + START
                + ",\"<|endoftext|>\":"
                + END
                + "},\"unk_token\":\"<unk>\"}}";
    }

    private static String special(long id, String content) {
        return "{\"id\":"
                + id
                + ",\"content\":\""
                + content
                + "\",\"single_word\":false,\"lstrip\":false,\"rstrip\":false,"
                + "\"normalized\":false,\"special\":true}";
    }

    /** The ids the tokenizer gives {@code text}: start, lower-cased words and punctuation, end. */
    public static long[] ids(String text) {
        List<String> words =
                List.of(text.toLowerCase(Locale.ROOT).replace(".", " .").trim().split("\\s+"));
        long[] ids = new long[words.size() + 2];
        ids[0] = START;
        for (int i = 0; i < words.size(); i++) {
            int id = WORDS.indexOf(words.get(i));
            ids[i + 1] = id < 0 ? 0 : id;
        }
        ids[ids.length - 1] = END;
        return ids;
    }
}
