package dev.fmplex.engine.family.bert;

import dev.fmplex.engine.input.InvalidInputException;
import dev.fmplex.engine.input.RequestInputs;
import dev.fmplex.engine.text.EncodedText;
import dev.fmplex.engine.text.TextTokenizer;
import dev.fmplex.model.task.ClassificationTask;
import dev.fmplex.model.task.RegressionTask;
import dev.fmplex.model.task.TaskSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads the inputs of a text backbone. One input is a string; a sentence pair {@code ["text a",
 * "text b"]} for classification and regression vFMs (cross-encoders, NLI), tokenized with segment
 * ids; or {@code {"tokenIds": [...]}}, ids the backbone's own tokenizer produced, special tokens
 * included, for clients that tokenize themselves (the OpenAI protocol allows it).
 */
final class TextInputs {

    static final String TOKEN_IDS = "tokenIds";

    private final TextTokenizer tokenizer;
    private final int vocabSize;
    private final int typeVocabSize;

    TextInputs(TextTokenizer tokenizer, int vocabSize, int typeVocabSize) {
        this.tokenizer = tokenizer;
        this.vocabSize = vocabSize;
        this.typeVocabSize = typeVocabSize;
    }

    /** Every input encoded, in order, or an exception naming the first offending field. */
    List<EncodedText> require(List<Object> inputs, int maxInputs, TaskSpec task) {
        RequestInputs.requireCount(
                inputs,
                maxInputs,
                "a list of strings, [text, text] pairs or {\"tokenIds\": [...]} objects");
        List<EncodedText> encoded = new ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            encoded.add(one("inputs[" + i + "]", inputs.get(i), task));
        }
        return encoded;
    }

    private EncodedText one(String field, Object value, TaskSpec task) {
        if (value instanceof String text) {
            return tokenizer.encode(text);
        }
        if (value instanceof List<?> pair) {
            return pair(field, pair, task);
        }
        if (value instanceof Map<?, ?> object) {
            if (object.size() == 1 && object.containsKey(TOKEN_IDS)) {
                return tokenIds(field + "." + TOKEN_IDS, object.get(TOKEN_IDS));
            }
            throw new InvalidInputException(
                    InvalidInputException.Reason.WRONG_MODALITY,
                    field,
                    field
                            + " is an object "
                            + object.keySet()
                            + "; this backbone takes text: send a string, a [text, text] pair or"
                            + " {\"tokenIds\": [...]}");
        }
        throw new InvalidInputException(
                InvalidInputException.Reason.INVALID_REQUEST,
                field,
                field + " must be a string, got " + RequestInputs.jsonKind(value));
    }

    private EncodedText pair(String field, List<?> pair, TaskSpec task) {
        if (pair.size() != 2
                || !(pair.get(0) instanceof String first)
                || !(pair.get(1) instanceof String second)) {
            throw new InvalidInputException(
                    InvalidInputException.Reason.INVALID_REQUEST,
                    field,
                    field
                            + " is an array; a sentence pair is exactly 2 strings [text_a, text_b],"
                            + " this one has "
                            + pair.size()
                            + " item(s)"
                            + (pair.size() == 2 ? " that are not both strings" : ""));
        }
        if (!(task instanceof ClassificationTask) && !(task instanceof RegressionTask)) {
            throw new InvalidInputException(
                    InvalidInputException.Reason.INVALID_REQUEST,
                    field,
                    field
                            + " is a sentence pair; pairs serve classification and regression vFMs"
                            + " (cross-encoders), this one is "
                            + task.kind());
        }
        EncodedText encoded = tokenizer.encodePair(first, second);
        for (long type : encoded.typeIds()) {
            if (type >= typeVocabSize) {
                // The embedding lookup would index past the table: refuse instead.
                throw new InvalidInputException(
                        InvalidInputException.Reason.INVALID_REQUEST,
                        field,
                        field
                                + " is a sentence pair, but this backbone has "
                                + typeVocabSize
                                + " token type(s) (type_vocab_size) and its tokenizer marks the"
                                + " second text as type "
                                + type);
            }
        }
        return encoded;
    }

    private EncodedText tokenIds(String field, Object value) {
        if (!(value instanceof List<?> list) || list.isEmpty()) {
            throw new InvalidInputException(
                    InvalidInputException.Reason.INVALID_REQUEST,
                    field,
                    field + " must be a non-empty array of token ids");
        }
        long[] ids = new long[list.size()];
        for (int t = 0; t < ids.length; t++) {
            Object id = list.get(t);
            if (!(id instanceof Integer || id instanceof Long)
                    || ((Number) id).longValue() < 0
                    || ((Number) id).longValue() >= vocabSize) {
                throw new InvalidInputException(
                        InvalidInputException.Reason.INVALID_INPUT_VALUE,
                        field + "[" + t + "]",
                        field
                                + "["
                                + t
                                + "] must be a token id in [0, "
                                + (vocabSize - 1)
                                + "] (the backbone's vocabulary), got "
                                + (id instanceof Number ? id : RequestInputs.jsonKind(id)),
                        Map.of("limit", vocabSize - 1),
                        null);
            }
            ids[t] = ((Number) id).longValue();
        }
        int max = tokenizer.maxTokens();
        if (ids.length <= max) {
            return new EncodedText(ids, ids.length);
        }
        long[] cut = new long[max];
        System.arraycopy(ids, 0, cut, 0, max - 1);
        cut[max - 1] = ids[ids.length - 1];
        return new EncodedText(cut, ids.length);
    }
}
