"""Trigger + arguments -> drafts: one sentence's triggers coded with who, where, when and how many.

`code_sentence` turns the triggers of one parsed sentence into Drafts: roles from the parse
(`subtypes.roles`), the sub-event type (`subtypes.classify_sentence`), places (`places.py`), the date,
the toll (`arguments.fatalities_near`, else the sentence's surface toll from `tolls.py`) and certainty.
Unnamed parties take ACLED's generic actors of the event's country. `incidents.py` then makes one event
per incident of a report's drafts; `assemble_events` and `fold_followups` are re-exported here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import replace

from spacy.tokens import Span, Token

from kharita.events import arguments as A
from kharita.events import lexicon
from kharita.events.drafts import LETHAL_SUBS, TERRITORIAL_SUBS, Context, Draft, mention_tuple, unidentified
from kharita.events.incidents import OPERATION_WORDS, assemble_events, event_id, fold_followups, subsume_drafts
from kharita.events.places import choose_places, dateline_end
from kharita.events.subtypes import (
    PROTEST_TYPES,
    WEAPON_TYPES,
    classify_sentence,
    is_state,
    nation_of,
    roles,
)
from kharita.events.tolls import (
    INJURY_FORMS, OTHER_FATES, counts_people, is_tally, is_year, sentence_toll, tally_over, the_dead, vague_multitude,
)
from kharita.models import Actor, ActorMention, Mention, Toponym
from kharita.nlp.dates import parse_label
from kharita.ontology import ActorType, SubEventType as S, TimePrecision

__all__ = ["Context", "Draft", "assemble_events", "classify_sentence", "code_sentence", "event_id",
           "fold_followups"]

TAG_WORDS = {
    "napalm": "weapon: incendiary (napalm)", "chlorine": "weapon: chlorine", "sarin": "weapon: sarin",
    "barrel bomb": "weapon: barrel bomb", "car bomb": "weapon: car bomb (VBIED)", "vbied": "weapon: car bomb (VBIED)",
    "mortar": "weapon: mortar", "artillery": "weapon: artillery", "rocket": "weapon: rocket",
    "missile": "weapon: missile", "drone": "weapon: drone", "sniper": "weapon: sniper",
    "landmine": "weapon: landmine", "grenade": "weapon: grenade", "knife": "weapon: knife",
    "hanged": "method: hanging", "beheaded": "method: beheading",
}

_TAGS = re.compile(r"\b(" + "|".join(re.escape(w) for w in TAG_WORDS) + r")", re.I)


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


#: Words for an attack that its weapon may tell ("an attack with guided missiles" is the missiles'
#: event); clashes, fighting and battles beside a strike are ground fighting of their own.
_WEAPON_TOLD = lexicon.words("weapon_told_attacks")


#: Triggers coded per sentence: a news sentence holds a handful; a run-on "sentence" with hundreds
#: (a list, a garbled page) would cost time in proportion to triggers x length for nothing.
MAX_TRIGGERS = 24


def code_sentence(sent: Span, ctx: Context, *, triggers: list[Mention], actors: list[ActorMention],
                  toponyms: list[Toponym], dates: list[Mention], numbers: list[Mention], offset: int,
                  next_text: str = "") -> list[Draft]:
    """Drafts for the triggers of one parsed sentence. Offsets in mentions are absolute (report
    text); `offset` is where the parsed Doc starts in the report."""
    s_start, s_end = sent.start_char + offset, sent.end_char + offset
    in_sent = [m for m in triggers if s_start <= m.start < s_end][:MAX_TRIGGERS]
    hits = A.trigger_hits(sent.doc, [replace(m, start=m.start - offset, end=m.end - offset) for m in in_sent])
    hits = [h for h in hits if sent.start <= h.head.i < sent.end]
    s_actors = [a for a in actors if s_start <= a.start < s_end and not _reporter(a, sent, offset)]
    s_places = [t for t in toponyms if s_start <= t.start < s_end and t.place is not None
                and not any(a.start <= t.start and t.end <= a.end for a in s_actors)]   # "loyal to Ahmet Helle"
    doc_text, sent_text = sent.doc.text, sent.text
    owners = {t.end for t in s_places if t.place.feature_class != "A"}   # a town, not a country or region
    s_places = [t for t in s_places if not (t.start - 3 in owners and doc_text[t.start - offset - 3:t.start - offset]
                                            in ("'s ", "’s "))]           # "Mosul's Old City" is Mosul,
    #                                                                   but "Kenya's Mandera county" is Mandera
    dateline = dateline_end(doc_text) + offset if s_start == offset else -1
    if dateline > 0:
        s_actors = [a for a in s_actors if a.end > dateline]             # "Hasakah, SANA - ..."
    if any(t.start >= dateline for t in s_places):
        s_places = [t for t in s_places if t.start >= dateline]              # "ERBIL, Kurdistan Region -"
    s_dates = [d for d in dates if s_start <= d.start < s_end and not parse_label(d.label)[2]]
    if sent_text.rstrip().rstrip("\"'”’").endswith("?"):
        return []                             # "Who killed the woman?": a question reports nothing
    if _continues_a_tally(sent_text, s_start, ctx) and not s_places and not s_dates:
        ctx.tally_end = s_end                 # "... rose to 714. Also, four members were killed.": the tally's
        return []
    if is_tally(sent_text):
        ctx.tally_end = s_end
    klasses = {h.klass for h in hits}
    typed = classify_sentence(sent, hits, s_actors, offset, clashes=False)
    typed = [(sub, hit) for sub, hit in typed         # "since 2019, SOHR documented 1,170 killed": no event
             if sub in PROTEST_TYPES               # "protests nationwide" are events all the same
             or not tally_over(_clause_span(sent, hit.span.start_char - sent.start_char), hit.head)]
    clause_of_hit = {h.head.i: A.clause_head(h.head).i for h in hits}
    drafts: list[Draft] = []
    for sub, hit in typed:
        places, near, road = choose_places(hit, sent, ctx, s_places, clause_of_hit, offset)
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
        if sub is S.CHANGE_TO_GROUP and actor1 is None:
            actor1 = _national_forces(hit, ctx, offset, s_places)
            if actor1 is not None and actor2 is not None and actor2.generic:
                actor2 = None                 # "Turkey deployed troops": its own troops
        if sub is S.CHANGE_TO_GROUP and actor2 is None and not (actor1 is not None and actor1.generic):
            actor2 = _first_other(s_actors, actor1, after=hit.span.end_char + offset)
        if sub is S.CHANGE_TO_GROUP and actor1 is None and actor2 is not None:
            actor1, actor2 = actor2, None     # "a PMF unit has been set up": the one party named is the group
        if sub is S.HEADQUARTERS_ESTABLISHED and actor1 is None and patient is not None:
            actor1 = _forces_of_the_nation(patient, hit, ctx, offset)   # "a Turkish observation point was set up"
        if sub is S.ARMED_CLASH and hit.klass == "CLASH" and actor1 is None:
            if actor2 is not None:            # "... killed in clashes with X": X and the dead are the sides
                actor1, actor2 = actor2, _first_other(s_actors, actor2)
            else:                             # "twelve soldiers and five militants died in clashes"
                actor1 = _first_other(s_actors)
                actor2 = _first_other(s_actors, actor1) if actor1 is not None else None
                dead = _group_of_the_dead(sent, s_actors, None, offset)
                if actor2 is None and dead is not None and actor1 is not None and dead.actor.name == actor1.actor.name:
                    # "the death of four Asayish members in an armed attack": the dead are the attacked
                    unknown = _generic(ctx, "unidentified gunmen", hit, offset)
                    if unknown is not None:
                        actor1, actor2 = unknown, dead
        if sub is S.AGREEMENT and actor1 is None and actor2 is not None:
            actor1, actor2 = actor2, None     # an agreement's parties have no order (ACLED: actor1 and actor2)
        if sub in (S.ARMED_CLASH, S.NON_STATE_ACTOR_OVERTAKES_TERRITORY, S.GOVERNMENT_REGAINS_TERRITORY,
                   S.AGREEMENT) and actor2 is None and actor1 is not None:
            actor2 = _first_other(s_actors, actor1)
        if sub in PROTEST_TYPES or sub in (S.MOB_VIOLENCE,):
            actor1, actor2 = _crowd_roles(sub, s_actors, actor1, actor2, hit, ctx, offset)
        if actor1 is not None and sub in ARMED_SUBS and not _armed(actor1.actor):
            forces = _generic(ctx, "army", hit, offset)   # "Syrian government warplanes": its armed forces
            if forces is not None and forces.actor.country == actor1.actor.country:
                actor1 = dataclasses.replace(forces, start=actor1.start, end=actor1.end, text=actor1.text)
        if actor1 is None and hit.klass == "KILL":
            actor1 = _by_whom(hit, s_actors, offset)    # "killed in an operation by commandos"
            if actor1 is not None and actor2 is not None and actor2.actor.name == actor1.actor.name:
                actor2 = None
        if actor1 is None and hit.head.pos_ != "VERB" or actor1 is None and hit.head.dep_ == "advcl":
            actor1 = _named_on_the_trigger(hit, s_actors, doc_text, offset)   # "YPG shelling", "a Houthi drone attack"
        if actor1 is None and sub in WEAPON_TYPES | {S.ARMED_CLASH, S.HEADQUARTERS_ESTABLISHED}:
            actor1 = _national_forces(hit, ctx, offset, s_places)   # "Israeli strikes on Homs", "Turkey set up a base"
        dying = hit.head.lemma_.lower() in A.DYING      # who died tells no one's act: only a follow-up
        if dying and not _the_known_dead(hit.head):
            continue                          # "more than 1,500 people have died": not those just told of
        noun_victim = _victim_of_noun(hit.head) if hit.klass == "KILL" and not _recorded(hit.head) else None
        patient = noun_victim or patient
        if actor1 is None and sub is S.AIR_DRONE_STRIKE and not dying:
            actor1 = _air_power(hit, ctx, offset, actor2 or _group_of_the_dead(sent, s_actors, None, offset), patient)
        if actor1 is None and sub in UNKNOWN_PERPETRATOR and not dying and not (
                hit.klass == "KILL" and (A.victim_kind(patient, actor2) != "civilian"
                                         and not _a_named_person(patient, hit, s_places, offset)
                                         or hit.head.pos_ == "NOUN" and noun_victim is None
                                         or _in_a_fight(hit, hits))):
            actor1 = _generic(ctx, "police" if sub in BY_POLICE else "unidentified gunmen", hit, offset)
        orphan = False
        if actor1 is None and hit.klass == "KILL" and not dying and (
                sub is S.ARMED_CLASH and hit.head.pos_ == "VERB" or sub in (S.ARMED_CLASH, S.ATTACK)
                and (_documented(hit.head) or noun_victim is not None)):
            victims = actor2 or (A.actor_of(noun_victim, s_actors, offset) if noun_victim is not None else None) \
                or _victims_generic(patient, ctx, hit, offset) or (
                _group_of_the_dead(sent, s_actors, None, offset) if hit.head.pos_ == "NOUN" else None)
            if victims is not None and victims.actor.actor_type is ActorType.CIVILIANS:
                victims = None                # dead civilians are no side of a clash
            if victims is not None:           # "an army major was killed": a clash with an unnamed side
                other = _first_other(s_actors, victims)
                if other is None and not unidentified(victims):
                    other = _generic(ctx, "unidentified gunmen", hit, offset)
                actor1, actor2, orphan = victims, other, True
        if actor2 is None and sub in WEAPON_TYPES | {S.ATTACK, S.ARMED_CLASH}:
            actor2 = _group_of_the_dead(sent, s_actors, actor1, offset)   # who died, when the text names them
        if actor2 is None and actor1 is not None and sub in WEAPON_TYPES | {S.ATTACK, S.ABDUCTION}:
            actor2 = _victims(hit, sent, s_actors, actor1, offset)
        if actor2 is None and sub in (S.ATTACK, S.ABDUCTION, S.SEXUAL_VIOLENCE) \
                and A.victim_kind(patient, None) == "civilian":
            actor2 = _generic(ctx, "civilians", hit, offset)        # "shot dead a teacher"
        if actor1 is not None and actor2 is not None and actor1.actor.name == actor2.actor.name:
            actor2 = None
        if sub is S.ATTACK and actor2 is not None and actor2.actor.actor_type is not ActorType.CIVILIANS:
            if hit.klass == "EXECUTE":
                actor2 = None       # executed captives: the victims are not a fighting party any more
            elif hit.klass in ("CLASH", "KILL") and _armed(actor2.actor) and actor2.actor.actor_type in ARMED_TYPES:
                sub = S.ARMED_CLASH   # "four militiamen died in IS attacks": a battle (ACLED: Attack is on civilians)
            else:
                actor2 = None
        day, precision, date_ev = _date(hit, s_dates, ctx, offset)
        deaths = A.fatalities_near(hit.head, numbers, offset)
        if deaths is not None and (sub not in LETHAL_SUBS or not counts_people(sent.doc, deaths, offset)
                                   or is_tally(_clause_text(sent_text, deaths.start - s_start))
                                   or vague_multitude(deaths)):
            deaths = None                     # "hundreds of villages razed", "in May 2021", "29 died this year"
        if hit.klass == "BODY":               # a body found: one dead, a civilian unless the text says who
            gov = A.governor(hit.head)
            if gov is None or gov.lemma_.lower() not in ("dump", "leave", "abandon", "throw", "hang"):
                actor1 = _generic(ctx, "unidentified gunmen", hit, offset)   # who found it did not kill
            if deaths is None and hit.head.tag_ == "NN":
                deaths = Mention("number", hit.span.start_char + offset, hit.span.end_char + offset,
                                 hit.span.text, "1")
            if actor2 is None:
                actor2 = _generic(ctx, "civilians", hit, offset)
        certainty, cert_span = A.certainty_of(sent, hit.head, next_text)
        cert_ev = mention_tuple(cert_span, offset) if cert_span is not None else None
        tags = sorted({TAG_WORDS[m.group(1).lower()] for m in _TAGS.finditer(sent_text)})
        prep_parent = -1
        if hit.head.dep_ == "pobj" and hit.head.head.dep_ == "prep":
            prep_parent = hit.head.head.head.i
        for place in places:
            drafts.append(Draft(
                sub=sub, klass=hit.klass, trigger=mention_tuple(hit.span, offset),
                sentence=(s_start, s_end, sent_text), clause=clause_of_hit[hit.head.i], actor1=actor1,
                actor2=actor2, toponym=place, date=day, precision=precision, date_evidence=date_ev,
                near=near or (place is not None and A.is_near(place, doc_text, offset)), road=road,
                fatalities=deaths, certainty=certainty, certainty_evidence=cert_ev, recipient=recipient,
                tags=tags, head_i=hit.head.i, prep_parent=prep_parent, orphan=orphan,
                allies=_allies_of(actor1, s_actors, doc_text, offset),
                co_targets=_co_targets(patient, actor1, actor2, s_actors, offset),
            ))
    drafts = subsume_drafts(drafts)
    drafts = _objects_of_other_triggers(drafts, sent)
    drafts = _named_over_generic(drafts)
    _attach_sentence_toll(drafts, sent, numbers, offset)
    _one_owner_per_toll(drafts)
    tolls = [d for d in drafts if d.klass == "KILL" and d.trigger[2].lower().startswith("death")]
    others = [d for d in drafts if d not in tolls]
    if tolls and others:                      # "the death of 23 fighters in clashes": the clashes' toll
        for toll in tolls:
            if others[0].fatalities is None:
                others[0].fatalities = toll.fatalities
        drafts = others
    unowned = [d for d in drafts if d.klass == "KILL" and (d.actor1 is None or d.orphan)]
    owned = [d for d in drafts if d.actor1 is not None and not d.orphan and d.sub in LETHAL_SUBS]
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
        told = [d for d in drafts if d.klass == "CLASH" and d.sub is S.ARMED_CLASH     # told by its weapon
                and d.trigger[2].lower().split()[-1] in _WEAPON_TOLD]   # ("clashes and airstrikes": two events)
        weapons = [d for d in drafts if d.sub in WEAPON_TYPES and d.actor1 is not None]
        for clash in told:                    # "... killed in an attack with guided missiles": the missiles' dead
            if clash.fatalities is not None and weapons[0].fatalities is None:
                weapons[0].fatalities, weapons[0].fatalities_high = clash.fatalities, clash.fatalities_high
        drafts = [d for d in drafts if d not in told]
    if s_places:
        ctx.last_place = s_places[-1]
    return drafts


#: Words that open a sentence adding to the one before ("Also, four members were killed").
CONTINUATIONS = re.compile(r"^\W*(?:" + "|".join(re.escape(w) for w in sorted(
    lexicon.words("continuation_words"), key=len, reverse=True)) + r")\b", re.I)


def _continues_a_tally(sentence: str, start: int, ctx: Context) -> bool:
    """A sentence right after a tally that opens by adding to it ("Also, ...", "In addition, ...")
    and names no place or day of its own goes on counting the period, not one event."""
    return ctx.tally_end >= 0 and 0 <= start - ctx.tally_end <= 3 and bool(CONTINUATIONS.match(sentence))


def _clause_span(sent: Span, at: int) -> Span:
    """The tokens of `sent` between semicolons or colons around character `at` of it."""
    start, end = _clause_bounds(sent.text, at)
    return sent.char_span(start, end, alignment_mode="expand") or sent


def _clause_text(sentence: str, at: int) -> str:
    """The part of a sentence between semicolons or colons that holds character `at`."""
    start, end = _clause_bounds(sentence, at)
    return sentence[start:end]


def _clause_bounds(sentence: str, at: int) -> tuple[int, int]:
    start = max(sentence.rfind(";", 0, at), sentence.rfind(":", 0, at)) + 1
    ends = [i for i in (sentence.find(";", at), sentence.find(":", at)) if i >= 0]
    return start, min(ends) if ends else len(sentence)


def _named_over_generic(drafts: list[Draft]) -> list[Draft]:
    """"The YPG seized weapons and ammunition": one sentence's two triggers of one type, one with the
    actor the text names and one with a generic stand-in, are one event by the named actor."""
    named = {d.sub for d in drafts if d.actor1 is not None and not d.actor1.generic}
    drafts = [d for d in drafts if not (d.sub in named and d.actor1 is not None and d.actor1.generic
                                        and d.sub not in TERRITORIAL_SUBS)]
    known = {d.sub for d in drafts if d.actor1 is not None and not unidentified(d.actor1)}
    return [d for d in drafts if not (d.sub in known and d.actor1 is not None and unidentified(d.actor1)
                                      and d.sub not in TERRITORIAL_SUBS)]   # "jets attacked it with missiles"



def _objects_of_other_triggers(drafts: list[Draft], sent: Span) -> list[Draft]:
    """"repelled an ISIS attack", "thwarted an assault": a fighting noun that is the object of
    another fighting verb is the same fight, told once; so is "attack" in "a rocket attack", "a drone
    attack", whose modifier is the weapon trigger, and "attacked X with grenades", whose instrument is."""
    by_head = {d.head_i: d for d in drafts}
    out = []
    for d in drafts:
        tok = sent.doc[d.head_i]
        weapon = next((by_head[c.i] for c in tok.children if c.dep_ == "compound" and c.i in by_head
                       and by_head[c.i] is not d), None)
        instrument = next((by_head[g.i] for c in tok.children
                           if c.dep_ == "prep" and c.lower_ == "with" or c.lemma_.lower() == "use"
                           for g in c.children if g.dep_ in ("pobj", "dobj") and g.i in by_head
                           and by_head[g.i] is not d), None)
        if instrument is not None and d.klass == "CLASH" and instrument.sub in WEAPON_TYPES:
            weapon = instrument               # "attacked the office with hand grenades": the grenade attack
        if weapon is not None and d.klass == "CLASH" and (tok.pos_ == "NOUN" or weapon is instrument) \
                and weapon.sub in WEAPON_TYPES:
            if weapon.fatalities is None:
                weapon.fatalities, weapon.fatalities_high = d.fatalities, d.fatalities_high
            weapon.actor2 = weapon.actor2 or d.actor2
            if d.actor1 is not None and (weapon.actor1 is None or weapon.actor1.generic and not d.actor1.generic
                                         or unidentified(weapon.actor1)):
                weapon.actor1 = d.actor1      # "jets attacked it with missiles": the jets' forces fired them
            continue
        gov = by_head.get(tok.head.i) if tok.dep_ in ("dobj", "pobj", "nsubjpass") else None
        if gov is not None and gov is not d and d.klass == "CLASH" and tok.pos_ == "NOUN" \
                and gov.klass in ("CLASH", "TAKE"):
            gov.actor2 = gov.actor2 or d.actor1
            continue
        out.append(d)
    return out


def _other_fate_in(text: str) -> bool:
    """Whether a toll's words name the wounded or arrested too (a parse that summed both)."""
    return any(w.lower() in INJURY_FORMS | OTHER_FATES for w in re.findall(r"[A-Za-z]+", text))


def _one_owner_per_toll(drafts: list[Draft]) -> None:
    """One count of dead is one event's toll, never added twice: of the drafts (other incidents
    than one told twice) that took the same words as their toll, the one whose trigger stands
    nearest them keeps it ("the clashes left seven dead ... due to the clashes and airstrikes")."""
    by_words: dict[tuple[int, int], list[Draft]] = {}
    for d in drafts:
        if d.fatalities is not None:
            by_words.setdefault((d.fatalities.start, d.fatalities.end), []).append(d)
    for (start, _end), owners in by_words.items():
        kinds = {(d.sub, d.toponym.place.key if d.toponym is not None and d.toponym.place is not None else "")
                 for d in owners}
        if len(kinds) < 2:
            continue                          # one incident (same kind, same place): merged later
        keep = min(owners, key=lambda d: abs(d.trigger[0] - start))
        for d in owners:
            if d is not keep:
                d.fatalities, d.fatalities_high, d.other_side_dead = None, None, []


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


#: Sub-event types ACLED codes even when the report does not say who did it: the unnamed side is
#: "Unidentified Armed Group (<country>)" (police for arrests), so that the event is not lost.
UNKNOWN_PERPETRATOR = {S.REMOTE_EXPLOSIVE, S.SUICIDE_BOMB, S.GRENADE, S.ATTACK, S.ABDUCTION, S.ARRESTS,
                       S.LOOTING, S.SEXUAL_VIOLENCE, S.AIR_DRONE_STRIKE, S.SHELLING, S.CHEMICAL_WEAPON,
                       S.DISRUPTED_WEAPONS_USE}
#: ... and the state's forces that usually act unnamed: weapons found or seized are the police's.
BY_POLICE = {S.ARRESTS, S.DISRUPTED_WEAPONS_USE}
_CROWD = {ActorType.PROTESTERS, ActorType.RIOTERS}




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
    if root.dep_ == "pobj" and root.head.lower_ == "to" and root.head.head.lower_ in ("according", "told"):
        return True                           # "according to SOHR"
    if root.dep_ == "pobj" and root.head.lower_ in ("of", "from") and root.head.head.lemma_.lower() in \
            ("source", "activist", "report", "statement", "correspondent", "network"):
        return True                           # "sources of the Observatory", "a report from Amnesty"
    return root.dep_ in ("nsubj", "nsubjpass") and root.head.lemma_.lower() in A.REPORTING_VERBS \
        or root.dep_ == "pobj" and root.head.lower_ in ("to", "by") and root.head.head.lemma_.lower() in A.REPORTING_VERBS


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


AFFILIATION_WORDS = lexicon.words("affiliation_words")


def _group_of_the_dead(sent: Span, actors: list[ActorMention], actor1: ActorMention | None,
                       offset: int) -> ActorMention | None:
    """The party the sentence's dead belong to, when they are named by it: "the deaths of four
    members of the National Defence Forces", "a fighter affiliated with the Fourth Division was
    shot dead". ACLED codes the victims' own group as the second actor."""
    for _death, victims in the_dead(sent):
        for victim in victims:
            found = A.actor_of(victim, actors, offset)
            for acl in (c for c in victim.children if c.dep_ in ("acl", "relcl", "amod")):
                if found is None and acl.lemma_.lower() in AFFILIATION_WORDS:
                    objs = A.prep_objects(acl, ("with", "to", "of"))
                    found = A.actor_of(objs[0], actors, offset) if objs else None
            if found is not None and (actor1 is None or found.actor.name != actor1.actor.name):
                return found
    return None


#: Actor types that fight: an attack on one of them is a battle, not violence against civilians.
ARMED_TYPES = {ActorType.STATE_FORCES, ActorType.REBEL_GROUP, ActorType.POLITICAL_MILITIA,
               ActorType.IDENTITY_MILITIA, ActorType.EXTERNAL_OTHER}


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


def _victims_generic(patient, ctx: Context, hit: A.Hit, offset: int) -> ActorMention | None:
    """The state forces a killed fighter belongs to when the victims are soldiers or police the
    dictionary does not name ("an army major", "a police officer")."""
    if patient is None:
        return None
    words = {t.lemma_.lower() for t in A.np_tokens(patient)}
    if words & {"police", "policeman", "policemen", "officer", "officers", "constable", "gendarme"}:
        return _generic(ctx, "police", hit, offset)
    if words & {"soldier", "army", "troop", "serviceman", "servicemen", "jawan", "major", "colonel", "captain",
                "lieutenant", "sergeant", "general", "private", "conscript", "marine"}:
        return _generic(ctx, "army", hit, offset)
    if words & {"militant", "insurgent", "terrorist", "rebel", "gunman", "gunmen", "bandit", "jihadist", "fighter"}:
        return _generic(ctx, "militants", hit, offset)
    return None


def _forces_of_the_nation(noun: Token, hit: A.Hit, ctx: Context, offset: int) -> ActorMention | None:
    """The armed forces a nationality word on a noun names ("a Turkish observation point")."""
    code = nation_of(noun)
    return _military_of(code, hit, ctx, offset) if code is not None else None


def _national_forces(hit: A.Hit, ctx: Context, offset: int, places: list[Toponym]) -> ActorMention | None:
    """The armed forces a nationality word on the trigger names ("Russian jets", "Turkish drones"),
    or a country named as the party that acts ("Turkey shelled the town", "struck by Israel")."""
    code = nation_of(hit.head)
    if code is None:
        acting = [t for t in places if A.is_acting(t, hit.head, offset)]
        code = acting[0].place.country_code if acting else None  # type: ignore[union-attr]
    return _military_of(code, hit, ctx, offset) if code is not None else None


def _military_of(code: str, hit: A.Hit, ctx: Context, offset: int) -> ActorMention | None:
    """The armed forces of country `code`, coded in the event's country; its evidence is the trigger."""
    from kharita.actors import code_actor, load_default

    name = load_default().country_name(code)
    actor = code_actor(f"Military Forces of {name}", country=ctx.event_country or ctx.country, date=ctx.published)
    if actor is None:
        return None
    return ActorMention(hit.span.start_char + offset, hit.span.end_char + offset, hit.span.text, actor,
                        generic=True, score=0.6)


def _air_power(hit: A.Hit, ctx: Context, offset: int, target: ActorMention | None,
               patient: Token | None) -> ActorMention | None:
    """"Nine insurgents were killed in an airstrike": a strike from the air that nobody is named
    for, on an armed group, is the state's (the armed groups it fights fly no aircraft); on
    civilians or an unknown target the striker stays unknown."""
    if target is not None:
        armed = target.actor.actor_type in (ActorType.REBEL_GROUP, ActorType.POLITICAL_MILITIA,
                                            ActorType.IDENTITY_MILITIA) and _armed(target.actor)
    else:
        armed = A.victim_kind(patient, None) == "armed" and not any(
            t.lemma_.lower() in STATE_FORCE_NOUNS for t in A.np_tokens(patient))
    return _generic(ctx, "army", hit, offset) if armed else None


#: Words for the state's own forces among a strike's victims ("soldiers killed in an airstrike").
STATE_FORCE_NOUNS = lexicon.words("state_force_nouns")


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
    if force is None and sub in (S.EXCESSIVE_FORCE, S.PROTEST_WITH_INTERVENTION) and (
            actor1 is None or actor1.actor.actor_type in _CROWD):
        force = _generic(ctx, "police", hit, offset)   # "three die in a protest crackdown": the state's police
    if sub is S.EXCESSIVE_FORCE:
        return force or actor1, crowd
    return crowd, force


#: Words that may stand between a party's name and the attack it carries out ("SDF artillery shelling").
_WEAPON_MODIFIERS = re.compile(r"^(?:[\s-]+(?:" + "|".join(
    re.escape(w) for w in sorted(lexicon.words("attack_modifiers"), key=len, reverse=True)) + r"))*[\s-]*$", re.I)


#: What joins two parties that act together ("Turkish forces and their proxies", "X, backed by Y").
_ALLIED = re.compile(r"^\s*,?\s*(?:" + "|".join(
    re.escape(w) for w in sorted(lexicon.words("ally_joiners"), key=len, reverse=True)) + r")\s*$", re.I)


def _co_targets(patient: Token | None, actor1: ActorMention | None, actor2: ActorMention | None,
                actors: list[ActorMention], offset: int) -> list[ActorMention]:
    """The other parties struck together with actor2 ("shelled regime and SDF positions"): ACLED's
    associated actors of actor2."""
    if patient is None or actor2 is None:
        return []
    out = []
    for conj in (*patient.conjuncts, *(t for t in patient.subtree if t.dep_ == "conj" and t.i != patient.i)):
        found = A.actor_of(conj, actors, offset)
        if found is not None and found.actor.name not in {actor2.actor.name, actor1.actor.name if actor1 else ""} \
                and found.actor.actor_type is not ActorType.CIVILIANS and found not in out:
            out.append(found)
    return out


def _allies_of(actor1: ActorMention | None, actors: list[ActorMention], text: str, offset: int) -> list[ActorMention]:
    """The parties told right beside actor1 as acting with it: ACLED's associated actors of actor1."""
    if actor1 is None:
        return []
    out: list[ActorMention] = []
    last = actor1
    for mention in sorted(actors, key=lambda m: m.start):
        if mention.start < last.end or mention.actor.name == actor1.actor.name:
            continue
        if not _ALLIED.match(text[last.end - offset:mention.start - offset]) or \
                mention.actor.actor_type is ActorType.CIVILIANS:
            break
        out.append(mention)
        last = mention
    return out


def _named_on_the_trigger(hit: A.Hit, actors: list[ActorMention], text: str, offset: int) -> ActorMention | None:
    """"YPG shelling", "a Houthi drone attack", "ISIS attacks": a party named right before an
    attack noun is who attacked (the parser often reads the pair as a verb and its subject)."""
    start = hit.span.start_char + offset
    for mention in actors:
        if mention.end <= start and _WEAPON_MODIFIERS.match(text[mention.end - offset:start - offset]) \
                and mention.actor.actor_type is not ActorType.CIVILIANS:
            return mention
    return None


def _by_whom(hit: A.Hit, actors: list[ActorMention], offset: int) -> ActorMention | None:
    """"Seven Taliban were killed in an operation by commandos", "died during a raid by the army":
    the party a killing's "in"/"during" phrase names with "by" is who killed."""
    clause = A.clause_head(hit.head)
    for prep in (t for t in hit.head.subtree if t.dep_ == "prep" and t.lower_ in ("in", "during")
                 and A.clause_head(t) == clause):
        for noun in (g for g in prep.children if g.dep_ == "pobj"):
            for by in (c for c in noun.children if c.dep_ == "prep" and c.lower_ == "by"):
                for agent in (g for g in by.children if g.dep_ == "pobj"):
                    found = A.actor_of(agent, actors, offset)
                    if found is not None:
                        return found
            if noun.lower_ in OPERATION_WORDS:         # "killed in an army operation": the army's
                for mod in (c for c in noun.children if c.dep_ in ("compound", "amod", "poss")):
                    found = A.actor_in([mod], actors, offset)
                    if found is not None and found.actor.actor_type is not ActorType.CIVILIANS:
                        return found
    return None


def _a_named_person(patient: Token | None, hit: A.Hit, places: list[Toponym], offset: int) -> bool:
    """"Zacarias was shot dead": a name no gazetteer or dictionary knows, as the victim of a verb
    that only kills people, is a person; not said to be armed, a civilian (ACLED: Attack)."""
    if patient is None or patient.tag_ != "NNP" or not A.kills_a_person(hit):
        return False
    at = patient.idx + offset
    return not any(t.start <= at < t.end for t in places)


def _recorded(head: Token) -> bool:
    """"SOHR documented the assassination of 252 civilians": a noun a monitor records (its own
    record, often a tally), not an incident the sentence tells."""
    return head.dep_ == "dobj" and head.head.lemma_.lower() in A.REPORTING_VERBS


def _documented(head: Token) -> bool:
    """"SOHR documented the death of an SDF member": a death noun a monitor records, whose
    victims are known and whose killer nobody names."""
    return _recorded(head) and head.lemma_.lower() in ("death", "killing")


def _victim_of_noun(head: Token) -> Token | None:
    """"The killing of two farmers", "an assassination targeting a policeman": whom a killing noun
    says it killed (such a noun tells an event of its own, whoever did it), else None."""
    if head.pos_ != "NOUN":
        return None
    for child in head.children:
        if child.dep_ == "prep" and child.lower_ == "of" or child.dep_ == "acl" and child.lemma_.lower() == "target":
            victim = next((g for g in child.children if g.dep_ in ("pobj", "dobj")), None)
            if victim is not None:
                return victim
    return None


#: Words that make the subject of "died" people the report has already told of.
_KNOWN = {"the", "both", "another", "that", "this", "these", "those", "he", "she", "they", "others", "his", "her",
          "their", "them"}


def _the_known_dead(verb: Token) -> bool:
    """Whether the subject of "died" points at people already told of ("one of the women died", "the
    driver later died", "two others died in hospital", "he succumbed"), not a count of its own."""
    subj, _passive = A.subject_of(verb)
    if subj is None:
        return False
    if subj.lower_ in _KNOWN or subj.tag_ == "NNP" or any(c.lower_ == "also" for c in verb.children):
        return True                           # ("a subject nicknamed El Cumbayo also died": of the same attack)
    for child in subj.children:
        if child.dep_ in ("det", "poss") and child.lower_ in _KNOWN:
            return True
        if child.dep_ == "prep" and child.lower_ == "of":     # "one of the women", "two of them"
            return any(g.lower_ in _KNOWN or any(d.lower_ in _KNOWN for d in g.children) for g in child.children)
    return False


def _in_a_fight(hit: A.Hit, hits: list[A.Hit]) -> bool:
    """"Two men were shot dead in an exchange of gunfire with soldiers": a killing told as happening
    in a fight the sentence names is that fight's toll, not an attack by someone else."""
    fights = {t.i for h in hits if h.klass == "CLASH" for t in h.span}
    return any(c.dep_ == "prep" and c.lower_ in ("in", "during")
               and any(g.i in fights for g in c.children if g.dep_ == "pobj") for c in hit.head.children)


def _first_civilians(actors: list[ActorMention]) -> ActorMention | None:
    for mention in actors:
        if mention.actor.actor_type is ActorType.CIVILIANS and mention.actor.name.startswith("Civilians"):
            return mention
    return None


def _date(hit: A.Hit, s_dates: list[Mention], ctx: Context, offset: int) -> tuple[dt.date | None, TimePrecision,
                                                                                  Mention | None]:
    year = _year_of(hit.head)
    if year is not None and ctx.published is not None and year < ctx.published.year - 1:
        return dt.date(year, 12, 31), TimePrecision.MONTH, None   # "a 2017 bombing" in a 2022 report: even that
        #                                   year's last day is over a year before, so the event is history (dropped)
    if s_dates:
        pos = hit.span.start_char + offset
        best = min(s_dates, key=lambda d: abs(d.start - pos))
        day, precision, _period = parse_label(best.label)
        return day, precision, best
    return ctx.published, ctx.precision, None


def _year_of(head: Token) -> int | None:
    """The year the text gives a trigger with no date: "a 2017 bombing", "regained control of the
    province in 2018" (on the trigger or on its verb), else None."""
    for tok in (head, A.clause_head(head)):
        for child in tok.children:
            if child.dep_ in ("nummod", "compound", "amod") and is_year(child):
                return int(child.text)
            if child.dep_ == "prep" and child.lower_ in ("in", "during"):
                year = next((g for g in child.children if g.dep_ == "pobj" and is_year(g)), None)
                if year is not None:
                    return int(year.text)
    return None


# -- a report's drafts -> events ----------------------------------------------------------------


