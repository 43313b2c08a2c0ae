// HSDS 3.0 read API under /hsds/: every endpoint validated against the HSDS
// schemas (local copies in tests/hsds/schema, CC BY-SA 4.0, Open Referral;
// see tests/hsds/schema/LICENSE). The HSDS openapi.json references
// raw.githubusercontent.com URLs; they are mapped to the local files here and
// nothing is ever fetched from the network.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeValidators, check } from './validators.mjs';
import {
  startServer, assertError, assertOk, loadWorld, resourceInput, createResource,
} from '../api/lib.mjs';

const PAGE_KEYS = ['total_items', 'total_pages', 'page_number', 'size', 'first_page', 'last_page', 'empty', 'contents'];
function checkPage(body, what) {
  what = `${what} ${JSON.stringify({ ...body, contents: `[${body.contents?.length} items]` })}`;
  for (const k of PAGE_KEYS) assert.ok(k in body, `${what}: ${k}`);
  assert.equal(body.size, body.contents.length, `${what}: size = contents.length`);
  assert.equal(body.empty, body.contents.length === 0, `${what}: empty`);
  assert.equal(body.first_page, body.page_number === 1, `${what}: first_page`);
  assert.equal(body.last_page, body.page_number >= body.total_pages, `${what}: last_page`);
}

// ---------------------------------------------------------------------------
let srv, w, V, T0, PUB, OTHER, PRIV, SECRET, orgUuid;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  V = makeValidators();
  srv = await startServer();
  w = await loadWorld(srv);
  orgUuid = assertOk(await w.admin.get(`/api/v1/orgs/${w.staffA.user.org_id}`)).uuid;
  await sleep(1100); // second-resolution timestamps: T0 is after the demo data
  T0 = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  await sleep(1100);
  const org = w.staffA.user.org_id;
  PUB = await createResource(w.staffA, resourceInput(org, w.d1.id, { name: 'ひだまり標準試験ひろば', name_kana: 'ひだまりひょうじゅんしけんひろば', type: 'kodomo_shokudo', services: ['shokuji'] }));
  OTHER = await createResource(w.staffB, resourceInput(w.staffB.user.org_id, w.d1.id, { name: '標準試験別団体サロン', type: 'salon', services: ['ibasho'] }));
  PRIV = await createResource(w.staffA, resourceInput(org, w.d1.id, { name: '標準試験非公開', is_public: false }));
  SECRET = await createResource(w.staffA, resourceInput(org, w.d1.id, {
    name: '標準試験秘匿シェルター', is_confidential: true, front_door: '045-000-3333',
    address: { postal_code: '231-0077', prefecture: '神奈川県', city: 'みなと市さくら区', line: '秘匿通り7-7-7', building: null },
    location: { lat: 35.4777, lon: 139.6777 },
  }));
});
after(async () => { await srv?.stop(); });

/** All contents of a paged list (per_page=50), each page validated with `validate`. */
async function allPages(pth, validate, { pageChecks = true } = {}) {
  const out = [];
  for (let page = 1; page < 1000; page++) {
    const sep = pth.includes('?') ? '&' : '?';
    const b = assertOk(await srv.anon().get(`${pth}${sep}page=${page}&per_page=50`));
    if (validate) check(validate, b, `${pth} page ${page}`);
    if (pageChecks) checkPage(b, `${pth} page ${page}`);
    out.push(...b.contents);
    if (b.last_page || b.empty) break;
  }
  return out;
}

test('GET /hsds/ (API info)', async () => {
  const b = assertOk(await srv.anon().get('/hsds/'));
  check(V.root, b, '/hsds/');
  assert.match(b.version, /^3\./);
  assert.ok(b.openapi_url || b.profile, 'openapi_url or profile');
});

test('services: list and every item validate; full items validate', async () => {
  const first = assertOk(await srv.anon().get('/hsds/services'));
  check(V.services, first, '/hsds/services');
  checkPage(first, '/hsds/services');
  assert.equal(first.page_number, 1);
  const all = await allPages('/hsds/services', V.services);
  assert.equal(all.length, first.total_items);
  const ids = new Set(all.map((s) => s.id));
  assert.equal(ids.size, all.length, 'ids unique across pages');
  const mine = all.find((s) => s.id === PUB.uuid);
  assert.ok(mine, 'public fixture listed');
  assert.equal(mine.name, PUB.name);
  for (const s of [...all.slice(0, 5), mine]) {
    const full = assertOk(await srv.anon().get(`/hsds/services/${s.id}`));
    check(V.service, full, `/hsds/services/${s.id}`);
    assert.equal(full.id, s.id);
  }
});

test('organizations: list and item', async () => {
  const b = assertOk(await srv.anon().get('/hsds/organizations'));
  check(V.organizations, b, '/hsds/organizations');
  checkPage(b, '/hsds/organizations');
  const all = await allPages('/hsds/organizations');
  const o = all.find((x) => x.id === orgUuid);
  assert.ok(o, 'staff_a org listed by its uuid');
  const full = assertOk(await srv.anon().get(`/hsds/organizations/${orgUuid}`));
  check(V.organization, full, `/hsds/organizations/${orgUuid}`);
  assert.equal(full.id, orgUuid);
  assertError(await srv.anon().get('/hsds/organizations/00000000-0000-4000-8000-000000000000'), 404, 'not_found');
});

test('service_at_locations: list and item', async () => {
  const b = assertOk(await srv.anon().get('/hsds/service_at_locations?per_page=100'));
  check(V.sals, b, '/hsds/service_at_locations');
  checkPage(b, '/hsds/service_at_locations');
  const mine = b.contents.find((x) => x.service_id === PUB.uuid);
  assert.ok(mine, 'fixture has a service_at_location');
  const full = assertOk(await srv.anon().get(`/hsds/service_at_locations/${mine.id}`));
  check(V.sal, full, `/hsds/service_at_locations/${mine.id}`);
  assert.equal(full.id, mine.id);
  assertError(await srv.anon().get('/hsds/service_at_locations/00000000-0000-4000-8000-000000000000'), 404, 'not_found');
});

test('service_at_locations: pages deliver exactly total_items', async () => {
  const first = assertOk(await srv.anon().get('/hsds/service_at_locations?per_page=50'));
  const all = await allPages('/hsds/service_at_locations', V.sals);
  assert.equal(all.length, first.total_items, `total_items ${first.total_items} but the pages hold ${all.length}`);
  assert.equal(new Set(all.map((x) => x.id)).size, all.length, 'ids unique across pages');
});

test('taxonomies and taxonomy_terms', async () => {
  const t = assertOk(await srv.anon().get('/hsds/taxonomies'));
  check(V.taxonomies, t, '/hsds/taxonomies');
  checkPage(t, '/hsds/taxonomies');
  assert.ok(t.total_items >= 1);
  const tt = assertOk(await srv.anon().get('/hsds/taxonomy_terms?per_page=50'));
  check(V.taxonomy_terms, tt, '/hsds/taxonomy_terms');
  checkPage(tt, '/hsds/taxonomy_terms');
  const terms = await allPages('/hsds/taxonomy_terms');
  for (const x of terms) check(V.taxonomy_terms, { ...tt, contents: [x] }, `taxonomy term ${x.id}`);
  assert.ok(tt.total_items >= 10, 'resource types (and tags) are taxonomy terms');
});

test('paging: page, per_page, first/last/empty', async () => {
  const all = assertOk(await srv.anon().get('/hsds/services?per_page=1'));
  assert.ok(all.total_items >= 3);
  assert.equal(all.size, 1);
  assert.equal(all.total_pages, all.total_items);
  assert.equal(all.first_page, true);
  assert.equal(all.last_page, false);
  const p2 = assertOk(await srv.anon().get('/hsds/services?per_page=1&page=2'));
  assert.equal(p2.page_number, 2);
  assert.equal(p2.first_page, false);
  assert.notEqual(p2.contents[0].id, all.contents[0].id);
  const last = assertOk(await srv.anon().get(`/hsds/services?per_page=1&page=${all.total_pages}`));
  assert.equal(last.last_page, true);
  assert.equal(last.size, 1);
  const beyond = assertOk(await srv.anon().get(`/hsds/services?per_page=1&page=${all.total_pages + 5}`));
  assert.equal(beyond.empty, true);
  assert.deepEqual(beyond.contents, []);
  assert.equal(beyond.total_items, all.total_items);
  const p3 = assertOk(await srv.anon().get('/hsds/services?per_page=3'));
  assert.equal(p3.total_pages, Math.ceil(p3.total_items / 3));
  for (const bad of ['page=0', 'page=-1', 'page=x', 'per_page=0', 'per_page=x']) {
    assertError(await srv.anon().get(`/hsds/services?${bad}`), 400, 'invalid');
  }
});

test('search with kana variants', async () => {
  const sets = [];
  for (const v of ['ﾋﾀﾞﾏﾘ標準', 'ヒダマリ標準', 'ひだまり標準']) {
    const ids = (await allPages(`/hsds/services?search=${encodeURIComponent(v)}`, V.services)).map((s) => s.id).sort();
    assert.ok(ids.includes(PUB.uuid), `${v} finds the fixture`);
    sets.push(ids);
  }
  assert.deepEqual(sets[0], sets[1]);
  assert.deepEqual(sets[1], sets[2]);
  const sal = await allPages(`/hsds/service_at_locations?search=${encodeURIComponent('ﾋﾀﾞﾏﾘ標準')}`, V.sals);
  assert.ok(sal.some((x) => x.service_id === PUB.uuid));
  const none = assertOk(await srv.anon().get(`/hsds/services?search=${encodeURIComponent('該当なしずぃぽ')}`));
  assert.equal(none.total_items, 0);
  assert.equal(none.empty, true);
});

test('organization_id filter', async () => {
  const list = await allPages(`/hsds/services?organization_id=${orgUuid}`, V.services);
  const ids = list.map((s) => s.id);
  assert.ok(ids.includes(PUB.uuid));
  assert.ok(!ids.includes(OTHER.uuid), 'other org excluded');
  for (const s of list) if ('organization_id' in s) assert.equal(s.organization_id, orgUuid);
  const sal = await allPages(`/hsds/service_at_locations?organization_id=${orgUuid}`, V.sals);
  assert.ok(sal.some((x) => x.service_id === PUB.uuid));
  assert.ok(!sal.some((x) => x.service_id === OTHER.uuid));
});

test('taxonomy_term_id filter', async () => {
  const terms = await allPages('/hsds/taxonomy_terms');
  const term = terms.find((t) => t.code === 'kodomo_shokudo') || terms.find((t) => t.name === PUB.type_name);
  assert.ok(term, 'a taxonomy term for the kodomo_shokudo type');
  const ids = (await allPages(`/hsds/services?taxonomy_term_id=${term.id}`, V.services)).map((s) => s.id);
  assert.ok(ids.includes(PUB.uuid));
  assert.ok(!ids.includes(OTHER.uuid), 'salon excluded');
  const full = assertOk(await srv.anon().get(`/hsds/services/${PUB.uuid}`));
  const attrs = JSON.stringify(full.attributes || []);
  assert.ok(attrs.includes(term.id), 'the service carries the term in its attributes');
});

test('modified_after', async () => {
  const ids = (await allPages(`/hsds/services?modified_after=${encodeURIComponent(T0)}`, V.services)).map((s) => s.id).sort();
  assert.deepEqual(ids, [PUB.uuid, OTHER.uuid, SECRET.uuid].sort(), 'exactly the public services written after T0');
  const future = assertOk(await srv.anon().get('/hsds/services?modified_after=2999-01-01T00:00:00Z'));
  assert.equal(future.total_items, 0);
  assertError(await srv.anon().get('/hsds/services?modified_after=yesterday'), 400, 'invalid');
});

// Paging consistency is checked by the list tests; these look at visibility only.
const LENIENT = { pageChecks: false };

test('anonymous sees only public services', async () => {
  const all = await allPages('/hsds/services', V.services, LENIENT);
  assert.ok(!all.some((s) => s.id === PRIV.uuid));
  assertError(await srv.anon().get(`/hsds/services/${PRIV.uuid}`), 404, 'not_found');
  const sals = await allPages('/hsds/service_at_locations', V.sals, LENIENT);
  assert.ok(!sals.some((s) => s.service_id === PRIV.uuid));
  const pubCount = assertOk(await srv.anon().get('/api/v1/resources?limit=1')).total;
  assert.equal(all.length, pubCount, 'HSDS services = public resources of the JSON API');
  assert.ok(!JSON.stringify(await allPages(`/hsds/services?search=${encodeURIComponent('標準試験非公開')}`)).includes(PRIV.uuid));
});

test('confidential services expose no address or coordinates', async () => {
  const full = await srv.anon().get(`/hsds/services/${SECRET.uuid}`);
  const b = assertOk(full);
  check(V.service, b, 'confidential service');
  for (const leak of ['秘匿通り', '231-0077', '35.4777', '139.6777']) assert.ok(!full.text.includes(leak), `service leaks ${leak}`);
  const sals = (await allPages('/hsds/service_at_locations', V.sals, LENIENT)).filter((x) => x.service_id === SECRET.uuid);
  for (const s of sals) {
    const r = await srv.anon().get(`/hsds/service_at_locations/${s.id}`);
    assert.equal(r.status, 200);
    for (const leak of ['秘匿通り', '231-0077', '35.4777', '139.6777']) assert.ok(!r.text.includes(leak), `sal leaks ${leak}`);
    check(V.sal, r.json, 'confidential sal');
  }
  const lists = [JSON.stringify(await allPages('/hsds/service_at_locations', V.sals, LENIENT)), JSON.stringify(await allPages('/hsds/services', V.services, LENIENT)),
    (await srv.anon().get(`/hsds/organizations/${orgUuid}`)).text];
  for (const t of lists) for (const leak of ['秘匿通り', '35.4777', '139.6777']) assert.ok(!t.includes(leak), `list leaks ${leak}`);
});

test('unknown ids and paths', async () => {
  assertError(await srv.anon().get('/hsds/services/00000000-0000-4000-8000-000000000000'), 404, 'not_found');
  assertError(await srv.anon().get('/hsds/services/not-a-uuid'), 404);
  assertError(await srv.anon().get('/hsds/nothing'), 404);
});
