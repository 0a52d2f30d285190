/**
 * Benchmarks that put FMplex side by side with its peers in one JVM and one run, so that ratios,
 * not single times, are reported. Run manually; see bench/README.md.
 */
package dev.fmplex.bench;
