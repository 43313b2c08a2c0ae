// render.js - shared rendering of resources for the staff app and the public page.

import { h, highlight } from './dom.js';
import {
  WEEKDAYS, WEEK_ORDER, formatAges, formatAddress, formatDate, formatDistance, formatFee, formatRange,
} from './format.js';

export function tagName(meta, code) {
  const t = meta && meta.tags ? meta.tags.find((x) => x.code === code) : null;
  return t ? t.name_ja : code;
}
export function typeName(meta, code) {
  const t = meta && meta.types ? meta.types.find((x) => x.code === code) : null;
  return t ? t.name_ja : code;
}

export function badge(text, kind) {
  return h('span', { class: `badge badge-${kind}` }, text);
}

export function statusBadges(r, { staff = false, publicMode = false } = {}) {
  const out = [];
  if (r.open_now) out.push(badge(publicMode ? '● いま開いています' : '● 今開いています', 'open'));
  if (r.fee && r.fee.free) out.push(badge('無料', 'free'));
  if (staff && r.verification_due) out.push(badge('⚠ 要確認', 'due'));
  if (staff && r.is_public === false) out.push(badge('非公開', 'private'));
  if (staff && r.is_confidential) out.push(badge('所在地非公開', 'private'));
  return out;
}

/** One search result as a list item. href: link to details. */
export function resultItem(r, { href, staff = false, publicMode = false, onFocus } = {}) {
  const hl = r.highlights || {};
  const title = h('a', { href, class: 'result-link' }, highlight(r.name, hl.name));
  const meta = [r.type_name || r.type];
  if (r.area_path && r.area_path.length) meta.push(r.area_path.join(' '));
  const li = h('li', { class: 'result', dataset: { id: String(r.id) } },
    h('h3', { class: 'result-title' }, title),
    h('p', { class: 'result-meta' }, meta.filter(Boolean).join('・')),
    h('div', { class: 'badges' }, statusBadges(r, { staff, publicMode })),
    h('p', { class: 'result-facts' },
      h('span', null, `対象：${formatAges(r.ages)}`),
      r.distance_m !== null && r.distance_m !== undefined ? h('span', null, `距離：${formatDistance(r.distance_m)}`) : null,
      r.address_hidden ? h('span', null, '所在地は非公開') : null),
    r.snippet ? h('p', { class: 'snippet' }, highlight(r.snippet, hl.snippet)) : null,
  );
  if (onFocus) title.addEventListener('focus', () => onFocus(r));
  return li;
}

/** Weekly hours table 月〜日・祝. */
export function hoursTable(hours, caption = '開いている時間') {
  const byDay = new Map();
  for (const x of hours || []) {
    if (!byDay.has(x.weekday)) byDay.set(x.weekday, []);
    byDay.get(x.weekday).push(x);
  }
  const tbody = h('tbody');
  for (const wd of WEEK_ORDER) {
    const list = (byDay.get(wd) || []).slice().sort((a, b) => a.open.localeCompare(b.open));
    tbody.appendChild(h('tr', wd === 0 ? { class: 'sun' } : wd === 7 ? { class: 'hol' } : null,
      h('th', { scope: 'row' }, wd === 7 ? '祝日' : `${WEEKDAYS[wd]}曜日`),
      h('td', null, list.length ? list.map((x) => formatRange(x.open, x.close)).join('、') : '休み')));
  }
  return h('table', { class: 'hours' },
    h('caption', null, caption),
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, '曜日'), h('th', { scope: 'col' }, '時間'))),
    tbody);
}

export function exceptionsList(exceptions) {
  if (!exceptions || !exceptions.length) return null;
  return h('ul', { class: 'exceptions' }, exceptions.map((x) => h('li', null,
    `${formatDate(x.date)}：`,
    x.closed ? 'お休み' : formatRange(x.open, x.close),
    x.note ? `（${x.note}）` : '')));
}

function dl(rows) {
  return h('dl', { class: 'facts' }, rows.filter((r) => r && r[1] !== null && r[1] !== undefined && r[1] !== '')
    .map(([k, v]) => [h('dt', null, k), h('dd', null, v)]));
}

function link(url) {
  if (!/^https?:\/\//i.test(url)) return url;
  return h('a', { href: url, rel: 'noopener noreferrer', target: '_blank' }, url, h('span', { class: 'sr-only' }, '（新しいタブで開きます）'));
}

/** The body of a resource page (everything except staff buttons). */
export function resourceBody(r, meta, { staff = false, publicMode = false } = {}) {
  const address = r.address_hidden || !r.address
    ? h('span', null, r.address_hidden ? '所在地は非公開' : '登録なし',
      r.address_hidden && r.front_door ? h('span', { class: 'block' }, `お問い合わせ先：${r.front_door}`) : null)
    : formatAddress(r.address);
  const contact = [];
  if (r.phone) contact.push(h('span', { class: 'block' }, '電話：', h('a', { href: `tel:${r.phone.replace(/[^0-9+]/g, '')}` }, r.phone)));
  if (r.email) contact.push(h('span', { class: 'block' }, 'メール：', h('a', { href: `mailto:${r.email}` }, r.email)));
  if (r.url) contact.push(h('span', { class: 'block' }, 'ホームページ：', link(r.url)));
  const services = (r.services || []).map((c) => tagName(meta, c));
  const access = (r.access || []).map((c) => tagName(meta, c));
  const rows = [
    ['種別', r.type_name || typeName(meta, r.type)],
    [publicMode ? 'うんえい' : '運営', r.org ? r.org.name : null],
    ['地域', r.area_path && r.area_path.length ? r.area_path.join(' ') : null],
    ['所在地', address],
    [publicMode ? '対象の年齢' : '対象年齢', formatAges(r.ages)],
    [publicMode ? '料金' : '利用料', formatFee(r.fee)],
    ['定員', r.capacity !== null && r.capacity !== undefined && r.capacity >= 0 ? `${r.capacity}人` : null],
    ['サービス', services.length ? services.join('、') : null],
    ['バリアフリー', access.length ? access.join('、') : null],
    ['設備などのメモ', r.accessibility_notes],
    ['連絡先', contact.length ? contact : null],
  ];
  if (staff) {
    rows.push(['公開', r.is_public ? '公開（家族向けページに表示）' : '非公開（スタッフのみ）']);
    rows.push(['最終確認日', r.verified_at ? formatDate(r.verified_at) : '未確認']);
  }
  return h('div', { class: 'resource-body' },
    h('div', { class: 'badges' }, statusBadges(r, { staff, publicMode })),
    r.description ? h('p', { class: 'description' }, r.description) : null,
    dl(rows),
    h('section', { class: 'hours-section', 'aria-label': '開いている時間' },
      hoursTable(r.hours, publicMode ? '開いている時間' : '開所時間'),
      r.schedule_note ? h('p', { class: 'hint' }, r.schedule_note) : null,
      r.exceptions && r.exceptions.length ? h('h2', { class: 'h3' }, publicMode ? 'いつもとちがう日' : '臨時の休み・変更') : null,
      exceptionsList(r.exceptions)),
  );
}
