"""The ASGI app: the JSON API under /api, the map at /, offline API docs at /docs.

    from kharita.web.app import create_app
    app = create_app(db="kharita.db")            # or create_app(store), create_app(token="s3cret")

Everything the page loads comes from this server: the JS libraries (MapLibre GL JS, Natural
Earth's countries from world-atlas) are copied from npm at setup (`python -m kharita.web.vendor`),
the admin boundaries ship in static/base/, the base map (land, borders, admin-1) is one GeoJSON
decoded from them once (kharita.web.basemap, /api/layers/base), the labels, event points, grid counts, weekly counts and
control areas come from /api/layers (kharita.web.layers), and /docs serves swagger-ui from the same
vendored files. Nothing is fetched from a CDN.
"""

from __future__ import annotations

import logging
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from kharita import __version__, settings
from kharita.errors import InputError
from kharita.web import vendor
from kharita.web.acled import router as acled_router
from kharita.web.api import EXCEPTION_HANDLERS, ApiError, envelope, router
from kharita.web.basemap import base_map
from kharita.web.layers import gazetteer_places, router as layers_router

log = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "static"
MAX_BODY_BYTES = 32 * 2**20


def _setting(name: str) -> str | None:
    """A kharita setting (KHARITA_TOKEN, KHARITA_TILE_URL ...); None when empty."""
    return settings.get(name) or None


def create_app(store: Any = None, *, db: str | None = None, token: str | None = None,
               tile_url: str | None = None, gazetteer: Any = None,
               ingest: Callable[..., tuple[str, list[str], bool]] | None = None) -> FastAPI:
    """Build the app over `store` (a kharita Store), else over the store at `db` (path or URL),
    else over KHARITA_DB. `token` (else KHARITA_TOKEN) turns on POST /api/reports; `tile_url`
    (else KHARITA_TILE_URL) replaces the offline base layer with a tile server."""
    if store is None:
        from kharita.store import Store

        store = Store.open(db or _setting("db"))
    app = FastAPI(
        title="kharita",
        version=__version__,
        description="Conflict events coded from news reports, ACLED-style, and who controls what. "
                    "Errors answer `{ok: false, error, errors: [{loc, msg}], status}`.",
        docs_url=None, redoc_url=None,
    )
    app.state.store = store
    app.state.token = token if token is not None else _setting("token")
    app.state.tile_url = tile_url if tile_url is not None else _setting("tile_url")
    app.state.tile_attribution = _setting("tile_attribution") or ""
    app.state.gazetteer = (lambda: gazetteer) if gazetteer is not None else _default_gazetteer
    app.state.actors = lambda: _actor_list(store)
    app.state.ingest = ingest or ReportIngester()
    for kind, handler in EXCEPTION_HANDLERS.items():
        app.add_exception_handler(kind, handler)  # type: ignore[arg-type]

    app.add_middleware(RefuseHugeBodies)
    app.include_router(router)
    app.include_router(acled_router)          # ACLED's read API (docs/api.md)
    app.include_router(layers_router)         # what the WebGL map draws (kharita/web/layers.py)
    # the labels' gazetteer index and the offline base map take a second each to build: built now,
    # not on the first page load
    threading.Thread(target=_warm_layers, args=(app.state.tile_url is None,), name="kharita-layers",
                     daemon=True).start()
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    def index() -> Response:
        lacking = vendor.missing()
        if lacking:
            return HTMLResponse(
                "<h1>kharita: the map's libraries are not installed</h1>"
                "<p>Run <code>npm ci &amp;&amp; python -m kharita.web.vendor</code> "
                "(or <code>make setup</code>).</p>", status_code=503)
        return HTMLResponse(index_page(app.state.tile_url),
                            headers={"Content-Security-Policy": content_policy(app.state.tile_url)})

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json", title="kharita API",
            swagger_js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/static/vendor/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/static/vendor/swagger-ui/favicon-32x32.png",
        )

    return app


class RefuseHugeBodies:
    """A report bigger than any real one is refused before it is read into memory. Plain ASGI, not
    `@app.middleware("http")`: Starlette's BaseHTTPMiddleware runs every request through a task
    group and memory streams, about half a millisecond a request (bench/api_load.py, issue 12)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            for name, value in scope["headers"]:
                if name == b"content-length":
                    if value.isdigit() and int(value) > MAX_BODY_BYTES:
                        response = envelope(413, f"Request body of {int(value):,} bytes is over the limit of "
                                                 f"{MAX_BODY_BYTES:,}; send one report at a time.")
                        await response(scope, receive, send)
                        return
                    break
        await self.app(scope, receive, send)


def _warm_layers(offline_base: bool) -> None:
    gazetteer_places()
    if offline_base and not vendor.missing():
        base_map()


def index_page(tile_url: str | None) -> str:
    """The map page; with a tile server, without its preloads of the offline base map's files."""
    html = (STATIC / "index.html").read_text(encoding="utf-8")
    if tile_url:
        html = "".join(line for line in html.splitlines(keepends=True) if "data-offline-base" not in line)
    return html


def content_policy(tile_url: str | None) -> str:
    """The map page's CSP: scripts only from this server, so injected markup could never run."""
    images = "'self' data:"
    if tile_url:
        parts = urlsplit(tile_url.replace("{s}", "*"))
        images += f" {parts.scheme}://{parts.netloc}"
    return (f"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src {images}; "
            "object-src 'none'; base-uri 'none'; frame-ancestors 'none'")


@lru_cache(maxsize=1)
def _default_gazetteer() -> Any:
    from kharita.gazetteer import load_default

    return load_default()


def _actor_list(store: Any) -> list[dict[str, Any]]:
    """The actor dictionary's actors, by name (the store is not asked: the dictionary is the list
    of who is who; new actors found in reports are in their events)."""
    actors = ({"name": a.name, "actor_type": a.actor_type.value, "country": a.country, "parent": a.parent}
              for a in _dictionary_actors())
    return sorted(actors, key=lambda a: a["name"])


@lru_cache(maxsize=1)
def _dictionary_actors() -> tuple[Any, ...]:
    from kharita.actors.dictionary import load_default

    return tuple(load_default().actors())


class ReportIngester:
    """Runs one posted report through the pipeline into the store, one report at a time.

    The extractor (the spaCy pipeline, once the event coder is in) loads on the first report and
    is kept: loading it per request would cost seconds each time."""

    def __init__(self, extractor: Any = None) -> None:
        self._lock = threading.Lock()
        self._extractor = extractor          # None: the pipeline's default, made on first use

    def __call__(self, store: Any, report: Any) -> tuple[str, list[str], bool]:
        from kharita import pipeline
        from kharita.models import Document

        document = Document.from_text(report.text, external_id=report.id, url=report.url, title=report.title,
                                      outlet=report.outlet, published=report.published, origin="api")
        with self._lock:
            if self._extractor is None:
                self._extractor = pipeline.default_extractor()
            summary = pipeline.run([document], store, extractor=self._extractor)
        if summary.skipped:
            source, reason = summary.skipped[0]
            raise InputError(source, reason)
        if summary.failed:
            raise self._failure(document, summary)
        return document.id, store.event_ids_for_document(document.id), summary.stored > 0

    @staticmethod
    def _failure(document: Any, summary: Any) -> ApiError:
        """A report that was read but failed on its way to the store (the coder or the store
        raised) is the server's fault, not the input's: a 500, with the reason in the log only."""
        _, reason = summary.failed[0]
        log.error("posted report %s failed: %s", document.id, reason)
        kind = reason.split(":", 1)[0]
        if summary.stored:             # the report is in; what failed is the control refresh after it
            return ApiError(500, f"The report was stored as {document.id}, but updating the control layer "
                                 f"failed ({kind}); the server log has the details.")
        return ApiError(500, f"Coding the report failed on the server ({kind}); nothing was stored, and "
                             f"posting it again retries it. The server log has the details.")
