package dev.fmplex.control.protocol.tei;

import dev.fmplex.control.protocol.FieldRenaming;
import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.model.problem.ProblemType;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * TEI's {@code inputs} of {@code /predict}, read as TEI reads them: a string or a pair {@code [a,
 * b]} is one input and gets one list of predictions back; any other array is a batch of strings and
 * pairs and gets a list per input. (So an array of exactly two strings is a pair, never two
 * inputs.)
 *
 * @param single whether the reply is one input's predictions rather than a list of them
 */
record PredictInputs(List<Object> inputs, boolean single, UnaryOperator<String> renaming) {

    static PredictInputs of(Object inputs) {
        if (inputs instanceof String || isPair(inputs)) {
            return new PredictInputs(
                    List.of(inputs), true, FieldRenaming.inputs((i, token) -> "inputs"));
        }
        if (inputs instanceof List<?> list && !list.isEmpty()) {
            return new PredictInputs(
                    List.copyOf(list),
                    false,
                    FieldRenaming.inputs((i, token) -> i < 0 ? "inputs" : "inputs[" + i + "]"));
        }
        throw new FmplexException(
                ProblemType.INVALID_REQUEST,
                "inputs",
                "inputs must be a string, a pair [text_a, text_b], or a non-empty array of them");
    }

    private static boolean isPair(Object value) {
        return value instanceof List<?> list
                && list.size() == 2
                && list.get(0) instanceof String
                && list.get(1) instanceof String;
    }
}
