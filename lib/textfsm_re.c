/* textfsm_re.c — Python `re` patterns run by PCRE2: the translation of
 * what the two read differently, and a process-wide cache of compiled
 * patterns (templates repeat the same Value regexes many times over). */
#include <errno.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "textfsm.h"

/* When to JIT-compile a pattern.  A compile costs, measured over the
 * corpus's 4,500 distinct rule patterns compiled back to back in one
 * process, about 3 us plus 0.12 us per pattern byte for the ASCII twin
 * (its PCRE2 compile included) and 3 us plus 0.18 us per byte for the
 * UCP code: as much as 5 to 50 interpreted matches.  Most rules of most
 * templates run a handful of times, so it must pay for itself.  The
 * fastest of a pattern's first TIMED_CALLS interpreted matches gives its
 * cost per call; it is compiled when the calls its caller still expects
 * on this input would cost, interpreted, twice the compile (JIT matching
 * costs at most half), or when its interpreted time over the process's
 * life passes SPENT_FACTOR compiles (a pattern used again and again on
 * small inputs).
 *
 * In place, amid parsing, a compile costs more: timed inside the corpus
 * benchmark, the 135 compiles of a run fit 6 us + 0.72 us per byte (cold
 * caches, fresh executable pages), four times these constants.  Using
 * that fit made the corpus slower all the same (six alternating runs
 * each, best per case: parse 40.8 ms against 39.0 ms), because the
 * fastest of the first few calls also understates what later calls
 * cost; the two errors offset, so these constants stay, as a tuning
 * rather than a cost claim.  Its price: a case whose one compile does
 * not pay (nxos show module, a 145-byte pattern: 120 us, not 20) is
 * 1.2x faster than Python instead of 8x; with the fit, a traceroute
 * case that needs its compile took that place at 1.45x. */
#define TIMED_CALLS 4u
#define JIT_NS_BASE 3000u
#define JIT_NS_PER_BYTE_ASCII 120u
#define JIT_NS_PER_BYTE_UCP 180u
/* The first JIT compile in a process costs 200 to 700 us more: the JIT
 * compiler's own code is faulted in (measured here with a three-pattern
 * program: 220-680 us, then 27 us, then 9 us).  A short input that
 * needs no JIT should not pay it. */
#define JIT_NS_FIRST 250000u
#define SPENT_FACTOR 3u

/* Python's re spends seconds on the worst corpus inputs; PCRE2 needs far
 * fewer steps, so this only stops input built to explode.  An
 * interpreted call that needs more than PROBE_LIMIT steps (some
 * microseconds) marks a backtracking pattern, JIT-compiled at once: the
 * timed first calls may have been cheap lines and underrate it. */
#define MATCH_LIMIT 20000000u
#define PROBE_LIMIT 5000u
#define PROBE_FEW_LINES 16u
#define PROBE2_LIMIT 200000u
#define DEPTH_LIMIT 2000000u

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct nr_tfsm__re **cache_tab;
static size_t cache_size;
static size_t cache_count;
/* Match data kept between parses (under cache_lock): pcre2_match keeps
 * its backtracking frames in it, allocated (20 KiB and up) on first
 * use, so a fresh one per parse costs a malloc and page faults. */
#define MD_POOL 4
static pcre2_match_data *md_pool[MD_POOL];
static size_t md_pool_count;
static pcre2_compile_context *compile_ctx;
/* Likewise blocks of memory for a parse's text, lines and records: a
 * fresh malloc of these sizes often grows the heap and faults its pages
 * in again, which costs more than parsing a small input. */
#define BLOCK_POOL 8
#define BLOCK_MAX ((size_t)1 << 20)
static struct {
    void *p;
    size_t n;
} block_pool[BLOCK_POOL];
static size_t block_count;

/* ------------------------------------------------------------------ */
/* Group names                                                         */
/* ------------------------------------------------------------------ */

void nr_tfsm__names_dispose(struct nr_tfsm__names *nm)
{
    size_t i;

    for (i = 0; i < nm->n; i++) {
        free(nm->name[i]);
    }
    free(nm->name);
    nm->name = NULL;
    nm->n = 0;
    nm->cap = 0;
}

int nr_tfsm__names_add(struct nr_tfsm__names *nm, const char *s, size_t len,
                       size_t *idx)
{
    size_t i;
    char **p;

    for (i = 0; i < nm->n; i++) {
        if (strlen(nm->name[i]) == len && memcmp(nm->name[i], s, len) == 0) {
            *idx = i;
            return 0;
        }
    }
    if (nm->n == nm->cap) {
        p = realloc(nm->name, (nm->cap ? nm->cap * 2 : 8) * sizeof(*p));
        if (p == NULL) {
            return -1;
        }
        nm->name = p;
        nm->cap = nm->cap ? nm->cap * 2 : 8;
    }
    nm->name[nm->n] = strndup(s, len);
    if (nm->name[nm->n] == NULL) {
        return -1;
    }
    *idx = nm->n++;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Translation                                                         */
/* ------------------------------------------------------------------ */

struct xl {
    const char *p;
    size_t i;
    size_t len;
    struct nr_buf *out;
    struct nr_tfsm__names *nm;
    char *why;
    size_t whylen;
    int oom;
    int numref;              /* refers to a group by number */
};

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int is_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int emit(struct xl *x, const char *s, size_t n)
{
    if (nr_buf_add(x->out, s, n) != 0) {
        x->oom = 1;
        snprintf(x->why, x->whylen, "pattern too large");
        return -1;
    }
    return 0;
}

static int emitf(struct xl *x, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int emitf(struct xl *x, const char *fmt, ...)
{
    char tmp[32];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    return emit(x, tmp, (size_t)n);
}

/* "v12" or "n3": the internal name of group idx.  Written by hand, not
 * through printf: every Value of every rule comes through here. */
static int emit_group_name(struct xl *x, char kind, size_t idx)
{
    char tmp[24];
    size_t n = sizeof(tmp);

    do {
        tmp[--n] = (char)('0' + idx % 10);
        idx /= 10;
    } while (idx > 0);
    tmp[--n] = kind;
    return emit(x, tmp + n, sizeof(tmp) - n);
}

static int fail(struct xl *x, const char *msg, size_t at)
{
    snprintf(x->why, x->whylen, "%s at position %zu", msg, at);
    return -1;
}

/* Python reads exactly n hex digits after \x, \u and \U. */
static int read_hex(struct xl *x, size_t n, unsigned long *v)
{
    size_t k;
    int h;

    *v = 0;
    for (k = 0; k < n; k++) {
        if (x->i + k >= x->len) {
            return -1;
        }
        h = nr_hexval((unsigned char)x->p[x->i + k]);
        if (h < 0) {
            return -1;
        }
        *v = *v * 16 + (unsigned long)h;
    }
    x->i += n;
    return 0;
}

/* One escape; x->i is on the character after the backslash. */
static int xl_escape(struct xl *x, int in_class)
{
    size_t at = x->i - 1;
    int c;
    unsigned long v;
    size_t k;

    if (x->i >= x->len) {
        return fail(x, "bad escape (end of pattern)", at);
    }
    c = (unsigned char)x->p[x->i++];
    switch (c) {
    case 'd': case 'D': case 's': case 'S': case 'w': case 'W':
    case 'n': case 'r': case 't':
        return emit(x, x->p + at, 2);
    case 'A': case 'b': case 'B': case 'Z':
        if (in_class) {
            if (c == 'b') {
                return emit(x, "\\x08", 4);
            }
            return fail(x, "bad escape in character class", at);
        }
        /* Python's \Z is PCRE2's \z: the very end, never before a
         * final newline. */
        return emit(x, c == 'Z' ? "\\z" : x->p + at, 2);
    case 'a':
        return emit(x, "\\x07", 4);
    case 'f':
        return emit(x, "\\x0c", 4);
    case 'v':
        /* In PCRE2 \v is a class of vertical space. */
        return emit(x, "\\x0b", 4);
    case 'x':
        if (read_hex(x, 2, &v) != 0) {
            return fail(x, "incomplete escape \\x", at);
        }
        return emitf(x, "\\x{%lx}", v);
    case 'u': case 'U':
        if (read_hex(x, c == 'u' ? 4 : 8, &v) != 0 || v > 0x10ffff) {
            return fail(x, "bad \\u or \\U escape", at);
        }
        return emitf(x, "\\x{%lx}", v);
    default:
        break;
    }
    if (is_digit(c)) {
        /* \0 and three octal digits are octal; otherwise a group number
         * of one or two digits (Python's rule). */
        size_t st = x->i - 1;
        int oct3 = c <= '7' && st + 2 < x->len && x->p[st + 1] >= '0' &&
                   x->p[st + 1] <= '7' && x->p[st + 2] >= '0' &&
                   x->p[st + 2] <= '7';
        if (c == '0' || oct3 || in_class) {
            v = 0;
            for (k = 0; k < 3 && st + k < x->len && x->p[st + k] >= '0' &&
                        x->p[st + k] <= '7';
                 k++) {
                v = v * 8 + (unsigned long)(x->p[st + k] - '0');
            }
            if (k == 0 || (c != '0' && !oct3 && in_class)) {
                return fail(x, "bad escape in character class", at);
            }
            x->i = st + k;
            if (v > 0377) {
                return fail(x, "octal escape out of range", at);
            }
            return emitf(x, "\\x{%lx}", v);
        }
        v = (unsigned long)(c - '0');
        if (x->i < x->len && is_digit((unsigned char)x->p[x->i])) {
            v = v * 10 + (unsigned long)(x->p[x->i++] - '0');
        }
        x->numref = 1;
        return emitf(x, "\\g{%lu}", v);
    }
    if (c < 0x80 && is_alpha(c)) {
        return fail(x, "bad escape", at);
    }
    if (c >= 0x80) {
        /* A non-ASCII character stands for itself. */
        x->i--;
        return 0;
    }
    return emit(x, x->p + at, 2);
}

static int xl_class(struct xl *x)
{
    size_t at = x->i - 1;
    int c;

    if (emit(x, "[", 1) != 0) {
        return -1;
    }
    if (x->i < x->len && x->p[x->i] == '^') {
        x->i++;
        if (emit(x, "^", 1) != 0) {
            return -1;
        }
    }
    if (x->i < x->len && x->p[x->i] == ']') {
        x->i++;
        if (emit(x, "\\]", 2) != 0) {
            return -1;
        }
    }
    while (x->i < x->len) {
        c = (unsigned char)x->p[x->i++];
        if (c == ']') {
            return emit(x, "]", 1);
        }
        if (c == '\\') {
            if (xl_escape(x, 1) != 0) {
                return -1;
            }
        } else if (c == '[') {
            /* Python has no [:alpha:] classes: '[' is a plain member. */
            if (emit(x, "\\[", 2) != 0) {
                return -1;
            }
        } else if (emit(x, x->p + x->i - 1, 1) != 0) {
            return -1;
        }
    }
    return fail(x, "unterminated character set", at);
}

static int name_ok(const char *s, size_t n)
{
    size_t k;

    if (n == 0 || is_digit((unsigned char)s[0])) {
        return 0;
    }
    for (k = 0; k < n; k++) {
        unsigned char c = (unsigned char)s[k];
        if (!(is_alpha(c) || is_digit(c) || c == '_' || c >= 0x80)) {
            return 0;
        }
    }
    return 1;
}

/* "(?P<" or "(?P=" or "(?(": read a name up to term, emit its short
 * internal form. */
static int xl_name(struct xl *x, char term, int define)
{
    size_t st = x->i;
    size_t idx;
    size_t k;

    while (x->i < x->len && x->p[x->i] != term) {
        x->i++;
    }
    if (x->i >= x->len) {
        return fail(x, "missing group name terminator", st);
    }
    if (!define && x->i > st) {
        int digits = 1;
        for (k = st; k < x->i; k++) {
            digits = digits && is_digit((unsigned char)x->p[k]);
        }
        if (digits) {
            x->numref = 1;
            emit(x, x->p + st, x->i - st);
            x->i++;
            return emit(x, &term, 1);
        }
    }
    if (!name_ok(x->p + st, x->i - st)) {
        return fail(x, "bad character in group name", st);
    }
    if (!define) {
        for (idx = 0; idx < x->nm->n; idx++) {
            if (strlen(x->nm->name[idx]) == x->i - st &&
                memcmp(x->nm->name[idx], x->p + st, x->i - st) == 0) {
                break;
            }
        }
        if (idx == x->nm->n) {
            return fail(x, "unknown group name", st);
        }
    } else if (nr_tfsm__names_add(x->nm, x->p + st, x->i - st, &idx) != 0) {
        x->oom = 1;
        return fail(x, "out of memory", st);
    }
    x->i++;
    return emit_group_name(x, idx < x->nm->nvalues ? 'v' : 'n', idx) |
           emit(x, &term, 1);
}

/* Flags a Python group may carry; 'a' and 'L' change what classes mean
 * in ways PCRE2 cannot scope, so they are refused rather than ignored. */
static int xl_flags(struct xl *x, uint32_t *global, size_t at)
{
    size_t st = x->i;
    int neg = 0;
    int c;

    while (x->i < x->len) {
        c = (unsigned char)x->p[x->i];
        if (c == 'i' || c == 'm' || c == 's' || c == 'x' || c == 'u' ||
            c == 'a' || c == 'L') {
            if (c == 'a' || c == 'L') {
                if (global == NULL || c == 'L') {
                    return fail(x, "unsupported inline flag", x->i);
                }
                *global &= ~(uint32_t)PCRE2_UCP;
            }
            x->i++;
            continue;
        }
        if (c == '-' && !neg) {
            neg = 1;
            x->i++;
            continue;
        }
        break;
    }
    if (x->i >= x->len || (x->p[x->i] != ')' && x->p[x->i] != ':')) {
        return fail(x, "unknown extension", at);
    }
    if (x->p[x->i] == ')') {
        size_t k;
        /* Python 3.11 accepts global flags only at the very start. */
        if (global == NULL || neg) {
            return fail(x, "global flags not at the start of the expression",
                        at);
        }
        for (k = st; k < x->i; k++) {
            switch (x->p[k]) {
            case 'i': *global |= PCRE2_CASELESS; break;
            case 'm': *global |= PCRE2_MULTILINE; break;
            case 's': *global |= PCRE2_DOTALL; break;
            case 'x': *global |= PCRE2_EXTENDED; break;
            default: break;
            }
        }
        x->i++;
        return 0;
    }
    if (emit(x, "(?", 2) != 0) {
        return -1;
    }
    for (; st < x->i; st++) {
        if (x->p[st] != 'u' && x->p[st] != 'a') {
            if (emit(x, x->p + st, 1) != 0) {
                return -1;
            }
        }
    }
    x->i++;
    return emit(x, ":", 1);
}

static int xl_group(struct xl *x, uint32_t *global)
{
    size_t at = x->i - 1;
    const char *p = x->p + x->i;
    size_t left = x->len - x->i;

    if (left == 0 || p[0] != '?') {
        return emit(x, "(", 1);
    }
    if (left >= 3 && p[1] == 'P' && p[2] == '<') {
        x->i += 3;
        if (emit(x, "(?<", 3) != 0) {
            return -1;
        }
        return xl_name(x, '>', 1);
    }
    if (left >= 3 && p[1] == 'P' && p[2] == '=') {
        x->i += 3;
        if (emit(x, "(?P=", 4) != 0) {
            return -1;
        }
        return xl_name(x, ')', 0);
    }
    if (left >= 2 && p[1] == '(') {
        x->i += 2;
        if (emit(x, "(?(", 3) != 0) {
            return -1;
        }
        return xl_name(x, ')', 0);
    }
    if (left >= 2 && p[1] == '#') {
        while (x->i < x->len && x->p[x->i] != ')') {
            x->i++;
        }
        if (x->i >= x->len) {
            return fail(x, "missing ), unterminated comment", at);
        }
        x->i++;
        return 0;
    }
    if (left >= 2 && (p[1] == ':' || p[1] == '=' || p[1] == '!' ||
                      p[1] == '>')) {
        x->i += 2;
        return emit(x, x->p + at, 3);
    }
    if (left >= 3 && p[1] == '<' && (p[2] == '=' || p[2] == '!')) {
        x->i += 3;
        return emit(x, x->p + at, 4);
    }
    x->i += 1;
    return xl_flags(x, at == 0 ? global : NULL, at);
}

/* "{" starts a repeat only in Python's exact forms; {,n} means {0,n}. */
static int xl_brace(struct xl *x)
{
    size_t st = x->i;
    size_t lo_st = st;
    size_t lo_n, hi_st, hi_n;
    int comma = 0;

    while (x->i < x->len && is_digit((unsigned char)x->p[x->i])) {
        x->i++;
    }
    lo_n = x->i - lo_st;
    hi_st = x->i;
    if (x->i < x->len && x->p[x->i] == ',') {
        comma = 1;
        x->i++;
        hi_st = x->i;
        while (x->i < x->len && is_digit((unsigned char)x->p[x->i])) {
            x->i++;
        }
    }
    hi_n = x->i - hi_st;
    if (x->i >= x->len || x->p[x->i] != '}' || (!comma && lo_n == 0)) {
        x->i = st;
        return emit(x, "\\{", 2);
    }
    x->i++;
    if (emit(x, "{", 1) != 0) {
        return -1;
    }
    if (lo_n == 0) {
        if (emit(x, "0", 1) != 0) {
            return -1;
        }
    } else if (emit(x, x->p + lo_st, lo_n) != 0) {
        return -1;
    }
    if (comma) {
        if (emit(x, ",", 1) != 0 || emit(x, x->p + hi_st, hi_n) != 0) {
            return -1;
        }
    }
    return emit(x, "}", 1);
}

int nr_tfsm__re_translate(struct nr_buf *out, uint32_t *flags,
                          const char *pat, size_t len,
                          struct nr_tfsm__names *nm, char *why,
                          size_t whylen)
{
    struct xl x = { pat, 0, len, out, nm, why, whylen, 0, 0 };
    int c;
    int rc = -1;

    /* The pattern is checked for valid UTF-8 here; subjects are made
     * valid before matching, so matches skip the check. */
    *flags = PCRE2_UTF | PCRE2_UCP | PCRE2_ANCHORED;
    while (x.i < x.len) {
        c = (unsigned char)x.p[x.i++];
        if (c == '\\') {
            if (xl_escape(&x, 0) != 0) {
                goto out;
            }
        } else if (c == '[') {
            if (xl_class(&x) != 0) {
                goto out;
            }
        } else if (c == '(') {
            if (xl_group(&x, flags) != 0) {
                goto out;
            }
        } else if (c == '{') {
            if (xl_brace(&x) != 0) {
                goto out;
            }
        } else if (emit(&x, x.p + x.i - 1, 1) != 0) {
            goto out;
        }
    }
    nm->numref |= x.numref;
    rc = 0;
out:
    return rc;
}

/* ------------------------------------------------------------------ */
/* Literal prefix of a rule                                            */
/* ------------------------------------------------------------------ */

static int top_level_alt(const char *p, size_t len)
{
    size_t i;
    int depth = 0;
    int in_class = 0;

    for (i = 0; i < len; i++) {
        if (p[i] == '\\') {
            i++;
        } else if (in_class) {
            if (p[i] == ']') {
                in_class = 0;
            }
        } else if (p[i] == '[') {
            in_class = 1;
            if (i + 1 < len && p[i + 1] == '^') {
                i++;
            }
            if (i + 1 < len && p[i + 1] == ']') {
                i++;
            }
        } else if (p[i] == '(') {
            depth++;
        } else if (p[i] == ')') {
            depth--;
        } else if (p[i] == '|' && depth == 0) {
            return 1;
        }
    }
    return 0;
}

void nr_tfsm__re_prefix(const char *pat, size_t len, char *prefix,
                        size_t *plen, size_t max, int *ws)
{
    size_t i = 0;
    size_t n = 0;
    size_t step;
    char lit;
    unsigned char c;

    *plen = 0;
    *ws = 0;
    if (len == 0 || pat[0] != '^' || top_level_alt(pat, len)) {
        return;
    }
    i = 1;
    /* "^\s*Lit" and "^\s+Lit": the literal follows the leading white
     * space exactly, as long as it does not start with white space. */
    if (len >= 4 && pat[1] == '\\' && pat[2] == 's' &&
        (pat[3] == '*' || pat[3] == '+') &&
        (len == 4 || strchr("?+{", pat[4]) == NULL)) {
        *ws = pat[3] == '*' ? 1 : 2;
        i = 4;
        if (i < len && (pat[i] == ' ' || (pat[i] == '\\' && i + 1 < len &&
                                          strchr(" tnrfv", pat[i + 1])))) {
            *ws = 0;
            return;
        }
    }
    while (i < len && n < max) {
        c = (unsigned char)pat[i];
        if (c == '\\' && i + 1 < len) {
            unsigned char e = (unsigned char)pat[i + 1];
            if (e >= 0x80 || is_alpha(e) || is_digit(e)) {
                break;
            }
            lit = (char)e;
            step = 2;
        } else if (c >= 0x80 || strchr(".^$*+?{}[]()|\\", c) != NULL ||
                   c == '#') {
            break;
        } else {
            lit = (char)c;
            step = 1;
        }
        /* A quantifier makes the character optional or repeatable. */
        if (i + step < len && strchr("?*+{", pat[i + step]) != NULL) {
            break;
        }
        prefix[n++] = lit;
        i += step;
    }
    *plen = n;
    if (n == 0) {
        *ws = 0;
    }
}

/* ------------------------------------------------------------------ */
/* Cache                                                               */
/* ------------------------------------------------------------------ */

static size_t hash_key(const char *s, size_t n)
{
    size_t h = 1469598103934665603ull;
    size_t i;

    for (i = 0; i < n; i++) {
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    }
    return h;
}

static struct nr_tfsm__re **table_alloc(size_t n)
{
    void *p = mmap(NULL, n * sizeof(struct nr_tfsm__re *),
                   PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

    return p == MAP_FAILED ? NULL : p;
}

static void table_free(struct nr_tfsm__re **t, size_t n)
{
    if (t != NULL) {
        munmap(t, n * sizeof(*t));
    }
}

static int cache_grow(void)
{
    /* Large enough for a whole template collection (ntc-templates:
     * ~4,500 patterns), as a rehash walks every entry and would land on
     * one template's compile (measured: about 280 us at 4,096 entries,
     * more than a typical template's whole compile).  The pages are
     * touched as buckets are used. */
    size_t nsize = cache_size ? cache_size * 2 : 8192;
    struct nr_tfsm__re **nt = table_alloc(nsize);
    struct nr_tfsm__re *e, *next;
    size_t i, h;

    if (nt == NULL) {
        return -1;
    }
    for (i = 0; i < cache_size; i++) {
        for (e = cache_tab[i]; e != NULL; e = next) {
            next = e->next;
            h = e->hash & (nsize - 1);
            e->next = nt[h];
            nt[h] = e;
        }
    }
    table_free(cache_tab, cache_size);
    cache_tab = nt;
    cache_size = nsize;
    return 0;
}

static void re_destroy(struct nr_tfsm__re *re)
{
    pcre2_code *j = atomic_load(&re->jit);

    if (j != NULL) {
        pcre2_code_free(j);
    }
    pcre2_code_free(atomic_load(&re->jit_ascii));
    pcre2_code_free(re->code);
    free(re->key);
    free(re);
}

static struct nr_tfsm__re *re_compile(const char *key, size_t patlen,
                                      size_t keylen, uint32_t flags,
                                      char *why, size_t whylen)
{
    struct nr_tfsm__re *re = NULL;
    pcre2_compile_context *cc = NULL;
    int ec = 0;
    PCRE2_SIZE eo = 0;
    PCRE2_UCHAR msg[160];

    re = calloc(1, sizeof(*re));
    /* One context for all (the cache lock is held). */
    if (compile_ctx == NULL &&
        (compile_ctx = pcre2_compile_context_create(NULL)) != NULL) {
        pcre2_set_newline(compile_ctx, PCRE2_NEWLINE_LF);
    }
    cc = compile_ctx;
    if (re == NULL || cc == NULL) {
        snprintf(why, whylen, "out of memory");
        goto fail;
    }
    /* The key is the translated pattern followed by the flags. */
    re->code = pcre2_compile((PCRE2_SPTR)key, patlen, flags, &ec, &eo, cc);
    if (re->code == NULL) {
        pcre2_get_error_message(ec, msg, sizeof(msg));
        snprintf(why, whylen, "%s", (char *)msg);
        goto fail;
    }
    pcre2_pattern_info(re->code, PCRE2_INFO_CAPTURECOUNT, &re->ngroups);
    re->ucp = (flags & PCRE2_UCP) != 0;
    re->key = malloc(keylen);
    if (re->key == NULL) {
        snprintf(why, whylen, "out of memory");
        goto fail;
    }
    memcpy(re->key, key, keylen);
    re->keylen = keylen;
    return re;
fail:
    if (re != NULL) {
        pcre2_code_free(re->code);
        free(re);
    }
    return NULL;
}

int nr_tfsm__re_get(struct nr_tfsm__re **out, const char *pat, size_t len,
                    struct nr_tfsm__names *nm, int named_only,
                    struct nr_buf *scratch, char *why, size_t whylen)
{
    struct nr_buf own = NR_BUF_INIT((size_t)16 << 20);
    struct nr_buf *bp = scratch != NULL ? scratch : &own;
    struct nr_tfsm__re *e = NULL;
    uint32_t flags = 0;
    size_t patlen;
    size_t hash, h;
    int locked = 0;
    int rc = -1;

    int numref = nm->numref;

    *out = NULL;
    nm->numref = 0;
    nr_buf_reset(bp);
    if (nr_tfsm__re_translate(bp, &flags, pat, len, nm, why, whylen) != 0) {
        nm->numref |= numref;
        goto out;
    }
    /* Only named groups are read back: unnamed ones need not capture,
     * which makes every backtracking frame smaller and the JIT code
     * shorter.  Not when a group is referred to by its number. */
    if (named_only && !nm->numref) {
        flags |= PCRE2_NO_AUTO_CAPTURE;
    }
    nm->numref |= numref;
    patlen = bp->len;
    if (nr_buf_add(bp, &flags, sizeof(flags)) != 0) {
        snprintf(why, whylen, "pattern too large");
        goto out;
    }
    pthread_mutex_lock(&cache_lock);
    locked = 1;
    if (cache_size == 0 || cache_count >= cache_size) {
        if (cache_grow() != 0) {
            snprintf(why, whylen, "out of memory");
            goto out;
        }
    }
    hash = hash_key(bp->data, bp->len);
    h = hash & (cache_size - 1);
    for (e = cache_tab[h]; e != NULL; e = e->next) {
        if (e->hash == hash && e->keylen == bp->len &&
            memcmp(e->key, bp->data, bp->len) == 0) {
            break;
        }
    }
    if (e == NULL) {
        e = re_compile(bp->data, patlen, bp->len, flags, why, whylen);
        if (e == NULL) {
            goto out;
        }
        nr_tfsm__filter_init(&e->filt, pat, len);
        e->hash = hash;
        e->next = cache_tab[h];
        cache_tab[h] = e;
        cache_count++;
    }
    e->refs++;
    *out = e;
    rc = 0;
out:
    if (locked) {
        pthread_mutex_unlock(&cache_lock);
    }
    nr_buf_dispose(&own);
    return rc;
}

void nr_tfsm__re_put(struct nr_tfsm__re *re)
{
    struct nr_tfsm__re **pp;
    size_t h;

    if (re == NULL) {
        return;
    }
    pthread_mutex_lock(&cache_lock);
    if (--re->refs == 0) {
        h = re->hash & (cache_size - 1);
        for (pp = &cache_tab[h]; *pp != NULL; pp = &(*pp)->next) {
            if (*pp == re) {
                *pp = re->next;
                break;
            }
        }
        cache_count--;
        re_destroy(re);
        if (cache_count == 0) {
            /* Leave nothing behind once the last template is gone. */
            table_free(cache_tab, cache_size);
            cache_tab = NULL;
            cache_size = 0;
            while (md_pool_count > 0) {
                pcre2_match_data_free(md_pool[--md_pool_count]);
            }
            while (block_count > 0) {
                free(block_pool[--block_count].p);
            }
            pcre2_compile_context_free(compile_ctx);
            compile_ctx = NULL;
        }
    }
    pthread_mutex_unlock(&cache_lock);
}

pcre2_match_data *nr_tfsm__md_get(uint32_t pairs)
{
    pcre2_match_data *md = NULL;
    size_t i;

    pthread_mutex_lock(&cache_lock);
    for (i = md_pool_count; i-- > 0;) {
        if (pcre2_get_ovector_count(md_pool[i]) >= pairs) {
            md = md_pool[i];
            md_pool[i] = md_pool[--md_pool_count];
            break;
        }
    }
    pthread_mutex_unlock(&cache_lock);
    if (md == NULL) {
        /* Room for a few more groups than asked: the next template's
         * rules may have them, and the data can then be reused. */
        md = pcre2_match_data_create(pairs < 32 ? 32 : pairs, NULL);
    }
    return md;
}

void nr_tfsm__md_put(pcre2_match_data *md)
{
    if (md == NULL) {
        return;
    }
    pthread_mutex_lock(&cache_lock);
    /* Kept only while some template holds a pattern: the pool is
     * emptied with the cache. */
    if (cache_count > 0 && md_pool_count < MD_POOL) {
        md_pool[md_pool_count++] = md;
        md = NULL;
    }
    pthread_mutex_unlock(&cache_lock);
    pcre2_match_data_free(md);
}

void *nr_tfsm__block_get(size_t n, size_t *got)
{
    void *p = NULL;
    size_t i, best = BLOCK_POOL;

    if (n <= BLOCK_MAX) {
        pthread_mutex_lock(&cache_lock);
        /* The smallest that fits. */
        for (i = 0; i < block_count; i++) {
            if (block_pool[i].n >= n &&
                (best == BLOCK_POOL || block_pool[i].n < block_pool[best].n)) {
                best = i;
            }
        }
        if (best < BLOCK_POOL) {
            p = block_pool[best].p;
            n = block_pool[best].n;
            block_pool[best] = block_pool[--block_count];
        }
        pthread_mutex_unlock(&cache_lock);
        if (p != NULL) {
            *got = n;
            return p;
        }
    }
    p = nr_tfsm__big_alloc(n);
    *got = n;
    return p;
}

void nr_tfsm__block_put(void *p, size_t n)
{
    size_t i, small = 0;

    if (p == NULL) {
        return;
    }
    if (n <= BLOCK_MAX) {
        pthread_mutex_lock(&cache_lock);
        if (cache_count > 0 && block_count == BLOCK_POOL) {
            /* Full: keep the larger, which serve more requests. */
            for (i = 1; i < block_count; i++) {
                if (block_pool[i].n < block_pool[small].n) {
                    small = i;
                }
            }
            if (block_pool[small].n < n) {
                void *old = block_pool[small].p;
                block_pool[small].p = p;
                block_pool[small].n = n;
                p = old;
            }
        } else if (cache_count > 0) {
            block_pool[block_count].p = p;
            block_pool[block_count].n = n;
            block_count++;
            p = NULL;
        }
        pthread_mutex_unlock(&cache_lock);
    }
    free(p);
}

/* The pattern compiled without PCRE2_UCP and JIT-compiled, for
 * subjects of ASCII alone.  On ASCII \d, \s, \w and \b mean the same
 * with or without UCP (only POSIX classes differ, and translated
 * patterns have none), and without it the JIT code tests bytes instead
 * of looking up Unicode properties: about twice as fast on the usual
 * device output, and cheaper to compile (measured over the corpus: 0.6
 * to 0.7 of the UCP compile). */
static pcre2_code *ascii_twin(const struct nr_tfsm__re *re)
{
    pcre2_code *c = NULL;
    uint32_t flags;
    size_t patlen = re->keylen - sizeof(flags);
    int ec = 0;
    PCRE2_SIZE eo = 0;

    /* The key is the translated pattern followed by the flags. */
    memcpy(&flags, re->key + patlen, sizeof(flags));
    /* compile_ctx was made before re and is never changed. */
    c = pcre2_compile((PCRE2_SPTR)re->key, patlen, flags & ~PCRE2_UCP, &ec,
                      &eo, compile_ctx);
    if (c != NULL && pcre2_jit_compile(c, PCRE2_JIT_COMPLETE) != 0) {
        pcre2_code_free(c);
        c = NULL;
    }
    return c;
}

/* Has this process JIT-compiled anything yet? */
static _Atomic int jit_warm;

/* Does a subject of this kind get the ASCII twin? */
static int wants_twin(const struct nr_tfsm__re *re, int ascii)
{
    return ascii && re->ucp;
}

/* JIT-compile, once, the code for subjects of this kind: the ASCII twin
 * for an ASCII subject of a UCP pattern, else a JIT copy of the
 * pattern.  Only the kind the input has shown is paid for: device
 * output is nearly always ASCII, and the two compiles together cost as
 * much as the parse of a small output.  The interpreted original stays
 * for threads already using it and as the fallback when the JIT stack
 * runs out. */
static void maybe_jit(struct nr_tfsm__re *re, int ascii)
{
    int twin = wants_twin(re, ascii);
    _Atomic int *state = twin ? &re->ascii_state : &re->jit_state;
    pcre2_code *copy;
    int expect = 0;

    if (!atomic_compare_exchange_strong(state, &expect, 3)) {
        return;
    }
    if (twin) {
        copy = ascii_twin(re);
    } else {
        copy = pcre2_code_copy(re->code);
        if (copy != NULL && pcre2_jit_compile(copy, PCRE2_JIT_COMPLETE) != 0) {
            pcre2_code_free(copy);
            copy = NULL;
        }
    }
    if (copy == NULL) {
        atomic_store(state, 2);
        return;
    }
    /* Published by this store, which readers load first. */
    atomic_store(twin ? &re->jit_ascii : &re->jit, copy);
    atomic_store(state, 1);
    atomic_store_explicit(&jit_warm, 1, memory_order_relaxed);
}

/* The JIT code for a subject of this kind, or NULL. */
static pcre2_code *jit_code(struct nr_tfsm__re *re, int ascii)
{
    pcre2_code *code = NULL;

    if (wants_twin(re, ascii)) {
        code = atomic_load_explicit(&re->jit_ascii, memory_order_acquire);
    }
    if (code == NULL) {
        code = atomic_load_explicit(&re->jit, memory_order_acquire);
    }
    return code;
}

/* The estimated cost of the JIT compile a subject of this kind needs. */
static uint64_t jit_ns(const struct nr_tfsm__re *re, int ascii)
{
    uint64_t patlen = re->keylen - sizeof(uint32_t);

    return JIT_NS_BASE +
           patlen * (wants_twin(re, ascii) ? JIT_NS_PER_BYTE_ASCII
                                           : JIT_NS_PER_BYTE_UCP) +
           (atomic_load_explicit(&jit_warm, memory_order_relaxed)
                ? 0
                : JIT_NS_FIRST);
}

/* Should re be JIT-compiled now, after an interpreted match that took
 * ns, with about `ahead` more calls expected in this input? */
static int jit_pays(struct nr_tfsm__re *re, uint64_t ns, size_t ahead,
                    int ascii)
{
    uint64_t cost = jit_ns(re, ascii);

    unsigned long n = atomic_fetch_add_explicit(&re->calls, 1,
                                                memory_order_relaxed);
    uint64_t per = atomic_load_explicit(&re->timed_ns, memory_order_relaxed);
    uint64_t spent;

    /* The cheapest of the timed calls: the first ones run on cold
     * caches and would make every pattern look worth compiling. */
    if (n < TIMED_CALLS && (n == 0 || ns < per)) {
        per = ns;
        atomic_store_explicit(&re->timed_ns, per, memory_order_relaxed);
    }
    spent = atomic_fetch_add_explicit(&re->spent_ns, per,
                                      memory_order_relaxed) + per;
    /* Interpreted, the rest of this input costs per * ahead; compiled,
     * about half of that plus the compile. */
    return n + 1 >= TIMED_CALLS &&
           (per * (ahead / 2) > cost || spent > cost * SPENT_FACTOR);
}

/* The interpreted code within `limit` steps. */
static int interp(const struct nr_tfsm__re *re, const char *subj, size_t len,
                  uint32_t limit, pcre2_match_data *md,
                  pcre2_match_context *mc)
{
    pcre2_set_match_limit(mc, limit);
    return pcre2_match(re->code, (PCRE2_SPTR)subj, len, 0,
                       PCRE2_NO_UTF_CHECK, md, mc);
}

/* JIT code, through the fast path that skips pcre2_match's checks
 * (which matters at millions of calls); a match that outgrows the JIT
 * stack reruns interpreted. */
static int jit_run(const struct nr_tfsm__re *re, const pcre2_code *code,
                   const char *subj, size_t len, pcre2_match_data *md,
                   pcre2_match_context *mc)
{
    int r;

    pcre2_set_match_limit(mc, MATCH_LIMIT);
    r = pcre2_jit_match(code, (PCRE2_SPTR)subj, len, 0, PCRE2_NO_UTF_CHECK,
                        md, mc);
    if (r == PCRE2_ERROR_JIT_STACKLIMIT) {
        pcre2_set_depth_limit(mc, DEPTH_LIMIT);
        r = interp(re, subj, len, MATCH_LIMIT, md, mc);
    }
    return r;
}

int nr_tfsm__re_match(struct nr_tfsm__re *re, const char *subj, size_t len,
                      size_t ahead, size_t left, int ascii,
                      pcre2_match_data *md, pcre2_match_context *mc)
{
    pcre2_code *code = jit_code(re, ascii);
    _Atomic int *state;
    unsigned long calls;
    uint64_t t0 = 0;
    int r;

    if (code != NULL) {
        return jit_run(re, code, subj, len, md, mc);
    }
    state = wants_twin(re, ascii) ? &re->ascii_state : &re->jit_state;
    calls = atomic_load_explicit(&re->calls, memory_order_relaxed);
    if (calls < TIMED_CALLS) {
        t0 = now_ns();
    }
    /* A first, cheap interpreted try: a pattern that needs more steps
     * than this backtracks heavily and is worth its JIT compile at
     * once. */
    r = interp(re, subj, len, PROBE_LIMIT, md, mc);
    if (r != PCRE2_ERROR_MATCHLIMIT) {
        if (atomic_load_explicit(state, memory_order_relaxed) == 0 &&
            jit_pays(re, calls < TIMED_CALLS ? now_ns() - t0 : 0, ahead,
                     ascii)) {
            maybe_jit(re, ascii);
        }
        return r;
    }
    if (left < PROBE_FEW_LINES) {
        /* Few lines left: a JIT compile (hundreds of microseconds when
         * it is the process's first, with the compiler's code cold) can
         * cost more than interpreting them all.  A second, larger probe
         * tells a heavy pattern from a runaway one. */
        r = interp(re, subj, len, PROBE2_LIMIT, md, mc);
        if (r != PCRE2_ERROR_MATCHLIMIT) {
            return r;
        }
    }
    maybe_jit(re, ascii);
    code = jit_code(re, ascii);
    if (code != NULL) {
        return jit_run(re, code, subj, len, md, mc);
    }
    pcre2_set_depth_limit(mc, DEPTH_LIMIT);
    return interp(re, subj, len, MATCH_LIMIT, md, mc);
}

/* ------------------------------------------------------------------ */
/* Alphabet of a whole-line rule                                       */
/* ------------------------------------------------------------------ */

struct alpha {
    uint64_t bits[2];
    int nonascii;
};

static void alpha_add(struct alpha *a, unsigned c)
{
    a->bits[c >> 6] |= (uint64_t)1 << (c & 63);
}

static void alpha_range(struct alpha *a, unsigned lo, unsigned hi)
{
    for (; lo <= hi; lo++) {
        alpha_add(a, lo);
    }
}

/* \s \d \w: ASCII members, and any non-ASCII character may belong. */
static int alpha_class(struct alpha *a, int c)
{
    if (c == 's') {
        alpha_range(a, 0x09, 0x0d);
        alpha_range(a, 0x1c, 0x20);
    } else if (c == 'd') {
        alpha_range(a, '0', '9');
    } else if (c == 'w') {
        alpha_range(a, '0', '9');
        alpha_range(a, 'a', 'z');
        alpha_range(a, 'A', 'Z');
        alpha_add(a, '_');
    } else {
        return -1;
    }
    a->nonascii = 1;
    return 0;
}

/* One escape at p[*i] (the backslash); -1 when it is not understood. */
static int alpha_escape(struct alpha *a, const char *p, size_t len,
                        size_t *i, int in_class)
{
    unsigned char c;

    if (*i + 1 >= len) {
        return -1;
    }
    c = (unsigned char)p[*i + 1];
    *i += 2;
    if (c >= 0x80) {
        a->nonascii = 1;
        return 0;
    }
    if (!in_class && (c == 'b' || c == 'B' || c == 'A' || c == 'Z')) {
        return 0;
    }
    if (is_alpha(c) || is_digit(c)) {
        return alpha_class(a, c);
    }
    alpha_add(a, c);
    return 0;
}

static int alpha_set(struct alpha *a, const char *p, size_t len, size_t *i)
{
    size_t st;
    unsigned char c;

    (*i)++;
    if (*i < len && p[*i] == '^') {
        return -1;
    }
    st = *i;
    while (*i < len) {
        c = (unsigned char)p[*i];
        if (c == ']' && *i > st) {
            (*i)++;
            return 0;
        }
        if (c == '\\') {
            if (alpha_escape(a, p, len, i, 1) != 0) {
                return -1;
            }
            continue;
        }
        if (c >= 0x80) {
            a->nonascii = 1;
            (*i)++;
            continue;
        }
        if (*i + 2 < len && p[*i + 1] == '-' && p[*i + 2] != ']') {
            unsigned char hi = (unsigned char)p[*i + 2];
            if (hi >= 0x80 || hi == '\\' || hi < c) {
                return -1;
            }
            alpha_range(a, c, hi);
            *i += 3;
            continue;
        }
        alpha_add(a, c);
        (*i)++;
    }
    return -1;
}

int nr_tfsm__re_alphabet(const char *p, size_t len, uint64_t bits[2],
                         int *nonascii)
{
    struct alpha a = { { 0, 0 }, 0 };
    size_t i = 0;
    int depth = 0;
    int last_dollar = 0;
    unsigned char c;

    while (i < len) {
        c = (unsigned char)p[i];
        last_dollar = 0;
        if (c == '\\') {
            if (alpha_escape(&a, p, len, &i, 0) != 0) {
                return -1;
            }
        } else if (c == '[') {
            if (alpha_set(&a, p, len, &i) != 0) {
                return -1;
            }
        } else if (c == '(') {
            i++;
            depth++;
            if (i < len && p[i] == '?') {
                if (i + 1 < len && p[i + 1] == ':') {
                    i += 2;
                } else if (i + 2 < len && p[i + 1] == 'P' && p[i + 2] == '<') {
                    while (i < len && p[i] != '>') {
                        i++;
                    }
                    i++;
                } else {
                    return -1;
                }
            }
        } else if (c == ')') {
            depth--;
            i++;
        } else if (c == '|') {
            if (depth == 0) {
                return -1;
            }
            i++;
        } else if (c == '{') {
            size_t k = i + 1;
            while (k < len && (is_digit((unsigned char)p[k]) || p[k] == ',')) {
                k++;
            }
            if (k < len && p[k] == '}' && k > i + 1) {
                i = k + 1;
            } else {
                alpha_add(&a, '{');
                i++;
            }
        } else if (c == '$') {
            last_dollar = depth == 0;
            i++;
        } else if (c == '.') {
            return -1;
        } else if (c == '^' || c == '*' || c == '+' || c == '?') {
            i++;
        } else if (c >= 0x80) {
            a.nonascii = 1;
            i++;
        } else {
            alpha_add(&a, c);
            i++;
        }
    }
    if (!last_dollar) {
        return -1;
    }
    bits[0] = a.bits[0];
    bits[1] = a.bits[1];
    *nonascii = a.nonascii;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Pre-checks: the bytes a match can start with, a literal it needs   */
/* ------------------------------------------------------------------ */

/* An inline flag group such as "(?i)" or "(?x)" changes how the rest
 * reads (case, white space, comments): the pre-checks then give up. */
static int has_inline_flags(const char *p, size_t len)
{
    size_t i;

    for (i = 0; i + 2 < len; i++) {
        if (p[i] == '\\') {
            i++;
        } else if (p[i] == '(' && p[i + 1] == '?' &&
                   strchr(":P=!<", p[i + 2]) == NULL) {
            return 1;
        }
    }
    return 0;
}

/* Past the class opening at p[i] ('['): the index after its ']', or 0
 * when it does not close. */
static size_t class_end(const char *p, size_t len, size_t i)
{
    i++;
    if (i < len && p[i] == '^') {
        i++;
    }
    if (i < len && p[i] == ']') {
        i++;
    }
    for (; i < len; i++) {
        if (p[i] == '\\') {
            i++;
        } else if (p[i] == ']') {
            return i + 1;
        }
    }
    return 0;
}

/* Past the group opening at p[i] ('('): the index after its ')', or 0. */
static size_t group_end(const char *p, size_t len, size_t i)
{
    int depth = 0;

    for (; i < len; i++) {
        if (p[i] == '\\') {
            i++;
        } else if (p[i] == '[') {
            i = class_end(p, len, i);
            if (i == 0) {
                return 0;
            }
            i--;
        } else if (p[i] == '(') {
            depth++;
        } else if (p[i] == ')' && --depth == 0) {
            return i + 1;
        }
    }
    return 0;
}

/* Could the quantifier at p[i] (if any) repeat zero times? */
static int may_repeat_zero(const char *p, size_t len, size_t i)
{
    if (i >= len) {
        return 0;
    }
    if (p[i] == '?' || p[i] == '*') {
        return 1;
    }
    if (p[i] == '{' && i + 1 < len) {
        /* "{0", "{,": none may do; "{2,5}" needs two. */
        return p[i + 1] == '0' || p[i + 1] == ',';
    }
    return 0;
}

static void set_bit(uint64_t b[4], unsigned c)
{
    b[c >> 6] |= (uint64_t)1 << (c & 63);
}

static void set_high(uint64_t b[4])
{
    /* Every byte of a UTF-8 sequence: Unicode classes and case may
     * match any non-ASCII character. */
    b[2] = b[3] = ~(uint64_t)0;
}

/* \s \S \d \w and non-alphanumeric escapes (the character itself);
 * -1 for anything else.  Supersets: Python's and PCRE2's Unicode
 * classes may take any non-ASCII character. */
static int first_escape(uint64_t b[4], unsigned c)
{
    unsigned k;

    if (c >= 0x80) {
        set_bit(b, c);
        return 0;
    }
    if (c == 's') {
        for (k = 0x09; k <= 0x0d; k++) {
            set_bit(b, k);
        }
        for (k = 0x1c; k <= 0x20; k++) {
            set_bit(b, k);
        }
    } else if (c == 'S') {
        for (k = 0; k < 0x80; k++) {
            if (!(k >= 0x09 && k <= 0x0d) && k != 0x20) {
                set_bit(b, k);
            }
        }
    } else if (c == 'd') {
        for (k = '0'; k <= '9'; k++) {
            set_bit(b, k);
        }
    } else if (c == 'w') {
        for (k = 0; k < 0x80; k++) {
            if (is_alpha((int)k) || is_digit((int)k) || k == '_') {
                set_bit(b, k);
            }
        }
    } else if (is_alpha((int)c) || is_digit((int)c)) {
        return -1;
    } else {
        set_bit(b, c);
        return 0;
    }
    set_high(b);
    return 0;
}

/* A non-negated class of ASCII characters, ranges and the escapes
 * first_escape knows; -1 otherwise. */
static int first_class(uint64_t b[4], const char *p, size_t st, size_t end)
{
    size_t i = st + 1;
    unsigned c, hi, k;

    if (i < end && p[i] == '^') {
        return -1;
    }
    for (; i < end - 1; i++) {
        c = (unsigned char)p[i];
        if (c == '\\') {
            if (++i >= end - 1 || first_escape(b, (unsigned char)p[i]) != 0) {
                return -1;
            }
            continue;
        }
        if (c >= 0x80) {
            set_high(b);
            continue;
        }
        if (i + 2 < end - 1 && p[i + 1] == '-') {
            hi = (unsigned char)p[i + 2];
            if (hi >= 0x80 || hi == '\\' || hi < c) {
                return -1;
            }
            for (k = c; k <= hi; k++) {
                set_bit(b, k);
            }
            i += 2;
            continue;
        }
        set_bit(b, c);
    }
    return 0;
}

/* The first thing a match of p[i..len) consumes, as a byte set. */
static int first_set(uint64_t b[4], const char *p, size_t len, size_t i,
                     int depth)
{
    size_t end;
    unsigned c;

    while (i < len && p[i] == '^') {
        i++;
    }
    if (i >= len || depth > 8) {
        return -1;
    }
    c = (unsigned char)p[i];
    if (c == '(') {
        size_t in = i + 1;
        end = group_end(p, len, i);
        if (end == 0 || may_repeat_zero(p, len, end)) {
            return -1;
        }
        if (in + 1 < end && p[in] == '?') {
            if (p[in + 1] == ':') {
                in += 2;
            } else if (p[in + 1] == 'P' && in + 2 < end && p[in + 2] == '<') {
                while (in < end && p[in] != '>') {
                    in++;
                }
                in++;
            } else {
                return -1;
            }
        }
        /* The group's own content, without its ")". */
        if (in >= end - 1 || top_level_alt(p + in, end - 1 - in)) {
            return -1;
        }
        return first_set(b, p, end - 1, in, depth + 1);
    }
    if (c == '[') {
        end = class_end(p, len, i);
        if (end == 0 || may_repeat_zero(p, len, end)) {
            return -1;
        }
        return first_class(b, p, i, end);
    }
    if (c == '\\') {
        if (i + 1 >= len || may_repeat_zero(p, len, i + 2)) {
            return -1;
        }
        return first_escape(b, (unsigned char)p[i + 1]);
    }
    if (strchr(".$|)*+?{}#", (int)c) != NULL) {
        return -1;
    }
    if (may_repeat_zero(p, len, i + 1)) {
        return -1;
    }
    set_bit(b, c);
    return 0;
}

int nr_tfsm__re_first(const char *pat, size_t len, uint64_t bits[4])
{
    uint64_t b[4] = { 0, 0, 0, 0 };

    if (has_inline_flags(pat, len) || top_level_alt(pat, len) ||
        first_set(b, pat, len, 0, 0) != 0) {
        return -1;
    }
    memcpy(bits, b, sizeof(b));
    return 0;
}

/* The longest run of plain characters outside any group, class or
 * alternation: every match contains it. */
size_t nr_tfsm__re_required(const char *pat, size_t len, char *lit,
                            size_t max, size_t *at)
{
    char run[64];
    size_t n = 0, best = 0, st = 0, i = 0, step, end;
    unsigned c;
    char ch;

    *at = 0;
    if (max > sizeof(run)) {
        max = sizeof(run);
    }
    if (has_inline_flags(pat, len) || top_level_alt(pat, len)) {
        return 0;
    }
    while (i <= len) {
        int lit_ok = 0;
        c = i < len ? (unsigned char)pat[i] : 0;
        step = 1;
        if (i == len) {
            step = 1;
        } else if (c == '\\' && i + 1 < len) {
            unsigned e = (unsigned char)pat[i + 1];
            step = 2;
            if (e < 0x80 && !is_alpha((int)e) && !is_digit((int)e)) {
                ch = (char)e;
                lit_ok = 1;
            }
        } else if (c == '(') {
            end = group_end(pat, len, i);
            if (end == 0) {
                return 0;
            }
            step = end - i;
        } else if (c == '[') {
            end = class_end(pat, len, i);
            if (end == 0) {
                return 0;
            }
            step = end - i;
        } else if (c == '{') {
            /* A quantifier "{m,n}" is skipped whole; a "{" that does not
             * make one is a literal, here left out. */
            end = i + 1;
            while (end < len && (is_digit((unsigned char)pat[end]) ||
                                 pat[end] == ',')) {
                end++;
            }
            if (end < len && pat[end] == '}' && end > i + 1) {
                step = end + 1 - i;
            }
        } else if (c < 0x80 && strchr(".^$*+?}[]()|\\#", (int)c) == NULL) {
            ch = (char)c;
            lit_ok = 1;
        }
        /* A quantified character may be absent or repeated. */
        if (lit_ok && i + step < len && strchr("?*+{", pat[i + step]) != NULL) {
            lit_ok = 0;
        }
        if (lit_ok && n < max) {
            if (n == 0) {
                st = i;
            }
            run[n++] = ch;
        } else {
            if (n > best) {
                best = n;
                memcpy(lit, run, n);
                *at = st;
            }
            n = 0;
        }
        i += step;
    }
    return best;
}

void nr_tfsm__filter_init(struct nr_tfsm__filter *f, const char *pat,
                          size_t len)
{
    size_t at = 0;

    memset(f, 0, sizeof(*f));
    f->has_first = nr_tfsm__re_first(pat, len, f->first) == 0;
    nr_tfsm__re_prefix(pat, len, f->prefix, &f->prefixlen, sizeof(f->prefix),
                       &f->prefix_ws);
    f->reqlen = nr_tfsm__re_required(pat, len, f->req, sizeof(f->req), &at);
    /* The literal prefix, checked in place, already says as much. */
    if (f->reqlen < 2 ||
        (f->prefixlen > 0 && at == (f->prefix_ws != 0 ? 4u : 1u))) {
        f->reqlen = 0;
    }
    f->has_alpha = nr_tfsm__re_alphabet(pat, len, f->alpha,
                                        &f->alpha_nonascii) == 0;
}
