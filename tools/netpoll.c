/* netpoll — SNMP get / walk / table / set across an inventory or ad hoc
 * targets, and counter rates over repeated polls. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "netrun.h"
#include "opts.h"


enum {
    O_SEC_LEVEL = 256, O_USER, O_AUTH_PROTO, O_AUTH_PASS, O_PRIV_PROTO,
    O_PRIV_PASS, O_CONTEXT, O_ENGINE_ID, O_INTERVAL, O_COUNT, O_GETNEXT,
    O_ALLOW_SET, O_MIBS,
};

/* One table drives getopt_long and --help (and the man page check). */
static const struct opt OPTS[] = {
    { "inventory", 'i', "SOURCE", "inventory source (repeatable; default "
                                  "$NETRUN_INVENTORY)" },
    { "limit", 'l', "PATTERN", "host pattern (Ansible syntax)" },
    { "extra-vars", 'e', "K=V", "extra variable, or @FILE (repeatable)" },
    { "hosts", 'H', "TARGETS", "ad hoc agents: host[:port][,...], @FILE or "
                               "- (stdin)" },
    { "snmp-version", 'v', "VER", "SNMP version: 1, 2c or 3 (default 2c)" },
    { "community", 'c', "COMMUNITY", "v1/v2c community (default public)" },
    { "sec-level", O_SEC_LEVEL, "LEVEL", "v3: noAuthNoPriv, authNoPriv or "
                                         "authPriv" },
    { "user", O_USER, "NAME", "v3 security name" },
    { "auth-proto", O_AUTH_PROTO, "PROTO", "v3: MD5, SHA, SHA-224, SHA-256, "
                                           "SHA-384, SHA-512" },
    { "auth-pass", O_AUTH_PASS, "PASS", "v3 authentication passphrase" },
    { "priv-proto", O_PRIV_PROTO, "PROTO", "v3: DES, AES, AES-192, AES-256" },
    { "priv-pass", O_PRIV_PASS, "PASS", "v3 privacy passphrase" },
    { "context", O_CONTEXT, "NAME", "v3 context name" },
    { "engine-id", O_ENGINE_ID, "HEX", "v3 engine ID (skips discovery)" },
    { "port", 'p', "PORT", "UDP port (default 161)" },
    { "timeout", 't', "SECONDS", "per try (default 1)" },
    { "retries", 'r', "N", "tries after the first (default 2)" },
    { "max-repetitions", 'm', "N", "GETBULK max-repetitions (default 25)" },
    { "jobs", 'j', "N", "requests in flight at most (default 64)" },
    { "interval", O_INTERVAL, "SECONDS", "counter mode: time between polls "
                                         "(default 10)" },
    { "count", O_COUNT, "N", "counter mode: number of polls (2 or more)" },
    { "numeric", 'n', NULL, "print OIDs as numbers, not names" },
    { "getnext", O_GETNEXT, NULL, "walk with GETNEXT, not GETBULK" },
    { "allow-set", O_ALLOW_SET, NULL, "permit the set command" },
    { "mibs", O_MIBS, NULL, "also read the MIB files net-snmp finds" },
    { "format", 'f', "FMT", "text, jsonl, json or csv (default text)" },
    { "quiet", 'q', NULL, "no warnings on stderr" },
    { "version", 'V', NULL, "print the version" },
    { "help", 'h', NULL, "this help" },
};
#define NOPTS (sizeof(OPTS) / sizeof(OPTS[0]))

static void usage(FILE *fp)
{
    fprintf(fp, "usage: netpoll [-i SOURCE]... [-l PATTERN] [-H TARGETS] "
                "[options] COMMAND ARG...\n"
                "commands: get OID...  walk OID...  bulkwalk OID...  "
                "table TABLE...\n"
                "          set OID TYPE VALUE... (with --allow-set)\n\n");
    opts_usage(fp, OPTS, NOPTS, "ileHvcptrmjnfqh", 30);
}

static void on_warning(void *payload, const char *msg)
{
    if (!*(int *)payload) {
        fprintf(stderr, "netpoll: warning: %s\n", msg);
    }
}

struct sink {
    struct nr_out *out;
    int epipe;
};

/* A fleet walk makes a million records: they wait in stdout's buffer,
 * which goes out when full or when the engine is about to wait for
 * agents, not one write(2) each. */
static char outbuf[1 << 18];

static int on_record(void *payload, const struct nr_rec *rec,
                     struct nr_err *err)
{
    struct sink *s = payload;

    if (rec == NULL) {
        if (fflush(stdout) != 0) {
            if (errno == EPIPE) {
                s->epipe = 1;
            }
            nr_err_set(err, NR_ERR_IO, "output", "write: %s",
                       strerror(errno));
            return -1;
        }
        return 0;
    }
    if (nr_out_write(s->out, rec, err) != 0) {
        if (errno == EPIPE) {
            s->epipe = 1;
        }
        return -1;
    }
    return 0;
}

/* -H @FILE / -H -: the whole file as text. */
static char *slurp(const char *path)
{
    FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    char *buf = NULL;
    size_t len = 0, cap = 0;

    if (fp == NULL) {
        return NULL;
    }
    for (;;) {
        size_t got;

        if (len + 4096 + 1 > cap) {
            size_t nc = cap ? cap * 2 : 8192;
            char *nb = nc <= ((size_t)64 << 20) ? realloc(buf, nc) : NULL;

            if (nb == NULL) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap = nc;
        }
        got = fread(buf + len, 1, 4096, fp);
        len += got;
        if (got == 0) {
            buf[len] = '\0';
            break;
        }
    }
    if (fp != stdin) {
        fclose(fp);
    }
    return buf;
}

static int parse_num(const char *s, double lo, double hi, double *v)
{
    char *end;

    errno = 0;
    *v = strtod(s, &end);
    return end != s && *end == '\0' && errno == 0 && *v >= lo && *v <= hi
               ? 0 : -1;
}

int main(int argc, char **argv)
{
    struct option lo[NOPTS + 1];
    char shorts[3 * NOPTS + 2];
    const char **sources = NULL, **extras = NULL;
    size_t nsrc = 0, nextra = 0;
    const char *limit = NULL, *hosts = NULL, *fmtname = "text";
    struct nr_snmp_conf conf = NR_SNMP_CONF_INIT;
    struct nr_snmp_req req = NR_SNMP_REQ_INIT;
    int quiet = 0, allow_set = 0, mibs = 0, have_interval = 0;
    enum nr_out_format fmt = NR_OUT_TEXT;
    struct nr_inventory *inv = NULL;
    struct nr_hostset *set = NULL;
    struct nr_snmp_target **targets = NULL;
    size_t ntargets = 0, nbad = 0, nfailed = 0;
    char **addrs = NULL;
    size_t naddrs = 0;
    char *hosttext = NULL;
    char **cols = NULL;
    size_t ncols = 0;
    struct sink sink = { NULL, 0 };
    struct nr_err err = NR_ERR_INIT;
    char ebuf[800];
    const char *cmd;
    double d;
    int c, rc = 2;

    signal(SIGPIPE, SIG_IGN);
    opts_getopt(OPTS, NOPTS, "ileHvcptrmjnfqh", "+", lo, shorts);
    sources = calloc((size_t)argc + 2, sizeof(*sources));
    extras = calloc((size_t)argc + 1, sizeof(*extras));
    if (sources == NULL || extras == NULL) {
        fprintf(stderr, "netpoll: out of memory\n");
        goto out;
    }
    while ((c = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
        switch (c) {
        case 'i': sources[nsrc++] = optarg; break;
        case 'l': limit = optarg; break;
        case 'e': extras[nextra++] = optarg; break;
        case 'H': hosts = optarg; break;
        case 'v': conf.version = optarg; break;
        case 'c': conf.community = optarg; break;
        case O_SEC_LEVEL: conf.sec_level = optarg; break;
        case O_USER: conf.user = optarg; break;
        case O_AUTH_PROTO: conf.auth_proto = optarg; break;
        case O_AUTH_PASS: conf.auth_pass = optarg; break;
        case O_PRIV_PROTO: conf.priv_proto = optarg; break;
        case O_PRIV_PASS: conf.priv_pass = optarg; break;
        case O_CONTEXT: conf.context = optarg; break;
        case O_ENGINE_ID: conf.engine_id = optarg; break;
        case 'p':
            if (parse_num(optarg, 1, 65535, &d) != 0) {
                fprintf(stderr, "netpoll: --port: 1 to 65535\n");
                goto out;
            }
            conf.port = (int)d;
            break;
        case 't':
            if (parse_num(optarg, 0.001, 3600, &d) != 0) {
                fprintf(stderr, "netpoll: --timeout: seconds, 0.001 to 3600\n");
                goto out;
            }
            conf.timeout_ms = (int)(d * 1000 + 0.5);
            break;
        case 'r':
            if (parse_num(optarg, 0, 100, &d) != 0) {
                fprintf(stderr, "netpoll: --retries: 0 to 100\n");
                goto out;
            }
            conf.retries = (int)d;
            break;
        case 'm':
            if (parse_num(optarg, 1, 10000, &d) != 0) {
                fprintf(stderr, "netpoll: --max-repetitions: 1 to 10000\n");
                goto out;
            }
            conf.max_rep = (int)d;
            break;
        case 'j':
            if (parse_num(optarg, 1, 100000, &d) != 0) {
                fprintf(stderr, "netpoll: --jobs: 1 to 100000\n");
                goto out;
            }
            req.jobs = (int)d;
            break;
        case O_INTERVAL:
            if (parse_num(optarg, 0, 86400, &d) != 0) {
                fprintf(stderr, "netpoll: --interval: seconds, 0 to 86400\n");
                goto out;
            }
            req.interval = d;
            have_interval = 1;
            break;
        case O_COUNT:
            if (parse_num(optarg, 2, 1000000, &d) != 0) {
                fprintf(stderr, "netpoll: --count: 2 or more\n");
                goto out;
            }
            req.count = (int)d;
            break;
        case 'n': req.flags |= NR_SNMP_NUMERIC; break;
        case O_GETNEXT: req.flags |= NR_SNMP_GETNEXT; break;
        case O_ALLOW_SET: allow_set = 1; break;
        case O_MIBS: mibs = 1; break;
        case 'f': fmtname = optarg; break;
        case 'q': quiet = 1; break;
        case 'V': printf("netpoll %s\n", nr_version()); rc = 0; goto out;
        case 'h': usage(stdout); rc = 0; goto out;
        default: usage(stderr); goto out;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "netpoll: no command (get, walk, bulkwalk, table, "
                        "set)\n");
        usage(stderr);
        goto out;
    }
    cmd = argv[optind++];
    if (strcmp(cmd, "get") == 0) {
        req.op = NR_SNMP_GET;
    } else if (strcmp(cmd, "walk") == 0) {
        req.op = NR_SNMP_WALK;
    } else if (strcmp(cmd, "bulkwalk") == 0) {
        req.op = NR_SNMP_BULKWALK;
    } else if (strcmp(cmd, "table") == 0) {
        req.op = NR_SNMP_TABLE;
    } else if (strcmp(cmd, "set") == 0) {
        req.op = NR_SNMP_SET;
        if (!allow_set) {
            fprintf(stderr, "netpoll: set changes the agents: add "
                            "--allow-set to mean it\n");
            goto out;
        }
    } else {
        fprintf(stderr, "netpoll: unknown command '%s' (get, walk, bulkwalk, "
                        "table, set)\n", cmd);
        goto out;
    }
    if (req.count > 1 && !have_interval) {
        req.interval = 10;
    }
    if (have_interval && req.count < 2) {
        fprintf(stderr, "netpoll: --interval goes with --count N (N >= 2)\n");
        goto out;
    }
    req.args = (const char *const *)argv + optind;
    req.nargs = (size_t)(argc - optind);
    if (nr_out_format_parse(&fmt, fmtname, &err) != 0) {
        fprintf(stderr, "netpoll: %s\n", nr_err_str(&err, ebuf, sizeof(ebuf)));
        goto out;
    }
    if (fmt == NR_OUT_TEXT) {
        req.flags |= NR_SNMP_TEXT_ONLY;   /* text prints the line only */
    }
    if (mibs && nr_snmp_load_mibs(&err) != 0) {
        fprintf(stderr, "netpoll: %s\n", nr_err_str(&err, ebuf, sizeof(ebuf)));
        goto out;
    }
    if (nr_snmp_req_check(&req, &err) != 0) {
        fprintf(stderr, "netpoll: %s\n", nr_err_str(&err, ebuf, sizeof(ebuf)));
        goto out;
    }
    if (nsrc == 0 && hosts == NULL) {
        const char *env = getenv("NETRUN_INVENTORY");

        if (env == NULL || env[0] == '\0') {
            fprintf(stderr, "netpoll: no agents: use -H TARGETS, -i SOURCE or "
                            "set NETRUN_INVENTORY\n");
            goto out;
        }
        sources[nsrc++] = env;
    }
    if (hosts != NULL) {
        const char *text = hosts;

        if (hosts[0] == '@' || strcmp(hosts, "-") == 0) {
            hosttext = slurp(hosts[0] == '@' ? hosts + 1 : "-");
            if (hosttext == NULL) {
                fprintf(stderr, "netpoll: -H %s: %s\n", hosts,
                        strerror(errno ? errno : ENOMEM));
                goto out;
            }
            text = hosttext;
        }
        if (nr_snmp_hosts_split(&addrs, &naddrs, text, &err) != 0) {
            fprintf(stderr, "netpoll: -H: %s\n",
                    nr_err_str(&err, ebuf, sizeof(ebuf)));
            goto out;
        }
    }
    if (nsrc > 0) {
        if (nr_inventory_load(&inv, sources, nsrc, NULL, &err) != 0) {
            fprintf(stderr, "netpoll: %s\n", nr_err_str(&err, ebuf,
                                                        sizeof(ebuf)));
            goto out;
        }
        nr_inventory_on_warning(inv, on_warning, &quiet);
        for (size_t i = 0; i < nextra; i++) {
            if (nr_inventory_add_extra(inv, extras[i], &err) != 0) {
                fprintf(stderr, "netpoll: %s\n",
                        nr_err_str(&err, ebuf, sizeof(ebuf)));
                goto out;
            }
        }
        if (nr_inventory_select(&set, inv, limit, &err) != 0) {
            fprintf(stderr, "netpoll: %s\n", nr_err_str(&err, ebuf,
                                                        sizeof(ebuf)));
            goto out;
        }
    }
    targets = calloc(naddrs + (set != NULL ? nr_hostset_count(set) : 0) + 1,
                     sizeof(*targets));
    if (targets == NULL) {
        fprintf(stderr, "netpoll: out of memory\n");
        goto out;
    }
    setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));   /* nothing out yet */
    if (nr_snmp_columns(&cols, &ncols, &req, &err) != 0 ||
        nr_out_new(&sink.out, stdout, fmt, (const char *const *)cols, ncols,
                   &err) != 0) {
        fprintf(stderr, "netpoll: %s\n", nr_err_str(&err, ebuf, sizeof(ebuf)));
        goto out;
    }
    nr_out_set_flush(sink.out, 0);   /* on_record(NULL) flushes */
    for (size_t i = 0; i < naddrs; i++) {
        if (nr_snmp_target_new(&targets[ntargets], addrs[i], addrs[i], &conf,
                               &err) != 0) {
            fprintf(stderr, "netpoll: %s\n",
                    nr_err_str(&err, ebuf, sizeof(ebuf)));
            goto out;
        }
        ntargets++;
    }
    for (size_t i = 0; set != NULL && i < nr_hostset_count(set); i++) {
        struct nr_host *h = NULL;
        const char *name = nr_hostset_name(set, i);

        /* a host whose settings are wrong fails alone: one record */
        if (nr_inventory_host(&h, inv, name, &err) != 0 ||
            nr_snmp_target_from_host(&targets[ntargets], h, &conf, &err) != 0) {
            struct nr_rec *rec = nr_rec_new(name);

            nr_err_set_host(&err, name);
            if (rec != NULL) {
                size_t el = strlen(nr_err_str(&err, ebuf, sizeof(ebuf) - 1));

                ebuf[el++] = '\n';
                nr_rec_result(rec, &err);
                nr_rec_text(rec, ebuf, el);
                if (on_record(&sink, rec, &err) != 0 && sink.epipe) {
                    nr_rec_free(rec);
                    nr_host_free(h);
                    rc = 1;
                    goto out;
                }
                nr_rec_free(rec);
            }
            nbad++;
        } else {
            ntargets++;
        }
        nr_host_free(h);
    }
    {
        /* room for -j sockets (and a margin for the rest) */
        struct rlimit rl;

        if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
            rl.rlim_cur = rl.rlim_max;
            setrlimit(RLIMIT_NOFILE, &rl);
        }
    }
    if (nr_snmp_run(&nfailed, targets, ntargets, &req, on_record, &sink,
                    &err) != 0) {
        if (!sink.epipe) {
            fprintf(stderr, "netpoll: %s\n",
                    nr_err_str(&err, ebuf, sizeof(ebuf)));
        }
        rc = sink.epipe ? 1 : 2;
        goto out;
    }
    if (nr_out_finish(sink.out, &err) != 0) {
        rc = 1;
        goto out;
    }
    rc = nfailed + nbad > 0 ? 1 : 0;
out:
    nr_out_free(sink.out);
    free(cols);
    for (size_t i = 0; targets != NULL && i < ntargets; i++) {
        nr_snmp_target_free(targets[i]);
    }
    free(targets);
    nr_snmp_hosts_free(addrs, naddrs);
    free(hosttext);
    nr_hostset_free(set);
    nr_inventory_free(inv);
    free(sources);
    free(extras);
    return rc;
}
