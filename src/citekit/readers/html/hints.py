"""What trafilatura's output loses and the saved page still states: figure captions and footnotes.

trafilatura is asked for no images (asked for them, it takes a different part of many pages for the
article: body F1 0.948 → 0.933 on the development corpus), so it drops figures; it keeps a footnote
reference as a link to ``#fn1`` and the notes as an ordinary list at the end. Before extraction,
:func:`page_hints` reads from the page:

* with ``HtmlOptions(figures=True)``, each ``<figure>`` with an image, which it replaces by a
  paragraph of its caption (or the image's ``alt``) led by a marker word: trafilatura keeps or
  drops it with the text around it, and the body reader turns a kept one back into the figure;
* each table's ``caption`` text, which trafilatura prints as the table's first row;
* each footnote target (an element with an id that a note reference points to) → the note's
  text, so a reference becomes a :class:`~citekit.model.Note` and the list of notes leaves the body.

A note reference is recognised as the markup tools write it: ``role="doc-noteref"``,
``epub:type="noteref"``, ``rel="footnote"``, a class naming a footnote or note reference (pandoc,
kramdown, WordPress and MediaWiki plugins), or an ``href="#…"`` to an element whose own or an
ancestor's class, role or ``epub:type`` names footnotes or endnotes. Work is bounded: at most
:data:`MAX_HINTS` figures and notes are read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

FIGURE_WORD = "fig"
"""After the page's marker stem (:func:`~citekit.readers.html.marks.marker_stem`), with a number:
the word that leads the paragraph standing in for a figure while trafilatura reads the page."""
MAX_HINTS = 2000
"""Figures and footnotes read from one page at most (a hostile page may hold millions)."""
_NOTE_WORDS = re.compile(r"foot-?notes?|end-?notes?|fn-?ref|noteref|footnote-ref|reference", re.IGNORECASE)
_NOTE_CONTAINER = re.compile(r"foot-?notes?|end-?notes?|doc-(foot|end)notes?|references", re.IGNORECASE)
_BACKLINK = re.compile(r"^\s*(↩\ufe0e?|↑|\^|back|return|\[?\d+\]?)\s*$", re.IGNORECASE)
_EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
_SPACE = re.compile(r"\s+")


@dataclass(slots=True)
class PageHints:
    """Captions by image address and notes by target id, as the page states them."""

    figures: dict[str, tuple[str, str | None, str, str]] = field(default_factory=dict)
    """A figure's marker word → its image's ``src``, ``alt`` (or None), ``title``, and its caption."""
    notes: dict[str, str] = field(default_factory=dict)
    """Footnote id → the note's text (its back links left out)."""
    table_captions: set[str] = field(default_factory=set)
    """The text of every table's ``caption`` (trafilatura prints one as the table's first row)."""
    figure_stem: str = ""
    """What every figure's marker word opens with on this page (the page's stem and ``fig``)."""


def _text(element: Any) -> str:
    return _SPACE.sub(" ", "".join(str(t) for t in element.itertext())).strip()


def _marks(element: Any) -> str:
    return " ".join(str(element.get(a) or "") for a in ("class", "role", "rel", "id", _EPUB_TYPE, "epub:type"))


def _is_reference(anchor: Any, target: Any) -> bool:
    if _NOTE_WORDS.search(_marks(anchor)) or _NOTE_WORDS.search(_marks(anchor.getparent())):
        return True
    node = target
    for _ in range(4):  # the note itself, its list item, its list, the notes section
        if node is None:
            return False
        if _NOTE_CONTAINER.search(_marks(node)):
            return True
        node = node.getparent()
    return False


def _note_text(target: Any) -> str:
    """The note's words without its back links ("↩", "back", "^")."""
    parts = [str(target.text or "")]
    for child in target.iterdescendants():
        if not isinstance(child.tag, str):
            continue
        if child.tag == "a" and _BACKLINK.match(_text(child)) and (child.get("href") or "").startswith("#"):
            parts.append(str(child.tail or ""))
            continue
        if any(a.tag == "a" and _BACKLINK.match(_text(a)) for a in child.iterancestors() if a is not target):
            continue
        parts.append(str(child.text or ""))
        parts.append(str(child.tail or ""))
    return _SPACE.sub(" ", "".join(parts)).strip()


def page_hints(root: Any, *, stem: str, figures: bool = False) -> PageHints:
    """Read table captions and footnotes from the parsed page, before trafilatura sees it; with
    ``figures``, the page's figures are replaced by their stand-in paragraphs, led by ``stem`` (no
    page prints it), ``fig`` and a number (read the page's metadata first)."""
    hints = PageHints(figure_stem=stem + FIGURE_WORD)
    for count, figure in enumerate(list(root.iter("figure")) if figures else ()):
        if count >= MAX_HINTS:
            break
        caption = next(figure.iter("figcaption"), None)
        image = next(figure.iter("img"), None)
        if image is None or not image.get("src") or figure.getparent() is None or (figure.tail or "").strip():
            # A figure followed by loose text is left alone: a paragraph in its place makes
            # trafilatura drop the loose text that it otherwise joins to the text before.
            continue
        alt = image.get("alt")
        marker = f"{hints.figure_stem}{count}"
        text = _text(caption) if caption is not None else ""
        hints.figures[marker] = (str(image.get("src")).strip(), None if alt is None else str(alt),
                                 str(image.get("title") or ""), text)
        # The figure becomes a paragraph of its caption, led by its marker: trafilatura keeps or
        # drops it with the text around it, and the body reader turns it back into the figure.
        stand_in = figure.makeelement("p", {})
        stand_in.text = f"{marker} {text or _SPACE.sub(' ', str(alt or '')).strip()}"
        stand_in.tail = figure.tail
        figure.getparent().replace(figure, stand_in)
    for count, caption in enumerate(root.iter("caption")):
        if count >= MAX_HINTS:
            break
        if _text(caption):
            hints.table_captions.add(_text(caption))
    # Only links within the page can point at notes; most pages have none, and then no id is read.
    anchors = root.xpath("//a[starts-with(@href, '#')]")[:50 * MAX_HINTS]
    ids: dict[str, Any] = {}
    for element in root.xpath("//*[@id]")[:50 * MAX_HINTS] if anchors else ():
        ids.setdefault(str(element.get("id")), element)
    for anchor in anchors:
        if len(hints.notes) >= MAX_HINTS:
            break
        href = str(anchor.get("href"))
        target = ids.get(href[1:]) if len(href) > 1 else None
        if target is None or href[1:] in hints.notes or not _is_reference(anchor, target):
            continue
        text = _note_text(target)
        if text and not _BACKLINK.match(text):
            hints.notes[href[1:]] = text
    return hints
