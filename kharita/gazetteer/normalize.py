"""Name keys under which spellings of one place meet.

Reports spell a place as the Kurdish, Turkish, Arabic-transliterated or English press does:
Hesekê, Hasakah, al-Hasakah, El Haseke. Three keys, from strict to loose:

- `fold(name)`: lower case, diacritics and Turkish/Kurdish letters folded, punctuation dropped.
  Equal folds are an "exact" match.
- `name_key(name)`: also drops Arabic articles, folds consonant variants (kh/x, q/g/k, sh/ş,
  w/v ...), doubled letters, and every run of vowels to one "a", then drops a final vowel or
  "-ah" ending. Transliterations disagree mostly on vowels (Hesekê/Hasakah, Qamişlo/Qamishli),
  so the key keeps the consonant frame and where vowels are, not which ones.
- `skeleton(name)`: the key without vowels at all, for the bounded fallback ("Tel Temir" and
  "Tall Tamr" differ by an epenthetic vowel).

Arabic-script names get `arabic_key`: hamza forms of alef folded, taa marbuta and alef maqsura
folded, diacritics and the article dropped.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Letters that NFKD does not decompose into ASCII plus a combining mark.
_LETTERS = str.maketrans({
    "ı": "i", "İ": "i", "ş": "sh", "Ş": "sh", "ç": "ch", "Ç": "ch", "ğ": "gh", "Ğ": "gh",
    "ß": "ss", "ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "đ": "d",
    "Đ": "d", "ł": "l", "Ł": "l", "ħ": "h", "þ": "th", "ð": "d", "ə": "e", "Ə": "e",
    "ʿ": "", "ʾ": "", "ʻ": "", "ʼ": "", "'": "", "’": "", "‘": "", "`": "", "´": "",
    "ʹ": "", "′": "",
})

ARTICLES = frozenset({
    "al", "el", "ad", "ar", "as", "ash", "at", "az", "an", "ed", "ez", "es", "et", "en", "ul",
    "adh", "ath", "ech", "esh", "il",
})

# Applied in order on a folded word: consonant variants of one sound.
_CONSONANTS = [
    ("kh", "k"), ("gh", "k"), ("ch", "c"), ("sh", "s"), ("dh", "d"), ("th", "t"),
    ("ph", "f"), ("x", "k"), ("q", "k"), ("g", "k"), ("j", "c"), ("w", "v"), ("z", "s"),
]
_VOWEL_RUN = re.compile(r"[aeiouy]+")
_DOUBLED = re.compile(r"(.)\1+")
_NON_WORD = re.compile(r"[^0-9a-z\u0600-\u06ff]+")

_ARABIC_DIACRITICS = re.compile(r"[\u064b-\u065f\u0670\u0640]")
_ARABIC_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي",
                                 "ؤ": "و", "ئ": "ي", "ک": "ك", "ی": "ي", "ھ": "ه"})
_ARABIC = re.compile(r"[\u0600-\u06ff]")


def is_arabic(name: str) -> bool:
    return bool(_ARABIC.search(name))


@lru_cache(maxsize=200_000)
def fold(name: str) -> str:
    """Lower case, ASCII letters where the Latin alphabet allows, single spaces."""
    text = name.translate(_LETTERS)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(_NON_WORD.sub(" ", text).split())


def _word_key(word: str) -> str:
    if word.isdigit():
        return word
    for old, new in _CONSONANTS:
        word = word.replace(old, new)
    # w and y between vowels are vowels for this purpose (Hawl/Hol, Ebyad/Abyad); a leading
    # v/y stays a consonant.
    head = word[:1]
    word = _DOUBLED.sub(r"\1", head + word[1:].replace("v", "u"))
    if head == "y":
        word = head + _VOWEL_RUN.sub("a", word[1:])
    else:
        word = _VOWEL_RUN.sub("a", word)
    # The ending: -ah/-eh/-iyah/-iye/-a/-e/-i/-o all reduce to nothing.
    if len(word) > 2 and word.endswith("ah"):
        word = word[:-2]
    elif len(word) > 2 and word.endswith("a"):
        word = word[:-1]
    return word


@lru_cache(maxsize=200_000)
def name_key(name: str) -> str:
    """The loose key: spellings of one name (Hesekê, al-Hasakah, El Haseke) share it."""
    if is_arabic(name):
        return arabic_key(name)
    words = fold(name).split()
    if len(words) > 1:
        kept = [w for w in words if w not in ARTICLES]
        words = kept or words
    return " ".join(_word_key(w) for w in words)


@lru_cache(maxsize=200_000)
def skeleton(name: str) -> str:
    """The key with its vowels dropped (but a leading one kept as "a"): the loosest key."""
    if is_arabic(name):
        return arabic_key(name).replace(" ", "")
    key = name_key(name)
    return "".join(w[:1] + w[1:].replace("a", "") for w in key.split())


def arabic_key(name: str) -> str:
    """Arabic script: hamza, taa marbuta, alef maqsura folded; diacritics and "ال" dropped."""
    text = _ARABIC_DIACRITICS.sub("", unicodedata.normalize("NFKC", name)).translate(_ARABIC_LETTERS)
    words = []
    for word in _NON_WORD.sub(" ", text).split():
        if word.startswith("ال") and len(word) > 3:
            word = word[2:]
        words.append(word)
    return " ".join(words)
