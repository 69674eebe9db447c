/* test_buf.c — bounded buffers and the error type. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nr_test.h"
#include "buf.h"

static void buf_appends_and_terminates(void **state)
{
    struct nr_buf b = NR_BUF_INIT(1024);

    (void)state;
    assert_string_equal(nr_buf_str(&b), "");
    assert_int_equal(nr_buf_adds(&b, "ab"), 0);
    assert_int_equal(nr_buf_printf(&b, "%d-%s", 42, "x"), 0);
    assert_int_equal(nr_buf_addc(&b, '!'), 0);
    assert_string_equal(b.data, "ab42-x!");
    assert_int_equal(b.len, 7);
    nr_buf_dispose(&b);
}

static void buf_ceiling_is_hard(void **state)
{
    struct nr_buf b = NR_BUF_INIT(4);

    (void)state;
    assert_int_equal(nr_buf_adds(&b, "abcd"), 0);
    errno = 0;
    assert_int_equal(nr_buf_addc(&b, 'e'), -1);
    assert_int_equal(errno, EMSGSIZE);
    assert_string_equal(b.data, "abcd");
    assert_int_equal(nr_buf_printf(&b, "%s", "x"), -1);
    nr_buf_dispose(&b);
}

static void buf_steal_hands_over(void **state)
{
    struct nr_buf b = NR_BUF_INIT(64);
    char *s;

    (void)state;
    s = nr_buf_steal(&b);
    assert_non_null(s);
    assert_string_equal(s, "");
    free(s);
    assert_int_equal(nr_buf_adds(&b, "hello"), 0);
    s = nr_buf_steal(&b);
    assert_string_equal(s, "hello");
    assert_null(b.data);
    free(s);
}

static void err_formats_one_line(void **state)
{
    struct nr_err err = NR_ERR_INIT;
    char buf[256];

    (void)state;
    nr_err_set(&err, NR_ERR_TIMEOUT, "exec", "no prompt after %d s", 30);
    assert_string_equal(nr_err_str(&err, buf, sizeof(buf)),
                        "exec: no prompt after 30 s");
    nr_err_set_host(&err, "r1");
    assert_string_equal(nr_err_str(&err, buf, sizeof(buf)),
                        "r1: exec: no prompt after 30 s");
    assert_string_equal(nr_err_kind_name(err.kind), "timeout");
    nr_err_set(&err, NR_ERR_PARSE, NULL, "inv.ini:3: bad");
    nr_err_set_host(&err, NULL);
    assert_string_equal(nr_err_str(&err, buf, sizeof(buf)), "inv.ini:3: bad");
    nr_err_clear(&err);
    assert_int_equal(err.kind, NR_OK);
    assert_string_equal(nr_err_kind_name((enum nr_err_kind)99), "unknown");
}

static void err_truncates_safely(void **state)
{
    struct nr_err err = NR_ERR_INIT;
    char big[2000];
    char small[16];

    (void)state;
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    nr_err_set(&err, NR_ERR_IO, big, "%s", big);
    assert_int_equal(strlen(err.msg), sizeof(err.msg) - 1);
    assert_int_equal(strlen(err.op), sizeof(err.op) - 1);
    nr_err_str(&err, small, sizeof(small));
    assert_int_equal(strlen(small), sizeof(small) - 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(buf_appends_and_terminates),
        cmocka_unit_test(buf_ceiling_is_hard),
        cmocka_unit_test(buf_steal_hands_over),
        cmocka_unit_test(err_formats_one_line),
        cmocka_unit_test(err_truncates_safely),
    };
    return cmocka_run_group_tests_name("buf+err", tests, NULL, NULL);
}
