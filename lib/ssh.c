#define _GNU_SOURCE  /* strcasestr */
/* ssh.c — libssh sessions: connect (through jump hosts in-process),
 * host-key policy, authentication, exec and shell channels.  This is
 * the only file that talks to libssh on the client side; it maps
 * libssh's failures to netrun's error kinds. */
#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdatomic.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <libssh/server.h>  /* ssh_send_keepalive lives here in 0.10 */

#include "buf.h"
#include "err.h"
#include "fiber.h"
#include "ssh.h"

/* libssh 0.10's client defaults, the base for "+alg" / "-alg" overrides
 * in ssh_config syntax (libssh itself accepts only full lists). */
static const char DEF_KEX[] =
    "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,"
    "ecdh-sha2-nistp384,ecdh-sha2-nistp521,diffie-hellman-group18-sha512,"
    "diffie-hellman-group16-sha512,diffie-hellman-group-exchange-sha256,"
    "diffie-hellman-group14-sha256";
static const char DEF_HOSTKEYS[] =
    "ssh-ed25519,ecdsa-sha2-nistp521,ecdsa-sha2-nistp384,"
    "ecdsa-sha2-nistp256,rsa-sha2-512,rsa-sha2-256";
static const char DEF_CIPHERS[] =
    "chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,"
    "aes128-gcm@openssh.com,aes256-ctr,aes192-ctr,aes128-ctr";
static const char DEF_MACS[] =
    "hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,"
    "hmac-sha2-256,hmac-sha2-512";

/* One hop: its session and, for hops after the first, the thread that
 * carries its bytes over the previous hop's direct-tcpip channel. */
struct hop {
    ssh_session sess;
    ssh_channel fwd;        /* channel on the previous hop to this one */
    int sv[2];              /* socketpair: [0] this session, [1] pump */
    pthread_t pump;
    int pump_running;
    volatile int pump_stop;
};

struct nr_ssh {
    struct hop *hops;
    size_t n;
    ssh_channel shell;
    char crypto[256];
    const struct nr_ssh_opts *o;
    int64_t last_io;
};

static pthread_mutex_t known_hosts_lock = PTHREAD_MUTEX_INITIALIZER;

int64_t nr_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int nr_ssh__global_init(void)
{
    return ssh_init() == SSH_OK ? 0 : -1;
}

static int64_t left_ms(int64_t deadline)
{
    int64_t l = deadline - nr_now_ms();

    return l > 0 ? l : 0;
}

/* Set by a signal: give up soon. */
static int stopped(const struct nr_ssh_opts *o)
{
    return o->stop != NULL && *o->stop;
}

/* The next wait towards deadline: what is left of it, at most 200 ms so
 * the stop flag and the deadline are checked often. */
static int slice_ms(int64_t deadline)
{
    int64_t l = left_ms(deadline);

    return (int)(l < 200 ? l : 200);
}

/* Wait up to ms for the session's socket: readable, or writable while
 * libssh has output queued. */
static void wait_socket(ssh_session s, int64_t ms)
{
    short ev = POLLIN;

    if (ssh_get_poll_flags(s) & SSH_WRITE_PENDING) {
        ev |= POLLOUT;
    }
    (void)nr_fiber__wait(ssh_get_fd(s), ev, (int)ms);
}

/* Sessions run non-blocking: a libssh call that would wait returns
 * SSH_AGAIN and the caller waits here for the socket, through the
 * scheduler, so one thread serves many sessions (fiber.h), a slice at a
 * time.  Returns -1 when the deadline passed or the run was stopped. */
static int pend(ssh_session s, const struct nr_ssh_opts *o, int64_t deadline)
{
    int64_t l = left_ms(deadline);

    if (l == 0 || stopped(o)) {
        return -1;
    }
    wait_socket(s, l < 200 ? l : 200);
    return 0;
}

/* A wait that pend() ended: the stop flag, else the deadline (late
 * says what did not happen in time). */
static void gave_up(struct nr_err *err, const struct nr_ssh_opts *o,
                    const char *op, const char *late)
{
    nr_err_set(err, NR_ERR_TIMEOUT, op, "%s", stopped(o) ? "interrupted"
                                                         : late);
}

/* rc = call, again while it says `again` and the deadline allows. */
#define UNTIL_DONE(rc, again, call, s, o, deadline)                       \
    while (((rc) = (call)) == (again) && pend((s), (o), (deadline)) == 0) { \
    }

/* "+a,b" appends to the default, "-a,b" removes, "^a,b" puts first,
 * anything else replaces: ssh_config(5)'s rules. */
static int algo_list(char *out, size_t size, const char *spec,
                     const char *def)
{
    char item[128];
    const char *p;
    size_t off = 0;

    out[0] = '\0';
    if (spec[0] != '+' && spec[0] != '-' && spec[0] != '^') {
        return snprintf(out, size, "%s", spec) < (int)size ? 0 : -1;
    }
    if (spec[0] == '^') {
        off = (size_t)snprintf(out, size, "%s", spec + 1);
    }
    for (p = def; *p != '\0' && off < size;) {
        size_t k = strcspn(p, ",");
        int listed = 0;
        const char *q;

        if (k >= sizeof(item)) {
            return -1;
        }
        memcpy(item, p, k);
        item[k] = '\0';
        for (q = spec + 1; *q != '\0';) {
            size_t m = strcspn(q, ",");

            if (m == k && memcmp(q, item, k) == 0) {
                listed = 1;
            }
            q += m + (q[m] == ',');
        }
        if (!(listed && (spec[0] == '-' || spec[0] == '^'))) {
            off += (size_t)snprintf(out + off, size - off, "%s%s",
                                    off > 0 ? "," : "", item);
        }
        p += k + (p[k] == ',');
    }
    if (spec[0] == '+' && off < size) {
        off += (size_t)snprintf(out + off, size - off, "%s%s",
                                off > 0 ? "," : "", spec + 1);
    }
    return off < size ? 0 : -1;
}

static int set_algos(ssh_session s, const struct nr_ssh_target *t,
                     struct nr_err *err)
{
    static const struct {
        const char *name;
        const char *def;
        enum ssh_options_e opt, opt2;
        size_t field;
    } map[] = {
        { "ssh_kex", DEF_KEX, SSH_OPTIONS_KEY_EXCHANGE,
          SSH_OPTIONS_KEY_EXCHANGE, offsetof(struct nr_ssh_target, kex) },
        { "ssh_hostkeys", DEF_HOSTKEYS, SSH_OPTIONS_HOSTKEYS,
          SSH_OPTIONS_HOSTKEYS, offsetof(struct nr_ssh_target, hostkeys) },
        { "ssh_ciphers", DEF_CIPHERS, SSH_OPTIONS_CIPHERS_C_S,
          SSH_OPTIONS_CIPHERS_S_C, offsetof(struct nr_ssh_target, ciphers) },
        { "ssh_macs", DEF_MACS, SSH_OPTIONS_HMAC_C_S, SSH_OPTIONS_HMAC_S_C,
          offsetof(struct nr_ssh_target, macs) },
    };
    char list[2048];

    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        const char *spec = *(const char *const *)((const char *)t +
                                                  map[i].field);

        if (spec == NULL || spec[0] == '\0') {
            continue;
        }
        if (algo_list(list, sizeof(list), spec, map[i].def) != 0 ||
            ssh_options_set(s, map[i].opt, list) != SSH_OK ||
            ssh_options_set(s, map[i].opt2, list) != SSH_OK) {
            nr_err_set(err, NR_ERR_USAGE, "connect", "%s: no algorithm this "
                       "client supports in '%s'", map[i].name, spec);
            return -1;
        }
    }
    return 0;
}

static int fingerprint(const ssh_key key, char *out, size_t size)
{
    unsigned char *hash = NULL;
    size_t hlen = 0;
    char *fp;

    out[0] = '\0';
    if (key == NULL || ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256,
                                              &hash, &hlen) != SSH_OK) {
        return -1;
    }
    fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hlen);
    ssh_clean_pubkey_hash(&hash);
    if (fp == NULL) {
        return -1;
    }
    snprintf(out, size, "%s %s", ssh_key_type_to_char(ssh_key_type(key)), fp);
    ssh_string_free_char(fp);
    return 0;
}

/* libssh does not hand out the entry it found for a changed key, so
 * read known_hosts ourselves to name the key we expected (plain host
 * patterns only; a hashed entry is reported as such). */
static void expected_key(const char *file, const struct nr_ssh_target *t,
                         char *out, size_t size)
{
    char want[300], *line = NULL;
    size_t cap = 0;
    FILE *fp;
    int hashed = 0;

    snprintf(out, size, "another key");
    if (t->port > 0 && t->port != 22) {
        snprintf(want, sizeof(want), "[%s]:%d", t->host, t->port);
    } else {
        snprintf(want, sizeof(want), "%s", t->host);
    }
    fp = fopen(file, "r");
    if (fp == NULL) {
        return;
    }
    while (getline(&line, &cap, fp) > 0) {
        char *save = NULL, *hosts, *type, *b64, *h;
        ssh_key key = NULL;

        hosts = strtok_r(line, " \t\r\n", &save);
        if (hosts == NULL || hosts[0] == '#' || hosts[0] == '@') {
            continue;
        }
        if (hosts[0] == '|') {
            hashed = 1;
            continue;
        }
        type = strtok_r(NULL, " \t\r\n", &save);
        b64 = strtok_r(NULL, " \t\r\n", &save);
        if (type == NULL || b64 == NULL) {
            continue;
        }
        for (h = strtok_r(hosts, ",", &save); h != NULL;
             h = strtok_r(NULL, ",", &save)) {
            if (strcmp(h, want) == 0) {
                break;
            }
        }
        if (h != NULL &&
            ssh_pki_import_pubkey_base64(b64, ssh_key_type_from_name(type),
                                         &key) == SSH_OK) {
            fingerprint(key, out, size);
            ssh_key_free(key);
            break;
        }
    }
    if (strcmp(out, "another key") == 0 && hashed) {
        snprintf(out, size, "another key (hashed entry)");
    }
    free(line);
    fclose(fp);
}

/* ---- known_hosts, read once per run ------------------------------------ */

struct kh_pair {
    const char *host;       /* "name" or "[name]:port", into text */
    const char *type;       /* key type as written ("ssh-rsa") */
    const char *b64;        /* the key blob, base64 */
};

struct nr_ssh_kh {
    char *text;
    struct kh_pair *v;
    size_t n;
};

static void find_ssh_dir(void);
static pthread_once_t ssh_dir_once;
static char ssh_dir[4096];

static int pair_cmp(const void *a, const void *b)
{
    return strcmp(((const struct kh_pair *)a)->host,
                  ((const struct kh_pair *)b)->host);
}

struct nr_ssh_kh *nr_ssh__kh_load(const char *known_hosts)
{
    struct nr_buf b = NR_BUF_INIT(64 << 20);
    char path[4200], *text;

    pthread_once(&ssh_dir_once, find_ssh_dir);
    if (known_hosts == NULL) {
        snprintf(path, sizeof(path), "%s/known_hosts", ssh_dir);
    } else if (strncmp(known_hosts, "~/", 2) == 0) {
        snprintf(path, sizeof(path), "%s/../%s", ssh_dir, known_hosts + 2);
    } else {
        snprintf(path, sizeof(path), "%s", known_hosts);
    }
    if (nr_buf_read_file(&b, path, NULL, NULL) != 0 ||
        (text = nr_buf_steal(&b)) == NULL) {
        nr_buf_dispose(&b);
        return NULL;
    }
    return nr_ssh__kh_parse(text);
}

struct nr_ssh_kh *nr_ssh__kh_parse(char *text)
{
    struct nr_ssh_kh *kh = calloc(1, sizeof(*kh));
    size_t cap = 0;

    if (kh == NULL) {
        free(text);
        return NULL;
    }
    kh->text = text;
    for (char *line = kh->text, *next; line != NULL; line = next) {
        char *save = NULL, *hosts, *type, *b64, *h;

        next = strchr(line, '\n');
        if (next != NULL) {
            *next++ = '\0';
        }
        hosts = strtok_r(line, " \t\r", &save);
        /* Hashed, marked (@revoked, @cert-authority) and commented lines
         * are libssh's to judge, and so are patterns. */
        if (hosts == NULL || strchr("#@|", hosts[0]) != NULL ||
            strpbrk(hosts, "*?!") != NULL ||
            (type = strtok_r(NULL, " \t\r", &save)) == NULL ||
            (b64 = strtok_r(NULL, " \t\r", &save)) == NULL) {
            continue;
        }
        for (h = strtok_r(hosts, ",", &save); h != NULL;
             h = strtok_r(NULL, ",", &save)) {
            if (kh->n == cap) {
                size_t nc = cap ? cap * 2 : 64;
                struct kh_pair *nv = realloc(kh->v, nc * sizeof(*nv));

                if (nv == NULL) {
                    nr_ssh__kh_free(kh);
                    return NULL;
                }
                kh->v = nv;
                cap = nc;
            }
            kh->v[kh->n].host = h;
            kh->v[kh->n].type = type;
            kh->v[kh->n++].b64 = b64;
        }
    }
    if (kh->n > 0) {
        qsort(kh->v, kh->n, sizeof(*kh->v), pair_cmp);
    }
    return kh;
}

void nr_ssh__kh_free(struct nr_ssh_kh *kh)
{
    if (kh != NULL) {
        free(kh->text);
        free(kh->v);
        free(kh);
    }
}

/* The first entry for name, or NULL; the others follow it. */
static const struct kh_pair *kh_first(const struct nr_ssh_kh *kh,
                                      const char *name)
{
    struct kh_pair key;
    const struct kh_pair *p;

    if (kh == NULL || kh->n == 0) {
        return NULL;
    }
    key.host = name;
    p = bsearch(&key, kh->v, kh->n, sizeof(*kh->v), pair_cmp);
    while (p != NULL && p > kh->v && strcmp(p[-1].host, name) == 0) {
        p--;
    }
    return p;
}

int nr_ssh__kh_has(const struct nr_ssh_kh *kh, const char *name,
                   const char *b64)
{
    const struct kh_pair *p = kh_first(kh, name);

    for (; p != NULL && p < kh->v + kh->n && strcmp(p->host, name) == 0;
         p++) {
        if (strcmp(p->b64, b64) == 0) {
            return 1;
        }
    }
    return 0;
}

int nr_ssh__kh_order(const struct nr_ssh_kh *kh, const char *name,
                     const char *wanted, char *out, size_t size)
{
    const struct kh_pair *first = kh_first(kh, name), *p;
    char known[1024] = "", rest[1024] = "", *save = NULL, *alg;
    char copy[1024];
    int n = 0;

    if (first == NULL || strlen(wanted) >= sizeof(copy)) {
        return 0;
    }
    /* Every type listed must be one of wanted (an RSA key serves the
     * rsa-sha2 signatures); anything else is libssh's to sort out. */
    for (p = first; p < kh->v + kh->n && strcmp(p->host, name) == 0; p++) {
        int found = strcmp(p->type, "ssh-rsa") == 0
                    ? strstr(wanted, "rsa-sha2-") != NULL
                    : strstr(wanted, p->type) != NULL;

        if (!found) {
            return 0;
        }
    }
    snprintf(copy, sizeof(copy), "%s", wanted);
    for (alg = strtok_r(copy, ",", &save); alg != NULL;
         alg = strtok_r(NULL, ",", &save)) {
        int is_known = 0;
        char *dst;
        size_t len;

        for (p = first; !is_known && p < kh->v + kh->n &&
                        strcmp(p->host, name) == 0; p++) {
            is_known = strcmp(p->type, alg) == 0 ||
                       (strcmp(p->type, "ssh-rsa") == 0 &&
                        (strncmp(alg, "rsa-sha2-", 9) == 0 ||
                         strcmp(alg, "ssh-rsa") == 0));
        }
        dst = is_known ? known : rest;
        len = strlen(dst);
        if (len + strlen(alg) + 2 > sizeof(known)) {
            return 0;
        }
        snprintf(dst + len, sizeof(known) - len, "%s%s", len > 0 ? "," : "",
                 alg);
        n += is_known;
    }
    if (n == 0 || strlen(known) + strlen(rest) + 2 > size) {
        return 0;
    }
    snprintf(out, size, "%s%s%s", known, rest[0] ? "," : "", rest);
    return 1;
}

/* 1 when the run's known_hosts snapshot has this very key for the host
 * under the name libssh would look up ("[host]:port" off port 22). */
static int kh_name(ssh_session s, char *want, size_t size)
{
    char *host = NULL;
    unsigned int port = 22;
    int rc = -1;

    if (ssh_options_get(s, SSH_OPTIONS_HOST, &host) == SSH_OK &&
        ssh_options_get_port(s, &port) == SSH_OK) {
        if (port == 22) {
            snprintf(want, size, "%s", host);
        } else {
            snprintf(want, size, "[%s]:%u", host, port);
        }
        rc = 0;
    }
    ssh_string_free_char(host);
    return rc;
}

static int kh_known(const struct nr_ssh_kh *kh, ssh_session s, ssh_key srv)
{
    char *b64 = NULL, want[600];
    int yes = 0;

    if (kh != NULL && kh->n > 0 && kh_name(s, want, sizeof(want)) == 0 &&
        ssh_pki_export_pubkey_base64(srv, &b64) == SSH_OK) {
        yes = nr_ssh__kh_has(kh, want, b64);
    }
    ssh_string_free_char(b64);
    return yes;
}

/* ---- key files, read once per run ------------------------------------- */

struct key_entry {
    char *path;
    ssh_key key;
};

struct nr_ssh_keys {
    pthread_mutex_t lock;
    struct key_entry *v;
    size_t n, cap;
};

struct nr_ssh_keys *nr_ssh__keys_new(void)
{
    struct nr_ssh_keys *k = calloc(1, sizeof(*k));

    if (k != NULL) {
        pthread_mutex_init(&k->lock, NULL);
    }
    return k;
}

void nr_ssh__keys_free(struct nr_ssh_keys *k)
{
    if (k == NULL) {
        return;
    }
    for (size_t i = 0; i < k->n; i++) {
        free(k->v[i].path);
        ssh_key_free(k->v[i].key);
    }
    free(k->v);
    pthread_mutex_destroy(&k->lock);
    free(k);
}

/* The key in path, loaded on first use and then shared: signing only
 * reads it.  Borrowed; NULL when it cannot be read (not remembered, so
 * each host says so). */
static ssh_key keys_get(struct nr_ssh_keys *k, const char *path)
{
    ssh_key key = NULL;

    pthread_mutex_lock(&k->lock);
    for (size_t i = 0; i < k->n; i++) {
        if (strcmp(k->v[i].path, path) == 0) {
            key = k->v[i].key;
            goto out;
        }
    }
    if (k->n == k->cap) {
        size_t nc = k->cap ? k->cap * 2 : 4;
        struct key_entry *nv = realloc(k->v, nc * sizeof(*nv));

        if (nv == NULL) {
            goto out;
        }
        k->v = nv;
        k->cap = nc;
    }
    if (ssh_pki_import_privkey_file(path, NULL, NULL, NULL, &key) != SSH_OK) {
        key = NULL;
        goto out;
    }
    k->v[k->n].path = strdup(path);
    if (k->v[k->n].path == NULL) {
        ssh_key_free(key);
        key = NULL;
        goto out;
    }
    k->v[k->n++].key = key;
out:
    pthread_mutex_unlock(&k->lock);
    return key;
}

static int verify_host_key(ssh_session s, const struct nr_ssh_target *t,
                           const struct nr_ssh_opts *o, struct nr_err *err)
{
    ssh_key srv = NULL;
    struct ssh_knownhosts_entry *entry = NULL;
    enum ssh_known_hosts_e state;
    char now_fp[160], old_fp[160];
    const char *file = o->known_hosts != NULL ? o->known_hosts
                                              : "~/.ssh/known_hosts";
    int rc = -1;

    if (ssh_get_server_publickey(s, &srv) != SSH_OK) {
        nr_err_set(err, NR_ERR_PROTOCOL, "hostkey", "server sent no host "
                   "key");
        goto out;
    }
    fingerprint(srv, now_fp, sizeof(now_fp));
    if (o->policy == NR_HOSTKEY_OFF) {
        rc = 0;
        goto out;
    }
    if (kh_known(o->kh, s, srv)) {
        rc = 0;
        goto out;
    }
    state = ssh_session_get_known_hosts_entry(s, &entry);
    switch (state) {
    case SSH_KNOWN_HOSTS_OK:
        rc = 0;
        break;
    case SSH_KNOWN_HOSTS_CHANGED:
    case SSH_KNOWN_HOSTS_OTHER:
        old_fp[0] = '\0';
        if (entry != NULL) {
            fingerprint(entry->publickey, old_fp, sizeof(old_fp));
        }
        if (old_fp[0] == '\0') {
            char path[4096];

            if (o->known_hosts != NULL) {
                snprintf(path, sizeof(path), "%s", o->known_hosts);
            } else {
                snprintf(path, sizeof(path), "%s/.ssh/known_hosts",
                         getenv("HOME") != NULL ? getenv("HOME") : "");
            }
            expected_key(path, t, old_fp, sizeof(old_fp));
        }
        nr_err_set(err, NR_ERR_HOSTKEY, "hostkey", "host key CHANGED: "
                   "known_hosts has %s, the server offers %s; if the change "
                   "is expected, remove the old entry from %s", old_fp,
                   now_fp, file);
        break;
    case SSH_KNOWN_HOSTS_UNKNOWN:
    case SSH_KNOWN_HOSTS_NOT_FOUND:
        if (o->policy == NR_HOSTKEY_ACCEPT_NEW) {
            /* Concurrent hosts may learn keys at once: one writer. */
            pthread_mutex_lock(&known_hosts_lock);
            rc = ssh_session_update_known_hosts(s) == SSH_OK ? 0 : -1;
            pthread_mutex_unlock(&known_hosts_lock);
            if (rc != 0) {
                nr_err_set(err, NR_ERR_IO, "hostkey", "cannot add the "
                           "host key to %s: %s", file,
                           ssh_get_error(s));
            }
            break;
        }
        nr_err_set(err, NR_ERR_HOSTKEY, "hostkey", "host key %s is not "
                   "in %s (use --host-key-policy accept-new to learn it, or "
                   "add it with ssh-keyscan)", now_fp, file);
        break;
    default:
        nr_err_set(err, NR_ERR_IO, "hostkey", "cannot read %s: %s", file, ssh_get_error(s));
        break;
    }
out:
    ssh_knownhosts_entry_free(entry);
    ssh_key_free(srv);
    return rc;
}

static int kbdint(ssh_session s, const struct nr_ssh_target *t,
                  const struct nr_ssh_opts *o, int64_t deadline)
{
    int rc, rounds = 0;

    UNTIL_DONE(rc, SSH_AUTH_AGAIN, ssh_userauth_kbdint(s, NULL, NULL), s, o,
               deadline);

    while (rc == SSH_AUTH_INFO && rounds++ < 8) {
        int n = ssh_userauth_kbdint_getnprompts(s);

        for (int i = 0; i < n; i++) {
            char echo = 0;
            const char *prompt = ssh_userauth_kbdint_getprompt(s,
                                                               (unsigned)i,
                                                               &echo);

            /* Only a password question gets the password; anything else
             * (a one-time code) gets nothing rather than a secret. */
            if (prompt != NULL && !echo && t->password != NULL &&
                (strcasestr(prompt, "password") != NULL ||
                 strcasestr(prompt, "passcode") == NULL)) {
                ssh_userauth_kbdint_setanswer(s, (unsigned)i, t->password);
            } else {
                ssh_userauth_kbdint_setanswer(s, (unsigned)i, "");
            }
        }
        UNTIL_DONE(rc, SSH_AUTH_AGAIN, ssh_userauth_kbdint(s, NULL, NULL), s,
                   o, deadline);
    }
    return rc;
}

static int authenticate(ssh_session s, const struct nr_ssh_target *t,
                        const struct nr_ssh_opts *o, int64_t deadline,
                        struct nr_err *err)
{
    int rc, methods;
    char tried[128] = "";
    size_t off = 0;

    /* With a key file, offer it first: when it works (the common case)
     * that saves the "none" round trip that only fetches the method
     * list.  Any failed attempt brings the list just as well. */
    if (t->key_file != NULL) {
        methods = SSH_AUTH_METHOD_PUBLICKEY;
    } else {
        UNTIL_DONE(rc, SSH_AUTH_AGAIN, ssh_userauth_none(s, NULL), s, o,
                   deadline);
        if (rc == SSH_AUTH_SUCCESS) {
            return 0;
        }
        if (rc == SSH_AUTH_AGAIN) {
            goto again;
        }
        if (rc == SSH_AUTH_ERROR) {
            goto fail;
        }
        methods = ssh_userauth_list(s, NULL);
    }
    if (t->key_file != NULL && (methods & SSH_AUTH_METHOD_PUBLICKEY)) {
        ssh_key key = NULL, own = NULL;

        off += (size_t)snprintf(tried + off, sizeof(tried) - off,
                                "%skey file", off ? ", " : "");
        if (o->keys != NULL) {
            key = keys_get(o->keys, t->key_file);
        } else if (ssh_pki_import_privkey_file(t->key_file, NULL, NULL, NULL,
                                               &own) == SSH_OK) {
            key = own;
        }
        if (key == NULL) {
            nr_err_set(err, NR_ERR_AUTH, "auth", "cannot read key file "
                       "%s (missing, unreadable or passphrase-protected)", t->key_file);
            return -1;
        }
        UNTIL_DONE(rc, SSH_AUTH_AGAIN, ssh_userauth_publickey(s, NULL, key), s,
                   o, deadline);
        ssh_key_free(own);
        if (rc == SSH_AUTH_SUCCESS) {
            return 0;
        }
        if (rc == SSH_AUTH_AGAIN) {
            goto again;
        }
        if (rc == SSH_AUTH_ERROR) {
            goto fail;
        }
        methods = ssh_userauth_list(s, NULL);
    }
    if (o->use_agent && t->key_file == NULL &&
        (methods & SSH_AUTH_METHOD_PUBLICKEY)) {
        /* The agent, then ssh_config's IdentityFile and the default
         * ~/.ssh/id_* keys (passphrase-protected ones are skipped). */
        off += (size_t)snprintf(tried + off, sizeof(tried) - off,
                                "%sagent and default keys", off ? ", " : "");
        UNTIL_DONE(rc, SSH_AUTH_AGAIN, ssh_userauth_publickey_auto(s, NULL,
                                                                   NULL),
                   s, o, deadline);
        if (rc == SSH_AUTH_SUCCESS) {
            return 0;
        }
        if (rc == SSH_AUTH_AGAIN) {
            goto again;
        }
    }
    if (t->password != NULL && (methods & SSH_AUTH_METHOD_PASSWORD)) {
        off += (size_t)snprintf(tried + off, sizeof(tried) - off,
                                "%spassword", off ? ", " : "");
        UNTIL_DONE(rc, SSH_AUTH_AGAIN, ssh_userauth_password(s, NULL,
                                                             t->password),
                   s, o, deadline);
        if (rc == SSH_AUTH_SUCCESS) {
            return 0;
        }
        if (rc == SSH_AUTH_AGAIN) {
            goto again;
        }
        if (rc == SSH_AUTH_ERROR) {
            goto fail;
        }
    }
    if (t->password != NULL && (methods & SSH_AUTH_METHOD_INTERACTIVE)) {
        off += (size_t)snprintf(tried + off, sizeof(tried) - off,
                                "%skeyboard-interactive", off ? ", " : "");
        rc = kbdint(s, t, o, deadline);
        if (rc == SSH_AUTH_SUCCESS) {
            return 0;
        }
        if (rc == SSH_AUTH_AGAIN) {
            goto again;
        }
        if (rc == SSH_AUTH_ERROR) {
            goto fail;
        }
    }
    nr_err_set(err, NR_ERR_AUTH, "auth", "authentication as '%s' "
               "failed (tried: %s; server accepts:%s%s%s%s)", t->user != NULL ? t->user : "(default user)",
               off ? tried : "nothing: no key, agent or password given",
               (methods & SSH_AUTH_METHOD_PUBLICKEY) ? " publickey" : "",
               (methods & SSH_AUTH_METHOD_PASSWORD) ? " password" : "",
               (methods & SSH_AUTH_METHOD_INTERACTIVE)
                   ? " keyboard-interactive" : "",
               methods == 0 ? " none" : "");
    return -1;
fail:
    nr_err_set(err, ssh_get_error_code(s) == SSH_REQUEST_DENIED ? NR_ERR_AUTH
                                                                : NR_ERR_CONNECT,
               "auth", "%s", ssh_get_error(s));
    return -1;
again:
    gave_up(err, o, "auth", "no answer before the deadline");
    return -1;
}

/* Carry bytes between the socketpair end and the channel to the next
 * hop until either side closes or the owner asks to stop. */
static void *pump_main(void *arg)
{
    struct hop *h = arg;
    char buf[32768];

    while (!h->pump_stop) {
        struct pollfd pfd = { h->sv[1], POLLIN, 0 };
        int n, did = 0;

        n = ssh_channel_read_nonblocking(h->fwd, buf, sizeof(buf), 0);
        if (n < 0 || (n == 0 && ssh_channel_is_eof(h->fwd))) {
            break;
        }
        if (n > 0) {
            did = 1;
            for (int off = 0; off < n;) {
                ssize_t w = write(h->sv[1], buf + off, (size_t)(n - off));

                if (w < 0 && errno == EINTR) {
                    continue;
                }
                if (w <= 0) {
                    goto done;
                }
                off += (int)w;
            }
        }
        if (poll(&pfd, 1, did ? 0 : 5) > 0) {
            ssize_t r = read(h->sv[1], buf, sizeof(buf));

            if (r <= 0) {
                break;
            }
            if (ssh_channel_write(h->fwd, buf, (uint32_t)r) != r) {
                break;
            }
            did = 1;
        }
        if (!did) {
            /* Let libssh service the carrier session (window adjusts,
             * keepalives) even while idle. */
            (void)ssh_channel_poll_timeout(h->fwd, 5, 0);
        }
    }
done:
    shutdown(h->sv[1], SHUT_RDWR);
    return NULL;
}

static void hop_close(struct hop *h)
{
    if (h->pump_running) {
        h->pump_stop = 1;
        shutdown(h->sv[0], SHUT_RDWR);
        pthread_join(h->pump, NULL);
        h->pump_running = 0;
    }
    if (h->sess != NULL) {
        ssh_disconnect(h->sess);
        ssh_free(h->sess);
        h->sess = NULL;
    }
    if (h->fwd != NULL) {
        ssh_channel_close(h->fwd);
        ssh_channel_free(h->fwd);
        h->fwd = NULL;
    }
    if (h->sv[0] >= 0) {
        close(h->sv[0]);
        h->sv[0] = -1;
    }
    if (h->sv[1] >= 0) {
        close(h->sv[1]);
        h->sv[1] = -1;
    }
}

void nr_ssh__close(struct nr_ssh *s)
{
    if (s == NULL) {
        return;
    }
    if (s->shell != NULL) {
        /* Disconnecting ends the shell with the session: one message,
         * not EOF, close and then disconnect.  libssh frees the
         * session's channels as it disconnects. */
        ssh_disconnect(s->hops[s->n - 1].sess);
        s->shell = NULL;
    }
    /* Innermost first: each hop rides on the one before it. */
    for (size_t i = s->n; i-- > 0;) {
        hop_close(&s->hops[i]);
    }
    free(s->hops);
    free(s);
}

/* Open the carrier channel from hop h-1 to hops[i] and start its pump. */
static int tunnel(struct hop *prev, struct hop *h, const char *prev_name,
                  const struct nr_ssh_target *t, const struct nr_ssh_opts *o,
                  int64_t deadline, struct nr_err *err)
{
    int rc = SSH_ERROR;

    h->fwd = ssh_channel_new(prev->sess);
    if (h->fwd != NULL) {
        UNTIL_DONE(rc, SSH_AGAIN,
                   ssh_channel_open_forward(h->fwd, t->host,
                                            t->port > 0 ? t->port : 22,
                                            "127.0.0.1", 0),
                   prev->sess, o, deadline);
    }
    if (rc == SSH_AGAIN) {
        nr_err_set(err, NR_ERR_TIMEOUT, "connect", "jump host %s: no "
                   "channel to %s:%d before the deadline", prev_name, t->host,
                   t->port > 0 ? t->port : 22);
        return -1;
    }
    if (rc != SSH_OK) {
        nr_err_set(err, NR_ERR_CONNECT, "connect", "jump host %s cannot "
                   "reach %s:%d: %s", prev_name, t->host,
                   t->port > 0 ? t->port : 22, ssh_get_error(prev->sess));
        return -1;
    }
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, h->sv) != 0) {
        nr_err_set(err, NR_ERR_IO, "connect", "socketpair: %s",
                   strerror(errno));
        return -1;
    }
    /* The carrier session now belongs to the pump, a thread of its own
     * that may block. */
    ssh_set_blocking(prev->sess, 1);
    if (pthread_create(&h->pump, NULL, pump_main, h) != 0) {
        nr_err_set(err, NR_ERR_LIMIT, "connect", "cannot start a thread");
        return -1;
    }
    h->pump_running = 1;
    return 0;
}

/* libssh 0.10 turns "ProxyJump a,b" into the command
 * "ssh [-l U] [-p P] [-J a] -W '[%h]:%p' b"; read it back into a jump
 * list "a,U@b:P" we carry in-process.  Anything else is a real
 * ProxyCommand: *out stays NULL and the connect refuses it. */
static char *jump_from_proxycommand(const char *pc)
{
    char *copy = strdup(pc), *save = NULL, *tok, *out = NULL;
    const char *user = NULL, *port = NULL, *via = NULL, *host = NULL;
    int ok = copy != NULL;

    tok = ok ? strtok_r(copy, " ", &save) : NULL;
    if (tok == NULL || strcmp(tok, "ssh") != 0) {
        ok = 0;
    }
    while (ok && (tok = strtok_r(NULL, " ", &save)) != NULL) {
        if (strcmp(tok, "-l") == 0) {
            user = strtok_r(NULL, " ", &save);
        } else if (strcmp(tok, "-p") == 0) {
            port = strtok_r(NULL, " ", &save);
        } else if (strcmp(tok, "-J") == 0) {
            via = strtok_r(NULL, " ", &save);
        } else if (strcmp(tok, "-W") == 0) {
            tok = strtok_r(NULL, " ", &save);
            ok = tok != NULL && strcmp(tok, "'[%h]:%p'") == 0;
        } else if (host == NULL && tok[0] != '-') {
            host = tok;
        } else {
            ok = 0;
        }
    }
    if (ok && host != NULL) {
        size_t len = strlen(host) + 64 + (via ? strlen(via) : 0) +
                     (user ? strlen(user) : 0);

        out = malloc(len);
        if (out != NULL) {
            snprintf(out, len, "%s%s%s%s%s%s%s", via ? via : "",
                     via ? "," : "", user ? user : "", user ? "@" : "",
                     host, port ? ":" : "", port ? port : "");
        }
    }
    free(copy);
    return out;
}

/* The user's ssh directory as libssh finds it (the passwd entry, then
 * $HOME), looked up once: libssh would read /etc/passwd again for every
 * session that does not name it. */
static pthread_once_t ssh_dir_once = PTHREAD_ONCE_INIT;

static void find_ssh_dir(void)
{
    struct passwd pw, *res = NULL;
    char buf[4096];
    const char *home = NULL;

    if (getpwuid_r(getuid(), &pw, buf, sizeof(buf), &res) == 0 &&
        res != NULL && res->pw_dir != NULL) {
        home = res->pw_dir;
    } else {
        home = getenv("HOME");
    }
    if (home != NULL) {
        snprintf(ssh_dir, sizeof(ssh_dir), "%s/.ssh", home);
    }
}

static void set_ssh_dir(ssh_session s)
{
    pthread_once(&ssh_dir_once, find_ssh_dir);
    if (ssh_dir[0] != '\0') {
        ssh_options_set(s, SSH_OPTIONS_SSH_DIR, ssh_dir);
    }
}

/* The two ssh_config readers below (mentions() and bind_file()) share
 * how a file is opened and what an Include brings in. */

/* path opened for reading when it is a regular file (an Include of
 * /dev/zero must not read forever), else NULL, with *missing set when
 * it does not exist (libssh skips a missing file). */
static FILE *config_open(const char *path, int *missing)
{
    FILE *fp = fopen(path, "r");
    struct stat st;

    *missing = fp == NULL && errno == ENOENT;
    if (fp != NULL && (fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode))) {
        fclose(fp);
        fp = NULL;
    }
    return fp;
}

/* The files an Include line's arguments (args, split at seps, consumed)
 * name, in order, into *g (globfree it): "~/" is the user's ssh
 * directory's parent, a relative path is under base (~/.ssh for the
 * user's files, /etc/ssh for the system's).  A pattern matching nothing
 * adds nothing. */
static void include_files(glob_t *g, char *args, const char *seps,
                          const char *base)
{
    char pat[8300], *save = NULL, *tok;
    int flags = 0;

    memset(g, 0, sizeof(*g));
    for (tok = strtok_r(args, seps, &save); tok != NULL;
         tok = strtok_r(NULL, seps, &save)) {
        if (strncmp(tok, "~/", 2) == 0) {
            snprintf(pat, sizeof(pat), "%s/../%s", ssh_dir, tok + 2);
        } else if (tok[0] == '/') {
            snprintf(pat, sizeof(pat), "%s", tok);
        } else {
            snprintf(pat, sizeof(pat), "%s/%s", base, tok);
        }
        if (glob(pat, flags, NULL, g) == 0) {
            flags = GLOB_APPEND;
        }
    }
}

/* Bit i set when the ssh_config file `path` (or what it includes) has
 * words[i] outside comments (see nr_ssh__config_mentions).  A text scan
 * that errs towards set. */
static unsigned mentions(const char *path, const char *base,
                         const char *const *words, size_t n, int depth)
{
    FILE *fp;
    char *line = NULL;
    size_t cap = 0;
    unsigned all = (1u << n) - 1, yes = 0;
    int missing;

    if (depth > 16) {
        return all;
    }
    fp = config_open(path, &missing);
    if (fp == NULL) {
        return missing ? 0 : all;
    }
    while (yes != all && getline(&line, &cap, fp) > 0) {
        char *p = line;

        while (isspace((unsigned char)*p)) {
            p++;
        }
        if (*p == '#') {
            continue;
        }
        for (size_t i = 0; i < n; i++) {
            if (strcasestr(p, words[i]) != NULL) {
                yes |= 1u << i;
            }
        }
        if (yes != all && strncasecmp(p, "include", 7) == 0 &&
            (isspace((unsigned char)p[7]) || p[7] == '=')) {
            glob_t g;

            include_files(&g, p + 8, " \t\r\n=\"", base);
            for (size_t i = 0; yes != all && i < g.gl_pathc; i++) {
                yes |= mentions(g.gl_pathv[i], base, words, n, depth + 1);
            }
            globfree(&g);
        }
    }
    free(line);
    fclose(fp);
    return yes;
}

unsigned nr_ssh__config_mentions(const char *config,
                                 const char *const *words, size_t n)
{
    char user[4200];

    pthread_once(&ssh_dir_once, find_ssh_dir);
    if (config != NULL) {
        return strcmp(config, "none") == 0
               ? 0 : mentions(config, ssh_dir, words, n, 0);
    }
    snprintf(user, sizeof(user), "%s/config", ssh_dir);
    if (ssh_dir[0] == '\0') {
        return (1u << n) - 1;
    }
    return mentions(user, ssh_dir, words, n, 0) |
           mentions("/etc/ssh/ssh_config", "/etc/ssh", words, n, 0);
}

int nr_ssh__config_jump(char **out, const char *host, const char *config)
{
    ssh_session s;
    char *pc = NULL;
    int verbosity = SSH_LOG_NOLOG, rc = 0;

    *out = NULL;
    if (config != NULL && strcmp(config, "none") == 0) {
        return 0;
    }
    s = ssh_new();
    if (s == NULL) {
        return -1;
    }
    ssh_options_set(s, SSH_OPTIONS_LOG_VERBOSITY, &verbosity);
    set_ssh_dir(s);
    if (ssh_options_set(s, SSH_OPTIONS_HOST, host) == SSH_OK &&
        (config == NULL || access(config, R_OK) == 0) &&
        ssh_options_parse_config(s, config) == SSH_OK &&
        ssh_options_get(s, SSH_OPTIONS_PROXYCOMMAND, &pc) == SSH_OK &&
        pc != NULL && strcmp(pc, "none") != 0) {
        *out = jump_from_proxycommand(pc);
    }
    ssh_string_free_char(pc);
    ssh_free(s);
    return rc;
}

/* ---- BindAddress: libssh 0.10 parses it but cannot tell it back ---------- */

/* Does s match the ssh_config pattern p ('*', '?'; host names in any
 * case)?  One star remembered: linear, however the pattern is made. */
static int pat_match(const char *p, const char *s)
{
    const char *star = NULL, *back = NULL;

    while (*s != '\0') {
        if (*p == '*') {
            star = p++;
            back = s;
        } else if (*p != '\0' &&
                   (*p == '?' || tolower((unsigned char)*p) ==
                                     tolower((unsigned char)*s))) {
            p++;
            s++;
        } else if (star != NULL) {
            p = star + 1;
            s = ++back;
        } else {
            return 0;
        }
    }
    while (*p == '*') {
        p++;
    }
    return *p == '\0';
}

/* A pattern list ("a*,!b c"): some pattern matches and no negated one
 * does.  Consumes list (strtok). */
static int list_match(char *list, const char *host)
{
    char *save = NULL, *tok;
    int yes = 0;

    for (tok = strtok_r(list, ", \t", &save); tok != NULL;
         tok = strtok_r(NULL, ", \t", &save)) {
        if (tok[0] == '!') {
            if (pat_match(tok + 1, host)) {
                return 0;
            }
        } else if (pat_match(tok, host)) {
            yes = 1;
        }
    }
    return yes;
}

/* A Match line's criteria: "all", "host"/"originalhost" LIST, each
 * maybe negated with '!'.  Others (user, exec, canonical, final, ...)
 * cannot be judged here: such a block is taken as not matching. */
static int match_criteria(char *args, const char *host)
{
    char *save = NULL, *tok;
    int ok = 1;

    for (tok = strtok_r(args, " \t", &save); tok != NULL && ok;
         tok = strtok_r(NULL, " \t", &save)) {
        int neg = tok[0] == '!', r;

        tok += neg;
        if (strcasecmp(tok, "all") == 0) {
            r = 1;
        } else if (strcasecmp(tok, "host") == 0 ||
                   strcasecmp(tok, "originalhost") == 0) {
            char *list = strtok_r(NULL, " \t", &save);

            r = list != NULL && list_match(list, host);
        } else {
            return 0;
        }
        ok = neg ? !r : r;
    }
    return ok;
}

struct bindscan {
    const char *host;
    char *out;                  /* first BindAddress that applies */
    size_t outsz;
    int active;                 /* in a Host/Match block for host */
    int files;                  /* opened so far: Include loops end */
    int no_include;             /* text given directly (the fuzzer) */
};

/* Files one evaluation may open: "Include *" in a directory of configs
 * that include each other would otherwise grow without bound. */
#define BIND_MAX_FILES 64

static void bind_file(struct bindscan *b, const char *path, const char *base,
                      int depth);

static void bind_line(struct bindscan *b, char *p, const char *base,
                      int depth)
{
    char *kw, *args, *end;

    while (isspace((unsigned char)*p)) {
        p++;
    }
    if (*p == '#' || *p == '\0') {
        return;
    }
    kw = p;
    while (*p != '\0' && !isspace((unsigned char)*p) && *p != '=') {
        p++;
    }
    if (*p != '\0') {
        *p++ = '\0';
    }
    while (isspace((unsigned char)*p) || *p == '=') {
        p++;
    }
    args = p;
    end = args + strlen(args);
    while (end > args && isspace((unsigned char)end[-1])) {
        *--end = '\0';
    }
    if (end - args >= 2 && args[0] == '"' && end[-1] == '"') {
        *--end = '\0';
        args++;
    }
    if (strcasecmp(kw, "host") == 0) {
        b->active = list_match(args, b->host);
    } else if (strcasecmp(kw, "match") == 0) {
        b->active = match_criteria(args, b->host);
    } else if (!b->active) {
        return;
    } else if (strcasecmp(kw, "include") == 0 && !b->no_include) {
        glob_t g;

        include_files(&g, args, " \t\"", base);
        for (size_t i = 0; i < g.gl_pathc; i++) {
            /* An included file's Host lines end at its end. */
            int was = b->active;

            bind_file(b, g.gl_pathv[i], base, depth + 1);
            b->active = was;
        }
        globfree(&g);
    } else if (strcasecmp(kw, "bindaddress") == 0 && b->out[0] == '\0') {
        /* ssh_config: the first value obtained wins. */
        args[strcspn(args, " \t")] = '\0';
        snprintf(b->out, b->outsz, "%s", args);
    }
}

static void bind_file(struct bindscan *b, const char *path, const char *base,
                      int depth)
{
    FILE *fp;
    char *line = NULL;
    size_t cap = 0;
    int missing;

    if (depth > 16 || ++b->files > BIND_MAX_FILES ||
        (fp = config_open(path, &missing)) == NULL) {
        return;
    }
    /* A file starts outside any Host block: everything applies. */
    b->active = 1;
    while (b->out[0] == '\0' && getline(&line, &cap, fp) > 0) {
        bind_line(b, line, base, depth);
    }
    free(line);
    fclose(fp);
}

int nr_ssh__config_bind_text(char **out, const char *host, const char *text,
                             size_t len)
{
    char addr[256] = "", *line = malloc(len + 1);
    struct bindscan b = { host, addr, sizeof(addr), 1, 0, 1 };
    size_t i = 0, n;

    *out = NULL;
    if (line == NULL) {
        return -1;
    }
    while (i < len && addr[0] == '\0') {
        for (n = 0; i + n < len && text[i + n] != '\n'; n++) {
        }
        memcpy(line, text + i, n);
        line[n] = '\0';
        bind_line(&b, line, "/nonexistent", 0);
        i += n + 1;
    }
    free(line);
    if (addr[0] != '\0' && (*out = strdup(addr)) == NULL) {
        return -1;
    }
    return 0;
}

int nr_ssh__config_bind(char **out, const char *host, const char *config)
{
    char addr[256] = "", user[4200];
    struct bindscan b = { host, addr, sizeof(addr), 1, 0, 0 };

    *out = NULL;
    if (config != NULL && strcmp(config, "none") == 0) {
        return 0;
    }
    pthread_once(&ssh_dir_once, find_ssh_dir);
    if (config != NULL) {
        bind_file(&b, config, ssh_dir, 0);
    } else {
        if (ssh_dir[0] != '\0') {
            snprintf(user, sizeof(user), "%s/config", ssh_dir);
            bind_file(&b, user, ssh_dir, 0);
        }
        if (addr[0] == '\0') {
            bind_file(&b, "/etc/ssh/ssh_config", "/etc/ssh", 0);
        }
    }
    if (addr[0] != '\0' && (*out = strdup(addr)) == NULL) {
        return -1;
    }
    return 0;
}

/* ---- TCP, in our hands ---------------------------------------------------- */

/* A name lookup on a thread of its own: getaddrinfo() blocks, and a slow
 * DNS server must not hold the other sessions of this thread.  Whoever
 * of the two (lookup thread, waiting session) lets go last frees it. */
struct lookup {
    char host[256], port[16];
    struct addrinfo *res;
    int rc;
    int efd;
    atomic_int refs;
};

static void lookup_unref(struct lookup *l)
{
    if (atomic_fetch_sub(&l->refs, 1) == 1) {
        if (l->res != NULL) {
            freeaddrinfo(l->res);
        }
        close(l->efd);
        free(l);
    }
}

static void *lookup_main(void *arg)
{
    struct lookup *l = arg;
    struct addrinfo hints;
    uint64_t one = 1;

    memset(&hints, 0, sizeof(hints));
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_ADDRCONFIG;
    l->rc = getaddrinfo(l->host, l->port, &hints, &l->res);
    if (write(l->efd, &one, sizeof(one)) < 0) {
        /* the waiter gives up at its deadline */
    }
    lookup_unref(l);
    return NULL;
}

static int resolve(struct addrinfo **out, const char *host, int port,
                   const struct nr_ssh_opts *o, int64_t deadline,
                   struct nr_err *err)
{
    struct addrinfo hints;
    struct lookup *l;
    pthread_attr_t attr;
    pthread_t th;
    char ps[16];
    int rc;

    *out = NULL;
    snprintf(ps, sizeof(ps), "%d", port);
    memset(&hints, 0, sizeof(hints));
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
    if (getaddrinfo(host, ps, &hints, out) == 0) {
        return 0;
    }
    l = calloc(1, sizeof(*l));
    if (l == NULL || strlen(host) >= sizeof(l->host) ||
        (l->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0) {
        nr_err_set(err, l == NULL ? NR_ERR_LIMIT : NR_ERR_USAGE, "connect",
                   "cannot look up '%.100s'", host);
        free(l);
        return -1;
    }
    snprintf(l->host, sizeof(l->host), "%s", host);
    snprintf(l->port, sizeof(l->port), "%s", ps);
    atomic_init(&l->refs, 2);
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 256 << 10);
    rc = pthread_create(&th, &attr, lookup_main, l);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        atomic_store(&l->refs, 1);
        lookup_main(l);     /* no thread: look it up here */
        atomic_store(&l->refs, 1);
    }
    while (!(nr_fiber__wait(l->efd, POLLIN, slice_ms(deadline)) & POLLIN)) {
        if (left_ms(deadline) == 0 || stopped(o)) {
            nr_err_set(err, NR_ERR_TIMEOUT, "connect", "%s",
                       left_ms(deadline) == 0 ? "no answer from the name "
                       "service before the deadline" : "interrupted");
            lookup_unref(l);
            return -1;
        }
    }
    if (l->rc != 0) {
        nr_err_set(err, NR_ERR_CONNECT, "connect", "cannot resolve %s: %s",
                   host, gai_strerror(l->rc));
    } else {
        *out = l->res;
        l->res = NULL;
    }
    lookup_unref(l);
    return *out != NULL ? 0 : -1;
}

/* Connect to host:port, each address in turn, without blocking the
 * thread; the socket goes to libssh (SSH_OPTIONS_FD), which closes it. */
static int tcp_connect(int *fd_out, const char *host, int port,
                       const char *from, const struct nr_ssh_opts *o,
                       int64_t deadline, struct nr_err *err)
{
    struct addrinfo *res = NULL, *src = NULL;
    int fd = -1, e = 0, yes = 1, bind_failed = 0;

    *fd_out = -1;
    if (from != NULL) {
        /* ssh_config's BindAddress: an address, not a name to look up
         * on this thread. */
        struct addrinfo hints;

        memset(&hints, 0, sizeof(hints));
        hints.ai_flags = AI_NUMERICHOST | AI_PASSIVE;
        hints.ai_socktype = SOCK_STREAM;
        if (getaddrinfo(from, NULL, &hints, &src) != 0) {
            nr_err_set(err, NR_ERR_USAGE, "connect", "ssh config "
                       "BindAddress '%s' for %s is not an IP address", from,
                       host);
            return -1;
        }
    }
    if (resolve(&res, host, port, o, deadline, err) != 0) {
        freeaddrinfo(src);
        return -1;
    }
    for (struct addrinfo *a = res; a != NULL && fd < 0; a = a->ai_next) {
        socklen_t el = sizeof(e);
        const struct addrinfo *b = src;

        /* Only an address of the same family can be the source. */
        while (b != NULL && b->ai_family != a->ai_family) {
            b = b->ai_next;
        }
        if (src != NULL && b == NULL) {
            e = EAFNOSUPPORT;
            bind_failed = 1;
            continue;
        }
        fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK |
                    SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) {
            e = errno;
            continue;
        }
        if (b != NULL && bind(fd, b->ai_addr, b->ai_addrlen) != 0) {
            e = errno;
            bind_failed = 1;
            close(fd);
            fd = -1;
            continue;
        }
        bind_failed = 0;
        /* An interactive exchange of small packets: Nagle would hold
         * each one for the peer's delayed ACK, ~40 ms per turn. */
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof(yes));
        e = 0;
        if (connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
            e = errno;
        }
        while (e == EINPROGRESS || e == EINTR) {
            if (left_ms(deadline) == 0 || stopped(o)) {
                e = ETIMEDOUT;
                break;
            }
            if (nr_fiber__wait(fd, POLLOUT, slice_ms(deadline))) {
                el = sizeof(e);
                if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el) != 0) {
                    e = errno;
                }
            }
        }
        if (e != 0) {
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    freeaddrinfo(src);
    if (fd < 0 && bind_failed) {
        /* The machine's own address is wrong, not the device: a retry
         * would not help. */
        nr_err_set(err, NR_ERR_USAGE, "connect", "%s port %d: from ssh "
                   "config BindAddress %s: %s", host, port, from,
                   e == EAFNOSUPPORT ? "not of the device address's family"
                                     : strerror(e));
        return -1;
    }
    if (fd < 0) {
        nr_err_set(err, e == ETIMEDOUT ? NR_ERR_TIMEOUT : NR_ERR_CONNECT,
                   "connect", "%s port %d: %s", host, port,
                   e == ETIMEDOUT && stopped(o)
                   ? "interrupted" : e == ETIMEDOUT ? "no TCP connection "
                   "before the deadline" : strerror(e));
        return -1;
    }
    *fd_out = fd;
    return 0;
}

static int connect_hop(struct hop *h, const struct nr_ssh_target *t,
                       const struct nr_ssh_opts *o, int64_t deadline,
                       struct nr_err *err)
{
    ssh_session s;
    long tmo_us;
    int verbosity = SSH_LOG_NOLOG, no = 0, yes = 1, rc;
    socket_t fd = -1;
    int64_t cdl;
    int restore_kh = 0;

    s = h->sess = ssh_new();
    if (s == NULL) {
        nr_err_set(err, NR_ERR_LIMIT, "connect", "out of memory");
        return -1;
    }
    ssh_options_set(s, SSH_OPTIONS_LOG_VERBOSITY, &verbosity);
    /* An interactive exchange of small packets: Nagle would hold each
     * one for the peer's delayed ACK, ~40 ms per turn. */
    ssh_options_set(s, SSH_OPTIONS_NODELAY, &yes);
    set_ssh_dir(s);
    if (ssh_options_set(s, SSH_OPTIONS_HOST, t->host) != SSH_OK) {
        nr_err_set(err, NR_ERR_USAGE, "connect", "bad address '%s'", t->host);
        return -1;
    }
    /* ssh_config first; what the inventory says explicitly wins. */
    if (o->config_file != NULL && strcmp(o->config_file, "none") == 0) {
        ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &no);
    } else if ((o->config_file != NULL && access(o->config_file, R_OK) != 0)
               || ssh_options_parse_config(s, o->config_file) != SSH_OK) {
        nr_err_set(err, NR_ERR_USAGE, "connect", "cannot read ssh "
                   "config %s", o->config_file != NULL ? o->config_file : "~/.ssh/config");
        return -1;
    }
    ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &no);
    /* libssh 0.10 would run ProxyJump/ProxyCommand by spawning ssh, out
     * of reach of our host-key policy and credentials: refuse it and
     * point at the in-process way. */
    {
        char *pc = NULL;

        /* Reached through a tunnel of ours, the config's jump is the
         * one we already took. */
        if (h->sv[0] < 0 &&
            ssh_options_get(s, SSH_OPTIONS_PROXYCOMMAND, &pc) == SSH_OK &&
            pc != NULL && strcmp(pc, "none") != 0) {
            ssh_string_free_char(pc);
            nr_err_set(err, NR_ERR_USAGE, "connect", "ssh config sets a "
                       "ProxyCommand for %s; netrun never runs commands to "
                       "connect: give the jump host as jump_host or -J "
                       "(ProxyJump lines are taken over)", t->host);
            return -1;
        }
        ssh_string_free_char(pc);
    }
    ssh_options_set(s, SSH_OPTIONS_PROXYCOMMAND, "none");
    if (t->port > 0) {
        ssh_options_set(s, SSH_OPTIONS_PORT, &t->port);
    }
    if (t->user != NULL) {
        ssh_options_set(s, SSH_OPTIONS_USER, t->user);
    }
    if (o->known_hosts != NULL) {
        ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, o->known_hosts);
        ssh_options_set(s, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null");
    }
    if (set_algos(s, t, err) != 0) {
        return -1;
    }
    /* libssh orders the host-key algorithms by what known_hosts has for
     * the host, reading and parsing the whole file (every key imported)
     * to find out.  The run's snapshot knows; libssh then reads an empty
     * file, and gets the real ones back for the verification. */
    if (o->kh != NULL && o->kh_order && t->hostkeys == NULL) {
        char name[600], order[1024];

        if (kh_name(s, name, sizeof(name)) == 0 &&
            nr_ssh__kh_order(o->kh, name, DEF_HOSTKEYS, order,
                             sizeof(order)) &&
            ssh_options_set(s, SSH_OPTIONS_HOSTKEYS, order) == SSH_OK) {
            ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, "/dev/null");
            ssh_options_set(s, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null");
            restore_kh = 1;
        }
    }
    tmo_us = (long)left_ms(deadline);
    if (o->connect_timeout_ms > 0 && tmo_us > o->connect_timeout_ms) {
        tmo_us = o->connect_timeout_ms;
    }
    if (tmo_us <= 0) {
        nr_err_set(err, NR_ERR_TIMEOUT, "connect", "deadline passed "
                   "before connecting");
        return -1;
    }
    /* The TCP connect and the handshake get the connect timeout, the
     * authentication a fresh one, as each blocking call had before. */
    cdl = nr_now_ms() + tmo_us;
    tmo_us *= 1000;
    ssh_options_set(s, SSH_OPTIONS_TIMEOUT_USEC, &tmo_us);
    if (h->sv[0] >= 0) {
        /* libssh closes the socket it is given: a copy of ours. */
        fd = dup(h->sv[0]);
    } else {
        char *host = NULL;
        unsigned int port = 22;

        rc = ssh_options_get(s, SSH_OPTIONS_HOST, &host) == SSH_OK &&
             ssh_options_get_port(s, &port) == SSH_OK
             ? tcp_connect(&fd, host, (int)port, t->bind, o, cdl, err)
             : (nr_err_set(err, NR_ERR_USAGE, "connect", "no address"), -1);
        ssh_string_free_char(host);
        if (rc != 0) {
            return -1;
        }
    }
    if (fd < 0 || ssh_options_set(s, SSH_OPTIONS_FD, &fd) != SSH_OK) {
        if (fd >= 0) {
            close(fd);
        }
        nr_err_set(err, NR_ERR_IO, "connect", "cannot hand the socket to "
                   "libssh");
        return -1;
    }
    ssh_set_blocking(s, 0);
    UNTIL_DONE(rc, SSH_AGAIN, ssh_connect(s), s, o, cdl);
    if (rc == SSH_AGAIN) {
        gave_up(err, o, "connect", "no SSH handshake before the deadline");
        return -1;
    }
    if (restore_kh) {
        /* What libssh would have used: set_ssh_dir() gave it ssh_dir. */
        char def[4200];

        snprintf(def, sizeof(def), "%s/known_hosts", ssh_dir);
        ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, o->known_hosts != NULL
                        ? o->known_hosts : def);
        ssh_options_set(s, SSH_OPTIONS_GLOBAL_KNOWNHOSTS,
                        o->known_hosts != NULL ? "/dev/null"
                                               : "/etc/ssh/ssh_known_hosts");
    }
    if (rc != SSH_OK) {
        const char *e = ssh_get_error(s);
        enum nr_err_kind k = NR_ERR_CONNECT;

        if (strstr(e, "imeout") != NULL || strstr(e, "timed out") != NULL) {
            k = NR_ERR_TIMEOUT;
        } else if (strstr(e, "o match for method") != NULL ||
                   strstr(e, "algorithm") != NULL) {
            k = NR_ERR_PROTOCOL;
        }
        nr_err_set(err, k, "connect", "%s", e);
        return -1;
    }
    if (verify_host_key(s, t, o, err) != 0) {
        return -1;
    }
    if (left_ms(deadline) == 0) {
        nr_err_set(err, NR_ERR_TIMEOUT, "auth", "deadline passed before "
                   "authenticating");
        return -1;
    }
    if (o->connect_timeout_ms > 0 &&
        left_ms(deadline) > o->connect_timeout_ms) {
        deadline = nr_now_ms() + o->connect_timeout_ms;
    }
    return authenticate(s, t, o, deadline, err);
}

static void describe_crypto(struct nr_ssh *s)
{
    ssh_session ss = s->hops[s->n - 1].sess;
    ssh_key k = NULL;
    const char *kt = "?";

    if (ssh_get_server_publickey(ss, &k) == SSH_OK) {
        kt = ssh_key_type_to_char(ssh_key_type(k));
    }
    snprintf(s->crypto, sizeof(s->crypto),
             "kex=%s hostkey=%s cipher=%s mac=%s",
             ssh_get_kex_algo(ss) ? ssh_get_kex_algo(ss) : "?", kt,
             ssh_get_cipher_out(ss) ? ssh_get_cipher_out(ss) : "?",
             ssh_get_hmac_out(ss) ? ssh_get_hmac_out(ss) : "?");
    ssh_key_free(k);
}

int nr_ssh__connect(struct nr_ssh **out, const struct nr_ssh_target *hops,
                    size_t n, const struct nr_ssh_opts *o, int64_t deadline,
                    struct nr_err *err)
{
    struct nr_ssh *s = NULL;
    int rc = -1;

    *out = NULL;
    if (n == 0) {
        nr_err_set(err, NR_ERR_USAGE, "connect", "no host");
        return -1;
    }
    s = calloc(1, sizeof(*s));
    if (s == NULL || (s->hops = calloc(n, sizeof(*s->hops))) == NULL) {
        nr_err_set(err, NR_ERR_LIMIT, "connect", "out of memory");
        goto out;
    }
    s->o = o;
    for (size_t i = 0; i < n; i++) {
        s->hops[i].sv[0] = s->hops[i].sv[1] = -1;
    }
    s->n = n;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && tunnel(&s->hops[i - 1], &s->hops[i], hops[i - 1].name,
                         &hops[i], o, deadline, err) != 0) {
            goto out;
        }
        if (connect_hop(&s->hops[i], &hops[i], o, deadline, err) != 0) {
            if (i + 1 < n) {
                /* Say it was the jump host, not the device, that failed. */
                char msg[400];

                snprintf(msg, sizeof(msg), "%.390s", err->msg);
                snprintf(err->msg, sizeof(err->msg), "jump host %.60s: %s",
                         hops[i].name, msg);
            }
            goto out;
        }
    }
    describe_crypto(s);
    s->last_io = nr_now_ms();
    *out = s;
    s = NULL;
    rc = 0;
out:
    nr_ssh__close(s);
    return rc;
}

const char *nr_ssh__crypto(const struct nr_ssh *s)
{
    return s->crypto;
}

static ssh_session last(struct nr_ssh *s)
{
    return s->hops[s->n - 1].sess;
}

/* Keep idle sessions (and NAT/firewall state) alive while a slow
 * command thinks. */
static void maybe_keepalive(struct nr_ssh *s)
{
    if (s->o->keepalive_ms > 0 &&
        nr_now_ms() - s->last_io >= s->o->keepalive_ms) {
        (void)ssh_send_keepalive(last(s));
        s->last_io = nr_now_ms();
    }
}

int nr_ssh__exec(struct nr_ssh *s, const char *cmd, struct nr_buf *out,
                 int *status, int64_t deadline, struct nr_err *err)
{
    ssh_channel ch = ssh_channel_new(last(s));
    struct nr_buf errb = NR_BUF_INIT(out->max);
    char buf[16384];
    int rc = -1, eof = 0, r = SSH_ERROR;

    *status = -1;
    if (ch != NULL) {
        UNTIL_DONE(r, SSH_AGAIN, ssh_channel_open_session(ch), last(s), s->o,
                   deadline);
        if (r == SSH_OK) {
            UNTIL_DONE(r, SSH_AGAIN, ssh_channel_request_exec(ch, cmd),
                       last(s), s->o, deadline);
        }
    }
    if (r == SSH_AGAIN) {
        gave_up(err, s->o, "exec",
                "the command did not start before the deadline");
        goto out;
    }
    if (r != SSH_OK) {
        nr_err_set(err, NR_ERR_PROTOCOL, "exec", "cannot start command: %s",
                   ssh_get_error(last(s)));
        goto out;
    }
    while (!eof) {
        int64_t l = left_ms(deadline);
        int n, got = 0;

        if (l == 0 || stopped(s->o)) {
            nr_err_set(err, NR_ERR_TIMEOUT, "exec", "%s", l == 0
                       ? "no end of output before the deadline"
                       : "interrupted");
            goto out;
        }
        for (int is_err = 0; is_err <= 1; is_err++) {
            n = ssh_channel_read_nonblocking(ch, buf, sizeof(buf), is_err);
            if (n == SSH_ERROR) {
                nr_err_set(err, NR_ERR_CONNECT, "exec", "connection lost: %s",
                           ssh_get_error(last(s)));
                goto out;
            }
            if (n > 0) {
                got = 1;
                if (nr_buf_add(is_err ? &errb : out, buf, (size_t)n) != 0) {
                    nr_err_set(err, NR_ERR_LIMIT, "exec", "output larger "
                               "than %zu bytes (--max-output)", out->max);
                    goto out;
                }
            }
        }
        if (got) {
            s->last_io = nr_now_ms();
            continue;
        }
        if (ssh_channel_is_eof(ch)) {
            eof = 1;
            break;
        }
        maybe_keepalive(s);
        (void)pend(last(s), s->o, deadline);
    }
    if (errb.len > 0 && nr_buf_add(out, errb.data, errb.len) != 0) {
        nr_err_set(err, NR_ERR_LIMIT, "exec", "output larger than %zu bytes "
                   "(--max-output)", out->max);
        goto out;
    }
    ssh_channel_send_eof(ch);
    /* The exit status may come after the end of output; a device that
     * sends none closes the channel instead. */
    while ((*status = ssh_channel_get_exit_status(ch)) == -1 &&
           !ssh_channel_is_closed(ch) && pend(last(s), s->o, deadline) == 0) {
    }
    rc = 0;
out:
    nr_buf_dispose(&errb);
    if (ch != NULL) {
        ssh_channel_close(ch);
        ssh_channel_free(ch);
    }
    return rc;
}

int nr_ssh__shell(struct nr_ssh *s, int64_t deadline, struct nr_err *err)
{
    ssh_channel ch = ssh_channel_new(last(s));
    int r = SSH_ERROR;

    if (ch != NULL) {
        UNTIL_DONE(r, SSH_AGAIN, ssh_channel_open_session(ch), last(s), s->o,
                   deadline);
    }
    /* Wide and tall so devices neither wrap nor page what they can. */
    if (r == SSH_OK) {
        UNTIL_DONE(r, SSH_AGAIN,
                   ssh_channel_request_pty_size(ch, "vt100", 511, 24),
                   last(s), s->o, deadline);
    }
    if (r == SSH_OK) {
        UNTIL_DONE(r, SSH_AGAIN, ssh_channel_request_shell(ch), last(s), s->o,
                   deadline);
    }
    if (r != SSH_OK) {
        if (r == SSH_AGAIN) {
            gave_up(err, s->o, "shell", "no shell before the deadline");
        } else {
            nr_err_set(err, NR_ERR_PROTOCOL, "shell", "cannot open a shell: "
                       "%s", ssh_get_error(last(s)));
        }
        if (ch != NULL) {
            ssh_channel_free(ch);
        }
        return -1;
    }
    s->shell = ch;
    return 0;
}

int nr_ssh__write(struct nr_ssh *s, const char *data, size_t len,
                  struct nr_err *err)
{
    /* The device's window can be full (it stopped reading): give it
     * the keepalive interval, at least 30 s, to take more. */
    int64_t deadline = nr_now_ms() + (s->o->keepalive_ms > 30000
                                      ? s->o->keepalive_ms : 30000);
    size_t off = 0;

    while (off < len) {
        int n = ssh_channel_write(s->shell, data + off, (uint32_t)(len - off));

        if (n == SSH_AGAIN) {
            n = 0;
        }
        if (n < 0) {
            nr_err_set(err, NR_ERR_CONNECT, "write", "connection lost: %s",
                       ssh_get_error(last(s)));
            return -1;
        }
        off += (size_t)n;
        if (off < len && pend(last(s), s->o, deadline) != 0) {
            gave_up(err, s->o, "write", "the device takes no input");
            return -1;
        }
    }
    s->last_io = nr_now_ms();
    return 0;
}

long nr_ssh__read(struct nr_ssh *s, char *buf, size_t cap, int timeout_ms,
                  struct nr_err *err)
{
    int64_t until = nr_now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
    int n;

    for (;;) {
        int64_t l;

        n = ssh_channel_read_nonblocking(s->shell, buf, (uint32_t)cap, 0);
        if (n == SSH_AGAIN) {
            n = 0;
        }
        if (n != 0 || ssh_channel_is_eof(s->shell)) {
            break;
        }
        l = until - nr_now_ms();
        if (l <= 0) {
            return 0;
        }
        maybe_keepalive(s);
        wait_socket(last(s), l);
    }
    if (n > 0) {
        s->last_io = nr_now_ms();
        return n;
    }
    if (n == 0 || n == SSH_EOF) {
        nr_err_set(err, NR_ERR_CONNECT, "read", "the device closed the "
                   "session");
    } else {
        nr_err_set(err, NR_ERR_CONNECT, "read", "connection lost: %s",
                   ssh_get_error(last(s)));
    }
    return -1;
}
