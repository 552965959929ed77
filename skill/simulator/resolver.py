"""What a typed line means, worked out from the interaction model the way Alexa would.

Each sample utterance becomes a regular expression with its slots as groups.
A line is normalised (lower case, punctuation dropped except apostrophes),
matched against every sample and every common phrase of the built-in intents
the model declares, and the most specific match wins: the one with the fewest
characters taken by free-text slots, then the one with the most literal words.
Two intents matching equally well is reported as a tie.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .builtin_phrases import BUILT_IN_PHRASES, EXIT_PHRASES, FALLBACK_INTENT
from .dates import resolve_date
from .model import InteractionModel, SlotTypeValue
from .numbers import parse_number

SLOT_REF = re.compile(r"\{([^{}]+)\}")
FREE_TEXT_TYPES = {"AMAZON.SearchQuery", "AMAZON.LITERAL"}
LAUNCH_VERBS = ("open", "start", "launch", "begin", "load", "run", "play", "use", "talk to", "ask", "tell")
ONE_SHOT_VERBS = ("ask", "tell", "use", "open", "start", "launch")
CONNECTORS = ("to", "that", "for", "about", "if", "whether", "and")
TRAILING_CONNECTORS = ("with", "using", "from", "in", "on")
_ARTICLE = re.compile(r"^(?:the|a|an|my|some)\s+")


def normalise(text: str) -> str:
    """Lower-case words: punctuation dropped, except apostrophes inside words and hyphens next to digits."""
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"[^\w\s'-]", " ", text)
    text = re.sub(r"(?<![0-9a-z])-|-(?![0-9a-z])", " ", text)
    text = re.sub(r"(?<=[a-z])-(?=[a-z])", " ", text)  # "twenty-fifth", not "2026-11-03"
    text = re.sub(r"(?<!\w)'|'(?!\w)", " ", text)
    return " ".join(text.replace("_", " ").split())


def heard(line: str) -> str:
    """The normalised line without a leading wake word ("Alexa, ...")."""
    return re.sub(r"^alexa(?: |$)", "", normalise(line)).strip()


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

    @property
    def rank(self) -> tuple[int, int]:
        return (self.wildcard_chars, -self.literal_chars)


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

    def describe(self) -> dict[str, Any]:
        """A summary for ``--json`` output, naming the sample that matched and any tie."""
        summary: dict[str, Any] = {"utterance": self.utterance, "kind": self.kind}
        if self.intent:
            summary["intent"] = self.intent
        if self.sample:
            summary["sample"] = self.sample
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


class Resolver:
    """Turns typed lines into what Alexa would send, for one interaction model."""

    def __init__(self, model: InteractionModel):
        self.model = model
        self._samples = [
            self._compile(intent.name, sample)
            for intent in model.intents.values()
            for sample in intent.samples
        ]
        self._slot_samples = {
            (intent.name, slot.name): [self._compile(intent.name, sample) for sample in slot.samples]
            for intent in model.intents.values()
            for slot in intent.slots.values()
        }
        self._phrases = {
            phrase: name
            for name, phrases in BUILT_IN_PHRASES.items()
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
        self._launch = re.compile(rf"^(?:(?:{'|'.join(LAUNCH_VERBS)}) )?(?:the )?{name}$")
        self._one_shot = re.compile(
            rf"^(?:{'|'.join(ONE_SHOT_VERBS)}) (?:the )?{name} (?:(?P<connector>{'|'.join(CONNECTORS)}) )?(?P<rest>.+)$"
        )
        self._one_shot_after = re.compile(rf"^(?P<rest>.+?) (?:{'|'.join(TRAILING_CONNECTORS)}) (?:the )?{name}$")

    # ------------------------------------------------------------------ lines

    def understand(self, line: str, today: date) -> Understanding:
        """What ``line`` means, with dates seen from ``today`` (in the device's time zone)."""
        utterance = heard(line)
        if self._launch.match(utterance):
            return Understanding(utterance, "launch", one_shot=True)
        if utterance in EXIT_PHRASES:
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
        utterance = heard(line)
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
        utterance = heard(line)
        if utterance in EXIT_PHRASES:
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
            if self.model.declares(FALLBACK_INTENT):
                return Understanding(said, "intent", FALLBACK_INTENT, {}, None, one_shot)
            return Understanding(said, "not_understood", one_shot=one_shot)
        best = found[0]
        ties = tuple(c for c in found[1:] if c.rank == best.rank and c.intent != best.intent)
        unique_ties = tuple({c.intent: c for c in ties}.values())
        return Understanding(said, "intent", best.intent, best.slots, best.sample, one_shot, unique_ties)

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
                pieces.append(re.escape(words))
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
            value = resolve_date(text, today)
            return None if value is None else (SlotFill(name, slot_type, value), 0)
        if slot_type in ("AMAZON.NUMBER", "AMAZON.FOUR_DIGIT_NUMBER"):
            number = parse_number(text)
            return None if number is None else (SlotFill(name, slot_type, str(number)), 0)
        if slot_type in self._values:
            matches = self.resolve_value(slot_type, text)
            return SlotFill(name, slot_type, text, matches), 0 if matches else len(text)
        return SlotFill(name, slot_type, text), len(text)

    def resolve_value(self, slot_type: str, text: str) -> tuple[SlotTypeValue, ...]:
        """The custom slot values these words name (entity resolution), by value or synonym."""
        words = self._values.get(slot_type, {})
        key = normalise(text)
        found = words.get(key) or words.get(_ARTICLE.sub("", key)) or []
        return tuple(found)
