/* migrations.h - the schema history compiled into the binary (see Makefile). */
#ifndef TG_MIGRATIONS_H
#define TG_MIGRATIONS_H
#include <stddef.h>
struct tg_migration {
	int version;
	const char *name;
	const char *sql;
};
extern const struct tg_migration tg_migrations[];
extern const size_t tg_n_migrations;
#endif
