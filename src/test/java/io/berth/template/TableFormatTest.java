package io.berth.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * docker's list formatter. The rows are what docker 28.2.2 itself computed for the containers of
 * captures/38-ps-a-states and 23c-ps-with-port and the images of captures/21-images-after (its
 * {@code --format json} output, served to it by a stand-in daemon on a local socket); every
 * expected text is what that docker printed for the same format.
 */
class TableFormatTest {
    private static final Map<String, String> PS_HEADERS = Map.ofEntries(
            Map.entry("ID", "CONTAINER ID"), Map.entry("Image", "IMAGE"),
            Map.entry("Command", "COMMAND"), Map.entry("CreatedAt", "CREATED AT"),
            Map.entry("RunningFor", "CREATED"), Map.entry("Ports", "PORTS"),
            Map.entry("State", "STATE"), Map.entry("Status", "STATUS"), Map.entry("Size", "SIZE"),
            Map.entry("Names", "NAMES"), Map.entry("Labels", "LABELS"),
            Map.entry("Mounts", "MOUNTS"), Map.entry("Networks", "NETWORKS"),
            Map.entry("LocalVolumes", "LOCAL VOLUMES"));

    private static final Map<String, String> IMAGE_HEADERS = Map.of(
            "Repository", "REPOSITORY", "Tag", "TAG", "ID", "IMAGE ID",
            "CreatedSince", "CREATED", "CreatedAt", "CREATED AT", "Size", "SIZE",
            "Digest", "DIGEST", "Containers", "CONTAINERS");

    private static final List<Map<String, Object>> PS = List.of(
        psRow("c4968b9436e1", "st-paused", "\"sleep 100\"", "paused",
                "Up 1 second (Paused)", "", ""),
        psRow("a396efe634f3", "st-running", "\"sleep 100\"", "running",
                "Up 1 second", "", ""),
        psRow("c5344baeff0c", "st-exited", "\"sh -c 'exit 3'\"", "exited",
                "Exited (3) 1 second ago", "", ""),
        psRow("b896ad7f24c4", "st-created", "\"true\"", "created",
                "Created", "", ""),
        psRow("684f07727592", "httpd", "\"httpd -f -p 80\"", "running",
                "Up 1 second", "127.0.0.1:8080->80/tcp", "a=b,com.example.team=web"));

    private static final List<Map<String, Object>> IMAGES = List.of(
        imageRow("anchor/imported", "v1", "c58c286abea5", "2026-12-04 15:19:19 +0000 UTC"),
        imageRow("busybox", "latest", "98deae4ed9b5", "2026-12-04 15:17:21 +0000 UTC"));

    /** A ps row with the fields all these containers share, and a Label method. */
    private static Map<String, Object> psRow(String id, String names, String command,
            String state, String status, String ports, String labels) {
        Map<String, Object> row = new HashMap<>();
        row.put("ID", id);
        row.put("Image", "busybox");
        row.put("Command", command);
        row.put("CreatedAt", id.startsWith("684f") ? "2026-12-04 15:19:31 +0000 UTC"
                : "2026-12-04 15:28:46 +0000 UTC");
        row.put("RunningFor", "About an hour ago");
        row.put("Ports", ports);
        row.put("State", state);
        row.put("Status", status);
        row.put("Size", "0B");
        row.put("Names", names);
        row.put("Labels", labels);
        row.put("Mounts", "");
        row.put("Networks", "bridge");
        row.put("LocalVolumes", "0");
        row.put("Platform", null);
        row.put("Label", (Template.Method) args -> labelValue(labels, (String) args.get(0)));
        return row;
    }

    private static String labelValue(String labels, String name) {
        for (String pair : labels.split(",")) {
            if (pair.startsWith(name + "=")) {
                return pair.substring(name.length() + 1);
            }
        }
        return "";
    }

    private static Map<String, Object> imageRow(String repository, String tag, String id,
            String createdAt) {
        Map<String, Object> row = new HashMap<>();
        row.put("Containers", "N/A");
        row.put("CreatedAt", createdAt);
        row.put("CreatedSince", "About an hour ago");
        row.put("Digest", "<none>");
        row.put("ID", id);
        row.put("Repository", repository);
        row.put("SharedSize", "N/A");
        row.put("Size", "1.99MB");
        row.put("Tag", tag);
        row.put("UniqueSize", "N/A");
        row.put("VirtualSize", "1.986MB");
        return row;
    }

    private static String lines(String... lines) {
        return String.join("\n", lines) + "\n";
    }

    @Test
    void theDefaultPsTableAlignsColumnsAsDockerPsDoes() {
        String format = "table {{.ID}}\\t{{.Image}}\\t{{.Command}}\\t{{.RunningFor}}\\t{{.Sta"
                        + "tus}}\\t{{.Ports}}\\t{{.Names}}";
        assertEquals(lines(
                "CONTAINER ID   IMAGE     COMMAND            CREATED             STATUS      "
                + "              PORTS                    NAMES",
                "c4968b9436e1   busybox   \"sleep 100\"        About an hour ago   Up 1 secon"
                + "d (Paused)                               st-paused",
                "a396efe634f3   busybox   \"sleep 100\"        About an hour ago   Up 1 secon"
                + "d                                        st-running",
                "c5344baeff0c   busybox   \"sh -c 'exit 3'\"   About an hour ago   Exited (3)"
                + " 1 second ago                            st-exited",
                "b896ad7f24c4   busybox   \"true\"             About an hour ago   Created   "
                + "                                         st-created",
                "684f07727592   busybox   \"httpd -f -p 80\"   About an hour ago   Up 1 secon"
                + "d               127.0.0.1:8080->80/tcp   httpd"),
                new TableFormat(format, PS_HEADERS).render(PS));
    }

    @Test
    void emptyCellsStillPadToTheColumnWidth() {
        String format = "table {{.ID}}\\t{{.Names}}\\t{{.Ports}}";
        assertEquals(lines(
                "CONTAINER ID   NAMES        PORTS",
                "c4968b9436e1   st-paused    ",
                "a396efe634f3   st-running   ",
                "c5344baeff0c   st-exited    ",
                "b896ad7f24c4   st-created   ",
                "684f07727592   httpd        127.0.0.1:8080->80/tcp"),
                new TableFormat(format, PS_HEADERS).render(PS));
    }

    @Test
    void aFormatWithoutTablePrintsOneLinePerRowWithRealTabs() {
        String format = "{{.Names}}\\t{{.Status}}";
        assertEquals(lines(
                "st-paused\tUp 1 second (Paused)",
                "st-running\tUp 1 second",
                "st-exited\tExited (3) 1 second ago",
                "st-created\tCreated",
                "httpd\tUp 1 second"),
                new TableFormat(format, PS_HEADERS).render(PS));
    }

    @Test
    void headerCellsIgnoreDockersFunctionsButRowsApplyThem() {
        String format = "table {{upper .Names}}\\t{{pad .Image 1 1}}\\t{{truncate .ID 4}}:{{j"
                        + "son .State}}";
        assertEquals(lines(
                "NAMES         IMAGE      CONTAINER ID:STATE",
                "ST-PAUSED     busybox    c496:\"paused\"",
                "ST-RUNNING    busybox    a396:\"running\"",
                "ST-EXITED     busybox    c534:\"exited\"",
                "ST-CREATED    busybox    b896:\"created\"",
                "HTTPD         busybox    684f:\"running\""),
                new TableFormat(format, PS_HEADERS).render(PS));
    }

    @Test
    void aNewlineInTheFormatStartsAnAlignmentBlockOfItsOwn() {
        String format = "table  {{.Names}}\\n{{.Status}}\\t{{.State}}";
        assertEquals(lines(
                "NAMES",
                "STATUS    STATE",
                "st-paused",
                "Up 1 second (Paused)   paused",
                "st-running",
                "Up 1 second   running",
                "st-exited",
                "Exited (3) 1 second ago   exited",
                "st-created",
                "Created   created",
                "httpd",
                "Up 1 second   running"),
                new TableFormat(format, PS_HEADERS).render(PS));
    }

    @Test
    void theLabelMethodTitlesItsColumnWithTheLastPartOfTheName() {
        String format = "table {{.ID}}\\t{{.Label \"com.example.team\"}}\\t{{.State}}";
        assertEquals(lines(
                "CONTAINER ID   team      STATE",
                "c4968b9436e1             paused",
                "a396efe634f3             running",
                "c5344baeff0c             exited",
                "b896ad7f24c4             created",
                "684f07727592   web       running"),
                new TableFormat(format, PS_HEADERS).render(PS));
    }

    @Test
    void builtinFunctionsRunInTheHeaderToo() {
        String format = "table {{.Names}}\\t{{printf \"%-5.3s|\" .State}}\\t{{if eq .State \""
                        + "running\"}}up{{else}}down{{end}}";
        assertEquals(lines(
                "NAMES        STA  |    down",
                "st-paused    pau  |    down",
                "st-running   run  |    up",
                "st-exited    exi  |    down",
                "st-created   cre  |    down",
                "httpd        run  |    up"),
                new TableFormat(format, PS_HEADERS).render(PS));
    }

    @Test
    void anEmptyColumnKeepsTheMinimumWidth() {
        String format = "table {{.Names}}\\t\\t{{.State}}\\t";
        assertEquals(lines(
                "NAMES                  STATE     ",
                "st-paused              paused    ",
                "st-running             running   ",
                "st-exited              exited    ",
                "st-created             created   ",
                "httpd                  running   "),
                new TableFormat(format, PS_HEADERS).render(PS));
    }

    @Test
    void theDefaultImagesTableAlignsColumnsAsDockerImagesDoes() {
        String format = "table {{.Repository}}\\t{{.Tag}}\\t{{.ID}}\\t{{.CreatedSince}}\\t{{."
                        + "Size}}";
        assertEquals(lines(
                "REPOSITORY        TAG       IMAGE ID       CREATED             SIZE",
                "anchor/imported   v1        c58c286abea5   About an hour ago   1.99MB",
                "busybox           latest    98deae4ed9b5   About an hour ago   1.99MB"),
                new TableFormat(format, IMAGE_HEADERS).render(IMAGES));
    }

    @Test
    void textAroundFieldsCountsInTheCellWidth() {
        String format = "table {{.Repository}}:{{.Tag}}\\t{{.Size}}";
        assertEquals(lines(
                "REPOSITORY:TAG       SIZE",
                "anchor/imported:v1   1.99MB",
                "busybox:latest       1.99MB"),
                new TableFormat(format, IMAGE_HEADERS).render(IMAGES));
    }

    @Test
    void aPlainImagesFormatPrintsOneLinePerImage() {
        String format = "{{.Repository}}:{{.Tag}}";
        assertEquals(lines(
                "anchor/imported:v1",
                "busybox:latest"),
                new TableFormat(format, IMAGE_HEADERS).render(IMAGES));
    }

    @Test
    void jsonPrintsEachRowWithSortedKeysAndHtmlEscapes() {
        assertEquals(lines(
                "{\"Command\":\"\\\"sleep 100\\\"\",\"CreatedAt\":\"2026-12-04 15:28:46 +0000"
                + " UTC\",\"ID\":\"c4968b9436e1\",\"Image\":\"busybox\",\"Labels\":\"\",\"Local"
                + "Volumes\":\"0\",\"Mounts\":\"\",\"Names\":\"st-paused\",\"Networks\":\"bridg"
                + "e\",\"Platform\":null,\"Ports\":\"\",\"RunningFor\":\"About an hour ago\",\""
                + "Size\":\"0B\",\"State\":\"paused\",\"Status\":\"Up 1 second (Paused)\"}",
                "{\"Command\":\"\\\"sleep 100\\\"\",\"CreatedAt\":\"2026-12-04 15:28:46 +0000"
                + " UTC\",\"ID\":\"a396efe634f3\",\"Image\":\"busybox\",\"Labels\":\"\",\"Local"
                + "Volumes\":\"0\",\"Mounts\":\"\",\"Names\":\"st-running\",\"Networks\":\"brid"
                + "ge\",\"Platform\":null,\"Ports\":\"\",\"RunningFor\":\"About an hour ago\","
                + "\"Size\":\"0B\",\"State\":\"running\",\"Status\":\"Up 1 second\"}",
                "{\"Command\":\"\\\"sh -c 'exit 3'\\\"\",\"CreatedAt\":\"2026-12-04 15:28:46 "
                + "+0000 UTC\",\"ID\":\"c5344baeff0c\",\"Image\":\"busybox\",\"Labels\":\"\",\""
                + "LocalVolumes\":\"0\",\"Mounts\":\"\",\"Names\":\"st-exited\",\"Networks\":\""
                + "bridge\",\"Platform\":null,\"Ports\":\"\",\"RunningFor\":\"About an hour ago"
                + "\",\"Size\":\"0B\",\"State\":\"exited\",\"Status\":\"Exited (3) 1 second ago"
                + "\"}",
                "{\"Command\":\"\\\"true\\\"\",\"CreatedAt\":\"2026-12-04 15:28:46 +0000 UTC"
                + "\",\"ID\":\"b896ad7f24c4\",\"Image\":\"busybox\",\"Labels\":\"\",\"LocalVolu"
                + "mes\":\"0\",\"Mounts\":\"\",\"Names\":\"st-created\",\"Networks\":\"bridge\""
                + ",\"Platform\":null,\"Ports\":\"\",\"RunningFor\":\"About an hour ago\",\"Siz"
                + "e\":\"0B\",\"State\":\"created\",\"Status\":\"Created\"}",
                "{\"Command\":\"\\\"httpd -f -p 80\\\"\",\"CreatedAt\":\"2026-12-04 15:19:31 "
                + "+0000 UTC\",\"ID\":\"684f07727592\",\"Image\":\"busybox\",\"Labels\":\"a=b,c"
                + "om.example.team=web\",\"LocalVolumes\":\"0\",\"Mounts\":\"\",\"Names\":\"htt"
                + "pd\",\"Networks\":\"bridge\",\"Platform\":null,\"Ports\":\"127.0.0.1:8080-\\"
                + "u003e80/tcp\",\"RunningFor\":\"About an hour ago\",\"Size\":\"0B\",\"State\""
                + ":\"running\",\"Status\":\"Up 1 second\"}"),
                new TableFormat("json", PS_HEADERS).render(PS));
    }

    @Test
    void jsonOfDotInACustomFormatIsTheSameEscapedRow() {
        String all = new TableFormat("json", PS_HEADERS).render(PS);
        assertEquals(all, new TableFormat("{{json .}}", PS_HEADERS).render(PS));
    }

    @Test
    void jsonOfOneFieldIsNotHtmlEscaped() {
        String out = new TableFormat("{{json .Ports}}", PS_HEADERS).render(PS.subList(4, 5));
        assertEquals("\"127.0.0.1:8080->80/tcp\"\n", out);
    }

    @Test
    void jsonImagesKeepDockersKeyOrderWhateverTheRowMapOrder() {
        List<Map<String, Object>> reversed = new ArrayList<>();
        for (Map<String, Object> row : IMAGES) {
            List<String> keys = new ArrayList<>(row.keySet());
            Collections.reverse(keys);
            Map<String, Object> copy = new LinkedHashMap<>();
            keys.forEach(k -> copy.put(k, row.get(k)));
            reversed.add(copy);
        }
        assertEquals(lines(
                "{\"Containers\":\"N/A\",\"CreatedAt\":\"2026-12-04 15:19:19 +0000 UTC\",\"Cr"
                + "eatedSince\":\"About an hour ago\",\"Digest\":\"\\u003cnone\\u003e\",\"ID\":"
                + "\"c58c286abea5\",\"Repository\":\"anchor/imported\",\"SharedSize\":\"N/A\","
                + "\"Size\":\"1.99MB\",\"Tag\":\"v1\",\"UniqueSize\":\"N/A\",\"VirtualSize\":\""
                + "1.986MB\"}",
                "{\"Containers\":\"N/A\",\"CreatedAt\":\"2026-12-04 15:17:21 +0000 UTC\",\"Cr"
                + "eatedSince\":\"About an hour ago\",\"Digest\":\"\\u003cnone\\u003e\",\"ID\":"
                + "\"98deae4ed9b5\",\"Repository\":\"busybox\",\"SharedSize\":\"N/A\",\"Size\":"
                + "\"1.99MB\",\"Tag\":\"latest\",\"UniqueSize\":\"N/A\",\"VirtualSize\":\"1.986"
                + "MB\"}"),
                new TableFormat("json", IMAGE_HEADERS).render(reversed));
    }

    @Test
    void aTableWithNoRowsIsItsHeaderAlone() {
        assertEquals("CONTAINER ID   NAMES\n",
                new TableFormat("table {{.ID}}\\t{{.Names}}", PS_HEADERS).render(List.of()));
    }

    @Test
    void onlyATablePrefixMakesATable() {
        assertTrue(new TableFormat("table {{.ID}}", PS_HEADERS).isTable());
        assertFalse(new TableFormat("{{.ID}}", PS_HEADERS).isTable());
        assertFalse(new TableFormat("json", PS_HEADERS).isTable());
    }

    @Test
    void aNonTableFormatWithNoRowsPrintsNothing() {
        assertEquals("", new TableFormat("{{.ID}}", PS_HEADERS).render(List.of()));
    }

    @Test
    void aSyntaxErrorSurfacesWhenTheFormatIsMade() {
        TemplateException e = assertThrows(TemplateException.class,
                () -> new TableFormat("table {{.ID}", PS_HEADERS));
        assertEquals("failed to parse template: template: :1: bad character U+007D '}'",
                e.getMessage());
    }

    @Test
    void wideCharactersCountOnceEachInTheColumnWidth() {
        List<Map<String, String>> rows = List.of(Map.of("Names", "café", "State", "up"));
        assertEquals(lines("NAMES     STATE", "café      up"),
                new TableFormat("table {{.Names}}\\t{{.State}}", PS_HEADERS).render(rows));
    }
}
