/* Coroutines on a few threads; see fiber.h for why. */
#define _GNU_SOURCE
#include "fiber.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#define ASAN_FIBERS 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#include <sanitizer/common_interface_defs.h>
#define ASAN_FIBERS 1
#endif
#endif

struct co {
    ucontext_t ctx;
    char *mem;              /* mapping: guard page, then the stack */
    size_t idx;
    int fd;                 /* waited on, -1: none */
    short events, revents;
    int64_t wake;           /* ms; 0: no time limit */
    int runnable, done;
    void *fake;             /* ASan's fake stack while switched out */
};

struct sched {
    size_t njobs, stack, page;
    atomic_size_t next;
    void (*fn)(void *, size_t);
    void *arg;
};

struct worker {
    struct sched *s;
    size_t cap;             /* coroutines alive at once on this thread */
    struct co **live;
    size_t nlive;
    char **spare;           /* stacks of finished jobs, for the next ones */
    size_t nspare;
    struct pollfd *pfd;
    struct co **pco;
    ucontext_t main;
    struct co *cur;
    const void *main_bottom; /* the thread's own stack, for ASan */
    size_t main_size;
};

static _Thread_local struct worker *self;

static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- switching, with ASan told about each stack change --------------- */

static void to_co(struct worker *w, struct co *c)
{
#ifdef ASAN_FIBERS
    void *fake = NULL;

    __sanitizer_start_switch_fiber(&fake, c->mem + w->s->page, w->s->stack);
#endif
    w->cur = c;
    swapcontext(&w->main, &c->ctx);
    w->cur = NULL;
#ifdef ASAN_FIBERS
    __sanitizer_finish_switch_fiber(fake, NULL, NULL);
#endif
}

static void to_main(struct worker *w, struct co *c)
{
#ifdef ASAN_FIBERS
    /* A finished job's fake stack is released: NULL. */
    __sanitizer_start_switch_fiber(c->done ? NULL : &c->fake, w->main_bottom,
                                   w->main_size);
#endif
    swapcontext(&c->ctx, &w->main);
#ifdef ASAN_FIBERS
    __sanitizer_finish_switch_fiber(c->fake, &w->main_bottom, &w->main_size);
#endif
}

static void co_entry(void)
{
    struct worker *w = self;
    struct co *c = w->cur;

#ifdef ASAN_FIBERS
    __sanitizer_finish_switch_fiber(NULL, &w->main_bottom, &w->main_size);
#endif
    w->s->fn(w->s->arg, c->idx);
    /* A coroutine only ever runs on the thread that started it. */
    c->done = 1;
    to_main(w, c);
    abort();   /* never resumed */
}

/* ---- stacks ------------------------------------------------------------ */

static char *stack_get(struct worker *w)
{
    size_t len = w->s->stack + w->s->page;
    char *m;

    if (w->nspare > 0) {
        return w->spare[--w->nspare];
    }
    m = mmap(NULL, len, PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
    if (m == MAP_FAILED) {
        return NULL;
    }
    /* A guard page below: an overflow faults instead of corrupting. */
    if (mprotect(m, w->s->page, PROT_NONE) != 0) {
        munmap(m, len);
        return NULL;
    }
    return m;
}

static void stack_put(struct worker *w, char *m)
{
    w->spare[w->nspare++] = m;   /* room: spare has cap slots */
}

/* ---- one thread's loop -------------------------------------------------- */

static int start_job(struct worker *w)
{
    struct sched *s = w->s;
    size_t i = atomic_fetch_add(&s->next, 1);
    struct co *c;

    if (i >= s->njobs) {
        return 0;
    }
    c = calloc(1, sizeof(*c));
    if (c != NULL && (c->mem = stack_get(w)) != NULL &&
        getcontext(&c->ctx) == 0) {
        c->idx = i;
        c->fd = -1;
        c->runnable = 1;
        c->ctx.uc_stack.ss_sp = c->mem + s->page;
        c->ctx.uc_stack.ss_size = s->stack;
        c->ctx.uc_link = NULL;
        makecontext(&c->ctx, co_entry, 0);
        w->live[w->nlive++] = c;
        return 1;
    }
    /* No stack: run it here, blocking this thread's other jobs. */
    if (c != NULL && c->mem != NULL) {
        stack_put(w, c->mem);
    }
    free(c);
    s->fn(s->arg, i);
    return 1;
}

static void run_worker(struct worker *w)
{
    for (;;) {
        size_t np = 0;
        int64_t t, soonest = 0;
        int tmo = -1, n;

        while (w->nlive < w->cap && start_job(w)) {
        }
        if (w->nlive == 0) {
            break;
        }
        for (size_t i = 0; i < w->nlive;) {
            struct co *c = w->live[i];

            if (c->runnable) {
                c->runnable = 0;
                to_co(w, c);
            }
            if (c->done) {
                stack_put(w, c->mem);
                free(c);
                w->live[i] = w->live[--w->nlive];
                continue;
            }
            i++;
        }
        /* Jobs that just finished make room (or end the loop): go round
         * before waiting, or an empty poll() would wait for ever. */
        if (w->nlive == 0 ||
            (w->nlive < w->cap && atomic_load(&w->s->next) < w->s->njobs)) {
            continue;
        }
        t = now_ms();
        for (size_t i = 0; i < w->nlive; i++) {
            struct co *c = w->live[i];

            if (c->fd >= 0) {
                w->pfd[np].fd = c->fd;
                w->pfd[np].events = c->events;
                w->pfd[np].revents = 0;
                w->pco[np++] = c;
            }
            if (c->wake != 0 && (soonest == 0 || c->wake < soonest)) {
                soonest = c->wake;
            }
        }
        if (soonest != 0) {
            tmo = soonest <= t ? 0 : (int)(soonest - t);
        }
        n = poll(w->pfd, np, tmo);
        if (n < 0 && errno != EINTR) {
            n = 0;
        }
        for (size_t i = 0; n > 0 && i < np; i++) {
            if (w->pfd[i].revents != 0) {
                w->pco[i]->revents = w->pfd[i].revents;
                w->pco[i]->runnable = 1;
            }
        }
        t = now_ms();
        for (size_t i = 0; i < w->nlive; i++) {
            struct co *c = w->live[i];

            if (c->wake != 0 && c->wake <= t) {
                c->runnable = 1;
            }
        }
    }
}

static void *thread_main(void *arg)
{
    struct worker *w = arg;

    self = w;
    run_worker(w);
    self = NULL;
    return NULL;
}

static void worker_dispose(struct worker *w, size_t len)
{
    for (size_t i = 0; i < w->nspare; i++) {
        munmap(w->spare[i], len);
    }
    free(w->spare);
    free(w->live);
    free(w->pfd);
    free(w->pco);
}

void nr_fiber__run(size_t njobs, size_t concurrency, size_t stack,
                   void (*fn)(void *arg, size_t idx), void *arg)
{
    struct sched s;
    struct worker *ws;
    pthread_t *th;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    size_t nth, started = 0;

    if (njobs == 0) {
        return;
    }
    if (concurrency == 0) {
        concurrency = 1;
    }
    if (concurrency > njobs) {
        concurrency = njobs;
    }
    nth = ncpu > 0 ? (size_t)ncpu : 1;
    if (nth > concurrency) {
        nth = concurrency;
    }
    s.njobs = njobs;
    s.page = (size_t)sysconf(_SC_PAGESIZE);
    s.stack = (stack + s.page - 1) / s.page * s.page;
    atomic_init(&s.next, 0);
    s.fn = fn;
    s.arg = arg;
    ws = calloc(nth, sizeof(*ws));
    th = calloc(nth, sizeof(*th));
    for (size_t i = 0; ws != NULL && th != NULL && i < nth; i++) {
        struct worker *w = &ws[i];

        w->s = &s;
        w->cap = concurrency / nth + (i < concurrency % nth);
        w->live = calloc(w->cap, sizeof(*w->live));
        w->spare = calloc(w->cap, sizeof(*w->spare));
        w->pfd = calloc(w->cap, sizeof(*w->pfd));
        w->pco = calloc(w->cap, sizeof(*w->pco));
        if (w->live == NULL || w->spare == NULL || w->pfd == NULL ||
            w->pco == NULL) {
            break;
        }
        /* The calling thread is worker 0; the others get threads. */
        if (i > 0) {
            pthread_attr_t attr;
            int rc;

            pthread_attr_init(&attr);
            /* Room for a job run in place (see start_job). */
            pthread_attr_setstacksize(&attr, s.stack + (64 << 10));
            rc = pthread_create(&th[i], &attr, thread_main, w);
            pthread_attr_destroy(&attr);
            if (rc != 0) {
                break;   /* fewer threads, same jobs */
            }
        }
        started = i + 1;
    }
    if (started == 0) {
        /* Not even worker 0's tables: run the jobs one by one. */
        for (size_t i = 0; i < njobs; i++) {
            fn(arg, i);
        }
    } else {
        thread_main(&ws[0]);
        for (size_t i = 1; i < started; i++) {
            pthread_join(th[i], NULL);
        }
    }
    for (size_t i = 0; ws != NULL && i < nth; i++) {
        worker_dispose(&ws[i], s.stack + s.page);
    }
    free(ws);
    free(th);
}

/* ---- waiting ------------------------------------------------------------ */

static void park(struct worker *w, int fd, short events, int timeout_ms)
{
    struct co *c = w->cur;

    c->fd = fd;
    c->events = events;
    c->revents = 0;
    c->wake = timeout_ms >= 0 ? now_ms() + timeout_ms : 0;
    if (c->wake == 0 && timeout_ms >= 0) {
        c->wake = 1;   /* 0 means "no limit" */
    }
    to_main(w, c);
    c->fd = -1;
    c->wake = 0;
}

int nr_fiber__wait(int fd, short events, int timeout_ms)
{
    struct worker *w = self;

    if (w == NULL || w->cur == NULL) {
        struct pollfd p = { fd, events, 0 };
        int n = poll(&p, 1, timeout_ms);

        return n > 0 ? p.revents : 0;
    }
    park(w, fd, events, timeout_ms);
    return w->cur != NULL ? w->cur->revents : 0;
}

void nr_fiber__sleep_ms(int64_t ms)
{
    struct worker *w = self;

    if (ms <= 0) {
        return;
    }
    if (w == NULL || w->cur == NULL) {
        struct timespec ts = { (time_t)(ms / 1000),
                               (long)(ms % 1000) * 1000000L };

        while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
        }
        return;
    }
    park(w, -1, 0, ms > 86400000 ? 86400000 : (int)ms);
}
