package dev.fmplex.control.protocol.tei;

import dev.fmplex.control.protocol.FieldRenaming;
import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.model.problem.ProblemType;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * TEI's {@code inputs} of {@code /embed}: one string or an array of them, as native inputs.
 *
 * @param renaming native field paths as TEI names them ({@code inputs} for a single string)
 */
record Texts(List<Object> inputs, UnaryOperator<String> renaming) {

    static Texts of(Object inputs, String field) {
        if (inputs instanceof String text) {
            return new Texts(List.of(text), FieldRenaming.inputs((i, token) -> field));
        }
        if (inputs instanceof List<?> list) {
            return new Texts(
                    List.copyOf(list),
                    FieldRenaming.inputs((i, token) -> i < 0 ? field : field + "[" + i + "]"));
        }
        throw new FmplexException(
                ProblemType.INVALID_REQUEST,
                field,
                inputs == null
                        ? field + " is required: a string or an array of strings"
                        : field + " must be a string or an array of strings");
    }
}
