#!/usr/bin/env bash
# Ace by DAISY (the EPUB accessibility checker) for tests/test_epub.py, installed into .ci/node so
# nothing global changes. Puppeteer's own browser download is skipped: Ace drives Debian's
# chromium (installed by 10-apt.sh) through PUPPETEER_EXECUTABLE_PATH. @daisy/ace-cli, not
# @daisy/ace, which pulls Electron.
set -euo pipefail
cd "$(dirname "$0")/../.."
ACE_VERSION=1.4.6
prefix=.ci/node
bin="$prefix/node_modules/.bin/ace-cli"
installed="$prefix/node_modules/@daisy/ace-cli/package.json"

if [ -x "$bin" ] && [ -f "$installed" ] && grep -q "\"version\": \"$ACE_VERSION\"" "$installed"; then
  exit 0
fi
if ! command -v npm >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
mkdir -p "$prefix"
# A private package.json keeps npm from walking up to (or writing into) the repository root.
[ -f "$prefix/package.json" ] || printf '{"private": true, "name": "citekit-ci-tools"}\n' >"$prefix/package.json"
PUPPETEER_SKIP_DOWNLOAD=1 npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error \
  "@daisy/ace-cli@$ACE_VERSION"
"$bin" --version >/dev/null
