// Every class of bad input: 400/404/409/413/415 with the error shape, and
// after each failure nothing was written.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, assertError, assertOk, loadWorld, resourceInput, createResource, toInput,
} from './lib.mjs';

let srv, w, R, base;

before(async () => {
  srv = await startServer();
  w = await loadWorld(srv);
  R = await createResource(w.staffA, resourceInput(w.staffA.user.org_id, w.d1.id, { name: '入力検査ひろば' }));
  base = toInput(R);
});
after(async () => { await srv?.stop(); });

async function total() {
  return assertOk(await w.admin.get('/api/v1/resources?limit=1')).total;
}
/** R is exactly as created. */
async function unchanged() {
  const g = assertOk(await w.admin.get(`/api/v1/resources/${R.id}`));
  assert.equal(g.version, R.version, 'version unchanged');
  assert.equal(g.name, R.name, 'name unchanged');
  assert.equal(g.updated_at, R.updated_at, 'updated_at unchanged');
  assert.deepEqual(g.hours, R.hours);
  const ch = assertOk(await w.admin.get(`/api/v1/resources/${R.id}/changes`)).items;
  assert.equal(ch.length, 1, 'only the create in the history');
}
const put = (body, h) => w.staffA.put(`/api/v1/resources/${R.id}`, body, h);
const post = (body, h) => w.staffA.post('/api/v1/resources', body, h);

test('malformed JSON -> 400 invalid with a message', async () => {
  const n = await total();
  for (const bad of ['{', '{"name":}', '[1,2', 'null x', '', '{"name":"a",}', "{'name':'a'}", '{"name":"\\ud800"}']) {
    assertError(await post(bad, { 'Content-Type': 'application/json' }), 400, 'invalid');
    assertError(await put(bad, { 'Content-Type': 'application/json' }), 400, 'invalid');
  }
  // A JSON value that is not an object.
  for (const bad of ['[]', '"x"', '42', 'null', 'true']) assertError(await post(bad, { 'Content-Type': 'application/json' }), 400, 'invalid');
  assert.equal(await total(), n, 'nothing created');
  await unchanged();
});

test('invalid UTF-8 in the body -> 400', async () => {
  const n = await total();
  for (const bytes of [[0xff], [0xc3], [0xe3, 0x81], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xf8, 0x88, 0x80, 0x80, 0x80]]) {
    const json = JSON.stringify({ ...base, name: '@@NAME@@' });
    const [a, b] = json.split('@@NAME@@');
    const body = Buffer.concat([Buffer.from(a), Buffer.from('入力'), Buffer.from(bytes), Buffer.from(b)]);
    assertError(await put(body, { 'Content-Type': 'application/json' }), 400, 'invalid');
    const json2 = JSON.stringify({ ...resourceInput(w.staffA.user.org_id, w.d1.id), name: '@@NAME@@' });
    const [c, d] = json2.split('@@NAME@@');
    assertError(await post(Buffer.concat([Buffer.from(c), Buffer.from(bytes), Buffer.from(d)]), { 'Content-Type': 'application/json' }), 400, 'invalid');
  }
  assert.equal(await total(), n);
  await unchanged();
});

test('invalid UTF-8 in a query parameter -> 400 whose message quotes it safely', async () => {
  for (const [qs, field] of [['type=%ff', 'type'], ['services=%ff%fe', 'services'], ['access=%c3', 'access']]) {
    const e = assertError(await w.admin.get(`/api/v1/resources?${qs}`), 400, 'invalid');
    assert.equal(e.field, field);
    assert.ok(e.message.includes('\ufffd'), e.message);
  }
});

test('%00 in a path or a query value: 404 / 400 with its field, never the text before it', async () => {
  // A decoded NUL used to end the string: DELETE /resources/ID%00x deleted ID.
  const victim = await createResource(w.staffA, resourceInput(w.staffA.user.org_id, w.d1.id, { name: 'NUL検査ひろば' }));
  assertError(await w.staffA.del(`/api/v1/resources/${victim.id}%00zzz`), 404, 'not_found');
  assertError(await w.staffA.get(`/api/v1/resources/${victim.id}%00`), 404, 'not_found');
  assertError(await w.admin.get('/api/v1/orgs/1%00'), 404, 'not_found');
  assertOk(await w.admin.get(`/api/v1/resources/${victim.id}`));
  for (const [qs, field] of [['limit=1%00abc', 'limit'], ['day=1%00x', 'day'], ['area=4%00x', 'area'], ['q=%E3%81%B2%00', 'q']]) {
    const e = assertError(await w.admin.get(`/api/v1/resources?${qs}`), 400, 'invalid');
    assert.equal(e.field, field, qs);
  }
  assert.equal(assertError(await srv.anon().get('/hsds/services?search=a%00'), 400, 'invalid').field, 'search');
  // other escapes still decode
  assertOk(await w.admin.get(`/api/v1/resources?q=${encodeURIComponent('NUL検査')}`));
});

test('body over 1 MiB -> 413 too_large', async () => {
  const n = await total();
  const big = { ...resourceInput(w.staffA.user.org_id, w.d1.id), description: 'あ'.repeat(400 * 1024) }; // ~1.2 MB
  assert.ok(Buffer.byteLength(JSON.stringify(big)) > 1024 * 1024);
  assertError(await post(big), 413, 'too_large');
  assertError(await put({ ...base, description: 'a'.repeat(1024 * 1024 + 10) }), 413, 'too_large');
  assert.equal(await total(), n);
  await unchanged();
  // Just under the limit is not refused as too large.
  const ok = await post({ ...resourceInput(w.staffA.user.org_id, w.d1.id), description: 'a'.repeat(1000 * 1000) });
  assert.notEqual(ok.status, 413);
  if (ok.status === 201) assertOk(await w.staffA.del(`/api/v1/resources/${ok.json.id}`), 204);
});

test('wrong content type -> 415 unsupported_media_type', async () => {
  const n = await total();
  const body = JSON.stringify(resourceInput(w.staffA.user.org_id, w.d1.id));
  for (const ct of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/csv', 'application/jsonx']) {
    assertError(await post(body, { 'Content-Type': ct }), 415, 'unsupported_media_type');
    assertError(await put(JSON.stringify(base), { 'Content-Type': ct }), 415, 'unsupported_media_type');
  }
  assertError(await post(body, {}), 415, 'unsupported_media_type'); // no Content-Type at all
  // A charset parameter is fine.
  const ok = await post(body, { 'Content-Type': 'application/json; charset=utf-8' });
  assert.equal(ok.status, 201, ok.text);
  assert.equal(await total(), n + 1);
  await unchanged();
});

test('wrong field types -> 400 invalid with error.field', async () => {
  const n = await total();
  const cases = [
    [{ name: 123 }, 'name'],
    [{ name: '' }, 'name'],
    [{ name: null }, 'name'],
    [{ name: 'あ'.repeat(201) }, 'name'],
    [{ capacity: 'many' }, 'capacity'],
    [{ capacity: 1.5 }, 'capacity'],
    [{ is_public: 'yes' }, 'is_public'],
    [{ type: 'no_such_type' }, 'type'],
    [{ services: 'ibasho' }, 'services'],
    [{ services: ['ibasho', 'no_such_tag'] }, 'services[1]'],
    [{ location: { lat: 'x', lon: 139.6 } }, 'location.lat'],
    [{ location: { lat: 95, lon: 139.6 } }, 'location.lat'],
    [{ ages: { min_months: 'zero', max_months: 3 } }, 'ages.min_months'],
    [{ hours: [{ weekday: 1, open: '10:00', close: '12:00' }, { weekday: 1, open: '1000', close: '12:00' }] }, 'hours[1].open'],
    [{ hours: [{ weekday: 1, open: '10:00', close: '12:00' }, { weekday: 1, open: '25:00', close: '26:00' }, { weekday: 9, open: '10:00', close: '11:00' }] }, 'hours[1].open'],
    [{ hours: [{ weekday: 9, open: '10:00', close: '11:00' }] }, 'hours[0].weekday'],
    [{ hours: [{ weekday: 1, open: '12:00', close: '10:00' }] }, 'hours[0].close'],
    [{ exceptions: [{ date: '2026-02-30', closed: true, open: null, close: null, note: null }] }, 'exceptions[0].date'],
    [{ address: { ...base.address, postal_code: 'abc' } }, 'address.postal_code'],
    [{ phone: 'call me' }, 'phone'],
    [{ email: 'not-an-email' }, 'email'],
    [{ url: 'javascript:alert(1)' }, 'url'],
    [{ area_id: 987654 }, 'area_id'],
    [{ org_id: 'one' }, 'org_id'],
  ];
  const failures = [];
  for (const [over, field] of cases) {
    const rp = await post({ ...resourceInput(w.staffA.user.org_id, w.d1.id), ...over });
    const ru = await put({ ...base, ...over });
    for (const [what, r] of [['POST', rp], ['PUT', ru]]) {
      if (r.status !== 400 || r.json?.error?.code !== 'invalid' || r.json?.error?.field !== field) {
        failures.push(`${what} ${JSON.stringify(over).slice(0, 80)}: expected 400 invalid field=${field}, got ${r.status} ${r.text.slice(0, 160)}`);
      } else assertError(r, 400, 'invalid');
    }
  }
  assert.deepEqual(failures, []);
  assert.equal(await total(), n);
  await unchanged();
});

test('unknown fields -> 400', async () => {
  const n = await total();
  for (const over of [{ colour: 'red' }, { address: { ...base.address, floor: 3 } }, { hours: [{ weekday: 1, open: '10:00', close: '12:00', note: 'x' }] }]) {
    assertError(await post({ ...resourceInput(w.staffA.user.org_id, w.d1.id), ...over }), 400, 'invalid');
    assertError(await put({ ...base, ...over }), 400, 'invalid');
  }
  const e = assertError(await post({ ...resourceInput(w.staffA.user.org_id, w.d1.id), colour: 'red' }), 400, 'invalid');
  assert.equal(e.field, 'colour');
  assert.equal(await total(), n);
  await unchanged();
});

test('missing version on PUT -> 400; unknown ids -> 404', async () => {
  const { version, ...noVersion } = base;
  void version;
  const e = assertError(await put(noVersion), 400, 'invalid');
  assert.equal(e.field, 'version');
  for (const id of ['987654321', '0', '-1', 'abc', '1.5', '99999999999999999999999']) {
    const g = await w.admin.get(`/api/v1/resources/${id}`);
    assertError(g, 404);
    assertError(await w.admin.put(`/api/v1/resources/${id}`, base), 404);
    assertError(await w.admin.del(`/api/v1/resources/${id}`), 404);
    assertError(await w.admin.post(`/api/v1/resources/${id}/verify`), 404);
    assertError(await w.admin.get(`/api/v1/resources/${id}/changes`), 404);
  }
  assertError(await w.admin.get('/api/v1/orgs/987654321'), 404, 'not_found');
  assertError(await w.admin.put('/api/v1/users/987654321', { display_name: 'x', role: 'viewer', org_id: 1, disabled: false }), 404, 'not_found');
  await unchanged();
});

test('stale version on PUT -> 409 conflict, the newer state is kept', async () => {
  const r = await createResource(w.staffA, resourceInput(w.staffA.user.org_id, w.d1.id, { name: '競合確認ひろば' }));
  const v1 = toInput(r);
  const a = assertOk(await w.staffA.put(`/api/v1/resources/${r.id}`, { ...v1, name: '競合確認ひろば・A' }));
  assert.equal(a.version, 2);
  // Second editor still holds version 1.
  assertError(await w.coord.put(`/api/v1/resources/${r.id}`, { ...v1, name: '競合確認ひろば・B' }), 409, 'conflict');
  assertError(await w.staffA.put(`/api/v1/resources/${r.id}`, { ...v1, version: 99, name: '競合確認ひろば・C' }), 409, 'conflict');
  const g = assertOk(await w.admin.get(`/api/v1/resources/${r.id}`));
  assert.equal(g.name, '競合確認ひろば・A');
  assert.equal(g.version, 2);
  assert.equal(assertOk(await w.admin.get(`/api/v1/resources/${r.id}/changes`)).items.length, 2);
});

test('a failed multi-part write leaves nothing half-written', async () => {
  // Valid hours but an invalid exception: neither may be stored.
  const over = { hours: [{ weekday: 2, open: '09:00', close: '10:00' }], exceptions: [{ date: 'yesterday', closed: true, open: null, close: null, note: null }] };
  assertError(await put({ ...base, ...over }), 400, 'invalid');
  await unchanged();
});

test('other JSON endpoints validate too', async () => {
  const admin = w.admin;
  const n = assertOk(await admin.get('/api/v1/users')).items.length;
  let e = assertError(await admin.post('/api/v1/users', { login: 'x', display_name: 'X', role: 'viewer', org_id: w.staffA.user.org_id, password: 'long-enough-pw' }), 400, 'invalid');
  assert.equal(e.field, 'login');
  e = assertError(await admin.post('/api/v1/users', { login: 'newuser1', display_name: 'X', role: 'king', org_id: w.staffA.user.org_id, password: 'long-enough-pw' }), 400, 'invalid');
  assert.equal(e.field, 'role');
  e = assertError(await admin.post('/api/v1/users', { login: 'newuser1', display_name: 'X', role: 'viewer', org_id: w.staffA.user.org_id, password: 'short' }), 400, 'invalid');
  assert.equal(e.field, 'password');
  const dup = await admin.post('/api/v1/users', { login: 'admin', display_name: 'X', role: 'viewer', org_id: w.staffA.user.org_id, password: 'long-enough-pw' });
  assert.ok([400, 409].includes(dup.status), `duplicate login: ${dup.status}`);
  assertError(dup, dup.status);
  assert.equal(assertOk(await admin.get('/api/v1/users')).items.length, n);
  e = assertError(await w.coord.post('/api/v1/types', { code: 'Bad Code', name_ja: 'x', name_en: 'x' }), 400, 'invalid');
  assert.equal(e.field, 'code');
  assertError(await w.staffA.post('/api/v1/types', { code: 'staff_type', name_ja: 'x', name_en: 'x' }), 403, 'forbidden');
  assertError(await admin.post('/api/v1/orgs', { name: '' }), 400, 'invalid');
  assertError(await w.coord.post('/api/v1/orgs', { name: '調整役が作る団体' }), 403, 'forbidden');
});

test('names of spaces only, and negative counts or ages, are refused with their field', async () => {
  const n0 = await total();
  for (const [over, field] of [[{ capacity: -1 }, 'capacity'], [{ ages: { min_months: -1, max_months: null } }, 'ages.min_months'],
    [{ ages: { min_months: 0, max_months: -5 } }, 'ages.max_months'], [{ name: '\u3000 ' }, 'name']]) {
    const e = assertError(await w.staffA.post('/api/v1/resources', resourceInput(w.staffA.user.org_id, w.d1.id, over)), 400, 'invalid');
    assert.equal(e.field, field, JSON.stringify(over));
  }
  assert.equal(await total(), n0, 'nothing created');
  const org = assertOk(await w.admin.get(`/api/v1/orgs/${w.staffA.user.org_id}`));
  for (const name of ['   ', '\u3000', ' \u3000\t']) {
    assert.equal(assertError(await w.admin.post('/api/v1/orgs', { name, area_id: w.d1.id }), 400, 'invalid').field, 'name');
    assert.equal(assertError(await w.admin.put(`/api/v1/orgs/${org.id}`, { name }), 400, 'invalid').field, 'name');
  }
  assert.equal(assertOk(await w.admin.get(`/api/v1/orgs/${org.id}`)).name, org.name, 'the name is kept');
  const me = w.staffB.user;
  assert.equal(assertError(await w.admin.put(`/api/v1/users/${me.id}`, { display_name: '\u3000\u3000' }), 400, 'invalid').field, 'display_name');
  assert.equal(assertError(await w.admin.post('/api/v1/users', { login: 'blankname', display_name: '  ', role: 'viewer', org_id: org.id, password: 'long-enough-pw' }), 400, 'invalid').field, 'display_name');
  assert.equal(assertError(await w.coord.post('/api/v1/types', { code: 'blank_type', name_ja: '\u3000', name_en: 'x' }), 400, 'invalid').field, 'name_ja');
});
