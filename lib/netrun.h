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

/* Add an ad-hoc host from a -H spec: "host", "host:port",
 * "[v6addr]:port" or "user@host[:port]".  A host the inventory already
 * has keeps its variables (the spec's user and port go on top).
 * *name is the host's inventory name, valid while inv lives. */
NR_API int nr_inventory_add_adhoc(struct nr_inventory *inv, const char *spec,
                                  const char **name, struct nr_err *err);

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
/* Output: one record schema, four formats                             */
/* ------------------------------------------------------------------ */

/*
 * Every tool reports one record per host and operation: `host` first,
 * `ok`, the operation's fields, and on failure `error: {kind, message}`.
 * A writer prints records as JSON Lines (one compact object per line,
 * flushed at once so `| jq` streams), a JSON list, CSV with fixed
 * columns, or text for people.  Strings are bytes: invalid UTF-8 is
 * replaced by U+FFFD in JSON and CSV (the raw bytes belong in --out-dir
 * files).
 */
struct nr_rec;
struct nr_out;

enum nr_out_format { NR_OUT_TEXT, NR_OUT_JSONL, NR_OUT_JSON, NR_OUT_CSV };

/* A new record whose first field is host.  NULL when out of memory. */
NR_API struct nr_rec *nr_rec_new(const char *host);
NR_API void nr_rec_free(struct nr_rec *r);
/* Set a field (a later set of the same key replaces the value and keeps
 * its position).  0, or -1 when out of memory. */
NR_API int nr_rec_str(struct nr_rec *r, const char *key, const char *s,
                      size_t len);
NR_API int nr_rec_strz(struct nr_rec *r, const char *key, const char *s);
NR_API int nr_rec_int(struct nr_rec *r, const char *key, long long v);
NR_API int nr_rec_u64(struct nr_rec *r, const char *key, uint64_t v);
NR_API int nr_rec_double(struct nr_rec *r, const char *key, double v);
NR_API int nr_rec_bool(struct nr_rec *r, const char *key, int v);
NR_API int nr_rec_null(struct nr_rec *r, const char *key);
/* Embed JSON text (an object, list, ...) as the value of key. */
NR_API int nr_rec_json(struct nr_rec *r, const char *key, const char *json,
                       size_t len, struct nr_err *err);
/* Append a string to the list field key (created on first use). */
NR_API int nr_rec_push_str(struct nr_rec *r, const char *key,
                           const char *s);
/* ok: false and error: {kind, op, message}; the host is already the
 * record's.  With e == NULL or kind NR_OK: ok: true. */
NR_API int nr_rec_result(struct nr_rec *r, const struct nr_err *e);
/* What --format text prints for this record (the tool's rendering);
 * without it text shows "host: key=value ...". */
NR_API int nr_rec_text(struct nr_rec *r, const char *text, size_t len);
/* The record as one compact JSON object; caller frees *out. */
NR_API int nr_rec_to_json(char **out, size_t *len, const struct nr_rec *r,
                          struct nr_err *err);

/* "text", "jsonl", "json", "csv" -> format; anything else NR_ERR_USAGE. */
NR_API int nr_out_format_parse(enum nr_out_format *fmt, const char *name,
                               struct nr_err *err);
/* A writer on fp (borrowed; not closed).  columns (CSV only, copied):
 * the header, a dotted name reaching into objects ("error.kind"). */
NR_API int nr_out_new(struct nr_out **out, FILE *fp, enum nr_out_format fmt,
                      const char *const *columns, size_t ncols,
                      struct nr_err *err);
/* Print one record.  Thread-safe: runner threads may write at once.  A
 * closed pipe is NR_ERR_IO with errno EPIPE: the reader left. */
NR_API int nr_out_write(struct nr_out *o, const struct nr_rec *r,
                        struct nr_err *err);
/* each 1 (the default): fp is flushed after every record, so a reader
 * sees it at once.  0: records wait in fp's buffer until it fills or the
 * caller flushes fp, as a tool writing a million records wants.  Call
 * before the first write. */
NR_API void nr_out_set_flush(struct nr_out *o, int each);
/* Close the JSON list (and flush).  Call once, after the last write. */
NR_API int nr_out_finish(struct nr_out *o, struct nr_err *err);
NR_API void nr_out_free(struct nr_out *o);

/* Replace path with data atomically: a temp file in the same folder,
 * fsync, rename, fsync of the folder; on any failure the old file is
 * untouched and the temp removed.  mode as for open(2). */
NR_API int nr_file_replace(const char *path, const void *data, size_t len,
                           unsigned mode, struct nr_err *err);

/* ------------------------------------------------------------------ */
/* SNMP                                                                */
/* ------------------------------------------------------------------ */

/*
 * SNMP v1, v2c and v3 polling of many agents at once: get, walk (GETNEXT
 * or GETBULK), table (rows pivoted by index), set, and counter mode
 * (per-second rates of Counter32/Counter64 over repeated polls).  One
 * thread drives every agent from its own epoll loop, at most `jobs`
 * requests in flight.  Names in and out come from a built-in table of
 * the common MIB objects (SNMPv2-MIB system, IF-MIB, IP-MIB, ENTITY-MIB,
 * HOST-RESOURCES-MIB, LLDP-MIB, BGP4-MIB); no MIB file is read unless
 * nr_snmp_load_mibs is called.  Not thread-safe: one nr_snmp_run at a
 * time per process (net-snmp keeps v3 users in process-global state).
 */
struct nr_snmp_target;

/* Credentials and transport settings.  Strings are borrowed for the call
 * that takes the struct; NULL / 0 / -1 means "not set". */
struct nr_snmp_conf {
    const char *version;    /* "1", "2c", "3" (default 2c) */
    const char *community;  /* v1/v2c (default "public"); a secret */
    const char *user;       /* v3 security name */
    const char *sec_level;  /* noAuthNoPriv|authNoPriv|authPriv; default:
                               from the passphrases given */
    const char *auth_proto; /* MD5, SHA, SHA-224, SHA-256, SHA-384, SHA-512 */
    const char *auth_pass;  /* a secret */
    const char *priv_proto; /* DES, AES, AES-192, AES-256 (and AES192C..) */
    const char *priv_pass;  /* a secret */
    const char *context;    /* v3 context name */
    const char *engine_id;  /* v3 authoritative engine ID in hex (skips
                               discovery) */
    int port;               /* default 161 */
    int timeout_ms;         /* per request try (default 1000) */
    int retries;            /* tries after the first (default 2) */
    int max_rep;            /* GETBULK max-repetitions (default 25) */
};
#define NR_SNMP_CONF_INIT                                                  \
    { NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, -1, \
      0 }

/* A target named name (the record's host) at addr: "host", "host:port",
 * "[v6addr]:port" or a bare IPv6 address.  conf's values are validated
 * (unknown protocol, a level that needs a missing passphrase, a bad
 * engine ID are NR_ERR_USAGE) and copied; v3 passphrases are turned into
 * keys at once.  Caller frees *out with nr_snmp_target_free. */
NR_API int nr_snmp_target_new(struct nr_snmp_target **out, const char *name,
                              const char *addr,
                              const struct nr_snmp_conf *conf,
                              struct nr_err *err);
/* A target from an inventory host: snmp_host (else host/ansible_host,
 * else the name), snmp_port, snmp_version, snmp_community, snmp_user,
 * snmp_sec_level, snmp_auth_proto, snmp_auth_pass, snmp_priv_proto,
 * snmp_priv_pass (each secret also as *_env), snmp_context,
 * snmp_engine_id, snmp_timeout (seconds), snmp_retries,
 * snmp_max_repetitions.  defaults (may be NULL) fill what the inventory
 * leaves unset. */
NR_API int nr_snmp_target_from_host(struct nr_snmp_target **out,
                                    const struct nr_host *h,
                                    const struct nr_snmp_conf *defaults,
                                    struct nr_err *err);
NR_API void nr_snmp_target_free(struct nr_snmp_target *t);
NR_API const char *nr_snmp_target_name(const struct nr_snmp_target *t);

/* Split an ad hoc target list ("a,b:1161 [::1]:161", one per line from a
 * file, '#' comments) into addresses.  Caller frees with
 * nr_snmp_hosts_free. */
NR_API int nr_snmp_hosts_split(char ***out, size_t *n, const char *text,
                               struct nr_err *err);
NR_API void nr_snmp_hosts_free(char **v, size_t n);

enum nr_snmp_op {
    NR_SNMP_GET,
    NR_SNMP_WALK,     /* GETBULK on v2c/v3, GETNEXT on v1 */
    NR_SNMP_BULKWALK, /* GETBULK; a v1 target is a usage error */
    NR_SNMP_TABLE,    /* walk, then one record per row */
    NR_SNMP_SET,      /* args are OID TYPE VALUE triples */
};

#define NR_SNMP_NUMERIC 0x1u /* names out as numeric OIDs only */
#define NR_SNMP_TEXT_ONLY 0x4u /* varbind records carry only their text
                                 line (for --format text) */
#define NR_SNMP_GETNEXT 0x2u /* NR_SNMP_WALK with GETNEXT on every version */

struct nr_snmp_req {
    enum nr_snmp_op op;
    const char *const *args; /* OIDs or names ("ifHCInOctets.3"),
                                table names, or set triples */
    size_t nargs;
    int jobs;        /* requests in flight at most (default 64) */
    double interval; /* counter mode: seconds between polls */
    int count;       /* counter mode when > 1: number of polls */
    unsigned flags;  /* NR_SNMP_* */
};
#define NR_SNMP_REQ_INIT { NR_SNMP_GET, NULL, 0, 0, 0.0, 0, 0 }

/* Receives each record as it is ready: get/walk one per varbind (host,
 * ok, oid, name, index, type, value[, text]), table one per row (host,
 * ok, table, index, columns by name), a failed agent one with ok false
 * and error; counter mode adds delta, seconds, rate.  The record is
 * valid during the call.  rec NULL means the engine is about to wait for
 * agents: flush anything buffered.  Return -1 (with err set) to stop the
 * run. */
typedef int (*nr_snmp_rec_fn)(void *payload, const struct nr_rec *rec,
                              struct nr_err *err);

/* Check req (names resolve, set types parse) without touching the
 * network: NR_ERR_USAGE naming the bad argument. */
NR_API int nr_snmp_req_check(const struct nr_snmp_req *req,
                             struct nr_err *err);
/* Poll every target; records go to fn.  *nfailed counts the targets
 * that failed (each reported by a record).  -1 only when the run could
 * not go on (fn failed, out of memory, bad request). */
NR_API int nr_snmp_run(size_t *nfailed, struct nr_snmp_target *const *targets,
                       size_t n, const struct nr_snmp_req *req,
                       nr_snmp_rec_fn fn, void *payload, struct nr_err *err);
/* The CSV header for req's records: a static list, or for a table the
 * columns the built-in table knows.  Caller frees *out (one block). */
NR_API int nr_snmp_columns(char ***out, size_t *n,
                           const struct nr_snmp_req *req, struct nr_err *err);
/* Also resolve names through the MIB files net-snmp finds (MIBDIRS,
 * MIBS): slower start, and only useful where MIB files are installed. */
NR_API int nr_snmp_load_mibs(struct nr_err *err);

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
/* The same, but the records may point into text instead of a copy of it
 * (they do when it is valid UTF-8), so text must stay as it is until
 * they are freed: for a large input the caller holds anyway, whose copy
 * would cost more than parsing it. */
NR_API int nr_tfsm_parse_in_place(struct nr_tfsm_records **out,
                                  const struct nr_tfsm *fsm,
                                  const char *text, size_t len,
                                  struct nr_err *err);
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
/* Render rec in pieces of about 1 MiB, handed in order to write (p is
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


/* ------------------------------------------------------------------ */
/* Running CLI commands on many hosts (SSH)                            */
/* ------------------------------------------------------------------ */

/* Once in main, before any thread: sets up libssh and its crypto. */
NR_API int nr_global_init(void);

/* One (host, command) outcome as the runner hands it to the tool. */
struct nr_result {
    const char *host;
    const char *command;      /* the command, or "configure" for config */
    size_t index;             /* position among the host's results */
    const char *output;       /* cleaned output (may hold any bytes) */
    size_t output_len;
    const struct nr_err *err; /* kind NR_OK when it succeeded */
    int exit_status;          /* exec channels; -1 otherwise */
    int64_t elapsed_ms;
};

/* Called from worker threads, one call per (host, command), with the
 * record already filled (host, command, ok, output, elapsed_ms, error,
 * and the optional fields); the callee prints or stores it.  rec is
 * freed after the call. */
typedef void (*nr_result_fn)(void *payload, const struct nr_result *res,
                             struct nr_rec *rec);
/* Progress: hosts finished, of them failed, total.  Any thread. */
typedef void (*nr_progress_fn)(void *payload, size_t done, size_t failed,
                               size_t total);

enum nr_hostkey_mode { NR_HK_STRICT, NR_HK_ACCEPT_NEW, NR_HK_OFF };

struct nr_run_opts {
    const char *const *commands;   /* run in order on every host */
    size_t ncommands;
    const char *const *config;     /* config-mode lines, before commands */
    size_t nconfig;
    int jobs;                      /* hosts at once (-j) */
    int connect_timeout_ms;
    int command_timeout_ms;        /* each command, from sending it */
    int host_timeout_ms;           /* a whole host; 0 = none */
    int64_t deadline;              /* whole run, nr_now(); 0 = none */
    int retries;                   /* connect failures only */
    int retry_backoff_ms;
    enum nr_hostkey_mode host_key_policy;
    const char *known_hosts;       /* NULL: ~/.ssh/known_hosts */
    const char *ssh_config;        /* -F; NULL: ~/.ssh/config */
    size_t max_output;             /* per command */
    const char *transcript_dir;    /* NULL: none */
    int show_crypto;               /* add "crypto" to records */
    int parse;                     /* add "parsed" (TextFSM) to records */
    const char *const *template_dirs;
    size_t ntemplate_dirs;
    const char *const *platform_dirs;
    size_t nplatform_dirs;
    /* Defaults for hosts whose inventory does not say (-u, -k, ...). */
    const char *default_user;
    const char *default_password;
    const char *default_platform;
    const char *default_jump;      /* -J */
    volatile int *stop;            /* set on SIGINT/SIGTERM */
    nr_result_fn on_result;
    nr_progress_fn on_progress;
    void *payload;
};
#define NR_RUN_OPTS_INIT { NULL, 0, NULL, 0, 50, 10000, 60000, 0, 0, 0, \
                           500, NR_HK_STRICT, NULL, NULL, (size_t)64 << 20, \
                           NULL, 0, 0, NULL, 0, NULL, 0, NULL, NULL, NULL, \
                           NULL, NULL, NULL, NULL, NULL }

struct nr_run_stats {
    size_t hosts, ok, failed, not_started;
    int64_t wall_ms;
};

/* Monotonic milliseconds (for nr_run_opts.deadline). */
NR_API int64_t nr_now(void);

/* Run on names[0..n-1] (inventory host names).  Every (host, command)
 * pair gets exactly one on_result call, also for hosts that failed
 * before their commands ran, or that were never started because of
 * *stop or the deadline.  Returns 0 when the run itself worked (hosts
 * may have failed: see stats), -1 on a usage error (nothing ran). */
NR_API int nr_run(struct nr_inventory *inv, const char *const *names,
                  size_t n, const struct nr_run_opts *o,
                  struct nr_run_stats *stats, struct nr_err *err);

#ifdef __cplusplus
}
#endif
#endif /* NETRUN_H */
