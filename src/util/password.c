/*
 * password.c - argon2id passwords, random tokens and token digests with
 * libsodium (see password.h for the parameters and why).
 *
 * Invariant: no function here keeps a copy of a password or token; the
 * only state is libsodium's one-time initialization.
 */
#include "util/password.h"

#include <sodium.h>
#include <string.h>

#define OPS crypto_pwhash_OPSLIMIT_INTERACTIVE
#define MEM crypto_pwhash_MEMLIMIT_INTERACTIVE

_Static_assert(crypto_pwhash_STRBYTES <= TG_PASSWORD_HASH_MAX, "hash buffer too small");

int tg_crypto_init(void)
{
	/* sodium_init is thread safe and returns 1 when already initialized. */
	return sodium_init() < 0 ? -1 : 0;
}

int tg_password_check_length(const char *pw)
{
	size_t bytes = 0, chars = 0;
	for (const unsigned char *p = (const unsigned char *)pw; *p; p++, bytes++)
		if ((*p & 0xC0) != 0x80) /* not a UTF-8 continuation byte */
			chars++;
	if (bytes > TG_PASSWORD_MAX_LEN || chars > TG_PASSWORD_MAX_CHARS)
		return 1;
	return chars < TG_PASSWORD_MIN_LEN ? -1 : 0;
}

enum tg_rc tg_password_hash(const char *pw, char out[TG_PASSWORD_HASH_MAX])
{
	size_t n = strlen(pw);
	out[0] = '\0';
	if (tg_password_check_length(pw) != 0)
		return TG_ERR_INVALID;
	if (tg_crypto_init() != 0)
		return TG_ERR_INTERNAL;
	if (crypto_pwhash_str_alg(out, pw, n, OPS, MEM, crypto_pwhash_ALG_ARGON2ID13) != 0)
		return TG_ERR_INTERNAL; /* out of memory for argon2 */
	return TG_OK;
}

int tg_password_verify(const char *hash, const char *pw)
{
	if (!hash || !pw || tg_crypto_init() != 0)
		return 0;
	if (strncmp(hash, crypto_pwhash_argon2id_STRPREFIX, strlen(crypto_pwhash_argon2id_STRPREFIX)) != 0)
		return 0;
	return crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
}

int tg_password_needs_rehash(const char *hash)
{
	if (!hash || tg_crypto_init() != 0)
		return 1;
	if (strncmp(hash, crypto_pwhash_argon2id_STRPREFIX, strlen(crypto_pwhash_argon2id_STRPREFIX)) != 0)
		return 1;
	/* 0: same parameters; 1: different; -1: malformed */
	return crypto_pwhash_str_needs_rehash(hash, OPS, MEM) != 0;
}

void tg_password_wipe(void *p, size_t n)
{
	if (p && n)
		sodium_memzero(p, n);
}

enum tg_rc tg_random_token(char *out, size_t bytes)
{
	unsigned char raw[256];
	if (bytes == 0 || bytes > sizeof(raw))
		return TG_ERR_INVALID;
	if (tg_crypto_init() != 0)
		return TG_ERR_INTERNAL;
	randombytes_buf(raw, bytes);
	sodium_bin2base64(out, TG_TOKEN_STRLEN(bytes), raw, bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, bytes);
	return TG_OK;
}

void tg_token_hash(const char *token, char out[TG_TOKEN_HASH_STRLEN])
{
	unsigned char d[crypto_hash_sha256_BYTES];
	tg_crypto_init();
	crypto_hash_sha256(d, (const unsigned char *)token, strlen(token));
	sodium_bin2hex(out, TG_TOKEN_HASH_STRLEN, d, sizeof(d));
}
