"""lxml helpers for the JATS writer: text cleaning, element creation, indentation, serialisation."""

from __future__ import annotations

import re

from lxml import etree

from citekit.writers import _xml

XLINK = "http://www.w3.org/1999/xlink"
ALI = "http://www.niso.org/schemas/ali/1.0/"
MML = "http://www.w3.org/1998/Math/MathML"
XML = "http://www.w3.org/XML/1998/namespace"
NSMAP = {"ali": ALI, "mml": MML, "xlink": XLINK}
"""Declared on the root: JATS4R's schematrons see only the document, never the DTD's defaults."""

HREF = f"{{{XLINK}}}href"
TITLE = f"{{{XLINK}}}title"
LANG = f"{{{XML}}}lang"

# Everything XML 1.0 forbids (C0 controls but tab/LF/CR, surrogates, U+FFFE/U+FFFF); lxml
# refuses such text outright, and a scraped page may hold any of it.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

# Elements whose content model holds elements only: indenting inside them adds no text. Mixed
# content (p, title, ext-link, …) is never indented, so whitespace there stays as written.
_ELEMENT_ONLY = frozenset({
    "article", "front", "journal-meta", "journal-title-group", "publisher", "article-meta",
    "title-group", "contrib-group", "contrib", "name", "pub-date", "permissions", "license",
    "kwd-group", "custom-meta-group", "custom-meta", "body", "sec", "list", "list-item",
    "disp-quote", "back", "bio", "notes", "ref-list", "ref", "fig", "caption", "table-wrap", "table",
    "thead", "tbody", "tfoot", "tr", "fn-group", "fn",
})

Element = etree._Element


def clean(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold."""
    return _NOT_XML.sub("", text)


def clean_line(text: str) -> str:
    """``text`` cleaned, with runs of whitespace (newlines included) made one space, stripped."""
    return " ".join(clean(text).split())


def new_root(tag: str) -> Element:
    """A root element declaring the JATS namespaces."""
    return etree.Element(tag, nsmap=NSMAP)


def sub(parent: Element, tag: str, text: str | None = None, attrib: dict[str, str] | None = None) -> Element:
    """A child element with cleaned attribute values and optional cleaned text."""
    child = etree.SubElement(parent, tag)
    for key, value in (attrib or {}).items():
        child.set(key, clean(value))
    if text is not None:
        child.text = clean(text)
    return child


def append_text(parent: Element, text: str) -> None:
    """Add ``text`` (cleaned for XML 1.0) at the end of ``parent``'s mixed content."""
    _xml.append_text(parent, clean(text))


def has_content(element: Element) -> bool:
    """True when ``element`` holds a child element or non-blank text."""
    return len(element) > 0 or bool((element.text or "").strip())


def indent(element: Element, level: int = 0) -> None:
    """Pretty-print element-only content in place, two spaces a level."""
    if element.tag not in _ELEMENT_ONLY or len(element) == 0:
        return
    inner = "\n" + "  " * (level + 1)
    element.text = inner
    for child in element:
        indent(child, level + 1)
        child.tail = inner
    element[-1].tail = "\n" + "  " * level


def serialise(root: Element, public_id: str, system_id: str) -> bytes:
    """The document as UTF-8 bytes with XML declaration and DOCTYPE."""
    body = etree.tostring(root, encoding="unicode")
    head = f'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE article PUBLIC "{public_id}" "{system_id}">\n'
    return (head + body + "\n").encode("utf-8")
