// views/search.js - さがす: free text + filters, results list with highlights and a map.
import { api, getMeta } from '../api.js';
import { h, clear, checkGroup, checkedValues, uid } from '../dom.js';
import { WEEKDAYS } from '../format.js';
import { createMap } from '../map.js';
import { navigate, setLeaveGuard } from '../router.js';
import { resultItem } from '../render.js';

const PAGE = 20;
// URL params kept in the hash; age is kept as years + months for the form.
const KEYS = ['q', 'type', 'area', 'age_y', 'age_m', 'day', 'open_now', 'free', 'services', 'access',
  'near', 'near_resource', 'near_name', 'radius_km', 'sort'];

export function areaOptions(areas, selected, emptyLabel = 'すべての地域') {
  const kids = new Map();
  for (const a of areas || []) {
    const p = a.parent_id || 0;
    if (!kids.has(p)) kids.set(p, []);
    kids.get(p).push(a);
  }
  const opts = [h('option', { value: '' }, emptyLabel)];
  const walk = (pid, depth) => {
    for (const a of kids.get(pid) || []) {
      opts.push(h('option', { value: String(a.id), selected: String(a.id) === String(selected) }, `${'　'.repeat(depth)}${a.name}`));
      walk(a.id, depth + 1);
    }
  };
  walk(0, 0);
  return opts;
}

export function toApiQuery(p) {
  const q = {};
  for (const k of ['q', 'type', 'area', 'day', 'services', 'access', 'near', 'near_resource', 'radius_km', 'sort']) {
    if (p.get(k)) q[k] = p.get(k);
  }
  if (p.get('open_now')) q.open_now = 1;
  if (p.get('free')) q.free = 1;
  const y = p.get('age_y'); const m = p.get('age_m');
  if ((y !== null && y !== '') || (m !== null && m !== '')) {
    q.age_months = (parseInt(y || '0', 10) || 0) * 12 + (parseInt(m || '0', 10) || 0);
  }
  return q;
}

export async function renderSearch(main, params) {
  clear(main);
  document.title = `さがす${params.get('q') ? `「${params.get('q')}」` : ''} - つなぐ`;
  setLeaveGuard(null);
  let meta;
  try { meta = await getMeta(); } catch (e) {
    main.appendChild(h('p', { class: 'error-summary', role: 'alert' }, e.message));
    return;
  }
  const get = (k) => params.get(k) || '';
  const selTypes = get('type').split(',').filter(Boolean);
  const selServices = get('services').split(',').filter(Boolean);
  const selAccess = get('access').split(',').filter(Boolean);

  const q = h('input', { type: 'search', id: 's-q', name: 'q', value: get('q'), enterkeyhint: 'search' });
  const area = h('select', { id: 's-area', name: 'area' }, areaOptions(meta.areas, get('area')));
  const ageY = h('input', { type: 'number', id: 's-age-y', name: 'age_y', min: 0, max: 18, inputmode: 'numeric', value: get('age_y'), class: 'short' });
  const ageM = h('input', { type: 'number', id: 's-age-m', name: 'age_m', min: 0, max: 11, inputmode: 'numeric', value: get('age_m'), class: 'short' });
  const day = h('select', { id: 's-day', name: 'day' },
    h('option', { value: '' }, '指定なし'),
    [1, 2, 3, 4, 5, 6, 0, 7].map((d) => h('option', { value: String(d), selected: get('day') === String(d) }, d === 7 ? '祝日' : `${WEEKDAYS[d]}曜日`)));
  const openNow = h('input', { type: 'checkbox', id: 's-open', name: 'open_now', checked: !!get('open_now') });
  const free = h('input', { type: 'checkbox', id: 's-free', name: 'free', checked: !!get('free') });
  const origin = h('select', { id: 's-origin', name: 'origin' },
    h('option', { value: '' }, '指定なし'),
    h('option', { value: 'here', selected: !!get('near') }, '現在地から'),
    get('near_resource') ? h('option', { value: 'resource', selected: true }, `「${get('near_name') || `#${get('near_resource')}`}」から`) : null);
  const radius = h('select', { id: 's-radius', name: 'radius_km' },
    h('option', { value: '' }, '制限なし'),
    ['1', '2', '3', '5', '10'].map((v) => h('option', { value: v, selected: get('radius_km') === v }, `${v} km 以内`)));
  const sort = h('select', { id: 's-sort', name: 'sort' },
    h('option', { value: '' }, 'おすすめ順'),
    h('option', { value: 'relevance', selected: get('sort') === 'relevance' }, '一致する順'),
    h('option', { value: 'distance', selected: get('sort') === 'distance' }, '近い順'),
    h('option', { value: 'name', selected: get('sort') === 'name' }, '名前順'));
  const geoMsg = h('p', { class: 'hint', 'aria-live': 'polite' });

  const filterCount = ['type', 'area', 'age_y', 'age_m', 'day', 'open_now', 'free', 'services', 'access', 'near', 'near_resource', 'radius_km']
    .filter((k) => get(k)).length;
  // Open before the first search on wide screens; afterwards the results come first
  // and the summary says how many conditions are set.
  const details = h('details', { class: 'filters', open: Array.from(params.keys()).length === 0 && window.innerWidth >= 900 },
    h('summary', null, `条件をしぼる${filterCount ? `（${filterCount}件 指定中）` : ''}`),
    h('div', { class: 'filter-grid' },
      checkGroup('種別', 'type', meta.types.map((t) => ({ value: t.code, label: t.name_ja, checked: selTypes.includes(t.code) }))),
      h('div', { class: 'field' }, h('label', { for: 's-area' }, '地域'), area),
      h('fieldset', null, h('legend', null, '子どもの年齢'),
        h('div', { class: 'inline' },
          ageY, h('label', { for: 's-age-y' }, '歳'), ageM, h('label', { for: 's-age-m' }, 'か月'))),
      h('fieldset', null, h('legend', null, '開いている日'),
        h('div', { class: 'field' }, h('label', { for: 's-day' }, '曜日'), day),
        h('div', { class: 'check' }, openNow, h('label', { for: 's-open' }, '今開いている'))),
      h('fieldset', null, h('legend', null, '料金'),
        h('div', { class: 'check' }, free, h('label', { for: 's-free' }, '無料のみ'))),
      checkGroup('サービス', 'services', meta.tags.filter((t) => t.kind === 'service').map((t) => ({ value: t.code, label: t.name_ja, checked: selServices.includes(t.code) }))),
      checkGroup('バリアフリー', 'access', meta.tags.filter((t) => t.kind === 'access').map((t) => ({ value: t.code, label: t.name_ja, checked: selAccess.includes(t.code) }))),
      h('fieldset', null, h('legend', null, '距離'),
        h('div', { class: 'field' }, h('label', { for: 's-origin' }, '基準の場所'), origin),
        h('div', { class: 'field' }, h('label', { for: 's-radius' }, '範囲'), radius),
        geoMsg),
      h('div', { class: 'field' }, h('label', { for: 's-sort' }, '並び順'), sort),
    ));

  const form = h('form', { class: 'search-form', role: 'search', 'aria-label': '場所の検索' },
    h('div', { class: 'field' }, h('label', { for: 's-q' }, 'キーワード（名前・説明・住所など）'),
      h('div', { class: 'inline' }, q, h('button', { type: 'submit', class: 'btn btn-primary' }, 'さがす'))),
    details,
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary' }, 'この条件でさがす'),
      h('a', { href: '#/search', class: 'btn' }, '条件をすべてはずす')));

  let nearValue = get('near');
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const p = new URLSearchParams();
    if (q.value.trim()) p.set('q', q.value.trim());
    const t = checkedValues(form, 'type'); if (t.length) p.set('type', t.join(','));
    if (area.value) p.set('area', area.value);
    if (ageY.value !== '') p.set('age_y', ageY.value);
    if (ageM.value !== '') p.set('age_m', ageM.value);
    if (day.value) p.set('day', day.value);
    if (openNow.checked) p.set('open_now', '1');
    if (free.checked) p.set('free', '1');
    const s = checkedValues(form, 'services'); if (s.length) p.set('services', s.join(','));
    const a = checkedValues(form, 'access'); if (a.length) p.set('access', a.join(','));
    if (origin.value === 'here') {
      if (!nearValue) {
        try {
          nearValue = await currentPosition();
        } catch (ex) {
          geoMsg.textContent = '現在地を取得できませんでした。端末の位置情報の設定を確認するか、「基準の場所」を「指定なし」にしてください。';
          origin.focus();
          return;
        }
      }
      p.set('near', nearValue);
    } else if (origin.value === 'resource') {
      p.set('near_resource', get('near_resource'));
      if (get('near_name')) p.set('near_name', get('near_name'));
    }
    if (origin.value && radius.value) p.set('radius_km', radius.value);
    if (sort.value) p.set('sort', sort.value);
    navigate(`#/search?${p.toString()}`);
  });
  origin.addEventListener('change', () => { if (origin.value !== 'here') nearValue = ''; });

  const status = h('p', { class: 'result-count', role: 'status', 'aria-live': 'polite' }, '検索中…');
  const list = h('ol', { class: 'results', 'aria-label': '検索結果' });
  const more = h('button', { type: 'button', class: 'btn', hidden: true }, 'もっと見る');
  const mapEl = h('div', { id: 'search-map' });
  main.append(
    h('h1', null, 'さがす'),
    form,
    h('div', { class: 'results-layout' },
      h('section', { class: 'results-col', 'aria-labelledby': 'res-h' },
        h('h2', { id: 'res-h' }, '検索結果'), status, list, more),
      h('section', { class: 'map-col', 'aria-label': '地図' }, mapEl)));

  const mapApi = await createMap(mapEl, { label: '検索結果の地図' });
  const apiQuery = toApiQuery(params);
  let offset = 0;
  let shown = [];
  const open = (r) => navigate(`#/r/${r.id}`);

  async function load() {
    more.disabled = true;
    try {
      const data = await api('GET', '/resources', { query: { ...apiQuery, limit: PAGE, offset } });
      const items = data.items || [];
      if (offset === 0 && !items.length) {
        status.textContent = '見つかりませんでした。';
        list.replaceWith(list);
        list.appendChild(h('li', { class: 'empty' },
          h('p', null, '条件に合う場所がありません。次のことを試してください：'),
          h('ul', null,
            h('li', null, 'ことばを短くする・ひらがなで入れる'),
            h('li', null, '条件（種別・曜日・年齢など）を減らす'),
            h('li', null, '地域や距離の範囲を広げる')),
          h('a', { href: '#/search', class: 'btn' }, '条件をすべてはずす')));
        mapApi.setMarkers([]);
        return;
      }
      for (const r of items) {
        list.appendChild(resultItem(r, { href: `#/r/${r.id}`, staff: true, onFocus: (x) => mapApi.focus(x.id) }));
      }
      shown = shown.concat(items);
      offset += items.length;
      status.textContent = `${data.total}件見つかりました${data.total > shown.length ? `（${shown.length}件を表示）` : ''}。`;
      more.hidden = offset >= data.total;
      mapApi.setMarkers(shown, open);
    } catch (e) {
      status.textContent = `${e.message}`;
      status.classList.add('error-text');
    } finally {
      more.disabled = false;
    }
  }
  more.addEventListener('click', load);
  await load();
  return () => mapApi.destroy();
}

export function currentPosition() {
  return new Promise((resolve, reject) => {
    if (!navigator.geolocation) { reject(new Error('no geolocation')); return; }
    navigator.geolocation.getCurrentPosition(
      (pos) => resolve(`${pos.coords.latitude.toFixed(5)},${pos.coords.longitude.toFixed(5)}`),
      reject, { timeout: 10000, maximumAge: 60000 });
  });
}

export { KEYS, uid };
