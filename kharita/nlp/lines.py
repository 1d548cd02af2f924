"""Line breaks as sentence breaks: a headline, a dateline line or a list item is a sentence of its own.

News copy puts its headline on a line without a full stop ("Three rebels killed in landmine blast in
Idlib" above "SOHR has documented the death of three rebels ..."). The parser reads the two lines as
one sentence, so the headline's count and the body's are taken for two groups of dead and summed. A
line break is therefore a sentence start, except in hard-wrapped text, where a break falls inside a
sentence wherever the line is full.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc

#: Lines at least this long that end inside a sentence are the mark of hard-wrapped text.
WRAP_WIDTH = 50
_SENTENCE_ENDS = tuple('.!?:;"”’)')


def hard_wrapped(text: str) -> bool:
    """Whether most of the text's lines were broken at a fixed width rather than where sentences end."""
    lines = [line.rstrip() for line in text.split("\n")]
    body = [line for line in lines[:-1] if line]          # the last line ends the text, not a width
    if len(body) < 3:
        return False
    full = [line for line in body if len(line) >= WRAP_WIDTH and not line.endswith(_SENTENCE_ENDS)]
    return len(full) * 2 > len(body)


def mark_line_starts(doc: Doc) -> Doc:
    """Set a sentence start after every line break of `doc` unless its text is hard-wrapped. The
    parser keeps starts set before it runs and decides the rest."""
    if "\n" not in doc.text or hard_wrapped(doc.text):
        return doc
    after_break = False
    for token in doc:
        if token.is_space:
            after_break = after_break or "\n" in token.text
            continue
        if after_break and token.i > 0:
            token.is_sent_start = True
        after_break = "\n" in token.whitespace_
    return doc


#: What ends a dateline ("MEXICO CITY (AP) — Two men were killed ..."): the word after it starts the story.
DATELINE_DASHES = frozenset({"-", "--", "\u2013", "\u2014"})


def mark_datelines(doc: Doc) -> Doc:
    """Start a sentence after a dateline ("BEIRUT (Reuters) -", "MEXICO CITY (AP) —") at the start
    of a line: the parser otherwise takes the capitalised place for the subject of the story's first
    verb ("CITY ... were killed")."""
    line_start = True
    i = 0
    while i < len(doc):
        token = doc[i]
        if token.is_space:
            line_start = line_start or "\n" in token.text
            i += 1
            continue
        if line_start:
            end = _dateline_end(doc, i)
            if end is not None and end + 1 < len(doc):
                doc[end + 1].is_sent_start = True
        line_start = "\n" in token.whitespace_
        i += 1
    return doc


def _dateline_end(doc: Doc, start: int) -> int | None:
    """The index of the dash that ends a dateline opening at `start`, or None."""
    words = 0
    in_parens = False
    for j in range(start, min(len(doc), start + 14)):
        tok = doc[j]
        if tok.text in DATELINE_DASHES:
            return j if words else None
        if tok.text == "(":
            in_parens = True
        elif tok.text == ")":
            in_parens = False
        elif tok.text == ",":
            continue
        elif in_parens and tok.text[:1].isupper() or tok.is_alpha and tok.text.isupper() and len(tok.text) > 1:
            words += 1
        elif words and tok.is_alpha and tok.text[:1].isupper() and doc[j - 1].text in (",", "(") or (
                words and tok.is_alpha and tok.text[:1].isupper() and doc[j - 1].is_alpha
                and doc[j - 1].text[:1].isupper() and not doc[j - 1].text.isupper()):
            words += 1                        # "KIRKUK, Iraq (Reuters) -", "ERBIL, Kurdistan Region -"
        else:
            return None
    return None


#: Abbreviations after which a number goes on the same sentence ("since the Feb. 1 coup", "No. 3").
ABBREVIATIONS_BEFORE_NUMBERS = frozenset("jan feb mar apr jun jul aug sep sept oct nov dec no nos art vol".split())
#: Text that ends with one of them and its full stop (the pre-filter's rough splitter asks this).
ABBREVIATION_AT_END = re.compile(r"\b(?:" + "|".join(sorted(ABBREVIATIONS_BEFORE_NUMBERS)) + r")\.$", re.I)
#: Abbreviations written before a name, which therefore never end a sentence ("St. Petersburg",
#: "Brig. Gen. Pakpur", "Dr. Ahmed"), as the rough splitter reads them.
TITLE_AT_END = re.compile(r"(?<![\w.])(?:St|Ste|Mt|Ft|Mr|Mrs|Ms|Dr|Gen|Lt|Col|Brig|Maj|Capt|Sgt|Cpl|Gov|Sen|Rep|"
                          r"Prof|Rev|Hon|Adm|Cmdr)\.$")


def keep_abbreviations_inside(doc: Doc) -> Doc:
    """Keep "Feb. 1" in one sentence: the parser often ends a sentence at the abbreviation's full
    stop, and a tally's "since the Feb. 1 coup" then loses its period to the sentence before."""
    for token in doc[1:]:
        before = doc[token.i - 1]
        if before.text.endswith(".") and before.lower_[:-1] in ABBREVIATIONS_BEFORE_NUMBERS and token.like_num:
            token.is_sent_start = False
    return doc


#: Cues that open a list of other stories' headlines ("You may also like these stories: ...").
_OTHER_STORIES = re.compile(r"(?:you may also like(?: these stories)?|related (?:stories|articles|news|coverage)|"
                            r"read (?:also|more)|also read|see also|recommended(?: stories)?|more on this story|"
                            r"most read)\s*:", re.I)


def other_stories(text: str) -> list[tuple[int, int]]:
    """Spans of the text that list other stories' headlines: from such a cue to the end of its line.
    A headline there tells another report's event, not this one's."""
    spans = []
    for match in _OTHER_STORIES.finditer(text):
        end = text.find("\n", match.end())
        spans.append((match.start(), len(text) if end < 0 else end))
    return spans
