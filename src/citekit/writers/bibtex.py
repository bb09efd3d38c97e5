"""The BibLaTeX (``@online``) and BibTeX (``@misc``) writers.

Encoding rules, the same for both formats (the round-trip test in ``tests/test_bibtex.py``
decodes by exactly these rules):

- Every value is enclosed in braces. LaTeX's special characters are escaped: ``& % $ # _`` as
  ``\\&`` and so on; ``~ ^ \\ < >`` and the braces as text commands followed by ``{}``
  (``\\textasciitilde{}``, ``\\textbraceleft{}``…). Braces are not escaped as ``\\{``/``\\}``:
  BibTeX and biber count those as braces too, so a lone ``}`` in a title would end the field.
- In titles every word holding a capital is brace-protected (``{Trump-Putin}``), so that
  styles that sentence-case titles keep the casing the site printed: we cannot tell proper
  nouns from headline capitals, and lowercasing a proper noun is the worse error.
- Non-ASCII characters stay as UTF-8: biber and LaTeX (UTF-8 by default since 2018) read them,
  and converting them to accent macros loses scripts that have no macros (Ελληνικά, Русский).
- Runs of whitespace become one space: a blank line inside a field would be a paragraph break.
- URLs are verbatim (biblatex ``url``, BibTeX ``\\url{…}``); only the characters that would
  break the .bib syntax (braces, backslash, whitespace) are percent-encoded.

Which fields (``tests/test_bibtex.py`` prints every entry with LaTeX and the standard styles;
``tests/test_readback.py`` holds them against Zotero's import mapping and citation.js). Each entry
prints, in the format's own styles, the reference ``citekit cite`` gives: authors, title, site,
date, URL, and nothing about rights. What those styles do not print, other readers still find in
fields the styles skip:

- Rights go in ``copyright`` (the copyright line, licence and source line), the field Zotero's
  BibTeX import reads as Rights and its BibTeX export writes. No standard style prints it: bibtex
  styles ignore fields they do not declare, and biber drops fields outside biblatex's data model.
- The site: BibLaTeX prints ``titleaddon`` after the title (Zotero's own BibLaTeX export puts a
  Website Title there) and repeats it in ``booktitle``, which the @online driver does not print
  and which citation.js reads as ``container-title`` and Zotero as Website Title. BibTeX prints
  the site in ``note`` and repeats it in ``publisher``, which @misc does not print and which
  citation.js (@misc is a CSL ``document``) and Zotero (@misc is a Book) read as the publisher.
- A web page's publisher organisation is not in its reference (see
  :mod:`citekit.writers.csl_json`), and every .bib field that could hold it is either printed by
  the styles or read as the publisher by citation.js: it is left out, with a diagnostic. With no
  site, the publisher is the name printed (``organization``, ``note``).
- BibTeX has only ``year`` and ``month``; ``date`` (unprinted) keeps the day for Zotero and
  citation.js, and ``url`` (unprinted by the standard styles) the address beside ``howpublished``.

``biber --validate-datamodel`` names the two deliberate fields outside @online's data model
(``booktitle``, ``copyright``); biber and biblatex otherwise ignore them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import IO

from citekit.derive import (
    citation_key_base,
    display_title,
    is_person,
    labels_for,
    parse_date,
    primary_language,
    reader_date,
    rights_summary,
    sentences,
    source_line,
    unique_keys,
)
from citekit.model import CONTROL_CHARACTERS, Author, Document
from citekit.writers import Diagnostic, Writer, WriterOptions
from citekit.writers.csl_json import (
    article_url,
    collection_diagnostics,
    keywords,
    reference_source,
    title_with_subtitle,
    unnamed_publisher,
)

# Characters LaTeX treats specially in running text, and what stands for each.
_LATEX_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    # In LaTeX's default OT1 font encoding "<" and ">" print as "¡" and "¿".
    "<": r"\textless{}",
    ">": r"\textgreater{}",
}
_SPECIAL = re.compile("[" + re.escape("".join(_LATEX_ESCAPES)) + "]")
_CONTROL = re.compile(f"[{re.escape(CONTROL_CHARACTERS)}]")
_URL_UNSAFE = re.compile(r"[{}\\\s]")

# BibTeX's month macros: `month = jan` prints in the style's language; `{jan}` would print "jan".
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")

# biblatex's langid wants babel/polyglossia names; BCP 47 primary subtags map to them.
_LANGIDS = {
    "en": "english", "es": "spanish", "fr": "french", "de": "ngerman", "it": "italian",
    "pt": "portuguese", "nl": "dutch", "ru": "russian", "ar": "arabic", "tr": "turkish",
    "el": "greek", "pl": "polish", "sv": "swedish", "da": "danish", "fi": "finnish",
    "no": "norsk", "nb": "norsk", "nn": "nynorsk", "cs": "czech", "uk": "ukrainian",
    "he": "hebrew", "ca": "catalan", "hu": "magyar", "ro": "romanian",
}


def clean(text: str) -> str:
    """``text`` on one line: control characters dropped, whitespace runs made one space."""
    return " ".join(_CONTROL.sub("", text).split())


def latex_escape(text: str) -> str:
    """``text`` with LaTeX's special characters escaped (see the module docstring)."""
    return _SPECIAL.sub(lambda m: _LATEX_ESCAPES[m.group()], clean(text))


def protect_title(text: str) -> str:
    """Escape ``text`` and brace the letters of every word that holds a capital (``{US}-{Russia}?``)."""
    return " ".join(_protect_word(word) for word in clean(text).split(" "))


def _protect_word(word: str) -> str:
    """Brace the span from the first to the last letter or digit; punctuation stays outside.

    The span starts with a letter or digit, never with a backslash: BibTeX would take a
    brace group opening with a command for a "special character" and change its case.
    """
    if not any(c.isupper() for c in word):
        return latex_escape(word)
    start = next(i for i, c in enumerate(word) if c.isalnum())
    end = max(i for i, c in enumerate(word) if c.isalnum()) + 1
    head, core, tail = word[:start], word[start:end], word[end:]
    return f"{latex_escape(head)}{{{latex_escape(core)}}}{latex_escape(tail)}"


def url_text(url: str) -> str:
    """``url`` as a verbatim .bib value: percent-encode what would break the .bib syntax."""
    return _URL_UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode("utf-8")), url.strip())


def _name_part(text: str) -> str:
    escaped = latex_escape(text)
    # A comma or a free-standing "and" would split the name or the name list.
    if "," in text or re.search(r"\band\b", text, re.IGNORECASE):
        return f"{{{escaped}}}"
    return escaped


def name(author: Author) -> str:
    """``Family, Given`` for a person; ``{Organisation}`` kept whole for anything else."""
    if is_person(author) and author.family:
        family = _name_part(author.family)
        return f"{family}, {_name_part(author.given)}" if author.given else family
    return f"{{{latex_escape(author.literal or author.name)}}}"


def keyword_list(terms: Sequence[str]) -> str:
    """Comma-separated keywords; biber splits on every comma, so one inside a term becomes ";"."""
    return ", ".join(latex_escape(t.replace(",", ";")) for t in terms)


def _braced(value: str) -> str:
    return f"{{{value}}}"


def _rights(document: Document) -> list[tuple[str, str]]:
    """``copyright``: the copyright line, licence and source line, a field no standard style prints."""
    text = sentences(rights_summary(document), source_line(document))
    return [("copyright", _braced(latex_escape(text)))] if text else []


def _names(document: Document) -> tuple[str | None, str | None]:
    """(site, publisher the reference shows): the names of a web page's reference."""
    return reference_source(document, "webpage")


def biblatex_fields(document: Document) -> list[tuple[str, str]]:
    """The fields of the ``@online`` entry, each value in its final .bib form (braces included)."""
    meta = document.metadata
    fields: list[tuple[str, str]] = []
    if meta.authors:
        fields.append(("author", _braced(" and ".join(name(a) for a in meta.authors))))
    fields.append(("title", _braced(protect_title(display_title(document).value))))
    if meta.subtitle:
        fields.append(("subtitle", _braced(protect_title(meta.subtitle))))
    site, shown = _names(document)
    if site:
        fields += [("titleaddon", _braced(latex_escape(site))), ("booktitle", _braced(latex_escape(site)))]
    if shown:
        fields.append(("organization", _braced(f"{{{latex_escape(shown)}}}")))
    date = parse_date(meta.date)
    if date is not None:
        fields.append(("date", _braced(date.iso())))
    url = article_url(document)
    if url:
        fields.append(("url", _braced(url_text(url))))
    accessed = parse_date(meta.accessed)
    if accessed is not None:
        fields.append(("urldate", _braced(accessed.iso())))
    langid = _LANGIDS.get(primary_language(meta.language) or "")
    if langid:
        fields.append(("langid", _braced(langid)))
    terms = keywords(document)
    if terms:
        fields.append(("keywords", _braced(keyword_list(terms))))
    return fields + _rights(document)


def bibtex_fields(document: Document) -> list[tuple[str, str]]:
    """The fields of the ``@misc`` entry, each value in its final .bib form (``month`` is a macro)."""
    meta = document.metadata
    fields: list[tuple[str, str]] = []
    site, shown = _names(document)
    if meta.authors:
        fields.append(("author", _braced(" and ".join(name(a) for a in meta.authors))))
    else:
        # Classic styles sort an entry without author by its `key` field (and warn without one).
        sort_name = site or shown or display_title(document).value
        fields.append(("key", _braced(latex_escape(sort_name))))
    title = title_with_subtitle(display_title(document).value, meta.subtitle)
    fields.append(("title", _braced(protect_title(title))))
    url = article_url(document)
    if url:
        fields.append(("howpublished", _braced(f"\\url{{{url_text(url)}}}")))
    date = parse_date(meta.date)
    if date is not None:
        fields.append(("year", _braced(str(date.year))))
        if date.month is not None:
            fields.append(("month", _MONTHS[date.month - 1]))
    accessed = parse_date(meta.accessed)
    accessed_text = None
    if accessed is not None:
        accessed_text = labels_for(meta.language).accessed.format(date=reader_date(accessed, meta.language))
    # @misc has no field for the site or the access date that the standard styles print: `note` does.
    note = sentences(site or shown or "", accessed_text or "")
    if note:
        fields.append(("note", _braced(latex_escape(note))))
    # Unprinted by the standard styles; read by Zotero and citation.js (see the module docstring).
    if url:
        fields.append(("url", _braced(url_text(url))))
    if date is not None:
        fields.append(("date", _braced(date.iso())))
    if site or shown:
        fields.append(("publisher", _braced(latex_escape(site or shown or ""))))
    terms = keywords(document)
    if terms:
        fields.append(("keywords", _braced(keyword_list(terms))))
    return fields + _rights(document)


def render(entry_type: str, entries: Sequence[tuple[str, list[tuple[str, str]]]]) -> str:
    """The .bib text of ``entries`` (key, fields) through bibtexparser's writer."""
    from bibtexparser.entrypoint import write_string
    from bibtexparser.library import Library
    from bibtexparser.model import Entry, Field
    from bibtexparser.writer import BibtexFormat

    library = Library()
    for key, fields in entries:
        library.add(Entry(entry_type, key, [Field(k, v) for k, v in fields]))
    bib_format = BibtexFormat()  # type: ignore[no-untyped-call]
    bib_format.indent = "  "
    bib_format.block_separator = "\n"
    # The values come enclosed; an empty middleware stack writes them exactly as given.
    return str(write_string(library, unparse_stack=[], bibtex_format=bib_format))


def _diagnostics(documents: Sequence[Document], what: str) -> list[Diagnostic]:
    out = collection_diagnostics(documents)
    for document in documents:
        name = document.provenance.source_name or "document"
        prefix = f"{name}: " if len(documents) > 1 else ""
        if not document.metadata.authors:
            out.append(Diagnostic(field="metadata.authors",
                                  message=f"{prefix}no author; {what} sorts by title"))
        if parse_date(document.metadata.date) is None:
            out.append(Diagnostic(field="metadata.date",
                                  message=f"{prefix}no ISO publication date; date left out"))
        publisher = unnamed_publisher(document, "webpage")
        if publisher:
            out.append(Diagnostic(field="metadata.publisher",
                                  message=f"{prefix}publisher {publisher!r} left out: a web page's reference "
                                          "names its site, and every field that would keep it is printed"))
    return out


def _write_entries(documents: Sequence[Document], stream: IO[bytes], biblatex: bool) -> Sequence[Diagnostic]:
    keys = unique_keys([citation_key_base(d) for d in documents])
    if biblatex:
        text = render("online", [(k, biblatex_fields(d)) for k, d in zip(keys, documents, strict=True)])
    else:
        text = render("misc", [(k, bibtex_fields(d)) for k, d in zip(keys, documents, strict=True)])
    stream.write(text.encode("utf-8"))
    return _diagnostics(documents, "biblatex" if biblatex else "bibtex")


def write_biblatex(document: Document, stream: IO[bytes], options: WriterOptions) -> Sequence[Diagnostic]:
    return _write_entries([document], stream, biblatex=True)


def write_biblatex_collection(documents: Sequence[Document], stream: IO[bytes],
                              options: WriterOptions) -> Sequence[Diagnostic]:
    return _write_entries(documents, stream, biblatex=True)


def write_bibtex(document: Document, stream: IO[bytes], options: WriterOptions) -> Sequence[Diagnostic]:
    return _write_entries([document], stream, biblatex=False)


def write_bibtex_collection(documents: Sequence[Document], stream: IO[bytes],
                            options: WriterOptions) -> Sequence[Diagnostic]:
    return _write_entries(documents, stream, biblatex=False)


BIBLATEX = Writer(
    name="biblatex",
    suffix=".bib",
    media_type="application/x-bibtex",
    binary=False,
    description="BibLaTeX @online entries (biber), UTF-8",
    write=write_biblatex,
    write_collection=write_biblatex_collection,
)

BIBTEX = Writer(
    name="bibtex",
    suffix=".bibtex.bib",
    media_type="application/x-bibtex",
    binary=False,
    description="BibTeX @misc entries with \\url (classic bibtex, natbib), UTF-8",
    write=write_bibtex,
    write_collection=write_bibtex_collection,
)
