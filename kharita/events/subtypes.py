"""The ACLED sub-event type of a trigger, from its class and its arguments.

`classify_sentence` reads a sentence's triggers with their roles (who did it, to whom) and picks each
one's sub-event type as the ACLED codebook does (see `assemble.py` for the rules in one place); the
cue lists below are the words that tip a choice: "without a fight", tear gas, a planted bomb.
"""

from __future__ import annotations

import re

from spacy.tokens import Span, Token

from kharita.events import arguments as A
from kharita.events import lexicon
from kharita.models import Actor, ActorMention
from kharita.ontology import ActorType, SubEventType as S

NONVIOLENT_CUES = re.compile(
    r"\b(without (?:a |any )?(?:fight|fighting|resistance|clash(?:es)?|battle|a shot(?: being)? fired)|"
    r"peacefully|unopposed|hand(?:ed|s|ing)? (?:\w+ ){0,3}?over|handover|were handed|after (?:the )?withdrawal|"
    r"withdrew|pulled out|left the control|left control)\b", re.I)
FIGHT_CLASSES = {"CLASH", "KILL", "AIR", "SHELL", "BOMB", "IED", "SUICIDE", "GRENADE"}
#: Verbs whose subject stands outside the event that is their object ("police investigate the killing").
OUTSIDER_VERBS = lexicon.words("outsider_verbs")
WEAPON_CLASSES = {"AIR", "SHELL", "BOMB", "IED", "SUICIDE", "GRENADE", "CHEM"}
def _cues(phrases: frozenset[str]) -> re.Pattern[str]:
    """A lexicon list of cue phrases (regular expressions) as one case-insensitive pattern."""
    return re.compile(r"\b(?:" + "|".join(sorted(phrases)) + r")\b", re.I)


#: Not a conflict event unless the sentence names who did it: disasters, accidents, ordinary crime.
NOT_CONFLICT = _cues(lexicon.words("not_conflict_cues"))
#: Never a conflict event, whoever is named: disasters, accidents, leaks, sanctions, weapons tests.
NEVER_CONFLICT = _cues(lexicon.words("never_conflict_cues"))
INTERVENTION_CUES = re.compile(
    r"\b(tear ?gas|teargas|water cannons?|dispers(?:ed|e|ing)|rubber bullets|pepper spray|baton|batons|"
    r"arrest(?:ed|s)?|detain(?:ed)?|broke up|break up|cut short|charged|clear(?:ed)? the|(?:stun|smoke) grenades?|"
    r"intervened|blocked|cordon(?:ed)?|suppress(?:ed|ing)?|pepper-spray(?:ed)?|halt(?:ed)?|drag(?:ged)?|"
    r"banned|crackdown|forcibly|attack(?:ed|ing)?|assault(?:ed|ing)?|beat(?:en)?|baton[- ]charg\w*)\b", re.I)
FORCE_CUES = re.compile(
    r"\b(live (?:ammunition|fire|rounds|bullets)|shot dead|opened fire|open fire|killed|killing|"
    r"gunned down|fired (?:on|at|into)|violently|excessive force|brutally|die(?!-in)|dies|died|dead|deadly)\b", re.I)
VIOLENT_CUES = re.compile(
    r"\b(riot(?:s|ing|ers)?|(?<!non-)violent|(?<!non-)violence|clash(?:ed|es)? with (?:police|security)|threw|throwing|"
    r"hurled|stones|rocks|petrol bombs?|molotov|torched|set fire|set ablaze|vandali[sz]ed|vandalism|"
    r"looted|smashed|burn(?:ed|t|ing) (?:tyres|tires|cars|vehicles|buildings)|attacked police|"
    r"turned violent|erupted|aggressive|bottles|hurling|scuffle[sd]?|scuffling|clash\w* with (?:\w+ ){0,2}(?:protesters|demonstrators|officers)|"
    r"clashes (?:that )?broke out|clashes erupted)\b", re.I)
#: Police and protesters clashing is a Violent demonstration (ACLED Codebook, Riots): the crowd fought.
CROWD_CLASH = re.compile(r"\bclash\w*\b[^.;]{0,40}?\bwith\b[^.;]{0,40}?\b(?:protesters|protestors|demonstrators|"
                         r"crowds?|police|riot police|security forces|officers)\b", re.I)
LABOUR_CUES = re.compile(r"\b(workers?|unions?|employees|staff|teachers|doctors|nurses|drivers|miners|"
                         r"general strike|hunger strike|on strike|strikers|wages?|pay|pensions?|walkout)\b", re.I)
AIR_CUES = re.compile(r"\b(air|aerial|warplanes?|jets?|aircraft|helicopters?|choppers?|gunships?|planes?|drones?|barrel)\b",
                      re.I)
#: Verbs of detaining: a raid made to detain people is an arrest (ACLED Codebook, Arrests).
DETAIN_LEMMAS = {"arrest", "detain", "apprehend", "nab", "round"}
GROUND_FIRE_CUES = re.compile(r"\b(artillery|shell(?:s|ing|ed)?|mortars?|rockets?|missiles?|tank)\b", re.I)
SUICIDE_CUES = re.compile(r"\bsuicide|blew (?:himself|herself|themselves) up\b", re.I)
PLANTED_CUES = re.compile(r"\b(car bomb|roadside|planted|ied|improvised|explosive device|landmine|"
                          r"mine|booby|magnetic|sticky|parcel|motorcycle bomb)\b", re.I)
#: A place named only by reference: to the report's main city, or to the last place named.
#: Head words of a state's own forces, for when no actor was coded (snippets, unknown countries).
STATE_WORDS = {"government", "regime", "army", "military", "troops", "soldier", "pro-government", "loyalist",
               "police", "gendarmerie", "state", "national", "federal", "armed"}
FOUND_VERBS = {"find", "discover", "uncover", "recover", "seize", "confiscate", "destroy", "defuse", "dismantle",
               "intercept", "clear", "neutralize", "neutralise", "locate", "detect", "disarm", "capture", "store"}
NOT_TERRITORY = {"footage", "image", "images", "video", "videos", "photo", "photos", "attention", "moment",
                 "title", "award", "seat", "seats", "vote", "votes", "share", "imagination", "headlines", "record"}
PERSON_WORDS = {"diplomat", "diplomats", "ambassador", "ambassadors", "envoy", "envoys", "staff", "journalists"}
PLACE_WORDS = {"town", "city", "village", "villages", "area", "areas", "position", "positions", "base", "hill",
               "district", "neighbourhood", "neighborhood", "road", "airport", "checkpoint", "territory"}
#: Grenades made to disperse a crowd, not to kill (ACLED Codebook: their use at a protest is an
#: intervention; the Grenade sub-event type is an explosive thrown as an attack).
CROWD_CONTROL_WORDS = lexicon.words("crowd_control_words")
#: Trigger nouns naming people, not acts: "to disperse the protesters" does not plan the protest.
PARTICIPANTS = {"protester", "protestor", "demonstrator", "rioter", "marcher", "refugee", "looter", "defector"}
GROUP_WORDS = {"group", "unit", "brigade", "battalion", "division", "entity", "organisation", "organization",
               "militia", "faction", "force", "council", "alliance", "coalition", "front", "regiment", "wing"}
PLOT_WORDS = {"attack", "plot", "bombing", "attempt", "weapon", "missile", "drone", "rocket", "bomb", "explosive",
              "ammunition", "mine", "grenade", "shell", "device"}
CRIME_CUES = re.compile(
    r"\b(steal(?:ing)?|stole|stolen|theft|thie(?:f|ves)|burglar(?:y|ies|s)?|robber(?:y|ies|s)?|shoplift\w*|"
    r"fraud\w*|drugs?|narcotics?|cocaine|heroin|methamphetamine|hashish|cannabis|marijuana|drunk|dui|"
    r"speeding|credit card|embezzl\w*|brib\w*|counterfeit\w*|poach\w*|vandalising cars|carjack\w*)\b", re.I)
VIOLENT_CLASSES = {"TAKE", "CLASH", "KILL", "AIR", "BOMB", "SHELL", "IED", "CHEM", "EXECUTE", "GRENADE", "DESTROY"}
AGREEMENT_WORDS = {"pact", "treaty", "agreement", "deal", "accord", "talks", "negotiations", "ceasefire"}
#: Premises whose storming is an attack on the people inside, not a territorial change.
PREMISES = lexicon.words("premises_words")
BASE_WORDS = {"base", "post", "point", "outpost", "headquarters", "checkpoint", "barracks", "position",
              "garrison", "airbase", "station", "camp"}
PRISONER_WORDS = {"prisoner", "prisoners", "hostage", "hostages", "detainee", "detainees", "captive",
                  "captives", "abductee", "abductees"}
def nation_of(head: Token) -> str | None:
    """The country a trigger noun's nationality modifier names ("Israeli strikes", "Russian jets",
    "Turkish drones"), or None: a state's forces strike under its flag."""
    from kharita.actors import load_default

    dictionary = load_default()
    for child in head.children:
        if child.dep_ in ("amod", "compound", "nmod", "poss") and child.text[:1].isupper():
            code = dictionary.country_of_word(child.lower_) or dictionary.country_of_initials(child.text)
            if code:
                return code
    return None


def consistent_sub(sub: S, actor1: Actor | None, actor2: Actor | None) -> S:
    """The sub-event type once the actors are known, as the codebook ties them: territory taken by
    state forces (or a militia under them) is Government regains territory and by anyone else
    Non-state actor overtakes territory; an Armed clash whose other side is civilians is an Attack.
    Run once over every event after coding, whatever rule chose the type first."""
    if sub in (S.GOVERNMENT_REGAINS_TERRITORY, S.NON_STATE_ACTOR_OVERTAKES_TERRITORY) and actor1 is not None:
        return S.GOVERNMENT_REGAINS_TERRITORY if is_state(actor1) else S.NON_STATE_ACTOR_OVERTAKES_TERRITORY
    if sub is S.ARMED_CLASH and actor2 is not None and actor2.actor_type is ActorType.CIVILIANS \
            and actor1 is not None and actor1.actor_type is not ActorType.CIVILIANS:
        return S.ATTACK
    return sub


def is_state(actor: Actor | None) -> bool:
    if actor is None:
        return False
    if actor.actor_type is ActorType.STATE_FORCES:
        return True
    # a foreign state's forces are state forces too ("Chadian troops recaptured the town")
    return any(name.startswith(("Military Forces of", "Police Forces of")) for name in (actor.name, actor.parent or ""))


def roles(hit: A.Hit, actors: list[ActorMention], offset: int) -> tuple[ActorMention | None, ActorMention | None,
                                                                          Token | None]:
    """(actor1, actor2, patient token) of a trigger from the parse."""
    head = hit.head
    actor1 = actor2 = None
    patient: Token | None = None
    if head.pos_ in ("VERB", "AUX") and head.lemma_.lower() in A.DYING:
        subj, _passive = A.subject_of(head)           # "one of the women died": the dead, nobody's act
        return None, A.actor_of(subj, actors, offset) if subj is not None else None, subj
    if head.pos_ in ("VERB", "AUX") or hit.klass in ("TRANSFER",) and head.pos_ != "NOUN":
        subj, passive = A.subject_of(head)
        if not passive and subj is not None and A.headline_passive(head):
            passive = True                    # "SDF fighter shot dead in Hasakah": a headline's passive
        agent = A.agent_of(head) or _shared_agent(head)
        if not passive and A.agent_of(head) is not None and head.tag_ == "VBN":
            passive = True                    # "after being shot by unknown gunmen": the agent acted
            subj = None
        elif not passive and agent is not None:
            passive = True                    # "seven members killed and injured by IS cells": one agent for both
        if passive:
            actor1 = A.actor_of(agent, actors, offset) if agent is not None else None
            patient = subj
            actor2 = A.actor_of(subj, actors, offset) if subj is not None else None
        else:
            for cand in reversed(A.subjects_of(head)):     # the closest: "ERBIL, ... forces recaptured"
                actor1 = A.actor_of(cand, actors, offset)
                if actor1 is not None:
                    break
                if cand.lower_ in ("it", "they", "we") or any(
                        c.dep_ == "poss" and c.lower_ in ("its", "their", "his", "her") for c in cand.subtree):
                    actor1 = _sayer(head, actors, offset)        # "The YPG said its fighters took ...", "said it took"
                    if actor1 is not None:
                        break
            if head.dep_ == "conj" and _comma_before(head):
                between = [a for a in actors if head.head.idx + offset < a.start < head.idx + offset]
                between = [a for a in between if _root_dep(head.doc, a, offset) not in ("pobj", "poss")]
                if between:
                    actor1 = between[-1]
            if hit.klass in ("TAKE", "SEIZE", "TRANSFER", "ENTER"):
                objs = A.prep_objects(head, ("from",))
                patient = next((c for c in head.children if c.dep_ == "dobj"), None)
                loser = A.actor_of(patient, actors, offset) if patient is not None else None
                if loser is not None and loser.actor.actor_type is not ActorType.CIVILIANS:
                    objs = [patient, *objs]           # "expelled IS from the town": IS lost it
            else:
                objs = A.objects_of(head, ("against", "on", "at", "with", "targeting", "from", "upon"))
            targets: list[Token] = []
            for obj in objs:                  # "opened fire on a bus": the bus, not the fire
                if obj.lemma_.lower() in ("fire", "attack", "strike", "assault", "raid"):
                    targets.extend(A.prep_objects(obj, ("on", "at", "against", "upon", "into")))
                else:
                    targets.append(obj)
            objs = targets or objs
            if objs:
                patient = patient or objs[0]
                for obj in objs:
                    found = A.actor_of(obj, actors, offset)
                    if found is not None and (actor1 is None or found.actor.name != actor1.actor.name):
                        actor2 = found
                        break
        if actor1 is None and hit.klass == "AGREE":     # "prisoners were swapped between X and Y"
            actor1, actor2 = _between(A.prep_objects(head, ("between",)), actors, offset) or (actor1, actor2)
        if actor1 is None:                    # "IS executed three soldiers": the acronym read as the auxiliary "is"
            for aux in (c for c in head.children if c.dep_ in ("aux", "auxpass") and c.text.isupper() and len(c) > 1):
                actor1 = A.actor_of(aux, actors, offset)
                if actor1 is not None:
                    patient = patient or next((c for c in head.children if c.dep_ == "dobj"), None)
                    break
        if actor1 is None and head.tag_ == "VBG":         # "in shelling by regime forces", "in regime shelling"
            by = A.prep_objects(head, ("by",))
            actor1 = A.actor_of(by[0], actors, offset) if by else None
            if actor1 is None and head.dep_ == "acl" and head.head.i == head.i - 1:
                actor1 = A.actor_of(head.head, actors, offset)   # "regime shelling" parsed as a clause
            for child in head.children if actor1 is None else ():
                if child.dep_ in ("nsubj", "compound", "amod", "poss", "npadvmod") and child.i < head.i:
                    actor1 = A.actor_of(child, actors, offset)
                    if actor1 is not None:
                        break
        if actor2 is None:
            for xcomp in head.children:
                if xcomp.dep_ in ("xcomp", "conj") and xcomp.pos_ == "VERB":
                    for obj in A.objects_of(xcomp, ("with",)):
                        found = A.actor_of(obj, actors, offset)
                        if found is not None and (actor1 is None or found.actor.name != actor1.actor.name):
                            actor2 = found
    else:
        between = A.prep_objects(head, ("between",))
        if not between and head.dep_ == "nsubj" and head.head.pos_ == "VERB":
            between = A.prep_objects(head.head, ("between",))      # "Clashes broke out between X and Y"
        if not between and hit.klass == "AGREE":      # "a ceasefire in the conflict between X and Y": its parties
            between = [t for o in A.prep_objects(head, ("in", "to", "of")) for t in A.prep_objects(o, ("between",))]
        if between:
            actor1, actor2 = _between(between, actors, offset) or (None, None)
        by = A.prep_objects(head, ("by", "from"))
        by += [agent for c in head.children if c.dep_ == "acl" and c.tag_ == "VBN"   # "an air raid carried
               for agent in (A.agent_of(c),) if agent is not None]                 # out by the air force"
        if not by and head.dep_ == "pobj" and head.head.dep_ == "prep" and head.head.lower_ in ("in", "during"):
            by = A.prep_objects(head.head.head, ("by",))   # "wounds sustained in gunfire by rebels"
        if actor1 is None and by:
            actor1 = A.actor_of(by[0], actors, offset)
        if actor1 is None:
            for child in head.children:
                if child.dep_ in ("poss", "compound", "amod", "nmod"):
                    actor1 = A.actor_of(child, actors, offset)
                    if actor1 is not None:
                        break
        if actor1 is None and any(c.dep_ == "poss" and c.lower_ in ("its", "their") for c in head.children):
            actor1 = _sayer(head, actors, offset)          # "the group said one of its suicide bombers"
        if actor1 is None:
            gov = head.head
            if head.dep_ == "pobj" and gov.dep_ == "prep":
                gov = gov.head
            if gov.pos_ in ("VERB", "AUX") and head.dep_ in ("dobj", "pobj", "nsubjpass", "attr") \
                    and gov.lemma_.lower() not in A.REPORTING_VERBS | OUTSIDER_VERBS:   # "SOHR documented the
                #                                  death of": the monitor; "police investigate the killing": no killer
                subj, passive = A.subject_of(gov)
                if subj is not None and subj.i != head.i and not passive:
                    if gov.lemma_.lower() in A.DYING and hit.klass != "CLASH":   # "militants died in air
                        #            raids": the struck, not the striker (but in a clash the dead are a side)
                        patient, actor2 = subj, A.actor_of(subj, actors, offset)
                    else:
                        actor1 = A.actor_of(subj, actors, offset)
            elif head.dep_ == "nsubj" and gov.pos_ == "VERB":
                for obj in A.objects_of(gov):
                    patient = obj
                    actor2 = A.actor_of(obj, actors, offset)
                    break
        targets = A.prep_objects(head, ("against", "on", "targeting", "with", "at"))
        if targets:
            patient = targets[0]
            found = A.actor_of(targets[0], actors, offset)
            if found is not None and (actor1 is None or found.actor.name != actor1.actor.name):
                actor2 = found
    return actor1, actor2, patient


def _between(between: list[Token], actors: list[ActorMention], offset: int
             ) -> tuple[ActorMention | None, ActorMention | None] | None:
    """The two parties of "between X and Y" (the first, and the next one that is another actor)."""
    if not between:
        return None
    first = A.actor_of(between[0], actors, offset)
    for tok in between[1:]:
        found = A.actor_of(tok, actors, offset)
        if found is not None and (first is None or found.actor.name != first.actor.name):
            return first, found
    return first, None


def _shared_agent(verb: Token) -> Token | None:
    """The "by" agent of a participle coordinated with an object-less verb ("seven members killed
    and injured by IS cells"): both verbs are passive and share it."""
    if verb.tag_ not in ("VBD", "VBN") or any(c.dep_ == "dobj" for c in verb.children):
        return None
    for conj in verb.children:
        if conj.dep_ == "conj" and conj.tag_ == "VBN" and not any(c.dep_.startswith("nsubj") for c in conj.children):
            agent = A.agent_of(conj)
            if agent is not None:
                return agent
    return None


def _sayer(head: Token, actors: list[ActorMention], offset: int) -> ActorMention | None:
    """The actor whose statement a trigger is reported in."""
    for subj in _speakers(head):
        found = A.actor_of(subj, actors, offset)
        if found is not None:
            return found
    return None


def _speaker(head: Token) -> Token | None:
    """The subject of the statement a trigger is reported in ("the army said it ..."), or None."""
    return next(iter(_speakers(head)), None)


def _speakers(head: Token) -> list[Token]:
    cur = head
    for _ in range(4):
        if cur.head.i == cur.i:
            return []
        cur = cur.head
        if cur.lemma_.lower() in A.SAY_VERBS:
            return A.subjects_of(cur)
    return []


def _comma_before(tok: Token) -> bool:
    return tok.i > 0 and tok.doc[tok.i - 1].text == ","


def _root_dep(doc, mention: ActorMention, offset: int) -> str:
    span = doc.char_span(mention.start - offset, mention.end - offset, alignment_mode="expand")
    return span.root.dep_ if span is not None else ""


def _choose(hit: A.Hit, sent: Span, sent_klasses: set[str], actor1: ActorMention | None,
            actor2: ActorMention | None, patient: Token | None) -> S | None:
    """The ACLED sub-event type of a trigger given its arguments; None when it is no event."""
    k = hit.klass
    text = sent.text
    a1 = actor1.actor if actor1 else None
    if k in VIOLENT_CLASSES and NEVER_CONFLICT.search(text):
        return None
    if k == "BODY":
        return S.ATTACK if _body_of_a_killing(hit, sent, sent_klasses) else None
    patient_words = {t.lower_ for p in ([patient, *patient.conjuncts] if patient is not None else [])
                     for t in A.np_tokens(p)}        # "seized three rifles and two grenades": both
    if k in ("TAKE", "SEIZE", "DISRUPT") and patient_words & A.WEAPON_WORDS:
        return S.DISRUPTED_WEAPONS_USE
    if k in ("SHELL", "IED", "GRENADE", "BOMB", "AIR", "CHEM"):
        gov = A.governor(hit.head)
        if gov is not None and gov.lemma_.lower() in FOUND_VERBS:
            return S.DISRUPTED_WEAPONS_USE
    if k == "TAKE" and hit.head.lemma_.lower() == "storm" and (
            A.victim_kind(patient, None) == "civilian" or patient is not None and patient.lower_ in PREMISES):
        return S.ATTACK                       # "gunmen stormed the university", "... stormed a bar"
    if k == "TAKE" and (patient_words & NOT_TERRITORY or hit.head.lemma_.lower() == "expel"
                        and patient_words & (A.CIVILIAN_WORDS | PERSON_WORDS)):
        return None
    if k in ("TAKE", "SEIZE") and hit.head.lemma_.lower() in ("capture", "seize") and patient is not None \
            and A.victim_kind(patient, None) in ("civilian", "armed") and not patient_words & PLACE_WORDS:
        return S.ARRESTS if is_state(a1) else S.ABDUCTION
    if k == "AGREE" and hit.head.lemma_.lower() == "surrender" and patient_words & PLACE_WORDS:
        return S.NON_VIOLENT_TRANSFER         # "surrendered the town": a handover, not a deal
    if k == "TRANSFER" and any(t.lower_ in AGREEMENT_WORDS for o in A.prep_objects(hit.head, ("from",))
                               for t in A.np_tokens(o)):
        return None
    if k == "ARREST" and CRIME_CUES.search(text):
        return None                           # ordinary crime: not a political or conflict event
    if k == "ESTABLISH":
        heads = {t.lemma_.lower() for t in (A.np_tokens(patient) if patient is not None else [])}
        if heads & BASE_WORDS:
            return S.HEADQUARTERS_ESTABLISHED
        return S.CHANGE_TO_GROUP if heads & GROUP_WORDS else None       # "a new brigade was formed"
    if k == "DISRUPT" and hit.head.lemma_.lower() not in ("defuse", "dismantle", "disarm") and not (
            {t.lemma_.lower() for t in sent} & (A.WEAPON_WORDS | PLOT_WORDS)):
        return None                           # "smugglers were intercepted": no weapon, no plot
    if k in ("TAKE", "SEIZE"):
        if k == "SEIZE" and patient is not None:
            words = {t.lower_ for t in A.np_tokens(patient)}
            if words & A.WEAPON_WORDS:
                return S.DISRUPTED_WEAPONS_USE
            if A.victim_kind(patient, A.actor_of(patient, [], 0)) in ("civilian", "armed") \
                    and not words & {"town", "city", "village", "area", "position", "positions", "base", "hill"}:
                return S.ARRESTS
        if NONVIOLENT_CUES.search(text) and not (sent_klasses & FIGHT_CLASSES):
            return S.NON_VIOLENT_TRANSFER
        if a1 is None:
            subj, _passive = A.subject_of(hit.head)
            if subj is not None and subj.lower_ in ("it", "they", "we"):
                subj = _speaker(hit.head)                # "the army said it took the town"
            if subj is not None and {t.lemma_.lower() for t in A.np_tokens(subj)} & STATE_WORDS:
                return S.GOVERNMENT_REGAINS_TERRITORY
        return S.GOVERNMENT_REGAINS_TERRITORY if is_state(a1) else S.NON_STATE_ACTOR_OVERTAKES_TERRITORY
    if k == "TRANSFER":
        return S.NON_VIOLENT_TRANSFER
    if k == "ENTER":                          # "entered X without a fight"; a plain "entered" is no capture
        return S.NON_VIOLENT_TRANSFER if NONVIOLENT_CUES.search(text) and "CLASH" not in sent_klasses else None
    if k == "CLASH" and hit.head.lemma_.lower() == "engage" and any(
            c.dep_ == "prep" and c.lower_ == "in" for c in hit.head.children) and not any(
            c.dep_ == "prep" and c.lower_ == "with" for c in hit.head.children):
        return None                           # "a gang engaged in stealing cars": an occupation, no fight
    if k in ("CLASH", "KILL"):
        kind = A.victim_kind(patient, actor2)
        if actor1 is None and (NOT_CONFLICT.search(text) or _accused(hit.head)):
            return None
        if k == "CLASH" and hit.head.lemma_.lower() == "raid":
            told = _raid_detail(hit.head)
            if AIR_CUES.search(" ".join(t.text for t in told)):
                return S.AIR_DRONE_STRIKE         # "raids by army helicopters": aircraft struck
            if any(t.lemma_.lower() in DETAIN_LEMMAS for t in told) and not _tells_deaths(sent):
                return S.ARRESTS                  # "raids to detain activists" (a deadly raid is the fight)
        if k == "CLASH" and hit.head.lemma_.lower() in ("attack", "assault", "raid", "ambush", "open", "fire",
                                                        "shoot"):
            if kind == "civilian" or kind == "" and _civilians_hit(sent):
                return S.ATTACK
        if k == "CLASH":
            return S.ARMED_CLASH
        if kind == "armed" or (actor2 is not None and actor2.actor.actor_type is not ActorType.CIVILIANS):
            return S.ARMED_CLASH
        if kind == "" and patient is not None and patient.tag_ == "NNP" and patient.ent_type_ not in NOT_PERSON_LABELS \
                and A.kills_a_person(hit):
            return S.ATTACK                   # "gunmen shot dead Zacarias": a person not said to be armed
        if kind == "" and (_armed_hit(sent) or "CLASH" in sent_klasses):
            return S.ARMED_CLASH              # "23 killed as fighting rages"
        return S.ATTACK
    if k == "EXECUTE":
        return S.ATTACK
    if k in ("AIR",):
        return S.AIR_DRONE_STRIKE
    if k == "BOMB":
        if SUICIDE_CUES.search(text):
            return S.SUICIDE_BOMB
        if actor1 is None and (NOT_CONFLICT.search(text) or _accused(hit.head)):
            return None
        if PLANTED_CUES.search(text):
            return S.REMOTE_EXPLOSIVE
        if AIR_CUES.search(text) or (hit.head.lower_.startswith("bomb") and is_state(a1)):
            return S.AIR_DRONE_STRIKE
        if GROUND_FIRE_CUES.search(text) or hit.head.lower_.startswith("bombard"):
            return S.SHELLING
        return S.REMOTE_EXPLOSIVE
    if k == "SHELL":
        if re.search(r"\bdrones?\b|\bwarplanes?\b|\bjets?\b|\bair\b", text, re.I):
            return S.AIR_DRONE_STRIKE
        return S.SHELLING
    if k == "IED":
        if SUICIDE_CUES.search(text):
            return S.SUICIDE_BOMB
        if "DISRUPT" in sent_klasses:
            return S.DISRUPTED_WEAPONS_USE
        return S.REMOTE_EXPLOSIVE
    if k == "DISRUPT":
        gov = A.governor(hit.head) if hit.head.pos_ == "NOUN" and hit.head.lemma_.lower() in A.WEAPON_WORDS else None
        if gov is not None and gov.lemma_.lower() not in FOUND_VERBS | DETAIN_LEMMAS:
            return None                       # "deployed tanks and ammunition": weapons moved, none seized
        return S.DISRUPTED_WEAPONS_USE
    if k == "GRENADE" and {t.lower_ for t in (*hit.span, *hit.head.children)} & CROWD_CONTROL_WORDS:
        return None                           # "police used smoke grenades to disperse crowds": no explosive attack
    if k in ("SUICIDE", "GRENADE", "CHEM", "SEXUAL", "ABDUCT", "ARREST", "AGREE", "CHANGE", "BASE",
             "LOOT", "MOB"):
        if k == "AGREE" and _broken(hit.head):
            return None                       # "ceasefire violations", "broke the truce": fighting, no new deal
        if k == "AGREE" and hit.head.lemma_.lower() == "release":
            if not (patient is not None and {t.lower_ for t in A.np_tokens(patient)} & PRISONER_WORDS):
                return None
        return {
            "SUICIDE": S.SUICIDE_BOMB, "GRENADE": S.GRENADE, "CHEM": S.CHEMICAL_WEAPON,
            "SEXUAL": S.SEXUAL_VIOLENCE, "ABDUCT": S.ABDUCTION, "ARREST": S.ARRESTS, "AGREE": S.AGREEMENT,
            "CHANGE": S.CHANGE_TO_GROUP, "BASE": S.HEADQUARTERS_ESTABLISHED, "LOOT": S.LOOTING,
            "MOB": S.MOB_VIOLENCE,
        }[k]
    if k == "DESTROY":
        if patient is not None and {t.lower_ for t in A.np_tokens(patient)} & A.PROPERTY_WORDS:
            return S.LOOTING
        return None
    if k in ("PROTEST", "RIOT"):
        if hit.head.lemma_.lower() == "strike" and not LABOUR_CUES.search(text):
            return S.AIR_DRONE_STRIKE if AIR_CUES.search(text) or nation_of(hit.head) else None
        if k == "PROTEST" and _of_fighters(hit.head, actor1):
            return None                       # "airstrikes targeted a Taliban rally": fighters gathered, no protest
        told = _without_grievances(sent, hit.head)
        if k == "RIOT" or VIOLENT_CUES.search(told) or CROWD_CLASH.search(told):
            if re.search(r"\bmob\b|lynch", told, re.I):
                return S.MOB_VIOLENCE
            return S.VIOLENT_DEMONSTRATION
        if FORCE_CUES.search(told):
            return S.EXCESSIVE_FORCE
        if INTERVENTION_CUES.search(told):
            return S.PROTEST_WITH_INTERVENTION
        return S.PEACEFUL_PROTEST
    if k == "DISPLACE":
        if actor1 is not None and actor1.actor.actor_type is not ActorType.CIVILIANS:
            return None
        if _names_a_shelter(hit.head):
            return None                       # "the Internally Displaced Persons Camp": a place, no flight
        return S.DISPLACEMENT
    return None


#: Words for breaking an agreement: an agreement named with them is no Agreement event (ACLED
#: Codebook, Strategic developments: an Agreement is a deal made, and its violations are coded as
#: the fighting they are).
BREACH_WORDS = lexicon.words("breach_words")


def _broken(head: Token) -> bool:
    """"Ceasefire violations", "a breach of the truce", "violated the ceasefire", "the truce collapsed"."""
    if head.dep_ == "compound" and head.head.lemma_.lower() in BREACH_WORDS:
        return True
    gov = head.head.head if head.dep_ == "pobj" and head.head.lower_ == "of" else head.head
    return head.dep_ in ("dobj", "pobj", "nsubj") and (gov.lower_ in BREACH_WORDS or gov.lemma_.lower() in BREACH_WORDS)


def _of_fighters(head: Token, actor1: ActorMention | None) -> bool:
    """A gathering noun held by a rebel group or by fighters ("a Taliban rally", "a gathering of
    insurgents"): ACLED's protests are by unarmed people, so this is no protest."""
    if head.pos_ != "NOUN":
        return False
    mods = [c for c in head.children if c.dep_ in ("compound", "amod", "poss")]
    mods += [g for c in head.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children if g.dep_ == "pobj"]
    if any(t.lemma_.lower() in A.ARMED_WORDS or t.lower_ in A.ARMED_WORDS for t in mods):
        return True
    return actor1 is not None and actor1.actor.actor_type is ActorType.REBEL_GROUP and any(
        t.text in actor1.text.split() for t in mods)


SHELTER_WORDS = {"camp", "camps", "centre", "center", "centres", "centers", "shelter", "shelters", "settlement",
                 "settlements", "site", "sites", "school", "schools"}


def _names_a_shelter(head: Token) -> bool:
    """Whether a displacement word only modifies the name of where the displaced live ("an IDP
    camp", "the displaced persons' camp in Dikwa"): the camp is a place, not an event of flight."""
    cur = head
    for _ in range(3):
        if cur.dep_ not in ("compound", "amod", "nmod", "poss") or cur.head.i == cur.i:
            return False
        cur = cur.head
        if cur.lower_ in SHELTER_WORDS:
            return True
    return False


GRIEVANCE_VERBS = lexicon.words("grievance_verbs")
GRIEVANCE_HEADS = lexicon.words("grievance_heads")


def _without_grievances(sent: Span, protest: Token) -> str:
    """The sentence with what its protest is about blanked out: the object of "to decry", "to
    protest", the "against"/"over" phrase of a rally. Arrests or violence named there happened
    elsewhere; only what is left tells what was done at this protest. A phrase that holds the
    protest itself describes it ("condemned the incident where police beat protesters") and stays."""
    blank: set[int] = set()
    for tok in sent:
        lemma = tok.lemma_.lower()
        if tok.dep_ == "dobj" and tok.head.lemma_.lower() in GRIEVANCE_VERBS or (
                tok.dep_ == "prep" and lemma in ("against", "over") and tok.head.lemma_.lower() in GRIEVANCE_HEADS):
            if not tok.left_edge.i <= protest.i <= tok.right_edge.i:
                blank.update(t.i for t in tok.subtree)
    if not blank:
        return sent.text
    return "".join(" " * len(t.text_with_ws) if t.i in blank else t.text_with_ws for t in sent)


def _tells_deaths(sent: Span) -> bool:
    return any(t.lemma_.lower() in A.DEATH_WORDS or t.lower_ in A.DEATH_WORDS for t in sent)


def _raid_detail(head: Token) -> list[Token]:
    """What a raid noun or verb says of itself: its phrase, who made it ("by army helicopters") and
    what it was for ("to detain ..."), not the rest of the sentence."""
    out = list(A.np_tokens(head)) if head.pos_ != "VERB" else [head]
    owners = [head]
    if head.dep_ == "dobj" or head.dep_ == "pobj" and head.head.dep_ == "prep":
        owners.append(head.head if head.dep_ == "dobj" else head.head.head)   # "carried out raids to ..."
    for owner in owners:
        for child in owner.children:
            if child.dep_ in ("prep", "agent") and child.lower_ == "by" or child.dep_ in ("acl", "advcl", "xcomp",
                                                                                         "relcl"):
                out.extend(child.subtree)
            elif child.dep_ == "nsubj" and owner.i != head.i:
                out.extend(A.np_tokens(child))   # "helicopters carried out raids"
    return out


def _civilians_hit(sent: Span) -> bool:
    """The victims named in the sentence are civilians and no fighters are named among them."""
    lemmas = {t.lemma_.lower() for t in sent}
    return bool(lemmas & A.CIVILIAN_WORDS) and not lemmas & (A.ARMED_WORDS - {"member", "gang"})


def _armed_hit(sent: Span) -> bool:
    """Fighters are named in the sentence and civilians are not."""
    lemmas = {t.lemma_.lower() for t in sent}
    return bool(lemmas & (A.ARMED_WORDS - {"member", "gang"})) and not lemmas & A.CIVILIAN_WORDS


def classify_sentence(sent: Span, hits: list[A.Hit], actors: list[ActorMention] | None = None,
                      offset: int = 0, clashes: bool = True) -> list[tuple[S, A.Hit]]:
    """Sub-event types of a sentence's triggers, without needing actors or places (for `classify`)."""
    actors = actors or []
    klasses = {h.klass for h in hits}
    out: list[tuple[S, A.Hit]] = []
    for hit in hits:
        if hit.head.lemma_.lower() not in PARTICIPANTS and A.is_negated(hit.head) or _inside_a_name(hit):
            continue
        actor1, actor2, patient = roles(hit, actors, offset)
        sub = _choose(hit, sent, klasses, actor1, actor2, patient)
        if sub is S.ARRESTS and any(_at_the_protest(hit.head, h.head) for h in hits if h.klass == "PROTEST"):
            sub = S.PROTEST_WITH_INTERVENTION
        if sub is not None:
            out.append((sub, hit))
    return _subsume_types(out, clashes)


#: Named-entity labels of names that are no person.
NOT_PERSON_LABELS = {"GPE", "LOC", "FAC", "ORG", "NORP", "PRODUCT"}
#: Named-entity labels of names a trigger word can be part of without telling an event.
NAME_LABELS = {"ORG", "FAC", "LAW", "WORK_OF_ART", "PRODUCT"}


def _inside_a_name(hit: A.Hit) -> bool:
    """A capitalised trigger that is one word of a longer name ("the Government of National
    Accord", "the Rally for Democracy", "the Displaced Persons Camp"): a name, not an event."""
    span = hit.span
    if not span.text[:1].isupper():
        return False
    ents = [e for e in span.doc.ents if e.start <= span.start and span.end <= e.end and e.label_ in NAME_LABELS]
    if any(len(e) > len(span) for e in ents):
        return True
    i = span.start - 1                        # "Government of National Accord": capitalised words, "of", a name
    while i > span.sent.start and span.doc[i].text[:1].isupper() and not span.doc[i].is_sent_start:
        i -= 1
    return i > span.sent.start and span.doc[i].lower_ in ("of", "for") \
        and span.doc[i - 1].text[:1].isupper() and span.doc[i - 1].pos_ in ("PROPN", "NOUN")


#: Nouns a protest may hang from under an arrest and still be the protest the arrest broke up.
ATTEMPT_NOUNS = {"attempt", "bid", "effort", "protest", "rally", "demonstration", "march", "gathering"}


def _at_the_protest(arrest: Token, protest: Token) -> bool:
    """Whether an arrest was made at a protest (held or only attempted): "detained while trying to
    hold a demonstration", "arrested during an attempt to protest". ACLED codes the arrest of
    protesters as the protest's intervention (Codebook, Protest with intervention); an arrest "on
    charges of organising a protest" was made elsewhere, so a noun other than an attempt between
    the two breaks the link."""
    if protest.i == arrest.i or not arrest.left_edge.i <= protest.i <= arrest.right_edge.i:
        return False
    cur = protest.head
    for _ in range(12):
        if cur.i == arrest.i:
            return True
        if cur.head.i == cur.i:
            return False
        if cur.pos_ in ("NOUN", "PROPN") and cur.lemma_.lower() not in ATTEMPT_NOUNS:
            return False
        if cur.dep_ == "prep" and cur.lower_ in ("for", "on", "over", "after", "of"):
            return False
        cur = cur.head
    return False


VIOLENT_DEATH = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in sorted(
    lexicon.words("violent_death_signs"), key=len, reverse=True)) + r")\b", re.I)
BODY_FOUND_VERBS = lexicon.words("body_found_verbs")


def _body_of_a_killing(hit: A.Hit, sent: Span, sent_klasses: set[str]) -> bool:
    """"The body of a man with gunshot wounds was found": a body found or dumped that bears signs of
    a violent death, in a sentence that tells no other violence (that event would be the one)."""
    if sent_klasses & (VIOLENT_CLASSES - {"KILL"}) or not VIOLENT_DEATH.search(sent.text):
        return False
    if hit.head.lemma_.lower() in BODY_FOUND_VERBS:       # "was found dead"
        return True
    gov = A.governor(hit.head)
    verb = gov if gov is not None else hit.head.head
    return verb.lemma_.lower() in BODY_FOUND_VERBS


ACCUSATION_WORDS = lexicon.words("accusation_words")


def _accused(head: Token) -> bool:
    """Whether the trigger is what someone is accused of or denies ("accused Iran of bombing the
    capital", "denied it was responsible for the attack"): a claim about who did it, with no
    perpetrator the report itself gives, is not the report of an event."""
    cur = head
    for _ in range(6):
        if cur.head.i == cur.i:
            return False
        cur = cur.head
        if cur.lemma_.lower() in ACCUSATION_WORDS:
            return True
    return False


WEAPON_TYPES = {S.AIR_DRONE_STRIKE, S.SHELLING, S.REMOTE_EXPLOSIVE, S.SUICIDE_BOMB, S.GRENADE,
             S.CHEMICAL_WEAPON}
PROTEST_TYPES = {S.PEACEFUL_PROTEST, S.PROTEST_WITH_INTERVENTION, S.EXCESSIVE_FORCE, S.VIOLENT_DEMONSTRATION}


def _subsume_types(found: list[tuple[S, A.Hit]], clashes: bool = True) -> list[tuple[S, A.Hit]]:
    """Drop the general readings a more specific trigger in the same sentence explains: a killing
    by an air strike is the air strike; arrests at a protest are the protest's intervention."""
    subs = {s for s, _ in found}
    out = []
    for sub, hit in found:
        if S.CHEMICAL_WEAPON in subs and sub in (WEAPON_TYPES - {S.CHEMICAL_WEAPON}) | {S.ARMED_CLASH, S.ATTACK}:
            continue
        if hit.klass in ("KILL", "BOMB", *(("CLASH",) if clashes else ())) and subs & WEAPON_TYPES \
                and sub not in WEAPON_TYPES:
            continue
        if hit.klass == "BOMB" and sub is S.REMOTE_EXPLOSIVE and subs & (WEAPON_TYPES - {S.REMOTE_EXPLOSIVE}):
            continue
        if hit.klass in ("KILL", "CLASH", "ARREST", "DESTROY", "LOOT") and subs & PROTEST_TYPES and sub not in PROTEST_TYPES:
            continue
        if hit.klass == "ARREST" and hit.head.lemma_.lower() == "crackdown" and subs - {S.ARRESTS}:
            continue                          # "in a crackdown on militants, troops recaptured ...": the operation
        if hit.klass == "CLASH" and hit.head.lemma_.lower() == "raid" and sub is S.ARMED_CLASH and S.ARRESTS in subs \
                and not _tells_deaths(hit.span.sent):
            continue                          # "detained 20 people in overnight raids": the raids are the arrests
        if hit.klass == "KILL" and hit.head.dep_ in ("advcl", "xcomp", "conj") and any(
                other.klass in FIGHT_CLASSES - {"KILL"} and other.span.start <= hit.head.head.i < other.span.end
                for _s, other in found):
            continue                          # "opened fire on a shopkeeper, killing him": the attack's toll
        if hit.klass in ("KILL", "CLASH") and sub is S.ATTACK and S.SEXUAL_VIOLENCE in subs:
            continue
        if hit.klass == "KILL" and subs & {S.ABDUCTION, S.MOB_VIOLENCE} and sub is S.ATTACK:
            continue
        out.append((sub, hit))
    return out
