/* runner.c — run commands on many hosts at once: a fixed pool of
 * threads takes hosts in order; each host is independent, bounded by its
 * own deadlines, and reports every (host, command) pair exactly once. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"
#include "netrun.h"
#include "platform.h"
#include "fiber.h"
#include "ssh.h"

/* Per host: a thousand hosts must fit in a few hundred MB. */
#define HOST_STACK ((size_t)512 << 10)
#define MAX_HOPS 8

int nr_global_init(void)
{
    return nr_ssh__global_init();
}

int64_t nr_now(void)
{
    return nr_now_ms();
}

/* Profiles and templates are loaded once per run and shared read-only
 * by the workers. */
struct cache_entry {
    char *key;
    void *obj;          /* struct nr_platform * or struct nr_tfsm * */
    struct nr_err err;  /* why it failed to load, when obj is NULL */
};

struct cache {
    pthread_mutex_t lock;
    struct cache_entry *v;
    size_t n, cap;
};

/* Per-host settings, copied out of the inventory before the workers
 * start (the inventory is not thread-safe; the workers never touch it). */
struct hostcfg {
    char *name, *addr, *user, *password, *key_file, *platform, *enable;
    char *kex, *ciphers, *macs, *hostkeys, *jump;
    char *bind;                  /* ssh_config BindAddress (first hop) */
    int port;
};

/* What a host needs before its thread starts, resolved up front so the
 * workers share no lock over the inventory or the profile cache. */
struct prep {
    struct hostcfg hc;
    struct hostcfg jcfg[MAX_HOPS];
    struct nr_ssh_target hops[MAX_HOPS];
    size_t nhops;
    const struct nr_platform *p;
    struct nr_err err;     /* set when preparing failed */
};

struct run {
    struct prep *prep;
    struct nr_inventory *inv;
    const char *const *names;
    size_t n;
    const struct nr_run_opts *o;
    int config_may_jump;         /* some ssh_config mentions a proxy */
    int config_may_bind;         /* ... or a BindAddress */
    struct nr_ssh_kh *kh;        /* known_hosts snapshot (owned) */
    struct nr_ssh_keys *keys;    /* key files read once (owned) */
    int kh_order;                /* see nr_ssh_opts */
    atomic_size_t done, failed, not_started;
    struct cache platforms;
    struct cache templates;      /* template paths -> loaded nr_tfsm */
    struct cache selections;     /* "platform\ncommand" -> borrowed nr_tfsm;
                                    guarded by templates.lock */
    char **tdirs;
    size_t ntdirs;
};

static struct cache_entry *cache_find(struct cache *c, const char *key)
{
    for (size_t i = 0; i < c->n; i++) {
        if (strcmp(c->v[i].key, key) == 0) {
            return &c->v[i];
        }
    }
    return NULL;
}

static struct cache_entry *cache_add(struct cache *c, const char *key)
{
    if (c->n == c->cap) {
        size_t nc = c->cap ? c->cap * 2 : 8;
        void *g = realloc(c->v, nc * sizeof(*c->v));

        if (g == NULL) {
            return NULL;
        }
        c->v = g;
        c->cap = nc;
    }
    memset(&c->v[c->n], 0, sizeof(c->v[c->n]));
    c->v[c->n].key = strdup(key);
    if (c->v[c->n].key == NULL) {
        return NULL;
    }
    return &c->v[c->n++];
}

/* Called only while preparing, before the workers start: no lock. */
static const struct nr_platform *get_platform(struct run *r, const char *name,
                                              struct nr_err *err)
{
    struct cache_entry *e;
    const struct nr_platform *p = NULL;

    e = cache_find(&r->platforms, name);
    if (e == NULL) {
        e = cache_add(&r->platforms, name);
        if (e != NULL &&
            nr_platform__load((struct nr_platform **)&e->obj, name,
                              r->o->platform_dirs, r->o->nplatform_dirs,
                              &e->err) != 0) {
            e->obj = NULL;
        }
    }
    if (e == NULL) {
        nr_err_set(err, NR_ERR_LIMIT, "platform", "out of memory");
    } else if (e->obj == NULL) {
        *err = e->err;
    } else {
        p = e->obj;
    }
    return p;
}

/* Load (once) the template at paths; called with templates.lock held. */
static struct cache_entry *load_template(struct run *r, const char *paths)
{
    struct cache_entry *e = cache_find(&r->templates, paths);

    if (e == NULL) {
        e = cache_add(&r->templates, paths);
        if (e != NULL && nr_tfsm_load((struct nr_tfsm **)&e->obj, paths,
                                      &e->err) != 0) {
            e->obj = NULL;
            e->err.kind = NR_ERR_PARSE;
        }
    }
    return e;
}

/* The template for (platform, command): NULL with err kind NR_OK when
 * there is none (not an error), NULL with err set when it is broken.
 * The index is consulted once per pair, not once per host. */
static const struct nr_tfsm *get_template(struct run *r, const char *platform,
                                          const char *command,
                                          struct nr_err *err)
{
    struct nr_buf key = NR_BUF_INIT(1 << 16);
    struct cache_entry *sel, *e;
    const struct nr_tfsm *t = NULL;

    if (nr_buf_printf(&key, "%s\n%s", platform, command) != 0) {
        nr_err_set(err, NR_ERR_LIMIT, "parse", "command too long");
        return NULL;
    }
    pthread_mutex_lock(&r->templates.lock);
    sel = cache_find(&r->selections, key.data);
    if (sel == NULL) {
        char *paths = NULL;
        struct nr_err none = NR_ERR_INIT;

        sel = cache_add(&r->selections, key.data);
        if (sel != NULL && nr_tfsm_select(&paths, (const char *const *)r->tdirs,
                                          r->ntdirs, platform, command,
                                          &none) == 0) {
            /* No index row leaves obj NULL and err NR_OK: no template. */
            e = load_template(r, paths);
            if (e == NULL) {
                nr_err_set(&sel->err, NR_ERR_LIMIT, "parse", "out of memory");
            } else {
                sel->obj = e->obj;
                sel->err = e->err;
            }
        }
        free(paths);
    }
    if (sel == NULL) {
        nr_err_set(err, NR_ERR_LIMIT, "parse", "out of memory");
    } else if (sel->obj == NULL) {
        *err = sel->err;
    } else {
        t = sel->obj;
    }
    pthread_mutex_unlock(&r->templates.lock);
    nr_buf_dispose(&key);
    return t;
}

static void hostcfg_dispose(struct hostcfg *h)
{
    char **strs[] = { &h->name, &h->addr, &h->user, &h->password,
                      &h->key_file, &h->platform, &h->enable, &h->kex,
                      &h->ciphers, &h->macs, &h->hostkeys, &h->jump,
                      &h->bind };

    for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
        if (*strs[i] != NULL) {
            /* Secrets leave memory when we are done with them. */
            explicit_bzero(*strs[i], strlen(*strs[i]));
            free(*strs[i]);
            *strs[i] = NULL;
        }
    }
}

static char *dup_or(const char *a, const char *b)
{
    const char *v = a != NULL ? a : b;

    return v != NULL ? strdup(v) : NULL;
}

static int port_of(const char *s, int *port)
{
    char *end;
    long v;

    if (s == NULL) {
        *port = 0;
        return 0;
    }
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < 1 || v > 65535) {
        return -1;
    }
    *port = (int)v;
    return 0;
}

static int load_hostcfg(struct run *r, const char *name, struct hostcfg *hc,
                        struct nr_err *err)
{
    struct nr_host *h = NULL;
    const struct nr_run_opts *o = r->o;
    int rc = -1;

    memset(hc, 0, sizeof(*hc));
    if (nr_inventory_host(&h, r->inv, name, err) != 0) {
        goto out;
    }
    hc->name = strdup(name);
    hc->addr = dup_or(nr_host_get(h, "host"), name);
    hc->user = dup_or(nr_host_get(h, "user"), o->default_user);
    hc->password = dup_or(nr_host_get(h, "password"), o->default_password);
    hc->key_file = dup_or(nr_host_get(h, "key_file"), NULL);
    if (hc->key_file != NULL && hc->key_file[0] == '\0') {
        free(hc->key_file);   /* -e key_file= switches key auth off */
        hc->key_file = NULL;
    }
    hc->platform = dup_or(nr_host_get(h, "platform"), o->default_platform);
    hc->enable = dup_or(nr_host_get(h, "enable_secret"), NULL);
    hc->kex = dup_or(nr_host_get(h, "ssh_kex"), NULL);
    hc->ciphers = dup_or(nr_host_get(h, "ssh_ciphers"), NULL);
    hc->macs = dup_or(nr_host_get(h, "ssh_macs"), NULL);
    hc->hostkeys = dup_or(nr_host_get(h, "ssh_hostkeys"), NULL);
    hc->jump = dup_or(nr_host_get(h, "jump_host"), o->default_jump);
    if (port_of(nr_host_get(h, "port"), &hc->port) != 0) {
        nr_err_set(err, NR_ERR_USAGE, "inventory", "port '%s' is not a TCP "
                   "port", nr_host_get(h, "port"));
        goto out;
    }
    if (hc->name == NULL || hc->addr == NULL) {
        nr_err_set(err, NR_ERR_LIMIT, "inventory", "out of memory");
        goto out;
    }
    if (hc->platform == NULL) {
        nr_err_set(err, NR_ERR_USAGE, "inventory", "no platform (set "
                   "platform or ansible_network_os, or give --platform)");
        goto out;
    }
    rc = 0;
out:
    nr_host_free(h);
    return rc;
}

/* ---- reporting ------------------------------------------------------ */

struct hostrun {
    struct run *r;
    struct hostcfg hc;
    struct nr_buf transcript;
    size_t index;           /* results reported so far */
    int any_failed;
    const char *crypto;
    struct nr_buf notes;
};

static void report(struct hostrun *hr, const char *command, const char *out,
                   size_t len, const struct nr_err *e, int exit_status,
                   int64_t elapsed, const struct nr_tfsm *tpl,
                   const struct nr_err *parse_err, int parse_none)
{
    const struct nr_run_opts *o = hr->r->o;
    struct nr_rec *rec = nr_rec_new(hr->hc.name);
    struct nr_result res;
    struct nr_err pe = NR_ERR_INIT;
    static const struct nr_err ok = NR_ERR_INIT;
    const struct nr_err *final;

    if (rec == NULL) {
        return;
    }
    if (e == NULL) {
        e = &ok;   /* callers pass NULL for success; the callback never does */
    }
    final = e;
    nr_rec_strz(rec, "command", command);
    /* A broken template for good output fails the pair as a parse error. */
    if (e->kind == NR_OK && parse_err != NULL &&
        parse_err->kind != NR_OK) {
        final = parse_err;
    }
    nr_rec_result(rec, final);
    nr_rec_str(rec, "output", out, len);
    nr_rec_int(rec, "elapsed_ms", elapsed);
    if (exit_status >= 0) {
        nr_rec_int(rec, "exit_status", exit_status);
    }
    if (hr->hc.platform != NULL) {
        nr_rec_strz(rec, "platform", hr->hc.platform);
    }
    if (o->show_crypto && hr->crypto != NULL) {
        nr_rec_strz(rec, "crypto", hr->crypto);
    }
    if (o->parse && e->kind == NR_OK) {
        struct nr_tfsm_records *recs = NULL;
        char *json = NULL;
        size_t jl = 0;

        if (tpl != NULL && nr_tfsm_parse(&recs, tpl, out, len, &pe) == 0 &&
            nr_tfsm_records_format(&json, &jl, recs, NR_TFSM_JSON, &pe) == 0 &&
            nr_rec_json(rec, "parsed", json, jl, &pe) == 0) {
            /* parsed */
        } else {
            nr_rec_null(rec, "parsed");
            if (parse_none) {
                nr_rec_push_str(rec, "notes", "no template for this "
                                "platform and command");
            } else if (pe.kind != NR_OK && final == e) {
                pe.kind = NR_ERR_PARSE;
                nr_rec_result(rec, &pe);
                final = &pe;
            }
        }
        free(json);
        nr_tfsm_records_free(recs);
    }
    if (hr->notes.len > 0) {
        nr_rec_push_str(rec, "notes", hr->notes.data);
    }
    if (final != NULL && final->kind != NR_OK) {
        hr->any_failed = 1;
    }
    memset(&res, 0, sizeof(res));
    res.host = hr->hc.name;
    res.command = command;
    res.index = hr->index++;
    res.output = out;
    res.output_len = len;
    res.err = final;
    res.exit_status = exit_status;
    res.elapsed_ms = elapsed;
    if (o->on_result != NULL) {
        o->on_result(o->payload, &res, rec);
    }
    nr_rec_free(rec);
}

/* Every command not run (yet) gets the error that stopped the host. */
static void report_rest(struct hostrun *hr, size_t from_cmd, int config_left,
                        const struct nr_err *e)
{
    const struct nr_run_opts *o = hr->r->o;

    if (config_left) {
        report(hr, "configure", "", 0, e, -1, 0, NULL, NULL, 0);
    }
    for (size_t i = from_cmd; i < o->ncommands; i++) {
        report(hr, o->commands[i], "", 0, e, -1, 0, NULL, NULL, 0);
    }
}

static void tap_fn(void *payload, char dir, const char *data, size_t len)
{
    struct hostrun *hr = payload;

    /* The transcript is what a terminal would have shown: the device's
     * bytes (its echo included); what we typed as a secret shows as
     * stars. */
    if (dir == '<' || (len == 8 && memcmp(data, "********", 8) == 0)) {
        (void)nr_buf_add(&hr->transcript, data, len);
    }
}

static void save_transcript(struct hostrun *hr)
{
    const char *dir = hr->r->o->transcript_dir;
    struct nr_buf path = NR_BUF_INIT(8192);
    struct nr_err e = NR_ERR_INIT;
    char safe[256];
    size_t i;

    if (dir == NULL) {
        return;
    }
    for (i = 0; hr->hc.name[i] != '\0' && i < sizeof(safe) - 1; i++) {
        char c = hr->hc.name[i];

        safe[i] = (c == '/' || c == '\0' || (i == 0 && c == '.')) ? '_' : c;
    }
    safe[i] = '\0';
    if (nr_buf_printf(&path, "%s/%s.log", dir, safe) == 0) {
        (void)nr_file_replace(path.data, nr_buf_str(&hr->transcript),
                              hr->transcript.len, 0600, &e);
    }
    nr_buf_dispose(&path);
}

/* ---- one host --------------------------------------------------------- */

static int64_t min_deadline(int64_t a, int64_t b)
{
    if (a == 0) {
        return b;
    }
    if (b == 0) {
        return a;
    }
    return a < b ? a : b;
}

/* Split "a,b" jump specs into hops (each an inventory host or
 * [user@]host[:port]); the target last. */
static int build_hops(struct run *r, struct hostcfg *hc,
                      struct nr_ssh_target *hops, struct hostcfg *jcfg,
                      size_t *nhops, struct nr_err *err)
{
    size_t n = 0;
    char *list = NULL, *save = NULL, *tok;
    int rc = -1;

    /* No jump_host or -J: ssh_config's ProxyJump for the address, taken
     * over as our own jump chain (libssh would spawn ssh for it). */
    if (hc->jump == NULL && r->config_may_jump &&
        nr_ssh__config_jump(&hc->jump, hc->addr, r->o->ssh_config) != 0) {
        nr_err_set(err, NR_ERR_LIMIT, "connect", "out of memory");
        goto out;
    }
    if (hc->jump != NULL && hc->jump[0] != '\0' &&
        strcmp(hc->jump, "none") != 0) {
        list = strdup(hc->jump);
        if (list == NULL) {
            nr_err_set(err, NR_ERR_LIMIT, "connect", "out of memory");
            goto out;
        }
        for (tok = strtok_r(list, ",", &save); tok != NULL;
             tok = strtok_r(NULL, ",", &save)) {
            const char *jname = NULL;
            struct nr_err je = NR_ERR_INIT;

            if (n + 1 >= MAX_HOPS) {
                nr_err_set(err, NR_ERR_USAGE, "connect", "more than %d jump "
                           "hosts", MAX_HOPS - 1);
                goto out;
            }
                    rc = nr_inventory_add_adhoc(r->inv, tok, &jname, err);
                    if (rc != 0) {
                goto out;
            }
            rc = -1;
            /* A jump host needs no platform: only its address and
             * credentials count. */
            if (load_hostcfg(r, jname, &jcfg[n], &je) != 0 &&
                jcfg[n].name == NULL) {
                *err = je;
                goto out;
            }
            n++;
        }
    }
    for (size_t i = 0; i < n; i++) {
        struct hostcfg *j = &jcfg[i];

        hops[i] = (struct nr_ssh_target){ j->name, j->addr, j->port,
                                          j->user, j->password, j->key_file,
                                          j->kex, j->ciphers, j->macs,
                                          j->hostkeys, NULL };
    }
    hops[n] = (struct nr_ssh_target){ hc->name, hc->addr, hc->port,
                                      hc->user, hc->password, hc->key_file,
                                      hc->kex, hc->ciphers, hc->macs,
                                      hc->hostkeys, NULL };
    *nhops = n + 1;
    /* Only the first hop opens a TCP connection of its own. */
    if (r->config_may_bind) {
        struct hostcfg *first = n > 0 ? &jcfg[0] : hc;

        if (first->bind == NULL &&
            nr_ssh__config_bind(&first->bind, first->addr,
                                r->o->ssh_config) != 0) {
            nr_err_set(err, NR_ERR_LIMIT, "connect", "out of memory");
            goto out;
        }
        hops[0].bind = first->bind;
    }
    rc = 0;
out:
    free(list);
    return rc;
}

static int is_connect_failure(const struct nr_err *e)
{
    return (e->kind == NR_ERR_CONNECT || e->kind == NR_ERR_TIMEOUT) &&
           strcmp(e->op, "connect") == 0;
}

static void run_host(struct run *r, size_t idx)
{
    const struct nr_run_opts *o = r->o;
    struct hostrun hr;
    struct prep *pr = &r->prep[idx];
    struct nr_err err = NR_ERR_INIT;
    struct nr_ssh *ssh = NULL;
    struct nr_cli *cli = NULL;
    const struct nr_platform *p = NULL;
    struct nr_buf out = NR_BUF_INIT(o->max_output);
    int64_t start = nr_now_ms(), deadline;
    size_t cmd = 0;
    int config_left = o->nconfig > 0;
    const char *secrets[3];
    struct nr_ssh_opts so = NR_SSH_OPTS_INIT;
    struct nr_cli_opts co = NR_CLI_OPTS_INIT;

    memset(&hr, 0, sizeof(hr));
    hr.r = r;
    hr.hc = pr->hc;   /* a view: the run owns and frees the strings */
    hr.transcript = (struct nr_buf)NR_BUF_INIT(o->max_output * 2 + 4096);
    hr.notes = (struct nr_buf)NR_BUF_INIT(4096);
    deadline = min_deadline(o->host_timeout_ms > 0
                                ? start + o->host_timeout_ms : 0,
                            o->deadline);
    if (deadline == 0) {
        deadline = INT64_MAX / 2;
    }
    if (pr->err.kind != NR_OK) {
        err = pr->err;
        goto fail;
    }
    p = pr->p;
    if (config_left && p->exec) {
        nr_err_set(&err, NR_ERR_USAGE, "config", "platform %s runs commands "
                   "on exec channels and has no config mode", p->name);
        goto fail;
    }
    so.known_hosts = o->known_hosts;
    so.policy = (enum nr_hostkey_policy)o->host_key_policy;
    so.config_file = o->ssh_config;
    so.connect_timeout_ms = o->connect_timeout_ms;
    so.stop = o->stop;
    so.kh = r->kh;
    so.keys = r->keys;
    so.kh_order = r->kh_order;
    for (int attempt = 0;; attempt++) {
        nr_err_clear(&err);
        if (nr_ssh__connect(&ssh, pr->hops, pr->nhops, &so, deadline,
                            &err) == 0) {
            break;
        }
        /* Only a failure to connect is retried: auth and host-key
         * failures will not change, and config is never replayed. */
        if (attempt >= o->retries || !is_connect_failure(&err) ||
            (o->stop != NULL && *o->stop)) {
            goto fail;
        }
        int64_t wait = (int64_t)o->retry_backoff_ms << (attempt < 6 ? attempt
                                                                    : 6);
        if (nr_now_ms() + wait >= deadline) {
            goto fail;
        }
        nr_fiber__sleep_ms(wait);
    }
    hr.crypto = nr_ssh__crypto(ssh);
    secrets[0] = hr.hc.password;
    secrets[1] = hr.hc.enable;
    if (p->exec) {
        for (; cmd < o->ncommands; cmd++) {
            int64_t t0 = nr_now_ms(), cd;
            int status = -1;
            const struct nr_tfsm *tpl = NULL;
            struct nr_err pe = NR_ERR_INIT;

            cd = min_deadline(t0 + o->command_timeout_ms, deadline);
            nr_buf_reset(&out);
            if (o->transcript_dir != NULL) {
                nr_buf_printf(&hr.transcript, "$ %s\n", o->commands[cmd]);
            }
            if (nr_ssh__exec(ssh, o->commands[cmd], &out, &status, cd,
                             &err) != 0) {
                nr_cli__scrub(secrets, 2, &out);
                report(&hr, o->commands[cmd], nr_buf_str(&out), out.len, &err,
                       status, nr_now_ms() - t0, NULL, NULL, 0);
                cmd++;
                goto fail;
            }
            /* Exec output passes no CLI clean-up: scrub it here. */
            nr_cli__scrub(secrets, 2, &out);
            tap_fn(&hr, '<', nr_buf_str(&out), out.len);
            if (status != 0) {
                nr_err_set(&err, NR_ERR_COMMAND, "command", "exit status %d",
                           status);
            }
            if (o->parse) {
                tpl = get_template(r, p->name, o->commands[cmd], &pe);
            }
            report(&hr, o->commands[cmd], nr_buf_str(&out), out.len, &err,
                   status, nr_now_ms() - t0, tpl, &pe,
                   tpl == NULL && pe.kind == NR_OK);
            nr_err_clear(&err);
        }
        goto done;
    }
    co.enable_secret = hr.hc.enable;
    co.secrets = secrets;
    co.nsecrets = 2;
    co.max_output = o->max_output;
    co.stop = o->stop;
    co.tap = o->transcript_dir != NULL ? tap_fn : NULL;
    co.tap_payload = &hr;
    /* Login, enable and each setup command get one command's time. */
    co.step_ms = o->command_timeout_ms;
    if (nr_cli__open(&cli, ssh, p, &co, deadline, &hr.notes, &err) != 0) {
        goto fail;
    }
    if (config_left) {
        int64_t t0 = nr_now_ms();

        config_left = 0;
        if (nr_cli__config(cli, o->config, o->nconfig, &out,
                           min_deadline(t0 + o->command_timeout_ms *
                                        (int64_t)(o->nconfig + 2), deadline),
                           &err) != 0) {
            report(&hr, "configure", nr_buf_str(&out), out.len, &err, -1,
                   nr_now_ms() - t0, NULL, NULL, 0);
            /* After a rejected config line, show commands would describe
             * a state nobody asked for: stop here. */
            nr_err_set(&err, err.kind == NR_ERR_COMMAND ? NR_ERR_COMMAND
                                                        : err.kind,
                       "config", "not run: the configuration failed");
            goto fail;
        }
        report(&hr, "configure", nr_buf_str(&out), out.len, NULL, -1,
               nr_now_ms() - t0, NULL, NULL, 0);
    }
    for (; cmd < o->ncommands; cmd++) {
        int64_t t0 = nr_now_ms();
        const struct nr_tfsm *tpl = NULL;
        struct nr_err pe = NR_ERR_INIT;

        nr_err_clear(&err);
        if (nr_cli__command(cli, o->commands[cmd], &out,
                            min_deadline(t0 + o->command_timeout_ms,
                                         deadline), &err) != 0 &&
            err.kind != NR_ERR_COMMAND) {
            /* The session is in an unknown state (timeout, lost): this
             * command reports what it read, the rest the cause. */
            report(&hr, o->commands[cmd], nr_buf_str(&out), out.len, &err,
                   -1, nr_now_ms() - t0, NULL, NULL, 0);
            cmd++;
            nr_err_set(&err, err.kind, err.op, "not run: an earlier command "
                       "failed (%.200s)", err.msg);
            goto fail;
        }
        if (o->parse && err.kind == NR_OK) {
            tpl = get_template(r, p->name, o->commands[cmd], &pe);
        }
        report(&hr, o->commands[cmd], nr_buf_str(&out), out.len, &err, -1,
               nr_now_ms() - t0, tpl, &pe, tpl == NULL && pe.kind == NR_OK);
    }
    goto done;
fail:
    report_rest(&hr, cmd, config_left, &err);
done:
    nr_cli__close(cli);
    nr_ssh__close(ssh);
    save_transcript(&hr);
    if (hr.any_failed) {
        atomic_fetch_add(&r->failed, 1);
    }
    atomic_fetch_add(&r->done, 1);
    if (o->on_progress != NULL) {
        o->on_progress(o->payload, atomic_load(&r->done),
                       atomic_load(&r->failed), r->n);
    }
    nr_buf_dispose(&out);
    nr_buf_dispose(&hr.transcript);
    nr_buf_dispose(&hr.notes);
}

/* A host never started (stop or deadline): one record per command. */
static void skip_host(struct run *r, size_t idx, const char *why)
{
    struct hostrun hr;
    struct nr_err e = NR_ERR_INIT;

    memset(&hr, 0, sizeof(hr));
    hr.r = r;
    hr.hc.name = (char *)r->names[idx];
    nr_err_set(&e, r->o->stop != NULL && *r->o->stop ? NR_ERR_LIMIT
                                                     : NR_ERR_TIMEOUT,
               "run", "not started: %s", why);
    report_rest(&hr, 0, r->o->nconfig > 0, &e);
    atomic_fetch_add(&r->not_started, 1);
    atomic_fetch_add(&r->failed, 1);
    atomic_fetch_add(&r->done, 1);
}

/* One host, as a scheduler job (fiber.h). */
static void job(void *arg, size_t i)
{
    struct run *r = arg;

    if (r->o->stop != NULL && *r->o->stop) {
        skip_host(r, i, "the run was interrupted");
    } else if (r->o->deadline != 0 && nr_now_ms() >= r->o->deadline) {
        skip_host(r, i, "the run's --deadline passed");
    } else {
        run_host(r, i);
    }
}

/* what: 'p' platforms, 't' templates (owned), 'b' borrowed objects. */
static void cache_dispose(struct cache *c, char what)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->v[i].key);
        if (what == 't') {
            nr_tfsm_free(c->v[i].obj);
        } else if (what == 'p') {
            nr_platform__free(c->v[i].obj);
        }
    }
    free(c->v);
    pthread_mutex_destroy(&c->lock);
}

int nr_run(struct nr_inventory *inv, const char *const *names, size_t n,
           const struct nr_run_opts *o, struct nr_run_stats *stats,
           struct nr_err *err)
{
    struct run r;
    int64_t t0 = nr_now_ms();
    int rc = -1;

    memset(stats, 0, sizeof(*stats));
    memset(&r, 0, sizeof(r));
    r.inv = inv;
    r.names = names;
    r.n = n;
    r.o = o;
    pthread_mutex_init(&r.platforms.lock, NULL);
    pthread_mutex_init(&r.templates.lock, NULL);
    pthread_mutex_init(&r.selections.lock, NULL);
    if (o->ncommands == 0 && o->nconfig == 0) {
        nr_err_set(err, NR_ERR_USAGE, NULL, "no command to run");
        goto out;
    }
    if (o->parse && nr_tfsm_dirs(&r.tdirs, &r.ntdirs, o->template_dirs,
                                 o->ntemplate_dirs, err) != 0) {
        goto out;
    }
    r.prep = calloc(n > 0 ? n : 1, sizeof(*r.prep));
    if (r.prep == NULL) {
        nr_err_set(err, NR_ERR_LIMIT, NULL, "out of memory");
        goto out;
    }
    {
        static const char *const words[] = { "proxy", "hostkeyalgorithms",
                                             "bindaddress" };
        unsigned m = nr_ssh__config_mentions(o->ssh_config, words, 3);

        r.config_may_jump = (m & 1) != 0;
        r.kh_order = (m & 2) == 0;
        r.config_may_bind = (m & 4) != 0;
    }
    if (o->host_key_policy != NR_HK_OFF) {
        r.kh = nr_ssh__kh_load(o->known_hosts);
    }
    r.keys = nr_ssh__keys_new();
    for (size_t i = 0; i < n; i++) {
        struct prep *pr = &r.prep[i];

        if (load_hostcfg(&r, names[i], &pr->hc, &pr->err) == 0 &&
            (pr->p = get_platform(&r, pr->hc.platform, &pr->err)) != NULL) {
            (void)build_hops(&r, &pr->hc, pr->hops, pr->jcfg, &pr->nhops,
                             &pr->err);
        }
        if (pr->hc.name == NULL) {
            pr->hc.name = strdup(names[i]);
        }
    }
    /* -j hosts at once, each a coroutine: few threads, many sessions. */
    nr_fiber__run(n, o->jobs > 0 ? (size_t)o->jobs : 1, HOST_STACK, job, &r);
    stats->hosts = n;
    stats->failed = atomic_load(&r.failed);
    stats->ok = n - stats->failed;
    stats->not_started = atomic_load(&r.not_started);
    stats->wall_ms = nr_now_ms() - t0;
    rc = 0;
out:
    for (size_t i = 0; r.prep != NULL && i < n; i++) {
        for (size_t j = 0; j < MAX_HOPS; j++) {
            hostcfg_dispose(&r.prep[i].jcfg[j]);
        }
        hostcfg_dispose(&r.prep[i].hc);
    }
    free(r.prep);
    nr_ssh__kh_free(r.kh);
    nr_ssh__keys_free(r.keys);
    cache_dispose(&r.selections, 'b');
    cache_dispose(&r.platforms, 'p');
    cache_dispose(&r.templates, 't');
    nr_tfsm_dirs_free(r.tdirs, r.ntdirs);
    return rc;
}
