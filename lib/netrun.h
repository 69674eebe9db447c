/*
 * netrun.h — the public API of libnetrun.
 *
 * One header for the whole library, in the manner of curl.h: opaque
 * objects, fallible calls that return 0 / -1 and fill a caller-owned
 * struct nr_err, out-parameters first.  Unless a function says otherwise
 * it is thread-safe on distinct objects and not on a shared one.
 */
#ifndef NETRUN_H
#define NETRUN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NR_API __attribute__((visibility("default")))

/* ------------------------------------------------------------------ */
/* Errors                                                              */
/* ------------------------------------------------------------------ */

/* The closed set of failure kinds every tool reports (DESIGN.md). */
enum nr_err_kind {
    NR_OK = 0,
    NR_ERR_CONNECT,
    NR_ERR_AUTH,
    NR_ERR_HOSTKEY,
    NR_ERR_TIMEOUT,
    NR_ERR_PROTOCOL,
    NR_ERR_COMMAND,
    NR_ERR_PARSE,
    NR_ERR_IO,
    NR_ERR_LIMIT,   /* a configured bound (or memory) was exhausted */
    NR_ERR_USAGE,
};

/* Fixed size and never allocates, so it can be filled on any path,
 * including out-of-memory.  The text never carries a secret. */
struct nr_err {
    enum nr_err_kind kind;
    char host[128];
    char op[32];
    char msg[512];
};

#define NR_ERR_INIT { NR_OK, "", "", "" }

/* Record a failure.  op may be NULL or "" (no operation part). */
NR_API void nr_err_set(struct nr_err *err, enum nr_err_kind kind,
                       const char *op, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Attach the host the failure belongs to (the runner does this). */
NR_API void nr_err_set_host(struct nr_err *err, const char *host);
NR_API void nr_err_clear(struct nr_err *err);
/* "connect", "auth", ... ; "ok" for NR_OK.  Static string. */
NR_API const char *nr_err_kind_name(enum nr_err_kind kind);
/* One line: "host: op: msg", leaving out empty parts.  Returns buf. */
NR_API const char *nr_err_str(const struct nr_err *err, char *buf,
                              size_t size);

/* Library version string, static. */
NR_API const char *nr_version(void);

/* ------------------------------------------------------------------ */
/* Inventory                                                           */
/* ------------------------------------------------------------------ */

/*
 * An inventory is loaded from one or more sources, each an Ansible INI or
 * YAML file, an executable (dynamic inventory printing JSON for --list),
 * a directory of such files, "-" (dynamic-inventory JSON on stdin) or a
 * comma list of host names ("r1,r2,").  group_vars/ and host_vars/ beside
 * each source are read as Ansible reads them.  Variables are merged with
 * Ansible's precedence, then -e extra vars on top.
 */
struct nr_inventory;

struct nr_inventory_opts {
    int script_timeout_ms;  /* executable inventories; default 30000 */
    size_t max_file_bytes;  /* any one file or script output; 64 MiB */
};
#define NR_INVENTORY_OPTS_INIT { 30000, (size_t)64 << 20 }

/* Load sources[0..n-1] in order into one inventory.  On failure err
 * names FILE:LINE (or the script) and what is wrong.  The caller owns
 * *out and frees it with nr_inventory_free. */
NR_API int nr_inventory_load(struct nr_inventory **out,
                             const char *const *sources, size_t n,
                             const struct nr_inventory_opts *opts,
                             struct nr_err *err);
NR_API void nr_inventory_free(struct nr_inventory *inv);

/* -e key=value (a string) or -e @FILE (YAML/JSON mapping): extra vars,
 * above every other source.  Call before any query. */
NR_API int nr_inventory_add_extra(struct nr_inventory *inv, const char *arg,
                                  struct nr_err *err);

/* Warnings (unmatched pattern parts, duplicate keys, ...) go here; with
 * no callback they are dropped.  msg is valid during the call only. */
typedef void (*nr_warn_fn)(void *payload, const char *msg);
NR_API void nr_inventory_on_warning(struct nr_inventory *inv, nr_warn_fn fn,
                                    void *payload);

/* A selection of hosts, in Ansible's order for the pattern. */
struct nr_hostset;

/* Hosts matching an Ansible host pattern ("all", "g1:&g2:!r3", "~re",
 * "r*", "@file", ...).  A pattern matching no host at all is a usage
 * error.  NULL or "" means all.  Caller frees with nr_hostset_free. */
NR_API int nr_inventory_select(struct nr_hostset **out,
                               struct nr_inventory *inv, const char *pattern,
                               struct nr_err *err);
NR_API void nr_hostset_free(struct nr_hostset *set);
NR_API size_t nr_hostset_count(const struct nr_hostset *set);
/* Name of the i-th host; borrowed, valid while the inventory lives. */
NR_API const char *nr_hostset_name(const struct nr_hostset *set, size_t i);

/* Output flags for the JSON/graph/origin renderers. */
#define NR_INV_SHOW_SECRETS 0x1u   /* print secret values as they are */

/* ansible-inventory --list: JSON text in its exact shape (sorted keys,
 * 4-space indent).  limit may be NULL (all hosts).  Caller frees *out. */
NR_API int nr_inventory_list_json(char **out, struct nr_inventory *inv,
                                  const struct nr_hostset *limit,
                                  unsigned flags, struct nr_err *err);
/* ansible-inventory --host NAME: the host's merged variables as JSON. */
NR_API int nr_inventory_host_json(char **out, struct nr_inventory *inv,
                                  const char *host, unsigned flags,
                                  struct nr_err *err);
/* ansible-inventory --graph [GROUP]: the group tree as text. */
NR_API int nr_inventory_graph(char **out, struct nr_inventory *inv,
                              const char *group,
                              const struct nr_hostset *limit,
                              struct nr_err *err);
/* For each effective variable of host: its value, the file:line that set
 * it and the definitions it overrode, lowest precedence last. */
NR_API int nr_inventory_origin(char **out, struct nr_inventory *inv,
                               const char *host, unsigned flags,
                               struct nr_err *err);

/*
 * Connection settings of one host, resolved from its variables: netrun's
 * own name (user) wins over the Ansible name (ansible_user) and the old
 * alias (ansible_ssh_user) only when set at the same or higher precedence.
 */
struct nr_host;

/* Caller frees with nr_host_free. */
NR_API int nr_inventory_host(struct nr_host **out, struct nr_inventory *inv,
                             const char *name, struct nr_err *err);
NR_API void nr_host_free(struct nr_host *h);
NR_API const char *nr_host_name(const struct nr_host *h);
/* Value of a setting as text, or NULL when unset.  key is a netrun name
 * ("host", "port", "user", "password", "key_file", "platform",
 * "enable_secret", "snmp_community", ...) or any variable name.  For
 * secrets, KEY_env=VAR is honoured.  Borrowed, valid while h lives. */
NR_API const char *nr_host_get(const struct nr_host *h, const char *key);
/* Is this variable name a secret (masked in every output)? */
NR_API int nr_var_is_secret(const char *name);

/* === Module APIs follow, one section each. === */

/* ------------------------------------------------------------------ */
/* Text parsing (TextFSM)                                              */
/* ------------------------------------------------------------------ */

/*
 * A TextFSM engine compatible with python textfsm 1.1.0 as ntc-templates
 * use it: templates in its language with Python `re` patterns, records
 * emitted exactly as the reference emits them, several templates merged
 * on their Key values as CliTable merges them, and ntc-templates' index
 * files to pick templates by platform and command.
 *
 * A loaded struct nr_tfsm is immutable: any number of threads may call
 * nr_tfsm_parse on the same one at once (each call has its own match
 * state).  Everything else is for one thread at a time per object.
 */
struct nr_tfsm;
struct nr_tfsm_records;
struct nr_tfsm_index;

/* Load and compile templates.  paths is one file or several joined by
 * ':' (merged as CliTable does).  Template errors are NR_ERR_USAGE with
 * "FILE:LINE: why".  Caller frees *out with nr_tfsm_free. */
NR_API int nr_tfsm_load(struct nr_tfsm **out, const char *paths,
                        struct nr_err *err);
/* The same from text in memory; name stands for the file in errors. */
NR_API int nr_tfsm_load_text(struct nr_tfsm **out, const char *name,
                             const char *text, size_t len,
                             struct nr_err *err);
/* Add one more template from memory to merge after those loaded. */
NR_API int nr_tfsm_add_text(struct nr_tfsm *fsm, const char *name,
                            const char *text, size_t len,
                            struct nr_err *err);
NR_API void nr_tfsm_free(struct nr_tfsm *fsm);

/* Parse device output (any bytes; read as UTF-8 with universal
 * newlines).  An Error rule that fires, or a pattern that exceeds the
 * match limits, is NR_ERR_PARSE naming template file and line.  Caller
 * frees *out with nr_tfsm_records_free.  Thread-safe on a shared fsm. */
NR_API int nr_tfsm_parse(struct nr_tfsm_records **out,
                         const struct nr_tfsm *fsm, const char *text,
                         size_t len, struct nr_err *err);
NR_API void nr_tfsm_records_free(struct nr_tfsm_records *rec);

/* Columns are the Value names (first template's, then those the others
 * add).  Strings are borrowed and live as long as rec. */
NR_API size_t nr_tfsm_records_ncols(const struct nr_tfsm_records *rec);
NR_API const char *nr_tfsm_records_col(const struct nr_tfsm_records *rec,
                                       size_t col);
NR_API size_t nr_tfsm_records_nrows(const struct nr_tfsm_records *rec);
/* A cell is a string or, for List values, a list of strings.  For a
 * string: returns 0, *item = the text (length *len), n_items ignored.
 * nr_tfsm_records_cell reports which it is and the item count. */
NR_API int nr_tfsm_records_is_list(const struct nr_tfsm_records *rec,
                                   size_t row, size_t col, size_t *nitems);
/* Item i of a list cell, or the string of a string cell (i ignored).
 * Not NUL-terminated: *len is its length. */
NR_API const char *nr_tfsm_records_get(const struct nr_tfsm_records *rec,
                                       size_t row, size_t col, size_t i,
                                       size_t *len);

enum nr_tfsm_format {
    NR_TFSM_JSON,   /* one JSON list of objects, keys lower-cased */
    NR_TFSM_JSONL,  /* one object per line */
    NR_TFSM_CSV,    /* header of Value names; lists as JSON arrays */
    NR_TFSM_TEXT,   /* an aligned table for people */
};
/* Render rec; caller frees *out (NUL-terminated, *len bytes). */
NR_API int nr_tfsm_records_format(char **out, size_t *len,
                                  const struct nr_tfsm_records *rec,
                                  enum nr_tfsm_format fmt,
                                  struct nr_err *err);
/* Render rec in pieces of about 64 KiB, handed in order to write (p is
 * borrowed for the call), which returns 0, or -1 to stop: then this
 * returns -1 with NR_ERR_IO.  The whole text never sits in memory. */
NR_API int nr_tfsm_records_write(const struct nr_tfsm_records *rec,
                                 enum nr_tfsm_format fmt,
                                 int (*write)(const char *p, size_t n,
                                              void *payload),
                                 void *payload, struct nr_err *err);

/* The template search path: extra dirs first, then the entries of
 * NETRUN_TEMPLATES (':'-separated), then the installed templates, then
 * those of the source tree the library was built from.
 * Caller frees with nr_tfsm_dirs_free. */
NR_API int nr_tfsm_dirs(char ***out, size_t *n, const char *const *extra,
                        size_t nextra, struct nr_err *err);
NR_API void nr_tfsm_dirs_free(char **dirs, size_t n);
/* Turn "a:b" into paths: a name that is an existing file is kept,
 * others are looked up in dirs in order.  Caller frees *out. */
NR_API int nr_tfsm_resolve(char **out, const char *spec,
                           const char *const *dirs, size_t n,
                           struct nr_err *err);

/* An ntc-templates index (CSV: Template, Hostname, Platform, Command;
 * "[[xyz]]" abbreviations; cells are Python regexes matched at the
 * start).  Caller frees with nr_tfsm_index_free. */
NR_API int nr_tfsm_index_load(struct nr_tfsm_index **out, const char *path,
                              struct nr_err *err);
NR_API void nr_tfsm_index_free(struct nr_tfsm_index *idx);
/* The first row matching platform and command (NULL: not checked):
 * its template paths, made relative to the index's folder and joined
 * with ':'.  No match is NR_ERR_USAGE.  Caller frees *out. */
NR_API int nr_tfsm_index_find(char **out, const struct nr_tfsm_index *idx,
                              const char *platform, const char *command,
                              struct nr_err *err);
/* Search dirs in order for an index with a matching row. */
NR_API int nr_tfsm_select(char **out, const char *const *dirs, size_t n,
                          const char *platform, const char *command,
                          struct nr_err *err);

#ifdef __cplusplus
}
#endif
#endif /* NETRUN_H */
