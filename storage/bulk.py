"""Fast bulk inserts for large imports.

SQLAlchemy Core's executemany runs a Python bind processor per value (JSON, DateTime), which
dominates the cost of importing tens of thousands of spans. On SQLite the rows are serialised
here once and handed to the driver's ``executemany`` with the statement SQLAlchemy compiled for
the dialect; on any other database the ordinary Core path is used.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Table
from sqlalchemy.orm import Session
from sqlalchemy.types import JSON, DateTime


def _sqlite_value(value: Any, column_type: Any) -> Any:
    if value is None:
        return None
    if isinstance(column_type, JSON):
        return json.dumps(value)
    if isinstance(column_type, DateTime) and isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return value


def bulk_insert(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys) into ``table`` in one executemany."""
    if not rows:
        return
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        conn.execute(table.insert(), list(rows))
        return
    keys = list(rows[0].keys())
    compiled = table.insert().compile(dialect=conn.dialect, column_keys=keys)
    order = list(compiled.positiontup or keys)
    types = {k: table.c[k].type for k in keys}
    plain = {k for k in keys if not isinstance(types[k], JSON | DateTime)}
    params = [
        tuple(row[k] if k in plain else _sqlite_value(row[k], types[k]) for k in order)
        for row in rows
    ]
    conn.exec_driver_sql(str(compiled), params)
