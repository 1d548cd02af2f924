"""Line breaks as sentence breaks: a headline, a dateline line or a list item is a sentence of its own.

News copy puts its headline on a line without a full stop ("Three rebels killed in landmine blast in
Idlib" above "SOHR has documented the death of three rebels ..."). The parser reads the two lines as
one sentence, so the headline's count and the body's are taken for two groups of dead and summed. A
line break is therefore a sentence start, except in hard-wrapped text, where a break falls inside a
sentence wherever the line is full.
"""

from __future__ import annotations

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
