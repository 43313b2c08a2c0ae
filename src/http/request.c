/*
 * request.c - helpers handlers use to read a request and shape a response
 * (see http.h). Everything allocated here lives in req->arena.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <microhttpd.h>

#include "core/validate.h"
#include "http/http.h"

const char *tg_req_query(struct tg_req *req, const char *key)
{
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, key);
}

const char *tg_req_header(struct tg_req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *tg_req_cookie(struct tg_req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
}

enum tg_rc tg_req_fail(struct tg_req *req, enum tg_rc rc, const char *field, const char *message)
{
	req->err_field = field;
	req->err_message = message;
	return rc;
}

enum tg_rc tg_req_json_body(struct tg_req *req, json_t **out)
{
	*out = NULL;
	const char *ct = tg_req_header(req, "Content-Type");
	if (!ct || strncasecmp(ct, "application/json", 16) != 0 || (ct[16] && ct[16] != ';' && ct[16] != ' '))
		return tg_req_fail(
		    req, TG_ERR_UNSUPPORTED, NULL,
		    "Content-Type は application/json にしてください (Content-Type must be application/json)");
	if (req->body.len == 0)
		return tg_req_fail(req, TG_ERR_INVALID, NULL, "本文が空です (request body is empty)");
	if (!tg_valid_utf8(req->body.data, req->body.len))
		return tg_req_fail(req, TG_ERR_INVALID, NULL,
		                   "本文がUTF-8として正しくありません (request body is not valid UTF-8)");
	json_error_t je;
	json_t *j = json_loadb(req->body.data, req->body.len, JSON_REJECT_DUPLICATES, &je);
	if (!j)
		return tg_req_fail(
		    req, TG_ERR_INVALID, NULL,
		    tg_arena_printf(&req->arena,
		                    "JSONとして読めません: %d行 %d文字目 (malformed JSON at line %d, column %d: %s)",
		                    je.line, je.column, je.line, je.column, je.text));
	if (!json_is_object(j)) {
		json_decref(j);
		return tg_req_fail(req, TG_ERR_INVALID, NULL,
		                   "JSONオブジェクトを送ってください (body must be a JSON object)");
	}
	*out = j;
	return TG_OK;
}

enum tg_rc tg_req_param_id(struct tg_req *req, size_t i, int64_t *out)
{
	if (i >= req->n_params)
		return TG_ERR_INTERNAL;
	const char *s = req->params[i];
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || v <= 0 || s[0] == '+' || s[0] == ' ')
		return tg_req_fail(req, TG_ERR_NOT_FOUND, "id", "指定されたIDは見つかりません (unknown id)");
	*out = v;
	return TG_OK;
}

void tg_resp_json(struct tg_req *req, int status, json_t *body)
{
	if (req->json)
		json_decref(req->json);
	req->json = body;
	req->status = status;
}

void tg_resp_raw(struct tg_req *req, int status, const char *content_type, const char *data, size_t len)
{
	if (req->json) {
		json_decref(req->json);
		req->json = NULL;
	}
	req->status = status;
	req->content_type = content_type;
	req->raw = data;
	req->raw_len = len;
}

void tg_resp_header(struct tg_req *req, const char *name, const char *value)
{
	if (req->n_hdr >= TG_MAX_RESP_HEADERS)
		return;
	req->hdr_name[req->n_hdr] = name;
	req->hdr_value[req->n_hdr] = value;
	req->n_hdr++;
}

enum tg_rc tg_req_require_role(struct tg_req *req, enum tg_role min)
{
	if (!req->authed)
		return TG_ERR_UNAUTHORIZED;
	if (req->user.role < min)
		return tg_req_fail(req, TG_ERR_FORBIDDEN, NULL, "この操作の権限がありません (forbidden)");
	return TG_OK;
}

enum tg_rc tg_req_audit(struct tg_req *req, const char *action, const char *object_type, const char *object_id,
                        const char *detail)
{
	struct tg_audit e = {
	    .user_id = req->authed ? req->user.id : 0,
	    .action = action,
	    .object_type = object_type,
	    .object_id = object_id,
	    .detail = detail,
	};
	return req->db->ops->audit_insert(req->db, &e);
}

const char *tg_req_client_addr(struct tg_req *req)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (!ci || !ci->client_addr)
		return "-";
	char *buf = tg_arena_alloc(&req->arena, 64);
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf, 64);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, buf, 64);
	else
		return "-";
	return buf;
}
