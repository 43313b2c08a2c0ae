// HSDS 3.0 validators from the local schema copies (tests/hsds/schema,
// CC BY-SA 4.0, Open Referral; see schema/LICENSE). The HSDS openapi.json
// references raw.githubusercontent.com URLs; each is registered here under
// that URL from the local file, so nothing is ever fetched from the network.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';

export const HERE = path.dirname(fileURLToPath(import.meta.url));
const SCHEMA_DIR = path.join(HERE, 'schema');
const RAW = 'https://raw.githubusercontent.com/openreferral/specification/3.0/schema/';
const load = (f) => JSON.parse(readFileSync(path.join(SCHEMA_DIR, f), 'utf8'));

// ---------------------------------------------------------------------------
// Validators. The schemas declare no $schema: draft-07 (Ajv's default).
export function makeValidators() {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true, loadSchema: undefined });
  addFormats(ajv);
  const openapi = load('openapi.json');
  for (const f of ['service', 'service_list', 'organization', 'organization_list', 'service_at_location', 'service_at_location_list']) {
    ajv.addSchema({ ...load(`${f}.json`), $id: `${RAW}compiled/${f}.json` });
  }
  // taxonomy.json / taxonomy_term.json (and what they $ref, e.g. metadata.json)
  // are the items of tabular.json's arrays.
  const tabular = load('tabular.json');
  for (const [k, v] of Object.entries(tabular.properties)) {
    if (v.items) ajv.addSchema({ ...v.items, $id: `${RAW}${k}.json` });
  }
  // The openapi document itself, so that its #/components/... refs resolve.
  ajv.addSchema({ ...openapi, $id: `${RAW}openapi.json` });
  const ptr = (p) => p.replace(/~/g, '~0').replace(/\//g, '~1');
  const byPath = (p) => {
    const id = `${RAW}openapi.json#/paths/${ptr(p)}/get/responses/200/content/${ptr('application/json')}/schema`;
    const v = ajv.getSchema(id);
    assert.ok(v, `validator for ${p}`);
    return v;
  };
  const v = {
    root: byPath('/'),
    services: byPath('/services'),
    service: byPath('/services/{id}'),
    organizations: byPath('/organizations'),
    organization: byPath('/organizations/{id}'),
    sals: byPath('/service_at_locations'),
    // Upstream's openapi.json points /service_at_locations/{id} at
    // compiled/service.json (an HSDS 3.0 slip); the object is a
    // service_at_location, so it is checked against that schema.
    sal: ajv.getSchema(`${RAW}compiled/service_at_location.json`),
    taxonomies: byPath('/taxonomies'),
    taxonomy_terms: byPath('/taxonomy_terms'),
    page: ajv.getSchema(`${RAW}openapi.json#/components/schemas/Page`),
  };
  return v;
}

export function check(validate, data, what) {
  const ok = validate(data);
  assert.ok(ok, `${what} does not validate: ${JSON.stringify(validate.errors?.slice(0, 5), null, 1)}`);
}

