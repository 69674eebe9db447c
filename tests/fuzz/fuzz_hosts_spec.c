/* fuzz_hosts_spec.c — -H specs (and jump specs) on arbitrary bytes, as
 * `-H @file` reads them: each line, split at commas, goes to
 * nr_inventory_add_adhoc over a small inventory, and every host it names
 * must resolve to variables; a bad spec fails cleanly. */
#include "fuzz_inv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char inv_text[] =
    "[core]\n"
    "r1 user=u1 port=2201 platform=cisco_ios\n"
    "r2 ansible_host=127.0.0.2\n"
    "::1 platform=linux\n"
    "[core:vars]\n"
    "ansible_user=groupuser\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const keys[] = { "host", "user", "port", "platform" };
    char path[64] = "/tmp/nr-fuzz-XXXXXX.ini";
    const char *src = path;
    struct nr_inventory *inv = NULL;
    struct nr_err err = NR_ERR_INIT;
    char *text, *line, *save = NULL;
    size_t nspecs = 0;
    int fd;

    if (size > 4096) {
        return 0;
    }
    fd = mkstemps(path, 4);
    if (fd < 0) {
        return 0;
    }
    if (write(fd, inv_text, sizeof(inv_text) - 1) !=
        (ssize_t)(sizeof(inv_text) - 1)) {
        close(fd);
        unlink(path);
        return 0;
    }
    close(fd);
    if (nr_inventory_load(&inv, &src, 1, NULL, &err) != 0) {
        unlink(path);
        abort(); /* the fixed inventory must load */
    }
    unlink(path);
    text = malloc(size + 1);
    if (text == NULL) {
        nr_inventory_free(inv);
        return 0;
    }
    memcpy(text, data, size);
    text[size] = '\0';
    for (line = strtok_r(text, ",\n", &save); line != NULL && nspecs < 64;
         line = strtok_r(NULL, ",\n", &save), nspecs++) {
        const char *name = NULL;
        struct nr_host *h = NULL;

        err = (struct nr_err)NR_ERR_INIT;
        if (nr_inventory_add_adhoc(inv, line, &name, &err) != 0) {
            continue;
        }
        if (nr_inventory_host(&h, inv, name, &err) != 0) {
            abort(); /* a name add_adhoc gave must resolve */
        }
        for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
            (void)nr_host_get(h, keys[k]);
        }
        if (nr_host_get(h, "host") == NULL) {
            abort(); /* every host has an address */
        }
        nr_host_free(h);
    }
    free(text);
    fuzz_inv_exercise(inv);
    return 0;
}
