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

if [ -n "$host" ]; then
  echo "==> Listening on 127.0.0.1 only (loopback): open http://localhost:${port}"
  # Next would also print a "Network:" address, which on loopback is the local one again and
  # suggests the app is reachable from other machines: drop that line, keep everything else.
  exec node_modules/.bin/next dev -H "$host" "$@" > >(grep --line-buffered -v 'Network:')
fi
echo "==> Listening where -H says; in local sign-in mode only loopback names are answered unless LOCAL_MODE_ALLOW_REMOTE=on"
exec node_modules/.bin/next dev "$@"
