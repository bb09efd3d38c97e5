"""Which dates a CSL style prints, so ``citekit cite`` can say when the data lacks one.

APA gives an undated web page "(n.d.)" and a retrieval date ("Retrieved March 5, 2024, from
URL"); without an access date it prints the URL alone. The warning names the input and the
option that supplies what is missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path

from citekit.model import Document


@cache
def style_variables(path: Path) -> frozenset[str]:
    """Every CSL variable the style at ``path`` names (in ``variable`` attributes)."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.parse(str(path), parser).getroot()
    except (OSError, etree.XMLSyntaxError):
        return frozenset()
    names: set[str] = set()
    for element in root.iter():
        value = element.get("variable") if isinstance(element.tag, str) else None
        if value:
            names.update(value.split())
    return frozenset(names)


def missing_dates(named: Sequence[tuple[str, Document]], style_path: Path, style_id: str) -> list[str]:
    """One warning per document whose reference will lack a date the style prints."""
    variables = style_variables(style_path)
    warnings: list[str] = []
    for name, document in named:
        meta = document.metadata
        if meta.date or "issued" not in variables:
            continue
        if "accessed" in variables and not meta.accessed:
            warnings.append(f"{name}: no date: {style_id} prints it undated, and with no access date "
                            "(give --accessed DATE, or --set date=DATE when you know the date)")
        else:
            warnings.append(f"{name}: no date: {style_id} prints it undated (--set date=DATE gives one)")
    return warnings
