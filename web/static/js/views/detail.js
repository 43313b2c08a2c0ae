// views/detail.js - 詳細: one resource, staff actions, change history.
import { api, getMeta } from '../api.js';
import { h, clear, toast } from '../dom.js';
import {
  WEEK_ORDER, formatAddress, formatAges, formatDate, formatFee, formatRange, formatTimestamp, weekdayName,
} from '../format.js';
import { createMap } from '../map.js';
import { backToList, navigate, reload } from '../router.js';
import { exceptionsList, resourceBody, tagName, typeName } from '../render.js';
import { t } from '../i18n.js';

// The change history (変更履歴) says each change as a coordinator reads the detail page:
// every field of the Resource shape (docs/api.md) under its label `field.NAME` in i18n.js,
// in the detail page's order and format (names for type, organization, area and tags;
// weekly hours by weekday, exceptions by date, ages, fees, Japanese dates). Keys not in
// FIELDS are internal or derived (id, uuid, version, created_at, updated_at, type_name,
// area_path, open_now, verification_due, can_edit, address_hidden, source, source_id) and
// are not shown. An update lists only the fields that changed. A location the reader may
// not see (address null, address_hidden true) is 「非公開」.
const FIELDS = ['name', 'name_kana', 'type', 'org', 'area_id', 'description', 'address', 'location', 'front_door',
  'phone', 'email', 'url', 'ages', 'fee', 'capacity', 'services', 'access', 'accessibility_notes', 'hours',
  'exceptions', 'schedule_note', 'is_public', 'is_confidential', 'verified_at'];
const ACTIONS = ['create', 'update', 'delete', 'verify', 'import'];
const actionName = (a) => (ACTIONS.includes(a) ? t(`action.${a}`) : a);
const HIDDEN = { hidden: true };

const empty = (v) => v === null || v === undefined || v === '' || (Array.isArray(v) && !v.length);
const hoursKey = (x) => `${x.weekday} ${x.open}-${x.close}`;
const excKey = (x) => JSON.stringify([x.date, !!x.closed, x.open || null, x.close || null, x.note || null]);

/** One field of a history snapshot, made comparable (null when empty). */
function fieldValue(snap, k) {
  if (!snap) return null;
  if ((k === 'address' || k === 'location') && snap.address_hidden && !snap[k]) return HIDDEN;
  let v = snap[k];
  // The resource API's shape has org {id,name}; an import's has org_id.
  if (k === 'org') v = snap.org || (snap.org_id !== undefined && snap.org_id !== null ? { id: snap.org_id } : null);
  if (empty(v)) return null;
  if (k === 'hours') return v.slice().sort((a, b) => a.weekday - b.weekday || String(a.open).localeCompare(String(b.open)));
  if (k === 'exceptions') return v.slice().sort((a, b) => String(a.date).localeCompare(String(b.date)));
  if (k === 'services' || k === 'access') return v.slice().sort();
  if (k === 'ages') { // a negative bound, like a missing one, is no limit (as formatAges reads it)
    const bound = (x) => (typeof x === 'number' && x >= 0 ? x : null);
    const ages = { min_months: bound(v.min_months), max_months: bound(v.max_months) };
    return ages.min_months === null && ages.max_months === null ? null : ages;
  }
  if (k === 'capacity' && !(v >= 0)) return null;
  return v;
}
function sameValue(k, a, b) {
  if (k === 'org') return (a && a.id) === (b && b.id);
  if (k === 'hours') return JSON.stringify((a || []).map(hoursKey)) === JSON.stringify((b || []).map(hoursKey));
  if (k === 'exceptions') return JSON.stringify((a || []).map(excKey)) === JSON.stringify((b || []).map(excKey));
  return JSON.stringify(a) === JSON.stringify(b);
}

function areaName(meta, id) {
  const areas = (meta && meta.areas) || [];
  const byId = new Map(areas.map((a) => [String(a.id), a]));
  const path = [];
  for (let a = byId.get(String(id)); a && path.length < 10; a = a.parent_id ? byId.get(String(a.parent_id)) : null) path.unshift(a.name);
  return path.length ? path.join(' ') : t('hist.unknown_id', { id });
}

/** Weekly hours of the given weekdays, one line each: 「月曜日　10:00〜15:00」, 「土曜日　休み」. */
function hoursLines(hours, days) {
  const byDay = new Map();
  for (const x of hours || []) {
    if (!byDay.has(x.weekday)) byDay.set(x.weekday, []);
    byDay.get(x.weekday).push(formatRange(x.open, x.close));
  }
  return h('ul', null, days.map((wd) => h('li', null,
    t('hist.day_hours', { day: weekdayName(wd), hours: byDay.has(wd) ? byDay.get(wd).join(t('list.sep')) : t('hours.closed') }))));
}

/** A field's value as the detail page shows it (text or an element). */
function showValue(k, v, ctx) {
  if (v === HIDDEN) return t('hist.hidden');
  if (v === null || v === undefined) return t('detail.empty');
  switch (k) {
    case 'type': return typeName(ctx.meta, v);
    case 'org': {
      const o = v.name ? v : ctx.orgs.find((x) => String(x.id) === String(v.id));
      return o ? o.name : t('hist.unknown_id', { id: v.id });
    }
    case 'area_id': return areaName(ctx.meta, v);
    case 'address': return formatAddress(v);
    case 'location': return t('hist.location', { lat: v.lat, lon: v.lon });
    case 'ages': return formatAges(v);
    case 'fee': return formatFee(v);
    case 'capacity': return t('res.capacity_n', { n: v });
    case 'services': case 'access': return v.map((c) => tagName(ctx.meta, c)).join(t('list.sep'));
    case 'hours': return hoursLines(v, WEEK_ORDER.filter((wd) => v.some((x) => x.weekday === wd)));
    case 'exceptions': return exceptionsList(v);
    case 'is_public': return t(v ? 'res.public_yes' : 'res.public_no');
    case 'verified_at': return formatDate(v);
    default:
      if (typeof v === 'boolean') return v ? t('detail.yes') : t('detail.no');
      if (typeof v === 'object') return t('detail.empty'); // not a field of the Resource shape
      return String(v);
  }
}

/** Rows {field, before, after} of one history entry: for an update only what changed;
 *  weekly hours only on the weekdays that changed, exceptions only the dates that changed. */
export function diffRows(before, after, ctx = {}) {
  const c = { meta: ctx.meta || null, orgs: ctx.orgs || [] };
  const rows = [];
  for (const k of FIELDS) {
    const b = fieldValue(before, k);
    const a = fieldValue(after, k);
    if (sameValue(k, b, a)) continue;
    let bv = showValue(k, b, c);
    let av = showValue(k, a, c);
    if (k === 'hours' && b && a) {
      const line = (hs, wd) => (hs || []).filter((x) => x.weekday === wd).map(hoursKey).join();
      const days = WEEK_ORDER.filter((wd) => line(b, wd) !== line(a, wd));
      bv = hoursLines(b, days);
      av = hoursLines(a, days);
    } else if (k === 'exceptions' && b && a) {
      const bk = new Set(b.map(excKey)); const ak = new Set(a.map(excKey));
      const gone = b.filter((x) => !ak.has(excKey(x))); const added = a.filter((x) => !bk.has(excKey(x)));
      bv = gone.length ? exceptionsList(gone) : t('detail.empty');
      av = added.length ? exceptionsList(added) : t('detail.empty');
    }
    rows.push({ field: t(`field.${k}`), before: bv, after: av });
  }
  return rows;
}

/** 「← さがす」: back to the search this page was opened from (query, filters, the results
 *  shown; by going Back when it was), else the plain search page. */
function backLink(text) {
  const { href, onClick } = backToList('/search', '#/search');
  const a = h('a', { href }, text);
  a.addEventListener('click', onClick);
  return a;
}

export async function renderDetail(main, id) {
  clear(main);
  main.appendChild(h('p', null, t('app.loading')));
  let r; let meta;
  try {
    [r, meta] = await Promise.all([api('GET', `/resources/${encodeURIComponent(id)}`), getMeta()]);
  } catch (e) {
    clear(main);
    main.append(h('h1', null, t('detail.title')), h('p', { class: 'error-summary', role: 'alert' }, e.message),
      h('p', null, backLink(t('pub.back'))));
    return;
  }
  clear(main);
  document.title = t('title.page', { page: r.name });
  const actions = h('div', { class: 'actions' });
  if (r.can_edit) {
    const verifyBtn = h('button', { type: 'button', class: 'btn' }, t('detail.verify'));
    verifyBtn.addEventListener('click', async () => {
      verifyBtn.disabled = true;
      try {
        await api('POST', `/resources/${r.id}/verify`);
        toast(t('detail.verified'));
        reload();
      } catch (e) { toast(e.message); verifyBtn.disabled = false; }
    });
    const delBtn = h('button', { type: 'button', class: 'btn btn-danger' }, t('detail.delete'));
    delBtn.addEventListener('click', async () => {
      if (!window.confirm(t('detail.delete_confirm', { name: r.name }))) return;
      try {
        await api('DELETE', `/resources/${r.id}`);
        toast(t('detail.deleted'));
        navigate('#/search');
      } catch (e) { toast(e.message); }
    });
    actions.append(h('a', { href: `#/r/${r.id}/edit`, class: 'btn btn-primary' }, t('detail.edit')), verifyBtn, delBtn);
  }
  // Only a place the reader may locate can be a distance origin (a confidential one's
  // location is null for others, and the search would answer 「位置はわかりません」).
  if (r.location) {
    actions.append(h('a', { href: `#/search?near_resource=${r.id}&near_name=${encodeURIComponent(r.name)}&sort=distance`, class: 'btn' }, t('detail.near')));
  }

  // The toggle says what it will do (見る / 閉じる) and aria-expanded says the state.
  const histBox = h('div', { id: 'hist-box', 'aria-live': 'polite' });
  const histBtn = h('button', { type: 'button', class: 'btn', 'aria-expanded': 'false', 'aria-controls': 'hist-box' }, t('detail.history_show'));
  const setOpen = (open) => {
    histBtn.setAttribute('aria-expanded', String(open));
    histBtn.textContent = t(open ? 'detail.history_hide' : 'detail.history_show');
  };
  histBtn.addEventListener('click', async () => {
    if (histBtn.getAttribute('aria-expanded') === 'true') {
      clear(histBox); setOpen(false); return;
    }
    setOpen(true);
    clear(histBox).appendChild(h('p', null, t('app.loading')));
    try {
      const data = await api('GET', `/resources/${r.id}/changes`);
      const items = data.items || [];
      // An import's snapshot names its organization by org_id only: then the names come
      // from the organization list (the one the edit form uses).
      const byId = (x) => x && !x.org && x.org_id !== undefined && x.org_id !== null;
      const orgs = items.some((c) => byId(c.before) || byId(c.after))
        ? await api('GET', '/orgs').then((x) => (x && x.items) || [], () => []) : [];
      clear(histBox);
      if (!items.length) { histBox.appendChild(h('p', { class: 'empty' }, t('detail.history_none'))); return; }
      histBox.appendChild(h('ol', { class: 'changes' }, items.map((c) => {
        const rows = diffRows(c.before, c.after, { meta, orgs });
        return h('li', null,
          h('p', null, h('strong', null, formatTimestamp(c.at)), `　${c.user_name || t('detail.system')}　`, h('span', { class: 'badge badge-info' }, actionName(c.action))),
          rows.length ? h('table', { class: 'diff' },
            h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('detail.col_field')), h('th', { scope: 'col' }, t('detail.col_before')), h('th', { scope: 'col' }, t('detail.col_after')))),
            h('tbody', null, rows.map((x) => h('tr', null, h('th', { scope: 'row' }, x.field), h('td', null, x.before), h('td', null, x.after)))))
            : null);
      })));
    } catch (e) { clear(histBox).appendChild(h('p', { class: 'error-summary', role: 'alert' }, e.message)); }
  });

  const mapEl = h('div', { id: 'detail-map' });
  main.append(
    h('p', { class: 'breadcrumb' }, backLink(`← ${t('nav.search')}`)),
    h('h1', null, r.name, r.name_kana && r.name_kana !== r.name ? h('span', { class: 'kana' }, r.name_kana) : null),
    actions,
    h('div', { class: 'detail-layout' },
      resourceBody(r, meta, { staff: true }),
      r.location ? h('section', { class: 'map-col', 'aria-label': t('map.label') }, mapEl) : null),
    h('section', { class: 'card', 'aria-labelledby': 'hist-h' }, h('h2', { id: 'hist-h' }, t('detail.history')), histBtn, histBox),
  );
  if (r.location) {
    const m = await createMap(mapEl, { label: t('map.of', { name: r.name }) });
    m.setMarkers([r]);
    return () => m.destroy();
  }
  return null;
}
