package io.berth.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.spec.SpecJson;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChangesTest {

    private static String applied(String... lines) {
        ObjectNode config = SpecJson.mapper().createObjectNode();
        Changes.apply(config, List.of(lines));
        return config.toString();
    }

    @Test
    void execAndShellFormsOfCmdAndEntrypoint() {
        assertEquals("{\"Cmd\":[\"sh\"]}", applied("CMD [\"sh\"]"));
        assertEquals("{\"Cmd\":[\"/bin/sh\",\"-c\",\"echo $HOME\"]}", applied("cmd echo $HOME"));
        assertEquals("{\"Entrypoint\":[\"/bin/sh\",\"-c\",\"[not json\"]}",
                applied("ENTRYPOINT [not json"));
    }

    @Test
    void envTakesPairsQuotesAndTheOldForm() {
        assertEquals("{\"Env\":[\"A=1\",\"B=two words\",\"C=x y\"]}",
                applied("ENV A=1 B=\"two words\" C=x\\ y"));
        assertEquals("{\"Env\":[\"PATH=/bin:/usr/bin\"]}", applied("ENV PATH /bin:/usr/bin"));
        assertEquals("{\"Env\":[\"A=2\"]}", applied("ENV A=1", "ENV A=2"));
    }

    @Test
    void otherInstructionsFillTheirFields() {
        assertEquals("{\"ExposedPorts\":{\"80/tcp\":{},\"53/udp\":{}}}",
                applied("EXPOSE 80 53/udp"));
        assertEquals("{\"Labels\":{\"a\":\"b c\"}}", applied("LABEL a='b c'"));
        assertEquals("{\"WorkingDir\":\"/app/sub\"}", applied("WORKDIR /app", "WORKDIR sub"));
        assertEquals("{\"Volumes\":{\"/data\":{},\"/logs\":{}}}",
                applied("VOLUME [\"/data\", \"/logs\"]"));
        assertEquals("{\"User\":\"nobody\",\"StopSignal\":\"SIGINT\"}",
                applied("USER nobody", "STOPSIGNAL SIGINT"));
    }

    @Test
    void unknownOrMalformedChangesAreRefused() {
        for (String bad : List.of("RUN make", "FROM scratch", "EXPOSE http", "USER",
                "LABEL novalue", "ENV A=\"unclosed")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> applied(bad), bad);
            assertTrue(e.getMessage().startsWith("the change \""), e.getMessage());
        }
    }
}
