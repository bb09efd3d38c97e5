"""What in a CSL style decides whether its entries can be formatted apart, read from the style file.

pandoc's citeproc formats a list in one pass in which entries affect each other only through
(a) disambiguation of citations whose names and date print alike (year letters, initials, given
names, more names, the ``disambiguate`` condition), (b) given-name hints shared by every name with
the same family name, (c) ``citation-number``, (d) ``subsequent-author-substitute`` between
neighbouring entries, and (e) the bibliography's sort order. :mod:`citekit.citations.groups`
keeps (a), (b) and (d) inside groups and the engine merges groups in the order of (e); a style
with anything this module cannot vouch for is formatted in one pass (:data:`ONE_PASS_RULES`).

The **order style** gives that order cheaply: the same style with the same ``<sort>`` keys and
macros, but one-character layouts and no disambiguation. citeproc computes the bibliography's sort
keys before it disambiguates, so the order is the one the full pass gives.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from citekit.errors import OptionError

CSL_NS = "http://purl.org/net/xbiblio/csl"
_CSL = f"{{{CSL_NS}}}"

ONE_PASS_RULES: tuple[tuple[str, str], ...] = (
    # Numbers run over the whole sorted list; a group would start again at 1.
    ("numbered", "the style prints or sorts by citation-number"),
    # A count of names ("3") is the same text for unrelated works: ambiguity is not bound to a name.
    ("name-count", "the style can print a count of names (form=\"count\")"),
    # Citations without names are ambiguous by date alone, across every family name.
    ("no-names-in-citation", "the style's citations print no names"),
)
"""(rule id, why): a style matching any of these is formatted in one pandoc pass."""

_DISAMBIGUATION_ATTRIBUTES = (
    "disambiguate-add-names",
    "disambiguate-add-givenname",
    "disambiguate-add-year-suffix",
    "givenname-disambiguation-rule",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class StyleTraits:
    """The facts about a style the engine needs; read once per style file."""

    digest: str
    """SHA-256 of the style file's bytes (part of every cache key)."""
    one_pass_rules: tuple[str, ...]
    """Ids from :data:`ONE_PASS_RULES` the style matches (empty: it can be split)."""
    subsequent_author_substitute: bool
    """The bibliography replaces a repeated author by a dash (MLA): neighbours matter."""
    global_givenname_rule: bool
    """Given-name disambiguation by a global rule (APA, Chicago author-date): citeproc's time for one
    pass grows with the square of its entries, so passes are kept small."""
    all_names_rule: bool
    """Given-name hints for every name, not only the first (``all-names`` rules): items are then
    grouped by all their names."""
    has_bibliography: bool
    """The style defines a bibliography (the order pass has something to order)."""


def _parse(path: Path) -> Any:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        return etree.parse(str(path), parser)
    except (OSError, etree.XMLSyntaxError) as error:
        raise OptionError(f"cannot read CSL style: {error}", path=path) from error


def style_traits(path: Path) -> StyleTraits:
    """The traits of the CSL file at ``path`` (cached while the file is unchanged)."""
    try:
        stat = path.stat()
    except OSError as error:
        raise OptionError(f"cannot read CSL style: {error.strerror}", path=path) from error
    return _traits(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=32)
def _traits(path: Path, _mtime_ns: int, _size: int) -> StyleTraits:
    root = _parse(path).getroot()
    citation = root.find(f"{_CSL}citation")
    bibliography = root.find(f"{_CSL}bibliography")
    rules = []
    if any("citation-number" in (element.get("variable") or "").split() for element in root.iter()):
        rules.append("numbered")
    if any(element.get("form") == "count" for element in root.iter()):
        rules.append("name-count")
    if citation is None or not _reaches_names(root, citation):
        rules.append("no-names-in-citation")
    givenname = citation is not None and citation.get("disambiguate-add-givenname") == "true"
    rule = citation.get("givenname-disambiguation-rule", "by-cite") if citation is not None else "by-cite"
    return StyleTraits(
        digest=hashlib.sha256(path.read_bytes()).hexdigest(),
        one_pass_rules=tuple(rules),
        subsequent_author_substitute=bibliography is not None
        and bibliography.get("subsequent-author-substitute") is not None,
        global_givenname_rule=givenname and rule != "by-cite",
        all_names_rule=givenname and rule.startswith("all-names"),
        has_bibliography=bibliography is not None,
    )


def _reaches_names(root: Any, start: Any) -> bool:
    """Whether a ``<names>`` element is inside ``start`` or a macro it calls (transitively)."""
    macros = {m.get("name"): m for m in root.findall(f"{_CSL}macro")}
    seen: set[str] = set()
    pending = [start]
    while pending:
        element = pending.pop()
        for node in element.iter():
            if node.tag == f"{_CSL}names":
                return True
            name = node.get("macro")
            if name and name not in seen and name in macros:
                seen.add(name)
                pending.append(macros[name])
    return False


def order_style(path: Path) -> bytes:
    """The order style of the CSL file at ``path`` (see the module docstring), as UTF-8 XML."""
    from lxml import etree

    tree = _parse(path)
    root = tree.getroot()
    for section in (root.find(f"{_CSL}citation"), root.find(f"{_CSL}bibliography")):
        if section is None:
            continue
        for attribute in (*_DISAMBIGUATION_ATTRIBUTES, "subsequent-author-substitute",
                          "subsequent-author-substitute-rule", "collapse"):
            section.attrib.pop(attribute, None)
        layout = section.find(f"{_CSL}layout")
        if layout is None:
            continue
        for child in list(layout):
            layout.remove(child)
        for attribute in ("prefix", "suffix", "delimiter"):
            layout.attrib.pop(attribute, None)
        etree.SubElement(layout, f"{_CSL}text", value="x")
        if section.tag == f"{_CSL}citation":
            for sort in section.findall(f"{_CSL}sort"):
                section.remove(sort)
    data: bytes = etree.tostring(tree, xml_declaration=True, encoding="utf-8")
    return data
