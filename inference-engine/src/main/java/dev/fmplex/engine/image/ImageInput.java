package dev.fmplex.engine.image;

import dev.fmplex.engine.input.ContentKey;
import dev.fmplex.engine.input.ModelInput;

/**
 * One image, preprocessed for its backbone.
 *
 * @param pixels channel-major values, {@code channels x height x width}, as the backbone's patch
 *     embedding reads them
 * @param units the positions the backbone runs for it: its patches plus the class token
 */
public record ImageInput(float[] pixels, int units) implements ModelInput {

    @Override
    public ContentKey contentKey() {
        return ContentKey.of(ImageInput.class, pixels);
    }
}
