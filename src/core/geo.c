/*
 * geo.c - haversine distance, radius bounding boxes and "LAT,LON" parsing
 * (see geo.h).
 *
 * Invariants: pure; never reads the locale (numbers are parsed by hand, so
 * a server running under a locale with ',' decimals still reads "35.4,139.6").
 */
#include "core/geo.h"

#include <math.h>

#define DEG2RAD(d) ((d) * (M_PI / 180.0))
#define RAD2DEG(r) ((r) * (180.0 / M_PI))

int tg_geo_valid(double lat, double lon)
{
	return isfinite(lat) && isfinite(lon) && lat >= -90.0 && lat <= 90.0 && lon >= -180.0 && lon <= 180.0;
}

double tg_geo_distance_m(double lat1, double lon1, double lat2, double lon2)
{
	double p1 = DEG2RAD(lat1), p2 = DEG2RAD(lat2);
	double dp = p2 - p1, dl = DEG2RAD(lon2 - lon1);
	double s1 = sin(dp / 2), s2 = sin(dl / 2);
	double h = s1 * s1 + cos(p1) * cos(p2) * s2 * s2;
	if (h > 1.0)
		h = 1.0; /* rounding can push h just past 1 for antipodal points */
	return 2.0 * TG_GEO_EARTH_RADIUS_M * asin(sqrt(h));
}

void tg_geo_bbox_around(double lat, double lon, double radius_m, struct tg_geo_bbox *out)
{
	if (!(radius_m > 0))
		radius_m = 0;
	double dlat = RAD2DEG(radius_m / TG_GEO_EARTH_RADIUS_M);
	out->min_lat = lat - dlat;
	out->max_lat = lat + dlat;
	if (out->min_lat < -90.0)
		out->min_lat = -90.0;
	if (out->max_lat > 90.0)
		out->max_lat = 90.0;

	/* The widest longitude span of a spherical cap is at the latitude where
	 * the cap's tangent meridians touch it: asin(sin(r) / cos(lat)). */
	double r = radius_m / TG_GEO_EARTH_RADIUS_M;
	double c = cos(DEG2RAD(lat));
	double ratio = c > 0 ? sin(r) / c : 2.0;
	if (out->min_lat <= -90.0 || out->max_lat >= 90.0 || r >= M_PI / 2 || ratio >= 1.0) {
		out->min_lon = -180.0;
		out->max_lon = 180.0;
		return;
	}
	double dlon = RAD2DEG(asin(ratio));
	out->min_lon = lon - dlon;
	out->max_lon = lon + dlon;
	if (out->min_lon < -180.0 || out->max_lon > 180.0) {
		out->min_lon = -180.0;
		out->max_lon = 180.0;
	}
}

int tg_geo_bbox_contains(const struct tg_geo_bbox *b, double lat, double lon)
{
	return lat >= b->min_lat && lat <= b->max_lat && lon >= b->min_lon && lon <= b->max_lon;
}

/* Parse [spaces] [+-] digits [. digits] [spaces] from s[0..n) into *out.
 * At least one digit; at most 15 digits after the point. */
static int parse_decimal(const char *s, size_t n, double *out)
{
	size_t i = 0;
	while (i < n && s[i] == ' ')
		i++;
	int neg = 0;
	if (i < n && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	double v = 0;
	int digits = 0;
	while (i < n && s[i] >= '0' && s[i] <= '9' && digits < 10) {
		v = v * 10 + (s[i++] - '0');
		digits++;
	}
	if (i < n && s[i] == '.') {
		i++;
		/* the fraction is exact as an integer (< 10^15 < 2^53), so one
		 * division rounds once */
		double f = 0, scale = 1;
		int frac = 0;
		while (i < n && s[i] >= '0' && s[i] <= '9' && frac < 15) {
			f = f * 10 + (s[i++] - '0');
			scale *= 10;
			frac++;
		}
		v += f / scale;
		digits += frac;
	}
	while (i < n && s[i] == ' ')
		i++;
	if (!digits || i != n)
		return 0;
	*out = neg ? -v : v;
	return 1;
}

enum tg_rc tg_geo_parse(const char *s, double *lat, double *lon)
{
	if (!s)
		return TG_ERR_INVALID;
	const char *comma = strchr(s, ',');
	if (!comma || strchr(comma + 1, ','))
		return TG_ERR_INVALID;
	double a, b;
	if (!parse_decimal(s, (size_t)(comma - s), &a) || !parse_decimal(comma + 1, strlen(comma + 1), &b) ||
	    !tg_geo_valid(a, b))
		return TG_ERR_INVALID;
	*lat = a;
	*lon = b;
	return TG_OK;
}
