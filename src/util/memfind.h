/*
 * memfind.h - first occurrence of a short byte string in a short text.
 *
 * memchr finds candidate positions by one byte of the needle, chosen by the
 * caller (the anchor), and memcmp checks the whole needle there. On the
 * texts searched here (a few hundred bytes) glibc's memmem spends more in
 * its setup than in the search, and the needle's first byte is a poor
 * anchor in UTF-8 Japanese: nearly every character starts with 0xE3..0xE9.
 * A last byte (a continuation byte, 64 values) stops memchr far less often.
 */
#ifndef TG_MEMFIND_H
#define TG_MEMFIND_H

#include <stddef.h>
#include <string.h>

/* First occurrence of n[0..nl) in h[0..hl), NULL when none; memchr looks
 * for n[anchor] (anchor < nl). */
static inline const void *tg_memfind(const void *hv, size_t hl, const void *nv, size_t nl, size_t anchor)
{
	const unsigned char *h = hv, *n = nv, *p, *end;

	if (nl == 0 || nl > hl || anchor >= nl)
		return NULL;
	/* the anchor byte of a match lies in [h + anchor, h + hl - nl + anchor] */
	p = h + anchor;
	end = h + hl - nl + anchor + 1;
	while (p < end) {
		const unsigned char *q = memchr(p, n[anchor], (size_t)(end - p));
		if (!q)
			return NULL;
		if (memcmp(q - anchor, n, nl) == 0)
			return q - anchor;
		p = q + 1;
	}
	return NULL;
}

#endif
