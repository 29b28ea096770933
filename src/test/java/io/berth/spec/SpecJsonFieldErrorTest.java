package io.berth.spec;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecJsonFieldErrorTest {
    @TempDir
    Path dir;

    private String errorFor(String json) throws IOException {
        Path config = Files.writeString(dir.resolve("config.json"), json);
        return assertThrows(InvalidSpecException.class, () -> SpecJson.read(config))
                .getMessage();
    }

    @Test
    void aMemoryLimitThatIsNoNumberNamesItsField() throws IOException {
        String message = errorFor("""
                {"ociVersion": "1.2.0", "linux": {"resources": {"memory": {"limit": "lots"}}}}
                """);
        assertTrue(message.contains("linux.resources.memory.limit: "), message);
    }

    @Test
    void aBadRlimitInAListNamesItsIndex() throws IOException {
        String message = errorFor("""
                {"process": {"rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1, "soft": 1},
                                         {"type": "RLIMIT_NPROC", "hard": "many", "soft": 1}]}}
                """);
        assertTrue(message.contains("process.rlimits[1].hard: "), message);
    }

    @Test
    void aParseProblemIsOneLineWithItsLineAndColumnAndNoRedactedSource() {
        var e = assertThrows(com.fasterxml.jackson.core.JsonProcessingException.class,
                () -> SpecJson.mapper().readTree("{\"auths\":\n  tru}"));
        String message = SpecJson.problem(e);
        assertTrue(message.startsWith("invalid JSON at line 2, column "), message);
        assertTrue(message.contains("Unrecognized token 'tru'"), message);
        assertFalse(message.contains("\n") || message.contains("REDACTED"), message);
    }
}
