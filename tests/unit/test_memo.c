/*
 * test_memo.c - unit tests for core/memo.c: get and put, replacement,
 * generations (a newer one drops everything, an older put is ignored, a
 * get of another generation misses), least-recently-used eviction by count
 * and by bytes, oversize values, statistics, and concurrent use.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "core/memo.h"

static int get_str(struct tg_memo *m, uint64_t gen, const char *key, struct tg_arena *a, const char **out)
{
	void *v;
	size_t n;
	if (!tg_memo_get(m, gen, key, strlen(key), a, &v, &n))
		return 0;
	assert_int_equal(((uintptr_t)v) % 16, 0);
	assert_int_equal(strnlen(v, n + 1), n - 1); /* values below are stored with their NUL */
	*out = v;
	return 1;
}

static void put_str(struct tg_memo *m, uint64_t gen, const char *key, const char *val)
{
	tg_memo_put(m, gen, key, strlen(key), val, strlen(val) + 1);
}

static void test_get_put_replace(void **state)
{
	(void)state;
	struct tg_memo *m = tg_memo_new(8, 1 << 20);
	struct tg_arena a = TG_ARENA_INIT;
	const char *v;

	assert_false(get_str(m, 1, "さくら", &a, &v));
	put_str(m, 1, "さくら", "3件");
	assert_true(get_str(m, 1, "さくら", &a, &v));
	assert_string_equal(v, "3件");
	/* keys are bytes: a prefix or an extension is another key */
	assert_false(get_str(m, 1, "さく", &a, &v));
	assert_false(get_str(m, 1, "さくらX", &a, &v));
	put_str(m, 1, "さくら", "4件");
	assert_true(get_str(m, 1, "さくら", &a, &v));
	assert_string_equal(v, "4件");
	/* the empty key and an empty value are keys and values like others */
	tg_memo_put(m, 1, "", 0, "", 0);
	void *p;
	size_t n = 99;
	assert_true(tg_memo_get(m, 1, "", 0, &a, &p, &n));
	assert_int_equal(n, 0);
	struct tg_memo_stats st;
	tg_memo_get_stats(m, &st);
	assert_int_equal(st.entries, 2);
	assert_int_equal(st.hits, 3);
	assert_int_equal(st.misses, 3);
	assert_int_equal(st.puts, 3);
	tg_memo_free(m);
	tg_memo_free(NULL);
	tg_arena_release(&a);
}

static void test_generations(void **state)
{
	(void)state;
	struct tg_memo *m = tg_memo_new(8, 1 << 20);
	struct tg_arena a = TG_ARENA_INIT;
	const char *v;

	put_str(m, 5, "a", "five");
	put_str(m, 5, "b", "five");
	/* a get of an older generation misses and drops nothing */
	assert_false(get_str(m, 4, "a", &a, &v));
	assert_true(get_str(m, 5, "a", &a, &v));
	/* a put computed from older data is ignored */
	put_str(m, 4, "c", "four");
	assert_false(get_str(m, 5, "c", &a, &v));
	assert_false(get_str(m, 4, "c", &a, &v));
	/* a newer generation drops everything */
	assert_false(get_str(m, 6, "a", &a, &v));
	assert_false(get_str(m, 5, "b", &a, &v));
	put_str(m, 6, "a", "six");
	assert_true(get_str(m, 6, "a", &a, &v));
	assert_string_equal(v, "six");
	/* so does a put of a newer one */
	put_str(m, 9, "z", "nine");
	assert_false(get_str(m, 9, "a", &a, &v));
	assert_true(get_str(m, 9, "z", &a, &v));
	struct tg_memo_stats st;
	tg_memo_get_stats(m, &st);
	assert_int_equal(st.entries, 1);
	assert_int_equal(st.flushes, 2);
	tg_memo_free(m);
	tg_arena_release(&a);
}

static void test_eviction(void **state)
{
	(void)state;
	struct tg_memo *m = tg_memo_new(3, 1 << 20);
	struct tg_arena a = TG_ARENA_INIT;
	const char *v;

	put_str(m, 1, "k1", "v1");
	put_str(m, 1, "k2", "v2");
	put_str(m, 1, "k3", "v3");
	assert_true(get_str(m, 1, "k1", &a, &v)); /* k1 is now the most recent */
	put_str(m, 1, "k4", "v4");                /* k2, the least recent, goes */
	assert_false(get_str(m, 1, "k2", &a, &v));
	assert_true(get_str(m, 1, "k1", &a, &v));
	assert_true(get_str(m, 1, "k3", &a, &v));
	assert_true(get_str(m, 1, "k4", &a, &v));
	/* replacing a key does not evict another */
	put_str(m, 1, "k3", "v3b");
	assert_true(get_str(m, 1, "k1", &a, &v));
	assert_true(get_str(m, 1, "k4", &a, &v));
	struct tg_memo_stats st;
	tg_memo_get_stats(m, &st);
	assert_int_equal(st.entries, 3);
	assert_int_equal(st.evictions, 1);
	tg_memo_free(m);

	/* by bytes: values of 1000 bytes in a memo of 8000 */
	m = tg_memo_new(100, 8000);
	char big[1000], key[16];
	memset(big, 'x', sizeof(big));
	for (int i = 0; i < 10; i++) {
		snprintf(key, sizeof(key), "b%d", i);
		tg_memo_put(m, 1, key, strlen(key), big, sizeof(big));
		tg_memo_get_stats(m, &st);
		assert_true(st.bytes <= 8000);
	}
	void *p;
	size_t n;
	assert_true(tg_memo_get(m, 1, "b9", 2, &a, &p, &n));
	assert_int_equal(n, sizeof(big));
	assert_memory_equal(p, big, sizeof(big));
	assert_false(tg_memo_get(m, 1, "b0", 2, &a, &p, &n));
	assert_true(st.entries >= 6 && st.entries <= 7);
	/* a value over a quarter of the bytes is not kept, and says so first */
	char huge[2100];
	memset(huge, 'y', sizeof(huge));
	assert_false(tg_memo_fits(m, 1, sizeof(huge)));
	assert_true(tg_memo_fits(m, 2, sizeof(big)));
	assert_false(tg_memo_fits(m, SIZE_MAX, 1));
	tg_memo_put(m, 1, "h", 1, huge, sizeof(huge));
	assert_false(tg_memo_get(m, 1, "h", 1, &a, &p, &n));
	assert_true(tg_memo_get(m, 1, "b9", 2, &a, &p, &n));
	tg_memo_free(m);
	tg_arena_release(&a);
}

/* Many keys in few buckets' worth of hash: every one found, none other. */
static void test_many_keys(void **state)
{
	(void)state;
	enum { N = 5000 };
	struct tg_memo *m = tg_memo_new(N, (size_t)N * 256);
	struct tg_arena a = TG_ARENA_INIT;
	char key[32];
	for (uint32_t i = 0; i < N; i++) {
		int n = snprintf(key, sizeof(key), "query-%u", i);
		tg_memo_put(m, 7, key, (size_t)n, &i, sizeof(i));
	}
	for (uint32_t i = 0; i < N + 100; i++) {
		int n = snprintf(key, sizeof(key), "query-%u", i);
		void *p;
		size_t len;
		int hit = tg_memo_get(m, 7, key, (size_t)n, &a, &p, &len);
		assert_int_equal(hit, i < N);
		if (hit) {
			uint32_t got;
			memcpy(&got, p, sizeof(got));
			assert_int_equal(got, i);
		}
	}
	tg_memo_free(m);
	tg_arena_release(&a);
}

struct worker {
	struct tg_memo *m;
	int id;
	int bad;
};

/* Readers and writers at once: a value read is always the one its key
 * was written with (each value is its key's number). */
static void *work(void *p)
{
	struct worker *w = p;
	struct tg_arena a = TG_ARENA_INIT;
	char key[16];
	for (uint32_t i = 0; i < 20000; i++) {
		uint32_t k = (i * 2654435761u + (uint32_t)w->id) % 300;
		int n = snprintf(key, sizeof(key), "k%u", k);
		uint64_t gen = 1 + i / 5000;
		void *v;
		size_t len;
		if (tg_memo_get(w->m, gen, key, (size_t)n, &a, &v, &len)) {
			uint32_t got;
			memcpy(&got, v, sizeof(got));
			w->bad |= len != sizeof(got) || got != k;
		} else {
			tg_memo_put(w->m, gen, key, (size_t)n, &k, sizeof(k));
		}
		if (i % 1000 == 0)
			tg_arena_clear(&a);
	}
	tg_arena_release(&a);
	return NULL;
}

static void test_threads(void **state)
{
	(void)state;
	enum { T = 4 };
	struct tg_memo *m = tg_memo_new(128, 1 << 16);
	pthread_t th[T];
	struct worker w[T];
	for (int i = 0; i < T; i++) {
		w[i] = (struct worker){m, i, 0};
		assert_int_equal(pthread_create(&th[i], NULL, work, &w[i]), 0);
	}
	for (int i = 0; i < T; i++) {
		pthread_join(th[i], NULL);
		assert_false(w[i].bad);
	}
	struct tg_memo_stats st;
	tg_memo_get_stats(m, &st);
	assert_true(st.entries <= 128);
	assert_true(st.hits > 0);
	assert_int_equal(st.hits + st.misses, (uint64_t)T * 20000);
	tg_memo_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_get_put_replace), cmocka_unit_test(test_generations), cmocka_unit_test(test_eviction),
	    cmocka_unit_test(test_many_keys),       cmocka_unit_test(test_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
