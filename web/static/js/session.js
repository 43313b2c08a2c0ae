// session.js - the logged-in user (memory only).
import { api, setCsrf } from './api.js';

export const session = { user: null };

export async function loadSession() {
  try {
    const s = await api('GET', '/session', { noAuthRedirect: true });
    session.user = s.user;
    setCsrf(s.csrf_token);
    return s.user;
  } catch (e) {
    if (e.status === 401) { session.user = null; setCsrf(null); return null; }
    throw e;
  }
}

export async function login(loginId, password) {
  const s = await api('POST', '/session', { body: { login: loginId, password }, noAuthRedirect: true });
  session.user = s.user;
  setCsrf(s.csrf_token);
  return s.user;
}

export async function logout() {
  try { await api('DELETE', '/session', { noAuthRedirect: true }); } catch (e) { /* already gone */ }
  session.user = null;
  setCsrf(null);
}
