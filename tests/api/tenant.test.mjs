// Tenant isolation: two municipalities in one deployment, each with the same
// demo data (so the same logins exist in both), must not see or touch each
// other's data through ANY endpoint. Every METHOD+path of the OpenAPI document
// and every /hsds/ route has a case below; a route without one fails the
// "every route is covered" test, so a new endpoint needs a tenant case.
//
// Tenant A is "default" (selected by the fallback, host 127.0.0.1); tenant B
// is "kita", selected by X-Tsunagu-Tenant: kita or by Host: kita.example.test.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  REPO, startServer, assertError, assertOk, loadWorld, resourceInput, createResource, searchIds,
} from './lib.mjs';

const B_HDR = { 'X-Tsunagu-Tenant': 'kita' };
const B_HOST = { Host: 'kita.example.test' };
const MARK = '越境検査専用ひろば'; // only tenant A holds a resource with this name

let srv, w, A, B, bAnon, aRes, aSecret, aType, aOnlyUser, aOrg;

before(async () => {
  srv = await startServer({ tenants: [{ code: 'kita', name: 'みなと市きた区', hosts: ['kita.example.test'], demo: true }] });
  w = await loadWorld(srv); // tenant A (default)
  A = w.admin;
  B = {
    admin: await srv.login('admin', undefined, B_HDR),
    coord: await srv.login('coord', undefined, B_HDR),
    staffA: await srv.login('staff_a', undefined, B_HDR),
  };
  bAnon = srv.anon(B_HDR);
  aRes = await createResource(w.staffA, resourceInput(w.staffA.user.org_id, w.d1.id, { name: MARK, is_public: true }));
  aSecret = await createResource(w.staffA, resourceInput(w.staffA.user.org_id, w.d1.id, {
    name: '越境検査秘匿', is_public: true, is_confidential: true, front_door: '045-000-7777',
  }));
  aType = assertOk(await A.post('/api/v1/types', { code: 'cross_check', name_ja: '越境検査種別', name_en: 'Cross check' }), 201);
  aOnlyUser = assertOk(await A.post('/api/v1/users', {
    login: 'a_only_user', display_name: 'A専用', role: 'viewer', org_id: w.staffA.user.org_id, password: 'a-only-password-2026',
  }), 201);
  aOrg = assertOk(await A.get(`/api/v1/orgs/${w.staffA.user.org_id}`));
});
after(async () => { await srv?.stop(); });

// ---------------------------------------------------------------------------
test('the same login is a different user in each tenant; a session does not cross', async () => {
  assert.notEqual(B.admin.user.id, A.user.id, 'admin of kita is another user');
  assert.notEqual(B.staffA.user.org_id, w.staffA.user.org_id, 'another organization');
  const ma = assertOk(await A.get('/api/v1/meta'));
  const mb = assertOk(await B.admin.get('/api/v1/meta'));
  assert.equal(ma.tenant.code, 'default');
  assert.equal(mb.tenant.code, 'kita');
  assert.equal(mb.tenant.name, 'みなと市きた区');
  // A's cookie presented to tenant B is no session there.
  assertError(await A.get('/api/v1/session', B_HDR), 401, 'unauthorized');
  assertError(await A.get('/api/v1/users', B_HDR), 401, 'unauthorized');
  // and B's cookie is none at A
  assertError(await B.admin.get('/api/v1/session', { 'X-Tsunagu-Tenant': 'default' }), 401, 'unauthorized');
  // A user that exists only in A cannot log in at B.
  const r = await bAnon.post('/api/v1/session', { login: 'a_only_user', password: 'a-only-password-2026' });
  assertError(r, 401, 'unauthorized');
});

test('tenant resolution: header, Host, default, unknown', async () => {
  const byHost = assertOk(await srv.anon(B_HOST).get('/api/v1/meta'));
  assert.equal(byHost.tenant.code, 'kita', 'Host kita.example.test');
  const byHostPort = assertOk(await srv.anon({ Host: 'KITA.example.test:8080' }).get('/api/v1/meta'));
  assert.equal(byHostPort.tenant.code, 'kita', 'port and case ignored');
  assert.equal(assertOk(await srv.anon().get('/api/v1/meta')).tenant.code, 'default', 'fallback');
  assert.equal(assertOk(await srv.anon({ Host: 'other.example.test' }).get('/api/v1/meta')).tenant.code, 'default');
  // The header wins over the host, and an unknown code is an error, not a fallback.
  assert.equal(assertOk(await srv.anon({ ...B_HOST, 'X-Tsunagu-Tenant': 'default' }).get('/api/v1/meta')).tenant.code, 'default');
  for (const p of ['/api/v1/meta', '/api/v1/resources', '/hsds/services']) {
    assertError(await srv.anon({ 'X-Tsunagu-Tenant': 'nosuch' }).get(p), 404, 'unknown_tenant');
  }
  assertError(await srv.anon({ 'X-Tsunagu-Tenant': 'nosuch' }).post('/api/v1/session', { login: 'admin', password: 'x' }), 404, 'unknown_tenant');
  // Deployment-wide routes need no tenant.
  assert.equal((await srv.anon({ 'X-Tsunagu-Tenant': 'nosuch' }).get('/healthz')).status, 200);
  assert.equal((await srv.anon({ 'X-Tsunagu-Tenant': 'nosuch' }).get('/api/v1/openapi.json')).status, 200);
});

// ---------------------------------------------------------------------------
// One case per route. Each case runs tenant B's requests against tenant A's
// ids and data, and checks A is unchanged afterwards where B tried to write.
const cases = {
  'GET /healthz': async () => { /* deployment-wide, no data */ },
  'GET /api/v1/openapi.json': async () => { /* static document */ },
  'POST /api/v1/session': async () => { /* covered by the login test above */ },
  'GET /api/v1/session': async () => {
    const s = assertOk(await B.admin.get('/api/v1/session'));
    assert.equal(s.user.id, B.admin.user.id);
  },
  'DELETE /api/v1/session': async () => {
    const c = await srv.login('viewer', undefined, B_HDR);
    // B's logout with A's cookie does nothing to A's session.
    const aViewer = await srv.login('viewer');
    const r = await c.request('DELETE', '/api/v1/session', undefined, { Cookie: aViewer.cookieHeader() });
    assert.ok([401, 403].includes(r.status), `logout across tenants: ${r.status}`);
    assertOk(await aViewer.get('/api/v1/session'));
    assert.equal((await c.del('/api/v1/session')).status, 204);
  },
  'POST /api/v1/session/password': async () => {
    const r = await B.admin.post('/api/v1/session/password', { current_password: 'tsunagu-demo-2026', new_password: 'kita-admin-pass-2026x' });
    assert.equal(r.status, 204, r.text);
    // A's admin still logs in with the demo password.
    await srv.login('admin');
    assertOk(await B.admin.post('/api/v1/session/password', { current_password: 'kita-admin-pass-2026x', new_password: 'tsunagu-demo-2026' }), 204);
  },
  'GET /api/v1/meta': async () => {
    const mb = assertOk(await B.admin.get('/api/v1/meta'));
    assert.ok(!mb.types.some((t) => t.code === aType.code), 'A\'s custom type is not in B');
  },
  'POST /api/v1/types': async () => {
    // The same code is free in B, and stays A's own in A.
    const t = assertOk(await B.admin.post('/api/v1/types', { code: 'cross_check', name_ja: 'きた区の種別', name_en: 'Kita type' }), 201);
    assert.equal(t.code, 'cross_check');
    const ma = assertOk(await A.get('/api/v1/meta'));
    assert.equal(ma.types.find((x) => x.code === 'cross_check').name_ja, '越境検査種別');
  },
  'GET /api/v1/resources': async () => {
    for (const c of [B.admin, bAnon, srv.anon(B_HOST)]) {
      assert.deepEqual(await searchIds(c, 'q=' + encodeURIComponent(MARK)), [], `${c.name}: search`);
      const all = assertOk(await c.get('/api/v1/resources?limit=100'));
      assert.ok(!all.items.some((i) => i.id === aRes.id || i.id === aSecret.id));
    }
    // A resource of A as the "from" point of a distance search is unknown in B.
    const r = await B.admin.get(`/api/v1/resources?near_resource=${aRes.id}&sort=distance`);
    assert.ok([400, 404].includes(r.status), `near_resource of another tenant: ${r.status} ${r.text.slice(0, 200)}`);
    assert.deepEqual(await searchIds(A, 'q=' + encodeURIComponent(MARK)), [aRes.id], 'A still finds it');
  },
  'POST /api/v1/resources': async () => {
    // B cannot create a resource in A's organization or area.
    const r = await B.admin.post('/api/v1/resources', resourceInput(w.staffA.user.org_id, w.d1.id, { name: '越境作成' }));
    assert.ok([400, 403, 404, 422].includes(r.status), `create with A's org: ${r.status} ${r.text.slice(0, 200)}`);
    const r2 = await B.admin.post('/api/v1/resources', resourceInput(B.staffA.user.org_id, w.d1.id, { name: '越境作成2' }));
    if (w.d1.id !== (assertOk(await B.admin.get('/api/v1/meta')).areas.find((a) => a.id === w.d1.id) || {}).id) {
      assert.ok([400, 422].includes(r2.status), `create with A's area: ${r2.status} ${r2.text.slice(0, 200)}`);
    }
    assert.deepEqual(await searchIds(A, 'q=' + encodeURIComponent('越境作成')), []);
  },
  'GET /api/v1/resources/{id}': async () => {
    for (const c of [B.admin, bAnon]) {
      assertError(await c.get(`/api/v1/resources/${aRes.id}`), 404, 'not_found');
      assertError(await c.get(`/api/v1/resources/${aSecret.id}`), 404, 'not_found');
    }
  },
  'PUT /api/v1/resources/{id}': async () => {
    const before = assertOk(await A.get(`/api/v1/resources/${aRes.id}`));
    const input = resourceInput(B.staffA.user.org_id, null, { name: '越境上書き' });
    input.version = before.version;
    assertError(await B.admin.put(`/api/v1/resources/${aRes.id}`, input), 404, 'not_found');
    const after = assertOk(await A.get(`/api/v1/resources/${aRes.id}`));
    assert.equal(after.name, MARK);
    assert.equal(after.version, before.version);
  },
  'DELETE /api/v1/resources/{id}': async () => {
    assertError(await B.admin.del(`/api/v1/resources/${aRes.id}`), 404, 'not_found');
    assertOk(await A.get(`/api/v1/resources/${aRes.id}`));
  },
  'POST /api/v1/resources/{id}/verify': async () => {
    const before = assertOk(await A.get(`/api/v1/resources/${aRes.id}`));
    assertError(await B.admin.post(`/api/v1/resources/${aRes.id}/verify`, {}), 404, 'not_found');
    assert.equal(assertOk(await A.get(`/api/v1/resources/${aRes.id}`)).version, before.version);
  },
  'GET /api/v1/resources/{id}/changes': async () => {
    assertError(await B.admin.get(`/api/v1/resources/${aRes.id}/changes`), 404, 'not_found');
    assert.ok(assertOk(await A.get(`/api/v1/resources/${aRes.id}/changes`)).items.length >= 1);
  },
  'GET /api/v1/verification-due': async () => {
    const d = assertOk(await B.admin.get('/api/v1/verification-due?limit=100'));
    const ids = new Set((d.items || []).map((i) => i.id));
    assert.ok(!ids.has(aRes.id) && !ids.has(aSecret.id));
  },
  'GET /api/v1/orgs': async () => {
    const o = assertOk(await B.admin.get('/api/v1/orgs?limit=100'));
    assert.ok(!o.items.some((x) => x.id === aOrg.id || x.uuid === aOrg.uuid));
  },
  'POST /api/v1/orgs': async () => {
    // An org of B placed in an area of A is refused.
    const bAreas = new Set(assertOk(await B.admin.get('/api/v1/meta')).areas.map((a) => a.id));
    const aOnlyArea = w.meta.areas.find((a) => !bAreas.has(a.id));
    assert.ok(aOnlyArea, 'tenant A has areas B does not');
    const r = await B.admin.post('/api/v1/orgs', { name: '越境団体', kind: 'NPO', area_id: aOnlyArea.id });
    assert.ok([400, 422].includes(r.status), `org in A's area: ${r.status} ${r.text.slice(0, 200)}`);
    assert.ok(!assertOk(await A.get('/api/v1/orgs?limit=100')).items.some((x) => x.name === '越境団体'));
  },
  'GET /api/v1/orgs/{id}': async () => {
    assertError(await B.admin.get(`/api/v1/orgs/${aOrg.id}`), 404, 'not_found');
  },
  'PUT /api/v1/orgs/{id}': async () => {
    assertError(await B.admin.put(`/api/v1/orgs/${aOrg.id}`, { name: '乗っ取り', kind: 'NPO' }), 404, 'not_found');
    assert.equal(assertOk(await A.get(`/api/v1/orgs/${aOrg.id}`)).name, aOrg.name);
  },
  'GET /api/v1/users': async () => {
    const u = assertOk(await B.admin.get('/api/v1/users'));
    const items = u.items || u;
    assert.ok(!items.some((x) => x.id === aOnlyUser.id || x.login === 'a_only_user'));
  },
  'POST /api/v1/users': async () => {
    // The login a_only_user is free in B; a user of B in A's org is refused.
    const r = await B.admin.post('/api/v1/users', {
      login: 'a_only_user', display_name: 'きた区の同名', role: 'viewer', org_id: B.staffA.user.org_id, password: 'kita-only-password-2026',
    });
    assert.equal(r.status, 201, r.text);
    const r2 = await B.admin.post('/api/v1/users', {
      login: 'kita_cross', display_name: '越境', role: 'viewer', org_id: aOrg.id, password: 'kita-cross-password-2026',
    });
    assert.ok([400, 404, 422].includes(r2.status), `user in A's org: ${r2.status} ${r2.text.slice(0, 200)}`);
    // Each logs in at its own tenant only, with its own password.
    await srv.login('a_only_user', 'a-only-password-2026');
    await srv.login('a_only_user', 'kita-only-password-2026', B_HDR);
    assertError(await srv.anon().post('/api/v1/session', { login: 'a_only_user', password: 'kita-only-password-2026' }), 401, 'unauthorized');
  },
  'PUT /api/v1/users/{id}': async () => {
    assertError(await B.admin.put(`/api/v1/users/${aOnlyUser.id}`, { display_name: '乗っ取り', role: 'admin', org_id: B.staffA.user.org_id, disabled: false }), 404, 'not_found');
    const still = assertOk(await A.get('/api/v1/users')).items.find((x) => x.id === aOnlyUser.id);
    assert.equal(still.role, 'viewer');
  },
  'GET /api/v1/audit': async () => {
    const aIds = new Set([String(aRes.id), String(aSecret.id), String(aOnlyUser.id)]);
    const b = assertOk(await B.admin.get('/api/v1/audit?limit=100'));
    assert.ok(!b.items.some((e) => aIds.has(String(e.object_id)) && /resource|user/.test(e.object_type)),
      'no entry of A in B\'s audit');
    const a = assertOk(await A.get('/api/v1/audit?limit=100'));
    assert.ok(a.items.some((e) => String(e.object_id) === String(aRes.id)), 'A\'s audit has them');
  },
  'POST /api/v1/import': async () => {
    // The same source ids imported into B create B's own rows; A's stay.
    const header = '全国地方公共団体コード,ID,地方公共団体名,名称,名称_カナ,種別,住所,緯度,経度,電話番号,URL';
    const row = (name) => `141003,XT001,みなと市,${name},エッキョウ,地域子育て支援拠点,神奈川県みなと市本町1-1,35.44,139.63,045-111-2201,https://example.jp/x`;
    const file = (name) => '\ufeff' + [header, row(name)].join('\r\n') + '\r\n';
    const pathA = `/api/v1/import?format=jp-facilities&public=1&org_id=${w.coord.user.org_id}`;
    const pathB = `/api/v1/import?format=jp-facilities&public=1&org_id=${B.coord.user.org_id}`;
    assert.equal(assertOk(await w.coord.post(pathA, file('越境取込A'), { 'Content-Type': 'text/csv' })).created, 1);
    const rb = assertOk(await B.coord.post(pathB, file('越境取込B'), { 'Content-Type': 'text/csv' }));
    assert.equal(rb.created, 1, 'same source id in B is a new row of B');
    assert.equal((await searchIds(A, 'q=' + encodeURIComponent('越境取込A'))).length, 1);
    assert.deepEqual(await searchIds(A, 'q=' + encodeURIComponent('越境取込B')), []);
    assert.deepEqual(await searchIds(B.admin, 'q=' + encodeURIComponent('越境取込A')), []);
    // B importing into A's organization is refused.
    const bad = await B.coord.post(`/api/v1/import?format=jp-facilities&public=1&org_id=${aOrg.id}`, file('越境取込C'), { 'Content-Type': 'text/csv' });
    assert.ok(bad.status >= 400 && bad.status < 500, `import into A's org: ${bad.status}`);
    assert.deepEqual(await searchIds(A, 'q=' + encodeURIComponent('越境取込C')), []);
  },
  'GET /api/v1/export': async () => {
    for (const fmt of ['csv', 'hsds']) {
      const r = await B.admin.get(`/api/v1/export?format=${fmt}`);
      assert.equal(r.status, 200);
      for (const leak of [MARK, aRes.uuid, aSecret.uuid, '越境検査秘匿']) assert.ok(!r.text.includes(leak), `${fmt} export of B has ${leak}`);
      const ra = await A.get(`/api/v1/export?format=${fmt}`);
      assert.ok(ra.text.includes(aRes.uuid) || ra.text.includes(MARK), `${fmt} export of A has its resource`);
    }
  },
  'GET /hsds': async () => { assertOk(await bAnon.get('/hsds')); },
  'GET /hsds/': async () => { assertOk(await bAnon.get('/hsds/')); },
  'GET /hsds/services': async () => {
    for (const q of ['', '&search=' + encodeURIComponent(MARK), `&organization_id=${aOrg.uuid}`]) {
      const b = assertOk(await bAnon.get(`/hsds/services?per_page=50${q}`));
      assert.ok(!JSON.stringify(b).includes(aRes.uuid), `services${q}`);
    }
    assert.ok(JSON.stringify(assertOk(await srv.anon().get('/hsds/services?search=' + encodeURIComponent(MARK)))).includes(aRes.uuid));
  },
  'GET /hsds/services/{id}': async () => {
    assertError(await bAnon.get(`/hsds/services/${aRes.uuid}`), 404, 'not_found');
    assertOk(await srv.anon().get(`/hsds/services/${aRes.uuid}`));
  },
  'GET /hsds/organizations': async () => {
    const b = assertOk(await bAnon.get('/hsds/organizations?per_page=50'));
    assert.ok(!JSON.stringify(b).includes(aOrg.uuid));
  },
  'GET /hsds/organizations/{id}': async () => {
    assertError(await bAnon.get(`/hsds/organizations/${aOrg.uuid}`), 404, 'not_found');
  },
  'GET /hsds/service_at_locations': async () => {
    const b = assertOk(await bAnon.get('/hsds/service_at_locations?per_page=50&search=' + encodeURIComponent(MARK)));
    assert.ok(!JSON.stringify(b).includes(aRes.uuid));
  },
  'GET /hsds/service_at_locations/{id}': async () => {
    const a = assertOk(await srv.anon().get('/hsds/service_at_locations?per_page=50&search=' + encodeURIComponent(MARK)));
    const sal = a.contents.find((x) => x.service_id === aRes.uuid);
    assert.ok(sal, 'A has a service_at_location for it');
    assertError(await bAnon.get(`/hsds/service_at_locations/${sal.id}`), 404, 'not_found');
  },
  'GET /hsds/taxonomies': async () => { assertOk(await bAnon.get('/hsds/taxonomies')); },
  'GET /hsds/taxonomy_terms': async () => {
    const b = assertOk(await bAnon.get('/hsds/taxonomy_terms?per_page=200'));
    assert.ok(!JSON.stringify(b).includes('越境検査種別'), 'A\'s custom type is not a term of B');
    const a = assertOk(await srv.anon().get('/hsds/taxonomy_terms?per_page=200'));
    assert.ok(JSON.stringify(a).includes('越境検査種別'), 'but is one of A');
  },
};

const openapi = JSON.parse(readFileSync(path.join(REPO, 'src/http/openapi.json'), 'utf8'));
const HSDS_ROUTES = ['/hsds', '/hsds/', '/hsds/services', '/hsds/services/{id}', '/hsds/organizations',
  '/hsds/organizations/{id}', '/hsds/service_at_locations', '/hsds/service_at_locations/{id}',
  '/hsds/taxonomies', '/hsds/taxonomy_terms'].map((p) => `GET ${p}`);

test('every route has a tenant-isolation case', () => {
  const routes = [...HSDS_ROUTES, 'GET /healthz'];
  for (const [p, ops] of Object.entries(openapi.paths)) {
    for (const m of Object.keys(ops)) if (['get', 'post', 'put', 'delete', 'patch'].includes(m)) {
      routes.push(`${m.toUpperCase()} ${p}`);
    }
  }
  const routeSrc = readFileSync(path.join(REPO, 'src/http/routes.c'), 'utf8');
  for (const m of routeSrc.matchAll(/\{"(GET|POST|PUT|DELETE|PATCH)", "([^"]+)"/g)) routes.push(`${m[1]} ${m[2]}`);
  const missing = [...new Set(routes)].filter((r) => !(r in cases));
  assert.deepEqual(missing, [], 'routes without a tenant case');
});

for (const [name, fn] of Object.entries(cases)) test(`tenant B cannot reach tenant A: ${name}`, fn);
