/* yamlv.c — libyaml events to typed values with PyYAML's resolver. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "yamlv.h"

#define MAX_DEPTH 256

struct anchor {
    char *name;
    struct nr_val *val;
};

struct yl {
    yaml_parser_t parser;
    const char *text;       /* the input, for the line of reader errors */
    size_t len;
    const char *name;
    struct nr_err *err;
    nr_yaml_warn_fn warn;
    void *payload;
    struct anchor *anchors;
    size_t nanchors, capanchors;
    const char *key;        /* the mapping key being read, for errors */
    int depth;
};

static int yl_fail(struct yl *y, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int yl_fail(struct yl *y, int line, const char *fmt, ...)
{
    char msg[400];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    nr_err_set(y->err, NR_ERR_PARSE, NULL, "%s:%d: %s", y->name, line, msg);
    return -1;
}

static int next_event(struct yl *y, yaml_event_t *ev)
{
    if (!yaml_parser_parse(&y->parser, ev)) {
        const char *what = y->parser.problem != NULL ? y->parser.problem
                                                     : "malformed YAML";
        int line = (int)y->parser.problem_mark.line + 1;

        if (y->parser.error == YAML_READER_ERROR) {
            /* The reader (bad UTF-8, control characters) leaves the mark
             * alone and gives a byte offset instead. */
            line = 1;
            for (size_t i = 0; i < y->parser.problem_offset && i < y->len;
                 i++) {
                line += y->text[i] == '\n';
            }
        }
        if (y->parser.error == YAML_MEMORY_ERROR) {
            nr_err_set(y->err, NR_ERR_LIMIT, NULL, "%s: out of memory",
                       y->name);
            return -1;
        }
        if (y->parser.context != NULL) {
            nr_err_set(y->err, NR_ERR_PARSE, NULL, "%s:%d: %s %s", y->name,
                       line, y->parser.context, what);
        } else {
            nr_err_set(y->err, NR_ERR_PARSE, NULL, "%s:%d: %s", y->name, line,
                       what);
        }
        return -1;
    }
    return 0;
}

static int add_anchor(struct yl *y, const char *name, const struct nr_val *v)
{
    struct nr_val *c;

    if (y->nanchors == y->capanchors) {
        size_t cap = y->capanchors != 0 ? y->capanchors * 2 : 8;
        struct anchor *a = realloc(y->anchors, cap * sizeof(*a));

        if (a == NULL) {
            return -1;
        }
        y->anchors = a;
        y->capanchors = cap;
    }
    c = nr_val_clone(v);
    if (c == NULL) {
        return -1;
    }
    y->anchors[y->nanchors].name = strdup(name);
    if (y->anchors[y->nanchors].name == NULL) {
        nr_val_free(c);
        return -1;
    }
    y->anchors[y->nanchors].val = c;
    y->nanchors++;
    return 0;
}

static const struct nr_val *find_anchor(const struct yl *y, const char *name)
{
    size_t i;

    /* Latest definition wins: YAML lets an anchor be redefined. */
    for (i = y->nanchors; i > 0; i--) {
        if (strcmp(y->anchors[i - 1].name, name) == 0) {
            return y->anchors[i - 1].val;
        }
    }
    return NULL;
}

/* ---- PyYAML's implicit resolver ------------------------------------ */

static int all_in(const char *s, const char *set)
{
    for (; *s != '\0'; s++) {
        if (strchr(set, *s) == NULL) {
            return 0;
        }
    }
    return 1;
}

static int match_word(const char *s, const char *const *words)
{
    for (; *words != NULL; words++) {
        if (strcmp(s, *words) == 0) {
            return 1;
        }
    }
    return 0;
}

/* [-+]?  returns pointer past the sign. */
static const char *skip_sign(const char *s)
{
    return (*s == '-' || *s == '+') ? s + 1 : s;
}

/* [0-9_]* and count of chars read. */
static size_t span(const char *s, const char *set)
{
    return strspn(s, set);
}

/* ( : [0-5]?[0-9] )+ ; returns chars consumed, 0 if none. */
static size_t sexa_tail(const char *s)
{
    size_t n = 0;

    while (s[n] == ':') {
        size_t k = n + 1;

        if (s[k] >= '0' && s[k] <= '5' && s[k + 1] >= '0' && s[k + 1] <= '9') {
            k += 2;
        } else if (s[k] >= '0' && s[k] <= '9') {
            k += 1;
        } else {
            return n;
        }
        n = k;
    }
    return n;
}

static int is_yaml_int(const char *s)
{
    const char *p = skip_sign(s);
    size_t n;

    if (p[0] == '0' && p[1] == 'b') {
        return p[2] != '\0' && all_in(p + 2, "01_");
    }
    if (p[0] == '0' && p[1] == 'x') {
        return p[2] != '\0' && all_in(p + 2, "0123456789abcdefABCDEF_");
    }
    if (p[0] == '0' && p[1] != '\0') {
        return all_in(p + 1, "01234567_");
    }
    if (p[0] == '0') {
        return 1;
    }
    if (p[0] >= '1' && p[0] <= '9') {
        n = 1 + span(p + 1, "0123456789_");
        if (p[n] == '\0') {
            return 1;
        }
        /* sexagesimal: [1-9][0-9_]*(:[0-5]?[0-9])+ */
        return p[n] == ':' && p[n + sexa_tail(p + n)] == '\0';
    }
    return 0;
}

static int is_yaml_float(const char *s)
{
    const char *p = skip_sign(s);
    size_t n;

    if (strcmp(p, ".inf") == 0 || strcmp(p, ".Inf") == 0 ||
        strcmp(p, ".INF") == 0) {
        return 1;
    }
    if (p == s && (strcmp(p, ".nan") == 0 || strcmp(p, ".NaN") == 0 ||
                   strcmp(p, ".NAN") == 0)) {
        return 1;
    }
    if (p[0] == '.') {
        /* \.[0-9_]+(?:[eE][-+][0-9]+)? — no sign allowed here */
        if (p != s) {
            return 0;
        }
        n = 1 + span(p + 1, "0123456789_");
        if (n == 1) {
            return 0;
        }
    } else if (p[0] >= '0' && p[0] <= '9') {
        n = 1 + span(p + 1, "0123456789_");
        if (p[n] == ':') {
            /* [-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]* */
            size_t t = sexa_tail(p + n);

            if (t == 0 || p[n + t] != '.') {
                return 0;
            }
            n += t + 1;
            n += span(p + n, "0123456789_");
            return p[n] == '\0';
        }
        if (p[n] != '.') {
            return 0;
        }
        n++;
        n += span(p + n, "0123456789_");
    } else {
        return 0;
    }
    if (p[n] == '\0') {
        return 1;
    }
    if ((p[n] == 'e' || p[n] == 'E') && (p[n + 1] == '-' || p[n + 1] == '+') &&
        p[n + 2] >= '0' && p[n + 2] <= '9') {
        n += 2 + span(p + n + 2, "0123456789");
        return p[n] == '\0';
    }
    return 0;
}

static int digits_n(const char *s, int n)
{
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return 0;
        }
    }
    return 1;
}

/* 1..max digits; returns count. */
static int digits_upto(const char *s, int max)
{
    int i = 0;

    while (i < max && s[i] >= '0' && s[i] <= '9') {
        i++;
    }
    return i;
}

static int days_in(int y, int m)
{
    static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) {
        return 29;
    }
    return d[m - 1];
}

/* A YAML 1.1 timestamp; on a match writes Python's isoformat() of the
 * date or datetime PyYAML builds into iso.  1 match, 0 not a timestamp,
 * -1 a timestamp Python would refuse (bad day, hour...). */
static int yaml_timestamp(const char *s, char *iso, size_t isz)
{
    int y, mo, d, h, mi, sec, n, k;
    long us = 0;
    int tzs = 0, tzh = 0, tzm = 0, has_tz = 0;
    const char *p;
    char frac[8] = "000000";

    if (!digits_n(s, 4) || s[4] != '-') {
        return 0;
    }
    y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
        (s[3] - '0');
    if (digits_n(s + 5, 2) && s[7] == '-' && digits_n(s + 8, 2) &&
        s[10] == '\0') {
        mo = (s[5] - '0') * 10 + (s[6] - '0');
        d = (s[8] - '0') * 10 + (s[9] - '0');
        if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > days_in(y, mo)) {
            return -1;
        }
        snprintf(iso, isz, "%04d-%02d-%02d", y, mo, d);
        return 1;
    }
    p = s + 5;
    n = digits_upto(p, 2);
    if (n == 0 || p[n] != '-') {
        return 0;
    }
    mo = (int)strtol(p, NULL, 10);
    p += n + 1;
    n = digits_upto(p, 2);
    if (n == 0) {
        return 0;
    }
    d = (int)strtol(p, NULL, 10);
    p += n;
    if (*p == 'T' || *p == 't') {
        p++;
    } else if (*p == ' ' || *p == '\t') {
        p += strspn(p, " \t");
    } else {
        return 0;
    }
    n = digits_upto(p, 2);
    if (n == 0 || p[n] != ':' || !digits_n(p + n + 1, 2) ||
        p[n + 3] != ':' || !digits_n(p + n + 4, 2)) {
        return 0;
    }
    h = (int)strtol(p, NULL, 10);
    mi = (p[n + 1] - '0') * 10 + (p[n + 2] - '0');
    sec = (p[n + 4] - '0') * 10 + (p[n + 5] - '0');
    p += n + 6;
    if (*p == '.') {
        p++;
        k = digits_upto(p, 1000);
        for (int i = 0; i < k && i < 6; i++) {
            frac[i] = p[i];
        }
        p += k;
        us = strtol(frac, NULL, 10);
    }
    p += strspn(p, " \t");
    if (*p == 'Z') {
        has_tz = 1;
        p++;
    } else if (*p == '-' || *p == '+') {
        has_tz = 1;
        tzs = *p == '-' ? -1 : 1;
        p++;
        n = digits_upto(p, 2);
        if (n == 0) {
            return 0;
        }
        tzh = (int)strtol(p, NULL, 10);
        p += n;
        if (*p == ':') {
            if (!digits_n(p + 1, 2)) {
                return 0;
            }
            tzm = (p[1] - '0') * 10 + (p[2] - '0');
            p += 3;
        }
    }
    if (*p != '\0') {
        return 0;
    }
    if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > days_in(y, mo) || h > 23 ||
        mi > 59 || sec > 59 || tzh > 23 || tzm > 59) {
        return -1;
    }
    n = snprintf(iso, isz, "%04d-%02d-%02dT%02d:%02d:%02d", y, mo, d, h, mi,
                 sec);
    if (us != 0 && n > 0 && (size_t)n < isz) {
        n += snprintf(iso + n, isz - (size_t)n, ".%06ld", us);
    }
    if (has_tz && n > 0 && (size_t)n < isz) {
        snprintf(iso + n, isz - (size_t)n, "%c%02d:%02d", tzs < 0 ? '-' : '+',
                 tzh, tzm);
    }
    return 1;
}

static char *strip_underscores(const char *s)
{
    char *o = malloc(strlen(s) + 1);
    size_t n = 0;

    if (o != NULL) {
        for (; *s != '\0'; s++) {
            if (*s != '_') {
                o[n++] = *s;
            }
        }
        o[n] = '\0';
    }
    return o;
}

static struct nr_val *construct_int(const char *text)
{
    char *s = strip_underscores(text);
    struct nr_val *v = NULL;
    const char *p;
    int neg;
    long long acc = 0;
    int base = 10;

    if (s == NULL) {
        return NULL;
    }
    neg = s[0] == '-';
    p = skip_sign(s);
    if (strchr(p, ':') != NULL) {
        /* sexagesimal: each part is a base-60 digit */
        const char *q = p;

        while (*q != '\0') {
            acc = acc * 60 + strtoll(q, NULL, 10);
            q += strcspn(q, ":");
            if (*q == ':') {
                q++;
            }
        }
        v = nr_val_int(neg ? -acc : acc);
        goto out;
    }
    if (p[0] == '0' && p[1] == 'b') {
        base = 2;
        p += 2;
    } else if (p[0] == '0' && p[1] == 'x') {
        base = 16;
        p += 2;
    } else if (p[0] == '0' && p[1] != '\0') {
        base = 8;
        p += 1;
    }
    if (*p == '\0') {
        v = nr_val_int(0);
        goto out;
    }
    errno = 0;
    acc = strtoll(p, NULL, base);
    if (errno == 0) {
        v = nr_val_int(neg ? -acc : acc);
    } else {
        /* Past 64 bits: keep the decimal digits when base 10, else the
         * text itself (rare enough not to carry a bignum here). */
        v = nr_val_bigint(s, strlen(s));
    }
out:
    free(s);
    return v;
}

static struct nr_val *construct_float(const char *text)
{
    char *s = strip_underscores(text);
    struct nr_val *v = NULL;
    const char *p;
    int neg;
    char *lower;

    if (s == NULL) {
        return NULL;
    }
    for (lower = s; *lower != '\0'; lower++) {
        *lower = (char)tolower((unsigned char)*lower);
    }
    neg = s[0] == '-';
    p = skip_sign(s);
    if (strcmp(p, ".inf") == 0) {
        v = nr_val_float(neg ? -INFINITY : INFINITY);
    } else if (strcmp(p, ".nan") == 0) {
        v = nr_val_float(NAN);
    } else if (strchr(p, ':') != NULL) {
        double acc = 0;
        const char *q = p;

        while (*q != '\0') {
            acc = acc * 60 + strtod(q, NULL);
            q += strcspn(q, ":");
            if (*q == ':') {
                q++;
            }
        }
        v = nr_val_float(neg ? -acc : acc);
    } else {
        double f = strtod(p, NULL);

        v = nr_val_float(neg ? -f : f);
    }
    free(s);
    return v;
}

static const char *const NULLS[] = { "~", "null", "Null", "NULL", "", NULL };
static const char *const TRUES[] = { "yes", "Yes", "YES", "true", "True",
                                     "TRUE", "on", "On", "ON", NULL };
static const char *const FALSES[] = { "no", "No", "NO", "false", "False",
                                      "FALSE", "off", "Off", "OFF", NULL };

#define TAG_PREFIX "tag:yaml.org,2002:"

static struct nr_val *scalar(struct yl *y, const yaml_event_t *ev, int line)
{
    const char *text = (const char *)ev->data.scalar.value;
    size_t len = ev->data.scalar.length;
    const char *tag = (const char *)ev->data.scalar.tag;
    char iso[64];
    int plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    const char *kind = NULL;
    int ts;

    if (tag != NULL) {
        if (strcmp(tag, "!vault") == 0 || strcmp(tag, "!vault-encrypted") == 0) {
            yl_fail(y, line,
                    "variable '%s' is encrypted with Ansible Vault; netrun "
                    "does not decrypt vault values",
                    y->key != NULL ? y->key : "?");
            return NULL;
        }
        if (strcmp(tag, "!unsafe") == 0 || strcmp(tag, "!") == 0) {
            return nr_val_str(text, len);
        }
        if (strncmp(tag, TAG_PREFIX, strlen(TAG_PREFIX)) != 0) {
            yl_fail(y, line, "could not determine a constructor for the tag %s",
                    tag);
            return NULL;
        }
        kind = tag + strlen(TAG_PREFIX);
        if (strcmp(kind, "str") == 0) {
            return nr_val_str(text, len);
        }
    } else if (!plain) {
        return nr_val_str(text, len);
    }
    if (memchr(text, '\0', len) != NULL) {
        return nr_val_str(text, len);
    }
    if ((kind == NULL || strcmp(kind, "null") == 0) &&
        match_word(text, NULLS)) {
        return nr_val_null();
    }
    if (kind == NULL || strcmp(kind, "bool") == 0) {
        if (match_word(text, TRUES)) {
            return nr_val_bool(1);
        }
        if (match_word(text, FALSES)) {
            return nr_val_bool(0);
        }
    }
    if ((kind == NULL || strcmp(kind, "int") == 0) && is_yaml_int(text)) {
        return construct_int(text);
    }
    if ((kind == NULL || strcmp(kind, "float") == 0) && is_yaml_float(text)) {
        return construct_float(text);
    }
    if (kind == NULL || strcmp(kind, "timestamp") == 0) {
        ts = yaml_timestamp(text, iso, sizeof(iso));
        if (ts < 0) {
            yl_fail(y, line, "invalid date or time: %s", text);
            return NULL;
        }
        if (ts > 0) {
            return nr_val_strz(iso);
        }
    }
    if (kind != NULL) {
        yl_fail(y, line, "value does not match its tag !!%s", kind);
        return NULL;
    }
    return nr_val_str(text, len);
}

static struct nr_val *node(struct yl *y, yaml_event_t *ev);

/* Merge src's entries into dst where dst lacks them (a "<<" key). */
static int merge_into(struct nr_val *dst, const struct nr_val *src)
{
    for (size_t i = 0; i < src->u.map.n; i++) {
        if (nr_val_map_get(dst, src->u.map.keys[i]) == NULL &&
            nr_val_map_set(dst, src->u.map.keys[i],
                           strlen(src->u.map.keys[i]),
                           nr_val_clone(src->u.map.vals[i])) != 0) {
            return -1;
        }
    }
    return 0;
}

static struct nr_val *mapping(struct yl *y, int line)
{
    struct nr_val *m = nr_val_map();
    struct nr_val *merges = nr_val_list(); /* maps to merge, in order */
    struct nr_val *k = NULL;
    struct nr_val *v = NULL;
    struct nr_buf kt = NR_BUF_INIT(1u << 20);
    yaml_event_t ev;
    const char *saved_key = y->key;
    char *keycopy = NULL;
    int is_merge;
    char msg[300];

    if (m == NULL || merges == NULL) {
        nr_err_set(y->err, NR_ERR_LIMIT, NULL, "out of memory");
        goto fail;
    }
    m->line = line;
    for (;;) {
        if (next_event(y, &ev) != 0) {
            goto fail;
        }
        if (ev.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&ev);
            break;
        }
        is_merge = ev.type == YAML_SCALAR_EVENT && ev.data.scalar.tag == NULL &&
                   ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
                   strcmp((const char *)ev.data.scalar.value, "<<") == 0;
        k = node(y, &ev);
        yaml_event_delete(&ev);
        if (k == NULL) {
            goto fail;
        }
        nr_buf_reset(&kt);
        if (nr_val_keytext(k, &kt) != 0) {
            nr_err_set(y->err, NR_ERR_PARSE, NULL,
                       "%s:%d: found unhashable key (a list or mapping)",
                       y->name, k->line);
            goto fail;
        }
        free(keycopy);
        keycopy = strdup(nr_buf_str(&kt));
        if (keycopy == NULL) {
            goto fail;
        }
        y->key = keycopy;
        if (next_event(y, &ev) != 0) {
            goto fail;
        }
        v = node(y, &ev);
        yaml_event_delete(&ev);
        if (v == NULL) {
            goto fail;
        }
        if (is_merge) {
            if (v->t == NR_VT_MAP) {
                if (nr_val_list_push(merges, v) != 0) {
                    v = NULL;
                    goto fail;
                }
            } else if (v->t == NR_VT_LIST) {
                for (size_t i = 0; i < v->u.list.n; i++) {
                    if (v->u.list.items[i]->t != NR_VT_MAP) {
                        nr_err_set(y->err, NR_ERR_PARSE, NULL,
                                   "%s:%d: expected a mapping for merging",
                                   y->name, v->line);
                        goto fail;
                    }
                    if (nr_val_list_push(merges,
                                         nr_val_clone(v->u.list.items[i])) != 0) {
                        goto fail;
                    }
                }
                nr_val_free(v);
            } else {
                nr_err_set(y->err, NR_ERR_PARSE, NULL,
                           "%s:%d: expected a mapping or list of mappings "
                           "for merging", y->name, v->line);
                goto fail;
            }
            v = NULL;
        } else {
            if (nr_val_map_get(m, nr_buf_str(&kt)) != NULL && y->warn != NULL) {
                snprintf(msg, sizeof(msg),
                         "%s:%d: duplicate key '%s': the last one is used",
                         y->name, k->line, nr_buf_str(&kt));
                y->warn(y->payload, msg);
            }
            if (nr_val_map_set(m, nr_buf_str(&kt), kt.len, v) != 0) {
                v = NULL;
                goto fail;
            }
            v = NULL;
        }
        nr_val_free(k);
        k = NULL;
        y->key = saved_key;
    }
    /* Explicit keys win over merged ones; among merged maps the first
     * listed wins, as in PyYAML. */
    for (size_t i = 0; i < merges->u.list.n; i++) {
        if (merge_into(m, merges->u.list.items[i]) != 0) {
            goto fail;
        }
    }
    goto out;
fail:
    if (y->err->kind == NR_OK) {
        nr_err_set(y->err, NR_ERR_LIMIT, NULL, "out of memory");
    }
    nr_val_free(m);
    m = NULL;
out:
    y->key = saved_key;
    free(keycopy);
    nr_val_free(k);
    nr_val_free(v);
    nr_val_free(merges);
    nr_buf_dispose(&kt);
    return m;
}

static struct nr_val *sequence(struct yl *y, int line)
{
    struct nr_val *l = nr_val_list();
    struct nr_val *v;
    yaml_event_t ev;

    if (l == NULL) {
        nr_err_set(y->err, NR_ERR_LIMIT, NULL, "out of memory");
        return NULL;
    }
    l->line = line;
    for (;;) {
        if (next_event(y, &ev) != 0) {
            goto fail;
        }
        if (ev.type == YAML_SEQUENCE_END_EVENT) {
            yaml_event_delete(&ev);
            return l;
        }
        v = node(y, &ev);
        yaml_event_delete(&ev);
        if (v == NULL || nr_val_list_push(l, v) != 0) {
            goto fail;
        }
    }
fail:
    if (y->err->kind == NR_OK) {
        nr_err_set(y->err, NR_ERR_LIMIT, NULL, "out of memory");
    }
    nr_val_free(l);
    return NULL;
}

static struct nr_val *node(struct yl *y, yaml_event_t *ev)
{
    struct nr_val *v = NULL;
    const char *anchor = NULL;
    const char *tag = NULL;
    int line = (int)ev->start_mark.line + 1;
    const struct nr_val *a;

    if (++y->depth > MAX_DEPTH) {
        yl_fail(y, line, "%s", "nesting too deep");
        goto out;
    }
    switch (ev->type) {
    case YAML_ALIAS_EVENT:
        a = find_anchor(y, (const char *)ev->data.alias.anchor);
        if (a == NULL) {
            yl_fail(y, line, "found undefined alias %s",
                    (const char *)ev->data.alias.anchor);
            goto out;
        }
        v = nr_val_clone(a);
        break;
    case YAML_SCALAR_EVENT:
        anchor = (const char *)ev->data.scalar.anchor;
        v = scalar(y, ev, line);
        break;
    case YAML_SEQUENCE_START_EVENT:
        anchor = (const char *)ev->data.sequence_start.anchor;
        tag = (const char *)ev->data.sequence_start.tag;
        v = sequence(y, line);
        break;
    case YAML_MAPPING_START_EVENT:
        anchor = (const char *)ev->data.mapping_start.anchor;
        tag = (const char *)ev->data.mapping_start.tag;
        v = mapping(y, line);
        break;
    default:
        yl_fail(y, line, "%s", "unexpected YAML event");
        goto out;
    }
    if (v == NULL) {
        if (y->err->kind == NR_OK) {
            nr_err_set(y->err, NR_ERR_LIMIT, NULL, "out of memory");
        }
        goto out;
    }
    if (tag != NULL && strcmp(tag, TAG_PREFIX "map") != 0 &&
        strcmp(tag, TAG_PREFIX "seq") != 0 && strcmp(tag, TAG_PREFIX "omap") != 0) {
        yl_fail(y, line, "could not determine a constructor for the tag %s",
                tag);
        nr_val_free(v);
        v = NULL;
        goto out;
    }
    if (v->line == 0) {
        v->line = line;
    }
    if (anchor != NULL && add_anchor(y, anchor, v) != 0) {
        nr_err_set(y->err, NR_ERR_LIMIT, NULL, "out of memory");
        nr_val_free(v);
        v = NULL;
    }
out:
    y->depth--;
    return v;
}

int nr_yaml_load(struct nr_val **out, const char *text, size_t len,
                 const char *name, nr_yaml_warn_fn warn, void *payload,
                 struct nr_err *err)
{
    struct yl y;
    yaml_event_t ev;
    struct nr_val *doc = NULL;
    int have_doc = 0;
    int rc = -1;

    *out = NULL;
    memset(&y, 0, sizeof(y));
    y.text = text;
    y.len = len;
    y.name = name;
    y.err = err;
    y.warn = warn;
    y.payload = payload;
    nr_err_clear(err);
    if (!yaml_parser_initialize(&y.parser)) {
        nr_err_set(err, NR_ERR_LIMIT, NULL, "out of memory");
        return -1;
    }
    yaml_parser_set_input_string(&y.parser, (const unsigned char *)text, len);
    for (;;) {
        if (next_event(&y, &ev) != 0) {
            goto out;
        }
        if (ev.type == YAML_STREAM_END_EVENT) {
            yaml_event_delete(&ev);
            break;
        }
        if (ev.type == YAML_DOCUMENT_START_EVENT) {
            int line = (int)ev.start_mark.line + 1;

            yaml_event_delete(&ev);
            if (have_doc) {
                yl_fail(&y, line, "%s",
                        "expected a single document in the stream");
                goto out;
            }
            have_doc = 1;
            if (next_event(&y, &ev) != 0) {
                goto out;
            }
            doc = node(&y, &ev);
            yaml_event_delete(&ev);
            if (doc == NULL) {
                goto out;
            }
            if (next_event(&y, &ev) != 0) {
                goto out;
            }
            yaml_event_delete(&ev); /* document end */
            continue;
        }
        yaml_event_delete(&ev); /* stream start */
    }
    *out = doc;
    doc = NULL;
    rc = 0;
out:
    nr_val_free(doc);
    for (size_t i = 0; i < y.nanchors; i++) {
        free(y.anchors[i].name);
        nr_val_free(y.anchors[i].val);
    }
    free(y.anchors);
    yaml_parser_delete(&y.parser);
    return rc;
}
