/* netinv — inspect an inventory as netrun (and Ansible) sees it. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netrun.h"
#include "opts.h"


/* One table drives getopt_long and --help (and the man page check). */
static const struct opt OPTS[] = {
    { "inventory", 'i', "SOURCE", "inventory file, directory, script, '-' "
                                  "or 'h1,h2,' (repeatable; default "
                                  "$NETRUN_INVENTORY)" },
    { "limit", 'l', "PATTERN", "host pattern (Ansible syntax, @file)" },
    { "extra-vars", 'e', "K=V", "extra variable, or @FILE (repeatable)" },
    { "list", 'L', NULL, "print the inventory as ansible-inventory --list" },
    { "host", 'H', "NAME", "print one host's variables" },
    { "origin", 'O', NULL, "with --host: where each value comes from" },
    { "graph", 'G', NULL, "print the group tree (optionally of GROUP)" },
    { "names", 'N', NULL, "print the matched host names, one per line" },
    { "show-secrets", 'S', NULL, "print secret values instead of ********" },
    { "quiet", 'q', NULL, "no warnings on stderr" },
    { "version", 'V', NULL, "print the version" },
    { "help", 'h', NULL, "this help" },
};
#define NOPTS (sizeof(OPTS) / sizeof(OPTS[0]))

static void usage(FILE *fp)
{
    fprintf(fp, "usage: netinv [-i SOURCE]... [-l PATTERN] [-e K=V]... "
                "(--list | --host NAME [--origin] | --graph [GROUP] | "
                "--names)\n\n");
    opts_usage(fp, OPTS, NOPTS, "ileqh", 26);
}

static void on_warning(void *payload, const char *msg)
{
    if (!*(int *)payload) {
        fprintf(stderr, "netinv: warning: %s\n", msg);
    }
}

static int print_out(char *text, int newline)
{
    int rc = 0;

    if (fputs(text, stdout) == EOF || (newline && fputc('\n', stdout) == EOF)) {
        rc = -1;
    }
    free(text);
    return rc;
}

int main(int argc, char **argv)
{
    struct option lo[NOPTS + 1];
    char shorts[3 * NOPTS + 2];
    const char **sources = NULL;
    size_t nsrc = 0;
    const char **extras = NULL;
    size_t nextra = 0;
    const char *limit = NULL, *host = NULL;
    int mode = 0, origin = 0, quiet = 0;
    unsigned flags = 0;
    struct nr_inventory *inv = NULL;
    struct nr_hostset *set = NULL;
    struct nr_err err = NR_ERR_INIT;
    char ebuf[800];
    char *text = NULL;
    int c, rc = 2;

    signal(SIGPIPE, SIG_IGN);
    opts_getopt(OPTS, NOPTS, "ileqh", "", lo, shorts);
    sources = calloc((size_t)argc + 2, sizeof(*sources));
    extras = calloc((size_t)argc + 1, sizeof(*extras));
    if (sources == NULL || extras == NULL) {
        fprintf(stderr, "netinv: out of memory\n");
        goto out;
    }
    while ((c = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
        switch (c) {
        case 'i': sources[nsrc++] = optarg; break;
        case 'l': limit = optarg; break;
        case 'e': extras[nextra++] = optarg; break;
        case 'L': mode = 'L'; break;
        case 'H': mode = 'H'; host = optarg; break;
        case 'O': origin = 1; break;
        case 'G': mode = 'G'; break;
        case 'N': mode = 'N'; break;
        case 'S': flags |= NR_INV_SHOW_SECRETS; break;
        case 'q': quiet = 1; break;
        case 'V': printf("netinv %s\n", nr_version()); rc = 0; goto out;
        case 'h': usage(stdout); rc = 0; goto out;
        default: usage(stderr); goto out;
        }
    }
    if (mode == 0) {
        fprintf(stderr, "netinv: say what to print: --list, --host NAME, "
                        "--graph or --names\n");
        usage(stderr);
        goto out;
    }
    if (origin && mode != 'H') {
        fprintf(stderr, "netinv: --origin goes with --host NAME\n");
        goto out;
    }
    if (optind < argc && mode != 'G') {
        fprintf(stderr, "netinv: unexpected argument: %s\n", argv[optind]);
        goto out;
    }
    if (nsrc == 0) {
        const char *env = getenv("NETRUN_INVENTORY");

        if (env == NULL || env[0] == '\0') {
            fprintf(stderr, "netinv: no inventory: use -i SOURCE or set "
                            "NETRUN_INVENTORY\n");
            goto out;
        }
        sources[nsrc++] = env;
    }
    if (nr_inventory_load(&inv, sources, nsrc, NULL, &err) != 0) {
        fprintf(stderr, "%s\n", nr_err_str(&err, ebuf, sizeof(ebuf)));
        goto out;
    }
    nr_inventory_on_warning(inv, on_warning, &quiet);
    for (size_t i = 0; i < nextra; i++) {
        if (nr_inventory_add_extra(inv, extras[i], &err) != 0) {
            fprintf(stderr, "%s\n", nr_err_str(&err, ebuf, sizeof(ebuf)));
            goto out;
        }
    }
    if ((limit != NULL || mode == 'N') &&
        nr_inventory_select(&set, inv, limit, &err) != 0) {
        fprintf(stderr, "netinv: %s\n", nr_err_str(&err, ebuf, sizeof(ebuf)));
        goto out;
    }
    switch (mode) {
    case 'L':
        rc = nr_inventory_list_json(&text, inv, set, flags, &err);
        break;
    case 'H':
        rc = origin ? nr_inventory_origin(&text, inv, host, flags, &err)
                    : nr_inventory_host_json(&text, inv, host, flags, &err);
        break;
    case 'G':
        rc = nr_inventory_graph(&text, inv, optind < argc ? argv[optind] : NULL,
                                set, &err);
        break;
    default:
        for (size_t i = 0; i < nr_hostset_count(set); i++) {
            printf("%s\n", nr_hostset_name(set, i));
        }
        rc = 0;
        break;
    }
    if (rc != 0) {
        fprintf(stderr, "netinv: %s\n", nr_err_str(&err, ebuf, sizeof(ebuf)));
        rc = 2;
        goto out;
    }
    if (text != NULL) {
        rc = print_out(text, mode == 'L' || (mode == 'H' && !origin)) == 0 ? 0 : 1;
        text = NULL;
    }
    if (fflush(stdout) != 0) {
        rc = 1;
    }
out:
    free(text);
    nr_hostset_free(set);
    nr_inventory_free(inv);
    free(sources);
    free(extras);
    return rc;
}
