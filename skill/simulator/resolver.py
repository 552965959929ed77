"""What a typed line means, worked out from the interaction model the way Alexa would.

Each sample utterance becomes a regular expression with its slots as groups.
A line is normalised (lower case, punctuation dropped except apostrophes),
matched against every sample and every common phrase of the built-in intents
the model declares, and the most specific match wins: the one with the fewest
characters taken by free-text slots, then the one with the most literal words.
Two intents matching equally well is reported as a tie. A line no sample
matches is tried again without fillers, then against samples it is a few small
edits away from (``generalise.py``: Alexa too understands more than its
samples); only then is it the fallback intent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .builtin_phrases import FALLBACK_INTENT
from .dates import resolve_date
from .generalise import Piece, concepts, is_function, near_match, pieces_of, strip_fillers, transcribe, words_of
from .language import ENGLISH, Lexicon, lexicon_for
from .model import InteractionModel, SlotTypeValue
from .numbers import parse_number
from .times import resolve_time

SLOT_REF = re.compile(r"\{([^{}]+)\}")
FREE_TEXT_TYPES = {"AMAZON.SearchQuery", "AMAZON.LITERAL"}
LAUNCH_VERBS = ENGLISH.launch_verbs
ONE_SHOT_VERBS = ENGLISH.one_shot_verbs
CONNECTORS = ENGLISH.connectors
TRAILING_CONNECTORS = ENGLISH.trailing_connectors


def normalise(text: str) -> str:
    """Lower-case words: punctuation dropped, except apostrophes inside words and hyphens next to digits."""
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"[^\w\s'-]", " ", text)
    text = re.sub(r"(?<![^\W_])-|-(?![^\W_])", " ", text)
    text = re.sub(r"(?<=[^\W\d_])-(?=[^\W\d_])", " ", text)  # "twenty-fifth", not "2026-11-03"
    text = re.sub(r"(?<!\w)'|'(?!\w)", " ", text)
    return " ".join(text.replace("_", " ").split())


def heard(line: str, lex: Lexicon = ENGLISH) -> str:
    """The normalised line without a leading wake word ("Alexa, ..."), spelled as speech recognition would."""
    return transcribe(re.sub(r"^alexa(?: |$)", "", normalise(line)).strip(), lex)


def blank_slots(sample: str) -> str:
    """A sample with its slot names blanked, for spotting the same words in two intents."""
    return SLOT_REF.sub("{}", normalise_sample(sample))


def normalise_sample(sample: str) -> str:
    parts = re.split(r"(\{[^{}]+\})", sample)
    return " ".join(" ".join(p.split()) if SLOT_REF.fullmatch(p) else normalise(p) for p in parts if p.strip())


@dataclass(frozen=True)
class SlotFill:
    """A slot as Alexa fills it: ``value`` is what Alexa sends (words, an ISO date, digits)."""

    name: str
    type: str
    value: str
    # Custom slot types only: the values the words resolved to (empty: ER_SUCCESS_NO_MATCH).
    matches: tuple[SlotTypeValue, ...] | None = None


@dataclass(frozen=True)
class Candidate:
    """One sample (or built-in phrase) that matches the whole line."""

    intent: str
    sample: str
    slots: dict[str, SlotFill]
    wildcard_chars: int
    literal_chars: int
    near_cost: float = 0.0  # how far from the sample the line was (0: it matched the sample exactly)

    @property
    def rank(self) -> tuple[float, int, int]:
        return (self.near_cost, self.wildcard_chars, -self.literal_chars)


@dataclass(frozen=True)
class Understanding:
    """What a line means: a launch, an intent with slots, leaving, or nothing the model knows."""

    utterance: str
    kind: str  # "launch", "intent", "exit", "not_understood"
    intent: str | None = None
    slots: dict[str, SlotFill] = field(default_factory=dict)
    sample: str | None = None
    one_shot: bool = False
    ties: tuple[Candidate, ...] = ()
    near: bool = False  # understood from a sample it does not match word for word (see generalise.py)

    def describe(self) -> dict[str, Any]:
        """A summary for ``--json`` output, naming the sample that matched and any tie."""
        summary: dict[str, Any] = {"utterance": self.utterance, "kind": self.kind}
        if self.intent:
            summary["intent"] = self.intent
        if self.sample:
            summary["sample"] = self.sample
        if self.near:
            summary["near"] = True
        if self.slots:
            summary["slots"] = {name: fill.value for name, fill in self.slots.items()}
        if self.one_shot:
            summary["oneShot"] = True
        if self.ties:
            summary["ambiguous"] = {
                "message": "the resolver cannot decide between these intents; the first is used",
                "candidates": [{"intent": self.intent, "sample": self.sample}]
                + [{"intent": t.intent, "sample": t.sample} for t in self.ties],
            }
        return summary


@dataclass(frozen=True)
class _Sample:
    intent: str
    text: str
    pattern: re.Pattern[str]
    slot_names: tuple[str, ...]
    literal_chars: int


@dataclass(frozen=True)
class _NearSample:
    """A sample without a free-text slot, prepared for near matches."""

    sample: _Sample
    pieces: tuple[Piece, ...]
    content: tuple[frozenset[str], ...]  # the concepts of each content word


class Resolver:
    """Turns typed lines into what Alexa would send, for one interaction model."""

    def __init__(self, model: InteractionModel):
        self.model = model
        self.lex = lexicon_for(model.locale)
        lex = self.lex
        self._number_words = lex.number_words
        self._digit_words = {digits: word for word, digits in lex.number_words.items()}
        self._article = re.compile(lex.article)
        self._samples = [
            self._compile(intent.name, sample)
            for intent in model.intents.values()
            for sample in intent.samples
        ]
        self._near = [self._prepare_near(sample) for sample in self._samples if self._near_allowed(sample)]
        self._slot_samples = {
            (intent.name, slot.name): [self._compile(intent.name, sample) for sample in slot.samples]
            for intent in model.intents.values()
            for slot in intent.slots.values()
        }
        self._phrases = {
            phrase: name
            for name, phrases in lex.built_in_phrases.items()
            if model.declares(name)
            for phrase in phrases
        }
        self._values: dict[str, dict[str, list[SlotTypeValue]]] = {}
        for type_name, values in model.slot_types.items():
            words: dict[str, list[SlotTypeValue]] = {}
            for value in values:
                for word in (value.name, *value.synonyms):
                    bucket = words.setdefault(normalise(word), [])
                    if value not in bucket:
                        bucket.append(value)
            self._values[type_name] = words
        name = re.escape(normalise(model.invocation_name))
        article = lex.name_article
        suffixes = f"(?: (?:{'|'.join(lex.launch_suffixes)}))?" if lex.launch_suffixes else ""
        self._launch = re.compile(rf"^(?:(?:{'|'.join(lex.launch_verbs)}) )?{article}{name}{suffixes}$")
        self._one_shot = re.compile(
            rf"^(?:{'|'.join(lex.one_shot_verbs)}) {article}{name} (?:(?P<connector>{'|'.join(lex.connectors)}) )?(?P<rest>.+)$"
        )
        self._one_shot_after = re.compile(
            rf"^(?P<rest>.+?) (?:{'|'.join(lex.trailing_connectors)}) {article}{name}$"
        )

    # ------------------------------------------------------------------ lines

    def understand(self, line: str, today: date) -> Understanding:
        """What ``line`` means, with dates seen from ``today`` (in the device's time zone)."""
        utterance = self.heard(line)
        if self._launch.match(utterance):
            return Understanding(utterance, "launch", one_shot=True)
        if utterance in self.lex.exit_phrases:
            return Understanding(utterance, "exit")
        one_shot = self._one_shot.match(utterance) or self._one_shot_after.match(utterance)
        if one_shot:
            rest = one_shot.group("rest")
            tries = [rest]
            if one_shot.groupdict().get("connector"):
                tries.append(f"{one_shot.group('connector')} {rest}")
            for attempt in tries:
                found = self._best(attempt, utterance, today, one_shot=True)
                if found.kind == "intent" and found.intent != FALLBACK_INTENT:
                    return found
            return self._best(rest, utterance, today, one_shot=True)
        return self._best(utterance, utterance, today, one_shot=False)

    def heard(self, line: str) -> str:
        """The line as speech recognition in this model's language would deliver it."""
        return heard(line, self.lex)

    def phrases(self, intent: str) -> tuple[str, ...]:
        """The common phrases of a built-in intent in this model's language ("yes", "ja")."""
        return self.lex.built_in_phrases.get(intent, ())

    def candidates(self, utterance: str, today: date) -> list[Candidate]:
        """Every sample and built-in phrase matching the whole (normalised) utterance, best first."""
        found = []
        phrase_intent = self._phrases.get(utterance)
        if phrase_intent is not None:
            found.append(Candidate(phrase_intent, utterance, {}, 0, len(utterance)))
        for sample in self._samples:
            candidate = self._try(sample, utterance, today)
            if candidate is not None:
                found.append(candidate)
        return sorted(found, key=lambda c: c.rank)

    def fill_slot(self, line: str, intent: str, slot: str, today: date) -> SlotFill | None:
        """The answer to "what is <slot>?": a slot sample, else the whole line; None if it cannot fill it."""
        utterance = self.heard(line)
        declared = self.model.intents.get(intent)
        slot_type = declared.slots[slot].type if declared and slot in declared.slots else "AMAZON.SearchQuery"
        for sample in self._slot_samples.get((intent, slot), []):
            candidate = self._try(sample, utterance, today)
            if candidate is not None and slot in candidate.slots:
                return candidate.slots[slot]
        converted = self._convert(slot, slot_type, utterance, today)
        return converted[0] if converted else None

    def specific_match(self, line: str, today: date) -> Understanding | None:
        """The built-in phrase or sample this line matches with no free text at all, if any.

        While Alexa waits for a slot value, such a line means that other request
        instead ("stop", "read my glimmers", "what did i notice yesterday").
        """
        utterance = self.heard(line)
        if utterance in self.lex.exit_phrases:
            return Understanding(utterance, "exit")
        for candidate in self.candidates(utterance, today):
            if candidate.wildcard_chars == 0:
                return Understanding(utterance, "intent", candidate.intent, candidate.slots, candidate.sample)
        return None

    # ------------------------------------------------------------ consistency

    def shared_samples(self) -> list[tuple[str, str, str]]:
        """Samples (slot names blanked) that two custom intents share: (sample, one intent, other intent)."""
        owner: dict[str, str] = {}
        shared = []
        for intent in self.model.intents.values():
            if intent.name.startswith("AMAZON."):
                continue
            for sample in sorted({blank_slots(s) for s in intent.samples}):
                if sample in owner and owner[sample] != intent.name:
                    shared.append((sample, owner[sample], intent.name))
                owner.setdefault(sample, intent.name)
        return shared

    def built_in_clashes(self) -> list[tuple[str, str, str]]:
        """Custom samples that are word for word a phrase of a declared built-in intent."""
        return [
            (normalise_sample(sample), intent.name, self._phrases[normalise_sample(sample)])
            for intent in self.model.intents.values()
            if not intent.name.startswith("AMAZON.")
            for sample in intent.samples
            if normalise_sample(sample) in self._phrases
        ]

    # -------------------------------------------------------------- matching

    def _best(self, utterance: str, said: str, today: date, one_shot: bool) -> Understanding:
        found = self.candidates(utterance, today)
        if not found:
            quieter = strip_fillers(utterance, self.lex)
            if quieter != utterance:
                found = self.candidates(quieter, today)
        if not found:
            found = self.near_candidates(utterance, today)
        if not found:
            if self.model.declares(FALLBACK_INTENT):
                return Understanding(said, "intent", FALLBACK_INTENT, {}, None, one_shot)
            return Understanding(said, "not_understood", one_shot=one_shot)
        best = found[0]
        ties = tuple(c for c in found[1:] if c.rank == best.rank and c.intent != best.intent)
        unique_ties = tuple({c.intent: c for c in ties}.values())
        return Understanding(
            said, "intent", best.intent, best.slots, best.sample, one_shot, unique_ties, near=best.near_cost > 0
        )

    def near_candidates(self, utterance: str, today: date) -> list[Candidate]:
        """Samples without a free-text slot that the line is a few small edits away from, best first."""
        said = words_of(strip_fillers(utterance, self.lex), self.lex)
        if not said:
            return []
        said_concepts = [concepts([word], self.lex) for word in said]
        everything_said = set().union(*said_concepts)
        found = []
        for near in self._near:
            shared = sum(1 for word in near.content if word & everything_said)
            if shared == 0 or shared < min(2, len(near.content)):
                continue
            intent = self.model.intents[near.sample.intent]

            def fits(slot: str, words: str, intent=intent) -> bool:
                declared = intent.slots.get(slot)
                converted = self._convert(slot, declared.type if declared else "AMAZON.SearchQuery", words, today)
                return converted is not None and converted[1] == 0

            match = near_match(said, near.pieces, fits, self.lex)
            if match is None:
                continue
            slots = {}
            for name, words in match.slots.items():
                declared = intent.slots.get(name)
                converted = self._convert(name, declared.type if declared else "AMAZON.SearchQuery", words, today)
                assert converted is not None
                slots[name] = converted[0]
            found.append(Candidate(near.sample.intent, near.sample.text, slots, 0, near.sample.literal_chars,
                                   near_cost=max(match.cost, 0.01)))
        return sorted(found, key=lambda c: c.rank)

    def _near_allowed(self, sample: _Sample) -> bool:
        intent = self.model.intents[sample.intent]
        for name in sample.slot_names:
            declared = intent.slots.get(name)
            if declared is None or declared.type in FREE_TEXT_TYPES:
                return False
        return True

    def _prepare_near(self, sample: _Sample) -> _NearSample:
        pieces = tuple(pieces_of(sample.text, self.lex))
        content = tuple(
            frozenset(concepts([p.word], self.lex)) for p in pieces if p.word is not None and not is_function(p.word, self.lex)
        )
        return _NearSample(sample, pieces, content)

    def _compile(self, intent: str, sample: str) -> _Sample:
        pieces, names, literal = [], [], 0
        for part in re.split(r"(\{[^{}]+\})", sample):
            ref = SLOT_REF.fullmatch(part)
            if ref:
                pieces.append(f"(?P<s{len(names)}>.+?)")
                names.append(ref.group(1))
            elif part.strip():
                words = normalise(part)
                literal += len(words.replace(" ", ""))
                pieces.append(" ".join(
                    f"(?:{re.escape(w)}|{self._number_words[w]})" if w in self._number_words else re.escape(w)
                    for w in words.split()
                ))
        return _Sample(intent, sample, re.compile("^" + " ".join(pieces) + "$"), tuple(names), literal)

    def _try(self, sample: _Sample, utterance: str, today: date) -> Candidate | None:
        match = sample.pattern.match(utterance)
        if not match:
            return None
        intent = self.model.intents[sample.intent]
        slots, wildcard = {}, 0
        for index, name in enumerate(sample.slot_names):
            declared = intent.slots.get(name)
            slot_type = declared.type if declared else "AMAZON.SearchQuery"
            converted = self._convert(name, slot_type, match.group(f"s{index}"), today)
            if converted is None:
                return None
            slots[name], chars = converted
            wildcard += chars
        return Candidate(sample.intent, sample.text, slots, wildcard, sample.literal_chars)

    def _convert(self, name: str, slot_type: str, text: str, today: date) -> tuple[SlotFill, int] | None:
        """The slot for these words, and how many of them count as free text; None if they cannot fill it."""
        text = text.strip()
        if not text:
            return None
        if slot_type == "AMAZON.DATE":
            value = resolve_date(text, today, self.lex.code)
            return None if value is None else (SlotFill(name, slot_type, value), 0)
        if slot_type == "AMAZON.TIME":
            value = resolve_time(text, self.lex.code)
            return None if value is None else (SlotFill(name, slot_type, value), 0)
        if slot_type in ("AMAZON.NUMBER", "AMAZON.FOUR_DIGIT_NUMBER"):
            number = parse_number(text, self.lex.code)
            return None if number is None else (SlotFill(name, slot_type, str(number)), 0)
        if slot_type in self._values:
            matches = self.resolve_value(slot_type, text)
            return SlotFill(name, slot_type, text, matches), 0 if matches else len(text)
        return SlotFill(name, slot_type, text), len(text)

    def resolve_value(self, slot_type: str, text: str) -> tuple[SlotTypeValue, ...]:
        """The custom slot values these words name (entity resolution), by value or synonym."""
        words = self._values.get(slot_type, {})
        key = normalise(text)
        spelled = " ".join(self._digit_words.get(word, word) for word in key.split())
        found = words.get(key) or words.get(spelled) or words.get(self._article.sub("", spelled)) or []
        return tuple(found)
