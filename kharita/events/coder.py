"""EventCoder: reports in, ACLED events out (the pipeline's Extractor), and `classify` for snippets.

For each batch of reports the pre-filter picks the sentences that hold a trigger, and only those go
through the English pipeline, together, with `nlp.pipe`; the pipeline is loaded once. A report's
context (publication date, its period such as "the past two weeks", its main place) comes from the
whole text; the sentences are then coded in order, so "here" can fall back on the place named just
before.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Iterator
from itertools import islice

from spacy.language import Language
from spacy.tokens import Doc

from kharita.events import assemble as asm
from kharita.events.arguments import DYING, trigger_hits
from kharita.events.incidents import claims_of, suspects_of
from kharita.gazetteer.base import Gazetteer
from kharita.models import ActorMention, Document, Event, Mention, Toponym
from kharita.nlp import extensions
from kharita.nlp.dates import parse_label
from kharita.nlp.lines import keep_abbreviations_inside, mark_datelines, mark_line_starts, other_stories
from kharita.nlp.prefilter import Segment, select_segments
from kharita.ontology import SubEventType, TimePrecision

log = logging.getLogger(__name__)

#: Undated events of a report with no stated period: within a week of publication.
DEFAULT_PRECISION = TimePrecision.WEEK


class EventCoder:
    """Codes reports into Events. `prefilter=False` parses every sentence (for comparison)."""

    def __init__(self, nlp: Language | None = None, *, prefilter: bool = True, batch_size: int = 32) -> None:
        if nlp is None:
            from kharita.nlp.load import default_pipeline

            nlp = default_pipeline()
        extensions.register()
        self.nlp = nlp
        self.prefilter = prefilter
        self.batch_size = batch_size
        #: Events found but not coded since the pipeline last collected them, by reason.
        self.dropped: dict[str, int] = {}

    def extract(self, documents: Iterable[Document]) -> Iterator[tuple[Document, list[Event]]]:
        it = iter(documents)
        while batch := list(islice(it, self.batch_size)):
            yield from self._extract_batch(batch)

    def code(self, document: Document) -> list[Event]:
        """The events of one report."""
        return next(iter(self.extract([document])))[1]

    def _light(self, document: Document) -> Doc:
        """The cheap pass over the whole report: tokenizer and kharita's text-driven components
        (places, actors, triggers, dates, numbers); no tagger, parser or NER."""
        doc = self.nlp.make_doc(document.text)
        doc._.kharita_published = document.published
        doc._.kharita_outlet = document.outlet
        for name, proc in self.nlp.pipeline:
            if name in KHARITA_COMPONENTS:
                doc = proc(doc)
        return doc

    def _segments(self, document: Document, light: Doc) -> list[Segment]:
        if not self.prefilter:
            return [Segment(0, document.text, True)]
        return select_segments(document.text, [m.start for m in light._.kharita_triggers or []])

    def _extract_batch(self, batch: list[Document]) -> Iterator[tuple[Document, list[Event]]]:
        owners: list[int] = []
        segments: list[Segment] = []
        docs: list[Doc] = []
        lights = [self._light(document) for document in batch]
        for index, document in enumerate(batch):
            for seg in self._segments(document, lights[index]):
                owners.append(index)
                segments.append(seg)
                docs.append(keep_abbreviations_inside(mark_datelines(mark_line_starts(self.nlp.make_doc(seg.text)))))
        parts: list[list[tuple[Segment, Doc]]] = [[] for _ in batch]
        disable = [name for name in self.nlp.pipe_names if name in KHARITA_COMPONENTS or name == "ner"]
        with self.nlp.select_pipes(disable=disable):
            parsed = self.nlp.pipe(docs, batch_size=64)
            for owner, seg, doc in zip(owners, segments, parsed):
                parts[owner].append((seg, doc))
        for document, light, doc_parts in zip(batch, lights, parts):
            yield document, code_document(document, light, doc_parts, gazetteer=self.gazetteer,
                                          dropped=self.dropped)

    @property
    def gazetteer(self) -> Gazetteer | None:
        """The toponym component's gazetteer, for the country an event falls back on."""
        if "kharita_toponyms" not in self.nlp.pipe_names:
            return None
        return getattr(self.nlp.get_pipe("kharita_toponyms"), "gazetteer", None)


#: The text-driven components the cheap pass runs on the whole report.
KHARITA_COMPONENTS = ("kharita_toponyms", "kharita_actors", "kharita_triggers", "kharita_dates", "kharita_numbers")


def code_document(document: Document, light: Doc, parts: list[tuple[Segment, Doc]], *,
                  gazetteer: Gazetteer | None = None, dropped: dict[str, int] | None = None) -> list[Event]:
    """Events of one report: mentions from the whole-report pass `light`, parses of its selected
    sentences in `parts` (each with where it starts in the report). With no date in the text and
    no publication date, an event's date is unknown (None), never the day of the run."""
    published = document.published
    toponyms: list[Toponym] = list(light._.kharita_toponyms or [])
    actors: list[ActorMention] = list(light._.kharita_actors or [])
    triggers: list[Mention] = list(light._.kharita_triggers or [])
    dates: list[Mention] = list(light._.kharita_dates or [])
    numbers: list[Mention] = list(light._.kharita_numbers or [])
    toponyms = [t for t in toponyms if not _inside_a_name(t, actors)]
    places = [t for t in toponyms if t.place is not None]
    country = light._.kharita_country or _country(places) or _actor_country(actors)
    ctx = asm.Context(document=document, published=published,
                      precision=report_precision(dates), focus=focus_place(places), country=country)
    if gazetteer is not None and country:
        ctx.country_place = gazetteer.country(country)
    ctx.claims = claims_of(document.text, actors)
    ctx.suspects = suspects_of(document.text, actors)
    drafts: list[asm.Draft] = []
    text = document.text
    elsewhere = other_stories(text)
    for seg, doc in parts:
        for sent in doc.sents:
            end = seg.start + sent.end_char
            if any(s <= seg.start + sent.start_char < e for s, e in elsewhere):
                continue                      # "You may also like: ...": other reports' headlines
            next_text = text[end:end + 160].lstrip()
            drafts.extend(asm.code_sentence(
                sent, ctx, triggers=triggers, actors=actors, toponyms=toponyms, dates=dates, numbers=numbers,
                offset=seg.start, next_text=next_text,
            ))
    events = asm.assemble_events(asm.fold_followups(drafts), ctx)
    if dropped is not None:
        for reason, n in ctx.dropped.items():
            dropped[reason] = dropped.get(reason, 0) + n
    return events


def _inside_a_name(top: Toponym, actors: list[ActorMention]) -> bool:
    """"Islamic State of Iraq and the Levant", "Kurdistan Workers' Party": a place named inside a
    group's name is no place of the report (nor its scene when no other place is named)."""
    return any(a.start <= top.start and top.end <= a.end and (a.start, a.end) != (top.start, top.end)
               for a in actors if not a.generic)


def report_precision(dates: list[Mention]) -> TimePrecision:
    """The time precision of a report's undated events: its stated period if any ("for the past two
    weeks" -> within a month), else DEFAULT_PRECISION."""
    widest = None
    for mention in dates:
        _day, precision, period = parse_label(mention.label)
        if period and (widest is None or precision > widest):
            widest = precision
    return widest if widest is not None else DEFAULT_PRECISION


def focus_place(toponyms: list[Toponym]) -> Toponym | None:
    """The report's main place: the most named populated place or area; the dateline breaks ties."""
    if not toponyms:
        return None
    counts: Counter[str] = Counter()
    first: dict[str, Toponym] = {}
    for top in toponyms:
        place = top.place
        if place is None or place.feature_class not in ("P", "A", ""):
            continue
        key = place.key
        counts[key] += 1
        first.setdefault(key, top)
        if top.start < 120:
            counts[key] += 1
    if not counts:
        return toponyms[0]
    key, _n = max(counts.items(), key=lambda kv: (kv[1], -first[kv[0]].start))
    return first[key]


def _country(toponyms: list[Toponym]) -> str:
    counts = Counter(t.place.country_code for t in toponyms if t.place is not None)
    return counts.most_common(1)[0][0] if counts else ""


def _actor_country(actors: list[ActorMention]) -> str:
    """The country of the report's national forces and groups, when no place says it ("Nigerian
    troops", "the Afghan police")."""
    counts = Counter(a.actor.country for a in actors if a.actor.country)
    return counts.most_common(1)[0][0] if counts else ""


# -- classify --------------------------------------------------------------------------------------

def classify(text: str, nlp: Language | None = None) -> list[tuple[SubEventType, str]]:
    """The ACLED sub-event type(s) a snippet reports, each with the trigger that decided, in text
    order; empty when it reports no event. Actors and places are not required here."""
    if nlp is None:
        from kharita.nlp.load import default_pipeline

        nlp = default_pipeline()
    return classify_doc(nlp(text))


def classify_doc(doc: Doc) -> list[tuple[SubEventType, str]]:
    out: list[tuple[SubEventType, str]] = []
    seen: set[SubEventType] = set()
    triggers: list[Mention] = doc._.kharita_triggers or []
    actors: list[ActorMention] = doc._.kharita_actors or []
    for sent in doc.sents:
        hits = trigger_hits(doc, [m for m in triggers if sent.start_char <= m.start < sent.end_char][:asm.MAX_TRIGGERS])
        for sub, hit in asm.classify_sentence(sent, hits, actors, 0):
            if hit.head.lemma_.lower() in DYING:
                continue                      # "the three died after drinking ...": dying tells no one's act
            if sub not in seen:
                seen.add(sub)
                out.append((sub, hit.span.text))
    return out
