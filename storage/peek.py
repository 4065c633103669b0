"""A quick read-only look at a project file with the standard library only.

Used before the first paint of the window and by ``annotator stats``, where importing
SQLAlchemy would cost more than the answer. Every look returns None whenever it cannot answer
plainly (not a current project file, objects we did not create, locked, damaged...); opening
the project properly then says what is wrong, or upgrades it.

Also here, because both this look and ``storage.db`` need them: the migration revisions (read
from the migration files without importing Alembic) and the schema objects we create.
"""

from __future__ import annotations

import os
import re
import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

SQLITE_MAGIC = b"SQLite format 3\x00"
PEEK_SECONDS = 1.0


def peek_meta(path: Path, keys: Sequence[str]) -> dict[str, str] | None:
    """The ``project_meta`` values of ``keys`` in the SQLite project at ``path``, or None."""
    try:
        with path.open("rb") as fh:
            if fh.read(16) != SQLITE_MAGIC:
                return None
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=0.2)
        try:
            # A hostile file could make project_meta a view that never ends: no schema code
            # runs with side effects, and the look gives up after a moment.
            con.execute("PRAGMA trusted_schema=OFF")
            deadline = time.monotonic() + PEEK_SECONDS
            con.set_progress_handler(lambda: time.monotonic() > deadline, 10_000)
            marks = ", ".join("?" for _ in keys)
            rows = con.execute(
                f"SELECT key, value FROM project_meta WHERE key IN ({marks})",
                tuple(keys),
            ).fetchall()
        finally:
            con.close()
    except (OSError, sqlite3.Error):
        return None
    return {str(k): str(v) for k, v in rows}


# ---------------------------------------------------------------- revisions and schema objects

_REVISION = re.compile(r"^(down_revision|revision)\s*=\s*['\"]?([\w]+)['\"]?", re.MULTILINE)


@cache
def revision_graph() -> dict[str, str | None]:
    """revision -> down_revision, read from the migration files without importing Alembic
    (opening a project must stay fast)."""
    graph: dict[str, str | None] = {}
    for script in files("storage").joinpath("migrations", "versions").iterdir():
        if not script.name.endswith(".py") or script.name.startswith("__"):
            continue
        found = dict((k, v) for k, v in _REVISION.findall(script.read_text("utf-8")))
        if "revision" in found:
            down = found.get("down_revision")
            graph[found["revision"]] = None if down in (None, "None") else down
    return graph


def head_revision() -> str:
    graph = revision_graph()
    heads = set(graph) - {down for down in graph.values() if down}
    if len(heads) != 1:
        raise RuntimeError(f"migrations must have exactly one head, found {sorted(heads)}")
    return heads.pop()


# (type, name) of every table and index the models and migrations create; a test checks that
# it is what storage.models and the migrations make (storage.db.expected_schema), so the look
# below can tell a foreign object without importing the models
KNOWN_OBJECTS = frozenset(
    {("table", "alembic_version")}
    | {
        ("table", name)
        for name in (
            "annotator assignment attribute document entity entity_alias event_log label "
            "project_meta relation relation_type span suggestion suggestion_relation"
        ).split()
    }
    | {
        ("index", name)
        for name in (
            "ix_event_log_at ix_event_log_document_id ix_relation_head_id ix_relation_tail_id "
            "ix_span_annotator_label ix_span_doc_annotator ix_span_entity_id "
            "ix_suggestion_doc_state ix_suggestion_relation_head_id ix_suggestion_relation_tail_id"
        ).split()
    }
)
_SQLITE_INTERNAL = re.compile(r"^sqlite_(sequence|stat\d)$")


def unknown_objects(
    rows: Iterable[Sequence[Any]], expected: frozenset[tuple[str, str]]
) -> list[tuple[str, str]]:
    """(type, name) of the ``sqlite_master`` rows (type, name, tbl_name) not in ``expected``
    and not SQLite's own, in row order."""
    tables = {name for kind, name in expected if kind == "table"}
    out: list[tuple[str, str]] = []
    for kind, name, table in rows:
        if (kind, name) in expected:
            continue
        if kind == "table" and _SQLITE_INTERNAL.match(name):
            continue
        if kind == "index" and name.startswith("sqlite_autoindex_") and table in tables:
            continue
        out.append((str(kind), str(name)))
    return out


# ---------------------------------------------------------------- counts for ``stats``


@dataclass(frozen=True)
class ProjectCounts:
    """What ``annotator stats`` shows, as the database counts it."""

    documents: int
    annotators: list[str]  # by name
    spans: dict[str, dict[str, int]]  # layer -> label -> spans
    relations: dict[str, dict[str, int]]  # layer -> relation label -> relations
    suggestions: dict[str, int]  # state -> suggestions
    assignments: list[tuple[str, str, int, float]]  # (annotator, status, count, seconds)
    actors: int


def _by_layer(
    rows: Iterable[tuple[int, str, int]], names: dict[int, str]
) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for ann, label, n in rows:
        out.setdefault(names[ann], {})[label] = n
    return out


# spans per layer and label: answered from the index ``ix_span_annotator_label`` alone (a test
# reads the query plan)
SPAN_COUNTS_SQL = "SELECT annotator_id, label, count(*) FROM span GROUP BY annotator_id, label"


def peek_counts(path: Path) -> ProjectCounts | None:
    """The counts of ``annotator stats`` read with ``sqlite3`` alone, when ``path`` is a
    project file at the current schema revision with nothing in it we did not create; None
    otherwise (and on any error), so the caller opens it properly. Read-only: nothing is written,
    and the same defences as every other connection are on (``trusted_schema=OFF``, defensive
    mode, a time limit per statement)."""
    try:
        if not path.is_file():  # first: opening a FIFO would wait forever
            return None
        with path.open("rb") as fh:
            if fh.read(16) != SQLITE_MAGIC:
                return None
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=0.5)
    except (OSError, ValueError, sqlite3.Error):
        return None
    try:
        con.execute("PRAGMA trusted_schema=OFF")
        defensive = getattr(sqlite3, "SQLITE_DBCONFIG_DEFENSIVE", None)
        if defensive is not None and hasattr(con, "setconfig"):
            con.setconfig(defensive, True)
        limit = float(os.environ.get("NEWS_ANNOTATOR_QUERY_LIMIT_S", "600"))
        deadline = [time.monotonic() + limit]
        con.set_progress_handler(lambda: time.monotonic() > deadline[0], 50_000)
        master = con.execute("SELECT type, name, tbl_name FROM sqlite_master").fetchall()
        if unknown_objects(master, KNOWN_OBJECTS) or not KNOWN_OBJECTS <= {
            (kind, name) for kind, name, _t in master
        }:
            return None
        revision = con.execute("SELECT version_num FROM alembic_version").fetchall()
        if revision != [(head_revision(),)]:
            return None

        def rows(sql: str) -> list[Any]:
            deadline[0] = time.monotonic() + limit
            return con.execute(sql).fetchall()

        names = dict(rows("SELECT id, name FROM annotator"))
        return ProjectCounts(
            documents=rows("SELECT count(id) FROM document")[0][0],
            annotators=sorted(names.values()),
            spans=_by_layer(rows(SPAN_COUNTS_SQL), names),
            relations=_by_layer(
                rows(
                    "SELECT s.annotator_id, r.label, count(r.id) FROM relation r "
                    "JOIN span s ON s.id = r.head_id GROUP BY s.annotator_id, r.label"
                ),
                names,
            ),
            suggestions=dict(rows("SELECT state, count(id) FROM suggestion GROUP BY state")),
            assignments=[
                (str(name), str(status), int(n), float(secs))
                for name, status, n, secs in rows(
                    "SELECT a.name, x.status, count(x.id), coalesce(sum(x.seconds_spent), 0.0) "
                    "FROM assignment x JOIN annotator a ON a.id = x.annotator_id "
                    "GROUP BY a.name, x.status ORDER BY a.name, x.status"
                )
            ],
            actors=rows("SELECT count(id) FROM entity")[0][0],
        )
    except (sqlite3.Error, KeyError, RuntimeError):
        return None
    finally:
        con.close()
