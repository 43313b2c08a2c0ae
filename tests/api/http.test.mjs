// Cross-cutting HTTP behaviour: security headers, CSRF, routing, OpenAPI conformance.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import path from 'node:path';
import {
  startServer, assertError, assertOk, loadWorld, resourceInput, createResource, toInput, REPO, assertOpenApi,
} from './lib.mjs';

let srv, w;
before(async () => { srv = await startServer(); w = await loadWorld(srv); });
after(async () => { await srv?.stop(); });

function assertSecurityHeaders(res, what) {
  const h = res.headers;
  const csp = h['content-security-policy'];
  assert.ok(csp, `${what}: Content-Security-Policy`);
  assert.match(csp, /default-src|script-src/, `${what}: CSP has a source policy`);
  const scriptSrc = (csp.match(/script-src([^;]*)/) || csp.match(/default-src([^;]*)/) || [, ''])[1];
  assert.doesNotMatch(scriptSrc, /'unsafe-inline'|'unsafe-eval'/, `${what}: scripts not unsafe-inline/eval`);
  assert.equal((h['x-content-type-options'] || '').toLowerCase(), 'nosniff', `${what}: X-Content-Type-Options`);
  assert.ok(h['referrer-policy'], `${what}: Referrer-Policy`);
  const xfo = (h['x-frame-options'] || '').toUpperCase();
  assert.ok(['DENY', 'SAMEORIGIN'].includes(xfo) || /frame-ancestors/.test(csp), `${what}: X-Frame-Options or frame-ancestors`);
}

test('security headers on every kind of response', async () => {
  const a = srv.anon();
  const res = [
    ['healthz', await a.get('/healthz')],
    ['openapi', await a.get('/api/v1/openapi.json')],
    ['meta', await a.get('/api/v1/meta')],
    ['search', await a.get('/api/v1/resources')],
    ['401', await a.get('/api/v1/session')],
    ['404 api', await a.get('/api/v1/no-such-thing')],
    ['404 root', await a.get('/no-such-page-xyz')],
    ['400', await a.post('/api/v1/session', '{', { 'Content-Type': 'application/json' })],
    ['hsds', await a.get('/hsds/')],
    ['login 200', (await srv.login('viewer')).loginResponse],
    ['403 csrf', await w.staffA.post('/api/v1/resources', {}, { 'X-CSRF-Token': null })],
  ];
  for (const [what, r] of res) assertSecurityHeaders(r, `${what} (${r.status})`);
});

test('API responses are JSON, UTF-8, and not cached when personal', async () => {
  const r = await w.admin.get('/api/v1/session');
  assert.match(r.headers['content-type'], /^application\/json/);
  const cc = r.headers['cache-control'] || '';
  assert.match(cc, /no-store|private|no-cache/, `Cache-Control on a personal response: "${cc}"`);
});

test('healthz', async () => {
  const r = await srv.anon().get('/healthz');
  assert.equal(assertOk(r).status, 'ok');
});

test('CSRF: missing or wrong X-CSRF-Token -> 403 csrf, nothing written; right token -> ok', async () => {
  const input = resourceInput(w.staffA.user.org_id, w.d1.id, { name: 'CSRF確認ひろば' });
  const before = assertOk(await w.admin.get('/api/v1/resources?q=CSRF確認ひろば')).total;
  assertError(await w.staffA.post('/api/v1/resources', input, { 'X-CSRF-Token': null }), 403, 'csrf');
  assertError(await w.staffA.post('/api/v1/resources', input, { 'X-CSRF-Token': 'wrong' }), 403, 'csrf');
  assertError(await w.staffA.post('/api/v1/resources', input, { 'X-CSRF-Token': '' }), 403, 'csrf');
  // Another user's valid token does not go with this cookie.
  assertError(await w.staffA.post('/api/v1/resources', input, { 'X-CSRF-Token': w.staffB.csrf }), 403, 'csrf');
  assert.equal(assertOk(await w.admin.get('/api/v1/resources?q=CSRF確認ひろば')).total, before, 'nothing created');
  const r = await createResource(w.staffA, input);
  // PUT / DELETE / verify are state-changing as well.
  const put = toInput(r);
  put.name = 'CSRF確認ひろば改';
  assertError(await w.staffA.put(`/api/v1/resources/${r.id}`, put, { 'X-CSRF-Token': null }), 403, 'csrf');
  assertError(await w.staffA.del(`/api/v1/resources/${r.id}`, { 'X-CSRF-Token': 'x' + w.staffA.csrf }), 403, 'csrf');
  assertError(await w.staffA.post(`/api/v1/resources/${r.id}/verify`, undefined, { 'X-CSRF-Token': null }), 403, 'csrf');
  const g = assertOk(await w.staffA.get(`/api/v1/resources/${r.id}`));
  assert.equal(g.name, 'CSRF確認ひろば');
  assert.equal(g.version, r.version);
  assert.equal(g.verified_at, r.verified_at);
  // GET is never CSRF-checked.
  assertOk(await w.staffA.get(`/api/v1/resources/${r.id}`, { 'X-CSRF-Token': null }));
  const ok = await w.staffA.put(`/api/v1/resources/${r.id}`, put);
  assert.equal(assertOk(ok).name, 'CSRF確認ひろば改');
});

test('unknown paths under /api/v1/ answer 404 JSON', async () => {
  for (const p of ['/api/v1/nope', '/api/v1/resources/1/nope', '/api/v1/', '/api/v2/resources', '/api/v1/resourcesX']) {
    const r = await w.admin.get(p);
    assertError(r, 404);
  }
});

test('an undocumented method on a known path is refused with a JSON error', async () => {
  const r = await w.admin.request('PATCH', '/api/v1/meta', {});
  assert.ok([404, 405].includes(r.status), `PATCH /api/v1/meta: ${r.status} ${r.text}`);
  assert.ok(r.json?.error?.code, 'JSON error body');
  if (r.status === 405) assert.ok(r.headers.allow, 'Allow header on 405');
});

test('OpenAPI document: served, parseable, and equal to src/http/openapi.json', async () => {
  const r = await srv.anon().get('/api/v1/openapi.json');
  const doc = assertOk(r);
  assert.match(doc.openapi, /^3\./);
  const src = JSON.parse(readFileSync(path.join(REPO, 'src/http/openapi.json'), 'utf8'));
  assert.deepEqual(doc, src, 'the server embeds src/http/openapi.json');
});

test('OpenAPI conformance: every documented path+method is routed', async () => {
  const doc = assertOk(await srv.anon().get('/api/v1/openapi.json'));
  // Path parameters from live data.
  const res = await createResource(w.staffA, resourceInput(w.staffA.user.org_id, w.d1.id, { name: '経路確認' }));
  const victim = await createResource(w.staffA, resourceInput(w.staffA.user.org_id, w.d1.id, { name: '経路確認削除用' }));
  const users = assertOk(await w.admin.get('/api/v1/users')).items;
  const hsdsSvc = assertOk(await srv.anon().get('/hsds/services?per_page=1')).contents[0];
  const hsdsOrg = assertOk(await srv.anon().get('/hsds/organizations?per_page=1')).contents[0];
  const hsdsSal = assertOk(await srv.anon().get('/hsds/service_at_locations?per_page=1')).contents[0];
  const fill = (p, method) => p.replace(/\{(\w+)\}/g, (_, name) => {
    if (p.startsWith('/api/v1/resources')) return String(method === 'delete' ? victim.id : res.id);
    if (p.startsWith('/api/v1/orgs')) return String(w.coord.user.org_id);
    if (p.startsWith('/api/v1/users')) return String(users.find((u) => u.login === 'viewer')?.id ?? users[0].id);
    if (p.startsWith('/hsds/services')) return hsdsSvc.id;
    if (p.startsWith('/hsds/organizations')) return hsdsOrg.id;
    if (p.startsWith('/hsds/service_at_locations')) return hsdsSal.id;
    throw new Error(`no value for {${name}} in ${p}`);
  });
  const ops = [];
  for (const [p, item] of Object.entries(doc.paths)) {
    for (const m of ['get', 'post', 'put', 'patch', 'delete']) if (item[m]) ops.push([p, m]);
  }
  // GETs first, session logout last, deletes after everything else.
  const rank = ([p, m]) => (p === '/api/v1/session' && m === 'delete' ? 3 : m === 'delete' ? 2 : m === 'get' ? 0 : 1);
  ops.sort((a, b) => rank(a) - rank(b));
  const failures = [];
  for (const [p, m] of ops) {
    // Required query parameters: the first enum value (or 1).
    const req = (doc.paths[p][m].parameters || []).map((x) => (x.$ref ? doc.components.parameters[x.$ref.split('/').pop()] : x))
      .filter((x) => x.in === 'query' && x.required);
    const qs = req.map((x) => `${x.name}=${encodeURIComponent(x.schema.enum ? x.schema.enum[0] : 1)}`).join('&');
    const url = fill(p, m) + (qs && p !== '/api/v1/import' ? `?${qs}` : '');
    const client = await srv.login('admin'); // fresh session each: logout/password cannot break the loop
    let r;
    if (m === 'get') r = await client.get(url);
    else if (p === '/api/v1/import') r = await client.request('POST', url + '?format=jp-facilities&dry_run=1', '', { 'Content-Type': 'text/csv' });
    else if (m === 'delete') r = await client.del(url);
    else r = await client.request(m.toUpperCase(), url, {});
    const code = r.json?.error?.code;
    if (r.status === 405 || (r.status === 404 && code === 'no_route')) failures.push(`${m.toUpperCase()} ${p} -> ${r.status} ${code}`);
    else if (m === 'get' && r.status !== 200) failures.push(`${m.toUpperCase()} ${url} -> ${r.status} (expected 200 as admin)`);
    else if (r.status >= 500) failures.push(`${m.toUpperCase()} ${url} -> ${r.status}`);
  }
  assert.deepEqual(failures, []);
});

test('answers match what the OpenAPI document declares for them', async () => {
  // meta: areas carry name_kana (the Meta schema allows no other field)
  const meta = await srv.anon().get('/api/v1/meta');
  assertOpenApi(meta, '/api/v1/meta', 'get');
  assert.ok(meta.json.areas.every((a) => 'name_kana' in a));
  // export: HSDS is a JSON array; the format defaults to hsds
  for (const qs of ['?format=hsds', '']) {
    const e = await w.coord.get(`/api/v1/export${qs}`);
    assert.equal(e.status, 200);
    assert.ok(Array.isArray(e.json) && e.json.length > 0, 'an array of services');
    assertOpenApi(e, '/api/v1/export', 'get');
  }
  assertOpenApi(await w.coord.get('/api/v1/export?format=csv'), '/api/v1/export', 'get');
  // search: an unknown near_resource is 404 not_found, field near_resource
  const nr = await srv.anon().get('/api/v1/resources?near_resource=999999999');
  assertError(nr, 404, 'not_found');
  assert.equal(nr.json.error.field, 'near_resource');
  assertOpenApi(nr, '/api/v1/resources', 'get');
  for (const bad of ['offset=100001', 'age_months=1201']) assertOpenApi(await srv.anon().get(`/api/v1/resources?${bad}`), '/api/v1/resources', 'get');
  // unknown_tenant (any operation may answer it) is in the Error.code enum: check it against a declared 404
  assertOpenApi(await srv.anon({ 'X-Tsunagu-Tenant': 'nosuch' }).get('/api/v1/meta'), '/api/v1/orgs/{id}', 'get');
  // import: the media types the handler takes are the request body's
  const doc = JSON.parse(readFileSync(path.join(REPO, 'src/http/openapi.json'), 'utf8'));
  const types = Object.keys(doc.paths['/api/v1/import'].post.requestBody.content);
  const csvFile = '全国地方公共団体コード,ID,地方公共団体名,名称\r\n';
  for (const t of ['text/csv', 'text/plain', 'application/csv', 'application/vnd.ms-excel', 'application/octet-stream']) {
    assert.ok(types.includes(t), `requestBody lists ${t}`);
    const r = await w.coord.request('POST', '/api/v1/import?format=jp-facilities&dry_run=1', csvFile, { 'Content-Type': t });
    assert.notEqual(r.status, 415, `${t} is accepted`);
    assertOpenApi(r, '/api/v1/import', 'post');
  }
  const png = await w.coord.request('POST', '/api/v1/import?format=jp-facilities&dry_run=1', csvFile, { 'Content-Type': 'image/png' });
  assertError(png, 415, 'unsupported_media_type');
  assertOpenApi(png, '/api/v1/import', 'post');
});

test('docs/api.md endpoints are all in the OpenAPI document', () => {
  const md = readFileSync(path.join(REPO, 'docs/api.md'), 'utf8');
  const doc = JSON.parse(readFileSync(path.join(REPO, 'src/http/openapi.json'), 'utf8'));
  const rows = [...md.matchAll(/^\| (GET|POST|PUT|PATCH|DELETE) \| (\/\S+) \|/gm)];
  assert.ok(rows.length > 20);
  const missing = [];
  for (const [, m, raw] of rows) {
    const p = raw.split('?')[0];
    if (p.startsWith('/hsds/') || p === '/healthz') continue;
    if (!doc.paths[p]?.[m.toLowerCase()]) missing.push(`${m} ${p}`);
  }
  assert.deepEqual(missing, []);
});

test('a second server on the same address does not start (no silent sharing of the port)', async () => {
  const port = new URL(srv.base).port;
  const child = spawn(srv.bin, ['serve', '--db', srv.db, '--listen', `127.0.0.1:${port}`], { cwd: REPO });
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  const code = await new Promise((resolve) => {
    const t = setTimeout(() => { child.kill('SIGTERM'); resolve('still running'); }, 5000);
    child.on('exit', (c) => { clearTimeout(t); resolve(c); });
  });
  assert.notEqual(code, 0, `exit ${code}`);
  assert.notEqual(code, 'still running', 'it bound the same port (SO_REUSEPORT) and would take half the requests');
  assert.match(err, /cannot listen on 127\.0\.0\.1:\d+/);
  assertOk(await srv.anon().get('/api/v1/meta'));
});

test('web pages: versioned asset URLs are cached for good, the import map is allowed by its hash', async () => {
  const { createHash } = await import('node:crypto');
  const a = srv.anon();
  for (const page of ['/', '/app', '/app/search']) {
    const r = await a.get(page);
    assert.equal(r.status, 200, page);
    assertSecurityHeaders(r, page);
    assert.equal(r.headers['cache-control'], 'no-cache', `${page}: the page itself is revalidated`);
    const html = r.text;
    // The import map comes before any module script and is allowed by its exact hash.
    const m = html.match(/<script type="importmap">([^<]*)<\/script>/);
    assert.ok(m, `${page}: import map`);
    assert.ok(html.indexOf(m[0]) < html.indexOf('type="module"'), `${page}: import map before the module script`);
    assert.ok(html.indexOf('<meta charset="utf-8">') < html.indexOf(m[0]), `${page}: charset first`);
    const hash = createHash('sha256').update(m[1]).digest('base64');
    const scriptSrc = r.headers['content-security-policy'].match(/script-src([^;]*)/)[1];
    assert.ok(scriptSrc.includes(`'sha256-${hash}'`), `${page}: CSP allows the import map (${scriptSrc})`);
    assert.doesNotMatch(scriptSrc, /unsafe/);
    const map = JSON.parse(m[1]).imports;
    const modules = Object.keys(map);
    assert.ok(modules.includes('/static/js/api.js') && modules.includes('/static/js/views/search.js'), 'every module');
    // Leaflet too: map.js loads it on the public page through import.meta.resolve()
    assert.ok(modules.includes('/vendor/leaflet/leaflet.js') && modules.includes('/vendor/leaflet/leaflet.css'), 'Leaflet');
    // Every versioned URL (map targets and the page's own links) names the current bytes:
    // cached for a year, immutable, and the same bytes as the unversioned URL.
    const urls = [...Object.values(map), ...[...html.matchAll(/(?:src|href)="(\/(?:static|vendor)\/[^"]+)"/g)].map((x) => x[1])];
    assert.ok(urls.some((u) => u.startsWith('/static/css/app.css?v=')), `${page}: stylesheet versioned`);
    for (const u of new Set(urls)) {
      assert.match(u, /\?v=[0-9a-f]{16}$/, `${page}: ${u} is versioned`);
      const v = await a.get(u);
      assert.equal(v.status, 200, u);
      assert.equal(v.headers['cache-control'], 'public, max-age=31536000, immutable', u);
      const plain = await a.get(u.replace(/\?v=.*/, ''));
      assert.equal(plain.headers['cache-control'], 'no-cache', `${u} without its version`);
      assert.equal(plain.text, v.text, `${u}: same bytes`);
      assert.equal(plain.headers.etag, `"${u.split('?v=')[1]}"`, `${u}: the version is the ETag`);
    }
  }
  // A page is never pinned, not even under its own version (a bookmarked ?v= would keep an
  // old import map after an upgrade).
  for (const page of ['/', '/app', '/app/search']) {
    const etag = (await a.get(page)).headers.etag.replaceAll('"', '');
    const r = await a.get(`${page}?v=${etag}`);
    assert.equal(r.status, 200, page);
    assert.equal(r.headers['cache-control'], 'no-cache', `${page}?v=its version`);
  }
  // An old or made-up version is revalidated, never pinned.
  for (const u of ['/static/js/api.js?v=0000000000000000', '/static/js/api.js?v=', '/static/css/app.css?v=x']) {
    const r = await a.get(u);
    assert.equal(r.status, 200, u);
    assert.equal(r.headers['cache-control'], 'no-cache', u);
  }
  // Modules other than the pages carry the plain policy (no inline script allowed).
  const js = await a.get('/static/js/api.js');
  assert.doesNotMatch(js.headers['content-security-policy'].match(/script-src([^;]*)/)[1], /sha256/);
});

test('meta.tile_trusted: an outside tile server is not trusted unless the deployment says so; a relative URL is', async () => {
  const dflt = assertOk(await srv.anon().get('/api/v1/meta'));
  assert.match(dflt.tile_url, /^https:\/\//);
  assert.equal(dflt.tile_trusted, false, 'the default (OpenStreetMap) is an outside server');

  const own = await startServer({ extraArgs: ['--tile-url', 'https://tiles.example.org/{z}/{x}/{y}.png', '--tile-trusted'] });
  try {
    const res = await own.anon().get('/api/v1/meta');
    assert.equal(assertOk(res).tile_trusted, true, 'serve --tile-trusted');
    const page = await own.anon().get('/');
    assert.match(page.headers['content-security-policy'], /img-src[^;]*https:\/\/tiles\.example\.org/, 'the tile origin is allowed for images');
  } finally { await own.stop(); }

  for (const [url, trusted] of [['/tiles/{z}/{x}/{y}.png', true], ['//tiles.example.org/{z}/{x}/{y}.png', false]]) {
    const s = await startServer({ extraArgs: ['--tile-url', url] });
    try {
      assert.equal(assertOk(await s.anon().get('/api/v1/meta')).tile_trusted, trusted, url);
    } finally { await s.stop(); }
  }
});
