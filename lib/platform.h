/* platform.h — platform profiles: how to drive one kind of device CLI,
 * loaded from data files (templates/platforms/NAME.conf, netrun-platform(5)),
 * so adding a platform needs no C change. */
#ifndef NR_PLATFORM_H
#define NR_PLATFORM_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stddef.h>

#include "netrun.h"

struct nr_pattern {
    pcre2_code *re;
    char *src;     /* the regex as written, for messages */
    char *send;    /* pager key / answer text (escapes decoded) */
    size_t send_len;
};

struct nr_patterns {
    struct nr_pattern *v;
    size_t n;
};

struct nr_platform {
    char *name;
    char *description;
    int exec;                    /* transport = exec: one channel per command */
    int strip_ansi;              /* default on */
    pcre2_code *prompt;          /* matched on the last, unfinished line */
    uint32_t prompt_host_group;  /* group number of (?<host>...), 0 if none */
    pcre2_code *privileged;      /* the prompt shows privileged mode */
    pcre2_code *config_prompt;   /* the prompt shows config mode */
    pcre2_code *enable_password; /* enable asks for the secret */
    char *enable;
    char **setup;                /* sent after login (paging off, width) */
    size_t nsetup;
    struct nr_patterns pagers;   /* answered with their key and cut out */
    struct nr_patterns answers;  /* questions inside a command */
    struct nr_patterns errors;   /* an output line matching: command error */
    struct nr_patterns volatiles;/* lines dropped from backups */
    char *config_enter;
    char *config_exit;
    char *config_abort;          /* leave config mode discarding changes */
    char *commit;
    char *backup;                /* the command that prints the config */
    char *exit_cmd;
    char *newline;               /* what ends a command line ("\n") */
};

/* Load profile NAME from the first folder that has NAME.conf: dirs
 * given, $NETRUN_PLATFORMS (':'-separated), the installed folder, the
 * source tree's.  Errors name FILE:LINE.  Caller frees *out. */
int nr_platform__load(struct nr_platform **out, const char *name,
                      const char *const *dirs, size_t ndirs,
                      struct nr_err *err);
/* Parse a profile from text; name labels errors. */
int nr_platform__parse(struct nr_platform **out, const char *name,
                       const char *text, size_t len, struct nr_err *err);
void nr_platform__free(struct nr_platform *p);

/* The profile name for an alias (ansible_network_os values such as
 * cisco.ios.ios, listed in profiles' "aliases" lines), or name itself.
 * The result lives as long as the process.  Thread-safe. */
const char *nr_platform__canonical(const char *name);

/* The generic pagers every profile also answers (space). */
const struct nr_patterns *nr_platform__generic_pagers(void);

/* A match context with a JIT stack of this thread's (NULL: none). */
pcre2_match_context *nr_re__mctx(void);
/* 1 when re matches s[0..len) anywhere (unanchored search).  md is the
 * caller's match data (reused on hot paths), or NULL for one of its own. */
int nr_re__search(const pcre2_code *re, const char *s, size_t len,
                  pcre2_match_data *md);
/* The first of ps matching s: its index, or -1.  md as above. */
int nr_patterns__search(const struct nr_patterns *ps, const char *s,
                        size_t len, pcre2_match_data *md);

#endif
