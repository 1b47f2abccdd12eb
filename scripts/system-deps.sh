#!/usr/bin/env bash
# Install the system programs and libraries the app and its tests need from Debian, when missing:
# Chromium and PostgreSQL for the tests, Pango and HarfBuzz for WeasyPrint's certificates, poppler-utils
# (pdfinfo) to read the certificates back, Node for the real OpenID provider of the sign-in tests,
# and Redis for the scale-out test's shared limiter.
# The certificate fonts ship in the repo.
set -euo pipefail
missing=()
command -v chromium >/dev/null || missing+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v redis-server >/dev/null || missing+=(redis-server)  # the scale-out test's shared limiter
command -v pdfinfo >/dev/null || missing+=(poppler-utils)
for lib in libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b; do
  dpkg-query -W -f='${Status}' "$lib" 2>/dev/null | grep -q "install ok installed" || missing+=("$lib")
done
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Missing system packages: ${missing[*]}. Install them (as root: apt-get install ${missing[*]})." >&2
    exit 1
  fi
  echo "Installing ${missing[*]} from Debian..."
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "The test OpenID provider (oidc-provider 9) needs Node.js 20 or later; this is $(node --version)." >&2
  exit 1
fi
