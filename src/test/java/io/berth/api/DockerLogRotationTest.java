package io.berth.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** `docker run --log-opt` and `docker logs` across rotated files, from the real docker CLI. */
@Tag("privileged")
class DockerLogRotationTest {
    private static ServiceUnderTest berth;

    @BeforeAll
    static void startServiceAndLoadBusybox() {
        berth = ServiceUnderTest.withBusybox();
    }

    @AfterAll
    static void cleanUp() throws IOException {
        berth.close();
        assertTrue(berth.mounts().isEmpty(), "mounts left: " + berth.mounts());
    }

    @Test
    void logOptionsRotateTheLogAndLogsReadsTheKeptFilesInOrder() {
        ServiceUnderTest.Result run = berth.docker("run", "--name", "rotated", "--log-opt",
                "max-size=1k", "--log-opt", "max-file=2", "busybox", "sh", "-c",
                "for i in $(seq 1 200); do echo line$i; done");
        assertEquals(0, run.code(), run.err());
        assertEquals("{\"Type\":\"json-file\",\"Config\":{\"max-file\":\"2\",\"max-size\":\"1k\"}}",
                berth.docker("inspect", "--format", "{{json .HostConfig.LogConfig}}",
                        "rotated").line());

        List<Integer> kept = berth.docker("logs", "rotated").out().lines()
                .map(l -> Integer.parseInt(l.substring("line".length()))).toList();
        assertTrue(kept.size() > 20 && kept.size() < 50, "kept " + kept.size());
        assertEquals(IntStream.rangeClosed(kept.getFirst(), 200).boxed().toList(), kept);
        assertEquals("line199\nline200\n", berth.docker("logs", "--tail", "2", "rotated")
                .out());
        assertEquals(0, berth.docker("rm", "rotated").code());
    }

    @Test
    void aBadLogOptionIsRefusedAndNoContainerIsLeft() {
        ServiceUnderTest.Result run = berth.docker("run", "--name", "badlog", "--log-opt",
                "max-size=huge", "busybox", "true");
        assertEquals(125, run.code());
        assertTrue(run.err().contains("invalid size: 'huge'"), run.err());
        assertEquals("", berth.docker("ps", "-a", "-q").out());
    }
}
