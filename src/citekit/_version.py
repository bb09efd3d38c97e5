"""The package's version, in a module of its own.

Hatch reads it from here (``pyproject.toml``), and every module that records the version (the
normaliser's provenance, the PDF's creator, the batch's output keys) imports it from here, not
from the package's ``__init__``: the public face imports nothing of theirs, so no cycle runs
through it.
"""

__version__ = "0.1.0"
