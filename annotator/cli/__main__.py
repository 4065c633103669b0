"""``python -m annotator.cli``: the same as the ``annotator`` console script."""

from annotator.cli.entry import main

main()
