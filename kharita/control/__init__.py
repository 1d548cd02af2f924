"""Control: territorial events as changes of hands (changes.py), and who holds what when (state.py)."""

from kharita.control.changes import change_of, control_changes
from kharita.control.state import (
    ControlTimeline,
    control_at,
    control_geojson,
    history,
    load_timeline,
)
from kharita.control.materialised import refresh

__all__ = [
    "ControlTimeline",
    "change_of",
    "control_at",
    "control_changes",
    "control_geojson",
    "history",
    "load_timeline",
    "refresh",
]
