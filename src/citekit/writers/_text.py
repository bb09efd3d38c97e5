"""Text made safe for markup formats: the characters XML 1.0 and HTML cannot carry are dropped.

XML forbids most C0 controls and lone surrogates; HTML also counts C1 controls and noncharacters
as parse errors. Everything else is kept as it stands (each writer escapes for its own format).
"""

from __future__ import annotations

import re

_UNCARRIED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")


def clean(text: str) -> str:
    """``text`` without the characters XML or HTML cannot carry."""
    return _UNCARRIED.sub("", text)
