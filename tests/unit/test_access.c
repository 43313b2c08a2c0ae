/* test_access.c - the visibility and edit rules (core/access.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/access.h"

static const struct tg_actor anon = {0, 0, TG_ROLE_VIEWER, 0};

static struct tg_actor actor(enum tg_role role, int64_t org)
{
	struct tg_actor a = {1, 7, role, org};
	return a;
}

static void test_see(void **state)
{
	(void)state;
	struct tg_actor v = actor(TG_ROLE_VIEWER, 1);
	assert_true(tg_access_can_see(&anon, 1));
	assert_false(tg_access_can_see(&anon, 0));
	assert_true(tg_access_can_see(&v, 0));
}

static void test_edit(void **state)
{
	(void)state;
	struct tg_actor admin = actor(TG_ROLE_ADMIN, 1), coord = actor(TG_ROLE_COORDINATOR, 1),
	                staff = actor(TG_ROLE_STAFF, 2), vol = actor(TG_ROLE_VOLUNTEER, 2),
	                viewer = actor(TG_ROLE_VIEWER, 2);
	assert_false(tg_access_can_edit(&anon, 2, 1));
	assert_true(tg_access_can_edit(&admin, 99, 0));
	assert_true(tg_access_can_edit(&coord, 99, 1));
	assert_false(tg_access_can_edit(&coord, 99, 0));
	assert_true(tg_access_can_edit(&coord, 1, 0));
	assert_true(tg_access_can_edit(&staff, 2, 0));
	assert_false(tg_access_can_edit(&staff, 3, 1));
	assert_false(tg_access_can_edit(&vol, 2, 1));
	assert_false(tg_access_can_edit(&viewer, 2, 1));
	assert_true(tg_access_can_create(&staff, 2, 0));
	assert_false(tg_access_can_create(&staff, 3, 0));
}

static void test_locate(void **state)
{
	(void)state;
	struct tg_actor coord = actor(TG_ROLE_COORDINATOR, 1), staff = actor(TG_ROLE_STAFF, 2),
	                admin = actor(TG_ROLE_ADMIN, 5);
	assert_true(tg_access_can_locate(&anon, 2, 0, 0));
	assert_false(tg_access_can_locate(&anon, 2, 1, 1));
	assert_true(tg_access_can_locate(&staff, 2, 1, 0));
	assert_false(tg_access_can_locate(&staff, 3, 1, 1));
	assert_true(tg_access_can_locate(&coord, 3, 1, 1));
	assert_false(tg_access_can_locate(&coord, 3, 1, 0));
	assert_true(tg_access_can_locate(&admin, 3, 1, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_see),
	    cmocka_unit_test(test_edit),
	    cmocka_unit_test(test_locate),
	};
	return cmocka_run_group_tests_name("access", tests, NULL, NULL);
}
