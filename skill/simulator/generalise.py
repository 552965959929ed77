"""How Alexa understands more than the sample utterances: the simulator's small share of that.

Alexa's language understanding is trained on a skill's samples, not limited
to them: "can you read my journal to me" reaches the intent whose sample is
"read my journal". The resolver first looks for an exact match (see
``resolver.py``); only when there is none does it use the rules here, which
are deliberately narrow so that a line nobody meant for the skill still
reaches the fallback intent:

* **What speech recognition delivers.** Typed lines are spelled the way Alexa
  transcribes speech: "whats" is "what's", "im" is "i'm" (``transcribe``).
* **Fillers.** Politeness and hesitation ("please", "can you", "um",
  "really", "so far", "for me") carry no meaning: a line without them is
  tried again (``strip_fillers``).
* **Near matches.** A sample without a free-text slot also matches a line a
  few small edits away (``NearMatcher``): a word in another tense or number
  ("noticed", "notice"), a word of the same small family ("erase" and
  "delete", "latest" and "recent", "mom" and "friend"), a contraction said in
  full ("that is" for "that's"), a function word added, dropped or swapped
  ("my" and "the"), or one content word more or less. Each edit has a cost,
  and a sample matches only within a budget that grows slowly with its
  length. The first word of a sample (usually its verb) and "not" can never
  be dropped or added. Samples with an ``AMAZON.SearchQuery`` slot take any
  words already, and get no near matches.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .language import ENGLISH, Lexicon

# -- what speech recognition delivers -------------------------------------------


def transcribe(utterance: str, lex: Lexicon = ENGLISH) -> str:
    """A normalised line spelled as Alexa's speech recognition would deliver it ("whats" as "what's")."""
    return " ".join(lex.apostrophes.get(word, word) for word in utterance.split())


# -- fillers --------------------------------------------------------------------


def strip_fillers(utterance: str, lex: Lexicon = ENGLISH) -> str:
    """The line without words that carry no meaning for the skill ("please", "can you", "um", "just")."""
    words = utterance.split()
    changed = True
    while changed and words:
        changed = False
        for filler in lex.leading_fillers:
            parts = filler.split()
            if words[: len(parts)] == parts and len(words) > len(parts):
                words = words[len(parts):]
                changed = True
        for filler in lex.trailing_fillers:
            parts = filler.split()
            if words[-len(parts):] == parts and len(words) > len(parts):
                words = words[: -len(parts)]
                changed = True
    kept: list[str] = []
    index = 0
    while index < len(words):
        for filler in lex.anywhere_fillers:
            parts = filler.split()
            if words[index: index + len(parts)] == parts and len(words) > len(parts):
                index += len(parts)
                break
        else:
            kept.append(words[index])
            index += 1
    return " ".join(kept or words)


# -- words ------------------------------------------------------------------------

FUNCTION_WORDS = ENGLISH.function_words
FAMILIES = ENGLISH.families


def words_of(text: str, lex: Lexicon = ENGLISH) -> list[str]:
    """Words for near matching: contractions said in full."""
    out: list[str] = []
    for word in text.split():
        out.extend(lex.contractions.get(word, word).split())
    return out


def key(word: str, lex: Lexicon = ENGLISH) -> str:
    """A rough stem: "noticed", "notices" and "noticing" share one, as do "glimmer" and "glimmers"."""
    return lex.stem(lex.irregular.get(word, word))


def _families(word: str, lex: Lexicon = ENGLISH) -> set[int]:
    plain = word[:-2] if word.endswith("'s") else word
    return {n for n, family in enumerate(lex.families) if plain in family or word in family}


def is_function(word: str, lex: Lexicon = ENGLISH) -> bool:
    return word in lex.function_words


# -- near matches -----------------------------------------------------------------

INFINITE = float("inf")
SAME_STEM = 0.1
SAME_FAMILY = 0.5
FUNCTION_EDIT = 0.5
CONTENT_INSERT = 0.75
CONTENT_DROP = 1.0
MAX_SLOT_WORDS = 4


def budget(literal_words: int) -> float:
    """How much a sample of this many words may be edited: 1 up to three words, at most 2."""
    return min(2.0, 1.0 + 0.25 * max(0, literal_words - 3))


def substitution(said: str, sample: str, lex: Lexicon = ENGLISH) -> float:
    if said == sample:
        return 0.0
    if said in lex.never_edited or sample in lex.never_edited:
        return INFINITE
    if key(said, lex) == key(sample, lex):
        return SAME_STEM
    if _families(said, lex) & _families(sample, lex):
        return SAME_FAMILY
    if is_function(said, lex) and is_function(sample, lex):
        return FUNCTION_EDIT
    return INFINITE


def insertion(said: str, lex: Lexicon = ENGLISH) -> float:
    if said in lex.never_edited:
        return INFINITE
    return FUNCTION_EDIT if is_function(said, lex) else CONTENT_INSERT


def deletion(sample: str, first: bool, lex: Lexicon = ENGLISH) -> float:
    if sample in lex.never_edited:
        return INFINITE
    if is_function(sample, lex):
        return FUNCTION_EDIT
    return INFINITE if first else CONTENT_DROP


@dataclass(frozen=True)
class Piece:
    """One word of a sample, or one of its slots."""

    word: str | None = None
    slot: str | None = None


@dataclass(frozen=True)
class NearMatch:
    cost: float
    slots: dict[str, str]  # slot name -> the words that filled it


# Fills a slot from some words: whether they can fill it (a date that resolves, a known custom value).
SlotCheck = Callable[[str, str], bool]


def pieces_of(sample: str, lex: Lexicon = ENGLISH) -> list[Piece]:
    pieces: list[Piece] = []
    for part in re.split(r"(\{[^{}]+\})", sample):
        ref = re.fullmatch(r"\{([^{}]+)\}", part)
        if ref:
            pieces.append(Piece(slot=ref.group(1)))
        else:
            pieces.extend(Piece(word=w) for w in words_of(strip_fillers(part, lex) if part.strip() else "", lex))
    return pieces


def near_match(said: Sequence[str], pieces: Sequence[Piece], fits: SlotCheck, lex: Lexicon = ENGLISH) -> NearMatch | None:
    """The cheapest way to edit ``pieces`` into the words ``said``, if it is within the sample's budget."""
    literal = [p.word for p in pieces if p.word is not None]
    limit = budget(len(literal))
    n, m = len(pieces), len(said)
    # best[i][j]: cheapest cost of matching pieces[:i] with said[:j], and how (for the slots).
    best: list[list[tuple[float, tuple[int, int, str | None] | None]]] = [
        [(INFINITE, None)] * (m + 1) for _ in range(n + 1)
    ]
    best[0][0] = (0.0, None)
    for i in range(n + 1):
        for j in range(m + 1):
            cost, _ = best[i][j]
            if cost > limit:
                continue
            if j < m:  # a word said that the sample does not have
                _relax(best, i, j + 1, cost + insertion(said[j], lex), (i, j, None))
            if i == n:
                continue
            piece = pieces[i]
            if piece.slot is not None:
                for k in range(1, MAX_SLOT_WORDS + 1):
                    if j + k <= m and fits(piece.slot, " ".join(said[j: j + k])):
                        _relax(best, i + 1, j + k, cost, (i, j, piece.slot))
                continue
            assert piece.word is not None
            _relax(best, i + 1, j, cost + deletion(piece.word, first=i == 0, lex=lex), (i, j, None))
            if j < m:
                _relax(best, i + 1, j + 1, cost + substitution(said[j], piece.word, lex), (i, j, None))
    cost, _ = best[n][m]
    if cost > limit:
        return None
    slots: dict[str, str] = {}
    i, j = n, m
    while (i, j) != (0, 0):
        step = best[i][j][1]
        assert step is not None
        pi, pj, slot = step
        if slot is not None:
            slots[slot] = " ".join(said[pj:j])
        i, j = pi, pj
    return NearMatch(cost, slots)


def _relax(best: list[list[tuple[float, tuple[int, int, str | None] | None]]], i: int, j: int, cost: float,
           step: tuple[int, int, str | None]) -> None:
    if cost < best[i][j][0]:
        best[i][j] = (cost, step)


def concepts(words: Sequence[str], lex: Lexicon = ENGLISH) -> set[str]:
    """Stems and families of the content words: a cheap test of whether a near match is possible at all."""
    found: set[str] = set()
    for word in words:
        if is_function(word, lex):
            continue
        found.add(key(word, lex))
        found.update(f"family:{n}" for n in _families(word, lex))
    return found
