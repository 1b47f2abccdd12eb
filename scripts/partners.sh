#!/usr/bin/env bash
# Install the npm test partners from their lock files (tests/partners/*/package-lock.json).
# Idempotent: `npm ci` runs again only when a lock file is newer than its last install.
set -euo pipefail
for lock in tests/partners/*/package-lock.json; do
  dir=$(dirname "$lock")
  stamp="$dir/node_modules/.installed"
  if [ ! -f "$stamp" ] || [ "$lock" -nt "$stamp" ]; then
    echo "== npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    touch "$stamp"
  fi
done
