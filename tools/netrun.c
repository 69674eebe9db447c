/* netrun — run CLI commands on many devices over SSH. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "netrun.h"
#include "opts.h"


enum {
    O_FORMAT = 256, O_OUTDIR, O_TRANSCRIPT, O_CONFIG, O_CONFIG_FILE,
    O_COMMANDS_FILE, O_PLATFORM, O_HKP, O_KNOWN_HOSTS, O_CONNECT_TMO,
    O_COMMAND_TMO, O_HOST_TMO, O_DEADLINE, O_RETRIES, O_MAX_OUTPUT,
    O_SHOW_CRYPTO, O_PARSE, O_TEMPLATES, O_VERSION,
};

/* One table drives getopt_long, --help and the man page check. */
static const struct opt OPTS[] = {
    { "inventory", 'i', "SOURCE", "inventory (repeatable; default "
                                  "$NETRUN_INVENTORY)" },
    { "limit", 'l', "PATTERN", "host pattern (Ansible syntax)" },
    { "hosts", 'H', "HOSTS", "hosts by name or address: h1,user@h2:22,"
                             "[::1]:2222, @FILE or - (stdin)" },
    { "extra-vars", 'e', "K=V", "variable for every host, or @FILE "
                                "(repeatable)" },
    { "jobs", 'j', "N", "hosts at once (default 50)" },
    { "format", O_FORMAT, "FMT", "text, jsonl, json or csv (default text)" },
    { "out-dir", O_OUTDIR, "DIR", "also write DIR/HOST/COMMAND.txt per "
                                  "result, atomically" },
    { "transcript", O_TRANSCRIPT, "DIR", "write DIR/HOST.log: each "
                                         "session's bytes, secrets hidden" },
    { "config", O_CONFIG, "LINE", "config-mode line (repeatable)" },
    { "config-file", O_CONFIG_FILE, "FILE", "config-mode lines from FILE" },
    { "commands-file", O_COMMANDS_FILE, "FILE", "commands from FILE, one "
                                                "per line" },
    { "platform", O_PLATFORM, "NAME", "platform for hosts that set none" },
    { "user", 'u', "USER", "login user for hosts that set none" },
    { "ask-pass", 'k', NULL, "ask once for the password (no echo)" },
    { "jump", 'J', "HOSTS", "jump host(s) for hosts that set no jump_host: "
                            "[user@]host[:port][,...]" },
    { "host-key-policy", O_HKP, "P", "strict (default), accept-new or off" },
    { "known-hosts", O_KNOWN_HOSTS, "FILE", "known_hosts file (default "
                                            "$NETRUN_KNOWN_HOSTS or "
                                            "~/.ssh/known_hosts)" },
    { "ssh-config", 'F', "FILE", "ssh_config file (default ~/.ssh/config; "
                                 "'none')" },
    { "connect-timeout", O_CONNECT_TMO, "S", "TCP + SSH handshake + auth "
                                             "(default 10)" },
    { "command-timeout", O_COMMAND_TMO, "S", "each command (default 60)" },
    { "host-timeout", O_HOST_TMO, "S", "everything on one host (default "
                                       "none)" },
    { "deadline", O_DEADLINE, "S", "the whole run (default none)" },
    { "retries", O_RETRIES, "N", "retry failed connects N times with "
                                 "backoff (default 0)" },
    { "max-output", O_MAX_OUTPUT, "BYTES", "per command (default 64M; "
                                           "k/M/G)" },
    { "show-crypto", O_SHOW_CRYPTO, NULL, "add the negotiated SSH "
                                          "algorithms to each result" },
    { "parse", O_PARSE, NULL, "parse outputs with TextFSM templates "
                              "(\"parsed\")" },
    { "templates", O_TEMPLATES, "DIR", "template folder with an index "
                                       "(repeatable)" },
    { "quiet", 'q', NULL, "no progress, summary or warnings on stderr" },
    { "version", O_VERSION, NULL, "print the version" },
    { "help", 'h', NULL, "this help" },
};
#define NOPTS (sizeof(OPTS) / sizeof(OPTS[0]))

static volatile int stop_flag;
static volatile sig_atomic_t signals_seen;

static void on_signal(int sig)
{
    (void)sig;
    /* First signal: wind down cleanly; second: leave at once. */
    if (signals_seen++ > 0) {
        _exit(130);
    }
    stop_flag = 1;
}

static void usage(FILE *fp)
{
    fprintf(fp, "usage: netrun [-i INV] [-l PATTERN | -H HOSTS] [-j N] "
                "[--format FMT] [options] COMMAND...\n\n");
    opts_usage(fp, OPTS, NOPTS, NULL, 28);
}

/* Growing list of strings (borrowed or owned, see owned flag). */
struct strv {
    char **v;
    size_t n, cap;
};

static int strv_push(struct strv *s, const char *str)
{
    if (s->n == s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 16;
        void *g = realloc(s->v, nc * sizeof(char *));

        if (g == NULL) {
            return -1;
        }
        s->v = g;
        s->cap = nc;
    }
    s->v[s->n] = strdup(str);
    if (s->v[s->n] == NULL) {
        return -1;
    }
    s->n++;
    return 0;
}

static void strv_free(struct strv *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->v[i]);
    }
    free(s->v);
}

/* Lines of FILE (or stdin for "-"), skipping blanks and # comments when
 * skip_comments. */
static int read_lines(struct strv *out, const char *path, int skip_comments)
{
    FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int rc = 0;

    if (fp == NULL) {
        fprintf(stderr, "netrun: %s: %s\n", path, strerror(errno));
        return -1;
    }
    while ((n = getline(&line, &cap, fp)) >= 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) {
            line[--n] = '\0';
        }
        if (skip_comments) {
            char *p = line;

            while (*p == ' ' || *p == '\t') {
                p++;
            }
            if (*p == '\0' || *p == '#') {
                continue;
            }
        }
        if (strv_push(out, line) != 0) {
            rc = -1;
            break;
        }
    }
    free(line);
    if (fp != stdin) {
        fclose(fp);
    }
    return rc;
}

static int parse_seconds(const char *s, int *ms)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(s, &end);
    if (errno != 0 || end == s || *end != '\0' || v < 0 || v > 86400 * 30) {
        return -1;
    }
    *ms = (int)(v * 1000.0 + 0.5);
    return 0;
}

static int parse_size(const char *s, size_t *out)
{
    char *end;
    unsigned long long v;

    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno != 0 || end == s) {
        return -1;
    }
    switch (*end) {
    case 'k': case 'K': v <<= 10; end++; break;
    case 'm': case 'M': v <<= 20; end++; break;
    case 'g': case 'G': v <<= 30; end++; break;
    default: break;
    }
    if (*end != '\0' || v == 0 || v > (1ULL << 34)) {
        return -1;
    }
    *out = (size_t)v;
    return 0;
}

static char *ask_password(void)
{
    struct termios old, quiet;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    FILE *tty = fopen("/dev/tty", "r+");
    FILE *in = tty != NULL ? tty : stdin;
    int echo_off = 0;

    fprintf(tty != NULL ? tty : stderr, "Password: ");
    fflush(tty != NULL ? tty : stderr);
    if (tcgetattr(fileno(in), &old) == 0) {
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        echo_off = tcsetattr(fileno(in), TCSAFLUSH, &quiet) == 0;
    }
    n = getline(&line, &cap, in);
    if (echo_off) {
        tcsetattr(fileno(in), TCSAFLUSH, &old);
        fputc('\n', tty != NULL ? tty : stderr);
    }
    if (tty != NULL) {
        fclose(tty);
    }
    if (n < 0) {
        free(line);
        return NULL;
    }
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) {
        line[--n] = '\0';
    }
    return line;
}

/* ---- results ------------------------------------------------------ */

struct ctx {
    struct nr_out *out;
    enum nr_out_format fmt;
    const char *out_dir;
    int quiet;
    int progress;
    int broken_pipe;
    int write_failed;
    int64_t t0;
    int64_t last_draw;
    pthread_mutex_t lock;
};

static void safe_name(char *dst, size_t size, const char *src)
{
    size_t i = 0;

    for (; *src != '\0' && i + 1 < size; src++) {
        unsigned char c = (unsigned char)*src;

        dst[i++] = (c == '/' || c == ' ' || c == '|' || c < 0x20 ||
                    c == '\\' || c == ':' || c == '*' || c == '?')
                       ? '_' : (char)c;
    }
    if (i > 0 && dst[0] == '.') {
        dst[0] = '_';
    }
    dst[i] = '\0';
}

static void write_out_dir(struct ctx *cx, const struct nr_result *res)
{
    char host[256], cmd[200], path[4096];
    struct nr_err err = NR_ERR_INIT;
    char ebuf[800];

    safe_name(host, sizeof(host), res->host);
    safe_name(cmd, sizeof(cmd), res->command);
    snprintf(path, sizeof(path), "%s/%s", cx->out_dir, host);
    if (mkdir(path, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "netrun: %s: %s\n", path, strerror(errno));
        return;
    }
    snprintf(path, sizeof(path), "%s/%s/%s.txt", cx->out_dir, host, cmd);
    /* A failed command keeps the last good file rather than replacing it
     * with a fragment. */
    if (res->err->kind != NR_OK && res->output_len == 0) {
        return;
    }
    if (res->err->kind != NR_OK) {
        snprintf(path, sizeof(path), "%s/%s/%s.failed.txt", cx->out_dir,
                 host, cmd);
    }
    if (nr_file_replace(path, res->output, res->output_len, 0644, &err) != 0) {
        fprintf(stderr, "netrun: %s\n", nr_err_str(&err, ebuf, sizeof(ebuf)));
        cx->write_failed = 1;   /* the run did not do what was asked */
    }
}

static void on_result(void *payload, const struct nr_result *res,
                      struct nr_rec *rec)
{
    struct ctx *cx = payload;
    struct nr_err err = NR_ERR_INIT;

    if (cx->fmt == NR_OUT_TEXT) {
        char head[1024];
        char ebuf[800];
        int n;

        if (res->err->kind == NR_OK) {
            n = snprintf(head, sizeof(head), "=== %s: %s (ok, %lld ms)\n",
                         res->host, res->command,
                         (long long)res->elapsed_ms);
        } else {
            const char *kind = nr_err_kind_name(res->err->kind);
            const char *op = res->err->op;

            /* "[timeout in login]", or "[command]" when they agree. */
            snprintf(ebuf, sizeof(ebuf), "%s%s%s", kind,
                     op[0] != '\0' && strcmp(op, kind) != 0 ? " in " : "",
                     op[0] != '\0' && strcmp(op, kind) != 0 ? op : "");
            n = snprintf(head, sizeof(head), "=== %s: %s FAILED [%s]: %s\n",
                         res->host, res->command, ebuf, res->err->msg);
        }
        size_t hl = n > 0 ? ((size_t)n < sizeof(head) ? (size_t)n
                                                      : sizeof(head) - 1) : 0;
        size_t tl = hl + res->output_len + 2;
        char *t = malloc(tl);

        if (t != NULL) {
            memcpy(t, head, hl);
            memcpy(t + hl, res->output, res->output_len);
            tl = hl + res->output_len;
            if (res->output_len > 0 &&
                res->output[res->output_len - 1] != '\n') {
                t[tl++] = '\n';
            }
            nr_rec_text(rec, t, tl);
            free(t);
        }
    }
    if (cx->out_dir != NULL) {
        write_out_dir(cx, res);
    }
    pthread_mutex_lock(&cx->lock);
    if (cx->progress) {
        fputs("\r\033[K", stderr);   /* the bar must not mix with output */
    }
    pthread_mutex_unlock(&cx->lock);
    if (!cx->broken_pipe && nr_out_write(cx->out, rec, &err) != 0) {
        /* The reader left (`| head`): stop starting hosts, quietly. */
        cx->broken_pipe = 1;
        stop_flag = 1;
    }
}

static void on_progress(void *payload, size_t done, size_t failed,
                        size_t total)
{
    struct ctx *cx = payload;
    int64_t now = nr_now();
    double secs, rate;

    if (!cx->progress) {
        return;
    }
    pthread_mutex_lock(&cx->lock);
    if (done < total && now - cx->last_draw < 100) {
        pthread_mutex_unlock(&cx->lock);
        return;
    }
    cx->last_draw = now;
    secs = (double)(now - cx->t0) / 1000.0;
    rate = secs > 0 ? (double)done / secs : 0;
    fprintf(stderr, "\r\033[K[%zu/%zu] %zu failed, %.1f hosts/s, ETA %.0f s",
            done, total, failed, rate,
            rate > 0 ? (double)(total - done) / rate : 0.0);
    pthread_mutex_unlock(&cx->lock);
}

static int add_hosts_arg(struct strv *names, struct nr_inventory *inv,
                         const char *arg, struct nr_err *err)
{
    struct strv specs = { NULL, 0, 0 };
    int rc = -1;

    if (arg[0] == '@' || strcmp(arg, "-") == 0) {
        if (read_lines(&specs, arg[0] == '@' ? arg + 1 : "-", 1) != 0) {
            nr_err_set(err, NR_ERR_USAGE, NULL, "-H %s: cannot read", arg);
            goto out;
        }
    } else {
        const char *p = arg;

        while (*p != '\0') {
            size_t k = strcspn(p, ",");
            char *one = strndup(p, k);

            if (one == NULL || (k > 0 && strv_push(&specs, one) != 0)) {
                free(one);
                goto out;
            }
            free(one);
            p += k + (p[k] == ',');
        }
    }
    for (size_t i = 0; i < specs.n; i++) {
        const char *name = NULL;
        char *s = specs.v[i];

        while (*s == ' ' || *s == '\t') {
            s++;
        }
        if (*s == '\0') {
            continue;
        }
        if (nr_inventory_add_adhoc(inv, s, &name, err) != 0 ||
            strv_push(names, name) != 0) {
            goto out;
        }
    }
    rc = 0;
out:
    strv_free(&specs);
    return rc;
}

int main(int argc, char **argv)
{
    struct option lo[NOPTS + 1];
    char shorts[3 * NOPTS + 2];
    struct strv sources = { 0 }, extras = { 0 }, hosts_args = { 0 };
    struct strv commands = { 0 }, config = { 0 }, tdirs = { 0 };
    struct strv names = { 0 };
    const char *limit = NULL, *fmt_name = "text";
    struct nr_run_opts ro = NR_RUN_OPTS_INIT;
    struct nr_run_stats st;
    struct nr_inventory *inv = NULL;
    struct nr_hostset *set = NULL;
    struct nr_err err = NR_ERR_INIT;
    struct ctx cx;
    char ebuf[800];
    char *password = NULL;
    int c, rc = 2, ask = 0, ms;
    struct sigaction sa;

    memset(&cx, 0, sizeof(cx));
    pthread_mutex_init(&cx.lock, NULL);
    signal(SIGPIPE, SIG_IGN);
    opts_getopt(OPTS, NOPTS, NULL, "", lo, shorts);
    ro.known_hosts = getenv("NETRUN_KNOWN_HOSTS");
    while ((c = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
        int bad = 0;

        switch (c) {
        case 'i': bad = strv_push(&sources, optarg); break;
        case 'l': limit = optarg; break;
        case 'H': bad = strv_push(&hosts_args, optarg); break;
        case 'e': bad = strv_push(&extras, optarg); break;
        case 'j':
            ro.jobs = (int)strtol(optarg, NULL, 10);
            if (ro.jobs <= 0 || ro.jobs > 10000) {
                fprintf(stderr, "netrun: -j needs 1..10000\n");
                goto out;
            }
            break;
        case O_FORMAT: fmt_name = optarg; break;
        case O_OUTDIR: cx.out_dir = optarg; break;
        case O_TRANSCRIPT: ro.transcript_dir = optarg; break;
        case O_CONFIG: bad = strv_push(&config, optarg); break;
        case O_CONFIG_FILE: bad = read_lines(&config, optarg, 1); break;
        case O_COMMANDS_FILE: bad = read_lines(&commands, optarg, 1); break;
        case O_PLATFORM: ro.default_platform = optarg; break;
        case 'u': ro.default_user = optarg; break;
        case 'k': ask = 1; break;
        case 'J': ro.default_jump = optarg; break;
        case O_HKP:
            if (strcmp(optarg, "strict") == 0) {
                ro.host_key_policy = NR_HK_STRICT;
            } else if (strcmp(optarg, "accept-new") == 0) {
                ro.host_key_policy = NR_HK_ACCEPT_NEW;
            } else if (strcmp(optarg, "off") == 0) {
                ro.host_key_policy = NR_HK_OFF;
            } else {
                fprintf(stderr, "netrun: --host-key-policy is strict, "
                                "accept-new or off\n");
                goto out;
            }
            break;
        case O_KNOWN_HOSTS: ro.known_hosts = optarg; break;
        case 'F': ro.ssh_config = optarg; break;
        case O_CONNECT_TMO: case O_COMMAND_TMO: case O_HOST_TMO:
        case O_DEADLINE:
            if (parse_seconds(optarg, &ms) != 0) {
                fprintf(stderr, "netrun: bad number of seconds '%s'\n",
                        optarg);
                goto out;
            }
            if (c == O_CONNECT_TMO) {
                ro.connect_timeout_ms = ms;
            } else if (c == O_COMMAND_TMO) {
                ro.command_timeout_ms = ms;
            } else if (c == O_HOST_TMO) {
                ro.host_timeout_ms = ms;
            } else {
                ro.deadline = nr_now() + ms;
            }
            break;
        case O_RETRIES:
            ro.retries = (int)strtol(optarg, NULL, 10);
            if (ro.retries < 0 || ro.retries > 10) {
                fprintf(stderr, "netrun: --retries needs 0..10\n");
                goto out;
            }
            break;
        case O_MAX_OUTPUT:
            if (parse_size(optarg, &ro.max_output) != 0) {
                fprintf(stderr, "netrun: bad size '%s'\n", optarg);
                goto out;
            }
            break;
        case O_SHOW_CRYPTO: ro.show_crypto = 1; break;
        case O_PARSE: ro.parse = 1; break;
        case O_TEMPLATES: bad = strv_push(&tdirs, optarg); break;
        case 'q': cx.quiet = 1; break;
        case O_VERSION: printf("netrun %s\n", nr_version()); rc = 0; goto out;
        case 'h': usage(stdout); rc = 0; goto out;
        default: usage(stderr); goto out;
        }
        if (bad) {
            goto out;
        }
    }
    for (int i = optind; i < argc; i++) {
        if (strv_push(&commands, argv[i]) != 0) {
            goto out;
        }
    }
    if (commands.n == 0 && config.n == 0) {
        fprintf(stderr, "netrun: no command: give COMMAND arguments, "
                        "--commands-file or --config\n");
        usage(stderr);
        goto out;
    }
    if (nr_out_format_parse(&cx.fmt, fmt_name, &err) != 0) {
        fprintf(stderr, "netrun: %s\n", err.msg);
        goto out;
    }
    if (cx.out_dir != NULL && mkdir(cx.out_dir, 0755) != 0 &&
        errno != EEXIST) {
        fprintf(stderr, "netrun: --out-dir %s: %s\n", cx.out_dir,
                strerror(errno));
        goto out;
    }
    if (ro.transcript_dir != NULL && mkdir(ro.transcript_dir, 0700) != 0 &&
        errno != EEXIST) {
        fprintf(stderr, "netrun: --transcript %s: %s\n", ro.transcript_dir,
                strerror(errno));
        goto out;
    }
    if (sources.n == 0 && getenv("NETRUN_INVENTORY") != NULL &&
        getenv("NETRUN_INVENTORY")[0] != '\0') {
        if (strv_push(&sources, getenv("NETRUN_INVENTORY")) != 0) {
            goto out;
        }
    }
    if (sources.n == 0 && hosts_args.n == 0) {
        fprintf(stderr, "netrun: no hosts: use -i INVENTORY, -H HOSTS or set "
                        "NETRUN_INVENTORY\n");
        goto out;
    }
    if (nr_inventory_load(&inv, (const char *const *)sources.v, sources.n,
                          NULL, &err) != 0) {
        fprintf(stderr, "netrun: %s\n", nr_err_str(&err, ebuf, sizeof(ebuf)));
        goto out;
    }
    for (size_t i = 0; i < extras.n; i++) {
        if (nr_inventory_add_extra(inv, extras.v[i], &err) != 0) {
            fprintf(stderr, "netrun: %s\n",
                    nr_err_str(&err, ebuf, sizeof(ebuf)));
            goto out;
        }
    }
    if (hosts_args.n > 0) {
        for (size_t i = 0; i < hosts_args.n; i++) {
            if (add_hosts_arg(&names, inv, hosts_args.v[i], &err) != 0) {
                fprintf(stderr, "netrun: %s\n",
                        nr_err_str(&err, ebuf, sizeof(ebuf)));
                goto out;
            }
        }
    } else {
        if (nr_inventory_select(&set, inv, limit, &err) != 0) {
            fprintf(stderr, "netrun: %s\n",
                    nr_err_str(&err, ebuf, sizeof(ebuf)));
            goto out;
        }
        for (size_t i = 0; i < nr_hostset_count(set); i++) {
            if (strv_push(&names, nr_hostset_name(set, i)) != 0) {
                goto out;
            }
        }
    }
    if (names.n == 0) {
        fprintf(stderr, "netrun: no host matched\n");
        goto out;
    }
    if (ask) {
        password = ask_password();
        if (password == NULL) {
            fprintf(stderr, "netrun: no password read\n");
            goto out;
        }
        ro.default_password = password;
    }
    if (nr_global_init() != 0) {
        fprintf(stderr, "netrun: cannot initialise libssh\n");
        goto out;
    }
    if (nr_out_new(&cx.out, stdout, cx.fmt,
                   (const char *const[]){ "host", "command", "ok",
                                          "elapsed_ms", "exit_status",
                                          "error.kind", "error.message",
                                          "output" }, 8, &err) != 0) {
        fprintf(stderr, "netrun: %s\n", err.msg);
        goto out;
    }
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    cx.progress = !cx.quiet && isatty(2);
    cx.t0 = nr_now();
    ro.commands = (const char *const *)commands.v;
    ro.ncommands = commands.n;
    ro.config = (const char *const *)config.v;
    ro.nconfig = config.n;
    ro.template_dirs = (const char *const *)tdirs.v;
    ro.ntemplate_dirs = tdirs.n;
    ro.stop = &stop_flag;
    ro.on_result = on_result;
    ro.on_progress = on_progress;
    ro.payload = &cx;
    if (nr_run(inv, (const char *const *)names.v, names.n, &ro, &st,
               &err) != 0) {
        fprintf(stderr, "netrun: %s\n", nr_err_str(&err, ebuf, sizeof(ebuf)));
        goto out;
    }
    if (!cx.broken_pipe) {
        (void)nr_out_finish(cx.out, &err);
    }
    if (cx.progress) {
        fputs("\r\033[K", stderr);
    }
    if (!cx.quiet) {
        fprintf(stderr, "netrun: %zu host%s: %zu ok, %zu failed%s in %.2f s"
                        "%s\n", st.hosts, st.hosts == 1 ? "" : "s", st.ok,
                st.failed, st.not_started ? " (some not started)" : "",
                (double)st.wall_ms / 1000.0,
                stop_flag && !cx.broken_pipe ? " (interrupted)" : "");
    }
    rc = st.failed > 0 || cx.write_failed ? 1 : 0;
out:
    if (password != NULL) {
        explicit_bzero(password, strlen(password));
        free(password);
    }
    nr_out_free(cx.out);
    nr_hostset_free(set);
    nr_inventory_free(inv);
    strv_free(&sources);
    strv_free(&extras);
    strv_free(&hosts_args);
    strv_free(&commands);
    strv_free(&config);
    strv_free(&tdirs);
    strv_free(&names);
    pthread_mutex_destroy(&cx.lock);
    return rc;
}
