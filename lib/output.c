/* output.c — result records and their writers (JSON Lines, JSON, CSV,
 * text), one schema for every tool, and atomic file replacement. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "netrun.h"
#include "output.h"
#include "val.h"

/* A record is a value map (insertion order kept) plus the tool's own
 * text rendering. */
struct nr_rec {
    struct nr_val *map;
    char *host;
    struct nr_buf text;     /* kept by a reused record (nr_rec__reset) */
    int has_text;
};

struct nr_out {
    FILE *fp;
    enum nr_out_format fmt;
    char **cols;
    size_t ncols;
    size_t written;
    int header_done;
    int finished;
    int batch;              /* the caller flushes fp, not each record */
    pthread_mutex_t lock;
};

/* No single field of a record may exceed this (device output is bounded
 * far below it by the protocol modules). */
#define REC_MAX ((size_t)1 << 31)

struct nr_rec *nr_rec_new(const char *host)
{
    struct nr_rec *r = calloc(1, sizeof(*r));

    if (r == NULL) {
        return NULL;
    }
    r->text = (struct nr_buf)NR_BUF_INIT(SIZE_MAX);   /* no ceiling */
    r->map = nr_val_map();
    r->host = strdup(host != NULL ? host : "");
    if (r->map == NULL || r->host == NULL ||
        nr_rec_strz(r, "host", r->host) != 0) {
        nr_rec_free(r);
        return NULL;
    }
    return r;
}

void nr_rec_free(struct nr_rec *r)
{
    if (r == NULL) {
        return;
    }
    nr_val_free(r->map);
    free(r->host);
    nr_buf_dispose(&r->text);
    free(r);
}

static int rec_set(struct nr_rec *r, const char *key, struct nr_val *v)
{
    if (v == NULL) {
        return -1;
    }
    return nr_val_map_set(r->map, key, strlen(key), v);
}

int nr_rec_str(struct nr_rec *r, const char *key, const char *s, size_t len)
{
    struct nr_buf b = NR_BUF_INIT(REC_MAX);
    struct nr_val *v;
    int rc = -1;

    if (nr_buf_add_utf8_clean(&b, s != NULL ? s : "", s != NULL ? len : 0)
        != 0) {
        goto out;
    }
    v = nr_val_str(nr_buf_str(&b), b.len);
    rc = rec_set(r, key, v);
out:
    nr_buf_dispose(&b);
    return rc;
}

int nr_rec_strz(struct nr_rec *r, const char *key, const char *s)
{
    return nr_rec_str(r, key, s, s != NULL ? strlen(s) : 0);
}

int nr_rec_int(struct nr_rec *r, const char *key, long long v)
{
    return rec_set(r, key, nr_val_int(v));
}

int nr_rec_u64(struct nr_rec *r, const char *key, uint64_t v)
{
    char digits[32];
    int n;

    if (v <= (uint64_t)LLONG_MAX) {
        return nr_rec_int(r, key, (long long)v);
    }
    n = snprintf(digits, sizeof(digits), "%" PRIu64, v);
    return rec_set(r, key, nr_val_bigint(digits, (size_t)n));
}

int nr_rec_double(struct nr_rec *r, const char *key, double v)
{
    return rec_set(r, key, nr_val_float(v));
}

int nr_rec_bool(struct nr_rec *r, const char *key, int v)
{
    return rec_set(r, key, nr_val_bool(v != 0));
}

int nr_rec_null(struct nr_rec *r, const char *key)
{
    return rec_set(r, key, nr_val_null());
}

int nr_rec_json(struct nr_rec *r, const char *key, const char *json,
                size_t len, struct nr_err *err)
{
    struct nr_val *v = NULL;

    if (nr_json_parse(&v, json, len, key, err) != 0) {
        return -1;
    }
    if (rec_set(r, key, v) != 0) {
        nr_err_set(err, NR_ERR_LIMIT, "output", "out of memory");
        return -1;
    }
    return 0;
}

int nr_rec_push_str(struct nr_rec *r, const char *key, const char *s)
{
    struct nr_val *list = nr_val_map_get(r->map, key);
    struct nr_buf b = NR_BUF_INIT(REC_MAX);
    int rc = -1;

    if (list == NULL || list->t != NR_VT_LIST) {
        list = nr_val_list();
        if (rec_set(r, key, list) != 0) {
            goto out;
        }
    }
    if (nr_buf_add_utf8_clean(&b, s, strlen(s)) != 0) {
        goto out;
    }
    rc = nr_val_list_push(list, nr_val_str(nr_buf_str(&b), b.len));
out:
    nr_buf_dispose(&b);
    return rc;
}

int nr_rec_result(struct nr_rec *r, const struct nr_err *e)
{
    struct nr_val *em = NULL;
    struct nr_buf b = NR_BUF_INIT(4096);
    int rc = -1;

    if (e == NULL || e->kind == NR_OK) {
        return nr_rec_bool(r, "ok", 1);
    }
    if (nr_rec_bool(r, "ok", 0) != 0) {
        goto out;
    }
    em = nr_val_map();
    if (em == NULL) {
        goto out;
    }
    if (nr_val_map_set(em, "kind", 4,
                       nr_val_strz(nr_err_kind_name(e->kind))) != 0) {
        goto out;
    }
    if (e->op[0] != '\0' &&
        nr_val_map_set(em, "op", 2, nr_val_strz(e->op)) != 0) {
        goto out;
    }
    if (nr_buf_add_utf8_clean(&b, e->msg, strlen(e->msg)) != 0 ||
        nr_val_map_set(em, "message", 7,
                       nr_val_str(nr_buf_str(&b), b.len)) != 0) {
        goto out;
    }
    rc = rec_set(r, "error", em);
    em = NULL;
out:
    nr_val_free(em);
    nr_buf_dispose(&b);
    return rc;
}

int nr_rec_text(struct nr_rec *r, const char *text, size_t len)
{
    nr_buf_reset(&r->text);
    if (nr_buf_add(&r->text, text, len) != 0) {
        return -1;
    }
    r->has_text = 1;
    return 0;
}

int nr_rec__reset(struct nr_rec *r, const char *host)
{
    host = host != NULL ? host : "";
    nr_val_map_truncate(r->map, 1);      /* "host" stays */
    r->has_text = 0;
    if (strcmp(r->host, host) != 0) {
        char *h = strdup(host);

        if (h == NULL) {
            return -1;
        }
        free(r->host);
        r->host = h;
        return nr_rec_strz(r, "host", r->host);
    }
    return 0;
}

/* Compact JSON: no spaces, one line, as JSON Lines readers expect. */
static int compact_json(struct nr_buf *b, const struct nr_val *v)
{
    size_t i;

    switch (v->t) {
    case NR_VT_MAP:
        if (nr_buf_addc(b, '{') != 0) {
            return -1;
        }
        for (i = 0; i < v->u.map.n; i++) {
            if ((i > 0 && nr_buf_addc(b, ',') != 0) ||
                nr_json_str(b, v->u.map.keys[i],
                            strlen(v->u.map.keys[i])) != 0 ||
                nr_buf_addc(b, ':') != 0 ||
                compact_json(b, v->u.map.vals[i]) != 0) {
                return -1;
            }
        }
        return nr_buf_addc(b, '}');
    case NR_VT_LIST:
        if (nr_buf_addc(b, '[') != 0) {
            return -1;
        }
        for (i = 0; i < v->u.list.n; i++) {
            if ((i > 0 && nr_buf_addc(b, ',') != 0) ||
                compact_json(b, v->u.list.items[i]) != 0) {
                return -1;
            }
        }
        return nr_buf_addc(b, ']');
    default:
        return nr_val_json(b, v, -1, 0);
    }
}

int nr_rec_to_json(char **out, size_t *len, const struct nr_rec *r,
                   struct nr_err *err)
{
    struct nr_buf b = NR_BUF_INIT(REC_MAX);

    *out = NULL;
    *len = 0;
    if (compact_json(&b, r->map) != 0) {
        nr_buf_dispose(&b);
        nr_err_set(err, NR_ERR_LIMIT, "output", "record too large or out "
                   "of memory");
        return -1;
    }
    *len = b.len;
    *out = nr_buf_steal(&b);
    return 0;
}

int nr_out_format_parse(enum nr_out_format *fmt, const char *name,
                        struct nr_err *err)
{
    static const char *const names[] = { "text", "jsonl", "json", "csv" };

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(name, names[i]) == 0) {
            *fmt = (enum nr_out_format)i;
            return 0;
        }
    }
    nr_err_set(err, NR_ERR_USAGE, "format", "unknown format '%s' (text, "
               "jsonl, json or csv)", name);
    return -1;
}

int nr_out_new(struct nr_out **out, FILE *fp, enum nr_out_format fmt,
               const char *const *columns, size_t ncols, struct nr_err *err)
{
    struct nr_out *o = calloc(1, sizeof(*o));

    *out = NULL;
    if (o == NULL) {
        goto oom;
    }
    o->fp = fp;
    o->fmt = fmt;
    pthread_mutex_init(&o->lock, NULL);
    if (ncols > 0) {
        o->cols = calloc(ncols, sizeof(*o->cols));
        if (o->cols == NULL) {
            goto oom;
        }
        for (size_t i = 0; i < ncols; i++) {
            o->cols[i] = strdup(columns[i]);
            if (o->cols[i] == NULL) {
                o->ncols = i;
                goto oom;
            }
        }
        o->ncols = ncols;
    }
    *out = o;
    return 0;
oom:
    nr_out_free(o);
    nr_err_set(err, NR_ERR_LIMIT, "output", "out of memory");
    return -1;
}

void nr_out_set_flush(struct nr_out *o, int each)
{
    o->batch = !each;
}

void nr_out_free(struct nr_out *o)
{
    if (o == NULL) {
        return;
    }
    for (size_t i = 0; i < o->ncols; i++) {
        free(o->cols[i]);
    }
    free(o->cols);
    pthread_mutex_destroy(&o->lock);
    free(o);
}

static int csv_cell(struct nr_buf *b, const char *s, size_t len)
{
    if (strcspn(s, ",\"\r\n") == len) {
        return nr_buf_add(b, s, len);
    }
    if (nr_buf_addc(b, '"') != 0) {
        return -1;
    }
    for (size_t i = 0; i < len; i++) {
        if ((s[i] == '"' && nr_buf_addc(b, '"') != 0) ||
            nr_buf_addc(b, s[i]) != 0) {
            return -1;
        }
    }
    return nr_buf_addc(b, '"');
}

/* Follow "a.b.c" through nested maps. */
static const struct nr_val *lookup_path(const struct nr_val *v,
                                        const char *path)
{
    char key[128];

    while (v != NULL && *path != '\0') {
        size_t n = strcspn(path, ".");

        if (v->t != NR_VT_MAP || n >= sizeof(key)) {
            return NULL;
        }
        memcpy(key, path, n);
        key[n] = '\0';
        v = nr_val_map_get(v, key);
        path += n + (path[n] == '.');
    }
    return v;
}

static int csv_row(struct nr_out *o, struct nr_buf *b, const struct nr_rec *r)
{
    struct nr_buf cell = NR_BUF_INIT(REC_MAX);
    int rc = -1;

    for (size_t i = 0; i < o->ncols; i++) {
        const struct nr_val *v = lookup_path(r->map, o->cols[i]);

        nr_buf_reset(&cell);
        if (i > 0 && nr_buf_addc(b, ',') != 0) {
            goto out;
        }
        if (v == NULL || v->t == NR_VT_NULL) {
            continue;
        }
        if (v->t == NR_VT_STR) {
            if (csv_cell(b, v->u.str.s, v->u.str.len) != 0) {
                goto out;
            }
            continue;
        }
        if (compact_json(&cell, v) != 0 ||
            csv_cell(b, nr_buf_str(&cell), cell.len) != 0) {
            goto out;
        }
    }
    rc = nr_buf_add(b, "\r\n", 2);
out:
    nr_buf_dispose(&cell);
    return rc;
}

static int text_default(struct nr_buf *b, const struct nr_rec *r)
{
    struct nr_buf cell = NR_BUF_INIT(REC_MAX);
    int rc = -1;

    if (nr_buf_printf(b, "%s:", r->host) != 0) {
        goto out;
    }
    for (size_t i = 0; i < r->map->u.map.n; i++) {
        const struct nr_val *v = r->map->u.map.vals[i];

        if (strcmp(r->map->u.map.keys[i], "host") == 0) {
            continue;
        }
        nr_buf_reset(&cell);
        if (nr_buf_printf(b, " %s=", r->map->u.map.keys[i]) != 0) {
            goto out;
        }
        if (v->t == NR_VT_STR) {
            if (nr_buf_add(b, v->u.str.s, v->u.str.len) != 0) {
                goto out;
            }
        } else if (compact_json(&cell, v) != 0 ||
                   nr_buf_add(b, cell.data, cell.len) != 0) {
            goto out;
        }
    }
    rc = nr_buf_addc(b, '\n');
out:
    nr_buf_dispose(&cell);
    return rc;
}

static int put(struct nr_out *o, const char *s, size_t len,
               struct nr_err *err)
{
    if ((len > 0 && fwrite(s, 1, len, o->fp) != len) ||
        (!o->batch && fflush(o->fp) != 0)) {
        int e = errno;

        nr_err_set(err, NR_ERR_IO, "output", "write: %s", strerror(e));
        errno = e;
        return -1;
    }
    return 0;
}

/* Called with the lock held, once, before the first row (or at finish
 * when there was none, so an empty result is still a valid CSV). */
static int csv_header(struct nr_out *o, struct nr_err *err)
{
    struct nr_buf h = NR_BUF_INIT(1 << 20);
    int rc = 0;

    for (size_t i = 0; i < o->ncols && rc == 0; i++) {
        if ((i > 0 && nr_buf_addc(&h, ',') != 0) ||
            csv_cell(&h, o->cols[i], strlen(o->cols[i])) != 0) {
            rc = -1;
        }
    }
    if (rc == 0 && nr_buf_add(&h, "\r\n", 2) != 0) {
        rc = -1;
    }
    if (rc != 0) {
        nr_err_set(err, NR_ERR_LIMIT, "output", "CSV header too large");
    } else {
        rc = put(o, h.data, h.len, err);
    }
    nr_buf_dispose(&h);
    o->header_done = 1;
    return rc;
}

int nr_out_write(struct nr_out *o, const struct nr_rec *r, struct nr_err *err)
{
    struct nr_buf b = NR_BUF_INIT(REC_MAX);
    const struct nr_buf *line = &b;     /* what goes out */
    int rc = -1, built = -1;

    switch (o->fmt) {
    case NR_OUT_JSONL:
        built = compact_json(&b, r->map) == 0 && nr_buf_addc(&b, '\n') == 0
                    ? 0 : -1;
        break;
    case NR_OUT_JSON:
        built = compact_json(&b, r->map);
        break;
    case NR_OUT_CSV:
        built = csv_row(o, &b, r);
        break;
    case NR_OUT_TEXT:
        /* the record's own text goes out as it is, not copied */
        if (r->has_text) {
            line = &r->text;
            built = 0;
        } else {
            built = text_default(&b, r);
        }
        break;
    }
    if (built != 0) {
        nr_err_set(err, NR_ERR_LIMIT, "output", "record too large or out of "
                   "memory");
        goto done;
    }
    pthread_mutex_lock(&o->lock);
    rc = 0;
    if (o->fmt == NR_OUT_CSV && !o->header_done) {
        rc = csv_header(o, err);
    }
    if (rc == 0 && o->fmt == NR_OUT_JSON) {
        rc = put(o, o->written == 0 ? "[\n" : ",\n", 2, err);
    }
    if (rc == 0) {
        rc = put(o, line->data, line->len, err);
    }
    if (rc == 0) {
        o->written++;
    }
    pthread_mutex_unlock(&o->lock);
done:
    nr_buf_dispose(&b);
    return rc;
}

int nr_out_finish(struct nr_out *o, struct nr_err *err)
{
    int rc = 0;

    pthread_mutex_lock(&o->lock);
    if (!o->finished) {
        o->finished = 1;
        o->batch = 0;       /* the last put flushes, whoever flushed before */
        if (o->fmt == NR_OUT_JSON) {
            rc = o->written == 0 ? put(o, "[]\n", 3, err)
                                 : put(o, "\n]\n", 3, err);
        } else if (o->fmt == NR_OUT_CSV && !o->header_done) {
            rc = csv_header(o, err);
        } else {
            rc = put(o, "", 0, err);
        }
    }
    pthread_mutex_unlock(&o->lock);
    return rc;
}

int nr_file_replace(const char *path, const void *data, size_t len,
                    unsigned mode, struct nr_err *err)
{
    char *tmp = NULL, *dir = NULL;
    const char *slash;
    size_t plen = strlen(path);
    int fd = -1, dfd = -1, rc = -1, made = 0;
    size_t off = 0;

    tmp = malloc(plen + 32);
    dir = malloc(plen + 2);
    if (tmp == NULL || dir == NULL) {
        nr_err_set(err, NR_ERR_LIMIT, "write", "out of memory");
        goto out;
    }
    /* A dot-name in the same folder: rename(2) is atomic only within one
     * file system, and hidden names keep globs of the folder clean. */
    slash = strrchr(path, '/');
    if (slash != NULL) {
        memcpy(dir, path, (size_t)(slash - path) + 1);
        dir[slash - path + 1] = '\0';
        snprintf(tmp, plen + 32, "%s.%s.XXXXXX", dir, slash + 1);
    } else {
        snprintf(dir, plen + 2, "./");
        snprintf(tmp, plen + 32, ".%s.XXXXXX", path);
    }
    fd = mkstemp(tmp);
    if (fd < 0) {
        nr_err_set(err, NR_ERR_IO, "write", "%s: %s", path, strerror(errno));
        goto out;
    }
    made = 1;
    while (off < len) {
        ssize_t n = write(fd, (const char *)data + off, len - off);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            nr_err_set(err, NR_ERR_IO, "write", "%s: %s", path,
                       n < 0 ? strerror(errno) : "short write");
            goto out;
        }
        off += (size_t)n;
    }
    if (fchmod(fd, (mode_t)mode) != 0 || fsync(fd) != 0) {
        nr_err_set(err, NR_ERR_IO, "write", "%s: %s", path, strerror(errno));
        goto out;
    }
    if (close(fd) != 0) {
        fd = -1;
        nr_err_set(err, NR_ERR_IO, "write", "%s: %s", path, strerror(errno));
        goto out;
    }
    fd = -1;
    if (rename(tmp, path) != 0) {
        nr_err_set(err, NR_ERR_IO, "write", "%s: %s", path, strerror(errno));
        goto out;
    }
    tmp[0] = '\0';  /* renamed: nothing to remove */
    /* The rename is durable only once the folder is on disk too. */
    dfd = open(dir, O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
        (void)fsync(dfd);
    }
    rc = 0;
out:
    if (fd >= 0) {
        close(fd);
    }
    if (dfd >= 0) {
        close(dfd);
    }
    if (made && tmp[0] != '\0' && rc != 0) {
        unlink(tmp);
    }
    free(tmp);
    free(dir);
    return rc;
}
