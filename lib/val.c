/* val.c — typed values, Python-exact JSON output, JSON input. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "val.h"

static struct nr_val *val_new(enum nr_vt t)
{
    struct nr_val *v = calloc(1, sizeof(*v));

    if (v != NULL) {
        v->t = t;
    }
    return v;
}

struct nr_val *nr_val_null(void)
{
    return val_new(NR_VT_NULL);
}

struct nr_val *nr_val_bool(int b)
{
    struct nr_val *v = val_new(NR_VT_BOOL);

    if (v != NULL) {
        v->u.b = b != 0;
    }
    return v;
}

struct nr_val *nr_val_int(long long i)
{
    struct nr_val *v = val_new(NR_VT_INT);

    if (v != NULL) {
        v->u.i = i;
    }
    return v;
}

struct nr_val *nr_val_float(double f)
{
    struct nr_val *v = val_new(NR_VT_FLOAT);

    if (v != NULL) {
        v->u.f = f;
    }
    return v;
}

static struct nr_val *val_text(enum nr_vt t, const char *s, size_t len)
{
    struct nr_val *v = val_new(t);

    if (v == NULL) {
        return NULL;
    }
    v->u.str.s = malloc(len + 1);
    if (v->u.str.s == NULL) {
        free(v);
        return NULL;
    }
    if (len > 0) {
        memcpy(v->u.str.s, s, len);
    }
    v->u.str.s[len] = '\0';
    v->u.str.len = len;
    return v;
}

struct nr_val *nr_val_bigint(const char *digits, size_t len)
{
    return val_text(NR_VT_BIGINT, digits, len);
}

struct nr_val *nr_val_str(const char *s, size_t len)
{
    return val_text(NR_VT_STR, s, len);
}

struct nr_val *nr_val_strz(const char *s)
{
    return val_text(NR_VT_STR, s, strlen(s));
}

struct nr_val *nr_val_list(void)
{
    return val_new(NR_VT_LIST);
}

struct nr_val *nr_val_map(void)
{
    return val_new(NR_VT_MAP);
}

void nr_val_free(struct nr_val *v)
{
    size_t i;

    if (v == NULL) {
        return;
    }
    switch (v->t) {
    case NR_VT_STR:
    case NR_VT_BIGINT:
        free(v->u.str.s);
        break;
    case NR_VT_LIST:
        for (i = 0; i < v->u.list.n; i++) {
            nr_val_free(v->u.list.items[i]);
        }
        free(v->u.list.items);
        break;
    case NR_VT_MAP:
        nr_val_map_truncate(v, 0);
        free(v->u.map.keys);
        free(v->u.map.vals);
        break;
    default:
        break;
    }
    free(v);
}

struct nr_val *nr_val_clone(const struct nr_val *v)
{
    struct nr_val *c = NULL;
    size_t i;

    switch (v->t) {
    case NR_VT_STR:
    case NR_VT_BIGINT:
        c = val_text(v->t, v->u.str.s, v->u.str.len);
        break;
    case NR_VT_LIST:
        c = nr_val_list();
        for (i = 0; c != NULL && i < v->u.list.n; i++) {
            if (nr_val_list_push(c, nr_val_clone(v->u.list.items[i])) != 0) {
                nr_val_free(c);
                c = NULL;
            }
        }
        break;
    case NR_VT_MAP:
        c = nr_val_map();
        for (i = 0; c != NULL && i < v->u.map.n; i++) {
            if (nr_val_map_set(c, v->u.map.keys[i], strlen(v->u.map.keys[i]),
                               nr_val_clone(v->u.map.vals[i])) != 0) {
                nr_val_free(c);
                c = NULL;
            }
        }
        break;
    default:
        c = val_new(v->t);
        if (c != NULL) {
            c->u = v->u;
        }
        break;
    }
    if (c != NULL) {
        c->line = v->line;
    }
    return c;
}

int nr_val_list_push(struct nr_val *list, struct nr_val *item)
{
    struct nr_val **p;
    size_t cap;

    if (item == NULL) {
        return -1;
    }
    if (list->u.list.n == list->u.list.cap) {
        cap = list->u.list.cap != 0 ? list->u.list.cap * 2 : 4;
        p = realloc(list->u.list.items, cap * sizeof(*p));
        if (p == NULL) {
            nr_val_free(item);
            return -1;
        }
        list->u.list.items = p;
        list->u.list.cap = cap;
    }
    list->u.list.items[list->u.list.n++] = item;
    return 0;
}

static long map_find(const struct nr_val *map, const char *key, size_t klen)
{
    size_t i;

    for (i = 0; i < map->u.map.n; i++) {
        if (strncmp(map->u.map.keys[i], key, klen) == 0 &&
            map->u.map.keys[i][klen] == '\0') {
            return (long)i;
        }
    }
    return -1;
}

int nr_val_map_set(struct nr_val *map, const char *key, size_t klen,
                   struct nr_val *item)
{
    long at;
    size_t cap;
    char **k;
    struct nr_val **v;
    char *kc;

    if (item == NULL) {
        return -1;
    }
    at = map_find(map, key, klen);
    if (at >= 0) {
        nr_val_free(map->u.map.vals[at]);
        map->u.map.vals[at] = item;
        return 0;
    }
    if (map->u.map.n == map->u.map.cap) {
        cap = map->u.map.cap != 0 ? map->u.map.cap * 2 : 4;
        k = realloc(map->u.map.keys, cap * sizeof(*k));
        if (k == NULL) {
            nr_val_free(item);
            return -1;
        }
        map->u.map.keys = k;
        v = realloc(map->u.map.vals, cap * sizeof(*v));
        if (v == NULL) {
            nr_val_free(item);
            return -1;
        }
        map->u.map.vals = v;
        map->u.map.cap = cap;
    }
    kc = strndup(key, klen);
    if (kc == NULL) {
        nr_val_free(item);
        return -1;
    }
    map->u.map.keys[map->u.map.n] = kc;
    map->u.map.vals[map->u.map.n] = item;
    map->u.map.n++;
    return 0;
}

void nr_val_map_truncate(struct nr_val *map, size_t n)
{
    while (map->u.map.n > n) {
        map->u.map.n--;
        free(map->u.map.keys[map->u.map.n]);
        nr_val_free(map->u.map.vals[map->u.map.n]);
    }
}

struct nr_val *nr_val_map_get(const struct nr_val *map, const char *key)
{
    long at;

    if (map == NULL || map->t != NR_VT_MAP) {
        return NULL;
    }
    at = map_find(map, key, strlen(key));
    return at >= 0 ? map->u.map.vals[at] : NULL;
}

int nr_val_keytext(const struct nr_val *k, struct nr_buf *out)
{
    char num[48];

    switch (k->t) {
    case NR_VT_STR:
    case NR_VT_BIGINT:
        return nr_buf_add(out, k->u.str.s, k->u.str.len);
    case NR_VT_INT:
        snprintf(num, sizeof(num), "%lld", k->u.i);
        return nr_buf_adds(out, num);
    case NR_VT_FLOAT:
        nr_float_repr(k->u.f, num);
        return nr_buf_adds(out, num);
    case NR_VT_BOOL:
        return nr_buf_adds(out, k->u.b ? "true" : "false");
    case NR_VT_NULL:
        return nr_buf_adds(out, "null");
    default:
        return -1;
    }
}

/* ---- output ------------------------------------------------------- */

void nr_float_repr(double f, char out[40])
{
    char tmp[40];
    char digits[24];
    size_t nd = 0;
    int p, e = 0;
    char *q;
    size_t o = 0;
    int i;

    if (isnan(f)) {
        snprintf(out, 40, "NaN");
        return;
    }
    if (isinf(f)) {
        snprintf(out, 40, f < 0 ? "-Infinity" : "Infinity");
        return;
    }
    /* Shortest precision that reads back to the same double, as Python's
     * repr picks it. */
    for (p = 1; p <= 17; p++) {
        snprintf(tmp, sizeof(tmp), "%.*e", p - 1, f);
        if (strtod(tmp, NULL) == f) {
            break;
        }
    }
    q = tmp;
    if (*q == '-') {
        out[o++] = '-';
        q++;
    }
    for (; *q != 'e' && *q != '\0'; q++) {
        if (*q >= '0' && *q <= '9' && nd < sizeof(digits) - 1) {
            digits[nd++] = *q;
        }
    }
    if (*q == 'e') {
        e = (int)strtol(q + 1, NULL, 10);
    }
    while (nd > 1 && digits[nd - 1] == '0') {
        nd--;
    }
    digits[nd] = '\0';
    if (e >= -4 && e < 16) {
        if (e >= 0) {
            for (i = 0; i <= e; i++) {
                out[o++] = i < (int)nd ? digits[i] : '0';
            }
            out[o++] = '.';
            if ((int)nd > e + 1) {
                for (i = e + 1; i < (int)nd; i++) {
                    out[o++] = digits[i];
                }
            } else {
                out[o++] = '0';
            }
        } else {
            out[o++] = '0';
            out[o++] = '.';
            for (i = 0; i < -e - 1; i++) {
                out[o++] = '0';
            }
            for (i = 0; i < (int)nd; i++) {
                out[o++] = digits[i];
            }
        }
        out[o] = '\0';
    } else {
        out[o++] = digits[0];
        if (nd > 1) {
            out[o++] = '.';
            for (i = 1; i < (int)nd; i++) {
                out[o++] = digits[i];
            }
        }
        snprintf(out + o, 40 - o, "e%c%02d", e < 0 ? '-' : '+', abs(e));
    }
}

int nr_json_str(struct nr_buf *out, const char *s, size_t len)
{
    size_t i, start = 0;
    const char *esc;
    char u[8];

    if (nr_buf_addc(out, '"') != 0) {
        return -1;
    }
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        esc = NULL;
        switch (c) {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        case '\b': esc = "\\b"; break;
        case '\f': esc = "\\f"; break;
        default:
            if (c < 0x20) {
                snprintf(u, sizeof(u), "\\u%04x", c);
                esc = u;
            }
            break;
        }
        if (esc != NULL) {
            if (nr_buf_add(out, s + start, i - start) != 0 ||
                nr_buf_adds(out, esc) != 0) {
                return -1;
            }
            start = i + 1;
        }
    }
    if (nr_buf_add(out, s + start, len - start) != 0) {
        return -1;
    }
    return nr_buf_addc(out, '"');
}

static int newline(struct nr_buf *out, int indent, int level)
{
    if (indent < 0) {
        return 0;
    }
    if (nr_buf_addc(out, '\n') != 0) {
        return -1;
    }
    for (int i = 0; i < indent * level; i++) {
        if (nr_buf_addc(out, ' ') != 0) {
            return -1;
        }
    }
    return 0;
}

static int cmp_keys(const void *a, const void *b)
{
    const char *const *ka = *(const char *const *const *)a;
    const char *const *kb = *(const char *const *const *)b;

    return strcmp(*ka, *kb);
}

static int emit(struct nr_buf *out, const struct nr_val *v, int indent,
                int sort, int level)
{
    char num[48];
    const char ***order = NULL;
    size_t i, n;
    int rc = -1;
    const char *sep = indent < 0 ? ", " : ",";

    switch (v->t) {
    case NR_VT_NULL:
        return nr_buf_adds(out, "null");
    case NR_VT_BOOL:
        return nr_buf_adds(out, v->u.b ? "true" : "false");
    case NR_VT_INT:
        snprintf(num, sizeof(num), "%lld", v->u.i);
        return nr_buf_adds(out, num);
    case NR_VT_BIGINT:
        return nr_buf_add(out, v->u.str.s, v->u.str.len);
    case NR_VT_FLOAT:
        nr_float_repr(v->u.f, num);
        return nr_buf_adds(out, num);
    case NR_VT_STR:
        return nr_json_str(out, v->u.str.s, v->u.str.len);
    case NR_VT_LIST:
        n = v->u.list.n;
        if (n == 0) {
            return nr_buf_adds(out, "[]");
        }
        if (nr_buf_addc(out, '[') != 0) {
            return -1;
        }
        for (i = 0; i < n; i++) {
            if ((i > 0 && nr_buf_adds(out, sep) != 0) ||
                newline(out, indent, level + 1) != 0 ||
                emit(out, v->u.list.items[i], indent, sort, level + 1) != 0) {
                return -1;
            }
        }
        if (newline(out, indent, level) != 0) {
            return -1;
        }
        return nr_buf_addc(out, ']');
    case NR_VT_MAP:
        n = v->u.map.n;
        if (n == 0) {
            return nr_buf_adds(out, "{}");
        }
        /* Sort pointers to the key slots so values follow their keys. */
        order = malloc(n * sizeof(*order));
        if (order == NULL) {
            return -1;
        }
        for (i = 0; i < n; i++) {
            order[i] = (const char **)&v->u.map.keys[i];
        }
        if (sort) {
            qsort(order, n, sizeof(*order), cmp_keys);
        }
        if (nr_buf_addc(out, '{') != 0) {
            goto out;
        }
        for (i = 0; i < n; i++) {
            size_t at = (size_t)(order[i] - (const char **)v->u.map.keys);

            if ((i > 0 && nr_buf_adds(out, sep) != 0) ||
                newline(out, indent, level + 1) != 0 ||
                nr_json_str(out, *order[i], strlen(*order[i])) != 0 ||
                nr_buf_adds(out, ": ") != 0 ||
                emit(out, v->u.map.vals[at], indent, sort, level + 1) != 0) {
                goto out;
            }
        }
        if (newline(out, indent, level) != 0 || nr_buf_addc(out, '}') != 0) {
            goto out;
        }
        rc = 0;
    out:
        free(order);
        return rc;
    }
    return -1;
}

int nr_val_json(struct nr_buf *out, const struct nr_val *v, int indent,
                int sort)
{
    return emit(out, v, indent, sort, 0);
}

/* ---- input -------------------------------------------------------- */

struct jp {
    const char *s;
    size_t len;
    size_t pos;
    const char *name;
    struct nr_err *err;
    int depth;
};

static int jp_line(const struct jp *p)
{
    int line = 1;

    for (size_t i = 0; i < p->pos && i < p->len; i++) {
        line += p->s[i] == '\n';
    }
    return line;
}

static int jp_fail(struct jp *p, const char *what)
{
    nr_err_set(p->err, NR_ERR_PARSE, NULL, "%s:%d: invalid JSON: %s",
               p->name, jp_line(p), what);
    return -1;
}

static void jp_ws(struct jp *p)
{
    while (p->pos < p->len &&
           (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' ||
            p->s[p->pos] == '\n' || p->s[p->pos] == '\r')) {
        p->pos++;
    }
}

static int jp_lit(struct jp *p, const char *w)
{
    size_t n = strlen(w);

    if (p->len - p->pos >= n && memcmp(p->s + p->pos, w, n) == 0) {
        p->pos += n;
        return 1;
    }
    return 0;
}

static int jp_hex4(struct jp *p, unsigned long *cp)
{
    int i, h;

    *cp = 0;
    if (p->len - p->pos < 4) {
        return -1;
    }
    for (i = 0; i < 4; i++) {
        h = nr_hexval((unsigned char)p->s[p->pos + (size_t)i]);
        if (h < 0) {
            return -1;
        }
        *cp = (*cp << 4) | (unsigned long)h;
    }
    p->pos += 4;
    return 0;
}

/* A string starting at the opening quote; text goes to b. */
static int jp_string(struct jp *p, struct nr_buf *b)
{
    unsigned long cp, lo;

    p->pos++;
    for (;;) {
        size_t start = p->pos;

        while (p->pos < p->len && p->s[p->pos] != '"' &&
               p->s[p->pos] != '\\' && (unsigned char)p->s[p->pos] >= 0x20) {
            p->pos++;
        }
        if (nr_buf_add(b, p->s + start, p->pos - start) != 0) {
            return jp_fail(p, "string too long");
        }
        if (p->pos >= p->len) {
            return jp_fail(p, "unterminated string");
        }
        if (p->s[p->pos] == '"') {
            p->pos++;
            return 0;
        }
        if ((unsigned char)p->s[p->pos] < 0x20) {
            return jp_fail(p, "control character in string");
        }
        p->pos++; /* backslash */
        if (p->pos >= p->len) {
            return jp_fail(p, "unterminated string");
        }
        switch (p->s[p->pos++]) {
        case '"': cp = '"'; break;
        case '\\': cp = '\\'; break;
        case '/': cp = '/'; break;
        case 'b': cp = '\b'; break;
        case 'f': cp = '\f'; break;
        case 'n': cp = '\n'; break;
        case 'r': cp = '\r'; break;
        case 't': cp = '\t'; break;
        case 'u':
            if (jp_hex4(p, &cp) != 0) {
                return jp_fail(p, "bad \\u escape");
            }
            if (cp >= 0xD800 && cp < 0xDC00 && p->len - p->pos >= 6 &&
                p->s[p->pos] == '\\' && p->s[p->pos + 1] == 'u') {
                size_t save = p->pos;

                p->pos += 2;
                if (jp_hex4(p, &lo) == 0 && lo >= 0xDC00 && lo < 0xE000) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                } else {
                    p->pos = save;
                }
            }
            break;
        default:
            return jp_fail(p, "bad escape in string");
        }
        if (nr_buf_add_utf8(b, cp) != 0) {
            return jp_fail(p, "string too long");
        }
    }
}

static struct nr_val *jp_value(struct jp *p);

/* After an item of a list or object: 1 another item follows, 0 the
 * closing bracket was read, -1 anything else. */
static int jp_next(struct jp *p, char close)
{
    jp_ws(p);
    if (p->pos < p->len && p->s[p->pos] == ',') {
        p->pos++;
        return 1;
    }
    if (p->pos < p->len && p->s[p->pos] == close) {
        p->pos++;
        return 0;
    }
    return jp_fail(p, close == '}' ? "expected ',' or '}'"
                                   : "expected ',' or ']'");
}

static struct nr_val *jp_number(struct jp *p)
{
    size_t start = p->pos;
    int is_float = 0;
    char tmp[400];
    size_t n;
    char *end;
    long long ll;
    struct nr_val *v;

    if (p->s[p->pos] == '-') {
        p->pos++;
        if (jp_lit(p, "Infinity")) {
            return nr_val_float(-INFINITY);
        }
    }
    if (p->pos < p->len && p->s[p->pos] == '0') {
        p->pos++;
    } else if (p->pos < p->len && p->s[p->pos] >= '1' && p->s[p->pos] <= '9') {
        while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9') {
            p->pos++;
        }
    } else {
        jp_fail(p, "bad number");
        return NULL;
    }
    if (p->pos + 1 < p->len && p->s[p->pos] == '.' &&
        p->s[p->pos + 1] >= '0' && p->s[p->pos + 1] <= '9') {
        is_float = 1;
        p->pos++;
        while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9') {
            p->pos++;
        }
    }
    if (p->pos < p->len && (p->s[p->pos] == 'e' || p->s[p->pos] == 'E')) {
        size_t save = p->pos;

        p->pos++;
        if (p->pos < p->len && (p->s[p->pos] == '+' || p->s[p->pos] == '-')) {
            p->pos++;
        }
        if (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9') {
            is_float = 1;
            while (p->pos < p->len && p->s[p->pos] >= '0' &&
                   p->s[p->pos] <= '9') {
                p->pos++;
            }
        } else {
            p->pos = save;
        }
    }
    n = p->pos - start;
    if (is_float) {
        if (n >= sizeof(tmp)) {
            n = sizeof(tmp) - 1;
        }
        memcpy(tmp, p->s + start, n);
        tmp[n] = '\0';
        return nr_val_float(strtod(tmp, NULL));
    }
    if (n < 20) {
        memcpy(tmp, p->s + start, n);
        tmp[n] = '\0';
        errno = 0;
        ll = strtoll(tmp, &end, 10);
        if (errno == 0) {
            return nr_val_int(ll);
        }
    }
    v = nr_val_bigint(p->s + start, n);
    return v;
}

static struct nr_val *jp_value(struct jp *p)
{
    struct nr_val *v = NULL;
    struct nr_val *item;
    struct nr_buf key = NR_BUF_INIT((size_t)1 << 30);
    struct nr_buf sb = NR_BUF_INIT((size_t)1 << 30);
    int line, sep;

    jp_ws(p);
    if (p->pos >= p->len) {
        jp_fail(p, "unexpected end of input");
        return NULL;
    }
    if (++p->depth > 512) {
        jp_fail(p, "nesting too deep");
        goto out;
    }
    line = jp_line(p);
    switch (p->s[p->pos]) {
    case '{':
        p->pos++;
        v = nr_val_map();
        if (v == NULL) {
            jp_fail(p, "out of memory");
            goto out;
        }
        jp_ws(p);
        if (p->pos < p->len && p->s[p->pos] == '}') {
            p->pos++;
            break;
        }
        for (;;) {
            jp_ws(p);
            if (p->pos >= p->len || p->s[p->pos] != '"') {
                jp_fail(p, "expected a string key");
                goto fail;
            }
            nr_buf_reset(&key);
            if (jp_string(p, &key) != 0) {
                goto fail;
            }
            jp_ws(p);
            if (p->pos >= p->len || p->s[p->pos] != ':') {
                jp_fail(p, "expected ':'");
                goto fail;
            }
            p->pos++;
            item = jp_value(p);
            if (item == NULL) {
                goto fail;
            }
            if (nr_val_map_set(v, nr_buf_str(&key), key.len, item) != 0) {
                jp_fail(p, "out of memory");
                goto fail;
            }
            sep = jp_next(p, '}');
            if (sep < 0) {
                goto fail;
            }
            if (sep == 0) {
                break;
            }
        }
        break;
    case '[':
        p->pos++;
        v = nr_val_list();
        if (v == NULL) {
            jp_fail(p, "out of memory");
            goto out;
        }
        jp_ws(p);
        if (p->pos < p->len && p->s[p->pos] == ']') {
            p->pos++;
            break;
        }
        for (;;) {
            item = jp_value(p);
            if (item == NULL) {
                goto fail;
            }
            if (nr_val_list_push(v, item) != 0) {
                jp_fail(p, "out of memory");
                goto fail;
            }
            sep = jp_next(p, ']');
            if (sep < 0) {
                goto fail;
            }
            if (sep == 0) {
                break;
            }
        }
        break;
    case '"':
        if (jp_string(p, &sb) != 0) {
            goto out;
        }
        v = nr_val_str(nr_buf_str(&sb), sb.len);
        break;
    default:
        if (jp_lit(p, "true")) {
            v = nr_val_bool(1);
        } else if (jp_lit(p, "false")) {
            v = nr_val_bool(0);
        } else if (jp_lit(p, "null")) {
            v = nr_val_null();
        } else if (jp_lit(p, "NaN")) {
            v = nr_val_float(NAN);
        } else if (jp_lit(p, "Infinity")) {
            v = nr_val_float(INFINITY);
        } else if (p->s[p->pos] == '-' ||
                   (p->s[p->pos] >= '0' && p->s[p->pos] <= '9')) {
            v = jp_number(p);
            if (v == NULL) {
                goto out;
            }
        } else {
            jp_fail(p, "unexpected character");
            goto out;
        }
        break;
    }
    if (v == NULL) {
        jp_fail(p, "out of memory");
        goto out;
    }
    v->line = line;
    goto out;
fail:
    nr_val_free(v);
    v = NULL;
out:
    p->depth--;
    nr_buf_dispose(&key);
    nr_buf_dispose(&sb);
    return v;
}

int nr_json_parse(struct nr_val **out, const char *text, size_t len,
                  const char *name, struct nr_err *err)
{
    struct jp p = { text, len, 0, name, err, 0 };
    struct nr_val *v;

    *out = NULL;
    v = jp_value(&p);
    if (v == NULL) {
        return -1;
    }
    jp_ws(&p);
    if (p.pos != p.len) {
        nr_val_free(v);
        return jp_fail(&p, "extra data after the value");
    }
    *out = v;
    return 0;
}
