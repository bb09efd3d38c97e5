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

from markupsafe import Markup

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
    return Entry(source=report.source, status=report.status, items=report.review, errors=report.errors,
                 page=page)


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


def _link(entry: Entry) -> Markup:
    if entry.page is None:
        return Markup("<code>{}</code>").format(visible_html(entry.source))
    return Markup('<a class="inspect" href="{}"><code>{}</code></a>').format(page_link(entry.page),
                                                                            visible_html(entry.source))


def _reason_chip(reason: str) -> Markup:
    return Markup('<span class="k-{}"><span class="chip">{}</span></span>').format(
        _REASON_KINDS.get(reason, "other"), reason)


def _group(number: int, kind: str, rows: Sequence[tuple[Entry, ReviewItem | None]]) -> Markup:
    body = Markup("").join(_group_row(entry, item) for entry, item in rows)
    return Markup('<section class="group" id="g-{}"><details open><summary>{} <span class="count">{}</span>'
                  "</summary><table><colgroup><col class=\"input\"><col class=\"reason\"><col class=\"field\">"
                  "<col class=\"detail\"></colgroup><thead><tr><th>input</th><th>reason</th><th>field</th>"
                  "<th>detail</th></tr></thead><tbody>{}</tbody></table></details></section>").format(
        number, kind, len(rows), body)


def _group_row(entry: Entry, item: ReviewItem | None) -> Markup:
    if item is None:
        return Markup('<tr data-kind="failed"><td>{}</td><td>{}</td><td></td><td>{}</td></tr>').format(
            _link(entry), _reason_chip("failed"), visible_html("; ".join(entry.errors)))
    detail = f"{item.format}: {item.detail}" if item.format else item.detail
    return Markup('<tr data-kind="{}"><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td></tr>').format(
        item.reason, _link(entry), _reason_chip(item.reason), item.field, visible_html(detail))


def _inputs(entries: Sequence[Entry]) -> Markup:
    by_count = sorted(entries, key=lambda e: (-(len(e.items) + len(e.errors)), e.source))
    by_name = sorted(entries, key=lambda e: e.source)
    return Markup(
        '<section id="inputs"><h2>Inputs with something to check <span class="count">{}</span></h2>'
        '<p>Sort by <a href="#by-count">number of items</a> · <a href="#by-name">name</a></p>'
        '<div class="order" id="by-name">{}</div><div class="order" id="by-count">{}</div></section>').format(
        len(entries), _input_table(by_name), _input_table(by_count))


def _input_table(entries: Sequence[Entry]) -> Markup:
    rows = Markup("").join(
        Markup('<tr><td>{}</td><td>{}</td><td class="n">{}</td><td>{}</td></tr>').format(
            _link(entry), entry.status, len(entry.items) + len(entry.errors),
            ", ".join(dict.fromkeys(["failed"] * bool(entry.errors) + [review_kind(i) for i in entry.items])))
        for entry in entries)
    return Markup("<table><thead><tr><th>input</th><th>status</th><th>items</th><th>kinds</th></tr></thead>"
                  "<tbody>{}</tbody></table>").format(rows)
