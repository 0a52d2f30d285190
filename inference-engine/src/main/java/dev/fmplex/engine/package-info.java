/**
 * The FMplex inference engine, plain Java without Spring: one package per model family behind the
 * {@code family} SPI, and the shared blocks every family uses ({@code checkpoint}, {@code nn},
 * {@code execution}, {@code extension}, {@code scheduler}, {@code registry}, {@code text}, {@code
 * image}, {@code series}, {@code input}). The worker wires it; the engine knows no HTTP.
 */
package dev.fmplex.engine;
