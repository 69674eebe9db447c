/* floor.c — the least any netparse could do on a large input: map it
 * and find every line end (as the line split must; glibc's vector
 * memchr is the fastest way there is), then write as many bytes as
 * netparse's JSON to stdout.  On the lab VM memchr over 8 MiB of mapped
 * page cache takes about 5 ms and spawning any process about 5 ms, so
 * this floor is mostly memory and process cost, not a slow loop.  No
 * parsing, no records, no JSON; run as its own process like netparse.
 * Python's parse call divided by this process's time is the highest
 * ratio any engine could show on this machine for this input and
 * output.
 * Usage: floor INPUT OUTPUT_BYTES >FILE */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    static char chunk[1 << 20];
    struct stat st;
    unsigned long sum = 0;
    size_t left, n;
    const char *p, *q, *end;
    ssize_t w;
    int fd;

    if (argc != 3) {
        fprintf(stderr, "usage: floor INPUT OUTPUT_BYTES\n");
        return 2;
    }
    fd = open(argv[1], O_RDONLY);
    if (fd < 0 || fstat(fd, &st) != 0 || st.st_size <= 0) {
        perror(argv[1]);
        return 2;
    }
    p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE,
             fd, 0);
    if (p == MAP_FAILED) {
        perror("mmap");
        return 2;
    }
    end = p + st.st_size;
    for (q = p; q < end && (q = memchr(q, '\n', (size_t)(end - q))) != NULL;
         q++) {
        sum++;
    }
    /* The output's bytes depend on the input so the loop above stays. */
    memset(chunk, (int)('a' + sum % 26), sizeof(chunk));
    for (left = strtoul(argv[2], NULL, 10); left > 0; left -= (size_t)w) {
        n = left < sizeof(chunk) ? left : sizeof(chunk);
        w = write(1, chunk, n);
        if (w <= 0) {
            perror("write");
            return 1;
        }
    }
    return 0;
}
