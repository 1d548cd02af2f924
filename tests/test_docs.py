"""The docs keep up with the code: every command, setting and Event field is documented."""

import importlib.util
from pathlib import Path

from kharita.record import COLUMNS

ROOT = Path(__file__).resolve().parents[1]


def load_cli_docs_tool():
    spec = importlib.util.spec_from_file_location("cli_docs", ROOT / "tools" / "cli_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cli_docs_match_every_commands_help():
    expected = load_cli_docs_tool().render()
    actual = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert actual == expected, "docs/cli.md is stale: run .venv/bin/python tools/cli_docs.py"


def test_every_record_column_is_in_the_data_model_doc():
    doc = (ROOT / "docs" / "data-model.md").read_text(encoding="utf-8")
    missing = [c for c in COLUMNS if f"`{c}`" not in doc]
    assert not missing, f"document these columns in docs/data-model.md: {missing}"


def test_readme_links_only_to_docs_that_exist():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for line in readme.splitlines():
        if "](docs/" in line or "](bench/" in line:
            target = line.split("](", 1)[1].split(")", 1)[0]
            assert (ROOT / target).exists(), f"README links to missing {target}"


def test_the_readme_quick_start_is_two_commands_and_ci_runs_the_second():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Quick start", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    commands = [line.split("#", 1)[0].strip() for line in block.strip().splitlines()]
    assert commands == ["make demo", "make test"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci
