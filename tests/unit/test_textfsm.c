/* test_textfsm.c — the TextFSM engine, one language feature per test,
 * each with a template and input written for it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nr_test.h"
#include "textfsm.h"

/* Parse input with one template; returns the JSON text (caller frees)
 * or NULL with err filled. */
static char *parse_json(const char *tpl, const char *input,
                        struct nr_err *err)
{
    struct nr_tfsm *fsm = NULL;
    struct nr_tfsm_records *rec = NULL;
    char *out = NULL;
    size_t len;

    if (nr_tfsm_load_text(&fsm, "t.textfsm", tpl, strlen(tpl), err) == 0 &&
        nr_tfsm_parse(&rec, fsm, input, strlen(input), err) == 0) {
        nr_tfsm_records_format(&out, &len, rec, NR_TFSM_JSON, err);
    }
    nr_tfsm_records_free(rec);
    nr_tfsm_free(fsm);
    return out;
}

static void expect_json(const char *tpl, const char *input, const char *want)
{
    struct nr_err err = NR_ERR_INIT;
    char *got = parse_json(tpl, input, &err);

    if (got == NULL) {
        fail_msg("parse failed: %s", err.msg);
    }
    assert_string_equal(got, want);
    free(got);
}

static void expect_error(const char *tpl, const char *input,
                         enum nr_err_kind kind, const char *part)
{
    struct nr_err err = NR_ERR_INIT;
    char *got = parse_json(tpl, input, &err);

    if (got != NULL) {
        fail_msg("expected an error, got %s", got);
    }
    assert_int_equal(err.kind, kind);
    if (strstr(err.msg, part) == NULL) {
        fail_msg("'%s' not in '%s'", part, err.msg);
    }
}

static void records_on_record(void **state)
{
    (void)state;
    expect_json("Value A (\\S+)\nValue B (\\d+)\n\nStart\n"
                "  ^name ${A} num ${B} -> Record\n",
                "name x num 1\njunk\nname y num 2\n",
                "[{\"a\": \"x\", \"b\": \"1\"}, {\"a\": \"y\", \"b\": \"2\"}]\n");
}

static void filldown_keeps_value(void **state)
{
    (void)state;
    expect_json("Value Filldown DEV (\\S+)\nValue PORT (\\S+)\n\nStart\n"
                "  ^device ${DEV}\n  ^port ${PORT} -> Record\n",
                "device r1\nport a\nport b\ndevice r2\nport c\n",
                "[{\"dev\": \"r1\", \"port\": \"a\"}, {\"dev\": \"r1\", "
                "\"port\": \"b\"}, {\"dev\": \"r2\", \"port\": \"c\"}, "
                "{\"dev\": \"r2\", \"port\": \"\"}]\n");
}

static void filldown_alone_is_recorded_at_eof(void **state)
{
    (void)state;
    /* The reference records a row holding only a Filldown value at the
     * implicit EOF. */
    expect_json("Value Filldown DEV (\\S+)\nValue PORT (\\S+)\n\nStart\n"
                "  ^device ${DEV}\n  ^port ${PORT} -> Record\n",
                "device r1\nport a\n",
                "[{\"dev\": \"r1\", \"port\": \"a\"}, {\"dev\": \"r1\", "
                "\"port\": \"\"}]\n");
}

static void fillup_fills_earlier_rows(void **state)
{
    (void)state;
    expect_json("Value Fillup VLAN (\\d+)\nValue PORT (\\S+)\n\nStart\n"
                "  ^port ${PORT} -> Record\n  ^vlan ${VLAN}\n",
                "port a\nport b\nvlan 7\n",
                "[{\"vlan\": \"7\", \"port\": \"a\"}, {\"vlan\": \"7\", "
                "\"port\": \"b\"}, {\"vlan\": \"7\", \"port\": \"\"}]\n");
}

static void required_drops_incomplete(void **state)
{
    (void)state;
    expect_json("Value Required A (\\S+)\nValue B (\\S+)\n\nStart\n"
                "  ^a ${A}\n  ^b ${B} -> Record\n",
                "b 1\na x\nb 2\n",
                "[{\"a\": \"x\", \"b\": \"2\"}]\n");
}

static void list_collects_items(void **state)
{
    (void)state;
    expect_json("Value NAME (\\S+)\nValue List MEMBER (\\S+)\n\nStart\n"
                "  ^group ${NAME}\n  ^  member ${MEMBER}\n"
                "  ^end -> Record\n",
                "group g\n  member a\n  member b\nend\ngroup h\nend\n",
                "[{\"name\": \"g\", \"member\": [\"a\", \"b\"]}, "
                "{\"name\": \"h\", \"member\": []}]\n");
}

static void list_with_named_groups_records_dicts(void **state)
{
    (void)state;
    expect_json("Value List P ((?P<k>\\w+)=(?P<v>\\w+))\n\nStart\n"
                "  ^${P}\n",
                "a=1\nb=2\n",
                "[{\"p\": [\"{'k': 'a', 'v': '1'}\", "
                "\"{'k': 'b', 'v': '2'}\"]}]\n");
}

static void continue_reuses_line(void **state)
{
    (void)state;
    expect_json("Value A (\\S+)\nValue B (\\S+)\n\nStart\n"
                "  ^${A} -> Continue\n  ^\\S+ ${B} -> Record\n",
                "x y\n",
                "[{\"a\": \"x\", \"b\": \"y\"}]\n");
}

static void clear_keeps_filldown_clearall_not(void **state)
{
    (void)state;
    expect_json("Value Filldown F (\\S+)\nValue V (\\S+)\n\nStart\n"
                "  ^f ${F}\n  ^v ${V}\n  ^clear -> Clear\n"
                "  ^all -> Clearall\n  ^rec -> Record\n",
                "f 1\nv 2\nclear\nrec\nv 3\nall\nv 4\nrec\n",
                "[{\"f\": \"1\", \"v\": \"\"}, {\"f\": \"\", \"v\": \"4\"}]\n");
}

static void error_without_message(void **state)
{
    (void)state;
    expect_error("Value A (\\S+)\n\nStart\n  ^ok ${A}\n  ^. -> Error\n",
                 "ok 1\nbad\n", NR_ERR_PARSE, "t.textfsm:5");
}

static void error_with_message(void **state)
{
    (void)state;
    expect_error("Value A (\\S+)\n\nStart\n  ^ok ${A}\n"
                 "  ^. -> Error \"unexpected line\"\n",
                 "bad\n", NR_ERR_PARSE, "unexpected line");
}

static void eof_implicit_records(void **state)
{
    (void)state;
    expect_json("Value A (\\S+)\n\nStart\n  ^a ${A}\n", "a 1\n",
                "[{\"a\": \"1\"}]\n");
}

static void eof_explicit_suppresses_record(void **state)
{
    (void)state;
    expect_json("Value A (\\S+)\n\nStart\n  ^a ${A}\n\nEOF\n", "a 1\n",
                "[]\n");
}

static void end_state_stops(void **state)
{
    (void)state;
    expect_json("Value A (\\S+)\n\nStart\n  ^a ${A} -> Record\n"
                "  ^stop -> End\n",
                "a 1\nstop\na 2\n", "[{\"a\": \"1\"}]\n");
}

static void state_transitions(void **state)
{
    (void)state;
    expect_json("Value A (\\S+)\nValue B (\\S+)\n\nStart\n"
                "  ^header -> Body\n\nBody\n  ^${A} ${B} -> Record\n"
                "  ^footer -> Start\n",
                "x y\nheader\nx y\nfooter\nz w\n",
                "[{\"a\": \"x\", \"b\": \"y\"}]\n");
}

static void record_and_state_in_one_action(void **state)
{
    (void)state;
    expect_json("Value A (\\S+)\n\nStart\n  ^a ${A} -> Next.Record Two\n"
                "\nTwo\n  ^a ${A} -> Record Start\n",
                "a 1\na 2\na 3\n",
                "[{\"a\": \"1\"}, {\"a\": \"2\"}, {\"a\": \"3\"}]\n");
}

static void brace_without_minimum(void **state)
{
    (void)state;
    /* Python reads {,2} as {0,2}; PCRE2 10.42 would take it literally. */
    expect_json("Value A (x{,2})\n\nStart\n  ^${A}y -> Record\n",
                "xxy\ny\n", "[{\"a\": \"xx\"}, {\"a\": \"\"}]\n");
}

static void backslash_z_is_end(void **state)
{
    (void)state;
    expect_json("Value A (\\d+)\n\nStart\n  ^n ${A}\\Z -> Record\n",
                "n 12\nn 13 more\n", "[{\"a\": \"12\"}]\n");
}

static void dollar_dollar_is_end_anchor(void **state)
{
    (void)state;
    expect_json("Value A (\\d+)\n\nStart\n  ^n ${A}$$ -> Record\n",
                "n 12\nn 13 more\n", "[{\"a\": \"12\"}]\n");
}

static void long_value_names(void **state)
{
    (void)state;
    expect_json("Value THIS_VALUE_NAME_IS_LONGER_THAN_32_CHARACTERS (\\S+)"
                "\n\nStart\n  ^${THIS_VALUE_NAME_IS_LONGER_THAN_32_CHARACTERS}"
                " -> Record\n",
                "v\n",
                "[{\"this_value_name_is_longer_than_32_characters\": "
                "\"v\"}]\n");
}

static void crlf_in_template_and_input(void **state)
{
    (void)state;
    expect_json("Value A (\\S+)\r\n\r\nStart\r\n  ^a ${A}$$ -> Record\r\n",
                "a 1\r\na 2\r\n", "[{\"a\": \"1\"}, {\"a\": \"2\"}]\n");
}

static void unicode_classes(void **state)
{
    (void)state;
    /* \w is Unicode in Python 3 str patterns. */
    expect_json("Value A (\\w+)\n\nStart\n  ^${A}$$ -> Record\n",
                "caf\xc3\xa9\n", "[{\"a\": \"caf\xc3\xa9\"}]\n");
}

/* Once a rule is hot it also runs a copy compiled for ASCII lines; a
 * line with other characters must still see Unicode \w, \s and \d. */
static void unicode_classes_on_hot_rules(void **state)
{
    const char *tpl = "Value A (\\w+)\nValue B (\\d+)\n\nStart\n"
                      "  ^${A}\\s+${B}$$ -> Record\n";
    struct nr_err err = NR_ERR_INIT;
    struct nr_tfsm *fsm = NULL;
    struct nr_tfsm_records *rec = NULL;
    struct nr_buf in = NR_BUF_INIT(1 << 20);
    size_t i, n, last;
    const char *v;

    (void)state;
    for (i = 0; i < 5000; i++) {
        assert_int_equal(nr_buf_adds(&in, "abc 12\n"), 0);
    }
    /* "cafe" with an accent, a no-break space, Arabic-Indic 1 and 2. */
    assert_int_equal(
        nr_buf_adds(&in, "caf\xc3\xa9\xc2\xa0\xd9\xa1\xd9\xa2\n"), 0);
    assert_nr_ok(nr_tfsm_load_text(&fsm, "t.textfsm", tpl, strlen(tpl), &err),
                 &err);
    assert_nr_ok(nr_tfsm_parse(&rec, fsm, in.data, in.len, &err), &err);
    assert_int_equal(nr_tfsm_records_nrows(rec), 5001);
    last = nr_tfsm_records_nrows(rec) - 1;
    v = nr_tfsm_records_get(rec, last, 0, 0, &n);
    assert_int_equal(n, 5);
    assert_memory_equal(v, "caf\xc3\xa9", 5);
    v = nr_tfsm_records_get(rec, last, 1, 0, &n);
    assert_int_equal(n, 4);
    assert_memory_equal(v, "\xd9\xa1\xd9\xa2", 4);
    nr_tfsm_records_free(rec);
    nr_tfsm_free(fsm);
    nr_buf_dispose(&in);
}

/* A state that sees many lines offers each line only to the rules its
 * first bytes allow (textfsm_run.c, "Rule dispatch").  Every rule here
 * continues, so a record shows every rule that matched its line; the
 * block repeated far past the point where the tables are built must
 * give the records the block gives alone, line for line.  The block
 * has what the tables must not get wrong: empty and blank lines, "\s+"
 * and "\s*" before a prefix, a prefix at the line start, Unicode white
 * space (no-break space, em space) that PCRE2 must still be asked
 * about, and rules with no prefix at all. */
static void dispatch_agrees_with_every_rule(void **state)
{
    const char *tpl =
        "Value A (.*)\nValue B (.*)\nValue C (.*)\nValue D (\\S+)\n"
        "Value E (.*)\nValue F (.*)\nValue G (\\s*)\nValue L (.*)\n\n"
        "Start\n"
        "  ^\\s+alpha${A} -> Continue\n"
        "  ^\\s*beta${B} -> Continue\n"
        "  ^gamma${C} -> Continue\n"
        "  ^\\s+${D}\\s+delta -> Continue\n"
        "  ^.*?eps${E} -> Continue\n"
        "  ^[xy]+${F} -> Continue\n"
        "  ^${G}$$ -> Continue\n"
        "  ^${L} -> Record\n";
    static const char block[] =
        "  alpha1\n\talpha2\nalpha3\nbeta4\n   beta5\ngamma6\n gamma7\n"
        "  foo delta\nx eps8\nxyeps9\n\n   \n"
        "\xc2\xa0" "alpha10\n\xc2\xa0\xc2\xa0" "beta11\n"
        "  \xc2\xa0" "alpha12\n\xe2\x80\x83" "gamma13\n";
    struct nr_err err = NR_ERR_INIT;
    struct nr_tfsm *fsm = NULL;
    struct nr_tfsm_records *one = NULL, *many = NULL;
    struct nr_buf in = NR_BUF_INIT(1 << 20);
    size_t i, c, n1, n2, l1, l2, reps = 40;
    const char *v1, *v2;

    (void)state;
    for (i = 0; i < reps; i++) {
        assert_int_equal(nr_buf_adds(&in, block), 0);
    }
    assert_nr_ok(nr_tfsm_load_text(&fsm, "t.textfsm", tpl, strlen(tpl), &err),
                 &err);
    assert_nr_ok(nr_tfsm_parse(&one, fsm, block, strlen(block), &err), &err);
    assert_nr_ok(nr_tfsm_parse(&many, fsm, in.data, in.len, &err), &err);
    n1 = nr_tfsm_records_nrows(one);
    n2 = nr_tfsm_records_nrows(many);
    assert_int_equal(n2, n1 * reps);
    for (i = 0; i < n2; i++) {
        for (c = 0; c < nr_tfsm_records_ncols(one); c++) {
            v1 = nr_tfsm_records_get(one, i % n1, c, 0, &l1);
            v2 = nr_tfsm_records_get(many, i, c, 0, &l2);
            if (l1 != l2 || memcmp(v1, v2, l1) != 0) {
                fail_msg("record %zu column %zu: '%.*s' != '%.*s'", i, c,
                         (int)l2, v2, (int)l1, v1);
            }
        }
    }
    /* And the block itself as Python's re would match it: \s takes the
     * no-break space, so alpha10 and beta11 match, gamma13 does not. */
    v1 = nr_tfsm_records_get(one, 12, 0, 0, &l1);
    assert_int_equal(l1, 2);
    assert_memory_equal(v1, "10", 2);
    v1 = nr_tfsm_records_get(one, 13, 1, 0, &l1);
    assert_int_equal(l1, 2);
    assert_memory_equal(v1, "11", 2);
    v1 = nr_tfsm_records_get(one, 15, 2, 0, &l1);
    assert_int_equal(l1, 0);
    v1 = nr_tfsm_records_get(one, 2, 0, 0, &l1);
    assert_int_equal(l1, 0);
    nr_tfsm_records_free(one);
    nr_tfsm_records_free(many);
    nr_tfsm_free(fsm);
    nr_buf_dispose(&in);
}

/* In place, the records point into valid input, and into a cleaned
 * copy of input that is not valid UTF-8. */
static void parse_in_place(void **state)
{
    const char *tpl = "Value A (\\S+)\n\nStart\n  ^${A} -> Record\n";
    static const char good[] = "x\r\ny\n", bad[] = "x\xff\n";
    struct nr_err err = NR_ERR_INIT;
    struct nr_tfsm *fsm = NULL;
    struct nr_tfsm_records *rec = NULL;
    const char *v;
    size_t n;

    (void)state;
    assert_nr_ok(nr_tfsm_load_text(&fsm, "t.textfsm", tpl, strlen(tpl), &err),
                 &err);
    assert_nr_ok(nr_tfsm_parse_in_place(&rec, fsm, good, sizeof(good) - 1,
                                        &err),
                 &err);
    assert_int_equal(nr_tfsm_records_nrows(rec), 2);
    v = nr_tfsm_records_get(rec, 1, 0, 0, &n);
    assert_ptr_equal(v, good + 3);
    assert_int_equal(n, 1);
    nr_tfsm_records_free(rec);
    assert_nr_ok(nr_tfsm_parse_in_place(&rec, fsm, bad, sizeof(bad) - 1,
                                        &err),
                 &err);
    v = nr_tfsm_records_get(rec, 0, 0, 0, &n);
    assert_int_equal(n, 4);
    assert_memory_equal(v, "x\xef\xbf\xbd", 4);
    nr_tfsm_records_free(rec);
    nr_tfsm_free(fsm);
}

static void merge_on_key(void **state)
{
    struct nr_err err = NR_ERR_INIT;
    struct nr_tfsm *fsm = NULL;
    struct nr_tfsm_records *rec = NULL;
    const char *t1 = "Value Key PORT (\\S+)\nValue STATE (up|down)\n\n"
                     "Start\n  ^${PORT} ${STATE} -> Record\n";
    const char *t2 = "Value Key PORT (\\S+)\nValue SPEED (\\d+G)\n\n"
                     "Start\n  ^${PORT} ${SPEED} -> Record\n";
    const char *in = "e1 up\ne2 down\ne2 10G\ne1 40G\n";
    char *out = NULL;
    size_t len;

    (void)state;
    assert_nr_ok(nr_tfsm_load_text(&fsm, "a", t1, strlen(t1), &err), &err);
    assert_nr_ok(nr_tfsm_add_text(fsm, "b", t2, strlen(t2), &err), &err);
    assert_nr_ok(nr_tfsm_parse(&rec, fsm, in, strlen(in), &err), &err);
    assert_nr_ok(nr_tfsm_records_format(&out, &len, rec, NR_TFSM_JSON, &err),
                 &err);
    assert_string_equal(out, "[{\"port\": \"e1\", \"state\": \"up\", "
                             "\"speed\": \"40G\"}, {\"port\": \"e2\", "
                             "\"state\": \"down\", \"speed\": \"10G\"}]\n");
    free(out);
    nr_tfsm_records_free(rec);
    nr_tfsm_free(fsm);
}

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");

    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static void index_selects_with_abbreviations(void **state)
{
    struct nr_err err = NR_ERR_INIT;
    struct nr_tfsm_index *idx = NULL;
    char dir[] = "/tmp/nr_tfsm_XXXXXX";
    char path[256];
    char want[256];
    char *got = NULL;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/index", dir);
    write_file(path, "# comment\n\nTemplate, Hostname, Platform, Command\n"
                     "\n"
                     "a.textfsm, .*, cisco_ios, sh[[ow]] ip int[[erface]] "
                     "br[[ief]]\n"
                     "b.textfsm:c.textfsm, .*, cisco_ios, sh[[ow]] ver[[sion]]"
                     "\n");
    assert_nr_ok(nr_tfsm_index_load(&idx, path, &err), &err);
    assert_nr_ok(nr_tfsm_index_find(&got, idx, "cisco_ios", "sh ip int br",
                                    &err), &err);
    snprintf(want, sizeof(want), "%s/a.textfsm", dir);
    assert_string_equal(got, want);
    free(got);
    assert_nr_ok(nr_tfsm_index_find(&got, idx, "cisco_ios", "show version",
                                    &err), &err);
    snprintf(want, sizeof(want), "%s/b.textfsm:%s/c.textfsm", dir, dir);
    assert_string_equal(got, want);
    free(got);
    assert_int_equal(nr_tfsm_index_find(&got, idx, "cisco_ios", "s ver",
                                        &err), -1);
    assert_int_equal(nr_tfsm_index_find(&got, idx, "arista_eos",
                                        "show version", &err), -1);
    nr_tfsm_index_free(idx);
    unlink(path);
    rmdir(dir);
}

static void syntax_error_names_file_and_line(void **state)
{
    (void)state;
    expect_error("Value A (\\S+)\n\nStart\n  ^a ${A}\n  ^b ${NOPE}\n", "",
                 NR_ERR_USAGE, "t.textfsm:5");
    expect_error("Value A (\\S+)\n\nStart\n  ^a ${A} -> Bogus\n", "",
                 NR_ERR_USAGE, "t.textfsm:4");
    expect_error("Value A (\\S+\n\nStart\n", "", NR_ERR_USAGE, "t.textfsm:1");
    expect_error("Value A (\\S+)\n\nStart\n  ^a ${A}$\n", "", NR_ERR_USAGE,
                 "t.textfsm:4");
    expect_error("Value A (\\S+)\n\nStart\n   ^a\n", "", NR_ERR_USAGE,
                 "t.textfsm:4");
    expect_error("Value A (\\S+)\n\nNope\n  ^a\n", "", NR_ERR_USAGE,
                 "missing state 'Start'");
    expect_error("Value A ([)\n\nStart\n  ^${A}\n", "", NR_ERR_USAGE,
                 "t.textfsm:4");
}

static void match_limit_is_parse_error(void **state)
{
    char line[64];

    (void)state;
    memset(line, 'a', 40);
    line[40] = '\n';
    line[41] = '\0';
    expect_error("Value A (\\S*)\n\nStart\n  ^(\\w+\\s?)+\\W${A}\n", line,
                 NR_ERR_PARSE, "t.textfsm:4: regex match limit");
}

static void translation_of_python_syntax(void **state)
{
    struct nr_tfsm__names nm = { NULL, 0, 0, 0, 0 };
    struct nr_buf b = NR_BUF_INIT(4096);
    uint32_t flags;
    char why[200];
    const char *pat = "(?P<first>a)(?P=first)[[:x]\\v{,3}\\Z";
    size_t idx;

    (void)state;
    assert_int_equal(nr_tfsm__names_add(&nm, "first", 5, &idx), 0);
    nm.nvalues = 1;
    assert_int_equal(nr_tfsm__re_translate(&b, &flags, pat, strlen(pat), &nm,
                                           why, sizeof(why)), 0);
    assert_string_equal(nr_buf_str(&b),
                        "(?<v0>a)(?P=v0)[\\[:x]\\x0b{0,3}\\z");
    nr_buf_reset(&b);
    assert_int_equal(nr_tfsm__re_translate(&b, &flags, "a\\q", 3, &nm, why,
                                           sizeof(why)), -1);
    nr_buf_dispose(&b);
    nr_tfsm__names_dispose(&nm);
}

static void splitlines_like_python(void **state)
{
    char *text = NULL;
    struct nr_tfsm__str *lines = NULL;
    size_t n = 0;
    static const char in[] = "a\r\nb\rc\x0c" "d\n";

    (void)state;
    assert_int_equal(nr_tfsm__lines(&text, NULL, &lines, NULL, &n, in,
                                    sizeof(in) - 1),
                     0);
    assert_int_equal(n, 4);
    assert_int_equal(lines[3].len, 1);
    assert_memory_equal(lines[3].p, "d", 1);
    free(text);
    free(lines);
    assert_int_equal(
        nr_tfsm__lines(&text, NULL, &lines, NULL, &n, "x\n\n", 3), 0);
    assert_int_equal(n, 2);
    free(text);
    free(lines);
}

/* ---- pre-checks before PCRE2: a wrong one drops records here ---- */

static void prefilter_caseless_literal(void **state)
{
    (void)state;
    expect_json("Value V (\\S+)\n\nStart\n  ^(?i:show)\\s+${V} -> Record\n",
                "SHOW x\nShow y\nshow z\nno w\n",
                "[{\"v\": \"x\"}, {\"v\": \"y\"}, {\"v\": \"z\"}]\n");
    expect_json("Value V (\\S+)\n\nStart\n"
                "  ^\\s*(?i:version)\\s+${V} -> Record\n",
                "VERSION 1\n  Version 2\nversion 3\n",
                "[{\"v\": \"1\"}, {\"v\": \"2\"}, {\"v\": \"3\"}]\n");
}

static void prefilter_leading_space(void **state)
{
    (void)state;
    /* U+00A0 and U+2003 are white space to \s, in Python and PCRE2. */
    expect_json("Value V (\\S+)\n\nStart\n  ^\\s*name ${V} -> Record\n",
                "name a\n  name b\n\tname c\n\xc2\xa0name d\nxname e\n",
                "[{\"v\": \"a\"}, {\"v\": \"b\"}, {\"v\": \"c\"}, "
                "{\"v\": \"d\"}]\n");
    expect_json("Value V (\\S+)\n\nStart\n  ^\\s+name ${V} -> Record\n",
                "name a\n  name b\n\xe2\x80\x83name c\n",
                "[{\"v\": \"b\"}, {\"v\": \"c\"}]\n");
}

static void prefilter_alternation_first(void **state)
{
    (void)state;
    expect_json("Value V (\\S+)\n\nStart\n  ^(?:foo|bar) ${V} -> Record\n",
                "foo 1\nbar 2\nbaz 3\n",
                "[{\"v\": \"1\"}, {\"v\": \"2\"}]\n");
    expect_json("Value V (\\S+)\n\nStart\n  ^zz|^\\s*bar ${V} -> Record\n",
                "bar 1\n  bar 2\nzz\n", "[{\"v\": \"1\"}, {\"v\": \"2\"}]\n");
}

static void prefilter_empty_match(void **state)
{
    (void)state;
    expect_json("Value V (\\S*)\n\nStart\n  ^v ${V}\n  ^\\s*$$ -> Record\n",
                "v a\n\nv b\n   \nv c\n",
                "[{\"v\": \"a\"}, {\"v\": \"b\"}, {\"v\": \"c\"}]\n");
    expect_json("Value V (\\S*)\n\nStart\n  ^${V}$$ -> Record\n", "a\n\nb c\n",
                "[{\"v\": \"a\"}, {\"v\": \"\"}]\n");
}

static void prefilter_value_class_first(void **state)
{
    (void)state;
    /* \d and \w take non-ASCII digits and letters (U+0663, U+00E9). */
    expect_json("Value N (\\d+)\nValue W ([\\w.]+)\n\nStart\n"
                "  ^${N}\\s+x -> Record\n  ^${W}\\s+y -> Record\n",
                "12 x\n\xd9\xa3 x\n\xc3\xa9" "1 y\na.b y\n-1 y\n",
                "[{\"n\": \"12\", \"w\": \"\"}, {\"n\": \"\xd9\xa3\", "
                "\"w\": \"\"}, {\"n\": \"\", \"w\": \"\xc3\xa9" "1\"}, "
                "{\"n\": \"\", \"w\": \"a.b\"}]\n");
    expect_json("Value IF ([A-Z][a-z]+\\d+)\n\nStart\n"
                "  ^${IF}\\s+is -> Record\n",
                "Gi0 is\nEth1 is\neth2 is\n",
                "[{\"if\": \"Gi0\"}, {\"if\": \"Eth1\"}]\n");
}

static void prefilter_optional_and_required(void **state)
{
    (void)state;
    expect_json("Value V (\\S+)\n\nStart\n  ^a{0,2}b ${V} -> Record\n"
                "  ^(foo )?bar ${V} -> Record\n  ^x?yz ${V} -> Record\n",
                "b 1\naab 2\nbar 3\nfoo bar 4\nyz 5\nxyz 6\n",
                "[{\"v\": \"1\"}, {\"v\": \"2\"}, {\"v\": \"3\"}, "
                "{\"v\": \"4\"}, {\"v\": \"5\"}, {\"v\": \"6\"}]\n");
    expect_json("Value V (\\S+)\n\nStart\n  ^\\.\\s+dot ${V} -> Record\n"
                "  ^.*in\\s+rate ${V} -> Record\n",
                ". dot 1\nx. dot 2\n  in rate 3\nin  rate 4\nIN rate 5\n",
                "[{\"v\": \"1\"}, {\"v\": \"3\"}, {\"v\": \"4\"}]\n");
}

static int in_first(const uint64_t b[4], unsigned c)
{
    return (b[c >> 6] >> (c & 63)) & 1;
}

/* The literal every match of pat contains, as the pre-check finds it
 * ("" for none). */
static void expect_required(const char *pat, const char *want)
{
    char lit[17];
    size_t at;
    size_t n = nr_tfsm__re_required(pat, strlen(pat), lit, 16, &at);

    lit[n] = '\0';
    assert_string_equal(lit, want);
}

static void prefilter_analysis(void **state)
{
    uint64_t b[4];

    (void)state;
    /* Inline flags change how everything after reads: no checks. */
    assert_int_equal(nr_tfsm__re_first("(?i)^show", 9, b), -1);
    expect_required("(?i)^show", "");
    expect_required("^x(?x) a b", "");
    /* Something that may match nothing first: no first-byte set. */
    assert_int_equal(nr_tfsm__re_first("^\\s*name", 8, b), -1);
    assert_int_equal(nr_tfsm__re_first("^\\s*$", 5, b), -1);
    assert_int_equal(nr_tfsm__re_first("^$", 2, b), -1);
    assert_int_equal(nr_tfsm__re_first("^a{0,2}b", 8, b), -1);
    assert_int_equal(nr_tfsm__re_first("^(?:x)?y", 8, b), -1);
    assert_int_equal(nr_tfsm__re_first("^zz|^bar", 8, b), -1);
    assert_int_equal(nr_tfsm__re_first("^(?:foo|bar)", 12, b), -1);
    assert_int_equal(nr_tfsm__re_first("^(?<=a)b", 8, b), -1);
    assert_int_equal(nr_tfsm__re_first("^[^a]", 5, b), -1);
    /* \s+: ASCII space and any non-ASCII lead byte. */
    assert_int_equal(nr_tfsm__re_first("^\\s+x", 5, b), 0);
    assert_true(in_first(b, ' ') && in_first(b, '\t') && in_first(b, 0xc2) &&
                in_first(b, 0xe2) && in_first(b, 0xe3));
    assert_false(in_first(b, 'x'));
    assert_int_equal(nr_tfsm__re_first("^\\S", 3, b), 0);
    assert_false(in_first(b, ' ') || in_first(b, '\t'));
    assert_true(in_first(b, 'a') && in_first(b, 0xc2) && in_first(b, 0x1c));
    /* A Value group: its own first atom. */
    assert_int_equal(nr_tfsm__re_first("^(?P<N>\\d+)\\s+x", 15, b), 0);
    assert_true(in_first(b, '0') && in_first(b, '9') && in_first(b, 0xd9));
    assert_false(in_first(b, 'a') || in_first(b, '-'));
    assert_int_equal(
        nr_tfsm__re_first("^(?P<IF>[A-Z][a-z]+\\d+)\\s+is", 27, b), 0);
    assert_true(in_first(b, 'A') && in_first(b, 'Z'));
    assert_false(in_first(b, 'a') || in_first(b, 0xc3));
    assert_int_equal(nr_tfsm__re_first("^[\\w.]+", 7, b), 0);
    assert_true(in_first(b, '.') && in_first(b, '_') && in_first(b, 0xc3));
    assert_int_equal(nr_tfsm__re_first("^\\.x", 4, b), 0);
    assert_true(in_first(b, '.'));
    assert_false(in_first(b, 'x'));
    /* Required literals: never a quantified character, a group's
     * content or a quantifier's digits. */
    expect_required("^\\s*name (?P<V>\\S+)", "name ");
    expect_required("^x?yz", "yz");
    expect_required("^.*in\\s+rate", "rate");
    expect_required("^\\s{2,16}ab\\s{1,12}c", "ab");
    expect_required("^(foo )?bar", "bar");
    expect_required("^abc+d", "ab");
    /* Scoped flags too are taken for inline flags (no checks). */
    expect_required("^(?i:show) x", "");
    expect_required("^[abc]+\\.\\-q", ".-q");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(records_on_record),
        cmocka_unit_test(dispatch_agrees_with_every_rule),
        cmocka_unit_test(prefilter_caseless_literal),
        cmocka_unit_test(prefilter_leading_space),
        cmocka_unit_test(prefilter_alternation_first),
        cmocka_unit_test(prefilter_empty_match),
        cmocka_unit_test(prefilter_value_class_first),
        cmocka_unit_test(prefilter_optional_and_required),
        cmocka_unit_test(prefilter_analysis),
        cmocka_unit_test(filldown_keeps_value),
        cmocka_unit_test(filldown_alone_is_recorded_at_eof),
        cmocka_unit_test(fillup_fills_earlier_rows),
        cmocka_unit_test(required_drops_incomplete),
        cmocka_unit_test(list_collects_items),
        cmocka_unit_test(list_with_named_groups_records_dicts),
        cmocka_unit_test(continue_reuses_line),
        cmocka_unit_test(clear_keeps_filldown_clearall_not),
        cmocka_unit_test(error_without_message),
        cmocka_unit_test(error_with_message),
        cmocka_unit_test(eof_implicit_records),
        cmocka_unit_test(eof_explicit_suppresses_record),
        cmocka_unit_test(end_state_stops),
        cmocka_unit_test(state_transitions),
        cmocka_unit_test(record_and_state_in_one_action),
        cmocka_unit_test(brace_without_minimum),
        cmocka_unit_test(backslash_z_is_end),
        cmocka_unit_test(dollar_dollar_is_end_anchor),
        cmocka_unit_test(long_value_names),
        cmocka_unit_test(crlf_in_template_and_input),
        cmocka_unit_test(unicode_classes),
        cmocka_unit_test(unicode_classes_on_hot_rules),
        cmocka_unit_test(parse_in_place),
        cmocka_unit_test(merge_on_key),
        cmocka_unit_test(index_selects_with_abbreviations),
        cmocka_unit_test(syntax_error_names_file_and_line),
        cmocka_unit_test(match_limit_is_parse_error),
        cmocka_unit_test(translation_of_python_syntax),
        cmocka_unit_test(splitlines_like_python),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
