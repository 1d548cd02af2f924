"""Trigger + arguments -> Event: the ACLED sub-event choice, one event per place, evidence spans.

`code_sentence` turns the triggers of one parsed sentence into Drafts (arguments attached, sub-event
type chosen by `subtypes.py`); `assemble_events` merges a report's drafts (one event per sub-event type, actor pair,
place and day) and builds the frozen Events. The sub-event rules follow the ACLED codebook:
territory taken with fighting is Government regains territory when the government or a militia under
it takes it and Non-state actor overtakes territory otherwise; taken "without a fight", handed over or
left is a Non-violent transfer; a killing is an Armed clash when the dead are fighters and an Attack
(violence against civilians) otherwise, captives executed included.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field, replace

from spacy.tokens import Span

from kharita.events import arguments as A
from kharita.events.tolls import INJURY_FORMS, OTHER_FATES, counts_people, is_tally, sentence_toll
from kharita.events.subtypes import (  # noqa: F401  (classify_sentence is used through this module)
    PROTEST_TYPES,
    WEAPON_TYPES,
    classify_sentence,
    consistent_sub,
    is_state,
    nation_of,
    roles,
)
from kharita.models import Actor, ActorMention, Document, Event, Evidence, Mention, Place, Source, Territory, Toponym
from kharita.nlp.dates import parse_label
from kharita.ontology import DATE_WINDOW_DAYS, ActorType, Certainty, GeoPrecision, SubEventType as S, TimePrecision

CITY_WORDS = re.compile(r"\b(?:the|this) (?:city|town)(?: cent(?:er|re))?\b|\bcity cent(?:er|re)\b|"
                        r"\bdowntown\b", re.I)
DEICTIC_WORDS = re.compile(r"\b(?:here|there|the (?:village|area|neighbou?rhood|district|hill|camp|base|site|"
                           r"region|spot|scene|road|bridge))\b(?! of\b)", re.I)
DESTINATION_BEFORE = re.compile(r"\b(?:to|towards|toward|into|for|reached|reaching)\s+(?:the\s+)?(?:\w+\s+)?$", re.I)
TAG_WORDS = {
    "napalm": "weapon: incendiary (napalm)", "chlorine": "weapon: chlorine", "sarin": "weapon: sarin",
    "barrel bomb": "weapon: barrel bomb", "car bomb": "weapon: car bomb (VBIED)", "vbied": "weapon: car bomb (VBIED)",
    "mortar": "weapon: mortar", "artillery": "weapon: artillery", "rocket": "weapon: rocket",
    "missile": "weapon: missile", "drone": "weapon: drone", "sniper": "weapon: sniper",
    "landmine": "weapon: landmine", "grenade": "weapon: grenade", "knife": "weapon: knife",
    "hanged": "method: hanging", "beheaded": "method: beheading",
}

_TAGS = re.compile(r"\b(" + "|".join(re.escape(w) for w in TAG_WORDS) + r")", re.I)


@dataclass(slots=True)
class Context:
    """What the coder knows about the report outside the sentence it is reading."""

    document: Document
    published: dt.date | None           # None: the report gives no publication date
    precision: TimePrecision            # for undated events: the report's period ("past two weeks")
    focus: Toponym | None = None        # the report's main place (dateline, most named city)
    country: str = ""
    country_place: Place | None = None  # the country in focus, for events known only to it
    event_country: str = ""             # the country of the event being coded, when its place says
    last_place: Toponym | None = None   # the last place named before the current sentence
    civilians: Actor | None = None


@dataclass(slots=True)
class Draft:
    """An event being built from one trigger in one sentence (absolute character offsets)."""

    sub: S
    klass: str
    trigger: tuple[int, int, str]
    sentence: tuple[int, int, str]
    clause: int
    actor1: ActorMention | None
    actor2: ActorMention | None
    toponym: Toponym | None
    date: dt.date | None                # None: neither the text nor the publication date says
    precision: TimePrecision
    date_evidence: Mention | None = None
    near: bool = False
    road: bool = False
    fatalities: Mention | None = None
    fatalities_high: int | None = None  # the top of a reported range ("between 10 and 15")
    certainty: Certainty = Certainty.REPORTED
    certainty_evidence: tuple[int, int, str] | None = None
    recipient: ActorMention | None = None
    tags: list[str] = field(default_factory=list)
    head_i: int = 0
    prep_parent: int = -1               # the head token a "after clashes" phrase hangs on


def _mention_tuple(span: Span, offset: int) -> tuple[int, int, str]:
    return span.start_char + offset, span.end_char + offset, span.text


def _first_other(actors: list[ActorMention], *exclude: ActorMention | None, armed: bool = True,
                 after: int | None = None) -> ActorMention | None:
    names = {a.actor.name for a in exclude if a is not None}
    for mention in actors:
        if mention.actor.name in names:
            continue
        if armed and mention.actor.actor_type is ActorType.CIVILIANS:
            continue
        if after is not None and mention.start < after:
            continue
        return mention
    return None


def code_sentence(sent: Span, ctx: Context, *, triggers: list[Mention], actors: list[ActorMention],
                  toponyms: list[Toponym], dates: list[Mention], numbers: list[Mention], offset: int,
                  next_text: str = "") -> list[Draft]:
    """Drafts for the triggers of one parsed sentence. Offsets in mentions are absolute (report
    text); `offset` is where the parsed Doc starts in the report."""
    s_start, s_end = sent.start_char + offset, sent.end_char + offset
    in_sent = [m for m in triggers if s_start <= m.start < s_end]
    hits = A.trigger_hits(sent.doc, [replace(m, start=m.start - offset, end=m.end - offset) for m in in_sent])
    hits = [h for h in hits if sent.start <= h.head.i < sent.end]
    s_actors = [a for a in actors if s_start <= a.start < s_end and not _reporter(a, sent, offset)]
    s_places = [t for t in toponyms if s_start <= t.start < s_end and t.place is not None
                and not any(a.start <= t.start and t.end <= a.end for a in s_actors)]   # "loyal to Ahmet Helle"
    doc_text, sent_text = sent.doc.text, sent.text
    owners = {t.end for t in s_places}
    s_places = [t for t in s_places if not (t.start - 3 in owners and doc_text[t.start - offset - 3:t.start - offset]
                                            in ("'s ", "’s "))]           # "Mosul's Old City" is Mosul
    dateline = _dateline_end(doc_text) + offset if s_start == offset else -1
    if dateline > 0:
        s_actors = [a for a in s_actors if a.end > dateline]             # "Hasakah, SANA - ..."
    if any(t.start >= dateline for t in s_places):
        s_places = [t for t in s_places if t.start >= dateline]              # "ERBIL, Kurdistan Region -"
    s_dates = [d for d in dates if s_start <= d.start < s_end and not parse_label(d.label)[2]]
    klasses = {h.klass for h in hits}
    typed = classify_sentence(sent, hits, s_actors, offset, clashes=False)
    typed = [(sub, hit) for sub, hit in typed         # "since 2019, SOHR documented 1,170 killed": no event
             if not is_tally(_clause_text(sent_text, hit.span.start_char - sent.start_char))]
    clause_of_hit = {h.head.i: A.clause_head(h.head).i for h in hits}
    drafts: list[Draft] = []
    for sub, hit in typed:
        places, near, road = _places(hit, sent, ctx, s_places, clause_of_hit, offset)
        here = next((t.place.country_code for t in places if t is not None and t.place is not None), "")
        ctx.event_country = here              # unnamed parties belong where the event happens
        actor1, actor2, patient = roles(hit, s_actors, offset)
        actor1, actor2 = _named_for(actor1, s_actors, doc_text, offset), _named_for(actor2, s_actors, doc_text, offset)
        recipient = None
        if hit.klass == "TRANSFER":
            to = A.prep_objects(hit.head, ("to",))
            recipient = A.actor_of(to[0], s_actors, offset) if to else None
            if recipient is not None:
                if klasses & {"CLASH", "KILL"}:
                    previous = actor1
                    actor1, actor2 = recipient, previous
                    sub = (S.GOVERNMENT_REGAINS_TERRITORY if is_state(recipient.actor)
                           else S.NON_STATE_ACTOR_OVERTAKES_TERRITORY)
                else:
                    actor1, actor2 = recipient, actor1
        if hit.klass == "TAKE" and hit.span.text.lower().endswith(" of"):   # "came under the control of X"
            actor1 = next((a for a in s_actors if 0 <= a.start - (hit.span.end_char + offset) <= 12), actor1)
        if hit.klass in ("TAKE",) and hit.head.lower_ in ("fell", "falls", "fallen", "fall"):
            to = A.prep_objects(hit.head, ("to",))
            if to:
                actor1 = A.actor_of(to[0], s_actors, offset) or actor1
        if sub is S.DISPLACEMENT:
            if actor1 is None:
                actor1 = _first_civilians(s_actors)
            actor2 = None
        if sub is S.CHANGE_TO_GROUP and actor2 is None:
            actor2 = _first_other(s_actors, actor1, after=hit.span.end_char + offset)
        if sub is S.ARMED_CLASH and hit.klass == "CLASH" and actor1 is None:
            if actor2 is not None:            # "... killed in clashes with X": X and the dead are the sides
                actor1, actor2 = actor2, _first_other(s_actors, actor2)
            else:                             # "twelve soldiers and five militants died in clashes"
                actor1 = _first_other(s_actors)
                actor2 = _first_other(s_actors, actor1) if actor1 is not None else None
        if sub in (S.ARMED_CLASH, S.NON_STATE_ACTOR_OVERTAKES_TERRITORY, S.GOVERNMENT_REGAINS_TERRITORY) \
                and actor2 is None and actor1 is not None:
            actor2 = _first_other(s_actors, actor1)
        if sub in PROTEST_TYPES or sub in (S.MOB_VIOLENCE,):
            actor1, actor2 = _crowd_roles(sub, s_actors, actor1, actor2, hit, ctx, offset)
        if actor1 is not None and sub in ARMED_SUBS and not _armed(actor1.actor):
            forces = _generic(ctx, "army", hit, offset)   # "Syrian government warplanes": its armed forces
            if forces is not None and forces.actor.country == actor1.actor.country:
                actor1 = dataclasses.replace(forces, start=actor1.start, end=actor1.end, text=actor1.text)
        if actor1 is None and sub in WEAPON_TYPES | {S.ARMED_CLASH}:
            actor1 = _national_forces(hit, ctx, offset)       # "Israeli strikes on Homs"
        if actor1 is None and sub in UNKNOWN_PERPETRATOR and not (
                hit.klass == "KILL" and (A.victim_kind(patient, actor2) != "civilian" or hit.head.pos_ == "NOUN")):
            actor1 = _generic(ctx, "police" if sub in BY_POLICE else "unidentified gunmen", hit, offset)
        if actor2 is None and actor1 is not None and sub in WEAPON_TYPES | {S.ATTACK, S.ABDUCTION}:
            actor2 = _victims(hit, sent, s_actors, actor1, offset)
        if actor2 is None and sub in (S.ATTACK, S.ABDUCTION, S.SEXUAL_VIOLENCE) \
                and A.victim_kind(patient, None) == "civilian":
            actor2 = _generic(ctx, "civilians", hit, offset)        # "shot dead a teacher"
        if actor1 is not None and actor2 is not None and actor1.actor.name == actor2.actor.name:
            actor2 = None
        if sub is S.ATTACK and actor2 is not None and actor2.actor.actor_type is not ActorType.CIVILIANS:
            actor2 = None           # executed captives: the victims are not a fighting party any more
        day, precision, date_ev = _date(hit, s_dates, ctx, offset)
        deaths = A.fatalities_near(hit.head, numbers, offset)
        if deaths is not None and (sub not in LETHAL_SUBS or not counts_people(sent.doc, deaths, offset)):
            deaths = None                     # "hundreds of villages razed", "in May 2021"
        certainty, cert_span = A.certainty_of(sent, hit.head, next_text)
        cert_ev = _mention_tuple(cert_span, offset) if cert_span is not None else None
        tags = sorted({TAG_WORDS[m.group(1).lower()] for m in _TAGS.finditer(sent_text)})
        prep_parent = -1
        if hit.head.dep_ == "pobj" and hit.head.head.dep_ == "prep":
            prep_parent = hit.head.head.head.i
        for place in places:
            drafts.append(Draft(
                sub=sub, klass=hit.klass, trigger=_mention_tuple(hit.span, offset),
                sentence=(s_start, s_end, sent_text), clause=clause_of_hit[hit.head.i], actor1=actor1,
                actor2=actor2, toponym=place, date=day, precision=precision, date_evidence=date_ev,
                near=near or (place is not None and A.is_near(place, doc_text, offset)), road=road,
                fatalities=deaths, certainty=certainty, certainty_evidence=cert_ev, recipient=recipient,
                tags=tags, head_i=hit.head.i, prep_parent=prep_parent,
            ))
    drafts = _subsume_drafts(drafts)
    _attach_sentence_toll(drafts, sent, numbers, offset)
    tolls = [d for d in drafts if d.klass == "KILL" and d.trigger[2].lower().startswith("death")]
    others = [d for d in drafts if d not in tolls]
    if tolls and others:                      # "the death of 23 fighters in clashes": the clashes' toll
        for toll in tolls:
            if others[0].fatalities is None:
                others[0].fatalities = toll.fatalities
        drafts = others
    unowned = [d for d in drafts if d.klass == "KILL" and d.actor1 is None]
    owned = [d for d in drafts if d.actor1 is not None and d.sub in LETHAL_SUBS]
    if unowned and owned:                     # "35 soldiers were killed in clashes with X": the clash's dead
        for d in unowned:
            if owned[0].fatalities is None and d.fatalities is not None:
                owned[0].fatalities, owned[0].fatalities_high = d.fatalities, d.fatalities_high
        drafts = [d for d in drafts if d not in unowned]
    if any(d.klass in ("TAKE", "ENTER") or d.recipient is not None for d in drafts if d.sub in TERRITORIAL_SUBS):
        leaving = [d for d in drafts if d.klass == "TRANSFER" and d.recipient is None]
        drafts = [d for d in drafts if d not in leaving]                 # one handover, told from two sides
        for d in drafts:
            if d.sub in TERRITORIAL_SUBS and d.actor2 is None and leaving and leaving[0].actor1 is not None \
                    and d.actor1 is not None and leaving[0].actor1.actor.name != d.actor1.actor.name:
                d.actor2 = leaving[0].actor1
    if any(d.sub in WEAPON_TYPES and d.actor1 is not None for d in drafts):
        drafts = [d for d in drafts if not (d.klass == "CLASH" and d.sub is S.ARMED_CLASH)]   # told by its weapon
    if s_places:
        ctx.last_place = s_places[-1]
    return drafts


#: Sub-event types that can have dead of their own (a toll of the sentence goes to the first of them).
LETHAL_SUBS = {S.ARMED_CLASH, S.GOVERNMENT_REGAINS_TERRITORY, S.NON_STATE_ACTOR_OVERTAKES_TERRITORY, S.ATTACK,
               S.AIR_DRONE_STRIKE, S.SHELLING, S.REMOTE_EXPLOSIVE, S.SUICIDE_BOMB, S.GRENADE, S.CHEMICAL_WEAPON,
               S.EXCESSIVE_FORCE, S.MOB_VIOLENCE, S.VIOLENT_DEMONSTRATION, S.PROTEST_WITH_INTERVENTION,
               S.SEXUAL_VIOLENCE}


def _clause_text(sentence: str, at: int) -> str:
    """The part of a sentence between semicolons or colons that holds character `at`."""
    start = max(sentence.rfind(";", 0, at), sentence.rfind(":", 0, at)) + 1
    ends = [i for i in (sentence.find(";", at), sentence.find(":", at)) if i >= 0]
    return sentence[start:min(ends) if ends else len(sentence)]


def _other_fate_in(text: str) -> bool:
    """Whether a toll's words name the wounded or arrested too (a parse that summed both)."""
    return any(w.lower() in INJURY_FORMS | OTHER_FATES for w in re.findall(r"[A-Za-z]+", text))


def _attach_sentence_toll(drafts: list[Draft], sent: Span, numbers: list[Mention], offset: int) -> None:
    """The sentence's dead read from its words (`tolls.py`) where the parse found no toll for any of
    its events, or a fuller one (both sides' dead, a range) that includes the parse's count."""
    lethal = [d for d in drafts if d.sub in LETHAL_SUBS]
    if not lethal:
        return
    toll = sentence_toll(sent, numbers, offset)
    if toll is None:
        return
    counted = [d for d in lethal if d.fatalities is not None]
    if not counted:
        target = min(lethal, key=lambda d: (d.actor1 is None, d.trigger[0]))   # an event that will stand
        target.fatalities, target.fatalities_high = toll.mention, toll.high
        return
    for d in counted:
        inside = toll.mention.start <= d.fatalities.start and d.fatalities.end <= toll.mention.end  # type: ignore[union-attr]
        if inside and int(toll.mention.label) >= int(d.fatalities.label):  # type: ignore[union-attr]
            d.fatalities, d.fatalities_high = toll.mention, toll.high
        elif _other_fate_in(sent.doc.text[d.fatalities.start - offset:d.fatalities.end - offset + 30]):  # type: ignore[union-attr]
            d.fatalities, d.fatalities_high = toll.mention, toll.high   # "60 dead and 180 wounded": 60


_DATELINE = re.compile(r"^[^\n.]{0,80}?(?:\([^)]{1,40}\)\s*)?[-\u2013\u2014]{1,2}\s")


def _dateline_end(text: str) -> int:
    """Where a report's dateline ("BAGHDAD (Reuters) - ", "Hasakah (ANF) – ") ends; 0 when none."""
    match = _DATELINE.match(text)
    return match.end() if match else 0


#: Sub-event types ACLED codes even when the report does not say who did it: the unnamed side is
#: "Unidentified Armed Group (<country>)" (police for arrests), so that the event is not lost.
UNKNOWN_PERPETRATOR = {S.REMOTE_EXPLOSIVE, S.SUICIDE_BOMB, S.GRENADE, S.ATTACK, S.ABDUCTION, S.ARRESTS,
                       S.LOOTING, S.SEXUAL_VIOLENCE, S.AIR_DRONE_STRIKE, S.SHELLING, S.CHEMICAL_WEAPON,
                       S.DISRUPTED_WEAPONS_USE}
#: ... and the state's forces that usually act unnamed: weapons found or seized are the police's.
BY_POLICE = {S.ARRESTS, S.DISRUPTED_WEAPONS_USE}
_CROWD = {ActorType.PROTESTERS, ActorType.RIOTERS}


REPORT_VERBS = A.SAY_VERBS | {"document", "record", "monitor", "verify", "observe", "count", "tally"}


def _reporter(mention: ActorMention, sent: Span, offset: int) -> bool:
    """A monitor or agency that tells the news ("SOHR documented", "Amnesty said") is its source,
    not a party: an actor the dictionary marks unarmed, as the subject of a reporting verb."""
    if _armed(mention.actor) or mention.actor.actor_type is ActorType.CIVILIANS and mention.generic:
        return False
    span = sent.doc.char_span(mention.start - offset, mention.end - offset, alignment_mode="expand")
    if span is None:
        return False
    root = span.root
    if root.dep_ in ("compound", "amod", "nmod"):   # "SOHR activists reported"
        root = root.head
    return root.dep_ in ("nsubj", "nsubjpass") and root.head.lemma_.lower() in REPORT_VERBS \
        or root.dep_ == "pobj" and root.head.lower_ in ("to", "by") and root.head.head.lemma_.lower() in REPORT_VERBS


_MEMBER_OF = re.compile(r"^\s*(?:,\s*)?(?:from|of|belonging to|affiliated with|linked to|members of)\s+(?:the\s+)?$", re.I)


def _named_for(mention: ActorMention | None, actors: list[ActorMention], text: str,
               offset: int) -> ActorMention | None:
    """"Gunmen from the Jalisco New Generation Cartel", "fighters of the PDF": a generic reference
    followed by the group it belongs to is that group."""
    if mention is None or not mention.generic:
        return mention
    for other in actors:
        if other.start >= mention.end and not other.generic and \
                _MEMBER_OF.match(text[mention.end - offset:other.start - offset]):
            return other
    return mention


def _victims(hit: A.Hit, sent: Span, actors: list[ActorMention], actor1: ActorMention,
             offset: int) -> ActorMention | None:
    """The target of a strike or bombing: an actor after the trigger in its own clause or in a
    participle clause hanging on it ("..., killing three SDF fighters")."""
    clause = A.clause_head(hit.head)
    for mention in actors:
        if mention.start < hit.span.end_char + offset or mention.actor.name == actor1.actor.name:
            continue
        span = sent.doc.char_span(mention.start - offset, mention.end - offset, alignment_mode="expand")
        if span is None:
            continue
        if span.root.dep_ == "nsubj" and span.root.head.lemma_.lower() in A.SAY_VERBS:
            continue                          # the source of the report, not the target
        head = A.clause_head(span.root)
        if head == clause or head.dep_ == "advcl" and head.tag_ == "VBG" and head.head == clause:
            return mention
    return None


#: Sub-event types only an armed party carries out.
ARMED_SUBS = {S.GOVERNMENT_REGAINS_TERRITORY, S.NON_STATE_ACTOR_OVERTAKES_TERRITORY, S.ARMED_CLASH,
              S.AIR_DRONE_STRIKE, S.SHELLING, S.CHEMICAL_WEAPON, S.REMOTE_EXPLOSIVE, S.GRENADE}


def _armed(actor: Actor) -> bool:
    """False for a political authority the dictionary marks unarmed (a government, an administration)."""
    from kharita.actors import load_default

    entry = load_default().get(actor.name)
    return entry is None or entry.armed


def _generic(ctx: Context, phrase: str, hit: A.Hit, offset: int) -> ActorMention | None:
    """ACLED's generic actor for an unnamed party ("Unidentified Armed Group (Syria)",
    "Protesters (Iraq)"), coded in the report's country; its evidence is the trigger."""
    country = ctx.event_country or ctx.country
    if not country:
        return None
    from kharita.actors import code_actor

    actor = code_actor(phrase, country=country, date=ctx.published)
    if actor is None:
        return None
    return ActorMention(hit.span.start_char + offset, hit.span.end_char + offset, hit.span.text, actor,
                        generic=True, score=0.5)


def _national_forces(hit: A.Hit, ctx: Context, offset: int) -> ActorMention | None:
    """The armed forces a nationality word on the trigger names ("Russian jets", "Turkish drones")."""
    code = nation_of(hit.head)
    if code is None:
        return None
    from kharita.actors import code_actor, load_default

    name = load_default().country_name(code)
    actor = code_actor(f"Military Forces of {name}", country=ctx.event_country or ctx.country, date=ctx.published)
    if actor is None:
        return None
    return ActorMention(hit.span.start_char + offset, hit.span.end_char + offset, hit.span.text, actor,
                        generic=True, score=0.6)


def _crowd_roles(sub: S, actors: list[ActorMention], actor1: ActorMention | None, actor2: ActorMention | None,
                 hit: A.Hit, ctx: Context, offset: int) -> tuple[ActorMention | None, ActorMention | None]:
    """Protests are coded with the protesters as actor1 (the force against them as actor2); excessive
    force has the force first, as ACLED does."""
    crowd = next((a for a in actors if a.actor.actor_type in _CROWD), None)
    force = next((a for a in actors if a.actor.actor_type is ActorType.STATE_FORCES), None)
    if crowd is None:
        riot = sub in (S.VIOLENT_DEMONSTRATION, S.MOB_VIOLENCE)
        crowd = _generic(ctx, "rioters" if riot else "protesters", hit, offset)
    if sub is S.PEACEFUL_PROTEST:
        return crowd, None
    if sub is S.EXCESSIVE_FORCE:
        return force or actor1, crowd
    return crowd, force


def _first_civilians(actors: list[ActorMention]) -> ActorMention | None:
    for mention in actors:
        if mention.actor.actor_type is ActorType.CIVILIANS and mention.actor.name.startswith("Civilians"):
            return mention
    return None


def _places(hit: A.Hit, sent: Span, ctx: Context, s_places: list[Toponym], clause_of_hit: dict[int, int],
            offset: int) -> tuple[list[Toponym | None], bool, bool]:
    """The places of a trigger: those in its clause (one event each), landmarks ("east of X") and
    roads ("the road to X": the report's main place, near) set aside; else the sentence's unclaimed
    places, the last place named, the report's main place."""
    text = sent.doc.text
    clause = clause_of_hit[hit.head.i]
    if hit.klass == "DISPLACE":                # "fled towards Hesekê": where they went, not where from
        s_places = [t for t in s_places if not DESTINATION_BEFORE.search(text[max(0, t.start - offset - 25):
                                                                              t.start - offset])]
    own = A.toponyms_in_clause(hit.head, s_places, offset)
    if not own and hit.head.dep_ == "conj" and hit.head.head.pos_ == "VERB":
        own = A.toponyms_in_clause(hit.head.head, s_places, offset)   # "looted shops in X and burned houses"
    if hit.head.pos_ == "NOUN" and not own:
        gov = A.clause_head(hit.head)
        own = [t for t in s_places if _clause_of(sent, t, offset) == gov.i]
    roads = [t for t in own if A.is_road(t, text, offset)]
    refs = [t for t in own if t not in roads and (A.is_reference(t, text, offset) or _contained(t, own, text, offset))]
    main = [t for t in own if t not in roads and t not in refs]
    if main:
        return _dedupe_places(main), False, False
    if roads:
        return [ctx.focus or roads[0]], True, True
    others = {i for h, i in clause_of_hit.items() if i != clause}
    free = [t for t in s_places if _clause_of(sent, t, offset) not in others
            and not A.is_road(t, text, offset) and not A.is_reference(t, text, offset)]
    if free:
        return _dedupe_places(free[:1]), False, False
    if refs:
        return [refs[0]], True, False
    clause_text = sent.text
    if CITY_WORDS.search(clause_text) and ctx.focus is not None:
        return [ctx.focus], False, False
    if DEICTIC_WORDS.search(clause_text) and ctx.last_place is not None:
        return [ctx.last_place], False, False
    return [ctx.focus or ctx.last_place], False, False      # the place fallback: see _fallback_place


_CONTAINER = re.compile(r"^[^.;]{0,60}\b(?:in|of)\s+(?:the\s+)?(?:[\w-]+\s+){0,2}?(?:(?:city|town|province|"
                        r"governorate|region|district|countryside)\s+of\s+(?:the\s+)?)?$", re.I)
_COORDINATION = re.compile(r"\b(?:and|or)\b|,\s*(?:and\s+)?$", re.I)


def _contained(top: Toponym, places: list[Toponym], text: str, offset: int) -> bool:
    """"Kafr Nabl in the southern countryside of Idlib", "Hesh, in Idlib province": the second place
    only says where the first one is."""
    for other in places:
        if other.end <= top.start and top.start - other.end < 60:
            between = text[other.end - offset:top.start - offset]
            if _CONTAINER.match(between) and not _COORDINATION.search(between):
                return True
    return False


def _clause_of(sent: Span, top: Toponym, offset: int) -> int:
    span = sent.doc.char_span(top.start - offset, top.end - offset, alignment_mode="expand")
    return A.clause_head(span.root).i if span is not None else -1


def _dedupe_places(places: list[Toponym]) -> list[Toponym | None]:
    """One event per distinct place, a unit that only contains another named place dropped
    ("Zacatecas, Mexico", "Maiduguri, Borno state": the town is the event's place)."""
    seen: set[str] = set()
    out: list[Toponym | None] = []
    for top in places:
        if any(_contains(top, other) for other in places if other is not top):
            continue
        key = top.place.key if top.place is not None else top.text
        if key not in seen:
            seen.add(key)
            out.append(top)
    return out


def _contains(unit: Toponym, inner: Toponym) -> bool:
    """Whether `unit` is a country or division that `inner` lies in."""
    a, b = unit.place, inner.place
    if a is None or b is None or a.country_code != b.country_code or a.key == b.key:
        return False
    if a.feature_code.startswith("PCL"):
        return not b.feature_code.startswith("PCL")
    if a.feature_code == "ADM1":
        return b.feature_code != "ADM1" and b.admin1 == a.admin1
    if a.feature_code == "ADM2":
        return b.feature_class == "P" and b.admin2 == a.name
    return False


def _date(hit: A.Hit, s_dates: list[Mention], ctx: Context, offset: int) -> tuple[dt.date | None, TimePrecision,
                                                                                  Mention | None]:
    if s_dates:
        pos = hit.span.start_char + offset
        best = min(s_dates, key=lambda d: abs(d.start - pos))
        day, precision, _period = parse_label(best.label)
        return day, precision, best
    return ctx.published, ctx.precision, None


def _subsume_drafts(drafts: list[Draft]) -> list[Draft]:
    """A clash that is the fighting behind a capture in the same clause ("liberated X after intense
    clashes") is part of the capture, not an event of its own."""
    takes = [d for d in drafts if d.sub in (S.GOVERNMENT_REGAINS_TERRITORY, S.NON_STATE_ACTOR_OVERTAKES_TERRITORY)]
    out = []
    for d in drafts:
        if d.sub is S.ARMED_CLASH and d.klass == "CLASH" and any(
                t.clause == d.clause or t.head_i == d.prep_parent for t in takes):
            continue
        out.append(d)
    return out


_FOLLOW_UP = re.compile(
    r"\b(?:in|by|during|from) (?:the|that|this|these|those) (?:\w+ )?(?:strikes?|raids?|attacks?|shelling|"
    r"bombing|bombardment|blasts?|explosions?|clashes|fighting|battles?|assault|ambush|air ?strikes?)\b", re.I)


def _refers_back(d: Draft) -> bool:
    """"... documented the deaths of 15 soldiers in the fighting": a trigger that sits inside a
    phrase pointing back at an event already told, with no actor of its own, is no new event."""
    if d.actor1 is not None:
        return False
    for match in _FOLLOW_UP.finditer(d.sentence[2]):
        start, end = d.sentence[0] + match.start(), d.sentence[0] + match.end()
        if start <= d.trigger[0] and d.trigger[1] <= end:
            return True
    return False


def fold_followups(drafts: list[Draft]) -> list[Draft]:
    """"Five civilians were killed in the strike", "The blast killed seven policemen": a killing or
    a definite reference ("the attack", "the blast", "the fighting") told in a later sentence about
    an event just reported is that event's toll and victims, not a new event."""
    out: list[Draft] = []
    for d in drafts:
        target = None
        if d.klass == "KILL" and (_FOLLOW_UP.search(d.sentence[2]) or d.actor1 is None) or _refers_back(d):
            earlier = [p for p in out if p.klass != "KILL" and p.sentence[0] < d.sentence[0]
                       and d.sentence[0] - p.sentence[1] < 40]
            target = earlier[-1] if earlier else None
        elif _anaphor(d) is not None:
            target = _antecedent(d, out)
        if target is not None:
            _fold_into(target, d)
            continue
        out.append(d)
    return out


#: Definite nouns that point back at an event already told, and the sub-event types each may name.
_BATTLE = {S.ARMED_CLASH, S.GOVERNMENT_REGAINS_TERRITORY, S.NON_STATE_ACTOR_OVERTAKES_TERRITORY}
_BLAST = {S.REMOTE_EXPLOSIVE, S.SUICIDE_BOMB, S.GRENADE, S.AIR_DRONE_STRIKE, S.SHELLING}
ANAPHORS: dict[str, set[S]] = {
    **dict.fromkeys(("fighting", "clashes", "clash", "battle", "battles", "confrontation", "confrontations"),
                    _BATTLE),
    **dict.fromkeys(("blast", "blasts", "explosion", "explosions", "bombing", "bombings", "bomb", "detonation"),
                    _BLAST),
    **dict.fromkeys(("strike", "strikes", "airstrike", "airstrikes", "raid", "raids", "shelling", "bombardment"),
                    _BLAST | {S.ATTACK, S.ARMED_CLASH}),
    **dict.fromkeys(("attack", "attacks", "assault", "ambush", "incident", "massacre", "killing", "killings"),
                    LETHAL_SUBS),
}
_DEFINITE = re.compile(r"\b(?:the|this|that|these|those|yesterday's|sunday's|monday's|tuesday's|wednesday's|"
                       r"thursday's|friday's|saturday's)\s+(?:\w+\s+)?$", re.I)


def _anaphor(d: Draft) -> set[S] | None:
    """The sub-event types a definite trigger noun can refer back to ("the blast"), or None."""
    word = d.trigger[2].lower().split()[-1] if d.trigger[2] else ""
    if word not in ANAPHORS:
        return None
    before = d.sentence[2][:max(0, d.trigger[0] - d.sentence[0])]
    return ANAPHORS[word] if _DEFINITE.search(before[-40:]) else None


def _antecedent(d: Draft, earlier: list[Draft]) -> Draft | None:
    """The latest event of a kind the anaphor can name, told in the two sentences before it."""
    kinds = _anaphor(d) or set()
    for p in reversed(earlier):
        if p.sentence[0] >= d.sentence[0] or d.sentence[0] - p.sentence[1] > 400:
            continue
        if p.sub in kinds and (p.sub not in TERRITORIAL_SUBS or d.sub in _BATTLE):
            return p
    return None


def _fold_into(target: Draft, d: Draft) -> None:
    """What a follow-up adds to the event it tells about: a larger toll, the victims."""
    if d.fatalities is not None and (target.fatalities is None
                                     or int(d.fatalities.label) > int(target.fatalities.label)):
        target.fatalities, target.fatalities_high = d.fatalities, d.fatalities_high
    victims = next((a for a in (d.actor2, d.actor1) if a is not None
                    and a.actor.actor_type is ActorType.CIVILIANS), None)
    if target.actor2 is None and target.actor1 is not None:
        named = [a for a in (d.actor1, d.actor2) if a is not None and not a.generic
                 and a.actor.name != target.actor1.actor.name]
        target.actor2 = victims or (named[0] if named else None)
    if victims is not None and target.sub is S.ARMED_CLASH and target.klass in ("CLASH", "KILL"):
        target.sub = S.ATTACK             # "gunmen attacked ...; five villagers died in the attack"


# -- a report's drafts -> events ----------------------------------------------------------------

_SYMMETRIC = {S.ARMED_CLASH, S.AGREEMENT}


def _city_key(top: Toponym | None) -> str:
    if top is None or top.place is None:
        return ""
    place = top.place
    return f"city:{place.country_code}:{place.name.split(' - ')[0]}"


def assemble_events(drafts: list[Draft], ctx: Context) -> list[Event]:
    """One event per sub-event type, actor pair, place and day: drafts that agree on those merge,
    keeping every evidence span. Territorial events keep their exact place (control is per place);
    others count a city's districts as the city."""
    merged: dict[tuple, list[Draft]] = {}
    for d in drafts:
        if d.actor1 is None:
            continue
        d.sub = consistent_sub(d.sub, d.actor1.actor, d.actor2.actor if d.actor2 else None)
        if d.toponym is None or d.toponym.place is None:
            d.toponym = _fallback_place(ctx)
            if d.toponym is None:             # not even the country is known: no ACLED event
                continue
        pair: tuple = (d.actor1.actor.name, d.actor2.actor.name if d.actor2 else "")
        if d.sub in _SYMMETRIC:
            pair = tuple(sorted(pair))
        place_key = d.toponym.place.key if d.sub in TERRITORIAL_SUBS else _city_key(d.toponym)
        key = (d.sub, pair, place_key, d.date)
        merged.setdefault(key, []).append(d)
    for key in [k for k in merged if all(d.date_evidence is None for d in merged[k])]:
        dated = [k for k in merged if k != key and k[:3] == key[:3] and any(d.date_evidence for d in merged[k])
                 and _within(k[3], key[3], DATE_WINDOW_DAYS[merged[key][0].precision])]
        if dated:                         # the headline's undated "attacked X" is the lead's "on Sunday"
            merged[dated[0]].extend(merged.pop(key))
    for key in [k for k in merged if not k[1][1] and k[0] not in _SYMMETRIC]:
        fuller = [k for k in merged if k != key and k[0] == key[0] and k[1][0] == key[1][0] and k[2:] == key[2:]]
        if fuller:                        # the same event, told once with its opponent and once without
            merged[fuller[0]].extend(merged.pop(key))
    return [_build(group, ctx) for group in _one_per_id(list(merged.values()), ctx)]


def _within(a: dt.date | None, b: dt.date | None, days: int) -> bool:
    return a is None or b is None or abs((a - b).days) <= days


def _fallback_place(ctx: Context) -> Toponym | None:
    """Where an event goes when the text names no place that resolves: the country in focus, at
    geo_precision 3, as ACLED codes an event known only to its country."""
    if ctx.country_place is None:
        return None
    place = ctx.country_place
    return Toponym(0, 0, "", replace(place, precision=GeoPrecision.REGION), 0.1)


def _one_per_id(groups: list[list[Draft]], ctx: Context) -> list[list[Draft]]:
    """Groups that would get one event id (same type, place, day and actor1, told once with an
    opponent and once with another or none) are one event: ACLED's unit, and ids stay unique."""
    by_id: dict[str, list[Draft]] = {}
    for group in groups:
        first = group[0]
        key = _event_key(first, ctx)
        if key in by_id:
            kept = by_id[key]
            if kept[0].actor2 is None and first.actor2 is not None:
                by_id[key] = group + kept       # the telling with the opponent leads
            else:
                kept.extend(group)
        else:
            by_id[key] = list(group)
    return list(by_id.values())


def _event_key(first: Draft, ctx: Context) -> str:
    return event_id(ctx.document.id, first.sub, first.toponym.place.key,  # type: ignore[union-attr]
                    first.date, first.actor1.actor.name)  # type: ignore[union-attr]


TERRITORIAL_SUBS = {S.GOVERNMENT_REGAINS_TERRITORY, S.NON_STATE_ACTOR_OVERTAKES_TERRITORY, S.NON_VIOLENT_TRANSFER}


def _build(group: list[Draft], ctx: Context) -> Event:
    first = group[0]
    place = first.toponym.place  # type: ignore[union-attr]
    if first.near or first.road:
        place = replace(place, precision=GeoPrecision.NEAR)
    evidence: list[Evidence] = []
    for d in group:
        evidence.append(Evidence("trigger", *d.trigger))
        evidence.append(Evidence("sentence", *d.sentence))
        for name, mention in (("actor1", d.actor1), ("actor2", d.actor2)):
            if mention is not None:
                evidence.append(Evidence(name, mention.start, mention.end, mention.text))
        if d.toponym is not None and d.toponym is not ctx.focus or d.toponym is not None and \
                d.sentence[0] <= d.toponym.start < d.sentence[1]:
            evidence.append(Evidence("location", d.toponym.start, d.toponym.end, d.toponym.text))
        if d.date_evidence is not None:
            evidence.append(Evidence("date", d.date_evidence.start, d.date_evidence.end, d.date_evidence.text))
        if d.fatalities is not None:
            evidence.append(Evidence("fatalities", d.fatalities.start, d.fatalities.end, d.fatalities.text))
        if d.certainty_evidence is not None:
            evidence.append(Evidence("certainty", *d.certainty_evidence))
    evidence = list(dict.fromkeys(evidence))
    counts = [int(d.fatalities.label) for d in group if d.fatalities is not None]
    fatalities = max(counts) if counts else None
    highs = [d.fatalities_high or int(d.fatalities.label) for d in group if d.fatalities is not None]
    high = max(highs) if highs else None
    certainty = max((d.certainty for d in group), key=lambda c: c.strength)
    actor1 = first.actor1.actor  # type: ignore[union-attr]
    actor2 = first.actor2.actor if first.actor2 else None
    territory = None
    if first.sub in TERRITORIAL_SUBS and not first.road and not (first.klass == "TRANSFER" and first.recipient is None):
        territory = Territory(place=place.name, new_controller=actor1.name,
                              previous_controller=actor2.name if actor2 else None)
    doc = ctx.document
    source = Source(
        document_id=doc.id, external_id=doc.external_id, url=doc.url, outlet=doc.outlet, title=doc.title,
        published=doc.published, evidence=tuple(evidence), fatalities=fatalities, certainty=certainty,
        confidence=_confidence(first),
    )
    return Event(
        event_id=_event_key(first, ctx),
        sub_event_type=first.sub, event_date=first.date, time_precision=first.precision, actor1=actor1,
        actor2=actor2, place=place, fatalities=fatalities, fatalities_low=fatalities,
        fatalities_best=fatalities, fatalities_high=high, certainty=certainty,
        civilian_targeting=first.sub in (S.ATTACK, S.ABDUCTION, S.SEXUAL_VIOLENCE) and actor2 is not None
        and actor2.actor_type is ActorType.CIVILIANS,
        territory=territory, tags=tuple(sorted({t for d in group for t in d.tags})),
        notes=" ".join(first.sentence[2].split())[:400], sources=(source,), confidence=_confidence(first),
    )


def _confidence(d: Draft) -> float:
    score = 0.9
    if d.actor2 is None and d.sub in (S.ARMED_CLASH,):
        score -= 0.2
    if d.near:
        score -= 0.1
    if d.actor1 is not None and d.actor1.generic:
        score -= 0.1
    return round(max(score, 0.1), 2)


def event_id(document_id: str, sub: S, place_key: str, day: dt.date | None, actor1: str) -> str:
    """Stable across runs: the same report gives the same ids."""
    raw = "|".join([document_id, sub.value, place_key, day.isoformat() if day else "undated", actor1])
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]
