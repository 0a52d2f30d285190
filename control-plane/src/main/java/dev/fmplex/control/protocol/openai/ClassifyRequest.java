package dev.fmplex.control.protocol.openai;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Body of vLLM's {@code POST /classify}.
 *
 * @param model a classification vFM, named as on {@code /v1/embeddings}
 * @param input a string or an array of strings
 * @param truncate FMplex's extension, as on {@code /v1/embeddings}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ClassifyRequest(String model, Object input, Boolean truncate) {}
