// public.js - the public page for families (no login): さがす + details.
import { api, getMeta } from './api.js';
import { h, clear } from './dom.js';
import { tokyoWeekday } from './format.js';
import { createMap } from './map.js';
import { route, fallback, start, navigate } from './router.js';
import { resultItem, resourceBody } from './render.js';
import { currentPosition } from './views/search.js';

const main = document.getElementById('main');
let cleanup = null;
function reset() {
  if (cleanup) { try { cleanup(); } catch (e) { /* ignore */ } cleanup = null; }
  clear(main);
  window.scrollTo(0, 0);
}

async function searchPage(params) {
  reset();
  document.title = 'つなぐ 子育ての場所さがし';
  let meta = { types: [] };
  try { meta = await getMeta(); } catch (e) { /* search still works */ }
  const get = (k) => params.get(k) || '';
  const q = h('input', { type: 'search', id: 'p-q', name: 'q', value: get('q'), enterkeyhint: 'search' });
  const type = h('select', { id: 'p-type', name: 'type' }, h('option', { value: '' }, 'すべて'),
    meta.types.map((t) => h('option', { value: t.code, selected: get('type') === t.code }, t.name_ja)));
  const ageY = h('input', { type: 'number', id: 'p-age-y', min: 0, max: 18, inputmode: 'numeric', class: 'short', value: get('age_y') });
  const ageM = h('input', { type: 'number', id: 'p-age-m', min: 0, max: 11, inputmode: 'numeric', class: 'short', value: get('age_m') });
  const today = h('input', { type: 'checkbox', id: 'p-today', checked: !!get('today') });
  const near = h('input', { type: 'checkbox', id: 'p-near', checked: !!get('near') });
  const free = h('input', { type: 'checkbox', id: 'p-free', checked: !!get('free') });
  const msg = h('p', { class: 'hint', 'aria-live': 'polite' });
  const form = h('form', { class: 'search-form card', role: 'search', 'aria-label': '場所をさがす' },
    h('div', { class: 'field' }, h('label', { for: 'p-q' }, 'なまえ・ことば'),
      h('p', { class: 'hint', id: 'p-q-hint' }, '例：ひろば、子ども食堂、〇〇町'), q),
    h('fieldset', null, h('legend', null, 'お子さんの年齢'),
      h('div', { class: 'inline' }, ageY, h('label', { for: 'p-age-y' }, 'さい'), ageM, h('label', { for: 'p-age-m' }, 'か月'))),
    h('div', { class: 'field' }, h('label', { for: 'p-type' }, '場所の種類'), type),
    h('div', { class: 'check' }, today, h('label', { for: 'p-today' }, '今日開いているところ')),
    h('div', { class: 'check' }, free, h('label', { for: 'p-free' }, '無料のところ')),
    h('div', { class: 'check' }, near, h('label', { for: 'p-near' }, '近い順にならべる（今いる場所を使います）')),
    msg,
    h('button', { type: 'submit', class: 'btn btn-primary btn-wide' }, 'さがす'));
  q.setAttribute('aria-describedby', 'p-q-hint');
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const p = new URLSearchParams();
    if (q.value.trim()) p.set('q', q.value.trim());
    if (type.value) p.set('type', type.value);
    if (ageY.value !== '') p.set('age_y', ageY.value);
    if (ageM.value !== '') p.set('age_m', ageM.value);
    if (today.checked) p.set('today', '1');
    if (free.checked) p.set('free', '1');
    if (near.checked) {
      try { p.set('near', get('near') || await currentPosition()); } catch (ex) {
        msg.textContent = '今いる場所がわかりませんでした。スマートフォンの位置情報の設定をたしかめてください。';
        return;
      }
    }
    navigate(`#/?${p.toString()}`);
  });

  const status = h('p', { class: 'result-count', role: 'status', 'aria-live': 'polite' }, 'さがしています…');
  const list = h('ol', { class: 'results', 'aria-label': 'さがした結果' });
  const mapEl = h('div', { id: 'public-map' });
  main.append(
    h('h1', null, '子育ての場所をさがす'),
    h('p', { class: 'lead' }, '近くの子育てひろばや、子どもといっしょに行ける場所をさがせます。'),
    form,
    h('div', { class: 'results-layout' },
      h('section', { class: 'results-col', 'aria-labelledby': 'pr-h' }, h('h2', { id: 'pr-h' }, 'さがした結果'), status, list),
      h('section', { class: 'map-col', 'aria-label': '地図' }, mapEl)));
  const mapApi = await createMap(mapEl, { label: 'さがした場所の地図' });
  cleanup = () => mapApi.destroy();

  const query = { limit: 50 };
  if (get('q')) query.q = get('q');
  if (get('type')) query.type = get('type');
  if (get('age_y') || get('age_m')) query.age_months = (parseInt(get('age_y') || '0', 10) || 0) * 12 + (parseInt(get('age_m') || '0', 10) || 0);
  if (get('today')) query.day = tokyoWeekday();
  if (get('free')) query.free = 1;
  if (get('near')) { query.near = get('near'); query.sort = 'distance'; }
  try {
    const data = await api('GET', '/resources', { query });
    const items = data.items || [];
    if (!items.length) {
      status.textContent = '見つかりませんでした。';
      list.appendChild(h('li', { class: 'empty' },
        h('p', null, 'ことばを短くしたり、チェックをはずしたりして、もう一度さがしてみてください。'),
        h('a', { href: '#/', class: 'btn' }, '条件をはずして さがす')));
    } else {
      status.textContent = `${data.total}か所 見つかりました。`;
      items.forEach((r) => list.appendChild(resultItem(r, { href: `#/r/${r.id}`, publicMode: true, onFocus: (x) => mapApi.focus(x.id) })));
    }
    mapApi.setMarkers(items, (r) => navigate(`#/r/${r.id}`));
  } catch (e) {
    status.textContent = 'うまく読みこめませんでした。時間をおいて、もう一度ためしてください。';
  }
}

async function detailPage(id) {
  reset();
  let r; let meta;
  try {
    [r, meta] = await Promise.all([api('GET', `/resources/${encodeURIComponent(id)}`), getMeta()]);
  } catch (e) {
    main.append(h('h1', null, '見つかりませんでした'), h('p', null, 'この場所の情報はありません。'),
      h('p', null, h('a', { href: '#/' }, 'さがす画面にもどる')));
    return;
  }
  document.title = `${r.name} - つなぐ`;
  const mapEl = h('div', { id: 'public-detail-map' });
  main.append(
    h('p', { class: 'breadcrumb' }, h('a', { href: '#/' }, '← さがす画面にもどる')),
    h('h1', null, r.name),
    h('div', { class: 'detail-layout' },
      resourceBody(r, meta, { publicMode: true }),
      r.location ? h('section', { class: 'map-col', 'aria-label': '地図' }, mapEl) : null));
  if (r.location) {
    const m = await createMap(mapEl, { label: `${r.name}の地図` });
    m.setMarkers([r]);
    cleanup = () => m.destroy();
  }
}

route('/', (a, p) => searchPage(p));
route('/r/:id', (a) => detailPage(a.id));
fallback(() => navigate('#/'));
document.getElementById('skip').addEventListener('click', (e) => { e.preventDefault(); main.focus(); });
start();
