/* json_write.c - compact JSON output without snprintf per number (see json_write.h). */
#include "util/json_write.h"

#include <math.h>
#include <stdint.h>

static enum tg_rc write_int(struct tg_buf *out, json_int_t v)
{
	char tmp[24];
	char *p = tmp + sizeof(tmp);
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	return tg_buf_add(out, p, (size_t)(tmp + sizeof(tmp) - p));
}

static enum tg_rc write_real(struct tg_buf *out, double d)
{
	if (!isfinite(d))
		return TG_ERR_INVALID;
	char tmp[40];
	int n = snprintf(tmp, sizeof(tmp), "%.10g", d);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return TG_ERR_INTERNAL;
	/* keep it a real on the way back in: 3 -> 3.0 */
	if (!strpbrk(tmp, ".eE")) {
		tmp[n++] = '.';
		tmp[n++] = '0';
	}
	return tg_buf_add(out, tmp, (size_t)n);
}

static enum tg_rc write_string(struct tg_buf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF"; /* as jansson writes them */
	enum tg_rc rc = tg_buf_addc(out, '"');
	size_t run = 0;
	for (size_t i = 0; i < len && !rc; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\') {
			run++;
			continue;
		}
		if (run)
			rc = tg_buf_add(out, s + i - run, run);
		run = 0;
		if (rc)
			break;
		switch (c) {
		case '"': rc = tg_buf_add(out, "\\\"", 2); break;
		case '\\': rc = tg_buf_add(out, "\\\\", 2); break;
		case '\n': rc = tg_buf_add(out, "\\n", 2); break;
		case '\r': rc = tg_buf_add(out, "\\r", 2); break;
		case '\t': rc = tg_buf_add(out, "\\t", 2); break;
		case '\b': rc = tg_buf_add(out, "\\b", 2); break;
		case '\f': rc = tg_buf_add(out, "\\f", 2); break;
		default: {
			char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
			rc = tg_buf_add(out, u, 6);
		}
		}
	}
	if (!rc && run)
		rc = tg_buf_add(out, s + len - run, run);
	if (!rc)
		rc = tg_buf_addc(out, '"');
	return rc;
}

enum tg_rc tg_json_write(const json_t *j, struct tg_buf *out)
{
	enum tg_rc rc = TG_OK;
	switch (json_typeof(j)) {
	case JSON_OBJECT: {
		const char *key;
		json_t *v;
		int first = 1;
		rc = tg_buf_addc(out, '{');
		json_object_foreach((json_t *)(uintptr_t)j, key, v)
		{
			if (!first && (rc = tg_buf_addc(out, ',')))
				return rc;
			first = 0;
			if ((rc = write_string(out, key, strlen(key))) || (rc = tg_buf_addc(out, ':')) ||
			    (rc = tg_json_write(v, out)))
				return rc;
		}
		return rc ? rc : tg_buf_addc(out, '}');
	}
	case JSON_ARRAY: {
		size_t n = json_array_size(j);
		rc = tg_buf_addc(out, '[');
		for (size_t i = 0; i < n && !rc; i++) {
			if (i)
				rc = tg_buf_addc(out, ',');
			if (!rc)
				rc = tg_json_write(json_array_get(j, i), out);
		}
		return rc ? rc : tg_buf_addc(out, ']');
	}
	case JSON_STRING: return write_string(out, json_string_value(j), json_string_length(j));
	case JSON_INTEGER: return write_int(out, json_integer_value(j));
	case JSON_REAL: return write_real(out, json_real_value(j));
	case JSON_TRUE: return tg_buf_add(out, "true", 4);
	case JSON_FALSE: return tg_buf_add(out, "false", 5);
	case JSON_NULL: return tg_buf_add(out, "null", 4);
	}
	return TG_ERR_INTERNAL;
}

enum tg_rc tg_json_write_string(struct tg_buf *out, const char *s, size_t len)
{
	return write_string(out, s, len);
}

enum tg_rc tg_json_write_int(struct tg_buf *out, long long v)
{
	return write_int(out, (json_int_t)v);
}

enum tg_rc tg_json_write_real(struct tg_buf *out, double d)
{
	return write_real(out, d);
}

enum tg_rc tg_json_write_fixed3(struct tg_buf *out, double d)
{
	if (!isfinite(d) || fabs(d) >= 1e15)
		return write_real(out, d);
	long long m = llround(d * 1000.0);
	enum tg_rc rc = TG_OK;
	if (m < 0) {
		rc = tg_buf_addc(out, '-');
		m = -m;
	}
	if (!rc)
		rc = write_int(out, m / 1000);
	char frac[4] = {'.', (char)('0' + m % 1000 / 100), (char)('0' + m % 100 / 10), (char)('0' + m % 10)};
	return rc ? rc : tg_buf_add(out, frac, 4);
}

char *tg_json_put_int(char *p, long long v)
{
	char tmp[24];
	char *t = tmp + sizeof(tmp);
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	do {
		*--t = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--t = '-';
	size_t n = (size_t)(tmp + sizeof(tmp) - t);
	memcpy(p, t, n);
	return p + n;
}

char *tg_json_put_fixed3(char *p, double d)
{
	if (fabs(d) >= 1e15) {
		int n = snprintf(p, TG_JSON_FIXED3_MAX, "%.10g", d);
		if (n < 0 || n >= TG_JSON_FIXED3_MAX - 2)
			return p;
		if (!strpbrk(p, ".eE")) {
			p[n++] = '.';
			p[n++] = '0';
		}
		return p + n;
	}
	long long m = llround(d * 1000.0);
	if (m < 0) {
		*p++ = '-';
		m = -m;
	}
	p = tg_json_put_int(p, m / 1000);
	p[0] = '.';
	p[1] = (char)('0' + m % 1000 / 100);
	p[2] = (char)('0' + m % 100 / 10);
	p[3] = (char)('0' + m % 10);
	return p + 4;
}

char *tg_json_put_string(char *p, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF"; /* as jansson writes them */
	size_t run = 0;
	*p++ = '"';
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\') {
			run++;
			continue;
		}
		memcpy(p, s + i - run, run);
		p += run;
		run = 0;
		*p++ = '\\';
		switch (c) {
		case '"': *p++ = '"'; break;
		case '\\': *p++ = '\\'; break;
		case '\n': *p++ = 'n'; break;
		case '\r': *p++ = 'r'; break;
		case '\t': *p++ = 't'; break;
		case '\b': *p++ = 'b'; break;
		case '\f': *p++ = 'f'; break;
		default:
			*p++ = 'u';
			*p++ = '0';
			*p++ = '0';
			*p++ = hex[c >> 4];
			*p++ = hex[c & 15];
		}
	}
	memcpy(p, s + len - run, run);
	p += run;
	*p++ = '"';
	return p;
}
