/**
 * Text to token ids: the Hugging Face tokenizer of a backbone, with FMplex's own, documented
 * truncation rule, and right-padded batches.
 */
package dev.fmplex.engine.text;
