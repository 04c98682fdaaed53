/* authz.c - roles x permissions, then scope (see authz.h). */
#include "authz.h"

#include <string.h>

/* Which roles hold which permission.  Scope is checked after. */
static const unsigned role_bit[ROLE__MAX] = {
	[ROLE_TEACHER] = 1u << ROLE_TEACHER,
	[ROLE_SCHOOL_ADMIN] = 1u << ROLE_SCHOOL_ADMIN,
	[ROLE_CENTRE_ADMIN] = 1u << ROLE_CENTRE_ADMIN,
	[ROLE_ALLIANCE] = 1u << ROLE_ALLIANCE,
	[ROLE_EVALUATOR] = 1u << ROLE_EVALUATOR,
	[ROLE_BUREAU] = 1u << ROLE_BUREAU,
	[ROLE_SYSADMIN] = 1u << ROLE_SYSADMIN,
};
#define R(x) (1u << ROLE_##x)
#define ALL_ROLES (R(TEACHER) | R(SCHOOL_ADMIN) | R(CENTRE_ADMIN) | R(ALLIANCE) | \
		   R(EVALUATOR) | R(BUREAU) | R(SYSADMIN))

static const struct {
	const char *name;
	unsigned roles;
} perms[PERM__MAX] = {
	[PERM_SIGNED_IN] = { "signed_in", ALL_ROLES },
	[PERM_ACCOUNTS_MANAGE] = { "accounts.manage", R(SYSADMIN) },
	[PERM_AUDIT_READ] = { "audit.read", R(SYSADMIN) },
	/* the bureau reads everything and writes nothing (DOMAIN.md roles) */
	[PERM_REGISTRY_READ] = { "registry.read", R(TEACHER) | R(SCHOOL_ADMIN) | R(CENTRE_ADMIN) |
					      R(BUREAU) | R(SYSADMIN) },
	[PERM_REGISTRY_WRITE] = { "registry.write", R(SCHOOL_ADMIN) | R(CENTRE_ADMIN) | R(SYSADMIN) },
	[PERM_ALLIANCE_MANAGE] = { "alliance.manage", R(ALLIANCE) | R(SYSADMIN) },
	[PERM_EVALUATE] = { "evaluate", R(EVALUATOR) },
	/* regions and centres are the frame every scope hangs on: one
	 * changed code moves whole districts in or out of someone's view */
	[PERM_PLACES_MANAGE] = { "places.manage", R(SYSADMIN) },
	/* training and hours (issue 5): the bureau reads, centres run
	 * programmes and keep the ledger, schools nominate, teachers enrol */
	[PERM_TRAINING_READ] = { "training.read", R(TEACHER) | R(SCHOOL_ADMIN) | R(CENTRE_ADMIN) |
					      R(BUREAU) | R(SYSADMIN) },
	[PERM_PROGRAMMES_MANAGE] = { "programmes.manage", R(CENTRE_ADMIN) | R(SYSADMIN) },
	[PERM_ENROL] = { "enrol", R(TEACHER) | R(SCHOOL_ADMIN) | R(CENTRE_ADMIN) | R(SYSADMIN) },
	[PERM_HOURS_READ] = { "hours.read", R(TEACHER) | R(SCHOOL_ADMIN) | R(CENTRE_ADMIN) |
					    R(BUREAU) | R(SYSADMIN) },
	[PERM_HOURS_WRITE] = { "hours.write", R(CENTRE_ADMIN) | R(SYSADMIN) },
	/* issue 6: the system admin keeps the settings; schools enter
	 * appraisals and make the first review; district centres decide
	 * (教师〔2013〕9号: the county bureau's decision, made by its centre) */
	[PERM_SETTINGS_MANAGE] = { "settings.manage", R(SYSADMIN) },
	[PERM_ASSESSMENT_READ] = { "assessment.read", R(SCHOOL_ADMIN) | R(CENTRE_ADMIN) |
						    R(BUREAU) | R(SYSADMIN) },
	/* recording replaces the whole installation's year: not one centre's
	 * to do for the city */
	[PERM_ASSESSMENT_RUN] = { "assessment.run", R(SYSADMIN) },
	[PERM_APPRAISALS_WRITE] = { "appraisals.write", R(SCHOOL_ADMIN) | R(CENTRE_ADMIN) |
						       R(SYSADMIN) },
	[PERM_REGISTRATION_APPLY] = { "registration.apply", R(TEACHER) },
	[PERM_REGISTRATION_REVIEW] = { "registration.review", R(SCHOOL_ADMIN) },
	[PERM_REGISTRATION_DECIDE] = { "registration.decide", R(CENTRE_ADMIN) | R(SYSADMIN) },
	[PERM_RECOGNITION_APPLY] = { "recognition.apply", R(TEACHER) },
	[PERM_RECOGNITION_REVIEW] = { "recognition.review", R(SCHOOL_ADMIN) | R(CENTRE_ADMIN) },
	[PERM_RECOGNITION_RULES] = { "recognition.rules", R(CENTRE_ADMIN) | R(SYSADMIN) },
};

const char *authz_permission_name(enum permission perm)
{
	return perm < PERM__MAX ? perms[perm].name : "";
}

static bool eq(const char *a, const char *b)
{
	return a && b && *a && !strcmp(a, b);
}

bool authz_domain_covers(const char *domain, const char *stage, const char *ownership)
{
	if (!domain || !*domain)
		return false;
	/* 000 art. 7: each municipal centre's duties name whom it serves */
	if (!strcmp(domain, "kindergarten"))
		return eq(stage, "kindergarten");
	if (!strcmp(domain, "vocational"))
		return eq(stage, "vocational");
	if (!strcmp(domain, "private"))
		return eq(ownership, "private");
	if (!strcmp(domain, "principals_special"))
		/* principals of primary and secondary schools, special education */
		return stage && strcmp(stage, "kindergarten") && strcmp(stage, "vocational");
	/* the remote-training centre runs whole-staff training and the platform
	 * for everyone; the research-and-training centre serves every school's
	 * researchers and trainers */
	if (!strcmp(domain, "remote") || !strcmp(domain, "research"))
		return true;
	return false;
}

static bool target_is_empty(const struct authz_target *t)
{
	return !t || (!t->person_id && !(t->school_code && *t->school_code) &&
		      !(t->district_code && *t->district_code) && !(t->stage && *t->stage) &&
		      !(t->ownership && *t->ownership));
}

static bool in_scope(const struct principal *p, const struct authz_target *t)
{
	switch (p->role) {
	case ROLE_SYSADMIN:
		return true;
	case ROLE_BUREAU:
		/* a city bureau's region is the city: its districts start with
		 * the city's first four digits */
		return !t->district_code || !*p->region_code ||
		       !strncmp(t->district_code, p->region_code,
				strcmp(p->region_code + 4, "00") == 0 ? 4 : 6);
	case ROLE_TEACHER:
		return t->person_id && t->person_id == p->person_id;
	case ROLE_SCHOOL_ADMIN:
		return eq(t->school_code, p->scope);
	case ROLE_CENTRE_ADMIN:
		if (!strcmp(p->centre_kind, "district"))
			return eq(t->district_code, p->region_code);
		return authz_domain_covers(p->domain, t->stage, t->ownership);
	default:
		return false;
	}
}

bool authz_permits(const struct principal *p, enum permission perm,
		   const struct authz_target *target)
{
	if (!principal_signed_in(p) || perm >= PERM__MAX)
		return false;
	if (p->role <= ROLE_NONE || p->role >= ROLE__MAX)
		return false;
	if (!(perms[perm].roles & role_bit[p->role]))
		return false;
	if (target_is_empty(target))
		return true;
	return in_scope(p, target);
}
