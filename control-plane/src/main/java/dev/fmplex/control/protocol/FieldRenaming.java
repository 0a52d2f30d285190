package dev.fmplex.control.protocol;

import dev.fmplex.model.problem.FmplexException;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Native field paths ({@code inputs[2]}, {@code inputs[0].tokenIds[7]}) as a protocol's client
 * wrote them ({@code input[2]}, {@code input[0][7]}): an error names what the client sent, in the
 * field member and in the message alike.
 */
public final class FieldRenaming {

    private static final Pattern NATIVE_INPUT =
            Pattern.compile("\\binputs\\b(?:\\[(\\d+)\\](?:\\.tokenIds\\[(\\d+)\\])?)?");

    private FieldRenaming() {}

    /**
     * Renames native input paths with {@code rename}, which gets the input index and the token
     * index (or -1) and returns the protocol's path.
     */
    public static UnaryOperator<String> inputs(InputPath rename) {
        return text -> {
            if (text == null) {
                return null;
            }
            Matcher matcher = NATIVE_INPUT.matcher(text);
            StringBuilder renamed = new StringBuilder();
            while (matcher.find()) {
                int input = matcher.group(1) == null ? -1 : Integer.parseInt(matcher.group(1));
                int token = matcher.group(2) == null ? -1 : Integer.parseInt(matcher.group(2));
                matcher.appendReplacement(
                        renamed, Matcher.quoteReplacement(rename.path(input, token)));
            }
            matcher.appendTail(renamed);
            return renamed.toString();
        };
    }

    /**
     * A protocol's path of the native {@code inputs[input]} (and its {@code tokenIds[token]}); -1
     * stands for an index the native path does not have ({@code inputs} as a whole).
     */
    @FunctionalInterface
    public interface InputPath {
        String path(int input, int token);
    }

    /** {@code error} with {@code rename} applied to its field and message; others unchanged. */
    public static Throwable apply(Throwable error, UnaryOperator<String> rename) {
        if (!(error instanceof FmplexException problem)) {
            return error;
        }
        String field = rename.apply(problem.field());
        String message = rename.apply(problem.getMessage());
        if (java.util.Objects.equals(field, problem.field())
                && java.util.Objects.equals(message, problem.getMessage())) {
            return problem;
        }
        return new FmplexException(
                problem.type(), field, message, problem.properties(), problem.getCause());
    }
}
