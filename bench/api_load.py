"""Issues 6 and 12: latency and throughput of /api/events with bbox and date filters over 1M events.

For each backend (SQLite file, PostgreSQL database) it bulk-loads N synthetic events, then:
  baseline  the API's two statements (a page of 101 rows, their sources) as plain SQL through the
            driver (sqlite3, psycopg), one at a time, in this process: what the API costs on top of
            the database is the ratio;
  api       `kharita serve` in a subprocess on 127.0.0.1, and C concurrent clients asking random
            bbox + date-window queries for S seconds, each over one kept-alive connection: by
            default a minimal HTTP/1.1 client of this file (asyncio streams on uvloop, every body
            read whole, its records counted in the bytes; each client's first body parsed with
            orjson and checked), so that the load generator, on the same cores as the server,
            takes as little of them as it can (`--client httpx`: httpx.AsyncClient, as before;
            about 4 ms of CPU a request against the minimal client's 0.6).
It also reads from /proc the CPU that the server's processes, the clients and (on PostgreSQL)
every `postgres` process spent during the load: the cores are shared, and requests/s on a busy
machine says how much of them the server got; the CPU a request says what it costs.
It prints the command, the machine, p50/p95 latency, requests/s and the ratios.

    .venv/bin/python bench/api_load.py                     # 1M events, 20 s, 8 clients, both backends
    .venv/bin/python bench/api_load.py --events 100000 --seconds 5 --backends sqlite
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import random
import re
import shlex
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx
import orjson

from kharita.models import Actor, Event, Evidence, Place, Source
from kharita.ontology import ActorType, SubEventType, disorder_type_of, event_type_of, interaction_of
from kharita.record import to_record
from kharita.store.reads import RECORD_COLUMNS
from kharita.store import Store
from kharita.store import schema
from kharita.store.store import _event_row

ROOT = Path(__file__).resolve().parent.parent
FIRST_DAY = dt.date(2012, 1, 1)
DAYS = 13 * 365
BOX = (35.5, 32.0, 48.0, 38.5)          # Syria and Iraq, minlon minlat maxlon maxlat
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
ACTORS = [
    Actor("Islamic State", ActorType.REBEL_GROUP, "SY"),
    Actor("Military Forces of Syria", ActorType.STATE_FORCES, "SY"),
    Actor("YPG: People's Protection Units", ActorType.IDENTITY_MILITIA, "SY"),
    Actor("Military Forces of Iraq", ActorType.STATE_FORCES, "IQ"),
    Actor("Civilians (Syria)", ActorType.CIVILIANS, "SY"),
    Actor("Protesters (Iraq)", ActorType.PROTESTERS, "IQ"),
]
SUB_TYPES = [SubEventType.ARMED_CLASH, SubEventType.SHELLING, SubEventType.AIR_DRONE_STRIKE,
             SubEventType.ATTACK, SubEventType.PEACEFUL_PROTEST, SubEventType.NON_STATE_ACTOR_OVERTAKES_TERRITORY,
             SubEventType.ARRESTS, SubEventType.REMOTE_EXPLOSIVE]


# -- synthetic events --------------------------------------------------------------------------

def template_event() -> Event:
    text = "Islamic State fighters clashed with the army near the town."
    place = Place("Town 0", "SY", 35.0, 40.0, geonameid=None, feature_code="PPL", admin1="Region")
    source = Source("doc-0000000000000", outlet="Synthetic Wire", url="https://example.org/0",
                    published=FIRST_DAY, evidence=(Evidence("trigger", 23, 30, "clashed"),
                                                   Evidence("actor1", 0, 13, "Islamic State")))
    return Event("syn-0", SubEventType.ARMED_CLASH, FIRST_DAY, ACTORS[0], place, sources=(source,))


EVENT_COLUMNS = [c.name for c in schema.events.columns]
SOURCE_COLUMNS = [c.name for c in schema.event_sources.columns]


def synthetic_rows(n: int, seed: int = 6, *, sqlite: bool = False) -> Iterator[tuple[list, list]]:
    """(events row, event_sources row) as value lists in column order, for n events spread over
    13 years and Syria/Iraq. Rows are one real Event's row, varied per event, so they stay valid
    records; SQLite gets dates as ISO text and booleans as 0/1, as SQLAlchemy writes them."""
    rng = random.Random(seed)
    base = _event_row(template_event())
    template = [base[c] for c in EVENT_COLUMNS]
    if sqlite:
        template = [int(v) if isinstance(v, bool) else v for v in template]
    at = {c: i for i, c in enumerate(EVENT_COLUMNS)}
    by_sub = [(sub.value, event_type_of(sub).value, disorder_type_of(sub).value) for sub in SUB_TYPES]
    by_actor = [(a.name, a.actor_type.value, interaction_of(a.actor_type, None)) for a in ACTORS]
    evidence = json.dumps(to_record(template_event())["sources"][0]["evidence"])
    certainties = ("reported", "claimed", "unconfirmed")
    days = [FIRST_DAY + dt.timedelta(days=d) for d in range(DAYS)]
    day_values = [d.isoformat() for d in days] if sqlite else days
    for i in range(n):
        sub_value, type_value, disorder_value = by_sub[i % len(SUB_TYPES)]
        actor_name, inter1, interaction = by_actor[rng.randrange(len(ACTORS))]
        d = rng.randrange(DAYS)
        event_id = f"syn-{i:07d}"
        certainty = certainties[i % 3]
        row = template[:]
        row[at["event_id"]] = row[at["event_id_cnty"]] = event_id
        row[at["event_date"]] = day_values[d]
        row[at["year"]] = days[d].year
        row[at["sub_event_type"]] = sub_value
        row[at["event_type"]] = type_value
        row[at["disorder_type"]] = disorder_value
        row[at["actor1"]] = actor_name
        row[at["inter1"]] = inter1
        row[at["interaction"]] = interaction
        row[at["latitude"]] = round(rng.uniform(BOX[1], BOX[3]), 5)
        row[at["longitude"]] = round(rng.uniform(BOX[0], BOX[2]), 5)
        row[at["location"]] = f"Town {i % 5000}"
        row[at["place_key"]] = f"name:SY:Town {i % 5000}"
        row[at["certainty"]] = certainty
        row[at["notes"]] = f"Synthetic event {i}."
        row[at["fatalities"]] = i % 7 or None
        source = [event_id, 0, f"doc-{i:012d}", None, f"https://example.org/{i}", "Synthetic Wire", None,
                  day_values[d], None, certainty, 1.0, "bench", evidence]
        yield row, source


def bulk_load(store: Store, n: int) -> float:
    """Load n synthetic events as fast as the backend takes them: SQLite executemany in big
    transactions, PostgreSQL COPY. Returns seconds."""
    assert SOURCE_COLUMNS == ["event_id", "position", "document_id", "external_id", "url", "outlet", "title",
                              "published", "fatalities", "certainty", "confidence", "coder_version", "evidence"]
    t0 = time.perf_counter()
    if store.backend == "sqlite":
        conn = sqlite3.connect(store.engine.url.database)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("PRAGMA cache_size=-500000")
        # secondary indexes are rebuilt once at the end (a sort) instead of row by row
        indexes = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                               "AND tbl_name IN ('events', 'event_sources')").fetchall()
        for name, _ in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        ev_sql = f"INSERT INTO events ({','.join(EVENT_COLUMNS)}) VALUES ({','.join('?' * len(EVENT_COLUMNS))})"
        src_sql = (f"INSERT INTO event_sources ({','.join(SOURCE_COLUMNS)}) "
                   f"VALUES ({','.join('?' * len(SOURCE_COLUMNS))})")
        batch_e, batch_s = [], []
        for row, src in synthetic_rows(n, sqlite=True):
            batch_e.append(row)
            batch_s.append(src)
            if len(batch_e) == 50_000:
                with conn:
                    conn.executemany(ev_sql, batch_e)
                    conn.executemany(src_sql, batch_s)
                batch_e, batch_s = [], []
        with conn:
            conn.executemany(ev_sql, batch_e)
            conn.executemany(src_sql, batch_s)
        for _, sql in indexes:
            conn.execute(sql)
        conn.execute("ANALYZE")
        conn.close()
    else:
        import psycopg

        url = store.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(url) as conn:
            indexes = conn.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN "
                                   "('events', 'event_sources') AND indexname LIKE 'ix_%%'").fetchall()
            for name, _ in indexes:
                conn.execute(f'DROP INDEX "{name}"')
            with conn.cursor() as cur:
                with cur.copy(f"COPY events ({','.join(EVENT_COLUMNS)}) FROM STDIN") as copy:
                    for row, _ in synthetic_rows(n):
                        copy.write_row(row)
                with cur.copy(f"COPY event_sources ({','.join(SOURCE_COLUMNS)}) FROM STDIN") as copy:
                    for _, src in synthetic_rows(n):
                        copy.write_row(src)
            for _, sql in indexes:
                conn.execute(sql)
            conn.commit()
            conn.autocommit = True
            conn.execute("VACUUM ANALYZE events")
            conn.execute("VACUUM ANALYZE event_sources")
    return time.perf_counter() - t0


# -- queries -------------------------------------------------------------------------------------

def queries(count: int, seed: int = 60) -> list[dict[str, str]]:
    """Random 2x2 degree boxes and 90-day windows inside the data: what a map client asks."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        lon = rng.uniform(BOX[0], BOX[2] - 2)
        lat = rng.uniform(BOX[1], BOX[3] - 2)
        since = FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS - 90))
        out.append({"bbox": f"{lon:.3f},{lat:.3f},{lon + 2:.3f},{lat + 2:.3f}", "since": since.isoformat(),
                    "until": (since + dt.timedelta(days=89)).isoformat(), "limit": "100"})
    return out


RECORD_SQL = ", ".join(RECORD_COLUMNS)
PAGE_SQL = (f"SELECT {RECORD_SQL} FROM events WHERE event_date >= ? AND event_date <= ? "
            "AND latitude BETWEEN ? AND ? AND longitude BETWEEN ? AND ? AND event_date IS NOT NULL "
            "ORDER BY event_date, event_id LIMIT 101")
SOURCES_SQL = ("SELECT event_id, document_id, external_id, url, outlet, title, published, fatalities, certainty, "
               "confidence, coder_version, evidence FROM event_sources WHERE event_id IN ({}) "
               "ORDER BY event_id, position")


def raw_sql(backend: str, target: str) -> tuple[Any, str]:
    """A DB-API connection of the backend's driver, and its parameter mark."""
    if backend == "sqlite":
        return sqlite3.connect(target), "?"
    import psycopg

    return psycopg.connect(target, autocommit=True, prepare_threshold=None), "%s"


def baseline(backend: str, target: str, qs: list[dict[str, str]], seconds: float) -> dict[str, float]:
    """The API's two statements (a page of rows, then their sources) as plain SQL through the
    driver, fetching every row, one query after another: what the database alone costs (after a
    warm-up pass over the first 50, as the API run gets)."""
    conn, mark = raw_sql(backend, target)
    page = PAGE_SQL.replace("?", mark)

    def one(q: dict[str, str]) -> int:
        lon0, lat0, lon1, lat1 = (float(v) for v in q["bbox"].split(","))
        rows = conn.execute(page, (q["since"], q["until"], lat0, lat1, lon0, lon1)).fetchall()
        ids = [r[RECORD_COLUMNS.index("event_id")] for r in rows]
        if ids:
            conn.execute(SOURCES_SQL.format(", ".join([mark] * len(ids))), ids).fetchall()
        return min(100, len(rows))

    for q in qs[:50]:
        one(q)
    latencies = []
    rows = 0
    deadline = time.perf_counter() + seconds
    i = 0
    while time.perf_counter() < deadline:
        t0 = time.perf_counter()
        rows += one(qs[i % len(qs)])
        latencies.append(time.perf_counter() - t0)
        i += 1
    conn.close()
    return summarise(latencies, seconds, rows)


class Http1:
    """A minimal HTTP/1.1 client: GET over one kept-alive connection (asyncio streams), the
    response read whole (Content-Length or chunked). What the bench needs and no more: the
    status, the body."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def __aenter__(self) -> "Http1":
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self.writer is not None:
            self.writer.close()

    def request(self, target: str) -> bytes:
        return f"GET {target} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nAccept: */*\r\n\r\n".encode("ascii")

    async def get(self, request: bytes) -> tuple[int, bytes]:
        assert self.reader is not None and self.writer is not None
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            if line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            body = await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                chunks.append(await self.reader.readexactly(size + 2))
                if size == 0:
                    break
            body = b"".join(c[:-2] for c in chunks)
        else:
            raise RuntimeError(f"response without a length: {lines[0]}")
        if headers.get("connection", "").lower() == "close":
            raise RuntimeError("the server closed the kept-alive connection")
        return status, body


async def _load(url: str, qs: list[dict[str, str]], seconds: float, clients: int,
                kind: str = "http1") -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    rows = 0
    targets = ["/api/events?" + urlencode(q) for q in qs]

    async def client(offset: int) -> None:
        nonlocal errors, rows
        i = offset
        if kind == "httpx":
            async with httpx.AsyncClient(base_url=url, timeout=60) as http:
                while time.perf_counter() < deadline:
                    q = qs[i % len(qs)]
                    i += clients
                    t0 = time.perf_counter()
                    response = await http.get("/api/events", params=q)
                    latencies.append(time.perf_counter() - t0)
                    if response.status_code != 200:
                        errors += 1
                    else:
                        rows += len(response.json()["events"])
            return
        async with Http1(url) as http:
            requests = [http.request(t) for t in targets]
            status, body = await http.get(requests[i % len(requests)])   # parsed whole once, not timed
            if status != 200 or len(orjson.loads(body)["events"]) != body.count(b'"event_id_cnty":'):
                raise RuntimeError(f"unexpected answer {status}: {body[:200]!r}")
            while time.perf_counter() < deadline:
                request = requests[i % len(requests)]
                i += clients
                t0 = time.perf_counter()
                status, body = await http.get(request)
                latencies.append(time.perf_counter() - t0)
                if status != 200 or not body.startswith(b'{"ok":true,"events":['):
                    errors += 1
                else:        # one event_id_cnty a record, none in its sources: no parse needed
                    rows += body.count(b'"event_id_cnty":')

    split: list[int] = []

    async def look() -> None:           # once every client is connected
        await asyncio.sleep(min(1.0, seconds / 2))
        split.extend(await asyncio.to_thread(connection_split, int(urlsplit(url).port or 80)))

    deadline = time.perf_counter() + seconds
    t0, cpu0 = time.perf_counter(), time.process_time()
    await asyncio.gather(look(), *(client(k) for k in range(clients)))
    result = summarise(latencies, time.perf_counter() - t0, rows)
    result["errors"] = errors
    result["client_cpu_s"] = time.process_time() - cpu0
    result["split"] = split
    return result


def connection_split(port: int) -> list[int]:
    """How many of the established connections to `port` each server process holds, most first
    (from `ss`; empty where it is missing): the kernel, not the bench, deals them out."""
    try:
        out = subprocess.run(["ss", "-tnpH", "state", "established", f"( sport = :{port} )"],
                             capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    counts: dict[str, int] = {}
    for line in out.splitlines():
        for pid in set(re.findall(r"pid=(\d+)", line)):
            counts[pid] = counts.get(pid, 0) + 1
    return sorted(counts.values(), reverse=True)


def event_loop() -> Any:
    """uvloop's event loop for the clients where it is installed (as uvicorn's is): less CPU a
    request taken from the cores the server shares."""
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop
    return uvloop.new_event_loop


def warm_up(url: str, qs: list[dict[str, str]]) -> None:
    """The first 50 queries once, not measured: the server's pools, caches and pages warm."""
    with httpx.Client(base_url=url, timeout=60) as http:
        for q in qs[:50]:
            http.get("/api/events", params=q)


def summarise(latencies: list[float], seconds: float, rows: int) -> dict[str, float]:
    ordered = sorted(latencies)
    return {
        "requests": len(ordered),
        "seconds": seconds,
        "rps": len(ordered) / seconds,
        "p50_ms": 1000 * statistics.median(ordered),
        "p95_ms": 1000 * ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))],
        "rows_per_request": rows / max(1, len(ordered)),
    }


# -- running -------------------------------------------------------------------------------------

def process_cpu(pids: set[int] | None = None, *, name: str | None = None) -> float:
    """CPU seconds (user + system) used so far by the processes `pids` and all their descendants,
    or by every process called `name` (PostgreSQL's backends): read from /proc, so that the bench
    can say where the two cores went, not only how long the clients waited."""
    stats: dict[int, tuple[int, str, float]] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            text = (entry / "stat").read_text()
        except OSError:
            continue
        comm = text[text.index("(") + 1:text.rindex(")")]
        fields = text[text.rindex(")") + 2:].split()
        stats[int(entry.name)] = (int(fields[1]), comm, (int(fields[11]) + int(fields[12])) / tick)
    if name is not None:
        return sum(cpu for _, comm, cpu in stats.values() if comm == name)
    chosen = set(pids or ())
    grew = True
    while grew:
        more = {pid for pid, (ppid, _, _) in stats.items() if ppid in chosen and pid not in chosen}
        chosen |= more
        grew = bool(more)
    return sum(stats[pid][2] for pid in chosen if pid in stats)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(db: str, workers: int = 1) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "kharita", "serve", "--db", db, "--port", str(port),
                             "--workers", str(workers)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT,
                            env={**os.environ, "KHARITA_TOKEN": ""})
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(url + "/api/stats", timeout=120)
            return proc, url
        except httpx.TransportError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"kharita serve did not start: {proc.stderr.read().decode()[-2000:]}")
            time.sleep(0.3)


def prepare(backend: str, n: int, workdir: Path) -> tuple[str, Store, float | None]:
    """A store of n synthetic events; reused when a previous run left one of the same size."""
    if backend == "sqlite":
        target = str(workdir / f"api_load_{n}.db")
    else:
        import psycopg

        name = f"kharita_bench_api_{n}"
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{name}"')
        target = f"postgresql://postgres@127.0.0.1:5432/{name}"
    store = Store.open(target)
    have = store.count_events()
    if have == n:
        return target, store, None
    if have:
        store.delete_events([e.event_id for e in store.iter_events()])
    return target, store, bulk_load(store, n)


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = os.getloadavg()
    return (f"{platform.node()} {platform.system()} {platform.release()}, {os.cpu_count()} CPUs ({cpu}), "
            f"{mem:.0f} GiB RAM, load average {load[0]:.1f}; Python {platform.python_version()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=20.0, help="load duration per backend")
    parser.add_argument("--clients", type=int, default=8, help="concurrent HTTP clients")
    parser.add_argument("--workers", type=int, default=2, help="kharita serve --workers")
    parser.add_argument("--client", choices=("http1", "httpx"), default="http1",
                        help="the load generator: this file's minimal HTTP/1.1 client, or httpx")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/kharita-bench"))
    parser.add_argument("--no-pg-custom-plans", dest="pg_custom_plans", action="store_false",
                        help="skip the PostgreSQL run with plan_cache_mode=force_custom_plan")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    print("command:", shlex.join([sys.executable, *sys.argv]))
    print("machine:", machine())
    qs = queries(500)
    for backend in args.backends.split(","):
        target, store, load_s = prepare(backend, args.events, args.workdir)
        loaded = f"bulk-loaded in {load_s:.1f} s ({args.events / load_s:,.0f} events/s)" if load_s else "reused"
        print(f"\n[{backend}] {store.count_events():,} events, {loaded}")
        store.close()
        variants = [("as the Store opens it", target)]
        if backend == "postgresql" and args.pg_custom_plans:
            # psycopg prepares a statement after 5 runs, and PostgreSQL may then switch to a generic
            # plan that ignores the actual dates and box: measure with custom plans forced as well
            variants.append(("plan_cache_mode=force_custom_plan", f"{target}?options={CUSTOM_PLANS}"))
        for label, url in variants:
            run_variant(backend, label, url, qs, args)


CUSTOM_PLANS = "-c%20plan_cache_mode%3Dforce_custom_plan"


#: Issue 12's targets for /api/events at 1M events with 8 clients.
TARGET_P95_MS = 50.0
TARGET_RPS = 300.0


def run_variant(backend: str, label: str, target: str, qs: list[dict[str, str]], args: argparse.Namespace) -> None:
    print(f"  ({label}; load average now {os.getloadavg()[0]:.1f})")
    base = baseline(backend, target, qs, min(args.seconds, 10.0))
    proc, url = serve(target, args.workers)
    try:
        warm_up(url, qs)
        server0, db0 = process_cpu({proc.pid}), process_cpu(name="postgres")
        with asyncio.Runner(loop_factory=event_loop()) as runner:
            api = runner.run(_load(url, qs, args.seconds, args.clients, args.client))
        server_s, db_s = process_cpu({proc.pid}) - server0, process_cpu(name="postgres") - db0
    finally:
        proc.terminate()
        proc.wait(10)
    print(f"  baseline (the same SQL through the driver, 1 connection): p50 {base['p50_ms']:.2f} ms, "
          f"p95 {base['p95_ms']:.2f} ms, {base['rps']:.1f} queries/s, {base['rows_per_request']:.0f} events/query")
    print(f"  API /api/events bbox+dates ({args.clients} {args.client} clients, {args.workers} server processes, "
          f"{args.seconds:.0f} s): "
          f"p50 {api['p50_ms']:.1f} ms, p95 {api['p95_ms']:.1f} ms, {api['rps']:.1f} requests/s, "
          f"{api['requests']} requests, {api['errors']} errors, {api['rows_per_request']:.0f} events/response"
          + (f"; connections per server process {'/'.join(map(str, api['split']))}" if api["split"] else ""))
    n = max(1, api["requests"])
    cpu = {"server": server_s, "client": api["client_cpu_s"]}
    if backend == "postgresql":
        cpu["PostgreSQL"] = db_s
    spent = sum(cpu.values())
    print("  CPU a request: " + ", ".join(f"{who} {1000 * s / n:.2f} ms" for who, s in cpu.items())
          + f"; {spent / api['seconds']:.2f} of {os.cpu_count()} cores busy with them, "
          f"{os.cpu_count() * n / spent:.0f} requests/s if all {os.cpu_count()} were theirs")
    print(f"  ratio API/raw SQL: p50 latency x{api['p50_ms'] / base['p50_ms']:.2f}, "
          f"p95 latency x{api['p95_ms'] / base['p95_ms']:.2f}, throughput x{api['rps'] / base['rps']:.2f}")
    met = api["p95_ms"] <= TARGET_P95_MS and api["rps"] >= TARGET_RPS and not api["errors"]
    print(f"  target (p95 <= {TARGET_P95_MS:g} ms, >= {TARGET_RPS:g} requests/s): {'met' if met else 'NOT met'}")


if __name__ == "__main__":
    main()
