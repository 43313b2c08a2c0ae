/*
 * demo.h - load the demo data set (data/demo/demo.json) into an empty
 * database: areas, organizations, users (with the file's demo password),
 * and resources through the same validation and write path as the API,
 * all in one transaction (a refused row leaves the database unchanged).
 *
 * File format (data/demo/demo.json):
 *   {"demo_password": "...",
 *    "areas": [{"name","name_kana","children":[…]}],             city > ward > district
 *    "orgs": [{"key","name","name_kana","kind","area":[names…],"phone","email","url","description"}],
 *    "users": [{"login","display_name","role","org":"<org key>"}],
 *    "resources": [ResourceInput + "org":"<org key>", "area":[names…]]}
 */
#ifndef TG_DEMO_H
#define TG_DEMO_H

#include "app/app.h"

struct tg_demo_summary {
	size_t areas, orgs, users, resources;
};

/* Load path into db (migrated, empty). On a data error *msg says where. */
enum tg_rc tg_demo_load(struct tg_app *app, struct tg_db *db, const char *path, struct tg_demo_summary *sum, char *msg,
                        size_t msglen);

#endif
