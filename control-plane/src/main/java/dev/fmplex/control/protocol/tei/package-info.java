/**
 * Routes of Hugging Face's text-embeddings-inference (TEI) for text vFMs: {@code /embed}, {@code
 * /predict} (texts and sentence pairs), {@code /rerank} and {@code /info}, with TEI's error shape
 * {@code {"error", "error_type"}}. A TEI server serves one model, so the vFM is named by the path
 * ({@code /tei/{model}/embed}: a TEI client's base URL is {@code .../tei/{model}}) or by the {@code
 * X-FMplex-Model} header on the bare routes.
 */
package dev.fmplex.control.protocol.tei;
