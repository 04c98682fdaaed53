#!/usr/bin/env bash
# bench/rush.sh - the enrolment rush: a popular programme opens and every
# teacher clicks at once (DOMAIN.md: enrolment never exceeds capacity, also
# when thousands try at the same second).
#
# Makes a demo database (20,000 teachers by default), gives TEACHERS of its
# serving teachers an account and an API token each (straight into the
# database, hashed as core/session.c hashes them: BLAKE2b-256 of the whole
# token), and then, RUNS times on a fresh copy: puts in a published
# programme of SEATS seats, open today, with no audience; starts
# `tdc serve`; sends one `POST /api/v1/programmes/{code}/enrolments` per
# teacher, CONNS at a time on keep-alive connections (bench/rush_client.c,
# libcurl multi, built here); stops the server; and checks in the database:
# exactly SEATS seated, the rest waiting, every position the server
# answered equal to the row's place by arrival (enrolments.id), arrival
# times never going backwards, every answer a 201 and none a 5xx.
# Reports the median requests/s, p50 and p99 of the runs, and writes the
# section "Enrolment rush" of docs/performance.md (only that section,
# between its marker comments).
#
# Usage: bench/rush.sh
# Environment:
#   TDC_BIN     the tdc binary (default: build/tdc); nothing is built here but the client
#   RUNS        runs (default 3); the median is reported
#   TEACHERS    teachers who enrol (default 2000)
#   SEATS       the programme's capacity (default 50)
#   CONNS       connections in parallel (default 200)
#   BENCH_OUT   the file to write (default: docs/performance.md)
#
# Needs sqlite3 (the shell), python3, cc and libcurl's headers (pkg-config
# libcurl).  Everything happens in a temporary directory, removed on exit,
# and every step is bounded in time.  Exits 1 if any check fails.
# shellcheck disable=SC2016  # backquotes in single quotes are Markdown
set -euo pipefail
export LC_ALL=C
unset TDC_DB TDC_CONFIG

top=$(cd "$(dirname "$0")/.." && pwd)
TDC_BIN=${TDC_BIN:-$top/build/tdc}
RUNS=${RUNS:-3}
TEACHERS=${TEACHERS:-2000}
SEATS=${SEATS:-50}
CONNS=${CONNS:-200}
BENCH_OUT=${BENCH_OUT:-$top/docs/performance.md}
SEED=1
STEP_TIMEOUT=600
BEGIN_MARK='<!-- rush:begin -->'
END_MARK='<!-- rush:end -->'

say() { printf 'bench/rush: %s\n' "$*" >&2; }
die() { printf 'bench/rush: error: %s\n' "$*" >&2; exit 1; }

for v in RUNS TEACHERS SEATS CONNS; do
	case ${!v} in ''|*[!0-9]*|0) die "$v must be a positive integer (got '${!v}')";; esac
done
[ "$SEATS" -lt "$TEACHERS" ] || die "SEATS ($SEATS) must be fewer than TEACHERS ($TEACHERS)"
for t in sqlite3 python3 cc pkg-config timeout awk; do
	command -v "$t" >/dev/null 2>&1 || die "missing: $t"
done
pkg-config --exists libcurl || die "missing: libcurl's headers (libcurl4-openssl-dev)"
case $TDC_BIN in /*) ;; *) TDC_BIN=$PWD/$TDC_BIN ;; esac
[ -x "$TDC_BIN" ] || die "no tdc binary at $TDC_BIN - build it (make build) or set TDC_BIN"

tmp=""
tdc_pid=""
stop_pid() {   # stop_pid PID: SIGTERM, up to 5 s, then SIGKILL
	local pid=$1
	[ -n "$pid" ] || return 0
	kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
	kill -TERM "$pid" 2>/dev/null || true
	for _ in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		say "process $pid did not stop on SIGTERM; killing it"
		kill -KILL "$pid" 2>/dev/null || true
	fi
	wait "$pid" 2>/dev/null || true
}
# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
	local rc=$?
	set +e
	stop_pid "$tdc_pid"; tdc_pid=""
	[ -n "$tmp" ] && [ -d "$tmp" ] && rm -rf "$tmp"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

load_before=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
busy=$(awk -v n="$(nproc)" '{ print ($1 > n / 4 ? 1 : 0) }' /proc/loadavg 2>/dev/null || echo 0)
[ "$busy" = 0 ] || say "warning: load average $load_before before the run: other work will skew the figures"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tdc-bench-rush.XXXXXX")

# --- the client ------------------------------------------------------------------
say "building bench/rush_client.c"
# shellcheck disable=SC2046  # pkg-config's words are separate arguments
cc -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -o "$tmp/rush_client" "$top/bench/rush_client.c" \
	$(pkg-config --cflags --libs libcurl) || die "cannot build the client"

# --- the data --------------------------------------------------------------------
say "creating the demo database (--seed $SEED)"
timeout "$STEP_TIMEOUT" "$TDC_BIN" init --db "$tmp/base.db" --demo --seed "$SEED" \
	>"$tmp/init.out" 2>&1 || { cat "$tmp/init.out" >&2; die "tdc init failed"; }
data_line=$(sed -n 's/^tdc: demo city created in [^:]*: //p' "$tmp/init.out" | head -n1)

say "making $TEACHERS teacher accounts with API tokens"
timeout "$STEP_TIMEOUT" python3 - "$tmp/base.db" "$TEACHERS" "$tmp/tokens" <<'PY' || die "cannot make the accounts"
import datetime, hashlib, secrets, sqlite3, sys

db, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
con = sqlite3.connect(db)
now = datetime.datetime.now(datetime.timezone.utc)
at = now.strftime('%Y-%m-%dT%H:%M:%SZ')
expires = (now + datetime.timedelta(days=1)).strftime('%Y-%m-%dT%H:%M:%SZ')
rows = con.execute("SELECT p.id, p.name FROM persons p WHERE p.status = 'serving'"
                   " AND p.role = 'teacher' AND p.school_id IS NOT NULL"
                   " AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.person_id = p.id)"
                   " ORDER BY p.id LIMIT ?", (n,)).fetchall()
if len(rows) < n:
    sys.exit('only %d teachers without an account' % len(rows))
with open(out, 'w') as f, con:
    for i, (pid, name) in enumerate(rows):
        login = 'rush-%05d' % i
        cur = con.execute("INSERT INTO accounts (login, display_name, role, scope, person_id,"
                          " created_at) VALUES (?, ?, 'teacher', NULL, ?, ?)", (login, name, pid, at))
        # as core/session.c token_create(): 'tdc_' and 43 base64url characters,
        # kept as crypto_generichash (BLAKE2b, 32 bytes) of the whole token
        token = 'tdc_' + secrets.token_urlsafe(32)[:43]
        h = hashlib.blake2b(token.encode(), digest_size=32).digest()
        con.execute("INSERT INTO api_tokens (token_hash, account_id, prefix, created_at, expires_at)"
                    " VALUES (?, ?, ?, ?, ?)", (h, cur.lastrowid, token[:12], at, expires))
        f.write('%s %s\n' % (login, token))
con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
con.close()
PY

# --- the runs --------------------------------------------------------------------
results=$tmp/results   # "run rps p50 p99 seconds seated waiting not201 ok cpu_us"
clk_tck=$(getconf CLK_TCK 2>/dev/null || echo 100)
: >"$results"
failures=0
for r in $(seq "$RUNS"); do
	code="rush-$r"
	cp "$tmp/base.db" "$tmp/run.db"
	rm -f "$tmp/run.db-wal" "$tmp/run.db-shm"
	sqlite3 "$tmp/run.db" "INSERT INTO programmes (code, title, centre_id, category, hours10,
		capacity, enrol_open, enrol_close, status, created_at, created_by)
		SELECT '$code', '抢报名压测', id, 'thematic', 240, $SEATS, date('now', '-1 day'),
		date('now', '+1 day'), 'published', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'bench'
		FROM centres WHERE code = '440106'" || die "cannot insert the programme"

	TDC_ACCESS_LOG=false "$TDC_BIN" serve --db "$tmp/run.db" --listen 127.0.0.1:0 \
		>"$tmp/tdc.out" 2>"$tmp/tdc.err" </dev/null &
	tdc_pid=$!
	port=""
	for _ in $(seq 100); do
		port=$(sed -n 's|^tdc: serving http://127\.0\.0\.1:\([0-9][0-9]*\)/.*|\1|p' "$tmp/tdc.out" | head -n1)
		[ -n "$port" ] && break
		kill -0 "$tdc_pid" 2>/dev/null || break
		sleep 0.1
	done
	[ -n "$port" ] || { cat "$tmp/tdc.out" "$tmp/tdc.err" >&2; die "tdc serve did not start within 10 s"; }
	threads=$(sed -n 's/^tdc: serving .* with \([0-9][0-9]*\) threads.*/\1/p' "$tmp/tdc.out" | head -n1)

	say "run $r of $RUNS: $TEACHERS enrolments into $SEATS seats, $CONNS connections"
	ticks0=$(awk '{ print $14 + $15 }' "/proc/$tdc_pid/stat")
	summary=$(timeout "$STEP_TIMEOUT" "$tmp/rush_client" "http://127.0.0.1:$port/api/v1/programmes/$code/enrolments" \
		"$tmp/tokens" "$CONNS" "$tmp/answers-$r") || { echo "$summary" >&2; die "the client failed (requests without an answer)"; }
	kill -0 "$tdc_pid" 2>/dev/null || die "tdc died during the run"
	ticks=$(( $(awk '{ print $14 + $15 }' "/proc/$tdc_pid/stat") - ticks0 ))
	cpu_us=$(awk -v t="$ticks" -v hz="$clk_tck" -v n="$TEACHERS" 'BEGIN { printf "%.0f", t * 1e6 / hz / n }')
	stop_pid "$tdc_pid"; tdc_pid=""
	say "  $summary; server CPU $cpu_us us/request"
	rps=$(awk '{ print $6 }' <<<"$summary")
	p50=$(awk '{ print $8 }' <<<"$summary")
	p99=$(awk '{ print $10 }' <<<"$summary")
	secs=$(awk '{ print $4 }' <<<"$summary")

	# --- the checks, in the database the server left -------------------------
	non201=$(awk '$2 != 201' "$tmp/answers-$r" | wc -l)
	server_errors=$(awk '$2 >= 500 || $2 == 0' "$tmp/answers-$r" | wc -l)
	sqlite3 "$tmp/run.db" "CREATE TABLE answers (login TEXT, http INTEGER, state TEXT, position INTEGER, us REAL)"
	sqlite3 -separator ' ' "$tmp/run.db" ".import $tmp/answers-$r answers"
	read -r seated waiting total wrong_place backwards <<<"$(sqlite3 -separator ' ' "$tmp/run.db" "
		WITH e AS (SELECT e.*, row_number() OVER (PARTITION BY e.status ORDER BY e.id) AS place,
		                  lag(e.at) OVER (ORDER BY e.id) AS before
		           FROM enrolments e JOIN programmes g ON g.id = e.programme_id WHERE g.code = '$code')
		SELECT (SELECT count(*) FROM e WHERE status = 'seated'),
		       (SELECT count(*) FROM e WHERE status = 'waiting'),
		       (SELECT count(*) FROM e),
		       (SELECT count(*) FROM answers a JOIN accounts c ON c.login = a.login
		          LEFT JOIN e ON e.person_id = c.person_id
		          WHERE e.id IS NULL OR e.status <> a.state OR e.place <> a.position),
		       (SELECT count(*) FROM e WHERE before IS NOT NULL AND at < before)")"
	say "  seated $seated, waiting $waiting, rows $total; answers not 201: $non201 (5xx or none: $server_errors);" \
		"positions unlike the arrival order: $wrong_place; arrival times going backwards: $backwards"
	ok=yes
	[ "$seated" -eq "$SEATS" ] || ok=no
	[ "$waiting" -eq $((TEACHERS - SEATS)) ] || ok=no
	[ "$total" -eq "$TEACHERS" ] || ok=no
	[ "$non201" -eq 0 ] && [ "$server_errors" -eq 0 ] || ok=no
	[ "$wrong_place" -eq 0 ] && [ "$backwards" -eq 0 ] || ok=no
	[ $ok = yes ] || failures=$((failures + 1))
	printf '%s %s %s %s %s %s %s %s %s %s\n' "$r" "$rps" "$p50" "$p99" "$secs" "$seated" "$waiting" "$non201" "$ok" "$cpu_us" >>"$results"
done

# --- figures ---------------------------------------------------------------------
median() {   # median COLUMN
	awk -v c="$1" '{ print $c }' "$results" | sort -g | awk '{ v[NR] = $1 } END {
		if (NR % 2) m = v[(NR + 1) / 2]; else m = (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.2f\n", m }'
}
rps=$(median 2); p50=$(median 3); p99=$(median 4)
say "median of $RUNS runs: $rps req/s, p50 $p50 ms, p99 $p99 ms; runs failing a check: $failures"

cpu_model=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null)
[ -n "$cpu_model" ] || cpu_model=unknown
cores=$(nproc)
when=$(date -u '+%Y-%m-%d %H:%M UTC')
rev=$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo unknown)
section=$tmp/section
{
	echo "$BEGIN_MARK"
	echo '<!-- Written by bench/rush.sh; edits here are overwritten. -->'
	echo '## Enrolment rush'
	echo
	echo "Measured $when by \`bench/rush.sh\`, tdc at $rev."
	echo
	echo "- **Machine:** $cores cores (nproc), $cpu_model; the client and the server share them over loopback;"
	if [ "$busy" = 0 ]; then
		echo "  load average before the run: $load_before."
	else
		echo "  load average before the run: $load_before, so other work shared the cores: the figures are low and vary."
	fi
	echo "- **Data:** \`tdc init --demo --seed $SEED\` (${data_line:-the default city}); $TEACHERS of its serving teachers"
	echo "  each with an account and an API token; one published programme of **$SEATS seats**, open today, no audience."
	echo "- **Load:** every teacher sends one \`POST /api/v1/programmes/{code}/enrolments\` (body \`{}\`) at once,"
	echo "  **$CONNS connections** in parallel on keep-alive (\`bench/rush_client.c\`, libcurl multi); tdc \`serve\` with"
	echo "  ${threads:-?} threads and \`TDC_ACCESS_LOG=false\`. Each run on a fresh copy of the database; figures are the median of $RUNS runs."
	echo "- **Checked after each run** in the database: exactly $SEATS seated and $((TEACHERS - SEATS)) waiting; every answer a 201"
	echo "  (none a 5xx); each answer's status and position equal to the row's place by arrival (\`enrolments.id\`);"
	echo "  arrival times never going backwards."
	echo
	echo '| run | req/s | p50 ms | p99 ms | seconds | server CPU µs/request | seated | waiting | not 201 | checks |'
	echo '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |'
	awk '{ printf "| %s | %.0f | %.2f | %.2f | %.2f | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $10, $6, $7, $8, ($9 == "yes" ? "passed" : "**failed**") }' "$results"
	echo
	echo "**Median: $(awk -v v="$rps" 'BEGIN { printf "%.0f", v }') requests/s, p50 $p50 ms, p99 $p99 ms.**" \
		"Every enrolment takes the write lock (\`BEGIN IMMEDIATE\`) for a few statements, so the"
	echo "rush is served one writer at a time: the capacity holds and the waiting list keeps the arrival order."
	echo "With $CONNS requests always waiting, a request's latency is mostly its wait in that queue"
	echo "(about $CONNS / the requests per second), not its own work (the server CPU per request)."
	echo "$END_MARK"
} >"$section"

if [ -f "$BENCH_OUT" ] && grep -q "^$BEGIN_MARK" "$BENCH_OUT" && grep -q "^$END_MARK" "$BENCH_OUT"; then
	awk -v sec="$section" -v b="$BEGIN_MARK" -v e="$END_MARK" '
		$0 == b { while ((getline l < sec) > 0) print l; skip = 1; next }
		$0 == e { skip = 0; next }
		!skip { print }' "$BENCH_OUT" >"$tmp/out.md"
	cat "$tmp/out.md" >"$BENCH_OUT"
else
	{ [ -f "$BENCH_OUT" ] && echo; cat "$section"; } >>"$BENCH_OUT"
fi
say "wrote the section \"Enrolment rush\" of $BENCH_OUT"
[ "$failures" -eq 0 ] || die "$failures of $RUNS runs failed a check"
