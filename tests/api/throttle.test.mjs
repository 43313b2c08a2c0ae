// Login throttling: repeated failures -> 429 rate_limited with Retry-After.
// Own server: throttling state must not leak into other suites.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, assertError, ACCOUNTS, DEMO_PASSWORD } from './lib.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv?.stop(); });

test('repeated failed logins are throttled with 429 and Retry-After', async () => {
  const a = srv.anon();
  let got;
  for (let i = 0; i < 50; i++) {
    const r = await a.post('/api/v1/session', { login: ACCOUNTS.viewer.login, password: `wrong-${i}` });
    if (r.status === 429) { got = r; break; }
    assertError(r, 401, 'unauthorized');
  }
  assert.ok(got, 'no 429 after 50 failed logins');
  assertError(got, 429, 'rate_limited');
  const ra = got.headers['retry-after'];
  assert.ok(ra && /^\d+$/.test(ra) && Number(ra) > 0, `Retry-After: ${ra}`);
  // While throttled, even the right password is refused (no oracle).
  const r = await a.post('/api/v1/session', { login: ACCOUNTS.viewer.login, password: DEMO_PASSWORD });
  assertError(r, 429, 'rate_limited');
});
