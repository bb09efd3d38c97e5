"""The ``citekit-document/1`` JSON form of a :class:`~citekit.model.Document`, both ways.

The JSON names are fixed: tools outside the project read them. ``text`` keys on blocks are
output-only (derived from the inlines) and ignored on input. ``from_dict(to_dict(doc)) == doc``.
The JSON Schema ships as ``citekit/schema/citekit-document-1.schema.json``.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any, TypeAlias, assert_never

from citekit.errors import InputError
from citekit.model import (
    NOTICE_KINDS,
    SCHEMA,
    Author,
    BackItem,
    Block,
    Code,
    Document,
    Emph,
    FieldSource,
    Heading,
    Inline,
    KeywordGroup,
    LineBreak,
    LineSpan,
    Link,
    ListBlock,
    Metadata,
    Notice,
    Para,
    Provenance,
    Quote,
    Removed,
    Rights,
    Rule,
    Str,
    Strong,
    link_or_text,
    plain_block,
    plain_blocks,
)

JSON: TypeAlias = dict[str, Any]


# --------------------------------------------------------------------------------------------
# To JSON


def inline_to_dict(node: Inline) -> JSON:
    match node:
        case Str(text=text):
            return {"type": "str", "text": text}
        case Emph(content=content):
            return {"type": "emph", "content": [inline_to_dict(n) for n in content]}
        case Strong(content=content):
            return {"type": "strong", "content": [inline_to_dict(n) for n in content]}
        case Code(text=text):
            return {"type": "code", "text": text}
        case Link(content=content, url=url, title=title):
            out: JSON = {"type": "link", "url": url, "content": [inline_to_dict(n) for n in content]}
            if title:
                out["title"] = title
            return out
        case LineBreak():
            return {"type": "linebreak"}
        case _:
            assert_never(node)


def block_to_dict(block: Block) -> JSON:
    text = plain_block(block)
    match block:
        case Para(content=content):
            return {"type": "paragraph", "text": text, "inlines": [inline_to_dict(n) for n in content]}
        case Heading(level=level, content=content):
            return {"type": "heading", "level": level, "text": text,
                    "inlines": [inline_to_dict(n) for n in content]}
        case Quote(blocks=blocks):
            return {"type": "quote", "text": text, "blocks": [block_to_dict(b) for b in blocks]}
        case ListBlock(ordered=ordered, items=items, start=start):
            return {"type": "list", "ordered": ordered, "start": start, "text": text,
                    "items": [[block_to_dict(b) for b in item] for item in items]}
        case Rule():
            return {"type": "rule", "text": ""}
        case _:
            assert_never(block)


def _drop_empty(mapping: JSON) -> JSON:
    """Keep the JSON small and readable: None and empty collections are left out."""
    return {k: v for k, v in mapping.items() if v not in (None, [], {}, "")}


def to_dict(document: Document) -> JSON:
    """The document as ``citekit-document/1`` JSON data (keys in a fixed order)."""
    meta = document.metadata
    rights = document.rights
    prov = document.provenance
    return {
        "schema": SCHEMA,
        "metadata": _drop_empty({
            "title": meta.title,
            "subtitle": meta.subtitle,
            "authors": [_drop_empty({
                "name": a.name, "given": a.given, "family": a.family, "email": a.email,
                "bio": a.bio, "literal": a.literal,
            }) for a in meta.authors],
            "site": meta.site,
            "publisher": meta.publisher,
            "date": meta.date,
            "url": meta.url,
            "accessed": meta.accessed,
            "language": meta.language,
            "keywords": list(meta.keywords),
            "keyword_groups": {g.label: list(g.terms) for g in meta.keyword_groups},
            "article_type": meta.article_type,
            "journal_id": meta.journal_id,
            "issn": meta.issn,
        }),
        "body": [block_to_dict(b) for b in document.body],
        "back": [{"kind": item.kind, "text": plain_blocks(item.blocks),
                  "blocks": [block_to_dict(b) for b in item.blocks]} for item in document.back],
        "rights": _drop_empty({
            "statement": rights.statement,
            "holders": list(rights.holders),
            "year": rights.year,
            "license": rights.license,
            "license_url": rights.license_url,
            "source": rights.source,
            "source_url": rights.source_url,
            "notices": [{"kind": n.kind, "text": n.text} for n in rights.notices],
        }),
        "removed": [{"start_line": r.start_line, "end_line": r.end_line, "text": r.text,
                     "reason": r.reason} for r in document.removed],
        "provenance": _drop_empty({
            "input_sha256": prov.input_sha256,
            "citekit_version": prov.citekit_version,
            "source_name": prov.source_name,
            "reader": prov.reader,
            "fields": [_drop_empty({"field": f.field, "lines": list(f.lines), "rule": f.rule,
                                    "supplied": f.supplied, "printed": f.printed}) | {"supplied": f.supplied}
                       for f in prov.fields],
            "lines": [_drop_empty({"start_line": s.start_line, "end_line": s.end_line, "role": s.role,
                                   "rule": s.rule}) for s in prov.lines],
        }),
    }


def dumps(document: Document) -> str:
    """Pretty, stable JSON text (UTF-8 characters kept, trailing newline)."""
    return json.dumps(to_dict(document), ensure_ascii=False, indent=2) + "\n"


# --------------------------------------------------------------------------------------------
# From JSON


class _Reader:
    """Reads JSON data into the model, naming the JSON path of anything wrong."""

    def __init__(self, source: str | None) -> None:
        self.source = source

    def fail(self, where: str, message: str) -> InputError:
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
        return value

    def req_text(self, value: Any, where: str) -> str:
        result = self.text(value, where, optional=False)
        assert result is not None
        return result

    def integer(self, value: Any, where: str) -> int | None:
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.fail(where, "expected an integer")
        return value

    def inlines(self, value: Any, where: str) -> tuple[Inline, ...]:
        out: list[Inline] = []
        for i, item in enumerate(self.seq(value, where)):
            out.extend(self.inline(item, f"{where}[{i}]"))
        return tuple(out)

    def inline(self, value: Any, where: str) -> tuple[Inline, ...]:
        node = self.obj(value, where)
        kind = node.get("type")
        if kind == "str":
            return (Str(text=self.req_text(node.get("text"), where + ".text")),)
        if kind == "emph":
            return (Emph(content=self.inlines(node.get("content"), where + ".content")),)
        if kind == "strong":
            return (Strong(content=self.inlines(node.get("content"), where + ".content")),)
        if kind == "code":
            return (Code(text=self.req_text(node.get("text"), where + ".text")),)
        if kind == "linebreak":
            return (LineBreak(),)
        if kind == "link":
            content = self.inlines(node.get("content"), where + ".content")
            url = self.req_text(node.get("url"), where + ".url")
            linked = link_or_text(content, url)
            title = self.text(node.get("title"), where + ".title") or ""
            if title and len(linked) == 1 and isinstance(linked[0], Link):
                return (Link(content=content, url=linked[0].url, title=title),)
            return linked if linked else (Str(text=url),)
        raise self.fail(where, f"unknown inline type {kind!r}")

    def blocks(self, value: Any, where: str) -> tuple[Block, ...]:
        return tuple(self.block(item, f"{where}[{i}]") for i, item in enumerate(self.seq(value, where)))

    def block(self, value: Any, where: str) -> Block:
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
            return Quote(blocks=self.blocks(node.get("blocks"), where + ".blocks"))
        if kind == "list":
            items = tuple(self.blocks(item, f"{where}.items[{i}]")
                          for i, item in enumerate(self.seq(node.get("items"), where + ".items")))
            start = self.integer(node.get("start"), where + ".start")
            return ListBlock(ordered=bool(node.get("ordered")), items=items, start=1 if start is None else start)
        if kind == "rule":
            return Rule()
        raise self.fail(where, f"unknown block type {kind!r}")

    def document(self, data: Any) -> Document:
        data = self.obj(data, "$")
        if data.get("schema") != SCHEMA:
            raise self.fail("$.schema", f"expected {SCHEMA!r}, got {data.get('schema')!r}")
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
            keyword_groups=tuple(
                KeywordGroup(label=label, terms=tuple(self.req_text(t, f"$.metadata.keyword_groups.{label}[]")
                                                      for t in self.seq(terms, f"$.metadata.keyword_groups.{label}")))
                for label, terms in groups.items()),
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
        for i, raw in enumerate(self.seq(data.get("removed"), "$.removed")):
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
    """Parse document JSON text."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(f"not valid JSON: {error.msg}", path=source, line=error.lineno) from error
    return from_dict(data, source=source)


def json_schema() -> JSON:
    """The JSON Schema of ``citekit-document/1`` shipped with the package."""
    text = resources.files("citekit").joinpath("schema/citekit-document-1.schema.json").read_text("utf-8")
    result: JSON = json.loads(text)
    return result
