#!/usr/bin/env bash
# TeX Live from Debian for tests/test_pandoc_writers.py: the latex writer's output must compile with
# pdfLaTeX and LuaLaTeX. pandoc's standalone template loads lmodern, microtype, parskip, xcolor,
# bookmark, babel (whose .ini locales cover every language), unicode-math and fontspec under
# LuaLaTeX, selnolig (texlive-luatex), longtable/booktabs for tables and fancyvrb for code; and,
# when the article has them, soul (strikeout; texlive-plain-generic in Debian), multirow (cells
# spanning rows) and framed (shaded code blocks) from texlive-latex-extra, as pandoc's manual lists.
set -euo pipefail
need=()
command -v pdflatex >/dev/null || need+=(texlive-latex-base)
command -v lualatex >/dev/null && kpsewhich luaotfload-main.lua >/dev/null 2>&1 || need+=(texlive-luatex)
kpsewhich microtype.sty unicode-math.sty booktabs.sty fancyvrb.sty >/dev/null 2>&1 || need+=(texlive-latex-recommended)
kpsewhich lmodern.sty >/dev/null 2>&1 || need+=(lmodern)
kpsewhich multirow.sty framed.sty >/dev/null 2>&1 || need+=(texlive-latex-extra)
kpsewhich soul.sty >/dev/null 2>&1 || need+=(texlive-plain-generic)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
kpsewhich lmodern.sty microtype.sty parskip.sty xcolor.sty bookmark.sty babel.sty unicode-math.sty selnolig.sty \
  longtable.sty booktabs.sty fancyvrb.sty soul.sty multirow.sty framed.sty >/dev/null
pdflatex --version >/dev/null
lualatex --version >/dev/null
