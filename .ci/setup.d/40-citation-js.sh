#!/usr/bin/env bash
# citation.js (the CSL engine citeproc-js plus its RIS, BibTeX/BibLaTeX and CSL plugins) for
# tests/test_readback.py, which loads citekit's exports the way web apps and Zotero-like tools do.
# Installed into .ci/citation-js so nothing global changes; tests find it there and are skipped
# when it is missing, except under CI=true. Versions are pinned: a new plugin release may change
# its mappings, and the tests should change only when we decide to follow it.
set -euo pipefail
cd "$(dirname "$0")/../.."
prefix=.ci/citation-js
packages=(
  "@citation-js/core@0.8.2"
  "@citation-js/plugin-ris@0.8.2"
  "@citation-js/plugin-bibtex@0.8.2"
  "@citation-js/plugin-csl@0.8.2"
)
stamp="$prefix/.installed"
wanted="${packages[*]}"

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ] && [ -d "$prefix/node_modules/@citation-js/core" ]; then
  exit 0
fi
if ! command -v npm >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
mkdir -p "$prefix"
# A private package.json keeps npm from walking up to (or writing into) the repository root.
[ -f "$prefix/package.json" ] || printf '{"private": true, "name": "citekit-ci-citation-js"}\n' >"$prefix/package.json"
npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error "${packages[@]}"
node -e 'require(process.argv[1] + "/node_modules/@citation-js/core")' "$(pwd)/$prefix"
printf '%s' "$wanted" >"$stamp"
