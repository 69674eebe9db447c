/* err.c — the one error type: kind, host, operation, message. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "netrun.h"

static const char *const kind_names[] = {
    [NR_OK] = "ok",
    [NR_ERR_CONNECT] = "connect",
    [NR_ERR_AUTH] = "auth",
    [NR_ERR_HOSTKEY] = "hostkey",
    [NR_ERR_TIMEOUT] = "timeout",
    [NR_ERR_PROTOCOL] = "protocol",
    [NR_ERR_COMMAND] = "command",
    [NR_ERR_PARSE] = "parse",
    [NR_ERR_IO] = "io",
    [NR_ERR_LIMIT] = "limit",
    [NR_ERR_USAGE] = "usage",
};

const char *nr_err_kind_name(enum nr_err_kind kind)
{
    if ((unsigned)kind >= sizeof(kind_names) / sizeof(kind_names[0])) {
        return "unknown";
    }
    return kind_names[kind];
}

void nr_err_set(struct nr_err *err, enum nr_err_kind kind, const char *op,
                const char *fmt, ...)
{
    va_list ap;

    if (err == NULL) {
        return;
    }
    err->kind = kind;
    snprintf(err->op, sizeof(err->op), "%s", op != NULL ? op : "");
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
}

void nr_err_set_host(struct nr_err *err, const char *host)
{
    if (err != NULL) {
        snprintf(err->host, sizeof(err->host), "%s", host != NULL ? host : "");
    }
}

void nr_err_clear(struct nr_err *err)
{
    if (err != NULL) {
        err->kind = NR_OK;
        err->host[0] = '\0';
        err->op[0] = '\0';
        err->msg[0] = '\0';
    }
}

const char *nr_err_str(const struct nr_err *err, char *buf, size_t size)
{
    size_t off = 0;
    int n;

    if (size == 0) {
        return buf;
    }
    buf[0] = '\0';
    if (err->host[0] != '\0') {
        n = snprintf(buf + off, size - off, "%s: ", err->host);
        off += (n > 0 && (size_t)n < size - off) ? (size_t)n : 0;
    }
    if (err->op[0] != '\0') {
        n = snprintf(buf + off, size - off, "%s: ", err->op);
        off += (n > 0 && (size_t)n < size - off) ? (size_t)n : 0;
    }
    snprintf(buf + off, size - off, "%s", err->msg);
    return buf;
}

const char *nr_version(void)
{
    return NR_VERSION;
}
