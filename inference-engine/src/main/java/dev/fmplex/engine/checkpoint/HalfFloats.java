package dev.fmplex.engine.checkpoint;

/** Exact widening of 16-bit floats to fp32 (Java 17 has no {@code Float.float16ToFloat}). */
public final class HalfFloats {

    private HalfFloats() {}

    /** IEEE 754 binary16 -> binary32, subnormals, infinities and NaN included. */
    public static float halfToFloat(short half) {
        int bits = half & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        if (exponent == 0) {
            // Zero or subnormal: mantissa x 2^-24, exactly representable in fp32.
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        // Re-bias the exponent from 15 to 127.
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }

    /** bfloat16 is the upper half of an fp32. */
    public static float bfloat16ToFloat(short bfloat16) {
        return Float.intBitsToFloat((bfloat16 & 0xffff) << 16);
    }
}
