"""``citekit-document/1`` JSON → Document, naming the JSON path of anything wrong."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator
from typing import Any

from citekit.errors import InputError
from citekit.model import (
    ALIGNMENTS,
    NOTICE_KINDS,
    SCHEMA,
    Author,
    BackItem,
    Block,
    Code,
    CodeBlock,
    Document,
    Emph,
    FieldSource,
    Figure,
    Heading,
    Image,
    Inline,
    InvalidNodeError,
    KeywordGroup,
    LineBreak,
    LineSpan,
    Link,
    ListBlock,
    Metadata,
    Note,
    Notice,
    Para,
    Provenance,
    Quote,
    Removed,
    Rights,
    Rule,
    Str,
    Strikeout,
    Strong,
    Subscript,
    Superscript,
    Table,
    TableCell,
    TableRow,
    UnsafeLinkError,
    link_or_text,
)
from citekit.nesting import MAX_JSON_DEPTH, MAX_NESTING, deep_json_position
from citekit.readers.limits import lone_surrogate
from citekit.serialise.writing import JSON

_MARKED_CLASSES: dict[str, type[Strikeout] | type[Superscript] | type[Subscript]] = {
    "strikeout": Strikeout, "superscript": Superscript, "subscript": Subscript}
"""The inlines that only mark their content, by JSON ``type``."""


class _Reader:
    """Reads JSON data into the model, naming the JSON path of anything wrong."""

    def __init__(self, source: str | None) -> None:
        self.source = source
        self.note_depth = 0
        """Notes open around the node being read (a note's blocks may reference notes)."""

    def fail(self, where: str, message: str) -> InputError:
        if len(where) > 100:  # a path through deep nesting: its two ends say where
            where = f"{where[:45]}…{where[-45:]}"
        return InputError(f"{where}: {message}", path=self.source)

    def obj(self, value: Any, where: str) -> JSON:
        if not isinstance(value, dict):
            raise self.fail(where, "expected an object")
        return value

    def seq(self, value: Any, where: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(where, "expected an array")
        return value

    def text(self, value: Any, where: str, *, optional: bool = True) -> str | None:
        if value is None and optional:
            return None
        if not isinstance(value, str):
            raise self.fail(where, "expected a string")
        surrogate = lone_surrogate(value)
        if surrogate is not None:
            raise self.fail(where, f"lone surrogate {surrogate} (half of a UTF-16 pair, written as a \\u escape): "
                                   "not Unicode text")
        return value

    def req_text(self, value: Any, where: str) -> str:
        result = self.text(value, where, optional=False)
        assert result is not None
        return result

    def consumed(self, value: Any, where: str) -> Iterator[tuple[int, Any]]:
        """The items of a JSON array, each let go once read: a million entries are not held twice."""
        items = self.seq(value, where)
        for index in range(len(items)):
            item, items[index] = items[index], None
            yield index, item

    def plain_removed(self, raw: Any) -> Removed | None:
        """A removed entry of the usual shape, read without building error paths; None otherwise."""
        if type(raw) is not dict:
            return None
        start, end, text, reason = raw.get("start_line"), raw.get("end_line"), raw.get("text"), raw.get("reason")
        if (type(start) is int and type(end) is int and type(text) is str and type(reason) is str
                and lone_surrogate(text) is None and lone_surrogate(reason) is None):
            return Removed(start_line=start, end_line=end, text=text, reason=reason)
        return None

    def integer(self, value: Any, where: str) -> int | None:
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.fail(where, "expected an integer")
        return value

    def inlines(self, value: Any, where: str, depth: int = 0) -> tuple[Inline, ...]:
        out: list[Inline] = []
        for i, item in enumerate(self.seq(value, where)):
            out.extend(self.inline(item, f"{where}[{i}]", depth))
        return tuple(out)

    def nested(self, value: Any, where: str, depth: int) -> tuple[Inline, ...]:
        """The content of an inline at ``depth``; refused past the model's nesting limit."""
        if depth >= MAX_NESTING and value:
            raise self.fail(where, f"emphasis and links nested deeper than {MAX_NESTING} levels")
        return self.inlines(value, where, depth + 1)

    def inline(self, value: Any, where: str, depth: int = 0) -> tuple[Inline, ...]:
        node = self.obj(value, where)
        kind = node.get("type")
        if kind == "str":
            return (Str(text=self.req_text(node.get("text"), where + ".text")),)
        if kind == "emph":
            return (Emph(content=self.nested(node.get("content"), where + ".content", depth)),)
        if kind == "strong":
            return (Strong(content=self.nested(node.get("content"), where + ".content", depth)),)
        if kind == "code":
            return (Code(text=self.req_text(node.get("text"), where + ".text")),)
        if kind == "linebreak":
            return (LineBreak(),)
        if kind == "link":
            content = self.nested(node.get("content"), where + ".content", depth)
            url = self.req_text(node.get("url"), where + ".url")
            linked = link_or_text(content, url)
            title = self.text(node.get("title"), where + ".title") or ""
            if title and len(linked) == 1 and isinstance(linked[0], Link):
                return (Link(content=content, url=linked[0].url, title=title),)
            return linked if linked else (Str(text=url),)
        if kind in _MARKED_CLASSES:
            return (_MARKED_CLASSES[kind](content=self.nested(node.get("content"), where + ".content", depth)),)
        if kind == "note":
            return (self.note(node, where),)
        raise self.fail(where, f"unknown inline type {kind!r}")

    def note(self, node: JSON, where: str) -> Note:
        if self.note_depth >= MAX_NESTING:
            raise self.fail(where, f"notes nested deeper than {MAX_NESTING} levels")
        self.note_depth += 1
        try:
            return Note(blocks=self.blocks(node.get("blocks"), where + ".blocks"))
        finally:
            self.note_depth -= 1

    def blocks(self, value: Any, where: str, depth: int = 0) -> tuple[Block, ...]:
        if depth > MAX_NESTING and value:
            raise self.fail(where, f"quotes and lists nested deeper than {MAX_NESTING} levels")
        return tuple(self.block(item, f"{where}[{i}]", depth) for i, item in enumerate(self.seq(value, where)))

    def block(self, value: Any, where: str, depth: int = 0) -> Block:
        node = self.obj(value, where)
        kind = node.get("type")
        if kind == "paragraph":
            return Para(content=self.inlines(node.get("inlines"), where + ".inlines"))
        if kind == "heading":
            level = self.integer(node.get("level"), where + ".level") or 1
            if not 1 <= level <= 6:
                raise self.fail(where + ".level", "must be 1 to 6")
            return Heading(level=level, content=self.inlines(node.get("inlines"), where + ".inlines"))
        if kind == "quote":
            return Quote(blocks=self.blocks(node.get("blocks"), where + ".blocks", depth + 1))
        if kind == "list":
            items = tuple(self.blocks(item, f"{where}.items[{i}]", depth + 1)
                          for i, item in enumerate(self.seq(node.get("items"), where + ".items")))
            start = self.integer(node.get("start"), where + ".start")
            return ListBlock(ordered=bool(node.get("ordered")), items=items, start=1 if start is None else start)
        if kind == "rule":
            return Rule()
        try:
            if kind == "code_block":
                return CodeBlock(text=self.req_text(node.get("text"), where + ".text"),
                                 language=self.text(node.get("language"), where + ".language"))
            if kind == "figure":
                return Figure(image=self.image(node.get("image"), where + ".image"),
                              caption=self.blocks(node.get("caption"), where + ".caption", depth + 1),
                              credit=self.inlines(node.get("credit"), where + ".credit"))
            if kind == "table":
                return self.table(node, where, depth + 1)
        except (InvalidNodeError, UnsafeLinkError) as error:
            raise self.fail(where, str(error)) from None
        raise self.fail(where, f"unknown block type {kind!r}")

    def image(self, value: Any, where: str) -> Image:
        node = self.obj(value, where)
        encoded = self.text(node.get("data"), where + ".data")
        data = None
        if encoded is not None:
            try:
                data = base64.b64decode(encoded, validate=True)
            except (binascii.Error, ValueError):
                raise self.fail(where + ".data", "not base64") from None
        return Image(src=self.text(node.get("src"), where + ".src"), alt=self.text(node.get("alt"), where + ".alt"),
                     title=self.text(node.get("title"), where + ".title") or "",
                     media_type=self.text(node.get("media_type"), where + ".media_type"), data=data)

    def table(self, node: JSON, where: str, depth: int) -> Table:
        """A table; its caption and cells are blocks one level deeper than the table."""
        alignments = tuple(self.alignment(a, f"{where}.alignments[{i}]")
                           for i, a in enumerate(self.seq(node.get("alignments"), where + ".alignments")))
        return Table(caption=self.blocks(node.get("caption"), where + ".caption", depth),
                     alignments=alignments,
                     head=self.rows(node.get("head"), where + ".head", depth),
                     body=self.rows(node.get("body"), where + ".body", depth),
                     foot=self.rows(node.get("foot"), where + ".foot", depth),
                     row_header_columns=self.integer(node.get("row_header_columns"),
                                                     where + ".row_header_columns") or 0)

    def rows(self, value: Any, where: str, depth: int) -> tuple[TableRow, ...]:
        rows = []
        for i, raw in enumerate(self.seq(value, where)):
            row = self.obj(raw, f"{where}[{i}]")
            cells = []
            for j, raw_cell in enumerate(self.seq(row.get("cells"), f"{where}[{i}].cells")):
                at = f"{where}[{i}].cells[{j}]"
                cell = self.obj(raw_cell, at)
                colspan = self.integer(cell.get("colspan"), at + ".colspan")
                rowspan = self.integer(cell.get("rowspan"), at + ".rowspan")
                cells.append(TableCell(blocks=self.blocks(cell.get("blocks"), at + ".blocks", depth),
                                       colspan=1 if colspan is None else colspan,
                                       rowspan=1 if rowspan is None else rowspan,
                                       align=self.alignment(cell.get("align", "default"), at + ".align")))
            rows.append(TableRow(cells=tuple(cells)))
        return tuple(rows)

    def alignment(self, value: Any, where: str) -> Any:
        if value not in ALIGNMENTS:
            raise self.fail(where, f"must be one of {', '.join(ALIGNMENTS)}")
        return value

    def keyword_group(self, label: str, terms: Any) -> KeywordGroup:
        where = f"$.metadata.keyword_groups.{label}"
        return KeywordGroup(label=self.req_text(label, "$.metadata.keyword_groups"),
                            terms=tuple(self.req_text(t, where + "[]") for t in self.seq(terms, where)))

    def document(self, data: Any) -> Document:
        data = self.obj(data, "$")
        if data.get("schema") != SCHEMA:
            raise self.fail("$.schema", f"{data.get('schema')!r} is not a schema this citekit reads "
                                        f"(it reads {SCHEMA!r})")
        meta = self.obj(data.get("metadata") or {}, "$.metadata")
        groups = self.obj(meta.get("keyword_groups") or {}, "$.metadata.keyword_groups")
        authors = []
        for i, raw in enumerate(self.seq(meta.get("authors"), "$.metadata.authors")):
            where = f"$.metadata.authors[{i}]"
            a = self.obj(raw, where)
            authors.append(Author(
                name=self.req_text(a.get("name"), where + ".name"),
                given=self.text(a.get("given"), where + ".given"),
                family=self.text(a.get("family"), where + ".family"),
                email=self.text(a.get("email"), where + ".email"),
                bio=self.text(a.get("bio"), where + ".bio"),
                literal=self.text(a.get("literal"), where + ".literal"),
            ))
        metadata = Metadata(
            title=self.text(meta.get("title"), "$.metadata.title"),
            subtitle=self.text(meta.get("subtitle"), "$.metadata.subtitle"),
            authors=tuple(authors),
            site=self.text(meta.get("site"), "$.metadata.site"),
            publisher=self.text(meta.get("publisher"), "$.metadata.publisher"),
            date=self.text(meta.get("date"), "$.metadata.date"),
            url=self.text(meta.get("url"), "$.metadata.url"),
            accessed=self.text(meta.get("accessed"), "$.metadata.accessed"),
            language=self.text(meta.get("language"), "$.metadata.language"),
            keywords=tuple(self.req_text(k, "$.metadata.keywords[]")
                           for k in self.seq(meta.get("keywords"), "$.metadata.keywords")),
            keyword_groups=tuple(self.keyword_group(label, terms) for label, terms in groups.items()),
            article_type=self.text(meta.get("article_type"), "$.metadata.article_type"),
            journal_id=self.text(meta.get("journal_id"), "$.metadata.journal_id"),
            issn=self.text(meta.get("issn"), "$.metadata.issn"),
        )
        raw_rights = self.obj(data.get("rights") or {}, "$.rights")
        notices = []
        for i, raw in enumerate(self.seq(raw_rights.get("notices"), "$.rights.notices")):
            n = self.obj(raw, f"$.rights.notices[{i}]")
            kind = n.get("kind")
            if kind not in NOTICE_KINDS:
                raise self.fail(f"$.rights.notices[{i}].kind", f"must be one of {', '.join(NOTICE_KINDS)}")
            notices.append(Notice(kind=kind, text=self.req_text(n.get("text"), f"$.rights.notices[{i}].text")))
        rights = Rights(
            statement=self.text(raw_rights.get("statement"), "$.rights.statement"),
            holders=tuple(self.req_text(h, "$.rights.holders[]")
                          for h in self.seq(raw_rights.get("holders"), "$.rights.holders")),
            year=self.integer(raw_rights.get("year"), "$.rights.year"),
            license=self.text(raw_rights.get("license"), "$.rights.license"),
            license_url=self.text(raw_rights.get("license_url"), "$.rights.license_url"),
            source=self.text(raw_rights.get("source"), "$.rights.source"),
            source_url=self.text(raw_rights.get("source_url"), "$.rights.source_url"),
            notices=tuple(notices),
        )
        back = []
        for i, raw in enumerate(self.seq(data.get("back"), "$.back")):
            item = self.obj(raw, f"$.back[{i}]")
            kind = item.get("kind")
            if kind not in ("bio", "note", "links"):
                raise self.fail(f"$.back[{i}].kind", "must be bio, note or links")
            back.append(BackItem(kind=kind, blocks=self.blocks(item.get("blocks"), f"$.back[{i}].blocks")))
        removed = []
        for i, raw in self.consumed(data.get("removed"), "$.removed"):
            if isinstance(entry := self.plain_removed(raw), Removed):
                removed.append(entry)
                continue
            r = self.obj(raw, f"$.removed[{i}]")
            removed.append(Removed(
                start_line=self.integer(r.get("start_line"), f"$.removed[{i}].start_line") or 0,
                end_line=self.integer(r.get("end_line"), f"$.removed[{i}].end_line") or 0,
                text=self.req_text(r.get("text"), f"$.removed[{i}].text"),
                reason=self.req_text(r.get("reason"), f"$.removed[{i}].reason"),
            ))
        prov = self.obj(data.get("provenance") or {}, "$.provenance")
        fields = []
        for i, raw in enumerate(self.seq(prov.get("fields"), "$.provenance.fields")):
            f = self.obj(raw, f"$.provenance.fields[{i}]")
            fields.append(FieldSource(
                field=self.req_text(f.get("field"), f"$.provenance.fields[{i}].field"),
                lines=tuple(int(x) for x in self.seq(f.get("lines"), f"$.provenance.fields[{i}].lines")),
                rule=self.req_text(f.get("rule"), f"$.provenance.fields[{i}].rule"),
                supplied=bool(f.get("supplied")),
                printed=self.text(f.get("printed"), f"$.provenance.fields[{i}].printed"),
            ))
        spans = []
        for i, raw in enumerate(self.seq(prov.get("lines"), "$.provenance.lines")):
            s = self.obj(raw, f"$.provenance.lines[{i}]")
            spans.append(LineSpan(
                start_line=self.integer(s.get("start_line"), f"$.provenance.lines[{i}].start_line") or 0,
                end_line=self.integer(s.get("end_line"), f"$.provenance.lines[{i}].end_line") or 0,
                role=self.req_text(s.get("role"), f"$.provenance.lines[{i}].role"),
                rule=self.text(s.get("rule"), f"$.provenance.lines[{i}].rule") or "",
            ))
        provenance = Provenance(
            input_sha256=self.text(prov.get("input_sha256"), "$.provenance.input_sha256"),
            citekit_version=self.text(prov.get("citekit_version"), "$.provenance.citekit_version"),
            source_name=self.text(prov.get("source_name"), "$.provenance.source_name"),
            reader=self.text(prov.get("reader"), "$.provenance.reader"),
            fields=tuple(fields),
            lines=tuple(spans),
        )
        return Document(
            metadata=metadata,
            body=self.blocks(data.get("body"), "$.body"),
            back=tuple(back),
            rights=rights,
            removed=tuple(removed),
            provenance=provenance,
        )


def from_dict(data: Any, *, source: str | None = None) -> Document:
    """Read ``citekit-document/1`` JSON data; errors name ``source`` and the JSON path."""
    return _Reader(source).document(data)


def loads(text: str, *, source: str | None = None) -> Document:
    """Parse document JSON text; errors give the JSON error's line and column."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(f"not valid JSON: {error.msg} (column {error.colno})", path=source,
                         line=error.lineno) from error
    except RecursionError:
        line, column = deep_json_position(text, MAX_JSON_DEPTH)
        raise InputError(f"JSON nested too deeply to read (column {column}; a citekit document nests "
                         f"under {MAX_JSON_DEPTH} levels)", path=source, line=line) from None
    del text  # the parsed data and the model are big enough; let the text go
    return from_dict(data, source=source)
