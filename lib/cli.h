/* cli.h — drive an interactive device CLI through a platform profile:
 * find the prompt, turn paging off (or answer the pager), enable, run
 * commands until the prompt comes back (never a fixed sleep), config
 * mode with commit, error patterns. */
#ifndef NR_CLI_H
#define NR_CLI_H

#include <stdint.h>

#include "buf.h"
#include "platform.h"
#include "ssh.h"

/* Called with every byte received or sent (secrets already replaced by
 * ********).  dir is '<' for received and '>' for sent. */
typedef void (*nr_cli_tap_fn)(void *payload, char dir, const char *data,
                              size_t len);

struct nr_cli_opts {
    const char *enable_secret;  /* NULL: stay unprivileged */
    const char *const *secrets; /* scrubbed from output and transcript */
    size_t nsecrets;
    size_t max_output;          /* per command */
    int nudge_ms;               /* silence before a newline to get a prompt */
    int step_ms;                /* login, enable and each setup command */
    nr_cli_tap_fn tap;
    void *tap_payload;
    volatile int *stop;
};
#define NR_CLI_OPTS_INIT { NULL, NULL, 0, (size_t)64 << 20, 2000, 60000, \
                           NULL, NULL, NULL }

struct nr_cli;

/* Open a shell on s, wait for the first prompt, enable, run the
 * profile's setup.  notes (may be NULL) collects what a user should know
 * (setup commands the device refused).  Borrowed s and p outlive it. */
int nr_cli__open(struct nr_cli **out, struct nr_ssh *s,
                 const struct nr_platform *p, const struct nr_cli_opts *o,
                 int64_t deadline, struct nr_buf *notes, struct nr_err *err);
/* Run one command: *out gets its output without the echo and prompt,
 * pager prompts cut, ANSI escapes stripped, line ends "\n".  A line
 * matching an error pattern is NR_ERR_COMMAND with that line as the
 * message (out still holds the output).  On a timeout out holds what was
 * read so far. */
int nr_cli__command(struct nr_cli *c, const char *cmd, struct nr_buf *out,
                    int64_t deadline, struct nr_err *err);
/* Enter config mode, send lines (stopping at the first that draws an
 * error), commit where the platform needs it, leave config mode.  out
 * gets the whole exchange.  On an error the changes are aborted where
 * the platform can and err says which line failed and why. */
int nr_cli__config(struct nr_cli *c, const char *const *lines, size_t n,
                   struct nr_buf *out, int64_t deadline, struct nr_err *err);
/* Say goodbye (best effort) and free. */
void nr_cli__close(struct nr_cli *c);

/* Replace each secret (4 bytes or longer) in b by stars. */
void nr_cli__scrub(const char *const *secrets, size_t n, struct nr_buf *b);

/* Output clean-up shared with tests: CRLF and lone CR, backspaces, ANSI
 * escapes; returns the new length (in place). */
size_t nr_cli__normalize(char *s, size_t len, int strip_ansi);

#endif
