"""Issue 12: the WebGL map's first render and its re-render on a timeline drag or a filter change,
at 10k, 100k and 1M stored events, in headless Chromium (WebGL on SwiftShader, the CPU).

"First render" is the moment the page marks itself ready: base map drawn, events fetched from
/api/layers/events (packed points, or grid counts when a store is bigger than MAX_POINTS), the
weekly counts, the labels and the control areas drawn, and MapLibre idle. Measured in the page
(performance.now() from navigation start), median of several fresh page loads after one warm-up
load (the server's first read of the store's columns is reported apart); the baseline is the same
page over an empty store, in the same run. "Timeline" sets the timeline to its last 90 days and
waits until the map is idle again; "filter" unticks one event type and waits for the reload its
change event starts (`window.kharita.reloading`: the page's own requests, once; the bench's figures
of issue 12's second round also timed a second reload the bench started beside it), then the same way.
"Events fetched" is from the request to its answer in the page; the page sends it with its first
requests, so it overlaps the loading of the libraries and the base map.

    .venv/bin/python bench/map_render.py [--events 10000,100000,1000000] [--runs 3]
"""

from __future__ import annotations

import argparse
import shlex
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from api_load import bulk_load, machine, serve  # noqa: E402

from kharita.store import Store  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

TIMELINE = """async () => {
  const last = window.kharita.weeks[window.kharita.weeks.length - 1];
  if (!last) return [0, 0];
  const until = new Date(last.start + 6 * 86400000), since = new Date(until - 89 * 86400000);
  const t0 = performance.now();
  const shown = await window.kharita.setRange(since.toISOString().slice(0, 10), until.toISOString().slice(0, 10));
  return [performance.now() - t0, shown];
}"""
FILTER = """async () => {
  const t0 = performance.now();
  document.querySelector("#filter-type input[value='Battles']").click();    // its change event reloads
  await window.kharita.reloading;
  await window.kharita.rendered();
  return [performance.now() - t0, window.kharita.shown];
}"""


def load(browser, url: str) -> tuple[object, float]:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(url + "/")
    page.wait_for_selector("body[data-ready='1']", timeout=300_000)
    return page, page.evaluate("() => window.kharita.readyMs")


def measure(browser, url: str, runs: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    page, cold = load(browser, url)
    page.context.close()
    ready, fetch, timeline, filters, shown, mode = [], [], [], [], 0, ""
    for _ in range(runs):
        page, ms = load(browser, url)
        ready.append(ms)
        fetch.append(page.evaluate("() => window.kharita.timings.fetchMs"))
        shown = int(page.get_attribute("#status", "data-shown"))
        mode = page.get_attribute("#status", "data-mode")
        timeline.append(page.evaluate(TIMELINE)[0])
        filters.append(page.evaluate(FILTER)[0])
        page.context.close()
    return {"cold": cold, "ready": statistics.median(ready), "fetch": statistics.median(fetch),
            "timeline": statistics.median(timeline), "filter": statistics.median(filters), "shown": shown,
            "mode": mode}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", default="10000,100000,1000000", help="comma-separated store sizes")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/kharita-bench"))
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    sizes = [int(n) for n in args.events.split(",")]
    args.workdir.mkdir(parents=True, exist_ok=True)
    print("command:", shlex.join([sys.executable, *sys.argv]))
    print("machine:", machine())
    results = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        print("browser:", "Chromium", browser.version, "(WebGL on SwiftShader)")
        for n in (0, *sizes):
            db = args.workdir / f"map_render_{n}.db"
            if not db.exists():
                store = Store.open(db)
                if n:
                    t0 = time.perf_counter()
                    bulk_load(store, n)
                    print(f"  loaded {n} events in {time.perf_counter() - t0:.0f} s")
                store.close()
            proc, url = serve(str(db))
            try:
                results[n] = r = measure(browser, url, args.runs)
            finally:
                proc.terminate()
                proc.wait(10)
            print(f"  {n:>7} events: first render {r['ready']:.0f} ms (events fetched in {r['fetch']:.0f} ms; "
                  f"first load after start {r['cold']:.0f} ms), {r['shown']} shown as {r['mode']}; "
                  f"timeline to 90 days {r['timeline']:.0f} ms, filter change {r['filter']:.0f} ms; median of {args.runs}")
        browser.close()
    base = results[0]["ready"]
    for n in sizes:
        print(f"  ratio {n} events / empty store: x{results[n]['ready'] / base:.2f} "
              f"({results[n]['ready'] - base:+.0f} ms for the events)")


if __name__ == "__main__":
    main()
