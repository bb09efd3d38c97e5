#!/usr/bin/env bash
# The programs that read our .bib files, for tests/test_bibtex.py: biber (its tool mode parses a
# file and validates it against biblatex's data model without LaTeX) and classic bibtex with
# plain.bst (texlive-base; no LaTeX formats are needed to run bibtex on an .aux file).
set -euo pipefail
need=()
command -v biber >/dev/null || need+=(biber)
command -v bibtex >/dev/null && kpsewhich plain.bst >/dev/null 2>&1 || need+=(texlive-base)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
biber --version >/dev/null
kpsewhich plain.bst >/dev/null
