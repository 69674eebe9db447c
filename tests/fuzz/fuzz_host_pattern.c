/* fuzz_host_pattern.c — -l host patterns (Ansible syntax: groups, hosts,
 * globs, ~regex, ranges [a:b], :& and :!, commas) on arbitrary bytes over
 * a fixed inventory: a selection or a clean error, never a crash.
 * Patterns naming a file (@file) are skipped: they would read it. */
#include "fuzz_inv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char inv_text[] =
    "[core]\n"
    "r[1:3] platform=cisco_ios\n"
    "edge-a ansible_host=127.0.0.2\n"
    "[leaf]\n"
    "leaf[01:04]\n"
    "r2\n"
    "[dc:children]\n"
    "core\n"
    "leaf\n";

static struct nr_inventory *inventory(void)
{
    static struct nr_inventory *inv;
    char path[64] = "/tmp/nr-fuzz-XXXXXX.ini";
    const char *src = path;
    struct nr_err err = NR_ERR_INIT;
    int fd;

    if (inv != NULL) {
        return inv;
    }
    fd = mkstemps(path, 4);
    if (fd < 0) {
        abort();
    }
    if (write(fd, inv_text, sizeof(inv_text) - 1) !=
        (ssize_t)(sizeof(inv_text) - 1)) {
        abort();
    }
    close(fd);
    if (nr_inventory_load(&inv, &src, 1, NULL, &err) != 0) {
        abort(); /* the fixed inventory must load */
    }
    unlink(path);
    return inv; /* kept for the process: one load, many patterns */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct nr_inventory *inv = inventory();
    struct nr_hostset *set = NULL;
    struct nr_err err = NR_ERR_INIT;
    char *pat;

    if (size > 4096 || memchr(data, '@', size) != NULL) {
        return 0;
    }
    pat = malloc(size + 1);
    if (pat == NULL) {
        return 0;
    }
    memcpy(pat, data, size);
    pat[size] = '\0';
    if (nr_inventory_select(&set, inv, pat, &err) == 0) {
        for (size_t i = 0; i < nr_hostset_count(set); i++) {
            if (nr_hostset_name(set, i) == NULL) {
                abort();
            }
        }
        nr_hostset_free(set);
    }
    free(pat);
    return 0;
}
