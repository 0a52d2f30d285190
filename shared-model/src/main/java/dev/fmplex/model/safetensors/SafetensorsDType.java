package dev.fmplex.model.safetensors;

import java.util.Arrays;
import java.util.Optional;

/** Element types the safetensors format names, with their sizes in bytes. */
public enum SafetensorsDType {
    F64(8),
    F32(4),
    F16(2),
    BF16(2),
    I64(8),
    I32(4),
    I16(2),
    I8(1),
    U8(1),
    BOOL(1),
    F8_E4M3(1),
    F8_E5M2(1);

    private final int byteSize;

    SafetensorsDType(int byteSize) {
        this.byteSize = byteSize;
    }

    public int byteSize() {
        return byteSize;
    }

    /** Whether FMplex accepts this type for model weights (converted to fp32 on load). */
    public boolean isSupportedWeightType() {
        return this == F32 || this == F16 || this == BF16;
    }

    public static Optional<SafetensorsDType> fromName(String name) {
        return Arrays.stream(values()).filter(t -> t.name().equals(name)).findFirst();
    }
}
