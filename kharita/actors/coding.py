"""Actor coding: find the actors a text names and code each one to the dictionary.

Three passes over a text, each taking only what the previous left:
1. names the dictionary knows (aliases, longest first: "YPG/YPJ forces" before "YPG");
2. named groups it does not know, typed by their head noun ("forces loyal to X" a political
   militia, "the X tribe" an identity militia, "X Brigade" / "Liwa X" a rebel group), so that no
   named party is dropped; they come back with `Actor.new = True`;
3. generic references ("regime forces", "Kurdish fighters", "the jihadists", "civilians"),
   resolved by the report's country, the actors it names and its outlet (dictionary rules).

`find_actors` is the text-level function the spaCy component calls; `code_actor` codes one mention.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace

from kharita.actors.dictionary import ActorDictionary, ActorEntry, GenericRule, Word, case_mask, fold, load_default, name_key, words
from kharita.models import Actor, ActorMention
from kharita.nlp.dates import MONTHS, WEEKDAYS
from kharita.nlp.numbers import parse_number
from kharita.ontology import ActorType

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CodingContext:
    """What the rest of a report says: the actors it names (canonical names) and its outlet."""

    present: frozenset[str] = frozenset()
    outlet: str | None = None


# -- a word trie ------------------------------------------------------------------------------------

class _Trie:
    """Phrases as sequences of word keys; each end holds (payload, capitals mask) pairs."""

    def __init__(self) -> None:
        self.root: dict = {}

    def add(self, phrase: str, payload: object) -> None:
        ws = words(phrase)
        if not ws:
            return
        node = self.root
        for w in ws:
            node = node.setdefault(w.key, {})
        node.setdefault(None, []).append((payload, case_mask(phrase)))

    def longest(self, text: str, ws: list[Word], i: int) -> tuple[int, list[object]] | None:
        """The longest phrase starting at word i: (index after its last word, payloads)."""
        node, best, j = self.root, None, i
        while j < len(ws) and ws[j].key in node:
            if j > i and not _joinable(text, ws[j - 1], ws[j]):
                break
            node = node[ws[j].key]
            j += 1
            ends = node.get(None)
            if ends:
                fits = [p for p, mask in ends if all(ws[i + k].upper for k, m in enumerate(mask) if m)]
                if fits:
                    best = (j, fits)
        return best


_GAP = re.compile(r"^(?:['’]s)?[\s\-/&'’()]{0,4}$")
_SKIPPED_WORDS = re.compile(r"(?i)(?<![^\W_])(?:the|al|el|ash|as|ad|ar|at|az|an|adh|ath)(?![^\W_])")


def _joinable(text: str, a: Word, b: Word) -> bool:
    """Whether two words can be parts of one name: only spaces, hyphens, slashes, an apostrophe or
    a bracket between them (no comma, no full stop except in an abbreviation such as U.S.)."""
    gap = text[a.end:b.start]
    if "\n" in gap:
        return False
    if gap.startswith(".") and re.search(r"\s[A-Z]", gap):
        return False                              # a sentence ends: "the U.S. The army ..."
    gap = _SKIPPED_WORDS.sub("", gap)             # words left out of keys: "of Iraq and the Levant"
    if gap.startswith(".") and (a.end - a.start) <= 2 and text[a.start:a.end].isupper():
        gap = gap[1:]                             # an abbreviation: U.S. forces, U.S.-led
    return bool(_GAP.match(gap))


_ARTICLE_BEFORE = re.compile(r"(?:^|(?<=[\s(/]))(?:(?:al|el|ash|as|ad|ar|at|az|an|adh|ath)[-‐‑]|(?:al|el) )$",
                             re.IGNORECASE)


def _extend_article(text: str, start: int) -> int:
    """Include an Arabic article written before the name ("al-Nusra", not "Nusra")."""
    m = _ARTICLE_BEFORE.search(text, max(0, start - 5), start)
    return m.start() if m else start


# -- unknown named groups ---------------------------------------------------------------------------

_TOKEN = re.compile(r"[^\W_][\w'’\-]*")

#: Capitalised words that start sentences or describe rather than name: never the name of a new group.
_NOT_NAMES = frozenset("""
the a an some many several other all these those their his her its our local armed foreign two three four
five six seven eight nine ten government regime opposition rebel rebels islamist islamic jihadist pro anti allied
enemy most more dozens hundreds thousands both new former elite special sunni shia shiite shiites arab arabs kurdish
kurd kurds western eastern northern southern central hundred thousand dozen about nearly around over
unidentified unknown masked militant militants fighters forces security state military army police civilian tribal
he she they we it this that there here when while after before during since but and or if as in on at by for from
with without against among between under into onto upon according reports report sources source local syrian iraqi
turkish russian iranian american british french israeli lebanese jordanian saudi ethnic fire freedom
separatist separatists secessionist insurgent insurgents guerrilla guerrillas terrorist terrorists extremist
extremists suspected alleged gunmen bandits
""".split()) | frozenset(WEEKDAYS) | frozenset(MONTHS)     # "On Monday rebels ...": a day is no name

#: Descriptive compounds that qualify a group without naming it: "Iran-backed", "US-led".
_DESCRIPTIVE = re.compile(r"-(?:backed|led|aligned|affiliated|linked|allied|supported|based|funded|trained|sponsored|"
                          r"recogni[sz]ed|installed|appointed)$")
#: The same participles written after a name ("UN-recognized"): the name only describes another party.
_DESCRIBES = re.compile(_DESCRIPTIVE.pattern.replace("$", r"\b"))

ETHNIC = frozenset("""turkmen circassian chechen assyrian armenian yazidi ezidi druze alawite bedouin fulani
fula peul tiv hausa dogon bambara nuer dinka murle lendu hema pokot turkana borana oromo amhara afar kuki meitei
naga bodo yoruba igbo irigwe berom jukun kuteb bachama tarok atyap""".split())
# ACLED codes such groups "<Name> Ethnic Militia (<country>)" when armed, "<Name> Ethnic Group (<country>)"
# beside the civilians of that people
_ETHNIC = ETHNIC
#: Heads of a named armed opposition ("Ambazonian separatists"): a new Rebel group named with its head.
_REBEL_HEADS = frozenset("separatists separatist rebels insurgents guerrillas".split())

_LOYAL_HEADS = frozenset("forces fighters militia militias militiamen gunmen men troops units elements".split())
_TRIBE_HEADS = frozenset("tribe tribes clan clans tribal".split())
_GROUP_HEADS = {
    "brigade": ActorType.REBEL_GROUP, "brigades": ActorType.REBEL_GROUP, "battalion": ActorType.REBEL_GROUP,
    "battalions": ActorType.REBEL_GROUP, "front": ActorType.REBEL_GROUP, "army": ActorType.REBEL_GROUP,
    "movement": ActorType.REBEL_GROUP, "division": ActorType.REBEL_GROUP, "regiment": ActorType.REBEL_GROUP,
    "legion": ActorType.REBEL_GROUP, "corps": ActorType.REBEL_GROUP, "forces": ActorType.POLITICAL_MILITIA,
    "units": ActorType.POLITICAL_MILITIA, "militia": ActorType.POLITICAL_MILITIA,
    "guards": ActorType.POLITICAL_MILITIA, "police": ActorType.STATE_FORCES,
}
_PLAIN_HEADS = frozenset("fighters militia militiamen militias gunmen".split())
#: Heads that make an armed party only after an ethnic name ("Fulani herdsmen", "Tiv youths").
_ETHNIC_HEADS = frozenset("herdsmen herders youths vigilantes".split())
_PREFIX_HEADS = frozenset("""
liwa katibat kataib kata'ib jaysh jaish jeish harakat faylaq failaq saraya firqat alwiyat tajammu jabhat ansar
jund usud thuwar quwat
""".split())
#: Head nouns a known name takes along ("Şihêtat tribe", "Sutoro militia", "YPG units").
_TRAILING_HEADS = frozenset("""
forces force fighters militia militias militiamen tribe tribes clan tribesmen units gangs mercenaries troops soldiers
members militants guerrillas terrorists jihadists cells elements jets warplanes aircraft drones helicopters planes
rebels insurgents guerillas gunmen separatists extremists operatives loyalists combatants commandos cadres personnel
faction factions
""".split())
_HEAD_MODIFIERS = frozenset("defense defence protection combat military security elite special self tactical ground "
                            "armed".split())


def _take_heads(text: str, ws: list[Word], j: int) -> int:
    """Extend a name over the head nouns after it: "YPG/YPJ forces", "YPG/YPJ’s defense units"."""
    k = j
    while k < len(ws) and k - j < 3 and _joinable(text, ws[k - 1], ws[k]):
        if ws[k].key in _TRAILING_HEADS:
            j = k = k + 1
        elif ws[k].key in _HEAD_MODIFIERS:
            k += 1
        else:
            break
    return j


#: A capitalised word and a comma: what the wire style writes before a place's division.
_AFTER_A_PLACE = re.compile(r"\b[A-Z][\w'’-]*,[ \t]*$")

#: Words that say what kind of unit an army's formation is ("Infantry Division", "Mechanized
#: Brigade"): such a name is the country's military, not a new group.
_UNIT_KINDS = frozenset("infantry mechanized mechanised armored armoured artillery airborne marine marines "
                        "commando commandos motorized motorised scout scouts ranger rangers reconnaissance "
                        "signal engineer engineers air cavalry".split())

_MILITARY_HEADS = frozenset("brigade brigades battalion battalions army division regiment corps forces units guards".split())


_ARTICLE_PREFIX = re.compile(r"^(?:al|el|ash|as|ad|ar|at|az|an|adh|ath)[-‐‑](?=\w)", re.IGNORECASE)


def _is_name_word(tok: str) -> bool:
    """A capitalised word that can be part of a name ("al-Homsi" counts by its "Homsi")."""
    tok = _ARTICLE_PREFIX.sub("", tok)
    key = fold(tok).strip("'’-")
    return tok[:1].isupper() and key not in _NOT_NAMES and not _DESCRIPTIVE.search(key) \
        and parse_number(key) is None                  # "Twenty-one insurgents": a count is no name


def _name_run_before(toks: list[re.Match], i: int, text: str, limit: int = 4) -> int:
    """Index of the first word of the run of capitalised name words ending at i-1 (i if none)."""
    k = i
    while k > 0 and i - k < limit and _is_name_word(toks[k - 1].group()) and _adjacent(text, toks[k - 1], toks[k]):
        k -= 1
    return k


def _adjacent(text: str, a: re.Match, b: re.Match) -> bool:
    return bool(re.fullmatch(r"[ \t]{1,2}", text[a.end():b.start()]))


def find_new_groups(text: str, dictionary: ActorDictionary, *, country: str | None = None,
                    date: dt.date | None = None) -> list[ActorMention]:
    """Named groups the dictionary lacks, typed by their head noun (Actor.new = True).

    A capitalised run before a military head that starts with a known country's demonym ("Egyptian
    Border Forces") is that country's military, not a new group."""
    toks = list(_TOKEN.finditer(text))
    keys = [fold(t.group()).strip("'’") for t in toks]
    suffix = f" ({dictionary.country_name(country)})" if country else ""
    out: list[ActorMention] = []
    i = 0
    while i < len(toks):
        key = keys[i]
        found: ActorMention | None = None
        # forces loyal to Ahmet Helle
        if key in _LOYAL_HEADS and i + 2 < len(toks) and keys[i + 1] == "loyal" and keys[i + 2] == "to":
            j = i + 3
            while j < len(toks) and j - i < 7 and _is_name_word(toks[j].group()) and _adjacent(text, toks[j - 1], toks[j]):
                j += 1
            if j > i + 3:
                leader = text[toks[i + 3].start():toks[j - 1].end()]
                found = _new(text, toks[i].start(), toks[j - 1].end(), f"Forces loyal to {leader}",
                             ActorType.POLITICAL_MILITIA, country)
                i = j - 1
        # the Şihêtat tribe, Shaitat tribal fighters
        elif key in _TRIBE_HEADS:
            k = _name_run_before(toks, i, text, limit=3)
            if k < i:
                name = text[toks[k].start():toks[i - 1].end()]
                end = toks[i].end()
                if key == "tribal" and i + 1 < len(toks) and keys[i + 1] in _LOYAL_HEADS | {"militia"}:
                    end = toks[i + 1].end()
                found = _new(text, toks[k].start(), end, f"{name} Tribal Militia{suffix}",
                             ActorType.IDENTITY_MILITIA, country)
        # Liwa Ahfad al-Rasoul, Jaysh al-Sunna
        elif key in _PREFIX_HEADS and toks[i].group()[:1].isupper():
            j = i + 1
            while j < len(toks) and j - i < 5 and (_is_name_word(toks[j].group()) or
                                                  _ARTICLE_BEFORE.search(toks[j].group() + "-") and
                                                  text[toks[j].end():toks[j].end() + 1] == "-"):
                j += 1
            if j > i + 1:
                kind = ActorType.POLITICAL_MILITIA if country == "IQ" else ActorType.REBEL_GROUP
                end = toks[j - 1].end()
                found = _new(text, toks[i].start(), end, text[toks[i].start():end], kind, country)
                i = j - 1
        # Hamza Brigade, Elite Forces; Hecdıl Şebap fighters
        elif key in _REBEL_HEADS | {"militants", "bandits"}:
            k = _name_run_before(toks, i, text, limit=3)
            if k < i and dictionary.country_of_word(re.sub(r"'s$", "", keys[k])) is None:
                first = keys[k]
                if first in _ETHNIC:
                    found = _new(text, toks[k].start(), toks[i].end(), f"{toks[k].group()} Ethnic Militia{suffix}",
                                 ActorType.IDENTITY_MILITIA, country)
                elif key in _REBEL_HEADS:
                    name = f"{text[toks[k].start():toks[i - 1].end()]} {toks[i].group().capitalize()}"
                    found = _new(text, toks[k].start(), toks[i].end(), name, ActorType.REBEL_GROUP, country)
        elif (key in _GROUP_HEADS and toks[i].group()[:1].isupper()) or key in _PLAIN_HEADS | _ETHNIC_HEADS:
            k = _name_run_before(toks, i, text)
            if k < i and key == "division" and _AFTER_A_PLACE.search(text, 0, toks[k].start()):
                k = i                     # "Ndu, Donga Mantung Division, North West": the town's division
            if k < i and (key not in _ETHNIC_HEADS or fold(toks[k].group()) in _ETHNIC):
                first = re.sub(r"'s$", "", keys[k])
                state = dictionary.country_of_word(first)
                if state is None and key in _MILITARY_HEADS and country \
                        and all(keys[x] in _UNIT_KINDS for x in range(k, i)):
                    state = country           # "the Army's 6th Infantry Division": a unit of the country's army
                if first in _ETHNIC and key in _PLAIN_HEADS | _ETHNIC_HEADS:
                    label = toks[k].group()
                    found = _new(text, toks[k].start(), toks[i].end(), f"{label} Ethnic Militia{suffix}",
                                 ActorType.IDENTITY_MILITIA, country)
                elif state is not None and key in _MILITARY_HEADS | {"police"}:
                    template = "Police Forces of {}" if key == "police" else "Military Forces of {}"
                    entry = dictionary.get(template.format(dictionary.country_name(state)), date)
                    if entry is not None:
                        found = ActorMention(toks[k].start(), toks[i].end(), text[toks[k].start():toks[i].end()],
                                             _actor_of(entry, country, date))
                elif state is None and not any(fold(toks[x].group()) in _ETHNIC for x in range(k, i)):
                    if key in _PLAIN_HEADS:
                        name = text[toks[k].start():toks[i - 1].end()]
                        found = _new(text, toks[k].start(), toks[i].end(), name, ActorType.POLITICAL_MILITIA, country)
                    else:
                        name = text[toks[k].start():toks[i].end()]
                        found = _new(text, toks[k].start(), toks[i].end(), name, _GROUP_HEADS[key], country)
        if found is not None:
            out.append(found)
        i += 1
    return out


def _new(text: str, start: int, end: int, name: str, actor_type: ActorType, country: str | None) -> ActorMention:
    name = re.sub(r"['’]s$", "", " ".join(name.split()))       # "South West State's militiamen"
    name = name[:1].upper() + name[1:]
    return ActorMention(start, end, text[start:end], Actor(name, actor_type, country or "", new=True), score=0.6)


# -- coding -----------------------------------------------------------------------------------------

def _actor_of(entry: ActorEntry, country: str | None, date: dt.date | None) -> Actor:
    """An entry as models.Actor in the report's country: a state's armed forces outside their own
    country are External/Other forces (ACLED's rule)."""
    actor = entry.to_actor(country=country, date=date)
    if (entry.actor_type is ActorType.STATE_FORCES and entry.armed and country and entry.country
            and entry.country != country):
        actor = replace(actor, actor_type=ActorType.EXTERNAL_OTHER)
    return actor


def _fighters_of_the_next(mention: ActorMention, following: list[ActorMention], text: str) -> bool:
    """"Sicarios from the Sinaloa Cartel", "gunmen of the Islamic State": an unnamed party's words
    followed by the group they belong to name that group, not an unidentified one."""
    return bool(mention.generic and mention.actor.name.startswith("Unidentified Armed Group") and following
                and not following[0].generic and _OF_A_GROUP.fullmatch(text[mention.end:following[0].start]))


_OF_A_GROUP = re.compile(r"\s+(?:from|of|belonging to)\s+(?:the\s+)?", re.I)


#: "local" before "government": a local administration (Nigeria's Local Government Areas), not the state.
_LOCAL = re.compile(r"\blocal[ -]$", re.I)


#: "anti-" written before a name: the name is what the party opposes.
_AGAINST = re.compile(r"\banti[-‐‑ ]?$", re.I)


class ActorMatcher:
    """The dictionary compiled for matching texts: one trie of names, one of generic phrases."""

    def __init__(self, dictionary: ActorDictionary | None = None) -> None:
        self.dictionary = dictionary if dictionary is not None else load_default()
        self.names = _Trie()
        for entry in self.dictionary.entries():
            for name in entry.names():
                self.names.add(name, entry.name)
        self.generic = _Trie()
        self.generic_keys: set[str] = set()
        for rule in self.dictionary.generic_rules():
            for phrase in rule.phrases:
                self.generic.add(phrase, rule)
                self.generic_keys.add(name_key(phrase))
        self.countries = _Trie()
        for c in self.dictionary.countries():
            for n in (c.bare_name, *c.names, *c.demonyms):
                self.countries.add(n, c.code)

    def find(self, text: str, *, country: str | None = None, date: dt.date | None = None,
             outlet: str | None = None, exclude: Iterable[tuple[int, int]] = ()) -> list[ActorMention]:
        """Every actor mention in `text`, in text order. `exclude` holds character spans that are
        something else (places): no mention may lie inside one."""
        ws = words(text)
        blocked = sorted(exclude)
        mentions, taken, country, present = self._named(text, ws, blocked, country, date)
        spans = [(m.start, m.end) for m in mentions]
        for m in find_new_groups(text, self.dictionary, country=country, date=date):
            if name_key(m.text) in self.generic_keys:
                continue                      # "Federal Police": the country's police, not a new group
            if not _overlaps(spans, m.start, m.end) and not _overlaps(blocked, m.start, m.end):
                mentions.append(m)
                spans.append((m.start, m.end))
        i = 0
        while i < len(ws):
            if taken[i] or _overlaps(spans, ws[i].start, ws[i].end):
                i += 1
                continue
            hit = self.generic.longest(text, ws, i)
            if hit is not None and (_AGAINST.search(text, max(0, ws[i].start - 6), ws[i].start)
                                    or ws[i].key == "government" and _LOCAL.search(text, max(0, ws[i].start - 7),
                                                                                   ws[i].start)):
                i = hit[0]                    # "anti-government", "Gusau Local Government Area": no government
                continue
            if hit is not None:
                j, rules = hit
                if not any(taken[i:j]) and not _overlaps(spans, ws[i].start, ws[j - 1].end) \
                        and not _inside(blocked, ws[i].start, ws[j - 1].end):
                    actor = self.resolve(rules, country=country, date=date, outlet=outlet, present=present)
                    if actor is not None:
                        j = _take_heads(text, ws, j)
                        mentions.append(ActorMention(ws[i].start, ws[j - 1].end, text[ws[i].start:ws[j - 1].end],
                                                     actor, generic=True, score=0.8))
                        i = j
                        continue
            i += 1
        mentions.sort(key=lambda m: (m.start, -m.end))
        return [m for k, m in enumerate(mentions) if not _fighters_of_the_next(m, mentions[k + 1:k + 2], text)]

    def find_named(self, text: str, *, country: str | None = None, date: dt.date | None = None) -> list[ActorMention]:
        """The mentions of the dictionary's own names only (no new groups, no generic phrases): the
        same ones `find` gives, for a caller that needs no more (the toponym pass's hints)."""
        return self._named(text, words(text), [], country, date)[0]

    def _named(self, text: str, ws: list[Word], blocked: list[tuple[int, int]], country: str | None,
               date: dt.date | None) -> tuple[list[ActorMention], list[bool], str | None, frozenset[str]]:
        """The dictionary's names in the text; which words they take; the report's country (given,
        else inferred from them); the names present."""
        named: list[tuple[int, int, ActorEntry]] = []
        shared: list[tuple[int, list[ActorEntry | None]]] = []     # names two countries' actors share
        taken = [False] * len(ws)
        i = 0
        while i < len(ws):
            hit = self.names.longest(text, ws, i)
            if hit is not None and _AGAINST.search(text, max(0, ws[i].start - 6), ws[i].start):
                for k in range(i, hit[0]):    # "anti-Taliban fighters", "anti-government militias":
                    taken[k] = True           # their opponents, not the party named
                i = hit[0]
                continue
            if hit is not None and _DESCRIBES.match(text, ws[hit[0] - 1].end):
                i = hit[0]                    # "the UN-recognized government", "US-led coalition": who backs
                continue                      # or leads another party is no party of the event here
            if hit is not None and not _inside(blocked, ws[i].start, ws[hit[0] - 1].end):
                j, payloads = hit
                entries = [self.dictionary.get(str(p)) for p in payloads]
                chosen = _pick(entries, date, country)
                if chosen is not None:
                    j = _take_heads(text, ws, j)
                    named.append((i, j, chosen))
                    if len({e.country for e in entries if e is not None}) > 1:
                        shared.append((len(named) - 1, entries))
                    for k in range(i, j):
                        taken[k] = True
                    i = j
                    continue
            i += 1
        country = country or self._infer_country(text, ws, named)
        for k, entries in shared:             # "SNA": Somalia's army in Mogadishu, Syria's rebels in Afrin
            start, end, _entry = named[k]
            named[k] = (start, end, _pick(entries, date, country) or _entry)
        present = frozenset(e.name for _, _, e in named)
        mentions = [
            ActorMention(_extend_article(text, ws[i].start), ws[j - 1].end,
                         text[_extend_article(text, ws[i].start):ws[j - 1].end], _actor_of(e, country, date))
            for i, j, e in named
        ]
        return mentions, taken, country, present

    def resolve(self, rules: Iterable[object], *, country: str | None, date: dt.date | None,
                outlet: str | None, present: frozenset[str]) -> Actor | None:
        """The actor generic phrase rules give in a context: the first rule that applies."""
        for rule in rules:
            if not isinstance(rule, GenericRule):
                continue
            target = rule.target(country=country, date=date, outlet=outlet, present=present)
            if target is None:
                continue
            if "{country}" in target:
                if not country:
                    continue
                target = target.replace("{country}", self.dictionary.country_name(country))
            entry = self.dictionary.get(target, date)
            if entry is not None:
                return _actor_of(entry, country, date)
            return Actor(target, rule.actor_type or ActorType.POLITICAL_MILITIA, country or "")
        return None

    def _infer_country(self, text: str, ws: list[Word], named: list[tuple[int, int, ActorEntry]]) -> str | None:
        """The report's country when nobody said: votes from the actors it names (foreign state
        forces left out) and from country names and demonyms in the text."""
        votes: Counter[str] = Counter()
        for _, _, e in named:
            if e.country and not (e.actor_type is ActorType.STATE_FORCES and e.country not in ("SY", "IQ")):
                votes[e.country] += 1
        i = 0
        while i < len(ws):
            hit = self.countries.longest(text, ws, i)
            if hit is not None:
                for code in set(hit[1]):
                    votes[str(code)] += 1
                i = hit[0]
            else:
                i += 1
        if not votes:
            return None
        return votes.most_common(1)[0][0]


def _pick(entries: list[ActorEntry | None], date: dt.date | None, country: str | None = None) -> ActorEntry | None:
    """The entry a name means: of the report's country when the name is shared, valid on the date."""
    found = [e for e in entries if e is not None]
    if not found:
        return None
    if country:
        home = [e for e in found if e.country == country]
        found = home or found
    if date is not None:
        for e in found:
            if e.valid_on(date):
                return e
    return found[0]


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)


def _inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s <= start and end <= e for s, e in spans)


_MATCHERS: dict[int, ActorMatcher] = {}


def matcher_for(dictionary: ActorDictionary | None = None) -> ActorMatcher:
    """A compiled matcher, one per dictionary per process."""
    dictionary = dictionary if dictionary is not None else load_default()
    found = _MATCHERS.get(id(dictionary))
    if found is None or found.dictionary is not dictionary:
        found = _MATCHERS[id(dictionary)] = ActorMatcher(dictionary)
    return found


def find_actors(text: str, *, country: str | None = None, date: dt.date | None = None,
                outlet: str | None = None, dictionary: ActorDictionary | None = None,
                exclude: Iterable[tuple[int, int]] = ()) -> list[ActorMention]:
    """Every actor mention in a text, coded (see the module docstring for the three passes)."""
    return matcher_for(dictionary).find(text, country=country, date=date, outlet=outlet, exclude=exclude)


def code_actor(text: str, *, country: str | None = None, date: dt.date | None = None,
               context: CodingContext = CodingContext(),
               dictionary: ActorDictionary | None = None) -> Actor | None:
    """The actor one mention means ("regime soldiers", "YPG/YPJ fighters", "the Şihêtat tribe").

    The whole text is tried as a name first, then the first actor found in it; generic references
    resolve with `context` (actors named elsewhere in the report, its outlet). None when the text
    names no actor."""
    dictionary = dictionary if dictionary is not None else load_default()
    entry = dictionary.get(text, date)
    if entry is not None:
        return _actor_of(entry, country, date)
    matcher = matcher_for(dictionary)
    found = matcher.find(text, country=country, date=date, outlet=context.outlet)
    named = [m for m in found if not m.generic]
    if named:
        return named[0].actor
    ws = words(text)
    i = 0
    while i < len(ws):
        hit = matcher.generic.longest(text, ws, i)
        if hit is not None:
            actor = matcher.resolve(hit[1], country=country, date=date, outlet=context.outlet,
                                    present=frozenset(dictionary.canonical(p) for p in context.present))
            if actor is not None:
                return actor
            i = hit[0]
        else:
            i += 1
    return None


__all__ = ["ActorMatcher", "CodingContext", "code_actor", "find_actors", "find_new_groups", "matcher_for"]
