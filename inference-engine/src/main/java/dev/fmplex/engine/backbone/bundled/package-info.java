/**
 * The backbone that ships with FMplex, {@code all-minilm-l6-v2}, read at run time from the
 * langchain4j Maven artifact on the classpath (its ONNX graph and tokenizer.json); no weights are
 * part of FMplex itself.
 */
package dev.fmplex.engine.backbone.bundled;
