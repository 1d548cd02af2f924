"""Merge: one event from many reports (cluster.py), with low/best/high tolls (fatalities.py)."""

from kharita.merge.cluster import (
    EventIndex,
    cluster_events,
    combine,
    distance_km,
    merge_events,
    same_event,
)
from kharita.merge.fatalities import FatalityRange, fatality_range

__all__ = [
    "EventIndex",
    "FatalityRange",
    "cluster_events",
    "combine",
    "distance_km",
    "fatality_range",
    "merge_events",
    "same_event",
]
