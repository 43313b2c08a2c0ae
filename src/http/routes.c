/*
 * routes.c - the route table: every URL the server answers besides static
 * assets. src/http/openapi.json documents the /api/v1 part; a test checks
 * that the two agree (tests/unit/test_routes.c).
 */
#include "http/handlers/handlers.h"

#define A TG_ROUTE_AUTH
#define C (TG_ROUTE_AUTH | TG_ROUTE_CSRF)

const struct tg_route tg_routes[] = {
    {"GET", "/healthz", tg_h_healthz, TG_ROUTE_NODB},
    {"GET", "/api/v1/openapi.json", tg_h_openapi, TG_ROUTE_NODB},
    {"POST", "/api/v1/session", tg_h_session_create, 0},
    {"GET", "/api/v1/session", tg_h_session_get, A},
    {"DELETE", "/api/v1/session", tg_h_session_delete, C},
    {"POST", "/api/v1/session/password", tg_h_session_password, C},
    {"GET", "/api/v1/meta", tg_h_meta, 0},
    {"POST", "/api/v1/types", tg_h_type_create, C},
    {"GET", "/api/v1/resources", tg_h_resource_search, 0},
    {"POST", "/api/v1/resources", tg_h_resource_create, C},
    {"GET", "/api/v1/resources/{id}", tg_h_resource_get, 0},
    {"PUT", "/api/v1/resources/{id}", tg_h_resource_update, C},
    {"DELETE", "/api/v1/resources/{id}", tg_h_resource_delete, C},
    {"POST", "/api/v1/resources/{id}/verify", tg_h_resource_verify, C},
    {"GET", "/api/v1/resources/{id}/changes", tg_h_resource_changes, A},
    {"GET", "/api/v1/verification-due", tg_h_verification_due, A},
    {"GET", "/api/v1/orgs", tg_h_org_list, A},
    {"POST", "/api/v1/orgs", tg_h_org_create, C},
    {"GET", "/api/v1/orgs/{id}", tg_h_org_get, A},
    {"PUT", "/api/v1/orgs/{id}", tg_h_org_update, C},
    {"GET", "/api/v1/users", tg_h_user_list, A},
    {"POST", "/api/v1/users", tg_h_user_create, C},
    {"PUT", "/api/v1/users/{id}", tg_h_user_update, C},
    {"GET", "/api/v1/audit", tg_h_audit_list, A},
    {"POST", "/api/v1/import", tg_h_import, C | TG_ROUTE_RAWBODY},
    {"GET", "/api/v1/export", tg_h_export, A},
    {"GET", "/hsds", tg_h_hsds_root, 0},
    {"GET", "/hsds/", tg_h_hsds_root, 0},
    {"GET", "/hsds/services", tg_h_hsds_services, 0},
    {"GET", "/hsds/services/{id}", tg_h_hsds_service, 0},
    {"GET", "/hsds/organizations", tg_h_hsds_organizations, 0},
    {"GET", "/hsds/organizations/{id}", tg_h_hsds_organization, 0},
    {"GET", "/hsds/service_at_locations", tg_h_hsds_sals, 0},
    {"GET", "/hsds/service_at_locations/{id}", tg_h_hsds_sal, 0},
    {"GET", "/hsds/taxonomies", tg_h_hsds_taxonomies, 0},
    {"GET", "/hsds/taxonomy_terms", tg_h_hsds_taxonomy_terms, 0},
};

const size_t tg_n_routes = sizeof(tg_routes) / sizeof(tg_routes[0]);
