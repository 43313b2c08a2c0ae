/*
 * http.h - the request life cycle shared by the server, the router and the
 * handlers.
 *
 * One struct tg_req per HTTP request, owned by the server (server.c): it is
 * created when libmicrohttpd announces the request, filled with the body,
 * handed to exactly one handler, rendered, and freed in one place. Every
 * allocation a handler makes for the request comes from req->arena.
 *
 * Handlers return enum tg_rc. On TG_OK they have set req->status and a body
 * (req->json or req->raw). On error they may set req->err_field and
 * req->err_message; the server renders {"error":{"code","message","field"}}
 * with the status from tg_rc_http_status(). Handlers never write to the
 * socket and never exit.
 */
#ifndef TG_HTTP_H
#define TG_HTTP_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/model.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/rc.h"

struct tg_app;
struct tg_route;
struct MHD_Connection;

#define TG_MAX_PATH_PARAMS  4
#define TG_MAX_RESP_HEADERS 8

struct tg_req {
	struct MHD_Connection *conn; /* private to server.c */
	struct tg_app *app;
	struct tg_db *db; /* this worker thread's connection */
	struct tg_arena arena;
	const char *method; /* "GET", ... */
	const char *path;   /* decoded path, no query string */
	const struct tg_route *route;
	const char *params[TG_MAX_PATH_PARAMS]; /* {id} segments, arena-owned */
	size_t n_params;

	struct tg_buf body;
	size_t body_limit;
	int body_too_large;

	/* session: set by the server before the handler runs when a valid
	 * tg_session cookie came with the request */
	int authed;
	struct tg_user user;
	int64_t user_area_id; /* area of the user's organization, 0 = whole deployment */
	const char *csrf_token;
	const char *token_hash;

	/* response */
	int status;
	json_t *json;    /* owned; decref'd by the server */
	const char *raw; /* raw body (arena or static) */
	size_t raw_len;
	const char *content_type;
	const char *hdr_name[TG_MAX_RESP_HEADERS];
	const char *hdr_value[TG_MAX_RESP_HEADERS];
	size_t n_hdr;

	/* error detail for the JSON error body */
	const char *err_field;
	const char *err_message;
};

typedef enum tg_rc (*tg_handler_fn)(struct tg_req *req);

/* Route flags */
#define TG_ROUTE_AUTH    0x1 /* needs a logged-in user (401 otherwise) */
#define TG_ROUTE_CSRF    0x2 /* state-changing: X-CSRF-Token must match */
#define TG_ROUTE_RAWBODY 0x4 /* body is a file (import), larger limit, any content type */
#define TG_ROUTE_NODB    0x8 /* deployment-wide, no tenant and no database (/healthz) */

struct tg_route {
	const char *method;
	const char *pattern; /* "/api/v1/resources/{id}" */
	tg_handler_fn fn;
	unsigned flags;
};

extern const struct tg_route tg_routes[];
extern const size_t tg_n_routes;

/* Router (router.c): match method+path. Returns the route, or NULL with
 * *path_known set when the path exists for another method (405). Path
 * parameters are copied into req->params. */
const struct tg_route *tg_router_match(struct tg_req *req, const char *method, const char *path, int *path_known);

/* The methods routed for path, as an Allow header value ("GET, PUT"). */
void tg_router_allowed(const char *path, char *out, size_t outlen);

/* Request helpers (request.c) */
const char *tg_req_query(struct tg_req *req, const char *key);   /* NULL if absent */
const char *tg_req_header(struct tg_req *req, const char *name); /* NULL if absent */
const char *tg_req_cookie(struct tg_req *req, const char *name);
/* Parse the body as a JSON object; 415/400/413 errors filled in. */
enum tg_rc tg_req_json_body(struct tg_req *req, json_t **out);
/* Path parameter i as a positive int64; TG_ERR_NOT_FOUND when malformed. */
enum tg_rc tg_req_param_id(struct tg_req *req, size_t i, int64_t *out);
/* Set an error message (and field) and return rc, for `return tg_req_fail(...)`. */
enum tg_rc tg_req_fail(struct tg_req *req, enum tg_rc rc, const char *field, const char *message);
/* Responses */
void tg_resp_json(struct tg_req *req, int status, json_t *body); /* steals body */
void tg_resp_raw(struct tg_req *req, int status, const char *content_type, const char *data, size_t len);
void tg_resp_header(struct tg_req *req, const char *name, const char *value);
/* Role checks that fill the error: 401 when anonymous, 403 when below min. */
enum tg_rc tg_req_require_role(struct tg_req *req, enum tg_role min);
/* Record an audit entry (never personal data in detail). Errors are logged,
 * not returned: auditing a read must not fail the read silently, so the
 * caller decides; this returns the store's rc. */
/* The client's address as text (for throttling; never logged with a login). */
const char *tg_req_client_addr(struct tg_req *req);
enum tg_rc tg_req_audit(struct tg_req *req, const char *action, const char *object_type, const char *object_id,
                        const char *detail);

/* Server (server.c) */
struct tg_server_opts {
	const char *db_url;
	const char *listen;      /* "127.0.0.1:8080" */
	const char *web_root;    /* directory of web/ ; NULL = auto */
	const char *vendor_root; /* node_modules ; NULL = auto */
	const char *tile_url;    /* NULL = setting or default */
	int tile_trusted;        /* the tile server is the deployment's own: maps load tiles without asking */
	int threads;             /* 0 = number of CPUs */
	int verify_after_days;   /* 0 = the setting, else 365 */
	int secure_cookies;      /* behind HTTPS: Secure cookies and HSTS */
	int access_log;
	const char *default_tenant; /* NULL = "default"; "" = none (tenancy.h) */
	int search_cache;           /* search answers memoized per tenant, 0 = none */
};
/* Runs until SIGTERM/SIGINT, then drains in-flight requests. Returns 0 on a
 * clean stop, 1 on a startup error (message printed). */
int tg_server_run(const struct tg_server_opts *opts);
/* 1 when s is a listen address tg_server_run() accepts (IPv4ADDR:PORT or
 * localhost:PORT), 0 otherwise. */
int tg_server_listen_ok(const char *s);

#endif
