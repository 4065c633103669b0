"""Commands that run without Typer, Rich (for ``--json``), the exporters, spaCy or Alembic.

``annotator stats`` is run often (scripts, shell prompts) and must start fast: the console entry
point (``annotator.cli.entry``) sends a plain ``annotator stats PROJECT [--json]`` here without
importing the Typer application; the Typer command calls the same function.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

# How the CLI says to create a missing project; the app says its own (File → New project).
CREATE_HINT = "create one with 'annotator init'"


def run_stats(project: str | Path, as_json: bool) -> int:
    """Print the project's counts (one JSON object with ``as_json``); return the exit code."""
    data = _quick_stats(project)
    if data is None:  # not a plain current project file: open it properly (errors, upgrades)
        from annotator.errors import AnnotatorError, ProjectMissing
        from annotator.project import Project
        from annotator.reports.stats import project_stats

        try:
            with Project.open(project) as proj, proj.session() as s:
                data = project_stats(s)
        except AnnotatorError as exc:
            shown = exc.advised(CREATE_HINT) if isinstance(exc, ProjectMissing) else exc
            print(f"error: {shown.render()}", file=sys.stderr)
            return 1
    if as_json:
        print(json.dumps(data, ensure_ascii=False, sort_keys=True))
        return 0
    from rich.console import Console
    from rich.table import Table

    from annotator.vocabulary import Layer

    console = Console()
    # The gold layer is kept under an annotator's name but is nobody's work (as `agreement`).
    people = [name for name in data["annotators"] if name != Layer.GOLD.value]
    console.print(
        f"[bold]{project}[/bold]: {_count(data['documents'], 'document')}, "
        f"{_count(len(people), 'annotator')}, {_count(data['actors'], 'actor')}"
    )
    if not data["spans"] and not data["relations"]:
        console.print("no spans yet")
    else:
        table = Table("layer", "label", "spans", "relations")
        for name, counts in sorted(data["spans"].items()):
            for label, n in sorted(counts.items()):
                table.add_row(name, label, str(n), "")
            for label, n in sorted(data["relations"].get(name, {}).items()):
                table.add_row(name, label, "", str(n))
        console.print(table)
    if data["suggestions"]:
        console.print(
            "suggestions: " + ", ".join(f"{k} {v}" for k, v in sorted(data["suggestions"].items()))
        )
    return 0


def _quick_stats(project: str | Path) -> dict[str, Any] | None:
    """The stats of a project file read with ``sqlite3`` alone (no SQLAlchemy), when the file is
    a current project whose scheme reads; None when it must be opened properly."""
    if "://" in str(project):  # a server project
        return None
    from storage.peek import peek_counts, peek_meta

    path = Path(project)
    counts = peek_counts(path)
    if counts is None:
        return None
    raw = (peek_meta(path, ("scheme",)) or {}).get("scheme")
    if not raw:
        return None
    from annotator.errors import AnnotatorError
    from annotator.scheme import scheme_from_json

    try:  # Project.open refuses a project whose scheme is damaged: so does this
        scheme_from_json(raw)
    except (ValueError, AnnotatorError):
        return None
    from annotator.reports.stats import stats_from_counts

    return stats_from_counts(counts)


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"
