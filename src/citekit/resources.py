"""Where citekit's data files (stylesheets, CSL styles) live at run time.

An installed wheel carries the repository's ``styles/`` directory inside the package as
``citekit/styles`` (hatch ``force-include`` in ``pyproject.toml``); an editable checkout has no
such copy, so the repository's own ``styles/`` is used instead.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def styles_dir() -> Path:
    """The directory holding citekit's stylesheets (``epub.css``, CSL styles, …).

    Returns the packaged copy when it exists, else the checkout's ``styles/``; when neither
    exists the packaged path is returned, so a caller's "file not found" names where it looked.
    """
    packaged = _PACKAGE / "styles"
    if packaged.is_dir():
        return packaged
    checkout = _PACKAGE.parent.parent / "styles"
    if checkout.is_dir():
        return checkout
    return packaged
