package dev.fmplex.engine.execution;

/** One vFM's rows failed in a batch (its head threw or produced NaN); no other vFM did. */
public class VfmExecutionException extends RuntimeException {

    private final String vfmId;
    private final int version;

    public VfmExecutionException(String vfmId, int version, String reason) {
        super("vFM " + vfmId + " version " + version + " failed: " + reason);
        this.vfmId = vfmId;
        this.version = version;
    }

    public String vfmId() {
        return vfmId;
    }

    public int version() {
        return version;
    }
}
