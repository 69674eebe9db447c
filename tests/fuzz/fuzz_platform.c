/* fuzz_platform.c — the platform profile parser on arbitrary text: it
 * must accept or reject without crashing or leaking, and a profile it
 * accepts must be usable on a sample prompt. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "platform.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char tail[] = "RP/0/RSP0/CPU0:r1(config)#";
    struct nr_err err = NR_ERR_INIT;
    struct nr_platform *p = NULL;

    if (nr_platform__parse(&p, "fuzz.conf", (const char *)data, size,
                           &err) == 0) {
        if (p->prompt != NULL) {
            (void)nr_re__search(p->prompt, tail, strlen(tail), NULL);
        }
        (void)nr_patterns__search(&p->pagers, tail, strlen(tail), NULL);
        (void)nr_patterns__search(&p->errors, tail, strlen(tail), NULL);
    }
    nr_platform__free(p);
    return 0;
}
