// check.mjs - shape check for data/demo/demo.json (the demo loader's input).
//
//   node data/demo/check.mjs [path/to/demo.json]
//
// Checks what the loader relies on: every resource has a name and a known
// type, its org key and area path exist, tags are codes from migration 0001,
// hours are HH:MM with open < close on weekdays 0..7, coordinates are inside
// the fictional ward, users reference existing orgs with valid roles; plus the
// rules of src/core/validate.c that data could break (kana-only name_kana, no
// duplicate tags, no overlapping hours on a weekday).
// Exits 1 and lists every problem found.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const file = process.argv[2] ?? join(here, "demo.json");
const data = JSON.parse(readFileSync(file, "utf8"));
const sql = readFileSync(join(root, "src/store/migrations/0001_directory.sql"), "utf8");

// Codes from the INSERT statements of the migration, so the check follows the schema.
function codes(table) {
	const m = sql.match(new RegExp(`INSERT INTO ${table} [^;]*;`));
	if (!m) throw new Error(`no INSERT INTO ${table} in migration`);
	const out = new Map();
	for (const row of m[0].matchAll(/\(\s*'([a-z0-9_]+)',\s*'([^']*)'/g)) out.set(row[1], row[2]);
	return out;
}
const types = codes("resource_types");
const tags = codes("tags"); // code -> kind for tags
const errors = [];
const err = (where, msg) => errors.push(`${where}: ${msg}`);

const areaPaths = new Set();
(function walk(nodes, prefix) {
	for (const a of nodes ?? []) {
		if (!a.name) err("areas", "area without name");
		const p = [...prefix, a.name];
		areaPaths.add(JSON.stringify(p));
		walk(a.children, p);
	}
})(data.areas, []);

const orgKeys = new Set();
for (const o of data.orgs ?? []) {
	if (!o.key || !o.name) err(`org ${o.key}`, "key and name are required");
	if (orgKeys.has(o.key)) err(`org ${o.key}`, "duplicate key");
	orgKeys.add(o.key);
	if (o.area && !areaPaths.has(JSON.stringify(o.area))) err(`org ${o.key}`, `unknown area ${o.area}`);
}

const roles = new Set(["admin", "coordinator", "staff", "volunteer", "viewer"]);
if (typeof data.demo_password !== "string" || data.demo_password.length < 10)
	err("demo_password", "missing or shorter than 10 characters");
const logins = new Set();
for (const u of data.users ?? []) {
	if (!/^[A-Za-z0-9._@-]{3,64}$/.test(u.login ?? "")) err(`user ${u.login}`, "bad login");
	if (logins.has(u.login)) err(`user ${u.login}`, "duplicate login");
	logins.add(u.login);
	if (!roles.has(u.role)) err(`user ${u.login}`, `bad role ${u.role}`);
	if (!orgKeys.has(u.org)) err(`user ${u.login}`, `unknown org ${u.org}`);
	if (!u.display_name) err(`user ${u.login}`, "display_name is required");
}

const hhmm = (s) => {
	const m = /^(\d\d):(\d\d)$/.exec(s ?? "");
	if (!m || +m[2] > 59 || +m[1] > 24 || (+m[1] === 24 && +m[2] !== 0)) return -1;
	return +m[1] * 60 + +m[2];
};
const names = new Set();
for (const [i, r] of (data.resources ?? []).entries()) {
	const w = `resources[${i}] ${r.name ?? ""}`;
	if (!r.name || [...r.name].length > 200) err(w, "name is required (1..200 chars)");
	if (names.has(r.name)) err(w, "duplicate name");
	names.add(r.name);
	if (!types.has(r.type)) err(w, `unknown type ${r.type}`);
	if (!orgKeys.has(r.org)) err(w, `unknown org ${r.org}`);
	if (!areaPaths.has(JSON.stringify(r.area))) err(w, `unknown area ${JSON.stringify(r.area)}`);
	if (r.name_kana && !/^[\u3041-\u3096\u309d-\u309f\u30a1-\u30ff\uff66-\uff9f \u3000]*$/.test(r.name_kana))
		err(w, "name_kana must be hiragana or katakana");
	for (const k of ["services", "access"])
		if (new Set(r[k] ?? []).size !== (r[k] ?? []).length) err(w, `duplicate ${k} tag`);
	for (const t of r.services ?? []) if (tags.get(t) !== "service") err(w, `not a service tag: ${t}`);
	for (const t of r.access ?? []) if (tags.get(t) !== "access") err(w, `not an access tag: ${t}`);
	for (const [j, h] of (r.hours ?? []).entries()) {
		const o = hhmm(h.open), c = hhmm(h.close);
		if (!Number.isInteger(h.weekday) || h.weekday < 0 || h.weekday > 7) err(w, `hours[${j}].weekday`);
		if (o < 0 || c < 0 || o >= c || o >= 1440) err(w, `hours[${j}] ${h.open}-${h.close}`);
		for (const g of (r.hours ?? []).slice(0, j))
			if (g.weekday === h.weekday && hhmm(g.open) < c && o < hhmm(g.close)) err(w, `hours[${j}] overlaps`);
	}
	for (const [j, x] of (r.exceptions ?? []).entries()) {
		if (!/^\d{4}-\d\d-\d\d$/.test(x.date ?? "")) err(w, `exceptions[${j}].date`);
		if (!x.closed && !(hhmm(x.open) >= 0 && hhmm(x.open) < hhmm(x.close))) err(w, `exceptions[${j}] times`);
	}
	const loc = r.location;
	if (loc && !(loc.lat >= 35.44 && loc.lat <= 35.47 && loc.lon >= 139.6 && loc.lon <= 139.65))
		err(w, `location out of the ward: ${loc.lat},${loc.lon}`);
	if (r.address?.postal_code && !/^\d{3}-\d{4}$/.test(r.address.postal_code)) err(w, "postal_code");
	if (r.phone && !/^0\d{1,4}-\d{1,4}-\d{4}$/.test(r.phone)) err(w, `phone ${r.phone}`);
	const a = r.ages ?? {};
	if (a.min_months != null && a.max_months != null && a.min_months > a.max_months) err(w, "ages min > max");
	if (typeof r.fee?.free !== "boolean") err(w, "fee.free must be a boolean");
	if (r.fee?.free === false && !r.fee.text) err(w, "a paid resource needs fee.text");
	if (r.verified_at && !/^\d{4}-\d\d-\d\d$/.test(r.verified_at)) err(w, "verified_at");
	if (r.is_confidential && r.is_public) err(w, "a confidential resource must not be public");
	if (r.is_confidential && !r.front_door) err(w, "a confidential resource needs front_door");
}
const must = (data.resources ?? []).find((r) => r.name === "ひだまりひろば");
if (!must || must.type !== "tsudoi" || !must.is_public || must.org !== "hidamari")
	err("ひだまりひろば", "must exist as a public tsudoi of org hidamari");
if ((data.resources ?? []).filter((r) => r.is_confidential).length !== 1)
	err("resources", "exactly one confidential resource expected");

if (errors.length) {
	for (const e of errors) console.error(e);
	console.error(`${errors.length} problem(s) in ${file}`);
	process.exit(1);
}
const byType = {};
for (const r of data.resources) byType[r.type] = (byType[r.type] ?? 0) + 1;
console.log(`ok: ${data.areas.length} city, ${orgKeys.size} orgs, ${logins.size} users, ${data.resources.length} resources`, JSON.stringify(byType));
