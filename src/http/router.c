/*
 * router.c - match a method and path against tg_routes[].
 *
 * Patterns are literal segments and "{name}" placeholders that match one
 * non-empty segment (no '/'). A trailing slash is not significant except
 * for "/hsds/" which is its own route. The table is small (~40 routes); a
 * linear scan comparing segments costs well under a microsecond.
 */
#include "http/http.h"

/* Compare path against pattern; copy placeholder values into req. */
static int match(struct tg_req *req, const char *pattern, const char *path, int capture)
{
	const char *p = pattern, *s = path;
	size_t np = 0;
	while (*p && *s) {
		if (*p == '{') {
			const char *pe = strchr(p, '}');
			if (!pe)
				return 0;
			const char *se = s;
			while (*se && *se != '/')
				se++;
			if (se == s || np >= TG_MAX_PATH_PARAMS)
				return 0;
			if (capture)
				req->params[np] = tg_arena_strndup(&req->arena, s, (size_t)(se - s));
			np++;
			p = pe + 1;
			s = se;
			continue;
		}
		if (*p != *s)
			return 0;
		p++;
		s++;
	}
	/* allow one trailing slash on the path */
	if (!*p && *s == '/' && s[1] == '\0' && p > pattern && p[-1] != '/')
		s++;
	if (*p || *s)
		return 0;
	if (capture)
		req->n_params = np;
	return 1;
}

const struct tg_route *tg_router_match(struct tg_req *req, const char *method, const char *path, int *path_known)
{
	*path_known = 0;
	const char *m = strcmp(method, "HEAD") == 0 ? "GET" : method;
	for (size_t i = 0; i < tg_n_routes; i++) {
		const struct tg_route *r = &tg_routes[i];
		if (!match(req, r->pattern, path, 0))
			continue;
		if (strcmp(r->method, m) != 0) {
			*path_known = 1;
			continue;
		}
		match(req, r->pattern, path, 1);
		return r;
	}
	return NULL;
}

void tg_router_allowed(const char *path, char *out, size_t outlen)
{
	size_t used = 0;
	out[0] = '\0';
	for (size_t i = 0; i < tg_n_routes; i++) {
		const struct tg_route *r = &tg_routes[i];
		if (!match(NULL, r->pattern, path, 0) || strstr(out, r->method))
			continue;
		int n = snprintf(out + used, outlen - used, "%s%s", used ? ", " : "", r->method);
		if (n < 0 || (size_t)n >= outlen - used)
			break;
		used += (size_t)n;
	}
}
