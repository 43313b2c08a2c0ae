/* throttle.c - fixed-size table of failure counters (see throttle.h). */
#include "http/throttle.h"

#include <pthread.h>
#include <stdint.h>

#define SLOTS 4096

struct slot {
	uint64_t key;
	long long first;
	int fails;
};

static struct slot g_slots[SLOTS];
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;

static uint64_t hash(const char *kind, const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (const char *p = kind; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	for (const char *p = s ? s : ""; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c + 32);
		h = (h ^ c) * 1099511628211ULL;
	}
	return h ? h : 1;
}

static struct slot *find(uint64_t key, int create, long long now)
{
	size_t i = key % SLOTS;
	struct slot *oldest = NULL;
	for (size_t probe = 0; probe < 8; probe++) {
		struct slot *s = &g_slots[(i + probe) % SLOTS];
		if (s->key == key)
			return s;
		if (!s->key || now - s->first > TG_THROTTLE_WINDOW) {
			if (!oldest || oldest->key)
				oldest = s;
			continue;
		}
		if (!oldest || (oldest->key && s->first < oldest->first))
			oldest = s;
	}
	if (!create)
		return NULL;
	oldest->key = key;
	oldest->first = now;
	oldest->fails = 0;
	return oldest;
}

static int wait_for(uint64_t key, long long now)
{
	struct slot *s = find(key, 0, now);
	if (!s || now - s->first > TG_THROTTLE_WINDOW || s->fails < TG_THROTTLE_MAX)
		return 0;
	long long w = s->first + TG_THROTTLE_WINDOW - now;
	return w > 0 ? (int)w : 1;
}

int tg_throttle_check(const char *login, const char *addr, long long now)
{
	pthread_mutex_lock(&g_lock);
	int a = wait_for(hash("l", login), now);
	/* an address gets more room: offices share one NAT address */
	int b = 0;
	struct slot *s = find(hash("a", addr), 0, now);
	if (s && now - s->first <= TG_THROTTLE_WINDOW && s->fails >= TG_THROTTLE_MAX * 6)
		b = (int)(s->first + TG_THROTTLE_WINDOW - now);
	pthread_mutex_unlock(&g_lock);
	return a > b ? a : b;
}

static void bump(uint64_t key, long long now)
{
	struct slot *s = find(key, 1, now);
	if (now - s->first > TG_THROTTLE_WINDOW) {
		s->first = now;
		s->fails = 0;
	}
	s->fails++;
}

void tg_throttle_fail(const char *login, const char *addr, long long now)
{
	pthread_mutex_lock(&g_lock);
	bump(hash("l", login), now);
	bump(hash("a", addr), now);
	pthread_mutex_unlock(&g_lock);
}

void tg_throttle_ok(const char *login)
{
	pthread_mutex_lock(&g_lock);
	struct slot *s = find(hash("l", login), 0, 0);
	if (s)
		s->key = 0;
	pthread_mutex_unlock(&g_lock);
}
