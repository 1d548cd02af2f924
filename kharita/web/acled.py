"""ACLED's read API over a kharita store: `/api/acled/read` and `/api/deleted/read`.

Analysts reach ACLED through its API, its R package acledR and Python clients such as `acled`
on PyPI, and keep local copies in step with acledR's `acled_update`. These routes answer the
same requests the same way, so those tools work against kharita unchanged: point them at
`http://HOST:PORT/api`. What follows ACLED, and which page of ACLED's API documentation says so
(acleddata.com/api-documentation/...), is in docs/api.md.

- Filters: any ACLED column, `=` or `LIKE` by ACLED's table of filter types, `COLUMN_where`
  choosing `=`, `LIKE`, `>`, `<`, `>=`, `<=` or `BETWEEN`; `a|b` several values (BETWEEN: low|high);
  `COLUMN=a:OR:OTHER=b` alternatives across columns; `timestamp` is "changed at or after".
- Paging: `limit` (default 5000, 0 = every row) and `page` (from 1); rows latest first.
- Output: ACLED's envelope `{status, success, last_update, count, messages, data, filename}` (and
  `total_count` with `with_total=true`) or CSV (`_format=csv`, `read.csv`, `export_type=csv`),
  every value a string as ACLED gives them (kharita.record.acled_values).
- A bad query answers 400 with ACLED's error form `{status, success: false, error: [{status,
  message}], messages, data: []}`: an unknown parameter, a value of the wrong kind, an operator
  a column does not take. Never a 5xx for anything a client sends.

The query string is read here, by hand, because ACLED's names are open-ended (`<column>_where`,
`:OR:` inside values); kharita.store.acled_read turns the result into SQL.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from kharita.ontology import ActorType
from kharita.ontology import REGION_NUMBER
from kharita.record import ACLED_COLUMNS, COLUMNS, acled_values
from kharita.store import acled_read, deletions, schema
from kharita.store.acled_read import OPERATORS, Condition

router = APIRouter(prefix="/api")

DEFAULT_LIMIT = 5000

#: Each filter column: its kind (how its values are read) and ACLED's default operator
#: (acleddata.com/api-documentation/acled-endpoint, "Query filters", table 1).
LIKE_TEXT = ("event_id_cnty", "disorder_type", "event_type", "sub_event_type", "actor1", "assoc_actor_1",
             "actor2", "assoc_actor_2", "civilian_targeting", "admin1", "admin2", "admin3", "location",
             "source", "source_scale", "notes", "tags")
EVENT_FILTERS: dict[str, tuple[str, str]] = {
    **{c: ("text", "LIKE") for c in LIKE_TEXT},
    "country": ("text", "="),
    "event_date": ("date", "="),
    "year": ("int", "="), "time_precision": ("int", "="), "geo_precision": ("int", "="),
    "iso": ("int", "="), "fatalities": ("int", "="),
    "latitude": ("float", "="), "longitude": ("float", "="),
    "inter1": ("actor_type", "="), "inter2": ("actor_type", "="),
    "interaction": ("interaction", "="), "region": ("region", "="),
    "timestamp": ("timestamp", ">="),
}
#: acleddata.com/api-documentation/deleted-endpoint: event_id_cnty (LIKE), deleted_timestamp (>=);
#: `timestamp` is the same filter under the read endpoint's name, `event_id` is kharita's id.
DELETED_FILTERS: dict[str, tuple[str, str]] = {
    "event_id_cnty": ("text", "LIKE"),
    "deleted_timestamp": ("timestamp", ">="),
    "event_id": ("text", "="),
}
DELETED_ALIASES = {"timestamp": "deleted_timestamp", "timestamp_where": "deleted_timestamp_where"}
DELETED_COLUMNS = ("event_id_cnty", "deleted_timestamp", "event_id", "merged_into")
#: kharita's own columns a client may ask for with `fields` (the store's events table has them).
EVENT_FIELDS = tuple(c for c in COLUMNS if c != "sources")

#: Parameters every read takes; `key`, `email` and `terms` are ACLED's credentials and terms
#: acceptance, taken and not needed (kharita's read routes are open).
IGNORED = frozenset({"key", "email", "terms"})
CONTROL = frozenset({"limit", "page", "fields", "export_type", "_format", "with_total", "inter_num",
                     "population"})
ORDERED_OPS = (">", "<", ">=", "<=", "BETWEEN")
FORMATS = ("json", "csv", "txt")
#: The largest integer an INTEGER column holds on both databases (year, iso, fatalities, limit,
#: offset); timestamps are BIGINT.
LARGEST = 2**31 - 1
LARGEST_BIG = 2**62


class AcledQueryError(Exception):
    """What is wrong with a query, one message per problem."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass
class ReadQuery:
    groups: list[list[Condition]] = field(default_factory=list)
    columns: tuple[str, ...] = ()
    limit: int | None = DEFAULT_LIMIT
    offset: int = 0
    fmt: str = "json"
    with_total: bool = False
    numeric_inter: bool = False


# -- reading the query string --------------------------------------------------------------------

def _digits(text: str) -> bool:
    """0-9 only (str.isdigit also takes ² and other digits int() refuses)."""
    return text.isascii() and text.isdigit()


def _actor_type(value: str) -> str:
    """inter1/inter2: ACLED's number (1-8, 0 for none) or the type's name, as the store has it."""
    if _digits(value.strip()):
        code = int(value)
        if code == 0:
            return ""
        if 1 <= code <= len(ActorType):
            return list(ActorType)[code - 1].value
        raise ValueError(f"{value!r} is not an ACLED actor type code (1 to 8, 0 for no actor)")
    for kind in ActorType:
        if kind.value.lower() == value.strip().lower():
            return kind.value
    raise ValueError(f"{value!r} is not an ACLED actor type: " + ", ".join(t.value for t in ActorType))


def _interaction(value: str) -> str:
    """interaction: ACLED's two-digit code (12; 10 for one side alone) or its text form."""
    text = value.strip()
    if not _digits(text):
        return text
    code = int(text)
    first, second = divmod(code, 10)
    if not (1 <= first <= len(ActorType)) or second > len(ActorType) or (second and second < first):
        raise ValueError(f"{value!r} is not an ACLED interaction code (two actor type codes, lower first: 12; "
                         f"10 for one side alone)")
    one = list(ActorType)[first - 1].value
    return f"{one} only" if second == 0 else f"{one}-{list(ActorType)[second - 1].value}"


def _region(value: str) -> str:
    text = value.strip()
    if _digits(text):
        by_number = {n: name for name, n in REGION_NUMBER.items()}
        if int(text) not in by_number:
            raise ValueError(f"{value!r} is not an ACLED region number: "
                             + ", ".join(f"{n} {name}" for n, name in sorted(by_number.items())))
        return by_number[int(text)]
    return text


def _timestamp(value: str) -> int:
    """A unix timestamp, or a day (YYYY-MM-DD: its first second, UTC), as acledR sends either."""
    text = value.strip()
    if _digits(text.removeprefix("-")):
        return _int(text, LARGEST_BIG)
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{value!r} is neither a unix timestamp nor a date (YYYY-MM-DD)") from None
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp())


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def _int(value: str, largest: int = LARGEST) -> int:
    try:
        number = int(value.strip())
    except ValueError:
        raise ValueError(f"{value!r} is not a whole number") from None
    if abs(number) > largest:
        raise ValueError(f"{value!r} is out of range")
    return number


def _float(value: str) -> float:
    try:
        number = float(value.strip())
    except ValueError:
        raise ValueError(f"{value!r} is not a number") from None
    if not math.isfinite(number):
        raise ValueError(f"{value!r} is not a finite number")
    return number


READERS = {"text": str, "date": _date, "int": _int, "float": _float, "timestamp": _timestamp,
           "actor_type": _actor_type, "interaction": _interaction, "region": _region}


def _condition(column: str, raw: str, op: str, kind: str) -> Condition:
    if op == "LIKE" and kind not in ("text", "interaction", "region"):
        raise ValueError(f"{column}_where=LIKE: LIKE compares text, and {column} is a {kind}; "
                         f"use =, >, < or BETWEEN")
    if op in ORDERED_OPS and kind not in ("date", "int", "float", "timestamp"):
        raise ValueError(f"{column}_where={op}: {column} is {kind}, which has no order; use = or LIKE")
    parts = raw.split("|")
    if op == "BETWEEN" and len(parts) != 2:
        raise ValueError(f"{column}_where=BETWEEN takes two values, low|high (e.g. 2015-07-01|2015-07-31), "
                         f"not {raw!r}")
    reader = READERS[kind]
    values = tuple(reader(p) for p in parts) if op != "LIKE" else tuple(parts)
    if op == "BETWEEN" and values[0] > values[1]:
        raise ValueError(f"{column}: BETWEEN {parts[0]}|{parts[1]}: the low value comes first")
    text = kind in ("text", "interaction", "region")
    return Condition(column, op, values, text=text)


def _operator(params: dict[str, list[str]], column: str, default: str) -> str:
    given = params.get(f"{column}_where", [])
    op = (given[-1] if given else default).strip().upper() or default
    if op not in OPERATORS:
        raise ValueError(f"{column}_where={given[-1]!r}: the operators are {', '.join(OPERATORS)}")
    return op


def _bool(name: str, value: str) -> bool:
    text = value.strip().lower()
    if text in ("1", "true", "yes"):
        return True
    if text in ("0", "false", "no", ""):
        return False
    raise ValueError(f"{name}={value!r}: use true or false (1 or 0)")


def parse(items: Iterable[tuple[str, str]], *, filters: dict[str, tuple[str, str]], columns: Sequence[str],
          default_columns: Sequence[str], suffix_format: str | None = None,
          aliases: dict[str, str] | None = None) -> ReadQuery:
    """A query string (its (name, value) pairs, in order) as a ReadQuery; AcledQueryError listing
    every problem otherwise."""
    aliases = aliases or {}
    params: dict[str, list[str]] = {}
    problems: list[str] = []
    query = ReadQuery(columns=tuple(default_columns))

    def problem(message: str) -> None:
        problems.append(message)

    for name, value in items:
        if "\x00" in name or "\x00" in value:   # SQLite would cut the text there, PostgreSQL refuses it
            problem(f"{name.replace(chr(0), '')}: a NUL character is in no ACLED value")
        elif name:
            params.setdefault(aliases.get(name, name), []).append(value)

    known = set(filters) | {f"{c}_where" for c in filters} | CONTROL | IGNORED
    for name in params:
        if name not in known:
            problem(f"Unknown parameter {name!r}. The filters are the columns {', '.join(filters)}, each "
                    f"with COLUMN_where for its operator; the others are limit, page, fields, _format, "
                    f"export_type, with_total and inter_num.")
    for name in params:
        if name.endswith("_where") and name[:-6] in filters:
            try:
                _operator(params, name[:-6], filters[name[:-6]][1])
            except ValueError as exc:
                problem(str(exc))
    for name, values in params.items():
        if name not in filters:
            continue
        for value in values:
            group: list[Condition] = []
            for i, segment in enumerate(value.split(":OR:")):
                column, raw = (name, segment) if i == 0 else segment.partition("=")[::2]
                column = aliases.get(column, column)
                if column not in filters:
                    problem(f"{name}={value!r}: after :OR: comes another filter, COLUMN=value; "
                            f"{column!r} is not one")
                    continue
                if raw == "":
                    continue                          # acledR sends `timestamp=` when it has none
                kind, default = filters[column]
                try:
                    group.append(_condition(column, raw, _operator(params, column, default), kind))
                except ValueError as exc:
                    problem(f"{column}: {exc}" if not str(exc).startswith(column) else str(exc))
            if group:
                query.groups.append(group)
    _controls(params, query, columns, problem, suffix_format)
    if problems:
        raise AcledQueryError(list(dict.fromkeys(problems)))
    return query


def _last(params: dict[str, list[str]], name: str) -> str | None:
    values = params.get(name)
    return values[-1] if values else None


def _controls(params: dict[str, list[str]], query: ReadQuery, columns: Sequence[str], problem: Any,
              suffix_format: str | None) -> None:
    limit, page = _last(params, "limit"), _last(params, "page")
    number = DEFAULT_LIMIT
    if limit not in (None, ""):
        if not _digits(limit.strip()) or int(limit) > LARGEST:
            problem(f"limit={limit!r}: a whole number of rows, 0 for every row")
        else:
            number = int(limit)
    query.limit = number or None
    if page not in (None, ""):
        if not _digits(page.strip()) or not 1 <= int(page) <= LARGEST // max(1, number):
            problem(f"page={page!r}: pages are numbered from 1")
        elif int(page) > 1 and query.limit is None:
            problem("page needs a limit: with limit=0 the first page holds every row")
        else:
            query.offset = (int(page) - 1) * (query.limit or 0)
    fields = _last(params, "fields")
    if fields:
        wanted = [f.strip() for f in fields.replace(",", "|").split("|") if f.strip()]
        unknown = [f for f in wanted if f not in columns]
        if unknown:
            problem(f"fields: unknown column(s) {', '.join(unknown)}; the columns are {', '.join(columns)}")
        elif wanted:
            query.columns = tuple(dict.fromkeys(wanted))
    fmt = suffix_format
    for name in ("_format", "export_type"):
        value = (_last(params, name) or "").strip().lower()
        if not value or (name == "export_type" and value == "dyadic"):
            continue
        if name == "export_type" and value == "monadic":
            problem("export_type=monadic (one row per actor) is not served by kharita; leave it out for "
                    "ACLED's dyadic rows, one per event")
        elif value == "xml":
            problem(f"{name}=xml is not served by kharita; use json or csv")
        elif value not in FORMATS:
            problem(f"{name}={value!r}: use json or csv" + (" (or dyadic)" if name == "export_type" else ""))
        elif fmt is not None and fmt != value:
            problem(f"{name}={value} asks for another format than {fmt}; ask for one")
        else:
            fmt = value
    query.fmt = fmt or "json"
    for name, attr in (("with_total", "with_total"), ("inter_num", "numeric_inter")):
        value = _last(params, name)
        if value is not None:
            try:
                setattr(query, attr, _bool(name, value))
            except ValueError as exc:
                problem(str(exc))
    population = (_last(params, "population") or "").strip().lower()
    if population not in ("", "none", "false", "0"):
        problem(f"population={population!r}: kharita has no population estimates; leave population out")


# -- answering -----------------------------------------------------------------------------------

def acled_error(messages: list[str], status: int = 400, last_update: int = 0) -> JSONResponse:
    """ACLED's error form: success false, each problem in `error` (and its text in messages)."""
    return JSONResponse({
        "status": status, "success": False, "last_update": last_update, "count": 0, "messages": messages,
        "error": [{"status": status, "message": m} for m in messages], "data": [],
    }, status_code=status)


def _filename(kind: str) -> str:
    return f"kharita-{kind}-{dt.date.today().isoformat()}"


def _json_body(head: dict[str, Any], rows: Iterator[dict[str, str | None]],
               tail: dict[str, Any]) -> Iterator[str]:
    opening = json.dumps(head, ensure_ascii=False, separators=(",", ":"))[:-1]
    yield opening + ',"data":['
    n = 0
    for row in rows:
        yield ("," if n else "") + json.dumps(row, ensure_ascii=False, separators=(",", ":"))
        n += 1
    closing = {"count": n, **tail}
    yield "]," + json.dumps(closing, ensure_ascii=False, separators=(",", ":"))[1:]


def _csv_body(columns: Sequence[str], rows: Iterator[dict[str, str | None]]) -> Iterator[str]:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for i, row in enumerate(rows, 1):
        writer.writerow(["" if row[c] is None else row[c] for c in columns])
        if i % 500 == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def _primed(rows: Iterator[dict[str, str | None]]) -> Iterator[dict[str, str | None]]:
    """The rows, the query already run: a database error surfaces here, before the response
    starts (as the app's 503 envelope), not halfway through a streamed body."""
    first = next(rows, None)
    if first is None:
        return iter(())
    return chain([first], rows)


def answer(store: Any, query: ReadQuery, rows: Iterator[dict[str, str | None]], *, kind: str,
           total: int | None) -> Response:
    rows = _primed(rows)
    if query.fmt in ("csv", "txt"):
        media = "text/csv; charset=utf-8" if query.fmt == "csv" else "text/plain; charset=utf-8"
        headers = ({"Content-Disposition": f'inline; filename="{_filename(kind)}.csv"'}
                   if query.fmt == "csv" else {})
        return StreamingResponse(_csv_body(query.columns, rows), media_type=media, headers=headers)
    head = {"status": 200, "success": True, "last_update": acled_read.hours_since_last_change(store),
            "messages": []}
    tail: dict[str, Any] = {"filename": _filename(kind)}
    if total is not None:
        tail["total_count"] = total
    return StreamingResponse(_json_body(head, rows, tail), media_type="application/json")


def _event_rows(store: Any, query: ReadQuery) -> Iterator[dict[str, str | None]]:
    needed = list(query.columns)
    if query.numeric_inter and "interaction" in needed:
        needed += [c for c in ("inter1", "inter2") if c not in needed]
    for row in acled_read.stream(store, schema.events, query.groups, needed, limit=query.limit,
                                 offset=query.offset):
        yield acled_values(row, query.columns, numeric_inter=query.numeric_inter)


def _deleted_rows(store: Any, query: ReadQuery) -> Iterator[dict[str, str | None]]:
    for row in deletions.read(store, query.groups, query.columns, limit=query.limit, offset=query.offset):
        yield {c: "" if row[c] is None else str(row[c]) for c in query.columns}


def read_events(request: Request, suffix_format: str | None) -> Response:
    store = request.app.state.store
    try:
        query = parse(request.query_params.multi_items(), filters=EVENT_FILTERS, columns=EVENT_FIELDS,
                      default_columns=ACLED_COLUMNS, suffix_format=suffix_format)
    except AcledQueryError as exc:
        return acled_error(exc.messages, last_update=acled_read.hours_since_last_change(store))
    total = acled_read.count(store, schema.events, query.groups) if query.with_total else None
    return answer(store, query, _event_rows(store, query), kind="acled", total=total)


def read_deleted(request: Request, suffix_format: str | None) -> Response:
    store = request.app.state.store
    try:
        query = parse(request.query_params.multi_items(), filters=DELETED_FILTERS, columns=DELETED_COLUMNS,
                      default_columns=DELETED_COLUMNS, suffix_format=suffix_format, aliases=DELETED_ALIASES)
    except AcledQueryError as exc:
        return acled_error(exc.messages, last_update=acled_read.hours_since_last_change(store))
    total = deletions.count(store, query.groups) if query.with_total else None
    return answer(store, query, _deleted_rows(store, query), kind="deleted", total=total)


READ_DOC = ("ACLED's read API (acleddata.com/api-documentation/acled-endpoint): ACLED's filters, "
            "`COLUMN_where`, `|` and `:OR:`, `limit` (0: all) and `page`, `fields`, `_format=json|csv`, "
            "`inter_num`, `with_total`; ACLED's envelope and columns. See docs/api.md.")
DELETED_DOC = ("ACLED's deleted endpoint (acleddata.com/api-documentation/deleted-endpoint): every event id "
               "that left the store, with `deleted_timestamp`; filter `deleted_timestamp` (or `timestamp`) "
               "at or after a unix time or a date.")


def _route(handler: Any, fmt: str | None) -> Any:
    def route(request: Request) -> Response:
        return handler(request, fmt)
    return route


def _register(path: str, handler: Any, doc: str) -> None:
    """The route and ACLED's older suffixed forms (read.csv, as acledR calls it)."""
    for suffix, fmt in (("", None), (".json", "json"), (".csv", "csv"), (".txt", "txt")):
        router.add_api_route(path + suffix, _route(handler, fmt), methods=["GET"], summary=doc.split(" (")[0],
                             description=doc, include_in_schema=suffix == "", name=f"{path}{suffix}")


_register("/acled/read", read_events, READ_DOC)
for _path in ("/deleted/read", "/deletions/read"):
    _register(_path, read_deleted, DELETED_DOC)
