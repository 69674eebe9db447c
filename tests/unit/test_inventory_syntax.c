/* test_inventory_syntax.c — what each piece of inventory syntax means
 * (INI, YAML, group_vars/host_vars, directories), the precedence of
 * variables and the host patterns, compared as exact values. */
#include "inv_test.h"

/* A scratch directory per test, removed by the teardown. */
static char dir[32];

static int setup(void **state)
{
    (void)state;
    tdir_new(dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tdir_rm(dir);
    return 0;
}

/* One inventory file in the scratch directory, loaded. */
static struct nr_inventory *load1(const char *rel, const char *text)
{
    tdir_put(dir, rel, text);
    return inv_open(dir, rel);
}

static void want_names(struct nr_inventory *inv, const char *pattern,
                       const char *want)
{
    char got[1024];
    struct nr_err err = NR_ERR_INIT;

    inv_names(got, sizeof(got), inv, pattern, &err);
    if (strcmp(got, want) != 0) {
        fail_msg("pattern '%s': got '%s' (%s), want '%s'", pattern, got,
                 err.msg, want);
    }
}

/* nr_host_get(host, key) compared with want (NULL: unset). */
static void want_var(struct nr_inventory *inv, const char *host,
                     const char *key, const char *want)
{
    struct nr_host *h = NULL;
    struct nr_err err = NR_ERR_INIT;
    const char *got;

    assert_nr_ok(nr_inventory_host(&h, inv, host, &err), &err);
    got = nr_host_get(h, key);
    if (want == NULL ? got != NULL : got == NULL || strcmp(got, want) != 0) {
        fail_msg("%s %s: got %s, want %s", host, key,
                 got != NULL ? got : "(unset)", want != NULL ? want : "(unset)");
    }
    nr_host_free(h);
}

/* want_vars(inv, "r1 user=u; r2 port=(unset)"): nr_host_get of each
 * host and key against the value ("(unset)": NULL). */
static void want_vars(struct nr_inventory *inv, const char *spec)
{
    char buf[1024], *save = NULL;

    snprintf(buf, sizeof(buf), "%s", spec);
    for (char *t = strtok_r(buf, ";", &save); t != NULL;
         t = strtok_r(NULL, ";", &save)) {
        char *host = t + strspn(t, " "), *key = strchr(host, ' '), *val;

        assert_non_null(key);
        *key++ = '\0';
        val = strchr(key, '=');
        assert_non_null(val);
        *val++ = '\0';
        want_var(inv, host, key, strcmp(val, "(unset)") == 0 ? NULL : val);
    }
}

/* Write each (path, text) pair of a NULL-terminated list into d. */
static void tdir_put_all(const char *d, const char *const *files)
{
    for (size_t i = 0; files[i] != NULL; i += 2) {
        tdir_put(d, files[i], files[i + 1]);
    }
}

/* ansible-inventory --host: the typed, merged variables as JSON. */
static void want_host_json(struct nr_inventory *inv, const char *host,
                           const char *want)
{
    char *got = NULL;
    struct nr_err err = NR_ERR_INIT;

    assert_nr_ok(nr_inventory_host_json(&got, inv, host, NR_INV_SHOW_SECRETS,
                                        &err), &err);
    assert_string_equal(got, want);
    free(got);
}

static void want_graph(struct nr_inventory *inv, const char *want)
{
    char *got = NULL;
    struct nr_err err = NR_ERR_INIT;

    assert_nr_ok(nr_inventory_graph(&got, inv, NULL, NULL, &err), &err);
    assert_string_equal(got, want);
    free(got);
}

/* ---- INI ---------------------------------------------------------------- */

static void ini_hosts_groups_and_implicit_groups(void **state)
{
    struct nr_inventory *inv = load1("h.ini", "r0\n[core]\nr1\nr2\n"
                                              "[edge]\nr2\nr3\n");

    (void)state;
    want_graph(inv, "@all:\n"
                    "  |--@ungrouped:\n  |  |--r0\n"
                    "  |--@core:\n  |  |--r1\n  |  |--r2\n"
                    "  |--@edge:\n  |  |--r2\n  |  |--r3\n");
    want_names(inv, "ungrouped", "r0 ");
    want_names(inv, "all", "r0 r1 r2 r3 ");
    nr_inventory_free(inv);
}

static void ini_children(void **state)
{
    struct nr_inventory *inv = load1("h.ini", "[dc:children]\nleaf\nspine\n"
                                              "[leaf]\nl1\n[spine]\ns1\n");

    (void)state;
    want_graph(inv, "@all:\n  |--@ungrouped:\n  |--@dc:\n"
                    "  |  |--@leaf:\n  |  |  |--l1\n"
                    "  |  |--@spine:\n  |  |  |--s1\n");
    want_names(inv, "dc", "l1 s1 ");
    nr_inventory_free(inv);
}

static void ini_inline_and_group_vars_are_typed(void **state)
{
    struct nr_inventory *inv = load1(
        "h.ini", "[g]\nr1 ansible_host=10.0.0.1 platform=cisco_ios n=5 "
                 "t=True l=\"[1,'a']\" s=[1,'a']\n[g:vars]\nx = 'quoted' # comment\n"
                 "y=a b c\n");

    (void)state;
    want_host_json(inv, "r1", "{\n    \"ansible_host\": \"10.0.0.1\",\n"
                              "    \"l\": [\n        1,\n        \"a\"\n"
                              "    ],\n    \"n\": 5,\n"
                              "    \"platform\": \"cisco_ios\",\n"
                              "    \"s\": \"[1,a]\",\n"
                              "    \"t\": true,\n    \"x\": \"quoted\",\n"
                              "    \"y\": \"a b c\"\n}");
    nr_inventory_free(inv);
}

static void ini_quoted_values_and_comments(void **state)
{
    struct nr_inventory *inv = load1(
        "h.ini", "# a comment\n; another\n[g] # after a header\n"
                 "r1 a=\"x y\" b='q' c=\"1\" d=\"'1'\" # trailing\n  # indented\n");

    (void)state;
    want_host_json(inv, "r1", "{\n    \"a\": \"x y\",\n    \"b\": \"q\",\n"
                              "    \"c\": 1,\n    \"d\": \"1\"\n}");
    want_names(inv, "all", "r1 ");
    nr_inventory_free(inv);
}

struct range_case {
    const char *line, *want;
};

static void ini_ranges(void **state)
{
    static const struct range_case cases[] = {
        { "leaf[01:04]", "leaf01 leaf02 leaf03 leaf04 " },
        { "sw[a:f]", "swa swb swc swd swe swf " },
        { "r[1:9:4]", "r1 r5 r9 " },
        { "sw[a:f:2]", "swa swc swe " },
        { "r[1:2]-x[a:b]", "r1-xa r1-xb r2-xa r2-xb " },
        { "10.0.0.[1:3]", "10.0.0.1 10.0.0.2 10.0.0.3 " },
    };
    char text[128];

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct nr_inventory *inv;

        snprintf(text, sizeof(text), "[g]\n%s\n", cases[i].line);
        inv = load1("h.ini", text);
        want_names(inv, "g", cases[i].want);
        nr_inventory_free(inv);
    }
}

static void ini_host_port(void **state)
{
    struct nr_inventory *inv = load1("h.ini", "[g]\nr1:2222\n"
                                              "[2001:db8::1]:830\nr2\n");

    (void)state;
    want_names(inv, "all", "r1 2001:db8::1 r2 ");
    want_vars(inv, "r1 port=2222; "
                   "r1 host=r1; "
                   "2001:db8::1 port=830; "
                   "r2 port=(unset)");
    nr_inventory_free(inv);
}

static void old_aliases(void **state)
{
    struct nr_inventory *inv = load1(
        "h.ini", "[g]\nr1 ansible_ssh_host=h1 ansible_ssh_user=u1 "
                 "ansible_ssh_pass=p1 ansible_become_pass=e1 "
                 "ansible_ssh_port=2200\n");

    (void)state;
    want_vars(inv, "r1 host=h1; "
                   "r1 user=u1; "
                   "r1 password=p1; "
                   "r1 enable_secret=e1; "
                   "r1 port=2200");
    nr_inventory_free(inv);
}

static void ansible_names_and_platform_table(void **state)
{
    struct nr_inventory *inv = load1(
        "h.ini", "[g]\nr1 ansible_host=h ansible_port=22 ansible_user=u "
                 "ansible_password=p ansible_ssh_private_key_file=/k "
                 "ansible_become_password=e "
                 "ansible_network_os=junipernetworks.junos.junos\n"
                 "r2 ansible_network_os=cisco.iosxr.iosxr\n"
                 "r3 ansible_network_os=arista.eos.eos\n");

    (void)state;
    want_vars(inv, "r1 host=h; "
                   "r1 port=22; "
                   "r1 user=u; "
                   "r1 password=p; "
                   "r1 key_file=/k; "
                   "r1 enable_secret=e; "
                   "r1 platform=juniper_junos; "
                   "r2 platform=cisco_xr; "
                   "r3 platform=arista_eos");
    nr_inventory_free(inv);
}

static void password_env(void **state)
{
    struct nr_inventory *inv = load1("h.ini", "[g]\nr1 password_env=NR_T_PW "
                                              "enable_secret_env=NR_T_EN\n"
                                              "r2 password=lit\n");

    (void)state;
    assert_int_equal(setenv("NR_T_PW", "from-env", 1), 0);
    assert_int_equal(setenv("NR_T_EN", "en-env", 1), 0);
    want_vars(inv, "r1 password=from-env; "
                   "r1 enable_secret=en-env; "
                   "r2 password=lit");
    unsetenv("NR_T_PW");
    want_vars(inv, "r1 password=(unset)");
    unsetenv("NR_T_EN");
    nr_inventory_free(inv);
}

/* ---- YAML --------------------------------------------------------------- */

static void yaml_hosts_children_vars(void **state)
{
    struct nr_inventory *inv = load1(
        "inv.yml", "all:\n  vars:\n    v: all\n  hosts:\n    r0:\n"
                   "  children:\n    g:\n      hosts:\n        r1:\n"
                   "          ansible_host: 10.0.0.1\n      vars:\n"
                   "        v: g\n      children:\n        sub:\n"
                   "          hosts:\n            r2:\n            r3:\n"
                   "              v: host\n");

    (void)state;
    want_graph(inv, "@all:\n  |--@ungrouped:\n  |  |--r0\n  |--@g:\n"
                    "  |  |--@sub:\n  |  |  |--r2\n  |  |  |--r3\n"
                    "  |  |--r1\n");
    want_vars(inv, "r0 v=all; "
                   "r1 v=g; "
                   "r1 host=10.0.0.1; "
                   "r2 v=g; "
                   "r3 v=host");
    nr_inventory_free(inv);
}

/* ---- vars files and directories ------------------------------------------ */

static void group_vars_and_host_vars(void **state)
{
    struct nr_inventory *inv;

    (void)state;
    tdir_put_all(dir, (const char *const[]){
        "hosts", "[g]\nr1\nr2\n",
        "group_vars/g.yml", "a: g_file\nb: g_file\n",
        "group_vars/all/10.yml", "a: all10\nc: all10\n",
        "group_vars/all/20.yaml", "c: all20\n",
        "group_vars/all/ignored.txt", "c: txt\n",
        "host_vars/r1", "b: r1_file\n",
        NULL });
    inv = inv_open(dir, "hosts");
    want_vars(inv, "r1 a=g_file; "
                   "r1 b=r1_file; "
                   "r2 b=g_file; "
                   "r2 c=all20");
    nr_inventory_free(inv);
}

static void inventory_dir_merge_order(void **state)
{
    struct nr_inventory *inv;

    (void)state;
    tdir_put_all(dir, (const char *const[]){
        "inv/b", "[g]\nr1 x=b\nr2\n",
        "inv/a.yml", "g:\n  hosts:\n    r1:\n      x: a\n" "      y: a\n",
        "inv/c.ini", "[g]\nr9\n",
        "inv/group_vars/g.yml", "z: dir\n",
        NULL });
    inv = inv_open(dir, "inv");
    want_names(inv, "all", "r1 r2 ");
    want_vars(inv, "r1 x=b; "
                   "r1 y=a; "
                   "r2 z=dir");
    nr_inventory_free(inv);
}

/* ---- precedence ------------------------------------------------------------- */

static void precedence_all_parent_child_host_extra(void **state)
{
    struct nr_inventory *inv = load1(
        "h.ini", "[child]\nr1 d=host e=host\n[parent:children]\nchild\n"
                 "[all:vars]\na=all\nb=all\nc=all\nd=all\ne=all\n"
                 "[parent:vars]\nb=parent\nc=parent\nd=parent\ne=parent\n"
                 "[child:vars]\nc=child\nd=child\ne=child\n");
    struct nr_err err = NR_ERR_INIT;

    (void)state;
    assert_nr_ok(nr_inventory_add_extra(inv, "e=extra", &err), &err);
    want_host_json(inv, "r1", "{\n    \"a\": \"all\",\n    \"b\": \"parent\",\n"
                              "    \"c\": \"child\",\n    \"d\": \"host\",\n"
                              "    \"e\": \"extra\"\n}");
    nr_inventory_free(inv);
}

static void precedence_files_over_inline(void **state)
{
    struct nr_inventory *inv;

    (void)state;
    tdir_put_all(dir, (const char *const[]){
        "h.ini", "[g]\nr1 h=inline\n[g:vars]\ng=inline\n" "[all:vars]\na=inline\n",
        "group_vars/all.yml", "a: file\ng: all_file\n",
        "group_vars/g.yml", "g: file\nh: g_file\n",
        "host_vars/r1.yml", "h: file\n",
        NULL });
    inv = inv_open(dir, "h.ini");
    want_vars(inv, "r1 a=file; "
                   "r1 g=file; "
                   "r1 h=file");
    nr_inventory_free(inv);
}

/* A child group's ansible_user is more specific than the parent's user:
 * netrun's own name wins only at the same or a higher precedence. */
static void alias_from_child_beats_name_from_parent(void **state)
{
    struct nr_inventory *inv = load1(
        "h.ini", "[child]\nr1\nr2 user=host\n[parent:children]\nchild\n"
                 "[parent:vars]\nuser=parent\n"
                 "[child:vars]\nansible_user=child\n");

    (void)state;
    want_vars(inv, "r1 user=child; "
                   "r2 user=host");
    nr_inventory_free(inv);
}

/* ---- patterns ----------------------------------------------------------- */

static const char PATTERN_INV[] = "[a]\nh1\nh2\nh3\n[b]\nh2\nh4\n"
                                  "[leaf]\nleaf0[1:6]\n[c:children]\nb\n";

struct pattern_case {
    const char *pattern, *want;
};

static void patterns(void **state)
{
    static const struct pattern_case cases[] = {
        { "all", "h1 h2 h3 leaf01 leaf02 leaf03 leaf04 leaf05 leaf06 h4 " },
        { "", "h1 h2 h3 leaf01 leaf02 leaf03 leaf04 leaf05 leaf06 h4 " },
        { "*", "h1 h2 h3 leaf01 leaf02 leaf03 leaf04 leaf05 leaf06 h4 " },
        { "b", "h2 h4 " },
        { "c", "h2 h4 " },
        { "h3", "h3 " },
        { "a:b", "h1 h2 h3 h4 " },
        { "a,b", "h1 h2 h3 h4 " },
        { "a:&b", "h2 " },
        { "a:!b", "h1 h3 " },
        { "a:b:!h2:&c", "h4 " },
        { "h*", "h1 h2 h3 h4 " },
        { "leaf0?", "leaf01 leaf02 leaf03 leaf04 leaf05 leaf06 " },
        { "~^leaf0[1-4]$", "leaf01 leaf02 leaf03 leaf04 " },
        { "~h[13]", "h1 h3 " },
        { "a[0]", "h1 " },
        { "a[-1]", "h3 " },
        { "a[1:]", "h2 h3 " },
        { "h1:nosuch", "h1 " },
        { "nosuch", "" },
    };

    (void)state;
    tdir_put(dir, "h.ini", PATTERN_INV);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct nr_inventory *inv = inv_open(dir, "h.ini");

        want_names(inv, cases[i].pattern, cases[i].want);
        nr_inventory_free(inv);
    }
}

static void warn_collect(void *payload, const char *msg)
{
    char *buf = payload;
    size_t n = strlen(buf);

    snprintf(buf + n, 512 - n, "%s\n", msg);
}

static void pattern_part_matching_nothing_warns(void **state)
{
    char warnings[512] = "";
    struct nr_inventory *inv = load1("h.ini", PATTERN_INV);

    (void)state;
    nr_inventory_on_warning(inv, warn_collect, warnings);
    want_names(inv, "h1:nosuch", "h1 ");
    assert_string_equal(warnings, "could not match supplied host pattern, "
                                  "ignoring: nosuch\n");
    nr_inventory_free(inv);
}

static void pattern_from_file(void **state)
{
    char pat[128];
    struct nr_inventory *inv;

    (void)state;
    /* one pattern per line, each taken whole, as Ansible does */
    tdir_put(dir, "limit", "a\n\n  !h2  \nleaf01\n");
    inv = load1("h.ini", PATTERN_INV);
    snprintf(pat, sizeof(pat), "@%s/limit", dir);
    want_names(inv, pat, "h1 h3 leaf01 ");
    nr_inventory_free(inv);
}

/* Terms after an @file go into the same list as the file's lines. */
static void pattern_from_long_file_then_more_terms(void **state)
{
    char pat[160];
    struct nr_inventory *inv;

    (void)state;
    tdir_put(dir, "limit", "h1\nh1\nh1\nh1\nh1\nh1\nh1\nh1\nh1\n");
    inv = load1("h.ini", PATTERN_INV);
    snprintf(pat, sizeof(pat), "@%s/limit:h2:h3:h4:leaf01", dir);
    want_names(inv, pat, "h1 h2 h3 leaf01 h4 ");
    nr_inventory_free(inv);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(ini_hosts_groups_and_implicit_groups),
        T(ini_children),
        T(ini_inline_and_group_vars_are_typed),
        T(ini_quoted_values_and_comments),
        T(ini_ranges),
        T(ini_host_port),
        T(old_aliases),
        T(ansible_names_and_platform_table),
        T(password_env),
        T(yaml_hosts_children_vars),
        T(group_vars_and_host_vars),
        T(inventory_dir_merge_order),
        T(precedence_all_parent_child_host_extra),
        T(precedence_files_over_inline),
        T(alias_from_child_beats_name_from_parent),
        T(patterns),
        T(pattern_part_matching_nothing_warns),
        T(pattern_from_file),
        T(pattern_from_long_file_then_more_terms),
    };
    return cmocka_run_group_tests_name("inventory_syntax", tests, NULL, NULL);
}
