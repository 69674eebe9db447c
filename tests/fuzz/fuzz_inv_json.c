/* fuzz_inv_json.c — the json inventory loader on arbitrary bytes: it
 * must fail cleanly or build a model the renderers can print. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "inventory.h"
#include "val.h"
#include "yamlv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[] = "/tmp/nr-fuzz-XXXXXX";
    const char *src = path;
    struct nr_inventory *inv = NULL;
    struct nr_hostset *set = NULL;
    struct nr_err err = NR_ERR_INIT;
    char *out = NULL;
    int fd = mkstemp(path);

    if (fd < 0) {
        return 0;
    }
    if (write(fd, data, size) != (ssize_t)size) {
        close(fd);
        unlink(path);
        return 0;
    }
    close(fd);
    (void)src;
    {
        struct nr_val *doc = NULL;
        const char *none = NULL;

        /* an empty inventory, then the JSON document as a script's */
        if (nr_inventory_load(&inv, &none, 0, NULL, &err) == 0 &&
            nr_json_parse(&doc, (const char *)data, size, "fuzz", &err) == 0) {
            (void)nr_inv__load_json_doc(inv, "<stdin>", doc, "fuzz", &err);
        }
        nr_val_free(doc);
    }
    unlink(path);
    if (inv != NULL) {
        if (nr_inventory_list_json(&out, inv, NULL, 0, &err) == 0) {
            free(out);
        }
        if (nr_inventory_select(&set, inv, "all:!ungrouped", &err) == 0 &&
            nr_hostset_count(set) > 0) {
            if (nr_inventory_origin(&out, inv, nr_hostset_name(set, 0), 0,
                                    &err) == 0) {
                free(out);
            }
        }
        nr_hostset_free(set);
        nr_inventory_free(inv);
    }
    return 0;
}
