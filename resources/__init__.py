"""Bundled resources: label schemes, icons and the demo articles.

Load files with ``importlib.resources.files("resources")``.
"""
