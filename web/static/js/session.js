// session.js - the logged-in user (memory only), and what an open form had typed
// when the session ended.
//
// Drafts: when a call answers 401 (the session expired or was ended elsewhere), the
// shell asks the open form for its input (keepDraft) before it shows the login screen;
// after the same user logs in again, the form of the same route takes it back
// (takeDraft) and shows it, unsaved. The draft lives only in this module's memory for
// that one re-login: never in localStorage/sessionStorage (UX.md: shared devices), and
// it is dropped on logout, when another user logs in, or once it has been taken.
import { api, setCsrf } from './api.js';

export const session = { user: null };

let draftSource = null; // () => draft object or null; set by the open form
let kept = null; // { userId, hash, data }

/** The open form registers fn() returning its unsaved input (or null); null unregisters. */
export function setDraftSource(fn) { draftSource = fn; }

/** Keep the open form's unsaved input for a re-login at hash (the current route). */
export function keepDraft(hash) {
  if (!draftSource || !session.user) return false;
  let data = null;
  try { data = draftSource(); } catch (e) { data = null; }
  if (!data) return false;
  kept = { userId: session.user.id, hash, data };
  return true;
}

/** The draft kept for hash, if the same user is logged in again; it is given only once. */
export function takeDraft(hash) {
  if (!kept || kept.hash !== hash) return null;
  const k = kept;
  kept = null;
  return session.user && session.user.id === k.userId ? k.data : null;
}

/** True while a draft waits for a re-login (the login screen says so). */
export function hasKeptDraft() { return !!kept; }

export function dropDraft() { kept = null; }

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
  // Someone else at a shared device never gets the previous user's draft.
  if (kept && kept.userId !== s.user.id) kept = null;
  session.user = s.user;
  setCsrf(s.csrf_token);
  return s.user;
}

export async function logout() {
  kept = null;
  try { await api('DELETE', '/session', { noAuthRedirect: true }); } catch (e) { /* already gone */ }
  session.user = null;
  setCsrf(null);
}
