"""The ``annotator`` console script: a plain ``annotator stats PROJECT [--json]`` runs from
``annotator.cli.light`` without loading the Typer application; everything else (help included)
goes to ``annotator.cli.main``."""

from __future__ import annotations

import os
import sys


def main() -> None:
    args = sys.argv[1:]
    if (
        len(args) in (2, 3)
        and args[0] == "stats"
        and not args[1].startswith("-")
        and args[2:] in ([], ["--json"])
    ):
        from annotator.cli.light import run_stats

        try:
            code = run_stats(args[1], as_json=len(args) == 3)
        except Exception as exc:  # the same last line of defence as annotator.cli.main
            if os.environ.get("NEWS_ANNOTATOR_DEBUG"):
                raise
            print(
                f"error: unexpected {type(exc).__name__}: {exc} "
                "(set NEWS_ANNOTATOR_DEBUG=1 for details)",
                file=sys.stderr,
            )
            code = 2
        sys.exit(code)
    from annotator.cli.main import main as full

    full()


if __name__ == "__main__":
    main()
