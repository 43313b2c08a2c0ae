// Browser tests of the staff forms against a running tsunagu server (demo data):
//   TSUNAGU_URL=http://127.0.0.1:18080 TSUNAGU_PASSWORD=… node --test tests/browser/
// Proves: a session that ends while editing loses nothing (the input comes back after
// logging in again, never through web storage); a 409 keeps the input and merges the
// other change; the admin role menu changes nothing until 変更 is confirmed; edit forms
// open only for people who may save them, and staff are offered only their own
// organization; full-width phone and postal codes are saved half-width; a 250-character
// name is refused with a message, not cut; the fee is never preselected as free; toasts do
// not outlive their screen; at 375 px the hours/exceptions editors and the users list fit,
// the header is small and not sticky, focused fields are not hidden under sticky bars;
// tap targets on the public detail page are 44 px; ＋ 時間を追加 picks the next free weekday and
// overlaps are said on the row before sending; 休み disables the exception's times; the admin's
// own row has no role menu or 停止; an unconfirmed role asks before leaving; an unreadable import
// file gets one plain sentence; the staff search's age is checked by the app, not the browser.
// axe-core on every page visited, CSP
// and page errors fail. Each test creates the places and users it changes (API), so it
// does not depend on other test files. Demo logins (same password as TSUNAGU_PASSWORD):
// TSUNAGU_ADMIN_LOGIN (admin), TSUNAGU_STAFF_LOGIN (staff_a), TSUNAGU_VIEWER_LOGIN (viewer),
// TSUNAGU_LOGIN (a coordinator).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'playwright-core';
import { BASE, PASSWORD, problems, launch, watch, axe, shot as shotAs } from './lib.mjs';

const COORD = process.env.TSUNAGU_LOGIN || 'coord';
const ADMIN = process.env.TSUNAGU_ADMIN_LOGIN || 'admin';
const STAFF = process.env.TSUNAGU_STAFF_LOGIN || 'staff_a';
const VIEWER = process.env.TSUNAGU_VIEWER_LOGIN || 'viewer';
const RUN = Date.now().toString(36);

let browser;
const apis = [];

before(async () => {
  assert.ok(PASSWORD, 'set TSUNAGU_PASSWORD to the demo password');
  browser = await launch();
});
after(async () => {
  for (const a of apis) await a.rq.dispose().catch(() => {});
  if (browser) await browser.close();
});

async function shot(page, name) {
  await shotAs(page, `forms-${name}`);
}

/** An API client logged in as login (its own cookie jar). */
async function apiAs(login) {
  const rq = await request.newContext({ baseURL: BASE });
  const res = await rq.post('/api/v1/session', { data: { login, password: PASSWORD } });
  assert.equal(res.status(), 200, `API login ${login}`);
  const s = await res.json();
  const call = async (method, p, body) => {
    const r = await rq.fetch(`/api/v1${p}`, { method, data: body, headers: { 'X-CSRF-Token': s.csrf_token } });
    const text = await r.text();
    return { status: r.status(), json: text ? JSON.parse(text) : null };
  };
  const a = { rq, user: s.user, call };
  apis.push(a);
  return a;
}

let adminApi;
async function admin() { if (!adminApi) adminApi = await apiAs(ADMIN); return adminApi; }

/** A new public place of org orgId with hours, a closure, a phone and a location. */
async function createPlace(orgId, extra = {}) {
  const a = await admin();
  const body = {
    type: 'tsudoi', name: `フォーム試験の場所 ${RUN} ${Math.random().toString(36).slice(2, 7)}`, org_id: orgId,
    phone: '045-000-1111', location: { lat: 35.44, lon: 139.63 },
    address: { postal_code: '231-0001', prefecture: '神奈川県', city: 'みなと市さくら区', line: '本町1-2-3', building: null },
    fee: { free: false, text: '1回100円' }, capacity: 10,
    hours: [{ weekday: 1, open: '10:00', close: '15:00' }, { weekday: 3, open: '09:30', close: '12:00' }],
    exceptions: [{ date: '2026-12-29', closed: true, open: null, close: null, note: '年末年始のお休みです' },
      { date: '2027-01-05', closed: false, open: '10:00', close: '12:00', note: '午前だけ開きます' }],
    is_public: true, is_confidential: false, ...extra,
  };
  const r = await a.call('POST', '/resources', body);
  assert.equal(r.status, 201, `create place: ${JSON.stringify(r.json)}`);
  return r.json;
}

async function newPage(opts = {}) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ja-JP', ...opts });
  const page = await ctx.newPage();
  return { ctx, page };
}

async function loginUI(page, login, { start = true } = {}) {
  if (start) await page.goto(`${BASE}/app`);
  await page.getByLabel('ログインID').waitFor();
  await page.getByLabel('ログインID').fill(login);
  await page.getByLabel('パスワード').fill(PASSWORD);
  await page.getByRole('button', { name: 'ログイン', exact: true }).click();
  await page.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: 'ホーム' }).waitFor();
}

async function openEdit(page, id) {
  await page.goto(`${BASE}/app#/r/${id}/edit`);
  await page.locator('form.edit-form').waitFor();
}

const field = (page, name) => page.locator(`[data-field="${name}"]`);

test('a session that ends while editing loses nothing; a conflict keeps the input', async () => {
  const staff = await apiAs(STAFF);
  const place = await createPlace(staff.user.org_id);
  const { ctx, page } = await newPage();
  watch(page, 'expiry');
  await loginUI(page, STAFF);
  await openEdit(page, place.id);
  const note = `来月から火曜日は午後のみ開所します ${RUN}`;
  await field(page, 'schedule_note').fill(note);
  await field(page, 'description').fill('説明を書き直しています。');

  // The session cookie disappears (expired); saving shows the login screen, which says
  // the input is kept.
  await ctx.clearCookies();
  await page.getByRole('button', { name: '保存する' }).click();
  await page.getByLabel('ログインID').waitFor();
  await page.getByText('ログインの有効期限が切れました').waitFor();
  await page.getByText('入力中の内容は消えていません').waitFor();
  await axe(page, 'login after expiry');
  const storage = await page.evaluate(() => sessionStorage.length + localStorage.length);
  assert.equal(storage, 0, 'nothing is kept in web storage');

  await loginUI(page, STAFF, { start: false });
  await page.getByText('ログインし直しました。入力中の内容を戻しました。保存してください。').waitFor();
  assert.ok(page.url().endsWith(`#/r/${place.id}/edit`), `back on the same edit page: ${page.url()}`);
  assert.equal(await field(page, 'schedule_note').inputValue(), note, 'the typed note is back');
  assert.equal(await field(page, 'description').inputValue(), '説明を書き直しています。');
  await axe(page, 'edit with restored input');
  await shot(page, 'restored');

  // Meanwhile someone else saves another field: the save answers 409, the input stays,
  // the other change is taken in, and the second save keeps both.
  const a = await admin();
  const cur = (await a.call('GET', `/resources/${place.id}`)).json;
  const other = { ...cur, org_id: cur.org.id, capacity: 25, name: `${cur.name}（更新）` };
  for (const k of ['id', 'uuid', 'org', 'type_name', 'area_path', 'address_hidden', 'open_now', 'verification_due', 'created_at', 'updated_at', 'can_edit']) delete other[k];
  const put = await a.call('PUT', `/resources/${place.id}`, other);
  assert.equal(put.status, 200, `other save: ${JSON.stringify(put.json)}`);
  await page.getByRole('button', { name: '保存する' }).click();
  await page.getByText('ほかの人が先にこの情報を保存しました。').waitFor();
  await page.getByText('入力した内容は消えていません').waitFor();
  assert.equal(await field(page, 'schedule_note').inputValue(), note, 'input kept after the conflict');
  assert.equal(await field(page, 'capacity').inputValue(), '25', 'the other person\'s change is taken in');
  assert.equal(await field(page, 'name').inputValue(), other.name, 'their new name is taken in');
  await axe(page, 'edit after a conflict');
  await shot(page, 'conflict');
  await page.getByRole('button', { name: '保存する' }).click();
  await page.getByRole('heading', { level: 1, name: new RegExp('（更新）') }).waitFor();
  const saved = (await a.call('GET', `/resources/${place.id}`)).json;
  assert.equal(saved.schedule_note, note);
  assert.equal(saved.capacity, 25);
  assert.equal(saved.description, '説明を書き直しています。');
  await ctx.close();
});

/** A new viewer user, and the admin's 設定 page open on the users list, with the PUTs it sends. */
async function usersPageWith(name, label) {
  const a = await admin();
  const created = await a.call('POST', '/users', { login: `${name}_${RUN}`, display_name: `${label} ${RUN}`, role: 'viewer', org_id: a.user.org_id, password: `${name}-test-password-1` });
  assert.equal(created.status, 201, `create user: ${JSON.stringify(created.json)}`);
  const u = created.json;
  const { ctx, page } = await newPage();
  watch(page, name);
  const puts = [];
  page.on('request', (r) => { if (r.method() === 'PUT' && r.url().includes('/api/v1/users/')) puts.push(r.url()); });
  await loginUI(page, ADMIN);
  await page.goto(`${BASE}/app#/settings`);
  const sel = page.getByRole('combobox', { name: `${u.display_name}の役割` });
  await sel.waitFor();
  return { a, u, ctx, page, puts, sel };
}

test('admin role menu: moving through the options sends nothing until 変更 is confirmed', async () => {
  const { a, u, ctx, page, puts, sel } = await usersPageWith('role', '役割テスト');
  const apply = page.getByRole('button', { name: `${u.display_name}の役割を変更` });
  assert.ok(await apply.isDisabled(), '変更 is disabled while the role is unchanged');
  await sel.focus();
  for (const k of ['ArrowUp', 'ArrowUp', 'ArrowUp', 'ArrowDown']) await page.keyboard.press(k);
  await page.waitForTimeout(300);
  assert.deepEqual(puts, [], 'arrow keys send no PUT');
  await sel.selectOption('coordinator');
  assert.ok(await apply.isEnabled(), '変更 is enabled for a different role');
  // Cancelled confirmation: nothing sent.
  let dialogText = '';
  page.once('dialog', async (d) => { dialogText = d.message(); await d.dismiss(); });
  await apply.click();
  await page.waitForTimeout(300);
  assert.match(dialogText, new RegExp(`${u.display_name}.*閲覧のみ.*コーディネーター`), `confirmation names the user and roles: ${dialogText}`);
  assert.deepEqual(puts, [], 'no PUT after cancelling');
  page.once('dialog', (d) => d.accept());
  await apply.click();
  await page.getByText(`${u.display_name}さんの役割を「コーディネーター」に変更しました。`).waitFor();
  assert.equal(puts.length, 1, 'one PUT after confirming');
  const users = (await a.call('GET', '/users')).json.items;
  assert.equal(users.find((x) => x.id === u.id).role, 'coordinator');
  assert.ok(await apply.isDisabled(), '変更 is disabled again');
  await axe(page, 'settings with users');

  // The users list at 375 px: rows are cards, nothing overflows, the menu is usable.
  await page.setViewportSize({ width: 375, height: 740 });
  await page.waitForTimeout(100);
  const m = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, cw: document.documentElement.clientWidth }));
  assert.ok(m.sw <= m.cw + 1, `no horizontal scrolling (${m.sw} > ${m.cw})`);
  const box = await sel.boundingBox();
  assert.ok(box.width >= 120, `role menu is wide enough (${box.width})`);
  const nameBox = await page.locator('table.users td', { hasText: u.display_name }).first().boundingBox();
  assert.ok(nameBox.width >= 200, `names have room (${nameBox.width})`);
  await axe(page, 'users (phone)');
  await shot(page, 'users-phone');
  await ctx.close();
});

test('edit forms open only for people who may save them; staff see only their organization', async () => {
  const staff = await apiAs(STAFF);
  const a = await admin();
  const orgs = (await a.call('GET', '/orgs')).json.items;
  const otherOrg = orgs.find((o) => o.id !== staff.user.org_id);
  const foreign = await createPlace(otherOrg.id);

  const { ctx, page } = await newPage();
  watch(page, 'permissions');
  await loginUI(page, STAFF);
  await page.goto(`${BASE}/app#/r/${foreign.id}/edit`);
  await page.getByText('この場所を編集する権限がありません').waitFor();
  assert.equal(await page.locator('form.edit-form').count(), 0, 'no form for a place of another organization');
  await page.getByRole('link', { name: /この場所の詳細にもどる/ }).waitFor();
  await axe(page, 'edit refused (staff, other org)');
  await page.goto(`${BASE}/app#/new`);
  await page.locator('form.edit-form').waitFor();
  const opts = await field(page, 'org_id').locator('option').allTextContents();
  assert.deepEqual(opts, [staff.user.org_name], `staff are offered only their own organization: ${opts}`);
  await ctx.close();

  const v = await newPage();
  watch(v.page, 'viewer');
  await loginUI(v.page, VIEWER);
  await v.page.goto(`${BASE}/app#/new`);
  await v.page.getByText('新しい場所を登録できるのは').waitFor();
  assert.equal(await v.page.locator('form.edit-form').count(), 0, 'no form for a viewer');
  await v.page.getByRole('link', { name: 'ホームへ' }).waitFor();
  await axe(v.page, 'new refused (viewer)');
  await v.page.goto(`${BASE}/app#/r/${foreign.id}/edit`);
  await v.page.getByText('この場所を編集する権限がありません').waitFor();
  await v.ctx.close();

  const c = await newPage();
  watch(c.page, 'coordinator');
  await loginUI(c.page, COORD);
  await c.page.goto(`${BASE}/app#/new`);
  await c.page.locator('form.edit-form').waitFor();
  const copts = await field(c.page, 'org_id').locator('option').count();
  assert.ok(copts > 1, `a coordinator chooses among organizations (${copts})`);
  await c.ctx.close();
});

test('new place: full-width numbers, a too long name, no default fee, toasts', async () => {
  const { ctx, page } = await newPage();
  watch(page, 'new');
  const posts = [];
  page.on('request', (r) => { if (r.method() === 'POST' && r.url().endsWith('/api/v1/resources')) posts.push(r.url()); });
  await loginUI(page, STAFF);
  await page.goto(`${BASE}/app#/new`);
  await page.locator('form.edit-form').waitFor();
  await axe(page, 'new place form');
  // The fee is stated on purpose: none of 無料, 有料, わからない is ticked.
  const free = page.getByRole('radio', { name: '無料' });
  const paid = page.getByRole('radio', { name: /有料/ });
  const unknown = page.getByRole('radio', { name: /わからない/ });
  assert.equal(await free.isChecked(), false, '無料 is not preselected');
  assert.equal(await paid.isChecked(), false, '有料 is not preselected');
  assert.equal(await unknown.isChecked(), false, 'わからない is not preselected');

  const long = 'あ'.repeat(250);
  await field(page, 'name').fill(long);
  assert.equal(await field(page, 'name').inputValue(), long, 'a long name is not cut');
  await page.getByText('250 / 200文字').waitFor();
  await field(page, 'type').selectOption('tsudoi');
  await free.check();
  await page.getByRole('button', { name: '登録する' }).click();
  await page.locator('.error-summary').getByText('名称は200文字以内にしてください').waitFor();
  assert.equal(await field(page, 'name').getAttribute('aria-invalid'), 'true');
  assert.deepEqual(posts, [], 'a too long name is not sent');
  await axe(page, 'new place with an error');

  const name = `全角入力の場所 ${RUN}`;
  await field(page, 'name').fill(name);
  // An IME gives full-width digits and dashes; wrong ones still say 半角.
  await field(page, 'phone').fill('０４５ー７０２');
  await page.getByRole('button', { name: '登録する' }).click();
  await page.locator('.error-summary').getByText(/半角数字/).waitFor();
  await field(page, 'phone').fill('０４５−７０２−１１８１');
  await field(page, 'address.postal_code').fill('２３６００２２');
  await field(page, 'email').focus();
  assert.equal(await field(page, 'phone').inputValue(), '045-702-1181', 'phone shown half-width after leaving the field');
  assert.equal(await field(page, 'address.postal_code').inputValue(), '236-0022');
  await paid.check();
  await page.getByRole('button', { name: '登録する' }).click();
  await page.getByRole('heading', { level: 1, name }).waitFor();
  assert.equal(posts.length, 1);
  const id = Number(/#\/r\/(\d+)/.exec(page.url())[1]);
  const saved = (await (await admin()).call('GET', `/resources/${id}`)).json;
  assert.equal(saved.phone, '045-702-1181');
  assert.equal(saved.address.postal_code, '236-0022');
  assert.equal(saved.fee.free, false);

  // 「登録しました。」 shows on the detail page, and not on the next screen.
  const toast = page.locator('#toast');
  assert.ok(await toast.evaluate((el) => el.classList.contains('show')), 'toast on the detail page');
  await page.waitForTimeout(1600);
  await page.goto(`${BASE}/app#/r/${id}/edit`);
  await page.locator('form.edit-form').waitFor();
  assert.equal(await toast.evaluate((el) => el.classList.contains('show')), false, 'the toast does not follow to the next screen');
  await ctx.close();
});

test('a fee that is not known reads so, and the editor keeps it so unless changed', async () => {
  const a = await admin();
  const place = await createPlace(a.user.org_id, { fee: { free: null, text: null } });
  const { ctx, page } = await newPage();
  watch(page, 'fee-unknown');
  await loginUI(page, COORD);
  await page.goto(`${BASE}/app#/r/${place.id}`);
  await page.getByRole('heading', { level: 1, name: place.name }).waitFor();
  // staff: a prompt to check it
  await page.getByText('未確認（料金がかかるかどうか、まだ確かめていません）').first().waitFor();
  const main = await page.locator('main').textContent();
  assert.ok(!/有料/.test(main), `a fee not known is not shown as 有料: ${main}`);
  await openEdit(page, place.id);
  assert.equal(await page.getByRole('radio', { name: /わからない/ }).isChecked(), true, 'わからない is ticked');
  assert.equal(await page.getByRole('radio', { name: '無料' }).isChecked(), false);
  await axe(page, 'edit form of a place whose fee is not known');
  await field(page, 'phone').fill('045-000-2222');
  await page.getByRole('button', { name: '保存する' }).click();
  await page.getByRole('heading', { level: 1, name: place.name }).waitFor();
  const saved = (await a.call('GET', `/resources/${place.id}`)).json;
  assert.equal(saved.phone, '045-000-2222');
  assert.deepEqual(saved.fee, { free: null, text: null }, 'saving other fields keeps the fee not known');
  // Families: ask before going.
  await page.goto(`${BASE}/#/r/${place.id}`);
  await page.getByText('わかりません（行く前にお問い合わせください）').first().waitFor();
  assert.ok(!/有料|未確認/.test(await page.locator('main').textContent()), 'the public page neither says 有料 nor speaks to staff');
  await ctx.close();
});

test('phone and 200 % zoom: compact header, editors fit, focus never hidden, 44 px targets', async () => {
  const staff = await apiAs(STAFF);
  const place = await createPlace(staff.user.org_id);
  const phone = await newPage({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
  const page = phone.page;
  watch(page, 'phone');
  await loginUI(page, STAFF);
  await openEdit(page, place.id);
  const head = await page.locator('.topbar').boundingBox();
  assert.ok(head.height <= 160, `header is compact on a phone (${head.height} px)`);
  await page.evaluate(() => window.scrollTo(0, 600));
  const after = await page.locator('.topbar').boundingBox();
  assert.ok(after.y + after.height <= 1, 'the header scrolls away on a phone');
  // The editors fit: no horizontal scrolling, every 削除 and メモ on screen.
  const fit = await page.evaluate(() => {
    const cw = document.documentElement.clientWidth;
    const out = { sw: document.documentElement.scrollWidth, cw, wraps: [], off: [] };
    document.querySelectorAll('.edit-form .table-wrap').forEach((w) => out.wraps.push([w.scrollWidth, w.clientWidth]));
    document.querySelectorAll('.editor button, .editor input, .editor select').forEach((e) => {
      const r = e.getBoundingClientRect();
      if (r.left < 0 || r.right > cw) out.off.push(`${e.tagName} ${e.dataset.field || e.textContent} ${r.left}-${r.right}`);
    });
    return out;
  });
  assert.ok(fit.sw <= fit.cw + 1, `no horizontal scrolling (${fit.sw} > ${fit.cw})`);
  for (const [sw, cw] of fit.wraps) assert.ok(sw <= cw + 1, `an editor overflows its box (${sw} > ${cw})`);
  assert.deepEqual(fit.off, [], 'every editor control is on screen');
  await axe(page, 'edit (phone)');
  await shot(page, 'edit-phone');

  // Tab through the form: no focused control is hidden under the sticky 保存する bar.
  async function tabThrough(what) {
    await field(page, 'name').focus();
    const hidden = [];
    for (let i = 0; i < 45; i += 1) {
      await page.keyboard.press('Tab');
      const r = await page.evaluate(() => {
        const e = document.activeElement;
        if (!e || !e.closest('.edit-form') || e.closest('.form-actions')) return null;
        const b = e.getBoundingClientRect();
        const bar = document.querySelector('.form-actions.sticky').getBoundingClientRect();
        const top = document.querySelector('.topbar');
        const tb = getComputedStyle(top).position === 'sticky' ? top.getBoundingClientRect().bottom : 0;
        return { f: e.dataset.field || e.id, top: b.top, bottom: b.bottom, bar: bar.top, tb };
      });
      if (r && (r.bottom > r.bar + 1 || r.top < r.tb - 1)) hidden.push(JSON.stringify(r));
    }
    assert.deepEqual(hidden, [], `${what}: focused fields hidden under a sticky bar`);
  }
  await tabThrough('phone');
  await phone.ctx.close();

  // A desktop window: the header is sticky; Shift+Tab upwards never hides a field under it.
  const desk = await newPage({ viewport: { width: 1280, height: 800 } });
  watch(desk.page, 'desktop');
  await loginUI(desk.page, STAFF);
  await openEdit(desk.page, place.id);
  await desk.page.locator('[data-field="is_public"]').focus();
  const hiddenD = [];
  for (let i = 0; i < 40; i += 1) {
    await desk.page.keyboard.press('Shift+Tab');
    const r = await desk.page.evaluate(() => {
      const e = document.activeElement;
      if (!e || !e.closest('.edit-form') || e.closest('.form-actions')) return null;
      const b = e.getBoundingClientRect();
      return { f: e.dataset.field || e.id, top: b.top, bottom: b.bottom, head: document.querySelector('.topbar').getBoundingClientRect().bottom,
        bar: document.querySelector('.form-actions.sticky').getBoundingClientRect().top };
    });
    if (r && (r.top < r.head - 1 || r.bottom > r.bar + 1)) hiddenD.push(JSON.stringify(r));
  }
  assert.deepEqual(hiddenD, [], 'desktop: focused fields hidden under the sticky header or bar');
  await desk.ctx.close();

  // 200 % zoom of a 1280×800 window: 640×400 CSS px. The header is not sticky there.
  const zoom = await newPage({ viewport: { width: 640, height: 400 } });
  watch(zoom.page, 'zoom');
  await loginUI(zoom.page, STAFF);
  await openEdit(zoom.page, place.id);
  assert.equal(await zoom.page.locator('.topbar').evaluate((e) => getComputedStyle(e).position), 'static', 'header not sticky at 200 %');
  const z = zoom.page;
  await z.locator('[data-field="name"]').focus();
  const hiddenZ = [];
  for (let i = 0; i < 30; i += 1) {
    await z.keyboard.press('Tab');
    const r = await z.evaluate(() => {
      const e = document.activeElement;
      if (!e || !e.closest('.edit-form') || e.closest('.form-actions')) return null;
      const b = e.getBoundingClientRect();
      const bar = document.querySelector('.form-actions.sticky').getBoundingClientRect();
      return { f: e.dataset.field || e.id, bottom: b.bottom, top: b.top, bar: bar.top };
    });
    if (r && (r.bottom > r.bar + 1 || r.top < 0)) hiddenZ.push(JSON.stringify(r));
  }
  assert.deepEqual(hiddenZ, [], 'focused fields hidden at 200 %');
  await zoom.ctx.close();

  // The public detail page on a phone: the phone link and the map's zoom buttons are 44 px.
  const pub = await newPage({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
  watch(pub.page, 'public-phone');
  await pub.page.goto(`${BASE}/#/r/${place.id}`);
  await pub.page.getByRole('heading', { level: 1, name: place.name }).waitFor();
  const tel = pub.page.locator('a[href^="tel:"]').first();
  const tb = await tel.boundingBox();
  assert.ok(tb.width >= 44 && tb.height >= 44, `phone link is ${tb.width}×${tb.height}`);
  const zoomIn = pub.page.locator('.leaflet-control-zoom-in');
  await zoomIn.waitFor();
  for (const b of [await zoomIn.boundingBox(), await pub.page.locator('.leaflet-control-zoom-out').boundingBox()]) {
    assert.ok(b.width >= 44 && b.height >= 44, `map zoom button is ${b.width}×${b.height}`);
  }
  await axe(pub.page, 'public detail (phone)');
  await pub.ctx.close();
});

test('hours editor: ＋ 時間を追加 takes the next free weekday, overlaps are said on the row without a request; 休み disables the times', async () => {
  const staff = await apiAs(STAFF);
  const place = await createPlace(staff.user.org_id, { hours: [], exceptions: [] });
  const { ctx, page } = await newPage({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
  watch(page, 'hours');
  const puts = [];
  page.on('request', (r) => { if (r.method() === 'PUT' && r.url().includes('/api/v1/resources/')) puts.push(r.url()); });
  await loginUI(page, STAFF);
  await openEdit(page, place.id);
  const add = page.getByRole('button', { name: '＋ 時間を追加' });
  await add.click();
  await field(page, 'hours[0].open').fill('9:30');
  await field(page, 'hours[0].close').fill('12:00');
  await add.click();
  const days = [await field(page, 'hours[0].weekday').inputValue(), await field(page, 'hours[1].weekday').inputValue()];
  assert.notEqual(days[0], days[1], `two clicks give two different weekdays: ${days}`);
  assert.deepEqual(days, ['1', '2'], 'Monday, then Tuesday');
  assert.equal(await field(page, 'hours[1].open').inputValue(), '09:30', 'the new row copies the last row\'s times');
  assert.equal(await field(page, 'hours[1].close').inputValue(), '12:00');

  // The same weekday with overlapping times: said on the row, nothing sent.
  await field(page, 'hours[1].weekday').selectOption('1');
  await field(page, 'hours[1].open').fill('11:00');
  await field(page, 'hours[1].close').fill('15:00');
  await page.getByRole('button', { name: '保存する' }).click();
  const rowMsg = page.locator('tr.row-error');
  await rowMsg.getByText('月曜日の 9:30〜12:00 と時間が重なっています').waitFor();
  assert.deepEqual(puts, [], 'an overlap is not sent');
  assert.equal(await field(page, 'hours[1].weekday').getAttribute('aria-invalid'), 'true');
  assert.equal(await rowMsg.evaluate((tr) => tr.previousElementSibling.querySelector('[data-field]').dataset.field), 'hours[1].weekday',
    'the message is right under the second row');
  const fit = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, cw: document.documentElement.clientWidth }));
  assert.ok(fit.sw <= fit.cw + 1, `the message fits the phone card (${fit.sw} > ${fit.cw})`);
  await axe(page, 'hours overlap (phone)');
  await shot(page, 'hours-overlap-phone');

  // A message the server sends for a row fits the card too (touching times are fine).
  await field(page, 'hours[1].open').fill('12:00');
  await page.getByRole('button', { name: '保存する' }).click();
  await page.getByRole('heading', { level: 1, name: place.name }).waitFor();
  const saved = (await (await admin()).call('GET', `/resources/${place.id}`)).json;
  assert.deepEqual(saved.hours.map((x) => [x.weekday, x.open, x.close]), [[1, '09:30', '12:00'], [1, '12:00', '15:00']]);

  // 臨時の休み・変更: 休み ticked → no times (disabled, hidden on a phone); unticked → two
  // different examples, not "9:30〜9:30".
  await openEdit(page, place.id);
  await page.getByRole('button', { name: '＋ 臨時の休み・変更を追加' }).click();
  const closed = page.getByRole('checkbox', { name: '休み' });
  assert.equal(await closed.isChecked(), true);
  assert.equal(await field(page, 'exceptions[0].open').isDisabled(), true, '開始 is disabled while 休み is ticked');
  assert.equal(await field(page, 'exceptions[0].close').isDisabled(), true, '終了 is disabled while 休み is ticked');
  assert.equal(await field(page, 'exceptions[0].open').isVisible(), false, 'the times are hidden on a phone');
  await closed.uncheck();
  assert.equal(await field(page, 'exceptions[0].open').isEnabled(), true);
  const ph = [await field(page, 'exceptions[0].open').getAttribute('placeholder'), await field(page, 'exceptions[0].close').getAttribute('placeholder')];
  assert.notEqual(ph[0], ph[1], `開始 and 終了 have different examples: ${ph}`);
  await axe(page, 'exception row (phone)');
  await closed.check();
  assert.equal(await field(page, 'exceptions[0].close').isDisabled(), true);
  await ctx.close();
});

test('users: no role menu or 停止 on one\'s own row; leaving with an unconfirmed role asks first', async () => {
  const { a, u, ctx, page, puts, sel } = await usersPageWith('leave', '離脱テスト');
  const self = page.locator('table.users tr', { hasText: a.user.login });
  await self.first().waitFor();
  assert.equal(await self.count(), 1);
  assert.equal(await self.locator('select').count(), 0, 'no role menu on one\'s own row');
  assert.equal(await self.getByRole('button').count(), 0, 'no 停止する on one\'s own row');
  await self.getByText('管理者', { exact: true }).waitFor();
  await self.getByText('自分の役割の変更と停止はできません').waitFor();
  await axe(page, 'users with one\'s own row');

  // A role picked but not confirmed: leaving asks; cancelling stays with the choice kept.
  await sel.selectOption('staff');
  let asked = '';
  page.once('dialog', async (d) => { asked = d.message(); await d.dismiss(); });
  await page.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: 'ホーム' }).click();
  await page.waitForTimeout(300);
  assert.ok(asked, 'leaving asks first');
  assert.ok(page.url().endsWith('#/settings'), `still on settings: ${page.url()}`);
  assert.equal(await sel.inputValue(), 'staff', 'the picked role is kept');
  // Back to the saved role: leaving asks nothing.
  await sel.selectOption('viewer');
  let asked2 = '';
  page.once('dialog', async (d) => { asked2 = d.message(); await d.dismiss(); });
  await page.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: 'ホーム' }).click();
  await page.waitForFunction(() => location.hash === '#/');
  assert.equal(asked2, '', 'nothing to ask when the role is as saved');
  assert.deepEqual(puts, [], 'nothing sent');
  await ctx.close();
});

test('import: an unreadable file gets one clear message; wrong columns are listed once', async () => {
  const { ctx, page } = await newPage();
  watch(page, 'import');
  const posts = [];
  page.on('request', (r) => { if (r.method() === 'POST' && r.url().includes('/api/v1/import')) posts.push(r.url()); });
  await loginUI(page, ADMIN);
  await page.goto(`${BASE}/app#/settings`);
  // the export says what a file leaves out, and which format moves places between tsunagus
  const exp = page.locator('section', { has: page.getByRole('heading', { name: 'データの書き出し' }) });
  await exp.getByText('所在地非公開の場所は、住所・位置・電話番号を入れず、問い合わせ先を入れます').waitFor();
  await exp.getByText('非公開（スタッフのみ）の場所もファイルに入ります').waitFor();
  await exp.getByText('ほかの「つなぐ」へ場所を移すときはこちら').waitFor();
  const section = page.locator('section', { has: page.getByRole('heading', { name: 'データの取り込み' }) });
  const check = section.getByRole('button', { name: '確認する（まだ保存しません）' });
  // An Excel book renamed .csv (a ZIP with NUL bytes).
  const xlsx = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]), Buffer.from('[Content_Types].xml'), Buffer.alloc(32)]);
  await section.locator('input[type=file]').setInputFiles({ name: 'book.csv', mimeType: 'text/csv', buffer: xlsx });
  await check.click();
  await section.getByText('このファイルは取り込めません。CSV（UTF-8 または Shift_JIS）か HSDS の JSON ファイルを選んでください。').waitFor();
  const text = await section.textContent();
  for (const bad of ['不備のある行があるため', 'ファイルを読み取れませんでした', 'NUL', '0行：']) {
    assert.ok(!text.includes(bad), `no "${bad}" for an unreadable file`);
  }
  assert.equal(await section.locator('table').count(), 0, 'no table of problems');
  await axe(page, 'import of an unreadable file');
  await shot(page, 'import-unreadable');

  // Readable text without the expected columns: one line, the problems in the table, no "0 rows".
  await section.locator('input[type=file]').setInputFiles({
    name: 'not-facilities.csv', mimeType: 'text/csv', buffer: Buffer.from('\ufeff品名,数量\nりんご,3\n'),
  });
  await check.click();
  await section.getByText(/このファイルは取り込めません（問題 \d+件）/).waitFor();
  assert.equal(await section.getByText(/0行：/).count(), 0, 'no "0 rows, 0 problems" summary');
  assert.equal(await section.getByText('不備のある行があるため').count(), 0);
  await section.getByText('文字コード：UTF-8（BOM付き）').waitFor();
  assert.equal(posts.length, 1, 'only the text file was sent');
  await axe(page, 'import report of a file with wrong columns');
  await ctx.close();
});

test('import: with 公開 unticked the places are imported private (public=0 is sent)', async () => {
  const { ctx, page } = await newPage();
  watch(page, 'import-private');
  const posts = [];
  page.on('request', (r) => { if (r.method() === 'POST' && r.url().includes('/api/v1/import')) posts.push(r.url()); });
  await loginUI(page, ADMIN);
  await page.goto(`${BASE}/app#/settings`);
  const section = page.locator('section', { has: page.getByRole('heading', { name: 'データの取り込み' }) });
  const name = `非公開取込ひろば${Date.now().toString(36)}`;
  const id = `P${Date.now().toString(36).slice(-6)}`;
  const file = '\ufeff全国地方公共団体コード,ID,地方公共団体名,名称,名称_カナ,種別,住所\r\n' +
    `141003,${id},みなと市,${name},ヒコウカイトリコミヒロバ,地域子育て支援拠点,神奈川県みなと市さくら区本町1-1\r\n`;
  await section.locator('input[type=file]').setInputFiles({ name: 'private.csv', mimeType: 'text/csv', buffer: Buffer.from(file) });
  await section.getByRole('checkbox', { name: '新しく追加する場所を家族向けページに公開する' }).uncheck();
  await section.getByRole('button', { name: '確認する（まだ保存しません）' }).click();
  const run = section.getByRole('button', { name: '取り込む' });
  await page.waitForFunction(() => [...document.querySelectorAll('button')].some((b) => b.textContent === '取り込む' && !b.disabled));
  await run.click();
  await page.getByText('取り込みました').first().waitFor();
  assert.equal(posts.length, 2);
  for (const u of posts) assert.equal(new URL(u).searchParams.get('public'), '0', u);
  const anon = await (await fetch(`${BASE}/api/v1/resources?q=${encodeURIComponent(name)}`)).json();
  assert.equal(anon.total, 0, 'not on the public page');
  await ctx.close();
});

test('staff search: an age out of range gets the app\'s message next to the field', async () => {
  const { ctx, page } = await newPage();
  watch(page, 'search-age');
  await loginUI(page, STAFF);
  await page.goto(`${BASE}/app#/search?q=${encodeURIComponent('ひろば')}`);
  await page.locator('.result-count').filter({ hasText: /件/ }).waitFor();
  const details = page.locator('details.filters');
  if (!(await details.evaluate((d) => d.open))) await details.locator('summary').click();
  const years = page.locator('#s-age-y');
  await years.fill('19');
  const before = page.url();
  await page.getByRole('button', { name: 'この条件でさがす' }).click();
  const msg = page.locator('#s-age-msg');
  await msg.getByText('子どもの年齢は 0〜18歳 と 0〜11か月 の整数で入力してください。').waitFor();
  assert.equal(await years.getAttribute('aria-invalid'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement.id), 's-age-y', 'focus on the age');
  assert.equal(page.url(), before, 'not searched');
  assert.equal(await page.locator('form.search-form').evaluate((f) => f.noValidate), true, 'no browser bubble');
  await axe(page, 'search with a bad age');
  await years.fill('3');
  await page.locator('#s-age-m').fill('14');
  await page.getByRole('button', { name: 'この条件でさがす' }).click();
  await msg.getByText('0〜11か月').waitFor();
  assert.equal(await page.locator('#s-age-m').getAttribute('aria-invalid'), 'true');
  await page.locator('#s-age-m').fill('6');
  await page.getByRole('button', { name: 'この条件でさがす' }).click();
  await page.waitForFunction(() => location.hash.includes('age_y=3') && location.hash.includes('age_m=6'));
  await page.locator('.result-count').filter({ hasText: /件|見つかりません/ }).waitFor();
  assert.equal(await page.locator('#s-age-msg').textContent(), '');
  await ctx.close();
});

test('forms: no CSP violations, page errors or external requests', () => {
  assert.deepEqual(problems, []);
});
