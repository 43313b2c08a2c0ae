// views/edit.js - 編集 / 新規登録 of a resource (ResourceInput, docs/api.md).
import { api, getMeta } from '../api.js';
import { h, clear, checkGroup, checkedValues, uid, toast } from '../dom.js';
import { weekdayName } from '../format.js';
import { metaName, t } from '../i18n.js';
import { navigate, reload, setLeaveGuard } from '../router.js';
import { session } from '../session.js';
import { areaOptions } from './search.js';

const nz = (s) => { const t = (s || '').trim(); return t === '' ? null : t; };

/** Client-side rules mirroring the server's (src/core/validate.h). Returns {field,message} or null. */
export function validateInput(b) {
  const cps = (s) => Array.from(s || '').length;
  if (!b.name) return { field: 'name', message: t('v.name_required') };
  if (cps(b.name) > 200) return { field: 'name', message: t('v.name_long') };
  if (!b.type) return { field: 'type', message: t('v.type') };
  if (b.address && b.address.postal_code && !/^\d{3}-?\d{4}$/.test(b.address.postal_code)) {
    return { field: 'address.postal_code', message: t('v.postal') };
  }
  if (b.phone) {
    const digits = b.phone.replace(/[^0-9]/g, '');
    if (!/^[0-9()+\- ]+$/.test(b.phone) || digits.length < 10 || digits.length > 13) {
      return { field: 'phone', message: t('v.phone') };
    }
  }
  if (b.email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(b.email)) return { field: 'email', message: t('v.email') };
  if (b.url && !/^https?:\/\/\S+$/i.test(b.url)) return { field: 'url', message: t('v.url') };
  if (b.location) {
    if (!(b.location.lat >= -90 && b.location.lat <= 90)) return { field: 'location.lat', message: t('v.lat') };
    if (!(b.location.lon >= -180 && b.location.lon <= 180)) return { field: 'location.lon', message: t('v.lon') };
  }
  const { min_months: mn, max_months: mx } = b.ages;
  if (mn !== null && mx !== null && mn > mx) return { field: 'ages.max_months', message: t('v.ages') };
  if (b.capacity !== null && !(Number.isInteger(b.capacity) && b.capacity >= 0)) return { field: 'capacity', message: t('v.capacity') };
  for (let i = 0; i < b.hours.length; i += 1) {
    const x = b.hours[i];
    if (!x.open) return { field: `hours[${i}].open`, message: t('v.open') };
    if (!x.close) return { field: `hours[${i}].close`, message: t('v.close') };
    if (!TIME_RE.test(x.open)) return { field: `hours[${i}].open`, message: t('v.time_open') };
    if (!TIME_RE.test(x.close)) return { field: `hours[${i}].close`, message: t('v.time_close') };
    if (x.open >= x.close) return { field: `hours[${i}].close`, message: t('v.order') };
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
  }
  if (b.is_confidential && !b.front_door) return { field: 'front_door', message: t('v.front_door') };
  return null;
}

// Times are typed as text ("9:30", "24:00" is a valid close time), normalised to HH:MM.
function timeInput(value, label) {
  return h('input', { type: 'text', id: uid('e'), value: value || '', 'aria-label': t('edit.time_label', { label }), inputmode: 'numeric', placeholder: '9:30', class: 'time', autocomplete: 'off' });
}
export function normTime(v) {
  const s = (v || '').trim().replace(/[０-９：]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
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

export async function renderEdit(main, id) {
  clear(main);
  const isNew = !id;
  let r = null; let meta; let orgs = [];
  try {
    [meta, r] = await Promise.all([getMeta(), isNew ? Promise.resolve(null) : api('GET', `/resources/${encodeURIComponent(id)}`)]);
    try { orgs = (await api('GET', '/orgs')).items || []; } catch (e) { orgs = []; }
  } catch (e) {
    main.append(h('h1', null, t('detail.edit')), h('p', { class: 'error-summary', role: 'alert' }, e.message));
    return;
  }
  if (!r) {
    r = {
      version: 0, org: { id: session.user && session.user.org_id }, type: '', name: '', hours: [], exceptions: [],
      ages: { min_months: null, max_months: null }, fee: { free: true, text: null }, services: [], access: [],
      is_public: true, is_confidential: false,
    };
  }
  document.title = t('title.page', { page: isNew ? t('edit.new_title') : t('edit.edit_of', { name: r.name }) });
  const a = r.address || {};
  const summary = h('div', { class: 'error-summary', role: 'alert', tabindex: '-1', hidden: true });

  const org = h('select', { id: uid('e'), name: 'org_id', dataset: { field: 'org_id' } },
    (orgs.length ? orgs : [{ id: r.org && r.org.id, name: (r.org && r.org.name) || session.user.org_name || t('edit.own_org') }])
      .map((o) => h('option', { value: String(o.id), selected: r.org && String(o.id) === String(r.org.id) }, o.name)));
  const type = h('select', { id: uid('e'), name: 'type', dataset: { field: 'type' }, required: true },
    h('option', { value: '' }, t('edit.choose')),
    meta.types.map((x) => h('option', { value: x.code, selected: x.code === r.type }, metaName(x))));
  const name = input('name', { value: r.name || '', required: true, maxlength: 200, autocomplete: 'off' });
  const kana = input('name_kana', { value: r.name_kana || '', autocomplete: 'off' });
  const desc = h('textarea', { id: uid('e'), name: 'description', dataset: { field: 'description' }, rows: 4 });
  desc.value = r.description || '';
  const area = h('select', { id: uid('e'), name: 'area_id', dataset: { field: 'area_id' } }, areaOptions(meta.areas, r.area_id || '', t('search.unset')));
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
  const frontWrap = fld(t('edit.front_door'), frontDoor, t('edit.front_door_hint'));
  const syncConf = () => { frontWrap.hidden = !isConf.checked; };
  isConf.addEventListener('change', syncConf);
  syncConf();

  // Weekly hours editor.
  const hoursBody = h('tbody');
  const addHour = (x = { weekday: 1, open: '10:00', close: '15:00' }) => {
    const wd = h('select', { id: uid('e'), 'aria-label': t('hours.day') },
      [1, 2, 3, 4, 5, 6, 0, 7].map((d) => h('option', { value: String(d), selected: d === x.weekday }, weekdayName(d))));
    const op = timeInput(x.open, t('edit.open'));
    const cl = timeInput(x.close, t('edit.close'));
    const del = h('button', { type: 'button', class: 'btn btn-small' }, t('detail.delete'));
    const tr = h('tr', { class: 'hour-row' }, h('td', null, wd), h('td', null, op), h('td', null, cl), h('td', null, del));
    del.addEventListener('click', () => { tr.remove(); markDirty(); renumber(); });
    hoursBody.appendChild(tr);
    renumber();
  };
  const excBody = h('tbody');
  const addExc = (x = { date: '', closed: true, open: null, close: null, note: '' }) => {
    const d = h('input', { type: 'date', id: uid('e'), value: x.date || '', 'aria-label': t('edit.date') });
    const c = h('input', { type: 'checkbox', id: uid('e'), checked: !!x.closed });
    const op = timeInput(x.open, t('edit.open'));
    const cl = timeInput(x.close, t('edit.close'));
    const note = h('input', { id: uid('e'), value: x.note || '', 'aria-label': t('edit.note') });
    const del = h('button', { type: 'button', class: 'btn btn-small' }, t('detail.delete'));
    const tr = h('tr', { class: 'exc-row' }, h('td', null, d),
      h('td', null, h('div', { class: 'check' }, c, h('label', { for: c.id }, t('hours.closed')))),
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
  const addHourBtn = h('button', { type: 'button', class: 'btn' }, t('edit.add_hours'));
  addHourBtn.addEventListener('click', () => { addHour(); markDirty(); });
  const addExcBtn = h('button', { type: 'button', class: 'btn' }, t('edit.add_exc'));
  addExcBtn.addEventListener('click', () => { addExc(); markDirty(); });

  const saveBtn = h('button', { type: 'submit', class: 'btn btn-primary' }, isNew ? t('edit.create') : t('edit.save'));
  const form = h('form', { class: 'edit-form', novalidate: true },
    summary,
    h('fieldset', null, h('legend', null, t('edit.basic')),
      fld(t('field.name'), name, null, true), fld(t('field.name_kana'), kana), fld(t('field.type'), type, null, true), fld(t('field.org'), org),
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
      h('div', { class: 'check' }, feeFree, h('label', { for: feeFree.id }, t('fee.free'))),
      fld(t('edit.fee_note'), feeText, t('edit.fee_hint')),
      fld(t('edit.capacity'), capacity)),
    checkGroup(t('field.services'), 'services', meta.tags.filter((x) => x.kind === 'service').map((x) => ({ value: x.code, label: metaName(x), checked: (r.services || []).includes(x.code) }))),
    checkGroup(t('field.access'), 'access', meta.tags.filter((x) => x.kind === 'access').map((x) => ({ value: x.code, label: metaName(x), checked: (r.access || []).includes(x.code) }))),
    fld(t('field.accessibility_notes'), accNotes),
    h('fieldset', null, h('legend', null, t('edit.weekly')),
      h('div', { class: 'table-wrap' }, h('table', { class: 'editor' },
        h('thead', null, h('tr', null, [t('hours.day'), t('edit.open'), t('edit.close'), ''].map((x) => h('th', { scope: 'col' }, x)))), hoursBody)),
      addHourBtn,
      fld(t('field.schedule_note'), schedNote, t('edit.sched_hint'))),
    h('fieldset', null, h('legend', null, t('field.exceptions')),
      h('div', { class: 'table-wrap' }, h('table', { class: 'editor' },
        h('thead', null, h('tr', null, [t('edit.date'), t('hours.closed'), t('edit.open'), t('edit.close'), t('edit.note'), ''].map((x) => h('th', { scope: 'col' }, x)))), excBody)),
      addExcBtn),
    h('fieldset', null, h('legend', null, t('field.is_public')),
      h('div', { class: 'check' }, isPublic, h('label', { for: isPublic.id }, t('edit.publish')))),
    h('div', { class: 'form-actions sticky' }, saveBtn,
      h('a', { href: isNew ? '#/' : `#/r/${r.id}`, class: 'btn' }, t('edit.cancel'))),
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
    summary.append(h('p', null, t('edit.not_saved')), h('p', null, message));
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
      toast(isNew ? t('edit.created') : t('edit.saved'));
      navigate(`#/r/${saved.id}`);
    } catch (ex) {
      if (ex.status === 409) {
        clearErrors();
        summary.hidden = false;
        const reloadBtn = h('button', { type: 'button', class: 'btn btn-primary' }, t('edit.reload'));
        reloadBtn.addEventListener('click', () => { dirty = false; setLeaveGuard(null); reload(); });
        summary.append(
          h('p', null, t('edit.conflict')),
          h('p', null, t('edit.conflict_hint')),
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
    h('p', { class: 'breadcrumb' }, h('a', { href: isNew ? '#/' : `#/r/${r.id}` }, isNew ? `← ${t('nav.home')}` : `← ${r.name}`)),
    h('h1', null, isNew ? t('edit.new_h1') : t('edit.edit_of', { name: r.name })),
    form);
  name.focus();
}
