"""Copy the map's JavaScript libraries from node_modules into kharita/web/static/vendor/.

MapLibre GL JS draws the map with WebGL, world-atlas carries Natural Earth's country outlines
and land (TopoJSON, decoded by the server: kharita.web.basemap), swagger-ui renders /docs. The map never loads
a library from a CDN: `npm ci` installs the exact versions pinned in
package-lock.json, and this step copies the files the page needs next to it (git-ignored). The
wheel carries them as package data; setup.py refuses to build one while any is missing.

    python -m kharita.web.vendor [--node-modules PATH]
"""

from __future__ import annotations

import argparse
import logging
import shutil
from pathlib import Path

from kharita.errors import ConfigError

log = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "static"
VENDOR = STATIC / "vendor"
ROOT = Path(__file__).resolve().parents[2]

#: (package, path inside the package, path under static/vendor/); a literal: setup.py reads it with ast
FILES: tuple[tuple[str, str, str], ...] = (
    ("maplibre-gl", "dist/maplibre-gl.mjs", "maplibre/maplibre-gl.mjs"),
    ("maplibre-gl", "dist/maplibre-gl-worker.mjs", "maplibre/maplibre-gl-worker.mjs"),
    ("maplibre-gl", "dist/maplibre-gl.css", "maplibre/maplibre-gl.css"),
    ("maplibre-gl", "LICENSE.txt", "maplibre/LICENSE.txt"),
    ("world-atlas", "countries-50m.json", "world-atlas/countries-50m.json"),
    ("world-atlas", "land-50m.json", "world-atlas/land-50m.json"),
    ("world-atlas", "LICENSE", "world-atlas/LICENSE"),
    ("swagger-ui-dist", "swagger-ui-bundle.js", "swagger-ui/swagger-ui-bundle.js"),
    ("swagger-ui-dist", "swagger-ui.css", "swagger-ui/swagger-ui.css"),
    ("swagger-ui-dist", "favicon-32x32.png", "swagger-ui/favicon-32x32.png"),
    ("swagger-ui-dist", "LICENSE", "swagger-ui/LICENSE"),
)


def missing() -> list[str]:
    """The vendored files the page needs that are not in place (empty when the map can be served)."""
    return [dest for _, _, dest in FILES if not (VENDOR / dest).exists()]


def copy_vendor(node_modules: Path = ROOT / "node_modules", dest: Path = VENDOR) -> list[Path]:
    """Copy every file in FILES into a fresh `dest` (so that no library dropped from FILES stays behind
    and ends up in a wheel); raise ConfigError naming the first one npm has not installed."""
    for package, inner, _ in FILES:
        if not (node_modules / package / inner).exists():
            raise ConfigError(f"{node_modules / package / inner} is missing. Install the map's libraries with: npm ci")
    shutil.rmtree(dest, ignore_errors=True)
    copied = []
    for package, inner, target in FILES:
        source = node_modules / package / inner
        out = dest / target
        out.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, out, dirs_exist_ok=True)
        else:
            shutil.copyfile(source, out)
        copied.append(out)
        log.debug("copied %s -> %s", source, out)
    return copied


def main() -> None:
    parser = argparse.ArgumentParser(description="Copy the map's JS libraries from node_modules.")
    parser.add_argument("--node-modules", type=Path, default=ROOT / "node_modules")
    args = parser.parse_args()
    copied = copy_vendor(args.node_modules)
    print(f"copied {len(copied)} files into {VENDOR}")


if __name__ == "__main__":
    main()
