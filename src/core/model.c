/*
 * model.c - the few functions of the domain model (model.h): role names.
 *
 * Invariant: role_names is indexed by enum tg_role and lists every role in
 * declaration order; the names are the stable strings of the JSON API
 * ("admin", "coordinator", "staff", "volunteer", "viewer").
 */
#include "core/model.h"

#include <string.h>

static const char *const role_names[] = {
    [TG_ROLE_VIEWER] = "viewer",           [TG_ROLE_VOLUNTEER] = "volunteer", [TG_ROLE_STAFF] = "staff",
    [TG_ROLE_COORDINATOR] = "coordinator", [TG_ROLE_ADMIN] = "admin",
};

#define N_ROLES (sizeof role_names / sizeof role_names[0])

const char *tg_role_name(enum tg_role r)
{
	if ((unsigned)r >= N_ROLES)
		return NULL;
	return role_names[r];
}

int tg_role_parse(const char *s, enum tg_role *out)
{
	if (!s)
		return -1;
	for (size_t i = 0; i < N_ROLES; i++) {
		if (strcmp(s, role_names[i]) == 0) {
			*out = (enum tg_role)i;
			return 0;
		}
	}
	return -1;
}
