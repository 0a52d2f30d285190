package dev.fmplex.control.protocol.openai;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Body of {@code POST /v1/embeddings}. Members the OpenAI API defines and FMplex has no use for are
 * ignored, as OpenAI-compatible servers do, so that every client's request is accepted.
 *
 * @param input a string, an array of strings, an array of token ids, or an array of such arrays
 * @param model the vFM: its name in the key's tenant, {@code tenant/name}, or its id
 * @param encodingFormat {@code float} (the default) or {@code base64}: the little-endian float32
 *     bytes of each vector
 * @param dimensions accepted only when it equals the vFM's embedding width
 * @param user accepted and not used
 * @param truncate FMplex's extension: whether inputs over the backbone's token limit are cut (the
 *     default, as on the native API) or refused with 413
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record EmbeddingsRequest(
        Object input,
        String model,
        @JsonProperty("encoding_format") String encodingFormat,
        Integer dimensions,
        String user,
        Boolean truncate) {}
