"""End matter: source attribution, rights, notices, bios, notes, captions and credits.

A row names the line's kind; the stages read its named groups ("site" names the original outlet,
"url" the original URL, "name" an author). Rows that can match anywhere in a line are written so
that they read a line once: a search that must find two phrases in order starts at the line's
start and stops at the first of the first phrase (``^(?>.*?X)``), so a phrase repeated a thousand
times costs a thousand steps, not a million.
"""

from __future__ import annotations

import re

from citekit.normalise.rules import Rule, row

_NAME = r"[A-ZÀ-Þ][\w.'’À-ɏ]+(?: [A-Z]\.)?(?: (?:(?:van|von|de|del|da|dos|di|al|el|bin) )?[A-ZÀ-Þ][\w'’À-ɏ]+(?:-[A-ZÀ-Þ][\w'’À-ɏ]+)?){1,2}"
"""A person's name as bios open with it: "Stephen Lendman", "Jack D. Douglas", "Frank Lüdecke"."""
_PROFESSIONS = (r"(?:director|directora|profesor|profesora|investigador|investigadora|periodista|escritor|escritora|"
                r"autor|autora|jornalista|professora?|pesquisadora?|chef|journalistin|journalist|korrespondentin|"
                r"korrespondent|redakteurin|redakteur|mitglied|kolumnist|kolumnistin|écrivain|journaliste)\b")

SOURCES: tuple[Rule, ...] = (
    row("source.original-source", "source", r"^the original source of this (?:article|post) is (?P<site>.+?)\.?$",
        "'The original source of this article is Global Research'.", origins={"globalresearch"}),
    row("source.appeared-first", "source", r"^the post .+ appeared first on (?P<site>.+?)\.?$",
        "WordPress feeds: 'The post X appeared first on Universe Today.'", origins={"beforeitsnews", "genre"}),
    row("source.originally-published", "source",
        r"^(?:\*?(?:this|the) (?:article|post|story|piece|column|essay|report) (?:was |is |has been )?(?:first |originally )?|first |originally )"
        r"(?:published|appeared|ran|posted)(?: originally)? (?:on|at|in|by) (?P<site>[^.(]{2,80}?)(?:\s*\(?(?P<url>https?://\S+?)\)?)?(?:[.,;:]\s.*|\.)?$",
        "'This article was originally published on The Conversation. Read the original article.', "
        "'Originally published at X', 'First published in X'.", origins={"beforeitsnews", "genre"}),
    row("source.published-in", "source",
        r"^\*?(?:este|esta|la|el|o|a) (?:art[ií]culo|nota|noticia|texto|mat[ée]ria|reportaje|columna) "
        r"(?:fue|foi|ha sido) (?:publicad[oa]|originalmente publicad[oa]) (?:originalmente )?(?:en|em|no|na) "
        r"(?P<site>[A-ZÀ-Þ][^.,(]{1,60}?)(?= y | e |[.,(]|$)",
        "Spanish and Portuguese reposts: 'Este artículo fue publicado en The Conversation y reproducido aquí …'.",
        origins={"bbcmundo", "genre"}),
    row("source.erschien-zuerst", "source",
        r"^(?:dieser|der) (?:artikel|beitrag|text) (?:erschien|ist) (?:zuerst|erstmals|ursprünglich) (?:bei|in|auf|im) (?P<site>[^.,(]{2,60})",
        "German reposts: 'Dieser Artikel erschien zuerst bei X'.", origins={"genre"}),
    row("source.contributed-by", "source", r"^this (?:article|post) (?:has been|was) contributed by (?P<site>[^.]+)\.",
        "Reposts name the contributing site: 'This article has been contributed by SHTF Plan. Visit …'.",
        origins={"beforeitsnews", "genre"}),
    row("source.url", "source", r"^\(?(?:source|fuente|fonte|quelle|via)\s*:\s*(?P<url>https?://\S+?)\)?$",
        "'Source: https://…', 'Fuente: https://…'.", origins={"beforeitsnews", "bibliotecapleyades", "americanpoliticnews"}),
    row("source.name-in-parentheses", "source", r"^\((?:source|fuente|fonte|quelle)\s*:\s*(?P<site>[^)]{2,80})\)$",
        "'(Source: Syrian Coalition)'.", origins={"etilaf", "genre"}),
    row("source.name", "source",
        r"^(?:(?:original|article|story|recipe|news|text) )?(?:source|fuente|fonte|quelle)\s*:\s*(?P<site>[^\s:/][^:]{1,80}?)\.?$",
        "'Source: Guardian and agencies', 'Quelle: dpa', 'Recipe Source: WhiteOnRiceCouple.com.'",
        origins={"whiteonricecouple", "genre"}),
    row("source.read-it-at", "source",
        r"^read (?:it|the (?:full |original |rest of the )?(?:story|article|piece|post)|more) (?:at|on|in) (?P<site>[^.:@]{2,60}?)\.?$",
        "'Read it at New Scientist': the original outlet of a summary.", origins={"bigthink", "genre"}),
    row("source.courtesy", "source", r"^(?:courtesy (?:of )?|cortes[ií]a (?:de )?)(?P<site>[A-Z][^.]{1,60})\.?$",
        "A credit naming the outlet that lent the text: 'Courtesy of X'.", origins={"genre"}),
)
SOURCE_TEXT_STRENGTH = {"source.original-source": 3, "source.appeared-first": 3, "source.originally-published": 3,
                        "source.published-in": 3, "source.erschien-zuerst": 3, "source.url": 2,
                        "source.name-in-parentheses": 2, "source.name": 2, "source.read-it-at": 2,
                        "source.courtesy": 1, "source.contributed-by": 1}
"""Which source line states the attribution best: a named original outlet beats a bare URL."""
SOURCE_SITE_STRENGTH = {"source.original-source": 4, "source.appeared-first": 4, "source.originally-published": 4,
                        "source.published-in": 4, "source.erschien-zuerst": 4, "source.name-in-parentheses": 2,
                        "source.name": 2, "source.read-it-at": 3, "source.courtesy": 1, "source.contributed-by": 1}
"""How strongly each row names the original outlet (a byline's outlet is 3, "written by … originally
published at" 4)."""
SOURCE_SUFFIX = re.compile(r"(?<!\s)\s+(?:and|with|y|con|e|com|und|mit) (?:agencies|agencias|agências|agenturen|wires)$"
                           r"|(?<!\s)\s*\((?:with )?agencies\)$", re.I)
"""'Source: Guardian and agencies': the outlet is the Guardian."""

RIGHTS: tuple[Rule, ...] = (
    row("rights.copyright", "rights",
        r"(?:^|\s)(?:copyright(?:\s*(?:©|\(c\)|(?:19|20)\d{2})|\s+by\b)|©|\(c\)\s)|\ball rights reserved\b|^copyright\s+[A-Z]"
        r"|\b(?:todos los derechos reservados|direitos reservados|alle rechte vorbehalten|tous droits réservés)\b",
        "A copyright statement (not a mention of 'copyrighted material'): 'Copyright © X, 2017', '© 2017 X', "
        "'(c) X', 'All rights reserved', 'Direitos reservados'.", origins={"genre"}),
    row("rights.republished", "rights",
        r"^(?:re)?(?:published|posted|printed) with (?:the )?(?:kind )?permission(?: (?:of|from) (?P<from>.+?))?\.?$",
        "'Republished with permission from Bill Marler and Marler Clark.'", origins={"beforeitsnews", "genre"}),
    row("rights.license", "rights",
        r"\b(?:licensed under|creative commons|CC-BY|CC BY|public domain|GNU Free Documentation|licencia creative)\b",
        "Creative Commons and other licences.", origins={"genre"}),
)
LICENSE_URL = re.compile(r"https?://(?:www\.)?(?:creativecommons\.org|opensource\.org|gnu\.org)/\S+?(?=[)\s>\]]|\.?$)", re.I)
CORPORATE_SUFFIX = re.compile(r"^(?:inc|ltd|llc|llp|ps|p\.s|plc|gmbh|s\.a|sl|s\.l|co|corp|pty|ag|nv|bv|lp|ltda)\.?$", re.I)
"""Corporate suffixes after a comma keep the holder whole: "Marler Clark LLP, PS", "Ediciones El País, SL"."""

NOTICES: tuple[Rule, ...] = (
    row("notice.disclaimer", "disclaimer",
        r"^(?:disclaimer|haftungsausschluss|aviso legal)\s*:|\bwill not be (?:held )?responsible\b|^(?>.*?\bviews (?:expressed|and opinions)\b).*\b(?:author|own)\b"
        r"|\bsole responsibility\b|\blas opiniones (?:expresadas|vertidas)\b",
        "'Disclaimer: The contents of this article are of sole responsibility of the author(s).'",
        origins={"globalresearch", "genre"}),
    row("notice.permission", "permission",
        r"\bgrants? permission\b|\bpermission to (?:re)?(?:post|publish|print|cross-post)\b|^for publication of\b"
        r"|\bwithout (?:prior |written |express )?permission\b|\bdo not (?:use|copy|republish) (?:our|this|these)\b",
        "Conditions of reuse: '… grants permission to cross-post …', 'Please do not use our images without prior permission'.",
        origins={"globalresearch", "whiteonricecouple"}),
    row("notice.fair-use", "fair-use", r"\bfair use\b|\bcopyrighted material\b",
        "Fair-use notices: '… under the provisions of \"fair use\" …'.", origins={"globalresearch", "genre"}),
    row("notice.contact", "contact",
        r"^(?:for media inquiries|media contact|press contact|media inquiries|contact us|pressekontakt|contacto de prensa)\b",
        "'For media inquiries: …'.", origins={"globalresearch", "genre"}),
)
NOTICE_ORGANISATION = re.compile(
    r"\b(?:The )?(?P<org>(?:Centre|Center|Institute|Foundation|Council|Association|Society|Trust|Network)"
    r"(?: (?:for|of|on|and|the|[A-Z][\w-]+)){1,8}?)(?= will| grants| is| does| reserves|[.,])")
"""The organisation named in a notice: 'The Centre for Research on Globalization will not be …'."""

BIO_SENTENCE = re.compile(
    rf"^(?:(?P<org>(?:[A-Z][\w-]+ ){{0,2}}?)(?i:(?:senior |contributing |staff |guest )?(?:contributor|writer|editor|reporter|"
    rf"columnist|correspondent|journalist|kabarettist|autor|autora|periodista|jornalista)) )?"
    rf"(?P<name>{_NAME})(?: \([^()]{{1,60}}\))? (?:lives in|is an? |is the |has been |was raised|writes |blogs |holds |"
    rf"is author|is a graduate|is editor|is founder|works |"
    rf"(?:es|é|ist|est) (?:(?:un|una|el|la|um|uma|o|a|ein|eine|der|die|le|une) )?(?:[A-ZÁÉÍÓÚ]|{_PROFESSIONS}))")
"""An author bio: 'Stephen Lendman lives in Chicago.', 'John Kinnear es Director de …',
'Hypebot Senior Contributor Clyde Smith (Twitter/App.net) blogs about …' (whose role names the outlet)."""


def may_open_bio(text: str) -> bool:
    """False when ``text`` cannot match BIO_SENTENCE, which opens with a capitalised word and has a
    capitalised word after it: two character tests spare most paragraphs the regex."""
    second_word = text.find(" ") + 1
    return text[:1].isupper() and text[second_word:second_word + 1].isupper()


BACK_MATTER: tuple[Rule, ...] = (
    row("back.bio-label", "bio-label",
        r"^(?:(?i:about the authors?|über den autor|über die autorin|sobre el autor|sobre o autor|sobre la autora):?"
        r"|(?i:about) (?P<name>[A-Z][\w'’-]+(?: [A-Z][\w'’-]+){1,2})|(?i:author bio|biography|biografía):?)$",
        "Labels that introduce a bio: 'About the author:', 'About Anatoly Karlin'.",
        origins={"globalresearch", "unz", "genre"}, flags=0),
    row("back.editor-note", "editor-note",
        r"^(?:editor['’]?s? (?:note|comment)|[A-Z][a-z]+ comment|note from the editor|ed\.? note|nota del editor|nota da redação|anmerkung der redaktion)\s*:",
        "Editor's notes, before or after the body: 'Editor’s Comment: …', 'Makow comment: …'.",
        origins={"beforeitsnews", "genre"}),
    row("back.notes-label", "notes-label",
        r"^(?i:(?=[A-Z])(?:notes|references|footnotes|sources|further reading|for more information see|more information|"
        r"video source|notas|fuentes|referencias|referências|bibliografía|bibliography|quellen|anmerkungen|fußnoten|"
        r"endnotes|works cited))(?:\s*:(?P<rest>.*)|$)",
        "Headers of reference and link lists: 'NOTES', 'Further Reading: ESO, MNRAS', 'Fuentes', 'Referencias'.",
        origins={"bibliotecapleyades", "beforeitsnews", "genre"}, flags=0),
    row("back.reference-line", "reference", r"^see\s[^.]{5,200},\s*[\w-]+\.(?:com|org|net|gov|edu)\b",
        "Reference-like lines: 'See Prosecutors proceed …, TakingInIssues.com, January 18, 2018.'", origins={"vdare"}),
    row("back.citation-marks", "reference", r"\bet al\.|\b(?:19|20)\d{2};\s?\d+|\bdoi:|\bAccessed \d|\bRetrieved from\b",
        "Citation marks: 'et al.', '2017;59', 'doi:'. Two in one line make it a reference.",
        origins={"beforeitsnews", "genre"}),
    row("back.acknowledgement", "acknowledgement",
        r"^(?:the authors? (?:acknowledge[sd]?|thank(?:s|ed)?)\b|acknowledg(?:e)?ments?:?$|agradecimientos:?$|danksagung:?$)",
        "'The authors acknowledge …', 'Acknowledgements'.", origins={"beforeitsnews", "genre"}),
    row("back.caption", "caption",
        r"^(?:\((?:screenshot|photo|image|video|credit|getty|afp|reuters|foto|bild|imagen)\b[^)]*\)"
        r"|(?:photo|image|picture|video|foto|bild|imagen|imagem|fotos|photos|images)\s?(?:credit)?s?\s*:"
        r"|(?:photo|image)\s+(?:by|via|from|courtesy)\b|credit:"
        r"|(?:featured|header|top|lead|main|cover|listing|hero)\s+(?:image|photo|picture|img)\b"
        r"|(?:image|photo|picture) (?:source|credit)\b)",
        "Captions and media credits: 'Photo Credit: …', '(Screenshot: YouTube) …', 'Featured image via X', "
        "'Listing image by X', 'Foto: dpa'.",
        origins={"alternet", "christianpost", "addictinginfo", "arstechnica", "winningdemocrats", "liberalamerica"}),
    row("back.image-credit", "caption", r"^(?>.{0,160}?\b(?:getty images|shutterstock|wikimedia commons|ap photo|reuters/|afp/|dpa)\b).{0,80}$",
        "Photo credits without a label: 'Armin Laschet, By Olaf Kosinsky [CC BY-SA 3.0 de (…)], from Wikimedia Commons'.",
        origins={"compact", "genre"}),
    row("back.translation-credit", "translation",
        r"^(?:traducci[oó]n|translated|translation|tradução|übersetzung|übersetzt) (?:de|by|por|von)\b|^/\s*tradu[çc][ãa]o de\b",
        "Translator credits on reposts: 'traducción de Adela Kaufmann', 'Translated by …' (not authors).",
        origins={"bibliotecapleyades", "estadao"}),
    row("back.hat-tip", "credit", r"^(?:h/t|hat tip|via)\b:?\s+\S.{0,80}$",
        "Hat tips and via credits closing a post: 'h/t The Right Scoop'.", origins={"chicksontheright", "genre"}),
    row("back.source-mark", "credit", r"^[\[(][A-Z][A-Za-z.&]{1,14}(?:/[A-Z][A-Za-z.&]{1,14})*[\])]$",
        "A bracketed source mark closing a post: '[USAT]', '(dpa/AFP)'.", origins={"jezebel", "genre"}, flags=0),
    row("back.sign-off", "credit", r"^\(?(?:[a-z]{2,4}|[A-Z]{2,4})(?:/[a-zA-Z]{2,4}){0,3}\)?$",
        "Editor initials signing off a news item: '(ae/ml)', 'jlb/rs'.", origins={"genre"}, flags=0),
)
