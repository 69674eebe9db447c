/* fuzz_textfsm_parse.c — one fixed template using every action, over
 * arbitrary device output (line ends, invalid UTF-8, huge lines). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netrun.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char tpl[] =
    "Value Filldown,Key DEVICE (\\S+)\n"
    "Value Required PORT ([A-Za-z]+\\d+(?:/\\d+)*)\n"
    "Value STATE (up|down|admin\\s+down)\n"
    "Value List VLANS (\\d+)\n"
    "Value Fillup SITE (\\w+)\n"
    "Value MTU (\\d{,5})\n"
    "\n"
    "Start\n"
    "  ^device ${DEVICE} -> Ports\n"
    "  ^site ${SITE}\n"
    "  ^\\s*$$\n"
    "  ^(\\s*-*)*\\s*$$\n"
    "  ^stop -> End\n"
    "  ^fatal -> Error \"fatal line\"\n"
    "\n"
    "Ports\n"
    "  ^${PORT}\\s+is\\s+${STATE} -> Continue.Record\n"
    "  ^\\S+\\s+is\\s+\\S+.*mtu ${MTU}\n"
    "  ^\\s+vlan ${VLANS}\n"
    "  ^clear -> Clear\n"
    "  ^reset -> Clearall\n"
    "  ^end -> Record Start\n"
    "  ^eof -> EOF\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct nr_err err = NR_ERR_INIT;
    static struct nr_tfsm *fsm;
    struct nr_tfsm_records *rec = NULL;
    char *out = NULL, *json = NULL;
    size_t len = 0, jlen = 0;
    int f;

    if (fsm == NULL &&
        nr_tfsm_load_text(&fsm, "fixed.textfsm", tpl, strlen(tpl), &err) !=
            0) {
        abort();
    }
    if (nr_tfsm_parse(&rec, fsm, (const char *)data, size, &err) == 0) {
        nr_tfsm_records_format(&json, &jlen, rec, NR_TFSM_JSON, &err);
        for (f = NR_TFSM_JSONL; f <= NR_TFSM_TEXT; f++) {
            nr_tfsm_records_format(&out, &len, rec, (enum nr_tfsm_format)f,
                                   &err);
            free(out);
            out = NULL;
        }
    }
    nr_tfsm_records_free(rec);
    rec = NULL;
    /* Parsed in place, the input gives the same records. */
    if (nr_tfsm_parse_in_place(&rec, fsm, (const char *)data, size, &err) ==
        0) {
        nr_tfsm_records_format(&out, &len, rec, NR_TFSM_JSON, &err);
        if ((json == NULL) != (out == NULL) ||
            (json != NULL && (len != jlen || memcmp(json, out, len) != 0))) {
            abort();
        }
    } else if (json != NULL) {
        abort();
    }
    free(out);
    free(json);
    nr_tfsm_records_free(rec);
    return 0;
}
