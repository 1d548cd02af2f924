"""The build hook: a wheel without the map's libraries is refused, never built silently.

Everything else about the package is in pyproject.toml. The map's JS/CSS (kharita/web/static/vendor/,
with their licence files) are a build output, git-ignored: `make setup` copies them from npm with
`python -m kharita.web.vendor`, and package-data puts them into the wheel. A wheel built before that
step would install a server that answers the map with a 503, so building one stops here with the fix.
Editable installs are not checked: `make setup` installs kharita before npm runs.
"""

from __future__ import annotations

import ast
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.errors import FileError

HERE = Path(__file__).resolve().parent
VENDOR_PY = HERE / "kharita" / "web" / "vendor.py"
VENDOR = HERE / "kharita" / "web" / "static" / "vendor"


def vendored_files() -> list[str]:
    """The destinations in kharita.web.vendor.FILES, read from its source: the isolated build
    environment has setuptools only, so kharita itself cannot be imported here."""
    for node in ast.parse(VENDOR_PY.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", None) == "FILES":
            return [dest for _, _, dest in ast.literal_eval(node.value)]
    raise FileError(f"No FILES table in {VENDOR_PY}")


class BuildPyWithMap(build_py):
    """build_py that first checks the vendored map libraries are in place."""

    def run(self) -> None:
        if not getattr(self, "editable_mode", False):
            missing = [dest for dest in vendored_files() if not (VENDOR / dest).exists()]
            if missing:
                raise FileError(
                    f"The map's JS libraries are not in {VENDOR} (missing: {', '.join(missing)}), so this "
                    "wheel would serve no map. Run `make setup` (or: npm ci && python -m kharita.web.vendor), "
                    "then build again.")
        super().run()


setup(cmdclass={"build_py": BuildPyWithMap})
