"""Author names: persons split into given/family with nameparser; organisations kept literal."""

from __future__ import annotations

import re

from citekit.model import Author

# Words that mark a name as an organisation or a pseudonymous outlet rather than a person.
_ORGANISATION_WORDS = re.compile(
    r"\b(blog|news|staff|team|editors?|editorial|desk|press|agency|institute|centre|center|"
    r"foundation|council|committee|association|society|university|inc|llc|ltd|llp|corp|"
    r"company|group|network|media|times|post|journal|report|review|magazine|website|"
    r"reuters|associated|admin)\b|'s\b|’s\b",
    re.IGNORECASE,
)


def split_name(name: str, *, email: str | None = None, bio: str | None = None) -> Author:
    """An Author for a printed name: a person when it parses as given + family, else literal."""
    name = " ".join(name.split())
    words = name.split()
    if (len(words) < 2 or len(words) > 5 or _ORGANISATION_WORDS.search(name)
            or not all(w[:1].isupper() or w.lower() in _PARTICLES for w in words)):
        return Author(name=name, literal=name, email=email, bio=bio)
    if words[0].lower().rstrip(".") not in _TITLES and _PLAIN_WORD.match(words[0]) and _PLAIN_WORD.match(words[-1]) \
            and (len(words) == 2 or (len(words) == 3 and _INITIAL.match(words[1]))):
        # "Stephen Lendman", "Jack D. Douglas": nothing for nameparser to decide (it would say
        # first, middle, last), and it costs a third of a millisecond a name.
        return Author(name=name, given=" ".join(words[:-1]), family=words[-1], email=email, bio=bio)
    from nameparser import HumanName

    parsed = HumanName(name)
    given = " ".join(p for p in (parsed.first, parsed.middle) if p).strip()
    family = " ".join(p for p in (parsed.last, parsed.suffix) if p).strip()
    if not given or not family:
        return Author(name=name, literal=name, email=email, bio=bio)
    return Author(name=name, given=given, family=family, email=email, bio=bio)


_PLAIN_WORD = re.compile(r"^[A-Z\u00C0-\u024F][a-z\u00DF-\u024F'’]+(?:-[A-Z\u00C0-\u024F][a-z\u00DF-\u024F'’]+)?$")
_INITIAL = re.compile(r"^[A-Z]\.$")
_TITLES = frozenset({"dr", "mr", "mrs", "ms", "prof", "sir", "dame", "rev", "fr", "sr", "jr"})
_PARTICLES = frozenset({"van", "von", "de", "del", "della", "di", "da", "la", "le", "bin", "al", "al-", "y"})
