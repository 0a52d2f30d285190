package dev.fmplex.engine.execution;

import dev.fmplex.engine.extension.VfmModel;
import dev.fmplex.engine.input.ModelInput;
import dev.fmplex.engine.text.EncodedText;

/** One input of one vFM in a mixed batch. */
public record BatchRow(VfmModel vfm, ModelInput input) {

    /** The input of a row on a text backbone. */
    public EncodedText text() {
        return (EncodedText) input;
    }
}
