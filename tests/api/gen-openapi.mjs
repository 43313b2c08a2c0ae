// Generates src/http/openapi.json (the tsunagu JSON API, per docs/api.md).
//   node tests/api/gen-openapi.mjs          # write
//   node tests/api/gen-openapi.mjs --check  # exit 1 if the file is out of date
// Edit this file, not the JSON; tests/api/openapi.test.mjs validates the result.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO } from './lib.mjs';

const ref = (n) => ({ $ref: `#/components/schemas/${n}` });
const str = (extra = {}) => ({ type: 'string', ...extra });
const nstr = (extra = {}) => ({ type: 'string', nullable: true, ...extra });
const int = (extra = {}) => ({ type: 'integer', ...extra });
const obj = (properties, required = Object.keys(properties), extra = {}) => ({ type: 'object', additionalProperties: false, required, properties, ...extra });
const items = (schema) => obj({ items: { type: 'array', items: schema } });
const json = (schema) => ({ 'application/json': { schema } });
const resp = (description, schema) => (schema ? { description, content: json(schema) } : { description });
const err = (code) => ({ $ref: `#/components/responses/${code}` });
const idParam = { $ref: '#/components/parameters/id' };
const body = (schema, required = true) => ({ required, content: json(schema) });
const anon = [{}, { session: [] }];
const user = [{ session: [] }];
const write = [{ session: [], csrf: [] }];

const Address = obj({
  postal_code: nstr({ pattern: '^\\d{3}-?\\d{4}$', example: '231-0001' }),
  prefecture: nstr(), city: nstr(), line: nstr(), building: nstr(),
}, [], { nullable: true });
const Location = obj({ lat: { type: 'number', minimum: -90, maximum: 90 }, lon: { type: 'number', minimum: -180, maximum: 180 } }, ['lat', 'lon'], { nullable: true });
const Time = str({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$|^24:00$', example: '09:30' });
const Hours = obj({ weekday: int({ minimum: 0, maximum: 7, description: '0 = Sunday … 6 = Saturday, 7 = national holiday' }), open: Time, close: Time });
const Exception = obj({ date: str({ format: 'date' }), closed: { type: 'boolean' }, open: { ...Time, nullable: true }, close: { ...Time, nullable: true }, note: nstr() }, ['date', 'closed']);
const Ages = obj({ min_months: int({ nullable: true, minimum: 0 }), max_months: int({ nullable: true, minimum: 0 }) }, []);
const Fee = obj({ free: { type: 'boolean', nullable: true, description: 'true: free of charge; false: paid; null: not known (imports never say whether a place charges; in input, an absent fee or free means null)' }, text: nstr() }, ['free']);
const { required: _feeRequired, ...FeeIn } = Fee; // in input, an absent free means null (not known)
const OrgRef = obj({ id: int(), name: str() });
const codes = { type: 'array', items: str({ pattern: '^[a-z0-9_]{1,32}$' }) };

// Fields shared by Resource and ResourceInput.
const editable = {
  type: str({ pattern: '^[a-z0-9_]{1,32}$', description: 'resource type code (GET /api/v1/meta)' }),
  name: str({ minLength: 1, maxLength: 200 }),
  name_kana: nstr(), description: nstr(),
  area_id: int({ nullable: true }),
  address: Address, location: Location,
  front_door: nstr({ description: 'public contact shown instead of the address when confidential' }),
  phone: nstr(), email: nstr({ format: 'email' }), url: nstr({ format: 'uri' }),
  ages: Ages, fee: FeeIn, capacity: int({ nullable: true, minimum: 0 }),
  services: { ...codes, description: 'service tag codes' }, access: { ...codes, description: 'access tag codes' },
  accessibility_notes: nstr(),
  hours: { type: 'array', items: Hours }, exceptions: { type: 'array', items: Exception },
  schedule_note: nstr(),
  is_public: { type: 'boolean' }, is_confidential: { type: 'boolean' },
  verified_at: nstr({ format: 'date' }),
  source: nstr({ example: 'manual' }), source_id: nstr(),
  version: int({ minimum: 1, description: 'optimistic concurrency: the version read; required on PUT' }),
};

const Resource = obj({
  id: int(), uuid: str({ format: 'uuid' }), org: OrgRef, type_name: str(),
  area_path: { type: 'array', items: str() },
  address_hidden: { type: 'boolean' }, open_now: { type: 'boolean', nullable: true },
  verification_due: { type: 'boolean' }, created_at: str({ format: 'date-time' }), updated_at: str({ format: 'date-time' }),
  can_edit: { type: 'boolean' },
  today: obj({
    date: str({ format: 'date' }), weekday: int({ minimum: 0, maximum: 6 }), holiday: { type: 'boolean' },
    exception: { type: 'boolean' },
    hours: { type: 'array', items: obj({ open: str(), close: str() }, ['open', 'close']) },
    note: str({ nullable: true }),
  }, ['date', 'weekday', 'holiday', 'exception', 'hours', 'note'], {
    description: 'What applies today (Asia/Tokyo): a national holiday, the day\'s exception, and the opening intervals (none: closed). Not in search results.',
  }),
  ...editable,
});
const ResourceInput = obj({ org_id: int({ description: "the owning organization; left out or null: the caller's (POST), the stored one (PUT)" }), ...editable }, ['type', 'name'], {
  description: 'Resource without the read-only fields; org_id replaces org. Unknown fields are rejected (400).',
});
const ResourceSummary = obj({
  id: int(), uuid: str({ format: 'uuid' }), name: str(), name_kana: nstr(), type: str(), type_name: str(),
  org: OrgRef, area_path: { type: 'array', items: str() }, address: Address, location: Location,
  address_hidden: { type: 'boolean' }, front_door: nstr(), phone: nstr(), ages: Ages, fee: Fee, services: codes,
  is_public: { type: 'boolean' }, is_confidential: { type: 'boolean' }, verified_at: nstr({ format: 'date' }),
  verification_due: { type: 'boolean' },
}, undefined, { additionalProperties: true });
const Range = { type: 'array', items: int({ minimum: 0 }), minItems: 2, maxItems: 2, description: '[start, end) in Unicode code points' };
const SearchItem = {
  allOf: [ResourceSummary.$ref ? ResourceSummary : ref('ResourceSummary'), {
    type: 'object',
    properties: {
      score: { type: 'number', nullable: true }, distance_m: { type: 'number', nullable: true }, open_now: { type: 'boolean', nullable: true },
      matched_in: { type: 'array', items: str() },
      highlights: { type: 'object', additionalProperties: { type: 'array', items: Range } },
      snippet: nstr(),
      also_matched: {
        type: 'array', maxItems: 3,
        description: 'Present only when a search term is in neither the name nor the description: the other texts that hold such terms (first in this order: kana, org, type, service, access, area, address, access_notes, schedule_note, fee), with the terms marked. A confidential resource\'s address is never searched.',
        items: obj({
          field: str({ enum: ['kana', 'org', 'type', 'service', 'access', 'area', 'address', 'access_notes', 'schedule_note', 'fee'] }),
          text: str(), ranges: { type: 'array', items: Range },
        }),
      },
    },
  }],
};
const SearchResponse = obj({ total: int(), total_exact: { type: 'boolean', description: 'false when total is an estimate (a nearest-first search stops once the page is settled)' }, offset: int(), limit: int(), items: { type: 'array', items: ref('SearchItem') } });
const User = obj({
  id: int(), login: str(), display_name: str(), role: ref('Role'), org_id: int(), org_name: str(), disabled: { type: 'boolean' },
});
const Org = obj({
  id: int(), uuid: str({ format: 'uuid' }), name: str(), name_kana: nstr(), kind: nstr(), area_id: int({ nullable: true }),
  phone: nstr(), email: nstr(), url: nstr(), description: nstr(),
}, undefined, { additionalProperties: true });
const OrgInput = obj({
  name: str({ minLength: 1 }), name_kana: nstr(), kind: nstr(), area_id: int({ nullable: true }),
  phone: nstr(), email: nstr(), url: nstr(), description: nstr(),
}, ['name']);
const ImportReport = obj({
  format: str({ enum: ['jp-facilities', 'hsds'] }), encoding: str({ example: 'Shift_JIS' }), dry_run: { type: 'boolean' },
  rows: int(), created: int(), updated: int(), unchanged: int(), rejected: int(),
  errors: { type: 'array', items: obj({ line: int(), column: nstr(), message: str() }, ['line', 'message']) },
});
// Every error.code the server sends (tg_rc_code in src/util/rc.c and the codes
// src/http/server.c sets itself); openapi.test.mjs checks this list against the
// C sources and docs/api.md.
const ERROR_CODES = ['invalid', 'unauthorized', 'forbidden', 'csrf', 'not_found', 'no_route', 'unknown_tenant', 'method_not_allowed', 'conflict', 'too_large', 'unsupported_media_type', 'rate_limited', 'busy', 'internal', 'database_error', 'io_error'];
const ErrorSchema = obj({
  error: obj({
    code: str({ enum: ERROR_CODES, description: 'invalid 400; unauthorized 401; forbidden, csrf 403; not_found, no_route (no such endpoint), unknown_tenant 404; method_not_allowed 405; conflict 409; too_large 413; unsupported_media_type 415; rate_limited 429; internal, database_error, io_error 500; busy 503' }),
    message: str({ description: 'Japanese first, English in parentheses' }),
    field: str({ description: 'JSON pointer-ish path, e.g. hours[2].open' }),
  }, ['code', 'message']),
});
const Session = obj({ user: ref('User'), csrf_token: str() });
const Change = obj({ id: int(), at: str({ format: 'date-time' }), action: str(), user_name: nstr(), before: { type: 'object', nullable: true }, after: { type: 'object', nullable: true } });
const AuditEntry = obj({ id: int(), at: str({ format: 'date-time' }), user_id: int({ nullable: true }), user_name: nstr(), action: str(), object_type: str(), object_id: nstr(), detail: nstr() }, ['id', 'at', 'action', 'object_type'], { additionalProperties: true });
const Meta = obj({
  tenant: obj({ code: str({ description: 'the tenant (municipality) this answer is for' }), name: str() }),
  types: { type: 'array', items: obj({ code: str(), name_ja: str(), name_en: str(), builtin: { type: 'boolean' } }) },
  tags: { type: 'array', items: obj({ code: str(), kind: str({ enum: ['service', 'access'] }), name_ja: str(), name_en: str() }) },
  areas: { type: 'array', items: obj({ id: int(), parent_id: int({ nullable: true }), level: int({ minimum: 0, maximum: 2 }), name: str(), name_kana: nstr({ description: 'reading in kana, when known' }) }) },
  tile_url: str(), tile_attribution: str(),
  tile_trusted: { type: 'boolean', description: "true when the tile server is the deployment's own (serve --tile-trusted, the tile_trusted setting, or a tile_url starting with /): maps load tiles without asking. When false, the public page asks before it loads tiles, and no map loads tiles while it shows a confidential place" },
  verify_after_days: int(),
});

const qp = (name, schema, description) => ({ name, in: 'query', required: false, schema, description });
const searchParams = {
  q: qp('q', str(), 'Free text; normalized (hiragana/katakana, full/half width, case, old/small kana). Whitespace-separated terms must all match, any order.'),
  type: qp('type', str(), 'Comma-separated type codes (OR).'),
  area: qp('area', int(), 'Area id; matches the area and everything inside it.'),
  age_months: qp('age_months', int({ minimum: 0, maximum: 1200 }), "The child's age in months (0–1200; more: 400 invalid)."),
  day: qp('day', int({ minimum: 0, maximum: 7 }), 'Weekday 0–7 (7 = national holiday): open that day.'),
  open_now: qp('open_now', int({ enum: [0, 1] }), '1: open at this moment (Asia/Tokyo). Any other value: no filter.'),
  open_today: qp('open_today', int({ enum: [0, 1] }), '1: open at some time today (Asia/Tokyo): the day\'s exception, else its weekly hours, or the holiday hours on a national holiday. Any other value: no filter.'),
  free: qp('free', int({ enum: [0, 1] }), '1: free of charge only. Any other value: no filter.'),
  services: qp('services', str(), 'Comma-separated service tag codes (all must be present).'),
  access: qp('access', str(), 'Comma-separated access tag codes (all must be present).'),
  near: qp('near', str({ pattern: '^-?\\d+(\\.\\d+)?,-?\\d+(\\.\\d+)?$' }), 'LAT,LON distance origin.'),
  near_resource: qp('near_resource', int({ minimum: 1 }), 'Resource id as distance origin. An id the caller cannot see: 404 not_found (field near_resource); one without a location the caller may see: 400.'),
  radius_km: qp('radius_km', { type: 'number', exclusiveMinimum: true, minimum: 0, maximum: 2000 }, 'Limit to this distance from the origin (needs near or near_resource).'),
  sort: qp('sort', str({ enum: ['relevance', 'distance', 'name'] }), 'Default: relevance with q, distance with an origin and no q.'),
  limit: qp('limit', int({ minimum: 1, maximum: 100, default: 20 })),
  offset: qp('offset', int({ minimum: 0, maximum: 100000, default: 0 })),
};

const E = (...codes) => Object.fromEntries(codes.map((c) => [String(c), err(c)]));
const op = (operationId, summary, security, responses, extra = {}) => ({ operationId, summary, security, ...extra, responses });
const hsds = (summary) => ({
  get: {
    operationId: summary.replace(/\W+/g, '_'), summary, tags: ['hsds'], security: anon,
    description: 'HSDS 3.0 read API; schemas and parameters as in the Open Referral HSDS openapi.json (https://docs.openreferral.org/). Anonymous callers see only public services; confidential services carry no address or coordinates.',
    responses: { 200: resp('HSDS 3.0 response', { type: 'object' }), ...E(400, 404) },
  },
});

const doc = {
  openapi: '3.0.3',
  info: {
    title: 'tsunagu JSON API', version: '1',
    description: 'Community resource directory for child-rearing support networks. Human summary: docs/api.md. Errors are {"error":{"code","message","field"?}}. State-changing requests need the tg_session cookie and the X-CSRF-Token header. Tenants: a deployment may serve several municipalities; a request is for the tenant named by the X-Tsunagu-Tenant header, else the one whose host name the Host header carries, else the default tenant; an unknown or disabled tenant is 404 {"error":{"code":"unknown_tenant"}}. Sessions, ids and data of one tenant do not exist in another (404).',
    license: { name: 'see repository' },
  },
  servers: [{ url: '/' }],
  tags: [{ name: 'session' }, { name: 'directory' }, { name: 'admin' }, { name: 'hsds', description: 'HSDS 3.0 read API; see the HSDS openapi.json' }],
  paths: {
    '/healthz': { get: op('healthz', 'Liveness', anon, { 200: resp('ok', obj({ status: str({ enum: ['ok'] }) })) }) },
    '/api/v1/openapi.json': { get: op('openapi', 'This document', anon, { 200: resp('OpenAPI 3 document', { type: 'object' }) }) },
    '/api/v1/session': {
      post: op('login', 'Log in', anon, { 200: { ...resp('Logged in; sets cookie tg_session (HttpOnly, SameSite=Strict, Path=/)', ref('Session')), headers: { 'Set-Cookie': { schema: str() } } }, ...E(400, 401, 413, 415, 429) },
        { tags: ['session'], requestBody: body(obj({ login: str(), password: str() })) }),
      get: op('session', 'Current session', user, { 200: resp('session', ref('Session')), ...E(401) }, { tags: ['session'] }),
      delete: op('logout', 'Log out', write, { 204: resp('logged out'), ...E(401, 403) }, { tags: ['session'] }),
    },
    '/api/v1/session/password': {
      post: op('changePassword', 'Change own password; other sessions end', write, { 204: resp('changed'), ...E(400, 401, 403, 413, 415, 429) },
        { tags: ['session'], requestBody: body(obj({ current_password: str(), new_password: str({ minLength: 8, description: 'at least 8 characters (Unicode code points)' }) })) }),
    },
    '/api/v1/meta': { get: op('meta', 'Types, tags, areas, map settings', anon, { 200: resp('meta', ref('Meta')) }, { tags: ['directory'] }) },
    '/api/v1/resources': {
      get: op('searchResources', 'Search (anonymous: public resources only)', anon, { 200: resp('results', ref('SearchResponse')), ...E(400, 404) },
        { tags: ['directory'], parameters: Object.keys(searchParams).map((k) => ({ $ref: `#/components/parameters/${k}` })) }),
      post: op('createResource', 'Create (staff+: own org; coordinator: area)', write, { 201: resp('created', ref('Resource')), ...E(400, 401, 403, 413, 415) },
        { tags: ['directory'], requestBody: body(ref('ResourceInput')) }),
    },
    '/api/v1/resources/{id}': {
      parameters: [idParam],
      get: op('getResource', 'Resource (non-public: 404 for anonymous)', anon, { 200: resp('resource', ref('Resource')), ...E(404) }, { tags: ['directory'] }),
      put: op('updateResource', 'Full replace; body carries the version read', write, { 200: resp('updated', ref('Resource')), ...E(400, 401, 403, 404, 409, 413, 415) },
        { tags: ['directory'], requestBody: body(ref('ResourceInput')) }),
      delete: op('deleteResource', 'Delete', write, { 204: resp('deleted'), ...E(401, 403, 404) }, { tags: ['directory'] }),
    },
    '/api/v1/resources/{id}/verify': {
      parameters: [idParam],
      post: op('verifyResource', 'Mark information verified today', write, { 200: resp('resource', ref('Resource')), ...E(401, 403, 404) }, { tags: ['directory'] }),
    },
    '/api/v1/resources/{id}/changes': {
      parameters: [idParam],
      get: op('resourceChanges', 'Change history, newest first', user, { 200: resp('changes', items(ref('Change'))), ...E(401, 404) }, { tags: ['directory'] }),
    },
    '/api/v1/verification-due': {
      get: op('verificationDue', 'Editable resources whose verification is due (at most 200, oldest ids first)', user, {
        200: resp('resources', obj({
          items: { type: 'array', items: ref('ResourceSummary'), maxItems: 200 },
          more: { type: 'boolean', description: 'true when more resources are due than listed' },
          verify_after_days: int({ description: 'the period after which a resource is due' }),
        })),
        ...E(401),
      }, { tags: ['directory'] }),
    },
    '/api/v1/orgs': {
      get: op('listOrgs', 'Organizations', user, { 200: resp('orgs', items(ref('Org'))), ...E(401) }, { tags: ['admin'] }),
      post: op('createOrg', 'Create organization (admin)', write, { 201: resp('created', ref('Org')), ...E(400, 401, 403, 413, 415) }, { tags: ['admin'], requestBody: body(ref('OrgInput')) }),
    },
    '/api/v1/orgs/{id}': {
      parameters: [idParam],
      get: op('getOrg', 'Organization', user, { 200: resp('org', ref('Org')), ...E(401, 404) }, { tags: ['admin'] }),
      put: op('updateOrg', 'Update organization (admin)', write, { 200: resp('updated', ref('Org')), ...E(400, 401, 403, 404, 413, 415) }, { tags: ['admin'], requestBody: body(ref('OrgInput')) }),
    },
    '/api/v1/users': {
      get: op('listUsers', 'Users (admin)', user, { 200: resp('users', items(ref('User'))), ...E(401, 403) }, { tags: ['admin'] }),
      post: op('createUser', 'Create user (admin)', write, { 201: resp('created', ref('User')), ...E(400, 401, 403, 409, 413, 415) },
        { tags: ['admin'], requestBody: body(obj({ login: str({ pattern: '^[A-Za-z0-9._@-]{3,64}$' }), display_name: str(), role: ref('Role'), org_id: int(), password: str({ minLength: 8, description: 'at least 8 characters (Unicode code points)' }) })) }),
    },
    '/api/v1/users/{id}': {
      parameters: [idParam],
      put: op('updateUser', 'Update user (admin)', write, { 200: resp('updated', ref('User')), ...E(400, 401, 403, 404, 413, 415) },
        { tags: ['admin'], requestBody: body(obj({ display_name: str(), role: ref('Role'), org_id: int(), disabled: { type: 'boolean' } }, [], { description: 'a field left out (or null) keeps its value' })) }),
    },
    '/api/v1/types': {
      post: op('createType', 'Custom resource type (coordinator+)', write, { 201: resp('created', ref('ResourceType')), ...E(400, 401, 403, 409, 413, 415) },
        { tags: ['admin'], requestBody: body(obj({ code: str({ pattern: '^[a-z0-9_]{1,32}$' }), name_ja: str(), name_en: str() })) }),
    },
    '/api/v1/import': {
      post: op('import', 'Import a file (coordinator+); all-or-nothing', write, {
        200: resp('imported (or dry run)', ref('ImportReport')),
        422: resp('rejected rows; nothing written', ref('ImportReport')),
        ...E(400, 401, 413, 415),
        403: {
          description: 'forbidden (below coordinator) or csrf: an Error. A row the caller may not write (checked like a write through the resource API): the ImportReport naming the row; nothing written',
          content: json({ oneOf: [ref('Error'), ref('ImportReport')] }),
        },
      }, {
        tags: ['admin'],
        parameters: [
          { name: 'format', in: 'query', required: true, schema: str({ enum: ['jp-facilities', 'hsds'] }) },
          qp('dry_run', int({ enum: [0, 1] }), 'Report only; write nothing.'),
          qp('public', int({ enum: [0, 1] }), 'Imported resources are public by default; public=0 (or false) makes them non-public. Any other value, or none: public.'),
          qp('org_id', int(), 'Organization that owns the imported resources.'),
        ],
        requestBody: {
          required: true,
          description: 'The file, at most 64 MiB: CSV in UTF-8 (with or without BOM) or Shift_JIS, or HSDS JSON (an array of services, an object with services or contents, or one service). The format parameter says which; the Content-Type only has to be one of these (any text/* type is accepted) or absent, else 415.',
          content: Object.fromEntries([
            ...['text/csv', 'text/plain', 'application/csv', 'application/vnd.ms-excel', 'application/octet-stream'].map((t) => [t, { schema: str({ format: 'binary' }) }]),
            ['application/json', { schema: { oneOf: [{ type: 'array', items: { type: 'object' } }, { type: 'object' }] } }],
          ]),
        },
      }),
    },
    '/api/v1/export': {
      get: op('export', 'Export the directory (confidential rules apply)', user, {
        200: { description: 'file download: format=csv is text/csv, format=hsds a JSON array of HSDS 3 services', content: { 'text/csv': { schema: str({ format: 'binary' }) }, 'application/json': { schema: { type: 'array', items: { type: 'object' } } } } },
        ...E(400, 401),
      }, { tags: ['admin'], parameters: [{ name: 'format', in: 'query', required: false, schema: str({ enum: ['hsds', 'csv'], default: 'hsds' }) }] }),
    },
    '/api/v1/audit': {
      get: op('audit', 'Audit log, newest first (admin)', user, { 200: resp('entries', items(ref('AuditEntry'))), ...E(400, 401, 403) }, {
        tags: ['admin'], parameters: [qp('before', int(), 'Entries with id < before.'), qp('limit', int({ minimum: 1, maximum: 1000 }))],
      }),
    },
    '/hsds/': hsds('HSDS API information'),
    '/hsds/services': hsds('HSDS services (paged)'),
    '/hsds/services/{id}': { parameters: [{ name: 'id', in: 'path', required: true, schema: str() }], ...hsds('HSDS service') },
    '/hsds/organizations': hsds('HSDS organizations (paged)'),
    '/hsds/organizations/{id}': { parameters: [{ name: 'id', in: 'path', required: true, schema: str() }], ...hsds('HSDS organization') },
    '/hsds/service_at_locations': hsds('HSDS service_at_locations (paged)'),
    '/hsds/service_at_locations/{id}': { parameters: [{ name: 'id', in: 'path', required: true, schema: str() }], ...hsds('HSDS service_at_location') },
    '/hsds/taxonomies': hsds('HSDS taxonomies (paged)'),
    '/hsds/taxonomy_terms': hsds('HSDS taxonomy terms (paged)'),
  },
  components: {
    securitySchemes: {
      session: { type: 'apiKey', in: 'cookie', name: 'tg_session', description: 'Set by POST /api/v1/session. HttpOnly, SameSite=Strict.' },
      csrf: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token', description: 'csrf_token from the session response; required on POST/PUT/PATCH/DELETE except login. Missing or wrong: 403 csrf.' },
    },
    parameters: {
      id: { name: 'id', in: 'path', required: true, schema: int({ minimum: 1 }) },
      ...searchParams,
    },
    schemas: {
      Role: str({ enum: ['admin', 'coordinator', 'staff', 'volunteer', 'viewer'] }),
      User, Org, OrgInput, Resource, ResourceInput, ResourceSummary, SearchItem, SearchResponse, ImportReport, Error: ErrorSchema, Session, Change, AuditEntry, Meta,
      ResourceType: obj({ code: str(), name_ja: str(), name_en: str(), builtin: { type: 'boolean' } }),
      Address, Location, Hours, Exception,
    },
    responses: Object.fromEntries([
      [400, 'invalid: malformed JSON, invalid UTF-8, wrong field type, unknown field (error.field names it)'],
      [401, 'unauthorized: no session or bad credentials'],
      [403, 'forbidden, or csrf when X-CSRF-Token is missing or wrong'],
      [404, 'not_found (also for non-public resources to anonymous callers); unknown_tenant for an unknown or disabled tenant'],
      [409, 'conflict: stale version; nothing written'],
      [413, 'too_large: body over 1 MiB (imports 64 MiB)'],
      [415, 'unsupported_media_type: body is not application/json (imports: see the request body)'],
      [429, 'rate_limited: too many failed logins; see Retry-After'],
    ].map(([c, d]) => [String(c), {
      description: d, content: json(ref('Error')),
      ...(c === 429 ? { headers: { 'Retry-After': { schema: int() } } } : {}),
    }])),
  },
};
// Use the named ResourceSummary in SearchItem.
doc.components.schemas.SearchItem = { allOf: [ref('ResourceSummary'), SearchItem.allOf[1]] };

const out = JSON.stringify(doc, null, 2) + '\n';
const file = path.join(REPO, 'src/http/openapi.json');
if (process.argv.includes('--check')) {
  const cur = readFileSync(file, 'utf8');
  if (cur !== out) { console.error('src/http/openapi.json is out of date: node tests/api/gen-openapi.mjs'); process.exit(1); }
} else {
  writeFileSync(file, out);
}
