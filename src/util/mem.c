/* mem.c - aborting allocators and the bump arena (see mem.h). */
#include "util/mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(size_t n)
{
	fprintf(stderr, "tsunagu: out of memory allocating %zu bytes\n", n);
	abort();
}

void *tg_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

void *tg_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom(n * size);
	return p;
}

void *tg_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom(n);
	return q;
}

char *tg_xstrdup(const char *s)
{
	return tg_xstrndup(s, strlen(s));
}

char *tg_xstrndup(const char *s, size_t n)
{
	char *p = tg_xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

struct tg_arena_block {
	struct tg_arena_block *next;
	size_t used, cap;
	_Alignas(16) unsigned char data[];
};

#define ARENA_BLOCK 8192

void tg_arena_init(struct tg_arena *a)
{
	a->head = NULL;
	a->total = 0;
}

void tg_arena_clear(struct tg_arena *a)
{
	struct tg_arena_block *b = a->head;
	while (b) {
		struct tg_arena_block *next = b->next;
		free(b);
		b = next;
	}
	a->head = NULL;
	a->total = 0;
}

void tg_arena_release(struct tg_arena *a)
{
	tg_arena_clear(a);
}

void *tg_arena_alloc(struct tg_arena *a, size_t n)
{
	void *p = tg_arena_alloc_uninit(a, n);
	memset(p, 0, n);
	return p;
}

void *tg_arena_alloc_uninit(struct tg_arena *a, size_t n)
{
	size_t need = (n + 15) & ~(size_t)15;
	struct tg_arena_block *b = a->head;
	if (!b || b->cap - b->used < need) {
		size_t cap = need > ARENA_BLOCK / 2 ? need : ARENA_BLOCK;
		b = tg_xmalloc(sizeof(*b) + cap);
		b->used = 0;
		b->cap = cap;
		if (need > ARENA_BLOCK / 2 && a->head) {
			/* big allocation: keep the current block for small ones */
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = a->head;
			a->head = b;
		}
	}
	void *p = b->data + b->used;
	b->used += need;
	a->total += need;
	return p;
}

char *tg_arena_strndup(struct tg_arena *a, const char *s, size_t n)
{
	char *p = tg_arena_alloc_uninit(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *tg_arena_strdup(struct tg_arena *a, const char *s)
{
	if (!s)
		return NULL;
	return tg_arena_strndup(a, s, strlen(s));
}

char *tg_arena_printf(struct tg_arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	char *p = tg_arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}
