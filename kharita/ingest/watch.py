"""Poll RSS/Atom feeds over HTTP and hand on the items not seen before.

A FeedPoller remembers, per feed, the ETag / Last-Modified the server sent (so an unchanged feed
costs one 304) and the ids of items already handed on. Across processes the store is the memory:
the pipeline skips any document whose content is already stored.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from kharita.errors import ConfigError, InputError
from kharita.ingest.readers import fetch, read_feed
from kharita.models import Document, RunSummary

log = logging.getLogger(__name__)

_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$", re.IGNORECASE)
_UNIT = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_interval(text: str) -> float:
    """'90', '90s', '10m', '2h', '1d' -> seconds."""
    match = _INTERVAL.match(text)
    if not match or float(match.group(1)) <= 0:
        raise ConfigError(f"Bad interval {text!r}: use a positive number with s, m, h or d, such as 10m.")
    return float(match.group(1)) * _UNIT[match.group(2).lower()]


@dataclass
class _FeedState:
    etag: str | None = None
    modified: str | None = None
    seen: set[str] = field(default_factory=set)


class FeedPoller:
    """Fetches feeds and yields the Documents of items this poller has not handed on yet."""

    def __init__(self, feeds: list[str]) -> None:
        if not feeds:
            raise ConfigError("No feed to watch: give at least one FEED_URL.")
        bad = [f for f in feeds if not f.startswith(("http://", "https://"))]
        if bad:
            raise ConfigError(f"Not an http(s) URL: {', '.join(bad)}. `kharita watch` polls feeds over HTTP; "
                              f"read a saved feed file with `kharita run FILE`.")
        self.feeds = list(feeds)
        self._state = {url: _FeedState() for url in self.feeds}

    def poll(self, summary: RunSummary) -> Iterator[Document]:
        """One pass over every feed. Fetch and parse failures are counted in `summary` and logged;
        the items handed on are counted as read by whoever consumes them (the pipeline)."""
        for url in self.feeds:
            state = self._state[url]
            headers = {}
            if state.etag:
                headers["If-None-Match"] = state.etag
            if state.modified:
                headers["If-Modified-Since"] = state.modified
            try:
                fetched = fetch(url, headers=headers)
            except InputError as exc:
                log.warning("skipped %s: %s", exc.source, exc.reason)
                summary.skip(exc.source, exc.reason)
                continue
            if fetched.body is None:               # 304 Not Modified
                log.info("%s: not modified", url)
                continue
            state.etag = fetched.etag or state.etag
            state.modified = fetched.last_modified or state.modified
            try:
                items = list(read_feed(url, fetched.body))
            except InputError as exc:
                log.warning("skipped %s: %s", exc.source, exc.reason)
                summary.skip(exc.source, exc.reason)
                continue
            for item in items:
                if isinstance(item, InputError):
                    summary.skip(item.source, item.reason)
                    continue
                key = item.external_id or item.id
                if key in state.seen and item.id in state.seen:
                    continue
                state.seen.update((key, item.id))
                yield item
