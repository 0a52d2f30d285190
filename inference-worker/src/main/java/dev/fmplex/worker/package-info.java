/**
 * The inference worker: a Spring WebFlux process that hosts backbones and runs vFM requests on
 * them. The standalone server embeds the same beans in process.
 */
package dev.fmplex.worker;
