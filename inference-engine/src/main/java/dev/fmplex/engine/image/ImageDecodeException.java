package dev.fmplex.engine.image;

/** Bytes that are not an image FMplex can read (PNG or JPEG); the message says why. */
public class ImageDecodeException extends Exception {

    public ImageDecodeException(String message) {
        super(message);
    }

    public ImageDecodeException(String message, Throwable cause) {
        super(message, cause);
    }
}
