/* pylit.h — the bits of Python that Ansible's INI inventory leans on:
 * ast.literal_eval of a value, shlex.split of a host line, and Python's
 * notion of whitespace and line ends.  Typing INI values any other way
 * gives different variables than ansible-inventory. */
#ifndef NR_PYLIT_H
#define NR_PYLIT_H

#include <stddef.h>

#include "val.h"

/* The value ast.literal_eval(s) gives, or NULL when Python would reject
 * it (the caller then keeps the text as a string) or memory ran out
 * (*oom set). Tuples and sets become lists; dict keys become the text
 * json.dumps would print for them. */
struct nr_val *nr_py_literal(const char *s, size_t len, int *oom);

/* shlex.split(line, comments=True) in POSIX mode.  On success *toks is a
 * NULL-terminated array the caller frees with nr_strv_free.  On a syntax
 * error returns -1 and *why says what ("No closing quotation"). */
int nr_shlex_split(char ***toks, size_t *ntoks, const char *line, size_t len,
                   const char **why);
void nr_strv_free(char **v);

/* Length of the Python str.isspace() character at s (0 when none). */
size_t nr_py_space(const char *s, size_t len);
/* str.strip(): trims [*b, *e) in place. */
void nr_py_strip(const char **b, const char **e);
/* Length of the line break at s as str.splitlines() sees one, 0 if
 * none (\n, \r\n, \r, \v, \f, \x1c-\x1e, U+0085, U+2028, U+2029). */
size_t nr_py_linebreak(const char *s, size_t len);

#endif
