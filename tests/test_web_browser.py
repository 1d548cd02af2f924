"""The WebGL map in Debian's headless Chromium (MapLibre on SwiftShader), driven by Playwright: the
offline base map at three zooms, the seed's events, the timeline, the control areas following it,
an event's and an area's evidence, hostile report text that must stay text, and 100k events drawn.

Screenshots go to artifacts/ (git-ignored). No browser is ever downloaded: a missing
/usr/bin/chromium is a failure that says how to install it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import httpx
import pytest
from web_fixtures import HOSTILE, ServerThread, make_corpus

from kharita import pipeline
from kharita.store import Store
from kharita.web import vendor
from kharita.minimal import MinimalExtractor
from kharita.web.app import ReportIngester, create_app

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "seed" / "report.jsonl"
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]
TOKEN = "browser-test-token"


def launch(playwright):  # type: ignore[no-untyped-def]
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"No Chromium at {CHROMIUM}. Install Debian's: apt-get install -y chromium (or `make browser`)")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if vendor.missing():
        pytest.fail(f"The map's JS libraries are missing ({', '.join(vendor.missing())}). "
                    "Run: npm ci && python -m kharita.web.vendor (or make setup)")
    store = Store.open(tmp_path_factory.mktemp("browser") / "seed.db")
    summary = pipeline.run([SEED], store)
    assert summary.events_written > 0, summary
    corpus = make_corpus()
    hostile_doc = corpus.documents[-1]
    store.write_document(hostile_doc, corpus.by_document[hostile_doc.id])
    # posted reports go through the keyword extractor, so the hostile one surely yields an event
    with ServerThread(create_app(store, token=TOKEN, ingest=ReportIngester(MinimalExtractor()))) as running:
        posted = httpx.post(running.url + "/api/reports", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=120,
                            json={"text": HOSTILE + " Clashes followed in Aleppo.", "id": "<b>posted</b>",
                                  "outlet": "<script>window.__kharita_pwned='posted'</script>",
                                  "published": "2017-07-09"})
        assert posted.status_code == 201, posted.text
        running.store = store
        running.posted = posted.json()
        yield running
    store.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.problems = []            # what must never happen: a dialog, a page error, a request off this host
    page.on("dialog", lambda d: (page.problems.append(f"dialog: {d.message}"), d.dismiss()))
    page.on("pageerror", lambda e: page.problems.append(f"page error: {e}"))
    page.on("request", lambda r: r.url.startswith(server.url) or r.url.startswith("data:")
            or page.problems.append(f"request off this host: {r.url}"))
    page.goto(server.url + "/")
    page.wait_for_selector("body[data-ready='1']", timeout=30000)
    yield page
    context.close()


def idle(page) -> None:  # type: ignore[no-untyped-def]
    page.evaluate("() => window.kharita.rendered()")


def zoom_to(page, lon: float, lat: float, zoom: float) -> None:  # type: ignore[no-untyped-def]
    page.evaluate("([lon, lat, zoom]) => window.kharitaMap.jumpTo({center: [lon, lat], zoom: zoom})", [lon, lat, zoom])
    page.wait_for_function(f"() => document.querySelector('#map').dataset.labelsAt === '{zoom:.2f}'")
    idle(page)


def drawn(page, layer: str) -> int:  # type: ignore[no-untyped-def]
    return page.evaluate("(l) => window.kharitaMap.queryRenderedFeatures({layers: [l]}).length", layer)


def shown(page) -> int:  # type: ignore[no-untyped-def]
    return int(page.get_attribute("#status", "data-shown"))


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


@pytest.mark.parametrize("zoom, lon, lat, name, admin_layer", [
    (5, 39.0, 35.5, "country", "admin1-line"),        # countries and governorates, cities
    (8, 40.75, 36.5, "governorate", "admin2-line"),   # al-Hasakah governorate: districts, towns
    (11, 40.75, 36.5, "town", "admin2-line"),         # al-Hasakah city: villages around it
])
def test_the_offline_base_map_at_three_zooms(page, zoom, lon, lat, name, admin_layer):
    zoom_to(page, lon, lat, zoom)
    assert drawn(page, "land") > 0 and drawn(page, admin_layer) > 0
    labels = page.locator("#map .place-label")
    assert labels.count() >= 5
    texts = {labels.nth(i).inner_text() for i in range(labels.count())}
    want = {"country": {"Aleppo", "Ankara"}, "governorate": {"al-Hasakah"}, "town": {"al-Hasakah"}}[name]
    assert want <= texts, texts
    attribution = page.inner_text(".maplibregl-ctrl-attrib")
    assert "Natural Earth" in attribution and "Who's On First" in attribution and "GeoNames" in attribution
    shot(page, f"map-{name}")
    assert page.problems == []


def test_map_draws_every_stored_event_on_the_gpu(page, server):
    total = server.store.count_events()
    assert shown(page) == total
    assert page.get_attribute("#status", "data-mode") == "points"
    assert page.evaluate("() => window.kharita.pointsOnGpu()") == total
    assert page.locator("#event-list li").count() == total
    assert page.evaluate("() => window.kharitaMap.getCanvas().getContext('webgl2') !== null")
    shot(page, "map-initial")
    assert page.problems == []


def event_dates(server) -> list[str]:  # type: ignore[no-untyped-def]
    return [e["event_date"] for e in httpx.get(server.url + "/api/events", params={"limit": 5000}).json()["events"]]


def drag(page, from_x: float, to_x: float) -> None:  # type: ignore[no-untyped-def]
    box = page.locator("#timeline-canvas").bounding_box()
    y = box["y"] + box["height"] / 2 - 8
    page.mouse.move(box["x"] + from_x * box["width"], y)
    page.mouse.down()
    page.mouse.move(box["x"] + to_x * box["width"], y, steps=8)
    page.mouse.up()
    page.wait_for_function("() => document.querySelector('#control-legend').dataset.date === "
                           "document.querySelector('#timeline-label').dataset.until")


def test_dragging_the_timeline_filters_the_map(page, server):
    label = page.locator("#timeline-label")
    dates = event_dates(server)
    total = shown(page)
    drag(page, 0.004, 0.5)          # the left handle to the middle: only events on or after the new start
    since, until = label.get_attribute("data-since"), label.get_attribute("data-until")
    assert shown(page) == sum(bool(d) and since <= d <= until for d in dates) < total
    shot(page, "timeline-dragged")
    drag(page, 0.75, 0.0)           # the whole window back to the start: July 2015 comes back
    since, until = label.get_attribute("data-since"), label.get_attribute("data-until")
    assert shown(page) == sum(bool(d) and since <= d <= until for d in dates)
    assert any(d.startswith("2015-07") for d in dates if d and since <= d <= until)
    # the keyboard does the same: shift+left shrinks the range from its end by a week
    page.focus("#timeline-canvas")
    page.keyboard.press("Shift+ArrowLeft")
    page.wait_for_function(f"() => document.querySelector('#timeline-label').dataset.until < '{until}'")
    assert shown(page) == sum(bool(d) and since <= d <= label.get_attribute("data-until") for d in dates)
    assert page.problems == []


def test_the_timeline_changes_the_control_areas(page, server):
    legend = page.locator("#control-legend")
    drag(page, 0.997, 0.06)         # the end to the start: July 2015, when IS held Panorama, contested
    date = legend.get_attribute("data-date")
    early = httpx.get(server.url + "/api/layers/control", params={"date": date}).json()["features"]
    assert int(legend.get_attribute("data-places")) == len(early) > 0
    assert all(f["geometry"]["type"] in {"Polygon", "MultiPolygon"} for f in early)
    idle(page)
    assert drawn(page, "control-fill") > 0
    contested = [f for f in early if f["properties"]["contested"]]
    assert contested and drawn(page, "control-hatch") > 0, "contested areas are hatched"
    shot(page, "control-early")
    page.evaluate("() => window.kharita.setRange('2015-07-06', '2017-07-09')")   # the end: July 2017
    page.wait_for_function("() => document.querySelector('#control-legend').dataset.date === '2017-07-09'")
    late_date = legend.get_attribute("data-date")
    late = httpx.get(server.url + "/api/layers/control", params={"date": late_date}).json()["features"]
    assert late_date > date and int(legend.get_attribute("data-places")) == len(late) != len(early)
    controllers = {f["properties"]["controller"] for f in late}
    assert all(c in legend.inner_text() for c in controllers)
    # a date typed in pins the layer: the timeline no longer moves it
    page.fill("#control-date", "2000-01-01")
    page.dispatch_event("#control-date", "change")
    page.wait_for_function("() => document.querySelector('#control-legend').dataset.date === '2000-01-01'")
    assert page.get_attribute("#control-legend", "data-places") == "0"
    assert page.problems == []


AREA_SPOT = """() => {
  const map = window.kharitaMap, box = map.getCanvas().getBoundingClientRect();
  for (let y = 10; y < box.height; y += 20) for (let x = 10; x < box.width; x += 20) {
    if (map.queryRenderedFeatures([x, y], {layers: ['control-fill']}).length && window.kharita.eventAt(x, y) === null)
      return [box.left + x, box.top + y];
  }
  return null;
}"""


def test_clicking_a_control_area_opens_the_events_that_set_it(page, server):
    zoom_to(page, 40.75, 36.5, 8)                 # al-Hasakah's districts, held in July 2017
    spot = page.evaluate(AREA_SPOT)
    assert spot, "no control area on screen"
    page.mouse.click(*spot)
    page.wait_for_selector("#detail:not([hidden]) .area-title")
    page.wait_for_selector("#detail-body .event .source")
    key = page.get_attribute("#detail-body", "data-area")
    areas = httpx.get(server.url + "/api/layers/control", params={
        "date": page.get_attribute("#control-legend", "data-date")}).json()["features"]
    area = next(f for f in areas if f["properties"]["place_key"] == key)
    shown_ids = page.evaluate("() => [...document.querySelectorAll('#detail-body .event')].map(e => e.dataset.eventId)")
    assert shown_ids == area["properties"]["event_ids"]
    assert area["properties"]["controller"] in page.inner_text("#detail-body .area-title")
    shot(page, "control-evidence")
    assert page.problems == []


def test_clicking_an_event_shows_its_record_and_highlighted_evidence(page, server):
    event = httpx.get(server.url + "/api/events", params={"limit": 5000}).json()
    target = next(e for e in event["events"] if any(s["evidence"] for s in e["sources"]))
    x, y = page.evaluate("(id) => window.kharita.reveal(id)", target["event_id"])
    page.mouse.click(x, y)
    page.wait_for_selector("#detail:not([hidden]) .source, #detail:not([hidden]) ol.here")
    detail = page.locator("#detail-body")
    if detail.locator("ol.here li").count():                 # several events at that place: pick ours
        detail.locator(f"ol.here li[data-event-id='{target['event_id']}']").click()
        page.wait_for_selector(f"#detail-body .event[data-event-id='{target['event_id']}'] .source")
    assert target["sub_event_type"] in detail.locator("h3").inner_text()
    marks = detail.locator(".source .text mark")
    assert marks.count() > 0
    spans = {e["text"] for s in target["sources"] for e in s["evidence"] if e["field"] != "sentence"}
    seen = {marks.nth(i).inner_text() for i in range(marks.count())}
    assert seen <= spans and seen & spans
    shot(page, "event-evidence")
    assert page.problems == []


def test_hostile_report_text_is_shown_as_text_and_never_runs(page, server):
    for event_id in ["ev-hostile", *server.posted["events"]]:
        page.locator(f"#event-list li[data-event-id='{event_id}']").click()
        page.wait_for_selector(f"#detail:not([hidden]) .event[data-event-id='{event_id}'] .source")
        body = page.locator("#detail-body")
        text = body.inner_text()
        assert "<script>" in text or "<img" in text       # shown literally
        assert body.locator("script, img, iframe, [onerror]").count() == 0
        links = [body.locator("a").nth(i).get_attribute("href") for i in range(body.locator("a").count())]
        assert not any(h and h.lower().startswith("javascript:") for h in links)
    assert "<script>" in page.inner_text("#control-legend")          # the hostile controller's name
    assert page.locator("#event-list script, #event-list img, #control-legend img, #control-legend script").count() == 0
    assert page.evaluate("() => window.__kharita_pwned === undefined")
    shot(page, "hostile-report")
    assert page.problems == []


def test_filters_ask_the_server_for_the_chosen_types_and_actor(page, server):
    everything = httpx.get(server.url + "/api/events", params={"limit": 5000}).json()["events"]
    page.uncheck("#filter-type input[value='Battles']")
    page.wait_for_function(f"() => document.querySelector('#status').dataset.shown == "
                           f"{sum(e['event_type'] != 'Battles' for e in everything)}")
    page.check("#filter-type input[value='Battles']")
    page.fill("#filter-actor", "unidentified")
    want = sum("unidentified" in (e["actor1"] + e["actor2"] + e["assoc_actor_1"] + e["assoc_actor_2"]).lower()
               for e in everything)
    assert 0 < want < len(everything)
    page.wait_for_function(f"() => document.querySelector('#status').dataset.shown == {want}")
    page.wait_for_function(f"() => document.querySelector('#event-list').dataset.count == {want}")
    assert page.problems == []


@pytest.fixture(scope="module")
def big_server(tmp_path_factory):
    sys.path.insert(0, str(ROOT / "bench"))
    from api_load import bulk_load

    store = Store.open(tmp_path_factory.mktemp("big") / "big.db")
    bulk_load(store, BIG)
    with ServerThread(create_app(store)) as running:
        yield running
    store.close()


BIG = 100_000


def test_a_hundred_thousand_events_are_drawn_without_freezing(browser, big_server):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(big_server.url + "/")
    page.wait_for_selector("body[data-ready='1']", timeout=120_000)
    assert shown(page) == BIG and page.get_attribute("#status", "data-mode") == "points"
    assert page.evaluate("() => window.kharita.pointsOnGpu()") == BIG
    # the page still answers: a timeline change redraws, and a frame comes within seconds
    last = page.evaluate("() => window.kharita.weeks[window.kharita.weeks.length - 1].start")
    day = lambda ms: __import__("datetime").date.fromtimestamp(ms / 1000).isoformat()  # noqa: E731
    narrowed = page.evaluate("([a, b]) => window.kharita.setRange(a, b)", [day(last - 83 * 86400000), day(last)])
    assert 0 < narrowed < BIG
    assert page.evaluate("() => new Promise(r => { const t = performance.now(); "
                         "requestAnimationFrame(() => r(performance.now() - t)); })") < 5000
    shot(page, "map-100k")
    assert errors == []
    context.close()


def test_api_docs_render_offline(browser, server):
    context = browser.new_context()
    page = context.new_page()
    off_host = []
    page.on("request", lambda r: r.url.startswith(server.url) or r.url.startswith("data:") or off_host.append(r.url))
    page.goto(server.url + "/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=30000)
    assert page.locator(".opblock-summary-path", has_text="/api/events").count() >= 1
    shot(page, "api-docs")
    context.close()
    assert off_host == []
