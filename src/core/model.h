/*
 * model.h - the domain types of the community resource directory.
 *
 * These are plain data. Strings are UTF-8, NUL-terminated, and owned by
 * whatever arena the producer was given (store reads, JSON parsing, CSV
 * import all fill these from a struct tg_arena); NULL means "not given".
 * Validation (core/validate.h) turns untrusted input into values that
 * satisfy the invariants noted on each field; the rest of the program
 * trusts them.
 *
 * Weekday numbering everywhere: 0 = Sunday ... 6 = Saturday (struct tm's
 * tm_wday), and TG_WEEKDAY_HOLIDAY (7) for Japanese national holidays.
 * Times of day are minutes after midnight, 0..1440.
 * Ages are in months; -1 means "no bound".
 */
#ifndef TG_MODEL_H
#define TG_MODEL_H

#include <stddef.h>
#include <stdint.h>

#define TG_WEEKDAY_HOLIDAY 7

enum tg_role {
	TG_ROLE_VIEWER = 0,
	TG_ROLE_VOLUNTEER,
	TG_ROLE_STAFF,
	TG_ROLE_COORDINATOR,
	TG_ROLE_ADMIN,
};

/* "admin", "coordinator", ... ; NULL for out-of-range. */
const char *tg_role_name(enum tg_role r);
/* Returns 0 and sets *out for a known name, -1 otherwise. */
int tg_role_parse(const char *s, enum tg_role *out);

enum tg_area_level {
	TG_AREA_CITY = 0, /* 市 */
	TG_AREA_WARD,     /* 区 */
	TG_AREA_DISTRICT, /* 地区/エリア */
};

struct tg_area {
	int64_t id;
	int64_t parent_id; /* 0 for a top-level city */
	enum tg_area_level level;
	const char *name;
	const char *name_kana;
};

struct tg_org {
	int64_t id;
	const char *uuid; /* HSDS id */
	const char *name;
	const char *name_kana;
	const char *kind; /* 社会福祉協議会, NPO法人, 区役所, ... free text */
	int64_t area_id;  /* 0 = none */
	const char *phone, *email, *url, *description;
	const char *created_at, *updated_at;
};

struct tg_user {
	int64_t id;
	int64_t org_id;
	const char *login;
	const char *display_name;
	enum tg_role role;
	int disabled;
	const char *password_hash; /* argon2id encoded string; never rendered */
	const char *created_at;
};

/* One opening interval on a weekday; several per day are allowed. */
/* fee_free: free of charge, paid, or not known (open-data imports never
 * say; a place must not be shown as paid, or as free, on a guess). */
#define TG_FEE_FREE    1
#define TG_FEE_PAID    0
#define TG_FEE_UNKNOWN (-1)

/* A stored fee_free value as one of the three. */
static inline int tg_fee_norm(int v)
{
	return v > 0 ? TG_FEE_FREE : v == 0 ? TG_FEE_PAID : TG_FEE_UNKNOWN;
}

struct tg_hours {
	int weekday;   /* 0..7 (7 = holiday) */
	int open_min;  /* 0..1439 */
	int close_min; /* open_min < close_min <= 1440 */
};

/* A dated exception: closed all day, or open with other hours. */
struct tg_exception {
	const char *date; /* YYYY-MM-DD */
	int closed;       /* 1: closed all day; open/close ignored */
	int open_min, close_min;
	const char *note;
};

/* Builtin resource type codes; custom types are rows in resource_types. */
struct tg_resource_type {
	const char *code; /* [a-z0-9_]{1,32} */
	const char *name_ja;
	const char *name_en;
	int builtin;
};

/* Tags: services offered (kind "service") and accessibility ("access"). */
struct tg_tag {
	const char *code;
	const char *kind; /* "service" | "access" */
	const char *name_ja;
	const char *name_en;
};

struct tg_resource {
	int64_t id;
	const char *uuid; /* HSDS service id, stable */
	int64_t org_id;
	const char *org_name; /* filled on read */
	const char *type_code;
	const char *name; /* required, 1..200 chars */
	const char *name_kana;
	const char *description;
	int64_t area_id;         /* most specific area; 0 = none */
	const char *postal_code; /* NNN-NNNN */
	const char *prefecture, *city, *address_line, *building;
	int has_geo;
	double lat, lon; /* WGS84, only when has_geo */
	const char *phone, *email, *url;
	int age_min_months; /* -1 = none */
	int age_max_months; /* -1 = none */
	int fee_free;       /* TG_FEE_FREE, TG_FEE_PAID or TG_FEE_UNKNOWN */
	const char *fee_text;
	int capacity; /* -1 = unknown */
	const char *accessibility_notes;
	const char **services; /* service tag codes */
	size_t n_services;
	const char **access; /* access tag codes */
	size_t n_access;
	struct tg_hours *hours;
	size_t n_hours;
	struct tg_exception *exceptions;
	size_t n_exceptions;
	const char *schedule_note;
	int is_public;                       /* listed on the public page and to anonymous HSDS */
	int is_confidential;                 /* hide address and coordinates outside own org */
	const char *front_door;              /* public contact shown instead when confidential */
	const char *verified_at;             /* YYYY-MM-DD, NULL = never verified */
	const char *source;                  /* "jp-facilities:<municipality code>", "hsds", "manual" */
	const char *source_id;               /* stable id within the source */
	const char *created_at, *updated_at; /* ISO 8601 UTC */
	int64_t version;                     /* optimistic concurrency, starts at 1 */
	const char *search_text;             /* the normalized text the store keeps (filled on read) */
	int text_version;                    /* the rules it was built with (TG_SEARCH_TEXT_VERSION; on read) */
};

#endif
