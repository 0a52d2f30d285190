package dev.fmplex.control.protocol.openai;

import dev.fmplex.control.protocol.FieldRenaming;
import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.model.problem.ProblemType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * OpenAI's {@code input} as native inputs: a string is one input, an array of strings is several,
 * an array of integers is one tokenized input and an array of such arrays several. Token ids go to
 * the backbone as they are ({@code {"tokenIds": [...]}} natively), so they must come from its own
 * tokenizer, special tokens included.
 *
 * @param inputs the native {@code inputs}
 * @param renaming native field paths as the client wrote them
 */
record OpenAiInputs(List<Object> inputs, UnaryOperator<String> renaming) {

    static OpenAiInputs of(Object input) {
        if (input instanceof String text) {
            return new OpenAiInputs(List.of(text), FieldRenaming.inputs((i, token) -> "input"));
        }
        if (!(input instanceof List<?> list)) {
            throw new FmplexException(
                    ProblemType.INVALID_REQUEST,
                    "input",
                    input == null
                            ? "input is required: a string, an array of strings, or token ids"
                            : "input must be a string, an array of strings, or token ids, got "
                                    + kind(input));
        }
        if (list.isEmpty()) {
            throw new FmplexException(
                    ProblemType.INVALID_REQUEST, "input", "input must hold at least 1 input");
        }
        if (list.get(0) instanceof Number) {
            return new OpenAiInputs(
                    List.of(Map.of("tokenIds", list)),
                    FieldRenaming.inputs(
                            (i, token) -> token < 0 ? "input" : "input[" + token + "]"));
        }
        List<Object> inputs = new ArrayList<>(list.size());
        for (Object item : list) {
            inputs.add(item instanceof List<?> ids ? Map.of("tokenIds", ids) : item);
        }
        return new OpenAiInputs(
                inputs,
                FieldRenaming.inputs(
                        (i, token) ->
                                i < 0
                                        ? "input"
                                        : token < 0
                                                ? "input[" + i + "]"
                                                : "input[" + i + "][" + token + "]"));
    }

    private static String kind(Object value) {
        return value instanceof Number
                ? "a number"
                : value instanceof Boolean ? "a boolean" : "an object";
    }
}
