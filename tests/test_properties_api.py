"""Properties of the JSON API: any query string gets a 2xx, or a 4xx in the documented envelope
{"ok": false, "error": ..., "errors": [{"loc", "msg"}], "status": ...}; never a 5xx.

Every query parameter of /api/events, /api/control and /api/stats (and unknown ones) is given
generated strings: SQL metacharacters, any Unicode, huge and negative numbers, bad dates, empty
values, and valid values too, so that requests get past validation into the store. The app runs
in process (starlette's TestClient) over a store holding the shared web test corpus, once on
SQLite and once on PostgreSQL (which refuses what SQLite takes, a NUL character in a string).
POST /api/reports is given generated texts and publication dates, coded by the real pipeline.
"""

from __future__ import annotations

import uuid
import warnings
from urllib.parse import quote

import hypothesis_profiles  # noqa: F401 - registers and loads the profile
import pytest
from hypothesis import event, example, given
from hypothesis import strategies as st
from starlette.exceptions import StarletteDeprecationWarning
from web_fixtures import fill_store, make_corpus

from kharita.control import refresh
from kharita.minimal import MinimalExtractor
from kharita.ontology import Certainty, EventType, SubEventType
from kharita.record import COLUMNS
from kharita.store import Store
from kharita.web.api import encode_cursor
from kharita.web.app import ReportIngester, create_app

with warnings.catch_warnings():     # starlette 1.x would rather have httpx2, which kharita does not pin
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

pytestmark = pytest.mark.issue(11)

@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request, tmp_path_factory):
    """An empty store for this module, on SQLite and on PostgreSQL (a schema of the session's
    test database, dropped after)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('api-props') / 'api.db'}"
        return
    import psycopg

    pg_url = request.getfixturevalue("pg_url")
    schema = f"props_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{pg_url}?options={quote(f'-csearch_path={schema}')}"
    finally:
        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(scope="module")
def client(store_url):
    """One app over one store for every example: the routes tested only read."""
    store = Store.open(store_url)
    fill_store(store, make_corpus())
    refresh(store)
    app = create_app(store, token="s3cret", ingest=ReportIngester(MinimalExtractor()))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client
    store.close()


# -- generated values ------------------------------------------------------------------------------------

SQL = ["' OR 1=1 --", "%", "_", "\\", "%%", "';DROP TABLE events;--", '"', "`", "*", "\x00", "NULL", "null",
       "1; SELECT 1", "\\%", "[", "]", "^", "$", "(", "')", "--", "/*", "||", "?", ":name", "%(x)s", "{}"]
ODD = ["", " ", ",", ",,,", "a,b", "é", "ı", "İ", "ğ", "ê", "\u200f", "\u202e", "\u200b", "\ufeff", "💥", "🇸🇾",
       "الحسكة", "true", "nan", "NaN", "inf", "-inf", "1e309", "-0", "0x10", "٣", "١٢", "Ⅻ", "1_000", "None"]
BAD_DATES = ["2015-02-30", "0000-00-00", "9999-12-31", "0001-01-01", "-2015-01-01", "2015-7-9", "20150709",
             "2015-07-09T00:00:00", "2015-07-09T25:00", "99999-01-01", "1436400000", "2015-W28", "today",
             "2015-07-09Z", "+002015-07-09", "1e10", "-1", "0", "253402300800", "-62135596800"]
NUMBERS = st.one_of(st.integers(-10**40, 10**40), st.integers(-10, 6000)).map(str)
bboxes = st.lists(st.one_of(st.floats(-200, 200), st.floats(), st.integers(-181, 181)),
                  min_size=3, max_size=5).map(lambda xs: ",".join(map(str, xs)))
cursors = st.one_of(
    st.tuples(st.one_of(st.none(), st.dates().map(str), st.sampled_from(BAD_DATES), st.integers()),
              st.one_of(st.text(max_size=20), st.integers(), st.none())
              ).map(lambda k: encode_cursor(list(k))),
    st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
                 | st.text(max_size=10),
                 lambda inner: st.lists(inner, max_size=3)
                 | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                 max_leaves=5).map(encode_cursor),
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=", max_size=40),
)
anything = st.one_of(st.text(max_size=40), st.sampled_from(SQL + ODD + BAD_DATES), NUMBERS,
                     st.floats().map(str), st.dates().map(str), st.text(min_size=195, max_size=520))

VALID = {
    "since": st.dates().map(str), "until": st.dates().map(str), "date": st.dates().map(str),
    "type": st.sampled_from([t.value for t in EventType]),
    "sub_type": st.sampled_from([s.value for s in SubEventType]),
    "certainty": st.sampled_from([c.value for c in Certainty]),
    "actor": st.sampled_from(["YPG", "ypg", "Islamic State", "%", "_", "İ"]),
    "q": st.sampled_from(["Hasakah", "clash", "%", "_", "'", "Raqqa"]),
    "limit": st.integers(1, 5000).map(str), "cursor": cursors,
    "format": st.sampled_from(["json", "geojson", "csv"]),
    "fields": st.lists(st.sampled_from(COLUMNS), max_size=4).map(",".join),
    "bbox": bboxes,
}
EVENTS = ["since", "until", "type", "sub_type", "actor", "certainty", "bbox", "q", "limit", "cursor",
          "format", "fields"]
CONTROL = ["date", "bbox"]
UNKNOWN = ["tpye", "page", "offset", "id", "Since", "date", "", "q[]", "%00", "\x00", "💥"]


@st.composite
def params(draw, names: list[str]) -> list[tuple[str, str]]:
    """Some of `names` (once or repeated) and, one time in four, an unknown one. A query is all
    valid values (so that it reaches the store), all generated ones, or a mix."""
    chosen = draw(st.lists(st.sampled_from(names), max_size=len(names)))
    if draw(st.integers(0, 3)) == 0:
        chosen.append(draw(st.sampled_from(UNKNOWN)))
    mode = draw(st.sampled_from(["valid", "valid", "mixed", "generated"]))
    out = []
    for name in chosen:
        valid = VALID.get(name)
        if valid is None or mode == "generated" or (mode == "mixed" and draw(st.booleans())):
            out.append((name, draw(anything)))
        else:
            out.append((name, draw(valid)))
    return out


# -- the property -------------------------------------------------------------------------------------------

def check(response) -> None:  # type: ignore[no-untyped-def]
    status = response.status_code
    event(f"HTTP {status}")
    assert status < 500, f"{status}: {response.text[:500]}"
    if status >= 400:
        body = response.json()
        assert body["ok"] is False and body["status"] == status, body
        assert isinstance(body["error"], str) and body["error"].strip(), body
        assert isinstance(body["errors"], list), body
        for item in body["errors"]:
            assert set(item) == {"loc", "msg"} and all(isinstance(v, str) for v in item.values()), body
        return
    assert 200 <= status < 300, status
    if "csv" in response.headers["content-type"]:
        assert response.text.startswith("event_id") or "," in response.text.split("\n", 1)[0]
    else:
        body = response.json()
        assert body.get("ok") is True or body.get("type") == "FeatureCollection", body


@given(query=params(EVENTS))
@example(query=[("since", "0001-01-01"), ("until", "9999-12-31"), ("q", "%"), ("actor", "_")])
@example(query=[("limit", "9" * 5000)])
@example(query=[("cursor", encode_cursor(["9999-12-31", "x"]))])
@example(query=[("q", "\x00")])
def test_events_answer_2xx_or_the_envelope(client, query):
    check(client.get("/api/events", params=query))


@given(query=params(CONTROL))
@example(query=[("date", "9999-12-31")])
@example(query=[("date", "2015-07-09"), ("bbox", "-180,-90,180,90")])
# regressions: a date in the first FIGHTING_DAYS days of year 1 was a 500 (OverflowError in
# kharita.control.state.load_timeline, looking back from it; fixed in b98fa4d)
@example(query=[("date", "0001-01-01")])
@example(query=[("date", "-62135596800")])         # the same day as a Unix timestamp
def test_control_answers_2xx_or_the_envelope(client, query):
    check(client.get("/api/control", params=query))


@given(query=st.one_of(st.just([]), params(UNKNOWN)))
def test_stats_answers_2xx_or_the_envelope(client, query):
    check(client.get("/api/stats", params=query))


@given(event_id=st.one_of(anything, st.sampled_from(["ev-hasakah-clash", "ev-hostile"])),
       query=st.one_of(st.just([]), params(UNKNOWN)))
def test_one_event_answers_2xx_or_the_envelope(client, event_id, query):
    check(client.get(f"/api/events/{quote(event_id, safe='')}", params=query))


# -- POST /api/reports, through the real coder ------------------------------------------------------------

@pytest.fixture(scope="module")
def posting(tmp_path_factory):
    """An app that takes reports, over its own SQLite store, coding them with the real pipeline."""
    from kharita.events import EventCoder
    from kharita.nlp.load import default_pipeline

    store = Store.open(tmp_path_factory.mktemp("api-post") / "post.db")
    app = create_app(store, token="s3cret", ingest=ReportIngester(EventCoder(default_pipeline())))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client
    store.close()


SENTENCES = ["Turkish jets struck PKK positions near Duhok on Monday, the army said.",
             "YPG fighters clashed with ISIS in Hesekê on 9 July 2015, killing 12.", "Hundreds protested."]


@pytest.mark.slow
@given(text=st.one_of(st.sampled_from(SENTENCES), st.text(max_size=80)),
       published=st.one_of(st.none(), st.dates().map(str), st.dates().map(str), anything))
# regression: a report published 0001-01-01 or 9999-12-31 was a 500 (merge could not date around it)
@example(text=SENTENCES[0], published="0001-01-01")
@example(text=SENTENCES[0], published="9999-12-31")
def test_posted_reports_answer_2xx_or_the_envelope(posting, text, published):
    body = {"text": text} if published is None else {"text": text, "published": published}
    check(posting.post("/api/reports", json=body, headers={"Authorization": "Bearer s3cret"}))
