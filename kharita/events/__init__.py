"""The events stage: triggers and their parsed arguments become ACLED events with evidence.

The names below load lazily, so importing a sibling module (the `classify` command, say) does not
import spaCy; the CLI starts without it.
"""

from typing import Any

__all__ = ["EventCoder", "classify", "code_document"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from kharita.events import coder

        return getattr(coder, name)
    raise AttributeError(f"module 'kharita.events' has no attribute {name!r}")
