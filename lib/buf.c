/* buf.c — bounded buffers: growth is geometric, the ceiling is hard. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <unistd.h>
#include <sys/stat.h>

#include "buf.h"
#include "netrun.h"

static int reserve(struct nr_buf *b, size_t extra)
{
    size_t need;
    size_t cap;
    char *p;

    if (extra > b->max || b->len > b->max - extra) {
        errno = EMSGSIZE;
        return -1;
    }
    need = b->len + extra + 1;
    if (need <= b->cap) {
        return 0;
    }
    cap = b->cap != 0 ? b->cap : 64;
    while (cap < need) {
        cap = cap > ((size_t)-1) / 2 ? need : cap * 2;
    }
    p = realloc(b->data, cap);
    if (p == NULL) {
        errno = ENOMEM;
        return -1;
    }
    b->data = p;
    b->cap = cap;
    return 0;
}

int nr_buf_reserve(struct nr_buf *b, size_t n)
{
    return reserve(b, n);
}

int nr_buf_add(struct nr_buf *b, const void *p, size_t n)
{
    /* Room already there (the usual case for a reused buffer): skip the
     * growth checks.  len never exceeds max, nor len + 1 cap. */
    if ((b->cap - b->len <= n || b->max - b->len < n) && reserve(b, n) != 0) {
        return -1;
    }
    if (n > 0) {
        memcpy(b->data + b->len, p, n);
    }
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int nr_buf_adds(struct nr_buf *b, const char *s)
{
    return nr_buf_add(b, s, strlen(s));
}

int nr_buf_addc(struct nr_buf *b, char c)
{
    if ((b->cap - b->len <= 1 || b->max == b->len) && reserve(b, 1) != 0) {
        return -1;
    }
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
    return 0;
}

int nr_buf_vprintf(struct nr_buf *b, const char *fmt, va_list ap)
{
    va_list cp;
    int n;

    va_copy(cp, ap);
    n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0) {
        return -1;
    }
    if (reserve(b, (size_t)n) != 0) {
        return -1;
    }
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return 0;
}

int nr_buf_printf(struct nr_buf *b, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = nr_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

const char *nr_buf_str(const struct nr_buf *b)
{
    return b->data != NULL ? b->data : "";
}

char *nr_buf_steal(struct nr_buf *b)
{
    char *p;

    if (b->data == NULL && reserve(b, 0) != 0) {
        return NULL;
    }
    if (b->len == 0) {
        b->data[0] = '\0';
    }
    p = b->data;
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    return p;
}

int nr_buf_add_utf8(struct nr_buf *b, unsigned long cp)
{
    char o[4];
    size_t n;

    if (cp < 0x80) {
        o[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        o[0] = (char)(0xF0 | (cp >> 18));
        o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    return nr_buf_add(b, o, n);
}

int nr_hexval(int c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

void nr_buf_reset(struct nr_buf *b)
{
    b->len = 0;
    if (b->data != NULL) {
        b->data[0] = '\0';
    }
}

void nr_buf_dispose(struct nr_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

/* Decoders differ on what invalid UTF-8 means; JSON consumers (jq,
 * Python) reject or mangle it.  Each maximal invalid subpart becomes one
 * U+FFFD, as the Unicode standard recommends, so valid text around it
 * survives byte for byte. */
int nr_buf_add_utf8_clean(struct nr_buf *b, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, start = 0;

    while (i < len) {
        unsigned char c = p[i];
        size_t need;
        unsigned long cp, min;

        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf) {
            need = 1; cp = c & 0x1f; min = 0x80;
        } else if (c >= 0xe0 && c <= 0xef) {
            need = 2; cp = c & 0x0f; min = 0x800;
        } else if (c >= 0xf0 && c <= 0xf4) {
            need = 3; cp = c & 0x07; min = 0x10000;
        } else {
            need = 0; cp = 0; min = 1;
        }
        size_t j = 1;
        while (need > 0 && j <= need && i + j < len &&
               (p[i + j] & 0xc0) == 0x80) {
            cp = (cp << 6) | (p[i + j] & 0x3f);
            j++;
        }
        if (need > 0 && j == need + 1 && cp >= min && cp <= 0x10ffff &&
            !(cp >= 0xd800 && cp <= 0xdfff)) {
            i += j;
            continue;
        }
        if (nr_buf_add(b, s + start, i - start) != 0 ||
            nr_buf_add_utf8(b, 0xfffd) != 0) {
            return -1;
        }
        i += j;   /* the lead byte and the continuations it claimed */
        start = i;
    }
    return nr_buf_add(b, s + start, len - start);
}

int nr_buf_read_fd(struct nr_buf *b, int fd, const char *name, const char *op,
                   struct nr_err *err)
{
    struct stat st;
    size_t want = 16384, room, n;
    ssize_t r;
    char probe;

    /* A regular file tells its size: read it straight into the buffer,
     * sized once, instead of copying it through a bounce buffer into one
     * grown by doubling.  (Measured on template loading: no faster, the
     * syscalls dominate; it saves the copies and a large file's
     * regrowth.) */
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
        (uint64_t)st.st_size < (uint64_t)SIZE_MAX / 2) {
        want = (size_t)st.st_size + 1;
    }
    for (;;) {
        room = b->max - b->len;
        n = want < room ? want : room;
        if (n == 0) {
            /* Full to the ceiling: only the end of the file may follow. */
            r = read(fd, &probe, 1);
        } else if (reserve(b, n) != 0) {
            nr_err_set(err, NR_ERR_LIMIT, op, "%s: out of memory", name);
            return -1;
        } else {
            r = read(fd, b->data + b->len, n);
        }
        if (r == 0) {
            return 0;
        }
        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            nr_err_set(err, NR_ERR_IO, op, "%s: %s", name, strerror(errno));
            return -1;
        }
        if (n == 0) {
            nr_err_set(err, NR_ERR_LIMIT, op, "%s: larger than %zu bytes",
                       name, b->max);
            return -1;
        }
        b->len += (size_t)r;
        b->data[b->len] = '\0';
        want = 16384;
    }
}

int nr_buf_read_file(struct nr_buf *b, const char *path, const char *op,
                     struct nr_err *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    int rc;

    if (fd < 0) {
        nr_err_set(err, NR_ERR_IO, op, "%s: %s", path, strerror(errno));
        return -1;
    }
    rc = nr_buf_read_fd(b, fd, path, op, err);
    close(fd);
    return rc;
}
