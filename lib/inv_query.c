/* inv_query.c — what the tools ask of an inventory: merged variables,
 * host patterns, and the ansible-inventory renderers. */
#define _GNU_SOURCE
#define PCRE2_CODE_UNIT_WIDTH 8
#include <fnmatch.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inventory.h"
#include "platform.h"
#include "pylit.h"

/* Variables Ansible computes itself and ansible-inventory leaves out. */
static const char *const INTERNAL[] = {
    "ansible_diff_mode", "ansible_config_file", "ansible_facts",
    "ansible_forks", "ansible_inventory_sources", "ansible_limit",
    "ansible_playbook_python", "ansible_run_tags", "ansible_skip_tags",
    "ansible_verbosity", "ansible_version", "inventory_dir",
    "inventory_file", "inventory_hostname", "inventory_hostname_short",
    "groups", "group_names", "omit", "playbook_dir", NULL,
};

static int is_internal(const char *k)
{
    for (size_t i = 0; INTERNAL[i] != NULL; i++) {
        if (strcmp(INTERNAL[i], k) == 0) {
            return 1;
        }
    }
    return 0;
}

NR_API int nr_var_is_secret(const char *name)
{
    static const char *const parts[] = { "pass", "secret", "community",
                                         "token", NULL };
    char low[128];
    size_t n = 0;

    for (; name[n] != '\0' && n < sizeof(low) - 1; n++) {
        low[n] = (char)((name[n] >= 'A' && name[n] <= 'Z') ? name[n] + 32
                                                            : name[n]);
    }
    low[n] = '\0';
    if (n >= 4 && strcmp(low + n - 4, "_env") == 0) {
        return 0; /* names an environment variable, holds no secret */
    }
    for (size_t i = 0; parts[i] != NULL; i++) {
        if (strstr(low, parts[i]) != NULL) {
            return 1;
        }
    }
    return n >= 4 && strcmp(low + n - 4, "_key") == 0;
}

/* ---- merge ------------------------------------------------------------ */

struct app {
    const struct nr_var *var;
    int rank;          /* the variable list it came from, in precedence
                        * order: each group's list has its own rank */
    char layer[96];
};

struct apps {
    struct app *a;
    size_t n, cap;
    int nlists;
};

static int app_add(struct apps *as, const struct nr_varlist *l,
                   const char *prefix, const char *name)
{
    int rank = ++as->nlists;

    for (size_t i = 0; i < l->n; i++) {
        if (as->n == as->cap) {
            size_t nc = as->cap != 0 ? as->cap * 2 : 32;
            struct app *p = realloc(as->a, nc * sizeof(*p));

            if (p == NULL) {
                return -1;
            }
            as->a = p;
            as->cap = nc;
        }
        as->a[as->n].var = &l->v[i];
        as->a[as->n].rank = rank;
        snprintf(as->a[as->n].layer, sizeof(as->a[as->n].layer), "%s%s", prefix,
                 name);
        as->n++;
    }
    return 0;
}

static void collect_groups(struct nr_group *g, struct nr_group ***out,
                           size_t *n, size_t *cap)
{
    for (size_t i = 0; i < *n; i++) {
        if ((*out)[i] == g) {
            return;
        }
    }
    if (*n == *cap) {
        size_t nc = *cap != 0 ? *cap * 2 : 8;
        struct nr_group **p = realloc(*out, nc * sizeof(*p));

        if (p == NULL) {
            return;
        }
        *out = p;
        *cap = nc;
    }
    (*out)[(*n)++] = g;
    for (size_t i = 0; i < g->nparents; i++) {
        collect_groups(g->parents[i], out, n, cap);
    }
}

static int cmp_groups(const void *a, const void *b)
{
    const struct nr_group *ga = *(struct nr_group *const *)a;
    const struct nr_group *gb = *(struct nr_group *const *)b;

    if (ga->depth != gb->depth) {
        return ga->depth < gb->depth ? -1 : 1;
    }
    if (ga->priority != gb->priority) {
        return ga->priority < gb->priority ? -1 : 1;
    }
    return strcmp(ga->name, gb->name);
}

/* Every definition that applies to h, lowest precedence first. */
static int host_apps(struct apps *as, struct nr_inventory *inv,
                     struct nr_ihost *spec)
{
    struct nr_ihost *h = spec->base != NULL ? spec->base : spec;
    struct nr_group **gs = NULL;
    size_t ng = 0, cap = 0;
    struct nr_group *all = nr_inv__group(inv, "all");
    int rc = -1;

    for (size_t i = 0; i < h->ngroups; i++) {
        collect_groups(h->groups[i], &gs, &ng, &cap);
    }
    /* all is handled on its own, first */
    for (size_t i = 0, k = 0; i < ng; i++) {
        if (gs[i] != all) {
            gs[k++] = gs[i];
        }
        if (i + 1 == ng) {
            ng = k;
        }
    }
    if (ng > 0) {
        qsort(gs, ng, sizeof(*gs), cmp_groups);
    }
    if (app_add(as, &all->vars, "group ", "all") != 0) {
        goto out;
    }
    for (size_t i = 0; i < ng; i++) {
        if (app_add(as, &gs[i]->vars, "group ", gs[i]->name) != 0) {
            goto out;
        }
    }
    for (size_t d = 0; d < inv->ndirs; d++) {
        if (all->filevars != NULL &&
            app_add(as, &all->filevars[d], "group_vars/", "all") != 0) {
            goto out;
        }
    }
    for (size_t d = 0; d < inv->ndirs; d++) {
        for (size_t i = 0; i < ng; i++) {
            if (gs[i]->filevars != NULL &&
                app_add(as, &gs[i]->filevars[d], "group_vars/",
                        gs[i]->name) != 0) {
                goto out;
            }
        }
    }
    if (app_add(as, &h->vars, "host ", h->name) != 0) {
        goto out;
    }
    for (size_t d = 0; d < inv->ndirs; d++) {
        if (h->filevars != NULL &&
            app_add(as, &h->filevars[d], "host_vars/", h->name) != 0) {
            goto out;
        }
    }
    /* What the spec itself says (its user, its port) is above every
     * inventory layer, and below -e as everything is. */
    if (spec != h && app_add(as, &spec->vars, "-H ", spec->name) != 0) {
        goto out;
    }
    if (app_add(as, &inv->extra, "", "extra vars (-e)") != 0) {
        goto out;
    }
    rc = 0;
out:
    free(gs);
    return rc;
}

/* The effective value of each key: index into as of its last setter. */
static struct nr_val *host_vars_val(struct nr_inventory *inv,
                                    struct nr_ihost *h, unsigned flags)
{
    struct apps as = { NULL, 0, 0, 0 };
    struct nr_val *m = nr_val_map();

    if (m == NULL || host_apps(&as, inv, h) != 0) {
        goto fail;
    }
    for (size_t i = 0; i < as.n; i++) {
        const struct nr_var *v = as.a[i].var;
        struct nr_val *c;

        if (is_internal(v->key)) {
            continue;
        }
        if (!(flags & NR_INV_SHOW_SECRETS) && nr_var_is_secret(v->key) &&
            v->val->t != NR_VT_NULL) {
            c = nr_val_strz("********");
        } else {
            c = nr_val_clone(v->val);
        }
        if (nr_val_map_set(m, v->key, strlen(v->key), c) != 0) {
            goto fail;
        }
    }
    free(as.a);
    return m;
fail:
    free(as.a);
    nr_val_free(m);
    return NULL;
}

/* ---- host order ------------------------------------------------------- */

/* Group.get_hosts(): own hosts, then descendants level by level. */
static int group_hosts(struct nr_inventory *inv, struct nr_group *top,
                       struct nr_ihost ***out, size_t *n)
{
    struct nr_group **q = calloc(inv->ngroups + 1, sizeof(*q));
    unsigned char *seeng = calloc(inv->ngroups + 1, 1);
    unsigned char *seenh = calloc(inv->nhosts + 1, 1);
    struct nr_ihost **hs = calloc(inv->nhosts + 1, sizeof(*hs));
    size_t nq = 0, nh = 0;
    int rc = -1;

    *out = NULL;
    *n = 0;
    if (q == NULL || seeng == NULL || seenh == NULL || hs == NULL) {
        goto out;
    }
    q[nq++] = top;
    seeng[top->idx] = 1;
    for (size_t i = 0; i < nq; i++) {
        for (size_t k = 0; k < q[i]->nkids; k++) {
            if (!seeng[q[i]->kids[k]->idx]) {
                seeng[q[i]->kids[k]->idx] = 1;
                q[nq++] = q[i]->kids[k];
            }
        }
        for (size_t k = 0; k < q[i]->nhosts; k++) {
            struct nr_ihost *h = q[i]->hosts[k];

            if (!seenh[h->idx]) {
                seenh[h->idx] = 1;
                hs[nh++] = h;
            }
        }
    }
    *out = hs;
    *n = nh;
    hs = NULL;
    rc = 0;
out:
    free(q);
    free(seeng);
    free(seenh);
    free(hs);
    return rc;
}

/* ---- patterns --------------------------------------------------------- */

struct nr_hostset {
    struct nr_ihost **h;
    size_t n;
};

void nr_hostset_free(struct nr_hostset *set)
{
    if (set != NULL) {
        free(set->h);
        free(set);
    }
}

size_t nr_hostset_count(const struct nr_hostset *set)
{
    return set != NULL ? set->n : 0;
}

const char *nr_hostset_name(const struct nr_hostset *set, size_t i)
{
    return (set != NULL && i < set->n) ? set->h[i]->name : NULL;
}

/* A name matcher: fnmatch for globs, Python-like re.match for ~regex. */
struct matcher {
    pcre2_code *re;
    pcre2_match_data *md;
    const char *glob;
};

static int matcher_init(struct matcher *m, const char *pat, struct nr_err *err)
{
    int ec;
    PCRE2_SIZE eo;

    memset(m, 0, sizeof(*m));
    if (pat[0] != '~') {
        m->glob = pat;
        return 0;
    }
    m->re = pcre2_compile((PCRE2_SPTR)(pat + 1), PCRE2_ZERO_TERMINATED,
                          PCRE2_UTF | PCRE2_UCP, &ec, &eo, NULL);
    if (m->re == NULL) {
        PCRE2_UCHAR msg[200];

        pcre2_get_error_message(ec, msg, sizeof(msg));
        nr_err_set(err, NR_ERR_USAGE, NULL,
                   "invalid host pattern '%s': %s at offset %zu", pat,
                   (const char *)msg, (size_t)eo);
        return -1;
    }
    m->md = pcre2_match_data_create_from_pattern(m->re, NULL);
    if (m->md == NULL) {
        nr_err_set(err, NR_ERR_LIMIT, NULL, "out of memory");
        return -1;
    }
    return 0;
}

static int matcher_hit(struct matcher *m, const char *name)
{
    if (m->glob != NULL) {
        return fnmatch(m->glob, name, FNM_NOESCAPE) == 0;
    }
    return pcre2_match(m->re, (PCRE2_SPTR)name, strlen(name), 0,
                       PCRE2_ANCHORED, m->md, NULL) >= 0;
}

static void matcher_dispose(struct matcher *m)
{
    pcre2_match_data_free(m->md);
    pcre2_code_free(m->re);
}

struct hlist {
    struct nr_ihost **h;
    size_t n, cap;
};

static int hl_push(struct hlist *l, struct nr_ihost *h)
{
    if (l->n == l->cap) {
        size_t nc = l->cap != 0 ? l->cap * 2 : 16;
        struct nr_ihost **p = realloc(l->h, nc * sizeof(*p));

        if (p == NULL) {
            return -1;
        }
        l->h = p;
        l->cap = nc;
    }
    l->h[l->n++] = h;
    return 0;
}

/* _enumerate_matches + subscript: hosts for one pattern term. */
static int match_one(struct hlist *res, struct nr_inventory *inv,
                     const char *term, struct nr_err *err)
{
    char *expr = strdup(term);
    struct matcher m;
    int groups_hit = 0, rc = -1;
    long sub_a = 0, sub_b = 0;
    int has_sub = 0, single = 0;
    struct nr_ihost **gh = NULL;
    size_t ngh;

    memset(&m, 0, sizeof(m));
    if (expr == NULL) {
        goto oom;
    }
    if (expr[0] != '~') {
        /* name[3], name[1:4], name[2:] select by position */
        size_t l = strlen(expr);

        if (l > 2 && expr[l - 1] == ']') {
            char *lb = strrchr(expr, '[');
            char *colon, *endp;

            if (lb != NULL && lb > expr) {
                /* from lb + 2: "[-1]" is a negative index, not a range */
                colon = strpbrk(lb + 2, ":-");
                if (colon == NULL) {
                    sub_a = strtol(lb + 1, &endp, 10);
                    if (endp == expr + l - 1 && endp != lb + 1) {
                        has_sub = single = 1;
                    }
                } else if (colon > lb + 1) {
                    sub_a = strtol(lb + 1, &endp, 10);
                    if (endp == colon && sub_a >= 0 && lb[1] != '-') {
                        sub_b = colon[1] == ']' ? -1
                                                : strtol(colon + 1, &endp, 10);
                        if (colon[1] == ']' || (endp == expr + l - 1 &&
                                                colon[1] >= '0' &&
                                                colon[1] <= '9')) {
                            has_sub = 1;
                        }
                    }
                }
                if (has_sub) {
                    *lb = '\0';
                }
            }
        }
    }
    if (matcher_init(&m, expr, err) != 0) {
        goto out;
    }
    {
        struct hlist tmp = { NULL, 0, 0 };

        for (size_t i = 0; i < inv->ngroups; i++) {
            if (!matcher_hit(&m, inv->groups[i]->name)) {
                continue;
            }
            groups_hit = 1;
            if (group_hosts(inv, inv->groups[i], &gh, &ngh) != 0) {
                free(tmp.h);
                goto oom;
            }
            for (size_t k = 0; k < ngh; k++) {
                if (hl_push(&tmp, gh[k]) != 0) {
                    free(tmp.h);
                    goto oom;
                }
            }
            free(gh);
            gh = NULL;
        }
        if (!groups_hit || expr[0] == '~' || strpbrk(expr, ".?*[") != NULL) {
            for (size_t i = 0; i < inv->nhosts; i++) {
                if (matcher_hit(&m, inv->hosts[i]->name) &&
                    hl_push(&tmp, inv->hosts[i]) != 0) {
                    free(tmp.h);
                    goto oom;
                }
            }
        }
        if (tmp.n == 0 && !groups_hit && strcmp(expr, "all") != 0) {
            nr_inv__warn(inv, "could not match supplied host pattern, "
                         "ignoring: %s", expr);
        }
        if (has_sub && tmp.n > 0) {
            long a = sub_a, b;

            if (single) {
                if (a < 0) {
                    a += (long)tmp.n;
                }
                if (a < 0 || a >= (long)tmp.n) {
                    free(tmp.h);
                    nr_err_set(err, NR_ERR_USAGE, NULL,
                               "no hosts matched the subscripted pattern '%s'",
                               term);
                    goto out;
                }
                b = a;
            } else {
                b = sub_b == -1 ? (long)tmp.n - 1 : sub_b;
                if (b >= (long)tmp.n) {
                    b = (long)tmp.n - 1;
                }
            }
            for (long i = a; i <= b; i++) {
                if (hl_push(res, tmp.h[i]) != 0) {
                    free(tmp.h);
                    goto oom;
                }
            }
        } else {
            for (size_t i = 0; i < tmp.n; i++) {
                if (hl_push(res, tmp.h[i]) != 0) {
                    free(tmp.h);
                    goto oom;
                }
            }
        }
        free(tmp.h);
    }
    rc = 0;
    goto out;
oom:
    nr_err_set(err, NR_ERR_LIMIT, NULL, "out of memory");
out:
    free(gh);
    matcher_dispose(&m);
    free(expr);
    return rc;
}

/* split_host_pattern: commas, else colons outside [...] unless the whole
 * thing is one address (IPv6). */
static int split_pattern(char ***out, size_t *n, const char *pat)
{
    char **v = NULL;
    size_t nv = 0;
    const char *p = pat;
    char *host = NULL;
    long port;
    int commas = strchr(pat, ',') != NULL;
    int whole = 0;

    *out = NULL;
    *n = 0;
    if (!commas && nr_inv__parse_address(pat, &host, &port) == 0) {
        whole = 1;
    }
    free(host);
    v = calloc(strlen(pat) + 2, sizeof(*v));
    if (v == NULL) {
        return -1;
    }
    while (*p != '\0') {
        const char *s = p, *e;
        char *t;

        if (whole) {
            e = p + strlen(p);
        } else if (commas) {
            e = strchr(p, ',');
            if (e == NULL) {
                e = p + strlen(p);
            }
        } else {
            /* runs of (non-space, non-":[]" | a bracketed group) */
            while (*p == ':' || *p == ' ' || *p == '\t' || *p == ']') {
                p++;
            }
            s = p;
            while (*p != '\0' && *p != ':' && *p != ' ' && *p != '\t' &&
                   *p != ']') {
                if (*p == '[') {
                    const char *rb = strchr(p, ']');

                    if (rb == NULL) {
                        break;
                    }
                    p = rb + 1;
                } else {
                    p++;
                }
            }
            e = p;
            if (e == s) {
                if (*p == '[') {
                    p++;
                }
                continue;
            }
        }
        while (s < e && (*s == ' ' || *s == '\t')) {
            s++;
        }
        {
            const char *te = e;

            while (te > s && (te[-1] == ' ' || te[-1] == '\t')) {
                te--;
            }
            if (te > s) {
                t = strndup(s, (size_t)(te - s));
                if (t == NULL) {
                    nr_strv_free(v);
                    return -1;
                }
                v[nv++] = t;
            }
        }
        p = e;
        if ((whole || commas) && *p == ',') {
            p++;
        }
    }
    *out = v;
    *n = nv;
    return 0;
}

/* _evaluate_patterns over ordered terms: unions, then &, then !. */
static int evaluate(struct hlist *res, struct nr_inventory *inv, char **terms,
                    size_t nterms, struct nr_err *err)
{
    unsigned char *mark = NULL;
    int rc = -1;
    int pass;
    int any_regular = 0;

    for (size_t i = 0; i < nterms; i++) {
        if (terms[i][0] != '!' && terms[i][0] != '&') {
            any_regular = 1;
        }
    }
    mark = calloc(inv->nhosts + 1, 1);
    if (mark == NULL) {
        goto oom;
    }
    if (!any_regular) {
        char *all = "all";

        if (evaluate(res, inv, &all, 1, err) != 0) {
            goto out;
        }
    }
    for (pass = 0; pass < 3; pass++) {
        for (size_t i = 0; i < nterms; i++) {
            const char *t = terms[i];
            int kind = t[0] == '&' ? 1 : (t[0] == '!' ? 2 : 0);
            struct hlist that = { NULL, 0, 0 };
            struct nr_ihost *exact;

            if (kind != pass) {
                continue;
            }
            exact = nr_inv__host(inv, t);
            if (exact != NULL) {
                if (hl_push(&that, exact) != 0) {
                    goto oom;
                }
            } else if (match_one(&that, inv, kind != 0 ? t + 1 : t, err) != 0) {
                free(that.h);
                goto out;
            }
            if (kind == 0) {
                for (size_t k = 0; k < res->n; k++) {
                    mark[res->h[k]->idx] = 1;
                }
                for (size_t k = 0; k < that.n; k++) {
                    if (!mark[that.h[k]->idx]) {
                        mark[that.h[k]->idx] = 1;
                        if (hl_push(res, that.h[k]) != 0) {
                            free(that.h);
                            goto oom;
                        }
                    }
                }
            } else {
                size_t w = 0;

                memset(mark, 0, inv->nhosts + 1);
                for (size_t k = 0; k < that.n; k++) {
                    mark[that.h[k]->idx] = 1;
                }
                for (size_t k = 0; k < res->n; k++) {
                    int in = mark[res->h[k]->idx];

                    if ((kind == 1) == (in != 0)) {
                        res->h[w++] = res->h[k];
                    }
                }
                res->n = w;
                memset(mark, 0, inv->nhosts + 1);
            }
            free(that.h);
        }
    }
    rc = 0;
    goto out;
oom:
    nr_err_set(err, NR_ERR_LIMIT, NULL, "out of memory");
out:
    free(mark);
    return rc;
}

static int read_limit_file(char ***terms, size_t *n, size_t *cap,
                           const char *path, struct nr_err *err)
{
    FILE *fp = fopen(path, "r");
    char *line = NULL;
    size_t lcap = 0;
    ssize_t len;
    int rc = -1;

    if (fp == NULL) {
        nr_err_set(err, NR_ERR_USAGE, NULL, "limit file %s: %m", path);
        return -1;
    }
    while ((len = getline(&line, &lcap, fp)) >= 0) {
        const char *b = line, *e = line + len;
        char *t;

        nr_py_strip(&b, &e);
        if (b == e) {
            continue;
        }
        t = strndup(b, (size_t)(e - b));
        if (t == NULL) {
            goto out;
        }
        if (*n + 1 >= *cap) {
            size_t nc = *cap * 2 + 8;
            char **p = realloc(*terms, nc * sizeof(*p));

            if (p == NULL) {
                free(t);
                goto out;
            }
            *terms = p;
            *cap = nc;
        }
        (*terms)[(*n)++] = t;
        (*terms)[*n] = NULL;
    }
    rc = 0;
out:
    if (rc != 0) {
        nr_err_set(err, NR_ERR_LIMIT, NULL, "out of memory");
    }
    free(line);
    fclose(fp);
    return rc;
}

int nr_inventory_select(struct nr_hostset **out, struct nr_inventory *inv,
                        const char *pattern, struct nr_err *err)
{
    char **parts = NULL, **terms = NULL;
    size_t nparts = 0, nterms = 0, capterms = 0;
    struct hlist sel = { NULL, 0, 0 };
    struct nr_ihost **allh = NULL;
    size_t nall = 0;
    unsigned char *in = NULL;
    struct nr_hostset *set = NULL;
    int rc = -1;

    *out = NULL;
    if (pattern == NULL || pattern[0] == '\0') {
        pattern = "all";
    }
    if (split_pattern(&parts, &nparts, pattern) != 0) {
        goto oom;
    }
    capterms = nparts + 8;
    terms = calloc(capterms, sizeof(*terms));
    if (terms == NULL) {
        goto oom;
    }
    for (size_t i = 0; i < nparts; i++) {
        if (parts[i][0] == '@') {
            if (read_limit_file(&terms, &nterms, &capterms, parts[i] + 1,
                                err) != 0) {
                goto out;
            }
        } else {
            if (nterms + 1 >= capterms) {
                /* an @file before this part may have filled the list */
                size_t nc = capterms * 2 + 8;
                char **np = realloc(terms, nc * sizeof(*np));

                if (np == NULL) {
                    goto oom;
                }
                terms = np;
                capterms = nc;
            }
            terms[nterms] = strdup(parts[i]);
            if (terms[nterms] == NULL) {
                goto oom;
            }
            nterms++;
            terms[nterms] = NULL;
        }
    }
    if (evaluate(&sel, inv, terms, nterms, err) != 0) {
        goto out;
    }
    /* As a --limit on "all": the selection keeps the inventory's order. */
    if (group_hosts(inv, nr_inv__group(inv, "all"), &allh, &nall) != 0) {
        goto oom;
    }
    in = calloc(inv->nhosts + 1, 1);
    set = calloc(1, sizeof(*set));
    if (in == NULL || set == NULL) {
        goto oom;
    }
    set->h = calloc(sel.n + 1, sizeof(*set->h));
    if (set->h == NULL) {
        goto oom;
    }
    for (size_t i = 0; i < sel.n; i++) {
        in[sel.h[i]->idx] = 1;
    }
    for (size_t i = 0; i < nall; i++) {
        if (in[allh[i]->idx]) {
            set->h[set->n++] = allh[i];
        }
    }
    if (set->n == 0) {
        nr_err_set(err, NR_ERR_USAGE, NULL, "no hosts matched pattern '%s'",
                   pattern);
        goto out;
    }
    *out = set;
    set = NULL;
    rc = 0;
    goto out;
oom:
    nr_err_set(err, NR_ERR_LIMIT, NULL, "out of memory");
out:
    nr_hostset_free(set);
    free(in);
    free(allh);
    free(sel.h);
    nr_strv_free(parts);
    nr_strv_free(terms);
    return rc;
}

/* ---- renderers -------------------------------------------------------- */

static int in_set(const struct nr_hostset *limit, const unsigned char *mark,
                  const struct nr_ihost *h)
{
    return limit == NULL || mark[h->idx];
}

static int format_group(struct nr_val *res, struct nr_group *g,
                        unsigned char *seen, const struct nr_hostset *limit,
                        const unsigned char *mark)
{
    struct nr_val *gd = nr_val_map();
    struct nr_val *hosts = nr_val_list();
    struct nr_val *kids = nr_val_list();
    int rc = -1;

    if (gd == NULL || hosts == NULL || kids == NULL) {
        goto out;
    }
    if (strcmp(g->name, "all") != 0) {
        for (size_t i = 0; i < g->nhosts; i++) {
            if (in_set(limit, mark, g->hosts[i]) &&
                nr_val_list_push(hosts, nr_val_strz(g->hosts[i]->name)) != 0) {
                goto out;
            }
        }
    }
    for (size_t i = 0; i < g->nkids; i++) {
        struct nr_group *k = g->kids[i];

        if (nr_val_list_push(kids, nr_val_strz(k->name)) != 0) {
            goto out;
        }
        if (!seen[k->idx]) {
            if (format_group(res, k, seen, limit, mark) != 0) {
                goto out;
            }
            seen[k->idx] = 1;
        }
    }
    if (hosts->u.list.n > 0) {
        if (nr_val_map_set(gd, "hosts", 5, hosts) != 0) {
            hosts = NULL;
            goto out;
        }
        hosts = NULL;
    }
    if (kids->u.list.n > 0) {
        if (nr_val_map_set(gd, "children", 8, kids) != 0) {
            kids = NULL;
            goto out;
        }
        kids = NULL;
    }
    if (gd->u.map.n > 0) {
        if (nr_val_map_set(res, g->name, strlen(g->name), gd) != 0) {
            gd = NULL;
            goto out;
        }
        gd = NULL;
    }
    rc = 0;
out:
    nr_val_free(gd);
    nr_val_free(hosts);
    nr_val_free(kids);
    return rc;
}

static unsigned char *limit_marks(struct nr_inventory *inv,
                                  const struct nr_hostset *limit)
{
    unsigned char *mark = calloc(inv->nhosts + 1, 1);

    if (mark != NULL && limit != NULL) {
        for (size_t i = 0; i < limit->n; i++) {
            mark[limit->h[i]->idx] = 1;
        }
    }
    return mark;
}

int nr_inventory_list_json(char **out, struct nr_inventory *inv,
                           const struct nr_hostset *limit, unsigned flags,
                           struct nr_err *err)
{
    struct nr_val *res = nr_val_map();
    struct nr_val *meta = nr_val_map();
    struct nr_val *hv = nr_val_map();
    unsigned char *seen = calloc(inv->ngroups + 1, 1);
    unsigned char *mark = limit_marks(inv, limit);
    struct nr_ihost **allh = NULL;
    size_t nall = 0;
    struct nr_buf b = NR_BUF_INIT((size_t)1 << 31);
    int rc = -1;

    *out = NULL;
    if (res == NULL || meta == NULL || hv == NULL || seen == NULL ||
        mark == NULL ||
        format_group(res, nr_inv__group(inv, "all"), seen, limit, mark) != 0 ||
        group_hosts(inv, nr_inv__group(inv, "all"), &allh, &nall) != 0) {
        goto oom;
    }
    for (size_t i = 0; i < nall; i++) {
        struct nr_val *v;

        if (!in_set(limit, mark, allh[i])) {
            continue;
        }
        v = host_vars_val(inv, allh[i], flags);
        if (v == NULL) {
            goto oom;
        }
        if (v->u.map.n == 0) {
            nr_val_free(v);
            continue;
        }
        if (nr_val_map_set(hv, allh[i]->name, strlen(allh[i]->name), v) != 0) {
            goto oom;
        }
    }
    if (nr_val_map_set(meta, "hostvars", 8, hv) != 0) {
        hv = NULL;
        goto oom;
    }
    hv = NULL;
    if (nr_val_map_set(res, "_meta", 5, meta) != 0) {
        meta = NULL;
        goto oom;
    }
    meta = NULL;
    if (nr_val_json(&b, res, 4, 1) != 0) {
        goto oom;
    }
    *out = nr_buf_steal(&b);
    rc = *out != NULL ? 0 : -1;
    if (rc != 0) {
        goto oom;
    }
    goto out;
oom:
    nr_err_set(err, NR_ERR_LIMIT, NULL, "out of memory");
out:
    nr_buf_dispose(&b);
    free(allh);
    free(seen);
    free(mark);
    nr_val_free(res);
    nr_val_free(meta);
    nr_val_free(hv);
    return rc;
}

int nr_inventory_host_json(char **out, struct nr_inventory *inv,
                           const char *host, unsigned flags,
                           struct nr_err *err)
{
    struct nr_ihost *h = nr_inv__host(inv, host);
    struct nr_val *v;
    struct nr_buf b = NR_BUF_INIT((size_t)1 << 30);
    int rc = -1;

    *out = NULL;
    if (h == NULL) {
        nr_err_set(err, NR_ERR_USAGE, NULL, "no host named '%s' in the inventory",
                   host);
        return -1;
    }
    v = host_vars_val(inv, h, flags);
    if (v != NULL && nr_val_json(&b, v, 4, 1) == 0) {
        *out = nr_buf_steal(&b);
        rc = *out != NULL ? 0 : -1;
    }
    if (rc != 0) {
        nr_err_set(err, NR_ERR_LIMIT, NULL, "out of memory");
    }
    nr_val_free(v);
    nr_buf_dispose(&b);
    return rc;
}

static int graph_group(struct nr_buf *b, struct nr_group *g, int depth,
                       const struct nr_hostset *limit,
                       const unsigned char *mark)
{
    int rc = 0;

    for (int i = 0; i < depth; i++) {
        rc |= nr_buf_adds(b, "  |");
    }
    rc |= nr_buf_printf(b, "%s@%s:\n", depth > 0 ? "--" : "", g->name);
    for (size_t i = 0; i < g->nkids; i++) {
        rc |= graph_group(b, g->kids[i], depth + 1, limit, mark);
    }
    if (strcmp(g->name, "all") != 0) {
        for (size_t i = 0; i < g->nhosts; i++) {
            if (!in_set(limit, mark, g->hosts[i])) {
                continue;
            }
            for (int k = 0; k < depth + 1; k++) {
                rc |= nr_buf_adds(b, "  |");
            }
            rc |= nr_buf_printf(b, "--%s\n", g->hosts[i]->name);
        }
    }
    return rc != 0 ? -1 : 0;
}

int nr_inventory_graph(char **out, struct nr_inventory *inv, const char *group,
                       const struct nr_hostset *limit, struct nr_err *err)
{
    struct nr_group *g = nr_inv__group(inv, group != NULL ? group : "all");
    struct nr_buf b = NR_BUF_INIT((size_t)1 << 30);
    unsigned char *mark = limit_marks(inv, limit);
    int rc = -1;

    *out = NULL;
    if (g == NULL) {
        nr_err_set(err, NR_ERR_USAGE, NULL, "no group named '%s'", group);
        goto out;
    }
    if (mark == NULL || graph_group(&b, g, 0, limit, mark) != 0 ||
        (*out = nr_buf_steal(&b)) == NULL) {
        nr_err_set(err, NR_ERR_LIMIT, NULL, "out of memory");
        goto out;
    }
    rc = 0;
out:
    free(mark);
    nr_buf_dispose(&b);
    return rc;
}

static int origin_value(struct nr_buf *b, const struct nr_var *v,
                        unsigned flags)
{
    if (!(flags & NR_INV_SHOW_SECRETS) && nr_var_is_secret(v->key)) {
        return nr_buf_adds(b, "\"********\"");
    }
    return nr_val_json(b, v->val, -1, 1);
}

static int origin_where(struct nr_buf *b, const struct app *a)
{
    if (a->var->file == NULL) {
        return nr_buf_printf(b, "  <- %s", a->layer);
    }
    return nr_buf_printf(b, "  <- %s:%d (%s)", a->var->file, a->var->line,
                         a->layer);
}

static int cmp_app_key(const void *x, const void *y)
{
    const struct app *a = x, *c = y;
    int r = strcmp(a->var->key, c->var->key);

    if (r != 0) {
        return r;
    }
    /* the same key: latest (highest precedence) first */
    return a < c ? 1 : -1;
}

int nr_inventory_origin(char **out, struct nr_inventory *inv, const char *host,
                        unsigned flags, struct nr_err *err)
{
    struct nr_ihost *h = nr_inv__host(inv, host);
    struct apps as = { NULL, 0, 0, 0 };
    struct nr_buf b = NR_BUF_INIT((size_t)1 << 30);
    int rc = -1, e = 0;

    *out = NULL;
    if (h == NULL) {
        nr_err_set(err, NR_ERR_USAGE, NULL, "no host named '%s' in the inventory",
                   host);
        return -1;
    }
    if (host_apps(&as, inv, h) != 0) {
        goto oom;
    }
    /* Stable: qsort on addresses keeps precedence order within a key. */
    if (as.n > 0) {
        qsort(as.a, as.n, sizeof(*as.a), cmp_app_key);
    }
    for (size_t i = 0; i < as.n; i++) {
        int first = i == 0 || strcmp(as.a[i - 1].var->key, as.a[i].var->key) != 0;

        if (is_internal(as.a[i].var->key)) {
            continue;
        }
        if (first) {
            e |= nr_buf_printf(&b, "%s = ", as.a[i].var->key);
            e |= origin_value(&b, as.a[i].var, flags);
            e |= origin_where(&b, &as.a[i]);
        } else {
            e |= nr_buf_adds(&b, "    overrides ");
            e |= origin_value(&b, as.a[i].var, flags);
            e |= origin_where(&b, &as.a[i]);
        }
        e |= nr_buf_addc(&b, '\n');
    }
    if (e != 0 || (*out = nr_buf_steal(&b)) == NULL) {
        goto oom;
    }
    rc = 0;
    goto out;
oom:
    nr_err_set(err, NR_ERR_LIMIT, NULL, "out of memory");
out:
    free(as.a);
    nr_buf_dispose(&b);
    return rc;
}

/* ---- resolved host settings -------------------------------------------- */

struct nr_host {
    char *name;
    char *addr;            /* the address when no variable sets one */
    struct nr_val *vars;   /* effective values, unmasked */
    int *rank;             /* precedence layer of each entry of vars */
    char **texts;          /* text form, built on demand */
};

/* netrun name first, then Ansible's names, then old aliases */
static const char *const ALIASES[][5] = {
    { "host", "ansible_host", "ansible_ssh_host", NULL },
    { "port", "ansible_port", "ansible_ssh_port", NULL },
    { "user", "ansible_user", "ansible_ssh_user", NULL },
    { "password", "ansible_password", "ansible_ssh_pass",
      "ansible_ssh_password", NULL },
    { "key_file", "ansible_ssh_private_key_file",
      "ansible_private_key_file", NULL },
    { "platform", "ansible_network_os", NULL },
    { "enable_secret", "ansible_become_password", "ansible_become_pass",
      NULL },
};

int nr_inventory_host(struct nr_host **out, struct nr_inventory *inv,
                      const char *name, struct nr_err *err)
{
    struct nr_ihost *ih = nr_inv__host(inv, name);
    struct apps as = { NULL, 0, 0, 0 };
    struct nr_host *h = NULL;
    int rc = -1;

    *out = NULL;
    if (ih == NULL) {
        nr_err_set(err, NR_ERR_USAGE, NULL, "no host named '%s' in the inventory",
                   name);
        return -1;
    }
    h = calloc(1, sizeof(*h));
    /* Without ansible_host a host's address is its name: for admin@r1
     * that is r1's. */
    if (h == NULL || (h->name = strdup(name)) == NULL ||
        (h->addr = strdup(ih->base != NULL ? ih->base->name : name)) == NULL ||
        (h->vars = nr_val_map()) == NULL || host_apps(&as, inv, ih) != 0) {
        goto oom;
    }
    h->rank = calloc(as.n + 1, sizeof(*h->rank));
    h->texts = calloc(as.n + 1, sizeof(*h->texts));
    if (h->rank == NULL || h->texts == NULL) {
        goto oom;
    }
    for (size_t i = 0; i < as.n; i++) {
        const struct nr_var *v = as.a[i].var;
        size_t at;

        if (nr_val_map_set(h->vars, v->key, strlen(v->key),
                           nr_val_clone(v->val)) != 0) {
            goto oom;
        }
        for (at = 0; strcmp(h->vars->u.map.keys[at], v->key) != 0; at++) {
        }
        h->rank[at] = as.a[i].rank;
    }
    *out = h;
    h = NULL;
    rc = 0;
    goto out;
oom:
    nr_err_set(err, NR_ERR_LIMIT, NULL, "out of memory");
out:
    free(as.a);
    nr_host_free(h);
    return rc;
}

void nr_host_free(struct nr_host *h)
{
    if (h == NULL) {
        return;
    }
    if (h->texts != NULL && h->vars != NULL) {
        for (size_t i = 0; i < h->vars->u.map.n; i++) {
            if (h->texts[i] != NULL) {
                explicit_bzero(h->texts[i], strlen(h->texts[i]));
                free(h->texts[i]);
            }
        }
    }
    free(h->texts);
    free(h->rank);
    nr_val_free(h->vars);
    free(h->name);
    free(h->addr);
    free(h);
}

const char *nr_host_name(const struct nr_host *h)
{
    return h->name;
}

static const char *var_text(const struct nr_host *h, size_t at)
{
    const struct nr_val *v = h->vars->u.map.vals[at];
    struct nr_buf b = NR_BUF_INIT((size_t)1 << 24);

    if (h->texts[at] != NULL) {
        return h->texts[at];
    }
    if (v->t == NR_VT_STR || v->t == NR_VT_BIGINT) {
        h->texts[at] = strdup(v->u.str.s);
        return h->texts[at];
    }
    if (v->t == NR_VT_NULL) {
        return NULL;
    }
    if (v->t == NR_VT_BOOL) {
        h->texts[at] = strdup(v->u.b ? "true" : "false");
        return h->texts[at];
    }
    if (nr_val_json(&b, v, -1, 0) == 0) {
        h->texts[at] = nr_buf_steal(&b);
    }
    nr_buf_dispose(&b);
    return h->texts[at];
}

static long find_at(const struct nr_host *h, const char *key)
{
    for (size_t i = 0; i < h->vars->u.map.n; i++) {
        if (strcmp(h->vars->u.map.keys[i], key) == 0) {
            return (long)i;
        }
    }
    return -1;
}

const char *nr_host_get(const struct nr_host *h, const char *key)
{
    const char *const *names = NULL;
    const char *single[2] = { key, NULL };
    long best = -1;
    int best_rank = -1;
    const char *val;

    for (size_t i = 0; i < sizeof(ALIASES) / sizeof(ALIASES[0]); i++) {
        if (strcmp(ALIASES[i][0], key) == 0) {
            names = ALIASES[i];
        }
    }
    if (names == NULL) {
        names = single;
    }
    /* The definition from the highest precedence layer wins; at equal
     * rank, netrun's own name before Ansible's. */
    for (size_t i = 0; names[i] != NULL; i++) {
        long at = find_at(h, names[i]);

        if (at >= 0 && h->rank[at] > best_rank) {
            best = at;
            best_rank = h->rank[at];
        }
    }
    val = best >= 0 ? var_text(h, (size_t)best) : NULL;
    if (val == NULL && nr_var_is_secret(key)) {
        /* KEY_env=VAR names an environment variable holding the secret */
        char envkey[160];
        const char *envname;

        snprintf(envkey, sizeof(envkey), "%s_env", key);
        envname = nr_host_get(h, envkey);
        if (envname != NULL) {
            val = getenv(envname);
        }
    }
    if (val == NULL && strcmp(key, "host") == 0) {
        val = h->addr;
    }
    if (val != NULL && strcmp(key, "platform") == 0) {
        /* The mapping is data: each profile lists its aliases. */
        return nr_platform__canonical(val);
    }
    return val;
}
