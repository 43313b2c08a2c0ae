// Resources: CRUD happy paths, history, verification, authorization, confidentiality.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, assertError, assertOk, loadWorld, resourceInput, createResource, toInput, searchIds,
} from './lib.mjs';

let srv, w;
before(async () => { srv = await startServer(); w = await loadWorld(srv); });
after(async () => { await srv?.stop(); });

const RESOURCE_KEYS = ['id', 'uuid', 'version', 'org', 'type', 'type_name', 'name', 'name_kana', 'description',
  'area_id', 'area_path', 'address', 'location', 'address_hidden', 'front_door', 'phone', 'email', 'url', 'ages',
  'fee', 'capacity', 'services', 'access', 'accessibility_notes', 'hours', 'exceptions', 'schedule_note',
  'open_now', 'is_public', 'is_confidential', 'verified_at', 'verification_due', 'source', 'source_id',
  'created_at', 'updated_at', 'can_edit'];

test('create -> read -> update -> verify -> history -> delete', async () => {
  const input = resourceInput(w.staffA.user.org_id, w.d1.id, {
    name: 'CRUD確認ひろば', name_kana: 'くるーどかくにんひろば',
    hours: [{ weekday: 1, open: '09:30', close: '12:00' }, { weekday: 1, open: '13:00', close: '24:00' }, { weekday: 7, open: '10:00', close: '12:00' }],
    exceptions: [{ date: '2026-12-29', closed: true, open: null, close: null, note: '年末年始' }],
  });
  const c = await createResource(w.staffA, input);
  for (const k of RESOURCE_KEYS) assert.ok(k in c, `Resource.${k}`);
  assert.equal(c.version, 1);
  assert.equal(c.name, 'CRUD確認ひろば');
  assert.deepEqual(c.org.id, w.staffA.user.org_id);
  assert.equal(typeof c.org.name, 'string');
  assert.equal(c.type, 'tsudoi');
  assert.equal(typeof c.type_name, 'string');
  assert.ok(Array.isArray(c.area_path) && c.area_path.length >= 1);
  assert.equal(c.area_path[c.area_path.length - 1], w.d1.name);
  assert.deepEqual(c.address, input.address);
  assert.deepEqual(c.location, input.location);
  assert.equal(c.address_hidden, false);
  assert.deepEqual(c.ages, input.ages);
  assert.deepEqual(c.fee, input.fee);
  assert.deepEqual([...c.services].sort(), [...input.services].sort());
  assert.deepEqual(c.access, input.access);
  assert.deepEqual(c.hours, input.hours);
  assert.deepEqual(c.exceptions, input.exceptions);
  assert.equal(c.can_edit, true);
  assert.match(c.uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.match(c.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);

  const g = assertOk(await w.staffA.get(`/api/v1/resources/${c.id}`));
  assert.deepEqual({ ...g, open_now: null }, { ...c, open_now: null });

  // Update: full replace with the version read.
  const upd = toInput(g);
  upd.name = 'CRUD確認ひろば(更新)';
  upd.services = ['soudan'];
  upd.capacity = null;
  const u = assertOk(await w.staffA.put(`/api/v1/resources/${c.id}`, upd));
  assert.equal(u.version, 2);
  assert.equal(u.name, 'CRUD確認ひろば(更新)');
  assert.deepEqual(u.services, ['soudan']);
  assert.equal(u.capacity, null);
  assert.equal(u.created_at, c.created_at);
  assert.equal(assertOk(await w.admin.get(`/api/v1/resources/${c.id}`)).name, 'CRUD確認ひろば(更新)');

  // Verify: today in Asia/Tokyo.
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo' }).format(new Date());
  const v = assertOk(await w.staffA.post(`/api/v1/resources/${c.id}/verify`));
  assert.equal(v.verified_at, today);
  assert.equal(v.verification_due, false);

  // History, newest first.
  const h = assertOk(await w.staffA.get(`/api/v1/resources/${c.id}/changes`));
  assert.ok(h.items.length >= 2, 'create + update recorded');
  for (const it of h.items) for (const k of ['id', 'at', 'action', 'user_name', 'before', 'after']) assert.ok(k in it, `change.${k}`);
  const ids = h.items.map((i) => i.id);
  assert.deepEqual(ids, [...ids].sort((a, b) => b - a), 'newest first');
  const updEntry = h.items.find((i) => i.after?.name === 'CRUD確認ひろば(更新)' && i.before?.name === 'CRUD確認ひろば');
  assert.ok(updEntry, 'update entry has the after state');
  assert.equal(updEntry.before.name, 'CRUD確認ひろば');
  assertError(await srv.anon().get(`/api/v1/resources/${c.id}/changes`), 401, 'unauthorized');

  // Delete.
  const d = await w.staffA.del(`/api/v1/resources/${c.id}`);
  assert.equal(d.status, 204, d.text);
  assertError(await w.admin.get(`/api/v1/resources/${c.id}`), 404, 'not_found');
  assertError(await w.staffA.del(`/api/v1/resources/${c.id}`), 404, 'not_found');
  assert.ok(!(await searchIds(w.admin, 'q=' + encodeURIComponent('CRUD確認ひろば'))).includes(c.id));
});

test('verification-due lists editable, never-verified resources', async () => {
  const r = await createResource(w.staffA, resourceInput(w.staffA.user.org_id, w.d1.id, { name: '確認期限ひろば' }));
  const due = assertOk(await w.staffA.get('/api/v1/verification-due'));
  const items = due.items;
  assert.ok(Array.isArray(items));
  assert.ok(items.some((i) => i.id === r.id), 'never verified -> due');
  // most overdue first: never verified, then the oldest check (the demo's places have dates)
  const keys = assertOk(await w.coord.get('/api/v1/verification-due')).items.map((i) => [i.verified_at || '', i.id]);
  assert.ok(keys.some(([d]) => d !== ''), 'the demo has places verified long ago');
  for (let k = 1; k < keys.length; k++) {
    const [a, b] = [keys[k - 1], keys[k]];
    assert.ok(a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]), `order at ${k}: ${JSON.stringify(keys)}`);
  }
  const other = assertOk(await w.staffB.get('/api/v1/verification-due')).items;
  assert.ok(!other.some((i) => i.id === r.id), 'staff_b cannot edit it -> not listed');
  assertOk(await w.staffA.post(`/api/v1/resources/${r.id}/verify`));
  assert.ok(!assertOk(await w.staffA.get('/api/v1/verification-due')).items.some((i) => i.id === r.id), 'verified -> not due');
  assertError(await srv.anon().get('/api/v1/verification-due'), 401, 'unauthorized');
});

test('staff_b cannot PUT/DELETE/verify staff_a\'s resource (403), nothing changes', async () => {
  const r = await createResource(w.staffA, resourceInput(w.staffA.user.org_id, w.d1.id, { name: '権限確認ひろば' }));
  const upd = toInput(r);
  upd.name = '乗っ取り';
  assertError(await w.staffB.put(`/api/v1/resources/${r.id}`, upd), 403, 'forbidden');
  upd.org_id = w.staffB.user.org_id; // nor by claiming it for their own org
  assertError(await w.staffB.put(`/api/v1/resources/${r.id}`, upd), 403, 'forbidden');
  assertError(await w.staffB.del(`/api/v1/resources/${r.id}`), 403, 'forbidden');
  assertError(await w.staffB.post(`/api/v1/resources/${r.id}/verify`), 403, 'forbidden');
  const g = assertOk(await w.staffA.get(`/api/v1/resources/${r.id}`));
  assert.equal(g.name, '権限確認ひろば');
  assert.equal(g.version, 1);
  assert.equal(g.verified_at, null);
  assert.equal(assertOk(await w.staffB.get(`/api/v1/resources/${r.id}`)).can_edit, false);
  // staff_a cannot move its resource to staff_b's org either.
  const move = toInput(g);
  move.org_id = w.staffB.user.org_id;
  assertError(await w.staffA.put(`/api/v1/resources/${r.id}`, move), 403, 'forbidden');
  assert.equal(assertOk(await w.admin.get(`/api/v1/resources/${r.id}`)).org.id, w.staffA.user.org_id);
});

test('staff may only create for their own org', async () => {
  const input = resourceInput(w.staffA.user.org_id, w.d1.id, { name: '他団体名義ひろば' });
  assertError(await w.staffB.post('/api/v1/resources', input), 403, 'forbidden');
  assert.deepEqual(await searchIds(w.admin, 'q=' + encodeURIComponent('他団体名義ひろば')), []);
});

test('anonymous and viewer cannot write', async () => {
  const r = await createResource(w.staffA, resourceInput(w.staffA.user.org_id, w.d1.id, { name: '閲覧者確認ひろば' }));
  const input = resourceInput(w.staffA.user.org_id, w.d1.id, { name: '匿名作成ひろば' });
  const an = await srv.anon().post('/api/v1/resources', input);
  assert.ok([401, 403].includes(an.status), `anonymous POST: ${an.status}`);
  assertError(an, an.status);
  const an2 = await srv.anon().del(`/api/v1/resources/${r.id}`);
  assert.ok([401, 403].includes(an2.status), `anonymous DELETE: ${an2.status}`);
  const viewer = await srv.login('viewer');
  assertError(await viewer.post('/api/v1/resources', { ...input, org_id: viewer.user.org_id }), 403, 'forbidden');
  const upd = toInput(r);
  upd.name = '閲覧者が変更';
  assertError(await viewer.put(`/api/v1/resources/${r.id}`, upd), 403, 'forbidden');
  assertError(await viewer.del(`/api/v1/resources/${r.id}`), 403, 'forbidden');
  assert.equal(assertOk(await viewer.get(`/api/v1/resources/${r.id}`)).can_edit, false);
  assert.deepEqual(await searchIds(w.admin, 'q=' + encodeURIComponent('匿名作成ひろば')), []);
  assert.equal(assertOk(await w.admin.get(`/api/v1/resources/${r.id}`)).name, '閲覧者確認ひろば');
});

test('coordinator edits any resource in its area; not outside', async () => {
  const r = await createResource(w.staffA, resourceInput(w.staffA.user.org_id, w.d1.id, { name: '調整役確認ひろば' }));
  assert.equal(assertOk(await w.coord.get(`/api/v1/resources/${r.id}`)).can_edit, true);
  const upd = toInput(r);
  upd.name = '調整役が更新';
  const u = assertOk(await w.coord.put(`/api/v1/resources/${r.id}`, upd));
  assert.equal(u.name, '調整役が更新');
  assert.equal(u.org.id, w.staffA.user.org_id, 'org unchanged');
  assertOk(await w.coord.post(`/api/v1/resources/${r.id}/verify`));
  const rb = await createResource(w.staffB, resourceInput(w.staffB.user.org_id, w.d2.id, { name: '調整役確認B' }));
  assert.equal((await w.coord.del(`/api/v1/resources/${rb.id}`)).status, 204);
  if (w.notInWard.length) {
    // e.g. a resource registered at city level is not inside the ward.
    const out = await createResource(w.admin, resourceInput(w.staffB.user.org_id, w.notInWard[0].id, { name: '区外ひろば' }));
    assert.equal(assertOk(await w.coord.get(`/api/v1/resources/${out.id}`)).can_edit, false);
    const o = toInput(out);
    o.name = '区外を変更';
    assertError(await w.coord.put(`/api/v1/resources/${out.id}`, o), 403, 'forbidden');
    assertError(await w.coord.del(`/api/v1/resources/${out.id}`), 403, 'forbidden');
    assert.equal(assertOk(await w.admin.get(`/api/v1/resources/${out.id}`)).name, '区外ひろば');
  }
});

test('non-public resources: invisible to anonymous (search and 404), visible to users', async () => {
  const r = await createResource(w.staffA, resourceInput(w.staffA.user.org_id, w.d1.id, { name: '非公開確認ひろば', is_public: false }));
  const q = 'q=' + encodeURIComponent('非公開確認ひろば');
  assert.deepEqual(await searchIds(srv.anon(), q), []);
  assertError(await srv.anon().get(`/api/v1/resources/${r.id}`), 404, 'not_found');
  // Same answer as for an id that does not exist (no existence oracle).
  const missing = await srv.anon().get('/api/v1/resources/987654321');
  assertError(missing, 404, 'not_found');
  const viewer = await srv.login('viewer');
  assert.ok((await searchIds(viewer, q)).includes(r.id));
  assertOk(await viewer.get(`/api/v1/resources/${r.id}`));
  assertOk(await w.staffB.get(`/api/v1/resources/${r.id}`));
  // Anonymous search only ever returns public resources.
  const all = assertOk(await srv.anon().get('/api/v1/resources?limit=100'));
  for (const it of all.items) assert.equal(it.is_public, true, `anonymous search returned non-public ${it.id}`);
});

test('history: a location from while the resource was confidential stays hidden after it is not', async () => {
  const r = await createResource(w.staffA, resourceInput(w.staffA.user.org_id, w.d1.id, {
    name: '履歴秘匿シェルター', is_confidential: true, front_door: '045-000-3333',
    address: { postal_code: '231-0001', prefecture: '神奈川県', city: 'みなと市さくら区', line: '旧所在地7-7-7', building: null },
    location: { lat: 35.4477, lon: 139.6177 },
  }));
  // It moves and stops being confidential: its new place is public.
  const upd = toInput(r);
  upd.is_confidential = false;
  upd.address = { ...upd.address, line: '新所在地1-1-1' };
  upd.location = { lat: 35.4555, lon: 139.6555 };
  assertOk(await w.staffA.put(`/api/v1/resources/${r.id}`, upd));
  const viewer = await srv.login('viewer');
  const hidden = [['staff_b', w.staffB]];
  if (viewer.user.org_id !== w.staffA.user.org_id) hidden.push(['viewer', viewer]);
  for (const [who, c] of hidden) {
    const res = await c.get(`/api/v1/resources/${r.id}/changes`);
    assert.equal(assertOk(res).items.length, 2);
    assert.ok(!res.text.includes('旧所在地7-7-7') && !res.text.includes('139.6177'), `${who}: the old, confidential place leaks`);
    assert.ok(res.text.includes('新所在地1-1-1'), `${who}: the new, public place is shown`);
  }
  for (const [who, c] of [['staff_a', w.staffA], ['coord', w.coord], ['admin', w.admin]]) {
    const last = assertOk(await w.admin.get('/api/v1/audit?limit=1')).items[0]?.id ?? 0;
    const res = await c.get(`/api/v1/resources/${r.id}/changes`);
    assertOk(res);
    assert.ok(res.text.includes('旧所在地7-7-7'), `${who}: may see the old place`);
    const reads = assertOk(await w.admin.get('/api/v1/audit?limit=100')).items.filter((e) => e.id > last &&
      e.action === 'read' && e.object_type === 'resource_location' && String(e.object_id) === String(r.id));
    assert.deepEqual(reads.map((e) => [e.detail, e.user_id]), [['history', c.user.id]], `${who}: audited`);
  }
});

test('confidential resource: address/location only for own org, coordinator, admin', async () => {
  const input = resourceInput(w.staffA.user.org_id, w.d1.id, {
    name: '秘匿確認シェルター', is_confidential: true, front_door: '045-000-1111 (代表窓口)',
    location: { lat: 35.4401, lon: 139.6302 },
  });
  const r = await createResource(w.staffA, input);
  const viewer = await srv.login('viewer');
  const hidden = [['anonymous', srv.anon()], ['staff_b', w.staffB]];
  const shown = [['staff_a', w.staffA], ['coord', w.coord], ['admin', w.admin]];
  // The viewer sees it only if it belongs to staff_a's organization.
  (viewer.user.org_id === w.staffA.user.org_id ? shown : hidden).push(['viewer', viewer]);
  for (const [who, c] of hidden) {
    const g = assertOk(await c.get(`/api/v1/resources/${r.id}`));
    assert.equal(g.address, null, `${who}: address`);
    assert.equal(g.location, null, `${who}: location`);
    assert.equal(g.address_hidden, true, `${who}: address_hidden`);
    assert.equal(g.front_door, '045-000-1111 (代表窓口)', `${who}: front_door`);
    assert.ok(!JSON.stringify(g).includes('本町1-2-3'), `${who}: no address text anywhere`);
    assert.ok(!JSON.stringify(g).includes('139.6302'), `${who}: no coordinates anywhere`);
    // Search: same hiding, and no distance (which would leak the location).
    const s = assertOk(await c.get('/api/v1/resources?q=' + encodeURIComponent('秘匿確認シェルター')));
    const it = s.items.find((i) => i.id === r.id);
    assert.ok(it, `${who}: appears in search`);
    assert.equal(it.address, null);
    assert.equal(it.location, null);
    assert.equal(it.address_hidden, true);
    const near = assertOk(await c.get('/api/v1/resources?near=35.44,139.63&limit=100&radius_km=50'));
    const n = near.items.find((i) => i.id === r.id);
    if (n) assert.ok(n.distance_m === null || n.distance_m === undefined, `${who}: no distance for a hidden location`);
    const near2 = assertOk(await c.get('/api/v1/resources?near=35.4401,139.6302&sort=distance&radius_km=0.05&limit=100'));
    assert.ok(!near2.items.some((i) => i.id === r.id && typeof i.distance_m === 'number'), `${who}: radius cannot locate it`);
    const ch = await c.get(`/api/v1/resources/${r.id}/changes`);
    if (ch.status === 200) assert.ok(!ch.text.includes('本町1-2-3'), `${who}: history leaks the address`);
  }
  for (const [who, c] of shown) {
    const g = assertOk(await c.get(`/api/v1/resources/${r.id}`));
    assert.deepEqual(g.address, input.address, `${who}: address`);
    assert.deepEqual(g.location, input.location, `${who}: location`);
    assert.equal(g.address_hidden, false, `${who}: address_hidden`);
  }
  // Search never matches the address: found / not found for a guess at it would
  // locate the place. The index is shared by all viewers, so no one matches on it.
  for (const [who, c] of [...hidden, ...shown]) {
    for (const part of ['本町1-2-3', '本町', 'さくらビル']) {
      const s = assertOk(await c.get('/api/v1/resources?limit=100&q=' + encodeURIComponent(`秘匿確認シェルター ${part}`)));
      assert.ok(!s.items.some((i) => i.id === r.id), `${who}: a search for its address (${part}) finds it`);
    }
  }
  // Showing a confidential location in search results is an audited read, as GET is;
  // a search that hides it is not.
  const last = assertOk(await w.admin.get('/api/v1/audit?limit=1')).items[0]?.id ?? 0;
  assertOk(await w.coord.get('/api/v1/resources?q=' + encodeURIComponent('秘匿確認シェルター')));
  assertOk(await w.staffB.get('/api/v1/resources?q=' + encodeURIComponent('秘匿確認シェルター')));
  const au = assertOk(await w.admin.get('/api/v1/audit?limit=100')).items.filter((e) => e.id > last);
  const reads = au.filter((e) => e.action === 'read' && e.object_type === 'resource_location' &&
    String(e.object_id) === String(r.id));
  assert.equal(reads.length, 1, `one audited read: ${JSON.stringify(au)}`);
  assert.equal(reads[0].user_id, w.coord.user.id);
  assert.equal(reads[0].detail, 'search');
  // The same for every other view that shows the location: HSDS, history, verification due.
  const last2 = au.length ? Math.max(...au.map((e) => e.id)) : last;
  const svc = assertOk(await w.coord.get(`/hsds/services/${r.uuid}`));
  assert.ok(JSON.stringify(svc).includes('139.6302'), 'HSDS shows the coordinator the location');
  assertOk(await w.staffA.get(`/api/v1/resources/${r.id}/changes`));
  const due = assertOk(await w.staffA.get('/api/v1/verification-due'));
  assert.ok(due.items.some((i) => i.id === r.id), 'due for verification');
  assertOk(await w.staffB.get(`/hsds/services/${r.uuid}`));
  assertOk(await w.staffB.get(`/api/v1/resources/${r.id}/changes`));
  const au2 = assertOk(await w.admin.get('/api/v1/audit?limit=100')).items.filter((e) => e.id > last2 &&
    e.action === 'read' && e.object_type === 'resource_location' && String(e.object_id) === String(r.id));
  assert.deepEqual(au2.map((e) => [e.detail, e.user_id]).sort(),
    [['history', w.staffA.user.id], ['hsds', w.coord.user.id], ['verification_due', w.staffA.user.id]].sort(),
    JSON.stringify(au2));
  const hs = assertOk(await srv.anon().get('/hsds/services?per_page=50&search=' +
    encodeURIComponent('秘匿確認シェルター 本町1-2-3')));
  assert.ok(!hs.contents.some((x) => x.name === '秘匿確認シェルター'), 'HSDS: a search for its address finds it');
  const hn = assertOk(await srv.anon().get('/hsds/services?per_page=50&search=' + encodeURIComponent('秘匿確認シェルター')));
  assert.ok(hn.contents.some((x) => x.name === '秘匿確認シェルター'), 'HSDS: found by its name');
});

test('fee: free, paid or not known; free=1 finds only the free ones', async () => {
  const org = w.staffA.user.org_id;
  const mk = (name, fee) => createResource(w.staffA, { ...resourceInput(org, w.d1.id, { name }), ...(fee === undefined ? {} : { fee }) });
  const free = await mk('料金確認むりょう', { free: true, text: null });
  const paid = await mk('料金確認ゆうりょう', { free: false, text: '1回300円' });
  const unknown = await mk('料金確認ふめい', { free: null, text: null });
  const absent = { ...resourceInput(org, w.d1.id, { name: '料金確認なし' }) };
  delete absent.fee;
  const none = await createResource(w.staffA, absent);
  assert.deepEqual(free.fee, { free: true, text: null });
  assert.deepEqual(paid.fee, { free: false, text: '1回300円' });
  assert.deepEqual(unknown.fee, { free: null, text: null });
  assert.deepEqual(none.fee, { free: null, text: null }, 'no fee given: not known');
  const got = assertOk(await w.staffA.get(`/api/v1/resources/${unknown.id}`));
  assert.equal(got.fee.free, null, 'stored as not known');
  const found = (extra) => searchIds(srv.anon(), 'q=' + encodeURIComponent('料金確認') + extra);
  assert.deepEqual((await found('')).sort(), [free.id, paid.id, unknown.id, none.id].sort());
  assert.deepEqual(await found('&free=1'), [free.id], 'not known is not free');
  // A wrong type says which values are allowed; nothing is written.
  const bad = await w.staffA.post('/api/v1/resources', { ...resourceInput(org, w.d1.id, { name: '料金確認だめ' }), fee: { free: 'no', text: null } });
  assertError(bad, 400, 'invalid');
  assert.equal(bad.json.error.field, 'fee.free');
  assert.deepEqual(await searchIds(w.admin, 'q=' + encodeURIComponent('料金確認だめ')), []);
  // Not known can be set back to known, and known to not known.
  const upd = assertOk(await w.staffA.put(`/api/v1/resources/${unknown.id}`, { ...toInput(got), fee: { free: false, text: null } }));
  assert.deepEqual(upd.fee, { free: false, text: null });
  const back = assertOk(await w.staffA.put(`/api/v1/resources/${unknown.id}`, { ...toInput(upd), fee: { free: null, text: null } }));
  assert.deepEqual(back.fee, { free: null, text: null });
});
