// Search: normalization, word order, short queries, filters, distance, highlights, paging.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, assertError, assertOk, loadWorld, resourceInput, createResource, searchIds, cpSlice, toInput,
} from './lib.mjs';

let srv, w, F1, F2, F3, KANA, WORD, ONE, WIDE, OPEN, CLOSED;
const MARK = 'フィルタ検証';
const q = (s) => 'q=' + encodeURIComponent(s);
const sorted = (a) => [...a].sort((x, y) => x - y);

before(async () => {
  srv = await startServer();
  w = await loadWorld(srv);
  const org = w.staffA.user.org_id;
  const mk = (over) => createResource(w.staffA, resourceInput(org, w.d1.id, over));
  F1 = await mk({ name: `${MARK}ひろば`, type: 'tsudoi', ages: { min_months: 0, max_months: 36 }, fee: { free: true, text: null },
    services: ['ibasho', 'soudan'], hours: [{ weekday: 1, open: '10:00', close: '15:00' }], location: { lat: 35.44, lon: 139.63 } });
  F2 = await createResource(w.staffA, resourceInput(org, w.d2.id, { name: `${MARK}食堂`, type: 'kodomo_shokudo',
    ages: { min_months: 36, max_months: 180 }, fee: { free: false, text: '300円' }, services: ['shokuji'],
    hours: [{ weekday: 3, open: '17:00', close: '19:30' }], location: { lat: 35.45, lon: 139.63 } }));
  F3 = await mk({ name: `${MARK}サロン`, type: 'salon', ages: { min_months: 0, max_months: 12 }, fee: { free: true, text: null },
    services: ['ibasho'], hours: [{ weekday: 6, open: '10:00', close: '12:00' }], location: { lat: 35.48, lon: 139.63 } });
  KANA = await mk({ name: 'ひだまり試験の家', name_kana: 'ひだまりしけんのいえ' });
  WORD = await mk({ name: 'ぽかぽか試験食堂', description: 'むささび通りの集会所で毎月開催しています。' });
  ONE = await mk({ name: '楓試験の家' });
  WIDE = await mk({ name: 'ＨＯＰＥこども試験' });
  const allWeek = [0, 1, 2, 3, 4, 5, 6, 7].map((d) => ({ weekday: d, open: '00:00', close: '24:00' }));
  OPEN = await mk({ name: '営業確認いつでも', hours: allWeek, exceptions: [] });
  CLOSED = await mk({ name: '営業確認時間なし', hours: [] });
});
after(async () => { await srv?.stop(); });

test('response shape', async () => {
  const r = assertOk(await srv.anon().get(`/api/v1/resources?${q(MARK)}`));
  assert.equal(r.total, 3);
  assert.equal(r.offset, 0);
  assert.equal(r.limit, 20);
  assert.equal(r.items.length, 3);
  const it = r.items.find((i) => i.id === F1.id);
  for (const k of ['id', 'uuid', 'name', 'name_kana', 'type', 'type_name', 'org', 'area_path', 'address', 'location',
    'address_hidden', 'phone', 'ages', 'fee', 'services', 'is_public', 'is_confidential', 'verified_at',
    'verification_due', 'score', 'matched_in', 'highlights']) assert.ok(k in it, `ResourceSummary.${k}`);
  assert.equal(typeof it.score, 'number');
  assert.deepEqual(it.org, { id: F1.org.id, name: F1.org.name });
});

test('kana and width variants find the same thing: ﾋﾀﾞﾏﾘ / ヒダマリ / ひだまり', async () => {
  const sets = [];
  for (const v of ['ﾋﾀﾞﾏﾘ', 'ヒダマリ', 'ひだまり']) {
    const ids = await searchIds(srv.anon(), q(v));
    assert.ok(ids.includes(KANA.id), `${v} finds ひだまり試験の家`);
    sets.push(sorted(ids));
  }
  assert.deepEqual(sets[0], sets[1]);
  assert.deepEqual(sets[1], sets[2]);
  // Mixed: half-width katakana + kanji.
  assert.ok((await searchIds(srv.anon(), q('ﾋﾀﾞﾏﾘ試験'))).includes(KANA.id));
});

test('full-width / half-width Latin and case fold', async () => {
  for (const v of ['hope', 'HOPE', 'Ｈｏｐｅ', 'ｈｏｐｅ']) assert.ok((await searchIds(srv.anon(), q(v))).includes(WIDE.id), v);
});

test('terms match in any order, all must match', async () => {
  const a = await searchIds(srv.anon(), q('むささび ぽかぽか'));
  const b = await searchIds(srv.anon(), q('ぽかぽか　むささび')); // ideographic space
  assert.ok(a.includes(WORD.id));
  assert.deepEqual(sorted(a), sorted(b));
  assert.ok(!(await searchIds(srv.anon(), q('ぽかぽか ぺんぎんごや'))).includes(WORD.id), 'AND semantics');
});

test('variant spellings of a word find each other: こども食堂 / 子供食堂 / 子ども食堂', async () => {
  const org = w.staffA.user.org_id;
  const mk = (name) => createResource(w.staffA, resourceInput(org, w.d1.id, { name }));
  const spelled = { 'こども食堂': await mk('表記試験こども食堂'), '子供食堂': await mk('表記試験子供食堂'),
    '子ども食堂': await mk('表記試験子ども食堂'), 'コドモ食堂': await mk('表記試験コドモ食堂') };
  const want = sorted(Object.values(spelled).map((r) => r.id));
  for (const v of ['こども食堂', '子供食堂', '子ども食堂', 'ｺﾄﾞﾓ食堂']) {
    const r = assertOk(await srv.anon().get(`/api/v1/resources?${q('表記試験 ' + v)}`));
    assert.deepEqual(sorted(r.items.map((i) => i.id)), want, v);
    // each name marks its own spelling
    for (const i of r.items) {
      const own = Object.keys(spelled).find((k) => spelled[k].id === i.id);
      const marked = i.highlights.name.map(([a, b]) => cpSlice(i.name, a, b)).join('');
      assert.equal(marked, '表記試験' + own, `${v}: ${i.name}`);
    }
    const hs = assertOk(await srv.anon().get(`/hsds/services?search=${encodeURIComponent('表記試験 ' + v)}`));
    assert.equal(hs.total_items, want.length, `HSDS ${v}`);
  }
  // one character of the spelling still finds every spelling
  assert.deepEqual(sorted(await searchIds(srv.anon(), q('表記試験 子'))), want);
});

test('block numbers of addresses: 三丁目 / ３丁目 / 3丁目 find each other, and mark the address as written', async () => {
  const org = w.staffA.user.org_id;
  const mk = (line) => createResource(w.staffA, resourceInput(org, w.d1.id, {
    name: '番地表記試験', address: { postal_code: null, prefecture: '神奈川県', city: 'みなと市さくら区', line, building: null } }));
  const kanji = await mk('柊町二十三丁目4番5号');
  const digits = await mk('柊町23丁目4-5');
  const want = sorted([kanji.id, digits.id]);
  for (const v of ['柊町23丁目', '柊町２３丁目', '柊町二十三丁目']) {
    assert.deepEqual(sorted(await searchIds(srv.anon(), q('番地表記試験 ' + v))), want, v);
  }
  assert.deepEqual(await searchIds(srv.anon(), q('番地表記試験 柊町3丁目')), [], 'not 3丁目 inside 23丁目');
  const r = assertOk(await srv.anon().get(`/api/v1/resources?${q('柊町23丁目')}`));
  const it = r.items.find((i) => i.id === kanji.id);
  assert.ok(it.also_matched && it.also_matched.some((m) => m.field === 'address' &&
    m.ranges.some(([a, b]) => cpSlice(m.text, a, b).includes('二十三丁目'))), JSON.stringify(it.also_matched));
});

test('1-character query works', async () => {
  assert.ok((await searchIds(srv.anon(), q('楓'))).includes(ONE.id));
});

test('no match -> empty result, not an error', async () => {
  const r = assertOk(await srv.anon().get(`/api/v1/resources?${q('存在しない言葉ずぃぽ')}`));
  assert.equal(r.total, 0);
  assert.deepEqual(r.items, []);
});

test('highlights are code point ranges of the returned strings', async () => {
  const r = assertOk(await srv.anon().get(`/api/v1/resources?${q('ﾋﾀﾞﾏﾘ')}`));
  const it = r.items.find((i) => i.id === KANA.id);
  assert.ok(it.matched_in.includes('name'));
  assert.ok(Array.isArray(it.highlights.name) && it.highlights.name.length >= 1);
  const [s, e] = it.highlights.name[0];
  assert.equal(cpSlice(it.name, s, e), 'ひだまり');
  const r2 = assertOk(await srv.anon().get(`/api/v1/resources?${q('むささび')}`));
  const it2 = r2.items.find((i) => i.id === WORD.id);
  assert.ok(it2.matched_in.includes('description'));
  assert.equal(typeof it2.snippet, 'string');
  assert.ok(it2.highlights.snippet.length >= 1);
  for (const [a, b] of it2.highlights.snippet) assert.equal(cpSlice(it2.snippet, a, b), 'むささび');
  const r3 = assertOk(await srv.anon().get(`/api/v1/resources?${q(MARK)}`));
  for (const i of r3.items) {
    const [a, b] = i.highlights.name[0];
    assert.equal(cpSlice(i.name, a, b), MARK);
  }
});

test('why it matched: also_matched lists the texts of terms the name and snippet do not show', async () => {
  const org = w.staffA.user.org_id;
  const X = await createResource(w.staffA, resourceInput(org, w.d1.id, {
    name: '説明確認室', name_kana: 'どんぐりしつ', description: '試験用の資源です。',
    accessibility_notes: '車いす用のスロープあり', fee: { free: false, text: '1回200円（おやつ代）' },
    address: { postal_code: '231-0001', prefecture: '神奈川県', city: 'みなと市さくら区', line: '本町1-2-3', building: 'みらいビル' },
    services: ['soudan'],
  }));
  const find = async (query) => {
    const r = assertOk(await srv.anon().get(`/api/v1/resources?limit=100&${q(query)}`));
    const it = r.items.find((i) => i.id === X.id);
    assert.ok(it, `${query} finds it`);
    return it;
  };
  const cases = [
    ['ﾄﾞﾝｸﾞﾘ', 'kana', 'どんぐりしつ', ['どんぐり']],
    ['スロープ', 'access_notes', '車いす用のスロープあり', ['スロープ']],
    ['おやつ', 'fee', '1回200円（おやつ代）', ['おやつ']],
    ['みらいビル', 'address', '神奈川県 みなと市さくら区 本町1-2-3 みらいビル', ['みらいビル']],
    ['相談', 'service', '相談', ['相談']],
    // the organization's name is two words: two terms, each marked
    [w.staffA.user.org_name, 'org', w.staffA.user.org_name, w.staffA.user.org_name.split(/\s+/)],
  ];
  for (const [term, field, text, marked] of cases) {
    const it = await find(term);
    assert.deepEqual(it.highlights.name, [], `${term}: not in the name`);
    assert.equal(it.also_matched?.length, 1, `${term}: ${JSON.stringify(it.also_matched)}`);
    const [m] = it.also_matched;
    assert.equal(m.field, field, term);
    assert.equal(m.text, text, term);
    assert.deepEqual(m.ranges.map(([a, b]) => cpSlice(m.text, a, b)), marked, term);
  }
  // Only the terms the page does not show: 説明確認 is marked in the name.
  const both = await find('説明確認 スロープ');
  assert.equal(cpSlice(both.name, ...both.highlights.name[0]), '説明確認');
  assert.deepEqual(both.also_matched.map((m) => m.field), ['access_notes']);
  // Two terms in one text: one entry, both marked.
  const two = await find('車いす スロープ');
  assert.equal(two.also_matched.length, 1);
  assert.deepEqual(two.also_matched[0].ranges.map(([a, b]) => cpSlice(two.also_matched[0].text, a, b)), ['車いす', 'スロープ']);
  // Nothing to explain: no member at all.
  const named = await find('説明確認室');
  assert.ok(!('also_matched' in named), JSON.stringify(named));
});

test('filter: type (comma = OR)', async () => {
  assert.deepEqual(await searchIds(srv.anon(), `${q(MARK)}&type=kodomo_shokudo`), [F2.id]);
  assert.deepEqual(sorted(await searchIds(srv.anon(), `${q(MARK)}&type=tsudoi,salon`)), sorted([F1.id, F3.id]));
});

test('filter: area includes everything inside it', async () => {
  assert.deepEqual(sorted(await searchIds(srv.anon(), `${q(MARK)}&area=${w.ward.id}`)), sorted([F1.id, F2.id, F3.id]));
  const inD1 = await searchIds(srv.anon(), `${q(MARK)}&area=${w.d1.id}`);
  assert.ok(inD1.includes(F1.id) && inD1.includes(F3.id));
  if (w.d1.id !== w.d2.id) assert.ok(!inD1.includes(F2.id));
  if (w.outside.length) assert.deepEqual(await searchIds(srv.anon(), `${q(MARK)}&area=${w.outside[0].id}`), []);
});

test('filter: age_months', async () => {
  assert.deepEqual(await searchIds(srv.anon(), `${q(MARK)}&age_months=24`), [F1.id]);
  assert.deepEqual(sorted(await searchIds(srv.anon(), `${q(MARK)}&age_months=6`)), sorted([F1.id, F3.id]));
  assert.deepEqual(sorted(await searchIds(srv.anon(), `${q(MARK)}&age_months=36`)), sorted([F1.id, F2.id]));
});

test('filter: free', async () => {
  assert.deepEqual(sorted(await searchIds(srv.anon(), `${q(MARK)}&free=1`)), sorted([F1.id, F3.id]));
});

test('filter: services (all must be present)', async () => {
  assert.deepEqual(await searchIds(srv.anon(), `${q(MARK)}&services=ibasho,soudan`), [F1.id]);
  assert.deepEqual(sorted(await searchIds(srv.anon(), `${q(MARK)}&services=ibasho`)), sorted([F1.id, F3.id]));
});

test('filter: day', async () => {
  assert.deepEqual(await searchIds(srv.anon(), `${q(MARK)}&day=3`), [F2.id]);
  assert.deepEqual(await searchIds(srv.anon(), `${q(MARK)}&day=0`), []);
});

test('filter: open_now', async () => {
  const ids = await searchIds(srv.anon(), `${q('営業確認')}&open_now=1`);
  assert.ok(ids.includes(OPEN.id));
  assert.ok(!ids.includes(CLOSED.id));
  const it = assertOk(await srv.anon().get(`/api/v1/resources?${q('営業確認')}`)).items;
  assert.equal(it.find((i) => i.id === OPEN.id).open_now, true);
  assert.equal(it.find((i) => i.id === CLOSED.id).open_now, false);
});

test('filter: open_today (holidays and dated exceptions applied)', async () => {
  // Today in Asia/Tokyo, as the server reads it (YYYY-MM-DD).
  const today = new Date(Date.now() + 9 * 3600e3).toISOString().slice(0, 10);
  const allWeek = [0, 1, 2, 3, 4, 5, 6, 7].map((d) => ({ weekday: d, open: '10:00', close: '11:00' }));
  const org = w.staffA.user.org_id;
  const shut = await createResource(w.staffA, resourceInput(org, w.d1.id, {
    name: '本日確認臨時休館', hours: allWeek, exceptions: [{ date: today, closed: true, open: null, close: null, note: '臨時休館' }] }));
  const special = await createResource(w.staffA, resourceInput(org, w.d1.id, {
    name: '本日確認臨時開館', hours: [], exceptions: [{ date: today, closed: false, open: '13:00', close: '14:00', note: null }] }));
  const every = await createResource(w.staffA, resourceInput(org, w.d1.id, { name: '本日確認毎日', hours: allWeek }));
  const ids = await searchIds(srv.anon(), `${q('本日確認')}&open_today=1`);
  assert.deepEqual(ids.sort(), [special.id, every.id].sort(), `today ${today}: closed by its exception, opened by one`);
  assert.ok(!ids.includes(shut.id));
  assert.ok((await searchIds(srv.anon(), `${q('営業確認')}&open_today=1`)).includes(OPEN.id));
  assert.ok(!(await searchIds(srv.anon(), `${q('営業確認')}&open_today=1`)).includes(CLOSED.id));
});

test('resource.today: the date in Asia/Tokyo, its exception and the hours that apply', async () => {
  const now = new Date(Date.now() + 9 * 3600e3);
  const today = now.toISOString().slice(0, 10);
  const org = w.staffA.user.org_id;
  const shut = await createResource(w.staffA, resourceInput(org, w.d1.id, {
    name: '今日確認休館', exceptions: [{ date: today, closed: true, open: null, close: null, note: '研修のため休館' }] }));
  const g = assertOk(await srv.anon().get(`/api/v1/resources/${shut.id}`)).today;
  if (g.date !== today) return; // midnight passed between the two clocks
  assert.deepEqual(g, { date: today, weekday: now.getUTCDay(), holiday: g.holiday, exception: true, hours: [], note: '研修のため休館' });
  assert.equal(typeof g.holiday, 'boolean');
  const special = await createResource(w.staffA, resourceInput(org, w.d1.id, {
    name: '今日確認特別', exceptions: [{ date: today, closed: false, open: '13:00', close: '14:30', note: null }] }));
  const s2 = assertOk(await srv.anon().get(`/api/v1/resources/${special.id}`)).today;
  assert.deepEqual([s2.exception, s2.hours, s2.note], [true, [{ open: '13:00', close: '14:30' }], null]);
  // every day, holidays too: the intervals of today's kind of day
  const all = [0, 1, 2, 3, 4, 5, 6].map((d) => ({ weekday: d, open: '09:00', close: '12:00' }))
    .concat([{ weekday: 7, open: '10:00', close: '11:00' }]);
  const every = await createResource(w.staffA, resourceInput(org, w.d1.id, { name: '今日確認毎日', hours: all }));
  const e = assertOk(await srv.anon().get(`/api/v1/resources/${every.id}`)).today;
  assert.deepEqual(e.hours, e.holiday ? [{ open: '10:00', close: '11:00' }] : [{ open: '09:00', close: '12:00' }]);
  assert.equal(e.exception, false);
  // not in search results (per-request work for every card)
  const it = assertOk(await srv.anon().get(`/api/v1/resources?q=${encodeURIComponent('今日確認毎日')}`)).items[0];
  assert.ok(!('today' in it));
});

test('near: distance sort, distance_m, radius_km', async () => {
  const r = assertOk(await srv.anon().get(`/api/v1/resources?${q(MARK)}&near=35.44,139.63&sort=distance`));
  assert.deepEqual(r.items.map((i) => i.id), [F1.id, F2.id, F3.id]);
  const d = r.items.map((i) => i.distance_m);
  assert.ok(d[0] >= 0 && d[0] < 20, `F1 distance ${d[0]}`);
  assert.ok(Math.abs(d[1] - 1112) < 30, `F2 distance ${d[1]} ~1112 m`);
  assert.ok(Math.abs(d[2] - 4448) < 60, `F3 distance ${d[2]} ~4448 m`);
  assert.deepEqual(sorted(await searchIds(srv.anon(), `${q(MARK)}&near=35.44,139.63&radius_km=2`)), sorted([F1.id, F2.id]));
  // Default sort with an origin and no q: distance ascending.
  const all = assertOk(await srv.anon().get('/api/v1/resources?near=35.44,139.63&limit=50')).items;
  const ds = all.map((i) => i.distance_m).filter((x) => typeof x === 'number');
  assert.deepEqual(ds, [...ds].sort((a, b) => a - b), 'distance ascending by default');
  // near_resource uses the resource as origin.
  const nr = assertOk(await srv.anon().get(`/api/v1/resources?${q(MARK)}&near_resource=${F3.id}&sort=distance`)).items.map((i) => i.id);
  assert.deepEqual(nr, [F3.id, F2.id, F1.id]);
});

test('sort=name and paging', async () => {
  const all = assertOk(await srv.anon().get(`/api/v1/resources?${q(MARK)}&sort=name`));
  assert.equal(all.total, 3);
  const p1 = assertOk(await srv.anon().get(`/api/v1/resources?${q(MARK)}&sort=name&limit=1&offset=1`));
  assert.equal(p1.total, 3);
  assert.equal(p1.limit, 1);
  assert.equal(p1.offset, 1);
  assert.deepEqual(p1.items.map((i) => i.id), [all.items[1].id]);
  const p9 = assertOk(await srv.anon().get(`/api/v1/resources?${q(MARK)}&offset=9`));
  assert.equal(p9.total, 3);
  assert.deepEqual(p9.items, []);
});

test('bad search parameters -> 400 invalid with field', async () => {
  const cases = [
    ['limit=0', 'limit'], ['limit=101', 'limit'], ['limit=abc', 'limit'], ['offset=-1', 'offset'],
    ['day=8', 'day'], ['age_months=-5', 'age_months'], ['near=abc', 'near'], ['near=91,139', 'near'],
    ['sort=random', 'sort'], ['area=abc', 'area'], ['radius_km=-1', 'radius_km'],
  ];
  for (const [qs, field] of cases) {
    const e = assertError(await srv.anon().get(`/api/v1/resources?${qs}`), 400, 'invalid');
    assert.equal(e.field, field, `${qs} -> field`);
  }
});

test('repeated searches follow the viewer and every change (the server keeps recent answers)', async () => {
  const org = w.staffA.user.org_id;
  const S = await createResource(w.staffA, resourceInput(org, w.d1.id, { name: 'メモ確認シェルター', is_confidential: true,
    is_public: false, front_door: '045-000-2222', location: { lat: 35.4712, lon: 139.6012 } }));
  let P = await createResource(w.staffA, resourceInput(org, w.d1.id, { name: 'メモ確認ひろば',
    location: { lat: 35.4713, lon: 139.6012 } }));
  const near = `/api/v1/resources?${q('メモ確認')}&near=35.4712,139.6012&sort=distance&radius_km=1&limit=100`;
  const viewer = await srv.login('viewer');
  const seesS = viewer.user.org_id === org;
  // The same request from each viewer in turn, twice: an answer kept for one
  // viewer must never be given to another.
  const who = [['anonymous', srv.anon(), [P.id]], ['staff_b', w.staffB, [P.id]], ['staff_a', w.staffA, [S.id, P.id]],
    ['viewer', viewer, seesS ? [S.id, P.id] : [P.id]], ['admin', w.admin, [S.id, P.id]], ['coord', w.coord, [S.id, P.id]],
    ['anonymous again', srv.anon(), [P.id]]];
  for (let round = 0; round < 2; round++) {
    for (const [name, c, want] of who) {
      const r = assertOk(await c.get(near));
      assert.deepEqual(r.items.map((i) => i.id), want, `${name}, round ${round}`);
      assert.equal(r.total, want.length, `${name}: total`);
      for (const it of r.items) assert.equal(typeof it.distance_m, 'number', `${name}: distance of ${it.id}`);
    }
  }
  // HSDS: an anonymous search never gets a signed-in caller's answer.
  const hs = (c) => c.get('/hsds/services?per_page=50&search=' + encodeURIComponent('メモ確認'));
  for (let round = 0; round < 2; round++) {
    const ids = (r) => assertOk(r).contents.map((s) => s.id).sort();
    assert.deepEqual(ids(await hs(w.admin)), [S.uuid, P.uuid].sort(), 'HSDS as admin');
    assert.deepEqual(ids(await hs(srv.anon())), [P.uuid], 'HSDS anonymous');
  }
  // Highlights follow the terms and the current name, also when asked again.
  const marks = async (terms) => {
    const r = assertOk(await srv.anon().get(`/api/v1/resources?${q(terms)}`));
    const it = r.items.find((i) => i.id === P.id);
    assert.ok(it, `${terms} finds ${P.name}`);
    return it.highlights.name.map(([a, b]) => cpSlice(it.name, a, b));
  };
  for (let round = 0; round < 2; round++) {
    assert.deepEqual(await marks('メモ確認'), ['メモ確認']);
    assert.deepEqual(await marks('ひろば メモ'), ['メモ', 'ひろば']);
    // the same page of the same length of terms, other terms
    assert.deepEqual(await marks('メモ'), ['メモ']);
    assert.deepEqual(await marks('モ確'), ['モ確']);
  }
  // A change answers at once: rename, move out of the radius, delete.
  const byName = `/api/v1/resources?${q('メモ確認ひろば')}`;
  assert.deepEqual(assertOk(await srv.anon().get(byName)).items.map((i) => i.id), [P.id]);
  P = assertOk(await w.staffA.put(`/api/v1/resources/${P.id}`, { ...toInput(P), name: 'メモ確認の変更ひろば' }));
  assert.deepEqual(assertOk(await srv.anon().get(byName)).items.map((i) => i.id), [], 'renamed: the old name finds nothing');
  assert.deepEqual((await searchIds(srv.anon(), q('メモ確認の変更ひろば'))), [P.id]);
  assert.deepEqual(await marks('ひろば メモ'), ['メモ', 'ひろば'], 'the renamed place is marked in its new name');
  assert.deepEqual(await marks('変更'), ['変更']);
  assert.deepEqual(assertOk(await w.admin.get(near)).items.map((i) => i.id), [S.id, P.id]);
  P = assertOk(await w.staffA.put(`/api/v1/resources/${P.id}`, { ...toInput(P), location: { lat: 35.60, lon: 139.6012 } }));
  assert.deepEqual(assertOk(await w.admin.get(near)).items.map((i) => i.id), [S.id], 'moved out of the radius');
  assert.equal((await w.staffA.del(`/api/v1/resources/${S.id}`)).status, 204);
  assert.deepEqual(assertOk(await w.admin.get(near)).items.map((i) => i.id), [], 'deleted');
});
