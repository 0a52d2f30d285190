/**
 * The FMplex inference engine: backbones built natively on DJL NDArray ops, their weight loaders,
 * tokenization and batched execution. Plain Java, no Spring; the worker wires it.
 */
package dev.fmplex.engine;
