"""Properties of the whole coder: the real English pipeline through `pipeline.run` into SQLite.

On any text (Arabic, Kurdish and Turkish letters, direction marks, zero-width characters, emoji,
numbers everywhere, no sentence breaks, sentences of 20k to 100k characters) the run never fails
a report, the time it takes grows no faster than the text, and every evidence span lies inside the
report and equals the text it points at.

The time bound is generous, not a benchmark: `ALLOWANCE_S + S_PER_KB` seconds a kilobyte, where the
coder's worst linear case measured here is ~0.09 s/KB (a 100 KB report of short sentences, or one
sentence of 100 KB with a trigger every 2 KB, on the 2-core machine). A report that runs over it is
interrupted at the bound, so that a slow case costs the bound and no more.
"""

from __future__ import annotations

import datetime as dt
import gc
import math
import signal
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import hypothesis_profiles
import pytest
from hypothesis import currently_in_test_context, event, example, given, reject
from hypothesis import strategies as st

from kharita import pipeline
from kharita.errors import InputError
from kharita.ingest.normalize import make_document
from kharita.models import Document, Event
from kharita.store import Store

pytestmark = [
    pytest.mark.issue(11), pytest.mark.slow,
    # a failing 100k-character example is shown by how it was built; hypothesis warns before that
    pytest.mark.filterwarnings("ignore:Generating overly large repr:hypothesis.errors.HypothesisWarning"),
]

S_PER_KB = 0.5
ALLOWANCE_S = 2.0

TRIGGERS = ["clashed with", "killed", "shelled", "airstrike on", "captured", "protested in", "arrested",
            "displaced", "bombed", "an explosion in", "attacked", "seized", "took control of", "wounded",
            "fighting", "were executed", "kidnapped", "looted"]
ACTORS = ["YPG", "ISIS", "SDF", "the Turkish army", "regime forces", "civilians", "PKK", "Peshmerga",
          "Islamic State militants", "unidentified gunmen", "Hêzên Parastina Gel", "Türk Silahlı Kuvvetleri"]
PLACES = ["Hasakah", "Hesekê", "Qamişlo", "Serêkaniyê", "Dêra Zor", "Kobanî", "İdlib", "Şırnak", "Diyarbakır",
          "Mosul", "الحسكة", "القامشلي", "Aleppo", "Amûdê", "Iğdır", "in", "near", "north of"]
DATES = ["on Monday", "yesterday", "July 9, 2015", "9/7/2015", "2015-07-09", "31 February 2015", "0000-00-00",
         "on 99999", "last week", "in the past two weeks", "1 January 0001", "31 December 9999",
         "١٢ تموز ٢٠١٥"]
NUMBERS = ["12", "1,000", "1.5 million", "dozens", "٣٤", "۱۲", "10-20", "-5", "1e308", "0", "007", "½", "²",
           "99999999999999999999999999", "18446744073709551617", "9" * 400, "3.14159", "twelve", "a hundred",
           "between 5 and 7", "at least 40", "over 9000", "١٬٠٠٠", "一", "Ⅻ"]
CUES = ["reportedly", "claimed", "according to", "said", "denied", "unconfirmed", "people", "fighters",
        "soldiers", "children", "the", "and", "of", "."]
SPECIAL = ["\u200f", "\u202b", "\u202e", "\u200e", "\u200b", "\u200d", "\ufeff", "\u200c", "\u00a0", "💥", "🔥",
           "🇸🇾", "👨‍👩‍👧", "ê î û ç ş", "ı ğ İ", "قتل ١٢ شخصا", "«", "»", "–", "\t", "\r\n", "\x0b"]

#: Sentences a report could hold, so that long reports code events too.
EVENTS = ["YPG fighters clashed with ISIS in Hesekê on 9 July 2015, killing 12.",
          "Turkish jets struck PKK positions near Duhok on Monday, the army said.",
          "Regime forces shelled the Ghuwayran district of al-Hasakah, wounding 3 civilians.",
          "Hundreds protested in Qamişlo on 2015-07-10 against the siege of Serêkaniyê.",
          "قتل ١٢ شخصا في الحسكة. Islamic State militants captured Tel Abyad."]
chars = st.one_of(st.characters(codec="utf-8"), st.sampled_from("".join(SPECIAL)))
vocabulary = TRIGGERS + ACTORS + PLACES + DATES + NUMBERS + CUES + SPECIAL
token = st.one_of(st.sampled_from(vocabulary), st.sampled_from(EVENTS), st.integers().map(str),
                  st.text(chars, min_size=1, max_size=12))
separator = st.sampled_from([" ", " ", " ", "", "\n", "\u200f", "\u200b", ". ", ", ", "\n\n"])


@st.composite
def reports(draw, tokens=token, max_tokens: int = 60, breaks: bool = True) -> str:
    """Words the coder looks for, mixed with any Unicode; no sentence breaks unless `breaks`."""
    words = draw(st.lists(tokens, min_size=1, max_size=max_tokens))
    seps = separator if breaks else st.sampled_from([" ", "", "\u200f", "\u200b", ", ", "\u00a0"])
    return "".join(w + draw(seps) for w in words)


def repeated(unit: st.SearchStrategy[str], *, min_chars: int = 20_000,
             max_chars: int = 100_000) -> st.SearchStrategy[str]:
    """A text of `min_chars` to `max_chars` characters made by repeating a generated unit: cheap
    to generate, and hypothesis shrinks the unit and the length, not 100k characters."""
    def build(pair: tuple[str, int]) -> str:
        piece, size = pair
        piece = piece.strip() + " "
        return (piece * math.ceil(size / len(piece)))[:size]

    return st.tuples(unit, st.integers(min_chars, max_chars)).map(build)


#: Short sentences: the pre-filter splits after ". " only before a capital letter or a digit.
sentences = st.tuples(st.sampled_from(["", *EVENTS]), reports(max_tokens=25)).map(
    lambda pair: f"{pair[0]} Then {pair[1].replace(chr(10), ' ')}. ")
no_trigger = st.one_of(st.sampled_from(ACTORS + PLACES + DATES + NUMBERS + SPECIAL),
                       st.text(chars, min_size=1, max_size=8))
published = st.one_of(st.none(), st.dates(), st.just(dt.date(2015, 7, 9)))


# -- the pipeline, once per module --------------------------------------------------------------------

@pytest.fixture(scope="module")
def coder():
    from kharita.events import EventCoder
    from kharita.nlp.load import default_pipeline

    coder = EventCoder(default_pipeline())
    coder.code(Document.from_text("YPG fighters clashed with ISIS in Hasakah on Thursday."))   # warm up
    return coder


class OverBudget(BaseException):
    """Raised by the alarm when a report runs past the time bound; a BaseException, so that the
    pipeline's per-report isolation (which catches Exception) lets it through."""


@contextmanager
def time_bound(seconds: float) -> Iterator[None]:
    """Interrupt the block after `seconds`; the alarm pytest-timeout had set is put back after.

    The alarm rings again every 50 ms until it lands: one that rings inside a gc callback (as
    hypothesis has) or a finalizer would be ignored there, so it passes on those."""
    armed = True

    def ring(signum, frame):  # type: ignore[no-untyped-def]
        if armed and not _in_callback(frame):
            raise OverBudget(f"still running after the bound of {seconds:.1f} s")

    previous = signal.signal(signal.SIGALRM, ring)
    left, interval = signal.setitimer(signal.ITIMER_REAL, seconds, 0.05)
    started = time.perf_counter()
    try:
        yield
    finally:
        armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if left:
            signal.setitimer(signal.ITIMER_REAL, max(0.001, left - (time.perf_counter() - started)), interval)


def _in_callback(frame) -> bool:  # type: ignore[no-untyped-def]
    """Whether Python code runs inside a gc callback or a finalizer, where exceptions are ignored."""
    callbacks = {getattr(cb, "__code__", None) for cb in gc.callbacks}
    while frame is not None:
        if frame.f_code in callbacks or frame.f_code.co_name == "__del__":
            return True
        frame = frame.f_back
    return False


def document(text: str, day: dt.date | None, cleaned: bool) -> Document:
    """As ingest makes it (cleaned text) or as POST /api/reports does (the text verbatim)."""
    if cleaned:
        try:
            return make_document("generated", text, published=day)
        except InputError:
            return Document.from_text(text or " ", published=day, origin="generated")
    return Document.from_text(text, published=day, origin="generated")


#: Failures already tracked by an xfail test below: a generated case that meets one is rejected,
#: so that the property goes on looking for other bugs.
KNOWN_FAILURES: dict[str, str] = {}


def check_run(coder, doc: Document, *, known: bool = True) -> None:  # type: ignore[no-untyped-def]
    """Run one report through the pipeline into a fresh SQLite store and check the properties;
    with `known`, a report that fails only as KNOWN_FAILURES lists rejects the case."""
    coded: list[tuple[Document, list[Event]]] = []

    class Recorder:
        batch_size = coder.batch_size

        def extract(self, documents):  # type: ignore[no-untyped-def]
            for pair in coder.extract(documents):
                coded.append(pair)
                yield pair

    kb = max(len(doc.text.encode("utf-8")) / 1024, 0.001)
    bound = ALLOWANCE_S + S_PER_KB * kb
    with tempfile.TemporaryDirectory(prefix="kharita-prop-") as folder:
        with Store.open(Path(folder) / "prop.db") as store:
            started = time.perf_counter()
            try:
                with time_bound(bound):
                    summary = pipeline.run([doc], store, extractor=Recorder())
            except OverBudget as exc:
                raise AssertionError(f"{kb:.1f} KB {exc} ({S_PER_KB} s/KB + {ALLOWANCE_S} s)") from None
            elapsed = time.perf_counter() - started
            if known and summary.failed and all(r in KNOWN_FAILURES for _, r in summary.failed):
                reject()
            assert summary.failed == [], f"a report failed: {summary.failed}"
            assert elapsed <= bound, f"{elapsed:.1f} s for {kb:.1f} KB ({elapsed / kb:.2f} s/KB)"
            stored = list(store.iter_events())
            texts = {d.id: d.text for d, _ in coded}
            for coded_event in [e for _, events in coded for e in events] + stored:
                for source in coded_event.sources:
                    text = texts.get(source.document_id)
                    if text is None:
                        text = store.get_document(source.document_id).text
                    for ev in source.evidence:
                        assert 0 <= ev.start <= ev.end <= len(text), (coded_event.event_id, ev)
                        assert text[ev.start:ev.end] == ev.text, (coded_event.event_id, ev)
    assert [d.id for d, _ in coded] == [doc.id]
    if currently_in_test_context():
        found = len(coded[0][1])
        event(f"events coded: {found if found < 3 else '3 or more'}")


# -- the properties -------------------------------------------------------------------------------------

@given(text=st.one_of(reports(), st.text(chars, max_size=300), reports(breaks=False)), day=published,
       cleaned=st.booleans())
@example(text="YPG fighters clashed with ISIS in Hesekê on 9 July 2015, killing 12.", day=None, cleaned=True)
@example(text="\u200f\ufeff\u200b", day=None, cleaned=False)
def test_any_text_is_coded_without_failure_in_bounded_time(coder, text, day, cleaned):
    check_run(coder, document(text, day, cleaned))


@hypothesis_profiles.scaled(0.05, least=4)
@given(text=st.one_of(repeated(sentences),
                      repeated(reports(no_trigger, max_tokens=25, breaks=False))),
       day=published, cleaned=st.booleans())
def test_long_reports_are_coded_in_bounded_time(coder, text, day, cleaned):
    """Long reports: many sentences, or one 20k-100k character sentence without trigger words."""
    check_run(coder, document(text, day, cleaned))


# -- what the properties found, as regression tests ------------------------------------------------------
# Plain tests, not @given: hypothesis raises the recursion limit while it runs a test, which hid
# the first of these from it. Each failed before ef3218c (kharita/events, kharita/nlp).

def test_a_long_sentence_of_nested_triggers_is_coded_without_failure(coder):
    """One 10,000-character sentence of 'clashed with ' repeated was a RecursionError in
    kharita.events.arguments._subtree_cut."""
    check_run(coder, document(("clashed with " * 770)[:10_000], None, cleaned=True))


def test_a_long_sentence_dense_with_triggers_is_coded_in_bounded_time(coder):
    """One 10,000-character sentence of 'killed ' repeated took ~19 s (1.9 s/KB; 20,000 characters
    ~68 s): each trigger scanned the whole sentence."""
    check_run(coder, document(("killed " * 1430)[:10_000], None, cleaned=True))


@pytest.mark.parametrize("text", [
    "On 1 January 0001 YPG fighters clashed with ISIS in Hesekê.",
    "YPG fighters clashed with ISIS in Hesekê on 31 December 9999.",
])
def test_an_event_at_the_ends_of_the_calendar_is_coded(coder, text):
    """An event dated in year 1 or 9999 failed its report: merge's candidate window
    (kharita.store.store.events_near_by_precision, day +- its widest window) raised OverflowError."""
    check_run(coder, document(text, None, cleaned=True))


@pytest.mark.parametrize("day", [dt.date(1, 1, 1), dt.date(9999, 12, 31)])
def test_a_report_read_with_a_placeholder_publication_date_is_coded_undated(coder, day):
    """A feed or record published 0001-01-01 or 9999-12-31 failed its report (see the xfail
    below); ingest now reads such a date as none (kharita.ingest.normalize.parse_date)."""
    doc = document("Turkish jets struck PKK positions near Duhok, the army said.", day, cleaned=True)
    assert doc.published is None
    check_run(coder, doc, known=False)


# Fixed: merge's candidate window in kharita.store.store.events_near_by_precision stops at the ends
# of the calendar instead of overflowing (day - widest, day + widest).
@pytest.mark.parametrize("day", [dt.date(1, 1, 1), dt.date(9999, 12, 31)])
def test_a_document_published_at_the_ends_of_the_calendar_is_coded(coder, day):
    doc = Document.from_text("Turkish jets struck PKK positions near Duhok, the army said.", published=day)
    check_run(coder, doc, known=False)


def test_a_toll_past_int64_is_no_failure(coder):
    """'killed 9223372036854775808 people' was taken as the toll, and SQLite refused the integer."""
    check_run(coder, document("ISIS killed 9223372036854775808 people in Hasakah.", None, cleaned=True))


def _seconds(coder, text: str) -> float:  # type: ignore[no-untyped-def]
    with tempfile.TemporaryDirectory(prefix="kharita-prop-") as folder, \
            Store.open(Path(folder) / "prop.db") as store:
        started = time.perf_counter()
        summary = pipeline.run([document(text, None, cleaned=True)], store, extractor=coder)
        assert summary.failed == []
        return time.perf_counter() - started


@pytest.mark.xfail(strict=True, reason="bug: kharita.events still codes a sentence in time ~ its length squared "
                   "when it is dense with triggers: one sentence of 'killed ' repeated takes ~1.3 s at "
                   "10,000 characters, ~6 s at 20,000 and ~150 s (1.5 s/KB) at 100,000")
def test_time_per_kilobyte_does_not_grow_with_the_length_of_a_sentence(coder):
    """Twice the sentence, at most 1.5 times the time per kilobyte (linear is 1, quadratic 2)."""
    short, long = (("killed " * 3000)[:n] for n in (10_000, 20_000))
    ratio = (_seconds(coder, long) / 2) / _seconds(coder, short)
    assert ratio <= 1.5, f"time per kilobyte x{ratio:.2f} for twice the sentence"
