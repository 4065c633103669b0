"""Helpers for the team-workflow tests: small projects built through the importer."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from annotator.values import DocData, RelationData, SpanData

TEXTS = [
    f"Story {i}: Khalifa Haftar said the army attacked Tripoli on Monday, officials in "
    f"Benghazi reported {i} times."
    for i in range(12)
]
# offsets in every text after the prefix "Story {i}: "


def offsets(text: str, word: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(word, start + 1)
    return start, start + len(word)


def span(text: str, word: str, label: str, sid: str, **attrs: Any) -> SpanData:
    start, end = offsets(text, word)
    entity = attrs.pop("entity", None)
    return SpanData(
        sid,
        start,
        end,
        label,
        attrs,
        entity=entity,
        entity_type=attrs.get("type") if entity else None,
    )


def doc(i: int, spans: Sequence[SpanData] = (), relations: Sequence[RelationData] = ()) -> DocData:
    return DocData(f"doc-{i}", TEXTS[i], {"title": f"Story {i}"}, tuple(spans), tuple(relations))


def standard_layer(i: int) -> list[SpanData]:
    t = TEXTS[i]
    return [
        span(t, "Khalifa Haftar", "ACTOR", "a1", type="person", entity="Khalifa Haftar"),
        span(t, "attacked", "EVENT", "e1", type="attack"),
        span(t, "Tripoli", "PLACE", "p1"),
    ]


def location(project: Any) -> str | Path:
    """Where ``project`` lives: its file, or its server URL (password included)."""
    return project.db.url if project.is_server else project.path


def table_dump(path: Path | str, skip: Sequence[str] = ()) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (read-only), for 'nothing changed' checks; ``path`` is a
    project file or a server URL."""
    if isinstance(path, str) and path.startswith("postgresql"):
        return _server_dump(path, skip)
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [
            r[0]
            for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
        ]
        return {
            t: sorted(con.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr)
            for t in tables
            if t not in skip
        }
    finally:
        con.close()


def _server_dump(url: str, skip: Sequence[str]) -> dict[str, list[tuple[Any, ...]]]:
    from sqlalchemy import create_engine, inspect

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            tables = sorted(inspect(conn).get_table_names())
            return {
                t: sorted(
                    (tuple(r) for r in conn.exec_driver_sql(f'SELECT * FROM "{t}"')), key=repr
                )
                for t in tables
                if t not in skip
            }
    finally:
        engine.dispose()
