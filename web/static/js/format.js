// format.js - Japanese formatting of dates, times, ages, distances.

export const WEEKDAYS = ['日', '月', '火', '水', '木', '金', '土', '祝'];
// Display order for weekly tables: 月〜日, then 祝.
export const WEEK_ORDER = [1, 2, 3, 4, 5, 6, 0, 7];

/** '2026-11-22' -> '2026年11月22日(日)' */
export function formatDate(iso) {
  if (!iso) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return String(iso);
  const y = +m[1]; const mo = +m[2]; const d = +m[3];
  const wd = new Date(Date.UTC(y, mo - 1, d)).getUTCDay();
  return `${y}年${mo}月${d}日(${WEEKDAYS[wd]})`;
}

/** ISO timestamp (UTC) -> '2026年11月22日(日) 9:30' in Asia/Tokyo */
export function formatTimestamp(iso) {
  if (!iso) return '';
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return String(iso);
  const j = new Date(t.getTime() + 9 * 3600 * 1000);
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
  return `${formatTime(open)}〜${formatTime(close)}`;
}

/** months -> '3歳', '生後6か月', '1歳6か月' */
export function formatAgeMonths(m) {
  if (m === null || m === undefined || m < 0) return '';
  if (m < 12) return m === 0 ? '0歳' : `生後${m}か月`;
  const y = Math.floor(m / 12); const r = m % 12;
  return r ? `${y}歳${r}か月` : `${y}歳`;
}

/** {min_months,max_months} -> '0歳〜3歳', '生後6か月〜', 'だれでも' */
export function formatAges(ages) {
  const min = ages && ages.min_months !== null && ages.min_months !== undefined && ages.min_months >= 0 ? ages.min_months : null;
  const max = ages && ages.max_months !== null && ages.max_months !== undefined && ages.max_months >= 0 ? ages.max_months : null;
  if (min === null && max === null) return '年齢の制限なし';
  if (max === null) return `${formatAgeMonths(min)}〜`;
  if (min === null) return `〜${formatAgeMonths(max)}`;
  return `${formatAgeMonths(min)}〜${formatAgeMonths(max)}`;
}

export function formatDistance(m) {
  if (m === null || m === undefined) return '';
  if (m < 1000) return `${Math.round(m)} m`;
  return `${(m / 1000).toFixed(m < 10000 ? 1 : 0)} km`;
}

export function formatFee(fee) {
  if (!fee) return '';
  if (fee.free) return fee.text ? `無料（${fee.text}）` : '無料';
  return fee.text || '有料';
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

export const ROLE_NAMES = {
  admin: '管理者', coordinator: 'コーディネーター', staff: 'スタッフ', volunteer: 'ボランティア', viewer: '閲覧のみ',
};
export const ROLE_ORDER = ['viewer', 'volunteer', 'staff', 'coordinator', 'admin'];
export function roleAtLeast(user, role) {
  return !!user && ROLE_ORDER.indexOf(user.role) >= ROLE_ORDER.indexOf(role);
}
