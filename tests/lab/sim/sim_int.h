/* sim_int.h — what the simulator's files share; not for the backends. */
#ifndef LABSIM_INT_H
#define LABSIM_INT_H

#include <time.h>

#include "buf.h"
#include "sim.h"

#define SIM_LINE_MAX 1024
#define SIM_WORDS_MAX 64
#define SIM_OUT_MAX (4u << 20)
#define SIM_IN_MAX (1u << 20)
#define SIM_RESULT_MAX (64u << 20)

/* CLI modes, as bits so a command can name where it is valid. */
enum sim_mode {
    M_USER = 1u << 0, /* HOST> (Junos: operational mode) */
    M_PRIV = 1u << 1, /* HOST# */
    M_CONF = 1u << 2, /* HOST(config)# (Junos: configuration mode) */
    M_SUB = 1u << 3   /* HOST(config-if)# and friends */
};

enum sim_state {
    S_LINE,    /* reading a command line, echoing */
    S_SECRET,  /* reading a password, not echoing */
    S_CONFIRM, /* reading the answer to a question */
    S_THINK,   /* the slow fault: output starts at ready_at */
    S_OUTPUT,  /* streaming a command's output */
    S_PAGER,   /* waiting for a key at --More-- */
    S_HANG,    /* the hang fault */
    S_EXIT,
    S_DROP
};

enum sim_act {
    A_NOP,
    A_DATA,        /* a recorded output */
    A_RUN,         /* show running-config / show configuration */
    A_TECH,        /* show tech-support */
    A_TERMLEN,
    A_TERMWIDTH,
    A_ENABLE,
    A_DISABLE,
    A_EXIT,        /* leave the session */
    A_CONF,        /* enter configuration mode */
    A_END,
    A_CFG_EXIT,
    A_DO,          /* do / run: an exec command from config mode */
    A_SECTION,     /* interface X and friends: enter a sub-mode */
    A_HOSTNAME,
    A_CFG_LINE,    /* any other configuration line */
    A_COMMIT,
    A_COMMIT_CHECK,
    A_COMMIT_QUIT,
    A_ABORT,
    A_ROLLBACK,
    A_SHOW_CAND,   /* show in (Junos/XR) configuration mode */
    A_J_SET,
    A_J_DELETE,
    A_J_EDIT,
    A_J_TOP,
    A_J_UP,
    A_WRITE,
    A_COPY_RS
};

/* Questions a command can leave open. */
enum sim_ask {
    Q_NONE,
    Q_ENABLE,      /* Password: */
    Q_XR_EXIT,     /* Uncommitted changes found ... (yes/no/cancel) */
    Q_J_EXIT,      /* Exit with uncommitted changes? [yes,no] (yes) */
    Q_COPY_DEST    /* Destination filename [startup-config]? */
};

struct sim_cmd {
    unsigned modes;
    const char *pat;  /* keywords; <word> one argument, <line> the rest */
    enum sim_act act;
    const char *arg;
    int file;         /* A_DATA: index into labsim_data.files */
};

struct sim_file {
    enum labsim_platform platform;
    char *command;
    char *text;
    size_t len;
};

struct labsim_data {
    struct sim_file *files;
    size_t nfiles;
    /* per platform: the static table followed by the recorded shows */
    struct sim_cmd *cmds[LABSIM_NPLATFORMS];
    size_t ncmds[LABSIM_NPLATFORMS];
};

/* A configuration: lines; a child line of a section starts with one
 * space (rendered with the platform's own indent). Junos keeps set lines
 * without the "set ". */
struct sim_cfg {
    char **line;
    size_t n;
    size_t cap;
};

struct labsim {
    const struct labsim_data *data;
    const struct labsim_dev *dev;
    enum labsim_platform plat;
    char hostname[LABSIM_NAME_MAX];
    int started;
    int exec;
    char *exec_cmd;
    int status;

    enum sim_state st;
    unsigned mode;
    char submode[48];
    char section[SIM_LINE_MAX];
    char edit[SIM_LINE_MAX];      /* Junos [edit ...] path */
    enum sim_ask ask;
    int tries;
    int closing;                  /* exit after this output */

    /* input */
    struct nr_buf in;
    size_t in_off;
    int in_eof;
    char line[SIM_LINE_MAX];
    size_t line_len;
    int last_cr;
    int iac;                      /* telnet IAC bytes still to skip */
    int esc;                      /* inside an escape sequence */

    /* output ready to send */
    struct nr_buf out;
    size_t out_off;

    /* the current command's output */
    struct nr_buf pend;
    size_t pend_off;
    size_t pend_reps;             /* times the text is still to be sent */
    size_t pend_total;
    size_t pend_sent;
    int pend_paged;
    int pend_err;                 /* error output: no colour, no garbage */
    unsigned page_lines;
    unsigned term_len;
    unsigned term_width;
    size_t garble_n;
    int no_more;                  /* | no-more on this command */
    int display_set;              /* | display set on this command */

    uint64_t now;
    uint64_t ready_at;
    uint64_t idle_at;
    uint64_t hang_until;

    struct sim_cfg run;
    struct sim_cfg cand;          /* XR/Junos: the uncommitted candidate */
    int cand_open;
    int dirty;                    /* run changed since it was saved */
    time_t last_change;
};

/* sim_cfg.c */
void sim_cfg_dispose(struct sim_cfg *c);
int sim_cfg_add(struct sim_cfg *c, size_t at, const char *line);
void sim_cfg_del(struct sim_cfg *c, size_t at);
int sim_cfg_copy(struct sim_cfg *dst, const struct sim_cfg *src);
int sim_cfg_equal(const struct sim_cfg *a, const struct sim_cfg *b);
int sim_cfg_defaults(struct labsim *s);
int sim_cfg_load(struct labsim *s);
void sim_cfg_save(struct labsim *s);
int sim_cfg_apply(struct labsim *s, struct sim_cfg *c, const char *section,
                  const char *line);
int sim_cfg_junos_set(struct sim_cfg *c, const char *path);
int sim_cfg_junos_delete(struct sim_cfg *c, const char *path);
int sim_cfg_render(struct labsim *s, const struct sim_cfg *c,
                   struct nr_buf *r, int running);
int sim_cfg_diff(const struct sim_cfg *cand, const struct sim_cfg *run,
                 struct nr_buf *r);
void sim_cfg_find_hostname(struct labsim *s, const struct sim_cfg *c);

/* sim_cmd.c */
int sim_tables_build(struct labsim_data *d);
void sim_tables_free(struct labsim_data *d);
int sim_run_line(struct labsim *s, const char *text, struct nr_buf *r);
int sim_answer(struct labsim *s, const char *text, struct nr_buf *r);
void sim_prompt(const struct labsim *s, struct nr_buf *b);

/* sim.c */
enum sim_tfmt { TF_ISO, TF_IOS, TF_CTIME };
int sim_time_str(char *buf, size_t len, enum sim_tfmt f, time_t t);

#endif
