/* opts.h — the option table every tool keeps: one table drives
 * getopt_long, --help and the man-page checks.  Header-only: each tool
 * is one C file. */
#ifndef NR_TOOLS_OPTS_H
#define NR_TOOLS_OPTS_H

#include <getopt.h>
#include <stdio.h>
#include <string.h>

struct opt {
    const char *lng;
    int shrt;          /* a letter, or a code >= 256 for long-only options */
    const char *arg;   /* the argument's name, NULL for a flag */
    const char *help;
};

/* A letter in the table is a short option when letters is NULL or
 * names it (tools that use letters as codes for long-only options). */
static inline int opt_is_short(const struct opt *o, const char *letters)
{
    return o->shrt > 0 && o->shrt < 128 &&
           (letters == NULL || strchr(letters, o->shrt) != NULL);
}

/* Fill lo (n + 1 entries, zero-terminated) and shorts (3n + 2 bytes)
 * from the table; shorts starts with prefix ("" or "+"). */
static inline void opts_getopt(const struct opt *t, size_t n,
                               const char *letters, const char *prefix,
                               struct option *lo, char *shorts)
{
    size_t ns = strlen(prefix);

    memcpy(shorts, prefix, ns);
    for (size_t i = 0; i < n; i++) {
        lo[i].name = t[i].lng;
        lo[i].has_arg = t[i].arg != NULL ? required_argument : no_argument;
        lo[i].flag = NULL;
        lo[i].val = t[i].shrt;
        if (opt_is_short(&t[i], letters)) {
            shorts[ns++] = (char)t[i].shrt;
            if (t[i].arg != NULL) {
                shorts[ns++] = ':';
            }
        }
    }
    memset(&lo[n], 0, sizeof(lo[n]));
    shorts[ns] = '\0';
}

/* The option lines of --help, the left column width wide. */
static inline void opts_usage(FILE *fp, const struct opt *t, size_t n,
                              const char *letters, int width)
{
    for (size_t i = 0; i < n; i++) {
        char left[64];

        if (opt_is_short(&t[i], letters)) {
            snprintf(left, sizeof(left), "-%c, --%s%s%s", t[i].shrt,
                     t[i].lng, t[i].arg ? " " : "", t[i].arg ? t[i].arg : "");
        } else {
            snprintf(left, sizeof(left), "    --%s%s%s", t[i].lng,
                     t[i].arg ? " " : "", t[i].arg ? t[i].arg : "");
        }
        fprintf(fp, "  %-*s %s\n", width, left, t[i].help);
    }
}

#endif
