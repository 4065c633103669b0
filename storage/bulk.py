"""Fast bulk inserts for large imports.

SQLAlchemy Core's executemany runs a Python bind processor per value (JSON, DateTime), which
dominates the cost of importing tens of thousands of spans. On SQLite the rows are serialised
here once and handed to the driver's ``executemany`` with the statement SQLAlchemy compiled for
the dialect; on any other database the ordinary Core path is used.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session
from sqlalchemy.types import JSON, DateTime

COPY_THRESHOLD = 200  # rows from which PostgreSQL's COPY beats INSERT ... RETURNING


def _converter(column_type: Any) -> Callable[[Any], Any] | None:
    """How SQLite stores a Python value of this column type (None: as it is)."""
    if isinstance(column_type, JSON):

        def to_json(value: Any) -> Any:
            return None if value is None else json.dumps(value)

        return to_json
    if isinstance(column_type, DateTime):
        last: list[Any] = [None, None]  # the previous value and its text: rows share stamps

        def to_text(value: Any) -> Any:
            if value is last[0]:
                return last[1]
            text = value.isoformat(sep=" ") if isinstance(value, datetime) else value
            last[0], last[1] = value, text
            return text

        return to_text
    return None


def _sqlite_executemany(
    session: Session, table: Table, rows: Sequence[Mapping[str, Any]], ids: Sequence[int] | None
) -> None:
    conn = session.connection()
    keys = list(rows[0].keys())
    if ids is not None:
        keys = [k for k in keys if k != "id"]
    all_keys = [*keys, "id"] if ids is not None else keys
    compiled = table.insert().compile(dialect=conn.dialect, column_keys=all_keys)
    order = list(compiled.positiontup or all_keys)
    converters = {k: _converter(table.c[k].type) for k in keys}
    getters = [(k, converters.get(k)) for k in order]
    if ids is None:
        params = [tuple(row[k] if c is None else c(row[k]) for k, c in getters) for row in rows]
    else:
        id_pos = order.index("id")
        params = []
        for row, new_id in zip(rows, ids, strict=True):
            values = [row[k] if c is None else c(row[k]) for k, c in getters if k != "id"]
            values.insert(id_pos, new_id)
            params.append(tuple(values))
    conn.exec_driver_sql(str(compiled), params)


def bulk_insert(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys) into ``table`` in one executemany."""
    if not rows:
        return
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        conn.execute(table.insert(), list(rows))
        return
    _sqlite_executemany(session, table, rows, None)


def bulk_insert_ids(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> list[int]:
    """Insert ``rows`` and return their new primary keys, in order.

    On SQLite the keys are allocated here (one past the current maximum) and written explicitly,
    so no row has to be read back; a concurrent writer would make the insert fail on the unique
    key and roll the whole transaction back, never mis-assign ids. Elsewhere the rows are
    inserted with RETURNING.
    """
    if not rows:
        return []
    conn = session.connection()
    pk = table.c.id
    if conn.dialect.name == "postgresql" and len(rows) >= COPY_THRESHOLD and "id" not in rows[0]:
        from storage.postgres import copy_insert_values

        columns = list(rows[0])
        values = [tuple(r[c] for c in columns) for r in rows]
        return copy_insert_values(session, table, columns, values, {})
    if conn.dialect.name != "sqlite":
        result = conn.execute(
            table.insert().returning(pk, sort_by_parameter_order=True), list(rows)
        )
        return [r[0] for r in result]
    first = (conn.execute(select(func.max(pk))).scalar() or 0) + 1
    ids = list(range(first, first + len(rows)))
    _sqlite_executemany(session, table, rows, ids)
    return ids


def bulk_insert_values(
    session: Session,
    table: Table,
    columns: Sequence[str],
    values: Sequence[Sequence[Any]],
    constants: Mapping[str, Any] | None = None,
) -> list[int]:
    """Insert rows given as value tuples in ``columns`` order, plus ``constants`` (the same value
    in every row, e.g. a timestamp); return their new primary keys.

    The cheapest path for very large imports: no per-row dicts, constants converted once. JSON
    and DateTime columns are converted here on SQLite, as in :func:`bulk_insert`.
    """
    if not values:
        return []
    constants = dict(constants or {})
    conn = session.connection()
    if conn.dialect.name == "postgresql":  # COPY: see storage.postgres
        from storage.postgres import copy_insert_values

        return copy_insert_values(session, table, columns, values, constants)
    if conn.dialect.name != "sqlite":
        return bulk_insert_ids(
            session, table, [{**dict(zip(columns, v, strict=True)), **constants} for v in values]
        )
    pk = table.c.id
    first = (conn.execute(select(func.max(pk))).scalar() or 0) + 1
    ids = range(first, first + len(values))
    const_keys = list(constants)
    const_values = tuple(
        v if (conv := _converter(table.c[k].type)) is None else conv(v)
        for k, v in constants.items()
    )
    all_columns = [*columns, *const_keys, "id"]
    compiled = table.insert().compile(dialect=conn.dialect, column_keys=all_columns)
    order = list(compiled.positiontup or all_columns)
    to_convert = [
        (i, conv)
        for i, c in enumerate(columns)
        if (conv := _converter(table.c[c].type)) is not None
    ]
    params: list[tuple[Any, ...]]
    if order == all_columns and len(to_convert) == 1:
        # The usual case (spans: only attrs is JSON): one conversion per row, no copies.
        i, conv = to_convert[0]
        params = [
            (*v[:i], conv(v[i]), *v[i + 1 :], *const_values, new_id)
            for v, new_id in zip(values, ids, strict=True)
        ]
    else:
        position = {c: n for n, c in enumerate(all_columns)}
        converters = dict(to_convert)
        params = []
        for v, new_id in zip(values, ids, strict=True):
            full = [
                *(converters[n](x) if n in converters else x for n, x in enumerate(v)),
                *const_values,
                new_id,
            ]
            params.append(tuple(full[position[c]] for c in order))
    conn.exec_driver_sql(str(compiled), params)
    return list(ids)
