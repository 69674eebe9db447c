/* test_known_hosts.c — the run's known_hosts snapshot: plain names and
 * [host]:port names are found with their keys; hashed, marked, pattern
 * and comment lines are left to libssh (never found here). */
#include <stdlib.h>
#include <string.h>

#include "nr_test.h"
#include "ssh.h"

static struct nr_ssh_kh *parse(const char *s)
{
    return nr_ssh__kh_parse(strdup(s));
}

static void plain_names_are_found(void **state)
{
    struct nr_ssh_kh *kh = parse(
        "r1,10.0.0.1 ssh-ed25519 KEY1 comment here\n"
        "[127.0.0.1]:2222 ssh-ed25519 KEY2\r\n"
        "r1 ssh-rsa KEY3\n"
        "  r2\tecdsa-sha2-nistp256\tKEY4");

    (void)state;
    assert_non_null(kh);
    assert_true(nr_ssh__kh_has(kh, "r1", "KEY1"));
    assert_true(nr_ssh__kh_has(kh, "10.0.0.1", "KEY1"));
    assert_true(nr_ssh__kh_has(kh, "r1", "KEY3"));      /* two lines */
    assert_true(nr_ssh__kh_has(kh, "[127.0.0.1]:2222", "KEY2"));
    assert_true(nr_ssh__kh_has(kh, "r2", "KEY4"));      /* no newline */
    assert_false(nr_ssh__kh_has(kh, "r1", "KEY2"));     /* other key */
    assert_false(nr_ssh__kh_has(kh, "127.0.0.1", "KEY2")); /* port */
    assert_false(nr_ssh__kh_has(kh, "R1", "KEY1"));
    nr_ssh__kh_free(kh);
}

static void other_lines_are_left_to_libssh(void **state)
{
    struct nr_ssh_kh *kh = parse(
        "# r1 ssh-ed25519 KEY1\n"
        "|1|c2FsdA==|aGFzaA== ssh-ed25519 KEY2\n"
        "@revoked r3 ssh-ed25519 KEY3\n"
        "@cert-authority *.lab ssh-ed25519 KEY4\n"
        "r5,*.lab ssh-ed25519 KEY5\n"
        "r6,!r7 ssh-ed25519 KEY6\n"
        "r8 ssh-ed25519\n"
        "\n");

    (void)state;
    assert_non_null(kh);
    assert_false(nr_ssh__kh_has(kh, "r1", "KEY1"));
    assert_false(nr_ssh__kh_has(kh, "r3", "KEY3"));
    assert_false(nr_ssh__kh_has(kh, "r5", "KEY5"));
    assert_false(nr_ssh__kh_has(kh, "r6", "KEY6"));
    assert_false(nr_ssh__kh_has(kh, "r8", ""));
    nr_ssh__kh_free(kh);
}

static void empty_and_missing(void **state)
{
    struct nr_ssh_kh *kh = parse("");

    (void)state;
    assert_non_null(kh);
    assert_false(nr_ssh__kh_has(kh, "r1", "KEY1"));
    nr_ssh__kh_free(kh);
    assert_null(nr_ssh__kh_load("/nonexistent/known_hosts"));
    assert_false(nr_ssh__kh_has(NULL, "r1", "KEY1"));
    nr_ssh__kh_free(NULL);
}

static void host_key_order_follows_known_types(void **state)
{
    static const char wanted[] = "ssh-ed25519,ecdsa-sha2-nistp256,"
                                 "rsa-sha2-512,rsa-sha2-256";
    struct nr_ssh_kh *kh = parse(
        "r1 ssh-rsa K1\n"
        "r2 ecdsa-sha2-nistp256 K2\nr2 ssh-ed25519 K3\n"
        "r3 ssh-dss K4\n");
    char out[256];

    (void)state;
    assert_true(nr_ssh__kh_order(kh, "r1", wanted, out, sizeof(out)));
    assert_string_equal(out, "rsa-sha2-512,rsa-sha2-256,ssh-ed25519,"
                             "ecdsa-sha2-nistp256");
    assert_true(nr_ssh__kh_order(kh, "r2", wanted, out, sizeof(out)));
    assert_string_equal(out, wanted);
    /* A type outside the list, or no entry: libssh decides. */
    assert_false(nr_ssh__kh_order(kh, "r3", wanted, out, sizeof(out)));
    assert_false(nr_ssh__kh_order(kh, "r9", wanted, out, sizeof(out)));
    assert_false(nr_ssh__kh_order(kh, "r1", wanted, out, 10));
    nr_ssh__kh_free(kh);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plain_names_are_found),
        cmocka_unit_test(other_lines_are_left_to_libssh),
        cmocka_unit_test(empty_and_missing),
        cmocka_unit_test(host_key_order_follows_known_types),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
