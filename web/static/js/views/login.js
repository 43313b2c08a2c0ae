// views/login.js - the login form.
import { h, clear } from '../dom.js';
import { login } from '../session.js';

export function renderLogin(main, onDone) {
  clear(main);
  document.title = 'ログイン - つなぐ';
  const err = h('div', { class: 'error-summary', role: 'alert', hidden: true });
  const id = h('input', { id: 'login-id', name: 'login', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false' });
  const pw = h('input', { id: 'login-pw', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const btn = h('button', { type: 'submit', class: 'btn btn-primary' }, 'ログイン');
  const form = h('form', { class: 'card narrow', novalidate: true },
    h('h1', null, 'スタッフ ログイン'),
    err,
    h('div', { class: 'field' }, h('label', { for: 'login-id' }, 'ログインID'), id),
    h('div', { class: 'field' }, h('label', { for: 'login-pw' }, 'パスワード'), pw),
    btn,
    h('p', { class: 'hint' }, h('a', { href: '/' }, '家族向けのページ（ログイン不要）へ')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    err.hidden = true;
    if (!id.value.trim() || !pw.value) {
      err.textContent = 'ログインIDとパスワードを入力してください。';
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
        ? 'ログインIDまたはパスワードが違います。もう一度入力してください。'
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
