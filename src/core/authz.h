/* authz.h - the one authorisation decision.
 *
 * Every handler asks authz_permits(principal, permission, target) before it
 * acts; the router asks it for each route's declared permission, so a
 * handler cannot forget.  The answer comes from the role (what it may do)
 * and the scope (over which schools, regions and people).
 *
 * To add a capability: add a permission below, its row in the table in
 * authz.c, and a target when it acts on a school or a person. */
#ifndef TDC_AUTHZ_H
#define TDC_AUTHZ_H

#include <stdbool.h>
#include <stdint.h>

#include "core/principal.h"

enum permission {
	PERM_SIGNED_IN = 0,   /* any signed-in account: home, /api/v1/me */
	PERM_ACCOUNTS_MANAGE, /* list, create, disable accounts, reset passwords, revoke sessions */
	PERM_AUDIT_READ,      /* read the audit log */
	PERM_REGISTRY_READ,   /* see schools and persons in scope */
	PERM_REGISTRY_WRITE,  /* change schools and persons in scope */
	PERM_ALLIANCE_MANAGE, /* the alliance's council, plans and reports */
	PERM_EVALUATE,        /* score assigned evaluations */
	PERM_PLACES_MANAGE,   /* create and change regions and centres (places.c) */
	/* training and hours (issue 5) */
	PERM_TRAINING_READ,   /* the programme catalogue and programme pages */
	PERM_PROGRAMMES_MANAGE, /* publish programmes, sessions, quotas, attendance, completion */
	PERM_ENROL,           /* enrol: oneself, a school's teachers, a centre's audience */
	PERM_HOURS_READ,      /* hours of persons in scope (a teacher: her own) */
	PERM_HOURS_WRITE,     /* manual entries, reversals, credits import */
	/* assessment, registration, recognition (issue 6) */
	PERM_SETTINGS_MANAGE, /* installation settings: the minimums, the cycle, the limits */
	PERM_ASSESSMENT_READ, /* pass rates, shortfalls and reports of persons in scope */
	PERM_ASSESSMENT_RUN,  /* record the yearly assessment */
	PERM_APPRAISALS_WRITE,/* enter yearly appraisals and events of persons in scope */
	PERM_REGISTRATION_APPLY,  /* a teacher applies for re-registration */
	PERM_REGISTRATION_REVIEW, /* a school agrees or returns its teachers' applications */
	PERM_REGISTRATION_DECIDE, /* a district centre decides, one by one or as a batch */
	PERM_RECOGNITION_APPLY,   /* a teacher applies for recognition of an activity */
	PERM_RECOGNITION_REVIEW,  /* school (first) and centre (second) approve or return */
	PERM_RECOGNITION_RULES,   /* a centre keeps its region's rules table */
	PERM__MAX
};

/* What an action touches; NULL or all-empty means no particular object. */
struct authz_target {
	int64_t person_id;         /* a person's own records */
	const char *school_code;
	const char *district_code; /* the school's district */
	const char *stage;         /* the school's stage: kindergarten, vocational ... */
	const char *ownership;     /* public, private */
};

bool authz_permits(const struct principal *p, enum permission perm,
		   const struct authz_target *target);
/* Does a municipal centre's domain (000 art. 7) cover a school of this
 * stage and ownership? */
bool authz_domain_covers(const char *domain, const char *stage, const char *ownership);
const char *authz_permission_name(enum permission perm);

#endif
