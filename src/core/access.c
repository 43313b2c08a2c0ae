/* access.c - the visibility and edit rules of access.h. */
#include "core/access.h"

int tg_access_can_see(const struct tg_actor *a, int is_public)
{
	return is_public || a->authed;
}

int tg_access_can_edit(const struct tg_actor *a, int64_t res_org_id, int in_area)
{
	if (!a->authed)
		return 0;
	switch (a->role) {
	case TG_ROLE_ADMIN: return 1;
	case TG_ROLE_COORDINATOR: return in_area || a->org_id == res_org_id;
	case TG_ROLE_STAFF: return a->org_id == res_org_id;
	case TG_ROLE_VOLUNTEER:
	case TG_ROLE_VIEWER: return 0;
	}
	return 0;
}

int tg_access_can_locate(const struct tg_actor *a, int64_t res_org_id, int is_confidential, int in_area)
{
	if (!is_confidential)
		return 1;
	if (!a->authed)
		return 0;
	if (a->role == TG_ROLE_ADMIN)
		return 1;
	if (a->org_id == res_org_id)
		return 1;
	return a->role == TG_ROLE_COORDINATOR && in_area;
}

int tg_access_can_create(const struct tg_actor *a, int64_t org_id, int in_area)
{
	return tg_access_can_edit(a, org_id, in_area);
}
