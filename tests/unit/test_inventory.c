/* test_inventory.c — the typing rules and the model behind netinv. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nr_test.h"
#include "pylit.h"
#include "val.h"
#include "yamlv.h"

static char *json_of(const struct nr_val *v)
{
    struct nr_buf b = NR_BUF_INIT(1 << 20);

    assert_int_equal(nr_val_json(&b, v, -1, 1), 0);
    return nr_buf_steal(&b);
}

static void lit(const char *in, const char *want)
{
    int oom;
    struct nr_val *v = nr_py_literal(in, strlen(in), &oom);
    char *j;

    if (want == NULL) {
        assert_null(v);
        return;
    }
    assert_non_null(v);
    j = json_of(v);
    assert_string_equal(j, want);
    free(j);
    nr_val_free(v);
}

static void literal_eval_rules(void **state)
{
    (void)state;
    lit("1", "1");
    lit("-1", "-1");
    lit("0x10", "16");
    lit("1_000", "1000");
    lit("1e3", "1000.0");
    lit("1.50", "1.5");
    lit("True", "true");
    lit("None", "null");
    lit("'q'", "\"q\"");
    lit("'a' \"b\"", "\"ab\"");
    lit("[1, 'x', (2,)]", "[1, \"x\", [2]]");
    lit("1,2", "[1, 2]");
    lit("{'k': [None]}", "{\"k\": [null]}");
    lit("99999999999999999999", "99999999999999999999");
    lit("1 # comment", "1");
    lit("010", NULL);
    lit("true", NULL);
    lit("{k:1}", NULL);
    lit("--1", NULL);
    lit("1j", NULL);
    lit("f'x'", NULL);
}

static void shlex_rules(void **state)
{
    char **t = NULL;
    size_t n;
    const char *why;
    const char *line = "r1 a=\"x y\" b='c d' e=f\\ g h=\"q\\\"z\" # c";

    (void)state;
    assert_int_equal(nr_shlex_split(&t, &n, line, strlen(line), &why), 0);
    assert_int_equal(n, 5);
    assert_string_equal(t[1], "a=x y");
    assert_string_equal(t[2], "b=c d");
    assert_string_equal(t[3], "e=f g");
    assert_string_equal(t[4], "h=q\"z");
    nr_strv_free(t);
    assert_int_equal(nr_shlex_split(&t, &n, "a \"b", 4, &why), -1);
    assert_string_equal(why, "No closing quotation");
}

static void yaml_is_typed_as_pyyaml(void **state)
{
    const char *y = "a: yes\nb: 010\nc: 1:20\nd: 1e3\ne: 1.0e+3\nf: ~\n"
                    "g: '1'\nh: 2001-12-14\ni: 0x1F\nj: .inf\nk: [on, Off]\n"
                    "base: &b {x: 1}\nm:\n  <<: *b\n  y: 2\n";
    struct nr_val *v = NULL;
    struct nr_err err = NR_ERR_INIT;
    char *j;

    (void)state;
    assert_nr_ok(nr_yaml_load(&v, y, strlen(y), "t.yml", NULL, NULL, &err),
                 &err);
    j = json_of(v);
    assert_string_equal(j, "{\"a\": true, \"b\": 8, \"base\": {\"x\": 1}, "
                           "\"c\": 80, \"d\": \"1e3\", \"e\": 1000.0, "
                           "\"f\": null, \"g\": \"1\", \"h\": \"2001-12-14\", "
                           "\"i\": 31, \"j\": Infinity, \"k\": [true, false], "
                           "\"m\": {\"x\": 1, \"y\": 2}}");
    free(j);
    nr_val_free(v);
    assert_int_equal(nr_yaml_load(&v, "a: [1\n", 6, "bad.yml", NULL, NULL,
                                  &err), -1);
    assert_non_null(strstr(err.msg, "bad.yml:"));
}

static void float_repr_is_pythons(void **state)
{
    char b[40];

    (void)state;
    nr_float_repr(0.1, b);
    assert_string_equal(b, "0.1");
    nr_float_repr(1e16, b);
    assert_string_equal(b, "1e+16");
    nr_float_repr(1e-5, b);
    assert_string_equal(b, "1e-05");
    nr_float_repr(123.0, b);
    assert_string_equal(b, "123.0");
    nr_float_repr(0.0001, b);
    assert_string_equal(b, "0.0001");
}

static const char *write_tmp(const char *text, const char *suffix)
{
    static char path[64];
    int fd;

    snprintf(path, sizeof(path), "/tmp/nr-unit-XXXXXX%s", suffix);
    fd = mkstemps(path, (int)strlen(suffix));
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

static void precedence_and_aliases(void **state)
{
    const char *ini = "[child]\nr1 user=hostuser ansible_port=22\n"
                      "[parent:children]\nchild\n"
                      "[parent:vars]\nv=parent\nansible_user=groupuser\n"
                      "[child:vars]\nv=child\nansible_network_os=cisco.ios.ios\n"
                      "[all:vars]\nv=all\nw=all\n";
    const char *path = write_tmp(ini, ".ini");
    struct nr_inventory *inv = NULL;
    struct nr_host *h = NULL;
    struct nr_err err = NR_ERR_INIT;

    (void)state;
    assert_nr_ok(nr_inventory_load(&inv, &path, 1, NULL, &err), &err);
    unlink(path);
    assert_nr_ok(nr_inventory_add_extra(inv, "w=extra", &err), &err);
    assert_nr_ok(nr_inventory_host(&h, inv, "r1", &err), &err);
    assert_string_equal(nr_host_get(h, "v"), "child");
    assert_string_equal(nr_host_get(h, "w"), "extra");
    assert_string_equal(nr_host_get(h, "user"), "hostuser");
    assert_string_equal(nr_host_get(h, "port"), "22");
    assert_string_equal(nr_host_get(h, "platform"), "cisco_ios");
    assert_string_equal(nr_host_get(h, "host"), "r1");
    assert_null(nr_host_get(h, "password"));
    nr_host_free(h);
    nr_inventory_free(inv);
}

static void patterns(void **state)
{
    const char *ini = "[a]\nh1\nh2\nh3\n[b]\nh2\nh4\n";
    const char *path = write_tmp(ini, ".ini");
    struct nr_inventory *inv = NULL;
    struct nr_hostset *s = NULL;
    struct nr_err err = NR_ERR_INIT;

    (void)state;
    assert_nr_ok(nr_inventory_load(&inv, &path, 1, NULL, &err), &err);
    unlink(path);
    assert_nr_ok(nr_inventory_select(&s, inv, "a:&b", &err), &err);
    assert_int_equal(nr_hostset_count(s), 1);
    assert_string_equal(nr_hostset_name(s, 0), "h2");
    nr_hostset_free(s);
    assert_nr_ok(nr_inventory_select(&s, inv, "!b", &err), &err);
    assert_int_equal(nr_hostset_count(s), 2);
    nr_hostset_free(s);
    assert_nr_ok(nr_inventory_select(&s, inv, "a[1:]", &err), &err);
    assert_int_equal(nr_hostset_count(s), 2);
    nr_hostset_free(s);
    assert_int_equal(nr_inventory_select(&s, inv, "zz", &err), -1);
    assert_int_equal(err.kind, NR_ERR_USAGE);
    nr_inventory_free(inv);
}

/* -H specs: a user or port on an inventory host is a host of its own that
 * starts from the inventory host (groups, host_vars, address) and puts
 * the spec on top, leaving the inventory host as it was; other specs add
 * hosts of their own. */
static void adhoc_specs(void **state)
{
    static const char *const want[][5] = {
        /* spec, name, user, port, host (address) */
        { "r1", "r1", "invuser", "2201", "r1" },
        { "a@r1", "a@r1", "a", "2201", "r1" },
        { "b@r1", "b@r1", "b", "2201", "r1" },
        { "r1:2222", "r1:2222", "invuser", "2222", "r1" },
        { "c@r1:2223", "c@r1:2223", "c", "2223", "r1" },
        { "r2", "r2", "groupuser", NULL, "10.9.9.2" },
        { "d@r2", "d@r2", "d", NULL, "10.9.9.2" },
        { "e@127.0.0.5:2022", "127.0.0.5:2022", "e", "2022", "127.0.0.5" },
        { "f@127.0.0.5:2022", "f@127.0.0.5:2022", "f", "2022", "127.0.0.5" },
        { "[::1]:2024", "[::1]:2024", NULL, "2024", "::1" },
    };
    const char *ini = "[core]\nr1 user=invuser port=2201 platform=cisco_ios\n"
                      "r2 ansible_host=10.9.9.2\n"
                      "[core:vars]\nansible_user=groupuser\nv=core\n";
    const char *path = write_tmp(ini, ".ini");
    struct nr_inventory *inv = NULL;
    struct nr_host *h = NULL;
    struct nr_err err = NR_ERR_INIT;
    const char *name = NULL, *again = NULL;

    (void)state;
    assert_nr_ok(nr_inventory_load(&inv, &path, 1, NULL, &err), &err);
    unlink(path);
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        assert_nr_ok(nr_inventory_add_adhoc(inv, want[i][0], &name, &err),
                     &err);
        assert_string_equal(name, want[i][1]);
        assert_nr_ok(nr_inventory_host(&h, inv, name, &err), &err);
        if (want[i][2] == NULL) {
            assert_null(nr_host_get(h, "user"));
        } else {
            assert_string_equal(nr_host_get(h, "user"), want[i][2]);
        }
        if (want[i][3] == NULL) {
            assert_null(nr_host_get(h, "port"));
        } else {
            assert_string_equal(nr_host_get(h, "port"), want[i][3]);
        }
        assert_string_equal(nr_host_get(h, "host"), want[i][4]);
        nr_host_free(h);
    }
    /* The inventory hosts keep their own settings and group vars. */
    assert_nr_ok(nr_inventory_host(&h, inv, "r1", &err), &err);
    assert_string_equal(nr_host_get(h, "user"), "invuser");
    assert_string_equal(nr_host_get(h, "port"), "2201");
    nr_host_free(h);
    assert_nr_ok(nr_inventory_host(&h, inv, "a@r1", &err), &err);
    assert_string_equal(nr_host_get(h, "platform"), "cisco_ios");
    assert_string_equal(nr_host_get(h, "v"), "core");
    nr_host_free(h);
    /* The same spec twice is the same host. */
    assert_nr_ok(nr_inventory_add_adhoc(inv, "a@r1", &again, &err), &err);
    assert_string_equal(again, "a@r1");
    /* -e stays above a spec's user. */
    assert_nr_ok(nr_inventory_add_extra(inv, "ansible_user=x", &err), &err);
    assert_nr_ok(nr_inventory_host(&h, inv, "b@r1", &err), &err);
    assert_string_equal(nr_host_get(h, "user"), "x");
    nr_host_free(h);
    nr_inventory_free(inv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(literal_eval_rules),
        cmocka_unit_test(shlex_rules),
        cmocka_unit_test(yaml_is_typed_as_pyyaml),
        cmocka_unit_test(float_repr_is_pythons),
        cmocka_unit_test(precedence_and_aliases),
        cmocka_unit_test(patterns),
        cmocka_unit_test(adhoc_specs),
    };
    return cmocka_run_group_tests_name("inventory", tests, NULL, NULL);
}
