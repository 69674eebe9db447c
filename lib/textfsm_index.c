/* textfsm_index.c — ntc-templates index files: which template parses
 * which command on which platform.  Read the way textfsm's CliTable
 * reads them: a CSV header, '#' comment lines, rows of the wrong width
 * silently dropped, "[[abc]]" expanded to an optional-suffix regex, and
 * every non-Template cell a Python regex matched at the start. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "textfsm.h"

#define MAX_INDEX_BYTES ((size_t)16 << 20)

struct row {
    char *tpl;
    struct nr_tfsm__re **re;   /* per column, NULL for empty/Template */
    unsigned line;
};

struct nr_tfsm_index {
    char *dir;
    char *file;
    char **cols;
    size_t ncols;
    int c_tpl, c_platform, c_command;
    struct row *rows;
    size_t nrows;
};

void nr_tfsm_index_free(struct nr_tfsm_index *idx)
{
    size_t i, j;

    if (idx == NULL) {
        return;
    }
    for (i = 0; i < idx->nrows; i++) {
        for (j = 0; j < idx->ncols; j++) {
            nr_tfsm__re_put(idx->rows[i].re[j]);
        }
        free(idx->rows[i].re);
        free(idx->rows[i].tpl);
    }
    free(idx->rows);
    for (i = 0; i < idx->ncols; i++) {
        free(idx->cols[i]);
    }
    free(idx->cols);
    free(idx->dir);
    free(idx->file);
    free(idx);
}

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
           c == '\f' || (c >= 0x1c && c <= 0x1f);
}

static void trim(const char **s, size_t *n)
{
    while (*n > 0 && is_space((unsigned char)(*s)[0])) {
        (*s)++;
        (*n)--;
    }
    while (*n > 0 && is_space((unsigned char)(*s)[*n - 1])) {
        (*n)--;
    }
}

/* Split s on ',' into trimmed fields; returns the count (all fields are
 * counted even past max). */
static size_t split(const char *s, size_t n, const char **f, size_t *fl,
                    size_t max)
{
    size_t k = 0;
    size_t st = 0, i;

    for (i = 0; i <= n; i++) {
        if (i == n || s[i] == ',') {
            if (k < max) {
                f[k] = s + st;
                fl[k] = i - st;
                trim(&f[k], &fl[k]);
            }
            k++;
            st = i + 1;
        }
    }
    return k;
}

/* "sh[[ow]]" -> "sh(o(w)?)?": each code point opens a group. */
static int expand(struct nr_buf *out, const char *s, size_t n)
{
    size_t i = 0, j, k, cps;
    int rc = 0;

    while (i < n) {
        const char *close = NULL;
        if (i + 2 < n && s[i] == '[' && s[i + 1] == '[') {
            for (j = i + 3; j + 1 < n; j++) {
                if (s[j] == ']' && s[j + 1] == ']') {
                    close = s + j;
                    break;
                }
            }
        }
        if (close == NULL) {
            rc |= nr_buf_addc(out, s[i++]);
            continue;
        }
        cps = 0;
        for (k = i + 2; s + k < close;) {
            size_t cl = 1;
            while (s + k + cl < close &&
                   ((unsigned char)s[k + cl] & 0xc0) == 0x80) {
                cl++;
            }
            rc |= nr_buf_addc(out, '(');
            rc |= nr_buf_add(out, s + k, cl);
            k += cl;
            cps++;
        }
        while (cps-- > 0) {
            rc |= nr_buf_adds(out, ")?");
        }
        i = (size_t)(close - s) + 2;
    }
    return rc | nr_buf_add(out, "", 0);
}

static int col_named(const struct nr_tfsm_index *idx, const char *name)
{
    size_t i;

    for (i = 0; i < idx->ncols; i++) {
        if (strcmp(idx->cols[i], name) == 0) {
            return (int)i;
        }
    }
    return -1;
}

static int add_row(struct nr_tfsm_index *idx, const char **f,
                   const size_t *fl, unsigned line, struct nr_err *err)
{
    struct nr_buf pat = NR_BUF_INIT((size_t)1 << 20);
    struct nr_tfsm__names nm = { NULL, 0, 0, 0, 0 };
    struct row *r;
    char why[300];
    size_t j;
    void *p;
    int rc = -1;

    p = realloc(idx->rows, (idx->nrows + 1) * sizeof(*idx->rows));
    if (p == NULL) {
        goto oom;
    }
    idx->rows = p;
    r = &idx->rows[idx->nrows];
    memset(r, 0, sizeof(*r));
    r->line = line;
    r->re = calloc(idx->ncols, sizeof(*r->re));
    r->tpl = strndup(f[idx->c_tpl], fl[idx->c_tpl]);
    idx->nrows++;
    if (r->re == NULL || r->tpl == NULL) {
        goto oom;
    }
    for (j = 0; j < idx->ncols; j++) {
        if ((int)j == idx->c_tpl || fl[j] == 0) {
            continue;
        }
        nr_buf_reset(&pat);
        if ((int)j == idx->c_command ? expand(&pat, f[j], fl[j]) != 0
                                     : nr_buf_add(&pat, f[j], fl[j]) != 0) {
            goto oom;
        }
        nr_tfsm__names_dispose(&nm);
        if (nr_tfsm__re_get(&r->re[j], nr_buf_str(&pat), pat.len, &nm, 1,
                            NULL, why, sizeof(why)) != 0) {
            nr_err_set(err, NR_ERR_USAGE, "index", "%s:%u: %s: %s",
                       idx->file, line, idx->cols[j], why);
            goto out;
        }
    }
    rc = 0;
    goto out;
oom:
    nr_err_set(err, NR_ERR_LIMIT, "index", "%s: out of memory", idx->file);
out:
    nr_tfsm__names_dispose(&nm);
    nr_buf_dispose(&pat);
    return rc;
}

static int parse_index(struct nr_tfsm_index *idx, const char *s, size_t n,
                       struct nr_err *err)
{
    const char **f = NULL;
    size_t *fl = NULL;
    size_t pos = 0, st, end, len, k, nf;
    unsigned line = 0;
    int have_header = 0;
    int rc = -1;

    while (pos < n) {
        st = pos;
        while (pos < n && s[pos] != '\n' && s[pos] != '\r') {
            pos++;
        }
        end = pos;
        if (pos < n) {
            pos += (s[pos] == '\r' && pos + 1 < n && s[pos + 1] == '\n') ? 2
                                                                          : 1;
        }
        line++;
        if (!have_header) {
            const char *h = s + st;
            const char *hash = memchr(h, '#', end - st);
            len = hash != NULL ? (size_t)(hash - h) : end - st;
            trim(&h, &len);
            if (len == 0) {
                continue;
            }
            nf = split(h, len, NULL, NULL, 0);
            f = calloc(nf, sizeof(*f));
            fl = calloc(nf, sizeof(*fl));
            idx->cols = calloc(nf, sizeof(char *));
            if (f == NULL || fl == NULL || idx->cols == NULL) {
                goto oom;
            }
            split(h, len, f, fl, nf);
            for (k = 0; k < nf; k++) {
                idx->cols[k] = strndup(f[k], fl[k]);
                if (idx->cols[k] == NULL) {
                    goto oom;
                }
                idx->ncols = k + 1;
                if (col_named(idx, idx->cols[k]) != (int)k) {
                    nr_err_set(err, NR_ERR_USAGE, "index", "%s:%u: duplicate "
                               "column '%s'", idx->file, line, idx->cols[k]);
                    goto out;
                }
            }
            idx->c_tpl = col_named(idx, "Template");
            idx->c_platform = col_named(idx, "Platform");
            idx->c_command = col_named(idx, "Command");
            if (idx->c_tpl < 0) {
                nr_err_set(err, NR_ERR_USAGE, "index", "%s:%u: no 'Template' "
                           "column", idx->file, line);
                goto out;
            }
            have_header = 1;
            continue;
        }
        if (end > st && s[st] == '#') {
            continue;
        }
        if (split(s + st, end - st, f, fl, idx->ncols) != idx->ncols) {
            continue;
        }
        if (add_row(idx, f, fl, line, err) != 0) {
            goto out;
        }
    }
    if (!have_header) {
        nr_err_set(err, NR_ERR_USAGE, "index", "%s: no header line",
                   idx->file);
        goto out;
    }
    rc = 0;
    goto out;
oom:
    nr_err_set(err, NR_ERR_LIMIT, "index", "%s: out of memory", idx->file);
out:
    free(f);
    free(fl);
    return rc;
}

int nr_tfsm_index_load(struct nr_tfsm_index **out, const char *path,
                       struct nr_err *err)
{
    struct nr_tfsm_index *idx = NULL;
    struct nr_buf b = NR_BUF_INIT(MAX_INDEX_BYTES);
    const char *slash;
    int rc = -1;

    *out = NULL;
    idx = calloc(1, sizeof(*idx));
    if (idx == NULL || (idx->file = strdup(path)) == NULL) {
        nr_err_set(err, NR_ERR_LIMIT, "index", "out of memory");
        goto out;
    }
    slash = strrchr(path, '/');
    idx->dir = slash != NULL ? strndup(path, (size_t)(slash - path + 1))
                             : strdup("");
    if (idx->dir == NULL) {
        nr_err_set(err, NR_ERR_LIMIT, "index", "out of memory");
        goto out;
    }
    if (nr_tfsm__slurp(&b, path, err) != 0) {
        err->kind = NR_ERR_USAGE;
        goto out;
    }
    if (parse_index(idx, nr_buf_str(&b), b.len, err) != 0) {
        goto out;
    }
    *out = idx;
    idx = NULL;
    rc = 0;
out:
    nr_buf_dispose(&b);
    nr_tfsm_index_free(idx);
    return rc;
}

static int cell_matches(struct nr_tfsm__re *re, const char *s,
                        pcre2_match_data *md, pcre2_match_context *mc)
{
    if (re == NULL || s == NULL) {
        return 1;
    }
    return nr_tfsm__re_match(re, s, strlen(s), 0, 0, 0, md, mc) >= 0;
}

int nr_tfsm_index_find(char **out, const struct nr_tfsm_index *idx,
                       const char *platform, const char *command,
                       struct nr_err *err)
{
    struct nr_buf b = NR_BUF_INIT((size_t)1 << 20);
    pcre2_match_data *md = NULL;
    pcre2_match_context *mc = NULL;
    const struct row *r = NULL;
    const char *p, *e;
    size_t i;
    int rc = -1;

    *out = NULL;
    md = pcre2_match_data_create(64, NULL);
    mc = pcre2_match_context_create(NULL);
    if (md == NULL || mc == NULL) {
        nr_err_set(err, NR_ERR_LIMIT, "index", "out of memory");
        goto out;
    }
    for (i = 0; i < idx->nrows && r == NULL; i++) {
        const struct row *c = &idx->rows[i];
        if ((idx->c_platform < 0 ||
             cell_matches(c->re[idx->c_platform], platform, md, mc)) &&
            (idx->c_command < 0 ||
             cell_matches(c->re[idx->c_command], command, md, mc))) {
            r = c;
        }
    }
    if (r == NULL) {
        nr_err_set(err, NR_ERR_USAGE, "index", "%s: no template for "
                   "platform '%s' and command '%s'", idx->file,
                   platform != NULL ? platform : "",
                   command != NULL ? command : "");
        goto out;
    }
    for (p = r->tpl;; p = e + 1) {
        e = strchr(p, ':');
        if (e == NULL) {
            e = p + strlen(p);
        }
        if ((b.len > 0 && nr_buf_addc(&b, ':') != 0) ||
            nr_buf_printf(&b, "%s%.*s", idx->dir, (int)(e - p), p) != 0) {
            nr_err_set(err, NR_ERR_LIMIT, "index", "path too long");
            goto out;
        }
        if (*e == '\0') {
            break;
        }
    }
    *out = nr_buf_steal(&b);
    rc = *out != NULL ? 0 : -1;
out:
    pcre2_match_data_free(md);
    pcre2_match_context_free(mc);
    nr_buf_dispose(&b);
    return rc;
}

int nr_tfsm_select(char **out, const char *const *dirs, size_t n,
                   const char *platform, const char *command,
                   struct nr_err *err)
{
    struct nr_buf path = NR_BUF_INIT(8192);
    struct nr_tfsm_index *idx = NULL;
    FILE *fp;
    size_t i;
    int rc = -1;

    *out = NULL;
    nr_err_set(err, NR_ERR_USAGE, "index", "no index file in the template "
               "search path");
    for (i = 0; i < n && rc != 0; i++) {
        nr_buf_reset(&path);
        if (nr_buf_printf(&path, "%s/index", dirs[i]) != 0) {
            continue;
        }
        fp = fopen(nr_buf_str(&path), "r");
        if (fp == NULL) {
            continue;
        }
        fclose(fp);
        if (nr_tfsm_index_load(&idx, nr_buf_str(&path), err) != 0) {
            break;
        }
        rc = nr_tfsm_index_find(out, idx, platform, command, err);
        nr_tfsm_index_free(idx);
        idx = NULL;
    }
    nr_buf_dispose(&path);
    return rc;
}
