"""Death tolls read off a sentence's words, ACLED's way, for when the parse does not say whose.

The small English parser often misattaches a count ("Twelve soldiers and twenty IS militants were
killed" parses "IS" as a verb), so besides the parse (`arguments.fatalities_near`) a sentence's toll
is read from its surface: a count belongs to the nearest harm word, death or injury ("one soldier
was killed and four were wounded": one dead), so the wounded are never counted as dead. The rules
follow the ACLED codebook's "Reported fatalities" section:

- counts in words or digits, "a/an/one <person>" is 1, vague words by `ontology.VAGUE_FATALITIES`;
- "at least N", "more than N", "nearly N", "some N" are N (ACLED takes the most conservative figure);
- a range ("between 10 and 15", "10-15", "10 to 15") is low 10, high 15 (ACLED's figure is the low);
- the dead of both sides in one sentence are summed ("12 soldiers and 20 militants were killed"),
  but not a part of them ("five civilians, including two children": five);
- a count of something other than people (years, kilometres, hours, percent) is no toll;
- a running tally ("since March 2019, the Observatory has documented the killing of 1,170
  soldiers", "in the same period", "so far this year") counts many events, not this one: ACLED
  codes each event's own dead, so a tally is no event's toll (`is_tally`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Span, Token

from kharita.events import lexicon
from kharita.events.arguments import (
    ARMED_WORDS, CIVILIAN_WORDS, KILLERS_OF, MONTH_WORDS, ONLY_PEOPLE_LEMMAS, SAY_VERBS, clause_head, is_age, is_label,
    is_person_noun, kills_outright, with_the_wounded,
)
from kharita.models import Mention
from kharita.nlp.dates import MONTHS as DATE_MONTHS

DEATH_FORMS = lexicon.words("death_forms")
#: Other fates a count can have: "killed and more than 4,500 arrested" counts 4,500 as arrested, not dead.
OTHER_FATES = lexicon.words("other_fates")
INJURY_FORMS = lexicon.words("injury_forms")
#: A count followed by one of these is not of people.
NOT_PEOPLE_UNITS = lexicon.words("not_people_units")
LOW_WORDS = lexicon.words("low_words")
NOT_PERSONS = lexicon.words("not_persons")
PERPETRATORS = lexicon.words("perpetrator_nouns")
COMPANION_WORDS = lexicon.words("companion_words")
PERSON_NOUNS = lexicon.words("person_nouns")
ANIMALS = lexicon.words("animal_words")
PEOPLE_WORDS = (ARMED_WORDS | CIVILIAN_WORDS | COMPANION_WORDS | PERSON_NOUNS
                | {"other", "others", "person", "persons", "people", "them", "those"}) - NOT_PERSONS


#: A month in a tally phrase: spelled out or abbreviated ("since Feb. 1", "from Sept to Nov").
_MONTH = "(?:" + "|".join(DATE_MONTHS) + r"|(?:jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.?)"
#: The tally phrases of the lexicon, months spelled out.
TALLY = re.compile(r"\b(?:" + "|".join(
    sorted(p.replace("{month}", _MONTH) for p in lexicon.words("tally_phrases"))) + r")(?!\w)", re.I)


SUPERLATIVES = lexicon.words("superlatives")
EVENT_TALLY = re.compile("|".join(sorted(lexicon.words("event_tallies"))), re.I)
TOLL_VERBS = lexicon.words("toll_verbs")


def is_tally(text: str) -> bool:
    """Whether a sentence counts the dead of a period, not of one event ("the deadliest attack in ten
    years" is a comparison, not a tally)."""
    return any(True for _match in _tallies(text))


def _tallies(text: str):
    for match in TALLY.finditer(text):
        before = re.findall(r"[\w-]+", text[max(0, match.start() - 40):match.start()].lower())
        if not SUPERLATIVES.intersection(before[-4:]):
            yield match


#: Arcs that attach a clause or phrase to a noun: what is said there describes that noun, not the event.
NOUN_MODIFIERS = ("appos", "relcl", "acl")


def tally_over(span: Span, head: Token) -> bool:
    """Whether a period phrase in `span` (a clause of the parsed sentence) makes the event of trigger
    `head` a tally. A phrase inside a description of a named place or person that the trigger is not
    part of tells of that place or person, not of the event ("swapped prisoners near Aleppo, a city
    that has seen heavy fighting in recent weeks" is one exchange)."""
    for match in _tallies(span.text):
        if EVENT_TALLY.fullmatch(match.group()):
            continue                          # "raids during the past two days", "in two separate attacks": events
        at = span.start_char + match.start()
        tok = next((t for t in span if t.idx <= at < t.idx + len(t.text) + 1), None)
        if tok is None:
            return True
        if not any(a.dep_ in NOUN_MODIFIERS and head not in a.subtree and _names_something(a.head)
                   for a in (tok, *tok.ancestors)):
            return True
    return False


def _names_something(noun: Token) -> bool:
    """A name (a proper noun or a capitalised word inside the sentence), or a common noun set beside
    one ("Homs, a city that ..."): a description of it is about that place or person."""
    def named(tok: Token) -> bool:
        return tok.pos_ == "PROPN" or tok.text[:1].isupper() and not tok.is_sent_start
    return named(noun) or noun.dep_ == "appos" and named(noun.head) or any(   # "the city of Aleppo, the scene of ..."
        c.dep_ == "prep" and c.lower_ == "of" and any(g.dep_ == "pobj" and named(g) for g in c.children)
        for c in noun.children)


@dataclass(frozen=True, slots=True)
class Toll:
    """A sentence's dead: the count (ACLED's figure, the low one) and the high end of a range."""

    mention: Mention
    high: int


def sentence_toll(sent: Span, numbers: list[Mention], offset: int = 0) -> Toll | None:
    """The dead the sentence reports, or None when it reports no count of dead (or only a tally)."""
    if is_tally(sent.text) and not any(t.text in (";", ":") for t in sent):
        return None
    doc = sent.doc
    harms = [(t.i, "death" if _is_death(t) and not with_the_wounded(t) else "other") for t in sent   # "killed and
             if _is_death(t) or _is_injury(t) or t.lower_ in OTHER_FATES]             # injured": not only dead
    if not any(kind == "death" for _i, kind in harms):
        return None
    counts = [c for c in _counts(sent, numbers, offset) if not _in_tally(sent, c[0])]
    dead: list[tuple[Token, Token, int, int]] = []
    heads = {c[1].i for c in counts} | {c[1].head.i for c in counts if c[1].dep_ == "nummod"}
    for first, last, low, high in counts:
        node = last.head if last.dep_ == "nummod" else last
        if any(a.i in heads for a in node.ancestors) and node.dep_ in ("pobj", "appos") \
                and not _beside(last):
            continue                          # "a member of a partner group", "one civilian, a child": one person
        fate = _governing_fate(first, last)
        if fate == "perpetrators":
            continue
        named_person = fate == "death" and last.pos_ == "NOUN" and last.lower_ not in PERPETRATORS and (
            last.lemma_.lower() in PEOPLE_WORDS or is_person_noun(last))
        if not named_person and not _of_people(doc, last, sent.end):
            continue                          # "the death of a regime soldier": a person already
        if fate != "death" and (last.lower_ in PERPETRATORS or _counts_perpetrators(doc, last, sent.end)):
            continue                          # "one of its suicide bombers blew himself up, killing 20"
        if fate is None:
            fate = min(harms, key=lambda h: (_gap(h[0], first.i, last.i), h[0] < first.i))[1]
        if fate == "death":
            dead.append((first, last, low, high))
    if not dead:
        named = _named_victims(sent)
        if named:                             # "Set Aung, his son and Myint Ngwe were killed": three
            first, last = named[0], named[-1]
            return Toll(Mention("number", first.idx + offset, last.idx + len(last) + offset,
                                doc.text[first.idx:last.idx + len(last)], str(len(named))), len(named))
        one = _named_victim(sent)
        return Toll(Mention("number", one.idx + offset, one.idx + len(one) + offset, one.text, "1"), 1) \
            if one is not None else None
    dead = _one_fight(dead)
    start = dead[0][0].idx
    end = dead[-1][1].idx + len(dead[-1][1])
    low, high = sum(d[2] for d in dead), sum(d[3] for d in dead)
    named = _named_victims(sent)
    if len(named) > high and all(named[0].i <= d[1].i <= named[-1].i for d in dead):
        start, end = min(start, named[0].idx), named[-1].idx + len(named[-1])   # "a farmer and his wife": two,
        low = high = len(named)                                                 # not the first one's "a"
    text = doc.text[start:end]
    if any(_beside(d[1]) for d in dead):
        one = _named_victim(sent)             # "Nagiali was killed along with his six colleagues": seven
        if one is not None and not any(d[0].i <= one.i <= d[1].i for d in dead):
            low, high = low + 1, high + 1
    return Toll(Mention("number", start + offset, end + offset, text, str(low)), high)


def _beside(tok: Token) -> bool:
    """"A commander with his six colleagues", "along with her two companions": people besides the
    one just counted, not the same person told again."""
    noun = tok if tok.pos_ in ("NOUN", "PROPN") else tok.head
    prep = noun.head if noun.dep_ == "pobj" else None
    return prep is not None and prep.lower_ == "with" and any(
        c.dep_ == "poss" or c.lower_ in COMPANION_WORDS for c in (noun, *noun.children))


def _one_fight(dead: list[tuple[Token, Token, int, int]]) -> list[tuple[Token, Token, int, int]]:
    """The counts of the dead that add up to one toll: those of the first count's clause and of the
    clauses joined to it ("12 soldiers were killed and five militants died"), not of a clause that
    tells another event ("after seven troops were killed, the army killed 13 fighters")."""
    def clause(tok: Token) -> Token:
        return clause_head(tok)

    first = clause(dead[0][1])
    joined = {first.i, *(t.i for t in first.conjuncts)}
    joined |= {c.i for c in first.children if c.dep_ == "advcl" and any(   # "... left seven soldiers dead,
        m.dep_ == "mark" and m.lower_ in ("while", "whereas") for m in c.children)}   # while IS lost five"
    return [d for d in dead if clause(d[1]).i in joined]


def counts_people(doc, mention: Mention, offset: int = 0) -> bool:
    """Whether a count the parse gave as a toll counts people (not villages, years or vehicles)."""
    span = doc.char_span(mention.start - offset, mention.end - offset, alignment_mode="expand")
    if span is None:
        return True
    value = int(mention.label)
    if is_year(span[0], value):
        return False
    if span[-1].i + 1 >= len(doc):
        return True
    return _of_people(doc, span[-1], len(doc)) or not any(
        doc[j].lower_ in NOT_PEOPLE_UNITS for j in range(span[-1].i + 1, min(len(doc), span[-1].i + 4)))


def _named_victim(sent: Span) -> Token | None:
    """"Mbang Colbert was shot dead", "the mayor was killed", "killed the teacher", "killing him",
    "causing his death", "the assassination of a party official": one person, by name, a singular
    noun or a singular pronoun, is a toll of one."""
    for tok, victims in the_dead(sent):
        if tok.pos_ == "NOUN" and tok.tag_ != "NN":
            continue                          # "the deaths of": more than one
        only_people = tok.lemma_.lower() in ONLY_PEOPLE or tok.lower_ in ONLY_PEOPLE or kills_outright(tok)
        for victim in victims:
            if _one_person(victim, only_people):
                return victim
    return None


def _named_victims(sent: Span) -> list[Token]:
    """People told one by one as the dead ("Set Aung, his son Maung Poe and Myint Ngwe were
    killed"): each conjunct a single person, two or more of them."""
    for tok, victims in the_dead(sent):
        if tok.pos_ == "NOUN" and tok.tag_ != "NN":
            continue
        for victim in victims:
            people = [victim, *victim.conjuncts]
            if len(people) > 1 and all(_a_person(p) for p in people):
                return sorted(people, key=lambda t: t.i)
    return []


def _a_person(tok: Token) -> bool:
    """One person, named or by a singular person noun ("Myint Ngwe", "his son")."""
    lemma = tok.lemma_.lower()
    return tok.tag_ == "NNP" or tok.tag_ == "NN" and lemma not in NOT_PERSONS and (
        lemma in PEOPLE_WORDS or is_person_noun(tok) or lemma in ("son", "daughter", "wife", "husband", "brother",
                                                                  "sister", "father", "mother"))


def the_dead(sent: Span) -> list[tuple[Token, list[Token]]]:
    """Each word of death in the sentence with the heads of the noun phrases it says died: the
    subject of a passive or of "die", the object of "kill", the owner or "of" object of "the death
    of", "his death"."""
    out = []
    for tok in sent:
        lethal = _is_death(tok) or kills_outright(tok) or any(
            c.dep_ == "dobj" and any(g.lower_ == "dead" for g in c.children) for c in tok.children)  # "shot dead"
        if not lethal:
            continue
        if tok.pos_ == "VERB":
            reduced = tok.tag_ == "VBN" and not any(c.dep_ in ("dobj", "aux") for c in tok.children)
            victims = [c for c in tok.children if c.dep_ in ("nsubjpass", "dobj")
                       or c.dep_ == "nsubj" and (tok.lemma_.lower() in ("die", "perish") or reduced)]
            # ("... and the driver killed": a passive without its auxiliary)
        elif tok.pos_ == "NOUN":
            victims = [c for c in tok.children if c.dep_ == "poss"]
            victims += [g for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"
                        for g in c.children if g.dep_ == "pobj"]
        else:
            continue
        if victims:
            out.append((tok, victims))
    return out


#: Words whose victim can only be a person ("killed a clerk", "the murder of a trader"), so any singular
#: noun after them is one; "executed a plan" or "the death of the talks" are not, so "execute" and
#: "death" take a person noun.
ONLY_PEOPLE = frozenset(ONLY_PEOPLE_LEMMAS - {"execute"} | {"killing", "assassination", "assassinated", "murdered",
                                                            "killed"})


def _one_person(tok: Token, any_noun: bool = False) -> bool:
    """A single person: a name not joined to others, a singular person noun (any singular noun where
    the word can only harm a person), "him" or "her"."""
    if any(c.dep_ == "conj" for c in tok.children):
        return False
    if tok.tag_ == "NNP":
        return True
    if tok.tag_ == "PRP" or tok.tag_ == "PRP$":
        return tok.lower_ in ("him", "her", "his", "he", "she")
    lemma = tok.lemma_.lower()
    return tok.tag_ == "NN" and lemma not in NOT_PERSONS and lemma not in NOT_PEOPLE_UNITS and (
        any_noun or lemma in PEOPLE_WORDS or is_person_noun(tok))


def _governing_fate(first: Token, last: Token) -> str | None:
    """The fate the parse gives a count: the verb whose subject or object its noun phrase is
    ("three security personnel were wounded": wounded), None when the parse says nothing."""
    noun = last if last.pos_ in ("NOUN", "PROPN", "PRON") or last.dep_ in (
        "nsubj", "nsubjpass", "dobj", "pobj", "conj", "appos") else last.head   # "seven more were wounded"
    if noun.dep_ == "pobj" and noun.head.lower_ == "of":
        owner = noun.head.head
        if _is_death(owner):
            return "death"                   # "the death of a soldier", "the killing of 12"
        if _is_injury(owner) or owner.lower_ in OTHER_FATES:
            return "other"                   # "the arrest of two leaders", "the wounding of ten"
    if any(t.dep_ == "agent" for t in (noun, *noun.ancestors)):
        return "perpetrators"                # "shot dead by one of 50 rebels"
    if noun.dep_ == "conj" and noun.head.pos_ == "VERB":   # "... was killed and five others were injured",
        verb = next((t for t in noun.doc[noun.i + 1:noun.sent.end] if t.pos_ == "VERB" and t.dep_ == "conj"
                     and t.head.i == noun.head.i), None)                                    # misparsed
        if verb is not None and (_is_injury(verb) or verb.lower_ in OTHER_FATES):
            return "other"
        if verb is not None and _is_death(verb):
            return "death"
    if noun.dep_ == "nsubj" and noun.head.lemma_.lower() in SAY_VERBS and noun.i < noun.head.i and any(
            t.i > noun.head.i and _is_death(t) for t in noun.head.subtree):
        return "perpetrators"                # "two locals confirmed that troops killed a farmer": sources
    if any(c.dep_ == "amod" and c.lower_ in ("dead", "slain", "murdered") for c in noun.children):
        return "death"                       # "located two dead men", "the slain soldiers"
    for tok in (noun, noun.head):
        if tok.dep_ in ("nsubj", "nsubjpass", "dobj") and tok.head.pos_ in ("VERB", "AUX"):
            verb = tok.head
            if tok.dep_ in ("nsubj", "nsubjpass") and any(
                    _is_death(c) and not any(g.dep_ in ("nsubj", "nsubjpass", "dobj") for g in c.children)
                    for c in verb.conjuncts):
                return "death"               # "a man was attacked by gunmen and died minutes later"
            if tok.dep_ == "nsubj" and (verb.lemma_.lower() in KILLERS_OF or _is_death(verb)) and any(
                    c.dep_ == "dobj" for c in verb.children):
                return "perpetrators"        # "two gunmen killed a young man": the killers, not the dead
            if with_the_wounded(verb) or any(c.lower_ == "dead" and with_the_wounded(c) for c in verb.children):
                return "other"                   # "five were killed and wounded": dead and wounded in one count
            if _is_death(verb) or any(c.lower_ == "dead" for c in verb.children):
                return "death"
            if _is_injury(verb) or verb.lower_ in OTHER_FATES:
                return "other"
            if verb.pos_ == "VERB" and verb.lemma_.lower() not in TOLL_VERBS:
                return "other"               # "affected 2,000 civilians", "took four people away"
            return None
    return None


def _in_tally(sent: Span, tok: Token) -> bool:
    """Whether the count sits in a part of the sentence (between semicolons) that is a tally."""
    start = max((t.i for t in sent if t.i < tok.i and t.text in (";", ":")), default=sent.start - 1) + 1
    end = min((t.i for t in sent if t.i > tok.i and t.text in (";", ":")), default=sent.end)
    return is_tally(sent.doc[start:end].text)


def _is_death(tok: Token) -> bool:
    return tok.lower_ in DEATH_FORMS or tok.lemma_.lower() in ("kill", "die", "murder", "execute", "massacre") \
        or tok.lemma_.lower() in ("gun", "shoot") and kills_outright(tok) or _fatally(tok) or _lost_people(tok)


def _lost_people(tok: Token) -> bool:
    """"IS lost five members", "the army lost twelve soldiers": a party losing people is their death
    (losing a town, control or ground is not)."""
    return tok.lemma_.lower() == "lose" and any(
        c.dep_ == "dobj" and c.lemma_.lower() in PEOPLE_WORDS | {"member", "man", "fighter"} for c in tok.children)


def _fatally(tok: Token) -> bool:
    """"Fatally wounded", "mortally injured", "shot fatally": harmed to death, a death."""
    return any(c.dep_ == "advmod" and c.lower_ in ("fatally", "mortally") for c in tok.children)


def _is_injury(tok: Token) -> bool:
    return (tok.lower_ in INJURY_FORMS or tok.lemma_.lower() in ("wound", "injure")) and not _fatally(tok)


def _gap(harm: int, first: int, last: int) -> int:
    return first - harm if harm < first else harm - last


def _counts(sent: Span, numbers: list[Mention], offset: int) -> list[tuple[Token, Token, int, int]]:
    """(first token, last token, low, high) of each count in the sentence, ranges joined and the
    singular "a doctor" counted as one."""
    doc = sent.doc
    by_start = {m.start - offset: m for m in numbers if sent.start_char <= m.start - offset < sent.end_char}
    out: list[tuple[Token, Token, int, int]] = []
    skip_to = -1
    for tok in sent:
        if tok.i <= skip_to:
            continue
        mention = by_start.get(tok.idx)
        if mention is not None:
            span = doc.char_span(mention.start - offset, mention.end - offset, alignment_mode="expand")
            if span is None:
                continue
            first, last = span[0], span[-1]
            value = int(mention.label)
            if is_age(first) or is_label(first) or is_year(first, value) or _is_day(doc, first, last, value) \
                    or _is_subset(doc, first, sent.start) \
                    or vague_multitude(mention):
                continue
            high = value
            nxt = _range_end(doc, last, by_start)
            if nxt is not None and (first.i > 0 and doc[first.i - 1].lower_ == "between"
                                    or doc[last.i + 1].text in ("-", "–", "to")):
                other, other_value = nxt
                if other_value > value:
                    high, last = other_value, other
            out.append((first, last, value, high))
            skip_to = last.i
        elif tok.lower_ in ("a", "an", "one") and tok.i + 1 < sent.end:
            noun = _person_after(doc, tok.i + 1, sent.end)
            if noun is not None:
                out.append((tok, noun, 1, 1))
                skip_to = noun.i
    return out


#: A count of dead above this is a tally of many events ("more than 300,000 people have been
#: murdered"), not one event's toll: ACLED codes each event's own dead.
ONE_EVENT_MOST = 1000


def vague_multitude(mention: Mention) -> bool:
    """"Killing thousands", "tens of thousands dead", "more than 300,000 murdered": no one event's
    toll is given in thousands, so such a count is a tally of many events (ACLED codes each event's
    own dead)."""
    if any(w in mention.text.lower() for w in ("thousands", "millions")):
        return True
    return mention.label.isdigit() and int(mention.label) > ONE_EVENT_MOST


def _range_end(doc, last: Token, by_start: dict[int, Mention]) -> tuple[Token, int] | None:
    """The upper count of "10 and 15", "10-15", "10 to 15" after `last`."""
    j = last.i + 2
    if j >= len(doc) or doc[last.i + 1].text not in ("and", "-", "–", "to"):
        return None
    mention = by_start.get(doc[j].idx)
    if mention is None:
        return None
    span = doc.char_span(doc[j].idx, doc[j].idx + len(mention.text), alignment_mode="expand")
    return (doc[j] if span is None else span[-1]), int(mention.label)


SUBSET_WORDS = lexicon.words("subset_words")


def _is_subset(doc, first: Token, start: int) -> bool:
    """"five civilians, including two children", "the bodies of 7 of them": a count of a part of
    the dead already counted."""
    if any(doc[j].lower_ in SUBSET_WORDS for j in range(max(start, first.i - 3), first.i)):
        return True
    after = " ".join(t.lower_ for t in doc[first.i + 1:first.i + 3])
    return after in ("of them", "of whom", "of those", "among them")


MONTHS = MONTH_WORDS


def _is_day(doc, first: Token, last: Token, value: int) -> bool:
    """"On June 9", "9 June": a day of the month, not a count."""
    if value > 31:
        return False
    before = doc[first.i - 1].lower_.rstrip(".") if first.i > 0 else ""
    after = doc[last.i + 1].lower_.rstrip(".") if last.i + 1 < len(doc) else ""
    return before in MONTHS or after in MONTHS


def is_year(tok: Token, value: int | None = None) -> bool:
    """A four-digit number from 1900 to 2100 ("in 2018", "a 2017 bombing"); `value` is its count if read."""
    value = value if value is not None else (int(tok.text) if tok.text.isdigit() else 0)
    return tok.like_num and len(tok.text) == 4 and 1900 <= value <= 2100


def _of_people(doc, last: Token, end: int) -> bool:
    """Whether the count counts people: a person noun, "of them", "others" within a few words, or a
    harm word right after it ("5 killed", "3 dead"); never a unit ("12 km", "five years")."""
    for j in range(last.i + 1, min(end, last.i + 5)):
        tok = doc[j]
        low = tok.lower_
        if low in NOT_PEOPLE_UNITS or tok.lemma_.lower() in NOT_PEOPLE_UNITS:
            return False
        if _is_death(tok) or _is_injury(tok) or low in ("were", "was", "have", "had", "are"):
            return True
        if tok.dep_ in ("amod", "compound") and tok.head.i > tok.i:
            continue                          # "hundreds of terrorist attacks": the noun after it counts
        if tok.lemma_.lower() in PEOPLE_WORDS or low in PEOPLE_WORDS or tok.pos_ == "NOUN" and is_person_noun(tok):
            return True
        if tok.pos_ in ("VERB", "PUNCT") and low not in (",",):
            return False
        if tok.pos_ == "NOUN" and last.head.i == tok.i and tok.dep_ in ("nsubjpass", "dobj") \
                and _is_death(tok.head) and tok.lemma_.lower() not in ANIMALS:
            return True                       # "two BIFF radicals ... were killed": only people are killed so
        if tok.pos_ == "NOUN" and not (tok.dep_ == "compound" and tok.head.i > tok.i):
            return False                      # the count's own noun is no person: "a few moments ago a man"
    return False


def _counts_perpetrators(doc, last: Token, end: int) -> bool:
    for j in range(last.i + 1, min(end, last.i + 6)):
        if doc[j].lower_ in PERPETRATORS:
            return True
        if doc[j].pos_ in ("VERB", "AUX", "PUNCT"):
            return False
    return False


def _person_after(doc, start: int, end: int) -> Token | None:
    """The person noun of "a [young] doctor", within three words; None for "a number", "a car"."""
    for j in range(start, min(end, start + 3)):
        tok = doc[j]
        while tok.pos_ in ("NOUN", "PROPN") and tok.dep_ == "compound" and tok.i < tok.head.i < end:
            tok = tok.head                    # "a police patrol": the patrol; "a regime army defector"
        if tok.pos_ == "NOUN":
            lemma = tok.lemma_.lower()
            if tok.tag_ == "NN" and lemma not in NOT_PERSONS and (lemma in ARMED_WORDS | CIVILIAN_WORDS
                                                                 or is_person_noun(tok)):
                return tok
            return None
        if tok.pos_ not in ("ADJ", "NOUN", "PROPN"):
            return None
    return None
