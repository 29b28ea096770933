/* berth-shim reaper <state root>
 *
 * An exited monitor whose parent chain ends at pid 1 stays a zombie until pid 1 waits for it:
 * never where pid 1 is not a real init (an engine inside a container without --init), and up
 * to seconds later on this machine, whose pid 1 reaps orphans only now and then. The reaper
 * is the monitors' long-lived parent instead: a child subreaper that serves
 * <state root>/reaper.sock, forks one monitor per connection (the connection carries its
 * handshake with Java), and reaps the monitors and whatever they orphan (exit commands, a
 * container's leftovers).
 *
 * It exits when it has no children left and the process that started it (Java, which waits
 * for its children) is still its parent. Once orphaned, exiting would only make it a zombie of
 * its own, so it stays: at most one such process per state root, reused by every later call.
 * SIGTERM (the JVM that started it is closing) makes it exit as soon as no monitor is left,
 * orphaned or not; while monitors live it keeps serving, so that the next CLI call finds it
 * rather than starting a reaper (and a copy of this binary) of its own for every container. */
#define _GNU_SOURCE
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>


static int listen_on(const char *name, struct shim_err *err)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return fail(err, errno, "socket");
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", name);
    unlink(name); /* a dead reaper's socket: the caller holds the lock that makes us the one */
    if (bind(fd, (struct sockaddr *) &addr, sizeof(addr)) < 0)
        return fail(err, errno, "bind %s", name);
    if (listen(fd, 64) < 0)
        return fail(err, errno, "listen on %s", name);
    return fd;
}

static int has_children(void)
{
    siginfo_t si = {0};
    return waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) == 0;
}

/* Reaps every child that exited; returns 1 when SIGTERM asked us to wind down. */
static int reap_all(int sig_fd)
{
    struct signalfd_siginfo si;
    int term = 0;
    while (read(sig_fd, &si, sizeof(si)) == sizeof(si))
        term |= si.ssi_signo == SIGTERM;
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
    return term;
}

/* Runs in the forked child: the connection becomes the handshake's stdin and stdout. */
static void serve(int conn, int listen_fd, int sig_fd) __attribute__((noreturn));
static void serve(int conn, int listen_fd, int sig_fd)
{
    close(listen_fd);
    close(sig_fd);
    sigset_t term;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    sigprocmask(SIG_UNBLOCK, &term, NULL);
    if (dup2(conn, STDIN_FILENO) < 0 || dup2(conn, STDOUT_FILENO) < 0)
        _exit(1);
    close(conn);
    _exit(shim_serve());
}

static void accept_one(int listen_fd, int sig_fd)
{
    int conn = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
    if (conn < 0)
        return;
    pid_t pid = fork();
    if (pid == 0)
        serve(conn, listen_fd, sig_fd);
    if (pid < 0)
        fprintf(stderr, "berth-shim reaper: fork: %s\n", strerror(errno));
    close(conn);
}

/* The last steps of an idle reaper: no new client can find the socket, but one that
 * connected before the unlink is still served. */
static int wind_down(int listen_fd, int sig_fd)
{
    unlink("reaper.sock");
    fcntl(listen_fd, F_SETFL, O_NONBLOCK);
    while (1) {
        accept_one(listen_fd, sig_fd);
        reap_all(sig_fd);
        if (!has_children()) {
            struct pollfd p = {listen_fd, POLLIN, 0};
            if (poll(&p, 1, 0) <= 0)
                return 0;
            continue;
        }
        struct pollfd p[2] = {{sig_fd, POLLIN, 0}, {listen_fd, POLLIN, 0}};
        poll(p, 2, -1);
    }
}

/* SIGCHLD to reap; SIGTERM to wind down (the JVM that started us asks so when it closes). */
static int open_signals(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigaddset(&set, SIGTERM);
    if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
        return -1;
    return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

static void detach(void)
{
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null >= 0) {
        dup2(null, STDIN_FILENO);
        dup2(null, STDOUT_FILENO);
        close(null);
    }
}

int reaper_run(int idle_ms, int orphan_idle_ms)
{
    struct shim_err err = {0};
    pid_t spawner = getppid();

    if (setsid() < 0 || prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) {
        fail(&err, errno, "detach the reaper");
        return say_error(&err), 1;
    }
    int sig_fd = open_signals();
    if (sig_fd < 0) {
        fail(&err, errno, "signalfd");
        return say_error(&err), 1;
    }
    int listen_fd = listen_on("reaper.sock", &err);
    if (listen_fd < 0)
        return say_error(&err), 1;
    say("ready %d\n", getpid());
    detach();

    int term = 0;
    while (1) {
        struct pollfd p[2] = {{sig_fd, POLLIN, 0}, {listen_fd, POLLIN, 0}};
        int idle = !has_children();
        int timeout = !idle ? -1 : term ? 0 : getppid() == spawner ? idle_ms : orphan_idle_ms;
        int n = poll(p, 2, timeout);
        if (n < 0 && errno != EINTR)
            return 1;
        if (p[0].revents & POLLIN)
            term |= reap_all(sig_fd);
        if (p[1].revents & POLLIN)
            accept_one(listen_fd, sig_fd);
        if ((term || (n == 0 && idle)) && !has_children())
            return wind_down(listen_fd, sig_fd);
    }
}
