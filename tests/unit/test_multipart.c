/* test_multipart.c - web/multipart.c and the forms it fills in request.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fixture.h"
#include "web/multipart.h"

static const char BODY[] =
	"--XyZ\r\n"
	"Content-Disposition: form-data; name=\"csrf\"\r\n\r\n"
	"tok123\r\n"
	"--XyZ\r\n"
	"Content-Disposition: form-data; name=\"file\"; filename=\"教师.csv\"\r\n"
	"Content-Type: text/csv\r\n\r\n"
	"a,b\r\n1,2\r\n--not-the-boundary\r\n"
	"\r\n--XyZ--\r\n";

struct seen {
	int n;
	struct multipart_part parts[4];
};

static int collect(const struct multipart_part *p, void *ctx)
{
	struct seen *s = ctx;

	if (s->n < 4)
		s->parts[s->n++] = *p;
	return 0;
}

static void boundary_from_header(void **state)
{
	char b[80];

	(void)state;
	assert_int_equal(multipart_boundary("multipart/form-data; boundary=XyZ", b, sizeof b), 0);
	assert_string_equal(b, "XyZ");
	assert_int_equal(multipart_boundary("multipart/form-data; boundary=\"a b\"", b, sizeof b), 0);
	assert_string_equal(b, "a b");
	assert_int_equal(multipart_boundary("application/x-www-form-urlencoded", b, sizeof b), -1);
	assert_int_equal(multipart_boundary("multipart/form-data", b, sizeof b), -1);
}

static void parts_and_files(void **state)
{
	struct seen s = { 0 };

	(void)state;
	assert_int_equal(multipart_parse(BODY, sizeof BODY - 1, "XyZ", collect, &s), 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.parts[0].name, "csrf");
	assert_string_equal(s.parts[0].filename, "");
	assert_int_equal(s.parts[0].len, 6);
	assert_memory_equal(s.parts[0].data, "tok123", 6);
	assert_string_equal(s.parts[1].name, "file");
	assert_string_equal(s.parts[1].filename, "教师.csv");
	assert_string_equal(s.parts[1].content_type, "text/csv");
	/* a line that only looks like a boundary stays in the file */
	assert_int_equal(s.parts[1].len, strlen("a,b\r\n1,2\r\n--not-the-boundary\r\n"));
}

static void broken_bodies_refused(void **state)
{
	struct seen s = { 0 };
	static const char NO_END[] = "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue";
	static const char NO_HEADERS_END[] = "--XyZ\r\nContent-Disposition: form-data; name=\"a\"";

	(void)state;
	assert_int_equal(multipart_parse(NO_END, sizeof NO_END - 1, "XyZ", collect, &s), -1);
	assert_int_equal(multipart_parse(NO_HEADERS_END, sizeof NO_HEADERS_END - 1, "XyZ", collect, &s), -1);
	assert_int_equal(multipart_parse("", 0, "XyZ", collect, &s), -1);
	assert_int_equal(multipart_parse("--Other\r\n", 9, "XyZ", collect, &s), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(boundary_from_header),
		cmocka_unit_test(parts_and_files),
		cmocka_unit_test(broken_bodies_refused),
	};

	return cmocka_run_group_tests_name("multipart", tests, NULL, NULL);
}
