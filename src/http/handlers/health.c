/*
 * health.c - liveness and the API description.
 *
 *   GET /healthz               -> {"status":"ok"}
 *   GET /api/v1/openapi.json   -> the OpenAPI 3 document (src/http/openapi.json,
 *                                 compiled into the binary)
 * /healthz touches no database: it says the process serves requests.
 */
#include "app/app.h"
#include "http/handlers/handlers.h"

extern const unsigned char tg_openapi_json[];
extern const size_t tg_openapi_json_len;

enum tg_rc tg_h_healthz(struct tg_req *req)
{
	static const char ok[] = "{\"status\":\"ok\"}";
	tg_resp_raw(req, 200, "application/json", ok, sizeof(ok) - 1);
	return TG_OK;
}

enum tg_rc tg_h_openapi(struct tg_req *req)
{
	tg_resp_raw(req, 200, "application/json; charset=utf-8", (const char *)tg_openapi_json, tg_openapi_json_len);
	return TG_OK;
}
