/* fuzz_textfsm_template.c — the template compiler on arbitrary text:
 * it must accept or reject without crashing or leaking, and whatever
 * it accepts must run over a small fixed input. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "netrun.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char input[] = "Interface Gi0/1 is up\n  mtu 1500\n"
                                "Vlan 10 name users\n\n-- end --\n";
    struct nr_err err = NR_ERR_INIT;
    struct nr_tfsm *fsm = NULL;
    struct nr_tfsm_records *rec = NULL;
    char *out = NULL;
    size_t len = 0;

    if (nr_tfsm_load_text(&fsm, "fuzz.textfsm", (const char *)data, size,
                          &err) == 0 &&
        nr_tfsm_parse(&rec, fsm, input, sizeof(input) - 1, &err) == 0) {
        nr_tfsm_records_format(&out, &len, rec, NR_TFSM_JSON, &err);
    }
    nr_tfsm_records_free(rec);
    nr_tfsm_free(fsm);
    free(out);
    return 0;
}
