/*
 * static.h - the web UI's files, read into memory at start.
 *
 * URL layout (docs/ui.md):
 *   /              -> web/index.html   (public page for families)
 *   /app, /app/... -> web/app.html     (staff single-page app)
 *   /static/PATH   -> web/static/PATH
 *   /vendor/leaflet/PATH -> node_modules/leaflet/dist/PATH
 * Each asset carries a strong ETag (FNV-1a of its bytes) and, when it pays,
 * a gzip copy. The set is immutable after tg_static_load().
 *
 * Versioned URLs: the two pages are rewritten at load so that every
 * /static/ and /vendor/ URL in their attributes carries ?v=VERSION (the
 * asset's ETag digits), and an import map (placed first in <head>) maps each
 * ES module under /static/js/ to its versioned URL, which relative imports
 * between modules resolve through. A request whose v names the asset's
 * current version may be cached for a year without revalidation
 * (Cache-Control: immutable); any other is revalidated (no-cache + ETag).
 * The import map is an inline script: the pages' Content-Security-Policy
 * allows it by its hash (tg_static_script_hashes).
 */
#ifndef TG_STATIC_H
#define TG_STATIC_H

#include <stddef.h>

struct tg_asset {
	const char *url;
	const char *data;
	size_t len;
	const char *gz; /* NULL when gzip does not pay */
	size_t gz_len;
	const char *content_type;
	char etag[24];    /* "VERSION", quoted */
	char version[17]; /* 16 hex digits */
	int is_page;      /* index.html or app.html: carries the import map */
};

struct tg_static;

/* web_root / vendor_root may be NULL: found next to the binary
 * (BIN/../web, BIN/../node_modules), else in the current directory. */
struct tg_static *tg_static_load(const char *web_root, const char *vendor_root, char *err, size_t errlen);
void tg_static_free(struct tg_static *s);
/* The asset for a GET of url, or NULL. */
const struct tg_asset *tg_static_match(const struct tg_static *s, const char *url);
/* CSP sources of the pages' import maps: " 'sha256-…' 'sha256-…'". */
const char *tg_static_script_hashes(const struct tg_static *s);

#endif
