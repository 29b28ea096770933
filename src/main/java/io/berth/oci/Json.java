package io.berth.oci;

import io.berth.spec.JsonWriter;

/** JSON output of the OCI command line: plain maps and lists, without data binding. */
final class Json {

    private Json() {
    }

    static String compact(Object value) {
        return JsonWriter.compact(value);
    }

    static String pretty(Object value) {
        return JsonWriter.pretty(value);
    }
}
