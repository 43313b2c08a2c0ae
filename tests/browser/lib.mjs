// Shared helpers of the browser tests (each *.test.mjs file runs in its own
// process, so `problems` is per file): Debian's Chromium through playwright-core,
// the watch for CSP violations, page errors and requests to other origins, and
// axe-core with no violation allowed.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BASE = (process.env.TSUNAGU_URL || 'http://127.0.0.1:18080').replace(/\/$/, '');
export const PASSWORD = process.env.TSUNAGU_PASSWORD || '';
export const OUT = path.join(ROOT, process.env.TSUNAGU_BROWSER_OUT || path.join('test-output', 'browser'));
const AXE_SOURCE = fs.readFileSync(path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

/** CSP errors, page errors and external requests seen by watch(); a file's last test asserts it is empty. */
export const problems = [];

/** Chromium (never a downloaded browser), headless, with extra command-line arguments. */
export async function launch(extraArgs = []) {
  fs.mkdirSync(OUT, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', ...extraArgs],
  });
}

/** Record CSP violations, page errors and requests outside BASE (and the extra bases) in problems. */
export function watch(page, label, ...bases) {
  const origins = [BASE, ...bases].map((b) => new URL(b).origin);
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content[- ]Security[- ]Policy/i.test(msg.text())) {
      problems.push(`${label}: CSP: ${msg.text()}`);
    }
  });
  page.on('pageerror', (err) => problems.push(`${label}: page error: ${err.message}`));
  page.on('request', (req) => {
    const u = req.url();
    if (/^https?:/.test(u) && !origins.some((o) => u.startsWith(o))) problems.push(`${label}: external request ${u}`);
  });
}

/** axe-core on the page as it is; any violation fails. */
export async function axe(page, what) {
  // page.addScriptTag would add an inline <script>, which the strict CSP (rightly)
  // blocks; evaluating the source through the DevTools protocol is not subject to it.
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')} :: ${n.failureSummary}`),
    }));
  });
  if (result.length) console.error(`axe violations on ${what}:\n${JSON.stringify(result, null, 2)}`);
  assert.equal(result.length, 0, `axe found ${result.length} violation(s) on ${what}: ${result.map((v) => v.id).join(', ')}`);
}

/** A full-page screenshot OUT/name.png. */
export async function shot(page, name) {
  await page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: true });
}

/** A node-side API client logged in as a demo account (password PASSWORD): (method, path, body) -> JSON, asserting success. */
export async function apiLogin(login) {
  const res = await fetch(`${BASE}/api/v1/session`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ login, password: PASSWORD }),
  });
  assert.equal(res.status, 200, `API login as ${login}`);
  const cookie = res.headers.get('set-cookie').split(';')[0];
  const { csrf_token: csrf } = await res.json();
  return async (method, p, body) => {
    const r = await fetch(`${BASE}/api/v1${p}`, {
      method,
      headers: { Cookie: cookie, 'X-CSRF-Token': csrf, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const j = r.status === 204 ? null : await r.json();
    assert.ok(r.ok, `${method} ${p}: ${r.status} ${JSON.stringify(j)}`);
    return j;
  };
}

/** Log in through the staff UI's form and wait for the main menu. */
export async function login(page, user) {
  await page.goto(`${BASE}/app`);
  await page.getByLabel('ログインID').fill(user);
  await page.getByLabel('パスワード').fill(PASSWORD);
  await page.getByRole('button', { name: 'ログイン' }).click();
  await page.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: 'ホーム' }).waitFor();
}
