/*
 * session.c - login, logout, who am I, password change.
 *
 *   POST   /api/v1/session           {"login","password"} -> {"user","csrf_token"} + cookie
 *   GET    /api/v1/session           -> {"user","csrf_token"}
 *   DELETE /api/v1/session           -> 204, cookie cleared
 *   POST   /api/v1/session/password  {"current_password","new_password"} -> 204
 *
 * The cookie holds a random 256-bit token; the database keeps only its hash
 * (a stolen database gives no live sessions). Unknown login and wrong
 * password answer the same message after the same work (a dummy verify), so
 * the answer does not reveal which logins exist. Failed attempts are
 * throttled per login and per address (throttle.h).
 */
#include <pthread.h>
#include <time.h>

#include "app/app.h"
#include "core/validate.h"
#include "http/handlers/handlers.h"
#include "http/throttle.h"
#include "util/password.h"
#include "util/timefmt.h"

#define SESSION_SECONDS (12 * 3600)

static char g_dummy_hash[TG_PASSWORD_HASH_MAX];
static pthread_once_t g_dummy_once = PTHREAD_ONCE_INIT;

static void dummy_init(void)
{
	if (tg_password_hash("tsunagu-no-such-user", g_dummy_hash))
		g_dummy_hash[0] = '\0';
}

/* Spend the same work as a real verify, so that a missing login is not
 * told apart from a wrong password by the response time. */
static void dummy_verify(const char *password)
{
	pthread_once(&g_dummy_once, dummy_init);
	if (g_dummy_hash[0])
		(void)tg_password_verify(g_dummy_hash, password);
}

static enum tg_rc session_json(struct tg_req *req, const struct tg_user *u, const char *csrf, int status)
{
	struct tg_org org;
	const char *org_name = NULL;
	if (!req->db->ops->org_get(req->db, &req->arena, u->org_id, &org))
		org_name = org.name;
	json_t *j = json_object();
	json_object_set_new(j, "user", tg_h_user_json(u, org_name));
	json_object_set_new(j, "csrf_token", json_string(csrf));
	tg_resp_json(req, status, j);
	return TG_OK;
}

enum tg_rc tg_h_session_create(struct tg_req *req)
{
	json_t *body = NULL;
	enum tg_rc rc = tg_req_json_body(req, &body);
	if (rc)
		return rc;
	static const char *const allowed[] = {"login", "password", NULL};
	const char *login, *password;
	if ((rc = tg_h_only_fields(req, body, allowed)) || (rc = tg_h_get_string(req, body, "login", 1, 64, &login)) ||
	    (rc = tg_h_get_string(req, body, "password", 1, 1024, &password)))
		goto out;

	long long now = (long long)time(NULL);
	const char *addr = tg_req_client_addr(req);
	/* Logins are per tenant: so is their throttling (the address limit stays
	 * across tenants, it is one client). */
	const char *tkey = tg_arena_printf(&req->arena, "%lld/%s", (long long)req->app->tenant_id, login);
	int wait = tg_throttle_check(tkey, addr, now);
	if (wait > 0) {
		tg_resp_header(req, "Retry-After", tg_arena_printf(&req->arena, "%d", wait));
		rc = tg_req_fail(req, TG_ERR_RATE_LIMITED, NULL,
		                 tg_arena_printf(&req->arena,
		                                 "ログインの失敗が続いたため、%d分ほど待ってからお試しください (too "
		                                 "many failed logins; retry in %d s)",
		                                 (wait + 59) / 60, wait));
		goto out;
	}

	struct tg_user u;
	rc = req->db->ops->user_get_by_login(req->db, &req->arena, login, &u);
	int ok;
	if (rc == TG_ERR_NOT_FOUND) {
		dummy_verify(password);
		ok = 0;
	} else if (rc) {
		goto out;
	} else {
		ok = tg_password_verify(u.password_hash, password) && !u.disabled;
	}
	if (!ok) {
		tg_throttle_fail(tkey, addr, now);
		req->authed = 0;
		tg_req_audit(req, "login_failed", "session", NULL, NULL);
		rc = tg_req_fail(req, TG_ERR_UNAUTHORIZED, NULL,
		                 "ログインIDまたはパスワードが違います (wrong login or password)");
		goto out;
	}
	tg_throttle_ok(tkey);

	char token[TG_TOKEN_STRLEN(32)], csrf[TG_TOKEN_STRLEN(32)], hash[TG_TOKEN_HASH_STRLEN], expires[TG_ISO_LEN];
	if ((rc = tg_random_token(token, 32)) || (rc = tg_random_token(csrf, 32)))
		goto out;
	tg_token_hash(token, hash);
	tg_time_iso((time_t)(now + SESSION_SECONDS), expires);
	rc = req->db->ops->session_insert(req->db, hash, u.id, csrf, expires);
	if (rc)
		goto out;
	req->authed = 1;
	req->user = u;
	tg_req_audit(req, "login", "session", tg_arena_printf(&req->arena, "%lld", (long long)u.id), NULL);
	tg_resp_header(req, "Set-Cookie",
	               tg_arena_printf(&req->arena, "tg_session=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Strict%s",
	                               token, SESSION_SECONDS, req->app->secure_cookies ? "; Secure" : ""));
	rc = session_json(req, &u, csrf, 200);
out:
	json_decref(body);
	return rc;
}

enum tg_rc tg_h_session_get(struct tg_req *req)
{
	return session_json(req, &req->user, req->csrf_token, 200);
}

enum tg_rc tg_h_session_delete(struct tg_req *req)
{
	enum tg_rc rc = req->db->ops->session_delete(req->db, req->token_hash);
	if (rc)
		return rc;
	tg_req_audit(req, "logout", "session", tg_arena_printf(&req->arena, "%lld", (long long)req->user.id), NULL);
	tg_resp_header(req, "Set-Cookie", "tg_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
	tg_resp_raw(req, 204, NULL, NULL, 0);
	return TG_OK;
}

enum tg_rc tg_h_session_password(struct tg_req *req)
{
	json_t *body = NULL;
	enum tg_rc rc = tg_req_json_body(req, &body);
	if (rc)
		return rc;
	static const char *const allowed[] = {"current_password", "new_password", NULL};
	const char *cur, *next;
	if ((rc = tg_h_only_fields(req, body, allowed)) ||
	    (rc = tg_h_get_string(req, body, "current_password", 1, 1024, &cur)) ||
	    (rc = tg_h_get_string(req, body, "new_password", 1, 1024, &next)))
		goto out;
	if (!tg_password_verify(req->user.password_hash, cur)) {
		rc = tg_req_fail(req, TG_ERR_INVALID, "current_password",
		                 "現在のパスワードが違います (current password is wrong)");
		goto out;
	}
	int len = tg_password_check_length(next);
	if (len) {
		rc = tg_req_fail(
		    req, TG_ERR_INVALID, "new_password",
		    len < 0 ? "新しいパスワードは8文字以上にしてください (new password needs at least 8 characters)"
		            : "新しいパスワードは1024文字までです (new password must be at most 1024 characters)");
		goto out;
	}
	if (!strcmp(next, req->user.login) || !strcmp(next, cur)) {
		rc = tg_req_fail(req, TG_ERR_INVALID, "new_password",
		                 "ログインIDや今のパスワードと同じものは使えません (choose a password different from "
		                 "the login and the current one)");
		goto out;
	}
	char hash[TG_PASSWORD_HASH_MAX];
	if (tg_password_hash(next, hash)) {
		rc = TG_ERR_INTERNAL;
		goto out;
	}
	if ((rc = req->db->ops->begin(req->db)))
		goto out;
	if ((rc = req->db->ops->user_set_password(req->db, req->user.id, hash)) ||
	    (rc = req->db->ops->session_delete_user(req->db, req->user.id, req->token_hash)) ||
	    (rc = tg_req_audit(req, "password_change", "user",
	                       tg_arena_printf(&req->arena, "%lld", (long long)req->user.id), NULL)) ||
	    (rc = req->db->ops->commit(req->db))) {
		req->db->ops->rollback(req->db);
		goto out;
	}
	tg_resp_raw(req, 204, NULL, NULL, 0);
out:
	json_decref(body);
	return rc;
}
