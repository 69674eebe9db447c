/* nr_test.h — cmocka glue shared by the unit tests. */
#ifndef NR_TEST_H
#define NR_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "netrun.h"

/* Fail with the library's own message, not just "rc != 0". */
#define assert_nr_ok(call, errp)                                          \
    do {                                                                  \
        if ((call) != 0) {                                                \
            char nr_t_buf_[800];                                          \
            fail_msg("%s: %s", #call,                                     \
                     nr_err_str((errp), nr_t_buf_, sizeof(nr_t_buf_)));   \
        }                                                                 \
    } while (0)

#endif
