/*
 * fuzz_csv.c - libFuzzer target: encoding detection, the CSV reader and
 * the jp-facilities mapping on arbitrary bytes.
 *
 * Build (clang):
 *   clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
 *     -Isrc -include src/util/prelude.h fuzz/fuzz_csv.c src/io/csv.c \
 *     src/io/encoding.c src/io/jp_facilities.c src/core/jpparse.c \
 *     src/util/buf.c src/util/mem.c -o build/fuzz_csv
 * Invariants checked: no crash or sanitizer report; every record has
 * 1..TG_CSV_MAX_COLUMNS fields and non-decreasing start lines; accepted and
 * rejected rows add up to the rows seen.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "io/csv.h"
#include "io/encoding.h"
#include "io/jp_facilities.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tg_buf u = TG_BUF_INIT;
	struct tg_arena a = TG_ARENA_INIT;
	struct tg_import_batch b;
	struct tg_csv_reader r;
	const char *enc;
	size_t last = 0;

	tg_csv_reader_init(&r, (const char *)data, size);
	while (tg_csv_next(&r) == 1) {
		if (r.n_fields == 0 || r.n_fields > TG_CSV_MAX_COLUMNS || r.record_line < last)
			abort();
		last = r.record_line;
	}
	tg_csv_reader_release(&r);

	if (tg_encoding_to_utf8((const char *)data, size, &u, &enc, NULL, NULL, 0) == TG_OK) {
		struct tg_jpf_options o = {1, NULL};
		tg_import_batch_init(&b, &a);
		if (tg_jpf_parse(u.data, u.len, &o, &b) == TG_OK && b.n_rows + b.n_rejected != b.n_input)
			abort();
		tg_import_batch_release(&b);
	}
	tg_buf_release(&u);
	tg_arena_release(&a);
	return 0;
}
