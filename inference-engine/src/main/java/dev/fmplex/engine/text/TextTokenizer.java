package dev.fmplex.engine.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.io.InputStream;
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
