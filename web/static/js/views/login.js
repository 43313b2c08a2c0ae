// views/login.js - the login form. notice ({expired, draft}) says why it is shown again.
import { h, clear } from '../dom.js';
import { login } from '../session.js';
import { t } from '../i18n.js';

export function renderLogin(main, onDone, notice) {
  clear(main);
  document.title = t('title.page', { page: t('login.title') });
  const err = h('div', { class: 'error-summary', role: 'alert', hidden: true });
  const id = h('input', { id: 'login-id', name: 'login', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false' });
  const pw = h('input', { id: 'login-pw', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const btn = h('button', { type: 'submit', class: 'btn btn-primary' }, t('login.submit'));
  const info = notice && notice.expired
    ? h('div', { class: 'notice', role: 'status' },
      h('p', null, t('login.expired')), notice.draft ? h('p', null, t('login.draft_kept')) : null)
    : null;
  const form = h('form', { class: 'card narrow', novalidate: true },
    h('h1', null, t('login.h1')),
    info,
    err,
    h('div', { class: 'field' }, h('label', { for: 'login-id' }, t('login.id')), id),
    h('div', { class: 'field' }, h('label', { for: 'login-pw' }, t('login.pw')), pw),
    btn,
    h('p', { class: 'hint' }, h('a', { href: '/' }, t('login.public_link'))));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    err.hidden = true;
    if (!id.value.trim() || !pw.value) {
      err.textContent = t('login.empty');
      err.hidden = false;
      (id.value.trim() ? pw : id).focus();
      return;
    }
    btn.disabled = true;
    try {
      await login(id.value.trim(), pw.value);
      pw.value = '';
      onDone();
    } catch (ex) {
      err.textContent = ex.status === 401
        ? t('login.wrong')
        : ex.message;
      err.hidden = false;
      pw.focus();
    } finally {
      btn.disabled = false;
    }
  });
  main.appendChild(form);
  id.focus();
}
