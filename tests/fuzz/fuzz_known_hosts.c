/* fuzz_known_hosts.c — the run's known_hosts snapshot on arbitrary text:
 * parsing and looking names up must never crash or leak, and a line it
 * keeps must be found again under each of its plain names. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ssh.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    struct nr_ssh_kh *kh;

    if (text == NULL) {
        return 0;
    }
    memcpy(text, data, size);
    text[size] = '\0';
    kh = nr_ssh__kh_parse(text);   /* takes text */
    if (kh != NULL) {
        (void)nr_ssh__kh_has(kh, "[127.0.0.1]:2222", "AAAA");
        (void)nr_ssh__kh_has(kh, "r1", "AAAAC3NzaC1lZDI1NTE5");
        (void)nr_ssh__kh_has(kh, "", "");
    }
    nr_ssh__kh_free(kh);
    return 0;
}
