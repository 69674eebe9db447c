/* inv_test.h — helpers for the inventory unit tests: a scratch directory
 * with files in it, loading an inventory from it, and exact views of the
 * result (host names, a host's variables) to compare against. */
#ifndef INV_TEST_H
#define INV_TEST_H

#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700 /* nftw */
#endif

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nr_test.h"

/* A fresh directory under /tmp; dir must hold 32 bytes. */
static inline void tdir_new(char *dir)
{
    snprintf(dir, 32, "%s", "/tmp/nr-inv-XXXXXX");
    assert_non_null(mkdtemp(dir));
}

/* Write dir/rel (len bytes of text; len 0 means strlen), making the
 * folders on the way; exec sets the run bit. */
static inline void tdir_put_n(const char *dir, const char *rel,
                              const char *text, size_t len, int exec)
{
    char path[512];
    FILE *fp;

    snprintf(path, sizeof(path), "%s/%s", dir, rel);
    for (char *s = path + strlen(dir) + 1; (s = strchr(s, '/')) != NULL;
         s++) {
        *s = '\0';
        mkdir(path, 0755);
        *s = '/';
    }
    if (len == 0) {
        len = strlen(text);
    }
    fp = fopen(path, "w");
    assert_non_null(fp);
    assert_int_equal(fwrite(text, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
    assert_int_equal(chmod(path, exec ? 0755 : 0644), 0);
}

static inline void tdir_put(const char *dir, const char *rel,
                            const char *text)
{
    tdir_put_n(dir, rel, text, 0, 0);
}

static inline int tdir_rm_one(const char *p, const struct stat *st, int flag,
                              struct FTW *f)
{
    (void)st;
    (void)flag;
    (void)f;
    return remove(p);
}

static inline void tdir_rm(const char *dir)
{
    nftw(dir, tdir_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* s with every "$D" replaced by dir; caller frees. */
static inline char *subst_dir(const char *s, const char *dir)
{
    size_t n = strlen(s) + 1, dl = strlen(dir);
    char *out, *o;

    for (const char *p = s; (p = strstr(p, "$D")) != NULL; p += 2) {
        n += dl;
    }
    out = malloc(n);
    assert_non_null(out);
    for (o = out; *s != '\0';) {
        if (s[0] == '$' && s[1] == 'D') {
            memcpy(o, dir, dl);
            o += dl;
            s += 2;
        } else {
            *o++ = *s++;
        }
    }
    *o = '\0';
    return out;
}

/* Load dir/rel (rel NULL: dir itself); fails the test on error. */
static inline struct nr_inventory *inv_open(const char *dir, const char *rel)
{
    char path[512];
    const char *src = path;
    struct nr_inventory *inv = NULL;
    struct nr_err err = NR_ERR_INIT;

    snprintf(path, sizeof(path), "%s%s%s", dir, rel != NULL ? "/" : "",
             rel != NULL ? rel : "");
    assert_nr_ok(nr_inventory_load(&inv, &src, 1, NULL, &err), &err);
    return inv;
}

/* The names a pattern selects, each followed by a space; "" when none
 * (the error is then in *err). */
static inline void inv_names(char *out, size_t size, struct nr_inventory *inv,
                             const char *pattern, struct nr_err *err)
{
    struct nr_hostset *s = NULL;
    size_t used = 0;

    out[0] = '\0';
    if (nr_inventory_select(&s, inv, pattern, err) != 0) {
        return;
    }
    for (size_t i = 0; i < nr_hostset_count(s); i++) {
        used += (size_t)snprintf(out + used, size - used, "%s ",
                                 nr_hostset_name(s, i));
        assert_true(used < size);
    }
    nr_hostset_free(s);
}

#endif
