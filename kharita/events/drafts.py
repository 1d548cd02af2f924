"""What the event coder builds while it reads a report: its context and one draft per trigger.

`Context` is what the coder knows about the report outside the sentence it reads; a `Draft` is an
event being built from one trigger (absolute character offsets), before `incidents.py` makes one
event per incident of them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from spacy.tokens import Span

from kharita.models import Actor, ActorMention, Document, Mention, Place, Toponym
from kharita.ontology import Certainty, SubEventType as S, TimePrecision


@dataclass(frozen=True, slots=True)
class Suspect:
    """A named group the report ties to violence, read in the rough sentence start..end: the
    perpetrator of an event it leaves unnamed, (`target`) the party a strike in that sentence is
    aimed at, or (`dead`) the group the dead of a nearby fight belonged to."""

    start: int
    end: int
    mention: ActorMention
    target: bool = False
    dead: bool = False


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
    tally_end: int = -1                 # where the last sentence that was a tally ends
    civilians: Actor | None = None
    claims: list[tuple[int, ActorMention]] = field(default_factory=list)   # (where, who) "X claimed responsibility"
    suspects: list[Suspect] = field(default_factory=list)   # "police blamed the attack on X"
    dropped: dict[str, int] = field(default_factory=dict)   # reason -> events that could not be coded


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
    orphan: bool = False                # a killing whose perpetrator nobody names: its sides were inferred
    road: bool = False
    fatalities: Mention | None = None
    fatalities_high: int | None = None  # the top of a reported range ("between 10 and 15")
    other_side_dead: list[Mention] = field(default_factory=list)   # the battle's other side's dead, told later
    certainty: Certainty = Certainty.REPORTED
    certainty_evidence: tuple[int, int, str] | None = None
    recipient: ActorMention | None = None
    allies: list[ActorMention] = field(default_factory=list)   # parties told beside actor1 ("X and its proxies")
    co_targets: list[ActorMention] = field(default_factory=list)   # parties struck beside actor2 ("regime and SDF positions")
    tags: list[str] = field(default_factory=list)
    head_i: int = 0
    prep_parent: int = -1               # the head token a "after clashes" phrase hangs on


def mention_tuple(span: Span, offset: int) -> tuple[int, int, str]:
    return span.start_char + offset, span.end_char + offset, span.text


#: Sub-event types that can have dead of their own (a toll of the sentence goes to the first of them).
LETHAL_SUBS = {S.ARMED_CLASH, S.GOVERNMENT_REGAINS_TERRITORY, S.NON_STATE_ACTOR_OVERTAKES_TERRITORY, S.ATTACK,
               S.AIR_DRONE_STRIKE, S.SHELLING, S.REMOTE_EXPLOSIVE, S.SUICIDE_BOMB, S.GRENADE, S.CHEMICAL_WEAPON,
               S.EXCESSIVE_FORCE, S.MOB_VIOLENCE, S.VIOLENT_DEMONSTRATION, S.PROTEST_WITH_INTERVENTION,
               S.SEXUAL_VIOLENCE}


TERRITORIAL_SUBS = {S.GOVERNMENT_REGAINS_TERRITORY, S.NON_STATE_ACTOR_OVERTAKES_TERRITORY, S.NON_VIOLENT_TRANSFER}


def unidentified(mention: ActorMention) -> bool:
    """The stand-in for a party the text does not name (ACLED's Unidentified Armed Group)."""
    return mention.actor.name.startswith("Unidentified Armed Group")
