/* fuzz_snmp_oid.c — the parsers of what users type: OIDs and names
 * (then named back), target addresses, -H target lists and credential
 * settings.  Input: lines; the first byte picks the parser. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "snmp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void oid_roundtrip(const char *s)
{
    oid num[MAX_OID_LEN];
    size_t len = 0;
    struct nr_err err = NR_ERR_INIT;
    struct nr_buf a = NR_BUF_INIT(1 << 16), n = NR_BUF_INIT(1 << 16),
                  x = NR_BUF_INIT(1 << 16);

    if (nr_snmp__oid_parse(num, &len, s, &err) == 0) {
        oid back[MAX_OID_LEN];
        size_t blen = 0;

        nr_snmp__oid_str(&a, num, len);
        nr_snmp__oid_name(&n, &x, num, len, 0, NULL);
        /* the numeric form parses to the same OID */
        if (nr_snmp__oid_parse(back, &blen, nr_buf_str(&a), &err) != 0 ||
            blen != len || memcmp(back, num, len * sizeof(oid)) != 0) {
            abort();
        }
    }
    nr_buf_dispose(&a);
    nr_buf_dispose(&n);
    nr_buf_dispose(&x);
}

static void target(const char *s)
{
    /* "addr|version|user|level|auth|priv" */
    char *copy = strdup(s), *f[6] = { NULL };
    char *p = copy;
    struct nr_snmp_conf c = NR_SNMP_CONF_INIT;
    struct nr_snmp_target *t = NULL;
    struct nr_err err = NR_ERR_INIT;

    if (copy == NULL) {
        return;
    }
    for (int i = 0; i < 6 && p != NULL; i++) {
        f[i] = p;
        p = strchr(p, '|');
        if (p != NULL) {
            *p++ = '\0';
        }
    }
    c.version = f[1];
    c.user = f[2];
    c.sec_level = f[3];
    c.auth_proto = f[4];
    c.priv_proto = f[5];
    c.auth_pass = "fuzz-auth-pass";
    c.priv_pass = "fuzz-priv-pass";
    c.engine_id = f[5];
    if (nr_snmp_target_new(&t, "f", f[0], &c, &err) == 0) {
        nr_snmp_target_free(t);
    }
    free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s;

    if (size < 1 || size > 4096) {
        return 0;
    }
    s = malloc(size);
    if (s == NULL) {
        return 0;
    }
    memcpy(s, data + 1, size - 1);
    s[size - 1] = '\0';
    nr_snmp__init();
    switch (data[0] % 4) {
    case 0:
        oid_roundtrip(s);
        break;
    case 1: {
        char host[256];
        int port;
        struct nr_err err = NR_ERR_INIT;

        nr_snmp__addr_parse(host, sizeof(host), &port, s, &err);
        break;
    }
    case 2: {
        char **v = NULL;
        size_t n = 0;
        struct nr_err err = NR_ERR_INIT;

        if (nr_snmp_hosts_split(&v, &n, s, &err) == 0) {
            nr_snmp_hosts_free(v, n);
        }
        break;
    }
    default:
        target(s);
        break;
    }
    free(s);
    return 0;
}
