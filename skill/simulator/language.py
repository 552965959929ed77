"""What the simulator knows about each language it understands: English and German.

The resolver (``resolver.py``), the near matches (``generalise.py``), dates
(``dates.py``) and numbers (``numbers.py``) are the same for every language;
the words they need (how a skill is opened, the common phrases of Alexa's
built-in intents, fillers, word families, a rough stemmer) come from the
locale's ``Lexicon`` here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .builtin_phrases import BUILT_IN_PHRASES, EXIT_PHRASES


@dataclass(frozen=True)
class Lexicon:
    code: str
    launch_verbs: tuple[str, ...]
    one_shot_verbs: tuple[str, ...]
    connectors: tuple[str, ...]
    trailing_connectors: tuple[str, ...]
    # How the invocation name may be preceded ("the glimmer journal") and followed ("glimmer tagebuch öffnen").
    name_article: str
    launch_suffixes: tuple[str, ...]
    article: str  # a leading article dropped before resolving a custom slot value
    number_words: dict[str, str]
    built_in_phrases: dict[str, tuple[str, ...]]
    exit_phrases: tuple[str, ...]
    apostrophes: dict[str, str]
    leading_fillers: tuple[str, ...]
    trailing_fillers: tuple[str, ...]
    anywhere_fillers: tuple[str, ...]
    contractions: dict[str, str]
    function_words: frozenset[str]
    never_edited: frozenset[str]
    irregular: dict[str, str]
    families: tuple[frozenset[str], ...]
    stem: Callable[[str], str] = field(repr=False)


def _families(*groups: str) -> tuple[frozenset[str], ...]:
    return tuple(frozenset(words.split()) for words in groups)


# -- English ----------------------------------------------------------------------


def _english_stem(word: str) -> str:
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


ENGLISH = Lexicon(
    code="en",
    launch_verbs=("open", "start", "launch", "begin", "load", "run", "play", "use", "talk to", "ask", "tell"),
    one_shot_verbs=("ask", "tell", "use", "open", "start", "launch"),
    connectors=("to", "that", "for", "about", "if", "whether", "and"),
    trailing_connectors=("with", "using", "from", "in", "on"),
    name_article=r"(?:the )?",
    launch_suffixes=(),
    article=r"^(?:the|a|an|my|some)\s+",
    number_words={
        "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8",
        "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
    },
    built_in_phrases=BUILT_IN_PHRASES,
    exit_phrases=EXIT_PHRASES,
    apostrophes={
        "whats": "what's", "thats": "that's", "hows": "how's", "wheres": "where's", "theres": "there's",
        "heres": "here's", "im": "i'm", "ive": "i've", "youre": "you're", "dont": "don't", "didnt": "didn't",
        "doesnt": "doesn't", "cant": "can't", "isnt": "isn't", "wasnt": "wasn't", "arent": "aren't",
        "havent": "haven't", "hasnt": "hasn't", "wouldnt": "wouldn't", "couldnt": "couldn't",
        "shouldnt": "shouldn't", "todays": "today's", "someones": "someone's",
    },
    leading_fillers=(
        "alexa", "hey", "um", "uh", "so", "okay", "ok", "well", "please", "can you", "could you", "would you",
        "will you", "can i", "could i", "let me", "i'd like you to", "i want you to",
    ),
    trailing_fillers=("please", "thanks", "thank you", "for me", "right now", "so far", "for now"),
    anywhere_fillers=("please", "um", "uh", "really", "just", "so", "actually", "still", "kind of", "sort of", "bit"),
    contractions={
        "that's": "that is", "what's": "what is", "it's": "it is", "how's": "how is", "there's": "there is",
        "here's": "here is", "who's": "who is", "where's": "where is", "when's": "when is", "i'm": "i am",
        "i've": "i have", "i'd": "i would", "i'll": "i will", "you're": "you are", "don't": "do not",
        "doesn't": "does not", "didn't": "did not", "can't": "can not", "isn't": "is not", "wasn't": "was not",
        "aren't": "are not", "haven't": "have not", "hasn't": "has not", "won't": "will not", "let's": "let us",
        "wouldn't": "would not", "couldn't": "could not", "shouldn't": "should not",
    },
    function_words=frozenset(
        "a an the my your his her our their this that these those it its i me you we us to of for in on at with "
        "from about up out some any something anything is am are was were be been do does did have has had can "
        "could would will should shall what how when which who there here else and or if very too most few "
        "again ever".split()
    ),
    never_edited=frozenset({"not", "no", "never", "all", "every", "everything"}),
    irregular={
        "wrote": "write", "written": "write", "heard": "hear", "saw": "see", "seen": "see", "felt": "feel",
        "had": "have", "has": "have", "got": "get", "gotten": "get", "did": "do", "does": "do", "done": "do",
        "was": "be", "were": "be", "is": "be", "am": "be", "are": "be", "been": "be", "said": "say",
        "made": "make", "found": "find", "kept": "keep", "took": "take", "gave": "give", "told": "tell",
        "went": "go", "children": "child", "people": "person", "smelt": "smell",
    },
    families=_families(
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
    ),
    stem=_english_stem,
)


# -- German -----------------------------------------------------------------------

_GERMAN_SUFFIXES = ("ungen", "ung", "ern", "est", "en", "em", "er", "es", "et", "st", "e", "n", "s", "t")


def _german_stem(word: str) -> str:
    """A rough stem: "bemerkt", "bemerke" and "bemerken" share one; so do "gehört" and "hören"."""
    if word.startswith("ge") and len(word) > 6:
        word = word[2:]
    for suffix in _GERMAN_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


GERMAN_BUILT_IN_PHRASES: dict[str, tuple[str, ...]] = {
    "AMAZON.HelpIntent": (
        "hilfe", "ich brauche hilfe", "hilfe bitte", "was kann ich sagen", "was kannst du", "was kannst du alles",
        "wie funktioniert das", "was kann ich tun", "wie geht das",
    ),
    "AMAZON.StopIntent": (
        "stopp", "stop", "halt", "hör auf", "aufhören", "sei still", "ruhe", "das war's", "das wars", "das war alles",
        "ich bin fertig", "fertig", "tschüss", "tschüs", "auf wiedersehen", "bis dann", "bis bald", "ende",
    ),
    "AMAZON.CancelIntent": ("abbrechen", "abbruch", "vergiss es", "egal", "lass es", "schon gut", "lass gut sein"),
    "AMAZON.YesIntent": (
        "ja", "ja bitte", "jawohl", "jap", "jo", "klar", "na klar", "sicher", "okay", "ok", "gerne", "gern",
        "ja gerne", "auf jeden fall", "natürlich", "genau", "mach das", "mach ruhig", "warum nicht", "in ordnung",
        "einverstanden", "ja klar",
    ),
    "AMAZON.NoIntent": (
        "nein", "nein danke", "nee", "nö", "lieber nicht", "jetzt nicht", "nicht jetzt", "auf keinen fall",
        "nein lieber nicht", "heute nicht", "eher nicht", "nein danke nicht",
    ),
    "AMAZON.MoreIntent": ("mehr", "noch mehr", "mehr bitte", "erzähl mir mehr", "gib mir mehr", "ich will mehr"),
    "AMAZON.NextIntent": ("weiter", "nächste", "der nächste", "nächster", "überspringen", "überspring das"),
    "AMAZON.PreviousIntent": ("zurück", "vorherige", "geh zurück", "der vorherige"),
    "AMAZON.RepeatIntent": ("wiederholen", "wiederhole das", "noch mal", "nochmal", "was hast du gesagt", "wie bitte"),
    "AMAZON.StartOverIntent": ("von vorne", "neu starten", "fang von vorne an"),
    "AMAZON.NavigateHomeIntent": ("startseite", "zur startseite", "geh zur startseite"),
    "AMAZON.PauseIntent": ("pause", "pausieren", "warte mal"),
    "AMAZON.ResumeIntent": ("fortsetzen", "mach weiter", "weitermachen"),
}

GERMAN = Lexicon(
    code="de",
    launch_verbs=("öffne", "öffnen", "starte", "starten", "beginne", "benutze", "spiele", "frag", "frage", "sag", "sage"),
    one_shot_verbs=("frag", "frage", "sag", "sage", "bitte", "öffne", "starte", "benutze"),
    connectors=("dass", "nach", "ob", "und", "um", "zu", "wie", "wann", "was", "welche", "wo"),
    trailing_connectors=("mit", "bei", "von", "in", "über"),
    name_article=r"(?:das |dem |mein |meinem )?",
    launch_suffixes=("öffnen", "starten", "aufmachen"),
    article=r"^(?:der|die|das|den|dem|ein|eine|einen|einem|mein|meine|meinen|etwas)\s+",
    number_words={
        "eins": "1", "ein": "1", "zwei": "2", "drei": "3", "vier": "4", "fünf": "5", "sechs": "6", "sieben": "7", "acht": "8",
        "neun": "9", "zehn": "10", "elf": "11", "zwölf": "12",
    },
    built_in_phrases=GERMAN_BUILT_IN_PHRASES,
    exit_phrases=("beenden", "verlassen", "skill beenden", "schließen", "beende den skill", "skill verlassen"),
    apostrophes={"wars": "war's", "gibts": "gibt's", "hats": "hat's", "gehts": "geht's", "machs": "mach's"},
    leading_fillers=(
        "alexa", "hey", "äh", "ähm", "also", "okay", "ok", "na", "bitte", "kannst du", "könntest du", "würdest du",
        "kannst du mir", "könntest du mir", "ich möchte dass du", "ich will dass du", "sag mal",
    ),
    trailing_fillers=("bitte", "danke", "für mich", "mal", "jetzt", "gerade", "bis jetzt", "bisher", "doch", "bitte schön"),
    anywhere_fillers=("bitte", "äh", "ähm", "mal", "doch", "einfach", "eigentlich", "eben", "halt", "denn", "gerade"),
    contractions={"war's": "war es", "gibt's": "gibt es", "hat's": "hat es", "geht's": "geht es", "hab": "habe",
                  "hast's": "hast es", "mach's": "mache es"},
    function_words=frozenset(
        "der die das den dem des ein eine einen einem einer eines mein meine meinen meinem meiner meines dein "
        "deine deinen ich mir mich du dir dich wir uns es er sie ihr zu zum zur von vom mit bei im in an am auf "
        "für über um aus und oder was wie wann wo welche welcher welches welchen ist bin bist sind war waren habe "
        "hab hast hat haben hatte hatten kann kannst könnte könntest soll sollte will willst möchte möchtest würde "
        "noch schon so sehr auch etwas da dort hier dann wieder mal".split()
    ),
    never_edited=frozenset({"nicht", "kein", "keine", "keinen", "keiner", "nie", "niemals", "alle", "alles", "allen",
                            "jeden", "jede", "ganze", "ganzes", "ganzen", "nein"}),
    irregular={
        "las": "les", "lies": "les", "liest": "les", "gelesen": "les", "sah": "seh", "sieh": "seh", "gesehen": "seh",
        "hatte": "hab", "hast": "hab", "hat": "hab", "habe": "hab", "gab": "geb", "gib": "geb", "gibst": "geb",
        "war": "sei", "bin": "sei", "bist": "sei", "ist": "sei", "sind": "sei", "gewesen": "sei",
        "fand": "find", "gefunden": "find", "roch": "riech", "gerochen": "riech", "hörte": "hör", "gehört": "hör",
        "spürte": "spür", "gespürt": "spür", "fühlte": "fühl", "gefühlt": "fühl", "schrieb": "schreib",
        "geschrieben": "schreib", "tat": "tu", "getan": "tu",
    },
    families=_families(
        "glimmer glimmern moment momente momenten augenblick augenblicke eintrag einträge einträgen",
        "letzte letzten letzter letztes neueste neuesten neuester jüngste jüngsten zuletzt",
        "notiere notieren notiert notier bemerkt bemerke bemerken speichere speichern speicher gespeichert "
        "schreib schreibe aufschreiben merke merk merken halte festhalten",
        "lösche löschen lösch gelöscht entferne entfernen entfern streiche streichen",
        "gib zeig zeige sag sage nenn nenne",
        "lies lese lesen vorlesen hör höre hören spiel spiele",
        "überfordert gestresst ängstlich unruhig nervös angespannt traurig erschöpft fertig down schlecht mies "
        "kaputt aufgewühlt",
        "beruhige beruhigen entspannen entspanne runterkommen ruhig",
        "tagebuch journal",
        "vorschlag vorschläge idee ideen anregung anregungen tipp tipps",
        "jemand jemandem jemanden andere anderen anderer freund freundin familie mama papa mutter vater partner "
        "partnerin nachbar nachbarin kollege kollegin menschen",
        "kann kannst könnte könntest würde würdest",
    ),
    stem=_german_stem,
)

LEXICONS = {"en": ENGLISH, "de": GERMAN}


def lexicon_for(locale: str | None) -> Lexicon:
    """The lexicon of a locale's language; English when the simulator knows no other."""
    language = (locale or "en").split("-")[0].lower()
    return LEXICONS.get(language, ENGLISH)


def is_word(text: str) -> bool:
    return re.fullmatch(r"\w+", text) is not None
