"""The "kharita_dates" component: time expressions resolved against the publication date.

"on Sunday" is the last Sunday on or before publication; "yesterday" the day before; "on July 25"
that day in the publication year (the year before if it would fall after publication); "last week"
a week earlier with week precision; "for the past two weeks" is a *period*: it dates nothing by
itself but tells the events stage that undated events of the report lie within that window.

Each expression becomes a Mention(kind="date") whose label is "YYYY-MM-DD/P" (P the ACLED time
precision 1, 2 or 3), with "/period" appended for periods; `parse_label` reads it back.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from spacy.language import Language
from spacy.tokens import Doc

from kharita.models import Mention
from kharita.nlp import extensions
from kharita.nlp.numbers import parse_number
from kharita.ontology import TimePrecision

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december"]
_MONTH_ABBR = {m[:3]: i + 1 for i, m in enumerate(MONTHS)} | {"sept": 9}
_MONTH_RE = r"(?:january|february|march|april|may|june|july|august|september|october|november|december|" \
            r"jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?"
_COUNT_RE = r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|few|several|couple of)"

PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")),
    ("month_day", re.compile(rf"\b(?:on\s+)?({_MONTH_RE})\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?\b", re.I)),
    ("day_month", re.compile(rf"\b(?:on\s+)?(?:the\s+)?(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH_RE})(?:,?\s+(\d{{4}}))?\b", re.I)),
    ("month_year", re.compile(rf"\b(?:in\s+)?({_MONTH_RE})\s+(\d{{4}})\b", re.I)),
    ("period", re.compile(
        rf"\b(?:for|over|during|in|within|throughout)\s+the\s+(?:past|last|previous)\s+({_COUNT_RE})?\s*"
        r"(hours|days|weeks|months|day|week|month)\b", re.I)),
    ("recent", re.compile(r"\b(?:in|over)\s+recent\s+(days|weeks|months)\b", re.I)),
    ("ago", re.compile(rf"\b({_COUNT_RE})\s+(days|weeks|day|week)\s+ago\b", re.I)),
    ("last_unit", re.compile(r"\blast\s+(week|month)\b", re.I)),
    ("this_unit", re.compile(r"\b(?:earlier\s+)?this\s+(week|month)\b", re.I)),
    ("weekday", re.compile(r"\b(?:on\s+|last\s+|this\s+)?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
                           r"(?:\s+(?:morning|afternoon|evening|night))?\b", re.I)),
    ("yesterday", re.compile(r"\b(yesterday|last\s+night|overnight)\b", re.I)),
    ("today", re.compile(r"\b(today|tonight|this\s+(?:morning|afternoon|evening))\b", re.I)),
]


def make_label(day: dt.date, precision: TimePrecision, period: bool = False) -> str:
    return f"{day.isoformat()}/{int(precision)}" + ("/period" if period else "")


def parse_label(label: str) -> tuple[dt.date, TimePrecision, bool]:
    """(date, time precision, is_period) of a date Mention's label."""
    parts = label.split("/")
    return dt.date.fromisoformat(parts[0]), TimePrecision(int(parts[1])), len(parts) > 2


def _month(text: str) -> int:
    key = text.lower().rstrip(".")
    return MONTHS.index(key) + 1 if key in MONTHS else _MONTH_ABBR[key[:4] if key == "sept" else key[:3]]


#: Years a written date may name: outside them a "date" is a typo or a test string, not an event's day.
MIN_YEAR, MAX_YEAR = 1900, 2200


def _in_year(month: int, day: int, year: int | None, published: dt.date | None) -> dt.date | None:
    if year is None:
        if published is None:
            return None
        year = published.year
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            return None
        if candidate > published + dt.timedelta(days=1):
            candidate = candidate.replace(year=year - 1)
        return candidate
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None                      # "1 January 0001": no report dates an event there
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _count(text: str | None) -> int:
    if not text:
        return 1
    low = text.lower()
    if low in ("a", "an"):
        return 1
    if low == "couple of":
        return 2
    return parse_number(low) or 1


def resolve(kind: str, match: re.Match[str], published: dt.date | None) -> str | None:
    """The label of one matched expression, or None when it cannot be dated."""
    g = match.groups()
    if kind == "iso":
        try:
            return make_label(dt.date(int(g[0]), int(g[1]), int(g[2])), TimePrecision.DAY)
        except ValueError:
            return None
    if kind == "month_day":
        day = _in_year(_month(g[0]), int(g[1]), int(g[2]) if g[2] else None, published)
        return make_label(day, TimePrecision.DAY) if day else None
    if kind == "day_month":
        day = _in_year(_month(g[1]), int(g[0]), int(g[2]) if g[2] else None, published)
        return make_label(day, TimePrecision.DAY) if day else None
    if kind == "month_year":                 # "in February 2009": the month (ACLED time precision 3)
        if g[0] == "may":
            return None                      # "they may 2021 ...": the verb
        day = _in_year(_month(g[0]), 15, int(g[1]), None)
        return make_label(day, TimePrecision.MONTH) if day else None
    if published is None:
        return None
    if kind == "period":
        unit = g[1].lower().rstrip("s")
        days = _count(g[0]) * {"hour": 1 / 24, "day": 1, "week": 7, "month": 30}[unit]
        precision = TimePrecision.DAY if days <= 1 else TimePrecision.WEEK if days <= 7 else TimePrecision.MONTH
        return make_label(published, precision, period=True)
    if kind == "recent":
        precision = TimePrecision.WEEK if g[0].lower() == "days" else TimePrecision.MONTH
        return make_label(published, precision, period=True)
    if kind == "ago":
        unit = g[1].lower().rstrip("s")
        days = _count(g[0]) * (7 if unit == "week" else 1)
        precision = TimePrecision.DAY if unit == "day" else TimePrecision.WEEK
        return make_label(published - dt.timedelta(days=days), precision)
    if kind == "last_unit":
        if g[0].lower() == "week":
            return make_label(published - dt.timedelta(days=7), TimePrecision.WEEK)
        return make_label(published - dt.timedelta(days=30), TimePrecision.MONTH)
    if kind == "this_unit":
        precision = TimePrecision.WEEK if g[0].lower() == "week" else TimePrecision.MONTH
        return make_label(published, precision)
    if kind == "weekday":
        back = (published.weekday() - WEEKDAYS.index(g[0].lower())) % 7
        return make_label(published - dt.timedelta(days=back), TimePrecision.DAY)
    if kind == "yesterday":
        return make_label(published - dt.timedelta(days=1), TimePrecision.DAY)
    if kind == "today":
        return make_label(published, TimePrecision.DAY)
    return None


def find_dates(text: str, published: dt.date | None) -> list[Mention]:
    """Date mentions in a text, earlier patterns winning where two overlap."""
    taken: list[tuple[int, int]] = []
    out: list[Mention] = []
    for kind, pattern in PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < e and s < end for s, e in taken):
                continue
            label = resolve(kind, match, published)
            if label is None:
                continue
            taken.append((start, end))
            out.append(Mention("date", start, end, match.group(0), label))
    return sorted(out, key=lambda m: m.start)


@Language.factory("kharita_dates", assigns=["doc._.kharita_dates"])
def make_date_tagger(nlp: Language, name: str) -> "DateTagger":
    return DateTagger(name)


class DateTagger:
    """Marks time expressions, resolved against `doc._.kharita_published`."""

    def __init__(self, name: str = "kharita_dates") -> None:
        extensions.register()
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        doc._.kharita_dates = find_dates(doc.text, doc._.kharita_published)
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterable[Doc]:
        for doc in docs:
            yield self(doc)
