// public.js - the public page for families (no login): さがす + details.
import { api, getMeta, mountTenantName } from './api.js';
import { h, clear, onMore } from './dom.js';
import { applyStatic, countText, metaName, mountLangSwitch, onLangChange, t } from './i18n.js';
import { createMap, currentPosition, loadLeaflet } from './map.js';
import { route, fallback, start, navigate, reload, backToList, listShown } from './router.js';
import { publicTypeName, resultItem, resourceBody } from './render.js';

const main = document.getElementById('main');
const PUBLIC_PAGE = 20;
let cleanup = null;
// A new view starts at the top; coming back to a list, router.js restores its scroll
// position and puts focus on the place that was opened once the list is drawn again.
function reset() {
  if (cleanup) { try { cleanup(); } catch (e) { /* ignore */ } cleanup = null; }
  clear(main);
  window.scrollTo(0, 0);
}

// Each navigation renders into main; one that is overtaken by a newer one
// (a slow answer, the user already elsewhere) stops instead of adding its view.
let pageSeq = 0;

/** The API query of the public search form's hash parameters. */
function searchQuery(get) {
  const query = { limit: PUBLIC_PAGE };
  if (get('q')) query.q = get('q');
  if (get('type')) query.type = get('type');
  if (get('age_y') || get('age_m')) query.age_months = (parseInt(get('age_y') || '0', 10) || 0) * 12 + (parseInt(get('age_m') || '0', 10) || 0);
  // Open at some time today in Tokyo, with national holidays and dated closures (年末年始)
  // applied by the server; a weekday number alone would list places closed today.
  if (get('today')) query.open_today = 1;
  if (get('free')) query.free = 1;
  if (get('near')) { query.near = get('near'); query.sort = 'distance'; }
  return query;
}

// A refused search (4xx) is something to change, not to wait for: say what, in plain words.
const FIELD_ERRORS = { q: 'pub.err_q', age_months: 'pub.err_age', near: 'pub.err_near' };
function loadErrorText(e) {
  if (!e || !(e.status >= 400 && e.status < 500) || e.status === 429) return t('pub.load_error');
  if (FIELD_ERRORS[e.field]) return t(FIELD_ERRORS[e.field]);
  return t('pub.err_other', { msg: e.message || t('err.400') });
}

async function searchPage(params) {
  reset();
  const seq = ++pageSeq;
  document.title = t('pub.title');
  const get = (k) => params.get(k) || '';
  const query = searchQuery(get);
  // Back at a list that showed more than a page (もっと見る): as many places again, so the
  // one that was opened is there (router.js puts focus on it).
  const want = listShown();
  // The first page is asked for at once, alongside /meta (which the form and the map
  // need): on a slow phone line every request in a chain costs a round trip.
  const firstPage = api('GET', '/resources', { query: { ...query, offset: 0, limit: Math.min(100, Math.max(PUBLIC_PAGE, want)) } });
  firstPage.catch(() => {}); // handled in load(); not an unhandled rejection meanwhile
  loadLeaflet(); // the map's script and styles come alongside, and after, the places
  let meta = { types: [] };
  try { meta = await getMeta(); } catch (e) { /* search still works */ }
  if (seq !== pageSeq) return;
  const q = h('input', { type: 'search', id: 'p-q', name: 'q', value: get('q'), enterkeyhint: 'search' });
  const type = h('select', { id: 'p-type', name: 'type' }, h('option', { value: '' }, t('pub.type_all')),
    meta.types.map((x) => h('option', { value: x.code, selected: get('type') === x.code }, publicTypeName(x.code, metaName(x)))));
  const ageY = h('input', { type: 'number', id: 'p-age-y', name: 'age_y', min: 0, max: 18, inputmode: 'numeric', class: 'short', value: get('age_y') });
  const ageM = h('input', { type: 'number', id: 'p-age-m', name: 'age_m', min: 0, max: 11, inputmode: 'numeric', class: 'short', value: get('age_m') });
  const today = h('input', { type: 'checkbox', id: 'p-today', checked: !!get('today') });
  const near = h('input', { type: 'checkbox', id: 'p-near', checked: !!get('near') });
  const free = h('input', { type: 'checkbox', id: 'p-free', checked: !!get('free') });
  const msg = h('p', { class: 'hint', 'aria-live': 'polite' });
  const qError = h('p', { class: 'field-error', id: 'p-q-error', hidden: true });
  const ageError = h('p', { class: 'field-error', id: 'p-age-error', hidden: true });
  // novalidate: the browser's own bubble would speak the browser's language and words;
  // the age is checked here and said next to the field in plain words (pub.err_age).
  const form = h('form', { class: 'search-form card', role: 'search', 'aria-label': t('pub.form_label'), novalidate: true },
    h('div', { class: 'field' }, h('label', { for: 'p-q' }, t('pub.q')),
      h('p', { class: 'hint', id: 'p-q-hint' }, t('pub.q_hint')), q, qError),
    h('fieldset', null, h('legend', null, t('pub.age')),
      h('div', { class: 'inline' }, ageY, h('label', { for: 'p-age-y' }, t('pub.age_y')), ageM, h('label', { for: 'p-age-m' }, t('pub.age_m'))),
      ageError),
    h('div', { class: 'field' }, h('label', { for: 'p-type' }, t('pub.type')), type),
    h('div', { class: 'check' }, today, h('label', { for: 'p-today' }, t('pub.today'))),
    h('div', { class: 'check' }, free, h('label', { for: 'p-free' }, t('pub.free'))),
    h('div', { class: 'check' }, near, h('label', { for: 'p-near' }, t('pub.near'))),
    msg,
    h('button', { type: 'submit', class: 'btn btn-primary btn-wide' }, t('pub.submit')));
  q.setAttribute('aria-describedby', 'p-q-hint');
  // The child's age: whole numbers 0–18 さい and 0–11 か月 (the server's range), else the
  // message next to the fields, the first wrong one marked and focused; nothing is searched.
  const ageOk = (input, max) => {
    const v = input.value.trim();
    if (input.validity && input.validity.badInput) return false; // "1e" and the like: value is ''
    return v === '' || (/^\d+$/.test(v) && +v <= max);
  };
  function checkAge() {
    const bad = [[ageY, 18], [ageM, 11]].filter(([input, max]) => !ageOk(input, max)).map(([input]) => input);
    for (const input of [ageY, ageM]) {
      if (bad.includes(input)) {
        input.setAttribute('aria-invalid', 'true');
        input.setAttribute('aria-describedby', 'p-age-error');
      } else {
        input.removeAttribute('aria-invalid');
        input.removeAttribute('aria-describedby');
      }
    }
    ageError.textContent = bad.length ? t('pub.err_age') : '';
    ageError.hidden = !bad.length;
    return bad[0] || null;
  }
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const badAge = checkAge();
    if (badAge) { badAge.focus(); return; }
    const p = new URLSearchParams();
    if (q.value.trim()) p.set('q', q.value.trim());
    if (type.value) p.set('type', type.value);
    if (ageY.value !== '') p.set('age_y', ageY.value);
    if (ageM.value !== '') p.set('age_m', ageM.value);
    if (today.checked) p.set('today', '1');
    if (free.checked) p.set('free', '1');
    if (near.checked) {
      try { p.set('near', get('near') || await currentPosition()); } catch (ex) {
        msg.textContent = t('pub.geo_error');
        return;
      }
    }
    navigate(`#/?${p.toString()}`);
  });

  const status = h('p', { class: 'result-count', role: 'status', 'aria-live': 'polite' }, t('pub.searching'));
  const list = h('ol', { class: 'results', 'aria-label': t('pub.results') });
  const more = h('button', { type: 'button', class: 'btn btn-wide', hidden: true }, t('pub.more'));
  const mapEl = h('div', { id: 'public-map' });
  main.append(
    h('h1', null, t('pub.h1')),
    h('p', { class: 'lead' }, t('pub.lead')),
    form,
    h('div', { class: 'results-layout' },
      h('section', { class: 'results-col', 'aria-labelledby': 'pr-h' }, h('h2', { id: 'pr-h' }, t('pub.results')), status, list, more),
      h('section', { class: 'map-col', 'aria-label': t('map.label') }, mapEl)));
  // The list first, then the map (on a slow line Leaflet may still be on its way).
  let mapApi = { setMarkers() {}, focus() {}, destroy() {} };

  // A page at a time: a phone on a slow line gets the first places quickly,
  // and "もっと見る" adds the next ones (the map shows every place listed).
  let shown = [];
  const open = (r) => navigate(`#/r/${r.id}`);
  function showError(e) {
    const text = loadErrorText(e);
    status.textContent = text;
    status.classList.add('error-text');
    const input = e && e.status >= 400 && e.status < 500 ? { q, age_months: ageY }[e.field] : null;
    if (input && !shown.length) {
      const box = input === q ? qError : ageError;
      box.textContent = text;
      box.hidden = false;
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', input === q ? 'p-q-hint p-q-error' : 'p-age-error');
    }
    if (!shown.length) {
      list.appendChild(h('li', { class: 'empty' }, h('a', { href: '#/', class: 'btn' }, t('pub.reset'))));
    }
  }
  async function load(pending) {
    more.disabled = true;
    try {
      const data = await (pending || api('GET', '/resources', { query: { ...query, offset: shown.length } }));
      if (seq !== pageSeq) return;
      const items = data.items || [];
      if (!shown.length && !items.length) {
        status.textContent = t('pub.none');
        list.appendChild(h('li', { class: 'empty' },
          h('p', null, t('pub.none_hint')),
          h('a', { href: '#/', class: 'btn' }, t('pub.reset'))));
        more.hidden = true;
        mapApi.setMarkers([], open);
        return;
      }
      items.forEach((r) => list.appendChild(resultItem(r, { href: `#/r/${r.id}`, publicMode: true, meta, onFocus: (x) => mapApi.focus(x.id) })));
      shown = shown.concat(items);
      status.classList.remove('error-text');
      status.textContent = data.total > shown.length
        ? t('pub.found_shown', { n: countText(data), shown: shown.length }) : t('pub.found', { n: countText(data) });
      more.hidden = !items.length || shown.length >= data.total;
      mapApi.setMarkers(shown, open);
    } catch (e) {
      if (seq === pageSeq) showError(e);
    } finally {
      more.disabled = false;
    }
  }
  onMore(more, list, () => load());
  await load(firstPage);
  // More than 100 places were shown before (many もっと見る): the rest, a page at a time.
  for (let n = -1; seq === pageSeq && !more.hidden && shown.length < want && shown.length > n;) {
    n = shown.length;
    await load(); // (an error leaves shown as it was: the loop ends)
  }
  if (seq !== pageSeq) return;
  const m = await createMap(mapEl, { label: t('pub.map_label'), publicPage: true });
  if (seq !== pageSeq) { m.destroy(); return; }
  mapApi = m;
  cleanup = () => m.destroy();
  m.setMarkers(shown, open);
}

/** 「← さがす画面にもどる」: to the search the family came from (words, conditions, the
 *  places shown), by going Back when the page was opened from it; else the plain search. */
function backLink(text) {
  const { href, onClick } = backToList('/', '#/');
  const a = h('a', { href }, text);
  a.addEventListener('click', onClick);
  return a;
}

async function detailPage(id) {
  reset();
  const seq = ++pageSeq;
  let r; let meta;
  try {
    const pending = Promise.all([api('GET', `/resources/${encodeURIComponent(id)}`), getMeta()]);
    loadLeaflet();
    [r, meta] = await pending;
  } catch (e) {
    if (seq !== pageSeq) return;
    const gone = e.status === 404;
    main.append(h('h1', null, t(gone ? 'pub.detail_none' : 'pub.detail_error')), h('p', null, t(gone ? 'pub.detail_none_text' : 'pub.load_error')),
      h('p', null, backLink(t('pub.back'))));
    return;
  }
  if (seq !== pageSeq) return;
  document.title = t('title.page', { page: r.name });
  const mapEl = h('div', { id: 'public-detail-map' });
  main.append(
    h('p', { class: 'breadcrumb' }, backLink(`← ${t('pub.back')}`)),
    h('h1', null, r.name),
    h('div', { class: 'detail-layout' },
      resourceBody(r, meta, { publicMode: true }),
      r.location ? h('section', { class: 'map-col', 'aria-label': t('map.label') }, mapEl) : null));
  if (r.location) {
    const m = await createMap(mapEl, { label: t('map.of', { name: r.name }), publicPage: true });
    if (seq !== pageSeq) { m.destroy(); return; }
    m.setMarkers([r]);
    cleanup = () => m.destroy();
  }
}

route('/', (a, p) => searchPage(p), { list: true });
route('/r/:id', (a) => detailPage(a.id));
fallback(() => navigate('#/'));
applyStatic();
mountTenantName(document.getElementById('tenant'));
mountLangSwitch(document.getElementById('lang'));
onLangChange(() => reload());
document.getElementById('skip').addEventListener('click', (e) => { e.preventDefault(); main.focus(); });
start();
