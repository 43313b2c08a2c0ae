/*
 * resource_json.h - the JSON shapes of a resource (docs/api.md: Resource,
 * ResourceSummary, ResourceInput), with jansson.
 *
 * Reading does the shape checks only (JSON types, unknown members, "HH:MM"
 * times, both-or-neither coordinates); the semantic rules are
 * tg_resource_validate() (core/validate.h). Callers run both:
 *
 *     rc = tg_resource_from_json(body, &arena, &r, &err);
 *     if (!rc)
 *         rc = tg_resource_validate(&r, &vctx, &err);
 *
 * Writing takes the viewer-dependent parts (may the viewer see the
 * location? may they edit? is it open now?) in struct tg_resource_json_opts;
 * nothing here decides permissions.
 */
#ifndef TG_RESOURCE_JSON_H
#define TG_RESOURCE_JSON_H

#include <jansson.h>
#include <stddef.h>

#include "core/model.h"
#include "core/validate.h"
#include "util/mem.h"
#include "util/rc.h"

/* Parse a ResourceInput into *out. Every string and array in *out is
 * allocated from a; `in` is not referenced after the call.
 *
 *  - null, or a member left out, means "not given": strings NULL, ids 0,
 *    ages/capacity -1, booleans 0, no location. Empty strings in optional
 *    text fields are stored as NULL (forms send ""); `name` is kept as given
 *    so that validation reports it as required.
 *  - `version` is read into out->version; 0 means the body had none (a PUT
 *    handler must then answer 400/409, see docs/api.md).
 *  - `org_id` sets out->org_id; without it the id of an `org` object is used
 *    (so a Resource read from the API can be sent back as is).
 *  - read-only members (id, uuid, org, type_name, area_path, address_hidden,
 *    open_now, verification_due, created_at, updated_at, can_edit) are ignored;
 *    any other unknown member is rejected with field = its name (typos).
 *  - a closed exception stores open_min = close_min = 0.
 *
 * TG_OK, or TG_ERR_INVALID with err->field (e.g. "capacity", "hours[2].open",
 * "address.postcode") and a message "…は整数で指定してください (capacity must
 * be an integer)"; field and message may be arena-owned. *out is then
 * partly filled and must not be used. */
enum tg_rc tg_resource_from_json(const json_t *in, struct tg_arena *a, struct tg_resource *out,
                                 struct tg_field_error *err);

struct tg_resource_json_opts {
	const char *type_name;        /* "type_name"; NULL -> null */
	const char *const *area_path; /* area names, city first; "area_path" */
	size_t n_area_path;
	int show_location;    /* 0 -> "address": null, "location": null,
	                       * "address_hidden": true. The caller decides:
	                       * !r->is_confidential || the viewer may see it */
	int can_edit;         /* "can_edit" */
	int open_now;         /* "open_now" */
	int verification_due; /* "verification_due" */
	int summary;          /* 1 -> the ResourceSummary subset */
};

/* The Resource (or ResourceSummary) object for r. o may be NULL (all
 * options zero: location hidden). The caller owns the returned reference
 * and may add members to it (search adds score, distance_m, snippet, ...).
 * NULL only when jansson cannot allocate. Strings that are not valid UTF-8
 * (never the case for validated data) are written as null. */
json_t *tg_resource_to_json(const struct tg_resource *r, const struct tg_resource_json_opts *o);

#endif
