/* demo_training.c - the demo city's training programmes (issue 5 §1).
 *
 * A dozen programmes across the district and municipal centres, dated
 * around today so the demo is always live: most published with their
 * enrolment window open now, one not yet open, one closed, one a draft.
 * Each has 2-4 sessions at venues of its centre, with trainers from the
 * centre's staff (role 'trainer').  Within a centre every programme has
 * its own venue and trainers, and centres share neither, so no session
 * clashes (DOMAIN.md: a trainer or venue is never double-booked); the
 * unit test test_programme checks the demo against the clash rule.
 *
 * Deterministic: the same day gives the same rows.  It writes through
 * plain inserts inside demo_create()'s transaction, without audit rows:
 * the demo is data, not anyone's action. */
#include "core/programme.h"

#include <stdio.h>
#include <string.h>

#include "lib/date.h"
#include "store/store.h"

struct demo_programme {
	const char *centre;         /* centres.code */
	const char *title;          /* %d: the year */
	const char *category, *level, *mode;
	int hours10, capacity;
	int open, close;            /* the window: days from today */
	const char *status;
	int sessions;               /* 2-4 */
	/* audience, NULL for none; stage "*" means the demo teacher's school's */
	const char *role, *stage, *subject, *region;
	const char *topics[4];
	/* its sessions are today, one after another, not weeks after the
	 * window: a programme the demo's users can run through to the end
	 * (attendance, completion, hours) the day they try it */
	bool today;
};

static const struct demo_programme programmes[] = {
	{ "440106", "%d年天河区中小学教师信息技术应用能力提升工程2.0校本研修", "it2", "district",
	  "blended", 300, 200, -10, 20, "published", 3, NULL, NULL, NULL, "440106",
	  { "多媒体教学环境下的学科教学设计", "智慧课堂工具实操", "校本研修成果展示" }, false },
	{ "440106", "%d年天河区小学数学新课标专题研修", "thematic", "district", "face_to_face", 240,
	  60, -7, 14, "published", 4, NULL, "*", "数学", NULL,
	  { "新课标解读：核心素养导向的数学教学", "大单元教学设计工作坊", "课例研讨：图形与几何",
	    "作业设计与评价" }, false },
	{ "440106", "%d年天河区新入职教师规范化培训", "new_teacher", "district", "face_to_face", 480,
	  80, 5, 30, "published", 4, "teacher", NULL, NULL, NULL,
	  { "师德规范与教育法规", "班级管理入门", "课堂教学基本功", "说课与评课" }, false },
	{ "440105", "%d年海珠区初中英语听说教学专题研修", "thematic", "district", "face_to_face",
	  180, 50, -5, 15, "published", 2, NULL, "junior", "英语", NULL,
	  { "中考听说考试改革与教学对策", "听说课例观摩与研讨" }, false },
	{ "440104", "%d年越秀区中小学班主任能力提升培训", "improvement", "district", "face_to_face",
	  240, 100, 20, 45, "draft", 3, NULL, NULL, NULL, "440104",
	  { "班级文化建设", "家校沟通的方法", "学生心理危机识别与干预" }, false },
	{ "440111", "%d年白云区中小学心理健康教育教师专题培训", "thematic", "district", "blended",
	  120, 60, -60, -30, "closed", 3, NULL, NULL, "心理健康", NULL,
	  { "学生常见心理问题辨识", "团体心理辅导设计", "个案研讨" }, false },
	{ "gz-yx", "%d年广州市初中语文骨干教师高级研修班", "key_teacher", "city", "face_to_face", 600,
	  40, -12, 18, "published", 4, NULL, "junior", "语文", NULL,
	  { "整本书阅读教学", "写作教学的序列设计", "名师课堂观摩", "课题研究方法" }, false },
	{ "gz-yey", "%d年广州市幼儿园园长任职资格培训", "qualification", "city", "face_to_face",
	  1200, 50, -3, 25, "published", 3, "director", "kindergarten", NULL, NULL,
	  { "幼儿园保育教育质量评估指南解读", "园所管理与安全", "园本教研的组织" }, false },
	{ "gz-zz", "%d年广州市中职学校“双师型”教师专业技能提升培训", "improvement", "city",
	  "blended", 360, 60, -8, 22, "published", 3, NULL, "vocational", NULL, NULL,
	  { "产教融合与课程开发", "技能大赛指导", "企业实践汇报" }, false },
	{ "gz-yc", "%d年广州市中小学教师网络研修：人工智能与学科教学融合", "online", "city", "online",
	  200, 500, -15, 30, "published", 2, NULL, NULL, NULL, NULL,
	  { "生成式人工智能的课堂应用（直播）", "人工智能教学案例分享（直播）" }, false },
	{ "gz-zxx", "%d年广州市特殊教育教师专题培训", "special_education", "city", "face_to_face",
	  300, 40, -4, 21, "published", 2, NULL, "special", NULL, NULL,
	  { "融合教育与随班就读支持", "个别化教育计划的制订" }, false },
	{ "gz-mb", "%d年广州市民办学校教师师德师风专题培训", "thematic", "city", "blended", 120,
	  150, -6, 24, "published", 2, NULL, NULL, NULL, NULL,
	  { "新时代教师职业行为准则", "师德案例警示教育" }, false },
	{ "440106", "%d年天河区课堂观察与诊断工作坊（今日开课）", "school_based", "district",
	  "face_to_face", 60, 40, -14, 1, "published", 2, NULL, NULL, NULL, "440106",
	  { "课堂观察量表的使用", "课例诊断与反馈" }, true },
};

static const char *const venue_names[] = { "第一报告厅", "多媒体教室（二）", "研训楼三楼会议室" };

/* Days since 1970-01-01 of a "YYYY-MM-DD" (proleptic Gregorian). */
static long days_of(const char *ymd)
{
	int y = 1970, m = 1, d = 1;
	long era, yoe, doy, doe;

	if (sscanf(ymd, "%4d-%2d-%2d", &y, &m, &d) != 3)
		return 0;
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static const char SQL_CENTRE[] = "SELECT id FROM centres WHERE code = ?";
static const char SQL_STAGE[] = "SELECT stage FROM schools WHERE code = ?";
static const char SQL_TRAINERS[] =
	"SELECT id FROM persons WHERE centre_id = ? AND role = 'trainer' ORDER BY id";
static const char SQL_VENUE[] = "INSERT INTO venues (centre_id, name, seats) VALUES (?, ?, ?)";
static const char SQL_PROGRAMME[] =
	"INSERT INTO programmes (code, title, centre_id, category, level, mode, hours10, capacity,"
	" enrol_open, enrol_close, status, attendance_min, pass_mark, tolerance_min, description,"
	" created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 80, ?, 15, ?, ?, 'demo')";
static const char SQL_AUDIENCE[] =
	"INSERT INTO programme_audience (programme_id, kind, value) VALUES (?, ?, ?)";
static const char SQL_SESSION[] =
	"INSERT INTO programme_sessions (programme_id, day, starts, ends, venue_id, trainer_id, topic)"
	" VALUES (?, ?, ?, ?, ?, ?, ?)";

static int one_text(struct store *s, const char *sql, const char *key, char *out, size_t len)
{
	struct stmt *st;
	int rc;

	out[0] = '\0';
	if (store_prepare(s, sql, &st) < 0)
		return STORE_ERROR;
	stmt_bind_text(st, 1, key);
	rc = stmt_step(st);
	if (rc == STORE_ROW)
		snprintf(out, len, "%s", stmt_text(st, 0));
	stmt_done(st);
	return rc == STORE_ROW || rc == STORE_DONE ? 0 : rc;
}

static int run_text3(struct store *s, const char *sql, int64_t id, const char *a, const char *b)
{
	struct stmt *st;

	if (store_prepare(s, sql, &st) < 0)
		return STORE_ERROR;
	stmt_bind_int(st, 1, id);
	stmt_bind_text(st, 2, a);
	stmt_bind_text(st, 3, b);
	return stmt_run(st);
}

/* The centre's trainers, up to max, in id order. */
static int trainers_of(struct store *s, int64_t centre_id, int64_t *ids, int max, int *n)
{
	struct stmt *st;
	int rc;

	*n = 0;
	if (store_prepare(s, SQL_TRAINERS, &st) < 0)
		return STORE_ERROR;
	stmt_bind_int(st, 1, centre_id);
	while ((rc = stmt_step(st)) == STORE_ROW && *n < max)
		ids[(*n)++] = stmt_int(st, 0);
	stmt_done(st);
	return rc == STORE_ROW || rc == STORE_DONE ? 0 : rc;
}

int demo_training_create(struct store *s, const char *today, const char *teacher_school)
{
	enum { NPROG = sizeof programmes / sizeof programmes[0], MAX_TRAINERS = 16 };
	long t = days_of(today);
	int year = 2026, rc;
	char stage[16], centre_text[24];
	/* how many programmes each centre has had so far: its venue and trainers */
	struct {
		const char *code;
		int64_t id, venues[3], trainers[MAX_TRAINERS];
		int used, ntrainers;
	} centres[NPROG];
	int ncentres = 0;

	sscanf(today, "%4d", &year);
	if ((rc = one_text(s, SQL_STAGE, teacher_school ? teacher_school : "", stage, sizeof stage)) < 0)
		return rc;
	if (!stage[0])
		snprintf(stage, sizeof stage, "primary");
	for (int i = 0; i < NPROG; i++) {
		const struct demo_programme *d = &programmes[i];
		char code[40], title[200], open[DATE_LEN + 1], close[DATE_LEN + 1], now[24];
		int c, local;
		int64_t pid;
		struct stmt *st;

		for (c = 0; c < ncentres; c++)
			if (!strcmp(centres[c].code, d->centre))
				break;
		if (c == ncentres) {
			long long id = 0;

			if ((rc = one_text(s, SQL_CENTRE, d->centre, centre_text, sizeof centre_text)) < 0)
				return rc;
			if (!centre_text[0] || sscanf(centre_text, "%lld", &id) != 1)
				continue; /* a demo without this centre */
			memset(&centres[c], 0, sizeof centres[c]);
			centres[c].code = d->centre;
			centres[c].id = id;
			for (int v = 0; v < 3; v++) {
				if (store_prepare(s, SQL_VENUE, &st) < 0)
					return STORE_ERROR;
				stmt_bind_int(st, 1, id);
				stmt_bind_text(st, 2, venue_names[v]);
				stmt_bind_int(st, 3, v == 0 ? 300 : v == 1 ? 60 : 40);
				if (stmt_run(st) < 0)
					return STORE_ERROR;
				centres[c].venues[v] = store_last_insert_id(s);
			}
			if ((rc = trainers_of(s, id, centres[c].trainers, MAX_TRAINERS,
					      &centres[c].ntrainers)) < 0)
				return rc;
			ncentres++;
		}
		local = centres[c].used++;
		snprintf(code, sizeof code, "%s-%d-%02d", d->centre, year, local + 1);
		snprintf(title, sizeof title, d->title, year);
		date_from_days(t + d->open, open);
		date_from_days(t + d->close, close);
		date_from_days(t + d->open - 1, now);
		strcat(now, "T08:00:00Z");

		if (store_prepare(s, SQL_PROGRAMME, &st) < 0)
			return STORE_ERROR;
		stmt_bind_text(st, 1, code);
		stmt_bind_text(st, 2, title);
		stmt_bind_int(st, 3, centres[c].id);
		stmt_bind_text(st, 4, d->category);
		stmt_bind_text(st, 5, d->level);
		stmt_bind_text(st, 6, d->mode);
		stmt_bind_int(st, 7, d->hours10);
		stmt_bind_int(st, 8, d->capacity);
		stmt_bind_text(st, 9, open);
		stmt_bind_text(st, 10, close);
		stmt_bind_text(st, 11, d->status);
		/* qualification and key-teacher training end in an examination */
		if (!strcmp(d->category, "qualification") || !strcmp(d->category, "key_teacher"))
			stmt_bind_int(st, 12, 60);
		else
			stmt_bind_null(st, 12);
		stmt_bind_text(st, 13, "本项目面向全市（区）相关教师，采用专题讲座、工作坊与课例研讨相结合的方式开展，"
				       "完成规定出勤并通过考核者登记相应学时。");
		stmt_bind_text(st, 14, now);
		if (stmt_run(st) < 0)
			return STORE_ERROR;
		pid = store_last_insert_id(s);

		if ((d->role && (rc = run_text3(s, SQL_AUDIENCE, pid, "role", d->role)) < 0) ||
		    (d->stage && (rc = run_text3(s, SQL_AUDIENCE, pid, "stage",
						 strcmp(d->stage, "*") ? d->stage : stage)) < 0) ||
		    (d->subject && (rc = run_text3(s, SQL_AUDIENCE, pid, "subject", d->subject)) < 0) ||
		    (d->region && (rc = run_text3(s, SQL_AUDIENCE, pid, "region", d->region)) < 0))
			return rc;

		/* sessions weekly from five days after the window closes; this
		 * programme alone uses its venue and its two trainers */
		for (int k = 0; k < d->sessions && k < 4; k++) {
			char day[DATE_LEN + 1];
			int tr = local * 2 + (k % 2);

			date_from_days(d->today ? t : t + d->close + 5 + 7 * k, day);
			if (store_prepare(s, SQL_SESSION, &st) < 0)
				return STORE_ERROR;
			stmt_bind_int(st, 1, pid);
			stmt_bind_text(st, 2, day);
			stmt_bind_text(st, 3, k % 2 ? "14:00" : "09:00");
			stmt_bind_text(st, 4, k % 2 ? "17:00" : "12:00");
			stmt_bind_int(st, 5, centres[c].venues[local % 3]);
			if (tr < centres[c].ntrainers)
				stmt_bind_int(st, 6, centres[c].trainers[tr]);
			else
				stmt_bind_null(st, 6);
			stmt_bind_text(st, 7, d->topics[k]);
			if (stmt_run(st) < 0)
				return STORE_ERROR;
		}
	}
	return 0;
}
