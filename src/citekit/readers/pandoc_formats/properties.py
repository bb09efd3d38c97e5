"""Document properties pandoc leaves out of ``meta``: an ODT's meta.xml, a JATS article's authors."""

from __future__ import annotations

import io
import zipfile
from typing import Any

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

