/**
 * Running requests on a loaded backbone: the {@link
 * dev.fmplex.engine.family.bert.BertServedBackbone} owns a backbone's weights, tokenizer and native
 * memory, and executes batches of rows, each batch in its own NDManager.
 */
package dev.fmplex.engine.execution;
