/* main.c - tdc: the command table and dispatch.
 *
 * Every subcommand is one row below and one file in src/cli/, with its own
 * usage text; 'tdc help NAME' and 'tdc NAME --help' print it.  Only main()
 * and src/cli/ may exit: the rest returns errors. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "lib/secret.h"

#ifndef TDC_VERSION
#define TDC_VERSION "0.0.0"
#endif

/* ---- The commands --------------------------------------------------------- */

const struct cli_cmd cli_commands[] = {
	{ "init", cmd_init, "create a database, optionally with the demo city",
	  "usage: tdc init --db PATH [--demo [--teachers N] [--seed S]]\n"
	  "\n"
	  "Creates the database at PATH and applies every migration.  With --demo it\n"
	  "also creates the demo city of Guangzhou (its centres, the alliance, about\n"
	  "300 schools and N persons, 20000 by default) and one account per role,\n"
	  "whose sign-ins it prints.\n"
	  "\n"
	  "    --db PATH       the database file (also TDC_DB)\n"
	  "    --demo          add the demo city; PATH must be a new database\n"
	  "    --teachers N    persons in the demo city, 500 to 5000000 (default 20000)\n"
	  "    --seed S        random seed, for a reproducible city (default 1)\n" },
	{ "serve", cmd_serve, "serve the web site and the JSON API",
	  "usage: tdc serve --db PATH [--listen ADDR:PORT] [--config FILE] [--threads N]\n"
	  "\n"
	  "Serves the site until SIGTERM or SIGINT, then finishes the requests in\n"
	  "flight and stops.  Prints the address once listening; port 0 picks a free\n"
	  "one.  Logs one line per request on stderr.\n"
	  "\n"
	  "    --db PATH           the database (also TDC_DB, [database] path)\n"
	  "    --listen ADDR:PORT  where to listen (default 127.0.0.1:8080; also TDC_LISTEN)\n"
	  "    --config FILE       an INI configuration (also TDC_CONFIG); see docs/operations.md\n"
	  "    --threads N         worker threads (default: one per core; also TDC_THREADS)\n" },
	{ "migrate", cmd_migrate, "bring a database's schema up to this tdc",
	  "usage: tdc migrate --db PATH\n"
	  "\n"
	  "Applies the migrations this tdc has and the database lacks, each in its own\n"
	  "transaction.  A database newer than this tdc is refused.\n" },
	{ "user", cmd_user, "manage accounts and passwords, issue activation codes",
	  "usage: tdc user add LOGIN --role ROLE [--scope CODE] [--person ID_NUMBER]\n"
	  "                [--name NAME] --password-stdin --db PATH\n"
	  "   or: tdc user list [--role ROLE] [--db PATH]\n"
	  "   or: tdc user disable LOGIN [--db PATH]\n"
	  "   or: tdc user enable LOGIN [--db PATH]\n"
	  "   or: tdc user password LOGIN --password-stdin [--db PATH]\n"
	  "   or: tdc user activate --scope CODE --out FILE [--all] [--db PATH]\n"
	  "\n"
	  "ROLE is one of teacher, school_admin, centre_admin, alliance, evaluator,\n"
	  "bureau, sysadmin.  CODE is what the role needs: a 10-digit school\n"
	  "identifier (school_admin), a centre code or a division code (centre_admin),\n"
	  "an alliance code (alliance), a division code (bureau); the others take\n"
	  "none.  A teacher account names its person with --person.  The password is\n"
	  "read from the first line of standard input, never from the command line.\n"
	  "Disabling ends the account's sessions and API tokens at once.\n"
	  "\n"
	  "'activate' issues one-time activation codes to the serving persons of CODE\n"
	  "(a school identifier, a centre code or a division code) who have no teacher\n"
	  "account yet, or to all of them with --all (for forgotten passwords), and\n"
	  "writes them to FILE, which must not exist: an .xlsx, or CSV (UTF-8) when\n"
	  "FILE ends in .csv.  A code is valid 30 days, once; a new one ends the\n"
	  "person's unused older codes.  Teachers redeem them on the site's /activate\n"
	  "page with their ID number, then sign in with it.\n" },
	{ "token", cmd_token, "issue and revoke API tokens",
	  "usage: tdc token add LOGIN [--days N] [--db PATH]\n"
	  "   or: tdc token revoke TOKEN [--db PATH]\n"
	  "\n"
	  "'add' prints one new API token on one line, valid N days (default 90):\n"
	  "send it as 'Authorization: Bearer TOKEN'.  Only its hash is kept, so it\n"
	  "cannot be shown again.  'revoke' ends a token at once.\n" },
	{ "backup", cmd_backup, "copy the database consistently, even while serving",
	  "usage: tdc backup --db PATH --to FILE\n"
	  "\n"
	  "Writes a consistent copy of the database to FILE with SQLite's online\n"
	  "backup, while the server may go on writing.  FILE must not exist.\n" },
	/* import (issue 4) */
	{ "import", cmd_import, "import schools, teachers, hours records, appraisals or events",
	  "usage: tdc import schools|teachers|credits|appraisals|events FILE [--dry-run]\n"
	  "                [--skip-bad [--rejects OUT]] [--db PATH]\n"
	  "   or: tdc import schools|teachers|credits|appraisals|events --template OUT.xlsx\n"
	  "\n"
	  "Reads FILE, whatever its name: CSV in UTF-8 (with or without BOM), GB18030 or\n"
	  "UTF-16, an .xlsx workbook or a legacy .xls (the first sheet).  The header row\n"
	  "names the columns in Chinese or English, in any order:\n"
	  "  schools:  学校标识码 school_code, 学校名称 name, 行政区划代码 district_code,\n"
	  "            学段 stage, 办学性质 ownership [, 状态 status]\n"
	  "  teachers: 身份证号 id_number, 姓名 name, 学校标识码 school_code, 岗位 role,\n"
	  "            学科 subject, 职称 title, 学历 education, 骨干级别 key_level,\n"
	  "            入职日期 service_start, 手机 phone [, 状态 status,\n"
	  "            所属中心 centre_code (a centre's own staff, who have no school)]\n"
	  "  credits:  身份证号 id_number, 日期 date, 学时 hours, 类别 category,\n"
	  "            [项目名称 title, 来源 source,] 记录编号 record_id [, 发证单位 issuer]\n"
	  "  appraisals: 身份证号 id_number, 年度 year, 结果 result (优秀, 合格, 基本合格,\n"
	  "            不合格, 不确定档次, or excellent, qualified, basic, unqualified, none)\n"
	  "  events:   身份证号 id_number, 类型 kind (师德违规 ethics, 中止教学 suspension,\n"
	  "            批准离岗 approved_leave, 撤销资格 revocation), 开始日期 start\n"
	  "            [, 结束日期 end, 说明 note]\n"
	  "Every school column but 状态 is required, and the teachers' first three.  An\n"
	  "unknown column is a warning.  Values are written as people write them\n"
	  "(docs/import-values.md).\n"
	  "\n"
	  "All or nothing: if any row is bad, nothing is written, every bad row is\n"
	  "reported as 'FILE:LINE: COLUMN column: reason' and the exit status is 1.\n"
	  "--skip-bad writes the good rows and puts the bad ones in OUT (.csv, or .xlsx\n"
	  "by its name; FILE's name with .rejects.csv when not given) with their cells\n"
	  "and a 原因 (reason) column, ready to fix and import again.  --dry-run checks\n"
	  "everything and writes nothing, not even the rejects.  Importing the same\n"
	  "file again changes nothing; a changed value becomes a history entry.\n"
	  "Credits are hours records (学时记录) for the ledger, one per 记录编号: hours\n"
	  "with at most one decimal (2.5), a date not in the future, a person already\n"
	  "registered.  A record already in the ledger with the same values is skipped\n"
	  "and counted; the same 记录编号 with other values is an error (correct an\n"
	  "entry with a reversal).  An empty 来源 means 导入 (import).\n"
	  "Appraisals are the school's yearly appraisal (年度考核), one per person and\n"
	  "year, not a year after this one; another result for the same year replaces\n"
	  "the old one (audited).  Events are keyed by person, kind and start date:\n"
	  "the same again changes nothing, another end or note corrects it (audited).\n"
	  "The end date is inclusive, required for a suspension and approved leave,\n"
	  "empty for an ethics violation and a revocation.\n"
	  "--template writes an .xlsx with the headers, an example row and drop-down\n"
	  "lists of the allowed values.\n" },
	/* export (issue 4) */
	{ "export", cmd_export, "write schools or teachers to .xlsx or CSV",
	  "usage: tdc export schools|teachers --db PATH --format xlsx|csv [--scope CODE]\n"
	  "                  [--unmasked] [--out FILE]\n"
	  "\n"
	  "Writes every school or person in the scope, in the columns and with the\n"
	  "Chinese headers the import reads, so a corrected file imports again.  The\n"
	  ".xlsx has a frozen, filtered header row; the CSV is UTF-8 with a BOM and\n"
	  "CRLF line ends, as Excel expects.  ID numbers are masked (4401****...123X);\n"
	  "a teachers file imports again only with --unmasked, whole numbers.\n"
	  "\n"
	  "    --db PATH       the database (also TDC_DB)\n"
	  "    --format F      xlsx or csv\n"
	  "    --scope CODE    a school identifier (10 digits), a division code (a\n"
	  "                    district, or a city: all its districts) or a centre\n"
	  "                    code (gz-yey: that municipal centre's domain); default all\n"
	  "    --unmasked      whole ID numbers (teachers only); recorded in the audit\n"
	  "                    log before anything is written\n"
	  "    --out FILE      write FILE (replaced whole, readable by you only);\n"
	  "                    default standard output, which for xlsx must not be a\n"
	  "                    terminal\n"
	  "\n"
	  "Prints 'N rows written to FILE' on standard error.  An unknown scope exits 1.\n" },
	/* issue 6 anchor: settings */
	{ "settings", cmd_settings, "show and change the installation's requirements",
	  "usage: tdc settings list [--db PATH]\n"
	  "   or: tdc settings get KEY [--db PATH]\n"
	  "   or: tdc settings set KEY VALUE [--db PATH]\n"
	  "   or: tdc settings unset KEY [--db PATH]\n"
	  "\n"
	  "The requirements the yearly assessment, the five-year cycle and\n"
	  "re-registration follow (docs/assessment.md).  'list' shows every key with\n"
	  "its value and default; 'get' prints the value that applies (an unset\n"
	  "role minimum: hours.yearly_min's; an unset category minimum: off); 'set' checks\n"
	  "and stores one ('unset', or an empty VALUE, returns it to its default, or\n"
	  "turns an optional minimum off).  Every change is in the audit log with the\n"
	  "old and the new value.  The keys:\n"
	  "    hours.yearly_min                  72     hours a year (002 ind. 23)\n"
	  "    hours.yearly_min.ROLE             off    a role's own minimum: teacher,\n"
	  "                                             principal, director, researcher, trainer\n"
	  "    hours.category_min.CATEGORY       off    a yearly minimum per category\n"
	  "                                             (general, specialist, elective ...)\n"
	  "    hours.cycle_min                   360    hours in a cycle\n"
	  "    hours.cycle_years                 5      years in a cycle (1-10)\n"
	  "    hours.first_cycle                 2021   the first cycle's first year\n"
	  "    registration.suspension_limit_days 180   suspended days before deferral\n"
	  "    registration.basic_defers         yes    does 基本合格 defer (yes/no)\n"
	  "Hours take one decimal (72, 72.5).  An unknown KEY exits 2; a VALUE the key\n"
	  "refuses exits 1 with the reason.\n" },
	/* issue 6 anchor: assessment */
	{ "assess", cmd_assess, "record the yearly training assessment of a year",
	  "usage: tdc assess --year YEAR [--db PATH]\n"
	  "\n"
	  "Assesses everyone for YEAR (年度培训考核): a person who entered service on\n"
	  "or before 1 January of YEAR and was serving then passes when the hours\n"
	  "dated in YEAR reach the yearly minimum of their role and every category\n"
	  "minimum that is set (tdc settings).  Records the results, replacing the\n"
	  "year's earlier ones, so run it again after late entries; the run is in\n"
	  "the audit log.  Prints the number assessed and passed, the pass rate and\n"
	  "the seconds it took.  A year that has not begun is refused (exit status 1).\n" },
	/* issue 6 anchor: appraisals */
	/* issue 6 anchor: registration */
	/* issue 6 anchor: recognition */
	/* issue 6 anchor: reports */
	{ "report", cmd_report, "the assessment or registration report, one row per person",
	  "usage: tdc report assessment --year Y --format csv|json|xlsx [--scope CODE]\n"
	  "                  [--unmasked] [--lang en] [--out FILE] [--db PATH]\n"
	  "   or: tdc report registration --cycle S --format csv|json|xlsx [--scope CODE]\n"
	  "                  [--unmasked] [--lang en] [--out FILE] [--db PATH]\n"
	  "\n"
	  "'assessment' has one row per person assessed for year Y (年度培训考核):\n"
	  "id_number, name, school_code, year, hours, required, passed.\n"
	  "'registration' has one row per person serving at the end of the cycle that\n"
	  "starts in year S (定期注册): id_number, name, school_code, cycle_start,\n"
	  "hours, required, outcome (qualified, deferred or refused) and reasons (the\n"
	  "codes ethics, appraisal, revoked, hours, no_appraisal, suspension).\n"
	  "S must be a cycle's first year (2021, 2026, ... by the settings) and Y or S\n"
	  "must have begun; otherwise nothing is written and the exit status is 1.\n"
	  "\n"
	  "JSON is an array of objects with exactly these keys: hours as strings with\n"
	  "one decimal (\"71.5\"), passed a boolean, reasons an array.  CSV (UTF-8 with\n"
	  "a BOM) and .xlsx have the same columns with Chinese headers, or the keys\n"
	  "with --lang en; passed is true or false, the reasons are joined with ';'.\n"
	  "\n"
	  "    --scope CODE    as 'tdc export': a school identifier, a division code\n"
	  "                    or a centre code; default all\n"
	  "    --unmasked      whole ID numbers; recorded in the audit log first\n"
	  "    --out FILE      write FILE (replaced whole); default standard output,\n"
	  "                    which for xlsx must not be a terminal\n"
	  "\n"
	  "Prints 'N rows written to FILE' on standard error.  See docs/reports.md.\n" },
	{ NULL, NULL, NULL, NULL },
};

/* ---- Help ------------------------------------------------------------------- */

static void print_help(FILE *f)
{
	fprintf(f, "usage: tdc [--version] [--help] COMMAND [ARGS]\n\n"
		   "tdc runs a city's teacher development centres: training, hours,\n"
		   "assessment and registration.  The commands:\n\n");
	for (const struct cli_cmd *c = cli_commands; c->name; c++)
		fprintf(f, "   %-10s %s\n", c->name, c->summary);
	fprintf(f, "\n'tdc help COMMAND' or 'tdc COMMAND --help' tells more of one.\n"
		   "Exit status: 0 done, 1 the work failed, 2 wrong usage.\n");
}

/* ---- Main! -------------------------------------------------------------------- */

int main(int argc, char **argv)
{
	const struct cli_cmd *cmd;
	int rc;

	if (argc < 2) {
		print_help(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		print_help(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("tdc %s\n", TDC_VERSION);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "help")) {
		if (argc < 3) {
			print_help(stdout);
			return EXIT_OK;
		}
		if (!cli_find(argv[2])) {
			fprintf(stderr, "tdc: no command '%s'; see 'tdc --help'\n", argv[2]);
			return EXIT_USAGE;
		}
		return cli_usage(argv[2], true);
	}
	cmd = cli_find(argv[1]);
	if (!cmd) {
		fprintf(stderr, "tdc: '%s' is not a tdc command; see 'tdc --help'\n", argv[1]);
		return EXIT_USAGE;
	}
	for (int i = 2; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return cli_usage(cmd->name, true);
	if (secret_init() < 0) {
		fprintf(stderr, "tdc: cannot initialise libsodium\n");
		return EXIT_FAIL;
	}
	rc = cmd->run(argc - 1, argv + 1);
	/* a full disk must not look like success (as git's run_builtin) */
	if (fflush(stdout) || ferror(stdout) || fclose(stdout)) {
		fprintf(stderr, "tdc: write failure on standard output: %s\n", strerror(errno));
		return EXIT_FAIL;
	}
	return rc;
}
