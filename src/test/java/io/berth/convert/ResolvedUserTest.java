package io.berth.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ResolvedUserTest {
    private static final String PASSWD = """
            root:x:0:0:root:/root:/bin/sh
            www-data:x:33:33:www-data:/var/www:/bin/false
            nobody:x:65534:65534:nobody:/nonexistent:/bin/false
            """;
    private static final String GROUP = """
            root:x:0:
            www-data:x:33:
            web:x:500:www-data,nobody
            nogroup:x:65534:
            """;

    @Test
    void anEmptyUserIsRootWithRootsHome() {
        assertEquals(new ResolvedUser(0, 0, "/root", List.of()),
                ResolvedUser.resolve("", PASSWD, GROUP));
    }

    @Test
    void aNameResolvesThroughPasswdWithItsSupplementaryGroups() {
        assertEquals(new ResolvedUser(33, 33, "/var/www", List.of(500L)),
                ResolvedUser.resolve("www-data", PASSWD, GROUP));
    }

    @Test
    void aUidWithoutAnEntryKeepsItsNumberAsGid() {
        assertEquals(new ResolvedUser(1234, 1234, "/", List.of()),
                ResolvedUser.resolve("1234", PASSWD, GROUP));
    }

    @Test
    void userAndGroupByNameOrNumber() {
        assertEquals(new ResolvedUser(65534, 500, "/nonexistent", List.of()),
                ResolvedUser.resolve("nobody:web", PASSWD, GROUP));
        assertEquals(new ResolvedUser(10, 20, "/", List.of()),
                ResolvedUser.resolve("10:20", PASSWD, GROUP));
    }

    @Test
    void anUnknownNameIsRefusedAsDockerWordsIt() {
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> ResolvedUser.resolve("ghost", PASSWD, GROUP));
        assertEquals("unable to find user ghost: no matching entries in passwd file",
                e.getMessage());
    }

    @Test
    void anUnknownGroupIsRefused() {
        assertThrows(InvalidRequestException.class,
                () -> ResolvedUser.resolve("root:ghosts", PASSWD, GROUP));
    }

    @Test
    void groupAddJoinsNamesAndNumbersAfterTheUsersOwnGroups() {
        assertEquals(new ResolvedUser(33, 33, "/var/www", List.of(500L, 65534L, 4242L)),
                ResolvedUser.resolve("www-data", PASSWD, GROUP)
                        .withGroups(List.of("nogroup", "4242"), GROUP));
        assertEquals(ResolvedUser.resolve("root", PASSWD, GROUP),
                ResolvedUser.resolve("root", PASSWD, GROUP).withGroups(null, GROUP));
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> ResolvedUser.resolve("root", PASSWD, GROUP)
                        .withGroups(List.of("staff"), GROUP));
        assertEquals("unable to find group staff: no matching entries in group file",
                e.getMessage());
    }
}
