package dev.fmplex.model.api;

import java.util.List;

/** Reply of {@code POST /infer}: one result per requested vFM, in request order. */
public record FanOutResponse(List<InferResponse> results) {}
