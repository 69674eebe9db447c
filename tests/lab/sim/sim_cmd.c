/* sim_cmd.c — what the simulated CLIs understand: command tables per
 * platform, IOS-style abbreviation matching, the platforms' own error
 * messages, output filters (| include ...) and the command handlers. */
#include <ctype.h>
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim_int.h"

#define X (M_USER | M_PRIV)
#define P M_PRIV
#define C M_CONF
#define CS (M_CONF | M_SUB)

static const struct sim_cmd tab_ios[] = {
    { P, "show running-config", A_RUN, NULL, 0 },
    { P, "show startup-config", A_RUN, NULL, 0 },
    { P, "show tech-support", A_TECH, NULL, 0 },
    { X, "terminal length <word>", A_TERMLEN, NULL, 0 },
    { X, "terminal width <word>", A_TERMWIDTH, NULL, 0 },
    { X, "terminal monitor", A_NOP, NULL, 0 },
    { X, "terminal no <line>", A_NOP, NULL, 0 },
    { M_USER, "enable", A_ENABLE, NULL, 0 },
    { P, "enable", A_NOP, NULL, 0 },
    { P, "disable", A_DISABLE, NULL, 0 },
    { X, "exit", A_EXIT, NULL, 0 },
    { X, "logout", A_EXIT, NULL, 0 },
    { P, "configure terminal", A_CONF, NULL, 0 },
    { P, "write memory", A_WRITE, NULL, 0 },
    { P, "write", A_WRITE, NULL, 0 },
    { P, "copy running-config startup-config", A_COPY_RS, NULL, 0 },
    { 0, NULL, A_NOP, NULL, 0 }
};

static const struct sim_cmd tab_nxos[] = {
    { P, "show running-config", A_RUN, NULL, 0 },
    { P, "show startup-config", A_RUN, NULL, 0 },
    { P, "show tech-support", A_TECH, NULL, 0 },
    { P, "terminal length <word>", A_TERMLEN, NULL, 0 },
    { P, "terminal width <word>", A_TERMWIDTH, NULL, 0 },
    { P, "terminal monitor", A_NOP, NULL, 0 },
    { P, "exit", A_EXIT, NULL, 0 },
    { P, "configure [line]", A_CONF, NULL, 0 },
    { P, "copy running-config startup-config", A_WRITE, NULL, 0 },
    { 0, NULL, A_NOP, NULL, 0 }
};

static const struct sim_cmd tab_xr[] = {
    { P, "show running-config", A_RUN, NULL, 0 },
    { P, "show tech-support", A_TECH, NULL, 0 },
    { P, "terminal length <word>", A_TERMLEN, NULL, 0 },
    { P, "terminal width <word>", A_TERMWIDTH, NULL, 0 },
    { P, "terminal exec <line>", A_NOP, NULL, 0 },
    { P, "terminal monitor", A_NOP, NULL, 0 },
    { P, "exit", A_EXIT, NULL, 0 },
    { P, "configure [line]", A_CONF, NULL, 0 },
    { CS, "commit [line]", A_COMMIT, NULL, 0 },
    { CS, "abort", A_ABORT, NULL, 0 },
    { CS, "show configuration", A_SHOW_CAND, NULL, 0 },
    { CS, "show running-config", A_RUN, NULL, 0 },
    { 0, NULL, A_NOP, NULL, 0 }
};

static const struct sim_cmd tab_eos[] = {
    { P, "show running-config", A_RUN, NULL, 0 },
    { P, "show startup-config", A_RUN, NULL, 0 },
    { P, "show tech-support", A_TECH, NULL, 0 },
    { X, "terminal length <word>", A_TERMLEN, NULL, 0 },
    { X, "terminal width <word>", A_TERMWIDTH, NULL, 0 },
    { X, "terminal monitor", A_NOP, NULL, 0 },
    { M_USER, "enable", A_ENABLE, NULL, 0 },
    { P, "enable", A_NOP, NULL, 0 },
    { P, "disable", A_DISABLE, NULL, 0 },
    { X, "exit", A_EXIT, NULL, 0 },
    { X, "logout", A_EXIT, NULL, 0 },
    { P, "configure [line]", A_CONF, NULL, 0 },
    { P, "write memory", A_WRITE, NULL, 0 },
    { P, "copy running-config startup-config", A_WRITE, NULL, 0 },
    { 0, NULL, A_NOP, NULL, 0 }
};

static const struct sim_cmd tab_junos[] = {
    { M_USER, "show configuration [line]", A_RUN, NULL, 0 },
    { M_USER, "request support information", A_TECH, NULL, 0 },
    { M_USER, "set cli screen-length <word>", A_TERMLEN, NULL, 0 },
    { M_USER, "set cli screen-width <word>", A_TERMWIDTH, NULL, 0 },
    { M_USER, "set cli <line>", A_NOP, NULL, 0 },
    { M_USER, "configure [line]", A_CONF, NULL, 0 },
    { M_USER, "exit", A_EXIT, NULL, 0 },
    { M_USER, "quit", A_EXIT, NULL, 0 },
    { C, "set <line>", A_J_SET, NULL, 0 },
    { C, "delete <line>", A_J_DELETE, NULL, 0 },
    { C, "commit check", A_COMMIT_CHECK, NULL, 0 },
    { C, "commit and-quit", A_COMMIT_QUIT, NULL, 0 },
    { C, "commit [line]", A_COMMIT, NULL, 0 },
    { C, "rollback [line]", A_ROLLBACK, NULL, 0 },
    { C, "show [line]", A_SHOW_CAND, NULL, 0 },
    { C, "run <line>", A_DO, NULL, 0 },
    { C, "edit <line>", A_J_EDIT, NULL, 0 },
    { C, "top", A_J_TOP, NULL, 0 },
    { C, "up", A_J_UP, NULL, 0 },
    { C, "exit configuration-mode", A_CFG_EXIT, "all", 0 },
    { C, "exit", A_CFG_EXIT, NULL, 0 },
    { C, "quit", A_CFG_EXIT, NULL, 0 },
    { 0, NULL, A_NOP, NULL, 0 }
};

/* Configuration mode of the Cisco-like CLIs: sub-modes first, so a line
 * both know stays in the sub-mode, as IOS does. */
static const struct sim_cmd tab_conf[] = {
    { CS, "end", A_END, NULL, 0 },
    { CS, "exit", A_CFG_EXIT, NULL, 0 },
    { CS, "do <line>", A_DO, NULL, 0 },
    { C, "interface <line>", A_SECTION, "if", 0 },
    { C, "line <line>", A_SECTION, "line", 0 },
    { C, "router <line>", A_SECTION, "router", 0 },
    { C, "vlan <line>", A_SECTION, "vlan", 0 },
    { C, "hostname <word>", A_HOSTNAME, NULL, 0 },
    { 0, NULL, A_NOP, NULL, 0 }
};

static const char *const sub_words[] = {
    "description", "ip", "ipv4", "ipv6", "no", "shutdown", "switchport",
    "mtu", "speed", "duplex", "channel-group", "spanning-tree", "vrf",
    "encapsulation", "transport", "login", "password", "exec-timeout",
    "network", "neighbor", "router-id", "name", "bandwidth",
    "load-interval", "standby", "cdp", "lldp", "negotiation",
    "service-policy", "access-class", "privilege", "address-family",
    "redistribute", "passive-interface", "area", "mode", "state", NULL
};

static const char *const global_words[] = {
    "no", "ip", "ipv6", "ipv4", "ntp", "logging", "snmp-server", "username",
    "banner", "service", "spanning-tree", "aaa", "access-list", "enable",
    "vrf", "boot", "clock", "cdp", "lldp", "archive", "errdisable", "mac",
    "crypto", "license", "version", "feature", "management", "transceiver",
    "ssh", "domain", "radius-server", "tacacs-server", "alias", "event",
    "daemon", "track", "route-map", "prefix-list", "class-map",
    "policy-map", "control-plane", NULL
};

static const struct sim_cmd *const statics[LABSIM_NPLATFORMS] = {
    [LABSIM_IOS] = tab_ios,
    [LABSIM_NXOS] = tab_nxos,
    [LABSIM_XR] = tab_xr,
    [LABSIM_EOS] = tab_eos,
    [LABSIM_JUNOS] = tab_junos,
};

/* ---- tables ---- */

struct tab {
    struct sim_cmd *c;
    size_t n;
    size_t cap;
};

static int tab_add(struct tab *t, unsigned modes, const char *pat,
                   enum sim_act act, const char *arg, int file, int own)
{
    struct sim_cmd *nc = NULL;
    char *dup = NULL;

    if (t->n == t->cap) {
        t->cap = t->cap == 0 ? 128 : t->cap * 2;
        nc = realloc(t->c, t->cap * sizeof(*nc));
        if (nc == NULL) {
            return -1;
        }
        t->c = nc;
    }
    if (own) {
        dup = strdup(pat);
        if (dup == NULL) {
            return -1;
        }
    }
    t->c[t->n].modes = modes;
    t->c[t->n].pat = own ? dup : pat;
    t->c[t->n].act = act;
    t->c[t->n].arg = arg;
    t->c[t->n].file = own ? -1 - file : file; /* own patterns: file < 0 */
    t->n++;
    return 0;
}

static int add_words(struct tab *t, unsigned modes, const char *const *w)
{
    char pat[96];
    size_t i;

    for (i = 0; w[i] != NULL; i++) {
        snprintf(pat, sizeof(pat), "%s [line]", w[i]);
        if (tab_add(t, modes, pat, A_CFG_LINE, NULL, 0, 1) != 0) {
            return -1;
        }
    }
    return 0;
}

/* Patterns the table allocated are marked by a negative file index
 * (-1 - real index); sim_file_of and sim_tables_free know. */
static int file_of(const struct sim_cmd *c)
{
    return c->file < 0 ? -1 - c->file : c->file;
}

int sim_tables_build(struct labsim_data *d)
{
    struct tab t = { NULL, 0, 0 };
    const struct sim_cmd *st = NULL;
    size_t i;
    int p;

    for (p = 0; p < LABSIM_NPLATFORMS; p++) {
        memset(&t, 0, sizeof(t));
        for (st = statics[p]; st->pat != NULL; st++) {
            if (tab_add(&t, st->modes, st->pat, st->act, st->arg, 0, 0)) {
                goto fail;
            }
        }
        for (i = 0; i < d->nfiles; i++) {
            if (d->files[i].platform == (enum labsim_platform)p &&
                tab_add(&t, p == LABSIM_JUNOS ? M_USER : X,
                        d->files[i].command, A_DATA, NULL, (int)i, 1) != 0) {
                goto fail;
            }
        }
        if (p != LABSIM_JUNOS) {
            for (st = tab_conf; st->pat != NULL; st++) {
                if (tab_add(&t, st->modes, st->pat, st->act, st->arg, 0, 0)) {
                    goto fail;
                }
            }
            if (add_words(&t, M_SUB, sub_words) != 0 ||
                add_words(&t, M_CONF, global_words) != 0) {
                goto fail;
            }
        }
        d->cmds[p] = t.c;
        d->ncmds[p] = t.n;
    }
    return 0;
fail:
    d->cmds[p] = t.c;
    d->ncmds[p] = t.n;
    return -1;
}

void sim_tables_free(struct labsim_data *d)
{
    size_t i;
    int p;

    for (p = 0; p < LABSIM_NPLATFORMS; p++) {
        for (i = 0; i < d->ncmds[p]; i++) {
            if (d->cmds[p][i].file < 0) {
                free((char *)d->cmds[p][i].pat);
            }
        }
        free(d->cmds[p]);
        d->cmds[p] = NULL;
    }
}

/* ---- words and matching ---- */

struct words {
    const char *w[SIM_WORDS_MAX];
    size_t len[SIM_WORDS_MAX];
    size_t off[SIM_WORDS_MAX];
    size_t n;
};

static void split_words(const char *text, size_t end, struct words *ws)
{
    size_t i = 0;

    ws->n = 0;
    while (i < end && ws->n < SIM_WORDS_MAX) {
        while (i < end && (text[i] == ' ' || text[i] == '\t')) {
            i++;
        }
        if (i >= end) {
            break;
        }
        ws->w[ws->n] = text + i;
        ws->off[ws->n] = i;
        while (i < end && text[i] != ' ' && text[i] != '\t') {
            i++;
        }
        ws->len[ws->n] = i - ws->off[ws->n];
        ws->n++;
    }
}

enum { T_NONE, T_KEY, T_WORD, T_LINE, T_OPTLINE };

/* The i-th token of a pattern. */
static int pat_tok(const char *pat, size_t i, const char **tok, size_t *len)
{
    struct words ws;

    split_words(pat, strlen(pat), &ws);
    if (i >= ws.n) {
        return T_NONE;
    }
    *tok = ws.w[i];
    *len = ws.len[i];
    if (strncmp(*tok, "<word>", 6) == 0) {
        return T_WORD;
    }
    if (strncmp(*tok, "<line>", 6) == 0) {
        return T_LINE;
    }
    if (strncmp(*tok, "[line]", 6) == 0) {
        return T_OPTLINE;
    }
    return T_KEY;
}

enum { MR_OK, MR_INVALID, MR_AMBIG, MR_INCOMPLETE };

struct match {
    int kind;
    const struct sim_cmd *cmd;
    size_t word;      /* the word in error */
    size_t argword;   /* first word a placeholder took */
    int has_arg;
    const char *amb[8];
    size_t amb_len[8];
    size_t namb;
};

static void match(const struct labsim *s, const struct words *ws,
                  unsigned modes, struct match *m)
{
    const struct sim_cmd *tab = s->data->cmds[s->plat];
    size_t ntab = s->data->ncmds[s->plat];
    unsigned char *alive = NULL;
    unsigned char *kind = NULL;
    unsigned char *absorb = NULL;
    size_t *argw = NULL;
    const char *tok = NULL;
    size_t tlen = 0;
    size_t i;
    size_t j;
    size_t k;
    int exact;
    int prefix;
    int t;

    memset(m, 0, sizeof(*m));
    m->kind = MR_INVALID;
    alive = calloc(ntab + 1, 1);
    kind = calloc(ntab + 1, 1);
    absorb = calloc(ntab + 1, 1);
    argw = calloc(ntab + 1, sizeof(*argw));
    if (alive == NULL || kind == NULL || absorb == NULL || argw == NULL) {
        goto out;
    }
    for (j = 0; j < ntab; j++) {
        alive[j] = (tab[j].modes & modes) != 0;
        argw[j] = SIZE_MAX;
    }
    for (i = 0; i < ws->n; i++) {
        exact = 0;
        prefix = 0;
        for (j = 0; j < ntab; j++) {
            if (!alive[j]) {
                continue;
            }
            kind[j] = 0;
            if (absorb[j]) {
                kind[j] = 1; /* placeholder */
                continue;
            }
            t = pat_tok(tab[j].pat, i, &tok, &tlen);
            if (t == T_NONE) {
                alive[j] = 0;
            } else if (t != T_KEY) {
                kind[j] = 1;
                absorb[j] = t == T_LINE || t == T_OPTLINE;
                if (argw[j] == SIZE_MAX) {
                    argw[j] = i;
                }
            } else if (ws->len[i] == tlen &&
                       strncasecmp(ws->w[i], tok, tlen) == 0) {
                kind[j] = 3;
                exact = 1;
            } else if (ws->len[i] < tlen &&
                       strncasecmp(ws->w[i], tok, ws->len[i]) == 0) {
                kind[j] = 2;
                prefix = 1;
            } else {
                alive[j] = 0;
            }
        }
        /* An exact keyword beats an abbreviation, a keyword beats an
         * argument; different keywords sharing the prefix are ambiguous. */
        m->namb = 0;
        for (j = 0; j < ntab; j++) {
            if (!alive[j]) {
                continue;
            }
            if ((exact && kind[j] != 3) || (!exact && prefix && kind[j] != 2)) {
                alive[j] = 0;
                continue;
            }
            if (!exact && prefix) {
                pat_tok(tab[j].pat, i, &tok, &tlen);
                for (k = 0; k < m->namb; k++) {
                    if (m->amb_len[k] == tlen &&
                        strncmp(m->amb[k], tok, tlen) == 0) {
                        break;
                    }
                }
                if (k == m->namb && m->namb < 8) {
                    m->amb[m->namb] = tok;
                    m->amb_len[m->namb++] = tlen;
                }
            }
        }
        if (m->namb > 1) {
            m->kind = MR_AMBIG;
            m->word = i;
            goto out;
        }
        for (j = 0; j < ntab && !alive[j]; j++) {
        }
        if (j == ntab) {
            m->kind = MR_INVALID;
            m->word = i;
            goto out;
        }
    }
    for (j = 0; j < ntab; j++) {
        if (!alive[j]) {
            continue;
        }
        t = pat_tok(tab[j].pat, ws->n, &tok, &tlen);
        if (t == T_NONE || t == T_OPTLINE ||
            (absorb[j] && argw[j] < ws->n)) {
            m->kind = MR_OK;
            m->cmd = &tab[j];
            m->argword = argw[j];
            m->has_arg = argw[j] < ws->n;
            goto out;
        }
    }
    m->kind = MR_INCOMPLETE;
    m->word = ws->n;
out:
    free(alive);
    free(kind);
    free(absorb);
    free(argw);
}

/* ---- prompts and errors ---- */

void sim_prompt(const struct labsim *s, struct nr_buf *b)
{
    const char *user = s->dev->user[0] != '\0' ? s->dev->user : "admin";

    if (s->plat == LABSIM_JUNOS) {
        nr_buf_printf(b, "%s@%s%s", user, s->hostname,
                      (s->mode & (M_CONF | M_SUB)) ? "# " : "> ");
        return;
    }
    if (s->plat == LABSIM_XR) {
        nr_buf_adds(b, "RP/0/RSP0/CPU0:");
    }
    nr_buf_adds(b, s->hostname);
    switch (s->mode) {
    case M_USER:
        nr_buf_adds(b, ">");
        break;
    case M_CONF:
        nr_buf_adds(b, "(config)#");
        break;
    case M_SUB:
        nr_buf_printf(b, "(config-%s)#", s->submode);
        break;
    default:
        nr_buf_adds(b, "#");
        break;
    }
}

static size_t prompt_len(const struct labsim *s)
{
    struct nr_buf b = NR_BUF_INIT(SIM_LINE_MAX * 2);
    size_t n;

    sim_prompt(s, &b);
    n = b.len;
    nr_buf_dispose(&b);
    return n;
}

static int caret(struct nr_buf *r, size_t col)
{
    return nr_buf_printf(r, "%*s^\n", (int)col, "");
}

/* The platform's error for a line that did not match. base is where text
 * starts in the line the user typed (after "do "). */
static int error_out(struct labsim *s, const struct match *m,
                     const struct words *ws, const char *text, size_t base,
                     struct nr_buf *r)
{
    size_t col = prompt_len(s) + base;
    size_t end = ws->n > 0 ? ws->off[ws->n - 1] + ws->len[ws->n - 1] : 0;
    size_t at = m->word < ws->n ? ws->off[m->word] : end + 1;
    size_t i;
    int rc = 0;

    s->pend_err = 1;
    s->status = 1;
    switch (s->plat) {
    case LABSIM_EOS:
        return nr_buf_adds(r, m->kind == MR_INVALID ? "% Invalid input\n"
                              : m->kind == MR_INCOMPLETE
                                  ? "% Incomplete command\n"
                                  : "% Ambiguous command\n");
    case LABSIM_NXOS:
        rc = caret(r, col + at);
        return rc ? rc
                  : nr_buf_printf(r, "%% %s command at '^' marker.\n",
                                  m->kind == MR_INVALID      ? "Invalid"
                                  : m->kind == MR_INCOMPLETE ? "Incomplete"
                                                             : "Ambiguous");
    case LABSIM_JUNOS:
        rc = caret(r, col + at);
        if (rc != 0 || m->kind == MR_INVALID) {
            return rc ? rc
                      : nr_buf_adds(r, m->word == 0 ? "unknown command.\n"
                                                    : "syntax error.\n");
        }
        if (m->kind == MR_INCOMPLETE) {
            return nr_buf_adds(r, "syntax error, expecting <command>.\n");
        }
        rc = nr_buf_printf(r, "'%.*s' is ambiguous.\nPossible completions:\n",
                           (int)ws->len[m->word], ws->w[m->word]);
        for (i = 0; rc == 0 && i < m->namb; i++) {
            rc = nr_buf_printf(r, "  %.*s\n", (int)m->amb_len[i], m->amb[i]);
        }
        return rc;
    default:
        if (m->kind == MR_INVALID) {
            rc = caret(r, col + at);
            return rc ? rc
                      : nr_buf_adds(r, "% Invalid input detected at '^' "
                                       "marker.\n\n");
        }
        if (m->kind == MR_INCOMPLETE) {
            return nr_buf_adds(r, "% Incomplete command.\n\n");
        }
        return nr_buf_printf(r, "%% Ambiguous command:  \"%.*s\"\n",
                             (int)(ws->off[m->word] + ws->len[m->word]), text);
    }
}

/* ---- output filters ---- */

enum { F_INCLUDE, F_EXCLUDE, F_BEGIN, F_SECTION, F_COUNT, F_NOMORE,
       F_DISPLAY_SET, F_BAD };

struct filter {
    int kind;
    regex_t re;
    int has_re;
    size_t off;       /* of the filter word, for the caret */
};

static int filter_kind(const struct labsim *s, const char *w, size_t n)
{
    static const char *const cisco[] = { "include", "exclude", "begin",
                                         "section", "count", NULL };
    static const int cisco_k[] = { F_INCLUDE, F_EXCLUDE, F_BEGIN, F_SECTION,
                                   F_COUNT };
    static const char *const junos[] = { "match", "except", "count",
                                         "no-more", "display", NULL };
    static const int junos_k[] = { F_INCLUDE, F_EXCLUDE, F_COUNT, F_NOMORE,
                                   F_DISPLAY_SET };
    const char *const *names = s->plat == LABSIM_JUNOS ? junos : cisco;
    const int *kinds = s->plat == LABSIM_JUNOS ? junos_k : cisco_k;
    int found = F_BAD;
    size_t i;

    for (i = 0; names[i] != NULL; i++) {
        if (n > 0 && n <= strlen(names[i]) &&
            strncasecmp(w, names[i], n) == 0) {
            if (found != F_BAD) {
                return F_BAD;
            }
            found = kinds[i];
        }
    }
    return found;
}

static int regex_matches(const struct filter *f, const char *line, size_t n)
{
    char buf[SIM_LINE_MAX * 4];

    if (n >= sizeof(buf)) {
        n = sizeof(buf) - 1;
    }
    memcpy(buf, line, n);
    buf[n] = '\0';
    return regexec(&f->re, buf, 0, NULL, 0) == 0;
}

/* Run the filters over the output in r. */
static int apply_filters(struct labsim *s, struct filter *fs, size_t nf,
                         struct nr_buf *r)
{
    struct nr_buf o = NR_BUF_INIT(SIM_RESULT_MAX);
    const char *p = NULL;
    const char *nl = NULL;
    size_t len;
    size_t i;
    size_t count;
    int begun;
    int in_sec;
    int keep;
    int rc = -1;

    for (i = 0; i < nf; i++) {
        if (fs[i].kind == F_NOMORE || fs[i].kind == F_DISPLAY_SET) {
            continue;
        }
        nr_buf_reset(&o);
        p = nr_buf_str(r);
        count = 0;
        begun = 0;
        in_sec = 0;
        while (*p != '\0') {
            nl = strchr(p, '\n');
            len = nl != NULL ? (size_t)(nl - p) : strlen(p);
            keep = 0;
            switch (fs[i].kind) {
            case F_INCLUDE:
                keep = regex_matches(&fs[i], p, len);
                break;
            case F_EXCLUDE:
                keep = !regex_matches(&fs[i], p, len);
                break;
            case F_BEGIN:
                begun = begun || regex_matches(&fs[i], p, len);
                keep = begun;
                break;
            case F_SECTION:
                if (p[0] != ' ') {
                    in_sec = regex_matches(&fs[i], p, len);
                }
                keep = in_sec;
                break;
            default:
                count += !fs[i].has_re || regex_matches(&fs[i], p, len);
                break;
            }
            if (keep &&
                (nr_buf_add(&o, p, len) != 0 || nr_buf_addc(&o, '\n') != 0)) {
                goto out;
            }
            p += len + (nl != NULL);
        }
        if (fs[i].kind == F_COUNT &&
            nr_buf_printf(&o, s->plat == LABSIM_JUNOS ? "Count: %zu lines\n"
                                                      : "Number of lines which "
                                                        "match regexp = %zu\n",
                          count) != 0) {
            goto out;
        }
        nr_buf_reset(r);
        if (nr_buf_add(r, nr_buf_str(&o), o.len) != 0) {
            goto out;
        }
    }
    rc = 0;
out:
    nr_buf_dispose(&o);
    return rc;
}

/* ---- handlers ---- */

static const struct sim_file *cmd_file(const struct labsim *s,
                                       const struct sim_cmd *c)
{
    int i = file_of(c);

    return (size_t)i < s->data->nfiles ? &s->data->files[i] : NULL;
}

static const struct sim_file *find_file(const struct labsim *s,
                                        const char *command)
{
    size_t i;

    for (i = 0; i < s->data->nfiles; i++) {
        if (s->data->files[i].platform == s->plat &&
            strcmp(s->data->files[i].command, command) == 0) {
            return &s->data->files[i];
        }
    }
    return NULL;
}

static void make_huge(struct labsim *s, const struct nr_buf *r)
{
    if (r->len > 0) {
        s->pend_reps = s->dev->huge_bytes / r->len + 1;
    }
}

static int do_tech(struct labsim *s, struct nr_buf *r)
{
    static const char *const parts[] = { "show version", "show interfaces",
                                         "show interface", NULL };
    const struct sim_file *f = NULL;
    size_t i;

    for (i = 0; parts[i] != NULL; i++) {
        f = find_file(s, parts[i]);
        if (f == NULL) {
            continue;
        }
        if (nr_buf_printf(r, "\n------------------ %s ------------------\n\n",
                          parts[i]) != 0 ||
            nr_buf_add(r, f->text, f->len) != 0) {
            return -1;
        }
    }
    if (nr_buf_adds(r, "\n------------------ show running-config "
                       "------------------\n\n") != 0 ||
        sim_cfg_render(s, &s->run, r, 1) != 0) {
        return -1;
    }
    if (s->dev->faults & LABSIM_F_HUGE) {
        make_huge(s, r);
    }
    return 0;
}

/* The configuration a Cisco-like line changes: XR edits a candidate. */
static struct sim_cfg *target(struct labsim *s)
{
    return s->plat == LABSIM_XR ? &s->cand : &s->run;
}

static void leave_config(struct labsim *s)
{
    s->mode = M_PRIV;
    s->section[0] = '\0';
    s->edit[0] = '\0';
    if (s->plat == LABSIM_JUNOS) {
        s->mode = M_USER;
    }
    if (s->cand_open) {
        sim_cfg_dispose(&s->cand);
        s->cand_open = 0;
    }
    if (s->dirty) {
        sim_cfg_save(s);
        s->dirty = 0;
    }
}

static int commit(struct labsim *s)
{
    if (sim_cfg_copy(&s->run, &s->cand) != 0) {
        return -1;
    }
    s->last_change = time(NULL);
    sim_cfg_find_hostname(s, &s->run);
    sim_cfg_save(s);
    s->dirty = 0;
    return 0;
}

static int open_candidate(struct labsim *s)
{
    if (s->cand_open) {
        return 0;
    }
    if (sim_cfg_copy(&s->cand, &s->run) != 0) {
        return -1;
    }
    s->cand_open = 1;
    return 0;
}

/* Exit from configuration mode, or the question first when XR/Junos have
 * uncommitted changes. */
static int ask_or_leave(struct labsim *s, struct nr_buf *r)
{
    if (s->plat == LABSIM_XR && s->cand_open &&
        !sim_cfg_equal(&s->cand, &s->run)) {
        s->ask = Q_XR_EXIT;
        return nr_buf_adds(r, "Uncommitted changes found, commit them before "
                              "exiting(yes/no/cancel)? [cancel]:");
    }
    if (s->plat == LABSIM_JUNOS) {
        if (s->cand_open && !sim_cfg_equal(&s->cand, &s->run)) {
            s->ask = Q_J_EXIT;
            return nr_buf_adds(r, "The configuration has been changed but "
                                  "not committed\nExit with uncommitted "
                                  "changes? [yes,no] (yes) ");
        }
        leave_config(s);
        return nr_buf_adds(r, "Exiting configuration mode\n");
    }
    leave_config(s);
    return 0;
}

/* "int gi0/1" is stored as "interface gi0/1": the keyword in full. */
static int full_line(const struct sim_cmd *c, const char *arg, char *buf,
                     size_t len)
{
    size_t k = strcspn(c->pat, " ");

    if (arg != NULL && arg[0] != '\0') {
        return snprintf(buf, len, "%.*s %s", (int)k, c->pat, arg) >= (int)len;
    }
    return snprintf(buf, len, "%.*s", (int)k, c->pat) >= (int)len;
}

static void set_submode(struct labsim *s, const struct sim_cmd *c,
                        const char *arg)
{
    size_t d;

    if (s->plat == LABSIM_EOS && strcmp(c->arg, "if") == 0) {
        /* EOS names the interface: (config-if-Et1) */
        d = strcspn(arg, "0123456789");
        snprintf(s->submode, sizeof(s->submode), "if-%.2s%s", arg,
                 arg[d] != '\0' ? arg + d : "");
        return;
    }
    snprintf(s->submode, sizeof(s->submode), "%s", c->arg);
}

static int parse_len(const char *arg, unsigned max, unsigned *out)
{
    char *end = NULL;
    unsigned long v;

    if (arg == NULL || !isdigit((unsigned char)arg[0])) {
        return -1;
    }
    errno = 0;
    v = strtoul(arg, &end, 10);
    if (errno != 0 || (*end != '\0' && *end != ' ') || v > max) {
        return -1;
    }
    *out = (unsigned)v;
    return 0;
}

static int run_cmd(struct labsim *s, const char *text, size_t base,
                   struct nr_buf *r);

static int handle(struct labsim *s, const struct match *m,
                  const struct words *ws, const char *text, size_t base,
                  struct nr_buf *r)
{
    const struct sim_cmd *c = m->cmd;
    const struct sim_file *f = NULL;
    const char *arg = m->has_arg ? text + ws->off[m->argword] : NULL;
    char line[SIM_LINE_MAX];
    unsigned v = 0;
    unsigned saved;
    struct match bad;
    int rc = 0;

    switch (c->act) {
    case A_NOP:
        return 0;
    case A_DATA:
        f = cmd_file(s, c);
        if (f == NULL || nr_buf_add(r, f->text, f->len) != 0) {
            return -1;
        }
        if ((s->dev->faults & LABSIM_F_HUGE) && s->dev->huge_all) {
            make_huge(s, r);
        }
        return 0;
    case A_RUN:
        return sim_cfg_render(s, &s->run, r, 1);
    case A_TECH:
        return do_tech(s, r);
    case A_TERMLEN:
    case A_TERMWIDTH:
        if (c->act == A_TERMLEN && (s->dev->faults & LABSIM_F_NOPAGE)) {
            /* this device knows no way to turn paging off */
            memset(&bad, 0, sizeof(bad));
            bad.kind = MR_INVALID;
            bad.word = s->plat == LABSIM_JUNOS ? 2 : 1;
            return error_out(s, &bad, ws, text, base, r);
        }
        if (parse_len(arg, s->plat == LABSIM_JUNOS ? 100000 : 32767, &v)) {
            memset(&bad, 0, sizeof(bad));
            bad.kind = MR_INVALID;
            bad.word = m->argword;
            return error_out(s, &bad, ws, text, base, r);
        }
        if (c->act == A_TERMLEN) {
            s->term_len = v;
        } else {
            s->term_width = v;
        }
        if (s->plat == LABSIM_JUNOS) {
            return nr_buf_printf(r, "Screen %s set to %u\n",
                                 c->act == A_TERMLEN ? "length" : "width", v);
        }
        if (s->plat == LABSIM_EOS && c->act == A_TERMLEN && v == 0) {
            return nr_buf_adds(r, "Pagination disabled.\n");
        }
        return 0;
    case A_ENABLE:
        if (s->dev->enable_secret == NULL) {
            s->mode = M_PRIV;
            return 0;
        }
        s->ask = Q_ENABLE;
        s->tries = 0;
        return nr_buf_adds(r, "Password: ");
    case A_DISABLE:
        s->mode = M_USER;
        return 0;
    case A_EXIT:
        s->closing = 1;
        return 0;
    case A_CONF:
        s->mode = M_CONF;
        s->section[0] = '\0';
        s->edit[0] = '\0';
        if (s->plat == LABSIM_XR || s->plat == LABSIM_JUNOS) {
            if (open_candidate(s) != 0) {
                return -1;
            }
        }
        if (s->plat == LABSIM_IOS) {
            return nr_buf_adds(r, "Enter configuration commands, one per "
                                  "line.  End with CNTL/Z.\n");
        }
        if (s->plat == LABSIM_NXOS) {
            return nr_buf_adds(r, "Enter configuration commands, one per "
                                  "line. End with CNTL/Z.\n");
        }
        if (s->plat == LABSIM_JUNOS) {
            return nr_buf_adds(r, "Entering configuration mode\n");
        }
        return 0;
    case A_END:
        return ask_or_leave(s, r);
    case A_CFG_EXIT:
        if (s->mode == M_SUB) {
            s->mode = M_CONF;
            s->section[0] = '\0';
            return 0;
        }
        if (s->plat == LABSIM_JUNOS && s->edit[0] != '\0' && c->arg == NULL) {
            s->edit[0] = '\0';
            return 0;
        }
        return ask_or_leave(s, r);
    case A_DO:
        saved = s->mode;
        s->mode = s->plat == LABSIM_JUNOS ? M_USER : M_PRIV;
        rc = run_cmd(s, arg, base + ws->off[m->argword], r);
        /* a "do exit" must not leave configuration mode this way */
        s->closing = 0;
        s->mode = saved;
        return rc;
    case A_SECTION:
        if (full_line(c, arg, line, sizeof(line)) != 0 ||
            sim_cfg_apply(s, target(s), "", line) != 0) {
            return -1;
        }
        s->dirty = s->plat != LABSIM_XR;
        memcpy(s->section, line, sizeof(s->section));
        set_submode(s, c, arg);
        s->mode = M_SUB;
        return 0;
    case A_HOSTNAME:
        if (full_line(c, arg, line, sizeof(line)) != 0 ||
            sim_cfg_apply(s, target(s), "", line) != 0) {
            return -1;
        }
        if (s->plat != LABSIM_XR) {
            snprintf(s->hostname, sizeof(s->hostname), "%s", arg);
            s->dirty = 1;
        }
        return 0;
    case A_CFG_LINE:
        if (s->mode == M_SUB && !(c->modes & M_SUB)) {
            s->mode = M_CONF;
            s->section[0] = '\0';
        }
        if (full_line(c, arg, line, sizeof(line)) != 0 ||
            sim_cfg_apply(s, target(s), s->mode == M_SUB ? s->section : "",
                          line) != 0) {
            return -1;
        }
        s->dirty = s->plat != LABSIM_XR;
        return 0;
    case A_COMMIT:
    case A_COMMIT_QUIT:
        if (s->plat == LABSIM_XR && sim_cfg_equal(&s->cand, &s->run)) {
            return nr_buf_adds(r, "% No configuration changes to commit.\n");
        }
        if (commit(s) != 0) {
            return -1;
        }
        if (s->plat != LABSIM_JUNOS) {
            return 0;
        }
        if (c->act == A_COMMIT_QUIT) {
            leave_config(s);
            return nr_buf_adds(r, "commit complete\nExiting configuration "
                                  "mode\n");
        }
        return nr_buf_adds(r, "commit complete\n");
    case A_COMMIT_CHECK:
        return nr_buf_adds(r, "configuration check succeeds\n");
    case A_ABORT:
        leave_config(s);
        return 0;
    case A_ROLLBACK:
        if (sim_cfg_copy(&s->cand, &s->run) != 0) {
            return -1;
        }
        return nr_buf_adds(r, "load complete\n");
    case A_SHOW_CAND:
        if (s->plat == LABSIM_JUNOS) {
            return sim_cfg_render(s, &s->cand, r, 0);
        }
        return nr_buf_adds(r, "Building configuration...\n"
                              "!! IOS XR Configuration 7.9.2\n") ||
               sim_cfg_diff(&s->cand, &s->run, r) || nr_buf_adds(r, "end\n");
    case A_J_SET:
    case A_J_DELETE:
        if (snprintf(line, sizeof(line), "%s%s%s", s->edit,
                     s->edit[0] != '\0' ? " " : "", arg) >= (int)sizeof(line)) {
            return -1;
        }
        if (c->act == A_J_SET) {
            return sim_cfg_junos_set(&s->cand, line);
        }
        if (sim_cfg_junos_delete(&s->cand, line) == 0) {
            return nr_buf_adds(r, "warning: statement not found\n");
        }
        return 0;
    case A_J_EDIT:
        if (snprintf(line, sizeof(line), "%s%s%s", s->edit,
                     s->edit[0] != '\0' ? " " : "", arg) >= (int)sizeof(line)) {
            return -1;
        }
        memcpy(s->edit, line, sizeof(s->edit));
        return 0;
    case A_J_TOP:
        s->edit[0] = '\0';
        return 0;
    case A_J_UP: {
        char *sp = strrchr(s->edit, ' ');

        if (sp != NULL) {
            *sp = '\0';
        } else {
            s->edit[0] = '\0';
        }
        return 0;
    }
    case A_WRITE:
        if (s->plat == LABSIM_NXOS) {
            return nr_buf_adds(r, "[########################################] "
                                  "100%\nCopy complete, now saving to disk "
                                  "(please wait)...\nCopy complete.\n");
        }
        if (s->plat == LABSIM_EOS) {
            return nr_buf_adds(r, "Copy completed successfully.\n");
        }
        return nr_buf_adds(r, "Building configuration...\n[OK]\n");
    case A_COPY_RS:
        s->ask = Q_COPY_DEST;
        return nr_buf_adds(r, "Destination filename [startup-config]? ");
    }
    return 0;
}

/* The next '|' outside double quotes, or NULL. */
static const char *next_bar(const char *p)
{
    int q = 0;

    for (; *p != '\0'; p++) {
        if (*p == '"') {
            q = !q;
        } else if (*p == '|' && !q) {
            return p;
        }
    }
    return NULL;
}

static int bad_filter(struct labsim *s, const char *text, size_t base,
                      const char *at, struct nr_buf *r)
{
    struct words ws;
    struct match bad;

    split_words(text, strlen(text), &ws);
    memset(&bad, 0, sizeof(bad));
    bad.kind = MR_INVALID;
    while (bad.word < ws.n && ws.w[bad.word] < at) {
        bad.word++;
    }
    return error_out(s, &bad, &ws, text, base, r) != 0 ? -1 : 1;
}

/* Split "cmd | filter | filter" and compile the filters. On IOS-like
 * CLIs a filter's regular expression is the rest of the line ('|'
 * included); Junos separates filters by '|' outside quotes. Returns 0,
 * 1 when error output was produced instead, -1 on failure. */
static int parse_filters(struct labsim *s, const char *text, size_t base,
                         struct filter *fs, size_t *nf, size_t max,
                         struct nr_buf *r, size_t *cmdlen)
{
    const char *bar = next_bar(text);
    const char *p = NULL;
    const char *end = NULL;
    struct words ws;
    char re[SIM_LINE_MAX];
    struct filter *f = NULL;
    size_t rl;
    int flags;

    *nf = 0;
    *cmdlen = bar != NULL ? (size_t)(bar - text) : strlen(text);
    while (bar != NULL && *nf < max) {
        p = bar + 1;
        bar = s->plat == LABSIM_JUNOS ? next_bar(p) : NULL;
        end = bar != NULL ? bar : p + strlen(p);
        split_words(p, (size_t)(end - p), &ws);
        f = &fs[*nf];
        memset(f, 0, sizeof(*f));
        f->kind = ws.n > 0 ? filter_kind(s, ws.w[0], ws.len[0]) : F_BAD;
        if (f->kind == F_DISPLAY_SET &&
            (ws.n < 2 || strncmp(ws.w[1], "set", ws.len[1]) != 0)) {
            f->kind = F_BAD;
        }
        if (f->kind == F_BAD ||
            (ws.n < 2 && f->kind != F_COUNT && f->kind != F_NOMORE)) {
            return bad_filter(s, text, base, p + strspn(p, " "), r);
        }
        if (ws.n >= 2 && f->kind != F_NOMORE && f->kind != F_DISPLAY_SET) {
            const char *rs = ws.w[1];

            rl = (size_t)(end - rs);
            while (rl > 0 && rs[rl - 1] == ' ') {
                rl--;
            }
            if (rl >= 2 && rs[0] == '"' && rs[rl - 1] == '"') {
                rs++;
                rl -= 2;
            }
            snprintf(re, sizeof(re), "%.*s", (int)rl, rs);
            flags = REG_EXTENDED | REG_NOSUB;
            if (s->plat == LABSIM_JUNOS) {
                flags |= REG_ICASE;
            }
            if (regcomp(&f->re, re, flags) != 0) {
                s->pend_err = 1;
                s->status = 1;
                return nr_buf_adds(r, "% Invalid regular expression\n") ? -1
                                                                        : 1;
            }
            f->has_re = 1;
        }
        if (f->kind == F_NOMORE) {
            s->no_more = 1;
        }
        if (f->kind == F_DISPLAY_SET) {
            s->display_set = 1;
        }
        (*nf)++;
    }
    return 0;
}

static int run_cmd(struct labsim *s, const char *text, size_t base,
                   struct nr_buf *r)
{
    struct filter fs[8];
    struct words ws;
    struct match m;
    size_t nf = 0;
    size_t cmdlen = strlen(text);
    size_t i;
    unsigned modes = s->mode;
    int rc = -1;
    int pr;

    memset(fs, 0, sizeof(fs));
    /* Filters apply to what a CLI shows: exec commands, do/run, show. */
    if ((s->mode & (M_USER | M_PRIV)) || s->plat == LABSIM_JUNOS ||
        strncasecmp(text + strspn(text, " "), "do ", 3) == 0 ||
        strncasecmp(text + strspn(text, " "), "sh", 2) == 0) {
        pr = parse_filters(s, text, base, fs, &nf, 8, r, &cmdlen);
        if (pr != 0) {
            rc = pr < 0 ? -1 : 0;
            goto out;
        }
    }
    split_words(text, cmdlen, &ws);
    if (ws.n == 0) {
        rc = 0;
        goto out;
    }
    if (s->mode == M_SUB) {
        modes |= M_CONF;
    }
    match(s, &ws, modes, &m);
    if (m.kind != MR_OK) {
        rc = error_out(s, &m, &ws, text, base, r);
        goto out;
    }
    {
        /* the command's own text, without the filters */
        char own[SIM_LINE_MAX * 2];

        snprintf(own, sizeof(own), "%.*s", (int)cmdlen, text);
        while (cmdlen > 0 && own[cmdlen - 1] == ' ') {
            own[--cmdlen] = '\0';
        }
        rc = handle(s, &m, &ws, own, base, r);
    }
    if (rc == 0 && nf > 0) {
        rc = apply_filters(s, fs, nf, r);
    }
out:
    for (i = 0; i < nf; i++) {
        if (fs[i].has_re) {
            regfree(&fs[i].re);
        }
    }
    return rc;
}

int sim_run_line(struct labsim *s, const char *text, struct nr_buf *r)
{
    return run_cmd(s, text, 0, r);
}

static int is_yes(const char *t)
{
    return strcasecmp(t, "yes") == 0 || strcasecmp(t, "y") == 0;
}

static int is_no(const char *t)
{
    return strcasecmp(t, "no") == 0 || strcasecmp(t, "n") == 0;
}

int sim_answer(struct labsim *s, const char *text, struct nr_buf *r)
{
    enum sim_ask q = s->ask;

    s->ask = Q_NONE;
    switch (q) {
    case Q_ENABLE:
        if (s->dev->enable_secret != NULL &&
            strcmp(text, s->dev->enable_secret) == 0) {
            s->mode = M_PRIV;
            return 0;
        }
        s->pend_err = 1;
        if (s->plat == LABSIM_EOS) {
            return nr_buf_adds(r, "% Access denied\n");
        }
        if (++s->tries < 3) {
            s->ask = Q_ENABLE;
            return nr_buf_adds(r, "Password: ");
        }
        return nr_buf_adds(r, "% Bad secrets\n\n");
    case Q_XR_EXIT:
        if (is_yes(text)) {
            if (commit(s) != 0) {
                return -1;
            }
            leave_config(s);
        } else if (is_no(text)) {
            leave_config(s);
        } else if (text[0] != '\0' && strcasecmp(text, "cancel") != 0) {
            s->ask = Q_XR_EXIT;
            return nr_buf_adds(r, "Uncommitted changes found, commit them "
                                  "before exiting(yes/no/cancel)? [cancel]:");
        }
        return 0;
    case Q_J_EXIT:
        if (text[0] == '\0' || is_yes(text)) {
            leave_config(s);
            return nr_buf_adds(r, "Exiting configuration mode\n");
        }
        return 0;
    case Q_COPY_DEST:
        return nr_buf_adds(r, "Building configuration...\n[OK]\n");
    default:
        return 0;
    }
}
