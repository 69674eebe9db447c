/* bench.c — the engine over a conformance corpus in one process:
 * template compile time and parse time measured apart, per case and in
 * total.  Usage: bench CORPUS_DIR OUT.tsv  (prints totals to stdout). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "netrun.h"
#include "slurp.h"

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One small template and input of our own, parsed untimed before the
 * corpus, as ref.py does on its side: both libraries' code is then paged
 * in, so the first corpus case does not carry the process's one-time
 * costs (about 180 us of PCRE2 page faults here).  No corpus pattern is
 * compiled, so nothing is cached for the timed cases. */
static const char warm_tpl[] =
    "Value Required NAME (\\S+)\n"
    "Value List ADDR (\\d+\\.\\d+\\.\\d+\\.\\d+)\n"
    "\n"
    "Start\n"
    "  ^\\S -> Continue.Record\n"
    "  ^${NAME}\\s+is\\s+up\\s*$$\n"
    "  ^\\s+address\\s+${ADDR}\\s*$$\n"
    "  ^. -> Error\n";
static const char warm_raw[] = "eth0 is up\n  address 192.0.2.1\n"
                               "eth1 is up\n  address 192.0.2.2\n";

static void warm_up(void)
{
    struct nr_err err = NR_ERR_INIT;
    struct nr_tfsm *fsm = NULL;
    struct nr_tfsm_records *rec = NULL;

    if (nr_tfsm_load_text(&fsm, "warm-up", warm_tpl, strlen(warm_tpl),
                          &err) != 0 ||
        nr_tfsm_parse(&rec, fsm, warm_raw, strlen(warm_raw), &err) != 0) {
        fprintf(stderr, "warm-up: %s\n", err.msg);
        exit(1);
    }
    if (nr_tfsm_records_nrows(rec) != 2) {
        fprintf(stderr, "warm-up: %zu records, not 2\n",
                nr_tfsm_records_nrows(rec));
        exit(1);
    }
    nr_tfsm_records_free(rec);
    nr_tfsm_free(fsm);
}

static size_t count_lines(const char *s, size_t n)
{
    size_t i, k = 0;

    for (i = 0; i < n; i++) {
        k += s[i] == '\n';
    }
    return k + (n > 0 && s[n - 1] != '\n');
}

int main(int argc, char **argv)
{
    char line[4096], path[8192], tpls[16384];
    char *f[5];
    struct nr_tfsm **keep = NULL;
    size_t nkeep = 0;
    double tc = 0, tp = 0, t0, t1, t2;
    size_t bytes = 0, lines = 0, records = 0, ncases = 0;
    FILE *man, *out;
    int first = 1;

    if (argc != 3) {
        fprintf(stderr, "usage: bench CORPUS_DIR OUT.tsv\n");
        return 2;
    }
    warm_up();
    snprintf(path, sizeof(path), "%s/MANIFEST.tsv", argv[1]);
    man = fopen(path, "r");
    out = fopen(argv[2], "w");
    if (man == NULL || out == NULL) {
        perror("bench");
        return 2;
    }
    while (fgets(line, sizeof(line), man) != NULL) {
        struct nr_err err = NR_ERR_INIT;
        struct nr_tfsm *fsm = NULL;
        struct nr_tfsm_records *rec = NULL;
        char *raw, *p, *colon;
        size_t len = 0, k = 0, off = 0;

        if (first) {
            first = 0;
            continue;
        }
        line[strcspn(line, "\n")] = '\0';
        for (p = line; k < 5; k++) {
            f[k] = p;
            p = strchr(p, '\t');
            if (p == NULL) {
                break;
            }
            *p++ = '\0';
        }
        if (k < 4) {
            continue;
        }
        tpls[0] = '\0';
        for (p = f[3]; p != NULL; p = colon) {
            colon = strchr(p, ':');
            if (colon != NULL) {
                *colon++ = '\0';
            }
            off += (size_t)snprintf(tpls + off, sizeof(tpls) - off, "%s%s/"
                                    "templates/%s", off ? ":" : "", argv[1], p);
        }
        snprintf(path, sizeof(path), "%s/cases/%s/%s/%s.raw", argv[1], f[0],
                 f[1], f[2]);
        raw = slurp(path, &len);
        if (raw == NULL) {
            perror(path);
            return 2;
        }
        t0 = now();
        if (nr_tfsm_load(&fsm, tpls, &err) != 0) {
            fprintf(stderr, "%s: %s\n", f[2], err.msg);
            return 1;
        }
        t1 = now();
        if (nr_tfsm_parse(&rec, fsm, raw, len, &err) != 0) {
            fprintf(stderr, "%s: %s\n", f[2], err.msg);
            return 1;
        }
        t2 = now();
        tc += t1 - t0;
        tp += t2 - t1;
        bytes += len;
        lines += count_lines(raw, len);
        records += nr_tfsm_records_nrows(rec);
        ncases++;
        fprintf(out, "%s/%s/%s\t%.9f\t%.9f\t%zu\n", f[0], f[1], f[2],
                t1 - t0, t2 - t1, nr_tfsm_records_nrows(rec));
        nr_tfsm_records_free(rec);
        /* Kept alive to the end, as Python's re cache keeps patterns. */
        keep = realloc(keep, (nkeep + 1) * sizeof(*keep));
        keep[nkeep++] = fsm;
        free(raw);
    }
    printf("%zu cases, %zu bytes, %zu lines, %zu records, compile %.4f s, "
           "parse %.4f s\n", ncases, bytes, lines, records, tc, tp);
    while (nkeep > 0) {
        nr_tfsm_free(keep[--nkeep]);
    }
    free(keep);
    fclose(man);
    fclose(out);
    return 0;
}
