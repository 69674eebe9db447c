/* buf.h — bounded, NUL-terminated byte buffers for outside input. */
#ifndef NR_BUF_H
#define NR_BUF_H

#include <stdarg.h>
#include <stddef.h>

/* data is always NUL-terminated once anything was added (or NULL when
 * empty); max is the ceiling fixed at init: past it appends fail with
 * errno = EMSGSIZE and leave the buffer as it was. */
struct nr_buf {
    char *data;
    size_t len;
    size_t cap;
    size_t max;
};

#define NR_BUF_INIT(ceiling) { NULL, 0, 0, (ceiling) }

int nr_buf_add(struct nr_buf *b, const void *p, size_t n);
/* Make room for n more bytes (and a NUL) at data + len, for a caller
 * that writes them in place and then sets len and the NUL itself: the
 * way to build large output without a call per piece. */
int nr_buf_reserve(struct nr_buf *b, size_t n);
int nr_buf_adds(struct nr_buf *b, const char *s);
int nr_buf_addc(struct nr_buf *b, char c);
int nr_buf_printf(struct nr_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int nr_buf_vprintf(struct nr_buf *b, const char *fmt, va_list ap);
/* Text so far: never NULL ("" when empty). Borrowed. */
const char *nr_buf_str(const struct nr_buf *b);
/* Hand the storage to the caller (never NULL on success) and reset. */
char *nr_buf_steal(struct nr_buf *b);
void nr_buf_reset(struct nr_buf *b);
/* Append code point cp encoded as UTF-8. */
int nr_buf_add_utf8(struct nr_buf *b, unsigned long cp);
/* Append s, each invalid UTF-8 subpart replaced by U+FFFD. */
int nr_buf_add_utf8_clean(struct nr_buf *b, const char *s, size_t len);
/* Value of a hexadecimal digit, -1 for any other character. */
int nr_hexval(int c);
void nr_buf_dispose(struct nr_buf *b);

struct nr_err;
/* Append everything fd (read until end of file) or the file at path
 * holds.  Errors name name/path; op goes into err (may be NULL).  Past
 * the ceiling: NR_ERR_LIMIT "NAME: larger than MAX bytes". */
int nr_buf_read_fd(struct nr_buf *b, int fd, const char *name, const char *op,
                   struct nr_err *err);
int nr_buf_read_file(struct nr_buf *b, const char *path, const char *op,
                     struct nr_err *err);

#endif
