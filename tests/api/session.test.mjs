// Sessions: login, wrong credentials, logout, password change, cookie attributes.
// (Throttling has its own file/server so that it cannot lock out other tests.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, assertError, assertOk, ACCOUNTS, DEMO_PASSWORD } from './lib.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv?.stop(); });

test('login ok returns user + csrf_token and a hardened cookie', async () => {
  const c = await srv.login('staff_a');
  const u = c.user;
  for (const k of ['id', 'login', 'display_name', 'role', 'org_id', 'org_name', 'disabled']) assert.ok(k in u, `User.${k}`);
  assert.equal(u.login, ACCOUNTS.staff_a.login);
  assert.equal(u.role, 'staff');
  assert.equal(u.disabled, false);
  assert.ok(!('password_hash' in u) && !('password' in u), 'no password material in User');
  assert.ok(c.csrf.length >= 16, 'csrf token has some entropy');
  const sc = (c.loginResponse.headers['set-cookie'] || []).find((s) => s.startsWith('tg_session='));
  assert.ok(sc, 'Set-Cookie tg_session');
  assert.match(sc, /;\s*HttpOnly/i, 'HttpOnly');
  assert.match(sc, /;\s*SameSite=Strict/i, 'SameSite=Strict');
  assert.match(sc, /;\s*Path=\//i, 'Path=/');
  assert.doesNotMatch(sc, /;\s*Secure/i, 'no Secure flag over plain HTTP');
  const token = sc.split(';')[0].slice('tg_session='.length);
  assert.ok(token.length >= 20, 'session token has some entropy');
  assert.ok(!sc.includes(c.csrf), 'csrf token differs from session token');
  // GET /api/v1/session echoes the user.
  const s = assertOk(await c.get('/api/v1/session'));
  assert.equal(s.user.id, u.id);
  assert.equal(typeof s.csrf_token, 'string');
});

test('every demo account can log in with its role', async () => {
  for (const [key, acc] of Object.entries(ACCOUNTS)) {
    const c = await srv.login(key);
    assert.equal(c.user.role, acc.role, `${key} role`);
  }
});

test('wrong password and unknown user: 401 with the same message', async () => {
  const a = srv.anon();
  const r1 = await a.post('/api/v1/session', { login: ACCOUNTS.viewer.login, password: 'wrong-password-1' });
  const e1 = assertError(r1, 401, 'unauthorized');
  const r2 = await a.post('/api/v1/session', { login: 'no_such_user_x', password: 'wrong-password-1' });
  const e2 = assertError(r2, 401, 'unauthorized');
  assert.equal(e1.message, e2.message, 'no user enumeration through the message');
  assert.ok(!(r1.headers['set-cookie'] || []).some((s) => /^tg_session=[^;]+/.test(s) && !/max-age=0/i.test(s)), 'no session cookie on failure');
});

test('login with malformed body: 400', async () => {
  const a = srv.anon();
  assertError(await a.post('/api/v1/session', '{"login":', { 'Content-Type': 'application/json' }), 400, 'invalid');
  assertError(await a.post('/api/v1/session', { login: 42, password: DEMO_PASSWORD }), 400, 'invalid');
});

test('GET /api/v1/session without a session: 401', async () => {
  assertError(await srv.anon().get('/api/v1/session'), 401, 'unauthorized');
  assertError(await srv.request('GET', '/api/v1/session', undefined, { Cookie: 'tg_session=forged-token-value-0000000000' }), 401, 'unauthorized');
});

test('logout ends the session', async () => {
  const c = await srv.login('viewer');
  const cookie = c.cookieHeader();
  const r = await c.del('/api/v1/session');
  assert.equal(r.status, 204, r.text);
  // The old cookie no longer works even if a client keeps it.
  assertError(await srv.request('GET', '/api/v1/session', undefined, { Cookie: cookie }), 401, 'unauthorized');
});

test('logout needs the CSRF token', async () => {
  const c = await srv.login('viewer');
  assertError(await c.del('/api/v1/session', { 'X-CSRF-Token': null }), 403, 'csrf');
  assertOk(await c.get('/api/v1/session'));
});

test('password change: validation, success, other sessions end, old password stops working', async () => {
  const who = 'staff_b';
  const login = ACCOUNTS[who].login;
  const c1 = await srv.login(who);
  const c2 = await srv.login(who);
  // Wrong current password: rejected, nothing changes.
  const bad = await c1.post('/api/v1/session/password', { current_password: 'not-the-password', new_password: 'a-new-password-123' });
  assert.ok([400, 401, 403].includes(bad.status), `wrong current password: ${bad.status}`);
  assertError(bad, bad.status);
  // Too short.
  const short = await c1.post('/api/v1/session/password', { current_password: DEMO_PASSWORD, new_password: 'short9' });
  const e = assertError(short, 400, 'invalid');
  assert.equal(e.field, 'new_password');
  // Too long (1025 characters, 3075 bytes): a 400 too, not a 500.
  assert.equal(assertError(await c1.post('/api/v1/session/password', { current_password: DEMO_PASSWORD, new_password: '語'.repeat(1025) }), 400, 'invalid').field, 'new_password');
  // Without CSRF.
  assertError(await c1.post('/api/v1/session/password', { current_password: DEMO_PASSWORD, new_password: 'a-new-password-123' }, { 'X-CSRF-Token': null }), 403, 'csrf');
  assertOk(await c2.get('/api/v1/session'));
  await srv.login(who); // old password still valid after the failures
  // Success.
  const ok = await c1.post('/api/v1/session/password', { current_password: DEMO_PASSWORD, new_password: 'a-new-password-123' });
  assert.equal(ok.status, 204, ok.text);
  assertError(await c2.get('/api/v1/session'), 401, 'unauthorized');
  assertOk(await c1.get('/api/v1/session'));
  assertError(await srv.anon().post('/api/v1/session', { login, password: DEMO_PASSWORD }), 401, 'unauthorized');
  await srv.login(who, 'a-new-password-123');
});
