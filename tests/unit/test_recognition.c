/* test_recognition.c - recognition of activities (core/recognition.c,
 * core/evidence.c): hours = items x hours per item; the yearly cap at its
 * boundaries (exactly at the cap, one tenth over, another year, returned
 * and withdrawn ones freeing room, the re-check at approval); the state
 * machine with its reviewers and their scopes; the ledger entry A<id>;
 * evidence typed by content, 10 MB exactly against one byte over, at most
 * five files, and no file left behind by a failed application. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>
#include <sys/stat.h>

#include "core/evidence.h"
#include "core/recognition.h"
#include "fixture.h"
#include "lib/arena.h"

static const char TODAY[] = "2026-11-23";

struct ctx {
	struct tmpdb t;
	char files[300];
};

static const struct actor teacher_actor = { .name = "teacher" };
static const struct actor reviewer_actor = { .name = "reviewer" };

/* 天河 (440106) holds school 4401060001 with 李老师 (1); 海珠 (440105)
 * school 4401050001 with 王老师 (2); 3 is a centre's own staff. */
static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof *c);

	if (!c || fixture_db_open(&c->t, "recognition") != 0)
		return -1;
	snprintf(c->files, sizeof c->files, "%s/files", c->t.dir);
	if (fixture_exec(c->t.s,
			 "INSERT INTO regions (code, name, level, parent_code) VALUES"
			 " ('440100', '广州市', 'city', NULL), ('440106', '天河区', 'district', '440100'),"
			 " ('440105', '海珠区', 'district', '440100');"
			 "INSERT INTO centres (id, code, name, kind, region_code, domain) VALUES"
			 " (1, '440106', '天河区教师发展中心', 'district', '440106', NULL);"
			 "INSERT INTO schools (id, code, name, district_code, stage, ownership) VALUES"
			 " (1, '4401060001', '天河一小', '440106', 'primary', 'public'),"
			 " (2, '4401050001', '海珠一小', '440105', 'primary', 'public');"
			 "INSERT INTO persons (id, id_number, name, gender, birth_date, school_id, centre_id, role,"
			 " education, service_start) VALUES"
			 " (1, '44010019850101002X', '李老师', 'female', '1985-01-01', 1, NULL, 'teacher', 'bachelor', '2008-09-01'),"
			 " (2, '440100198601010010', '王老师', 'male', '1986-01-01', 2, NULL, 'teacher', 'master', '2010-09-01'),"
			 " (3, '440100198701010019', '陈老师', 'male', '1987-01-01', NULL, 1, 'trainer', 'master', '2010-09-01');"
			 "INSERT INTO recognition_rules (region_code, kind, hours10, cap10, category, active, updated_by,"
			 " updated_at) VALUES"
			 " ('440106', 'publication', 60, 120, 'other', 1, 't', 't'),"
			 " ('440106', 'studio', 1, 50, 'school_based', 1, 't', 't'),"
			 " ('440106', 'lecture', 30, 90, 'other', 0, 't', 't'),"
			 " ('440105', 'publication', 60, 120, 'other', 1, 't', 't')") != 0)
		return -1;
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	fixture_rmdir(c->files);
	fixture_db_close(&c->t);
	free(c);
	return 0;
}

static int files_in(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static const unsigned char PNG[] = { 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 'I', 'H', 'D', 'R' };
static const unsigned char PDF[] = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n";
static const unsigned char JPEG[] = { 0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0 };
static const unsigned char TEXT[] = "not a picture, only words\n";

static struct recognition_file_in pdf_file = { "证书.pdf", PDF, sizeof PDF - 1 };

static struct recognition_input input(int64_t person, const char *kind, const char *date, int items)
{
	struct recognition_input in = {
		.person_id = person, .kind = kind, .activity_date = date, .items = items,
		.title = "论文《小学数学的情境教学》", .description = "发表于《广东教育》",
		.files = &pdf_file, .nfiles = 1,
	};

	return in;
}

static int apply(struct ctx *c, const struct recognition_input *in, int64_t *id,
		 struct recognition_cap *cap, struct err *err)
{
	return recognition_apply(c->t.s, c->files, in, TODAY, &teacher_actor, id, cap, err);
}

static int64_t apply_ok(struct ctx *c, int64_t person, const char *kind, const char *date, int items)
{
	struct recognition_input in = input(person, kind, date, items);
	struct err err = { 0 };
	int64_t id = 0;

	if (apply(c, &in, &id, NULL, &err) != 0)
		fail_msg("apply %s x%d on %s: %s", kind, items, date, err.message);
	return id;
}

static void principal(struct principal *p, enum role role, const char *scope, const char *kind,
		      const char *region)
{
	memset(p, 0, sizeof *p);
	p->account_id = 10 + role;
	p->role = role;
	snprintf(p->login, sizeof p->login, "r%d", (int)role);
	snprintf(p->scope, sizeof p->scope, "%s", scope);
	snprintf(p->centre_kind, sizeof p->centre_kind, "%s", kind);
	snprintf(p->region_code, sizeof p->region_code, "%s", region);
	snprintf(p->scope_name, sizeof p->scope_name, "%s", "天河区教师发展中心");
	if (!strcmp(kind, "municipal"))
		snprintf(p->domain, sizeof p->domain, "%s", "remote");
}

static int review(struct ctx *c, const struct principal *who, int64_t id, enum recognition_decision d,
		  const char *comment, struct recognition_cap *cap, struct err *err)
{
	return recognition_review(c->t.s, who, id, d, comment, &reviewer_actor, cap, err);
}

static void hours_are_items_times_the_rule(void **state)
{
	struct ctx *c = *state;
	int64_t id = apply_ok(c, 1, "publication", "2026-03-01", 2);

	assert_int_equal(fixture_int(c->t.s, "SELECT hours10 FROM recognitions ORDER BY id DESC LIMIT 1"), 120);
	assert_int_equal(fixture_int(c->t.s, "SELECT items FROM recognitions ORDER BY id DESC LIMIT 1"), 2);
	assert_true(id > 0);
	/* 0.1 h an item, 37 items: 3.7 h, no rounding anywhere */
	apply_ok(c, 1, "studio", "2026-03-01", 37);
	assert_int_equal(fixture_int(c->t.s, "SELECT hours10 FROM recognitions ORDER BY id DESC LIMIT 1"), 37);
	assert_int_equal(fixture_int(c->t.s, "SELECT count(*) FROM audit_log WHERE action = 'recognition.apply'"), 2);
}

static void the_cap_at_its_boundaries(void **state)
{
	struct ctx *c = *state;
	struct recognition_input in;
	struct recognition_cap cap = { 0 };
	struct err err = { 0 };
	int64_t id;

	/* studio: 0.1 h an item, at most 5.0 a year.  5.1 at once: one
	 * tenth over, refused with what is left */
	in = input(1, "studio", "2026-05-01", 51);
	assert_int_equal(apply(c, &in, &id, &cap, &err), -1);
	assert_int_equal(err.code, ERR_CONFLICT);
	assert_string_equal(err.field, "cap");
	assert_int_equal(cap.cap10, 50);
	assert_int_equal(cap.used10, 0);
	assert_int_equal(cap.asked10, 51);
	assert_int_equal(cap.left10, 50);
	assert_int_equal(cap.year, 2026);
	/* exactly at the cap: recognised */
	apply_ok(c, 1, "studio", "2026-05-01", 30);
	apply_ok(c, 1, "studio", TODAY, 20);
	/* one tenth more in the same year: refused, nothing left */
	in = input(1, "studio", "2026-01-01", 1);
	memset(&cap, 0, sizeof cap);
	assert_int_equal(apply(c, &in, &id, &cap, &err), -1);
	assert_string_equal(err.field, "cap");
	assert_int_equal(cap.used10, 50);
	assert_int_equal(cap.left10, 0);
	/* another year has its own cap; another person hers */
	apply_ok(c, 1, "studio", "2025-12-31", 50);
	assert_int_equal(fixture_exec(c->t.s, "INSERT INTO recognition_rules (region_code, kind, hours10,"
				      " cap10, category, updated_by, updated_at) VALUES"
				      " ('440105', 'studio', 1, 50, 'other', 't', 't')"), 0);
	apply_ok(c, 2, "studio", "2026-05-01", 50);
	/* a withdrawn application frees its room */
	id = fixture_int(c->t.s, "SELECT id FROM recognitions WHERE person_id = 1 AND items = 20");
	assert_int_equal(recognition_withdraw(c->t.s, id, 1, &teacher_actor, &err), 0);
	apply_ok(c, 1, "studio", "2026-06-01", 20);
	assert_int_equal(files_in(c->files), 5);
}

static void a_kind_must_be_an_active_rule_of_her_district(void **state)
{
	struct ctx *c = *state;
	struct recognition_input in;
	struct err err = { 0 };
	int64_t id;

	in = input(1, "lecture", "2026-05-01", 1); /* switched off in 天河 */
	assert_int_equal(apply(c, &in, &id, NULL, &err), -1);
	assert_string_equal(err.field, "kind");
	in = input(1, "mentoring", "2026-05-01", 1); /* no rule */
	assert_int_equal(apply(c, &in, &id, NULL, &err), -1);
	assert_string_equal(err.field, "kind");
	in = input(3, "publication", "2026-05-01", 1); /* no school */
	assert_int_equal(apply(c, &in, &id, NULL, &err), -1);
	assert_string_equal(err.field, "school");
	in = input(1, "publication", "2026-11-24", 1); /* tomorrow */
	assert_int_equal(apply(c, &in, &id, NULL, &err), -1);
	assert_string_equal(err.field, "activity_date");
	in = input(1, "publication", TODAY, 0);
	assert_int_equal(apply(c, &in, &id, NULL, &err), -1);
	assert_string_equal(err.field, "items");
	in = input(1, "publication", TODAY, 1);
	in.title = "";
	assert_int_equal(apply(c, &in, &id, NULL, &err), -1);
	assert_string_equal(err.field, "title");
	in = input(1, "publication", TODAY, 1);
	in.nfiles = 0;
	assert_int_equal(apply(c, &in, &id, NULL, &err), -1);
	assert_string_equal(err.field, "files");
	/* today itself is fine */
	apply_ok(c, 1, "publication", TODAY, 1);
	assert_int_equal(fixture_int(c->t.s, "SELECT count(*) FROM recognitions"), 1);
	assert_int_equal(files_in(c->files), 1);
}

static void the_state_machine(void **state)
{
	struct ctx *c = *state;
	struct principal school, other_school, centre, other_centre, municipal, teacher;
	struct err err = { 0 };
	struct recognition_cap cap;
	struct arena a;
	struct recognition r;
	int64_t id, id2;

	principal(&school, ROLE_SCHOOL_ADMIN, "4401060001", "", "440106");
	principal(&other_school, ROLE_SCHOOL_ADMIN, "4401050001", "", "440105");
	principal(&centre, ROLE_CENTRE_ADMIN, "440106", "district", "440106");
	principal(&other_centre, ROLE_CENTRE_ADMIN, "440105", "district", "440105");
	principal(&municipal, ROLE_CENTRE_ADMIN, "gz-remote", "municipal", "440100");
	principal(&teacher, ROLE_TEACHER, "", "", "440106");
	teacher.person_id = 1;
	id = apply_ok(c, 1, "publication", "2026-04-10", 1);

	/* the centre cannot go first; outsiders do not see it at all */
	assert_int_equal(review(c, &centre, id, RECOG_APPROVE, NULL, NULL, &err), -1);
	assert_int_equal(err.code, ERR_FORBIDDEN);
	assert_int_equal(review(c, &other_school, id, RECOG_APPROVE, NULL, NULL, &err), -1);
	assert_int_equal(err.code, ERR_NOT_FOUND);
	assert_int_equal(review(c, &municipal, id, RECOG_APPROVE, NULL, NULL, &err), -1);
	assert_int_equal(err.code, ERR_NOT_FOUND);
	assert_int_equal(review(c, &teacher, id, RECOG_APPROVE, NULL, NULL, &err), -1);
	assert_int_equal(err.code, ERR_FORBIDDEN);
	/* a return needs its reason */
	assert_int_equal(review(c, &school, id, RECOG_RETURN, "", NULL, &err), -1);
	assert_int_equal(err.code, ERR_INVALID);
	assert_string_equal(err.field, "comment");
	/* the school approves once; the second click finds it done */
	assert_int_equal(review(c, &school, id, RECOG_APPROVE, "属实", NULL, &err), 0);
	assert_int_equal(review(c, &school, id, RECOG_APPROVE, NULL, NULL, &err), -1);
	assert_int_equal(err.code, ERR_CONFLICT);
	assert_int_equal(review(c, &other_centre, id, RECOG_APPROVE, NULL, NULL, &err), -1);
	assert_int_equal(err.code, ERR_NOT_FOUND);
	assert_int_equal(fixture_int(c->t.s, "SELECT count(*) FROM ledger"), 0);
	/* the centre approves: the ledger entry A<id>, in one go */
	memset(&cap, 0, sizeof cap);
	assert_int_equal(review(c, &centre, id, RECOG_APPROVE, NULL, &cap, &err), 0);
	arena_init(&a);
	assert_int_equal(recognition_get(c->t.s, &a, id, &r, &err), 0);
	assert_string_equal(r.state, "approved");
	assert_string_equal(r.school_comment, "属实");
	assert_non_null(r.record_id);
	assert_int_equal(r.record_id[0], 'A');
	assert_int_equal(atoll(r.record_id + 1), id);
	assert_int_equal(r.nfiles, 1);
	assert_string_equal(r.files[0].mime, "application/pdf");
	assert_true(recognition_may_see(&teacher, &r));
	assert_true(recognition_may_see(&school, &r));
	assert_false(recognition_may_see(&other_school, &r));
	assert_false(recognition_may_see(&municipal, &r));
	arena_release(&a);
	assert_int_equal(fixture_int(c->t.s, "SELECT count(*) FROM ledger WHERE source = 'recognition'"
				     " AND person_id = 1 AND hours10 = 60 AND day = '2026-04-10' AND year = 2026"
				     " AND category = 'other' AND record_id = 'A' || (SELECT max(id) FROM recognitions)"), 1);
	assert_int_equal(fixture_int(c->t.s, "SELECT hours10 FROM hours_totals WHERE person_id = 1 AND year = 2026"), 60);
	/* decided: no second approval, no withdrawal */
	assert_int_equal(review(c, &centre, id, RECOG_APPROVE, NULL, NULL, &err), -1);
	assert_int_equal(err.code, ERR_CONFLICT);
	assert_int_equal(recognition_withdraw(c->t.s, id, 1, &teacher_actor, &err), -1);
	assert_int_equal(err.code, ERR_CONFLICT);
	assert_int_equal(fixture_int(c->t.s, "SELECT count(*) FROM ledger"), 1);

	/* returned by the centre with its reason; withdrawn by her; another's
	 * application is not hers to withdraw */
	id2 = apply_ok(c, 1, "publication", "2026-04-11", 1);
	assert_int_equal(recognition_withdraw(c->t.s, id2, 2, &teacher_actor, &err), -1);
	assert_int_equal(err.code, ERR_NOT_FOUND);
	assert_int_equal(review(c, &school, id2, RECOG_APPROVE, NULL, NULL, &err), 0);
	assert_int_equal(review(c, &centre, id2, RECOG_RETURN, "请补充刊物封面", NULL, &err), 0);
	assert_int_equal(fixture_int(c->t.s, "SELECT count(*) FROM recognitions WHERE state = 'returned'"
				     " AND centre_comment = '请补充刊物封面'"), 1);
	id2 = apply_ok(c, 1, "publication", "2026-04-12", 1);
	assert_int_equal(recognition_withdraw(c->t.s, id2, 1, &teacher_actor, &err), 0);
	assert_int_equal(review(c, &school, id2, RECOG_APPROVE, NULL, NULL, &err), -1);
	assert_int_equal(err.code, ERR_CONFLICT);
	assert_int_equal(fixture_int(c->t.s, "SELECT count(*) FROM ledger"), 1);
	/* every step audited */
	assert_int_equal(fixture_int(c->t.s, "SELECT count(*) FROM audit_log WHERE action IN"
				     " ('recognition.approve', 'recognition.return', 'recognition.withdraw')"), 5);
}

static void approval_checks_the_cap_again(void **state)
{
	struct ctx *c = *state;
	struct principal school, centre;
	struct recognition_rule rule = { .region_code = "440106", .kind = "publication", .hours10 = 60,
					 .cap10 = 60, .category = "other", .active = true };
	struct recognition_cap cap = { 0 };
	struct err err = { 0 };
	int64_t a, b;

	principal(&school, ROLE_SCHOOL_ADMIN, "4401060001", "", "440106");
	principal(&centre, ROLE_CENTRE_ADMIN, "440106", "district", "440106");
	a = apply_ok(c, 1, "publication", "2026-02-01", 1);
	b = apply_ok(c, 1, "publication", "2026-03-01", 1);
	assert_int_equal(review(c, &school, a, RECOG_APPROVE, NULL, NULL, &err), 0);
	assert_int_equal(review(c, &school, b, RECOG_APPROVE, NULL, NULL, &err), 0);
	/* the district lowers the cap to one item while both wait */
	assert_int_equal(recognition_rule_save(c->t.s, &rule, &reviewer_actor, &err), 0);
	assert_int_equal(review(c, &centre, a, RECOG_APPROVE, NULL, &cap, &err), 0);
	assert_int_equal(review(c, &centre, b, RECOG_APPROVE, NULL, &cap, &err), -1);
	assert_int_equal(err.code, ERR_CONFLICT);
	assert_string_equal(err.field, "cap");
	assert_int_equal(cap.cap10, 60);
	assert_int_equal(cap.used10, 60);
	assert_int_equal(cap.left10, 0);
	/* nothing of b reached the ledger; b still waits, to be returned */
	assert_int_equal(fixture_int(c->t.s, "SELECT count(*) FROM ledger"), 1);
	assert_int_equal(fixture_int(c->t.s, "SELECT count(*) FROM recognitions WHERE state = 'school_approved'"), 1);
	assert_int_equal(fixture_int(c->t.s, "SELECT count(*) FROM audit_log WHERE action = 'recognition.rule'"), 1);
}

static void the_type_comes_from_the_content(void **state)
{
	struct ctx *c = *state;
	struct recognition_file_in png_named_pdf = { "scan.pdf", PNG, sizeof PNG };
	struct recognition_file_in text_named_jpg = { "photo.jpg", TEXT, sizeof TEXT - 1 };
	struct recognition_file_in jpeg = { "课堂.jpg", JPEG, sizeof JPEG };
	struct recognition_file_in two[2];
	struct recognition_input in = input(1, "publication", "2026-05-01", 1);
	struct err err = { 0 };
	int64_t id;

	assert_string_equal(evidence_sniff(PDF, sizeof PDF - 1), "application/pdf");
	assert_string_equal(evidence_sniff(JPEG, sizeof JPEG), "image/jpeg");
	assert_string_equal(evidence_sniff(PNG, sizeof PNG), "image/png");
	assert_null(evidence_sniff(TEXT, sizeof TEXT - 1));
	assert_null(evidence_sniff(PNG, 7)); /* half a signature */
	assert_null(evidence_sniff("%PDF", 4));
	/* a .pdf name with PNG content is stored as the PNG it is */
	in.files = &png_named_pdf;
	assert_int_equal(apply(c, &in, &id, NULL, &err), 0);
	assert_int_equal(fixture_int(c->t.s, "SELECT count(*) FROM recognition_files WHERE mime = 'image/png'"
				     " AND original_name = 'scan.pdf'"), 1);
	/* a text file named .jpg is refused, and nothing of it stays, not
	 * even the good file sent beside it */
	two[0] = jpeg;
	two[1] = text_named_jpg;
	in = input(1, "publication", "2026-05-02", 1);
	in.files = two;
	in.nfiles = 2;
	assert_int_equal(apply(c, &in, &id, NULL, &err), -1);
	assert_int_equal(err.code, ERR_INVALID);
	assert_string_equal(err.field, "file_type");
	assert_non_null(strstr(err.message, "photo.jpg"));
	assert_int_equal(fixture_int(c->t.s, "SELECT count(*) FROM recognitions"), 1);
	assert_int_equal(fixture_int(c->t.s, "SELECT count(*) FROM recognition_files"), 1);
	assert_int_equal(files_in(c->files), 1);
}

static void ten_megabytes_exactly_and_one_byte_over(void **state)
{
	struct ctx *c = *state;
	size_t max = 10 * 1024 * 1024;
	unsigned char *big = calloc(1, max + 1);
	struct recognition_file_in f = { "论文全文.pdf", big, max };
	struct recognition_file_in six[6];
	struct recognition_input in = input(1, "studio", "2026-05-01", 1);
	struct stat sb;
	char path[400];
	struct err err = { 0 };
	int64_t id;

	assert_non_null(big);
	memcpy(big, "%PDF-1.7\n", 9);
	in.files = &f;
	assert_int_equal(apply(c, &in, &id, NULL, &err), 0);
	assert_int_equal(fixture_int(c->t.s, "SELECT bytes FROM recognition_files"), (long long)max);
	f.len = max + 1;
	in.activity_date = "2026-05-02";
	assert_int_equal(apply(c, &in, &id, NULL, &err), -1);
	assert_string_equal(err.field, "file_size");
	assert_int_equal(files_in(c->files), 1);
	/* five files at most */
	for (int i = 0; i < 6; i++)
		six[i] = pdf_file;
	in.files = six;
	in.nfiles = 6;
	assert_int_equal(apply(c, &in, &id, NULL, &err), -1);
	assert_string_equal(err.field, "files");
	in.nfiles = 5;
	assert_int_equal(apply(c, &in, &id, NULL, &err), 0);
	assert_int_equal(files_in(c->files), 6);
	/* the directory is the owner's alone */
	assert_int_equal(stat(c->files, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	/* names are random hex, kept with the SHA-256 of the content */
	assert_int_equal(fixture_int(c->t.s, "SELECT count(*) FROM recognition_files WHERE length(stored_name) = 32"
				     " AND length(sha256) = 64 AND stored_name NOT GLOB '*[^0-9a-f]*'"), 6);
	snprintf(path, sizeof path, "%s/../files", c->files);
	assert_false(evidence_name_valid("../etc/passwd"));
	free(big);
}

static void a_failed_application_leaves_no_files(void **state)
{
	struct ctx *c = *state;
	struct recognition_file_in three[3] = { pdf_file, pdf_file, pdf_file };
	struct recognition_input in = input(1, "studio", "2026-05-01", 50);
	struct recognition_cap cap;
	struct err err = { 0 };
	struct arena a;
	const unsigned char *data;
	size_t len;
	char *name;
	int64_t id;

	assert_int_equal(apply(c, &in, &id, NULL, &err), 0);
	/* the files are written before the cap is counted: refused, they go */
	in = input(1, "studio", "2026-05-02", 1);
	in.files = three;
	in.nfiles = 3;
	assert_int_equal(apply(c, &in, &id, &cap, &err), -1);
	assert_string_equal(err.field, "cap");
	assert_int_equal(files_in(c->files), 1);
	/* an unwritable directory: the application fails whole */
	in = input(1, "publication", "2026-05-02", 1);
	assert_int_equal(recognition_apply(c->t.s, "/proc/no-such-dir/files", &in, TODAY, &teacher_actor,
					   &id, NULL, &err), -1);
	assert_int_equal(err.code, ERR_IO);
	assert_int_equal(fixture_int(c->t.s, "SELECT count(*) FROM recognitions"), 1);
	/* the one stored reads back as it was sent */
	arena_init(&a);
	name = NULL;
	{
		struct recognition r;

		assert_int_equal(recognition_get(c->t.s, &a, fixture_int(c->t.s, "SELECT max(id) FROM recognitions"),
						 &r, &err), 0);
		assert_int_equal(r.nfiles, 1);
		name = (char *)r.files[0].stored_name;
		assert_int_equal(evidence_read(c->files, name, &a, &data, &len, &err), 0);
		assert_int_equal(len, sizeof PDF - 1);
		assert_memory_equal(data, PDF, len);
		assert_int_equal(evidence_read(c->files, "../files", &a, &data, &len, &err), -1);
	}
	arena_release(&a);
}

static void the_rules_table(void **state)
{
	struct ctx *c = *state;
	struct recognition_rule r = { .region_code = "440106", .kind = "mentoring", .hours10 = 100,
				      .cap10 = 100, .category = "other", .active = true };
	struct principal centre, other_centre, admin, municipal;
	struct recognition_rule *rules;
	struct err err = { 0 };
	struct arena a;
	int n;

	principal(&centre, ROLE_CENTRE_ADMIN, "440106", "district", "440106");
	principal(&other_centre, ROLE_CENTRE_ADMIN, "440105", "district", "440105");
	principal(&municipal, ROLE_CENTRE_ADMIN, "gz-remote", "municipal", "440100");
	principal(&admin, ROLE_SYSADMIN, "", "", "");
	assert_true(recognition_may_keep_rules(&centre, "440106"));
	assert_false(recognition_may_keep_rules(&other_centre, "440106"));
	assert_false(recognition_may_keep_rules(&municipal, "440100"));
	assert_true(recognition_may_keep_rules(&admin, "440105"));
	assert_int_equal(recognition_rule_save(c->t.s, &r, &reviewer_actor, &err), 0);
	r.cap10 = 99; /* below one item */
	assert_int_equal(recognition_rule_save(c->t.s, &r, &reviewer_actor, &err), -1);
	assert_string_equal(err.field, "cap");
	r.cap10 = 100;
	r.category = "nonsense";
	assert_int_equal(recognition_rule_save(c->t.s, &r, &reviewer_actor, &err), -1);
	assert_string_equal(err.field, "category");
	r.category = "other";
	r.region_code = "999999";
	assert_int_equal(recognition_rule_save(c->t.s, &r, &reviewer_actor, &err), -1);
	assert_string_equal(err.field, "region");
	arena_init(&a);
	assert_int_equal(recognition_rules(c->t.s, &a, "440106", true, &rules, &n, &err), 0);
	assert_int_equal(n, 3); /* publication, studio, mentoring: lecture is off */
	assert_string_equal(rules[0].kind, "publication");
	assert_string_equal(rules[1].kind, "studio");
	assert_string_equal(rules[2].kind, "mentoring");
	assert_int_equal(recognition_rules(c->t.s, &a, "440106", false, &rules, &n, &err), 0);
	assert_int_equal(n, 4);
	arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(hours_are_items_times_the_rule, setup, teardown),
		cmocka_unit_test_setup_teardown(the_cap_at_its_boundaries, setup, teardown),
		cmocka_unit_test_setup_teardown(a_kind_must_be_an_active_rule_of_her_district, setup, teardown),
		cmocka_unit_test_setup_teardown(the_state_machine, setup, teardown),
		cmocka_unit_test_setup_teardown(approval_checks_the_cap_again, setup, teardown),
		cmocka_unit_test_setup_teardown(the_type_comes_from_the_content, setup, teardown),
		cmocka_unit_test_setup_teardown(ten_megabytes_exactly_and_one_byte_over, setup, teardown),
		cmocka_unit_test_setup_teardown(a_failed_application_leaves_no_files, setup, teardown),
		cmocka_unit_test_setup_teardown(the_rules_table, setup, teardown),
	};

	return cmocka_run_group_tests_name("recognition", tests, NULL, NULL);
}
