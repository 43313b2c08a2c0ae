// views/edit.js - 編集 / 新規登録 of a resource (ResourceInput, docs/api.md).
import { api, getMeta } from '../api.js';
import { h, clear, checkGroup, checkedValues, uid, toast } from '../dom.js';
import { WEEKDAYS } from '../format.js';
import { navigate, reload, setLeaveGuard } from '../router.js';
import { session } from '../session.js';
import { areaOptions } from './search.js';

const nz = (s) => { const t = (s || '').trim(); return t === '' ? null : t; };

/** Client-side rules mirroring the server's (src/core/validate.h). Returns {field,message} or null. */
export function validateInput(b) {
  const cps = (s) => Array.from(s || '').length;
  if (!b.name) return { field: 'name', message: '名称は必須です。' };
  if (cps(b.name) > 200) return { field: 'name', message: '名称は200文字以内にしてください。' };
  if (!b.type) return { field: 'type', message: '種別を選んでください。' };
  if (b.address && b.address.postal_code && !/^\d{3}-?\d{4}$/.test(b.address.postal_code)) {
    return { field: 'address.postal_code', message: '郵便番号は「231-0001」の形で入力してください。' };
  }
  if (b.phone) {
    const digits = b.phone.replace(/[^0-9]/g, '');
    if (!/^[0-9()+\- ]+$/.test(b.phone) || digits.length < 10 || digits.length > 13) {
      return { field: 'phone', message: '電話番号は「045-123-4567」のように数字とハイフンで入力してください。' };
    }
  }
  if (b.email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(b.email)) return { field: 'email', message: 'メールアドレスの形が正しくありません。' };
  if (b.url && !/^https?:\/\/\S+$/i.test(b.url)) return { field: 'url', message: 'ホームページは http:// または https:// で始めてください。' };
  if (b.location) {
    if (!(b.location.lat >= -90 && b.location.lat <= 90)) return { field: 'location.lat', message: '緯度は -90〜90 の数で入力してください。' };
    if (!(b.location.lon >= -180 && b.location.lon <= 180)) return { field: 'location.lon', message: '経度は -180〜180 の数で入力してください。' };
  }
  const { min_months: mn, max_months: mx } = b.ages;
  if (mn !== null && mx !== null && mn > mx) return { field: 'ages.max_months', message: '対象年齢の「まで」は「から」より後にしてください。' };
  if (b.capacity !== null && !(Number.isInteger(b.capacity) && b.capacity >= 0)) return { field: 'capacity', message: '定員は0以上の整数で入力してください。' };
  for (let i = 0; i < b.hours.length; i += 1) {
    const x = b.hours[i];
    if (!x.open) return { field: `hours[${i}].open`, message: '開始時刻を入力してください。' };
    if (!x.close) return { field: `hours[${i}].close`, message: '終了時刻を入力してください。' };
    if (!TIME_RE.test(x.open)) return { field: `hours[${i}].open`, message: '時刻は「9:30」の形で入力してください。' };
    if (!TIME_RE.test(x.close)) return { field: `hours[${i}].close`, message: '時刻は「16:00」の形で入力してください（24:00 まで）。' };
    if (x.open >= x.close) return { field: `hours[${i}].close`, message: '終了時刻は開始時刻より後にしてください。' };
  }
  for (let i = 0; i < b.exceptions.length; i += 1) {
    const x = b.exceptions[i];
    if (!x.date) return { field: `exceptions[${i}].date`, message: '日付を入力してください。' };
    if (!x.closed) {
      if (!x.open || !x.close) return { field: `exceptions[${i}].open`, message: '休みでない日は時間を入力してください。' };
      if (!TIME_RE.test(x.open)) return { field: `exceptions[${i}].open`, message: '時刻は「9:30」の形で入力してください。' };
      if (!TIME_RE.test(x.close)) return { field: `exceptions[${i}].close`, message: '時刻は「16:00」の形で入力してください（24:00 まで）。' };
      if (x.open >= x.close) return { field: `exceptions[${i}].close`, message: '終了時刻は開始時刻より後にしてください。' };
    }
  }
  if (b.is_confidential && !b.front_door) return { field: 'front_door', message: '所在地を非公開にするときは、問い合わせ先を入力してください。' };
  return null;
}

// Times are typed as text ("9:30", "24:00" is a valid close time), normalised to HH:MM.
function timeInput(value, label) {
  return h('input', { type: 'text', id: uid('e'), value: value || '', 'aria-label': `${label}（例 9:30）`, inputmode: 'numeric', placeholder: '9:30', class: 'time', autocomplete: 'off' });
}
export function normTime(v) {
  const t = (v || '').trim().replace(/[０-９：]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
  const m = /^(\d{1,2})[:時]?(\d{2})?$/.exec(t);
  if (!m) return t;
  return `${m[1].padStart(2, '0')}:${m[2] || '00'}`;
}
const TIME_RE = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;

function input(fieldName, attrs = {}) {
  return h('input', { id: uid('e'), name: fieldName, dataset: { field: fieldName }, ...attrs });
}
function fld(label, el, hint, required) {
  const kids = [h('label', { for: el.id }, label, required ? h('span', { class: 'req' }, '（必須）') : null)];
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

export async function renderEdit(main, id) {
  clear(main);
  const isNew = !id;
  let r = null; let meta; let orgs = [];
  try {
    [meta, r] = await Promise.all([getMeta(), isNew ? Promise.resolve(null) : api('GET', `/resources/${encodeURIComponent(id)}`)]);
    try { orgs = (await api('GET', '/orgs')).items || []; } catch (e) { orgs = []; }
  } catch (e) {
    main.append(h('h1', null, '編集'), h('p', { class: 'error-summary', role: 'alert' }, e.message));
    return;
  }
  if (!r) {
    r = {
      version: 0, org: { id: session.user && session.user.org_id }, type: '', name: '', hours: [], exceptions: [],
      ages: { min_months: null, max_months: null }, fee: { free: true, text: null }, services: [], access: [],
      is_public: true, is_confidential: false,
    };
  }
  document.title = `${isNew ? '新規登録' : `${r.name}の編集`} - つなぐ`;
  const a = r.address || {};
  const summary = h('div', { class: 'error-summary', role: 'alert', tabindex: '-1', hidden: true });

  const org = h('select', { id: uid('e'), name: 'org_id', dataset: { field: 'org_id' } },
    (orgs.length ? orgs : [{ id: r.org && r.org.id, name: (r.org && r.org.name) || session.user.org_name || '所属団体' }])
      .map((o) => h('option', { value: String(o.id), selected: r.org && String(o.id) === String(r.org.id) }, o.name)));
  const type = h('select', { id: uid('e'), name: 'type', dataset: { field: 'type' }, required: true },
    h('option', { value: '' }, '選んでください'),
    meta.types.map((t) => h('option', { value: t.code, selected: t.code === r.type }, t.name_ja)));
  const name = input('name', { value: r.name || '', required: true, maxlength: 200, autocomplete: 'off' });
  const kana = input('name_kana', { value: r.name_kana || '', autocomplete: 'off' });
  const desc = h('textarea', { id: uid('e'), name: 'description', dataset: { field: 'description' }, rows: 4 });
  desc.value = r.description || '';
  const area = h('select', { id: uid('e'), name: 'area_id', dataset: { field: 'area_id' } }, areaOptions(meta.areas, r.area_id || '', '指定なし'));
  const postal = input('address.postal_code', { value: a.postal_code || '', inputmode: 'numeric', autocomplete: 'postal-code', class: 'mid' });
  const pref = input('address.prefecture', { value: a.prefecture || '', class: 'mid' });
  const city = input('address.city', { value: a.city || '' });
  const line = input('address.line', { value: a.line || '' });
  const building = input('address.building', { value: a.building || '' });
  const lat = input('location.lat', { type: 'number', step: 'any', value: r.location ? String(r.location.lat) : '', class: 'mid' });
  const lon = input('location.lon', { type: 'number', step: 'any', value: r.location ? String(r.location.lon) : '', class: 'mid' });
  const phone = input('phone', { type: 'tel', value: r.phone || '', autocomplete: 'off', class: 'mid' });
  const email = input('email', { type: 'email', value: r.email || '', autocomplete: 'off' });
  const url = input('url', { type: 'url', value: r.url || '', autocomplete: 'off' });
  const ageMin = ageInputs('min', r.ages && r.ages.min_months);
  const ageMax = ageInputs('max', r.ages && r.ages.max_months);
  const feeFree = input('fee.free', { type: 'checkbox', checked: !!(r.fee && r.fee.free) });
  const feeText = input('fee.text', { value: (r.fee && r.fee.text) || '' });
  const capacity = input('capacity', { type: 'number', min: 0, inputmode: 'numeric', class: 'short', value: r.capacity !== null && r.capacity !== undefined && r.capacity >= 0 ? String(r.capacity) : '' });
  const accNotes = h('textarea', { id: uid('e'), name: 'accessibility_notes', dataset: { field: 'accessibility_notes' }, rows: 2 });
  accNotes.value = r.accessibility_notes || '';
  const schedNote = input('schedule_note', { value: r.schedule_note || '' });
  const isPublic = input('is_public', { type: 'checkbox', checked: !!r.is_public });
  const isConf = input('is_confidential', { type: 'checkbox', checked: !!r.is_confidential });
  const frontDoor = input('front_door', { value: r.front_door || '' });
  const frontWrap = fld('問い合わせ先（所在地の代わりに表示）', frontDoor, '例：○○区こども家庭支援課 045-000-0000');
  const syncConf = () => { frontWrap.hidden = !isConf.checked; };
  isConf.addEventListener('change', syncConf);
  syncConf();

  // Weekly hours editor.
  const hoursBody = h('tbody');
  const addHour = (x = { weekday: 1, open: '10:00', close: '15:00' }) => {
    const wd = h('select', { id: uid('e'), 'aria-label': '曜日' },
      [1, 2, 3, 4, 5, 6, 0, 7].map((d) => h('option', { value: String(d), selected: d === x.weekday }, d === 7 ? '祝日' : `${WEEKDAYS[d]}曜日`)));
    const op = timeInput(x.open, '開始');
    const cl = timeInput(x.close, '終了');
    const del = h('button', { type: 'button', class: 'btn btn-small' }, '削除');
    const tr = h('tr', { class: 'hour-row' }, h('td', null, wd), h('td', null, op), h('td', null, cl), h('td', null, del));
    del.addEventListener('click', () => { tr.remove(); markDirty(); renumber(); });
    hoursBody.appendChild(tr);
    renumber();
  };
  const excBody = h('tbody');
  const addExc = (x = { date: '', closed: true, open: null, close: null, note: '' }) => {
    const d = h('input', { type: 'date', id: uid('e'), value: x.date || '', 'aria-label': '日付' });
    const c = h('input', { type: 'checkbox', id: uid('e'), checked: !!x.closed });
    const op = timeInput(x.open, '開始');
    const cl = timeInput(x.close, '終了');
    const note = h('input', { id: uid('e'), value: x.note || '', 'aria-label': 'メモ' });
    const del = h('button', { type: 'button', class: 'btn btn-small' }, '削除');
    const tr = h('tr', { class: 'exc-row' }, h('td', null, d),
      h('td', null, h('div', { class: 'check' }, c, h('label', { for: c.id }, '休み'))),
      h('td', null, op), h('td', null, cl), h('td', null, note), h('td', null, del));
    del.addEventListener('click', () => { tr.remove(); markDirty(); renumber(); });
    excBody.appendChild(tr);
    renumber();
  };
  function renumber() {
    hoursBody.querySelectorAll('tr').forEach((tr, i) => {
      const [wd, op, cl] = tr.querySelectorAll('select, input');
      wd.dataset.field = `hours[${i}].weekday`; op.dataset.field = `hours[${i}].open`; cl.dataset.field = `hours[${i}].close`;
    });
    excBody.querySelectorAll('tr').forEach((tr, i) => {
      const [d, c, op, cl, note] = tr.querySelectorAll('input');
      d.dataset.field = `exceptions[${i}].date`; c.dataset.field = `exceptions[${i}].closed`;
      op.dataset.field = `exceptions[${i}].open`; cl.dataset.field = `exceptions[${i}].close`; note.dataset.field = `exceptions[${i}].note`;
    });
  }
  (r.hours || []).forEach((x) => addHour(x));
  (r.exceptions || []).forEach((x) => addExc(x));
  const addHourBtn = h('button', { type: 'button', class: 'btn' }, '＋ 時間を追加');
  addHourBtn.addEventListener('click', () => { addHour(); markDirty(); });
  const addExcBtn = h('button', { type: 'button', class: 'btn' }, '＋ 臨時の休み・変更を追加');
  addExcBtn.addEventListener('click', () => { addExc(); markDirty(); });

  const saveBtn = h('button', { type: 'submit', class: 'btn btn-primary' }, isNew ? '登録する' : '保存する');
  const form = h('form', { class: 'edit-form', novalidate: true },
    summary,
    h('fieldset', null, h('legend', null, '基本'),
      fld('名称', name, null, true), fld('ふりがな', kana), fld('種別', type, null, true), fld('運営団体', org),
      fld('説明', desc)),
    h('fieldset', null, h('legend', null, '所在地'),
      fld('地域', area), fld('郵便番号', postal, '例：231-0001'), fld('都道府県', pref), fld('市区町村', city),
      fld('町名・番地', line), fld('建物名・方書', building),
      h('div', { class: 'inline' }, fld('緯度', lat), fld('経度', lon)),
      h('div', { class: 'check' }, isConf, h('label', { for: isConf.id }, '所在地を非公開にする（DV避難先など）')),
      frontWrap),
    h('fieldset', null, h('legend', null, '連絡先'),
      fld('電話', phone, '例：045-123-4567'), fld('メール', email), fld('ホームページ', url, 'https:// から入力')),
    h('fieldset', null, h('legend', null, '対象・料金'),
      h('div', { class: 'inline age-row' }, h('span', { class: 'label-text' }, '対象年齢（から）'),
        ageMin.yi, h('label', { for: ageMin.yi.id }, '歳'), ageMin.mi, h('label', { for: ageMin.mi.id }, 'か月')),
      h('div', { class: 'inline age-row' }, h('span', { class: 'label-text' }, '対象年齢（まで）'),
        ageMax.yi, h('label', { for: ageMax.yi.id }, '歳'), ageMax.mi, h('label', { for: ageMax.mi.id }, 'か月')),
      h('p', { class: 'hint' }, '制限がないときは空欄にします。'),
      h('div', { class: 'check' }, feeFree, h('label', { for: feeFree.id }, '無料')),
      fld('料金のメモ', feeText, '例：1回100円（おやつ代）'),
      fld('定員（人）', capacity)),
    checkGroup('サービス', 'services', meta.tags.filter((t) => t.kind === 'service').map((t) => ({ value: t.code, label: t.name_ja, checked: (r.services || []).includes(t.code) }))),
    checkGroup('バリアフリー', 'access', meta.tags.filter((t) => t.kind === 'access').map((t) => ({ value: t.code, label: t.name_ja, checked: (r.access || []).includes(t.code) }))),
    fld('設備などのメモ', accNotes),
    h('fieldset', null, h('legend', null, '開所時間（毎週）'),
      h('div', { class: 'table-wrap' }, h('table', { class: 'editor' },
        h('thead', null, h('tr', null, ['曜日', '開始', '終了', ''].map((t) => h('th', { scope: 'col' }, t)))), hoursBody)),
      addHourBtn,
      fld('時間のメモ', schedNote, '例：第3土曜日はお休み')),
    h('fieldset', null, h('legend', null, '臨時の休み・変更'),
      h('div', { class: 'table-wrap' }, h('table', { class: 'editor' },
        h('thead', null, h('tr', null, ['日付', '休み', '開始', '終了', 'メモ', ''].map((t) => h('th', { scope: 'col' }, t)))), excBody)),
      addExcBtn),
    h('fieldset', null, h('legend', null, '公開'),
      h('div', { class: 'check' }, isPublic, h('label', { for: isPublic.id }, '家族向けページに公開する'))),
    h('div', { class: 'form-actions sticky' }, saveBtn,
      h('a', { href: isNew ? '#/' : `#/r/${r.id}`, class: 'btn' }, 'キャンセル')),
  );

  let dirty = false;
  function markDirty() { dirty = true; }
  form.addEventListener('input', markDirty);
  form.addEventListener('change', markDirty);
  setLeaveGuard(() => dirty);

  function clearErrors() {
    summary.hidden = true; clear(summary);
    form.querySelectorAll('.field-error').forEach((e) => e.remove());
    form.querySelectorAll('[aria-invalid]').forEach((e) => {
      e.removeAttribute('aria-invalid');
      e.setAttribute('aria-describedby', e.dataset.hint || '');
      if (!e.dataset.hint) e.removeAttribute('aria-describedby');
    });
  }
  function showError(fieldPath, message) {
    clearErrors();
    let el = fieldPath ? form.querySelector(`[data-field="${CSS.escape(fieldPath)}"]`) : null;
    if (!el && fieldPath) {
      // 'hours[2]' or 'address' → first input whose field starts with it.
      el = Array.from(form.querySelectorAll('[data-field]')).find((x) => x.dataset.field.startsWith(fieldPath));
    }
    summary.hidden = false;
    summary.append(h('p', null, '保存できませんでした。'), h('p', null, message));
    if (el) {
      const eid = uid('err');
      const p = h('p', { class: 'field-error', id: eid }, `⚠ ${message}`);
      const host = el.closest('td') || el.closest('.field') || el.parentElement;
      host.appendChild(p);
      el.setAttribute('aria-invalid', 'true');
      el.setAttribute('aria-describedby', [el.dataset.hint, eid].filter(Boolean).join(' '));
      el.focus();
    } else {
      summary.focus();
    }
  }

  function collect() {
    renumber();
    const addr = {
      postal_code: nz(postal.value), prefecture: nz(pref.value), city: nz(city.value), line: nz(line.value), building: nz(building.value),
    };
    const hasAddr = Object.values(addr).some((v) => v !== null);
    const hasLoc = lat.value !== '' || lon.value !== '';
    return {
      version: r.version,
      org_id: org.value ? Number(org.value) : null,
      type: type.value,
      name: nz(name.value),
      name_kana: nz(kana.value),
      description: nz(desc.value),
      area_id: area.value ? Number(area.value) : null,
      address: hasAddr ? addr : null,
      location: hasLoc ? { lat: lat.value === '' ? NaN : Number(lat.value), lon: lon.value === '' ? NaN : Number(lon.value) } : null,
      phone: nz(phone.value), email: nz(email.value), url: nz(url.value),
      ages: { min_months: ageValue(ageMin), max_months: ageValue(ageMax) },
      fee: { free: feeFree.checked, text: nz(feeText.value) },
      capacity: capacity.value === '' ? null : Number(capacity.value),
      services: checkedValues(form, 'services'),
      access: checkedValues(form, 'access'),
      accessibility_notes: nz(accNotes.value),
      hours: Array.from(hoursBody.querySelectorAll('tr')).map((tr) => {
        const [wd, op, cl] = tr.querySelectorAll('select, input');
        return { weekday: Number(wd.value), open: normTime(op.value), close: normTime(cl.value) };
      }),
      exceptions: Array.from(excBody.querySelectorAll('tr')).map((tr) => {
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
      toast(isNew ? '登録しました。' : '保存しました。');
      navigate(`#/r/${saved.id}`);
    } catch (ex) {
      if (ex.status === 409) {
        clearErrors();
        summary.hidden = false;
        const reloadBtn = h('button', { type: 'button', class: 'btn btn-primary' }, '最新の内容を読み込む');
        reloadBtn.addEventListener('click', () => { dirty = false; setLeaveGuard(null); reload(); });
        summary.append(
          h('p', null, 'ほかの人が先にこの情報を保存しました。'),
          h('p', null, '最新の内容を読み込んでから、もう一度変更してください（いま入力した内容は消えます。必要ならメモしてください）。'),
          reloadBtn);
        summary.focus();
      } else {
        showError(ex.field, ex.message);
      }
    } finally {
      saveBtn.disabled = false;
    }
  });

  main.append(
    h('p', { class: 'breadcrumb' }, h('a', { href: isNew ? '#/' : `#/r/${r.id}` }, isNew ? '← ホーム' : `← ${r.name}`)),
    h('h1', null, isNew ? '新しい場所を登録' : `${r.name}の編集`),
    form);
  name.focus();
}
