"""The SQL behind kharita's ACLED-compatible read routes (kharita.web.acled).

ACLED's API filters any column with `=`, `LIKE`, `>`, `<` or `BETWEEN`, takes several values of
one filter (`|`) and alternatives across filters (`:OR:`), and pages with `limit` and `page`.
The web layer turns a query string into `Condition`s (and says what is wrong with a bad one);
here they become one WHERE clause over `events` or `deletions`, every value a bound parameter.
Rows stream from the database in ACLED's order (latest event first), so `limit=0` (everything)
needs no more memory than one row.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, func, or_, select

from kharita.store import schema

OPERATORS = ("=", "LIKE", ">", "<", ">=", "<=", "BETWEEN")
STREAM_ROWS = 1000


@dataclass(frozen=True, slots=True)
class Condition:
    """One filter: `column op value`, true when any of `values` holds (BETWEEN: values = (low,
    high), inclusive). `text` compares case-insensitively, as ACLED's text filters do."""

    column: str
    op: str
    values: tuple[Any, ...]
    text: bool = False


def _like_pattern(value: str) -> str:
    """ACLED's LIKE: the value anywhere in the column, unless it places its own % wildcards."""
    literal = value.replace("\\", "\\\\").replace("_", "\\_")
    return literal if "%" in value else f"%{literal.replace('%', '')}%"


def clause(table: Table, condition: Condition) -> Any:
    column = table.c[condition.column]
    if condition.text:
        column = func.lower(column)
    values = [v.lower() if condition.text and isinstance(v, str) else v for v in condition.values]
    op = condition.op
    if op == "BETWEEN":
        return column.between(values[0], values[1])
    if op == "LIKE":
        return or_(*(column.like(_like_pattern(str(v)), escape="\\") for v in values))
    if op == "=":
        return column.in_(values) if len(values) > 1 else column == values[0]
    compare = {">": column.__gt__, "<": column.__lt__, ">=": column.__ge__, "<=": column.__le__}[op]
    return or_(*(compare(v) for v in values))


def where(table: Table, groups: Sequence[Sequence[Condition]]) -> list[Any]:
    """Each group's conditions OR-ed (ACLED's :OR:), the groups AND-ed."""
    return [or_(*(clause(table, c) for c in group)) if len(group) > 1 else clause(table, group[0])
            for group in groups if group]


def _order(table: Table) -> list[Any]:
    if table is schema.deletions:
        return [table.c.deleted_timestamp.desc(), table.c.event_id.desc()]
    return [table.c.event_date.desc().nulls_last(), table.c.event_id.desc()]


def stream(store: Any, table: Table, groups: Sequence[Sequence[Condition]], columns: Sequence[str], *,
           limit: int | None, offset: int = 0, also: Sequence[Any] = ()) -> Iterator[dict[str, Any]]:
    """The rows (only `columns`) matching every group (and the clauses `also`), latest first,
    `limit` from `offset`. The connection stays open while the caller iterates (the response
    streams)."""
    stmt = (select(*(table.c[c] for c in columns)).where(*where(table, groups), *also)
            .order_by(*_order(table)))
    if limit is not None:
        stmt = stmt.limit(limit)
    if offset:
        stmt = stmt.offset(offset)
    with store.engine.connect() as conn:
        for row in conn.execution_options(yield_per=STREAM_ROWS).execute(stmt):
            yield dict(row._mapping)


def count(store: Any, table: Table, groups: Sequence[Sequence[Condition]], also: Sequence[Any] = ()) -> int:
    """How many rows match, paging aside (ACLED's total_count)."""
    stmt = select(func.count()).select_from(table).where(*where(table, groups), *also)
    with store.engine.connect() as conn:
        return int(conn.execute(stmt).scalar_one())


def hours_since_last_change(store: Any) -> int:
    """ACLED's last_update: whole hours since the store last changed (an event written or
    updated, or one leaving); 0 for an empty store."""
    with store.engine.connect() as conn:
        newest = max(conn.execute(select(func.max(schema.events.c.timestamp))).scalar() or 0,
                     conn.execute(select(func.max(schema.deletions.c.deleted_timestamp))).scalar() or 0)
    return max(0, int(time.time()) - int(newest)) // 3600 if newest else 0


__all__ = ["OPERATORS", "Condition", "clause", "count", "hours_since_last_change", "stream", "where"]
