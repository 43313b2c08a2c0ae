/*
 * test_memfind.c - tg_memfind (util/memfind.h) against a naive search, for
 * every anchor, on random short texts over a small alphabet (many partial
 * matches) and on UTF-8 Japanese.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/memfind.h"

static const unsigned char *naive(const unsigned char *h, size_t hl, const unsigned char *n, size_t nl)
{
	if (nl == 0 || nl > hl)
		return NULL;
	for (size_t i = 0; i + nl <= hl; i++)
		if (memcmp(h + i, n, nl) == 0)
			return h + i;
	return NULL;
}

static void test_random(void **state)
{
	uint64_t seed = 42;
	unsigned char h[64], n[8];

	(void)state;
	for (int round = 0; round < 20000; round++) {
		size_t hl = 0, nl;
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		hl = (size_t)(seed >> 33) % sizeof(h);
		nl = 1 + (size_t)(seed >> 20) % sizeof(n);
		for (size_t i = 0; i < hl; i++) {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			h[i] = (unsigned char)('a' + (seed >> 40) % 3);
		}
		for (size_t i = 0; i < nl; i++) {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			n[i] = (unsigned char)('a' + (seed >> 40) % 3);
		}
		for (size_t k = 0; k < nl; k++)
			assert_ptr_equal(tg_memfind(h, hl, n, nl, k), naive(h, hl, n, nl));
		assert_null(tg_memfind(h, hl, n, nl, nl)); /* anchor out of the needle */
	}
}

static void test_japanese(void **state)
{
	const char *h = "広い園庭があり、外遊びを大切にしています。外遊び";
	const char *first = strstr(h, "外遊び");

	(void)state;
	for (size_t k = 0; k < strlen("外遊び"); k++)
		assert_ptr_equal(tg_memfind(h, strlen(h), "外遊び", strlen("外遊び"), k), first);
	assert_null(tg_memfind(h, strlen(h), "外遊ぶ", strlen("外遊ぶ"), 8));
	assert_null(tg_memfind(h, strlen(h), "", 0, 0));
	assert_ptr_equal(tg_memfind(h, strlen(h), h, strlen(h), 5), h); /* the whole text */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_random),
	    cmocka_unit_test(test_japanese),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
