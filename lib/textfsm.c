/* textfsm.c — reading TextFSM templates into compiled state machines.
 *
 * The grammar follows the reference implementation (python textfsm
 * 1.1.0) closely, including its quirks, because ntc-templates were
 * written and tested against it: a template it accepts must load here,
 * and one it rejects must fail here with the file and line. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "textfsm.h"

#define MAX_TEMPLATE_BYTES ((size_t)16 << 20)

struct nr_tfsm__chunk {
    struct nr_tfsm__chunk *next;
    size_t used;
    size_t size;
    max_align_t data[];
};

void *nr_tfsm__big_alloc(size_t n)
{
    void *p = NULL;

#ifdef MADV_HUGEPAGE
    /* Megabytes of records or text are written once, page by page:
     * transparent huge pages take one fault per 2 MiB instead of 512. */
    if (n >= NR_TFSM__HUGE) {
        if (posix_memalign(&p, NR_TFSM__HUGE, n) != 0) {
            return NULL;
        }
        madvise(p, n, MADV_HUGEPAGE);
        return p;
    }
#endif
    p = malloc(n);
    return p;
}

void *nr_tfsm__alloc(struct nr_tfsm__arena *a, size_t n)
{
    struct nr_tfsm__chunk *c = a->head;
    size_t need = (n + 15) & ~(size_t)15;
    size_t sz, got;

    if (c == NULL || c->size - c->used < need) {
        /* Start small (most results are a few records) and double up
         * to 8 MiB, so that neither small nor large results pay for
         * pages or allocations they do not need. */
        sz = c == NULL ? 2048 : c->size < ((size_t)8 << 20) ? c->size * 2
                                                             : c->size;
        if (sz < need) {
            sz = need;
        }
        c = nr_tfsm__block_get(sizeof(*c) + sz, &got);
        if (c == NULL) {
            return NULL;
        }
        c->next = a->head;
        c->used = 0;
        c->size = got - sizeof(*c);
        a->head = c;
    }
    c->used += need;
    return (char *)c->data + c->used - need;
}

void nr_tfsm__arena_dispose(struct nr_tfsm__arena *a)
{
    struct nr_tfsm__chunk *c = a->head;
    struct nr_tfsm__chunk *next;

    while (c != NULL) {
        next = c->next;
        nr_tfsm__block_put(c, sizeof(*c) + c->size);
        c = next;
    }
    a->head = NULL;
}

int nr_tfsm__slurp(struct nr_buf *b, const char *path, struct nr_err *err)
{
    if (nr_buf_read_file(b, path, "load", err) != 0) {
        return -1;
    }
    /* An empty file still gives a string. */
    if (nr_buf_add(b, "", 0) != 0) {
        nr_err_set(err, NR_ERR_LIMIT, "load", "%s: out of memory", path);
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Line reader                                                         */
/* ------------------------------------------------------------------ */

struct reader {
    const char *p;
    size_t len;
    size_t pos;
    unsigned lineno;
    const char *file;
    struct nr_err *err;
    char why[400];
    /* Reused by every rule of the template: a buffer per rule (grown
     * from nothing, then freed) was a fifth of the compile's malloc
     * calls. */
    struct nr_buf pat;           /* the rule with Values substituted */
    struct nr_buf xl;            /* its PCRE2 translation */
};

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
           c == '\f' || (c >= 0x1c && c <= 0x1f);
}

/* Next line as Python's text-mode file iteration gives it (\r\n and \r
 * end lines as \n does), right-stripped.  0 at end of file. */
static int next_line(struct reader *r, const char **s, size_t *n)
{
    size_t st;
    size_t end;

    if (r->pos >= r->len) {
        return 0;
    }
    st = r->pos;
    end = st;
    while (end < r->len && r->p[end] != '\n' && r->p[end] != '\r') {
        end++;
    }
    r->pos = end;
    if (r->pos < r->len) {
        r->pos += (r->p[end] == '\r' && end + 1 < r->len &&
                   r->p[end + 1] == '\n') ? 2 : 1;
    }
    while (end > st && is_space((unsigned char)r->p[end - 1])) {
        end--;
    }
    r->lineno++;
    *s = r->p + st;
    *n = end - st;
    return 1;
}

static int is_comment(const char *s, size_t n)
{
    size_t i = 0;

    while (i < n && is_space((unsigned char)s[i])) {
        i++;
    }
    return i < n && s[i] == '#';
}

static int starts(const char *s, size_t n, const char *pre)
{
    size_t k = strlen(pre);

    return n >= k && memcmp(s, pre, k) == 0;
}

static int syntax(struct reader *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int syntax(struct reader *r, const char *fmt, ...)
{
    char msg[400];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    nr_err_set(r->err, NR_ERR_USAGE, "template", "%s:%u: %s", r->file,
               r->lineno, msg);
    return -1;
}

static int is_word(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_' || c >= 0x80;
}

/* ------------------------------------------------------------------ */
/* Values                                                              */
/* ------------------------------------------------------------------ */

static const char *const option_names[] = {
    NULL, "Required", "Filldown", "Fillup", "Key", "List",
};

static int add_option(struct reader *r, struct nr_tfsm__value *v,
                      const char *s, size_t n)
{
    size_t k;
    uint8_t o = 0;
    char name[64];

    snprintf(name, sizeof(name), "%.*s", (int)(n > 60 ? 60 : n), s);
    for (k = 1; k < sizeof(option_names) / sizeof(option_names[0]); k++) {
        if (strlen(option_names[k]) == n &&
            memcmp(option_names[k], s, n) == 0) {
            o = (uint8_t)k;
        }
    }
    if (o == 0) {
        return syntax(r, "unknown option \"%s\"", name);
    }
    for (k = 0; k < v->nopts; k++) {
        if (v->opts[k] == o) {
            return syntax(r, "duplicate option \"%s\"", name);
        }
    }
    v->opts[v->nopts++] = o;
    v->has_required |= o == NR_TFSM__OPT_REQUIRED;
    v->has_filldown |= o == NR_TFSM__OPT_FILLDOWN;
    v->has_fillup |= o == NR_TFSM__OPT_FILLUP;
    v->has_key |= o == NR_TFSM__OPT_KEY;
    v->has_list |= o == NR_TFSM__OPT_LIST;
    return 0;
}

/* A List value whose regex has several groups, some named, records a
 * dict of them; compile that regex on its own as the reference does. */
static int compile_nested(struct reader *r, struct nr_tfsm__value *v)
{
    struct nr_tfsm__names nm = { NULL, 0, 0, 0, 0 };
    uint32_t cnt = 0;
    uint32_t esz = 0;
    PCRE2_SPTR tab;
    uint32_t k;
    size_t i;
    int rc = -1;

    if (nr_tfsm__re_get(&v->nested, v->regex, strlen(v->regex), &nm, 0,
                        &r->xl, r->why, sizeof(r->why)) != 0) {
        syntax(r, "bad List regex: %s", r->why);
        goto out;
    }
    pcre2_pattern_info(v->nested->code, PCRE2_INFO_NAMECOUNT, &cnt);
    if (v->nested->ngroups <= 1 || cnt == 0) {
        rc = 0;
        goto out;
    }
    pcre2_pattern_info(v->nested->code, PCRE2_INFO_NAMEENTRYSIZE, &esz);
    pcre2_pattern_info(v->nested->code, PCRE2_INFO_NAMETABLE, &tab);
    v->nested_names = calloc(cnt, sizeof(char *));
    v->nested_groups = calloc(cnt, sizeof(uint32_t));
    if (v->nested_names == NULL || v->nested_groups == NULL) {
        syntax(r, "out of memory");
        goto out;
    }
    /* The name table is sorted by name; Python's dict is in group
     * order, so sort by group number (insertion, few entries). */
    for (k = 0; k < cnt; k++) {
        const unsigned char *e = tab + (size_t)k * esz;
        uint32_t g = ((uint32_t)e[0] << 8) | e[1];
        size_t idx = (size_t)strtoul((const char *)e + 3, NULL, 10);
        size_t at = v->nnested;
        while (at > 0 && v->nested_groups[at - 1] > g) {
            v->nested_groups[at] = v->nested_groups[at - 1];
            v->nested_names[at] = v->nested_names[at - 1];
            at--;
        }
        v->nested_groups[at] = g;
        v->nested_names[at] = strdup(idx < nm.n ? nm.name[idx] : "");
        v->nnested++;
        if (v->nested_names[at] == NULL) {
            syntax(r, "out of memory");
            goto out;
        }
    }
    rc = 0;
out:
    for (i = 0; i < nm.n; i++) {
        free(nm.name[i]);
    }
    free(nm.name);
    return rc;
}

static int count_char(const char *s, size_t n, char c)
{
    int k = 0;

    while (n-- > 0) {
        k += *s++ == c;
    }
    return k;
}

static int parse_value(struct reader *r, struct nr_tfsm__tpl *t,
                       const char *s, size_t n)
{
    /* Fields are split on single spaces, as the reference does. */
    const char *f[3];
    size_t fl[3];
    size_t nf = 0;
    size_t i = 0;
    size_t st;
    const char *name, *re;
    size_t namelen, relen;
    struct nr_tfsm__value *v;
    char shown[80];

    while (nf < 3) {
        st = i;
        while (i < n && s[i] != ' ') {
            i++;
        }
        f[nf] = s + st;
        fl[nf] = i - st;
        nf++;
        if (i >= n) {
            break;
        }
        i++;
    }
    if (nf < 3) {
        return syntax(r, "expected at least 3 tokens on a Value line");
    }
    v = &t->values[t->nvalues];
    memset(v, 0, sizeof(*v));
    if (fl[2] == 0 || f[2][0] != '(') {
        size_t a = 0;
        size_t b;
        while (a <= fl[1]) {
            b = a;
            while (b < fl[1] && f[1][b] != ',') {
                b++;
            }
            if (add_option(r, v, f[1] + a, b - a) != 0) {
                return -1;
            }
            a = b + 1;
        }
        name = f[2];
        namelen = fl[2];
        re = f[2] + fl[2] + (f[2] + fl[2] < s + n ? 1 : 0);
    } else {
        name = f[1];
        namelen = fl[1];
        re = f[2];
    }
    relen = (size_t)(s + n - re);
    snprintf(shown, sizeof(shown), "%.*s", (int)(namelen > 60 ? 60 : namelen),
             name);
    if (namelen > NR_TFSM__MAX_NAME) {
        return syntax(r, "invalid Value name '%s' or name too long", shown);
    }
    if (relen < 2 || re[0] != '(' || re[relen - 1] != ')' ||
        memchr(re, '\n', relen) != NULL ||
        count_char(re, relen, '(') != count_char(re, relen, ')')) {
        return syntax(r, "Value regex must be enclosed in one '()' pair");
    }
    for (i = 0; i < t->nvalues; i++) {
        if (strlen(t->values[i].name) == namelen &&
            memcmp(t->values[i].name, name, namelen) == 0) {
            return syntax(r, "duplicate Value '%s'", shown);
        }
    }
    v->name = strndup(name, namelen);
    v->regex = strndup(re, relen);
    t->nvalues++;
    if (v->name == NULL || v->regex == NULL) {
        return syntax(r, "out of memory");
    }
    if (v->has_list && compile_nested(r, v) != 0) {
        return -1;
    }
    return 0;
}

static int parse_values(struct reader *r, struct nr_tfsm__tpl *t)
{
    const char *s;
    size_t n;
    size_t cap = 0;
    void *p;

    while (next_line(r, &s, &n)) {
        if (n == 0) {
            return 0;
        }
        if (is_comment(s, n)) {
            continue;
        }
        if (!starts(s, n, "Value ")) {
            if (t->nvalues == 0) {
                return syntax(r, "no Value definitions found");
            }
            return syntax(r, "expected a blank line after the last Value");
        }
        if (t->nvalues == cap) {
            cap = cap ? cap * 2 : 16;
            p = realloc(t->values, cap * sizeof(*t->values));
            if (p == NULL) {
                return syntax(r, "out of memory");
            }
            t->values = p;
        }
        if (parse_value(r, t, s, n) != 0) {
            return -1;
        }
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Rules                                                               */
/* ------------------------------------------------------------------ */

/* A rule's pattern with ${NAME} / $NAME replaced by the Value regexes
 * (string.Template rules: "$$" is "$", any other "$" is an error). */
static int substitute(struct reader *r, const struct nr_tfsm__tpl *t,
                      const char *s, size_t n, struct nr_buf *out)
{
    size_t i = 0;
    size_t st, k;
    int braced;

    while (i < n) {
        if (s[i] != '$') {
            st = i;
            while (i < n && s[i] != '$') {
                i++;
            }
            if (nr_buf_add(out, s + st, i - st) != 0) {
                return syntax(r, "rule too long");
            }
            continue;
        }
        i++;
        if (i < n && s[i] == '$') {
            i++;
            if (nr_buf_addc(out, '$') != 0) {
                return syntax(r, "rule too long");
            }
            continue;
        }
        braced = i < n && s[i] == '{';
        st = i + (size_t)braced;
        k = st;
        if (k < n && ((s[k] >= 'a' && s[k] <= 'z') ||
                      (s[k] >= 'A' && s[k] <= 'Z') || s[k] == '_')) {
            while (k < n && ((s[k] >= 'a' && s[k] <= 'z') ||
                             (s[k] >= 'A' && s[k] <= 'Z') || s[k] == '_' ||
                             (s[k] >= '0' && s[k] <= '9'))) {
                k++;
            }
        }
        if (k == st || (braced && (k >= n || s[k] != '}'))) {
            return syntax(r, "invalid variable substitution");
        }
        for (i = 0; i < t->nvalues; i++) {
            if (strlen(t->values[i].name) == k - st &&
                memcmp(t->values[i].name, s + st, k - st) == 0) {
                break;
            }
        }
        if (i == t->nvalues) {
            char nm[64];
            snprintf(nm, sizeof(nm), "%.*s", (int)(k - st > 60 ? 60 : k - st),
                     s + st);
            return syntax(r, "unknown Value '%s' in substitution", nm);
        }
        /* The reference puts the name into the Value's first "(". */
        if (nr_buf_add(out, "(?P<", 4) != 0 ||
            nr_buf_adds(out, t->values[i].name) != 0 ||
            nr_buf_addc(out, '>') != 0 ||
            nr_buf_adds(out, t->values[i].regex + 1) != 0) {
            return syntax(r, "rule too long");
        }
        i = k + (size_t)braced;
    }
    return 0;
}

static int word_at(const char *s, size_t n, const char *w)
{
    size_t k = strlen(w);

    return n >= k && memcmp(s, w, k) == 0;
}

/* The new-state token: a word or a double-quoted message, alone to the
 * end of the action. */
static int state_token(const char *s, size_t n)
{
    size_t i;

    if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
        return 1;
    }
    if (n == 0) {
        return 0;
    }
    for (i = 0; i < n; i++) {
        if (!is_word((unsigned char)s[i])) {
            return 0;
        }
    }
    return 1;
}

/* After an operator: nothing, or white space and a state token. */
static int tail_state(const char *s, size_t n, const char **st, size_t *sl)
{
    size_t i = 0;

    if (n == 0) {
        *st = NULL;
        *sl = 0;
        return 1;
    }
    while (i < n && is_space((unsigned char)s[i])) {
        i++;
    }
    if (i == 0 || !state_token(s + i, n - i)) {
        return 0;
    }
    *st = s + i;
    *sl = n - i;
    return 1;
}

static const char *const rec_words[] = { "NoRecord", "Record", "Clearall",
                                         "Clear" };
static const enum nr_tfsm__recop rec_ops[] = {
    NR_TFSM__NORECORD, NR_TFSM__RECORD, NR_TFSM__CLEARALL, NR_TFSM__CLEAR
};

static int parse_recop(const char *s, size_t n, enum nr_tfsm__recop *op,
                       const char **st, size_t *sl)
{
    size_t k;

    for (k = 0; k < 4; k++) {
        size_t wl = strlen(rec_words[k]);
        if (word_at(s, n, rec_words[k]) &&
            tail_state(s + wl, n - wl, st, sl)) {
            *op = rec_ops[k];
            return 1;
        }
    }
    return 0;
}

/* The three action forms the reference tries in turn:
 * "L[.R] [state]", "R [state]", "[state]". */
static int parse_action(struct nr_tfsm__rule *ru, const char *a, size_t n,
                        const char **st, size_t *sl)
{
    static const char *const line_words[] = { "Continue", "Next", "Error" };
    static const enum nr_tfsm__lineop line_ops[] = {
        NR_TFSM__CONTINUE, NR_TFSM__NEXT, NR_TFSM__ERROR
    };
    size_t i = 0;
    size_t k;

    *st = NULL;
    *sl = 0;
    while (i < n && is_space((unsigned char)a[i])) {
        i++;
    }
    if (i > 0) {
        for (k = 0; k < 3; k++) {
            size_t wl = strlen(line_words[k]);
            const char *rest = a + i + wl;
            size_t rl = n - i - wl;
            if (!word_at(a + i, n - i, line_words[k])) {
                continue;
            }
            if (tail_state(rest, rl, st, sl) ||
                (rl > 0 && rest[0] == '.' &&
                 parse_recop(rest + 1, rl - 1, &ru->rec_op, st, sl))) {
                ru->line_op = line_ops[k];
                return 0;
            }
        }
        if (parse_recop(a + i, n - i, &ru->rec_op, st, sl)) {
            return 0;
        }
    }
    return tail_state(a, n, st, sl) ? 0 : -1;
}

static int find_state(const struct nr_tfsm__tpl *t, const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < t->nstates; i++) {
        if (strlen(t->states[i].name) == n &&
            memcmp(t->states[i].name, s, n) == 0) {
            return (int)i;
        }
    }
    return NR_TFSM__STATE_NONE;
}

static int parse_rule(struct reader *r, struct nr_tfsm__tpl *t,
                      struct nr_tfsm__names *nm, struct nr_tfsm__rule *ru,
                      const char *s, size_t n)
{
    struct nr_buf *pat = &r->pat;
    const char *st = NULL;
    size_t sl = 0;
    size_t mlen;
    size_t i;
    uint32_t cnt = 0, esz = 0;
    PCRE2_SPTR tab;
    int rc = -1;

    memset(ru, 0, sizeof(*ru));
    nr_buf_reset(pat);
    ru->line = r->lineno;
    ru->id = t->nrules++;
    ru->next_state = NR_TFSM__STATE_NONE;
    while (n > 0 && is_space((unsigned char)s[0])) {
        s++;
        n--;
    }
    mlen = n;
    /* The action follows the last " ->". */
    for (i = n; i >= 3; i--) {
        if (is_space((unsigned char)s[i - 3]) && s[i - 2] == '-' &&
            s[i - 1] == '>') {
            mlen = i - 3;
            break;
        }
    }
    if (mlen < n) {
        if (parse_action(ru, s + mlen + 3, n - mlen - 3, &st, &sl) != 0) {
            syntax(r, "badly formatted rule action");
            goto out;
        }
    }
    if (st != NULL) {
        if (ru->line_op == NR_TFSM__CONTINUE) {
            syntax(r, "Continue cannot change state");
            goto out;
        }
        if (ru->line_op != NR_TFSM__ERROR && st[0] == '"') {
            syntax(r, "state names are alphanumeric");
            goto out;
        }
        ru->message = strndup(st, sl);
        if (ru->message == NULL) {
            syntax(r, "out of memory");
            goto out;
        }
    }
    if (substitute(r, t, s, mlen, pat) != 0) {
        goto out;
    }
    if (nr_tfsm__re_get(&ru->re, nr_buf_str(pat), pat->len, nm, 1, &r->xl,
                        r->why, sizeof(r->why)) != 0) {
        syntax(r, "invalid regular expression: %s", r->why);
        goto out;
    }
    if (ru->re->ngroups > t->max_groups) {
        t->max_groups = ru->re->ngroups;
    }
    pcre2_pattern_info(ru->re->code, PCRE2_INFO_NAMECOUNT, &cnt);
    pcre2_pattern_info(ru->re->code, PCRE2_INFO_NAMEENTRYSIZE, &esz);
    pcre2_pattern_info(ru->re->code, PCRE2_INFO_NAMETABLE, &tab);
    ru->assign = calloc(cnt ? cnt : 1, sizeof(*ru->assign));
    if (ru->assign == NULL) {
        syntax(r, "out of memory");
        goto out;
    }
    /* Assign in group order, as Python's groupdict() iterates. */
    for (i = 0; i < cnt; i++) {
        const unsigned char *e = tab + i * esz;
        size_t at = ru->nassign;
        if (e[2] != 'v') {
            continue;
        }
        while (at > 0 && ru->assign[at - 1].group > (((uint32_t)e[0] << 8) |
                                                     e[1])) {
            ru->assign[at] = ru->assign[at - 1];
            at--;
        }
        ru->assign[at].group = ((uint32_t)e[0] << 8) | e[1];
        ru->assign[at].value = (uint32_t)strtoul((const char *)e + 3, NULL,
                                                 10);
        ru->nassign++;
    }
    rc = 0;
out:
    return rc;
}

static int is_reserved(const char *s, size_t n)
{
    static const char *const words[] = { "Continue", "Next", "Error",
                                         "Clear", "Clearall", "Record",
                                         "NoRecord" };
    size_t k;

    for (k = 0; k < sizeof(words) / sizeof(words[0]); k++) {
        if (strlen(words[k]) == n && memcmp(words[k], s, n) == 0) {
            return 1;
        }
    }
    return 0;
}

/* One state: its name line, then rules up to a blank line.  *done is
 * set when the file ends before a state name. */
static int parse_state(struct reader *r, struct nr_tfsm__tpl *t,
                       struct nr_tfsm__names *nm, int *done)
{
    const char *s = NULL;
    size_t n = 0;
    size_t i;
    size_t cap = 0;
    struct nr_tfsm__state *stt;
    void *p;
    char shown[64];

    *done = 1;
    while (next_line(r, &s, &n)) {
        if (n > 0 && !is_comment(s, n)) {
            *done = 0;
            break;
        }
    }
    if (*done) {
        return 0;
    }
    snprintf(shown, sizeof(shown), "%.*s", (int)(n > 60 ? 60 : n), s);
    for (i = 0; i < n && is_word((unsigned char)s[i]); i++) {
    }
    if (i != n || n > NR_TFSM__MAX_NAME || is_reserved(s, n)) {
        return syntax(r, "invalid state name '%s'", shown);
    }
    if (find_state(t, s, n) != NR_TFSM__STATE_NONE) {
        return syntax(r, "duplicate state name '%s'", shown);
    }
    p = realloc(t->states, (t->nstates + 1) * sizeof(*t->states));
    if (p == NULL) {
        return syntax(r, "out of memory");
    }
    t->states = p;
    stt = &t->states[t->nstates++];
    memset(stt, 0, sizeof(*stt));
    stt->name = strndup(s, n);
    if (stt->name == NULL) {
        return syntax(r, "out of memory");
    }
    while (next_line(r, &s, &n)) {
        if (n == 0) {
            break;
        }
        if (is_comment(s, n)) {
            continue;
        }
        if (!starts(s, n, " ^") && !starts(s, n, "  ^") &&
            !starts(s, n, "\t^")) {
            return syntax(r, "missing white space or caret ('^') before "
                          "rule");
        }
        if (stt->nrules == cap) {
            cap = cap ? cap * 2 : 8;
            p = realloc(stt->rules, cap * sizeof(*stt->rules));
            if (p == NULL) {
                return syntax(r, "out of memory");
            }
            stt->rules = p;
        }
        if (parse_rule(r, t, nm, &stt->rules[stt->nrules], s, n) != 0) {
            /* Keep the half-built rule so free releases what it holds. */
            stt->nrules++;
            return -1;
        }
        stt->nrules++;
    }
    return 0;
}

/* Resolve each rule's new state now that all states are known. */
static int link_states(struct reader *r, struct nr_tfsm__tpl *t)
{
    size_t i, j;
    int end = find_state(t, "End", 3);
    int eof = find_state(t, "EOF", 3);

    t->start = find_state(t, "Start", 5);
    r->lineno = 0;
    if (t->start < 0) {
        nr_err_set(r->err, NR_ERR_USAGE, "template", "%s: missing state "
                   "'Start'", r->file);
        return -1;
    }
    if ((end >= 0 && t->states[end].nrules > 0) ||
        (eof >= 0 && t->states[eof].nrules > 0)) {
        nr_err_set(r->err, NR_ERR_USAGE, "template", "%s:%u: state '%s' "
                   "must be empty", r->file,
                   t->states[end >= 0 && t->states[end].nrules > 0 ? end
                                                                   : eof]
                       .rules[0].line,
                   end >= 0 && t->states[end].nrules > 0 ? "End" : "EOF");
        return -1;
    }
    t->has_eof = eof >= 0;
    for (i = 0; i < t->nstates; i++) {
        for (j = 0; j < t->states[i].nrules; j++) {
            struct nr_tfsm__rule *ru = &t->states[i].rules[j];
            const char *m = ru->message;
            if (ru->line_op == NR_TFSM__ERROR || m == NULL) {
                continue;
            }
            if (strcmp(m, "End") == 0) {
                ru->next_state = NR_TFSM__STATE_END;
            } else if (strcmp(m, "EOF") == 0) {
                ru->next_state = NR_TFSM__STATE_EOF;
            } else {
                ru->next_state = find_state(t, m, strlen(m));
                if (ru->next_state < 0) {
                    nr_err_set(r->err, NR_ERR_USAGE, "template",
                               "%s:%u: state '%s' not found", r->file,
                               ru->line, m);
                    return -1;
                }
            }
        }
    }
    return 0;
}

void nr_tfsm__tpl_free(struct nr_tfsm__tpl *t)
{
    size_t i, j;

    if (t == NULL) {
        return;
    }
    for (i = 0; i < t->nvalues; i++) {
        free(t->values[i].name);
        free(t->values[i].regex);
        nr_tfsm__re_put(t->values[i].nested);
        for (j = 0; j < t->values[i].nnested; j++) {
            free(t->values[i].nested_names[j]);
        }
        free(t->values[i].nested_names);
        free(t->values[i].nested_groups);
    }
    free(t->values);
    for (i = 0; i < t->nstates; i++) {
        for (j = 0; j < t->states[i].nrules; j++) {
            nr_tfsm__re_put(t->states[i].rules[j].re);
            free(t->states[i].rules[j].message);
            free(t->states[i].rules[j].assign);
        }
        free(t->states[i].rules);
        free(t->states[i].name);
    }
    free(t->states);
    free(t->file);
    free(t);
}

int nr_tfsm__tpl_compile(struct nr_tfsm__tpl **out, const char *file,
                         const char *text, size_t len, struct nr_err *err)
{
    struct nr_tfsm__tpl *t = NULL;
    struct nr_tfsm__names nm = { NULL, 0, 0, 0, 0 };
    struct reader r;
    size_t i, idx;
    int done = 0;
    int rc = -1;

    *out = NULL;
    memset(&r, 0, sizeof(r));
    r.p = text;
    r.len = len;
    r.file = file;
    r.err = err;
    r.pat.max = (size_t)8 << 20;
    r.xl.max = (size_t)16 << 20;
    t = calloc(1, sizeof(*t));
    if (t == NULL || (t->file = strdup(file)) == NULL) {
        nr_err_set(err, NR_ERR_LIMIT, "template", "%s: out of memory", file);
        goto out;
    }
    if (parse_values(&r, t) != 0) {
        goto out;
    }
    for (i = 0; i < t->nvalues; i++) {
        if (nr_tfsm__names_add(&nm, t->values[i].name,
                               strlen(t->values[i].name), &idx) != 0) {
            nr_err_set(err, NR_ERR_LIMIT, "template", "%s: out of memory",
                       file);
            goto out;
        }
    }
    nm.nvalues = nm.n;
    do {
        if (parse_state(&r, t, &nm, &done) != 0) {
            goto out;
        }
    } while (!done);
    if (link_states(&r, t) != 0) {
        goto out;
    }
    *out = t;
    t = NULL;
    rc = 0;
out:
    nr_buf_dispose(&r.pat);
    nr_buf_dispose(&r.xl);
    nr_tfsm__names_dispose(&nm);
    nr_tfsm__tpl_free(t);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Public loading                                                      */
/* ------------------------------------------------------------------ */

void nr_tfsm_free(struct nr_tfsm *fsm)
{
    size_t i;

    if (fsm == NULL) {
        return;
    }
    for (i = 0; i < fsm->ntpl; i++) {
        nr_tfsm__tpl_free(fsm->tpl[i]);
    }
    free(fsm->tpl);
    free(fsm);
}

static int add_tpl(struct nr_tfsm *fsm, const char *file, const char *text,
                   size_t len, struct nr_err *err)
{
    struct nr_tfsm__tpl *t = NULL;
    void *p;

    p = realloc(fsm->tpl, (fsm->ntpl + 1) * sizeof(*fsm->tpl));
    if (p == NULL) {
        nr_err_set(err, NR_ERR_LIMIT, "template", "out of memory");
        return -1;
    }
    fsm->tpl = p;
    if (nr_tfsm__tpl_compile(&t, file, text, len, err) != 0) {
        return -1;
    }
    fsm->tpl[fsm->ntpl++] = t;
    return 0;
}

int nr_tfsm_load(struct nr_tfsm **out, const char *paths, struct nr_err *err)
{
    struct nr_tfsm *fsm = NULL;
    struct nr_buf b = NR_BUF_INIT(MAX_TEMPLATE_BYTES);
    char *list = NULL;
    char *cur, *colon;
    int rc = -1;

    *out = NULL;
    fsm = calloc(1, sizeof(*fsm));
    list = strdup(paths);
    if (fsm == NULL || list == NULL) {
        nr_err_set(err, NR_ERR_LIMIT, "template", "out of memory");
        goto out;
    }
    for (cur = list; cur != NULL; cur = colon) {
        colon = strchr(cur, ':');
        if (colon != NULL) {
            *colon++ = '\0';
        }
        if (*cur == '\0') {
            nr_err_set(err, NR_ERR_USAGE, "template", "empty template name "
                       "in '%s'", paths);
            goto out;
        }
        nr_buf_reset(&b);
        if (nr_tfsm__slurp(&b, cur, err) != 0) {
            err->kind = NR_ERR_USAGE;
            goto out;
        }
        if (add_tpl(fsm, cur, nr_buf_str(&b), b.len, err) != 0) {
            goto out;
        }
    }
    *out = fsm;
    fsm = NULL;
    rc = 0;
out:
    nr_buf_dispose(&b);
    free(list);
    nr_tfsm_free(fsm);
    return rc;
}

int nr_tfsm_load_text(struct nr_tfsm **out, const char *name,
                      const char *text, size_t len, struct nr_err *err)
{
    struct nr_tfsm *fsm = NULL;
    int rc = -1;

    *out = NULL;
    fsm = calloc(1, sizeof(*fsm));
    if (fsm == NULL) {
        nr_err_set(err, NR_ERR_LIMIT, "template", "out of memory");
        goto out;
    }
    if (add_tpl(fsm, name != NULL ? name : "<template>", text, len, err) !=
        0) {
        goto out;
    }
    *out = fsm;
    fsm = NULL;
    rc = 0;
out:
    nr_tfsm_free(fsm);
    return rc;
}

int nr_tfsm_add_text(struct nr_tfsm *fsm, const char *name, const char *text,
                     size_t len, struct nr_err *err)
{
    return add_tpl(fsm, name != NULL ? name : "<template>", text, len, err);
}
