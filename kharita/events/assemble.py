"""Trigger + arguments -> Event: the ACLED sub-event choice, one event per place, evidence spans.

`code_sentence` turns the triggers of one parsed sentence into Drafts (arguments attached, sub-event
type chosen); `assemble_events` merges a report's drafts (one event per sub-event type, actor pair,
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

from spacy.tokens import Span, Token

from kharita.events import arguments as A
from kharita.models import Actor, ActorMention, Document, Event, Evidence, Mention, Place, Source, Territory, Toponym
from kharita.nlp.dates import parse_label
from kharita.ontology import DATE_WINDOW_DAYS, ActorType, Certainty, GeoPrecision, SubEventType as S, TimePrecision

NONVIOLENT_CUES = re.compile(
    r"\b(without (?:a |any )?(?:fight|fighting|resistance|clash(?:es)?|battle|a shot(?: being)? fired)|"
    r"peacefully|unopposed|handed over|hand over|handover|were handed|after (?:the )?withdrawal|"
    r"withdrew|pulled out|left the control|left control)\b", re.I)
FIGHT_CLASSES = {"CLASH", "KILL", "AIR", "SHELL", "BOMB", "IED", "SUICIDE", "GRENADE"}
WEAPON_CLASSES = {"AIR", "SHELL", "BOMB", "IED", "SUICIDE", "GRENADE", "CHEM"}
NOT_CONFLICT = re.compile(
    r"\b(earthquake|flood(?:s|ing)?|storm|cyclone|hurricane|typhoon|landslides?|wildfires?|bushfires?|"
    r"tsunami|drought|pandemic|covid|coronavirus|virus|outbreak|epidemic|accident(?:al|ally)?|"
    r"crash(?:ed)?|derail(?:ed)?|collaps(?:e|ed)|furnace|boiler|gas cylinder|gas leak|leak|short circuit|"
    r"industrial|factory fire|fire broke out|blaze|drug(?:s)?|cocaine|heroin|methamphetamine|narcotics?|"
    r"smuggl(?:ing|ers?|ed)|traffick(?:ing|ers?)|robbery|robbers?|burglar(?:y|s)?|fraud|poach(?:ing|ers?)|"
    r"sanctions?|summit|ambassador|diplomat(?:s|ic)?|embassy|visit(?:ed)?|talks|resolution|"
    r"claimed responsibility|accus(?:ed|ation|ations)|blamed|condemn(?:ed|s)?|denied|rejected|volcano|"
    r"erupt(?:ed|ion)|tremors?|magnitude|power plant|chemical plant|gas plant|nuclear plant|fertili[sz]er|"
    r"transformer|spill|plunged|gas explosion|cooking gas|gas (?:tank|container|cylinder)|warehouse|"
    r"hate crime|thugs|bashing)\b", re.I)
#: Never a conflict event, whoever is named: disasters, accidents, leaks, sanctions, weapons tests.
NEVER_CONFLICT = re.compile(
    r"\b(earthquake|wildfires?|firefighters|bushfires?|flood(?:s|ed|ing)?|cyclone|hurricane|typhoon|landslides?|tsunami|volcano|tremors?|"
    r"gas leak(?:age)?|leakage|(?:missile|nuclear|rocket) tests?|sanctions|accident(?:al|ally)?|"
    r"chemical hazard|pandemic|covid(?:-19)?|outbreak)\b", re.I)
INTERVENTION_CUES = re.compile(
    r"\b(tear ?gas|teargas|water cannons?|dispers(?:ed|e|ing)|rubber bullets|pepper spray|baton|batons|"
    r"arrest(?:ed|s)?|detain(?:ed)?|broke up|break up|cut short|charged|clear(?:ed)? the|stun grenades?|"
    r"intervened|blocked|cordon(?:ed)?|suppress(?:ed|ing)?|pepper-spray(?:ed)?|halt(?:ed)?|drag(?:ged)?|"
    r"banned|crackdown|forcibly)\b", re.I)
FORCE_CUES = re.compile(
    r"\b(live (?:ammunition|fire|rounds|bullets)|shot dead|opened fire|open fire|killed|killing|"
    r"gunned down|fired (?:on|at|into)|violently|excessive force|brutally|died|dead|deadly)\b", re.I)
VIOLENT_CUES = re.compile(
    r"\b(riot(?:s|ing|ers)?|violent|violence|clash(?:ed|es)? with (?:police|security)|threw|throwing|"
    r"hurled|stones|rocks|petrol bombs?|molotov|torched|set fire|set ablaze|vandali[sz]ed|vandalism|"
    r"looted|smashed|burn(?:ed|t|ing) (?:tyres|tires|cars|vehicles|buildings)|attacked police|"
    r"turned violent|erupted|aggressive|bottles|hurling|clash\w* with (?:\w+ ){0,2}(?:protesters|demonstrators|officers)|"
    r"clashes (?:that )?broke out|clashes erupted)\b", re.I)
LABOUR_CUES = re.compile(r"\b(workers?|unions?|employees|staff|teachers|doctors|nurses|drivers|miners|"
                         r"general strike|hunger strike|on strike|strikers|wages?|pay|pensions?|walkout)\b", re.I)
AIR_CUES = re.compile(r"\b(air|aerial|warplanes?|jets?|aircraft|helicopters?|planes?|drones?|barrel)\b", re.I)
GROUND_FIRE_CUES = re.compile(r"\b(artillery|shell(?:s|ing|ed)?|mortars?|rockets?|missiles?|tank)\b", re.I)
SUICIDE_CUES = re.compile(r"\bsuicide|blew (?:himself|herself|themselves) up\b", re.I)
PLANTED_CUES = re.compile(r"\b(car bomb|roadside|planted|ied|improvised|explosive device|landmine|"
                          r"mine|booby|magnetic|sticky|parcel|motorcycle bomb)\b", re.I)
#: A place named only by reference: to the report's main city, or to the last place named.
CITY_WORDS = re.compile(r"\b(?:the|this) (?:city|town)(?: cent(?:er|re))?\b|\bcity cent(?:er|re)\b|"
                        r"\bdowntown\b", re.I)
DEICTIC_WORDS = re.compile(r"\b(?:here|there|the (?:village|area|neighbou?rhood|district|hill|camp|base|site|"
                           r"region|spot|scene|road|bridge))\b(?! of\b)", re.I)
DESTINATION_BEFORE = re.compile(r"\b(?:to|towards|toward|into|for|reached|reaching)\s+(?:the\s+)?(?:\w+\s+)?$", re.I)
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
BASE_WORDS = {"base", "post", "point", "outpost", "headquarters", "checkpoint", "barracks", "position",
              "garrison", "airbase", "station", "camp"}
PRISONER_WORDS = {"prisoner", "prisoners", "hostage", "hostages", "detainee", "detainees", "captive",
                  "captives", "abductee", "abductees"}
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
    published: dt.date
    precision: TimePrecision            # for undated events: the report's period ("past two weeks")
    focus: Toponym | None = None        # the report's main place (dateline, most named city)
    country: str = ""
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
    date: dt.date
    precision: TimePrecision
    date_evidence: Mention | None = None
    near: bool = False
    road: bool = False
    fatalities: Mention | None = None
    certainty: Certainty = Certainty.REPORTED
    certainty_evidence: tuple[int, int, str] | None = None
    recipient: ActorMention | None = None
    tags: list[str] = field(default_factory=list)
    head_i: int = 0
    prep_parent: int = -1               # the head token a "after clashes" phrase hangs on


def _is_state(actor: Actor | None) -> bool:
    if actor is None:
        return False
    if actor.actor_type is ActorType.STATE_FORCES:
        return True
    parent = actor.parent or ""
    return parent.startswith(("Military Forces of", "Police Forces of"))


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


def _roles(hit: A.Hit, actors: list[ActorMention], offset: int) -> tuple[ActorMention | None, ActorMention | None,
                                                                          Token | None]:
    """(actor1, actor2, patient token) of a trigger from the parse."""
    head = hit.head
    actor1 = actor2 = None
    patient: Token | None = None
    if head.pos_ in ("VERB", "AUX") or hit.klass in ("TRANSFER",) and head.pos_ != "NOUN":
        subj, passive = A.subject_of(head)
        if passive:
            agent = A.agent_of(head)
            actor1 = A.actor_of(agent, actors, offset) if agent is not None else None
            patient = subj
            actor2 = A.actor_of(subj, actors, offset) if subj is not None else None
        else:
            for cand in reversed(A.subjects_of(head)):     # the closest: "ERBIL, ... forces recaptured"
                actor1 = A.actor_of(cand, actors, offset)
                if actor1 is not None:
                    break
                if any(c.dep_ == "poss" and c.lower_ in ("its", "their", "his", "her") for c in cand.children):
                    actor1 = _sayer(head, actors, offset)        # "The YPG said its fighters took ..."
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
        if between:
            actor1 = A.actor_of(between[0], actors, offset)
            for tok in between[1:]:
                found = A.actor_of(tok, actors, offset)
                if found is not None and (actor1 is None or found.actor.name != actor1.actor.name):
                    actor2 = found
                    break
        by = A.prep_objects(head, ("by", "from"))
        if actor1 is None and by:
            actor1 = A.actor_of(by[0], actors, offset)
        if actor1 is None:
            for child in head.children:
                if child.dep_ in ("poss", "compound", "amod", "nmod"):
                    actor1 = A.actor_of(child, actors, offset)
                    if actor1 is not None:
                        break
        if actor1 is None:
            gov = head.head
            if head.dep_ == "pobj" and gov.dep_ == "prep":
                gov = gov.head
            if gov.pos_ in ("VERB", "AUX") and head.dep_ in ("dobj", "pobj", "nsubjpass", "attr"):
                subj, passive = A.subject_of(gov)
                if subj is not None and subj is not head and not passive:
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


def _sayer(head: Token, actors: list[ActorMention], offset: int) -> ActorMention | None:
    """The actor whose statement a trigger is reported in."""
    cur = head
    for _ in range(4):
        if cur.head is cur:
            return None
        cur = cur.head
        if cur.lemma_.lower() in A.SAY_VERBS:
            for subj in A.subjects_of(cur):
                found = A.actor_of(subj, actors, offset)
                if found is not None:
                    return found
    return None


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
    patient_words = {t.lower_ for t in A.np_tokens(patient)} if patient is not None else set()
    if k in ("TAKE", "SEIZE", "DISRUPT") and patient_words & A.WEAPON_WORDS:
        return S.DISRUPTED_WEAPONS_USE
    if k in ("SHELL", "IED", "GRENADE", "BOMB", "AIR", "CHEM"):
        gov = A.governor(hit.head)
        if gov is not None and gov.lemma_.lower() in FOUND_VERBS:
            return S.DISRUPTED_WEAPONS_USE
    if k == "TAKE" and hit.head.lemma_.lower() == "storm" and A.victim_kind(patient, None) == "civilian":
        return S.ATTACK                       # "gunmen stormed the university"
    if k == "TAKE" and (patient_words & NOT_TERRITORY or hit.head.lemma_.lower() == "expel"
                        and patient_words & (A.CIVILIAN_WORDS | PERSON_WORDS)):
        return None
    if k in ("TAKE", "SEIZE") and hit.head.lemma_.lower() in ("capture", "seize") and patient is not None \
            and A.victim_kind(patient, None) in ("civilian", "armed") and not patient_words & PLACE_WORDS:
        return S.ARRESTS if _is_state(a1) else S.ABDUCTION
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
            if subj is not None and {t.lemma_.lower() for t in A.np_tokens(subj)} & STATE_WORDS:
                return S.GOVERNMENT_REGAINS_TERRITORY
        return S.GOVERNMENT_REGAINS_TERRITORY if _is_state(a1) else S.NON_STATE_ACTOR_OVERTAKES_TERRITORY
    if k == "TRANSFER":
        return S.NON_VIOLENT_TRANSFER
    if k == "ENTER":                          # "entered X without a fight"; a plain "entered" is no capture
        return S.NON_VIOLENT_TRANSFER if NONVIOLENT_CUES.search(text) and "CLASH" not in sent_klasses else None
    if k in ("CLASH", "KILL"):
        kind = A.victim_kind(patient, actor2)
        if NOT_CONFLICT.search(text) and actor1 is None:
            return None
        if k == "CLASH" and hit.head.lemma_.lower() in ("attack", "assault", "raid", "ambush", "open", "fire",
                                                        "shoot"):
            if kind == "civilian" or kind == "" and _civilians_hit(sent):
                return S.ATTACK
        if k == "CLASH":
            return S.ARMED_CLASH
        if kind == "armed" or (actor2 is not None and actor2.actor.actor_type is not ActorType.CIVILIANS):
            return S.ARMED_CLASH
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
        if NOT_CONFLICT.search(text) and actor1 is None:
            return None
        if PLANTED_CUES.search(text):
            return S.REMOTE_EXPLOSIVE
        if AIR_CUES.search(text) or (hit.head.lower_.startswith("bomb") and _is_state(a1)):
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
        return S.DISRUPTED_WEAPONS_USE
    if k in ("SUICIDE", "GRENADE", "CHEM", "SEXUAL", "ABDUCT", "ARREST", "AGREE", "CHANGE", "BASE",
             "LOOT", "MOB"):
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
            return S.AIR_DRONE_STRIKE if AIR_CUES.search(text) else None
        if k == "RIOT" or VIOLENT_CUES.search(text):
            if re.search(r"\bmob\b|lynch", text, re.I):
                return S.MOB_VIOLENCE
            return S.VIOLENT_DEMONSTRATION
        if FORCE_CUES.search(text):
            return S.EXCESSIVE_FORCE
        if INTERVENTION_CUES.search(text):
            return S.PROTEST_WITH_INTERVENTION
        return S.PEACEFUL_PROTEST
    if k == "DISPLACE":
        if actor1 is not None and actor1.actor.actor_type is not ActorType.CIVILIANS:
            return None
        return S.DISPLACEMENT
    return None


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
        if hit.head.lemma_.lower() not in PARTICIPANTS and A.is_negated(hit.head):
            continue
        actor1, actor2, patient = _roles(hit, actors, offset)
        sub = _choose(hit, sent, klasses, actor1, actor2, patient)
        if sub is not None:
            out.append((sub, hit))
    return _subsume_types(out, clashes)


_SPECIFIC = {S.AIR_DRONE_STRIKE, S.SHELLING, S.REMOTE_EXPLOSIVE, S.SUICIDE_BOMB, S.GRENADE,
             S.CHEMICAL_WEAPON}
_PROTESTS = {S.PEACEFUL_PROTEST, S.PROTEST_WITH_INTERVENTION, S.EXCESSIVE_FORCE, S.VIOLENT_DEMONSTRATION}


def _subsume_types(found: list[tuple[S, A.Hit]], clashes: bool = True) -> list[tuple[S, A.Hit]]:
    """Drop the general readings a more specific trigger in the same sentence explains: a killing
    by an air strike is the air strike; arrests at a protest are the protest's intervention."""
    subs = {s for s, _ in found}
    out = []
    for sub, hit in found:
        if S.CHEMICAL_WEAPON in subs and sub in (_SPECIFIC - {S.CHEMICAL_WEAPON}) | {S.ARMED_CLASH, S.ATTACK}:
            continue
        if hit.klass in ("KILL", "BOMB", *(("CLASH",) if clashes else ())) and subs & _SPECIFIC \
                and sub not in _SPECIFIC:
            continue
        if hit.klass == "BOMB" and sub is S.REMOTE_EXPLOSIVE and subs & (_SPECIFIC - {S.REMOTE_EXPLOSIVE}):
            continue
        if hit.klass in ("KILL", "CLASH", "ARREST", "DESTROY", "LOOT") and subs & _PROTESTS and sub not in _PROTESTS:
            continue
        if hit.klass in ("KILL", "CLASH") and sub is S.ATTACK and S.SEXUAL_VIOLENCE in subs:
            continue
        if hit.klass == "KILL" and subs & {S.ABDUCTION, S.MOB_VIOLENCE} and sub is S.ATTACK:
            continue
        out.append((sub, hit))
    return out


def code_sentence(sent: Span, ctx: Context, *, triggers: list[Mention], actors: list[ActorMention],
                  toponyms: list[Toponym], dates: list[Mention], numbers: list[Mention], offset: int,
                  next_text: str = "") -> list[Draft]:
    """Drafts for the triggers of one parsed sentence. Offsets in mentions are absolute (report
    text); `offset` is where the parsed Doc starts in the report."""
    s_start, s_end = sent.start_char + offset, sent.end_char + offset
    in_sent = [m for m in triggers if s_start <= m.start < s_end]
    hits = A.trigger_hits(sent.doc, [replace(m, start=m.start - offset, end=m.end - offset) for m in in_sent])
    hits = [h for h in hits if sent.start <= h.head.i < sent.end]
    s_actors = [a for a in actors if s_start <= a.start < s_end]
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
    clause_of_hit = {h.head.i: A.clause_head(h.head).i for h in hits}
    drafts: list[Draft] = []
    for sub, hit in typed:
        actor1, actor2, patient = _roles(hit, s_actors, offset)
        recipient = None
        if hit.klass == "TRANSFER":
            to = A.prep_objects(hit.head, ("to",))
            recipient = A.actor_of(to[0], s_actors, offset) if to else None
            if recipient is not None:
                if klasses & {"CLASH", "KILL"}:
                    previous = actor1
                    actor1, actor2 = recipient, previous
                    sub = (S.GOVERNMENT_REGAINS_TERRITORY if _is_state(recipient.actor)
                           else S.NON_STATE_ACTOR_OVERTAKES_TERRITORY)
                else:
                    actor1, actor2 = recipient, actor1
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
        if sub in (S.ARMED_CLASH, S.NON_STATE_ACTOR_OVERTAKES_TERRITORY, S.GOVERNMENT_REGAINS_TERRITORY) \
                and actor2 is None and actor1 is not None:
            actor2 = _first_other(s_actors, actor1)
        if sub in _PROTESTS or sub in (S.MOB_VIOLENCE,):
            actor1, actor2 = _crowd_roles(sub, s_actors, actor1, actor2, hit, ctx, offset)
        if actor1 is not None and sub in ARMED_SUBS and not _armed(actor1.actor):
            forces = _generic(ctx, "army", hit, offset)   # "Syrian government warplanes": its armed forces
            if forces is not None and forces.actor.country == actor1.actor.country:
                actor1 = dataclasses.replace(forces, start=actor1.start, end=actor1.end, text=actor1.text)
        if actor1 is None and sub in UNKNOWN_PERPETRATOR and not (
                hit.klass == "KILL" and (A.victim_kind(patient, actor2) != "civilian" or hit.head.pos_ == "NOUN")):
            actor1 = _generic(ctx, "police" if sub is S.ARRESTS else "unidentified gunmen", hit, offset)
        if actor2 is None and actor1 is not None and sub in _SPECIFIC | {S.ATTACK, S.ABDUCTION}:
            actor2 = _victims(hit, sent, s_actors, actor1, offset)
        if actor2 is None and sub in (S.ATTACK, S.ABDUCTION, S.SEXUAL_VIOLENCE) \
                and A.victim_kind(patient, None) == "civilian":
            actor2 = _generic(ctx, "civilians", hit, offset)        # "shot dead a teacher"
        if actor1 is not None and actor2 is not None and actor1.actor.name == actor2.actor.name:
            actor2 = None
        if sub is S.ATTACK and actor2 is not None and actor2.actor.actor_type is not ActorType.CIVILIANS:
            actor2 = None           # executed captives: the victims are not a fighting party any more
        places, near, road = _places(hit, sent, ctx, s_places, clause_of_hit, offset)
        day, precision, date_ev = _date(hit, s_dates, ctx, offset)
        deaths = A.fatalities_near(hit.head, numbers, offset)
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
    tolls = [d for d in drafts if d.klass == "KILL" and d.trigger[2].lower().startswith("death")]
    others = [d for d in drafts if d not in tolls]
    if tolls and others:                      # "the death of 23 fighters in clashes": the clashes' toll
        for toll in tolls:
            if others[0].fatalities is None:
                others[0].fatalities = toll.fatalities
        drafts = others
    if any(d.klass in ("TAKE", "ENTER") or d.recipient is not None for d in drafts if d.sub in TERRITORIAL_SUBS):
        leaving = [d for d in drafts if d.klass == "TRANSFER" and d.recipient is None]
        drafts = [d for d in drafts if d not in leaving]                 # one handover, told from two sides
        for d in drafts:
            if d.sub in TERRITORIAL_SUBS and d.actor2 is None and leaving and leaving[0].actor1 is not None \
                    and d.actor1 is not None and leaving[0].actor1.actor.name != d.actor1.actor.name:
                d.actor2 = leaving[0].actor1
    if any(d.sub in _SPECIFIC and d.actor1 is not None for d in drafts):
        drafts = [d for d in drafts if not (d.klass == "CLASH" and d.sub is S.ARMED_CLASH)]   # told by its weapon
    if s_places:
        ctx.last_place = s_places[-1]
    return drafts


_DATELINE = re.compile(r"^[^\n.]{0,80}?(?:\([^)]{1,40}\)\s*)?[-\u2013\u2014]{1,2}\s")


def _dateline_end(text: str) -> int:
    """Where a report's dateline ("BAGHDAD (Reuters) - ", "Hasakah (ANF) – ") ends; 0 when none."""
    match = _DATELINE.match(text)
    return match.end() if match else 0


#: Sub-event types ACLED codes even when the report does not say who did it.
UNKNOWN_PERPETRATOR = {S.REMOTE_EXPLOSIVE, S.SUICIDE_BOMB, S.GRENADE, S.ATTACK, S.ABDUCTION, S.ARRESTS,
                       S.LOOTING, S.SEXUAL_VIOLENCE}
_CROWD = {ActorType.PROTESTERS, ActorType.RIOTERS}


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
    if not ctx.country:
        return None
    from kharita.actors import code_actor

    actor = code_actor(phrase, country=ctx.country, date=ctx.published)
    if actor is None:
        return None
    return ActorMention(hit.span.start_char + offset, hit.span.end_char + offset, hit.span.text, actor,
                        generic=True, score=0.5)


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
    return [ctx.focus or ctx.last_place], False, False


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
    seen: set[str] = set()
    out: list[Toponym | None] = []
    for top in places:
        key = top.place.key if top.place is not None else top.text
        if key not in seen:
            seen.add(key)
            out.append(top)
    return out


def _date(hit: A.Hit, s_dates: list[Mention], ctx: Context, offset: int) -> tuple[dt.date, TimePrecision,
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


def fold_followups(drafts: list[Draft]) -> list[Draft]:
    """"Five civilians were killed in the strike": a killing told in a later sentence about an event
    just reported is that event's toll, not a new event."""
    out: list[Draft] = []
    for d in drafts:
        if d.klass == "KILL" and (_FOLLOW_UP.search(d.sentence[2]) or d.actor1 is None):
            earlier = [p for p in out if p.klass != "KILL" and p.sentence[0] < d.sentence[0]
                       and d.sentence[0] - p.sentence[1] < 40]
            if earlier:
                target = earlier[-1]
                if d.fatalities is not None and (target.fatalities is None
                                                 or int(d.fatalities.label) > int(target.fatalities.label)):
                    target.fatalities = d.fatalities
                continue
        out.append(d)
    return out


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
        if d.actor1 is None or d.toponym is None or d.toponym.place is None:
            continue
        pair: tuple = (d.actor1.actor.name, d.actor2.actor.name if d.actor2 else "")
        if d.sub in _SYMMETRIC:
            pair = tuple(sorted(pair))
        place_key = d.toponym.place.key if d.sub in TERRITORIAL_SUBS else _city_key(d.toponym)
        key = (d.sub, pair, place_key, d.date)
        merged.setdefault(key, []).append(d)
    for key in [k for k in merged if all(d.date_evidence is None for d in merged[k])]:
        dated = [k for k in merged if k != key and k[:3] == key[:3] and any(d.date_evidence for d in merged[k])
                 and abs((k[3] - key[3]).days) <= DATE_WINDOW_DAYS[merged[key][0].precision]]
        if dated:                         # the headline's undated "attacked X" is the lead's "on Sunday"
            merged[dated[0]].extend(merged.pop(key))
    for key in [k for k in merged if not k[1][1] and k[0] not in _SYMMETRIC]:
        fuller = [k for k in merged if k != key and k[0] == key[0] and k[1][0] == key[1][0] and k[2:] == key[2:]]
        if fuller:                        # the same event, told once with its opponent and once without
            merged[fuller[0]].extend(merged.pop(key))
    return [_build(group, ctx) for group in merged.values()]


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
        event_id=event_id(doc.id, first.sub, place.key, first.date, actor1.name),
        sub_event_type=first.sub, event_date=first.date, time_precision=first.precision, actor1=actor1,
        actor2=actor2, place=place, fatalities=fatalities, fatalities_low=fatalities,
        fatalities_best=fatalities, fatalities_high=fatalities, certainty=certainty,
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


def event_id(document_id: str, sub: S, place_key: str, day: dt.date, actor1: str) -> str:
    """Stable across runs: the same report gives the same ids."""
    raw = "|".join([document_id, sub.value, place_key, day.isoformat(), actor1])
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]
