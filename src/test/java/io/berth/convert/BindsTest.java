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
        assertEquals(List.of(new Binds.Bind(java.nio.file.Path.of("/h"), null, "/c", true,
                "rshared", true)), Binds.parse(busybox().binds(List.of(
                        "/h:/c:ro,Z,rshared,nocopy,cached")).build()));
    }

    @Test
    void aSourceThatIsNoPathNamesAVolumeWhoseFolderTheContainerMounts() {
        ContainerRequest req = busybox().binds(List.of("/h:/b", "data:/d:ro", "data:/e"))
                .volumes(List.of("/anon")).build();
        assertEquals(new Binds.Bind(null, "data", "/d", true, "rprivate", false),
                Binds.parse(req).get(1));
        assertEquals(List.of("data"), Binds.namedVolumes(req));
        ContainerRequest mounting = Binds.withVolumes(req,
                v -> java.nio.file.Path.of("/anonymous" + v),
                n -> java.nio.file.Path.of("/volumes/" + n + "/_data"));
        assertEquals(List.of("/h:/b", "/volumes/data/_data:/d:ro", "/volumes/data/_data:/e",
                "/anonymous/anon:/anon"), mounting.binds());
    }

    @Test
    void aVolumeNameIsCheckedByDockersRule() {
        for (String name : List.of("a/b", "-x", ".x", "x y")) {
            InvalidRequestException e = assertThrows(InvalidRequestException.class,
                    () -> Binds.parse(busybox().binds(List.of(name + ":/x")).build()));
            assertEquals("create " + name + ": \"" + name + "\" includes invalid characters for"
                    + " a local volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If"
                    + " you intended to pass a host directory, use absolute path",
                    e.getMessage());
        }
        assertEquals("create x: volume name is too short, names should be at least two"
                + " alphanumeric characters", assertThrows(InvalidRequestException.class,
                        () -> VolumeNames.check("x")).getMessage());
        assertEquals("a_b.c-1", VolumeNames.check("a_b.c-1"));
    }
}
