/* fuzz_textfsm_index.c — an ntc-templates index file (what --templates DIR
 * brings) on arbitrary bytes: it loads or fails with file:line, and a
 * loaded one answers lookups by platform and command without crashing. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netrun.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const ask[][2] = {
        { "cisco_ios", "show ip interface brief" },
        { "cisco_ios", "sh ver" },
        { "cisco_nxos", "show int" },
        { NULL, "show version" },
        { "juniper_junos", NULL },
    };
    char dir[] = "/tmp/nr-fuzz-index-XXXXXX";
    char path[64];
    struct nr_tfsm_index *idx = NULL;
    struct nr_err err = NR_ERR_INIT;
    FILE *fp;

    if (mkdtemp(dir) == NULL) {
        return 0;
    }
    snprintf(path, sizeof(path), "%s/index", dir);
    fp = fopen(path, "w");
    if (fp != NULL) {
        int ok = fwrite(data, 1, size, fp) == size;

        if (fclose(fp) == 0 && ok &&
            nr_tfsm_index_load(&idx, path, &err) == 0) {
            for (size_t i = 0; i < sizeof(ask) / sizeof(ask[0]); i++) {
                char *tpl = NULL;

                err = (struct nr_err)NR_ERR_INIT;
                if (nr_tfsm_index_find(&tpl, idx, ask[i][0], ask[i][1],
                                       &err) == 0 &&
                    tpl == NULL) {
                    abort(); /* a match names its templates */
                }
                free(tpl);
            }
            nr_tfsm_index_free(idx);
        }
    }
    unlink(path);
    rmdir(dir);
    return 0;
}
