/*
 * handlers.h - every route handler, one file per resource (routes.c lists
 * the table). Handlers parse and check input, authorize, call the app/core
 * functions and the store, and render JSON; nothing else.
 */
#ifndef TG_HANDLERS_H
#define TG_HANDLERS_H

#include "core/access.h"
#include "http/http.h"

/* health.c */
enum tg_rc tg_h_healthz(struct tg_req *req);
enum tg_rc tg_h_openapi(struct tg_req *req);
/* session.c */
enum tg_rc tg_h_session_create(struct tg_req *req);
enum tg_rc tg_h_session_get(struct tg_req *req);
enum tg_rc tg_h_session_delete(struct tg_req *req);
enum tg_rc tg_h_session_password(struct tg_req *req);
/* meta.c */
enum tg_rc tg_h_meta(struct tg_req *req);
enum tg_rc tg_h_type_create(struct tg_req *req);
/* resources.c */
enum tg_rc tg_h_resource_search(struct tg_req *req);
enum tg_rc tg_h_resource_get(struct tg_req *req);
enum tg_rc tg_h_resource_create(struct tg_req *req);
enum tg_rc tg_h_resource_update(struct tg_req *req);
enum tg_rc tg_h_resource_delete(struct tg_req *req);
enum tg_rc tg_h_resource_verify(struct tg_req *req);
enum tg_rc tg_h_resource_changes(struct tg_req *req);
enum tg_rc tg_h_verification_due(struct tg_req *req);
/* orgs.c */
enum tg_rc tg_h_org_list(struct tg_req *req);
enum tg_rc tg_h_org_get(struct tg_req *req);
enum tg_rc tg_h_org_create(struct tg_req *req);
enum tg_rc tg_h_org_update(struct tg_req *req);
/* users.c */
enum tg_rc tg_h_user_list(struct tg_req *req);
enum tg_rc tg_h_user_create(struct tg_req *req);
enum tg_rc tg_h_user_update(struct tg_req *req);
/* audit.c */
enum tg_rc tg_h_audit_list(struct tg_req *req);
/* transfer.c */
enum tg_rc tg_h_import(struct tg_req *req);
enum tg_rc tg_h_export(struct tg_req *req);
/* hsds.c */
enum tg_rc tg_h_hsds_root(struct tg_req *req);
enum tg_rc tg_h_hsds_services(struct tg_req *req);
enum tg_rc tg_h_hsds_service(struct tg_req *req);
enum tg_rc tg_h_hsds_organizations(struct tg_req *req);
enum tg_rc tg_h_hsds_organization(struct tg_req *req);
enum tg_rc tg_h_hsds_sals(struct tg_req *req);
enum tg_rc tg_h_hsds_sal(struct tg_req *req);
enum tg_rc tg_h_hsds_taxonomies(struct tg_req *req);
enum tg_rc tg_h_hsds_taxonomy_terms(struct tg_req *req);

/* shared helpers (common.c) */
void tg_h_actor(const struct tg_req *req, struct tg_actor *a);
json_t *tg_h_user_json(const struct tg_user *u, const char *org_name);
json_t *tg_h_org_json(const struct tg_org *o);
/* Optional string member: NULL/absent/null -> *out NULL; non-string -> error. */
/* tg_h_get_string for a name: when given, not blank (spaces only, also U+3000). */
enum tg_rc tg_h_get_name(struct tg_req *req, json_t *obj, const char *key, int required, size_t max_len,
                         const char **out);
enum tg_rc tg_h_get_string(struct tg_req *req, json_t *obj, const char *key, int required, size_t max_len,
                           const char **out);
/* Reject members not in the NULL-terminated allowed list. */
enum tg_rc tg_h_only_fields(struct tg_req *req, json_t *obj, const char *const *allowed);

#endif
