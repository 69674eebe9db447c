/* fuzz_inv_ini.c — the INI inventory parser on arbitrary bytes: it must
 * fail cleanly or build a model the renderers can print. */
#include "fuzz_inv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_inv_file(data, size, ".ini"); /* a .ini name: INI only */
    return 0;
}
