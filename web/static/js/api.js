// api.js - fetch wrapper for the tsunagu JSON API (docs/api.md).
// The CSRF token lives only in this module's memory (never web storage).
// Error messages are in the current language: the server's "日本語 (English)" is split
// by localMessage(); the full text stays in ApiError.rawMessage.
import { localMessage, t } from './i18n.js';

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

// Messages when the server sent none (keys in i18n.js).
const FALLBACK = [400, 401, 403, 404, 409, 413, 415, 429, 500, 503];

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
    throw new ApiError(0, 'network', t('err.network'));
  }
  let data = null;
  const ct = res.headers.get('Content-Type') || '';
  if (res.status !== 204 && ct.includes('json')) {
    try { data = await res.json(); } catch (e) { data = null; }
  }
  if (res.ok) return data;
  const err = data && data.error ? data.error : {};
  const fallback = FALLBACK.includes(res.status) ? t(`err.${res.status}`) : t('err.status', { status: res.status });
  const apiErr = new ApiError(res.status, err.code || String(res.status),
    err.message ? localMessage(err.message) : fallback, err.field, data);
  apiErr.rawMessage = err.message || null;
  if (res.status === 401 && !options.noAuthRedirect && unauthorizedHandler) unauthorizedHandler();
  throw apiErr;
}

// Meta is fetched once per page load; cachedMeta() is the last answer (or null),
// for code that names a type/tag synchronously (render.js).
let metaPromise = null;
let metaValue = null;
export function getMeta() {
  if (!metaPromise) {
    metaPromise = api('GET', '/meta').then((m) => { metaValue = m; return m; })
      .catch((e) => { metaPromise = null; throw e; });
  }
  return metaPromise;
}
export function cachedMeta() { return metaValue; }
export function resetMeta() { metaPromise = null; }

/** Show the tenant (municipality) this page belongs to in el, from /meta. */
export function mountTenantName(el) {
  if (!el) return;
  getMeta().then((m) => { el.textContent = (m.tenant && m.tenant.name) || ''; }).catch(() => {});
}
