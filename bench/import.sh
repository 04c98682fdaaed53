#!/usr/bin/env bash
# bench/import.sh - the import benchmark: 100,000 teachers into tdc from CSV
# in UTF-8, CSV in GB18030 and .xlsx, against the sqlite3 shell's `.import`
# of the same CSV into a bare table as the floor.
#
# Makes a demo database with TEACHERS persons, exports them (whole ID
# numbers) as CSV and .xlsx, converts the CSV to GB18030, and makes the
# target: a copy of the demo database with every person (and what points
# at one) deleted, so the schools are there and the persons are not.  Then
# RUNS rounds, each importing every format into a fresh copy of the target
# with `tdc import teachers FILE` and the floor into a fresh file database
# (journal_mode WAL and synchronous NORMAL, as tdc opens its database).
# Reports the median of the runs and writes the section "Import" of
# docs/performance.md (only that section, between its marker comments).
#
# Usage: bench/import.sh          (or `make bench`, which builds first)
# Environment:
#   TDC_BIN     the tdc binary (default: build/tdc); nothing is built here
#   RUNS        measured runs per format (default 3); the median is reported
#   TEACHERS    persons to import (default 100000)
#   BENCH_OUT   the file to write (default: docs/performance.md)
#   BENCH_STRICT=1  exit 1 when a target is missed (default: report only)
#
# Needs sqlite3 (the shell) and iconv.  Everything happens in a temporary
# directory, removed on exit; every step is bounded in time.
# shellcheck disable=SC2016  # backquotes in single quotes are Markdown
set -euo pipefail
export LC_ALL=C
unset TDC_DB TDC_CONFIG

top=$(cd "$(dirname "$0")/.." && pwd)
TDC_BIN=${TDC_BIN:-$top/build/tdc}
RUNS=${RUNS:-3}
TEACHERS=${TEACHERS:-100000}
BENCH_OUT=${BENCH_OUT:-$top/docs/performance.md}
BENCH_STRICT=${BENCH_STRICT:-0}
SEED=1
TARGET_CSV=5      # seconds, CSV (UTF-8 and GB18030)
TARGET_XLSX=15    # seconds, .xlsx
STEP_TIMEOUT=900  # seconds any one step may take
BEGIN_MARK='<!-- bench/import.sh begin -->'
END_MARK='<!-- bench/import.sh end -->'

say() { printf 'bench/import: %s\n' "$*" >&2; }
die() { printf 'bench/import: error: %s\n' "$*" >&2; exit 1; }

case $RUNS in ''|*[!0-9]*|0) die "RUNS must be a positive integer (got '$RUNS')";; esac
case $TEACHERS in ''|*[!0-9]*|0) die "TEACHERS must be a positive integer (got '$TEACHERS')";; esac
for t in sqlite3 iconv timeout awk; do
	command -v "$t" >/dev/null 2>&1 || die "missing: $t"
done
case $TDC_BIN in /*) ;; *) TDC_BIN=$PWD/$TDC_BIN ;; esac
[ -x "$TDC_BIN" ] || die "no tdc binary at $TDC_BIN - build it (make build) or set TDC_BIN"
"$TDC_BIN" import --help >/dev/null 2>&1 || die "$TDC_BIN has no import command"

tmp=""
# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
	local rc=$?
	set +e
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
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tdc-bench-import.XXXXXX")

# --- the data ------------------------------------------------------------------
say "creating the demo database (--teachers $TEACHERS --seed $SEED)"
timeout "$STEP_TIMEOUT" "$TDC_BIN" init --db "$tmp/demo.db" --demo --teachers "$TEACHERS" --seed "$SEED" \
	>"$tmp/init.out" 2>&1 || { cat "$tmp/init.out" >&2; die "tdc init failed"; }
data_line=$(sed -n 's/^tdc: demo city created in [^:]*: //p' "$tmp/init.out" | head -n1)

say "exporting: teachers as CSV and .xlsx (unmasked), schools as CSV"
export_to() {   # export_to KIND FORMAT FILE [--unmasked]
	timeout "$STEP_TIMEOUT" "$TDC_BIN" export "$1" --db "$tmp/demo.db" --format "$2" --out "$3" ${4:+"$4"} \
		>/dev/null 2>"$tmp/export.err" || { cat "$tmp/export.err" >&2; die "tdc export $1 --format $2 failed"; }
}
export_to teachers csv "$tmp/teachers.csv" --unmasked
export_to teachers xlsx "$tmp/teachers.xlsx" --unmasked
export_to schools csv "$tmp/schools.csv"
# GB18030 as Excel on a Chinese Windows saves it: no byte-order mark
bom=$(head -c 3 "$tmp/teachers.csv" | od -An -tx1 | tr -d ' \n')
if [ "$bom" = efbbbf ]; then
	tail -c +4 "$tmp/teachers.csv" | iconv -f UTF-8 -t GB18030 >"$tmp/teachers-gb18030.csv"
else
	iconv -f UTF-8 -t GB18030 "$tmp/teachers.csv" >"$tmp/teachers-gb18030.csv"
fi
csv_lines=$(( $(wc -l <"$tmp/teachers.csv") - 1 ))
[ "$csv_lines" -eq "$TEACHERS" ] || die "the CSV export has $csv_lines rows, not $TEACHERS"

# The target: the demo database without its persons.  Every column that
# points at a person is emptied, or its rows deleted when it may not be.
say "making the target database: the schools, no persons"
sqlite3 "$tmp/demo.db" ".backup '$tmp/target.db'"
sqlite3 "$tmp/target.db" "SELECT m.name, f.\"from\" FROM sqlite_master m,
	pragma_foreign_key_list(m.name) f WHERE m.type = 'table' AND f.\"table\" = 'persons'" \
	| while IFS='|' read -r table column; do
		sqlite3 "$tmp/target.db" "UPDATE \"$table\" SET \"$column\" = NULL WHERE \"$column\" IS NOT NULL" \
			2>/dev/null \
			|| sqlite3 "$tmp/target.db" "DELETE FROM \"$table\" WHERE \"$column\" IS NOT NULL"
	done
sqlite3 "$tmp/target.db" "DELETE FROM persons; VACUUM;"
[ "$(sqlite3 "$tmp/target.db" 'SELECT count(*) FROM persons')" = 0 ] || die "the target still has persons"
[ -z "$(sqlite3 "$tmp/target.db" 'PRAGMA foreign_key_check')" ] || die "the target fails its foreign key check"
schools=$(sqlite3 "$tmp/target.db" 'SELECT count(*) FROM schools')
rm -f "$tmp/target.db-wal" "$tmp/target.db-shm"

# The schools file goes back in unchanged: the export and the target agree.
cp "$tmp/target.db" "$tmp/check.db"
timeout "$STEP_TIMEOUT" "$TDC_BIN" import schools "$tmp/schools.csv" --db "$tmp/check.db" \
	>"$tmp/schools.out" 2>&1 || { cat "$tmp/schools.out" >&2; die "importing the schools back failed"; }
grep -q "$schools rows: 0 new, 0 changed, $schools unchanged" "$tmp/schools.out" \
	|| { cat "$tmp/schools.out" >&2; die "the schools did not import back unchanged"; }
rm -f "$tmp/check.db"*

# --- the runs --------------------------------------------------------------------
# Results, one line per run: "format run wall_s cpu_s"
results=$tmp/results
: >"$results"
TIMEFORMAT='%R %U %S'

# timed FORMAT RUN CMD...: runs CMD, appends its wall and CPU seconds
timed() {
	local fmt=$1 run=$2 t
	shift 2
	{ time timeout "$STEP_TIMEOUT" "$@" >"$tmp/run.out" 2>"$tmp/run.err"; } 2>"$tmp/time" \
		|| { cat "$tmp/run.out" "$tmp/run.err" >&2; die "$fmt run $run failed: $*"; }
	t=$(tail -n1 "$tmp/time")
	awk -v f="$fmt" -v r="$run" '{ printf "%s %s %.3f %.3f\n", f, r, $1, $2 + $3 }' <<<"$t" >>"$results"
}

fresh() {   # fresh DB: a copy of the target
	rm -f "$1" "$1-wal" "$1-shm"
	cp "$tmp/target.db" "$1"
}

tdc_run() {   # tdc_run FORMAT FILE KIND_NAME RUN
	fresh "$tmp/run.db"
	timed "$1" "$4" "$TDC_BIN" import teachers "$2" --db "$tmp/run.db"
	grep -qF "$3, $TEACHERS rows: $TEACHERS new, 0 changed, 0 unchanged" "$tmp/run.out" \
		|| { cat "$tmp/run.out" "$tmp/run.err" >&2; die "$1 run $4 did not import $TEACHERS new teachers"; }
	[ "$(sqlite3 "$tmp/run.db" 'SELECT count(*) FROM persons')" = "$TEACHERS" ] \
		|| die "$1 run $4: the database does not have $TEACHERS persons"
	say "$1 run $4: $(awk -v f="$1" -v r="$4" '$1 == f && $2 == r { printf "%.2f s, CPU %.2f s", $3, $4 }' "$results")"
}

floor_run() {   # floor_run RUN
	rm -f "$tmp/floor.db" "$tmp/floor.db-wal" "$tmp/floor.db-shm"
	timed floor "$1" sqlite3 "$tmp/floor.db" "PRAGMA journal_mode = WAL" "PRAGMA synchronous = NORMAL" \
		".mode csv" ".import '$tmp/teachers.csv' bare"
	[ "$(sqlite3 "$tmp/floor.db" 'SELECT count(*) FROM bare')" = "$TEACHERS" ] \
		|| die "floor run $1: the bare table does not have $TEACHERS rows"
	say "floor run $1: $(awk -v r="$1" '$1 == "floor" && $2 == r { printf "%.2f s, CPU %.2f s", $3, $4 }' "$results")"
}

# The formats alternate within each round, so drift in the machine's load
# spreads over all of them.
for r in $(seq "$RUNS"); do
	say "round $r of $RUNS"
	floor_run "$r"
	tdc_run csv "$tmp/teachers.csv" "CSV (UTF-8)" "$r"
	tdc_run gb18030 "$tmp/teachers-gb18030.csv" "CSV (GB18030)" "$r"
	tdc_run xlsx "$tmp/teachers.xlsx" ".xlsx" "$r"
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)

# --- figures ---------------------------------------------------------------------
median() {   # median FORMAT COLUMN (3 wall, 4 CPU)
	awk -v f="$1" -v c="$2" '$1 == f { print $c }' "$results" | sort -g \
		| awk '{ v[NR] = $1 } END {
			if (NR == 0) { print "NaN"; exit }
			if (NR % 2) m = v[(NR + 1) / 2]; else m = (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf "%.3f\n", m }'
}
runs_of() { awk -v f="$1" '$1 == f { printf "%s%.2f", (n++ ? ", " : ""), $3 }' "$results"; }
rate() { awk -v n="$TEACHERS" -v s="$1" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }'; }
met() { awk -v s="$1" -v t="$2" 'BEGIN { print (s <= t ? "yes" : "no") }'; }
verdict() { if [ "$1" = yes ]; then echo "**met**"; else echo "**not met**"; fi; }
fmt_s() { awk -v v="$1" 'BEGIN { printf "%.2f", v }'; }
fmt_int() { awk -v v="$1" 'BEGIN { printf "%.0f", v }'; }

floor_s=$(median floor 3); floor_cpu=$(median floor 4)
csv_s=$(median csv 3);     csv_cpu=$(median csv 4)
gb_s=$(median gb18030 3);  gb_cpu=$(median gb18030 4)
xlsx_s=$(median xlsx 3);   xlsx_cpu=$(median xlsx 4)
csv_ok=$(met "$csv_s" "$TARGET_CSV")
gb_ok=$(met "$gb_s" "$TARGET_CSV")
xlsx_ok=$(met "$xlsx_s" "$TARGET_XLSX")

cpu_model=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null)
[ -n "$cpu_model" ] || cpu_model="unknown"
mem=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo 2>/dev/null)
cores=$(nproc)
kernel=$(uname -r)
# shellcheck disable=SC1091
os=$(. /etc/os-release 2>/dev/null && echo "${PRETTY_NAME:-}")
when=$(date '+%Y-%m-%d %H:%M %Z')
sqlite_version=$(sqlite3 --version | awk '{ print $1 }')
rev=$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ "$rev" != unknown ] && [ -n "$(git -C "$top" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
	rev="$rev with uncommitted changes"
fi
bin_rel=${TDC_BIN#"$top"/}
buildtype=$(grep -o '"name": "buildtype", "value": "[a-z]*"' \
	"$(dirname "$TDC_BIN")/meson-info/intro-buildoptions.json" 2>/dev/null \
	| sed 's/.*"value": "\([a-z]*\)"/\1/' || true)
size_of() { awk -v b="$(stat -c %s "$1")" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }

row() {   # row LABEL FORMAT MEDIAN_S CPU_S TARGET
	printf '| %s | %s | %s | %s | %s | %s× | %s |\n' "$1" "$(runs_of "$2")" "$(fmt_s "$3")" \
		"$(fmt_int "$(rate "$3")")" "$(fmt_s "$4")" "$(ratio "$3" "$floor_s")" "$5"
}

section=$tmp/section.md
{
	echo "$BEGIN_MARK"
	echo '<!-- Written by bench/import.sh (make bench); edits here are overwritten. -->'
	echo '## Import'
	echo
	echo "Measured $when by \`bench/import.sh\`, tdc at $rev (\`$bin_rel\`${buildtype:+, meson buildtype $buildtype})."
	echo
	echo "- **Machine:** $cores cores (nproc), $cpu_model, $mem memory; ${os:+$os, }Linux $kernel."
	echo "  Load average before the run: $load_before; after: $load_after."
	echo "- **Data:** \`tdc init --demo --teachers $TEACHERS --seed $SEED\`${data_line:+ ($data_line)},"
	echo "  exported with \`tdc export teachers --unmasked\`: CSV (UTF-8 with BOM, $(size_of "$tmp/teachers.csv")),"
	echo "  the same converted with iconv to GB18030 without BOM ($(size_of "$tmp/teachers-gb18030.csv")), and .xlsx"
	echo "  ($(size_of "$tmp/teachers.xlsx")); $(head -n 1 "$tmp/teachers.csv" | tr ',' '\n' | wc -l) columns, $TEACHERS rows each."
	echo "- **Import:** \`tdc import teachers FILE\` into a fresh copy of the demo database with every person"
	echo "  deleted ($schools schools, no persons): every row is checked, inserted with its \"created\""
	echo "  history row and its search-index entry, in one transaction."
	echo "- **Floor:** the sqlite3 shell ($sqlite_version) \`.mode csv\` \`.import\` of the same UTF-8 CSV into a"
	echo "  bare table (no checks, no indexes) of a fresh file database with \`journal_mode = WAL\` and"
	echo "  \`synchronous = NORMAL\`, as tdc opens its database; measured in the same rounds."
	echo "- **Runs:** $RUNS round(s), each running the floor and the three formats in turn; figures are the"
	echo "  median of the rounds. Seconds are wall-clock time of the whole command (start-up, reading,"
	echo "  checking, writing, commit); CPU is its user + system time, less sensitive to other work on"
	echo "  the machine. Ratio: tdc's median time over the floor's."
	echo
	echo '| format | seconds of each run | median s | rows/s | CPU s | × floor | target |'
	echo '| --- | --- | ---: | ---: | ---: | ---: | --- |'
	printf '| floor: sqlite3 `.import` (CSV) | %s | %s | %s | %s | 1.0× | |\n' "$(runs_of floor)" \
		"$(fmt_s "$floor_s")" "$(fmt_int "$(rate "$floor_s")")" "$(fmt_s "$floor_cpu")"
	row "tdc: CSV (UTF-8)" csv "$csv_s" "$csv_cpu" "≤ $TARGET_CSV s: $(verdict "$csv_ok")"
	row "tdc: CSV (GB18030)" gb18030 "$gb_s" "$gb_cpu" "≤ $TARGET_CSV s: $(verdict "$gb_ok")"
	row "tdc: .xlsx" xlsx "$xlsx_s" "$xlsx_cpu" "≤ $TARGET_XLSX s: $(verdict "$xlsx_ok")"
	echo
	echo 'Reproduce: `make bench` (builds, then runs the benchmarks), or `bench/import.sh` alone; `TDC_BIN`,'
	echo '`RUNS` and `TEACHERS` override the binary, the rounds and the number of teachers.'
	echo "$END_MARK"
} >"$section"

# Replace the section in BENCH_OUT, keeping everything else.
mkdir -p "$(dirname "$BENCH_OUT")"
new=$tmp/performance.md
if [ -f "$BENCH_OUT" ] && grep -qxF "$BEGIN_MARK" "$BENCH_OUT" && grep -qxF "$END_MARK" "$BENCH_OUT"; then
	awk -v sec="$section" -v b="$BEGIN_MARK" -v e="$END_MARK" '
		$0 == b { while ((getline l < sec) > 0) print l; skip = 1; next }
		$0 == e { skip = 0; next }
		!skip { print }' "$BENCH_OUT" >"$new"
elif [ -f "$BENCH_OUT" ]; then
	{ cat "$BENCH_OUT"; echo; cat "$section"; } >"$new"
else
	{
		echo '# Performance'
		echo
		echo 'Benchmarks of tdc and their figures. Each section between marker comments is written'
		echo 'by the script named in it; run `make bench` to measure again.'
		echo
		cat "$section"
	} >"$new"
fi
cat "$new" >"$BENCH_OUT"
say "wrote $BENCH_OUT"

printf '\nfloor (sqlite3 .import): %s s, %s rows/s\n' "$(fmt_s "$floor_s")" "$(fmt_int "$(rate "$floor_s")")"
printf 'tdc CSV (UTF-8):         %s s, %s rows/s, %s x floor (target <= %s s: %s)\n' "$(fmt_s "$csv_s")" \
	"$(fmt_int "$(rate "$csv_s")")" "$(ratio "$csv_s" "$floor_s")" "$TARGET_CSV" "$csv_ok"
printf 'tdc CSV (GB18030):       %s s, %s rows/s, %s x floor (target <= %s s: %s)\n' "$(fmt_s "$gb_s")" \
	"$(fmt_int "$(rate "$gb_s")")" "$(ratio "$gb_s" "$floor_s")" "$TARGET_CSV" "$gb_ok"
printf 'tdc .xlsx:               %s s, %s rows/s, %s x floor (target <= %s s: %s)\n' "$(fmt_s "$xlsx_s")" \
	"$(fmt_int "$(rate "$xlsx_s")")" "$(ratio "$xlsx_s" "$floor_s")" "$TARGET_XLSX" "$xlsx_ok"
if [ "$BENCH_STRICT" = 1 ] && { [ "$csv_ok" != yes ] || [ "$gb_ok" != yes ] || [ "$xlsx_ok" != yes ]; }; then
	exit 1
fi
exit 0
