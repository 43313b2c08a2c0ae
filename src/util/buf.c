/* buf.c - growable byte buffer with a hard cap (see buf.h). */
#include "util/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

#define DEFAULT_CAP ((size_t)256 << 20)

void tg_buf_init(struct tg_buf *b, size_t cap_limit)
{
	b->data = NULL;
	b->len = 0;
	b->alloc = 0;
	b->cap_limit = cap_limit;
}

void tg_buf_release(struct tg_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->alloc = 0;
}

void tg_buf_reset(struct tg_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

char *tg_buf_detach(struct tg_buf *b, size_t *len)
{
	char *p = b->data;
	if (!p)
		p = tg_xstrdup("");
	if (len)
		*len = b->len;
	b->data = NULL;
	b->len = b->alloc = 0;
	return p;
}

static enum tg_rc grow(struct tg_buf *b, size_t extra)
{
	size_t limit = b->cap_limit ? b->cap_limit : DEFAULT_CAP;
	if (extra > limit || b->len > limit - extra)
		return TG_ERR_TOO_LARGE;
	size_t need = b->len + extra + 1;
	if (need <= b->alloc)
		return TG_OK;
	size_t n = b->alloc ? b->alloc : 64;
	while (n < need)
		n *= 2;
	b->data = tg_xrealloc(b->data, n);
	b->alloc = n;
	return TG_OK;
}

enum tg_rc tg_buf_add(struct tg_buf *b, const void *p, size_t n)
{
	enum tg_rc rc = grow(b, n);
	if (rc)
		return rc;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return TG_OK;
}

enum tg_rc tg_buf_adds(struct tg_buf *b, const char *s)
{
	return tg_buf_add(b, s, strlen(s));
}

enum tg_rc tg_buf_addc(struct tg_buf *b, char c)
{
	return tg_buf_add(b, &c, 1);
}

enum tg_rc tg_buf_printf(struct tg_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return TG_ERR_INTERNAL;
	enum tg_rc rc = grow(b, (size_t)n);
	if (rc)
		return rc;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return TG_OK;
}
