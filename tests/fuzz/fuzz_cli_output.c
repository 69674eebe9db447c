/* fuzz_cli_output.c — device output clean-up (CR/LF, backspaces, ANSI
 * escapes, NULs) on arbitrary bytes: never writes past the text, never
 * grows it. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *copy = malloc(size + 1);
    size_t n;

    if (copy == NULL) {
        return 0;
    }
    memcpy(copy, data, size);
    for (int ansi = 0; ansi <= 1; ansi++) {
        memcpy(copy, data, size);
        n = nr_cli__normalize(copy, size, ansi);
        if (n > size) {
            abort();
        }
        /* Clean text stays clean. */
        if (nr_cli__normalize(copy, n, ansi) > n) {
            abort();
        }
    }
    free(copy);
    return 0;
}
