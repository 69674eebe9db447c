/* snmp_fmt.c — SNMP names and values for records: OID parsing and
 * naming through the built-in table, typed values, counter rates and
 * table pivoting.  Everything here works on data from outside (agents,
 * the command line) and is fuzzed. */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "snmp.h"

/* ---- quiet init ---------------------------------------------------------- */

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int mibs_wanted, mibs_loaded;

static void init_quiet(void)
{
    /* net-snmp reads snmp.conf files, MIB directories and persistent
     * state at init and logs to stderr: none of that belongs in a
     * library that only sends requests. */
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
                           NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
                           NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
                           NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
                           NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
                           NETSNMP_DS_LIB_NO_TOKEN_WARNINGS, 1);
    netsnmp_ds_set_int(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_MIB_WARNINGS, 0);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
                           NETSNMP_DS_LIB_DONT_LOAD_HOST_FILES, 1);
    /* A handler that drops everything: with none registered net-snmp
     * falls back to stderr. */
    snmp_disable_stderrlog();
    netsnmp_register_loghandler(NETSNMP_LOGHANDLER_NONE, LOG_DEBUG);
    /* "netrun" is the application name for config files never read. */
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
                           NETSNMP_DS_LIB_DISABLE_CONFIG_LOAD, 1);
    /* init_snmp reads every MIB file in the default directories (a few
     * milliseconds, and dozens of files opened) for names we take from
     * the built-in table: no directory unless --mibs asked first. */
    if (!mibs_wanted) {
        netsnmp_set_mib_directory("");
    }
    init_snmp("netrun");
    mibs_loaded = mibs_wanted;
}

void nr_snmp__init(void)
{
    pthread_once(&init_once, init_quiet);
}

/* ---- OIDs ------------------------------------------------------------------ */

int nr_snmp_load_mibs(struct nr_err *err)
{
    (void)err;
    mibs_wanted = 1;
    nr_snmp__init();
    if (!mibs_loaded) {
        /* init ran before without directories: start the reader again
         * where MIBDIRS (or the default) says */
        netsnmp_ds_set_string(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_MIBDIRS,
                              NULL);
        shutdown_mib();
        netsnmp_init_mib();
        mibs_loaded = 1;
    }
    return 0;
}

/* Numeric components "1.3.6" (leading dot allowed) appended to out. */
static int parse_numeric(oid *out, size_t *outlen, const char *s)
{
    if (*s == '.') {
        s++;
    }
    if (*s == '\0') {
        return 0;
    }
    for (;;) {
        unsigned long v = 0;
        int digits = 0;

        while (*s >= '0' && *s <= '9') {
            v = v * 10 + (unsigned long)(*s - '0');
            if (v > 0xffffffffUL) {
                return -1;
            }
            s++;
            digits++;
        }
        if (digits == 0 || *outlen >= MAX_OID_LEN) {
            return -1;
        }
        out[(*outlen)++] = (oid)v;
        if (*s == '\0') {
            return 0;
        }
        if (*s != '.') {
            return -1;
        }
        s++;
    }
}

int nr_snmp__oid_parse(oid *out, size_t *outlen, const char *text,
                       struct nr_err *err)
{
    const char *s = text, *mod;
    size_t namelen;
    int rc = -1;

    *outlen = 0;
    if (text == NULL || text[0] == '\0') {
        nr_err_set(err, NR_ERR_USAGE, "oid", "empty OID");
        goto out;
    }
    mod = strstr(s, "::");
    if (mod != NULL) {
        s = mod + 2;   /* MODULE::name: the built-in names are unique */
    }
    if (isdigit((unsigned char)s[0]) || s[0] == '.') {
        if (parse_numeric(out, outlen, s) != 0 || *outlen < 1) {
            nr_err_set(err, NR_ERR_USAGE, "oid", "bad numeric OID '%.100s'",
                       text);
            goto out;
        }
        rc = 0;
        goto out;
    }
    namelen = strcspn(s, ".");
    if (nr_mib__by_name(s, namelen, out, outlen) != NULL) {
        if (s[namelen] == '.' && (s[namelen + 1] == '\0' ||
                                  parse_numeric(out, outlen, s + namelen) != 0)) {
            nr_err_set(err, NR_ERR_USAGE, "oid", "bad index in '%.100s'",
                       text);
            goto out;
        }
        rc = 0;
        goto out;
    }
    if (mibs_loaded) {
        size_t n = MAX_OID_LEN;

        if (read_objid(text, out, &n) != 0) {
            *outlen = n;
            rc = 0;
            goto out;
        }
    }
    nr_err_set(err, NR_ERR_USAGE, "oid", "unknown object name '%.*s' (not "
               "in the built-in table; give the numeric OID%s)",
               (int)(namelen > 100 ? 100 : namelen), s,
               mibs_loaded ? "" : " or --mibs");
out:
    if (rc != 0) {
        *outlen = 0;
    }
    return rc;
}

int nr_snmp__oid_str(struct nr_buf *b, const oid *num, size_t len)
{
    /* Every varbind prints its OID: digits by hand, one append for the
     * whole OID (snprintf per arc was a tenth of netpoll's CPU). */
    char tmp[128 * 24];
    size_t off = 0;

    for (size_t i = 0; i < len; i++) {
        char digits[24];
        size_t nd = 0;
        unsigned long v = (unsigned long)num[i];

        if (off + sizeof(digits) + 1 > sizeof(tmp)) {
            if (nr_buf_add(b, tmp, off) != 0) {
                return -1;
            }
            off = 0;
        }
        do {
            digits[nd++] = (char)('0' + v % 10);
            v /= 10;
        } while (v != 0);
        if (i > 0) {
            tmp[off++] = '.';
        }
        while (nd > 0) {
            tmp[off++] = digits[--nd];
        }
    }
    return nr_buf_add(b, tmp, off);
}

int nr_snmp__oid_name(struct nr_buf *name, struct nr_buf *index,
                      const oid *num, size_t len, int numeric,
                      const struct nr_mib_obj **objp)
{
    size_t m = 0;
    const struct nr_mib_obj *o = nr_mib__by_oid(num, len, &m);
    int leaf = o != NULL && (o->kind == NR_MIB_COLUMN ||
                             o->kind == NR_MIB_SCALAR);

    if (objp != NULL) {
        *objp = o;
    }
    if (nr_buf_add(index, "", 0) != 0) {
        return -1;
    }
    if (leaf && nr_snmp__oid_str(index, num + m, len - m) != 0) {
        return -1;
    }
    if (numeric || o == NULL) {
        return nr_snmp__oid_str(name, num, leaf ? m : len);
    }
    if (nr_buf_adds(name, o->name) != 0) {
        return -1;
    }
    if (!leaf && m < len &&
        (nr_buf_addc(name, '.') != 0 ||
         nr_snmp__oid_str(name, num + m, len - m) != 0)) {
        return -1;
    }
    return 0;
}

/* ---- values ---------------------------------------------------------------- */

const char *nr_snmp__type_name(int t, int hex)
{
    switch (t) {
    case ASN_INTEGER: return "INTEGER";
    case ASN_OCTET_STR: return hex ? "Hex-STRING" : "STRING";
    case ASN_OBJECT_ID: return "OID";
    case ASN_IPADDRESS: return "IpAddress";
    case ASN_COUNTER: return "Counter32";
    case ASN_GAUGE: return "Gauge32";
    case ASN_TIMETICKS: return "Timeticks";
    case ASN_OPAQUE: return "Opaque";
    case ASN_COUNTER64: return "Counter64";
    case ASN_NULL: return "NULL";
    case ASN_BIT_STR: return "BITS";
    case ASN_NSAP: return "NsapAddress";
    case ASN_UINTEGER: return "UInteger32";
    case SNMP_NOSUCHOBJECT: return "noSuchObject";
    case SNMP_NOSUCHINSTANCE: return "noSuchInstance";
    case SNMP_ENDOFMIBVIEW: return "endOfMibView";
    default: return NULL;
    }
}

/* Text when it is valid UTF-8 without control characters (tab and line
 * ends allowed); one trailing NUL, as some agents send, is dropped. */
static int printable(const unsigned char *s, size_t *len)
{
    size_t n = *len, i = 0;

    if (n > 0 && s[n - 1] == '\0') {
        n--;
    }
    while (i < n) {
        unsigned char c = s[i];
        size_t k;

        if (c < 0x80) {
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                return 0;
            }
            if (c == 0x7f) {
                return 0;
            }
            i++;
            continue;
        }
        k = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc2 ? 1 : 0;
        if (k == 0 || c > 0xf4) {
            return 0;
        }
        for (size_t j = 1; j <= k; j++) {
            if (i + j >= n || (s[i + j] & 0xc0) != 0x80) {
                return 0;
            }
        }
        /* overlongs and surrogates */
        if ((c == 0xe0 && s[i + 1] < 0xa0) || (c == 0xf0 && s[i + 1] < 0x90) ||
            (c == 0xed && s[i + 1] >= 0xa0) || (c == 0xf4 && s[i + 1] >= 0x90)) {
            return 0;
        }
        i += k + 1;
    }
    *len = n;
    return 1;
}

static int add_hex(struct nr_buf *b, const unsigned char *s, size_t n)
{
    static const char hx[] = "0123456789abcdef";

    if (nr_buf_add(b, "", 0) != 0) {
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        char t[3] = { hx[s[i] >> 4], hx[s[i] & 15], ':' };

        if (nr_buf_add(b, t, i + 1 < n ? 3 : 2) != 0) {
            return -1;
        }
    }
    return 0;
}

/* Decimal digits without printf: every varbind prints numbers. */
static int add_u64(struct nr_buf *b, unsigned long long v)
{
    char d[24];
    size_t n = sizeof(d);

    do {
        d[--n] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    return nr_buf_add(b, d + n, sizeof(d) - n);
}

/* "D days, H:MM:SS.CC" as snmpwalk prints TimeTicks (every ifTable row
 * has one: by hand, not printf). */
static int add_ticks(struct nr_buf *b, unsigned long t)
{
    unsigned long cs = t % 100, s = (t / 100) % 60, m = (t / 6000) % 60,
                  h = (t / 360000) % 24, d = t / 8640000;
    char mm[] = { ':', (char)('0' + m / 10), (char)('0' + m % 10),
                  ':', (char)('0' + s / 10), (char)('0' + s % 10),
                  '.', (char)('0' + cs / 10), (char)('0' + cs % 10) };

    if (d > 0 && (add_u64(b, d) != 0 ||
                  nr_buf_adds(b, d == 1 ? " day, " : " days, ") != 0)) {
        return -1;
    }
    if (add_u64(b, h) != 0) {
        return -1;
    }
    return nr_buf_add(b, mm, sizeof(mm));
}

/* The parts of one value: JSON-typed value set into rec under key, and
 * the display form (for text and for "text"). */
struct vparts {
    const char *type;
    int has_text;         /* a human form differing from the value */
    struct nr_buf *disp;  /* display form: the caller's, emptied */
};

static int add_i64(struct nr_buf *b, long long v)
{
    if (v < 0) {
        return nr_buf_addc(b, '-') != 0 ? -1
                                        : add_u64(b, 0ULL - (unsigned long long)v);
    }
    return add_u64(b, (unsigned long long)v);
}

/* Field setters that do nothing without a record: text output needs
 * only the rendered line, not the typed fields. */
static int rec_str(struct nr_rec *r, const char *k, const char *v, size_t n)
{
    return r != NULL ? nr_rec_str(r, k, v, n) : 0;
}

static int rec_int(struct nr_rec *r, const char *k, long long v)
{
    return r != NULL ? nr_rec_int(r, k, v) : 0;
}

static int rec_u64(struct nr_rec *r, const char *k, uint64_t v)
{
    return r != NULL ? nr_rec_u64(r, k, v) : 0;
}

static int rec_null(struct nr_rec *r, const char *k)
{
    return r != NULL ? nr_rec_null(r, k) : 0;
}

static int vb_value(struct nr_rec *rec, const char *key,
                    const netsnmp_variable_list *vb,
                    const struct nr_mib_obj *obj, int enum_label,
                    struct vparts *vp)
{
    const unsigned char *s = vb->val.string;
    size_t len = vb->val_len;
    int rc = -1;

    vp->type = nr_snmp__type_name(vb->type, 0);
    switch (vb->type) {
    case ASN_INTEGER: {
        long v = vb->val.integer != NULL && len >= sizeof(long)
                     ? *vb->val.integer : 0;
        size_t ln = 0;
        const char *lab = obj != NULL && obj->hint == 'e'
                              ? nr_mib__enum(obj, v, &ln) : NULL;

        if (lab != NULL) {
            vp->has_text = 1;
            if (nr_buf_add(vp->disp, lab, ln) != 0 ||
                nr_buf_addc(vp->disp, '(') != 0 ||
                add_i64(vp->disp, v) != 0 || nr_buf_addc(vp->disp, ')') != 0) {
                goto out;
            }
            rc = enum_label ? rec_str(rec, key, lab, ln)
                            : rec_int(rec, key, v);
        } else {
            if (add_i64(vp->disp, v) != 0) {
                goto out;
            }
            rc = rec_int(rec, key, v);
        }
        break;
    }
    case ASN_COUNTER:
    case ASN_GAUGE:
    case ASN_UINTEGER:
    case ASN_TIMETICKS: {
        unsigned long v = vb->val.integer != NULL && len >= sizeof(long)
                              ? (unsigned long)*vb->val.integer & 0xffffffffUL
                              : 0;

        if (vb->type == ASN_TIMETICKS) {
            vp->has_text = 1;
            if (nr_buf_addc(vp->disp, '(') != 0 || add_u64(vp->disp, v) != 0 ||
                nr_buf_add(vp->disp, ") ", 2) != 0 ||
                add_ticks(vp->disp, v) != 0) {
                goto out;
            }
        } else if (add_u64(vp->disp, v) != 0) {
            goto out;
        }
        rc = rec_u64(rec, key, v);
        break;
    }
    case ASN_COUNTER64: {
        uint64_t v = 0;

        if (vb->val.counter64 != NULL && len >= sizeof(struct counter64)) {
            v = ((uint64_t)(vb->val.counter64->high & 0xffffffffUL) << 32) |
                (vb->val.counter64->low & 0xffffffffUL);
        }
        if (add_u64(vp->disp, (unsigned long long)v) != 0) {
            goto out;
        }
        rc = rec_u64(rec, key, v);
        break;
    }
    case ASN_IPADDRESS:
        if (s != NULL && len == 4) {
            if (nr_buf_printf(vp->disp, "%u.%u.%u.%u", s[0], s[1], s[2],
                              s[3]) != 0) {
                goto out;
            }
        } else if (add_hex(vp->disp, s, s != NULL ? len : 0) != 0) {
            goto out;
        }
        rc = rec_str(rec, key, nr_buf_str(vp->disp), vp->disp->len);
        break;
    case ASN_OBJECT_ID: {
        size_t n = s != NULL ? len / sizeof(oid) : 0;
        struct nr_buf nm = NR_BUF_INIT(1 << 16), ix = NR_BUF_INIT(1 << 16);

        if (n > MAX_OID_LEN) {
            n = MAX_OID_LEN;
        }
        if (nr_snmp__oid_str(vp->disp, vb->val.objid, n) != 0 ||
            nr_snmp__oid_name(&nm, &ix, vb->val.objid, n, 0, NULL) != 0) {
            nr_buf_dispose(&nm);
            nr_buf_dispose(&ix);
            goto out;
        }
        rc = rec_str(rec, key, nr_buf_str(vp->disp), vp->disp->len);
        if (rc == 0 && strcmp(nr_buf_str(&nm), nr_buf_str(vp->disp)) != 0) {
            /* the symbolic form, index included */
            vp->has_text = 1;
            nr_buf_reset(vp->disp);
            if (nr_buf_add(vp->disp, nm.data, nm.len) != 0 ||
                (ix.len > 0 && (nr_buf_addc(vp->disp, '.') != 0 ||
                                nr_buf_add(vp->disp, ix.data, ix.len) != 0))) {
                rc = -1;
            }
        }
        nr_buf_dispose(&nm);
        nr_buf_dispose(&ix);
        break;
    }
    case ASN_OCTET_STR: {
        size_t n = s != NULL ? len : 0;
        int text = obj == NULL || obj->hint != 'x';

        if (text && n > 0 && !printable(s, &n)) {
            text = 0;
            n = len;
        }
        if (text) {
            if (nr_buf_add(vp->disp, s != NULL ? (const char *)s : "",
                           n) != 0) {
                goto out;
            }
            rc = rec_str(rec, key, nr_buf_str(vp->disp), vp->disp->len);
        } else {
            vp->type = nr_snmp__type_name(vb->type, 1);
            if (add_hex(vp->disp, s, n) != 0) {
                goto out;
            }
            rc = rec_str(rec, key, nr_buf_str(vp->disp), vp->disp->len);
        }
        break;
    }
    case ASN_NULL:
    case SNMP_NOSUCHOBJECT:
    case SNMP_NOSUCHINSTANCE:
    case SNMP_ENDOFMIBVIEW:
        if (nr_buf_adds(vp->disp,
                        vb->type == SNMP_NOSUCHOBJECT
                            ? "No Such Object available on this agent at "
                              "this OID"
                        : vb->type == SNMP_NOSUCHINSTANCE
                            ? "No Such Instance currently exists at this OID"
                        : vb->type == SNMP_ENDOFMIBVIEW
                            ? "No more variables left in this MIB View"
                            : "") != 0) {
            goto out;
        }
        rc = rec_null(rec, key);
        break;
    default:
        /* Opaque, BITS, NSAP and types SNMP does not define: bytes */
        if (vp->type == NULL) {
            vp->type = "unknown";
        }
        if (add_hex(vp->disp, s, s != NULL ? len : 0) != 0) {
            goto out;
        }
        rc = rec_str(rec, key, nr_buf_str(vp->disp), vp->disp->len);
        break;
    }
out:
    return rc;
}

void nr_snmp__fmt_dispose(struct nr_snmp_fmt *f)
{
    nr_buf_dispose(&f->oid);
    nr_buf_dispose(&f->name);
    nr_buf_dispose(&f->index);
    nr_buf_dispose(&f->disp);
    nr_buf_dispose(&f->line);
}

int nr_snmp__vb_rec(struct nr_rec *rec, struct nr_snmp_fmt *f,
                    const char *host, const netsnmp_variable_list *vb,
                    unsigned flags, const char *suffix)
{
    struct nr_buf *line = &f->line, *name = &f->name, *index = &f->index;
    struct vparts vp = { NULL, 0, &f->disp };
    const struct nr_mib_obj *obj = NULL;
    size_t nlen = vb->name_length > MAX_OID_LEN ? MAX_OID_LEN
                                                : vb->name_length;
    int special = vb->type == SNMP_NOSUCHOBJECT ||
                  vb->type == SNMP_NOSUCHINSTANCE ||
                  vb->type == SNMP_ENDOFMIBVIEW;
    int quote;

    nr_buf_reset(&f->oid);
    nr_buf_reset(name);
    nr_buf_reset(index);
    nr_buf_reset(vp.disp);
    nr_buf_reset(line);
    if ((flags & NR_SNMP_TEXT_ONLY) != 0) {
        if (nr_snmp__oid_name(name, index, vb->name, nlen,
                              (flags & NR_SNMP_NUMERIC) != 0, &obj) != 0 ||
            vb_value(NULL, "value", vb, obj, 0, &vp) != 0) {
            return -1;
        }
    } else if (nr_snmp__oid_str(&f->oid, vb->name, nlen) != 0 ||
        nr_snmp__oid_name(name, index, vb->name, nlen,
                          (flags & NR_SNMP_NUMERIC) != 0, &obj) != 0 ||
        nr_rec_bool(rec, "ok", 1) != 0 ||
        nr_rec_str(rec, "oid", f->oid.data, f->oid.len) != 0 ||
        nr_rec_str(rec, "name", name->data, name->len) != 0 ||
        nr_rec_str(rec, "index", nr_buf_str(index), index->len) != 0 ||
        nr_rec_strz(rec, "type", "") != 0 ||
        vb_value(rec, "value", vb, obj, 0, &vp) != 0 ||
        nr_rec_strz(rec, "type", vp.type) != 0) {
        return -1;
    }
    if (vp.has_text && (flags & NR_SNMP_TEXT_ONLY) == 0 &&
        nr_rec_str(rec, "text", nr_buf_str(vp.disp), vp.disp->len) != 0) {
        return -1;
    }
    /* snmpwalk's line after the host: NAME.INDEX = TYPE: VALUE */
    quote = vb->type == ASN_OCTET_STR && !strcmp(vp.type, "STRING");
    if (nr_buf_adds(line, host) != 0 || nr_buf_addc(line, ' ') != 0 ||
        nr_buf_add(line, name->data, name->len) != 0 ||
        (index->len > 0 && (nr_buf_addc(line, '.') != 0 ||
                            nr_buf_add(line, index->data, index->len) != 0)) ||
        nr_buf_add(line, " = ", 3) != 0 ||
        (!special && (nr_buf_adds(line, vp.type) != 0 ||
                      nr_buf_add(line, ": ", 2) != 0)) ||
        (quote && nr_buf_addc(line, '"') != 0) ||
        nr_buf_add(line, nr_buf_str(vp.disp), vp.disp->len) != 0 ||
        (quote && nr_buf_addc(line, '"') != 0) ||
        (suffix != NULL && nr_buf_adds(line, suffix) != 0) ||
        nr_buf_addc(line, '\n') != 0) {
        return -1;
    }
    return nr_rec_text(rec, line->data, line->len);
}

/* ---- counters ---------------------------------------------------------------- */

enum nr_rate nr_snmp__rate(double *rate, uint64_t *delta, int bits,
                           uint64_t prev, uint64_t cur, double secs,
                           int reset)
{
    enum nr_rate st = NR_RATE_OK;

    *rate = 0;
    *delta = 0;
    if (reset) {
        return NR_RATE_RESET;
    }
    if (!(secs > 0) || (bits != 32 && bits != 64) ||
        (bits == 32 && (prev > 0xffffffffULL || cur > 0xffffffffULL))) {
        return NR_RATE_NONE;
    }
    if (cur >= prev) {
        *delta = cur - prev;
    } else if (bits == 32) {
        *delta = (0x100000000ULL - prev) + cur;
        st = NR_RATE_WRAP;
    } else {
        *delta = cur - prev;   /* modulo 2^64: the wrapped difference */
        st = NR_RATE_WRAP;
    }
    *rate = (double)*delta / secs;
    return st;
}

/* ---- tables ------------------------------------------------------------------- */

struct cell {
    const netsnmp_variable_list *vb;
    const oid *index;
    size_t ilen;
    oid col;
};

static int cell_cmp(const void *a, const void *b)
{
    const struct cell *x = a, *y = b;
    int c = snmp_oid_compare(x->index, x->ilen, y->index, y->ilen);

    if (c != 0) {
        return c;
    }
    return x->col < y->col ? -1 : x->col > y->col;
}

static int emit_row(const char *host, const char *tname, const struct cell *c,
                    size_t n, const oid *table, size_t tlen, unsigned flags,
                    nr_snmp_rec_fn fn, void *payload, struct nr_err *err)
{
    struct nr_rec *rec = nr_rec_new(host);
    struct nr_buf ix = NR_BUF_INIT(1 << 16), disp = NR_BUF_INIT(1 << 24);
    oid colnum[MAX_OID_LEN + 2];
    int rc = -1;

    if (rec == NULL || nr_rec_bool(rec, "ok", 1) != 0 ||
        nr_rec_strz(rec, "table", tname) != 0 ||
        nr_snmp__oid_str(&ix, c[0].index, c[0].ilen) != 0 ||
        nr_rec_str(rec, "index", ix.data, ix.len) != 0) {
        nr_err_set(err, NR_ERR_LIMIT, "table", "out of memory");
        goto out;
    }
    memcpy(colnum, table, tlen * sizeof(oid));
    colnum[tlen] = 1;
    for (size_t i = 0; i < n; i++) {
        struct vparts vp = { NULL, 0, &disp };
        const struct nr_mib_obj *o = NULL;
        size_t m = 0;
        char key[96];
        int r;

        colnum[tlen + 1] = c[i].col;
        if (!(flags & NR_SNMP_NUMERIC)) {
            o = nr_mib__by_oid(colnum, tlen + 2, &m);
            if (o != NULL && (m != tlen + 2 || o->kind != NR_MIB_COLUMN)) {
                o = NULL;
            }
        }
        if (o != NULL) {
            snprintf(key, sizeof(key), "%s", o->name);
        } else {
            snprintf(key, sizeof(key), "%lu", (unsigned long)c[i].col);
        }
        nr_buf_reset(&disp);
        r = vb_value(rec, key, c[i].vb, o, 1, &vp);
        if (r != 0) {
            nr_err_set(err, NR_ERR_LIMIT, "table", "out of memory");
            goto out;
        }
    }
    rc = fn(payload, rec, err);
out:
    nr_rec_free(rec);
    nr_buf_dispose(&ix);
    nr_buf_dispose(&disp);
    return rc;
}

int nr_snmp__pivot(const char *host, const char *tname, const oid *table,
                   size_t tlen, netsnmp_variable_list *const *vbs, size_t n,
                   unsigned flags, nr_snmp_rec_fn fn, void *payload,
                   struct nr_err *err)
{
    struct cell *cells = NULL;
    size_t nc = 0, start = 0;
    int rc = -1;

    if (tlen + 2 > MAX_OID_LEN) {
        nr_err_set(err, NR_ERR_USAGE, "table", "table OID too long");
        goto out;
    }
    cells = calloc(n + 1, sizeof(*cells));
    if (cells == NULL) {
        nr_err_set(err, NR_ERR_LIMIT, "table", "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        const netsnmp_variable_list *vb = vbs[i];

        /* TABLE.1.COLUMN.INDEX...: anything else is not a cell */
        if (vb->name_length < tlen + 3 || vb->name_length > MAX_OID_LEN ||
            snmp_oid_compare(vb->name, tlen, table, tlen) != 0 ||
            vb->name[tlen] != 1) {
            continue;
        }
        cells[nc].vb = vb;
        cells[nc].col = vb->name[tlen + 1];
        cells[nc].index = vb->name + tlen + 2;
        cells[nc].ilen = vb->name_length - tlen - 2;
        nc++;
    }
    qsort(cells, nc, sizeof(*cells), cell_cmp);
    for (size_t i = 1; i <= nc; i++) {
        if (i == nc || snmp_oid_compare(cells[i].index, cells[i].ilen,
                                        cells[start].index,
                                        cells[start].ilen) != 0) {
            if (emit_row(host, tname, cells + start, i - start, table, tlen,
                         flags, fn, payload, err) != 0) {
                goto out;
            }
            start = i;
        }
    }
    rc = 0;
out:
    free(cells);
    return rc;
}
