package dev.fmplex.engine.family.bert;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import dev.fmplex.engine.text.EncodedText;
import dev.fmplex.engine.text.TextTokenizer;
import dev.fmplex.model.task.EmbeddingTask;
import dev.fmplex.model.task.Pooling;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Invariant 2 of DESIGN.md: the native backbone is the real model. Every sentence's embedding
 * matches ONNX Runtime's (langchain4j) to cosine >= 0.9999, alone and inside one mixed batch.
 */
class MiniLmOracleTest {

    private static final double MIN_COSINE = 0.9999;
    private static final EmbeddingTask SENTENCE_EMBEDDING = new EmbeddingTask(Pooling.MEAN, true);

    static final List<String> SENTENCES =
            List.of(
                    "Hello",
                    "cat",
                    "The quick brown fox jumps over the lazy dog.",
                    "FMplex serves many task-customized models on one shared backbone.",
                    "What?!... No way -- really?? (yes) [maybe] {never}; ok: fine.",
                    "Ünïcödé çharacters: naïve café, Straße, Ærøskøbing, São Paulo.",
                    "東京は日本の首都です。北京是中国的首都。",
                    "Emoji 😀🚀🔥 and symbols ∑ ∞ ≈ ≠ √ © ™ in one line.",
                    "Приветствую! Это предложение на русском языке.",
                    "مرحبا بالعالم، هذه جملة باللغة العربية.",
                    "int main(void) { return printf(\"%d\\n\", 42) > 0 ? 0 : 1; }",
                    "3.14159 2.71828 1.41421 — numbers, 1,000,000 and 10^6 and 1e6.",
                    "   leading and trailing whitespace   ",
                    "ALL CAPS SHOUTING IS LOWERCASED BY THE TOKENIZER",
                    "https://example.com/path?query=value&other=1#fragment",
                    "a b c d e f g h i j k l m n o p q r s t u v w x y z",
                    "The defendant's motion to dismiss was denied because the court found that"
                            + " the plaintiff had standing and that the claims were ripe.",
                    "Photosynthesis converts light energy into chemical energy stored in glucose"
                            + " molecules inside the chloroplasts of plant cells.",
                    "tab\tseparated\tvalues\nand a second line",
                    "supercalifragilisticexpialidocious antidisestablishmentarianism",
                    "I loved this movie. I hated this movie.",
                    "Deutsch, Français, Español, Italiano, Português, Nederlands.");

    private static BertServedBackbone runtime;
    private static TextTokenizer tokenizer128;

    @BeforeAll
    static void loadBackbone() throws Exception {
        runtime = BundledMiniLm.load(Device.cpu(), BundledMiniLm.DEFAULT_MAX_TOKENS);
        try (InputStream json = BundledMiniLm.openResource(BundledMiniLm.TOKENIZER_RESOURCE)) {
            tokenizer128 = TextTokenizer.fromJson(json, 128);
        }
    }

    @AfterAll
    static void close() {
        if (tokenizer128 != null) {
            tokenizer128.close();
        }
        if (runtime != null) {
            runtime.close();
        }
    }

    @Test
    void everySentenceMatchesLangchain4jAloneAndInOneMixedBatch() {
        EmbeddingModel oracle = new AllMiniLmL6V2EmbeddingModel(Runnable::run);
        List<String> texts = new ArrayList<>(SENTENCES);
        texts.add(longText(140)); // longer than langchain4j's 128-token cut: compared at 128
        List<EncodedText> encoded = tokenizer128.encodeAll(texts);
        List<float[]> batched = runtime.embed(encoded, SENTENCE_EMBEDDING);
        double minCosine = 1.0;
        for (int i = 0; i < texts.size(); i++) {
            float[] expected = OnnxRuntimeOracle.embed(oracle, texts.get(i));
            float[] alone = runtime.embed(List.of(encoded.get(i)), SENTENCE_EMBEDDING).get(0);
            double cosineAlone = cosine(alone, expected);
            double cosineBatched = cosine(batched.get(i), expected);
            assertThat(cosineAlone)
                    .as("alone: %s", texts.get(i))
                    .isGreaterThanOrEqualTo(MIN_COSINE);
            assertThat(cosineBatched)
                    .as("in the mixed batch: %s", texts.get(i))
                    .isGreaterThanOrEqualTo(MIN_COSINE);
            minCosine = Math.min(minCosine, Math.min(cosineAlone, cosineBatched));
        }
        System.out.printf(
                "oracle(128 tokens): %d texts, min cosine %.12f%n", texts.size(), minCosine);
    }

    @Test
    void longTextsNear256TokensMatchOnnxRuntimeOnTheSameTokens() throws Exception {
        EmbeddingModel oracle = OnnxRuntimeOracle.withTokenLimit(256);
        List<String> texts = List.of(longText(200), longText(250), longText(254), longText(400));
        List<EncodedText> encoded = runtime.tokenizer().encodeAll(texts);
        assertThat(encoded.get(2).ids()).hasSizeBetween(240, 256);
        assertThat(encoded.get(3).truncated()).isTrue();
        assertThat(encoded.get(3).ids()).hasSize(256);
        List<float[]> batched = runtime.embed(encoded, SENTENCE_EMBEDDING);
        double minCosine = 1.0;
        for (int i = 0; i < texts.size(); i++) {
            double c = cosine(batched.get(i), OnnxRuntimeOracle.embed(oracle, texts.get(i)));
            assertThat(c).as("long text %d", i).isGreaterThanOrEqualTo(MIN_COSINE);
            minCosine = Math.min(minCosine, c);
        }
        System.out.printf(
                "oracle(256 tokens): %d long texts, min cosine %.12f%n", texts.size(), minCosine);
    }

    @Test
    void paddingDoesNotChangeARowsEmbedding() {
        EncodedText shortText = runtime.tokenizer().encode("short");
        EncodedText longer = runtime.tokenizer().encode(longText(100));
        float[] alone = runtime.embed(List.of(shortText), SENTENCE_EMBEDDING).get(0);
        float[] padded = runtime.embed(List.of(longer, shortText), SENTENCE_EMBEDDING).get(1);
        for (int i = 0; i < alone.length; i++) {
            assertThat(padded[i]).isCloseTo(alone[i], org.assertj.core.data.Offset.offset(1e-5f));
        }
    }

    @Test
    void microBatchedRunsGiveEachRowItsOwnEmbeddingInInputOrder() {
        List<String> texts = new ArrayList<>(SENTENCES);
        texts.add(longText(120));
        List<EncodedText> encoded = runtime.tokenizer().encodeAll(texts);
        List<float[]> planned = runtime.embedAll(encoded, SENTENCE_EMBEDDING, 64);
        for (int i = 0; i < texts.size(); i++) {
            float[] alone = runtime.embed(List.of(encoded.get(i)), SENTENCE_EMBEDDING).get(0);
            assertThat(cosine(planned.get(i), alone)).as(texts.get(i)).isGreaterThan(0.99999);
        }
    }

    /** A natural-looking English text of about {@code tokens} word pieces (with specials). */
    static String longText(int tokens) {
        String[] words = {
            "serving",
            "many",
            "models",
            "on",
            "shared",
            "hardware",
            "saves",
            "memory",
            "and",
            "money",
            "while",
            "each",
            "task",
            "keeps",
            "its",
            "own",
            "adapter",
            "weights",
            "."
        };
        StringBuilder text = new StringBuilder();
        int i = 0;
        while (true) {
            String candidate = text + (text.length() == 0 ? "" : " ") + words[i % words.length];
            if (runtime.tokenizer().encode(candidate).inputTokens() > tokens) {
                return text.toString();
            }
            text.setLength(0);
            text.append(candidate);
            i++;
        }
    }

    static double cosine(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
