package dev.fmplex.control.protocol.oip;

import dev.fmplex.control.protocol.FieldRenaming;
import dev.fmplex.control.protocol.oip.OipMessages.InputTensor;
import dev.fmplex.control.protocol.oip.OipMessages.OutputTensor;
import dev.fmplex.control.protocol.oip.OipMessages.RequestedOutput;
import dev.fmplex.control.protocol.oip.OipMessages.TensorMetadata;
import dev.fmplex.model.api.ClassificationOutput;
import dev.fmplex.model.api.EmbeddingOutput;
import dev.fmplex.model.api.ForecastOutput;
import dev.fmplex.model.api.RegressionOutput;
import dev.fmplex.model.api.TaskOutput;
import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.model.problem.ProblemType;
import dev.fmplex.model.task.TaskSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Tensors to native inputs and native outputs to tensors. An input tensor's first dimension is the
 * batch: each of its rows becomes one native input (a string, a {@code {"pixels": [C][H][W]}}
 * object, a series of {@code T} steps of {@code C} values), so every native check applies and names
 * the row ({@code inputs[0].data[3]}).
 */
final class TensorCodec {

    private TensorCodec() {}

    /** Native field paths as the request's one input tensor names them. */
    static final UnaryOperator<String> RENAMING =
            FieldRenaming.inputs((i, token) -> i < 0 ? "inputs[0]" : "inputs[0].data[" + i + "]");

    /** The native inputs of the request's one input tensor. */
    static List<Object> decode(List<InputTensor> tensors, TensorSignature signature, String model) {
        String accepted =
                String.join(
                        ", ",
                        signature.inputs().stream()
                                .map(t -> t.name() + " (" + t.datatype() + " " + t.shape() + ")")
                                .toList());
        if (tensors == null || tensors.size() != 1) {
            throw invalid(
                    "inputs must hold exactly 1 tensor, one of: "
                            + accepted
                            + (tensors == null ? "" : "; it holds " + tensors.size()));
        }
        InputTensor tensor = tensors.get(0);
        String field = "inputs[0]";
        TensorMetadata declared = tensor.name() == null ? null : signature.input(tensor.name());
        if (declared == null) {
            throw invalid(
                    field
                            + ".name "
                            + (tensor.name() == null ? "is required" : "'" + tensor.name() + "'")
                            + "; model "
                            + model
                            + " takes "
                            + accepted);
        }
        if (!declared.datatype().equals(tensor.datatype())) {
            throw invalid(
                    field
                            + ".datatype must be "
                            + declared.datatype()
                            + " for "
                            + declared.name()
                            + ", is "
                            + tensor.datatype());
        }
        long[] shape = shape(field, tensor.shape(), declared);
        List<Object> flat = new ArrayList<>();
        flatten(tensor.data(), flat);
        long expected = 1;
        for (long dimension : shape) {
            expected = Math.multiplyExact(expected, dimension);
        }
        if (flat.size() != expected) {
            throw invalid(
                    field
                            + ".data holds "
                            + flat.size()
                            + " values; shape "
                            + tensor.shape()
                            + " needs "
                            + expected);
        }
        boolean bytes = declared.datatype().equals(TensorSignature.BYTES);
        for (int k = 0; k < flat.size(); k++) {
            Object value = flat.get(k);
            if (bytes ? !(value instanceof String) : !(value instanceof Number)) {
                throw invalid(
                        field
                                + ".data["
                                + k
                                + "] must be "
                                + (bytes ? "a string (BYTES)" : "a number (FP32)"));
            }
        }
        return rows(declared.name(), shape, flat);
    }

    private static long[] shape(String field, List<Long> given, TensorMetadata declared) {
        if (given == null) {
            throw invalid(field + ".shape is required, e.g. " + declared.shape());
        }
        int rank = declared.shape().size();
        boolean columnOfStrings =
                declared.name().equals(TensorSignature.TEXT)
                        && given.size() == 2
                        && given.get(1) != null
                        && given.get(1) == 1;
        if (given.size() != rank && !columnOfStrings) {
            throw invalid(
                    field
                            + ".shape "
                            + given
                            + " must have "
                            + rank
                            + " dimension(s): "
                            + declared.name()
                            + " is "
                            + declared.shape());
        }
        long[] shape = new long[given.size()];
        for (int d = 0; d < shape.length; d++) {
            Long dimension = given.get(d);
            if (dimension == null || dimension < 0) {
                throw invalid(field + ".shape[" + d + "] must be >= 0, is " + dimension);
            }
            long wanted = d < rank ? declared.shape().get(d) : 1;
            if (wanted >= 0 && dimension != wanted) {
                throw invalid(
                        field
                                + ".shape["
                                + d
                                + "] must be "
                                + wanted
                                + " for "
                                + declared.name()
                                + " "
                                + declared.shape()
                                + ", is "
                                + dimension);
            }
            shape[d] = dimension;
        }
        return shape;
    }

    private static void flatten(Object data, List<Object> into) {
        if (data instanceof List<?> list) {
            for (Object item : list) {
                flatten(item, into);
            }
        } else if (data != null) {
            into.add(data);
        } else {
            throw invalid("inputs[0].data is required: the tensor's values");
        }
    }

    /** Splits the flat values into one native input per row of the batch dimension. */
    private static List<Object> rows(String name, long[] shape, List<Object> flat) {
        int rows = (int) shape[0];
        List<Object> inputs = new ArrayList<>(rows);
        if (name.equals(TensorSignature.TEXT)) {
            inputs.addAll(flat);
            return inputs;
        }
        int rowSize = rows == 0 ? 0 : flat.size() / rows;
        for (int r = 0; r < rows; r++) {
            List<Object> row = flat.subList(r * rowSize, (r + 1) * rowSize);
            if (name.equals(TensorSignature.PIXELS)) {
                inputs.add(
                        java.util.Map.of(
                                "pixels",
                                nest(row, (int) shape[1], (int) shape[2], (int) shape[3])));
            } else {
                inputs.add(nest(row, (int) shape[1], (int) shape[2]));
            }
        }
        return inputs;
    }

    /** {@code values} as {@code [outer][inner]} lists, or {@code [a][b][c]}. */
    private static List<Object> nest(List<Object> values, int... dimensions) {
        if (dimensions.length == 1) {
            return new ArrayList<>(values);
        }
        int outer = dimensions[0];
        int size = values.size() / outer;
        int[] rest = java.util.Arrays.copyOfRange(dimensions, 1, dimensions.length);
        List<Object> nested = new ArrayList<>(outer);
        for (int i = 0; i < outer; i++) {
            nested.add(nest(values.subList(i * size, (i + 1) * size), rest));
        }
        return nested;
    }

    /** The outputs the request asked for (all when it named none), in the signature's order. */
    static List<OutputTensor> encode(
            List<TaskOutput> outputs,
            TaskSpec task,
            TensorSignature signature,
            List<RequestedOutput> requested) {
        List<String> wanted = wanted(signature, requested);
        List<OutputTensor> tensors = new ArrayList<>();
        long rows = outputs.size();
        for (TensorMetadata declared : signature.outputs()) {
            if (!wanted.contains(declared.name())) {
                continue;
            }
            tensors.add(tensor(declared.name(), outputs, task, rows));
        }
        return tensors;
    }

    private static List<String> wanted(TensorSignature signature, List<RequestedOutput> requested) {
        List<String> names = signature.outputs().stream().map(TensorMetadata::name).toList();
        if (requested == null || requested.isEmpty()) {
            return names;
        }
        List<String> wanted = new ArrayList<>();
        for (int i = 0; i < requested.size(); i++) {
            String name = requested.get(i).name();
            if (!names.contains(name)) {
                throw invalid(
                        "outputs["
                                + i
                                + "].name '"
                                + name
                                + "' is not an output of this model; it has "
                                + names);
            }
            wanted.add(name);
        }
        return wanted;
    }

    private static OutputTensor tensor(
            String name, List<TaskOutput> outputs, TaskSpec task, long rows) {
        List<Object> data = new ArrayList<>();
        switch (name) {
            case TensorSignature.EMBEDDING -> {
                long width = 0;
                for (TaskOutput output : outputs) {
                    float[] vector = ((EmbeddingOutput) output).embedding();
                    width = vector.length;
                    for (float value : vector) {
                        data.add(value);
                    }
                }
                return fp32(name, List.of(rows, width), data);
            }
            case TensorSignature.SCORES -> {
                List<String> labels = TensorSignature.labels(task);
                for (TaskOutput output : outputs) {
                    for (String label : labels) {
                        data.add(
                                (float)
                                        (double)
                                                ((ClassificationOutput) output)
                                                        .scores()
                                                        .get(label));
                    }
                }
                return fp32(name, List.of(rows, (long) labels.size()), data);
            }
            case TensorSignature.LABEL -> {
                for (TaskOutput output : outputs) {
                    data.add(((ClassificationOutput) output).label());
                }
                return new OutputTensor(name, List.of(rows), TensorSignature.BYTES, data);
            }
            case TensorSignature.VALUE -> {
                for (TaskOutput output : outputs) {
                    data.add((float) ((RegressionOutput) output).value());
                }
                return fp32(name, List.of(rows), data);
            }
            case TensorSignature.FORECAST -> {
                long horizon = 0;
                long channels = 0;
                for (TaskOutput output : outputs) {
                    float[][] forecast = ((ForecastOutput) output).forecast();
                    horizon = forecast.length;
                    for (float[] step : forecast) {
                        channels = step.length;
                        for (float value : step) {
                            data.add(value);
                        }
                    }
                }
                return fp32(name, List.of(rows, horizon, channels), data);
            }
            default -> throw new IllegalStateException("no output tensor " + name);
        }
    }

    private static OutputTensor fp32(String name, List<Long> shape, List<Object> data) {
        return new OutputTensor(name, shape, TensorSignature.FP32, data);
    }

    static FmplexException invalid(String message) {
        return new FmplexException(ProblemType.INVALID_REQUEST, null, message);
    }
}
