"""The JSON API over a real store, through a real uvicorn server on 127.0.0.1."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from web_fixtures import ServerThread, fill_store, free_port, make_corpus

from kharita.control import refresh
from kharita.models import Document, Event, Evidence, Source
from kharita.record import COLUMNS, to_record
from kharita.store import Store
from kharita.minimal import MinimalExtractor
from kharita.web.app import ReportIngester, create_app

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "s3cret-token"


@pytest.fixture(scope="module")
def corpus():
    return make_corpus()


@pytest.fixture(scope="module")
def store(corpus, tmp_path_factory):
    store = Store.open(tmp_path_factory.mktemp("api") / "api.db")
    fill_store(store, corpus)
    refresh(store)
    yield store
    store.close()


@pytest.fixture(scope="module")
def api(store):
    # the keyword extractor: these tests are about the API's wiring, not the event coder's judgement
    with ServerThread(create_app(store, token=TOKEN, ingest=ReportIngester(MinimalExtractor()))) as server:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            yield client


def ids(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [e["event_id"] for e in response.json()["events"]]


def expected(corpus, keep) -> list[str]:
    """The corpus's events that `keep` accepts, in the API's order: by date, then id."""
    chosen = [e for e in corpus.events if keep(e)]
    return [e.event_id for e in sorted(chosen, key=lambda e: (e.event_date, e.event_id))]


# -- filters ---------------------------------------------------------------------------------------

def test_events_without_filters_are_all_events_by_date_then_id(api, corpus):
    assert ids(api.get("/api/events", params={"limit": 100})) == expected(corpus, lambda e: True)


@pytest.mark.parametrize("params, keep", [
    ({"since": "2016-03-15", "until": "2016-11-01"},
     lambda e: dt.date(2016, 3, 15) <= e.event_date <= dt.date(2016, 11, 1)),
    ({"type": "Battles"}, lambda e: to_record(e)["event_type"] == "Battles"),
    ({"type": "Protests,Explosions/Remote violence"},
     lambda e: to_record(e)["event_type"] in ("Protests", "Explosions/Remote violence")),
    ({"sub_type": "Armed clash"}, lambda e: e.sub_event_type.value == "Armed clash"),
    ({"actor": "ypg"}, lambda e: "YPG" in e.actor1.name or (e.actor2 is not None and "YPG" in e.actor2.name)),
    ({"certainty": ["claimed", "unconfirmed"]}, lambda e: e.certainty.value in ("claimed", "unconfirmed")),
    ({"bbox": "40.5,36.3,41.5,37.5"}, lambda e: 40.5 <= e.place.lon <= 41.5 and 36.3 <= e.place.lat <= 37.5),
    ({"q": "Panorama"}, lambda e: "Panorama" in e.notes or "Panorama" in e.place.name),
    ({"bbox": "38,35,42,38", "since": "2017-01-01", "type": "Battles"},
     lambda e: 38 <= e.place.lon <= 42 and 35 <= e.place.lat <= 38 and e.event_date >= dt.date(2017, 1, 1)
     and to_record(e)["event_type"] == "Battles"),
])
def test_each_filter_keeps_exactly_the_matching_events(api, corpus, params, keep):
    want = expected(corpus, keep)
    assert want, "the corpus must hold events for this filter, or the test proves nothing"
    assert ids(api.get("/api/events", params=params)) == want


def test_cursor_pages_cover_every_event_once_in_order(api, corpus):
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 5, **({"cursor": cursor} if cursor else {})}
        body = api.get("/api/events", params=params).json()
        seen += [e["event_id"] for e in body["events"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
        assert len(body["events"]) == 5
    assert seen == expected(corpus, lambda e: True)
    assert pages == -(-len(corpus.events) // 5)


def test_cursor_keeps_the_filters_of_its_query(api, corpus):
    first = api.get("/api/events", params={"type": "Battles", "limit": 2}).json()
    rest = api.get("/api/events", params={"type": "Battles", "limit": 100, "cursor": first["next_cursor"]})
    assert [e["event_id"] for e in first["events"]] + ids(rest) == expected(
        corpus, lambda e: to_record(e)["event_type"] == "Battles")


# -- formats ---------------------------------------------------------------------------------------

def test_geojson_is_a_feature_collection_of_points_at_the_events(api, corpus):
    response = api.get("/api/events", params={"format": "geojson", "limit": 4})
    assert response.headers["content-type"].startswith("application/geo+json")
    body = response.json()
    assert body["type"] == "FeatureCollection" and len(body["features"]) == 4
    by_id = {e.event_id: e for e in corpus.events}
    for feature in body["features"]:
        event = by_id[feature["id"]]
        assert feature["geometry"] == {"type": "Point", "coordinates": [round(event.place.lon, 5),
                                                                        round(event.place.lat, 5)]}
        assert feature["properties"]["sub_event_type"] == event.sub_event_type.value
    assert response.headers["x-next-cursor"] == body["next_cursor"]


def test_csv_has_the_record_columns_and_one_row_per_event(api, corpus):
    response = api.get("/api/events", params={"format": "csv", "limit": 100})
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert tuple(rows[0].keys()) == COLUMNS
    assert [r["event_id"] for r in rows] == expected(corpus, lambda e: True)
    assert all(isinstance(json.loads(r["sources"]), list) for r in rows)


@pytest.mark.parametrize("fmt", ["json", "geojson", "csv"])
def test_fields_narrow_the_record_in_every_format(api, corpus, fmt):
    response = api.get("/api/events", params={"fields": "sub_event_type,actor1", "format": fmt, "limit": 100})
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(response.text)))
    elif fmt == "geojson":
        rows = [f["properties"] for f in response.json()["features"]]
        assert all(set(r) == {"event_id", "sub_event_type", "actor1", "latitude", "longitude"} for r in rows)
    else:
        rows = response.json()["events"]
    if fmt != "geojson":
        assert all(list(r) == ["event_id", "sub_event_type", "actor1"] for r in rows)
    by_id = {e.event_id: e for e in corpus.events}
    assert len(rows) == len(corpus.events)
    assert all(r["actor1"] == by_id[r["event_id"]].actor1.name for r in rows)


def test_one_event_has_its_sources_evidence_and_report_text(api, corpus):
    body = api.get("/api/events/ev-hasakah-clash").json()
    assert body["ok"] is True
    record = body["event"]
    assert record["actor1"] == "YPG: People's Protection Units" and record["fatalities"] == 12
    [source] = record["sources"]
    assert source["outlet"] == "ANF" and source["external_id"] == "anf-1"
    fields = {e["field"] for e in source["evidence"]}
    assert {"trigger", "actor1", "actor2", "location", "fatalities"} <= fields
    for span in source["evidence"]:
        assert source["text"][span["start"]:span["end"]] == span["text"]


# -- errors: one envelope, a 4xx that says what is wrong ---------------------------------------------

@pytest.mark.parametrize("params, loc, words", [
    ({"bbox": "1,2,3"}, "query.bbox", "four"),
    ({"bbox": "a,b,c,d"}, "query.bbox", "not a number"),
    ({"bbox": "40,95,41,96"}, "query.bbox", "latitudes"),
    ({"bbox": "42,36,40,37"}, "query.bbox", "greater than"),
    ({"since": "2017-01-02", "until": "2017-01-01"}, "query", "after until"),
    ({"since": "last tuesday"}, "query.since", "date"),
    ({"type": "Battles,Skirmish"}, "query.type.1", "Battles"),
    ({"sub_type": "Ambush"}, "query.sub_type.0", "Armed clash"),
    ({"certainty": "sure"}, "query.certainty.0", "reported"),
    ({"limit": 0}, "query.limit", "greater than"),
    ({"limit": 100000}, "query.limit", "less than"),
    ({"format": "xml"}, "query.format", "json"),
    ({"tpye": "Battles"}, "query.tpye", "unknown parameter"),
    ({"cursor": "not-a-cursor!"}, "query.cursor", "not a cursor"),
    ({"cursor": "WyJ4Il0"}, "query.cursor", "not a cursor"),
    ({"q": "x" * 201}, "query.q", "at most 200"),
    ({"fields": "event_date,colour"}, "query.fields", "unknown field"),
])
def test_bad_parameters_answer_422_with_the_envelope(api, params, loc, words):
    response = api.get("/api/events", params=params)
    assert response.status_code == 422
    body = response.json()
    assert set(body) == {"ok", "error", "errors", "status"}
    assert body["ok"] is False and body["status"] == 422
    assert any(e["loc"] == loc and words.lower() in e["msg"].lower() for e in body["errors"]), body
    assert words.lower() in body["error"].lower()


@pytest.mark.parametrize("path, status", [
    ("/api/events/no-such-event", 404),
    ("/api/nowhere", 404),
    ("/api/control", 422),
    ("/api/control?date=2015-13-40", 422),
    ("/api/places", 422),
    ("/api/places?q=Hasakah&country=Syria", 422),
    ("/api/stats?verbose=1", 422),
])
def test_other_errors_use_the_same_envelope(api, path, status):
    response = api.get(path)
    assert response.status_code == status
    body = response.json()
    assert body["ok"] is False and body["status"] == status and body["error"]


# -- the other routes ----------------------------------------------------------------------------------

def test_stats_count_by_type_and_iso_week(api, corpus):
    body = api.get("/api/stats").json()
    assert body["events"] == len(corpus.events) and body["documents"] == len(corpus.documents)
    weeks: dict[str, int] = {}
    for e in corpus.events:
        year, week, _ = e.event_date.isocalendar()
        weeks[f"{year}-W{week:02d}"] = weeks.get(f"{year}-W{week:02d}", 0) + 1
    assert {w["week"]: w["count"] for w in body["by_week"]} == weeks
    for w in body["by_week"]:
        monday = dt.date.fromisoformat(w["start"])
        assert monday.weekday() == 0 and f"{monday.isocalendar()[0]}-W{monday.isocalendar()[1]:02d}" == w["week"]
    assert body["by_event_type"]["Battles"] == sum(to_record(e)["event_type"] == "Battles" for e in corpus.events)


def test_control_on_a_date_shows_who_holds_each_place(api):
    before = api.get("/api/control", params={"date": "2015-07-08"}).json()
    after = api.get("/api/control", params={"date": "2015-07-20"}).json()
    assert before["type"] == after["type"] == "FeatureCollection"
    names = lambda body: {f["properties"]["place"]: f["properties"]["controller"] for f in body["features"]}  # noqa: E731
    assert "al-Hasakah - Panorama" not in names(before)
    assert names(after)["al-Hasakah - Panorama"] == "Islamic State"
    later = names(api.get("/api/control", params={"date": "2017-07-01"}).json())
    assert later["Raqqa"] == "YPG: People's Protection Units"


def test_places_look_up_the_gazetteer(api):
    body = api.get("/api/places", params={"q": "Hasakah", "country": "sy"}).json()
    assert body["ok"] and body["places"]
    best = body["places"][0]
    assert best["country_code"] == "SY" and abs(best["lat"] - 36.5) < 0.3 and abs(best["lon"] - 40.75) < 0.3


def test_actors_list_the_dictionary(api):
    from kharita.actors import load_default

    actors = api.get("/api/actors").json()["actors"]
    assert {a["name"] for a in actors} == {a.name for a in load_default().actors()}
    assert "Islamic State" in {a["name"] for a in actors}
    assert all(set(a) >= {"name", "actor_type", "country"} for a in actors)


def test_docs_work_offline_from_vendored_swagger(api):
    page = api.get("/docs")
    assert page.status_code == 200
    assert not re.search(r"""(src|href)=["']https?://""", page.text), "the docs page must not load a CDN"
    for asset in re.findall(r"""(?:src|href)=["'](/static/[^"']+)""", page.text):
        assert api.get(asset).status_code == 200, asset
    spec = api.get("/openapi.json").json()
    assert {"/api/events", "/api/events/{event_id}", "/api/control", "/api/places", "/api/actors",
            "/api/stats", "/api/reports"} <= set(spec["paths"])


def test_map_page_allows_scripts_only_from_this_server(api):
    page = api.get("/")
    assert page.status_code == 200
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert not re.search(r"""(src|href)=["']https?://""", page.text)


# -- writing: only with a token ----------------------------------------------------------------------

REPORT = {"text": "Islamic State fighters captured Palmyra on Sunday after heavy clashes with the army.",
          "url": "https://example.org/palmyra", "title": "Palmyra falls", "outlet": "Test Wire",
          "published": "2016-12-11", "id": "tw-1"}


@pytest.mark.parametrize("headers, status", [
    ({}, 401),
    ({"Authorization": "Basic " + TOKEN}, 401),
    ({"Authorization": "Bearer wrong"}, 403),
])
def test_posting_a_report_needs_the_bearer_token(api, headers, status):
    response = api.post("/api/reports", json=REPORT, headers=headers)
    assert response.status_code == status
    assert response.json()["status"] == status


def test_posted_report_is_ingested_once(api, store):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    first = api.post("/api/reports", json=REPORT, headers=auth)
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["stored"] is True and body["events"]
    document = store.get_document(body["document_id"])
    assert document.external_id == "tw-1" and document.published == dt.date(2016, 12, 11)
    for event_id in body["events"]:
        record = api.get(f"/api/events/{event_id}").json()["event"]
        assert any(s["document_id"] == body["document_id"] for s in record["sources"])
    again = api.post("/api/reports", json=REPORT, headers=auth).json()
    assert again["stored"] is False and again["document_id"] == body["document_id"]


@pytest.mark.parametrize("payload, loc", [
    ({"url": "https://example.org"}, "body.text"),
    ({"text": "   "}, "body.text"),
    ({"text": "x", "published": "yesterday"}, "body.published"),
    ({"text": "x", "colour": "red"}, "body.colour"),
])
def test_bad_report_bodies_are_422(api, payload, loc):
    response = api.post("/api/reports", json=payload, headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 422
    assert any(e["loc"] == loc for e in response.json()["errors"])


def test_a_huge_body_is_refused_before_it_is_read(api):
    response = api.post("/api/reports", content=b"x" * (33 * 2**20),
                        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"})
    assert response.status_code == 413 and response.json()["status"] == 413


def test_without_a_token_the_server_is_read_only(store, monkeypatch):
    monkeypatch.delenv("KHARITA_TOKEN", raising=False)
    with ServerThread(create_app(store, token=None)) as server:
        response = httpx.post(server.url + "/api/reports", json=REPORT,
                              headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 403
    assert "read-only" in response.json()["error"]


# -- the same queries on both backends (conftest's store_url: SQLite, then PostgreSQL) --------------

BACKEND_QUERIES = [
    ({"limit": 100}, lambda e: True),
    ({"bbox": "38,35,42,38", "since": "2016-01-01"},
     lambda e: 38 <= e.place.lon <= 42 and 35 <= e.place.lat <= 38 and e.event_date >= dt.date(2016, 1, 1)),
    ({"actor": "ISLAMIC", "type": "Battles"},
     lambda e: to_record(e)["event_type"] == "Battles" and "Islamic State" in (e.actor1.name, getattr(e.actor2, "name", ""))),
    ({"certainty": "claimed,unconfirmed", "until": "2016-12-31"},
     lambda e: e.certainty.value != "reported" and e.event_date <= dt.date(2016, 12, 31)),
    ({"q": "panorama"}, lambda e: "Panorama" in e.notes),
]


def test_queries_give_the_same_answers_on_each_backend(store_url, corpus):
    store = Store.open(store_url)
    try:
        fill_store(store, corpus)
        with ServerThread(create_app(store)) as server, httpx.Client(base_url=server.url) as client:
            for params, keep in BACKEND_QUERIES:
                assert ids(client.get("/api/events", params=params)) == expected(corpus, keep), params
            first = client.get("/api/events", params={"limit": 3}).json()
            second = client.get("/api/events", params={"limit": 100, "cursor": first["next_cursor"]})
            assert [e["event_id"] for e in first["events"]] + ids(second) == expected(corpus, lambda e: True)
            stats = client.get("/api/stats").json()
            assert stats["events"] == len(corpus.events) and sum(w["count"] for w in stats["by_week"]) == stats["events"]
            record = client.get("/api/events/ev-hasakah-clash").json()["event"]
            assert record["sources"][0]["text"] == corpus.documents[0].text
    finally:
        store.close()


# -- the command ---------------------------------------------------------------------------------------

def test_serve_command_prints_the_url_and_serves(tmp_path, corpus):
    db = tmp_path / "served.db"
    seeded = Store.open(db)
    fill_store(seeded, corpus)
    seeded.close()
    port = free_port()
    env = {**os.environ, "KHARITA_TOKEN": ""}
    proc = subprocess.Popen([sys.executable, "-m", "kharita", "serve", "--db", str(db), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=ROOT)
    try:
        line = proc.stdout.readline()
        assert f"http://127.0.0.1:{port}/" in line
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/api/stats")
                break
            except httpx.ConnectError:
                assert time.monotonic() < deadline and proc.poll() is None, "kharita serve did not start"
                time.sleep(0.2)
        assert response.json()["events"] == len(corpus.events)
    finally:
        proc.terminate()
        proc.wait(10)


def test_a_configured_tile_server_is_announced_and_allowed(store):
    tiles = "https://{s}.tiles.example.org/{z}/{x}/{y}.png"
    with ServerThread(create_app(store, tile_url=tiles)) as server:
        config = httpx.get(server.url + "/api/config").json()
        policy = httpx.get(server.url + "/").headers["content-security-policy"]
    assert config["tile_url"] == tiles and config["writable"] is False
    assert "img-src 'self' data: https://*.tiles.example.org" in policy


# -- an unknown date (issue 10: no invented dates) ---------------------------------------------------

def undated_events(corpus) -> tuple[Document, list[Event]]:
    """A report with no date anywhere, and two events coded from it (one territorial)."""
    text = "IS fighters took Panorama without a fight. YPG fighters clashed with them in Hasakah."
    report = Document.from_text(text, external_id="no-date-1", outlet="Wire")
    source = Source(report.id, external_id="no-date-1", outlet="Wire",
                    evidence=(Evidence("trigger", 12, 16, "took"),))
    by_id = {e.event_id: e for e in corpus.events}
    return report, [
        dataclasses.replace(by_id[old], event_id=new, event_date=None, sources=(source,))
        for old, new in [("ev-panorama", "ev-undated-a"), ("ev-hasakah-clash", "ev-undated-b")]
    ]


@pytest.mark.issue(10)
def test_undated_events_come_last_with_null_dates_and_break_nothing(store_url, corpus):
    store = Store.open(store_url)
    try:
        fill_store(store, corpus)
        report, undated = undated_events(corpus)
        store.write_document(report, undated)
        refresh(store)
        everything = expected(corpus, lambda e: True) + ["ev-undated-a", "ev-undated-b"]
        with ServerThread(create_app(store)) as server, httpx.Client(base_url=server.url) as client:
            body = client.get("/api/events", params={"limit": 100}).json()
            assert [e["event_id"] for e in body["events"]] == everything
            last = body["events"][-1]
            assert (last["event_date"], last["year"], last["time_precision"]) == (None, None, None)
            seen, cursor = [], None                  # pages cross from the dated to the undated
            while True:
                params = {"limit": 4, **({"cursor": cursor} if cursor else {})}
                page = client.get("/api/events", params=params)
                assert page.status_code == 200, page.text
                seen += [e["event_id"] for e in page.json()["events"]]
                if (cursor := page.json()["next_cursor"]) is None:
                    break
            assert seen == everything
            dated = client.get("/api/events", params={"since": "2000-01-01", "limit": 100})
            assert ids(dated) == everything[:-2]
            geojson = client.get("/api/events", params={"format": "geojson", "limit": 100}).json()
            assert geojson["features"][-1]["properties"]["event_date"] is None
            rows = list(csv.DictReader(io.StringIO(client.get("/api/events", params={"format": "csv"}).text)))
            assert [rows[-1][c] for c in ("event_id", "event_date", "year")] == ["ev-undated-b", "", ""]
            one = client.get("/api/events/ev-undated-a")
            assert one.status_code == 200 and one.json()["event"]["event_date"] is None
            assert one.json()["event"]["sources"][0]["text"] == report.text
            stats = client.get("/api/stats").json()
            assert stats["undated"] == 2 and sum(w["count"] for w in stats["by_week"]) == stats["events"] - 2
            control = client.get("/api/control", params={"date": "2017-12-31"})
            assert control.status_code == 200
            assert "ev-undated-a" not in control.text        # an undated capture moves no front line
    finally:
        store.close()


# -- the fast /api/events route (issue 12) answers as FastAPI's own handling of EventQuery would -------

EVENT_QUERIES = [
    "", "limit=2", "limit=3&limit=2", "type=Battles&type=Riots&limit=2", "type=Battles,Riots", "type=Nope",
    "tpye=Battles", "foo=1&foo=2", "limit=0", "limit=abc", "since=2015-13-01", "since=2017-01-01&until=2016-01-01",
    "since=2016-01-01&since=2017-01-01&limit=1", "bbox=1,2,3", "bbox=38,35,42,38&certainty=reported,claimed",
    "fields=event_id,notes&limit=2", "fields=bogus", "cursor=%00", "cursor=zzzz", "actor=", "q=a%00b",
    "format=xml", "format=geojson&limit=1", "format=csv&limit=2", "sub_type=Armed%20clash&limit=1",
]


def test_events_route_answers_as_fastapi_would(store):
    from fastapi import APIRouter, FastAPI

    from kharita.web import api as web_api

    plain = FastAPI()
    for kind, handler in web_api.EXCEPTION_HANDLERS.items():
        plain.add_exception_handler(kind, handler)
    router = APIRouter(prefix="/api")
    router.add_api_route("/events", web_api.list_events, methods=["GET"])   # FastAPI's own route
    plain.include_router(router)
    plain.state.store = store
    with ServerThread(plain) as reference, ServerThread(create_app(store)) as server, \
            httpx.Client(base_url=reference.url) as want, httpx.Client(base_url=server.url) as got:
        for query in EVENT_QUERIES:
            a, b = want.get("/api/events?" + query), got.get("/api/events?" + query)
            assert (b.status_code, b.headers["content-type"], b.content) == \
                   (a.status_code, a.headers["content-type"], a.content), query
        spec = got.get("/openapi.json").json()["paths"]["/api/events"]["get"]
        assert [p["name"] for p in spec["parameters"]] == list(web_api.EventQuery.model_fields)
        assert {"200", "422"} <= set(spec["responses"])


def test_events_pages_are_read_in_few_threads(store):
    from kharita.web.api import READ_THREADS

    app = create_app(store)
    with ServerThread(app) as server, httpx.Client(base_url=server.url) as client:
        assert client.get("/api/events", params={"limit": 1}).status_code == 200
    assert app.state.events_limiter.total_tokens == READ_THREADS["sqlite"] == 2


# -- what the WebGL map draws (/api/layers, kharita.store.aggregates) -------------------------------

def unpack(body: bytes) -> list[tuple[float, float, int, int, int]]:
    """The layers' binary body as rows of (lon, lat, value, type, certainty)."""
    import numpy as np

    n = len(body) // 14
    lon, lat = np.frombuffer(body, "<f4", n, 0), np.frombuffer(body, "<f4", n, 4 * n)
    value, kind, certainty = (np.frombuffer(body, "<i4", n, 8 * n), np.frombuffer(body, "u1", n, 12 * n),
                              np.frombuffer(body, "u1", n, 13 * n))
    return list(zip(lon.tolist(), lat.tolist(), value.tolist(), kind.tolist(), certainty.tolist()))


def test_layer_points_are_every_match_with_its_day_type_and_certainty(api, corpus):
    from kharita.ontology import Certainty, EventType

    response = api.get("/api/layers/events", params={"view": "39,35,41,37", "zoom": 8})
    assert response.headers["x-kharita-mode"] == "points"
    rows = sorted(unpack(response.content))
    records = api.get("/api/events", params={"limit": 5000}).json()["events"]     # with any posted since
    day = lambda r: (dt.date.fromisoformat(r["event_date"]) - dt.date(1970, 1, 1)).days if r["event_date"] else -2**31
    want = sorted((round(r["longitude"], 3), round(r["latitude"], 3), day(r), list(EventType).index(r["event_type"]),
                   list(Certainty).index(r["certainty"])) for r in records)
    assert len(rows) == len(want) == int(response.headers["x-kharita-matched"])   # the view does not cut points
    assert [(round(r[0], 3), round(r[1], 3), *r[2:]) for r in rows] == want


def test_layer_grid_counts_the_events_in_the_view_per_cell(api, corpus):
    everything = api.get("/api/events", params={"limit": 5000}).json()["events"]
    view = (36.0, 34.0, 42.0, 38.0)
    inside = [e for e in everything if view[0] <= e["longitude"] <= view[2] and view[1] <= e["latitude"] <= view[3]]
    assert 0 < len(inside) < len(everything)
    response = api.get("/api/layers/events", params={"view": ",".join(map(str, view)), "zoom": 3, "max_points": 1})
    assert response.headers["x-kharita-mode"] == "grid"
    cells = unpack(response.content)
    assert sum(c[2] for c in cells) == len(inside) == int(response.headers["x-kharita-matched"])
    assert all(c[4] == 255 for c in cells)
    # one cell of about 32 px at zoom 3 (5.6 degrees): each event in the cell of its position
    size = 360.0 * 32 / (256.0 * 2 ** 3)
    import math

    by_cell: dict[tuple[int, int], list[dict]] = {}
    for e in inside:
        by_cell.setdefault((math.floor(e["latitude"] / size), math.floor(e["longitude"] / size)), []).append(e)
    assert sorted(c[2] for c in cells) == sorted(len(v) for v in by_cell.values())
    for lon, lat, count, _, _ in cells:
        members = next(v for v in by_cell.values() if len(v) == count and
                       abs(sum(e["longitude"] for e in v) / count - lon) < 1e-3 and
                       abs(sum(e["latitude"] for e in v) / count - lat) < 1e-3)
        assert members


def test_layer_weeks_count_every_event_and_those_the_filters_keep(api, corpus):
    body = api.get("/api/layers/weeks", params={"type": "Battles"}).json()
    records = api.get("/api/events", params={"limit": 5000}).json()["events"]     # with any posted since
    dated = [(dt.date.fromisoformat(r["event_date"]), r["event_type"]) for r in records if r["event_date"]]

    def monday(d: dt.date) -> str:
        return (d - dt.timedelta(days=d.weekday())).isoformat()

    every: dict[str, int] = {}
    battles: dict[str, int] = {}
    for day, kind in dated:
        every[monday(day)] = every.get(monday(day), 0) + 1
        if kind == "Battles":
            battles[monday(day)] = battles.get(monday(day), 0) + 1
    assert body["weeks"] == [[week, n, battles.get(week, 0)] for week, n in sorted(every.items())]
    assert body["events"] == len(records)


def test_layer_columns_read_the_actors_only_for_an_actor_filter(store):
    from kharita.store.aggregates import load_columns

    columns = load_columns(store)
    assert "actors" not in columns.__dict__
    everything = list(store.iter_events())
    assert len(columns) == len(everything)
    picked = columns.select(actor="islamic")
    assert "actors" in columns.__dict__
    records = [to_record(e) for e in everything]
    want = sum("islamic" in " ".join(r[c] or "" for c in ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2")).lower()
               for r in records)
    assert 0 < len(picked) == want


def test_the_map_page_names_the_offline_base_only_without_a_tile_server(store):
    with ServerThread(create_app(store)) as server:
        offline = httpx.get(server.url + "/").text
    with ServerThread(create_app(store, tile_url="https://tiles.example.org/{z}/{x}/{y}.png")) as server:
        online = httpx.get(server.url + "/").text
    assert '<meta name="kharita-base" content="/api/layers/base"' in offline
    assert "data-offline-base" not in online and "kharita-base" not in online and 'rel="modulepreload"' in online


@pytest.mark.issue(12)
def test_the_base_map_is_land_borders_and_admin1_decoded_from_world_atlas(api):
    from kharita.web.basemap import ADMIN1, COUNTRIES, LAND

    response = api.get("/api/layers/base")
    assert response.status_code == 200 and response.headers["content-type"] == "application/geo+json"
    features = response.json()["features"]
    land, border, *admin1 = features
    topology = json.loads(LAND.read_text())
    assert land["properties"] == {"kind": "land"} and land["geometry"]["type"] == "MultiPolygon"
    assert len(land["geometry"]["coordinates"]) == len(topology["objects"]["land"]["geometries"][0]["arcs"])
    for polygon in land["geometry"]["coordinates"][:50]:
        for ring in polygon:
            assert ring[0] == ring[-1] and all(-180 <= x <= 180 and -90 <= y <= 90 for x, y in ring)
    # only the arcs two countries share: a coast is land's, never a border
    countries = json.loads(COUNTRIES.read_text())
    shared = {}
    for g, geometry in enumerate(countries["objects"]["countries"]["geometries"]):
        for index in json.dumps(geometry.get("arcs", [])).replace("[", " ").replace("]", " ").replace(",", " ").split():
            i = int(index)
            shared.setdefault(i if i >= 0 else ~i, set()).add(g)
    assert border["properties"] == {"kind": "border"}
    assert len(border["geometry"]["coordinates"]) == sum(len(owners) > 1 for owners in shared.values()) > 100
    assert [f["geometry"] for f in admin1] == [f["geometry"] for f in json.loads(ADMIN1.read_text())["features"]]
    assert {f["properties"]["kind"] for f in admin1} == {"admin1"}
    again = api.get("/api/layers/base", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304 and not again.content
