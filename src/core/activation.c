/* activation.c - one-time activation codes (see activation.h). */
#include "activation.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/account.h"
#include "core/audit.h"
#include "core/session.h"
#include "core/settings.h"
#include "lib/clock.h"
#include "lib/secret.h"
#include "store/store.h"

/* ---- the code's form ------------------------------------------------------ */

/* 2-9 and A-Z without I, L, O: nothing a reader can take for another
 * symbol, and 0, 1 are gone with O, I, L.  31 symbols, 12 of them: 59.4 bits. */
static const char ALPHABET[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

void activation_code_new(char out[ACTIVATION_CODE_LEN + 1])
{
	int o = 0;

	for (int i = 0; i < ACTIVATION_SYMBOLS; i++) {
		if (i && i % 4 == 0)
			out[o++] = '-';
		out[o++] = ALPHABET[randombytes_uniform(sizeof ALPHABET - 1)];
	}
	out[o] = '\0';
}

/* The byte length of a separator at s (space, tab, dash, and what a
 * Chinese input method types for them), or 0. */
static size_t separator_at(const unsigned char *s)
{
	if (*s == ' ' || *s == '\t' || *s == '-')
		return 1;
	if (s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80) /* U+3000 ideographic space */
		return 3;
	if (s[0] == 0xEF && s[1] == 0xBC && s[2] == 0x8D) /* U+FF0D full-width hyphen */
		return 3;
	if (s[0] == 0xE2 && s[1] == 0x80 && s[2] >= 0x90 && s[2] <= 0x95) /* U+2010..2015 dashes */
		return 3;
	return 0;
}

int activation_code_normalise(const char *typed, char out[ACTIVATION_SYMBOLS + 1])
{
	const unsigned char *s = (const unsigned char *)(typed ? typed : "");
	int n = 0;

	while (*s) {
		size_t sep = separator_at(s);
		int c;

		if (sep) {
			s += sep;
			continue;
		}
		if (*s < 0x80) {
			c = *s++;
		} else if (s[0] == 0xEF && s[1] == 0xBC && s[2] >= 0x90 && s[2] <= 0xBF) {
			c = '0' + (s[2] - 0x90); /* U+FF10..FF3F: full-width digits, A-Z */
			s += 3;
		} else if (s[0] == 0xEF && s[1] == 0xBD && s[2] >= 0x81 && s[2] <= 0x9A) {
			c = 'a' + (s[2] - 0x81); /* U+FF41..FF5A: full-width a-z */
			s += 3;
		} else {
			return -1;
		}
		c = toupper(c);
		if (!c || !strchr(ALPHABET, c) || n == ACTIVATION_SYMBOLS)
			return -1;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return n == ACTIVATION_SYMBOLS ? 0 : -1;
}

/* The stored form: a keyed hash of the person and the code's symbols. */
static void code_hash(const unsigned char key[32], int64_t person_id,
		      const char symbols[ACTIVATION_SYMBOLS + 1], unsigned char out[TOKEN_HASH_BYTES])
{
	char msg[64], hex[2 * TOKEN_HASH_BYTES + 1];

	snprintf(msg, sizeof msg, "activation:%lld:%s", (long long)person_id, symbols);
	secret_mac_hex(key, 32, msg, hex);
	sodium_hex2bin(out, TOKEN_HASH_BYTES, hex, strlen(hex), NULL, NULL, NULL);
	sodium_memzero(msg, sizeof msg);
}

/* ---- scopes ---------------------------------------------------------------- */

static const char SQL_SCOPE_CENTRE[] =
	"SELECT code, name, kind, region_code, coalesce(domain, '') FROM centres WHERE code = ?";
static const char SQL_SCOPE_SCHOOL[] = "SELECT code, name FROM schools WHERE code = ?";
static const char SQL_SCOPE_REGION[] = "SELECT code, name, level FROM regions WHERE code = ?";

static void copy(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

int activation_scope_parse(struct store *s, const char *code, struct activation_scope *out,
			   struct err *err)
{
	struct registry_scope *sc = &out->sc;
	struct stmt *st;
	int rc;

	memset(out, 0, sizeof *out);
	if (!code || !*code || strlen(code) >= sizeof out->code)
		goto unknown;
	copy(out->code, sizeof out->code, code);

	/* a centre first: a district centre's code is also its district's,
	 * and as a centre it brings its own staff along */
	if (store_prepare(s, SQL_SCOPE_CENTRE, &st) < 0)
		goto fail_db;
	stmt_bind_text(st, 1, code);
	if ((rc = stmt_step(st)) == STORE_ROW) {
		copy(out->centre, sizeof out->centre, stmt_text(st, 0));
		copy(out->name, sizeof out->name, stmt_text(st, 1));
		if (!strcmp(stmt_text(st, 2), "district")) {
			copy(out->district, sizeof out->district, stmt_text(st, 3));
			sc->district_code = out->district;
		} else {
			copy(out->domain, sizeof out->domain, stmt_text(st, 4));
			sc->domain = out->domain;
		}
		sc->centre_code = out->centre;
	}
	stmt_done(st);
	if (rc == STORE_ROW)
		return 0;
	if (rc < 0)
		goto fail_db;

	if (store_prepare(s, SQL_SCOPE_SCHOOL, &st) < 0)
		goto fail_db;
	stmt_bind_text(st, 1, code);
	if ((rc = stmt_step(st)) == STORE_ROW) {
		copy(out->school, sizeof out->school, stmt_text(st, 0));
		copy(out->name, sizeof out->name, stmt_text(st, 1));
		sc->school_code = out->school;
	}
	stmt_done(st);
	if (rc == STORE_ROW)
		return 0;
	if (rc < 0)
		goto fail_db;

	if (store_prepare(s, SQL_SCOPE_REGION, &st) < 0)
		goto fail_db;
	stmt_bind_text(st, 1, code);
	if ((rc = stmt_step(st)) == STORE_ROW) {
		const char *level = stmt_text(st, 2);

		copy(out->name, sizeof out->name, stmt_text(st, 1));
		if (!strcmp(level, "district")) {
			copy(out->district, sizeof out->district, stmt_text(st, 0));
			sc->district_code = out->district;
		} else {
			/* a city's districts share its first four digits, a
			 * province's its first two */
			snprintf(sc->prefix_buf, sizeof sc->prefix_buf, "%.*s",
				 !strcmp(level, "city") ? 4 : 2, stmt_text(st, 0));
			sc->region_prefix = sc->prefix_buf;
		}
	}
	stmt_done(st);
	if (rc == STORE_ROW)
		return 0;
	if (rc < 0)
		goto fail_db;
unknown:
	err_field(err, ERR_NOT_FOUND, "scope",
		  "no school, centre or region '%s': give a 10-digit school identifier, a centre code or a division code",
		  code ? code : "");
	return -1;
fail_db:
	err_set(err, ERR_IO, "database error: %s", store_errmsg(s));
	return -1;
}

void activation_scope_of(const struct principal *p, struct activation_scope *out)
{
	struct registry_scope *sc = &out->sc;

	memset(out, 0, sizeof *out);
	registry_scope_of(p, sc);
	/* own copies, so the scope does not lean on the principal */
	if (sc->school_code) {
		copy(out->school, sizeof out->school, sc->school_code);
		sc->school_code = out->school;
	}
	if (sc->district_code) {
		copy(out->district, sizeof out->district, sc->district_code);
		sc->district_code = out->district;
	}
	if (sc->domain) {
		copy(out->domain, sizeof out->domain, sc->domain);
		sc->domain = out->domain;
	}
	if (sc->centre_code) {
		copy(out->centre, sizeof out->centre, sc->centre_code);
		sc->centre_code = out->centre;
	}
	if (sc->region_prefix)
		sc->region_prefix = sc->prefix_buf;
	copy(out->code, sizeof out->code, p && *p->scope ? p->scope : "all");
	copy(out->name, sizeof out->name, p ? p->scope_name : "");
}

int activation_scope_narrow(struct store *s, struct activation_scope *as, const char *school_code,
			    struct err *err)
{
	struct arena a;
	struct school_rec r;
	int rc;

	arena_init(&a);
	rc = registry_school_get(s, &a, school_code ? school_code : "", &r);
	if (rc == STORE_ENOTFOUND) {
		err_field(err, ERR_NOT_FOUND, "school", "no school '%s'", school_code ? school_code : "");
		goto fail;
	}
	if (rc < 0) {
		err_set(err, ERR_IO, "database error: %s", store_errmsg(s));
		goto fail;
	}
	if (!registry_scope_covers_school(&as->sc, r.code, r.district_code, r.stage, r.ownership)) {
		err_field(err, ERR_FORBIDDEN, "school", "school '%s' is outside your scope", r.code);
		goto fail;
	}
	memset(&as->sc, 0, sizeof as->sc);
	as->district[0] = as->domain[0] = as->centre[0] = '\0';
	copy(as->school, sizeof as->school, r.code);
	as->sc.school_code = as->school;
	copy(as->code, sizeof as->code, r.code);
	copy(as->name, sizeof as->name, r.name);
	arena_release(&a);
	return 0;
fail:
	arena_release(&a);
	return -1;
}

/* ---- who has an account ------------------------------------------------- */

/* Persons with an active teacher account, sorted: one query, then a binary
 * search per person, rather than a query per person. */
static const char SQL_ACTIVE_PERSONS[] =
	"SELECT DISTINCT person_id FROM accounts WHERE role = 'teacher' AND disabled = 0"
	" AND person_id IS NOT NULL AND coalesce(password_hash, '') <> '' ORDER BY person_id";

struct id_set {
	int64_t *ids;
	size_t n;
};

static int active_persons(struct store *s, struct id_set *set)
{
	struct stmt *st;
	size_t cap = 0;
	int rc;

	set->ids = NULL;
	set->n = 0;
	if (store_prepare(s, SQL_ACTIVE_PERSONS, &st) < 0)
		return -1;
	while ((rc = stmt_step(st)) == STORE_ROW) {
		if (set->n == cap) {
			size_t bigger = cap ? cap * 2 : 256;
			int64_t *ids = realloc(set->ids, bigger * sizeof *ids);

			if (!ids) {
				rc = STORE_ERROR;
				break;
			}
			set->ids = ids;
			cap = bigger;
		}
		set->ids[set->n++] = stmt_int(st, 0);
	}
	stmt_done(st);
	if (rc < 0) {
		free(set->ids);
		set->ids = NULL;
		return -1;
	}
	return 0;
}

static bool id_set_has(const struct id_set *set, int64_t id)
{
	size_t lo = 0, hi = set->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (set->ids[mid] == id)
			return true;
		if (set->ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

struct counting {
	const struct id_set *active;
	struct activation_counts *out;
};

static int count_one(const struct person_rec *r, void *ctx)
{
	struct counting *c = ctx;

	c->out->serving++;
	if (id_set_has(c->active, r->id))
		c->out->active++;
	return 0;
}

int activation_count(struct store *s, const struct registry_scope *sc, struct activation_counts *out)
{
	struct person_filter f = { .status = "serving" };
	struct id_set active;
	struct counting c = { &active, out };
	int rc;

	memset(out, 0, sizeof *out);
	if (active_persons(s, &active) < 0)
		return -1;
	rc = registry_persons_each(s, sc, &f, count_one, &c);
	free(active.ids);
	return rc < 0 ? -1 : 0;
}

/* ---- issuing ---------------------------------------------------------------- */

static const char SQL_END_OLD[] =
	"UPDATE activation_codes SET expires_at = ? WHERE person_id = ? AND used_at IS NULL"
	" AND expires_at > ?";
static const char SQL_INSERT_CODE[] =
	"INSERT INTO activation_codes (person_id, code_hash, issued_at, expires_at, issued_by)"
	" VALUES (?, ?, ?, ?, ?)";

struct collecting {
	struct arena *a;
	const struct id_set *active;
	bool all;
	struct activation_card *cards;
	int n, cap, skipped, max;
	bool oom, too_many;
};

static int collect_one(const struct person_rec *r, void *ctx)
{
	struct collecting *c = ctx;
	struct activation_card *card;
	bool renewed = id_set_has(c->active, r->id);

	if (renewed && !c->all) {
		c->skipped++;
		return 0;
	}
	if (c->max && c->n == c->max) {
		c->too_many = true;
		c->n++; /* counted on, for the message */
		return 0;
	}
	if (c->too_many) {
		c->n++;
		return 0;
	}
	if (c->n == c->cap) {
		int cap = c->cap ? c->cap * 2 : 64;
		struct activation_card *bigger = arena_alloc(c->a, sizeof *bigger * (size_t)cap);

		if (!bigger) {
			c->oom = true;
			return 1;
		}
		if (c->n)
			memcpy(bigger, c->cards, sizeof *bigger * (size_t)c->n);
		c->cards = bigger;
		c->cap = cap;
	}
	card = &c->cards[c->n++];
	memset(card, 0, sizeof *card);
	card->person_id = r->id;
	card->place = arena_strdup(c->a, r->school_name ? r->school_name :
					 r->centre_name ? r->centre_name : "");
	card->name = arena_strdup(c->a, r->name ? r->name : "");
	idcard_mask(r->id_number ? r->id_number : "", card->id_masked);
	card->renewed = renewed;
	if (!card->place || !card->name) {
		c->oom = true;
		return 1;
	}
	return 0;
}

static int by_place(const void *x, const void *y)
{
	const struct activation_card *a = x, *b = y;
	int c = strcmp(a->place, b->place);

	if (c)
		return c;
	return a->person_id < b->person_id ? -1 : a->person_id > b->person_id;
}

/* The last valid day, and the moment the code stops: 00:00 UTC after it. */
static void expiry(time_t now, char on[11], char at[ISO_TIME_LEN])
{
	time_t day = now - now % 86400;
	char iso[ISO_TIME_LEN];

	clock_iso(day + (time_t)ACTIVATION_VALID_DAYS * 86400, iso);
	snprintf(on, 11, "%.10s", iso);
	clock_iso(day + (time_t)(ACTIVATION_VALID_DAYS + 1) * 86400, at);
}

int activation_issue(struct store *s, struct arena *a, const struct activation_scope *scope,
		     const struct activation_issue_opts *o, const struct actor *who,
		     struct activation_batch *out, struct err *err)
{
	struct person_filter f = { .status = "serving" };
	struct id_set active = { 0 };
	struct collecting c = { .a = a, .active = &active, .all = o->all, .max = o->max };
	unsigned char key[32];
	char now[ISO_TIME_LEN], expires_at[ISO_TIME_LEN], object[48], detail[32];
	struct stmt *st;

	memset(out, 0, sizeof *out);
	out->scope = scope;
	expiry(o->now, out->expires_on, expires_at);
	clock_iso(o->now, now);
	if (store_begin(s, STORE_WRITE) < 0)
		goto fail_db;
	if (settings_server_secret(s, key) < 0 || active_persons(s, &active) < 0)
		goto fail_db;
	if (registry_persons_each(s, &scope->sc, &f, collect_one, &c) < 0)
		goto fail_db;
	if (c.oom) {
		err_set(err, ERR_INTERNAL, "out of memory collecting the persons of '%s'", scope->code);
		goto fail;
	}
	out->skipped = c.skipped;
	if (c.too_many) {
		err_set(err, ERR_CONFLICT, "%d persons need a code in '%s', more than the %d one batch may hold",
			c.n, scope->code, o->max);
		goto fail;
	}
	if (c.n == 0) {
		/* nothing to issue, nothing to record */
		sodium_memzero(key, sizeof key);
		free(active.ids);
		store_rollback(s);
		return 0;
	}
	qsort(c.cards, (size_t)c.n, sizeof *c.cards, by_place);
	for (int i = 0; i < c.n; i++) {
		struct activation_card *card = &c.cards[i];
		unsigned char hash[TOKEN_HASH_BYTES];
		char symbols[ACTIVATION_SYMBOLS + 1];
		int rc;

		if (store_prepare(s, SQL_END_OLD, &st) < 0)
			goto fail_db;
		stmt_bind_text(st, 1, now);
		stmt_bind_int(st, 2, card->person_id);
		stmt_bind_text(st, 3, now);
		if (stmt_run(st) < 0)
			goto fail_db;
		/* a second draw only if two of 2^59 codes ever collide for one person */
		for (int attempt = 0;; attempt++) {
			activation_code_new(card->code);
			activation_code_normalise(card->code, symbols);
			code_hash(key, card->person_id, symbols, hash);
			if (store_prepare(s, SQL_INSERT_CODE, &st) < 0)
				goto fail_db;
			stmt_bind_int(st, 1, card->person_id);
			stmt_bind_blob(st, 2, hash, sizeof hash);
			stmt_bind_text(st, 3, now);
			stmt_bind_text(st, 4, expires_at);
			stmt_bind_text(st, 5, who && who->name ? who->name : "system");
			rc = stmt_run(st);
			if (rc != STORE_ECONSTRAINT || attempt == 2)
				break;
		}
		sodium_memzero(symbols, sizeof symbols);
		if (rc < 0)
			goto fail_db;
	}
	out->cards = c.cards;
	out->n = c.n;
	snprintf(object, sizeof object, "scope:%s", scope->code);
	snprintf(detail, sizeof detail, "%d codes", c.n);
	if (audit_record(s, who, "activation.issue", object, detail) < 0)
		goto fail_db;
	if (o->deliver && o->deliver(out, o->ctx, err) < 0)
		goto fail;
	if (store_commit(s) < 0)
		goto fail_db;
	sodium_memzero(key, sizeof key);
	free(active.ids);
	return 0;
fail_db:
	err_set(err, ERR_IO, "database error: %s", store_errmsg(s));
fail:
	sodium_memzero(key, sizeof key);
	free(active.ids);
	store_rollback(s);
	/* the codes were never issued: let nobody print them */
	for (int i = 0; i < c.n && i < c.cap; i++)
		sodium_memzero(c.cards[i].code, sizeof c.cards[i].code);
	memset(out, 0, sizeof *out);
	return -1;
}

/* ---- redeeming -------------------------------------------------------------- */

static const char SQL_PERSON[] = "SELECT id, name, status FROM persons WHERE id_number = ?";
static const char SQL_FIND_CODE[] =
	"SELECT id, expires_at, CASE WHEN used_at IS NULL THEN 0 ELSE 1 END FROM activation_codes"
	" WHERE code_hash = ? AND person_id = ?";
static const char SQL_USE_CODE[] =
	"UPDATE activation_codes SET used_at = ? WHERE id = ? AND used_at IS NULL AND expires_at > ?";
static const char SQL_TEACHER_ACCOUNT[] =
	"SELECT id, login, disabled FROM accounts WHERE person_id = ? AND role = 'teacher'"
	" ORDER BY disabled, CASE WHEN login = ? THEN 0 ELSE 1 END, id LIMIT 1";
static const char SQL_SET_ACCOUNT[] =
	"UPDATE accounts SET password_hash = ?, password_changed_at = ?, disabled = 0 WHERE id = ?";
static const char SQL_NEW_ACCOUNT[] =
	"INSERT INTO accounts (login, display_name, role, person_id, password_hash, created_at,"
	" password_changed_at) VALUES (?, ?, 'teacher', ?, ?, ?, ?)";
static const char SQL_END_TOKENS[] =
	"UPDATE api_tokens SET revoked_at = ? WHERE account_id = ? AND revoked_at IS NULL";
static const char SQL_ATTEMPT[] =
	"INSERT INTO login_attempts (login, address, at, ok) VALUES (?, ?, ?, ?)";

/* Recorded in login_attempts under her login, so failed activations and
 * failed sign-ins share one count (account_throttle_wait()). */
static int record_attempt(struct store *s, const char *login, const char *address, time_t now, bool ok)
{
	struct stmt *st;
	char at[ISO_TIME_LEN];

	clock_iso(now, at);
	if (store_prepare(s, SQL_ATTEMPT, &st) < 0)
		return -1;
	stmt_bind_text(st, 1, login);
	stmt_bind_text(st, 2, address ? address : "");
	stmt_bind_text(st, 3, at);
	stmt_bind_int(st, 4, ok);
	return stmt_run(st) < 0 ? -1 : 0;
}

static void lower(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

int activation_redeem(struct store *s, const struct activation_redeem_in *in,
		      struct activation_account *out, struct err *err)
{
	char id18[ID_NUMBER_LEN + 1], login[ID_NUMBER_LEN + 1], symbols[ACTIVATION_SYMBOLS + 1];
	char today[ISO_TIME_LEN], now[ISO_TIME_LEN], expires[ISO_TIME_LEN] = "";
	char pwhash[PASSWORD_HASH_MAX], name[129] = "", object[96], acct_login[32];
	unsigned char key[32], hash[TOKEN_HASH_BYTES];
	int64_t person_id = 0, code_id = 0, account_id = 0;
	bool serving = false, used = true, was_disabled = false;
	struct actor me;
	struct stmt *st;
	const char *detail;
	int wait, rc;

	memset(out, 0, sizeof *out);
	clock_iso(in->now, now);
	snprintf(today, sizeof today, "%.10s", now);
	if (idcard_parse(in->id_number ? in->id_number : "", today, id18, NULL) != IDCARD_OK) {
		err_field(err, ERR_INVALID, "id_number", "not a valid ID number");
		return -1;
	}
	if (activation_code_normalise(in->code, symbols) < 0) {
		err_field(err, ERR_INVALID, "code", "an activation code has 12 letters and digits");
		return -1;
	}
	if (account_check_password(in->password, err) < 0)
		return -1;
	snprintf(login, sizeof login, "%s", id18);
	lower(login);

	wait = account_throttle_wait(s, login, in->address ? in->address : "", in->now);
	if (wait < 0)
		goto fail_db;
	if (wait > 0) {
		err_set(err, ERR_THROTTLED, "%d", (wait + 59) / 60);
		return -1;
	}
	if (settings_server_secret(s, key) < 0)
		goto fail_db;
	if (store_prepare(s, SQL_PERSON, &st) < 0)
		goto fail_db;
	stmt_bind_text(st, 1, id18);
	if (stmt_step(st) == STORE_ROW) {
		person_id = stmt_int(st, 0);
		snprintf(name, sizeof name, "%s", stmt_text(st, 1));
		serving = !strcmp(stmt_text(st, 2), "serving");
	}
	stmt_done(st);
	/* hash and look up even for an unknown person, so the answer takes
	 * the same time whether the number is known or not */
	code_hash(key, person_id, symbols, hash);
	sodium_memzero(key, sizeof key);
	sodium_memzero(symbols, sizeof symbols);
	if (store_prepare(s, SQL_FIND_CODE, &st) < 0)
		goto fail_db;
	stmt_bind_blob(st, 1, hash, sizeof hash);
	stmt_bind_int(st, 2, person_id);
	if (stmt_step(st) == STORE_ROW) {
		code_id = stmt_int(st, 0);
		snprintf(expires, sizeof expires, "%s", stmt_text(st, 1));
		used = stmt_int(st, 2) != 0;
	}
	stmt_done(st);
	if (!person_id || !serving || !code_id || used || strcmp(expires, now) <= 0) {
		if (record_attempt(s, login, in->address, in->now, false) < 0)
			goto fail_db;
		err_set(err, ERR_UNAUTHORISED, "the activation code is wrong, used or expired");
		return -1;
	}

	/* Argon2id takes a tenth of a second: before the write lock */
	if (secret_password_hash(in->password, pwhash) < 0) {
		err_set(err, ERR_INTERNAL, "out of memory hashing the password");
		return -1;
	}
	if (store_begin(s, STORE_WRITE) < 0)
		goto fail_db;
	/* the code is spent by one conditional statement: of two redeeming
	 * it at once, one wins */
	if (store_prepare(s, SQL_USE_CODE, &st) < 0)
		goto fail_tx_db;
	stmt_bind_text(st, 1, now);
	stmt_bind_int(st, 2, code_id);
	stmt_bind_text(st, 3, now);
	if (stmt_run(st) < 0)
		goto fail_tx_db;
	if (store_changes(s) != 1) {
		store_rollback(s);
		record_attempt(s, login, in->address, in->now, false);
		err_set(err, ERR_UNAUTHORISED, "the activation code is wrong, used or expired");
		return -1;
	}
	/* A new account's login is "t" and the person's row number, never the
	 * ID number: logins show whole on the accounts page and in the audit
	 * log, where an ID number must not.  She signs in with her ID number
	 * all the same (activation_login_of()). */
	snprintf(acct_login, sizeof acct_login, "t%lld", (long long)person_id);
	if (store_prepare(s, SQL_TEACHER_ACCOUNT, &st) < 0)
		goto fail_tx_db;
	stmt_bind_int(st, 1, person_id);
	stmt_bind_text(st, 2, acct_login);
	if ((rc = stmt_step(st)) == STORE_ROW) {
		account_id = stmt_int(st, 0);
		snprintf(out->login, sizeof out->login, "%s", stmt_text(st, 1));
		was_disabled = stmt_int(st, 2) != 0;
	}
	stmt_done(st);
	if (rc < 0)
		goto fail_tx_db;
	if (account_id) {
		/* an account she had (made by an admin, or by an earlier code):
		 * a new password, and whoever knew the old one is signed out */
		if (store_prepare(s, SQL_SET_ACCOUNT, &st) < 0)
			goto fail_tx_db;
		stmt_bind_text(st, 1, pwhash);
		stmt_bind_text(st, 2, now);
		stmt_bind_int(st, 3, account_id);
		if (stmt_run(st) < 0 || session_revoke_account(s, account_id) < 0)
			goto fail_tx_db;
		if (store_prepare(s, SQL_END_TOKENS, &st) < 0)
			goto fail_tx_db;
		stmt_bind_text(st, 1, now);
		stmt_bind_int(st, 2, account_id);
		if (stmt_run(st) < 0)
			goto fail_tx_db;
		detail = was_disabled ? "account enabled, password set" : "password set";
	} else {
		if (store_prepare(s, SQL_NEW_ACCOUNT, &st) < 0)
			goto fail_tx_db;
		stmt_bind_text(st, 1, acct_login);
		stmt_bind_text(st, 2, name);
		stmt_bind_int(st, 3, person_id);
		stmt_bind_text(st, 4, pwhash);
		stmt_bind_text(st, 5, now);
		stmt_bind_text(st, 6, now);
		rc = stmt_run(st);
		if (rc == STORE_ECONSTRAINT) {
			err_field(err, ERR_CONFLICT, "id_number",
				  "another account already has this person's login: ask the administrator");
			goto fail_tx;
		}
		if (rc < 0)
			goto fail_tx_db;
		account_id = store_last_insert_id(s);
		snprintf(out->login, sizeof out->login, "%s", acct_login);
		out->created = true;
		detail = "account created";
	}
	out->account_id = account_id;
	me = (struct actor){ account_id, out->login, in->address };
	snprintf(object, sizeof object, "account:%s", out->login);
	if (audit_record(s, &me, "activation.redeem", object, detail) < 0 ||
	    record_attempt(s, login, in->address, in->now, true) < 0)
		goto fail_tx_db;
	if (store_commit(s) < 0)
		goto fail_tx_db;
	sodium_memzero(pwhash, sizeof pwhash);
	return 0;
fail_tx_db:
	err_set(err, ERR_IO, "database error: %s", store_errmsg(s));
fail_tx:
	store_rollback(s);
	sodium_memzero(pwhash, sizeof pwhash);
	memset(out, 0, sizeof *out);
	return -1;
fail_db:
	err_set(err, ERR_IO, "database error: %s", store_errmsg(s));
	sodium_memzero(key, sizeof key);
	return -1;
}

/* ---- signing in with the ID number -------------------------------------- */

static const char SQL_LOGIN_OF[] =
	"SELECT a.login FROM accounts a JOIN persons p ON p.id = a.person_id"
	" WHERE p.id_number = ? AND a.role = 'teacher'"
	" ORDER BY a.disabled, CASE WHEN a.login = ? THEN 0 ELSE 1 END, a.id LIMIT 1";

int activation_login_of(struct store *s, const char *typed, char out[65])
{
	char id18[ID_NUMBER_LEN + 1], login[ID_NUMBER_LEN + 1];
	struct stmt *st;
	int rc;

	if (!typed || idcard_parse(typed, NULL, id18, NULL) != IDCARD_OK)
		return 0;
	snprintf(login, sizeof login, "%s", id18);
	lower(login);
	if (store_prepare(s, SQL_LOGIN_OF, &st) < 0)
		return -1;
	stmt_bind_text(st, 1, id18);
	stmt_bind_text(st, 2, login);
	rc = stmt_step(st);
	snprintf(out, 65, "%s", rc == STORE_ROW ? stmt_text(st, 0) : login);
	stmt_done(st);
	return rc < 0 ? -1 : 1;
}
