# Sourced by dev.sh (`source scripts/ensure-node-modules.sh app`), test.sh and run-tsx.sh (`... all`):
# installs the npm packages when they are missing or older than package-lock.json, so a fresh
# clone needs no separate install step. `npm ci` installs exactly what the lock file pins (it lists
# every platform's optional binaries) and never rewrites it.
#
# `app` is what `npm run dev` needs: `dependencies` only (`--omit=dev`), which is why typescript,
# @types/node, @types/react (next dev would otherwise install them itself, into package.json) and
# the Tailwind packages (app/globals.css) are dependencies. It skips about a quarter of the files
# (the test, lint and build tools) on a fresh clone; docs/benchmarks.md "First run". A tree that
# already has the dev packages keeps them. `all` installs everything, as CI and `npm test` need it.
gk_install_mode="${1:-all}"
gk_dev_marker=node_modules/.bin/vitest # a devDependency: present only after a full install
if [ "$gk_install_mode" = app ] && [ ! -e "$gk_dev_marker" ]; then
  gk_npm_omit=(--omit=dev)
else
  gk_npm_omit=()
fi
if [ ! -x node_modules/.bin/next ] || [ package-lock.json -nt node_modules/.package-lock.json ] ||
  { [ "$gk_install_mode" = all ] && [ ! -e "$gk_dev_marker" ]; }; then
  echo "==> npm ci${gk_npm_omit[*]:+ ${gk_npm_omit[*]}} (first run, package-lock.json changed, or the dev packages missing)"
  npm ci "${gk_npm_omit[@]}" --no-audit --no-fund
fi
unset gk_install_mode gk_dev_marker gk_npm_omit
