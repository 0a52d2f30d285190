package dev.fmplex.engine.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.fmplex.engine.checkpoint.WeightLoadException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A backbone's tokenizer with an explicit token limit.
 *
 * <p>A {@code tokenizer.json} may carry its own truncation and padding (the bundled MiniLM one
 * truncates and pads to 128); both are switched off so that the limit is FMplex's, applied here and
 * reported to the caller. A text longer than {@link #maxTokens()} keeps its first {@code maxTokens
 * - 1} tokens and its final special token ([SEP]), which is what Hugging Face's truncation of a
 * single sequence produces.
 */
public final class TextTokenizer implements AutoCloseable {

    private final HuggingFaceTokenizer tokenizer;
    private final int maxTokens;

    private TextTokenizer(HuggingFaceTokenizer tokenizer, int maxTokens) {
        this.tokenizer = tokenizer;
        this.maxTokens = maxTokens;
    }

    /** The tokenizer's file in a Hugging Face checkpoint directory. */
    public static final String FILE = "tokenizer.json";

    /**
     * The {@code tokenizer.json} of the checkpoint in {@code directory}, checked before any weight
     * is loaded, as every text backbone loader does.
     *
     * @param backbone the backbone's name, for the message when the file is missing
     * @param saveHint how to save it with the model, e.g. {@code save the tokenizer with the model:
     *     tokenizer.save_pretrained(directory)}
     * @throws WeightLoadException when the checkpoint has no tokenizer file
     */
    public static Path requireFile(Path directory, String backbone, String saveHint)
            throws WeightLoadException {
        Path file = directory.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new WeightLoadException(
                    "backbone " + backbone + ": " + file + " is missing (" + saveHint + ")");
        }
        return file;
    }

    /** Reads a {@code tokenizer.json} file; {@code maxTokens} counts special tokens. */
    public static TextTokenizer fromFile(Path file, int maxTokens) throws IOException {
        try (InputStream json = Files.newInputStream(file)) {
            return fromJson(json, maxTokens);
        }
    }

    /** Reads a {@code tokenizer.json}; {@code maxTokens} counts special tokens. */
    public static TextTokenizer fromJson(InputStream tokenizerJson, int maxTokens)
            throws IOException {
        if (maxTokens < 2) {
            throw new IllegalArgumentException("maxTokens must be >= 2, is " + maxTokens);
        }
        Map<String, String> options =
                Map.of("truncation", "false", "padding", "false", "addSpecialTokens", "true");
        return new TextTokenizer(
                HuggingFaceTokenizer.newInstance(tokenizerJson, options), maxTokens);
    }

    public int maxTokens() {
        return maxTokens;
    }

    public EncodedText encode(String text) {
        Encoding encoding = tokenizer.encode(text);
        long[] ids = encoding.getIds();
        String[] tokens = encoding.getTokens();
        if (ids.length <= maxTokens) {
            return new EncodedText(ids, ids.length, tokens);
        }
        return new EncodedText(cutKeepingLast(ids), ids.length, cutKeepingLast(tokens));
    }

    private long[] cutKeepingLast(long[] all) {
        long[] cut = new long[maxTokens];
        System.arraycopy(all, 0, cut, 0, maxTokens - 1);
        cut[maxTokens - 1] = all[all.length - 1];
        return cut;
    }

    private String[] cutKeepingLast(String[] all) {
        String[] cut = new String[maxTokens];
        System.arraycopy(all, 0, cut, 0, maxTokens - 1);
        cut[maxTokens - 1] = all[all.length - 1];
        return cut;
    }

    public List<EncodedText> encodeAll(List<String> texts) {
        List<EncodedText> encoded = new ArrayList<>(texts.size());
        for (String text : texts) {
            encoded.add(encode(text));
        }
        return encoded;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
