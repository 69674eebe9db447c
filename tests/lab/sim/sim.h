/* sim.h — the lab's simulated network-device CLI.
 *
 * One engine behind both lab backends (OpenSSH sshd running tests/lab/labsim
 * as a forced command, and tests/lab/simd on libssh's server API).  The
 * engine never touches a file descriptor or a clock: the backend feeds it
 * the bytes the peer typed (labsim_feed) and pulls what the device says
 * (labsim_pull), passing the time, and sleeps as long as the engine asks.
 * That keeps the behaviour identical on both backends and lets the unit
 * tests drive it byte by byte with a fake clock.
 *
 * Thread-safety: a struct labsim belongs to one thread; a struct
 * labsim_data is read-only after labsim_data_load and may be shared. */
#ifndef LABSIM_H
#define LABSIM_H

#include <stddef.h>
#include <stdint.h>

enum labsim_platform {
    LABSIM_IOS,
    LABSIM_NXOS,
    LABSIM_XR,
    LABSIM_EOS,
    LABSIM_JUNOS,
    LABSIM_NPLATFORMS
};

/* Fault modes, a bit set per device. */
enum labsim_fault {
    LABSIM_F_SLOW = 1u << 0,    /* think slow_ms before each command's output */
    LABSIM_F_HANG = 1u << 1,    /* after login say nothing, ever */
    LABSIM_F_DROP = 1u << 2,    /* cut the connection inside long output */
    LABSIM_F_HUGE = 1u << 3,    /* show tech-support (or every show) ~10 MB */
    LABSIM_F_GARBLED = 1u << 4, /* invalid UTF-8, NULs, stray escapes */
    LABSIM_F_NOPAGE = 1u << 5,  /* terminal length 0 is refused */
    LABSIM_F_ANSI = 1u << 6     /* prompts and output in colour escapes */
};

#define LABSIM_NAME_MAX 64
#define LABSIM_PATH_MAX 512

/* One device: what its config file (key=value lines) says. */
struct labsim_dev {
    char name[LABSIM_NAME_MAX];     /* inventory name, default hostname */
    char hostname[LABSIM_NAME_MAX];
    char user[LABSIM_NAME_MAX];     /* login user, shown in Junos prompts */
    enum labsim_platform platform;
    char *enable_secret;            /* NULL: none; wiped on dispose */
    char *banner;                   /* printed before the first prompt */
    unsigned faults;                /* enum labsim_fault bits */
    unsigned slow_ms;
    size_t huge_bytes;
    int huge_all;                   /* every show is huge, not only tech */
    size_t drop_after;              /* bytes of a long output before a drop */
    unsigned hang_s;                /* a hung session ends after this */
    unsigned idle_s;                /* idle sessions end after this */
    unsigned term_len;              /* default terminal length */
    char state_path[LABSIM_PATH_MAX]; /* running config kept here; "" none */
};

/* What labsim_pull asks of the backend. */
enum labsim_st {
    LABSIM_OUTPUT, /* *n bytes in buf: send them, then pull again */
    LABSIM_WAIT,   /* wait for input at most *wait_ms, then pull again */
    LABSIM_EXIT,   /* the session ended: send labsim_exit_status, close */
    LABSIM_DROP    /* cut the connection now, without a clean close */
};

struct labsim_data;
struct labsim;

/* Defaults for a device; then labsim_dev_set per key, or labsim_dev_load. */
void labsim_dev_init(struct labsim_dev *dev);
/* One key=value; -1 for an unknown key or a bad value (msg says which). */
int labsim_dev_set(struct labsim_dev *dev, const char *key, const char *val,
                   char *msg, size_t msglen);
/* Read a device file of key=value lines ('#' comments). 0 or -1 + msg. */
int labsim_dev_load(struct labsim_dev *dev, const char *path, char *msg,
                    size_t msglen);
void labsim_dev_dispose(struct labsim_dev *dev);

/* -1 when the name is no platform. */
int labsim_platform_parse(const char *name);
const char *labsim_platform_name(enum labsim_platform p);

/* Load dir/COMMANDS and the recorded outputs it names. The result is
 * read-only and shared by sessions; 0 or -1 + msg. */
int labsim_data_load(struct labsim_data **out, const char *dir, char *msg,
                     size_t msglen);
void labsim_data_free(struct labsim_data *d);

/* A session on dev (both borrowed: they must outlive it). exec_cmd NULL
 * for an interactive shell; else the one command of an exec channel. */
int labsim_new(struct labsim **out, const struct labsim_data *data,
               const struct labsim_dev *dev, const char *exec_cmd);
void labsim_free(struct labsim *s);

/* Bytes the peer sent. -1 when the type-ahead ceiling (1 MiB) is hit. */
int labsim_feed(struct labsim *s, const void *p, size_t n);
/* The peer will send nothing more. */
void labsim_eof(struct labsim *s);
/* The next step; now_ms is a monotonic clock in milliseconds. */
enum labsim_st labsim_pull(struct labsim *s, uint64_t now_ms, char *buf,
                           size_t cap, size_t *n, unsigned *wait_ms);
/* The monotonic clock labsim_pull wants, in milliseconds. */
uint64_t labsim_now_ms(void);
/* 0, or 1 when an exec command failed. */
int labsim_exit_status(const struct labsim *s);

#endif
