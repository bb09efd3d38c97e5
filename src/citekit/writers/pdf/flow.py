"""The document model as a list of platypus flowables: title block, body, back matter, rights.

Every piece of article text reaches reportlab through :mod:`.markup`, escaped. Flowables that
start a section carry an :class:`OutlineEntry`; the page template turns them into PDF bookmarks.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any, assert_never

from citekit.derive import (
    LABELS,
    Derived,
    display_title,
    join_names,
    labels_for,
    parse_date,
    reader_date,
    rights_line,
    same_address,
)
from citekit.model import (
    Block,
    CodeBlock,
    Document,
    Figure,
    Heading,
    ListBlock,
    Notice,
    Para,
    Quote,
    Rule,
    Table,
    is_blank,
    plain_block,
    plain_inlines,
)
from citekit.writers import Diagnostic
from citekit.writers._links import text_links
from citekit.writers.pdf import structure
from citekit.writers.pdf.markup import (
    InlineContext,
    clean_text,
    escape_text,
    inline_markup,
    link_markup,
    live_url,
    split_markup,
)
from citekit.writers.pdf.style import PageStyle, TextStyle

_BULLETS = ("•", "–", "◦")
_OUTLINE_CHARACTERS = 200


@dataclass(frozen=True, slots=True)
class OutlineEntry:
    """A bookmark to place where the flowable carrying it is drawn."""

    title: str
    level: int
    key: str


def pdf_title(document: Document) -> Derived[str]:
    """The shared display title, with unprintable characters removed; never empty."""
    title = display_title(document)
    text = " ".join(clean_text(title.value).split())
    if text:
        return Derived(value=text, supplied=title.supplied, rule=title.rule)
    return Derived(value="Untitled", supplied=True, rule="untitled")


@cache
def _paragraph_style(role: TextStyle, left: float, right: float, space_before: float | None,
                     space_after: float | None, bullet_indent: float, keep_with_next: bool) -> Any:
    """A ParagraphStyle for ``role`` with indents; cached, since styles never change in a process."""
    from reportlab.lib.colors import HexColor
    from reportlab.lib.enums import TA_LEFT
    from reportlab.lib.styles import ParagraphStyle

    return ParagraphStyle(
        name=f"{role.font}-{role.size}-{left}-{right}-{space_before}-{space_after}-{bullet_indent}-{keep_with_next}",
        fontName=role.font,
        fontSize=role.size,
        leading=role.leading,
        textColor=HexColor(role.colour),
        spaceBefore=role.space_before if space_before is None else space_before,
        spaceAfter=role.space_after if space_after is None else space_after,
        leftIndent=left,
        rightIndent=right,
        bulletIndent=bullet_indent,
        bulletFontName=role.family,
        bulletFontSize=role.size,
        alignment=TA_LEFT,
        keepWithNext=int(keep_with_next),
        allowWidows=0,
        allowOrphans=0,
        # Long URLs in the text may break after "/" or "." instead of running into the margin.
        uriWasteReduce=0.3,
        splitLongWords=1,
    )


class FlowBuilder:
    """Builds the flowables of one document; collects diagnostics and outline entries."""

    def __init__(self, document: Document, style: PageStyle) -> None:
        self.document = document
        self.style = style
        self.diagnostics: list[Diagnostic] = []
        self._keys = 0
        self._last_level = -1
        meta = document.metadata
        self.base_url = live_url(meta.url) or live_url(document.rights.source_url)
        self.link_colour = style.colours.get("link", "#0000ee")
        self.language = meta.language
        self.labels = labels_for(meta.language)
        self.notes: list[tuple[Block, ...]] = []
        """Each note referenced so far, in reading order (endnotes: :mod:`.structure`)."""
        self.notes_written = 0

    # ---------------------------------------------------------------------------------------
    # Small helpers

    def _context(self, field: str) -> InlineContext:
        return InlineContext(mono_font=self.style.mono_font, link_colour=self.link_colour,
                             base_url=self.base_url, field=field, diagnostics=self.diagnostics, notes=self.notes)

    def paragraph(self, markup: str, role: str, *, left: float = 0, right: float = 0,
                  space_after: float | None = None, bullet: str | None = None,
                  outline: OutlineEntry | None = None) -> list[Any]:
        """``markup`` as paragraph flowables: one, or for a very long paragraph several that set as one.

        The pieces of a long paragraph (:func:`split_markup`) have no space between them; the
        first carries the bullet and the bookmark, the last the space after and keep-with-next.
        """
        from reportlab.platypus import Paragraph

        text_style = self.style.role(role)
        # A list marker hangs in the list indent, left of the item's text.
        bullet_indent = max(0.0, left - self.style.role("list").indent) if bullet is not None else 0.0
        pieces = split_markup(markup)
        flowables: list[Any] = []
        for number, piece in enumerate(pieces):
            first, last = number == 0, number == len(pieces) - 1
            paragraph_style = _paragraph_style(
                text_style, left, right, None if first else 0.0, space_after if last else 0.0, bullet_indent,
                text_style.keep_with_next and last)
            paragraph = Paragraph(piece, paragraph_style, bulletText=bullet if first else None)
            if outline is not None and first:
                paragraph.citekit_outline = outline
            flowables.append(paragraph)
        return flowables

    def run_in(self, label: str) -> str:
        """A run-in label ("<b>Source:</b> "), set the same way for every label of the colophon."""
        return f"<b>{escape_text(label)}:</b> "

    def linked_text(self, text: str) -> str:
        """``text`` escaped, the email and web addresses it prints made live links."""
        return "".join(link_markup(target, piece, self.link_colour) if target and live_url(target)
                       else escape_text(piece) for piece, target in text_links(text))

    def outline_entry(self, title: str, level: int) -> OutlineEntry:
        """A bookmark one level at most below the previous one (PDF outlines cannot skip levels).

        A bookmark names its heading in a reader's side panel: past :data:`_OUTLINE_CHARACTERS`
        the title is cut at a word and ends in "…" (the heading itself is printed whole).
        """
        level = max(0, min(level, self._last_level + 1))
        self._last_level = level
        self._keys += 1
        shown = " ".join(clean_text(title[: _OUTLINE_CHARACTERS * 2]).split())
        if len(shown) > _OUTLINE_CHARACTERS:
            shown = shown[:_OUTLINE_CHARACTERS].rsplit(" ", 1)[0] + " …"
        return OutlineEntry(title=shown or "…", level=level, key=f"citekit-{self._keys}")

    def indented(self, left: float, right: float, step_left: float, step_right: float) -> tuple[float, float]:
        """Indents one nesting level deeper, stopping once 40% of the measure is taken up.

        Deeply nested quotes and lists would otherwise squeeze the text to nothing (reportlab
        fails on a paragraph with no width).
        """
        if left + right + step_left + step_right > 0.4 * self.style.text_width:
            return left, right
        return left + step_left, right + step_right

    # ---------------------------------------------------------------------------------------
    # The whole document

    def build(self) -> list[Any]:
        from reportlab.lib.colors import HexColor
        from reportlab.platypus import HRFlowable

        flowables = self.title_block()
        flowables += self.blocks(self.document.body, "body", field="body")
        flowables += structure.notes_section(self)
        flowables.append(HRFlowable(width="100%", thickness=0.5, color=HexColor(self.style.colours["rule"]),
                                    spaceBefore=10, spaceAfter=0))
        flowables += self.back_matter()
        flowables += structure.notes_section(self)
        flowables += self.rights_section()
        return flowables

    def title_block(self) -> list[Any]:
        from reportlab.lib.colors import HexColor
        from reportlab.platypus import HRFlowable, Spacer

        meta = self.document.metadata
        title = pdf_title(self.document)
        flowables: list[Any] = []
        kicker = meta.site or meta.publisher
        if kicker:
            flowables += self.paragraph(escape_text(kicker), "kicker")
        shown_title = escape_text(title.value)
        if title.supplied:
            # Cataloguing convention: a title the item does not print is given in brackets.
            shown_title = f"[{shown_title}]"
            self.diagnostics.append(Diagnostic(
                field="metadata.title", supplied=True,
                message=f"the article prints no title; supplied {title.value!r} ({title.rule})"))
        flowables += self.paragraph(shown_title, "title",
                                        outline=self.outline_entry(title.value, 0))
        if meta.subtitle and meta.subtitle.strip():
            flowables += self.paragraph(escape_text(meta.subtitle.strip()), "subtitle")
        names = [a.name.strip() for a in meta.authors if a.name.strip()]
        if names:
            byline = self.labels.by.format(names=join_names(names, self.language))
            flowables += self.paragraph(escape_text(byline), "byline")
        date = parse_date(meta.date)
        if meta.date and meta.date.strip() and date is None:
            self.diagnostics.append(Diagnostic(
                field="metadata.date", message=f"{meta.date!r} is not an ISO 8601 date; "
                                               "printed as it stands and not used as the PDF creation date"))
        shown_date = reader_date(date, self.language) if date else (meta.date or "").strip()
        if shown_date:
            flowables += self.paragraph(escape_text(shown_date), "dateline")
        source = meta.url or self.document.rights.source_url
        if source and source.strip():
            source_link = f"{escape_text(self.labels.source)}: " + self.url_markup(source, "metadata.url")
            flowables += self.paragraph(source_link, "source_link")
        flowables.append(Spacer(1, 6))
        flowables.append(HRFlowable(width="100%", thickness=0.5, color=HexColor(self.style.colours["rule"]),
                                    spaceBefore=2, spaceAfter=14))
        return flowables

    def url_markup(self, url: str, field: str) -> str:
        """A live link showing ``url``, or the URL as plain text when it may not be live."""
        target = live_url(url)
        if target is None:
            self.diagnostics.append(Diagnostic(
                field=field,
                message=f"{url!r} is not an absolute http(s) or mailto URL; printed without a link"))
            return escape_text(url.strip())
        return link_markup(target, url.strip(), self.link_colour)

    # ---------------------------------------------------------------------------------------
    # Blocks

    def blocks(self, blocks: tuple[Block, ...], role: str, *, field: str, left: float = 0, right: float = 0,
               list_depth: int = 0) -> list[Any]:
        flowables: list[Any] = []
        for index, block in enumerate(blocks):
            flowables += self.block(block, role, field=f"{field}[{index}]", left=left, right=right,
                                    list_depth=list_depth)
        return flowables

    def block(self, block: Block, role: str, *, field: str, left: float, right: float, list_depth: int,
              bullet: str | None = None, space_after: float | None = None) -> list[Any]:
        from reportlab.lib.colors import HexColor
        from reportlab.platypus import HRFlowable, Spacer

        match block:
            case Para(content=content):
                if is_blank(content) and bullet is None:
                    return []
                markup = inline_markup(content, self._context(field))
                return self.paragraph(markup, role, left=left, right=right, bullet=bullet,
                                      space_after=space_after)
            case Heading(level=level, content=content):
                heading_role = "h1" if level <= 1 else "h2" if level == 2 else "h3"
                outline = None
                if role == "body" and left == 0 and plain_inlines(content).strip():
                    outline = self.outline_entry(plain_inlines(content), level)
                return self.paragraph(inline_markup(content, self._context(field)), heading_role,
                                      left=left, right=right, bullet=bullet, outline=outline)
            case Quote(blocks=quoted):
                indent = self.style.role("quote").indent
                inner_role = "quote" if role == "body" else role
                inner_left, inner_right = self.indented(left, right, indent, indent)
                inner = self.blocks(quoted, inner_role, field=field, left=inner_left, right=inner_right,
                                    list_depth=list_depth)
                if not inner:
                    return []
                return [Spacer(1, 3), *inner, Spacer(1, 4)]
            case ListBlock(ordered=ordered, items=items, start=start):
                return self.list_block(ordered, items, start, role, field=field, left=left, right=right,
                                       list_depth=list_depth)
            case Rule():
                return [HRFlowable(width="30%", thickness=0.6, color=HexColor(self.style.colours["rule"]),
                                   spaceBefore=4, spaceAfter=12, hAlign="CENTER")]
            case CodeBlock():
                return structure.code_block(self, block, left)
            case Figure():
                return structure.figure(self, block, field)
            case Table():
                return structure.table(self, block, field, in_cell=role in {"cell", "cell_header"})
            case _:
                assert_never(block)

    def list_block(self, ordered: bool, items: tuple[tuple[Block, ...], ...], start: int, role: str, *,
                   field: str, left: float, right: float, list_depth: int) -> list[Any]:
        from reportlab.platypus import Spacer

        list_style = self.style.role("list")
        item_role = "list" if role == "body" else role
        inner_left, _ = self.indented(left, right, list_style.indent, 0)
        flowables: list[Any] = []
        for number, item in enumerate(items, start=start):
            marker = f"{number}." if ordered else _BULLETS[list_depth % len(_BULLETS)]
            for index, block in enumerate(item or (Para(content=()),)):
                flowables += self.block(block, item_role, field=f"{field}.items[{number - start}][{index}]",
                                        left=inner_left, right=right, list_depth=list_depth + 1,
                                        bullet=marker if index == 0 else None,
                                        space_after=list_style.space_after)
        if flowables:
            flowables.append(Spacer(1, max(0.0, self.style.role(role).space_after - list_style.space_after)))
        return flowables

    # ---------------------------------------------------------------------------------------
    # Back matter and rights

    def section_heading(self, title: str) -> list[Any]:
        return self.paragraph(escape_text(title), "back_heading", outline=self.outline_entry(title, 0))

    def back_matter(self) -> list[Any]:
        document = self.document
        flowables: list[Any] = []
        bios = [item for item in document.back if item.kind == "bio"]
        bio_text = " ".join(plain_block(b) for item in bios for b in item.blocks)
        # Author.bio is the metadata copy of what the back matter prints; print it only when the
        # article has no bio of its own in the back matter (the two often differ in detail).
        extra_bios = [] if bios else [a for a in document.metadata.authors if a.bio and a.bio.strip()]
        printed_bios = bio_text + " " + " ".join(a.bio or "" for a in extra_bios)
        # An address the bio already prints (and links) is not repeated as a contact line.
        emails = [(a.name, live_url("mailto:" + a.email.strip())) for a in document.metadata.authors
                  if a.email and a.email.strip() not in printed_bios]
        labels = self.labels
        if bios or extra_bios or any(url for _, url in emails):
            several = len(document.metadata.authors) > 1
            flowables += self.section_heading(labels.about_authors if several else labels.about_author)
            for number, item in enumerate(document.back):
                if item.kind == "bio":
                    flowables += self.blocks(item.blocks, "back", field=f"back[{number}].blocks")
            for author in extra_bios:
                flowables += self.paragraph(escape_text(author.bio or ""), "back")
            for name, url in emails:
                if url:
                    label = f"{escape_text(name)}: " if several else ""
                    flowables += self.paragraph(
                        self.run_in(labels.contact)
                        + f"{label}{link_markup(url, url.removeprefix('mailto:'), self.link_colour)}",
                        "back")
        for kind, heading in (("note", labels.notes), ("links", labels.links)):
            items = [(n, item) for n, item in enumerate(document.back) if item.kind == kind]
            if items:
                flowables += self.section_heading(heading)
                for number, item in items:
                    flowables += self.blocks(item.blocks, "back", field=f"back[{number}].blocks")
        meta = document.metadata
        keyword_lines: list[str] = []
        for group in meta.keyword_groups:
            if group.terms:
                keyword_lines.append(f"<b>{escape_text(group.label)}:</b> "
                                     + escape_text(", ".join(group.terms)))
        grouped = {term for group in meta.keyword_groups for term in group.terms}
        loose = [k for k in meta.keywords if k not in grouped]
        if loose:
            keyword_lines.append(self.run_in(labels.keywords) + escape_text(", ".join(loose)))
        if keyword_lines:
            flowables += self.section_heading(labels.keywords)
            for line in keyword_lines:
                flowables += self.paragraph(line, "back")
        return flowables

    def rights_section(self) -> list[Any]:
        document, labels = self.document, self.labels
        rights = document.rights
        meta = document.metadata
        lines: list[str] = []
        statement = rights_line(document)
        if statement:
            lines.append(escape_text(statement))
        source_target = live_url(rights.source_url)
        if rights.source and rights.source.strip():
            line = self.linked_text(rights.source.strip())
            if rights.source_url and not same_address(rights.source_url, rights.source):
                line += " (" + self.url_markup(rights.source_url, "rights.source_url") + ")"
            lines.append(line)
        elif rights.source_url:
            lines.append(self.run_in(labels.source) + self.url_markup(rights.source_url, "rights.source_url"))
        article_target = live_url(meta.url)
        printed = " ".join(filter(None, (rights.source, rights.source_url)))
        if meta.url and meta.url.strip() and (article_target is None or article_target != source_target) \
                and not same_address(meta.url, printed):
            label = labels.article_url if rights.source or rights.source_url else labels.source
            lines.append(self.run_in(label) + self.url_markup(meta.url, "metadata.url"))
        accessed = parse_date(meta.accessed)
        if accessed is not None:
            lines.append(escape_text(labels.accessed.format(date=reader_date(accessed, self.language)) + "."))
        if rights.license or rights.license_url:
            line = self.run_in(labels.licence) + (self.linked_text(rights.license) if rights.license else "")
            if rights.license_url and not same_address(rights.license_url, rights.license or ""):
                link = self.url_markup(rights.license_url, "rights.license_url")
                line += f" ({link})" if rights.license else link
            lines.append(line)
        lines += [self.notice_markup(notice) for notice in rights.notices if notice.text.strip()]
        if not lines:
            lines.append(escape_text(labels.nothing_printed))
        flowables = self.section_heading(labels.colophon)
        for line in lines:
            flowables += self.paragraph(line, "back")
        return flowables

    def notice_markup(self, notice: Notice) -> str:
        """The notice after its label, set as a run-in label; a notice that opens with its own label
        ("Disclaimer: …") has that label set the same way instead of a second one."""
        text = notice.text.strip()
        for label in dict.fromkeys((self.labels.notices[notice.kind], LABELS["en"].notices[notice.kind])):
            head, rest = text[:len(label)], text[len(label):]
            if head.casefold() == label.casefold() and rest[:1] in {":", "."}:
                return f"<b>{escape_text(head + rest[0])}</b> " + self.linked_text(rest[1:].lstrip())
        return self.run_in(self.labels.notices[notice.kind]) + self.linked_text(text)

    def footer_text(self) -> str:
        """The text of every page's footer (see :func:`footer_line`)."""
        return footer_line(self.document)


_FOOTER_CHARACTERS = 400
"""A footer shows two lines: only a long line's start is measured."""
_FOOTER_GAP = 18.0
"""Points between the footer's text and its page label."""


def footer_line(document: Document) -> str:
    """The copyright line for every page's footer; the source attribution (without its address),
    else the title, when the article prints no copyright. A line longer than the footer's two lines
    is cut at a word and ends with "…" (the colophon prints it whole)."""
    line = rights_line(document) or " ".join((document.rights.source or "").split()) or pdf_title(document).value
    line = " ".join(line[:_FOOTER_CHARACTERS].split())
    return _fit_footer(line, labels_for(document.metadata.language).page.format(number=999, total=999))


def footer_width(label: str) -> float:
    """The width the footer's text may take beside ``label``."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from citekit.writers.pdf.style import load_style

    style = load_style()
    footer = style.role("footer")
    return float(style.text_width - stringWidth(label, footer.font, footer.size) - _FOOTER_GAP)


def _fit_footer(line: str, widest_label: str) -> str:
    """``line`` as it fits two footer lines beside the widest page label, cut at a word with "…"."""
    from reportlab.lib.utils import simpleSplit

    from citekit.writers.pdf.style import load_style

    footer = load_style().role("footer")
    width = footer_width(widest_label)

    def fits(text: str) -> bool:
        return len(simpleSplit(text, footer.font, footer.size, width)) <= 2

    if fits(line):
        return line
    words = line.split(" ")
    low, high = 0, len(words)  # the most words that fit with " …" after them: between low and high
    while low < high:
        middle = (low + high + 1) // 2
        if fits(" ".join(words[:middle]).rstrip(" ,;:.") + " …"):
            low = middle
        else:
            high = middle - 1
    return " ".join(words[:low]).rstrip(" ,;:.") + " …"
