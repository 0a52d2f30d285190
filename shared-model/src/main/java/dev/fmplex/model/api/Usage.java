package dev.fmplex.model.api;

/**
 * What a request's inputs cost the backbone, as protocols bill it ({@code usage.prompt_tokens} of
 * the OpenAI API).
 *
 * @param inputUnits positions the backbone ran for the inputs: tokens for text (special tokens
 *     included, soft prompts not), patches for images, channels x patches for series
 */
public record Usage(long inputUnits) {}
