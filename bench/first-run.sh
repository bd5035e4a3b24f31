#!/usr/bin/env bash
# Time from a fresh clone to the first page (issue 10 item 3; docs/benchmarks.md "First run"):
# `git clone`, then `npm run dev` exactly as a newcomer runs it (it installs the packages itself),
# then `GET /api/health` until 200 and `GET /` until rendered; then a second start of the same
# clone. Prints one line per phase, from the server's own output lines, timestamped as they arrive,
# and the CPU seconds (user + sys) of `npm run dev`'s process tree, which a shared machine's load
# moves much less than wall time.
#
#   bash bench/first-run.sh [repository, default: this one] [commit-ish, default: HEAD]
#
# Uses npm's download cache as it is (say whether it was warm when quoting a figure) and port
# $PORT (default 3999). Removes the clone afterwards. Keep PORT free and the machine quiet.
set -euo pipefail
src="${1:-$(cd "$(dirname "$0")/.." && pwd)}"
rev="${2:-HEAD}"
port="${PORT:-3999}"
work="$(mktemp -d /tmp/gk-first-run-XXXXXX)"
server_pid=""

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f s", b - a }'; }
stop_server() {
  if [ -n "$server_pid" ]; then
    kill -TERM -- "-$server_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 -- "-$server_pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL -- "-$server_pid" 2>/dev/null || true
    server_pid=""
  fi
}
cleanup() { stop_server; rm -rf "$work"; }
trap cleanup EXIT INT TERM

# Starts `npm run dev` in its own process group; every output line gets its arrival time.
start_dev() {
  local log=$1
  setsid bash -c 'cd "$1" && PORT="$2" npm run dev 2>&1 | while IFS= read -r line; do printf "%s %s\n" "$(date +%s.%N)" "$line"; done' \
    _ "$work/app" "$port" >"$log" &
  server_pid=$!
}
wait_for() {
  local url=$1
  for _ in $(seq 3000); do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 300 "$url")" = 200 ]; then now; return; fi
    sleep 0.1
  done
  echo "no 200 from $url" >&2
  exit 1
}
# CPU seconds (user + sys) used so far by `npm run dev`'s process group: every live process's own
# time plus what its reaped children used (npm ci, Next's workers). On a shared machine this moves
# much less than wall time.
group_cpu() {
  local pgid=$1 tck
  tck=$(getconf CLK_TCK)
  # /proc/PID/stat: field 2 (comm) may hold spaces, so split after its closing parenthesis.
  for stat in /proc/[0-9]*/stat; do cat "$stat" 2>/dev/null; echo; done |
    awk -v g="$pgid" -v t="$tck" '{ sub(/^.*\) /, ""); if ($3 == g) s += $12 + $13 + $14 + $15 } END { printf "%.1f s", s / t }'
}
# The arrival time of the first output line matching a pattern.
line_at() { grep -m1 -E "$2" "$1" | cut -d' ' -f1; }

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
t0=$(now)
git clone -q "$src" "$work/app"
git -C "$work/app" checkout -q "$rev"
t_clone=$(now)
start_dev "$work/first.log"
# CPU once a second, to read off what `npm ci` used by the time its "added N packages" line came.
( while kill -0 "$server_pid" 2>/dev/null; do echo "$(now) $(group_cpu "$server_pid")"; sleep 1; done ) >"$work/cpu.samples" 2>/dev/null &
t_health=$(wait_for "http://localhost:$port/api/health")
cpu_health=$(group_cpu "$server_pid")
t_page=$(wait_for "http://localhost:$port/")
cpu_page=$(group_cpu "$server_pid")
t_again0=$(now)
wait_for "http://localhost:$port/" >/dev/null
t_again=$(now)
log="$work/first.log"
t_npm_end=$(line_at "$log" 'added [0-9]+ packages' || true)
t_next=$(line_at "$log" '▲ Next.js')
t_ready=$(line_at "$log" 'Ready in')
t_app=$(line_at "$log" 'grantkeeper ready')
echo "git clone:                          $(since "$t0" "$t_clone")"
if [ -n "$t_npm_end" ]; then echo "npm ci:                             $(since "$t_clone" "$t_npm_end")"; fi
echo "until Next's banner:                $(since "$t_clone" "$t_next")"
echo "banner to 'Ready':                  $(since "$t_next" "$t_ready")"
echo "'Ready' to 'grantkeeper ready':     $(since "$t_ready" "$t_app")"
echo "until /api/health answers 200:      $(since "$t_clone" "$t_health")"
echo "then GET / rendered:                $(since "$t_health" "$t_page")"
echo "total, clone to first page:         $(since "$t0" "$t_page")"
echo "CPU (npm ci + next dev) to health:  $cpu_health"
echo "CPU (npm ci + next dev) to page:    $cpu_page"
if [ -n "$t_npm_end" ]; then echo "CPU at npm ci's end (1 s samples):   $(awk -v t="$t_npm_end" '$1 >= t { print $2, $3; exit }' "$work/cpu.samples")"; fi
echo "files in node_modules:              $(find "$work/app/node_modules" -type f | wc -l)"
echo "the next GET /:                     $(since "$t_again0" "$t_again")"
grep -E 'GET /(api/health)? 200 in' "$log" | head -3 | cut -d' ' -f2- | sed 's/^/  next: /'
stop_server

start_dev "$work/second.log"
t1=$(now)
wait_for "http://localhost:$port/api/health" >/dev/null
t2=$(wait_for "http://localhost:$port/")
echo "second start until / rendered:      $(since "$t1" "$t2")"
echo "second start CPU to page:           $(group_cpu "$server_pid")"
grep -E 'GET / 200 in' "$work/second.log" | head -1 | cut -d' ' -f2- | sed 's/^/  next: /'
# Next installs TypeScript packages itself (into package.json) when they are missing: never here.
echo "tracked files changed by the runs:  $(git -C "$work/app" status --porcelain --untracked-files=no | wc -l)"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
