/* fuzz_inv_yaml.c — the YAML inventory loader (YAML first, then INI, as
 * Ansible tries a .yml file) on arbitrary bytes. */
#include "fuzz_inv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_inv_file(data, size, ".yml");
    return 0;
}
