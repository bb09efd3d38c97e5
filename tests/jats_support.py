"""Helpers for the JATS tests: offline DTD validation (lxml) and the JATS4R schematrons (saxonche).

Both validators read only ``tests/data/schemas``: the DTD's modules resolve next to the driver
file and the parser never touches the network. The JATS4R stylesheet needs XSLT 2.0, which lxml
lacks, so it runs in SaxonC-HE (the ``saxonche`` wheel, in the ``test`` extra).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from lxml import etree

from citekit.model import Document
from citekit.readers import read_path
from citekit.writers import Diagnostic, get_writer, write_bytes
from citekit.writers.jats import JatsOptions
from conftest import SCHEMAS, require_tool

DTD_FILES = {
    "archiving": SCHEMAS / "jats-1.4-archiving" / "JATS-archivearticle1-4-mathml3.dtd",
    "publishing": SCHEMAS / "jats-1.4-publishing" / "JATS-journalpublishing1-4-mathml3.dtd",
}
JATS4R_XSL = SCHEMAS / "jats4r" / "jats4r-compiled.xsl"
SVRL = {"svrl": "http://purl.oclc.org/dsdl/svrl"}
NS = {"xlink": "http://www.w3.org/1999/xlink", "ali": "http://www.niso.org/schemas/ali/1.0/"}


def parse(data: bytes) -> etree._Element:
    """Parse JATS bytes without loading the DTD or anything from the network."""
    parser = etree.XMLParser(load_dtd=False, no_network=True, resolve_entities=False)
    return etree.fromstring(data, parser)


@cache
def _dtd(tagset: str) -> etree.DTD:
    return etree.DTD(str(DTD_FILES[tagset]))


def dtd_errors(data: bytes, tagset: str = "archiving") -> list[str]:
    """DTD validation messages (empty when valid)."""
    dtd = _dtd(tagset)
    if dtd.validate(parse(data)):
        return []
    return [f"line {e.line}: {e.message}" for e in dtd.error_log.filter_from_errors()]


def write_jats(document: Document, **options: Any) -> tuple[bytes, tuple[Diagnostic, ...]]:
    return write_bytes(document, get_writer("jats"), JatsOptions(**options))


@cache
def corpus_document(path: Path) -> Document:
    return read_path(path)


@dataclass(frozen=True)
class Message:
    role: str
    location: str
    text: str


@cache
def _jats4r() -> tuple[Any, Any]:
    try:
        from saxonche import PySaxonProcessor
    except ImportError:
        require_tool("saxonche", found=False)
        raise
    processor = PySaxonProcessor(license=False)
    stylesheet = processor.new_xslt30_processor().compile_stylesheet(stylesheet_file=str(_patched_jats4r()))
    return processor, stylesheet


# JATS4R 0.0.16's permissions-warnings.sch applies lower-case() to permissions/copyright-holder,
# a sequence when an article has several holders (as JATS allows and the seed has): Saxon then
# stops with XPTY0004 and no report is produced. The check is patched in a temporary copy (the
# shipped files stay unmodified) to its evident intent: every holder appears in the statement.
_HOLDER_TEST = "not(contains(lower-case(.), lower-case(parent::permissions/copyright-holder)))"
_HOLDER_FIX = ("(some $holder in parent::permissions/copyright-holder "
               "satisfies not(contains(lower-case(.), lower-case($holder))))")


# JATS4R 0.0.16's table-wrap label check reads '^\s*table\.?\s*\d||^…': the empty alternative
# matches every caption, so every captioned table without a label is warned about. Patched to the
# evident intent (a caption that opens with "Table 1" should be a label).
_TABLE_LABEL_TEST = "'^\\s*table\\.?\\s*\\d||^"
_TABLE_LABEL_FIX = "'^\\s*table\\.?\\s*\\d|^"


@cache
def _patched_jats4r() -> Path:
    import shutil
    import tempfile

    directory = Path(tempfile.mkdtemp(prefix="citekit-jats4r-"))
    text = JATS4R_XSL.read_text(encoding="utf-8")
    assert _HOLDER_TEST in text, "JATS4R changed: review the copyright-holder patch"
    assert _TABLE_LABEL_TEST in text, "JATS4R changed: review the table-label patch"
    text = text.replace(_HOLDER_TEST, _HOLDER_FIX).replace(_TABLE_LABEL_TEST, _TABLE_LABEL_FIX)
    (directory / JATS4R_XSL.name).write_text(text, encoding="utf-8")
    for lookup in JATS4R_XSL.parent.glob("*.xml"):  # countries.xml etc. are read next to the XSL
        shutil.copy(lookup, directory / lookup.name)
    return directory / JATS4R_XSL.name


def jats4r_messages(data: bytes) -> list[Message]:
    """Every JATS4R error and warning for a JATS document."""
    processor, stylesheet = _jats4r()
    # The root only: with the DOCTYPE Saxon would try to fetch the DTD.
    node = processor.parse_xml(xml_text=etree.tostring(parse(data), encoding="unicode"))
    svrl = etree.fromstring(stylesheet.transform_to_string(xdm_node=node).encode("utf-8"))
    return [Message(role=e.get("role") or "", location=e.get("location") or "",
                    text=" ".join((e.findtext("svrl:text", namespaces=SVRL) or "").split()))
            for e in svrl.xpath("//svrl:failed-assert|//svrl:successful-report", namespaces=SVRL)]


def jats4r_errors(data: bytes) -> list[str]:
    return [m.text for m in jats4r_messages(data) if m.role == "error"]


def jats4r_warnings(data: bytes) -> list[str]:
    return [m.text for m in jats4r_messages(data) if m.role == "warning"]
