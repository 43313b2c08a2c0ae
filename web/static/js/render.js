// render.js - shared rendering of resources for the staff app and the public page.

import { cachedMeta } from './api.js';
import { h, highlight } from './dom.js';
import {
  WEEK_ORDER, formatAges, formatAddress, formatDate, formatDayShort, formatDistance, formatFee, formatRange, tokyoToday,
  weekdayName,
} from './format.js';
import { isEn, metaName, t, tOr } from './i18n.js';

// Names of types and tags from /meta in the current language (name_ja / name_en).
export function tagName(meta, code) {
  const m = meta || cachedMeta();
  const x = m && m.tags ? m.tags.find((y) => y.code === code) : null;
  return x ? metaName(x) : code;
}
export function typeName(meta, code) {
  const m = meta || cachedMeta();
  const x = m && m.types ? m.types.find((y) => y.code === code) : null;
  return x ? metaName(x) : code;
}
/** A resource's type name: the server's type_name is Japanese, so English looks it up in /meta. */
export function resourceTypeName(r, meta) {
  if (isEn() || !r.type_name) return typeName(meta, r.type) || r.type_name;
  return r.type_name;
}

/** The kind of place as the public page says it: plain words for the built-in types
 *  (UX.md: 「子育てひろば」, not 「地域子育て支援拠点事業」), a custom type's own name. */
export function publicTypeName(code, name) {
  return tOr(`kind.${code}`, name);
}

export function badge(text, kind) {
  return h('span', { class: `badge badge-${kind}` }, text);
}

export function statusBadges(r, { staff = false, publicMode = false } = {}) {
  const out = [];
  if (r.open_now) out.push(badge(t(publicMode ? 'badge.open_public' : 'badge.open'), 'open'));
  if (r.fee && r.fee.free) out.push(badge(t('fee.free'), 'free'));
  if (staff && r.verification_due) out.push(badge(t('badge.due'), 'due'));
  if (staff && r.is_public === false) out.push(badge(t('badge.private'), 'private'));
  if (staff && r.is_confidential) out.push(badge(t('badge.confidential'), 'private'));
  return out;
}

/** Where terms that neither the name nor the snippet shows were found: 「ほかに一致：運営「NPO法人 ひだまり」」. */
function alsoMatched(list) {
  if (!list || !list.length) return null;
  const parts = [];
  list.forEach((m, i) => {
    if (i) parts.push(t('list.sep'));
    parts.push(t(`also.${m.field}`) + t('also.open'), h('span', { lang: 'ja' }, highlight(m.text, m.ranges)), t('also.close'));
  });
  return h('p', { class: 'result-also' }, t('result.also'), ...parts);
}

/** One search result as a list item. href: link to details. */
export function resultItem(r, { href, staff = false, publicMode = false, onFocus, meta: m } = {}) {
  const hl = r.highlights || {};
  const title = h('a', { href, class: 'result-link' }, highlight(r.name, hl.name));
  const meta = [publicMode ? publicTypeName(r.type, resourceTypeName(r, m)) : resourceTypeName(r, m)];
  if (r.area_path && r.area_path.length) meta.push(r.area_path.join(' '));
  const li = h('li', { class: 'result', dataset: { id: String(r.id) } },
    h('h3', { class: 'result-title' }, title),
    h('p', { class: 'result-meta' }, meta.filter(Boolean).join(t('list.dot'))),
    h('div', { class: 'badges' }, statusBadges(r, { staff, publicMode })),
    h('p', { class: 'result-facts' },
      h('span', null, t('result.ages', { ages: formatAges(r.ages) })),
      r.distance_m !== null && r.distance_m !== undefined ? h('span', null, t('result.distance', { d: formatDistance(r.distance_m) })) : null,
      r.address_hidden ? h('span', null, t('res.address_hidden')) : null,
      r.address_hidden && r.front_door ? h('span', null, t('res.front_door', { v: r.front_door })) : null),
    r.snippet ? h('p', { class: 'snippet' }, highlight(r.snippet, hl.snippet)) : null,
    alsoMatched(r.also_matched),
  );
  if (onFocus) title.addEventListener('focus', () => onFocus(r));
  return li;
}

const byOpen = (a, b) => String(a.open).localeCompare(String(b.open));
const rangesText = (list) => list.map((x) => formatRange(x.open, x.close)).join(t('list.sep'));

/**
 * The hours that apply today (Asia/Tokyo), by the server's rules (docs/api.md open_today):
 * the day's exception first; else on a national holiday the weekday-7 hours (none: closed);
 * else the weekday's hours. Returns null when the place has no hours at all (not known).
 * {date, wd, holiday (true/false, null = not known), exception, closed, hours [{open, close}],
 *  note, ifHoliday (the weekday-7 hours when it is not known whether today is a holiday and
 *  they differ from the weekday's; else null), row (the weekly row that applies, or null)}.
 * The server's `today` on the resource, when it has one for this date, is used as is: the
 * browser does not know the national holidays (no holiday law in the UI).
 */
export function todayHours(r, now = new Date()) {
  const day = tokyoToday(now);
  const base = { date: day.iso, wd: day.wd, note: null, ifHoliday: null };
  const s = r.today;
  if (s && s.date === day.iso && Array.isArray(s.hours)) {
    const hours = s.hours.slice().sort(byOpen);
    return {
      ...base, holiday: !!s.holiday, exception: !!s.exception, closed: !hours.length, hours, note: s.note || null,
      row: s.exception ? null : (s.holiday ? 7 : day.wd),
    };
  }
  const exc = (r.exceptions || []).find((x) => x.date === day.iso);
  if (exc) {
    const closed = !!exc.closed || !exc.open || !exc.close;
    return {
      ...base, holiday: null, exception: true, closed, hours: closed ? [] : [{ open: exc.open, close: exc.close }], note: exc.note || null, row: null,
    };
  }
  if (!r.hours || !r.hours.length) return null;
  const of = (wd) => r.hours.filter((x) => x.weekday === wd).sort(byOpen);
  const week = of(day.wd); const hol = of(7);
  const same = rangesText(week) === rangesText(hol);
  return {
    ...base, holiday: null, exception: false, closed: !week.length, hours: week, ifHoliday: same ? null : hol, row: day.wd,
  };
}

/** 「今日（11月23日・祝日）：10:00〜15:00」 / 「今日（11月24日(火)）はお休みです（臨時休館）」,
 *  above the weekly table; with 「※ 今日が祝日のときは…」 when the holiday is not known. */
export function todayBox(r, x = todayHours(r)) {
  if (!x) return null;
  const date = formatDayShort(x.date, x.holiday === true);
  const note = x.note ? t('exc.note', { note: x.note }) : '';
  const line = x.closed ? t('today.closed', { date, note }) : t('today.open', { date, hours: rangesText(x.hours), note });
  let hint = null;
  if (x.ifHoliday) {
    hint = x.ifHoliday.length ? t('today.if_holiday', { hours: rangesText(x.ifHoliday) }) : t('today.if_holiday_closed');
  }
  return h('div', { class: 'notice today-hours' }, h('p', null, line), hint ? h('p', null, hint) : null);
}

/** Weekly hours table 月〜日・祝; today's row (when it is the one that applies) says 「今日」. */
export function hoursTable(hours, caption = t('hours.caption_public'), todayRow = null) {
  const byDay = new Map();
  for (const x of hours || []) {
    if (!byDay.has(x.weekday)) byDay.set(x.weekday, []);
    byDay.get(x.weekday).push(x);
  }
  const tbody = h('tbody');
  for (const wd of WEEK_ORDER) {
    const list = (byDay.get(wd) || []).slice().sort(byOpen);
    tbody.appendChild(h('tr', wd === 0 ? { class: 'sun' } : wd === 7 ? { class: 'hol' } : null,
      h('th', { scope: 'row' }, weekdayName(wd), wd === todayRow ? h('span', { class: 'today-mark' }, t('today.mark')) : null),
      h('td', null, list.length ? list.map((x) => formatRange(x.open, x.close)).join(t('list.sep')) : t('hours.closed'))));
  }
  return h('table', { class: 'hours' },
    h('caption', null, caption),
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('hours.day')), h('th', { scope: 'col' }, t('hours.time')))),
    tbody);
}

export function exceptionsList(exceptions) {
  if (!exceptions || !exceptions.length) return null;
  return h('ul', { class: 'exceptions' }, exceptions.map((x) => h('li', null,
    t('exc.date', { date: formatDate(x.date) }),
    x.closed ? t('exc.closed') : formatRange(x.open, x.close),
    x.note ? t('exc.note', { note: x.note }) : '')));
}

function dl(rows) {
  return h('dl', { class: 'facts' }, rows.filter((r) => r && r[1] !== null && r[1] !== undefined && r[1] !== '')
    .map(([k, v]) => [h('dt', null, k), h('dd', null, v)]));
}

function link(url) {
  if (!/^https?:\/\//i.test(url)) return url;
  return h('a', { href: url, rel: 'noopener noreferrer', target: '_blank' }, url, h('span', { class: 'sr-only' }, t('link.new_tab')));
}

/** The body of a resource page (everything except staff buttons). */
export function resourceBody(r, meta, { staff = false, publicMode = false } = {}) {
  const address = r.address_hidden || !r.address
    ? h('span', null, r.address_hidden ? t('res.address_hidden') : t('res.none'),
      r.address_hidden && r.front_door ? h('span', { class: 'block' }, t('res.front_door', { v: r.front_door })) : null)
    : formatAddress(r.address);
  const contact = [];
  if (r.phone) contact.push(h('span', { class: 'block' }, t('res.phone_label'), h('a', { href: `tel:${r.phone.replace(/[^0-9+]/g, '')}` }, r.phone)));
  if (r.email) contact.push(h('span', { class: 'block' }, t('res.email_label'), h('a', { href: `mailto:${r.email}` }, r.email)));
  if (r.url) contact.push(h('span', { class: 'block' }, t('res.url_label'), link(r.url)));
  const services = (r.services || []).map((c) => tagName(meta, c));
  const access = (r.access || []).map((c) => tagName(meta, c));
  const rows = [
    // The public page says what its search form says (場所の種類), in everyday words.
    [t(publicMode ? 'pub.type' : 'res.type'), publicMode ? publicTypeName(r.type, resourceTypeName(r, meta)) : resourceTypeName(r, meta)],
    [t(publicMode ? 'res.org_public' : 'res.org'), r.org ? r.org.name : null],
    [t('res.area'), r.area_path && r.area_path.length ? r.area_path.join(' ') : null],
    [t(publicMode ? 'res.address_public' : 'res.address'), address],
    [t(publicMode ? 'res.ages_public' : 'res.ages'), formatAges(r.ages)],
    [t(publicMode ? 'res.fee_public' : 'res.fee'), formatFee(r.fee, { publicMode })],
    [t('res.capacity'), r.capacity !== null && r.capacity !== undefined && r.capacity >= 0 ? t('res.capacity_n', { n: r.capacity }) : null],
    [t('res.services'), services.length ? services.join(t('list.sep')) : null],
    [t('res.access'), access.length ? access.join(t('list.sep')) : null],
    [t('res.access_notes'), r.accessibility_notes],
    [t('res.contact'), contact.length ? contact : null],
  ];
  if (staff) {
    rows.push([t('res.public'), r.is_public ? t('res.public_yes') : t('res.public_no')]);
    rows.push([t('res.verified'), r.verified_at ? formatDate(r.verified_at) : t('res.unverified')]);
  }
  const today = todayHours(r);
  return h('div', { class: 'resource-body' },
    h('div', { class: 'badges' }, statusBadges(r, { staff, publicMode })),
    todayBox(r, today),
    r.description ? h('p', { class: 'description' }, r.description) : null,
    dl(rows),
    h('section', { class: 'hours-section', 'aria-label': t('hours.caption_public') },
      hoursTable(r.hours, t(publicMode ? 'hours.caption_public' : 'hours.caption'),
        today && !today.ifHoliday && today.row !== null ? today.row : null),
      r.schedule_note ? h('p', { class: 'hint' }, r.schedule_note) : null,
      r.exceptions && r.exceptions.length ? h('h2', { class: 'h3' }, t(publicMode ? 'exc.title_public' : 'exc.title')) : null,
      exceptionsList(r.exceptions)),
  );
}
