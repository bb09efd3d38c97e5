"""The package document, the accessibility evaluation and the deterministic zip container."""

from __future__ import annotations

import datetime
import io
import json
import uuid
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass

from lxml import etree

from citekit.derive import display_title, inverted_name, parse_date, rights_summary, timestamp
from citekit.model import Document, plain_blocks
from citekit.writers.epub.content import EPUB_TYPE, XHTML_NS, XML_LANG, Page
from citekit.writers.epub.structure import BookImage
from citekit.writers.epub.text import UNDETERMINED, absolute_http, external_href, one_line

OPF_NS = "http://www.idpf.org/2007/opf"
DC_NS = "http://purl.org/dc/elements/1.1/"
CONTAINER_NS = "urn:oasis:names:tc:opendocument:xmlns:container"
ROOT_DIR = "EPUB"
PACKAGE_PATH = f"{ROOT_DIR}/package.opf"

CONFORMANCE = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"

# Names a document without a URL by its content; fixed so the same article gets the same id.
_CONTENT_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://citekit.invalid/epub/content-identifier")


def identifier(document: Document) -> str:
    """``urn:uuid:…`` from the article's URL, else from its title, authors, date and text."""
    url = absolute_http(document.metadata.url)
    if url:
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, url)}"
    meta = document.metadata
    content = json.dumps([display_title(document).value, [a.name for a in meta.authors], meta.date,
                          plain_blocks(document.body)])
    return f"urn:uuid:{uuid.uuid5(_CONTENT_NAMESPACE, content)}"


def modified(document: Document) -> datetime.datetime:
    """The document's date (its first day when partial), else the fixed epoch; never the clock."""
    return timestamp(document.metadata.date)


# --------------------------------------------------------------------------------------------
# Accessibility: checked on the pages as built, not asserted


@dataclass(frozen=True, slots=True)
class Evaluation:
    """What the accessibility checks found; ``failures`` empty means the conformance claim holds."""

    failures: tuple[str, ...]
    default_stylesheet: bool
    images: int = 0
    """Images the book shows (``img`` elements)."""
    undescribed_images: int = 0
    """Images with no text alternative, no caption naming them, and no decorative mark."""
    tables: int = 0
    """Tables in the book."""

    @property
    def conforms(self) -> bool:
        return not self.failures


def _text(element: etree._Element) -> str:
    return "".join(str(part) for part in element.itertext())


def evaluate(pages: Sequence[Page], nav: etree._Element, language: str,
             default_stylesheet: bool) -> Evaluation:
    """Check the EPUB Accessibility 1.1 requirements citekit can verify on its own output."""
    failures: list[str] = []
    if language == UNDETERMINED:
        failures.append("the language of the text is unknown")
    if not default_stylesheet:
        failures.append("a user stylesheet was used, whose contrast and layout citekit cannot check")
    ids_by_page = {page.name: {str(e.get("id")) for e in page.root.iter() if e.get("id")} for page in pages}
    for name, root in [(page.name, page.root) for page in pages] + [("nav.xhtml", nav)]:
        if root.get("lang") != language or root.get(XML_LANG) != language:
            failures.append(f"{name}: no language on the page")
        title = root.find(f"{{{XHTML_NS}}}head/{{{XHTML_NS}}}title")
        if title is None or not (title.text or "").strip():
            failures.append(f"{name}: no page title")
        previous = 0
        for element in root.iter(*(f"{{{XHTML_NS}}}h{n}" for n in range(1, 7))):
            level = int(etree.QName(element).localname[1])
            if level > previous + 1:
                failures.append(f"{name}: heading h{level} follows h{previous}")
            if not _text(element).strip():
                failures.append(f"{name}: empty heading")
            previous = level
        for anchor in root.iter(f"{{{XHTML_NS}}}a"):
            if not _text(anchor).strip():
                failures.append(f"{name}: a link without text")
        failures += _image_and_table_failures(name, root)
    toc = [n for n in nav.iter(f"{{{XHTML_NS}}}nav") if n.get(EPUB_TYPE) == "toc"]
    targets = [str(a.get("href")) for n in toc for a in n.iter(f"{{{XHTML_NS}}}a")]
    if not targets:
        failures.append("nav.xhtml: no table of contents")
    for target in targets:
        page, _, fragment = target.partition("#")
        if page not in ids_by_page or (fragment and fragment not in ids_by_page[page]):
            failures.append(f"nav.xhtml: table of contents entry {target} leads nowhere")
    images = sum(1 for page in pages for _ in page.root.iter(f"{{{XHTML_NS}}}img"))
    tables = sum(1 for page in pages for _ in page.root.iter(f"{{{XHTML_NS}}}table"))
    undescribed = sum(1 for failure in failures if failure.endswith("has no text alternative"))
    return Evaluation(failures=tuple(failures), default_stylesheet=default_stylesheet, images=images,
                      undescribed_images=undescribed, tables=tables)


def _image_and_table_failures(name: str, root: etree._Element) -> list[str]:
    """Images need a text alternative (``alt``, a caption naming them, or a decorative mark);
    tables need header cells (WCAG 1.3.1: a reader must be able to tell what a cell is about)."""
    failures = []
    ids = {str(e.get("id")) for e in root.iter() if e.get("id")}
    for img in root.iter(f"{{{XHTML_NS}}}img"):
        named = bool((img.get("alt") or "").strip()) or img.get("aria-labelledby") in ids
        decorative = img.get("alt") == "" and img.get("role") == "presentation"
        if not (named or decorative):
            failures.append(f"{name}: an image ({img.get('src')}) has no text alternative")
    for table in root.iter(f"{{{XHTML_NS}}}table"):
        if next(table.iter(f"{{{XHTML_NS}}}th"), None) is None:
            failures.append(f"{name}: a table has no header cells")
    return failures


def _summary(evaluation: Evaluation) -> str:
    if evaluation.images:
        shown = "1 image" if evaluation.images == 1 else f"{evaluation.images} images"
        text = (f"Text with {shown}, no audio or video; images are described by their text alternatives "
                "or captions, and those only decorative are marked so.")
    else:
        text = "Text only: no images, audio or video."
    text += (" Headings, a table of contents and landmarks give structural navigation; the reading order "
             "follows the article.")
    if evaluation.tables and not any(f.endswith("a table has no header cells") for f in evaluation.failures):
        text += " Tables have header cells marked with their scope."
    if evaluation.default_stylesheet:
        text += " The stylesheet sets no fixed font sizes or colours, so reader settings apply."
    if evaluation.conforms:
        return text + f" citekit's automated checks find it meets {CONFORMANCE}."
    return text + " No conformance is claimed: " + "; ".join(dict.fromkeys(evaluation.failures)) + "."


# --------------------------------------------------------------------------------------------
# Package document


def package_document(document: Document, pages: Sequence[Page], language: str,
                     evaluation: Evaluation, images: Sequence[BookImage] = ()) -> bytes:
    meta, rights = document.metadata, document.rights
    package = etree.Element(f"{{{OPF_NS}}}package", nsmap={None: OPF_NS},  # type: ignore[dict-item]
                            attrib={"version": "3.0", "unique-identifier": "pub-id"})
    package.set(XML_LANG, language)
    metadata = etree.SubElement(package, f"{{{OPF_NS}}}metadata", nsmap={"dc": DC_NS})

    def dc(name: str, text: str, **attributes: str) -> etree._Element:
        element = etree.SubElement(metadata, f"{{{DC_NS}}}{name}")
        element.text = text
        for key, value in attributes.items():
            element.set(key, value)
        return element

    def meta_property(prop: str, text: str, refines: str | None = None, **attributes: str) -> None:
        element = etree.SubElement(metadata, f"{{{OPF_NS}}}meta", property=prop)
        if refines:
            element.set("refines", refines)
        for key, value in attributes.items():
            element.set(key, value)
        element.text = text

    dc("identifier", identifier(document), id="pub-id")
    dc("title", one_line(display_title(document).value) or "—")
    for number, author in enumerate(meta.authors, start=1):
        name = one_line(author.name) or one_line(author.literal)
        if not name:
            continue
        dc("creator", name, id=f"creator-{number}")
        meta_property("file-as", one_line(inverted_name(author)) or name, refines=f"#creator-{number}")
        meta_property("role", "aut", refines=f"#creator-{number}", scheme="marc:relators")
    date = parse_date(meta.date)
    if date is not None:
        dc("date", date.iso())
    dc("language", language)
    publisher = one_line(meta.publisher) or one_line(meta.site)
    if publisher:
        dc("publisher", publisher)
    if one_line(meta.subtitle):
        dc("description", one_line(meta.subtitle))
    rights_text = one_line(rights_summary(document))
    if rights_text:
        dc("rights", rights_text)
    source = external_href(meta.url) or external_href(rights.source_url) or one_line(rights.source)
    if source:
        dc("source", source)
    keywords = meta.keywords or tuple(t for group in meta.keyword_groups for t in group.terms)
    for keyword in dict.fromkeys(one_line(k) for k in keywords):
        if keyword:
            dc("subject", keyword)
    meta_property("dcterms:modified", modified(document).strftime("%Y-%m-%dT%H:%M:%SZ"))

    meta_property("schema:accessMode", "textual")
    if evaluation.images:
        meta_property("schema:accessMode", "visual")
        meta_property("schema:accessModeSufficient", "textual,visual")
    if not evaluation.undescribed_images:
        # Text alone suffices when every image has a text alternative (checked, not assumed).
        meta_property("schema:accessModeSufficient", "textual")
    features = ["structuralNavigation", "tableOfContents", "readingOrder"]
    if evaluation.images and not evaluation.undescribed_images:
        features.append("alternativeText")
    if evaluation.default_stylesheet:
        features.append("displayTransformability")
    for feature in features:
        meta_property("schema:accessibilityFeature", feature)
    # Hazards come from media and animation; a user stylesheet could add animation.
    meta_property("schema:accessibilityHazard", "none" if evaluation.default_stylesheet else "unknown")
    meta_property("schema:accessibilitySummary", _summary(evaluation), **{XML_LANG: "en"})
    if evaluation.conforms:
        meta_property("dcterms:conformsTo", CONFORMANCE)
        meta_property("a11y:certifiedBy", "citekit (automated checks)")

    manifest = etree.SubElement(package, f"{{{OPF_NS}}}manifest")
    etree.SubElement(manifest, f"{{{OPF_NS}}}item", id="nav", href="nav.xhtml",
                     attrib={"media-type": "application/xhtml+xml", "properties": "nav"})
    for page in pages:
        etree.SubElement(manifest, f"{{{OPF_NS}}}item", id=page.name.removesuffix(".xhtml"), href=page.name,
                         attrib={"media-type": "application/xhtml+xml"})
    etree.SubElement(manifest, f"{{{OPF_NS}}}item", id="css", href="styles/epub.css",
                     attrib={"media-type": "text/css"})
    for number, image in enumerate(images, start=1):
        etree.SubElement(manifest, f"{{{OPF_NS}}}item", id=f"image-{number}", href=image.name,
                         attrib={"media-type": image.media_type})
    spine = etree.SubElement(package, f"{{{OPF_NS}}}spine")
    for page in pages:
        etree.SubElement(spine, f"{{{OPF_NS}}}itemref", idref=page.name.removesuffix(".xhtml"))
    return etree.tostring(package, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def container_document() -> bytes:
    container = etree.Element(f"{{{CONTAINER_NS}}}container", nsmap={None: CONTAINER_NS},  # type: ignore[dict-item]
                              version="1.0")
    rootfiles = etree.SubElement(container, f"{{{CONTAINER_NS}}}rootfiles")
    etree.SubElement(rootfiles, f"{{{CONTAINER_NS}}}rootfile",
                     attrib={"full-path": PACKAGE_PATH, "media-type": "application/oebps-package+xml"})
    return etree.tostring(container, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def zip_container(entries: Sequence[tuple[str, bytes]], when: datetime.datetime) -> bytes:
    """The OCF zip: ``mimetype`` first and stored, then ``entries`` in the order given.

    Every entry gets the same timestamp, permissions and system so the bytes depend on the
    content alone.
    """
    stamp = (when.year, when.month, when.day, when.hour, when.minute, when.second)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data, method in [("mimetype", b"application/epub+zip", zipfile.ZIP_STORED),
                                   *((n, d, zipfile.ZIP_DEFLATED) for n, d in entries)]:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = method
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            archive.writestr(info, data, compresslevel=9 if method == zipfile.ZIP_DEFLATED else None)
    return buffer.getvalue()
