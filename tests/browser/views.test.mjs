// Browser tests of the views' behaviour (public page, search, detail, home, focus),
// against a running tsunagu server with the demo data (scripts/browser-test.sh):
//   TSUNAGU_URL=http://127.0.0.1:18080 TSUNAGU_PASSWORD=… node --test tests/browser/
// Each test makes its own places through the API as admin (names carry a token of this
// run), so it does not depend on other test files' data. Checks: 「今日開いているところ」
// asks for open_today=1 and leaves out places closed today (weekly hours, a dated
// closure); the change history speaks Japanese (labels, names, dates; no JSON, no
// internal keys; a hidden location is 「非公開」); 近い順 without 基準の場所 is explained next
// to that control and keeps the choices; a too long public query says so; no
// 「この場所の近くをさがす」 where the reader may not see the location; no verify instruction
// for read-only roles; focus on the main heading after opening a result, on the opened
// result after going Back, not moved on the first load; the back link returns to the same
// search (query, conditions, もっと見る) and goes Back in the history; today's hours (a
// holiday row that differs, a dated exception for today, computed in Asia/Tokyo); a public
// age out of range says the app's message; the history toggle says 見る / 閉じる.
// axe-core on every page visited; CSP errors and page errors fail.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, PASSWORD, problems, launch, watch, axe, shot, apiLogin, login } from './lib.mjs';

// A token no demo text holds, to find this run's places by free text.
const TOKEN = `zq${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
// A second one for the 25 places of the back-link tests (kept out of TOKEN's searches).
const TOKEN2 = `xv${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;

let browser;
let admin; // API client logged in as the demo admin
let meta;

/** Today in Asia/Tokyo: {iso: 'YYYY-MM-DD', wd: 0-6, label: '11月23日(月)'}. */
function tokyoToday() {
  const d = new Date(Date.now() + 9 * 3600 * 1000);
  return {
    iso: d.toISOString().slice(0, 10), wd: d.getUTCDay(),
    label: `${d.getUTCMonth() + 1}月${d.getUTCDate()}日(${'日月火水木金土'[d.getUTCDay()]})`,
  };
}
const area = (name) => {
  const a = meta.areas.find((x) => x.name === name);
  assert.ok(a, `area ${name} in the demo`);
  return a;
};
let orgA; // staff_a's organization
let services; // three service tags of the demo

/** A public place of staff_a's organization; fields override the defaults. */
async function createPlace(name, fields = {}) {
  return admin('POST', '/resources', {
    name, type: 'tsudoi', org_id: orgA, area_id: area('中央地区').id, is_public: true, ...fields,
  });
}

before(async () => {
  assert.ok(PASSWORD, 'set TSUNAGU_PASSWORD to the demo accounts\' password (scripts/browser-test.sh)');
  browser = await launch();
  admin = await apiLogin('admin');
  meta = await (await fetch(`${BASE}/api/v1/meta`)).json();
  const users = (await admin('GET', '/users')).items;
  orgA = users.find((u) => u.login === 'staff_a').org_id;
  assert.ok(orgA && orgA !== users.find((u) => u.login === 'staff_b').org_id, 'staff_a and staff_b are in different organizations');
  services = meta.tags.filter((x) => x.kind === 'service').slice(0, 3);
  assert.equal(services.length, 3, 'three service tags in the demo');
});
after(async () => { if (browser) await browser.close(); });

async function newPage(label, viewport = { width: 1280, height: 900 }) {
  const ctx = await browser.newContext({ viewport, locale: 'ja-JP' });
  const page = await ctx.newPage();
  watch(page, label);
  return { ctx, page };
}


/** The element that has focus: tag, text, level-1 heading or not. */
const focused = (page) => page.evaluate(() => {
  const a = document.activeElement;
  return { tag: a ? a.tagName : null, text: a ? a.textContent.trim() : '', h1: !!a && a.tagName === 'H1' };
});

test('public 「今日開いているところ」 asks for open_today=1 and leaves out places closed today', async () => {
  const today = tokyoToday();
  const allWeek = [0, 1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, open: '09:00', close: '17:00' }));
  const open = await createPlace(`きょうひらく ${TOKEN}`, { hours: allWeek });
  // Weekly hours only on another weekday (and none on holidays): closed today.
  await createPlace(`べつのひ ${TOKEN}`, { hours: [{ weekday: (today.wd + 3) % 7, open: '09:00', close: '17:00' }] });
  // Open every day of the week, but a dated closure today (like 年末年始).
  await createPlace(`りんじきゅう ${TOKEN}`, { hours: allWeek, exceptions: [{ date: today.iso, closed: true, note: '臨時休館' }] });

  const { ctx, page } = await newPage('public-today', { width: 375, height: 812 });
  const searches = [];
  page.on('request', (r) => { if (r.url().includes('/api/v1/resources?')) searches.push(new URL(r.url()).searchParams); });
  await page.goto(`${BASE}/#/?q=${TOKEN}`);
  await page.getByRole('status').filter({ hasText: '3か所 見つかりました' }).waitFor();
  await page.getByRole('checkbox', { name: '今日開いているところ' }).check();
  await page.getByRole('button', { name: 'さがす', exact: true }).click();
  await page.getByRole('status').filter({ hasText: '1か所 見つかりました' }).waitFor();
  const names = await page.getByRole('list', { name: 'さがした結果' }).getByRole('link').allTextContents();
  assert.deepEqual(names, [open.name], 'only the place open today is listed');
  const last = searches[searches.length - 1];
  assert.equal(last.get('open_today'), '1', 'the search asks for open_today=1');
  assert.equal(last.get('day'), null, 'no weekday number (it ignores holidays and dated closures)');
  await axe(page, 'public search, open today');
  await shot(page, 'views-public-today');
  await ctx.close();
});

test('public: a query over 64 characters says it is too long, not "try later"', async () => {
  const { ctx, page } = await newPage('public-long', { width: 375, height: 812 });
  await page.goto(`${BASE}/`);
  await page.getByRole('status').filter({ hasText: /見つかりました/ }).waitFor();
  await page.getByRole('searchbox', { name: /なまえ/ }).fill('あ'.repeat(65));
  await page.getByRole('button', { name: 'さがす', exact: true }).click();
  const status = page.getByRole('status').filter({ hasText: /長すぎ/ });
  await status.waitFor();
  assert.ok(!(await status.textContent()).includes('時間をおいて'), 'no "wait and try again" for a refused query');
  assert.equal(await page.getByRole('searchbox', { name: /なまえ/ }).getAttribute('aria-invalid'), 'true', 'the query box is marked');
  await axe(page, 'public search, too long query');
  await shot(page, 'views-public-long');
  await ctx.close();
});

test('focus: not moved on the first load; on the heading after opening a result, on that result after going Back', async () => {
  await createPlace(`フォーカス確認 ${TOKEN}`, { location: { lat: 35.45, lon: 139.62 } });
  const { ctx, page } = await newPage('focus');
  await page.goto(`${BASE}/#/?q=${TOKEN}`);
  await page.getByRole('status').filter({ hasText: /見つかりました/ }).waitFor();
  await page.locator('#public-map .leaflet-marker-icon').first().waitFor();
  assert.equal((await focused(page)).tag, 'BODY', 'the first load leaves focus alone');
  const link = page.getByRole('link', { name: `フォーカス確認 ${TOKEN}` });
  await link.focus();
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: `フォーカス確認 ${TOKEN}` }).waitFor();
  await page.waitForFunction(() => document.activeElement && document.activeElement.tagName === 'H1');
  assert.equal((await focused(page)).text, `フォーカス確認 ${TOKEN}`, 'focus on the place\'s heading');
  await axe(page, 'public detail after opening a result');
  await page.goBack();
  await page.getByRole('status').filter({ hasText: /見つかりました/ }).waitFor();
  await page.waitForFunction(() => document.activeElement && document.activeElement.tagName === 'A');
  assert.equal((await focused(page)).text, `フォーカス確認 ${TOKEN}`, 'focus on the opened place\'s link after Back');
  await ctx.close();

  // Staff app: after logging in, the first screen's heading has the focus (the login form is gone).
  const s = await newPage('focus-staff');
  await login(s.page, 'coord');
  await s.page.waitForFunction(() => document.activeElement && document.activeElement.tagName === 'H1');
  assert.equal((await focused(s.page)).tag, 'H1', 'focus on the home heading after logging in');
  await s.page.goto(`${BASE}/app#/search?q=${TOKEN}`);
  await s.page.getByRole('link', { name: `フォーカス確認 ${TOKEN}` }).click();
  await s.page.getByRole('heading', { level: 1, name: `フォーカス確認 ${TOKEN}` }).waitFor();
  await s.page.waitForFunction(() => document.activeElement && document.activeElement.tagName === 'H1');
  assert.ok((await focused(s.page)).text.startsWith(`フォーカス確認 ${TOKEN}`), 'staff detail heading has focus');
  await axe(s.page, 'staff detail after opening a result');
  await s.ctx.close();
});

test('change history: Japanese labels, names, hours and dates; only what changed; no JSON or internal keys', async () => {
  const [s0, s1, s2] = services;
  const r = await createPlace(`履歴の確認 ${TOKEN}`, {
    services: [s0.code], hours: [{ weekday: 1, open: '10:00', close: '15:00' }],
    ages: { min_months: 0, max_months: 36 }, fee: { free: false, text: '1回100円' },
    address: { postal_code: '236-0021', prefecture: '神奈川県', city: 'みなと市さくら区', line: '本町1-1' },
    location: { lat: 35.45, lon: 139.62 },
  });
  const { id, version, org, uuid, type_name: tn, area_path: ap, address_hidden: ah, open_now: on, verification_due: vd,
    created_at: ca, updated_at: ua, can_edit: ce, ...input } = r;
  await admin('PUT', `/resources/${id}`, {
    ...input, version, org_id: org.id, area_id: area('北部地区').id,
    services: [s0.code, s1.code, s2.code],
    hours: [{ weekday: 1, open: '10:00', close: '15:00' }, { weekday: 6, open: '10:00', close: '12:00' }],
    exceptions: [{ date: '2026-12-29', closed: true, note: '年末年始' }],
    ages: { min_months: 6, max_months: 48 }, fee: { free: true, text: null }, capacity: 12,
  });

  const { ctx, page } = await newPage('history');
  await login(page, 'coord');
  await page.goto(`${BASE}/app#/r/${id}`);
  await page.getByRole('heading', { level: 1, name: new RegExp(`履歴の確認 ${TOKEN}`) }).waitFor();
  await page.getByRole('button', { name: '変更履歴を見る' }).click();
  const entries = page.locator('ol.changes > li');
  await entries.nth(1).waitFor();
  const text = await page.locator('ol.changes').innerText();
  assert.ok(!/[{}[\]"]/.test(text), `no JSON in the history:\n${text}`);
  for (const k of ['address_hidden', 'area_path', 'area_id', 'org_id', 'can_edit', 'open_now', 'source', 'type_name',
    'verification_due', 'version', 'updated_at', 'created_at', 'uuid']) {
    assert.ok(!text.includes(k), `no internal key ${k} in the history`);
  }
  assert.ok(!/\d{4}-\d{2}-\d{2}/.test(text), 'no ISO dates');
  // The update: only the fields that changed, each under its Japanese label.
  const update = entries.first();
  const labels = await update.locator('tbody th').allTextContents();
  assert.deepEqual(labels, ['地域', '対象年齢', '利用料', '定員', 'サービス', '開所時間', '臨時の休み・変更'], 'labels of the changed fields, in order');
  const row = async (label) => (await update.locator('tbody tr').filter({ has: page.getByRole('rowheader', { name: label, exact: true }) }).innerText());
  assert.match(await row('地域'), /中央地区[\s\S]*北部地区/, 'areas by name');
  assert.match(await row('対象年齢'), /0歳〜3歳[\s\S]*生後6か月〜4歳/, 'ages as on the detail page');
  assert.match(await row('サービス'), new RegExp(s2.name_ja), 'tags by name');
  const hours = await row('開所時間');
  assert.match(hours, /土曜日\s+休み[\s\S]*土曜日\s+10:00〜12:00/, `only the weekday that changed: ${hours}`);
  assert.ok(!hours.includes('月曜日'), 'an unchanged weekday is not listed');
  assert.match(await row('臨時の休み・変更'), /2026年12月29日\(火\)：お休み（年末年始）/, 'a dated closure in Japanese');
  // The creation lists what was entered, with the organization's name.
  const created = await entries.nth(1).innerText();
  assert.ok(created.includes('運営団体') && created.includes(org.name), 'organization by name');
  assert.ok(created.includes('〒236-0021'), 'the address as on the detail page');
  await axe(page, 'detail with a readable history');
  await shot(page, 'views-history');
  await ctx.close();
});

test('a confidential place: no 「この場所の近くをさがす」 and 「非公開」 in the history for those who may not locate it', async () => {
  const r = await createPlace(`ひみつのへや ${TOKEN}`, {
    is_confidential: true, front_door: 'さくら区こども家庭支援課 045-000-0000',
    address: { postal_code: '236-0021', prefecture: '神奈川県', city: 'みなと市さくら区', line: '本町9-9' },
    location: { lat: 35.451, lon: 139.621 },
  });
  const other = await newPage('confidential-other');
  await login(other.page, 'staff_b');
  await other.page.goto(`${BASE}/app#/r/${r.id}`);
  await other.page.getByRole('heading', { level: 1, name: new RegExp(`ひみつのへや ${TOKEN}`) }).waitFor();
  await other.page.getByText('所在地は非公開').first().waitFor();
  assert.equal(await other.page.getByRole('link', { name: 'この場所の近くをさがす' }).count(), 0, 'no near search from a place whose location is hidden');
  await other.page.getByRole('button', { name: '変更履歴を見る' }).click();
  await other.page.locator('ol.changes > li').first().waitFor();
  const hist = await other.page.locator('ol.changes').innerText();
  assert.match(hist, /所在地\s+（なし）\s+非公開/, `the hidden address is 「非公開」: ${hist}`);
  assert.ok(!hist.includes('本町9-9') && !hist.includes('35.451'), 'nothing of the location');
  await axe(other.page, 'confidential detail (other organization)');
  await other.ctx.close();

  const own = await newPage('confidential-own');
  await login(own.page, 'staff_a');
  await own.page.goto(`${BASE}/app#/r/${r.id}`);
  await own.page.getByRole('heading', { level: 1, name: new RegExp(`ひみつのへや ${TOKEN}`) }).waitFor();
  await own.page.getByRole('link', { name: 'この場所の近くをさがす' }).waitFor();
  await axe(own.page, 'confidential detail (own organization)');
  await own.ctx.close();
});

test('近い順 without 基準の場所: said next to it, focus there, choices kept, panel open', async () => {
  await createPlace(`きょりの確認 ${TOKEN}`);
  const { ctx, page } = await newPage('distance');
  await login(page, 'coord');
  await page.goto(`${BASE}/app#/search?q=${TOKEN}`);
  await page.getByRole('status').filter({ hasText: /見つかりました/ }).waitFor();
  const filters = page.locator('details.filters');
  if (!(await filters.evaluate((d) => d.open))) await page.getByText('条件をしぼる').click();
  await page.getByLabel('並び順').selectOption('distance');
  await page.getByLabel('範囲').selectOption('1');
  const before = await page.evaluate(() => location.hash);
  await page.getByRole('button', { name: 'この条件でさがす' }).click();
  await page.locator('#s-origin-msg').filter({ hasText: '「基準の場所」を選んでください' }).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.id), 's-origin', 'focus on 基準の場所');
  assert.equal(await page.getByLabel('基準の場所').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.getByLabel('範囲').inputValue(), '1', 'the radius is kept');
  assert.equal(await page.getByLabel('並び順').inputValue(), 'distance', 'the sort is kept');
  assert.equal(await page.evaluate(() => location.hash), before, 'no search was made');
  assert.ok(await filters.evaluate((d) => d.open), 'the filter panel stays open');
  assert.ok(!(await page.locator('main').innerText()).includes('near_resource'), 'no raw API message');
  await axe(page, 'search, distance without origin');
  await shot(page, 'views-distance');
  await ctx.close();
});

test('home: read-only roles get no "press 情報を確認済みにする" instruction', async () => {
  for (const user of ['viewer', 'volunteer']) {
    const { ctx, page } = await newPage(`home-${user}`);
    await login(page, user);
    await page.getByRole('heading', { level: 1, name: 'ホーム' }).waitFor();
    await page.getByRole('searchbox', { name: /場所をさがす/ }).waitFor();
    const text = await page.locator('main').innerText();
    assert.ok(!text.includes('情報を確認済みにする'), `${user}: no instruction for a button they do not have`);
    assert.ok(!text.includes('null'), `${user}: no stray "null"`);
    assert.equal(await page.getByRole('heading', { name: '確認が必要な情報' }).count(), 0, `${user}: no list of places to check`);
    await axe(page, `home (${user})`);
    await ctx.close();
  }
});

/** 25 public, free places named 「もどる確認 NN TOKEN2」 (more than one page of 20). */
let paged = null;
async function pagedPlaces() {
  if (!paged) {
    paged = [];
    for (let i = 1; i <= 25; i++) {
      paged.push(await createPlace(`もどる確認 ${String(i).padStart(2, '0')} ${TOKEN2}`, { fee: { free: true, text: null } }));
    }
  }
  return paged;
}
const activeLink = (page) => page.evaluate(() => {
  const a = document.activeElement;
  if (!a || a.tagName !== 'A') return null;
  const r = a.getBoundingClientRect();
  return { text: a.textContent.trim(), inView: r.top >= 0 && r.bottom <= window.innerHeight };
});

test('public: 「さがす画面にもどる」 returns to the same search (words, conditions, もっと見る) with focus on the opened place', async () => {
  await pagedPlaces();
  const { ctx, page } = await newPage('public-back', { width: 375, height: 812 });
  await page.goto(`${BASE}/#/?q=${TOKEN2}&free=1`);
  await page.getByRole('status').filter({ hasText: '25か所 見つかりました（20か所を表示）。' }).waitFor();
  await page.getByRole('button', { name: 'もっと見る' }).click();
  await page.getByRole('status').filter({ hasText: '25か所 見つかりました。' }).waitFor();
  const search = await page.evaluate(() => location.hash);
  const links = page.getByRole('list', { name: 'さがした結果' }).getByRole('link');
  const target = links.nth(22); // one that only もっと見る shows
  const name = (await target.textContent()).trim();
  await target.focus();
  const y = await page.evaluate(() => window.scrollY);
  assert.ok(y > 0, 'the opened place is further down the list');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name }).waitFor();
  const entries = await page.evaluate(() => history.length);
  const back = page.getByRole('link', { name: '← さがす画面にもどる' });
  assert.equal(await back.getAttribute('href'), search, 'the link names the search the family came from');
  await back.click();
  await page.getByRole('status').filter({ hasText: '25か所 見つかりました。' }).waitFor();
  assert.equal(await page.evaluate(() => location.hash), search, 'the same search');
  assert.equal(await page.evaluate(() => history.length), entries, 'the link went Back (no new history entry)');
  assert.equal(await page.getByRole('searchbox', { name: /なまえ/ }).inputValue(), TOKEN2, 'the words are kept');
  assert.ok(await page.getByRole('checkbox', { name: '無料のところ' }).isChecked(), 'the conditions are kept');
  await page.waitForFunction((n) => document.activeElement && document.activeElement.textContent.trim() === n, name);
  const a = await activeLink(page);
  assert.ok(a && a.inView, 'focus on the opened place\'s link, in view');
  assert.ok(Math.abs((await page.evaluate(() => window.scrollY)) - y) < 50, 'the scroll position is restored');
  await axe(page, 'public search after the back link');

  // The browser's Back does the same.
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name }).waitFor();
  await page.goBack();
  await page.getByRole('status').filter({ hasText: '25か所 見つかりました。' }).waitFor();
  await page.waitForFunction((n) => document.activeElement && document.activeElement.textContent.trim() === n, name);
  assert.ok((await activeLink(page)).inView, 'after Back: focus on the opened place, in view');
  await ctx.close();

  // Opened directly (a shared link): the plain search page.
  const d = await newPage('public-back-direct', { width: 375, height: 812 });
  await d.page.goto(`${BASE}/#/r/${paged[0].id}`);
  await d.page.getByRole('heading', { level: 1, name: paged[0].name }).waitFor();
  assert.equal(await d.page.getByRole('link', { name: '← さがす画面にもどる' }).getAttribute('href'), '#/');
  await d.ctx.close();
});

test('staff: 「← さがす」 returns to the same search with focus on the opened result; Back too', async () => {
  await pagedPlaces();
  const { ctx, page } = await newPage('staff-back');
  await login(page, 'coord');
  await page.goto(`${BASE}/app#/search?q=${TOKEN2}&free=1&sort=name`);
  await page.getByRole('status').filter({ hasText: '25件見つかりました（20件を表示）。' }).waitFor();
  const search = await page.evaluate(() => location.hash);
  const target = page.getByRole('list', { name: '検索結果' }).getByRole('link').nth(15);
  const name = (await target.textContent()).trim();
  await target.focus();
  const y = await page.evaluate(() => window.scrollY);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: new RegExp(name) }).waitFor();
  const entries = await page.evaluate(() => history.length);
  const back = page.getByRole('link', { name: '← さがす' });
  assert.equal(await back.getAttribute('href'), search, 'the link names the search');
  await back.click();
  await page.getByRole('status').filter({ hasText: '25件見つかりました' }).waitFor();
  assert.equal(await page.evaluate(() => location.hash), search, 'the same search');
  assert.equal(await page.evaluate(() => history.length), entries, 'the link went Back');
  await page.waitForFunction((n) => document.activeElement && document.activeElement.textContent.trim() === n, name);
  assert.ok((await activeLink(page)).inView, 'focus on the opened result, in view');
  assert.ok(Math.abs((await page.evaluate(() => window.scrollY)) - y) < 50, 'the scroll position is restored');

  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: new RegExp(name) }).waitFor();
  await page.goBack();
  await page.getByRole('status').filter({ hasText: '25件見つかりました' }).waitFor();
  await page.waitForFunction((n) => document.activeElement && document.activeElement.textContent.trim() === n, name);
  await axe(page, 'staff search after Back');
  // Opened directly: the plain search page.
  await page.goto(`${BASE}/app#/r/${paged[0].id}`);
  await page.reload();
  await page.getByRole('heading', { level: 1, name: new RegExp(paged[0].name) }).waitFor();
  assert.equal(await page.getByRole('link', { name: '← さがす' }).getAttribute('href'), '#/search');
  await ctx.close();
});

test('staff: back at a list of more than 100 shown results, focus is on the opened one', async () => {
  const token = `たすう${TOKEN2}`;
  for (let i = 1; i <= 105; i++) await createPlace(`${token} ${String(i).padStart(3, '0')}`);
  const { ctx, page } = await newPage('staff-back-many');
  await login(page, 'coord');
  await page.goto(`${BASE}/app#/search?q=${encodeURIComponent(token)}&sort=name`);
  await page.getByRole('status').filter({ hasText: '105件見つかりました（20件を表示）。' }).waitFor();
  for (let shown = 40; shown <= 100; shown += 20) {
    await page.getByRole('button', { name: 'もっと見る' }).click();
    await page.getByRole('status').filter({ hasText: `（${shown}件を表示）` }).waitFor();
  }
  await page.getByRole('button', { name: 'もっと見る' }).click();
  await page.getByRole('status').filter({ hasText: '105件見つかりました。' }).waitFor();
  const target = page.getByRole('list', { name: '検索結果' }).getByRole('link').nth(102); // past the first 100
  const name = (await target.textContent()).trim();
  assert.ok(name.includes('103'), name);
  await target.focus();
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: new RegExp(name) }).waitFor();
  await page.getByRole('link', { name: '← さがす' }).click();
  await page.getByRole('status').filter({ hasText: '105件見つかりました。' }).waitFor();
  await page.waitForFunction((n) => document.activeElement && document.activeElement.textContent.trim() === n, name);
  assert.ok((await activeLink(page)).inView, 'focus on the opened result, in view');
  await ctx.close();
});

test('today\'s hours: the holiday row that may apply, a dated exception for today (Asia/Tokyo)', async () => {
  const today = tokyoToday();
  const week = [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, open: '09:30', close: '16:00' }));
  const hol = await createPlace(`しゅくじつ ${TOKEN}`, { hours: [...week, { weekday: 7, open: '10:00', close: '15:00' }] });
  const same = await createPlace(`まいにち ${TOKEN}`, { hours: [...week, { weekday: 7, open: '09:30', close: '16:00' }] });
  const shut = await createPlace(`きょうやすみ ${TOKEN}`, { hours: week, exceptions: [{ date: today.iso, closed: true, note: '臨時休館' }] });
  const short = await createPlace(`じかんへんこう ${TOKEN}`, { hours: week, exceptions: [{ date: today.iso, closed: false, open: '13:00', close: '15:00', note: '時間変更' }] });
  const { ctx, page } = await newPage('today', { width: 375, height: 812 });
  const box = async () => (await page.locator('.today-hours').innerText()).replace(/\n+/g, '\n');

  await page.goto(`${BASE}/#/r/${hol.id}`);
  await page.getByRole('heading', { level: 1, name: hol.name }).waitFor();
  const server = await (await fetch(`${BASE}/api/v1/resources/${hol.id}`)).json();
  // The server says whether today is a holiday (resource.today): the label says so.
  const holiday = Boolean(server.today && server.today.date === today.iso && server.today.holiday);
  const d = new Date(Date.now() + 9 * 3600 * 1000);
  const label = holiday ? `${d.getUTCMonth() + 1}月${d.getUTCDate()}日・祝日` : today.label;
  if (server.today && server.today.date === today.iso) {
    // Then only the hours that apply.
    assert.equal(await box(), `今日（${label}）：${holiday ? '10:00〜15:00' : '9:30〜16:00'}`);
  } else {
    // Not known here whether today is a holiday: the weekday's hours and the holiday's.
    assert.equal(await box(), `今日（${today.label}）：9:30〜16:00\n※ 今日が祝日のときは 10:00〜15:00 です。`);
  }
  await axe(page, 'public detail with today\'s hours');
  await shot(page, 'views-today-hours');

  await page.goto(`${BASE}/#/r/${same.id}`);
  await page.getByRole('heading', { level: 1, name: same.name }).waitFor();
  assert.equal(await box(), `今日（${label}）：9:30〜16:00`, 'the same hours on holidays: no 「祝日のとき」');
  const wdName = today.wd === 0 ? '日曜日' : `${'日月火水木金土'[today.wd]}曜日`;
  const mark = await page.locator('table.hours tbody th').filter({ hasText: '（今日）' }).innerText();
  if (holiday) assert.match(mark, /^祝.*（今日）$/, 'today\'s row (the holiday row) says so');
  else assert.equal(mark, `${wdName}（今日）`, 'today\'s row says so');

  await page.goto(`${BASE}/#/r/${shut.id}`);
  await page.getByRole('heading', { level: 1, name: shut.name }).waitFor();
  assert.equal(await box(), `今日（${label}）はお休みです（臨時休館）`, 'a closure today comes first');
  assert.equal(await page.locator('table.hours tbody th').filter({ hasText: '（今日）' }).count(), 0, 'no weekly row is today\'s');
  await ctx.close();

  // Staff detail: the same line.
  const s = await newPage('today-staff');
  await login(s.page, 'staff_a');
  await s.page.goto(`${BASE}/app#/r/${short.id}`);
  await s.page.getByRole('heading', { level: 1, name: new RegExp(short.name) }).waitFor();
  assert.equal(await s.page.locator('.today-hours').innerText(), `今日（${label}）：13:00〜15:00（時間変更）`);
  await axe(s.page, 'staff detail with today\'s hours');
  await s.ctx.close();
});

test('public: an age out of range says the app\'s message next to the field, nothing is searched', async () => {
  const { ctx, page } = await newPage('public-age', { width: 375, height: 812 });
  await page.goto(`${BASE}/`);
  await page.getByRole('status').filter({ hasText: /見つかりました/ }).waitFor();
  assert.equal(await page.getByRole('search', { name: '場所をさがす' }).getAttribute('novalidate'), '', 'no browser bubble');
  const hash = await page.evaluate(() => location.hash);
  for (const [label, value] of [['さい', '19'], ['か月', '14']]) {
    await page.getByRole('spinbutton', { name: label, exact: true }).fill(value);
    await page.getByRole('button', { name: 'さがす', exact: true }).click();
    const err = page.locator('#p-age-error');
    await err.waitFor();
    assert.equal(await err.innerText(), 'お子さんの年齢は、0〜18さい と 0〜11か月 の数字で入れてください。');
    assert.equal(await page.evaluate(() => document.activeElement.id), label === 'さい' ? 'p-age-y' : 'p-age-m', 'focus on the wrong field');
    assert.equal(await page.getByRole('spinbutton', { name: label, exact: true }).getAttribute('aria-invalid'), 'true');
    assert.equal(await page.evaluate(() => location.hash), hash, 'nothing searched');
    await page.getByRole('spinbutton', { name: label, exact: true }).fill('');
  }
  await page.getByRole('spinbutton', { name: 'さい', exact: true }).fill('2');
  await page.getByRole('button', { name: 'さがす', exact: true }).click();
  await page.waitForFunction(() => location.hash.includes('age_y=2'));
  await page.getByRole('status').filter({ hasText: /見つかりました/ }).waitFor();
  assert.ok(await page.locator('#p-age-error').isHidden(), 'the message goes once the age is right');
  await axe(page, 'public search, age');
  await ctx.close();
});

test('detail wording: the public labels match the search form; the history toggle says 閉じる; no 「（不明）」 author', async () => {
  const demo = (await (await fetch(`${BASE}/api/v1/resources?q=${encodeURIComponent('さくらっこ')}`)).json()).items[0];
  assert.ok(demo, 'a demo place');
  const p = await newPage('wording-public', { width: 375, height: 812 });
  await p.page.goto(`${BASE}/#/r/${demo.id}`);
  await p.page.getByRole('heading', { level: 1, name: demo.name }).waitFor();
  const terms = await p.page.locator('dl.facts dt').allTextContents();
  assert.ok(terms.includes('場所の種類') && !terms.includes('種別'), `場所の種類 as in the search form: ${terms}`);
  assert.ok(!terms.includes('うんえい'), 'no 「うんえい」 among kanji labels');
  await p.ctx.close();

  const { ctx, page } = await newPage('history-toggle');
  await login(page, 'coord');
  await page.goto(`${BASE}/app#/r/${demo.id}`);
  await page.getByRole('heading', { level: 1, name: new RegExp(demo.name) }).waitFor();
  const show = page.getByRole('button', { name: '変更履歴を見る' });
  assert.equal(await show.getAttribute('aria-expanded'), 'false');
  await show.click();
  const hide = page.getByRole('button', { name: '変更履歴を閉じる' });
  await hide.waitFor();
  assert.equal(await hide.getAttribute('aria-expanded'), 'true');
  await page.locator('ol.changes > li').first().waitFor();
  const hist = await page.locator('ol.changes').innerText();
  assert.ok(!hist.includes('（不明）'), 'no 「（不明）」 author');
  assert.ok(hist.includes('システム（初期データ・取り込み）'), `the demo loader's entries say who: ${hist.slice(0, 200)}`);
  await axe(page, 'detail with the history open');
  await hide.click();
  await show.waitFor();
  assert.equal(await show.getAttribute('aria-expanded'), 'false');
  assert.equal(await page.locator('ol.changes').count(), 0, 'the history is closed');
  await ctx.close();
});

test('no CSP violations, page errors or external requests', () => {
  assert.deepEqual(problems, []);
});
