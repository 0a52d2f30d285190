package dev.fmplex.engine.series;

import dev.fmplex.engine.input.ContentKey;
import dev.fmplex.engine.input.ModelInput;

/**
 * One series, scaled and patched for its backbone.
 *
 * @param patches {@code [channels][patches][patch_length]} scaled values, as the encoder's patch
 *     embedding reads them
 * @param loc per channel, the level subtracted by the scaler (0 without one)
 * @param scale per channel, the spread divided by the scaler (1 without one); a forecast is brought
 *     back to the input's units by {@code y * scale + loc}
 * @param units the positions the encoder runs for it: channels x (patches + class token)
 */
public record SeriesInput(float[] patches, float[] loc, float[] scale, int units)
        implements ModelInput {

    /** Scaled patches and the scaler's statistics: equal series are equal in all three. */
    @Override
    public ContentKey contentKey() {
        return ContentKey.of(SeriesInput.class, patches, loc, scale);
    }
}
