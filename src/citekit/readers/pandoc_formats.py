"""Office and markup formats through pandoc's JSON AST: DOCX, ODT, EPUB, JATS, RST, LaTeX, Org.

pandoc (the bundled binary, ``--sandbox``, a timeout) turns the input into its JSON AST; this module
maps that AST onto citekit's model and the document's own properties (DOCX/ODT core properties,
EPUB OPF, JATS front, which pandoc puts in ``meta``) onto the stated metadata. The body then goes
through the same end-matter rules and merge as every other reader (:mod:`citekit.readers._assemble`).

Before pandoc sees an input it is checked: a ZIP's directory must declare at most
:data:`MAX_UNPACKED_BYTES` and :data:`MAX_ZIP_ENTRIES` (a zip bomb is refused unread), and XML that
declares entities (``<!ENTITY``) is refused (no entity expansion, so no billion laughs).

pandoc's tables, figures, code blocks, notes, superscripts, subscripts and strikeouts map onto the
model's own nodes. An image is a figure when it stands alone in its paragraph or in a pandoc
``Figure``; its bytes come from the input's own ZIP (a DOCX's ``word/media``, an ODT's
``Pictures``, an EPUB's files) when they pass the model's checks (:mod:`citekit.readers._images`).
An image inside a sentence is kept as its description. Small caps and underline keep their text
(underline as emphasis); nothing is dropped.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from typing import Any

from citekit.errors import InputError, ToolError, ToolExit, ToolTimeout
from citekit.model import (
    ALIGNMENTS,
    MAX_COLSPAN,
    MAX_ROWSPAN,
    Alignment,
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
    LineBreak,
    ListBlock,
    Note,
    Para,
    Quote,
    Rule,
    Str,
    Strikeout,
    Strong,
    Subscript,
    Superscript,
    Table,
    TableCell,
    TableRow,
    link_or_text,
    plain_blocks,
    plain_inlines,
)
from citekit.readers import Reader
from citekit.readers._assemble import Stated, build
from citekit.readers._images import ImageBudget, ZipMedia, make_image
from citekit.readers._inlines import merge_text

PANDOC_TIMEOUT_SECONDS = 60
MAX_UNPACKED_BYTES = 256 * 1024 * 1024
"""A ZIP input (DOCX, ODT, EPUB) whose entries declare more than this unpacked is refused."""
MAX_ZIP_ENTRIES = 10_000
MAX_RATIO = 200
"""An entry that claims to unpack to more than this many times its packed size is a bomb."""
MAX_DEPTH = 60
_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)


# --------------------------------------------------------------------------------------------
# Running pandoc (through citekit.pandoc: the bundled binary, sandboxed, bounded, its JSON checked)


def pandoc_json(data: bytes, pandoc_format: str, name: str | None) -> dict[str, Any]:
    """pandoc's JSON AST of ``data`` read as ``pandoc_format``; errors name the input."""
    from citekit import pandoc

    try:
        # -s: the RST reader promotes a lone top section title and docinfo fields to metadata only then.
        return pandoc.pandoc_json(["-s", "-f", pandoc_format], data, timeout=PANDOC_TIMEOUT_SECONDS)
    except ToolTimeout as error:
        raise InputError(f"pandoc took longer than {PANDOC_TIMEOUT_SECONDS} s to read this {pandoc_format} "
                         "file: refused", path=name) from error
    except ToolExit as error:
        raise InputError(f"not a readable {pandoc_format} file: pandoc says {error.last_line[:300] or 'nothing'}",
                         path=name) from error
    except ToolError as error:
        if name:
            error.with_path(name)
        raise


# --------------------------------------------------------------------------------------------
# Checks before pandoc


def check_zip(data: bytes, what: str, required: Callable[[zipfile.ZipFile], bool], name: str | None) -> None:
    """Refuse a ZIP that is not ``what`` or that would unpack to too much (a zip bomb)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError) as error:
        raise InputError(f"not a {what}: not a ZIP archive ({error})", path=name) from error
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ZIP_ENTRIES:
            raise InputError(f"{what} has {len(entries)} entries: refused", path=name)
        total = sum(entry.file_size for entry in entries)
        if total > MAX_UNPACKED_BYTES:
            raise InputError(f"{what} would unpack to {total >> 20} MiB (a zip bomb?): refused", path=name)
        for entry in entries:
            ratio = entry.file_size // max(entry.compress_size, 1)
            if entry.file_size > 1 << 20 and ratio > MAX_RATIO:
                raise InputError(f"{what} entry {entry.filename} is compressed {ratio}:1 (a zip bomb?): refused",
                                 path=name)
        if not required(archive):
            raise InputError(f"not a {what}: the ZIP archive lacks its parts", path=name)
        for entry in entries:
            if entry.filename.endswith((".xml", ".opf", ".xhtml", ".html", ".rels", ".ncx")):
                with archive.open(entry) as stream:
                    if _ENTITY.search(stream.read(64 * 1024)):
                        raise InputError(f"{what} part {entry.filename} declares XML entities: refused "
                                         "(entity expansion is never done)", path=name)


def _names(archive: zipfile.ZipFile) -> set[str]:
    return set(archive.namelist())


def _mimetype(archive: zipfile.ZipFile) -> bytes:
    try:
        return archive.read("mimetype").strip() if "mimetype" in _names(archive) else b""
    except (KeyError, zipfile.BadZipFile, OSError):
        return b""


# --------------------------------------------------------------------------------------------
# The AST → the model


def _stringify(node: Any, depth: int = 0) -> str:
    """The plain text of a pandoc meta value or inline list."""
    if depth > MAX_DEPTH:
        return ""
    if isinstance(node, list):
        return "".join(_stringify(n, depth + 1) for n in node)
    if not isinstance(node, dict):
        return str(node) if isinstance(node, str) else ""
    kind: Any = node.get("t")
    content: Any = node.get("c")
    if kind in {"Space", "SoftBreak", "LineBreak"}:
        return " "
    if kind in {"Str", "MetaString"}:
        return content if isinstance(content, str) else ""
    if kind in {"Code", "Math", "RawInline"}:
        return content[-1] if isinstance(content, list) and content and isinstance(content[-1], str) else ""
    if kind in {"Link", "Image", "Span", "Quoted", "Cite"}:
        return _stringify(content[-2] if kind in {"Link", "Image"} else content[-1], depth + 1)
    return _stringify(content, depth + 1)


def _meta_list(value: Any) -> list[str]:
    if isinstance(value, dict) and value.get("t") == "MetaList":
        return [" ".join(_stringify(v).split()) for v in value.get("c", [])[:100]]
    if isinstance(value, dict) and value.get("t") == "MetaMap":
        inner = value.get("c", {})
        return [" ".join(_stringify(inner.get("name", inner)).split())]
    text = " ".join(_stringify(value).split())
    return [text] if text else []


META_KEYS: dict[str, tuple[str, ...]] = {
    "title": ("title",), "subtitle": ("subtitle",), "authors": ("author", "creator"),
    "date": ("date",), "keywords": ("keywords", "subject"), "language": ("lang", "language"),
    "publisher": ("publisher",), "statement": ("rights", "copyright"), "license": ("license",),
    "url": ("url", "identifier"), "site": ("journal-title", "site"),
}
"""pandoc meta key → field; DOCX core properties, ODT meta, EPUB OPF and JATS front arrive under these."""


def stated_from_meta(meta: dict[str, Any], reader: str) -> Stated:
    """The document properties pandoc read, recorded as ``<reader>:<key>``."""
    from citekit.readers.html.clean import author_names, iso_date

    values: dict[str, Any] = {}
    fields = []
    for field, keys in META_KEYS.items():
        key = next((k for k in keys if any(_meta_list(meta.get(k)))), None)
        if key is None:
            continue
        found = tuple(dict.fromkeys(v for v in _meta_list(meta[key]) if v))
        if field == "authors":  # Org and ODT give "Jane Doe; John Roe" as one value
            found = tuple(dict.fromkeys(n for v in found for n in author_names(v)))
        value: Any = found if field in {"authors", "keywords"} else found[0]
        if field == "date":
            value = iso_date(value) or None
        if field == "url" and not str(value).startswith(("http://", "https://")):
            continue
        if value:
            values[field] = value
            target = {"statement": "rights.statement", "license": "rights.license"}.get(field, f"metadata.{field}")
            fields.append(FieldSource(field=target, lines=(), rule=f"{reader}:{key}", printed=", ".join(found)))
    return Stated(**values, fields=tuple(fields))


_ALIGNMENT: dict[str, Alignment] = {"AlignLeft": "left", "AlignRight": "right", "AlignCenter": "center"}
_MARKS: dict[str, type[Strikeout] | type[Superscript] | type[Subscript]] = {
    "Strikeout": Strikeout, "Superscript": Superscript, "Subscript": Subscript}


def _alignment(value: Any) -> Alignment:
    tag = value.get("t") if isinstance(value, dict) else None
    found = _ALIGNMENT.get(str(tag), "default")
    return found if found in ALIGNMENTS else "default"


def _span(value: Any, limit: int) -> int:
    return max(1, min(limit, value)) if isinstance(value, int) and not isinstance(value, bool) else 1


class _Mapper:
    """pandoc blocks and inlines → citekit's, with the input's ZIP (if any) for image bytes."""

    def __init__(self, media: ZipMedia | None = None) -> None:
        self.media = media
        self.budget = ImageBudget()

    def blocks(self, nodes: Any, depth: int = 0) -> list[Block]:
        out: list[Block] = []
        for node in nodes if isinstance(nodes, list) else []:
            out.extend(self.block(node, depth + 1))
        return out

    def block(self, node: Any, depth: int) -> list[Block]:
        if not isinstance(node, dict) or depth > MAX_DEPTH:
            return []
        kind: Any = node.get("t")
        c: Any = node.get("c")
        match kind:
            case "Para" | "Plain":
                figure = self.lone_image(c, depth)
                if figure is not None:
                    return [figure]
                content = self.inlines(c, depth)
                return [Para(content=content)] if plain_inlines(content).strip() or any(
                    isinstance(n, Note) for n in content) else []
            case "Header":
                content = self.inlines(c[2], depth)
                return [Heading(level=max(1, min(6, int(c[0]))), content=content)] if content else []
            case "BlockQuote":
                inner = tuple(self.blocks(c, depth))
                return [Quote(blocks=inner)] if inner else []
            case "BulletList" | "OrderedList":
                raw_items = c if kind == "BulletList" else c[1]
                items = tuple(tuple(self.blocks(item, depth)) for item in raw_items)
                start = int(c[0][0]) if kind == "OrderedList" else 1
                return [ListBlock(ordered=kind == "OrderedList", items=items, start=start)] if items else []
            case "HorizontalRule":
                return [Rule()]
            case "CodeBlock":
                return self.code_block(c)
            case "RawBlock":
                text = c[1] if isinstance(c, list) and len(c) > 1 else ""
                return [Para(content=(Code(text=text),))] if str(text).strip() else []
            case "LineBlock":
                lines: list[Inline] = []
                for line in c:
                    lines.extend([*(LineBreak() for _ in lines[:1]), *self.inlines(line, depth)])
                return [Para(content=tuple(lines))] if lines else []
            case "Div":
                return self.blocks(c[1], depth)
            case "Figure":
                caption = tuple(self.blocks(c[1][1], depth)) if c[1] and len(c[1]) > 1 else ()
                image = self.lone_image(self._lone_inlines(c[2]), depth, caption=caption)
                return [image] if image is not None else self.blocks(c[2], depth) + list(caption)
            case "Table":
                return self.table(c, depth)
            case "DefinitionList":
                out: list[Block] = []
                for term, definitions in c:
                    out.append(Para(content=(Strong(content=self.inlines(term, depth)),)))
                    for definition in definitions:
                        out.extend(self.blocks(definition, depth))
                return out
            case _:
                return []

    def code_block(self, c: Any) -> list[Block]:
        text = c[1] if isinstance(c, list) and len(c) > 1 and isinstance(c[1], str) else ""
        classes = c[0][1] if isinstance(c[0], list) and len(c[0]) > 1 and isinstance(c[0][1], list) else []
        for language in classes:
            try:
                return [CodeBlock(text=text.rstrip("\n"), language=str(language))]
            except InvalidNodeError:
                continue
        return [CodeBlock(text=text.rstrip("\n"))] if text.strip() else []

    @staticmethod
    def _lone_inlines(blocks: Any) -> Any:
        """The inlines of a figure's content when it is one paragraph, else None."""
        if isinstance(blocks, list) and len(blocks) == 1 and isinstance(blocks[0], dict) and blocks[0].get(
                "t") in {"Plain", "Para"}:
            return blocks[0].get("c")
        return None

    def lone_image(self, inlines: Any, depth: int, caption: tuple[Block, ...] = ()) -> Figure | None:
        """A figure for a paragraph that is one image and nothing else (pandoc's implicit figure)."""
        if not isinstance(inlines, list):
            return None
        nodes = [n for n in inlines if not (isinstance(n, dict) and n.get("t") in {"Space", "SoftBreak", "LineBreak"})]
        if len(nodes) != 1 or not isinstance(nodes[0], dict) or nodes[0].get("t") != "Image":
            return None
        c = nodes[0].get("c")
        if not (isinstance(c, list) and len(c) == 3 and isinstance(c[2], list) and len(c[2]) == 2):
            return None
        alt = plain_inlines(self.inlines(c[1], depth)).strip() or None
        if alt is not None and " ".join(alt.split()) == " ".join(plain_blocks(caption).split()):
            alt = None  # pandoc copies a figure's caption into its alt text: the caption describes it
        target, title = str(c[2][0]), str(c[2][1] or "")
        data = self.media.read(target, self.budget) if self.media is not None else None
        image: Image | None = make_image(target, alt, title=title, data=data, budget=self.budget)
        if image is None:
            return None
        return Figure(image=image, caption=caption)

    def table(self, c: list[Any], depth: int) -> list[Block]:
        """pandoc's ``Table attr caption colspecs head bodies foot``; several bodies become one."""
        caption = tuple(self.blocks(c[1][1], depth)) if len(c) > 1 and c[1] and len(c[1]) > 1 else ()
        alignments = tuple(_alignment(spec[0]) for spec in c[2] if isinstance(spec, list) and spec)
        head = self.rows(c[3][1] if c[3] else [], depth)
        body: list[TableRow] = []
        row_heads = 0
        for number, part in enumerate(c[4]):
            if number == 0 and isinstance(part[1], int):
                row_heads = max(0, min(MAX_COLSPAN, part[1]))
            body += self.rows(part[2], depth) + self.rows(part[3], depth)
        foot = self.rows(c[5][1] if c[5] else [], depth)
        return [Table(caption=caption, alignments=alignments, head=tuple(head), body=tuple(body), foot=tuple(foot),
                      row_header_columns=row_heads)]

    def rows(self, rows: Any, depth: int) -> list[TableRow]:
        out = []
        for row in rows if isinstance(rows, list) else []:
            cells = []
            for cell in row[1] if isinstance(row, list) and len(row) > 1 else []:
                if not (isinstance(cell, list) and len(cell) == 5):
                    continue
                cells.append(TableCell(blocks=tuple(self.blocks(cell[4], depth)), align=_alignment(cell[1]),
                                       rowspan=_span(cell[2], MAX_ROWSPAN), colspan=_span(cell[3], MAX_COLSPAN)))
            out.append(TableRow(cells=tuple(cells)))
        return out

    def inlines(self, nodes: Any, depth: int) -> tuple[Inline, ...]:
        out: list[Inline] = []
        for node in nodes if isinstance(nodes, list) else []:
            out.extend(self.inline(node, depth + 1))
        return merge_text(out)

    def inline(self, node: Any, depth: int) -> list[Inline]:
        if not isinstance(node, dict) or depth > MAX_DEPTH:
            return []
        kind: Any = node.get("t")
        c: Any = node.get("c")
        match kind:
            case "Str":
                return [Str(text=c)]
            case "Space" | "SoftBreak":
                return [Str(text=" ")]
            case "LineBreak":
                return [LineBreak()]
            case "Emph" | "Underline":
                return [Emph(content=self.inlines(c, depth))]
            case "Strong":
                return [Strong(content=self.inlines(c, depth))]
            case "Code" | "Math":
                return [Code(text=c[1])]
            case "Link":
                return list(link_or_text(self.inlines(c[1], depth), str(c[2][0])))
            case "Image":
                return list(self.inlines(c[1], depth))
            case "Quoted":
                mark = "“”" if c[0].get("t") == "DoubleQuote" else "‘’"
                return [Str(text=mark[0]), *self.inlines(c[1], depth), Str(text=mark[1])]
            case "Cite":
                return list(self.inlines(c[1], depth))
            case "Span":
                return list(self.inlines(c[1], depth))
            case "Note":
                return [Note(blocks=tuple(self.blocks(c, depth)))]
            case "Strikeout" | "Superscript" | "Subscript":
                return [_MARKS[kind](content=self.inlines(c, depth))]
            case "RawInline":
                return []
            case _:  # SmallCaps: its content
                return list(self.inlines(c, depth)) if isinstance(c, list) else []


_ODF = {"dc": "http://purl.org/dc/elements/1.1/", "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"}
# meta.xml element → pandoc meta key. dc:date and meta:creation-date are when the file was saved,
# not when the article was published: they are not read as its date.
_ODF_META = {"title": "dc:title", "subtitle": "dc:subject", "author": "dc:creator", "keywords": "meta:keyword",
             "lang": "dc:language"}


def odt_meta(data: bytes) -> dict[str, Any]:
    """ODT's ``meta.xml`` as pandoc meta values (pandoc's ODT reader leaves meta empty)."""
    from lxml import etree

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            raw = archive.read("meta.xml") if "meta.xml" in archive.namelist() else b""
        if not raw or len(raw) > 1 << 20:
            return {}
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        root = etree.fromstring(raw, parser)
    except (zipfile.BadZipFile, OSError, KeyError, etree.XMLSyntaxError):
        return {}
    meta: dict[str, Any] = {}
    for key, path in _ODF_META.items():
        texts = [" ".join("".join(str(t) for t in e.itertext()).split()) for e in root.iterfind(f".//{path}", _ODF)]
        values = [v.strip() for t in texts for v in (t.split(";") if key == "author" else [t]) if v.strip()]
        if values:
            meta[key] = {"t": "MetaList", "c": [{"t": "MetaString", "c": v} for v in values]}
    return meta


def jats_meta(data: bytes) -> dict[str, Any]:
    """JATS authors pandoc's reader leaves empty (``<string-name>``, or given names and surname)."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, recover=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        return {}
    if root is None:
        return {}
    names = []
    for contrib in root.iterfind(".//front//contrib[@contrib-type='author']"):
        string_name = contrib.find(".//string-name")
        if string_name is not None:
            names.append(" ".join("".join(str(t) for t in string_name.itertext()).split()))
            continue
        parts = [contrib.findtext(".//name/given-names"), contrib.findtext(".//name/surname")]
        names.append(" ".join(p.strip() for p in parts if p and p.strip()))
    names = [n for n in names if n]
    return {"author": {"t": "MetaList", "c": [{"t": "MetaString", "c": n} for n in names]}} if names else {}


def _reader(pandoc_format: str, name_: str, check: Callable[[bytes, str | None], None]) -> Callable[
        [bytes, str | None], Document]:
    def read(data: bytes, name: str | None) -> Document:
        check(data, name)
        ast = pandoc_json(data, pandoc_format, name)
        mapper = _Mapper(ZipMedia(data) if pandoc_format in {"docx", "odt", "epub"} else None)
        blocks = tuple(mapper.blocks(ast["blocks"]))
        meta = ast.get("meta") or {}
        if pandoc_format == "odt":
            meta = odt_meta(data) | meta
        if pandoc_format == "jats" and not any(_meta_list(meta.get("author"))):
            meta = meta | jats_meta(data)
        stated = stated_from_meta(meta, name_)
        return build(stated, blocks, data, name)

    return read


def _check_docx(data: bytes, name: str | None) -> None:
    check_zip(data, "DOCX", lambda a: "word/document.xml" in _names(a), name)


def _check_odt(data: bytes, name: str | None) -> None:
    check_zip(data, "ODT", lambda a: "content.xml" in _names(a), name)


def _check_epub(data: bytes, name: str | None) -> None:
    check_zip(data, "EPUB", lambda a: "META-INF/container.xml" in _names(a), name)


def _check_xml(data: bytes, name: str | None) -> None:
    if _ENTITY.search(data[: 1 << 20]):
        raise InputError("the XML declares entities: refused (entity expansion is never done)", path=name)


def _check_text(data: bytes, name: str | None) -> None:
    if b"\x00" in data[:4096]:
        raise InputError("contains NUL bytes: not a text file", path=name)


def _zip_sniff(test: Callable[[zipfile.ZipFile], bool]) -> Callable[[bytes], bool]:
    def sniff(data: bytes) -> bool:
        if not data.startswith(b"PK\x03\x04"):
            return False
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return test(archive)
        except (zipfile.BadZipFile, OSError, ValueError):
            return False

    return sniff


def _jats_sniff(data: bytes) -> bool:
    head = data[:4096]
    return b"<article" in head and (b"JATS" in head or b"dtd-version" in head or b"jats" in head.lower())


DOCX = Reader(name="docx", suffixes=(".docx",),
              media_types=("application/vnd.openxmlformats-officedocument.wordprocessingml.document",),
              description="Word document (pandoc); title, authors, date from its core properties",
              read=_reader("docx", "docx", _check_docx),
              sniff=_zip_sniff(lambda a: "word/document.xml" in _names(a)))
ODT = Reader(name="odt", suffixes=(".odt",), media_types=("application/vnd.oasis.opendocument.text",),
             description="OpenDocument text (pandoc); metadata from its meta.xml",
             read=_reader("odt", "odt", _check_odt),
             sniff=_zip_sniff(lambda a: _mimetype(a) == b"application/vnd.oasis.opendocument.text"))
EPUB = Reader(name="epub", suffixes=(".epub",), media_types=("application/epub+zip",),
              description="EPUB book or article (pandoc); metadata from its OPF",
              read=_reader("epub", "epub", _check_epub),
              sniff=_zip_sniff(lambda a: _mimetype(a) == b"application/epub+zip"))
JATS = Reader(name="jats", suffixes=(".jats", ".jats.xml"), media_types=("application/jats+xml",),
              description="JATS XML article (pandoc); metadata from its front matter",
              read=_reader("jats", "jats", _check_xml), sniff=_jats_sniff)
RST = Reader(name="rst", suffixes=(".rst", ".rest"), media_types=("text/x-rst",),
             description="reStructuredText (pandoc); docinfo fields as metadata",
             read=_reader("rst", "rst", _check_text))
LATEX = Reader(name="latex", suffixes=(".tex", ".latex"), media_types=("application/x-latex",),
               description="LaTeX (pandoc, sandboxed: no \\input of other files); \\title, \\author, \\date",
               read=_reader("latex", "latex", _check_text))
ORG = Reader(name="org", suffixes=(".org",), media_types=("text/org",),
             description="Org mode (pandoc); #+TITLE, #+AUTHOR, #+DATE",
             read=_reader("org", "org", _check_text))
