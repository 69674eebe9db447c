/* cli.c — the interactive device CLI driver (see cli.h). */
#define _GNU_SOURCE  /* memmem */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define TAIL_MAX 512    /* the prompt is on the last line; look no further */
#define SLICE_MS 200    /* how often a wait looks at stop flags and clocks */

struct nr_cli {
    struct nr_ssh *ssh;
    const struct nr_platform *p;
    struct nr_cli_opts o;
    char host[128];     /* from the first prompt's (?<host>) group */
    int learned;
    int privileged;
    int in_config;
    char last_prompt[TAIL_MAX];
    pcre2_match_data *md;
};

enum stop_reason { STOP_PROMPT = 1, STOP_EXTRA = 2 };

/* ---- text clean-up ------------------------------------------------- */

/* Length of an escape sequence at s (ESC already at s[0]); 1 if it is a
 * lone ESC. */
static size_t ansi_len(const char *s, size_t len)
{
    size_t i;

    if (len < 2) {
        return 1;
    }
    if (s[1] == '[') {                      /* CSI ... final byte */
        for (i = 2; i < len; i++) {
            if ((unsigned char)s[i] >= 0x40 && (unsigned char)s[i] <= 0x7e) {
                return i + 1;
            }
        }
        return len;
    }
    if (s[1] == ']') {                      /* OSC ... BEL or ESC \ */
        for (i = 2; i < len; i++) {
            if (s[i] == '\a') {
                return i + 1;
            }
            if (s[i] == 0x1b && i + 1 < len && s[i + 1] == '\\') {
                return i + 2;
            }
        }
        return len;
    }
    if ((s[1] == '(' || s[1] == ')') && len >= 3) {   /* charset */
        return 3;
    }
    return 2;
}

size_t nr_cli__normalize(char *s, size_t len, int strip_ansi)
{
    size_t r = 0, w = 0, line = 0;  /* line: where the current line starts */
    size_t col = 0;                 /* cursor within the current line */
    size_t end = 0;                 /* end of what the line holds */
    int erased = 0;

    /* Write like a terminal would: \r returns to column 0, \b steps back,
     * text overwrites.  Lines that were edited lose the blanks an erase
     * left behind. */
    while (r < len) {
        char c = s[r];

        if (c == 0x1b && strip_ansi) {
            r += ansi_len(s + r, len - r);
            continue;
        }
        if (c == '\r') {
            if (r + 1 < len && s[r + 1] == '\n') {
                r++;
                continue;
            }
            col = 0;
            erased = 1;
            r++;
            continue;
        }
        if (c == '\b') {
            if (col > 0) {
                col--;
            }
            erased = 1;
            r++;
            continue;
        }
        if (c == '\n') {
            w = line + end;
            if (erased) {
                while (w > line && s[w - 1] == ' ') {
                    w--;
                }
            }
            s[w++] = '\n';
            line = w;
            col = end = 0;
            erased = 0;
            r++;
            continue;
        }
        if (c == '\0') {            /* NULs are padding, not text */
            r++;
            continue;
        }
        /* r >= line + col always holds: reading never falls behind. */
        s[line + col] = c;
        col++;
        if (col > end) {
            end = col;
        }
        r++;
    }
    w = line + end;
    if (erased) {
        while (w > line && s[w - 1] == ' ') {
            w--;
        }
    }
    return w;
}

/* ---- secrets ------------------------------------------------------- */

void nr_cli__scrub(const char *const *secrets, size_t n, struct nr_buf *b)
{
    for (size_t i = 0; i < n; i++) {
        const char *sec = secrets[i];
        size_t sl = sec != NULL ? strlen(sec) : 0;
        char *hit;

        /* Very short secrets would mangle ordinary text; they are never
         * echoed by us anyway. */
        if (sl < 4 || b->data == NULL) {
            continue;
        }
        while ((hit = memmem(b->data, b->len, sec, sl)) != NULL) {
            size_t at = (size_t)(hit - b->data);
            size_t stars = sl < 8 ? sl : 8;

            memset(hit, '*', stars);
            memmove(hit + stars, hit + sl, b->len - at - sl + 1);
            b->len -= sl - stars;
        }
    }
}

static void scrub(const struct nr_cli_opts *o, struct nr_buf *b)
{
    nr_cli__scrub(o->secrets, o->nsecrets, b);
}

static void tap(struct nr_cli *c, char dir, const char *data, size_t len)
{
    struct nr_buf b = NR_BUF_INIT(len + 1);

    if (c->o.tap == NULL) {
        return;
    }
    if (nr_buf_add(&b, data, len) == 0) {
        scrub(&c->o, &b);
        c->o.tap(c->o.tap_payload, dir, b.data, b.len);
    }
    nr_buf_dispose(&b);
}

static int send_text(struct nr_cli *c, const char *s, size_t len,
                     int secret, struct nr_err *err)
{
    if (secret) {
        if (c->o.tap != NULL) {
            c->o.tap(c->o.tap_payload, '>', "********", 8);
        }
    } else {
        tap(c, '>', s, len);
    }
    return nr_ssh__write(c->ssh, s, len, err);
}

static int send_line(struct nr_cli *c, const char *line, int secret,
                     struct nr_err *err)
{
    struct nr_buf b = NR_BUF_INIT(1 << 20);
    int rc;

    if (secret) {
        if (send_text(c, line, strlen(line), 1, err) != 0) {
            return -1;
        }
        return send_text(c, c->p->newline, strlen(c->p->newline), 0, err);
    }
    /* One write, so the line and its newline travel in one SSH packet
     * and one TCP segment. */
    if (nr_buf_adds(&b, line) != 0 || nr_buf_adds(&b, c->p->newline) != 0) {
        nr_buf_dispose(&b);
        nr_err_set(err, NR_ERR_LIMIT, "write", "command line too long");
        return -1;
    }
    rc = send_text(c, b.data, b.len, 0, err);
    nr_buf_dispose(&b);
    return rc;
}

/* ---- waiting for the prompt ---------------------------------------- */

/* The unfinished last line, cleaned for matching, into tail. */
static size_t last_line(const struct nr_buf *acc, char *tail, size_t cap,
                        int strip_ansi, size_t *line_start)
{
    size_t start = acc->len, n;

    while (start > 0 && acc->data[start - 1] != '\n' &&
           acc->len - start < cap - 1) {
        start--;
    }
    *line_start = start;
    n = acc->len - start;
    memcpy(tail, acc->data + start, n);
    return nr_cli__normalize(tail, n, strip_ansi);
}

static int prompt_matches(struct nr_cli *c, const char *tail, size_t n)
{
    int rc = pcre2_match(c->p->prompt, (PCRE2_SPTR)tail, n, 0, 0, c->md,
                         nr_re__mctx());
    PCRE2_SIZE *ov;
    size_t hl;

    if (rc < 0) {
        return 0;
    }
    if (c->p->prompt_host_group == 0 ||
        (uint32_t)rc <= c->p->prompt_host_group) {
        return 1;
    }
    ov = pcre2_get_ovector_pointer(c->md);
    if (ov[2 * c->p->prompt_host_group] == PCRE2_UNSET) {
        return 1;
    }
    hl = ov[2 * c->p->prompt_host_group + 1] - ov[2 * c->p->prompt_host_group];
    if (!c->learned || c->in_config) {
        /* Learn the name (again in config mode, where `hostname X`
         * changes it). */
        if (hl < sizeof(c->host)) {
            memcpy(c->host, tail + ov[2 * c->p->prompt_host_group], hl);
            c->host[hl] = '\0';
            c->learned = 1;
        }
        return 1;
    }
    return strlen(c->host) == hl &&
           memcmp(c->host, tail + ov[2 * c->p->prompt_host_group], hl) == 0;
}

/* Read into acc until the prompt (STOP_PROMPT) or extra matches the last
 * line (STOP_EXTRA); pagers and known questions are answered on the way.
 * The prompt line is cut from acc and copied to prompt (if not NULL). */
static int read_until(struct nr_cli *c, struct nr_buf *acc,
                      const pcre2_code *extra, char *prompt, size_t psize,
                      int64_t deadline, int nudge, const char *phase,
                      struct nr_err *err)
{
    char buf[16384], tail[TAIL_MAX];
    int64_t quiet_since = nr_now_ms();
    int nudged = 0;

    for (;;) {
        int64_t left = deadline - nr_now_ms();
        long n;
        size_t tl, ls;
        int k;
        const struct nr_pattern *pg;

        if (c->o.stop != NULL && *c->o.stop) {
            nr_err_set(err, NR_ERR_TIMEOUT, phase, "interrupted");
            return -1;
        }
        if (left <= 0) {
            nr_err_set(err, NR_ERR_TIMEOUT, phase, "no prompt before the "
                       "deadline (%zu bytes read)", acc->len);
            return -1;
        }
        n = nr_ssh__read(c->ssh, buf, sizeof(buf),
                         (int)(left < SLICE_MS ? left : SLICE_MS), err);
        if (n < 0) {
            snprintf(err->op, sizeof(err->op), "%s", phase);
            return -1;
        }
        if (n == 0) {
            /* A device that shows no prompt until it sees a key press
             * gets one newline, once. */
            if (nudge && !nudged && c->o.nudge_ms > 0 &&
                nr_now_ms() - quiet_since >= c->o.nudge_ms) {
                nudged = 1;
                if (send_text(c, c->p->newline, strlen(c->p->newline), 0,
                              err) != 0) {
                    return -1;
                }
            }
            continue;
        }
        quiet_since = nr_now_ms();
        tap(c, '<', buf, (size_t)n);
        if (nr_buf_add(acc, buf, (size_t)n) != 0) {
            nr_err_set(err, NR_ERR_LIMIT, phase, "output larger than %zu "
                       "bytes (--max-output)", acc->max);
            return -1;
        }
        tl = last_line(acc, tail, sizeof(tail), c->p->strip_ansi, &ls);
        if (tl == 0) {
            continue;
        }
        if (extra != NULL && nr_re__search(extra, tail, tl, c->md)) {
            return STOP_EXTRA;
        }
        if (prompt_matches(c, tail, tl)) {
            snprintf(c->last_prompt, sizeof(c->last_prompt), "%.*s", (int)tl,
                     tail);
            if (prompt != NULL) {
                snprintf(prompt, psize, "%.*s", (int)tl, tail);
            }
            acc->len = ls;
            acc->data[ls] = '\0';
            return STOP_PROMPT;
        }
        k = nr_patterns__search(&c->p->pagers, tail, tl, c->md);
        pg = k >= 0 ? &c->p->pagers.v[k] : NULL;
        if (pg == NULL) {
            const struct nr_patterns *gen = nr_platform__generic_pagers();

            k = nr_patterns__search(gen, tail, tl, c->md);
            pg = k >= 0 ? &gen->v[k] : NULL;
        }
        if (pg != NULL) {
            acc->len = ls;          /* cut the pager prompt */
            acc->data[ls] = '\0';
            if (send_text(c, pg->send, pg->send_len, 0, err) != 0) {
                return -1;
            }
            continue;
        }
        k = nr_patterns__search(&c->p->answers, tail, tl, c->md);
        if (k >= 0) {
            if (send_line(c, c->p->answers.v[k].send, 0, err) != 0) {
                return -1;
            }
        }
    }
}

/* Cut the echoed command (first line, when it ends with the command)
 * and clean the text. */
static void finish_output(struct nr_cli *c, struct nr_buf *out,
                          const char *cmd)
{
    const char *nl;
    size_t first, ll, cl;

    if (out->data == NULL) {
        return;
    }
    out->len = nr_cli__normalize(out->data, out->len, c->p->strip_ansi);
    out->data[out->len] = '\0';
    if (cmd != NULL) {
        /* The first line is the echo when it ends with the command (the
         * prompt may come before it); it is all there is when the
         * command printed nothing. */
        nl = memchr(out->data, '\n', out->len);
        first = nl != NULL ? (size_t)(nl - out->data) : out->len;
        cl = strlen(cmd);
        for (ll = first; ll > 0 && out->data[ll - 1] == ' '; ll--) {
        }
        if (ll >= cl && memcmp(out->data + ll - cl, cmd, cl) == 0) {
            size_t cut = nl != NULL ? first + 1 : out->len;

            memmove(out->data, out->data + cut, out->len - cut + 1);
            out->len -= cut;
        }
    }
    scrub(&c->o, out);
}

/* The first line matching an error pattern, as the message. */
static int check_errors(struct nr_cli *c, const struct nr_buf *out,
                        const char *op, struct nr_err *err)
{
    for (size_t i = 0; i < c->p->errors.n; i++) {
        PCRE2_SIZE *ov;
        const char *ls, *le;

        if (out->len == 0 ||
            pcre2_match(c->p->errors.v[i].re, (PCRE2_SPTR)out->data,
                        out->len, 0, 0, c->md, nr_re__mctx()) < 0) {
            continue;
        }
        ov = pcre2_get_ovector_pointer(c->md);
        ls = out->data + ov[0];
        while (ls > out->data && ls[-1] != '\n') {
            ls--;
        }
        le = memchr(ls, '\n', out->len - (size_t)(ls - out->data));
        if (le == NULL) {
            le = out->data + out->len;
        }
        while (ls < le && (*ls == ' ' || *ls == '\t')) {
            ls++;
        }
        nr_err_set(err, NR_ERR_COMMAND, op, "device says: %.*s",
                   (int)(le - ls > 400 ? 400 : le - ls), ls);
        return -1;
    }
    return 0;
}

int nr_cli__command(struct nr_cli *c, const char *cmd, struct nr_buf *out,
                    int64_t deadline, struct nr_err *err)
{
    int rc;

    out->max = c->o.max_output;
    nr_buf_reset(out);
    if (send_line(c, cmd, 0, err) != 0) {
        return -1;
    }
    rc = read_until(c, out, NULL, NULL, 0, deadline, 0, "command", err);
    finish_output(c, out, cmd);
    if (rc < 0) {
        if (err->kind == NR_ERR_TIMEOUT && strcmp(err->msg, "interrupted")) {
            nr_err_set(err, NR_ERR_TIMEOUT, "command", "no prompt after "
                       "'%.100s' in the time allowed (%zu bytes of output "
                       "so far)", cmd, out->len);
        }
        return -1;
    }
    return check_errors(c, out, "command", err);
}

static int is_privileged(const struct nr_cli *c, const char *prompt)
{
    return c->p->privileged == NULL ||
           nr_re__search(c->p->privileged, prompt, strlen(prompt), c->md);
}

/* A step of the login sequence gets step_ms, within the host's time. */
static int64_t step_deadline(const struct nr_cli *c, int64_t deadline)
{
    int64_t d = c->o.step_ms > 0 ? nr_now_ms() + c->o.step_ms : deadline;

    return d < deadline ? d : deadline;
}

static int do_enable(struct nr_cli *c, int64_t deadline, struct nr_err *err)
{
    struct nr_buf acc = NR_BUF_INIT(1 << 20);
    char prompt[TAIL_MAX];
    int rc = -1, r;

    if (send_line(c, c->p->enable, 0, err) != 0) {
        goto out;
    }
    r = read_until(c, &acc, c->p->enable_password, prompt, sizeof(prompt),
                   deadline, 0, "enable", err);
    if (r < 0) {
        goto out;
    }
    if (r == STOP_EXTRA) {
        nr_buf_reset(&acc);
        if (send_line(c, c->o.enable_secret != NULL ? c->o.enable_secret : "",
                      1, err) != 0) {
            goto out;
        }
        r = read_until(c, &acc, c->p->enable_password, prompt,
                       sizeof(prompt), deadline, 0, "enable", err);
        if (r == STOP_EXTRA) {
            /* Asked again: the secret was wrong.  Get back to a prompt. */
            (void)send_line(c, "", 0, err);
            nr_err_set(err, NR_ERR_AUTH, "enable", "enable secret refused");
            goto out;
        }
        if (r < 0) {
            goto out;
        }
    }
    if (!is_privileged(c, prompt)) {
        finish_output(c, &acc, NULL);
        nr_err_set(err, NR_ERR_AUTH, "enable", "still unprivileged after "
                   "enable%s%.200s", acc.len ? ": " : "",
                   acc.len ? acc.data : "");
        goto out;
    }
    c->privileged = 1;
    rc = 0;
out:
    nr_buf_dispose(&acc);
    return rc;
}

int nr_cli__open(struct nr_cli **out, struct nr_ssh *s,
                 const struct nr_platform *p, const struct nr_cli_opts *o,
                 int64_t deadline, struct nr_buf *notes, struct nr_err *err)
{
    struct nr_cli *c = calloc(1, sizeof(*c));
    struct nr_buf acc = NR_BUF_INIT(1 << 20);
    char prompt[TAIL_MAX];
    int rc = -1;

    *out = NULL;
    if (c == NULL || (c->md = pcre2_match_data_create(16, NULL)) == NULL) {
        nr_err_set(err, NR_ERR_LIMIT, "login", "out of memory");
        goto out;
    }
    c->ssh = s;
    c->p = p;
    c->o = *o;
    if (nr_ssh__shell(s, step_deadline(c, deadline), err) != 0) {
        goto out;
    }
    if (read_until(c, &acc, NULL, prompt, sizeof(prompt),
                   step_deadline(c, deadline), 1, "login", err) < 0) {
        if (err->kind == NR_ERR_TIMEOUT && strcmp(err->msg, "interrupted")) {
            char tail[TAIL_MAX];
            size_t ls, tl = acc.len ? last_line(&acc, tail, 80, 1, &ls) : 0;

            /* What the device did say helps fix the profile's prompt. */
            scrub(&c->o, &acc);
            nr_err_set(err, NR_ERR_TIMEOUT, "login", "no prompt matching the "
                       "%s profile after login (%zu bytes read%s%.*s%s)",
                       p->name, acc.len, tl ? ", last: '" : "", (int)tl,
                       tail, tl ? "'" : "");
        }
        goto out;
    }
    c->privileged = is_privileged(c, prompt);
    if (!c->privileged && p->enable != NULL && o->enable_secret != NULL) {
        if (do_enable(c, step_deadline(c, deadline), err) != 0) {
            goto out;
        }
    }
    for (size_t i = 0; i < p->nsetup; i++) {
        struct nr_err e2 = NR_ERR_INIT;

        if (nr_cli__command(c, p->setup[i], &acc, step_deadline(c, deadline),
                            &e2) != 0) {
            if (e2.kind != NR_ERR_COMMAND) {
                *err = e2;
                snprintf(err->op, sizeof(err->op), "setup");
                goto out;
            }
            /* Paging stays on: the pager patterns take over. */
            if (notes != NULL) {
                nr_buf_printf(notes, "%sdevice refused '%s' (%s)",
                              notes->len ? "; " : "", p->setup[i], e2.msg);
            }
        }
    }
    *out = c;
    c = NULL;
    rc = 0;
out:
    nr_buf_dispose(&acc);
    if (c != NULL) {
        pcre2_match_data_free(c->md);
        free(c);
    }
    return rc;
}

/* Send one line in config mode and read to the prompt; errors checked. */
static int config_step(struct nr_cli *c, const char *line, struct nr_buf *all,
                       struct nr_buf *tmp, int64_t deadline,
                       struct nr_err *err)
{
    int rc = nr_cli__command(c, line, tmp, deadline, err);

    nr_buf_printf(all, "%s\n%s%s", line, nr_buf_str(tmp),
                  tmp->len > 0 && tmp->data[tmp->len - 1] != '\n' ? "\n" : "");
    return rc;
}

int nr_cli__config(struct nr_cli *c, const char *const *lines, size_t n,
                   struct nr_buf *out, int64_t deadline, struct nr_err *err)
{
    const struct nr_platform *p = c->p;
    struct nr_buf tmp = NR_BUF_INIT(c->o.max_output);
    struct nr_err e2 = NR_ERR_INIT;
    int rc = -1, failed = 0;

    out->max = c->o.max_output;
    nr_buf_reset(out);
    if (p->config_enter == NULL) {
        nr_err_set(err, NR_ERR_USAGE, "config", "platform %s has no config "
                   "mode", p->name);
        goto out;
    }
    c->in_config = 1;
    if (config_step(c, p->config_enter, out, &tmp, deadline, err) != 0) {
        goto leave;
    }
    /* Sending config lines to an exec prompt would run them as
     * commands: be sure the mode changed. */
    if (p->config_prompt != NULL &&
        !nr_re__search(p->config_prompt, c->last_prompt,
                       strlen(c->last_prompt), c->md)) {
        nr_err_set(err, NR_ERR_COMMAND, "config", "'%s' did not enter "
                   "config mode (prompt '%.80s')", p->config_enter,
                   c->last_prompt);
        c->in_config = 0;
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        if (config_step(c, lines[i], out, &tmp, deadline, err) != 0) {
            if (err->kind == NR_ERR_COMMAND) {
                char msg[sizeof(err->msg) - 64];

                snprintf(msg, sizeof(msg), "%.400s", err->msg);
                nr_err_set(err, NR_ERR_COMMAND, "config", "line %zu '%.60s' "
                           "rejected: %s", i + 1, lines[i], msg);
            }
            failed = 1;
            goto leave;
        }
    }
    if (p->commit != NULL &&
        config_step(c, p->commit, out, &tmp, deadline, err) != 0) {
        if (err->kind == NR_ERR_COMMAND) {
            char msg[sizeof(err->msg) - 32];

            snprintf(msg, sizeof(msg), "%.400s", err->msg);
            nr_err_set(err, NR_ERR_COMMAND, "commit", "commit failed: %s",
                       msg);
        }
        failed = 1;
        goto leave;
    }
    rc = 0;
leave:
    /* Leave config mode whatever happened (unless the session is gone):
     * first throw away what failed, where the platform can. */
    if (err->kind == NR_OK || err->kind == NR_ERR_COMMAND) {
        if (failed && p->config_abort != NULL) {
            (void)config_step(c, p->config_abort, out, &tmp, deadline, &e2);
        }
        if (p->config_exit != NULL &&
            config_step(c, p->config_exit, out, &tmp, deadline, &e2) != 0 &&
            rc == 0) {
            *err = e2;
            rc = -1;
        }
    }
    c->in_config = 0;
out:
    nr_buf_dispose(&tmp);
    return rc;
}

void nr_cli__close(struct nr_cli *c)
{
    if (c == NULL) {
        return;
    }
    /* No `exit`: closing the channel ends the device's session just as
     * well, and saves a round trip per host on large runs. */
    pcre2_match_data_free(c->md);
    free(c);
}
