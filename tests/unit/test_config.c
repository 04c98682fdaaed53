/* test_config.c - installation settings (lib/config.c).
 *
 * Defaults; an INI file with every key; comments and blank lines; an
 * unknown key, an unknown section, a bad value and a malformed line are
 * errors whose message names the file and the line; a missing file;
 * TDC_* environment variables override the file, and a bad one names
 * itself; config_parse_listen() on good and bad ADDR:PORT forms. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"
#include "lib/config.h"

static const char *const env_vars[] = {
	"TDC_DB", "TDC_LISTEN", "TDC_THREADS", "TDC_ACCESS_LOG", "TDC_SECURE_COOKIES",
	"TDC_SITE_NAME", "TDC_SESSION_IDLE_MINUTES", "TDC_SESSION_ABSOLUTE_HOURS",
};

static void clear_env(void)
{
	for (size_t i = 0; i < sizeof env_vars / sizeof env_vars[0]; i++)
		unsetenv(env_vars[i]);
}

struct fixture {
	char dir[128];
	char path[256];
};

static int group_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	if (!f || fixture_mkdtemp(f->dir, sizeof f->dir, "config") < 0)
		return -1;
	snprintf(f->path, sizeof f->path, "%s/tdc.ini", f->dir);
	clear_env();
	*state = f;
	return 0;
}

static int group_teardown(void **state)
{
	struct fixture *f = *state;

	clear_env();
	fixture_rmdir(f->dir);
	free(f);
	return 0;
}

/* Writes text to the fixture's file and loads it over the defaults. */
static int load(struct fixture *f, const char *text, struct config *c, struct err *err)
{
	config_defaults(c);
	memset(err, 0, sizeof *err);
	assert_int_equal(fixture_write_file(f->path, text), 0);
	return config_load_file(c, f->path, err);
}

static void defaults(void **state)
{
	struct config c;

	memset(&c, 0x7f, sizeof c);
	config_defaults(&c);
	assert_string_equal(c.listen, "127.0.0.1:8080");
	assert_int_equal(c.threads, 0);
	assert_true(c.access_log);
	assert_false(c.secure_cookies);
	assert_string_equal(c.db_path, "");
	assert_int_equal(c.session_idle_minutes, 120);
	assert_int_equal(c.session_absolute_hours, 12);
	assert_true(strlen(c.site_name) > 0);
}

static void file_sets_every_key(void **state)
{
	struct config c;
	struct err err;
	int rc = load(*state,
		      "; tdc settings\n"
		      "[site]\n"
		      "name = 天河区教师发展中心\n"
		      "\n"
		      "[server]\n"
		      "listen = 0.0.0.0:9090\n"
		      "threads = 8\n"
		      "access_log = false\n"
		      "secure_cookies = yes\n"
		      "# a comment\n"
		      "[database]\n"
		      "path = /srv/tdc/tdc.db\n"
		      "[session]\n"
		      "idle_minutes = 30\n"
		      "absolute_hours = 8\n",
		      &c, &err);

	if (rc != 0)
		fail_msg("config_load_file: %s", err.message);
	assert_string_equal(c.site_name, "天河区教师发展中心");
	assert_string_equal(c.listen, "0.0.0.0:9090");
	assert_int_equal(c.threads, 8);
	assert_false(c.access_log);
	assert_true(c.secure_cookies);
	assert_string_equal(c.db_path, "/srv/tdc/tdc.db");
	assert_int_equal(c.session_idle_minutes, 30);
	assert_int_equal(c.session_absolute_hours, 8);
}

static void file_keeps_defaults_it_does_not_name(void **state)
{
	struct config c;
	struct err err;

	assert_int_equal(load(*state, "[database]\npath = a.db\n", &c, &err), 0);
	assert_string_equal(c.db_path, "a.db");
	assert_string_equal(c.listen, "127.0.0.1:8080");
	assert_int_equal(c.session_idle_minutes, 120);
	assert_int_equal(load(*state, "", &c, &err), 0);
}

static void unknown_key_names_file_and_line(void **state)
{
	struct fixture *f = *state;
	struct config c;
	struct err err;
	char where[300];

	assert_int_equal(load(f, "[server]\nthreads = 2\nbogus = 1\nlisten = 1.2.3.4:5\n", &c, &err), -1);
	assert_int_equal(err.code, ERR_USAGE);
	snprintf(where, sizeof where, "%s:3:", f->path);
	if (!strstr(err.message, where))
		fail_msg("message '%s' lacks '%s'", err.message, where);
	assert_non_null(strstr(err.message, "bogus"));

	/* a known key in the wrong section is unknown too */
	assert_int_equal(load(f, "\n\n[site]\nlisten = 1.2.3.4:5\n", &c, &err), -1);
	snprintf(where, sizeof where, "%s:4:", f->path);
	if (!strstr(err.message, where))
		fail_msg("message '%s' lacks '%s'", err.message, where);

	/* and a key before any section */
	assert_int_equal(load(f, "threads = 2\n", &c, &err), -1);
	snprintf(where, sizeof where, "%s:1:", f->path);
	assert_non_null(strstr(err.message, where));
}

static void bad_values_are_errors(void **state)
{
	static const struct { const char *text; const char *line; const char *word; } cases[] = {
		{ "[server]\nthreads = many\n", ":2:", "threads" },
		{ "[server]\nthreads = 999\n", ":2:", "threads" },
		{ "[server]\nthreads = -1\n", ":2:", "threads" },
		{ "[server]\nthreads = 4x\n", ":2:", "threads" },
		{ "[server]\naccess_log = maybe\n", ":2:", "access_log" },
		{ "[server]\n\nlisten = nowhere\n", ":3:", "nowhere" },
		{ "[server]\nlisten = 127.0.0.1:70000\n", ":2:", "70000" },
		{ "[session]\nidle_minutes = 0\n", ":2:", "idle_minutes" },
		{ "[session]\nabsolute_hours = \n", ":2:", "absolute_hours" },
	};
	struct fixture *f = *state;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct config c;
		struct err err;
		char where[300];

		if (load(f, cases[i].text, &c, &err) != -1)
			fail_msg("accepted: %s", cases[i].text);
		assert_int_equal(err.code, ERR_USAGE);
		snprintf(where, sizeof where, "%s%s", f->path, cases[i].line);
		if (!strstr(err.message, where) || !strstr(err.message, cases[i].word))
			fail_msg("message '%s' lacks '%s' or '%s'", err.message, where, cases[i].word);
	}
}

static void malformed_line_is_an_error(void **state)
{
	struct fixture *f = *state;
	struct config c;
	struct err err;
	char where[300];

	assert_int_equal(load(f, "[server]\nthreads = 2\nthis line has no equals sign\n", &c, &err), -1);
	snprintf(where, sizeof where, "%s:3:", f->path);
	assert_non_null(strstr(err.message, where));
}

static void missing_file_is_an_error(void **state)
{
	struct fixture *f = *state;
	struct config c;
	struct err err = { 0 };
	char path[300];

	snprintf(path, sizeof path, "%s/absent.ini", f->dir);
	config_defaults(&c);
	assert_int_equal(config_load_file(&c, path, &err), -1);
	assert_int_equal(err.code, ERR_IO);
	assert_non_null(strstr(err.message, path));
}

static void config_set_checks_values(void **state)
{
	struct config c;
	struct err err = { 0 };
	char longname[400];

	config_defaults(&c);
	assert_int_equal(config_set(&c, "site", "name", "海珠区", &err), 0);
	assert_string_equal(c.site_name, "海珠区");
	memset(longname, 'x', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	assert_int_equal(config_set(&c, "site", "name", longname, &err), -1);
	assert_string_equal(c.site_name, "海珠区"); /* unchanged */
	assert_int_equal(config_set(&c, "server", "secure_cookies", "ON", &err), 0);
	assert_true(c.secure_cookies);
	assert_int_equal(config_set(&c, "server", "secure_cookies", "0", &err), 0);
	assert_false(c.secure_cookies);
	assert_int_equal(config_set(&c, "server", "listen", "localhost", &err), -1);
	assert_string_equal(c.listen, "127.0.0.1:8080");
	assert_int_equal(config_set(&c, "nope", "nope", "1", &err), -1);
	assert_non_null(strstr(err.message, "nope.nope"));
}

static void environment_overrides(void **state)
{
	struct fixture *f = *state;
	struct config c;
	struct err err;

	assert_int_equal(load(f, "[server]\nlisten = 10.0.0.1:80\nthreads = 2\n[database]\npath = file.db\n",
			      &c, &err), 0);
	setenv("TDC_LISTEN", "[::1]:9000", 1);
	setenv("TDC_DB", "/tmp/from-env.db", 1);
	setenv("TDC_THREADS", "6", 1);
	setenv("TDC_SESSION_IDLE_MINUTES", "15", 1);
	setenv("TDC_SECURE_COOKIES", "true", 1);
	assert_int_equal(config_load_env(&c, &err), 0);
	assert_string_equal(c.listen, "[::1]:9000");
	assert_string_equal(c.db_path, "/tmp/from-env.db");
	assert_int_equal(c.threads, 6);
	assert_int_equal(c.session_idle_minutes, 15);
	assert_true(c.secure_cookies);
	clear_env();

	/* without the variables nothing changes; an empty one is ignored */
	assert_int_equal(load(f, "[server]\nthreads = 2\n", &c, &err), 0);
	setenv("TDC_THREADS", "", 1);
	assert_int_equal(config_load_env(&c, &err), 0);
	assert_int_equal(c.threads, 2);
	assert_string_equal(c.listen, "127.0.0.1:8080");
	clear_env();
}

static void bad_environment_names_the_variable(void **state)
{
	struct config c;
	struct err err = { 0 };

	config_defaults(&c);
	setenv("TDC_THREADS", "lots", 1);
	assert_int_equal(config_load_env(&c, &err), -1);
	assert_int_equal(err.code, ERR_USAGE);
	assert_non_null(strstr(err.message, "TDC_THREADS"));
	assert_non_null(strstr(err.message, "lots"));
	clear_env();

	setenv("TDC_LISTEN", "8080", 1);
	assert_int_equal(config_load_env(&c, &err), -1);
	assert_non_null(strstr(err.message, "TDC_LISTEN"));
	clear_env();
}

static void parse_listen_good(void **state)
{
	char addr[64];
	int port = -1;
	struct err err = { 0 };

	assert_int_equal(config_parse_listen("127.0.0.1:8080", addr, sizeof addr, &port, &err), 0);
	assert_string_equal(addr, "127.0.0.1");
	assert_int_equal(port, 8080);
	assert_int_equal(config_parse_listen("[::1]:0", addr, sizeof addr, &port, &err), 0);
	assert_string_equal(addr, "::1");
	assert_int_equal(port, 0);
	assert_int_equal(config_parse_listen("[2001:db8::7]:443", addr, sizeof addr, &port, &err), 0);
	assert_string_equal(addr, "2001:db8::7");
	assert_int_equal(port, 443);
	assert_int_equal(config_parse_listen("localhost:65535", addr, sizeof addr, &port, &err), 0);
	assert_string_equal(addr, "localhost");
	assert_int_equal(port, 65535);
}

static void parse_listen_bad(void **state)
{
	static const char *const bad[] = {
		"127.0.0.1",        /* no port */
		"127.0.0.1:",       /* empty port */
		"127.0.0.1:70000",  /* port too big */
		"127.0.0.1:65536",
		"127.0.0.1:-1",
		"127.0.0.1:80x",
		"127.0.0.1:http",
		":8080",            /* empty host */
		"[]:8080",
		"[::1]",            /* v6 without port */
		"",
	};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char addr[64];
		int port = 0;
		struct err err = { 0 };

		if (config_parse_listen(bad[i], addr, sizeof addr, &port, &err) != -1)
			fail_msg("accepted '%s'", bad[i]);
		assert_int_equal(err.code, ERR_USAGE);
		if (!strstr(err.message, bad[i]))
			fail_msg("message '%s' does not quote '%s'", err.message, bad[i]);
	}
}

static void parse_listen_addr_too_long_for_buffer(void **state)
{
	char addr[8];
	int port;
	struct err err = { 0 };

	assert_int_equal(config_parse_listen("127.0.0.1:80", addr, sizeof addr, &port, &err), -1);
	assert_int_equal(config_parse_listen("1.2.3.4:80", addr, sizeof addr, &port, &err), 0);
	assert_string_equal(addr, "1.2.3.4");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults),
		cmocka_unit_test(file_sets_every_key),
		cmocka_unit_test(file_keeps_defaults_it_does_not_name),
		cmocka_unit_test(unknown_key_names_file_and_line),
		cmocka_unit_test(bad_values_are_errors),
		cmocka_unit_test(malformed_line_is_an_error),
		cmocka_unit_test(missing_file_is_an_error),
		cmocka_unit_test(config_set_checks_values),
		cmocka_unit_test(environment_overrides),
		cmocka_unit_test(bad_environment_names_the_variable),
		cmocka_unit_test(parse_listen_good),
		cmocka_unit_test(parse_listen_bad),
		cmocka_unit_test(parse_listen_addr_too_long_for_buffer),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
