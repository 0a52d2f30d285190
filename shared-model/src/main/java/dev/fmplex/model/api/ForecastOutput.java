package dev.fmplex.model.api;

/**
 * The forecast for one input series.
 *
 * @param forecast {@code [horizon][channels]}: step by step, each step's value per channel, in the
 *     input's own units
 */
public record ForecastOutput(float[][] forecast) implements TaskOutput {}
