// views/home.js - dashboard: what needs me today?
import { api } from '../api.js';
import { h, clear } from '../dom.js';
import { formatDate } from '../format.js';
import { navigate } from '../router.js';
import { session } from '../session.js';
import { roleAtLeast } from '../format.js';

export async function renderHome(main) {
  clear(main);
  document.title = 'ホーム - つなぐ';
  const q = h('input', { type: 'search', id: 'home-q', name: 'q', enterkeyhint: 'search' });
  const form = h('form', { class: 'quick-search', role: 'search' },
    h('label', { for: 'home-q' }, '場所をさがす（名前・キーワード）'),
    h('div', { class: 'inline' }, q, h('button', { type: 'submit', class: 'btn btn-primary' }, 'さがす')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    navigate(`#/search?q=${encodeURIComponent(q.value.trim())}`);
  });
  const dueBox = h('div', { 'aria-live': 'polite' }, h('p', null, '読み込み中…'));
  main.append(
    h('h1', null, `ホーム`),
    h('p', { class: 'lead' }, `${session.user ? session.user.display_name : ''}さん、こんにちは。`),
    form,
    h('section', { class: 'card', 'aria-labelledby': 'due-h' },
      h('h2', { id: 'due-h' }, '確認が必要な情報'),
      h('p', { class: 'hint' }, 'しばらく確認されていない場所の情報です。内容が正しいか確かめて「情報を確認済みにする」を押してください。'),
      dueBox),
    roleAtLeast(session.user, 'staff')
      ? h('p', null, h('a', { href: '#/new', class: 'btn' }, '＋ 新しい場所を登録する')) : null,
  );
  try {
    const data = await api('GET', '/verification-due');
    const items = (data && (data.items || data)) || [];
    clear(dueBox);
    if (!items.length) {
      dueBox.appendChild(h('p', { class: 'empty' }, '確認が必要な情報はありません。おつかれさまです。'));
      return;
    }
    dueBox.appendChild(h('p', null, `${items.length}件あります。`));
    dueBox.appendChild(h('ul', { class: 'due-list' }, items.map((r) => h('li', null,
      h('a', { href: `#/r/${r.id}` }, r.name),
      h('span', { class: 'muted' }, `　${r.type_name || ''}・最終確認 ${r.verified_at ? formatDate(r.verified_at) : '未確認'}`)))));
  } catch (e) {
    clear(dueBox);
    dueBox.appendChild(h('p', { class: 'error-summary', role: 'alert' }, e.message));
  }
}
