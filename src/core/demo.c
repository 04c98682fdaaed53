/* demo.c - the demo city of Guangzhou (see demo.h).
 *
 * Everything is generated first, into plain arrays, from one xoshiro256**
 * stream seeded by splitmix64 and drawn in a fixed order (centre staff,
 * then the schools, then each school's people), so a (teachers, seed,
 * year) always gives the same city; rand() is never used.  Probabilities
 * are integer weights, so no floating point can make two machines disagree.
 *
 * Then it is written in the one transaction that also checked the database
 * was empty.  Persons go in sorted by ID number, so the unique index on
 * id_number only ever grows at its right edge (in school order every row
 * would land on a random page of it), and PERSON_BATCH rows per INSERT.
 * A million persons take 11-14 s on a shared 2-core box, most of it in
 * SQLite; they need about 48 MB here beside SQLite's page cache. */
#include "demo.h"

#include "core/demo_hours.h"
#include "core/enrolment.h"
#include "core/programme.h"
#include "core/recognition.h"
#include "core/registry.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/idcard.h"
#include "store/store.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
/* a file-scope list and its length, for table rows */
#define LIST(...) (const char *const[]){ __VA_ARGS__ }, \
	(int)(sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *))

/* ------------------------------------------------------------------------
 * Random numbers
 * --------------------------------------------------------------------- */

struct rng {
	uint64_t s[4];
};

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* splitmix64 spreads any seed, 0 included, over xoshiro's whole state */
static void rng_seed(struct rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* xoshiro256** (Blackman and Vigna, public domain) */
static uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

/* 0 .. n-1; the modulo bias is below 2^-40 for our n, invisible here */
static int rng_below(struct rng *r, int n)
{
	return (int)(rng_next(r) % (uint64_t)n);
}

static int rng_range(struct rng *r, int lo, int hi)
{
	return lo + rng_below(r, hi - lo + 1);
}

/* true with probability num/den */
static bool rng_chance(struct rng *r, int num, int den)
{
	return rng_below(r, den) < num;
}

/* an index into w[0..n-1], drawn in proportion to the weights */
static int pick_weighted(struct rng *r, const int *w, int n)
{
	int total = 0, x;

	for (int i = 0; i < n; i++)
		total += w[i];
	x = rng_below(r, total);
	for (int i = 0; i < n; i++) {
		if (x < w[i])
			return i;
		x -= w[i];
	}
	return n - 1;
}

struct weighted {
	const char *value;
	int weight;
};

static int pick_table(struct rng *r, const struct weighted *t, int n)
{
	int total = 0, x;

	for (int i = 0; i < n; i++)
		total += t[i].weight;
	x = rng_below(r, total);
	for (int i = 0; i < n; i++) {
		if (x < t[i].weight)
			return i;
		x -= t[i].weight;
	}
	return n - 1;
}

/* ------------------------------------------------------------------------
 * The city: regions, centres, stages
 * --------------------------------------------------------------------- */

/* GB/T 2260: Guangzhou's 11 districts since the 2014 reorganisation.
 * weight: share of the city's schools (%), the big suburban districts and
 * 天河 ahead, 从化 and 南沙 behind.  places: neighbourhoods that public
 * schools are named after. */
struct district {
	const char *code, *name;
	int weight;
	const char *const *places;
	int nplaces;
};

static const struct district districts[] = {
	{ "440103", "荔湾区", 7, LIST("芳村", "西关", "多宝", "逢源", "昌华", "沙面", "龙津",
		"站前", "彩虹", "华林", "金花", "南源", "茶滘", "东漖", "冲口", "石围塘",
		"白鹤洞", "海龙", "中南", "花地") },
	{ "440104", "越秀区", 8, LIST("东山", "北京街", "大塘", "农林", "登峰", "梅花村", "华乐",
		"建设", "流花", "洪桥", "六榕", "光塔", "人民街", "矿泉", "黄花岗", "大东",
		"珠光", "诗书", "东湖", "文德") },
	{ "440105", "海珠区", 11, LIST("赤岗", "新港", "昌岗", "江南中", "滨江", "素社", "海幢",
		"南华西", "龙凤", "沙园", "宝岗", "南石头", "凤阳", "瑞宝", "江海", "琶洲",
		"南洲", "华洲", "官洲", "晓港", "工业大道") },
	{ "440106", "天河区", 14, LIST("五山", "员村", "车陂", "沙河", "石牌", "林和", "棠下",
		"天园", "猎德", "冼村", "元岗", "黄村", "长兴", "龙洞", "凤凰", "前进", "珠吉",
		"沙东", "兴华", "天河南", "华阳", "体育东", "华景", "骏景", "东圃") },
	{ "440111", "白云区", 14, LIST("三元里", "松洲", "景泰", "同德", "黄石", "棠景", "新市",
		"嘉禾", "均禾", "石井", "金沙", "云城", "同和", "京溪", "永平", "鹤龙",
		"白云湖", "石门", "人和", "太和", "钟落潭", "江高") },
	{ "440112", "黄埔区", 8, LIST("黄埔", "红山", "鱼珠", "大沙", "文冲", "穗东", "南岗",
		"长洲", "夏港", "萝岗", "联和", "永和", "云埔", "九龙", "长岭", "龙湖",
		"新龙") },
	{ "440113", "番禺区", 14, LIST("市桥", "沙头", "东环", "桥南", "大石", "洛浦", "石壁",
		"钟村", "沙湾", "化龙", "石楼", "新造", "南村", "石碁", "大龙", "洛溪",
		"丽江", "祈福", "小谷围") },
	{ "440114", "花都区", 9, LIST("新华", "新雅", "秀全", "花城", "狮岭", "花山", "炭步",
		"赤坭", "梯面", "花东", "雅瑶", "云山", "清布", "三东", "港头") },
	{ "440115", "南沙区", 4, LIST("南沙", "珠江", "龙穴", "万顷沙", "横沥", "黄阁", "东涌",
		"大岗", "榄核", "金洲", "蕉门", "鱼窝头") },
	{ "440117", "从化区", 3, LIST("街口", "城郊", "江埔", "温泉", "良口", "吕田", "太平",
		"鳌头", "鸡笼岗", "神岗", "流溪", "明珠") },
	{ "440118", "增城区", 8, LIST("荔城", "增江", "朱村", "永宁", "新塘", "石滩", "中新",
		"仙村", "派潭", "小楼", "正果", "荔湖", "挂绿", "凤凰城") },
};
enum { NDISTRICTS = COUNT(districts), TIANHE = 3 };

/* 000 art. 5 names the six members in this order; art. 7 gives each its
 * duties, which the domain codes of centres.domain stand for.  The order
 * here is the alliance's rotation order. */
struct municipal {
	const char *code, *name, *domain;
	int researchers;       /* ‰ of its staff who are researchers (教研员), not trainers */
	const char *const *subjects;
	int nsubjects;
};

static const struct municipal municipals[] = {
	{ "gz-zxx", "广州市中小学教师发展中心", "principals_special", 300,
	  LIST("教育管理", "教育管理", "特殊教育", "特殊教育", "教师教育", "语文", "数学",
	       "心理健康") },
	{ "gz-zz", "广州市中职学校教师发展中心", "vocational", 300,
	  LIST("职业教育", "教育管理", "机电技术应用", "计算机应用", "电子商务", "会计事务",
	       "旅游服务与管理", "汽车运用与维修") },
	{ "gz-mb", "广州市民办学校教师发展中心", "private", 250,
	  LIST("教育管理", "教师教育", "学前教育", "语文", "数学", "英语", "心理健康") },
	{ "gz-yc", "广州市远程培训教师发展中心", "remote", 100,
	  LIST("信息技术", "教育技术", "信息技术", "教育技术", "教师教育", "数学") },
	{ "gz-yey", "广州市幼儿园教师发展中心", "kindergarten", 250,
	  LIST("学前教育", "学前教育", "学前教育", "教育管理") },
	{ "gz-yx", "广州市教师发展研训中心", "research", 800,
	  LIST("语文", "数学", "英语", "物理", "化学", "生物", "历史", "地理", "思想政治",
	       "音乐", "体育", "美术", "信息技术", "心理健康", "科学", "教师教育") },
};
enum { NMUNICIPAL = COUNT(municipals), NCENTRES = NMUNICIPAL + NDISTRICTS };

/* district centres merge the old teaching-research office, hence half
 * researchers, across every subject */
static const char *const district_centre_subjects[] = {
	"语文", "数学", "英语", "物理", "化学", "生物", "历史", "地理", "道德与法治",
	"音乐", "体育", "美术", "信息技术", "心理健康", "科学", "学前教育", "特殊教育",
	"教师教育", "教师教育",
};

enum stage {
	ST_KINDERGARTEN, ST_PRIMARY, ST_JUNIOR, ST_SENIOR, ST_COMPLETE, ST_NINE_YEAR,
	ST_VOCATIONAL, ST_SPECIAL, ST__MAX
};

/* Which subjects a school's teachers teach: a nine-year school has primary
 * and junior classes, a complete secondary school junior and senior. */
enum taught { TA_KINDERGARTEN, TA_PRIMARY, TA_JUNIOR, TA_SENIOR, TA_VOCATIONAL, TA_SPECIAL };

struct stage_info {
	const char *code;      /* schools.stage */
	const char *type;      /* the school code's first two digits (学校标识码) */
	int share;             /* ‰ of schools */
	int private_share;     /* ‰ of these schools that are private (民办) */
	int size_lo, size_hi;  /* staff size before scaling to the teachers asked for */
	int female;            /* ‰ of the staff who are women */
	enum taught taught[2]; /* drawn half and half */
};

static const struct stage_info stages[ST__MAX] = {
	[ST_KINDERGARTEN] = { "kindergarten", "11", 300, 450, 20, 40, 950,
			      { TA_KINDERGARTEN, TA_KINDERGARTEN } },
	[ST_PRIMARY] = { "primary", "21", 350, 80, 50, 110, 750, { TA_PRIMARY, TA_PRIMARY } },
	[ST_JUNIOR] = { "junior", "31", 120, 120, 70, 150, 580, { TA_JUNIOR, TA_JUNIOR } },
	[ST_SENIOR] = { "senior", "34", 50, 100, 100, 200, 550, { TA_SENIOR, TA_SENIOR } },
	[ST_COMPLETE] = { "complete", "34", 70, 150, 120, 200, 550, { TA_JUNIOR, TA_SENIOR } },
	[ST_NINE_YEAR] = { "nine_year", "31", 50, 300, 80, 160, 650, { TA_PRIMARY, TA_JUNIOR } },
	[ST_VOCATIONAL] = { "vocational", "36", 40, 30, 80, 180, 520,
			    { TA_VOCATIONAL, TA_VOCATIONAL } },
	[ST_SPECIAL] = { "special", "51", 20, 0, 25, 50, 750, { TA_SPECIAL, TA_SPECIAL } },
};

/* subjects by what is taught, weighted by the hours each has in the
 * curriculum, which is roughly how many teachers each needs */
static const struct weighted subjects_kindergarten[] = { { "学前教育", 1 } };
static const struct weighted subjects_primary[] = {
	{ "语文", 300 }, { "数学", 240 }, { "英语", 110 }, { "科学", 50 }, { "道德与法治", 50 },
	{ "音乐", 50 }, { "体育", 70 }, { "美术", 50 }, { "信息技术", 30 }, { "心理健康", 15 },
	{ "综合实践", 15 },
};
static const struct weighted subjects_junior[] = {
	{ "语文", 150 }, { "数学", 150 }, { "英语", 150 }, { "物理", 70 }, { "化学", 50 },
	{ "生物", 50 }, { "历史", 60 }, { "地理", 50 }, { "道德与法治", 70 }, { "音乐", 30 },
	{ "体育", 70 }, { "美术", 30 }, { "信息技术", 40 }, { "心理健康", 20 },
};
static const struct weighted subjects_senior[] = {
	{ "语文", 130 }, { "数学", 130 }, { "英语", 130 }, { "物理", 90 }, { "化学", 80 },
	{ "生物", 70 }, { "历史", 60 }, { "地理", 60 }, { "思想政治", 70 }, { "音乐", 20 },
	{ "体育", 60 }, { "美术", 20 }, { "信息技术", 40 }, { "通用技术", 20 }, { "心理健康", 20 },
};
static const struct weighted subjects_vocational[] = {
	{ "语文", 60 }, { "数学", 60 }, { "英语", 60 }, { "思想政治", 40 }, { "体育", 40 },
	{ "信息技术", 40 }, { "机电技术应用", 60 }, { "数控技术应用", 40 },
	{ "汽车运用与维修", 50 }, { "计算机应用", 60 }, { "电子商务", 50 }, { "会计事务", 50 },
	{ "旅游服务与管理", 40 }, { "烹饪", 30 }, { "护理", 40 }, { "物流服务与管理", 30 },
	{ "工业机器人技术应用", 30 }, { "建筑工程施工", 30 }, { "服装设计与工艺", 20 },
	{ "动漫与游戏制作", 30 }, { "酒店服务与管理", 30 }, { "学前教育", 30 },
};
static const struct weighted subjects_special[] = {
	{ "特殊教育", 700 }, { "康复训练", 100 }, { "语文", 50 }, { "数学", 50 }, { "体育", 40 },
	{ "音乐", 30 }, { "美术", 30 },
};

static const struct {
	const struct weighted *t;
	int n;
} subjects[] = {
	[TA_KINDERGARTEN] = { subjects_kindergarten, COUNT(subjects_kindergarten) },
	[TA_PRIMARY] = { subjects_primary, COUNT(subjects_primary) },
	[TA_JUNIOR] = { subjects_junior, COUNT(subjects_junior) },
	[TA_SENIOR] = { subjects_senior, COUNT(subjects_senior) },
	[TA_VOCATIONAL] = { subjects_vocational, COUNT(subjects_vocational) },
	[TA_SPECIAL] = { subjects_special, COUNT(subjects_special) },
};

/* ------------------------------------------------------------------------
 * Names
 * --------------------------------------------------------------------- */

/* Surnames, weighted towards Guangdong's (陈 李 黄 张 梁 林 ...), with the
 * common northern ones and a few Cantonese ones (区 麦 冼 邝) and compounds. */
static const struct weighted surnames[] = {
	{ "陈", 105 }, { "李", 78 }, { "黄", 75 }, { "张", 52 }, { "梁", 46 }, { "林", 44 },
	{ "刘", 42 }, { "吴", 34 }, { "罗", 30 }, { "何", 29 }, { "郑", 24 }, { "杨", 23 },
	{ "谢", 21 }, { "王", 20 }, { "钟", 19 }, { "叶", 19 }, { "周", 18 }, { "邓", 18 },
	{ "曾", 17 }, { "冯", 16 }, { "卢", 13 }, { "蔡", 13 }, { "许", 12 }, { "苏", 12 },
	{ "潘", 11 }, { "彭", 10 }, { "赖", 10 }, { "郭", 10 }, { "朱", 10 }, { "黎", 9 },
	{ "余", 9 }, { "廖", 9 }, { "谭", 9 }, { "徐", 8 }, { "莫", 7 }, { "邱", 6 },
	{ "胡", 6 }, { "肖", 6 }, { "伍", 5 }, { "麦", 5 }, { "关", 5 }, { "温", 5 },
	{ "方", 5 }, { "袁", 5 }, { "江", 5 }, { "唐", 5 }, { "孙", 5 }, { "高", 5 },
	{ "马", 5 }, { "赵", 4 }, { "区", 4 }, { "萧", 4 }, { "文", 4 }, { "杜", 4 },
	{ "邝", 3 }, { "冼", 3 }, { "戴", 3 }, { "龙", 3 }, { "姚", 3 }, { "魏", 3 },
	{ "严", 3 }, { "宋", 3 }, { "曹", 3 }, { "汤", 3 }, { "丘", 3 }, { "古", 3 },
	{ "欧阳", 3 }, { "韦", 3 }, { "田", 2 }, { "董", 2 }, { "韩", 2 }, { "骆", 2 },
	{ "凌", 2 }, { "甘", 2 }, { "岑", 2 }, { "简", 2 }, { "司徒", 2 }, { "汪", 2 },
	{ "范", 2 }, { "石", 2 }, { "熊", 2 }, { "程", 2 }, { "傅", 2 }, { "姜", 2 },
	{ "沈", 2 }, { "崔", 1 }, { "贺", 1 }, { "薛", 1 }, { "招", 1 }, { "植", 1 },
	{ "容", 1 }, { "官", 1 },
};

/* Given-name characters; the shared ones (嘉 文 晓 华 ...) are in both. */
static const char *const given_male[] = {
	"伟", "强", "军", "杰", "涛", "明", "辉", "鹏", "华", "斌", "俊", "峰", "建", "志",
	"文", "浩", "宇", "健", "勇", "国", "海", "波", "磊", "超", "亮", "刚", "平", "东",
	"晖", "嘉", "子", "家", "锦", "荣", "永", "庆", "耀", "坤", "振", "新", "德", "昌",
	"宏", "毅", "立", "成", "龙", "飞", "翔", "晨", "轩", "博", "睿", "铭", "彬", "炜",
	"豪", "林", "洪", "兴", "伦", "光", "旭", "鑫", "泽", "达", "锋", "扬", "凯", "威",
	"卫", "祥", "汉", "雄", "权", "航", "维", "晓", "少", "瀚", "梓", "景", "钊", "棠",
};
static const char *const given_female[] = {
	"芳", "娟", "敏", "静", "丽", "燕", "艳", "玲", "婷", "慧", "霞", "红", "琳", "洁",
	"萍", "雪", "颖", "倩", "莉", "兰", "华", "梅", "琴", "娜", "欣", "怡", "佳", "思",
	"雅", "诗", "婉", "凤", "珊", "瑜", "彤", "晓", "秀", "美", "月", "嘉", "宝", "丹",
	"妍", "媛", "露", "薇", "蓉", "青", "琼", "璇", "晶", "晴", "茵", "碧", "翠", "惠",
	"淑", "宁", "咏", "韵", "绮", "君", "文", "小", "少", "玉", "梓", "欢", "虹", "云",
	"爱", "珍", "秋", "璐", "靖", "楚", "凯", "颐", "舒", "莹", "嫣", "蕾", "彩", "卿",
};
enum { NO_CHAR = 0xff };

/* School-name stems for private schools and for kinds named after their
 * field rather than a place. */
static const char *const kindergarten_brands[] = {
	"小太阳", "金色摇篮", "蓓蕾", "童心", "爱心", "贝贝", "英才", "星海", "博雅", "小天使",
	"七色花", "乐儿", "启蒙", "未来星", "嘉宝", "快乐宝贝", "小博士", "童梦", "阳光宝贝",
	"彩虹", "蒲公英", "向日葵", "小树苗", "金太阳", "华苑", "雅居", "绿茵", "小精灵",
};
static const char *const private_brands[] = {
	"华联", "英豪", "岭南", "华美", "侨鑫", "博研", "新世纪", "南方", "育英", "华南",
	"明德", "启德", "培英", "东方", "品德", "英东", "星海", "博雅", "卓越", "知行",
	"康大", "致远", "思源", "育才", "智华", "新英才", "弘毅", "南国",
};
static const char *const vocational_fields[] = {
	"交通运输", "信息技术", "旅游商务", "财经", "机电", "轻工", "商贸", "医药", "建筑",
	"纺织服装", "电子信息", "工贸", "城市建设", "艺术", "现代服务", "汽车", "烹饪",
	"护理", "物流", "航运", "幼儿师范", "市政", "园林",
};
static const char *const special_stems[] = {
	"启智", "启聪", "启明", "培智", "育智", "特殊教育", "康纳", "启航",
};

/* Chinese numerals for school names (第二, 第一百零一); the numbers we
 * name stay far below ten thousand. */
static void cn_number(int n, char *out, size_t len)
{
	static const char *const digit[] = { "零", "一", "二", "三", "四", "五", "六", "七", "八", "九" };
	int q = n / 1000, h = n / 100 % 10, t = n / 10 % 10, u = n % 10;
	size_t o = 0;

#define PUT(s) (o += (size_t)snprintf(out + o, o < len ? len - o : 0, "%s", (s)))
	out[0] = '\0';
	if (n <= 0 || n >= 10000) {
		snprintf(out, len, "%d", n);
		return;
	}
	if (q) {
		PUT(digit[q]);
		PUT("千");
	}
	if (h) {
		PUT(digit[h]);
		PUT("百");
	} else if (q && (t || u)) {
		PUT("零");
	}
	if (t) {
		if (t > 1 || n >= 100)
			PUT(digit[t]);
		PUT("十");
	} else if (h && u) {
		PUT("零");
	}
	if (u)
		PUT(digit[u]);
#undef PUT
}

/* ------------------------------------------------------------------------
 * People: the codes of persons' enum columns
 * --------------------------------------------------------------------- */

enum post { R_TEACHER, R_PRINCIPAL, R_DIRECTOR, R_RESEARCHER, R_TRAINER };
static const char *const role_codes[] = { "teacher", "principal", "director", "researcher", "trainer" };

enum title { T_FULL_SENIOR, T_SENIOR, T_FIRST, T_SECOND, T_THIRD, T_NONE, T__MAX };
static const char *const title_codes[] = { "full_senior", "senior", "first", "second", "third", "none" };

enum education { E_DOCTORATE, E_MASTER, E_BACHELOR, E_ASSOCIATE, E_LOWER, E__MAX };
static const char *const education_codes[] = { "doctorate", "master", "bachelor", "associate", "lower" };

enum key_level { K_NONE, K_SCHOOL, K_DISTRICT, K_CITY, K_PROVINCE, K_NATION, K__MAX };
static const char *const key_codes[] = { "none", "school", "district", "city", "province", "nation" };

enum status { S_SERVING, S_TRANSFERRED, S_RETIRED, S_LEFT };
static const char *const status_codes[] = { "serving", "transferred", "retired", "left" };

/* Titles by years of service: 二级 after probation, 一级 five or so years
 * on, 高级 after about fifteen.  Weights ‰ per band; tuned so the whole
 * city comes out near 正高级 0.3, 高级 18, 一级 38, 二级 30, 三级 3 %,
 * the rest none. */
static const struct {
	int min_years;
	int w[T__MAX];       /* full_senior, senior, first, second, third, none */
} title_bands[] = {
	{ 0, { 0, 0, 0, 50, 100, 850 } },
	{ 2, { 0, 0, 0, 660, 150, 190 } },
	{ 5, { 0, 0, 290, 640, 30, 40 } },
	{ 10, { 0, 50, 600, 320, 10, 20 } },
	{ 15, { 0, 180, 600, 200, 5, 15 } },
	{ 20, { 5, 330, 500, 150, 5, 10 } },
	{ 30, { 15, 400, 450, 120, 5, 10 } },
};

/* Education by what is taught (‰): kindergartens still have many staff
 * from the old preschool-teacher schools, senior schools recruit masters. */
static const int education_by_taught[][E__MAX] = {
	[TA_KINDERGARTEN] = { 0, 20, 540, 360, 80 },
	[TA_PRIMARY] = { 2, 90, 730, 155, 23 },
	[TA_JUNIOR] = { 3, 150, 760, 75, 12 },
	[TA_SENIOR] = { 15, 250, 715, 18, 2 },
	[TA_VOCATIONAL] = { 10, 180, 740, 60, 10 },
	[TA_SPECIAL] = { 2, 100, 750, 140, 8 },
};

/* Key-teacher levels by title (‰): nobody is a city key teacher without
 * years behind them. */
static const int key_by_title[T__MAX][K__MAX] = {
	[T_FULL_SENIOR] = { 200, 50, 100, 300, 250, 100 },
	[T_SENIOR] = { 640, 90, 130, 100, 32, 8 },
	[T_FIRST] = { 840, 80, 55, 25, 0, 0 },
	[T_SECOND] = { 930, 50, 20, 0, 0, 0 },
	[T_THIRD] = { 990, 10, 0, 0, 0, 0 },
	[T_NONE] = { 990, 10, 0, 0, 0, 0 },
};

/* Ages 23-60 by the end of this year (so 22-60 today), weighted like a
 * staff that grew in the 2000s and 2010s; women retire at 55, men at 60. */
static int age_weight(int age, bool female)
{
	if (age <= 25)
		return 9;
	if (age <= 45)
		return 12;
	if (age <= 52)
		return 10;
	if (age <= 55)
		return 7;
	if (age <= 57)
		return female ? 2 : 6;
	return female ? 1 : 4;
}

/* ------------------------------------------------------------------------
 * The generated city
 * --------------------------------------------------------------------- */

enum { MIN_AGE = 23, MAX_AGE = 60, SCHOOL_NAME_MAX = 128 };

struct demo_school {
	int64_t id;
	char code[11];
	char name[SCHOOL_NAME_MAX];
	int district;           /* index into districts[] */
	enum stage stage;
	bool private_;
	int size;               /* persons, principal included */
};

/* One person in 48 bytes, so a million fit in 48 MB; the texts are built
 * from these indexes as the row is written. */
struct demo_person {
	uint32_t birth;         /* YYYYMMDD */
	uint32_t service;       /* YYYYMMDD the person entered service */
	uint64_t phone;
	const char *subject;
	int32_t school;         /* index into schools, -1 for centre staff */
	int16_t centre;         /* index into the centres (municipal first), -1 for school staff */
	uint16_t seq;           /* ID number digits 15-17 */
	uint8_t surname, given[2]; /* given[1] is NO_CHAR for a one-character given name */
	uint8_t female, role, title, education, key_level, special, status;
};

struct gen {
	struct rng rng;
	int year;                    /* this year, read once */
	struct demo_school *schools;
	int nschools;
	struct demo_person *persons;
	int npersons;
	int staff_first[NCENTRES];   /* each centre's staff are persons[first .. first+n) */
	int staff_count[NCENTRES];
	int nstaff;
	int summary_school;          /* index of the demo school admin's school */
	int summary_teacher;         /* index of the demo teacher */
	uint16_t *births[2];         /* ID sequences handed out per birth date, by gender */
	uint64_t id_salt;            /* where each date's walk through its sequences starts */
	int *name_set;               /* open addressing: school index + 1, 0 empty */
	size_t name_cap;
	int next_numbered;           /* the next N of 广州市第N中学 */
};

/* ---- ID numbers ---- */

static int days_in_month(int y, int m)
{
	static const int dim[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dim[m - 1];
}

static int first_birth_year(const struct gen *g)
{
	return g->year - MAX_AGE;
}

/* slots per birth date: a year as 12 months of 31 days, holes unused */
static size_t birth_slot(const struct gen *g, int y, int m, int d)
{
	return (size_t)(y - first_birth_year(g)) * 372 + (size_t)(m - 1) * 31 + (size_t)(d - 1);
}

static size_t birth_slots(void)
{
	return (size_t)(MAX_AGE - MIN_AGE + 1) * 372;
}

/* GB 11643-1999: digit 17 is odd for men, even for women, so a date has 500
 * sequences for men (001..999) and 499 for women (002..998; 000 unused).
 * The k-th person of a date gets the k-th step of a walk through them that
 * starts at a place drawn for the date and never repeats: unique by
 * construction, not by luck, while the numbers still look scattered. */
static int assign_id(struct gen *g, struct demo_person *p, int y, int m, int d)
{
	int cap = p->female ? 499 : 500;
	int last_year = g->year - MIN_AGE;

	for (size_t tries = 0; tries < birth_slots(); tries++) {
		size_t slot = birth_slot(g, y, m, d);
		uint16_t *used = &g->births[p->female][slot];

		if (*used < cap) {
			uint64_t start = g->id_salt ^ (slot * 2 + p->female);
			int k = (*used)++;
			/* 337 is prime to 500 and to 499, so k -> step is one-to-one */
			int step = (int)(((uint64_t)k * 337 + splitmix64(&start)) % (uint64_t)cap);

			p->seq = (uint16_t)(p->female ? 2 * step + 2 : 2 * step + 1);
			p->birth = (uint32_t)(y * 10000 + m * 100 + d);
			return 0;
		}
		/* this date is full: the next day, wrapping to the oldest */
		if (++d > days_in_month(y, m)) {
			d = 1;
			if (++m > 12) {
				m = 1;
				if (++y > last_year)
					y = first_birth_year(g);
			}
		}
	}
	return -1;
}

/* v as exactly width decimal digits (the callers' values always fit) */
static void put_digits(char *out, unsigned v, int width)
{
	for (int i = width - 1; i >= 0; i--, v /= 10)
		out[i] = (char)('0' + v % 10);
}

static void format_id(const struct demo_person *p, char out[ID_NUMBER_LEN + 1])
{
	memcpy(out, "440100", 6);
	put_digits(out + 6, p->birth, 8);
	put_digits(out + 14, p->seq, 3);
	out[17] = idcard_check_char(out);
	out[18] = '\0';
}

static void format_name(const struct demo_person *p, char *out, size_t len)
{
	const char *const *given = p->female ? given_female : given_male;

	snprintf(out, len, "%s%s%s", surnames[p->surname].value, given[p->given[0]],
		 p->given[1] == NO_CHAR ? "" : given[p->given[1]]);
}

static void format_date(uint32_t ymd, char out[11])
{
	put_digits(out, ymd / 10000, 4);
	out[4] = '-';
	put_digits(out + 5, ymd / 100 % 100, 2);
	out[7] = '-';
	put_digits(out + 8, ymd % 100, 2);
	out[10] = '\0';
}

/* ---- one person ---- */

/* What kind of person to make: their place decides the tables used. */
struct person_kind {
	enum post role;
	int female;              /* ‰ women */
	int age_lo, age_hi;
	enum taught taught;      /* for school staff */
	bool private_;
	bool leader;             /* principals and centre staff: senior people */
};

static void draw_name(struct gen *g, struct demo_person *p)
{
	int nm = COUNT(given_male), nf = COUNT(given_female);
	int n = p->female ? nf : nm;

	p->surname = (uint8_t)pick_table(&g->rng, surnames, COUNT(surnames));
	p->given[0] = (uint8_t)rng_below(&g->rng, n);
	/* about a quarter of names have a one-character given name */
	p->given[1] = rng_chance(&g->rng, 1, 4) ? NO_CHAR : (uint8_t)rng_below(&g->rng, n);
}

static uint64_t draw_phone(struct gen *g)
{
	/* 1[3-9]x: 13x, 15x and 18x most, then 19x, 17x, 16x, 14x */
	static const int second_digit_w[] = { 300, 30, 250, 40, 50, 250, 80 }; /* 3..9 */
	uint64_t d2 = 3 + (uint64_t)pick_weighted(&g->rng, second_digit_w, COUNT(second_digit_w));

	return 10000000000ULL + d2 * 1000000000ULL + rng_next(&g->rng) % 1000000000ULL;
}

static int draw_age(struct gen *g, bool female, int lo, int hi)
{
	int w[MAX_AGE - MIN_AGE + 1];

	for (int a = lo; a <= hi; a++)
		w[a - lo] = age_weight(a, female);
	return lo + pick_weighted(&g->rng, w, hi - lo + 1);
}

static int make_person(struct gen *g, struct demo_person *p, const struct person_kind *k)
{
	struct rng *r = &g->rng;
	int age, by, bm, bd, start_age, years;

	memset(p, 0, sizeof *p);
	p->female = rng_below(r, 1000) < k->female;
	draw_name(g, p);
	age = draw_age(g, p->female, k->age_lo, k->age_hi);
	bm = rng_range(r, 1, 12);
	bd = rng_range(r, 1, days_in_month(g->year - age, bm));
	if (assign_id(g, p, g->year - age, bm, bd) < 0)
		return -1;
	by = (int)(p->birth / 10000);
	age = g->year - by; /* a full date moves a birthday, rarely into another year */

	/* service from 22-25 by this age arithmetic (21-25 in whole years),
	 * always in a past school year: the latest is 1 September last year */
	start_age = rng_range(r, 22, 25);
	if (start_age > age - 1)
		start_age = age - 1;
	{
		static const int month_w[] = { 100, 200, 700 }; /* July, August, September */
		int sm = 7 + pick_weighted(r, month_w, COUNT(month_w));

		p->service = (uint32_t)((by + start_age) * 10000 + sm * 100 + 1);
	}
	years = g->year - (by + start_age);

	p->role = (uint8_t)k->role;
	p->phone = draw_phone(g);

	if (k->leader) {
		/* principals and centre staff come up through the ranks */
		static const int title_w[] = { 40, 650, 260, 50, 0, 0 };
		static const int edu_w[] = { 40, 350, 580, 30, 0 };
		static const int key_w[] = { 300, 150, 220, 230, 80, 20 };

		p->title = (uint8_t)pick_weighted(r, title_w, T__MAX);
		p->education = (uint8_t)pick_weighted(r, edu_w, E__MAX);
		/* kindergarten directors seldom hold a postgraduate degree */
		if (k->taught == TA_KINDERGARTEN && p->education < E_BACHELOR && !rng_chance(r, 1, 3))
			p->education = E_BACHELOR;
		p->key_level = (uint8_t)pick_weighted(r, key_w, K__MAX);
		p->special = (p->title <= T_SENIOR) && rng_below(r, 1000) < (p->title == T_FULL_SENIOR ? 300 : 25);
		p->status = S_SERVING;
		return 0;
	}

	{
		int b = (int)COUNT(title_bands) - 1;

		while (b > 0 && years < title_bands[b].min_years)
			b--;
		p->title = (uint8_t)pick_weighted(r, title_bands[b].w, T__MAX);
	}
	/* 民办 schools leave more teachers without a title: their teachers
	 * are often outside the public title quota */
	if (k->private_ && p->title > T_SENIOR && rng_chance(r, 1, 4))
		p->title = T_NONE;

	p->education = (uint8_t)pick_weighted(r, education_by_taught[k->taught], E__MAX);
	/* the over-50s trained when a diploma was the norm; the under-30s
	 * rarely have less than a degree */
	if (age >= 50 && p->education <= E_BACHELOR && rng_chance(r, 1, 4))
		p->education++;
	else if (age < 30 && p->education >= E_ASSOCIATE && rng_chance(r, 1, 2))
		p->education--;

	p->key_level = (uint8_t)pick_weighted(r, key_by_title[p->title], K__MAX);
	/* 特级教师: about 1 in 500, from the senior titles only */
	if (p->title == T_FULL_SENIOR)
		p->special = rng_below(r, 1000) < 150;
	else if (p->title == T_SENIOR)
		p->special = rng_below(r, 10000) < 95;

	/* the people a roster still lists after they went: the recently
	 * retired, some who left or moved to another city's school */
	if (((p->female && age >= 56) || (!p->female && age >= 60)) && rng_chance(r, 1, 2))
		p->status = S_RETIRED;
	else if (rng_below(r, 1000) < 10)
		p->status = S_LEFT;
	else if (rng_below(r, 1000) < 10)
		p->status = S_TRANSFERRED;
	else
		p->status = S_SERVING;
	return 0;
}

/* ---- schools ---- */

/* Largest-remainder apportionment of n among weights w, at least min each. */
static void apportion(int n, const int *w, int k, int min, int *out)
{
	long total = 0, rest = n - (long)min * k, given = 0;
	long rem[64];

	for (int i = 0; i < k; i++)
		total += w[i];
	for (int i = 0; i < k; i++) {
		out[i] = min + (int)(rest * w[i] / total);
		rem[i] = rest * w[i] % total;
		given += out[i];
	}
	while (given < n) {
		int best = 0;

		for (int i = 1; i < k; i++)
			if (rem[i] > rem[best])
				best = i;
		out[best]++;
		rem[best] = -1;
		given++;
	}
}

static void shuffle_ints(struct rng *r, int *a, int n)
{
	for (int i = n - 1; i > 0; i--) {
		int j = rng_below(r, i + 1), t = a[i];

		a[i] = a[j];
		a[j] = t;
	}
}

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

static bool name_taken(const struct gen *g, const char *name)
{
	for (size_t h = fnv1a(name) & (g->name_cap - 1);; h = (h + 1) & (g->name_cap - 1)) {
		int i = g->name_set[h];

		if (!i)
			return false;
		if (strcmp(g->schools[i - 1].name, name) == 0)
			return true;
	}
}

static void name_add(struct gen *g, int school)
{
	size_t h = fnv1a(g->schools[school].name) & (g->name_cap - 1);

	while (g->name_set[h])
		h = (h + 1) & (g->name_cap - 1);
	g->name_set[h] = school + 1;
}

/* How a city tells apart two schools with one stem: a neighbourhood's
 * schools by the streets (石牌东路小学), brands by their programme, then
 * all of them by number (第二, 第三 ...). */
static const char *const place_variants[] = {
	"", "实验", "路", "东路", "西路", "南路", "北路", "新村", "花园",
};
static const char *const brand_variants[] = { "", "实验", "双语", "艺术", "英才" };
static const char *const field_variants[] = { "" };

/* A unique name: 广州市 [district] stem variant suffix, the first variant
 * that makes a name not yet taken. */
static void name_school(struct gen *g, int i)
{
	struct demo_school *sc = &g->schools[i];
	const struct district *d = &districts[sc->district];
	const char *const *stems = d->places;
	int nstems = d->nplaces;
	const char *const *variants = place_variants;
	int nvariants = COUNT(place_variants);
	const char *suffix = "";
	bool with_district = true;
	char variant[64];

	switch (sc->stage) {
	case ST_KINDERGARTEN:
		if (sc->private_) {
			stems = kindergarten_brands;
			nstems = COUNT(kindergarten_brands);
			variants = brand_variants;
			nvariants = COUNT(brand_variants);
		}
		suffix = "幼儿园";
		break;
	case ST_PRIMARY:
		suffix = "小学";
		break;
	case ST_JUNIOR:
		suffix = "中学";
		break;
	case ST_SENIOR:
	case ST_COMPLETE:
		/* the old city schools are numbered: 广州市第六中学 */
		if (!sc->private_ && g->next_numbered <= 150 && rng_chance(&g->rng, 1, 2)) {
			do {
				cn_number(g->next_numbered, variant, sizeof variant);
				snprintf(sc->name, sizeof sc->name, "广州市第%s中学", variant);
				g->next_numbered += rng_range(&g->rng, 1, 3);
			} while (name_taken(g, sc->name));
			name_add(g, i);
			return;
		}
		suffix = sc->stage == ST_SENIOR ? "高级中学" : "中学";
		break;
	case ST_NINE_YEAR:
		suffix = "学校";
		break;
	case ST_VOCATIONAL:
		stems = vocational_fields;
		nstems = COUNT(vocational_fields);
		variants = field_variants;
		nvariants = COUNT(field_variants);
		suffix = "职业技术学校";
		with_district = rng_chance(&g->rng, 1, 2);
		break;
	case ST_SPECIAL:
		stems = special_stems;
		nstems = COUNT(special_stems);
		variants = field_variants;
		nvariants = COUNT(field_variants);
		suffix = "学校";
		break;
	case ST__MAX:
		break;
	}
	if (sc->private_ && sc->stage != ST_KINDERGARTEN) {
		stems = private_brands;
		nstems = COUNT(private_brands);
		variants = brand_variants;
		nvariants = COUNT(brand_variants);
		if (sc->stage == ST_PRIMARY || sc->stage == ST_NINE_YEAR)
			suffix = rng_chance(&g->rng, 1, 2) ? "外国语学校" : "实验学校";
	}

	const char *stem = stems[rng_below(&g->rng, nstems)];

	for (int v = 0;; v++) {
		if (v < nvariants) {
			snprintf(variant, sizeof variant, "%s", variants[v]);
		} else {
			char num[48];

			cn_number(v - nvariants + 2, num, sizeof num);
			snprintf(variant, sizeof variant, "第%s", num);
		}
		snprintf(sc->name, sizeof sc->name, "广州市%s%s%s%s", with_district ? d->name : "",
			 stem, variant, suffix);
		if (!name_taken(g, sc->name))
			break;
	}
	name_add(g, i);
}

static int make_schools(struct gen *g, int nschools, int school_persons)
{
	int stage_w[ST__MAX], stage_n[ST__MAX], district_w[NDISTRICTS], district_n[NDISTRICTS];
	int *stage_of = NULL, *district_of = NULL, serial;
	long weight_total = 0, rest, given = 0;
	int rc = -1;

	g->nschools = nschools;
	g->schools = calloc((size_t)nschools, sizeof *g->schools);
	stage_of = malloc((size_t)nschools * sizeof *stage_of);
	district_of = malloc((size_t)nschools * sizeof *district_of);
	for (g->name_cap = 64; g->name_cap < (size_t)nschools * 2; g->name_cap *= 2)
		;
	g->name_set = calloc(g->name_cap, sizeof *g->name_set);
	if (!g->schools || !stage_of || !district_of || !g->name_set)
		goto done;

	/* exact shares rather than a draw per school, so a small city still
	 * has every stage and every district */
	for (int i = 0; i < ST__MAX; i++)
		stage_w[i] = stages[i].share;
	for (int i = 0; i < NDISTRICTS; i++)
		district_w[i] = districts[i].weight;
	apportion(nschools, stage_w, ST__MAX, 0, stage_n);
	apportion(nschools, district_w, NDISTRICTS, 1, district_n);
	for (int i = 0, k = 0; i < ST__MAX; i++)
		for (int j = 0; j < stage_n[i]; j++)
			stage_of[k++] = i;
	for (int i = 0, k = 0; i < NDISTRICTS; i++)
		for (int j = 0; j < district_n[i]; j++)
			district_of[k++] = i;
	shuffle_ints(&g->rng, stage_of, nschools);
	shuffle_ints(&g->rng, district_of, nschools);

	for (int i = 0; i < nschools; i++) {
		struct demo_school *sc = &g->schools[i];

		sc->stage = (enum stage)stage_of[i];
		sc->district = district_of[i];
		sc->private_ = rng_below(&g->rng, 1000) < stages[sc->stage].private_share;
		sc->size = rng_range(&g->rng, stages[sc->stage].size_lo, stages[sc->stage].size_hi);
		weight_total += sc->size;
	}

	/* the demo school admin needs a public primary or complete school in
	 * 天河: when the draw made none, move the first primary school there,
	 * public, trading districts with a 天河 school to keep the shares */
	g->summary_school = -1;
	for (int i = 0; i < nschools && g->summary_school < 0; i++) {
		struct demo_school *sc = &g->schools[i];

		if (sc->district == TIANHE && !sc->private_ &&
		    (sc->stage == ST_PRIMARY || sc->stage == ST_COMPLETE))
			g->summary_school = i;
	}
	if (g->summary_school < 0) {
		int p = -1, t = -1;

		for (int i = 0; i < nschools; i++) {
			if (p < 0 && g->schools[i].stage == ST_PRIMARY)
				p = i;
			if (t < 0 && g->schools[i].district == TIANHE)
				t = i;
		}
		g->schools[t].district = g->schools[p].district;
		g->schools[p].district = TIANHE;
		g->schools[p].private_ = false;
		g->summary_school = p;
	}

	/* codes: type + 44 (Guangdong) + a serial unique across all schools,
	 * rising with gaps as codes issued over the years do */
	serial = rng_range(&g->rng, 100000, 120000);
	for (int i = 0; i < nschools; i++) {
		struct demo_school *sc = &g->schools[i];
		int max_gap = (999999 - serial) / (nschools - i + 1);

		if (max_gap > 37)
			max_gap = 37;
		serial += rng_range(&g->rng, 1, max_gap < 1 ? 1 : max_gap);
		memcpy(sc->code, stages[sc->stage].type, 2);
		memcpy(sc->code + 2, "44", 2);
		put_digits(sc->code + 4, (unsigned)serial, 6);
		sc->code[10] = '\0';
		name_school(g, i);
	}

	/* staff: each school's drawn size scaled to the persons there are,
	 * two at least (a principal and a teacher), the rounding handed out
	 * one by one from the first school */
	rest = school_persons - 2L * nschools;
	for (int i = 0; i < nschools; i++) {
		struct demo_school *sc = &g->schools[i];

		sc->size = 2 + (int)(rest * sc->size / weight_total);
		given += sc->size;
	}
	for (int i = 0; given < school_persons; i = (i + 1) % nschools, given++)
		g->schools[i].size++;
	rc = 0;
done:
	free(stage_of);
	free(district_of);
	return rc;
}

/* ---- persons ---- */

static int make_staff(struct gen *g, struct demo_person **next)
{
	for (int c = 0; c < NCENTRES; c++) {
		bool municipal = c < NMUNICIPAL;
		int n = municipal ? rng_range(&g->rng, 10, 15) : rng_range(&g->rng, 8, 12);
		int researchers = municipal ? municipals[c].researchers : 500;
		const char *const *subj = municipal ? municipals[c].subjects : district_centre_subjects;
		int nsubj = municipal ? municipals[c].nsubjects : (int)COUNT(district_centre_subjects);

		g->staff_first[c] = (int)(*next - g->persons);
		g->staff_count[c] = n;
		for (int j = 0; j < n; j++) {
			struct person_kind k = {
				.role = rng_below(&g->rng, 1000) < researchers ? R_RESEARCHER : R_TRAINER,
				.female = 550,
				.age_lo = 30, .age_hi = 57,
				.taught = TA_SENIOR,
				.leader = true,
			};
			struct demo_person *p = (*next)++;

			/* the first is the centre's head, who represents it in
			 * the alliance (000 art. 6): an older, senior person */
			if (j == 0)
				k.age_lo = 45;
			if (make_person(g, p, &k) < 0)
				return -1;
			if (j == 0 && p->title > T_SENIOR)
				p->title = T_SENIOR;
			p->centre = (int16_t)c;
			p->school = -1;
			p->subject = subj[rng_below(&g->rng, nsubj)];
		}
	}
	g->nstaff = (int)(*next - g->persons);
	return 0;
}

static int make_school_staff(struct gen *g, struct demo_person **next)
{
	g->summary_teacher = -1;
	for (int i = 0; i < g->nschools; i++) {
		const struct demo_school *sc = &g->schools[i];
		const struct stage_info *si = &stages[sc->stage];

		for (int j = 0; j < sc->size; j++) {
			struct person_kind k = {
				.role = R_TEACHER,
				.female = si->female,
				.age_lo = MIN_AGE, .age_hi = MAX_AGE,
				.taught = si->taught[rng_below(&g->rng, 2)],
				.private_ = sc->private_,
			};
			struct demo_person *p = (*next)++;

			if (j == 0) {
				/* one head per school: 园长 in a kindergarten */
				k.role = sc->stage == ST_KINDERGARTEN ? R_DIRECTOR : R_PRINCIPAL;
				k.age_lo = 38;
				k.age_hi = 57;
				k.leader = true;
				if (sc->stage != ST_KINDERGARTEN)
					k.female = si->female - 200;
			}
			if (make_person(g, p, &k) < 0)
				return -1;
			p->school = i;
			p->centre = -1;
			{
				const struct weighted *t = subjects[k.taught].t;

				p->subject = t[pick_table(&g->rng, t, subjects[k.taught].n)].value;
			}
			if (i == g->summary_school && j == 1) {
				/* the demo teacher signs in, so must be serving */
				p->status = S_SERVING;
				g->summary_teacher = (int)(p - g->persons);
			}
		}
	}
	return 0;
}

/* ------------------------------------------------------------------------
 * Writing
 * --------------------------------------------------------------------- */

static const char SQL_COUNT_REGIONS[] = "SELECT count(*) FROM regions";
static const char SQL_INSERT_REGION[] =
	"INSERT INTO regions (code, name, level, parent_code) VALUES (?, ?, ?, ?)";
static const char SQL_INSERT_CENTRE[] =
	"INSERT INTO centres (code, name, kind, region_code, domain) VALUES (?, ?, ?, ?, ?)";
static const char SQL_INSERT_SCHOOL[] =
	"INSERT INTO schools (code, name, district_code, stage, ownership) VALUES (?, ?, ?, ?, ?)";
/* Persons go in PERSON_BATCH rows per statement: one step per row costs
 * about twice as much, in statement start-up and foreign-key bookkeeping,
 * as the row itself.  The tail uses the one-row form. */
enum { PERSON_COLUMNS = 15, PERSON_BATCH = 32 };
#define PERSON_INSERT \
	"INSERT INTO persons (id_number, name, gender, birth_date, phone, school_id, centre_id," \
	" role, subject, title, education, key_level, special_grade, service_start, status) VALUES "
#define PERSON_ROW "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
#define PERSON_ROWS_2 PERSON_ROW ", " PERSON_ROW
#define PERSON_ROWS_4 PERSON_ROWS_2 ", " PERSON_ROWS_2
#define PERSON_ROWS_8 PERSON_ROWS_4 ", " PERSON_ROWS_4
#define PERSON_ROWS_16 PERSON_ROWS_8 ", " PERSON_ROWS_8
#define PERSON_ROWS_32 PERSON_ROWS_16 ", " PERSON_ROWS_16
static const char SQL_INSERT_PERSON[] = PERSON_INSERT PERSON_ROW;
static const char SQL_INSERT_PERSONS[] = PERSON_INSERT PERSON_ROWS_32;
static const char SQL_PERSON_ID[] = "SELECT id FROM persons WHERE id_number = ?";
static const char SQL_INSERT_ALLIANCE[] =
	"INSERT INTO alliances (code, name, region_code) VALUES (?, ?, ?)";
static const char SQL_INSERT_MEMBER[] =
	"INSERT INTO alliance_members (alliance_id, centre_id, rotation_order,"
	" representative_person_id, liaison_person_id) VALUES (?, ?, ?, ?, ?)";
static const char SQL_INSERT_CHAIR[] =
	"INSERT INTO alliance_chairs (alliance_id, year, centre_id, chair_person_id,"
	" secretary_person_id) VALUES (?, ?, ?, ?, ?)";

static const char ALLIANCE_CODE[] = "gz-alliance";
static const char ALLIANCE_NAME[] = "广州市市级教师发展中心联盟"; /* 000 art. 2 */
enum { CHAIR_FIRST_YEAR = 2021, CHAIR_LAST_YEAR = 2030 };

static int insert_regions(struct store *s)
{
	struct stmt *st;

	if (store_prepare(s, SQL_INSERT_REGION, &st) < 0)
		return -1;
	stmt_bind_text(st, 1, "440000");
	stmt_bind_text(st, 2, "广东省");
	stmt_bind_text(st, 3, "province");
	stmt_bind_null(st, 4);
	if (stmt_run(st) < 0)
		return -1;
	stmt_bind_text(st, 1, "440100");
	stmt_bind_text(st, 2, "广州市");
	stmt_bind_text(st, 3, "city");
	stmt_bind_text(st, 4, "440000");
	if (stmt_run(st) < 0)
		return -1;
	for (int i = 0; i < NDISTRICTS; i++) {
		stmt_bind_text(st, 1, districts[i].code);
		stmt_bind_text(st, 2, districts[i].name);
		stmt_bind_text(st, 3, "district");
		stmt_bind_text(st, 4, "440100");
		if (stmt_run(st) < 0)
			return -1;
	}
	return 0;
}

static int insert_centres(struct store *s, int64_t ids[NCENTRES])
{
	struct stmt *st;
	char name[128];

	if (store_prepare(s, SQL_INSERT_CENTRE, &st) < 0)
		return -1;
	for (int c = 0; c < NCENTRES; c++) {
		if (c < NMUNICIPAL) {
			stmt_bind_text(st, 1, municipals[c].code);
			stmt_bind_text(st, 2, municipals[c].name);
			stmt_bind_text(st, 3, "municipal");
			stmt_bind_text(st, 4, "440100");
			stmt_bind_text(st, 5, municipals[c].domain);
		} else {
			const struct district *d = &districts[c - NMUNICIPAL];

			snprintf(name, sizeof name, "广州市%s教师发展中心", d->name);
			stmt_bind_text(st, 1, d->code);
			stmt_bind_text(st, 2, name);
			stmt_bind_text(st, 3, "district");
			stmt_bind_text(st, 4, d->code);
			stmt_bind_null(st, 5);
		}
		if (stmt_run(st) < 0)
			return -1;
		ids[c] = store_last_insert_id(s);
	}
	return 0;
}

static int insert_schools(struct store *s, struct gen *g)
{
	struct stmt *st;

	if (store_prepare(s, SQL_INSERT_SCHOOL, &st) < 0)
		return -1;
	for (int i = 0; i < g->nschools; i++) {
		struct demo_school *sc = &g->schools[i];

		stmt_bind_text(st, 1, sc->code);
		stmt_bind_text(st, 2, sc->name);
		stmt_bind_text(st, 3, districts[sc->district].code);
		stmt_bind_text(st, 4, stages[sc->stage].code);
		stmt_bind_text(st, 5, sc->private_ ? "private" : "public");
		if (stmt_run(st) < 0)
			return -1;
		sc->id = store_last_insert_id(s);
	}
	return 0;
}

static int compare_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* the columns of one person, from parameter base + 1 on */
static int bind_person(struct stmt *st, int base, const struct gen *g,
		       const int64_t centre_ids[NCENTRES], const struct demo_person *p)
{
	char id[ID_NUMBER_LEN + 1], name[64], birth[11], service[11], phone[24];
	int rc = 0;

	format_id(p, id);
	format_name(p, name, sizeof name);
	format_date(p->birth, birth);
	format_date(p->service, service);
	snprintf(phone, sizeof phone, "%llu", (unsigned long long)p->phone);
	/* negative codes OR together into a negative code */
	rc |= stmt_bind_text(st, base + 1, id);
	rc |= stmt_bind_text(st, base + 2, name);
	rc |= stmt_bind_text(st, base + 3, p->female ? "female" : "male");
	rc |= stmt_bind_text(st, base + 4, birth);
	rc |= stmt_bind_text(st, base + 5, phone);
	if (p->school >= 0)
		rc |= stmt_bind_int(st, base + 6, g->schools[p->school].id);
	else
		rc |= stmt_bind_null(st, base + 6);
	if (p->centre >= 0)
		rc |= stmt_bind_int(st, base + 7, centre_ids[p->centre]);
	else
		rc |= stmt_bind_null(st, base + 7);
	rc |= stmt_bind_text(st, base + 8, role_codes[p->role]);
	rc |= stmt_bind_text(st, base + 9, p->subject);
	rc |= stmt_bind_text(st, base + 10, title_codes[p->title]);
	rc |= stmt_bind_text(st, base + 11, education_codes[p->education]);
	rc |= stmt_bind_text(st, base + 12, key_codes[p->key_level]);
	rc |= stmt_bind_int(st, base + 13, p->special);
	rc |= stmt_bind_text(st, base + 14, service);
	rc |= stmt_bind_text(st, base + 15, status_codes[p->status]);
	return rc < 0 ? -1 : 0;
}

static int insert_persons(struct store *s, const struct gen *g, const int64_t centre_ids[NCENTRES])
{
	struct stmt *st;
	uint64_t *order = malloc((size_t)g->npersons * sizeof *order);
	int rc = -1, n = 0;

	if (!order)
		return -2;
	/* sort key: birth date and sequence, which is the ID number's order,
	 * with the person's index in the low 23 bits */
	for (int i = 0; i < g->npersons; i++) {
		const struct demo_person *p = &g->persons[i];

		order[i] = (((uint64_t)p->birth * 1000 + p->seq) << 23) | (uint64_t)i;
	}
	qsort(order, (size_t)g->npersons, sizeof *order, compare_u64);

	while (n < g->npersons) {
		int rows = g->npersons - n >= PERSON_BATCH ? PERSON_BATCH : 1;

		if (store_prepare(s, rows > 1 ? SQL_INSERT_PERSONS : SQL_INSERT_PERSON, &st) < 0)
			goto done;
		for (int r = 0; r < rows; r++, n++) {
			const struct demo_person *p = &g->persons[order[n] & ((1u << 23) - 1)];

			if (bind_person(st, r * PERSON_COLUMNS, g, centre_ids, p) < 0) {
				stmt_done(st);
				goto done;
			}
		}
		if (stmt_run(st) < 0)
			goto done;
	}
	rc = 0;
done:
	free(order);
	return rc;
}

/* the row id of generated person i, once written */
static int person_id(struct store *s, const struct gen *g, int i, int64_t *id)
{
	struct stmt *st;
	char number[ID_NUMBER_LEN + 1];
	int rc;

	format_id(&g->persons[i], number);
	if (store_prepare(s, SQL_PERSON_ID, &st) < 0)
		return -1;
	stmt_bind_text(st, 1, number);
	rc = stmt_step(st);
	if (rc == STORE_ROW)
		*id = stmt_int(st, 0);
	stmt_done(st);
	return rc == STORE_ROW ? 0 : -1;
}

/* 000 art. 6: every member sends a representative to the council and a
 * liaison; the chair rotates yearly in a set order, and the chair's centre
 * puts up the secretary-general.  A centre's staff are generated head
 * first, so its first three are representative (and chair), liaison and
 * secretary. */
static int insert_alliance(struct store *s, const struct gen *g, const int64_t centre_ids[NCENTRES])
{
	struct stmt *st;
	int64_t alliance_id, people[NMUNICIPAL][3];

	for (int c = 0; c < NMUNICIPAL; c++)
		for (int j = 0; j < 3; j++)
			if (person_id(s, g, g->staff_first[c] + j, &people[c][j]) < 0)
				return -1;

	if (store_prepare(s, SQL_INSERT_ALLIANCE, &st) < 0)
		return -1;
	stmt_bind_text(st, 1, ALLIANCE_CODE);
	stmt_bind_text(st, 2, ALLIANCE_NAME);
	stmt_bind_text(st, 3, "440100");
	if (stmt_run(st) < 0)
		return -1;
	alliance_id = store_last_insert_id(s);

	if (store_prepare(s, SQL_INSERT_MEMBER, &st) < 0)
		return -1;
	for (int c = 0; c < NMUNICIPAL; c++) {
		stmt_bind_int(st, 1, alliance_id);
		stmt_bind_int(st, 2, centre_ids[c]);
		stmt_bind_int(st, 3, c + 1);
		stmt_bind_int(st, 4, people[c][0]);
		stmt_bind_int(st, 5, people[c][1]);
		if (stmt_run(st) < 0)
			return -1;
	}
	if (store_prepare(s, SQL_INSERT_CHAIR, &st) < 0)
		return -1;
	for (int y = CHAIR_FIRST_YEAR; y <= CHAIR_LAST_YEAR; y++) {
		int c = (y - CHAIR_FIRST_YEAR) % NMUNICIPAL;

		stmt_bind_int(st, 1, alliance_id);
		stmt_bind_int(st, 2, y);
		stmt_bind_int(st, 3, centre_ids[c]);
		stmt_bind_int(st, 4, people[c][0]);
		stmt_bind_int(st, 5, people[c][2]);
		if (stmt_run(st) < 0)
			return -1;
	}
	return 0;
}

static int count_regions(struct store *s, int64_t *n)
{
	struct stmt *st;
	int rc;

	if (store_prepare(s, SQL_COUNT_REGIONS, &st) < 0)
		return -1;
	rc = stmt_step(st);
	if (rc == STORE_ROW)
		*n = stmt_int(st, 0);
	stmt_done(st);
	return rc == STORE_ROW ? 0 : -1;
}

/* ------------------------------------------------------------------------
 * demo_create
 * --------------------------------------------------------------------- */

static void free_gen(struct gen *g)
{
	free(g->schools);
	free(g->persons);
	free(g->births[0]);
	free(g->births[1]);
	free(g->name_set);
}

int demo_create(struct store *s, const struct demo_options *o, struct demo_summary *out,
		struct err *err)
{
	struct gen g = { 0 };
	struct demo_summary sum = { 0 };
	int64_t centre_ids[NCENTRES], nregions = 0, max_person = 0;
	int teachers = o && o->teachers ? o->teachers : DEMO_DEFAULT_TEACHERS;
	uint64_t seed = o ? o->seed : DEMO_DEFAULT_SEED;
	int nschools, rc;
	struct demo_person *next;
	time_t now = time(NULL);
	struct tm tm;

	if (out)
		memset(out, 0, sizeof *out);
	if (teachers < DEMO_MIN_TEACHERS || teachers > DEMO_MAX_TEACHERS) {
		err_field(err, ERR_INVALID, "teachers",
			  "the demo needs between %d and %d teachers, not %d",
			  DEMO_MIN_TEACHERS, DEMO_MAX_TEACHERS, teachers);
		return -1;
	}
	if (store_begin(s, STORE_WRITE) < 0) {
		err_set(err, ERR_IO, "cannot start a transaction on '%s': %s", store_path(s),
			store_errmsg(s));
		return -1;
	}
	if (count_regions(s, &nregions) < 0)
		goto fail_db;
	if (nregions > 0) {
		err_set(err, ERR_CONFLICT, "database '%s' already has data: demo needs a new database",
			store_path(s));
		goto fail;
	}

	gmtime_r(&now, &tm);
	g.year = tm.tm_year + 1900;
	rng_seed(&g.rng, seed);
	g.id_salt = rng_next(&g.rng);
	g.next_numbered = 1;
	nschools = teachers / 65 < 30 ? 30 : teachers / 65;
	g.persons = malloc((size_t)teachers * sizeof *g.persons);
	g.births[0] = calloc(birth_slots(), sizeof *g.births[0]);
	g.births[1] = calloc(birth_slots(), sizeof *g.births[1]);
	if (!g.persons || !g.births[0] || !g.births[1])
		goto fail_oom;

	/* the staff first: their count is drawn, and the schools share the
	 * rest; the schools' shapes are drawn before anyone in them */
	next = g.persons;
	if (make_staff(&g, &next) < 0)
		goto fail_ids;
	if (make_schools(&g, nschools, teachers - g.nstaff) < 0)
		goto fail_oom;
	if (make_school_staff(&g, &next) < 0)
		goto fail_ids;
	g.npersons = (int)(next - g.persons);

	if (insert_regions(s) < 0)
		goto fail_db;
	if (insert_centres(s, centre_ids) < 0)
		goto fail_db;
	if (insert_schools(s, &g) < 0)
		goto fail_db;
	if (registry_bulk_begin(s, &max_person) < 0)
		goto fail_db;
	rc = insert_persons(s, &g, centre_ids);
	if (rc == -2)
		goto fail_oom;
	if (rc < 0 || registry_bulk_end(s, max_person) < 0)
		goto fail_db;
	if (insert_alliance(s, &g, centre_ids) < 0)
		goto fail_db;
	/* training and hours (issue 5): programmes, enrolments, the ledger */
	/* issue 5 anchor: programmes */
	{
		char today[11];
		struct tm local;

		/* the timetable is in the centres' local time, as the attendance
		 * and completion checks read it: "today" is the local day */
		if (!localtime_r(&now, &local))
			local = tm;
		strftime(today, sizeof today, "%Y-%m-%d", &local);
		if (demo_training_create(s, today, g.schools[g.summary_school].code) < 0)
			goto fail_db;
	}
	/* issue 5 anchor: enrolment */
	{
		/* the demo teacher starts with no enrolments, so she can try it */
		char keep_out[19];

		format_id(&g.persons[g.summary_teacher], keep_out);
		if (enrolment_demo(s, keep_out) < 0)
			goto fail_db;
	}
	/* issue 5 anchor: attendance */
	/* issue 5 anchor: ledger */
	{
		char teacher_id[ID_NUMBER_LEN + 1];

		format_id(&g.persons[g.summary_teacher], teacher_id);
		if (demo_hours_create(s, seed, g.year, g.npersons, teacher_id, err) < 0)
			goto fail;
	}
	/* issue 6 anchor: settings */
	/* issue 6 anchor: assessment */
	/* issue 6 anchor: appraisals */
	/* issue 6 anchor: registration */
	/* issue 6 anchor: recognition */
	{
		/* every district's rules, and the demo teacher's open lesson
		 * waiting for her school (no evidence file: the demo writes no
		 * files beside the database) */
		const char *codes[NDISTRICTS];
		char teacher_id[ID_NUMBER_LEN + 1], today[11];
		struct tm local;

		for (int i = 0; i < NDISTRICTS; i++)
			codes[i] = districts[i].code;
		format_id(&g.persons[g.summary_teacher], teacher_id);
		if (!localtime_r(&now, &local))
			local = tm;
		strftime(today, sizeof today, "%Y-%m-%d", &local);
		if (recognition_demo(s, codes, NDISTRICTS, teacher_id, today) < 0)
			goto fail_db;
	}
	/* issue 6 anchor: reports */
	if (store_commit(s) < 0)
		goto fail_db;

	sum.regions = 2 + NDISTRICTS;
	sum.centres = NCENTRES;
	sum.schools = g.nschools;
	sum.persons = g.npersons;
	snprintf(sum.school_code, sizeof sum.school_code, "%s", g.schools[g.summary_school].code);
	format_id(&g.persons[g.summary_teacher], sum.teacher_id_number);
	format_name(&g.persons[g.summary_teacher], sum.teacher_name, sizeof sum.teacher_name);
	snprintf(sum.alliance_code, sizeof sum.alliance_code, "%s", ALLIANCE_CODE);
	snprintf(sum.district_centre_code, sizeof sum.district_centre_code, "%s",
		 districts[TIANHE].code);
	if (out)
		*out = sum;
	free_gen(&g);
	return 0;

fail_ids:
	err_set(err, ERR_INTERNAL, "demo ran out of ID numbers for %d teachers", teachers);
	goto fail;
fail_oom:
	err_set(err, ERR_INTERNAL, "out of memory making the demo for %d teachers", teachers);
	goto fail;
fail_db:
	err_set(err, ERR_IO, "cannot write the demo to '%s': %s", store_path(s), store_errmsg(s));
fail:
	store_rollback(s);
	free_gen(&g);
	return -1;
}
