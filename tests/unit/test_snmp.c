/* test_snmp.c — the SNMP module without a network: name table both
 * ways, value formatting, rates and wraps, table pivot, target and
 * credential resolution, errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nr_test.h"
#include "output.h"
#include "snmp.h"

static char *rec_json(const struct nr_rec *r)
{
    char *js = NULL;
    size_t len = 0;
    struct nr_err err = NR_ERR_INIT;

    assert_nr_ok(nr_rec_to_json(&js, &len, r, &err), &err);
    return js;
}

static void parse_ok(const char *text, const char *want)
{
    oid num[MAX_OID_LEN];
    size_t len = 0;
    struct nr_err err = NR_ERR_INIT;
    struct nr_buf b = NR_BUF_INIT(4096);

    assert_nr_ok(nr_snmp__oid_parse(num, &len, text, &err), &err);
    assert_int_equal(nr_snmp__oid_str(&b, num, len), 0);
    assert_string_equal(nr_buf_str(&b), want);
    nr_buf_dispose(&b);
}

static void test_names_in(void **state)
{
    (void)state;
    parse_ok("ifHCInOctets.3", "1.3.6.1.2.1.31.1.1.1.6.3");
    parse_ok("IF-MIB::ifDescr.12", "1.3.6.1.2.1.2.2.1.2.12");
    parse_ok("sysUpTime.0", "1.3.6.1.2.1.1.3.0");
    parse_ok(".1.3.6.1.2.1.1.5.0", "1.3.6.1.2.1.1.5.0");
    parse_ok("1.3.6", "1.3.6");
    parse_ok("ifTable", "1.3.6.1.2.1.2.2");
    parse_ok("lldpRemSysName", "1.0.8802.1.1.2.1.4.1.1.9");
    parse_ok("bgpPeerState.10.0.0.1", "1.3.6.1.2.1.15.3.1.2.10.0.0.1");
    parse_ok("entPhysicalSerialNum.1", "1.3.6.1.2.1.47.1.1.1.1.11.1");
    parse_ok("hrStorageUsed", "1.3.6.1.2.1.25.2.3.1.6");
    parse_ok("ipAdEntAddr", "1.3.6.1.2.1.4.20.1.1");
}

static void test_names_bad(void **state)
{
    static const char *const bad[] = {
        "", "noSuchThing.0", "ifDescr.", "ifDescr.x", "1..3", "1.3.", ".",
        "1.3.99999999999", "ifDescr.1.-2", "::", "IF-MIB::",
    };
    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        oid num[MAX_OID_LEN];
        size_t len = 7;
        struct nr_err err = NR_ERR_INIT;

        assert_int_equal(nr_snmp__oid_parse(num, &len, bad[i], &err), -1);
        assert_int_equal(err.kind, NR_ERR_USAGE);
        assert_int_equal(len, 0);
    }
}

static void name_of(const char *numeric, int flag, const char *name,
                    const char *index)
{
    oid num[MAX_OID_LEN];
    size_t len = 0;
    struct nr_err err = NR_ERR_INIT;
    struct nr_buf n = NR_BUF_INIT(4096), x = NR_BUF_INIT(4096);

    assert_nr_ok(nr_snmp__oid_parse(num, &len, numeric, &err), &err);
    assert_int_equal(nr_snmp__oid_name(&n, &x, num, len, flag, NULL), 0);
    assert_string_equal(nr_buf_str(&n), name);
    assert_string_equal(nr_buf_str(&x), index);
    nr_buf_dispose(&n);
    nr_buf_dispose(&x);
}

static void test_names_out(void **state)
{
    (void)state;
    name_of("1.3.6.1.2.1.31.1.1.1.6.3", 0, "ifHCInOctets", "3");
    name_of("1.3.6.1.2.1.1.3.0", 0, "sysUpTime", "0");
    name_of("1.3.6.1.4.1.8072.3.2.10", 0, "enterprises.8072.3.2.10", "");
    name_of("1.3.6.1.2.1.2.2.1.2.7", 1, "1.3.6.1.2.1.2.2.1.2", "7");
    name_of("1.2.840.10036", 0, "iso.2.840.10036", "");
    name_of("2.5", 0, "2.5", "");
    name_of("1.3.6.1.2.1.2.2", 0, "ifTable", "");
}

static void test_table_is_sorted_and_unique(void **state)
{
    (void)state;
    /* every built-in name resolves back to itself */
    for (size_t i = 0; i < nr_mib__count(); i++) {
        const struct nr_mib_obj *o = nr_mib__at(i), *back;
        oid num[NR_MIB_MAXDEPTH];
        size_t len = 0, m = 0;

        assert_non_null(nr_mib__by_name(o->name, strlen(o->name), num, &len));
        back = nr_mib__by_oid(num, len, &m);
        assert_ptr_equal(back, o);
        assert_int_equal(m, len);
    }
}

static void test_columns(void **state)
{
    const struct nr_mib_obj *cols[64];
    oid num[NR_MIB_MAXDEPTH];
    size_t len = 0;
    const struct nr_mib_obj *t = nr_mib__by_name("ifTable", 7, num, &len);

    (void)state;
    assert_non_null(t);
    assert_int_equal(nr_mib__columns(t, cols, 64), 22);
    assert_string_equal(cols[0]->name, "ifIndex");
    assert_string_equal(cols[21]->name, "ifSpecific");
    t = nr_mib__by_name("ifXTable", 8, num, &len);
    assert_int_equal(nr_mib__columns(t, cols, 64), 19);
    t = nr_mib__by_name("bgpPeerTable", 12, num, &len);
    assert_int_equal(nr_mib__columns(t, cols, 64), 24);
}

/* A varbind of the given type and value, like the parser builds. */
static netsnmp_variable_list *vb_new(const char *name, u_char type,
                                     const void *val, size_t len)
{
    oid num[MAX_OID_LEN];
    size_t nl = 0;
    struct nr_err err = NR_ERR_INIT;
    netsnmp_variable_list *vb = calloc(1, sizeof(*vb));

    assert_non_null(vb);
    assert_nr_ok(nr_snmp__oid_parse(num, &nl, name, &err), &err);
    snmp_set_var_objid(vb, num, nl);
    snmp_set_var_typed_value(vb, type, val, len);
    return vb;
}

static char *rec_text(const struct nr_rec *r)
{
    struct nr_err err = NR_ERR_INIT;
    struct nr_out *o = NULL;
    char *buf = NULL;
    size_t blen = 0;
    FILE *fp = open_memstream(&buf, &blen);

    assert_non_null(fp);
    assert_nr_ok(nr_out_new(&o, fp, NR_OUT_TEXT, NULL, 0, &err), &err);
    assert_nr_ok(nr_out_write(o, r, &err), &err);
    nr_out_free(o);
    fclose(fp);
    return buf;
}

/* vb as a record (JSON) and as text; then again through a record and
 * scratch that held another varbind of another host, as the engine
 * reuses them: the same record, no field left over. */
static void check_vb(netsnmp_variable_list *vb, const char *json,
                     const char *text)
{
    struct nr_rec *r = nr_rec_new("r1");
    struct nr_snmp_fmt f = NR_SNMP_FMT_INIT;
    long ticks = 4242424242L;
    netsnmp_variable_list *other = vb_new("sysUpTime.0", ASN_TIMETICKS,
                                          &ticks, sizeof(ticks));
    char *js, *tx;

    assert_non_null(r);
    assert_int_equal(nr_snmp__vb_rec(r, &f, "r1", vb, 0, NULL), 0);
    js = rec_json(r);
    assert_string_equal(js, json);
    free(js);
    tx = rec_text(r);
    assert_string_equal(tx, text);
    free(tx);

    assert_int_equal(nr_rec__reset(r, "another-host"), 0);
    assert_int_equal(nr_snmp__vb_rec(r, &f, "another-host", other, 0, " x"),
                     0);
    assert_int_equal(nr_rec__reset(r, "r1"), 0);
    assert_int_equal(nr_snmp__vb_rec(r, &f, "r1", vb, 0, NULL), 0);
    js = rec_json(r);
    assert_string_equal(js, json);
    free(js);
    assert_int_equal(nr_rec__reset(r, "r1"), 0);
    assert_int_equal(nr_snmp__vb_rec(r, &f, "r1", vb, NR_SNMP_TEXT_ONLY,
                                     NULL), 0);
    tx = rec_text(r);
    assert_string_equal(tx, text);
    free(tx);

    nr_snmp__fmt_dispose(&f);
    nr_rec_free(r);
    snmp_free_var(other);
    snmp_free_var(vb);
}

static void test_values(void **state)
{
    long up = 1, neg = -5, ticks = 9000123;
    struct counter64 c64 = { 1, 5 };
    u_char ip[4] = { 10, 0, 0, 1 }, mac[6] = { 0, 0x1a, 0x2b, 0x3c, 0x4d, 0xff };
    oid obj[] = { 1, 3, 6, 1, 4, 1, 9 };
    long ctr = 4294967295L;

    (void)state;
    check_vb(vb_new("ifOperStatus.3", ASN_INTEGER, &up, sizeof(up)),
             "{\"host\":\"r1\",\"ok\":true,\"oid\":\"1.3.6.1.2.1.2.2.1.8.3\","
             "\"name\":\"ifOperStatus\",\"index\":\"3\",\"type\":\"INTEGER\","
             "\"value\":1,\"text\":\"up(1)\"}",
             "r1 ifOperStatus.3 = INTEGER: up(1)\n");
    check_vb(vb_new("1.3.6.1.4.1.9.9.1.0", ASN_INTEGER, &neg, sizeof(neg)),
             "{\"host\":\"r1\",\"ok\":true,\"oid\":\"1.3.6.1.4.1.9.9.1.0\","
             "\"name\":\"enterprises.9.9.1.0\",\"index\":\"\",\"type\":"
             "\"INTEGER\",\"value\":-5}",
             "r1 enterprises.9.9.1.0 = INTEGER: -5\n");
    check_vb(vb_new("sysUpTime.0", ASN_TIMETICKS, &ticks, sizeof(ticks)),
             "{\"host\":\"r1\",\"ok\":true,\"oid\":\"1.3.6.1.2.1.1.3.0\","
             "\"name\":\"sysUpTime\",\"index\":\"0\",\"type\":\"Timeticks\","
             "\"value\":9000123,\"text\":\"(9000123) 1 day, 1:00:01.23\"}",
             "r1 sysUpTime.0 = Timeticks: (9000123) 1 day, 1:00:01.23\n");
    check_vb(vb_new("ifHCInOctets.1", ASN_COUNTER64, &c64, sizeof(c64)),
             "{\"host\":\"r1\",\"ok\":true,\"oid\":\"1.3.6.1.2.1.31.1.1.1.6.1\","
             "\"name\":\"ifHCInOctets\",\"index\":\"1\",\"type\":\"Counter64\","
             "\"value\":4294967301}",
             "r1 ifHCInOctets.1 = Counter64: 4294967301\n");
    check_vb(vb_new("ifInOctets.1", ASN_COUNTER, &ctr, sizeof(ctr)),
             "{\"host\":\"r1\",\"ok\":true,\"oid\":\"1.3.6.1.2.1.2.2.1.10.1\","
             "\"name\":\"ifInOctets\",\"index\":\"1\",\"type\":\"Counter32\","
             "\"value\":4294967295}",
             "r1 ifInOctets.1 = Counter32: 4294967295\n");
    check_vb(vb_new("ipAdEntAddr.10.0.0.1", ASN_IPADDRESS, ip, 4),
             "{\"host\":\"r1\",\"ok\":true,\"oid\":\"1.3.6.1.2.1.4.20.1.1.10.0."
             "0.1\",\"name\":\"ipAdEntAddr\",\"index\":\"10.0.0.1\",\"type\":"
             "\"IpAddress\",\"value\":\"10.0.0.1\"}",
             "r1 ipAdEntAddr.10.0.0.1 = IpAddress: 10.0.0.1\n");
    check_vb(vb_new("ifPhysAddress.2", ASN_OCTET_STR, "ABCDEF", 6),
             "{\"host\":\"r1\",\"ok\":true,\"oid\":\"1.3.6.1.2.1.2.2.1.6.2\","
             "\"name\":\"ifPhysAddress\",\"index\":\"2\",\"type\":"
             "\"Hex-STRING\",\"value\":\"41:42:43:44:45:46\"}",
             "r1 ifPhysAddress.2 = Hex-STRING: 41:42:43:44:45:46\n");
    check_vb(vb_new("ifDescr.2", ASN_OCTET_STR, mac, 6),
             "{\"host\":\"r1\",\"ok\":true,\"oid\":\"1.3.6.1.2.1.2.2.1.2.2\","
             "\"name\":\"ifDescr\",\"index\":\"2\",\"type\":\"Hex-STRING\","
             "\"value\":\"00:1a:2b:3c:4d:ff\"}",
             "r1 ifDescr.2 = Hex-STRING: 00:1a:2b:3c:4d:ff\n");
    check_vb(vb_new("sysName.0", ASN_OCTET_STR, "r\xc3\xa9seau\0", 8),
             "{\"host\":\"r1\",\"ok\":true,\"oid\":\"1.3.6.1.2.1.1.5.0\","
             "\"name\":\"sysName\",\"index\":\"0\",\"type\":\"STRING\","
             "\"value\":\"r\xc3\xa9seau\"}",
             "r1 sysName.0 = STRING: \"r\xc3\xa9seau\"\n");
    check_vb(vb_new("sysObjectID.0", ASN_OBJECT_ID, obj, sizeof(obj)),
             "{\"host\":\"r1\",\"ok\":true,\"oid\":\"1.3.6.1.2.1.1.2.0\","
             "\"name\":\"sysObjectID\",\"index\":\"0\",\"type\":\"OID\","
             "\"value\":\"1.3.6.1.4.1.9\",\"text\":\"enterprises.9\"}",
             "r1 sysObjectID.0 = OID: enterprises.9\n");
    check_vb(vb_new("sysDescr.0", SNMP_NOSUCHOBJECT, NULL, 0),
             "{\"host\":\"r1\",\"ok\":true,\"oid\":\"1.3.6.1.2.1.1.1.0\","
             "\"name\":\"sysDescr\",\"index\":\"0\",\"type\":\"noSuchObject\","
             "\"value\":null}",
             "r1 sysDescr.0 = No Such Object available on this agent at "
             "this OID\n");
    check_vb(vb_new("sysDescr.1", SNMP_NOSUCHINSTANCE, NULL, 0),
             "{\"host\":\"r1\",\"ok\":true,\"oid\":\"1.3.6.1.2.1.1.1.1\","
             "\"name\":\"sysDescr\",\"index\":\"1\",\"type\":"
             "\"noSuchInstance\",\"value\":null}",
             "r1 sysDescr.1 = No Such Instance currently exists at this "
             "OID\n");
}

static void test_rates(void **state)
{
    double rate;
    uint64_t delta;

    (void)state;
    assert_int_equal(nr_snmp__rate(&rate, &delta, 32, 100, 300, 2.0, 0),
                     NR_RATE_OK);
    assert_int_equal(delta, 200);
    assert_true(rate == 100.0);
    /* Counter32 wrap: 2^32 - 100 + 50 */
    assert_int_equal(nr_snmp__rate(&rate, &delta, 32, 4294967196ULL, 50, 1.0,
                                   0), NR_RATE_WRAP);
    assert_int_equal(delta, 150);
    /* Counter64 wrap */
    assert_int_equal(nr_snmp__rate(&rate, &delta, 64, UINT64_MAX - 9, 10, 1.0,
                                   0), NR_RATE_WRAP);
    assert_int_equal(delta, 20);
    /* sysUpTime went back: a discontinuity, no rate */
    assert_int_equal(nr_snmp__rate(&rate, &delta, 32, 5, 10, 1.0, 1),
                     NR_RATE_RESET);
    assert_int_equal(nr_snmp__rate(&rate, &delta, 32, 5, 10, 0.0, 0),
                     NR_RATE_NONE);
    assert_int_equal(nr_snmp__rate(&rate, &delta, 32, 5ULL << 33, 10, 1.0, 0),
                     NR_RATE_NONE);
}

struct rows {
    char *text;
    size_t n;
};

static int collect(void *payload, const struct nr_rec *rec, struct nr_err *err)
{
    struct rows *r = payload;
    char *js = NULL;
    size_t len = 0;
    size_t old = r->text != NULL ? strlen(r->text) : 0;

    if (rec == NULL) {
        return 0;
    }
    if (nr_rec_to_json(&js, &len, rec, err) != 0) {
        return -1;
    }
    r->text = realloc(r->text, old + len + 2);
    memcpy(r->text + old, js, len);
    r->text[old + len] = '\n';
    r->text[old + len + 1] = '\0';
    free(js);
    r->n++;
    return 0;
}

static void test_pivot(void **state)
{
    long one = 1, two = 2, up = 1, down = 2;
    netsnmp_variable_list *v[7];
    oid t[MAX_OID_LEN];
    size_t tl = 0;
    struct rows rows = { NULL, 0 };
    struct nr_err err = NR_ERR_INIT;

    (void)state;
    /* out of order, as several GETBULK answers may come */
    v[0] = vb_new("ifOperStatus.2", ASN_INTEGER, &down, sizeof(down));
    v[1] = vb_new("ifIndex.1", ASN_INTEGER, &one, sizeof(one));
    v[2] = vb_new("ifDescr.1", ASN_OCTET_STR, "lo", 2);
    v[3] = vb_new("ifIndex.2", ASN_INTEGER, &two, sizeof(two));
    v[4] = vb_new("ifOperStatus.1", ASN_INTEGER, &up, sizeof(up));
    v[5] = vb_new("1.3.6.1.2.1.2.2.1.99.1", ASN_INTEGER, &up, sizeof(up));
    v[6] = vb_new("sysDescr.0", ASN_OCTET_STR, "x", 1);   /* not a cell */
    assert_nr_ok(nr_snmp__oid_parse(t, &tl, "ifTable", &err), &err);
    assert_nr_ok(nr_snmp__pivot("r1", "ifTable", t, tl, v, 7, 0, collect,
                                &rows, &err), &err);
    assert_int_equal(rows.n, 2);
    assert_string_equal(rows.text,
        "{\"host\":\"r1\",\"ok\":true,\"table\":\"ifTable\",\"index\":\"1\","
        "\"ifIndex\":1,\"ifDescr\":\"lo\",\"ifOperStatus\":\"up\",\"99\":1}\n"
        "{\"host\":\"r1\",\"ok\":true,\"table\":\"ifTable\",\"index\":\"2\","
        "\"ifIndex\":2,\"ifOperStatus\":\"down\"}\n");
    free(rows.text);
    for (size_t i = 0; i < 7; i++) {
        snmp_free_var(v[i]);
    }
}

static void test_addr(void **state)
{
    char host[64];
    int port;
    struct nr_err err = NR_ERR_INIT;

    (void)state;
    assert_nr_ok(nr_snmp__addr_parse(host, sizeof(host), &port, "r1", &err),
                 &err);
    assert_string_equal(host, "r1");
    assert_int_equal(port, 0);
    assert_nr_ok(nr_snmp__addr_parse(host, sizeof(host), &port,
                                     "10.0.0.1:1161", &err), &err);
    assert_string_equal(host, "10.0.0.1");
    assert_int_equal(port, 1161);
    assert_nr_ok(nr_snmp__addr_parse(host, sizeof(host), &port, "[::1]:162",
                                     &err), &err);
    assert_string_equal(host, "::1");
    assert_int_equal(port, 162);
    assert_nr_ok(nr_snmp__addr_parse(host, sizeof(host), &port, "fe80::1",
                                     &err), &err);
    assert_string_equal(host, "fe80::1");
    assert_int_equal(port, 0);
    static const char *const bad[] = { "", "r1:", "r1:0", "r1:70000",
                                       "[::1", "[]:1", "r1:x", ":161",
                                       "a b", "[::1]x" };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(nr_snmp__addr_parse(host, sizeof(host), &port, bad[i],
                                             &err), -1);
        assert_int_equal(err.kind, NR_ERR_USAGE);
    }
}

static void test_hosts_split(void **state)
{
    char **v = NULL;
    size_t n = 0;
    struct nr_err err = NR_ERR_INIT;

    (void)state;
    assert_nr_ok(nr_snmp_hosts_split(&v, &n, "a,b:1161 [::1]:161\n# c\nd\n",
                                     &err), &err);
    assert_int_equal(n, 4);
    assert_string_equal(v[1], "b:1161");
    assert_string_equal(v[2], "[::1]:161");
    assert_string_equal(v[3], "d");
    nr_snmp_hosts_free(v, n);
    assert_int_equal(nr_snmp_hosts_split(&v, &n, "# nothing\n", &err), -1);
    assert_int_equal(nr_snmp_hosts_split(&v, &n, "a,b:0", &err), -1);
    assert_null(v);
}

static void target_bad(const struct nr_snmp_conf *c, const char *needle)
{
    struct nr_snmp_target *t = NULL;
    struct nr_err err = NR_ERR_INIT;

    assert_int_equal(nr_snmp_target_new(&t, "r1", "127.0.0.1", c, &err), -1);
    assert_null(t);
    assert_int_equal(err.kind, NR_ERR_USAGE);
    assert_string_equal(err.host, "r1");
    if (strstr(err.msg, needle) == NULL) {
        fail_msg("'%s' not in '%s'", needle, err.msg);
    }
    /* never the secret */
    assert_null(strstr(err.msg, "s3cret-pass"));
}

static void test_targets(void **state)
{
    struct nr_snmp_conf c = NR_SNMP_CONF_INIT;
    struct nr_snmp_target *t = NULL;
    struct nr_err err = NR_ERR_INIT;

    (void)state;
    assert_nr_ok(nr_snmp_target_new(&t, "r1", "127.0.0.1:1161", &c, &err),
                 &err);
    assert_string_equal(nr_snmp_target_name(t), "r1");
    nr_snmp_target_free(t);
    c.version = "3";
    c.user = "u";
    c.auth_pass = "s3cret-pass";
    c.auth_proto = "sha256";
    c.priv_pass = "s3cret-pass";
    c.priv_proto = "aes256";
    assert_nr_ok(nr_snmp_target_new(&t, "r1", "::1", &c, &err), &err);
    nr_snmp_target_free(t);
    c.version = "4";
    target_bad(&c, "unknown SNMP version");
    c.version = "3";
    c.auth_proto = "SHA-999";
    target_bad(&c, "unknown auth protocol");
    c.auth_proto = "MD5";
    c.priv_proto = "rot13";
    target_bad(&c, "unknown priv protocol");
    c.priv_proto = "DES";
    c.sec_level = "authPriv";
    c.priv_pass = NULL;
    target_bad(&c, "needs a priv passphrase");
    c.sec_level = "everything";
    target_bad(&c, "unknown security level");
    c.sec_level = NULL;
    c.user = NULL;
    target_bad(&c, "needs a user");
    c.user = "u";
    c.auth_pass = "short";
    target_bad(&c, "8 characters");
    c.auth_pass = NULL;
    c.engine_id = "zz";
    target_bad(&c, "engine ID");
}

static void test_inventory_vars(void **state)
{
    static const char ini[] =
        "[g]\n"
        "r1 snmp_host=127.0.0.2 snmp_port=1161 snmp_version=3 snmp_user=u "
        "snmp_auth_proto=SHA snmp_auth_pass_env=NR_T_AUTH "
        "snmp_priv_pass_env=NR_T_PRIV snmp_timeout=0.5 snmp_retries=0\n"
        "r2 snmp_community_env=NR_T_COMM\n"
        "r3 snmp_timeout=soon\n";
    char path[] = "/tmp/nr_snmp_invXXXXXX";
    int fd = mkstemp(path);
    const char *src[1] = { path };
    struct nr_inventory *inv = NULL;
    struct nr_host *h = NULL;
    struct nr_snmp_target *t = NULL;
    struct nr_err err = NR_ERR_INIT;

    (void)state;
    assert_true(fd >= 0);
    assert_int_equal(write(fd, ini, sizeof(ini) - 1), (ssize_t)sizeof(ini) - 1);
    close(fd);
    setenv("NR_T_AUTH", "auth-secret-1", 1);
    setenv("NR_T_PRIV", "priv-secret-1", 1);
    setenv("NR_T_COMM", "comm-secret", 1);
    assert_nr_ok(nr_inventory_load(&inv, src, 1, NULL, &err), &err);
    assert_nr_ok(nr_inventory_host(&h, inv, "r1", &err), &err);
    assert_string_equal(nr_host_get(h, "snmp_auth_pass"), "auth-secret-1");
    assert_string_equal(nr_host_get(h, "snmp_priv_pass"), "priv-secret-1");
    assert_nr_ok(nr_snmp_target_from_host(&t, h, NULL, &err), &err);
    nr_snmp_target_free(t);
    nr_host_free(h);
    assert_nr_ok(nr_inventory_host(&h, inv, "r2", &err), &err);
    assert_string_equal(nr_host_get(h, "snmp_community"), "comm-secret");
    assert_true(nr_var_is_secret("snmp_community"));
    assert_true(nr_var_is_secret("snmp_auth_pass"));
    assert_true(nr_var_is_secret("snmp_priv_pass"));
    nr_host_free(h);
    assert_nr_ok(nr_inventory_host(&h, inv, "r3", &err), &err);
    assert_int_equal(nr_snmp_target_from_host(&t, h, NULL, &err), -1);
    assert_int_equal(err.kind, NR_ERR_USAGE);
    assert_string_equal(err.host, "r3");
    nr_host_free(h);
    nr_inventory_free(inv);
    unlink(path);
}

static void test_err_map(void **state)
{
    struct nr_err err = NR_ERR_INIT;

    (void)state;
    nr_snmp__err_map(&err, "get", SNMPERR_TIMEOUT, NULL);
    assert_int_equal(err.kind, NR_ERR_TIMEOUT);
    nr_snmp__err_map(&err, "auth", SNMPERR_UNKNOWN_USER_NAME, NULL);
    assert_int_equal(err.kind, NR_ERR_AUTH);
    assert_string_equal(err.msg, "unknown user name");
    nr_snmp__err_map(&err, "auth", SNMPERR_AUTHENTICATION_FAILURE, NULL);
    assert_int_equal(err.kind, NR_ERR_AUTH);
    nr_snmp__err_map(&err, "auth", SNMPERR_DECRYPTION_ERR, NULL);
    assert_int_equal(err.kind, NR_ERR_AUTH);
    nr_snmp__err_map(&err, "open", SNMPERR_BAD_ADDRESS, "udp:nowhere:161");
    assert_int_equal(err.kind, NR_ERR_CONNECT);
    assert_string_equal(err.op, "open");
}

static void test_req_check(void **state)
{
    const char *ok[] = { "sysContact.0", "s", "x" };
    const char *badtype[] = { "sysContact.0", "z", "x" };
    const char *badval[] = { "sysServices.0", "i", "many" };
    struct nr_snmp_req r = NR_SNMP_REQ_INIT;
    struct nr_err err = NR_ERR_INIT;

    (void)state;
    r.op = NR_SNMP_SET;
    r.args = ok;
    r.nargs = 3;
    assert_nr_ok(nr_snmp_req_check(&r, &err), &err);
    r.nargs = 2;
    assert_int_equal(nr_snmp_req_check(&r, &err), -1);
    r.nargs = 3;
    r.args = badtype;
    assert_int_equal(nr_snmp_req_check(&r, &err), -1);
    r.args = badval;
    assert_int_equal(nr_snmp_req_check(&r, &err), -1);
    r.op = NR_SNMP_TABLE;
    r.args = ok;
    r.nargs = 1;
    r.count = 3;
    assert_int_equal(nr_snmp_req_check(&r, &err), -1);
    assert_int_equal(err.kind, NR_ERR_USAGE);
}

static void test_columns_csv(void **state)
{
    const char *args[] = { "ifXTable" };
    struct nr_snmp_req r = NR_SNMP_REQ_INIT;
    struct nr_err err = NR_ERR_INIT;
    char **cols = NULL;
    size_t n = 0;

    (void)state;
    r.op = NR_SNMP_TABLE;
    r.args = args;
    r.nargs = 1;
    assert_nr_ok(nr_snmp_columns(&cols, &n, &r, &err), &err);
    assert_int_equal(n, 4 + 19 + 2);
    assert_string_equal(cols[4], "ifName");
    free(cols);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names_in),
        cmocka_unit_test(test_names_bad),
        cmocka_unit_test(test_names_out),
        cmocka_unit_test(test_table_is_sorted_and_unique),
        cmocka_unit_test(test_columns),
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_rates),
        cmocka_unit_test(test_pivot),
        cmocka_unit_test(test_addr),
        cmocka_unit_test(test_hosts_split),
        cmocka_unit_test(test_targets),
        cmocka_unit_test(test_inventory_vars),
        cmocka_unit_test(test_err_map),
        cmocka_unit_test(test_req_check),
        cmocka_unit_test(test_columns_csv),
    };

    nr_snmp__init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
