/* clock.h - times as the database stores them: UTC ISO-8601 text.
 * Rules take 'now' as an argument; only the edges (handlers, commands) read
 * the clock, so tests can set it. */
#ifndef TDC_CLOCK_H
#define TDC_CLOCK_H

#include <time.h>

enum { ISO_TIME_LEN = 21 }; /* "2026-11-23T15:04:05Z" + NUL */

void clock_iso(time_t t, char out[ISO_TIME_LEN]);
void clock_now_iso(char out[ISO_TIME_LEN]);
int clock_parse_iso(const char *s, time_t *out);
double clock_ms_since(const struct timespec *start);
/* Today's date, "YYYY-MM-DD", as the people using it count days: the
 * server's local time zone (an installation in China runs on
 * Asia/Shanghai, eight hours ahead of UTC, so at 07:00 it is already
 * tomorrow there).  TDC_TODAY=YYYY-MM-DD in the environment sets it, for
 * tests and for trying a deadline ahead of time. */
void clock_today(char out[11]);
/* The instant a local calendar day begins, as the database stores times:
 * "2026-01-02" in Asia/Shanghai -> "2026-01-01T16:00:00Z".  A day is
 * compared so with stored times (person_history.at).  -1 for no date. */
int clock_day_start_iso(const char *day, char out[ISO_TIME_LEN]);

#endif
