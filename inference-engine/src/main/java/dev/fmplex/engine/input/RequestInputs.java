package dev.fmplex.engine.input;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks the {@code inputs} of an infer request, as every family's preparation starts: present, not
 * empty, within the request's limit, and (for text backbones) strings.
 */
public final class RequestInputs {

    private RequestInputs() {}

    /**
     * Returns the inputs as strings, or throws naming the first offending field.
     *
     * @param inputs the raw JSON values of {@code inputs}
     * @param maxInputs the most inputs this request may carry
     */
    public static List<String> require(List<Object> inputs, int maxInputs) {
        requireCount(inputs, maxInputs, "a list of strings");
        List<String> texts = new ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            Object value = inputs.get(i);
            if (value instanceof Map<?, ?> object) {
                throw new InvalidInputException(
                        InvalidInputException.Reason.WRONG_MODALITY,
                        "inputs[" + i + "]",
                        "inputs["
                                + i
                                + "] is an object "
                                + object.keySet()
                                + "; this backbone takes text: send each input as a string");
            }
            if (!(value instanceof String text)) {
                throw new InvalidInputException(
                        InvalidInputException.Reason.INVALID_REQUEST,
                        "inputs[" + i + "]",
                        "inputs[" + i + "] must be a string, got " + jsonKind(value));
            }
            texts.add(text);
        }
        return texts;
    }

    /**
     * Checks that {@code inputs} is present, not empty and within {@code maxInputs}, whatever the
     * modality.
     *
     * @param expected what the inputs should be, for the message, e.g. {@code a list of strings}
     */
    public static void requireCount(List<Object> inputs, int maxInputs, String expected) {
        if (inputs == null) {
            throw new InvalidInputException(
                    InvalidInputException.Reason.INVALID_REQUEST,
                    "inputs",
                    "inputs is required: " + expected);
        }
        if (inputs.isEmpty()) {
            throw new InvalidInputException(
                    InvalidInputException.Reason.INVALID_REQUEST,
                    "inputs",
                    "inputs must hold at least 1 input");
        }
        if (inputs.size() > maxInputs) {
            throw new InvalidInputException(
                    InvalidInputException.Reason.TOO_MANY_INPUTS,
                    "inputs",
                    "inputs holds "
                            + inputs.size()
                            + " items; the limit is "
                            + maxInputs
                            + " per request",
                    Map.of("limit", maxInputs, "actual", inputs.size()),
                    null);
        }
    }

    /** How a JSON value reads in a message: {@code a number}, {@code an object}, ... */
    public static String jsonKind(Object value) {
        if (value == null) {
            return "null";
        } else if (value instanceof String) {
            return "a string";
        } else if (value instanceof Number) {
            return "a number";
        } else if (value instanceof Boolean) {
            return "a boolean";
        } else if (value instanceof List<?>) {
            return "an array";
        } else if (value instanceof Map<?, ?>) {
            return "an object";
        }
        return value.getClass().getSimpleName();
    }
}
