"""The pages' one stylesheet, made from the palette; its hash goes into the Content-Security-Policy.

The pages hold no script and load nothing: ``default-src 'none'`` forbids every fetch (images,
fonts, frames, connections, scripts), and the stylesheet is allowed by its SHA-256 alone, so not
even an inline ``style`` attribute smuggled into the page could apply.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache

from citekit.inspector.kinds import KINDS, LINK, MUTED, PAGE, PANEL, TEXT

_BASE = """
:root{color-scheme:light dark;--text:%(text)s;--muted:%(muted)s;--page:%(page)s;--link:%(link)s;
--rule:#c8c8c8;--panel:%(panel)s}
@media (prefers-color-scheme:dark){:root{--text:%(dtext)s;--muted:%(dmuted)s;--page:%(dpage)s;--link:%(dlink)s;
--rule:#3a3a3a;--panel:%(dpanel)s}}
*{box-sizing:border-box}
body{margin:0;padding:1rem 1.25rem 3rem;background:var(--page);color:var(--text);
font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif}
a{color:var(--link)}
h1{font-size:1.35rem;margin:.2rem 0}h2{font-size:1.15rem;margin:1.4rem 0 .5rem}h3{font-size:1rem;margin:0}
code,pre,.text{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:.86rem}
.meta,.note,.n,.origin,.hint{color:var(--muted)}
.meta{margin:.2rem 0}
.legend{display:flex;flex-wrap:wrap;gap:.35rem;margin:.6rem 0;padding:0;list-style:none}
.chip{display:inline-block;padding:0 .45rem;border-radius:.6rem;font-size:.78rem;font-weight:600;
white-space:nowrap;background:var(--chip);color:var(--ink)}
main{display:grid;gap:1.25rem;grid-template-columns:minmax(0,1fr)}
@media (min-width:1100px){main{grid-template-columns:minmax(0,2fr) minmax(22rem,1fr)}
#fields{position:sticky;top:0;max-height:100vh;overflow:auto}}
table{border-collapse:collapse;width:100%%}
th{text-align:left;font-size:.8rem;color:var(--muted);border-bottom:1px solid var(--rule);padding:.2rem .4rem}
td{vertical-align:top;padding:.1rem .4rem}
.lines{table-layout:fixed}
.lines col.n{width:3.6rem}.lines col.role{width:7rem}.lines col.why{width:30%%}
.lines tr{background:var(--row)}
.lines td.n{text-align:right;border-left:.3rem solid var(--ink)}
.lines td.n a{color:var(--muted);text-decoration:none}
.lines tr.blank td.n{border-left-color:transparent}
.lines tr.blank td{padding-top:0;padding-bottom:0;font-size:.75rem;line-height:1.1}
.text{white-space:pre-wrap;overflow-wrap:anywhere;unicode-bidi:isolate}
.why{border-left:1px solid var(--rule);font-size:.82rem;overflow-wrap:anywhere}
.why code{font-weight:600}
tbody.run{border-top:1px solid var(--rule)}
.cc{border:1px solid currentColor;border-radius:.2rem;padding:0 .1rem;font-size:.75rem;white-space:nowrap}
#fields{background:var(--panel);padding:.4rem .8rem;border-radius:.4rem}
.field{border-bottom:1px solid var(--rule);padding:.5rem 0}
.field .value{margin:.2rem 0;white-space:pre-wrap;overflow-wrap:anywhere;unicode-bidi:isolate}
.status{font-size:.75rem;font-weight:600;border:1px solid currentColor;border-radius:.5rem;padding:0 .35rem;
margin-left:.35rem}
.field ul{margin:.2rem 0;padding-left:1.1rem;font-size:.84rem}
.field q{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:.8rem;unicode-bidi:isolate}
.missing{font-style:italic}
pre{background:var(--panel);padding:.6rem .8rem;border-radius:.4rem;white-space:pre-wrap;overflow-wrap:anywhere}
.flags code{white-space:pre-wrap;overflow-wrap:anywhere}
.removed td.text{font-size:.82rem}.removed td:first-child{white-space:nowrap}
pre.tsv{white-space:pre;overflow-x:auto}
details>summary{cursor:pointer;font-weight:600;margin:.4rem 0}
.count{color:var(--muted);font-weight:400}
main.single{display:block}
#by-name{display:none}#by-name:target{display:block}#by-name:target~#by-count{display:none}
.group table{table-layout:fixed}.group col.c-input{width:45%%}.group col.c-reason{width:8rem}
.group col.c-field{width:12rem}.group td{overflow-wrap:anywhere}
"""


def _kind_rules() -> str:
    light: list[str] = []
    dark: list[str] = []
    for kind, (_, colours) in KINDS.items():
        light.append(f".k-{kind}{{--chip:{colours.chip};--ink:{colours.ink};--row:{colours.row}}}")
        dark.append(f".k-{kind}{{--chip:{colours.dark_chip};--ink:{colours.dark_ink};--row:{colours.dark_row}}}")
    return "\n".join(light) + "\n@media (prefers-color-scheme:dark){" + "".join(dark) + "}\n"


@cache
def stylesheet() -> str:
    """The CSS of both pages (made once per process)."""
    values = {"text": TEXT[0], "dtext": TEXT[1], "muted": MUTED[0], "dmuted": MUTED[1], "page": PAGE[0],
              "dpage": PAGE[1], "link": LINK[0], "dlink": LINK[1], "panel": PANEL[0], "dpanel": PANEL[1]}
    return (_BASE % values) + _kind_rules()


@cache
def content_security_policy() -> str:
    """Nothing may load; the one stylesheet is allowed by its hash."""
    digest = base64.b64encode(hashlib.sha256(stylesheet().encode("utf-8")).digest()).decode("ascii")
    return (f"default-src 'none'; style-src 'sha256-{digest}'; img-src 'none'; font-src 'none'; "
            "base-uri 'none'; form-action 'none'")
