/* inv_ini.c — Ansible's INI inventory format, host addresses and ranges.
 * The rules (section syntax, shlex on host lines, literal_eval on values,
 * pending [x:children] declarations) follow ansible-core's ini plugin so
 * that the variables come out typed exactly as ansible-inventory types
 * them. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <errno.h>
#include <pcre2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inventory.h"
#include "pylit.h"

/* ---- addresses ----------------------------------------------------- */

enum { RX_BRACKET_PORT, RX_HOSTPORT, RX_IPV4, RX_IPV6, RX_HOSTNAME,
       RX_SECTION, RX_GROUPNAME, RX_COUNT };

static pcre2_code *rx[RX_COUNT];
static pthread_once_t rx_once = PTHREAD_ONCE_INIT;

#define NUM_RANGE "\\[(?:[0-9]+:[0-9]+)(?::[0-9]+)?\\]"
#define HEX_RANGE "\\[(?:[0-9a-f]+:[0-9a-f]+)(?::[0-9]+)?\\]"
#define ALNUM_RANGE "\\[(?:[a-z]:[a-z]|[0-9]+:[0-9]+)(?::[0-9]+)?\\]"
#define V6C "(?:[0-9a-f]{1,4}|" HEX_RANGE ")"
#define V4C "(?:[01]?[0-9]{1,2}|2[0-4][0-9]|25[0-5]|" NUM_RANGE ")"
#define LABEL "(?:[\\w]|" ALNUM_RANGE ")(?:[\\w_-]|" ALNUM_RANGE ")*(?<![_-])"

static void rx_init(void)
{
    static const char *const src[RX_COUNT] = {
        [RX_BRACKET_PORT] = "^\\[(.+)\\]:([0-9]+)$",
        [RX_HOSTPORT] = "^((?:[^:\\[\\]]|\\[[^\\]]*\\])*):([0-9]+)$",
        [RX_IPV4] = "^(?:" V4C "\\.){3}" V4C "$",
        [RX_IPV6] = "^(?:(?:" V6C ":){7}" V6C "|(?:" V6C ":){1,6}:|"
                    "(?:" V6C ":)(?::" V6C "){1,6}|"
                    "(?:" V6C ":){2}(?::" V6C "){1,5}|"
                    "(?:" V6C ":){3}(?::" V6C "){1,4}|"
                    "(?:" V6C ":){4}(?::" V6C "){1,3}|"
                    "(?:" V6C ":){5}(?::" V6C "){1,2}|"
                    "(?:" V6C ":){6}(?::" V6C ")|"
                    ":(?::" V6C "){1,6}|" V6C "?::|"
                    "(?:0:){6}(?:" V6C "\\.){3}" V6C "|"
                    "::(?:ffff:)?(?:" V6C "\\.){3}" V6C "|"
                    "(?:0:){5}ffff:(?:" V6C "\\.){3}" V6C ")$",
        [RX_HOSTNAME] = "^" LABEL "(?:\\." LABEL ")*$",
        [RX_SECTION] = "^\\[([^:\\]\\s]+)(?::(\\w+))?\\]\\s*(?:#.*)?$",
        [RX_GROUPNAME] = "^([^:\\]\\s]+)\\s*(?:#.*)?$",
    };
    int ec;
    PCRE2_SIZE eo;

    for (int i = 0; i < RX_COUNT; i++) {
        uint32_t fl = PCRE2_UTF | PCRE2_UCP | PCRE2_DOLLAR_ENDONLY;

        if (i == RX_IPV4 || i == RX_IPV6 || i == RX_HOSTNAME) {
            fl |= PCRE2_CASELESS;
        }
        /* Python's re.match + "$": "$" may also match before a final
         * newline, but our inputs are single stripped lines. */
        rx[i] = pcre2_compile((PCRE2_SPTR)src[i], PCRE2_ZERO_TERMINATED, fl,
                              &ec, &eo, NULL);
    }
}

/* Match rx[which] against s; groups[0..2] get (start,len) pairs. */
static int rx_match(int which, const char *s, size_t len, size_t *gs,
                    size_t *gl, int ngroups)
{
    pcre2_match_data *md;
    PCRE2_SIZE *ov;
    int rc, i;

    pthread_once(&rx_once, rx_init);
    if (rx[which] == NULL) {
        return 0;
    }
    md = pcre2_match_data_create_from_pattern(rx[which], NULL);
    if (md == NULL) {
        return 0;
    }
    rc = pcre2_match(rx[which], (PCRE2_SPTR)s, len, 0, PCRE2_NO_UTF_CHECK, md,
                     NULL);
    if (rc > 0) {
        ov = pcre2_get_ovector_pointer(md);
        for (i = 0; i < ngroups; i++) {
            if (i + 1 < rc && ov[2 * (i + 1)] != PCRE2_UNSET) {
                gs[i] = ov[2 * (i + 1)];
                gl[i] = ov[2 * (i + 1) + 1] - ov[2 * (i + 1)];
            } else {
                gs[i] = 0;
                gl[i] = (size_t)-1; /* unset */
            }
        }
    }
    pcre2_match_data_free(md);
    return rc > 0;
}

static int utf8_valid(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;

    while (i < len) {
        unsigned c = u[i];
        size_t n;
        unsigned cp;

        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            n = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3;
            cp = c & 0x07;
        } else {
            return 0;
        }
        for (size_t k = 1; k <= n; k++) {
            if (i + k >= len || (u[i + k] & 0xC0) != 0x80) {
                return 0;
            }
            cp = (cp << 6) | (u[i + k] & 0x3F);
        }
        if ((n == 2 && (cp < 0x800 || (cp >= 0xD800 && cp < 0xE000))) ||
            (n == 3 && (cp < 0x10000 || cp > 0x10FFFF))) {
            return 0;
        }
        i += n + 1;
    }
    return 1;
}

int nr_inv__parse_address(const char *addr, char **host, long *port)
{
    size_t gs[2], gl[2];
    const char *a = addr;
    size_t alen = strlen(addr);
    char *tmp = NULL;
    int which, rc = -1;

    *host = NULL;
    *port = 0;
    if (!utf8_valid(addr, alen)) {
        return -1;
    }
    /* As in Ansible, both port forms are tried in turn, the second on
     * what the first left. */
    for (which = RX_BRACKET_PORT; which <= RX_HOSTPORT; which++) {
        if (rx_match(which, a, alen, gs, gl, 2)) {
            char pbuf[32];
            size_t pl = gl[1] < sizeof(pbuf) ? gl[1] : sizeof(pbuf) - 1;

            memcpy(pbuf, a + gs[1], pl);
            pbuf[pl] = '\0';
            errno = 0;
            *port = strtol(pbuf, NULL, 10);
            if (errno != 0 || *port > 0x7fffffffL) {
                *port = 0x7fffffffL;
            }
            /* The host part, copied before the previous copy (which a
             * may point into, when both forms matched) is freed. */
            {
                char *part = strndup(a + gs[0], gl[0]);

                if (part == NULL) {
                    goto out;
                }
                free(tmp);
                tmp = part;
            }
            a = tmp;
            alen = strlen(tmp);
        }
    }
    if (rx_match(RX_IPV4, a, alen, gs, gl, 0) ||
        rx_match(RX_IPV6, a, alen, gs, gl, 0) ||
        rx_match(RX_HOSTNAME, a, alen, gs, gl, 0)) {
        *host = strdup(a);
        rc = *host != NULL ? 0 : -1;
    }
out:
    if (rc != 0) {
        *port = 0;
    }
    free(tmp);
    return rc;
}

static const char LETTERS[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/* Python's int() on a range bound: optional spaces and sign, digits with
 * single underscores. */
static int py_int(const char *s, long *out)
{
    char *end;
    char clean[64];
    size_t n = 0;

    while (*s == ' ' || *s == '\t') {
        s++;
    }
    for (; *s != '\0' && *s != ' ' && *s != '\t'; s++) {
        if (*s == '_') {
            continue;
        }
        if (n + 1 >= sizeof(clean)) {
            return -1;
        }
        clean[n++] = *s;
    }
    while (*s == ' ' || *s == '\t') {
        s++;
    }
    clean[n] = '\0';
    if (*s != '\0' || n == 0) {
        return -1;
    }
    errno = 0;
    *out = strtol(clean, &end, 10);
    return (errno != 0 || *end != '\0') ? -1 : 0;
}

#define MAX_EXPANSION 1000000

static int expand_into(char ***names, size_t *n, size_t *cap,
                       const char *pattern, const char **why);

/* One expanded name: expand its next range, or append it to names. */
static int emit_name(char ***names, size_t *n, size_t *cap,
                     struct nr_buf *name, const char **why)
{
    if (strchr(name->data, '[') != NULL) {
        return expand_into(names, n, cap, name->data, why);
    }
    if (*n + 1 >= *cap) {
        size_t nc = *cap != 0 ? *cap * 2 : 16;
        char **p = realloc(*names, nc * sizeof(*p));

        if (p == NULL) {
            *why = "out of memory";
            return -1;
        }
        *names = p;
        *cap = nc;
    }
    (*names)[(*n)++] = nr_buf_steal(name);
    (*names)[*n] = NULL;
    return 0;
}

static int expand_into(char ***names, size_t *n, size_t *cap,
                       const char *pattern, const char **why)
{
    const char *lb = strchr(pattern, '[');
    const char *rb = strchr(pattern, ']');
    char *body = NULL, *beg, *end, *step_s, *head = NULL, *tail;
    char *bounds[4];
    int nb = 0;
    long ib, ie, step = 1, i;
    int rc = -1;
    struct nr_buf name = NR_BUF_INIT(1u << 16);

    if (lb == NULL || rb == NULL || rb < lb) {
        /* Python splits on the first '[' and the first ']': with ']'
         * first (or missing) the pattern cannot be cut in three. */
        *why = "host range must be begin:end or begin:end:step";
        return -1;
    }
    head = strndup(pattern, (size_t)(lb - pattern));
    body = strndup(lb + 1, (size_t)(rb - lb - 1));
    tail = (char *)rb + 1;
    if (head == NULL || body == NULL) {
        *why = "out of memory";
        goto out;
    }
    for (char *p = body;; p++) {
        if (nb < 4) {
            bounds[nb] = p;
        }
        nb++;
        p = strchr(p, ':');
        if (p == NULL) {
            break;
        }
        *p = '\0';
    }
    if (nb != 2 && nb != 3) {
        *why = "host range must be begin:end or begin:end:step";
        goto out;
    }
    beg = bounds[0];
    end = bounds[1];
    step_s = nb == 3 ? bounds[2] : NULL;
    if (*beg == '\0') {
        beg = "0";
    }
    if (*end == '\0') {
        *why = "host range must specify end value";
        goto out;
    }
    if (step_s != NULL && (py_int(step_s, &step) != 0)) {
        *why = "host range step is not a number";
        goto out;
    }
    if (step == 0) {
        *why = "host range step must not be zero";
        goto out;
    }
    {
        const char *pb = strstr(LETTERS, beg);
        const char *pe = strstr(LETTERS, end);
        size_t fill = 0;

        if (beg[0] == '0' && strlen(beg) > 1) {
            fill = strlen(beg);
            if (fill != strlen(end)) {
                *why = "host range must specify equal-length begin and end "
                       "formats";
                goto out;
            }
        }
        if (pb != NULL && pe != NULL) {
            /* Letters: Python slices ascii_letters by the two positions. */
            ib = pb - LETTERS;
            ie = pe - LETTERS;
            if (ib > ie) {
                *why = "host range must have begin <= end";
                goto out;
            }
            if (step < 0) {
                rc = 0; /* an empty slice */
                goto out;
            }
            for (i = ib; i <= ie; i += step) {
                nr_buf_reset(&name);
                if (nr_buf_printf(&name, "%s%c%s", head, LETTERS[i], tail) != 0) {
                    *why = "host name too long";
                    goto out;
                }
                if (emit_name(names, n, cap, &name, why) != 0) {
                    goto out;
                }
            }
            rc = 0;
            goto out;
        }
        if (py_int(beg, &ib) != 0 || py_int(end, &ie) != 0) {
            *why = "host range bounds must be numbers or letters";
            goto out;
        }
        /* range(ib, ie + 1, step), with Python's meaning of a negative
         * step. */
        for (i = ib; step > 0 ? i <= ie : i > ie + 1; i += step) {
            if (*n >= MAX_EXPANSION) {
                *why = "host range expands to more than 1000000 hosts";
                goto out;
            }
            nr_buf_reset(&name);
            if (nr_buf_printf(&name, "%s%0*ld%s", head, (int)fill, i, tail) != 0) {
                *why = "host name too long";
                goto out;
            }
            if (emit_name(names, n, cap, &name, why) != 0) {
                goto out;
            }
        }
    }
    rc = 0;
out:
    nr_buf_dispose(&name);
    free(head);
    free(body);
    return rc;
}

int nr_inv__expand_range(char ***names, size_t *n, const char *pattern,
                         const char **why)
{
    size_t cap = 0;
    int rc;

    *names = NULL;
    *n = 0;
    rc = expand_into(names, n, &cap, pattern, why);
    if (rc == 0 && *names == NULL) {
        *names = calloc(1, sizeof(**names));
        if (*names == NULL) {
            *why = "out of memory";
            rc = -1;
        }
    }
    if (rc != 0) {
        nr_strv_free(*names);
        *names = NULL;
        *n = 0;
    }
    return rc;
}

/* Ansible's _expand_hostpattern: host names and an optional port. */
static int expand_hostpattern(char ***names, size_t *n, long *port,
                              const char *pat, const char **why)
{
    char *host = NULL;
    const char *use = pat;
    int rc;

    *port = 0;
    if (nr_inv__parse_address(pat, &host, port) == 0) {
        use = host;
    } else {
        *port = 0; /* not an address: the whole text is the name */
    }
    if (strchr(use, '[') != NULL) {
        rc = nr_inv__expand_range(names, n, use, why);
    } else {
        *names = calloc(2, sizeof(**names));
        rc = -1;
        if (*names != NULL) {
            (*names)[0] = strdup(use);
            if ((*names)[0] != NULL) {
                *n = 1;
                rc = 0;
            }
        }
        if (rc != 0) {
            nr_strv_free(*names);
            *names = NULL;
            *why = "out of memory";
        }
    }
    free(host);
    return rc;
}

/* The shared host-pattern step of INI and YAML: expand, add each host to
 * group, set vars.  ini adds Ansible's INI-only checks. */
static int add_hosts(struct nr_inventory *inv, const char *path, int line,
                     const char *pattern, struct nr_group *g, int ini,
                     struct nr_ihost ***added, size_t *nadded,
                     struct nr_err *err)
{
    char **names = NULL;
    size_t n = 0, i;
    long port = 0;
    const char *why = NULL;
    int rc = -1;
    size_t plen = strlen(pattern);
    struct nr_ihost *h;

    *added = NULL;
    *nadded = 0;
    if (expand_hostpattern(&names, &n, &port, pattern, &why) != 0) {
        nr_err_set(err, NR_ERR_PARSE, NULL, "%s:%d: %s: %s", path, line, why,
                   pattern);
        goto out;
    }
    if (ini && plen > 0 && pattern[plen - 1] == ':' && port == 0) {
        nr_err_set(err, NR_ERR_PARSE, NULL,
                   "%s:%d: invalid host pattern '%s': a trailing ':' must be "
                   "followed by a port", path, line, pattern);
        goto out;
    }
    *added = calloc(n + 1, sizeof(**added));
    if (*added == NULL) {
        nr_err_set(err, NR_ERR_LIMIT, NULL, "out of memory");
        goto out;
    }
    for (i = 0; i < n; i++) {
        if (ini && strcmp(names[i], "---") == 0) {
            nr_err_set(err, NR_ERR_PARSE, NULL,
                       "%s:%d: invalid host pattern '---': this looks like a "
                       "YAML file", path, line);
            goto out;
        }
        if (names[i][0] == '\0') {
            nr_err_set(err, NR_ERR_PARSE, NULL, "%s:%d: empty host name",
                       path, line);
            goto out;
        }
        if (nr_inv__add_host(&h, inv, names[i], g, port, path, line, err) != 0) {
            goto out;
        }
        (*added)[(*nadded)++] = h;
    }
    rc = 0;
out:
    if (rc != 0) {
        free(*added);
        *added = NULL;
        *nadded = 0;
    }
    nr_strv_free(names);
    return rc;
}

int nr_inv__add_hosts(struct nr_inventory *inv, const char *path, int line,
                      const char *pattern, struct nr_group *g, int ini,
                      struct nr_ihost ***added, size_t *nadded,
                      struct nr_err *err);

int nr_inv__add_hosts(struct nr_inventory *inv, const char *path, int line,
                      const char *pattern, struct nr_group *g, int ini,
                      struct nr_ihost ***added, size_t *nadded,
                      struct nr_err *err)
{
    return add_hosts(inv, path, line, pattern, g, ini, added, nadded, err);
}

/* ---- INI ----------------------------------------------------------- */

/* _parse_value: literal_eval, else the text itself. */
static struct nr_val *ini_value(const char *s, size_t len)
{
    int oom;
    struct nr_val *v = nr_py_literal(s, len, &oom);

    if (v == NULL && !oom) {
        v = nr_val_str(s, len);
    }
    return v;
}

struct pending {
    char *name;
    int line;
    int is_vars;          /* else children */
    char **parents;       /* for children: parent group names */
    size_t nparents;
};

static void pending_free(struct pending *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(p[i].name);
        for (size_t k = 0; k < p[i].nparents; k++) {
            free(p[i].parents[k]);
        }
        free(p[i].parents);
    }
    free(p);
}

static long pending_find(struct pending *p, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i].name != NULL && strcmp(p[i].name, name) == 0) {
            return (long)i;
        }
    }
    return -1;
}

/* A declared group resolves the [x:children] entries waiting for it. */
static int resolve_pending(struct nr_inventory *inv, const char *path,
                           struct pending *p, size_t n, long at,
                           struct nr_err *err)
{
    struct nr_group *g = nr_inv__group(inv, p[at].name);
    long pa;

    for (size_t k = 0; k < p[at].nparents; k++) {
        struct nr_group *par = nr_inv__group(inv, p[at].parents[k]);

        if (par != NULL && g != NULL &&
            nr_inv__add_child(inv, par, g, path, p[at].line, err) != 0) {
            return -1;
        }
        pa = pending_find(p, n, p[at].parents[k]);
        if (pa >= 0 && !p[pa].is_vars && pa != at) {
            if (resolve_pending(inv, path, p, n, pa, err) != 0) {
                return -1;
            }
        }
    }
    free(p[at].name);
    p[at].name = NULL;
    return 0;
}

int nr_inv__load_ini(struct nr_inventory *inv, const char *path,
                     const char *text, size_t len, struct nr_err *err)
{
    const char *p = text, *end = text + len;
    const char *file = nr_inv__intern(inv, path);
    struct nr_group *g;
    int state = 0; /* 0 hosts, 1 vars, 2 children */
    int lineno = 0;
    struct pending *pend = NULL;
    size_t npend = 0, cappend = 0;
    char **toks = NULL;
    size_t ntoks;
    struct nr_ihost **added = NULL;
    size_t nadded;
    char *gname = NULL;
    size_t gs[2], gl[2];
    int rc = -1;

    if (file == NULL || nr_inv__add_group(&g, inv, "ungrouped", NULL, 0, err) != 0) {
        goto oom;
    }
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        p += 3; /* a UTF-8 byte-order mark is not part of the first line */
    }
    while (p < end) {
        const char *ls = p, *le = p, *b, *e;
        size_t br = 0;

        while (le < end && (br = nr_py_linebreak(le, (size_t)(end - le))) == 0) {
            le++;
        }
        p = le < end ? le + br : end;
        lineno++;
        b = ls;
        e = le;
        if (b < e && (*b == '#' || *b == ';')) {
            continue; /* comment lines are dropped before decoding */
        }
        if (!utf8_valid(b, (size_t)(e - b))) {
            nr_err_set(err, NR_ERR_PARSE, NULL, "%s:%d: not valid UTF-8",
                       path, lineno);
            goto out;
        }
        nr_py_strip(&b, &e);
        if (b == e || *b == '#' || *b == ';') {
            continue;
        }
        if (memchr(b, '\0', (size_t)(e - b)) != NULL) {
            nr_err_set(err, NR_ERR_PARSE, NULL, "%s:%d: NUL byte in line",
                       path, lineno);
            goto out;
        }
        if (rx_match(RX_SECTION, b, (size_t)(e - b), gs, gl, 2)) {
            const char *tag = gl[1] == (size_t)-1 ? "hosts" : NULL;
            char tagbuf[64];
            long at;
            int exists;

            free(gname);
            gname = strndup(b + gs[0], gl[0]);
            if (gname == NULL) {
                goto oom;
            }
            if (tag == NULL) {
                size_t tl = gl[1] < sizeof(tagbuf) - 1 ? gl[1]
                                                       : sizeof(tagbuf) - 1;

                memcpy(tagbuf, b + gs[1], tl);
                tagbuf[tl] = '\0';
                tag = tagbuf;
            }
            if (strcmp(tag, "hosts") == 0) {
                state = 0;
            } else if (strcmp(tag, "vars") == 0) {
                state = 1;
            } else if (strcmp(tag, "children") == 0) {
                state = 2;
            } else {
                nr_err_set(err, NR_ERR_PARSE, NULL,
                           "%s:%d: section [%s:%s] has unknown type: %s "
                           "(hosts, vars or children)",
                           path, lineno, gname, tag, tag);
                goto out;
            }
            exists = nr_inv__group(inv, gname) != NULL;
            at = pending_find(pend, npend, gname);
            if (!exists) {
                /* [g:vars] alone does not declare g: remember it and
                 * complain at the end unless g shows up. */
                if (state == 1 && at < 0) {
                    if (npend == cappend) {
                        size_t nc = cappend != 0 ? cappend * 2 : 8;
                        struct pending *np = realloc(pend, nc * sizeof(*np));

                        if (np == NULL) {
                            goto oom;
                        }
                        pend = np;
                        cappend = nc;
                    }
                    memset(&pend[npend], 0, sizeof(pend[npend]));
                    pend[npend].name = strdup(gname);
                    pend[npend].line = lineno;
                    pend[npend].is_vars = 1;
                    if (pend[npend].name == NULL) {
                        goto oom;
                    }
                    npend++;
                    at = (long)npend - 1;
                }
                if (nr_inv__add_group(&g, inv, gname, path, lineno,
                                      err) != 0) {
                    goto out;
                }
            }
            g = nr_inv__group(inv, gname);
            if (at >= 0 && state != 1) {
                if (!pend[at].is_vars) {
                    if (resolve_pending(inv, path, pend, npend, at, err) != 0) {
                        goto out;
                    }
                } else {
                    free(pend[at].name);
                    pend[at].name = NULL;
                }
            }
            continue;
        }
        if (*b == '[' && e[-1] == ']') {
            nr_err_set(err, NR_ERR_PARSE, NULL,
                       "%s:%d: invalid section header '%.*s': no spaces or "
                       "other invalid characters allowed",
                       path, lineno, (int)(e - b), b);
            goto out;
        }
        if (state == 0) {
            const char *why;

            nr_strv_free(toks);
            toks = NULL;
            if (nr_shlex_split(&toks, &ntoks, b, (size_t)(e - b), &why) != 0) {
                nr_err_set(err, NR_ERR_PARSE, NULL,
                           "%s:%d: cannot parse host line: %s", path, lineno,
                           why);
                goto out;
            }
            if (ntoks == 0) {
                continue;
            }
            /* Values are checked before any host is added, as Ansible
             * parses the whole line first. */
            for (size_t t = 1; t < ntoks; t++) {
                if (strchr(toks[t], '=') == NULL) {
                    nr_err_set(err, NR_ERR_PARSE, NULL,
                               "%s:%d: expected key=value after the host "
                               "name, got: %s", path, lineno, toks[t]);
                    goto out;
                }
            }
            free(added);
            added = NULL;
            if (add_hosts(inv, path, lineno, toks[0], g, 1, &added, &nadded,
                          err) != 0) {
                goto out;
            }
            for (size_t t = 1; t < ntoks; t++) {
                char *eq = strchr(toks[t], '=');

                *eq = '\0';
                for (size_t h = 0; h < nadded; h++) {
                    struct nr_val *v = ini_value(eq + 1, strlen(eq + 1));

                    if (v == NULL ||
                        nr_varlist_set(&added[h]->vars, toks[t], v, file,
                                       lineno) != 0) {
                        goto oom;
                    }
                }
            }
        } else if (state == 1) {
            const char *eq = memchr(b, '=', (size_t)(e - b));
            const char *kb = b, *ke, *vb, *ve = e;
            char *key;
            struct nr_val *v;

            if (eq == NULL) {
                nr_err_set(err, NR_ERR_PARSE, NULL,
                           "%s:%d: expected key=value, got: %.*s", path,
                           lineno, (int)(e - b), b);
                goto out;
            }
            ke = eq;
            vb = eq + 1;
            nr_py_strip(&kb, &ke);
            nr_py_strip(&vb, &ve);
            key = strndup(kb, (size_t)(ke - kb));
            v = ini_value(vb, (size_t)(ve - vb));
            if (key == NULL || v == NULL) {
                free(key);
                nr_val_free(v);
                goto oom;
            }
            rc = nr_inv__set_group_var(g, key, v, file, lineno);
            free(key);
            if (rc != 0) {
                rc = -1;
                goto oom;
            }
            rc = -1;
        } else {
            char *child;
            struct nr_group *cg;
            long at;

            if (!rx_match(RX_GROUPNAME, b, (size_t)(e - b), gs, gl, 1)) {
                nr_err_set(err, NR_ERR_PARSE, NULL,
                           "%s:%d: expected a group name, got: %.*s", path,
                           lineno, (int)(e - b), b);
                goto out;
            }
            child = strndup(b + gs[0], gl[0]);
            if (child == NULL) {
                goto oom;
            }
            cg = nr_inv__group(inv, child);
            if (cg != NULL) {
                rc = nr_inv__add_child(inv, g, cg, path, lineno, err);
                free(child);
                if (rc != 0) {
                    rc = -1;
                    goto out;
                }
                rc = -1;
                continue;
            }
            at = pending_find(pend, npend, child);
            if (at < 0) {
                if (npend == cappend) {
                    size_t nc = cappend != 0 ? cappend * 2 : 8;
                    struct pending *np = realloc(pend, nc * sizeof(*np));

                    if (np == NULL) {
                        free(child);
                        goto oom;
                    }
                    pend = np;
                    cappend = nc;
                }
                memset(&pend[npend], 0, sizeof(pend[npend]));
                pend[npend].name = child;
                pend[npend].line = lineno;
                at = (long)npend++;
            } else {
                free(child);
            }
            {
                char **np = realloc(pend[at].parents,
                                    (pend[at].nparents + 1) * sizeof(*np));

                if (np == NULL) {
                    goto oom;
                }
                pend[at].parents = np;
                np[pend[at].nparents] = strdup(g->name);
                if (np[pend[at].nparents] == NULL) {
                    goto oom;
                }
                pend[at].nparents++;
            }
        }
    }
    for (size_t i = 0; i < npend; i++) {
        if (pend[i].name == NULL) {
            continue;
        }
        if (pend[i].is_vars) {
            nr_err_set(err, NR_ERR_PARSE, NULL,
                       "%s:%d: section [%s:vars] is for a group that is never "
                       "defined: %s", path, pend[i].line, pend[i].name,
                       pend[i].name);
        } else {
            nr_err_set(err, NR_ERR_PARSE, NULL,
                       "%s:%d: section [%s:children] includes a group that is "
                       "never defined: %s", path, pend[i].line,
                       pend[i].parents[pend[i].nparents - 1], pend[i].name);
        }
        goto out;
    }
    rc = 0;
    goto out;
oom:
    nr_err_set(err, NR_ERR_LIMIT, NULL, "%s: out of memory", path);
out:
    free(gname);
    free(added);
    nr_strv_free(toks);
    pending_free(pend, npend);
    return rc;
}
