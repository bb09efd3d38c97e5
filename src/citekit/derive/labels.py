"""The words citekit adds to a publication (section names, run-in labels), in the document's language.

One table serves the PDF and the EPUB (and any later writer), so a Spanish article says "Por" and
"Fuente y derechos" in both. Languages without a row get the English labels; callers that can mark
a language (EPUB's ``lang``) mark them as English. Dates and lists of names are not in the table:
they come from CLDR through Babel (:mod:`citekit.derive.dates`, :func:`join_names`), which knows
far more languages than this table.
"""

from __future__ import annotations

from dataclasses import dataclass

from citekit.derive.language import babel_locale, primary_language
from citekit.model import NoticeKind


@dataclass(frozen=True, slots=True, kw_only=True)
class Labels:
    """Section names and run-in labels in one language."""

    lang: str
    """The language of the labels (a BCP 47 primary subtag)."""
    by: str
    """Byline, ``{names}`` replaced: "By {names}"."""
    contents: str
    landmarks: str
    title_page: str
    about_author: str
    about_authors: str
    notes: str
    links: str
    """Heading of the related-links back matter."""
    keywords: str
    colophon: str
    """Heading of the rights section ("Source and rights")."""
    source: str
    article_url: str
    accessed: str
    """``{date}`` replaced: "Accessed {date}"."""
    licence: str
    publisher: str
    contact: str
    notices: dict[NoticeKind, str]
    """The run-in label of each kind of notice."""
    page: str
    """Footer, ``{number}`` and ``{total}`` replaced: "page {number} of {total}"."""
    link_to: str
    """A link's description when its text says nothing (JATS ``xlink:title``): "Link to {where}"."""
    original_source: str
    """The description of the link to the article's original source."""
    nothing_printed: str
    supplied_title: str
    footnotes: str
    """Heading of the notes a writer collects from the text's note references."""
    image_not_included: str
    """Said where an image cannot be shown (the input gives only its address)."""


LABELS: dict[str, Labels] = {
    "en": Labels(
        lang="en", by="By {names}", contents="Contents", landmarks="Guide", title_page="Title page",
        about_author="About the author", about_authors="About the authors", notes="Notes",
        links="Related links", keywords="Keywords", colophon="Source and rights", source="Source",
        article_url="Article URL", accessed="Accessed {date}", licence="Licence", publisher="Publisher",
        contact="Contact",
        notices={"disclaimer": "Disclaimer", "permission": "Permission", "fair-use": "Fair use",
                 "contact": "Contact"},
        page="page {number} of {total}",
        link_to="Link to {where}", original_source="Original source of this article",
        nothing_printed="The article prints no copyright statement, licence or source.",
        supplied_title="The article prints no title; the title shown was supplied by citekit.",
        footnotes="Footnotes", image_not_included="Image not included",
    ),
    "es": Labels(
        lang="es", by="Por {names}", contents="Índice", landmarks="Guía", title_page="Portada",
        about_author="Sobre el autor", about_authors="Sobre los autores", notes="Notas",
        links="Enlaces relacionados", keywords="Palabras clave", colophon="Fuente y derechos",
        source="Fuente", article_url="URL del artículo", accessed="Consultado el {date}",
        licence="Licencia", publisher="Editorial", contact="Contacto",
        notices={"disclaimer": "Aviso legal", "permission": "Permiso", "fair-use": "Uso legítimo",
                 "contact": "Contacto"},
        page="página {number} de {total}",
        link_to="Enlace a {where}", original_source="Fuente original de este artículo",
        nothing_printed="El artículo no indica derechos de autor, licencia ni fuente.",
        supplied_title="El artículo no tiene título; el título mostrado lo ha añadido citekit.",
        footnotes="Notas al pie", image_not_included="Imagen no incluida",
    ),
    "pt": Labels(
        lang="pt", by="Por {names}", contents="Sumário", landmarks="Guia", title_page="Página de rosto",
        about_author="Sobre o autor", about_authors="Sobre os autores", notes="Notas",
        links="Links relacionados", keywords="Palavras-chave", colophon="Fonte e direitos",
        source="Fonte", article_url="URL do artigo", accessed="Acesso em {date}", licence="Licença",
        publisher="Editora", contact="Contato",
        notices={"disclaimer": "Aviso legal", "permission": "Permissão", "fair-use": "Uso legítimo",
                 "contact": "Contato"},
        page="página {number} de {total}",
        link_to="Link para {where}", original_source="Fonte original deste artigo",
        nothing_printed="O artigo não indica direitos autorais, licença nem fonte.",
        supplied_title="O artigo não tem título; o título mostrado foi fornecido pelo citekit.",
        footnotes="Notas de rodapé", image_not_included="Imagem não incluída",
    ),
    "fr": Labels(
        lang="fr", by="Par {names}", contents="Table des matières", landmarks="Repères",
        title_page="Page de titre", about_author="À propos de l’auteur", about_authors="À propos des auteurs",
        notes="Notes", links="Liens connexes", keywords="Mots-clés", colophon="Source et droits",
        source="Source", article_url="URL de l’article", accessed="Consulté le {date}", licence="Licence",
        publisher="Éditeur", contact="Contact",
        notices={"disclaimer": "Avertissement", "permission": "Autorisation", "fair-use": "Usage loyal",
                 "contact": "Contact"},
        page="page {number} sur {total}",
        link_to="Lien vers {where}", original_source="Source originale de cet article",
        nothing_printed="L’article n’indique ni droits d’auteur, ni licence, ni source.",
        supplied_title="L’article n’a pas de titre ; le titre affiché a été fourni par citekit.",
        footnotes="Notes de bas de page", image_not_included="Image non incluse",
    ),
    "de": Labels(
        lang="de", by="Von {names}", contents="Inhalt", landmarks="Orientierung", title_page="Titelseite",
        about_author="Über den Autor", about_authors="Über die Autoren", notes="Anmerkungen",
        links="Weiterführende Links", keywords="Schlagwörter", colophon="Quelle und Rechte",
        source="Quelle", article_url="URL des Artikels", accessed="Abgerufen am {date}", licence="Lizenz",
        publisher="Herausgeber", contact="Kontakt",
        notices={"disclaimer": "Haftungsausschluss", "permission": "Genehmigung", "fair-use": "Fair Use",
                 "contact": "Kontakt"},
        page="Seite {number} von {total}",
        link_to="Link zu {where}", original_source="Originalquelle dieses Artikels",
        nothing_printed="Der Artikel nennt weder Urheberrecht noch Lizenz noch Quelle.",
        supplied_title="Der Artikel hat keinen Titel; der angezeigte Titel wurde von citekit ergänzt.",
        footnotes="Fußnoten", image_not_included="Bild nicht enthalten",
    ),
}
"""Labels by primary language subtag. Add a language by adding a row (tests check every row is complete)."""


def labels_for(language: str | None) -> Labels:
    """The labels in ``language`` when the table has them, else English."""
    return LABELS.get(primary_language(language) or "", LABELS["en"])


def has_labels(language: str | None) -> bool:
    """True when the table has labels in ``language``."""
    return (primary_language(language) or "") in LABELS


def join_names(names: list[str], language: str | None) -> str:
    """``A``, ``A and B``, ``A, B, and C``, as CLDR joins a list in ``language`` ("A, B y C")."""
    if len(names) <= 1:
        return "".join(names)
    from babel.lists import format_list

    return str(format_list(names, style="standard", locale=babel_locale(language)))
