/**
 * The OpenAI-compatible protocol: {@code POST /v1/embeddings} and {@code GET /v1/models} as
 * OpenAI's API and its SDKs define them (a model is a vFM), vLLM's {@code POST /classify} for
 * classification vFMs, and OpenAI's error shape {@code {"error": {message, type, param, code}}} on
 * all of them.
 */
package dev.fmplex.control.protocol.openai;
