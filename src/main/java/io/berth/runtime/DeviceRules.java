package io.berth.runtime;

import io.berth.spec.Spec;
import java.util.ArrayList;
import java.util.List;

/**
 * The device cgroup rules a container gets: the spec's own (often a deny-all first), then, as
 * runc does, an allow for every device the container is promised: the runtime-spec's default
 * devices, /dev/ptmx and the devpts slaves (136:*), and each of linux.devices. Without these a
 * spec that starts with deny-all could not even open /dev/null or a terminal.
 */
final class DeviceRules {
    private static final List<Spec.DeviceRule> DEFAULTS = List.of(
            allow("c", 1L, 3L), allow("c", 1L, 5L), allow("c", 1L, 7L), allow("c", 1L, 8L),
            allow("c", 1L, 9L), allow("c", 5L, 0L), allow("c", 5L, 2L), allow("c", 136L, null));

    private DeviceRules() {
    }

    /** The resources with the allows appended; unchanged when the spec has no device rules. */
    static Spec.Resources withDefaults(Spec spec) {
        Spec.Resources r = spec.linux() == null ? null : spec.linux().resources();
        if (r == null || r.devices() == null || r.devices().isEmpty()) {
            return r;
        }
        List<Spec.DeviceRule> rules = new ArrayList<>(r.devices());
        rules.addAll(DEFAULTS);
        List<Spec.Device> devices = spec.linux().devices();
        for (Spec.Device d : devices == null ? List.<Spec.Device>of() : devices) {
            if (!"p".equals(d.type())) {
                rules.add(allow("u".equals(d.type()) ? "c" : d.type(), d.major(), d.minor()));
            }
        }
        return new Spec.Resources(rules, r.memory(), r.cpu(), r.pids(), r.blockIO(),
                r.unified());
    }

    private static Spec.DeviceRule allow(String type, Long major, Long minor) {
        return new Spec.DeviceRule(true, type, major, minor, "rwm");
    }
}
