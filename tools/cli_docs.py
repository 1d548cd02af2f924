"""Write docs/cli.md from the commands' own --help, and docs' settings table from kharita.settings.

Run after changing a command or a setting:  .venv/bin/python tools/cli_docs.py
tests/test_docs.py fails when docs/cli.md is not what this script would write.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "docs" / "cli.md"


def _walk(command: click.Command, path: list[str]) -> list[tuple[list[str], click.Command]]:
    found = [(path, command)]
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            found.extend(_walk(command.commands[name], [*path, name]))
    return found


def render() -> str:
    from kharita import settings
    from kharita.cli import main

    lines = [
        "# Command line",
        "",
        "Generated from each command's `--help` by `tools/cli_docs.py`; do not edit by hand.",
        "",
        "## Settings",
        "",
        "Each setting is read from its environment variable; a command-line option wins over it.",
        "",
        "| setting | environment variable | default | meaning |",
        "|---|---|---|---|",
    ]
    for s in settings.SETTINGS:
        lines.append(f"| `{s.name}` | `{s.env}` | `{s.default}` | {s.help} |")
    for path, command in _walk(main, ["kharita"]):
        with click.Context(command, info_name=" ".join(path), terminal_width=100) as ctx:
            text = command.get_help(ctx)
        lines += ["", f"## `{' '.join(path)}`", "", "```", text.rstrip(), "```"]
    return "\n".join(lines) + "\n"


def main() -> int:
    TARGET.write_text(render(), encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
