/* snmp.c — SNMP targets and the fan-out engine: net-snmp's single-session
 * API (snmp_sess_*) driven from one epoll loop, one request in flight
 * per agent and at most req->jobs agents at once, our own timers and
 * retries, adaptive GETBULK, counter mode. */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include <net-snmp/library/large_fd_set.h>
#include <net-snmp/library/snmpUDPBaseDomain.h>
#include <sys/socket.h>

#include "output.h"
#include "snmp.h"

#define DEF_TIMEOUT_MS 1000
#define DEF_RETRIES 2
#define DEF_MAX_REP 25
#define DEF_JOBS 64
#define GET_BATCH 32   /* varbinds per GET request */
#define NR_PROTO_MAX 16   /* longest auth/priv protocol OID */

static const oid SYSUPTIME0[] = { 1, 3, 6, 1, 2, 1, 1, 3, 0 };

struct nr_snmp_target {
    char *name;
    char *peer;              /* "udp:HOST:PORT" / "udp6:[HOST]:PORT" */
    long version;
    char *community;         /* secret */
    size_t community_len;
    char *user;
    int sec_level;
    oid auth_proto[NR_PROTO_MAX];
    size_t auth_proto_len;
    u_char auth_key[USM_AUTH_KU_LEN];   /* Ku: secret */
    size_t auth_key_len;
    oid priv_proto[NR_PROTO_MAX];
    size_t priv_proto_len;
    u_char priv_key[USM_PRIV_KU_LEN];   /* Ku: secret */
    size_t priv_key_len;
    char *context;
    u_char engine_id[64];
    size_t engine_id_len;    /* given, or learned by the first probe */
    int timeout_ms;
    int retries;
    int max_rep;
};

/* ---- errors: the one mapping from net-snmp to nr_err ---------------------- */

void nr_snmp__err_map(struct nr_err *err, const char *op, int e,
                      const char *detail)
{
    enum nr_err_kind kind = NR_ERR_PROTOCOL;
    const char *what = NULL;

    switch (e) {
    case SNMPERR_TIMEOUT:
        kind = NR_ERR_TIMEOUT; what = "no response"; break;
    case SNMPERR_UNKNOWN_USER_NAME:
        kind = NR_ERR_AUTH; what = "unknown user name"; break;
    case SNMPERR_AUTHENTICATION_FAILURE:
        kind = NR_ERR_AUTH;
        what = "authentication failure (wrong digest: wrong auth "
               "passphrase or protocol)";
        break;
    case SNMPERR_DECRYPTION_ERR:
        kind = NR_ERR_AUTH;
        what = "decryption error (wrong priv passphrase or protocol)";
        break;
    case SNMPERR_UNSUPPORTED_SEC_LEVEL:
        kind = NR_ERR_AUTH;
        what = "unsupported security level for this user";
        break;
    case SNMPERR_NOT_IN_TIME_WINDOW:
        kind = NR_ERR_AUTH; what = "not in time window"; break;
    case SNMPERR_UNKNOWN_ENG_ID:
        kind = NR_ERR_PROTOCOL; what = "unknown engine ID"; break;
    case SNMPERR_UNKNOWN_SEC_MODEL:
        kind = NR_ERR_PROTOCOL; what = "unknown security model"; break;
    case SNMPERR_USM_GENERICERROR:
    case SNMPERR_USM_ENCRYPTIONERROR:
        kind = NR_ERR_AUTH; what = "USM error"; break;
    case SNMPERR_BAD_ADDRESS:
    case SNMPERR_BAD_SESSION:
    case SNMPERR_BAD_SENDTO:
    case SNMPERR_BAD_RECVFROM:
    case SNMPERR_TRANSPORT_NO_CONFIG:
        kind = NR_ERR_CONNECT; break;
    case SNMPERR_MALLOC:
        kind = NR_ERR_LIMIT; what = "out of memory"; break;
    case SNMPERR_TOO_LONG:
        kind = NR_ERR_LIMIT; break;
    case SNMPERR_BAD_PARSE:
    case SNMPERR_ASN_PARSE_ERR:
        kind = NR_ERR_PROTOCOL; break;
    default:
        break;
    }
    if (what == NULL) {
        what = snmp_api_errstring(e);
    }
    if (detail != NULL && detail[0] != '\0') {
        nr_err_set(err, kind, op, "%s: %s", detail, what);
    } else {
        nr_err_set(err, kind, op, "%s", what);
    }
}

/* ---- targets ------------------------------------------------------------------ */

int nr_snmp__addr_parse(char *host, size_t hostsz, int *port,
                        const char *addr, struct nr_err *err)
{
    const char *h = addr, *colon;
    size_t hl;
    int rc = -1;

    *port = 0;
    if (hostsz > 0) {
        host[0] = '\0';
    }
    if (addr == NULL || addr[0] == '\0') {
        nr_err_set(err, NR_ERR_USAGE, "target", "empty address");
        goto out;
    }
    if (strncmp(h, "udp:", 4) == 0) {
        h += 4;
    }
    if (h[0] == '[') {
        const char *end = strchr(h, ']');

        if (end == NULL || end == h + 1 ||
            (end[1] != '\0' && end[1] != ':')) {
            nr_err_set(err, NR_ERR_USAGE, "target", "bad address '%.100s'",
                       addr);
            goto out;
        }
        hl = (size_t)(end - h - 1);
        h++;
        colon = end[1] == ':' ? end + 1 : NULL;
    } else {
        colon = strchr(h, ':');
        if (colon != NULL && strchr(colon + 1, ':') != NULL) {
            colon = NULL;   /* a bare IPv6 address */
        }
        hl = colon != NULL ? (size_t)(colon - h) : strlen(h);
    }
    if (hl == 0 || hl >= hostsz || strcspn(h, " \t\r\n,/@") < hl) {
        nr_err_set(err, NR_ERR_USAGE, "target", "bad address '%.100s'", addr);
        goto out;
    }
    if (colon != NULL) {
        char *end;
        long p;

        errno = 0;
        p = strtol(colon + 1, &end, 10);
        if (colon[1] == '\0' || *end != '\0' || errno != 0 || p < 1 ||
            p > 65535) {
            nr_err_set(err, NR_ERR_USAGE, "target", "bad port in '%.100s'",
                       addr);
            goto out;
        }
        *port = (int)p;
    }
    memcpy(host, h, hl);
    host[hl] = '\0';
    rc = 0;
out:
    return rc;
}

/* Ku from a passphrase.  Computing it costs a million hash rounds, and an
 * inventory gives the same passphrase to many hosts: remember a few. */
struct ku_memo {
    oid proto[NR_PROTO_MAX];
    size_t proto_len;
    u_char pass_hash[64];     /* the passphrase is not kept, its SHA is */
    u_char ku[USM_AUTH_KU_LEN];
    size_t ku_len;
};
static struct ku_memo memo[8];
static size_t memo_next;
static pthread_mutex_t memo_lock = PTHREAD_MUTEX_INITIALIZER;

static int make_ku(u_char *ku, size_t *ku_len, const oid *proto,
                   size_t proto_len, const char *pass)
{
    u_char h[64];
    size_t hl = sizeof(h);
    int rc = -1;

    memset(h, 0, sizeof(h));
    if (sc_hash(usmHMAC384SHA512AuthProtocol,
                sizeof(usmHMAC384SHA512AuthProtocol) / sizeof(oid),
                (const u_char *)pass, strlen(pass), h, &hl) != SNMPERR_SUCCESS) {
        hl = 0;
    }
    pthread_mutex_lock(&memo_lock);
    for (size_t i = 0; hl > 0 && i < sizeof(memo) / sizeof(memo[0]); i++) {
        if (memo[i].ku_len > 0 && memo[i].proto_len == proto_len &&
            snmp_oid_compare(memo[i].proto, proto_len, proto, proto_len) == 0 &&
            memcmp(memo[i].pass_hash, h, sizeof(h)) == 0) {
            memcpy(ku, memo[i].ku, memo[i].ku_len);
            *ku_len = memo[i].ku_len;
            rc = 0;
            goto out;
        }
    }
    *ku_len = USM_AUTH_KU_LEN;
    if (generate_Ku(proto, (u_int)proto_len, (const u_char *)pass,
                    strlen(pass), ku, ku_len) != SNMPERR_SUCCESS) {
        goto out;
    }
    if (hl > 0) {
        struct ku_memo *m = &memo[memo_next++ % (sizeof(memo) / sizeof(memo[0]))];

        memcpy(m->proto, proto, proto_len * sizeof(oid));
        m->proto_len = proto_len;
        memcpy(m->pass_hash, h, sizeof(h));
        memcpy(m->ku, ku, *ku_len);
        m->ku_len = *ku_len;
    }
    rc = 0;
out:
    pthread_mutex_unlock(&memo_lock);
    explicit_bzero(h, sizeof(h));
    return rc;
}

/* Protocol names as users write them: "SHA256", "sha-256", "AES256". */
static int proto_lookup(int priv, const char *name)
{
    char norm[32];
    size_t n = 0;
    int t;

    for (const char *p = name; *p != '\0' && n < sizeof(norm) - 1; p++) {
        norm[n++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
    }
    norm[n] = '\0';
    t = priv ? usm_lookup_priv_type(norm) : usm_lookup_auth_type(norm);
    if (t < 0 && n > 3 && strchr(norm, '-') == NULL) {
        /* "SHA256" -> "SHA-256", "AES256" -> "AES-256" */
        char dash[40];

        snprintf(dash, sizeof(dash), "%.3s-%s", norm, norm + 3);
        t = priv ? usm_lookup_priv_type(dash) : usm_lookup_auth_type(dash);
    }
    return t;
}

void nr_snmp_target_free(struct nr_snmp_target *t)
{
    if (t == NULL) {
        return;
    }
    if (t->community != NULL) {
        explicit_bzero(t->community, t->community_len);
    }
    explicit_bzero(t->auth_key, sizeof(t->auth_key));
    explicit_bzero(t->priv_key, sizeof(t->priv_key));
    free(t->community);
    free(t->name);
    free(t->peer);
    free(t->user);
    free(t->context);
    free(t);
}

const char *nr_snmp_target_name(const struct nr_snmp_target *t)
{
    return t->name;
}

static int set_version(struct nr_snmp_target *t, const char *v,
                       struct nr_err *err)
{
    if (v == NULL || strcmp(v, "2c") == 0 || strcmp(v, "2") == 0 ||
        strcmp(v, "v2c") == 0) {
        t->version = SNMP_VERSION_2c;
    } else if (strcmp(v, "1") == 0 || strcmp(v, "v1") == 0) {
        t->version = SNMP_VERSION_1;
    } else if (strcmp(v, "3") == 0 || strcmp(v, "v3") == 0) {
        t->version = SNMP_VERSION_3;
    } else {
        nr_err_set(err, NR_ERR_USAGE, "target", "unknown SNMP version '%.20s' "
                   "(1, 2c or 3)", v);
        return -1;
    }
    return 0;
}

static int set_v3(struct nr_snmp_target *t, const struct nr_snmp_conf *c,
                  struct nr_err *err)
{
    int level, at, pt;
    oid *po;
    size_t plen = 0;

    if (c->user == NULL || c->user[0] == '\0') {
        nr_err_set(err, NR_ERR_USAGE, "target", "SNMPv3 needs a user "
                   "(snmp_user, --user)");
        return -1;
    }
    if (c->sec_level == NULL) {
        level = c->priv_pass != NULL ? SNMP_SEC_LEVEL_AUTHPRIV
                : c->auth_pass != NULL ? SNMP_SEC_LEVEL_AUTHNOPRIV
                                       : SNMP_SEC_LEVEL_NOAUTH;
    } else if (strcasecmp(c->sec_level, "noAuthNoPriv") == 0 ||
               strcasecmp(c->sec_level, "noauth") == 0) {
        level = SNMP_SEC_LEVEL_NOAUTH;
    } else if (strcasecmp(c->sec_level, "authNoPriv") == 0 ||
               strcasecmp(c->sec_level, "auth") == 0) {
        level = SNMP_SEC_LEVEL_AUTHNOPRIV;
    } else if (strcasecmp(c->sec_level, "authPriv") == 0 ||
               strcasecmp(c->sec_level, "priv") == 0) {
        level = SNMP_SEC_LEVEL_AUTHPRIV;
    } else {
        nr_err_set(err, NR_ERR_USAGE, "target", "unknown security level "
                   "'%.30s' (noAuthNoPriv, authNoPriv, authPriv)",
                   c->sec_level);
        return -1;
    }
    t->sec_level = level;
    t->user = strdup(c->user);
    if (t->user == NULL) {
        nr_err_set(err, NR_ERR_LIMIT, "target", "out of memory");
        return -1;
    }
    if (level == SNMP_SEC_LEVEL_NOAUTH) {
        return 0;
    }
    at = proto_lookup(0, c->auth_proto != NULL ? c->auth_proto : "SHA");
    po = at >= 0 ? sc_get_auth_oid(at, &plen) : NULL;
    if (po == NULL || plen > NR_PROTO_MAX) {
        nr_err_set(err, NR_ERR_USAGE, "target", "unknown auth protocol "
                   "'%.30s' (MD5, SHA, SHA-224, SHA-256, SHA-384, SHA-512)",
                   c->auth_proto);
        return -1;
    }
    memcpy(t->auth_proto, po, plen * sizeof(oid));
    t->auth_proto_len = plen;
    if (c->auth_pass == NULL || strlen(c->auth_pass) < 8) {
        nr_err_set(err, NR_ERR_USAGE, "target", "%s needs an auth passphrase "
                   "of 8 characters or more", level == SNMP_SEC_LEVEL_AUTHPRIV
                   ? "authPriv" : "authNoPriv");
        return -1;
    }
    if (make_ku(t->auth_key, &t->auth_key_len, t->auth_proto,
                t->auth_proto_len, c->auth_pass) != 0) {
        nr_err_set(err, NR_ERR_USAGE, "target", "cannot derive the auth key");
        return -1;
    }
    if (level != SNMP_SEC_LEVEL_AUTHPRIV) {
        return 0;
    }
    pt = proto_lookup(1, c->priv_proto != NULL ? c->priv_proto : "AES");
    po = pt >= 0 ? sc_get_priv_oid(pt, &plen) : NULL;
    if (po == NULL || plen > NR_PROTO_MAX) {
        nr_err_set(err, NR_ERR_USAGE, "target", "unknown priv protocol "
                   "'%.30s' (DES, AES, AES-192, AES-256)", c->priv_proto);
        return -1;
    }
    memcpy(t->priv_proto, po, plen * sizeof(oid));
    t->priv_proto_len = plen;
    if (c->priv_pass == NULL || strlen(c->priv_pass) < 8) {
        nr_err_set(err, NR_ERR_USAGE, "target", "authPriv needs a priv "
                   "passphrase of 8 characters or more");
        return -1;
    }
    /* the priv key is derived with the auth protocol's hash (RFC 3414) */
    if (make_ku(t->priv_key, &t->priv_key_len, t->auth_proto,
                t->auth_proto_len, c->priv_pass) != 0) {
        nr_err_set(err, NR_ERR_USAGE, "target", "cannot derive the priv key");
        return -1;
    }
    return 0;
}

static int set_engine_id(struct nr_snmp_target *t, const char *hex,
                         struct nr_err *err)
{
    size_t n = 0;

    if (hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X')) {
        hex += 2;
    }
    for (size_t i = 0; hex[i] != '\0'; i += 2) {
        int hi = nr_hexval(hex[i]), lo = hex[i + 1] ? nr_hexval(hex[i + 1]) : -1;

        if (hi < 0 || lo < 0 || n >= sizeof(t->engine_id)) {
            nr_err_set(err, NR_ERR_USAGE, "target", "bad engine ID (hex, at "
                       "most 64 bytes)");
            return -1;
        }
        t->engine_id[n++] = (u_char)(hi << 4 | lo);
    }
    if (n < 5) {
        nr_err_set(err, NR_ERR_USAGE, "target", "bad engine ID (5 to 32 "
                   "bytes of hex)");
        return -1;
    }
    t->engine_id_len = n;
    return 0;
}

int nr_snmp_target_new(struct nr_snmp_target **out, const char *name,
                       const char *addr, const struct nr_snmp_conf *conf,
                       struct nr_err *err)
{
    static const struct nr_snmp_conf none = NR_SNMP_CONF_INIT;
    struct nr_snmp_target *t = NULL;
    const struct nr_snmp_conf *c = conf != NULL ? conf : &none;
    char host[256];
    struct nr_buf peer = NR_BUF_INIT(1024);
    int port = 0, rc = -1;

    *out = NULL;
    nr_snmp__init();
    if (nr_snmp__addr_parse(host, sizeof(host), &port, addr, err) != 0) {
        goto out;
    }
    t = calloc(1, sizeof(*t));
    if (t == NULL) {
        nr_err_set(err, NR_ERR_LIMIT, "target", "out of memory");
        goto out;
    }
    if (port == 0) {
        port = c->port > 0 ? c->port : 161;
    }
    if (port > 65535) {
        nr_err_set(err, NR_ERR_USAGE, "target", "bad port %d", port);
        goto out;
    }
    if (nr_buf_printf(&peer, strchr(host, ':') != NULL ? "udp6:[%s]:%d"
                                                       : "udp:%s:%d",
                      host, port) != 0) {
        nr_err_set(err, NR_ERR_USAGE, "target", "address too long");
        goto out;
    }
    t->name = strdup(name != NULL ? name : addr);
    t->peer = nr_buf_steal(&peer);
    t->timeout_ms = c->timeout_ms > 0 ? c->timeout_ms : DEF_TIMEOUT_MS;
    t->retries = c->retries >= 0 ? c->retries : DEF_RETRIES;
    t->max_rep = c->max_rep > 0 ? c->max_rep : DEF_MAX_REP;
    if (t->name == NULL || t->peer == NULL) {
        nr_err_set(err, NR_ERR_LIMIT, "target", "out of memory");
        goto out;
    }
    if (t->retries > 100 || t->max_rep > 10000 || t->timeout_ms > 3600000) {
        nr_err_set(err, NR_ERR_USAGE, "target", "timeout, retries or "
                   "max-repetitions out of range");
        goto out;
    }
    if (set_version(t, c->version, err) != 0) {
        goto out;
    }
    if (t->version == SNMP_VERSION_3) {
        if (set_v3(t, c, err) != 0) {
            goto out;
        }
        if (c->context != NULL && (t->context = strdup(c->context)) == NULL) {
            nr_err_set(err, NR_ERR_LIMIT, "target", "out of memory");
            goto out;
        }
        if (c->engine_id != NULL && c->engine_id[0] != '\0' &&
            set_engine_id(t, c->engine_id, err) != 0) {
            goto out;
        }
    } else {
        const char *comm = c->community != NULL ? c->community : "public";

        t->community = strdup(comm);
        t->community_len = strlen(comm);
        if (t->community == NULL) {
            nr_err_set(err, NR_ERR_LIMIT, "target", "out of memory");
            goto out;
        }
    }
    *out = t;
    t = NULL;
    rc = 0;
out:
    if (rc != 0 && err != NULL && name != NULL) {
        nr_err_set_host(err, name);
    }
    nr_buf_dispose(&peer);
    nr_snmp_target_free(t);
    return rc;
}

static int int_var(const struct nr_host *h, const char *key, int *v,
                   double scale, struct nr_err *err)
{
    const char *s = nr_host_get(h, key);
    char *end;
    double d;

    if (s == NULL) {
        return 0;
    }
    errno = 0;
    d = strtod(s, &end);
    if (end == s || *end != '\0' || errno != 0 || d < 0 || d * scale > 1e9) {
        nr_err_set(err, NR_ERR_USAGE, "target", "%s: not a number: '%.40s'",
                   key, s);
        nr_err_set_host(err, nr_host_name(h));
        return -1;
    }
    *v = (int)lround(d * scale);
    return 0;
}

int nr_snmp_target_from_host(struct nr_snmp_target **out,
                             const struct nr_host *h,
                             const struct nr_snmp_conf *defaults,
                             struct nr_err *err)
{
    struct nr_snmp_conf c = NR_SNMP_CONF_INIT;
    const char *addr, *port;
    char buf[300];
    int p = 0;

    *out = NULL;
    if (defaults != NULL) {
        c = *defaults;
    }
#define VAR(field, key)                                                    \
    do {                                                                   \
        const char *v_ = nr_host_get(h, key);                              \
        if (v_ != NULL) {                                                  \
            c.field = v_;                                                  \
        }                                                                  \
    } while (0)
    VAR(version, "snmp_version");
    VAR(community, "snmp_community");
    VAR(user, "snmp_user");
    VAR(sec_level, "snmp_sec_level");
    VAR(auth_proto, "snmp_auth_proto");
    VAR(auth_pass, "snmp_auth_pass");
    VAR(priv_proto, "snmp_priv_proto");
    VAR(priv_pass, "snmp_priv_pass");
    VAR(context, "snmp_context");
    VAR(engine_id, "snmp_engine_id");
#undef VAR
    if (int_var(h, "snmp_timeout", &c.timeout_ms, 1000.0, err) != 0 ||
        int_var(h, "snmp_retries", &c.retries, 1.0, err) != 0 ||
        int_var(h, "snmp_max_repetitions", &c.max_rep, 1.0, err) != 0 ||
        int_var(h, "snmp_port", &p, 1.0, err) != 0) {
        return -1;
    }
    if (p > 0) {
        c.port = p;
    }
    addr = nr_host_get(h, "snmp_host");
    if (addr == NULL) {
        addr = nr_host_get(h, "host");
    }
    port = nr_host_get(h, "snmp_port");
    (void)port;
    /* an IPv6 host in the inventory is bare: bracket it so a port can
     * follow */
    if (strchr(addr, ':') != NULL && addr[0] != '[') {
        snprintf(buf, sizeof(buf), "[%s]", addr);
        addr = buf;
    }
    return nr_snmp_target_new(out, nr_host_name(h), addr, &c, err);
}

int nr_snmp_hosts_split(char ***out, size_t *n, const char *text,
                        struct nr_err *err)
{
    char **v = NULL;
    size_t cnt = 0, cap = 0;
    const char *p = text;
    int rc = -1;

    *out = NULL;
    *n = 0;
    while (p != NULL && *p != '\0') {
        size_t l;

        if (*p == '#') {
            p += strcspn(p, "\n");
            continue;
        }
        l = strcspn(p, ", \t\r\n");
        if (l > 0) {
            char host[256];
            char *s;
            int port;

            if (cnt == cap) {
                size_t nc = cap ? cap * 2 : 16;
                char **nv = nc < ((size_t)1 << 24) ? realloc(v, nc * sizeof(*v))
                                                   : NULL;

                if (nv == NULL) {
                    nr_err_set(err, NR_ERR_LIMIT, "targets", "too many "
                               "targets or out of memory");
                    goto out;
                }
                v = nv;
                cap = nc;
            }
            s = strndup(p, l);
            if (s == NULL) {
                nr_err_set(err, NR_ERR_LIMIT, "targets", "out of memory");
                goto out;
            }
            v[cnt++] = s;
            if (nr_snmp__addr_parse(host, sizeof(host), &port, s, err) != 0) {
                goto out;
            }
        }
        p += l;
        if (*p != '\0') {
            p++;
        }
    }
    if (cnt == 0) {
        nr_err_set(err, NR_ERR_USAGE, "targets", "no target given");
        goto out;
    }
    *out = v;
    *n = cnt;
    v = NULL;
    rc = 0;
out:
    nr_snmp_hosts_free(v, cnt);
    return rc;
}

void nr_snmp_hosts_free(char **v, size_t n)
{
    if (v == NULL) {
        return;
    }
    for (size_t i = 0; i < n; i++) {
        free(v[i]);
    }
    free(v);
}

/* ---- requests ------------------------------------------------------------------ */

struct arg {
    oid num[MAX_OID_LEN];
    size_t len;
    const char *text;      /* as given (table name in records) */
    char type;             /* set: net-snmp type letter */
    const char *value;     /* set */
};

static int parse_args(struct arg **out, size_t *nout,
                      const struct nr_snmp_req *req, struct nr_err *err)
{
    struct arg *a = NULL;
    size_t n = 0, step = req->op == NR_SNMP_SET ? 3 : 1;
    int rc = -1;

    *out = NULL;
    *nout = 0;
    nr_snmp__init();
    if (req->nargs == 0 || req->nargs % step != 0) {
        nr_err_set(err, NR_ERR_USAGE, "request", "%s",
                   req->op == NR_SNMP_SET ? "set needs OID TYPE VALUE "
                   "triples" : "no OID given");
        goto out;
    }
    a = calloc(req->nargs / step, sizeof(*a));
    if (a == NULL) {
        nr_err_set(err, NR_ERR_LIMIT, "request", "out of memory");
        goto out;
    }
    for (size_t i = 0; i < req->nargs; i += step, n++) {
        if (nr_snmp__oid_parse(a[n].num, &a[n].len, req->args[i], err) != 0) {
            goto out;
        }
        a[n].text = req->args[i];
        if (req->op == NR_SNMP_SET) {
            const char *t = req->args[i + 1];

            if (strlen(t) != 1 || strchr("iuts aoxdbUIFDn34cgq", t[0]) == NULL ||
                t[0] == ' ') {
                nr_err_set(err, NR_ERR_USAGE, "set", "bad type '%.10s' for "
                           "%.100s (i u t a o s x d b, as snmpset)", t,
                           req->args[i]);
                goto out;
            }
            a[n].type = t[0];
            a[n].value = req->args[i + 2];
        }
    }
    if (req->op == NR_SNMP_SET) {
        /* let net-snmp judge the values now, before anything is sent */
        netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_SET);

        for (size_t i = 0; pdu != NULL && i < n; i++) {
            if (snmp_add_var(pdu, a[i].num, a[i].len, a[i].type,
                             a[i].value) != 0) {
                nr_err_set(err, NR_ERR_USAGE, "set", "bad value for %.100s "
                           "of type %c", a[i].text, a[i].type);
                snmp_free_pdu(pdu);
                goto out;
            }
        }
        snmp_free_pdu(pdu);
    }
    *out = a;
    *nout = n;
    a = NULL;
    rc = 0;
out:
    free(a);
    return rc;
}

int nr_snmp_req_check(const struct nr_snmp_req *req, struct nr_err *err)
{
    struct arg *a = NULL;
    size_t n = 0;
    int rc = parse_args(&a, &n, req, err);

    free(a);
    if (rc == 0 && (req->count < 0 || req->count > 1000000 ||
                    req->interval < 0 || req->interval > 86400 ||
                    (req->count > 1 && req->op != NR_SNMP_GET &&
                     req->op != NR_SNMP_WALK &&
                     req->op != NR_SNMP_BULKWALK))) {
        nr_err_set(err, NR_ERR_USAGE, "request", "counter mode (--count, "
                   "--interval) goes with get, walk and bulkwalk");
        rc = -1;
    }
    return rc;
}

int nr_snmp_columns(char ***out, size_t *n, const struct nr_snmp_req *req,
                    struct nr_err *err)
{
    static const char *const vb_cols[] = {
        "host", "ok", "oid", "name", "index", "type", "value", "text",
        "error.kind", "error.message" };
    static const char *const ctr_cols[] = {
        "host", "ok", "round", "oid", "name", "index", "type", "value",
        "delta", "seconds", "rate", "wrapped", "discontinuity", "error.kind",
        "error.message" };
    const char *cols[256];
    size_t nc = 0, total = 0;
    char **v = NULL;
    char *p;

    *out = NULL;
    *n = 0;
    if (req->op == NR_SNMP_TABLE) {
        oid num[MAX_OID_LEN];
        size_t len = 0, m = 0;
        const struct nr_mib_obj *tcols[200];
        const struct nr_mib_obj *t = NULL;
        size_t k = 0;

        cols[nc++] = "host";
        cols[nc++] = "ok";
        cols[nc++] = "table";
        cols[nc++] = "index";
        for (size_t i = 0; i < req->nargs; i++) {
            if (nr_snmp__oid_parse(num, &len, req->args[i], err) != 0) {
                return -1;
            }
            t = nr_mib__by_oid(num, len, &m);
            if (t != NULL && m == len && t->kind == NR_MIB_TABLE) {
                k = nr_mib__columns(t, tcols, 200);
                for (size_t j = 0; j < k && nc < 250; j++) {
                    cols[nc++] = tcols[j]->name;
                }
            }
        }
        cols[nc++] = "error.kind";
        cols[nc++] = "error.message";
    } else if (req->count > 1) {
        for (size_t i = 0; i < sizeof(ctr_cols) / sizeof(ctr_cols[0]); i++) {
            cols[nc++] = ctr_cols[i];
        }
    } else {
        for (size_t i = 0; i < sizeof(vb_cols) / sizeof(vb_cols[0]); i++) {
            cols[nc++] = vb_cols[i];
        }
    }
    for (size_t i = 0; i < nc; i++) {
        total += strlen(cols[i]) + 1;
    }
    v = malloc(nc * sizeof(*v) + total);
    if (v == NULL) {
        nr_err_set(err, NR_ERR_LIMIT, "columns", "out of memory");
        return -1;
    }
    p = (char *)(v + nc);
    for (size_t i = 0; i < nc; i++) {
        size_t l = strlen(cols[i]) + 1;

        memcpy(p, cols[i], l);
        v[i] = p;
        p += l;
    }
    *out = v;
    *n = nc;
    return 0;
}

/* ---- the engine ------------------------------------------------------------------ */

struct sample {
    oid *name;
    size_t len;
    uint64_t val;
    double at;
    int bits;
};

/* Previous counter values of one agent, by OID (open addressing). */
struct samples {
    struct sample *v;
    size_t cap, n;
};

/* A walk of several subtrees (bulkwalk ifTable ifXTable) asks for all
 * of them in one GETBULK, one repeater per subtree: with max-repetitions
 * m a request brings m varbinds of each, so the agent answers half (a
 * third, ...) as many requests for the same varbinds.  An agent's cost
 * is per request and per varbind (fitted on snmpsimd: about 0.5 ms a
 * request and 80 us a varbind, so at m=25 a tenth to a fifth of its
 * work is per request), and every answer costs us a wake-up.  Records still come out subtree by subtree, as a walk of
 * one after the other would give them: a lane whose turn has not come
 * keeps its varbinds (copied, see hold()) until the lanes before it end.
 * At most WALK_LANES subtrees share a request, so the answer stays a
 * size agents send whole; an agent that cannot fit it truncates it
 * (RFC 3416 4.2.3) or says tooBig (max-repetitions halves). */
#define WALK_LANES 4

enum lstate { L_WALK, L_ROOTGET, L_DONE };

struct lane {
    oid cur[MAX_OID_LEN];       /* walk position */
    size_t curlen;
    size_t walked;              /* varbinds of this subtree so far */
    enum lstate state;
    struct nr_buf held;         /* varbinds waiting for earlier lanes */
};

enum jstate { J_IDLE, J_PROBE, J_UPTIME, J_OP, J_DONE };

struct run;

struct job {
    struct nr_snmp_target *t;
    struct run *run;
    void *sess;
    int fd;
    enum jstate state;
    size_t arg;                 /* current argument (get, set) */
    struct lane *lanes;         /* walks: one per argument */
    size_t head;                /* first lane not yet done and emitted */
    size_t req[WALK_LANES];     /* lanes of the request in flight, in */
    size_t nreq;                /* the order of its varbinds */
    size_t walked;              /* varbinds of this walk so far */
    int narrow;                 /* one lane per GETBULK (see on_walk) */
    int maxrep;
    int tries;
    size_t batch;               /* arguments in the GET/SET in flight */
    int outstanding;
    unsigned seq;
    netsnmp_pdu *last;          /* the request, for retries */
    int failed;
    struct nr_err err;
    netsnmp_variable_list **tvb;   /* table cells */
    size_t ntvb, captvb;
    struct samples prev;
    unsigned long uptime_prev, uptime_cur;
    int have_uptime, reset;
    double at;                  /* when the last response came */
    unsigned long rx;           /* datagrams read since the last answer */
};

struct timer {
    int64_t at;
    struct job *j;
    unsigned seq;
};

struct run {
    const struct nr_snmp_req *req;
    struct arg *args;
    size_t nargs;
    nr_snmp_rec_fn fn;
    void *payload;
    int stop;
    struct nr_err stop_err;
    int round;
    struct timer *heap;
    size_t nheap, capheap;
    netsnmp_large_fd_set fds;
    int fdsize;
    size_t nfailed;
    /* One record and one set of format buffers for every varbind of the
     * run: the callback only borrows a record for the call. */
    struct nr_rec *vbrec;
    struct nr_snmp_fmt fmt;
    /* Lanes of finished walks, their held buffers grown: the next job
     * takes them instead of growing new ones (a realloc and fresh pages
     * for every held table of every agent). */
    struct lane **spare;
    size_t nspare, capspare;
};

static int64_t now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int heap_push(struct run *r, int64_t at, struct job *j)
{
    size_t i;

    if (r->nheap == r->capheap) {
        size_t nc = r->capheap ? r->capheap * 2 : 256;
        struct timer *nh = realloc(r->heap, nc * sizeof(*nh));

        if (nh == NULL) {
            return -1;
        }
        r->heap = nh;
        r->capheap = nc;
    }
    i = r->nheap++;
    while (i > 0 && r->heap[(i - 1) / 2].at > at) {
        r->heap[i] = r->heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    r->heap[i].at = at;
    r->heap[i].j = j;
    r->heap[i].seq = j->seq;
    return 0;
}

static struct timer heap_pop(struct run *r)
{
    struct timer top = r->heap[0], last = r->heap[--r->nheap];
    size_t i = 0;

    for (;;) {
        size_t c = 2 * i + 1;

        if (c >= r->nheap) {
            break;
        }
        if (c + 1 < r->nheap && r->heap[c + 1].at < r->heap[c].at) {
            c++;
        }
        if (r->heap[c].at >= last.at) {
            break;
        }
        r->heap[i] = r->heap[c];
        i = c;
    }
    if (r->nheap > 0) {
        r->heap[i] = last;
    }
    return top;
}

/* The timer still guards the request in flight: not answered, not sent
 * again since (a newer timer then), the job not closed. */
static int timer_live(const struct timer *tm)
{
    const struct job *j = tm->j;

    return j->state != J_DONE && j->outstanding && j->seq == tm->seq &&
           j->sess != NULL;
}

static void samples_free(struct samples *s)
{
    for (size_t i = 0; i < s->cap; i++) {
        free(s->v[i].name);
    }
    free(s->v);
    s->v = NULL;
    s->cap = s->n = 0;
}

static size_t oid_hash(const oid *o, size_t len)
{
    size_t h = 1469598103934665603ULL;

    for (size_t i = 0; i < len; i++) {
        h = (h ^ (size_t)o[i]) * 1099511628211ULL;
    }
    return h;
}

/* The slot of name (empty when absent); grows the table when needed. */
static struct sample *samples_slot(struct samples *s, const oid *name,
                                   size_t len)
{
    size_t i;

    if ((s->n + 1) * 2 > s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 64;
        struct sample *nv = calloc(nc, sizeof(*nv));

        if (nv == NULL) {
            return NULL;
        }
        for (size_t k = 0; k < s->cap; k++) {
            if (s->v[k].name != NULL) {
                size_t j = oid_hash(s->v[k].name, s->v[k].len) & (nc - 1);

                while (nv[j].name != NULL) {
                    j = (j + 1) & (nc - 1);
                }
                nv[j] = s->v[k];
            }
        }
        free(s->v);
        s->v = nv;
        s->cap = nc;
    }
    i = oid_hash(name, len) & (s->cap - 1);
    while (s->v[i].name != NULL &&
           snmp_oid_compare(s->v[i].name, s->v[i].len, name, len) != 0) {
        i = (i + 1) & (s->cap - 1);
    }
    return &s->v[i];
}

static int emit(struct run *r, struct nr_rec *rec)
{
    if (r->stop) {
        return -1;
    }
    if (r->fn(r->payload, rec, &r->stop_err) != 0) {
        r->stop = 1;
        return -1;
    }
    return 0;
}

static int flush_held(struct job *j, struct lane *l);

static void job_fail(struct job *j)
{
    struct nr_rec *rec;

    if (j->failed) {
        return;
    }
    j->failed = 1;
    j->state = J_DONE;
    /* What later subtrees of the walk brought is output too, as a walk
     * of one after the other would have output it before failing. */
    for (size_t i = j->head; j->lanes != NULL && i < j->run->nargs; i++) {
        flush_held(j, &j->lanes[i]);
    }
    nr_err_set_host(&j->err, j->t->name);
    rec = nr_rec_new(j->t->name);
    if (rec == NULL || (j->run->req->count > 1 &&
                        nr_rec_int(rec, "round", j->run->round) != 0) ||
        nr_rec_result(rec, &j->err) != 0) {
        nr_err_set(&j->run->stop_err, NR_ERR_LIMIT, "output", "out of memory");
        j->run->stop = 1;
    } else {
        char line[800];
        size_t ll = strlen(nr_err_str(&j->err, line, sizeof(line) - 1));

        line[ll++] = '\n';
        if (nr_rec_text(rec, line, ll) == 0) {
            emit(j->run, rec);
        }
    }
    nr_rec_free(rec);
}

/* Counter mode: add rate fields to rec for vb. */
static int counter_fields(struct job *j, struct nr_rec *rec,
                          const netsnmp_variable_list *vb, struct nr_buf *suffix)
{
    struct sample *s;
    uint64_t v;
    int bits;
    double rate;
    uint64_t delta;
    enum nr_rate st;

    if (vb->type == ASN_COUNTER && vb->val.integer != NULL) {
        v = (uint64_t)((unsigned long)*vb->val.integer & 0xffffffffUL);
        bits = 32;
    } else if (vb->type == ASN_COUNTER64 && vb->val.counter64 != NULL) {
        v = ((uint64_t)(vb->val.counter64->high & 0xffffffffUL) << 32) |
            (vb->val.counter64->low & 0xffffffffUL);
        bits = 64;
    } else {
        return 0;
    }
    s = samples_slot(&j->prev, vb->name, vb->name_length);
    if (s == NULL) {
        return -1;
    }
    if (s->name != NULL && s->bits == bits) {
        double secs = j->at - s->at;

        st = nr_snmp__rate(&rate, &delta, bits, s->val, v, secs, j->reset);
        if (nr_rec_double(rec, "seconds", round(secs * 1000) / 1000) != 0) {
            return -1;
        }
        if (st == NR_RATE_OK || st == NR_RATE_WRAP) {
            if (nr_rec_u64(rec, "delta", delta) != 0 ||
                nr_rec_double(rec, "rate", rate) != 0 ||
                (st == NR_RATE_WRAP && nr_rec_bool(rec, "wrapped", 1) != 0) ||
                nr_buf_printf(suffix, "  rate %.2f/s%s", rate,
                              st == NR_RATE_WRAP ? " (wrapped)" : "") != 0) {
                return -1;
            }
        } else if (nr_rec_null(rec, "rate") != 0 ||
                   (st == NR_RATE_RESET &&
                    (nr_rec_bool(rec, "discontinuity", 1) != 0 ||
                     nr_buf_adds(suffix, "  discontinuity (agent "
                                 "restarted)") != 0))) {
            return -1;
        }
    }
    if (s->name == NULL) {
        s->name = malloc(vb->name_length * sizeof(oid) + 1);
        if (s->name == NULL) {
            return -1;
        }
        memcpy(s->name, vb->name, vb->name_length * sizeof(oid));
        s->len = vb->name_length;
        j->prev.n++;
    }
    s->val = v;
    s->bits = bits;
    s->at = j->at;
    return 0;
}

static int emit_vb(struct job *j, const netsnmp_variable_list *vb)
{
    struct run *r = j->run;
    struct nr_rec *rec = r->vbrec;
    struct nr_buf suffix = NR_BUF_INIT(1024);
    int rc = -1;

    if (r->req->op == NR_SNMP_TABLE) {
        netsnmp_variable_list one, *c;

        if (j->ntvb == j->captvb) {
            size_t nc = j->captvb ? j->captvb * 2 : 64;
            netsnmp_variable_list **nv = realloc(j->tvb, nc * sizeof(*nv));

            if (nv == NULL) {
                goto oom;
            }
            j->tvb = nv;
            j->captvb = nc;
        }
        /* snmp_clone_varbind copies the list from vb on: this one only
         * (the rest of the PDU comes here one by one, and snmp_free_var
         * would free only the first of the copies) */
        one = *vb;
        one.next_variable = NULL;
        c = snmp_clone_varbind(&one);
        if (c == NULL) {
            goto oom;
        }
        j->tvb[j->ntvb++] = c;
        return 0;
    }
    if (nr_rec__reset(rec, j->t->name) != 0) {
        goto oom;
    }
    if (r->req->count > 1) {
        if (nr_rec_int(rec, "round", r->round) != 0 ||
            nr_snmp__vb_rec(rec, &r->fmt, j->t->name, vb, r->req->flags,
                            NULL) != 0 ||
            counter_fields(j, rec, vb, &suffix) != 0 ||
            (suffix.len > 0 &&
             nr_snmp__vb_rec(rec, &r->fmt, j->t->name, vb, r->req->flags,
                             suffix.data) != 0)) {
            goto oom;
        }
        if (r->round == 0) {
            rc = 0;       /* the first poll only sets the baseline */
            goto out;
        }
    } else if (nr_snmp__vb_rec(rec, &r->fmt, j->t->name, vb, r->req->flags,
                               NULL) != 0) {
        goto oom;
    }
    rc = emit(r, rec);
    goto out;
oom:
    nr_err_set(&r->stop_err, NR_ERR_LIMIT, "output", "out of memory");
    r->stop = 1;
out:
    nr_buf_dispose(&suffix);
    return rc;
}

static int send_pdu(struct job *j, netsnmp_pdu *pdu);
static void next_step(struct job *j);
static void finish_job(struct job *j);

static int response_cb(int op, netsnmp_session *s, int reqid,
                       netsnmp_pdu *pdu, void *magic);

static netsnmp_pdu *new_pdu(struct job *j, int cmd)
{
    netsnmp_pdu *pdu = snmp_pdu_create(cmd);

    (void)j;
    return pdu;
}

static void fail_oom(struct job *j)
{
    nr_err_set(&j->err, NR_ERR_LIMIT, "request", "out of memory");
    job_fail(j);
}

static int send_pdu(struct job *j, netsnmp_pdu *pdu)
{
    struct run *r = j->run;

    if (pdu == NULL) {
        fail_oom(j);
        return -1;
    }
    snmp_free_pdu(j->last);
    j->last = snmp_clone_pdu(pdu);
    if (j->last == NULL) {
        snmp_free_pdu(pdu);
        fail_oom(j);
        return -1;
    }
    if (snmp_sess_async_send(j->sess, pdu, response_cb, j) == 0) {
        netsnmp_session *ss = snmp_sess_session(j->sess);

        snmp_free_pdu(pdu);
        nr_snmp__err_map(&j->err, "send", ss != NULL ? ss->s_snmp_errno
                                                     : SNMPERR_BAD_SENDTO,
                         NULL);
        job_fail(j);
        return -1;
    }
    j->outstanding = 1;
    j->seq++;
    /* net-snmp expires the request after timeout_ms; look a little later
     * so it agrees that it has */
    if (heap_push(r, now_us() + (int64_t)j->t->timeout_ms * 1000 + 2000, j) != 0) {
        fail_oom(j);
        return -1;
    }
    return 0;
}

static void resend(struct job *j)
{
    send_pdu(j, snmp_clone_pdu(j->last));
}

/* A held varbind in its lane's buffer: this header, then the OID, then
 * the value, each padded to 8 bytes so that the pointers of the varbind
 * rebuilt from it are aligned for the long, counter64 and oid values
 * nr_snmp__vb_rec reads through them. */
struct held_hdr {
    double at;              /* when it came (counter mode's rates) */
    size_t name_len;        /* oids */
    size_t val_len;         /* bytes */
    int type;
    int has_val;
};

#define PAD8(n) (((n) + (size_t)7) & ~(size_t)7)
#define HELD_MAX ((size_t)256 << 20)

static size_t held_size(const struct held_hdr *h)
{
    return sizeof(*h) + PAD8(h->name_len * sizeof(oid)) +
           PAD8(h->has_val ? h->val_len : 0);
}

/* Keep a copy of vb until the lane's turn to be emitted comes.  One
 * growing buffer per lane, not a malloc per varbind: a walk holds
 * thousands. */
static int hold(struct job *j, struct lane *l, const netsnmp_variable_list *vb)
{
    struct held_hdr h;
    size_t nl = vb->name_length * sizeof(oid), need;
    char *p;

    memset(&h, 0, sizeof(h));
    h.at = j->at;
    h.name_len = vb->name_length;
    h.val_len = vb->val_len;
    h.type = vb->type;
    h.has_val = vb->val.string != NULL;
    need = held_size(&h);
    if (nr_buf_reserve(&l->held, need) != 0) {
        nr_err_set(&j->err, NR_ERR_LIMIT, "walk", "more than %zu MiB of "
                   "varbinds waiting for an earlier subtree",
                   HELD_MAX >> 20);
        return -1;
    }
    p = l->held.data + l->held.len;
    memcpy(p, &h, sizeof(h));
    memcpy(p + sizeof(h), vb->name, nl);
    if (h.has_val && vb->val_len > 0) {
        memcpy(p + sizeof(h) + PAD8(nl), vb->val.string, vb->val_len);
    }
    l->held.len += need;
    l->held.data[l->held.len] = '\0';
    return 0;
}

/* Emit what lane l holds, in the order it came. */
static int flush_held(struct job *j, struct lane *l)
{
    double at = j->at;
    size_t off = 0;
    int rc = 0;

    while (rc == 0 && off < l->held.len) {
        char *p = l->held.data + off;
        netsnmp_variable_list vb;
        struct held_hdr h;

        memcpy(&h, p, sizeof(h));
        memset(&vb, 0, sizeof(vb));
        vb.name = (oid *)(void *)(p + sizeof(h));
        vb.name_length = h.name_len;
        vb.type = (u_char)h.type;
        vb.val_len = h.val_len;
        if (h.has_val) {
            vb.val.string = (u_char *)(p + sizeof(h) +
                                       PAD8(h.name_len * sizeof(oid)));
        }
        j->at = h.at;
        rc = emit_vb(j, &vb);
        off += held_size(&h);
    }
    j->at = at;
    nr_buf_reset(&l->held);
    return rc;
}

/* Emit the held varbinds of every lane whose turn has come: the first
 * lane not done, after all done lanes before it. */
static int advance_head(struct job *j)
{
    size_t n = j->run->nargs;

    while (j->lanes != NULL && j->head < n) {
        struct lane *l = &j->lanes[j->head];

        if (l->held.len > 0 && flush_held(j, l) != 0) {
            return -1;
        }
        if (l->state != L_DONE) {
            break;
        }
        j->head++;
    }
    return 0;
}

/* A varbind of lane li's subtree: out now when the lane is first in
 * line (or order does not matter: tables are pivoted at the end), else
 * held. */
static int accept_vb(struct job *j, size_t li, const netsnmp_variable_list *vb)
{
    if (li == j->head || j->run->req->op == NR_SNMP_TABLE) {
        return emit_vb(j, vb);
    }
    if (hold(j, &j->lanes[li], vb) != 0) {
        job_fail(j);
        return -1;
    }
    return 0;
}

/* Lane li has left its subtree.  Nothing under it: ask for the object
 * itself, as snmpwalk does (walk sysName.0). */
static void lane_end(struct job *j, size_t li)
{
    struct lane *l = &j->lanes[li];

    l->state = l->walked == 0 && j->run->req->op != NR_SNMP_TABLE
                   ? L_ROOTGET : L_DONE;
}

static int walk_bulk(const struct job *j)
{
    const struct run *r = j->run;

    return j->t->version != SNMP_VERSION_1 &&
           (r->req->op == NR_SNMP_BULKWALK || r->req->op == NR_SNMP_TABLE ||
            (r->req->op == NR_SNMP_WALK &&
             !(r->req->flags & NR_SNMP_GETNEXT)));
}

/* Up to width lanes in state st, from the head on, become the lanes of
 * the next request (j->req); how many. */
static size_t pick_lanes(struct job *j, enum lstate st, size_t width)
{
    j->nreq = 0;
    for (size_t i = j->head; i < j->run->nargs && j->nreq < width; i++) {
        if (j->lanes[i].state == st) {
            j->req[j->nreq++] = i;
        }
    }
    return j->nreq;
}

/* The next request of a walk: a GET of the subtrees that turned out
 * empty, else a GETBULK (GETNEXT) from the position of up to WALK_LANES
 * lanes still walking (one with GETNEXT: v1 would fail the whole request
 * at the first lane to reach the end of the MIB view).  No lane left:
 * the walk is over. */
static void send_walk(struct job *j)
{
    struct run *r = j->run;
    int bulk = walk_bulk(j);
    size_t width = bulk && !j->narrow ? WALK_LANES : 1;
    netsnmp_pdu *pdu = NULL;
    int get;

    get = pick_lanes(j, L_ROOTGET, width) > 0;
    if (!get && pick_lanes(j, L_WALK, width) == 0) {
        if (advance_head(j) == 0) {
            finish_job(j);
        }
        return;
    }
    pdu = new_pdu(j, get ? SNMP_MSG_GET
                         : bulk ? SNMP_MSG_GETBULK : SNMP_MSG_GETNEXT);
    if (pdu != NULL && bulk && !get) {
        pdu->non_repeaters = 0;
        pdu->max_repetitions = j->maxrep;
    }
    for (size_t k = 0; pdu != NULL && k < j->nreq; k++) {
        struct lane *l = &j->lanes[j->req[k]];
        const struct arg *a = &r->args[j->req[k]];

        if (get ? snmp_add_null_var(pdu, a->num, a->len) == NULL
                : snmp_add_null_var(pdu, l->cur, l->curlen) == NULL) {
            snmp_free_pdu(pdu);
            pdu = NULL;
        }
    }
    send_pdu(j, pdu);
}

static void start_walk(struct job *j)
{
    struct run *r = j->run;

    if (j->lanes == NULL && r->nspare > 0) {
        j->lanes = r->spare[--r->nspare];
    }
    if (j->lanes == NULL) {
        j->lanes = calloc(r->nargs, sizeof(*j->lanes));
        if (j->lanes == NULL) {
            fail_oom(j);
            return;
        }
        for (size_t i = 0; i < r->nargs; i++) {
            j->lanes[i].held = (struct nr_buf)NR_BUF_INIT(HELD_MAX);
        }
    }
    for (size_t i = 0; i < r->nargs; i++) {
        struct lane *l = &j->lanes[i];

        memcpy(l->cur, r->args[i].num, r->args[i].len * sizeof(oid));
        l->curlen = r->args[i].len;
        l->walked = 0;
        l->state = L_WALK;
        nr_buf_reset(&l->held);
    }
    j->head = 0;
    j->walked = 0;
    j->narrow = 0;
    j->tries = 0;
    send_walk(j);
}

static void finish_job(struct job *j)
{
    struct run *r = j->run;

    j->state = J_DONE;
    if (r->req->op == NR_SNMP_TABLE && !j->failed) {
        /* one table per argument: split the collected cells by root */
        for (size_t i = 0; i < r->nargs && !r->stop; i++) {
            if (nr_snmp__pivot(j->t->name, r->args[i].text, r->args[i].num,
                               r->args[i].len, j->tvb, j->ntvb, r->req->flags,
                               r->fn, r->payload, &r->stop_err) != 0) {
                r->stop = 1;
            }
        }
    }
    for (size_t i = 0; i < j->ntvb; i++) {
        snmp_free_var(j->tvb[i]);
    }
    j->ntvb = 0;
}

static void next_step(struct job *j)
{
    struct run *r = j->run;
    netsnmp_pdu *pdu;

    if (j->failed || r->stop) {
        j->state = J_DONE;
        return;
    }
    if (r->req->count > 1 && j->state != J_UPTIME && j->state != J_OP) {
        j->state = J_UPTIME;
        pdu = new_pdu(j, SNMP_MSG_GET);
        if (pdu != NULL &&
            snmp_add_null_var(pdu, SYSUPTIME0,
                              sizeof(SYSUPTIME0) / sizeof(oid)) == NULL) {
            snmp_free_pdu(pdu);
            pdu = NULL;
        }
        j->tries = 0;
        send_pdu(j, pdu);
        return;
    }
    j->state = J_OP;
    if (j->arg >= r->nargs) {
        finish_job(j);
        return;
    }
    j->tries = 0;
    switch (r->req->op) {
    case NR_SNMP_GET:
    case NR_SNMP_SET:
        pdu = new_pdu(j, r->req->op == NR_SNMP_GET ? SNMP_MSG_GET
                                                   : SNMP_MSG_SET);
        j->batch = 0;
        for (size_t i = j->arg; pdu != NULL && i < r->nargs &&
                                (r->req->op == NR_SNMP_SET ||
                                 i < j->arg + GET_BATCH);
             i++) {
            if (r->req->op == NR_SNMP_GET
                    ? snmp_add_null_var(pdu, r->args[i].num,
                                        r->args[i].len) == NULL
                    : snmp_add_var(pdu, r->args[i].num, r->args[i].len,
                                   r->args[i].type, r->args[i].value) != 0) {
                snmp_free_pdu(pdu);
                pdu = NULL;
            }
            j->batch++;
        }
        send_pdu(j, pdu);
        break;
    default:
        start_walk(j);
        break;
    }
}

static const char *errstat_name(long e)
{
    return snmp_errstring((int)e);
}

static void on_get(struct job *j, netsnmp_pdu *pdu)
{
    struct run *r = j->run;

    if (pdu->errstat == SNMP_ERR_NOSUCHNAME && j->t->version == SNMP_VERSION_1 &&
        pdu->errindex >= 1 && r->req->op == NR_SNMP_GET) {
        /* v1 fails the whole request for one missing object: report that
         * one as noSuchObject and ask again for the others */
        netsnmp_variable_list *vb = pdu->variables;
        netsnmp_pdu *fixed;
        long k = 1;

        while (vb != NULL && k < pdu->errindex) {
            vb = vb->next_variable;
            k++;
        }
        if (vb != NULL) {
            netsnmp_variable_list tmp = *vb;

            tmp.next_variable = NULL;
            tmp.type = SNMP_NOSUCHOBJECT;
            tmp.val_len = 0;
            if (emit_vb(j, &tmp) != 0) {
                return;
            }
        }
        /* the request again without that varbind; NULL: none left */
        fixed = snmp_fix_pdu(pdu, SNMP_MSG_GET);
        if (fixed == NULL) {
            j->arg += j->batch;
            next_step(j);
            return;
        }
        send_pdu(j, fixed);
        return;
    }
    if (pdu->errstat != SNMP_ERR_NOERROR) {
        long idx = pdu->errindex;
        struct nr_buf nm = NR_BUF_INIT(4096), ix = NR_BUF_INIT(4096);
        netsnmp_variable_list *vb = pdu->variables;

        for (long k = 1; vb != NULL && k < idx; k++) {
            vb = vb->next_variable;
        }
        if (vb != NULL) {
            nr_snmp__oid_name(&nm, &ix, vb->name, vb->name_length, 0, NULL);
        }
        nr_err_set(&j->err, r->req->op == NR_SNMP_SET ? NR_ERR_COMMAND
                                                      : NR_ERR_PROTOCOL,
                   r->req->op == NR_SNMP_SET ? "set" : "get",
                   "agent error: %s%s%s%s%s", errstat_name(pdu->errstat),
                   vb != NULL ? " at " : "", nr_buf_str(&nm),
                   ix.len > 0 ? "." : "", nr_buf_str(&ix));
        if (pdu->errstat == SNMP_ERR_AUTHORIZATIONERROR) {
            j->err.kind = NR_ERR_AUTH;
        }
        nr_buf_dispose(&nm);
        nr_buf_dispose(&ix);
        job_fail(j);
        return;
    }
    for (netsnmp_variable_list *vb = pdu->variables; vb != NULL;
         vb = vb->next_variable) {
        if (emit_vb(j, vb) != 0) {
            return;
        }
    }
    j->arg += j->batch;
    next_step(j);
}

/* The answer to a GET of subtrees that held nothing: their objects (a
 * walk of sysName.0 gets sysName.0), unless the agent has none. */
static void on_rootget(struct job *j, netsnmp_pdu *pdu)
{
    netsnmp_variable_list *vb = pdu->variables;

    for (size_t k = 0; k < j->nreq; k++) {
        size_t li = j->req[k];

        if (pdu->errstat == SNMP_ERR_NOERROR && vb != NULL &&
            accept_vb(j, li, vb) != 0) {
            return;
        }
        j->lanes[li].state = L_DONE;
        if (vb != NULL) {
            vb = vb->next_variable;
        }
    }
}

/* Check and take one varbind of lane li.  -1: the job failed or the run
 * stops. */
static int walk_vb(struct job *j, size_t li, const netsnmp_variable_list *vb)
{
    const struct arg *a = &j->run->args[li];
    struct lane *l = &j->lanes[li];

    /* Past the root: the lane is done.  Under it, both OIDs share the
     * root, so only what follows it decides their order (cur starts at
     * the root and stays under it). */
    if (vb->type == SNMP_ENDOFMIBVIEW || vb->name_length < a->len ||
        memcmp(vb->name, a->num, a->len * sizeof(oid)) != 0) {
        lane_end(j, li);
        return 0;
    }
    if (snmp_oid_compare(vb->name + a->len, vb->name_length - a->len,
                         l->cur + a->len, l->curlen - a->len) <= 0) {
        struct nr_buf x = NR_BUF_INIT(4096), y = NR_BUF_INIT(4096);

        nr_snmp__oid_str(&x, vb->name, vb->name_length);
        nr_snmp__oid_str(&y, l->cur, l->curlen);
        nr_err_set(&j->err, NR_ERR_PROTOCOL, "walk", "agent returned "
                   "OID %.200s after %.200s (not increasing): walk "
                   "stopped", nr_buf_str(&x), nr_buf_str(&y));
        nr_buf_dispose(&x);
        nr_buf_dispose(&y);
        job_fail(j);
        return -1;
    }
    if (accept_vb(j, li, vb) != 0) {
        return -1;
    }
    l->walked++;
    j->walked++;
    memcpy(l->cur, vb->name, vb->name_length * sizeof(oid));
    l->curlen = vb->name_length;
    return 0;
}

static void on_walk(struct job *j, netsnmp_pdu *pdu)
{
    size_t k = 0;

    if (j->last != NULL && j->last->command == SNMP_MSG_GET) {
        on_rootget(j, pdu);
        goto next;
    }
    if (pdu->errstat == SNMP_ERR_TOOBIG && j->last != NULL &&
        j->last->command == SNMP_MSG_GETBULK && j->maxrep > 1) {
        j->maxrep /= 2;
        send_walk(j);
        return;
    }
    if (pdu->errstat == SNMP_ERR_NOSUCHNAME &&
        j->t->version == SNMP_VERSION_1) {
        lane_end(j, j->req[0]);    /* v1's end of the MIB view */
        goto next;
    }
    if (pdu->errstat != SNMP_ERR_NOERROR && j->nreq > 1 && !j->narrow) {
        /* Agents have bugs with several repeaters: net-snmp 5.9's snmpd
         * answers genError when one of them reaches the end of a view
         * that another started in (the lab's rw community).  Such an
         * agent gets one subtree per request, as a walk of one after
         * the other would send. */
        j->narrow = 1;
        send_walk(j);
        return;
    }
    if (pdu->errstat != SNMP_ERR_NOERROR) {
        nr_err_set(&j->err, pdu->errstat == SNMP_ERR_AUTHORIZATIONERROR
                                ? NR_ERR_AUTH : NR_ERR_PROTOCOL,
                   "walk", "agent error: %s", errstat_name(pdu->errstat));
        job_fail(j);
        return;
    }
    if (pdu->variables == NULL) {
        nr_err_set(&j->err, NR_ERR_PROTOCOL, "walk", "agent answered with no "
                   "varbind");
        job_fail(j);
        return;
    }
    /* Repetition by repetition, one varbind per lane of the request, in
     * its order; an agent may cut the answer anywhere (RFC 3416 4.2.3).
     * A lane that left its subtree ignores the rest of its column. */
    for (netsnmp_variable_list *vb = pdu->variables; vb != NULL;
         vb = vb->next_variable, k = (k + 1) % j->nreq) {
        size_t li = j->req[k];

        if (j->lanes[li].state == L_WALK && walk_vb(j, li, vb) != 0) {
            return;
        }
    }
next:
    if (j->failed || j->run->stop || advance_head(j) != 0) {
        return;
    }
    j->tries = 0;
    send_walk(j);
}

static void on_probe(struct job *j, netsnmp_pdu *pdu)
{
    netsnmp_session *ss = snmp_sess_session(j->sess);

    if (pdu->securityEngineIDLen == 0 ||
        pdu->securityEngineIDLen > sizeof(j->t->engine_id) || ss == NULL) {
        nr_err_set(&j->err, NR_ERR_PROTOCOL, "discover", "agent sent no "
                   "engine ID");
        job_fail(j);
        return;
    }
    memcpy(j->t->engine_id, pdu->securityEngineID, pdu->securityEngineIDLen);
    j->t->engine_id_len = pdu->securityEngineIDLen;
    SNMP_FREE(ss->securityEngineID);
    ss->securityEngineID = netsnmp_memdup(pdu->securityEngineID,
                                          pdu->securityEngineIDLen);
    ss->securityEngineIDLen = pdu->securityEngineIDLen;
    if (ss->securityEngineID == NULL) {
        fail_oom(j);
        return;
    }
    if (usm_create_user_from_session(ss) != SNMPERR_SUCCESS) {
        nr_err_set(&j->err, NR_ERR_AUTH, "discover", "cannot set up the USM "
                   "user");
        job_fail(j);
        return;
    }
    j->state = J_IDLE;
    next_step(j);
}

static int response_cb(int op, netsnmp_session *s, int reqid,
                       netsnmp_pdu *pdu, void *magic)
{
    struct job *j = magic;

    (void)reqid;
    (void)s;
    if (op == NETSNMP_CALLBACK_OP_SEC_ERROR) {
        return 1;   /* a report follows as a received message */
    }
    if (op == NETSNMP_CALLBACK_OP_RESEND) {
        /* net-snmp sent the request again itself (v3 time window): it
         * expires a timeout from now */
        j->seq++;
        if (heap_push(j->run, now_us() + (int64_t)j->t->timeout_ms * 1000 +
                                  2000, j) != 0) {
            fail_oom(j);
        }
        return 1;
    }
    j->outstanding = 0;
    if (j->failed || j->run->stop) {
        j->state = J_DONE;
        return 1;
    }
    if (op == NETSNMP_CALLBACK_OP_TIMED_OUT) {
        struct run *r = j->run;
        int bulk = j->last != NULL && j->last->command == SNMP_MSG_GETBULK;

        if (j->state == J_OP && bulk && j->walked > 0 && j->maxrep > 1) {
            /* mid-walk: the agent may choke on big answers */
            j->maxrep /= 2;
            send_walk(j);
            return 1;
        }
        if (j->tries < j->t->retries) {
            j->tries++;
            resend(j);
            return 1;
        }
        /* Datagrams that came back since the last answer but were no
         * answer net-snmp could deliver (not SNMP, another version or
         * community, undecryptable, or late) say more than silence. */
        unsigned long unread = j->rx;
        int v3priv = j->t->version == SNMP_VERSION_3 &&
                     j->t->sec_level == SNMP_SEC_LEVEL_AUTHPRIV;
        char why[200];

        if (unread > 0) {
            snprintf(why, sizeof(why), " (it sent back %lu datagram%s that "
                     "were no answer: %s, late answers, or no SNMP agent)",
                     unread,
                     unread == 1 ? "" : "s",
                     v3priv ? "wrong priv passphrase or protocol"
                            : "another SNMP version or community");
        } else {
            snprintf(why, sizeof(why), "%s",
                     j->t->version != SNMP_VERSION_3
                         ? " (down, or wrong community)"
                     : v3priv ? " (down, or wrong priv passphrase or protocol)"
                              : "");
        }
        nr_err_set(&j->err, NR_ERR_TIMEOUT,
                   j->state == J_PROBE ? "discover"
                   : r->req->op == NR_SNMP_GET ? "get"
                   : r->req->op == NR_SNMP_SET ? "set"
                   : r->req->op == NR_SNMP_TABLE ? "table" : "walk",
                   "no response from %s after %d tr%s of %d ms%s",
                   j->t->peer + (strncmp(j->t->peer, "udp6:", 5) == 0 ? 5 : 4),
                   j->tries + 1, j->tries == 0 ? "y" : "ies", j->t->timeout_ms,
                   why);
        job_fail(j);
        return 1;
    }
    if (op == NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE) {
        j->rx = 0;     /* this answer and all before it are accounted for */
    }
    if (op != NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE || pdu == NULL) {
        nr_snmp__err_map(&j->err, "receive", SNMPERR_BAD_RECVFROM, NULL);
        job_fail(j);
        return 1;
    }
    j->at = (double)now_us() / 1e6;
    if (j->state == J_PROBE) {
        on_probe(j, pdu);
        return 1;
    }
    if (pdu->command == SNMP_MSG_REPORT) {
        int e = snmpv3_get_report_type(pdu);

        nr_snmp__err_map(&j->err, "auth", e, NULL);
        if (e == SNMPERR_UNKNOWN_REPORT) {
            nr_err_set(&j->err, NR_ERR_PROTOCOL, "auth", "agent sent an "
                       "unknown report");
        }
        job_fail(j);
        return 1;
    }
    if (j->state == J_UPTIME) {
        netsnmp_variable_list *vb = pdu->variables;

        if (vb != NULL && vb->type == ASN_TIMETICKS && vb->val.integer != NULL) {
            j->uptime_cur = (unsigned long)*vb->val.integer & 0xffffffffUL;
            j->reset = j->have_uptime && j->uptime_cur < j->uptime_prev;
            j->uptime_prev = j->uptime_cur;
            j->have_uptime = 1;
        } else {
            j->reset = 0;
        }
        j->state = J_OP;
        j->arg = 0;
        next_step(j);
        return 1;
    }
    if (j->run->req->op == NR_SNMP_GET || j->run->req->op == NR_SNMP_SET) {
        on_get(j, pdu);
    } else {
        on_walk(j, pdu);
    }
    return 1;
}

/* The job whose socket is being read, for udp_recv (net-snmp gives it
 * only the transport).  Per thread: each run's loop is one thread. */
static __thread struct job *reading;

/* net-snmp's UDP/IPv4 receive asks for the socket's own address
 * (getsockname) after every datagram, for messages it only logs when
 * debugging: a system call per answer.  The address does not change, and
 * the transport learned it when it bound the socket.  The rest is what
 * net-snmp does: one datagram into buf, the addresses into a malloc'd
 * pair that _sess_read owns and frees. */
static int udp_recv(netsnmp_transport *t, void *buf, int size,
                    void **opaque, int *olength)
{
    netsnmp_indexed_addr_pair *ap = calloc(1, sizeof(*ap));
    socklen_t fromlen = sizeof(ap->remote_addr);
    int rc;

    *opaque = NULL;
    *olength = 0;
    if (ap == NULL) {
        return -1;
    }
    if (t->data != NULL && t->data_length == (int)sizeof(*ap)) {
        ap->local_addr = ((netsnmp_indexed_addr_pair *)t->data)->local_addr;
    }
    do {
        rc = (int)recvfrom(t->sock, buf, (size_t)size, MSG_DONTWAIT,
                           &ap->remote_addr.sa, &fromlen);
    } while (rc < 0 && errno == EINTR);
    *opaque = ap;
    *olength = (int)sizeof(*ap);
    if (rc > 0 && reading != NULL) {
        reading->rx++;
    }
    return rc;
}

static int job_open(struct job *j)
{
    netsnmp_session s, *ss;
    struct nr_snmp_target *t = j->t;
    netsnmp_transport *tr;

    snmp_sess_init(&s);
    s.peername = t->peer;
    s.version = t->version;
    s.retries = 0;                       /* we retry ourselves */
    s.timeout = (long)t->timeout_ms * 1000L;
    if (t->version == SNMP_VERSION_3) {
        s.securityName = t->user;
        s.securityNameLen = strlen(t->user);
        s.securityLevel = t->sec_level;
        s.securityModel = SNMP_SEC_MODEL_USM;
        if (t->sec_level != SNMP_SEC_LEVEL_NOAUTH) {
            s.securityAuthProto = t->auth_proto;
            s.securityAuthProtoLen = t->auth_proto_len;
            memcpy(s.securityAuthKey, t->auth_key, t->auth_key_len);
            s.securityAuthKeyLen = t->auth_key_len;
        }
        if (t->sec_level == SNMP_SEC_LEVEL_AUTHPRIV) {
            s.securityPrivProto = t->priv_proto;
            s.securityPrivProtoLen = t->priv_proto_len;
            memcpy(s.securityPrivKey, t->priv_key, t->priv_key_len);
            s.securityPrivKeyLen = t->priv_key_len;
        }
        if (t->context != NULL) {
            s.contextName = t->context;
            s.contextNameLen = strlen(t->context);
        }
        if (t->engine_id_len > 0) {
            s.securityEngineID = t->engine_id;
            s.securityEngineIDLen = t->engine_id_len;
        } else {
            /* discovery is ours, asynchronous: net-snmp's would block */
            s.flags |= SNMP_FLAGS_DONT_PROBE;
        }
    } else {
        s.community = (u_char *)t->community;
        s.community_len = t->community_len;
    }
    j->sess = snmp_sess_open(&s);
    explicit_bzero(s.securityAuthKey, sizeof(s.securityAuthKey));
    explicit_bzero(s.securityPrivKey, sizeof(s.securityPrivKey));
    if (j->sess == NULL) {
        int e = s.s_snmp_errno != 0 ? s.s_snmp_errno : SNMPERR_BAD_SESSION;

        nr_snmp__err_map(&j->err, "open", e, t->peer);
        if (s.s_errno == EMFILE || s.s_errno == ENFILE) {
            nr_err_set(&j->err, NR_ERR_LIMIT, "open", "out of file "
                       "descriptors (lower -j or raise ulimit -n)");
        }
        return -1;
    }
    ss = snmp_sess_session(j->sess);
    tr = snmp_sess_transport(j->sess);
    if (ss == NULL || tr == NULL || tr->sock < 0) {
        nr_err_set(&j->err, NR_ERR_CONNECT, "open", "no socket for %s",
                   t->peer);
        return -1;
    }
    j->fd = tr->sock;
    if (tr->f_recv == netsnmp_udpbase_recv) {
        tr->f_recv = udp_recv;
    }
    if (t->version == SNMP_VERSION_3 && t->engine_id_len > 0 &&
        (ss->flags & SNMP_FLAGS_DONT_PROBE)) {
        usm_create_user_from_session(ss);
    }
    return 0;
}

static void job_start(struct job *j)
{
    j->state = J_IDLE;
    j->arg = 0;
    j->failed = 0;
    j->maxrep = j->t->max_rep;
    nr_err_clear(&j->err);
    if (job_open(j) != 0) {
        job_fail(j);
        return;
    }
    if (j->t->version == SNMP_VERSION_3 && j->t->engine_id_len == 0) {
        /* RFC 3414 4: an empty noAuthNoPriv request draws a report that
         * carries the agent's engine ID */
        netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_GET);

        if (pdu != NULL) {
            pdu->version = SNMP_VERSION_3;
            pdu->securityLevel = SNMP_SEC_LEVEL_NOAUTH;
            pdu->securityModel = SNMP_SEC_MODEL_USM;
            pdu->securityName = strdup("");
            pdu->securityNameLen = 0;
            if (pdu->securityName == NULL) {
                snmp_free_pdu(pdu);
                pdu = NULL;
            }
        }
        j->state = J_PROBE;
        j->tries = 0;
        send_pdu(j, pdu);
        return;
    }
    next_step(j);
}

static void lanes_free(const struct run *r, struct lane *lanes)
{
    for (size_t i = 0; lanes != NULL && i < r->nargs; i++) {
        nr_buf_dispose(&lanes[i].held);
    }
    free(lanes);
}

/* Keep the lanes of a closed job for the next one (the run ends up with
 * as many as jobs ran at once), or free them. */
static void lanes_put(struct run *r, struct lane *lanes)
{
    if (lanes == NULL) {
        return;
    }
    if (r->nspare == r->capspare) {
        size_t nc = r->capspare ? r->capspare * 2 : 16;
        struct lane **nv = nc <= 4096 ? realloc(r->spare, nc * sizeof(*nv))
                                      : NULL;

        if (nv == NULL) {
            lanes_free(r, lanes);
            return;
        }
        r->spare = nv;
        r->capspare = nc;
    }
    r->spare[r->nspare++] = lanes;
}

static void job_close(struct job *j)
{
    if (j->sess != NULL) {
        snmp_sess_close(j->sess);
        j->sess = NULL;
    }
    snmp_free_pdu(j->last);
    j->last = NULL;
    for (size_t i = 0; i < j->ntvb; i++) {
        snmp_free_var(j->tvb[i]);
    }
    j->ntvb = 0;
    j->outstanding = 0;
    lanes_put(j->run, j->lanes);
    j->lanes = NULL;
}

#define FLUSH_US 100000  /* output waits in the caller's buffer at most this */

/* One poll of every target: at most jobs agents active at once.  The
 * sockets wait in an epoll set: the agents answer one datagram at a
 * time, and poll() would look at every socket for each of them. */
static void run_round(struct run *r, struct job **jobs, size_t n, int maxjobs)
{
    struct epoll_event *ev = calloc((size_t)maxjobs, sizeof(*ev));
    struct job **act = calloc((size_t)maxjobs, sizeof(*act));
    size_t next = 0, nact = 0;
    int64_t last_flush = 0;
    int ep = -1;

    if (ev == NULL || act == NULL) {
        nr_err_set(&r->stop_err, NR_ERR_LIMIT, "run", "out of memory");
        r->stop = 1;
        goto out;
    }
    ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) {
        nr_err_set(&r->stop_err, NR_ERR_IO, "run", "epoll: %s",
                   strerror(errno));
        r->stop = 1;
        goto out;
    }
    r->nheap = 0;
    while ((next < n || nact > 0)) {
        int64_t now;
        int timeout = -1, pr;

        while (!r->stop && next < n && nact < (size_t)maxjobs) {
            struct job *j = jobs[next++];
            struct epoll_event e;

            job_start(j);
            if (j->state == J_DONE) {
                job_close(j);
                if (j->failed) {
                    r->nfailed++;
                }
                continue;
            }
            if (j->fd >= r->fdsize) {
                int ns = j->fd + 1024;

                netsnmp_large_fd_set_resize(&r->fds, ns);
                r->fdsize = ns;
            }
            memset(&e, 0, sizeof(e));
            e.events = EPOLLIN;
            e.data.ptr = j;
            if (epoll_ctl(ep, EPOLL_CTL_ADD, j->fd, &e) != 0) {
                nr_err_set(&r->stop_err, NR_ERR_IO, "run", "epoll: %s",
                           strerror(errno));
                r->stop = 1;
                job_close(j);
                break;
            }
            act[nact++] = j;
        }
        if (r->stop) {
            for (size_t i = 0; i < nact; i++) {
                job_close(act[i]);
            }
            nact = 0;
            break;
        }
        if (nact == 0) {
            continue;
        }
        /* An answered request leaves its timer in the heap (which has no
         * cheap delete): drop those from the top, or each would end a
         * wait, one wake-up per request for nothing. */
        while (r->nheap > 0 && !timer_live(&r->heap[0])) {
            heap_pop(r);
        }
        now = now_us();
        if (r->nheap > 0) {
            int64_t d = (r->heap[0].at - now + 999) / 1000;

            timeout = d < 0 ? 0 : d > 60000 ? 60000 : (int)d;
        }
        /* About to wait: the caller may flush what it buffered.  At most
         * every FLUSH_US, so a stream of answers is not one write(2)
         * each; the wait is cut short instead, so nothing waits in the
         * buffer longer than that. */
        if (now - last_flush >= FLUSH_US) {
            if (r->fn(r->payload, NULL, &r->stop_err) != 0) {
                r->stop = 1;
                continue;
            }
            last_flush = now;
        } else {
            int left = (int)((FLUSH_US - (now - last_flush) + 999) / 1000);

            if (timeout < 0 || timeout > left) {
                timeout = left;
            }
        }
        pr = epoll_wait(ep, ev, (int)nact, timeout);
        if (pr < 0 && errno != EINTR) {
            nr_err_set(&r->stop_err, NR_ERR_IO, "run", "epoll: %s",
                       strerror(errno));
            r->stop = 1;
            continue;
        }
        for (int i = 0; i < pr; i++) {
            struct job *j = ev[i].data.ptr;

            NETSNMP_LARGE_FD_SET(j->fd, &r->fds);
            reading = j;
            snmp_sess_read2(j->sess, &r->fds);
            reading = NULL;
            NETSNMP_LARGE_FD_CLR(j->fd, &r->fds);
        }
        now = now_us();
        while (r->nheap > 0 && r->heap[0].at <= now) {
            struct timer tm = heap_pop(r);
            struct job *j = tm.j;

            if (timer_live(&tm)) {
                snmp_sess_timeout(j->sess);
                if (j->outstanding && j->seq == tm.seq &&
                    heap_push(r, now + 5000, j) != 0) {
                    fail_oom(j);
                }
            }
        }
        /* retire finished jobs */
        for (size_t i = 0; i < nact;) {
            struct job *j = act[i];

            if (j->state == J_DONE && !j->outstanding) {
                if (j->failed) {
                    r->nfailed++;
                }
                epoll_ctl(ep, EPOLL_CTL_DEL, j->fd, NULL);
                job_close(j);
                act[i] = act[nact - 1];
                nact--;
                continue;
            }
            i++;
        }
    }
out:
    if (ep >= 0) {
        close(ep);
    }
    free(ev);
    free(act);
}

int nr_snmp_run(size_t *nfailed, struct nr_snmp_target *const *targets,
                size_t n, const struct nr_snmp_req *req, nr_snmp_rec_fn fn,
                void *payload, struct nr_err *err)
{
    struct run r;
    struct job *jobs = NULL;
    struct job **todo = NULL;
    int maxjobs = req->jobs > 0 ? req->jobs : DEF_JOBS;
    int rounds = req->count > 1 ? req->count : 1;
    int64_t t0;
    int rc = -1;

    memset(&r, 0, sizeof(r));
    r.fmt = (struct nr_snmp_fmt)NR_SNMP_FMT_INIT;
    *nfailed = 0;
    if (nr_snmp_req_check(req, err) != 0 ||
        parse_args(&r.args, &r.nargs, req, err) != 0) {
        goto out;
    }
    r.req = req;
    r.fn = fn;
    r.payload = payload;
    netsnmp_large_fd_set_init(&r.fds, 1024);
    r.fdsize = 1024;
    jobs = calloc(n + 1, sizeof(*jobs));
    todo = calloc(n + 1, sizeof(*todo));
    r.vbrec = nr_rec_new(NULL);
    if (jobs == NULL || todo == NULL || r.vbrec == NULL) {
        nr_err_set(err, NR_ERR_LIMIT, "run", "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        jobs[i].t = targets[i];
        jobs[i].run = &r;
        jobs[i].fd = -1;
    }
    t0 = now_us();
    for (int round = 0; round < rounds && !r.stop; round++) {
        size_t nt;
        int64_t at = t0 + (int64_t)llround(req->interval * 1e6 * round);
        int64_t wait = at - now_us();

        if (wait > 0) {
            struct timespec ts = { (time_t)(wait / 1000000),
                                   (long)(wait % 1000000) * 1000 };

            while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
            }
        }
        r.round = round;
        r.nfailed = 0;
        nt = 0;
        for (size_t i = 0; i < n; i++) {
            if (req->op == NR_SNMP_BULKWALK &&
                targets[i]->version == SNMP_VERSION_1) {
                /* fails without a packet */
                jobs[i].failed = 0;
                nr_err_set(&jobs[i].err, NR_ERR_USAGE, "bulkwalk", "SNMPv1 "
                           "has no GETBULK (use walk)");
                job_fail(&jobs[i]);
                r.nfailed++;
            } else {
                todo[nt++] = &jobs[i];
            }
        }
        run_round(&r, todo, nt, maxjobs);
        if (r.nfailed > *nfailed) {
            *nfailed = r.nfailed;
        }
    }
    if (r.stop) {
        *err = r.stop_err;
        goto out;
    }
    rc = 0;
out:
    for (size_t i = 0; jobs != NULL && i < n; i++) {
        job_close(&jobs[i]);
        samples_free(&jobs[i].prev);
        free(jobs[i].tvb);
    }
    free(jobs);
    free(todo);
    free(r.args);
    free(r.heap);
    for (size_t i = 0; i < r.nspare; i++) {
        lanes_free(&r, r.spare[i]);
    }
    free(r.spare);
    nr_rec_free(r.vbrec);
    nr_snmp__fmt_dispose(&r.fmt);
    if (r.fdsize > 0) {
        netsnmp_large_fd_set_cleanup(&r.fds);
    }
    return rc;
}
