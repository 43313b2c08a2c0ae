/*
 * throttle.h - login throttling, in memory, per login name and per client
 * address. After TG_THROTTLE_MAX failures within TG_THROTTLE_WINDOW seconds
 * further attempts are refused until the window has passed, whether the
 * password is right or not. A successful login clears the login's counter.
 * Keys are hashed (no login names kept in memory longer than needed); the
 * table is fixed size and the oldest slot is reused, so memory is bounded
 * under a flood. Per process: several server processes each keep their own.
 */
#ifndef TG_THROTTLE_H
#define TG_THROTTLE_H

#define TG_THROTTLE_MAX    5
#define TG_THROTTLE_WINDOW 900

/* Seconds to wait (0 = allowed now). */
int tg_throttle_check(const char *login, const char *addr, long long now);
void tg_throttle_fail(const char *login, const char *addr, long long now);
void tg_throttle_ok(const char *login);

#endif
