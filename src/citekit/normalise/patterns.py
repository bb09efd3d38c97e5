"""The normaliser's heuristics as data: one table per kind of line, one comment per row.

Every pattern is matched against a line's *plain* text (markdown link remnants such as
``[text](#)`` already reduced to ``text``), case-insensitively unless the row says otherwise.
Rows are general truths of scraped news and blog pages, never facts about one site.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate

from ahocorasick_rs import AhoCorasick

_I = re.IGNORECASE


def holds_any(text: str, needles: Sequence[str]) -> bool:
    """True when ``text`` holds one of ``needles`` (strings, or the characters of one string): the
    normaliser's cheap test before a regex."""
    # A loop, not any() over a generator: it runs for most lines and paragraphs.
    for needle in needles:  # noqa: SIM110
        if needle in text:
            return True
    return False


@dataclass(frozen=True, slots=True)
class Rule:
    """A named pattern; ``name`` is what provenance and ``removed[].reason`` record."""

    name: str
    pattern: re.Pattern[str]


def _rules(*rows: tuple[str, str], flags: int = _I) -> tuple[Rule, ...]:
    return tuple(Rule(name, re.compile(pattern, flags)) for name, pattern in rows)


@dataclass(frozen=True, slots=True)
class Combined:
    """All rows of a table in two regexes: the ``^``-anchored rows (tried at the start only) and
    the floating ones (searched through the line). "None of them" costs two passes, not one a row."""

    anchored: re.Pattern[str]
    floating: re.Pattern[str]

    def hits(self, text: str, *, floating: bool = True) -> bool:
        """True when a row may match; ``floating=False`` when a gate ruled the floating rows out."""
        return bool(self.anchored.match(text) or (floating and self.floating.search(text)))


_NEVER = re.compile(r"(?!)")


def combine(rules: tuple[Rule, ...]) -> Combined:
    """The table's rows joined (named groups renamed away) into a :class:`Combined`."""
    def join(patterns: list[str]) -> re.Pattern[str]:
        return re.compile("|".join(f"(?:{p})" for p in patterns), _I) if patterns else _NEVER

    bodies = [_without_group_names(rule.pattern.pattern) for rule in rules]
    anchored = [b for b in bodies if b.startswith("^") and "|" not in _top_level(b)]
    floating = [b for b in bodies if b not in anchored]
    return Combined(anchored=join(anchored), floating=join(floating))


def _without_group_names(pattern: str) -> str:
    """``pattern`` with its named groups made plain, so that several can be joined in one regex."""
    return re.sub(r"\(\?P<\w+>", "(?:", pattern)


def _top_level(pattern: str) -> str:
    """``pattern`` with its parenthesised groups removed, to see top-level alternation."""
    depth, out = 0, []
    for char in pattern:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif depth == 0:
            out.append(char)
    return "".join(out)


def first_rule(rules: tuple[Rule, ...], combined: Combined, text: str, *, floating: bool = True) -> Rule | None:
    """The first row of ``rules`` that matches ``text``; ``combined`` answers "none" cheaply."""
    if not combined.hits(text, floating=floating):
        return None
    for rule in rules:
        if rule.pattern.search(text):
            return rule
    return None


def any_at_start(*patterns: re.Pattern[str], whole: tuple[re.Pattern[str], ...] = ()) -> re.Pattern[str]:
    """One regex that matches where any of ``patterns`` matches at the start of a text (or any of
    ``whole`` matches all of it), each keeping its own case rule: a cheap "could any of these
    apply?" before trying them one by one."""
    def body(pattern: re.Pattern[str]) -> str:
        text = _without_group_names(pattern.pattern)
        return f"(?i:{text})" if pattern.flags & re.IGNORECASE else f"(?:{text})"

    alternatives = [body(p) for p in patterns] + [f"{body(p)}\\Z" for p in whole]
    return re.compile("|".join(alternatives))


# --------------------------------------------------------------------------------------------
# Boilerplate: whole lines dropped into ``removed[]`` with the row's name as the reason.

BOILERPLATE: tuple[Rule, ...] = _rules(
    # "Comment on Global Research Articles on our Facebook page", "Follow us on Twitter"
    ("social-prompt", r"^(comment on|follow us on|join us on|find us on|like us on)\b.*\b(facebook|twitter|page|telegram|instagram)\b"),
    # "LIKE and SHARE this article or leave a comment …", "Share this story"
    ("social-prompt", r"\b(like and share|share this (article|story|post|page)|leave a comment)\b"),
    # Reader polls bolted onto aggregator pages: "% of readers think this story is Fact."
    ("social-prompt", r"^%? ?of readers think this story is\b"),
    # "Facebook Link: http://…", "Google+ Link: …": where to comment or share
    ("social-prompt", r"^(facebook|google\+|twitter|blog) link:\s*\S+$"),
    # "Become a Member of Global Research", "Support our work: donate"
    ("membership", r"^(become a (member|patron|supporter)|support (us|our work|independent)|donate\b|make a donation)"),
    # "Subscribe to Canada Free Press for FREE", newsletter sign-ups
    ("newsletter", r"^(subscribe to|sign up for|get our) .{0,60}(for free|newsletter|updates|\bfree\b)"),
    ("newsletter", r"^(subscribe|sign up) (to|for) (our|the) (free )?(newsletter|mailing list)"),
    # Aggregator promos: "Headline: Bitcoin & Blockchain Searches Exceed Trump!"
    ("advert", r"^headline:\s"),
    # WordPress ad slot label and sponsored markers
    ("advert", r"^(advertisements?|sponsored( content)?|advertisement)$"),
    # "Articles by: Stephen Lendman": author archive link
    ("navigation", r"^articles by:"),
    # "Read More @ HarveyOrganBlog.com", "Read more", "Continue reading →"
    ("navigation", r"^(read more|continue reading|click here to read|read the full (article|story))\b.{0,60}$"),
    # Spanish and multilingual repost sites: "Regresar a …", "Versión original en ingles", "Spanish version"
    ("navigation", r"^(regresar a|volver a|back to)\b"),
    ("navigation", r"^(versi[oó]n (original )?en [a-zé]+|(spanish|english|italian|french|german) version)$"),
    # Related-coverage headers: "Previously, on this case, at VDARE.com:", "Related:"
    ("navigation", r"^(previously|related( (articles|stories|posts))?|see also|more on this)\b.{0,60}:$"),
    # Comment counters and category footers: "| 10 Comments »"
    ("navigation", r"^\d+ comments?\s*»?$"),
    # Site comment policies
    ("comment-policy", r"^please adhere to our commenting policy"),
)

BOILERPLATE_ANY = combine(BOILERPLATE)

# --------------------------------------------------------------------------------------------
# Bylines. Each pattern captures the names in group "names" and, optionally, an outlet in "site".

BYLINES: tuple[Rule, ...] = _rules(
    # "This article was written by Tyler Durden and originally published at Zero Hedge."
    ("written-by", r"^this (article|post|piece) was written by (?P<names>[^.]+?)(?: and (?:was )?originally published (?:at|on|by) (?P<site>[^.]+))?\.?$"),
    # "Posted on by willyloman", "Posted by Jane Doe on March 3, 2017": CMS account credit (weak)
    ("posted-by", r"^posted(?: on(?: (?P<date>[^b].*?))?)? by (?P<names>[\w.'’ -]{2,60}?)(?: on (?P<date2>.+))?$"),
    # "Author: Jane Doe"
    ("author-label", r"^(?:author|written by|autor)s?:\s*(?P<names>.{2,80})$"),
    # "By Lisa Haven", "by Harvey Organ, Harvey Organ Blog:", "by Giovani – Liveanddare.com",
    # "por Rebecca Perring 03 Julio 2016", "By X and Y", "By X, Y and Z"
    ("by", r"^(?:by|por|par|von)\s+(?P<names>.{2,120}?)\s*:?$"),
)

# A byline's name part may end in an outlet: "Harvey Organ, Harvey Organ Blog" or "Giovani – Liveanddare.com".
BYLINE_SITE_SEPARATORS = re.compile(r"\s+[–—|-]\s+|,\s+(?=[^,]*(?:\b(?:blog|news|times|post|report|ticker|magazine|journal|daily|review|\.com|\.org|\.net)\b))", _I)

# Words that, alone on a line, announce that the next line is the byline ("by" / "cescobcn").
BYLINE_ALONE = re.compile(r"^(by|por|par|von)$", _I)

# "— Joana Suleiman" closing a roundup item; "Manar al-Frieh/Manal / Hazem Sabbagh" closing wire copy.
TRAILING_CREDIT = re.compile(r"\s+[—–]\s*(?P<names>[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){1,3})\s*$")
TRAILING_SLASH_CREDIT = re.compile(
    r"(?<=[.!?\"”])\s+(?P<names>[A-Z][\w'’-]+(?:[ -][A-Za-z][\w'’-]+)*(?:\s*/\s*[A-Z][\w'’-]+(?:[ -][A-Za-z][\w'’-]+)*)+)\s*$")
# What each closing pattern cannot match without: a paragraph's tail lacking it skips the regex.
TRAILING_CREDIT_MARKS = ("—", "–")
TRAILING_SLASH_CREDIT_MARKS = ("/",)

# --------------------------------------------------------------------------------------------
# Date lines and site lines.

DATELINE_PREFIX = re.compile(
    # "Published October 2 2017", "Last updated at Jul 012016", "Wednesday 26 November 2014 10:07",
    # "7 July 2015": a date (with an optional label, weekday and time) opening a one-line text
    r"^(?:(?:published|posted|updated|last updated)(?: at| on)?:?\s+)?"
    r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?"
    r"(?P<date>\d{1,2}\s+[A-Za-z]+\.?\s+(?:19|20)\d{2}|[A-Za-z]+\.?\s+\d{1,2},?\s*(?:19|20)\d{2}|(?:19|20)\d{2}-\d{2}-\d{2})"
    r"(?:\s+\d{1,2}:\d{2}(?:\s*[ap]m)?)?\s+",
    _I,
)

# "from GlobalResearch Website", "del Sitio Web TheBostonGlobe", "from the Guardian website"
SITE_LINE = re.compile(r"^(?:from|del sitio web|de)\s+(?:the\s+)?(?P<site>.+?)(?:\s+web\s*site|\s+website)?(?:\s+(?:traducci[oó]n|translated)\b.*)?$", _I)
SITE_LINE_ALONE = re.compile(r"^(from|del sitio web|del sitio)$", _I)
# "Global Research, January 29, 2017": a site name followed by the date.
SITE_AND_DATE = re.compile(r"^(?P<site>[A-Z][\w.&'’ -]{1,60}?),\s+(?P<date>[A-Za-z]+\.? \d{1,2},? (?:19|20)\d{2}|\d{1,2} [A-Za-z]+ (?:19|20)\d{2})$")
# An outlet printed in parentheses under a byline: "(henrymakow.com)"
SITE_PAREN = re.compile(r"^\((?:www\.)?[\w-]+\.(?:com|org|net|co\.uk|info)\)$", _I)
# A site named alone on its line after "from": "GlobalResearch Website"
SITE_NAME = re.compile(r"^[A-Z][\w.&'’-]*(?: [A-Z][\w.&'’-]*){0,3} (?:Website|Web Site|website)$")
SITE_NAME_ENDINGS = ("Website", "Web Site", "website")  # how every SITE_NAME line ends
# Translator credits on reposts: "traducción de Adela Kaufmann", "Translated by …" (not authors)
TRANSLATION_CREDIT = re.compile(r"^(traducci[oó]n|translated|translation) (de|by)\b", _I)
# A leading wire credit inside the first paragraph: "(CNN)Hurricane…", "(NaturalNews) Dairy…"
WIRE_CREDIT = re.compile(r"^\((?P<site>[A-Z][A-Za-z.&' -]{1,40})\)\s*(?=[A-Z“\"])")

# --------------------------------------------------------------------------------------------
# Keywords: "Region: A, B", "Tags: …", "Filed under: A, B | 10 Comments »"

KEYWORD_LINE = re.compile(
    r"^(?P<label>region|regions|theme|themes|topic|topics|tags?|categories|category|keywords|filed under|subjects?)\s*:\s*(?P<terms>.+)$", _I)
# One-line dataset texts print "… said Tags Nusra Front al-Qaeda Aleppo. Body…" with commas stripped.
INLINE_TAGS = re.compile(r"\s+Tags\s+(?P<terms>[^.]{2,200}?)\.\s+")

# --------------------------------------------------------------------------------------------
# Source attribution. Group "site" names the original outlet, "url" the original URL.

SOURCES: tuple[Rule, ...] = _rules(
    # "The original source of this article is Global Research"
    ("original-source", r"^the original source of this (?:article|post) is (?P<site>.+?)\.?$"),
    # "The post X appeared first on Universe Today."
    ("appeared-first", r"^the post .+ appeared first on (?P<site>.+?)\.?$"),
    # "This article was originally published on/at/by X", "Originally published at X"
    ("originally-published", r"^(?:this (?:article|post|story) was )?originally (?:published|appeared) (?:on|at|in|by) (?P<site>[^.(]+?)(?:\s*\(?(?P<url>https?://\S+?)\)?)?\.?$"),
    # "This article has been contributed by SHTF Plan. Visit …": the reposting contributor
    ("contributed-by", r"^this (?:article|post) (?:has been|was) contributed by (?P<site>[^.]+)\."),
    # "Source: https://…", "> Source: https://…", "(Source: Syrian Coalition)"
    ("source-url", r"^\(?source:\s*(?P<url>https?://\S+?)\)?$"),
    ("source-name", r"^\(source:\s*(?P<site>[^)]+)\)$"),
)
SOURCES_ANY = combine(SOURCES)
# Which source line states the attribution best: a named original outlet beats a bare URL.
SOURCE_TEXT_STRENGTH = {"original-source": 3, "appeared-first": 3, "originally-published": 3,
                        "source-url": 2, "source-name": 2, "contributed-by": 1}
SOURCE_STRENGTH = {"original-source": 3, "appeared-first": 3, "originally-published": 4, "written-by": 4,
                   "republished-from": 2, "contributed-by": 1, "source-name": 2}

# "(Source: Syrian Coalition)" closing a one-line text.
TRAILING_SOURCE = re.compile(r"\s*\(source:\s*(?P<site>[^)]{2,60})\)\s*$", _I)
TRAILING_SOURCE_MARKS = (")",)

# --------------------------------------------------------------------------------------------
# Rights. Sentences are classified one by one, so a line may hold several kinds.

# A copyright statement (not a mention of "copyrighted material"): "Copyright © X, 2017",
# "© 2017 X", "(c) X", "Copyright 2017 X", "All rights reserved".
COPYRIGHT = re.compile(r"(^|\s)(copyright(\s*(©|\(c\)|(19|20)\d{2})|\s+by\b)|©|\(c\)\s)|\ball rights reserved\b|^copyright\s+[A-Z]", _I)
COPYRIGHT_HOLDER = re.compile(
    r"(?:copyright\s*)?(?:©|\(c\)|copyright)\s*(?P<rest>.+?)\.?\s*(?:all rights reserved\.?)?$", _I)
# A year 1900–2099 as a whole word: r"\b(?:19|20)\d{2}\b", written to open with its digits (the
# word boundary before them is the lookbehind) so that the engine skips to the next "1" or "2"
# instead of trying every position: three times faster over prose, same matches.
YEAR = re.compile(r"(?:19|20)(?<!\w..)\d{2}\b")
# Corporate suffixes after a comma keep the holder whole: "Marler Clark LLP, PS", "Acme, Inc."
CORPORATE_SUFFIX = re.compile(r"^(inc|ltd|llc|llp|ps|p\.s|plc|gmbh|s\.a|co|corp|pty|ag|nv|bv|lp)\.?$", _I)
# "Republished with permission from Bill Marler and Marler Clark."
REPUBLISHED = re.compile(r"^(?:re)?(?:published|posted|printed) with (?:the )?(?:kind )?permission(?: (?:of|from) (?P<from>.+?))?\.?$", _I)
# Creative Commons and other licences, with their URL when printed.
LICENSE = re.compile(r"\b(licensed under|creative commons|CC[- ]BY|public domain|GNU Free Documentation)\b", _I)
LICENSE_URL = re.compile(r"https?://(?:www\.)?(?:creativecommons\.org|opensource\.org|gnu\.org)/\S+?(?=[)\s>\]]|\.?$)", _I)

NOTICES: tuple[Rule, ...] = _rules(
    # "Disclaimer: The contents of this article are of sole responsibility of the author(s)."
    ("disclaimer", r"^disclaimer:|\bwill not be (held )?responsible\b|\bviews expressed\b.*\b(author|own)\b|\bsole responsibility\b"),
    # "… grants permission to cross-post …", "For publication … contact: …" (conditions of reuse)
    ("permission", r"\bgrants? permission\b|\bpermission to (re)?(post|publish|print|cross-post)\b|^for publication of\b"),
    # Fair-use notices: "… under the provisions of "fair use" …"
    ("fair-use", r"\bfair use\b|\bcopyrighted material\b"),
    # "For media inquiries: …", "Press contact: …"
    ("contact", r"^(for media inquiries|media contact|press contact|media inquiries|contact us)\b"),
)
# The organisation named in a notice: "The Centre for Research on Globalization will not be …"
NOTICE_ORGANISATION = re.compile(
    r"\b(?:The )?(?P<org>(?:Centre|Center|Institute|Foundation|Council|Association|Society|Trust|Network)(?: (?:for|of|on|and|the|[A-Z][\w-]+))+?)(?= will| grants| is| does| reserves|[.,])")

# --------------------------------------------------------------------------------------------
# Back matter.

# Author bios after the body: "Stephen Lendman lives in Chicago.", "Alan Joel has been a CPA …"
BIO_SENTENCE = re.compile(
    r"^(?P<name>[A-Z][\w.'’-]+(?: [A-Z]\.)?(?: [A-Z][\w'’-]+){1,2}) (?:lives in|is an? |is the |has been |was raised|writes |holds |is author|is a graduate|is editor|is founder|works )")


def may_open_bio(text: str) -> bool:
    """False when ``text`` cannot match BIO_SENTENCE, whose name's first two words (or word and
    initial) are capitalised: a test of two characters spares most paragraphs the regex."""
    second_word = text.find(" ") + 1
    return "A" <= text[:1] <= "Z" and "A" <= text[second_word:second_word + 1] <= "Z"


# Labels that introduce a bio: "About the author:", "About Anatoly Karlin"
BIO_LABEL = re.compile(r"^(?:(?i:about the authors?):?|(?i:about) (?P<name>[A-Z][\w'’-]+(?: [A-Z][\w'’-]+){1,2})|(?i:author bio|biography):?)$")
# Lines that continue a bio: "His new book …", "Visit his blog site at …", "Listen to …"
BIO_CONTINUATION = re.compile(r"^(his|her|their|visit (his|her|their)|listen to|follow (him|her|them)|he can be reached|she can be reached)\b", _I)
# Editor's notes, before or after the body: "Editor’s Comment: …", "Makow comment: …"
EDITOR_NOTE = re.compile(r"^(editor['’]?s? (note|comment)|[A-Z][a-z]+ comment|note from the editor|ed\.? note)\s*:", _I)
# Headers of reference and link lists: "NOTES", "Further Reading: ESO, MNRAS", "For More Information See:"
NOTES_LABEL = re.compile(r"^(?i:(?=[A-Z])(notes|references|footnotes|sources|further reading|for more information see|more information|video source))(?:\s*:(?P<rest>.*)|$)")
# Reference-like lines: "See Prosecutors proceed …, TakingInIssues.com, January 18, 2018."
REFERENCE_LINE = re.compile(r"^see\s[^.]{5,200},\s*[\w-]+\.(com|org|net|gov|edu)\b", _I)
CITATION_MARKS = re.compile(r"\bet al\.|\b(?:19|20)\d{2};\s?\d+|\bdoi:|\bAccessed \d", _I)
# "The authors acknowledge …", "Acknowledgements": acknowledgements belong to back matter.
ACKNOWLEDGEMENT = re.compile(r"^(the authors? (acknowledge[sd]?|thank(s|ed)?)\b|acknowledg(e)?ments?:?$)", _I)
# Captions and media credits: "Photo Credit: …", "(Screenshot: YouTube) …", "Image: …"
CAPTION = re.compile(r"^(\((screenshot|photo|image|video|credit|getty|afp|reuters)\b[^)]*\)|(photo|image|picture|video) ?(credit)?s?:|credit:)", _I)

# How a short line can begin (in lower case) if it is to match each of the shapes the normaliser
# tests short lines for: most short lines of prose begin otherwise and skip those regexes. Shapes
# that need a year, a closing "Website" or a line without spaces are told by those instead.
# tests/test_normalise.py generates lines from each regex and checks that the normaliser's answer
# is the same with this table switched off.
SHAPE_OPENINGS: dict[str, tuple[str, ...]] = {
    "KEYWORD_LINE": ("region", "theme", "topic", "tag", "categor", "keywords", "filed under", "subject"),
    "CAPTION": ("(", "photo", "image", "picture", "video", "credit"),
    # "Makow comment:" holds the trigger word "comment": such a line is keyed and never asks.
    "EDITOR_NOTE": ("editor", "note from", "ed"),
    "BIO_LABEL": ("about", "author bio", "biography"),
    "ACKNOWLEDGEMENT": ("the author", "acknowledg"),
    "BYLINE_ALONE": ("by", "por", "par", "von"),
    "SITE_LINE_ALONE": ("from", "del sitio"),
    "TRANSLATION_CREDIT": ("traducci", "translat"),
    "BYLINES": ("this ", "posted", "author", "written by", "autor", "by", "por", "par", "von"),
    "NOTES_LABEL": ("notes", "references", "footnotes", "sources", "further reading", "for more information",
                    "more information", "video source"),
    "SITE_LINE": ("from", "del sitio web", "de"),
    "SITE_PAREN": ("(",),
    "NUMBERED_LINK": ("[",),
    "SEPARATOR": ("-", "—", "–", "_", "*", "=", "~", " "),
}

# A line can match a boilerplate, source, rights, notice, caption or reference row only if it
# holds one of these strings or words: cheap tests that spare ordinary prose every such regex.
# What the rows need wherever it stands (rows not anchored at the start, or anchored with an
# open-ended run before it), as substrings of the lower-cased line:
TRIGGER_SUBSTRINGS: tuple[str, ...] = (
    "facebook", "twitter", "telegram", "instagram", "share", "comment",  # social prompts
    "newsletter", "appeared first on",  # "Subscribe to X for its newsletter", "The post X appeared first on Y"
    "copyright", "rights reserved", "permission", "licen", "creative commons", "cc by", "cc-by",  # rights
    "public domain", "gnu free", "©", "(c)",
    "responsib", "views expressed", "fair use",  # notices ("copyrighted material" holds "copyright")
    "et al", "doi:", "accessed ",  # citation marks
)
# Words that rows anchored at the start need within the line's first OPENING_SPAN characters
# ("Read more", "Back to", "Photo credit:", "This article was originally published at"). Prose
# uses them everywhere; a paragraph holding them only further in skips the tables.
OPENING_TRIGGER_WORDS = frozenset([
    "follow", "join", "find", "like", "readers", "link", "please",  # social prompts and policies
    "become", "support", "donate", "donation", "make", "subscribe", "sign", "get",  # appeals, sign-ups
    "headline", "advertisement", "advertisements", "sponsored",  # adverts
    "articles", "read", "continue", "click", "regresar", "volver", "back", "version", "versión",  # navigation
    "previously", "related", "more",
    "original", "originally", "contributed", "source", "published", "republished", "posted", "printed",  # sources
    "disclaimer", "publication", "media", "press", "inquiries", "contact",  # notices
    "screenshot", "photo", "photos", "image", "images", "picture", "pictures", "video", "videos",  # captions
    "credit", "credits", "getty", "afp", "reuters",
    *(f"{medium}credit{plural}" for medium in ("photo", "image", "picture", "video") for plural in ("", "s")),
    "editor", "editors", "ed", "note",  # editor's notes
    "acknowledge", "acknowledges", "acknowledged", "acknowledgement", "acknowledgements", "acknowledgment",
    "acknowledgments", "thank", "thanks", "thanked",
    "see",  # reference lines: "See Prosecutors proceed …, TakingInIssues.com, 2018."
])
OPENING_SPAN = 40
"""Characters at the start of a line where an opening trigger word must begin."""


_OPENING_READ = OPENING_SPAN + max(map(len, OPENING_TRIGGER_WORDS))
"""How much of a line the opening words are looked for in: every word that begins in the span, whole."""
_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzáéíóúñ")
"""What a trigger word is made of: a word is a run of these, and anything else bounds it."""
# Aho-Corasick automata (Rust): one pass over a whole article finds every string, for a
# fraction of the cost of one test after another on each line.
_SUBSTRING_SEARCH = AhoCorasick(list(TRIGGER_SUBSTRINGS))
_OPENING_WORD_SEARCH = AhoCorasick(sorted(OPENING_TRIGGER_WORDS))


def triggered_lines(lowered_lines: Sequence[str]) -> set[int]:
    """The numbers (from 1) of the lines that hold a string or word some table row needs: a
    trigger substring anywhere, or an opening trigger word (whole) that begins within the first
    OPENING_SPAN characters. ``lowered_lines`` are stripped and in lower case; one pass of each
    automaton covers all of them."""
    text = "\n".join(lowered_lines)
    numbers = _line_numbers([start for _, start, _ in _SUBSTRING_SEARCH.find_matches_as_indexes(text)], lowered_lines)
    # Each line's opening padded to one width: a match's line and column are the quotient and
    # remainder of its offset, and the padding (spaces) ends every word.
    width = _OPENING_READ + 1
    openings = "".join([line[:_OPENING_READ].ljust(width) for line in lowered_lines])
    for _, start, end in _OPENING_WORD_SEARCH.find_matches_as_indexes(openings, overlapping=True):
        line_index, column = divmod(start, width)
        if column < OPENING_SPAN and openings[start - 1:start] not in _LETTERS and openings[end] not in _LETTERS:
            numbers.add(line_index + 1)
    return numbers


def _line_numbers(positions: list[int], lines: Sequence[str]) -> set[int]:
    """The numbers (from 1) of the lines where ``positions`` of ``"\\n".join(lines)`` fall."""
    if not positions:
        return set()
    line_ends = list(accumulate(len(line) + 1 for line in lines))
    return {bisect_right(line_ends, position) + 1 for position in positions}


def has_trigger(lowered: str) -> bool:
    """True when a lower-cased, stripped line holds a string or word some table row needs."""
    return bool(triggered_lines((lowered,)))


# Per-table (or per-row) gates: the substrings without which a table's (slow, case-insensitive)
# regexes cannot match. A line that passes ``has_trigger`` still skips the tables it cannot match.
GATES: dict[str, tuple[str, ...]] = {
    # BOILERPLATE's rows not anchored at the start ("… like and share …", "… leave a comment")
    "boilerplate-floating": ("share", "leave a comment"),
    "copyright": ("copyright", "©", "(c)", "rights reserved"),
    "republished": ("permission",),
    "license": ("licen", "creative commons", "cc by", "cc-by", "public domain", "gnu"),
    # NOTICES, row by row: prose says "contact" or "responsibility" often, and a long paragraph
    # searched for every notice row costs more than the rest of its classification.
    "notice:disclaimer": ("disclaimer:", "responsible", "views expressed", "sole responsibility"),
    "notice:permission": ("permission", "for publication of"),
    "notice:fair-use": ("fair use", "copyrighted material"),
    "notice:contact": ("media inquiries", "media contact", "press contact", "contact us"),
    "reference": ("see ", "et al", "doi:", "accessed", ";"),
}


def gate(lowered: str, table: str) -> bool:
    """True when ``lowered`` holds a substring the table's rows need."""
    return holds_any(lowered, GATES[table])


# --------------------------------------------------------------------------------------------
# Shapes of lines.

URL = re.compile(r"https?://[^\s<>()\[\]]+[^\s<>()\[\].,;:!?'\"”’]")
EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
BARE_DOMAIN = re.compile(r"^(www\.)?[\w-]+(\.[\w-]+)+(/\S*)?$", _I)
# A numbered link alone on its line, as in a list of notes: "[3] http://…"
NUMBERED_LINK = re.compile(r"\[\d+\]\s*\S+")
# A rule drawn with dashes, stars or tildes ("-----", "* * *"), or a lone dash standing for a bullet
SEPARATOR = re.compile(r"[-—–_*=~ ]{2,}|-|—-")
SENTENCE_END = re.compile(r"[.!?:;…\"”’)\]]$")
SENTENCE_SPLIT = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[A-Z\"“(])")
# A section kicker printed alone in capitals: "TRANSPORTATION", "FOOD SAFETY"
KICKER = re.compile(r"^[A-Z][A-Z&' -]{2,30}$")
# Headline-ese drops articles and attribution verbs; a sentence with them is prose, not a headline.
PROSE_WORDS = re.compile(r"\b(the|a|an|said|says|told|was|were)\b", _I)
