// Static checks of src/http/openapi.json (no server needed): well-formed
// OpenAPI 3.0.3 structure, every $ref resolves, required components exist,
// path parameters declared, 4xx answers use the Error schema, and the
// document is what tests/api/gen-openapi.mjs generates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import Ajv from 'ajv';
import { REPO } from './lib.mjs';

const file = path.join(REPO, 'src/http/openapi.json');
const doc = JSON.parse(readFileSync(file, 'utf8'));

// A compact structural schema for OpenAPI 3.0.x (the parts we use, strictly).
const refOr = (s) => ({ oneOf: [{ type: 'object', required: ['$ref'], properties: { $ref: { type: 'string' } }, additionalProperties: false }, s] });
const schemaObj = { type: 'object' };
const mediaMap = { type: 'object', minProperties: 1, additionalProperties: { type: 'object', required: ['schema'], properties: { schema: schemaObj } } };
const parameter = refOr({
  type: 'object', required: ['name', 'in', 'schema'],
  properties: { name: { type: 'string' }, in: { enum: ['query', 'path', 'header', 'cookie'] }, required: { type: 'boolean' }, schema: schemaObj, description: { type: 'string' } },
  additionalProperties: false,
  if: { properties: { in: { const: 'path' } } }, then: { required: ['required'], properties: { required: { const: true } } },
});
const response = refOr({
  type: 'object', required: ['description'],
  properties: { description: { type: 'string' }, content: mediaMap, headers: { type: 'object' } }, additionalProperties: false,
});
const operation = {
  type: 'object', required: ['responses', 'operationId'],
  properties: {
    operationId: { type: 'string', pattern: '^[A-Za-z0-9_]+$' }, summary: { type: 'string' }, description: { type: 'string' },
    tags: { type: 'array', items: { type: 'string' } }, security: { type: 'array', items: { type: 'object' } },
    parameters: { type: 'array', items: parameter },
    requestBody: { type: 'object', required: ['content'], properties: { required: { type: 'boolean' }, description: { type: 'string' }, content: mediaMap }, additionalProperties: false },
    responses: { type: 'object', minProperties: 1, propertyNames: { pattern: '^([1-5]\\d\\d|default)$' }, additionalProperties: response },
  },
  additionalProperties: false,
};
const openapiSchema = {
  type: 'object', required: ['openapi', 'info', 'paths', 'components'],
  properties: {
    openapi: { const: '3.0.3' },
    info: { type: 'object', required: ['title', 'version'] },
    servers: { type: 'array' }, tags: { type: 'array' },
    paths: {
      type: 'object', propertyNames: { pattern: '^/' },
      additionalProperties: {
        type: 'object', propertyNames: { enum: ['get', 'put', 'post', 'delete', 'patch', 'parameters', 'summary', 'description'] },
        properties: { get: operation, put: operation, post: operation, delete: operation, patch: operation, parameters: { type: 'array', items: parameter } },
      },
    },
    components: {
      type: 'object',
      properties: {
        schemas: { type: 'object', additionalProperties: schemaObj },
        parameters: { type: 'object', additionalProperties: parameter },
        responses: { type: 'object', additionalProperties: response },
        securitySchemes: { type: 'object', additionalProperties: { type: 'object', required: ['type'] } },
      },
      additionalProperties: false,
    },
  },
  additionalProperties: false,
};

function resolve(ref) {
  assert.ok(ref.startsWith('#/'), `only local refs: ${ref}`);
  let cur = doc;
  for (const part of ref.slice(2).split('/')) {
    cur = cur?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return cur;
}
function* walk(o, p = '') {
  if (o && typeof o === 'object') {
    yield [o, p];
    for (const [k, v] of Object.entries(o)) yield* walk(v, `${p}/${k}`);
  }
}
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

test('OpenAPI structure (ajv)', () => {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const ok = ajv.validate(openapiSchema, doc);
  assert.ok(ok, JSON.stringify(ajv.errors?.slice(0, 5), null, 1));
});

test('every $ref resolves', () => {
  const bad = [];
  for (const [o, p] of walk(doc)) if (typeof o.$ref === 'string' && resolve(o.$ref) === undefined) bad.push(`${p}: ${o.$ref}`);
  assert.deepEqual(bad, []);
});

test('component schemas compile; docs/api.md examples validate', () => {
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addKeyword('example');
  for (const f of ['uuid', 'date', 'date-time', 'email', 'uri', 'binary']) ajv.addFormat(f, true);
  ajv.addSchema({ $id: 'openapi', components: doc.components });
  const get = (name) => {
    const v = ajv.getSchema(`openapi#/components/schemas/${name}`);
    assert.ok(v, `schema ${name} compiles`);
    return v;
  };
  for (const name of Object.keys(doc.components.schemas)) get(name);
  const md = readFileSync(path.join(REPO, 'docs/api.md'), 'utf8');
  const block = (heading) => JSON.parse(md.split(heading)[1].split('```json')[1].split('```')[0]);
  for (const [heading, name] of [['## Resource', 'Resource'], ['## ImportReport', 'ImportReport']]) {
    const v = get(name);
    const ex = block(heading);
    assert.ok(v(ex), `${name} example from docs/api.md: ${JSON.stringify(v.errors)}`);
  }
  const err = JSON.parse(md.match(/Errors: `(\{.*?\})`/)[1]);
  assert.ok(get('Error')(err), 'error example');
  // The validators can fail.
  assert.equal(get('Resource')({ id: 'x' }), false);
  assert.equal(get('Error')({ error: { code: 'invalid' } }), false);
});

test('required components and security schemes', () => {
  for (const s of ['User', 'Org', 'Resource', 'ResourceInput', 'ResourceSummary', 'SearchResponse', 'ImportReport', 'Error']) {
    assert.ok(doc.components.schemas[s], `schema ${s}`);
  }
  assert.deepEqual(doc.components.securitySchemes.session, { ...doc.components.securitySchemes.session, type: 'apiKey', in: 'cookie', name: 'tg_session' });
  assert.deepEqual(doc.components.securitySchemes.csrf, { ...doc.components.securitySchemes.csrf, type: 'apiKey', in: 'header', name: 'X-CSRF-Token' });
  for (const p of ['q', 'type', 'area', 'age_months', 'day', 'open_now', 'free', 'services', 'access', 'near', 'near_resource', 'radius_km', 'sort', 'limit', 'offset']) {
    assert.ok(doc.components.parameters[p], `search parameter ${p}`);
  }
});

test('operations: unique ids, path params declared, 4xx use Error, writes need csrf', () => {
  const ids = new Set();
  const problems = [];
  for (const [p, item] of Object.entries(doc.paths)) {
    const names = [...p.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    for (const m of METHODS) {
      const o = item[m];
      if (!o) continue;
      if (ids.has(o.operationId)) problems.push(`duplicate operationId ${o.operationId}`);
      ids.add(o.operationId);
      const params = [...(item.parameters || []), ...(o.parameters || [])].map((x) => (x.$ref ? resolve(x.$ref) : x));
      for (const n of names) if (!params.some((x) => x.in === 'path' && x.name === n)) problems.push(`${m} ${p}: path parameter ${n} not declared`);
      for (const [code, r] of Object.entries(o.responses)) {
        const rr = r.$ref ? resolve(r.$ref) : r;
        if (/^4/.test(code) && code !== '422') {
          // The Error schema, or a oneOf that allows it (import's 403 may be an ImportReport).
          const s = rr.content?.['application/json']?.schema;
          const isError = (x) => x?.$ref === '#/components/schemas/Error';
          if (!s || !(isError(s) || (s.oneOf || []).some(isError))) problems.push(`${m} ${p} ${code}: not the Error schema`);
        }
      }
      if (p.startsWith('/api/') && m !== 'get' && !(p === '/api/v1/session' && m === 'post')) {
        if (!(o.security || []).some((s) => 'csrf' in s)) problems.push(`${m} ${p}: security lacks csrf`);
        if (!o.responses['403']) problems.push(`${m} ${p}: no 403 (csrf)`);
      }
      if (!Object.keys(o.responses).some((c) => /^2/.test(c))) problems.push(`${m} ${p}: no 2xx`);
    }
  }
  assert.deepEqual(problems, []);
});

test('error codes: the Error schema, docs/api.md and the C sources name the same codes', () => {
  // What the server can send: tg_rc_code() (src/util/rc.c) for every enum tg_rc but
  // TG_OK, and the codes src/http/server.c sets over it.
  const rc = readFileSync(path.join(REPO, 'src/util/rc.c'), 'utf8');
  const names = rc.split('tg_rc_http_status')[0];
  const fromC = new Set([...names.matchAll(/return "([a-z_]+)";/g)].map((m) => m[1]).filter((c) => c !== 'ok'));
  const server = readFileSync(path.join(REPO, 'src/http/server.c'), 'utf8');
  for (const m of server.matchAll(/"code",\s*json_string\("([a-z_]+)"\)/g)) fromC.add(m[1]);
  assert.ok(fromC.has('csrf') && fromC.has('unknown_tenant') && fromC.has('invalid'), [...fromC].join());
  const inSchema = new Set(doc.components.schemas.Error.properties.error.properties.code.enum);
  const md = readFileSync(path.join(REPO, 'docs/api.md'), 'utf8');
  const codesPara = md.split('Codes: ')[1].split('`field`')[0];
  const inDoc = new Set([...codesPara.matchAll(/`([a-z_]+)`\s+\(\d{3}/g)].map((m) => m[1]));
  const sorted = (x) => [...x].sort();
  assert.deepEqual(sorted(inSchema), sorted(fromC), 'Error.code enum = the codes the server sends');
  assert.deepEqual(sorted(inDoc), sorted(fromC), 'docs/api.md "Codes:" = the codes the server sends');
});

test('src/http/openapi.json is up to date with tests/api/gen-openapi.mjs', () => {
  execFileSync(process.execPath, [path.join(REPO, 'tests/api/gen-openapi.mjs'), '--check'], { stdio: 'pipe' });
});
