"""Generated worst cases: documents and inputs shaped to hit the slow path of each writer and reader.

Each builder is iterative (a 100,000-deep quote is built in a loop, not by recursion) and
deterministic (no randomness: the same case every run).
"""

from __future__ import annotations

from citekit.model import (
    Author,
    Document,
    Emph,
    Inline,
    LineBreak,
    Link,
    ListBlock,
    Metadata,
    Notice,
    Para,
    Quote,
    Rights,
    Str,
    Strong,
)

HEADER = "A Title for the Case\nBy Jane Roe\nJanuary 29, 2017\n\n"


def words(count: int, prefix: str = "w") -> str:
    """``count`` distinct words: every one can be looked for in the output."""
    return " ".join(f"{prefix}{n}" for n in range(count))


def document(*blocks: Para | Quote | ListBlock, **metadata: object) -> Document:
    """A small document around ``blocks``."""
    fields: dict[str, object] = {"title": "Case", "authors": (Author(name="Jane Roe"),)} | metadata
    return Document(metadata=Metadata(**fields),  # type: ignore[arg-type]
                    body=tuple(blocks), rights=Rights(statement="© 2017 Jane Roe", holders=("Jane Roe",)))


def long_paragraph(characters: int) -> Document:
    """One paragraph of ``characters`` characters of distinct words, as one text node."""
    return document(Para(content=(Str(text=words(characters // 7)),)))


def short_lines(count: int) -> Document:
    """One paragraph of ``count`` short lines joined by line breaks."""
    content: list[Inline] = []
    for number in range(count):
        content += [Str(text=f"line{number}"), LineBreak()]
    return document(Para(content=tuple(content)))


def many_inlines(count: int) -> Document:
    """One paragraph of ``count`` inlines alternating plain text, emphasis, strong and links."""
    content: list[Inline] = []
    for number in range(count):
        text = Str(text=f"i{number} ")
        match number % 4:
            case 0:
                content.append(text)
            case 1:
                content.append(Emph(content=(text,)))
            case 2:
                content.append(Strong(content=(text,)))
            case _:
                content.append(Link(content=(text,), url=f"https://example.org/{number}"))
    return document(Para(content=tuple(content)))


def text_pieces(count: int) -> Document:
    """One paragraph of ``count`` adjacent text nodes, and as many links that cannot be live."""
    content: list[Inline] = []
    for number in range(count):
        content += [Str(text=f"s{number} "), Link(content=(Str(text=f"r{number} "),), url=f"relative/{number}")]
    return document(Para(content=tuple(content)))


def many_keywords(count: int) -> Document:
    """``count`` keywords."""
    return document(Para(content=(Str(text="Body."),)), keywords=tuple(f"kw{n}" for n in range(count)))


def long_metadata(characters: int) -> Document:
    """A title, a rights statement and a notice of ``characters`` characters each."""
    text = words(characters // 7)
    return Document(metadata=Metadata(title=text, authors=(Author(name="Jane Roe"),)),
                    body=(Para(content=(Str(text="Body."),)),),
                    rights=Rights(statement=text, notices=(Notice(kind="disclaimer", text=text),)))


def nested_quotes(depth: int) -> Document:
    """A quote in a quote … ``depth`` deep, a word at every level."""
    block: Para | Quote = Para(content=(Str(text="bottom"),))
    for level in range(depth):
        block = Quote(blocks=(Para(content=(Str(text=f"q{level}"),)), block))
    return document(block)


def nested_lists(depth: int) -> Document:
    """Lists in list items ``depth`` deep, ordered and bulleted in turn."""
    block: Para | ListBlock = Para(content=(Str(text="bottom"),))
    for level in range(depth):
        block = ListBlock(ordered=level % 2 == 0, items=((Para(content=(Str(text=f"l{level}"),)), block),))
    return document(block)


def nested_emphasis(depth: int) -> Document:
    """Emphasis, strong emphasis and links inside each other ``depth`` deep."""
    inlines: tuple[Inline, ...] = (Str(text="bottom"),)
    for level in range(depth):
        word = Str(text=f"e{level} ")
        match level % 3:
            case 0:
                inlines = (Emph(content=(word, *inlines)),)
            case 1:
                inlines = (Strong(content=(word, *inlines)),)
            case _:
                inlines = (Link(content=(word, *inlines), url="https://example.org/"),)
    return document(Para(content=inlines))


def document_json(body: str) -> str:
    """Document JSON text around ``body``, the JSON text of the body array."""
    return '{"schema": "citekit-document/1", "metadata": {"title": "Case"}, "body": ' + body + "}"


_PARAGRAPH = '{"type": "paragraph", "inlines": [{"type": "str", "text": "bottom"}]}'


# The nested JSON is written as text: json.dumps would itself recurse once per level.
def json_quotes(depth: int) -> str:
    return document_json("[" + '{"type": "quote", "blocks": [' * depth + _PARAGRAPH + "]}" * depth + "]")


def json_lists(depth: int) -> str:
    opening = '{"type": "list", "ordered": false, "items": [['
    return document_json("[" + opening * depth + _PARAGRAPH + "]]}" * depth + "]")


def json_emphasis(depth: int) -> str:
    inline = '{"type": "emph", "content": [' * depth + '{"type": "str", "text": "bottom"}' + "]}" * depth
    return document_json('[{"type": "paragraph", "inlines": [' + inline + "]}]")


def json_brackets(depth: int) -> str:
    """Document JSON whose body is ``depth`` nested arrays (deeper than json can recurse)."""
    return document_json("[" * depth + "]" * depth)
