/* sim.c — the simulator's engine: bytes in, echo, line editing, the
 * pager, output streaming and the fault modes.  What a command does is in
 * sim_cmd.c; the configuration model in sim_cfg.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_int.h"

#define ANSI_PROMPT "\033[1;32m"
#define ANSI_TEXT "\033[36m"
#define ANSI_OFF "\033[0m"

static const char *const pagers[LABSIM_NPLATFORMS] = {
    [LABSIM_IOS] = " --More-- ",
    [LABSIM_NXOS] = "--More--",
    [LABSIM_XR] = " --More-- ",
    [LABSIM_EOS] = " --More-- ",
    [LABSIM_JUNOS] = "---(more)---",
};

/* What the garbled fault sprinkles into output lines: invalid UTF-8, a
 * NUL, stray escapes and a lone carriage return. */
static const char *const garbage[] = {
    "\xff\xfe", "\0", "\033[2J", "\xc3\x28", "\033[K", "\xed\xa0\x80",
    "\r",
};
static const size_t garbage_len[] = { 2, 1, 4, 2, 3, 3, 1 };

int sim_time_str(char *buf, size_t len, enum sim_tfmt f, time_t t)
{
    struct tm tm;
    size_t n = 0;

    if (gmtime_r(&t, &tm) != NULL) {
        switch (f) {
        case TF_ISO:
            n = strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", &tm);
            break;
        case TF_IOS:
            n = strftime(buf, len, "%H:%M:%S UTC %a %b %-d %Y", &tm);
            break;
        default:
            n = strftime(buf, len, "%a %b %e %H:%M:%S %Y", &tm);
            break;
        }
    }
    if (n == 0) {
        buf[0] = '\0';
        return -1;
    }
    return 0;
}

int labsim_new(struct labsim **out, const struct labsim_data *data,
               const struct labsim_dev *dev, const char *exec_cmd)
{
    struct labsim *s = NULL;
    int rc = -1;

    *out = NULL;
    s = calloc(1, sizeof(*s));
    if (s == NULL) {
        goto out;
    }
    s->data = data;
    s->dev = dev;
    s->plat = dev->platform;
    s->in = (struct nr_buf)NR_BUF_INIT(SIM_IN_MAX);
    s->out = (struct nr_buf)NR_BUF_INIT(SIM_OUT_MAX);
    s->pend = (struct nr_buf)NR_BUF_INIT(SIM_RESULT_MAX);
    snprintf(s->hostname, sizeof(s->hostname), "%s",
             dev->hostname[0] != '\0' ? dev->hostname : dev->name);
    s->term_len = dev->term_len;
    s->term_width = 80;
    s->last_change = time(NULL);
    if (exec_cmd != NULL) {
        s->exec = 1;
        s->exec_cmd = strdup(exec_cmd);
        if (s->exec_cmd == NULL) {
            goto out;
        }
    }
    /* IOS without an enable secret lands privileged, as a vty with
     * privilege level 15 does; EOS always starts at HOST>. */
    if (s->plat == LABSIM_JUNOS) {
        s->mode = M_USER;
    } else if (s->plat == LABSIM_NXOS || s->plat == LABSIM_XR || s->exec ||
               (s->plat == LABSIM_IOS && dev->enable_secret == NULL)) {
        s->mode = M_PRIV;
    } else {
        s->mode = M_USER;
    }
    if (sim_cfg_load(s) != 0) {
        goto out;
    }
    *out = s;
    s = NULL;
    rc = 0;
out:
    labsim_free(s);
    return rc;
}

void labsim_free(struct labsim *s)
{
    if (s == NULL) {
        return;
    }
    if (s->dirty) {
        sim_cfg_save(s);
    }
    free(s->exec_cmd);
    nr_buf_dispose(&s->in);
    nr_buf_dispose(&s->out);
    nr_buf_dispose(&s->pend);
    sim_cfg_dispose(&s->run);
    sim_cfg_dispose(&s->cand);
    explicit_bzero(s->line, sizeof(s->line));
    free(s);
}

int labsim_feed(struct labsim *s, const void *p, size_t n)
{
    /* Drop what was already consumed before growing the queue. */
    if (s->in_off > 0 && s->in_off == s->in.len) {
        nr_buf_reset(&s->in);
        s->in_off = 0;
    }
    return nr_buf_add(&s->in, p, n);
}

void labsim_eof(struct labsim *s)
{
    s->in_eof = 1;
}

uint64_t labsim_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int labsim_exit_status(const struct labsim *s)
{
    /* a shell left with "exit" ends well, whatever failed on the way */
    return s->exec ? s->status : 0;
}

static void put(struct labsim *s, const char *p, size_t n)
{
    /* The ceiling is far above what one step produces; a failure here
     * can only mean memory ran out, and the session then ends. */
    if (nr_buf_add(&s->out, p, n) != 0) {
        s->st = S_DROP;
    }
}

static void puts_(struct labsim *s, const char *p)
{
    put(s, p, strlen(p));
}

static void show_prompt(struct labsim *s)
{
    struct nr_buf p = NR_BUF_INIT(SIM_LINE_MAX * 2);

    sim_prompt(s, &p);
    if (s->dev->faults & LABSIM_F_ANSI) {
        puts_(s, ANSI_PROMPT);
        put(s, nr_buf_str(&p), p.len);
        puts_(s, ANSI_OFF);
    } else {
        put(s, nr_buf_str(&p), p.len);
    }
    nr_buf_dispose(&p);
}

/* The command's output is all out: prompt, question or the end. */
static void finish(struct labsim *s)
{
    int had_output = s->pend.len > 0;

    nr_buf_reset(&s->pend);
    s->pend_off = 0;
    s->pend_reps = 0;
    s->no_more = 0;
    s->display_set = 0;
    if (s->exec || s->closing) {
        s->st = S_EXIT;
        return;
    }
    if (s->ask != Q_NONE) {
        s->st = s->ask == Q_ENABLE ? S_SECRET : S_CONFIRM;
        return;
    }
    if (s->plat == LABSIM_JUNOS) {
        if (s->mode & (M_CONF | M_SUB)) {
            puts_(s, "\r\n[edit");
            if (s->edit[0] != '\0') {
                puts_(s, " ");
                puts_(s, s->edit);
            }
            puts_(s, "]\r\n");
        } else if (had_output) {
            puts_(s, "\r\n");
        }
    }
    show_prompt(s);
    s->st = S_LINE;
}

/* Hand a command's output (r, emptied) to the streamer. */
static void begin_output(struct labsim *s, struct nr_buf *r, int think)
{
    struct nr_buf t = s->pend;

    s->pend = *r;
    *r = t;
    nr_buf_reset(r);
    s->pend_off = 0;
    s->pend_sent = 0;
    if (s->pend_reps == 0) {
        s->pend_reps = 1;
    }
    s->pend_total = s->pend.len * s->pend_reps;
    s->page_lines = 0;
    s->pend_paged = !s->exec && !s->no_more && s->term_len > 0;
    if (think && (s->dev->faults & LABSIM_F_SLOW)) {
        s->ready_at = s->now + s->dev->slow_ms;
        s->st = S_THINK;
    } else {
        s->st = S_OUTPUT;
    }
}

static void pager_erase(struct labsim *s)
{
    size_t n = strlen(pagers[s->plat]);
    size_t i;

    if (s->plat == LABSIM_JUNOS) {
        puts_(s, "\r");
        for (i = 0; i < n + 8; i++) {
            puts_(s, " ");
        }
        puts_(s, "\r");
        return;
    }
    for (i = 0; i < n; i++) {
        puts_(s, "\b");
    }
    for (i = 0; i < n; i++) {
        puts_(s, " ");
    }
    for (i = 0; i < n; i++) {
        puts_(s, "\b");
    }
}

static void show_pager(struct labsim *s)
{
    char pct[32];

    if (s->plat == LABSIM_JUNOS && s->pend_reps <= 1 && s->pend_total > 0) {
        snprintf(pct, sizeof(pct), "---(more %zu%%)---",
                 s->pend_sent * 100 / s->pend_total);
        puts_(s, pct);
    } else {
        puts_(s, pagers[s->plat]);
    }
    s->st = S_PAGER;
}

static void emit_line(struct labsim *s, const char *t, size_t clen, int nl)
{
    unsigned f = s->dev->faults;
    size_t g;

    if (s->pend_err) {
        f = 0;
    }
    if (f & LABSIM_F_ANSI) {
        puts_(s, ANSI_TEXT);
    }
    if ((f & LABSIM_F_GARBLED) && (s->garble_n++ % 4) == 1) {
        g = (s->garble_n / 4) % (sizeof(garbage_len) / sizeof(garbage_len[0]));
        put(s, garbage[g], garbage_len[g]);
        put(s, t, clen / 2);
        put(s, garbage[(g + 3) % 7], garbage_len[(g + 3) % 7]);
        put(s, t + clen / 2, clen - clen / 2);
    } else {
        put(s, t, clen);
    }
    if (f & LABSIM_F_ANSI) {
        puts_(s, ANSI_OFF);
    }
    if (nl) {
        puts_(s, "\r\n");
    }
}

/* Stream a slice of the pending output: lines get CR LF, faults and
 * paging apply.  Bounded so one pull never builds much. */
static void emit_chunk(struct labsim *s)
{
    size_t budget = 32768;
    const char *t = NULL;
    const char *nl = NULL;
    size_t len = 0;
    size_t end = 0;
    size_t clen = 0;

    while (budget > 0 && s->st == S_OUTPUT) {
        if (s->pend_off >= s->pend.len) {
            if (s->pend_reps > 1 && s->pend.len > 0) {
                s->pend_reps--;
                s->pend_off = 0;
                continue;
            }
            finish(s);
            return;
        }
        if (s->pend_paged && s->page_lines + 1 >= s->term_len) {
            show_pager(s);
            return;
        }
        t = s->pend.data + s->pend_off;
        len = s->pend.len - s->pend_off;
        nl = memchr(t, '\n', len);
        if (nl != NULL) {
            end = (size_t)(nl - t) + 1;
            clen = end - 1;
            if (clen > 0 && t[clen - 1] == '\r') {
                clen--;
            }
        } else {
            end = len;
            clen = len;
        }
        emit_line(s, t, clen, nl != NULL);
        s->pend_off += end;
        s->pend_sent += end;
        s->page_lines++;
        budget = end >= budget ? 0 : budget - end;
        if ((s->dev->faults & LABSIM_F_DROP) &&
            s->pend_total > s->dev->drop_after &&
            s->pend_sent >= s->dev->drop_after) {
            s->st = S_DROP;
            return;
        }
    }
}

/* A line is complete: a command, or the answer to a question. */
static void line_done(struct labsim *s, int answer)
{
    struct nr_buf r = NR_BUF_INIT(SIM_RESULT_MAX);
    int nonempty;
    int rc;

    s->line[s->line_len] = '\0';
    nonempty = strspn(s->line, " \t") < s->line_len;
    s->pend_reps = 0;
    s->pend_err = 0;
    rc = answer ? sim_answer(s, s->line, &r) : sim_run_line(s, s->line, &r);
    explicit_bzero(s->line, sizeof(s->line));
    s->line_len = 0;
    if (rc != 0) {
        s->st = S_DROP;
    } else {
        begin_output(s, &r, nonempty && !answer);
    }
    nr_buf_dispose(&r);
}

static void pager_key(struct labsim *s, unsigned char c)
{
    if (c == '\n' && s->last_cr) {
        s->last_cr = 0;
        return;
    }
    s->last_cr = c == '\r';
    pager_erase(s);
    if (c == ' ') {
        s->page_lines = 0;
        s->st = S_OUTPUT;
    } else if (c == '\r' || c == '\n') {
        s->page_lines = s->term_len >= 2 ? s->term_len - 2 : 0;
        s->st = S_OUTPUT;
    } else {
        /* q and any other key end the output, as on the real CLIs */
        s->pend_off = s->pend.len;
        s->pend_reps = 0;
        s->st = S_OUTPUT;
        finish(s);
    }
}

static void line_key(struct labsim *s, unsigned char c)
{
    int echo = s->st != S_SECRET;

    if (c == '\n' && s->last_cr) {
        s->last_cr = 0;
        return;
    }
    s->last_cr = c == '\r';
    if (c == '\r' || c == '\n') {
        puts_(s, "\r\n");
        line_done(s, s->st != S_LINE);
        return;
    }
    if (c == 0x08 || c == 0x7f) {
        if (s->line_len > 0) {
            s->line_len--;
            if (echo) {
                puts_(s, "\b \b");
            }
        }
        return;
    }
    if (c == 0x15) { /* ^U: kill the line */
        while (s->line_len > 0) {
            s->line_len--;
            if (echo) {
                puts_(s, "\b \b");
            }
        }
        return;
    }
    if ((c == 0x03 || c == 0x1a) && s->st == S_LINE &&
        s->plat != LABSIM_JUNOS) {
        /* ^C / ^Z: drop the line; in configuration mode leave it */
        puts_(s, c == 0x03 ? "^C\r\n" : "^Z\r\n");
        s->line_len = 0;
        if (s->mode & (M_CONF | M_SUB)) {
            s->line_len = 3;
            memcpy(s->line, "end", 3);
            line_done(s, 0);
            return;
        }
        finish(s);
        return;
    }
    if (c < 0x20) {
        return;
    }
    if (s->line_len + 1 >= sizeof(s->line)) {
        return;
    }
    s->line[s->line_len++] = (char)c;
    if (echo) {
        put(s, (const char *)&c, 1);
    }
}

/* Telnet negotiation and terminal escape sequences are noise to a CLI:
 * returns 1 when c was part of such noise. */
static int noise(struct labsim *s, unsigned char c)
{
    switch (s->iac) {
    case 1:
        s->iac = (c >= 0xfb && c <= 0xfe) ? 2 : (c == 0xfa ? 3 : 0);
        return 1;
    case 2:
        s->iac = 0;
        return 1;
    case 3:
        s->iac = c == 0xff ? 4 : 3;
        return 1;
    case 4:
        s->iac = c == 0xf0 ? 0 : 3;
        return 1;
    default:
        break;
    }
    if (c == 0xff) {
        s->iac = 1;
        return 1;
    }
    switch (s->esc) {
    case 1:
        s->esc = c == '[' ? 2 : (c == 'O' ? 3 : 0);
        return 1;
    case 2:
        if (c >= 0x40 && c <= 0x7e) {
            s->esc = 0;
        }
        return 1;
    case 3:
        s->esc = 0;
        return 1;
    default:
        break;
    }
    if (c == 0x1b) {
        s->esc = 1;
        return 1;
    }
    return 0;
}

static int input_state(const struct labsim *s)
{
    return s->st == S_LINE || s->st == S_SECRET || s->st == S_CONFIRM ||
           s->st == S_PAGER;
}

/* Consume queued input while the device is listening; the rest waits
 * (type-ahead) until the output of the current command is out. */
static void take_input(struct labsim *s)
{
    unsigned char c;

    while (s->in_off < s->in.len && input_state(s) &&
           s->out.len - s->out_off < 65536) {
        c = (unsigned char)s->in.data[s->in_off++];
        if (noise(s, c)) {
            continue;
        }
        if (s->st == S_PAGER) {
            pager_key(s, c);
        } else {
            line_key(s, c);
        }
    }
}

static void start(struct labsim *s)
{
    struct nr_buf r = NR_BUF_INIT(SIM_RESULT_MAX);

    s->started = 1;
    s->idle_at = s->now + (uint64_t)s->dev->idle_s * 1000;
    if (s->dev->faults & LABSIM_F_HANG) {
        s->hang_until = s->now + (uint64_t)s->dev->hang_s * 1000;
        s->st = S_HANG;
        goto out;
    }
    if (s->exec) {
        s->term_len = 0;
        if (sim_run_line(s, s->exec_cmd, &r) != 0) {
            s->st = S_DROP;
            goto out;
        }
        begin_output(s, &r, 1);
        goto out;
    }
    if (s->dev->banner != NULL) {
        const char *p = s->dev->banner;
        const char *nl = NULL;

        while ((nl = strchr(p, '\n')) != NULL) {
            put(s, p, (size_t)(nl - p));
            puts_(s, "\r\n");
            p = nl + 1;
        }
        puts_(s, p);
        puts_(s, "\r\n");
    }
    if (s->plat == LABSIM_JUNOS) {
        puts_(s, "--- JUNOS 20.4R3.8 built 2021-08-25 08:14:39 UTC\r\n");
    } else {
        puts_(s, "\r\n");
    }
    s->st = S_OUTPUT;
    finish(s);
out:
    nr_buf_dispose(&r);
}

enum labsim_st labsim_pull(struct labsim *s, uint64_t now_ms, char *buf,
                           size_t cap, size_t *n, unsigned *wait_ms)
{
    size_t k;
    uint64_t until;

    *n = 0;
    *wait_ms = 0;
    s->now = now_ms;
    if (!s->started) {
        start(s);
    }
    for (;;) {
        if (s->out.len > s->out_off) {
            k = s->out.len - s->out_off;
            if (k > cap) {
                k = cap;
            }
            memcpy(buf, s->out.data + s->out_off, k);
            s->out_off += k;
            if (s->out_off == s->out.len) {
                nr_buf_reset(&s->out);
                s->out_off = 0;
            }
            *n = k;
            return LABSIM_OUTPUT;
        }
        switch (s->st) {
        case S_EXIT:
            return LABSIM_EXIT;
        case S_DROP:
            /* what was produced before the cut went out above */
            return LABSIM_DROP;
        case S_HANG:
            /* input is swallowed; only the bound ends a hung session */
            s->in_off = s->in.len;
            if (now_ms >= s->hang_until) {
                s->st = S_EXIT;
                continue;
            }
            until = s->hang_until - now_ms;
            *wait_ms = until > 60000 ? 60000 : (unsigned)until;
            return LABSIM_WAIT;
        case S_THINK:
            if (now_ms < s->ready_at) {
                *wait_ms = (unsigned)(s->ready_at - now_ms);
                return LABSIM_WAIT;
            }
            s->st = S_OUTPUT;
            continue;
        case S_OUTPUT:
            emit_chunk(s);
            continue;
        default:
            break;
        }
        if (s->in_off < s->in.len) {
            s->idle_at = now_ms + (uint64_t)s->dev->idle_s * 1000;
            take_input(s);
            continue;
        }
        if (s->in_eof || now_ms >= s->idle_at) {
            s->st = S_EXIT;
            continue;
        }
        until = s->idle_at - now_ms;
        *wait_ms = until > 60000 ? 60000 : (unsigned)until;
        return LABSIM_WAIT;
    }
}
