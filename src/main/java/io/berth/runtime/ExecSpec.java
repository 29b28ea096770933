package io.berth.runtime;

import io.berth.spec.Spec;
import java.nio.file.Path;
import java.util.List;

/**
 * A process to run in a running container, as {@code docker exec [-i -t -e -w -u -d]} asks.
 * A null field takes the container's own value from its config.json.
 *
 * @param args the command and its arguments; argv[0] is looked up in the PATH of env
 * @param env the whole environment (the engine merges the container's with -e); null: the
 *     container's
 * @param cwd the working directory inside the container; null: the container's
 * @param uid the user; null: the container's user (uid, gid, groups and umask)
 * @param gid the group; null with a uid: the uid's number
 * @param additionalGids supplementary groups; null with a uid: none
 * @param tty whether the process gets a pty of the container's devpts as its stdio
 * @param rows the pty's initial rows (0: the kernel's default)
 * @param columns the pty's initial columns (0: the kernel's default)
 * @param stdinOpen whether stdin is fed from {@link Attachment#stdin()}; else /dev/null
 * @param capabilities the capability sets; null: the container's
 * @param noNewPrivs whether no_new_privs is set; null: the container's
 * @param detach whether nobody attaches; the output is then only logged (if logFile is set)
 * @param logFile where the exec's monitor writes its output in the CRI log format; null: none
 */
public record ExecSpec(List<String> args, List<String> env, String cwd, Long uid, Long gid,
        List<Long> additionalGids, boolean tty, int rows, int columns, boolean stdinOpen,
        Spec.Capabilities capabilities, Boolean noNewPrivs, boolean detach, Path logFile) {

    /** The command with every other setting the container's, attached, without stdin or tty. */
    public static ExecSpec of(List<String> args) {
        return new ExecSpec(List.copyOf(args), null, null, null, null, null, false, 0, 0, false,
                null, null, false, null);
    }

    /** This spec as the given user and group (supplementary groups: none). */
    public ExecSpec withUser(long newUid, long newGid) {
        return new ExecSpec(args, env, cwd, newUid, newGid, additionalGids, tty, rows, columns,
                stdinOpen, capabilities, noNewPrivs, detach, logFile);
    }

    /** This spec with stdin fed from the attachment. */
    public ExecSpec withStdin() {
        return new ExecSpec(args, env, cwd, uid, gid, additionalGids, tty, rows, columns, true,
                capabilities, noNewPrivs, detach, logFile);
    }

    /** This spec with a pty of the given size (0 0: the default size). */
    public ExecSpec withTty(int newRows, int newColumns) {
        return new ExecSpec(args, env, cwd, uid, gid, additionalGids, true, newRows, newColumns,
                stdinOpen, capabilities, noNewPrivs, detach, logFile);
    }

    /** This spec with another environment and working directory (null keeps the container's). */
    public ExecSpec withEnvAndCwd(List<String> newEnv, String newCwd) {
        return new ExecSpec(args, newEnv, newCwd, uid, gid, additionalGids, tty, rows, columns,
                stdinOpen, capabilities, noNewPrivs, detach, logFile);
    }

    /** This spec detached: nobody attaches. */
    public ExecSpec detached() {
        return new ExecSpec(args, env, cwd, uid, gid, additionalGids, tty, rows, columns,
                stdinOpen, capabilities, noNewPrivs, true, logFile);
    }

    /** The container's process with this spec's changes: what the exec runs. */
    Spec.Process over(Spec.Process container) {
        Spec.User user = uid == null ? container.user()
                : new Spec.User(uid, gid == null ? uid : gid, null,
                        additionalGids == null ? List.of() : additionalGids);
        return new Spec.Process(tty, tty && rows > 0 && columns > 0
                ? new Spec.ConsoleSize(rows, columns) : null, user, args,
                env == null ? container.env() : env, cwd == null ? container.cwd() : cwd,
                capabilities == null ? container.capabilities() : capabilities,
                container.rlimits(), noNewPrivs == null ? container.noNewPrivileges() : noNewPrivs,
                container.oomScoreAdj());
    }
}
