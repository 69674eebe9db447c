/* test_ssh_config.c — what netrun reads from ssh_config itself, because
 * libssh 0.10 parses it but cannot say: BindAddress for a host (Host and
 * Match blocks, negation, wildcards, first value wins, Include), and the
 * one-pass scan for words that decide whether per-host reads are needed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nr_test.h"
#include "ssh.h"

static char dir[] = "/tmp/nr-sshcfg-XXXXXX";

static void write_file(const char *name, const char *text)
{
    char path[256];
    FILE *fp;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

/* BindAddress for host under config file `name` in dir, or "" for none. */
static void expect_bind(const char *name, const char *host, const char *want)
{
    char path[256];
    char *got = NULL;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    assert_int_equal(nr_ssh__config_bind(&got, host, path), 0);
    if (got == NULL) {
        if (want[0] != '\0') {
            fail_msg("%s: no BindAddress, want %s", host, want);
        }
        return;
    }
    if (strcmp(got, want) != 0) {
        fail_msg("%s: BindAddress %s, want '%s'", host, got, want);
    }
    free(got);
}

static void host_blocks_and_patterns(void **state)
{
    (void)state;
    write_file("c1",
               "# comment BindAddress 10.9.9.9\n"
               "Host r1 r2\n"
               "    BindAddress 10.0.0.1\n"
               "Host 10.1.*,!10.1.2.3\n"
               "    BindAddress=10.0.0.2\n"
               "Host core-??\n"
               "  bindaddress \"10.0.0.3\"\n"
               "Host *\n"
               "    BindAddress 10.0.0.9\n"
               "    BindAddress 10.0.0.8\n");
    expect_bind("c1", "r1", "10.0.0.1");
    expect_bind("c1", "R2", "10.0.0.1");          /* names in any case */
    expect_bind("c1", "10.1.7.7", "10.0.0.2");
    expect_bind("c1", "10.1.2.3", "10.0.0.9");    /* negated: falls to * */
    expect_bind("c1", "core-01", "10.0.0.3");
    expect_bind("c1", "core-001", "10.0.0.9");    /* ? is one character */
    expect_bind("c1", "other", "10.0.0.9");       /* the first value wins */
}

static void match_and_top_of_file(void **state)
{
    (void)state;
    write_file("c2",
               "BindAddress ::1\n"
               "Host x\n"
               "    BindAddress 10.0.0.1\n");
    expect_bind("c2", "x", "::1");                /* before any Host line */
    write_file("c3",
               "Match host sw*,!sw9 \n"
               "    BindAddress 10.0.0.4\n"
               "Match user admin\n"
               "    BindAddress 10.0.0.5\n"
               "Match !host r* all\n"
               "    BindAddress 10.0.0.6\n");
    expect_bind("c3", "sw1", "10.0.0.4");
    expect_bind("c3", "sw9", "10.0.0.6");
    /* "user" cannot be judged here: that block is never taken. */
    expect_bind("c3", "r1", "");
    write_file("c4", "Host a\n    User bob\n");
    expect_bind("c4", "a", "");
}

static void include_follows_its_block(void **state)
{
    char text[512];

    (void)state;
    write_file("inc1", "Host lab-*\n    BindAddress 10.0.0.7\n");
    snprintf(text, sizeof(text),
             "Host lab-*\n"
             "    Include %s/inc1\n"
             "Host other\n"
             "    Include %s/inc-missing\n"
             "Host *\n"
             "    BindAddress 10.0.0.9\n", dir, dir);
    write_file("c5", text);
    expect_bind("c5", "lab-1", "10.0.0.7");
    expect_bind("c5", "other", "10.0.0.9");
    /* No file at all, and "none", give nothing. */
    expect_bind("no-such-file", "x", "");
    {
        char *got = (char *)"unset";

        assert_int_equal(nr_ssh__config_bind(&got, "x", "none"), 0);
        assert_null(got);
    }
}

static void mentions_scan(void **state)
{
    static const char *const words[] = { "proxy", "hostkeyalgorithms",
                                         "bindaddress" };
    char path[256];

    (void)state;
    write_file("m1", "Host a\n  ProxyJump b\n# BindAddress in a comment\n");
    snprintf(path, sizeof(path), "%s/m1", dir);
    assert_int_equal(nr_ssh__config_mentions(path, words, 3), 1);
    write_file("m2", "Host a\n  bindaddress 10.0.0.1\n");
    snprintf(path, sizeof(path), "%s/m2", dir);
    assert_int_equal(nr_ssh__config_mentions(path, words, 3), 4);
    assert_int_equal(nr_ssh__config_mentions("none", words, 3), 0);
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(dir) != NULL ? 0 : -1;
}

static int teardown(void **state)
{
    char cmd[300];

    (void)state;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(host_blocks_and_patterns),
        cmocka_unit_test(match_and_top_of_file),
        cmocka_unit_test(include_follows_its_block),
        cmocka_unit_test(mentions_scan),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
