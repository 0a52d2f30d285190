package dev.fmplex.engine.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HalfFloatsTest {

    @Test
    void widensKnownBinary16Values() {
        assertThat(HalfFloats.halfToFloat((short) 0x3c00)).isEqualTo(1.0f);
        assertThat(HalfFloats.halfToFloat((short) 0xc000)).isEqualTo(-2.0f);
        assertThat(HalfFloats.halfToFloat((short) 0x7bff)).isEqualTo(65504f);
        assertThat(HalfFloats.halfToFloat((short) 0x0001)).isEqualTo(0x1p-24f);
        assertThat(HalfFloats.halfToFloat((short) 0x8000)).isEqualTo(-0.0f);
        assertThat(HalfFloats.halfToFloat((short) 0x7c00)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(HalfFloats.halfToFloat((short) 0x7e00)).isNaN();
        assertThat(HalfFloats.halfToFloat((short) 0x3555)).isEqualTo(0.333251953125f);
    }

    @Test
    void widensBfloat16ByShifting() {
        assertThat(HalfFloats.bfloat16ToFloat((short) 0x3f80)).isEqualTo(1.0f);
        assertThat(HalfFloats.bfloat16ToFloat((short) 0xc040)).isEqualTo(-3.0f);
    }
}
