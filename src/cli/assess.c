/* assess.c - tdc assess: record the yearly training assessment (年度培训考核,
 * 002 §4(1)) of a year for the whole installation.  Run it again after late
 * entries: the year's results are replaced (core/assessment.c). */
#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/assessment.h"
#include "lib/clock.h"
#include "store/store.h"

int cmd_assess(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "year", required_argument, NULL, 'y' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = NULL, *year_text = NULL;
	struct config cfg;
	struct err err = { 0 };
	struct store *s = NULL;
	struct assessment_summary sum;
	struct actor who = cli_actor();
	char *end;
	long year;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'y': year_text = optarg; break;
		default: return cli_misuse("assess", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_misuse("assess", "unexpected argument '%s'", argv[optind]);
	if (!year_text)
		return cli_misuse("assess", "missing --year YEAR");
	year = strtol(year_text, &end, 10);
	if (*end || end == year_text || year < 1950 || year > 2200)
		return cli_misuse("assess", "'%s' is not a year (1950-2200)", year_text);
	{
		char today[11];

		clock_today(today);
		if (assessment_year_check((int)year, today, &err) < 0)
			return cli_fail(&err);
	}
	if (cli_config(&cfg, NULL, &err) < 0)
		return cli_fail(&err);
	if (cli_open_store(db ? db : cfg.db_path, 0, true, &s, &err) < 0)
		return cli_fail(&err);
	if (assessment_run(s, (int)year, &who, &sum, &err) < 0) {
		store_close(s);
		return cli_fail(&err);
	}
	store_close(s);
	printf("year %d: %lld assessed, %lld passed, %lld short, pass rate %.1f%%, %.2f s\n", sum.year,
	       (long long)sum.assessed, (long long)sum.passed, (long long)(sum.assessed - sum.passed),
	       sum.assessed ? 100.0 * (double)sum.passed / (double)sum.assessed : 0.0, sum.seconds);
	return EXIT_OK;
}
