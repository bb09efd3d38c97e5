"""Page template, footer, outline, document information and XMP: the flowables become a PDF.

Dates and identity. reportlab stamps the creation date from the clock, or, in ``invariant`` mode,
2000-01-01 unless the process environment has ``SOURCE_DATE_EPOCH``; the file identifier (/ID) is
an MD5 seeded with that same timestamp. Neither may depend on the environment here: in a batch,
one user's ``SOURCE_DATE_EPOCH`` would silently give every article the same date. So the canvas
(a) replaces reportlab's Info dictionary with :class:`_Info`, which writes /CreationDate and
/ModDate from the article's own date, at the precision printed (``D:2017``, ``D:201701``,
``D:20170129``), and omits them when the article has no date; and (b) reseeds the /ID digest with
a SHA-256 of the serialised document and the options, so the ID is a fingerprint of the input.
``os.environ`` is never read or written by citekit; reportlab still reads it, but nothing it
derives from it reaches the file.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from typing import IO, Any
from xml.sax.saxutils import escape as xml_escape

from citekit._version import __version__
from citekit.derive import labels_for, language_tag, parse_date, rights_line
from citekit.errors import WriterError
from citekit.model import Document
from citekit.writers import Diagnostic
from citekit.writers.pdf.flow import FlowBuilder, OutlineEntry, pdf_title
from citekit.writers.pdf.markup import clean_text, live_url
from citekit.writers.pdf.style import PageStyle, covered, load_style

_PAPER = {"a4": (595.2755905511812, 841.8897637795277), "letter": (612.0, 792.0)}

def pdf_date(value: str | None) -> str | None:
    """A PDF date string (PDF 32000 §7.9.4) at the precision of the ISO date, or None."""
    date = parse_date(value)
    if date is None:
        return None
    return "D:" + date.iso().replace("-", "")


def xmp_date(value: str | None) -> str | None:
    """The ISO date as XMP wants it (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``), or None."""
    date = parse_date(value)
    return date.iso() if date is not None else None


class InfoValues:
    """The document information fields, computed once and shared by Info and XMP."""

    def __init__(self, document: Document) -> None:
        meta = document.metadata
        self.title = pdf_title(document).value
        self.authors = [clean_text(a.name.strip()) for a in meta.authors if a.name.strip()]
        self.author = "; ".join(self.authors)
        subject = meta.subtitle or ", ".join(p for p in (meta.site or meta.publisher, meta.date) if p)
        self.subject = clean_text(" ".join(subject.split()))
        self.keywords = [clean_text(k) for k in meta.keywords if k.strip()]
        self.creator = f"citekit {__version__}"
        self.date = pdf_date(meta.date)
        self.iso_date = xmp_date(meta.date)
        self.language = language_tag(meta.language)
        rights = document.rights
        self.rights = clean_text(rights_line(document))
        self.rights_marked = bool(rights.statement or rights.holders)
        self.source = clean_text(live_url(meta.url) or live_url(rights.source_url) or rights.source or "")
        self.license_url = live_url(rights.license_url) or ""
        self.publisher = clean_text(meta.publisher or meta.site or "")


def _xmp_packet(info: InfoValues, producer: str) -> bytes:
    """An XMP packet repeating the Info fields plus dc:rights and dc:source (UTF-8, unfiltered)."""

    def text(value: str) -> str:
        return xml_escape(value)

    def alt(value: str) -> str:
        return f'<rdf:Alt><rdf:li xml:lang="x-default">{text(value)}</rdf:li></rdf:Alt>'

    properties = [
        "<dc:format>application/pdf</dc:format>",
        f"<dc:title>{alt(info.title)}</dc:title>",
    ]
    if info.authors:
        items = "".join(f"<rdf:li>{text(a)}</rdf:li>" for a in info.authors)
        properties.append(f"<dc:creator><rdf:Seq>{items}</rdf:Seq></dc:creator>")
    if info.subject:
        properties.append(f"<dc:description>{alt(info.subject)}</dc:description>")
    if info.keywords:
        items = "".join(f"<rdf:li>{text(k)}</rdf:li>" for k in info.keywords)
        properties.append(f"<dc:subject><rdf:Bag>{items}</rdf:Bag></dc:subject>")
        properties.append(f"<pdf:Keywords>{text(', '.join(info.keywords))}</pdf:Keywords>")
    if info.publisher:
        properties.append(f"<dc:publisher><rdf:Bag><rdf:li>{text(info.publisher)}</rdf:li></rdf:Bag></dc:publisher>")
    if info.language:
        properties.append(f"<dc:language><rdf:Bag><rdf:li>{text(info.language)}</rdf:li></rdf:Bag></dc:language>")
    if info.iso_date:
        properties.append(f"<dc:date><rdf:Seq><rdf:li>{info.iso_date}</rdf:li></rdf:Seq></dc:date>")
        properties.append(f"<xmp:CreateDate>{info.iso_date}</xmp:CreateDate>")
        properties.append(f"<xmp:ModifyDate>{info.iso_date}</xmp:ModifyDate>")
    if info.rights:
        properties.append(f"<dc:rights>{alt(info.rights)}</dc:rights>")
    if info.source:
        properties.append(f"<dc:source>{text(info.source)}</dc:source>")
    if info.rights_marked:
        properties.append("<xmpRights:Marked>True</xmpRights:Marked>")
    if info.license_url:
        properties.append(f"<xmpRights:WebStatement>{text(info.license_url)}</xmpRights:WebStatement>")
    properties.append(f"<xmp:CreatorTool>{text(info.creator)}</xmp:CreatorTool>")
    properties.append(f"<pdf:Producer>{text(producer)}</pdf:Producer>")
    body = "\n    ".join(properties)
    packet = (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        '  <rdf:Description rdf:about=""\n'
        '    xmlns:dc="http://purl.org/dc/elements/1.1/"\n'
        '    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"\n'
        '    xmlns:xmp="http://ns.adobe.com/xap/1.0/"\n'
        '    xmlns:xmpRights="http://ns.adobe.com/xap/1.0/rights/">\n'
        f"    {body}\n"
        "  </rdf:Description>\n"
        " </rdf:RDF>\n"
        "</x:xmpmeta>\n"
        '<?xpacket end="r"?>\n'
    )
    return packet.encode("utf-8")


def _pdf_classes() -> tuple[type, type, type]:
    """reportlab subclasses, defined on first use so importing the writer does not import reportlab."""
    global _CLASSES
    if _CLASSES is not None:
        return _CLASSES
    from reportlab.pdfbase.pdfdoc import PDFDictionary, PDFInfo, PDFName, PDFStream, PDFString
    from reportlab.pdfbase.pdfdoc import format as pdf_format
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import BaseDocTemplate

    class Info(PDFInfo):  # type: ignore[misc]
        """Info dictionary without reportlab's placeholders ("anonymous", "unspecified") or clock."""

        citekit_date: str | None = None

        def format(self, document: Any) -> bytes:
            fields: dict[str, Any] = {"Title": PDFString(self.title)}
            optional = (("Author", self.author), ("Subject", self.subject), ("Keywords", self.keywords))
            for key, value in optional:
                if value:
                    fields[key] = PDFString(value)
            fields["Creator"] = PDFString(self.creator)
            fields["Producer"] = PDFString(self.producer)
            if self.citekit_date:
                fields["CreationDate"] = fields["ModDate"] = PDFString(self.citekit_date)
            fields["Trapped"] = PDFName("False")
            return PDFDictionary(fields).format(document)  # type: ignore[no-any-return]

    class Metadata(PDFStream):  # type: ignore[misc]
        """The XMP metadata stream, left unfiltered so that file scanners can read it."""

        def __init__(self, packet: bytes) -> None:
            super().__init__(PDFDictionary({"Type": PDFName("Metadata"), "Subtype": PDFName("XML")}), packet)

        def format(self, document: Any) -> bytes:
            content = document.encrypt.encode(self.content)
            dictionary = PDFDictionary(dict(self.dictionary.dict, Length=len(content)))
            return pdf_format(dictionary, document) + b"\nstream\n" + content + b"endstream\n"  # type: ignore[no-any-return]

    class PagedCanvas(Canvas):  # type: ignore[misc]
        """Holds pages back until the end so each footer can say "page N of M".

        Bookmarks are placed while the held pages are finally written, because reportlab
        binds a bookmark to the page being written at the moment it is made.
        """

        def __init__(self, *args: Any, citekit: _Job, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._citekit = citekit
            self._held_pages: list[dict[str, Any]] = []
            info = Info()
            info.citekit_date = citekit.info.date
            self._doc.info = info
            self._doc.signature = hashlib.md5(citekit.fingerprint, usedforsecurity=False)
            self._doc.Catalog.Metadata = Metadata(_xmp_packet(citekit.info, info.producer))

        def showPage(self) -> None:
            self._held_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            job = self._citekit
            total = len(self._held_pages)
            for number, state in enumerate(self._held_pages, start=1):
                self.__dict__.update(state)
                job.draw_footer(self, number, total)
                for entry, top in job.bookmarks.get(number, ()):
                    self.bookmarkPage(entry.key, fit="XYZ", left=0, top=top)
                Canvas.showPage(self)
            for entries in job.bookmarks.values():
                for entry, _top in entries:
                    self.addOutlineEntry(entry.title, entry.key, entry.level, closed=False)
            if sum(len(e) for e in job.bookmarks.values()) > 1:
                self.showOutline()
            Canvas.save(self)

    class Template(BaseDocTemplate):  # type: ignore[misc]
        def __init__(self, *args: Any, citekit: _Job, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._citekit = citekit

        def afterFlowable(self, flowable: Any) -> None:
            entry = getattr(flowable, "citekit_outline", None)
            if isinstance(entry, OutlineEntry):
                top = self.frame._y + getattr(flowable, "height", 0) + 4
                self._citekit.bookmarks.setdefault(self.page, []).append((entry, top))

    _CLASSES = (PagedCanvas, Template, Info)
    return _CLASSES


_CLASSES: tuple[type, type, type] | None = None


class _Job:
    """One document being rendered: what the canvas and template need to call back into."""

    def __init__(self, document: Document, style: PageStyle, paper: str, builder: FlowBuilder,
                 content: str) -> None:
        self.style = style
        self.info = InfoValues(document)
        # The footer is fitted to two lines once (flow.footer_line); each page draws it as it is.
        self.footer = clean_text(builder.footer_text())
        self.page_label = labels_for(document.metadata.language).page
        self.page_size = _PAPER[paper]
        self.bookmarks: dict[int, list[tuple[OutlineEntry, float]]] = {}
        self.fingerprint = hashlib.sha256(
            f"citekit {__version__} pdf paper={paper}\n{content}".encode("utf-8", "replace")).digest()

    def draw_footer(self, canvas: Any, number: int, total: int) -> None:
        from reportlab.lib.colors import HexColor
        from reportlab.lib.utils import simpleSplit
        from reportlab.pdfbase.pdfmetrics import stringWidth

        footer = self.style.role("footer")
        page_width = self.page_size[0]
        left = (page_width - self.style.text_width) / 2
        right = left + self.style.text_width
        baseline = self.style.footer_offset
        label = self.page_label.format(number=number, total=total)
        label_width = stringWidth(label, footer.font, footer.size)
        canvas.saveState()
        canvas.setStrokeColor(HexColor(self.style.colours["rule"]))
        canvas.setLineWidth(0.4)
        canvas.line(left, baseline + footer.leading, right, baseline + footer.leading)
        canvas.setFillColor(HexColor(footer.colour))
        canvas.setFont(footer.font, footer.size)
        canvas.drawRightString(right, baseline, label)
        lines = simpleSplit(self.footer, footer.font, footer.size, self.style.text_width - label_width - 18)
        for index, line in enumerate(lines[:2]):
            canvas.drawString(left, baseline - index * footer.leading, line)
        canvas.restoreState()


def render(document: Document, stream: IO[bytes], paper: str) -> list[Diagnostic]:
    """Typeset ``document`` and write the PDF to ``stream``; return the diagnostics."""
    from reportlab.platypus import Frame, LayoutError, PageTemplate

    _check_source_date_epoch()
    style = load_style()
    builder = FlowBuilder(document, style)
    flowables = builder.build()
    # Everything printed, as one string: the dataclasses' repr is deterministic (tuples, strings and
    # numbers only) and ten times cheaper than the JSON form. It seeds the /ID and the glyph check.
    content = repr((document.metadata, document.body, document.back, document.rights))
    job = _Job(document, style, paper, builder, content)
    canvas_class, template_class, _info = _pdf_classes()
    width, height = job.page_size
    frame = Frame((width - style.text_width) / 2, style.bottom_margin, style.text_width,
                  height - style.top_margin - style.bottom_margin,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="text")
    info = job.info
    template = template_class(
        stream, citekit=job, pagesize=job.page_size, pageTemplates=[PageTemplate(id="page", frames=[frame])],
        title=info.title, author=info.author, subject=info.subject, keywords=", ".join(info.keywords),
        creator=info.creator, lang=info.language, invariant=1, displayDocTitle=1,
        # reportlab's default initial font is Helvetica, which would be listed (unembedded) on every page.
        initialFontName=style.role("body").font, initialFontSize=style.role("body").size,
        leftMargin=frame._x1, rightMargin=frame._x1, topMargin=style.top_margin,
        bottomMargin=style.bottom_margin,
    )
    maker: Callable[..., Any] = lambda *args, **kwargs: canvas_class(*args, citekit=job, **kwargs)  # noqa: E731
    try:
        template.build(flowables, canvasmaker=maker)
    except LayoutError as error:
        raise WriterError(f"the PDF layout failed: {error}") from error
    diagnostics = builder.diagnostics + _uncovered(content)
    unique: dict[tuple[str, str], Diagnostic] = {}
    for diagnostic in diagnostics:
        unique.setdefault((diagnostic.field, diagnostic.message), diagnostic)
    return list(unique.values())


def _check_source_date_epoch() -> None:
    """Explain, rather than crash on, a malformed SOURCE_DATE_EPOCH, which reportlab parses on every PDF.

    The value itself never reaches the file (see the module docstring); only its being malformed matters.
    """
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return
    try:
        int(value)
    except ValueError:
        raise WriterError(f"SOURCE_DATE_EPOCH={value!r} is not an integer, and reportlab cannot start a PDF "
                          "with it set so; citekit does not use it (PDF dates come from the article): "
                          "unset it or fix it") from None


def _uncovered(content: str) -> list[Diagnostic]:
    """A diagnostic naming the characters the embedded fonts cannot draw (shown as empty boxes)."""
    missing = sorted(ch for ch in set(content) if ch.isprintable() and not ch.isspace() and not covered(ch))
    if not missing:
        return []
    shown = " ".join(f"U+{ord(ch):04X} {ch}" for ch in missing[:12]) + (" …" if len(missing) > 12 else "")
    return [Diagnostic(field="document", message=f"{len(missing)} character(s) have no glyph in the embedded "
                                                 f"fonts and print as empty boxes: {shown}")]
