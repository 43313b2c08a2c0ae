// api.js - fetch wrapper for the tsunagu JSON API (docs/api.md).
// The CSRF token lives only in this module's memory (never web storage).

let csrfToken = null;
let unauthorizedHandler = null;

export function setCsrf(token) { csrfToken = token || null; }
export function onUnauthorized(fn) { unauthorizedHandler = fn; }

export class ApiError extends Error {
  constructor(status, code, message, field, body) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field || null;
    this.body = body;
  }
}

const FALLBACK = {
  400: '入力内容を確認してください。',
  401: 'ログインが必要です。',
  403: 'この操作をする権限がありません。',
  404: '見つかりませんでした。削除された可能性があります。',
  409: 'ほかの人が先に保存しました。',
  413: 'ファイルが大きすぎます。',
  415: 'この形式のファイルは受け付けられません。',
  429: '試行が多すぎます。しばらく待ってからもう一度お試しください。',
  500: 'サーバーでエラーが起きました。時間をおいてもう一度お試しください。',
  503: 'サーバーが混みあっています。少し待ってからもう一度お試しください。',
};

export function queryString(params) {
  const usp = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v === null || v === undefined || v === '' || v === false) continue;
    usp.set(k, Array.isArray(v) ? v.join(',') : String(v));
  }
  const s = usp.toString();
  return s ? `?${s}` : '';
}

/**
 * api('GET', '/resources', {query:{q:'x'}})
 * options: body (JSON), raw (Blob/File/string sent as-is), contentType,
 *          noAuthRedirect (do not call the 401 handler).
 */
export async function api(method, path, options = {}) {
  const url = `/api/v1${path}${queryString(options.query)}`;
  const headers = { Accept: 'application/json' };
  let body;
  if (options.raw !== undefined) {
    body = options.raw;
    headers['Content-Type'] = options.contentType || 'application/octet-stream';
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['Content-Type'] = 'application/json';
  }
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let res;
  try {
    res = await fetch(url, { method, headers, body, credentials: 'same-origin' });
  } catch (e) {
    throw new ApiError(0, 'network', '通信できませんでした。ネットワークを確認して、もう一度お試しください。');
  }
  let data = null;
  const ct = res.headers.get('Content-Type') || '';
  if (res.status !== 204 && ct.includes('json')) {
    try { data = await res.json(); } catch (e) { data = null; }
  }
  if (res.ok) return data;
  const err = data && data.error ? data.error : {};
  const apiErr = new ApiError(res.status, err.code || String(res.status),
    err.message || FALLBACK[res.status] || `エラー (${res.status})`, err.field, data);
  if (res.status === 401 && !options.noAuthRedirect && unauthorizedHandler) unauthorizedHandler();
  throw apiErr;
}

// Meta is fetched once per page load.
let metaPromise = null;
export function getMeta() {
  if (!metaPromise) {
    metaPromise = api('GET', '/meta').catch((e) => { metaPromise = null; throw e; });
  }
  return metaPromise;
}
export function resetMeta() { metaPromise = null; }
