/* role.h - the roles of DOMAIN.md ("Who uses it") and the scope each takes. */
#ifndef TDC_ROLE_H
#define TDC_ROLE_H

enum role {
	ROLE_NONE = 0,
	ROLE_TEACHER,      /* own records */
	ROLE_SCHOOL_ADMIN, /* one school: scope is a 10-digit school code */
	ROLE_CENTRE_ADMIN, /* a centre: its region, or a municipal centre's domain */
	ROLE_ALLIANCE,     /* the alliance secretariat (000 art. 6-7) */
	ROLE_EVALUATOR,    /* evaluations assigned to them */
	ROLE_BUREAU,       /* everything in its region, read-only */
	ROLE_SYSADMIN,     /* everything: users, roles, settings, backups */
	ROLE__MAX
};

enum scope_kind { SCOPE_NONE, SCOPE_PERSON, SCOPE_SCHOOL, SCOPE_CENTRE, SCOPE_ALLIANCE, SCOPE_REGION };

const char *role_code(enum role r);          /* "school_admin" */
enum role role_parse(const char *code);      /* ROLE_NONE when unknown */
enum scope_kind role_scope_kind(enum role r);
const char *role_list(void);                 /* "teacher, school_admin, ..." for messages */

#endif
