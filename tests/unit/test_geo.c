/*
 * test_geo.c - unit tests for core/geo.c: haversine distances against known
 * values, coordinate validity, radius bounding boxes, "LAT,LON" parsing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <math.h>

#include "core/geo.h"

static void test_distance_known(void **state)
{
	(void)state;
	/* Yokohama Station -> Sakuragicho Station: about 1.87 km */
	double d = tg_geo_distance_m(35.4660, 139.6223, 35.4509, 139.6313);
	assert_true(d > 1850 && d < 1890);
	/* symmetric */
	assert_true(fabs(d - tg_geo_distance_m(35.4509, 139.6313, 35.4660, 139.6223)) < 1e-6);
	/* same point */
	assert_true(tg_geo_distance_m(35.0, 139.0, 35.0, 139.0) == 0.0);
	/* Tokyo Station -> Shin-Osaka Station: about 403 km */
	d = tg_geo_distance_m(35.6812, 139.7671, 34.7334, 135.5001);
	assert_true(d > 400000 && d < 406000);
	/* one degree of latitude: pi R / 180 = 111,195 m */
	d = tg_geo_distance_m(0, 0, 1, 0);
	assert_true(fabs(d - 111195.08) < 1.0);
	/* across the antimeridian */
	d = tg_geo_distance_m(0, 179.5, 0, -179.5);
	assert_true(fabs(d - 111195.08) < 1.0);
	/* antipodes: half the circumference */
	d = tg_geo_distance_m(0, 0, 0, 180);
	assert_true(fabs(d - M_PI * TG_GEO_EARTH_RADIUS_M) < 1.0);
	d = tg_geo_distance_m(90, 0, -90, 0);
	assert_true(fabs(d - M_PI * TG_GEO_EARTH_RADIUS_M) < 1.0);
}

static void test_valid(void **state)
{
	(void)state;
	assert_true(tg_geo_valid(35.4, 139.6));
	assert_true(tg_geo_valid(90, 180));
	assert_true(tg_geo_valid(-90, -180));
	assert_false(tg_geo_valid(90.0001, 0));
	assert_false(tg_geo_valid(-90.0001, 0));
	assert_false(tg_geo_valid(0, 180.0001));
	assert_false(tg_geo_valid(0, -180.0001));
	assert_false(tg_geo_valid(NAN, 0));
	assert_false(tg_geo_valid(0, INFINITY));
}

static void test_bbox(void **state)
{
	(void)state;
	struct tg_geo_bbox b;
	double lat = 35.4660, lon = 139.6223;
	tg_geo_bbox_around(lat, lon, 2000, &b);
	assert_true(b.min_lat < lat && b.max_lat > lat);
	assert_true(b.min_lon < lon && b.max_lon > lon);
	/* 2 km is about 0.018 degrees of latitude, a bit more of longitude here */
	assert_true(fabs((b.max_lat - lat) - 0.017986) < 0.0001);
	assert_true(b.max_lon - lon > b.max_lat - lat);
	assert_true(tg_geo_bbox_contains(&b, 35.4509, 139.6313));  /* Sakuragicho, 1.87 km */
	assert_false(tg_geo_bbox_contains(&b, 35.6812, 139.7671)); /* Tokyo */

	/* every point on the circle of the radius lies inside the box */
	for (int deg = 0; deg < 360; deg += 5) {
		double th = deg * M_PI / 180, r = 1999.0 / TG_GEO_EARTH_RADIUS_M;
		double p1 = lat * M_PI / 180;
		double p2 = asin(sin(p1) * cos(r) + cos(p1) * sin(r) * cos(th));
		double l2 = lon * M_PI / 180 + atan2(sin(th) * sin(r) * cos(p1), cos(r) - sin(p1) * sin(p2));
		double plat = p2 * 180 / M_PI, plon = l2 * 180 / M_PI;
		assert_true(tg_geo_distance_m(lat, lon, plat, plon) < 2000);
		assert_true(tg_geo_bbox_contains(&b, plat, plon));
	}

	/* zero and negative radius: a point box */
	tg_geo_bbox_around(lat, lon, -5, &b);
	assert_true(b.min_lat == lat && b.max_lat == lat && b.min_lon == lon && b.max_lon == lon);

	/* near the pole: all longitudes */
	tg_geo_bbox_around(89.99, 10, 5000, &b);
	assert_true(b.max_lat == 90.0);
	assert_true(b.min_lon == -180.0 && b.max_lon == 180.0);

	/* across the antimeridian: all longitudes */
	tg_geo_bbox_around(0, 179.99, 5000, &b);
	assert_true(b.min_lon == -180.0 && b.max_lon == 180.0);
	assert_true(b.min_lat < 0 && b.max_lat > 0);

	/* huge radius */
	tg_geo_bbox_around(35, 139, 30000000, &b);
	assert_true(b.min_lat == -90.0 && b.max_lat == 90.0);
	assert_true(b.min_lon == -180.0 && b.max_lon == 180.0);
}

static void test_parse(void **state)
{
	(void)state;
	double lat = 0, lon = 0;
	assert_int_equal(tg_geo_parse("35.4660,139.6223", &lat, &lon), TG_OK);
	assert_true(fabs(lat - 35.4660) < 1e-12 && fabs(lon - 139.6223) < 1e-12);
	assert_int_equal(tg_geo_parse(" -33.8688 , 151.2093 ", &lat, &lon), TG_OK);
	assert_true(fabs(lat + 33.8688) < 1e-12 && fabs(lon - 151.2093) < 1e-12);
	assert_int_equal(tg_geo_parse("+35,139", &lat, &lon), TG_OK);
	assert_true(lat == 35.0 && lon == 139.0);
	assert_int_equal(tg_geo_parse("35.,.5", &lat, &lon), TG_OK);
	assert_true(lat == 35.0 && lon == 0.5);
	assert_int_equal(tg_geo_parse("90,-180", &lat, &lon), TG_OK);

	lat = lon = 7;
	assert_int_equal(tg_geo_parse("91,139", &lat, &lon), TG_ERR_INVALID);
	assert_int_equal(tg_geo_parse("35,181", &lat, &lon), TG_ERR_INVALID);
	assert_true(lat == 7 && lon == 7); /* untouched on error */
	assert_int_equal(tg_geo_parse("35.4", &lat, &lon), TG_ERR_INVALID);
	assert_int_equal(tg_geo_parse("35.4,", &lat, &lon), TG_ERR_INVALID);
	assert_int_equal(tg_geo_parse(",139", &lat, &lon), TG_ERR_INVALID);
	assert_int_equal(tg_geo_parse("35,139,1", &lat, &lon), TG_ERR_INVALID);
	assert_int_equal(tg_geo_parse("nan,139", &lat, &lon), TG_ERR_INVALID);
	assert_int_equal(tg_geo_parse("inf,139", &lat, &lon), TG_ERR_INVALID);
	assert_int_equal(tg_geo_parse("0x10,139", &lat, &lon), TG_ERR_INVALID);
	assert_int_equal(tg_geo_parse("1e1,139", &lat, &lon), TG_ERR_INVALID);
	assert_int_equal(tg_geo_parse("35 4,139", &lat, &lon), TG_ERR_INVALID);
	assert_int_equal(tg_geo_parse("-,139", &lat, &lon), TG_ERR_INVALID);
	assert_int_equal(tg_geo_parse(".,139", &lat, &lon), TG_ERR_INVALID);
	assert_int_equal(tg_geo_parse("35;139", &lat, &lon), TG_ERR_INVALID);
	assert_int_equal(tg_geo_parse("", &lat, &lon), TG_ERR_INVALID);
	assert_int_equal(tg_geo_parse(NULL, &lat, &lon), TG_ERR_INVALID);
	assert_int_equal(tg_geo_parse("12345678901,1", &lat, &lon), TG_ERR_INVALID);
	assert_true(lat == 7 && lon == 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_distance_known),
	    cmocka_unit_test(test_valid),
	    cmocka_unit_test(test_bbox),
	    cmocka_unit_test(test_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
