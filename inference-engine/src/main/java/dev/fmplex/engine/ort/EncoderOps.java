package dev.fmplex.engine.ort;

import static dev.fmplex.engine.ort.OnnxGraphBuilder.attributes;

import ai.djl.ndarray.NDArray;
import dev.fmplex.engine.checkpoint.BackboneParameters;
import dev.fmplex.engine.nn.Projection;
import dev.fmplex.engine.nn.ProjectionSite;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The pieces every transformer encoder's graph is made of, over a backbone's named parameters, as
 * ONNX Runtime's fused kernels: one product for query, key and value, {@code MultiHeadAttention}
 * (scores, mask, softmax and context in one kernel), {@code SkipLayerNormalization} (bias, residual
 * and norm) and {@code BiasGelu}. ONNX Runtime's optimizer fuses these patterns on an exported
 * model, but not on a graph carrying per-row LoRA branches, so the graphs name them themselves: on
 * a short pass per-node overhead, not arithmetic, is most of the time.
 *
 * <p>Weights are initializers named after their parameter, produced only when the graph is written
 * (see {@link OnnxGraphBuilder#initializer(String, java.util.function.Supplier, long...)}), so two
 * graphs over one backbone share them in one {@link ExternalWeights} file.
 */
public final class EncoderOps {

    /** The score masked keys get: far below any real score, so softmax gives them exact zeros. */
    private static final float MASKED_SCORE = -1e9f;

    private EncoderOps() {}

    /**
     * Where one family keeps a layer's projection parameters, and how the tensors a graph derives
     * from them (the fused query-key-value weight and bias) are named.
     *
     * @param weights the weight of a role's projection, PyTorch's {@code [out, in]}
     * @param biases the bias of a role's projection
     * @param derivedPrefix prepended to a derived tensor's name, e.g. {@code
     *     encoder.layer.0.attention.}
     */
    public record LayerNames(
            Function<Projection, String> weights,
            Function<Projection, String> biases,
            String derivedPrefix) {

        String weight(Projection role) {
            return weights.apply(role);
        }

        String bias(Projection role) {
            return biases.apply(role);
        }

        String derived(String suffix) {
            return derivedPrefix + suffix;
        }
    }

    /**
     * An image's patches embedded: a convolution whose stride is its kernel, {@code [rows,
     * channels, size, size]} to {@code [rows, patches, hidden]} with patches in row-major order.
     *
     * @param weight the convolution's weight initializer, {@code [hidden, channels, patch, patch]}
     * @param bias its bias initializer, or null for a bias-free convolution
     */
    public static String patchEmbedding(
            OnnxGraphBuilder g,
            String pixels,
            String weight,
            String bias,
            long hidden,
            long patch) {
        String convolved =
                g.node(
                        "Conv",
                        bias == null ? List.of(pixels, weight) : List.of(pixels, weight, bias),
                        attributes(
                                "kernel_shape",
                                new long[] {patch, patch},
                                "strides",
                                new long[] {patch, patch}));
        return g.node(
                "Transpose",
                List.of(
                        g.node(
                                "Reshape",
                                convolved,
                                g.initializer("shape.patches", new long[] {0, hidden, -1}, 3))),
                attributes("perm", new long[] {0, 2, 1}));
    }

    /**
     * A learned token in front of every row's sequence: {@code token} ({@code [1, ..., 1, width]})
     * expanded to the leading dimensions of {@code input}'s first {@code leading} axes and
     * concatenated before {@code sequences} along axis {@code leading}.
     *
     * @param input a graph input whose first {@code leading} dimensions are the rows' (e.g. the
     *     pixels' batch dimension)
     */
    public static String prepend(
            OnnxGraphBuilder g,
            String token,
            String sequences,
            String input,
            int leading,
            long width) {
        String shape =
                g.node(
                        "Concat",
                        List.of(
                                g.node(
                                        "Shape",
                                        List.of(input),
                                        attributes("start", 0L, "end", (long) leading)),
                                g.initializer("shape.token." + leading, new long[] {1, width}, 2)),
                        attributes("axis", 0L));
        return g.node(
                "Concat",
                List.of(g.node("Expand", token, shape), sequences),
                attributes("axis", (long) leading));
    }

    /**
     * Self-attention of one layer: one product for query, key and value, split, each row's LoRA
     * updates added when {@code sites} is given, then {@code MultiHeadAttention} with the three
     * biases. The output projection is the caller's.
     *
     * @param toRows gives a value in the {@code [rows, length, width]} layout attention and the
     *     per-row updates need (the identity, unless the family computes token-wise work unpadded)
     * @param sites the layer's projection sites by role for LoRA branches, or null for none
     * @param keyMask an int32 {@code [rows, length]} input, or {@code ""} for none
     * @param causal whether each position attends only to itself and earlier ones
     * @return the context, {@code [rows, length, width]}
     */
    public static String selfAttention(
            OnnxGraphBuilder g,
            BackboneParameters<?> weights,
            String input,
            int layer,
            LayerNames names,
            UnaryOperator<String> toRows,
            Function<Projection, ProjectionSite> sites,
            String keyMask,
            int heads,
            boolean causal) {
        String queryKeyValue =
                g.node(
                        "MatMul",
                        input,
                        fusedQueryKeyValue(
                                g,
                                weights,
                                names.derived("qkv.T"),
                                names.weight(Projection.QUERY),
                                names.weight(Projection.KEY),
                                names.weight(Projection.VALUE)));
        String[] parts =
                g.node(
                                "",
                                "Split",
                                List.of(toRows.apply(queryKeyValue)),
                                3,
                                attributes("axis", -1L))
                        .toArray(String[]::new);
        if (sites != null) {
            Projection[] roles = {Projection.QUERY, Projection.KEY, Projection.VALUE};
            for (int i = 0; i < roles.length; i++) {
                parts[i] =
                        g.node(
                                "Add",
                                parts[i],
                                RowLora.update(
                                        g, toRows.apply(input), layer, sites.apply(roles[i])));
            }
        }
        return attention(
                g,
                parts[0],
                parts[1],
                parts[2],
                concatenated(
                        g,
                        weights,
                        names.derived("qkv.bias"),
                        names.bias(Projection.QUERY),
                        names.bias(Projection.KEY),
                        names.bias(Projection.VALUE)),
                keyMask,
                heads,
                causal);
    }

    /**
     * {@code x·Wᵀ} without the bias (the consuming fused node adds it), plus each row's LoRA update
     * when {@code site} is given; {@code input} is {@code [rows, length, in]}.
     *
     * @param site the projection's site for a LoRA branch, or null for none
     */
    public static String product(
            OnnxGraphBuilder g,
            BackboneParameters<?> weights,
            String input,
            String weightName,
            int layer,
            ProjectionSite site) {
        String base = g.node("MatMul", input, transposed(g, weights, weightName));
        return site == null ? base : g.node("Add", base, RowLora.update(g, input, layer, site));
    }

    /** {@code Wᵀ}, {@code [in, out]} as MatMul wants it, for PyTorch's {@code [out, in]} weight. */
    public static String transposed(
            OnnxGraphBuilder g, BackboneParameters<?> weights, String weightName) {
        NDArray weight = weights.get(weightName);
        int out = (int) weight.getShape().get(0);
        int in = (int) weight.getShape().get(1);
        return g.initializer(
                weightName + ".T", () -> transpose(weight.toFloatArray(), out, in), in, out);
    }

    /**
     * Query, key and value weights side by side, {@code [in, 3 out]}: one product instead of three
     * (a wider product also runs closer to the machine's peak on few tokens).
     *
     * @param name the fused initializer's name
     */
    public static String fusedQueryKeyValue(
            OnnxGraphBuilder g,
            BackboneParameters<?> weights,
            String name,
            String query,
            String key,
            String value) {
        long[] shape = weights.get(query).getShape().getShape();
        int out = (int) shape[0];
        int in = (int) shape[1];
        return g.initializer(
                name,
                () -> {
                    float[] fused = new float[in * 3 * out];
                    String[] parts = {query, key, value};
                    for (int part = 0; part < parts.length; part++) {
                        float[] weight = weights.get(parts[part]).toFloatArray();
                        // weight is [out, in]; fused[i][part * out + o] = weight[o][i].
                        for (int o = 0; o < out; o++) {
                            for (int i = 0; i < in; i++) {
                                fused[i * 3 * out + part * out + o] = weight[o * in + i];
                            }
                        }
                    }
                    return fused;
                },
                in,
                3L * out);
    }

    /** Vectors end to end, e.g. the query, key and value biases as one attention bias. */
    public static String concatenated(
            OnnxGraphBuilder g, BackboneParameters<?> weights, String name, String... parts) {
        long length = 0;
        for (String part : parts) {
            length += weights.get(part).getShape().size();
        }
        return g.initializer(
                name,
                () -> {
                    float[][] values = new float[parts.length][];
                    int total = 0;
                    for (int i = 0; i < parts.length; i++) {
                        values[i] = weights.get(parts[i]).toFloatArray();
                        total += values[i].length;
                    }
                    float[] joined = new float[total];
                    int at = 0;
                    for (float[] part : values) {
                        System.arraycopy(part, 0, joined, at, part.length);
                        at += part.length;
                    }
                    return joined;
                },
                length);
    }

    /** A parameter as it is (a bias, a norm's scale), under its own name. */
    public static String parameter(OnnxGraphBuilder g, BackboneParameters<?> weights, String name) {
        NDArray values = weights.get(name);
        return g.initializer(name, values::toFloatArray, values.getShape().getShape());
    }

    /** LayerNorm over the last axis with {@code prefix.weight} and {@code prefix.bias}. */
    public static String layerNorm(
            OnnxGraphBuilder g,
            BackboneParameters<?> weights,
            String prefix,
            String input,
            float eps) {
        return g.node(
                "LayerNormalization",
                List.of(
                        input,
                        parameter(g, weights, prefix + ".weight"),
                        parameter(g, weights, prefix + ".bias")),
                attributes("axis", -1L, "epsilon", eps));
    }

    /**
     * {@code SkipLayerNormalization}: {@code LayerNorm(input + skip + bias)} in one kernel.
     *
     * @param biasName the bias parameter, or null for a projection without bias
     * @return the normalized value and the un-normalized sum {@code input + skip + bias} (the next
     *     residual of a pre-norm encoder), in that order
     */
    public static List<String> skipNorm(
            OnnxGraphBuilder g,
            BackboneParameters<?> weights,
            String normPrefix,
            String input,
            String skip,
            String biasName,
            float eps) {
        List<String> outputs =
                g.node(
                        OnnxGraphBuilder.MICROSOFT,
                        "SkipLayerNormalization",
                        biasName == null
                                ? List.of(
                                        input,
                                        skip,
                                        parameter(g, weights, normPrefix + ".weight"),
                                        parameter(g, weights, normPrefix + ".bias"))
                                : List.of(
                                        input,
                                        skip,
                                        parameter(g, weights, normPrefix + ".weight"),
                                        parameter(g, weights, normPrefix + ".bias"),
                                        parameter(g, weights, biasName)),
                        4,
                        attributes("epsilon", eps));
        return List.of(outputs.get(0), outputs.get(3));
    }

    /**
     * {@code MultiHeadAttention} over {@code [rows, length, width]} query, key and value, their
     * biases added in the kernel; scaled by {@code 1/sqrt(head size)}.
     *
     * @param keyMask an int32 {@code [rows, length]} input, 1 for keys to attend to; {@code ""} for
     *     none
     * @param causal whether each position attends only to itself and earlier ones (a text decoder's
     *     mask, as CLIP's text tower uses)
     */
    private static String attention(
            OnnxGraphBuilder g,
            String query,
            String key,
            String value,
            String bias,
            String keyMask,
            int heads,
            boolean causal) {
        List<String> inputs =
                keyMask.isEmpty()
                        ? List.of(query, key, value, bias)
                        : List.of(query, key, value, bias, keyMask);
        return g.node(
                        OnnxGraphBuilder.MICROSOFT,
                        "MultiHeadAttention",
                        inputs,
                        1,
                        attributes(
                                "num_heads",
                                (long) heads,
                                "mask_filter_value",
                                MASKED_SCORE,
                                "unidirectional",
                                causal ? 1L : 0L))
                .get(0);
    }

    /**
     * {@code BiasGelu}: GELU with erf (PyTorch's and Hugging Face's "gelu") of input + bias.
     *
     * @param biasName the bias parameter, or null for a projection without bias ({@code Gelu})
     */
    public static String biasGelu(
            OnnxGraphBuilder g, BackboneParameters<?> weights, String input, String biasName) {
        if (biasName == null) {
            return g.node(OnnxGraphBuilder.MICROSOFT, "Gelu", List.of(input), 1, Map.of()).get(0);
        }
        return g.node(
                        OnnxGraphBuilder.MICROSOFT,
                        "BiasGelu",
                        List.of(input, parameter(g, weights, biasName)),
                        1,
                        Map.of())
                .get(0);
    }

    /** {@code quick_gelu}, {@code x * sigmoid(1.702 x)}, of input + bias ({@code QuickGelu}). */
    public static String biasQuickGelu(
            OnnxGraphBuilder g, BackboneParameters<?> weights, String input, String biasName) {
        return g.node(
                        OnnxGraphBuilder.MICROSOFT,
                        "QuickGelu",
                        List.of(g.node("Add", input, parameter(g, weights, biasName))),
                        1,
                        attributes("alpha", 1.702f))
                .get(0);
    }

    /**
     * {@code [rows, columns]} to {@code [columns, rows]}, in Java (weights' managers are capped).
     */
    private static float[] transpose(float[] matrix, int rows, int columns) {
        float[] transposed = new float[matrix.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                transposed[c * rows + r] = matrix[r * columns + c];
            }
        }
        return transposed;
    }
}
