package io.berth.convert;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A user string as docker takes it ({@code name}, {@code uid}, {@code name:group},
 * {@code uid:gid}) resolved against the container's own /etc/passwd and /etc/group.
 */
public record ResolvedUser(long uid, long gid, String home, List<Long> additionalGids) {

    private static final String DEFAULT_HOME = "/";

    /**
     * Resolves {@code user} ("" or null means root) with the contents of the rootfs's
     * /etc/passwd and /etc/group (either may be empty when the image has none).
     */
    public static ResolvedUser resolve(String user, String passwd, String group) {
        String spec = user == null || user.isEmpty() ? "0" : user;
        int colon = spec.indexOf(':');
        String userPart = colon < 0 ? spec : spec.substring(0, colon);
        String groupPart = colon < 0 ? null : spec.substring(colon + 1);

        Optional<String[]> entry = findPasswd(passwd, userPart);
        long uid = entry.map(e -> parseId(e[2], "uid", user)).orElseGet(() -> numeric(userPart,
                "unable to find user " + userPart + ": no matching entries in passwd file"));
        String name = entry.map(e -> e[0]).orElse(null);
        String home = entry.map(e -> e[5]).orElse(uid == 0 ? "/root" : DEFAULT_HOME);

        long gid = groupPart != null ? resolveGroup(group, groupPart)
                : entry.map(e -> parseId(e[3], "gid", user)).orElse(uid == 0 ? 0L : uid);
        List<Long> extra = groupPart == null && name != null
                ? supplementaryGroups(group, name, gid) : List.of();
        return new ResolvedUser(uid, gid, home, extra);
    }

    /**
     * This user with docker's --group-add groups joined on top of its own supplementary ones:
     * a name is looked up in the container's /etc/group, a number is taken as it is.
     */
    public ResolvedUser withGroups(List<String> groupAdd, String group) {
        if (groupAdd == null || groupAdd.isEmpty()) {
            return this;
        }
        List<Long> gids = new ArrayList<>(additionalGids);
        for (String name : groupAdd) {
            gids.add(resolveGroup(group, name));
        }
        return new ResolvedUser(uid, gid, home, List.copyOf(gids));
    }

    private static Optional<String[]> findPasswd(String passwd, String userPart) {
        for (String line : lines(passwd)) {
            String[] f = line.split(":", -1);
            if (f.length >= 7 && (f[0].equals(userPart) || f[2].equals(userPart))) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    private static long resolveGroup(String group, String groupPart) {
        for (String line : lines(group)) {
            String[] f = line.split(":", -1);
            if (f.length >= 3 && (f[0].equals(groupPart) || f[2].equals(groupPart))) {
                return parseId(f[2], "gid", groupPart);
            }
        }
        return numeric(groupPart,
                "unable to find group " + groupPart + ": no matching entries in group file");
    }

    private static List<Long> supplementaryGroups(String group, String name, long primary) {
        List<Long> gids = new ArrayList<>();
        for (String line : lines(group)) {
            String[] f = line.split(":", -1);
            if (f.length >= 4 && List.of(f[3].split(",")).contains(name)) {
                long gid = parseId(f[2], "gid", f[0]);
                if (gid != primary && !gids.contains(gid)) {
                    gids.add(gid);
                }
            }
        }
        return gids;
    }

    private static List<String> lines(String file) {
        return file == null ? List.of() : file.lines()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
    }

    private static long numeric(String value, String error) {
        if (!value.chars().allMatch(Character::isDigit) || value.isEmpty()) {
            throw new InvalidRequestException(error);
        }
        return parseId(value, "id", value);
    }

    private static long parseId(String value, String what, String context) {
        try {
            long id = Long.parseLong(value);
            if (id < 0 || id > 0xFFFFFFFEL) {
                throw new NumberFormatException();
            }
            return id;
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("invalid " + what + " " + value + " for " + context);
        }
    }
}
