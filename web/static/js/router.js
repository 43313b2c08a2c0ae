// router.js - hash routing: '#/search?q=…' -> {path:'/search', params:URLSearchParams}.
// A view may register a leave guard (unsaved changes) which is asked first.
import { t } from './i18n.js';

const routes = [];
let notFound = null;
let guard = null;
let current = '';
let handling = false;

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
  for (const r of routes) {
    const m = r.re.exec(path);
    if (m) {
      const args = {};
      r.keys.forEach((k, i) => { args[k] = decodeURIComponent(m[i + 1]); });
      r.handler(args, params);
      return;
    }
  }
  if (notFound) notFound(path, params);
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
