package io.berth.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BindsTest {
    private static ContainerRequest.Builder busybox() {
        return ContainerRequest.builder("busybox");
    }

    @Test
    void aTmpfsBesideAVolumeOrABindAtOnePlaceIsADuplicateMountPoint() {
        for (ContainerRequest req : List.of(
                busybox().tmpfs(Map.of("/data", "")).volumes(List.of("/data/")).build(),
                busybox().tmpfs(Map.of("/data", "")).binds(List.of("/h:/data")).build(),
                busybox().binds(List.of("/h:/data", "/i:/data")).build())) {
            InvalidRequestException e = assertThrows(InvalidRequestException.class,
                    () -> Binds.checkMountPoints(req));
            assertEquals("Duplicate mount point: /data", e.getMessage());
        }
    }

    @Test
    void aVolumeNamedTwiceIsOneAndABindAtItsPlaceTakesIt() {
        ContainerRequest req = busybox().volumes(List.of("/data", "/data/", "/b", "/t"))
                .binds(List.of("/h:/b")).tmpfs(Map.of("/u", "")).build();
        Binds.checkMountPoints(req);
        assertEquals(List.of("/data", "/t"), Binds.volumes(req));
    }

    @Test
    void aMountOnProcIsRefused() {
        for (ContainerRequest req : List.of(busybox().volumes(List.of("/proc/")).build(),
                busybox().binds(List.of("/proc:/proc")).build(),
                busybox().tmpfs(Map.of("/proc", "")).build())) {
            assertThrows(InvalidRequestException.class, () -> Binds.checkMountPoints(req));
        }
    }

    @Test
    void theImagesVolumesJoinTheRequestsWhereNothingElseIsMounted() {
        ContainerRequest req = busybox().volumes(List.of("/a")).binds(List.of("/h:/b"))
                .tmpfs(Map.of("/c", "")).build();
        ContainerRequest merged = Binds.withImageVolumes(req,
                List.of("/a/", "/b", "/c", "/d", "/var/www/", "relative", "/"));
        assertEquals(List.of("/a", "/d", "/var/www"), merged.volumes());
        assertEquals(List.of("/a", "/d", "/var/www"), Binds.volumes(merged));
        assertEquals(req, Binds.withImageVolumes(req, null));
    }

    @Test
    void aPathWithAModeAndNoDestinationIsAnInvalidSpecificationWithNoReasonAsInDockerd() {
        for (String spec : List.of("/x:ro", "/x:rw", "/x:ro,z", "/x:nocopy", "/x:rshared",
                "/x:")) {
            InvalidRequestException e = assertThrows(InvalidRequestException.class,
                    () -> Binds.parse(busybox().binds(List.of(spec)).build()));
            assertEquals("invalid volume specification: '" + spec + "'", e.getMessage());
        }
    }

    @Test
    void aModeIsCheckedWholeAndFirstAsDockerdChecksIt() {
        for (String mode : List.of("ro,rw", "z,Z", "shared,slave", "ro,", "ro,exec")) {
            InvalidRequestException e = assertThrows(InvalidRequestException.class,
                    () -> Binds.parse(busybox().binds(List.of("named:rel:" + mode)).build()));
            assertEquals("invalid mode: " + mode, e.getMessage());
        }
        assertEquals(List.of(new Binds.Bind(java.nio.file.Path.of("/h"), "/c", true,
                "rshared")), Binds.parse(busybox().binds(List.of(
                        "/h:/c:ro,Z,rshared,nocopy,cached")).build()));
    }
}
