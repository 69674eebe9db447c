/* fuzz_inv.h — what the inventory fuzz targets share: load bytes through
 * a file with a given suffix (the suffix picks the parser, as it does for
 * users), then make every renderer walk the model that came out. */
#ifndef NR_FUZZ_INV_H
#define NR_FUZZ_INV_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "inventory.h"

/* Frees inv. */
static inline void fuzz_inv_exercise(struct nr_inventory *inv)
{
    struct nr_hostset *set = NULL;
    struct nr_err err = NR_ERR_INIT;
    char *out = NULL;

    if (inv == NULL) {
        return;
    }
    if (nr_inventory_list_json(&out, inv, NULL, 0, &err) == 0) {
        free(out);
    }
    if (nr_inventory_select(&set, inv, "all:!ungrouped", &err) == 0 &&
        nr_hostset_count(set) > 0 &&
        nr_inventory_origin(&out, inv, nr_hostset_name(set, 0), 0, &err) == 0) {
        free(out);
    }
    nr_hostset_free(set);
    nr_inventory_free(inv);
}

static inline void fuzz_inv_file(const uint8_t *data, size_t size, const char *suffix)
{
    char path[64] = "/tmp/nr-fuzz-XXXXXX";
    const char *src = path;
    struct nr_inventory *inv = NULL;
    struct nr_err err = NR_ERR_INIT;
    int fd;

    strncat(path, suffix, sizeof(path) - strlen(path) - 1);
    fd = mkstemps(path, (int)strlen(suffix));
    if (fd < 0) {
        return;
    }
    if (write(fd, data, size) == (ssize_t)size) {
        close(fd);
        (void)nr_inventory_load(&inv, &src, 1, NULL, &err);
    } else {
        close(fd);
    }
    unlink(path);
    fuzz_inv_exercise(inv);
}

#endif
