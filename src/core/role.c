/* role.c - role codes and their scope kinds (see role.h). */
#include "role.h"

#include <string.h>

static const struct {
	const char *code;
	enum scope_kind scope;
} roles[ROLE__MAX] = {
	[ROLE_NONE] = { "", SCOPE_NONE },
	[ROLE_TEACHER] = { "teacher", SCOPE_PERSON },
	[ROLE_SCHOOL_ADMIN] = { "school_admin", SCOPE_SCHOOL },
	[ROLE_CENTRE_ADMIN] = { "centre_admin", SCOPE_CENTRE },
	[ROLE_ALLIANCE] = { "alliance", SCOPE_ALLIANCE },
	[ROLE_EVALUATOR] = { "evaluator", SCOPE_NONE },
	[ROLE_BUREAU] = { "bureau", SCOPE_REGION },
	[ROLE_SYSADMIN] = { "sysadmin", SCOPE_NONE },
};

const char *role_code(enum role r)
{
	return r > ROLE_NONE && r < ROLE__MAX ? roles[r].code : "";
}

enum role role_parse(const char *code)
{
	if (!code)
		return ROLE_NONE;
	for (int r = ROLE_NONE + 1; r < ROLE__MAX; r++)
		if (!strcmp(code, roles[r].code))
			return (enum role)r;
	return ROLE_NONE;
}

enum scope_kind role_scope_kind(enum role r)
{
	return r > ROLE_NONE && r < ROLE__MAX ? roles[r].scope : SCOPE_NONE;
}

const char *role_list(void)
{
	return "teacher, school_admin, centre_admin, alliance, evaluator, bureau, sysadmin";
}
