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

    /**
     * Tokenizes a sentence pair as cross-encoders are trained on it: both texts in the tokenizer's
     * pair template ({@code [CLS] a [SEP] b [SEP]} for BERT) with token type 1 on the second
     * segment. Over the limit, tokens are cut from the end of the longer text one at a time (the
     * second when both are as long), which is how Hugging Face's Python tokenizers apply {@code
     * longest_first}; special tokens always stay.
     */
    public EncodedText encodePair(String first, String second) {
        Encoding pair = tokenizer.encode(first, second);
        long[] ids = pair.getIds();
        if (ids.length <= maxTokens) {
            return new EncodedText(ids, ids.length, pair.getTokens(), pair.getTypeIds());
        }
        int firstLength = tokenizer.encode(first, false, false).getIds().length;
        long[] special = pair.getSpecialTokenMask();
        int content = 0;
        for (long flag : special) {
            content += flag == 0 ? 1 : 0;
        }
        int keepFirst = firstLength;
        int keepSecond = content - firstLength;
        int budget = maxTokens - (ids.length - content);
        while (keepFirst + keepSecond > budget) {
            if (keepFirst > keepSecond) {
                keepFirst--;
            } else {
                keepSecond--;
            }
        }
        long[] keptIds = new long[ids.length - content + keepFirst + keepSecond];
        long[] keptTypes = new long[keptIds.length];
        String[] keptTokens = new String[keptIds.length];
        int seen = 0;
        int kept = 0;
        for (int t = 0; t < ids.length; t++) {
            boolean keep = special[t] != 0;
            if (!keep) {
                keep = seen < firstLength ? seen < keepFirst : seen - firstLength < keepSecond;
                seen++;
            }
            if (keep) {
                keptIds[kept] = ids[t];
                keptTypes[kept] = pair.getTypeIds()[t];
                keptTokens[kept] = pair.getTokens()[t];
                kept++;
            }
        }
        return new EncodedText(keptIds, ids.length, keptTokens, keptTypes);
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
