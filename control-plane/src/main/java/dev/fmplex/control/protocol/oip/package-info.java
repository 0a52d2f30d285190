/**
 * The Open Inference Protocol v2 (KServe v2, Triton's HTTP/REST API): health, server and model
 * metadata, model readiness and {@code POST /v2/models/{model}/infer} with typed tensors, answered
 * with {@code {"error": "..."}} on failure. {@link dev.fmplex.control.protocol.oip.TensorSignature}
 * says which tensors a vFM takes and gives per modality and task kind; {@link
 * dev.fmplex.control.protocol.oip.TensorCodec} translates between tensors and native inputs and
 * outputs.
 */
package dev.fmplex.control.protocol.oip;
