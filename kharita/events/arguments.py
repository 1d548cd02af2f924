"""Who, where, how many and how sure: the arguments of a trigger, read from the dependency parse.

Everything here reads a parsed spaCy Doc (a report or one sentence of it) and the mentions the nlp
stage put on it; nothing here decides the sub-event type (that is `assemble.py`). The parser of a
small model is often wrong about attachment, so each reader has a fallback that is safe rather than
clever: a missing actor2 is left empty, a missing place falls back to the last place named before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from kharita.events import lexicon
from kharita.models import ActorMention, Mention, Toponym
from kharita.nlp.dates import MONTHS, WEEKDAYS
from kharita.nlp.lines import DATELINE_DASHES
from kharita.nlp.numbers import VAGUE
from kharita.nlp.triggers import SURFACE_POS, trigger_class
from kharita.ontology import ActorType, Certainty

#: Dependency labels that start a new clause: a place or actor beyond them belongs to another verb.
CLAUSE_DEPS = {"ROOT", "relcl", "advcl", "ccomp", "xcomp", "conj", "acl", "parataxis", "csubj", "pcomp"}

#: Words above a trigger that mean it did not (yet) happen.
NEGATING_HEADS = lexicon.words("negating_heads")
NEGATING_NOUNS = lexicon.words("negating_nouns")
MODALS = {"will", "would", "could", "might", "may", "should", "shall", "can", "must", "'ll"}
FUTURE_ADVERBS = {"soon", "not", "never", "n't", "no", "yet"}

#: Attribution verbs: a trigger under one of these is somebody's account of the event.
SAY_VERBS = lexicon.words("say_verbs")
ANONYMOUS_SOURCES = lexicon.words("anonymous_sources")
HEDGES = re.compile(
    r"\b(reportedly|allegedly|unconfirmed|unverified|could not be (?:independently )?verified|"
    r"cannot be (?:independently )?verified|not (?:been )?independently verified|is said to|are said to|"
    r"was said to|were said to|it is claimed|rumou?red|purportedly|apparently)\b", re.I)
LATER_HEDGE = re.compile(
    r"^\W*(?:this|these|the|such)\s+(?:unconfirmed|unverified)\b|could not be (?:independently )?verified|"
    r"cannot be (?:independently )?verified", re.I)

#: A place named only as a reference point for another ("east of X", "near X", "the road to X").
REFERENCE_BEFORE = re.compile(
    r"(?:(?:north|south|east|west|northeast|northwest|southeast|southwest|north-east|north-west|"
    r"south-east|south-west)\s+of\s+(?:the\s+)?(?:city\s+of\s+)?|"       # "east of X", not "eastern X" (in it)
    r"\b(?:near|nearby|close to|next to|outside|from)\s+(?:the\s+)?(?:\w+\s+)?|"
    r"\bkm\s+(?:\w+\s+)?(?:of|from)\s+)$", re.I)
ROAD_BEFORE = re.compile(r"\b(?:road|highway|route|motorway|supply line|corridor)s?\s+"
                         r"(?:to|between|from|linking|connecting)\s+(?:the\s+)?(?:\w+\s+(?:and|to)\s+)?$", re.I)
NEAR_BEFORE = re.compile(r"\b(?:outskirts|surroundings|vicinity|countryside|environs|outskirt|around|"
                         r"near|nearby|outside|close to|edges?)\s+(?:of\s+)?(?:the\s+)?(?:\w+\s+)?$", re.I)

CIVILIAN_WORDS = lexicon.words("civilian_words")
ARMED_WORDS = lexicon.words("armed_words")
DEATH_WORDS = lexicon.words("death_words")
WEAPON_WORDS = lexicon.words("weapon_words")
PROPERTY_WORDS = lexicon.words("property_words")
NOT_PERSONS = lexicon.words("not_persons")


NOT_WEAPON_MODIFIERS = {"coal", "gold", "salt", "copper", "diamond", "iron", "uranium", "silver", "phosphate",
                        "mining", "open-pit", "tin", "lithium", "cobalt", "abandoned", "data"}
WEAPON_NOUN_CLASSES = {"SHELL", "BOMB", "IED", "AIR", "GRENADE"}
#: Nouns a weapon word may modify and still name an event ("rocket attack", "mortar fire").
EVENT_HEADS = {"attack", "strike", "fire", "barrage", "raid", "explosion", "blast", "round", "shell", "rain",
               "salvo", "volley", "bombardment", "bombing", "campaign", "assault", "explode", "hit"}
NOT_PROTESTERS = {"attack", "report", "incident", "fact", "figure", "datum", "result", "evidence", "study",
                  "this", "that", "it", "which", "event", "case", "action", "finding", "poll", "survey", "move"}


@dataclass(frozen=True, slots=True)
class Hit:
    """A trigger in a parsed Doc: its class, span and head token."""

    klass: str
    span: Span
    head: Token


#: Verbs by which a monitor or a source tells of an event; their subject is no party to it.
REPORTING_VERBS = SAY_VERBS | {"document", "record", "monitor", "verify", "observe", "count", "tally"}
#: Verbs whose victim can only be a person ("killed Zacarias", "Zacarias was murdered").
ONLY_PEOPLE_LEMMAS = {"kill", "murder", "assassinate", "slay", "behead", "lynch", "stab", "execute"}
#: Verbs of dying: their subject is the dead, never the killer ("one of the women died").
DYING = {"die", "succumb", "perish"}


def _month_before_a_day(tok: Token) -> bool:
    """"March 4", "March 2021": a capitalised word before a number is a month, not a march."""
    nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
    return tok.text[:1].isupper() and nxt is not None and nxt.like_num


def trigger_hits(doc: Doc, triggers: list[Mention]) -> list[Hit]:
    """Turn trigger Mentions into Hits on the parse; drops single verbs the tagger reads as something
    else ("clear" as an adjective, "March" the month) and any fight inside "without a fight"."""
    hits = []
    for mention in triggers:
        span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
        if span is None or not len(span):
            continue
        key = " ".join(span.text.lower().split())
        klass = trigger_class(key)
        if klass is None:
            continue
        kinds = SURFACE_POS.get(key, "-")
        pos = "n" if kinds == "n" or ("n" in kinds and span[-1].pos_ in ("NOUN", "PROPN")) else \
            "v" if "v" in kinds else ""
        head = _head_of(span, pos)
        if len(span) == 1 and pos == "v" and head.pos_ not in ("VERB", "AUX"):
            if not (head.pos_ in ("NOUN", "ADJ") and head.tag_ in ("VBN", "VBD", "VBG")):
                continue
        if len(span) == 1 and pos == "n" and head.pos_ not in ("NOUN", "PROPN"):
            continue
        if len(span) > 1 and pos == "v" and head.pos_ not in ("VERB", "AUX"):
            head = _predicate_in(span)    # "Gunmen on a motorbike shot dead a chief": "dead" read as the verb
            if head is None:
                continue                  # "a round up of the latest trends"
        if any(c.lower_ in NOT_WEAPON_MODIFIERS for c in head.children if c.dep_ in ("compound", "amod")):
            continue                      # "coal mines", "gold mine"
        if len(span) == 1 and pos == "n" and head.pos_ == "PROPN" and head.text[:1].isupper() \
                and not head.is_sent_start and klass in ("PROTEST", "SHELL", "CLASH") \
                and not (head.i and doc[head.i - 1].text in DATELINE_DASHES and not _month_before_a_day(head)):
            continue                      # "March", "Rocket Brigade": a name, not an event
        if len(span) == 1 and (head.ent_type_ == "DATE" or _month_before_a_day(head)):
            continue                      # "March 4": the month
        if head.dep_ == "amod" and head.tag_ in ("VBG", "VBN"):
            continue                      # "the migrating civilians", "liberated areas": a description
        if len(span) == 1 and klass in WEAPON_NOUN_CLASSES and pos == "n" and (
                span.end < len(doc) and doc[span.end].text in ("-", "\u2010")
                or head.dep_ in ("compound", "amod", "nmod") and head.head.lemma_.lower() not in EVENT_HEADS):
            continue                      # "bomb-damaged buildings", "rocket propelled grenade", "mortar shop"
        if pos == "v" and klass == "PROTEST":
            subj = next((c for c in head.children if c.dep_ == "nsubj"), None)
            if subj is not None and subj.lemma_.lower() in NOT_PROTESTERS:
                continue                  # "the attacks demonstrate the regime's cruelty"
        window = doc[max(span.start - 3, 0):span.start].text.lower()
        if "without" in window.split():
            continue
        hits.append(Hit(klass, span, head))
    return hits


def _predicate_in(span: Span) -> Token | None:
    """The word of a verb phrase the parser read as the clause's predicate though the tagger read no
    verb in it (it has a subject and an object), or None."""
    for tok in span:
        deps = {c.dep_ for c in tok.children}
        if "nsubj" in deps and "dobj" in deps:
            return tok
    return None


def _head_of(span: Span, pos: str) -> Token:
    if pos == "v":
        for tok in span:
            if tok.pos_ in ("VERB", "AUX"):
                return tok
        return span[0]
    if pos == "n":
        return span[-1]
    verbs = [t for t in span if t.pos_ == "VERB"]
    return verbs[0] if verbs else span.root


def clause_head(tok: Token) -> Token:
    """The verb that heads the clause a token is in (the token itself for a clause-heading verb)."""
    cur = tok
    for _ in range(40):
        if cur.pos_ in ("VERB", "AUX") and cur.dep_ in CLAUSE_DEPS:
            return cur
        if cur.head.i == cur.i:
            return cur
        cur = cur.head
    return cur


def is_negated(head: Token) -> bool:
    """True when the trigger is negated, planned, attempted or prevented ("have not recaptured",
    "trying to", "will soon break into", "prevented an ISIS takeover")."""
    for child in head.children:
        if child.dep_ == "neg" or child.lower_ in ("never",):
            return True
        if child.dep_ == "aux" and child.lower_ in MODALS:
            return True
        if child.dep_ in ("det", "amod") and child.lower_ in ("no", "failed", "attempted", "planned",
                                                               "foiled", "thwarted", "possible", "alleged"):
            return child.lower_ in ("no", "failed", "attempted", "planned", "foiled", "thwarted", "possible")
    if head.dep_ == "pcomp" and head.head.lower_ == "for":
        return True                       # "mobilizing its members for attacking Haditha"
    if _infinitive_of_purpose(head):
        return True
    cur = head
    for _ in range(4):
        if cur.head.i == cur.i:
            break
        parent = cur.head
        if cur.dep_ in ("dobj", "xcomp") and _infinitive_of_purpose(parent):
            return True
        if parent.lemma_.lower() in NEGATING_HEADS and cur.dep_ in ("xcomp", "dobj", "pobj", "ccomp", "prep",
                                                                     "nsubjpass", "advcl") \
                and not _told_as_fact(cur):
            return True
        if parent.lemma_.lower() in NEGATING_NOUNS and cur.dep_ in ("acl", "prep", "pobj", "compound"):
            return True
        if cur.dep_ in ("xcomp", "dobj", "nsubjpass") and parent.pos_ in ("VERB", "AUX") \
                and any(c.dep_ == "aux" and c.lower_ in MODALS for c in parent.children):
            return True
        if parent.pos_ in ("VERB", "AUX") and any(c.dep_ == "neg" for c in parent.children) \
                and cur.dep_ in ("xcomp", "dobj"):
            return True
        if cur.dep_ not in ("xcomp", "dobj", "pobj", "prep", "compound", "nsubjpass", "acl", "amod"):
            break
        cur = parent
    return False


_GOING_ON = {"begin", "start", "continue", "manage", "go", "succeed", "resume", "have"}
#: Subordinators of a clause that tells what happened: "(two were feared dead) after soldiers opened fire".
FACT_MARKS = {"after", "when", "as", "because", "since", "while", "once"}


def _told_as_fact(clause: Token) -> bool:
    """An adverbial clause of time or cause: its event took place, whatever the main verb says."""
    return clause.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in FACT_MARKS for c in clause.children)


def _infinitive_of_purpose(tok: Token) -> bool:
    """"(sent) to attack", "(waiting for an order) to kick off the assault": an aim, not a deed."""
    if tok.pos_ != "VERB" or tok.dep_ not in ("xcomp", "advcl", "acl", "relcl"):
        return False
    if not any(c.dep_ == "aux" and c.tag_ == "TO" for c in tok.children):
        return False
    return tok.head.lemma_.lower() not in _GOING_ON


def governor(tok: Token) -> Token | None:
    """The verb a noun hangs on, through conjunctions and prepositions ("found ... rockets and mines")."""
    cur = tok
    for _ in range(4):
        if cur.dep_ in ("conj", "appos") or cur.dep_ == "pobj" and cur.head.dep_ == "prep":
            cur = cur.head if cur.dep_ != "pobj" else cur.head.head
            continue
        if cur.dep_ in ("dobj", "nsubjpass", "attr") and cur.head.pos_ in ("VERB", "AUX"):
            return cur.head
        return None
    return None


def np_tokens(tok: Token) -> list[Token]:
    """The noun phrase of a token: its subtree without relative clauses and clauses of its own."""
    out = [tok]
    for child in tok.children:
        if child.dep_ in ("relcl", "acl", "advcl", "ccomp", "conj", "cc", "punct", "appos"):
            continue
        out.extend(_subtree_cut(child))
    return sorted(out, key=lambda t: t.i)


def _subtree_cut(tok: Token) -> list[Token]:
    """The token and its descendants, not entering clauses of their own (iterative: a parse of a
    run-on sentence can nest thousands of levels deep)."""
    out: list[Token] = []
    stack = [tok]
    while stack:
        cur = stack.pop()
        out.append(cur)
        stack.extend(c for c in cur.children if c.dep_ not in ("relcl", "acl", "advcl", "ccomp"))
    return out


def actor_in(tokens: list[Token], actors: list[ActorMention], offset: int = 0) -> ActorMention | None:
    """The actor mention whose span covers the first of these tokens that any actor covers."""
    for tok in tokens:
        start = tok.idx + offset
        for mention in actors:
            if mention.start <= start < mention.end:
                return mention
    return None


def actor_of(tok: Token, actors: list[ActorMention], offset: int = 0) -> ActorMention | None:
    """The actor a noun token stands for: the token itself, then its noun phrase, then a conjunct;
    a person said to serve a force is that force ("a man working for the military security")."""
    direct = actor_in([tok], actors, offset) or actor_in(np_tokens(tok), actors, offset)
    if direct is not None and direct.generic and direct.actor.name.startswith("Unidentified Armed Group"):
        named = next((m for t in np_tokens(tok) for m in (actor_in([t], actors, offset),)
                      if m is not None and not m.generic), None)
        if named is not None:
            return named                      # "sicarios from the Sinaloa Cartel", "gunmen of the Taliban"
    if direct is not None and direct.actor.actor_type is ActorType.CIVILIANS:
        served = actor_in(served_by(tok), actors, offset)
        if served is not None and served.actor.actor_type is not ActorType.CIVILIANS:
            return served
    if direct is not None:
        return direct
    for child in tok.children:
        if child.dep_ == "appos":
            found = actor_of(child, actors, offset)
            if found is not None:
                return found
    found = actor_in(served_by(tok), actors, offset)
    if found is not None and found.actor.actor_type is not ActorType.CIVILIANS:
        return found                          # "a man working for the regime's Military Security"
    return None


#: Verbs that tie a person to the force they serve ("a man working for the military security").
SERVE_LEMMAS = {"work", "serve", "belong", "join", "affiliate"}


def served_by(tok: Token) -> list[Token]:
    """The tokens of the force a person is said to serve or belong to ("working for X", "who had
    joined X", "affiliated to X"), or nothing."""
    out: list[Token] = []
    for child in tok.children:
        if child.dep_ in ("acl", "relcl") and child.lemma_.lower() in SERVE_LEMMAS:
            for obj in child.children:
                if obj.dep_ == "dobj":
                    out.extend(obj.subtree)
                elif obj.dep_ == "prep" and obj.lower_ in ("for", "with", "to", "in"):
                    out.extend(t for g in obj.children if g.dep_ == "pobj" for t in g.subtree)
    return out


RELATIVE_PRONOUNS = {"who", "which", "that", "whom"}


def _antecedent_of(subj: Token, verb: Token) -> Token:
    """"... YPG fighters, who took control of the village": the subject of a relative clause is the
    noun it hangs on."""
    if subj.lower_ in RELATIVE_PRONOUNS and verb.dep_ == "relcl":
        return verb.head
    return subj


def subject_of(verb: Token) -> tuple[Token | None, bool]:
    """(subject token, passive?) of a verb, inheriting the subject of a coordinated verb (up the
    chain of coordinated and complement verbs, at most MAX_CHAIN of them)."""
    for _ in range(MAX_CHAIN):
        for child in verb.children:
            if child.dep_ in ("nsubj", "csubj"):
                return _antecedent_of(child, verb), False
            if child.dep_ == "nsubjpass":
                return _antecedent_of(child, verb), True
        if verb.dep_ in ("conj", "xcomp", "advcl") and verb.head.pos_ in ("VERB", "AUX") and verb.head.i != verb.i:
            verb = verb.head
            continue
        if verb.dep_ == "pcomp" and verb.head.lower_ in GERUND_PREPOSITIONS and verb.head.head.pos_ in ("VERB", "AUX"):
            verb = verb.head.head             # "will advance to al-Bab after seizing Dabiq": the advancers seized it
            continue
        if verb.dep_ == "relcl":
            return verb.head, False
        if verb.dep_ == "acl" and verb.tag_ in ("VBN", "VBD"):
            if any(c.dep_ == "dobj" for c in verb.children):
                return verb.head, False    # "IS militants abducted 90 Christians", parsed as a participle
            return verb.head, True         # "26 militants killed in ...": the noun is the patient
        return None, False
    return None, False


MAX_CHAIN = 12
#: Prepositions of time or means whose gerund shares its clause's subject ("after seizing", "by shelling").
GERUND_PREPOSITIONS = {"after", "before", "while", "upon", "on", "by", "since", "following", "without"}


def subjects_of(verb: Token) -> list[Token]:
    """Every active subject a verb has (the parser sometimes gives two: "ERBIL, ... forces recaptured")."""
    own = [_antecedent_of(c, verb) for c in verb.children if c.dep_ in ("nsubj", "csubj")]
    if own:
        return own
    subj, passive = subject_of(verb)
    return [subj] if subj is not None and not passive else []


def agent_of(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ == "agent":
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    return pobj
    return None


def acting_tokens(verb: Token) -> list[Token]:
    """The tokens of the party that acts: the active subjects and the passive's "by" agent (of the
    verb a trigger noun is the object of: "carried out an air strike")."""
    if verb.pos_ == "NOUN" and verb.dep_ == "dobj":
        verb = verb.head
    if verb.pos_ not in ("VERB", "AUX"):
        return []
    parties = list(subjects_of(verb))
    agent = agent_of(verb)
    if agent is not None:
        parties.append(agent)
    return [t for p in parties for t in (p, *(c for c in p.children if c.dep_ == "compound"))]


def is_acting(top: Toponym, verb: Token, offset: int = 0) -> bool:
    """"Turkey shelled Tal Tamr", "struck by Israel": a country named as the party that acts is
    who did it (its state), not where it happened."""
    if not (top.place is not None and top.place.feature_code.startswith("PCL")):
        return False
    return any(tok.idx <= top.start - offset < tok.idx + len(tok) for tok in acting_tokens(verb))


#: Trigger classes whose subject (passive) or object can only be people: a place name there is a person's.
PEOPLE_ONLY_CLASSES = {"KILL", "EXECUTE", "ABDUCT", "ARREST", "SEXUAL"}


def is_victim_name(top: Toponym, hit_head: Token, klass: str, offset: int = 0) -> bool:
    """"Ahmad Khalil and Omar Saleh were killed": a name the gazetteer knows (a village 'Omar
    Saleh') that stands as the victim of a verb that harms only people is a person, not the place."""
    if klass not in PEOPLE_ONLY_CLASSES or hit_head.pos_ != "VERB" or top.place is None \
            or top.place.feature_class != "P":
        return False
    victims = [c for c in hit_head.children if c.dep_ in ("nsubjpass", "dobj")]
    victims += [t for v in victims for t in v.conjuncts]
    return any(v.idx <= top.start - offset < v.idx + len(v) or any(
        t.idx <= top.start - offset < t.idx + len(t) for t in v.subtree if t.dep_ in ("compound", "flat"))
        for v in victims if v.pos_ == "PROPN")


TIME_WORDS = {w.lower() for w in WEEKDAYS} | set(MONTHS) | {
    "morning", "afternoon", "evening", "night", "dawn", "dusk", "midnight", "noon", "day", "week", "weekend",
    "month", "year", "today", "yesterday"}


def objects_of(head: Token, preps: tuple[str, ...] = ()) -> list[Token]:
    """Direct objects and objects of the named prepositions, with their conjuncts."""
    direct = [c for c in head.children if c.dep_ in ("dobj", "attr", "oprd") and c.pos_ != "ADJ"]   # not "dead"
    by_prep = [g for c in head.children if c.dep_ in ("prep", "agent") and c.lower_ in preps
               for g in c.children if g.dep_ == "pobj" and g.lower_ not in TIME_WORDS]   # not "on Monday"
    out = direct + by_prep
    more = []
    for tok in out:
        more.extend(t for t in tok.conjuncts)
    return out + more


def prep_objects(head: Token, preps: tuple[str, ...]) -> list[Token]:
    out = []
    for child in head.children:
        if child.dep_ in ("prep", "agent") and child.lower_ in preps:
            for g in child.children:
                if g.dep_ == "pobj":
                    out.append(g)
                    out.extend(g.conjuncts)
    return out


def victim_kind(tok: Token | None, actor: ActorMention | None) -> str:
    """"civilian", "armed" or "" for the target of a violent verb."""
    if tok is not None and any(t.lemma_.lower() in ARMED_WORDS | {"military", "security", "intelligence"}
                               for t in served_by(tok)):
        return "armed"                # "a man working for the military security service"
    if actor is not None:
        return "civilian" if actor.actor.actor_type is ActorType.CIVILIANS else "armed"
    if tok is None:
        return ""
    for t in np_tokens(tok):
        lemma = t.lemma_.lower()
        if lemma in ARMED_WORDS or t.lower_ in ARMED_WORDS:
            return "armed"
    for appos in (c for c in tok.children if c.dep_ == "appos"):     # "Ali Hamad, an IS commander"
        if any(t.lemma_.lower() in ARMED_WORDS for t in np_tokens(appos)):
            return "armed"
    for t in np_tokens(tok):
        if t.lemma_.lower() in CIVILIAN_WORDS or t.lower_ in CIVILIAN_WORDS:
            return "civilian"
    if tok.pos_ == "NOUN" and is_person_noun(tok):
        return "civilian"           # "killed a pediatrician": a person not said to be armed is a civilian
    return ""


#: Endings of English nouns for people by what they do ("pediatrician", "journalist", "shopkeeper").
_PERSON_ENDINGS = tuple(sorted(lexicon.words("person_endings")))
#: Words with a person's ending that are not people (plus "member" and "minister", which a count
#: before them names as people only through the group: "a member of HTS").
_NOT_PEOPLE = lexicon.words("person_ending_exceptions") | {"member", "minister"}


def is_person_noun(tok: Token) -> bool:
    """A common noun for a person by occupation or kin, read off its ending: the victims of a
    killing are people, and an occupation that is not a fighter's makes them civilians (the ACLED
    codebook's test for an Attack: the victims were unarmed)."""
    lemma = tok.lemma_.lower()
    return lemma not in _NOT_PEOPLE and lemma.endswith(_PERSON_ENDINGS) and len(lemma) > 4


def toponyms_in_clause(head: Token, toponyms: list[Toponym], offset: int = 0) -> list[Toponym]:
    """Places whose words sit in the same clause as the trigger."""
    clause = clause_head(head)
    out = []
    for top in toponyms:
        span = head.doc.char_span(top.start - offset, top.end - offset, alignment_mode="expand")
        if span is None:
            continue
        if clause_head(span.root) == clause:
            out.append(top)
    return out


def is_reference(top: Toponym, text: str, offset: int = 0) -> bool:
    """A place named as a landmark for another ("east of X", "near X", "X km from Y")."""
    before = text[max(0, top.start - offset - 40):top.start - offset]
    return bool(REFERENCE_BEFORE.search(before))


def is_road(top: Toponym, text: str, offset: int = 0) -> bool:
    before = text[max(0, top.start - offset - 40):top.start - offset]
    return bool(ROAD_BEFORE.search(before))


def is_near(top: Toponym, text: str, offset: int = 0) -> bool:
    before = text[max(0, top.start - offset - 30):top.start - offset]
    return bool(NEAR_BEFORE.search(before)) or top.relation not in ("",)


def fatalities_near(head: Token, numbers: list[Mention], offset: int = 0) -> Mention | None:
    """The death toll that belongs to a trigger: a count on the victims of a killing verb, on "dead"
    or "killed" in the trigger's clause, or in "death toll of N"."""
    doc = head.doc
    clause = clause_head(head)
    by_start = {m.start - offset: m for m in numbers}
    death_tokens = [t for t in doc if (t.lemma_.lower() in DEATH_WORDS or t.lower_ in DEATH_WORDS)
                    and (clause_head(t) == clause or t.head == head or t == head
                         or clause_head(t).head in (head, clause)
                         or clause.dep_ == "advcl" and clause.head == clause_head(t))]   # "... killed when X exploded"
    if head.lemma_.lower() in DEATH_WORDS:
        death_tokens.insert(0, head)
    for death in death_tokens:
        if is_negated(death) and death is not head or with_the_wounded(death):
            continue
        candidates: list[Token] = []
        if death.pos_ in ("VERB",):
            killer = (death.lemma_.lower() in KILLERS_OF or kills_outright(death)) \
                and any(c.dep_ == "dobj" for c in death.children)
            for child in death.children:
                if child.dep_ in ("dobj", "nsubjpass") or child.dep_ == "nsubj" and not killer:
                    candidates.append(child)
                    candidates.extend(child.conjuncts[:0])
            if death.dep_ in ("acl", "relcl") and death.head.pos_ in ("NOUN", "PROPN", "NUM"):
                candidates.append(death.head)
        elif death.lower_ in ("dead", "toll", "deaths", "death", "fatalities", "casualties", "bodies"):
            candidates.append(death)
            candidates.extend(c for c in death.children if c.dep_ in ("pobj", "prep"))
            if death.dep_ in ("amod", "acomp", "oprd") or death.lower_ == "dead":
                candidates.append(death.head)
                killing = kills_outright(death.head) and any(c.dep_ == "dobj" for c in death.head.children)
                candidates.extend(c for c in death.head.children if c.dep_ in ("dobj", "nsubj", "nsubjpass", "npadvmod")
                                  and not (killing and c.dep_ == "nsubj"))   # "two gunmen shot dead a member"
        for cand in candidates:
            if death.lower_ in ("casualties",):
                continue
            personal = death.lemma_.lower() in KILLERS_OF or death.lower_ == "dead"   # only people die so
            found = _count_of(cand, by_start) or _one_victim(cand, offset, any_noun=personal)
            if found is None:
                continue
            parts = [found] + [m for m in (_count_of(c, by_start) for c in cand.conjuncts) if m is not None]
            if len(parts) == 1:
                return found
            total = sum(int(m.label) for m in parts)     # "twelve soldiers and five militants"
            first, last = min(parts, key=lambda m: m.start), max(parts, key=lambda m: m.end)
            text = doc.text[first.start - offset:last.end - offset]
            return Mention("number", first.start, last.end, text, str(total))
    return None


#: Verbs whose active subject is the one who kills ("two gunmen killed a man": one dead).
KILLERS_OF = frozenset({"kill", "murder", "execute", "massacre", "assassinate", "slay", "behead", "lynch"})


def kills_a_person(hit: Hit) -> bool:
    """A trigger that can only kill a person: "murdered", "assassinated", "shot dead", "gunned down"."""
    return hit.head.lemma_.lower() in ONLY_PEOPLE_LEMMAS or kills_outright(hit.head) \
        or len(hit.span) > 1 and hit.span[-1].lower_ in ("dead", "down")


def kills_outright(verb: Token) -> bool:
    """"Shot dead", "gunned down": a verb whose particle or complement says its victim died."""
    return any(c.lower_ in ("dead", "down") for c in verb.children)


INJURY_LEMMAS = ("wound", "injure", "hurt", "wounded", "injured")


def with_the_wounded(death: Token) -> bool:
    """"Five soldiers were killed and wounded", "left 12 dead or injured": one count for the dead
    and the wounded together is no death toll (the wounded are never counted as dead). A wounding
    verb with its own victims ("killed two and wounded five") keeps the dead apart."""
    doc = death.doc
    if death.i + 2 < len(doc) and doc[death.i + 1].lower_ in ("and", "or", "&") and (
            doc[death.i + 2].lemma_.lower() in INJURY_LEMMAS or doc[death.i + 2].lower_ in INJURY_LEMMAS):
        return True                           # "left several soldiers dead and wounded", however parsed
    for other in death.conjuncts:
        if other.lemma_.lower() in INJURY_LEMMAS or other.lower_ in INJURY_LEMMAS:
            if not any(c.dep_ in ("dobj", "nsubj", "nsubjpass", "npadvmod", "aux", "auxpass") for c in other.children) \
                    and not _own_victims_between(death, other):   # ("... and two were injured": its own clause)
                return True                   # ("and a third wounded": the third is the wounding's own)
            if death.i < other.i and not any(c.dep_ in ("dobj", "nsubjpass") for c in death.children) \
                    and any(c.dep_ == "dobj" for c in other.children) \
                    and not any(c.dep_ in ("nsubj", "nsubjpass") for c in other.children):
                return True                   # "killed or wounded nine soldiers": one object for both
    return False


def _own_victims_between(death: Token, wound: Token) -> bool:
    """"One civilian was killed and five others were injured", parsed with "others" hung on
    "killed": a noun phrase between the two verbs is the wounding's own subject."""
    lo, hi = sorted((death.i, wound.i))
    return any(t.pos_ in ("NOUN", "PRON", "NUM") and t.dep_ in ("conj", "nsubj", "nsubjpass")
               and t.head.i in (death.i, wound.i) for t in death.doc[lo + 1:hi])


def headline_passive(verb: Token) -> bool:
    """"Soldier killed in blast", "SDF fighter shot dead in Hasakah": a verb that only kills,
    written as a bare participle with a subject and no object, is a passive with its auxiliary
    left out (in running text an active killing always has its victim as object)."""
    return verb.tag_ in ("VBN", "VBD") and (verb.lemma_.lower() in KILLERS_OF or kills_outright(verb)) \
        and not any(c.dep_ in ("dobj", "aux", "auxpass", "ccomp", "xcomp", "attr", "oprd") for c in verb.children) \
        and not any(c.dep_ == "conj" and any(g.dep_ == "dobj" for g in c.children) for c in verb.children)


def _one_victim(cand: Token, offset: int, any_noun: bool = False) -> Mention | None:
    """"killed a doctor", "an officer was shot dead": one person named in the singular is a toll of 1
    (any singular noun where the words can only harm a person: "a constable was shot dead")."""
    det = next((c for c in cand.children if c.dep_ in ("det", "nummod") and c.lower_ in ("a", "an", "one")), None)
    if det is None and (cand.dep_ == "nsubj" and headline_passive(cand.head) or cand.dep_ == "ROOT" and any(
            c.dep_ == "acl" and c.tag_ == "VBN" and (c.lemma_.lower() in KILLERS_OF or kills_outright(c))
            for c in cand.children)) and not any(c.dep_ in ("det", "nummod", "poss") for c in cand.children):
        det = cand                            # "Soldier killed in blast": a headline's bare noun is one person
    if det is None or cand.tag_ not in ("NN",) or cand.lemma_.lower() in _NOT_PEOPLE - {"member", "minister"}:
        return None
    if cand.lemma_.lower() in NOT_PERSONS or not (any_noun or cand.lemma_.lower() in ARMED_WORDS | CIVILIAN_WORDS
                                                  or is_person_noun(cand)):
        return None
    return Mention("number", det.idx + offset, cand.idx + len(cand) + offset,
                   cand.doc.text[det.idx:cand.idx + len(cand)], "1")


_COUNT_DEPS = ("nummod", "dobj", "nsubj", "nsubjpass", "pobj", "quantmod", "amod", "compound", "npadvmod",
               "det", "appos", "attr")


def _count_of(cand: Token, by_start: dict[int, Mention]) -> Mention | None:
    """The count on a victims' noun phrase (not inside its conjuncts); a verb is no noun phrase, its
    subject and object are looked at apart ("a few moments ago a man was shot dead": the man)."""
    if cand.pos_ in ("VERB", "AUX"):
        return None
    skip = {t.i for c in cand.children if c.dep_ == "conj" for t in c.subtree}
    for tok in [cand, *cand.subtree]:
        if tok.i in skip:
            continue
        mention = by_start.get(tok.idx)
        if mention is not None and tok.dep_ in _COUNT_DEPS and not is_age(tok) and not is_label(tok):
            return mention
    return None


LABEL_WORDS = lexicon.words("label_words")
#: Month names and their abbreviations, lower case.
MONTH_WORDS = frozenset({m.lower() for m in MONTHS} | {m.lower()[:3] for m in MONTHS} | {"sept"})


def is_label(tok: Token) -> bool:
    """"Oct 08", "9 June", "a Grade 9 student", "Highway 1": a number that is a day of the month or
    names something, not a count of people."""
    doc = tok.doc
    before = doc[tok.i - 1].lower_.rstrip(".") if tok.i > 0 else ""
    after = doc[tok.i + 1].lower_.rstrip(".") if tok.i + 1 < len(doc) else ""
    day = tok.like_num and tok.text.isdigit() and int(tok.text) <= 31 and (before in MONTH_WORDS or after in MONTH_WORDS)
    if before == ")":                         # "Light Infantry Battalion (LIB) 407": the unit's number
        j = tok.i - 2
        while j > 0 and doc[j].text != "(" and tok.i - j < 6:
            j -= 1
        if j > 0 and doc[j].text == "(" and doc[j - 1].lower_ in LABEL_WORDS:
            return True
    return day or before in LABEL_WORDS


def is_age(tok: Token) -> bool:
    """"Set Aung, 35, and his son", "a man aged 40": a number after a name between commas, or after
    "aged", is the person's age, not a count of people."""
    doc = tok.doc
    before = doc[tok.i - 1] if tok.i > 0 else None
    if before is not None and before.lower_ in ("aged", "age"):
        return True
    after = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
    j = tok.i - 1
    if before is not None and before.lower_ in ("approximately", "about", "around", "roughly"):
        j -= 1                        # "Jessica Romero, approximately 25, a neighbour"
        before = doc[j] if j >= 0 else None
    return before is not None and before.text == "," and j > 0 and doc[j - 1].pos_ == "PROPN" \
        and (after is None or after.text in (",", ".", ")", ";") or after.lower_ in ("and", "was", "were"))


def certainty_of(sent: Span, head: Token, next_text: str = "") -> tuple[Certainty, Span | None]:
    """REPORTED unless the sentence hedges (UNCONFIRMED), attributes to anonymous sources
    (UNCONFIRMED) or to a named party (CLAIMED); a following "This unconfirmed information" hedges too."""
    hedge = HEDGES.search(sent.text)
    if hedge:
        return Certainty.UNCONFIRMED, sent.char_span(hedge.start() + sent.start_char,
                                                     hedge.end() + sent.start_char, alignment_mode="expand")
    cur = head
    for _ in range(6):
        if cur.head.i == cur.i:
            break
        cur = cur.head
        if cur.lemma_.lower() in SAY_VERBS and cur.pos_ == "VERB":
            subj, _passive = subject_of(cur)
            words = {t.lower_ for t in (np_tokens(subj) if subj is not None else [])}
            evidence = sent.doc[subj.left_edge.i:cur.i + 1] if subj is not None else sent.doc[cur.i:cur.i + 1]
            if words & ANONYMOUS_SOURCES and not words & {"official", "officials", "ministry", "spokesman"}:
                return Certainty.UNCONFIRMED, evidence
            return Certainty.CLAIMED, evidence
    according = re.search(r"\baccording to\s+([^,.;]+)", sent.text, re.I)
    if according:
        words = set(according.group(1).lower().split())
        ev = sent.char_span(according.start() + sent.start_char, according.end() + sent.start_char,
                            alignment_mode="expand")
        if words & ANONYMOUS_SOURCES:
            return Certainty.UNCONFIRMED, ev
        return Certainty.CLAIMED, ev
    if next_text and LATER_HEDGE.search(next_text):
        return Certainty.UNCONFIRMED, None
    return Certainty.REPORTED, None


def number_value(mention: Mention) -> int:
    return int(mention.label)


def is_vague(mention: Mention) -> bool:
    return mention.text.lower() in VAGUE
