#!/usr/bin/env bash
# The programs that read and print our .bib files, for tests/test_bibtex.py: biber (its tool mode
# parses a file and validates it against biblatex's data model), classic bibtex with its standard
# styles (texlive-base), and LuaLaTeX with biblatex and fontspec, which print the bibliographies
# so the tests can check what a reader sees (texlive-latex-base/-recommended, -bibtex-extra for
# biblatex, -luatex for luaotfload; Latin Modern comes with them).
set -euo pipefail
need=()
command -v biber >/dev/null || need+=(biber)
command -v bibtex >/dev/null && kpsewhich plain.bst >/dev/null 2>&1 || need+=(texlive-base)
command -v lualatex >/dev/null || need+=(texlive-latex-base)
kpsewhich fontspec.sty >/dev/null 2>&1 || need+=(texlive-latex-recommended)
kpsewhich biblatex.sty >/dev/null 2>&1 || need+=(texlive-bibtex-extra)
kpsewhich luaotfload-main.lua >/dev/null 2>&1 || need+=(texlive-luatex)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
biber --version >/dev/null
kpsewhich plain.bst biblatex.sty fontspec.sty luaotfload-main.lua >/dev/null
lualatex --version >/dev/null
