package io.berth.anatomy;

/**
 * One namespace of a process beside the host's of the same kind.
 *
 * @param kind the name of the link in /proc/PID/ns: net, pid_for_children, ...
 * @param inode the namespace's inode number, as in "net:[4026531840]"
 * @param hostInode the host's namespace of that kind, 0 when it could not be read
 * @param shared whether the process shares the host's namespace of that kind
 */
public record NamespaceRow(String kind, long inode, long hostInode, boolean shared) {

    /** "shared", "isolated", or "unknown" when the host's namespace could not be read. */
    public String state() {
        return hostInode == 0 ? "unknown" : shared ? "shared" : "isolated";
    }
}
