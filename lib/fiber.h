/* Many waiting jobs on few threads.
 *
 * A fan-out of hundreds of SSH sessions spends nearly all its time
 * waiting for the network.  One thread per session made the kernel and
 * OpenSSL's locks the main cost (thread start/exit, per-thread DRBG and
 * malloc arenas, lock hand-offs between 200 runnable threads).  Here
 * each job is a coroutine with its own stack; a few threads (one per
 * CPU) each run many of them, and a job gives its thread away only
 * where it would block: nr_fiber__wait() and nr_fiber__sleep_ms().
 * Outside a scheduled job both simply block, so every caller works the
 * same whether or not it runs under nr_fiber__run(). */
#ifndef NR_FIBER_H
#define NR_FIBER_H

#include <stddef.h>
#include <stdint.h>

/* Run fn(arg, i) for every i in [0, njobs), at most `concurrency` at
 * once, on min(concurrency, CPUs) threads, each job on a stack of
 * `stack` bytes.  Jobs start in index order.  Returns when all are done.
 * A job that cannot get a stack runs on its thread's own stack, which
 * is slower for the others on that thread but still correct. */
void nr_fiber__run(size_t njobs, size_t concurrency, size_t stack,
                   void (*fn)(void *arg, size_t idx), void *arg);

/* Wait until fd has one of `events` (POLLIN, POLLOUT) or timeout_ms
 * passed (< 0: no limit).  Returns the poll revents, 0 on timeout. */
int nr_fiber__wait(int fd, short events, int timeout_ms);

void nr_fiber__sleep_ms(int64_t ms);

#endif
