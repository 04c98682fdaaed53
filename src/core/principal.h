/* principal.h - who is acting: a signed-in account with its role and its
 * scope resolved to the facts that authorisation compares against. */
#ifndef TDC_PRINCIPAL_H
#define TDC_PRINCIPAL_H

#include <stdbool.h>
#include <stdint.h>

#include "core/role.h"

struct principal {
	int64_t account_id;       /* 0: nobody signed in */
	char login[65];
	char name[129];
	enum role role;
	char scope[33];           /* as given: school code, centre code, region code */
	int64_t person_id;        /* the account's own person, 0 if none */
	char lang[3];             /* "zh" or "en" */
	/* the scope resolved (filled by account_load_principal) */
	char region_code[7];      /* school's district, district centre's or bureau's region */
	char centre_kind[12];     /* "municipal" or "district" for centre admins */
	char domain[24];          /* a municipal centre's domain (000 art. 7) */
	char scope_name[129];     /* the school's, centre's or region's name */
};

static inline bool principal_signed_in(const struct principal *p)
{
	return p && p->account_id > 0;
}

/* Who did it, for the audit log: an account, or a command-line user. */
struct actor {
	int64_t account_id;       /* 0 for the command line */
	const char *name;         /* login, or "cli:<unix user>" */
	const char *address;      /* client address, or NULL */
};

#endif
