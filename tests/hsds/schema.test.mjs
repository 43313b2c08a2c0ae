// Offline self-test of the HSDS validators: the HSDS examples validate and
// broken objects do not (so the server tests can fail).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { makeValidators, check, HERE } from './validators.mjs';

const V = makeValidators();

test('the validators can fail (self-test against HSDS examples)', () => {
  const ex = (f) => JSON.parse(readFileSync(path.join(HERE, 'examples', f), 'utf8'));
  check(V.services, ex('service_list.json'), 'example service_list');
  check(V.service, ex('service_full.json'), 'example service_full');
  check(V.organizations, ex('organization_list.json'), 'example organization_list');
  check(V.organization, ex('organization_full.json'), 'example organization_full');
  check(V.sals, ex('service_at_location_list.json'), 'example service_at_location_list');
  check(V.sal, ex('service_at_location_full.json'), 'example service_at_location_full');
  check(V.taxonomies, ex('taxonomy_list.json'), 'example taxonomy_list');
  check(V.taxonomy_terms, ex('taxonomy_term_list.json'), 'example taxonomy_term_list');
  assert.equal(V.service({ id: 'not-a-uuid', name: 'x', status: 'active' }), false);
  assert.equal(V.service({ id: '5c4d79d7-cc55-470e-9f1f-8cad074e4892', name: 'x' }), false, 'status required');
});

