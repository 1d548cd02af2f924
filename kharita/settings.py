"""Every setting kharita reads, in one table: the CLI, the API and the docs all draw from it.

A setting has a name, an environment variable, a default and a line of help. Code asks for a
value with `get(name)`; nothing else reads the environment.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    env: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("db", "KHARITA_DB", "kharita.db",
            "Where events are stored: a SQLite file path, or a sqlite:/// or postgresql:// URL."),
    Setting("extractor", "KHARITA_EXTRACTOR", "",
            "Which extractor codes events: coder (the spaCy event coder) or minimal (a keyword "
            "stand-in); empty means the pipeline's default."),
    Setting("max_text_mb", "KHARITA_MAX_TEXT_MB", "50",
            "Largest report, in MB of text, that ingest accepts; bigger inputs are skipped."),
    Setting("watch_every", "KHARITA_WATCH_EVERY", "10m",
            "How often `kharita watch` polls its feeds (s, m, h suffixes)."),
    Setting("http_timeout", "KHARITA_HTTP_TIMEOUT", "30",
            "Seconds to wait for a feed or page over HTTP."),
    Setting("token", "KHARITA_TOKEN", "",
            "Bearer token that lets `kharita serve` accept POST /api/reports; unset, the API is read-only."),
    Setting("tile_url", "KHARITA_TILE_URL", "",
            "Tile server URL template ({z}/{x}/{y}) for an online base map; unset, the map draws its own "
            "offline base layer (admin boundaries and place names)."),
    Setting("tile_attribution", "KHARITA_TILE_ATTRIBUTION", "",
            "Attribution shown for the tile server set in KHARITA_TILE_URL."),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def get(name: str) -> str:
    """The value of a setting: its environment variable when set and not empty, else the default."""
    setting = _BY_NAME[name]
    return os.environ.get(setting.env) or setting.default


def env_var(name: str) -> str:
    return _BY_NAME[name].env
