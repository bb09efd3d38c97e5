"""Groups of CSL items that cannot change each other's formatting in pandoc's citeproc.

citeproc lets entries affect each other through names: two citations are ambiguous only when
their names and dates print alike (then year letters, initials, given names or more names are
added), given-name hints are shared by every name with the same family name, and
``subsequent-author-substitute`` compares neighbours' names. So items are joined (union-find) when
they share a key from :data:`GROUP_RULES`; the keys over-join rather than miss a pair, because a
missed pair would format differently from one pass over the whole list, and an extra join only
makes a group larger.

Names are compared as casefolded word tokens (NFKC), so "Smith", "SMITH" and "smith" meet, and a
family name written with its particle ("de Gaulle") meets the same name with the particle apart.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

GROUP_RULES: tuple[tuple[str, str], ...] = (
    # Alike names are what ambiguity and given-name hints are about; a family name's words stand for
    # it (every word of the family prints whenever the name prints). Particles alone do not join.
    ("family-word", "items whose names share a word of a family name (or of a given-only name)"),
    # An organisation prints as written: the same literal name is the same author.
    ("literal-name", "items with the same literal (organisation) name, and people whose family name is a word of it"),
    # A work without an author prints a substitute (editor, title, a term), and so does a type cited
    # by title (a legal case, a law): all of them may print alike, whatever other names they have.
    ("no-names", "items without an author or of a type cited by title, all together"),
    # A substitute could print exactly like someone's names: only when every long word of a field is a name word.
    ("field-like-a-name", "a no-names item and the people named by a field of it made only of name words"),
)
"""(rule id, what it joins): the keys of :func:`independent_groups`."""

PARTICLES = frozenset(
    [
        "a", "al", "ap", "bin", "da", "dal", "das", "de", "degli", "dei", "del", "della", "den", "der",
        "des", "di", "do", "dos", "du", "el", "la", "le", "lo", "mac", "mc", "op", "st", "te", "ten",
        "ter", "van", "vande", "vander", "ver", "von", "y", "zu",
    ]
)
"""Name particles: a family name's other words join it; a family made only of particles joins by them."""

CREATOR_CITED_TYPES = frozenset(
    [
        "article", "article-journal", "article-magazine", "article-newspaper", "book", "broadcast",
        "chapter", "dataset", "document", "entry", "entry-dictionary", "entry-encyclopedia", "figure",
        "graphic", "interview", "manuscript", "map", "motion_picture", "musical_score", "pamphlet",
        "paper-conference", "performance", "personal_communication", "post", "post-weblog", "report",
        "review", "review-book", "software", "song", "speech", "thesis", "webpage",
    ]
)
"""CSL types whose citations print their authors in the styles citekit knows; an item of another
type (legal_case, legislation, bill, treaty, standard, …) or of no type joins the no-names group."""

_SHORT = 3
"""Words this short may be terms a style prints between names ("and", "et", "al", "u", "y")."""
_NAME_VARIABLE_HINT = ("family", "given", "literal")
_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """Casefolded word tokens of ``text`` (NFKC)."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def names_of(item: Mapping[str, Any], *, first_only: bool = False) -> list[Mapping[str, Any]]:
    """The names of every name variable of ``item`` (author, editor, translator, …); with
    ``first_only``, the first name of each."""
    out: list[Mapping[str, Any]] = []
    for value in item.values():
        if isinstance(value, list):
            names = [n for n in value if isinstance(n, Mapping) and any(k in n for k in _NAME_VARIABLE_HINT)]
            out.extend(names[:1] if first_only else names)
    return out


def _family_words(name: Mapping[str, Any]) -> list[str]:
    """The words a personal name is joined by (empty for a literal name)."""
    if isinstance(name.get("literal"), str):
        return []
    family = name.get("family") if isinstance(name.get("family"), str) else None
    source = family if family else name.get("given") if isinstance(name.get("given"), str) else ""
    tokens = words(str(source))
    kept = [t for t in tokens if t not in PARTICLES]
    return kept or tokens


def _literal(name: Mapping[str, Any]) -> str | None:
    literal = name.get("literal")
    return " ".join(words(literal)) if isinstance(literal, str) and words(literal) else None


def _field_values(item: Mapping[str, Any]) -> Iterable[str]:
    """An item's text fields as a style may print them in place of names (and a title's main part)."""
    for value in item.values():
        if isinstance(value, str):
            yield value
            head = value.split(":", 1)[0]
            if head != value:
                yield head


class _UnionFind:
    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, index: int) -> int:
        root = index
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[index] != root:  # path compression
            self.parent[index], index = root, self.parent[index]
        return root

    def join(self, a: int, b: int) -> None:
        self.parent[self.find(a)] = self.find(b)


def independent_groups(items: Sequence[Mapping[str, Any]], *, all_names: bool = False) -> list[list[int]]:
    """The indices of ``items`` in groups (each in input order, groups by first member) such that
    no item's formatting depends on an item of another group.

    Two citations can only print alike when their first names do, and given-name hints for the
    primary-name rules (and the default, by-cite) reach no further; ``all_names`` (a style's
    ``all-names`` rules give hints to every name) keys items by all their names.
    """
    everyone = [names_of(item) for item in items]
    keyed = everyone if all_names else [names_of(item, first_only=True) for item in items]
    family_vocabulary = {w for group in everyone for name in group for w in _family_words(name)}
    vocabulary = family_vocabulary | {
        w for group in everyone for name in group for part in name.values() if isinstance(part, str)
        for w in words(part)
    }
    literals = {lit for group in everyone for name in group if (lit := _literal(name))}
    keys: list[set[str]] = []
    for item, item_names in zip(items, keyed, strict=True):
        item_keys = _named_keys(item_names, family_vocabulary)
        if not _cited_by_author(item):
            item_keys |= _nameless_keys(item, family_vocabulary, vocabulary, literals)
        keys.append(item_keys)
    return _components(keys)


def _cited_by_author(item: Mapping[str, Any]) -> bool:
    """Whether styles print this item's author in its citation: it has one and is of a type
    cited by its creators (a legal case or a law is cited by title even when it has an author)."""
    author = item.get("author")
    has_author = isinstance(author, list) and any(isinstance(n, Mapping) and n for n in author)
    return has_author and item.get("type") in CREATOR_CITED_TYPES


def _named_keys(item_names: Sequence[Mapping[str, Any]], family_vocabulary: set[str]) -> set[str]:
    out: set[str] = set()
    for name in item_names:
        out.update(f"family:{w}" for w in _family_words(name))
        literal = _literal(name)
        if literal:
            out.add(f"literal:{literal}")
            out.update(f"family:{w}" for w in literal.split() if w in family_vocabulary)
    return out


def _nameless_keys(
    item: Mapping[str, Any], family_vocabulary: set[str], vocabulary: set[str], literals: set[str]
) -> set[str]:
    out = {"no-names"}
    for value in _field_values(item):
        tokens = words(value)
        if tokens and all(t in vocabulary or len(t) <= _SHORT for t in tokens):
            out.update(f"family:{t}" for t in tokens if t in family_vocabulary)
            joined = " ".join(tokens)
            if joined in literals:
                out.add(f"literal:{joined}")
    return out


def _components(keys: Sequence[set[str]]) -> list[list[int]]:
    union = _UnionFind(len(keys))
    owner: dict[str, int] = {}
    for index, item_keys in enumerate(keys):
        for key in item_keys:
            if key in owner:
                union.join(index, owner[key])
            else:
                owner[key] = index
    return _components_of(union, len(keys))


def might_share_names(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Whether two items could print the same names (``subsequent-author-substitute``): both have
    none, or some name variable holds the same list of names in both."""
    lists_a, lists_b = _name_lists(a), _name_lists(b)
    if not lists_a and not lists_b:
        return True
    return bool(lists_a & lists_b)


def _name_lists(item: Mapping[str, Any]) -> set[tuple[tuple[str, ...], ...]]:
    out = set()
    for value in item.values():
        if (
            isinstance(value, list)
            and value
            and all(isinstance(n, Mapping) for n in value)
            and any(any(k in n for k in _NAME_VARIABLE_HINT) for n in value)
        ):
            out.add(tuple(tuple(words(" ".join(str(v) for v in n.values() if isinstance(v, str)))) for n in value))
    return out


def keep_neighbours(
    groups: list[list[int]], order: Sequence[int], items: Sequence[Mapping[str, Any]]
) -> list[list[int]]:
    """``groups`` joined so that every group's own order has the neighbours it has in ``order``
    (the whole list's) wherever ``subsequent-author-substitute`` could compare them: when two
    members that might share names sort apart, everything between them joins their group.

    Each round is linear: the spans to close are marked in a difference array and every covered
    pair of neighbours joined. Joining can make new members meet, so rounds repeat until none
    joins anything (in practice one or two); past :data:`_ROUNDS` everything is one group.
    """
    union = _UnionFind(len(items))
    for group in groups:
        for index in group[1:]:
            union.join(index, group[0])
    for _ in range(_ROUNDS):
        last: dict[int, int] = {}  # group root -> position in ``order`` of its latest member
        cover = [0] * (len(order) + 1)
        for position, index in enumerate(order):
            root = union.find(index)
            previous = last.get(root)
            apart = previous is not None and previous < position - 1
            if apart and previous is not None and might_share_names(items[order[previous]], items[index]):
                cover[previous] += 1
                cover[position] -= 1
            last[root] = position
        joined = False
        depth = 0
        for position in range(len(order) - 1):
            depth += cover[position]
            if depth > 0 and union.find(order[position]) != union.find(order[position + 1]):
                union.join(order[position], order[position + 1])
                joined = True
        if not joined:
            return _components_of(union, len(items))
    return [list(range(len(items)))]


_ROUNDS = 50
"""Rounds of :func:`keep_neighbours` before it gives up splitting (one group: one pass)."""


def _components_of(union: _UnionFind, size: int) -> list[list[int]]:
    groups: dict[int, list[int]] = {}
    for index in range(size):
        groups.setdefault(union.find(index), []).append(index)
    return list(groups.values())
