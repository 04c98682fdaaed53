/* completion.h - a programme's completion (结业): who met its rule, their
 * scores, and the hours the ledger credits them, exactly once.
 *
 * API:
 * completion_overview() reads every seated participant with the sessions
 *   attended, the share, the score, whether the rule is met (and why not)
 *   and whether the programme's hours were already issued to them.
 * completion_set_scores() records scores (enrolments.score) for seated
 *   participants.
 * completion_run() issues the hours to everyone who meets the rule and
 *   has none from this programme yet, and marks the programme completed.
 *
 * The rule (003_training.sql, programmes): sessions attended / sessions
 * >= attendance_min per cent and, when pass_mark is set, a score >=
 * pass_mark.  A programme without sessions (online, remote) asks only for
 * the score: there was nothing to attend.  Exactly once: each entry's
 * record_id is 'P<programme id>-<person id>' and the ledger refuses a
 * second (ledger.h, LEDGER_DUPLICATE), so running completion again after a
 * late correction issues to the newly qualifying only. */
#ifndef TDC_COMPLETION_H
#define TDC_COMPLETION_H

#include <stdbool.h>
#include <stdint.h>

#include "core/attendance.h"

enum completion_reason {
	COMPLETION_MET = 0,
	COMPLETION_ATTENDANCE,  /* attended too few sessions */
	COMPLETION_NO_SCORE,    /* examined, and no score yet */
	COMPLETION_SCORE,       /* score below the pass mark */
};

struct completion_row {
	int64_t person_id;
	const char *id_number, *name, *school_name;
	int attended, sessions;  /* sessions present at, of all the programme's */
	int share;               /* per cent, rounded down; 100 without sessions */
	int score;               /* 0-100, or -1 when none */
	enum completion_reason reason;
	bool issued;             /* the ledger holds this programme's entry for them */
};

int completion_overview(struct store *s, struct arena *a, const struct att_programme *p,
			struct completion_row **out, int *n, struct err *err);

/* The rule for one participant. */
enum completion_reason completion_rule(const struct att_programme *p, int attended, int sessions,
				       int score);

/* "P<programme id>-<person id>": the ledger's record_id of the entry. */
void completion_record_id(int64_t programme_id, int64_t person_id, char out[48]);

struct completion_score {
	int64_t person_id;
	int score; /* 0-100, or -1 to clear */
};

/* Sets the scores in one transaction (audit attendance.score); a person not
 * seated or a score outside 0-100 fails the whole call (ERR_INVALID). */
int completion_set_scores(struct store *s, const struct att_programme *p,
			  const struct completion_score *scores, int n, const struct actor *by,
			  struct err *err);

struct completion_counts {
	int issued;   /* entries written now */
	int already;  /* met the rule, and had their entry from an earlier run */
	int not_met;  /* do not meet the rule */
};

/* Issues the hours in one write transaction, with the programme's status
 * set to 'completed' (completed_at keeps the first completion) and an audit
 * row programme.complete with the counts.  today ('YYYY-MM-DD') dates the
 * entries of a programme without sessions; otherwise they are dated on the
 * last session's day.  Refuses a draft or cancelled programme
 * (ERR_CONFLICT). */
int completion_run(struct store *s, const struct att_programme *p, const char *today,
		   const struct actor *by, struct completion_counts *counts, struct err *err);

#endif
