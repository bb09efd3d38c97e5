"""citekit's version, in a module of its own so that any module can import it without the package's
public face (``citekit/__init__``), which imports much of the package."""

__version__ = "0.1.0"
