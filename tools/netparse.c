/* netparse — parse saved device output with TextFSM templates. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "netrun.h"

#define MAX_INPUT ((size_t)1 << 30)

enum { EXIT_PARSE = 1, EXIT_USAGE = 2 };

struct opt {
    const char *name;
    int has_arg;
    int key;
    const char *arg;
    const char *help;
};

/* The one table: getopt_long's options and --help both come from it. */
static const struct opt opts[] = {
    { "template", 1, 't', "T[:T...]",
      "template file(s); several are merged on their Key values" },
    { "platform", 1, 'p', "NAME", "platform for index selection" },
    { "command", 1, 'c', "CMD", "command for index selection" },
    { "templates", 1, 'T', "DIR",
      "template folder searched first (repeatable)" },
    { "format", 1, 'f', "FMT", "json, jsonl, csv or text (default text)" },
    { "help", 0, 'h', NULL, "show this help" },
    { "version", 0, 'V', NULL, "show the version" },
};
#define NOPTS (sizeof(opts) / sizeof(opts[0]))

static void usage(FILE *fp)
{
    size_t i;
    char left[64];

    fprintf(fp, "usage: netparse (-t TEMPLATE | -p PLATFORM -c COMMAND) "
                "[options] [FILE...]\n"
                "Parse device output (FILE or stdin) into records.\n\n");
    for (i = 0; i < NOPTS; i++) {
        snprintf(left, sizeof(left), "-%c, --%s%s%s", opts[i].key,
                 opts[i].name, opts[i].arg != NULL ? " " : "",
                 opts[i].arg != NULL ? opts[i].arg : "");
        fprintf(fp, "  %-28s %s\n", left, opts[i].help);
    }
    fprintf(fp, "\nTemplates are searched in --templates dirs, then "
                "$NETRUN_TEMPLATES, then the installed set, then the source\n"
                "tree's templates/parse.\n"
                "Exit status: 0 ok, 1 parse error, 2 usage or template "
                "error.\n");
}

static int read_all(FILE *fp, char **out, size_t *len)
{
    char *b = NULL;
    size_t n = 0, cap = 0, r;
    void *p;

    for (;;) {
        if (cap - n < 65536) {
            if (cap >= MAX_INPUT) {
                free(b);
                errno = EMSGSIZE;
                return -1;
            }
            cap = cap ? cap * 2 : 131072;
            p = realloc(b, cap);
            if (p == NULL) {
                free(b);
                return -1;
            }
            b = p;
        }
        r = fread(b + n, 1, cap - n, fp);
        n += r;
        if (r == 0) {
            break;
        }
    }
    if (ferror(fp)) {
        free(b);
        return -1;
    }
    *out = b;
    *len = n;
    return 0;
}

/* A regular file is mapped, not read: no copy, no growing buffer.
 * Returns the length mapped (0: not a non-empty regular file, read it
 * instead) or (size_t)-1 on error. */
static size_t map_input(FILE *fp, char **out)
{
    struct stat st;
    void *p;

    *out = NULL;
    if (fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode) ||
        st.st_size <= 0) {
        return 0;
    }
    if ((size_t)st.st_size > MAX_INPUT) {
        errno = EMSGSIZE;
        return (size_t)-1;
    }
    p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE,
             fileno(fp), 0);
    if (p == MAP_FAILED) {
        return 0;
    }
    *out = p;
    return (size_t)st.st_size;
}

static enum nr_tfsm_format parse_format(const char *s, int *ok)
{
    *ok = 1;
    if (strcmp(s, "json") == 0) {
        return NR_TFSM_JSON;
    }
    if (strcmp(s, "jsonl") == 0) {
        return NR_TFSM_JSONL;
    }
    if (strcmp(s, "csv") == 0) {
        return NR_TFSM_CSV;
    }
    if (strcmp(s, "text") == 0) {
        return NR_TFSM_TEXT;
    }
    *ok = 0;
    return NR_TFSM_TEXT;
}

static int report(const struct nr_err *err)
{
    char buf[800];

    fprintf(stderr, "netparse: %s\n", nr_err_str(err, buf, sizeof(buf)));
    return err->kind == NR_ERR_PARSE ? EXIT_PARSE : EXIT_USAGE;
}

static int write_out(const char *p, size_t n, void *payload)
{
    return fwrite(p, 1, n, (FILE *)payload) == n ? 0 : -1;
}

/* Parse one input and print its records; returns an exit status. */
static int parse_one(const struct nr_tfsm *fsm, const char *name,
                     enum nr_tfsm_format fmt)
{
    struct nr_err err = NR_ERR_INIT;
    struct nr_tfsm_records *rec = NULL;
    FILE *fp = stdin;
    char *text = NULL;
    size_t len = 0, mapped = 0;
    int rc = EXIT_USAGE;

    if (name != NULL && strcmp(name, "-") != 0) {
        fp = fopen(name, "rb");
        if (fp == NULL) {
            fprintf(stderr, "netparse: %s: %s\n", name, strerror(errno));
            goto out;
        }
    }
    mapped = map_input(fp, &text);
    len = mapped;
    if (mapped == (size_t)-1 || (mapped == 0 && read_all(fp, &text, &len) !=
                                                    0)) {
        mapped = 0;
        fprintf(stderr, "netparse: %s: %s\n", name ? name : "stdin",
                strerror(errno));
        goto out;
    }
    /* The records point into the input: no copy of what is held (or
     * mapped) already; it stays until they are written. */
    if (nr_tfsm_parse_in_place(&rec, fsm, text, len, &err) != 0) {
        if (name != NULL) {
            nr_err_set_host(&err, name);
        }
        rc = report(&err);
        goto out;
    }
    if (nr_tfsm_records_write(rec, fmt, write_out, stdout, &err) != 0 ||
        fflush(stdout) != 0) {
        if (err.kind != NR_ERR_IO && err.kind != NR_OK) {
            rc = report(&err);
        } else {
            rc = errno == EPIPE ? 0 : EXIT_PARSE;
        }
        goto out;
    }
    rc = 0;
out:
    if (fp != NULL && fp != stdin) {
        fclose(fp);
    }
    nr_tfsm_records_free(rec);
    if (mapped > 0) {
        munmap(text, mapped);
    } else {
        free(text);
    }
    return rc;
}

int main(int argc, char **argv)
{
    struct option lo[NOPTS + 1];
    char shorts[NOPTS * 2 + 2];
    struct nr_err err = NR_ERR_INIT;
    struct nr_tfsm *fsm = NULL;
    const char **extra = NULL;
    size_t nextra = 0;
    char **dirs = NULL;
    size_t ndirs = 0;
    const char *tpl = NULL, *platform = NULL, *command = NULL;
    char *paths = NULL;
    enum nr_tfsm_format fmt = NR_TFSM_TEXT;
    size_t i, k = 0;
    int c, ok, r;
    int rc = EXIT_USAGE;

    signal(SIGPIPE, SIG_IGN);
    for (i = 0; i < NOPTS; i++) {
        lo[i].name = opts[i].name;
        lo[i].has_arg = opts[i].has_arg ? required_argument : no_argument;
        lo[i].flag = NULL;
        lo[i].val = opts[i].key;
        shorts[k++] = (char)opts[i].key;
        if (opts[i].has_arg) {
            shorts[k++] = ':';
        }
    }
    memset(&lo[NOPTS], 0, sizeof(lo[NOPTS]));
    shorts[k] = '\0';
    extra = calloc((size_t)argc + 1, sizeof(char *));
    if (extra == NULL) {
        goto out;
    }
    while ((c = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
        switch (c) {
        case 't': tpl = optarg; break;
        case 'p': platform = optarg; break;
        case 'c': command = optarg; break;
        case 'T': extra[nextra++] = optarg; break;
        case 'f':
            fmt = parse_format(optarg, &ok);
            if (!ok) {
                fprintf(stderr, "netparse: unknown format '%s'\n", optarg);
                goto out;
            }
            break;
        case 'h':
            usage(stdout);
            rc = 0;
            goto out;
        case 'V':
            printf("netparse %s\n", nr_version());
            rc = 0;
            goto out;
        default:
            usage(stderr);
            goto out;
        }
    }
    if ((tpl == NULL) == (platform == NULL && command == NULL)) {
        fprintf(stderr, "netparse: give either -t TEMPLATE or --platform "
                        "and --command\n");
        goto out;
    }
    if (nr_tfsm_dirs(&dirs, &ndirs, extra, nextra, &err) != 0) {
        rc = report(&err);
        goto out;
    }
    r = tpl != NULL
            ? nr_tfsm_resolve(&paths, tpl, (const char *const *)dirs, ndirs,
                              &err)
            : nr_tfsm_select(&paths, (const char *const *)dirs, ndirs,
                             platform, command, &err);
    if (r != 0 || nr_tfsm_load(&fsm, paths, &err) != 0) {
        rc = EXIT_USAGE;
        report(&err);
        goto out;
    }
    rc = 0;
    if (optind >= argc) {
        rc = parse_one(fsm, NULL, fmt);
    }
    for (; optind < argc; optind++) {
        r = parse_one(fsm, argv[optind], fmt);
        rc = r > rc ? r : rc;
    }
out:
    nr_tfsm_free(fsm);
    nr_tfsm_dirs_free(dirs, ndirs);
    free(paths);
    free(extra);
    return rc;
}
