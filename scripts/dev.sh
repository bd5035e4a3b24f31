#!/usr/bin/env bash
# `npm run dev`: the app on the embedded default (PGlite in .data/, local sign-in, provider
# simulator) at http://localhost:3000. No keys, no services.
#
# It listens on 127.0.0.1 only: local sign-in has no password, so nothing else on the network may
# reach it. `npm run dev -- -H <address>` picks another address; local mode still answers only
# loopback names unless LOCAL_MODE_ALLOW_REMOTE=on (see .env.example).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-node-modules.sh app
export NEXT_TELEMETRY_DISABLED=1

host=127.0.0.1
port="${PORT:-3000}"
for arg in "$@"; do
  case "$arg" in
    -H | --hostname | -H=* | --hostname=*) host="" ;;
  esac
done
prev=""
for arg in "$@"; do
  case "$prev" in -p | --port) port="$arg" ;; esac
  case "$arg" in -p=* | --port=*) port="${arg#*=}" ;; esac
  prev="$arg"
done

# Turbopack compiles each page on its first request, and the dashboard is the slowest (about 11 s
# on a quiet machine): one GET / as soon as Next listens compiles it while the newcomer reads the
# banner and opens the browser, whose request then waits for that compile instead of starting it.
# Nothing is rendered twice (the page is dynamic); DEV_WARM_FIRST_PAGE=off skips it.
# docs/benchmarks.md "First run" has the measurement.
# One request, no retries (an error page is not asked for again); and none if something else
# already listened on the port before Next started (Next then fails, or moves to another port).
listening() { (exec 3<>"/dev/tcp/127.0.0.1/${port}") 2>/dev/null; }
warm_first_page() {
  if listening; then return; fi
  for _ in $(seq 1200); do
    sleep 0.5
    if listening; then
      curl --silent --output /dev/null --max-time 900 "http://127.0.0.1:${port}/" || true
      return
    fi
  done
}

if [ -n "$host" ]; then
  echo "==> Listening on 127.0.0.1 only (loopback): open http://localhost:${port}"
  if [ "${DEV_WARM_FIRST_PAGE:-on}" != off ] && command -v curl >/dev/null; then warm_first_page & fi
  # Next would also print a "Network:" address, which on loopback is the local one again and
  # suggests the app is reachable from other machines: drop that line, keep everything else.
  exec node_modules/.bin/next dev -H "$host" "$@" > >(grep --line-buffered -v 'Network:')
fi
echo "==> Listening where -H says; in local sign-in mode only loopback names are answered unless LOCAL_MODE_ALLOW_REMOTE=on"
exec node_modules/.bin/next dev "$@"
