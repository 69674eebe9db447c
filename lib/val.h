/* val.h — a small typed value model (the JSON/YAML/Python-literal data
 * model) with a JSON writer that prints exactly as Python's json.dumps
 * does, and a JSON reader with Python's json.loads semantics.  Inventory
 * variables live in these values. */
#ifndef NR_VAL_H
#define NR_VAL_H

#include <stddef.h>

#include "buf.h"
#include "netrun.h"

enum nr_vt {
    NR_VT_NULL,
    NR_VT_BOOL,
    NR_VT_INT,
    NR_VT_BIGINT,  /* an integer beyond 64 bits, kept as its digits */
    NR_VT_FLOAT,
    NR_VT_STR,
    NR_VT_LIST,
    NR_VT_MAP,     /* string keys, insertion order, last set wins */
};

struct nr_val {
    enum nr_vt t;
    int line;              /* source line, 0 when unknown */
    union {
        int b;
        long long i;
        double f;
        struct {
            char *s;       /* NUL-terminated; may hold NULs inside */
            size_t len;
        } str;
        struct {
            struct nr_val **items;
            size_t n, cap;
        } list;
        struct {
            char **keys;
            struct nr_val **vals;
            size_t n, cap;
        } map;
    } u;
};

/* Constructors return NULL only when memory is exhausted. */
struct nr_val *nr_val_null(void);
struct nr_val *nr_val_bool(int b);
struct nr_val *nr_val_int(long long i);
struct nr_val *nr_val_bigint(const char *digits, size_t len);
struct nr_val *nr_val_float(double f);
struct nr_val *nr_val_str(const char *s, size_t len);
struct nr_val *nr_val_strz(const char *s);
struct nr_val *nr_val_list(void);
struct nr_val *nr_val_map(void);
void nr_val_free(struct nr_val *v);
struct nr_val *nr_val_clone(const struct nr_val *v);

/* Take ownership of item (freed on failure too). 0 / -1. */
int nr_val_list_push(struct nr_val *list, struct nr_val *item);
/* Replace keeps the key's first position, as a Python dict does. */
int nr_val_map_set(struct nr_val *map, const char *key, size_t klen,
                   struct nr_val *item);
struct nr_val *nr_val_map_get(const struct nr_val *map, const char *key);
/* Drop the entries after the first n (kept: their order, the storage). */
void nr_val_map_truncate(struct nr_val *map, size_t n);

/* The text json.dumps uses for a scalar dict key (1 -> "1", True ->
 * "true"); -1 for a list or map, which cannot be a key. */
int nr_val_keytext(const struct nr_val *k, struct nr_buf *out);

/* JSON as Python's json.dumps(v, indent=indent, sort_keys=sort,
 * ensure_ascii=False) prints it; indent < 0 is the compact one-line form
 * with ", " and ": " separators.  -1 with errno EMSGSIZE/ENOMEM. */
int nr_val_json(struct nr_buf *out, const struct nr_val *v, int indent,
                int sort);
/* Append s as a JSON string literal (Python's escaping). */
int nr_json_str(struct nr_buf *out, const char *s, size_t len);
/* Python's repr() of a float: shortest text that reads back the same. */
void nr_float_repr(double f, char out[40]);

/* Parse JSON text as Python's json.loads does (NaN/Infinity accepted,
 * big integers kept, duplicate keys: last wins).  name labels errors:
 * "name:LINE: ...".  Nesting deeper than 512 is refused. */
int nr_json_parse(struct nr_val **out, const char *text, size_t len,
                  const char *name, struct nr_err *err);

#endif
