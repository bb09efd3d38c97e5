"""The header's lines: bylines, site lines, keyword lines, and the parts glued into one-line texts.

Bylines and date lines are read by :mod:`citekit.normalise.credits` (one reader for every
arrangement of label, names, outlet and date); the rows here name those readings for provenance and
the options, and hold the shapes that are not credits.
"""

from __future__ import annotations

import re

from citekit.normalise.rules import Rule, row, structural

_I = re.IGNORECASE

WRITTEN_BY = row("byline.written-by", "byline",
        r"^this (?:article|post|piece) was written by (?P<names>[^.]+?)(?: and (?:was )?originally published (?:at|on|by) (?P<site>[^.]+))?\.?$",
        "Reposts credit the author and the original outlet: 'This article was written by Tyler Durden and "
        "originally published at Zero Hedge.'", origins={"beforeitsnews", "genre"})
BYLINE_ALONE = row("byline.alone", "byline-alone", r"^(?:by|por|par|von|di|door)$",
                   "A lone 'By' announcing that the next line is the byline ('by' / 'cescobcn'): page text "
                   "keeps the label and the linked name on separate lines.", origins={"bibliotecapleyades", "genre"})
CREDIT_DECISIONS: tuple[Rule, ...] = (
    structural("byline.labelled", "byline",
               "A label, then names, an outlet and a date in any order: 'By X', 'by X, Outlet:', 'Von X', "
               "'By: X / Outlet', 'by X - Aug 9, 2012 7:30 pm UTC', 'November 4, 2012 — By X'."),
    structural("byline.posted-by", "byline",
               "A CMS account's credit: 'Posted by X at 9:50 AM', 'Submitted by X on Thu, 08/09/2012', "
               "'Posted on by admin'. Weaker than a byline.",
               origins={"willyloman", "geekdoctor", "rightwingwatch", "chinadigitaltimes", "winningdemocrats"}),
    structural("byline.name-on-date", "byline",
               "Names, 'on', a date: 'Orion Jones on November 8, 2012, 12:43 PM'.", origins={"bigthink", "genre"}),
    structural("byline.staff", "byline",
               "A newsroom signs: 'By Electronista Staff' names the outlet; 'Von Redaktion' names no one.",
               origins={"electronista", "contramagazin"}),
    structural("date.line", "date",
               "A date with its furniture only: weekday, time, zone, 'updated', 'published', brackets "
               "('updated 09:40 pm EDT, Fri October 26, 2012', 'Nov 5, 2012 - 3:39PM PT', 'Date of publication 12 June 2016')."),
    structural("date.relative", "date", "A date line that prints no date: 'posted 16 mins ago', 'hace 3 horas'.",
               origins={"techcrunch", "genre"}),
    structural("date.split-over-lines", "date",
               "A date widget printed one part a line ('24' / 'Jul' / '2012' / '9:05am, EDT'), read as one line.",
               origins={"nbcnews", "genre"}),
    structural("site.outlet-and-date", "site-and-date",
               "An outlet and a date on one line: 'Global Research, January 29, 2017', '[January 24, 2018 - Outlet]'.",
               origins={"globalresearch", "genre"}),
)

SITE_LINE = row("site.from-website", "site",
                r"^(?:from|del sitio web|de)\s+(?:the\s+)?(?P<site>\S.{0,80}?)(?:\s+web\s*site|\s+website)?(?:\s+(?:traducci[oó]n|translated)\b.*)?$",
                "Reposts name the outlet they copied from: 'from GlobalResearch Website', 'del Sitio Web TheBostonGlobe'.",
                origins={"bibliotecapleyades", "genre"})
SITE_LINE_ALONE = row("site.from-alone", "site-alone", r"^(?:from|del sitio web|del sitio)$",
                      "A lone 'from' announcing the outlet on the next line (the outlet's name is a link).",
                      origins={"bibliotecapleyades", "genre"})
SITE_NAME = row("site.website-name", "site-name", r"^[A-Z][\w.&'’-]*(?: [A-Z][\w.&'’-]*){0,3} (?:Website|Web Site|website)$",
                "A site named alone after 'from': 'GlobalResearch Website'.", origins={"bibliotecapleyades"}, flags=0)
SITE_NAME_ENDINGS = ("Website", "Web Site", "website")
SITE_PAREN = row("site.parenthesised-domain", "site-paren",
                 r"^\((?:www\.)?[\w-]+\.(?:com|org|net|co\.uk|info|de|es|com\.br|fr|it)\)$",
                 "An outlet's domain in parentheses beside a byline: '(henrymakow.com)'.",
                 origins={"beforeitsnews", "genre"})
SITE_DOMAIN = structural("site.domain-alone", "site-name",
                         "A site's domain alone on a line after the body: 'atimes.com'. It names the outlet only "
                         "when nothing stronger does.", origins={"genre"})
KEYWORD_LINE = row("keywords.labelled", "keywords",
                   r"^(?P<label>region|regions|theme|themes|topic|topics|tags?|categories|category|keywords|filed under|"
                   r"subjects?|temas?|etiquetas|themen|schlagworte|schlagwörter|stichworte|assuntos|palavras-chave)\s*:\s*(?P<terms>.+)$",
                   "'Region: A, B', 'Tags: …', 'Filed under: A, B | 10 Comments »', 'Themen: …'.",
                   origins={"globalresearch", "willyloman", "genre"})
INLINE_TAGS = row("keywords.inline-tags", "keywords", r"(?<!\s)\s+Tags\s+(?P<terms>[^.]{2,200}?)\.\s+",
                  "One-line dataset texts print '… said Tags Nusra Front al-Qaeda Aleppo. Body…' with commas stripped.",
                  origins={"alaraby"}, flags=0)
WIRE_CREDIT = row("site.wire-credit", "site", r"^\((?P<site>[A-Z][A-Za-z.&' -]{1,40})\)\s*(?=[A-Z“\"])",
                  "A wire credit opening the first paragraph: '(CNN)Hurricane…', '(NaturalNews) Dairy…'.",
                  origins={"beforeitsnews", "naturalnews"}, flags=0)
DATELINE_WIRE = row("site.dateline-wire", "site",
                    r"^[A-ZÀ-Þ][A-ZÀ-Þ .,'-]{1,40}\s*\((?P<site>AP|AFP|Reuters|dpa|EFE|UPI|ANSA|Europa Press|Xinhua|Bloomberg|CNN)\)\s*[—–-]",
                    "An agency in a dateline: 'WASHINGTON, D.C. (AP) — At a press conference …'.",
                    origins={"stgeorgegazette", "genre"}, flags=0)
DATELINE_PREFIX = row("date.dataset-prefix", "date",
                      r"^(?:(?:published|posted|updated|last updated)(?: at| on)?:?\s+)?(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?"
                      r"(?P<date>\d{1,2}\s+[A-Za-z]+\.?\s+(?:19|20)\d{2}|[A-Za-z]+\.?\s+\d{1,2},?\s*(?:19|20)\d{2}|(?:19|20)\d{2}-\d{2}-\d{2})"
                      r"(?:\s+\d{1,2}:\d{2}(?:\s*[ap]m)?)?\s+",
                      "A date (with label, weekday and time) opening a one-line text: 'Published October 2 2017 …', "
                      "'Last updated at Jul 012016 …', 'Wednesday 26 November 2014 10:07 …'.",
                      origins={"alaraby", "dailysabah", "etilaf", "jordantimes", "sana"})
TRAILING_SOURCE = row("source.trailing-parenthesis", "source",
                      r"(?<!\s)\s*\((?:source|fuente|fonte|quelle):\s*(?P<site>[^)]{2,60})\)\s*$",
                      "'(Source: Syrian Coalition)' closing a one-line text.", origins={"etilaf", "genre"})
TRAILING_DASH_CREDIT = row("byline.trailing-dash", "byline",
                           r"(?<!\s)\s+[—–]\s*(?P<names>[A-Z][\w.'’]+(?:[ -][A-Z][\w.'’]+){1,3})\s*$",
                           "'— Joana Suleiman' closing a roundup item or a column.", origins={"washingtonexaminer", "genre"},
                           flags=0)
TRAILING_SLASH_CREDIT = row("byline.trailing-slash", "byline",
                            r"(?<=[.!?\"”])(?<!\s)\s+(?P<names>[A-Z][\w'’]+(?:[ -][A-Za-z][\w'’]+)*(?:\s*/\s*[A-Z][\w'’]+(?:[ -][A-Za-z][\w'’]+)*)+)\s*$",
                            "'Manar al-Frieh/Manal / Hazem Sabbagh' closing wire copy. Names split at spaces and "
                            "hyphens only, so a run of hyphenated words is read one way, not in exponentially many.",
                            origins={"sana"}, flags=0)
CLOSING_RIGHTS = row("rights.closing-credit", "rights",
                     r"(?P<statement>(?:©|\(c\)|copyright)\s*(?:19|20)\d{2}[^©]{0,300})$",
                     "A copyright line glued to the end of a one-line text, with the credits before it: '… / "
                     "TRADUÇÃO DE X © 2017 THE ECONOMIST NEWSPAPER LIMITED. DIREITOS RESERVADOS. …'.",
                     origins={"estadao", "genre"})
KICKER = structural("body.roundup-kicker", "heading",
                    "A roundup of items, each under a capitalised kicker and its own headline: 'TRANSPORTATION'.",
                    origins={"washingtonexaminer"})
