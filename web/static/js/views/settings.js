// views/settings.js - 設定: password, users (admin), import/export, custom types.
import { api, resetMeta } from '../api.js';
import { h, clear, uid, toast } from '../dom.js';
import { ROLE_NAMES, ROLE_ORDER, roleAtLeast } from '../format.js';
import { session } from '../session.js';

function errBox() { return h('div', { class: 'error-summary', role: 'alert', hidden: true }); }
function showErr(box, msg) { box.textContent = msg; box.hidden = false; }
function lbl(text, el) { if (!el.id) el.id = uid('s'); return h('div', { class: 'field' }, h('label', { for: el.id }, text), el); }

function passwordSection() {
  const err = errBox();
  const cur = h('input', { type: 'password', autocomplete: 'current-password', required: true });
  const nw = h('input', { type: 'password', autocomplete: 'new-password', required: true, minlength: 10 });
  const nw2 = h('input', { type: 'password', autocomplete: 'new-password', required: true });
  const form = h('form', { novalidate: true }, err, lbl('いまのパスワード', cur), lbl('新しいパスワード（10文字以上）', nw),
    lbl('新しいパスワード（確認のためもう一度）', nw2), h('button', { type: 'submit', class: 'btn btn-primary' }, 'パスワードを変更'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault(); err.hidden = true;
    if (Array.from(nw.value).length < 10) { showErr(err, '新しいパスワードは10文字以上にしてください。'); nw.focus(); return; }
    if (nw.value !== nw2.value) { showErr(err, '確認用のパスワードが一致しません。'); nw2.focus(); return; }
    try {
      await api('POST', '/session/password', { body: { current_password: cur.value, new_password: nw.value } });
      form.reset(); toast('パスワードを変更しました。ほかの端末ではログアウトされます。');
    } catch (ex) { showErr(err, ex.status === 401 || ex.status === 403 ? 'いまのパスワードが違います。' : ex.message); }
  });
  return h('section', { class: 'card', 'aria-labelledby': 'pw-h' }, h('h2', { id: 'pw-h' }, 'パスワードの変更'), form);
}

function roleSelect(value) {
  return h('select', null, ROLE_ORDER.slice().reverse().map((r) => h('option', { value: r, selected: r === value }, ROLE_NAMES[r])));
}

async function usersSection(orgs) {
  const box = h('div');
  const sec = h('section', { class: 'card', 'aria-labelledby': 'users-h' }, h('h2', { id: 'users-h' }, '利用者'), box);
  const orgSel = (value) => h('select', null, orgs.map((o) => h('option', { value: String(o.id), selected: String(o.id) === String(value) }, o.name)));
  async function load() {
    clear(box);
    let users;
    try { users = (await api('GET', '/users')).items || []; } catch (e) { box.appendChild(h('p', { class: 'error-summary', role: 'alert' }, e.message)); return; }
    const tbody = h('tbody');
    for (const u of users) {
      const rs = roleSelect(u.role);
      rs.setAttribute('aria-label', `${u.display_name}の役割`);
      rs.addEventListener('change', async () => {
        try { await api('PUT', `/users/${u.id}`, { body: { display_name: u.display_name, role: rs.value, org_id: u.org_id, disabled: u.disabled } }); u.role = rs.value; toast('役割を変更しました。'); }
        catch (e) { toast(e.message); rs.value = u.role; }
      });
      const tog = h('button', { type: 'button', class: 'btn btn-small' }, u.disabled ? '有効にする' : '停止する');
      tog.addEventListener('click', async () => {
        if (!u.disabled && !window.confirm(`${u.display_name}さんのログインを停止します。よろしいですか？`)) return;
        try { await api('PUT', `/users/${u.id}`, { body: { display_name: u.display_name, role: u.role, org_id: u.org_id, disabled: !u.disabled } }); load(); }
        catch (e) { toast(e.message); }
      });
      tbody.appendChild(h('tr', null, h('td', null, u.display_name), h('td', null, u.login), h('td', null, u.org_name || ''),
        h('td', null, rs), h('td', null, u.disabled ? '停止中' : '利用中'), h('td', null, tog)));
    }
    box.appendChild(h('div', { class: 'table-wrap' }, h('table', { class: 'list' },
      h('thead', null, h('tr', null, ['名前', 'ログインID', '所属', '役割', '状態', '操作'].map((t) => h('th', { scope: 'col' }, t)))), tbody)));
    // Add user.
    const err = errBox();
    const login = h('input', { autocomplete: 'off', autocapitalize: 'none' });
    const dn = h('input', { autocomplete: 'off' });
    const role = roleSelect('staff');
    const org = orgSel(session.user.org_id);
    const pw = h('input', { type: 'password', autocomplete: 'new-password' });
    const form = h('form', { novalidate: true, class: 'subform' }, h('h3', null, '利用者を追加'), err,
      lbl('ログインID（半角英数字）', login), lbl('表示名', dn), lbl('役割', role), lbl('所属団体', org), lbl('はじめのパスワード（10文字以上）', pw),
      h('button', { type: 'submit', class: 'btn btn-primary' }, '追加する'));
    form.addEventListener('submit', async (e) => {
      e.preventDefault(); err.hidden = true;
      if (!/^[A-Za-z0-9._@-]{3,64}$/.test(login.value)) { showErr(err, 'ログインIDは半角英数字（. _ @ - も可）で3〜64文字にしてください。'); login.focus(); return; }
      if (!dn.value.trim()) { showErr(err, '表示名を入力してください。'); dn.focus(); return; }
      if (Array.from(pw.value).length < 10) { showErr(err, 'パスワードは10文字以上にしてください。'); pw.focus(); return; }
      try {
        await api('POST', '/users', { body: { login: login.value, display_name: dn.value.trim(), role: role.value, org_id: Number(org.value), password: pw.value } });
        toast('利用者を追加しました。'); load();
      } catch (ex) { showErr(err, ex.message); }
    });
    box.appendChild(form);
  }
  await load();
  return sec;
}

function reportTable(rep) {
  const summary = h('p', null, `${rep.rows}行：新規 ${rep.created}・更新 ${rep.updated}・変更なし ${rep.unchanged}・不備 ${rep.rejected}` +
    `${rep.encoding ? `（文字コード ${rep.encoding}）` : ''}${rep.dry_run ? '　※確認のみ。まだ保存していません。' : ''}`);
  if (!rep.errors || !rep.errors.length) return h('div', null, summary);
  return h('div', null, summary, h('div', { class: 'table-wrap' }, h('table', { class: 'list' },
    h('caption', null, '取り込めない行'),
    h('thead', null, h('tr', null, ['行', '列', '内容'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', null, rep.errors.map((x) => h('tr', null, h('td', null, String(x.line)), h('td', null, x.column || ''), h('td', null, x.message)))))));
}

function importSection(orgs) {
  const err = errBox();
  const file = h('input', { type: 'file', accept: '.csv,.json,text/csv,application/json' });
  const fmt = h('select', null, h('option', { value: 'jp-facilities' }, '自治体標準オープンデータ（CSV）'), h('option', { value: 'hsds' }, 'HSDS（JSON）'));
  const pub = h('input', { type: 'checkbox', id: uid('s'), checked: true });
  const org = h('select', null, orgs.map((o) => h('option', { value: String(o.id), selected: String(o.id) === String(session.user.org_id) }, o.name)));
  const out = h('div', { 'aria-live': 'polite' });
  const dryBtn = h('button', { type: 'button', class: 'btn btn-primary' }, '確認する（まだ保存しません）');
  const runBtn = h('button', { type: 'button', class: 'btn', disabled: true }, '取り込む');
  async function run(dry) {
    err.hidden = true;
    const f = file.files && file.files[0];
    if (!f) { showErr(err, 'ファイルを選んでください。'); file.focus(); return; }
    dryBtn.disabled = true; runBtn.disabled = true;
    clear(out).appendChild(h('p', null, '処理中…'));
    try {
      const rep = await api('POST', '/import', {
        query: { format: fmt.value, dry_run: dry ? 1 : null, public: pub.checked ? 1 : null, org_id: org.value || null },
        raw: f, contentType: fmt.value === 'hsds' ? 'application/json' : 'text/csv',
      });
      clear(out).appendChild(reportTable(rep));
      runBtn.disabled = !dry || rep.rejected > 0;
      if (!dry) { toast('取り込みました。'); resetMeta(); }
    } catch (ex) {
      clear(out);
      if (ex.body && typeof ex.body.rows === 'number') {
        out.append(h('p', { class: 'error-text' }, '不備のある行があるため、取り込めません（1件も保存していません）。ファイルを直してから、もう一度確認してください。'), reportTable(ex.body));
      } else if (ex.body && ex.body.error && ex.body.report) {
        out.append(h('p', { class: 'error-text' }, ex.message), reportTable(ex.body.report));
      } else showErr(err, ex.message);
    } finally { dryBtn.disabled = false; }
  }
  dryBtn.addEventListener('click', () => run(true));
  runBtn.addEventListener('click', () => run(false));
  file.addEventListener('change', () => { runBtn.disabled = true; clear(out); });
  fmt.addEventListener('change', () => { runBtn.disabled = true; clear(out); });
  return h('section', { class: 'card', 'aria-labelledby': 'imp-h' }, h('h2', { id: 'imp-h' }, 'データの取り込み'),
    h('p', { class: 'hint' }, 'まず「確認する」で中身をチェックします。不備がなければ「取り込む」を押してください。'),
    err, lbl('ファイル', file), lbl('形式', fmt), lbl('運営団体', org),
    h('div', { class: 'check' }, pub, h('label', { for: pub.id }, '家族向けページに公開する')),
    h('div', { class: 'form-actions' }, dryBtn, runBtn), out);
}

function exportSection() {
  return h('section', { class: 'card', 'aria-labelledby': 'exp-h' }, h('h2', { id: 'exp-h' }, 'データの書き出し'),
    h('ul', { class: 'link-list' },
      h('li', null, h('a', { href: '/api/v1/export?format=hsds', download: 'tsunagu-hsds.json' }, 'HSDS（JSON）で書き出す')),
      h('li', null, h('a', { href: '/api/v1/export?format=csv', download: 'tsunagu.csv' }, 'CSVで書き出す'))));
}

function typeSection() {
  const err = errBox();
  const code = h('input', { autocomplete: 'off', autocapitalize: 'none', pattern: '[a-z0-9_]{1,32}' });
  const ja = h('input', { autocomplete: 'off' });
  const en = h('input', { autocomplete: 'off' });
  const form = h('form', { novalidate: true }, err, lbl('コード（半角英小文字・数字・_）', code), lbl('名前（日本語）', ja), lbl('名前（英語）', en),
    h('button', { type: 'submit', class: 'btn btn-primary' }, '種別を追加'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault(); err.hidden = true;
    if (!/^[a-z0-9_]{1,32}$/.test(code.value)) { showErr(err, 'コードは半角英小文字・数字・_ で32文字以内にしてください。'); code.focus(); return; }
    if (!ja.value.trim()) { showErr(err, '日本語の名前を入力してください。'); ja.focus(); return; }
    try {
      await api('POST', '/types', { body: { code: code.value, name_ja: ja.value.trim(), name_en: en.value.trim() || code.value } });
      resetMeta(); form.reset(); toast('種別を追加しました。');
    } catch (ex) { showErr(err, ex.message); }
  });
  return h('section', { class: 'card', 'aria-labelledby': 'type-h' }, h('h2', { id: 'type-h' }, '種別の追加'), form);
}

export async function renderSettings(main) {
  clear(main);
  document.title = '設定 - つなぐ';
  main.append(h('h1', null, '設定'), passwordSection(), exportSection());
  const u = session.user;
  if (!roleAtLeast(u, 'coordinator')) return;
  let orgs = [];
  try { orgs = (await api('GET', '/orgs')).items || []; } catch (e) { orgs = []; }
  if (!orgs.length && u.org_id) orgs = [{ id: u.org_id, name: u.org_name || '所属団体' }];
  if (roleAtLeast(u, 'admin')) main.appendChild(await usersSection(orgs));
  main.append(importSection(orgs), typeSection());
}
