/* textfsm_run.c — running compiled templates over text: the state
 * machine, record emission as the reference does it, and CliTable's
 * merge of several templates' tables on their Key columns. */
#define _GNU_SOURCE /* memmem */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "textfsm.h"

/* ------------------------------------------------------------------ */
/* Input lines                                                         */
/* ------------------------------------------------------------------ */

/* Length of the valid UTF-8 sequence at p, or 0. */
static size_t utf8_len(const unsigned char *p, size_t left)
{
    unsigned char c = p[0];
    size_t n, k;
    unsigned long cp;

    if (c < 0x80) {
        return 1;
    }
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
        cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (left < n) {
        return 0;
    }
    for (k = 1; k < n; k++) {
        if ((p[k] & 0xc0) != 0x80) {
            return 0;
        }
        cp = (cp << 6) | (p[k] & 0x3f);
    }
    if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
        (n == 4 && (cp < 0x10000 || cp > 0x10ffff))) {
        return 0;
    }
    return n;
}

/* Does a line break start at p?  Sets *skip to its length. */
static int line_break(const unsigned char *p, size_t left, size_t *skip)
{
    unsigned char c = p[0];

    *skip = 1;
    if (c == '\n' || c == 0x0b || c == 0x0c || c == 0x1c || c == 0x1d ||
        c == 0x1e) {
        return 1;
    }
    if (c == '\r') {
        *skip = left > 1 && p[1] == '\n' ? 2 : 1;
        return 1;
    }
    if (c == 0xc2 && left > 1 && p[1] == 0x85) {
        *skip = 2;
        return 1;
    }
    if (c == 0xe2 && left > 2 && p[1] == 0x80 &&
        (p[2] == 0xa8 || p[2] == 0xa9)) {
        *skip = 3;
        return 1;
    }
    return 0;
}

int nr_tfsm__lines_in(struct nr_tfsm__str **lines, size_t *linecap,
                      size_t *n, const char *in, size_t len)
{
    const unsigned char *p = (const unsigned char *)in;
    const uint64_t ones = 0x0101010101010101u;
    struct nr_tfsm__str *ls = NULL;
    size_t nl = 0, cap = 0, i = 0, st, skip, k;
    uint64_t w;
    void *tmp;
    int rc = -1;

    *lines = NULL;
    *n = 0;
    while (i < len) {
        st = i;
        skip = 0;
        while (i < len) {
#ifdef __SSE2__
            /* Sixteen bytes at a time (SSE2 is part of x86-64): compared
             * as signed, bytes 0x80 and up are negative, so one compare
             * finds control and non-ASCII bytes alike, and the scan
             * stops right at the first.  Measured on 8 MiB of output:
             * this loop took 7 ms at eight bytes a time. */
            while (len - i >= 16) {
                __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
                int m = _mm_movemask_epi8(_mm_cmplt_epi8(v, _mm_set1_epi8(0x20)));

                if (m != 0) {
                    i += (size_t)__builtin_ctz((unsigned)m);
                    break;
                }
                i += 16;
            }
#endif
            /* Eight bytes at a time while all are printable ASCII: no
             * byte under 0x20 (the subtraction borrows) or over 0x7f. */
            while (len - i >= 8) {
                memcpy(&w, p + i, 8);
                if ((((w - ones * 0x20) | w) & ones * 0x80) != 0) {
                    break;
                }
                i += 8;
            }
            if (i == len) {
                break;
            }
            if (p[i] >= 0x20 && p[i] < 0x80) {
                i++;
                continue;
            }
            if (line_break(p + i, len - i, &skip)) {
                break;
            }
            k = utf8_len(p + i, len - i);
            if (k == 0) {
                rc = 1;
                goto out;
            }
            i += k;
        }
        if (nl == cap) {
            if (ls == NULL) {
                /* Usually enough: a line is rarely under 16 bytes on
                 * average. */
                ls = nr_tfsm__block_get((len / 16 + 64) * sizeof(*ls), &cap);
                cap /= sizeof(*ls);
                if (ls == NULL) {
                    goto out;
                }
            } else {
                cap *= 2;
                tmp = realloc(ls, cap * sizeof(*ls));
                if (tmp == NULL) {
                    goto out;
                }
                ls = tmp;
            }
        }
        ls[nl].p = in + st;
        ls[nl].len = i - st;
        nl++;
        i += skip;
    }
    *lines = ls;
    if (linecap != NULL) {
        *linecap = cap * sizeof(*ls);
    }
    *n = nl;
    ls = NULL;
    rc = 0;
out:
    free(ls);
    return rc;
}

/* in with each byte that is not part of valid UTF-8 replaced by U+FFFD,
 * into b (which has room for len bytes already). */
static int valid_utf8(struct nr_buf *b, const char *in, size_t len)
{
    const unsigned char *p = (const unsigned char *)in;
    size_t i = 0, k;

    while (i < len) {
        /* Plain ASCII runs are copied whole. */
        k = i;
        while (k < len && p[k] < 0x80) {
            k++;
        }
        if (k > i) {
            if (nr_buf_add(b, p + i, k - i) != 0) {
                return -1;
            }
            i = k;
            continue;
        }
        k = utf8_len(p + i, len - i);
        if (k == 0) {
            if (nr_buf_add(b, "\xef\xbf\xbd", 3) != 0) {
                return -1;
            }
            i++;
            continue;
        }
        if (nr_buf_add(b, p + i, k) != 0) {
            return -1;
        }
        i += k;
    }
    return 0;
}

int nr_tfsm__lines(char **text, size_t *textcap, struct nr_tfsm__str **lines,
                   size_t *linecap, size_t *n, const char *in, size_t len)
{
    struct nr_buf b = NR_BUF_INIT(len * 3 + 16);
    size_t k;
    int r, rc = -1;

    *text = NULL;
    /* Room for valid UTF-8 up front: growing a large buffer costs more
     * than the copy. */
    b.data = nr_tfsm__block_get(len + 1, &b.cap);
    if (b.data == NULL) {
        goto out;
    }
    b.data[0] = '\0';
    r = nr_tfsm__lines_in(lines, linecap, n, in, len);
    if (r == 0) {
        /* The lines found in the input move to its copy. */
        memcpy(b.data, in, len);
        b.data[len] = '\0';
        b.len = len;
        for (k = 0; k < *n; k++) {
            (*lines)[k].p = b.data + ((*lines)[k].p - in);
        }
    } else if (r < 0 || valid_utf8(&b, in, len) != 0 ||
               nr_tfsm__lines_in(lines, linecap, n, b.data, b.len) != 0) {
        goto out;
    }
    if (textcap != NULL) {
        *textcap = b.cap;
    }
    *text = nr_buf_steal(&b);
    rc = 0;
out:
    nr_buf_dispose(&b);
    return rc;
}

/* ------------------------------------------------------------------ */
/* The state machine                                                   */
/* ------------------------------------------------------------------ */

enum { V_NONE, V_STR, V_LIST };

struct vstate {
    int kind;
    struct nr_tfsm__str s;
    struct nr_tfsm__str *items;  /* V_LIST snapshot */
    size_t nitems;
    int fd_set;                  /* Filldown's remembered value */
    struct nr_tfsm__str fd;
    struct nr_tfsm__str *acc;    /* List's accumulated items */
    size_t nacc;
    size_t capacc;
};

struct table {
    size_t ncols;
    struct nr_tfsm__cell **rows;
    size_t nrows;
    size_t cap;
};

struct run {
    const struct nr_tfsm__tpl *t;
    struct vstate *v;
    struct table *tab;
    struct nr_tfsm__arena *arena;
    pcre2_match_data *md;
    pcre2_match_context *mc;
    size_t ahead;                /* calls of this rule expected */
    size_t left;                 /* lines after the current one */
    int ascii;                   /* the line is ASCII alone (-1: not known) */
    unsigned *calls;             /* per rule, in this run */
    size_t nlines;
    struct nr_err *err;
    struct disp **disp;          /* per state, once it has seen lines */
    size_t *seen;                /* lines per state so far */
};

static const struct nr_tfsm__str none_str = { "None", 4 };

static int oom(struct run *r)
{
    nr_err_set(r->err, NR_ERR_LIMIT, "parse", "out of memory");
    return -1;
}

static void clear_var(struct run *r, size_t i)
{
    struct vstate *v = &r->v[i];

    v->kind = V_NONE;
    if (r->t->values[i].has_filldown) {
        if (v->fd_set) {
            v->kind = V_STR;
            v->s = v->fd;
        }
    } else if (r->t->values[i].has_list) {
        v->nacc = 0;
    }
}

static void clear_record(struct run *r)
{
    size_t i;

    for (i = 0; i < r->t->nvalues; i++) {
        clear_var(r, i);
    }
}

static void clear_all(struct run *r)
{
    size_t i;

    for (i = 0; i < r->t->nvalues; i++) {
        r->v[i].kind = V_NONE;
        r->v[i].fd_set = 0;
        r->v[i].nacc = 0;
    }
}

static int truthy_cell(const struct nr_tfsm__cell *c)
{
    return nr_tfsm__cell_nitems(c) > 0;
}

static int truthy_var(const struct vstate *v)
{
    return v->kind == V_STR ? v->s.len > 0
                            : v->kind == V_LIST ? v->nitems > 0 : 0;
}

/* Python's repr() of a str, as str(dict) shows it. */
static int repr_str(struct nr_buf *b, const struct nr_tfsm__str *s)
{
    char q = '\'';
    size_t i;
    unsigned char c;
    int rc = 0;

    if (memchr(s->p, '\'', s->len) != NULL &&
        memchr(s->p, '"', s->len) == NULL) {
        q = '"';
    }
    rc |= nr_buf_addc(b, q);
    for (i = 0; i < s->len; i++) {
        c = (unsigned char)s->p[i];
        if (c == '\\' || c == (unsigned char)q) {
            rc |= nr_buf_addc(b, '\\');
            rc |= nr_buf_addc(b, (char)c);
        } else if (c == '\n') {
            rc |= nr_buf_adds(b, "\\n");
        } else if (c == '\r') {
            rc |= nr_buf_adds(b, "\\r");
        } else if (c == '\t') {
            rc |= nr_buf_adds(b, "\\t");
        } else if (c < 0x20 || c == 0x7f) {
            rc |= nr_buf_printf(b, "\\x%02x", c);
        } else {
            rc |= nr_buf_addc(b, (char)c);
        }
    }
    rc |= nr_buf_addc(b, q);
    return rc;
}

/* A List value whose regex has named groups appends str(groupdict()). */
static int nested_item(struct run *r, const struct nr_tfsm__value *val,
                       const struct nr_tfsm__str *s, struct nr_tfsm__str *item,
                       int *used)
{
    struct nr_buf b = NR_BUF_INIT((size_t)1 << 30);
    pcre2_match_data *md = NULL;
    PCRE2_SIZE *ov;
    struct nr_tfsm__str g;
    char *dst;
    size_t k;
    int m;
    int rc = -1;

    *used = 0;
    md = nr_tfsm__md_get(val->nested->ngroups + 1);
    if (md == NULL) {
        rc = oom(r);
        goto out;
    }
    /* s lies in the line just matched, whose r->ascii is known. */
    m = nr_tfsm__re_match(val->nested, s->p, s->len, r->ahead, r->left,
                          r->ascii > 0, md, r->mc);
    if (m <= 0) {
        rc = 0;
        goto out;
    }
    ov = pcre2_get_ovector_pointer(md);
    if (nr_buf_addc(&b, '{') != 0) {
        rc = oom(r);
        goto out;
    }
    for (k = 0; k < val->nnested; k++) {
        struct nr_tfsm__str nm = { val->nested_names[k],
                                   strlen(val->nested_names[k]) };
        uint32_t gi = val->nested_groups[k];
        int bad = (k > 0 && nr_buf_adds(&b, ", ") != 0) ||
                  repr_str(&b, &nm) != 0 || nr_buf_adds(&b, ": ") != 0;
        if (!bad && ((int)gi >= m || ov[2 * gi] == PCRE2_UNSET)) {
            bad = nr_buf_adds(&b, "None") != 0;
        } else if (!bad) {
            g.p = s->p + ov[2 * gi];
            g.len = ov[2 * gi + 1] - ov[2 * gi];
            bad = repr_str(&b, &g) != 0;
        }
        if (bad) {
            rc = oom(r);
            goto out;
        }
    }
    if (nr_buf_addc(&b, '}') != 0) {
        rc = oom(r);
        goto out;
    }
    dst = nr_tfsm__alloc(r->arena, b.len);
    if (dst == NULL) {
        rc = oom(r);
        goto out;
    }
    memcpy(dst, b.data, b.len);
    item->p = dst;
    item->len = b.len;
    *used = 1;
    rc = 0;
out:
    nr_tfsm__md_put(md);
    nr_buf_dispose(&b);
    return rc;
}

static int list_append(struct run *r, struct vstate *v,
                       struct nr_tfsm__str item)
{
    void *p;

    if (v->nacc == v->capacc) {
        size_t nc = v->capacc ? v->capacc * 2 : 8;
        p = realloc(v->acc, nc * sizeof(*v->acc));
        if (p == NULL) {
            return oom(r);
        }
        v->acc = p;
        v->capacc = nc;
    }
    v->acc[v->nacc++] = item;
    return 0;
}

/* AssignVar: set the value, then each option reacts in written order. */
static int assign(struct run *r, size_t i, const struct nr_tfsm__str *s)
{
    const struct nr_tfsm__value *val = &r->t->values[i];
    struct vstate *v = &r->v[i];
    struct nr_tfsm__str item;
    size_t k, row;
    int used;

    v->kind = s != NULL ? V_STR : V_NONE;
    if (s != NULL) {
        v->s = *s;
    }
    for (k = 0; k < val->nopts; k++) {
        switch (val->opts[k]) {
        case NR_TFSM__OPT_FILLDOWN:
            v->fd_set = s != NULL;
            if (s != NULL) {
                v->fd = *s;
            }
            break;
        case NR_TFSM__OPT_FILLUP:
            if (s == NULL || s->len == 0) {
                break;
            }
            for (row = r->tab->nrows; row-- > 0;) {
                struct nr_tfsm__cell *c = &r->tab->rows[row][i];
                if (truthy_cell(c)) {
                    break;
                }
                *c = nr_tfsm__cell_of_str(s);
            }
            break;
        case NR_TFSM__OPT_LIST:
            if (val->nnested > 0) {
                if (s == NULL) {
                    nr_err_set(r->err, NR_ERR_PARSE, "parse",
                               "%s: List value '%s' has no match to split",
                               r->t->file, val->name);
                    return -1;
                }
                if (nested_item(r, val, s, &item, &used) != 0) {
                    return -1;
                }
                if (used) {
                    if (list_append(r, v, item) != 0) {
                        return -1;
                    }
                    break;
                }
            }
            if (list_append(r, v, s != NULL ? *s : none_str) != 0) {
                return -1;
            }
            break;
        default:
            break;
        }
    }
    return 0;
}

/* _AppendRecord: Required may veto (and clear), an all-empty record is
 * dropped without clearing, otherwise the row is kept and cleared. */
static int append_record(struct run *r)
{
    const struct nr_tfsm__tpl *t = r->t;
    struct nr_tfsm__cell *row;
    size_t i, k;
    size_t empty = 0;
    void *p;

    if (t->nvalues == 0) {
        return 0;
    }
    for (i = 0; i < t->nvalues; i++) {
        struct vstate *v = &r->v[i];
        for (k = 0; k < t->values[i].nopts; k++) {
            if (t->values[i].opts[k] == NR_TFSM__OPT_REQUIRED &&
                !truthy_var(v)) {
                clear_record(r);
                return 0;
            }
            if (t->values[i].opts[k] == NR_TFSM__OPT_LIST) {
                v->kind = V_LIST;
                v->nitems = v->nacc;
                v->items = nr_tfsm__alloc(r->arena, (v->nacc ? v->nacc : 1) *
                                                        sizeof(*v->items));
                if (v->items == NULL) {
                    return oom(r);
                }
                if (v->nacc > 0) {
                    memcpy(v->items, v->acc, v->nacc * sizeof(*v->items));
                }
            }
        }
        empty += v->kind == V_NONE || (v->kind == V_LIST && v->nitems == 0);
    }
    if (empty == t->nvalues) {
        return 0;
    }
    row = nr_tfsm__alloc(r->arena, t->nvalues * sizeof(*row));
    if (row == NULL) {
        return oom(r);
    }
    for (i = 0; i < t->nvalues; i++) {
        static const struct nr_tfsm__str blank = { NULL, 0 };
        row[i] = r->v[i].kind == V_STR    ? nr_tfsm__cell_of_str(&r->v[i].s)
                 : r->v[i].kind == V_LIST ? nr_tfsm__cell_of_list(
                                                r->v[i].items, r->v[i].nitems)
                                          : nr_tfsm__cell_of_str(&blank);
    }
    if (r->tab->nrows == r->tab->cap) {
        size_t nc = r->tab->cap ? r->tab->cap * 2 : 64;
        p = realloc(r->tab->rows, nc * sizeof(*r->tab->rows));
        if (p == NULL) {
            return oom(r);
        }
        r->tab->rows = p;
        r->tab->cap = nc;
    }
    r->tab->rows[r->tab->nrows++] = row;
    clear_record(r);
    return 0;
}

static void shown_line(char *dst, size_t dsz, const struct nr_tfsm__str *l)
{
    size_t n = l->len > 120 ? 120 : l->len;

    snprintf(dst, dsz, "%.*s%s", (int)n, l->p, l->len > n ? "..." : "");
}

static int ascii_space(unsigned char c)
{
    return c == ' ' || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f);
}

/* Length of the line's leading ASCII white space: only ASCII is
 * skipped, anything else is left to PCRE2, which knows Unicode white
 * space. */
static size_t lead_space(const struct nr_tfsm__str *line)
{
    size_t i = 0;

    while (i < line->len && ascii_space((unsigned char)line->p[i])) {
        i++;
    }
    return i;
}

/* The checks that look at one byte, shared by nr_tfsm__filter_rejects
 * and the dispatch tables built from them, so the two cannot part.
 * first_may: may a line starting with byte c (256: an empty line) pass
 * the first-byte set and a prefix at the line start? */
static int first_may(const struct nr_tfsm__filter *f, unsigned c)
{
    if (f->has_first &&
        (c == 256 || !(f->first[c >> 6] & ((uint64_t)1 << (c & 63))))) {
        return 0;
    }
    if (f->prefixlen > 0 && f->prefix_ws == 0) {
        return c != 256 && (unsigned char)f->prefix[0] == c;
    }
    return 1;
}

/* skip_may: may the prefix after leading white space start with byte c
 * (256: the line's end), given whether there was any white space (ws)?
 * A non-ASCII byte there is left to PCRE2; "\s+" needs some. */
static int skip_may(const struct nr_tfsm__filter *f, int ws, unsigned c)
{
    if (f->prefixlen == 0 || f->prefix_ws == 0) {
        return 1;
    }
    if (c != 256 && c >= 0x80) {
        return 1;
    }
    if (f->prefix_ws == 2 && !ws) {
        return 0;
    }
    return c != 256 && (unsigned char)f->prefix[0] == c;
}

/* Could the rule's literal prefix be where the line puts it? */
static int prefix_may_match(const struct nr_tfsm__filter *f,
                            const struct nr_tfsm__str *line)
{
    size_t i = f->prefix_ws != 0 ? lead_space(line) : 0;
    unsigned c = i < line->len ? (unsigned char)line->p[i] : 256;

    if (!skip_may(f, i > 0, c)) {
        return 0;
    }
    if (f->prefix_ws != 0 && c != 256 && c >= 0x80) {
        return 1;
    }
    return f->prefixlen <= line->len - i &&
           memcmp(f->prefix, line->p + i, f->prefixlen) == 0;
}

static int outside_alphabet(const struct nr_tfsm__filter *ru,
                            const struct nr_tfsm__str *line)
{
    size_t i;
    unsigned char c;

    for (i = 0; i < line->len; i++) {
        c = (unsigned char)line->p[i];
        if (c >= 0x80 ? !ru->alpha_nonascii
                      : !(ru->alpha[c >> 6] & ((uint64_t)1 << (c & 63)))) {
            return 1;
        }
    }
    return 0;
}

/* Does hay contain the literal?  glibc's memmem builds a table per
 * call, which on device lines of a few dozen bytes costs more than the
 * search: memchr for the first byte, then compare the rest. */
static int has_literal(const char *hay, size_t hn, const char *lit,
                       size_t ln)
{
    const char *p = hay, *last;

    if (ln > hn) {
        return 0;
    }
    last = hay + (hn - ln);
    while (p <= last) {
        p = memchr(p, (unsigned char)lit[0], (size_t)(last - p) + 1);
        if (p == NULL) {
            return 0;
        }
        if (memcmp(p + 1, lit + 1, ln - 1) == 0) {
            return 1;
        }
        p++;
    }
    return 0;
}

int nr_tfsm__filter_rejects(const struct nr_tfsm__filter *f,
                            const struct nr_tfsm__str *line)
{
    if (!first_may(f, line->len > 0 ? (unsigned char)line->p[0] : 256)) {
        return 1;
    }
    if (f->prefixlen > 0 && !prefix_may_match(f, line)) {
        return 1;
    }
    if (f->has_alpha && outside_alphabet(f, line)) {
        return 1;
    }
    return f->reqlen > 0 && !has_literal(line->p, line->len, f->req,
                                         f->reqlen);
}

/* Has the line no byte above 0x7f?  Eight at a time. */
static int all_ascii(const struct nr_tfsm__str *line)
{
    const uint64_t high = 0x8080808080808080u;
    uint64_t w, acc = 0;
    size_t i = 0;

    for (; i + 8 <= line->len; i += 8) {
        memcpy(&w, line->p + i, 8);
        acc |= w;
    }
    for (; i < line->len; i++) {
        acc |= (unsigned char)line->p[i];
    }
    return (acc & high) == 0;
}

/* One rule against one line: 1 matched, 0 not, -1 error. */
static int try_rule(struct run *r, const struct nr_tfsm__rule *ru,
                    const struct nr_tfsm__str *line, size_t lineno)
{
    PCRE2_SIZE *ov;
    struct nr_tfsm__str s;
    char shown[160];
    size_t k;
    int m;

    if (nr_tfsm__filter_rejects(&ru->re->filt, line)) {
        return 0;
    }
    /* This rule's calls so far, spread over the lines left. */
    r->calls[ru->id]++;
    r->ahead = r->calls[ru->id] < 8 ? 0
               : (size_t)((double)r->calls[ru->id] * (double)(r->nlines - lineno) /
                          (double)lineno);
    r->left = r->nlines - lineno;
    if (r->ascii < 0) {
        r->ascii = all_ascii(line);
    }
    m = nr_tfsm__re_match(ru->re, line->p, line->len, r->ahead, r->left,
                          r->ascii, r->md, r->mc);
    if (m == PCRE2_ERROR_NOMATCH) {
        return 0;
    }
    if (m < 0) {
        shown_line(shown, sizeof(shown), line);
        nr_err_set(r->err, NR_ERR_PARSE, "parse",
                   "%s:%u: %s on input line %zu: %s", r->t->file, ru->line,
                   m == PCRE2_ERROR_MATCHLIMIT || m == PCRE2_ERROR_DEPTHLIMIT ||
                           m == PCRE2_ERROR_HEAPLIMIT
                       ? "regex match limit exceeded"
                       : "regex match failed",
                   lineno, shown);
        return -1;
    }
    ov = pcre2_get_ovector_pointer(r->md);
    for (k = 0; k < ru->nassign; k++) {
        uint32_t g = ru->assign[k].group;
        if ((int)g >= m || ov[2 * g] == PCRE2_UNSET) {
            if (assign(r, ru->assign[k].value, NULL) != 0) {
                return -1;
            }
            continue;
        }
        s.p = line->p + ov[2 * g];
        s.len = ov[2 * g + 1] - ov[2 * g];
        if (assign(r, ru->assign[k].value, &s) != 0) {
            return -1;
        }
    }
    return 1;
}

/* ------------------------------------------------------------------ */
/* Rule dispatch                                                       */
/* ------------------------------------------------------------------ */

/* A state that sees many lines gets two tables of rule bitmaps, so that
 * a line is offered only to the rules whose pre-checks its first bytes
 * can pass, instead of each rule's checks running in turn (on long
 * outputs that loop was most of the time).  by_first[c] holds the rules
 * that a line starting with byte c (256: an empty line) may pass for
 * the first-byte set and a prefix at the line start; by_skip[w][c] those
 * that may pass the prefix after leading white space, given that the
 * white space is absent (w 0) or present (w 1) and is followed by c
 * (256: the line's end).  Both only ever drop rules that
 * nr_tfsm__filter_rejects would drop: the full checks still run on
 * what is left. */
struct disp {
    size_t nw;                   /* 64-bit words per bitmap */
    uint64_t *by_first;          /* [257][nw] */
    uint64_t *by_skip;           /* [2][257][nw] */
};

/* Lines a state must see before its tables pay for themselves. */
#define DISP_AFTER 64
#define DISP_MIN_RULES 4

static void disp_free(struct disp *d)
{
    if (d != NULL) {
        free(d->by_first);
        free(d->by_skip);
        free(d);
    }
}

static struct disp *disp_build(const struct nr_tfsm__state *st)
{
    struct disp *d = calloc(1, sizeof(*d));
    size_t k;
    unsigned c;
    int ws;

    if (d == NULL) {
        return NULL;
    }
    d->nw = (st->nrules + 63) / 64;
    d->by_first = calloc(257 * d->nw, sizeof(uint64_t));
    d->by_skip = calloc(2 * 257 * d->nw, sizeof(uint64_t));
    if (d->by_first == NULL || d->by_skip == NULL) {
        disp_free(d);
        return NULL;
    }
    for (k = 0; k < st->nrules; k++) {
        const struct nr_tfsm__filter *f = &st->rules[k].re->filt;
        uint64_t bit = (uint64_t)1 << (k & 63);
        size_t w = k >> 6;

        for (c = 0; c <= 256; c++) {
            if (first_may(f, c)) {
                d->by_first[c * d->nw + w] |= bit;
            }
            for (ws = 0; ws < 2; ws++) {
                if (skip_may(f, ws, c)) {
                    d->by_skip[((size_t)ws * 257 + c) * d->nw + w] |= bit;
                }
            }
        }
    }
    return d;
}

/* The two bitmaps that apply to line. */
static void disp_rows(const struct disp *d, const struct nr_tfsm__str *line,
                      const uint64_t **a, const uint64_t **b)
{
    size_t i = lead_space(line);
    unsigned c0 = line->len > 0 ? (unsigned char)line->p[0] : 256;
    unsigned cw = i < line->len ? (unsigned char)line->p[i] : 256;
    *a = d->by_first + (size_t)c0 * d->nw;
    *b = d->by_skip + ((size_t)(i > 0) * 257 + cw) * d->nw;
}

/* The first rule at or after k that both bitmaps allow, or n; without
 * tables (d NULL), simply k. */
static size_t disp_next(const struct disp *d, const uint64_t *a,
                        const uint64_t *b, size_t k, size_t n)
{
    size_t w = k >> 6;
    uint64_t m;

    if (k >= n || d == NULL) {
        return k < n ? k : n;
    }
    m = a[w] & b[w] & (~(uint64_t)0 << (k & 63));
    while (m == 0) {
        if (++w >= d->nw) {
            return n;
        }
        m = a[w] & b[w];
    }
    return (w << 6) + (size_t)__builtin_ctzll(m);
}

static int run_lines(struct run *r, const struct nr_tfsm__str *lines,
                     size_t nlines)
{
    const struct nr_tfsm__tpl *t = r->t;
    int cur = t->start;
    size_t li, k;
    int m;
    char shown[160];

    for (li = 0; li < nlines; li++) {
        const struct nr_tfsm__state *st = &t->states[cur];
        const struct disp *d = r->disp[cur];
        const uint64_t *da = NULL, *db = NULL;

        r->ascii = -1;
        if (d == NULL && ++r->seen[cur] == DISP_AFTER &&
            st->nrules >= DISP_MIN_RULES) {
            /* Out of memory here only costs speed. */
            d = r->disp[cur] = disp_build(st);
        }
        if (d != NULL) {
            disp_rows(d, &lines[li], &da, &db);
        }
        for (k = disp_next(d, da, db, 0, st->nrules); k < st->nrules;
             k = disp_next(d, da, db, k + 1, st->nrules)) {
            const struct nr_tfsm__rule *ru = &st->rules[k];
            m = try_rule(r, ru, &lines[li], li + 1);
            if (m < 0) {
                return -1;
            }
            if (m == 0) {
                continue;
            }
            if (ru->rec_op == NR_TFSM__RECORD) {
                if (append_record(r) != 0) {
                    return -1;
                }
            } else if (ru->rec_op == NR_TFSM__CLEAR) {
                clear_record(r);
            } else if (ru->rec_op == NR_TFSM__CLEARALL) {
                clear_all(r);
            }
            if (ru->line_op == NR_TFSM__ERROR) {
                shown_line(shown, sizeof(shown), &lines[li]);
                nr_err_set(r->err, NR_ERR_PARSE, "parse",
                           "%s:%u: Error rule matched input line %zu%s%s: %s",
                           t->file, ru->line, li + 1,
                           ru->message != NULL ? ", " : "",
                           ru->message != NULL ? ru->message : "", shown);
                return -1;
            }
            if (ru->line_op == NR_TFSM__CONTINUE) {
                continue;
            }
            if (ru->next_state != NR_TFSM__STATE_NONE) {
                cur = ru->next_state;
            }
            break;
        }
        if (cur == NR_TFSM__STATE_END || cur == NR_TFSM__STATE_EOF) {
            break;
        }
    }
    /* The implicit EOF state records what is pending; an explicit
     * (necessarily empty) EOF state, or End, does not. */
    if (cur != NR_TFSM__STATE_END && !t->has_eof) {
        return append_record(r);
    }
    return 0;
}

static int run_one(struct table *tab, struct nr_tfsm__arena *arena,
                   const struct nr_tfsm__tpl *t,
                   const struct nr_tfsm__str *lines, size_t nlines,
                   struct nr_err *err)
{
    struct run r;
    size_t i;
    int rc = -1;

    memset(&r, 0, sizeof(r));
    r.t = t;
    r.tab = tab;
    r.arena = arena;
    r.err = err;
    tab->ncols = t->nvalues;
    r.v = calloc(t->nvalues ? t->nvalues : 1, sizeof(*r.v));
    r.calls = calloc(t->nrules + 1, sizeof(*r.calls));
    r.disp = calloc(t->nstates + 1, sizeof(*r.disp));
    r.seen = calloc(t->nstates + 1, sizeof(*r.seen));
    r.nlines = nlines;
    r.md = nr_tfsm__md_get(t->max_groups + 1);
    r.mc = pcre2_match_context_create(NULL);
    /* No JIT stack of our own: the default one suffices for sane
     * patterns, and a match that outgrows it reruns interpreted. */
    if (r.v == NULL || r.calls == NULL || r.disp == NULL || r.seen == NULL ||
        r.md == NULL || r.mc == NULL) {
        oom(&r);
        goto out;
    }
    rc = run_lines(&r, lines, nlines);
out:
    if (r.v != NULL) {
        for (i = 0; i < t->nvalues; i++) {
            free(r.v[i].acc);
        }
    }
    free(r.v);
    free(r.calls);
    for (i = 0; r.disp != NULL && i < t->nstates; i++) {
        disp_free(r.disp[i]);
    }
    free(r.disp);
    free(r.seen);
    nr_tfsm__md_put(r.md);
    pcre2_match_context_free(r.mc);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Tables and their merge                                              */
/* ------------------------------------------------------------------ */

void nr_tfsm_records_free(struct nr_tfsm_records *rec)
{
    size_t i;

    if (rec == NULL) {
        return;
    }
    for (i = 0; i < rec->ncols; i++) {
        free(rec->cols[i]);
    }
    free(rec->cols);
    free(rec->rows);
    nr_tfsm__block_put(rec->text, rec->textcap);
    nr_tfsm__arena_dispose(&rec->arena);
    free(rec);
}

static int same_str(const struct nr_tfsm__str *a, const struct nr_tfsm__str *b)
{
    return a->len == b->len && memcmp(a->p, b->p, a->len) == 0;
}

static int same_cell(const struct nr_tfsm__cell *a,
                     const struct nr_tfsm__cell *b)
{
    struct nr_tfsm__str sa, sb;
    size_t i;

    if (a->n != b->n) {
        return 0;
    }
    if (!nr_tfsm__cell_is_list(a)) {
        sa = nr_tfsm__cell_str(a);
        sb = nr_tfsm__cell_str(b);
        return same_str(&sa, &sb);
    }
    for (i = 0; i < nr_tfsm__cell_nitems(a); i++) {
        if (!same_str(&a->u.items[i], &b->u.items[i])) {
            return 0;
        }
    }
    return 1;
}

static int col_index(char *const *cols, size_t n, const char *name)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (strcmp(cols[i], name) == 0) {
            return (int)i;
        }
    }
    return -1;
}

/* Add the columns of tab (template t) that rec lacks to every row of
 * rec, filled from the first row of tab whose key columns are equal, or
 * by position when there are no keys (texttable's extend). */
static int merge(struct nr_tfsm_records *rec, const struct table *tab,
                 const struct nr_tfsm__tpl *t, char *const *keys,
                 size_t nkeys, struct nr_err *err)
{
    int *src = NULL;        /* tab column of each added column */
    int *k1 = NULL, *k2 = NULL;
    size_t nadd = 0, i, j, k, old = rec->ncols;
    void *p;
    int rc = -1;

    src = calloc(t->nvalues + 1, sizeof(int));
    k1 = calloc(nkeys + 1, sizeof(int));
    k2 = calloc(nkeys + 1, sizeof(int));
    if (src == NULL || k1 == NULL || k2 == NULL) {
        nr_err_set(err, NR_ERR_LIMIT, "parse", "out of memory");
        goto out;
    }
    for (k = 0; k < nkeys; k++) {
        k1[k] = col_index(rec->cols, rec->ncols, keys[k]);
        if (k1[k] < 0) {
            nr_err_set(err, NR_ERR_PARSE, "parse", "%s: Key '%s' is not a "
                       "column of the first template", t->file, keys[k]);
            goto out;
        }
    }
    for (i = 0; i < t->nvalues; i++) {
        if (col_index(rec->cols, rec->ncols, t->values[i].name) < 0) {
            src[nadd++] = (int)i;
        }
    }
    if (nadd == 0) {
        rc = 0;
        goto out;
    }
    p = realloc(rec->cols, (old + nadd) * sizeof(char *));
    if (p == NULL) {
        nr_err_set(err, NR_ERR_LIMIT, "parse", "out of memory");
        goto out;
    }
    rec->cols = p;
    for (i = 0; i < nadd; i++) {
        rec->cols[old + i] = strdup(t->values[src[i]].name);
        if (rec->cols[old + i] == NULL) {
            rec->ncols = old + i;
            nr_err_set(err, NR_ERR_LIMIT, "parse", "out of memory");
            goto out;
        }
    }
    rec->ncols = old + nadd;
    for (i = 0; i < rec->nrows; i++) {
        struct nr_tfsm__cell *row = nr_tfsm__alloc(&rec->arena,
                                                   rec->ncols * sizeof(*row));
        if (row == NULL) {
            nr_err_set(err, NR_ERR_LIMIT, "parse", "out of memory");
            goto out;
        }
        memcpy(row, rec->rows[i], old * sizeof(*row));
        memset(row + old, 0, nadd * sizeof(*row));
        rec->rows[i] = row;
    }
    for (k = 0; k < nkeys; k++) {
        k2[k] = col_index(rec->cols, 0, keys[k]);
        for (j = 0; j < t->nvalues; j++) {
            if (strcmp(t->values[j].name, keys[k]) == 0) {
                k2[k] = (int)j;
            }
        }
        if (k2[k] < 0 && rec->nrows > 0 && tab->nrows > 0) {
            nr_err_set(err, NR_ERR_PARSE, "parse", "%s: has no Key column "
                       "'%s'", t->file, keys[k]);
            goto out;
        }
    }
    for (i = 0; i < rec->nrows; i++) {
        const struct nr_tfsm__cell *from = NULL;
        if (nkeys == 0) {
            from = i < tab->nrows ? tab->rows[i] : NULL;
        }
        for (j = 0; nkeys > 0 && j < tab->nrows && from == NULL; j++) {
            for (k = 0; k < nkeys; k++) {
                if (!same_cell(&rec->rows[i][k1[k]], &tab->rows[j][k2[k]])) {
                    break;
                }
            }
            if (k == nkeys) {
                from = tab->rows[j];
            }
        }
        for (k = 0; from != NULL && k < nadd; k++) {
            rec->rows[i][old + k] = from[src[k]];
        }
    }
    rc = 0;
out:
    free(src);
    free(k1);
    free(k2);
    return rc;
}

static int key_names(char ***keys, size_t *nkeys,
                     const struct nr_tfsm__tpl *t)
{
    size_t i;

    *keys = calloc(t->nvalues + 1, sizeof(char *));
    *nkeys = 0;
    if (*keys == NULL) {
        return -1;
    }
    for (i = 0; i < t->nvalues; i++) {
        if (t->values[i].has_key) {
            (*keys)[(*nkeys)++] = t->values[i].name;
        }
    }
    return 0;
}

/* borrow: the records may point into text (when it is valid UTF-8). */
static int parse(struct nr_tfsm_records **out, const struct nr_tfsm *fsm,
                 const char *text, size_t len, int borrow, struct nr_err *err)
{
    struct nr_tfsm_records *rec = NULL;
    struct nr_tfsm__str *lines = NULL;
    struct table tab = { 0, NULL, 0, 0 };
    char **keys = NULL;
    size_t nkeys = 0;
    size_t nlines = 0, linecap = 0;
    size_t i;
    int r;
    int rc = -1;

    *out = NULL;
    rec = calloc(1, sizeof(*rec));
    r = rec == NULL ? -1
        : borrow    ? nr_tfsm__lines_in(&lines, &linecap, &nlines, text, len)
                    : 1;
    if (r == 1) {
        r = nr_tfsm__lines(&rec->text, &rec->textcap, &lines, &linecap,
                           &nlines, text, len);
    }
    if (r != 0) {
        nr_err_set(err, NR_ERR_LIMIT, "parse", "out of memory");
        goto out;
    }
    for (i = 0; i < fsm->ntpl; i++) {
        const struct nr_tfsm__tpl *t = fsm->tpl[i];
        memset(&tab, 0, sizeof(tab));
        if (run_one(&tab, &rec->arena, t, lines, nlines, err) != 0) {
            goto out;
        }
        if (nkeys == 0) {
            /* CliTable takes the Keys of the first template that has
             * any. */
            free(keys);
            if (key_names(&keys, &nkeys, t) != 0) {
                nr_err_set(err, NR_ERR_LIMIT, "parse", "out of memory");
                goto out;
            }
        }
        if (i == 0) {
            size_t c;
            rec->cols = calloc(t->nvalues ? t->nvalues : 1, sizeof(char *));
            if (rec->cols == NULL) {
                nr_err_set(err, NR_ERR_LIMIT, "parse", "out of memory");
                goto out;
            }
            for (c = 0; c < t->nvalues; c++) {
                rec->cols[c] = strdup(t->values[c].name);
                if (rec->cols[c] == NULL) {
                    nr_err_set(err, NR_ERR_LIMIT, "parse", "out of memory");
                    goto out;
                }
                rec->ncols = c + 1;
            }
            rec->rows = tab.rows;
            rec->nrows = tab.nrows;
            rec->caprows = tab.cap;
            tab.rows = NULL;
        } else if (merge(rec, &tab, t, keys, nkeys, err) != 0) {
            goto out;
        }
        free(tab.rows);
        tab.rows = NULL;
    }
    *out = rec;
    rec = NULL;
    rc = 0;
out:
    free(tab.rows);
    free(keys);
    nr_tfsm__block_put(lines, linecap);
    nr_tfsm_records_free(rec);
    return rc;
}

int nr_tfsm_parse(struct nr_tfsm_records **out, const struct nr_tfsm *fsm,
                  const char *text, size_t len, struct nr_err *err)
{
    return parse(out, fsm, text, len, 0, err);
}

int nr_tfsm_parse_in_place(struct nr_tfsm_records **out,
                           const struct nr_tfsm *fsm, const char *text,
                           size_t len, struct nr_err *err)
{
    return parse(out, fsm, text, len, 1, err);
}
