"""News Annotator library: scheme, annotation rules, formats, services and the command line.

Nothing in this package imports Qt; spaCy is imported lazily where it is needed.
"""

__version__ = "0.1.0"
