package dev.fmplex.engine.execution;

import dev.fmplex.engine.extension.VfmModel;
import dev.fmplex.engine.input.ModelInput;

/** One input of one vFM in a mixed batch. */
public record BatchRow(VfmModel vfm, ModelInput input) {}
