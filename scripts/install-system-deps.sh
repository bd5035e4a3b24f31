#!/usr/bin/env bash
# Installs what the test suite needs that a fresh Debian machine lacks: PostgreSQL 15 (the real
# database of the integration tests), Chromium (the browser of the e2e tests) and Python's
# cryptography (the Fernet interop tests), and openssl (a throwaway certificate for the https
# webhook receiver of the e2e tests). Each is checked first; nothing is skipped.
set -euo pipefail

missing=()
[ -x /usr/lib/postgresql/15/bin/initdb ] || missing+=(postgresql-15)
[ -x /usr/bin/chromium ] || missing+=(chromium)
/usr/bin/python3 -c 'import cryptography' 2>/dev/null || missing+=(python3 python3-cryptography)
command -v openssl >/dev/null || missing+=(openssl)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "==> installing ${missing[*]} with apt"
as_root=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then
    as_root=(sudo)
  else
    echo "The tests need ${missing[*]}; run as root or install them with apt-get." >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian starts a cluster on install; the tests run their own, so stop it (it is not needed).
if command -v pg_ctlcluster >/dev/null && pg_lsclusters 2>/dev/null | grep -q online; then
  "${as_root[@]}" pg_ctlcluster 15 main stop || true
fi
