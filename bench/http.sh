#!/usr/bin/env bash
# bench/http.sh - the HTTP benchmark: tdc's sign-in page against nginx.
#
# Serves GET /login with tdc (a fresh demo database) and the same bytes as a
# static file with nginx, both on 127.0.0.1; loads each with
# `wrk -t2 -c64 -d10s --latency` RUNS times (after a warm-up), alternating
# the two servers; stops both; and writes requests/s, p50/p99 latency, the
# ratio and the machine to the section "HTTP: the sign-in page" of
# docs/performance.md (only that section, between its marker comments).
#
# Usage: bench/http.sh            (or `make bench`, which builds first)
# Environment:
#   TDC_BIN     the tdc binary (default: build/tdc)
#   RUNS        measured runs per server (default 2); the median is reported
#   DURATION    seconds per run (default 10)
#   WARMUP      seconds of warm-up per server before the runs (default 2)
#   BENCH_OUT   the file to write (default: docs/performance.md)
#   BENCH_STRICT=1  exit 1 when a target is missed (default: report only)
#
# Needs wrk, nginx (nginx-light) and curl: scripts/deps installs them.  Runs
# nginx with its own configuration in a temporary directory; the system's
# nginx and its files are never touched.  Everything stays on loopback, every
# step is bounded in time, and all processes and files are removed on exit.
# shellcheck disable=SC2016  # backquotes in single quotes are Markdown
set -euo pipefail
export LC_ALL=C

top=$(cd "$(dirname "$0")/.." && pwd)
TDC_BIN=${TDC_BIN:-$top/build/tdc}
RUNS=${RUNS:-2}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
BENCH_OUT=${BENCH_OUT:-$top/docs/performance.md}
BENCH_STRICT=${BENCH_STRICT:-0}
WRK_THREADS=2
WRK_CONNS=64
TEACHERS=2000
SEED=1
NGINX_WORKERS=2
TARGET_RATIO=50   # tdc's req/s as a percentage of nginx's, at least
TARGET_P99=10     # tdc's p99 in ms, at most

say() { printf 'bench/http: %s\n' "$*" >&2; }
die() { printf 'bench/http: error: %s\n' "$*" >&2; exit 1; }

case $RUNS in ''|*[!0-9]*|0) die "RUNS must be a positive integer (got '$RUNS')";; esac
case $DURATION in ''|*[!0-9]*|0) die "DURATION must be a positive integer (got '$DURATION')";; esac
case $WARMUP in ''|*[!0-9]*) die "WARMUP must be a non-negative integer (got '$WARMUP')";; esac

# --- tools -------------------------------------------------------------------
PATH=$PATH:/usr/sbin:/sbin
missing=""
for t in wrk nginx curl; do
	command -v "$t" >/dev/null 2>&1 || missing="$missing $t"
done
[ -z "$missing" ] || die "missing:$missing - run scripts/deps (installs wrk, nginx-light, curl)"
command -v timeout >/dev/null 2>&1 || die "missing: timeout (coreutils)"
case $TDC_BIN in /*) ;; *) TDC_BIN=$PWD/$TDC_BIN ;; esac
[ -x "$TDC_BIN" ] || die "no tdc binary at $TDC_BIN - build it (make build) or set TDC_BIN"

# --- temporary directory and cleanup ------------------------------------------
tmp=""
tdc_pid=""
nginx_pid=""
wrk_pid=""

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
	stop_pid "$wrk_pid"; wrk_pid=""
	stop_pid "$tdc_pid"; tdc_pid=""
	stop_pid "$nginx_pid"; nginx_pid=""
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

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tdc-bench.XXXXXX")
# nginx's workers drop root for `nobody`: they must be able to read the file.
chmod 755 "$tmp"

# --- tdc ---------------------------------------------------------------------
say "creating the demo database (--teachers $TEACHERS --seed $SEED)"
timeout 300 "$TDC_BIN" init --db "$tmp/bench.db" --demo --teachers "$TEACHERS" --seed "$SEED" \
	>"$tmp/init.out" 2>&1 || { cat "$tmp/init.out" >&2; die "tdc init failed"; }
data_line=$(sed -n 's/^tdc: demo city created in [^:]*: //p' "$tmp/init.out" | head -n1)
# The database with its WAL folded in, as a server would find it.
db_bytes=$(stat -c %s "$tmp/bench.db")

say "starting tdc serve (TDC_ACCESS_LOG=false)"
TDC_ACCESS_LOG=false "$TDC_BIN" serve --db "$tmp/bench.db" --listen 127.0.0.1:0 \
	>"$tmp/tdc.out" 2>"$tmp/tdc.err" </dev/null &
tdc_pid=$!
tdc_port=""
for _ in $(seq 100); do
	tdc_port=$(sed -n 's|^tdc: serving http://127\.0\.0\.1:\([0-9][0-9]*\)/.*|\1|p' "$tmp/tdc.out" | head -n1)
	[ -n "$tdc_port" ] && break
	kill -0 "$tdc_pid" 2>/dev/null || break
	sleep 0.1
done
if [ -z "$tdc_port" ]; then
	cat "$tmp/tdc.out" "$tmp/tdc.err" >&2
	die "tdc serve did not start within 10 s"
fi
tdc_threads=$(sed -n 's/^tdc: serving .* with \([0-9][0-9]*\) threads.*/\1/p' "$tmp/tdc.out" | head -n1)
tdc_url=http://127.0.0.1:$tdc_port/login
say "tdc on $tdc_url (${tdc_threads:-?} threads)"

# The reference body: one response of tdc's, saved as the static file.
mkdir -p "$tmp/www"
curl -fsS --max-time 5 -D "$tmp/tdc.headers" -o "$tmp/www/login" "$tdc_url" \
	|| die "GET $tdc_url failed"
body_bytes=$(stat -c %s "$tmp/www/login")
[ "$body_bytes" -gt 0 ] || die "GET $tdc_url returned an empty body"
grep -qi '^set-cookie: tdc_pre=' "$tmp/tdc.headers" \
	|| say "note: tdc's /login did not set tdc_pre (the page may have changed)"
tdc_header_bytes=$(stat -c %s "$tmp/tdc.headers")
chmod 755 "$tmp/www"; chmod 644 "$tmp/www/login"

# --- nginx ---------------------------------------------------------------------
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

write_nginx_conf() {   # write_nginx_conf PORT
	mkdir -p "$tmp/nginx/tmp"
	cat >"$tmp/nginx/nginx.conf" <<EOF
# bench/http.sh: a private nginx, everything inside $tmp
worker_processes $NGINX_WORKERS;
daemon off;
pid $tmp/nginx/nginx.pid;
lock_file $tmp/nginx/nginx.lock;
error_log $tmp/nginx/error.log warn;
events {
	worker_connections 1024;
}
http {
	access_log off;
	client_body_temp_path $tmp/nginx/tmp/body;
	proxy_temp_path $tmp/nginx/tmp/proxy;
	fastcgi_temp_path $tmp/nginx/tmp/fastcgi;
	uwsgi_temp_path $tmp/nginx/tmp/uwsgi;
	scgi_temp_path $tmp/nginx/tmp/scgi;
	types { }
	default_type "text/html; charset=utf-8";
	# Tuned for one small file (measured: sendfile costs more CPU per
	# request here than a read from the cached descriptor).
	sendfile off;
	open_file_cache max=16;
	keepalive_timeout 65;
	keepalive_requests 1000000;
	server {
		listen 127.0.0.1:$1;
		server_name localhost;
		root $tmp/www;
		location = /login { }
		location / { return 404; }
	}
}
EOF
}

nginx_port=""
for _ in $(seq 20); do
	port=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
	port_busy "$port" && continue
	write_nginx_conf "$port"
	rm -f "$tmp/nginx/error.log"
	nginx -e "$tmp/nginx/error.log" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" \
		>"$tmp/nginx/stdout" 2>&1 </dev/null &
	nginx_pid=$!
	for _ in $(seq 50); do
		kill -0 "$nginx_pid" 2>/dev/null || break
		if curl -fsS --max-time 2 -o /dev/null "http://127.0.0.1:$port/login" 2>/dev/null; then
			nginx_port=$port
			break
		fi
		sleep 0.1
	done
	[ -n "$nginx_port" ] && break
	stop_pid "$nginx_pid"; nginx_pid=""
	if grep -q 'Address already in use' "$tmp/nginx/error.log" "$tmp/nginx/stdout" 2>/dev/null; then
		continue
	fi
	cat "$tmp/nginx/error.log" "$tmp/nginx/stdout" >&2 2>/dev/null || true
	die "nginx did not start"
done
[ -n "$nginx_port" ] || die "no free port for nginx after 20 tries"
nginx_url=http://127.0.0.1:$nginx_port/login
curl -fsS --max-time 5 -D "$tmp/nginx.headers" -o "$tmp/nginx.body" "$nginx_url" \
	|| die "GET $nginx_url failed"
cmp -s "$tmp/nginx.body" "$tmp/www/login" || die "nginx does not serve the same bytes as tdc's /login"
nginx_header_bytes=$(stat -c %s "$tmp/nginx.headers")
nginx_version=$(nginx -v 2>&1 | sed 's|^nginx version: nginx/||')
say "nginx $nginx_version on $nginx_url ($NGINX_WORKERS workers), body $body_bytes bytes"

# --- load ----------------------------------------------------------------------
# to_ms VALUE: wrk's "850.00us", "1.58ms", "1.02s", "2.00m" in milliseconds.
to_ms() {
	awk -v v="$1" 'BEGIN {
		n = v; sub(/[a-z]+$/, "", n); u = substr(v, length(n) + 1)
		if (u == "us") f = 0.001; else if (u == "ms") f = 1; else if (u == "s") f = 1000
		else if (u == "m") f = 60000; else if (u == "h") f = 3600000
		else { print "NaN"; exit 1 }
		printf "%.3f\n", n * f }'
}

# run_wrk NAME URL SECONDS FILE: one wrk run, its output in FILE.  In the
# background and waited for, so that a signal to this script acts at once.
run_wrk() {
	timeout --kill-after=5 $(( $3 + 30 )) \
		wrk -t"$WRK_THREADS" -c"$WRK_CONNS" -d"$3"s --latency "$2" >"$4" 2>&1 </dev/null &
	wrk_pid=$!
	wait "$wrk_pid" || { wrk_pid=""; cat "$4" >&2; die "wrk against $1 ($2) failed"; }
	wrk_pid=""
	grep -q '^Requests/sec:' "$4" || { cat "$4" >&2; die "no Requests/sec in wrk's output for $1"; }
}

# Results, one line per run:
#   "server run rps p50_ms p99_ms errors non2xx cpu_us_per_request"
results=$tmp/results
: >"$results"

# CPU time (user + system, in clock ticks) used so far by each server: tdc's
# process (all its threads); nginx's master and workers.
clk_tck=$(getconf CLK_TCK 2>/dev/null || echo 100)
tdc_ticks() { awk '{ print $14 + $15 }' "/proc/$tdc_pid/stat"; }
nginx_ticks() {
	cat /proc/[0-9]*/stat 2>/dev/null \
		| awk -v p="$nginx_pid" '$2 == "(nginx)" && ($1 == p || $4 == p) { t += $14 + $15 } END { print t + 0 }'
}

# parse_wrk NAME RUN FILE CPU_TICKS
parse_wrk() {
	local rps p50 p99 errs non2xx reqs cpu
	rps=$(awk '/^Requests\/sec:/ { print $2 }' "$3")
	reqs=$(awk '/ requests in / { print $1; exit }' "$3")
	cpu=$(awk -v t="$4" -v n="${reqs:-0}" -v hz="$clk_tck" 'BEGIN { printf "%.2f", (n > 0 ? t * 1e6 / hz / n : 0) }')
	p50=$(to_ms "$(awk '/Latency Distribution/ { d = 1; next } d && $1 == "50%" { print $2; exit }' "$3")")
	p99=$(to_ms "$(awk '/Latency Distribution/ { d = 1; next } d && $1 == "99%" { print $2; exit }' "$3")")
	errs=$(awk '/Socket errors:/ { gsub(/,/, ""); print $4 + $6 + $8 + $10 }' "$3")
	non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$3")
	printf '%s %s %s %s %s %s %s %s\n' "$1" "$2" "$rps" "$p50" "$p99" "${errs:-0}" "${non2xx:-0}" "$cpu" >>"$results"
	say "$1 run $2: $rps req/s, p50 $p50 ms, p99 $p99 ms, server CPU $cpu us/request, socket errors ${errs:-0}, non-2xx ${non2xx:-0}"
}

if [ "$WARMUP" -gt 0 ]; then
	say "warm-up: ${WARMUP} s each"
	run_wrk tdc "$tdc_url" "$WARMUP" "$tmp/warmup-tdc.txt"
	run_wrk nginx "$nginx_url" "$WARMUP" "$tmp/warmup-nginx.txt"
fi
for r in $(seq "$RUNS"); do
	say "run $r of $RUNS: wrk -t$WRK_THREADS -c$WRK_CONNS -d${DURATION}s --latency"
	t0=$(tdc_ticks)
	run_wrk tdc "$tdc_url" "$DURATION" "$tmp/tdc-$r.txt"
	parse_wrk tdc "$r" "$tmp/tdc-$r.txt" $(( $(tdc_ticks) - t0 ))
	t0=$(nginx_ticks)
	run_wrk nginx "$nginx_url" "$DURATION" "$tmp/nginx-$r.txt"
	parse_wrk nginx "$r" "$tmp/nginx-$r.txt" $(( $(nginx_ticks) - t0 ))
done

kill -0 "$tdc_pid" 2>/dev/null || die "tdc died during the benchmark"
kill -0 "$nginx_pid" 2>/dev/null || die "nginx died during the benchmark"
say "stopping tdc and nginx"
stop_pid "$tdc_pid"; tdc_pid=""
stop_pid "$nginx_pid"; nginx_pid=""

# --- figures ---------------------------------------------------------------------
# median SERVER COLUMN (3 rps, 4 p50, 5 p99): the median of the runs; for an
# even count, the mean of the middle two.
median() {
	awk -v s="$1" -v c="$2" '$1 == s { print $c }' "$results" | sort -g \
		| awk '{ v[NR] = $1 } END {
			if (NR == 0) { print "NaN"; exit }
			if (NR % 2) m = v[(NR + 1) / 2]; else m = (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf "%.3f\n", m }'
}
runs_of() {   # runs_of SERVER COLUMN FORMAT: the runs' values, comma-separated
	awk -v s="$1" -v c="$2" -v f="$3" '$1 == s { printf "%s" f, (n++ ? ", " : ""), $c }' "$results"
}
sum_of() { awk -v s="$1" -v c="$2" '$1 == s { t += $c } END { print t + 0 }' "$results"; }

tdc_rps=$(median tdc 3);     nginx_rps=$(median nginx 3)
tdc_p50=$(median tdc 4);     nginx_p50=$(median nginx 4)
tdc_p99=$(median tdc 5);     nginx_p99=$(median nginx 5)
tdc_cpu=$(median tdc 8);     nginx_cpu=$(median nginx 8)
ratio=$(awk -v a="$tdc_rps" -v b="$nginx_rps" 'BEGIN { printf "%.1f", (b > 0 ? 100 * a / b : 0) }')
ratio_ok=$(awk -v r="$ratio" -v t="$TARGET_RATIO" 'BEGIN { print (r >= t ? "yes" : "no") }')
p99_ok=$(awk -v p="$tdc_p99" -v t="$TARGET_P99" 'BEGIN { print (p <= t ? "yes" : "no") }')
tdc_errs=$(( $(sum_of tdc 6) + $(sum_of tdc 7) ))
nginx_errs=$(( $(sum_of nginx 6) + $(sum_of nginx 7) ))

fmt_int() { awk -v v="$1" 'BEGIN { printf "%.0f", v }'; }
fmt_ms() { awk -v v="$1" 'BEGIN { printf "%.2f", v }'; }
verdict() { if [ "$1" = yes ]; then echo "**met**"; else echo "**not met**"; fi; }

cpu_model=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null)
[ -n "$cpu_model" ] || cpu_model=$(awk -F': *' '/^(Hardware|cpu model|Model)/ { print $2; exit }' /proc/cpuinfo 2>/dev/null)
[ -n "$cpu_model" ] || cpu_model="unknown"
mem=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo 2>/dev/null)
cores=$(nproc)
kernel=$(uname -r)
# shellcheck disable=SC1091
os=$(. /etc/os-release 2>/dev/null && echo "${PRETTY_NAME:-}")
when=$(date '+%Y-%m-%d %H:%M %Z')
wrk_version=$({ wrk -v 2>&1 || true; } | sed -n 's/^wrk \([^ ]*\).*/\1/p' | head -n1)
rev=$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ "$rev" != unknown ] && [ -n "$(git -C "$top" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
	rev="$rev with uncommitted changes"
fi
bin_rel=${TDC_BIN#"$top"/}
buildtype=$(grep -o '"name": "buildtype", "value": "[a-z]*"' \
	"$(dirname "$TDC_BIN")/meson-info/intro-buildoptions.json" 2>/dev/null \
	| sed 's/.*"value": "\([a-z]*\)"/\1/' || true)
db_size=$(awk -v b="$db_bytes" 'BEGIN { printf (b >= 1048576 ? "%.1f MiB" : "%.0f KiB"), (b >= 1048576 ? b / 1048576 : b / 1024) }')

section=$tmp/section.md
{
	echo '<!-- bench:http:start -->'
	echo '<!-- Written by bench/http.sh (make bench); edits here are overwritten. -->'
	echo '## HTTP: the sign-in page'
	echo
	echo "Measured $when by \`bench/http.sh\`, tdc at $rev (\`$bin_rel\`${buildtype:+, meson buildtype $buildtype})."
	echo
	echo "- **Machine:** $cores cores (nproc), $cpu_model, $mem memory; ${os:+$os, }Linux $kernel."
	echo "  wrk and the server under test share these cores over loopback; load average before the run: $load_before."
	echo "- **Data:** \`tdc init --demo --teachers $TEACHERS --seed $SEED\`${data_line:+ ($data_line)}; database $db_size."
	echo "  The page: \`GET /login\`, a body of $body_bytes bytes; tdc's response headers are $tdc_header_bytes bytes"
	echo "  (a fresh \`tdc_pre\` cookie and CSRF token each time), nginx's $nginx_header_bytes bytes."
	echo "- **Servers:** tdc \`serve\` with ${tdc_threads:-the default} threads (one per core) and \`TDC_ACCESS_LOG=false\`;"
	echo "  the reference is nginx $nginx_version (\`worker_processes $NGINX_WORKERS\`, \`access_log off\`,"
	echo "  \`sendfile off\`, \`open_file_cache max=16\`, \`keepalive_requests 1000000\`: tuned for one small file)"
	echo "  serving the bytes of one tdc response as a static file, measured in the same run."
	echo "- **Load:** \`wrk -t$WRK_THREADS -c$WRK_CONNS -d${DURATION}s --latency\` (wrk $wrk_version), a ${WARMUP} s warm-up per server,"
	echo "  then $RUNS runs each, alternating tdc and nginx. Figures are the median of the runs (for an even"
	echo "  count, the mean of the middle two); p50 and p99 are wrk's latency distribution. Server CPU is the"
	echo "  user + system time the server's processes used during a run, divided by the requests served:"
	echo "  less sensitive than requests/s to whatever else the machine is doing."
	echo
	echo '| server | req/s of each run | median req/s | p50 ms | p99 ms | server CPU µs/request |'
	echo '| --- | --- | ---: | ---: | ---: | ---: |'
	echo "| tdc | $(runs_of tdc 3 '%.0f') | $(fmt_int "$tdc_rps") | $(fmt_ms "$tdc_p50") | $(fmt_ms "$tdc_p99") | $(fmt_ms "$tdc_cpu") |"
	echo "| nginx (reference) | $(runs_of nginx 3 '%.0f') | $(fmt_int "$nginx_rps") | $(fmt_ms "$nginx_p50") | $(fmt_ms "$nginx_p99") | $(fmt_ms "$nginx_cpu") |"
	echo
	echo "tdc / nginx: **$ratio %** of the requests/s."
	echo
	echo "Targets: tdc at least $TARGET_RATIO % of nginx's requests/s: $(verdict "$ratio_ok") ($ratio %);"
	echo "tdc's p99 at most $TARGET_P99 ms: $(verdict "$p99_ok") ($(fmt_ms "$tdc_p99") ms)."
	if [ "$tdc_errs" -ne 0 ] || [ "$nginx_errs" -ne 0 ]; then
		echo
		echo "Errors reported by wrk (socket errors + non-2xx responses, all runs): tdc $tdc_errs, nginx $nginx_errs."
	fi
	echo
	echo 'Each run:'
	echo
	echo '| run | tdc req/s | tdc p50 ms | tdc p99 ms | tdc CPU µs/req | nginx req/s | nginx p50 ms | nginx p99 ms | nginx CPU µs/req |'
	echo '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |'
	awk '{ v[$1, $2] = sprintf("%.0f | %.2f | %.2f | %.2f", $3, $4, $5, $8); if ($2 > n) n = $2 }
		END { for (i = 1; i <= n; i++) printf "| %d | %s | %s |\n", i, v["tdc", i], v["nginx", i] }' "$results"
	echo
	echo 'Reproduce: `make bench` (builds, then runs `bench/http.sh`; about a minute). `TDC_BIN`, `RUNS`,'
	echo '`DURATION` and `WARMUP` override the binary, the number of runs, and the seconds per run and warm-up.'
	echo '<!-- bench:http:end -->'
} >"$section"

# Replace the section in BENCH_OUT, keeping everything else.
mkdir -p "$(dirname "$BENCH_OUT")"
new=$tmp/performance.md
if [ -f "$BENCH_OUT" ] && grep -q '^<!-- bench:http:start -->' "$BENCH_OUT" \
	&& grep -q '^<!-- bench:http:end -->' "$BENCH_OUT"; then
	awk -v sec="$section" '
		/^<!-- bench:http:start -->/ { while ((getline l < sec) > 0) print l; skip = 1; next }
		/^<!-- bench:http:end -->/ { skip = 0; next }
		!skip { print }' "$BENCH_OUT" >"$new"
elif [ -f "$BENCH_OUT" ]; then
	{ cat "$BENCH_OUT"; echo; cat "$section"; } >"$new"
else
	{
		echo '# Performance'
		echo
		echo 'Benchmarks of tdc and their figures. Each section between `bench:…` marker comments'
		echo 'is written by the script named in it; run `make bench` to measure again.'
		echo
		cat "$section"
	} >"$new"
fi
cat "$new" >"$BENCH_OUT"
say "wrote $BENCH_OUT"

printf '\ntdc:   %s req/s (median), p50 %s ms, p99 %s ms\n' "$(fmt_int "$tdc_rps")" "$(fmt_ms "$tdc_p50")" "$(fmt_ms "$tdc_p99")"
printf 'nginx: %s req/s (median), p50 %s ms, p99 %s ms\n' "$(fmt_int "$nginx_rps")" "$(fmt_ms "$nginx_p50")" "$(fmt_ms "$nginx_p99")"
printf 'tdc/nginx: %s %% (target >= %s %%: %s); tdc p99 <= %s ms: %s\n' \
	"$ratio" "$TARGET_RATIO" "$ratio_ok" "$TARGET_P99" "$p99_ok"
if [ "$BENCH_STRICT" = 1 ] && { [ "$ratio_ok" != yes ] || [ "$p99_ok" != yes ]; }; then
	exit 1
fi
exit 0
