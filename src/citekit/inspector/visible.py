"""Article text shown as text: characters that would act instead of print are made visible.

An inspect page and its terminal rendering show hostile input (markup, scripts, terminal escapes,
bidi overrides) exactly as printed. Markup is escaped by markupsafe; what escaping cannot disarm is
turned into a visible token here, once, for both renderings:

- C0 and C1 control characters (an ANSI escape ``ESC [31m`` would recolour a terminal) become
  ``[U+001B ESC]`` (the control pictures ``␛`` are missing from common fonts);
- bidi controls (``U+202E`` RIGHT-TO-LEFT OVERRIDE reorders the rest of a line, the "Trojan source"
  trick), zero-width characters, and line or paragraph separators become ``[U+202E]``.

Tabs stay tabs. The pattern is one character class: linear in the text's length.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

_INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f"  # C0 (but tab and line feed), DEL, C1
    "\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]"  # bidi, zero-width, separators
)
_NAMES = {0x00: "NUL", 0x07: "BEL", 0x08: "BS", 0x0B: "VT", 0x0C: "FF", 0x0D: "CR", 0x1B: "ESC", 0x7F: "DEL",
          0x85: "NEL", 0x202A: "LRE", 0x202B: "RLE", 0x202C: "PDF", 0x202D: "LRO", 0x202E: "RLO", 0x2066: "LRI",
          0x2067: "RLI", 0x2068: "FSI", 0x2069: "PDI", 0x200E: "LRM", 0x200F: "RLM", 0x061C: "ALM",
          0x200B: "ZWSP", 0x200C: "ZWNJ", 0x200D: "ZWJ", 0xFEFF: "BOM", 0x2028: "LS", 0x2029: "PS"}
"""Short names of the characters people look up (a bidi override is the one that matters)."""


def token(character: str) -> str:
    """The visible stand-in for one invisible or acting character."""
    code = ord(character)
    name = _NAMES.get(code)
    return f"[U+{code:04X} {name}]" if name else f"[U+{code:04X}]"


def has_invisible(text: str) -> bool:
    """True when ``text`` holds a character :func:`visible_text` would replace."""
    return _INVISIBLE.search(text) is not None


def visible_text(text: str) -> str:
    """``text`` with every acting character replaced by its visible token (for a terminal)."""
    return _INVISIBLE.sub(lambda match: token(match.group()), text)


def visible_html(text: str) -> Markup:
    """``text`` escaped for HTML, each acting character shown as a marked token."""
    if _INVISIBLE.search(text) is None:
        return escape(text)
    parts: list[str] = []
    position = 0
    for match in _INVISIBLE.finditer(text):
        parts.append(escape(text[position:match.start()]))
        parts.append(Markup('<span class="cc" title="{}">{}</span>').format(
            f"U+{ord(match.group()):04X}", token(match.group())))
        position = match.end()
    parts.append(escape(text[position:]))
    return Markup("").join(parts)
