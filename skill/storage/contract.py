"""The journal contract: what handlers, the CLI and operator tools may ask of storage.

Two engines keep this contract: ``TinyDBStore`` (one small file per journal
under a data folder, the embedded default) and ``PostgresStore`` (one
PostgreSQL database shared by several instances). Nothing outside
``skill.storage`` knows how either lays out its data.

Journals are named two ways. A ``JournalKey`` holds the raw Alexa IDs of a
request (handlers have nothing else); a ``JournalRef`` holds only their
hashes, which is all an engine stores and all an operator ever sees.
"""

from __future__ import annotations

import hashlib
import random
import re
import secrets
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime, timezone, tzinfo
from typing import Any, Protocol, runtime_checkable

ACCOUNT_JOURNAL = "account"
RECORD_FIELDS = ("id", "text", "created_at", "locale")


# Whether storage has failed in the work in hand (one request): what can wait, such as
# remembering a device's time zone, is then left for a later request.
_failed_here: ContextVar[bool] = ContextVar("glimmers_storage_failed", default=False)


class StorageUnavailable(Exception):
    """Storage cannot be written or read right now (disk full or read-only, database down)."""

    def __init__(self, *args: object):
        super().__init__(*args)
        _failed_here.set(True)


def storage_failed_here() -> bool:
    """Whether a ``StorageUnavailable`` was raised since ``forget_storage_failures`` (in this thread or task)."""
    return _failed_here.get()


def forget_storage_failures() -> None:
    """Start a new piece of work (a request) with no storage failure seen."""
    _failed_here.set(False)


class InvalidRecord(ValueError):
    """A glimmer record is not sound; the message says why without quoting its text."""


def hash_id(raw: str) -> str:
    """A stable, file- and column-safe name for an Alexa ID that does not reveal it."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


def is_account_hash(text: object) -> bool:
    return isinstance(text, str) and len(text) == 32 and all(c in "0123456789abcdef" for c in text)


def is_journal_name(text: object) -> bool:
    """``account``, or ``person-<hash>`` for a recognised household member."""
    return isinstance(text, str) and (
        text == ACCOUNT_JOURNAL or (text.startswith("person-") and is_account_hash(text[len("person-") :]))
    )


@dataclass(frozen=True)
class JournalRef:
    """A journal by hashes only: ``account`` (of the Alexa user ID) and ``journal`` (``account`` or ``person-<hash>``)."""

    account: str
    journal: str = ACCOUNT_JOURNAL

    @property
    def name(self) -> str:
        return f"{self.account}/{self.journal}"


@dataclass(frozen=True)
class JournalKey:
    """Whose journal, as a request names it: a recognised household member's, or else the account's."""

    user_id: str
    person_id: str | None = None

    @property
    def ref(self) -> JournalRef:
        journal = f"person-{hash_id(self.person_id)}" if self.person_id else ACCOUNT_JOURNAL
        return JournalRef(hash_id(self.user_id), journal)


# -- glimmers -----------------------------------------------------------------


def format_timestamp(moment: datetime) -> str:
    """UTC, microseconds, ``Z``: the one form glimmers are stored and exported in."""
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")


def parse_timestamp(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def new_glimmer_id() -> str:
    """32 hex digits, increasing with time, so glimmers noted in the same instant keep their order."""
    return f"{time.time_ns():016x}{secrets.token_hex(8)}"


@dataclass(frozen=True)
class Glimmer:
    """One noticed moment."""

    id: str
    text: str
    created_at: datetime
    locale: str

    def to_record(self) -> dict[str, str]:
        """The glimmer as exported and as the TinyDB engine keeps it (no ``locale`` when unknown)."""
        record = {"id": self.id, "text": self.text, "created_at": format_timestamp(self.created_at)}
        if self.locale:
            record["locale"] = self.locale
        return record

    @classmethod
    def from_record(cls, record: Any) -> Glimmer:
        """The glimmer a record holds; InvalidRecord when it is not sound. The one validator."""
        if not isinstance(record, Mapping):
            raise InvalidRecord("is not an object")
        missing = [name for name in RECORD_FIELDS[:3] if name not in record]
        if missing:
            raise InvalidRecord(f"has no {', '.join(missing)}")
        wrong = [name for name in RECORD_FIELDS if name in record and not isinstance(record[name], str)]
        if wrong:
            raise InvalidRecord(f"has a {', '.join(wrong)} that is not a string")
        if not record["id"]:
            raise InvalidRecord("has an empty id")
        if len(record["id"]) > 64:
            raise InvalidRecord("has an id longer than 64 characters")
        try:
            created_at = parse_timestamp(record["created_at"])
        except (ValueError, OverflowError):
            raise InvalidRecord("has a created_at that is not an ISO date-time") from None
        return cls(id=record["id"], text=record["text"], created_at=created_at, locale=record.get("locale") or "")

    @property
    def sort_key(self) -> tuple[datetime, str]:
        return (self.created_at, self.id)


def encode_cursor(glimmer: Glimmer) -> str:
    """Where a page ended, as an opaque string a session can carry."""
    return f"{format_timestamp(glimmer.created_at)}~{glimmer.id}"


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    """ValueError for a string ``encode_cursor`` did not make."""
    if not isinstance(cursor, str) or "~" not in cursor:
        raise ValueError("not a cursor")
    moment, _, glimmer_id = cursor.partition("~")
    try:
        return parse_timestamp(moment), glimmer_id
    except OverflowError:
        raise ValueError("not a cursor") from None


@dataclass(frozen=True)
class Page:
    """A slice of a journal, newest first; ``next_cursor`` continues it when there is more."""

    glimmers: list[Glimmer]
    next_cursor: str | None = None
    damaged: bool = False

    @property
    def has_more(self) -> bool:
        return self.next_cursor is not None


# -- searching ------------------------------------------------------------------
#
# Both engines decide what a search finds with these functions, so they agree
# exactly: PostgreSQL may only narrow the rows it reads first (``SearchTerm.fragment``
# is a piece of text every matching glimmer contains, whatever its case).

# Words a search is never about ("find my glimmers about the sea" looks for "sea").
SEARCH_STOPWORDS = frozenset(
    "a an the my our your his her their some any of about on in at to for with from and or that this these those "
    "it its i me we us you glimmer glimmers one ones time times before ever anything something".split()
)
# The same little words in German ("finde meine Glimmer über das Meer" looks for "Meer"); the handler
# drops them from a German topic before searching (``search_words``), so English searches never lose "die".
GERMAN_SEARCH_STOPWORDS = frozenset(
    "der die das den dem des ein eine einen einem einer eines mein meine meinen meinem meiner meines dein deine "
    "über von vom mit nach zu zum zur im in am an auf für und oder ich mir mich wir uns du dir glimmer glimmern "
    "etwas was schon mal einmal je jemals".split()
)
STOPWORDS_BY_LANGUAGE = {"de": GERMAN_SEARCH_STOPWORDS}
# Plurals that do not end in a plain "s": (plural, singular).
_IRREGULAR_PLURALS = {
    "leaves": "leaf", "loaves": "loaf", "wolves": "wolf", "knives": "knife", "lives": "life", "wives": "wife",
    "children": "child", "people": "person", "mice": "mouse", "geese": "goose", "feet": "foot", "teeth": "tooth",
    "men": "man", "women": "woman", "berries": "berry",
}
_SINGULAR_OF = {plural: singular for plural, singular in _IRREGULAR_PLURALS.items()}
_PLURAL_OF = {singular: plural for plural, singular in _IRREGULAR_PLURALS.items()}
# What may follow a searched word in a glimmer: "rain" finds "rainy", "raining", "rained".
_ENDINGS = frozenset({"y", "ing", "ed", "er", "ier", "iest", "ly", "ful", "ness"})
# The only characters whose lower case is ASCII while they are not: left as they are, so that what
# Python folds PostgreSQL's ILIKE folds too, under any collation.
_FOLDS_TO_ASCII = re.compile("[^\u0130\u212a]+")
_WORD = re.compile(r"[^\W_]+")
_POSSESSIVE = re.compile(r"['\u2019]s\b")


def _fold(text: str) -> str:
    return _FOLDS_TO_ASCII.sub(lambda m: m.group(0).lower(), text)


def _stem(word: str) -> str:
    """A word without its plural: "birds" and "bird", "berries" and "berry", "leaves" and "leaf"."""
    if word in _SINGULAR_OF:
        return _SINGULAR_OF[word]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes", "zes")) and len(word) > 4:
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def text_words(text: str) -> list[str]:
    """The words of a glimmer as a search sees them: lower case, no punctuation or possessive, singular."""
    return [_stem(w) for w in _WORD.findall(_POSSESSIVE.sub("", _fold(text)))]


@dataclass(frozen=True)
class SearchTerm:
    """One word a search looks for, as its stem."""

    stem: str

    def finds(self, word: str) -> bool:
        """Whether a glimmer's word (from ``text_words``) is this term: the same stem, or it with an ending."""
        stem = self.stem
        if word == stem or word == _PLURAL_OF.get(stem):
            return True
        for base in {stem, stem[:-1] if len(stem) > 3 and stem.endswith("e") else stem}:
            if word.startswith(base):
                rest = word[len(base):]
                if rest in _ENDINGS or (len(rest) > 1 and rest[0] == base[-1] and rest[1:] in _ENDINGS):
                    return True
        return False

    @property
    def fragment(self) -> str:
        """Text every glimmer this term finds contains (in some case): for a database to narrow with first."""
        stem = self.stem
        candidates = [stem[:-1] if len(stem) > 3 and stem[-1] in "ye" else stem]
        if stem in _PLURAL_OF:
            plural = _PLURAL_OF[stem]
            common = 0
            while common < min(len(stem), len(plural)) and stem[common] == plural[common]:
                common += 1
            candidates.append(stem[:common])
        return min(candidates, key=len)


def search_words(topic: str, language: str = "en") -> list[str]:
    """The words of a spoken topic to search for, without the little words of its language."""
    stopwords = STOPWORDS_BY_LANGUAGE.get(language, frozenset())
    return [word for word in topic.split() if _fold(word).strip(".,;:!?") not in stopwords]


def search_terms(words: Sequence[str] | str) -> list[SearchTerm]:
    """What a search for these words looks for: little words dropped, each word once, in order."""
    text = words if isinstance(words, str) else " ".join(words)
    terms: list[SearchTerm] = []
    for word in text_words(text):
        if word in SEARCH_STOPWORDS or (len(word) == 1 and not word.isdigit()):
            continue
        term = SearchTerm(word)
        if term not in terms:
            terms.append(term)
    return terms


def text_matches(text: str, terms: Sequence[SearchTerm]) -> bool:
    """Whether a glimmer's text has every term (a search with no terms finds nothing)."""
    if not terms:
        return False
    words = text_words(text)
    return all(any(term.finds(word) for word in words) for term in terms)


# -- what operator tools see --------------------------------------------------


@dataclass(frozen=True)
class JournalSummary:
    """One journal in a listing: counts and dates, or why it cannot be read."""

    ref: JournalRef
    glimmers: int
    first_noted: datetime | None
    last_noted: datetime | None
    unreadable: int = 0
    damaged: str | None = None


@dataclass
class JournalContents:
    """One journal for export: its sound glimmers oldest first, its meta, and how many records were not sound."""

    ref: JournalRef
    glimmers: list[Glimmer]
    meta: dict[str, Any]
    unreadable: int = 0


@dataclass
class ImportOutcome:
    """What importing one journal did."""

    created: bool = False
    imported: int = 0
    skipped: int = 0
    quarantined: str | None = None


@dataclass(frozen=True)
class Finding:
    """Something a health check found: a ``problem`` (needs attention) or a ``note`` (worth knowing)."""

    severity: str
    where: str
    message: str


@dataclass
class HealthReport:
    """What a health check of a whole store found, and what ``fix`` removed."""

    accounts: int = 0
    journals: int = 0
    glimmers: int = 0
    findings: list[Finding] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "problem"]

    @property
    def healthy(self) -> bool:
        return not self.problems

    def problem(self, where: str, message: str) -> None:
        self.findings.append(Finding("problem", where, message))

    def note(self, where: str, message: str) -> None:
        self.findings.append(Finding("note", where, message))


# -- the contract -------------------------------------------------------------


@runtime_checkable
class JournalStore(Protocol):
    """Everything the skill keeps, one journal at a time.

    Every method touches one journal or one account, except the operator
    methods at the end. A method that cannot reach storage raises
    ``StorageUnavailable``; what was saved before is never lost.
    """

    description: str  # where the journals are, for messages ("/srv/glimmers", "PostgreSQL at db:5432/glimmers")

    # -- reading ----------------------------------------------------------

    def page(
        self,
        key: JournalKey,
        limit: int,
        cursor: str | None = None,
        between: tuple[datetime, datetime] | None = None,
    ) -> Page:
        """Up to ``limit`` glimmers, newest first, after ``cursor`` (ValueError if it is not one), within ``between``.

        ``between`` keeps glimmers noted from its first moment up to, not
        including, its second.
        """
        ...

    def glimmers(self, key: JournalKey, between: tuple[datetime, datetime] | None = None) -> list[Glimmer]:
        """The glimmers noted in a period (all of them without ``between``), oldest first."""
        ...

    def search(self, key: JournalKey, words: Sequence[str], limit: int, cursor: str | None = None) -> Page:
        """Up to ``limit`` glimmers that have every one of ``words``, newest first, after ``cursor``.

        ``words`` are as the person said them: ``search_terms`` decides what
        they look for and ``text_matches`` which glimmers have them (case,
        punctuation and plurals do not matter; "rain" also finds "rainy").
        Words that are all little words ("the", "my") find nothing.
        """
        ...

    def count(self, key: JournalKey, between: tuple[datetime, datetime] | None = None) -> int:
        """How many glimmers were noted in a period (in all, without ``between``)."""
        ...

    def days_noted(self, key: JournalKey, zone: tzinfo, since: datetime | None = None) -> set[date]:
        """The local days (in ``zone``) on which at least one glimmer was noted, from ``since`` on."""
        ...

    def sample(self, key: JournalKey, k: int, rng: random.Random) -> list[Glimmer]:
        """Up to ``k`` glimmers chosen at random by ``rng`` (the same choice on every engine)."""
        ...

    def meta(self, key: JournalKey) -> dict[str, Any]:
        """What the journal remembers besides glimmers (recent suggestions, ...)."""
        ...

    # -- writing ----------------------------------------------------------

    def add(
        self,
        key: JournalKey,
        text: str,
        locale: str,
        now: datetime,
        request_id: str | None = None,
        meta: Mapping[str, Any] | None = None,
    ) -> Glimmer:
        """Save a glimmer; once this returns it survives a crash.

        With ``request_id`` (Alexa's request ID; engines keep only its hash), a
        request delivered again saves nothing more and returns the glimmer its
        first delivery saved. ``meta``: changes to the journal's meta, as
        ``update_meta`` takes them, saved with the glimmer in the same write
        (and not at all when the request was saved before).
        """
        ...

    def replace(self, key: JournalKey, glimmer_id: str, text: str) -> Glimmer | None:
        """Change a glimmer's text, keeping its id and time; None if it is not there."""
        ...

    def delete(self, key: JournalKey, glimmer_id: str) -> Glimmer | None:
        """Remove one glimmer; None if it was not there."""
        ...

    def update_meta(self, key: JournalKey, changes: Mapping[str, Any]) -> dict[str, Any]:
        """Set (or, with a None value, remove) keys of the journal's meta; the meta after."""
        ...

    def remember_suggestion(self, key: JournalKey, suggestion_id: str, kept: int = 10) -> None:
        """Note that a suggestion was given, keeping the last ``kept``."""
        ...

    def delete_journal(self, key: JournalKey) -> int:
        """Remove a whole journal (and any damaged copies of it); how many glimmers it held."""
        ...

    def delete_account(self, user_id: str) -> int:
        """Remove every journal of an Alexa account, its own and its household's; how many journals."""
        ...

    # -- running ----------------------------------------------------------

    def open(self) -> None:
        """Make storage ready at start (create or upgrade a schema); StorageUnavailable saying what to check.

        Safe when several instances start at the same moment. Opens no
        connection that a forked worker would inherit: those are made in the
        process that uses them, on first use.
        """
        ...

    def check_available(self) -> None:
        """Raise StorageUnavailable unless storage can be written and read back now."""
        ...

    def close(self) -> None:
        """Release connections and files; the store may be used again after."""
        ...

    # -- operator tools ---------------------------------------------------

    def journals(self, account: str | None = None) -> Iterator[JournalSummary]:
        """Every journal (or one account's, by hash), by account hash then journal name."""
        ...

    def contents(self, ref: JournalRef) -> JournalContents:
        """One journal's glimmers and meta, for export; StorageUnavailable naming why it cannot be read."""
        ...

    def import_journal(self, ref: JournalRef, glimmers: list[Glimmer], meta: Mapping[str, Any]) -> ImportOutcome:
        """Add the glimmers a journal does not have yet (by id); meta fills only keys it lacks. Safe to repeat."""
        ...

    def bulk_load(self, journals: Iterable[tuple[JournalRef, list[Glimmer], Mapping[str, Any]]]) -> None:
        """Fill an EMPTY store fast, for tests and benchmarks (it may skip fsync and locks); refuse one with journals."""
        ...

    def check(self, fix: bool = False) -> HealthReport:
        """Check every journal's health; with ``fix``, repair only what is safe to repair."""
        ...
