/* The plan: what Java decided, one record per line, fields separated by tabs. A backslash,
 * tab or newline inside a value comes as \\, \t or \n (io.berth.runtime.PlanText); NUL
 * never comes. Numbers are decimal.
 *
 *   clone      <CLONE_NEW* flags to create>
 *   join       <CLONE_NEW* type>  <namespace path>
 *   cgroupns   1                            (unshare after the cgroup placement)
 *   timens     <monotonic s> <ns> <boottime s> <ns>
 *   lo         1                            (bring loopback up)
 *   stdin      1                            (keep a stdin pipe)
 *   terminal   <rows> <cols>                (a pty as stdio; 0 0 for the default size)
 *   log        <CRI log file>
 *   logmax     <bytes a file may hold> <files kept, the live one included>
 *   hostname   <name>          domainname <name>
 *   root       <path> <readonly 0|1> <MS_ propagation flags for / at the end, or 0>
 *   mount      <src> <dst> <type> <MS_ flags> <MS_ propagation> <data> <f|d> <bind 0|1>
 *   device     <path> <c|b|p|u> <major> <minor> <mode> <uid> <gid> <host path>
 *   symlink    <link path> <target>
 *   mask       <path>          readonly <path>
 *   rlimit     <RLIMIT_ number> <soft> <hard>
 *   sysctl     <key> <value>
 *   env        <K=V>           arg <argument>     (in order)
 *   groups     <gid>...
 *   caps       <bounding> <effective> <permitted> <inheritable> <ambient>   (bit masks)
 *   user       <uid> <gid> <umask or -1>
 *   cwd        <path>          nnp 1            oom <score>
 *   exec       1        (into a running container: every namespace joined, no root to build)
 *   init       1           (stay as pid 1: fork the command, forward signals, reap zombies)
 *   exitcmd    <argument>  (in order: what the monitor runs after it wrote the exit file)
 *   start      fifo|now    (berth-shim oci: how the created process waits; else the monitor's)
 *   console    <socket>    (berth-shim oci: where a terminal's master goes, SCM_RIGHTS)
 *   hook       <c|s> <timeout s, 0: none> <path>   (createContainer or startContainer)
 *   hookarg    <argument>  hookenv <K=V>            (in order, for the hook above them)
 *   seccomp    <SECCOMP_FILTER_FLAG_ bits> <struct sock_filter[] in hex, native byte order>
 */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_FIELDS 10

static int read_text(const char *path, char **out, struct shim_err *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return fail(err, errno, "open plan %s", path);

    struct stat st;
    if (fstat(fd, &st) < 0) {
        int e = errno;
        close(fd);
        return fail(err, e, "stat plan %s", path);
    }

    char *text = malloc(st.st_size + 1);
    if (text == NULL) {
        close(fd);
        return fail(err, ENOMEM, "read plan %s", path);
    }

    size_t done = 0;
    while (done < (size_t) st.st_size) {
        ssize_t n = read(fd, text + done, st.st_size - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int e = n < 0 ? errno : EIO;
            free(text);
            close(fd);
            return fail(err, e, "read plan %s", path);
        }
        done += n;
    }
    text[done] = '\0';
    close(fd);
    *out = text;
    return 0;
}

static int count_lines(const char *text)
{
    int n = 1;
    for (const char *p = text; *p; p++)
        if (*p == '\n')
            n++;
    return n;
}

/* Undoes PlanText's escapes in place: the value only shrinks. */
static void unescape(char *s)
{
    char *to = s;
    for (char *p = s; *p; p++) {
        if (*p == '\\' && p[1] != '\0') {
            p++;
            *to++ = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p;
        } else {
            *to++ = *p;
        }
    }
    *to = '\0';
}

static int split(char *line, char **fields)
{
    int n = 0;
    fields[n++] = line;
    for (char *p = line; *p && n < MAX_FIELDS; p++) {
        if (*p == '\t') {
            *p = '\0';
            fields[n++] = p + 1;
        }
    }
    for (int i = 0; i < n; i++)
        unescape(fields[i]);
    return n;
}

static uint64_t num(const char *s)
{
    return strtoull(s, NULL, 10);
}

static int64_t snum(const char *s)
{
    return strtoll(s, NULL, 10);
}

static int alloc_arrays(struct plan *p, int lines, struct shim_err *err)
{
    p->joins = calloc(lines, sizeof(*p->joins));
    p->mounts = calloc(lines, sizeof(*p->mounts));
    p->devices = calloc(lines, sizeof(*p->devices));
    p->symlinks = calloc(lines, sizeof(*p->symlinks));
    p->masked = calloc(lines, sizeof(*p->masked));
    p->readonly = calloc(lines, sizeof(*p->readonly));
    p->rlimits = calloc(lines, sizeof(*p->rlimits));
    p->sysctls = calloc(lines, sizeof(*p->sysctls));
    p->env = calloc(lines + 1, sizeof(*p->env));
    p->argv = calloc(lines + 1, sizeof(*p->argv));
    p->exit_argv = calloc(lines + 1, sizeof(*p->exit_argv));
    p->groups = calloc(MAX_FIELDS * lines, sizeof(*p->groups));
    p->hooks = calloc(lines, sizeof(*p->hooks));
    p->nlines = lines;
    if (!p->joins || !p->mounts || !p->devices || !p->symlinks || !p->masked || !p->readonly
        || !p->rlimits || !p->sysctls || !p->env || !p->argv || !p->exit_argv || !p->groups
        || !p->hooks)
        return fail(err, ENOMEM, "allocate plan");
    return 0;
}

static void add_mount(struct plan *p, char **f)
{
    struct plan_mount *m = &p->mounts[p->nmounts++];
    m->src = f[1];
    m->dst = f[2];
    m->type = f[3];
    m->flags = num(f[4]);
    m->propagation = num(f[5]);
    m->data = f[6];
    m->is_file = f[7][0] == 'f';
    m->is_bind = f[8][0] == '1';
}

static void add_device(struct plan *p, char **f)
{
    struct plan_device *d = &p->devices[p->ndevices++];
    d->path = f[1];
    d->type = f[2][0];
    d->major = num(f[3]);
    d->minor = num(f[4]);
    d->mode = num(f[5]);
    d->uid = snum(f[6]);
    d->gid = snum(f[7]);
    d->host_path = f[8];
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Decodes the program in place (the hex text is twice its size, so it fits behind itself). */
static int add_seccomp(struct plan *p, char **f)
{
    char *hex = f[2];
    size_t len = strlen(hex);
    if (len == 0 || len % 16 != 0 || len / 16 > 4096)
        return -1; /* whole 8-byte instructions, at most BPF_MAXINSNS */
    unsigned char *out = (unsigned char *) hex;
    for (size_t i = 0; i < len; i += 2) {
        int hi = hex_digit(hex[i]), lo = hex_digit(hex[i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        out[i / 2] = hi << 4 | lo;
    }
    p->seccomp_filter = out;
    p->seccomp_len = len / 16;
    p->seccomp_flags = num(f[1]);
    return 0;
}

static int add_hook(struct plan *p, char **f)
{
    struct plan_hook *h = &p->hooks[p->nhooks];
    h->phase = f[1][0];
    h->timeout = num(f[2]);
    h->path = f[3];
    h->argv = calloc(p->nlines + 1, sizeof(*h->argv));
    h->env = calloc(p->nlines + 1, sizeof(*h->env));
    if (!h->argv || !h->env)
        return -1;
    p->nhooks++;
    return 0;
}

/* Each record kind with the number of fields it needs, its keyword included. */
static int apply_record(struct plan *p, char **f, int n)
{
    const char *k = f[0];
    if (!strcmp(k, "clone") && n >= 2) {
        p->clone_flags = num(f[1]);
    } else if (!strcmp(k, "join") && n >= 3) {
        p->joins[p->njoins].type = num(f[1]);
        p->joins[p->njoins++].path = f[2];
    } else if (!strcmp(k, "cgroupns")) {
        p->new_cgroupns = 1;
    } else if (!strcmp(k, "timens") && n >= 5) {
        p->new_timens = 1;
        p->mono_secs = snum(f[1]);
        p->mono_nanos = snum(f[2]);
        p->boot_secs = snum(f[3]);
        p->boot_nanos = snum(f[4]);
    } else if (!strcmp(k, "lo")) {
        p->lo_up = 1;
    } else if (!strcmp(k, "stdin")) {
        p->stdin_open = 1;
    } else if (!strcmp(k, "terminal") && n >= 3) {
        p->terminal = 1;
        p->rows = num(f[1]);
        p->cols = num(f[2]);
    } else if (!strcmp(k, "log") && n >= 2) {
        p->log_path = f[1];
    } else if (!strcmp(k, "logmax") && n >= 3) {
        p->log_max_size = snum(f[1]);
        p->log_max_files = num(f[2]);
    } else if (!strcmp(k, "hostname") && n >= 2) {
        p->hostname = f[1];
    } else if (!strcmp(k, "domainname") && n >= 2) {
        p->domainname = f[1];
    } else if (!strcmp(k, "root") && n >= 4) {
        p->root = f[1];
        p->root_readonly = f[2][0] == '1';
        p->root_propagation = num(f[3]);
    } else if (!strcmp(k, "mount") && n >= 9) {
        add_mount(p, f);
    } else if (!strcmp(k, "device") && n >= 9) {
        add_device(p, f);
    } else if (!strcmp(k, "symlink") && n >= 3) {
        p->symlinks[p->nsymlinks].key = f[1];
        p->symlinks[p->nsymlinks++].value = f[2];
    } else if (!strcmp(k, "mask") && n >= 2) {
        p->masked[p->nmasked++] = f[1];
    } else if (!strcmp(k, "readonly") && n >= 2) {
        p->readonly[p->nreadonly++] = f[1];
    } else if (!strcmp(k, "rlimit") && n >= 4) {
        p->rlimits[p->nrlimits].resource = num(f[1]);
        p->rlimits[p->nrlimits].soft = num(f[2]);
        p->rlimits[p->nrlimits++].hard = num(f[3]);
    } else if (!strcmp(k, "sysctl") && n >= 3) {
        p->sysctls[p->nsysctls].key = f[1];
        p->sysctls[p->nsysctls++].value = f[2];
    } else if (!strcmp(k, "env") && n >= 2) {
        p->env[p->nenv++] = f[1];
    } else if (!strcmp(k, "arg") && n >= 2) {
        p->argv[p->nargv++] = f[1];
    } else if (!strcmp(k, "groups")) {
        for (int i = 1; i < n; i++)
            p->groups[p->ngroups++] = num(f[i]);
    } else if (!strcmp(k, "caps") && n >= 6) {
        p->has_caps = 1;
        p->cap_bounding = num(f[1]);
        p->cap_effective = num(f[2]);
        p->cap_permitted = num(f[3]);
        p->cap_inheritable = num(f[4]);
        p->cap_ambient = num(f[5]);
    } else if (!strcmp(k, "user") && n >= 4) {
        p->uid = num(f[1]);
        p->gid = num(f[2]);
        p->umask = snum(f[3]);
    } else if (!strcmp(k, "cwd") && n >= 2) {
        p->cwd = f[1];
    } else if (!strcmp(k, "exitcmd") && n >= 2) {
        p->exit_argv[p->nexit_argv++] = f[1];
    } else if (!strcmp(k, "hook") && n >= 4) {
        return add_hook(p, f);
    } else if (!strcmp(k, "hookarg") && n >= 2 && p->nhooks > 0) {
        struct plan_hook *h = &p->hooks[p->nhooks - 1];
        h->argv[h->nargv++] = f[1];
    } else if (!strcmp(k, "hookenv") && n >= 2 && p->nhooks > 0) {
        struct plan_hook *h = &p->hooks[p->nhooks - 1];
        h->env[h->nenv++] = f[1];
    } else if (!strcmp(k, "start") && n >= 2) {
        p->start_mode = !strcmp(f[1], "fifo") ? START_FIFO : START_NOW;
    } else if (!strcmp(k, "console") && n >= 2) {
        p->console_socket = f[1];
    } else if (!strcmp(k, "seccomp") && n >= 3) {
        return add_seccomp(p, f);
    } else if (!strcmp(k, "init")) {
        p->init = 1;
    } else if (!strcmp(k, "initname") && n >= 2) {
        p->init_name = f[1];
    } else if (!strcmp(k, "exec")) {
        p->exec = 1;
    } else if (!strcmp(k, "nnp")) {
        p->no_new_privs = 1;
    } else if (!strcmp(k, "oom") && n >= 2) {
        p->has_oom_score_adj = 1;
        p->oom_score_adj = snum(f[1]);
    } else {
        return -1;
    }
    return 0;
}

int plan_read(const char *path, struct plan *p, struct shim_err *err)
{
    memset(p, 0, sizeof(*p));
    p->umask = -1;
    p->fifo_fd = -1;
    if (read_text(path, &p->text, err) < 0)
        return -1;

    if (alloc_arrays(p, count_lines(p->text), err) < 0)
        return -1;

    char *save = NULL;
    for (char *line = strtok_r(p->text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *fields[MAX_FIELDS];
        int n = split(line, fields);
        if (apply_record(p, fields, n) < 0)
            return fail(err, EINVAL, "plan %s: bad record \"%s\" with %d fields", path,
                        fields[0], n);
    }

    if ((p->root == NULL && !p->exec) || p->nargv == 0 || p->njoins > 16)
        return fail(err, EINVAL, "plan %s: no root, no argv or over 16 joins", path);
    return 0;
}

static size_t kept_size(const struct plan *p)
{
    size_t size = (p->nexit_argv + 1) * sizeof(char *) + strlen(p->log_path ? p->log_path : "");
    for (int i = 0; i < p->nexit_argv; i++)
        size += strlen(p->exit_argv[i]) + 1;
    return size + 1;
}

static void free_all(struct plan *p)
{
    for (int i = 0; i < p->nhooks; i++) {
        free(p->hooks[i].argv);
        free(p->hooks[i].env);
    }
    void *blocks[] = {p->joins, p->mounts, p->devices, p->symlinks, p->masked, p->readonly,
                      p->rlimits, p->sysctls, p->env, p->argv, p->exit_argv, p->groups,
                      p->hooks, p->text};
    for (size_t i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++)
        free(blocks[i]);
}

int plan_shrink(struct plan *p)
{
    char **argv = malloc(kept_size(p));
    if (argv == NULL)
        return -1;
    char *at = (char *) (argv + p->nexit_argv + 1);
    for (int i = 0; i < p->nexit_argv; i++) {
        argv[i] = strcpy(at, p->exit_argv[i]);
        at += strlen(at) + 1;
    }
    argv[p->nexit_argv] = NULL;
    const char *log_path = strcpy(at, p->log_path ? p->log_path : "");

    /* Every pointer into what is freed goes, with its count; numbers and flags (the log's
     * rotation limits, say) stay as the plan said. */
    free_all(p);
    p->text = NULL;
    p->joins = NULL;
    p->hostname = p->domainname = p->root = p->cwd = p->console_socket = NULL;
    p->mounts = NULL;
    p->devices = NULL;
    p->symlinks = p->sysctls = NULL;
    p->masked = p->readonly = p->env = p->argv = NULL;
    p->rlimits = NULL;
    p->groups = NULL;
    p->hooks = NULL;
    p->seccomp_filter = NULL; /* it was decoded in place, inside the text */
    p->njoins = p->nmounts = p->ndevices = p->nsymlinks = p->nmasked = p->nreadonly = 0;
    p->nrlimits = p->nsysctls = p->nenv = p->nargv = p->ngroups = p->nhooks = 0;
    p->seccomp_len = 0;
    p->exit_argv = (const char **) argv;
    p->log_path = log_path;
    return 0;
}
