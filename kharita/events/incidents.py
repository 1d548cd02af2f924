"""One incident, one event: a report's drafts folded and merged into ACLED events.

ACLED's unit is one sub-event type, actor pair, place and day. A killing or a definite reference
("the attack", "the blast", "the fighting") told in a later sentence joins the event it refers to
(`fold_followups`); drafts that agree on the unit merge, keeping every evidence span, and drafts that
would get one event id are one event (`assemble_events`). `_build` makes the frozen Event.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import replace

from kharita.actors.coding import ETHNIC
from kharita.actors.dictionary import fold, load_default
from kharita.events import lexicon
from kharita.events.arguments import CIVILIAN_WORDS, DYING
from kharita.events.drafts import LETHAL_SUBS, TERRITORIAL_SUBS, Context, Draft, Suspect, unidentified
from kharita.events.places import fallback_place
from kharita.events.subtypes import consistent_sub
from kharita.models import ActorMention, Event, Evidence, Source, Territory, Toponym
from kharita.nlp.triggers import verb_forms
from kharita.ontology import DATE_WINDOW_DAYS, ActorType, GeoPrecision, SubEventType as S


def subsume_drafts(drafts: list[Draft]) -> list[Draft]:
    """A clash that is the fighting behind a capture in the same clause ("liberated X after intense
    clashes"), or in the same sentence between the same sides at the same place ("IS withdrew from X
    after clashes with the YPG, who took control of it"), is part of the capture (ACLED codes the
    territorial event, which is a battle), not an event of its own."""
    takes = [d for d in drafts if d.sub in (S.GOVERNMENT_REGAINS_TERRITORY, S.NON_STATE_ACTOR_OVERTAKES_TERRITORY)]
    operations = [d for d in drafts if d.sub in (S.ARRESTS, S.DISRUPTED_WEAPONS_USE)]
    abductions = [d for d in drafts if d.sub is S.ABDUCTION]
    out = []
    for d in drafts:
        if _abduction_told_as_attack(d, abductions):
            continue                          # "gunmen attacked the quarters, abducting two": the abduction
        if d.klass == "CLASH" and operations and d.actor2 is None \
                and d.trigger[2].lower().split()[-1] in OPERATION_WORDS:
            continue                          # "arrested 100 during raids": the raid is the arrest
        if d.sub is S.ARMED_CLASH and d.klass == "CLASH" and any(
                t.clause == d.clause or t.head_i == d.prep_parent or _same_fight(t, d) for t in takes):
            if d.fatalities is not None:
                for t in takes:
                    if t.fatalities is None and (t.clause == d.clause or _same_fight(t, d)):
                        t.fatalities, t.fatalities_high = d.fatalities, d.fatalities_high
            continue
        out.append(d)
    return out


def _abduction_told_as_attack(d: Draft, abductions: list[Draft]) -> bool:
    """An attack that killed no one and met no armed side, told in the sentence of an abduction by
    the same party, is how the abduction was done: ACLED codes the abduction, one event."""
    if d.klass != "CLASH" or d.sub not in (S.ATTACK, S.ARMED_CLASH) or d.fatalities is not None \
            or d.actor1 is None or d.actor2 is not None and d.actor2.actor.actor_type is not ActorType.CIVILIANS:
        return False
    return any(a.sentence == d.sentence and a.actor1 is not None and a.actor1.actor.name == d.actor1.actor.name
               for a in abductions)


#: Operations that are the arrest or seizure told beside them, not a battle of their own.
OPERATION_WORDS = {"raid", "raids", "operation", "operations", "crackdown", "sweep", "sweeps", "search", "searches"}


def _same_fight(take: Draft, clash: Draft) -> bool:
    def sides(d: Draft) -> set[str]:
        return {a.actor.name for a in (d.actor1, d.actor2) if a is not None}

    if take.sentence != clash.sentence or not sides(take) & sides(clash):
        return False
    same_place = take.toponym is not None and clash.toponym is not None and take.toponym.place is not None \
        and clash.toponym.place is not None and take.toponym.place.key == clash.toponym.place.key
    return same_place or len(sides(clash)) == 2 and sides(clash) == sides(take)   # the same two sides


_FOLLOW_UP = re.compile(
    r"\b(?:in|by|during|from) (?:the|that|this|these|those) (?:\w+ )?(?:strikes?|raids?|attacks?|shelling|"
    r"bombing|bombardment|blasts?|explosions?|clashes|fighting|battles?|assault|ambush|air ?strikes?|"
    r"firefight|gunfight|shoot-?out|gun ?battle|exchange of fire|encounter)\b", re.I)


def _refers_back(d: Draft) -> bool:
    """"... documented the deaths of 15 soldiers in the fighting": a trigger that sits inside a
    phrase pointing back at an event already told, with no actor of its own, is no new event."""
    if d.actor1 is not None and not d.orphan:
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
    told_until: dict[int, int] = {}           # where the last sentence folded into a draft ends
    for d in drafts:
        target = None
        if d.klass == "KILL" and (_FOLLOW_UP.search(d.sentence[2]) or d.actor1 is None or d.orphan) \
                or _refers_back(d):
            dying = d.trigger[2].lower().split()[-1] in _DYING_FORMS   # "one of the women died": of any event
            earlier = [p for p in out if (p.klass != "KILL" or dying) and p.sentence[0] < d.sentence[0]
                       and p.sub in LETHAL_SUBS               # no one dies in an agreement or an arrest
                       and d.sentence[0] - told_until.get(id(p), p.sentence[1]) < 40]
            target = earlier[-1] if earlier else None
        elif _anaphor(d) is not None:
            target = _antecedent(d, out)
        if target is not None:
            _specify(target, d)
            _fold_into(target, d)
            told_until[id(target)] = max(told_until.get(id(target), target.sentence[1]), d.sentence[1])
            continue
        out.append(d)
    return out


_DYING_FORMS = {form for lemma in DYING for form in verb_forms(lemma)}


#: Definite nouns that point back at an event already told, and the sub-event types each may name.
_BATTLE = {S.ARMED_CLASH, S.GOVERNMENT_REGAINS_TERRITORY, S.NON_STATE_ACTOR_OVERTAKES_TERRITORY}


_BLAST = {S.REMOTE_EXPLOSIVE, S.SUICIDE_BOMB, S.GRENADE, S.AIR_DRONE_STRIKE, S.SHELLING}


ANAPHORS: dict[str, set[S]] = {
    **dict.fromkeys(("fighting", "clashes", "clash", "battle", "battles", "confrontation", "confrontations",
                     "firefight", "gunfight", "shootout", "shoot-out", "encounter", "skirmish"), _BATTLE),
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
        if p.sentence[0] >= d.sentence[0] or d.sentence[0] - p.sentence[1] > 400 or p.actor1 is None:
            continue                          # (a draft no one carried out is no event to refer to)
        if p.sub in kinds and (p.sub not in TERRITORIAL_SUBS or d.sub in _BATTLE):
            return p
    return None


def _same_side(a, b) -> bool:
    """Two mentions of one party: the same actor, or state forces of one country (army and police)."""
    if a is None or b is None:
        return False
    if a.actor.name == b.actor.name:
        return True
    state = ActorType.STATE_FORCES
    return a.actor.actor_type is state and b.actor.actor_type is state and bool(a.actor.country) \
        and a.actor.country == b.actor.country


def _specify(target: Draft, d: Draft) -> None:
    """"Nine Taliban were killed in Balkh yesterday. ... the airstrikes targeted a Taliban rally":
    an event first told only by its dead (its type and the other side guessed, see `Draft.orphan`)
    takes the kind and the striker that the later sentence referring back to it names; its dead
    are the struck."""
    if not target.orphan or d.orphan or d.actor1 is None or d.sub is target.sub or d.sub not in _BLAST:
        return
    struck = target.actor1
    target.sub, target.klass, target.trigger, target.orphan = d.sub, d.klass, d.trigger, False
    target.actor1 = d.actor1
    target.actor2 = d.actor2 or (struck if struck is not None and struck.actor.name != d.actor1.actor.name else None)
    target.tags = sorted({*target.tags, *d.tags})


def _fold_into(target: Draft, d: Draft) -> None:
    """What a follow-up adds to the event it tells about: a larger toll, the other side's dead of
    a battle, the victims."""
    if d.fatalities is not None and target.fatalities is not None and target.sub in _BATTLE and d.klass == "KILL" \
            and not d.orphan and _same_side(d.actor1, target.actor2) and (
                d.actor2 is None or _same_side(d.actor2, target.actor1)
                or unidentified(d.actor2)):
        target.other_side_dead.append(d.fatalities)   # "... killing five troops. Troops killed three militants
        d.fatalities = None                           # in the firefight": both sides' dead, eight (ACLED sums them)
    told = int(target.fatalities.label) + sum(int(m.label) for m in target.other_side_dead) \
        if target.fatalities is not None else 0
    if d.fatalities is not None and target.sub in LETHAL_SUBS and (
            target.fatalities is None or int(d.fatalities.label) > told):   # flight, arrests: no one's toll
        target.fatalities, target.fatalities_high = d.fatalities, d.fatalities_high
        target.other_side_dead = []           # a larger count told later is the whole toll
    victims = next((a for a in (d.actor2, d.actor1) if a is not None
                    and a.actor.actor_type is ActorType.CIVILIANS), None)
    if target.actor1 is not None and target.actor1.generic and unidentified(target.actor1) \
            and d.actor1 is not None and not d.orphan and _claimant(d.actor1) \
            and d.actor1.actor.actor_type is not ActorType.STATE_FORCES and not _same_side(d.actor1, target.actor2):
        target.actor1 = d.actor1          # "Gunmen killed two guards. The attack bore the hallmarks of Boko Haram."
    if target.actor2 is None and target.actor1 is not None:
        named = [a for a in (d.actor1, d.actor2) if a is not None and a.actor.name != target.actor1.actor.name
                 and (not a.generic or a.actor.actor_type is ActorType.STATE_FORCES)]   # "government troops" too
        target.actor2 = victims or (named[0] if named else None)
    if victims is not None and target.sub is S.ARMED_CLASH and target.klass in ("CLASH", "KILL"):
        target.sub = S.ATTACK             # "gunmen attacked ...; five villagers died in the attack"


_SYMMETRIC = {S.ARMED_CLASH, S.AGREEMENT}


def _city_key(top: Toponym | None) -> str:
    if top is None or top.place is None:
        return ""
    place = top.place
    return f"city:{place.country_code}:{place.name.split(' - ')[0]}"


#: A sentence that says its incident is another one than those told before it.
_SEPARATE = re.compile(r"\b(?:in|during) (?:a|an|another) (?:\w+ )?separate\b|\bin another (?:attack|incident|"
                       r"clash|ambush|raid|bombing|explosion|strike|shooting)\b|\bseparately\b", re.I)


#: Why an event the text reports is not coded (counted in the run's summary).
NO_COUNTRY = "no place or country known"
HISTORY = "told as history: dated more than a year before the report"
#: An event the text dates more than this many days before the report's publication is the report's
#: background ("On February 17, 2009, police attacked the house"), not news it brings: its own
#: reports of the day are its sources.
HISTORY_DAYS = 365


def assemble_events(drafts: list[Draft], ctx: Context) -> list[Event]:
    """One event per sub-event type, actor pair, place and day: drafts that agree on those merge,
    keeping every evidence span. Territorial events keep their exact place (control is per place);
    others count a city's districts as the city."""
    merged: dict[tuple, list[Draft]] = {}
    lost: set[tuple] = set()                  # (type, sentence) of the events no country can place
    history: set[tuple] = set()               # (type, sentence) of events told as a report's background
    for d in drafts:
        if d.actor1 is None:
            if ctx.country_place is None and d.klass != "KILL":
                lost.add((d.sub, d.sentence[0]))    # no country for its unnamed party, nor its place
            continue
        if d.date is not None and ctx.published is not None and (ctx.published - d.date).days > HISTORY_DAYS:
            history.add((d.sub, d.sentence[0]))     # "On February 17, 2009, police attacked ...": background
            continue
        _claimed_by(d, ctx)
        _suspected(d, ctx)
        _civilians_are_victims(d, ctx)
        d.sub = consistent_sub(d.sub, d.actor1.actor, d.actor2.actor if d.actor2 else None)
        if d.toponym is None or d.toponym.place is None:
            d.toponym = fallback_place(ctx)
            if d.toponym is None:             # not even the country is known: no ACLED event
                lost.add((d.sub, d.sentence[0]))
                continue
        _of_the_event_country(d)
        pair: tuple = (d.actor1.actor.name, d.actor2.actor.name if d.actor2 else "")
        if d.sub in _SYMMETRIC:
            pair = tuple(sorted(pair))
        place_key = d.toponym.place.key if d.sub in TERRITORIAL_SUBS else _city_key(d.toponym)
        if _SEPARATE.search(d.sentence[2]):
            place_key += f"#{d.sentence[0]}"    # "in a separate attack": its own incident, whatever it shares
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
    _one_blast(merged)
    if lost:
        ctx.dropped[NO_COUNTRY] = ctx.dropped.get(NO_COUNTRY, 0) + len(lost)
    if history:
        ctx.dropped[HISTORY] = ctx.dropped.get(HISTORY, 0) + len(history)
    return [_build(group, ctx) for group in _one_per_id(list(merged.values()), ctx)]


#: What a suicide bombing's other tellings are coded as: the blast, the explosives, the damage.
_BLAST_PARTS = {S.REMOTE_EXPLOSIVE, S.GRENADE, S.LOOTING}


def _one_blast(merged: dict[tuple, list[Draft]]) -> None:
    """"A truck bomb exploded ... The suicide bomber drove the truck ...": a suicide bombing told
    with its bomb, its blast and the houses it destroyed is one Suicide bomb event (ACLED codes the
    incident once, by its most specific type), not also a Remote explosive and a property
    destruction at the same place on the same day."""
    for skey in [k for k in merged if k[0] is S.SUICIDE_BOMB]:
        if skey not in merged:
            continue
        for key in [k for k in merged if k[0] in _BLAST_PARTS and k[2] == skey[2]]:
            group = merged[key]
            undated = all(d.date_evidence is None for d in group) or all(d.date_evidence is None for d in merged[skey])
            if key[3] == skey[3] or undated and _within(key[3], skey[3], 1):
                merged[skey].extend(merged.pop(key))
        dated = next((d for d in merged[skey] if d.date_evidence is not None), None)
        if dated is not None:                 # the telling with a date dates the incident
            for d in merged[skey]:
                if d.date_evidence is None:
                    d.date, d.precision = dated.date, dated.precision


CLAIM = re.compile(r"\bclaim(?:ed|s|ing)?\s+(?:the\s+)?responsibility\b|\bclaimed\s+(?:the\s+)?"
                   r"(?:attack|attacks|bombing|bombings|blast|killing|killings)\b", re.I)
#: A message left at the scene and signed by a group: the group's claim (ACLED codes the claimed
#: perpetrator), whatever the message says.
SIGNED = re.compile(r"\b(?:message|note|banner|narco-?manta|narcomanta|narco-?message|poster|letter|sign|"
                    r"blanket|cardboard)s?\b[^.;]{0,60}?\bsigned\s+by\s+(?:the\s+)?", re.I)
CLAIM_REACH = 800         # characters between a claim of responsibility and the event it claims
DEAD_REACH = 400          # characters from a fight to the later sentence that says who its dead were


def claims_of(text: str, actors: list[ActorMention]) -> list[tuple[int, ActorMention]]:
    """"The Islamic State claimed responsibility": (where, who) for each claim of responsibility in
    the report whose claimant the actor pass found just before it (a named, armed actor within the
    sentence), read from the whole text since the claim's sentence holds no trigger to be parsed."""
    out = []
    for match in CLAIM.finditer(text):
        start = _sentence_start(text, match.start())
        before = [a for a in actors if start <= a.start < match.start() and _claimant(a)]
        if before:
            out.append((start, before[-1]))
    for match in SIGNED.finditer(text):       # "a narco-message signed by the CJNG was left by the bodies"
        start = _sentence_start(text, match.start())
        after = [a for a in actors if match.end() <= a.start <= match.end() + 8 and _claimant(a)]
        if after:
            out.append((start, after[0]))
    return out


def _claimant(mention: ActorMention) -> bool:
    """A named, armed party (no civilians, no political authority): who can claim an attack."""
    return not mention.generic and mention.actor.actor_type is not ActorType.CIVILIANS \
        and load_default().is_armed(mention.actor.name)


def _sentence_start(text: str, at: int) -> int:
    """Where the rough sentence holding character `at` starts (after a full stop or a new line)."""
    return max(text.rfind(". ", 0, at), text.rfind("\n", 0, at)) + 1


def _sentence_end(text: str, at: int) -> int:
    ends = [i for i in (text.find(". ", at), text.find("\n", at)) if i >= 0]
    return min(ends) if ends else len(text)


def _anchored(patterns: frozenset[str]) -> re.Pattern[str]:
    """A lexicon list of cue patterns (each anchored to the group by its own "$" or "^") as one."""
    return re.compile("|".join(f"(?:{p})" for p in sorted(patterns)), re.I)


SUSPECT_BEFORE = _anchored(lexicon.words("suspect_before"))
SUSPECT_AFTER = _anchored(lexicon.words("suspect_after"))
FRAMING_BEFORE = _anchored(lexicon.words("framing_before"))
FRAMING_AFTER = _anchored(lexicon.words("framing_after"))
PARTY_AFTER = _anchored(lexicon.words("party_after"))
DEAD_ARE_BEFORE = _anchored(lexicon.words("dead_are_before"))


def suspects_of(text: str, actors: list[ActorMention]) -> list[Suspect]:
    """The named armed groups the report attributes an unnamed perpetrator's violence to, outside a
    claim: blamed, suspected, framed as the group's campaign, asked for comment ("police blamed the
    attack on Boko Haram", "this comes in light of ISIS cells' activities", "the Taliban have not
    commented"), the groups a strike in the same sentence targets ("an air raid on a Taliban
    hideout"), and the groups the dead are said to belong to ("they were separatist fighters").
    Read from the whole text: such sentences often hold no trigger to parse."""
    out: list[Suspect] = []
    for mention in actors:
        start, end = _sentence_start(text, mention.start), _sentence_end(text, mention.end)
        before, after = text[start:mention.start], text[mention.end:end]
        if mention.generic and not unidentified(mention) and mention.actor.actor_type is not ActorType.CIVILIANS \
                and DEAD_ARE_BEFORE.search(before):
            out.append(Suspect(start, end, mention, dead=True))   # "they are separatist fighters": a group by its kind
            continue
        if not _claimant(mention) or mention.actor.actor_type is ActorType.STATE_FORCES:
            continue
        if SUSPECT_BEFORE.search(before) or SUSPECT_AFTER.match(after) \
                or FRAMING_BEFORE.search(before) and FRAMING_AFTER.match(after):
            out.append(Suspect(start, end, mention))
        elif PARTY_AFTER.match(after):
            out.append(Suspect(start, end, mention, target=True))
        elif DEAD_ARE_BEFORE.search(before):
            out.append(Suspect(start, end, mention, dead=True))
    return out


#: Sub-event types whose actor1 may be civilians: ACLED codes civilians only as the victims of
#: violence, as actor2 (ACLED Codebook, Actors: Civilians), but they flee.
_CIVILIANS_ACT = {S.DISPLACEMENT}
_ARMED_VIOLENCE = {S.ATTACK, S.ARMED_CLASH, S.AIR_DRONE_STRIKE, S.SHELLING, S.REMOTE_EXPLOSIVE, S.SUICIDE_BOMB,
                   S.GRENADE, S.CHEMICAL_WEAPON, S.ABDUCTION, S.SEXUAL_VIOLENCE, S.LOOTING}


def _civilians_are_victims(d: Draft, ctx: Context) -> None:
    """"Residents alerted the police about gunfire": civilians are never the perpetrators; the
    unnamed side is an Unidentified Armed Group and the civilians are its victims."""
    if d.actor1 is None or d.actor1.actor.actor_type is not ActorType.CIVILIANS or d.sub in _CIVILIANS_ACT \
            or d.sub not in _ARMED_VIOLENCE:
        return
    from kharita.actors import code_actor

    unknown = code_actor("unidentified gunmen", country=d.actor1.actor.country or None, date=ctx.published)
    if unknown is None:
        return
    victims = d.actor1
    d.actor1 = replace(victims, actor=unknown, generic=True, score=0.5)
    if d.actor2 is None or d.actor2.actor.actor_type is ActorType.CIVILIANS:
        d.actor2 = victims


def _claimed_by(d: Draft, ctx: Context) -> None:
    """"ISIS claimed responsibility for the attack": an event whose perpetrator the report left
    unnamed is the claimant's (ACLED codes the claimed perpetrator)."""
    if not d.actor1 or not d.actor1.generic or not unidentified(d.actor1):
        return
    near = [m for at, m in ctx.claims if abs(at - d.sentence[0]) <= CLAIM_REACH]
    if near:
        d.actor1 = min(near, key=lambda m: abs(m.start - d.sentence[0]))


def _unnamed(mention: ActorMention | None) -> bool:
    """No party, or one the text leaves unnamed: an Unidentified Armed Group or plain civilians."""
    return mention is None or mention.generic and (
        unidentified(mention) or mention.actor.actor_type is ActorType.CIVILIANS)


def _suspected(d: Draft, ctx: Context) -> None:
    """"Police blamed the attack on Boko Haram": the party the report leaves unnamed is the group it
    attributes the event to (ACLED codes a suspected perpetrator), the nearest such group within
    CLAIM_REACH; a group a strike targets in the event's own sentence is its actor2; the group a
    later sentence says the fight's dead belonged to ("they were separatist fighters") is its
    unnamed side."""
    country = d.toponym.place.country_code if d.toponym is not None and d.toponym.place is not None else ""
    blamed = {(s.mention.start, s.mention.end) for s in ctx.suspects if not s.target and not s.dead}
    if d.actor1 is not None and unidentified(d.actor1) and d.actor2 is not None \
            and (d.actor2.start, d.actor2.end) in blamed:
        d.actor1, d.actor2 = d.actor2, None   # "... and police blamed the attack on X": X is no victim
        return
    fight = d.sub in _BATTLE or d.sub is S.ATTACK and d.klass in ("CLASH", "KILL")
    dead = [s.mention for s in ctx.suspects if s.dead and fight and 0 <= s.start - d.sentence[0] <= DEAD_REACH
            and not any(_same_side(s.mention, a) for a in (d.actor1, d.actor2))]
    unnamed = [role for role in ("actor2", "actor1") if _unnamed(getattr(d, role))]
    if dead and unnamed and (d.actor1 is not None or d.actor2 is not None):
        setattr(d, unnamed[0], dead[0])   # "... shot in an exchange of fire with troops. They are separatist fighters."
        if d.actor1 is None:
            d.actor1, d.actor2 = d.actor2, None
        if d.sub is S.ATTACK:
            d.sub = S.ARMED_CLASH         # the dead were fighters: a battle (ACLED: Attack is on civilians)
        return
    for role in ("actor1", "actor2"):
        mention, other = getattr(d, role), d.actor2 if role == "actor1" else d.actor1
        if mention is None or not mention.generic or not unidentified(mention):
            continue
        near = [s.mention for s in ctx.suspects if not s.dead
                and (s.start <= d.sentence[0] < s.end if s.target else abs(s.start - d.sentence[0]) <= CLAIM_REACH)
                and (role == "actor2" or not s.target)
                and (other is None or s.mention.actor.name != other.actor.name)
                and (not country or s.mention.actor.country in ("", country))]
        if near:
            setattr(d, role, min(near, key=lambda m: abs(m.start - d.sentence[0])))
            return


#: Actors ACLED names by the country where the event happens, not by anyone's nationality.
_BY_EVENT_COUNTRY = ("Civilians ({})", "Protesters ({})", "Rioters ({})", "Unidentified Armed Group ({})")


def _of_the_event_country(d: Draft) -> None:
    """"Civilians (Syria)" for the civilians a Russian air strike killed in Idlib: the unnamed
    parties ACLED names by country take the country of the event's place, whatever country the
    report's words leaned to when they were read."""
    country = d.toponym.place.country_code if d.toponym is not None and d.toponym.place is not None else ""
    if not country:
        return
    names = load_default()
    for role in ("actor1", "actor2"):
        mention = getattr(d, role)
        if mention is None or not mention.generic or mention.actor.country in ("", country):
            continue
        old = names.country_name(mention.actor.country)
        template = next((t for t in _BY_EVENT_COUNTRY if mention.actor.name == t.format(old)), None)
        if template is not None:
            actor = replace(mention.actor, name=template.format(names.country_name(country)), country=country)
            setattr(d, role, replace(mention, actor=actor))


def _within(a: dt.date | None, b: dt.date | None, days: int) -> bool:
    return a is None or b is None or abs((a - b).days) <= days


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
    place_key = first.toponym.place.key  # type: ignore[union-attr]
    if _SEPARATE.search(first.sentence[2]):
        place_key += f"#{first.sentence[0]}"      # a separate incident keeps an id of its own
    return event_id(ctx.document.id, first.sub, place_key, first.date, first.actor1.actor.name)  # type: ignore[union-attr]


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
        for toll in ([d.fatalities] if d.fatalities is not None else []) + d.other_side_dead:
            evidence.append(Evidence("fatalities", toll.start, toll.end, toll.text))
        if d.certainty_evidence is not None:
            evidence.append(Evidence("certainty", *d.certainty_evidence))
    evidence = list(dict.fromkeys(evidence))
    counts = [int(d.fatalities.label) + sum(int(m.label) for m in d.other_side_dead)
              for d in group if d.fatalities is not None]
    fatalities = max(counts) if counts else None
    highs = [(d.fatalities_high or int(d.fatalities.label)) + sum(int(m.label) for m in d.other_side_dead)
             for d in group if d.fatalities is not None]
    high = max(highs) if highs else None
    certainty = max((d.certainty for d in group), key=lambda c: c.strength)
    actor1 = first.actor1.actor  # type: ignore[union-attr]
    other = first.actor2 or next((d.actor2 for d in group if d.sub is first.sub and d.actor2 is not None), None)
    actor2 = other.actor if other else None
    sides = {actor1.name, actor2.name if actor2 else ""}
    allies = tuple(dict.fromkeys(a.actor.name for d in group for a in d.allies if a.actor.name not in sides))
    peoples = _peoples_of_the_civilians(group, actor2, place.country_code) if actor2 is not None else ()
    peoples = tuple(dict.fromkeys((*peoples, *(a.actor.name for d in group for a in d.co_targets
                                                if a.actor.name not in sides))))
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
        actor2=actor2, assoc_actor_1=allies, assoc_actor_2=peoples, place=place, fatalities=fatalities, fatalities_low=fatalities,
        fatalities_best=fatalities, fatalities_high=high, certainty=certainty,
        civilian_targeting=first.sub in (S.ATTACK, S.ABDUCTION, S.SEXUAL_VIOLENCE) and actor2 is not None
        and actor2.actor_type is ActorType.CIVILIANS,
        territory=territory, tags=tuple(sorted({t for d in group for t in d.tags})),
        notes=" ".join(first.sentence[2].split())[:400], sources=(source,), confidence=_confidence(first),
    )




def _peoples_of_the_civilians(group: list[Draft], actor2, country: str) -> tuple[str, ...]:
    """"Fulani gunmen killed five Tiv farmers": the civilians' people is their associated actor
    ("Tiv Ethnic Group (Nigeria)"), as ACLED names the identity of civilians it knows."""
    if actor2.actor_type is not ActorType.CIVILIANS:
        return ()
    names = load_default()
    found: dict[str, None] = {}
    for d in group:
        for m in re.finditer(r"\b([A-Z][a-z]+) ([a-z]+)\b", d.sentence[2]):
            if fold(m.group(1)) in ETHNIC and {m.group(2), m.group(2).removesuffix("s")} & CIVILIAN_WORDS:
                found[f"{m.group(1)} Ethnic Group ({names.country_name(country)})"] = None
    return tuple(found)


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
