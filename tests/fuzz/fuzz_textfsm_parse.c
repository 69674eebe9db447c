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
    char *out = NULL;
    size_t len = 0;
    int f;

    if (fsm == NULL &&
        nr_tfsm_load_text(&fsm, "fixed.textfsm", tpl, strlen(tpl), &err) !=
            0) {
        abort();
    }
    if (nr_tfsm_parse(&rec, fsm, (const char *)data, size, &err) == 0) {
        for (f = NR_TFSM_JSON; f <= NR_TFSM_TEXT; f++) {
            nr_tfsm_records_format(&out, &len, rec, (enum nr_tfsm_format)f,
                                   &err);
            free(out);
            out = NULL;
        }
    }
    nr_tfsm_records_free(rec);
    return 0;
}
