# Sourced by dev.sh and test.sh: installs the npm packages when they are missing or older than
# package-lock.json, so a fresh clone needs no separate install step. `npm ci` installs exactly
# what the lock file pins (it lists every platform's optional binaries) and never rewrites it.
if [ ! -x node_modules/.bin/next ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "==> npm ci (first run or package-lock.json changed)"
  npm ci --no-audit --no-fund
fi
