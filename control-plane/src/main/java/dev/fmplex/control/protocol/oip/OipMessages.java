package dev.fmplex.control.protocol.oip;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/** The protocol's JSON documents, with its member names. */
final class OipMessages {

    private OipMessages() {}

    /**
     * One tensor of a request.
     *
     * @param shape the tensor's dimensions
     * @param datatype {@code BYTES} (strings) or {@code FP32}
     * @param data the values, flat in row-major order or nested as the shape says
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record InputTensor(
            String name,
            List<Long> shape,
            String datatype,
            Map<String, Object> parameters,
            Object data) {}

    /** An output the client asks for by name. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record RequestedOutput(String name, Map<String, Object> parameters) {}

    /**
     * Body of {@code POST /v2/models/{model}/infer}.
     *
     * @param id echoed in the reply
     * @param parameters {@code truncate} (boolean) cuts texts over the token limit, as natively
     * @param outputs the outputs to return; all of them when absent
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record InferenceRequest(
            String id,
            Map<String, Object> parameters,
            List<InputTensor> inputs,
            List<RequestedOutput> outputs) {}

    /** One tensor of a reply: flat data in row-major order. */
    record OutputTensor(String name, List<Long> shape, String datatype, List<?> data) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record InferenceResponse(
            @JsonProperty("model_name") String modelName,
            @JsonProperty("model_version") String modelVersion,
            String id,
            List<OutputTensor> outputs) {}

    /** A tensor as model metadata declares it; -1 is a dimension of any size. */
    record TensorMetadata(String name, String datatype, List<Long> shape) {}

    record ModelMetadata(
            String name,
            List<String> versions,
            String platform,
            List<TensorMetadata> inputs,
            List<TensorMetadata> outputs) {}

    record ServerMetadata(String name, String version, List<String> extensions) {}

    record ModelReady(String name, boolean ready) {}

    record Live(boolean live) {}

    record Ready(boolean ready) {}
}
