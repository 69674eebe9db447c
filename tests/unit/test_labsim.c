/* test_labsim.c — the lab's device simulator core (tests/lab/sim), driven
 * byte by byte with a fake clock. */
#include <stdlib.h>
#include <string.h>

#include "nr_test.h"
#include "buf.h"
#include "sim.h"

static struct labsim_data *data;

static int setup(void **state)
{
    char msg[256];

    (void)state;
    if (labsim_data_load(&data, NR_SRCDIR "/tests/lab/data", msg,
                         sizeof(msg)) != 0) {
        fprintf(stderr, "labsim_data_load: %s\n", msg);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    labsim_data_free(data);
    return 0;
}

struct run {
    struct labsim_dev dev;
    struct labsim *s;
    struct nr_buf out;
    uint64_t now;
    enum labsim_st last;
    unsigned wait;
};

static void run_open(struct run *r, const char *platform, const char *exec,
                     const char *const *kv)
{
    char msg[128];
    size_t i;

    memset(r, 0, sizeof(*r));
    r->out = (struct nr_buf)NR_BUF_INIT(64u << 20);
    r->now = 1000;
    labsim_dev_init(&r->dev);
    assert_int_equal(labsim_dev_set(&r->dev, "platform", platform, msg,
                                    sizeof(msg)), 0);
    assert_int_equal(labsim_dev_set(&r->dev, "hostname", "r1", msg,
                                    sizeof(msg)), 0);
    assert_int_equal(labsim_dev_set(&r->dev, "user", "lab", msg,
                                    sizeof(msg)), 0);
    for (i = 0; kv != NULL && kv[i] != NULL; i += 2) {
        assert_int_equal(labsim_dev_set(&r->dev, kv[i], kv[i + 1], msg,
                                        sizeof(msg)), 0);
    }
    assert_int_equal(labsim_new(&r->s, data, &r->dev, exec), 0);
}

static void run_close(struct run *r)
{
    labsim_free(r->s);
    labsim_dev_dispose(&r->dev);
    nr_buf_dispose(&r->out);
}

/* Send input, collect output until the device waits (or ends). */
static const char *say(struct run *r, const char *in)
{
    char buf[4096];
    size_t n = 0;

    nr_buf_reset(&r->out);
    if (in != NULL) {
        assert_int_equal(labsim_feed(r->s, in, strlen(in)), 0);
    }
    for (;;) {
        r->last = labsim_pull(r->s, r->now, buf, sizeof(buf), &n, &r->wait);
        if (r->last != LABSIM_OUTPUT) {
            break;
        }
        assert_int_equal(nr_buf_add(&r->out, buf, n), 0);
    }
    return nr_buf_str(&r->out);
}

static void ios_prompt_and_show(void **state)
{
    struct run r;

    (void)state;
    run_open(&r, "cisco_ios", NULL, NULL);
    assert_non_null(strstr(say(&r, NULL), "r1#"));
    assert_int_equal(r.last, LABSIM_WAIT);
    assert_non_null(strstr(say(&r, "show clock\r"),
                           "show clock\r\n*18:57:38.347 UTC Mon Oct 19 2015\r\n"
                           "r1#"));
    run_close(&r);
}

static void ios_abbreviations(void **state)
{
    struct run r;

    (void)state;
    run_open(&r, "cisco_ios", NULL, NULL);
    say(&r, NULL);
    assert_non_null(strstr(say(&r, "sh ip int br\r"), "Ethernet0/0.11"));
    assert_non_null(strstr(say(&r, "sh in\r"),
                           "% Ambiguous command:  \"sh in\"\r\n"));
    run_close(&r);
}

static void ios_errors_with_caret(void **state)
{
    struct run r;

    (void)state;
    run_open(&r, "cisco_ios", NULL, NULL);
    say(&r, NULL);
    /* "r1#" is 3 columns, "show " 5 more: the caret sits under "foo" */
    assert_non_null(strstr(say(&r, "show foo\r"),
                           "\r\n        ^\r\n% Invalid input detected at "
                           "'^' marker.\r\n\r\nr1#"));
    assert_non_null(strstr(say(&r, "show\r"), "% Incomplete command.\r\n"));
    run_close(&r);
}

static void ios_paging(void **state)
{
    struct run r;
    const char *o = NULL;

    (void)state;
    run_open(&r, "cisco_ios", NULL, NULL);
    say(&r, NULL);
    o = say(&r, "show interfaces\r");
    assert_non_null(strstr(o, " --More-- "));
    assert_null(strstr(o, "r1#s")); /* no prompt yet */
    o = say(&r, " ");
    assert_non_null(strstr(o, "\b\b\b\b\b\b\b\b\b\b"));
    assert_non_null(strstr(o, " --More-- "));
    o = say(&r, "q");
    assert_true(strlen(o) >= 3);
    assert_string_equal(o + strlen(o) - 3, "r1#");
    say(&r, "terminal length 0\r");
    o = say(&r, "show interfaces\r");
    assert_null(strstr(o, "--More--"));
    run_close(&r);
}

static void ios_config_mode(void **state)
{
    struct run r;
    const char *o = NULL;

    (void)state;
    run_open(&r, "cisco_ios", NULL, NULL);
    say(&r, NULL);
    o = say(&r, "conf t\r");
    assert_non_null(strstr(o, "Enter configuration commands, one per line."
                              "  End with CNTL/Z.\r\nr1(config)#"));
    assert_non_null(strstr(say(&r, "hostname edge9\r"), "edge9(config)#"));
    assert_non_null(strstr(say(&r, "int Loopback7\r"), "edge9(config-if)#"));
    say(&r, "desc lab loopback\r");
    assert_non_null(strstr(say(&r, "\x1a"), "^Z\r\nedge9#"));
    o = say(&r, "terminal length 0\rshow running-config\r");
    assert_non_null(strstr(o, "interface Loopback7\r\n description lab "
                              "loopback\r\n!"));
    assert_non_null(strstr(o, "! Last configuration change at "));
    assert_non_null(strstr(o, "ntp clock-period "));
    o = say(&r, "sh run | include ^hostname\r");
    assert_non_null(strstr(o, "\r\nhostname edge9\r\nedge9#"));
    run_close(&r);
}

static void ios_enable_secret(void **state)
{
    static const char *const kv[] = { "enable_secret", "s3cret", NULL };
    struct run r;
    const char *o = NULL;

    (void)state;
    run_open(&r, "cisco_ios", NULL, kv);
    assert_non_null(strstr(say(&r, NULL), "r1>"));
    assert_non_null(strstr(say(&r, "en\r"), "Password: "));
    say(&r, "no\r");
    say(&r, "nope\r");
    o = say(&r, "wrong\r");
    assert_non_null(strstr(o, "% Bad secrets"));
    assert_null(strstr(o, "wrong")); /* no echo of secrets */
    say(&r, "enable\r");
    o = say(&r, "s3cret\r");
    assert_null(strstr(o, "s3cret"));
    assert_non_null(strstr(o, "r1#"));
    run_close(&r);
}

static void line_editing(void **state)
{
    struct run r;

    (void)state;
    run_open(&r, "cisco_ios", NULL, NULL);
    say(&r, NULL);
    /* backspace, DEL, telnet negotiation and an arrow key are handled */
    assert_non_null(strstr(say(&r, "show clockk\b\r\n"), "Oct 19 2015"));
    assert_non_null(strstr(say(&r, "\xff\xfb\x01show cl\x7fl\033[Aock\r"),
                           "Oct 19 2015"));
    run_close(&r);
}

static void xr_commit_question(void **state)
{
    struct run r;
    const char *o = NULL;

    (void)state;
    run_open(&r, "cisco_xr", NULL, NULL);
    assert_non_null(strstr(say(&r, NULL), "RP/0/RSP0/CPU0:r1#"));
    say(&r, "configure\r");
    say(&r, "hostname xr9\r");
    o = say(&r, "end\r");
    assert_non_null(strstr(o, "Uncommitted changes found, commit them before "
                              "exiting(yes/no/cancel)? [cancel]:"));
    assert_non_null(strstr(say(&r, "\r"), "RP/0/RSP0/CPU0:r1(config)#"));
    say(&r, "commit\r");
    assert_non_null(strstr(say(&r, "end\r"), "RP/0/RSP0/CPU0:xr9#"));
    run_close(&r);
}

static void junos_config_and_errors(void **state)
{
    struct run r;
    const char *o = NULL;

    (void)state;
    run_open(&r, "juniper_junos", NULL, NULL);
    assert_non_null(strstr(say(&r, NULL), "lab@r1> "));
    assert_non_null(strstr(say(&r, "shw version\r"), "^\r\nunknown command."));
    assert_non_null(strstr(say(&r, "set cli screen-length 0\r"),
                           "Screen length set to 0"));
    o = say(&r, "configure\r");
    assert_non_null(strstr(o, "Entering configuration mode\r\n\r\n[edit]"
                              "\r\nlab@r1# "));
    say(&r, "set system host-name j9\r");
    assert_non_null(strstr(say(&r, "commit\r"), "commit complete"));
    assert_non_null(strstr(say(&r, "exit\r"), "lab@j9> "));
    o = say(&r, "show configuration | display set | match host-name\r");
    assert_non_null(strstr(o, "set system host-name j9\r\n"));
    o = say(&r, "show configuration\r");
    assert_non_null(strstr(o, "## Last commit: "));
    assert_non_null(strstr(o, "system {\r\n    host-name j9;\r\n"));
    run_close(&r);
}

static void exec_mode_status(void **state)
{
    struct run r;

    (void)state;
    run_open(&r, "arista_eos", "show version", NULL);
    assert_non_null(strstr(say(&r, NULL), "Arista"));
    assert_int_equal(r.last, LABSIM_EXIT);
    assert_int_equal(labsim_exit_status(r.s), 0);
    run_close(&r);
    run_open(&r, "arista_eos", "show nothing", NULL);
    assert_non_null(strstr(say(&r, NULL), "% Invalid input"));
    assert_int_equal(r.last, LABSIM_EXIT);
    assert_int_equal(labsim_exit_status(r.s), 1);
    run_close(&r);
}

static void fault_slow_waits(void **state)
{
    static const char *const kv[] = { "fault", "slow", "slow_ms", "700",
                                      NULL };
    struct run r;

    (void)state;
    run_open(&r, "cisco_nxos", NULL, kv);
    say(&r, NULL);
    assert_null(strstr(say(&r, "show clock\r"), "r1#"));
    assert_int_equal(r.last, LABSIM_WAIT);
    assert_int_equal(r.wait, 700);
    r.now += 700;
    assert_non_null(strstr(say(&r, NULL), "r1#"));
    run_close(&r);
}

static void fault_drop_nopage_hang(void **state)
{
    static const char *const drop[] = { "fault", "drop", NULL };
    static const char *const nopage[] = { "fault", "nopage", NULL };
    static const char *const hang[] = { "fault", "hang", "hang_s", "5",
                                        NULL };
    struct run r;

    (void)state;
    run_open(&r, "cisco_ios", "show interfaces", drop);
    say(&r, NULL);
    assert_int_equal(r.last, LABSIM_DROP);
    assert_true(r.out.len >= 2048 && r.out.len < 12000);
    run_close(&r);

    run_open(&r, "cisco_ios", NULL, nopage);
    say(&r, NULL);
    assert_non_null(strstr(say(&r, "terminal length 0\r"),
                           "% Invalid input detected"));
    assert_non_null(strstr(say(&r, "show interfaces\r"), " --More-- "));
    run_close(&r);

    run_open(&r, "cisco_ios", NULL, hang);
    assert_string_equal(say(&r, "show version\r"), "");
    assert_int_equal(r.last, LABSIM_WAIT);
    r.now += 5000;
    say(&r, NULL);
    assert_int_equal(r.last, LABSIM_EXIT);
    run_close(&r);
}

static void fault_huge(void **state)
{
    static const char *const kv[] = { "fault", "huge", "huge_bytes",
                                      "1000000", NULL };
    struct run r;

    (void)state;
    run_open(&r, "cisco_ios", "show tech-support", kv);
    say(&r, NULL);
    assert_int_equal(r.last, LABSIM_EXIT);
    assert_true(r.out.len > 1000000);
    run_close(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ios_prompt_and_show),
        cmocka_unit_test(ios_abbreviations),
        cmocka_unit_test(ios_errors_with_caret),
        cmocka_unit_test(ios_paging),
        cmocka_unit_test(ios_config_mode),
        cmocka_unit_test(ios_enable_secret),
        cmocka_unit_test(line_editing),
        cmocka_unit_test(xr_commit_question),
        cmocka_unit_test(junos_config_and_errors),
        cmocka_unit_test(exec_mode_status),
        cmocka_unit_test(fault_slow_waits),
        cmocka_unit_test(fault_drop_nopage_hang),
        cmocka_unit_test(fault_huge),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
