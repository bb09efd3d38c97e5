"""What a line is, in words and colours, and why: the kinds an inspect page shows and the notes of
the rules that decided them.

A line's kind is its provenance role made specific where a reader would ask: a ``rights`` line is
a copyright statement, a source attribution or a notice; a ``removed`` line is boilerplate or text
printed twice. Every kind has a text label (colour is never the only sign) and colours for the
light and dark schemes, each pair at least WCAG AA (4.5:1; ``tests/test_inspect.py`` computes them).
"""

from __future__ import annotations

from typing import NamedTuple

from citekit.model import NOTICE_KINDS


class Palette(NamedTuple):
    """One kind's colours (hex): its label chip and its line rows, light and dark."""

    chip: str
    """Light scheme: the label's background."""
    ink: str
    """Light scheme: the label's text, and the bar beside the kind's lines."""
    dark_chip: str
    """Dark scheme: the label's background."""
    dark_ink: str
    """Dark scheme: the label's text and bar."""
    row: str
    """Light scheme: the background of the kind's lines (under :data:`TEXT`)."""
    dark_row: str
    """Dark scheme: the same."""


TEXT = ("#1b1b1b", "#e6e6e6")
"""Page text, light and dark."""
MUTED = ("#4d4d4d", "#b3b3b3")
"""Rule ids, notes and line numbers, light and dark."""
PAGE = ("#ffffff", "#121212")
"""Page background, light and dark."""
LINK = ("#0b4f9c", "#8cc4ff")
"""Links, light and dark."""
PANEL = ("#f4f4f5", "#1c1c1e")
"""The fields panel's and code blocks' background, light and dark."""

# One hue per kind, chips at 90 % lightness with 22 % ink (light) and the reverse (dark); rows a
# faint tint of the hue. Body, the bulk of any article, keeps the page's own background.
KINDS: dict[str, tuple[str, Palette]] = {
    "title": ("title", Palette("#e2d2f9", "#310e62", "#392259", "#d7c1f6", "#f5effd", "#1f152e")),
    "subtitle": ("subtitle", Palette("#f2d2f9", "#540e62", "#502259", "#edc1f6", "#fbeffd", "#29152e")),
    "byline": ("byline", Palette("#d2ecf9", "#0e4662", "#224659", "#c1e4f6", "#eff8fd", "#15252e")),
    "dateline": ("date line", Palette("#d2f9f5", "#0e625b", "#225954", "#c1f6f2", "#effdfc", "#152e2c")),
    "site": ("site line", Palette("#d2f9e6", "#0e6238", "#22593d", "#c1f6db", "#effdf6", "#152e21")),
    "keywords": ("keywords", Palette("#ecf9d2", "#46620e", "#465922", "#e4f6c1", "#f8fdef", "#252e15")),
    "body": ("body", Palette("#e2e5e9", "#303741", "#383c43", "#d6dae1", "#ffffff", "#121212")),
    "back": ("back matter", Palette("#f9e6d2", "#62380e", "#593d22", "#f6dbc1", "#fdf6ef", "#2e2115")),
    "rights": ("rights", Palette("#f9f1d2", "#62510e", "#594e22", "#f6ebc1", "#fdfaef", "#2e2915")),
    "source": ("source", Palette("#d2f9d2", "#0e620e", "#225922", "#c1f6c1", "#effdef", "#152e15")),
    "notice": ("notice", Palette("#f9d2ec", "#620e46", "#592246", "#f6c1e4", "#fdeff8", "#2e1525")),
    "removed": ("removed", Palette("#f9d2d2", "#620e0e", "#592222", "#f6c1c1", "#fdefef", "#2e1515")),
    "duplicate": ("duplicate", Palette("#f9ded2", "#62270e", "#593222", "#f6d1c1", "#fdf3ef", "#2e1c15")),
    "other": ("other", Palette("#e6e6e6", "#383838", "#3d3d3d", "#dbdbdb", "#f6f6f6", "#212121")),
}
"""Kind → (text label, colours), in the order a legend lists them."""


def label(kind: str) -> str:
    """The kind's text label ("date line")."""
    return KINDS.get(kind, KINDS["other"])[0]


def kind_of(role: str, rule: str, removed_reason: str | None = None) -> str:
    """The kind of a line the normaliser gave ``role`` by ``rule`` (``removed_reason``: the reason
    ``removed[]`` records for it, when it was removed)."""
    from citekit.normalise import RULES

    if role == "rights":
        found = RULES.get(rule)
        if found is not None and found.kind == "source":
            return "source"
        if found is not None and found.kind in NOTICE_KINDS:
            return "notice"
        return "rights"
    if role == "removed":
        return "duplicate" if removed_reason == "duplicate" else "removed"
    if role == "notice":
        return "notice"
    return role if role in KINDS else "other"


READER_DECISIONS: dict[str, str] = {
    "reader.kept-in-body": (
        "Extracted as the page's main content, so it stays in the body: on extracted text only rights, "
        "notices, boilerplate and a repeated header leave it (the text rules mistake too many paragraphs "
        "for bios, notes or a dek; readers/_normalise_bridge.py, LEAVES_BODY)."),
    "cld2": "The body's language, told by CLD2 from its opening text; recorded only when CLD2 is sure.",
    "user": "Supplied by you: --set, --accessed, a dataset --column or a --metadata sidecar row.",
}
"""Decisions that are not rows of the normaliser's tables, by the id provenance records."""

_SUFFIXES = (" (not chosen)", " (no value)")


def base_rule(rule: str) -> str:
    """``rule`` without the marks provenance adds: "x (not chosen)" → "x"; "text:x" → "x"."""
    for suffix in _SUFFIXES:
        rule = rule.removesuffix(suffix)
    return rule.removeprefix("text:")


def rule_note(rule: str) -> str:
    """Why the rule holds, in a sentence: its note from the registry, or what the reader's own
    source names ("json-ld:headline (weighted agreement with og:og:title)")."""
    from citekit.normalise import RULES

    base = base_rule(rule)
    found = RULES.get(base)
    if found is not None:
        note = found.note
    elif base in READER_DECISIONS:
        note = READER_DECISIONS[base]
    elif ":" in base:
        origin, _, why = base.partition(" (")
        note = f"Stated by the input itself ({origin})" + (f": {why.rstrip(')')}." if why else ".")
    else:
        note = "No note is recorded for this rule."
    if rule.startswith("text:"):
        note = f"Read from the text by the normaliser, the input stating nothing: {note}"
    return note
