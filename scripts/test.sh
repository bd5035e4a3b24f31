#!/usr/bin/env bash
# `npm test`: every check, from a fresh clone on a fresh machine. Installs PostgreSQL 15,
# Chromium and python3-cryptography when missing, then: typecheck, lint, vitest (unit, and
# integration on PGlite and on a real PostgreSQL 15 it starts itself), a production build, and
# Playwright in Debian's Chromium against `next start`. Stops at the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."

export NEXT_TELEMETRY_DISABLED=1 CLERK_TELEMETRY_DISABLED=1
bash scripts/install-system-deps.sh
source scripts/ensure-node-modules.sh all

step() {
  local name=$1
  shift
  echo
  echo "==> $name"
  local started=$SECONDS
  "$@"
  echo "==> $name passed ($((SECONDS - started)) s)"
}

# What the tree looked like before the run: a run must never change a tracked file.
tracked_before=$(git status --porcelain --untracked-files=no 2>/dev/null || true)

# `npm ci` refuses a lock file out of sync with package.json; the dry run checks that and touches nothing.
lock_accepted() { npm ci --dry-run --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null; }
step "lock file accepted by npm ci" lock_accepted
step "typecheck" node_modules/.bin/tsc --noEmit
step "lint" node_modules/.bin/eslint --max-warnings=0 .
step "unit and integration tests (vitest, with V8 coverage in coverage/)" node_modules/.bin/vitest run --coverage
# Standalone as well (about 0.5 s more), so e2e/standalone.spec.ts runs the container's server.js
# from this one build while every other spec keeps using `next start`.
step "production build" env NEXT_OUTPUT=standalone NEXT_DIST_DIR=.next-test node_modules/.bin/next build
step "end-to-end tests (Playwright, Chromium)" node_modules/.bin/playwright test
tracked_unchanged() {
  local after
  after=$(git status --porcelain --untracked-files=no 2>/dev/null || true)
  if [ "$after" != "$tracked_before" ]; then
    echo "The run changed tracked files:" >&2
    git status --porcelain --untracked-files=no >&2
    git diff --stat >&2
    return 1
  fi
}
step "no tracked file changed" tracked_unchanged
echo
echo "All checks passed."
