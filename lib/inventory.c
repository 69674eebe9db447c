/* inventory.c — the inventory model, source loading, variable
 * precedence, host patterns and the ansible-inventory renderers.
 *
 * Precedence is Ansible's (ansible-core 2.14 defaults), lowest first:
 *   1 inline vars of group all         2 inline vars of the host's other
 *   groups, sorted by (depth, ansible_group_priority, name)
 *   3 group_vars/all files             4 group_vars/<group> files, same order
 *   5 inline host vars                 6 host_vars/<host> files
 *   7 -e extra vars
 * (3 and 4 read each source's directory in the order of the sources.)
 * Note that group_vars/all beats [group:vars] in the INI file: that is
 * what Ansible does, and --origin shows it. */
#define _GNU_SOURCE
#define PCRE2_CODE_UNIT_WIDTH 8
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <libgen.h>
#include <pcre2.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "inventory.h"
#include "pylit.h"
#include "yamlv.h"

int nr_inv__add_hosts(struct nr_inventory *inv, const char *path, int line,
                      const char *pattern, struct nr_group *g, int ini,
                      struct nr_ihost ***added, size_t *nadded,
                      struct nr_err *err);

/* ---- a small string index ------------------------------------------ */

struct sindex {
    const char **keys;
    void **vals;
    size_t cap, n;
};

static size_t shash(const char *s)
{
    size_t h = 1469598103934665603ULL;

    for (; *s != '\0'; s++) {
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    }
    return h;
}

static void *sindex_get(const struct sindex *ix, const char *key)
{
    size_t i;

    if (ix == NULL || ix->cap == 0) {
        return NULL;
    }
    for (i = shash(key) & (ix->cap - 1); ix->keys[i] != NULL;
         i = (i + 1) & (ix->cap - 1)) {
        if (strcmp(ix->keys[i], key) == 0) {
            return ix->vals[i];
        }
    }
    return NULL;
}

/* key is borrowed from the object stored: it lives as long as it does. */
static int sindex_put(struct sindex *ix, const char *key, void *val)
{
    size_t i;

    if ((ix->n + 1) * 2 > ix->cap) {
        struct sindex big = { NULL, NULL, ix->cap != 0 ? ix->cap * 2 : 64, 0 };

        big.keys = calloc(big.cap, sizeof(*big.keys));
        big.vals = calloc(big.cap, sizeof(*big.vals));
        if (big.keys == NULL || big.vals == NULL) {
            free(big.keys);
            free(big.vals);
            return -1;
        }
        for (i = 0; i < ix->cap; i++) {
            if (ix->keys[i] != NULL) {
                sindex_put(&big, ix->keys[i], ix->vals[i]);
            }
        }
        free(ix->keys);
        free(ix->vals);
        *ix = big;
    }
    for (i = shash(key) & (ix->cap - 1); ix->keys[i] != NULL;
         i = (i + 1) & (ix->cap - 1)) {
        if (strcmp(ix->keys[i], key) == 0) {
            ix->vals[i] = val;
            return 0;
        }
    }
    ix->keys[i] = key;
    ix->vals[i] = val;
    ix->n++;
    return 0;
}

static void sindex_free(struct sindex *ix)
{
    if (ix != NULL) {
        free(ix->keys);
        free(ix->vals);
        free(ix);
    }
}

/* ---- growable pointer arrays ---------------------------------------- */

static int push_ptr(void ***arr, size_t *n, size_t *cap, void *p)
{
    if (*n == *cap) {
        size_t nc = *cap != 0 ? *cap * 2 : 4;
        void **a = realloc(*arr, nc * sizeof(*a));

        if (a == NULL) {
            return -1;
        }
        *arr = a;
        *cap = nc;
    }
    (*arr)[(*n)++] = p;
    return 0;
}

#define PUSH(arr, n, cap, p) push_ptr((void ***)&(arr), &(n), &(cap), (p))

/* ---- model ---------------------------------------------------------- */

void nr_inv__warn(struct nr_inventory *inv, const char *fmt, ...)
{
    char msg[600];
    va_list ap;

    if (inv->warn == NULL) {
        return;
    }
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    inv->warn(inv->warn_payload, msg);
}

const char *nr_inv__intern(struct nr_inventory *inv, const char *file)
{
    char *c;

    for (size_t i = 0; i < inv->nfiles; i++) {
        if (strcmp(inv->files[i], file) == 0) {
            return inv->files[i];
        }
    }
    c = strdup(file);
    if (c == NULL || PUSH(inv->files, inv->nfiles, inv->capfiles, c) != 0) {
        free(c);
        return NULL;
    }
    return c;
}

void nr_varlist_dispose(struct nr_varlist *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].key);
        nr_val_free(l->v[i].val);
    }
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

int nr_varlist_set(struct nr_varlist *l, const char *key, struct nr_val *val,
                   const char *file, int line)
{
    char *k;

    for (size_t i = 0; i < l->n; i++) {
        if (strcmp(l->v[i].key, key) == 0) {
            nr_val_free(l->v[i].val);
            l->v[i].val = val;
            l->v[i].file = file;
            l->v[i].line = line;
            return 0;
        }
    }
    if (l->n == l->cap) {
        size_t nc = l->cap != 0 ? l->cap * 2 : 8;
        struct nr_var *v = realloc(l->v, nc * sizeof(*v));

        if (v == NULL) {
            nr_val_free(val);
            return -1;
        }
        l->v = v;
        l->cap = nc;
    }
    k = strdup(key);
    if (k == NULL) {
        nr_val_free(val);
        return -1;
    }
    l->v[l->n].key = k;
    l->v[l->n].val = val;
    l->v[l->n].file = file;
    l->v[l->n].line = line;
    l->n++;
    return 0;
}

struct nr_group *nr_inv__group(struct nr_inventory *inv, const char *name)
{
    return sindex_get(inv->gindex, name);
}

struct nr_ihost *nr_inv__host(struct nr_inventory *inv, const char *name)
{
    return sindex_get(inv->hindex, name);
}

/* A parse error that names where the definition is: "FILE:LINE: what",
 * "FILE: what" when there is no line (script output), or just "what". */
static void parse_err_at(struct nr_err *err, const char *where, int line,
                         const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void parse_err_at(struct nr_err *err, const char *where, int line,
                         const char *fmt, ...)
{
    char msg[400];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (where == NULL) {
        nr_err_set(err, NR_ERR_PARSE, NULL, "%s", msg);
    } else if (line > 0) {
        nr_err_set(err, NR_ERR_PARSE, NULL, "%s:%d: %s", where, line, msg);
    } else {
        nr_err_set(err, NR_ERR_PARSE, NULL, "%s: %s", where, msg);
    }
}

int nr_inv__add_group(struct nr_group **out, struct nr_inventory *inv,
                      const char *name, const char *where, int line,
                      struct nr_err *err)
{
    struct nr_group *g = nr_inv__group(inv, name);

    *out = NULL;
    if (g == NULL) {
        if (name[0] == '\0') {
            parse_err_at(err, where, line, "empty group name");
            return -1;
        }
        g = calloc(1, sizeof(*g));
        if (g == NULL || (g->name = strdup(name)) == NULL) {
            free(g);
            nr_err_set(err, NR_ERR_LIMIT, NULL, "out of memory");
            return -1;
        }
        g->priority = 1;
        g->idx = inv->ngroups;
        if (PUSH(inv->groups, inv->ngroups, inv->capgroups, g) != 0 ||
            sindex_put(inv->gindex, g->name, g) != 0) {
            nr_err_set(err, NR_ERR_LIMIT, NULL, "out of memory");
            return -1;
        }
    }
    *out = g;
    return 0;
}

static int in_list(void *const *arr, size_t n, const void *p)
{
    for (size_t i = 0; i < n; i++) {
        if (arr[i] == p) {
            return 1;
        }
    }
    return 0;
}

static int group_add_host(struct nr_group *g, struct nr_ihost *h)
{
    /* Membership is kept on both sides; a host is in a few groups while
     * a group may hold tens of thousands of hosts (a range like
     * leaf[0:99999]), so ask the host: scanning the group made loading
     * quadratic. */
    if (in_list((void *const *)h->groups, h->ngroups, g)) {
        return 0;
    }
    if (PUSH(g->hosts, g->nhosts, g->caphosts, h) != 0 ||
        PUSH(h->groups, h->ngroups, h->capgroups, g) != 0) {
        return -1;
    }
    return 0;
}

static void group_remove_host(struct nr_group *g, struct nr_ihost *h)
{
    size_t i, k;

    for (i = 0, k = 0; i < g->nhosts; i++) {
        if (g->hosts[i] != h) {
            g->hosts[k++] = g->hosts[i];
        }
    }
    g->nhosts = k;
    for (i = 0, k = 0; i < h->ngroups; i++) {
        if (h->groups[i] != g) {
            h->groups[k++] = h->groups[i];
        }
    }
    h->ngroups = k;
}

int nr_inv__add_host(struct nr_ihost **out, struct nr_inventory *inv,
                     const char *name, struct nr_group *group, long port,
                     const char *file, int line, struct nr_err *err)
{
    struct nr_ihost *h = nr_inv__host(inv, name);

    *out = NULL;
    if (h == NULL) {
        h = calloc(1, sizeof(*h));
        if (h == NULL || (h->name = strdup(name)) == NULL) {
            free(h);
            goto oom;
        }
        h->idx = inv->nhosts;
        if (PUSH(inv->hosts, inv->nhosts, inv->caphosts, h) != 0 ||
            sindex_put(inv->hindex, h->name, h) != 0) {
            goto oom;
        }
        /* Ansible sets the port only when it creates the host. */
        if (port > 0 &&
            nr_varlist_set(&h->vars, "ansible_port", nr_val_int(port), file,
                           line) != 0) {
            goto oom;
        }
    }
    if (group != NULL && group_add_host(group, h) != 0) {
        goto oom;
    }
    *out = h;
    return 0;
oom:
    nr_err_set(err, NR_ERR_LIMIT, NULL, "out of memory");
    return -1;
}

static int is_ancestor(const struct nr_group *maybe, const struct nr_group *g)
{
    for (size_t i = 0; i < g->nparents; i++) {
        if (g->parents[i] == maybe || is_ancestor(maybe, g->parents[i])) {
            return 1;
        }
    }
    return 0;
}

int nr_inv__add_child(struct nr_inventory *inv, struct nr_group *parent,
                      struct nr_group *child, const char *where, int line,
                      struct nr_err *err)
{
    (void)inv;
    if (in_list((void *const *)parent->kids, parent->nkids, child)) {
        return 0;
    }
    if (parent == child || is_ancestor(child, parent)) {
        parse_err_at(err, where, line,
                     "adding group '%s' as a child of '%s' creates a loop",
                     child->name, parent->name);
        return -1;
    }
    if (PUSH(parent->kids, parent->nkids, parent->capkids, child) != 0 ||
        PUSH(child->parents, child->nparents, child->capparents, parent) != 0) {
        nr_err_set(err, NR_ERR_LIMIT, NULL, "out of memory");
        return -1;
    }
    return 0;
}

int nr_inv__set_group_var(struct nr_group *g, const char *key,
                          struct nr_val *val, const char *file, int line)
{
    if (strcmp(key, "ansible_group_priority") == 0) {
        /* Consumed by Ansible, never a variable. */
        if (val->t == NR_VT_INT) {
            g->priority = (int)val->u.i;
        } else if (val->t == NR_VT_STR) {
            g->priority = (int)strtol(val->u.str.s, NULL, 10);
        }
        nr_val_free(val);
        return 0;
    }
    return nr_varlist_set(&g->vars, key, val, file, line);
}

/* group_vars/host_vars lists: one per source directory. */
static void filevars_free(struct nr_varlist *fv, size_t ndirs)
{
    if (fv != NULL) {
        for (size_t i = 0; i < ndirs; i++) {
            nr_varlist_dispose(&fv[i]);
        }
        free(fv);
    }
}

static void group_free(struct nr_group *g, size_t ndirs)
{
    if (g == NULL) {
        return;
    }
    free(g->name);
    nr_varlist_dispose(&g->vars);
    filevars_free(g->filevars, ndirs);
    free(g->kids);
    free(g->parents);
    free(g->hosts);
    free(g);
}

static void host_free(struct nr_ihost *h, size_t ndirs)
{
    if (h == NULL) {
        return;
    }
    free(h->name);
    nr_varlist_dispose(&h->vars);
    filevars_free(h->filevars, ndirs);
    free(h->groups);
    free(h);
}

void nr_inventory_free(struct nr_inventory *inv)
{
    size_t i;

    if (inv == NULL) {
        return;
    }
    for (i = 0; i < inv->ngroups; i++) {
        group_free(inv->groups[i], inv->ndirs);
    }
    for (i = 0; i < inv->nhosts; i++) {
        host_free(inv->hosts[i], inv->ndirs);
    }
    for (i = 0; i < inv->ndirs; i++) {
        free(inv->dirs[i]);
    }
    for (i = 0; i < inv->nfiles; i++) {
        free(inv->files[i]);
    }
    free(inv->groups);
    free(inv->hosts);
    free(inv->dirs);
    free(inv->files);
    sindex_free(inv->gindex);
    sindex_free(inv->hindex);
    nr_varlist_dispose(&inv->extra);
    free(inv);
}

void nr_inventory_on_warning(struct nr_inventory *inv, nr_warn_fn fn,
                             void *payload)
{
    inv->warn = fn;
    inv->warn_payload = payload;
}

/* ---- structured documents (YAML inventory, script JSON) -------------- */

static const char *vt_name(const struct nr_val *v)
{
    static const char *const names[] = { "null", "bool", "int", "int",
                                         "float", "string", "list", "mapping" };

    return v == NULL ? "null" : names[v->t];
}

static int yaml_group(struct nr_inventory *inv, const char *path,
                      const char *file, const char *name,
                      const struct nr_val *data, int line,
                      struct nr_err *err);

static int yaml_section(struct nr_inventory *inv, const char *path,
                        const char *file, struct nr_group *g,
                        const char *key, const struct nr_val *sec,
                        struct nr_err *err)
{
    struct nr_ihost **added = NULL;
    size_t nadded = 0;
    int rc = -1;

    if (strcmp(key, "vars") == 0) {
        for (size_t i = 0; i < sec->u.map.n; i++) {
            struct nr_val *v = nr_val_clone(sec->u.map.vals[i]);

            if (v == NULL || nr_inv__set_group_var(g, sec->u.map.keys[i], v,
                                                   file, v->line) != 0) {
                goto oom;
            }
        }
    } else if (strcmp(key, "children") == 0) {
        for (size_t i = 0; i < sec->u.map.n; i++) {
            struct nr_group *child;
            const struct nr_val *cd = sec->u.map.vals[i];

            if (yaml_group(inv, path, file, sec->u.map.keys[i], cd,
                           cd != NULL ? cd->line : sec->line, err) != 0) {
                goto out;
            }
            child = nr_inv__group(inv, sec->u.map.keys[i]);
            if (child == NULL) {
                nr_err_set(err, NR_ERR_PARSE, NULL,
                           "%s:%d: '%s' is not a known host nor group", path,
                           sec->line, sec->u.map.keys[i]);
                goto out;
            }
            if (nr_inv__add_child(inv, g, child, path,
                                  cd != NULL ? cd->line : sec->line,
                                  err) != 0) {
                goto out;
            }
        }
    } else {
        for (size_t i = 0; i < sec->u.map.n; i++) {
            const struct nr_val *hv = sec->u.map.vals[i];
            int line = hv->line != 0 ? hv->line : sec->line;

            if (hv->t != NR_VT_NULL && hv->t != NR_VT_MAP &&
                !(hv->t == NR_VT_STR && hv->u.str.len == 0) &&
                !(hv->t == NR_VT_BOOL && !hv->u.b) &&
                !(hv->t == NR_VT_INT && hv->u.i == 0) &&
                !(hv->t == NR_VT_LIST && hv->u.list.n == 0)) {
                nr_err_set(err, NR_ERR_PARSE, NULL,
                           "%s:%d: host '%s' needs a mapping of variables, "
                           "found a %s", path, line, sec->u.map.keys[i],
                           vt_name(hv));
                goto out;
            }
            free(added);
            added = NULL;
            if (nr_inv__add_hosts(inv, path, line, sec->u.map.keys[i], g, 0,
                                  &added, &nadded, err) != 0) {
                goto out;
            }
            if (hv->t != NR_VT_MAP) {
                continue;
            }
            for (size_t h = 0; h < nadded; h++) {
                for (size_t k = 0; k < hv->u.map.n; k++) {
                    struct nr_val *v = nr_val_clone(hv->u.map.vals[k]);

                    if (v == NULL ||
                        nr_varlist_set(&added[h]->vars, hv->u.map.keys[k], v,
                                       file, v->line) != 0) {
                        goto oom;
                    }
                }
            }
        }
    }
    rc = 0;
    goto out;
oom:
    nr_err_set(err, NR_ERR_LIMIT, NULL, "out of memory");
out:
    free(added);
    return rc;
}

static int yaml_group(struct nr_inventory *inv, const char *path,
                      const char *file, const char *name,
                      const struct nr_val *data, int line,
                      struct nr_err *err)
{
    struct nr_group *g;
    static const char *const sections[] = { "vars", "children", "hosts" };

    if (data != NULL && data->t != NR_VT_MAP && data->t != NR_VT_NULL) {
        nr_inv__warn(inv, "%s:%d: skipping '%s': not a valid group "
                     "definition (a %s)", path, line, name, vt_name(data));
        return 0;
    }
    if (nr_inv__add_group(&g, inv, name, path, line, err) != 0) {
        return -1;
    }
    if (data == NULL || data->t == NR_VT_NULL) {
        return 0;
    }
    for (size_t s = 0; s < 3; s++) {
        const struct nr_val *sec = nr_val_map_get(data, sections[s]);

        if (sec != NULL && sec->t != NR_VT_MAP && sec->t != NR_VT_NULL &&
            sec->t != NR_VT_STR) {
            nr_err_set(err, NR_ERR_PARSE, NULL,
                       "%s:%d: invalid \"%s\" entry for group \"%s\": needs "
                       "a mapping, found a %s", path, sec->line, sections[s],
                       name, vt_name(sec));
            return -1;
        }
    }
    for (size_t i = 0; i < data->u.map.n; i++) {
        const char *key = data->u.map.keys[i];
        const struct nr_val *sec = data->u.map.vals[i];
        struct nr_val *tmp = NULL;
        int known = strcmp(key, "vars") == 0 || strcmp(key, "children") == 0 ||
                    strcmp(key, "hosts") == 0;
        int rc;

        if (known && sec->t == NR_VT_STR) {
            /* "hosts: r1" means "hosts: {r1: null}" */
            tmp = nr_val_map();
            if (tmp == NULL ||
                nr_val_map_set(tmp, sec->u.str.s, sec->u.str.len,
                               nr_val_null()) != 0) {
                nr_val_free(tmp);
                nr_err_set(err, NR_ERR_LIMIT, NULL, "out of memory");
                return -1;
            }
            tmp->line = sec->line;
            tmp->u.map.vals[0]->line = sec->line;
            sec = tmp;
        }
        if (sec->t != NR_VT_MAP && sec->t != NR_VT_NULL) {
            nr_inv__warn(inv, "%s:%d: skipping key '%s' in group '%s': not a "
                         "mapping", path, sec->line, key, name);
            continue;
        }
        if (!known) {
            nr_inv__warn(inv, "%s:%d: skipping unexpected key '%s' in group "
                         "'%s': only vars, children and hosts are valid",
                         path, sec->line, key, name);
            continue;
        }
        if (sec->t == NR_VT_NULL) {
            continue;
        }
        rc = yaml_section(inv, path, file, g, key, sec, err);
        nr_val_free(tmp);
        if (rc != 0) {
            return -1;
        }
    }
    return 0;
}

int nr_inv__load_yaml_doc(struct nr_inventory *inv, const char *path,
                          const struct nr_val *doc, struct nr_err *err)
{
    const char *file = nr_inv__intern(inv, path);

    if (file == NULL) {
        nr_err_set(err, NR_ERR_LIMIT, NULL, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < doc->u.map.n; i++) {
        const struct nr_val *gd = doc->u.map.vals[i];

        if (yaml_group(inv, path, file, doc->u.map.keys[i], gd,
                       gd->line, err) != 0) {
            return -1;
        }
    }
    return 0;
}

static int json_set_hostvars(struct nr_inventory *inv, struct nr_ihost *h,
                             const struct nr_val *vars, const char *file,
                             const char *script, struct nr_err *err)
{
    (void)inv;
    if (vars->t != NR_VT_MAP) {
        nr_err_set(err, NR_ERR_PARSE, NULL,
                   "%s: host '%s': variables must be an object, found a %s",
                   script, h->name, vt_name(vars));
        return -1;
    }
    for (size_t k = 0; k < vars->u.map.n; k++) {
        struct nr_val *v = nr_val_clone(vars->u.map.vals[k]);

        if (v == NULL || nr_varlist_set(&h->vars, vars->u.map.keys[k], v,
                                        file, v->line) != 0) {
            nr_err_set(err, NR_ERR_LIMIT, NULL, "out of memory");
            return -1;
        }
    }
    return 0;
}

static int run_script(struct nr_buf *out, struct nr_inventory *inv,
                      const char *path, const char *a1, const char *a2,
                      struct nr_err *err);

int nr_inv__load_json_doc(struct nr_inventory *inv, const char *path,
                          const struct nr_val *doc, const char *script,
                          struct nr_err *err)
{
    const char *file = nr_inv__intern(inv, path);
    const struct nr_val *meta = NULL;
    struct nr_ihost **seen = NULL;
    size_t nseen = 0, capseen = 0;
    struct nr_buf hb = NR_BUF_INIT(inv->opts.max_file_bytes);
    struct nr_val *hv = NULL;
    int rc = -1;

    if (file == NULL) {
        goto oom;
    }
    if (doc->t != NR_VT_MAP) {
        nr_err_set(err, NR_ERR_PARSE, NULL,
                   "%s: expected a JSON object of groups, found a %s", path,
                   vt_name(doc));
        goto out;
    }
    for (size_t i = 0; i < doc->u.map.n; i++) {
        const char *gname = doc->u.map.keys[i];
        const struct nr_val *gd = doc->u.map.vals[i];
        const struct nr_val *hosts = NULL, *vars = NULL, *kids = NULL;
        struct nr_group *g;

        if (strcmp(gname, "_meta") == 0) {
            if (gd->t == NR_VT_MAP) {
                meta = nr_val_map_get(gd, "hostvars");
            }
            continue;
        }
        if (nr_inv__add_group(&g, inv, gname, script, 0, err) != 0) {
            goto out;
        }
        if (gd->t != NR_VT_MAP) {
            hosts = gd;
        } else if (nr_val_map_get(gd, "hosts") == NULL &&
                   nr_val_map_get(gd, "vars") == NULL &&
                   nr_val_map_get(gd, "children") == NULL) {
            /* Ansible's shorthand: a group of one host with these vars. */
            struct nr_ihost *h;

            if (nr_inv__add_host(&h, inv, gname, g, 0, file, gd->line, err) != 0 ||
                PUSH(seen, nseen, capseen, h) != 0) {
                goto out;
            }
            vars = gd;
        } else {
            hosts = nr_val_map_get(gd, "hosts");
            vars = nr_val_map_get(gd, "vars");
            kids = nr_val_map_get(gd, "children");
        }
        if (hosts != NULL) {
            if (hosts->t != NR_VT_LIST) {
                nr_err_set(err, NR_ERR_PARSE, NULL,
                           "%s: group '%s': hosts must be a list, found a %s",
                           script, gname, vt_name(hosts));
                goto out;
            }
            for (size_t k = 0; k < hosts->u.list.n; k++) {
                const struct nr_val *hn = hosts->u.list.items[k];
                struct nr_ihost *h;

                if (hn->t != NR_VT_STR) {
                    nr_err_set(err, NR_ERR_PARSE, NULL,
                               "%s: group '%s': host names must be strings",
                               script, gname);
                    goto out;
                }
                if (nr_inv__add_host(&h, inv, hn->u.str.s, g, 0, file,
                                     hn->line, err) != 0) {
                    goto out;
                }
                if (!in_list((void *const *)seen, nseen, h) &&
                    PUSH(seen, nseen, capseen, h) != 0) {
                    goto oom;
                }
            }
        }
        if (vars != NULL) {
            if (vars->t != NR_VT_MAP) {
                nr_err_set(err, NR_ERR_PARSE, NULL,
                           "%s: group '%s': vars must be an object", script,
                           gname);
                goto out;
            }
            for (size_t k = 0; k < vars->u.map.n; k++) {
                struct nr_val *v = nr_val_clone(vars->u.map.vals[k]);

                if (v == NULL ||
                    nr_inv__set_group_var(g, vars->u.map.keys[k], v, file,
                                          v->line) != 0) {
                    goto oom;
                }
            }
        }
        if (kids != NULL && kids->t == NR_VT_LIST) {
            for (size_t k = 0; k < kids->u.list.n; k++) {
                const struct nr_val *cn = kids->u.list.items[k];
                struct nr_group *cg;

                if (cn->t != NR_VT_STR) {
                    nr_err_set(err, NR_ERR_PARSE, NULL,
                               "%s: group '%s': child names must be strings",
                               script, gname);
                    goto out;
                }
                if (nr_inv__add_group(&cg, inv, cn->u.str.s, script, 0,
                                      err) != 0 ||
                    nr_inv__add_child(inv, g, cg, script, 0, err) != 0) {
                    goto out;
                }
            }
        }
    }
    for (size_t i = 0; i < nseen; i++) {
        const struct nr_val *vars = NULL;

        if (meta != NULL) {
            if (meta->t != NR_VT_MAP) {
                nr_err_set(err, NR_ERR_PARSE, NULL,
                           "%s: _meta.hostvars must be an object", script);
                goto out;
            }
            vars = nr_val_map_get(meta, seen[i]->name);
        } else if (strcmp(path, "<stdin>") != 0) {
            /* No _meta: the old protocol asks the script host by host. */
            nr_buf_reset(&hb);
            nr_val_free(hv);
            hv = NULL;
            if (run_script(&hb, inv, path, "--host", seen[i]->name, err) != 0 ||
                nr_json_parse(&hv, nr_buf_str(&hb), hb.len, script, err) != 0) {
                goto out;
            }
            vars = hv;
        }
        if (vars != NULL && json_set_hostvars(inv, seen[i], vars, file, script,
                                              err) != 0) {
            goto out;
        }
    }
    rc = 0;
    goto out;
oom:
    nr_err_set(err, NR_ERR_LIMIT, NULL, "out of memory");
out:
    nr_val_free(hv);
    nr_buf_dispose(&hb);
    free(seen);
    return rc;
}

/* ---- reading sources ------------------------------------------------- */

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Run an executable inventory with a deadline; stdout into out.  No
 * shell is involved: the path and arguments go to execv as they are. */
static int run_script(struct nr_buf *out, struct nr_inventory *inv,
                      const char *path, const char *a1, const char *a2,
                      struct nr_err *err)
{
    int op[2] = { -1, -1 }, ep[2] = { -1, -1 };
    pid_t pid = -1;
    struct nr_buf eb = NR_BUF_INIT(4096);
    long long deadline = now_ms() + inv->opts.script_timeout_ms;
    int status = 0, rc = -1, open_fds = 2;
    char chunk[8192];
    char *argv[4];

    if (pipe2(op, O_CLOEXEC) != 0 || pipe2(ep, O_CLOEXEC) != 0) {
        nr_err_set(err, NR_ERR_IO, NULL, "%s: pipe: %s", path, strerror(errno));
        goto out;
    }
    argv[0] = (char *)path;
    argv[1] = (char *)a1;
    argv[2] = (char *)a2;
    argv[3] = NULL;
    pid = fork();
    if (pid < 0) {
        nr_err_set(err, NR_ERR_IO, NULL, "%s: fork: %s", path, strerror(errno));
        goto out;
    }
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDONLY);

        if (devnull >= 0) {
            dup2(devnull, 0);
        }
        dup2(op[1], 1);
        dup2(ep[1], 2);
        execv(path, argv);
        _exit(126);
    }
    close(op[1]);
    close(ep[1]);
    op[1] = ep[1] = -1;
    while (open_fds > 0) {
        struct pollfd pf[2] = { { op[0], POLLIN, 0 }, { ep[0], POLLIN, 0 } };
        long long left = deadline - now_ms();
        int n;

        if (left <= 0) {
            kill(pid, SIGKILL);
            nr_err_set(err, NR_ERR_TIMEOUT, NULL,
                       "%s: inventory script gave no answer within %d ms",
                       path, inv->opts.script_timeout_ms);
            goto out;
        }
        n = poll(pf, 2, (int)left);
        if (n < 0 && errno != EINTR) {
            nr_err_set(err, NR_ERR_IO, NULL, "%s: poll: %s", path,
                       strerror(errno));
            goto out;
        }
        for (int i = 0; i < 2 && n > 0; i++) {
            ssize_t r;

            if (pf[i].fd < 0 || pf[i].revents == 0) {
                continue;
            }
            r = read(pf[i].fd, chunk, sizeof(chunk));
            if (r <= 0) {
                if (i == 0) {
                    close(op[0]);
                    op[0] = -1;
                } else {
                    close(ep[0]);
                    ep[0] = -1;
                }
                open_fds--;
                continue;
            }
            if (i == 0 && nr_buf_add(out, chunk, (size_t)r) != 0) {
                kill(pid, SIGKILL);
                nr_err_set(err, NR_ERR_LIMIT, NULL,
                           "%s: inventory script output exceeds %zu bytes",
                           path, inv->opts.max_file_bytes);
                goto out;
            }
            if (i == 1) {
                (void)nr_buf_add(&eb, chunk, (size_t)r); /* keep the start */
            }
        }
        if (op[0] < 0 && ep[0] < 0) {
            break;
        }
    }
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    pid = -1;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        const char *e = nr_buf_str(&eb);
        size_t el = strcspn(e, "\n");

        nr_err_set(err, NR_ERR_IO, NULL,
                   "%s %s: inventory script failed (%s %d)%s%.*s", path, a1,
                   WIFEXITED(status) ? "exit status" : "signal",
                   WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
                   el > 0 ? ": " : "", (int)(el > 200 ? 200 : el), e);
        goto out;
    }
    rc = 0;
out:
    for (int i = 0; i < 2; i++) {
        if (op[i] >= 0) {
            close(op[i]);
        }
        if (ep[i] >= 0) {
            close(ep[i]);
        }
    }
    if (pid > 0) {
        kill(pid, SIGKILL);
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
    }
    nr_buf_dispose(&eb);
    return rc;
}

static int is_vault(const char *text, size_t len)
{
    return len >= 15 && memcmp(text, "$ANSIBLE_VAULT;", 15) == 0;
}

static void warn_cb(void *payload, const char *msg)
{
    struct nr_inventory *inv = payload;

    nr_inv__warn(inv, "%s", msg);
}

static int add_dir(struct nr_inventory *inv, const char *dir)
{
    char *d;

    for (size_t i = 0; i < inv->ndirs; i++) {
        if (strcmp(inv->dirs[i], dir) == 0) {
            return 0;
        }
    }
    d = strdup(dir);
    if (d == NULL || PUSH(inv->dirs, inv->ndirs, inv->capdirs, d) != 0) {
        free(d);
        return -1;
    }
    return 0;
}

static const char *ext_of(const char *path)
{
    const char *base = strrchr(path, '/');
    const char *dot;

    base = base != NULL ? base + 1 : path;
    dot = strrchr(base, '.');
    /* os.path.splitext: a leading dot is not an extension */
    if (dot == NULL || dot == base) {
        return "";
    }
    while (base < dot && *base == '.') {
        base++;
    }
    return base == dot ? "" : dot;
}

static int load_file(struct nr_inventory *inv, const char *path,
                     struct nr_err *err)
{
    struct nr_buf b = NR_BUF_INIT(inv->opts.max_file_bytes);
    struct nr_val *doc = NULL;
    struct nr_err yerr = NR_ERR_INIT;
    const char *ext = ext_of(path);
    int yaml_ext = strcmp(ext, ".yml") == 0 || strcmp(ext, ".yaml") == 0 ||
                   strcmp(ext, ".json") == 0;
    int rc = -1;

    if (access(path, X_OK) == 0) {
        /* An executable is a dynamic inventory script. */
        if (run_script(&b, inv, path, "--list", NULL, err) != 0 ||
            nr_json_parse(&doc, nr_buf_str(&b), b.len, path, err) != 0 ||
            nr_inv__load_json_doc(inv, path, doc, path, err) != 0) {
            goto out;
        }
        rc = 0;
        goto out;
    }
    if (nr_buf_read_file(&b, path, NULL, err) != 0) {
        goto out;
    }
    if (is_vault(nr_buf_str(&b), b.len)) {
        nr_err_set(err, NR_ERR_PARSE, NULL,
                   "%s:1: encrypted with Ansible Vault; netrun does not "
                   "decrypt vault files", path);
        goto out;
    }
    if (strcmp(ext, ".toml") == 0) {
        nr_err_set(err, NR_ERR_PARSE, NULL,
                   "%s: TOML inventories are not supported (use INI or YAML)",
                   path);
        goto out;
    }
    if (yaml_ext || ext[0] == '\0') {
        /* Ansible tries YAML first for these, then INI. */
        if (nr_yaml_load(&doc, nr_buf_str(&b), b.len, path, warn_cb, inv,
                         &yerr) == 0 && doc != NULL && doc->t == NR_VT_MAP &&
            nr_val_map_get(doc, "plugin") == NULL) {
            rc = nr_inv__load_yaml_doc(inv, path, doc, err);
            goto out;
        }
        if (yerr.kind == NR_OK) {
            nr_err_set(&yerr, NR_ERR_PARSE, NULL,
                       "%s:1: a YAML inventory must be a mapping of groups%s",
                       path, doc == NULL ? " (the file is empty)" : "");
        }
    }
    if (yaml_ext && yerr.kind != NR_OK && yerr.kind != NR_ERR_LIMIT) {
        /* For a .yml file the YAML problem is the one to show, unless the
         * text happens to be a valid INI inventory. */
        struct nr_err ierr = NR_ERR_INIT;

        if (nr_inv__load_ini(inv, path, nr_buf_str(&b), b.len, &ierr) == 0) {
            rc = 0;
        } else {
            *err = yerr;
        }
        goto out;
    }
    rc = nr_inv__load_ini(inv, path, nr_buf_str(&b), b.len, err);
out:
    nr_val_free(doc);
    nr_buf_dispose(&b);
    return rc;
}

static int ignored_in_dir(const char *name)
{
    static const char *const exts[] = { ".pyc", ".pyo", ".swp", ".bak", "~",
                                        ".rpm", ".md", ".txt", ".rst", ".orig",
                                        ".ini", ".cfg", ".retry", NULL };
    size_t n = strlen(name);

    if (name[0] == '.' || strcmp(name, "host_vars") == 0 ||
        strcmp(name, "group_vars") == 0 || strcmp(name, "vars_plugins") == 0) {
        return 1;
    }
    for (size_t i = 0; exts[i] != NULL; i++) {
        size_t e = strlen(exts[i]);

        if (n >= e && strcmp(name + n - e, exts[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

static int load_path(struct nr_inventory *inv, const char *path, int top,
                     struct nr_err *err);

static int load_dir(struct nr_inventory *inv, const char *path,
                    struct nr_err *err)
{
    struct dirent **ents = NULL;
    int n, i, rc = 0;
    char *full = NULL;

    n = scandir(path, &ents, NULL, alphasort);
    if (n < 0) {
        nr_err_set(err, NR_ERR_IO, NULL, "%s: %s", path, strerror(errno));
        return -1;
    }
    for (i = 0; i < n; i++) {
        const char *nm = ents[i]->d_name;

        if (rc == 0 && strcmp(nm, ".") != 0 && strcmp(nm, "..") != 0) {
            if (ignored_in_dir(nm)) {
                size_t l = strlen(nm);

                if (nm[0] != '.' && l > 4 && strcmp(nm + l - 4, ".ini") == 0) {
                    nr_inv__warn(inv, "%s/%s: skipped: Ansible ignores .ini "
                                 "files inside an inventory directory", path,
                                 nm);
                }
            } else if (asprintf(&full, "%s/%s", path, nm) < 0) {
                full = NULL;
                nr_err_set(err, NR_ERR_LIMIT, NULL, "out of memory");
                rc = -1;
            } else {
                rc = load_path(inv, full, 0, err);
                free(full);
                full = NULL;
            }
        }
        free(ents[i]);
    }
    free(ents);
    return rc;
}

static int load_hostlist(struct nr_inventory *inv, const char *list,
                         struct nr_err *err)
{
    char *copy = strdup(list);
    char *save = NULL, *tok;
    struct nr_group *ug;
    int rc = -1;

    if (copy == NULL || nr_inv__add_group(&ug, inv, "ungrouped", NULL, 0, err) != 0) {
        goto out;
    }
    for (tok = strtok_r(copy, ",", &save); tok != NULL;
         tok = strtok_r(NULL, ",", &save)) {
        const char *b = tok, *e = tok + strlen(tok);
        char *name, *host = NULL;
        long port = 0;
        struct nr_ihost *h;

        nr_py_strip(&b, &e);
        if (b == e) {
            continue;
        }
        name = strndup(b, (size_t)(e - b));
        if (name == NULL) {
            goto out;
        }
        if (nr_inv__parse_address(name, &host, &port) != 0 ||
            strchr(host, '[') != NULL) {
            free(host);
            host = name;
            name = NULL;
            port = 0;
        }
        if (nr_inv__host(inv, host) == NULL &&
            nr_inv__add_host(&h, inv, host, ug, port, "<host list>", 1, err) != 0) {
            free(host);
            free(name);
            goto out;
        }
        free(host);
        free(name);
    }
    rc = 0;
out:
    free(copy);
    return rc;
}

static int load_path(struct nr_inventory *inv, const char *path, int top,
                     struct nr_err *err)
{
    struct stat st;
    char *dcopy;
    int rc;

    if (strcmp(path, "-") == 0 && top) {
        struct nr_buf b = NR_BUF_INIT(inv->opts.max_file_bytes);
        struct nr_val *doc = NULL;

        rc = nr_buf_read_fd(&b, 0, "<stdin>", NULL, err);
        if (rc == 0) {
            rc = nr_json_parse(&doc, nr_buf_str(&b), b.len, "<stdin>", err);
        }
        if (rc == 0) {
            rc = nr_inv__load_json_doc(inv, "<stdin>", doc, "<stdin>", err);
        }
        nr_val_free(doc);
        nr_buf_dispose(&b);
        return rc;
    }
    if (stat(path, &st) != 0) {
        if (top && strchr(path, ',') != NULL) {
            return load_hostlist(inv, path, err);
        }
        nr_err_set(err, NR_ERR_IO, NULL, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (S_ISDIR(st.st_mode)) {
        if (top && add_dir(inv, path) != 0) {
            nr_err_set(err, NR_ERR_LIMIT, NULL, "out of memory");
            return -1;
        }
        return load_dir(inv, path, err);
    }
    if (top) {
        dcopy = strdup(path);
        if (dcopy == NULL || add_dir(inv, dirname(dcopy)) != 0) {
            free(dcopy);
            nr_err_set(err, NR_ERR_LIMIT, NULL, "out of memory");
            return -1;
        }
        free(dcopy);
    }
    return load_file(inv, path, err);
}

/* ---- group_vars / host_vars ------------------------------------------ */

static int is_file(const char *p)
{
    struct stat st;

    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static int is_dir(const char *p)
{
    struct stat st;

    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int load_vars_file(struct nr_inventory *inv, struct nr_varlist *into,
                          const char *path, struct nr_err *err)
{
    struct nr_buf b = NR_BUF_INIT(inv->opts.max_file_bytes);
    struct nr_val *doc = NULL;
    const char *file = nr_inv__intern(inv, path);
    int rc = -1;

    if (file == NULL) {
        nr_err_set(err, NR_ERR_LIMIT, NULL, "out of memory");
        goto out;
    }
    if (nr_buf_read_file(&b, path, NULL, err) != 0) {
        goto out;
    }
    if (is_vault(nr_buf_str(&b), b.len)) {
        nr_err_set(err, NR_ERR_PARSE, NULL,
                   "%s:1: encrypted with Ansible Vault; netrun does not "
                   "decrypt vault files", path);
        goto out;
    }
    if (nr_yaml_load(&doc, nr_buf_str(&b), b.len, path, warn_cb, inv, err) != 0) {
        goto out;
    }
    if (doc != NULL && doc->t != NR_VT_MAP && doc->t != NR_VT_NULL) {
        nr_err_set(err, NR_ERR_PARSE, NULL,
                   "%s:%d: a vars file must be a mapping, found a %s", path,
                   doc->line, vt_name(doc));
        goto out;
    }
    for (size_t i = 0; doc != NULL && doc->t == NR_VT_MAP && i < doc->u.map.n;
         i++) {
        struct nr_val *v = nr_val_clone(doc->u.map.vals[i]);

        if (v == NULL ||
            nr_varlist_set(into, doc->u.map.keys[i], v, file, v->line) != 0) {
            nr_err_set(err, NR_ERR_LIMIT, NULL, "out of memory");
            goto out;
        }
    }
    rc = 0;
out:
    nr_val_free(doc);
    nr_buf_dispose(&b);
    return rc;
}

static int load_vars_dir(struct nr_inventory *inv, struct nr_varlist *into,
                         const char *dir, struct nr_err *err)
{
    struct dirent **ents = NULL;
    int n, rc = 0;

    n = scandir(dir, &ents, NULL, alphasort);
    if (n < 0) {
        nr_err_set(err, NR_ERR_IO, NULL, "%s: %s", dir, strerror(errno));
        return -1;
    }
    for (int i = 0; i < n; i++) {
        const char *nm = ents[i]->d_name;
        size_t l = strlen(nm);
        char *full = NULL;
        const char *ext = ext_of(nm);

        if (rc == 0 && nm[0] != '.' && nm[l - 1] != '~' &&
            asprintf(&full, "%s/%s", dir, nm) >= 0) {
            if (is_dir(full) && ext[0] == '\0') {
                rc = load_vars_dir(inv, into, full, err);
            } else if (is_file(full) &&
                       (ext[0] == '\0' || strcmp(ext, ".yml") == 0 ||
                        strcmp(ext, ".yaml") == 0 || strcmp(ext, ".json") == 0)) {
                rc = load_vars_file(inv, into, full, err);
            }
            free(full);
        }
        free(ents[i]);
    }
    free(ents);
    return rc;
}

/* DataLoader.find_vars_files: the first of NAME, NAME.yml, NAME.yaml,
 * NAME.json that exists; a directory is read whole. */
static int load_entity_vars(struct nr_inventory *inv, struct nr_varlist *into,
                            const char *base, const char *name,
                            struct nr_err *err)
{
    static const char *const exts[] = { "", ".yml", ".yaml", ".json" };
    char *p = NULL;
    int rc = 0;

    if (strchr(name, '/') != NULL) {
        return 0;
    }
    for (size_t i = 0; i < 4; i++) {
        struct stat st;

        if (asprintf(&p, "%s/%s%s", base, name, exts[i]) < 0) {
            nr_err_set(err, NR_ERR_LIMIT, NULL, "out of memory");
            return -1;
        }
        if (stat(p, &st) == 0) {
            rc = S_ISDIR(st.st_mode) ? load_vars_dir(inv, into, p, err)
                                     : load_vars_file(inv, into, p, err);
            free(p);
            return rc;
        }
        free(p);
        p = NULL;
    }
    return 0;
}

static int load_all_vars_files(struct nr_inventory *inv, struct nr_err *err)
{
    char *gv = NULL, *hv = NULL;
    int rc = -1;

    for (size_t i = 0; i < inv->ngroups; i++) {
        inv->groups[i]->filevars = calloc(inv->ndirs + 1,
                                          sizeof(struct nr_varlist));
        if (inv->groups[i]->filevars == NULL) {
            goto oom;
        }
    }
    for (size_t i = 0; i < inv->nhosts; i++) {
        inv->hosts[i]->filevars = calloc(inv->ndirs + 1,
                                         sizeof(struct nr_varlist));
        if (inv->hosts[i]->filevars == NULL) {
            goto oom;
        }
    }
    for (size_t d = 0; d < inv->ndirs; d++) {
        free(gv);
        free(hv);
        gv = hv = NULL;
        if (asprintf(&gv, "%s/group_vars", inv->dirs[d]) < 0 ||
            asprintf(&hv, "%s/host_vars", inv->dirs[d]) < 0) {
            gv = hv = NULL;
            goto oom;
        }
        if (is_dir(gv)) {
            for (size_t i = 0; i < inv->ngroups; i++) {
                if (load_entity_vars(inv, &inv->groups[i]->filevars[d], gv,
                                     inv->groups[i]->name, err) != 0) {
                    goto out;
                }
            }
        }
        if (is_dir(hv)) {
            for (size_t i = 0; i < inv->nhosts; i++) {
                if (load_entity_vars(inv, &inv->hosts[i]->filevars[d], hv,
                                     inv->hosts[i]->name, err) != 0) {
                    goto out;
                }
            }
        }
    }
    rc = 0;
    goto out;
oom:
    nr_err_set(err, NR_ERR_LIMIT, NULL, "out of memory");
out:
    free(gv);
    free(hv);
    return rc;
}

/* ---- reconcile -------------------------------------------------------- */

static int depth_of(struct nr_group *g, int guard)
{
    int d = 0;

    if (guard > 10000) {
        return 0;
    }
    for (size_t i = 0; i < g->nparents; i++) {
        int pd = depth_of(g->parents[i], guard + 1) + 1;

        if (pd > d) {
            d = pd;
        }
    }
    return d;
}

static int reconcile(struct nr_inventory *inv, struct nr_err *err)
{
    struct nr_group *all = nr_inv__group(inv, "all");
    struct nr_group *ug = nr_inv__group(inv, "ungrouped");

    for (size_t i = 0; i < inv->ngroups; i++) {
        struct nr_group *g = inv->groups[i];

        if (g != all && g->nparents == 0 &&
            nr_inv__add_child(inv, all, g, NULL, 0, err) != 0) {
            return -1;
        }
    }
    for (size_t i = 0; i < inv->nhosts; i++) {
        struct nr_ihost *h = inv->hosts[i];
        int other = 0, in_ug = 0;

        for (size_t k = 0; k < h->ngroups; k++) {
            if (h->groups[k] == ug) {
                in_ug = 1;
            } else if (h->groups[k] != all) {
                other = 1;
            }
        }
        if (in_ug && other) {
            group_remove_host(ug, h);
        } else if (!in_ug && !other && group_add_host(ug, h) != 0) {
            nr_err_set(err, NR_ERR_LIMIT, NULL, "out of memory");
            return -1;
        }
    }
    for (size_t i = 0; i < inv->ngroups; i++) {
        inv->groups[i]->depth = depth_of(inv->groups[i], 0);
    }
    return 0;
}

int nr_inventory_load(struct nr_inventory **out, const char *const *sources,
                      size_t n, const struct nr_inventory_opts *opts,
                      struct nr_err *err)
{
    struct nr_inventory *inv = calloc(1, sizeof(*inv));
    struct nr_group *g;
    struct nr_inventory_opts dflt = NR_INVENTORY_OPTS_INIT;
    int rc = -1;

    *out = NULL;
    if (inv == NULL) {
        nr_err_set(err, NR_ERR_LIMIT, NULL, "out of memory");
        return -1;
    }
    inv->opts = opts != NULL ? *opts : dflt;
    inv->gindex = calloc(1, sizeof(struct sindex));
    inv->hindex = calloc(1, sizeof(struct sindex));
    if (inv->gindex == NULL || inv->hindex == NULL ||
        nr_inv__add_group(&g, inv, "all", NULL, 0, err) != 0 ||
        nr_inv__add_group(&g, inv, "ungrouped", NULL, 0, err) != 0 ||
        nr_inv__add_child(inv, nr_inv__group(inv, "all"), g, NULL, 0,
                          err) != 0) {
        nr_err_set(err, NR_ERR_LIMIT, NULL, "out of memory");
        goto out;
    }
    *out = inv; /* lets the caller set a warning callback for later use */
    for (size_t i = 0; i < n; i++) {
        if (load_path(inv, sources[i], 1, err) != 0) {
            goto out;
        }
    }
    if (reconcile(inv, err) != 0 || load_all_vars_files(inv, err) != 0) {
        goto out;
    }
    inv->reconciled = 1;
    rc = 0;
out:
    if (rc != 0) {
        nr_inventory_free(inv);
        *out = NULL;
    }
    return rc;
}

int nr_inventory_add_extra(struct nr_inventory *inv, const char *arg,
                           struct nr_err *err)
{
    const char *eq;
    struct nr_val *v;
    char *key;

    if (arg[0] == '@') {
        return load_vars_file(inv, &inv->extra, arg + 1, err);
    }
    eq = strchr(arg, '=');
    if (eq == NULL || eq == arg) {
        nr_err_set(err, NR_ERR_USAGE, NULL,
                   "-e %s: expected key=value or @file", arg);
        return -1;
    }
    key = strndup(arg, (size_t)(eq - arg));
    v = nr_val_strz(eq + 1);
    if (key == NULL || v == NULL ||
        nr_varlist_set(&inv->extra, key, v, NULL, 0) != 0) {
        free(key);
        nr_err_set(err, NR_ERR_LIMIT, NULL, "out of memory");
        return -1;
    }
    free(key);
    return 0;
}

/* A host for spec that starts from base (see nr_ihost.base), named by
 * the whole spec; the same spec twice is the same host. */
static int derived_host(struct nr_ihost **out, struct nr_inventory *inv,
                        struct nr_ihost *base, const char *spec,
                        struct nr_err *err)
{
    struct nr_ihost *h = nr_inv__host(inv, spec);

    if (h != NULL) {
        *out = h;
        return 0;
    }
    if (nr_inv__add_host(&h, inv, spec, NULL, -1, NULL, 0, err) != 0) {
        return -1;
    }
    h->base = base->base != NULL ? base->base : base;
    *out = h;
    return 0;
}

int nr_inventory_add_adhoc(struct nr_inventory *inv, const char *spec,
                           const char **name_out, struct nr_err *err)
{
    const char *at = strrchr(spec, '@');
    const char *addr = at != NULL ? at + 1 : spec;
    struct nr_group *ug = nr_inv__group(inv, "ungrouped");
    struct nr_ihost *h = NULL, *base;
    char *host = NULL;
    long port = -1;
    int by_addr = 0;
    int rc = -1;

    *name_out = NULL;
    if (*addr == '\0' || (at != NULL && at == spec) ||
        nr_inv__parse_address(addr, &host, &port) != 0) {
        nr_err_set(err, NR_ERR_USAGE, NULL, "-H %s: expected host, "
                   "host:port, [v6addr]:port or user@host", spec);
        goto out;
    }
    /* The host the spec names: an inventory host (r1, admin@r1:2222), or
     * one an earlier spec added (192.0.2.7:2222). */
    base = nr_inv__host(inv, host);
    if (base == NULL && strcmp(addr, host) != 0) {
        base = nr_inv__host(inv, addr);
        by_addr = base != NULL;
    }
    if (base == NULL) {
        /* Any other spec adds a host named by the spec without its user,
         * whose address is the spec's. */
        if (nr_inv__add_host(&h, inv, addr, ug, -1, NULL, 0, err) != 0) {
            goto out;
        }
        if (nr_varlist_set(&h->vars, "ansible_host", nr_val_strz(host), NULL,
                           0) != 0) {
            goto oom;
        }
    } else if (at == NULL && (port <= 0 || by_addr)) {
        /* Only its name: the host as it is. */
        *name_out = base->name;
        rc = 0;
        goto out;
    } else if (derived_host(&h, inv, base, spec, err) != 0) {
        goto out;
    }
    if (port > 0 && !by_addr &&
        nr_varlist_set(&h->vars, "ansible_port", nr_val_int(port), NULL,
                       0) != 0) {
        goto oom;
    }
    if (at != NULL) {
        char *user = strndup(spec, (size_t)(at - spec));

        if (user == NULL || nr_varlist_set(&h->vars, "ansible_user",
                                           nr_val_strz(user), NULL, 0) != 0) {
            free(user);
            goto oom;
        }
        free(user);
    }
    *name_out = h->name;
    rc = 0;
    goto out;
oom:
    nr_err_set(err, NR_ERR_LIMIT, NULL, "out of memory");
out:
    free(host);
    return rc;
}
