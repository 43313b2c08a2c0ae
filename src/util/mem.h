/*
 * mem.h - allocation policy and the per-request arena.
 *
 * Out-of-memory policy (decided once, like Redis' zmalloc): tg_xmalloc and
 * friends abort the process with a message when the allocator fails, so no
 * caller checks for NULL. A service that cannot allocate 200 bytes cannot
 * do anything useful; failing loudly beats half-written state.
 *
 * struct tg_arena: a bump allocator. Everything a request (or one import
 * row, or one store call's result) needs is allocated from one arena and
 * freed in one tg_arena_clear()/tg_arena_free(). Pointers into an arena stay
 * valid until the arena is cleared. Not thread safe: one owner at a time.
 */
#ifndef TG_MEM_H
#define TG_MEM_H

#include <stddef.h>
#include <stdint.h>

void *tg_xmalloc(size_t n);
void *tg_xcalloc(size_t n, size_t size);
void *tg_xrealloc(void *p, size_t n);
char *tg_xstrdup(const char *s);
char *tg_xstrndup(const char *s, size_t n);

struct tg_arena_block;
struct tg_arena {
	struct tg_arena_block *head; /* private */
	size_t total;                /* bytes handed out, for caps */
};

#define TG_ARENA_INIT                                                                                                  \
	{                                                                                                              \
		NULL, 0                                                                                                \
	}

void tg_arena_init(struct tg_arena *a);
/* Free every block; the arena can be reused. */
void tg_arena_clear(struct tg_arena *a);
/* Same as clear (the struct itself is caller-owned). */
void tg_arena_release(struct tg_arena *a);

/* Aligned to 16 bytes; never NULL. Memory is zeroed. */
void *tg_arena_alloc(struct tg_arena *a, size_t n);
/* The same without zeroing, for memory the caller fills entirely at once
 * (a response body, a copy): zeroing it first only cost time. */
void *tg_arena_alloc_uninit(struct tg_arena *a, size_t n);
char *tg_arena_strdup(struct tg_arena *a, const char *s); /* NULL -> NULL */
char *tg_arena_strndup(struct tg_arena *a, const char *s, size_t n);
char *tg_arena_printf(struct tg_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define TG_ARENA_NEW(a, type)      ((type *)tg_arena_alloc((a), sizeof(type)))
#define TG_ARENA_ARRAY(a, type, n) ((type *)tg_arena_alloc((a), sizeof(type) * (n)))

#endif
