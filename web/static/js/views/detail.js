// views/detail.js - 詳細: one resource, staff actions, change history.
import { api, getMeta } from '../api.js';
import { h, clear, toast } from '../dom.js';
import { formatTimestamp } from '../format.js';
import { createMap } from '../map.js';
import { navigate, reload } from '../router.js';
import { resourceBody } from '../render.js';

const FIELD_NAMES = {
  name: '名称', name_kana: 'ふりがな', description: '説明', type: '種別', org_id: '運営団体', org: '運営団体',
  area_id: '地域', address: '所在地', location: '位置', phone: '電話', email: 'メール', url: 'ホームページ',
  ages: '対象年齢', fee: '利用料', capacity: '定員', services: 'サービス', access: 'バリアフリー',
  accessibility_notes: '設備などのメモ', hours: '開所時間', exceptions: '臨時の休み・変更', schedule_note: '時間のメモ',
  is_public: '公開', is_confidential: '所在地非公開', front_door: '問い合わせ先', verified_at: '最終確認日',
};
const ACTIONS = { create: '登録', update: '変更', delete: '削除', verify: '確認済み', import: '取り込み' };
const SKIP = new Set(['version', 'updated_at', 'created_at', 'id', 'uuid']);

function show(v) {
  if (v === null || v === undefined || v === '') return '（なし）';
  if (typeof v === 'boolean') return v ? 'はい' : 'いいえ';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export function diffRows(before, after) {
  const b = before || {}; const a = after || {};
  const keys = Array.from(new Set([...Object.keys(b), ...Object.keys(a)])).filter((k) => !SKIP.has(k));
  return keys.filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]))
    .map((k) => ({ field: FIELD_NAMES[k] || k, before: show(b[k]), after: show(a[k]) }));
}

export async function renderDetail(main, id) {
  clear(main);
  main.appendChild(h('p', null, '読み込み中…'));
  let r; let meta;
  try {
    [r, meta] = await Promise.all([api('GET', `/resources/${encodeURIComponent(id)}`), getMeta()]);
  } catch (e) {
    clear(main);
    main.append(h('h1', null, '詳細'), h('p', { class: 'error-summary', role: 'alert' }, e.message),
      h('p', null, h('a', { href: '#/search' }, 'さがす画面にもどる')));
    return;
  }
  clear(main);
  document.title = `${r.name} - つなぐ`;
  const actions = h('div', { class: 'actions' });
  if (r.can_edit) {
    const verifyBtn = h('button', { type: 'button', class: 'btn' }, '情報を確認済みにする');
    verifyBtn.addEventListener('click', async () => {
      verifyBtn.disabled = true;
      try {
        await api('POST', `/resources/${r.id}/verify`);
        toast('確認済みにしました。');
        reload();
      } catch (e) { toast(e.message); verifyBtn.disabled = false; }
    });
    const delBtn = h('button', { type: 'button', class: 'btn btn-danger' }, '削除');
    delBtn.addEventListener('click', async () => {
      if (!window.confirm(`「${r.name}」を削除します。元に戻せません。よろしいですか？`)) return;
      try {
        await api('DELETE', `/resources/${r.id}`);
        toast('削除しました。');
        navigate('#/search');
      } catch (e) { toast(e.message); }
    });
    actions.append(h('a', { href: `#/r/${r.id}/edit`, class: 'btn btn-primary' }, '編集'), verifyBtn, delBtn);
  }
  actions.append(h('a', { href: `#/search?near_resource=${r.id}&near_name=${encodeURIComponent(r.name)}&sort=distance`, class: 'btn' }, 'この場所の近くをさがす'));

  const histBox = h('div', { 'aria-live': 'polite' });
  const histBtn = h('button', { type: 'button', class: 'btn', 'aria-expanded': 'false' }, '変更履歴を見る');
  histBtn.addEventListener('click', async () => {
    if (histBtn.getAttribute('aria-expanded') === 'true') {
      clear(histBox); histBtn.setAttribute('aria-expanded', 'false'); return;
    }
    histBtn.setAttribute('aria-expanded', 'true');
    clear(histBox).appendChild(h('p', null, '読み込み中…'));
    try {
      const data = await api('GET', `/resources/${r.id}/changes`);
      const items = data.items || [];
      clear(histBox);
      if (!items.length) { histBox.appendChild(h('p', { class: 'empty' }, '変更履歴はまだありません。')); return; }
      histBox.appendChild(h('ol', { class: 'changes' }, items.map((c) => {
        const rows = diffRows(c.before, c.after);
        return h('li', null,
          h('p', null, h('strong', null, formatTimestamp(c.at)), `　${c.user_name || '（不明）'}　`, h('span', { class: 'badge badge-info' }, ACTIONS[c.action] || c.action)),
          rows.length ? h('table', { class: 'diff' },
            h('thead', null, h('tr', null, h('th', { scope: 'col' }, '項目'), h('th', { scope: 'col' }, '変更前'), h('th', { scope: 'col' }, '変更後'))),
            h('tbody', null, rows.map((x) => h('tr', null, h('th', { scope: 'row' }, x.field), h('td', null, x.before), h('td', null, x.after)))))
            : null);
      })));
    } catch (e) { clear(histBox).appendChild(h('p', { class: 'error-summary', role: 'alert' }, e.message)); }
  });

  const mapEl = h('div', { id: 'detail-map' });
  main.append(
    h('p', { class: 'breadcrumb' }, h('a', { href: '#/search' }, '← さがす')),
    h('h1', null, r.name, r.name_kana && r.name_kana !== r.name ? h('span', { class: 'kana' }, r.name_kana) : null),
    actions,
    h('div', { class: 'detail-layout' },
      resourceBody(r, meta, { staff: true }),
      r.location ? h('section', { class: 'map-col', 'aria-label': '地図' }, mapEl) : null),
    h('section', { class: 'card', 'aria-labelledby': 'hist-h' }, h('h2', { id: 'hist-h' }, '変更履歴'), histBtn, histBox),
  );
  if (r.location) {
    const m = await createMap(mapEl, { label: `${r.name}の地図` });
    m.setMarkers([r]);
    return () => m.destroy();
  }
  return null;
}
