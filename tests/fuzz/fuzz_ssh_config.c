/* fuzz_ssh_config.c — netrun's own reading of ssh_config (BindAddress
 * through Host and Match blocks) on arbitrary text: never a crash, a
 * leak or a hang, and what it returns is a non-empty address-like word
 * taken from a BindAddress line of the input. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ssh.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const hosts[] = { "r1", "10.1.2.3", "", "*",
                                         "CORE-01.example.net" };
    const char *text = (const char *)data;

    for (size_t i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
        char *got = NULL;

        if (nr_ssh__config_bind_text(&got, hosts[i], text, size) != 0) {
            continue;
        }
        if (got != NULL) {
            /* A word of the input: no spaces, never empty. */
            if (got[0] == '\0' || strpbrk(got, " \t\n") != NULL ||
                memmem(data, size, got, strlen(got)) == NULL) {
                abort();
            }
            free(got);
        }
    }
    return 0;
}
