"""The batch review page (``OUT/citekit-review.html``): the inputs with something to check.

Made from the batch report alone, so a rerun that skips inputs still lists them (their entries,
review items and inspect pages carry over). Sections, no script:

- one group per kind of review item (``failed``, ``missing date``, ``supplied language``,
  ``pdf: not expressed``, …), the most frequent first, each a ``<details>`` listing its inputs by
  name with the field and the rule or message;
- every input with something to check, in two orders made in advance (by number of items, by
  name), switched by links (``:target``), each linking to the input's inspect page under
  ``.citekit-inspect/``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import NamedTuple

from markupsafe import Markup, escape

from citekit.batch.jobs import INSPECT_FORMAT
from citekit.batch.report import BatchReport, InputReport, ReviewItem, review_kind
from citekit.inspector.page import document_html, page_link
from citekit.inspector.visible import visible_html

_REASON_KINDS = {"failed": "removed", "missing": "rights", "supplied": "byline", "not-expressed": "notice"}
"""The palette each review reason borrows (:data:`citekit.inspector.kinds.KINDS`)."""


class Entry(NamedTuple):
    """One input with something to check."""

    source: str
    status: str
    items: tuple[ReviewItem, ...]
    errors: tuple[str, ...]
    page: str | None
    """Its inspect page, relative to OUT; None when it has none (it failed, or ran without --review)."""
    link: str
    """The input's name as HTML, linked to its page when it has one (made once, shown in every row)."""


def review_page(report: BatchReport, *, out_name: str) -> str:
    """The review page of ``report`` (written into the batch's output directory ``out_name``)."""
    entries = [entry for entry in map(_entry, report.inputs) if entry.items or entry.errors]
    groups = _groups(entries)
    totals = report.totals
    facts = (f"{totals.inputs} inputs: {totals.converted} converted, {totals.failed} failed, "
             f"{totals.skipped} skipped (up to date) · {len(entries)} with something to check")
    contents = Markup("").join(
        Markup('<li><a href="#g-{}">{}</a> <span class="count">{}</span></li>').format(n, kind, len(rows))
        for n, (kind, rows) in enumerate(groups))
    body = Markup(
        '<header><h1>citekit review: {}</h1><p class="meta">{}</p><p class="origin">Each input links to its '
        "inspect page: every line with the rule that decided it, the fields and where they came from, and "
        "the flags that correct them.</p></header>"
        '<nav><h2>By kind</h2><ul>{}</ul><p><a href="#inputs">All inputs with something to check</a></p></nav>'
        "<main class=\"single\"><div>{}</div></main>{}").format(
        visible_html(out_name), facts, contents,
        Markup("").join(_group(n, kind, rows) for n, (kind, rows) in enumerate(groups)),
        _inputs(entries))
    if not entries:
        body = Markup('{}<p>Nothing to check: every input converted with every field printed.</p>').format(body)
    return document_html(f"citekit review: {out_name}", body)


def _entry(report: InputReport) -> Entry:
    page = next((o.path for o in report.outputs if o.format == INSPECT_FORMAT), None)
    name = visible_html(report.source)
    link = f"<code>{name}</code>" if page is None else \
        f'<a class="inspect" href="{escape(page_link(page))}"><code>{name}</code></a>'
    return Entry(source=report.source, status=report.status, items=report.review, errors=report.errors,
                 page=page, link=link)


def _groups(entries: Sequence[Entry]) -> list[tuple[str, list[tuple[Entry, ReviewItem | None]]]]:
    """Kinds, the most frequent first (ties by name), each with its rows sorted by input."""
    groups: dict[str, list[tuple[Entry, ReviewItem | None]]] = defaultdict(list)
    for entry in entries:
        if entry.status == "failed":
            groups["failed"].append((entry, None))
        for item in entry.items:
            groups[review_kind(item)].append((entry, item))
    ordered = sorted(groups.items(), key=lambda pair: (pair[0] != "failed", -len(pair[1]), pair[0]))
    return [(kind, sorted(rows, key=lambda row: row[0].source)) for kind, rows in ordered]


def _reason_chip(reason: str) -> str:
    palette = escape(_REASON_KINDS.get(reason, "other"))
    return f'<span class="k-{palette}"><span class="chip">{escape(reason)}</span></span>'


# The row functions below run once per review item (tens of thousands in a large batch): plain
# f-strings around values escaped by markupsafe, as in the inspect page's line loop.


def _group(number: int, kind: str, rows: Sequence[tuple[Entry, ReviewItem | None]]) -> Markup:
    body = "".join(_group_row(entry, item) for entry, item in rows)
    return Markup(
        f'<section class="group" id="g-{number}"><details open><summary>{escape(kind)} '
        f'<span class="count">{len(rows)}</span></summary><table><colgroup><col class="c-input">'
        '<col class="c-reason"><col class="c-field"><col class="c-detail"></colgroup><thead><tr><th>input</th>'
        f"<th>reason</th><th>field</th><th>detail</th></tr></thead><tbody>{body}</tbody></table></details></section>")


def _group_row(entry: Entry, item: ReviewItem | None) -> str:
    if item is None:
        return (f'<tr data-kind="failed"><td>{entry.link}</td><td>{_reason_chip("failed")}</td><td></td>'
                f'<td>{visible_html("; ".join(entry.errors))}</td></tr>')
    detail = f"{item.format}: {item.detail}" if item.format else item.detail
    return (f'<tr data-kind="{escape(item.reason)}"><td>{entry.link}</td><td>{_reason_chip(item.reason)}</td>'
            f"<td><code>{escape(item.field)}</code></td><td>{visible_html(detail)}</td></tr>")


def _inputs(entries: Sequence[Entry]) -> Markup:
    by_count = sorted(entries, key=lambda e: (-(len(e.items) + len(e.errors)), e.source))
    by_name = sorted(entries, key=lambda e: e.source)
    return Markup(
        '<section id="inputs"><h2>Inputs with something to check <span class="count">{}</span></h2>'
        '<p>Sort by <a href="#by-count">number of items</a> · <a href="#by-name">name</a></p>'
        '<div class="order" id="by-name">{}</div><div class="order" id="by-count">{}</div></section>').format(
        len(entries), _input_table(by_name), _input_table(by_count))


def _input_table(entries: Sequence[Entry]) -> Markup:
    rows = "".join(
        f'<tr><td>{entry.link}</td><td>{escape(entry.status)}</td><td class="n">{len(entry.items) + len(entry.errors)}'
        f'</td><td>{escape(", ".join(_kinds(entry)))}</td></tr>' for entry in entries)
    return Markup("<table><thead><tr><th>input</th><th>status</th><th>items</th><th>kinds</th></tr></thead>"
                  f"<tbody>{rows}</tbody></table>")


def _kinds(entry: Entry) -> list[str]:
    return list(dict.fromkeys(["failed"] * bool(entry.errors) + [review_kind(item) for item in entry.items]))
