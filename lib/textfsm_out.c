/* textfsm_out.c — reading and rendering parsed records, and finding
 * template files on the search path. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "textfsm.h"

#define MAX_OUTPUT ((size_t)1 << 32)

size_t nr_tfsm_records_ncols(const struct nr_tfsm_records *rec)
{
    return rec->ncols;
}

const char *nr_tfsm_records_col(const struct nr_tfsm_records *rec, size_t col)
{
    return col < rec->ncols ? rec->cols[col] : NULL;
}

size_t nr_tfsm_records_nrows(const struct nr_tfsm_records *rec)
{
    return rec->nrows;
}

int nr_tfsm_records_is_list(const struct nr_tfsm_records *rec, size_t row,
                            size_t col, size_t *nitems)
{
    const struct nr_tfsm__cell *c = &rec->rows[row][col];

    *nitems = nr_tfsm__cell_is_list(c) ? nr_tfsm__cell_nitems(c) : 1;
    return nr_tfsm__cell_is_list(c);
}

const char *nr_tfsm_records_get(const struct nr_tfsm_records *rec, size_t row,
                                size_t col, size_t i, size_t *len)
{
    const struct nr_tfsm__cell *c = &rec->rows[row][col];
    struct nr_tfsm__str s = nr_tfsm__cell_is_list(c) ? c->u.items[i]
                                                      : nr_tfsm__cell_str(c);

    *len = s.len;
    return s.p != NULL ? s.p : "";
}

/* ------------------------------------------------------------------ */
/* Rendering                                                           */
/* ------------------------------------------------------------------ */

/* Output is written in place, into room reserved for the longest form
 * a record can take: one reservation per record instead of a call per
 * piece or per character (tens of megabytes for a large input). */

/* a + b, or SIZE_MAX when that overflows: the reservation then fails. */
static size_t add_sat(size_t a, size_t b)
{
    return a > SIZE_MAX - b ? SIZE_MAX : a + b;
}

/* The most n bytes take as a JSON string: quotes, and \u00XX each. */
static size_t json_max(size_t n)
{
    return n > (SIZE_MAX - 2) / 6 ? SIZE_MAX : 6 * n + 2;
}

/* Set len to where the caller's writing ended, and terminate. */
static void buf_end(struct nr_buf *b, char *d)
{
    b->len = (size_t)(d - b->data);
    *d = '\0';
}

/* The letter after the backslash for each byte a JSON string escapes
 * ('u': \u00XX); 0 for those that stand for themselves. */
static const char json_esc[256] = {
    [0x00] = 'u', [0x01] = 'u', [0x02] = 'u', [0x03] = 'u', [0x04] = 'u',
    [0x05] = 'u', [0x06] = 'u', [0x07] = 'u', [0x08] = 'u', [0x09] = 't',
    [0x0a] = 'n', [0x0b] = 'u', [0x0c] = 'u', [0x0d] = 'u', [0x0e] = 'u',
    [0x0f] = 'u', [0x10] = 'u', [0x11] = 'u', [0x12] = 'u', [0x13] = 'u',
    [0x14] = 'u', [0x15] = 'u', [0x16] = 'u', [0x17] = 'u', [0x18] = 'u',
    [0x19] = 'u', [0x1a] = 'u', [0x1b] = 'u', [0x1c] = 'u', [0x1d] = 'u',
    [0x1e] = 'u', [0x1f] = 'u', ['"'] = '"', ['\\'] = '\\',
};

/* p as a JSON string at d (room for json_max(n)); returns its end.
 * Byte by byte: values are mostly short, where a scan and a memcpy
 * call cost more than the copy. */
static char *json_put(char *d, const char *p, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t i;
    unsigned char c;

    *d++ = '"';
    for (i = 0; i < n; i++) {
        c = (unsigned char)p[i];
        if (json_esc[c] == 0) {
            *d++ = (char)c;
            continue;
        }
        *d++ = '\\';
        *d++ = json_esc[c];
        if (json_esc[c] == 'u') {
            memcpy(d, "00", 2);
            d[2] = hex[c >> 4];
            d[3] = hex[c & 15];
            d += 4;
        }
    }
    *d++ = '"';
    return d;
}

static size_t json_cell_max(const struct nr_tfsm__cell *c)
{
    size_t i, n = 2;

    if (!nr_tfsm__cell_is_list(c)) {
        return json_max(c->n);
    }
    for (i = 0; i < nr_tfsm__cell_nitems(c); i++) {
        n = add_sat(n, add_sat(json_max(c->u.items[i].len), 2));
    }
    return n;
}

/* The cell at d (room for json_cell_max); returns the end. */
static char *json_cell_put(char *d, const struct nr_tfsm__cell *c)
{
    size_t i;

    if (!nr_tfsm__cell_is_list(c)) {
        return json_put(d, c->u.p != NULL ? c->u.p : "", c->n);
    }
    *d++ = '[';
    for (i = 0; i < nr_tfsm__cell_nitems(c); i++) {
        if (i > 0) {
            memcpy(d, ", ", 2);
            d += 2;
        }
        d = json_put(d, c->u.items[i].p, c->u.items[i].len);
    }
    *d++ = ']';
    return d;
}

static int json_str(struct nr_buf *b, const char *p, size_t n)
{
    if (nr_buf_reserve(b, json_max(n)) != 0) {
        return -1;
    }
    buf_end(b, json_put(b->data + b->len, p, n));
    return 0;
}

static int json_cell(struct nr_buf *b, const struct nr_tfsm__cell *c)
{
    if (nr_buf_reserve(b, json_cell_max(c)) != 0) {
        return -1;
    }
    buf_end(b, json_cell_put(b->data + b->len, c));
    return 0;
}

static void lower(char *s)
{
    for (; *s != '\0'; s++) {
        if (*s >= 'A' && *s <= 'Z') {
            *s = (char)(*s - 'A' + 'a');
        }
    }
}

/* Keys lower-cased as ntc-templates does; when two columns lower to one
 * key the later value wins in the earlier place, as a Python dict. */
static int key_plan(char ***keys, int **src, const struct nr_tfsm_records *r)
{
    size_t i, j;

    *keys = calloc(r->ncols + 1, sizeof(char *));
    *src = calloc(r->ncols + 1, sizeof(int));
    if (*keys == NULL || *src == NULL) {
        return -1;
    }
    for (i = 0; i < r->ncols; i++) {
        (*keys)[i] = strdup(r->cols[i]);
        if ((*keys)[i] == NULL) {
            return -1;
        }
        lower((*keys)[i]);
        (*src)[i] = (int)i;
        for (j = 0; j < i; j++) {
            if ((*src)[j] >= 0 && strcmp((*keys)[j], (*keys)[i]) == 0) {
                (*src)[j] = (int)i;
                (*src)[i] = -1;
                break;
            }
        }
    }
    return 0;
}

/* Where rendered text goes: a buffer that, when write is set, is
 * handed over in pieces as it fills, so that a large result never
 * exists twice in memory.  Pieces of a megabyte keep the writes few
 * and the buffer in cache. */
struct sink {
    struct nr_buf b;
    int (*write)(const char *p, size_t n, void *payload);
    void *payload;
    int failed;
};

#define SINK_CHUNK ((size_t)1 << 20)

static int sink_flush(struct sink *k, int force)
{
    if (k->write == NULL || k->failed || k->b.len == 0 ||
        (!force && k->b.len < SINK_CHUNK)) {
        return k->failed ? -1 : 0;
    }
    if (k->write(k->b.data, k->b.len, k->payload) != 0) {
        k->failed = 1;
        return -1;
    }
    nr_buf_reset(&k->b);
    return 0;
}

/* Keys are copied KEY_STEP bytes at a time (a fixed size the compiler
 * inlines, where a memcpy call of a few dozen bytes costs more): both
 * the keys and the room reserved for a record have that much slack. */
#define KEY_STEP 32

static char *put_key(char *d, const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i += KEY_STEP) {
        memcpy(d + i, s + i, KEY_STEP);
    }
    return d + n;
}

static int render_json(struct sink *k, const struct nr_tfsm_records *r,
                       int lines)
{
    struct nr_buf *b = &k->b;
    struct nr_buf pre = NR_BUF_INIT(MAX_OUTPUT);
    char **keys = NULL;
    int *src = NULL;
    size_t *at = NULL;
    size_t i, j, need, fixed = 6 + KEY_STEP;
    const struct nr_tfsm__cell *row;
    char *d;
    int rc = -1;

    /* Each key's '"name": ' once, not once per record, with the ", "
     * before it from the second key on. */
    at = calloc(r->ncols + 1, sizeof(*at));
    if (at == NULL || key_plan(&keys, &src, r) != 0) {
        goto out;
    }
    for (j = 0; j < r->ncols; j++) {
        at[j] = pre.len;
        if (src[j] >= 0 &&
            ((pre.len > 0 && nr_buf_add(&pre, ", ", 2) != 0) ||
             json_str(&pre, keys[j], strlen(keys[j])) != 0 ||
             nr_buf_add(&pre, ": ", 2) != 0)) {
            goto out;
        }
    }
    at[r->ncols] = pre.len;
    if (nr_buf_reserve(&pre, KEY_STEP) != 0) {
        goto out;
    }
    memset(pre.data + pre.len, 0, KEY_STEP);
    /* Per record: the keys, "{}", ", " or "\n" between records. */
    fixed += pre.len;
    rc = lines ? 0 : nr_buf_add(b, "[", 1);
    for (i = 0; i < r->nrows && rc == 0; i++) {
        row = r->rows[i];
        need = fixed;
        for (j = 0; j < r->ncols; j++) {
            if (src[j] >= 0) {
                need = add_sat(need, json_cell_max(&row[src[j]]));
            }
        }
        if (nr_buf_reserve(b, need) != 0) {
            rc = -1;
            break;
        }
        d = b->data + b->len;
        if (i > 0 && !lines) {
            memcpy(d, ", ", 2);
            d += 2;
        }
        *d++ = '{';
        for (j = 0; j < r->ncols; j++) {
            if (src[j] >= 0) {
                d = put_key(d, pre.data + at[j], at[j + 1] - at[j]);
                d = json_cell_put(d, &row[src[j]]);
            }
        }
        *d++ = '}';
        if (lines) {
            *d++ = '\n';
        }
        buf_end(b, d);
        rc = sink_flush(k, 0);
    }
    if (!lines && rc == 0) {
        rc = nr_buf_add(b, "]\n", 2);
    }
out:
    for (i = 0; keys != NULL && i < r->ncols; i++) {
        free(keys[i]);
    }
    free(keys);
    free(src);
    free(at);
    nr_buf_dispose(&pre);
    return rc;
}

/* A cell as one piece of text, at *p for *n bytes: a string cell as it
 * is; a list through t, as a JSON array (csv) or joined with ", "
 * (text). */
static int cell_text(struct nr_buf *t, const struct nr_tfsm__cell *c,
                     int for_csv, const char **p, size_t *n)
{
    size_t i;
    int rc = 0;

    if (!nr_tfsm__cell_is_list(c)) {
        *p = c->u.p != NULL ? c->u.p : "";
        *n = c->n;
        return 0;
    }
    nr_buf_reset(t);
    if (for_csv) {
        rc = json_cell(t, c);
    }
    for (i = 0; !for_csv && i < nr_tfsm__cell_nitems(c); i++) {
        if (i > 0) {
            rc |= nr_buf_add(t, ", ", 2);
        }
        rc |= nr_buf_add(t, c->u.items[i].p, c->u.items[i].len);
    }
    *p = nr_buf_str(t);
    *n = t->len;
    return rc;
}

/* A field, after sep (0: none), quoted when it has a separator, a
 * quote or a line break in it, or space at either end: written in place
 * with room for the worst case, byte by byte (fields are short). */
static int csv_field(struct nr_buf *b, char sep, const char *p, size_t n)
{
    size_t i;
    int quote = n > 0 && (p[0] == ' ' || p[n - 1] == ' ');
    char *d;

    for (i = 0; i < n && !quote; i++) {
        quote = p[i] == ',' || p[i] == '"' || p[i] == '\r' || p[i] == '\n';
    }
    if (nr_buf_reserve(b, add_sat(add_sat(n, n), 3)) != 0) {
        return -1;
    }
    d = b->data + b->len;
    if (sep != 0) {
        *d++ = sep;
    }
    if (quote) {
        *d++ = '"';
    }
    for (i = 0; i < n; i++) {
        if (quote && p[i] == '"') {
            *d++ = '"';
        }
        *d++ = p[i];
    }
    if (quote) {
        *d++ = '"';
    }
    buf_end(b, d);
    return 0;
}

static int render_csv(struct sink *k, const struct nr_tfsm_records *r)
{
    struct nr_buf *b = &k->b;
    struct nr_buf t = NR_BUF_INIT(MAX_OUTPUT);
    const char *p;
    size_t i, j, n;
    int rc = 0;

    for (j = 0; j < r->ncols; j++) {
        rc |= csv_field(b, j > 0 ? ',' : 0, r->cols[j], strlen(r->cols[j]));
    }
    rc |= nr_buf_add(b, "\n", 1);
    for (i = 0; i < r->nrows && rc == 0; i++) {
        for (j = 0; j < r->ncols; j++) {
            rc |= cell_text(&t, &r->rows[i][j], 1, &p, &n);
            rc |= csv_field(b, j > 0 ? ',' : 0, p, n);
        }
        rc |= nr_buf_add(b, "\n", 1);
        rc |= sink_flush(k, 0);
    }
    nr_buf_dispose(&t);
    return rc;
}

/* Width in code points, which is what a terminal shows for most text. */
static size_t width(const char *p, size_t n)
{
    size_t w = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        w += ((unsigned char)p[i] & 0xc0) != 0x80;
    }
    return w;
}

static int pad(struct nr_buf *b, size_t n)
{
    if (nr_buf_reserve(b, n) != 0) {
        return -1;
    }
    memset(b->data + b->len, ' ', n);
    buf_end(b, b->data + b->len + n);
    return 0;
}

static int render_text(struct sink *k, const struct nr_tfsm_records *r)
{
    struct nr_buf *b = &k->b;
    struct nr_buf t = NR_BUF_INIT(MAX_OUTPUT);
    size_t *w = NULL;
    const char *p;
    size_t i, j, n, cw;
    int rc = -1;

    w = calloc(r->ncols + 1, sizeof(*w));
    if (w == NULL) {
        goto out;
    }
    for (j = 0; j < r->ncols; j++) {
        w[j] = width(r->cols[j], strlen(r->cols[j]));
    }
    for (i = 0; i < r->nrows; i++) {
        for (j = 0; j < r->ncols; j++) {
            if (cell_text(&t, &r->rows[i][j], 0, &p, &n) != 0) {
                goto out;
            }
            cw = width(p, n);
            w[j] = cw > w[j] ? cw : w[j];
        }
    }
    rc = 0;
    for (i = 0; i <= r->nrows && rc == 0; i++) {
        for (j = 0; j < r->ncols; j++) {
            if (i == 0) {
                p = r->cols[j];
                n = strlen(p);
            } else {
                rc |= cell_text(&t, &r->rows[i - 1][j], 0, &p, &n);
            }
            rc |= nr_buf_add(b, p, n);
            if (j + 1 < r->ncols) {
                rc |= pad(b, w[j] - width(p, n) + 2);
            }
        }
        rc |= nr_buf_add(b, "\n", 1);
        rc |= sink_flush(k, 0);
    }
out:
    free(w);
    nr_buf_dispose(&t);
    return rc;
}

static int render(struct sink *k, const struct nr_tfsm_records *rec,
                  enum nr_tfsm_format fmt, struct nr_err *err)
{
    int r;

    switch (fmt) {
    case NR_TFSM_JSON:
        r = render_json(k, rec, 0);
        break;
    case NR_TFSM_JSONL:
        r = render_json(k, rec, 1);
        break;
    case NR_TFSM_CSV:
        r = render_csv(k, rec);
        break;
    case NR_TFSM_TEXT:
        r = render_text(k, rec);
        break;
    default:
        nr_err_set(err, NR_ERR_USAGE, "format", "unknown output format %d",
                   (int)fmt);
        return -1;
    }
    if (r == 0) {
        r = sink_flush(k, 1);
    }
    if (r != 0 && k->failed) {
        nr_err_set(err, NR_ERR_IO, "format", "write failed");
    } else if (r != 0) {
        nr_err_set(err, NR_ERR_LIMIT, "format", "output too large");
    }
    return r != 0 ? -1 : 0;
}

int nr_tfsm_records_format(char **out, size_t *len,
                           const struct nr_tfsm_records *rec,
                           enum nr_tfsm_format fmt, struct nr_err *err)
{
    struct sink k = { NR_BUF_INIT(MAX_OUTPUT), NULL, NULL, 0 };
    int rc = -1;

    *out = NULL;
    *len = 0;
    if (render(&k, rec, fmt, err) != 0) {
        goto out;
    }
    *len = k.b.len;
    *out = nr_buf_steal(&k.b);
    if (*out == NULL) {
        nr_err_set(err, NR_ERR_LIMIT, "format", "out of memory");
        goto out;
    }
    rc = 0;
out:
    nr_buf_dispose(&k.b);
    return rc;
}

int nr_tfsm_records_write(const struct nr_tfsm_records *rec,
                          enum nr_tfsm_format fmt,
                          int (*write)(const char *p, size_t n,
                                       void *payload),
                          void *payload, struct nr_err *err)
{
    struct sink k = { NR_BUF_INIT(MAX_OUTPUT), write, payload, 0 };
    int rc;

    rc = render(&k, rec, fmt, err);
    nr_buf_dispose(&k.b);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Search path                                                         */
/* ------------------------------------------------------------------ */

void nr_tfsm_dirs_free(char **dirs, size_t n)
{
    size_t i;

    for (i = 0; dirs != NULL && i < n; i++) {
        free(dirs[i]);
    }
    free(dirs);
}

static int push_dir(char ***v, size_t *n, const char *s, size_t len)
{
    void *p = realloc(*v, (*n + 1) * sizeof(char *));

    if (p == NULL) {
        return -1;
    }
    *v = p;
    (*v)[*n] = strndup(s, len);
    if ((*v)[*n] == NULL) {
        return -1;
    }
    (*n)++;
    return 0;
}

int nr_tfsm_dirs(char ***out, size_t *n, const char *const *extra,
                 size_t nextra, struct nr_err *err)
{
    char **v = NULL;
    size_t nv = 0;
    size_t i;
    const char *env = getenv("NETRUN_TEMPLATES");
    const char *p, *e;
    int bad = 0;

    *out = NULL;
    *n = 0;
    for (i = 0; i < nextra; i++) {
        bad |= push_dir(&v, &nv, extra[i], strlen(extra[i]));
    }
    for (p = env; p != NULL && *p != '\0' && !bad; p = *e ? e + 1 : e) {
        e = strchr(p, ':');
        if (e == NULL) {
            e = p + strlen(p);
        }
        if (e > p) {
            bad |= push_dir(&v, &nv, p, (size_t)(e - p));
        }
    }
    if (!bad) {
        bad |= push_dir(&v, &nv, NR_DATADIR "/templates/parse",
                        strlen(NR_DATADIR "/templates/parse"));
    }
    /* Last, the source tree the library was built from, so that tools
     * run from a build tree find the project's templates before (or
     * without) an install.  A missing folder is skipped by the search. */
    if (!bad) {
        bad |= push_dir(&v, &nv, NR_SRCDIR "/templates/parse",
                        strlen(NR_SRCDIR "/templates/parse"));
    }
    if (bad) {
        nr_tfsm_dirs_free(v, nv);
        nr_err_set(err, NR_ERR_LIMIT, "template", "out of memory");
        return -1;
    }
    *out = v;
    *n = nv;
    return 0;
}

static int is_file(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int nr_tfsm_resolve(char **out, const char *spec, const char *const *dirs,
                    size_t n, struct nr_err *err)
{
    struct nr_buf b = NR_BUF_INIT((size_t)1 << 20);
    struct nr_buf path = NR_BUF_INIT(8192);
    const char *p = spec, *e;
    size_t i;
    int found;
    int rc = -1;

    *out = NULL;
    for (;;) {
        e = strchr(p, ':');
        if (e == NULL) {
            e = p + strlen(p);
        }
        nr_buf_reset(&path);
        found = 0;
        if (nr_buf_add(&path, p, (size_t)(e - p)) == 0 &&
            (is_file(nr_buf_str(&path)) || memchr(p, '/', (size_t)(e - p)))) {
            found = 1;
        }
        for (i = 0; i < n && !found; i++) {
            nr_buf_reset(&path);
            if (nr_buf_printf(&path, "%s/%.*s", dirs[i], (int)(e - p), p) ==
                    0 &&
                is_file(nr_buf_str(&path))) {
                found = 1;
            }
        }
        if (!found) {
            nr_err_set(err, NR_ERR_USAGE, "template", "%.*s: no such "
                       "template in the search path", (int)(e - p), p);
            goto out;
        }
        if ((b.len > 0 && nr_buf_addc(&b, ':') != 0) ||
            nr_buf_add(&b, nr_buf_str(&path), path.len) != 0) {
            nr_err_set(err, NR_ERR_LIMIT, "template", "path too long");
            goto out;
        }
        if (*e == '\0') {
            break;
        }
        p = e + 1;
    }
    *out = nr_buf_steal(&b);
    rc = *out != NULL ? 0 : -1;
out:
    nr_buf_dispose(&b);
    nr_buf_dispose(&path);
    return rc;
}
