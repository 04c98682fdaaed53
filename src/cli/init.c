/* init.c - tdc init: a new database, and the demo city with one account
 * per role. */
#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/account.h"
#include "core/demo.h"
#include "store/store.h"

/* The demo's sign-ins: printed by init and by 'make run'. */
#define DEMO_PASSWORD "tdc-demo"

struct demo_account {
	const char *login, *name;
	enum role role;
	int scope; /* 0 none, 1 school, 2 district centre, 3 municipal centre, 4 alliance, 5 city */
	bool person;
};

static const struct demo_account demo_accounts[] = {
	{ "admin", "系统管理员", ROLE_SYSADMIN, 0, false },
	{ "bureau", "广州市教育局", ROLE_BUREAU, 5, false },
	{ "centre", "天河区教师发展中心", ROLE_CENTRE_ADMIN, 2, false },
	{ "kg-centre", "广州市幼儿园教师发展中心", ROLE_CENTRE_ADMIN, 3, false },
	{ "school", NULL, ROLE_SCHOOL_ADMIN, 1, false },
	{ "teacher", NULL, ROLE_TEACHER, 0, true },
	{ "alliance", "联盟秘书处", ROLE_ALLIANCE, 4, false },
	{ "evaluator", "评估专家", ROLE_EVALUATOR, 0, false },
};

static int parse_positive(const char *s, long max, long *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (end == s || *end || v < 1 || v > max)
		return -1;
	*out = v;
	return 0;
}

static int make_demo_accounts(struct store *s, const struct demo_summary *sum, struct err *err)
{
	struct actor who = cli_actor();

	for (size_t i = 0; i < sizeof demo_accounts / sizeof demo_accounts[0]; i++) {
		const struct demo_account *d = &demo_accounts[i];
		const char *scopes[] = { NULL, sum->school_code, sum->district_centre_code, "gz-yey",
					 sum->alliance_code, "440100" };
		char name[96];
		struct account_new in = {
			.login = d->login, .role = d->role, .scope = scopes[d->scope],
			.person_id_number = d->person ? sum->teacher_id_number : NULL,
			.password = DEMO_PASSWORD, .display_name = d->name,
		};

		if (d->role == ROLE_SCHOOL_ADMIN) {
			snprintf(name, sizeof name, "学校管理员（%s）", sum->school_code);
			in.display_name = name;
		}
		if (account_create(s, &in, &who, NULL, err) < 0)
			return -1;
	}
	return 0;
}

int cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "demo", no_argument, NULL, 'D' },
		{ "teachers", required_argument, NULL, 't' },
		{ "seed", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	struct config cfg;
	struct err err = { 0 };
	struct store *s = NULL;
	const char *db = NULL;
	bool demo = false, existed;
	long teachers = 20000, seed = 1;
	int c, applied = 0, rc = EXIT_FAIL;
	struct timespec t0, t1;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'D': demo = true; break;
		case 't':
			if (parse_positive(optarg, DEMO_MAX_TEACHERS, &teachers) < 0 || teachers < DEMO_MIN_TEACHERS)
				return cli_misuse("init", "bad --teachers '%s': a number from %d to %d", optarg,
						  DEMO_MIN_TEACHERS, DEMO_MAX_TEACHERS);
			break;
		case 's':
			if (parse_positive(optarg, 2147483647L, &seed) < 0)
				return cli_misuse("init", "bad --seed '%s': a positive number", optarg);
			break;
		default:
			return cli_misuse("init", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_misuse("init", "unexpected argument '%s'", argv[optind]);
	if (cli_config(&cfg, NULL, &err) < 0)
		return cli_fail(&err);
	if (!db)
		db = cfg.db_path;
	existed = db && *db && access(db, F_OK) == 0;
	if (cli_open_store(db, STORE_CREATE, false, &s, &err) < 0)
		return cli_fail(&err);
	if (store_migrate(s, &applied, &err) < 0)
		goto out;
	printf("tdc: %s database '%s' at schema version %d (%d migrations applied)\n",
	       existed ? "checked" : "created", db, store_schema_latest(), applied);
	if (demo) {
		struct demo_options o = { .teachers = (int)teachers, .seed = (uint64_t)seed };
		struct demo_summary sum;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (demo_create(s, &o, &sum, &err) < 0)
			goto out;
		if (make_demo_accounts(s, &sum, &err) < 0)
			goto out;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		printf("tdc: demo city created in %.1f s: %d regions, %d centres, %d schools, %d persons\n",
		       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
		       sum.regions, sum.centres, sum.schools, sum.persons);
		printf("\nDemo sign-ins (password for all: %s)\n", DEMO_PASSWORD);
		for (size_t i = 0; i < sizeof demo_accounts / sizeof demo_accounts[0]; i++)
			printf("  %-10s %s%s%s\n", demo_accounts[i].login, role_code(demo_accounts[i].role),
			       demo_accounts[i].person ? "  " : "",
			       demo_accounts[i].person ? sum.teacher_name : "");
	}
	rc = EXIT_OK;
out:
	if (rc != EXIT_OK)
		rc = cli_fail(&err);
	store_close(s);
	if (rc != EXIT_OK && !existed && db)
		unlink(db); /* no half-made database left behind */
	return rc;
}
