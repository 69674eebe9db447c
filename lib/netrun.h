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

#ifdef __cplusplus
}
#endif
#endif /* NETRUN_H */
