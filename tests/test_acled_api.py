"""ACLED's read API over a kharita store (issue 13), through a real uvicorn server on 127.0.0.1.

The routes answer ACLED's requests as ACLED does (docs/api.md, "ACLED's API"): the parameter and
envelope tests run on SQLite and PostgreSQL; then ACLED's clients drive a running `kharita serve`:
the `acled` package from PyPI, the requests acledR's `acled_api()` and `acled_deletions_api()`
send (their documented URL shapes, over httpx), and pandas reading the CSV from the URL. The sync
test keeps a client's copy in step with `timestamp` and the deletions feed, as acledR's
`acled_update` does, across a second ingest with merges and a deletion.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import subprocess
import sys
import time
import uuid
from urllib.parse import quote

import httpx
import pytest
from web_fixtures import ServerThread, fill_store, free_port, make_corpus

from kharita import pipeline
from kharita.minimal import MinimalExtractor
from kharita.models import Document
from kharita.record import ACLED_COLUMNS, to_record
from kharita.store import Store
from kharita.web.app import create_app

pytestmark = pytest.mark.issue(13)

ACLED_ID = re.compile(r"^[A-Z]{3}[1-9][0-9]*$")


def schema_url(pg_url: str) -> str:
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{name}"')
    return f"{pg_url}?options={quote(f'-csearch_path={name}')}"


@pytest.fixture(scope="module")
def corpus():
    return make_corpus()


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def served(request, corpus, tmp_path_factory):
    """A filled store on each backend, served by uvicorn; yields (store, httpx client)."""
    url = (f"sqlite:///{tmp_path_factory.mktemp('acled') / 'acled.db'}" if request.param == "sqlite"
           else schema_url(request.getfixturevalue("pg_url")))
    with Store.open(url) as store:
        fill_store(store, corpus)
        with ServerThread(create_app(store, gazetteer=object())) as server, \
                httpx.Client(base_url=server.url, timeout=30) as client:
            yield store, client


def read(client: httpx.Client, path: str = "/api/acled/read", **params: str) -> dict:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["success"] is True and body["status"] == 200
    return body


def event_ids(client: httpx.Client, **params: str) -> set[str]:
    return {row["event_id"] for row in read(client, fields="event_id", limit="0", **params)["data"]}


def expected(corpus, keep) -> set[str]:
    return {e.event_id for e in corpus.events if keep(to_record(e))}


# -- the envelope and the rows -------------------------------------------------------------------

def test_the_envelope_and_the_rows_are_acleds(served, corpus):
    store, client = served
    body = read(client)
    assert {"status", "success", "last_update", "count", "messages", "data", "filename"} <= set(body)
    assert isinstance(body["last_update"], int) and body["messages"] == []
    assert body["count"] == len(body["data"]) == len(corpus.events)
    for row in body["data"]:
        assert list(row) == list(ACLED_COLUMNS)
        assert ACLED_ID.match(row["event_id_cnty"]), row["event_id_cnty"]
        assert all(isinstance(v, str) for v in row.values())          # ACLED's JSON: strings
        assert row["fatalities"].isdigit()                             # 0 when none is stated
    dates = [row["event_date"] for row in body["data"]]
    assert dates == sorted(dates, reverse=True)                        # latest first
    clash = next(r for r in body["data"] if r["event_date"] == "2015-07-09" and r["sub_event_type"] == "Armed clash")
    assert (clash["country"], clash["iso"], clash["region"], clash["interaction"], clash["fatalities"]) == (
        "Syria", "760", "Middle East", "Rebel group-Identity militia", "12")
    assert clash["event_id_cnty"].startswith("SYR") and clash["timestamp"].isdigit()


@pytest.mark.parametrize("params, keep", [
    ({"event_date": "2016-03-01|2016-11-01", "event_date_where": "BETWEEN"},
     lambda r: "2016-03-01" <= r["event_date"] <= "2016-11-01"),
    ({"event_date": "2015-07-09"}, lambda r: r["event_date"] == "2015-07-09"),
    ({"event_date": "2017-01-20", "event_date_where": ">"}, lambda r: r["event_date"] > "2017-01-20"),
    ({"event_date": "2016-01-01", "event_date_where": "<"}, lambda r: r["event_date"] < "2016-01-01"),
    ({"year": "2016"}, lambda r: r["year"] == 2016),
    ({"country": "Iraq"}, lambda r: r["country"] == "Iraq"),
    ({"country": "iraq|Syria"}, lambda r: r["country"] in ("Iraq", "Syria")),
    ({"iso": "368"}, lambda r: r["iso"] == 368),
    ({"region": "11"}, lambda r: r["region"] == "Middle East"),
    ({"region": "Middle East"}, lambda r: r["region"] == "Middle East"),
    ({"region": "12"}, lambda r: False),
    ({"admin1": "Hasakah"}, lambda r: "Hasakah" in r["admin1"]),
    ({"admin1": "Nineveh", "admin1_where": "="}, lambda r: r["admin1"] == "Nineveh"),
    ({"admin2": "nothing"}, lambda r: False),
    ({"admin3": ""}, lambda r: True),                                 # an empty filter filters nothing
    ({"location": "qamishli"}, lambda r: r["location"] == "Qamishli"),
    ({"event_type": "BATTLES"}, lambda r: r["event_type"] == "Battles"),
    ({"event_type": "Battles|Protests"}, lambda r: r["event_type"] in ("Battles", "Protests")),
    ({"sub_event_type": "Armed clash"}, lambda r: r["sub_event_type"] == "Armed clash"),
    ({"disorder_type": "Demonstrations"}, lambda r: "Demonstrations" in r["disorder_type"]),
    ({"actor1": "ypg"}, lambda r: "YPG" in r["actor1"]),
    ({"actor2": "Islamic State"}, lambda r: r["actor2"] == "Islamic State"),
    ({"inter1": "1"}, lambda r: r["inter1"] == "State forces"),
    ({"inter1": "rebel group"}, lambda r: r["inter1"] == "Rebel group"),
    ({"inter2": "0"}, lambda r: r["inter2"] == ""),
    ({"interaction": "24"}, lambda r: r["interaction"] == "Rebel group-Identity militia"),
    ({"interaction": "10"}, lambda r: r["interaction"] == "State forces only"),
    ({"interaction": "State forces only"}, lambda r: r["interaction"] == "State forces only"),
    ({"fatalities": "0", "fatalities_where": ">"}, lambda r: (r["fatalities"] or 0) > 0),
    ({"geo_precision": "1"}, lambda r: r["geo_precision"] == 1),
    ({"country": "Iraq:OR:actor1=YPG"}, lambda r: r["country"] == "Iraq" or "YPG" in r["actor1"]),
    ({"country": "Syria", "event_type": "Battles"}, lambda r: r["country"] == "Syria" and r["event_type"] == "Battles"),
    ({"timestamp": "0"}, lambda r: True),
    ({"timestamp": "2015-01-01"}, lambda r: r["timestamp"] >= 1420070400),
    ({"notes": "Panorama"}, lambda r: "Panorama" in r["notes"]),
])
def test_acleds_filters(served, corpus, params, keep):
    _, client = served
    assert event_ids(client, **params) == expected(corpus, keep)


def test_fields_limit_page_and_totals(served, corpus):
    _, client = served
    body = read(client, fields="event_id_cnty|event_date|fatalities", limit="3", with_total="true")
    assert body["count"] == 3 and body["total_count"] == len(corpus.events)
    assert all(list(row) == ["event_id_cnty", "event_date", "fatalities"] for row in body["data"])
    seen = []
    for page in range(1, 6):
        seen += [r["event_id_cnty"] for r in read(client, fields="event_id_cnty", limit="3", page=str(page))["data"]]
    assert len(seen) == len(set(seen)) == len(corpus.events)           # every event once, in pages
    assert read(client, limit="0")["count"] == len(corpus.events)
    assert read(client)["count"] == len(corpus.events)                 # ACLED's default: 5000 a page


def test_numeric_actor_codes_with_inter_num(served):
    _, client = served
    rows = read(client, fields="inter1|inter2|interaction", inter_num="1", actor1="YPG",
                actor2="Islamic State", actor2_where="=")["data"]
    assert rows == [{"inter1": "4", "inter2": "2", "interaction": "24"}]
    alone = read(client, fields="inter2|interaction", inter_num="1", inter2="0", inter1="1", limit="1")["data"]
    assert alone == [{"inter2": "0", "interaction": "10"}]


@pytest.mark.parametrize("path, params", [
    ("/api/acled/read", {"_format": "csv"}),
    ("/api/acled/read.csv", {}),
    ("/api/acled/read", {"export_type": "csv"}),
])
def test_the_csv_forms(served, corpus, path, params):
    _, client = served
    response = client.get(path, params={**params, "limit": "0"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert list(rows[0]) == list(ACLED_COLUMNS) and len(rows) == len(corpus.events)


@pytest.mark.parametrize("params, says", [
    ({"tpye": "Battles"}, "Unknown parameter 'tpye'"),
    ({"event_date": "09/07/2015"}, "not a date"),
    ({"event_date": "2015-07-01", "event_date_where": "BETWEEN"}, "two values"),
    ({"event_date": "2015-08-01|2015-07-01", "event_date_where": "BETWEEN"}, "low value comes first"),
    ({"event_date": "2015-07-01", "event_date_where": "AROUND"}, "operators are"),
    ({"year": "twenty"}, "whole number"),
    ({"year": "2015", "year_where": "LIKE"}, "LIKE compares text"),
    ({"country": "Syria", "country_where": ">"}, "no order"),
    ({"inter1": "9"}, "actor type code"),
    ({"inter1": "Aliens"}, "not an ACLED actor type"),
    ({"interaction": "21"}, "interaction code"),
    ({"region": "99"}, "region number"),
    ({"timestamp": "yesterday"}, "unix timestamp"),
    ({"latitude": "north"}, "not a number"),
    ({"country": "Syria:OR:planet=Mars"}, "'planet' is not one"),
    ({"limit": "-1"}, "limit"),
    ({"page": "0"}, "numbered from 1"),
    ({"page": "2", "limit": "0"}, "page needs a limit"),
    ({"fields": "event_id_cnty|colour"}, "unknown column(s) colour"),
    ({"fields": "sources"}, "unknown column(s) sources"),
    ({"_format": "xml"}, "xml is not served"),
    ({"_format": "yaml"}, "use json or csv"),
    ({"export_type": "monadic"}, "monadic"),
    ({"with_total": "maybe"}, "true or false"),
    ({"population": "full"}, "no population"),
])
def test_bad_queries_get_acleds_error_never_a_5xx(served, params, says):
    _, client = served
    response = client.get("/api/acled/read", params=params)
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["success"] is False and body["status"] == 400 and body["data"] == []
    assert body["error"] and all(set(e) == {"status", "message"} for e in body["error"])
    assert any(says in m for m in body["messages"]), body["messages"]


def test_every_problem_of_a_query_is_named_at_once(served):
    _, client = served
    body = client.get("/api/acled/read", params={"tpye": "x", "year": "y", "limit": "z"}).json()
    assert len(body["error"]) == 3


def test_credentials_and_terms_are_taken_and_ignored(served, corpus):
    _, client = served
    assert read(client, key="k", email="e@example.org", terms="accept")["count"] == len(corpus.events)


# -- the deletions feed --------------------------------------------------------------------------

def test_deleted_events_are_on_the_feed_under_both_names(served):
    store, client = served
    [gone] = [e for e in store.iter_events() if e.event_id == "ev-wire-07"]
    acled_id = next(r["event_id_cnty"] for r in read(client, fields="event_id|event_id_cnty")["data"]
                    if r["event_id"] == gone.event_id)
    since = int(time.time())
    store.delete_events([gone.event_id])
    try:
        for path in ("/api/deleted/read", "/api/deletions/read"):
            body = read(client, path, deleted_timestamp=str(since))
            assert [(r["event_id_cnty"], r["event_id"]) for r in body["data"]] == [(acled_id, gone.event_id)]
            assert int(body["data"][0]["deleted_timestamp"]) >= since and body["count"] == 1
        assert read(client, "/api/deletions/read", timestamp=str(since + 3600))["data"] == []
        assert read(client, "/api/deleted/read", deleted_timestamp=dt.date.today().isoformat())["count"] == 1
        assert read(client, "/api/deleted/read", event_id_cnty=acled_id[:3])["count"] == 1
        assert event_ids(client, event_id_cnty=acled_id, event_id_cnty_where="=") == set()
        bad = client.get("/api/deleted/read", params={"country": "Syria"})
        assert bad.status_code == 400 and bad.json()["success"] is False
    finally:
        store.upsert_events([gone])                    # the module's other tests see it again
    assert read(client, "/api/deleted/read")["data"] == []   # stored again: off the feed


# -- a client's copy stays equal to the store ----------------------------------------------------

REPORTS_1 = [
    "Clashes broke out between rebels and regime forces in Homs on 2015-07-03.",
    "Regime forces shelled Aleppo on 2015-07-04.",
    "Protesters rallied in Raqqa on 2015-07-06.",
]
REPORTS_2 = [
    "Rebels and regime forces clashed in Homs on 2015-07-03, a monitor said.",   # merges into the first
    "Regime forces shelled Aleppo on 2015-07-04, killing 3, activists said.",    # and into the second
    "Rebels captured Idlib on 2015-07-08.",
]


def copy_of(client: httpx.Client) -> dict[str, dict[str, str]]:
    return {r["event_id_cnty"]: r for r in read(client, limit="0")["data"]}


def refresh(client: httpx.Client, local: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """acledR's acled_update: drop what was deleted since the newest timestamp held, then take
    every event changed at or after it."""
    newest = str(max(int(r["timestamp"]) for r in local.values()))
    gone = {r["event_id_cnty"] for r in read(client, "/api/deleted/read", deleted_timestamp=newest,
                                               limit="0")["data"]}
    changed = read(client, timestamp=newest, limit="0")["data"]
    kept = {k: v for k, v in local.items() if k not in gone}
    return {**kept, **{r["event_id_cnty"]: r for r in changed}}


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_copy_refreshed_with_timestamp_and_deletions_equals_the_store(backend, request, tmp_path):
    url = f"sqlite:///{tmp_path / 'sync.db'}" if backend == "sqlite" else schema_url(request.getfixturevalue("pg_url"))
    docs = lambda texts, tag: [Document.from_text(t, external_id=f"{tag}{i}", outlet=f"Outlet {tag}{i}")  # noqa: E731
                               for i, t in enumerate(texts)]
    with Store.open(url) as store, ServerThread(create_app(store, gazetteer=object())) as server, \
            httpx.Client(base_url=server.url, timeout=30) as client:
        pipeline.run(docs(REPORTS_1, "a"), store, extractor=MinimalExtractor())
        local = copy_of(client)
        assert len(local) == 3
        time.sleep(1.1)                                # the second ingest in a later second
        summary = pipeline.run(docs(REPORTS_2, "b"), store, extractor=MinimalExtractor())
        assert summary.events_merged == 2
        protest = next(e for e in store.iter_events() if e.sub_event_type.value == "Peaceful protest")
        store.delete_events([protest.event_id])
        local = refresh(client, local)
        assert local == copy_of(client)
        assert len(local) == 3                         # three, less the deleted one, plus Idlib
        merged = [r for r in local.values() if r["location"] == "Homs"]
        assert len(merged) == 1 and "; " in merged[0]["source"]      # both outlets, one event


# -- real clients against `kharita serve` --------------------------------------------------------

@pytest.fixture(scope="module")
def kharita_serve(corpus, tmp_path_factory):
    """`kharita serve` as its own process on a free port, over a filled SQLite store."""
    db = tmp_path_factory.mktemp("serve") / "served.db"
    with Store.open(db) as store:
        fill_store(store, corpus)
        store.delete_events(["ev-wire-00"])
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("KHARITA_TOKEN", "KHARITA_DB")}
    proc = subprocess.Popen([sys.executable, "-m", "kharita", "serve", "--db", str(db), "--port", str(port)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/api/stats", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"kharita serve did not start: {proc.stdout.read() if proc.stdout else ''}")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout:
            proc.stdout.close()


@pytest.fixture
def acled_client(kharita_serve, monkeypatch):
    """The `acled` package's client, pointed at kharita: ACLED_API_HOST (read when the package
    is imported) sets BaseHttpClient.BASE_URL; kharita's read routes need no credentials."""
    from acled import AcledClient
    from acled.auth import AuthMethod
    from acled.clients.base_http_client import BaseHttpClient

    class NoCredentials(AuthMethod):
        def authenticate(self, session, params):  # type: ignore[no-untyped-def]
            return params

        def refresh_if_needed(self, session):  # type: ignore[no-untyped-def]
            return None

        def force_refresh(self, session):  # type: ignore[no-untyped-def]
            return None

        def is_authenticated(self) -> bool:
            return True

    monkeypatch.setattr(BaseHttpClient, "BASE_URL", f"{kharita_serve}/api")
    client = AcledClient(auth_method=NoCredentials())
    yield client
    client.close()


def test_the_acled_package_reads_events_a_date_range_and_a_country(acled_client, corpus):
    everything = acled_client.get_data(limit=1000)
    assert len(everything) == len(corpus.events) - 1                    # one was deleted
    assert all(ACLED_ID.match(e["event_id_cnty"]) for e in everything)
    assert all(isinstance(e["event_date"], dt.date) and isinstance(e["fatalities"], int) for e in everything)
    in_2016 = acled_client.get_data(event_date="2016-03-10|2016-12-31", limit=1000,
                                    query_params={"event_date_where": "BETWEEN"})
    assert {e["event_date"] for e in in_2016} == {dt.date(2016, 3, 15), dt.date(2016, 6, 2),
                                                  dt.date(2016, 10, 17), dt.date(2016, 11, 1)}
    iraq = acled_client.get_data(country="Iraq", limit=1000)
    assert len(iraq) == 2 and {e["country"] for e in iraq} == {"Iraq"} and all(
        e["event_id_cnty"].startswith("IRQ") for e in iraq)
    deleted = acled_client.get_deleted_data(deleted_timestamp=0, limit=1000)
    assert len(deleted) == 1 and isinstance(deleted[0]["deleted_timestamp"], int)
    assert deleted[0]["event_id_cnty"] not in {e["event_id_cnty"] for e in everything}


def test_the_requests_acledr_sends(kharita_serve, corpus):
    """acled_api(country = c("Syria", "Iraq"), start_date, end_date, event_types = "Battles") and
    acled_deletions_api(date_deleted) build these URLs (acledR's R/acled_api.R: read.csv, email and
    key, `:OR:` between countries with country_where, BETWEEN dates, an empty timestamp, upper-
    cased event types, inter_num, limit=0)."""
    url = (f"{kharita_serve}/api/acled/read.csv?&email=jane@example.org&key=xyz"
           "&country=Syria:OR:country=Iraq&country_where=%3D"
           "&event_date=2015-01-01|2016-12-31&event_date_where=BETWEEN&timestamp="
           "&event_type=BATTLES:OR:event_type=EXPLOSIONS/REMOTE%20VIOLENCE&inter_num=0&limit=0")
    response = httpx.get(url)
    assert response.status_code == 200, response.text
    rows = list(csv.DictReader(io.StringIO(response.text)))
    wanted = {e.event_id for e in corpus.events if e.event_id != "ev-wire-00"
              and to_record(e)["event_type"] in ("Battles", "Explosions/Remote violence")
              and e.event_date.year in (2015, 2016)}
    assert len(rows) == len(wanted) and list(rows[0]) == list(ACLED_COLUMNS)
    since = dt.date.today().isoformat()
    deleted = httpx.get(f"{kharita_serve}/api/deleted/read.csv?&email=jane@example.org&key=xyz"
                        f"&deleted_timestamp={since}&limit=0")
    assert deleted.status_code == 200
    assert [r["event_id"] for r in csv.DictReader(io.StringIO(deleted.text))] == ["ev-wire-00"]


def test_pandas_reads_the_csv_export_from_the_url(kharita_serve, corpus):
    import pandas as pd

    frame = pd.read_csv(f"{kharita_serve}/api/acled/read?_format=csv&country=Syria&limit=0")
    assert list(frame.columns) == list(ACLED_COLUMNS)
    assert set(frame["country"]) == {"Syria"} and frame["iso"].eq(760).all()
    syrian = [e for e in corpus.events if e.place.country_code == "SY" and e.event_id != "ev-wire-00"]
    assert len(frame) == len(syrian)


@pytest.mark.parametrize("params", [
    {"country": "Syria\x00"}, {"actor1": "\x00"}, {"\x00": "x"},
    {"year": "9" * 40}, {"iso": str(2**40)}, {"fatalities": "-" + "9" * 30}, {"timestamp": "9" * 30},
    {"limit": "9" * 30}, {"limit": str(2**40)}, {"page": "9" * 30}, {"limit": "10", "page": str(2**31)},
    {"year": "²"}, {"limit": "²"}, {"page": "٣"}, {"inter1": "²"}, {"region": "¹¹"},
    {"latitude": "nan"}, {"longitude": "inf"}, {"event_date": "2015-02-30"},
    {"timestamp": "0001-01-01"}, {"timestamp": "9999-12-31"}, {"timestamp": "-" + "1" * 25},
    {"actor1": "%"}, {"actor1": "_"}, {"actor1": "\\"}, {"notes": "'; DROP TABLE events; --"},
    {"country": ":OR:"}, {"country": "Syria:OR:"}, {"country": "Syria:OR:=x"}, {"fields": "||"},
    {"country_where": "LIKE"}, {"event_date": "|", "event_date_where": "BETWEEN"},
    {"location": "Ḥasaka"}, {"admin1": "حسكة"}, {"interaction": "99"}, {"interaction": "State forces-"},
])
def test_no_query_string_gets_a_5xx(served, params):
    _, client = served
    for path in ("/api/acled/read", "/api/deleted/read"):
        response = client.get(path, params=params)
        assert response.status_code in (200, 400), (path, response.status_code, response.text)
        assert response.json()["success"] is (response.status_code == 200)
