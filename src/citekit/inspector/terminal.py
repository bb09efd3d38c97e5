"""``citekit inspect FILE`` on a terminal: the page's content, compact, with rich.

One row per non-blank line (number, kind label in the kind's colours, the line cut to the width,
the rule where a run of lines starts), the notes of the rules used (each once), the fields, the
removed items and the correction flags. Input text is made visible
(:func:`~citekit.inspector.visible.visible_text`: an escape sequence in an article must not drive
the terminal) and always handed to rich as :class:`rich.text.Text`, never as markup.
"""

from __future__ import annotations

import shlex

from rich.console import Console, Group, RenderableType
from rich.style import Style
from rich.table import Table
from rich.text import Text

from citekit.inspector.fields import document_fields, set_flag
from citekit.inspector.kinds import KINDS, label, rule_note
from citekit.inspector.trace import Mark, Trace
from citekit.inspector.visible import visible_text


def render(trace: Trace, console: Console) -> None:
    """Print the inspection of ``trace`` on ``console``; the flags are printed unwrapped (soft
    wrap), so that a long one copies as one line."""
    console.print(tables(trace))
    console.print(Text("Correct this: copy a flag, change the value, add it to citekit convert, normalise or cite",
                       style="bold"))
    for flag in flags(trace):
        console.print(flag, soft_wrap=True)
    console.print(Text.assemble(("Sidecar row: ", "bold"), "citekit inspect ", visible_text(shlex.quote(trace.source)),
                                " --format tsv > fixes.tsv, then citekit convert … --metadata fixes.tsv"),
                  soft_wrap=True)


def tables(trace: Trace) -> RenderableType:
    """The header, lines, rules, fields and removed items, as one rich renderable."""
    document = trace.document
    name = document.provenance.source_name or trace.source
    head = Text.assemble(("citekit inspect: ", "bold"), (visible_text(name), "bold"),
                         f"  reader {trace.reader or 'unknown'}")
    parts: list[RenderableType] = [head, Text(trace.origin, style="dim"), _lines(trace), _notes(trace),
                                   _fields(trace), _removed(trace)]
    return Group(*parts)


def flags(trace: Trace) -> list[Text]:
    """One ``--set`` flag per field that can be set, as shown on the page."""
    return [Text(visible_text(set_flag(field))) for field in document_fields(trace.document) if field.settable]


def _chip(kind: str) -> Text:
    colours = KINDS.get(kind, KINDS["other"])[1]
    return Text(f" {label(kind)} ", style=Style(color=colours.ink, bgcolor=colours.chip, bold=True))


def _lines(trace: Trace) -> Table:
    table = Table(title="Lines", title_justify="left", show_edge=False, pad_edge=False, expand=True)
    table.add_column("line", justify="right", no_wrap=True, style="dim")
    table.add_column("kind", no_wrap=True)
    table.add_column("as the rules read it", no_wrap=True, overflow="ellipsis", ratio=1)
    table.add_column("rule", no_wrap=True)
    for mark in sorted(trace.marks, key=lambda m: m.start):
        first = True
        for number in range(mark.start, mark.end + 1):
            if trace.lines is None:
                where = str(mark.start) if mark.start == mark.end else f"{mark.start}–{mark.end}"
                table.add_row(where, _chip(mark.kind), Text("not held", style="italic"), Text(mark.rule))
                break
            if number > len(trace.lines) or not trace.lines[number - 1].strip():
                continue
            table.add_row(str(number), _chip(mark.kind), Text(visible_text(trace.lines[number - 1].strip())),
                          Text(mark.rule if first else "〃", style="" if first else "dim"))
            first = False
    return table


def _notes(trace: Trace) -> Table:
    table = Table(title="Rules", title_justify="left", show_edge=False, pad_edge=False, expand=True)
    table.add_column("rule", no_wrap=True)
    table.add_column("why")
    seen: dict[tuple[str, str | None], Mark] = {}
    for mark in trace.marks:
        seen.setdefault((mark.rule, mark.read_as), mark)
    for (rule, read_as), _ in seen.items():
        note = rule_note(rule) + (f" The text rules read these lines as {read_as}." if read_as else "")
        table.add_row(Text(rule), Text(note))
    return table


def _fields(trace: Trace) -> Table:
    table = Table(title="Fields", title_justify="left", show_edge=False, pad_edge=False, expand=True)
    table.add_column("field", no_wrap=True)
    table.add_column("value", ratio=2)
    table.add_column("status", no_wrap=True)
    table.add_column("from", ratio=2)
    for field in document_fields(trace.document):
        value = Text(visible_text(field.value)) if field.value is not None else Text("not found", style="italic")
        sources = [_source(entry.rule, trace.lines_of(entry)[0]) for entry in (*field.chosen, *field.alternatives)]
        table.add_row(Text(field.path), value, Text(field.status), Text("\n".join(sources)))
    return table


def _source(rule: str, lines: tuple[int, ...]) -> str:
    where = f" line {', '.join(map(str, lines))}" if lines else ""
    return visible_text(rule) + where


def _removed(trace: Trace) -> Table:
    table = Table(title="Removed", title_justify="left", show_edge=False, pad_edge=False, expand=True)
    table.add_column("lines", no_wrap=True, min_width=5)
    table.add_column("reason", no_wrap=True)
    table.add_column("text", no_wrap=True, overflow="ellipsis", ratio=1)
    for item in trace.document.removed:
        where = str(item.start_line) if item.start_line == item.end_line else f"{item.start_line}–{item.end_line}"
        table.add_row(where, item.reason, Text(visible_text(" ".join(item.text.split()))))
    return table
