// format.js - dates, times, ages, distances in the current language (i18n.js).
// Japanese: 2026年11月22日(日), 0歳〜3歳. English: Sun 22 Nov 2026, 0–3 years. Times are 24 h in both.
import { isEn, t } from './i18n.js';

const WD_JA = ['日', '月', '火', '水', '木', '金', '土', '祝'];
const WD_EN = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Hol'];
const WD_EN_LONG = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Holidays'];
const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Short weekday: 日 / Sun (7 = 祝 / Hol). */
export function weekdayShort(d) { return (isEn() ? WD_EN : WD_JA)[d] || ''; }
/** Weekday for tables and selects: 月曜日 / Monday, 祝日 / Holidays. */
export function weekdayName(d) {
  if (isEn()) return WD_EN_LONG[d] || '';
  return d === 7 ? '祝日' : `${WD_JA[d]}曜日`;
}
// Display order for weekly tables: 月〜日, then 祝.
export const WEEK_ORDER = [1, 2, 3, 4, 5, 6, 0, 7];

/** '2026-11-22' -> '2026年11月22日(日)' / 'Sun 22 Nov 2026' */
export function formatDate(iso) {
  if (!iso) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return String(iso);
  const y = +m[1]; const mo = +m[2]; const d = +m[3];
  const wd = new Date(Date.UTC(y, mo - 1, d)).getUTCDay();
  if (isEn()) return `${WD_EN[wd]} ${d} ${MONTHS_EN[mo - 1]} ${y}`;
  return `${y}年${mo}月${d}日(${WD_JA[wd]})`;
}

/** ISO timestamp (UTC) -> '2026年11月22日(日) 9:30' in Asia/Tokyo */
export function formatTimestamp(iso) {
  if (!iso) return '';
  const tm = new Date(iso);
  if (Number.isNaN(tm.getTime())) return String(iso);
  const j = new Date(tm.getTime() + 9 * 3600 * 1000);
  const date = `${j.getUTCFullYear()}-${String(j.getUTCMonth() + 1).padStart(2, '0')}-${String(j.getUTCDate()).padStart(2, '0')}`;
  return `${formatDate(date)} ${j.getUTCHours()}:${String(j.getUTCMinutes()).padStart(2, '0')}`;
}

/** '09:30' -> '9:30' */
export function formatTime(hhmm) {
  if (!hhmm) return '';
  const m = /^(\d{1,2}):(\d{2})$/.exec(hhmm);
  if (!m) return String(hhmm);
  return `${+m[1]}:${m[2]}`;
}

export function formatRange(open, close) {
  return `${formatTime(open)}${isEn() ? '–' : '〜'}${formatTime(close)}`;
}

function plural(n, one, many) { return `${n} ${n === 1 ? one : many}`; }

/** months -> '3歳', '生後6か月', '1歳6か月' / '3 years', '6 months', '1 year 6 months' */
export function formatAgeMonths(m) {
  if (m === null || m === undefined || m < 0) return '';
  const y = Math.floor(m / 12); const r = m % 12;
  if (isEn()) {
    if (m < 12) return m === 0 ? '0 years' : plural(m, 'month', 'months');
    return r ? `${plural(y, 'year', 'years')} ${plural(r, 'month', 'months')}` : plural(y, 'year', 'years');
  }
  if (m < 12) return m === 0 ? '0歳' : `生後${m}か月`;
  return r ? `${y}歳${r}か月` : `${y}歳`;
}

/** {min_months,max_months} -> '0歳〜3歳', '生後6か月〜', '年齢の制限なし' / '0–3 years', 'from 6 months', 'any age' */
export function formatAges(ages) {
  const min = ages && ages.min_months !== null && ages.min_months !== undefined && ages.min_months >= 0 ? ages.min_months : null;
  const max = ages && ages.max_months !== null && ages.max_months !== undefined && ages.max_months >= 0 ? ages.max_months : null;
  if (min === null && max === null) return t('age.any');
  if (isEn()) {
    if (max === null) return `from ${formatAgeMonths(min)}`;
    if (min === null) return `up to ${formatAgeMonths(max)}`;
    if (min % 12 === 0 && max % 12 === 0) return `${min / 12}–${max / 12} years`;
    return `${formatAgeMonths(min)} – ${formatAgeMonths(max)}`;
  }
  if (max === null) return `${formatAgeMonths(min)}〜`;
  if (min === null) return `〜${formatAgeMonths(max)}`;
  return `${formatAgeMonths(min)}〜${formatAgeMonths(max)}`;
}

export function formatDistance(m) {
  if (m === null || m === undefined) return '';
  if (m < 1000) return `${Math.round(m)} m`;
  return `${(m / 1000).toFixed(m < 10000 ? 1 : 0)} km`;
}

// publicMode: for families (a fee not known: "ask before you go"); else for staff ("not checked").
export function formatFee(fee, { publicMode = false } = {}) {
  if (!fee) return '';
  if (fee.free === true) return fee.text ? t('fee.free_note', { text: fee.text }) : t('fee.free');
  if (fee.free === false) return fee.text || t('fee.paid');
  // not known (null): never shown as 有料 or 無料
  return fee.text || t(publicMode ? 'fee.unknown_public' : 'fee.unknown');
}

export function formatAddress(a) {
  if (!a) return '';
  const parts = [];
  if (a.postal_code) parts.push(`〒${a.postal_code}`);
  parts.push([a.prefecture, a.city, a.line].filter(Boolean).join(''));
  if (a.building) parts.push(a.building);
  return parts.filter(Boolean).join(' ');
}

/** Today's weekday in Asia/Tokyo (0 = Sunday). */
export function tokyoWeekday(now = new Date()) {
  return new Date(now.getTime() + 9 * 3600 * 1000).getUTCDay();
}

/** Today in Asia/Tokyo (no daylight saving: UTC+9): { iso: 'YYYY-MM-DD', wd: 0-6 }. */
export function tokyoToday(now = new Date()) {
  const j = new Date(now.getTime() + 9 * 3600 * 1000);
  return { iso: j.toISOString().slice(0, 10), wd: j.getUTCDay() };
}

/** A day without the year, for 「今日（…）」: '11月23日(月)' / 'Mon 23 Nov'; holiday true:
 *  '11月23日・祝日' / '23 Nov, public holiday'. */
export function formatDayShort(iso, holiday = false) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || '');
  if (!m) return String(iso || '');
  const mo = +m[2]; const d = +m[3];
  const wd = new Date(Date.UTC(+m[1], mo - 1, d)).getUTCDay();
  if (isEn()) return holiday ? `${d} ${MONTHS_EN[mo - 1]}, public holiday` : `${WD_EN[wd]} ${d} ${MONTHS_EN[mo - 1]}`;
  return holiday ? `${mo}月${d}日・祝日` : `${mo}月${d}日(${WD_JA[wd]})`;
}

export const ROLE_ORDER = ['viewer', 'volunteer', 'staff', 'coordinator', 'admin'];
export function roleName(role) { return ROLE_ORDER.includes(role) ? t(`role.${role}`) : role; }
export function roleAtLeast(user, role) {
  return !!user && ROLE_ORDER.indexOf(user.role) >= ROLE_ORDER.indexOf(role);
}
