"""Values every writer needs and the article may not print, each derived in one place.

One rule, one home: a date is read by :mod:`.dates`, a language tag checked by :mod:`.language`,
"is this author a person" answered by :mod:`.names`, the copyright line and source line built by
:mod:`.rights`, the words a publication adds chosen by :mod:`.labels`; the display title and the
citation keys live in :mod:`.titles` and :mod:`.keys`. Writers import them from here, so the PDF,
the EPUB, JATS and the bibliographic formats give one answer for one document. Nothing here parses
article text: it reads the model only.
"""

from citekit.derive.dates import FIXED_EPOCH, PartialDate, date_parts, parse_date, reader_date, timestamp, year_of
from citekit.derive.keys import ascii_fold, citation_key_base, unique_keys
from citekit.derive.labels import LABELS, Labels, has_labels, join_names, labels_for
from citekit.derive.language import babel_locale, language_tag, primary_language
from citekit.derive.names import inverted_name, is_person, whole_name
from citekit.derive.rights import (
    copyright_year,
    licence_line,
    rights_line,
    rights_summary,
    same_address,
    sentences,
    source_line,
    source_url,
)
from citekit.derive.titles import DISPLAY_TITLE_WORDS, Derived, display_title

__all__ = [
    "DISPLAY_TITLE_WORDS",
    "FIXED_EPOCH",
    "LABELS",
    "Derived",
    "Labels",
    "PartialDate",
    "ascii_fold",
    "babel_locale",
    "citation_key_base",
    "copyright_year",
    "date_parts",
    "display_title",
    "has_labels",
    "inverted_name",
    "is_person",
    "join_names",
    "labels_for",
    "language_tag",
    "licence_line",
    "parse_date",
    "primary_language",
    "reader_date",
    "rights_line",
    "rights_summary",
    "same_address",
    "sentences",
    "source_line",
    "source_url",
    "timestamp",
    "unique_keys",
    "whole_name",
    "year_of",
]
