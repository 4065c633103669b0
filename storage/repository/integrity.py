"""What a damaged or tampered project file holds that the other queries cannot read."""

from __future__ import annotations

from sqlalchemy import JSON
from sqlalchemy.orm import Session

from storage.models import Base


def unreadable_json(session: Session) -> list[tuple[str, str, object]]:
    """(table, column, row key) of every stored JSON value that is not valid JSON, in table
    order. Only a SQLite file can hold one: a server checks JSON as it is written."""
    if session.get_bind().dialect.name != "sqlite":
        return []
    out: list[tuple[str, str, object]] = []
    connection = session.connection()
    for table in Base.metadata.sorted_tables:
        keys = list(table.primary_key.columns)
        key = keys[0].name if len(keys) == 1 else "rowid"
        for column in table.columns:
            if not isinstance(column.type, JSON):
                continue
            rows = connection.exec_driver_sql(
                f'SELECT "{key}" FROM "{table.name}" '  # names from our own models
                f'WHERE "{column.name}" IS NOT NULL AND json_valid("{column.name}") = 0 '
                f'ORDER BY "{key}"'
            )
            out.extend((table.name, column.name, row[0]) for row in rows)
    return out
