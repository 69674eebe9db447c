/* inventory.h — the inventory model shared by the loaders (INI, YAML,
 * script/JSON) and the queries (patterns, merge, renderers). */
#ifndef NR_INVENTORY_H
#define NR_INVENTORY_H

#include "buf.h"
#include "netrun.h"
#include "val.h"

/* One variable definition and where it came from. */
struct nr_var {
    char *key;
    struct nr_val *val;
    const char *file;   /* interned in the inventory; NULL for -e */
    int line;
};

struct nr_varlist {
    struct nr_var *v;
    size_t n, cap;
};

struct nr_group;
struct nr_ihost;

struct nr_group {
    char *name;
    size_t idx;                   /* creation order */
    struct nr_varlist vars;       /* inline ([g:vars], YAML vars, JSON) */
    struct nr_varlist *filevars;  /* group_vars/ per source dir */
    int priority;                 /* ansible_group_priority */
    int depth;                    /* longest path from all */
    struct nr_group **kids;
    size_t nkids, capkids;
    struct nr_group **parents;
    size_t nparents, capparents;
    struct nr_ihost **hosts;      /* direct members, in order added */
    size_t nhosts, caphosts;
};

struct nr_ihost {
    char *name;
    size_t idx;
    struct nr_varlist vars;       /* inline */
    struct nr_varlist *filevars;  /* host_vars/ per source dir */
    struct nr_group **groups;     /* direct memberships */
    size_t ngroups, capgroups;
    /* A -H or jump spec that gives an inventory host a user or port of
     * its own (admin@r1, r1:2222) is a host of its own, in no group, that
     * starts from base's variables and groups and puts vars on top: the
     * inventory host itself is left as it was, so a@r1,b@r1 are two
     * logins and a jump spec never changes a target. */
    struct nr_ihost *base;
};

struct nr_inventory {
    struct nr_group **groups;
    size_t ngroups, capgroups;
    struct nr_ihost **hosts;
    size_t nhosts, caphosts;
    void *gindex;                 /* name -> group */
    void *hindex;                 /* name -> host */
    char **dirs;                  /* group_vars/host_vars base dirs */
    size_t ndirs, capdirs;
    char **files;                 /* interned file names */
    size_t nfiles, capfiles;
    struct nr_varlist extra;      /* -e */
    struct nr_inventory_opts opts;
    nr_warn_fn warn;
    void *warn_payload;
    int reconciled;
};

/* Loader and model operations, used across lib/inventory*.c. */
const char *nr_inv__intern(struct nr_inventory *inv, const char *file);
void nr_inv__warn(struct nr_inventory *inv, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
struct nr_group *nr_inv__group(struct nr_inventory *inv, const char *name);
struct nr_ihost *nr_inv__host(struct nr_inventory *inv, const char *name);
/* where/line (where may be NULL, line 0) locate parse errors. */
int nr_inv__add_group(struct nr_group **out, struct nr_inventory *inv,
                      const char *name, const char *where, int line,
                      struct nr_err *err);
/* Add host (created if new, with ansible_port when port > 0) to group
 * (may be NULL). */
int nr_inv__add_host(struct nr_ihost **out, struct nr_inventory *inv,
                     const char *name, struct nr_group *group, long port,
                     const char *file, int line, struct nr_err *err);
int nr_inv__add_child(struct nr_inventory *inv, struct nr_group *parent,
                      struct nr_group *child, const char *where, int line,
                      struct nr_err *err);
/* Takes ownership of val. ansible_group_priority is consumed. */
int nr_inv__set_group_var(struct nr_group *g, const char *key,
                          struct nr_val *val, const char *file, int line);
int nr_varlist_set(struct nr_varlist *l, const char *key, struct nr_val *val,
                   const char *file, int line);
void nr_varlist_dispose(struct nr_varlist *l);

/* Ansible's parse_address(allow_ranges) and range expansion. */
int nr_inv__parse_address(const char *addr, char **host, long *port);
int nr_inv__expand_range(char ***names, size_t *n, const char *pattern,
                         const char **why);

/* Loaders. */
int nr_inv__load_ini(struct nr_inventory *inv, const char *path,
                     const char *text, size_t len, struct nr_err *err);
int nr_inv__load_yaml_doc(struct nr_inventory *inv, const char *path,
                          const struct nr_val *doc, struct nr_err *err);
int nr_inv__load_json_doc(struct nr_inventory *inv, const char *path,
                          const struct nr_val *doc, const char *script,
                          struct nr_err *err);

#endif
