// Two server processes on one database (a deployment with several servers
// behind a load balancer, or a server next to CLI imports): what one writes,
// the other's search shows within its refresh interval (about 5 s), deletions
// included. Runs on SQLite (WAL, two processes) and on PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, loadWorld, resourceInput, createResource, searchIds, assertOk } from './lib.mjs';

let one, two, w, w2;
before(async () => {
  one = await startServer();
  two = await startServer({ shareDb: one.db });
  w = await loadWorld(one);
  w2 = await loadWorld(two);
});
after(async () => { await two?.stop(); await one?.stop(); });

const q = (s) => 'q=' + encodeURIComponent(s);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Poll fn() until it returns true, up to ms; returns whether it did. */
async function eventually(fn, ms = 12000) {
  const end = Date.now() + ms;
  for (;;) {
    if (await fn()) return true;
    if (Date.now() > end) return false;
    await sleep(250);
  }
}

test('a resource created, renamed and deleted through one server shows in the other\'s search', async () => {
  const r = await createResource(w.staffA, resourceInput(w.staffA.user.org_id, w.d1.id, { name: '二台目確認ひろば' }));
  assert.ok(await eventually(async () => (await searchIds(w2.admin, q('二台目確認'))).includes(r.id)),
    'created on server one, found on server two');
  const cur = assertOk(await w.staffA.get(`/api/v1/resources/${r.id}`));
  const input = { ...resourceInput(w.staffA.user.org_id, w.d1.id, { name: '二台目改名ひろば' }), version: cur.version };
  assertOk(await w.staffA.put(`/api/v1/resources/${r.id}`, input));
  assert.ok(await eventually(async () => (await searchIds(w2.admin, q('二台目改名'))).includes(r.id)),
    'renamed on server one, found by the new name on server two');
  assert.equal((await w.staffA.del(`/api/v1/resources/${r.id}`)).status, 204);
  assert.deepEqual(await searchIds(w.admin, q('二台目改名')), [], 'gone at once on server one');
  assert.ok(await eventually(async () => (await searchIds(w2.admin, q('二台目改名'))).length === 0),
    'deleted on server one, gone from server two\'s search');
  // and a resource created right after keeps its place on both
  const r2 = await createResource(w.staffA, resourceInput(w.staffA.user.org_id, w.d1.id, { name: '二台目再作成ひろば' }));
  assert.ok(await eventually(async () => (await searchIds(w2.admin, q('二台目再作成'))).includes(r2.id)));
  await sleep(6000); // one more refresh of server two: the old delete must not drop it (SQLite may reuse ids)
  assert.deepEqual(await searchIds(w2.admin, q('二台目再作成')), [r2.id]);
  assert.deepEqual(await searchIds(w.admin, q('二台目再作成')), [r2.id]);
});

test('a server started after an import finds the imported rows by their new organization and area names', async () => {
  const header = '全国地方公共団体コード,ID,地方公共団体名,名称,名称_カナ,種別,住所,緯度,経度,団体名';
  const body = '\ufeff' + [header,
    '141003,MP001,みなと市さくら区,再起動確認ひろば,サイキドウカクニンヒロバ,地域子育て支援拠点,本町1-1,35.4431,139.6380,一般社団法人あおば再起動会'].join('\r\n') + '\r\n';
  const rep = assertOk(await w.admin.post('/api/v1/import?format=jp-facilities&public=1', body, { 'Content-Type': 'text/csv' }));
  assert.equal(rep.created, 1);
  // A new process builds its index from the stored search texts.
  const three = await startServer({ shareDb: one.db });
  try {
    const w3 = await loadWorld(three);
    const ids = await searchIds(w3.admin, q('あおば再起動会'));
    assert.equal(ids.length, 1, 'found by the organization the import created');
    assert.deepEqual(await searchIds(w3.admin, q('再起動確認ひろば あおば再起動会')), ids);
  } finally {
    await three.stop();
  }
});
