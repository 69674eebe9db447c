/* slurp.h — a whole file into memory, for the benchmark's programs. */
#ifndef BENCH_SLURP_H
#define BENCH_SLURP_H

#include <stdio.h>
#include <stdlib.h>

static char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    char *b = NULL;
    long n;

    if (fp == NULL) {
        return NULL;
    }
    if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) >= 0 &&
        fseek(fp, 0, SEEK_SET) == 0) {
        b = malloc((size_t)n + 1);
        if (b != NULL && fread(b, 1, (size_t)n, fp) != (size_t)n) {
            free(b);
            b = NULL;
        }
        *len = (size_t)n;
    }
    fclose(fp);
    return b;
}

#endif
