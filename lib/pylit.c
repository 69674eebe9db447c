/* pylit.c — Python literal evaluation and shlex splitting, as far as
 * INI inventories need them (see pylit.h for why they must be exact). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pylit.h"

size_t nr_py_space(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;

    if (len == 0) {
        return 0;
    }
    if (u[0] == ' ' || (u[0] >= 0x09 && u[0] <= 0x0d) ||
        (u[0] >= 0x1c && u[0] <= 0x1f)) {
        return 1;
    }
    if (len >= 2 && u[0] == 0xC2 && (u[1] == 0x85 || u[1] == 0xA0)) {
        return 2;
    }
    if (len >= 3 && u[0] == 0xE1 && u[1] == 0x9A && u[2] == 0x80) {
        return 3; /* U+1680 */
    }
    if (len >= 3 && u[0] == 0xE2 && u[1] == 0x80 &&
        ((u[2] >= 0x80 && u[2] <= 0x8A) || u[2] == 0xA8 || u[2] == 0xA9 ||
         u[2] == 0xAF)) {
        return 3; /* U+2000..200A, 2028, 2029, 202F */
    }
    if (len >= 3 && u[0] == 0xE2 && u[1] == 0x81 && u[2] == 0x9F) {
        return 3; /* U+205F */
    }
    if (len >= 3 && u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x80) {
        return 3; /* U+3000 */
    }
    return 0;
}

void nr_py_strip(const char **b, const char **e)
{
    size_t n;

    while (*b < *e && (n = nr_py_space(*b, (size_t)(*e - *b))) > 0) {
        *b += n;
    }
    /* Walk back over whole characters: find the last char start. */
    for (;;) {
        const char *p = *e;
        int found = 0;

        for (size_t k = 1; k <= 3 && p - (ptrdiff_t)k >= *b; k++) {
            n = nr_py_space(p - k, k);
            if (n == k) {
                *e = p - k;
                found = 1;
                break;
            }
        }
        if (!found) {
            break;
        }
    }
}

size_t nr_py_linebreak(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;

    if (len == 0) {
        return 0;
    }
    if (u[0] == '\r') {
        return (len >= 2 && u[1] == '\n') ? 2 : 1;
    }
    if (u[0] == '\n' || u[0] == 0x0b || u[0] == 0x0c ||
        (u[0] >= 0x1c && u[0] <= 0x1e)) {
        return 1;
    }
    if (len >= 2 && u[0] == 0xC2 && u[1] == 0x85) {
        return 2;
    }
    if (len >= 3 && u[0] == 0xE2 && u[1] == 0x80 &&
        (u[2] == 0xA8 || u[2] == 0xA9)) {
        return 3;
    }
    return 0;
}

void nr_strv_free(char **v)
{
    if (v != NULL) {
        for (size_t i = 0; v[i] != NULL; i++) {
            free(v[i]);
        }
        free(v);
    }
}

static int strv_push(char ***v, size_t *n, size_t *cap, const char *s,
                     size_t len)
{
    char **p;
    char *c;

    if (*n + 1 >= *cap) {
        size_t nc = *cap != 0 ? *cap * 2 : 8;

        p = realloc(*v, nc * sizeof(*p));
        if (p == NULL) {
            return -1;
        }
        *v = p;
        *cap = nc;
    }
    c = strndup(s, len);
    if (c == NULL) {
        return -1;
    }
    (*v)[(*n)++] = c;
    (*v)[*n] = NULL;
    return 0;
}

int nr_shlex_split(char ***toks, size_t *ntoks, const char *line, size_t len,
                   const char **why)
{
    struct nr_buf tok = NR_BUF_INIT(len + 1);
    char **v = NULL;
    size_t n = 0, cap = 0, i = 0;
    int in_tok = 0;
    int rc = -1;

    *toks = NULL;
    *ntoks = 0;
    *why = NULL;
    if (strv_push(&v, &n, &cap, "", 0) != 0) {
        goto oom;
    }
    free(v[0]);
    n = 0;
    v[0] = NULL;
    while (i < len) {
        char c = line[i];

        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            if (in_tok) {
                if (strv_push(&v, &n, &cap, nr_buf_str(&tok), tok.len) != 0) {
                    goto oom;
                }
                nr_buf_reset(&tok);
                in_tok = 0;
            }
            i++;
        } else if (c == '#') {
            break; /* a comment runs to the end of the line */
        } else if (c == '\'') {
            in_tok = 1;
            i++;
            while (i < len && line[i] != '\'') {
                if (nr_buf_addc(&tok, line[i++]) != 0) {
                    goto oom;
                }
            }
            if (i >= len) {
                *why = "No closing quotation";
                goto out;
            }
            i++;
        } else if (c == '"') {
            in_tok = 1;
            i++;
            while (i < len && line[i] != '"') {
                /* Inside double quotes a backslash escapes only " and \. */
                if (line[i] == '\\' && i + 1 < len &&
                    (line[i + 1] == '"' || line[i + 1] == '\\')) {
                    i++;
                }
                if (nr_buf_addc(&tok, line[i++]) != 0) {
                    goto oom;
                }
            }
            if (i >= len) {
                *why = "No closing quotation";
                goto out;
            }
            i++;
        } else if (c == '\\') {
            in_tok = 1;
            if (i + 1 >= len) {
                *why = "No escaped character";
                goto out;
            }
            if (nr_buf_addc(&tok, line[i + 1]) != 0) {
                goto oom;
            }
            i += 2;
        } else {
            in_tok = 1;
            if (nr_buf_addc(&tok, c) != 0) {
                goto oom;
            }
            i++;
        }
    }
    if (in_tok && strv_push(&v, &n, &cap, nr_buf_str(&tok), tok.len) != 0) {
        goto oom;
    }
    *toks = v;
    *ntoks = n;
    v = NULL;
    rc = 0;
    goto out;
oom:
    *why = "out of memory";
out:
    nr_strv_free(v);
    nr_buf_dispose(&tok);
    return rc;
}

/* ---- ast.literal_eval --------------------------------------------- */

struct lp {
    const char *s;
    size_t len;
    size_t pos;
    int depth;
    int oom;
};

static int is_ident_start(unsigned char c)
{
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           c >= 0x80;
}

static int is_ident(unsigned char c)
{
    return is_ident_start(c) || (c >= '0' && c <= '9');
}

static void lp_ws(struct lp *p)
{
    while (p->pos < p->len) {
        char c = p->s[p->pos];

        if (c == ' ' || c == '\t' || c == '\f') {
            p->pos++;
        } else if (c == '#') {
            p->pos = p->len;
        } else {
            break;
        }
    }
}

static int lp_peek(struct lp *p)
{
    lp_ws(p);
    return p->pos < p->len ? (unsigned char)p->s[p->pos] : -1;
}

static int isdig(int c, int base)
{
    if (base == 16) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
               (c >= 'A' && c <= 'F');
    }
    return c >= '0' && c < '0' + base;
}

/* Digits with single underscores between them: [0-9](_?[0-9])*.
 * Appends the digits to out; returns how many were read, -1 on a bad
 * underscore. */
static int lp_digits(struct lp *p, int base, struct nr_buf *out)
{
    int n = 0;

    while (p->pos < p->len) {
        char c = p->s[p->pos];

        if (isdig((unsigned char)c, base)) {
            if (nr_buf_addc(out, c) != 0) {
                p->oom = 1;
                return -1;
            }
            n++;
            p->pos++;
        } else if (c == '_' && n > 0 && p->pos + 1 < p->len &&
                   isdig((unsigned char)p->s[p->pos + 1], base)) {
            p->pos++;
        } else {
            break;
        }
    }
    if (p->pos < p->len && p->s[p->pos] == '_') {
        return -1;
    }
    return n;
}

/* Digits in base to a decimal string (for integers past 64 bits). */
static struct nr_val *big_from(const char *d, size_t nd, int base)
{
    unsigned char *dec = calloc(nd * 2 + 2, 1);
    size_t ndec = 1;
    struct nr_val *v = NULL;
    char *txt = NULL;
    size_t i, k;

    if (dec == NULL) {
        return NULL;
    }
    for (i = 0; i < nd; i++) {
        int carry = nr_hexval((unsigned char)d[i]);

        for (k = 0; k < ndec; k++) {
            int x = dec[k] * base + carry;

            dec[k] = (unsigned char)(x % 10);
            carry = x / 10;
        }
        while (carry > 0) {
            dec[ndec++] = (unsigned char)(carry % 10);
            carry /= 10;
        }
    }
    while (ndec > 1 && dec[ndec - 1] == 0) {
        ndec--;
    }
    txt = malloc(ndec + 2);
    if (txt != NULL) {
        for (k = 0; k < ndec; k++) {
            txt[k] = (char)('0' + dec[ndec - 1 - k]);
        }
        v = nr_val_bigint(txt, ndec);
    }
    free(txt);
    free(dec);
    return v;
}

static struct nr_val *int_from(const char *d, size_t nd, int base, int neg)
{
    unsigned long long acc = 0;
    size_t i;
    struct nr_val *v;

    for (i = 0; i < nd; i++) {
        int x = nr_hexval((unsigned char)d[i]);

        if (acc > (0x7fffffffffffffffULL - (unsigned)x) / (unsigned)base) {
            break;
        }
        acc = acc * (unsigned)base + (unsigned)x;
    }
    if (i == nd) {
        return nr_val_int(neg ? -(long long)acc : (long long)acc);
    }
    v = big_from(d, nd, base);
    if (v != NULL && neg) {
        char *s = malloc(v->u.str.len + 2);

        if (s == NULL) {
            nr_val_free(v);
            return NULL;
        }
        s[0] = '-';
        memcpy(s + 1, v->u.str.s, v->u.str.len + 1);
        free(v->u.str.s);
        v->u.str.s = s;
        v->u.str.len++;
    }
    return v;
}

static struct nr_val *lp_number(struct lp *p, int neg)
{
    struct nr_buf d = NR_BUF_INIT(1u << 16);
    struct nr_val *v = NULL;
    int is_float = 0;
    int n;
    char c;

    c = p->s[p->pos];
    if (c == '0' && p->pos + 1 < p->len &&
        strchr("xXoObB", p->s[p->pos + 1]) != NULL &&
        p->s[p->pos + 1] != '\0') {
        char k = (char)(p->s[p->pos + 1] | 0x20);
        int base = k == 'x' ? 16 : (k == 'o' ? 8 : 2);

        p->pos += 2;
        if (p->pos < p->len && p->s[p->pos] == '_') {
            p->pos++;
        }
        n = lp_digits(p, base, &d);
        if (n <= 0) {
            goto out;
        }
        if (p->pos < p->len && is_ident((unsigned char)p->s[p->pos])) {
            goto out;
        }
        v = int_from(d.data, d.len, base, neg);
        if (v == NULL) {
            p->oom = 1;
        }
        goto out;
    }
    if (c != '.') {
        n = lp_digits(p, 10, &d);
        if (n < 0) {
            goto out;
        }
    }
    if (p->pos < p->len && p->s[p->pos] == '.') {
        is_float = 1;
        if (nr_buf_addc(&d, '.') != 0) {
            p->oom = 1;
            goto out;
        }
        p->pos++;
        if (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9') {
            if (lp_digits(p, 10, &d) < 0) {
                goto out;
            }
        } else if (d.len == 1) {
            goto out; /* a lone "." */
        }
    }
    if (p->pos < p->len && (p->s[p->pos] == 'e' || p->s[p->pos] == 'E')) {
        is_float = 1;
        p->pos++;
        if (nr_buf_addc(&d, 'e') != 0) {
            p->oom = 1;
            goto out;
        }
        if (p->pos < p->len && (p->s[p->pos] == '+' || p->s[p->pos] == '-')) {
            if (nr_buf_addc(&d, p->s[p->pos++]) != 0) {
                p->oom = 1;
                goto out;
            }
        }
        if (lp_digits(p, 10, &d) <= 0) {
            goto out;
        }
    }
    /* An imaginary literal, or a number run into a name: not something
     * the JSON side can hold, or not a literal at all. */
    if (p->pos < p->len && is_ident((unsigned char)p->s[p->pos])) {
        goto out;
    }
    if (is_float) {
        double f = strtod(d.data, NULL);

        v = nr_val_float(neg ? -f : f);
    } else {
        /* Python 3 forbids leading zeros in a non-zero decimal. */
        size_t k;

        for (k = 0; k < d.len && d.data[k] == '0'; k++) {
        }
        if (k > 0 && k < d.len) {
            goto out;
        }
        v = int_from(d.data, d.len, 10, neg);
    }
    if (v == NULL) {
        p->oom = 1;
    }
out:
    nr_buf_dispose(&d);
    return v;
}

/* One string literal (with optional prefix) appended to out.
 * *kind: 1 str, 2 bytes.  Returns 0, or -1 when not a literal. */
static int lp_string(struct lp *p, struct nr_buf *out, int *kind)
{
    int raw = 0, bytes = 0;
    char q;
    int triple;
    size_t i;

    while (p->pos < p->len && strchr("rRbBuU", p->s[p->pos]) != NULL &&
           p->s[p->pos] != '\0') {
        char c = (char)(p->s[p->pos] | 0x20);

        if (c == 'r') {
            raw++;
        } else if (c == 'b') {
            bytes++;
        }
        p->pos++;
    }
    if (raw > 1 || bytes > 1 || p->pos >= p->len ||
        (p->s[p->pos] != '\'' && p->s[p->pos] != '"')) {
        return -1;
    }
    *kind = bytes ? 2 : 1;
    q = p->s[p->pos];
    triple = p->pos + 2 < p->len && p->s[p->pos + 1] == q &&
             p->s[p->pos + 2] == q;
    p->pos += triple ? 3 : 1;
    for (;;) {
        char c;

        if (p->pos >= p->len) {
            return -1;
        }
        c = p->s[p->pos];
        if (c == q) {
            if (!triple) {
                p->pos++;
                return 0;
            }
            if (p->pos + 2 < p->len + 0 && p->s[p->pos + 1] == q &&
                p->s[p->pos + 2] == q) {
                p->pos += 3;
                return 0;
            }
        }
        if (c == '\n' && !triple) {
            return -1;
        }
        if (bytes && (unsigned char)c >= 0x80) {
            return -1;
        }
        if (c != '\\') {
            if (nr_buf_addc(out, c) != 0) {
                p->oom = 1;
                return -1;
            }
            p->pos++;
            continue;
        }
        if (p->pos + 1 >= p->len) {
            return -1;
        }
        if (raw) {
            /* In a raw literal the backslash stays; it only stops the
             * next character from closing the string. */
            if (nr_buf_add(out, p->s + p->pos, 2) != 0) {
                p->oom = 1;
                return -1;
            }
            p->pos += 2;
            continue;
        }
        c = p->s[p->pos + 1];
        p->pos += 2;
        {
            unsigned long cp = 0;
            int ok = 1;
            const char *map = "\\\\''\"\"a\ab\bf\fn\nr\rt\tv\v";

            for (i = 0; map[i] != '\0'; i += 2) {
                if (map[i] == c) {
                    break;
                }
            }
            if (map[i] != '\0') {
                ok = nr_buf_addc(out, map[i + 1]) == 0;
            } else if (c == '\n') {
                /* line continuation */
            } else if (c >= '0' && c <= '7') {
                cp = (unsigned long)(c - '0');
                for (i = 0; i < 2 && p->pos < p->len && p->s[p->pos] >= '0' &&
                     p->s[p->pos] <= '7'; i++) {
                    cp = cp * 8 + (unsigned long)(p->s[p->pos++] - '0');
                }
                if (bytes) {
                    ok = nr_buf_addc(out, (char)(cp & 0xFF)) == 0;
                } else {
                    ok = nr_buf_add_utf8(out, cp) == 0;
                }
            } else if (c == 'x' || (!bytes && (c == 'u' || c == 'U'))) {
                int want = c == 'x' ? 2 : (c == 'u' ? 4 : 8);

                for (i = 0; i < (size_t)want; i++) {
                    if (p->pos >= p->len ||
                        !isdig((unsigned char)p->s[p->pos], 16)) {
                        return -1;
                    }
                    c = p->s[p->pos++];
                    cp = cp * 16 + (unsigned long)nr_hexval((unsigned char)c);
                }
                if (cp > 0x10FFFF) {
                    return -1;
                }
                if (bytes) {
                    ok = nr_buf_addc(out, (char)cp) == 0;
                } else {
                    ok = nr_buf_add_utf8(out, cp) == 0;
                }
            } else if (c == 'N' && !bytes) {
                return -1; /* named escapes: no Unicode name table here */
            } else {
                /* Python keeps an unknown escape as it is. */
                ok = nr_buf_addc(out, '\\') == 0 && nr_buf_addc(out, c) == 0;
            }
            if (!ok) {
                p->oom = 1;
                return -1;
            }
        }
    }
}

static struct nr_val *lp_tuple_or_expr(struct lp *p, int close, int *tuple);

static struct nr_val *lp_atom(struct lp *p)
{
    struct nr_val *v = NULL;
    struct nr_val *k = NULL;
    struct nr_val *item = NULL;
    struct nr_buf sb = NR_BUF_INIT((size_t)1 << 24);
    int c, tuple, kind, kind0 = 0;
    int neg = 0;

    if (++p->depth > 100) {
        goto out;
    }
    c = lp_peek(p);
    if (c == '-' || c == '+') {
        /* A sign applies to a number only, and only once. */
        neg = c == '-';
        p->pos++;
        c = lp_peek(p);
        if (!((c >= '0' && c <= '9') || c == '.')) {
            goto out;
        }
    }
    if ((c >= '0' && c <= '9') || c == '.') {
        v = lp_number(p, neg);
        goto out;
    }
    if (c == '\'' || c == '"' ||
        (c >= 0 && strchr("rRbBuU", c) != NULL && c != 0 &&
         p->pos + 1 < p->len &&
         (p->s[p->pos + 1] == '\'' || p->s[p->pos + 1] == '"' ||
          (strchr("rRbBuU", p->s[p->pos + 1]) != NULL &&
           p->pos + 2 < p->len &&
           (p->s[p->pos + 2] == '\'' || p->s[p->pos + 2] == '"'))))) {
        /* Adjacent literals concatenate; str and bytes may not mix. */
        do {
            if (lp_string(p, &sb, &kind) != 0 ||
                (kind0 != 0 && kind != kind0)) {
                goto out;
            }
            kind0 = kind;
            c = lp_peek(p);
        } while (c == '\'' || c == '"' ||
                 (c >= 0 && c != 0 && strchr("rRbBuU", c) != NULL));
        v = nr_val_str(nr_buf_str(&sb), sb.len);
        if (v == NULL) {
            p->oom = 1;
        }
        goto out;
    }
    if (c >= 0 && is_ident_start((unsigned char)c)) {
        size_t st = p->pos;

        while (p->pos < p->len && is_ident((unsigned char)p->s[p->pos])) {
            p->pos++;
        }
        if (p->pos - st == 4 && memcmp(p->s + st, "True", 4) == 0) {
            v = nr_val_bool(1);
        } else if (p->pos - st == 5 && memcmp(p->s + st, "False", 5) == 0) {
            v = nr_val_bool(0);
        } else if (p->pos - st == 4 && memcmp(p->s + st, "None", 4) == 0) {
            v = nr_val_null();
        } else {
            goto out;
        }
        if (v == NULL) {
            p->oom = 1;
        }
        goto out;
    }
    if (c == '(') {
        p->pos++;
        if (lp_peek(p) == ')') {
            p->pos++;
            v = nr_val_list();
            goto out;
        }
        v = lp_tuple_or_expr(p, ')', &tuple);
        if (v != NULL && lp_peek(p) == ')') {
            p->pos++;
            goto out;
        }
        nr_val_free(v);
        v = NULL;
        goto out;
    }
    if (c == '[') {
        p->pos++;
        v = nr_val_list();
        if (v == NULL) {
            p->oom = 1;
            goto out;
        }
        for (;;) {
            if (lp_peek(p) == ']') {
                p->pos++;
                goto out;
            }
            item = lp_atom(p);
            if (item == NULL || nr_val_list_push(v, item) != 0) {
                goto fail;
            }
            item = NULL;
            c = lp_peek(p);
            if (c == ',') {
                p->pos++;
            } else if (c != ']') {
                goto fail;
            }
        }
    }
    if (c == '{') {
        int is_set = -1;

        p->pos++;
        v = nr_val_map();
        if (v == NULL) {
            p->oom = 1;
            goto out;
        }
        for (;;) {
            if (lp_peek(p) == '}') {
                p->pos++;
                goto out;
            }
            k = lp_atom(p);
            if (k == NULL) {
                goto fail;
            }
            c = lp_peek(p);
            if (is_set == -1) {
                is_set = c != ':';
                if (is_set) {
                    v->t = NR_VT_LIST; /* a set: JSON can only list it */
                }
            }
            if (is_set) {
                if (nr_val_list_push(v, k) != 0) {
                    k = NULL;
                    goto fail;
                }
                k = NULL;
            } else {
                if (c != ':') {
                    goto fail;
                }
                p->pos++;
                item = lp_atom(p);
                nr_buf_reset(&sb);
                if (item == NULL || nr_val_keytext(k, &sb) != 0) {
                    goto fail;
                }
                if (nr_val_map_set(v, nr_buf_str(&sb), sb.len, item) != 0) {
                    item = NULL;
                    goto fail;
                }
                item = NULL;
                nr_val_free(k);
                k = NULL;
            }
            c = lp_peek(p);
            if (c == ',') {
                p->pos++;
            } else if (c != '}') {
                goto fail;
            }
        }
    }
    goto out;
fail:
    nr_val_free(v);
    v = NULL;
out:
    nr_val_free(k);
    nr_val_free(item);
    nr_buf_dispose(&sb);
    p->depth--;
    return v;
}

/* expr (',' expr)* [','] up to close (or end when close is 0). */
static struct nr_val *lp_tuple_or_expr(struct lp *p, int close, int *tuple)
{
    struct nr_val *first = NULL;
    struct nr_val *list = NULL;
    struct nr_val *item;
    int c;

    *tuple = 0;
    first = lp_atom(p);
    if (first == NULL) {
        return NULL;
    }
    c = lp_peek(p);
    if (c != ',') {
        return first;
    }
    *tuple = 1;
    list = nr_val_list();
    if (list == NULL || nr_val_list_push(list, first) != 0) {
        if (list == NULL) {
            nr_val_free(first);
        }
        nr_val_free(list);
        p->oom = 1;
        return NULL;
    }
    while (lp_peek(p) == ',') {
        p->pos++;
        c = lp_peek(p);
        if (c == close || c == -1) {
            break;
        }
        item = lp_atom(p);
        if (item == NULL || nr_val_list_push(list, item) != 0) {
            nr_val_free(list);
            return NULL;
        }
    }
    return list;
}

struct nr_val *nr_py_literal(const char *s, size_t len, int *oom)
{
    struct lp p = { s, len, 0, 0, 0 };
    struct nr_val *v;
    int tuple;

    *oom = 0;
    if (memchr(s, '\0', len) != NULL) {
        return NULL;
    }
    /* literal_eval strips leading spaces and tabs first. */
    while (p.pos < len && (s[p.pos] == ' ' || s[p.pos] == '\t')) {
        p.pos++;
    }
    v = lp_tuple_or_expr(&p, 0, &tuple);
    if (v != NULL && lp_peek(&p) != -1) {
        nr_val_free(v);
        v = NULL;
    }
    *oom = p.oom;
    return v;
}
