#!/usr/bin/env bash
# The package.json scripts that run TypeScript with tsx (keys:*, db:*, import:prototype, bench):
# tsx is a devDependency, which `npm run dev`'s first install leaves out, so install everything
# first when it is missing. npm's output goes to stderr: `npm run -s keys:generate` prints the key alone.
set -euo pipefail
source "$(dirname "$0")/ensure-node-modules.sh" all >&2
exec node_modules/.bin/tsx --conditions=react-server "$@"
