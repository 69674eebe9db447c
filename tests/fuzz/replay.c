/* replay.c — run a libFuzzer target over every file of a corpus
 * directory (or over files named on the command line) without clang, so
 * `make check` proves no saved input crashes or leaks. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
    FILE *fp = fopen(path, "rb");
    uint8_t *data = NULL;
    long n;
    int rc = -1;

    if (fp == NULL) {
        perror(path);
        return -1;
    }
    if (fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0 ||
        fseek(fp, 0, SEEK_SET) != 0) {
        goto out;
    }
    data = malloc((size_t)n + 1);
    if (data == NULL || fread(data, 1, (size_t)n, fp) != (size_t)n) {
        goto out;
    }
    LLVMFuzzerTestOneInput(data, (size_t)n);
    rc = 0;
out:
    free(data);
    fclose(fp);
    return rc;
}

static int run_path(const char *path)
{
    struct stat st;
    struct dirent **ents = NULL;
    char full[4096];
    int n, i, rc = 0;

    if (stat(path, &st) != 0) {
        return 0; /* no corpus yet: nothing to replay */
    }
    if (!S_ISDIR(st.st_mode)) {
        return run_file(path);
    }
    n = scandir(path, &ents, NULL, alphasort);
    for (i = 0; i < n; i++) {
        if (ents[i]->d_name[0] != '.') {
            snprintf(full, sizeof(full), "%s/%s", path, ents[i]->d_name);
            if (run_path(full) != 0) {
                rc = -1;
            }
        }
        free(ents[i]);
    }
    free(ents);
    return rc;
}

int main(int argc, char **argv)
{
    int i, rc = 0;

    for (i = 1; i < argc; i++) {
        if (run_path(argv[i]) != 0) {
            rc = 1;
        }
    }
    return rc;
}
