/* text.c - the zh/en string catalogue (see text.h).  Designated
 * initialisers keep each row beside its id; tests/unit/test_text.c fails
 * when any id lacks either language. */
#include "text.h"

#include <string.h>

static const char *const catalogue[TX__MAX][LANG__MAX] = {
	[TX_SITE_TAGLINE] = { "教师培训、学时与注册的一站式平台", "Training, hours and registration for every teacher" },
	[TX_SIGN_IN] = { "登录", "Sign in" },
	[TX_SIGN_OUT] = { "退出", "Sign out" },
	[TX_LOGIN] = { "账号", "Login" },
	[TX_PASSWORD] = { "密码", "Password" },
	[TX_SIGN_IN_TITLE] = { "登录平台", "Sign in to the platform" },
	[TX_SIGN_IN_HELP] = { "教师请使用学校下发的账号登录；忘记密码请联系学校管理员。",
			      "Teachers sign in with the account their school issued; if you forgot your password, ask your school administrator." },
	[TX_WRONG_LOGIN] = { "账号或密码不正确。", "Wrong login or password." },
	[TX_THROTTLED] = { "登录失败次数过多，请 %s 分钟后再试。", "Too many failed sign-ins: try again in %s minutes." },
	[TX_ACCOUNT_DISABLED] = { "该账号已停用，请联系系统管理员。", "This account is disabled: ask the system administrator." },
	[TX_SIGNED_OUT] = { "您已安全退出。", "You have signed out." },
	[TX_HOME] = { "首页", "Home" },
	[TX_ACCOUNTS] = { "账号管理", "Accounts" },
	[TX_AUDIT_LOG] = { "审计日志", "Audit log" },
	[TX_LANGUAGE_OTHER] = { "English", "中文" },
	[TX_SKIP_TO_CONTENT] = { "跳到正文", "Skip to content" },
	[TX_ROLE_TEACHER] = { "教师", "Teacher" },
	[TX_ROLE_SCHOOL_ADMIN] = { "学校管理员", "School admin" },
	[TX_ROLE_CENTRE_ADMIN] = { "中心管理员", "Centre admin" },
	[TX_ROLE_ALLIANCE] = { "联盟秘书处", "Alliance secretariat" },
	[TX_ROLE_EVALUATOR] = { "评估专家", "Evaluator" },
	[TX_ROLE_BUREAU] = { "教育局", "Education bureau" },
	[TX_ROLE_SYSADMIN] = { "系统管理员", "System admin" },
	[TX_ERR_400] = { "请求有误", "Bad request" },
	[TX_ERR_401] = { "请先登录", "Please sign in" },
	[TX_ERR_403] = { "无权访问", "Not allowed" },
	[TX_ERR_404] = { "页面不存在", "Page not found" },
	[TX_ERR_405] = { "不支持该操作", "Method not allowed" },
	[TX_ERR_409] = { "与现有数据冲突", "Conflict with existing data" },
	[TX_ERR_413] = { "提交的内容过大", "Request too large" },
	[TX_ERR_422] = { "提交的内容有误", "Invalid input" },
	[TX_ERR_429] = { "请求过于频繁", "Too many requests" },
	[TX_ERR_500] = { "服务器出错了，请稍后再试", "Something went wrong on our side: please try again" },
	[TX_ERR_CSRF] = { "表单已过期或来源不明，请刷新页面后重新提交。",
			  "The form expired or did not come from this site: reload the page and submit again." },
	[TX_ERR_403_HELP] = { "您的账号没有访问此页面的权限。如需开通，请联系您的管理员。",
			      "Your account may not open this page. Ask your administrator if you need it." },
	[TX_ERR_404_HELP] = { "您要找的页面不存在或已被移除。", "The page you wanted does not exist or was removed." },
	[TX_BACK_HOME] = { "返回首页", "Back to the home page" },
	[TX_WELCOME] = { "您好，%s", "Welcome, %s" },
	[TX_YOUR_SCOPE] = { "管理范围", "Your scope" },
	[TX_SHORTCUTS] = { "快捷入口", "Shortcuts" },
	[TX_OVERVIEW] = { "概况", "Overview" },
	[TX_CENTRES] = { "教师发展中心", "Centres" },
	[TX_MUNICIPAL_CENTRES] = { "市级中心", "Municipal centres" },
	[TX_DISTRICT_CENTRES] = { "区级中心", "District centres" },
	[TX_SCHOOLS] = { "学校", "Schools" },
	[TX_PERSONS] = { "人员", "People" },
	[TX_TEACHERS] = { "教师", "Teachers" },
	[TX_DISTRICTS] = { "区", "Districts" },
	[TX_ACTIVE_ACCOUNTS] = { "启用账号", "Active accounts" },
	[TX_LIVE_SESSIONS] = { "在线会话", "Live sessions" },
	[TX_MY_RECORD] = { "我的档案", "My record" },
	[TX_NAME] = { "姓名", "Name" },
	[TX_SCHOOL] = { "学校", "School" },
	[TX_TITLE] = { "职称", "Title" },
	[TX_EDUCATION] = { "学历", "Education" },
	[TX_KEY_LEVEL] = { "骨干级别", "Key-teacher level" },
	[TX_SERVICE_START] = { "入职日期", "In service since" },
	[TX_ID_NUMBER] = { "身份证号", "ID number" },
	[TX_SUBJECT] = { "学科", "Subject" },
	[TX_HOURS_THIS_YEAR] = { "本年度学时", "Hours this year" },
	[TX_HOURS_CYCLE] = { "本周期学时", "Hours this cycle" },
	[TX_COMING_SOON] = { "学时记录将在培训模块上线后显示。", "Your hours will show here once training records are kept." },
	[TX_ALLIANCE] = { "联盟", "Alliance" },
	[TX_CHAIR_THIS_YEAR] = { "本年度轮值主席单位", "Chair this year" },
	[TX_MEMBERS] = { "成员单位", "Members" },
	[TX_LIAISON] = { "联络员", "Liaison" },
	[TX_REPRESENTATIVE] = { "理事", "Council member" },
	[TX_ROTATION] = { "轮值顺序", "Rotation" },
	[TX_EVALUATIONS_ASSIGNED] = { "分配给我的评估", "Evaluations assigned to me" },
	[TX_NONE_YET] = { "暂无", "None yet" },
	[TX_DOMAIN] = { "业务范围", "Domain" },
	[TX_REGION] = { "区域", "Region" },
	[TX_STAGE] = { "学段", "Stage" },
	[TX_OWNERSHIP] = { "办学性质", "Ownership" },
	[TX_COUNT] = { "数量", "Count" },
	[TX_NEW_ACCOUNT] = { "新建账号", "New account" },
	[TX_ROLE] = { "角色", "Role" },
	[TX_SCOPE] = { "范围", "Scope" },
	[TX_PERSON_ID] = { "本人身份证号", "Own ID number" },
	[TX_DISPLAY_NAME] = { "显示名称", "Display name" },
	[TX_CREATE] = { "创建", "Create" },
	[TX_DISABLE] = { "停用", "Disable" },
	[TX_ENABLE] = { "启用", "Enable" },
	[TX_RESET_PASSWORD] = { "重置密码", "Reset password" },
	[TX_NEW_PASSWORD] = { "新密码", "New password" },
	[TX_REVOKE_SESSIONS] = { "强制下线", "Sign out everywhere" },
	[TX_STATUS] = { "状态", "Status" },
	[TX_ACTIVE] = { "启用", "Active" },
	[TX_DISABLED] = { "已停用", "Disabled" },
	[TX_SEARCH] = { "搜索", "Search" },
	[TX_FILTER] = { "筛选", "Filter" },
	[TX_ALL] = { "全部", "All" },
	[TX_CREATED] = { "创建时间", "Created" },
	[TX_ACTIONS] = { "操作", "Actions" },
	[TX_SAVED] = { "已保存。", "Saved." },
	[TX_ACCOUNT_CREATED] = { "账号已创建。", "Account created." },
	[TX_ACCOUNT_DISABLED_DONE] = { "账号已停用，其会话和令牌已失效。", "Account disabled; its sessions and tokens no longer work." },
	[TX_ACCOUNT_ENABLED_DONE] = { "账号已启用。", "Account enabled." },
	[TX_PASSWORD_RESET_DONE] = { "密码已重置，该账号需重新登录。", "Password reset; the account must sign in again." },
	[TX_SESSIONS_REVOKED_DONE] = { "该账号的所有会话已失效。", "All sessions of the account were ended." },
	[TX_TIME] = { "时间", "Time" },
	[TX_ACTOR] = { "操作人", "Actor" },
	[TX_ACTION] = { "操作", "Action" },
	[TX_OBJECT] = { "对象", "Object" },
	[TX_DETAIL] = { "详情", "Detail" },
	[TX_ADDRESS] = { "地址", "Address" },
	[TX_SINCE] = { "起始日期", "From" },
	[TX_UNTIL] = { "截止日期", "To" },
	[TX_PREVIOUS] = { "上一页", "Previous" },
	[TX_NEXT] = { "下一页", "Next" },
	[TX_PAGE_OF] = { "第 %d 页，共 %d 页", "Page %d of %d" },
	[TX_NO_RESULTS] = { "没有符合条件的记录。", "Nothing matches." },
	[TX_TOTAL] = { "共 %s 条", "%s in all" },
	[TX_SCOPE_HELP] = { "学校管理员填学校标识码；中心管理员填中心代码或区划代码；教育局填区划代码；联盟填联盟代码。",
			    "School admins: the school identifier; centre admins: the centre or division code; bureau: the division code; alliance: the alliance code." },
	[TX_PASSWORD_HELP] = { "至少 8 个字符。", "At least 8 characters." },
	[TX_FOOTER] = { "广州市教育局 · 教师发展中心联盟", "Guangzhou Education Bureau · Alliance of Teacher Development Centres" },
	[TX_DOMAIN_PRINCIPALS_SPECIAL] = { "中小学校长与特殊教育", "Principals and special education" },
	[TX_DOMAIN_VOCATIONAL] = { "中职学校", "Vocational schools" },
	[TX_DOMAIN_PRIVATE] = { "民办学校", "Private schools" },
	[TX_DOMAIN_REMOTE] = { "远程培训与平台", "Remote training and the platform" },
	[TX_DOMAIN_KINDERGARTEN] = { "幼儿园", "Kindergartens" },
	[TX_DOMAIN_RESEARCH] = { "研训一体", "Research and training" },
	[TX_STAGE_KINDERGARTEN] = { "幼儿园", "Kindergarten" },
	[TX_STAGE_PRIMARY] = { "小学", "Primary" },
	[TX_STAGE_JUNIOR] = { "初级中学", "Junior secondary" },
	[TX_STAGE_SENIOR] = { "高级中学", "Senior secondary" },
	[TX_STAGE_COMPLETE] = { "完全中学", "Complete secondary" },
	[TX_STAGE_NINE_YEAR] = { "九年一贯制", "Nine-year school" },
	[TX_STAGE_VOCATIONAL] = { "中等职业学校", "Secondary vocational" },
	[TX_STAGE_SPECIAL] = { "特殊教育学校", "Special education" },
	[TX_PUBLIC] = { "公办", "Public" },
	[TX_PRIVATE] = { "民办", "Private" },
	[TX_TITLE_FULL_SENIOR] = { "正高级", "Full senior" },
	[TX_TITLE_SENIOR] = { "高级", "Senior" },
	[TX_TITLE_FIRST] = { "一级", "First grade" },
	[TX_TITLE_SECOND] = { "二级", "Second grade" },
	[TX_TITLE_THIRD] = { "三级", "Third grade" },
	[TX_TITLE_NONE] = { "未定级", "None" },
	[TX_EDU_DOCTORATE] = { "博士研究生", "Doctorate" },
	[TX_EDU_MASTER] = { "硕士研究生", "Master" },
	[TX_EDU_BACHELOR] = { "本科", "Bachelor" },
	[TX_EDU_ASSOCIATE] = { "专科", "Associate" },
	[TX_EDU_LOWER] = { "专科以下", "Below associate" },
	[TX_KEY_NONE] = { "无", "None" },
	[TX_KEY_SCHOOL] = { "校级骨干", "School" },
	[TX_KEY_DISTRICT] = { "区级骨干", "District" },
	[TX_KEY_CITY] = { "市级骨干", "City" },
	[TX_KEY_PROVINCE] = { "省级骨干", "Province" },
	[TX_KEY_NATION] = { "国家级骨干", "Nation" },
	[TX_SCHOOL_STAFF_BY_TITLE] = { "职称结构", "Staff by title" },
	[TX_KEY_TEACHERS] = { "骨干教师", "Key teachers" },
	[TX_SENIOR_SHARE] = { "高级职称占比", "Senior titles" },
	[TX_MENU] = { "菜单", "Menu" },
};

const char *text_raw(enum lang lang, enum text_id id)
{
	if (lang < 0 || lang >= LANG__MAX || id < 0 || id >= TX__MAX)
		return NULL;
	return catalogue[id][lang];
}

const char *text_get(enum lang lang, enum text_id id)
{
	const char *s = text_raw(lang, id);

	if (!s)
		s = text_raw(LANG_ZH, id);
	return s ? s : "";
}

const char *text_lang_code(enum lang lang)
{
	return lang == LANG_EN ? "en" : "zh";
}

enum lang text_lang_parse(const char *code)
{
	return code && !strcmp(code, "en") ? LANG_EN : LANG_ZH;
}

static const struct {
	const char *kind, *code;
	enum text_id id;
} enums[] = {
	{ "role", "teacher", TX_ROLE_TEACHER },
	{ "role", "school_admin", TX_ROLE_SCHOOL_ADMIN },
	{ "role", "centre_admin", TX_ROLE_CENTRE_ADMIN },
	{ "role", "alliance", TX_ROLE_ALLIANCE },
	{ "role", "evaluator", TX_ROLE_EVALUATOR },
	{ "role", "bureau", TX_ROLE_BUREAU },
	{ "role", "sysadmin", TX_ROLE_SYSADMIN },
	{ "domain", "principals_special", TX_DOMAIN_PRINCIPALS_SPECIAL },
	{ "domain", "vocational", TX_DOMAIN_VOCATIONAL },
	{ "domain", "private", TX_DOMAIN_PRIVATE },
	{ "domain", "remote", TX_DOMAIN_REMOTE },
	{ "domain", "kindergarten", TX_DOMAIN_KINDERGARTEN },
	{ "domain", "research", TX_DOMAIN_RESEARCH },
	{ "stage", "kindergarten", TX_STAGE_KINDERGARTEN },
	{ "stage", "primary", TX_STAGE_PRIMARY },
	{ "stage", "junior", TX_STAGE_JUNIOR },
	{ "stage", "senior", TX_STAGE_SENIOR },
	{ "stage", "complete", TX_STAGE_COMPLETE },
	{ "stage", "nine_year", TX_STAGE_NINE_YEAR },
	{ "stage", "vocational", TX_STAGE_VOCATIONAL },
	{ "stage", "special", TX_STAGE_SPECIAL },
	{ "ownership", "public", TX_PUBLIC },
	{ "ownership", "private", TX_PRIVATE },
	{ "title", "full_senior", TX_TITLE_FULL_SENIOR },
	{ "title", "senior", TX_TITLE_SENIOR },
	{ "title", "first", TX_TITLE_FIRST },
	{ "title", "second", TX_TITLE_SECOND },
	{ "title", "third", TX_TITLE_THIRD },
	{ "title", "none", TX_TITLE_NONE },
	{ "education", "doctorate", TX_EDU_DOCTORATE },
	{ "education", "master", TX_EDU_MASTER },
	{ "education", "bachelor", TX_EDU_BACHELOR },
	{ "education", "associate", TX_EDU_ASSOCIATE },
	{ "education", "lower", TX_EDU_LOWER },
	{ "key_level", "none", TX_KEY_NONE },
	{ "key_level", "school", TX_KEY_SCHOOL },
	{ "key_level", "district", TX_KEY_DISTRICT },
	{ "key_level", "city", TX_KEY_CITY },
	{ "key_level", "province", TX_KEY_PROVINCE },
	{ "key_level", "nation", TX_KEY_NATION },
};

const char *text_enum(enum lang lang, const char *kind, const char *code)
{
	if (!code)
		return "";
	for (size_t i = 0; i < sizeof enums / sizeof enums[0]; i++)
		if (!strcmp(enums[i].kind, kind) && !strcmp(enums[i].code, code))
			return text_get(lang, enums[i].id);
	return code;
}
