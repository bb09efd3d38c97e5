"""What the LaTeX writer adds to pandoc's standalone template: the paper, live-coloured links, a font
for LuaLaTeX, and a pdfLaTeX that does not stop at a character its fonts lack.

pdfLaTeX reads UTF-8 through the kernel's ``inputenc`` tables, which know only the characters the
loaded font encodings have (T1, TS1, OT1, OMS with pandoc's template): a Cyrillic or CJK letter
stops the run with "Unicode character … not set up for use with LaTeX". The header below makes
such a character print as a boxed question mark under pdfLaTeX only, and the writer reports every
character that does so (:func:`pdflatex_gaps`); LuaLaTeX prints them from a font that has them
(``-O mainfont=…``).
"""

from __future__ import annotations

import bisect
import re
from typing import Any

from citekit.errors import OptionError
from citekit.writers import Diagnostic
from citekit.writers.pandoc.article import Profile
from citekit.writers.pandoc.ast import Node, meta_bool, meta_string

PDFLATEX_FALLBACK = r"""\makeatletter
\ifPDFTeX % pdfLaTeX: a character its fonts lack prints as a boxed "?" instead of stopping the run
  \def\UTFviii@undefined@err#1{{\fboxsep=1pt\fbox{?}}}
\fi
\makeatother"""

# The characters the LaTeX kernel's t1enc, ts1enc, ot1enc and omsenc .dfu tables declare, plus
# printable ASCII (TeX Live 2022; regenerate with a loop over \DeclareUnicodeCharacter{XXXX} lines).
# Only the code points are recorded: facts about the LaTeX base system, not its code.
PDFLATEX_RANGES: tuple[tuple[int, int], ...] = (
    (0x0020, 0x007E), (0x00A0, 0x0125), (0x0128, 0x0137), (0x0139, 0x013E), (0x0141, 0x0148),
    (0x014A, 0x0165), (0x0168, 0x017E), (0x0192, 0x0192), (0x01C4, 0x01D4), (0x01E2, 0x01E3),
    (0x01E6, 0x01EB), (0x01F0, 0x01F0), (0x01F4, 0x01F5), (0x0218, 0x021B), (0x0232, 0x0233),
    (0x0237, 0x0237), (0x02C7, 0x02C7), (0x02D8, 0x02D9), (0x02DB, 0x02DB), (0x02DD, 0x02DD),
    (0x0E3F, 0x0E3F), (0x1E02, 0x1E03), (0x1E0D, 0x1E0D), (0x1E1E, 0x1E21), (0x1E25, 0x1E25),
    (0x1E30, 0x1E31), (0x1E37, 0x1E37), (0x1E43, 0x1E43), (0x1E45, 0x1E45), (0x1E47, 0x1E47),
    (0x1E5B, 0x1E5B), (0x1E63, 0x1E63), (0x1E6D, 0x1E6D), (0x1E8E, 0x1E91), (0x1E9E, 0x1E9E),
    (0x1EF2, 0x1EF3), (0x200C, 0x200C), (0x2010, 0x2016), (0x2018, 0x201A), (0x201C, 0x201E),
    (0x2020, 0x2022), (0x2030, 0x2031), (0x2039, 0x203B), (0x203D, 0x203D), (0x2044, 0x2044),
    (0x204E, 0x204E), (0x2052, 0x2052), (0x20A1, 0x20A1), (0x20A4, 0x20A4), (0x20A6, 0x20A6),
    (0x20A9, 0x20A9), (0x20AB, 0x20AC), (0x20B1, 0x20B1), (0x2103, 0x2103), (0x2116, 0x2117),
    (0x211E, 0x211E), (0x2120, 0x2120), (0x2122, 0x2122), (0x2126, 0x2127), (0x212E, 0x212E),
    (0x2190, 0x2193), (0x2329, 0x232A), (0x2422, 0x2423), (0x25E6, 0x25E6), (0x25EF, 0x25EF),
    (0x266A, 0x266A), (0x27E8, 0x27E9), (0x3008, 0x3009), (0xFB00, 0xFB06), (0xFEFF, 0xFEFF),
)
_STARTS = [start for start, _ in PDFLATEX_RANGES]
_SHOWN = 12


def pdflatex_prints(character: str) -> bool:
    """True when pdfLaTeX with pandoc's template typesets ``character`` (tab and newline included)."""
    code = ord(character)
    if code in (0x09, 0x0A, 0x0D):
        return True
    index = bisect.bisect_right(_STARTS, code) - 1
    return index >= 0 and code <= PDFLATEX_RANGES[index][1]


def pdflatex_gaps(latex: bytes) -> list[Diagnostic]:
    """A diagnostic naming the characters of ``latex`` that pdfLaTeX prints as a boxed "?"."""
    missing = sorted({c for c in latex.decode("utf-8") if c >= "\x7f" and not pdflatex_prints(c)})
    if not missing:
        return []
    shown = " ".join(f"{c} U+{ord(c):04X}" for c in missing[:_SHOWN]) + (" …" if len(missing) > _SHOWN else "")
    return [Diagnostic(field="body", message=f"{len(missing)} character(s) pdfLaTeX's fonts lack print there as "
                                             f"a boxed '?': {shown}; LuaLaTeX prints them from a font that has "
                                             "them (-O mainfont=…)")]


def _raw_latex(text: str) -> Node:
    return {"t": "MetaBlocks", "c": [{"t": "RawBlock", "c": ["latex", text]}]}


_FONT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._-]{0,79}")
PAPER_SIZES = ("a4", "letter")


def latex_profile(options: Any) -> Profile:
    """The template variables of the LaTeX writer's options, checked: they are printed into the
    preamble as they stand, so a value must not be able to carry LaTeX of its own."""
    if options.paper not in PAPER_SIZES:
        raise OptionError(f"option paper: expected one of {', '.join(PAPER_SIZES)}, got {options.paper!r}")
    if options.mainfont is not None and not _FONT_NAME.fullmatch(options.mainfont):
        raise OptionError(f"option mainfont: {options.mainfont[:80]!r} is not a font name "
                          "(letters, digits, spaces, '.', '_' and '-')")
    extra: list[tuple[str, Node]] = [
        ("papersize", meta_string(options.paper)),
        ("colorlinks", meta_bool(True)),
        ("header-includes", _raw_latex(PDFLATEX_FALLBACK)),
    ]
    if options.mainfont:
        extra.append(("mainfont", meta_string(options.mainfont)))
    return Profile(extra_meta=tuple(extra), images="none")
