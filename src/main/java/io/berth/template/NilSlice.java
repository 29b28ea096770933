package io.berth.template;

import java.util.AbstractList;
import java.util.List;

/**
 * A nil Go slice among data that a template runs on as Go structs: a field docker's typed
 * value has but left unset. It prints as {@code []} and has no elements, as an empty list, but
 * the json function writes it as {@code null}, as Go's encoding/json writes a nil slice.
 */
public final class NilSlice extends AbstractList<Object> {
    private static final NilSlice INSTANCE = new NilSlice();

    private NilSlice() {
    }

    /** The nil slice; it is immutable, so one serves every field. */
    public static List<Object> of() {
        return INSTANCE;
    }

    @Override
    public Object get(int index) {
        throw new IndexOutOfBoundsException("index " + index + " of a nil slice");
    }

    @Override
    public int size() {
        return 0;
    }
}
