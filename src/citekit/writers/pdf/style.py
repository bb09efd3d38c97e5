"""The PDF page style (``styles/pdf-style.toml``) and the embedded fonts, both loaded once per process.

Parsing a TrueType file costs about 0.1 s a face, far more than typesetting an article, so the
fonts are registered with reportlab the first time a PDF is written and reused afterwards
(reportlab keeps its per-document subset state in a ``WeakKeyDictionary``, so reuse does not
leak between documents).
"""

from __future__ import annotations

import threading
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from citekit.errors import WriterError
from citekit.resources import styles_dir

STYLE_FILE = "pdf-style.toml"
FONTS_DIR = Path(__file__).resolve().parents[2] / "fonts"
"""``citekit/fonts``: the DejaVu TrueType files shipped with the package (see its README)."""

_MM = 72 / 25.4
_FACES = ("regular", "bold", "italic", "bold_italic")
_FAMILIES = ("serif", "sans", "mono")
_lock = threading.Lock()


@dataclass(frozen=True, slots=True, kw_only=True)
class TextStyle:
    """One role of the typographic scale (body, title, h1, footer, …)."""

    font: str
    """Registered reportlab font name of the face to use."""
    family: str
    """Registered family name (its regular face), so ``<b>``/``<i>`` find the other faces."""
    size: float
    leading: float
    space_before: float
    space_after: float
    colour: str
    """#rrggbb."""
    indent: float
    """Role-specific indent step (quotes, lists); 0 elsewhere."""
    keep_with_next: bool
    """Never end a page with this paragraph (headings)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PageStyle:
    """Everything the layout reads from the style file, lengths in points."""

    text_width: float
    top_margin: float
    bottom_margin: float
    footer_offset: float
    colours: dict[str, str]
    text: dict[str, TextStyle]
    mono_font: str
    """Registered name of the monospaced face (inline code)."""

    def role(self, name: str) -> TextStyle:
        """The text style called ``name``; the style file must define it."""
        try:
            return self.text[name]
        except KeyError:
            raise WriterError(f"{STYLE_FILE} defines no [text.{name}] style") from None


def _number(table: dict[str, Any], key: str, where: str, default: float | None = None) -> float:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise WriterError(f"{STYLE_FILE}: {where}.{key} must be a number, got {value!r}")
    return float(value)


@cache
def load_style() -> PageStyle:
    """Read the page style and register its fonts (once per process)."""
    path = styles_dir() / STYLE_FILE
    try:
        with path.open("rb") as handle:
            raw = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise WriterError(f"cannot read the PDF page style {path}: {error}") from error
    page = raw.get("page", {})
    colours = {str(k): str(v) for k, v in raw.get("colours", {}).items()}
    families = _register_fonts(raw.get("fonts", {}))
    text: dict[str, TextStyle] = {}
    for name, table in raw.get("text", {}).items():
        where = f"text.{name}"
        family_name = table.get("family", "serif")
        if family_name not in families:
            raise WriterError(f"{STYLE_FILE}: {where}.family must be one of {', '.join(families)}")
        face = ("bold_" if table.get("bold") else "") + ("italic" if table.get("italic") else "")
        face = face.rstrip("_") or "regular"
        colour_key = table.get("colour", "text")
        size = _number(table, "size", where)
        text[name] = TextStyle(
            font=families[family_name][face],
            family=families[family_name]["regular"],
            size=size,
            leading=_number(table, "leading", where, size * 1.25),
            space_before=_number(table, "space_before", where, 0),
            space_after=_number(table, "space_after", where, 0),
            colour=colours.get(colour_key, colour_key),
            indent=_number(table, "indent", where, 0),
            keep_with_next=bool(table.get("keep_with_next", False)),
        )
    return PageStyle(
        text_width=_number(page, "text_width_mm", "page") * _MM,
        top_margin=_number(page, "top_margin_mm", "page") * _MM,
        bottom_margin=_number(page, "bottom_margin_mm", "page") * _MM,
        footer_offset=_number(page, "footer_offset_mm", "page") * _MM,
        colours=colours,
        text=text,
        mono_font=families["mono"]["regular"],
    )


def _register_fonts(fonts: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Register every face the style names; family → face → registered font name."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError

    from citekit.writers.pdf.fonts import make_font

    families: dict[str, dict[str, str]] = {}
    with _lock:
        for family in _FAMILIES:
            faces = fonts.get(family)
            if not isinstance(faces, dict) or "regular" not in faces:
                raise WriterError(f"{STYLE_FILE}: [fonts] must give {family}.regular")
            names: dict[str, str] = {}
            for face in _FACES:
                file_name = str(faces.get(face) or faces.get("bold" if face == "bold_italic" else "regular")
                                or faces["regular"])
                # One registration per file: a face that reuses another's file shares its parsed font.
                font_name = "citekit-" + Path(file_name).stem
                if font_name not in pdfmetrics.getRegisteredFontNames():
                    try:
                        pdfmetrics.registerFont(make_font(font_name, str(FONTS_DIR / file_name)))
                    except (OSError, TTFError) as error:
                        raise WriterError(f"cannot load font {FONTS_DIR / file_name}: {error}") from error
                names[face] = font_name
            for face, bold, italic in (("regular", 0, 0), ("bold", 1, 0), ("italic", 0, 1),
                                       ("bold_italic", 1, 1)):
                addMapping(names["regular"], bold, italic, names[face])
            families[family] = names
    return families


def covered(character: str) -> bool:
    """True when the body font has a glyph for ``character``."""
    return ord(character) in _body_cmap()


@cache
def _body_cmap() -> frozenset[int]:
    from reportlab.pdfbase import pdfmetrics

    style = load_style()
    font = pdfmetrics.getFont(style.role("body").font)
    return frozenset(font.face.charToGlyph)
