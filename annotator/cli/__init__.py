"""The ``annotator`` command line (Typer): ``main`` in ``annotator.cli.main`` is the console
script; one module per command group; errors are turned into one line in ``support``."""
