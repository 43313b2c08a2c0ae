/*
 * import.h - the import pipeline: file bytes -> validated resources -> store.
 *
 * Formats: "jp-facilities" (municipal childcare facility CSV, io/jp_facilities.h)
 * and "hsds" (HSDS 3 JSON, io/hsds.h). The pipeline is all-or-nothing:
 *   1. decode (io/encoding.h) and parse every row into a struct tg_import_row;
 *   2. validate every row (core/validate.h) against the database's types and
 *      tags, and check (source, source_id) is unique within the file;
 *   3. if any row was rejected, or dry_run is set, write nothing;
 *   4. otherwise, in ONE transaction: resolve orgs by name (create missing),
 *      ensure areas (city -> ward), and for each row look up (source,
 *      source_id): absent -> insert, identical -> unchanged (no write),
 *      different -> update (same id/uuid, version bumped by the store);
 *      each create/update also writes a resource_changes row ("import",
 *      before/after JSON). Any store error rolls everything back.
 * Re-importing the same file therefore changes nothing.
 *
 * Ownership: everything in a report and in a batch lives in the arena the
 * caller passes; the caller frees it with tg_arena_release(). The arrays
 * of a batch are malloc'd and freed by tg_import_batch_release().
 */
#ifndef TG_IMPORT_H
#define TG_IMPORT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/model.h"
#include "store/store.h"
#include "util/mem.h"
#include "util/rc.h"

#define TG_IMPORT_MAX_ERRORS 1000 /* listed errors; rejected rows are all counted */

/* One rejected row (or file-level problem: line of the header, column ""). */
struct tg_import_error {
	size_t line;         /* physical line (CSV) or 1-based array index (HSDS) */
	const char *column;  /* CSV header name or JSON path; "" when none */
	const char *message; /* Japanese first, English in parentheses */
};

/* One parsed input row. res.org_id is 0 until the pipeline resolves it. */
struct tg_import_row {
	size_t line;
	struct tg_resource res;
	const char *org_name;              /* NULL: use the import's default org */
	struct tg_org *org;                /* HSDS: the organization object, else NULL */
	const char *area_city, *area_ward; /* area names, NULL when not given */
	/* a row of tsunagu's own CSV export without an open-data identity (a
	 * place entered by hand or from HSDS): it updates the resource with this
	 * uuid, and is refused when there is none (res.source is "tsunagu",
	 * res.source_id the uuid, for the duplicate check) */
	const char *match_uuid;
	/* HSDS: a service of a tsunagu HSDS export (its derived ids say so):
	 * the uuid of the resource it may be. It updates that resource when this
	 * tenant has it (re-importing one's own export), else it is matched by
	 * source id like any other service */
	const char *uuid_hint;
};

/* The result of parsing a file: rows and row errors. */
struct tg_import_batch {
	struct tg_arena *arena; /* strings of rows and errors (caller's) */
	struct tg_import_row *rows;
	size_t n_rows, alloc_rows; /* private: alloc_rows */
	struct tg_import_error *errors;
	size_t n_errors, alloc_errors; /* private: alloc_errors */
	size_t n_input;                /* data rows seen, accepted or not */
	size_t n_rejected;             /* rows with at least one error */
	int fatal;                     /* the file itself is unusable (bad header, syntax) */
	int tsunagu_export;            /* tsunagu's own CSV export (see jp_facilities.c) */
};

void tg_import_batch_init(struct tg_import_batch *b, struct tg_arena *a);
void tg_import_batch_release(struct tg_import_batch *b);
/* Append a zeroed row for line; defaults: capacity/ages -1. */
struct tg_import_row *tg_import_batch_add_row(struct tg_import_batch *b, size_t line);
/* Record an error (strings are copied into the arena). Beyond
 * TG_IMPORT_MAX_ERRORS errors are counted in n_rejected only. */
void tg_import_batch_error(struct tg_import_batch *b, size_t line, const char *column, const char *message);
/* Remove the last row (it was rejected) and count it as rejected. */
void tg_import_batch_reject_last(struct tg_import_batch *b);

/* Produces the normalized search text for resource_insert/update. r has
 * its org_name. area_names[0..n_area_names) name r's area and the area it
 * lies in, as the file gave them (ward, then city; none when the file gave
 * none): an area the import created is not yet in the caller's reference
 * data, and the import's transaction is not visible to another connection. */
typedef const char *(*tg_import_search_text_fn)(void *ctx, const struct tg_resource *r, const char *const *area_names,
                                                size_t n_area_names, struct tg_arena *a);

struct tg_import_options {
	int dry_run;            /* parse and validate only */
	int make_public;        /* imported resources are public (default 1) */
	int64_t default_org_id; /* org for rows without an org name (0: such rows are rejected) */
	int64_t user_id;        /* acting user, recorded in resource_changes (0 = system) */
	/* jp-facilities: type code used for an unknown 種別; NULL rejects the row */
	const char *default_type;
	tg_import_search_text_fn search_text; /* required unless dry_run */
	void *search_text_ctx;
	/* Optional: may the caller write r (its org_id and area_id resolved;
	 * old is the stored row it would update, NULL for a new one)? NULL
	 * allows every row (the CLI: the operator). A row refused is reported
	 * (line, column 団体名 / organization), and the import writes nothing:
	 * TG_ERR_FORBIDDEN; unless it is unchanged (see may_see_location), which
	 * the caller could read anyway. */
	int (*may_write)(void *ctx, const struct tg_resource *r, const struct tg_resource *old);
	void *may_write_ctx;
	/* With may_write: may the caller see the stored row old's location
	 * (address, coordinates, phone)? A row may_write refuses is still
	 * accepted as "unchanged" when the file leaves it as stored, a location
	 * the caller may not see (or NULL: none) taken as stored. */
	int (*may_see_location)(void *ctx, const struct tg_resource *old);
};

/* Fills defaults: make_public = 1, everything else 0/NULL. */
void tg_import_options_init(struct tg_import_options *o);

struct tg_import_report {
	const char *format;   /* "jp-facilities" | "hsds" */
	const char *encoding; /* "UTF-8", "UTF-8 (BOM)", "Shift_JIS" (NULL before decoding) */
	int dry_run;
	size_t rows, created, updated, unchanged, rejected;
	struct tg_import_error *errors; /* arena-owned */
	size_t n_errors;
};

/*
 * Run the pipeline on data[0..len) in the given format against db.
 * Returns TG_OK when the import was applied (or would be, with dry_run);
 * TG_ERR_INVALID when rows were rejected or the file is malformed (the
 * report says why, nothing was written); TG_ERR_FORBIDDEN when may_write
 * refused rows (listed in the report; nothing written); TG_ERR_UNSUPPORTED for an
 * unknown format or encoding; store errors as the store returned them
 * (rolled back; report->errors then carries the store's message).
 * report is always filled; its strings live in arena a.
 */
enum tg_rc tg_import_run(struct tg_db *db, const char *format, const char *data, size_t len,
                         const struct tg_import_options *opts, struct tg_arena *a, struct tg_import_report *report);

/* The ImportReport JSON of docs/api.md (new reference). */
json_t *tg_import_report_to_json(const struct tg_import_report *report);

/* A resource as the JSON stored in resource_changes.before/after_json
 * (the docs/api.md Resource shape, without read-only decorations).
 * Returns a malloc'd string. */
char *tg_import_resource_json(const struct tg_resource *r);

#endif
