/* filters.c — the engine's pre-checks against PCRE2 over a corpus: every
 * rule of each case's templates against the lines of that case and of
 * four others; a line a pre-check rejects must be one PCRE2 does not
 * match.  Usage: filters CORPUS_DIR (exit 1 on a wrong rejection). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "textfsm.h"
#include "slurp.h"

#define MAXCASES 4096

static long checks, rejects, undecided, wrong;

static void check_rule(const char *tp, const struct nr_tfsm__rule *ru,
                       const struct nr_tfsm__str *ls, size_t n,
                       pcre2_match_data *md)
{
    size_t li;
    int m;

    for (li = 0; li < n; li++) {
        checks++;
        if (!nr_tfsm__filter_rejects(&ru->re->filt, &ls[li])) {
            continue;
        }
        rejects++;
        m = pcre2_match(ru->re->code, (PCRE2_SPTR)ls[li].p, ls[li].len, 0,
                        PCRE2_NO_UTF_CHECK, md, NULL);
        if (m == PCRE2_ERROR_MATCHLIMIT || m == PCRE2_ERROR_DEPTHLIMIT) {
            undecided++;
        } else if (m != PCRE2_ERROR_NOMATCH) {
            if (wrong++ < 20) {
                fprintf(stderr, "wrongly rejected: %s:%u: %.*s\n", tp,
                        ru->line, (int)ls[li].len, ls[li].p);
            }
        }
    }
}

int main(int argc, char **argv)
{
    static char *raw[MAXCASES];
    static size_t rawlen[MAXCASES];
    static char tpl[MAXCASES][512];
    char line[4096], path[8192], tp[8192];
    char *f[5], *p, *t, *save;
    pcre2_match_data *md = pcre2_match_data_create(256, NULL);
    int nc = 0, c, o, k, first = 1;
    FILE *man;

    if (argc != 2) {
        fprintf(stderr, "usage: filters CORPUS_DIR\n");
        return 2;
    }
    snprintf(path, sizeof(path), "%s/MANIFEST.tsv", argv[1]);
    man = fopen(path, "r");
    if (man == NULL || md == NULL) {
        perror(path);
        return 2;
    }
    while (fgets(line, sizeof(line), man) != NULL && nc < MAXCASES) {
        if (first) {
            first = 0;
            continue;
        }
        line[strcspn(line, "\n")] = '\0';
        for (p = line, k = 0; k < 5 && p != NULL; k++) {
            f[k] = p;
            p = strchr(p, '\t');
            if (p != NULL) {
                *p++ = '\0';
            }
        }
        if (k < 4) {
            continue;
        }
        snprintf(path, sizeof(path), "%s/cases/%s/%s/%s.raw", argv[1], f[0],
                 f[1], f[2]);
        raw[nc] = slurp(path, &rawlen[nc]);
        if (raw[nc] == NULL) {
            perror(path);
            return 2;
        }
        snprintf(tpl[nc], sizeof(tpl[nc]), "%s", f[3]);
        nc++;
    }
    fclose(man);
    for (c = 0; c < nc; c++) {
        for (t = strtok_r(tpl[c], ":", &save); t != NULL;
             t = strtok_r(NULL, ":", &save)) {
            struct nr_tfsm *fsm = NULL;
            struct nr_err err = NR_ERR_INIT;
            snprintf(tp, sizeof(tp), "%s/templates/%s", argv[1], t);
            if (nr_tfsm_load(&fsm, tp, &err) != 0) {
                fprintf(stderr, "%s\n", err.msg);
                return 2;
            }
            for (o = 0; o < 5; o++) {
                int cc = (c + o * 97) % nc;
                char *text;
                struct nr_tfsm__str *ls;
                size_t n, ti, s, r;
                if (nr_tfsm__lines(&text, NULL, &ls, NULL, &n, raw[cc],
                                   rawlen[cc]) != 0) {
                    return 2;
                }
                for (ti = 0; ti < fsm->ntpl; ti++) {
                    const struct nr_tfsm__tpl *T = fsm->tpl[ti];
                    for (s = 0; s < T->nstates; s++) {
                        for (r = 0; r < T->states[s].nrules; r++) {
                            check_rule(tp, &T->states[s].rules[r], ls, n, md);
                        }
                    }
                }
                free(text);
                free(ls);
            }
            nr_tfsm_free(fsm);
        }
    }
    printf("%ld rule-line pairs, %ld rejected before PCRE2, %ld of those "
           "PCRE2 cannot decide in its default limit, %ld wrongly\n",
           checks, rejects, undecided, wrong);
    for (c = 0; c < nc; c++) {
        free(raw[c]);
    }
    pcre2_match_data_free(md);
    return wrong != 0;
}
