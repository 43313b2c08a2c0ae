// router.js - hash routing: '#/search?q=…' -> {path:'/search', params:URLSearchParams}.
// A view may register a leave guard (unsaved changes) which is asked first.
// After a view has rendered (its handler's promise settled), focus moves to the main
// heading (<h1>, made focusable with tabindex=-1), so keyboard and screen reader users
// learn where they are: on every navigation but the first page load, and on a re-render
// (reload(), a language switch) only when the focused element went away with the old view.
import { t } from './i18n.js';

const routes = [];
let notFound = null;
let guard = null;
let current = '';
let handling = false;
let seq = 0; // the latest dispatch; an older view that settles late moves no focus
let loaded = false; // the first dispatch (page load) has run

export function route(pattern, handler) {
  // pattern like '/r/:id/edit'
  const keys = [];
  const re = new RegExp(`^${pattern.replace(/:(\w+)/g, (_, k) => { keys.push(k); return '([^/]+)'; })}$`);
  routes.push({ re, keys, handler });
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
  current = hash;
  const { path, params } = parse(hash);
  const mine = ++seq;
  // A new page (not the page load, not a re-render of the same hash) takes focus to its heading.
  const newPage = loaded && !force;
  const pageLoad = !loaded;
  loaded = true;
  const after = (ret) => {
    if (pageLoad) return; // the page load leaves focus where the browser put it
    if (ret && typeof ret.then === 'function') {
      ret.then(() => focusHeading(mine, newPage), () => focusHeading(mine, newPage));
    } else focusHeading(mine, newPage);
  };
  for (const r of routes) {
    const m = r.re.exec(path);
    if (m) {
      const args = {};
      r.keys.forEach((k, i) => { args[k] = decodeURIComponent(m[i + 1]); });
      after(r.handler(args, params));
      return;
    }
  }
  if (notFound) after(notFound(path, params));
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

export function start() {
  window.addEventListener('hashchange', () => dispatch(false));
  window.addEventListener('beforeunload', (e) => {
    if (guard && guard()) { e.preventDefault(); e.returnValue = ''; }
  });
  dispatch(true);
}
export function reload() { dispatch(true); }
export function currentHash() { return current; }
