"""DOCX and ODT packages as pandoc wrote them, with the date and the zip made from the document.

Under ``--sandbox`` pandoc runs without a clock or environment: it stamps "created" and "modified"
with 1970-01-01 and every zip entry with 1980-01-01. This step puts the document's publication date
(:func:`citekit.derive.timestamp`) in the core properties (DOCX ``dcterms:created``/``modified``,
ODT ``meta:creation-date``/``dc:date``) — left out when the article has no date, rather than a date
it does not have — and rebuilds the zip with every entry stamped with that date, in pandoc's order
(ODT's ``mimetype`` first and stored). Same document, same bytes.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from collections.abc import Iterable

from lxml import etree

from citekit.errors import OptionError, WriterError

DCTERMS = "http://purl.org/dc/terms/"
DC = "http://purl.org/dc/elements/1.1/"
ODF_META = "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"

DOCX_CORE = "docProps/core.xml"
ODT_META = "meta.xml"
_DATE_ELEMENTS = {
    DOCX_CORE: (f"{{{DCTERMS}}}created", f"{{{DCTERMS}}}modified"),
    ODT_META: (f"{{{ODF_META}}}creation-date", f"{{{DC}}}date"),
}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)

REFERENCE_PARTS = {"docx": "word/styles.xml", "odt": "styles.xml"}
"""A part every reference document of the format holds (how a wrong file is told apart)."""


def check_reference(data: bytes, kind: str, option: str) -> None:
    """An OptionError unless ``data`` is a ``kind`` package pandoc can take styles from."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        names = set()
    if REFERENCE_PARTS[kind] not in names:
        raise OptionError(f"{option}: not a {kind.upper()} file (no {REFERENCE_PARTS[kind]} inside)")


def stamp(package: bytes, when: datetime.datetime | None) -> bytes:
    """``package`` with its date properties set to ``when`` (removed when None) and every zip entry
    stamped with ``when`` (the fixed epoch when None)."""
    from citekit.derive import FIXED_EPOCH

    try:
        with zipfile.ZipFile(io.BytesIO(package)) as archive:
            entries = [(info, archive.read(info)) for info in archive.infolist()]
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise WriterError(f"pandoc wrote a package that is not a zip file ({error})") from None
    rebuilt = [(info, _dated(info.filename, data, when)) for info, data in entries]
    return _zip(rebuilt, when or FIXED_EPOCH)


def _dated(name: str, data: bytes, when: datetime.datetime | None) -> bytes:
    tags = _DATE_ELEMENTS.get(name)
    if tags is None:
        return data
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as error:
        raise WriterError(f"pandoc wrote a {name} that is not XML ({error})") from None
    for element in [e for tag in tags for e in root.iter(tag)]:
        if when is None:
            parent = element.getparent()
            if parent is not None:
                parent.remove(element)
        else:
            element.text = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _zip(entries: Iterable[tuple[zipfile.ZipInfo, bytes]], when: datetime.datetime) -> bytes:
    stamp_tuple = (when.year, when.month, when.day, when.hour, when.minute, when.second)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for old, data in entries:
            info = zipfile.ZipInfo(old.filename, date_time=stamp_tuple)
            info.compress_type = old.compress_type
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            level = 6 if old.compress_type == zipfile.ZIP_DEFLATED else None
            archive.writestr(info, data, compresslevel=level)
    return buffer.getvalue()
