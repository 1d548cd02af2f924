"""The JSON API: routes, request and response schemas, and the one error envelope.

Every route reads from the Store the app was made with (`request.app.state.store`); nothing here
knows which database is behind it. Every query parameter is validated by a pydantic model that
forbids unknown names, so a misspelt filter (`?tpye=Battles`) is a 422, never silently ignored.
Errors of any kind leave as one envelope:

    {"ok": false, "error": "what is wrong", "errors": [{"loc": "query.bbox", "msg": "..."}], "status": 422}
"""

from __future__ import annotations

import base64
import binascii
import csv
import datetime as dt
import hmac
import io
import json
import logging
from typing import Annotated, Any, Literal, get_origin

import anyio
import anyio.to_thread
from fastapi import APIRouter, Depends, Header, Path, Query, Request
from fastapi.routing import APIRoute
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from starlette.exceptions import HTTPException as StarletteHTTPException

from kharita.errors import ConfigError, GazetteerError, InputError, KharitaError, StoreConnectionError
from kharita.ingest.normalize import MAX_YEAR, MIN_YEAR
from kharita.ontology import Certainty, EventType, SubEventType
from kharita.record import COLUMNS, to_record
from kharita.store.reads import dumps, event_records

log = logging.getLogger(__name__)

router = APIRouter(prefix="/api")

MAX_LIMIT = 5000


# ---------------------------------------------------------------------------------------------
# The error envelope


class ErrorItem(BaseModel):
    loc: str = Field(description="where the problem is: query.bbox, body.text, header.authorization")
    msg: str


class ErrorEnvelope(BaseModel):
    ok: Literal[False] = False
    error: str = Field(description="one sentence saying what is wrong")
    errors: list[ErrorItem] = []
    status: int


class ApiError(Exception):
    """An error a route raises to answer with the envelope and a chosen status."""

    def __init__(self, status: int, error: str, errors: list[dict[str, str]] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(error)
        self.status = status
        self.error = error
        self.errors = errors or []
        self.headers = headers


def envelope(status: int, error: str, errors: list[dict[str, str]] | None = None,
             headers: dict[str, str] | None = None) -> JSONResponse:
    body = {"ok": False, "error": error, "errors": errors or [], "status": status}
    return JSONResponse(body, status_code=status, headers=headers)


#: Library errors that are the caller's fault, and the status each answers with.
KHARITA_STATUS: tuple[tuple[type[KharitaError], int], ...] = (
    (InputError, 400),
    (ConfigError, 400),
    (StoreConnectionError, 503),
    (GazetteerError, 503),
)


def _loc(parts: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in parts)


async def on_validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = []
    for err in exc.errors():
        msg = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        if err.get("type") == "extra_forbidden":
            msg = "unknown parameter; see /docs for the parameters this route takes"
        errors.append({"loc": _loc(tuple(err.get("loc", ()))), "msg": msg})
    summary = "; ".join(f"{e['loc']}: {e['msg']}" for e in errors) or "invalid request"
    return envelope(422, f"Invalid request: {summary}", errors)


async def on_api_error(request: Request, exc: ApiError) -> JSONResponse:
    return envelope(exc.status, exc.error, exc.errors, exc.headers)


async def on_kharita_error(request: Request, exc: KharitaError) -> JSONResponse:
    for kind, status in KHARITA_STATUS:
        if isinstance(exc, kind):
            return envelope(status, str(exc))
    log.exception("kharita error while answering %s", request.url.path)
    return envelope(500, f"{type(exc).__name__}: {exc}")


async def on_http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    error = exc.detail if isinstance(exc.detail, str) else "request failed"
    if exc.status_code == 404 and error == "Not Found":
        error = f"No such route: {request.url.path}. The API is described at /docs."
    return envelope(exc.status_code, error, headers=getattr(exc, "headers", None))


async def on_unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    """A bug: the client still gets the envelope; the traceback goes to the server's log."""
    log.error("unexpected %s while answering %s", type(exc).__name__, request.url.path)
    return envelope(500, "Internal error; the server log has the details.")


EXCEPTION_HANDLERS = {
    Exception: on_unexpected_error,
    RequestValidationError: on_validation_error,
    ApiError: on_api_error,
    KharitaError: on_kharita_error,
    StarletteHTTPException: on_http_error,
}

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    422: {"model": ErrorEnvelope, "description": "a parameter is missing, unknown or invalid"},
}


# ---------------------------------------------------------------------------------------------
# Query parameters


def _split_values(value: Any) -> Any:
    """Accept both `?type=A&type=B` and `?type=A,B`."""
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    for item in items:
        out.extend(v.strip() for v in str(item).split(",") if v.strip())
    return out


def _no_nul(value: str | None) -> str | None:
    """A NUL character is in no name or text: SQLite would end the string there (and match
    everything), PostgreSQL refuses it; so it is a 422 here, whatever the backend."""
    if value is not None and "\x00" in value:
        raise ValueError("contains a NUL character (\\x00)")
    return value


def _check_bbox(value: str | None) -> str | None:
    if value is not None:
        parse_bbox(value)
    return value


def parse_bbox(value: str) -> tuple[float, float, float, float]:
    """minlon,minlat,maxlon,maxlat -> four floats; ValueError saying what is wrong."""
    parts = value.split(",")
    if len(parts) != 4:
        raise ValueError("bbox needs four comma-separated numbers: minlon,minlat,maxlon,maxlat")
    try:
        minlon, minlat, maxlon, maxlat = (float(p) for p in parts)
    except ValueError:
        raise ValueError(f"bbox has a value that is not a number: {value!r}") from None
    if not all(-180 <= v <= 180 for v in (minlon, maxlon)):
        raise ValueError("bbox longitudes must lie between -180 and 180")
    if not all(-90 <= v <= 90 for v in (minlat, maxlat)):
        raise ValueError("bbox latitudes must lie between -90 and 90")
    if minlon > maxlon or minlat > maxlat:
        raise ValueError("bbox minimum is greater than its maximum; the order is minlon,minlat,maxlon,maxlat")
    return minlon, minlat, maxlon, maxlat


class EventQuery(BaseModel):
    """Filters and paging of /api/events."""

    model_config = ConfigDict(extra="forbid")

    since: dt.date | None = Field(None, description="first event date, inclusive (YYYY-MM-DD)")
    until: dt.date | None = Field(None, description="last event date, inclusive (YYYY-MM-DD)")
    type: list[EventType] = Field([], description="ACLED event type(s); repeat or comma-separate")
    sub_type: list[SubEventType] = Field([], description="ACLED sub-event type(s)")
    actor: str | None = Field(None, min_length=1, max_length=200,
                              description="actor name (actor1, actor2 or an associated actor)")
    certainty: list[Certainty] = Field([], description="reported, claimed, unconfirmed")
    bbox: str | None = Field(None, description="minlon,minlat,maxlon,maxlat (WGS84 degrees)",
                             examples=["35.5,32.0,42.5,37.5"])
    q: str | None = Field(None, min_length=1, max_length=200, description="words in notes, place or actors")
    limit: int = Field(100, ge=1, le=MAX_LIMIT, description=f"events per page, 1 to {MAX_LIMIT}")
    cursor: str | None = Field(None, max_length=500, description="the `next_cursor` of the previous page")
    format: Literal["json", "geojson", "csv"] = "json"
    fields: list[str] = Field([], description="only these record columns (event_id always comes); "
                                              "repeat or comma-separate. Default: the whole record")

    _split = field_validator("type", "sub_type", "certainty", "fields", mode="before")(_split_values)
    _text = field_validator("actor", "q", "cursor")(_no_nul)

    @field_validator("fields")
    @classmethod
    def _check_fields(cls, value: list[str]) -> list[str]:
        unknown = [f for f in value if f not in COLUMNS]
        if unknown:
            raise ValueError(f"unknown field(s) {', '.join(unknown)}; fields are the record's columns: "
                             f"{', '.join(COLUMNS)}")
        return value

    _bbox = field_validator("bbox")(_check_bbox)

    @model_validator(mode="after")
    def _check_range(self) -> "EventQuery":
        if self.since and self.until and self.since > self.until:
            raise ValueError(f"since ({self.since}) is after until ({self.until})")
        return self

    @property
    def box(self) -> tuple[float, float, float, float] | None:
        return parse_bbox(self.bbox) if self.bbox else None


class ControlQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    date: dt.date = Field(description="the day to show who holds what (YYYY-MM-DD)")
    bbox: str | None = Field(None, description="minlon,minlat,maxlon,maxlat")

    _bbox = field_validator("bbox")(_check_bbox)


class PlaceQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    q: str = Field(min_length=1, max_length=200, description="a place name in any spelling")
    country: str | None = Field(None, pattern=r"^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2")
    limit: int = Field(10, ge=1, le=50)

    _text = field_validator("q")(_no_nul)


class NoQuery(BaseModel):
    """Routes that take no query parameters still refuse unknown ones."""

    model_config = ConfigDict(extra="forbid")


# ---------------------------------------------------------------------------------------------
# Response schemas (for the OpenAPI document; routes return plain JSON for speed)


class EvidenceOut(BaseModel):
    field: str
    start: int
    end: int
    text: str


class SourceOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    document_id: str
    external_id: str | None = None
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    published: str | None = None
    evidence: list[EvidenceOut] = []
    text: str | None = Field(None, description="the report's text (only on /api/events/{id})")


class EventRecord(BaseModel):
    """One event: ACLED's 31 columns, then kharita's (kharita.record.COLUMNS)."""

    model_config = ConfigDict(extra="allow")

    event_id: str
    event_date: str | None = Field(description="YYYY-MM-DD; null when the date is unknown (year and "
                                   "time_precision are null too)")
    event_type: str
    sub_event_type: str
    actor1: str
    actor2: str
    location: str
    latitude: float
    longitude: float
    certainty: str
    fatalities: int | None
    sources: list[SourceOut]


class EventPage(BaseModel):
    ok: Literal[True] = True
    events: list[EventRecord]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page; null on the last")


class ReportIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=5_000_000)
    url: str | None = Field(None, max_length=2000)
    title: str | None = Field(None, max_length=1000)
    outlet: str | None = Field(None, max_length=500)
    published: dt.date | None = None
    id: str | None = Field(None, max_length=500, description="your own id for the report, kept verbatim")

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("text is blank")
        return value

    @field_validator("published")
    @classmethod
    def _plausible(cls, value: dt.date | None) -> dt.date | None:
        """As ingest reads publication dates: year 1 or 9999 is a placeholder (and was a 500)."""
        if value is not None and not MIN_YEAR <= value.year <= MAX_YEAR:
            raise ValueError(f"published must be a date from {MIN_YEAR} to {MAX_YEAR}")
        return value


class ReportOut(BaseModel):
    ok: Literal[True] = True
    document_id: str
    events: list[str]
    stored: bool = Field(description="false when the same text was already stored")


# ---------------------------------------------------------------------------------------------
# Cursors: opaque to clients, the store's keyset position inside


def encode_cursor(key: Any) -> str:
    raw = json.dumps(key, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(cursor: str) -> Any:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        return json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise ApiError(422, "Invalid request: query.cursor: not a cursor this server issued; "
                       "use the next_cursor of a previous page",
                       [{"loc": "query.cursor", "msg": "not a cursor this server issued"}]) from None


# ---------------------------------------------------------------------------------------------
# Routes


def get_store(request: Request) -> Any:
    return request.app.state.store


def _events_page(store: Any, query: EventQuery) -> tuple[list[dict[str, Any]], str | None]:
    """One page of records, read straight from the rows (kharita.store.reads), and the cursor
    of the next page."""
    after = decode_cursor(query.cursor) if query.cursor else None
    records = event_records(
        store, since=query.since, until=query.until,
        event_types=[t.value for t in query.type] or None,
        sub_types=[s.value for s in query.sub_type] or None,
        actor=query.actor,
        certainty=[c.value for c in query.certainty] or None,
        bbox=query.box, q=query.q,
        after=_after_key(after), limit=query.limit + 1,
    )
    next_cursor = None
    if len(records) > query.limit:
        records = records[: query.limit]
        next_cursor = encode_cursor(_cursor_key(records[-1]))
    return records, next_cursor


def _cursor_key(record: dict[str, Any]) -> list[str | None]:
    """[event_date, event_id]; the date is null for an undated event (those come last)."""
    return [record["event_date"], record["event_id"]]


def _after_key(key: Any) -> tuple[dt.date | None, str] | None:
    if key is None:
        return None
    try:
        day, event_id = key
        return (None if day is None else dt.date.fromisoformat(day)), str(_no_nul(str(event_id)))
    except (TypeError, ValueError):
        raise ApiError(422, "Invalid request: query.cursor: not a cursor this server issued",
                       [{"loc": "query.cursor", "msg": "not a cursor this server issued"}]) from None


def feature_of(record: dict[str, Any]) -> dict[str, Any]:
    """A GeoJSON Feature of one event record; `sources` stays out (fetch /api/events/{id})."""
    props = {k: v for k, v in record.items() if k != "sources"}
    return {
        "type": "Feature",
        "id": record["event_id"],
        "geometry": {"type": "Point", "coordinates": [record["longitude"], record["latitude"]]},
        "properties": props,
    }


def csv_text(records: list[dict[str, Any]], columns: list[str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for record in records:
        row = dict(record)
        if "sources" in row:
            row["sources"] = json.dumps(record["sources"], ensure_ascii=False)
        writer.writerow(row)
    return out.getvalue()


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(dumps(body), status_code=status, media_type="application/json", headers=headers)


def list_events(query: Annotated[EventQuery, Query()], store: Any = Depends(get_store)) -> Response:
    """Filter by date, type, actor, certainty, bbox and text. Pages follow a keyset cursor:
    pass the `next_cursor` of one page as `cursor` to get the next (with the same filters).
    `format=geojson` answers a FeatureCollection, `format=csv` ACLED's columns then kharita's;
    both carry the next cursor in the `X-Next-Cursor` header as well."""
    records, next_cursor = _events_page(store, query)
    columns = list(COLUMNS)
    if query.fields:
        columns = ["event_id", *(f for f in query.fields if f != "event_id")]
        if query.format == "geojson":
            columns_kept = columns + [c for c in ("latitude", "longitude") if c not in columns]
        else:
            columns_kept = columns
        records = [{k: r[k] for k in columns_kept} for r in records]
    headers = {"X-Next-Cursor": next_cursor} if next_cursor else {}
    if query.format == "csv":
        return Response(csv_text(records, columns), media_type="text/csv; charset=utf-8", headers=headers)
    if query.format == "geojson":
        body = {"type": "FeatureCollection", "features": [feature_of(r) for r in records],
                "next_cursor": next_cursor}
        return Response(dumps(body), media_type="application/geo+json", headers=headers)
    return _json({"ok": True, "events": records, "next_cursor": next_cursor}, headers=headers)


class EventsRoute(APIRoute):
    """/api/events without FastAPI's per-request dependency solving (issue 12: about 0.7 ms of a
    4 ms request at 1M events): the query is validated by the same EventQuery, the values read
    from the query string as FastAPI reads them (a list field takes every value, any other the
    last, an unknown name stays in to be refused), and a failure is the same RequestValidationError
    with the same `query.` locations. The OpenAPI document still comes from the endpoint's signature."""

    def get_route_handler(self) -> Any:
        endpoint = self.endpoint

        async def handler(request: Request) -> Response:
            query = query_model(EventQuery, request.query_params)
            store = request.app.state.store
            return await anyio.to_thread.run_sync(endpoint, query, store, limiter=_read_limiter(request))

        return handler


#: Threads of a server process that read pages of /api/events at once, by backend. More only
#: fight over the GIL: sqlite3 lets it go and takes it back for every row it steps, and at 1M
#: events with 8 clients on 2 cores 4 threads a process cost 6 ms of CPU a request, 40 (anyio's
#: default) 8 ms, 2 threads 3.9 ms (bench/api_load.py, issue 12). Two, not one: the kernel deals
#: kept-alive connections out unevenly (6/2 of 8 over 2 processes), and the busier process then
#: reads while the other has nothing to do: in three alternating runs 1 thread gave 336 req/s and a
#: p95 of 67 ms (3.15 ms of CPU a request), 2 threads 411 req/s and 54 ms (3.45 ms). PostgreSQL's
#: driver waits on the server, so 4 threads keep it busy; the other requests wait in the event
#: loop, not in a thread.
READ_THREADS = {"sqlite": 2, "postgresql": 4}


def _read_limiter(request: Request) -> Any:
    """The app's limiter of /api/events' reading threads, made on its first request."""
    state = request.app.state
    limiter = getattr(state, "events_limiter", None)
    if limiter is None:
        limiter = state.events_limiter = anyio.CapacityLimiter(READ_THREADS.get(state.store.backend, 4))
    return limiter


_SEQUENCE_FIELDS: dict[type[BaseModel], frozenset[str]] = {}


def query_model(model: type[BaseModel], params: Any) -> Any:
    """`model` validated from a request's QueryParams as FastAPI's `Annotated[model, Query()]` does."""
    lists = _SEQUENCE_FIELDS.get(model)
    if lists is None:
        lists = _SEQUENCE_FIELDS[model] = frozenset(
            name for name, field in model.model_fields.items() if get_origin(field.annotation) is list)
    values: dict[str, Any] = {}
    for key in params.keys():
        if key in lists:
            values[key] = params.getlist(key)
        elif key in model.model_fields:
            values[key] = params[key]
        else:
            got = params.getlist(key)
            values[key] = got[0] if len(got) == 1 else got
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        raise RequestValidationError([{**e, "loc": ("query", *e["loc"])}
                                      for e in exc.errors(include_url=False)]) from None


router.add_api_route("/events", list_events, methods=["GET"], route_class_override=EventsRoute,
                     responses={200: {"model": EventPage}, **ERROR_RESPONSES},
                     summary="Events matching the filters, by date then id, one page at a time")


@router.get("/events/{event_id}", responses={200: {"model": EventRecord}, 404: {"model": ErrorEnvelope}},
            summary="One event with its sources, evidence spans and the reports' text")
def get_event(event_id: Annotated[str, Path(min_length=1, max_length=200, pattern=r"^[^\x00]+$")],
              query: Annotated[NoQuery, Query()], store: Any = Depends(get_store)) -> Response:
    event = store.get_event(event_id)
    if event is None:
        raise ApiError(404, f"No event {event_id!r}. List events with /api/events.",
                       [{"loc": "path.event_id", "msg": "no such event"}])
    record = to_record(event)
    for source in record["sources"]:
        source["text"] = _document_text(store, source["document_id"])
    return _json({"ok": True, "event": record})


def _document_text(store: Any, document_id: str) -> str | None:
    document = store.get_document(document_id)
    return document.text if document is not None else None


@router.get("/control", responses={200: {"description": "GeoJSON FeatureCollection"}, **ERROR_RESPONSES},
            summary="Who holds each place on a date (GeoJSON points; contested ones marked)")
def control(query: Annotated[ControlQuery, Query()], request: Request,
            store: Any = Depends(get_store)) -> Response:
    from kharita.control import control_geojson
    from kharita.control.materialised import control_at

    box = parse_bbox(query.bbox) if query.bbox else None
    states = control_at(store, query.date, bbox=box)
    body = control_geojson(states)
    body["date"] = query.date.isoformat()
    return Response(dumps(body), media_type="application/geo+json")


@router.get("/places", responses=ERROR_RESPONSES, summary="Gazetteer look-up: what a place name could mean")
def places(query: Annotated[PlaceQuery, Query()], request: Request) -> Response:
    gazetteer = request.app.state.gazetteer()
    found = gazetteer.candidates(query.q, country=query.country.upper() if query.country else None,
                                 limit=query.limit)
    return _json({"ok": True, "places": [_candidate(c) for c in found]})


def _candidate(candidate: Any) -> dict[str, Any]:
    p = candidate.place
    return {
        "name": p.name, "country_code": p.country_code, "lat": p.lat, "lon": p.lon,
        "key": p.key, "geonameid": p.geonameid, "wof_id": p.wof_id, "feature_code": p.feature_code,
        "admin1": p.admin1, "admin2": p.admin2, "population": p.population,
        "score": round(candidate.score, 4), "matched_name": candidate.matched_name, "match": candidate.match,
    }


@router.get("/actors", responses=ERROR_RESPONSES,
            summary="The actor dictionary: name, ACLED actor type, country, parent")
def actors(query: Annotated[NoQuery, Query()], request: Request) -> Response:
    return _json({"ok": True, "actors": request.app.state.actors()})


@router.get("/stats", responses=ERROR_RESPONSES, summary="Event counts by type and by ISO week")
def stats(query: Annotated[NoQuery, Query()], store: Any = Depends(get_store)) -> Response:
    """`by_week` lists ISO weeks in order, each with its Monday (`start`) and its count;
    `undated` counts the events whose date is unknown (in no week)."""
    counts = store.stats()
    weeks = [{"week": week, "start": dt.date.fromisoformat(f"{week}-1").isoformat(), "count": n}
             for week, n in sorted(counts.get("by_week", {}).items())]
    return _json({
        "ok": True,
        "documents": counts.get("documents", 0),
        "events": counts.get("events", 0),
        "by_event_type": counts.get("by_event_type", {}),
        "by_sub_event_type": counts.get("by_sub_event_type", {}),
        "by_week": weeks,
        "undated": counts.get("undated", 0),
    })


@router.get("/config", include_in_schema=False)
def config(request: Request) -> Response:
    """What the map page needs to know: tile URL, attribution, whether reports can be posted."""
    state = request.app.state
    return _json({"ok": True, "tile_url": state.tile_url, "tile_attribution": state.tile_attribution,
                  "writable": state.token is not None})


@router.post("/reports", status_code=201, responses={
    201: {"model": ReportOut}, 401: {"model": ErrorEnvelope}, 403: {"model": ErrorEnvelope},
    **ERROR_RESPONSES},
    summary="Ingest one report (only when the server has a KHARITA_TOKEN)")
def post_report(report: ReportIn, request: Request,
                authorization: Annotated[str | None, Header()] = None,
                store: Any = Depends(get_store)) -> Response:
    check_token(request.app.state.token, authorization)
    ingest = request.app.state.ingest
    document_id, event_ids, stored = ingest(store, report)
    return _json({"ok": True, "document_id": document_id, "events": event_ids, "stored": stored}, status=201)


def check_token(expected: str | None, authorization: str | None) -> None:
    """401 without credentials, 403 with wrong ones; 403 always when the server is read-only."""
    if expected is None:
        raise ApiError(403, "This server is read-only. Start it with KHARITA_TOKEN set to accept reports.")
    challenge = {"WWW-Authenticate": "Bearer"}
    if not authorization:
        raise ApiError(401, "Missing Authorization header; send 'Authorization: Bearer <token>'.",
                       [{"loc": "header.authorization", "msg": "missing"}], challenge)
    scheme, _, given = authorization.partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        raise ApiError(401, "Authorization must be 'Bearer <token>'.",
                       [{"loc": "header.authorization", "msg": "not a bearer token"}], challenge)
    if not hmac.compare_digest(given.strip().encode(), expected.encode()):
        raise ApiError(403, "Wrong token.", [{"loc": "header.authorization", "msg": "wrong token"}])
