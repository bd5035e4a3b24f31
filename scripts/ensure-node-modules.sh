# Sourced by dev.sh and test.sh: installs the npm packages when they are missing or older than
# package-lock.json, so a fresh clone needs no separate install step.
# `npm install`, not `npm ci`: the registry reachable here serves only this platform's optional
# binaries, so the lock file cannot list other platforms' and `npm ci` would refuse it as out of
# sync. The versions installed are still the ones the lock file pins.
if [ ! -x node_modules/.bin/next ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "==> npm install (first run or package-lock.json changed)"
  npm install --no-audit --no-fund
fi
