/* fuzz_snmp_varbinds.c — what agents send: a BER-encoded PDU decoded by
 * net-snmp, then every varbind formatted into a record (JSON and text)
 * and the list pivoted as a table (ifTable), as netpoll does. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "snmp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int sink(void *payload, const struct nr_rec *rec, struct nr_err *err)
{
    char *js = NULL;
    size_t len = 0;

    (void)payload;
    if (rec != NULL && nr_rec_to_json(&js, &len, rec, err) == 0) {
        free(js);
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const oid iftable[] = { 1, 3, 6, 1, 2, 1, 2, 2 };
    netsnmp_pdu *pdu;
    netsnmp_variable_list *vbs[512];
    u_char *buf;
    size_t n = 0, len = size;
    struct nr_rec *rec;
    struct nr_snmp_fmt f = NR_SNMP_FMT_INIT;
    struct nr_err err = NR_ERR_INIT;

    if (size > 65536) {
        return 0;
    }
    nr_snmp__init();
    buf = malloc(size + 1);
    pdu = snmp_pdu_create(SNMP_MSG_RESPONSE);
    if (buf == NULL || pdu == NULL) {
        free(buf);
        snmp_free_pdu(pdu);
        return 0;
    }
    memcpy(buf, data, size);
    snmp_pdu_parse(pdu, buf, &len);
    /* one record and one scratch for all of them, as the engine does */
    rec = nr_rec_new("fuzz");
    for (netsnmp_variable_list *vb = pdu->variables; vb != NULL && n < 512;
         vb = vb->next_variable) {
        static const unsigned flags[] = { 0, NR_SNMP_NUMERIC,
                                          NR_SNMP_TEXT_ONLY };

        if (rec != NULL && nr_rec__reset(rec, "fuzz") == 0) {
            nr_snmp__vb_rec(rec, &f, "fuzz", vb, flags[n % 3], NULL);
            sink(NULL, rec, &err);
        }
        vbs[n++] = vb;
    }
    nr_rec_free(rec);
    nr_snmp__fmt_dispose(&f);
    nr_snmp__pivot("fuzz", "ifTable", iftable,
                   sizeof(iftable) / sizeof(iftable[0]), vbs, n, 0, sink, NULL,
                   &err);
    snmp_free_pdu(pdu);
    free(buf);
    return 0;
}
