"""Turn raw bytes and fields into clean Document text: decode, check, clean, date, language.

Every check raises InputError with the source and a reason a user can act on, so that readers
can count and report a skipped input and go on with the batch.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from dateutil import parser as dateparser

from kharita import settings
from kharita.errors import InputError
from kharita.models import Document

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANK_LINES = re.compile(r"\n{3,}")
_EN_WORDS = frozenset("the and of in to a is was for on that with by from as at have has were".split())


def max_text_bytes() -> int:
    return int(float(settings.get("max_text_mb")) * 1024 * 1024)


def check_size(source: str, size: int) -> None:
    limit = max_text_bytes()
    if size > limit:
        raise InputError(
            source, f"too large ({size / 1048576:.1f} MB, the limit is {limit / 1048576:.0f} MB); "
                    f"split it into reports or raise {settings.env_var('max_text_mb')}")


def decode(source: str, data: bytes) -> str:
    """Bytes to text: UTF-8 (a BOM is dropped). A binary file or another encoding is an InputError."""
    check_size(source, len(data))
    if b"\x00" in data[:8192]:
        raise InputError(source, "binary file (NUL bytes), not text; give a text, HTML, feed, JSONL or CSV file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            source, f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
                    f"convert it with: iconv -f <encoding> -t utf-8") from exc


def clean_text(text: str) -> str:
    """NFC, Unix newlines, no control characters, single spaces, at most one blank line in a row.
    Offsets of evidence spans are into this cleaned text."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    text = "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", text).strip()


#: Publication years a report can have. Outside them a date is a placeholder or a typo ("0001-01-01",
#: "9999-12-31"), read as none; the coder bounds the dates written in a report the same way.
MIN_YEAR, MAX_YEAR = 1900, 2200


def parse_date(value: Any) -> dt.date | None:
    """A publication date from a date, an ISO string, an RFC 822 string or a struct_time; None
    when there is none, it cannot be read or its year is not MIN_YEAR to MAX_YEAR (a bad date
    never sinks a report)."""
    day = _read_date(value)
    return day if day is not None and MIN_YEAR <= day.year <= MAX_YEAR else None


def _read_date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        if hasattr(value, "tm_year"):               # feedparser's: "0000-00-00" is year -1
            return dt.date(value.tm_year, value.tm_mon, value.tm_mday)
        return dateparser.parse(str(value), fuzzy=False).date()
    except (ValueError, OverflowError):
        return None


def guess_language(text: str) -> str:
    """'en' when common English words make up a fair share of the text, else 'und' (undetermined).
    kharita codes English; other languages are stored and reported, not coded."""
    words = re.findall(r"[a-z]+", text[:5000].lower())
    if not words:
        return "und"
    share = sum(w in _EN_WORDS for w in words) / len(words)
    return "en" if share >= 0.08 else "und"


def make_document(source: str, text: str | None, **fields: Any) -> Document:
    """A Document from raw text and metadata; InputError when there is no text left to read."""
    if text is None or not isinstance(text, str):
        raise InputError(source, "no text: the record needs a non-empty 'text' field")
    check_size(source, len(text.encode("utf-8")))
    cleaned = clean_text(text)
    if not cleaned:
        raise InputError(source, "empty: no text after removing whitespace")
    published = parse_date(fields.pop("published", None))
    external_id = fields.pop("external_id", None)
    strings = {k: (str(v).strip() or None) if v is not None else None for k, v in fields.items()}
    return Document.from_text(
        cleaned,
        external_id=str(external_id) if external_id not in (None, "") else None,
        published=published,
        language=guess_language(cleaned),
        origin=source,
        **strings,
    )
