package dev.fmplex.engine.scheduler;

/**
 * One admitted request as the executor sees it.
 *
 * @param vfmId the vFM it belongs to
 * @param payload what the executor needs to run it (for example the vFM version and its rows)
 * @param rows rows it adds to a batch
 * @param length its longest row in tokens (virtual tokens included): what the batch pads to
 */
public record Work<P>(String vfmId, P payload, int rows, int length) {}
