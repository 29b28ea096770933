/* The container's process, from clone() to execve(). The shim is single-threaded, so the
 * clone is a plain fork of it and ordinary libc is safe here. Every step fills a shim_err
 * naming the call and the object; the first failure is sent to the monitor and ends us.
 *
 * Until execve, /proc/PID/exe of this process is the sealed memfd copy main() re-executed
 * from, never the host's berth-shim (the CVE-2019-5736 class). */
#define _GNU_SOURCE
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <termios.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static int sync_fd = -1;

/* ---- reporting to the monitor ---- */

/* Sends "<errno>\t<message>", with fd attached (SCM_RIGHTS) when it is not -1. */
static void report_fd(int errnum, const char *msg, int fd)
{
    char buf[SHIM_MSG_MAX + 16];
    int n = snprintf(buf, sizeof(buf), "%d\t%s", errnum, msg);
    if (n > (int) sizeof(buf))
        n = sizeof(buf);
    struct iovec iov = {buf, n};
    union {
        char space[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control = {0};
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
    if (fd >= 0) {
        mh.msg_control = control.space;
        mh.msg_controllen = sizeof(control.space);
        struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &fd, sizeof(int));
    }
    (void) sendmsg(sync_fd, &mh, MSG_NOSIGNAL);
}

static void report(int errnum, const char *msg)
{
    report_fd(errnum, msg, -1);
}

static void die(const struct shim_err *err) __attribute__((noreturn));
static void die(const struct shim_err *err)
{
    report(err->errnum ? err->errnum : EINVAL, err->msg);
    _exit(127);
}

static int await_byte(char expected, struct shim_err *err)
{
    char c;
    ssize_t n;
    do {
        n = recv(sync_fd, &c, 1, 0);
    } while (n < 0 && errno == EINTR);
    if (n < 0)
        return fail(err, errno, "wait for the monitor's '%c'", expected);
    if (n == 0 || c != expected)
        _exit(1); /* the monitor went away: nobody is left to report to */
    return 0;
}

/* Without a monitor (berth-shim oci), `start` is a reader opening exec.fifo: our blocking
 * open for writing returns then. The fifo was opened O_PATH before pivot_root, so it is
 * reached through /proc/self/fd, as runc does; the container needs /proc for this. */
static int await_start(const struct plan *p, struct shim_err *err)
{
    if (p->start_mode == START_NOW)
        return 0;
    if (p->start_mode == START_SOCKET)
        return await_byte('s', err);

    char path[64];
    snprintf(path, sizeof(path), "/proc/self/fd/%d", p->fifo_fd);
    int fd;
    do {
        fd = open(path, O_WRONLY | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0)
        return fail(err, errno, "open exec.fifo through %s", path);
    int rc = write_all(fd, "0", 1) < 0 ? fail(err, errno, "write exec.fifo") : 0;
    close(fd);
    close(p->fifo_fd);
    return rc;
}

/* ---- paths inside the rootfs ---- */

/* Opens path inside root as if root were "/": symlinks and ".." cannot leave it. */
static int open_in_root(int rootfd, const char *path, int flags)
{
    struct open_how how = {
        .flags = flags | O_CLOEXEC,
        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
    };
    while (*path == '/')
        path++;
    if (*path == '\0')
        path = ".";
    return syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
}

/* Creates name in the folder parent (resolved inside root). When name is a dangling symlink,
 * stores its target in link instead and returns 1: the caller continues along it. */
static int create_entry(int rootfd, const char *parent, const char *name, int is_file,
                        char *link, size_t link_len, struct shim_err *err)
{
    int pfd = open_in_root(rootfd, parent, O_PATH | O_DIRECTORY);
    if (pfd < 0)
        return fail(err, errno, "open %s in the rootfs", parent);

    int rc = 0;
    ssize_t n = readlinkat(pfd, name, link, link_len - 1);
    if (n >= 0) {
        link[n] = '\0';
        rc = 1;
    } else if (is_file) {
        int fd = openat(pfd, name, O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd < 0 && errno != EEXIST)
            rc = fail(err, errno, "create file %s/%s in the rootfs", parent, name);
        if (fd >= 0)
            close(fd);
    } else if (mkdirat(pfd, name, 0755) < 0 && errno != EEXIST) {
        rc = fail(err, errno, "mkdir %s/%s in the rootfs", parent, name);
    }
    close(pfd);
    return rc;
}

/* The path that continues along a symlink: its target (relative to the link's folder unless
 * absolute) followed by what was left of the path. Resolution stays in the root regardless. */
static int follow_link(char *path, size_t len, const char *parent, const char *link,
                       const char *rest)
{
    char next[4096];
    int n = link[0] == '/' ? snprintf(next, sizeof(next), "%s%s", link, rest)
                           : snprintf(next, sizeof(next), "%s/%s%s", parent, link, rest);
    if (n >= (int) sizeof(next) || (size_t) n >= len)
        return -1;
    memcpy(path, next, n + 1);
    return 0;
}

/* Makes every missing component of one path inside root. Returns 0 when made, 1 when it went
 * along a dangling symlink and rewrote buf, -1 on failure. */
static int make_components(int rootfd, char *buf, size_t len, int is_file, struct shim_err *err)
{
    char link[4096];
    for (char *p = buf + 1; ; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char saved = *p;
        *p = '\0';
        char *slash = strrchr(buf, '/');
        *slash = '\0';
        int last = saved == '\0';
        const char *parent = buf[0] ? buf : "/";
        int rc = create_entry(rootfd, parent, slash + 1, last && is_file, link, sizeof(link),
                              err);
        *slash = '/';
        *p = saved;
        if (rc == 1) {
            char rest[4096], dir[4096];
            snprintf(rest, sizeof(rest), "%s", p);
            snprintf(dir, sizeof(dir), "%.*s", (int) (slash - buf), buf);
            if (follow_link(buf, len, dir[0] ? dir : "", link, rest) < 0)
                return fail(err, ENAMETOOLONG, "follow symlink %s", link);
            return 1;
        }
        if (rc < 0 || last)
            return rc;
    }
}

/* Makes every missing component of path inside root (the last one a file when is_file),
 * following symlinks as the kernel would but never out of root, and returns an O_PATH
 * descriptor of it. */
static int make_in_root(int rootfd, const char *path, int is_file, struct shim_err *err)
{
    char buf[4096];
    if (snprintf(buf, sizeof(buf), "%s", path) >= (int) sizeof(buf))
        return fail(err, ENAMETOOLONG, "path %s", path);

    for (int hops = 0; hops < 40; hops++) {
        int fd = open_in_root(rootfd, buf, O_PATH);
        if (fd >= 0)
            return fd;
        if (errno != ENOENT)
            return fail(err, errno, "open %s in the rootfs", path);
        if (buf[0] != '/')
            return fail(err, EINVAL, "path %s is not absolute", buf);
        int rc = make_components(rootfd, buf, sizeof(buf), is_file, err);
        if (rc < 0)
            return -1;
    }
    return fail(err, ELOOP, "make %s in the rootfs", path);
}

static void fd_path(int fd, char *buf, size_t len)
{
    snprintf(buf, len, "/proc/self/fd/%d", fd);
}

/* ---- mounts ---- */

/* Flags a bind remount must keep: the kernel refuses to clear them in a user namespace. */
static unsigned long locked_flags(const char *path)
{
    struct statvfs sv;
    if (statvfs(path, &sv) < 0)
        return 0;
    unsigned long flags = 0;
    if (sv.f_flag & ST_NOSUID)
        flags |= MS_NOSUID;
    if (sv.f_flag & ST_NODEV)
        flags |= MS_NODEV;
    if (sv.f_flag & ST_NOEXEC)
        flags |= MS_NOEXEC;
    return flags;
}

static int bind_remount(const char *target, const char *shown, unsigned long flags,
                        struct shim_err *err)
{
    unsigned long f = MS_BIND | MS_REMOUNT | (flags & ~(MS_BIND | MS_REC)) | locked_flags(target);
    if (mount(NULL, target, NULL, f, NULL) < 0)
        return fail(err, errno, "remount %s with flags 0x%lx", shown, f);
    return 0;
}

static int mount_bind(const struct plan_mount *m, const char *target, struct shim_err *err)
{
    if (mount(m->src, target, NULL, MS_BIND | (m->flags & MS_REC), NULL) < 0)
        return fail(err, errno, "bind mount %s on %s", m->src, m->dst);
    return 0;
}

static int mount_fs(const struct plan_mount *m, const char *target, struct shim_err *err)
{
    const char *data = m->data[0] ? m->data : NULL;
    if (mount(m->src, target, m->type, m->flags, data) == 0)
        return 0;

    /* sysfs belongs to the network namespace's owner; without one of our own, a user
     * namespace may only see the host's through a bind. */
    if (errno == EPERM && !strcmp(m->type, "sysfs")) {
        if (mount("/sys", target, NULL, MS_BIND | MS_REC, NULL) == 0)
            return bind_remount(target, m->dst, m->flags | MS_RDONLY, err);
    }
    return fail(err, errno, "mount %s on %s", m->type[0] ? m->type : m->src, m->dst);
}

static int do_mount(int rootfd, const struct plan_mount *m, struct shim_err *err)
{
    int fd = make_in_root(rootfd, m->dst, m->is_file, err);
    if (fd < 0)
        return -1;

    char target[64];
    fd_path(fd, target, sizeof(target));
    int rc;
    if (m->flags & MS_REMOUNT)
        rc = mount(NULL, target, NULL, m->flags, m->data[0] ? m->data : NULL) < 0
             ? fail(err, errno, "remount %s", m->dst) : 0;
    else if (m->is_bind)
        rc = mount_bind(m, target, err);
    else
        rc = mount_fs(m, target, err);
    close(fd);
    int remount = m->is_bind && !(m->flags & MS_REMOUNT) && (m->flags & ~(MS_BIND | MS_REC));
    if (rc < 0 || (!remount && m->propagation == 0))
        return rc;

    /* The new mount covers the old descriptor's file: reopen to reach the mount itself. */
    fd = open_in_root(rootfd, m->dst, O_PATH);
    if (fd < 0)
        return fail(err, errno, "open %s in the rootfs", m->dst);
    fd_path(fd, target, sizeof(target));
    rc = remount ? bind_remount(target, m->dst, m->flags, err) : 0;
    if (rc == 0 && m->propagation && mount(NULL, target, NULL, m->propagation, NULL) < 0)
        rc = fail(err, errno, "set propagation 0x%lx of %s", m->propagation, m->dst);
    close(fd);
    return rc;
}

/* ---- devices ---- */

static mode_t device_kind(char type)
{
    switch (type) {
    case 'b':
        return S_IFBLK;
    case 'p':
        return S_IFIFO;
    default:
        return S_IFCHR;
    }
}

/* In a user namespace mknod fails with EPERM; the host's node bound over a file serves. */
static int bind_host_device(int rootfd, const struct plan_device *d, struct shim_err *err)
{
    int fd = make_in_root(rootfd, d->path, 1, err);
    if (fd < 0)
        return -1;
    char target[64];
    fd_path(fd, target, sizeof(target));
    int rc = mount(d->host_path, target, NULL, MS_BIND, NULL) < 0
             ? fail(err, errno, "bind mount device %s on %s", d->host_path, d->path) : 0;
    close(fd);
    return rc;
}

static int split_parent(const char *path, char *parent, size_t len, const char **name)
{
    if (snprintf(parent, len, "%s", path) >= (int) len)
        return -1;
    char *slash = strrchr(parent, '/');
    if (slash == NULL)
        return -1;
    *name = path + (slash - parent) + 1;
    if (slash == parent)
        slash[1] = '\0';
    else
        *slash = '\0';
    return 0;
}

static int make_device(int rootfd, const struct plan_device *d, struct shim_err *err)
{
    char parent[4096];
    const char *name;
    if (split_parent(d->path, parent, sizeof(parent), &name) < 0)
        return fail(err, EINVAL, "device path %s", d->path);

    int pfd = make_in_root(rootfd, parent, 0, err);
    if (pfd < 0)
        return -1;
    close(pfd);
    pfd = open_in_root(rootfd, parent, O_DIRECTORY | O_RDONLY);
    if (pfd < 0)
        return fail(err, errno, "open %s in the rootfs", parent);

    dev_t dev = makedev(d->major, d->minor);
    mode_t mode = device_kind(d->type) | (d->mode & 07777);
    int rc = mknodat(pfd, name, mode, dev);
    if (rc < 0 && errno == EEXIST) {
        unlinkat(pfd, name, 0);
        rc = mknodat(pfd, name, mode, dev);
    }
    if (rc < 0 && errno == EPERM) {
        close(pfd);
        return bind_host_device(rootfd, d, err);
    }
    if (rc < 0) {
        rc = fail(err, errno, "mknod %s", d->path);
    } else if (fchmodat(pfd, name, d->mode & 07777, 0) < 0) {
        rc = fail(err, errno, "chmod %s", d->path);
    } else if (fchownat(pfd, name, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0) {
        rc = fail(err, errno, "chown %s to %ld:%ld", d->path, d->uid, d->gid);
    }
    close(pfd);
    return rc;
}

static int make_symlink(int rootfd, const struct plan_kv *link, struct shim_err *err)
{
    char parent[4096];
    const char *name;
    if (split_parent(link->key, parent, sizeof(parent), &name) < 0)
        return fail(err, EINVAL, "symlink path %s", link->key);

    int pfd = make_in_root(rootfd, parent, 0, err);
    if (pfd < 0)
        return -1;
    close(pfd);
    pfd = open_in_root(rootfd, parent, O_DIRECTORY | O_RDONLY);
    if (pfd < 0)
        return fail(err, errno, "open %s in the rootfs", parent);
    int rc = 0;
    if (symlinkat(link->value, pfd, name) < 0 && errno != EEXIST)
        rc = fail(err, errno, "symlink %s -> %s", link->key, link->value);
    close(pfd);
    return rc;
}

/* ---- createContainer and startContainer hooks ---- */

/* Java wrote the state documents once it knew our host pid (before go); they are read while
 * the state folder is still our working directory, before pivot_root hides it. */
static int read_hook_states(struct plan *p, struct shim_err *err)
{
    const char *names[2] = {"hook-state-create", "hook-state-start"};
    for (int i = 0; i < 2 && p->nhooks > 0; i++) {
        int fd = open(names[i], O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return fail(err, errno, "open %s", names[i]);
        char *text = calloc(1, 8192);
        ssize_t n = text ? read(fd, text, 8191) : -1;
        int e = errno;
        close(fd);
        if (n < 0)
            return fail(err, text ? e : ENOMEM, "read %s", names[i]);
        p->hook_state[i] = text;
    }
    return 0;
}

static void exec_hook(const struct plan_hook *h, int in) __attribute__((noreturn));
static void exec_hook(const struct plan_hook *h, int in)
{
    int null = open("/dev/null", O_WRONLY);
    dup2(in, STDIN_FILENO);
    if (null >= 0) {
        dup2(null, STDOUT_FILENO);
        dup2(null, STDERR_FILENO);
    }
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    execve(h->path, (char *const *) h->argv, (char *const *) h->env);
    _exit(127);
}

/* Waits for a hook within its timeout; polling keeps us free of signal handlers. */
static int await_hook(const struct plan_hook *h, pid_t pid, const char *phase,
                      struct shim_err *err)
{
    int status;
    for (long waited_ms = 0; ; waited_ms += 10) {
        pid_t done = waitpid(pid, &status, WNOHANG);
        if (done == pid)
            break;
        if (done < 0 && errno != EINTR)
            return fail(err, errno, "wait for the %s hook %s", phase, h->path);
        if (h->timeout > 0 && waited_ms >= h->timeout * 1000L) {
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
            return fail(err, ETIMEDOUT, "%s hook %s: timed out after %ds", phase, h->path,
                        h->timeout);
        }
        struct timespec tick = {0, 10 * 1000 * 1000};
        nanosleep(&tick, NULL);
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    return fail(err, ECANCELED, "%s hook %s: exited with %d", phase, h->path,
                WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

/* Runs the hooks of one phase in order, each with the state document on its stdin. */
static int run_hooks(const struct plan *p, char phase, struct shim_err *err)
{
    const char *name = phase == 'c' ? "createContainer" : "startContainer";
    const char *state = p->hook_state[phase == 'c' ? 0 : 1];
    for (int i = 0; i < p->nhooks; i++) {
        const struct plan_hook *h = &p->hooks[i];
        if (h->phase != phase)
            continue;
        int in[2];
        if (pipe2(in, O_CLOEXEC) < 0)
            return fail(err, errno, "pipe for the %s hook %s", name, h->path);
        pid_t pid = fork();
        if (pid < 0)
            return fail(err, errno, "fork the %s hook %s", name, h->path);
        if (pid == 0)
            exec_hook(h, in[0]);
        close(in[0]);
        /* A hook that does not read its stdin must not kill us with SIGPIPE. */
        signal(SIGPIPE, SIG_IGN);
        write_all(in[1], state, strlen(state));
        signal(SIGPIPE, SIG_DFL);
        close(in[1]);
        if (await_hook(h, pid, name, err) < 0)
            return -1;
    }
    return 0;
}

/* ---- the root ---- */

static int pivot(const char *root, struct shim_err *err)
{
    int oldroot = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
    if (oldroot < 0)
        return fail(err, errno, "open /");
    int newroot = open(root, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
    if (newroot < 0)
        return fail(err, errno, "open %s", root);

    /* pivot_root(".", ".") stacks the old root under the new one, so no put_old folder has
     * to exist in the image. */
    if (fchdir(newroot) < 0)
        return fail(err, errno, "chdir %s", root);
    if (syscall(SYS_pivot_root, ".", ".") < 0)
        return fail(err, errno, "pivot_root %s", root);
    if (fchdir(oldroot) < 0)
        return fail(err, errno, "chdir to the old root");
    /* Unmounting must not propagate back to the host's mounts. */
    if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
        return fail(err, errno, "make the old root rslave");
    if (umount2(".", MNT_DETACH) < 0)
        return fail(err, errno, "detach the old root");
    if (chdir("/") < 0)
        return fail(err, errno, "chdir /");
    close(oldroot);
    close(newroot);
    return 0;
}

static int mask_path(const char *path, struct shim_err *err)
{
    struct stat st;
    if (stat(path, &st) < 0)
        return errno == ENOENT ? 0 : fail(err, errno, "stat masked path %s", path);
    int rc = S_ISDIR(st.st_mode) ? mount("tmpfs", path, "tmpfs", MS_RDONLY, NULL)
                                 : mount("/dev/null", path, NULL, MS_BIND, NULL);
    return rc < 0 ? fail(err, errno, "mask %s", path) : 0;
}

static int readonly_path(const char *path, struct shim_err *err)
{
    if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0)
        return errno == ENOENT ? 0 : fail(err, errno, "bind mount %s read-only", path);
    return bind_remount(path, path, MS_RDONLY, err);
}

static int setup_rootfs(const struct plan *p, struct shim_err *err)
{
    /* Our mounts must not reach the host, and the host's later ones may reach us. */
    if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
        return fail(err, errno, "make / rslave");
    if (mount(p->root, p->root, NULL, MS_BIND | MS_REC, NULL) < 0)
        return fail(err, errno, "bind mount the rootfs %s on itself", p->root);

    int rootfd = open(p->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return fail(err, errno, "open rootfs %s", p->root);
    for (int i = 0; i < p->nmounts; i++)
        if (do_mount(rootfd, &p->mounts[i], err) < 0)
            return -1;
    for (int i = 0; i < p->ndevices; i++)
        if (make_device(rootfd, &p->devices[i], err) < 0)
            return -1;
    for (int i = 0; i < p->nsymlinks; i++)
        if (make_symlink(rootfd, &p->symlinks[i], err) < 0)
            return -1;
    close(rootfd);
    /* createContainer: in our namespaces with the mounts made, before pivot_root, so the
     * hook's path is still the runtime's. */
    if (run_hooks(p, 'c', err) < 0)
        return -1;
    return pivot(p->root, err);
}

static int write_sysctls(const struct plan *p, struct shim_err *err)
{
    for (int i = 0; i < p->nsysctls; i++) {
        char path[512];
        snprintf(path, sizeof(path), "/proc/sys/%s", p->sysctls[i].key);
        for (char *c = path + strlen("/proc/sys/"); *c; c++)
            if (*c == '.')
                *c = '/';
        if (write_file(path, p->sysctls[i].value, err) < 0)
            return -1;
    }
    return 0;
}

static int finish_rootfs(const struct plan *p, struct shim_err *err)
{
    for (int i = 0; i < p->nreadonly; i++)
        if (readonly_path(p->readonly[i], err) < 0)
            return -1;
    for (int i = 0; i < p->nmasked; i++)
        if (mask_path(p->masked[i], err) < 0)
            return -1;
    if (p->root_readonly && bind_remount("/", "/", MS_RDONLY, err) < 0)
        return -1;
    if (p->root_propagation && mount(NULL, "/", NULL, p->root_propagation, NULL) < 0)
        return fail(err, errno, "set rootfs propagation 0x%lx", p->root_propagation);
    return 0;
}

/* ---- namespaces ---- */

static int join_namespace(const struct plan_ns *ns, struct shim_err *err)
{
    int fd = open(ns->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return fail(err, errno, "open namespace %s", ns->path);
    int rc = setns(fd, ns->type) < 0 ? fail(err, errno, "setns %s", ns->path) : 0;
    close(fd);
    return rc;
}

static int setns_in_order(const struct plan *p, const int *fds, struct shim_err *err)
{
    /* The user namespace first: it grants the rights to join the others. The pid namespace
     * was joined by the monitor before the clone. */
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < p->njoins; i++) {
            int t = p->joins[i].type;
            if (t == CLONE_NEWPID || (t == CLONE_NEWUSER) != (pass == 0))
                continue;
            if (setns(fds[i], t) < 0)
                return fail(err, errno, "setns %s", p->joins[i].path);
        }
    }
    return 0;
}

static int join_namespaces(const struct plan *p, struct shim_err *err)
{
    /* Every path is opened before the first setns: once in another mount namespace, a path
     * such as /proc/PID/ns/net would be looked up in that namespace's /proc. */
    int fds[16];
    int n = p->njoins < 16 ? p->njoins : 16;
    int rc = 0;
    for (int i = 0; i < n; i++) {
        fds[i] = open(p->joins[i].path, O_RDONLY | O_CLOEXEC);
        if (fds[i] < 0) {
            rc = fail(err, errno, "open namespace %s", p->joins[i].path);
            n = i;
            break;
        }
    }
    if (rc == 0)
        rc = setns_in_order(p, fds, err);
    for (int i = 0; i < n; i++)
        close(fds[i]);
    return rc;
}

static int enter_time_namespace(const struct plan *p, struct shim_err *err)
{
    if (unshare(CLONE_NEWTIME) < 0)
        return fail(err, errno, "unshare the time namespace");

    char offsets[128];
    snprintf(offsets, sizeof(offsets), "monotonic %lld %lld\nboottime %lld %lld\n",
             (long long) p->mono_secs, (long long) p->mono_nanos,
             (long long) p->boot_secs, (long long) p->boot_nanos);
    if (write_file("/proc/self/timens_offsets", offsets, err) < 0)
        return -1;

    /* unshare only moves our future children; setns moves ourselves, before exec. */
    struct plan_ns ns = {CLONE_NEWTIME, "/proc/self/ns/time_for_children"};
    return join_namespace(&ns, err);
}

static int loopback_up(struct shim_err *err)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return fail(err, errno, "socket for loopback");
    struct ifreq ifr = {0};
    strcpy(ifr.ifr_name, "lo");
    int rc = 0;
    if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) {
        rc = fail(err, errno, "get flags of lo");
    } else {
        ifr.ifr_flags |= IFF_UP;
        if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
            rc = fail(err, errno, "bring lo up");
    }
    close(fd);
    return rc;
}

static int set_names(const struct plan *p, struct shim_err *err)
{
    if (p->hostname && sethostname(p->hostname, strlen(p->hostname)) < 0)
        return fail(err, errno, "sethostname %s", p->hostname);
    if (p->domainname && setdomainname(p->domainname, strlen(p->domainname)) < 0)
        return fail(err, errno, "setdomainname %s", p->domainname);
    return 0;
}

/* ---- the process ---- */

static int set_rlimits(const struct plan *p, struct shim_err *err)
{
    for (int i = 0; i < p->nrlimits; i++) {
        struct rlimit rl = {p->rlimits[i].soft, p->rlimits[i].hard};
        if (setrlimit(p->rlimits[i].resource, &rl) < 0)
            return fail(err, errno, "setrlimit %d to %llu/%llu", p->rlimits[i].resource,
                        (unsigned long long) rl.rlim_cur, (unsigned long long) rl.rlim_max);
    }
    return 0;
}

static int set_oom_score(const struct plan *p, struct shim_err *err)
{
    if (!p->has_oom_score_adj)
        return 0;
    char value[32];
    snprintf(value, sizeof(value), "%d", p->oom_score_adj);
    return write_file("/proc/self/oom_score_adj", value, err);
}

static int drop_bounding(uint64_t keep, struct shim_err *err)
{
    for (int cap = 0; cap < 64; cap++) {
        if (keep & (1ULL << cap))
            continue;
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) {
            if (errno == EINVAL)
                break; /* past the kernel's last capability */
            return fail(err, errno, "drop capability %d from the bounding set", cap);
        }
    }
    return 0;
}

static int set_capabilities(const struct plan *p, struct shim_err *err)
{
    struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[2] = {
        {(uint32_t) p->cap_effective, (uint32_t) p->cap_permitted,
         (uint32_t) p->cap_inheritable},
        {(uint32_t) (p->cap_effective >> 32), (uint32_t) (p->cap_permitted >> 32),
         (uint32_t) (p->cap_inheritable >> 32)},
    };
    if (syscall(SYS_capset, &hdr, data) < 0)
        return fail(err, errno, "capset effective 0x%llx permitted 0x%llx",
                    (unsigned long long) p->cap_effective,
                    (unsigned long long) p->cap_permitted);
    for (int cap = 0; cap < 64; cap++) {
        if (!(p->cap_ambient & (1ULL << cap)))
            continue;
        if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
            return fail(err, errno, "raise ambient capability %d", cap);
    }
    return 0;
}

/* The filter confines every later syscall, so it goes in as late as it can: right before
 * execve. Without no_new_privs the kernel wants CAP_SYS_ADMIN for it, which the process loses
 * with its user and capabilities; then it goes in before those change, and the profile must
 * allow the few calls between (setgroups, setresuid, capset, ...), as Docker's does. */
static int load_seccomp(const struct plan *p, struct shim_err *err)
{
    struct sock_fprog prog = {.len = p->seccomp_len, .filter = p->seccomp_filter};
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, p->seccomp_flags, &prog) < 0)
        return fail(err, errno, "load the seccomp filter (%u instructions)", p->seccomp_len);
    return 0;
}

static int become_user(const struct plan *p, struct shim_err *err)
{
    if (p->seccomp_filter && !p->no_new_privs && load_seccomp(p, err) < 0)
        return -1;
    if (p->has_caps && drop_bounding(p->cap_bounding, err) < 0)
        return -1;
    /* Keep the permitted set across setuid; capset then leaves exactly the planned one. */
    if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
        return fail(err, errno, "prctl PR_SET_KEEPCAPS");
    if (setgroups(p->ngroups, p->groups) < 0)
        return fail(err, errno, "setgroups (%d groups)", p->ngroups);
    if (setresgid(p->gid, p->gid, p->gid) < 0)
        return fail(err, errno, "setgid %u", p->gid);
    if (setresuid(p->uid, p->uid, p->uid) < 0)
        return fail(err, errno, "setuid %u", p->uid);
    if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
        return fail(err, errno, "prctl PR_SET_KEEPCAPS");
    if (p->has_caps && set_capabilities(p, err) < 0)
        return -1;
    if (p->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return fail(err, errno, "prctl PR_SET_NO_NEW_PRIVS");
    return 0;
}

static const char *env_path(const struct plan *p)
{
    for (int i = 0; i < p->nenv; i++)
        if (!strncmp(p->env[i], "PATH=", 5))
            return p->env[i] + 5;
    return DEFAULT_PATH;
}

/* Exec fails with ENOEXEC on anything that is neither ELF nor a script; say so before start. */
static int check_format(const char *path, const char *arg0, struct shim_err *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0; /* executable but unreadable: only execve can tell */
    char magic[4] = {0};
    ssize_t n = read(fd, magic, sizeof(magic));
    close(fd);
    if (n >= 2 && magic[0] == '#' && magic[1] == '!')
        return 0;
    if (n == 4 && !memcmp(magic, "\177ELF", 4))
        return 0;
    return fail(err, ENOEXEC, "exec: \"%s\": exec format error", arg0);
}

static int check_file(const char *path, const char *arg0, struct shim_err *err)
{
    struct stat st;
    if (stat(path, &st) < 0)
        return fail(err, errno, "exec: \"%s\": stat %s: %s", arg0, path, strerror(errno));
    if (S_ISDIR(st.st_mode))
        return fail(err, EACCES, "exec: \"%s\": is a directory", arg0);
    if (!S_ISREG(st.st_mode) || access(path, X_OK) < 0)
        return fail(err, EACCES, "exec: \"%s\": permission denied", arg0);
    return check_format(path, arg0, err);
}

/* Finds argv[0] as the container's shell would: in the container's PATH, as its user. */
static int resolve_argv0(const struct plan *p, char *out, size_t len, struct shim_err *err)
{
    const char *arg0 = p->argv[0];
    if (strchr(arg0, '/')) {
        snprintf(out, len, "%s", arg0);
        return check_file(out, arg0, err);
    }

    const char *dirs = env_path(p);
    while (*dirs) {
        const char *end = strchrnul(dirs, ':');
        int dlen = end - dirs;
        snprintf(out, len, "%.*s/%s", dlen, dlen ? dirs : ".", arg0);
        struct stat st;
        if (stat(out, &st) == 0 && S_ISREG(st.st_mode) && access(out, X_OK) == 0)
            return check_format(out, arg0, err);
        dirs = *end ? end + 1 : end;
    }
    return fail(err, ENOENT, "exec: \"%s\": executable file not found in $PATH", arg0);
}

/* A pty from the container's own devpts becomes our stdio and controlling terminal; its
 * master goes to the monitor with the created report. */
static int open_terminal(const struct plan *p, int *master, struct shim_err *err)
{
    *master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (*master < 0)
        return fail(err, errno, "open /dev/ptmx");
    char name[64];
    if (unlockpt(*master) < 0 || ptsname_r(*master, name, sizeof(name)) != 0)
        return fail(err, errno, "unlock the pty");
    int slave = open(name, O_RDWR | O_NOCTTY);
    if (slave < 0)
        return fail(err, errno, "open %s", name);
    struct winsize ws = {.ws_row = p->rows, .ws_col = p->cols};
    if (p->rows && p->cols && ioctl(slave, TIOCSWINSZ, &ws) < 0)
        return fail(err, errno, "set the size of %s", name);
    if (setsid() < 0)
        return fail(err, errno, "setsid");
    if (ioctl(slave, TIOCSCTTY, 0) < 0)
        return fail(err, errno, "make %s the controlling terminal", name);
    for (int fd = 0; fd < 3; fd++)
        if (dup2(slave, fd) < 0)
            return fail(err, errno, "dup2 %s to %d", name, fd);
    if (slave > 2)
        close(slave);
    return 0;
}

/* Every disposition back to its default: an ignored signal survives exec, and a shell started
 * with SIGINT ignored (an engine started in the background, say) may not even trap it. */
static void reset_signals(void)
{
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    for (int sig = 1; sig < NSIG; sig++) {
        if (sig != SIGKILL && sig != SIGSTOP)
            signal(sig, SIG_DFL);
    }
}

static int prepare(struct plan *p, int *master, struct shim_err *err)
{
    if (read_hook_states(p, err) < 0)
        return -1;
    if (set_oom_score(p, err) < 0 || join_namespaces(p, err) < 0)
        return -1;
    if (p->clone_flags & CLONE_NEWUSER) {
        /* Root of the new user namespace, so the files we make belong to its root. */
        if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
            return fail(err, errno, "become root of the user namespace (is 0 mapped?)");
    }
    if (p->new_cgroupns && unshare(CLONE_NEWCGROUP) < 0)
        return fail(err, errno, "unshare the cgroup namespace");
    if (p->new_timens && enter_time_namespace(p, err) < 0)
        return -1;
    if ((p->clone_flags & CLONE_NEWNS) && setup_rootfs(p, err) < 0)
        return -1;
    trace_mark("container: mounts, devices, pivot_root");
    if (!(p->clone_flags & CLONE_NEWNS) && run_hooks(p, 'c', err) < 0)
        return -1;
    if (p->lo_up && loopback_up(err) < 0)
        return -1;
    if (set_names(p, err) < 0 || write_sysctls(p, err) < 0)
        return -1;
    if ((p->clone_flags & CLONE_NEWNS) && finish_rootfs(p, err) < 0)
        return -1;
    trace_mark("container: lo, names, sysctls, masked and read-only paths");
    if (set_rlimits(p, err) < 0)
        return -1;
    if (p->terminal && open_terminal(p, master, err) < 0)
        return -1;
    if (p->cwd && chdir(p->cwd) < 0)
        return fail(err, errno, "chdir to the working directory %s", p->cwd);
    return become_user(p, err);
}

/* ---- --init: a tiny pid 1 ---- */

/* The command under init: its own process group, the terminal's foreground when there is one
 * (so a shell's job control works), then exec. Failures are reported as for a plain exec. */
static void exec_under_init(struct plan *p, const char *path, const sigset_t *mask)
    __attribute__((noreturn));
static void exec_under_init(struct plan *p, const char *path, const sigset_t *mask)
{
    struct shim_err err = {0};
    setpgid(0, 0);
    if (p->terminal && tcsetpgrp(STDIN_FILENO, getpid()) < 0) {
        fail(&err, errno, "make the command the terminal's foreground");
        die(&err);
    }
    sigprocmask(SIG_SETMASK, mask, NULL);
    execve(path, (char *const *) p->argv, (char *const *) p->env);
    fail(&err, errno, "exec: \"%s\": %s", p->argv[0], strerror(errno));
    die(&err);
}

/* Where the kernel keeps our code, data, heap, stack, arguments and environment: fields 26-28
 * and 45-51 of /proc/self/stat (after the command name, which may hold spaces). */
static int read_mm_map(struct prctl_mm_map *map)
{
    char buf[1024];
    int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    char *name_end = strrchr(buf, ')');
    if (!name_end)
        return -1;

    unsigned long long v[52] = {0};
    char *save = NULL;
    int field = 3;
    for (char *t = strtok_r(name_end + 1, " ", &save); t && field < 52;
         t = strtok_r(NULL, " ", &save))
        v[field++] = strtoull(t, NULL, 10);
    if (field < 52)
        return -1;
    *map = (struct prctl_mm_map){
        .start_code = v[26], .end_code = v[27], .start_stack = v[28],
        .start_data = v[45], .end_data = v[46], .start_brk = v[47],
        .brk = (uint64_t) syscall(SYS_brk, 0),
        .arg_start = v[48], .arg_end = v[49], .env_start = v[50], .env_end = v[51],
        .exe_fd = (uint32_t) -1, /* the exe link stays: changing it needs CAP_SYS_ADMIN */
    };
    return 0;
}

/* Copies n strings to out one after the other, each with its NUL, as the kernel lays out argv
 * and envp; returns the bytes they take (only counted when out is NULL). */
static size_t pack_strings(char *out, const char *const *list, int n)
{
    size_t len = 0;
    for (int i = 0; i < n; i++) {
        size_t l = strlen(list[i]) + 1;
        if (out)
            memcpy(out + len, list[i], l);
        len += l;
    }
    return len;
}

/* /proc/1/cmdline and /proc/1/environ are read from pid 1's own memory, which after the clone
 * still holds the shim's argv and environment: the host path of the shim, the reaper's state
 * folder and the engine's variables. Point the kernel at what docker's init would show,
 * "NAME -- ARGV" with the plan's initname (no such file exists; /proc/1/exe stays the sealed
 * copy) and the container's environment, and clear the shim's strings. PR_SET_MM_MAP needs no capability
 * while the exe link stays; where it fails (a seccomp profile without prctl, a small
 * RLIMIT_DATA), the command line is written over the old one, cut to its room. Without /proc
 * to read the map from there is nobody inside to show it to, and nothing changes. */
static void disguise_init(const struct plan *p)
{
    if (!p->init_name)
        return;
    const char *const head[] = {p->init_name, "--"};
    struct prctl_mm_map map;
    if (read_mm_map(&map) < 0)
        return;
    char *old_args = (char *) (uintptr_t) map.arg_start;
    char *old_env = (char *) (uintptr_t) map.env_start;
    size_t old_args_len = map.arg_end - map.arg_start;
    size_t old_env_len = map.env_end - map.env_start;

    size_t head_len = pack_strings(NULL, head, 2);
    size_t args_len = head_len + pack_strings(NULL, p->argv, p->nargv);
    size_t env_len = pack_strings(NULL, p->env, p->nenv);
    char *args = malloc(args_len + env_len); /* pid 1's until it exits */
    int moved = 0;
    if (args) {
        pack_strings(args, head, 2);
        pack_strings(args + head_len, p->argv, p->nargv);
        pack_strings(args + args_len, p->env, p->nenv);
        map.arg_start = (uintptr_t) args;
        map.arg_end = map.env_start = map.arg_start + args_len;
        map.env_end = map.env_start + env_len;
        moved = prctl(PR_SET_MM, PR_SET_MM_MAP, (unsigned long) &map, sizeof(map), 0) == 0;
    }
    memset(old_env, 0, old_env_len);
    memset(old_args, 0, old_args_len);
    if (!moved && args && old_args_len > 1) /* the last NUL ends the cut command line */
        memcpy(old_args, args, args_len < old_args_len - 1 ? args_len : old_args_len - 1);
    if (!moved)
        free(args);
}

/* Reaps every child; returns the command's wait status once it is among them, else -1. */
static int reap_children(pid_t command)
{
    int status, result = -1;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
        if (pid == command)
            result = status;
    return result;
}

/* Forwards every signal to the command, reaps every zombie (orphans come to pid 1, or to us
 * as subreaper without a pid namespace), and exits as the command did. Signals stay blocked
 * and are taken with sigwaitinfo: as a pid namespace's init we get no default actions, and a
 * blocked signal is kept for us rather than dropped. */
static void run_init(struct plan *p, const char *path) __attribute__((noreturn));
static void run_init(struct plan *p, const char *path)
{
    struct shim_err err = {0};
    sigset_t all, old;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &old);
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    disguise_init(p); /* before the command runs, which may look at pid 1 at once */

    pid_t command = fork();
    if (command < 0) {
        fail(&err, errno, "fork the command under init");
        die(&err);
    }
    if (command == 0)
        exec_under_init(p, path, &old);

    close(sync_fd); /* the command's copy tells the monitor how its exec went */
    prctl(PR_SET_NAME, "berth-init", 0, 0, 0);
    while (1) {
        siginfo_t si;
        int sig = sigwaitinfo(&all, &si);
        if (sig < 0)
            continue;
        if (sig != SIGCHLD) {
            kill(command, sig);
            continue;
        }
        int status = reap_children(command);
        if (status != -1)
            _exit(WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status));
    }
}

void container_run(struct plan *p, int fd)
{
    struct shim_err err = {0};
    int master = -1;
    sync_fd = fd;
    reset_signals();

    if (await_byte('g', &err) < 0)
        die(&err);
    trace_mark("container: go");
    if (prepare(p, &master, &err) < 0)
        die(&err);
    trace_mark("container: prepared (root, pivot, names, user)");

    char path[4096];
    if (resolve_argv0(p, path, sizeof(path), &err) < 0)
        die(&err);
    trace_mark("container: argv[0] resolved");
    umask(p->umask >= 0 ? p->umask : 022);

    report_fd(0, "created", master);
    if (master >= 0)
        close(master);
    if (await_start(p, &err) < 0)
        die(&err);
    trace_mark("container: start");
    /* startContainer: inside the container, just before its program runs. */
    if (run_hooks(p, 's', &err) < 0)
        die(&err);

    if (p->seccomp_filter && p->no_new_privs && load_seccomp(p, &err) < 0)
        die(&err);
    trace_mark("container: seccomp loaded, exec");
    if (p->init)
        run_init(p, path);
    execve(path, (char *const *) p->argv, (char *const *) p->env);
    fail(&err, errno, "exec: \"%s\": %s", p->argv[0], strerror(errno));
    die(&err);
}
