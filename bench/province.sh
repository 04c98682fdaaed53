#!/usr/bin/env bash
# bench/province.sh - a province's scale (issue 5 §6): a city of TEACHERS
# persons (`tdc init --demo --teachers`) and ENTRIES hours records over
# five years imported through `tdc import credits`, against the floor of
# raw prepared SQLite inserts of the same rows (bench/ledger_floor.c);
# then the teacher's hours page and the hours API for random teachers under
# wrk, and the server's peak memory.
#
# Writes the section between the markers below in docs/performance.md.
#
# Usage: bench/province.sh          (after `make build`)
# Environment:
#   TDC_BIN      the tdc binary (default: build/tdc)
#   TEACHERS     persons in the city (default 1000000)
#   ENTRIES      hours records to import (default 20000000)
#   RUNS         import runs, the median reported (default 3)
#   WRK_SECONDS  seconds of each wrk run (default 20)
#   KEEP=DIR     keep the city database in DIR (reused when there)
#   BENCH_OUT    the file to write (default: docs/performance.md)
#
# Needs sqlite3, python3, cc, wrk.  Work happens in a temporary directory.
# shellcheck disable=SC2016
set -euo pipefail
export LC_ALL=C
unset TDC_DB TDC_CONFIG

top=$(cd "$(dirname "$0")/.." && pwd)
TDC_BIN=${TDC_BIN:-$top/build/tdc}
TEACHERS=${TEACHERS:-1000000}
ENTRIES=${ENTRIES:-20000000}
RUNS=${RUNS:-3}
WRK_SECONDS=${WRK_SECONDS:-20}
BENCH_OUT=${BENCH_OUT:-$top/docs/performance.md}
BEGIN_MARK='<!-- bench/province.sh begin -->'
END_MARK='<!-- bench/province.sh end -->'

say() { printf 'bench/province: %s\n' "$*" >&2; }
die() { printf 'bench/province: error: %s\n' "$*" >&2; exit 1; }
for t in sqlite3 python3 cc wrk awk; do
	command -v "$t" >/dev/null 2>&1 || die "missing: $t"
done
case $TDC_BIN in /*) ;; *) TDC_BIN=$PWD/$TDC_BIN ;; esac
[ -x "$TDC_BIN" ] || die "no tdc binary at $TDC_BIN (make build)"

tmp=$(mktemp -d /tmp/tdc-province.XXXXXX)
server=""
cleanup() {
	[ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

work=${KEEP:-$tmp}
mkdir -p "$work"
city=$work/city.db
credits=$work/credits.csv
if [ ! -f "$city" ]; then
	say "making a city of $TEACHERS persons"
	t0=$(date +%s.%N)
	"$TDC_BIN" init --db "$city" --demo --teachers "$TEACHERS" >/dev/null
	say "  $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f s", b - a }')"
fi
if [ ! -f "$credits" ]; then
	say "writing $ENTRIES hours records"
	sqlite3 "$city" "SELECT id_number FROM persons WHERE status = 'serving'" |
		python3 "$top/bench/credits_gen.py" "$ENTRIES" 2021 2025 1 > "$credits"
fi
bytes=$(stat -c %s "$credits")
cc -O2 -o "$tmp/ledger_floor" "$top/bench/ledger_floor.c" -lsqlite3

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

imports=() floors=()
for r in $(seq 1 "$RUNS"); do
	rm -f "$tmp/floor.db"*
	t0=$(date +%s.%N)
	"$tmp/ledger_floor" "$tmp/floor.db" "$credits" >/dev/null
	floors+=("$(secs "$t0" "$(date +%s.%N)")")
	rm -f "$tmp/floor.db"*
	cp "$city" "$tmp/run.db"
	t0=$(date +%s.%N)
	"$TDC_BIN" import credits "$credits" --db "$tmp/run.db" >"$tmp/import.out"
	imports+=("$(secs "$t0" "$(date +%s.%N)")")
	say "run $r: import ${imports[-1]} s, floor ${floors[-1]} s: $(cat "$tmp/import.out")"
	if [ "$r" -lt "$RUNS" ]; then rm -f "$tmp/run.db"*; fi
done
imp=$(printf '%s\n' "${imports[@]}" | median)
flo=$(printf '%s\n' "${floors[@]}" | median)
rows=$(sqlite3 "$tmp/run.db" "SELECT count(*) FROM ledger")
check=$(sqlite3 "$tmp/run.db" "SELECT (SELECT sum(hours10) FROM ledger) = (SELECT sum(hours10) FROM hours_totals)")
[ "$check" = 1 ] || die "the totals do not add up to the ledger"
rate=$(awk -v n="$ENTRIES" -v t="$imp" 'BEGIN { printf "%d", n / t }')
frate=$(awk -v n="$ENTRIES" -v t="$flo" 'BEGIN { printf "%d", n / t }')
say "import: median $imp s ($rate rows/s); floor $flo s ($frate rows/s)"

# ---- the hours page and API under wrk ----
port=$((20000 + RANDOM % 20000))
db=$tmp/run.db
# a token of a city-wide reader (the bureau) reads any teacher's hours
token=$("$TDC_BIN" token add bureau --days 1 --db "$db" | awk '/^tdc_/ { print $1 }' | tail -1)
[ -n "$token" ] || die "no API token for the bureau"
sqlite3 "$db" "SELECT id_number FROM persons WHERE status = 'serving' AND role = 'teacher' ORDER BY random() LIMIT 20000" > "$tmp/ids"
"$TDC_BIN" serve --db "$db" --listen "127.0.0.1:$port" 2>"$tmp/serve.log" &
server=$!
for _ in $(seq 1 100); do
	curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
	sleep 0.1
done
cat > "$tmp/ids.lua" <<LUA
local ids = {}
for line in io.lines("$tmp/ids") do ids[#ids + 1] = line end
local i = 0
request = function()
	i = i + 1
	local id = ids[(i * 7919) % #ids + 1]
	return wrk.format("GET", string.format(PATH_FMT, id), { ["Authorization"] = "Bearer $token" })
end
LUA
run_wrk() { # path-format label
	sed "s|PATH_FMT|\"$1\"|" "$tmp/ids.lua" > "$tmp/run.lua"
	wrk -t2 -c32 -d"${WRK_SECONDS}s" --latency -s "$tmp/run.lua" "http://127.0.0.1:$port" > "$tmp/wrk.$2"
	awk '/Requests\/sec/ { r = $2 } /^ +50%/ { p50 = $2 } /^ +99%/ { p99 = $2 }
	     / Non-2xx/ { bad = $NF } END { printf "%s %s %s %s\n", r, p50, p99, bad + 0 }' "$tmp/wrk.$2"
}
year=$(( $(date +%Y) - 1 ))
# warm the cache first, as a server that has run a while has it
run_wrk "/api/v1/persons/%s/hours?year=$year" warm >/dev/null
read -r api_rps api_p50 api_p99 api_bad < <(run_wrk "/api/v1/persons/%s/hours?year=$year" api)
read -r page_rps page_p50 page_p99 page_bad < <(run_wrk "/persons/%s/hours?year=$year" page)
peak=$(awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$server/status")
kill "$server"; wait "$server" 2>/dev/null || true; server=""
say "API $api_rps req/s p50 $api_p50 p99 $api_p99 ($api_bad non-2xx); page $page_rps req/s p50 $page_p50 p99 $page_p99 ($page_bad non-2xx); peak $peak MB"

machine="$(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo), $(uname -sr)"
section=$(cat <<MD
$BEGIN_MARK
## Province scale: hours import and the hours page

\`bench/province.sh\`, $(date -u +%Y-%m-%d), $machine, load average $(cut -d' ' -f1-3 /proc/loadavg).
A city of $TEACHERS persons (\`tdc init --demo --teachers $TEACHERS\`), $ENTRIES hours
records over 2021-2025 ($((bytes / 1048576)) MB of CSV, in date order, record numbers
ascending, persons random) imported with \`tdc import credits\` into the city;
median of $RUNS runs.

| | time | rows/s | target |
| --- | --- | --- | --- |
| \`tdc import credits\` | $imp s | $rate | ≥ 100,000 |
| floor: raw prepared inserts, no checks, no index (\`bench/ledger_floor.c\`) | $flo s | $frate | |

The ledger then holds $rows rows and its totals add up to it. Random serving
teachers' hours for $year under \`wrk -t2 -c32 -d${WRK_SECONDS}s\` (bureau token), after a
warm-up run:

| | req/s | p50 | p99 | target p99 | non-2xx |
| --- | --- | --- | --- | --- | --- |
| \`GET /api/v1/persons/{id}/hours?year=$year\` | $api_rps | $api_p50 | $api_p99 | ≤ 20 ms | $api_bad |
| \`GET /persons/{id}/hours?year=$year\` (page) | $page_rps | $page_p50 | $page_p99 | ≤ 20 ms | $page_bad |

Server peak memory (VmHWM) over both runs: $peak MB (target ≤ 200 MB).
$END_MARK
MD
)
if grep -qF "$BEGIN_MARK" "$BENCH_OUT"; then
	awk -v b="$BEGIN_MARK" -v e="$END_MARK" -v s="$section" '
		$0 == b { print s; skip = 1; next } $0 == e { skip = 0; next } !skip { print }' \
		"$BENCH_OUT" > "$tmp/perf.md" && cat "$tmp/perf.md" > "$BENCH_OUT"
else
	printf '\n%s\n' "$section" >> "$BENCH_OUT"
fi
say "wrote $BENCH_OUT"
