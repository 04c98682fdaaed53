/* vocab.c - spreadsheet words to database codes (see vocab.h). */
#include "vocab.h"

#include <stddef.h>
#include <string.h>

struct entry {
	const char *code;
	const char *const *names; /* canonical Chinese first; NULL-terminated */
};

/* A file-scope compound literal has static storage, so each code's
 * spellings sit beside it in the table below. */
#define NAMES(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* The spellings are written as people write them; lookup skips their
 * spaces and folds ASCII case, as it does for the cell.  English words
 * equal to the code are left out: the code is accepted anyway. */

static const struct entry stage[] = {
	{ "kindergarten", NAMES("幼儿园", "学前教育", "学前") },
	{ "primary", NAMES("小学", "primary school") },
	{ "junior", NAMES("初级中学", "初中", "junior secondary", "junior high school") },
	{ "senior", NAMES("高级中学", "高中", "普通高中", "senior secondary", "senior high school") },
	{ "complete", NAMES("完全中学", "完中", "complete secondary") },
	{ "nine_year", NAMES("九年一贯制", "九年一贯制学校", "nine-year", "nine-year school") },
	{ "vocational", NAMES("中等职业学校", "中职", "中职学校", "职业高中", "职高", "技工学校",
			      "技校", "中等专业学校", "中专", "secondary vocational") },
	{ "special", NAMES("特殊教育学校", "特殊教育", "特教", "special education") },
	{ NULL, NULL },
};

static const struct entry ownership[] = {
	{ "public", NAMES("公办", "公立", "公办学校") },
	{ "private", NAMES("民办", "私立", "民办学校") },
	{ NULL, NULL },
};

static const struct entry role[] = {
	{ "teacher", NAMES("教师", "专任教师", "任课教师", "班主任", "老师") },
	{ "principal", NAMES("校长", "副校长", "执行校长", "园长", "副园长", "书记",
			     "党支部书记", "vice principal") },
	{ "director", NAMES("主任", "中层", "中层干部", "教导主任", "教务主任", "德育主任") },
	{ "researcher", NAMES("教研员", "教研人员") },
	{ "trainer", NAMES("培训者", "培训师", "讲师") },
	{ NULL, NULL },
};

/* Titles.  The 2015 reform (人力资源社会保障部、教育部《关于深化中小学
 * 教师职称制度改革的指导意见》, 人社部发〔2015〕79号) merged the separate
 * secondary and primary series into one: 原中学高级 → 高级; 原中学一级
 * and 原小学高级 → 一级; 原中学二级 and 原小学一级 → 二级; 原中学三级,
 * 原小学二级 and 原小学三级 → 三级.  Old sheets still use the old names,
 * so 小学高级 is first, not senior. */
static const struct entry title[] = {
	{ "full_senior", NAMES("正高级", "正高", "正高级教师", "中小学正高级", "中小学正高级教师",
			       "full senior") },
	{ "senior", NAMES("高级", "高级教师", "副高级", "副高", "中学高级", "中学高级教师") },
	{ "first", NAMES("一级", "一级教师", "中级", "中学一级", "中学一级教师", "小学高级",
			 "小学高级教师", "first grade") },
	{ "second", NAMES("二级", "二级教师", "助理级", "初级", "中学二级", "中学二级教师",
			  "小学一级", "小学一级教师", "second grade") },
	{ "third", NAMES("三级", "三级教师", "员级", "中学三级", "中学三级教师", "小学二级",
			 "小学二级教师", "小学三级", "小学三级教师", "third grade") },
	{ "none", NAMES("未定级", "无", "未评", "未评级", "无职称", "空") },
	{ NULL, NULL },
};

static const struct entry education[] = {
	{ "doctorate", NAMES("博士研究生", "博士", "doctor", "PhD") },
	{ "master", NAMES("硕士研究生", "硕士", "研究生") },
	{ "bachelor", NAMES("本科", "大学本科", "学士", "undergraduate") },
	{ "associate", NAMES("专科", "大专", "大学专科", "associate degree") },
	{ "lower", NAMES("专科以下", "中专", "中师", "高中", "高中及以下", "中专及以下", "初中",
			 "初中及以下", "below associate") },
	{ NULL, NULL },
};

/* 名师, 名校长 and 特级教师 are honours, not key-teacher levels: they
 * stay unknown, so a sheet that puts them here is asked about. */
static const struct entry key_level[] = {
	{ "none", NAMES("无", "否", "非骨干", "不是") },
	{ "school", NAMES("校级骨干", "校级", "校级骨干教师") },
	{ "district", NAMES("区级骨干", "区级", "县级", "区县级", "区级骨干教师", "县级骨干",
			    "县级骨干教师") },
	{ "city", NAMES("市级骨干", "市级", "市级骨干教师") },
	{ "province", NAMES("省级骨干", "省级", "省级骨干教师") },
	{ "nation", NAMES("国家级骨干", "国家级", "国家级骨干教师", "national") },
	{ NULL, NULL },
};

static const struct entry status[] = {
	{ "serving", NAMES("在职", "在岗") },
	{ "transferred", NAMES("调出", "调离") },
	{ "retired", NAMES("退休", "已退休") },
	{ "left", NAMES("离职", "辞职", "已离职") },
	{ NULL, NULL },
};

static const struct entry gender[] = {
	{ "male", NAMES("男", "男性", "M") },
	{ "female", NAMES("女", "女性", "F") },
	{ NULL, NULL },
};

/* Training categories: DOMAIN.md's kinds of programme, and the credit
 * classes of provinces that split the year (Guangdong: 公需, 专业, 选修). */
static const struct entry category[] = {
	{ "qualification", NAMES("任职资格培训", "任职资格", "任职培训") },
	{ "improvement", NAMES("提高培训", "提高") },
	{ "advanced", NAMES("高级研修", "高研班", "高级研修班") },
	{ "thematic", NAMES("专题研修", "专题培训") },
	{ "whole_staff", NAMES("全员培训", "全员") },
	{ "key_teacher", NAMES("骨干教师培训", "骨干培训") },
	{ "new_teacher", NAMES("新教师培训", "新任教师培训", "新入职教师培训") },
	{ "school_based", NAMES("校本研修", "校本培训", "校本") },
	{ "online", NAMES("网络研修", "网络培训", "线上培训") },
	{ "remote", NAMES("远程培训", "远程") },
	{ "it2", NAMES("信息技术应用能力提升工程2.0", "信息技术2.0", "能力提升工程2.0") },
	{ "special_education", NAMES("特殊教育培训", "特教培训", "特殊教育") },
	{ "counterpart", NAMES("对口帮扶", "对口帮扶培训", "帮扶") },
	{ "general", NAMES("公需科目", "公需课", "公需") },
	{ "specialist", NAMES("专业科目", "专业课", "专业") },
	{ "elective", NAMES("选修科目", "选修课", "选修") },
	{ "other", NAMES("其他", "其它") },
	{ NULL, NULL },
};

/* Where an entry of the hours ledger came from (DOMAIN.md "credit record"). */
static const struct entry source[] = {
	{ "programme", NAMES("培训项目", "项目培训", "培训") },
	{ "recognition", NAMES("学时认定", "认定") },
	{ "import", NAMES("导入", "批量导入", "外部导入") },
	{ "manual", NAMES("补录", "手工录入", "人工录入") },
	{ "transfer_in", NAMES("省外转入", "外省转入", "转入", "调入") },
	{ NULL, NULL },
};

/* The yearly appraisal's levels (人社部发〔2023〕6号 art. 37): 基本合格 is
 * "basically qualified"; 不确定档次 is no level at all (art. 41). */
static const struct entry appraisal[] = {
	{ "excellent", NAMES("优秀") },
	{ "qualified", NAMES("合格", "称职") },
	{ "basic", NAMES("基本合格", "基本称职", "basically qualified") },
	{ "unqualified", NAMES("不合格", "不称职") },
	{ "none", NAMES("不确定档次", "不定档次", "不定等次", "no level") },
	{ NULL, NULL },
};

/* Events that bear on re-registration (教师〔2013〕9号).  Approved leave
 * (study, training, sick or maternity leave) is never a suspension. */
static const struct entry event[] = {
	{ "ethics", NAMES("师德违规", "违反师德", "师德失范") },
	{ "suspension", NAMES("中止教学", "中止教育教学", "暂停教学") },
	{ "approved_leave", NAMES("批准离岗", "离岗学习", "病假", "产假", "approved leave") },
	{ "revocation", NAMES("撤销资格", "撤销教师资格", "丧失教师资格") },
	{ NULL, NULL },
};

#define CODES(...) ((const char *const[]){ __VA_ARGS__, NULL })

static const struct {
	const char *name;
	const struct entry *entries;
	const char *const *codes; /* the entries' codes again, for vocab_codes() */
} kinds[VOCAB__MAX] = {
	[VOCAB_STAGE] = { "stage", stage, CODES("kindergarten", "primary", "junior", "senior",
						"complete", "nine_year", "vocational", "special") },
	[VOCAB_OWNERSHIP] = { "ownership", ownership, CODES("public", "private") },
	[VOCAB_ROLE] = { "role", role, CODES("teacher", "principal", "director", "researcher",
					     "trainer") },
	[VOCAB_TITLE] = { "title", title, CODES("full_senior", "senior", "first", "second",
						"third", "none") },
	[VOCAB_EDUCATION] = { "education", education, CODES("doctorate", "master", "bachelor",
							     "associate", "lower") },
	[VOCAB_KEY_LEVEL] = { "key_level", key_level, CODES("none", "school", "district", "city",
							    "province", "nation") },
	[VOCAB_STATUS] = { "status", status, CODES("serving", "transferred", "retired", "left") },
	[VOCAB_GENDER] = { "gender", gender, CODES("male", "female") },
	[VOCAB_CATEGORY] = { "category", category, CODES("qualification", "improvement", "advanced",
		"thematic", "whole_staff", "key_teacher", "new_teacher", "school_based", "online",
		"remote", "it2", "special_education", "counterpart", "general", "specialist",
		"elective", "other") },
	[VOCAB_SOURCE] = { "source", source, CODES("programme", "recognition", "import", "manual",
						   "transfer_in") },
	[VOCAB_APPRAISAL] = { "appraisal", appraisal, CODES("excellent", "qualified", "basic",
							    "unqualified", "none") },
	[VOCAB_EVENT] = { "event", event, CODES("ethics", "suspension", "approved_leave",
						"revocation") },
};

/* Longer cells are no word of ours: the longest spelling is 42 bytes. */
enum { KEY_MAX = 64 };

static int fold(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* The cell without its spaces (ASCII blanks, U+3000, U+00A0) and with
 * ASCII letters lower-cased; -1 if it does not fit or nothing is left. */
static int normalise(const char *in, char key[KEY_MAX])
{
	const unsigned char *p = (const unsigned char *)in;
	size_t o = 0;

	while (*p) {
		if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') {
			p++;
			continue;
		}
		if (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80) {
			p += 3;
			continue;
		}
		if (p[0] == 0xC2 && p[1] == 0xA0) {
			p += 2;
			continue;
		}
		if (o + 1 >= KEY_MAX)
			return -1;
		key[o++] = (char)fold(*p++);
	}
	key[o] = '\0';
	return o ? 0 : -1;
}

/* Does a table spelling, spaces skipped and case folded, equal the
 * normalised key?  Comparing as we walk saves normalising the table. */
static int same(const char *spelling, const char *key)
{
	const unsigned char *s = (const unsigned char *)spelling;
	const unsigned char *k = (const unsigned char *)key;

	for (;; s++) {
		if (*s == ' ')
			continue;
		if (fold(*s) != *k)
			return 0;
		if (!*s)
			return 1;
		k++;
	}
}

static const struct entry *find(enum vocab_kind k, const char *code)
{
	if ((unsigned)k >= VOCAB__MAX || !code)
		return NULL;
	for (const struct entry *en = kinds[k].entries; en->code; en++)
		if (!strcmp(en->code, code))
			return en;
	return NULL;
}

const char *vocab_code(enum vocab_kind k, const char *text)
{
	char key[KEY_MAX];

	if ((unsigned)k >= VOCAB__MAX || !text || normalise(text, key) < 0)
		return NULL;
	for (const struct entry *en = kinds[k].entries; en->code; en++) {
		if (same(en->code, key))
			return en->code;
		for (const char *const *n = en->names; *n; n++)
			if (same(*n, key))
				return en->code;
	}
	return NULL;
}

const char *const *vocab_names(enum vocab_kind k, const char *code)
{
	const struct entry *en = find(k, code);

	return en ? en->names : NULL;
}

const char *const *vocab_codes(enum vocab_kind k)
{
	static const char *const none[] = { NULL };

	return (unsigned)k < VOCAB__MAX ? kinds[k].codes : none;
}

const char *vocab_label(enum vocab_kind k, const char *code)
{
	const struct entry *en = find(k, code);

	return en ? en->names[0] : NULL;
}

const char *vocab_kind_name(enum vocab_kind k)
{
	return (unsigned)k < VOCAB__MAX ? kinds[k].name : "";
}
