/* fuzz_inv_json.c — JSON from an inventory script or stdin, on arbitrary
 * bytes: the JSON reader, then the dynamic-inventory loader. */
#include "fuzz_inv.h"
#include "val.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct nr_inventory *inv = NULL;
    struct nr_val *doc = NULL;
    struct nr_err err = NR_ERR_INIT;
    const char *none = NULL;

    /* an empty inventory, then the document as if "-i -" had read it */
    if (nr_inventory_load(&inv, &none, 0, NULL, &err) == 0 &&
        nr_json_parse(&doc, (const char *)data, size, "fuzz", &err) == 0) {
        (void)nr_inv__load_json_doc(inv, "<stdin>", doc, "fuzz", &err);
    }
    nr_val_free(doc);
    fuzz_inv_exercise(inv);
    return 0;
}
