// views/detail.js - 詳細: one resource, staff actions, change history.
import { api, getMeta } from '../api.js';
import { h, clear, toast } from '../dom.js';
import { formatTimestamp } from '../format.js';
import { createMap } from '../map.js';
import { navigate, reload } from '../router.js';
import { resourceBody } from '../render.js';
import { t } from '../i18n.js';

// Field names in the change history: key `field.NAME` in i18n.js (unknown fields as is).
const FIELDS = ['name', 'name_kana', 'description', 'type', 'org_id', 'org', 'area_id', 'address', 'location', 'phone',
  'email', 'url', 'ages', 'fee', 'capacity', 'services', 'access', 'accessibility_notes', 'hours', 'exceptions',
  'schedule_note', 'is_public', 'is_confidential', 'front_door', 'verified_at'];
const ACTIONS = ['create', 'update', 'delete', 'verify', 'import'];
const fieldName = (k) => (FIELDS.includes(k) ? t(`field.${k}`) : k);
const actionName = (a) => (ACTIONS.includes(a) ? t(`action.${a}`) : a);
const SKIP = new Set(['version', 'updated_at', 'created_at', 'id', 'uuid']);

function show(v) {
  if (v === null || v === undefined || v === '') return t('detail.empty');
  if (typeof v === 'boolean') return v ? t('detail.yes') : t('detail.no');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export function diffRows(before, after) {
  const b = before || {}; const a = after || {};
  const keys = Array.from(new Set([...Object.keys(b), ...Object.keys(a)])).filter((k) => !SKIP.has(k));
  return keys.filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]))
    .map((k) => ({ field: fieldName(k), before: show(b[k]), after: show(a[k]) }));
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
      h('p', null, h('a', { href: '#/search' }, t('pub.back'))));
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
  actions.append(h('a', { href: `#/search?near_resource=${r.id}&near_name=${encodeURIComponent(r.name)}&sort=distance`, class: 'btn' }, t('detail.near')));

  const histBox = h('div', { 'aria-live': 'polite' });
  const histBtn = h('button', { type: 'button', class: 'btn', 'aria-expanded': 'false' }, t('detail.history_show'));
  histBtn.addEventListener('click', async () => {
    if (histBtn.getAttribute('aria-expanded') === 'true') {
      clear(histBox); histBtn.setAttribute('aria-expanded', 'false'); return;
    }
    histBtn.setAttribute('aria-expanded', 'true');
    clear(histBox).appendChild(h('p', null, t('app.loading')));
    try {
      const data = await api('GET', `/resources/${r.id}/changes`);
      const items = data.items || [];
      clear(histBox);
      if (!items.length) { histBox.appendChild(h('p', { class: 'empty' }, t('detail.history_none'))); return; }
      histBox.appendChild(h('ol', { class: 'changes' }, items.map((c) => {
        const rows = diffRows(c.before, c.after);
        return h('li', null,
          h('p', null, h('strong', null, formatTimestamp(c.at)), `　${c.user_name || t('detail.unknown')}　`, h('span', { class: 'badge badge-info' }, actionName(c.action))),
          rows.length ? h('table', { class: 'diff' },
            h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('detail.col_field')), h('th', { scope: 'col' }, t('detail.col_before')), h('th', { scope: 'col' }, t('detail.col_after')))),
            h('tbody', null, rows.map((x) => h('tr', null, h('th', { scope: 'row' }, x.field), h('td', null, x.before), h('td', null, x.after)))))
            : null);
      })));
    } catch (e) { clear(histBox).appendChild(h('p', { class: 'error-summary', role: 'alert' }, e.message)); }
  });

  const mapEl = h('div', { id: 'detail-map' });
  main.append(
    h('p', { class: 'breadcrumb' }, h('a', { href: '#/search' }, `← ${t('nav.search')}`)),
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
