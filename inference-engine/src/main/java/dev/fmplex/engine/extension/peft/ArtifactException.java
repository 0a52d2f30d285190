package dev.fmplex.engine.extension.peft;

/**
 * An uploaded artifact that cannot become a vFM version on this backbone; the message names the
 * file, tensor or field and what was expected.
 */
public class ArtifactException extends Exception {

    private final String file;

    public ArtifactException(String file, String message) {
        super(message);
        this.file = file;
    }

    public ArtifactException(String file, String message, Throwable cause) {
        super(message, cause);
        this.file = file;
    }

    /** The offending file's name, or null when the problem is the set of files. */
    public String file() {
        return file;
    }
}
