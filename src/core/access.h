/*
 * access.h - who may see and change directory data. Pure rules, unit tested
 * (tests/unit/test_access.c); the HTTP layer computes the inputs.
 *
 * Rules (docs/api.md "Roles"):
 *  - see a resource: it is public, or the caller is logged in;
 *  - edit: admin always; coordinator when the resource lies in the
 *    coordinator's area (an org without an area covers the deployment);
 *    staff and coordinators for their own organization's resources;
 *    volunteers and viewers never;
 *  - locate (address and coordinates of a confidential resource): its own
 *    organization's users, coordinators of its area, admins. Everyone can
 *    locate a resource that is not confidential.
 */
#ifndef TG_ACCESS_H
#define TG_ACCESS_H

#include <stdint.h>

#include "core/model.h"

struct tg_actor {
	int authed;
	int64_t user_id;
	enum tg_role role;
	int64_t org_id;
};

int tg_access_can_see(const struct tg_actor *a, int is_public);
/* in_area: the resource's area lies inside the actor's organization's area. */
int tg_access_can_edit(const struct tg_actor *a, int64_t res_org_id, int in_area);
int tg_access_can_locate(const struct tg_actor *a, int64_t res_org_id, int is_confidential, int in_area);
/* May create a resource for org_id (same rules as edit, with the new area). */
int tg_access_can_create(const struct tg_actor *a, int64_t org_id, int in_area);

#endif
