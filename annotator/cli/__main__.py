"""``python -m annotator.cli``: the same as the ``annotator`` console script."""

from annotator.cli.main import main

main()
