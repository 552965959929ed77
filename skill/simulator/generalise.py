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

# -- what speech recognition delivers -------------------------------------------

# Typed without the apostrophe Alexa's transcription would have.
_APOSTROPHES = {
    "whats": "what's", "thats": "that's", "hows": "how's", "wheres": "where's", "theres": "there's",
    "heres": "here's", "im": "i'm", "ive": "i've", "youre": "you're", "dont": "don't", "didnt": "didn't",
    "doesnt": "doesn't", "cant": "can't", "isnt": "isn't", "wasnt": "wasn't", "arent": "aren't",
    "havent": "haven't", "hasnt": "hasn't", "wouldnt": "wouldn't", "couldnt": "couldn't", "shouldnt": "shouldn't",
    "todays": "today's", "someones": "someone's",
}


def transcribe(utterance: str) -> str:
    """A normalised line spelled as Alexa's speech recognition would deliver it."""
    return " ".join(_APOSTROPHES.get(word, word) for word in utterance.split())


# -- fillers --------------------------------------------------------------------

_LEADING_FILLERS = (
    "alexa", "hey", "um", "uh", "so", "okay", "ok", "well", "please", "can you", "could you", "would you",
    "will you", "can i", "could i", "let me", "i'd like you to", "i want you to",
)
_TRAILING_FILLERS = ("please", "thanks", "thank you", "for me", "right now", "so far", "for now")
_ANYWHERE_FILLERS = ("please", "um", "uh", "really", "just", "so", "actually", "still", "kind of", "sort of", "bit")


def strip_fillers(utterance: str) -> str:
    """The line without words that carry no meaning for the skill ("please", "can you", "um", "just")."""
    words = utterance.split()
    changed = True
    while changed and words:
        changed = False
        for filler in _LEADING_FILLERS:
            parts = filler.split()
            if words[: len(parts)] == parts and len(words) > len(parts):
                words = words[len(parts):]
                changed = True
        for filler in _TRAILING_FILLERS:
            parts = filler.split()
            if words[-len(parts):] == parts and len(words) > len(parts):
                words = words[: -len(parts)]
                changed = True
    kept: list[str] = []
    index = 0
    while index < len(words):
        for filler in _ANYWHERE_FILLERS:
            parts = filler.split()
            if words[index: index + len(parts)] == parts and len(words) > len(parts):
                index += len(parts)
                break
        else:
            kept.append(words[index])
            index += 1
    return " ".join(kept or words)


# -- words ------------------------------------------------------------------------

_CONTRACTIONS = {
    "that's": "that is", "what's": "what is", "it's": "it is", "how's": "how is", "there's": "there is",
    "here's": "here is", "who's": "who is", "where's": "where is", "when's": "when is", "i'm": "i am",
    "i've": "i have", "i'd": "i would", "i'll": "i will", "you're": "you are", "don't": "do not",
    "doesn't": "does not", "didn't": "did not", "can't": "can not", "isn't": "is not", "wasn't": "was not",
    "aren't": "are not", "haven't": "have not", "hasn't": "has not", "won't": "will not", "let's": "let us",
    "wouldn't": "would not", "couldn't": "could not", "shouldn't": "should not",
}
FUNCTION_WORDS = frozenset(
    "a an the my your his her our their this that these those it its i me you we us to of for in on at with "
    "from about up out some any something anything is am are was were be been do does did have has had can "
    "could would will should shall what how when which who there here else and or if very too most few "
    "again ever".split()
)
# Words that reverse a request or that no near match may add or drop.
_NEVER_EDITED = frozenset({"not", "no", "never", "all", "every", "everything"})
_IRREGULAR = {
    "wrote": "write", "written": "write", "heard": "hear", "saw": "see", "seen": "see", "felt": "feel",
    "had": "have", "has": "have", "got": "get", "gotten": "get", "did": "do", "does": "do", "done": "do",
    "was": "be", "were": "be", "is": "be", "am": "be", "are": "be", "been": "be", "said": "say",
    "made": "make", "found": "find", "kept": "keep", "took": "take", "gave": "give", "told": "tell",
    "went": "go", "children": "child", "people": "person", "smelt": "smell",
}
# Small families of words that stand for one another in this skill's requests.
FAMILIES: tuple[frozenset[str], ...] = tuple(
    frozenset(words.split())
    for words in (
        "glimmer glimmers one ones entry entries moment moments",
        "latest last recent newest",
        "notice noticed note noted record recorded save saved log logged write wrote written add added jot "
        "collect collected say said keep",
        "delete erase remove wipe clear",
        "give tell show",
        "read hear play list",
        "overwhelmed anxious stressed frazzled panicky panicking tense nervous worried scared low down sad upset "
        "exhausted awful terrible rough hard bad tough difficult",
        "calm relax settle unwind slow",
        "good nice happy lovely great well fine okay ok",
        "whole entire",
        "someone somebody friend mom mum mother dad father partner family neighbour neighbor sister brother "
        "others other kid kids child children son daughter wife husband coworker colleague people person",
        "idea ideas suggestion suggestions prompt",
        "can could would will",
    )
)


def words_of(text: str) -> list[str]:
    """Words for near matching: contractions said in full."""
    out: list[str] = []
    for word in text.split():
        out.extend(_CONTRACTIONS.get(word, word).split())
    return out


def key(word: str) -> str:
    """A rough stem: "noticed", "notices" and "noticing" share one, as do "glimmer" and "glimmers"."""
    word = _IRREGULAR.get(word, word)
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 5 and word.endswith("ing"):
        word = word[:-3]
        if len(word) > 2 and word[-1] == word[-2]:
            word = word[:-1]
    elif len(word) > 4 and word.endswith("ed"):
        word = word[:-2]
        if len(word) > 2 and word[-1] == word[-2]:
            word = word[:-1]
    elif word.endswith(("shes", "ches", "xes", "sses")):
        word = word[:-2]
    elif len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    return word


def _families(word: str) -> set[int]:
    plain = word[:-2] if word.endswith("'s") else word
    return {n for n, family in enumerate(FAMILIES) if plain in family or word in family}


def is_function(word: str) -> bool:
    return word in FUNCTION_WORDS


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


def substitution(said: str, sample: str) -> float:
    if said == sample:
        return 0.0
    if said in _NEVER_EDITED or sample in _NEVER_EDITED:
        return INFINITE
    if key(said) == key(sample):
        return SAME_STEM
    if _families(said) & _families(sample):
        return SAME_FAMILY
    if is_function(said) and is_function(sample):
        return FUNCTION_EDIT
    return INFINITE


def insertion(said: str) -> float:
    if said in _NEVER_EDITED:
        return INFINITE
    return FUNCTION_EDIT if is_function(said) else CONTENT_INSERT


def deletion(sample: str, first: bool) -> float:
    if sample in _NEVER_EDITED:
        return INFINITE
    if is_function(sample):
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


def pieces_of(sample: str) -> list[Piece]:
    pieces: list[Piece] = []
    for part in re.split(r"(\{[^{}]+\})", sample):
        ref = re.fullmatch(r"\{([^{}]+)\}", part)
        if ref:
            pieces.append(Piece(slot=ref.group(1)))
        else:
            pieces.extend(Piece(word=w) for w in words_of(strip_fillers(part) if part.strip() else ""))
    return pieces


def near_match(said: Sequence[str], pieces: Sequence[Piece], fits: SlotCheck) -> NearMatch | None:
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
                _relax(best, i, j + 1, cost + insertion(said[j]), (i, j, None))
            if i == n:
                continue
            piece = pieces[i]
            if piece.slot is not None:
                for k in range(1, MAX_SLOT_WORDS + 1):
                    if j + k <= m and fits(piece.slot, " ".join(said[j: j + k])):
                        _relax(best, i + 1, j + k, cost, (i, j, piece.slot))
                continue
            assert piece.word is not None
            _relax(best, i + 1, j, cost + deletion(piece.word, first=i == 0), (i, j, None))
            if j < m:
                _relax(best, i + 1, j + 1, cost + substitution(said[j], piece.word), (i, j, None))
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


def concepts(words: Sequence[str]) -> set[str]:
    """Stems and families of the content words: a cheap test of whether a near match is possible at all."""
    found: set[str] = set()
    for word in words:
        if is_function(word):
            continue
        found.add(key(word))
        found.update(f"family:{n}" for n in _families(word))
    return found
