/*
 * geo.h - distances and bounding boxes on WGS84 coordinates, for "near me"
 * search and distance sorting. Pure functions, no allocation.
 *
 * Distances use the haversine formula on a sphere of the mean Earth radius
 * (6,371,008.8 m); the error against the ellipsoid is below 0.5 %, far less
 * than the precision a family needs ("812 m away").
 */
#ifndef TG_GEO_H
#define TG_GEO_H

#include "util/rc.h"

#define TG_GEO_EARTH_RADIUS_M 6371008.8

/* A latitude/longitude rectangle, degrees. Always min <= max: a box that
 * would cross the antimeridian is widened to the full longitude range. */
struct tg_geo_bbox {
	double min_lat, max_lat;
	double min_lon, max_lon;
};

/* 1 if lat is finite and in [-90, 90] and lon finite and in [-180, 180]. */
int tg_geo_valid(double lat, double lon);

/* Great-circle distance in meters between two valid points. */
double tg_geo_distance_m(double lat1, double lon1, double lat2, double lon2);

/* The smallest lat/lon box (as computed on the sphere) that contains every
 * point within radius_m of (lat, lon): a prefilter for an index (R*Tree or
 * lat/lon range query); the exact distance is checked afterwards. Near the
 * poles or across the antimeridian the box covers all longitudes.
 * radius_m < 0 is treated as 0. */
void tg_geo_bbox_around(double lat, double lon, double radius_m, struct tg_geo_bbox *out);

/* 1 if (lat, lon) is inside the box (edges included). */
int tg_geo_bbox_contains(const struct tg_geo_bbox *b, double lat, double lon);

/* Parse "LAT,LON" (decimal degrees, optional spaces around each number, as
 * in the `near` query parameter). TG_OK with *lat and *lon set, or
 * TG_ERR_INVALID (outputs untouched) for malformed text or out-of-range
 * values. Only [0-9+-.] and spaces are accepted, so "nan", "inf" and hex
 * floats are rejected; the decimal point is always '.' (no locale). */
enum tg_rc tg_geo_parse(const char *s, double *lat, double *lon);

#endif
