/* textfsm.h — internals of the TextFSM engine shared by its files. */
#ifndef NR_TEXTFSM_H
#define NR_TEXTFSM_H

#include <stddef.h>
#include <stdint.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "buf.h"
#include "netrun.h"

/* TextFSM's own ceiling on Value and state names. */
#define NR_TFSM__MAX_NAME 48

/* ---- arena: many small strings that all die with one result ---- */
struct nr_tfsm__chunk;
struct nr_tfsm__arena {
    struct nr_tfsm__chunk *head;
};
void *nr_tfsm__alloc(struct nr_tfsm__arena *a, size_t n);
/* malloc for blocks that may be large (free with free()): from
 * NR_TFSM__HUGE bytes on, aligned and advised to use huge pages. */
#define NR_TFSM__HUGE ((size_t)2 << 20)
void *nr_tfsm__big_alloc(size_t n);
void nr_tfsm__arena_dispose(struct nr_tfsm__arena *a);

/* ---- regexes ---- */

/* Group names a template uses: Value names first (mapped to "v<i>"),
 * then names of other groups (mapped to "n<k>"), because PCRE2 limits
 * names to 32 characters and Values may be longer. */
struct nr_tfsm__names {
    char **name;
    size_t n;
    size_t cap;
    size_t nvalues;
    int numref;              /* a pattern referred to a group by number */
};
void nr_tfsm__names_dispose(struct nr_tfsm__names *nm);
int nr_tfsm__names_add(struct nr_tfsm__names *nm, const char *s, size_t len,
                       size_t *idx);

/* Cheap checks that let a rule skip lines PCRE2 could not match (see
 * nr_tfsm__filter_init); each is exact in the safe direction. */
struct nr_tfsm__filter {
    int has_first;           /* first[] holds the possible first bytes */
    uint64_t first[4];
    char prefix[16];         /* the literal a match starts with */
    size_t prefixlen;
    int prefix_ws;           /* after "\s*" (1) or "\s+" (2) */
    char req[16];            /* a literal every match contains */
    size_t reqlen;
    int has_alpha;           /* the whole line is drawn from alpha[] */
    int alpha_nonascii;
    uint64_t alpha[2];
};

/* A compiled pattern shared through the process-wide cache.  code is
 * never JIT-compiled; jit becomes a JIT-compiled copy once the pattern
 * has run often enough to be worth it, and jit_ascii (set before jit,
 * NULL when jit serves) its twin for subjects of ASCII alone. */
struct nr_tfsm__re {
    pcre2_code *code;
    pcre2_code *_Atomic jit;
    pcre2_code *_Atomic jit_ascii; /* without UCP, for ASCII subjects */
    _Atomic unsigned long calls;   /* interpreted ones */
    _Atomic uint64_t timed_ns;     /* fastest of the first few */
    _Atomic uint64_t spent_ns;     /* estimated time of all of them */
    _Atomic int jit_state;   /* 0 not tried, 1 done, 2 failed */
    _Atomic int ascii_state; /* the same for jit_ascii */
    int ucp;                 /* compiled with PCRE2_UCP */
    uint32_t ngroups;        /* capture groups */
    struct nr_tfsm__filter filt;   /* as a rule, anchored at line start */
    char *key;
    size_t keylen;
    size_t hash;
    unsigned refs;           /* guarded by the cache lock */
    struct nr_tfsm__re *next;
};

/* Translate Python `re` syntax into PCRE2 syntax, mapping group names
 * through nm, and compile it (anchored, UTF, UCP) through the cache.
 * named_only: only named groups capture (unless the pattern refers to a
 * group by number), for callers that read nothing else.  scratch: a
 * buffer the caller reuses over many calls (its contents are replaced),
 * or NULL.  On error writes a one-line reason into why. */
int nr_tfsm__re_get(struct nr_tfsm__re **out, const char *pat, size_t len,
                    struct nr_tfsm__names *nm, int named_only,
                    struct nr_buf *scratch, char *why, size_t whylen);
void nr_tfsm__re_put(struct nr_tfsm__re *re);
/* The translation alone (for tests): 0 or -1 with why filled. */
int nr_tfsm__re_translate(struct nr_buf *out, uint32_t *flags,
                          const char *pat, size_t len,
                          struct nr_tfsm__names *nm, char *why,
                          size_t whylen);
/* Run re anchored on subj; returns pcre2_match's result, retrying
 * without JIT when the JIT stack is exhausted.  ahead: about how many
 * more times the caller may run re on this input, which decides whether
 * a JIT compile would pay for itself; left: the lines left in it (at
 * most this many calls follow).  ascii: the caller knows subj has no
 * byte above 0x7f (0: unknown). */
int nr_tfsm__re_match(struct nr_tfsm__re *re, const char *subj, size_t len,
                      size_t ahead, size_t left, int ascii,
                      pcre2_match_data *md, pcre2_match_context *mc);
/* The literal every match must start with (rules only), for a cheap
 * rejection before calling PCRE2; *plen 0 when there is none.  *ws is 1
 * or 2 when the literal comes after leading "\s*" or "\s+". */
void nr_tfsm__re_prefix(const char *pat, size_t len, char *prefix,
                        size_t *plen, size_t max, int *ws);

/* Match data with room for at least `pairs` ovector pairs, reused
 * across parses; give it back with nr_tfsm__md_put (NULL: no memory). */
pcre2_match_data *nr_tfsm__md_get(uint32_t pairs);
void nr_tfsm__md_put(pcre2_match_data *md);

/* A block of at least n bytes (*got: its size), from those given back
 * with nr_tfsm__block_put while templates are loaded, else malloc'd:
 * free() may also release it. */
void *nr_tfsm__block_get(size_t n, size_t *got);
void nr_tfsm__block_put(void *p, size_t n);

/* The bytes a match (of a rule, anchored at the line start) can start
 * with, as a 256-bit set: 0, or -1 when the pattern is not understood
 * well enough to say (then PCRE2 decides alone).  Exact in the safe
 * direction: never leaves out a byte PCRE2 could match there. */
int nr_tfsm__re_first(const char *pat, size_t len, uint64_t bits[4]);
/* The longest literal (at most max bytes) that every match contains,
 * stored in lit; its length (0: none known) and its offset in pat. */
size_t nr_tfsm__re_required(const char *pat, size_t len, char *lit,
                            size_t max, size_t *at);

/* All the checks for the rule pattern pat (Python syntax). */
void nr_tfsm__filter_init(struct nr_tfsm__filter *f, const char *pat,
                          size_t len);

/* When a rule must consume the whole line (it ends in a top-level "$")
 * and uses only positive classes and literals, the set of characters it
 * can consume: a line with any other character cannot match, which
 * spares PCRE2 the catastrophic backtracking some templates cause on
 * such lines.  -1 when the pattern is not of that kind. */
int nr_tfsm__re_alphabet(const char *pat, size_t len, uint64_t bits[2],
                         int *nonascii);

/* ---- template model ---- */

enum {
    NR_TFSM__OPT_REQUIRED = 1,
    NR_TFSM__OPT_FILLDOWN,
    NR_TFSM__OPT_FILLUP,
    NR_TFSM__OPT_KEY,
    NR_TFSM__OPT_LIST,
};

struct nr_tfsm__value {
    char *name;
    char *regex;             /* as written, "(...)" */
    uint8_t opts[5];         /* options in the order written, 0-ended */
    uint8_t nopts;
    int has_filldown, has_list, has_key, has_fillup, has_required;
    /* List values whose own regex has named groups record dicts. */
    struct nr_tfsm__re *nested;
    char **nested_names;     /* original names, in group order */
    uint32_t *nested_groups;
    size_t nnested;
};

enum nr_tfsm__lineop { NR_TFSM__NEXT, NR_TFSM__CONTINUE, NR_TFSM__ERROR };
enum nr_tfsm__recop {
    NR_TFSM__NORECORD, NR_TFSM__RECORD, NR_TFSM__CLEAR, NR_TFSM__CLEARALL
};

/* Special targets after the real states. */
#define NR_TFSM__STATE_NONE (-1)
#define NR_TFSM__STATE_END (-2)
#define NR_TFSM__STATE_EOF (-3)

struct nr_tfsm__assign {
    uint32_t group;
    uint32_t value;
};

struct nr_tfsm__rule {
    struct nr_tfsm__re *re;
    unsigned line;
    unsigned id;             /* 0.. over the whole template */
    enum nr_tfsm__lineop line_op;
    enum nr_tfsm__recop rec_op;
    int next_state;          /* index, or NR_TFSM__STATE_* */
    char *message;           /* Error text (with its quotes), or NULL */
    struct nr_tfsm__assign *assign;
    size_t nassign;
};

struct nr_tfsm__state {
    char *name;
    struct nr_tfsm__rule *rules;
    size_t nrules;
};

struct nr_tfsm__tpl {
    char *file;              /* for messages */
    struct nr_tfsm__value *values;
    size_t nvalues;
    struct nr_tfsm__state *states;
    size_t nstates;
    int start;               /* index of Start */
    int has_eof;             /* an explicit EOF state */
    uint32_t max_groups;
    unsigned nrules;         /* in all states */
};

struct nr_tfsm {
    struct nr_tfsm__tpl **tpl;
    size_t ntpl;
};

int nr_tfsm__tpl_compile(struct nr_tfsm__tpl **out, const char *file,
                         const char *text, size_t len, struct nr_err *err);
void nr_tfsm__tpl_free(struct nr_tfsm__tpl *t);

/* ---- results ---- */

struct nr_tfsm__str {
    const char *p;
    size_t len;
};

/* A cell is a string, or a list of strings when n has NR_TFSM__LIST
 * set (then u.items has n & ~NR_TFSM__LIST of them).  All zero is the
 * empty string.  16 bytes: a large result has millions of them. */
struct nr_tfsm__cell {
    union {
        const char *p;
        const struct nr_tfsm__str *items;
    } u;
    size_t n;
};
#define NR_TFSM__LIST (~((size_t)-1 >> 1))

static inline int nr_tfsm__cell_is_list(const struct nr_tfsm__cell *c)
{
    return (c->n & NR_TFSM__LIST) != 0;
}

static inline size_t nr_tfsm__cell_nitems(const struct nr_tfsm__cell *c)
{
    return c->n & ~NR_TFSM__LIST;
}

/* The string of a string cell. */
static inline struct nr_tfsm__str nr_tfsm__cell_str(
    const struct nr_tfsm__cell *c)
{
    struct nr_tfsm__str s = { c->u.p, c->n };

    return s;
}

static inline struct nr_tfsm__cell nr_tfsm__cell_of_str(
    const struct nr_tfsm__str *s)
{
    struct nr_tfsm__cell c;

    c.u.p = s->p;
    c.n = s->len;
    return c;
}

static inline struct nr_tfsm__cell nr_tfsm__cell_of_list(
    const struct nr_tfsm__str *items, size_t n)
{
    struct nr_tfsm__cell c;

    c.u.items = items;
    c.n = n | NR_TFSM__LIST;
    return c;
}

struct nr_tfsm_records {
    char **cols;
    size_t ncols;
    struct nr_tfsm__cell **rows;
    size_t nrows;
    size_t caprows;
    char *text;              /* the normalised input the cells point into */
    size_t textcap;          /* its allocated size */
    struct nr_tfsm__arena arena;
};

/* Does the filter rule line out a match on line?  (1: PCRE2 cannot
 * match there; 0: ask PCRE2.) */
int nr_tfsm__filter_rejects(const struct nr_tfsm__filter *f,
                            const struct nr_tfsm__str *line);

/* Input split into lines as Python's str.splitlines() would after
 * universal-newline reading, the lines pointing into *text, a copy of
 * the input in which invalid UTF-8 becomes U+FFFD. */
int nr_tfsm__lines(char **text, size_t *textcap, struct nr_tfsm__str **lines,
                   size_t *linecap, size_t *n, const char *in, size_t len);
/* The same split with the lines pointing into in itself: 0, or 1 (and
 * nothing) when in is not valid UTF-8, or -1 out of memory. */
int nr_tfsm__lines_in(struct nr_tfsm__str **lines, size_t *linecap,
                      size_t *n, const char *in, size_t len);

/* Run one template over lines; appends rows to a fresh table whose
 * columns are that template's Values. */
int nr_tfsm__run(struct nr_tfsm_records *rec, const struct nr_tfsm__tpl *t,
                 const struct nr_tfsm__str *lines, size_t nlines,
                 struct nr_err *err);

/* Read a whole file into a bounded buffer. */
int nr_tfsm__slurp(struct nr_buf *b, const char *path, struct nr_err *err);

#endif
