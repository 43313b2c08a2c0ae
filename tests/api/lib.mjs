// Shared helpers for the API and HSDS suites: start a real tsunagu server on a
// fresh demo database, log in as demo accounts, make raw HTTP requests.
//
//   import { startServer, ACCOUNTS } from '../api/lib.mjs';
//   const srv = await startServer();          // in before()
//   const admin = await srv.login('admin');   // client with cookie + csrf
//   const r = await admin.request('GET', '/api/v1/orgs');
//   await srv.stop();                         // in after(): SIGTERM, asserts exit 0
//
// Env: TSUNAGU_BIN (default build/tsunagu, relative to the repository root),
//      TSUNAGU_TEST_VERBOSE=1 to echo the server's stderr,
//      TSUNAGU_TEST_PG_ADMIN=postgresql://... to run each server on PostgreSQL:
//        a maintenance URL (e.g. the one scripts/pg-cluster.sh prints); every
//        server gets its own database t_<random> (CREATE DATABASE through psql),
//        dropped again by stop().

import { spawn, execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import Ajv from 'ajv';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

// ---------------------------------------------------------------------------
// The demo accounts (data/demo/demo.json). Adjust names here and only here.
export const DEMO_PASSWORD = 'tsunagu-demo-2026';
export const ACCOUNTS = {
  admin: { login: 'admin', role: 'admin' },
  coord: { login: 'coord', role: 'coordinator' }, // さくら区社会福祉協議会, covers the ward
  staff_a: { login: 'staff_a', role: 'staff' },   // an NPO
  staff_b: { login: 'staff_b', role: 'staff' },   // another org
  viewer: { login: 'viewer', role: 'viewer' },
};
// ---------------------------------------------------------------------------

export const ERROR_CODES = {
  400: ['invalid'], 401: ['unauthorized'], 403: ['forbidden', 'csrf'], 404: ['not_found', 'no_route', 'unknown_tenant'],
  405: ['method_not_allowed'], 409: ['conflict'], 413: ['too_large'], 415: ['unsupported_media_type'],
  422: ['invalid', 'rejected', 'import_rejected'], 429: ['rate_limited'],
};

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// PostgreSQL per-server databases (TSUNAGU_TEST_PG_ADMIN): the URL of a new,
// empty database next to the admin one, and the way to drop it.
async function createPgDatabase(adminUrl) {
  const name = `t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  await run('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', adminUrl, '-c', `CREATE DATABASE ${name}`], {});
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return { name, url: u.toString() };
}

// An autovacuum worker busy in the database cannot be terminated by the test
// role (it is no superuser, as a deployment's role is not): DROP ... WITH
// (FORCE) then fails with "must be a member of the role whose process is
// being terminated". The worker is done within moments: try again.
async function dropPgDatabase(adminUrl, name) {
  for (let attempt = 1; ; attempt++) {
    try {
      await run('psql', ['-X', '-q', '-d', adminUrl, '-c', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`], {});
      return;
    } catch (e) {
      if (attempt >= 40 || !/process is being terminated/.test(e.message)) throw e;
      await sleep(250);
    }
  }
}

function run(bin, args, opts) {
  return new Promise((resolve, reject) => {
    execFile(bin, args, { ...opts, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${bin} ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      else resolve({ stdout, stderr });
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Raw HTTP request. body: undefined | string | Buffer | object (JSON-encoded).
 * Resolves {status, headers, text, json, raw} even when the server answers
 * before it has read the whole body (413) and then closes the connection.
 */
export function rawRequest(base, method, pth, body, headers = {}) {
  const url = new URL(pth, base);
  let payload;
  const h = { ...headers };
  if (body !== undefined && body !== null) {
    if (Buffer.isBuffer(body) || typeof body === 'string') payload = Buffer.from(body);
    else {
      payload = Buffer.from(JSON.stringify(body));
      if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) h['Content-Type'] = 'application/json';
    }
    h['Content-Length'] = String(payload.length);
  }
  // Large bodies go with Expect: 100-continue, as curl sends them: the server
  // may answer 413 before the body is sent, instead of the upload racing the
  // server's close (an EPIPE before the answer could be read).
  const expectContinue = payload && payload.length > (512 << 10) &&
    !Object.keys(h).some((k) => k.toLowerCase() === 'expect');
  if (expectContinue) h.Expect = '100-continue';
  return new Promise((resolve, reject) => {
    let gotResponse = false;
    const req = http.request(url, { method, headers: h, agent: false }, (res) => {
      gotResponse = true;
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const raw = Buffer.concat(chunks);
        const text = raw.toString('utf8');
        let json;
        const ct = res.headers['content-type'] || '';
        if (/json/.test(ct) && text.length) {
          try { json = JSON.parse(text); } catch { json = undefined; }
        }
        resolve({ status: res.statusCode, headers: res.headers, text, json, raw });
      });
    });
    req.setTimeout(20000, () => req.destroy(new Error(`timeout: ${method} ${pth}`)));
    req.on('error', (e) => { if (!gotResponse) reject(e); });
    if (expectContinue) {
      req.on('continue', () => { if (!gotResponse) req.end(payload); });
      req.on('response', (res) => res.on('end', () => { if (!req.writableEnded) req.destroy(); }));
      req.flushHeaders();
      return;
    }
    if (payload) {
      // Write in chunks; ignore EPIPE after an early answer.
      req.write(payload, () => {});
    }
    req.end();
  });
}

/** Assert the contract's error body shape; returns error object. */
export function assertError(res, status, code) {
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${res.text.slice(0, 300)}`);
  assert.match(res.headers['content-type'] || '', /application\/json/, `error ${status} must be JSON`);
  assert.ok(res.json && typeof res.json.error === 'object', `error body shape: ${res.text.slice(0, 300)}`);
  const e = res.json.error;
  assert.equal(typeof e.code, 'string', 'error.code is a string');
  assert.equal(typeof e.message, 'string', 'error.message is a string');
  assert.ok(e.message.length > 0, 'error.message is not empty');
  if ('field' in e) assert.equal(typeof e.field, 'string', 'error.field is a string when present');
  if (code) assert.equal(e.code, code, `error.code for ${status}: ${res.text.slice(0, 300)}`);
  else if (ERROR_CODES[status]) assert.ok(ERROR_CODES[status].includes(e.code), `unexpected error.code ${e.code} for ${status}`);
  return e;
}

export function assertOk(res, status = 200) {
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${res.text.slice(0, 500)}`);
  return res.json;
}

class Client {
  // defaults: headers sent with every request (e.g. X-Tsunagu-Tenant or Host).
  constructor(base, name, defaults = {}) {
    this.base = base;
    this.name = name;
    this.defaults = defaults;
    this.cookies = new Map();
    this.csrf = null;
    this.user = null;
  }
  cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  absorb(res) {
    let sc = res.headers['set-cookie'] || [];
    for (const c of sc) {
      const [pair, ...attrs] = c.split(';');
      const i = pair.indexOf('=');
      const k = pair.slice(0, i).trim();
      const v = pair.slice(i + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || v === '';
      if (expired) this.cookies.delete(k);
      else this.cookies.set(k, v);
    }
  }
  /** request(method, path, body, headers). Sends cookie and, on state-changing
   *  methods, X-CSRF-Token (unless headers override it; pass null to omit). */
  async request(method, pth, body, headers = {}) {
    const h = { ...this.defaults };
    if (this.cookies.size) h.Cookie = this.cookieHeader();
    if (this.csrf && !['GET', 'HEAD', 'OPTIONS'].includes(method)) h['X-CSRF-Token'] = this.csrf;
    for (const [k, v] of Object.entries(headers)) {
      for (const hk of Object.keys(h)) if (hk.toLowerCase() === k.toLowerCase()) delete h[hk];
      if (v !== null && v !== undefined) h[k] = v;
    }
    const res = await rawRequest(this.base, method, pth, body, h);
    this.absorb(res);
    return res;
  }
  get(p, h) { return this.request('GET', p, undefined, h); }
  post(p, b, h) { return this.request('POST', p, b, h); }
  put(p, b, h) { return this.request('PUT', p, b, h); }
  del(p, h) { return this.request('DELETE', p, undefined, h); }
}

/**
 * Start a server on a fresh demo database (the demo data in the tenant
 * "default"), or with shareDb on the database of another running server.
 * tenants: more tenants to create first, each
 * { code, name, hosts: [...], demo: true|false } (`tsunagu tenant add`, then
 * `tsunagu demo --tenant CODE` when demo).
 */
export async function startServer({ extraArgs = [], tenants = [], shareDb = null } = {}) {
  const bin = path.resolve(REPO, process.env.TSUNAGU_BIN || 'build/tsunagu');
  if (!existsSync(bin)) throw new Error(`tsunagu binary not found at ${bin} (build it with make, or set TSUNAGU_BIN)`);
  const dir = await mkdtemp(path.join(tmpdir(), 'tsunagu-test-'));
  // shareDb: the database of another running test server (a second process
  // on the same database); it is neither created nor dropped here.
  const pgAdmin = shareDb ? null : process.env.TSUNAGU_TEST_PG_ADMIN;
  const pg = pgAdmin ? await createPgDatabase(pgAdmin) : null;
  const db = shareDb || (pg ? pg.url : path.join(dir, 't.db'));
  if (!shareDb) await run(bin, ['demo', '--db', db], { cwd: REPO });
  for (const t of tenants) {
    await run(bin, ['tenant', 'add', '--db', db, '--code', t.code, '--name', t.name,
      ...(t.hosts || []).flatMap((h) => ['--host', h])], { cwd: REPO });
    if (t.demo) await run(bin, ['demo', '--db', db, '--tenant', t.code], { cwd: REPO });
  }
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(bin, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`, ...extraArgs], {
    cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TZ: 'Asia/Tokyo' },
  });
  let log = '';
  child.stdout.on('data', (d) => { log += d; });
  child.stderr.on('data', (d) => { log += d; if (process.env.TSUNAGU_TEST_VERBOSE) process.stderr.write(d); });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let exitInfo = null;
  exited.then((x) => { exitInfo = x; });

  const deadline = Date.now() + 15000;
  for (;;) {
    if (exitInfo) throw new Error(`server exited early (${JSON.stringify(exitInfo)}):\n${log}`);
    try {
      const r = await rawRequest(base, 'GET', '/healthz');
      if (r.status === 200) break;
    } catch { /* not yet listening */ }
    if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error(`server did not become healthy:\n${log}`); }
    await sleep(50);
  }

  const srv = {
    base, dir, db, bin, child,
    get log() { return log; },
    /** headers: sent with every request of the client (tenant selection). */
    anon(headers = {}) { return new Client(base, 'anonymous', headers); },
    request(method, pth, body, headers) { return rawRequest(base, method, pth, body, headers); },
    /** Log in as a key of ACCOUNTS (or a raw login) and return a Client. */
    async login(who, password = DEMO_PASSWORD, headers = {}) {
      const login = ACCOUNTS[who] ? ACCOUNTS[who].login : who;
      const c = new Client(base, who, headers);
      const res = await c.request('POST', '/api/v1/session', { login, password });
      assert.equal(res.status, 200, `login ${login}: ${res.status} ${res.text.slice(0, 300)}`);
      assert.ok(res.json && res.json.user && typeof res.json.csrf_token === 'string', `login body: ${res.text}`);
      assert.ok(c.cookies.has('tg_session'), 'login sets tg_session');
      c.csrf = res.json.csrf_token;
      c.user = res.json.user;
      c.loginResponse = res;
      return c;
    },
    async stop() {
      if (!exitInfo) child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10000);
      const x = await exited;
      clearTimeout(t);
      await rm(dir, { recursive: true, force: true });
      if (pg) await dropPgDatabase(pgAdmin, pg.name);
      assert.deepEqual(x, { code: 0, signal: null }, `server exit after SIGTERM; log:\n${log.slice(-2000)}`);
    },
  };
  return srv;
}

// ---------------------------------------------------------------------------
// Fixtures built through the API itself, so the suites do not depend on the
// exact demo content.

/** meta + the areas: ward of the coordinator, districts inside it, areas outside. */
export async function loadWorld(srv) {
  const admin = await srv.login('admin');
  const meta = assertOk(await admin.get('/api/v1/meta'));
  const coord = await srv.login('coord');
  const staffA = await srv.login('staff_a');
  const staffB = await srv.login('staff_b');
  const coordOrg = assertOk(await admin.get(`/api/v1/orgs/${coord.user.org_id}`));
  const areas = meta.areas;
  const byId = new Map(areas.map((a) => [a.id, a]));
  const inside = (id, root) => { for (let a = byId.get(id); a; a = byId.get(a.parent_id)) if (a.id === root) return true; return false; };
  const ward = coordOrg.area_id ? byId.get(coordOrg.area_id) : areas.find((a) => a.level === 1) || areas[0];
  assert.ok(ward, 'the coordinator org has an area (the ward)');
  const districts = areas.filter((a) => a.id !== ward.id && inside(a.id, ward.id));
  // outside: disjoint from the ward; notInWard: also the ward's ancestors (the city).
  const outside = areas.filter((a) => !inside(a.id, ward.id) && !inside(ward.id, a.id));
  const notInWard = areas.filter((a) => !inside(a.id, ward.id));
  return {
    meta, admin, coord, staffA, staffB, ward, districts, outside, notInWard, inside,
    d1: districts[0] || ward, d2: districts[1] || ward,
  };
}

let seq = 0;
/** A complete, valid ResourceInput. */
export function resourceInput(orgId, areaId, over = {}) {
  seq += 1;
  return {
    org_id: orgId,
    type: 'tsudoi',
    name: `テスト広場${seq}`,
    name_kana: `てすとひろば${[...String(seq)].map((d) => 'あいうえおかきくけこ'[d]).join('')}`,
    description: '試験用の資源です。',
    area_id: areaId,
    address: { postal_code: '231-0001', prefecture: '神奈川県', city: 'みなと市さくら区', line: '本町1-2-3', building: 'さくらビル2階' },
    location: { lat: 35.44, lon: 139.63 },
    front_door: null,
    phone: '045-123-4567',
    email: null,
    url: null,
    ages: { min_months: 0, max_months: 36 },
    fee: { free: true, text: null },
    capacity: 15,
    services: ['ibasho', 'soudan'],
    access: ['stroller'],
    accessibility_notes: null,
    hours: [{ weekday: 1, open: '10:00', close: '15:00' }],
    exceptions: [],
    schedule_note: null,
    is_public: true,
    is_confidential: false,
    ...over,
  };
}

/** Resource (GET shape) -> ResourceInput for PUT. */
export function toInput(r) {
  const ro = ['id', 'uuid', 'org', 'type_name', 'area_path', 'address_hidden', 'open_now', 'verification_due',
    'created_at', 'updated_at', 'can_edit', 'today'];
  const out = { org_id: r.org.id };
  for (const [k, v] of Object.entries(r)) if (!ro.includes(k)) out[k] = v;
  return out;
}

export async function createResource(client, input) {
  const res = await client.post('/api/v1/resources', input);
  assert.equal(res.status, 201, `create resource as ${client.name}: ${res.status} ${res.text.slice(0, 400)}`);
  return res.json;
}

/** Ids of a search (all pages up to 100). */
export async function searchIds(client, qs) {
  const res = await client.get(`/api/v1/resources?${qs}${qs ? '&' : ''}limit=100`);
  assert.equal(res.status, 200, `search ${qs}: ${res.status} ${res.text.slice(0, 300)}`);
  return res.json.items.map((i) => i.id);
}

/** Unicode code point slice. */
export function cpSlice(s, a, b) { return [...s].slice(a, b).join(''); }

// assertOpenApi(res, pathKey, method): the answer is one that src/http/openapi.json
// declares for the operation (pathKey as written there, e.g. '/api/v1/resources/{id}'):
// its status is listed, its content type is one of that response's, and a JSON body
// validates against the declared schema.
let openapi = null;
export function assertOpenApi(res, pathKey, method) {
  if (!openapi) {
    const doc = JSON.parse(readFileSync(path.join(REPO, 'src/http/openapi.json'), 'utf8'));
    const ajv = new Ajv({ strict: false, allErrors: true });
    ajv.addKeyword('example');
    for (const f of ['uuid', 'date', 'date-time', 'email', 'uri', 'binary']) ajv.addFormat(f, true);
    ajv.addSchema({ $id: 'openapi', components: doc.components });
    openapi = { doc, ajv, cache: new Map() };
  }
  const what = `${method.toUpperCase()} ${pathKey} -> ${res.status}`;
  const op = openapi.doc.paths[pathKey]?.[method.toLowerCase()];
  assert.ok(op, `${method} ${pathKey} is in the OpenAPI document`);
  let r = op.responses[String(res.status)];
  assert.ok(r, `${what}: the status is declared (${Object.keys(op.responses).join(', ')})`);
  if (r.$ref) r = openapi.doc.components.responses[r.$ref.split('/').pop()];
  if (!r.content) return;
  const type = (res.headers['content-type'] || '').split(';')[0].trim();
  const media = r.content[type];
  assert.ok(media, `${what}: content type ${type} is declared (${Object.keys(r.content).join(', ')})`);
  if (type !== 'application/json') return;
  const key = `${pathKey} ${method} ${res.status}`;
  let v = openapi.cache.get(key);
  if (!v) {
    const schema = JSON.parse(JSON.stringify(media.schema).replaceAll('"#/components/', '"openapi#/components/'));
    v = openapi.ajv.compile(schema);
    openapi.cache.set(key, v);
  }
  assert.ok(v(res.json), `${what}: body matches the schema: ${JSON.stringify(v.errors?.slice(0, 3))}`);
}
