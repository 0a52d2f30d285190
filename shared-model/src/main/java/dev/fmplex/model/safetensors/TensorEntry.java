package dev.fmplex.model.safetensors;

import java.util.Arrays;

/**
 * One tensor of a safetensors file.
 *
 * @param begin offset of the first byte, relative to the start of the data section
 * @param end offset one past the last byte, relative to the start of the data section
 */
public record TensorEntry(String name, SafetensorsDType dtype, long[] shape, long begin, long end) {

    public long elementCount() {
        long count = 1;
        for (long dim : shape) {
            count = Math.multiplyExact(count, dim);
        }
        return count;
    }

    public long byteLength() {
        return end - begin;
    }

    /** The shape as {@code [a, b]}, as error messages print it. */
    public String shapeText() {
        return Arrays.toString(shape);
    }
}
