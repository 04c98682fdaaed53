/* demo_hours.c - the demo city's hours ledger (see demo_hours.h).
 *
 * Speed: `tdc init --demo` runs in every HTTP test's set-up, so 20,000
 * persons must take well under a second.  The rows go in PER_INSERT at a
 * time through one prepared multi-row INSERT, in person order with record
 * numbers that grow with it, so the unique index on record_id and the
 * ledger_person index only ever grow at their right edge (DESIGN.md: 35-70
 * k rows/s when an index is hit at random, hundreds of thousands in key
 * order).  The per-row totals trigger is switched off by the
 * 'ledger.bulk_import' setting, as core/credits.c does, and hours_totals
 * is filled by one INSERT ... SELECT ... GROUP BY at the end, in the same
 * transaction, before the setting row goes again.
 *
 * Randomness: a splitmix64 stream of its own, seeded from the demo seed,
 * so adding the ledger did not change the city demo.c draws. */
#include "core/demo_hours.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hours.h"
#include "core/ledger.h"
#include "core/settings.h"
#include "lib/buf.h"
#include "lib/clock.h"
#include "lib/date.h"
#include "store/store.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* the current cycle's years up to this one, at most this one and the
 * last: every further year is another 60,000 rows for 20,000 persons */
enum { PER_INSERT = 64, COLS = 10, YEARS_BACK = 1 };

struct course {
	const char *title, *category, *issuer;
};

/* Believable programmes of a Guangzhou teacher's year: municipal centres'
 * (000 art. 5) and the district's own. */
static const struct course courses[] = {
	{ "新课标背景下的大单元教学设计", "improvement", "广州市中小学教师发展中心" },
	{ "师德师风建设专题培训", "thematic", "广州市教师发展研训中心" },
	{ "信息技术应用能力提升工程2.0", "it2", "广州市远程培训教师发展中心" },
	{ "全员远程培训：作业设计与评价", "remote", "广州市远程培训教师发展中心" },
	{ "校本研修：课堂观察与评课", "school_based", "区教师发展中心" },
	{ "中小学心理健康教育专题研修", "thematic", "广州市中小学教师发展中心" },
	{ "骨干教师高级研修班", "key_teacher", "广州市教师发展研训中心" },
	{ "网络研修：人工智能赋能课堂教学", "online", "广州市远程培训教师发展中心" },
	{ "班主任专业能力提升培训", "improvement", "区教师发展中心" },
	{ "中小学教师全员安全教育培训", "whole_staff", "区教师发展中心" },
	{ "融合教育与特殊需要学生支持", "special_education", "广州市中小学教师发展中心" },
	{ "跨学科主题学习设计与实施", "advanced", "广州市教师发展研训中心" },
	{ "教育教学研究方法与论文写作", "improvement", "广州市教师发展研训中心" },
	{ "对口帮扶送教下乡研修", "counterpart", "区教师发展中心" },
};

struct rng {
	uint64_t x;
};

static uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int rng_below(struct rng *r, int n)
{
	return (int)(rng_next(r) % (uint64_t)n);
}

/* One row waiting for its batch; titles and issuers are the static
 * table's, the rest is copied. */
struct pending {
	char record_id[32], day[DATE_LEN + 1];
	int64_t person_id;
	int year;
	int32_t hours10;
	const struct course *c;
	const char *source;
};

struct batch {
	struct stmt *many;           /* PER_INSERT rows */
	struct stmt *one;            /* one row, for the last partial batch */
	struct pending rows[PER_INSERT];
	int n;
	char now[ISO_TIME_LEN];
};

/* "INSERT ... VALUES (...), (...)" with rows groups of COLS placeholders;
 * the author is the constant 'demo'. */
static char *insert_sql(int rows)
{
	struct buf b;

	buf_init(&b);
	buf_puts(&b, "INSERT INTO ledger (record_id, person_id, day, year, hours10, category, source,"
		     " title, issuer, created_at, author) VALUES ");
	for (int i = 0; i < rows; i++)
		buf_puts(&b, i ? ", (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'demo')"
			       : "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'demo')");
	return buf_detach(&b);
}

static int bind_row(struct stmt *st, int row, const struct pending *p, const char *now)
{
	int k = row * COLS;

	return stmt_bind_text(st, k + 1, p->record_id) || stmt_bind_int(st, k + 2, p->person_id) ||
	       stmt_bind_text(st, k + 3, p->day) || stmt_bind_int(st, k + 4, p->year) ||
	       stmt_bind_int(st, k + 5, p->hours10) || stmt_bind_text(st, k + 6, p->c->category) ||
	       stmt_bind_text(st, k + 7, p->source) || stmt_bind_text(st, k + 8, p->c->title) ||
	       stmt_bind_text(st, k + 9, p->c->issuer) || stmt_bind_text(st, k + 10, now) ? -1 : 0;
}

/* Writes the waiting rows: a whole batch in one statement, a partial one
 * (only ever the last) row by row. */
static int batch_flush(struct batch *b)
{
	if (b->n == PER_INSERT) {
		for (int i = 0; i < b->n; i++)
			if (bind_row(b->many, i, &b->rows[i], b->now) < 0)
				return -1;
		if (stmt_run(b->many) != STORE_OK)
			return -1;
	} else {
		for (int i = 0; i < b->n; i++)
			if (bind_row(b->one, 0, &b->rows[i], b->now) < 0 || stmt_run(b->one) != STORE_OK)
				return -1;
	}
	b->n = 0;
	return 0;
}

static int batch_add(struct batch *b, const char *record_id, int64_t person_id, const char *day,
		     int year, int32_t hours10, const struct course *c, const char *source)
{
	struct pending *p = &b->rows[b->n++];

	snprintf(p->record_id, sizeof p->record_id, "%s", record_id);
	snprintf(p->day, sizeof p->day, "%.10s", day);
	p->person_id = person_id;
	p->year = year;
	p->hours10 = hours10;
	p->c = c;
	p->source = source;
	return b->n == PER_INSERT ? batch_flush(b) : 0;
}

static const char sql_persons[] =
	"SELECT id, coalesce(service_start, '') FROM persons WHERE status = 'serving' ORDER BY id";
static const char sql_count[] = "SELECT count(*) FROM persons";
static const char sql_teacher[] = "SELECT id FROM persons WHERE id_number = ?";
static const char sql_totals[] =
	"INSERT INTO hours_totals (person_id, year, category, hours10)"
	" SELECT person_id, year, category, sum(hours10) FROM ledger WHERE id > ?"
	" GROUP BY person_id, year, category"
	" ON CONFLICT (person_id, year, category) DO UPDATE SET hours10 = hours_totals.hours10 + excluded.hours10";
static const char sql_max_id[] = "SELECT coalesce(max(id), 0) FROM ledger";
static const char sql_bulk_off[] = "DELETE FROM settings WHERE key = 'ledger.bulk_import'";

static int one_int(struct store *s, const char *sql, const char *text, int64_t *out)
{
	struct stmt *st;
	int rc;

	if (store_prepare(s, sql, &st) != 0)
		return -1;
	if (text && stmt_bind_text(st, 1, text) != 0) {
		stmt_done(st);
		return -1;
	}
	rc = stmt_step(st);
	*out = rc == STORE_ROW ? stmt_int(st, 0) : 0;
	stmt_done(st);
	return rc < 0 ? -1 : rc == STORE_ROW ? 0 : 1;
}

/* Day of a year's entry: any day of a past year; this year up to today. */
static void draw_day(struct rng *r, int year, int this_year, int today_month, int today_day,
		     char out[DATE_LEN + 8])
{
	int m = 1 + rng_below(r, year < this_year ? 12 : today_month);
	int last = year < this_year || m < today_month ? 28 : today_day;
	int d = 1 + rng_below(r, last);

	snprintf(out, DATE_LEN + 8, "%04d-%02d-%02d", year % 10000, m % 100, d % 100);
}

/* One person's year: a target total drawn first (most past years reach
 * the minimum; this year a quarter are still short of it in the demo's
 * November), then split into two to four entries. */
static int person_year(struct batch *b, struct rng *r, int64_t person_id, int year, int this_year,
		       int month, int day)
{
	bool now = year == this_year;
	int32_t target = now ? (rng_below(r, 4) == 0 ? 200 + 10 * rng_below(r, 50)
						      : 720 + 10 * rng_below(r, 30))
			     : (rng_below(r, 20) == 0 ? 400 + 10 * rng_below(r, 31)
						      : 720 + 10 * rng_below(r, 40));
	int n = 2 + rng_below(r, 3), left = target;

	for (int i = 0; i < n; i++) {
		const struct course *c = &courses[rng_below(r, COUNT(courses))];
		/* a share of the year, give or take a quarter, in half hours;
		 * the last entry makes the year up */
		int32_t h = i == n - 1 ? left
			    : (target / n) * (75 + rng_below(r, 51)) / 100 / 5 * 5;
		char rid[32], d[DATE_LEN + 8];

		if (h < 5)
			break;
		left -= h;
		draw_day(r, year, this_year, month, day, d);
		/* D<person>-<year>-<n>: grows with the insert order */
		snprintf(rid, sizeof rid, "D%08lld-%04d-%d", (long long)person_id, year % 10000, i + 1);
		if (batch_add(b, rid, person_id, d, year, h, c,
			      rng_below(r, 3) == 0 ? "import" : "programme") < 0)
			return -1;
	}
	return 0;
}

/* A year of the cycle before this one, as an installation that took over
 * from an older platform holds it: one imported total per person and year
 * (one in twenty short of the minimum), so the re-registration of that
 * cycle (issue 6) has hours to judge. */
static const struct course carried_over = {
	"年度继续教育学时汇总（原平台导入）", "whole_staff", "广州市教师发展中心",
};

static int person_past_year(struct batch *b, struct rng *r, int64_t person_id, int year,
			    int this_year, int month, int day)
{
	int32_t target = rng_below(r, 20) == 0 ? 400 + 10 * rng_below(r, 31)
					       : 720 + 10 * rng_below(r, 40);
	char rid[32], d[DATE_LEN + 8];

	draw_day(r, year, this_year, month, day, d);
	snprintf(rid, sizeof rid, "D%08lld-%04d-S", (long long)person_id, year % 10000);
	return batch_add(b, rid, person_id, d, year, target, &carried_over, "import");
}

/* The demo teacher: a year she can talk through, written the way a
 * centre would, and one correction (DOMAIN.md: "a correction is a
 * reversing entry with a reason"). */
static int demo_teacher(struct store *s, int64_t person_id, int year, const char *today,
			struct err *err)
{
	static const struct {
		int back;          /* years before this one */
		const char *md, *title, *category, *source, *issuer;
		int32_t hours10;
	} rows[] = {
		{ 2, "03-18", "新课标背景下的大单元教学设计", "improvement", "programme", "广州市中小学教师发展中心", 240 },
		{ 2, "07-10", "信息技术应用能力提升工程2.0", "it2", "import", "广州市远程培训教师发展中心", 300 },
		{ 2, "10-22", "校本研修：课堂观察与评课", "school_based", "programme", "天河区教师发展中心", 240 },
		{ 1, "04-12", "师德师风建设专题培训", "thematic", "programme", "广州市教师发展研训中心", 160 },
		{ 1, "08-20", "全员远程培训：作业设计与评价", "remote", "import", "广州市远程培训教师发展中心", 400 },
		{ 1, "11-05", "跨学科主题学习设计与实施", "advanced", "programme", "广州市教师发展研训中心", 240 },
		{ 0, "03-09", "中小学心理健康教育专题研修", "thematic", "programme", "广州市中小学教师发展中心", 160 },
		{ 0, "05-16", "网络研修：人工智能赋能课堂教学", "online", "import", "广州市远程培训教师发展中心", 200 },
		{ 0, "07-02", "班主任专业能力提升培训", "improvement", "programme", "天河区教师发展中心", 125 },
		/* recorded twice by the district: reversed below */
		{ 0, "07-03", "班主任专业能力提升培训", "improvement", "import", "天河区教师发展中心", 125 },
	};
	struct actor demo = { .name = "demo" };
	char rid[32], day[DATE_LEN + 1];
	int64_t id;

	for (size_t i = 0; i < COUNT(rows); i++) {
		struct ledger_new e = {
			.person_id = person_id, .day = day, .hours10 = rows[i].hours10,
			.category = rows[i].category, .source = rows[i].source, .record_id = rid,
			.title = rows[i].title, .issuer = rows[i].issuer,
		};

		snprintf(day, sizeof day, "%04d-%s", year - rows[i].back, rows[i].md);
		if (!rows[i].back && strcmp(day, today) > 0)
			snprintf(day, sizeof day, "%s", today);
		snprintf(rid, sizeof rid, "T%04d-%02zu", year - rows[i].back, i + 1);
		if (ledger_add_entry(s, &e, &demo, &id, err) < 0)
			return -1;
	}
	snprintf(rid, sizeof rid, "T%04d-%02zu", year, COUNT(rows));
	return ledger_reverse_entry(s, rid, "与 7 月 2 日的记录重复，区中心核对后冲销", &demo, &id, err);
}

int demo_hours_create(struct store *s, uint64_t seed, int year, int persons,
		      const char *teacher_id_number, struct err *err)
{
	struct batch *b = NULL;
	struct rng r = { seed ^ 0x4c45444745520000ULL }; /* "LEDGER" */
	struct stmt *st = NULL;
	char *sql = NULL, today[DATE_LEN + 1];
	int64_t count, teacher = 0, before;
	int month, day, rc, cycle_start;
	struct hours_rules rules;

	/* a province-sized demo would be ~20 M rows: its benchmark imports
	 * its own ledger */
	if (persons > DEMO_HOURS_MAX_PERSONS)
		return 0;
	if (one_int(s, sql_count, NULL, &count) < 0)
		goto fail_db;
	if (count > DEMO_HOURS_MAX_PERSONS)
		return 0;
	if (teacher_id_number && one_int(s, sql_teacher, teacher_id_number, &teacher) < 0)
		goto fail_db;
	if (!(b = calloc(1, sizeof *b)))
		goto fail_oom;
	clock_now_iso(b->now);
	snprintf(today, sizeof today, "%.10s", b->now);
	if (atoi(today) != year)
		snprintf(today, sizeof today, "%04d-12-31", year);
	month = atoi(today + 5);
	day = atoi(today + 8);

	if (hours_rules_load(s, &rules) < 0)
		goto fail_db;
	cycle_start = hours_cycle_start(&rules, year);
	if (one_int(s, sql_max_id, NULL, &before) < 0)
		goto fail_db;
	if (settings_set(s, "ledger.bulk_import", "demo") < 0)
		goto fail_db;
	if (!(sql = insert_sql(PER_INSERT)))
		goto fail_oom;
	if (store_prepare_built(s, sql, &b->many) != 0)
		goto fail_db;
	free(sql);
	if (!(sql = insert_sql(1)))
		goto fail_oom;
	if (store_prepare_built(s, sql, &b->one) != 0)
		goto fail_db;
	free(sql);
	sql = NULL;

	if (store_prepare(s, sql_persons, &st) != 0)
		goto fail_db;
	while ((rc = stmt_step(st)) == STORE_ROW) {
		int64_t id = stmt_int(st, 0);
		const char *start = stmt_text(st, 1);
		int from = year - YEARS_BACK < cycle_start ? cycle_start : year - YEARS_BACK;

		int past = cycle_start - rules.cycle_years;
		/* the demo teacher's own last three years are written below */
		int past_end = id == teacher ? year - 3 : from - 1;

		/* no hours before she entered service */
		if (*start && atoi(start) > past)
			past = atoi(start);
		for (int y = past; y <= past_end; y++)
			if (person_past_year(b, &r, id, y, year, month, day) < 0)
				goto fail_db;
		if (id == teacher)
			continue;
		if (*start && atoi(start) > from)
			from = atoi(start);
		for (int y = from; y <= year; y++)
			if (person_year(b, &r, id, y, year, month, day) < 0)
				goto fail_db;
	}
	stmt_done(st);
	st = NULL;
	if (rc < 0 || batch_flush(b) < 0)
		goto fail_db;

	/* the totals of every row above, in one statement, then the trigger
	 * back on */
	if (store_prepare(s, sql_totals, &st) != 0 || stmt_bind_int(st, 1, before) != 0)
		goto fail_db;
	rc = stmt_run(st);
	st = NULL;
	if (rc != STORE_OK)
		goto fail_db;
	if (store_prepare(s, sql_bulk_off, &st) != 0)
		goto fail_db;
	rc = stmt_run(st);
	st = NULL;
	if (rc != STORE_OK)
		goto fail_db;
	free(b);
	b = NULL;
	/* after the bulk: the trigger keeps her totals, row by row */
	if (teacher > 0 && demo_teacher(s, teacher, year, today, err) < 0)
		return -1;
	return 0;

fail_oom:
	err_set(err, ERR_INTERNAL, "out of memory for the demo ledger");
	goto out;
fail_db:
	err_set(err, ERR_IO, "cannot write the demo ledger: %s", store_errmsg(s));
out:
	if (st)
		stmt_done(st);
	free(b);
	free(sql);
	return -1;
}
