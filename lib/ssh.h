/* ssh.h — SSH sessions on libssh: connect (directly or through a chain
 * of jump hosts carried in-process), verify the host key, authenticate,
 * exec channels and an interactive shell.  A session belongs to one
 * thread. */
#ifndef NR_SSH_H
#define NR_SSH_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "netrun.h"

enum nr_hostkey_policy {
    NR_HOSTKEY_STRICT,      /* unknown or changed key: refuse */
    NR_HOSTKEY_ACCEPT_NEW,  /* learn unknown keys, refuse changed ones */
    NR_HOSTKEY_OFF,         /* accept anything (lab use) */
};

struct nr_ssh_target {
    const char *name;       /* for messages (inventory name) */
    const char *host;
    int port;               /* 0: 22 or ssh_config's */
    const char *user;
    const char *password;   /* secret; also answers keyboard-interactive */
    const char *key_file;
    const char *kex, *ciphers, *macs, *hostkeys;  /* ssh_config syntax */
    const char *bind;       /* local address to connect from, or NULL */
};

struct nr_ssh_opts {
    const char *known_hosts;    /* NULL: ~/.ssh/known_hosts */
    enum nr_hostkey_policy policy;
    const char *config_file;    /* NULL: ~/.ssh/config; "none": no file */
    int use_agent;              /* try ssh-agent when SSH_AUTH_SOCK set */
    int connect_timeout_ms;
    int keepalive_ms;           /* 0: none */
    volatile int *stop;         /* set by a signal: give up soon */
    const struct nr_ssh_kh *kh; /* known_hosts snapshot, or NULL */
    struct nr_ssh_keys *keys;   /* key files read once, or NULL */
    int kh_order;               /* no ssh_config sets HostKeyAlgorithms:
                                 * kh may order the host-key algorithms */
};
#define NR_SSH_OPTS_INIT { NULL, NR_HOSTKEY_STRICT, NULL, 1, 10000, 15000, \
                           NULL, NULL, NULL, 0 }

/* Key files loaded once per run and shared by its sessions. */
struct nr_ssh_keys *nr_ssh__keys_new(void);
void nr_ssh__keys_free(struct nr_ssh_keys *k);

/* The plain entries of known_hosts (NULL: ~/.ssh/known_hosts) read once,
 * so hosts whose key is there are verified without libssh reading and
 * parsing the file (and importing each key in it) per session.  Anything
 * else (unknown, changed, hashed, pattern) goes to libssh as before, so
 * keys learned during the run are seen.  NULL when unreadable. */
struct nr_ssh_kh *nr_ssh__kh_load(const char *known_hosts);
/* The same from text in memory (taken over, freed with the result). */
struct nr_ssh_kh *nr_ssh__kh_parse(char *text);
/* 1 when kh lists key b64 (base64 blob) for name ("h" or "[h]:port"). */
int nr_ssh__kh_has(const struct nr_ssh_kh *kh, const char *name,
                   const char *b64);
/* wanted (a host-key algorithm list) with the ones kh has keys of for
 * name first, as libssh orders it from known_hosts: 1 and out set, or 0
 * when kh has no entry for name or one of a type not in wanted. */
int nr_ssh__kh_order(const struct nr_ssh_kh *kh, const char *name,
                     const char *wanted, char *out, size_t size);
void nr_ssh__kh_free(struct nr_ssh_kh *kh);

struct nr_ssh;

/* Connect to hops[n-1] through hops[0..n-2] (each a jump host reached
 * through a direct-tcpip channel of the one before), every hop under the
 * same host-key policy.  deadline is CLOCK_MONOTONIC milliseconds.  On
 * failure err says which hop and phase (connect/hostkey/auth). */
int nr_ssh__connect(struct nr_ssh **out, const struct nr_ssh_target *hops,
                    size_t n, const struct nr_ssh_opts *o, int64_t deadline,
                    struct nr_err *err);
void nr_ssh__close(struct nr_ssh *s);

/* "kex=... hostkey=... cipher=... mac=..." of the final hop. Borrowed. */
const char *nr_ssh__crypto(const struct nr_ssh *s);

/* Run one command on a new exec channel; stdout and stderr go to out
 * (stderr after stdout).  *status is the exit status (-1 if none). */
int nr_ssh__exec(struct nr_ssh *s, const char *cmd, struct nr_buf *out,
                 int *status, int64_t deadline, struct nr_err *err);

/* An interactive shell on a pty (vt100, wide, so devices do not wrap). */
int nr_ssh__shell(struct nr_ssh *s, int64_t deadline, struct nr_err *err);
int nr_ssh__write(struct nr_ssh *s, const char *data, size_t len,
                  struct nr_err *err);
/* Read what the shell has within timeout_ms: >0 bytes, 0 nothing yet,
 * -1 closed or failed (err set). */
long nr_ssh__read(struct nr_ssh *s, char *buf, size_t cap, int timeout_ms,
                  struct nr_err *err);

/* The jump chain ssh_config's ProxyJump gives host ("a,user@b:port"),
 * so it can be carried in-process; *out NULL when there is none.  Caller
 * frees *out. */
int nr_ssh__config_jump(char **out, const char *host, const char *config);
/* The BindAddress ssh_config gives host, or *out NULL.  libssh 0.10
 * reads it but cannot hand it back, and netrun opens the TCP connection
 * itself.  Host blocks, Match all/host/originalhost (others are taken
 * as not matching) and Include are followed; the first value wins.
 * Caller frees *out; -1 out of memory. */
int nr_ssh__config_bind(char **out, const char *host, const char *config);
/* The same over config text given directly, Include not followed (for
 * the fuzzer). */
int nr_ssh__config_bind_text(char **out, const char *host, const char *text,
                             size_t len);
/* Bit i set when some ssh_config file that `config` (as in nr_ssh_opts)
 * brings in has words[i] (any case) outside comments, n <= 32; one read
 * of the files for all the words.  With "proxy" clear, nr_ssh__config_jump
 * need not run per host.  A scan that errs towards set. */
unsigned nr_ssh__config_mentions(const char *config,
                                 const char *const *words, size_t n);

/* Monotonic clock in milliseconds. */
int64_t nr_now_ms(void);

/* Process-wide set-up of libssh; call once before threads. */
int nr_ssh__global_init(void);

#endif
