/* test_fiber.c — jobs as coroutines on few threads: every job runs once,
 * the concurrency bound holds, waits wake on I/O and on time, and the
 * same calls block plainly outside a run. */
#include <poll.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nr_test.h"
#include "fiber.h"

static int64_t ms_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct count {
    atomic_int *runs;
    atomic_int live, peak;
    int sleep_ms;
};

static void count_job(void *arg, size_t i)
{
    struct count *c = arg;
    int now = atomic_fetch_add(&c->live, 1) + 1;
    int peak = atomic_load(&c->peak);

    while (now > peak && !atomic_compare_exchange_weak(&c->peak, &peak, now)) {
    }
    atomic_fetch_add(&c->runs[i], 1);
    nr_fiber__sleep_ms(c->sleep_ms);
    atomic_fetch_sub(&c->live, 1);
}

static void every_job_runs_once_within_the_bound(void **state)
{
    size_t n = 500;
    struct count c;

    (void)state;
    memset(&c, 0, sizeof(c));
    c.runs = calloc(n, sizeof(*c.runs));
    c.sleep_ms = 5;
    nr_fiber__run(n, 40, 64 << 10, count_job, &c);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(atomic_load(&c.runs[i]), 1);
    }
    assert_true(atomic_load(&c.peak) <= 40);
    /* Sleeping jobs overlap: far more than one per thread at once. */
    assert_true(atomic_load(&c.peak) > 4);
    assert_int_equal(atomic_load(&c.live), 0);
    free(c.runs);
}

static void concurrency_one_runs_one_at_a_time(void **state)
{
    size_t n = 20;
    struct count c;

    (void)state;
    memset(&c, 0, sizeof(c));
    c.runs = calloc(n, sizeof(*c.runs));
    nr_fiber__run(n, 1, 64 << 10, count_job, &c);
    assert_int_equal(atomic_load(&c.peak), 1);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(atomic_load(&c.runs[i]), 1);
    }
    free(c.runs);
}

/* Pairs of jobs: job 2k waits on a pipe that job 2k+1 writes after a
 * short sleep; the waiter must wake on the byte, not on its timeout. */
struct pipes {
    int (*fds)[2];
    atomic_int woke_by_io, timed_out;
    int64_t *waited;
};

static void pipe_job(void *arg, size_t i)
{
    struct pipes *p = arg;
    int *fd = p->fds[i / 2];

    if (i % 2 == 0) {
        int64_t t0 = ms_now();
        int rev = nr_fiber__wait(fd[0], POLLIN, 5000);

        p->waited[i / 2] = ms_now() - t0;
        if (rev & POLLIN) {
            char c;

            assert_int_equal(read(fd[0], &c, 1), 1);
            atomic_fetch_add(&p->woke_by_io, 1);
        } else {
            atomic_fetch_add(&p->timed_out, 1);
        }
    } else {
        nr_fiber__sleep_ms(20);
        assert_int_equal(write(fd[1], "x", 1), 1);
    }
}

static void waits_wake_on_io(void **state)
{
    size_t pairs = 50;
    struct pipes p;

    (void)state;
    memset(&p, 0, sizeof(p));
    p.fds = calloc(pairs, sizeof(*p.fds));
    p.waited = calloc(pairs, sizeof(*p.waited));
    for (size_t i = 0; i < pairs; i++) {
        assert_int_equal(pipe(p.fds[i]), 0);
    }
    /* Every job alive at once, so each writer runs beside its reader. */
    nr_fiber__run(2 * pairs, 2 * pairs, 64 << 10, pipe_job, &p);
    assert_int_equal(atomic_load(&p.woke_by_io), (int)pairs);
    assert_int_equal(atomic_load(&p.timed_out), 0);
    for (size_t i = 0; i < pairs; i++) {
        assert_true(p.waited[i] < 4000);
        close(p.fds[i][0]);
        close(p.fds[i][1]);
    }
    free(p.fds);
    free(p.waited);
}

struct tmo {
    int fd;
    int rev;
    int64_t took;
};

static void timeout_job(void *arg, size_t i)
{
    struct tmo *t = arg;
    int64_t t0 = ms_now();

    (void)i;
    t->rev = nr_fiber__wait(t->fd, POLLIN, 50);
    t->took = ms_now() - t0;
}

static void wait_times_out(void **state)
{
    int fd[2];
    struct tmo t = { 0, -1, 0 };

    (void)state;
    assert_int_equal(pipe(fd), 0);
    t.fd = fd[0];
    nr_fiber__run(1, 1, 64 << 10, timeout_job, &t);
    assert_int_equal(t.rev, 0);
    assert_true(t.took >= 45);
    /* Outside a run the same call is a plain poll. */
    timeout_job(&t, 0);
    assert_int_equal(t.rev, 0);
    assert_true(t.took >= 45);
    assert_int_equal(write(fd[1], "x", 1), 1);
    timeout_job(&t, 0);
    assert_true(t.rev & POLLIN);
    close(fd[0]);
    close(fd[1]);
}

static void no_jobs_is_a_no_op(void **state)
{
    (void)state;
    nr_fiber__run(0, 10, 64 << 10, count_job, NULL);
    nr_fiber__sleep_ms(0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_job_runs_once_within_the_bound),
        cmocka_unit_test(concurrency_one_runs_one_at_a_time),
        cmocka_unit_test(waits_wake_on_io),
        cmocka_unit_test(wait_times_out),
        cmocka_unit_test(no_jobs_is_a_no_op),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
