package io.berth.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.spec.Spec;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeviceRulesTest {

    private static Spec spec(Spec.Resources resources, List<Spec.Device> devices) {
        Spec.Linux linux = new Spec.Linux(null, null, null, null, devices, null, resources, null,
                null, null, null, null, null);
        return new Spec(Spec.OCI_VERSION, null, null, null, null, null, null, null, linux);
    }

    @Test
    void aDenyAllIsFollowedByAllowsForThePromisedDevicesAndTheSpecsOwn() {
        Spec.DeviceRule denyAll = new Spec.DeviceRule(false, null, null, null, "rwm");
        Spec.Device fuse = new Spec.Device("c", "/dev/fuse", 10, 229, 0666, 0L, 0L);
        List<Spec.DeviceRule> rules = DeviceRules.withDefaults(spec(new Spec.Resources(
                List.of(denyAll), null, null, null, null, null), List.of(fuse))).devices();
        assertEquals(denyAll, rules.getFirst());
        assertTrue(rules.contains(new Spec.DeviceRule(true, "c", 1L, 3L, "rwm")), "null");
        assertTrue(rules.contains(new Spec.DeviceRule(true, "c", 136L, null, "rwm")), "pts");
        assertEquals(new Spec.DeviceRule(true, "c", 10L, 229L, "rwm"), rules.getLast());
    }

    @Test
    void withoutDeviceRulesNothingIsAdded() {
        assertNull(DeviceRules.withDefaults(spec(null, null)));
        Spec.Resources none = new Spec.Resources(null, null, null, null, null, null);
        assertEquals(none, DeviceRules.withDefaults(spec(none, null)));
    }
}
