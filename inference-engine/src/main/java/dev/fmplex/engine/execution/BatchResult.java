package dev.fmplex.engine.execution;

import java.util.List;

/**
 * Results of one mixed batch, in row order.
 *
 * @param backboneRows rows the backbone actually ran after sharing identical plain inputs
 * @param tasks distinct vFMs in the batch
 */
public record BatchResult(List<RowResult> results, int backboneRows, int tasks) {}
