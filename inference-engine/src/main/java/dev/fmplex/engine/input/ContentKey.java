package dev.fmplex.engine.input;

import java.util.Arrays;

/**
 * Value identity of what a backbone computes on for one input (token ids, pixels, patches): two
 * keys are equal when every part holds equal values, so equal inputs share one backbone row
 * whichever request or vFM they came from.
 */
public final class ContentKey {

    private final Object[] parts;
    private final int hash;

    private ContentKey(Object[] parts) {
        this.parts = parts;
        this.hash = Arrays.deepHashCode(parts);
    }

    /**
     * A key over {@code parts} (arrays compared by content); the parts must not change after.
     *
     * @param kind the input's class, so inputs of two kinds never share a row even when their
     *     values coincide
     */
    public static ContentKey of(Class<? extends ModelInput> kind, Object... parts) {
        Object[] all = new Object[parts.length + 1];
        all[0] = kind;
        System.arraycopy(parts, 0, all, 1, parts.length);
        return new ContentKey(all);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ContentKey key
                && hash == key.hash
                && Arrays.deepEquals(parts, key.parts);
    }

    @Override
    public int hashCode() {
        return hash;
    }
}
