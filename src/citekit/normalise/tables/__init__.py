"""The normaliser's heuristics as data: every rule, row or structural, in one registry.

:data:`LINE_ROWS` is the order in which a line's kind is decided (the first row that matches wins);
:data:`RULES` maps every rule id to its :class:`~citekit.normalise.rules.Rule`. Ids are unique; an
import-time check says so, and tests check that every row's named groups are those the stages read.
"""

from __future__ import annotations

from citekit.normalise.rules import Rule
from citekit.normalise.tables import header as H
from citekit.normalise.tables.boilerplate import BOILERPLATE
from citekit.normalise.tables.endmatter import BACK_MATTER, NOTICES, RIGHTS, SOURCES
from citekit.normalise.tables.structure import STRUCTURE

BACK = {rule.id: rule for rule in BACK_MATTER}

SHORT_BACK_ROWS: tuple[Rule, ...] = (
    H.KEYWORD_LINE, BACK["back.caption"], BACK["back.editor-note"], BACK["back.bio-label"],
    BACK["back.acknowledgement"], H.BYLINE_ALONE, H.SITE_LINE_ALONE, BACK["back.translation-credit"],
    BACK["back.hat-tip"], BACK["back.image-credit"],
)
"""Rows tried on short lines (labels and credits are short), after boilerplate."""
LONG_BACK_ROWS: tuple[Rule, ...] = (BACK["back.caption"], BACK["back.editor-note"], BACK["back.acknowledgement"])
"""Rows tried on longer lines too."""
REFERENCE_ROWS: tuple[Rule, ...] = (BACK["back.reference-line"], BACK["back.citation-marks"])
SHAPE_ROWS: tuple[Rule, ...] = (
    BACK["back.notes-label"], H.SITE_LINE, H.SITE_NAME, H.SITE_PAREN, BACK["back.source-mark"], BACK["back.sign-off"],
)
"""Rows for short lines that nothing above claimed."""

LINE_ROWS: tuple[Rule, ...] = (
    *BOILERPLATE, *SHORT_BACK_ROWS, *SOURCES, H.WRITTEN_BY, *RIGHTS, *NOTICES,
    *REFERENCE_ROWS, *SHAPE_ROWS,
)
"""A photo credit is tried before the rights rows: the licence it names is the image's, not the article's."""
"""Every row a line is matched against, in the order tried (rows that are not tried on every
length say so in :mod:`citekit.normalise.classify`)."""

GLUED_ROWS: tuple[Rule, ...] = (
    H.INLINE_TAGS, H.WIRE_CREDIT, H.DATELINE_WIRE, H.DATELINE_PREFIX, H.TRAILING_SOURCE, H.TRAILING_DASH_CREDIT,
    H.TRAILING_SLASH_CREDIT, H.CLOSING_RIGHTS,
)
"""Rows for text glued inside a paragraph (one-line dataset texts), read by the peel stage."""

ALL_RULES: tuple[Rule, ...] = (
    *LINE_ROWS, *H.CREDIT_DECISIONS, H.SITE_DOMAIN, H.KICKER, *GLUED_ROWS, *STRUCTURE,
)


def _registry(rules: tuple[Rule, ...]) -> dict[str, Rule]:
    registry: dict[str, Rule] = {}
    for rule in rules:
        if rule.id in registry and registry[rule.id] is not rule:
            raise ValueError(f"two rules share the id {rule.id!r}")
        registry[rule.id] = rule
    return registry


RULES: dict[str, Rule] = _registry(ALL_RULES)
"""Every rule by id."""

__all__ = ["ALL_RULES", "GLUED_ROWS", "LINE_ROWS", "RULES"]
