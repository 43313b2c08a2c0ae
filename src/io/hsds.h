/*
 * hsds.h - Open Referral HSDS 3.0 mapping (JSON via jansson).
 *
 * Export: a tsunagu resource and its org become an HSDS service (the
 * service_full shape: organization, service_at_locations[].location,
 * schedules, phones, contacts, attributes[].taxonomy_term), plus the
 * standalone organization, location, service_at_location, taxonomy and
 * taxonomy_term objects. Ids are our uuids; objects we do not store with an
 * id of their own (location, schedule, phone, attribute, address, terms)
 * get stable derived UUIDs (tg_hsds_derived_uuid), so an export is the same
 * every time. Resource types and tags are terms of two taxonomies,
 * TG_HSDS_TAXONOMY_TYPES and TG_HSDS_TAXONOMY_TAGS.
 *
 * The confidential rule: with hide_location set, no location, address,
 * coordinates, phone or email is emitted; the only contact is the
 * front_door text (when given).
 *
 * Import: an array of services (service_full shape), {"services": [...],
 * "organizations": [...]}, an HSDS API page {"contents": [...]}, or one
 * service object -> import rows with source "hsds", source_id = service id.
 */
#ifndef TG_HSDS_H
#define TG_HSDS_H

#include <stddef.h>

#include <jansson.h>

#include "core/model.h"
#include "io/import.h"

#define TG_HSDS_TAXONOMY_TYPES "tsunagu-resource-types"
#define TG_HSDS_TAXONOMY_TAGS  "tsunagu-tags"
#define TG_HSDS_MAX_INPUT      ((size_t)64 << 20)

/* The type and tag catalogue (from db->ops->type_list / tag_list). */
struct tg_hsds_ctx {
	const struct tg_resource_type *types;
	size_t n_types;
	const struct tg_tag *tags;
	size_t n_tags;
};

/* A stable UUID (RFC 9562 version 8) derived from (base, role, index);
 * writes 36 chars + NUL into out and returns out. */
char *tg_hsds_derived_uuid(char out[37], const char *base, const char *role, int index);

/* New references; org may be NULL (then organization_id is omitted). */
json_t *tg_hsds_service(const struct tg_resource *r, const struct tg_org *org, const struct tg_hsds_ctx *ctx,
                        int hide_location);
json_t *tg_hsds_organization(const struct tg_org *org);
/* NULL when hidden or when the resource has neither address nor coordinates. */
json_t *tg_hsds_location(const struct tg_resource *r, int hide_location);
json_t *tg_hsds_service_at_location(const struct tg_resource *r, int hide_location);
/* The two taxonomy objects, as an array. */
json_t *tg_hsds_taxonomies(void);
/* All taxonomy_term objects of both taxonomies, as an array. */
json_t *tg_hsds_taxonomy_terms(const struct tg_hsds_ctx *ctx);

struct tg_hsds_import_options {
	int make_public;
	const char *default_type; /* when a service carries no type term; NULL: row error */
	const struct tg_hsds_ctx *ctx;
};

/*
 * Parse HSDS JSON json[0..len) into b. TG_OK when the document was
 * readable (rows may be rejected, see b->n_rejected); TG_ERR_INVALID /
 * TG_ERR_TOO_LARGE with b->fatal set when it is not JSON or not one of the
 * accepted shapes.
 */
enum tg_rc tg_hsds_parse(const char *json, size_t len, const struct tg_hsds_import_options *o,
                         struct tg_import_batch *b);

#endif
