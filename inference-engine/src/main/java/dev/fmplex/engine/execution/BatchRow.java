package dev.fmplex.engine.execution;

import dev.fmplex.engine.extension.VfmModel;
import dev.fmplex.engine.text.EncodedText;

/** One input of one vFM in a mixed batch. */
public record BatchRow(VfmModel vfm, EncodedText text) {}
