#!/usr/bin/env node
// test_restart.mjs - failure test: PostgreSQL restarts during a write load;
// tsunagu reconnects and loses no acknowledged write.
//
//   node tests/pg/test_restart.mjs [path/to/tsunagu]      (default build/tsunagu)
//
// Starts its own throwaway cluster (scripts/pg-cluster.sh), loads the demo into
// it, serves it with 4 worker threads, logs in as coord and creates resources
// from CLIENTS concurrent clients for LOAD_MS. RESTART_AT_MS into the load it
// runs `pg-cluster.sh restart` (pg_ctl restart -m fast: every backend is
// terminated). Checks:
//   - every answer is 201 with an id, or a JSON error with a 5xx status
//     (503 busy expected) - never a dropped connection or a server crash;
//   - writes succeed again after the restart (the server reconnected);
//   - every acknowledged id can be read back (GET 200, same name), and psql
//     counts exactly those rows among the names this test wrote that were
//     acknowledged; the server is still alive and exits 0 on SIGTERM.
// Prints one line per failed check and "N passed, M failed" last; exits 1 on
// failure, 2 when the environment is missing (no PostgreSQL binaries).
// Takes about 20 s (cluster start ~3 s, load 10 s).
import { spawn, execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { resourceInput, DEMO_PASSWORD } from '../api/lib.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.resolve(REPO, process.argv[2] || process.env.TSUNAGU_BIN || 'build/tsunagu');
const CLIENTS = 6;
const LOAD_MS = 10000;
const RESTART_AT_MS = 3500;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let pass = 0;
let fail = 0;
function check(ok, desc, detail = '') {
  if (ok) pass += 1;
  else {
    fail += 1;
    console.log(`FAIL: ${desc}${detail ? `: ${detail}` : ''}`);
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

const cluster = (cmd) => execFileSync('sh', [path.join(REPO, 'scripts/pg-cluster.sh'), cmd, pgdir],
  { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const psql = (url, sql) => execFileSync('psql', ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', sql],
  { encoding: 'utf8' }).trim();

if (!existsSync(BIN)) {
  console.error(`tsunagu binary not found at ${BIN}`);
  process.exit(2);
}
const pgdir = mkdtempSync(path.join(tmpdir(), 'tg-pg-restart-'));
let server = null;
let serverLog = '';
let serverExit = null;

async function main() {
  let url;
  try {
    url = cluster('start');
  } catch (e) {
    console.error(`cannot start a PostgreSQL cluster: ${e.stderr || e.message}`);
    process.exitCode = 2;
    return;
  }
  execFileSync(BIN, ['demo', '--db', url], { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'] });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  server = spawn(BIN, ['serve', '--db', url, '--listen', `127.0.0.1:${port}`, '--threads', '4'],
    { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout.on('data', (d) => { serverLog += d; });
  server.stderr.on('data', (d) => { serverLog += d; });
  const exited = new Promise((resolve) => server.on('exit', (code, signal) => { serverExit = { code, signal }; resolve(); }));

  for (let t = Date.now(); ; await sleep(50)) {
    if (serverExit) throw new Error(`server exited at start: ${serverLog}`);
    try { if ((await fetch(`${base}/healthz`)).status === 200) break; } catch { /* not yet */ }
    if (Date.now() - t > 15000) throw new Error(`server did not answer /healthz: ${serverLog}`);
  }

  // Log in as coord; all clients share the session (one user writing from several tabs).
  const login = await fetch(`${base}/api/v1/session`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ login: 'coord', password: DEMO_PASSWORD }),
  });
  const lj = await login.json();
  const cookie = (login.headers.get('set-cookie') || '').match(/tg_session=[^;]*/);
  check(login.status === 200 && cookie && lj.csrf_token, 'login as coord', `${login.status}`);
  if (fail) return;
  const headers = { 'Content-Type': 'application/json', Cookie: cookie[0], 'X-CSRF-Token': lj.csrf_token };
  const orgId = lj.user.org_id;
  const org = await (await fetch(`${base}/api/v1/orgs/${orgId}`, { headers })).json();
  const areaId = org.area_id || null;
  const tag = `再起動試験${process.pid}`;

  const acked = []; // { id, name, t }
  const errors = new Map(); // "status code" -> count
  const bad = []; // answers that are neither 201+id nor a 5xx JSON error
  let restartStart = 0;
  let restartEnd = 0;
  const t0 = Date.now();

  async function client(k) {
    for (let i = 0; Date.now() - t0 < LOAD_MS; i++) {
      const name = `${tag}-${k}-${i}`;
      const body = JSON.stringify(resourceInput(orgId, areaId, { name }));
      let res;
      let text = '';
      try {
        res = await fetch(`${base}/api/v1/resources`, { method: 'POST', headers, body, signal: AbortSignal.timeout(20000) });
        text = await res.text();
      } catch (e) {
        bad.push(`${name}: no answer (${e.cause ? e.cause.code || e.cause.message : e.message})`);
        await sleep(50);
        continue;
      }
      let j = null;
      try { j = JSON.parse(text); } catch { /* checked below */ }
      if (res.status === 201 && j && Number.isInteger(j.id)) {
        acked.push({ id: j.id, name, t: Date.now() - t0 });
      } else if (res.status >= 500 && j && j.error && typeof j.error.code === 'string') {
        const key = `${res.status} ${j.error.code}`;
        errors.set(key, (errors.get(key) || 0) + 1);
        await sleep(20); // a client backs off a little on 503
      } else {
        bad.push(`${name}: ${res.status} ${text.slice(0, 200)}`);
      }
    }
  }

  async function restarter() {
    await sleep(RESTART_AT_MS);
    restartStart = Date.now() - t0;
    await new Promise((resolve, reject) => {
      const p = spawn('sh', [path.join(REPO, 'scripts/pg-cluster.sh'), 'restart', pgdir], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      p.stderr.on('data', (d) => { err += d; });
      p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`restart failed: ${err}`))));
    });
    restartEnd = Date.now() - t0;
  }

  await Promise.all([restarter(), ...Array.from({ length: CLIENTS }, (_, k) => client(k))]);

  const errText = [...errors].map(([k, v]) => `${v}x ${k}`).join(', ') || 'none';
  console.log(`load: ${acked.length} acknowledged, errors: ${errText}, restart ${restartStart}-${restartEnd} ms`);
  check(restartEnd > 0, 'PostgreSQL restarted during the load');
  check(acked.filter((a) => a.t < restartStart).length > 0, 'writes were acknowledged before the restart');
  const after = acked.filter((a) => a.t > restartEnd);
  check(after.length > 0, 'writes are acknowledged again after the restart (the server reconnected)', `${after.length} after`);
  check(bad.length === 0, 'every failed write is a 5xx JSON error (no dropped connection, no 4xx)',
    `${bad.length}: ${bad.slice(0, 5).join(' | ')}`);
  const non503 = [...errors.keys()].filter((k) => k !== '503 busy');
  check(non503.length === 0, 'outage errors are 503 busy', non503.join(', '));
  check(!serverExit, 'the server is still running', JSON.stringify(serverExit));

  // Every acknowledged write is there, through the API...
  const missing = [];
  for (const a of acked) {
    const r = await fetch(`${base}/api/v1/resources/${a.id}`, { headers });
    const j = r.status === 200 ? await r.json() : null;
    if (!j || j.name !== a.name) missing.push(`${a.id} (${r.status})`);
  }
  check(missing.length === 0, 'GET answers 200 with the right name for every acknowledged id', missing.slice(0, 10).join(', '));
  // ... and in the database (as the superuser: the server's role sees no rows
  // through row-level security without tsunagu.tenant).
  const admin = cluster('admin-url');
  const ids = acked.map((a) => a.id);
  const n = Number(psql(admin, `SELECT count(*) FROM resources WHERE id = ANY('{${ids.join(',')}}'::bigint[])`));
  check(n === ids.length, 'psql finds every acknowledged id', `${n} of ${ids.length}`);
  const written = Number(psql(admin, `SELECT count(*) FROM resources WHERE name LIKE '${tag}-%'`));
  // A write that failed with 503 may still have committed (the answer was lost
  // with the connection), so the database may hold more than was acknowledged.
  check(written >= ids.length, 'no acknowledged row is missing by name', `${written} rows, ${ids.length} acknowledged`);
  console.log(`database: ${written} rows written by the test, ${ids.length} acknowledged`);

  const healthz = await fetch(`${base}/healthz`).then((r) => r.status, () => 0);
  check(healthz === 200, '/healthz after the test', `${healthz}`);
  server.kill('SIGTERM');
  await Promise.race([exited, sleep(10000)]);
  check(serverExit && serverExit.code === 0, 'the server exits 0 on SIGTERM', JSON.stringify(serverExit));
  if (/AddressSanitizer|runtime error|Segmentation/.test(serverLog)) check(false, 'no sanitizer report in the server log');
  if (process.env.TSUNAGU_TEST_VERBOSE) console.log(serverLog.split("\n").filter((l) => !l.includes("event=access")).join("\n"));
  if (fail) console.log(`server log (last lines):\n${serverLog.split('\n').slice(-25).join('\n')}`);
}

try {
  await main();
} catch (e) {
  check(false, 'test ran to the end', e.stack || String(e));
} finally {
  if (server && !serverExit) server.kill('SIGKILL');
  try { cluster('stop'); } catch { /* already stopped */ }
  rmSync(pgdir, { recursive: true, force: true });
}
if (process.exitCode !== 2) {
  console.log(`${pass} passed, ${fail} failed`);
  process.exitCode = fail ? 1 : 0;
}
