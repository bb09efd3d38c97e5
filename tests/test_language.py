"""The body's language (CLD2 through pycld2): BCP 47 tags, a longer look when unsure, no guess
rather than a wrong one."""

from __future__ import annotations

import pytest

from citekit.normalise import normalise_text
from citekit.normalise.language import MIN_CHARACTERS, SAMPLES, detect_language

SENTENCES = {
    "en": "The government announced on Tuesday that the new budget would increase spending on schools and hospitals.",
    "es": "El gobierno anunció el martes que el nuevo presupuesto aumentaría el gasto en escuelas y hospitales.",
    "fr": "Le gouvernement a annoncé mardi que le nouveau budget augmenterait les dépenses pour les écoles.",
    "de": "Die Regierung kündigte am Dienstag an, dass der neue Haushalt die Ausgaben für Schulen erhöhen werde.",
    # CLD2 says "iw", the code ISO 639 withdrew in 1989; BCP 47 says "he".
    "he": "זהו מאמר חדשות על מזג האוויר והכלכלה בישראל היום, ועל הבחירות הקרובות בכנסת ובממשלה.",
}
NAMES = "Stephen Lendman, Vladimir Putin, Donald Trump, Angela Merkel, Emmanuel Macron, Xi Jinping, " * 5


@pytest.mark.parametrize("tag", sorted(SENTENCES))
def test_language_is_a_bcp47_tag(tag: str) -> None:
    assert detect_language(SENTENCES[tag]) == tag


def test_the_normaliser_records_the_language_as_supplied() -> None:
    body = ("El ministro de Hacienda explicó ante el Congreso que los fondos llegarán a las regiones "
            "durante el próximo año, y que las cuentas se publicarán cada tres meses.")
    document = normalise_text(f"Un presupuesto nuevo\n\nPor Ana García\n\n{SENTENCES['es']} {body}\n\n{body} {body}\n")
    assert document.metadata.language == "es"
    (field,) = [f for f in document.provenance.fields if f.field == "metadata.language"]
    assert field.supplied and field.rule == "cld2"


def test_an_unsure_opening_is_judged_on_more_text() -> None:
    """A list of names opens the body: CLD2 cannot tell from 300 characters, but can from 2,000."""
    assert len(NAMES) > SAMPLES[0]
    assert detect_language(NAMES) is None
    assert detect_language(NAMES + " " + SENTENCES["en"] * 4) == "en"


@pytest.mark.parametrize("text", ["Too short.", NAMES, "2017-01-29 10:07 | 3,400 | 12.5% | $1,200 | " * 8,
                                  "https://example.org/a/b https://example.com/x/y " * 8])
def test_no_guess_when_cld2_is_unsure(text: str) -> None:
    assert detect_language(text) is None


def test_text_shorter_than_the_minimum_is_not_judged() -> None:
    assert detect_language(SENTENCES["en"][: MIN_CHARACTERS - 1]) is None


def test_characters_cld2_refuses_do_not_hide_the_language() -> None:
    """CLD2 rejects C1 controls, noncharacters and lone surrogates; they are read as spaces."""
    for odd in ("\x85", "\ufffe", "\ud800", "\U0010ffff"):
        assert detect_language(SENTENCES["fr"].replace(" ", f" {odd} ", 2)) == "fr"
