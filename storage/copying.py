"""Copy every row of one project database into another (a file to a server or back).

Rows keep their ids, so spans, relations, suggestions, links to the registry and the event log
arrive exactly as they were. The target must be a new project (``annotator init`` writes its
scheme tables and the gold layer; those rows are replaced by the source's). The copy is one
transaction on the target: it arrives whole or not at all.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import delete, select

from storage.db import Database
from storage.models import Base
from storage.postgres import reset_sequences

COPY_BATCH = 5000


def copy_rows(
    source: Database, target: Database, progress: Callable[[str, int], None] | None = None
) -> dict[str, int]:
    """Replace every row of ``target`` by those of ``source``; return rows copied per table."""
    tables = Base.metadata.sorted_tables
    copied: dict[str, int] = {}
    with source.engine.connect() as src, target.engine.begin() as dst:
        for table in reversed(tables):
            dst.execute(delete(table))
        for table in tables:
            order = [table.c.id] if "id" in table.c else list(table.primary_key.columns)
            result = src.execution_options(yield_per=COPY_BATCH).execute(
                select(table).order_by(*order)
            )
            n = 0
            for part in result.mappings().partitions(COPY_BATCH):
                dst.execute(table.insert(), [dict(r) for r in part])
                n += len(part)
                if progress is not None:
                    progress(table.name, n)
            copied[table.name] = n
    reset_sequences(target)
    return copied
