"""Find place mentions in a text with the gazetteer, not with a named-entity tagger.

Generic NER tags "Hasakah" as a person and "Napalm" as a place in this domain, so a mention is a
run of capitalised words whose name the gazetteer knows, longest first. NER labels, when a caller
has them, are hints only: they can vouch for a name that is also a common English word, and they
can veto a person's name that is a far-away village. A capitalised word the gazetteer does not
know becomes a mention only with a cue word beside it ("Maruf village", "Kew Kep hill").

Each mention carries its cue word and its spatial relation ("east of", "3 km south of", "near",
"between") read from the words around it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from kharita.gazetteer.base import Gazetteer
from kharita.gazetteer.normalize import ARTICLES
from kharita.gazetteer.ranking import cue_word

MAX_WORDS = 5
_TOKEN = re.compile(r"(?:[A-Z]\.){2,}|[^\W_](?:[\w\u0600-\u06ff]|['’ʿʾ\-](?=[^\W_]))*")
_ARTICLE_HEAD = re.compile(r"^(?:al|el|ad|ar|as|ash|at|az|an|ed|ez|es|en|et)-[A-ZÀ-ÞĀ-Ž]")
#: Arabic articles written apart ("Ar Raqqah", "At Ta'mim"): a name may start with one.
SPACED_ARTICLES = frozenset({"al", "el", "ar", "as", "at", "ad", "an", "az", "ash", "ath", "adh"})
CONNECTORS = frozenset(ARTICLES | {"of", "de", "la", "du", "des", "del", "i", "e", "bin", "ibn", "bani",
                                  "abu", "umm", "ras", "on", "upon"})
TITLES = frozenset({"mr", "mrs", "ms", "dr", "president", "gen", "general", "sheikh", "shaykh",
                    "minister", "king", "prince", "colonel", "col", "commander", "lt", "sgt", "capt",
                    "cpl", "corporal", "sergeant", "lieutenant", "maj", "captain", "brig", "brigadier",
                    "pvt", "pfc", "adm", "admiral", "mullah", "maulvi", "haji",
                    "judge", "senator", "sen", "rep", "governor", "gov", "mayor", "pope", "imam",
                    "emir", "professor", "prof", "st", "saint", "lord", "lady", "sir"})
LOCATIVE = frozenset({"in", "near", "at", "outside", "from", "into", "towards", "toward", "to",
                      "around", "across", "through", "of", "between", "and", "via", "nearby"})
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
#: The hint a caller gives for a span that names an actor it knows ("Houthis", "Asayish").
ACTOR_LABEL = "ACTOR"
ACRONYMS = frozenset({"US", "USA", "UK", "UAE", "U.S.", "U.K.", "KRG", "DRC"})
# For gazetteers that carry no stop-word table of their own.
FUNCTION_WORDS = frozenset({"a", "an", "the", "of", "in", "on", "at", "to", "and", "or", "but", "for",
                            "by", "with", "from", "as", "is", "was", "it", "this", "that", "he", "she",
                            "they", "we", "i", "you", "his", "her", "their", "our", "its", "be"})
NOT_PLACES = TITLES | frozenset({
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
    "sunday", "county", "city", "province", "state", "district", "region", "north", "south", "east",
    "west", "central", "university", "court", "hall", "street", "road", "avenue", "river",
    "lga",                    # Nigeria's "Local Government Area", written after the area's name
})
_CONTRACTION = re.compile(r"^\w+['’](?:ve|ll|re|d|m|s|t)$", re.IGNORECASE)
_CASE_SUFFIX = re.compile(r"['’](?:da|de|ta|te|dan|den|tan|ten|a|e|ya|ye|ı|i|u|ü|yı|yi|yu|yü|nın|nin|"
                          r"nun|nün|ın|in|un|ün|la|le|yla|yle|daki|deki)$")
_DEMONYM = re.compile(r"(?:ish|ese|ian|ians|ic)$")

_DIRECTION = (r"(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west)(?:ern)?")
_RELATION_BEFORE = [
    (re.compile(r"(?P<rel>(?:(?P<dist>\d+(?:\.\d+)?)\s*(?:km|kms|kilometers|kilometres|miles|mi)\s+)?"
                rf"(?:to\s+the\s+)?(?P<dir>{_DIRECTION})\s+(?:of|from))\s+(?:the\s+)?"
                r"(?:(?:city|town|village|outskirts)\s+of\s+)?$", re.IGNORECASE), "direction"),
    (re.compile(r"\b(?P<rel>near|nearby|outside|close\s+to|near\s+to|around|outskirts\s+of|"
                r"vicinity\s+of|edge\s+of)\s+(?:the\s+)?(?:(?:city|town|village)\s+of\s+)?$",
                re.IGNORECASE), "near"),
    (re.compile(r"\b(?:road|highway|route|motorway)s?\s+(?P<rel>between|from|linking|connecting)\s+$",
                re.IGNORECASE), "between"),
    (re.compile(r"\b(?:road|highway|route|motorway)\s+(?P<rel>to|towards)\s+$", re.IGNORECASE), "road to"),
]
_CUE_BEFORE = re.compile(r"\b(?P<cue>village|town|city|neighbou?rhood|district|region|province|"
                         r"governorate|camp|mount|mt\.?)\s+(?:of\s+)?$", re.IGNORECASE)
_LIST_GAP = re.compile(r"^\s*(?:,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+|/)\s*$")
_PAIR_GAP = re.compile(r"^\s+(?:and|to)\s+$")


@dataclass(frozen=True, slots=True)
class Found:
    """A place mention before resolution."""

    start: int
    end: int
    text: str
    cue: str = ""
    relation: str = ""
    known: bool = True             # the gazetteer knows the name (else: found by its cue word)
    label: str = ""                # the NER label over it, when the caller had one


class _Token(NamedTuple):
    """A word of the text; `capitalised` is worked out once, in `tokenize` (the recogniser asks it
    of every word several times)."""

    start: int
    end: int
    text: str
    capitalised: bool


def _capitalised(t: str) -> bool:
    return t[:1].isupper() or bool(_ARTICLE_HEAD.match(t)) or "\u0600" <= t[:1] <= "\u06ff"


def tokenize(text: str) -> list[_Token]:
    tokens = []
    for m in _TOKEN.finditer(text):
        start, end = m.span()
        word = m.group()
        if len(word) > 2 and word[-2:] in ("'s", "’s"):
            end -= 2
            word = word[:-2]
        else:
            suffix = _CASE_SUFFIX.search(word)
            if suffix and word[:1].isupper() and suffix.start() >= 4:   # Turkish case: "Musul'da", not "Dar'a"
                end -= len(suffix.group())
                word = word[:suffix.start()]
        tokens.append(_Token(start, end, word, _capitalised(word)))
    return tokens


def _hyphen_parts(token: _Token, gazetteer: Gazetteer, knows) -> list[Found]:
    """The places a hyphen joins when the whole is no place: each capitalised part the gazetteer
    knows as a name of its own (not a stop word nor a word that is seldom a place)."""
    out: list[Found] = []
    pos = token.start
    for part in token.text.split("-"):
        start, pos = pos, pos + len(part) + 1
        if len(part) < 3 or not part[:1].isupper() or _is_stop(gazetteer, part) \
                or part.lower() in NOT_PLACES or not _known(gazetteer, knows, part):
            continue
        if getattr(gazetteer, "is_common_word", lambda _w: False)(part):
            continue
        out.append(Found(start, start + len(part), part))
    return out


def find_places(text: str, gazetteer: Gazetteer, *,
                entities: dict[tuple[int, int], str] | None = None) -> list[Found]:
    """Place mentions of `text`, in order. `entities` maps (start, end) character spans to NER
    labels (hints; see the module docstring)."""
    if not text or text.isspace():
        return []
    entities = entities or {}
    label_at = _label_index(entities)
    tokens = tokenize(text)
    knows = getattr(gazetteer, "knows", None)
    found: list[Found] = []
    pending_common: list[int] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if not token.capitalised or _skip_token(tokens, i):
            i += 1
            continue
        match = None
        for n in range(min(MAX_WORDS, len(tokens) - i), 0, -1):
            span = tokens[i:i + n]
            if not span[-1].capitalised or any(
                    not (t.capitalised or t.text.lower() in CONNECTORS) for t in span[1:-1]):
                continue
            if any(text[a.end:b.start].strip() not in ("", "-") for a, b in zip(span, span[1:])):
                continue  # a phrase never crosses punctuation
            if n > 1 and _is_stop(gazetteer, span[0].text) and span[0].text.lower() not in SPACED_ARTICLES:
                continue  # "In Iraq" is "Iraq"; but "At Ta'mim", "As Suwayda" keep their article
            name = text[span[0].start:span[-1].end]
            if _known(gazetteer, knows, name):
                match = (n, name)
                break
        if match is None and "-" in token.text and not _ARTICLE_HEAD.match(token.text):
            parts = _hyphen_parts(token, gazetteer, knows)
            if parts:                 # "Wisconsin-Milwaukee", "the Afghanistan-Pakistan border": each place
                found.extend(parts)
                i += 1
                continue
        if match is None:
            unknown = _cue_named(text, tokens, i, label_at, gazetteer)
            if unknown is not None:
                found.append(unknown)
                i += len(tokenize(unknown.text))
            else:
                i += 1
            continue
        n, name = match
        start, end = tokens[i].start, tokens[i + n - 1].end
        label = label_at.get(start, "")
        if n == 1 and (_is_stop(gazetteer, name) or name.lower().rstrip(".") in NOT_PLACES
                       or _CONTRACTION.match(name)):
            i += 1
            continue
        if n == 1 and name.isupper() and len(name) > 1 and name not in ACRONYMS and (
                len(name) < 5 or _level(gazetteer, name) not in ("exact", "alias")):
            # an acronym (ISIS, YPG, SDF); a capitalised dateline (DAMASCUS, BEIRUT) is a place
            i += 1
            continue
        if n == 1 and _in_name_run(text, tokens, i) and _level(gazetteer, name) != "alias":
            i += 1  # "Ahmet Helle": a loose match inside a run of capitalised words is a name
            continue
        found.append(Found(start, end, name, label=label))
        if n == 1 and getattr(gazetteer, "is_common_word", lambda _w: False)(name) \
                and label not in PLACE_LABELS and not _locative_before(tokens, i):
            pending_common.append(len(found) - 1)
        i += n
    found = _vouch_common(text, _with_context(text, found), pending_common)
    people = _people_named(text, tokens)
    if not people:
        return found
    index = {t.start: i for i, t in enumerate(tokens)}
    return [f for f in found if f.text not in people or f.cue or _locative_before(tokens, index.get(f.start, 0))]


#: Lower-case words inside a person's name ("Alberto de los Santos", "Abu Bakr al-Baghdadi").
NAME_PARTICLES = frozenset({"de", "los", "las", "la", "del", "da", "dos", "das", "van", "von", "bin", "ibn", "al"})
#: ", 51," after a name: a person's age, as news gives it ("Alberto de los Santos, 51, was killed").
_AGE_AFTER = re.compile(r"\s*,\s*\d{1,3}\s*,")


def _people_named(text: str, tokens: list[_Token]) -> set[str]:
    """Words the report uses as a person's name: the capitalised run after a title ("Cpl. Frederick
    Villasis") or before an age (", 51,"). One sense per report: elsewhere in it the same word is
    that person too ("Villasis entered the army in 2012"), unless a place cue or a locative says
    otherwise."""
    people: set[str] = set()
    for i, tok in enumerate(tokens):
        if _skip_token(tokens, i) and tok.capitalised:
            j = i
            while j + 1 < len(tokens) and tokens[j + 1].capitalised and text[tokens[j].end:tokens[j + 1].start] == " ":
                j += 1
            people.update(t.text for t in tokens[i + 1:j + 1])   # the surname(s) after the given name
        elif tok.capitalised and _AGE_AFTER.match(text, tok.end) and i > 0 \
                and text[tokens[i - 1].end:tok.start] == " " and not _locative_before(tokens, i):
            j = i                              # "killed motorcycle driver Alberto de los Santos, 51,"
            while j > 0 and text[tokens[j - 1].end:tokens[j].start] == " " and (
                    tokens[j - 1].capitalised or tokens[j - 1].text.lower() in NAME_PARTICLES):
                j -= 1
            people.update(t.text for t in tokens[j:i + 1] if t.capitalised)
    return people



def _known(gazetteer: Gazetteer, knows: object, name: str) -> bool:
    if callable(knows):
        return bool(knows(name))  # type: ignore[operator]
    return bool(gazetteer.candidates(name, limit=1))


def _is_stop(gazetteer: Gazetteer, word: str) -> bool:
    check = getattr(gazetteer, "is_stop_word", None)
    return check(word) if callable(check) else word.lower() in FUNCTION_WORDS


def _level(gazetteer: Gazetteer, name: str) -> str:
    level = getattr(gazetteer, "match_level", None)
    return level(name) if callable(level) else "exact"


def _in_name_run(text: str, tokens: list[_Token], i: int) -> bool:
    """The word sits beside another capitalised word that is not a cue ("Ahmet Helle")."""
    for j in (i - 1, i + 1):
        if 0 <= j < len(tokens) and tokens[j].capitalised and not cue_word(tokens[j].text) \
                and tokens[j].text.lower() not in LOCATIVE | FUNCTION_WORDS:      # "In Kirkuk" is Kirkuk
            a, b = sorted((tokens[i], tokens[j]), key=lambda t: t.start)
            if text[a.end:b.start] == " ":
                return True
    return False


def _skip_token(tokens: list[_Token], i: int) -> bool:
    """A capitalised word right after a title (Mr, General, Sheikh) is a person's name."""
    return i > 0 and tokens[i - 1].text.lower().rstrip(".") in TITLES


def _locative_before(tokens: list[_Token], i: int) -> bool:
    return i > 0 and tokens[i - 1].text.lower() in LOCATIVE


def _label_index(entities: dict[tuple[int, int], str]) -> dict[int, str]:
    return {start: label for (start, _end), label in entities.items()}


def _cue_named(text: str, tokens: list[_Token], i: int, label_at: dict[int, str],
               gazetteer: Gazetteer) -> Found | None:
    """An unknown capitalised name (up to three words) followed by a cue word: "Maruf village"."""
    for n in (1, 2, 3):
        if i + n >= len(tokens):
            return None
        span = tokens[i:i + n]
        if not all(t.capitalised for t in span):
            return None
        if any(text[a.end:b.start].strip() not in ("", "-") for a, b in zip(span, span[1:])):
            return None               # "Gusau LGA, Zamfara State": a name never crosses punctuation
        nxt = tokens[i + n]
        gap = text[span[-1].end:nxt.start]
        cue = cue_word(nxt.text)
        if cue and gap.strip() == "" and cue not in ("region", "country", "city"):
            name = text[span[0].start:span[-1].end]
            if (_is_stop(gazetteer, name) or name.isupper() or _DEMONYM.search(name)
                    or label_at.get(span[0].start) in ("NORP", "ORG", "PERSON")
                    or i > 0 and tokens[i - 1].text.lower() in ("the",) and n == 1 and cue == "camp"):
                return None
            return Found(span[0].start, span[-1].end, name, cue=cue, known=False)
    return None


def _with_context(text: str, found: list[Found]) -> list[Found]:
    """Attach each mention's cue word and relation."""
    cues = [_cue_of(text, f) for f in found]
    # "Maruf and Hamra villages": a list shares the cue written after its last item.
    for k in range(len(found) - 2, -1, -1):
        if not cues[k] and _LIST_GAP.match(text[found[k].end:found[k + 1].start]):
            cues[k] = cues[k + 1]
    relations = [_relation_before(text, f) for f in found]
    for k in range(1, len(found)):
        if relations[k - 1] == "between" and _PAIR_GAP.match(text[found[k - 1].end:found[k].start]):
            relations[k] = "between"
    return [Found(f.start, f.end, f.text, cue=cues[k], relation=relations[k], known=f.known, label=f.label)
            for k, f in enumerate(found)]


def _cue_of(text: str, f: Found) -> str:
    if f.cue:
        return f.cue
    last = f.text.split()[-1]
    if len(f.text.split()) > 1 and cue_word(last):
        return cue_word(last)
    after = re.match(r"\s*([A-Za-z]+)(?:\s+([A-Za-z]+))?", text[f.end:f.end + 30])
    if after:
        if after.group(1).lower() == "oil" and after.group(2) and cue_word(after.group(2)) == "field":
            return "field"
        cue = cue_word(after.group(1))
        if cue:
            return cue
    before = _CUE_BEFORE.search(text[max(0, f.start - 40):f.start])
    if before:
        return cue_word(before.group("cue").rstrip("."))
    return ""


def _relation_before(text: str, f: Found) -> str:
    window = text[max(0, f.start - 60):f.start]
    for pattern, kind in _RELATION_BEFORE:
        m = pattern.search(window)
        if m:
            if kind == "direction":
                direction = re.sub(r"ern$", "", m.group("dir").lower()).replace("-", "")
                dist = m.group("dist")
                return f"{dist} km {direction} of" if dist else f"{direction} of"
            if kind == "near":
                return "near"
            if kind == "between":
                return "between"
            return "road to"
    return ""


def _vouch_common(text: str, found: list[Found], pending: list[int]) -> list[Found]:
    """Keep a common-word mention only with a cue, a relation, or a list neighbour that is a
    place ("occupied Panorama, Neşwa, and Wiran")."""
    drop = set()
    pending_set = set(pending)
    for k in pending:
        f = found[k]
        if f.cue or f.relation:
            continue
        neighbours = []
        if k + 1 < len(found) and _LIST_GAP.match(text[f.end:found[k + 1].start]):
            neighbours.append(k + 1)
        if k > 0 and _LIST_GAP.match(text[found[k - 1].end:f.start]):
            neighbours.append(k - 1)
        if not any(n not in pending_set for n in neighbours):
            drop.add(k)
    return [f for k, f in enumerate(found) if k not in drop]
