// router.js - hash routing: '#/search?q=…' -> {path:'/search', params:URLSearchParams}.
// A view may register a leave guard (unsaved changes) which is asked first.
// After a view has rendered (its handler's promise settled), focus moves to the main
// heading (<h1>, made focusable with tabindex=-1), so keyboard and screen reader users
// learn where they are: on every navigation but the first page load, and on a re-render
// (reload(), a language switch) only when the focused element went away with the old view.
// Lists (routes made with { list: true }) are remembered per hash, in memory only: the
// scroll position, how many results were shown and the result that was opened. Coming
// back to the same hash (Back, the detail page's back link) restores the scroll position
// and puts focus on the link of the result that was opened, instead of the heading.
import { t } from './i18n.js';

const routes = [];
let notFound = null;
let guard = null;
let current = '';
let handling = false;
let seq = 0; // the latest dispatch; an older view that settles late moves no focus
let loaded = false; // the first dispatch (page load) has run
let currentIsList = false; // the view on screen is a list route
let previous = ''; // the hash dispatched before the current one
const lists = new Map(); // list hash -> { scrollY, shown, openId, focusId } (memory only)
const lastByPath = new Map(); // list path -> the last hash shown with that path

export function route(pattern, handler, { list = false } = {}) {
  // pattern like '/r/:id/edit'
  const keys = [];
  const re = new RegExp(`^${pattern.replace(/:(\w+)/g, (_, k) => { keys.push(k); return '([^/]+)'; })}$`);
  routes.push({ re, keys, handler, list });
}
export function fallback(handler) { notFound = handler; }

/** fn() returns true when there are unsaved changes. Cleared on every navigation. */
export function setLeaveGuard(fn) { guard = fn; }
export function confirmLeave() {
  if (guard && guard()) {
    return window.confirm(t('router.leave'));
  }
  return true;
}

export function parse(hash) {
  const h = (hash || '').replace(/^#/, '') || '/';
  const [path, qs] = h.split('?');
  return { path: path || '/', params: new URLSearchParams(qs || '') };
}

/** The hash of the last list shown with this path ('/search', '/'), or '' when none was
 *  shown since the page loaded (a detail opened from a bookmark). */
export function lastList(path) { return lastByPath.get(path) || ''; }

/** How many results the list of this hash showed when it was left (0 when unknown): a
 *  list view coming back to it loads as many, so the opened result is there again. */
export function listShown(hash = current) {
  const st = lists.get(hash);
  return st ? st.shown : 0;
}

/**
 * A link back to a list (「← さがす画面にもどる」): to the last search of that path with
 * its query, filters and paging, else to fallbackHash. When this page was opened from
 * that very list, the link goes Back in the history instead of adding an entry, so the
 * browser's Back and Forward stay as they were.
 */
export function backToList(path, fallbackHash) {
  const hash = lastList(path) || fallbackHash;
  const onClick = (e) => {
    if (e.button || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return; // a new tab
    const st = history.state;
    if (st && st.tgFrom === hash && location.hash === current) {
      e.preventDefault();
      history.back();
    }
  };
  return { href: hash, onClick };
}

/** Leaving a list: where the reader was (called before the next view renders). */
function rememberList(hash, next) {
  const main = document.getElementById('main');
  const st = { scrollY: window.scrollY, shown: 0, openId: null, focusId: null };
  if (main) st.shown = main.querySelectorAll('ol.results > li.result').length;
  const m = /^#\/r\/([^/?]+)$/.exec(next);
  const active = document.activeElement;
  const item = active && active.closest ? active.closest('li[data-id]') : null;
  if (m) st.openId = decodeURIComponent(m[1]);
  else if (item && main && main.contains(item)) st.openId = item.dataset.id;
  else if (active && active.id && main && main.contains(active)) st.focusId = active.id;
  lists.delete(hash);
  lists.set(hash, st);
  if (lists.size > 30) lists.delete(lists.keys().next().value);
}

export function navigate(hash) {
  if (location.hash === hash) dispatch(true);
  else location.hash = hash;
}

function dispatch(force) {
  if (handling) return;
  const hash = location.hash || '#/';
  if (!hash.startsWith('#/')) return; // in-page anchors
  if (!force && hash === current) return;
  if (current && guard && !confirmLeave()) {
    handling = true;
    history.replaceState(null, '', current);
    handling = false;
    return;
  }
  guard = null;
  if (current && hash !== current && currentIsList) rememberList(current, hash);
  if (hash !== current) previous = current;
  current = hash;
  // Each history entry knows the hash it was first opened from (backToList).
  if (!history.state || history.state.tgFrom === undefined) {
    try { history.replaceState({ ...(history.state || {}), tgFrom: previous }, ''); } catch (e) { /* ignore */ }
  }
  const { path, params } = parse(hash);
  const mine = ++seq;
  // A new page (not the page load, not a re-render of the same hash) takes focus to its heading.
  const newPage = loaded && !force;
  const pageLoad = !loaded;
  loaded = true;
  const r = routes.find((x) => x.re.test(path));
  currentIsList = !!(r && r.list);
  if (currentIsList) lastByPath.set(path, hash);
  // Coming back to a list left earlier: its scroll position and the opened result.
  const back = currentIsList && newPage ? lists.get(hash) : null;
  const after = (ret) => {
    if (pageLoad) return; // the page load leaves focus where the browser put it
    const done = () => (back ? restoreList(mine, back) : focusHeading(mine, newPage));
    if (ret && typeof ret.then === 'function') ret.then(done, done);
    else done();
  };
  if (r) {
    const m = r.re.exec(path);
    const args = {};
    r.keys.forEach((k, i) => { args[k] = decodeURIComponent(m[i + 1]); });
    after(r.handler(args, params));
    return;
  }
  if (notFound) after(notFound(path, params));
}

/** Back at a list: the scroll position as it was, focus on the link of the result that
 *  was opened (else the control that had focus), so the next Tab continues there. */
function restoreList(mine, st) {
  if (mine !== seq) return;
  const main = document.getElementById('main');
  if (!main) return;
  const active = document.activeElement;
  const lost = !active || active === document.body || !active.isConnected || active === main;
  if (!lost && main.contains(active)) return; // already working in the list
  let target = null;
  if (st.openId !== null) {
    const li = Array.from(main.querySelectorAll('li[data-id]')).find((x) => x.dataset.id === String(st.openId));
    target = li ? li.querySelector('a[href]')
      : Array.from(main.querySelectorAll('a[href]')).find((x) => x.getAttribute('href') === `#/r/${st.openId}`);
  }
  if (!target && st.focusId) target = document.getElementById(st.focusId);
  // Nothing to come back to (the result is gone, or not loaded again): the top and the
  // heading, never a scroll position far from the focus.
  if (!target || !main.contains(target)) { focusHeading(mine, true); return; }
  window.scrollTo(0, Math.min(st.scrollY, document.documentElement.scrollHeight));
  target.focus({ preventScroll: true });
  // The list may be shorter or laid out differently now: the link in view in any case.
  const box = target.getBoundingClientRect();
  if (box.bottom < 0 || box.top > window.innerHeight) target.scrollIntoView({ block: 'center' });
}

function focusHeading(mine, newPage) {
  if (mine !== seq) return;
  const main = document.getElementById('main');
  const h1 = main && main.querySelector('h1');
  if (!h1) return;
  const active = document.activeElement;
  const lost = !active || active === document.body || !active.isConnected;
  // Someone already working in the new view (typing, a link) keeps their place.
  const inView = !lost && main.contains(active) && active !== main;
  if (lost || (newPage && !inView)) {
    if (!h1.hasAttribute('tabindex')) h1.setAttribute('tabindex', '-1');
    h1.focus({ preventScroll: true });
  }
}

/** Start routing. focus: the first view follows a screen the user worked in (the login
 *  form, now gone), so its heading takes the focus as after a navigation; on a plain page
 *  load the browser's focus is left alone. */
export function start({ focus = false } = {}) {
  if (focus) loaded = true;
  // The views draw themselves after the hash changes: the browser's own restoring would
  // scroll an empty page; lists are restored by restoreList, other views start at the top.
  if ('scrollRestoration' in history) history.scrollRestoration = 'manual';
  window.addEventListener('hashchange', () => dispatch(false));
  window.addEventListener('beforeunload', (e) => {
    if (guard && guard()) { e.preventDefault(); e.returnValue = ''; }
  });
  dispatch(true);
}
export function reload() { dispatch(true); }
export function currentHash() { return current; }
