#!/usr/bin/env bash
# `npm run dev`: the app on the embedded default (PGlite in .data/, local sign-in, provider
# simulator) at http://localhost:3000. No keys, no services.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-node-modules.sh
export NEXT_TELEMETRY_DISABLED=1
exec node_modules/.bin/next dev "$@"
