/*
 * server.c - the HTTP server: libmicrohttpd in thread-pool mode, request
 * life cycle, sessions, CSRF, security headers, gzip, static assets,
 * access log, graceful stop.
 *
 * Life cycle of one request (see http.h):
 *   1. first callback: allocate struct tg_req, match the route, refuse an
 *      oversize Content-Length at once (413);
 *   2. body callbacks: append into req->body up to the route's limit; past
 *      it the rest is discarded and the request answered 413;
 *   3. last callback: load the session, check CSRF, run the handler, render
 *      JSON (or the error body), add headers, queue the response;
 *   4. completion callback: free the request, write the access log line.
 *
 * Invariants:
 *  - each worker thread owns one database connection (t_db), opened lazily
 *    and closed by the thread-key destructor;
 *  - the access log carries method, route pattern, status, bytes and time:
 *    never query strings, bodies, cookies or personal data;
 *  - on SIGTERM/SIGINT the listening socket is closed (quiesce), requests in
 *    flight get up to 10 s to finish, then the daemon stops and we return 0.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <utf8proc.h>
#include <zlib.h>

#include "app/app.h"
#include "app/tenancy.h"
#include "core/search.h"
#include "http/http.h"
#include "http/static.h"
#include "util/json_write.h"
#include "util/log.h"
#include "util/password.h"

#define BODY_LIMIT     ((size_t)1 << 20)  /* JSON bodies: 1 MiB */
#define RAW_BODY_LIMIT ((size_t)64 << 20) /* imported files: 64 MiB */
#define GZIP_MIN       1400
#define CONN_MEMORY    ((size_t)32 << 10) /* see tg_server_run */

static struct tg_tenancy *g_ten;
static struct tg_static *g_assets;
static int g_access_log;
static char g_csp[1024];
static char g_csp_page[1200]; /* g_csp, and the pages' import maps (static.h) */
static atomic_int g_inflight;
static pthread_key_t g_db_key;
static pthread_once_t g_db_once = PTHREAD_ONCE_INIT;

static void db_key_destroy(void *p)
{
	struct tg_db *db = p;
	if (db)
		db->ops->close(db);
}

static void db_key_init(void)
{
	pthread_key_create(&g_db_key, db_key_destroy);
}

/* This thread's connection, opened on first use. */
static struct tg_db *thread_db(void)
{
	pthread_once(&g_db_once, db_key_init);
	struct tg_db *db = pthread_getspecific(g_db_key);
	if (!db) {
		char err[256];
		db = tg_db_open(g_ten->db_url, 0, err, sizeof(err));
		if (!db) {
			tg_log_error("db_open_failed", "reason=%s", err);
			return NULL;
		}
		pthread_setspecific(g_db_key, db);
	}
	return db;
}

static uint64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

struct conn_state {
	struct tg_req req;
	uint64_t started;
	int early_status; /* nonzero: answer with this error without running a handler */
	const char *early_msg;
	int path_known;
};

static void add_other_headers(struct MHD_Response *r, int is_api)
{
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "same-origin");
	MHD_add_response_header(r, "Cross-Origin-Opener-Policy", "same-origin");
	MHD_add_response_header(r, "Cross-Origin-Resource-Policy", "same-origin");
	MHD_add_response_header(r, "Permissions-Policy", "geolocation=(self), camera=(), microphone=()");
	if (g_ten->opts.secure_cookies)
		MHD_add_response_header(r, "Strict-Transport-Security", "max-age=31536000");
	if (is_api)
		MHD_add_response_header(r, "Cache-Control", "no-store");
}

static void add_security_headers(struct MHD_Response *r, int is_api)
{
	MHD_add_response_header(r, "Content-Security-Policy", g_csp);
	add_other_headers(r, is_api);
}

static int accepts_gzip(struct MHD_Connection *c)
{
	const char *ae = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept-Encoding");
	return ae && strstr(ae, "gzip") != NULL;
}

/* gzip data into a malloc'd buffer; returns NULL when it does not pay. */
static char *gzip_bytes(const char *data, size_t len, size_t *out_len)
{
	z_stream zs;
	memset(&zs, 0, sizeof(zs));
	if (deflateInit2(&zs, 4, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return NULL;
	uLong cap = deflateBound(&zs, (uLong)len);
	char *out = tg_xmalloc(cap);
	zs.next_in = (Bytef *)(uintptr_t)data;
	zs.avail_in = (uInt)len;
	zs.next_out = (Bytef *)out;
	zs.avail_out = (uInt)cap;
	int rc = deflate(&zs, Z_FINISH);
	size_t n = zs.total_out;
	deflateEnd(&zs);
	if (rc != Z_STREAM_END || n >= len) {
		free(out);
		return NULL;
	}
	*out_len = n;
	return out;
}

/* A JSON string of s; invalid UTF-8 in it (a message that quotes the
 * caller's bad input) becomes U+FFFD, where json_string would give NULL
 * and the error would lose its message. */
static json_t *json_text(const char *s)
{
	json_t *j = json_string(s);
	if (j)
		return j;
	struct tg_buf b = TG_BUF_INIT;
	size_t len = strlen(s);
	for (size_t i = 0; i < len;) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k =
		    utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &cp);
		if (k <= 0) {
			tg_buf_adds(&b, "\xEF\xBF\xBD");
			i++;
		} else {
			tg_buf_add(&b, s + i, (size_t)k);
			i += (size_t)k;
		}
	}
	j = json_string(b.data ? b.data : "");
	tg_buf_release(&b);
	return j ? j : json_string("\xEF\xBF\xBD");
}

static json_t *error_body(enum tg_rc rc, const char *field, const char *message)
{
	json_t *e = json_object();
	json_object_set_new(e, "code", json_string(tg_rc_code(rc)));
	json_object_set_new(e, "message", json_text(message ? message : tg_rc_code(rc)));
	if (field)
		json_object_set_new(e, "field", json_string(field));
	json_t *root = json_object();
	json_object_set_new(root, "error", e);
	return root;
}

static const char *default_message(enum tg_rc rc)
{
	switch (rc) {
	case TG_ERR_INVALID: return "入力が正しくありません (invalid input)";
	case TG_ERR_NOT_FOUND: return "見つかりません (not found)";
	case TG_ERR_FORBIDDEN: return "この操作の権限がありません (forbidden)";
	case TG_ERR_UNAUTHORIZED: return "ログインしてください (login required)";
	case TG_ERR_CONFLICT:
		return "ほかの人が先に更新しました。再読み込みしてください (conflict: reload and try again)";
	case TG_ERR_TOO_LARGE: return "データが大きすぎます (request too large)";
	case TG_ERR_RATE_LIMITED: return "試行回数が多すぎます。しばらく待ってください (too many attempts)";
	case TG_ERR_UNSUPPORTED: return "この形式には対応していません (unsupported media type)";
	case TG_ERR_BUSY: return "混み合っています。もう一度お試しください (busy, try again)";
	default: return "サーバーで問題が起きました (internal error)";
	}
}

/* Render req into an MHD response and queue it. */
static enum MHD_Result send_req(struct MHD_Connection *c, struct conn_state *cs)
{
	struct tg_req *req = &cs->req;
	struct MHD_Response *resp;
	int is_api = strncmp(req->path, "/api/", 5) == 0 || strncmp(req->path, "/hsds", 5) == 0;
	char *body = NULL;
	size_t len = 0;
	const char *ctype = req->content_type;
	int must_free = 0;

	if (req->json) {
		struct tg_buf jb;
		tg_buf_init(&jb, (size_t)1 << 30);
		if (tg_json_write(req->json, &jb)) {
			tg_buf_release(&jb);
			tg_buf_adds(&jb, "{\"error\":{\"code\":\"internal\",\"message\":\"render failed\"}}");
			req->status = 500;
		}
		body = tg_buf_detach(&jb, &len);
		must_free = 1;
		if (!ctype)
			ctype = "application/json; charset=utf-8";
	} else if (req->raw) {
		body = (char *)(uintptr_t)req->raw;
		len = req->raw_len;
	} else {
		body = "";
		len = 0;
	}

	int gz = 0;
	if (len >= GZIP_MIN && accepts_gzip(c)) {
		size_t zlen;
		char *z = gzip_bytes(body, len, &zlen);
		if (z) {
			if (must_free)
				free(body);
			body = z;
			len = zlen;
			must_free = 1;
			gz = 1;
		}
	}

	/* req->raw is arena or static memory: the arena is released in
	 * on_completed, which libmicrohttpd calls only once the response has
	 * been sent (or the connection is being closed), so the response may
	 * point at it instead of copying the page. */
	if (must_free)
		resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	else
		resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_PERSISTENT);
	if (!resp)
		return MHD_NO;
	if (ctype)
		MHD_add_response_header(resp, "Content-Type", ctype);
	if (gz)
		MHD_add_response_header(resp, "Content-Encoding", "gzip");
	if (req->json || req->raw)
		MHD_add_response_header(resp, "Vary", "Accept-Encoding");
	add_security_headers(resp, is_api);
	for (size_t i = 0; i < req->n_hdr; i++)
		MHD_add_response_header(resp, req->hdr_name[i], req->hdr_value[i]);
	enum MHD_Result r = MHD_queue_response(c, (unsigned)(req->status ? req->status : 200), resp);
	MHD_destroy_response(resp);
	return r;
}

static void set_error(struct tg_req *req, enum tg_rc rc)
{
	if (req->json)
		json_decref(req->json);
	req->raw = NULL;
	req->content_type = NULL;
	req->status = tg_rc_http_status(rc);
	req->json = error_body(rc, req->err_field, req->err_message ? req->err_message : default_message(rc));
	if (rc == TG_ERR_UNAUTHORIZED)
		tg_resp_header(req, "WWW-Authenticate", "Cookie realm=\"tsunagu\"");
}

/* The session of the tg_session cookie, if any. A missing, expired or
 * unknown session leaves the request anonymous (TG_OK); a database failure
 * (TG_ERR_BUSY while PostgreSQL restarts, say) is returned, so that the
 * request is answered 503 and not 401: a client must not conclude that it
 * was logged out because the database was briefly unreachable. */
static enum tg_rc load_session(struct tg_req *req)
{
	const char *token = tg_req_cookie(req, "tg_session");
	if (!token || !*token || strlen(token) > 128)
		return TG_OK;
	char hash[TG_TOKEN_HASH_STRLEN];
	tg_token_hash(token, hash);
	struct tg_session s;
	enum tg_rc rc = req->db->ops->session_get(req->db, &req->arena, hash, &s);
	if (rc)
		return rc == TG_ERR_NOT_FOUND ? TG_OK : rc;
	struct tg_user u;
	rc = req->db->ops->user_get(req->db, &req->arena, s.user_id, &u);
	if (rc)
		return rc == TG_ERR_NOT_FOUND ? TG_OK : rc;
	if (u.disabled)
		return TG_OK;
	struct tg_org org;
	int64_t area = 0;
	rc = req->db->ops->org_get(req->db, &req->arena, u.org_id, &org);
	if (rc == TG_OK)
		area = org.area_id;
	else if (rc != TG_ERR_NOT_FOUND)
		return rc;
	req->authed = 1;
	req->user = u;
	req->user_area_id = area;
	req->csrf_token = s.csrf_token;
	req->token_hash = tg_arena_strdup(&req->arena, hash);
	return TG_OK;
}

/* Constant-time string equality. */
static int secure_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char d = (unsigned char)(la != lb);
	for (size_t i = 0; i < la && i < lb; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

/* Same-origin check for state-changing requests: when the browser says
 * where the request comes from, it must be this host. */
static int origin_ok(struct tg_req *req)
{
	const char *origin = tg_req_header(req, "Origin");
	if (!origin)
		return 1;
	const char *host = tg_req_header(req, "Host");
	if (!host)
		return 0;
	const char *p = strstr(origin, "://");
	if (!p)
		return 0;
	return strcmp(p + 3, host) == 0;
}

static int is_state_changing(const char *m)
{
	return strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0 && strcmp(m, "OPTIONS") != 0;
}

static void run_handler(struct conn_state *cs)
{
	struct tg_req *req = &cs->req;
	enum tg_rc rc;

	if (cs->early_status) {
		rc = cs->early_status == 413 ? TG_ERR_TOO_LARGE : TG_ERR_NOT_FOUND;
		if (cs->early_status == 405) {
			req->err_message = "このメソッドは使えません (method not allowed)";
			set_error(req, TG_ERR_INVALID);
			req->status = 405;
			json_object_set_new(json_object_get(req->json, "error"), "code",
			                    json_string("method_not_allowed"));
			char *allow = tg_arena_alloc(&req->arena, 64);
			tg_router_allowed(req->path, allow, 64);
			tg_resp_header(req, "Allow", allow);
			return;
		}
		if (cs->early_status == 404) {
			req->err_message = "そのURLはありません (no such endpoint)";
			set_error(req, rc);
			json_object_set_new(json_object_get(req->json, "error"), "code", json_string("no_route"));
			return;
		}
		req->err_message = cs->early_msg;
		set_error(req, rc);
		return;
	}
	if (req->body_too_large) {
		req->err_message = "リクエストが大きすぎます (request body too large)";
		set_error(req, TG_ERR_TOO_LARGE);
		return;
	}
	const struct tg_route *rt = req->route;
	if (rt->flags & TG_ROUTE_NODB) {
		if ((rc = rt->fn(req)))
			set_error(req, rc);
		return;
	}
	if (!req->app) {
		req->err_message = "この組織（テナント）はありません (unknown tenant: check the host name or "
		                   "X-Tsunagu-Tenant)";
		set_error(req, TG_ERR_NOT_FOUND);
		json_object_set_new(json_object_get(req->json, "error"), "code", json_string("unknown_tenant"));
		return;
	}
	req->db = thread_db();
	if (!req->db) {
		set_error(req, TG_ERR_BUSY);
		return;
	}
	tg_db_set_tenant(req->db, req->app->tenant_id);
	enum tg_rc src = load_session(req);
	if (src) {
		tg_log_error("session_load_failed", "rc=%s reason=%s", tg_rc_code(src), req->db->ops->errmsg(req->db));
		set_error(req, src == TG_ERR_NOT_FOUND ? TG_ERR_BUSY : src);
		return;
	}

	if ((rt->flags & TG_ROUTE_AUTH) && !req->authed) {
		set_error(req, TG_ERR_UNAUTHORIZED);
		return;
	}
	if (is_state_changing(req->method)) {
		if (!origin_ok(req)) {
			req->err_message = "別のサイトからの操作は受け付けません (cross-origin request refused)";
			set_error(req, TG_ERR_FORBIDDEN);
			json_object_set_new(json_object_get(req->json, "error"), "code", json_string("csrf"));
			return;
		}
		if (rt->flags & TG_ROUTE_CSRF) {
			const char *tok = tg_req_header(req, "X-CSRF-Token");
			if (!req->authed) {
				set_error(req, TG_ERR_UNAUTHORIZED);
				return;
			}
			if (!tok || !req->csrf_token || !secure_equal(tok, req->csrf_token)) {
				req->err_message =
				    "CSRFトークンがありません、または正しくありません (missing or wrong X-CSRF-Token)";
				set_error(req, TG_ERR_FORBIDDEN);
				json_object_set_new(json_object_get(req->json, "error"), "code", json_string("csrf"));
				return;
			}
		}
	}
	rc = rt->fn(req);
	if (rc)
		set_error(req, rc);
}

/* libmicrohttpd's unescaping of the path and the query arguments, except
 * that %00 becomes C0 80 (an overlong NUL: not UTF-8) instead of a NUL byte.
 * A NUL would end the C string early: /api/v1/resources/236%00zzz would act
 * on resource 236 and ?limit=1%00x read as 1. Now such a path names no
 * route or id (404) and such a value fails its own check (400, with its
 * field). Like the default, a % not followed by two hex digits stays. */
static int hexval(char ch)
{
	return ch >= '0' && ch <= '9'   ? ch - '0'
	       : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
	       : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
	                                : -1;
}

static size_t unescape(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls;
	(void)c;
	char *w = s;
	for (const char *r = s; *r;) {
		int hi, lo;
		if (r[0] == '%' && (hi = hexval(r[1])) >= 0 && (lo = hexval(r[2])) >= 0) {
			unsigned char b = (unsigned char)(hi * 16 + lo);
			if (b) {
				*w++ = (char)b;
			} else {
				*w++ = (char)0xC0;
				*w++ = (char)0x80;
			}
			r += 3;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
	return (size_t)(w - s);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_size, void **con_cls)
{
	(void)cls;
	(void)version;
	struct conn_state *cs = *con_cls;
	if (!cs) {
		cs = tg_xcalloc(1, sizeof(*cs));
		cs->started = now_us();
		atomic_fetch_add(&g_inflight, 1);
		struct tg_req *req = &cs->req;
		req->conn = c;
		tg_arena_init(&req->arena);
		req->method = tg_arena_strdup(&req->arena, method);
		req->path = tg_arena_strdup(&req->arena, url);
		*con_cls = cs;

		/* Static assets and pages take no body and no route. */
		if ((!strcmp(method, "GET") || !strcmp(method, "HEAD")) && tg_static_match(g_assets, url))
			return MHD_YES;

		req->route = tg_router_match(req, method, url, &cs->path_known);
		if (req->route && !(req->route->flags & TG_ROUTE_NODB))
			req->app = tg_tenancy_resolve(
			    g_ten, MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Tsunagu-Tenant"),
			    MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host"));
		if (!req->route) {
			cs->early_status = cs->path_known ? 405 : 404;
			return MHD_YES;
		}
		req->body_limit = (req->route->flags & TG_ROUTE_RAWBODY) ? RAW_BODY_LIMIT : BODY_LIMIT;
		tg_buf_init(&req->body, req->body_limit);
		const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
		if (cl) {
			char *end;
			errno = 0;
			unsigned long long n = strtoull(cl, &end, 10);
			if (errno || *end || n > req->body_limit) {
				cs->early_status = 413;
				cs->early_msg = "リクエストが大きすぎます (request body too large)";
				/* answer now; MHD closes the connection without reading the body */
				run_handler(cs);
				return send_req(c, cs);
			}
		}
		return MHD_YES;
	}

	struct tg_req *req = &cs->req;
	if (*upload_size) {
		if (!cs->early_status && !req->body_too_large && req->route) {
			if (tg_buf_add(&req->body, upload_data, *upload_size))
				req->body_too_large = 1;
		}
		*upload_size = 0;
		return MHD_YES;
	}

	if (!req->route && !cs->early_status) {
		/* static asset */
		int use_gz = accepts_gzip(c);
		const char *inm = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-None-Match");
		struct MHD_Response *resp = NULL;
		unsigned status = 200;
		const struct tg_asset *as = tg_static_match(g_assets, url);
		if (inm && strcmp(inm, as->etag) == 0) {
			status = 304;
			resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
		} else if (use_gz && as->gz) {
			resp = MHD_create_response_from_buffer(as->gz_len, (void *)(uintptr_t)as->gz,
			                                       MHD_RESPMEM_PERSISTENT);
			MHD_add_response_header(resp, "Content-Encoding", "gzip");
		} else {
			resp = MHD_create_response_from_buffer(as->len, (void *)(uintptr_t)as->data,
			                                       MHD_RESPMEM_PERSISTENT);
		}
		if (!resp)
			return MHD_NO;
		MHD_add_response_header(resp, "Content-Type", as->content_type);
		MHD_add_response_header(resp, "ETag", as->etag);
		/* the current version's URL never changes its bytes (static.h) */
		const char *v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "v");
		MHD_add_response_header(
		    resp, "Cache-Control",
		    !as->is_page && v && !strcmp(v, as->version) ? "public, max-age=31536000, immutable" : "no-cache");
		MHD_add_response_header(resp, "Vary", "Accept-Encoding");
		MHD_add_response_header(resp, "Content-Security-Policy", as->is_page ? g_csp_page : g_csp);
		add_other_headers(resp, 0);
		req->status = (int)status;
		enum MHD_Result r = MHD_queue_response(c, status, resp);
		MHD_destroy_response(resp);
		return r;
	}

	run_handler(cs);
	return send_req(c, cs);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)c;
	(void)toe;
	struct conn_state *cs = *con_cls;
	if (!cs)
		return;
	struct tg_req *req = &cs->req;
	if (g_access_log) {
		const char *route = req->route ? req->route->pattern : (cs->early_status ? "-" : "static");
		tg_log_info("access", "method=%s route=%s status=%d us=%llu user=%lld", req->method, route,
		            req->status ? req->status : 200, (unsigned long long)(now_us() - cs->started),
		            (long long)(req->authed ? req->user.id : 0));
	}
	if (req->json)
		json_decref(req->json);
	tg_buf_release(&req->body);
	tg_arena_release(&req->arena);
	free(cs);
	*con_cls = NULL;
	atomic_fetch_sub(&g_inflight, 1);
}

static int parse_listen(const char *s, struct sockaddr_in *sa)
{
	const char *colon = strrchr(s, ':');
	if (!colon || colon == s)
		return -1;
	char host[64];
	size_t hl = (size_t)(colon - s);
	if (hl >= sizeof(host))
		return -1;
	memcpy(host, s, hl);
	host[hl] = '\0';
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (*end || port < 1 || port > 65535)
		return -1;
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	if (!strcmp(host, "localhost"))
		return inet_pton(AF_INET, "127.0.0.1", &sa->sin_addr) == 1 ? 0 : -1;
	return inet_pton(AF_INET, host, &sa->sin_addr) == 1 ? 0 : -1;
}

int tg_server_listen_ok(const char *s)
{
	struct sockaddr_in sa;
	return s && parse_listen(s, &sa) == 0;
}

/* The tile server's origin ("https://tile.example.org") for img-src. */
static void build_csp(const char *tile_url)
{
	char origin[256] = "";
	if (tile_url && (!strncmp(tile_url, "https://", 8) || !strncmp(tile_url, "http://", 7))) {
		const char *p = strstr(tile_url, "://") + 3;
		const char *e = p;
		while (*e && *e != '/')
			e++;
		int n = snprintf(origin, sizeof(origin), " %.*s", (int)(e - tile_url), tile_url);
		if (n < 0 || (size_t)n >= sizeof(origin))
			origin[0] = '\0';
		/* Leaflet's {s} subdomain placeholder becomes a wildcard. */
		char *s = strstr(origin, "{s}.");
		if (s) {
			s[0] = '*';
			memmove(s + 1, s + 3, strlen(s + 3) + 1);
		}
	}
	int n = snprintf(g_csp, sizeof(g_csp),
	                 "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:%s; "
	                 "connect-src 'self'; font-src 'self'; object-src 'none'; frame-ancestors 'none'; "
	                 "base-uri 'none'; form-action 'self'",
	                 origin);
	if (n < 0 || (size_t)n >= sizeof(g_csp))
		snprintf(g_csp, sizeof(g_csp), "default-src 'self'");
}

static void index_failed(struct tg_app *app)
{
	pthread_mutex_lock(&app->index_lock);
	app->index_ready = -1;
	pthread_cond_broadcast(&app->index_cond);
	pthread_mutex_unlock(&app->index_lock);
}

/* Build one tenant's index (at start, or when a tenant is added). */
static void index_build(struct tg_app *app, struct tg_db *db)
{
	uint64_t t0 = now_us();
	enum tg_rc rc = tg_app_index_load(app, db);
	if (rc)
		tg_log_error("index_load_failed", "tenant=%lld rc=%s", (long long)app->tenant_id, tg_rc_code(rc));
	else
		tg_log_info("index_ready", "tenant=%lld docs=%lld ms=%llu", (long long)app->tenant_id,
		            (long long)app->index_docs, (unsigned long long)((now_us() - t0) / 1000));
	if (rc || app->n_rewrites == 0)
		return;
	/* texts stored by older rules: the index has the new ones already;
	 * store them too, once */
	t0 = now_us();
	size_t written = 0;
	rc = tg_app_text_upgrade(app, db, &written);
	if (rc)
		tg_log_error("search_text_upgrade_failed", "tenant=%lld rc=%s", (long long)app->tenant_id,
		             tg_rc_code(rc));
	else
		tg_log_info("search_text_upgraded", "tenant=%lld version=%d rows=%zu ms=%llu",
		            (long long)app->tenant_id, TG_SEARCH_TEXT_VERSION, written,
		            (unsigned long long)((now_us() - t0) / 1000));
}

/* Background: build every tenant's search index (the default tenant's
 * first), then every few seconds pick up tenants added, renamed or
 * disabled with the CLI and keep each index in step with rows that other
 * processes (a CLI import) change. */
static void *index_thread(void *p)
{
	(void)p;
	char err[256];
	int more = 1;
	struct tg_db *db = tg_db_open(g_ten->db_url, 0, err, sizeof(err));
	if (!db) {
		tg_log_error("index_db_open_failed", "reason=%s", err);
		for (size_t i = 0; more; i++) {
			struct tg_app *app = tg_tenancy_app_at(g_ten, i, &more);
			if (app)
				index_failed(app);
		}
		return NULL;
	}
	struct tg_app *first = tg_tenancy_resolve(g_ten, NULL, NULL);
	if (first)
		index_build(first, db);
	for (size_t i = 0; more && !g_ten->stopping; i++) {
		struct tg_app *app = tg_tenancy_app_at(g_ten, i, &more);
		if (app && app != first)
			index_build(app, db);
	}
	while (!g_ten->stopping) {
		for (int i = 0; i < 50 && !g_ten->stopping; i++)
			usleep(100 * 1000);
		if (g_ten->stopping)
			break;
		size_t added = 0;
		if (tg_tenancy_sync(g_ten, db, &added))
			tg_log_error("tenant_sync_failed", "reason=%s", db->ops->errmsg(db));
		more = 1;
		for (size_t i = 0; more && !g_ten->stopping; i++) {
			struct tg_app *app = tg_tenancy_app_at(g_ten, i, &more);
			if (!app)
				continue;
			pthread_mutex_lock(&app->index_lock);
			int state = app->index_ready;
			pthread_mutex_unlock(&app->index_lock);
			if (state == 0)
				index_build(app, db); /* a tenant added since start */
			else if (state == 1)
				tg_app_index_refresh(app, db);
		}
	}
	db->ops->close(db);
	return NULL;
}

int tg_server_run(const struct tg_server_opts *opts)
{
	struct tg_tenancy ten;
	struct sockaddr_in sa;
	char err[256];
	int ret = 1;
	struct MHD_Daemon *d = NULL;
	pthread_t loader;
	int loader_started = 0;

	if (parse_listen(opts->listen, &sa)) {
		fprintf(stderr, "tsunagu: --listen must be IPv4ADDR:PORT, got '%s'\n", opts->listen);
		return 1;
	}
	struct tg_db *db = tg_db_open(opts->db_url, 0, err, sizeof(err));
	if (!db) {
		fprintf(stderr, "tsunagu: cannot open database: %s\n", err);
		return 1;
	}
	int applied = 0;
	enum tg_rc rc = db->ops->migrate(db, &applied);
	if (rc) {
		fprintf(stderr, "tsunagu: database migration failed: %s\n", db->ops->errmsg(db));
		db->ops->close(db);
		return 1;
	}
	struct tg_tenancy_opts topts = {.default_code = opts->default_tenant,
	                                .tile_url = opts->tile_url,
	                                .tile_trusted = opts->tile_trusted,
	                                .secure_cookies = opts->secure_cookies,
	                                .verify_after_days = opts->verify_after_days,
	                                .search_cache = opts->search_cache};
	rc = tg_tenancy_init(&ten, opts->db_url, db, &topts);
	db->ops->close(db);
	if (rc) {
		if (rc == TG_ERR_NOT_FOUND)
			fprintf(stderr, "tsunagu: no enabled tenant in the database (tsunagu tenant list)\n");
		else
			fprintf(stderr, "tsunagu: cannot load reference data (%s)\n", tg_rc_code(rc));
		tg_tenancy_release(&ten);
		return 1;
	}
	if (opts->default_tenant && *opts->default_tenant && !tg_tenancy_resolve(&ten, opts->default_tenant, NULL)) {
		fprintf(stderr, "tsunagu: --default-tenant: no enabled tenant '%s'\n", opts->default_tenant);
		tg_tenancy_release(&ten);
		return 1;
	}
	g_ten = &ten;
	g_access_log = opts->access_log;
	{
		int more = 1;
		struct tg_app *any = tg_tenancy_resolve(&ten, NULL, NULL);
		for (size_t i = 0; !any && more; i++)
			any = tg_tenancy_app_at(&ten, i, &more);
		build_csp(any->tile_url); /* a deployment setting: the same in every tenant */
	}

	g_assets = tg_static_load(opts->web_root, opts->vendor_root, err, sizeof(err));
	if (!g_assets) {
		fprintf(stderr, "tsunagu: cannot load web assets: %s\n", err);
		goto out;
	}
	{
		/* the pages' CSP: g_csp, with their import maps allowed by hash */
		const char *ss = strstr(g_csp, "script-src 'self'");
		int n = ss ? snprintf(g_csp_page, sizeof(g_csp_page), "%.*sscript-src 'self'%s%s", (int)(ss - g_csp),
		                      g_csp, tg_static_script_hashes(g_assets), ss + strlen("script-src 'self'"))
		           : -1;
		if (n < 0 || (size_t)n >= sizeof(g_csp_page)) {
			fprintf(stderr, "tsunagu: cannot build the pages' Content-Security-Policy\n");
			goto out;
		}
	}

	/* Block the stop signals in every thread; the main thread waits for them. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	/* CONN_MEMORY: each connection's pool for the request line and headers
	 * (half of it is the first read buffer) and the response headers; our
	 * bodies are our own. libmicrohttpd 0.9.7x zeroes the whole pool after
	 * every request, so its size is a per-request cost: 128 KiB of memset
	 * was ~7 % of the CPU of a search. 32 KiB still takes ~24 KiB of
	 * request headers (431 past that). The listening socket has
	 * SO_REUSEADDR (libmicrohttpd's default: a restart need not wait for
	 * TIME_WAIT) but not SO_REUSEPORT, so a second server started on the
	 * same address fails instead of silently taking half the requests. */
	unsigned threads = opts->threads > 0 ? (unsigned)opts->threads : (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
	if (threads < 1)
		threads = 1;
	d = MHD_start_daemon(
	    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG | MHD_USE_TURBO, 0, NULL,
	    NULL, on_request, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_THREAD_POOL_SIZE, threads,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000, MHD_OPTION_CONNECTION_MEMORY_LIMIT, CONN_MEMORY,
	    MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL, MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "tsunagu: cannot listen on %s: %s\n", opts->listen, strerror(errno));
		goto out;
	}
	tg_log_info("listening", "addr=%s threads=%u", opts->listen, threads);

	/* Build the search index only now that requests are being answered:
	 * a cold start is measured to the first answer, and searches wait for
	 * the index (tg_app_wait_index). */
	if (pthread_create(&loader, NULL, index_thread, NULL) == 0)
		loader_started = 1;

	int sig = 0;
	sigwait(&set, &sig);
	tg_log_info("stopping", "signal=%d", sig);
	ten.stopping = 1;
	MHD_quiesce_daemon(d);
	for (int i = 0; i < 1000 && atomic_load(&g_inflight) > 0; i++)
		usleep(10 * 1000);
	ret = 0;
out:
	if (d)
		MHD_stop_daemon(d);
	ten.stopping = 1;
	if (loader_started)
		pthread_join(loader, NULL);
	for (size_t i = 0;; i++) {
		int more;
		struct tg_app *app = tg_tenancy_app_at(&ten, i, &more);
		if (!more)
			break;
		uint64_t hits, misses;
		if (app && app->index) {
			tg_search_memo_stats(app->index, &hits, &misses);
			if (hits || misses)
				tg_log_info("search_cache", "tenant=%lld hits=%llu misses=%llu",
				            (long long)app->tenant_id, (unsigned long long)hits,
				            (unsigned long long)misses);
		}
	}
	if (g_assets)
		tg_static_free(g_assets);
	g_assets = NULL;
	tg_tenancy_release(&ten);
	g_ten = NULL;
	return ret;
}
