"""Death tolls across reports: low, best and high, as UCDP GED keeps them.

Outlets rarely agree on a toll. UCDP keeps three figures per event; ACLED keeps one, the lowest
stated. kharita keeps all three and writes ACLED's ``fatalities`` as the low:

- **low**: the smallest figure any report states (ACLED's conservative rule);
- **high**: the largest figure any report states (or a report's own upper bound, "10 to 15 killed");
- **best**: the median of the reports' figures. With an even number of reports the lower of the
  two middle figures is taken, so that one outlet's inflated toll cannot pull the best estimate up
  on its own (UCDP's best is the most credible figure, which is rarely the largest).

A report that states no toll does not count as a report of zero dead: it is left out, and an event
with no stated toll at all keeps all three as None.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FatalityRange:
    """The three figures of one event; all None when no report states a toll."""

    low: int | None = None
    best: int | None = None
    high: int | None = None

    @property
    def acled(self) -> int | None:
        """ACLED's ``fatalities``: the lowest stated figure."""
        return self.low


def best_estimate(figures: Iterable[int]) -> int | None:
    """The lower median of the stated figures (see the module docstring for why the lower)."""
    ordered = sorted(figures)
    if not ordered:
        return None
    return ordered[(len(ordered) - 1) // 2]


def fatality_range(
    figures: Iterable[int | None],
    *,
    lows: Iterable[int | None] = (),
    highs: Iterable[int | None] = (),
) -> FatalityRange:
    """Combine each report's figure (None: not stated) with any ranges already known.

    `lows` and `highs` carry bounds that a single report gave as a range, or that an already
    merged event holds; they widen the range but do not vote on the best estimate.
    """
    stated = [f for f in figures if f is not None]
    low_bounds = stated + [v for v in lows if v is not None]
    high_bounds = stated + [v for v in highs if v is not None]
    if not low_bounds and not high_bounds:
        return FatalityRange()
    low = min(low_bounds) if low_bounds else min(high_bounds)
    high = max(high_bounds) if high_bounds else max(low_bounds)
    best = best_estimate(stated)
    if best is None:
        best = low
    best = max(low, min(best, high))
    return FatalityRange(low=low, best=best, high=high)
