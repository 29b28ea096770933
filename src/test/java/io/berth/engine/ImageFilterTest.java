package io.berth.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.convert.InvalidRequestException;
import io.berth.image.Image;
import io.berth.spec.ImageConfig;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ImageFilterTest {
    private static final Image OLD = image("a", 100, Map.of("tier", "base"), "busybox:latest",
            "busybox:1.36", "localhost:5000/team/busybox:1");
    private static final Image MIDDLE = image("b", 200, Map.of("tier", "app", "owner", "me"),
            "alpine:3.17");
    private static final Image UNTAGGED = image("c", 300, Map.of());

    private static Image image(String id, long created, Map<String, String> labels,
            String... tags) {
        ImageConfig config = new ImageConfig(null, null, null, null, null, null, null, labels,
                null);
        return new Image("sha256:" + id.repeat(64), List.of(tags), List.of(),
                Instant.ofEpochSecond(created), 1, config, List.of(), "amd64", "linux");
    }

    private static Optional<Image> find(String name) {
        return Stream.of(OLD, MIDDLE, UNTAGGED).filter(i -> i.repoTags().contains(name)
                || i.id().startsWith("sha256:" + name)).findFirst();
    }

    private static List<String> listed(Image image, String... words) {
        return ImageFilter.ofWords(List.of(words), ImageFilterTest::find).listedTags(image);
    }

    @Test
    void danglingTrueListsOnlyUntaggedImagesAndFalseOnlyTaggedOnes() {
        assertEquals(List.of(), listed(UNTAGGED, "dangling=true"));
        assertNull(listed(OLD, "dangling=true"));
        assertNull(listed(UNTAGGED, "dangling=false"));
        assertEquals(OLD.repoTags(), listed(OLD, "dangling=false"));
        assertEquals(List.of(), listed(UNTAGGED), "without filters everything is listed");
    }

    @Test
    void referenceIsAGlobOnNameOrNameAndTagAndKeepsOnlyTheTagsItMatches() {
        assertEquals(List.of("busybox:latest", "busybox:1.36"), listed(OLD, "reference=busybox"));
        assertEquals(List.of("busybox:1.36"), listed(OLD, "reference=busybox:1.*"));
        assertEquals(List.of("localhost:5000/team/busybox:1"),
                listed(OLD, "reference=localhost:5000/*/busybox"));
        assertNull(listed(OLD, "reference=*busy"), "* stops at nothing but the end");
        assertEquals(List.of("busybox:latest", "busybox:1.36"), listed(OLD, "reference=*"),
                "nor does it cross a slash");
        assertEquals(List.of("alpine:3.17"), listed(MIDDLE, "reference=busybox",
                "reference=[a-c]lpine"), "any one of several");
        assertNull(listed(UNTAGGED, "reference=*"), "an untagged image has no name to match");
    }

    @Test
    void beforeAndSinceCompareCreationWithANamedImage() {
        assertEquals(OLD.repoTags(), listed(OLD, "before=alpine:3.17"));
        assertNull(listed(MIDDLE, "before=alpine:3.17"), "not before itself");
        assertEquals(List.of(), listed(UNTAGGED, "since=b"));
        assertNull(listed(OLD, "since=busybox:latest"));
        assertEquals(MIDDLE.repoTags(), listed(MIDDLE, "since=busybox:latest", "before=c"));
        NotFoundException missing = assertThrows(NotFoundException.class,
                () -> listed(OLD, "since=nope:1"));
        assertEquals("No such image: nope:1", missing.getMessage());
    }

    @Test
    void everyLabelFilterMustHold() {
        assertEquals(MIDDLE.repoTags(), listed(MIDDLE, "label=tier=app", "label=owner"));
        assertNull(listed(MIDDLE, "label=tier=app", "label=missing"));
        assertNull(listed(OLD, "label=tier=app"));
    }

    @Test
    void unknownKeysValuesAndBadPatternsAreRefusedInDockersWords() {
        assertEquals("invalid filter 'size'", assertThrows(InvalidRequestException.class,
                () -> listed(OLD, "size=1")).getMessage());
        assertEquals("invalid filter 'dangling=maybe'", assertThrows(
                InvalidRequestException.class, () -> listed(OLD, "dangling=maybe"))
                .getMessage());
        assertTrue(assertThrows(InvalidRequestException.class,
                () -> listed(OLD, "reference=busy[box")).getMessage()
                .contains("syntax error in pattern"));
        assertEquals("bad format of filter (expected name=value)", assertThrows(
                InvalidRequestException.class, () -> listed(OLD, "dangling")).getMessage());
    }
}
