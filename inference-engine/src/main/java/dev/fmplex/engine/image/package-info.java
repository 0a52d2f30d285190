/**
 * Image inputs: decoding PNG and JPEG, and the preprocessing a vision backbone's {@code
 * preprocessor_config.json} prescribes (resize, rescale, normalize) into channel-major floats.
 */
package dev.fmplex.engine.image;
