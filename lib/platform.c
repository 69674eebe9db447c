/* platform.c — load platform profiles (netrun-platform(5)). */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>

#include "buf.h"
#include "platform.h"

#define PROFILE_MAX ((size_t)1 << 20)
#define INHERIT_DEPTH 4

/* Pagers seen across vendors; every profile answers them with a space
 * even when it lists none, so a device whose paging cannot be turned
 * off (no privilege for `terminal length 0`) still works. */
static const char *const GENERIC_PAGERS[] = {
    "-+ ?\\(?[Mm]ore( \\d+%)?\\)? ?-+\\s*$",
    "<-+ More -+>\\s*$",
    "Press any key to continue\\W*$",
    "\\(q\\)uit.*\\s*$",
};

static struct nr_patterns generic;
static pthread_once_t generic_once = PTHREAD_ONCE_INIT;

static pcre2_code *compile(const char *src, uint32_t extra, char *why,
                           size_t whysize)
{
    int ec;
    PCRE2_SIZE off;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)src, PCRE2_ZERO_TERMINATED,
                                   PCRE2_MULTILINE | extra, &ec, &off, NULL);

    if (re == NULL) {
        PCRE2_UCHAR msg[160];

        pcre2_get_error_message(ec, msg, sizeof(msg));
        snprintf(why, whysize, "bad regex at offset %zu: %s", (size_t)off,
                 (char *)msg);
        return NULL;
    }
    /* A profile's few patterns run on every read: JIT pays off. */
    (void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
    return re;
}

static void generic_init(void)
{
    size_t n = sizeof(GENERIC_PAGERS) / sizeof(GENERIC_PAGERS[0]);
    char why[200];

    generic.v = calloc(n, sizeof(*generic.v));
    if (generic.v == NULL) {
        return;
    }
    for (size_t i = 0; i < n; i++) {
        generic.v[generic.n].re = compile(GENERIC_PAGERS[i], 0, why,
                                          sizeof(why));
        if (generic.v[generic.n].re != NULL) {
            generic.v[generic.n].send = strdup(" ");
            generic.v[generic.n].send_len = 1;
            generic.v[generic.n].src = strdup(GENERIC_PAGERS[i]);
            generic.n++;
        }
    }
}

const struct nr_patterns *nr_platform__generic_pagers(void)
{
    pthread_once(&generic_once, generic_init);
    return &generic;
}

/* Given no stack, PCRE2's JIT puts 32 KiB on the caller's: on a host's
 * coroutine stack (fiber.h) that is fresh pages for every session.  One
 * JIT stack per thread instead; a match never yields midway, so the
 * sessions of a thread can share it. */
struct mctx {
    pcre2_match_context *mc;
    pcre2_jit_stack *js;
};

static pthread_key_t mctx_key;
static pthread_once_t mctx_once = PTHREAD_ONCE_INIT;
static int mctx_ok;

static void mctx_free(void *p)
{
    struct mctx *m = p;

    if (m != NULL) {
        pcre2_jit_stack_free(m->js);
        pcre2_match_context_free(m->mc);
        free(m);
    }
}

static void mctx_init(void)
{
    mctx_ok = pthread_key_create(&mctx_key, mctx_free) == 0;
}

pcre2_match_context *nr_re__mctx(void)
{
    struct mctx *m;

    pthread_once(&mctx_once, mctx_init);
    if (!mctx_ok) {
        return NULL;
    }
    m = pthread_getspecific(mctx_key);
    if (m == NULL) {
        m = calloc(1, sizeof(*m));
        if (m == NULL || (m->mc = pcre2_match_context_create(NULL)) == NULL ||
            (m->js = pcre2_jit_stack_create(32 << 10, 512 << 10, NULL)) ==
                NULL ||
            pthread_setspecific(mctx_key, m) != 0) {
            mctx_free(m);
            return NULL;   /* PCRE2's own default then */
        }
        pcre2_jit_stack_assign(m->mc, NULL, m->js);
    }
    return m->mc;
}

int nr_re__search(const pcre2_code *re, const char *s, size_t len,
                  pcre2_match_data *md)
{
    pcre2_match_data *own = NULL;
    int rc;

    if (md == NULL) {
        own = md = pcre2_match_data_create(1, NULL);
        if (md == NULL) {
            return 0;
        }
    }
    rc = pcre2_match(re, (PCRE2_SPTR)s, len, 0, 0, md, nr_re__mctx());
    pcre2_match_data_free(own);
    return rc >= 0;
}

int nr_patterns__search(const struct nr_patterns *ps, const char *s,
                        size_t len, pcre2_match_data *md)
{
    for (size_t i = 0; i < ps->n; i++) {
        if (nr_re__search(ps->v[i].re, s, len, md)) {
            return (int)i;
        }
    }
    return -1;
}

static void patterns_free(struct nr_patterns *ps)
{
    for (size_t i = 0; i < ps->n; i++) {
        pcre2_code_free(ps->v[i].re);
        free(ps->v[i].src);
        free(ps->v[i].send);
    }
    free(ps->v);
    ps->v = NULL;
    ps->n = 0;
}

void nr_platform__free(struct nr_platform *p)
{
    if (p == NULL) {
        return;
    }
    free(p->name);
    free(p->description);
    pcre2_code_free(p->prompt);
    pcre2_code_free(p->privileged);
    pcre2_code_free(p->config_prompt);
    pcre2_code_free(p->enable_password);
    free(p->enable);
    for (size_t i = 0; i < p->nsetup; i++) {
        free(p->setup[i]);
    }
    free(p->setup);
    patterns_free(&p->pagers);
    patterns_free(&p->answers);
    patterns_free(&p->errors);
    patterns_free(&p->volatiles);
    free(p->config_enter);
    free(p->config_exit);
    free(p->config_abort);
    free(p->commit);
    free(p->backup);
    free(p->exit_cmd);
    free(p->newline);
    free(p);
}

/* C-style escapes in text that is sent: \n \r \t \\ \xHH \e, and \s
 * for a space that would otherwise be trimmed. */
static int unescape(struct nr_buf *out, const char *s, char *why,
                    size_t whysize)
{
    for (; *s != '\0'; s++) {
        int c = (unsigned char)*s;

        if (c == '\\') {
            s++;
            switch (*s) {
            case 'n': c = '\n'; break;
            case 'r': c = '\r'; break;
            case 't': c = '\t'; break;
            case 'e': c = 0x1b; break;
            case 's': c = ' '; break;
            case '\\': c = '\\'; break;
            case 'x':
                if (nr_hexval(s[1]) < 0 || nr_hexval(s[2]) < 0) {
                    snprintf(why, whysize, "\\x needs two hex digits");
                    return -1;
                }
                c = nr_hexval(s[1]) * 16 + nr_hexval(s[2]);
                s += 2;
                break;
            default:
                snprintf(why, whysize, "unknown escape \\%c in text to send",
                         *s != '\0' ? *s : ' ');
                return -1;
            }
        }
        if (nr_buf_addc(out, (char)c) != 0) {
            snprintf(why, whysize, "text too long");
            return -1;
        }
    }
    return 0;
}

static int set_str(char **dst, const char *v)
{
    char *c = strdup(v);

    if (c == NULL) {
        return -1;
    }
    free(*dst);
    *dst = c;
    return 0;
}

static int set_re(pcre2_code **dst, const char *v, char *why, size_t whysize)
{
    pcre2_code *re = compile(v, 0, why, whysize);

    if (re == NULL) {
        return -1;
    }
    pcre2_code_free(*dst);
    *dst = re;
    return 0;
}

static int add_pattern(struct nr_patterns *ps, const char *re_src,
                       const char *send, char *why, size_t whysize)
{
    struct nr_buf b = NR_BUF_INIT(4096);
    struct nr_pattern pat = { NULL, NULL, NULL, 0 };
    void *grown;
    int rc = -1;

    pat.re = compile(re_src, 0, why, whysize);
    if (pat.re == NULL) {
        goto out;
    }
    if (send != NULL && unescape(&b, send, why, whysize) != 0) {
        goto out;
    }
    pat.src = strdup(re_src);
    pat.send = nr_buf_steal(&b);
    pat.send_len = strlen(pat.send != NULL ? pat.send : "");
    grown = realloc(ps->v, (ps->n + 1) * sizeof(*ps->v));
    if (pat.src == NULL || pat.send == NULL || grown == NULL) {
        if (grown != NULL) {
            ps->v = grown;
        }
        snprintf(why, whysize, "out of memory");
        goto out;
    }
    ps->v = grown;
    pat.send_len = strlen(pat.send);
    ps->v[ps->n++] = pat;
    pat.re = NULL;
    pat.src = NULL;
    pat.send = NULL;
    rc = 0;
out:
    pcre2_code_free(pat.re);
    free(pat.src);
    free(pat.send);
    nr_buf_dispose(&b);
    return rc;
}

static char *trim(char *s)
{
    char *e;

    while (*s == ' ' || *s == '\t') {
        s++;
    }
    e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r')) {
        *--e = '\0';
    }
    return s;
}

static int yes_no(const char *v, int *out)
{
    if (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0 ||
        strcmp(v, "on") == 0) {
        *out = 1;
        return 0;
    }
    if (strcmp(v, "no") == 0 || strcmp(v, "false") == 0 ||
        strcmp(v, "off") == 0) {
        *out = 0;
        return 0;
    }
    return -1;
}

struct loader {
    const char *const *dirs;
    size_t ndirs;
    int depth;
};

static int load_named(struct nr_platform **out, const char *name,
                      const struct loader *ld, struct nr_err *err);

/* One "key = value" line into p.  why gets the reason on failure. */
static int apply(struct nr_platform *p, const char *key, char *val,
                 const struct loader *ld, char *why, size_t whysize,
                 struct nr_err *err)
{
    struct nr_buf b = NR_BUF_INIT(4096);
    int rc = -1;

    if (strcmp(key, "description") == 0) {
        rc = set_str(&p->description, val);
    } else if (strcmp(key, "transport") == 0) {
        if (strcmp(val, "exec") != 0 && strcmp(val, "shell") != 0) {
            snprintf(why, whysize, "transport is shell or exec, not '%s'",
                     val);
            goto out;
        }
        p->exec = strcmp(val, "exec") == 0;
        rc = 0;
    } else if (strcmp(key, "strip_ansi") == 0) {
        rc = yes_no(val, &p->strip_ansi);
        if (rc != 0) {
            snprintf(why, whysize, "strip_ansi is yes or no");
        }
    } else if (strcmp(key, "prompt") == 0) {
        int n;

        rc = set_re(&p->prompt, val, why, whysize);
        if (rc == 0) {
            n = pcre2_substring_number_from_name(p->prompt,
                                                 (PCRE2_SPTR)"host");
            p->prompt_host_group = n > 0 ? (uint32_t)n : 0;
        }
    } else if (strcmp(key, "privileged") == 0) {
        rc = set_re(&p->privileged, val, why, whysize);
    } else if (strcmp(key, "config_prompt") == 0) {
        rc = set_re(&p->config_prompt, val, why, whysize);
    } else if (strcmp(key, "enable_password") == 0) {
        rc = set_re(&p->enable_password, val, why, whysize);
    } else if (strcmp(key, "enable") == 0) {
        rc = set_str(&p->enable, val);
    } else if (strcmp(key, "setup") == 0) {
        void *g = realloc(p->setup, (p->nsetup + 1) * sizeof(char *));

        if (g != NULL) {
            p->setup = g;
            p->setup[p->nsetup] = strdup(val);
            if (p->setup[p->nsetup] != NULL) {
                p->nsetup++;
                rc = 0;
            }
        }
    } else if (strcmp(key, "pager") == 0) {
        rc = add_pattern(&p->pagers, val, " ", why, whysize);
    } else if (strcmp(key, "pager_key") == 0) {
        if (p->pagers.n == 0) {
            snprintf(why, whysize, "pager_key before any pager line");
            goto out;
        }
        if (unescape(&b, val, why, whysize) != 0) {
            goto out;
        }
        struct nr_pattern *last = &p->pagers.v[p->pagers.n - 1];
        free(last->send);
        last->send_len = b.len;
        last->send = nr_buf_steal(&b);
        rc = last->send == NULL ? -1 : 0;
    } else if (strcmp(key, "answer") == 0) {
        char *arrow = strstr(val, " => ");
        char *last_arrow = arrow;

        while (arrow != NULL) {
            last_arrow = arrow;
            arrow = strstr(arrow + 1, " => ");
        }
        if (last_arrow == NULL) {
            snprintf(why, whysize, "answer needs 'REGEX => TEXT'");
            goto out;
        }
        *last_arrow = '\0';
        rc = add_pattern(&p->answers, trim(val), trim(last_arrow + 4), why,
                         whysize);
    } else if (strcmp(key, "error") == 0) {
        rc = add_pattern(&p->errors, val, NULL, why, whysize);
    } else if (strcmp(key, "volatile") == 0) {
        rc = add_pattern(&p->volatiles, val, NULL, why, whysize);
    } else if (strcmp(key, "config_enter") == 0) {
        rc = set_str(&p->config_enter, val);
    } else if (strcmp(key, "config_exit") == 0) {
        rc = set_str(&p->config_exit, val);
    } else if (strcmp(key, "config_abort") == 0) {
        rc = set_str(&p->config_abort, val);
    } else if (strcmp(key, "commit") == 0) {
        rc = set_str(&p->commit, val);
    } else if (strcmp(key, "backup") == 0) {
        rc = set_str(&p->backup, val);
    } else if (strcmp(key, "exit") == 0) {
        rc = set_str(&p->exit_cmd, val);
    } else if (strcmp(key, "newline") == 0) {
        if (unescape(&b, val, why, whysize) != 0) {
            goto out;
        }
        free(p->newline);
        p->newline = nr_buf_steal(&b);
        rc = p->newline == NULL ? -1 : 0;
    } else if (strcmp(key, "aliases") == 0) {
        rc = 0;   /* read by the alias table (nr_platform__canonical) */
    } else if (strcmp(key, "inherit") == 0) {
        snprintf(why, whysize, "inherit must be the first setting");
        goto out;
    } else {
        snprintf(why, whysize, "unknown setting '%s'", key);
        goto out;
    }
    (void)ld;
    (void)err;
    if (rc != 0 && why[0] == '\0') {
        snprintf(why, whysize, "out of memory");
    }
out:
    nr_buf_dispose(&b);
    return rc;
}

/* Lists (setup, pagers, answers, errors, volatiles) of an inherited
 * profile are kept and extended; single settings are replaced. */
static int parse_text(struct nr_platform **out, const char *name,
                      const char *text, size_t len, const struct loader *ld,
                      struct nr_err *err)
{
    struct nr_platform *p = NULL;
    char *copy = NULL, *line, *next;
    int lineno = 0, rc = -1, seen_setting = 0;
    char why[300];
    const char *base;

    *out = NULL;
    if (memchr(text, '\0', len) != NULL) {
        nr_err_set(err, NR_ERR_USAGE, "platform", "%s: NUL byte in profile",
                   name);
        goto out;
    }
    copy = strndup(text, len);
    if (copy == NULL) {
        nr_err_set(err, NR_ERR_LIMIT, "platform", "out of memory");
        goto out;
    }
    for (line = copy; line != NULL; line = next) {
        char *eq, *key, *val;

        next = strchr(line, '\n');
        if (next != NULL) {
            *next++ = '\0';
        }
        lineno++;
        line = trim(line);
        if (*line == '\0' || *line == '#') {
            continue;
        }
        eq = strchr(line, '=');
        if (eq == NULL) {
            nr_err_set(err, NR_ERR_USAGE, "platform", "%s:%d: expected "
                       "'key = value'", name, lineno);
            goto out;
        }
        *eq = '\0';
        key = trim(line);
        val = trim(eq + 1);
        if (strcmp(key, "inherit") == 0 && !seen_setting && p == NULL) {
            struct loader sub = *ld;

            sub.depth++;
            if (sub.depth > INHERIT_DEPTH) {
                nr_err_set(err, NR_ERR_USAGE, "platform", "%s:%d: inherit "
                           "nested deeper than %d", name, lineno,
                           INHERIT_DEPTH);
                goto out;
            }
            if (load_named(&p, val, &sub, err) != 0) {
                goto out;
            }
            free(p->name);
            p->name = NULL;
            seen_setting = 1;
            continue;
        }
        seen_setting = 1;
        if (p == NULL) {
            p = calloc(1, sizeof(*p));
            if (p == NULL) {
                nr_err_set(err, NR_ERR_LIMIT, "platform", "out of memory");
                goto out;
            }
            p->strip_ansi = 1;
        }
        why[0] = '\0';
        if (apply(p, key, val, ld, why, sizeof(why), err) != 0) {
            nr_err_set(err, NR_ERR_USAGE, "platform", "%s:%d: %s: %s", name,
                       lineno, key, why);
            goto out;
        }
    }
    if (p == NULL) {
        nr_err_set(err, NR_ERR_USAGE, "platform", "%s: empty profile", name);
        goto out;
    }
    if (!p->exec && p->prompt == NULL) {
        nr_err_set(err, NR_ERR_USAGE, "platform", "%s: a shell profile needs "
                   "a prompt", name);
        goto out;
    }
    base = strrchr(name, '/');
    base = base != NULL ? base + 1 : name;
    p->name = strndup(base, strcspn(base, "."));
    if (p->name == NULL || (p->newline == NULL &&
                            set_str(&p->newline, "\n") != 0)) {
        nr_err_set(err, NR_ERR_LIMIT, "platform", "out of memory");
        goto out;
    }
    *out = p;
    p = NULL;
    rc = 0;
out:
    nr_platform__free(p);
    free(copy);
    return rc;
}

int nr_platform__parse(struct nr_platform **out, const char *name,
                       const char *text, size_t len, struct nr_err *err)
{
    struct loader ld = { NULL, 0, 0 };

    return parse_text(out, name, text, len, &ld, err);
}

static int valid_name(const char *name)
{
    if (name[0] == '\0' || name[0] == '.' || strlen(name) > 64) {
        return 0;
    }
    return strspn(name, "abcdefghijklmnopqrstuvwxyz"
                        "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") ==
           strlen(name);
}

static int is_dir(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The search path, in order; *n entries, each malloc'd. */
static int search_path(char ***out, size_t *n, const struct loader *ld)
{
    const char *env = getenv("NETRUN_PLATFORMS");
    char **v = calloc(ld->ndirs + 64, sizeof(char *));
    size_t nv = 0;

    *out = NULL;
    *n = 0;
    if (v == NULL) {
        return -1;
    }
    for (size_t i = 0; i < ld->ndirs; i++) {
        v[nv++] = strdup(ld->dirs[i]);
    }
    while (env != NULL && *env != '\0' && nv < ld->ndirs + 60) {
        size_t k = strcspn(env, ":");

        if (k > 0) {
            v[nv++] = strndup(env, k);
        }
        env += k + (env[k] == ':');
    }
    /* Installed profiles win; a build tree that was never installed
     * uses the sources it was built from. */
    if (is_dir(NR_DATADIR "/templates/platforms")) {
        v[nv++] = strdup(NR_DATADIR "/templates/platforms");
    } else {
        v[nv++] = strdup(NR_SRCDIR "/templates/platforms");
    }
    for (size_t i = 0; i < nv; i++) {
        if (v[i] == NULL) {
            for (size_t j = 0; j < nv; j++) {
                free(v[j]);
            }
            free(v);
            return -1;
        }
    }
    *out = v;
    *n = nv;
    return 0;
}

static int load_named(struct nr_platform **out, const char *name,
                      const struct loader *ld, struct nr_err *err)
{
    struct nr_buf text = NR_BUF_INIT(PROFILE_MAX);
    struct nr_buf path = NR_BUF_INIT(4096);
    char **dirs = NULL;
    size_t ndirs = 0, i;
    int rc = -1;

    *out = NULL;
    if (!valid_name(name)) {
        nr_err_set(err, NR_ERR_USAGE, "platform", "bad platform name '%s'",
                   name);
        goto out;
    }
    if (search_path(&dirs, &ndirs, ld) != 0) {
        nr_err_set(err, NR_ERR_LIMIT, "platform", "out of memory");
        goto out;
    }
    for (i = 0; i < ndirs; i++) {
        struct stat st;

        nr_buf_reset(&path);
        if (nr_buf_printf(&path, "%s/%s.conf", dirs[i], name) != 0) {
            continue;
        }
        if (stat(path.data, &st) == 0 && S_ISREG(st.st_mode)) {
            break;
        }
    }
    if (i == ndirs) {
        nr_err_set(err, NR_ERR_USAGE, "platform", "no profile '%s' (looked "
                   "in %s%s)", name, ndirs > 0 ? dirs[ndirs - 1] : "",
                   ndirs > 1 ? " and the folders before it" : "");
        goto out;
    }
    if (nr_buf_read_file(&text, path.data, "platform", err) != 0) {
        goto out;
    }
    rc = parse_text(out, path.data, nr_buf_str(&text), text.len, ld, err);
out:
    for (i = 0; i < ndirs; i++) {
        free(dirs[i]);
    }
    free(dirs);
    nr_buf_dispose(&text);
    nr_buf_dispose(&path);
    return rc;
}

int nr_platform__load(struct nr_platform **out, const char *name,
                      const char *const *dirs, size_t ndirs,
                      struct nr_err *err)
{
    struct loader ld = { dirs, ndirs, 0 };

    return load_named(out, name, &ld, err);
}

/* ---- aliases: ansible_network_os names -> profile names ------------ */

/* Built once per process from the default search path: every profile's
 * "aliases = a b c" line.  Kept for the life of the process, so the
 * names it hands out never dangle. */
struct alias {
    char *alias;
    char *name;
};

static struct alias *aliases;
static size_t naliases;
static pthread_once_t aliases_once = PTHREAD_ONCE_INIT;

static void alias_add(const char *alias, size_t alen, const char *name,
                      size_t nlen)
{
    void *g = realloc(aliases, (naliases + 1) * sizeof(*aliases));

    if (g == NULL) {
        return;
    }
    aliases = g;
    aliases[naliases].alias = strndup(alias, alen);
    aliases[naliases].name = strndup(name, nlen);
    if (aliases[naliases].alias == NULL || aliases[naliases].name == NULL) {
        free(aliases[naliases].alias);
        free(aliases[naliases].name);
        return;
    }
    naliases++;
}

static void scan_aliases(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;

    if (d == NULL) {
        return;
    }
    while ((de = readdir(d)) != NULL) {
        size_t nl = strlen(de->d_name);
        struct nr_buf path = NR_BUF_INIT(4096);
        struct nr_buf text = NR_BUF_INIT(PROFILE_MAX);
        struct nr_err err = NR_ERR_INIT;
        const char *line;

        if (nl < 6 || strcmp(de->d_name + nl - 5, ".conf") != 0 ||
            de->d_name[0] == '.') {
            continue;
        }
        if (nr_buf_printf(&path, "%s/%s", dir, de->d_name) == 0 &&
            nr_buf_read_file(&text, path.data, "platform", &err) == 0 &&
            text.data != NULL) {
            for (line = text.data; line != NULL && *line != '\0';) {
                const char *end = strchr(line, '\n');
                const char *p = line;

                while (*p == ' ' || *p == '\t') {
                    p++;
                }
                if (strncmp(p, "aliases", 7) == 0) {
                    p += 7;
                    while (*p == ' ' || *p == '\t') {
                        p++;
                    }
                    if (*p == '=') {
                        p++;
                        while (p < (end != NULL ? end : p + strlen(p))) {
                            size_t k;

                            p += strspn(p, " \t\r");
                            k = strcspn(p, " \t\r\n");
                            if (k > 0) {
                                alias_add(p, k, de->d_name, nl - 5);
                            }
                            p += k;
                            if (*p == '\n' || *p == '\0') {
                                break;
                            }
                        }
                    }
                }
                line = end != NULL ? end + 1 : NULL;
            }
        }
        nr_buf_dispose(&path);
        nr_buf_dispose(&text);
    }
    closedir(d);
}

static void aliases_init(void)
{
    struct loader ld = { NULL, 0, 0 };
    char **dirs = NULL;
    size_t n = 0;

    if (search_path(&dirs, &n, &ld) != 0) {
        return;
    }
    /* Later folders first, so earlier ones win by being found last. */
    for (size_t i = n; i-- > 0;) {
        scan_aliases(dirs[i]);
    }
    for (size_t i = 0; i < n; i++) {
        free(dirs[i]);
    }
    free(dirs);
}

const char *nr_platform__canonical(const char *name)
{
    const char *found = NULL;

    pthread_once(&aliases_once, aliases_init);
    for (size_t i = 0; i < naliases; i++) {
        if (strcmp(aliases[i].alias, name) == 0) {
            found = aliases[i].name;   /* the last one read wins */
        }
    }
    return found != NULL ? found : name;
}
