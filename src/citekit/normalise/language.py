"""The language of an article's body, as a BCP 47 tag, from CLD2 (Chromium's Compact Language
Detector 2, through ``pycld2``).

CLD2 is a C++ library with its tables compiled in: it judges a few hundred characters in tens of
microseconds and costs no model load. It says when its guess is unreliable (too little text, mixed
languages); then a longer opening is tried, and a guess that stays unreliable is not given: no
language is better than a wrong one in ``xml:lang`` and ``dc:language``.
"""

from __future__ import annotations

SAMPLES = (300, 2000)
"""Characters of opening body text judged: 300 decide almost always; 2,000 when they do not."""

MIN_CHARACTERS = 20
"""Less text than this is not judged at all."""

# CLD2's codes are ISO 639-1/639-3 with a few older or private ones; these become BCP 47.
_DEPRECATED = {
    "iw": "he",  # Hebrew: ISO 639 withdrew "iw" in 1989
    "jw": "jv",  # Javanese: CLD2 keeps Google's old "jw"
}
# Not languages: "xx-Latn"… (text in a script, language unknown), "xxx", and CLD2's private "zz?".
_PSEUDO_PREFIXES = ("xx", "zz")


def detect_language(text: str) -> str | None:
    """The language of ``text`` (an article's opening, at least ``SAMPLES[-1]`` characters of it
    when it has them), or None when CLD2 cannot tell it reliably."""
    for length in SAMPLES:
        sample = text[:length]
        if len(sample) < MIN_CHARACTERS:
            return None
        reliable, code = _detect(sample)
        if reliable:
            return _bcp47(code)
        if len(text) <= length:
            break
    return None


def _detect(text: str) -> tuple[bool, str]:
    import pycld2

    try:
        reliable, _, details = pycld2.detect(text)
    except (pycld2.error, UnicodeEncodeError):
        # CLD2 refuses control characters, noncharacters and lone surrogates; as letters they carry
        # no language, so they become spaces.
        cleaned = "".join(c if c.isprintable() or c in "\t\n" else " " for c in text)
        try:
            reliable, _, details = pycld2.detect(cleaned.encode("utf-8", "replace"))
        except pycld2.error:
            return False, "un"
    return bool(reliable), str(details[0][1])


def _bcp47(code: str) -> str | None:
    if code == "un" or code.startswith(_PSEUDO_PREFIXES):  # "un": unknown
        return None
    return _DEPRECATED.get(code, code)
