/* test_inventory_errors.c — every error message of the inventory readers
 * (lib/inventory.c, inv_ini.c, inv_query.c, yamlv.c and val.c's JSON
 * reader), one case each: the input, what is done with it, the kind and
 * the whole message, "$D" standing for the scratch directory.
 *
 * Not covered, because they cannot be provoked without exhausting the
 * machine: every "out of memory" (inventory.c, inv_ini.c's "%s: out of
 * memory" and the range expander's, inv_query.c, yamlv.c's including
 * "%s: out of memory" on YAML_MEMORY_ERROR, val.c's), "%s: pipe: %s",
 * "%s: fork: %s" and "%s: poll: %s" in run_script (descriptor, process
 * or kernel exhaustion), and the "%s: %s" of scandir in load_dir and
 * load_vars_dir (stat just said it is a readable directory; EACCES does
 * not happen to root, who runs these tests).  Unreachable by design:
 * val.c's "string too long" (a 1 GiB buffer, inputs stop at 64 MiB),
 * yamlv.c's "unexpected YAML event" (libyaml only emits node events
 * where a node is due), "empty group name" from nr_inv__add_group (each
 * loader checks first, with its FILE:LINE) and the " (the file is
 * empty)" form of "a YAML inventory must be a mapping of groups": a text
 * without a YAML document is blank lines and comments, a valid INI
 * inventory, which then loads. */
#include "inv_test.h"
#include "val.h"
#include "yamlv.h"

enum op {
    LOAD,      /* nr_inventory_load(arg, else $D/file) */
    SELECT,    /* the rest load $D/file, then do this with arg */
    EXTRA,
    ADHOC,
    HOST,
    HOST_JSON,
    ORIGIN,
    GRAPH,
    JSON,      /* nr_json_parse(text) named t.json */
};

struct ecase {
    const char *name;
    const char *file, *text;  /* written to $D/file */
    size_t len;               /* of text; 0 means strlen */
    int exec;                 /* file gets the run bit */
    const char *file2, *text2; /* another file, e.g. group_vars */
    enum op op;
    const char *arg;
    int timeout_ms;           /* 0: the defaults */
    size_t max_bytes;
    enum nr_err_kind kind;
    const char *want;         /* err.msg exactly */
};

#define INI(n, t, w) { n, "h.ini", t, 0, 0, NULL, NULL, LOAD, NULL, 0, 0, \
                       NR_ERR_PARSE, w }
#define YML(n, t, w) { n, "inv.yml", t, 0, 0, NULL, NULL, LOAD, NULL, 0, 0, \
                       NR_ERR_PARSE, w }
#define SCRIPT(n, t, w) { n, "dyn", t, 0, 1, NULL, NULL, LOAD, NULL, 0, 0, \
                          NR_ERR_PARSE, w }
#define DYN(n, json, w) SCRIPT(n, "#!/bin/sh\ncat <<'E'\n" json "\nE\n", w)
#define QUERY(n, op, arg, kind, w) { n, "h.ini", "[a]\nh1\nh2\n[b]\nh2\nh3\n", \
                                     0, 0, NULL, NULL, op, arg, 0, 0, kind, w }
#define BADJSON(n, t, w) { n, NULL, t, 0, 0, NULL, NULL, JSON, NULL, 0, 0, \
                           NR_ERR_PARSE, "t.json:" w }

static const struct ecase CASES[] = {
    /* INI: sections and lines */
    INI("ini_unknown_section_type", "[g:bogus]\nx\n",
        "$D/h.ini:1: section [g:bogus] has unknown type: bogus "
        "(hosts, vars or children)"),
    INI("ini_bad_section_header", "[a]\nr1\n[a b]\n",
        "$D/h.ini:3: invalid section header '[a b]': no spaces or other "
        "invalid characters allowed"),
    INI("ini_unclosed_quote", "[a]\nr1 x=\"abc\n",
        "$D/h.ini:2: cannot parse host line: No closing quotation"),
    INI("ini_trailing_backslash", "[a]\nr1 x=abc\\\n",
        "$D/h.ini:2: cannot parse host line: No escaped character"),
    INI("ini_host_token_without_equals", "[a]\nr1 junk\n",
        "$D/h.ini:2: expected key=value after the host name, got: junk"),
    INI("ini_vars_line_without_equals", "[a]\nr1\n[a:vars]\njunk\n",
        "$D/h.ini:4: expected key=value, got: junk"),
    INI("ini_children_line_not_a_name", "[a:children]\nb c\n",
        "$D/h.ini:2: expected a group name, got: b c"),
    INI("ini_vars_of_undefined_group", "[b]\nr1\n[a:vars]\nx=1\n",
        "$D/h.ini:3: section [a:vars] is for a group that is never "
        "defined: a"),
    INI("ini_child_never_defined", "[a:children]\nb\n",
        "$D/h.ini:2: section [a:children] includes a group that is never "
        "defined: b"),
    INI("ini_group_loop", "[a:children]\nb\n[b:children]\na\n",
        "$D/h.ini:4: adding group 'a' as a child of 'b' creates a loop"),
    INI("ini_trailing_colon", "[a]\nr1:\n",
        "$D/h.ini:2: invalid host pattern 'r1:': a trailing ':' must be "
        "followed by a port"),
    INI("ini_yaml_marker", "---\nall:\n",
        "$D/h.ini:1: invalid host pattern '---': this looks like a YAML "
        "file"),
    INI("ini_empty_host_name", "[a]\n\"\"\n", "$D/h.ini:2: empty host name"),
    INI("ini_not_utf8", "[a]\nr1\nr\xff\n", "$D/h.ini:3: not valid UTF-8"),
    { "ini_nul_byte", "h.ini", "[a]\nr1 x=a\0b\n", 13, 0, NULL, NULL, LOAD,
      NULL, 0, 0, NR_ERR_PARSE, "$D/h.ini:2: NUL byte in line" },
    /* INI: host ranges */
    INI("range_too_many_parts", "[a]\nr[1:2:3:4]\n",
        "$D/h.ini:2: host range must be begin:end or begin:end:step: "
        "r[1:2:3:4]"),
    INI("range_no_end", "[a]\nr[1:]\n",
        "$D/h.ini:2: host range must specify end value: r[1:]"),
    INI("range_step_not_number", "[a]\nr[1:3:x]\n",
        "$D/h.ini:2: host range step is not a number: r[1:3:x]"),
    INI("range_step_zero", "[a]\nr[1:3:0]\n",
        "$D/h.ini:2: host range step must not be zero: r[1:3:0]"),
    INI("range_unequal_widths", "[a]\nr[01:3]\n",
        "$D/h.ini:2: host range must specify equal-length begin and end "
        "formats: r[01:3]"),
    INI("range_letters_reversed", "[a]\nr[c:a]\n",
        "$D/h.ini:2: host range must have begin <= end: r[c:a]"),
    INI("range_mixed_bounds", "[a]\nr[1:c]\n",
        "$D/h.ini:2: host range bounds must be numbers or letters: r[1:c]"),
    INI("range_too_large", "[a]\nr[0:1000000]\n",
        "$D/h.ini:2: host range expands to more than 1000000 hosts: "
        "r[0:1000000]"),
    /* YAML text (yamlv.c) */
    YML("yaml_vault_value",
        "all:\n  vars:\n    secret: !vault |\n"
        "      $ANSIBLE_VAULT;1.1;AES256\n      6162\n",
        "$D/inv.yml:3: variable 'secret' is encrypted with Ansible Vault; "
        "netrun does not decrypt vault values"),
    YML("yaml_unknown_scalar_tag", "all:\n  vars:\n    x: !foo 1\n",
        "$D/inv.yml:3: could not determine a constructor for the tag !foo"),
    YML("yaml_unknown_collection_tag", "all:\n  vars:\n    x: !bar [1]\n",
        "$D/inv.yml:3: could not determine a constructor for the tag !bar"),
    YML("yaml_bad_date", "all:\n  vars:\n    x: 2001-02-30\n",
        "$D/inv.yml:3: invalid date or time: 2001-02-30"),
    YML("yaml_value_against_tag", "all:\n  vars:\n    x: !!int abc\n",
        "$D/inv.yml:3: value does not match its tag !!int"),
    YML("yaml_undefined_alias", "all:\n  vars:\n    x: *nope\n",
        "$D/inv.yml:3: found undefined alias nope"),
    YML("yaml_two_documents", "---\nall: {}\n---\nall: {}\n",
        "$D/inv.yml:3: expected a single document in the stream"),
    YML("yaml_syntax_with_context", "all:\n  vars: [1\n",
        "$D/inv.yml:3: while parsing a flow sequence did not find expected "
        "',' or ']'"),
    YML("yaml_syntax_without_context", "all:\n  vars: \xff\n",
        "$D/inv.yml:2: invalid leading UTF-8 octet"),
    YML("yaml_unhashable_key", "all:\n  vars:\n    ? [a]\n    : 1\n",
        "$D/inv.yml:3: found unhashable key (a list or mapping)"),
    YML("yaml_merge_list_of_non_mappings", "all:\n  vars:\n    <<: [1]\n",
        "$D/inv.yml:3: expected a mapping for merging"),
    YML("yaml_merge_scalar", "all:\n  vars:\n    <<: 1\n",
        "$D/inv.yml:3: expected a mapping or list of mappings for merging"),
    /* YAML inventory shape (inventory.c) */
    YML("yaml_not_a_mapping", "- a\n- b\n",
        "$D/inv.yml:1: a YAML inventory must be a mapping of groups"),
    YML("yaml_plugin_config", "plugin: netbox\n",
        "$D/inv.yml:1: a YAML inventory must be a mapping of groups"),
    YML("yaml_child_not_a_group", "all:\n  children:\n    g: 5\n",
        "$D/inv.yml:3: 'g' is not a known host nor group"),
    YML("yaml_host_vars_not_mapping", "all:\n  hosts:\n    r1: 5\n",
        "$D/inv.yml:3: host 'r1' needs a mapping of variables, found a int"),
    YML("yaml_section_not_mapping", "all:\n  vars: [1, 2]\n",
        "$D/inv.yml:2: invalid \"vars\" entry for group \"all\": needs a "
        "mapping, found a list"),
    YML("yaml_empty_group_name", "all:\n  children:\n    '':\n",
        "$D/inv.yml:3: empty group name"),
    YML("yaml_group_loop",
        "a:\n  children:\n    b:\nb:\n  children:\n    a:\n",
        "$D/inv.yml:6: adding group 'a' as a child of 'b' creates a loop"),
    /* files */
    INI("vault_inventory_file", "$ANSIBLE_VAULT;1.1;AES256\n6162\n",
        "$D/h.ini:1: encrypted with Ansible Vault; netrun does not decrypt "
        "vault files"),
    { "vault_vars_file", "h.ini", "[a]\nr1\n", 0, 0, "group_vars/a.yml",
      "$ANSIBLE_VAULT;1.1;AES256\n6162\n", LOAD, NULL, 0, 0, NR_ERR_PARSE,
      "$D/group_vars/a.yml:1: encrypted with Ansible Vault; netrun does "
      "not decrypt vault files" },
    { "vars_file_not_mapping", "h.ini", "[a]\nr1\n", 0, 0,
      "host_vars/r1.yml", "x: 1\n---\n", LOAD, NULL, 0, 0, NR_ERR_PARSE,
      "$D/host_vars/r1.yml:2: expected a single document in the stream" },
    { "vars_file_a_list", "h.ini", "[a]\nr1\n", 0, 0, "group_vars/all",
      "\n- 1\n", LOAD, NULL, 0, 0, NR_ERR_PARSE,
      "$D/group_vars/all:2: a vars file must be a mapping, found a list" },
    { "toml_inventory", "h.toml", "[a]\n", 0, 0, NULL, NULL, LOAD, NULL, 0,
      0, NR_ERR_PARSE,
      "$D/h.toml: TOML inventories are not supported (use INI or YAML)" },
    { "missing_source", "h.ini", "", 0, 0, NULL, NULL, LOAD, "$D/nosuch", 0,
      0, NR_ERR_IO, "$D/nosuch: No such file or directory" },
    { "file_too_large", "h.ini", "[a]\nr1 x=1\n", 0, 0, NULL, NULL, LOAD,
      NULL, 0, 8, NR_ERR_LIMIT, "$D/h.ini: larger than 8 bytes" },
    { "extra_vars_file_unreadable", "h.ini", "[a]\nr1\n", 0, 0, NULL, NULL,
      EXTRA, "@$D", 0, 0, NR_ERR_IO, "$D: Is a directory" },
    /* executable inventories */
    DYN("json_not_an_object", "[1]",
        "$D/dyn: expected a JSON object of groups, found a list"),
    DYN("json_hosts_not_list", "{\"g\": {\"hosts\": \"r1\"}}",
        "$D/dyn: group 'g': hosts must be a list, found a string"),
    DYN("json_host_name_not_string", "{\"g\": [\"r1\", 5]}",
        "$D/dyn: group 'g': host names must be strings"),
    DYN("json_vars_not_object", "{\"g\": {\"vars\": [1]}}",
        "$D/dyn: group 'g': vars must be an object"),
    DYN("json_child_name_not_string", "{\"g\": {\"children\": [1]}}",
        "$D/dyn: group 'g': child names must be strings"),
    DYN("json_hostvars_not_object",
        "{\"g\": [\"r1\"], \"_meta\": {\"hostvars\": []}}",
        "$D/dyn: _meta.hostvars must be an object"),
    DYN("json_host_vars_not_object",
        "{\"g\": [\"r1\"], \"_meta\": {\"hostvars\": {\"r1\": 5}}}",
        "$D/dyn: host 'r1': variables must be an object, found a int"),
    DYN("json_empty_group_name", "{\"\": [\"r1\"]}",
        "$D/dyn: empty group name"),
    DYN("json_group_loop",
        "{\"a\": {\"children\": [\"b\"]}, \"b\": {\"children\": [\"a\"]}}",
        "$D/dyn: adding group 'a' as a child of 'b' creates a loop"),
    DYN("script_prints_bad_json", "{\"g\": }",
        "$D/dyn:1: invalid JSON: unexpected character"),
    { "script_exit_status", "dyn",
      "#!/bin/sh\necho boom >&2\necho more >&2\nexit 3\n", 0, 1, NULL, NULL,
      LOAD, NULL, 0, 0, NR_ERR_IO,
      "$D/dyn --list: inventory script failed (exit status 3): boom" },
    { "script_killed", "dyn", "#!/bin/sh\nkill -9 $$\n", 0, 1, NULL, NULL,
      LOAD, NULL, 0, 0, NR_ERR_IO,
      "$D/dyn --list: inventory script failed (signal 9)" },
    { "script_host_call_fails", "dyn",
      "#!/bin/sh\n[ \"$1\" = --list ] && echo '{\"g\": [\"r1\"]}' && "
      "exit 0\nexit 1\n", 0, 1, NULL, NULL, LOAD, NULL, 0, 0, NR_ERR_IO,
      "$D/dyn --host: inventory script failed (exit status 1)" },
    { "script_timeout", "dyn", "#!/bin/sh\nexec sleep 5\n", 0, 1, NULL,
      NULL, LOAD, NULL, 200, 0, NR_ERR_TIMEOUT,
      "$D/dyn: inventory script gave no answer within 200 ms" },
    { "script_output_too_large", "dyn",
      "#!/bin/sh\necho 0123456789012345678901234567890123456789\n", 0, 1,
      NULL, NULL, LOAD, NULL, 0, 16, NR_ERR_LIMIT,
      "$D/dyn: inventory script output exceeds 16 bytes" },
    /* queries */
    QUERY("pattern_bad_regex", SELECT, "~(", NR_ERR_USAGE,
          "invalid host pattern '~(': missing closing parenthesis at "
          "offset 1"),
    QUERY("pattern_subscript_out_of_range", SELECT, "a[5]", NR_ERR_USAGE,
          "no hosts matched the subscripted pattern 'a[5]'"),
    QUERY("pattern_limit_file_missing", SELECT, "@$D/nosuch", NR_ERR_USAGE,
          "limit file $D/nosuch: No such file or directory"),
    QUERY("pattern_matches_nothing", SELECT, "a:&b:!h2", NR_ERR_USAGE,
          "no hosts matched pattern 'a:&b:!h2'"),
    QUERY("extra_var_without_equals", EXTRA, "novalue", NR_ERR_USAGE,
          "-e novalue: expected key=value or @file"),
    QUERY("adhoc_bad_spec", ADHOC, "@r1", NR_ERR_USAGE,
          "-H @r1: expected host, host:port, [v6addr]:port or user@host"),
    QUERY("host_unknown", HOST, "zz", NR_ERR_USAGE,
          "no host named 'zz' in the inventory"),
    QUERY("host_json_unknown", HOST_JSON, "zz", NR_ERR_USAGE,
          "no host named 'zz' in the inventory"),
    QUERY("origin_unknown", ORIGIN, "zz", NR_ERR_USAGE,
          "no host named 'zz' in the inventory"),
    QUERY("graph_unknown_group", GRAPH, "zz", NR_ERR_USAGE,
          "no group named 'zz'"),
    /* the JSON reader (val.c) */
    BADJSON("json_unterminated_string", "{\"a\":\n\"abc", "2: invalid JSON: "
            "unterminated string"),
    BADJSON("json_unterminated_escape", "\"\\", "1: invalid JSON: "
            "unterminated string"),
    BADJSON("json_control_char", "\"a\tb\"", "1: invalid JSON: control "
            "character in string"),
    BADJSON("json_bad_u_escape", "\"\\u12g4\"", "1: invalid JSON: bad \\u "
            "escape"),
    BADJSON("json_bad_escape", "\"\\q\"", "1: invalid JSON: bad escape in "
            "string"),
    BADJSON("json_object_separator", "{\"a\": 1 \"b\": 2}", "1: invalid "
            "JSON: expected ',' or '}'"),
    BADJSON("json_list_separator", "[1 2]", "1: invalid JSON: expected ',' "
            "or ']'"),
    BADJSON("json_bad_number", "[-x]", "1: invalid JSON: bad number"),
    BADJSON("json_end_of_input", "{\n\"a\":\n", "3: invalid JSON: "
            "unexpected end of input"),
    BADJSON("json_key_not_string", "{1: 2}", "1: invalid JSON: expected a "
            "string key"),
    BADJSON("json_no_colon", "{\"a\" 1}", "1: invalid JSON: expected ':'"),
    BADJSON("json_unexpected_character", "[x]", "1: invalid JSON: "
            "unexpected character"),
    BADJSON("json_extra_data", "1\n2", "2: invalid JSON: extra data after "
            "the value"),
};

static void run_case(void **state)
{
    const struct ecase *c = *state;
    struct nr_inventory_opts opts = NR_INVENTORY_OPTS_INIT;
    struct nr_inventory *inv = NULL;
    struct nr_err err = NR_ERR_INIT;
    struct nr_val *v = NULL;
    char dir[32], main_path[128];
    char *arg = NULL, *want;
    const char *src = main_path;
    const char *name = NULL;
    char *out = NULL;
    struct nr_host *h = NULL;
    struct nr_hostset *s = NULL;
    int rc;

    tdir_new(dir);
    want = subst_dir(c->want, dir);
    if (c->arg != NULL) {
        arg = subst_dir(c->arg, dir);
    }
    if (c->file != NULL) {
        tdir_put_n(dir, c->file, c->text, c->len, c->exec);
    }
    if (c->file2 != NULL) {
        tdir_put(dir, c->file2, c->text2);
    }
    snprintf(main_path, sizeof(main_path), "%s/%s", dir,
             c->file != NULL ? c->file : "");
    if (c->timeout_ms != 0) {
        opts.script_timeout_ms = c->timeout_ms;
    }
    if (c->max_bytes != 0) {
        opts.max_file_bytes = c->max_bytes;
    }
    if (c->op == JSON) {
        rc = nr_json_parse(&v, c->text, strlen(c->text), "t.json", &err);
    } else if (c->op == LOAD) {
        if (arg != NULL) {
            src = arg;
        }
        rc = nr_inventory_load(&inv, &src, 1, &opts, &err);
    } else {
        assert_nr_ok(nr_inventory_load(&inv, &src, 1, &opts, &err), &err);
        switch (c->op) {
        case SELECT:
            rc = nr_inventory_select(&s, inv, arg, &err);
            break;
        case EXTRA:
            rc = nr_inventory_add_extra(inv, arg, &err);
            break;
        case ADHOC:
            rc = nr_inventory_add_adhoc(inv, arg, &name, &err);
            break;
        case HOST:
            rc = nr_inventory_host(&h, inv, arg, &err);
            break;
        case HOST_JSON:
            rc = nr_inventory_host_json(&out, inv, arg, 0, &err);
            break;
        case ORIGIN:
            rc = nr_inventory_origin(&out, inv, arg, 0, &err);
            break;
        default:
            rc = nr_inventory_graph(&out, inv, arg, NULL, &err);
            break;
        }
    }
    assert_int_equal(rc, -1);
    assert_string_equal(err.msg, want);
    assert_string_equal(nr_err_kind_name(err.kind),
                        nr_err_kind_name(c->kind));
    assert_null(v);
    assert_null(h);
    assert_null(s);
    assert_null(out);
    assert_null(name);
    nr_inventory_free(inv);
    free(want);
    free(arg);
    tdir_rm(dir);
}

/* A name longer than the 64 KiB a range may make. */
static void range_name_too_long(void **state)
{
    size_t n = 70000;
    char *text = malloc(n + 32);
    char dir[32], want[128];
    struct nr_inventory *inv = NULL;
    struct nr_err err = NR_ERR_INIT;
    const char *src = want;

    (void)state;
    assert_non_null(text);
    memcpy(text, "[a]\n", 4);
    memset(text + 4, 'h', n);
    memcpy(text + 4 + n, "[1:2]\n", 7);
    tdir_new(dir);
    tdir_put(dir, "h.ini", text);
    snprintf(want, sizeof(want), "%s/h.ini", dir);
    assert_int_equal(nr_inventory_load(&inv, &src, 1, NULL, &err), -1);
    snprintf(want, sizeof(want), "%s/h.ini:2: host name too long: hhhh", dir);
    assert_memory_equal(err.msg, want, strlen(want));
    assert_int_equal(strlen(err.msg), sizeof(err.msg) - 1); /* cut, no more */
    assert_int_equal(err.kind, NR_ERR_PARSE);
    free(text);
    tdir_rm(dir);
}

/* Both readers stop at a nesting depth instead of using up the stack. */
static void nesting_too_deep(void **state)
{
    char text[1200];
    struct nr_val *v = NULL;
    struct nr_err err = NR_ERR_INIT;

    (void)state;
    memset(text, '[', sizeof(text));
    assert_int_equal(nr_json_parse(&v, text, sizeof(text), "t.json", &err),
                     -1);
    assert_string_equal(err.msg, "t.json:1: invalid JSON: nesting too deep");
    assert_int_equal(nr_yaml_load(&v, text, sizeof(text), "t.yml", NULL, NULL,
                                  &err), -1);
    assert_string_equal(err.msg, "t.yml:1: nesting too deep");
    assert_null(v);
}

int main(void)
{
    size_t n = sizeof(CASES) / sizeof(CASES[0]);
    struct CMUnitTest *tests = calloc(n + 2, sizeof(*tests));
    int rc;

    assert_non_null(tests);
    for (size_t i = 0; i < n; i++) {
        tests[i].name = CASES[i].name;
        tests[i].test_func = run_case;
        tests[i].initial_state = (void *)&CASES[i];
    }
    tests[n].name = "range_name_too_long";
    tests[n].test_func = range_name_too_long;
    tests[n + 1].name = "nesting_too_deep";
    tests[n + 1].test_func = nesting_too_deep;
    rc = _cmocka_run_group_tests("inventory_errors", tests, n + 2, NULL,
                                 NULL);
    free(tests);
    return rc;
}
