"""The map in Debian's headless Chromium, driven by Playwright: the seed's events, the timeline,
the control layer, an event's evidence, and hostile report text that must stay text.

Screenshots go to artifacts/ (git-ignored). No browser is ever downloaded: a missing
/usr/bin/chromium is a failure that says how to install it."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
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
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
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


def shown(page) -> int:  # type: ignore[no-untyped-def]
    return int(page.get_attribute("#status", "data-shown"))


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def test_map_shows_every_stored_event_over_the_offline_base_layer(page, server):
    total = server.store.count_events()
    assert shown(page) == total
    assert page.locator("#event-list li").count() == total
    # markers or clusters of markers, coloured by type, and the admin boundaries drawn by us
    assert page.locator(".event-marker, .marker-cluster").count() > 0
    assert page.locator("path.leaflet-interactive, .leaflet-overlay-pane path").count() > 50
    assert page.locator(".place-label").count() > 0
    assert "Who's On First" in page.inner_text(".leaflet-control-attribution")
    shot(page, "map-initial")
    assert page.problems == []


def test_dragging_the_timeline_filters_the_map(page, server):
    canvas = page.locator("#timeline-canvas")
    box = canvas.bounding_box()
    label = page.locator("#timeline-label")
    y = box["y"] + box["height"] / 2 - 8
    total = shown(page)
    # drag the left handle to the middle: only events on or after the new start remain
    start_x = box["x"] + 6
    page.mouse.move(start_x, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.5, y, steps=8)
    page.mouse.up()
    since, until = label.get_attribute("data-since"), label.get_attribute("data-until")
    dates = page.evaluate("() => window.kharita.events.map(f => f.properties.event_date)")
    assert shown(page) == sum(since <= d <= until for d in dates)
    assert shown(page) < total
    shot(page, "timeline-dragged")
    # move the whole window back to the start: the seed's July 2015 events come back
    page.mouse.move(box["x"] + box["width"] * 0.75, y)
    page.mouse.down()
    page.mouse.move(box["x"] + 2, y, steps=8)
    page.mouse.up()
    since, until = label.get_attribute("data-since"), label.get_attribute("data-until")
    assert shown(page) == sum(since <= d <= until for d in dates)
    assert any(d.startswith("2015-07") for d in dates if since <= d <= until)
    # the keyboard does the same: shift+left shrinks the range from its end by a week
    page.focus("#timeline-canvas")
    page.keyboard.press("Shift+ArrowLeft")
    assert label.get_attribute("data-until") < until
    assert shown(page) == sum(since <= d <= label.get_attribute("data-until") for d in dates)
    assert page.problems == []


def test_control_date_changes_the_control_layer(page, server):
    legend = page.locator("#control-legend")
    before = page.get_attribute("#control-legend", "data-places")
    page.fill("#control-date", "2000-01-01")
    page.dispatch_event("#control-date", "change")
    page.wait_for_function("() => document.querySelector('#control-legend').dataset.date === '2000-01-01'")
    assert page.get_attribute("#control-legend", "data-places") == "0"
    assert page.locator("#map .control-mark").count() == 0
    page.fill("#control-date", "2015-07-20")
    page.dispatch_event("#control-date", "change")
    page.wait_for_function("() => document.querySelector('#control-legend').dataset.date === '2015-07-20'")
    places = int(page.get_attribute("#control-legend", "data-places"))
    api = httpx.get(server.url + "/api/control", params={"date": "2015-07-20"}).json()
    assert places == len(api["features"]) > 0 and before is not None
    assert page.locator("#map .control-mark").count() == places
    controllers = {f["properties"]["controller"] for f in api["features"]}
    assert all(c in legend.inner_text() for c in controllers)
    shot(page, "control-2015-07-20")
    assert page.problems == []


def test_clicking_an_event_shows_its_record_and_highlighted_evidence(page, server):
    event = httpx.get(server.url + "/api/events", params={"since": "2015-07-01", "until": "2015-07-31"}).json()
    target = next(e for e in event["events"] if any(s["evidence"] for s in e["sources"]))
    # on the map: zoom in and open its cluster until the marker shows, then click the marker
    assert page.evaluate("(id) => window.kharita.reveal(id)", target["event_id"])
    marker = page.locator(f"#map .event-marker[data-event-id='{target['event_id']}']")
    marker.wait_for()
    marker.click(force=True)
    page.wait_for_selector("#detail:not([hidden]) .source")
    detail = page.locator("#detail-body")
    assert target["sub_event_type"] in detail.locator("h3").inner_text()
    marks = detail.locator(".source .text mark")
    assert marks.count() > 0
    spans = {e["text"] for s in target["sources"] for e in s["evidence"] if e["field"] != "sentence"}
    assert {marks.nth(i).inner_text() for i in range(marks.count())} <= spans
    assert {m for m in spans} & {marks.nth(i).inner_text() for i in range(marks.count())}
    detail.locator(".source .text").first.scroll_into_view_if_needed()
    shot(page, "event-evidence")
    assert page.problems == []


def test_hostile_report_text_is_shown_as_text_and_never_runs(page, server):
    for event_id in ["ev-hostile", *server.posted["events"]]:
        page.locator(f"#event-list li[data-event-id='{event_id}']").click()
        page.wait_for_selector("#detail:not([hidden]) .source")
        page.wait_for_function("() => !document.querySelector('#detail-body').innerText.includes('loading')")
        body = page.locator("#detail-body")
        text = body.inner_text()
        assert "<script>" in text or "<img" in text       # shown literally
        assert body.locator("script, img, iframe, [onerror]").count() == 0
        links = [body.locator("a").nth(i).get_attribute("href") for i in range(body.locator("a").count())]
        assert not any(h and h.lower().startswith("javascript:") for h in links)
    assert page.locator("#event-list script, #event-list img, #control-legend img").count() == 0
    # the marker's tooltip too: hover the hostile event on the map
    marker = page.locator("#map .event-marker[data-event-id='ev-hostile']")
    for _attempt in range(6):                 # on a busy machine the cluster may still be animating
        assert page.evaluate("() => window.kharita.reveal('ev-hostile')")
        try:
            marker.wait_for(timeout=5_000)
            break
        except PlaywrightTimeout:
            continue
    marker.wait_for()
    tooltip = page.locator(".leaflet-tooltip")
    for _attempt in range(6):                 # a busy machine can still be animating the cluster open
        marker.hover(force=True)
        try:
            tooltip.wait_for(timeout=5_000)
            break
        except PlaywrightTimeout:
            page.mouse.move(0, 0)
            page.evaluate("() => window.kharita.reveal('ev-hostile')")
    tooltip.wait_for()
    assert "<img" in tooltip.inner_text() and tooltip.locator("img, script").count() == 0
    assert page.evaluate("() => window.__kharita_pwned === undefined")
    shot(page, "hostile-report")
    assert page.problems == []


def test_filters_ask_the_api_for_the_chosen_types_and_actor(page, server):
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
    assert page.problems == []


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
