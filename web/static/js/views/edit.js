// views/edit.js - 編集 / 新規登録 of a resource (ResourceInput, docs/api.md).
//
// Nothing typed is lost:
//  - a 401 while the form has unsaved input: the shell keeps the input in memory
//    (session.js keepDraft/takeDraft, never web storage); after the same user logs in
//    again this view shows it on the same route, unsaved, with a notice;
//  - a 409 (someone else saved first): the latest version is fetched and merged with the
//    input: fields only the other person changed take their values, fields the user
//    changed keep the user's values (both-changed fields are listed with the other
//    value); the user checks and saves again, or loads the latest version on purpose.
// The form opens only for someone who may save it (/new: staff+, /r/:id/edit: can_edit).
import { api, getMeta } from '../api.js';
import { h, append, clear, checkGroup, checkedValues, uid, toast, clearToast } from '../dom.js';
import { formatAddress, formatAges, formatFee, roleAtLeast, weekdayName } from '../format.js';
import { metaName, t } from '../i18n.js';
import { currentHash, navigate, reload, setLeaveGuard } from '../router.js';
import { session, setDraftSource, takeDraft } from '../session.js';
import { areaOptions } from './search.js';

const nz = (s) => { const t = (s || '').trim(); return t === '' ? null : t; };
const cps = (s) => Array.from(s || '').length;

// Length limits of src/core/validate.c (code points), by the field path the server reports.
const MAX_LEN = {
  name: 200, name_kana: 200, description: 4000, 'address.prefecture': 10, 'address.city': 100,
  'address.line': 200, 'address.building': 200, front_door: 500, url: 2000, 'fee.text': 1000,
  accessibility_notes: 2000, schedule_note: 1000,
};
const NAME_MAX = MAX_LEN.name;

// Width variants typed with a Japanese IME: full-width digits, letters and signs become
// half-width (NFKC); every dash-like character (－ − ‐ ‑ ‒ – — ― ー ｰ) in a number field is a hyphen.
const DASHES = /[\u2010-\u2015\u2043\u2212\u30fc\ufe63\uff0d\uff70]/g;
export function toHalfWidth(v) {
  return String(v || '').normalize('NFKC').replace(DASHES, '-');
}
/** Phone as typed → '045-702-1181': half-width, spaces between groups become hyphens. */
export function normPhone(v) {
  return toHalfWidth(v).trim()
    .replace(/\s*([()])\s*/g, '$1')
    .replace(/\s+/g, '-')
    .replace(/-{2,}/g, '-');
}
/** Postal code as typed (〒２３６００２２) → '236-0022'. */
export function normPostal(v) {
  const s = toHalfWidth(v).replace(/[〒\s]/g, '');
  return /^\d{7}$/.test(s) ? `${s.slice(0, 3)}-${s.slice(3)}` : s;
}
/** src/core/validate.c tg_valid_phone: digits, one leading +, single hyphens inside, one pair of (). */
export function validPhone(s) {
  let digits = 0; let depth = 0;
  for (let i = 0; i < s.length; i += 1) {
    const c = s[i];
    if (c >= '0' && c <= '9') digits += 1;
    else if (c === '+') { if (i !== 0) return false; }
    else if (c === '-') { if (i === 0 || i === s.length - 1 || s[i + 1] === '-') return false; }
    else if (c === '(') { if (depth) return false; depth += 1; }
    else if (c === ')') { depth -= 1; if (depth) return false; }
    else return false;
  }
  return depth === 0 && digits >= 10 && digits <= 13;
}

/** Client-side rules mirroring the server's (src/core/validate.h). Returns {field,message} or null. */
export function validateInput(b) {
  if (!b.name) return { field: 'name', message: t('v.name_required') };
  if (cps(b.name) > NAME_MAX) return { field: 'name', message: t('v.name_long_n', { n: cps(b.name), max: NAME_MAX }) };
  if (!b.type) return { field: 'type', message: t('v.type') };
  if (b.address && b.address.postal_code && !/^\d{3}-?\d{4}$/.test(b.address.postal_code)) {
    return { field: 'address.postal_code', message: t('v.postal') };
  }
  if (b.phone && !validPhone(b.phone)) return { field: 'phone', message: t('v.phone') };
  if (b.email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(b.email)) return { field: 'email', message: t('v.email') };
  if (b.url && !/^https?:\/\/\S+$/i.test(b.url)) return { field: 'url', message: t('v.url') };
  if (b.location) {
    if (!(b.location.lat >= -90 && b.location.lat <= 90)) return { field: 'location.lat', message: t('v.lat') };
    if (!(b.location.lon >= -180 && b.location.lon <= 180)) return { field: 'location.lon', message: t('v.lon') };
  }
  const { min_months: mn, max_months: mx } = b.ages;
  if (mn !== null && mx !== null && mn > mx) return { field: 'ages.max_months', message: t('v.ages') };
  if (b.fee.free === undefined) return { field: 'fee.free', message: t('v.fee') };
  if (b.capacity !== null && !(Number.isInteger(b.capacity) && b.capacity >= 0)) return { field: 'capacity', message: t('v.capacity') };
  for (const [f, max] of Object.entries(MAX_LEN)) {
    const v = f.split('.').reduce((o, k) => (o ? o[k] : null), b);
    if (typeof v === 'string' && cps(v) > max) return { field: f, message: t('v.too_long', { max, n: cps(v) }) };
  }
  for (let i = 0; i < b.hours.length; i += 1) {
    const x = b.hours[i];
    if (!x.open) return { field: `hours[${i}].open`, message: t('v.open') };
    if (!x.close) return { field: `hours[${i}].close`, message: t('v.close') };
    if (!TIME_RE.test(x.open)) return { field: `hours[${i}].open`, message: t('v.time_open') };
    if (!TIME_RE.test(x.close)) return { field: `hours[${i}].close`, message: t('v.time_close') };
    if (x.open >= x.close) return { field: `hours[${i}].close`, message: t('v.order') };
    // Two intervals of one weekday may not overlap (src/core/schedule.c tg_schedule_check;
    // 10:00〜12:00 and 12:00〜15:00 touch, which is fine).
    for (let j = 0; j < i; j += 1) {
      const y = b.hours[j];
      if (Number(y.weekday) === Number(x.weekday) && x.open < y.close && y.open < x.close) {
        return {
          field: `hours[${i}].weekday`,
          message: t('v.overlap', { day: weekdayName(Number(x.weekday)), open: fmtTime(y.open), close: fmtTime(y.close) }),
        };
      }
    }
  }
  for (let i = 0; i < b.exceptions.length; i += 1) {
    const x = b.exceptions[i];
    if (!x.date) return { field: `exceptions[${i}].date`, message: t('v.date') };
    if (!x.closed) {
      if (!x.open || !x.close) return { field: `exceptions[${i}].open`, message: t('v.exc_time') };
      if (!TIME_RE.test(x.open)) return { field: `exceptions[${i}].open`, message: t('v.time_open') };
      if (!TIME_RE.test(x.close)) return { field: `exceptions[${i}].close`, message: t('v.time_close') };
      if (x.open >= x.close) return { field: `exceptions[${i}].close`, message: t('v.order') };
    }
    if (x.note && cps(x.note) > 200) return { field: `exceptions[${i}].note`, message: t('v.too_long', { max: 200, n: cps(x.note) }) };
  }
  if (b.is_confidential && !b.front_door) return { field: 'front_door', message: t('v.front_door') };
  return null;
}

// Times are typed as text ("9:30", "24:00" is a valid close time), normalised to HH:MM.
// The example differs for 開始 and 終了 (9:30 / 16:00), so two empty fields never read as
// "9:30〜9:30".
const TIME_EXAMPLE = { open: '9:30', close: '16:00' };
function timeInput(value, label, which) {
  const ex = TIME_EXAMPLE[which];
  return h('input', { type: 'text', id: uid('e'), value: value || '', 'aria-label': t('edit.time_label', { label, ex }), inputmode: 'numeric', placeholder: ex, class: 'time', autocomplete: 'off', dataset: { placeholder: ex } });
}
/** '09:30' → '9:30' for messages (times are shown without a leading zero). */
const fmtTime = (s) => String(s || '').replace(/^0(\d):/, '$1:');
export function normTime(v) {
  const s = toHalfWidth(v).trim();
  const m = /^(\d{1,2})[:時]?(\d{2})?$/.exec(s);
  if (!m) return s;
  return `${m[1].padStart(2, '0')}:${m[2] || '00'}`;
}
const TIME_RE = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;

function input(fieldName, attrs = {}) {
  return h('input', { id: uid('e'), name: fieldName, dataset: { field: fieldName }, ...attrs });
}
function fld(label, el, hint, required) {
  const kids = [h('label', { for: el.id }, label, required ? h('span', { class: 'req' }, t('edit.required')) : null)];
  if (hint) {
    const hid = uid('hint');
    kids.push(h('p', { class: 'hint', id: hid }, hint));
    el.dataset.hint = hid;
    el.setAttribute('aria-describedby', hid);
  }
  kids.push(el);
  return h('div', { class: 'field' }, kids);
}
function ageInputs(prefix, months) {
  const y = months !== null && months !== undefined && months >= 0 ? Math.floor(months / 12) : '';
  const m = months !== null && months !== undefined && months >= 0 ? months % 12 : '';
  const yi = input(`ages.${prefix}_months`, { type: 'number', min: 0, max: 99, inputmode: 'numeric', class: 'short', value: String(y) });
  const mi = h('input', { id: uid('e'), type: 'number', min: 0, max: 11, inputmode: 'numeric', class: 'short', value: String(m) });
  return { yi, mi };
}
function ageValue({ yi, mi }) {
  if (yi.value === '' && mi.value === '') return null;
  return (parseInt(yi.value || '0', 10) || 0) * 12 + (parseInt(mi.value || '0', 10) || 0);
}

// ---- comparing and merging inputs (409) -------------------------------------------
// "Values" are resource-shaped objects the form is built from: a Resource from the API,
// or what the form holds (snapshot()). shapeOf() makes both comparable.
const MERGE_KEYS = ['org', 'type', 'name', 'name_kana', 'description', 'area_id', 'address', 'location', 'phone', 'email', 'url',
  'ages', 'fee', 'capacity', 'services', 'access', 'accessibility_notes', 'hours', 'exceptions', 'schedule_note',
  'is_public', 'is_confidential', 'front_door'];
const KEY_LABEL = {
  org: 'field.org', type: 'field.type', name: 'field.name', name_kana: 'field.name_kana', description: 'field.description',
  area_id: 'field.area_id', address: 'field.address', location: 'field.location', phone: 'field.phone', email: 'field.email',
  url: 'field.url', ages: 'field.ages', fee: 'field.fee', capacity: 'field.capacity', services: 'field.services',
  access: 'field.access', accessibility_notes: 'field.accessibility_notes', hours: 'field.hours', exceptions: 'field.exceptions',
  schedule_note: 'field.schedule_note', is_public: 'field.is_public', is_confidential: 'field.is_confidential', front_door: 'field.front_door',
};
const txt = (v) => (v === null || v === undefined ? null : nz(String(v)));
const num = (v) => (v === null || v === undefined || v === '' || Number.isNaN(Number(v)) ? null : Number(v));
function shapeOf(x, key) {
  const v = x[key];
  switch (key) {
    case 'org': return num(v && v.id);
    case 'area_id': return num(v);
    case 'address': {
      if (!v) return null;
      const a = ['postal_code', 'prefecture', 'city', 'line', 'building'].map((k) => txt(v[k]));
      return a.every((z) => z === null) ? null : a;
    }
    case 'location': return v && (txt(v.lat) !== null || txt(v.lon) !== null) ? [num(v.lat), num(v.lon)] : null;
    case 'ages': return v ? [num(v.min_months), num(v.max_months)] : [null, null];
    // free: true, false, null (not known) or 'unset' (a new place's, not chosen yet)
    case 'fee': return v ? [v.free === true || v.free === false || v.free === null ? v.free : 'unset', txt(v.text)] : ['unset', null];
    case 'capacity': return num(v) !== null && num(v) >= 0 ? num(v) : null;
    case 'services': case 'access': return (v || []).slice().sort();
    case 'hours': return (v || []).map((z) => [Number(z.weekday), normTime(z.open), normTime(z.close)]);
    case 'exceptions': return (v || []).map((z) => [z.date || '', !!z.closed, z.closed ? null : txt(normTime(z.open)), z.closed ? null : txt(normTime(z.close)), txt(z.note)]);
    case 'is_public': case 'is_confidential': return !!v;
    default: return txt(v);
  }
}
const same = (a, b, key) => JSON.stringify(shapeOf(a, key)) === JSON.stringify(shapeOf(b, key));

/** Three-way merge of the user's input (mine) over the latest version, from base (what mine started from). */
function mergeInput(base, mine, latest) {
  const values = { ...latest };
  const conflicts = []; const taken = [];
  for (const k of MERGE_KEYS) {
    if (same(base, latest, k)) values[k] = mine[k]; // only I changed it (or nobody)
    else if (same(base, mine, k)) { values[k] = latest[k]; taken.push(k); } // only they changed it
    else { values[k] = mine[k]; if (!same(mine, latest, k)) conflicts.push(k); } // both: keep mine
  }
  return { values, conflicts, taken };
}

/** A short text of the latest value of key, for the conflict list. */
function valueText(x, key, meta) {
  const v = x[key];
  switch (key) {
    case 'type': { const ty = meta.types.find((z) => z.code === v); return ty ? metaName(ty) : v; }
    case 'org': return (v && v.name) || '';
    case 'address': return formatAddress(v) || t('edit.empty_value');
    case 'ages': return formatAges(v);
    case 'fee': return formatFee(v);
    case 'is_public': case 'is_confidential': return v ? t('edit.yes') : t('edit.no');
    case 'capacity': return num(v) === null ? t('edit.empty_value') : String(v);
    default: {
      if (typeof v === 'string' || typeof v === 'number') {
        const s = String(v);
        return cps(s) > 80 ? `${Array.from(s).slice(0, 80).join('')}…` : s;
      }
      if (v === null || v === undefined || v === '') return t('edit.empty_value');
      return t('edit.changed_value');
    }
  }
}

function denied(main, heading, message, back) {
  clear(main);
  document.title = t('title.page', { page: heading });
  const p = h('div', { class: 'error-summary', role: 'alert', tabindex: '-1' }, h('p', null, message));
  main.append(h('h1', null, heading), p, h('p', null, h('a', { href: back.href, class: 'btn' }, back.label)));
  p.focus();
}

/**
 * renderEdit(main, id): the form for resource id, or a new one (id null).
 * preset (internal): { values, base, version, notice, conflicts, taken, latest } after a 409.
 * Returns a cleanup function (the shell calls it when leaving).
 */
export async function renderEdit(main, id, preset) {
  const isNew = !id;
  const user = session.user;
  if (!preset) clear(main);
  if (isNew && !roleAtLeast(user, 'staff')) {
    denied(main, t('edit.new_h1'), t('edit.no_create'), { href: '#/', label: t('app.to_home') });
    return undefined;
  }
  let r = null; let meta; let orgs = [];
  try {
    [meta, r] = await Promise.all([getMeta(), isNew ? Promise.resolve(null) : api('GET', `/resources/${encodeURIComponent(id)}`)]);
    try { orgs = (await api('GET', '/orgs')).items || []; } catch (e) { orgs = []; }
  } catch (e) {
    if (e.status === 401) return undefined; // the login screen is already shown
    clear(main).append(h('h1', null, t('detail.edit')), h('p', { class: 'error-summary', role: 'alert' }, e.message));
    return undefined;
  }
  if (r && !r.can_edit) {
    denied(main, t('edit.edit_of', { name: r.name }), t('edit.no_edit'), { href: `#/r/${r.id}`, label: `← ${t('edit.back_detail')}` });
    return undefined;
  }
  if (!r) {
    r = {
      version: 0, org: { id: user.org_id, name: user.org_name }, type: '', name: '', hours: [], exceptions: [],
      ages: { min_months: null, max_months: null }, fee: { text: null } /* free: not chosen yet */, services: [], access: [],
      is_public: true, is_confidential: false,
    };
  }
  // What the form shows: a draft kept over a re-login, the merge after a 409, or r.
  const hash = currentHash();
  let notice = preset ? preset.notice : null;
  let state = preset;
  if (!state) {
    const d = takeDraft(hash);
    if (d) { state = d; notice = 'relogin'; }
  }
  const v = state ? state.values : r; // values shown
  const base = state ? state.base : r; // what the user's input started from
  let baseVersion = state ? state.version : r.version;

  clear(main);
  document.title = t('title.page', { page: isNew ? t('edit.new_title') : t('edit.edit_of', { name: r.name }) });
  const a = v.address || {};
  const summary = h('div', { class: 'error-summary', role: 'alert', tabindex: '-1', hidden: true });

  // Organizations: staff create and edit only for their own; coordinators and admins choose
  // any (the server checks the area). The current one is always offered.
  let orgChoices = roleAtLeast(user, 'coordinator') ? orgs.slice() : orgs.filter((o) => String(o.id) === String(user.org_id));
  const curOrg = v.org && v.org.id ? v.org : { id: user.org_id, name: user.org_name };
  if (!orgChoices.some((o) => String(o.id) === String(curOrg.id))) {
    orgChoices.unshift({ id: curOrg.id, name: curOrg.name || (r.org && r.org.name) || user.org_name || t('edit.own_org') });
  }
  const org = h('select', { id: uid('e'), name: 'org_id', dataset: { field: 'org_id' } },
    orgChoices.map((o) => h('option', { value: String(o.id), selected: String(o.id) === String(curOrg.id) }, o.name)));
  const orgHint = roleAtLeast(user, 'coordinator') ? null : t('edit.org_hint_staff');
  const type = h('select', { id: uid('e'), name: 'type', dataset: { field: 'type' }, required: true },
    h('option', { value: '' }, t('edit.choose')),
    meta.types.map((x) => h('option', { value: x.code, selected: x.code === v.type }, metaName(x))));
  // No maxlength: a pasted long name is not cut silently; the counter and the check say so.
  const name = input('name', { value: v.name || '', required: true, autocomplete: 'off' });
  const nameCount = h('p', { class: 'hint counter', id: uid('cnt') });
  const syncCount = () => {
    const n = cps(name.value);
    nameCount.textContent = n > NAME_MAX ? t('edit.count_over', { n, max: NAME_MAX, over: n - NAME_MAX }) : t('edit.count', { n, max: NAME_MAX });
    nameCount.classList.toggle('over', n > NAME_MAX);
  };
  name.addEventListener('input', syncCount);
  syncCount();
  name.dataset.hint = nameCount.id;
  name.setAttribute('aria-describedby', nameCount.id);
  const kana = input('name_kana', { value: v.name_kana || '', autocomplete: 'off' });
  const desc = h('textarea', { id: uid('e'), name: 'description', dataset: { field: 'description' }, rows: 4 });
  desc.value = v.description || '';
  const area = h('select', { id: uid('e'), name: 'area_id', dataset: { field: 'area_id' } }, areaOptions(meta.areas, v.area_id || '', t('search.unset')));
  const postal = input('address.postal_code', { value: a.postal_code || '', inputmode: 'numeric', autocomplete: 'postal-code', class: 'mid' });
  const pref = input('address.prefecture', { value: a.prefecture || '', class: 'mid' });
  const city = input('address.city', { value: a.city || '' });
  const line = input('address.line', { value: a.line || '' });
  const building = input('address.building', { value: a.building || '' });
  const locStr = (x) => (x === null || x === undefined ? '' : String(x));
  const lat = input('location.lat', { type: 'number', step: 'any', value: v.location ? locStr(v.location.lat) : '', class: 'mid' });
  const lon = input('location.lon', { type: 'number', step: 'any', value: v.location ? locStr(v.location.lon) : '', class: 'mid' });
  const phone = input('phone', { type: 'tel', value: v.phone || '', autocomplete: 'off', class: 'mid' });
  // Full-width digits and dashes from an IME become half-width when the field is left.
  phone.addEventListener('change', () => { phone.value = normPhone(phone.value); });
  postal.addEventListener('change', () => { postal.value = normPostal(postal.value); });
  const email = input('email', { type: 'email', value: v.email || '', autocomplete: 'off' });
  const url = input('url', { type: 'url', value: v.url || '', autocomplete: 'off' });
  const ageMin = ageInputs('min', v.ages && v.ages.min_months);
  const ageMax = ageInputs('max', v.ages && v.ages.max_months);
  // 利用料: 無料, 有料 or わからない (null: not known, as imported places are), chosen on
  // purpose: a new place has none of them ("free" or "paid" is never assumed).
  const feeName = uid('fee');
  const feeVal = v.fee ? v.fee.free : undefined;
  const feeFree = h('input', { type: 'radio', id: uid('e'), name: feeName, value: 'free', checked: feeVal === true, dataset: { field: 'fee.free' } });
  const feePaid = h('input', { type: 'radio', id: uid('e'), name: feeName, value: 'paid', checked: feeVal === false });
  const feeUnknown = h('input', { type: 'radio', id: uid('e'), name: feeName, value: 'unknown', checked: feeVal === null });
  const feeChoice = () => (feeFree.checked ? true : feePaid.checked ? false : feeUnknown.checked ? null : undefined);
  const feeText = input('fee.text', { value: (v.fee && v.fee.text) || '' });
  const capacity = input('capacity', { type: 'number', min: 0, inputmode: 'numeric', class: 'short', value: v.capacity !== null && v.capacity !== undefined && v.capacity >= 0 ? String(v.capacity) : '' });
  const accNotes = h('textarea', { id: uid('e'), name: 'accessibility_notes', dataset: { field: 'accessibility_notes' }, rows: 2 });
  accNotes.value = v.accessibility_notes || '';
  const schedNote = input('schedule_note', { value: v.schedule_note || '' });
  const isPublic = input('is_public', { type: 'checkbox', checked: !!v.is_public });
  const isConf = input('is_confidential', { type: 'checkbox', checked: !!v.is_confidential });
  const frontDoor = input('front_door', { value: v.front_door || '' });
  const frontWrap = fld(t('edit.front_door'), frontDoor, t('edit.front_door_hint'));
  const syncConf = () => { frontWrap.hidden = !isConf.checked; };
  isConf.addEventListener('change', syncConf);
  syncConf();

  // Weekly hours editor. On a phone each row wraps into a small card; data-label names the
  // cells there (app.css), the inputs keep their own labels.
  const hoursBody = h('tbody');
  const cell = (label, ...kids) => h('td', { dataset: { label } }, ...kids);
  const hourRows = () => Array.from(hoursBody.querySelectorAll('tr.hour-row'));
  const excRows = () => Array.from(excBody.querySelectorAll('tr.exc-row'));
  // A row's message (client check or the server's) sits in its own row right under it
  // (app.css: joined to the card on a phone), so it never squeezes the inputs.
  const removeRow = (tr) => {
    const next = tr.nextElementSibling;
    if (next && next.classList.contains('row-error')) next.remove();
    tr.remove();
  };
  // ＋ 時間を追加: the next weekday (月→日, then 祝) that has no hours yet, with the times of
  // the last row, so a second click never makes a copy of the first one.
  const DAY_ORDER = [1, 2, 3, 4, 5, 6, 0, 7];
  const nextHour = () => {
    const rows = hourRows().map((tr) => {
      const [wd, op, cl] = tr.querySelectorAll('select, input');
      return { weekday: Number(wd.value), open: normTime(op.value), close: normTime(cl.value) };
    });
    const last = rows[rows.length - 1];
    const used = new Set(rows.map((x) => x.weekday));
    const start = last ? DAY_ORDER.indexOf(last.weekday) + 1 : 0;
    let weekday = DAY_ORDER[start % DAY_ORDER.length];
    for (let k = 0; k < DAY_ORDER.length; k += 1) {
      const d = DAY_ORDER[(start + k) % DAY_ORDER.length];
      if (!used.has(d)) { weekday = d; break; }
    }
    const ok = (x) => x && TIME_RE.test(x.open) && TIME_RE.test(x.close) && x.open < x.close;
    return ok(last) ? { weekday, open: last.open, close: last.close } : { weekday, open: '10:00', close: '15:00' };
  };
  const addHour = (x) => {
    const wd = h('select', { id: uid('e'), 'aria-label': t('hours.day') },
      [1, 2, 3, 4, 5, 6, 0, 7].map((d) => h('option', { value: String(d), selected: d === Number(x.weekday) }, weekdayName(d))));
    const op = timeInput(x.open, t('edit.open'), 'open');
    const cl = timeInput(x.close, t('edit.close'), 'close');
    const del = h('button', { type: 'button', class: 'btn btn-small' }, t('detail.delete'));
    const tr = h('tr', { class: 'hour-row' }, cell(t('hours.day'), wd), cell(t('edit.open'), op), cell(t('edit.close'), cl), h('td', { class: 'cell-del' }, del));
    del.addEventListener('click', () => { removeRow(tr); markDirty(); renumber(); });
    hoursBody.appendChild(tr);
    renumber();
    return tr;
  };
  const excBody = h('tbody');
  const addExc = (x = { date: '', closed: true, open: null, close: null, note: '' }) => {
    const d = h('input', { type: 'date', id: uid('e'), value: x.date || '', 'aria-label': t('edit.date') });
    const c = h('input', { type: 'checkbox', id: uid('e'), checked: !!x.closed });
    const op = timeInput(x.open, t('edit.open'), 'open');
    const cl = timeInput(x.close, t('edit.close'), 'close');
    const note = h('input', { id: uid('e'), value: x.note || '', 'aria-label': t('edit.note') });
    const del = h('button', { type: 'button', class: 'btn btn-small' }, t('detail.delete'));
    const tr = h('tr', { class: 'exc-row' }, cell(t('edit.date'), d),
      h('td', { class: 'cell-closed' }, h('div', { class: 'check' }, c, h('label', { for: c.id }, t('hours.closed')))),
      h('td', { class: 'cell-time', dataset: { label: t('edit.open') } }, op), h('td', { class: 'cell-time', dataset: { label: t('edit.close') } }, cl),
      h('td', { class: 'cell-note', dataset: { label: t('edit.note') } }, note), h('td', { class: 'cell-del' }, del));
    // 休み: the day has no times; they are disabled (and hidden on a phone) until 休み is
    // unticked. What was typed stays in the fields for that case.
    const syncClosed = () => {
      tr.classList.toggle('is-closed', c.checked);
      for (const el of [op, cl]) {
        el.disabled = c.checked;
        el.placeholder = c.checked ? '' : el.dataset.placeholder;
      }
    };
    c.addEventListener('change', syncClosed);
    syncClosed();
    del.addEventListener('click', () => { removeRow(tr); markDirty(); renumber(); });
    excBody.appendChild(tr);
    renumber();
    return tr;
  };
  function renumber() {
    hourRows().forEach((tr, i) => {
      const [wd, op, cl] = tr.querySelectorAll('select, input');
      wd.dataset.field = `hours[${i}].weekday`; op.dataset.field = `hours[${i}].open`; cl.dataset.field = `hours[${i}].close`;
    });
    excRows().forEach((tr, i) => {
      const [d, c, op, cl, note] = tr.querySelectorAll('input');
      d.dataset.field = `exceptions[${i}].date`; c.dataset.field = `exceptions[${i}].closed`;
      op.dataset.field = `exceptions[${i}].open`; cl.dataset.field = `exceptions[${i}].close`; note.dataset.field = `exceptions[${i}].note`;
    });
  }
  (v.hours || []).forEach((x) => addHour(x));
  (v.exceptions || []).forEach((x) => addExc(x));
  const addHourBtn = h('button', { type: 'button', class: 'btn' }, t('edit.add_hours'));
  // The new row's first control gets focus (keyboard and screen reader users land on it).
  addHourBtn.addEventListener('click', () => { addHour(nextHour()).querySelector('select').focus(); markDirty(); });
  const addExcBtn = h('button', { type: 'button', class: 'btn' }, t('edit.add_exc'));
  addExcBtn.addEventListener('click', () => { addExc().querySelector('input').focus(); markDirty(); });

  const saveBtn = h('button', { type: 'submit', class: 'btn btn-primary' }, isNew ? t('edit.create') : t('edit.save'));
  const form = h('form', { class: 'edit-form', novalidate: true },
    summary,
    h('fieldset', null, h('legend', null, t('edit.basic')),
      h('div', { class: 'field' }, h('label', { for: name.id }, t('field.name'), h('span', { class: 'req' }, t('edit.required'))), name, nameCount),
      fld(t('field.name_kana'), kana), fld(t('field.type'), type, null, true), fld(t('field.org'), org, orgHint),
      fld(t('field.description'), desc)),
    h('fieldset', null, h('legend', null, t('field.address')),
      fld(t('field.area_id'), area), fld(t('edit.postal'), postal, t('edit.postal_hint')), fld(t('edit.pref'), pref), fld(t('edit.city'), city),
      fld(t('edit.line'), line), fld(t('edit.building'), building),
      h('div', { class: 'inline' }, fld(t('edit.lat'), lat), fld(t('edit.lon'), lon)),
      h('div', { class: 'check' }, isConf, h('label', { for: isConf.id }, t('edit.confidential'))),
      frontWrap),
    h('fieldset', null, h('legend', null, t('res.contact')),
      fld(t('field.phone'), phone, t('edit.phone_hint')), fld(t('field.email'), email), fld(t('field.url'), url, t('edit.url_hint'))),
    h('fieldset', null, h('legend', null, t('edit.ages_fee')),
      h('div', { class: 'inline age-row' }, h('span', { class: 'label-text' }, t('edit.age_from')),
        ageMin.yi, h('label', { for: ageMin.yi.id }, t('search.age_y')), ageMin.mi, h('label', { for: ageMin.mi.id }, t('search.age_m'))),
      h('div', { class: 'inline age-row' }, h('span', { class: 'label-text' }, t('edit.age_to')),
        ageMax.yi, h('label', { for: ageMax.yi.id }, t('search.age_y')), ageMax.mi, h('label', { for: ageMax.mi.id }, t('search.age_m'))),
      h('p', { class: 'hint' }, t('edit.ages_hint')),
      h('fieldset', { class: 'field radios' }, h('legend', null, t('field.fee'), h('span', { class: 'req' }, t('edit.required'))),
        h('div', { class: 'check' }, feeFree, h('label', { for: feeFree.id }, t('fee.free'))),
        h('div', { class: 'check' }, feePaid, h('label', { for: feePaid.id }, t('edit.fee_paid'))),
        h('div', { class: 'check' }, feeUnknown, h('label', { for: feeUnknown.id }, t('edit.fee_unknown')))),
      fld(t('edit.fee_note'), feeText, t('edit.fee_hint')),
      fld(t('edit.capacity'), capacity)),
    checkGroup(t('field.services'), 'services', meta.tags.filter((x) => x.kind === 'service').map((x) => ({ value: x.code, label: metaName(x), checked: (v.services || []).includes(x.code) }))),
    checkGroup(t('field.access'), 'access', meta.tags.filter((x) => x.kind === 'access').map((x) => ({ value: x.code, label: metaName(x), checked: (v.access || []).includes(x.code) }))),
    fld(t('field.accessibility_notes'), accNotes),
    h('fieldset', null, h('legend', null, t('edit.weekly')),
      h('div', { class: 'table-wrap' }, h('table', { class: 'editor stack' },
        h('thead', null, h('tr', null, [t('hours.day'), t('edit.open'), t('edit.close'), t('set.col_action')].map((x) => h('th', { scope: 'col' }, x)))), hoursBody)),
      addHourBtn,
      fld(t('field.schedule_note'), schedNote, t('edit.sched_hint'))),
    h('fieldset', null, h('legend', null, t('field.exceptions')),
      h('div', { class: 'table-wrap' }, h('table', { class: 'editor stack exc' },
        h('thead', null, h('tr', null, [t('edit.date'), t('hours.closed'), t('edit.open'), t('edit.close'), t('edit.note'), t('set.col_action')].map((x) => h('th', { scope: 'col' }, x)))), excBody)),
      addExcBtn),
    h('fieldset', null, h('legend', null, t('field.is_public')),
      h('div', { class: 'check' }, isPublic, h('label', { for: isPublic.id }, t('edit.publish')))),
    h('div', { class: 'form-actions sticky' }, saveBtn,
      h('a', { href: isNew ? '#/' : `#/r/${r.id}`, class: 'btn' }, t('edit.cancel'))),
  );

  let dirty = !!state; // a restored or merged input is not saved yet
  function markDirty() { dirty = true; }
  form.addEventListener('input', markDirty);
  form.addEventListener('change', markDirty);
  setLeaveGuard(() => dirty);
  // On a 401 the shell keeps this (session.js) for the same user's re-login.
  setDraftSource(() => (dirty ? { values: snapshot(), base, version: baseVersion } : null));

  function clearErrors() {
    summary.hidden = true; clear(summary);
    form.querySelectorAll('tr.row-error').forEach((e) => e.remove());
    form.querySelectorAll('tr.has-error').forEach((e) => e.classList.remove('has-error'));
    form.querySelectorAll('.field-error').forEach((e) => e.remove());
    form.querySelectorAll('[aria-invalid]').forEach((e) => {
      e.removeAttribute('aria-invalid');
      e.setAttribute('aria-describedby', e.dataset.hint || '');
      if (!e.dataset.hint) e.removeAttribute('aria-describedby');
    });
  }
  function showError(fieldPath, message, extra) {
    clearErrors();
    clearToast();
    let el = fieldPath ? form.querySelector(`[data-field="${CSS.escape(fieldPath)}"]`) : null;
    if (!el && fieldPath) {
      // 'hours[2]' or 'address' → first input whose field starts with it.
      el = Array.from(form.querySelectorAll('[data-field]')).find((x) => x.dataset.field.startsWith(fieldPath));
    }
    summary.hidden = false;
    append(summary, [h('p', null, t('edit.not_saved')), h('p', null, message), extra ? h('p', null, extra) : null]);
    if (el) {
      const eid = uid('err');
      const p = h('p', { class: 'field-error', id: eid }, `⚠ ${message}`);
      const row = el.closest('tr.hour-row, tr.exc-row');
      if (row) {
        // Under the row, across all its columns: a long message never widens one cell.
        row.classList.add('has-error');
        row.after(h('tr', { class: 'row-error' }, h('td', { colspan: String(row.children.length) }, p)));
      } else {
        const host = el.closest('td') || el.closest('.field') || el.parentElement;
        host.appendChild(p);
      }
      el.setAttribute('aria-invalid', 'true');
      el.setAttribute('aria-describedby', [el.dataset.hint, eid].filter(Boolean).join(' '));
      el.focus();
    } else {
      summary.focus();
    }
  }

  /** The form as a resource-shaped object (what a draft keeps and a merge compares). */
  function snapshot() {
    const b = collect();
    const orgOpt = org.selectedOptions[0];
    return {
      ...b,
      id: r.id, version: baseVersion,
      org: { id: b.org_id, name: orgOpt ? orgOpt.textContent : '' },
      name: name.value, // as typed, even when too long
      location: lat.value !== '' || lon.value !== '' ? { lat: lat.value, lon: lon.value } : null,
      capacity: capacity.value === '' ? null : capacity.value,
    };
  }

  function collect() {
    renumber();
    const addr = {
      postal_code: nz(normPostal(postal.value)), prefecture: nz(pref.value), city: nz(city.value), line: nz(line.value), building: nz(building.value),
    };
    const hasAddr = Object.values(addr).some((x) => x !== null);
    const hasLoc = lat.value !== '' || lon.value !== '';
    return {
      version: baseVersion,
      org_id: org.value ? Number(org.value) : null,
      type: type.value,
      name: nz(name.value),
      name_kana: nz(kana.value),
      description: nz(desc.value),
      area_id: area.value ? Number(area.value) : null,
      address: hasAddr ? addr : null,
      location: hasLoc ? { lat: lat.value === '' ? NaN : Number(lat.value), lon: lon.value === '' ? NaN : Number(lon.value) } : null,
      phone: nz(normPhone(phone.value)), email: nz(toHalfWidth(email.value)), url: nz(url.value),
      ages: { min_months: ageValue(ageMin), max_months: ageValue(ageMax) },
      fee: { free: feeChoice(), text: nz(feeText.value) },
      capacity: capacity.value === '' ? null : Number(capacity.value),
      services: checkedValues(form, 'services'),
      access: checkedValues(form, 'access'),
      accessibility_notes: nz(accNotes.value),
      hours: hourRows().map((tr) => {
        const [wd, op, cl] = tr.querySelectorAll('select, input');
        return { weekday: Number(wd.value), open: normTime(op.value), close: normTime(cl.value) };
      }),
      exceptions: excRows().map((tr) => {
        const [d, c, op, cl, note] = tr.querySelectorAll('input');
        return { date: d.value, closed: c.checked, open: c.checked ? null : nz(normTime(op.value)), close: c.checked ? null : nz(normTime(cl.value)), note: nz(note.value) };
      }),
      schedule_note: nz(schedNote.value),
      is_public: isPublic.checked,
      is_confidential: isConf.checked,
      front_door: nz(frontDoor.value),
      verified_at: r.verified_at || null,
      source: r.source || 'manual',
      source_id: r.source_id || null,
    };
  }

  // 409: fetch the latest version, merge the input over it and show the form again.
  async function onConflict() {
    let latest;
    try {
      latest = await api('GET', `/resources/${encodeURIComponent(r.id)}`);
    } catch (e) {
      if (e.status === 401) return;
      showError(null, t('edit.conflict'), e.message);
      return;
    }
    const mine = snapshot();
    const m = mergeInput(base, mine, latest);
    const conflicts = m.conflicts.map((k) => ({ label: t(KEY_LABEL[k]), latest: valueText(latest, k, meta) }));
    const taken = m.taken.map((k) => t(KEY_LABEL[k]));
    dirty = false;
    setLeaveGuard(null);
    await renderEdit(main, id, { values: { ...m.values, id: r.id }, base: latest, version: latest.version, notice: 'conflict', conflicts, taken });
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = collect();
    if (isNew) delete body.version;
    const problem = validateInput(body);
    if (problem) { showError(problem.field, problem.message); return; }
    clearErrors();
    saveBtn.disabled = true;
    try {
      const saved = isNew ? await api('POST', '/resources', { body }) : await api('PUT', `/resources/${r.id}`, { body });
      dirty = false;
      setLeaveGuard(null);
      setDraftSource(null);
      toast(isNew ? t('edit.created') : t('edit.saved'));
      navigate(`#/r/${saved.id}`);
    } catch (ex) {
      if (ex.status === 401) return; // the shell kept the input and shows the login screen
      if (ex.status === 409 && !isNew) { await onConflict(); return; }
      if (ex.status === 403) {
        const moved = String(body.org_id) !== String(base.org && base.org.id) || String(body.area_id || '') !== String(base.area_id || '');
        showError(ex.field || (moved ? 'org_id' : null), ex.message, moved ? t('edit.forbidden_moved') : t('edit.forbidden_hint'));
      } else {
        showError(ex.field, ex.message);
      }
    } finally {
      saveBtn.disabled = false;
    }
  });

  // The notice above the form: input restored after a re-login, or merged after a 409.
  let noticeEl = null;
  if (notice === 'relogin') {
    noticeEl = h('div', { class: 'notice', role: 'status', tabindex: '-1' }, h('p', null, t('edit.restored')));
  } else if (notice === 'conflict') {
    const reloadBtn = h('button', { type: 'button', class: 'btn' }, t('edit.reload_discard'));
    reloadBtn.addEventListener('click', () => {
      if (!window.confirm(t('edit.reload_confirm'))) return;
      dirty = false; setLeaveGuard(null); setDraftSource(null); reload();
    });
    noticeEl = h('div', { class: 'notice notice-warn', role: 'alert', tabindex: '-1' },
      h('p', null, t('edit.conflict')),
      h('p', null, t('edit.conflict_merged')),
      preset.conflicts.length ? h('div', null, h('p', null, t('edit.conflict_both')),
        h('ul', null, preset.conflicts.map((c) => h('li', null, t('edit.conflict_item', { field: c.label, value: c.latest }))))) : null,
      preset.taken.length ? h('p', null, t('edit.conflict_taken', { fields: preset.taken.join(t('list.sep')) })) : null,
      h('p', null, t('edit.conflict_next')),
      h('div', { class: 'actions' }, reloadBtn));
  }

  append(main, [
    h('p', { class: 'breadcrumb' }, h('a', { href: isNew ? '#/' : `#/r/${r.id}` }, isNew ? `← ${t('nav.home')}` : `← ${r.name}`)),
    h('h1', null, isNew ? t('edit.new_h1') : t('edit.edit_of', { name: r.name })),
    noticeEl,
    form]);
  if (noticeEl) noticeEl.focus();
  else name.focus();
  return () => setDraftSource(null);
}
