"""Embedded TrueType subsets, each with a subset tag of its own.

PDF 32000-1 §9.6.4 names an embedded subset ``TAG+FontName``, the tag being six capital letters,
and asks that different subsets in one file have different tags. reportlab 5 (``TTFont.addObjects``)
numbers the subsets of each font from zero, so every font's first subset is ``AAAAAA+``: a PDF
with four fonts holds four ``AAAAAA+`` subsets, which makes tools that key fonts by tag (font
caches, PDF/A validators, text extractors) confuse them.

:func:`make_font` returns a :class:`reportlab.pdfbase.ttfonts.TTFont` whose ``addObjects`` is
reportlab's own (5.1, BSD licence) with one change: the tag comes from a counter that runs over
the whole document, in the order reportlab writes the fonts (deterministic, so the same input
still gives the same bytes). reportlab is imported on first use, as everywhere in this writer.
"""

from __future__ import annotations

import weakref
from typing import Any

_counters: weakref.WeakKeyDictionary[Any, int] = weakref.WeakKeyDictionary()
"""Subsets tagged so far in each PDF document being written."""

_font_class: type | None = None


def subset_tag(number: int) -> str:
    """The ``number``-th tag of a document: 0 → AAAAAA, 1 → AAAAAB, 26 → AAAABA."""
    letters = ""
    for _ in range(6):
        number, rest = divmod(number, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _next_tag(doc: Any) -> str:
    number = _counters.get(doc, 0)
    _counters[doc] = number + 1
    return subset_tag(number)


def make_font(name: str, path: str) -> Any:
    """A TrueType font registered as ``name`` whose embedded subsets are tagged per document."""
    global _font_class
    if _font_class is None:
        _font_class = _define_font_class()
    return _font_class(name, path)


def _define_font_class() -> type:
    from reportlab.pdfbase import pdfdoc
    from reportlab.pdfbase.ttfonts import TTFont, makeToUnicodeCMap

    class TaggedSubsetFont(TTFont):  # type: ignore[misc]
        def addObjects(self, doc: Any) -> None:
            """reportlab's ``TTFont.addObjects``, the subset tag aside (see the module docstring)."""
            try:
                state = self.state[doc]
            except KeyError:
                state = self.state[doc] = TTFont.State(self._asciiReadable)
            state.frozen = 1
            for n, subset in enumerate(state.subsets):
                internal_name = self.getSubsetInternalName(n, doc)[1:]
                base_font_name = (_next_tag(doc).encode("ascii") + b"+" + self.face.name
                                  + self.face.subfontNameX).decode("pdfdoc")
                pdf_font = pdfdoc.PDFTrueTypeFont()
                pdf_font.__Comment__ = f"Font {self.fontName} subset {n}"
                pdf_font.Name = internal_name
                pdf_font.BaseFont = base_font_name
                pdf_font.FirstChar = 0
                pdf_font.LastChar = len(subset) - 1
                pdf_font.Widths = pdfdoc.PDFArray(list(map(self.face.getCharWidth, subset)))
                cmap_stream = pdfdoc.PDFStream()
                cmap_stream.content = makeToUnicodeCMap(base_font_name, subset)
                if doc.compression:
                    cmap_stream.filters = [pdfdoc.PDFZCompress]
                pdf_font.ToUnicode = doc.Reference(cmap_stream, "toUnicodeCMap:" + base_font_name)
                pdf_font.FontDescriptor = self.face.addSubsetObjects(doc, base_font_name, subset)
                doc.Reference(pdf_font, internal_name)
                doc.idToObject["BasicFonts"].dict[internal_name] = pdf_font
            del self.state[doc]

    return TaggedSubsetFont
