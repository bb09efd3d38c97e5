"""Images as the readers find them: an address, a text alternative, and bytes only when the input
carries them (a DOCX's ``word/media``, an EPUB's files, a ``data:`` URI in a page).

One rule for every reader: bytes are kept when they are a PNG, JPEG or GIF by signature, within
:data:`~citekit.model.MAX_IMAGE_BYTES` and :data:`~citekit.model.MAX_IMAGE_PIXELS`, and within the
document's budget (:data:`MAX_DOCUMENT_IMAGE_BYTES`); otherwise the image keeps its address and no
bytes. An image with neither a safe address nor usable bytes is no image: the reader keeps its
description as text.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import zipfile
from dataclasses import dataclass

from citekit.model import MAX_IMAGE_BYTES, Image, InvalidNodeError, image_media_type, safe_url

MAX_DOCUMENT_IMAGE_BYTES = 64 * 1024 * 1024
"""The most image bytes one document carries; later images keep their address only."""
_DATA_URI = re.compile(r"data:(image/[a-z0-9.+-]+)?(;[a-z0-9=.-]+)*;base64,", re.IGNORECASE)


@dataclass(slots=True)
class ImageBudget:
    """The image bytes one document has taken so far."""

    used: int = 0

    def take(self, size: int) -> bool:
        if self.used + size > MAX_DOCUMENT_IMAGE_BYTES:
            return False
        self.used += size
        return True


def make_image(src: str | None, alt: str | None, *, title: str = "", data: bytes | None = None,
               budget: ImageBudget | None = None) -> Image | None:
    """The model's image, keeping only what passes the model's checks; None when nothing does."""
    address = src.strip() if src and safe_url(src.strip()) is not None else None
    if address is not None and address.lower().startswith("data:"):
        address = None
    alt = " ".join(alt.split()) if alt is not None else None
    if data is not None and (budget is None or budget.take(len(data))):
        try:
            return Image(src=address, alt=alt, title=title, media_type=image_media_type(data), data=data)
        except InvalidNodeError:
            pass  # not an image a writer can embed (SVG, TIFF, EMF, too large, a bomb): address only
    return Image(src=address, alt=alt, title=title) if address is not None else None


def data_uri_bytes(src: str) -> bytes | None:
    """The bytes of a base64 ``data:image/…`` URI, or None (not one, not base64, too large)."""
    match = _DATA_URI.match(src.strip())
    if match is None:
        return None
    encoded = src.strip()[match.end():]
    if len(encoded) > MAX_IMAGE_BYTES * 4 // 3 + 4:
        return None
    try:
        return base64.b64decode("".join(encoded.split()), validate=True)
    except (binascii.Error, ValueError):
        return None


class ZipMedia:
    """The files of a ZIP input (DOCX, ODT, EPUB) that pandoc's image targets name.

    pandoc names an image relative to the part that holds it ("media/image1.png" for
    ``word/media/image1.png``, "media/file0.png" for ``EPUB/media/file0.png``); a target is matched
    to the one entry whose path ends with it. Entries are read only when they fit the budget.
    """

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._by_suffix: dict[str, str | None] = {}
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for info in archive.infolist():
                    if info.is_dir():
                        continue
                    parts = info.filename.split("/")
                    for start in range(len(parts)):
                        suffix = "/".join(parts[start:])
                        # Two entries ending the same way make the suffix ambiguous: no match.
                        self._by_suffix[suffix] = None if suffix in self._by_suffix else info.filename
        except (zipfile.BadZipFile, OSError, ValueError):
            self._by_suffix = {}

    def read(self, target: str, budget: ImageBudget) -> bytes | None:
        name = self._by_suffix.get(target.strip().lstrip("/").removeprefix("./"))
        if name is None:
            return None
        try:
            with zipfile.ZipFile(io.BytesIO(self._data)) as archive:
                info = archive.getinfo(name)
                if info.file_size > MAX_IMAGE_BYTES or budget.used + info.file_size > MAX_DOCUMENT_IMAGE_BYTES:
                    return None
                with archive.open(info) as handle:
                    return handle.read(MAX_IMAGE_BYTES + 1)
        except (zipfile.BadZipFile, OSError, KeyError, ValueError):
            return None
