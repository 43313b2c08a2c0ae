/*
 * cmd_serve.c - `tsunagu serve`: run the web server until SIGTERM.
 */
#include <getopt.h>

#include "cli/cli.h"
#include "core/search.h"
#include "http/http.h"

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: tsunagu serve [--db URL] [--listen ADDR:PORT] [--web DIR] [--vendor DIR]\n"
	        "                     [--tile-url URL] [--tile-trusted] [--threads N]\n"
	        "                     [--verify-after-days N] [--secure-cookies] [--no-access-log] [--default-tenant "
	        "CODE]\n"
	        "                     [--search-cache N]\n"
	        "\n"
	        "Serves the web UI, the JSON API (/api/v1, described at /api/v1/openapi.json)\n"
	        "and the HSDS 3 API (/hsds/) until SIGTERM or SIGINT, then lets requests in\n"
	        "flight finish and exits 0. Pending database migrations are applied at start.\n"
	        "\n"
	        "  --db URL          database (default $TSUNAGU_DB, else %s)\n"
	        "  --listen A:P      address and port (default 127.0.0.1:8080)\n"
	        "  --web DIR         web UI directory (default: next to the binary, ../web)\n"
	        "  --vendor DIR      node_modules directory holding leaflet/ (default ../node_modules)\n"
	        "  --tile-url URL    map tile URL template ({z}/{x}/{y}); \"\" for no tiles\n"
	        "  --tile-trusted    the tile server is the deployment's own (or under its\n"
	        "                    contract): maps load tiles without asking first (default:\n"
	        "                    the tile_trusted setting; a URL starting with / always is)\n"
	        "  --verify-after-days N  flag places whose information was last verified more\n"
	        "                    than N days ago (default: the setting, else 365)\n"
	        "  --threads N       worker threads (default: number of CPUs)\n"
	        "  --secure-cookies  mark the session cookie Secure and send HSTS (use behind an\n"
	        "                    HTTPS reverse proxy; browsers then send the cookie over HTTPS only)\n"
	        "  --no-access-log   do not write an access log line per request\n"
	        "  --default-tenant CODE  the tenant for requests whose Host matches no tenant's\n"
	        "                    host names and that carry no X-Tsunagu-Tenant header\n"
	        "                    (default: \"default\"; \"\" to refuse such requests)\n"
	        "  --search-cache N  keep the answers to the last N distinct searches per tenant\n"
	        "                    (dropped at every change to the directory; default %d,\n"
	        "                    0 = none)\n",
	        TG_DEFAULT_DB, TG_SEARCH_CACHE_DEFAULT);
}

int cmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"listen", required_argument, NULL, 'l'},
	    {"web", required_argument, NULL, 'w'},
	    {"vendor", required_argument, NULL, 'v'},
	    {"tile-url", required_argument, NULL, 't'},
	    {"tile-trusted", no_argument, NULL, 'U'},
	    {"threads", required_argument, NULL, 'n'},
	    {"no-access-log", no_argument, NULL, 'q'},
	    {"help", no_argument, NULL, 'h'},
	    {"verify-after-days", required_argument, NULL, 'V'},
	    {"secure-cookies", no_argument, NULL, 'S'},
	    {"default-tenant", required_argument, NULL, 'T'},
	    {"search-cache", required_argument, NULL, 'C'},
	    {NULL, 0, NULL, 0},
	};
	struct tg_server_opts so = {
	    .listen = "127.0.0.1:8080", .access_log = 1, .search_cache = TG_SEARCH_CACHE_DEFAULT};
	const char *db = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'l': so.listen = optarg; break;
		case 'w': so.web_root = optarg; break;
		case 'v': so.vendor_root = optarg; break;
		case 't': so.tile_url = optarg; break;
		case 'U': so.tile_trusted = 1; break;
		case 'n': {
			char *end;
			long v = strtol(optarg, &end, 10);
			so.threads = !*optarg || *end ? 0 : (int)(v < 0 || v > 256 ? 0 : v);
			if (so.threads < 1 || so.threads > 256) {
				fprintf(stderr, "tsunagu serve: --threads must be 1..256\n");
				return 2;
			}
			break;
		}
		case 'q': so.access_log = 0; break;
		case 'S': so.secure_cookies = 1; break;
		case 'T': so.default_tenant = optarg; break;
		case 'V': {
			char *end;
			long v = strtol(optarg, &end, 10);
			so.verify_after_days = !*optarg || *end ? 0 : (int)(v < 0 || v > 3650 ? 0 : v);
			if (so.verify_after_days < 1 || so.verify_after_days > 3650) {
				fprintf(stderr, "tsunagu serve: --verify-after-days must be 1..3650\n");
				return 2;
			}
			break;
		}
		case 'C': {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (!*optarg || *end || v < 0 || v > 1000000) {
				fprintf(stderr, "tsunagu serve: --search-cache must be 0..1000000\n");
				return 2;
			}
			so.search_cache = (int)v;
			break;
		}
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "tsunagu serve: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	if (!tg_server_listen_ok(so.listen)) {
		fprintf(stderr, "tsunagu serve: --listen must be IPv4ADDR:PORT (e.g. 127.0.0.1:8080), got '%s'\n",
		        so.listen);
		return 2;
	}
	so.db_url = tg_cli_db_url(db);
	if (tg_cli_check_db_url(so.db_url))
		return 2;
	return tg_server_run(&so);
}
