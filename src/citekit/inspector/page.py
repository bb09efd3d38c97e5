"""The inspect page: one self-contained HTML file, readable without script, that loads nothing.

Every piece of text from the input goes through :func:`~citekit.inspector.visible.visible_html`
(markupsafe's escaping, acting characters made visible); the page's own markup is written as
:class:`markupsafe.Markup` templates whose arguments markupsafe escapes. Sections, in order: the
header (input, reader, what the lines are), a legend, the lines with their kind and rule, the
fields panel, the removed items, and the "correct this" box.
"""

from __future__ import annotations

import shlex
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from urllib.parse import quote

from markupsafe import Markup, escape

from citekit.inspector.fields import DERIVED, Field, document_fields, set_flag, sidecar_table
from citekit.inspector.kinds import KINDS, label, rule_note
from citekit.inspector.style import content_security_policy, stylesheet
from citekit.inspector.trace import Mark, Trace
from citekit.inspector.visible import visible_html
from citekit.model import FieldSource, Removed


def page(trace: Trace) -> str:
    """The inspect page of ``trace``, as HTML text."""
    document = trace.document
    name = document.provenance.source_name or trace.source
    fields = document_fields(document)
    body = Markup("").join((
        _header(trace, name),
        _legend(trace),
        Markup("<main>{}{}</main>").format(_lines_section(trace), _fields_section(trace, fields)),
        _removed_section(trace),
        _correct_section(trace, fields),
        Markup('<footer class="meta"><p>citekit {} · this page runs no script and loads nothing '
               "(its Content-Security-Policy forbids every request).</p></footer>").format(
            document.provenance.citekit_version or ""),
    ))
    return document_html(f"citekit inspect: {name}", body)


def document_html(title: str, body: Markup) -> str:
    """A whole page around ``body``: the CSP, the stylesheet, no script."""
    return str(Markup(
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta http-equiv="Content-Security-Policy" content="{}">\n'
        '<meta http-equiv="x-dns-prefetch-control" content="off">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="color-scheme" content="light dark">\n'
        "<title>{}</title>\n<style>{}</style>\n</head>\n<body>\n{}\n</body>\n</html>\n"
    ).format(content_security_policy(), visible_html(title), Markup(stylesheet()), body))


# --------------------------------------------------------------------------------------------
# Header and legend


def _header(trace: Trace, name: str) -> Markup:
    provenance = trace.document.provenance
    facts = [f"reader: {trace.reader or 'unknown'}"]
    if trace.lines is not None:
        facts.append(f"{len(trace.lines)} lines")
    if provenance.input_sha256:
        facts.append(f"sha256 {provenance.input_sha256[:12]}…")
    return Markup('<header><h1>citekit inspect: {}</h1><p class="meta">{}</p><p class="origin">{}</p>'
                  "<p>{}</p></header>").format(
        visible_html(name), " · ".join(facts), trace.origin,
        Markup('<a href="#lines">Lines</a> · <a href="#fields">Fields</a> · <a href="#removed">Removed</a>'
               ' · <a href="#correct">Correct this</a>'))


def _legend(trace: Trace) -> Markup:
    counts: dict[str, int] = {}
    for mark, _ in _owned_lines(trace):
        counts[mark.kind] = counts.get(mark.kind, 0) + 1
    items = (Markup('<li class="k-{}"><span class="chip">{}</span> <span class="count">{}</span></li>').format(
        kind, label(kind), _lines_word(counts[kind])) for kind in KINDS if kind in counts)
    return Markup('<ul class="legend" aria-label="kinds of lines">{}</ul>').format(Markup("").join(items))


def _owned_lines(trace: Trace) -> Iterator[tuple[Mark, int]]:
    """Each non-blank line a mark covers, with its mark."""
    for mark in trace.marks:
        for number in range(mark.start, mark.end + 1):
            if trace.lines is None or (number <= len(trace.lines) and trace.lines[number - 1].strip()):
                yield mark, number


def _lines_word(count: int) -> str:
    return f"{count} line" if count == 1 else f"{count} lines"


# --------------------------------------------------------------------------------------------
# Lines


def _runs(marks: Sequence[Mark], total: int) -> Iterator[tuple[Mark | None, int, int]]:
    """Consecutive stretches of lines 1..``total``: each mark's, and the unmarked ones between."""
    position = 1
    for mark in sorted(marks, key=lambda m: m.start):
        start, end = max(mark.start, position), min(mark.end, total)
        if start > end:
            continue
        if start > position:
            yield None, position, start - 1
        yield mark, start, end
        position = end + 1
    if position <= total:
        yield None, position, total


def _why(mark: Mark | None) -> Markup:
    if mark is None:
        return Markup("")  # blank lines between runs: nothing to say
    extra = Markup("")
    if mark.read_as:
        extra = Markup('<br><span class="note">The text rules read it as {}.</span>').format(mark.read_as)
    return Markup('<code class="rule">{}</code> <span class="note">{}</span>{}').format(
        mark.rule, rule_note(mark.rule), extra)


def _lines_section(trace: Trace) -> Markup:
    head = Markup('<colgroup><col class="n"><col class="role"><col class="text"><col class="why"></colgroup>'
                  "<thead><tr><th>line</th><th>kind</th><th>as the rules read it</th><th>rule and reason</th>"
                  "</tr></thead>")
    if trace.lines is None:
        return Markup('<section id="lines"><h2>Lines</h2><p class="hint">The text is not held; the roles its '
                      'provenance records:</p><table class="lines">{}{}</table></section>').format(
            head, Markup("").join(_span_only(mark) for mark in trace.marks))
    groups = Markup("").join(_run_rows(trace.lines, mark, start, end)
                             for mark, start, end in _runs(trace.marks, len(trace.lines)))
    return Markup('<section id="lines"><h2>Lines</h2><table class="lines">{}{}</table></section>').format(
        head, groups)


def _run_rows(lines: Sequence[str], mark: Mark | None, start: int, end: int) -> Markup:
    # The one loop over every line: plain f-strings around values escaped by markupsafe (Markup.format
    # parses its template per call, which made this loop most of a page's build time).
    kind = escape(mark.kind if mark is not None else "other")
    chip = f'<span class="chip">{escape(label(kind))}</span>' if mark is not None else ""
    data = f' data-kind="{kind}" data-rule="{escape(mark.rule)}"' if mark is not None else ""
    why = f'<td class="why" rowspan="{end - start + 1}">{_why(mark)}</td>'
    rows: list[str] = []
    for number in range(start, end + 1):
        text = lines[number - 1]
        filled = bool(text.strip())
        rows.append(f'<tr id="L{number}" class="k-{kind}{"" if filled else " blank"}"{data if filled else ""}>'
                    f'<td class="n"><a href="#L{number}">{number}</a></td>'
                    f'<td class="role">{chip if filled else ""}</td><td class="text">{visible_html(text)}</td>'
                    f'{why if number == start else ""}</tr>')
    return Markup(f'<tbody class="run">{"".join(rows)}</tbody>')


def _span_only(mark: Mark) -> Markup:
    where = f"{mark.start}" if mark.start == mark.end else f"{mark.start}–{mark.end}"
    return Markup('<tbody class="run"><tr class="k-{}" data-kind="{}" data-rule="{}"><td class="n">{}</td>'
                  '<td class="role"><span class="chip">{}</span></td><td class="text missing">not held</td>'
                  '<td class="why">{}</td></tr></tbody>').format(
        mark.kind, mark.kind, mark.rule, where, label(mark.kind), _why(mark))


# --------------------------------------------------------------------------------------------
# Fields


def _fields_section(trace: Trace, fields: Sequence[Field]) -> Markup:
    return Markup('<aside id="fields"><h2>Fields</h2>{}</aside>').format(
        Markup("").join(_field(trace, field) for field in fields))


def _field(trace: Trace, field: Field) -> Markup:
    value = visible_html(field.value) if field.value is not None else Markup('<span class="missing">not found</span>')
    sources = Markup("").join(_source(trace, entry) for entry in field.chosen)
    derived = Markup("")
    if field.status == "derived":
        derived = Markup('<li class="note">Derived from {}.</li>').format(DERIVED.get(field.path, "another field"))
    alternatives = Markup("")
    if field.alternatives:
        alternatives = Markup('<p class="note">Not chosen:</p><ul class="alternatives">{}</ul>').format(
            Markup("").join(_source(trace, entry) for entry in field.alternatives))
    return Markup('<section class="field" id="F-{path}" data-field="{path}" data-status="{status}">'
                  '<h3><code>{path}</code><span class="status">{status}</span></h3>'
                  '<p class="value">{value}</p><ul class="sources">{sources}{derived}</ul>{alternatives}'
                  "</section>").format(path=field.path, status=field.status, value=value, sources=sources,
                                       derived=derived, alternatives=alternatives)


def _source(trace: Trace, entry: FieldSource) -> Markup:
    parts = [Markup('<code class="rule">{}</code>').format(entry.rule)]
    lines, linked = trace.lines_of(entry)
    if lines:
        parts.append(_line_links(lines, linked=linked))
    if entry.supplied:
        parts.append(Markup('<span class="note">(supplied, not printed)</span>'))
    if entry.printed:
        parts.append(Markup("<q>{}</q>").format(visible_html(entry.printed)))
    parts.append(Markup('<span class="note">{}</span>').format(rule_note(entry.rule)))
    return Markup("<li>{}</li>").format(Markup(" ").join(parts))


def _line_links(numbers: Iterable[int], *, linked: bool) -> Markup:
    numbers = tuple(numbers)
    word = "line" if len(numbers) == 1 else "lines"
    if not linked:
        return Markup("<span>input {} {}</span>").format(word, ", ".join(map(str, numbers)))
    links = Markup(", ").join(Markup('<a href="#L{n}">{n}</a>').format(n=n) for n in numbers)
    return Markup("<span>{} {}</span>").format(word, links)


# --------------------------------------------------------------------------------------------
# Removed


def _removed_section(trace: Trace) -> Markup:
    removed = trace.document.removed
    if not removed:
        return Markup('<section id="removed"><h2>Removed</h2><p class="hint">Nothing was removed.</p></section>')
    marks = sorted(trace.marks, key=lambda m: m.start)
    starts = [mark.start for mark in marks]
    rows = Markup("").join(_removed_row(trace, item, _covering(marks, starts, item.start_line)) for item in removed)
    return Markup('<section id="removed"><h2>Removed <span class="count">{}</span></h2>'
                  '<table class="removed"><thead><tr><th>lines</th><th>reason</th><th>rule</th><th>text</th></tr>'
                  "</thead><tbody>{}</tbody></table></section>").format(len(removed), rows)


def _covering(marks: Sequence[Mark], starts: Sequence[int], line: int) -> Mark | None:
    """The mark covering ``line`` (``marks`` sorted by start, ``starts`` theirs): a bisection, so that
    a document with a million removed stretches does not cost a million scans."""
    index = bisect_right(starts, line) - 1
    return marks[index] if index >= 0 and marks[index].end >= line else None


def _removed_row(trace: Trace, item: Removed, mark: Mark | None) -> Markup:
    lines = range(item.start_line, item.end_line + 1)
    where = _line_links((lines[0],) if len(lines) == 1 else (lines[0], lines[-1]), linked=trace.lines is not None)
    rule = Markup('<code class="rule">{}</code> <span class="note">{}</span>').format(
        mark.rule, rule_note(mark.rule)) if mark is not None else Markup("")
    return Markup('<tr><td>{}</td><td>{}</td><td>{}</td><td class="text">{}</td></tr>').format(
        where, item.reason, rule, visible_html(item.text))


# --------------------------------------------------------------------------------------------
# Correct this


def _correct_section(trace: Trace, fields: Sequence[Field]) -> Markup:
    settable = [field for field in fields if field.settable]
    rows = Markup("").join(
        Markup('<tr data-field="{path}"><td><a href="#F-{path}"><code>{path}</code></a>{note}</td>'
               '<td><code class="set-flag">{flag}</code></td></tr>').format(
            path=field.path, flag=visible_html(set_flag(field)),
            note=_flag_note(field))
        for field in settable)
    from citekit.overrides import settable_fields

    shown = {field.path for field in settable}
    others = [path for path in settable_fields() if path not in shown]
    source = shlex.quote(trace.source)
    example = next((set_flag(f) for f in settable if f.path == "metadata.date"), set_flag(settable[0])) \
        if settable else ""
    return Markup(
        '<section id="correct"><h2>Correct this</h2>'
        "<p>To fix a field, copy its flag, change the value, and add it to <code>citekit convert</code>, "
        "<code>normalise</code>, <code>cite</code> or <code>inspect</code>. Each flag holds the current value "
        "(a flag copied unchanged changes nothing); a missing field holds a placeholder to replace. Lists take "
        "<code>;</code> between authors and <code>,</code> between keywords or holders. Quoted for a POSIX "
        "shell.</p>"
        '<table class="flags"><thead><tr><th>field</th><th>flag</th></tr></thead><tbody>{}</tbody></table>'
        '<p class="hint">The other fields are set the same way: {}.</p>'
        '<p>For example:</p><pre class="command">citekit convert {} --to csl-json -o out/ {}</pre>'
        "<h3>Sidecar row</h3><p>For a batch, save this as <code>fixes.tsv</code> (tab-separated), keep the "
        "columns to change, edit them, and run <code>citekit convert … --metadata fixes.tsv</code>. The row "
        "names the input by <code>{}</code>; an empty cell supplies nothing, and a sidecar value wins over "
        "a batch-wide <code>--set</code>.</p>"
        '<pre class="tsv">{}</pre></section>').format(
        rows, ", ".join(others) or "none", visible_html(source), visible_html(example), visible_html(trace.key),
        visible_html(sidecar_table(trace.key, settable)))


def _flag_note(field: Field) -> Markup:
    if field.status == "missing":
        return Markup(' <span class="note">(missing: replace the placeholder)</span>')
    if field.splits:
        return Markup(' <span class="note">(an item holds the separator: it will be split)</span>')
    return Markup("")


def page_link(path: str) -> str:
    """A relative link to ``path`` (a POSIX path under OUT), percent-encoded for an ``href``."""
    return quote(path, safe="/")

