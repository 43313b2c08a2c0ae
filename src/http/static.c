/*
 * static.c - load web/ and Leaflet's dist/ into memory and answer lookups
 * (see static.h). Lookup is a linear scan of a sorted table with bsearch;
 * the table holds a few dozen files.
 */
#include "http/static.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <sodium.h>

#include "util/buf.h"
#include "util/mem.h"

#define MAX_ASSETS     512
#define MAX_ASSET_SIZE ((size_t)8 << 20)

struct tg_static {
	struct tg_asset *a;
	size_t n;
	const struct tg_asset *index_html;
	const struct tg_asset *app_html;
	char script_hashes[128];
};

static const char *mime_of(const char *path)
{
	const char *dot = strrchr(path, '.');
	if (!dot)
		return "application/octet-stream";
	static const struct {
		const char *ext, *type;
	} types[] = {
	    {".html", "text/html; charset=utf-8"},
	    {".css", "text/css; charset=utf-8"},
	    {".js", "text/javascript; charset=utf-8"},
	    {".mjs", "text/javascript; charset=utf-8"},
	    {".json", "application/json; charset=utf-8"},
	    {".svg", "image/svg+xml"},
	    {".png", "image/png"},
	    {".ico", "image/x-icon"},
	    {".webmanifest", "application/manifest+json"},
	    {".txt", "text/plain; charset=utf-8"},
	    {".woff2", "font/woff2"},
	};
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcmp(dot, types[i].ext))
			return types[i].type;
	return "application/octet-stream";
}

static int compressible(const char *type)
{
	return !strncmp(type, "text/", 5) || strstr(type, "json") || strstr(type, "svg");
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct tg_buf b;
	tg_buf_init(&b, MAX_ASSET_SIZE);
	char chunk[65536];
	size_t n;
	int bad = 0;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (tg_buf_add(&b, chunk, n)) {
			bad = 1;
			break;
		}
	fclose(f);
	if (bad) {
		tg_buf_release(&b);
		return NULL;
	}
	return tg_buf_detach(&b, len);
}

/* The ETag, version and gzip copy of a's bytes (a->gz must be unset). */
static void asset_finish(struct tg_asset *a)
{
	const char *data = a->data;
	size_t len = a->len;
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)data[i];
		h *= 1099511628211ULL;
	}
	snprintf(a->version, sizeof(a->version), "%016llx", (unsigned long long)h);
	snprintf(a->etag, sizeof(a->etag), "\"%s\"", a->version);
	if (len > 512 && compressible(a->content_type)) {
		uLongf zl = compressBound((uLong)len) + 32;
		z_stream zs;
		memset(&zs, 0, sizeof(zs));
		if (deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK) {
			char *z = tg_xmalloc(zl);
			zs.next_in = (Bytef *)(uintptr_t)data;
			zs.avail_in = (uInt)len;
			zs.next_out = (Bytef *)z;
			zs.avail_out = (uInt)zl;
			if (deflate(&zs, Z_FINISH) == Z_STREAM_END && zs.total_out < len) {
				a->gz = z;
				a->gz_len = zs.total_out;
			} else {
				free(z);
			}
			deflateEnd(&zs);
		}
	}
}

static void add_asset(struct tg_static *s, const char *url, const char *path)
{
	if (s->n >= MAX_ASSETS)
		return;
	size_t len;
	char *data = read_file(path, &len);
	if (!data)
		return;
	struct tg_asset *a = &s->a[s->n++];
	memset(a, 0, sizeof(*a));
	a->url = tg_xstrdup(url);
	a->data = data;
	a->len = len;
	a->content_type = mime_of(path);
	asset_finish(a);
}

/* Walk dir recursively, mapping dir/REL to prefix/REL. */
static void add_tree(struct tg_static *s, const char *dir, const char *prefix, int depth)
{
	if (depth > 6)
		return;
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char path[PATH_MAX], url[PATH_MAX];
		int n1 = snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		int n2 = snprintf(url, sizeof(url), "%s/%s", prefix, e->d_name);
		if (n1 < 0 || (size_t)n1 >= sizeof(path) || n2 < 0 || (size_t)n2 >= sizeof(url))
			continue;
		struct stat st;
		if (stat(path, &st))
			continue;
		if (S_ISDIR(st.st_mode))
			add_tree(s, path, url, depth + 1);
		else if (S_ISREG(st.st_mode))
			add_asset(s, url, path);
	}
	closedir(d);
}

static int cmp_asset(const void *a, const void *b)
{
	return strcmp(((const struct tg_asset *)a)->url, ((const struct tg_asset *)b)->url);
}

static int is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* BIN/../NAME if it exists, else ./NAME */
static void locate(const char *name, char *out, size_t outlen)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			int k = snprintf(out, outlen, "%s/../%s", exe, name);
			if (k > 0 && (size_t)k < outlen && is_dir(out))
				return;
		}
	}
	snprintf(out, outlen, "%s", name);
}

/* ---- versioned URLs in the pages (static.h) ---- */

static const struct tg_asset *find(const struct tg_static *s, const char *url, size_t len)
{
	char key[256];
	if (len >= sizeof(key))
		return NULL;
	memcpy(key, url, len);
	key[len] = '\0';
	struct tg_asset k = {.url = key};
	return bsearch(&k, s->a, s->n, sizeof(*s->a), cmp_asset);
}

/* The import map of every module under /static/js/, as a JSON object, and
 * of Leaflet's script and style sheet, which map.js loads on the public page
 * (import.meta.resolve() gives it their versioned URLs). */
static void import_map(const struct tg_static *s, struct tg_buf *b)
{
	tg_buf_adds(b, "{\"imports\":{");
	int first = 1;
	for (size_t i = 0; i < s->n; i++) {
		const struct tg_asset *a = &s->a[i];
		size_t n = strlen(a->url);
		int leaflet =
		    !strcmp(a->url, "/vendor/leaflet/leaflet.js") || !strcmp(a->url, "/vendor/leaflet/leaflet.css");
		if (!leaflet && (strncmp(a->url, "/static/js/", 11) || n < 4 || strcmp(a->url + n - 3, ".js")))
			continue;
		/* asset URLs are file names under web/static: no quote or backslash */
		if (strpbrk(a->url, "\"\\<>"))
			continue;
		tg_buf_printf(b, "%s\"%s\":\"%s?v=%s\"", first ? "" : ",", a->url, a->url, a->version);
		first = 0;
	}
	tg_buf_adds(b, "}}");
}

/* page with ?v= on its asset URLs and the import map first in <head>; the
 * map's CSP hash source is appended to hashes. */
static void rewrite_page(struct tg_static *s, struct tg_asset *page, char *hashes, size_t hashes_len)
{
	struct tg_buf map = TG_BUF_INIT, out = TG_BUF_INIT;
	import_map(s, &map);
	unsigned char digest[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(digest, (const unsigned char *)map.data, map.len);
	char b64[sodium_base64_ENCODED_LEN(crypto_hash_sha256_BYTES, sodium_base64_VARIANT_ORIGINAL)];
	sodium_bin2base64(b64, sizeof(b64), digest, sizeof(digest), sodium_base64_VARIANT_ORIGINAL);
	char src[sizeof(b64) + 12];
	snprintf(src, sizeof(src), " 'sha256-%s'", b64);
	if (!strstr(hashes, src)) {
		size_t used = strlen(hashes);
		snprintf(hashes + used, hashes_len - used, "%s", src);
	}

	/* after <meta charset> (which must stay in the first 1024 bytes), else
	 * right after <head>: before any module script or modulepreload */
	const char *p = page->data, *end = p + page->len;
	const char *head = memmem(p, page->len, "<meta charset=\"utf-8\">", 22);
	if (head)
		head += 22;
	else if ((head = memmem(p, page->len, "<head>", 6)))
		head += 6;
	if (head) {
		if (head < end && *head == '\n')
			head++;
		tg_buf_add(&out, p, (size_t)(head - p));
		tg_buf_adds(&out, "<script type=\"importmap\">");
		tg_buf_add(&out, map.data, map.len);
		tg_buf_adds(&out, "</script>\n");
		p = head;
	}
	/* ="/static/..." and ="/vendor/..." attribute values naming an asset */
	while (p < end) {
		const char *q = memmem(p, (size_t)(end - p), "=\"/", 3);
		if (!q) {
			tg_buf_add(&out, p, (size_t)(end - p));
			break;
		}
		const char *u = q + 2, *close = memchr(u, '"', (size_t)(end - u));
		if (!close) {
			tg_buf_add(&out, p, (size_t)(end - p));
			break;
		}
		const struct tg_asset *a =
		    (!strncmp(u, "/static/", 8) || !strncmp(u, "/vendor/", 8)) ? find(s, u, (size_t)(close - u)) : NULL;
		tg_buf_add(&out, p, (size_t)(close - p));
		if (a)
			tg_buf_printf(&out, "?v=%s", a->version);
		p = close;
	}
	tg_buf_release(&map);
	free((void *)(uintptr_t)page->data);
	free((void *)(uintptr_t)page->gz);
	page->gz = NULL;
	page->gz_len = 0;
	page->data = tg_buf_detach(&out, &page->len);
	page->is_page = 1;
	asset_finish(page);
}

struct tg_static *tg_static_load(const char *web_root, const char *vendor_root, char *err, size_t errlen)
{
	char web[PATH_MAX], vendor[PATH_MAX], path[PATH_MAX + 32];
	if (web_root)
		snprintf(web, sizeof(web), "%s", web_root);
	else
		locate("web", web, sizeof(web));
	if (vendor_root)
		snprintf(vendor, sizeof(vendor), "%s", vendor_root);
	else
		locate("node_modules", vendor, sizeof(vendor));

	if (!is_dir(web)) {
		snprintf(err, errlen, "web directory '%s' not found (use --web DIR)", web);
		return NULL;
	}
	struct tg_static *s = tg_xcalloc(1, sizeof(*s));
	s->a = tg_xcalloc(MAX_ASSETS, sizeof(*s->a));
	snprintf(path, sizeof(path), "%s/index.html", web);
	add_asset(s, "/", path);
	snprintf(path, sizeof(path), "%s/app.html", web);
	add_asset(s, "/app", path);
	snprintf(path, sizeof(path), "%s/static", web);
	add_tree(s, path, "/static", 0);
	/* Leaflet: only what the pages load (not its sources and maps: less
	 * memory, and a faster start) */
	static const char *const leaflet_files[] = {"leaflet.js", "leaflet.css", NULL};
	for (const char *const *f = leaflet_files; *f; f++) {
		char url[64];
		snprintf(path, sizeof(path), "%s/leaflet/dist/%s", vendor, *f);
		snprintf(url, sizeof(url), "/vendor/leaflet/%s", *f);
		add_asset(s, url, path);
	}
	snprintf(path, sizeof(path), "%s/leaflet/dist/images", vendor);
	add_tree(s, path, "/vendor/leaflet/images", 0);
	qsort(s->a, s->n, sizeof(*s->a), cmp_asset);
	struct tg_asset key = {.url = "/"};
	s->index_html = bsearch(&key, s->a, s->n, sizeof(*s->a), cmp_asset);
	key.url = "/app";
	s->app_html = bsearch(&key, s->a, s->n, sizeof(*s->a), cmp_asset);
	if (!s->index_html || !s->app_html) {
		snprintf(err, errlen, "'%s' lacks index.html or app.html", web);
		tg_static_free(s);
		return NULL;
	}
	rewrite_page(s, (struct tg_asset *)(uintptr_t)s->index_html, s->script_hashes, sizeof(s->script_hashes));
	rewrite_page(s, (struct tg_asset *)(uintptr_t)s->app_html, s->script_hashes, sizeof(s->script_hashes));
	return s;
}

void tg_static_free(struct tg_static *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		free((void *)(uintptr_t)s->a[i].url);
		free((void *)(uintptr_t)s->a[i].data);
		free((void *)(uintptr_t)s->a[i].gz);
	}
	free(s->a);
	free(s);
}

const struct tg_asset *tg_static_match(const struct tg_static *s, const char *url)
{
	if (!s)
		return NULL;
	if (!strcmp(url, "/app") || !strncmp(url, "/app/", 5))
		return s->app_html;
	if (!strcmp(url, "/") || !strcmp(url, "/index.html"))
		return s->index_html;
	if (strncmp(url, "/static/", 8) && strncmp(url, "/vendor/", 8))
		return NULL;
	if (strstr(url, ".."))
		return NULL;
	struct tg_asset key = {.url = url};
	return bsearch(&key, s->a, s->n, sizeof(*s->a), cmp_asset);
}

const char *tg_static_script_hashes(const struct tg_static *s)
{
	return s ? s->script_hashes : "";
}
