"""Figures, tables, code blocks and footnotes on the HTML page.

* :class:`~citekit.model.Figure` → ``figure`` with ``img`` and ``figcaption`` (caption, then the
  credit). The page loads nothing, so an image is shown only when the input carried its bytes: a
  ``data:`` URI (the page's Content-Security-Policy allows ``img-src data:`` and nothing else). An
  image known only by its address is a line saying it is not included, with its description and a
  link to it, and a diagnostic, as in the EPUB. The text alternative is the image's ``alt``; without
  one, a captioned image is named by its caption (``aria-labelledby``); a decorative image has
  ``alt=""``; an image with neither is reported (WCAG 1.1.1).
* :class:`~citekit.model.Table` → ``table`` with ``caption``, ``thead``/``tbody``/``tfoot``,
  ``th scope="col"``/``scope="row"``, spans and ``text-align``, laid out by :mod:`citekit.writers._tables`.
* :class:`~citekit.model.CodeBlock` → ``pre`` > ``code`` (``class="language-…"``).
* :class:`~citekit.model.Note` → a numbered reference (``sup`` > ``a role="doc-noteref"``) and the
  note in a "Footnotes" section after the back matter (``role="doc-endnotes"``, one ``li`` per note with a back link),
  as pandoc's HTML writer places them.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING

from citekit.model import Block, CodeBlock, Figure, Para, Table, is_blank, plain_blocks
from citekit.writers import Diagnostic, _tables

if TYPE_CHECKING:
    from citekit.writers._sections import Matter
    from citekit.writers.html.body import Page


def code_block(page: Page, block: CodeBlock) -> None:
    from citekit.writers.html.body import text

    css = f' class="language-{block.language}"' if block.language else ""  # one token: letters, digits, _+#.-
    page.add(f"<pre><code{css}>", text(block.text), "</code></pre>\n")


def figure(page: Page, node: Figure, matter: Matter, where: str) -> None:
    from citekit.writers.html.body import attribute, blocks, inlines, text

    page.figures += 1
    caption_id = f"figure-{page.figures}-caption"
    image = node.image
    page.add("<figure>\n")
    if image.data is not None and image.media_type is not None:
        source = f"data:{image.media_type};base64,{base64.b64encode(image.data).decode('ascii')}"
        if image.alt is not None:
            name = f" alt={attribute(image.alt)}"
        elif node.caption and plain_blocks(node.caption).strip():
            name = f' alt="" aria-labelledby="{caption_id}"'
        else:
            name = ""
            page.diagnostics.append(Diagnostic(field=f"{where}.image.alt", message=(
                "image without a text alternative or caption (WCAG 1.1.1)")))
        page.add(f'<img src="{source}"{name}>\n')
    else:
        page.diagnostics.append(Diagnostic(field=f"{where}.image", message=(
            "image not included: the input gives only its address and the page loads nothing")))
        page.add(f'<p class="image-missing"><em{_label_lang(matter)}>{text(matter.labels.image_not_included)}</em>')
        description = " ".join((image.alt or "").split())
        if description:
            page.add(": ", text(description))
        target = page.href(image.src, f"{where}.image") if image.src is not None else None
        if target is not None:
            page.add(f" <a href={attribute(target)}>{text(target)}</a>")
        page.add("</p>\n")
    if node.caption or not is_blank(node.credit):
        page.add(f'<figcaption id="{caption_id}">\n')
        blocks(page, node.caption, f"{where}.caption", outline=False)
        if not is_blank(node.credit):
            page.add('<p class="credit">')
            inlines(page, node.credit, f"{where}.credit")
            page.add("</p>\n")
        page.add("</figcaption>\n")
    page.add("</figure>\n")


def table(page: Page, node: Table, where: str) -> None:
    from citekit.writers.html.body import blocks

    page.add("<table>\n")
    if node.caption:
        page.add("<caption>")
        blocks(page, node.caption, f"{where}.caption", outline=False)
        page.add("</caption>\n")
    grid, rows = _tables.laid_out(node)
    if grid is None:
        page.diagnostics.append(Diagnostic(field=where, message=_tables.TOO_LARGE))
    for part in ("head", "body", "foot"):  # HTML: thead, tbody, then tfoot
        numbered = [(n, row) for n, row in enumerate(rows) if row.part == part]
        if not numbered:
            continue
        page.add(f"<t{part}>\n")
        for number, row in numbered:
            page.add("<tr>")
            for placed in row.cells:
                _cell(page, placed, f"{where}.rows[{number}]")
            page.add("<td></td>" * row.padding, "</tr>\n")
        page.add(f"</t{part}>\n")
    page.add("</table>\n")


def _cell(page: Page, placed: _tables.PlacedCell, where: str) -> None:
    from citekit.writers.html.body import blocks, inlines

    tag = "th" if placed.header else "td"
    attributes = f' scope="{placed.header}"' if placed.header else ""
    attributes += f' colspan="{placed.colspan}"' if placed.colspan > 1 else ""
    attributes += f' rowspan="{placed.rowspan}"' if placed.rowspan > 1 else ""
    attributes += f' style="text-align:{placed.align}"' if placed.align != "default" else ""
    page.add(f"<{tag}{attributes}>")
    content = placed.cell.blocks
    if len(content) == 1 and isinstance(content[0], Para):
        inlines(page, content[0].content, where)
    else:
        blocks(page, content, where, outline=False)
    page.add(f"</{tag}>")


def note_reference(page: Page, content: tuple[Block, ...]) -> None:
    """The note's number, linked to the note; the note is written later, in the Footnotes section."""
    page.notes.append(content)
    number = len(page.notes)
    page.add(f'<sup><a href="#fn-{number}" id="fnref-{number}" role="doc-noteref">{number}</a></sup>')


def footnotes(page: Page, matter: Matter, number: int) -> None:
    """The section of every note referenced on the page (notes referenced inside notes follow)."""
    from citekit.writers.html.body import blocks, text

    if not page.notes:
        return
    anchor = f"footnotes-{number}"
    page.add(f'<section class="back footnotes" role="doc-endnotes" aria-labelledby="{anchor}">\n',
             f'<h2 id="{anchor}"{_label_lang(matter)}>{text(matter.labels.footnotes)}</h2>\n<ol>\n')
    page.previous_level = 2
    written = 0
    while written < len(page.notes):
        content = page.notes[written]
        written += 1
        page.add(f'<li id="fn-{written}">\n')
        if all(isinstance(b, Para) and is_blank(b.content) for b in content):
            page.diagnostics.append(Diagnostic(field=f"notes[{written - 1}]", message=f"note {written} is empty"))
        blocks(page, content, f"notes[{written - 1}]", outline=False)
        page.add(f'<p class="backlink"><a href="#fnref-{written}" role="doc-backlink">↩</a></p>\n</li>\n')
    page.add("</ol>\n</section>\n")


def _label_lang(matter: Matter) -> str:
    return "" if matter.own_labels else f' lang="{matter.labels.lang}"'
