/* clock.c - UTC ISO-8601 times (see clock.h). */
#include "clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void clock_iso(time_t t, char out[ISO_TIME_LEN])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, ISO_TIME_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void clock_now_iso(char out[ISO_TIME_LEN])
{
	clock_iso(time(NULL), out);
}

int clock_parse_iso(const char *s, time_t *out)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof tm);
	end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (!end || *end)
		return -1;
	*out = timegm(&tm);
	return 0;
}

double clock_ms_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) * 1e3 +
	       (double)(now.tv_nsec - start->tv_nsec) / 1e6;
}

void clock_today(char out[11])
{
	const char *env = getenv("TDC_TODAY");
	time_t now = time(NULL);
	struct tm tm;

	/* YYYY-MM-DD, digits where digits belong: anything else is ignored */
	if (env && strlen(env) == 10 && env[4] == '-' && env[7] == '-' &&
	    strspn(env, "0123456789-") == 10) {
		memcpy(out, env, 11);
		return;
	}
	if (!localtime_r(&now, &tm))
		gmtime_r(&now, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

int clock_day_start_iso(const char *day, char out[ISO_TIME_LEN])
{
	struct tm tm;
	const char *end;
	time_t t;

	memset(&tm, 0, sizeof tm);
	end = day ? strptime(day, "%Y-%m-%d", &tm) : NULL;
	if (!end || *end)
		return -1;
	tm.tm_isdst = -1;  /* whatever the zone says on that day */
	if ((t = mktime(&tm)) == (time_t)-1)
		return -1;
	clock_iso(t, out);
	return 0;
}
