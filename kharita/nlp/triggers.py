"""The trigger lexicon and the "kharita_triggers" component: words that can announce an event.

A trigger is a verb, noun or fixed phrase ("took control of", "air strike", "switched sides") that can
carry an ACLED sub-event. Each belongs to one *class* (TAKE, CLASH, AIR ...); the events stage picks
the final sub-event type from the class and the arguments (who took the place, who the victims are,
whether there was a fight). Matching is on lower-cased surface forms generated from lemmas, so the
same matcher runs on a tokenizer-only Doc (the cheap pre-filter pass) and on a parsed one.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.util import filter_spans

from kharita.models import Mention
from kharita.nlp import extensions
from kharita.ontology import SubEventType as S

log = logging.getLogger(__name__)

#: The default sub-event type of each trigger class (the events stage may change it).
CLASS_DEFAULT: dict[str, S] = {
    "TAKE": S.NON_STATE_ACTOR_OVERTAKES_TERRITORY,
    "TRANSFER": S.NON_VIOLENT_TRANSFER,
    "CLASH": S.ARMED_CLASH,
    "KILL": S.ATTACK,
    "AIR": S.AIR_DRONE_STRIKE,
    "BOMB": S.REMOTE_EXPLOSIVE,
    "SHELL": S.SHELLING,
    "IED": S.REMOTE_EXPLOSIVE,
    "SUICIDE": S.SUICIDE_BOMB,
    "GRENADE": S.GRENADE,
    "CHEM": S.CHEMICAL_WEAPON,
    "SEXUAL": S.SEXUAL_VIOLENCE,
    "EXECUTE": S.ATTACK,
    "ABDUCT": S.ABDUCTION,
    "ARREST": S.ARRESTS,
    "PROTEST": S.PEACEFUL_PROTEST,
    "RIOT": S.VIOLENT_DEMONSTRATION,
    "MOB": S.MOB_VIOLENCE,
    "AGREE": S.AGREEMENT,
    "CHANGE": S.CHANGE_TO_GROUP,
    "DISRUPT": S.DISRUPTED_WEAPONS_USE,
    "SEIZE": S.NON_STATE_ACTOR_OVERTAKES_TERRITORY,
    "ESTABLISH": S.HEADQUARTERS_ESTABLISHED,
    "ENTER": S.NON_VIOLENT_TRANSFER,
    "BASE": S.HEADQUARTERS_ESTABLISHED,
    "LOOT": S.LOOTING,
    "DESTROY": S.LOOTING,
    "DISPLACE": S.DISPLACEMENT,
}

_IRREGULAR = {
    "take": ["take", "takes", "took", "taken", "taking"],
    "seize": ["seize", "seizes", "seized", "seizing"],
    "retake": ["retake", "retakes", "retook", "retaken", "retaking"],
    "overrun": ["overrun", "overruns", "overran", "overrunning"],
    "fight": ["fight", "fights", "fought", "fighting"],
    "shoot": ["shoot", "shoots", "shot", "shooting"],
    "hang": ["hanged"],                 # "hung" and "hanging" are mostly not executions
    "flee": ["flee", "flees", "fled", "fleeing"],
    "blow": ["blow", "blows", "blew", "blown", "blowing"],
    "set": ["set", "sets", "setting"],
    "leave": ["leave", "leaves", "left", "leaving"],
    "hand": ["hand", "hands", "handed", "handing"],
    "withdraw": ["withdraw", "withdraws", "withdrew", "withdrawn", "withdrawing"],
    "throw": ["throw", "throws", "threw", "thrown", "throwing"],
    "break": ["break", "breaks", "broke", "broken", "breaking"],
    "drive": ["drive", "drives", "drove", "driven", "driving"],
    "gun": ["gun", "guns", "gunned", "gunning"],
    "burn": ["burn", "burns", "burned", "burnt", "burning"],
    "sign": ["sign", "signs", "signed", "signing"],
    "strike": ["strike", "strikes", "struck", "striking"],
    "bring": ["bring", "brings", "brought", "bringing"],
    "drop": ["drop", "drops", "dropped", "dropping"],
    "plant": ["plant", "plants", "planted", "planting"],
    "shell": ["shell", "shells", "shelled", "shelling"],
    "rob": ["rob", "robs", "robbed", "robbing"],
    "kidnap": ["kidnap", "kidnaps", "kidnapped", "kidnapping", "kidnaped"],
    "pull": ["pull", "pulls", "pulled", "pulling"],
    "stab": ["stab", "stabs", "stabbed", "stabbing"],
    "rape": ["rape", "rapes", "raped", "raping"],
    "loot": ["loot", "loots", "looted", "looting"],
    "storm": ["storm", "storms", "stormed", "storming"],
    "bomb": ["bomb", "bombs", "bombed", "bombing"],
    "detain": ["detain", "detains", "detained", "detaining"],
    "abduct": ["abduct", "abducts", "abducted", "abducting"],
    "execute": ["execute", "executes", "executed", "executing"],
    "behead": ["behead", "beheads", "beheaded", "beheading"],
    "arrest": ["arrest", "arrests", "arrested", "arresting"],
    "torch": ["torch", "torches", "torched", "torching"],
    "rally": ["rally", "rallies", "rallied", "rallying"],
    "occupy": ["occupy", "occupies", "occupied", "occupying"],
    "defuse": ["defuse", "defuses", "defused", "defusing"],
    "expel": ["expel", "expels", "expelled", "expelling"],
    "repel": ["repel", "repels", "repelled", "repelling"],
    "control": ["control", "controls", "controlled", "controlling"],
}


def verb_forms(lemma: str) -> list[str]:
    """Lower-case inflections of a regular English verb (irregular ones from a table)."""
    if lemma in _IRREGULAR:
        return _IRREGULAR[lemma]
    if lemma.endswith("e"):
        return [lemma, lemma + "s", lemma + "d", lemma[:-1] + "ing"]
    if lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        return [lemma, lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"]
    if lemma.endswith(("s", "sh", "ch", "x", "z")):
        return [lemma, lemma + "es", lemma + "ed", lemma + "ing"]
    return [lemma, lemma + "s", lemma + "ed", lemma + "ing"]


def noun_forms(lemma: str) -> list[str]:
    if lemma.endswith(("s", "sh", "ch", "x")):
        return [lemma, lemma + "es"]
    if lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        return [lemma, lemma[:-1] + "ies"]
    return [lemma, lemma + "s"]


@dataclass(frozen=True, slots=True)
class TriggerEntry:
    """One lexicon line: a phrase whose first word (verb) or last word (noun) inflects."""

    phrase: str
    klass: str
    pos: str                            # "v" inflect the first word as a verb, "n" the last as a noun, "" fixed


def _entries(klass: str, verbs: str = "", nouns: str = "", fixed: str = "") -> list[TriggerEntry]:
    out = [TriggerEntry(p.strip(), klass, "v") for p in verbs.split(";") if p.strip()]
    out += [TriggerEntry(p.strip(), klass, "n") for p in nouns.split(";") if p.strip()]
    out += [TriggerEntry(p.strip(), klass, "") for p in fixed.split(";") if p.strip()]
    return out


LEXICON: list[TriggerEntry] = [
    *_entries(
        "TAKE",
        verbs="capture; recapture; retake; liberate; regain; overrun; occupy; storm; take control of; "
              "take full control of; take over; seize control of; gain control of; wrest control of; "
              "take back; win back; reclaim; drive out; expel; clear; free; conquer; "
              "establish control over; impose control over; annex; drive back; push back; regain ground; "
              "gain ground",
        nouns="takeover; capture; recapture; liberation; fall",
        fixed="fell to; falls to; fallen to; under the control of; under control of",
    ),
    *_entries(
        "TRANSFER",
        verbs="withdraw; withdraw from; pull out of; hand over; handover; cede; evacuate; abandon; "
              "leave the control of; leave control of; retreat from",
        nouns="withdrawal; handover; pullout",
        fixed="handed it over; handed them over; handing it over; hands it over; handed the town over; "
              "handed the city over; handed the village over",
    ),
    *_entries(
        "CLASH",
        verbs="clash; fight; battle; ambush; engage; skirmish; repel; repulse; besiege; exchange fire; "
              "open fire on; open fire at; trade fire; attack; assault; raid; counterattack; "
              "launch an attack; launch attacks",
        nouns="clash; fighting; battle; gunfight; firefight; skirmish; confrontation; exchange of fire; "
              "fight; offensive; counteroffensive; counter-attack; counterattack; assault; attack; raid; "
              "gunbattle; gun battle; shootout; hostilities; combat",
    ),
    *_entries(
        "KILL",
        verbs="kill; murder; assassinate; shoot dead; gun down; stab; massacre; slaughter; lynch; "
              "shoot; beat to death; torture; injure; wound; open fire",
        nouns="killing; murder; assassination; massacre; shooting; death; death toll",
    ),
    *_entries(
        "EXECUTE",
        verbs="execute; hang; behead; decapitate; crucify",
        nouns="execution; beheading; hanging",
    ),
    *_entries(
        "AIR",
        verbs="airstrike; air-strike; bomb from the air",
        nouns="air strike; airstrike; air-strike; air raid; airraid; air attack; aerial attack; "
              "aerial bombardment; aerial bombing; drone strike; drone attack; warplane; war plane; "
              "fighter jet; jet; helicopter gunship; barrel bomb; air bombardment; sortie; "
              "unmanned aerial vehicle; drone",
        fixed="air strikes; aerial strikes; airstrikes; bombed from the air",
    ),
    *_entries(
        "BOMB",
        verbs="bomb",
        nouns="bomb; bombing; bombardment; explosion; blast; explosive",
        fixed="bombarded; bombard; blew up; blown up; exploded; detonated; went off",
    ),
    *_entries(
        "SHELL",
        verbs="shell; bombard; pound; fire rocket; fire rockets; fire missiles; fire a missile; "
              "fire mortar; fire mortars; fire shells",
        nouns="shell; shelling; artillery; mortar; rocket; missile; projectile; "
              "artillery fire; mortar fire; rocket fire; katyusha; grad rocket; ballistic missile; "
              "cruise missile; tank fire",
    ),
    *_entries(
        "IED",
        nouns="ied; roadside bomb; landmine; land mine; mine; car bomb; explosive device; "
              "improvised explosive device; booby trap; booby-trap; vbied; sticky bomb; magnetic bomb; "
              "motorcycle bomb; parcel bomb; letter bomb",
        fixed="ieds; vbieds; booby-trapped; booby trapped",
    ),
    *_entries(
        "SUICIDE",
        nouns="suicide bomber; suicide bombing; suicide attack; suicide car bomb; suicide vest; "
              "suicide attacker; suicide blast; self-detonation; suicide truck bomb",
        fixed="blew himself up; blew herself up; blew themselves up; blow himself up; "
              "blow themselves up; detonated himself; detonated herself; detonated themselves; "
              "detonated his explosive vest; detonated her explosive vest; explosive vest; explosive belt",
    ),
    *_entries("GRENADE", nouns="grenade; hand grenade; grenade attack; rpg; rocket-propelled grenade; "
                               "rocket propelled grenade; stun grenade"),
    *_entries(
        "CHEM",
        nouns="chemical attack; chemical weapon; chemical weapons attack; chlorine; sarin; mustard gas; "
              "toxic gas; poison gas; nerve agent; poisonous gas; chemical agent; chemical munition; "
              "mustard agent; chemical shell; chemical rocket",
        fixed="chemical weapons; gas attack; gas attacks",
    ),
    *_entries(
        "SEXUAL",
        verbs="rape; sexually assault; sexually abuse; molest",
        nouns="rape; sexual violence; sexual assault; sexual abuse; gang rape; gang-rape; sexual slavery",
        fixed="sexually assaulted; sexually abused",
    ),
    *_entries(
        "ABDUCT",
        verbs="abduct; kidnap; take hostage; hold hostage; seize hostage",
        nouns="abduction; kidnapping; hostage; enforced disappearance; forced disappearance",
        fixed="went missing; taken hostage; held hostage; forcibly disappeared",
    ),
    *_entries(
        "ARREST",
        verbs="arrest; detain; apprehend; round up; take into custody",
        nouns="arrest; detention; roundup; crackdown",
        fixed="in custody; into custody",
    ),
    *_entries(
        "PROTEST",
        verbs="protest; demonstrate; rally; march; picket; stage a sit-in; hold a sit-in; go on strike",
        nouns="protest; demonstration; protester; protestor; demonstrator; rally; march; sit-in; "
              "vigil; strike; walkout; boycott; hunger strike; general strike; marcher",
    ),
    *_entries(
        "RIOT",
        verbs="riot",
        nouns="riot; rioter; rioting; unrest",
        fixed="riot-like",
    ),
    *_entries("MOB", nouns="mob; vigilante; lynch mob", fixed="lynched; lynching; mob justice; mob violence"),
    *_entries(
        "AGREE",
        verbs="sign an agreement; reach an agreement; reach a deal; agree to; agree on; broker; "
              "sign a deal; sign a peace deal; sign a ceasefire; release; surrender",
        fixed="exchanged prisoners; swapped prisoners; exchange prisoners; prisoners were exchanged",
        nouns="agreement; ceasefire; cease-fire; truce; peace deal; peace agreement; accord; "
              "reconciliation deal; prisoner exchange; prisoner swap; armistice; peace treaty; "
              "de-escalation agreement; settlement",
    ),
    *_entries(
        "CHANGE",
        verbs="switch sides; change sides; defect; join forces; merge; pledge allegiance; "
              "declare allegiance; swear allegiance; disband; dissolve; split from; break away from; "
              "form a new group; announce the formation; deploy; redeploy; dispatch; mobilize; mobilise; "
              "send reinforcements; amass; reinforce; pull back; fall back; regroup",
        nouns="defection; merger; defector",
        fixed="joined the ranks of; joined forces; switched allegiance; switched their allegiance",
    ),
    *_entries(
        "DISRUPT",
        verbs="defuse; dismantle; intercept; shoot down; foil; thwart; neutralize; neutralise; discover; "
              "uncover; "
              "detonate safely; disarm; clear mines",
        nouns="weapons cache; arms cache; cache; arms depot; ammunition",
        fixed="shot down; found and cleared; safely detonated; controlled explosion",
    ),
    *_entries(
        "ESTABLISH",
        verbs="establish; set up; build; erect; construct; form",
    ),
    *_entries("ENTER", verbs="enter; move into; march into; roll into"),
    *_entries(
        "SEIZE",
        verbs="seize; confiscate",
        nouns="seizure",
    ),
    *_entries(
        "BASE",
        verbs="establish a base; set up a base; establish a military base; set up a military base; "
              "establish a new base; set up a new base; establish a military post; set up a military post; "
              "establish a new military post; set up a new military post; establish headquarters; "
              "set up headquarters; establish a headquarters; set up a headquarters; build a base; "
              "establish an outpost; set up an outpost; set up a checkpoint; establish a checkpoint; "
              "establish a new checkpoint; set up a new checkpoint; establish a new headquarters",
        nouns="new base; new military base; new headquarters; new military post; new outpost",
    ),
    *_entries(
        "LOOT",
        verbs="loot; plunder; pillage; ransack",
        nouns="looting; plunder; pillage",
        fixed="looters",
    ),
    *_entries(
        "DESTROY",
        verbs="burn; torch; destroy; demolish; bulldoze; raze; vandalise; vandalize; set fire to; "
              "set on fire; blow up; damage",
        nouns="arson; demolition; vandalism",
        fixed="set ablaze; set alight",
    ),
    *_entries(
        "DISPLACE",
        verbs="flee; displace; migrate; evacuate; seek refuge; take refuge; force out",
        nouns="displacement; exodus; refugee; influx; evacuation; displaced person; internally displaced",
        fixed="were displaced; forced to leave; forced to flee",
    ),
]


def expand(entry: TriggerEntry) -> list[str]:
    """Every surface phrase (lower case) an entry stands for."""
    words = entry.phrase.lower().split()
    if entry.pos == "v":
        return [" ".join([f, *words[1:]]) for f in verb_forms(words[0])]
    if entry.pos == "n":
        return [" ".join([*words[:-1], f]) for f in noun_forms(words[-1])]
    return [entry.phrase.lower()]


def _surface_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for entry in LEXICON:
        for phrase in expand(entry):
            table.setdefault(phrase, entry.klass)
    return table


#: Lower-case surface phrase -> trigger class.
SURFACE: dict[str, str] = _surface_table()


def trigger_class(text: str) -> str | None:
    """The class of a matched trigger phrase (whitespace-normalised, any case)."""
    return SURFACE.get(" ".join(text.lower().split()))


def build_matcher(vocab, tokenizer) -> PhraseMatcher:
    """A PhraseMatcher over lower-case forms: needs only the tokenizer, so the pre-filter can use it."""
    matcher = PhraseMatcher(vocab, attr="LOWER")
    by_class: dict[str, list[str]] = {}
    for phrase, klass in SURFACE.items():
        by_class.setdefault(klass, []).append(phrase)
    for klass, phrases in by_class.items():
        matcher.add(klass, list(tokenizer.pipe(phrases)))
    return matcher


def find_triggers(doc: Doc, matcher: PhraseMatcher) -> list[Mention]:
    """Trigger mentions in a Doc, longest match first where they overlap ("air strike" over "strike")."""
    spans = filter_spans(matcher(doc, as_spans=True))
    out = []
    for span in spans:
        klass = span.label_
        out.append(Mention(
            kind="trigger", start=span.start_char, end=span.end_char, text=span.text,
            label=CLASS_DEFAULT[klass].value,
        ))
    return out


@Language.factory("kharita_triggers", assigns=["doc._.kharita_triggers"])
def make_trigger_tagger(nlp: Language, name: str) -> "TriggerTagger":
    return TriggerTagger(nlp, name)


class TriggerTagger:
    """Marks trigger words and phrases; `doc._.kharita_triggers` gets one Mention per trigger."""

    def __init__(self, nlp: Language, name: str = "kharita_triggers") -> None:
        extensions.register()
        self.name = name
        self.matcher = build_matcher(nlp.vocab, nlp.tokenizer)

    def __call__(self, doc: Doc) -> Doc:
        doc._.kharita_triggers = find_triggers(doc, self.matcher)
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterable[Doc]:
        for doc in docs:
            yield self(doc)


def _surface_pos() -> dict[str, str]:
    table: dict[str, str] = {}
    for entry in LEXICON:
        for phrase in expand(entry):
            if entry.pos not in table.get(phrase, "-"):
                table[phrase] = table.get(phrase, "") + (entry.pos or "-")
    return table


#: Lower-case surface phrase -> the kinds of entries it comes from: "v" verb, "n" noun, "-" fixed
#: ("clashes" is both a verb form and a noun form: "vn").
SURFACE_POS: dict[str, str] = _surface_pos()
