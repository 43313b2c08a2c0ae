// views/search.js - さがす: free text + filters, results list with highlights and a map.
import { api, getMeta } from '../api.js';
import { h, clear, checkGroup, checkedValues, onMore, uid } from '../dom.js';
import { weekdayName } from '../format.js';
import { countText, metaName, t } from '../i18n.js';
import { createMap, currentPosition } from '../map.js';
import { listShown, navigate, setLeaveGuard } from '../router.js';
import { resultItem } from '../render.js';

const PAGE = 20;
// URL params kept in the hash; age is kept as years + months for the form.
const KEYS = ['q', 'type', 'area', 'age_y', 'age_m', 'day', 'open_now', 'free', 'services', 'access',
  'near', 'near_resource', 'near_name', 'radius_km', 'sort'];

export function areaOptions(areas, selected, emptyLabel = t('search.area_all')) {
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
  document.title = t('title.page', { page: params.get('q') ? t('search.title_q', { q: params.get('q') }) : t('nav.search') });
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
    h('option', { value: '' }, t('search.unset')),
    [1, 2, 3, 4, 5, 6, 0, 7].map((d) => h('option', { value: String(d), selected: get('day') === String(d) }, weekdayName(d))));
  const openNow = h('input', { type: 'checkbox', id: 's-open', name: 'open_now', checked: !!get('open_now') });
  const free = h('input', { type: 'checkbox', id: 's-free', name: 'free', checked: !!get('free') });
  const origin = h('select', { id: 's-origin', name: 'origin' },
    h('option', { value: '' }, t('search.unset')),
    h('option', { value: 'here', selected: !!get('near') }, t('search.from_here')),
    get('near_resource') ? h('option', { value: 'resource', selected: true }, t('search.from_place', { name: get('near_name') || `#${get('near_resource')}` })) : null);
  const radius = h('select', { id: 's-radius', name: 'radius_km' },
    h('option', { value: '' }, t('search.no_limit')),
    ['1', '2', '3', '5', '10'].map((v) => h('option', { value: v, selected: get('radius_km') === v }, t('search.within', { v }))));
  const sort = h('select', { id: 's-sort', name: 'sort' },
    h('option', { value: '' }, t('search.sort_default')),
    h('option', { value: 'relevance', selected: get('sort') === 'relevance' }, t('search.sort_relevance')),
    h('option', { value: 'distance', selected: get('sort') === 'distance' }, t('search.sort_distance')),
    h('option', { value: 'name', selected: get('sort') === 'name' }, t('search.sort_name')));
  // The age is checked here, not by the browser (its bubble speaks the browser's language):
  // whole numbers, 0–18 years and 0–11 months; the message sits under the two fields.
  const ageMsg = h('p', { class: 'field-error', id: 's-age-msg', 'aria-live': 'polite' });
  const ageBad = (y, m) => [[y, 18], [m, 11]].some(([v, max]) => v !== '' && !(/^\d+$/.test(v) && Number(v) <= max));
  function ageProblem(y, m) {
    ageMsg.textContent = `⚠ ${t('search.err_age')}`;
    ageY.setAttribute('aria-invalid', String(ageBad(y, '')));
    ageM.setAttribute('aria-invalid', String(ageBad('', m)));
    for (const el of [ageY, ageM]) el.setAttribute('aria-describedby', 's-age-msg');
  }
  function ageOk() {
    ageMsg.textContent = '';
    for (const el of [ageY, ageM]) { el.removeAttribute('aria-invalid'); el.removeAttribute('aria-describedby'); }
  }
  const geoMsg = h('p', { class: 'hint', id: 's-origin-msg', 'aria-live': 'polite' });
  // A problem with the distance settings is said next to 基準の場所, which gets focus;
  // the form keeps every choice (nothing is navigated or dropped).
  function originProblem(key) {
    geoMsg.textContent = t(key);
    geoMsg.className = 'field-error';
    origin.setAttribute('aria-invalid', 'true');
    origin.setAttribute('aria-describedby', 's-origin-msg');
  }
  function originOk() {
    geoMsg.textContent = '';
    geoMsg.className = 'hint';
    origin.removeAttribute('aria-invalid');
    origin.removeAttribute('aria-describedby');
  }
  // Sorting by distance and a radius both need an origin (the API refuses them without one).
  const originMissing = (o, s, r) => (!o && (s === 'distance' || r)
    ? (s === 'distance' ? 'search.need_origin_sort' : 'search.need_origin_radius') : null);

  const filterCount = ['type', 'area', 'age_y', 'age_m', 'day', 'open_now', 'free', 'services', 'access', 'near', 'near_resource', 'radius_km']
    .filter((k) => get(k)).length;
  // Open before the first search on wide screens; afterwards the results come first
  // and the summary says how many conditions are set.
  const details = h('details', { class: 'filters', open: Array.from(params.keys()).length === 0 && window.innerWidth >= 900 },
    h('summary', null, filterCount ? t('search.filters_n', { n: filterCount }) : t('search.filters')),
    h('div', { class: 'filter-grid' },
      checkGroup(t('res.type'), 'type', meta.types.map((x) => ({ value: x.code, label: metaName(x), checked: selTypes.includes(x.code) }))),
      h('div', { class: 'field' }, h('label', { for: 's-area' }, t('res.area')), area),
      h('fieldset', null, h('legend', null, t('search.age')),
        h('div', { class: 'inline' },
          ageY, h('label', { for: 's-age-y' }, t('search.age_y')), ageM, h('label', { for: 's-age-m' }, t('search.age_m'))),
        ageMsg),
      h('fieldset', null, h('legend', null, t('search.open_days')),
        h('div', { class: 'field' }, h('label', { for: 's-day' }, t('hours.day')), day),
        h('div', { class: 'check' }, openNow, h('label', { for: 's-open' }, t('search.open_now')))),
      h('fieldset', null, h('legend', null, t('res.fee_public')),
        h('div', { class: 'check' }, free, h('label', { for: 's-free' }, t('search.free')))),
      checkGroup(t('res.services'), 'services', meta.tags.filter((x) => x.kind === 'service').map((x) => ({ value: x.code, label: metaName(x), checked: selServices.includes(x.code) }))),
      checkGroup(t('res.access'), 'access', meta.tags.filter((x) => x.kind === 'access').map((x) => ({ value: x.code, label: metaName(x), checked: selAccess.includes(x.code) }))),
      h('fieldset', null, h('legend', null, t('search.distance')),
        h('div', { class: 'field' }, h('label', { for: 's-origin' }, t('search.origin')), origin),
        h('div', { class: 'field' }, h('label', { for: 's-radius' }, t('search.radius')), radius),
        geoMsg),
      h('div', { class: 'field' }, h('label', { for: 's-sort' }, t('search.sort')), sort),
    ));

  const form = h('form', { class: 'search-form', role: 'search', 'aria-label': t('search.form_label'), novalidate: true },
    h('div', { class: 'field' }, h('label', { for: 's-q' }, t('search.q')),
      h('div', { class: 'inline' }, q, h('button', { type: 'submit', class: 'btn btn-primary' }, t('nav.search')))),
    details,
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary' }, t('search.apply')),
      h('a', { href: '#/search', class: 'btn' }, t('search.clear'))));

  let nearValue = get('near');
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const p = new URLSearchParams();
    if (q.value.trim()) p.set('q', q.value.trim());
    const ty = checkedValues(form, 'type'); if (ty.length) p.set('type', ty.join(','));
    if (area.value) p.set('area', area.value);
    // A number input holding text that is not a number has value '' but is not empty.
    const ay = ageY.validity.badInput ? 'x' : ageY.value.trim();
    const am = ageM.validity.badInput ? 'x' : ageM.value.trim();
    if (ageBad(ay, am)) {
      ageProblem(ay, am);
      details.open = true;
      (ageBad(ay, '') ? ageY : ageM).focus();
      return;
    }
    ageOk();
    if (ay !== '') p.set('age_y', ay);
    if (am !== '') p.set('age_m', am);
    if (day.value) p.set('day', day.value);
    if (openNow.checked) p.set('open_now', '1');
    if (free.checked) p.set('free', '1');
    const s = checkedValues(form, 'services'); if (s.length) p.set('services', s.join(','));
    const a = checkedValues(form, 'access'); if (a.length) p.set('access', a.join(','));
    const missing = originMissing(origin.value, sort.value, radius.value);
    if (missing) {
      originProblem(missing);
      details.open = true;
      origin.focus();
      return;
    }
    if (origin.value === 'here') {
      if (!nearValue) {
        try {
          nearValue = await currentPosition();
        } catch (ex) {
          originProblem('search.geo_error');
          details.open = true;
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
  origin.addEventListener('change', () => { if (origin.value !== 'here') nearValue = ''; originOk(); });

  const status = h('p', { class: 'result-count', role: 'status', 'aria-live': 'polite' }, t('search.searching'));
  const list = h('ol', { class: 'results', 'aria-label': t('search.results') });
  const more = h('button', { type: 'button', class: 'btn', hidden: true }, t('search.more'));
  const mapEl = h('div', { id: 'search-map' });
  main.append(
    h('h1', null, t('nav.search')),
    form,
    h('div', { class: 'results-layout' },
      h('section', { class: 'results-col', 'aria-labelledby': 'res-h' },
        h('h2', { id: 'res-h' }, t('search.results')), status, list, more),
      h('section', { class: 'map-col', 'aria-label': t('map.label') }, mapEl)));

  const mapApi = await createMap(mapEl, { label: t('search.map_label') });
  const apiQuery = toApiQuery(params);
  // A link or bookmark asking for distance without an origin: say so instead of searching.
  // A link or bookmark with an age out of range: the same message, no search.
  if (ageBad(get('age_y'), get('age_m'))) {
    ageProblem(get('age_y'), get('age_m'));
    details.open = true;
    status.textContent = t('search.err_age');
    status.classList.add('error-text');
    return () => mapApi.destroy();
  }
  const missing = originMissing(get('near') || get('near_resource'), get('sort'), get('radius_km'));
  if (missing) {
    originProblem(missing);
    details.open = true;
    status.textContent = t(missing);
    status.classList.add('error-text');
    return () => mapApi.destroy();
  }
  let offset = 0;
  let shown = [];
  const open = (r) => navigate(`#/r/${r.id}`);

  // Coming back to this list: as many results as were shown, so the opened one is there
  // again (router.js puts focus on it): the first request asks for up to 100 of them, the
  // rest follow 100 at a time.
  const want = Math.max(PAGE, listShown());
  async function load(limit = PAGE) {
    more.disabled = true;
    try {
      const data = await api('GET', '/resources', { query: { ...apiQuery, limit, offset } });
      const items = data.items || [];
      if (offset === 0 && !items.length) {
        status.textContent = t('pub.none');
        list.replaceWith(list);
        list.appendChild(h('li', { class: 'empty' },
          h('p', null, t('search.none')),
          h('ul', null,
            h('li', null, t('search.none_1')),
            h('li', null, t('search.none_2')),
            h('li', null, t('search.none_3'))),
          h('a', { href: '#/search', class: 'btn' }, t('search.clear'))));
        mapApi.setMarkers([]);
        return;
      }
      for (const r of items) {
        list.appendChild(resultItem(r, { href: `#/r/${r.id}`, staff: true, meta, onFocus: (x) => mapApi.focus(x.id) }));
      }
      shown = shown.concat(items);
      offset += items.length;
      status.textContent = data.total > shown.length ? t('search.found_shown', { n: countText(data), shown: shown.length }) : t('search.found', { n: countText(data) });
      more.hidden = offset >= data.total;
      mapApi.setMarkers(shown, open);
    } catch (e) {
      status.textContent = `${e.message}`;
      status.classList.add('error-text');
    } finally {
      more.disabled = false;
    }
  }
  onMore(more, list, () => load());
  await load(Math.min(100, want));
  // (stops when the user has left this list meanwhile)
  for (let n = -1; list.isConnected && !more.hidden && shown.length < want && shown.length > n;) {
    n = shown.length;
    await load(Math.min(100, want - shown.length)); // (an error leaves shown as it was: the loop ends)
  }
  return () => mapApi.destroy();
}

// currentPosition lives in map.js (the public page needs it without this module).
export { KEYS, uid, currentPosition };
