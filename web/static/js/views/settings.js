// views/settings.js - 設定: password, users (admin), import/export, custom types.
import { api, resetMeta } from '../api.js';
import { h, clear, uid, toast, clearToast } from '../dom.js';
import { ROLE_ORDER, roleAtLeast, roleName } from '../format.js';
import { localMessage, t } from '../i18n.js';
import { currentHash, setLeaveGuard } from '../router.js';
import { session } from '../session.js';

function errBox() { return h('div', { class: 'error-summary', role: 'alert', hidden: true }); }
function showErr(box, msg) { clearToast(); box.textContent = msg; box.hidden = false; }
function lbl(text, el) { if (!el.id) el.id = uid('s'); return h('div', { class: 'field' }, h('label', { for: el.id }, text), el); }

function passwordSection() {
  const err = errBox();
  const cur = h('input', { type: 'password', autocomplete: 'current-password', required: true });
  const nw = h('input', { type: 'password', autocomplete: 'new-password', required: true, minlength: 10 });
  const nw2 = h('input', { type: 'password', autocomplete: 'new-password', required: true });
  const form = h('form', { novalidate: true }, err, lbl(t('set.pw_current'), cur), lbl(t('set.pw_new'), nw),
    lbl(t('set.pw_new2'), nw2), h('button', { type: 'submit', class: 'btn btn-primary' }, t('set.pw_submit')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault(); err.hidden = true;
    if (Array.from(nw.value).length < 10) { showErr(err, t('set.pw_short')); nw.focus(); return; }
    if (nw.value !== nw2.value) { showErr(err, t('set.pw_mismatch')); nw2.focus(); return; }
    try {
      await api('POST', '/session/password', { body: { current_password: cur.value, new_password: nw.value } });
      form.reset(); toast(t('set.pw_done'));
    } catch (ex) { showErr(err, ex.status === 401 || ex.status === 403 ? t('set.pw_wrong') : ex.message); }
  });
  return h('section', { class: 'card', 'aria-labelledby': 'pw-h' }, h('h2', { id: 'pw-h' }, t('set.pw_h')), form);
}

function roleSelect(value) {
  return h('select', null, ROLE_ORDER.slice().reverse().map((r) => h('option', { value: r, selected: r === value }, roleName(r))));
}

// Roles picked in the users list but not yet confirmed with 変更 (user id → role); the
// leave guard asks before they are dropped (renderSettings).
const pendingRoles = new Map();

async function usersSection(orgs) {
  const box = h('div');
  const sec = h('section', { class: 'card', 'aria-labelledby': 'users-h' }, h('h2', { id: 'users-h' }, t('set.users_h')), box);
  const orgSel = (value) => h('select', null, orgs.map((o) => h('option', { value: String(o.id), selected: String(o.id) === String(value) }, o.name)));
  async function load() {
    clear(box);
    let users;
    try { users = (await api('GET', '/users')).items || []; } catch (e) { box.appendChild(h('p', { class: 'error-summary', role: 'alert' }, e.message)); return; }
    for (const id of pendingRoles.keys()) if (!users.some((u) => u.id === id)) pendingRoles.delete(id);
    const tbody = h('tbody');
    const cols = [t('set.col_name'), t('login.id'), t('set.col_org'), t('set.role'), t('set.col_state'), t('set.col_action')];
    // On a phone each row is a card; data-label names the cell there (app.css).
    const td = (i, ...kids) => h('td', { dataset: { label: cols[i] } }, ...kids);
    for (const u of users) {
      // One's own row: the server never lets an administrator stop themself or leave the
      // admin role, so there is no menu and no 停止 button, and a note says why.
      if (session.user && u.id === session.user.id) {
        tbody.appendChild(h('tr', { class: 'self' },
          td(0, u.display_name, h('span', { class: 'you' }, t('set.you'))), td(1, u.login), td(2, u.org_name || ''),
          td(3, roleName(u.role)), td(4, u.disabled ? t('set.disabled') : t('set.active')),
          td(5, h('p', { class: 'row-note' }, t('set.self_note')))));
        continue;
      }
      // The role changes only with the 変更 button and a confirmation naming the user and
      // the new role: moving through the options (arrow keys, the wheel) sends nothing.
      const rs = roleSelect(u.role);
      rs.setAttribute('aria-label', t('set.role_of', { name: u.display_name }));
      const apply = h('button', { type: 'button', class: 'btn btn-small', disabled: true }, t('set.role_apply'));
      apply.setAttribute('aria-label', t('set.role_apply_of', { name: u.display_name }));
      const msg = h('p', { class: 'row-msg', role: 'status' });
      const syncPending = () => {
        if (rs.value === u.role) pendingRoles.delete(u.id);
        else pendingRoles.set(u.id, rs.value);
      };
      const onPick = () => {
        apply.disabled = rs.value === u.role;
        syncPending();
        msg.className = 'row-msg';
        msg.textContent = rs.value === u.role ? '' : t('set.role_pending', { role: roleName(rs.value) });
      };
      rs.addEventListener('change', onPick);
      // The list is drawn again after 停止 or 追加: a role picked but not confirmed stays picked.
      if (pendingRoles.has(u.id)) { rs.value = pendingRoles.get(u.id); onPick(); }
      apply.addEventListener('click', async () => {
        const to = rs.value;
        if (to === u.role) return;
        if (!window.confirm(t('set.role_confirm', { name: u.display_name, from: roleName(u.role), to: roleName(to) }))) return;
        apply.disabled = true;
        try {
          const saved = await api('PUT', `/users/${u.id}`, { body: { display_name: u.display_name, role: to, org_id: u.org_id, disabled: u.disabled } });
          u.role = (saved && saved.role) || to;
          rs.value = u.role;
          msg.className = 'row-msg ok';
          msg.textContent = t('set.role_done_of', { name: u.display_name, role: roleName(u.role) });
        } catch (e) {
          rs.value = u.role;
          msg.className = 'row-msg error-text';
          msg.textContent = t('set.role_failed', { message: e.message });
        }
        syncPending();
      });
      // 停止する / 有効にする: its result is said in its own cell, not under the role.
      const tog = h('button', { type: 'button', class: 'btn btn-small' }, u.disabled ? t('set.enable') : t('set.disable'));
      const togMsg = h('p', { class: 'row-msg', role: 'status' });
      tog.addEventListener('click', async () => {
        if (!u.disabled && !window.confirm(t('set.disable_confirm', { name: u.display_name }))) return;
        try { await api('PUT', `/users/${u.id}`, { body: { display_name: u.display_name, role: u.role, org_id: u.org_id, disabled: !u.disabled } }); load(); }
        catch (e) { togMsg.className = 'row-msg error-text'; togMsg.textContent = e.message; }
      });
      tbody.appendChild(h('tr', null, td(0, u.display_name), td(1, u.login), td(2, u.org_name || ''),
        td(3, h('div', { class: 'role-cell' }, rs, apply), msg), td(4, u.disabled ? t('set.disabled') : t('set.active')), td(5, tog, togMsg)));
    }
    box.appendChild(h('div', { class: 'table-wrap' }, h('table', { class: 'list stack users' },
      h('thead', null, h('tr', null, cols.map((x) => h('th', { scope: 'col' }, x)))), tbody)));
    // Add user.
    const err = errBox();
    const login = h('input', { autocomplete: 'off', autocapitalize: 'none' });
    const dn = h('input', { autocomplete: 'off' });
    const role = roleSelect('staff');
    const org = orgSel(session.user.org_id);
    const pw = h('input', { type: 'password', autocomplete: 'new-password' });
    const form = h('form', { novalidate: true, class: 'subform keep' }, h('h3', null, t('set.add_h')), err,
      lbl(t('set.login'), login), lbl(t('set.display_name'), dn), lbl(t('set.role'), role), lbl(t('edit.own_org'), org), lbl(t('set.first_pw'), pw),
      h('button', { type: 'submit', class: 'btn btn-primary' }, t('set.add')));
    form.addEventListener('submit', async (e) => {
      e.preventDefault(); err.hidden = true;
      if (!/^[A-Za-z0-9._@-]{3,64}$/.test(login.value)) { showErr(err, t('set.login_bad')); login.focus(); return; }
      if (!dn.value.trim()) { showErr(err, t('set.dn_empty')); dn.focus(); return; }
      if (Array.from(pw.value).length < 10) { showErr(err, t('set.pw_short2')); pw.focus(); return; }
      try {
        await api('POST', '/users', { body: { login: login.value, display_name: dn.value.trim(), role: role.value, org_id: Number(org.value), password: pw.value } });
        toast(t('set.added')); load();
      } catch (ex) { showErr(err, ex.message); }
    });
    box.appendChild(form);
  }
  await load();
  return sec;
}

// The import report. Four cases, each said once:
//  - a file that is not text at all (an Excel book, a picture, a binary renamed .csv): one
//    plain sentence saying which files can be taken in, nothing else (no table, no counts);
//  - a text file with no usable row (wrong columns, not JSON): it cannot be taken in, the
//    problems are in the table;
//  - some rows refused (422): nothing was saved, the counts and the refused rows;
//  - all fine: the counts.
/** The server could not read the file as text: no rows, no encoding, problems listed. */
const unreadable = (rep) => !!rep && !rep.rows && !rep.encoding && Array.isArray(rep.errors) && rep.errors.length > 0;

/** A file that is not text: a NUL byte in its first 4 KB, or the signature of a ZIP (xlsx) or OLE (xls) file. */
async function notText(f) {
  let b;
  try { b = new Uint8Array(await f.slice(0, 4096).arrayBuffer()); } catch (e) { return false; }
  const sig = (...x) => x.every((v, i) => b[i] === v);
  return sig(0x50, 0x4b, 0x03, 0x04) || sig(0xd0, 0xcf, 0x11, 0xe0) || b.includes(0);
}

function unreadableReport() {
  return h('p', { class: 'error-text' }, t('set.unreadable'));
}

/** 'UTF-8 (BOM)' → 「UTF-8（BOM付き）」 / "UTF-8 with BOM". */
function encodingName(e) {
  return e === 'UTF-8 (BOM)' ? t('set.enc_utf8_bom') : e;
}

function reportTable(rep, failed) {
  const errors = rep.errors || [];
  const lead = [];
  if (!rep.rows && errors.length) {
    lead.push(h('p', { class: 'error-text' }, t('set.file_problems', { n: errors.length })));
  } else {
    if (failed) lead.push(h('p', { class: 'error-text' }, t('set.rejected')));
    lead.push(h('p', null, t('set.report', rep)));
  }
  if (rep.encoding) lead.push(h('p', { class: 'hint' }, t('set.report_enc', { encoding: encodingName(rep.encoding) })));
  if (rep.dry_run && !errors.length) lead.push(h('p', null, t('set.report_dry')));
  if (!errors.length) return h('div', null, lead);
  // The line is in its own column; a message that starts with the same 「N行目:」 does not repeat it.
  const msgText = (x) => localMessage(x.message).replace(new RegExp(`^\\s*${Number(x.line)}\\s*行目\\s*[:：]\\s*`), '');
  return h('div', null, lead, h('div', { class: 'table-wrap' }, h('table', { class: 'list' },
    h('caption', null, t('set.bad_rows')),
    h('thead', null, h('tr', null, [t('set.col_line'), t('set.col_column'), t('set.col_message')].map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', null, errors.map((x) => h('tr', null, h('td', null, String(x.line)), h('td', null, x.column || ''), h('td', null, msgText(x))))))));
}

function importSection(orgs) {
  const err = errBox();
  const file = h('input', { type: 'file', accept: '.csv,.json,text/csv,application/json' });
  const fmt = h('select', null, h('option', { value: 'jp-facilities' }, t('set.fmt_jp')), h('option', { value: 'hsds' }, t('set.fmt_hsds')));
  const pub = h('input', { type: 'checkbox', id: uid('s'), checked: true });
  const org = h('select', null, orgs.map((o) => h('option', { value: String(o.id), selected: String(o.id) === String(session.user.org_id) }, o.name)));
  const out = h('div', { 'aria-live': 'polite' });
  const dryBtn = h('button', { type: 'button', class: 'btn btn-primary' }, t('set.dry'));
  const runBtn = h('button', { type: 'button', class: 'btn', disabled: true }, t('set.run'));
  async function run(dry) {
    err.hidden = true;
    const f = file.files && file.files[0];
    if (!f) { showErr(err, t('set.no_file')); file.focus(); return; }
    dryBtn.disabled = true; runBtn.disabled = true;
    clear(out).appendChild(h('p', null, t('set.working')));
    try {
      // Not a text file: said at once, without sending it.
      if (await notText(f)) { clear(out).appendChild(unreadableReport()); return; }
      const rep = await api('POST', '/import', {
        query: { format: fmt.value, dry_run: dry ? 1 : null, public: pub.checked ? 1 : 0, org_id: org.value || null },
        raw: f, contentType: fmt.value === 'hsds' ? 'application/json' : 'text/csv',
      });
      clear(out).appendChild(unreadable(rep) ? unreadableReport() : reportTable(rep, false));
      runBtn.disabled = !dry || rep.rejected > 0 || unreadable(rep);
      if (!dry) { toast(t('set.imported')); resetMeta(); }
    } catch (ex) {
      clear(out);
      const rep = ex.body && typeof ex.body.rows === 'number' ? ex.body : ex.body && ex.body.error && ex.body.report;
      if (rep && unreadable(rep)) {
        out.append(unreadableReport());
      } else if (ex.body && typeof ex.body.rows === 'number') {
        out.append(reportTable(ex.body, true));
      } else if (rep) {
        out.append(h('p', { class: 'error-text' }, ex.message), reportTable(rep, false));
      } else showErr(err, ex.message);
    } finally { dryBtn.disabled = false; }
  }
  dryBtn.addEventListener('click', () => run(true));
  runBtn.addEventListener('click', () => run(false));
  file.addEventListener('change', () => { runBtn.disabled = true; clear(out); });
  fmt.addEventListener('change', () => { runBtn.disabled = true; clear(out); });
  // what was checked is what is imported: a changed choice needs a new check
  pub.addEventListener('change', () => { runBtn.disabled = true; clear(out); });
  org.addEventListener('change', () => { runBtn.disabled = true; clear(out); });
  const pubHint = h('p', { class: 'hint', id: uid('h') }, t('set.import_publish_hint'));
  pub.setAttribute('aria-describedby', pubHint.id);
  return h('section', { class: 'card', 'aria-labelledby': 'imp-h' }, h('h2', { id: 'imp-h' }, t('set.import_h')),
    h('p', { class: 'hint' }, t('set.import_hint')),
    err, lbl(t('set.file'), file), lbl(t('set.format'), fmt), lbl(t('field.org'), org),
    h('div', { class: 'check' }, pub, h('label', { for: pub.id }, t('set.import_publish'))), pubHint,
    h('div', { class: 'form-actions' }, dryBtn, runBtn), out);
}

function exportSection() {
  return h('section', { class: 'card', 'aria-labelledby': 'exp-h' }, h('h2', { id: 'exp-h' }, t('set.export_h')),
    h('ul', { class: 'link-list' },
      h('li', null, h('a', { href: '/api/v1/export?format=csv', download: 'tsunagu.csv' }, t('set.export_csv')),
        h('p', { class: 'hint' }, t('set.export_csv_hint'))),
      h('li', null, h('a', { href: '/api/v1/export?format=hsds', download: 'tsunagu-hsds.json' }, t('set.export_hsds')),
        h('p', { class: 'hint' }, t('set.export_hsds_hint')))),
    h('p', { class: 'hint' }, t('set.export_hidden')),
    h('p', { class: 'hint' }, t('set.export_private')));
}

function typeSection() {
  const err = errBox();
  const code = h('input', { autocomplete: 'off', autocapitalize: 'none', pattern: '[a-z0-9_]{1,32}' });
  const ja = h('input', { autocomplete: 'off' });
  const en = h('input', { autocomplete: 'off' });
  const form = h('form', { novalidate: true, class: 'keep' }, err, lbl(t('set.code'), code), lbl(t('set.name_ja'), ja), lbl(t('set.name_en'), en),
    h('button', { type: 'submit', class: 'btn btn-primary' }, t('set.type_add')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault(); err.hidden = true;
    if (!/^[a-z0-9_]{1,32}$/.test(code.value)) { showErr(err, t('set.code_bad')); code.focus(); return; }
    if (!ja.value.trim()) { showErr(err, t('set.ja_empty')); ja.focus(); return; }
    try {
      await api('POST', '/types', { body: { code: code.value, name_ja: ja.value.trim(), name_en: en.value.trim() || code.value } });
      resetMeta(); form.reset(); toast(t('set.type_added'));
    } catch (ex) { showErr(err, ex.message); }
  });
  return h('section', { class: 'card', 'aria-labelledby': 'type-h' }, h('h2', { id: 'type-h' }, t('set.type_h')), form);
}

/** Text typed in the add-user and add-type forms (passwords and files not counted). */
function typedIn(main) {
  return Array.from(main.querySelectorAll('form.keep input:not([type=password]):not([type=file]):not([type=checkbox])'))
    .some((el) => el.value.trim() !== '');
}

export async function renderSettings(main) {
  const hash = currentHash();
  pendingRoles.clear();
  clear(main);
  document.title = t('title.page', { page: t('nav.settings') });
  main.append(h('h1', null, t('nav.settings')), passwordSection(), exportSection());
  const u = session.user;
  if (!roleAtLeast(u, 'coordinator')) return;
  let orgs = [];
  try { orgs = (await api('GET', '/orgs')).items || []; } catch (e) { orgs = []; }
  if (!orgs.length && u.org_id) orgs = [{ id: u.org_id, name: u.org_name || t('edit.own_org') }];
  if (roleAtLeast(u, 'admin')) main.appendChild(await usersSection(orgs));
  main.append(importSection(orgs), typeSection());
  // Leaving with a role picked but not confirmed with 変更, or with text typed in a form,
  // asks first (router.js; the guard is cleared on every navigation). Set only while this
  // screen is still the current one (the loading above may have been left).
  if (currentHash() === hash) setLeaveGuard(() => pendingRoles.size > 0 || typedIn(main));
}
