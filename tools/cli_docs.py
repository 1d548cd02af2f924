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


def _walk(command: click.Command, path: list[str],
          parent: click.Context | None = None) -> list[tuple[list[str], str]]:
    """(path, help text) of a command and all its subcommands. Each context is made as click
    makes it (the command's context settings, its parent's), so `-h` stays a help option."""
    settings = {"terminal_width": 100, **command.context_settings}
    ctx = click.Context(command, info_name=path[-1] if parent else " ".join(path), parent=parent, **settings)
    found = [(path, command.get_help(ctx))]
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            found.extend(_walk(command.commands[name], [*path, name], ctx))
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
    for path, text in _walk(main, ["kharita"]):
        lines += ["", f"## `{' '.join(path)}`", "", "```", text.rstrip(), "```"]
    return "\n".join(lines) + "\n"


def main() -> int:
    TARGET.write_text(render(), encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
