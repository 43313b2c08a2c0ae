/*
 * export.h - the whole directory as one file (HSDS 3 JSON array of services,
 * or the open-data CSV), shared by `tsunagu export` and GET /api/v1/export.
 * The caller decides what the reader may see: public_only limits the rows,
 * hide(ctx, r) says per row whether its location must be hidden (NULL:
 * every confidential one). The API and the CLI pass NULL: a file leaves
 * tsunagu's access rules (it is forwarded, opened elsewhere, imported into
 * systems that cannot know an address was confidential), so no file holds
 * a confidential location, whoever asks; importing it back keeps the
 * stored location (io/import.c keep_hidden_location).
 */
#ifndef TG_APP_EXPORT_H
#define TG_APP_EXPORT_H

#include "app/app.h"
#include "io/export.h"
#include "util/buf.h"

/* The organizations of the places rs[0..n) in id order, with one
 * org_get_many (an HSDS service carries its organization: one query per
 * page of places, not one per place); tg_app_page_org finds one of them
 * by id (NULL: none). */
enum tg_rc tg_app_page_orgs(struct tg_db *db, struct tg_arena *a, const struct tg_resource *rs, size_t n,
                            struct tg_org **orgs, size_t *n_orgs);
const struct tg_org *tg_app_page_org(const struct tg_org *orgs, size_t n_orgs, int64_t id);

enum tg_rc tg_app_export(struct tg_app *app, struct tg_db *db, int csv, int public_only, tg_export_hide_fn hide,
                         void *ctx, struct tg_buf *out, size_t *count);

#endif
