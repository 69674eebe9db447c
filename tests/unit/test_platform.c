/* test_platform.c — platform profiles and device output clean-up. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nr_test.h"
#include "cli.h"
#include "platform.h"

static const char *const SHIPPED[] = {
    "cisco_ios", "cisco_nxos", "cisco_xr", "arista_eos", "juniper_junos",
    "linux",
};

static const char *const SRC_DIR[] = { NR_SRCDIR "/templates/platforms" };

static void shipped_profiles_load(void **state)
{
    struct nr_err err = NR_ERR_INIT;

    (void)state;
    for (size_t i = 0; i < sizeof(SHIPPED) / sizeof(SHIPPED[0]); i++) {
        struct nr_platform *p = NULL;

        assert_nr_ok(nr_platform__load(&p, SHIPPED[i], SRC_DIR, 1, &err),
                     &err);
        assert_string_equal(p->name, SHIPPED[i]);
        assert_true(p->exec || p->prompt != NULL);
        assert_non_null(p->backup);
        nr_platform__free(p);
    }
}

/* Each shipped prompt regex against prompts real devices print, and
 * against output lines that only look like prompts. */
static void prompts_match_real_prompts(void **state)
{
    static const struct {
        const char *platform, *text;
        int match;
    } cases[] = {
        { "cisco_ios", "r1>", 1 },
        { "cisco_ios", "r1#", 1 },
        { "cisco_ios", "core-a1.lab(config-if)#", 1 },
        { "cisco_ios", "Building configuration...", 0 },
        { "cisco_ios", "  Internet address is 10.0.0.1/24", 0 },
        { "cisco_xr", "RP/0/RSP0/CPU0:xr1#", 1 },
        { "cisco_xr", "RP/0/RSP0/CPU0:xr1(config)#", 1 },
        { "cisco_nxos", "nxos1(config)# ", 1 },
        { "arista_eos", "eos1>", 1 },
        { "juniper_junos", "lab@junos1> ", 1 },
        { "juniper_junos", "lab@junos1# ", 1 },
        { "juniper_junos", "{master:0}", 0 },
    };
    struct nr_err err = NR_ERR_INIT;

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct nr_platform *p = NULL;

        assert_nr_ok(nr_platform__load(&p, cases[i].platform, SRC_DIR, 1,
                                       &err), &err);
        if (nr_re__search(p->prompt, cases[i].text, strlen(cases[i].text),
                          NULL) !=
            cases[i].match) {
            fail_msg("%s: prompt on '%s' should %s", cases[i].platform,
                     cases[i].text, cases[i].match ? "match" : "not match");
        }
        nr_platform__free(p);
    }
}

static void errors_name_file_and_line(void **state)
{
    static const struct {
        const char *text, *want;
    } cases[] = {
        { "prompt = x\nbogus = 1\n", "t.conf:2: bogus: unknown setting" },
        { "prompt = (\n", "t.conf:1: prompt: bad regex" },
        { "# c\n\nprompt\n", "t.conf:3: expected 'key = value'" },
        { "pager_key = \\s\nprompt = x\n", "t.conf:1: pager_key: pager_key "
                                           "before any pager line" },
        { "prompt = x\nsetup = a\ninherit = cisco_ios\n",
          "t.conf:3: inherit: inherit must be the first setting" },
        { "transport = telnet\n", "t.conf:1: transport: transport is shell "
                                  "or exec" },
        { "description = no prompt\n", "t.conf: a shell profile needs a "
                                       "prompt" },
        { "prompt = x\nanswer = no arrow\n", "t.conf:2: answer: answer "
                                             "needs 'REGEX => TEXT'" },
        { "prompt = x\npager = y\npager_key = \\q\n", "t.conf:3: pager_key: "
                                                      "unknown escape \\q" },
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct nr_err err = NR_ERR_INIT;
        struct nr_platform *p = NULL;

        assert_int_equal(nr_platform__parse(&p, "t.conf", cases[i].text,
                                            strlen(cases[i].text), &err), -1);
        assert_null(p);
        assert_int_equal(err.kind, NR_ERR_USAGE);
        if (strstr(err.msg, cases[i].want) == NULL) {
            fail_msg("want '%s' in '%s'", cases[i].want, err.msg);
        }
    }
}

static void lists_and_escapes(void **state)
{
    static const char text[] =
        "prompt = ^(?<host>\\w+)[>#]$\n"
        "setup = terminal length 0\n"
        "setup = terminal width 511\n"
        "pager = --More--\n"
        "pager_key = \\x20\n"
        "pager = Press q\n"
        "pager_key = q\n"
        "answer = \\[confirm\\] => y\n"
        "newline = \\r\n"
        "strip_ansi = no\n";
    struct nr_err err = NR_ERR_INIT;
    struct nr_platform *p = NULL;

    (void)state;
    assert_nr_ok(nr_platform__parse(&p, "t.conf", text, strlen(text), &err),
                 &err);
    assert_string_equal(p->name, "t");
    assert_int_equal(p->nsetup, 2);
    assert_string_equal(p->setup[1], "terminal width 511");
    assert_int_equal(p->pagers.n, 2);
    assert_string_equal(p->pagers.v[0].send, " ");
    assert_string_equal(p->pagers.v[1].send, "q");
    assert_string_equal(p->answers.v[0].send, "y");
    assert_string_equal(p->newline, "\r");
    assert_int_equal(p->strip_ansi, 0);
    assert_int_not_equal(p->prompt_host_group, 0);
    nr_platform__free(p);
}

static void inherit_extends_lists(void **state)
{
    char dir[] = "/tmp/nr_plat_XXXXXX";   /* own folder: runs may overlap */
    const char *dirs[] = { dir, NR_SRCDIR "/templates/platforms" };
    char path[64];
    static const char text[] = "inherit = cisco_ios\n"
                               "description = IOS with a site banner\n"
                               "error = ^% Site policy\n";
    struct nr_err err = NR_ERR_INIT;
    struct nr_platform *p = NULL, *base = NULL;
    FILE *fp;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/site_ios.conf", dir);
    fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
    assert_nr_ok(nr_platform__load(&p, "site_ios", dirs, 2, &err), &err);
    assert_nr_ok(nr_platform__load(&base, "cisco_ios", dirs, 2, &err), &err);
    assert_string_equal(p->name, "site_ios");
    assert_int_equal(p->errors.n, base->errors.n + 1);
    assert_int_equal(p->nsetup, base->nsetup);
    assert_string_equal(p->config_enter, "configure terminal");
    nr_platform__free(p);
    nr_platform__free(base);
    assert_int_equal(nr_platform__load(&p, "no_such_platform", dirs, 2, &err),
                     -1);
    assert_non_null(strstr(err.msg, "no profile 'no_such_platform'"));
    assert_int_equal(nr_platform__load(&p, "../etc/passwd", dirs, 2, &err),
                     -1);
    assert_non_null(strstr(err.msg, "bad platform name"));
    unlink(path);
    rmdir(dir);
}

static void aliases_are_data(void **state)
{
    (void)state;
    assert_string_equal(nr_platform__canonical("cisco.ios.ios"), "cisco_ios");
    assert_string_equal(nr_platform__canonical("junipernetworks.junos.junos"),
                        "juniper_junos");
    assert_string_equal(nr_platform__canonical("cisco.iosxr.iosxr"),
                        "cisco_xr");
    assert_string_equal(nr_platform__canonical("arista.eos.eos"),
                        "arista_eos");
    assert_string_equal(nr_platform__canonical("cisco_ios"), "cisco_ios");
    assert_string_equal(nr_platform__canonical("acme.os.os"), "acme.os.os");
}

static void generic_pagers(void **state)
{
    const struct nr_patterns *g = nr_platform__generic_pagers();
    static const char *const yes[] = { " --More-- ", "-- More --",
                                       "<--- More --->",
                                       "Press any key to continue",
                                       "---(more 45%)---" };

    (void)state;
    for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
        if (nr_patterns__search(g, yes[i], strlen(yes[i]), NULL) < 0) {
            fail_msg("generic pager should match '%s'", yes[i]);
        }
    }
    assert_int_equal(nr_patterns__search(g, "r1#", 3, NULL), -1);
}

static void check_norm(const char *in, size_t len, int ansi,
                       const char *want)
{
    char *buf = malloc(len + 1);
    size_t n;

    memcpy(buf, in, len);
    n = nr_cli__normalize(buf, len, ansi);
    buf[n] = '\0';
    assert_string_equal(buf, want);
    free(buf);
}

#define CHECK_NORM(lit, ansi, want) check_norm(lit, sizeof(lit) - 1, ansi, want)

static void normalize_like_a_terminal(void **state)
{
    (void)state;
    CHECK_NORM("a\r\nb\r\n", 1, "a\nb\n");
    /* the pager erase IOS sends after the key */
    CHECK_NORM("x\n\b\b\b\b\b\b\b\b\b        \b\b\b\b\b\b\b\b\bline2\n", 1,
               "x\nline2\n");
    /* a lone CR rewrites the line */
    CHECK_NORM("progress 10%\rprogress 100%\n", 1, "progress 100%\n");
    CHECK_NORM("\x1b[1;32mr1#\x1b[0m", 1, "r1#");
    CHECK_NORM("\x1b]0;title\x07ok\n", 1, "ok\n");
    CHECK_NORM("\x1b[1mX", 0, "\x1b[1mX");
    CHECK_NORM("a\0b\n", 1, "ab\n");
    /* trailing blanks survive when no erase happened */
    CHECK_NORM("name   \nx", 1, "name   \nx");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shipped_profiles_load),
        cmocka_unit_test(prompts_match_real_prompts),
        cmocka_unit_test(errors_name_file_and_line),
        cmocka_unit_test(lists_and_escapes),
        cmocka_unit_test(inherit_extends_lists),
        cmocka_unit_test(aliases_are_data),
        cmocka_unit_test(generic_pagers),
        cmocka_unit_test(normalize_like_a_terminal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
