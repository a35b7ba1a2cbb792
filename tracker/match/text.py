"""Normalise changelog text for matching: words, light stems and blocking keys.

Every matcher rule reads the same normalised form: lower-case alphanumeric words
separated by single spaces, with camelCase and snake_case identifiers split into words
(`InvokeModelWithBidirectionalStream` -> `invoke model with bidirectional stream`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

# camelCase humps ("aB") and the end of a capital run before a word ("ABc"); not after digits: "A2A" stays one word
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_WORD = re.compile(r"[a-z0-9]+")
_ACRONYM_PLURAL = re.compile(r"\b([A-Z]{2,})s\b")  # LLMs, APIs, GPUs: a plural, not a camel hump
_POSSESSIVE = re.compile(r"(?<=\w)['’]s\b")
_VOWEL = re.compile(r"[aeiouy]")
KEY_LEN = 4
# Phrase boundaries inside a line, read in the separator before a word (`Reading.gaps`): punctuation, a
# spaced dash, a sentence end ("gen_ai.usage. Dashboards" is not "usage dashboard"), and a slash, which
# lists alternatives ("task/tool/workflow/agent spans" is no "workflow agent").
PHRASE_BREAK = re.compile(r"[,;:()\[\]{}!?|+&/]|\s[-\u2013\u2014]\s|[\u2013\u2014]|\.\s")


_UNICODE_PUNCT = str.maketrans({"\u2014": " - ", "\u2013": " - ", "\u2019": "'", "\u2018": "'", "\u2192": " - "})


def _prepare(text: str) -> str:
    if not text.isascii():
        text = text.translate(_UNICODE_PUNCT)
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    if "'" in text:
        text = _POSSESSIVE.sub("", text)
    lowered = text.lower()
    if lowered == text:  # no capitals: no identifier to split
        return text
    text = _ACRONYM_PLURAL.sub(r"\1S", text)
    return _CAMEL.sub(" ", text).lower()


def words(text: str) -> list[str]:
    """Lower-case words of `text`, identifiers split at case changes, underscores and dots."""
    return _WORD.findall(_prepare(text))


@dataclass(frozen=True, slots=True)
class Reading:
    """One text as the matcher reads it: words, stems, the normalised string and the separators."""

    words: tuple[str, ...]
    stems: tuple[str, ...]
    norm: str  # words joined by single spaces
    starts: tuple[int, ...]  # offset of each word in `norm`
    gaps: tuple[str, ...]  # the original separator before each word ("", ", ", " & ", ...)


def read(text: str) -> Reading:
    prepared = _prepare(text)
    gaps = _WORD.split(prepared)[:-1]  # the separator before each word
    found = tuple(_WORD.findall(prepared))
    starts = tuple(accumulate([len(w) + 1 for w in found[:-1]], initial=0)) if found else ()
    return Reading(found, tuple(map(stem, found)), " ".join(found), starts, tuple(gaps))


def normalise(text: str) -> str:
    """The form regex patterns are written against: words joined by single spaces."""
    return " ".join(words(text))


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light, deterministic suffix stripper: plurals, -ing, -ed and a final -e.

    Enough to make `prompt caching`, `prompt cache` and `prompt-cached` one phrase
    without a stemming dependency; long derivational suffixes are left alone.
    """
    w = word
    if len(w) <= 3 or w.isdigit():
        return w
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("sses"):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    if w.endswith("ing") and len(w) > 5 and _VOWEL.search(w[:-3]):
        w = w[:-3]
        if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz":
            w = w[:-1]
    elif w.endswith("ed") and len(w) > 4 and _VOWEL.search(w[:-2]):
        w = w[:-2]
        if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz":
            w = w[:-1]
    if w.endswith("e") and len(w) > 3:
        w = w[:-1]
    return w


def stems(text: str) -> list[str]:
    return [stem(w) for w in words(text)]


def block_key(word: str) -> str:
    """The blocking key of a word: its first KEY_LEN characters (the whole word when shorter)."""
    return word[:KEY_LEN]
