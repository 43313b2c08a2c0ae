// app.js - the staff single-page app: session check, navigation bar, routes.
import { onUnauthorized, mountTenantName } from './api.js';
import { h, clear, endToastOnNavigate } from './dom.js';
import { roleName } from './format.js';
import { applyStatic, mountLangSwitch, onLangChange, t } from './i18n.js';
import { route, fallback, start, reload, setLeaveGuard, confirmLeave, currentHash } from './router.js';
import { session, loadSession, logout, keepDraft, hasKeptDraft } from './session.js';
import { renderLogin } from './views/login.js';
import { renderHome } from './views/home.js';
import { renderSearch } from './views/search.js';
import { renderDetail } from './views/detail.js';
import { renderEdit } from './views/edit.js';
import { renderSettings } from './views/settings.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const userBox = document.getElementById('user');
let cleanup = null;
let started = false;

const SECTIONS = [
  { href: '#/', label: 'nav.home', match: (p) => p === '/' },
  { href: '#/search', label: 'nav.search', match: (p) => p.startsWith('/search') || p.startsWith('/r/') || p === '/new' },
  { href: '#/settings', label: 'nav.settings', match: (p) => p.startsWith('/settings') },
];

function buildNav() {
  clear(nav);
  nav.hidden = false;
  nav.appendChild(h('ul', null, SECTIONS.map((s) => h('li', null, h('a', { href: s.href }, t(s.label))))));
  clear(userBox);
  const out = h('button', { type: 'button', class: 'btn btn-small' }, t('nav.logout'));
  out.addEventListener('click', async () => {
    if (!confirmLeave()) return;
    setLeaveGuard(null);
    await logout();
    showLogin();
  });
  userBox.append(h('span', { class: 'user-name' }, t('nav.user', { name: session.user.display_name, role: roleName(session.user.role) })), out);
}

function markNav(path) {
  nav.querySelectorAll('a').forEach((a, i) => {
    if (SECTIONS[i].match(path)) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  });
}

let dispatch = 0; // the view being shown; an older one that finishes late cleans up after itself

function view(fn) {
  return async (args, params) => {
    if (!session.user) { showLogin(); return; }
    const mine = ++dispatch;
    if (cleanup) { try { cleanup(); } catch (e) { /* ignore */ } cleanup = null; }
    const path = (location.hash.replace(/^#/, '').split('?')[0]) || '/';
    markNav(path);
    endToastOnNavigate();
    window.scrollTo(0, 0); // a list's position comes back after it is drawn (router.js)
    const c = await fn(args, params);
    if (typeof c !== 'function') return;
    if (mine === dispatch) cleanup = c;
    else { try { c(); } catch (e) { /* ignore */ } } // left while it was loading
  };
}

// notice: why the login screen is shown again ({ expired, draft }), for renderLogin.
function showLogin(notice) {
  if (cleanup) { try { cleanup(); } catch (e) { /* ignore */ } cleanup = null; }
  nav.hidden = true;
  clear(userBox);
  renderLogin(main, () => { buildNav(); if (started) reload(); else begin(true); }, notice);
}

// focus: the first view comes right after the login form (its heading takes the focus).
function begin(focus = false) {
  started = true;
  start({ focus });
}

// Lists ({ list: true }): Back (or the detail page's 「← さがす」) to them restores the scroll
// position and puts focus on the result that was opened (router.js).
route('/', view(() => renderHome(main)), { list: true });
route('/search', view((a, p) => renderSearch(main, p)), { list: true });
route('/r/:id', view((a) => renderDetail(main, a.id)));
// renderEdit itself says so when the user may not edit (the resource's can_edit, or a
// role below staff for /new), with a way back.
route('/r/:id/edit', view((a) => renderEdit(main, a.id)));
route('/new', view(() => renderEdit(main, null)));
route('/settings', view(() => renderSettings(main)));
fallback(view(() => {
  clear(main).append(h('h1', null, t('app.not_found')), h('p', null, h('a', { href: '#/' }, t('app.to_home'))));
}));

// The session ended (expired, or logged out elsewhere): the open form's input is kept in
// memory (session.js) and comes back on the same screen after the same user logs in.
onUnauthorized(() => {
  const draft = keepDraft(currentHash());
  session.user = null;
  setLeaveGuard(null);
  showLogin({ expired: true, draft });
});

// WCAG 2.4.11: focus and scrollIntoView targets never land under the sticky header.
// app.css sets scroll-padding-top from --sticky-top; the header is sticky only on wide
// and tall viewports (app.css), and its height changes with wrapping and text size.
const topbar = document.querySelector('.topbar');
function syncStickyTop() {
  const sticky = getComputedStyle(topbar).position === 'sticky';
  const px = sticky ? Math.ceil(topbar.getBoundingClientRect().height) + 8 : 8;
  document.documentElement.style.setProperty('--sticky-top', `${px}px`);
}
if (topbar) {
  syncStickyTop();
  if (window.ResizeObserver) new ResizeObserver(syncStickyTop).observe(topbar);
  window.addEventListener('resize', syncStickyTop);
}
// The browser scrolls a focused control into view only when it is entirely off screen; a
// field half under the sticky 保存する bar stays half hidden. Bring it fully into view
// (scrollIntoView honours scroll-padding, so the sticky bars are accounted for).
main.addEventListener('focusin', (e) => {
  const el = e.target;
  // Controls only: a heading focused after navigation asked for no scrolling (router.js).
  if (!(el instanceof HTMLElement) || !el.matches('input, select, textarea, button, a[href], summary')) return;
  if (el.closest('.form-actions.sticky')) return;
  const r = el.getBoundingClientRect();
  const cs = getComputedStyle(document.documentElement);
  const top = parseFloat(cs.scrollPaddingTop) || 0;
  const bottom = window.innerHeight - (parseFloat(cs.scrollPaddingBottom) || 0);
  if (r.top < top || r.bottom > bottom) el.scrollIntoView({ block: 'nearest' });
});

// Language: static texts now, the switch in the header; a change re-renders the
// current screen (asking first when a form has unsaved changes).
applyStatic();
mountTenantName(document.getElementById('tenant'));
mountLangSwitch(document.getElementById('lang'), () => {
  if (!confirmLeave()) return false;
  setLeaveGuard(null);
  return true;
});
onLangChange(() => {
  if (!session.user) { showLogin(hasKeptDraft() ? { expired: true, draft: true } : undefined); return; }
  buildNav();
  markNav((currentHash().replace(/^#/, '').split('?')[0]) || '/');
  reload();
});

document.getElementById('skip').addEventListener('click', (e) => { e.preventDefault(); main.focus(); });

(async () => {
  try {
    const u = await loadSession();
    if (!u) { showLogin(); return; }
    buildNav();
    begin();
  } catch (e) {
    clear(main).append(h('p', { class: 'error-summary', role: 'alert' }, e.message));
  }
})();
