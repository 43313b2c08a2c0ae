// Browser tests of the maps' tiles and privacy (docs/ui.md "Maps and privacy"), against
// a running tsunagu server with the demo data (scripts/browser-test.sh, which serves
// with --tile-url ""). The tests rewrite /api/v1/meta in the page to a tile server of
// their own at BASE/tiles-test/ (an absolute URL: an outside server to the client, and
// allowed by the CSP's 'self') and count the tile requests:
// - the public page asks before it loads tiles from an outside server; the answer holds
//   for the page's life (the detail page then loads them) and not after a reload;
// - a trusted tile server (meta.tile_trusted) is used without asking;
// - staff maps load tiles, except while a confidential place is on the map (detail and
//   search list), which say why.
// axe-core on the pages with the question and the note; CSP errors and page errors fail.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, PASSWORD, problems, launch, watch, axe, shot, apiLogin, login } from './lib.mjs';

const TOKEN = `mq${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
const TILES = `${BASE}/tiles-test/`;
// a 1x1 transparent PNG
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

let browser;
let admin;
let meta;
let open; // a public place with a location
let hidden; // a confidential place with a location


before(async () => {
  assert.ok(PASSWORD, 'set TSUNAGU_PASSWORD to the demo accounts\' password (scripts/browser-test.sh)');
  browser = await launch();
  admin = await apiLogin('admin');
  meta = await (await fetch(`${BASE}/api/v1/meta`)).json();
  const users = (await admin('GET', '/users')).items;
  const orgA = users.find((u) => u.login === 'staff_a').org_id;
  const areaId = meta.areas.find((x) => x.name === '中央地区').id;
  const base = { type: 'tsudoi', org_id: orgA, area_id: areaId };
  open = await admin('POST', '/resources', {
    ...base, name: `みちのひろば ${TOKEN}`, is_public: true, location: { lat: 35.4437, lon: 139.638 },
  });
  hidden = await admin('POST', '/resources', {
    ...base, name: `かくれがのへや ${TOKEN}`, is_public: false, is_confidential: true,
    front_door: 'さくら区こども家庭支援課 045-000-0000', location: { lat: 35.452, lon: 139.622 },
  });
});
after(async () => { if (browser) await browser.close(); });

/** A page whose /api/v1/meta names the test tile server; tile requests are counted. */
async function tilePage(label, { trusted = false, viewport = { width: 1280, height: 900 } } = {}) {
  const ctx = await browser.newContext({ viewport, locale: 'ja-JP' });
  const page = await ctx.newPage();
  watch(page, label);
  const seen = { tiles: 0 };
  await page.route(`${BASE}/api/v1/meta`, async (route) => {
    const res = await route.fetch();
    const j = await res.json();
    j.tile_url = `${TILES}{z}/{x}/{y}.png`;
    j.tile_attribution = 'test tiles';
    j.tile_trusted = trusted;
    await route.fulfill({ response: res, json: j });
  });
  await page.route(`${TILES}**`, (route) => {
    seen.tiles++;
    return route.fulfill({ status: 200, contentType: 'image/png', body: PNG });
  });
  return { ctx, page, seen };
}


/** Waits until the map `sel` draws tiles (images of the tile layer; a tile seen before
 *  may come from the browser's cache, so requests alone do not show it). */
async function tilesDrawn(page, sel) {
  await page.locator(`${sel} img.leaflet-tile`).first().waitFor({ state: 'attached' });
}

/** The map has settled (markers placed, view set): no tile can still be on its way unasked. */
async function settled(page) {
  await page.locator('.leaflet-marker-icon').first().waitFor();
  await page.waitForTimeout(400);
}

test('public page: tiles from an outside server only after the visitor says yes, for the page\'s life', async () => {
  const { ctx, page, seen } = await tilePage('public-ask', { viewport: { width: 375, height: 812 } });
  await page.goto(`${BASE}/#/?q=${encodeURIComponent(TOKEN)}`);
  await page.getByRole('link', { name: new RegExp(`みちのひろば ${TOKEN}`) }).waitFor();
  await settled(page);
  assert.equal(seen.tiles, 0, 'no tile before the yes');
  const yes = page.getByRole('button', { name: '道や建物の地図を表示する' });
  await yes.waitFor();
  const ask = await page.locator('.map-note').innerText();
  assert.ok(ask.includes(new URL(BASE).host) && ask.includes('IPアドレス') && ask.includes('表示しなくても、場所さがしはそのまま使えます'),
    `the question names the service, what it learns, and that the page works without it: ${ask}`);
  assert.ok(await page.locator('#public-map').evaluate((el) => el.classList.contains('map-notiles')), 'the map is drawn without tiles');
  await axe(page, 'public search with the tile question');
  await shot(page, 'public-map-ask');

  await yes.click();
  await tilesDrawn(page, '#public-map');
  assert.ok(seen.tiles > 0, 'tiles asked for after the yes');
  assert.equal(await yes.count(), 0, 'the question is gone');
  assert.ok(await page.evaluate(() => document.activeElement && document.activeElement.id === 'public-map'), 'focus on the map');
  await page.getByRole('status').filter({ hasText: '地図に道や建物を表示しました。' }).waitFor();

  // the detail page of the same visit: no question, tiles at once
  await page.getByRole('link', { name: new RegExp(`みちのひろば ${TOKEN}`) }).click();
  await page.getByRole('heading', { level: 1, name: new RegExp(`みちのひろば ${TOKEN}`) }).waitFor();
  await tilesDrawn(page, '#public-detail-map');
  assert.equal(await page.getByRole('button', { name: '道や建物の地図を表示する' }).count(), 0, 'asked once per visit');

  // a new load of the page asks again (the yes is kept in memory only)
  await page.reload();
  await page.getByRole('heading', { level: 1, name: new RegExp(`みちのひろば ${TOKEN}`) }).waitFor();
  await settled(page);
  await page.getByRole('button', { name: '道や建物の地図を表示する' }).waitFor();
  assert.equal(await page.locator('#public-detail-map img.leaflet-tile').count(), 0, 'no tile after a reload until asked again');
  await ctx.close();
});

test('public page: a trusted tile server is used without asking; Leaflet comes by its versioned URL', async () => {
  const { ctx, page, seen } = await tilePage('public-trusted', { trusted: true });
  const leaflet = [];
  page.on('request', (r) => { if (r.url().includes('/vendor/leaflet/leaflet.')) leaflet.push(r.url()); });
  await page.goto(`${BASE}/#/?q=${encodeURIComponent(TOKEN)}`);
  await page.getByRole('link', { name: new RegExp(`みちのひろば ${TOKEN}`) }).waitFor();
  await tilesDrawn(page, '#public-map');
  assert.ok(seen.tiles > 0);
  assert.equal(await page.getByRole('button', { name: '道や建物の地図を表示する' }).count(), 0);
  assert.ok(await page.locator('.map-note').evaluate((el) => el.hidden), 'no note');
  assert.equal(leaflet.length, 2, leaflet.join(' '));
  for (const u of leaflet) assert.match(u, /\/vendor\/leaflet\/leaflet\.(js|css)\?v=[0-9a-f]{16}$/);
  await ctx.close();
});

test('staff: maps load tiles, but none while a confidential place is on the map', async () => {
  const { ctx, page, seen } = await tilePage('staff-hidden');
  await login(page, 'coord');

  // the detail of a confidential place: no tile, and the note says why
  await page.goto(`${BASE}/app#/r/${hidden.id}`);
  await page.getByRole('heading', { level: 1, name: new RegExp(`かくれがのへや ${TOKEN}`) }).waitFor();
  await settled(page);
  await page.getByText('所在地非公開の場所のため、地図の道や建物は表示していません').waitFor();
  assert.equal(seen.tiles, 0, 'no tile around a confidential place');
  assert.equal(await page.locator('#detail-map img.leaflet-tile').count(), 0);
  await axe(page, 'staff detail of a confidential place with the map note');
  await shot(page, 'staff-map-hidden');

  // an ordinary place: tiles without a question (staff)
  await page.goto(`${BASE}/app#/r/${open.id}`);
  await page.getByRole('heading', { level: 1, name: new RegExp(`みちのひろば ${TOKEN}`) }).waitFor();
  await tilesDrawn(page, '#detail-map');
  assert.ok(seen.tiles > 0);
  assert.ok(await page.locator('.map-note').evaluate((el) => el.hidden), 'no note');

  // a search list with the confidential place among the results: the tiles go first
  await page.goto(`${BASE}/app#/search?q=${encodeURIComponent(TOKEN)}`);
  await page.getByRole('link', { name: new RegExp(`かくれがのへや ${TOKEN}`) }).waitFor();
  await page.getByText(`所在地非公開の場所（かくれがのへや ${TOKEN}）が含まれるため、地図の道や建物は表示していません`).waitFor();
  assert.equal(await page.locator('#search-map img.leaflet-tile').count(), 0, 'no tile layer on the list map');
  const n = seen.tiles;
  await page.locator('.leaflet-marker-icon').nth(1).waitFor();
  await page.waitForTimeout(400);
  assert.equal(seen.tiles, n, 'no tile asked for while the confidential place is listed');
  await axe(page, 'staff search list with a confidential place and the map note');
  // staff may leave the confidential place off the map: the streets come back, the list keeps it
  assert.equal(await page.locator('#search-map .leaflet-marker-icon').count(), 2);
  await page.getByRole('button', { name: '所在地非公開の場所を外して、道や建物を表示する' }).click();
  await tilesDrawn(page, '#search-map');
  await page.getByText(`所在地非公開の場所（かくれがのへや ${TOKEN}）は、この地図には出していません。一覧にはあります。`).waitFor();
  assert.equal(await page.locator('#search-map .leaflet-marker-icon').count(), 1, 'only the other place on the map');
  await page.getByRole('link', { name: new RegExp(`かくれがのへや ${TOKEN}`) }).waitFor();
  assert.ok(await page.evaluate(() => document.activeElement && document.activeElement.id === 'search-map'), 'focus on the map');
  await ctx.close();
});

test('no CSP violations, page errors or external requests', () => {
  assert.deepEqual(problems, []);
});
