/*
 * buf.h - growable byte buffer with a hard cap (after git's strbuf and
 * curl's dynbuf).
 *
 * Invariants: b->data is always NUL-terminated when b->data != NULL;
 * b->len never exceeds b->cap_limit. An append that would pass the limit
 * appends nothing and returns TG_ERR_TOO_LARGE; the buffer is unchanged.
 * Allocation failure aborts (see mem.h).
 */
#ifndef TG_BUF_H
#define TG_BUF_H

#include <stddef.h>

#include "util/rc.h"

struct tg_buf {
	char *data;
	size_t len;
	size_t alloc;     /* private */
	size_t cap_limit; /* 0 means the default cap (256 MiB) */
};

#define TG_BUF_INIT                                                                                                    \
	{                                                                                                              \
		NULL, 0, 0, 0                                                                                          \
	}

void tg_buf_init(struct tg_buf *b, size_t cap_limit);
void tg_buf_release(struct tg_buf *b); /* free contents */
void tg_buf_reset(struct tg_buf *b);   /* len = 0, keep memory */
/* Hand the NUL-terminated data to the caller (who frees it); b is reset. */
char *tg_buf_detach(struct tg_buf *b, size_t *len);

enum tg_rc tg_buf_add(struct tg_buf *b, const void *p, size_t n);
enum tg_rc tg_buf_adds(struct tg_buf *b, const char *s);
enum tg_rc tg_buf_addc(struct tg_buf *b, char c);
enum tg_rc tg_buf_printf(struct tg_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
