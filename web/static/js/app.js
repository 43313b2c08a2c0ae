// app.js - the staff single-page app: session check, navigation bar, routes.
import { onUnauthorized, mountTenantName } from './api.js';
import { h, clear } from './dom.js';
import { roleName, roleAtLeast } from './format.js';
import { applyStatic, mountLangSwitch, onLangChange, t } from './i18n.js';
import { route, fallback, start, reload, setLeaveGuard, confirmLeave, currentHash } from './router.js';
import { session, loadSession, logout } from './session.js';
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

function view(fn) {
  return async (args, params) => {
    if (!session.user) { showLogin(); return; }
    if (cleanup) { try { cleanup(); } catch (e) { /* ignore */ } cleanup = null; }
    const path = (location.hash.replace(/^#/, '').split('?')[0]) || '/';
    markNav(path);
    window.scrollTo(0, 0);
    const c = await fn(args, params);
    if (typeof c === 'function') cleanup = c;
  };
}

function showLogin() {
  if (cleanup) { try { cleanup(); } catch (e) { /* ignore */ } cleanup = null; }
  nav.hidden = true;
  clear(userBox);
  renderLogin(main, () => { buildNav(); if (started) reload(); else begin(); });
}

function begin() {
  started = true;
  start();
}

route('/', view(() => renderHome(main)));
route('/search', view((a, p) => renderSearch(main, p)));
route('/r/:id', view((a) => renderDetail(main, a.id)));
route('/r/:id/edit', view((a) => {
  if (!roleAtLeast(session.user, 'staff')) return renderDetail(main, a.id);
  return renderEdit(main, a.id);
}));
route('/new', view(() => renderEdit(main, null)));
route('/settings', view(() => renderSettings(main)));
fallback(view(() => {
  clear(main).append(h('h1', null, t('app.not_found')), h('p', null, h('a', { href: '#/' }, t('app.to_home'))));
}));

onUnauthorized(() => { session.user = null; setLeaveGuard(null); showLogin(); });

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
  if (!session.user) { showLogin(); return; }
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
