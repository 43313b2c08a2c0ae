/*
 * test_password.c - argon2id hashing, tokens and token digests
 * (util/password.c), and the one-line rule of util/log.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <sodium.h>

#include "util/log.h"
#include "util/mem.h"
#include "util/password.h"

static void test_hash_verify(void **state)
{
	(void)state;
	char h[TG_PASSWORD_HASH_MAX], h2[TG_PASSWORD_HASH_MAX];
	assert_int_equal(tg_password_hash("correct horse", h), TG_OK);
	assert_true(strncmp(h, "$argon2id$v=19$", 15) == 0);
	assert_true(tg_password_verify(h, "correct horse"));
	assert_false(tg_password_verify(h, "correct horsE"));
	assert_false(tg_password_verify(h, ""));
	assert_false(tg_password_verify("garbage", "correct horse"));
	assert_false(tg_password_verify(NULL, "x"));
	/* salted: the same password hashes differently */
	assert_int_equal(tg_password_hash("correct horse", h2), TG_OK);
	assert_string_not_equal(h, h2);
	assert_false(tg_password_needs_rehash(h));
	/* policy: too short, too long */
	assert_int_equal(tg_password_hash("short", h), TG_ERR_INVALID);
	char *big = tg_xmalloc(TG_PASSWORD_MAX_LEN + 2);
	memset(big, 'a', TG_PASSWORD_MAX_LEN + 1);
	big[TG_PASSWORD_MAX_LEN + 1] = '\0';
	assert_int_equal(tg_password_hash(big, h), TG_ERR_INVALID);
	free(big);
}

/* Characters, not bytes: the CLI and the API count the same way. */
static void test_length_policy(void **state)
{
	(void)state;
	char h[TG_PASSWORD_HASH_MAX];
	assert_int_equal(tg_password_check_length("1234567"), -1);
	assert_int_equal(tg_password_check_length("12345678"), 0);
	assert_int_equal(tg_password_check_length("日本語"), -1); /* 3 characters, 9 bytes */
	assert_int_equal(tg_password_hash("日本語", h), TG_ERR_INVALID);
	assert_int_equal(tg_password_check_length("日本語のパスワー"), 0); /* 8 characters */
	assert_int_equal(tg_password_check_length("パスワード12"), -1);    /* 7 characters */
	/* at most TG_PASSWORD_MAX_CHARS characters, whatever their bytes: 1024
	 * kanji (3072 bytes) or emoji (4096 bytes) fit, 1025 do not */
	static char big[1025 * 4 + 1];
	for (int i = 0; i < 1025; i++)
		memcpy(big + 3 * i, "語", 3);
	big[1025 * 3] = '\0';
	assert_int_equal(tg_password_check_length(big), 1);
	big[1024 * 3] = '\0';
	assert_int_equal(tg_password_check_length(big), 0);
	for (int i = 0; i < 1025; i++)
		memcpy(big + 4 * i, "\xF0\x9F\x98\x80", 4);
	big[1024 * 4] = '\0';
	assert_int_equal(tg_password_check_length(big), 0);
	assert_int_equal(tg_password_hash(big, h), TG_OK);
	memcpy(big + 1024 * 4, "\xF0\x9F\x98\x80", 4);
	big[1025 * 4] = '\0';
	assert_int_equal(tg_password_check_length(big), 1);
}

static void test_needs_rehash(void **state)
{
	(void)state;
	char weak[crypto_pwhash_STRBYTES];
	/* made with weaker parameters than the current ones */
	assert_int_equal(crypto_pwhash_str_alg(weak, "password1", 9, crypto_pwhash_OPSLIMIT_MIN,
	                                       crypto_pwhash_MEMLIMIT_MIN, crypto_pwhash_ALG_ARGON2ID13),
	                 0);
	assert_true(tg_password_verify(weak, "password1"));
	assert_true(tg_password_needs_rehash(weak));
	assert_true(tg_password_needs_rehash("$argon2i$v=19$m=4096,t=3,p=1$abc$def"));
	assert_true(tg_password_needs_rehash(NULL));
}

static void test_tokens(void **state)
{
	(void)state;
	char a[TG_TOKEN_STRLEN(32)], b[TG_TOKEN_STRLEN(32)];
	assert_int_equal(sizeof(a), 44);
	assert_int_equal(tg_random_token(a, 32), TG_OK);
	assert_int_equal(tg_random_token(b, 32), TG_OK);
	assert_int_equal(strlen(a), 43);
	assert_string_not_equal(a, b);
	for (size_t i = 0; a[i]; i++)
		assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", a[i]));
	char c[TG_TOKEN_STRLEN(1)];
	assert_int_equal(tg_random_token(c, 1), TG_OK);
	assert_int_equal(strlen(c), 2);
	assert_int_equal(tg_random_token(c, 0), TG_ERR_INVALID);
	assert_int_equal(tg_random_token(c, 257), TG_ERR_INVALID);

	char hex[TG_TOKEN_HASH_STRLEN];
	tg_token_hash("abc", hex); /* FIPS 180-2 test vector */
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	tg_token_hash(a, hex);
	assert_int_equal(strlen(hex), 64);
}

static void test_wipe(void **state)
{
	(void)state;
	char pw[16] = "secret-pass";
	tg_password_wipe(pw, sizeof(pw));
	for (size_t i = 0; i < sizeof(pw); i++)
		assert_int_equal(pw[i], 0);
}

static void test_log_lines(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	enum tg_log_level lv;
	assert_non_null(f);
	tg_log_set_stream(f);
	tg_log_set_level(TG_LOG_INFO);
	tg_log_debug("dropped", "x=%d", 1);
	tg_log_info("db.open", "rc=%s ms=%d", "ok", 3);
	tg_log_error("evil", "code=%s", "a\nlevel=info forged");
	tg_log_warn("bare", NULL);
	fflush(f);
	tg_log_set_stream(NULL);
	assert_null(strstr(buf, "dropped"));
	assert_non_null(strstr(buf, "level=info event=db.open rc=ok ms=3\n"));
	assert_non_null(strstr(buf, "event=evil code=a?level=info forged\n"));
	assert_non_null(strstr(buf, "level=warn event=bare\n"));
	size_t lines = 0;
	for (size_t i = 0; i < len; i++)
		lines += buf[i] == '\n';
	assert_int_equal(lines, 3);
	assert_int_equal(strncmp(buf, "ts=", 3), 0);
	assert_int_equal(tg_log_parse_level("warn", &lv), 0);
	assert_int_equal(lv, TG_LOG_WARN);
	assert_int_equal(tg_log_parse_level("loud", &lv), -1);
	fclose(f);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hash_verify),  cmocka_unit_test(test_length_policy),
	    cmocka_unit_test(test_needs_rehash), cmocka_unit_test(test_tokens),
	    cmocka_unit_test(test_wipe),         cmocka_unit_test(test_log_lines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
