/* berth-shim reaper <state root>
 *
 * The reaper (reaper.c) forks one monitor per connection to <state root>/reaper.sock. The
 * connection's first line names the work, `create <state folder>`; the monitor reads
 * <state folder>/plan (a container's, or an exec's into a running one), clones the process
 * and runs the handshake with Java over the same connection:
 *
 *   shim -> java   pid <process pid> <monitor pid>
 *   java -> shim   go                  (after cgroup placement and id maps)
 *   shim -> java   created             or: error <errno>\t<message>
 *
 * Then the monitor serves <state folder>/shim.sock until the process exits. */
#define _GNU_SOURCE
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* errno values by number, generated from the libc's <errno.h> at build time (Makefile). */
static const char *const errno_names[] = {
#include "errnames.h"
};

/* EPERM for 1 and so on; a number the table lacks is printed as one. */
static const char *errno_name(int errnum, char *buf, size_t len)
{
    size_t n = sizeof(errno_names) / sizeof(errno_names[0]);
    if (errnum > 0 && (size_t) errnum < n && errno_names[errnum])
        return errno_names[errnum];
    snprintf(buf, len, "errno %d", errnum);
    return buf;
}

int fail(struct shim_err *err, int errnum, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    /* Only the names of errno values: Java words the description itself. */
    if (n >= 0 && (size_t) n < sizeof(err->msg) && errnum != 0 && !strstr(err->msg, "exec: ")) {
        char unknown[24];
        snprintf(err->msg + n, sizeof(err->msg) - n, ": %s",
                 errno_name(errnum, unknown, sizeof(unknown)));
    }
    err->errnum = errnum;
    return -1;
}

int write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        p += n;
        len -= n;
    }
    return 0;
}

int write_file(const char *path, const char *text, struct shim_err *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return fail(err, errno, "open %s", path);
    /* proc files such as uid_map and timens_offsets want the whole value in one write. */
    ssize_t n = write(fd, text, strlen(text));
    int e = errno;
    close(fd);
    if (n < 0)
        return fail(err, e, "write %s", path);
    return 0;
}

/* ---- the opt-in trace (BERTH_TRACE_SHIM) ---- */

static int trace_fd = -1;

void trace_open(void)
{
    const char *file = getenv("BERTH_TRACE_SHIM");
    if (file && file[0] == '/' && trace_fd < 0)
        trace_fd = open(file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
}

void trace_mark(const char *step)
{
    if (trace_fd < 0)
        return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    char line[160];
    int n = snprintf(line, sizeof(line), "shim %d %.3f %s\n", getpid(),
                     now.tv_sec * 1e3 + now.tv_nsec / 1e6, step);
    if (n > 0)
        write_all(trace_fd, line, n < (int) sizeof(line) ? (size_t) n : sizeof(line) - 1);
}

/* ---- the handshake with Java ---- */

void say(const char *fmt, ...)
{
    char buf[SHIM_MSG_MAX + 64];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n > (int) sizeof(buf) - 1)
        n = sizeof(buf) - 1;
    write_all(STDOUT_FILENO, buf, n);
}

void say_error(const struct shim_err *err)
{
    say("error %d\t%s\n", err->errnum, err->msg);
}

/* Reads one line in as few reads as it takes. Java sends a line only after it read our answer
 * to the one before, so nothing follows the newline and nothing is lost by reading ahead; a
 * byte at a time was a hundred reads for a `create <state folder>`. */
static int read_line(int fd, char *buf, size_t len)
{
    size_t done = 0;
    while (done < len - 1) {
        ssize_t n = read(fd, buf + done, len - 1 - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        char *newline = memchr(buf + done, '\n', n);
        if (newline) {
            *newline = '\0';
            return 0;
        }
        done += n;
    }
    buf[done] = '\0';
    return 0;
}

/* ---- set-up ---- */

static int open_socket(struct shim_err *err)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return fail(err, errno, "socket");
    struct sockaddr_un addr = {.sun_family = AF_UNIX, .sun_path = "shim.sock"};
    unlink(addr.sun_path);
    if (bind(fd, (struct sockaddr *) &addr, sizeof(addr)) < 0)
        return fail(err, errno, "bind shim.sock");
    if (listen(fd, 16) < 0)
        return fail(err, errno, "listen on shim.sock");
    return fd;
}

struct stdio {
    int in[2], out[2], err[2];
};

static int open_stdio(const struct plan *p, struct stdio *io, struct shim_err *err)
{
    if (p->stdin_open) {
        if (pipe2(io->in, O_CLOEXEC) < 0)
            return fail(err, errno, "pipe for stdin");
    } else {
        io->in[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
        io->in[1] = -1;
        if (io->in[0] < 0)
            return fail(err, errno, "open /dev/null");
    }
    if (pipe2(io->out, O_CLOEXEC) < 0 || pipe2(io->err, O_CLOEXEC) < 0)
        return fail(err, errno, "pipe for output");
    return 0;
}

static int join_pid_namespace(const struct plan *p, struct shim_err *err)
{
    /* setns on a pid namespace moves only the children we make next: the monitor stays. */
    for (int i = 0; i < p->njoins; i++) {
        if (p->joins[i].type != CLONE_NEWPID)
            continue;
        int fd = open(p->joins[i].path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return fail(err, errno, "open namespace %s", p->joins[i].path);
        int rc = setns(fd, CLONE_NEWPID) < 0 ? fail(err, errno, "setns %s", p->joins[i].path)
                                               : 0;
        close(fd);
        return rc;
    }
    return 0;
}

static void child_stdio(struct stdio *io)
{
    /* dup2 clears CLOEXEC on the copies, so only 0, 1 and 2 reach the container. */
    dup2(io->in[0], STDIN_FILENO);
    dup2(io->out[1], STDOUT_FILENO);
    dup2(io->err[1], STDERR_FILENO);
}

static pid_t clone_container(struct plan *p, struct stdio *io, int *sync_fd,
                             struct shim_err *err)
{
    int pair[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
        return fail(err, errno, "socketpair");

    /* A plain fork with namespace flags: the child gets its own copy of our memory. */
    pid_t pid = syscall(SYS_clone, p->clone_flags | SIGCHLD, NULL, NULL, NULL, NULL);
    if (pid < 0) {
        int e = errno;
        close(pair[0]);
        close(pair[1]);
        return fail(err, e, "clone with flags 0x%lx", p->clone_flags);
    }
    if (pid == 0) {
        close(pair[0]);
        child_stdio(io);
        container_run(p, pair[1]);
    }
    close(pair[1]);
    *sync_fd = pair[0];
    return pid;
}

/* Reads the child's report: 0 once it is created (with its pty master in *tty_fd when it
 * has a terminal), -1 with err filled otherwise. */
static int await_created(int sync_fd, int *tty_fd, struct shim_err *err)
{
    char buf[SHIM_MSG_MAX + 16];
    union {
        char space[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    struct iovec iov = {buf, sizeof(buf) - 1};
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.space,
                        .msg_controllen = sizeof(control.space)};
    ssize_t n;
    do {
        n = recvmsg(sync_fd, &mh, MSG_CMSG_CLOEXEC);
    } while (n < 0 && errno == EINTR);
    if (n < 0)
        return fail(err, errno, "read the container's report");
    if (n == 0)
        return fail(err, ECHILD, "the container process exited during set-up");
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
        memcpy(tty_fd, CMSG_DATA(c), sizeof(int));
    buf[n] = '\0';
    char *tab = strchr(buf, '\t');
    int errnum = atoi(buf);
    if (errnum == 0)
        return 0;
    err->errnum = errnum;
    snprintf(err->msg, sizeof(err->msg), "%s", tab ? tab + 1 : "unknown failure");
    return -1;
}

static void detach_stdio(void)
{
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    int log = open("shim.log", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (null >= 0) {
        dup2(null, STDIN_FILENO);
        dup2(null, STDOUT_FILENO);
        close(null);
    }
    if (log >= 0) {
        dup2(log, STDERR_FILENO);
        close(log);
    }
}

static void close_child_ends(struct stdio *io)
{
    close(io->in[0]);
    close(io->out[1]);
    close(io->err[1]);
}

static int handshake(pid_t pid, int sync_fd, int *tty_fd, struct shim_err *err)
{
    say("pid %d %d\n", pid, getpid());
    char line[64];
    if (read_line(STDIN_FILENO, line, sizeof(line)) < 0 || strcmp(line, "go") != 0)
        return fail(err, ECANCELED, "the caller went away before go");
    if (send(sync_fd, "g", 1, MSG_NOSIGNAL) < 0)
        return fail(err, errno, "signal the container to go");
    return await_created(sync_fd, tty_fd, err);
}

static int monitor(struct plan *p)
{
    struct shim_err err = {0};
    struct stdio io;
    int listen_fd, sync_fd = -1, tty_fd = -1;

    if (setsid() < 0 || prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) {
        fail(&err, errno, "detach the monitor");
        say_error(&err);
        return 1;
    }
    listen_fd = open_socket(&err);
    if (listen_fd < 0 || open_stdio(p, &io, &err) < 0 || join_pid_namespace(p, &err) < 0) {
        say_error(&err);
        return 1;
    }

    trace_mark("monitor: plan read, socket, stdio");
    pid_t pid = clone_container(p, &io, &sync_fd, &err);
    if (pid < 0) {
        say_error(&err);
        return 1;
    }
    trace_mark("monitor: cloned");
    close_child_ends(&io);
    if (handshake(pid, sync_fd, &tty_fd, &err) < 0) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        unlink("shim.sock");
        say_error(&err);
        return 1;
    }
    say("created\n");
    trace_mark("monitor: created");
    detach_stdio();
    plan_shrink(p);
    if (tty_fd < 0)
        return monitor_run(p, pid, sync_fd, listen_fd, io.in[1], io.out[0], io.err[0], -1);

    /* With a terminal the pty carries everything; the pipes are unused. */
    close(io.out[0]);
    close(io.err[0]);
    if (io.in[1] >= 0)
        close(io.in[1]);
    int tty_in = p->stdin_open ? fcntl(tty_fd, F_DUPFD_CLOEXEC, 0) : -1;
    return monitor_run(p, pid, sync_fd, listen_fd, tty_in, tty_fd, -1, tty_fd);
}

/* ---- berth-shim oci: the OCI command line's create, run and exec ---- */

/* The container's stdio are the caller's own: the fds 0, 1 and 2 of the JVM that spawned us
 * (ours are the handshake's pipes). pidfd_getfd duplicates them exactly, offsets and flags
 * included, and works for sockets too, which reopening /proc/PID/fd/N would not. */
static int inherit_stdio(struct stdio *io, struct shim_err *err)
{
    int pidfd = syscall(SYS_pidfd_open, getppid(), 0);
    if (pidfd < 0)
        return fail(err, errno, "pidfd_open of the caller %d", getppid());
    int *mine[3] = {&io->in[0], &io->out[1], &io->err[1]};
    int rc = 0;
    for (int fd = 0; fd < 3 && rc == 0; fd++) {
        *mine[fd] = syscall(SYS_pidfd_getfd, pidfd, fd, 0);
        if (*mine[fd] < 0)
            rc = fail(err, errno, "pidfd_getfd of the caller's fd %d", fd);
    }
    close(pidfd);
    io->in[1] = io->out[0] = io->err[0] = -1;
    return rc;
}

static int open_fifo(struct plan *p, struct shim_err *err)
{
    unlink("exec.fifo");
    if (mkfifo("exec.fifo", 0600) < 0)
        return fail(err, errno, "mkfifo exec.fifo");
    p->fifo_fd = open("exec.fifo", O_PATH | O_CLOEXEC);
    if (p->fifo_fd < 0)
        return fail(err, errno, "open exec.fifo");
    return 0;
}

/* A sun_path holds 108 bytes; a longer path is reached through its folder's descriptor. */
static int connect_path(int fd, const char *path, struct shim_err *err)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    int dir = -1;
    if (strlen(path) < sizeof(addr.sun_path)) {
        snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
    } else {
        char folder[4096];
        snprintf(folder, sizeof(folder), "%s", path);
        char *slash = strrchr(folder, '/');
        if (slash == NULL || slash == folder)
            return fail(err, ENAMETOOLONG, "console socket %s", path);
        *slash = '\0';
        dir = open(folder, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (dir < 0)
            return fail(err, errno, "open %s", folder);
        snprintf(addr.sun_path, sizeof(addr.sun_path), "/proc/self/fd/%d/%s", dir, slash + 1);
    }
    int rc = connect(fd, (struct sockaddr *) &addr, sizeof(addr));
    int e = errno;
    if (dir >= 0)
        close(dir);
    return rc < 0 ? fail(err, e, "connect to the console socket %s", path) : 0;
}

/* The pty master goes to whoever holds the console socket (conmon, say), as runc sends it. */
static int send_console(const char *path, int master, struct shim_err *err)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return fail(err, errno, "socket for the console");
    if (connect_path(fd, path, err) < 0) {
        close(fd);
        return -1;
    }
    char name[] = "/dev/ptmx";
    struct iovec iov = {name, sizeof(name) - 1};
    union {
        char space[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control = {0};
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.space,
                        .msg_controllen = sizeof(control.space)};
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &master, sizeof(int));
    int rc = sendmsg(fd, &mh, MSG_NOSIGNAL) < 0 ? fail(err, errno, "send the pty to %s", path)
                                                : 0;
    close(fd);
    return rc;
}

/* In the foreground (run, exec): pass the caller's signals on, and exit as the process did. */
static int wait_foreground(pid_t pid)
{
    sigset_t set;
    sigfillset(&set);
    while (1) {
        siginfo_t si;
        int sig = sigwaitinfo(&set, &si);
        if (sig < 0)
            continue;
        if (sig != SIGCHLD) {
            kill(pid, sig);
            continue;
        }
        int status;
        pid_t done;
        while ((done = waitpid(-1, &status, WNOHANG)) > 0)
            if (done == pid)
                return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
    }
}

static int oci_create(struct plan *p, pid_t *pid, struct shim_err *err)
{
    struct stdio io;
    int sync_fd = -1, tty_fd = -1;

    if (inherit_stdio(&io, err) < 0)
        return -1;
    if (p->start_mode == START_FIFO && open_fifo(p, err) < 0)
        return -1;
    if (join_pid_namespace(p, err) < 0)
        return -1;
    *pid = clone_container(p, &io, &sync_fd, err);
    if (*pid < 0)
        return -1;
    close_child_ends(&io);
    if (p->fifo_fd >= 0)
        close(p->fifo_fd);
    if (handshake(*pid, sync_fd, &tty_fd, err) < 0)
        return -1;
    if (tty_fd >= 0 && p->console_socket && send_console(p->console_socket, tty_fd, err) < 0)
        return -1;
    if (tty_fd >= 0)
        close(tty_fd);
    close(sync_fd);
    return 0;
}

int oci_run(const char *folder, int wait)
{
    struct shim_err err = {0};
    struct plan plan;
    pid_t pid = -1;

    /* Blocked from the start, so that no SIGCHLD is lost before wait_foreground takes them;
     * the child unblocks its own. */
    sigset_t all;
    sigfillset(&all);
    if (wait)
        sigprocmask(SIG_BLOCK, &all, NULL);
    if (chdir(folder) < 0) {
        fail(&err, errno, "chdir %s", folder);
        say_error(&err);
        return 1;
    }
    if (plan_read("plan", &plan, &err) < 0 || oci_create(&plan, &pid, &err) < 0) {
        if (pid > 0) {
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
        }
        unlink("exec.fifo");
        say_error(&err);
        return 1;
    }
    say("created\n");
    if (!wait)
        return 0; /* the process is orphaned to the caller's subreaper, as runc leaves it */
    return wait_foreground(pid);
}

/* ---- the sealed copy of ourselves ---- */

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

static int copy_self(int self, struct shim_err *err)
{
    struct stat st;
    if (fstat(self, &st) < 0)
        return fail(err, errno, "stat /proc/self/exe");
    int mfd = memfd_create("berth-shim", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
    if (mfd < 0 && errno == EINVAL) /* a kernel before 6.3 knows no MFD_EXEC */
        mfd = memfd_create("berth-shim", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (mfd < 0)
        return fail(err, errno, "memfd_create berth-shim");

    off_t done = 0;
    while (done < st.st_size) {
        ssize_t n = sendfile(mfd, self, &done, st.st_size - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int e = n < 0 ? errno : EIO;
            close(mfd);
            return fail(err, e, "copy /proc/self/exe into a memfd");
        }
    }
    if (fcntl(mfd, F_ADD_SEALS, SEALS) < 0) {
        int e = errno;
        close(mfd);
        return fail(err, e, "seal the memfd copy of berth-shim");
    }
    return mfd;
}

/* CVE-2019-5736: between clone and execve the container's process is this binary, so
 * /proc/PID/exe would be a path back to the host's berth-shim that a process in the container
 * could open for writing (or hold open until it can). Run from a sealed in-memory copy
 * instead: that one cannot be written, and overwriting it would reach nothing on the host. */
static int reexec_sealed(char **argv, struct shim_err *err)
{
    int self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    if (self < 0)
        return fail(err, errno, "open /proc/self/exe");
    int seals = fcntl(self, F_GET_SEALS);
    if (seals >= 0 && (seals & SEALS) == SEALS) {
        close(self);
        return 0; /* already the sealed copy */
    }
    int mfd = copy_self(self, err);
    close(self);
    if (mfd < 0)
        return -1;
    extern char **environ;
    fexecve(mfd, argv, environ);
    int e = errno;
    close(mfd);
    return fail(err, e, "re-exec berth-shim from its sealed copy");
}

/* Serves one connection from the reaper: its stdin and stdout are the connection. */
int shim_serve(void)
{
    struct shim_err err = {0};
    struct plan plan;
    char line[4096];

    prctl(PR_SET_NAME, "berth-shim", 0, 0, 0);
    trace_open();
    trace_mark("monitor: forked");
    if (read_line(STDIN_FILENO, line, sizeof(line)) < 0 || strncmp(line, "create ", 7) != 0) {
        fail(&err, EINVAL, "expected create <state folder>");
        say_error(&err);
        return 1;
    }
    if (chdir(line + 7) < 0) {
        fail(&err, errno, "chdir %s", line + 7);
        say_error(&err);
        return 1;
    }
    if (plan_read("plan", &plan, &err) < 0) {
        say_error(&err);
        return 1;
    }
    return monitor(&plan);
}

/* berth-shim hold: a process of Berth's own that does nothing until its stdin closes (its
 * engine closed it, or died). The engine keeps it in a cgroup of its own under berth/ and moves
 * it there again to take the kernel's cgroup migration lock ahead of a start (see
 * MigrationPrimer.java). It runs nothing else, so it needs no sealed copy of this binary. */
static int hold(void)
{
    char buf[64];
    prctl(PR_SET_NAME, "berth-primer", 0, 0, 0);
    while (1) {
        ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
        if (n == 0 || (n < 0 && errno != EINTR))
            return 0;
    }
}

/* A count of milliseconds from the command line, at most a day; -1 when it is none. */
static int milliseconds(const char *s)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < 0 || v > 86400000L)
        return -1;
    return (int) v;
}

int main(int argc, char **argv)
{
    struct shim_err err = {0};

    if (argc == 2 && !strcmp(argv[1], "hold"))
        return hold();
    int oci = argc == 4 && !strcmp(argv[1], "oci");
    int idle_ms = argc == 5 ? milliseconds(argv[3]) : -1;
    int orphan_idle_ms = argc == 5 ? milliseconds(argv[4]) : -1;
    if (!oci && (argc != 5 || strcmp(argv[1], "reaper") != 0 || idle_ms < 0
                 || orphan_idle_ms < 0)) {
        fprintf(stderr, "usage: berth-shim reaper <state root> <idle ms> <orphaned idle ms>\n"
                        "       berth-shim oci <state folder> detach|wait\n"
                        "       berth-shim hold\n");
        return 2;
    }
    if (reexec_sealed(argv, &err) < 0) {
        say_error(&err);
        return 1;
    }
    if (oci) {
        prctl(PR_SET_NAME, "berth-shim", 0, 0, 0);
        signal(SIGPIPE, SIG_IGN);
        return oci_run(argv[2], !strcmp(argv[3], "wait"));
    }
    /* fexecve named us after the memfd. The reaper gets a name of its own, so that
     * `pgrep -x berth-shim` counts monitors, one per live container or exec. */
    prctl(PR_SET_NAME, "berth-reaper", 0, 0, 0);
    if (chdir(argv[2]) < 0) {
        fail(&err, errno, "chdir %s", argv[2]);
        say_error(&err);
        return 1;
    }

    /* Children's deaths must reach signalfds (the reaper's, each monitor's), never a default
     * action; a client that went away must not kill us with SIGPIPE. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigprocmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    return reaper_run(idle_ms, orphan_idle_ms);
}
