/* test_authz.c - the authorisation decision (core/authz.c).
 *
 * Which roles hold each permission (DOMAIN.md, "Who uses it": only the
 * system admin manages accounts and reads the audit log; the bureau reads
 * the registry and writes nothing); then the scope of each role against
 * targets: a teacher's own person, a school admin's school, a district
 * centre's district, a bureau's city or district, a municipal centre's
 * domain (authz_domain_covers: kindergarten, vocational, private,
 * principals_special, remote, research); and nobody signed in, or an
 * unknown role or permission, gets nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/authz.h"

static struct principal who(enum role role, const char *scope, const char *region,
			    const char *centre_kind, const char *domain)
{
	struct principal p;

	memset(&p, 0, sizeof p);
	p.account_id = 100 + role;
	snprintf(p.login, sizeof p.login, "%s", role_code(role));
	p.role = role;
	snprintf(p.scope, sizeof p.scope, "%s", scope ? scope : "");
	snprintf(p.region_code, sizeof p.region_code, "%s", region ? region : "");
	snprintf(p.centre_kind, sizeof p.centre_kind, "%s", centre_kind ? centre_kind : "");
	snprintf(p.domain, sizeof p.domain, "%s", domain ? domain : "");
	return p;
}

/* A principal of each role with a plausible scope. */
static struct principal of_role(enum role r)
{
	switch (r) {
	case ROLE_TEACHER: {
		struct principal p = who(r, NULL, "440106", NULL, NULL);

		p.person_id = 7;
		return p;
	}
	case ROLE_SCHOOL_ADMIN: return who(r, "2144060001", "440106", NULL, NULL);
	case ROLE_CENTRE_ADMIN: return who(r, "440106", "440106", "district", NULL);
	case ROLE_ALLIANCE: return who(r, "GZ-ALLIANCE", "440100", NULL, NULL);
	case ROLE_BUREAU: return who(r, "440100", "440100", NULL, NULL);
	default: return who(r, NULL, NULL, NULL, NULL);
	}
}

#define BIT(r) (1u << (r))

static void roles_per_permission(void **state)
{
	static const struct { enum permission perm; unsigned roles; } table[] = {
		{ PERM_SIGNED_IN, BIT(ROLE_TEACHER) | BIT(ROLE_SCHOOL_ADMIN) | BIT(ROLE_CENTRE_ADMIN) |
				  BIT(ROLE_ALLIANCE) | BIT(ROLE_EVALUATOR) | BIT(ROLE_BUREAU) |
				  BIT(ROLE_SYSADMIN) },
		{ PERM_ACCOUNTS_MANAGE, BIT(ROLE_SYSADMIN) },
		{ PERM_AUDIT_READ, BIT(ROLE_SYSADMIN) },
		{ PERM_REGISTRY_READ, BIT(ROLE_TEACHER) | BIT(ROLE_SCHOOL_ADMIN) | BIT(ROLE_CENTRE_ADMIN) |
				      BIT(ROLE_BUREAU) | BIT(ROLE_SYSADMIN) },
		{ PERM_REGISTRY_WRITE, BIT(ROLE_SCHOOL_ADMIN) | BIT(ROLE_CENTRE_ADMIN) | BIT(ROLE_SYSADMIN) },
		{ PERM_ALLIANCE_MANAGE, BIT(ROLE_ALLIANCE) | BIT(ROLE_SYSADMIN) },
		{ PERM_EVALUATE, BIT(ROLE_EVALUATOR) },
		{ PERM_PLACES_MANAGE, BIT(ROLE_SYSADMIN) },
		{ PERM_TRAINING_READ, BIT(ROLE_TEACHER) | BIT(ROLE_SCHOOL_ADMIN) | BIT(ROLE_CENTRE_ADMIN) |
				      BIT(ROLE_BUREAU) | BIT(ROLE_SYSADMIN) },
		{ PERM_PROGRAMMES_MANAGE, BIT(ROLE_CENTRE_ADMIN) | BIT(ROLE_SYSADMIN) },
		{ PERM_ENROL, BIT(ROLE_TEACHER) | BIT(ROLE_SCHOOL_ADMIN) | BIT(ROLE_CENTRE_ADMIN) |
			      BIT(ROLE_SYSADMIN) },
		{ PERM_HOURS_READ, BIT(ROLE_TEACHER) | BIT(ROLE_SCHOOL_ADMIN) | BIT(ROLE_CENTRE_ADMIN) |
				   BIT(ROLE_BUREAU) | BIT(ROLE_SYSADMIN) },
		{ PERM_HOURS_WRITE, BIT(ROLE_CENTRE_ADMIN) | BIT(ROLE_SYSADMIN) },
		{ PERM_SETTINGS_MANAGE, BIT(ROLE_SYSADMIN) },
		{ PERM_ASSESSMENT_READ, BIT(ROLE_SCHOOL_ADMIN) | BIT(ROLE_CENTRE_ADMIN) |
					BIT(ROLE_BUREAU) | BIT(ROLE_SYSADMIN) },
		{ PERM_ASSESSMENT_RUN, BIT(ROLE_SYSADMIN) },
		{ PERM_APPRAISALS_WRITE, BIT(ROLE_SCHOOL_ADMIN) | BIT(ROLE_CENTRE_ADMIN) |
					 BIT(ROLE_SYSADMIN) },
		{ PERM_REGISTRATION_APPLY, BIT(ROLE_TEACHER) },
		{ PERM_REGISTRATION_REVIEW, BIT(ROLE_SCHOOL_ADMIN) },
		{ PERM_REGISTRATION_DECIDE, BIT(ROLE_CENTRE_ADMIN) | BIT(ROLE_SYSADMIN) },
		{ PERM_RECOGNITION_APPLY, BIT(ROLE_TEACHER) },
		{ PERM_RECOGNITION_REVIEW, BIT(ROLE_SCHOOL_ADMIN) | BIT(ROLE_CENTRE_ADMIN) },
		{ PERM_RECOGNITION_RULES, BIT(ROLE_CENTRE_ADMIN) | BIT(ROLE_SYSADMIN) },
	};

	assert_int_equal(sizeof table / sizeof table[0], PERM__MAX);
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
		for (int r = ROLE_NONE + 1; r < ROLE__MAX; r++) {
			struct principal p = of_role((enum role)r);
			bool want = (table[i].roles & BIT(r)) != 0;

			if (authz_permits(&p, table[i].perm, NULL) != want)
				fail_msg("%s %s '%s'", role_code((enum role)r), want ? "lacks" : "has",
					 authz_permission_name(table[i].perm));
		}
	}
}

static void bureau_reads_but_never_writes(void **state)
{
	struct principal p = of_role(ROLE_BUREAU);
	struct authz_target inside = { .school_code = "2144060001", .district_code = "440106",
				       .stage = "primary", .ownership = "public" };

	assert_true(authz_permits(&p, PERM_REGISTRY_READ, &inside));
	assert_false(authz_permits(&p, PERM_REGISTRY_WRITE, &inside));
	assert_false(authz_permits(&p, PERM_REGISTRY_WRITE, NULL));
	assert_false(authz_permits(&p, PERM_ACCOUNTS_MANAGE, NULL));
	assert_false(authz_permits(&p, PERM_AUDIT_READ, NULL));
}

static void nobody_gets_nothing(void **state)
{
	struct principal p = of_role(ROLE_SYSADMIN);
	struct authz_target t = { .person_id = 7 };

	p.account_id = 0;
	for (int perm = 0; perm < PERM__MAX; perm++) {
		assert_false(authz_permits(&p, (enum permission)perm, NULL));
		assert_false(authz_permits(&p, (enum permission)perm, &t));
	}
	assert_false(authz_permits(NULL, PERM_SIGNED_IN, NULL));
	/* a signed-in account with no known role, or an unknown permission */
	p = of_role(ROLE_SYSADMIN);
	p.role = ROLE_NONE;
	assert_false(authz_permits(&p, PERM_SIGNED_IN, NULL));
	p.role = ROLE__MAX;
	assert_false(authz_permits(&p, PERM_SIGNED_IN, NULL));
	p = of_role(ROLE_SYSADMIN);
	assert_false(authz_permits(&p, PERM__MAX, NULL));
	assert_string_equal(authz_permission_name(PERM__MAX), "");
	assert_string_equal(authz_permission_name(PERM_ACCOUNTS_MANAGE), "accounts.manage");
}

static void sysadmin_everywhere(void **state)
{
	struct principal p = of_role(ROLE_SYSADMIN);
	struct authz_target far = { .person_id = 99, .school_code = "3644030001",
				    .district_code = "440305", .stage = "vocational",
				    .ownership = "private" };

	assert_true(authz_permits(&p, PERM_REGISTRY_READ, &far));
	assert_true(authz_permits(&p, PERM_REGISTRY_WRITE, &far));
}

static void teacher_sees_only_self(void **state)
{
	struct principal p = of_role(ROLE_TEACHER);
	struct authz_target self = { .person_id = 7, .school_code = "2144060001",
				     .district_code = "440106" };
	struct authz_target other = { .person_id = 8, .school_code = "2144060001",
				      .district_code = "440106" };
	struct authz_target school = { .school_code = "2144060001", .district_code = "440106" };

	assert_true(authz_permits(&p, PERM_REGISTRY_READ, &self));
	assert_false(authz_permits(&p, PERM_REGISTRY_READ, &other));
	assert_false(authz_permits(&p, PERM_REGISTRY_READ, &school));
	assert_false(authz_permits(&p, PERM_REGISTRY_WRITE, &self)); /* reads only */
	/* a teacher account without a person sees no person, not every one
	 * that lacks a person id */
	p.person_id = 0;
	assert_false(authz_permits(&p, PERM_REGISTRY_READ, &self));
	assert_false(authz_permits(&p, PERM_REGISTRY_READ, &school));
}

static void school_admin_only_its_school(void **state)
{
	struct principal p = of_role(ROLE_SCHOOL_ADMIN);
	struct authz_target mine = { .school_code = "2144060001", .district_code = "440106" };
	struct authz_target person_at_mine = { .person_id = 55, .school_code = "2144060001" };
	struct authz_target neighbour = { .school_code = "2144060002", .district_code = "440106" };
	struct authz_target district = { .district_code = "440106" };
	struct authz_target person_only = { .person_id = 55 };

	assert_true(authz_permits(&p, PERM_REGISTRY_READ, &mine));
	assert_true(authz_permits(&p, PERM_REGISTRY_WRITE, &mine));
	assert_true(authz_permits(&p, PERM_REGISTRY_WRITE, &person_at_mine));
	assert_false(authz_permits(&p, PERM_REGISTRY_READ, &neighbour));
	assert_false(authz_permits(&p, PERM_REGISTRY_READ, &district));
	assert_false(authz_permits(&p, PERM_REGISTRY_READ, &person_only));
	/* an empty scope matches no school, not the empty code */
	p.scope[0] = '\0';
	{
		struct authz_target empty_code = { .person_id = 1, .school_code = "" };

		assert_false(authz_permits(&p, PERM_REGISTRY_READ, &empty_code));
	}
}

static void district_centre_only_its_district(void **state)
{
	struct principal p = of_role(ROLE_CENTRE_ADMIN);
	struct authz_target in = { .school_code = "2144060001", .district_code = "440106",
				   .stage = "kindergarten", .ownership = "private" };
	struct authz_target out = { .school_code = "2144040001", .district_code = "440104",
				    .stage = "primary", .ownership = "public" };
	struct authz_target no_district = { .school_code = "2144060001" };

	assert_true(authz_permits(&p, PERM_REGISTRY_READ, &in));
	assert_true(authz_permits(&p, PERM_REGISTRY_WRITE, &in));
	assert_false(authz_permits(&p, PERM_REGISTRY_READ, &out));
	assert_false(authz_permits(&p, PERM_REGISTRY_WRITE, &out));
	assert_false(authz_permits(&p, PERM_REGISTRY_READ, &no_district));
}

static void bureau_city_and_district(void **state)
{
	struct principal city = of_role(ROLE_BUREAU);
	struct principal district = who(ROLE_BUREAU, "440106", "440106", NULL, NULL);
	struct authz_target tianhe = { .school_code = "2144060001", .district_code = "440106" };
	struct authz_target yuexiu = { .school_code = "2144040001", .district_code = "440104" };
	struct authz_target shenzhen = { .school_code = "2144030001", .district_code = "440305" };

	assert_true(authz_permits(&city, PERM_REGISTRY_READ, &tianhe));
	assert_true(authz_permits(&city, PERM_REGISTRY_READ, &yuexiu));
	assert_false(authz_permits(&city, PERM_REGISTRY_READ, &shenzhen));
	assert_true(authz_permits(&district, PERM_REGISTRY_READ, &tianhe));
	assert_false(authz_permits(&district, PERM_REGISTRY_READ, &yuexiu));
}

static struct principal municipal(const char *domain)
{
	return who(ROLE_CENTRE_ADMIN, "GZ", "440100", "municipal", domain);
}

static void municipal_centre_by_domain(void **state)
{
	struct principal kg = municipal("kindergarten");
	struct principal voc = municipal("vocational");
	struct principal priv = municipal("private");
	struct principal ps = municipal("principals_special");
	struct authz_target kindergarten = { .school_code = "1144060001", .district_code = "440106",
					     .stage = "kindergarten", .ownership = "public" };
	struct authz_target primary = { .school_code = "2144060001", .district_code = "440106",
					.stage = "primary", .ownership = "public" };
	struct authz_target private_primary = { .school_code = "2144060009", .district_code = "440104",
						.stage = "primary", .ownership = "private" };
	struct authz_target vocational = { .school_code = "3644060001", .district_code = "440106",
					   .stage = "vocational", .ownership = "public" };

	assert_true(authz_permits(&kg, PERM_REGISTRY_READ, &kindergarten));
	assert_false(authz_permits(&kg, PERM_REGISTRY_READ, &primary));
	assert_false(authz_permits(&kg, PERM_REGISTRY_READ, &vocational));
	assert_true(authz_permits(&voc, PERM_REGISTRY_READ, &vocational));
	assert_false(authz_permits(&voc, PERM_REGISTRY_READ, &primary));
	assert_true(authz_permits(&priv, PERM_REGISTRY_READ, &private_primary));
	assert_false(authz_permits(&priv, PERM_REGISTRY_READ, &primary));
	assert_true(authz_permits(&ps, PERM_REGISTRY_READ, &primary));
	assert_true(authz_permits(&ps, PERM_REGISTRY_READ, &private_primary));
	assert_false(authz_permits(&ps, PERM_REGISTRY_READ, &kindergarten));
	assert_false(authz_permits(&ps, PERM_REGISTRY_READ, &vocational));
	/* a municipal centre is not limited to one district */
	assert_true(authz_permits(&kg, PERM_REGISTRY_READ,
				  &(struct authz_target){ .school_code = "1144040001",
							  .district_code = "440104",
							  .stage = "kindergarten",
							  .ownership = "private" }));
}

static void municipal_domain_holds_without_a_school(void **state)
{
	/* authz.h: only a NULL or all-empty target means "no particular
	 * object".  A target naming just a stage (or an ownership), e.g.
	 * "may I list vocational schools?", is particular: a kindergarten
	 * centre must be refused it. */
	struct principal kg = municipal("kindergarten");
	struct principal priv = municipal("private");
	struct authz_target vocational = { .stage = "vocational" };
	struct authz_target kindergartens = { .stage = "kindergarten" };
	struct authz_target public_schools = { .ownership = "public" };

	assert_true(authz_permits(&kg, PERM_REGISTRY_READ, &kindergartens));
	assert_false(authz_permits(&kg, PERM_REGISTRY_READ, &vocational));
	assert_false(authz_permits(&priv, PERM_REGISTRY_READ, &public_schools));
}

static void alliance_and_evaluator_have_no_registry_scope(void **state)
{
	struct principal al = of_role(ROLE_ALLIANCE), ev = of_role(ROLE_EVALUATOR);
	struct authz_target school = { .school_code = "2144060001", .district_code = "440106" };

	assert_true(authz_permits(&al, PERM_ALLIANCE_MANAGE, NULL));
	assert_false(authz_permits(&al, PERM_REGISTRY_READ, &school));
	assert_false(authz_permits(&ev, PERM_REGISTRY_READ, &school));
	assert_true(authz_permits(&ev, PERM_EVALUATE, NULL));
}

static void domain_covers(void **state)
{
	static const char *const stages[] = {
		"kindergarten", "primary", "junior", "senior", "complete", "nine_year", "vocational", "special",
	};

	for (size_t i = 0; i < sizeof stages / sizeof stages[0]; i++) {
		const char *s = stages[i];
		bool kg = !strcmp(s, "kindergarten"), voc = !strcmp(s, "vocational");

		for (int own = 0; own < 2; own++) {
			const char *o = own ? "private" : "public";

			assert_int_equal(authz_domain_covers("kindergarten", s, o), kg);
			assert_int_equal(authz_domain_covers("vocational", s, o), voc);
			assert_int_equal(authz_domain_covers("private", s, o), own == 1);
			assert_int_equal(authz_domain_covers("principals_special", s, o), !kg && !voc);
			assert_true(authz_domain_covers("remote", s, o));
			assert_true(authz_domain_covers("research", s, o));
			assert_false(authz_domain_covers("", s, o));
			assert_false(authz_domain_covers(NULL, s, o));
			assert_false(authz_domain_covers("martian", s, o));
			assert_false(authz_domain_covers("Kindergarten", s, o));
		}
	}
	assert_false(authz_domain_covers("kindergarten", NULL, NULL));
	assert_false(authz_domain_covers("private", "primary", NULL));
	assert_false(authz_domain_covers("principals_special", NULL, "public"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(roles_per_permission),
		cmocka_unit_test(bureau_reads_but_never_writes),
		cmocka_unit_test(nobody_gets_nothing),
		cmocka_unit_test(sysadmin_everywhere),
		cmocka_unit_test(teacher_sees_only_self),
		cmocka_unit_test(school_admin_only_its_school),
		cmocka_unit_test(district_centre_only_its_district),
		cmocka_unit_test(bureau_city_and_district),
		cmocka_unit_test(municipal_centre_by_domain),
		cmocka_unit_test(municipal_domain_holds_without_a_school),
		cmocka_unit_test(alliance_and_evaluator_have_no_registry_scope),
		cmocka_unit_test(domain_covers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
