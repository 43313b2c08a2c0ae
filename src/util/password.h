/*
 * password.h - password hashing, random tokens and token digests (libsodium).
 *
 * Passwords: argon2id (crypto_pwhash_str_alg, ALG_ARGON2ID13) with
 * OPSLIMIT_INTERACTIVE / MEMLIMIT_INTERACTIVE (2 passes, 64 MiB, ~0.1 s):
 * the recommended setting for interactive logins, and fast enough that tests
 * and the CLI stay quick. The parameters are stored inside the encoded hash,
 * so raising them later only needs tg_password_needs_rehash() at login.
 *
 * Tokens: session cookies and CSRF tokens are tg_random_token() strings
 * (base64url, no padding). The database stores only tg_token_hash() of a
 * session token (SHA-256, lower-case hex), never the token itself.
 *
 * Invariants: every function initializes libsodium on first use (thread
 * safe; sodium_init() is idempotent). Callers wipe plaintext passwords with
 * tg_password_wipe() when done. Nothing here logs or prints its inputs.
 */
#ifndef TG_PASSWORD_H
#define TG_PASSWORD_H

#include <stddef.h>

#include "util/rc.h"

/* Size of an encoded argon2id hash including the NUL (crypto_pwhash_STRBYTES). */
#define TG_PASSWORD_HASH_MAX 128
/* Accepted plaintext lengths (a policy for CLI and API alike): at least
 * TG_PASSWORD_MIN_LEN characters and at most TG_PASSWORD_MAX_CHARS (Unicode
 * code points, whatever the script), so at most TG_PASSWORD_MAX_LEN bytes.
 * tg_password_check_length() applies it. */
#define TG_PASSWORD_MIN_LEN   8
#define TG_PASSWORD_MAX_CHARS 1024
#define TG_PASSWORD_MAX_LEN   4096 /* bytes: 1024 code points of at most 4 */
/* Characters (with NUL) of a base64url token made of `bytes` random bytes. */
#define TG_TOKEN_STRLEN(bytes) ((((bytes)*4 + 2) / 3) + 1)
/* Characters (with NUL) of tg_token_hash()'s hex output. */
#define TG_TOKEN_HASH_STRLEN 65

/* 0 on success, -1 if libsodium cannot initialize (no entropy source). */
int tg_crypto_init(void);

/* The length policy: 0 when pw has at least TG_PASSWORD_MIN_LEN characters
 * (code points: "日本語" is 3, not 9) and at most TG_PASSWORD_MAX_CHARS;
 * -1 when it is too short, 1 when it is too long. */
int tg_password_check_length(const char *pw);

/* Hash pw into out (TG_PASSWORD_HASH_MAX bytes). TG_ERR_INVALID for a
 * length the policy refuses (tg_password_check_length); TG_ERR_INTERNAL when the
 * machine cannot provide the memory argon2id needs. */
enum tg_rc tg_password_hash(const char *pw, char out[TG_PASSWORD_HASH_MAX]);
/* 1 when pw matches the encoded hash, 0 otherwise (also for a malformed hash). */
int tg_password_verify(const char *hash, const char *pw);
/* 1 when the hash was made with other parameters than the current ones. */
int tg_password_needs_rehash(const char *hash);
/* Overwrite a plaintext buffer of n bytes so it does not linger in memory. */
void tg_password_wipe(void *p, size_t n);

/* `bytes` random bytes as base64url without padding into out, which holds
 * TG_TOKEN_STRLEN(bytes) chars. bytes must be 1..256 (else TG_ERR_INVALID). */
enum tg_rc tg_random_token(char *out, size_t bytes);
/* SHA-256 of the token string as 64 lower-case hex digits + NUL. */
void tg_token_hash(const char *token, char out[TG_TOKEN_HASH_STRLEN]);

#endif
