/* berth-shim: the container's first process and its monitor. Mechanism only: every decision
 * was made in Java and arrives as a plan (see plan.c for the format). */
#ifndef BERTH_SHIM_H
#define BERTH_SHIM_H

#include <stdint.h>
#include <sys/types.h>

#define SHIM_MSG_MAX 1024

/* An error as it travels to Java: errno plus a message naming the step and the object. */
struct shim_err {
    int errnum;
    char msg[SHIM_MSG_MAX];
};

/* Fills err and returns -1, so a failing step reads `return fail(err, errno, "...", ...);`. */
int fail(struct shim_err *err, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

struct plan_mount {
    const char *src, *dst, *type, *data;
    unsigned long flags, propagation;
    int is_file, is_bind;
};

struct plan_device {
    const char *path, *host_path;
    char type;
    unsigned long major, minor;
    unsigned int mode;
    long uid, gid;
};

struct plan_ns {
    int type; /* CLONE_NEW* */
    const char *path;
};

struct plan_rlimit {
    int resource;
    uint64_t soft, hard;
};

/* A createContainer (phase 'c') or startContainer ('s') hook, run by the container process. */
struct plan_hook {
    char phase;
    int timeout; /* seconds; 0: none */
    const char *path;
    const char **argv, **env; /* NULL-terminated */
    int nargv, nenv;
};

struct plan_kv {
    const char *key, *value;
};

/* How the created process learns to exec: from the monitor over the sync socket; by opening
 * exec.fifo for writing, which blocks until `start` opens it (berth-shim oci, no monitor); or at
 * once (an exec in the foreground of berth-shim oci). */
enum { START_SOCKET, START_FIFO, START_NOW };

struct plan {
    char *text; /* the plan file; every string below points into it */
    unsigned long clone_flags;
    struct plan_ns *joins;
    int njoins;
    int new_cgroupns, new_timens, lo_up, stdin_open;
    int exec; /* into a running container: join, do not build */
    int init; /* stay as a tiny init above the command */
    const char *init_name; /* what that init shows as its program ("initname"), or NULL */
    int terminal;
    unsigned short rows, cols;
    int64_t mono_secs, mono_nanos, boot_secs, boot_nanos;
    const char *hostname, *domainname, *root, *cwd, *log_path;
    long long log_max_size; /* bytes a log file may hold before it is rotated; 0: no limit */
    int log_max_files; /* the live file and the rotated ones kept beside it; at least 1 */
    int root_readonly;
    unsigned long root_propagation;
    struct plan_mount *mounts;
    int nmounts;
    struct plan_device *devices;
    int ndevices;
    struct plan_kv *symlinks; /* key = link path, value = target */
    int nsymlinks;
    const char **masked;
    int nmasked;
    const char **readonly;
    int nreadonly;
    struct plan_rlimit *rlimits;
    int nrlimits;
    struct plan_kv *sysctls;
    int nsysctls;
    const char **env;
    int nenv;
    const char **argv;
    int nargv;
    const char **exit_argv; /* run by the monitor after the exit file; NULL-terminated */
    int nexit_argv;
    gid_t *groups;
    int ngroups;
    int has_caps;
    uint64_t cap_bounding, cap_effective, cap_permitted, cap_inheritable, cap_ambient;
    uid_t uid;
    gid_t gid;
    int umask; /* -1: leave the default */
    int no_new_privs;
    int has_oom_score_adj, oom_score_adj;
    int start_mode; /* START_SOCKET, START_FIFO or START_NOW */
    int fifo_fd; /* START_FIFO: O_PATH of exec.fifo, opened before the clone */
    const char *console_socket; /* where a terminal's master goes (berth-shim oci) */
    struct plan_hook *hooks;
    int nhooks, nlines;
    char *hook_state[2]; /* the state documents for 'c' and 's' hooks, read after go */
    void *seccomp_filter; /* struct sock_filter[], decoded from the plan's hex; NULL: none */
    unsigned short seccomp_len; /* instructions */
    unsigned long seccomp_flags; /* SECCOMP_FILTER_FLAG_* */
};

int plan_read(const char *path, struct plan *plan, struct shim_err *err);

/* Frees what a monitor no longer needs once its process runs (the plan's text and lists: most
 * of an idle monitor's own heap), keeping copies of the log path and the exit command and every
 * number and flag. -1 when out of memory, the plan then left whole. */
int plan_shrink(struct plan *plan);

/* Runs in the cloned process: waits for go, builds the container, reports created, waits for
 * start, execs. Never returns. */
void container_run(struct plan *plan, int sync_fd) __attribute__((noreturn));

/* The monitor's event loop after the container reported created. Returns the exit code of
 * the shim. */
int monitor_run(struct plan *plan, pid_t pid, int sync_fd, int listen_fd, int stdin_fd,
                int out_fd, int err_fd, int tty_fd);

/* The reaper's loop (reaper.c); returns the shim's exit code. */
/* Serves monitors until idle for idle_ms while its spawner lives, orphan_idle_ms after. */
int reaper_run(int idle_ms, int orphan_idle_ms);

/* berth-shim oci <state folder> detach|wait: no monitor, the caller's own stdio. */
int oci_run(const char *folder, int wait);

/* Serves one connection (stdin and stdout) forked off by the reaper; returns the exit code. */
int shim_serve(void);

/* Handshake lines to Java on stdout. */
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void say_error(const struct shim_err *err);

/* With BERTH_TRACE_SHIM=<file> in the environment, appends "shim <pid> <monotonic ms> <step>"
 * to that file (the engine's BERTH_TRACE_START stamps use the same clock); nothing otherwise.
 * trace_open() is called once, before the clone, so the container process can stamp too. */
void trace_open(void);
void trace_mark(const char *step);

/* Small I/O helpers that retry on EINTR and short writes. */
int write_all(int fd, const void *buf, size_t len);
int write_file(const char *path, const char *text, struct shim_err *err);

#endif
