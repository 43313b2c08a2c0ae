/* test_csv.c - the CSV reader's grammar edge cases, line numbers and caps,
 * and the writer's quoting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "io/csv.h"

static void field_is(const struct tg_csv_reader *r, size_t i, const char *want)
{
	assert_true(i < r->n_fields);
	assert_int_equal(r->fields[i].len, strlen(want));
	assert_memory_equal(r->fields[i].p, want, strlen(want));
}

static void test_simple_lf(void **state)
{
	(void)state;
	const char *in = "a,b,c\n1,2,3\n";
	struct tg_csv_reader r;
	tg_csv_reader_init(&r, in, strlen(in));
	assert_int_equal(tg_csv_next(&r), 1);
	assert_int_equal(r.n_fields, 3);
	assert_int_equal(r.record_line, 1);
	field_is(&r, 0, "a");
	field_is(&r, 2, "c");
	assert_int_equal(tg_csv_next(&r), 1);
	assert_int_equal(r.record_line, 2);
	field_is(&r, 1, "2");
	assert_int_equal(tg_csv_next(&r), 0);
	tg_csv_reader_release(&r);
}

static void test_quoted_embedded(void **state)
{
	(void)state;
	const char *in = "\"a,b\",\"say \"\"hi\"\"\",\"line1\r\nline2\"\r\nnext,\"\"\r\n";
	struct tg_csv_reader r;
	tg_csv_reader_init(&r, in, strlen(in));
	assert_int_equal(tg_csv_next(&r), 1);
	assert_int_equal(r.n_fields, 3);
	field_is(&r, 0, "a,b");
	field_is(&r, 1, "say \"hi\"");
	field_is(&r, 2, "line1\r\nline2");
	assert_true(r.fields[1].quoted);
	/* the record after a multi-line field starts on physical line 3 */
	assert_int_equal(tg_csv_next(&r), 1);
	assert_int_equal(r.record_line, 3);
	assert_int_equal(r.n_fields, 2);
	field_is(&r, 0, "next");
	field_is(&r, 1, "");
	assert_int_equal(tg_csv_next(&r), 0);
	tg_csv_reader_release(&r);
}

static void test_cr_only_and_no_final_eol(void **state)
{
	(void)state;
	const char *in = "x\ry\r\rz";
	struct tg_csv_reader r;
	tg_csv_reader_init(&r, in, strlen(in));
	assert_int_equal(tg_csv_next(&r), 1);
	field_is(&r, 0, "x");
	assert_int_equal(tg_csv_next(&r), 1);
	field_is(&r, 0, "y");
	assert_int_equal(r.record_line, 2);
	assert_int_equal(tg_csv_next(&r), 1); /* blank line 3 skipped */
	field_is(&r, 0, "z");
	assert_int_equal(r.record_line, 4);
	assert_int_equal(tg_csv_next(&r), 0);
	tg_csv_reader_release(&r);
}

static void test_empty_trailing_columns(void **state)
{
	(void)state;
	const char *in = "a,,\n,\n";
	struct tg_csv_reader r;
	tg_csv_reader_init(&r, in, strlen(in));
	assert_int_equal(tg_csv_next(&r), 1);
	assert_int_equal(r.n_fields, 3);
	field_is(&r, 1, "");
	field_is(&r, 2, "");
	assert_int_equal(tg_csv_next(&r), 1);
	assert_int_equal(r.n_fields, 2);
	tg_csv_reader_release(&r);
}

static void test_unterminated_quote(void **state)
{
	(void)state;
	const char *in = "h1,h2\nok,1\n\"open,2\nmore\n";
	struct tg_csv_reader r;
	tg_csv_reader_init(&r, in, strlen(in));
	assert_int_equal(tg_csv_next(&r), 1);
	assert_int_equal(tg_csv_next(&r), 1);
	assert_int_equal(tg_csv_next(&r), -1);
	assert_int_equal(r.err_line, 3);
	assert_int_equal(r.rc, TG_ERR_INVALID);
	assert_non_null(strstr(r.err, "3行目"));
	assert_non_null(strstr(r.err, "unterminated quote"));
	tg_csv_reader_release(&r);
}

static void test_garbage_after_quote(void **state)
{
	(void)state;
	const char *in = "\"a\"b,c\n";
	struct tg_csv_reader r;
	tg_csv_reader_init(&r, in, strlen(in));
	assert_int_equal(tg_csv_next(&r), -1);
	assert_int_equal(r.err_line, 1);
	tg_csv_reader_release(&r);
}

static void test_bare_quote_literal_and_utf8(void **state)
{
	(void)state;
	const char *in = "ab\"c,保育所\n";
	struct tg_csv_reader r;
	tg_csv_reader_init(&r, in, strlen(in));
	assert_int_equal(tg_csv_next(&r), 1);
	field_is(&r, 0, "ab\"c");
	field_is(&r, 1, "保育所");
	tg_csv_reader_release(&r);
}

static void test_column_cap(void **state)
{
	(void)state;
	struct tg_buf b = TG_BUF_INIT;
	for (int i = 0; i < 257; i++)
		assert_int_equal(tg_buf_adds(&b, i ? ",x" : "x"), TG_OK);
	struct tg_csv_reader r;
	tg_csv_reader_init(&r, b.data, b.len);
	assert_int_equal(tg_csv_next(&r), -1);
	assert_int_equal(r.rc, TG_ERR_TOO_LARGE);
	tg_csv_reader_release(&r);
	tg_buf_release(&b);
}

static void test_field_cap(void **state)
{
	(void)state;
	size_t n = TG_CSV_MAX_FIELD + 10;
	char *big = malloc(n);
	memset(big, 'a', n);
	struct tg_csv_reader r;
	tg_csv_reader_init(&r, big, n);
	assert_int_equal(tg_csv_next(&r), -1);
	assert_int_equal(r.rc, TG_ERR_TOO_LARGE);
	tg_csv_reader_release(&r);
	free(big);
}

static void test_record_cap(void **state)
{
	(void)state;
	const char *in = "a\nb\nc\n";
	struct tg_csv_reader r;
	tg_csv_reader_init(&r, in, strlen(in));
	r.max_records = 2;
	assert_int_equal(tg_csv_next(&r), 1);
	assert_int_equal(tg_csv_next(&r), 1);
	assert_int_equal(tg_csv_next(&r), -1);
	assert_int_equal(r.err_line, 3);
	tg_csv_reader_release(&r);
}

static void test_writer_roundtrip(void **state)
{
	(void)state;
	const char *row[] = {"plain", "a,b", "say \"hi\"", "x\r\ny", NULL, " pad"};
	struct tg_buf b = TG_BUF_INIT;
	assert_int_equal(tg_csv_write_row(&b, row, 6), TG_OK);
	assert_string_equal(b.data, "plain,\"a,b\",\"say \"\"hi\"\"\",\"x\r\ny\",,\" pad\"\r\n");
	struct tg_csv_reader r;
	tg_csv_reader_init(&r, b.data, b.len);
	assert_int_equal(tg_csv_next(&r), 1);
	assert_int_equal(r.n_fields, 6);
	for (size_t i = 0; i < 6; i++)
		field_is(&r, i, row[i] ? row[i] : "");
	tg_csv_reader_release(&r);
	tg_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_simple_lf),
	    cmocka_unit_test(test_quoted_embedded),
	    cmocka_unit_test(test_cr_only_and_no_final_eol),
	    cmocka_unit_test(test_empty_trailing_columns),
	    cmocka_unit_test(test_unterminated_quote),
	    cmocka_unit_test(test_garbage_after_quote),
	    cmocka_unit_test(test_bare_quote_literal_and_utf8),
	    cmocka_unit_test(test_column_cap),
	    cmocka_unit_test(test_field_cap),
	    cmocka_unit_test(test_record_cap),
	    cmocka_unit_test(test_writer_roundtrip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
