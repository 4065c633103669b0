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


_PLAIN = (str, int, bool, type(None))  # values whose == and hash tell their JSON apart (with type)


def _memo_key(value: Any) -> tuple[Any, ...] | None:
    """A key for the JSON text of a small flat dict of strings, integers, booleans and nulls
    (types included: ``True == 1``), or None for anything else."""
    if type(value) is not dict or len(value) > 4:
        return None
    key: list[Any] = []
    for k, v in value.items():
        if type(k) is not str or type(v) not in _PLAIN:
            return None
        key += (k, type(v), v)
    return tuple(key)


def _converter(column_type: Any) -> Callable[[Any], Any] | None:
    """How SQLite stores a Python value of this column type (None: as it is)."""
    if isinstance(column_type, JSON):
        texts: dict[tuple[Any, ...], str] = {}  # rows share a few small values ({"type": ...})

        def to_json(value: Any) -> Any:
            if value is None:
                return None
            key = _memo_key(value)
            if key is None:
                return json.dumps(value)
            text = texts.get(key)
            if text is None:
                text = json.dumps(value)
                if len(texts) < 10_000:
                    texts[key] = text
            return text

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


def _sqlite_executemany(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    conn = session.connection()
    keys = list(rows[0].keys())
    compiled = table.insert().compile(dialect=conn.dialect, column_keys=keys)
    order = list(compiled.positiontup or keys)
    converters = {k: _converter(table.c[k].type) for k in keys}
    getters = [(k, converters.get(k)) for k in order]
    params = [tuple(row[k] if c is None else c(row[k]) for k, c in getters) for row in rows]
    conn.exec_driver_sql(str(compiled), params)


_MAX_ROWID = 2**63 - 1


def _allocated_ids(session: Session, table: Table, n: int) -> list[int]:
    """The ids SQLite gave the ``n`` rows just inserted without ids by one statement.

    SQLite gives a new row one past the highest id of the table while that is below the
    largest rowid, and the statement holds the write lock, so the rows got the ``n`` highest
    ids, in order. (Ids are never taken as "highest + 1" before the write: another writer
    could take them between the read and the insert.)"""
    last = session.connection().execute(select(func.max(table.c.id))).scalar() or 0
    if last >= _MAX_ROWID:
        raise OverflowError(f"{table.name}: row ids are exhausted")
    return list(range(last - n + 1, last + 1))


def bulk_insert(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys) into ``table`` in one executemany."""
    if not rows:
        return
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        conn.execute(table.insert(), list(rows))
        return
    _sqlite_executemany(session, table, rows)


def bulk_insert_ids(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> list[int]:
    """Insert ``rows`` and return their new primary keys, in order.

    On SQLite the database allocates the keys during the insert (see :func:`_allocated_ids`);
    rows are inserted without their ``id``. Elsewhere the rows are inserted with RETURNING.
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
    if "id" in rows[0]:
        rows = [{k: v for k, v in row.items() if k != "id"} for row in rows]
    _check_ceiling(session, table, len(rows))
    _sqlite_executemany(session, table, rows)
    return _allocated_ids(session, table, len(rows))


def _check_ceiling(session: Session, table: Table, n: int) -> None:
    """Refuse before inserting when ids would pass the largest rowid (SQLite would then pick
    random free ids, which :func:`_allocated_ids` cannot know)."""
    top = session.connection().execute(select(func.max(table.c.id))).scalar() or 0
    if top + n >= _MAX_ROWID:
        raise OverflowError(f"{table.name}: row ids are exhausted")


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
    _check_ceiling(session, table, len(values))
    const_keys = list(constants)
    const_values = tuple(
        v if (conv := _converter(table.c[k].type)) is None else conv(v)
        for k, v in constants.items()
    )
    all_columns = [*columns, *const_keys]
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
        params = [(*v[:i], conv(v[i]), *v[i + 1 :], *const_values) for v in values]
    else:
        position = {c: n for n, c in enumerate(all_columns)}
        converters = dict(to_convert)
        params = []
        for v in values:
            full = [
                *(converters[n](x) if n in converters else x for n, x in enumerate(v)),
                *const_values,
            ]
            params.append(tuple(full[position[c]] for c in order))
    conn.exec_driver_sql(str(compiled), params)
    return _allocated_ids(session, table, len(values))
