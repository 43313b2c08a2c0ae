// Browser test of the web UI against a running tsunagu server.
//   TSUNAGU_URL=http://127.0.0.1:18080 TSUNAGU_LOGIN=… TSUNAGU_PASSWORD=… node --test tests/browser/
// Checks: public page lists results without login; staff login; kana/width-variant
// search with <mark> highlights; type filter; detail page; Leaflet markers; a 375×812
// phone layout without horizontal scrolling; axe-core on every page visited (any
// violation fails); no CSP violations or page errors; a second tenant reached by its
// host name (TSUNAGU_TENANT_HOST, mapped to 127.0.0.1 with --host-resolver-rules) shows
// its own name and its own login. Screenshots: test-output/browser/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, PASSWORD, problems, launch, watch, axe, shot } from './lib.mjs';

const LOGIN = process.env.TSUNAGU_LOGIN || 'coordinator';
// The second tenant (scripts/browser-test.sh creates it): its host name and display name.
const TENANT_HOST = process.env.TSUNAGU_TENANT_HOST || '';
const TENANT_NAME = process.env.TSUNAGU_TENANT_NAME || '';
const NAME = 'ひだまりひろば';
const QUERY = 'ﾋﾀﾞﾏﾘ'; // half-width katakana variant of ひだまり

let browser;

before(async () => {
  browser = await launch(TENANT_HOST ? [`--host-resolver-rules=MAP ${TENANT_HOST} 127.0.0.1`] : []);
});
after(async () => { if (browser) await browser.close(); });

async function noHorizontalScroll(page, what) {
  const { sw, cw } = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, cw: document.documentElement.clientWidth }));
  assert.ok(sw <= cw + 1, `${what}: page is wider than the viewport (${sw} > ${cw})`);
}

async function typeNames(code) {
  const res = await fetch(`${BASE}/api/v1/meta`);
  assert.equal(res.status, 200, 'GET /api/v1/meta');
  const meta = await res.json();
  const t = meta.types.find((x) => x.code === code);
  assert.ok(t, `type ${code} in meta`);
  return t;
}
async function typeName(code) { return (await typeNames(code)).name_ja; }

// The language switch in the header: two buttons with aria-pressed.
async function switchLang(page, to) {
  const label = to === 'en' ? 'English' : '日本語';
  await page.getByRole('banner').getByRole('button', { name: label, exact: true }).click();
  await page.waitForFunction((l) => document.documentElement.lang === l, to);
  const pressed = await page.getByRole('button', { name: label, exact: true }).getAttribute('aria-pressed');
  assert.equal(pressed, 'true', `${label} is pressed`);
  const cookies = await page.context().cookies();
  const c = cookies.find((x) => x.name === 'tg_lang');
  assert.ok(c && c.value === to && c.sameSite === 'Lax' && c.path === '/', `cookie tg_lang=${to}; SameSite=Lax; Path=/`);
  assert.ok(c.expires * 1000 > Date.now() + 300 * 86400 * 1000, 'the language cookie lasts about a year');
}

async function login(page) {
  await page.goto(`${BASE}/app`);
  await page.getByLabel('ログインID').waitFor();
  await axe(page, 'login');
  await page.getByLabel('ログインID').fill(LOGIN);
  await page.getByLabel('パスワード').fill(PASSWORD);
  await page.getByRole('button', { name: 'ログイン' }).click();
  await page.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: 'ホーム' }).waitFor();
}

async function searchFor(page, text) {
  const box = page.getByRole('searchbox', { name: /キーワード/ });
  await box.fill(text);
  await page.getByRole('button', { name: 'さがす', exact: true }).click();
  const hit = page.getByRole('link', { name: NAME });
  await hit.first().waitFor();
  const marks = await hit.first().locator('mark').count();
  assert.ok(marks >= 1, 'the matching part of the name is highlighted with <mark>');
  return hit.first();
}

test('public page lists public places without login', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ja-JP' });
  const page = await ctx.newPage();
  watch(page, 'public');
  await page.goto(`${BASE}/`);
  await page.getByRole('heading', { level: 1, name: '子育ての場所をさがす' }).waitFor();
  await page.getByRole('status').filter({ hasText: /見つかりました|見つかりませんでした/ }).first().waitFor();
  const results = page.getByRole('list', { name: 'さがした結果' }).getByRole('link');
  assert.ok(await results.count() >= 1, 'public results are listed');
  assert.ok(await page.getByRole('link', { name: 'スタッフの方はこちら' }).isVisible());
  // The demo ward has more public places than a page: 20 come first, "もっと見る" adds the next
  // ones, the count says how many are shown, and focus moves to the first new place.
  const items = page.locator('ol.results > li');
  assert.equal(await items.count(), 20, 'a page of 20 places');
  await page.getByRole('status').filter({ hasText: /（20か所を表示）/ }).waitFor();
  await page.getByRole('button', { name: 'もっと見る' }).click();
  await page.getByRole('status').filter({ hasText: /（40か所を表示）|見つかりました。$/ }).waitFor();
  assert.ok(await items.count() > 20, 'more places after もっと見る');
  assert.equal(await page.evaluate(() => document.activeElement.closest('li') === document.querySelectorAll('ol.results > li')[20]), true,
    'focus on the first new place');
  // Kinds of place in plain words for families (UX.md), in the filter and on each result.
  const kinds = await page.locator('#p-type option').allTextContents();
  assert.ok(kinds.includes('子育てひろば（子育て支援拠点）') && kinds.includes('親子のひろば'), `plain kinds: ${kinds}`);
  assert.ok(!kinds.some((k) => k.includes('地域子育て支援拠点')), 'no jargon in the filter');
  const metas = await page.locator('.results .result-meta').allTextContents();
  assert.ok(!metas.some((m) => m.includes('地域子育て支援拠点') || m.includes('親と子のつどいの広場')), `no jargon on results: ${metas}`);
  await axe(page, 'public search');
  await shot(page, 'public-desktop');
  // Search with a width variant on the public page too.
  await page.getByRole('searchbox', { name: /なまえ/ }).fill(QUERY);
  await page.getByRole('button', { name: 'さがす', exact: true }).click();
  const hit = page.getByRole('link', { name: NAME }).first();
  await hit.waitFor();
  await hit.click();
  await page.getByRole('heading', { level: 1, name: NAME }).waitFor();
  await page.getByRole('table').first().waitFor();
  await axe(page, 'public detail');
  await ctx.close();

  const phone = await browser.newContext({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true, locale: 'ja-JP' });
  const p2 = await phone.newPage();
  watch(p2, 'public-phone');
  await p2.goto(`${BASE}/`);
  await p2.getByRole('status').filter({ hasText: /見つかりました/ }).first().waitFor();
  await noHorizontalScroll(p2, 'public phone');
  await axe(p2, 'public search (phone)');
  await shot(p2, 'public-phone');
  await phone.close();
});

test('staff: login, search with a kana variant, filter, detail, map; desktop and phone', async () => {
  assert.ok(PASSWORD, 'set TSUNAGU_PASSWORD (and TSUNAGU_LOGIN) to a demo coordinator account');
  const tsudoi = await typeName('tsudoi');
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ja-JP' });
  const page = await ctx.newPage();
  watch(page, 'staff');
  // The home page's list of places to check says when there are more than it lists
  // (the API's "more"; the demo has fewer than 200, so this answer is the real one
  // with the flag set).
  await page.route('**/api/v1/verification-due', async (route) => {
    const res = await route.fetch();
    const json = await res.json();
    await route.fulfill({ response: res, json: { ...json, more: true } });
  });
  await login(page);
  await page.getByRole('heading', { name: '確認が必要な情報' }).waitFor();
  await page.getByText(/件以上あります。古く登録された順に/).waitFor();
  await page.unroute('**/api/v1/verification-due');
  await axe(page, 'home');
  await shot(page, 'home-desktop');

  await page.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: 'さがす' }).click();
  await page.getByRole('heading', { level: 1, name: 'さがす' }).waitFor();
  await searchFor(page, QUERY);
  // A result whose name and snippet lack the term says where it matched instead
  // (the demo's さかえまちひろば is run by NPO法人 ひだまり).
  const why = page.locator('.results .result-also').filter({ hasText: '運営「NPO法人 ひだまり」' }).first();
  await why.waitFor();
  assert.equal(await why.locator('mark').first().textContent(), 'ひだまり', 'the organization match is marked');

  // Filter by type.
  const filters = page.locator('details.filters');
  if (!(await filters.evaluate((d) => d.open))) await page.getByText('条件をしぼる').click();
  await page.getByRole('checkbox', { name: tsudoi }).check();
  await page.getByRole('button', { name: 'この条件でさがす' }).click();
  await page.waitForFunction(() => location.hash.includes('type=tsudoi'));
  const hit = page.getByRole('link', { name: NAME }).first();
  await hit.waitFor();
  assert.ok(await hit.locator('mark').count() >= 1, 'highlight kept after filtering');
  const resultTypes = await page.locator('.results .result-meta').allTextContents();
  assert.ok(resultTypes.length >= 1 && resultTypes.every((t) => t.includes(tsudoi)), `every result is a ${tsudoi}`);
  await page.locator('#search-map .leaflet-marker-icon').first().waitFor();
  await axe(page, 'search results');
  await shot(page, 'search-desktop');

  // Detail.
  await hit.click();
  await page.getByRole('heading', { level: 1, name: new RegExp(NAME) }).waitFor();
  await page.getByRole('table', { name: '開所時間' }).waitFor();
  assert.ok(await page.getByText('最終確認日').isVisible(), 'last verified date shown');
  await page.locator('#detail-map .leaflet-marker-icon').first().waitFor();
  const markers = await page.locator('#detail-map .leaflet-marker-icon').count();
  assert.equal(markers, 1, 'one marker on the detail map');
  await axe(page, 'detail');
  await shot(page, 'detail-desktop');

  // Change history (read only: does not modify the demo data).
  await page.getByRole('button', { name: '変更履歴を見る' }).click();
  await page.waitForFunction(() => !document.body.textContent.includes('読み込み中…'));
  await axe(page, 'detail with history');

  // Settings.
  await page.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: '設定' }).click();
  await page.getByRole('heading', { name: 'パスワードの変更' }).waitFor();
  await page.getByRole('heading', { name: 'データの取り込み' }).waitFor();
  await axe(page, 'settings');
  await shot(page, 'settings-desktop');

  // Phone: same session, 375×812.
  const phone = await browser.newContext({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true, locale: 'ja-JP',
    storageState: await ctx.storageState() });
  const p2 = await phone.newPage();
  watch(p2, 'staff-phone');
  await p2.goto(`${BASE}/app#/search`);
  await p2.getByRole('heading', { level: 1, name: 'さがす' }).waitFor();
  await searchFor(p2, QUERY);
  await p2.locator('#search-map .leaflet-marker-icon').first().waitFor();
  await noHorizontalScroll(p2, 'staff search (phone)');
  await axe(p2, 'search results (phone)');
  await shot(p2, 'search-phone');
  await p2.getByRole('link', { name: NAME }).first().click();
  await p2.getByRole('heading', { level: 1, name: new RegExp(NAME) }).waitFor();
  await noHorizontalScroll(p2, 'detail (phone)');
  await axe(p2, 'detail (phone)');
  await shot(p2, 'detail-phone');
  await phone.close();
  await ctx.close();
});

test('English: public page and staff app switch language, remember it, and switch back', async () => {
  assert.ok(PASSWORD, 'set TSUNAGU_PASSWORD (and TSUNAGU_LOGIN) to a demo coordinator account');
  const tsudoi = await typeNames('tsudoi');
  assert.ok(tsudoi.name_en && tsudoi.name_en !== tsudoi.name_ja, 'the demo type has an English name');

  // Public page.
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ja-JP' });
  const page = await ctx.newPage();
  watch(page, 'public-en');
  await page.goto(`${BASE}/`);
  await page.getByRole('heading', { level: 1, name: '子育ての場所をさがす' }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'ja');
  await switchLang(page, 'en');
  await page.getByRole('heading', { level: 1, name: 'Find places for you and your child' }).waitFor();
  await page.getByRole('status').filter({ hasText: /found/ }).first().waitFor();
  assert.ok(await page.getByRole('link', { name: 'For staff' }).isVisible(), 'header link translated');
  assert.ok(await page.getByRole('checkbox', { name: 'Open today' }).count() === 1, 'filter label translated');
  const options = await page.getByLabel('Kind of place').locator('option').allTextContents();
  assert.ok(options.includes(tsudoi.name_en), `type names from meta.name_en (${options.join(', ')})`);
  assert.equal(await page.title(), 'Tsunagu: places for families with children');
  await axe(page, 'public search (English)');
  await shot(page, 'public-en');
  // The cookie is applied on load, before the first render.
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'Find places for you and your child' }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  await page.getByRole('searchbox', { name: /Name or words/ }).fill(QUERY);
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.getByRole('link', { name: NAME }).first().click();
  await page.getByRole('heading', { level: 1, name: NAME }).waitFor();
  await page.getByRole('table', { name: 'Opening hours' }).waitFor();
  assert.ok(await page.getByRole('rowheader', { name: 'Monday' }).count() === 1, 'weekday names in English');
  await axe(page, 'public detail (English)');
  await switchLang(page, 'ja');
  await page.getByRole('table', { name: '開いている時間' }).waitFor();
  await axe(page, 'public detail (back to Japanese)');
  await ctx.close();

  // Staff app: the switch works on the login screen and after login.
  const sctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ja-JP' });
  const sp = await sctx.newPage();
  watch(sp, 'staff-en');
  await sp.goto(`${BASE}/app`);
  await sp.getByLabel('ログインID').waitFor();
  await switchLang(sp, 'en');
  await sp.getByRole('heading', { level: 1, name: 'Staff log in' }).waitFor();
  await axe(sp, 'login (English)');
  await sp.getByLabel('Login ID').fill(LOGIN);
  await sp.getByLabel('Password').fill(PASSWORD);
  await sp.getByRole('button', { name: 'Log in', exact: true }).click();
  const nav = sp.getByRole('navigation', { name: 'Main menu' });
  await nav.getByRole('link', { name: 'Home' }).waitFor();
  await sp.getByRole('heading', { name: 'Needs checking' }).waitFor();
  await axe(sp, 'home (English)');
  await nav.getByRole('link', { name: 'Search' }).click();
  await sp.getByRole('heading', { level: 1, name: 'Search' }).waitFor();
  await sp.getByRole('searchbox', { name: /Keywords/ }).fill(QUERY);
  await sp.getByRole('button', { name: 'Search', exact: true }).click();
  await sp.getByRole('link', { name: NAME }).first().waitFor();
  const meta = await sp.locator('.results .result-meta').first().textContent();
  assert.ok(meta.includes(tsudoi.name_en) || !meta.includes(tsudoi.name_ja), `result type in English: ${meta}`);
  await sp.getByRole('status').filter({ hasText: /found/ }).first().waitFor();
  await axe(sp, 'search results (English)');
  await shot(sp, 'search-en');
  await sp.getByRole('link', { name: NAME }).first().click();
  await sp.getByRole('table', { name: 'Opening hours' }).waitFor();
  assert.ok(await sp.getByText('Last checked').isVisible(), 'detail labels in English');
  assert.ok(await sp.getByRole('button', { name: 'Mark as checked' }).isVisible(), 'staff action in English');
  await axe(sp, 'detail (English)');
  // Server messages: Japanese mode shows the part before the final parentheses, English the part inside.
  const msgs = await sp.evaluate(async () => {
    const m = await import('/static/js/i18n.js');
    return m.splitMessage('ほかの人が先に更新しました。再読み込みしてください (conflict: reload and try again)');
  });
  assert.deepEqual(msgs, { ja: 'ほかの人が先に更新しました。再読み込みしてください', en: 'conflict: reload and try again' });
  const notFound = await sp.evaluate(async () => {
    const { api } = await import('/static/js/api.js');
    try { await api('GET', '/resources/987654321'); return null; } catch (e) { return { status: e.status, message: e.message, raw: e.rawMessage }; }
  });
  assert.equal(notFound.status, 404);
  assert.ok(notFound.message && !/[\u3040-\u30ff\u4e00-\u9fff]/.test(notFound.message), `404 message in English only: ${notFound.message} (server: ${notFound.raw})`);
  await switchLang(sp, 'ja');
  await sp.getByRole('table', { name: '開所時間' }).waitFor();
  await sp.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: 'さがす' }).waitFor();
  await axe(sp, 'detail (back to Japanese)');
  await sctx.close();
});

test('a second tenant, reached by its host name, is its own world', async () => {
  assert.ok(TENANT_HOST && TENANT_NAME, 'set TSUNAGU_TENANT_HOST and TSUNAGU_TENANT_NAME (scripts/browser-test.sh)');
  const kbase = `http://${TENANT_HOST}:${new URL(BASE).port}`;
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ja-JP' });
  const page = await ctx.newPage();
  watch(page, 'tenant', kbase);
  // Logged in at the first tenant in this browser context...
  await login(page);
  await page.locator('#tenant').filter({ hasText: /\S/ }).waitFor();
  const first = await page.locator('#tenant').textContent();
  assert.ok(first && first !== TENANT_NAME, `first tenant's name in the header: ${first}`);
  // ...the second tenant's host shows its own name and asks for its own login.
  await page.goto(`${kbase}/app`);
  await page.getByLabel('ログインID').waitFor();
  await page.locator('#tenant').filter({ hasText: TENANT_NAME }).waitFor();
  await axe(page, 'login of the second tenant');
  await page.getByLabel('ログインID').fill(LOGIN);
  await page.getByLabel('パスワード').fill(PASSWORD);
  await page.getByRole('button', { name: 'ログイン' }).click();
  await page.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: 'ホーム' }).waitFor();
  const meta = await page.evaluate(async () => (await fetch('/api/v1/meta')).json());
  assert.equal(meta.tenant.name, TENANT_NAME);
  await shot(page, 'tenant-home');
  // The public page of the second tenant names it too.
  await page.goto(`${kbase}/`);
  await page.locator('#tenant').filter({ hasText: TENANT_NAME }).waitFor();
  await axe(page, 'public page of the second tenant');
  await ctx.close();
});

test('no CSP violations, page errors or external requests', () => {
  assert.deepEqual(problems, []);
});
