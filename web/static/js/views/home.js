// views/home.js - dashboard: what needs me today?
import { api, getMeta } from '../api.js';
import { h, clear } from '../dom.js';
import { formatDate } from '../format.js';
import { navigate } from '../router.js';
import { session } from '../session.js';
import { roleAtLeast } from '../format.js';
import { t } from '../i18n.js';
import { resourceTypeName } from '../render.js';

export async function renderHome(main) {
  clear(main);
  document.title = t('title.page', { page: t('nav.home') });
  const q = h('input', { type: 'search', id: 'home-q', name: 'q', enterkeyhint: 'search' });
  const form = h('form', { class: 'quick-search', role: 'search' },
    h('label', { for: 'home-q' }, t('home.q')),
    h('div', { class: 'inline' }, q, h('button', { type: 'submit', class: 'btn btn-primary' }, t('nav.search'))));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    navigate(`#/search?q=${encodeURIComponent(q.value.trim())}`);
  });
  // Only those who may verify (staff and up, for the places they may edit) have places
  // to check: /verification-due lists only those, so read-only roles get no section and
  // never an instruction for a button they do not have.
  const canVerify = roleAtLeast(session.user, 'staff');
  const dueBox = h('div', { 'aria-live': 'polite' }, h('p', null, t('app.loading')));
  // (Element.append would print a null as the text "null": only the parts shown.)
  main.append(...[
    h('h1', null, t('nav.home')),
    h('p', { class: 'lead' }, t('home.hello', { name: session.user ? session.user.display_name : '' })),
    form,
    canVerify ? h('section', { class: 'card', 'aria-labelledby': 'due-h' },
      h('h2', { id: 'due-h' }, t('home.due')),
      dueBox) : null,
    canVerify ? h('p', null, h('a', { href: '#/new', class: 'btn' }, t('home.new'))) : null,
  ].filter(Boolean));
  if (!canVerify) return;
  try {
    const data = await api('GET', '/verification-due');
    let meta = null;
    try { meta = await getMeta(); } catch (e) { meta = null; }
    const items = (data && (data.items || data)) || [];
    clear(dueBox);
    if (!items.length) {
      dueBox.appendChild(h('p', { class: 'empty' }, t('home.due_none')));
      return;
    }
    dueBox.appendChild(h('p', { class: 'hint' }, t('home.due_hint')));
    dueBox.appendChild(h('p', null, t(data.more ? 'home.due_more' : 'home.due_count', { n: items.length })));
    dueBox.appendChild(h('ul', { class: 'due-list' }, items.map((r) => h('li', null,
      h('a', { href: `#/r/${r.id}` }, r.name),
      h('span', { class: 'muted' }, t('home.due_item', { type: resourceTypeName(r, meta) || '', date: r.verified_at ? formatDate(r.verified_at) : t('res.unverified') }))))));
  } catch (e) {
    clear(dueBox);
    dueBox.appendChild(h('p', { class: 'error-summary', role: 'alert' }, e.message));
  }
}
