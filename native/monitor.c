/* The monitor: the container's parent until it exits. One poll() loop, no threads, small
 * buffers. It copies output to the CRI log and to attached clients, feeds stdin from a client,
 * answers start and wait on the state folder's socket, reaps, and writes the exit file. */
#define _GNU_SOURCE
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <limits.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CLIENTS 32
#define IO_BUF 8192

enum client_kind { C_FREE, C_NEW, C_ATTACHED, C_WAITING, C_STARTING };

struct client {
    int fd;
    enum client_kind kind;
    int reads_closed;
    char line[64];
    size_t len;
};

struct monitor {
    struct plan *plan;
    pid_t pid;
    int sync_fd, listen_fd, stdin_fd, out_fd, err_fd, log_fd, sig_fd, tty_fd;
    long long log_size; /* bytes in the live log file */
    int started, exited, status;
    struct client clients[MAX_CLIENTS];
    char stdin_buf[IO_BUF];
    size_t stdin_len;
};

/* ---- output: the CRI log and Docker's attach frames ---- */

static void timestamp(char *buf, size_t len)
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec);
}

static int open_log(struct monitor *m, int flags)
{
    m->log_fd = open(m->plan->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | flags, 0640);
    if (m->log_fd < 0) {
        fprintf(stderr, "berth-shim: open log %s: %s\n", m->plan->log_path, strerror(errno));
        return -1;
    }
    struct stat st;
    m->log_size = fstat(m->log_fd, &st) == 0 ? st.st_size : 0;
    return 0;
}

/* Moves log.N-1 to log.N, ..., log to log.1, dropping the oldest, as docker's json-file does.
 * The live file is closed before it is renamed, so a reader who sees the new file knows the
 * old one is complete. With one file the full log is unlinked rather than truncated: a
 * follower holding it open still reads its end. */
static void rotate_log(struct monitor *m)
{
    const char *log = m->plan->log_path;
    char from[PATH_MAX], to[PATH_MAX];
    close(m->log_fd);
    m->log_fd = -1;
    for (int i = m->plan->log_max_files - 1; i >= 1; i--) {
        if (i == 1)
            snprintf(from, sizeof(from), "%s", log);
        else
            snprintf(from, sizeof(from), "%s.%d", log, i - 1);
        snprintf(to, sizeof(to), "%s.%d", log, i);
        if (rename(from, to) < 0 && errno != ENOENT)
            fprintf(stderr, "berth-shim: rotate log %s to %s: %s\n", from, to, strerror(errno));
    }
    if (m->plan->log_max_files <= 1 && unlink(log) < 0 && errno != ENOENT)
        fprintf(stderr, "berth-shim: unlink full log %s: %s\n", log, strerror(errno));
    open_log(m, O_TRUNC);
}

/* A record that would take the live file past its limit goes to a fresh file; one larger
 * than the limit on its own still goes whole into a file of its own. */
static void make_room(struct monitor *m, size_t record)
{
    if (m->plan->log_max_size > 0 && m->log_size > 0
        && m->log_size + (long long) record > m->plan->log_max_size)
        rotate_log(m);
}

/* One CRI record per line; a chunk that does not end a line becomes a partial (P) record. */
static void log_chunk(struct monitor *m, const char *stream, const char *data, size_t len)
{
    char ts[48];
    timestamp(ts, sizeof(ts));
    while (len > 0 && m->log_fd >= 0) {
        const char *nl = memchr(data, '\n', len);
        size_t body = nl ? (size_t) (nl - data) : len;
        char head[96];
        int hlen = snprintf(head, sizeof(head), "%s %s %c ", ts, stream, nl ? 'F' : 'P');
        make_room(m, hlen + body + 1);
        if (m->log_fd < 0)
            return;
        if (write_all(m->log_fd, head, hlen) < 0 || write_all(m->log_fd, data, body) < 0
            || write_all(m->log_fd, "\n", 1) < 0)
            fprintf(stderr, "berth-shim: write log %s: %s\n", m->plan->log_path,
                    strerror(errno));
        else
            m->log_size += hlen + body + 1;
        size_t used = nl ? body + 1 : body;
        data += used;
        len -= used;
    }
}

static void drop_client(struct client *c)
{
    close(c->fd);
    c->fd = -1;
    c->kind = C_FREE;
}

static void send_frames(struct monitor *m, int stream, const char *data, size_t len)
{
    unsigned char head[8] = {stream, 0, 0, 0, len >> 24, len >> 16, len >> 8, len};
    for (int i = 0; i < MAX_CLIENTS; i++) {
        struct client *c = &m->clients[i];
        if (c->kind != C_ATTACHED)
            continue;
        if (write_all(c->fd, head, sizeof(head)) < 0 || write_all(c->fd, data, len) < 0)
            drop_client(c);
    }
}

/* Returns 0 at EOF or when nothing is left to read now, 1 when data was copied. */
static int pump_output(struct monitor *m, int *fd, int stream)
{
    char buf[IO_BUF];
    ssize_t n = read(*fd, buf, sizeof(buf));
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return 0;
    if (n <= 0) {
        close(*fd);
        *fd = -1;
        return 0;
    }
    log_chunk(m, stream == 1 ? "stdout" : "stderr", buf, n);
    send_frames(m, stream, buf, n);
    return 1;
}

/* ---- stdin ---- */

static void close_stdin(struct monitor *m)
{
    if (m->stdin_fd >= 0)
        close(m->stdin_fd);
    m->stdin_fd = -1;
    m->stdin_len = 0;
}

static void flush_stdin(struct monitor *m)
{
    ssize_t n = write(m->stdin_fd, m->stdin_buf, m->stdin_len);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (n < 0) {
        close_stdin(m); /* the container closed its stdin: drop what it will never read */
        return;
    }
    memmove(m->stdin_buf, m->stdin_buf + n, m->stdin_len - n);
    m->stdin_len -= n;
}

static void read_attached(struct monitor *m, struct client *c)
{
    char discard[IO_BUF];
    char *dst = m->stdin_fd >= 0 ? m->stdin_buf : discard;
    ssize_t n = read(c->fd, dst, IO_BUF);
    if (n < 0 && errno == EINTR)
        return;
    if (n <= 0) {
        /* A client's half-close is the container's end of input. */
        c->reads_closed = 1;
        close_stdin(m);
        return;
    }
    if (m->stdin_fd >= 0)
        m->stdin_len = n;
}

/* ---- the socket's commands ---- */

static void reply(struct client *c, const char *text)
{
    if (write_all(c->fd, text, strlen(text)) < 0)
        drop_client(c);
}

static void start_container(struct monitor *m, struct client *c)
{
    trace_mark("monitor: start asked");
    if (m->started) {
        reply(c, "error 16\tthe container was already started\n");
        return;
    }
    if (send(m->sync_fd, "s", 1, MSG_NOSIGNAL) < 0) {
        char msg[128];
        snprintf(msg, sizeof(msg), "error %d\tsignal the container to start: %s\n", errno,
                 strerror(errno));
        reply(c, msg);
        return;
    }
    m->started = 1;
    c->kind = C_STARTING;
}

static void resize(struct monitor *m, struct client *c)
{
    struct winsize ws = {0};
    if (sscanf(c->line + 7, "%hu %hu", &ws.ws_row, &ws.ws_col) != 2 || m->tty_fd < 0) {
        reply(c, "error 22\tresize needs rows and columns, and a terminal\n");
        return;
    }
    if (ioctl(m->tty_fd, TIOCSWINSZ, &ws) < 0) {
        char msg[96];
        snprintf(msg, sizeof(msg), "error %d\tresize the terminal\n", errno);
        reply(c, msg);
        return;
    }
    reply(c, "ok\n");
}

/* The parent signals its child: until the monitor reaps it, its pid cannot name another
 * process, so this kill never hits a stranger. */
static void signal_container(struct monitor *m, struct client *c)
{
    int sig = atoi(c->line + 5);
    if (m->exited) {
        reply(c, "exited\n");
        return;
    }
    if (kill(m->pid, sig) < 0) {
        char msg[96];
        snprintf(msg, sizeof(msg), "error %d\tkill %d with signal %d\n", errno, m->pid, sig);
        reply(c, msg);
        return;
    }
    reply(c, "ok\n");
}

static void run_command(struct monitor *m, struct client *c)
{
    if (!strcmp(c->line, "attach")) {
        c->kind = C_ATTACHED;
        reply(c, "ok\n");
    } else if (!strcmp(c->line, "start")) {
        start_container(m, c);
    } else if (!strcmp(c->line, "wait")) {
        c->kind = C_WAITING;
    } else if (!strncmp(c->line, "resize ", 7)) {
        resize(m, c);
    } else if (!strncmp(c->line, "kill ", 5)) {
        signal_container(m, c);
    } else {
        reply(c, "error 22\tunknown command\n");
        if (c->kind != C_FREE)
            drop_client(c);
    }
}

static void read_command(struct monitor *m, struct client *c)
{
    ssize_t n = read(c->fd, c->line + c->len, sizeof(c->line) - 1 - c->len);
    if (n < 0 && errno == EINTR)
        return;
    if (n <= 0) {
        drop_client(c);
        return;
    }
    c->len += n;
    c->line[c->len] = '\0';
    char *nl = strchr(c->line, '\n');
    if (nl == NULL) {
        if (c->len == sizeof(c->line) - 1)
            drop_client(c);
        return;
    }
    *nl = '\0';
    run_command(m, c);
    if (c->kind == C_NEW)
        c->len = 0; /* ready for the client's next command */
}

static void accept_client(struct monitor *m)
{
    int fd = accept4(m->listen_fd, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0)
        return;
    /* A client that stops reading must not stall the container's output for long. */
    struct timeval tv = {5, 0};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    for (int i = 0; i < MAX_CLIENTS; i++) {
        if (m->clients[i].kind == C_FREE) {
            m->clients[i] = (struct client) {.fd = fd, .kind = C_NEW};
            return;
        }
    }
    close(fd);
}

/* After start, the sync socket says how exec went: EOF when it succeeded (CLOEXEC), or an
 * error record. */
static void read_exec_result(struct monitor *m)
{
    char buf[SHIM_MSG_MAX + 16];
    ssize_t n = recv(m->sync_fd, buf, sizeof(buf) - 1, 0);
    if (n < 0 && errno == EINTR)
        return;
    char answer[SHIM_MSG_MAX + 32] = "ok\n";
    trace_mark("monitor: exec result");
    if (n > 0) {
        buf[n] = '\0';
        snprintf(answer, sizeof(answer), "error %s\n", buf);
    }
    for (int i = 0; i < MAX_CLIENTS; i++) {
        if (m->clients[i].kind == C_STARTING) {
            reply(&m->clients[i], answer);
            if (m->clients[i].kind != C_FREE)
                drop_client(&m->clients[i]);
        }
    }
    if (n <= 0) {
        close(m->sync_fd);
        m->sync_fd = -1;
    }
}

/* ---- exit ---- */

static void reap(struct monitor *m)
{
    struct signalfd_siginfo si;
    while (read(m->sig_fd, &si, sizeof(si)) > 0)
        ;
    int status;
    pid_t pid;
    /* As subreaper we also inherit orphans; reap them all. */
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        if (pid == m->pid) {
            m->exited = 1;
            m->status = status;
            trace_mark("monitor: reaped");
        }
    }
}

static int write_exit_file(struct monitor *m)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int code = WIFEXITED(m->status) ? WEXITSTATUS(m->status) : 0;
    int sig = WIFSIGNALED(m->status) ? WTERMSIG(m->status) : 0;
    char text[128];
    snprintf(text, sizeof(text), "code=%d\nsignal=%d\nfinished=%lld\n", code, sig,
             (long long) ts.tv_sec * 1000000000LL + ts.tv_nsec);

    struct shim_err err;
    if (write_file("exit.tmp", text, &err) < 0 || rename("exit.tmp", "exit") < 0) {
        fprintf(stderr, "berth-shim: write exit file: %s\n", err.msg);
        return -1;
    }
    return 0;
}

/* Reads what the container wrote before it died; a leftover holder of the pipe (no pid
 * namespace) must not keep us here, so stop when nothing is ready. */
static void drain(struct monitor *m, int *fd, int stream)
{
    if (*fd >= 0)
        fcntl(*fd, F_SETFL, O_NONBLOCK);
    while (*fd >= 0 && pump_output(m, fd, stream))
        ;
}

static void finish(struct monitor *m)
{
    drain(m, &m->out_fd, 1);
    drain(m, &m->err_fd, 2);
    unlink("shim.sock");
    write_exit_file(m);
    trace_mark("monitor: exit file written");
    for (int i = 0; i < MAX_CLIENTS; i++) {
        struct client *c = &m->clients[i];
        if (c->kind == C_WAITING)
            reply(c, "exited\n");
        if (c->kind == C_STARTING)
            reply(c, "ok\n");
        if (c->kind != C_FREE) {
            shutdown(c->fd, SHUT_RDWR);
            drop_client(c);
        }
    }
}

/* The engine's clean-up for a container nobody watches. Detached: the reaper (our subreaper
 * ancestor) inherits and reaps it once we exit; we never wait for it. */
static void run_exit_command(struct monitor *m)
{
    if (m->plan->nexit_argv == 0)
        return;
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "berth-shim: fork the exit command: %s\n", strerror(errno));
        return;
    }
    if (pid > 0)
        return;

    setsid();
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGPIPE, SIG_DFL);
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
        dup2(null, STDIN_FILENO);
        dup2(null, STDOUT_FILENO);
        dup2(null, STDERR_FILENO);
    }
    if (chdir("/") < 0)
        _exit(127);
    extern char **environ;
    execve(m->plan->exit_argv[0], (char *const *) m->plan->exit_argv, environ);
    _exit(127);
}

/* ---- the loop ---- */

enum { P_SIG, P_LISTEN, P_OUT, P_ERR, P_STDIN, P_SYNC, P_CLIENTS };

static void set_fd(struct pollfd *p, int fd, short events)
{
    p->fd = fd;
    p->events = fd >= 0 ? events : 0;
    p->revents = 0;
}

static int fill_poll(struct monitor *m, struct pollfd *fds)
{
    set_fd(&fds[P_SIG], m->sig_fd, POLLIN);
    set_fd(&fds[P_LISTEN], m->listen_fd, POLLIN);
    set_fd(&fds[P_OUT], m->out_fd, POLLIN);
    set_fd(&fds[P_ERR], m->err_fd, POLLIN);
    set_fd(&fds[P_STDIN], m->stdin_len ? m->stdin_fd : -1, POLLOUT);
    set_fd(&fds[P_SYNC], m->started ? m->sync_fd : -1, POLLIN);
    for (int i = 0; i < MAX_CLIENTS; i++) {
        struct client *c = &m->clients[i];
        int wants = c->kind == C_NEW || c->kind == C_WAITING || c->kind == C_STARTING
                    || (c->kind == C_ATTACHED && !c->reads_closed && m->stdin_len == 0);
        set_fd(&fds[P_CLIENTS + i], c->kind != C_FREE && wants ? c->fd : -1, POLLIN);
    }
    return P_CLIENTS + MAX_CLIENTS;
}

static void serve_clients(struct monitor *m, struct pollfd *fds)
{
    for (int i = 0; i < MAX_CLIENTS; i++) {
        struct client *c = &m->clients[i];
        if (fds[P_CLIENTS + i].fd < 0 || !fds[P_CLIENTS + i].revents || c->kind == C_FREE)
            continue;
        if (c->kind == C_NEW)
            read_command(m, c);
        else if (c->kind == C_ATTACHED)
            read_attached(m, c);
        else if (fds[P_CLIENTS + i].revents & (POLLHUP | POLLERR))
            drop_client(c); /* a waiter or starter that went away */
    }
}

static void serve(struct monitor *m, struct pollfd *fds)
{
    const short ready = POLLIN | POLLHUP | POLLERR;
    if (fds[P_OUT].revents & ready)
        pump_output(m, &m->out_fd, 1);
    if (fds[P_ERR].revents & ready)
        pump_output(m, &m->err_fd, 2);
    if (fds[P_STDIN].revents)
        flush_stdin(m);
    if (fds[P_SYNC].revents & ready)
        read_exec_result(m);
    if (fds[P_LISTEN].revents & POLLIN)
        accept_client(m);
    serve_clients(m, fds);
    if (fds[P_SIG].revents & POLLIN)
        reap(m);
}

static int open_signals(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

int monitor_run(struct plan *plan, pid_t pid, int sync_fd, int listen_fd, int stdin_fd,
                int out_fd, int err_fd, int tty_fd)
{
    static struct monitor m;
    m = (struct monitor) {.plan = plan, .pid = pid, .sync_fd = sync_fd, .listen_fd = listen_fd,
                          .stdin_fd = stdin_fd, .out_fd = out_fd, .err_fd = err_fd,
                          .log_fd = -1, .tty_fd = tty_fd};
    for (int i = 0; i < MAX_CLIENTS; i++)
        m.clients[i].fd = -1;
    if (plan->log_path && plan->log_path[0])
        open_log(&m, 0);
    if (stdin_fd >= 0)
        fcntl(stdin_fd, F_SETFL, O_NONBLOCK);
    m.sig_fd = open_signals();
    if (m.sig_fd < 0) {
        fprintf(stderr, "berth-shim: signalfd: %s\n", strerror(errno));
        return 1;
    }
    reap(&m); /* the container may have died before the signalfd existed */

    struct pollfd fds[P_CLIENTS + MAX_CLIENTS];
    while (!m.exited) {
        int n = fill_poll(&m, fds);
        if (poll(fds, n, -1) < 0 && errno != EINTR) {
            fprintf(stderr, "berth-shim: poll: %s\n", strerror(errno));
            return 1;
        }
        serve(&m, fds);
    }
    finish(&m);
    run_exit_command(&m);
    return 0;
}
