"""Recording a glimmer: "I noticed the warm sun on my face"."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name
from ask_sdk_model import Intent, IntentConfirmationStatus, Response, Slot, SlotConfirmationStatus
from ask_sdk_model.dialog import ElicitSlotDirective

from ..speech import Ssml
from ..storage import JournalStore, StorageUnavailable
from ..storage.contract import storage_failed_here
from ..turn import Turn
from .reminders import OFFER_REMINDER, practice_for

log = logging.getLogger(__name__)

RECORD_INTENT = "RecordGlimmerIntent"
GLIMMER_SLOT = "glimmer"
MAX_GLIMMER_CHARS = 1000
# Longer glimmers are confirmed by their beginning only: the reply stays brief.
SPOKEN_BACK_CHARS = 150
SPOKEN_BEGINNING_CHARS = 80
# After asking twice for the text, stop asking and let the person go on.
MAX_ASKS = 2
# What "record a glimmer" can leave in the slot when Alexa maps it onto
# "record {glimmer}": no glimmer was actually said.
NOT_A_GLIMMER = {"a glimmer", "glimmer", "my glimmer", "another glimmer", "a new glimmer", "another", "another one", "one", "something", "it",
                 # German: "ich habe einen glimmer" reaches "ich habe {glimmer}"-like samples with no glimmer in it.
                 "einen glimmer", "meinen glimmer", "noch einen glimmer", "einen neuen glimmer", "noch einen", "einen",
                 "etwas", "was", "es"}
# The session remembers the glimmer just saved, so "no, I said ..." changes that one.
SAVED_ID = "saved_id"
# "I had a rough day" or "I felt overwhelmed" reaches this intent through its "I had" and
# "I felt" carriers. Such words are not a glimmer to keep: the skill offers a calm moment.
HARD_MOMENTS = frozenset(
    f"{article}{word}{tail}"
    for word in ("rough", "hard", "bad", "tough", "awful", "terrible", "horrible", "long", "stressful", "difficult",
                 "sad", "lonely", "scary")
    for article in ("a ", "an ", "such a ", "a really ", "a very ", "a pretty ")
    for tail in (" day", " night", " morning", " week", " time")
) | frozenset(
    f"{lead}{word}"
    for word in ("overwhelmed", "anxious", "stressed", "stressed out", "panicky", "awful", "terrible", "sad",
                 "low", "down", "scared", "worried", "on edge", "frazzled", "exhausted", "burnt out", "lonely",
                 "upset", "miserable", "hopeless", "numb", "tense", "nervous", "a panic attack", "a breakdown")
    for lead in ("", "so ", "really ", "very ", "pretty ", "a bit ", "kind of ", "quite ")
)
# The same in German: "ich hatte einen harten Tag", "heute war ein schwerer Tag", "ich bin so überfordert".
HARD_MOMENTS_DE = frozenset(
    f"{article}{word}{tail}"
    for article, inflected in (("einen ", "en"), ("so einen ", "en"), ("einen richtig ", "en"), ("einen sehr ", "en"),
                               ("ein ", "er"), ("ein richtig ", "er"), ("ein sehr ", "er"))
    for stem in ("hart", "schwer", "schlimm", "anstrengend", "stressig", "mies", "furchtbar", "schrecklich", "lang",
                 "traurig", "blöd", "beschissen")
    for word in (f"{stem}{inflected}",)
    for tail in (" tag", " abend", " morgen")
) | frozenset(
    f"{article}{stem}{ending} woche"
    for article, ending in (("eine ", "e"), ("so eine ", "e"), ("eine richtig ", "e"))
    for stem in ("hart", "schwer", "schlimm", "anstrengend", "stressig", "mies", "furchtbar", "lang")
) | frozenset(
    f"{lead}{word}"
    for word in ("überfordert", "gestresst", "ängstlich", "traurig", "erschöpft", "fertig", "down", "niedergeschlagen",
                 "einsam", "nervös", "angespannt", "panisch", "unruhig", "am ende", "fix und fertig", "durch den wind",
                 "eine panikattacke", "angst", "einen zusammenbruch")
    for lead in ("", "so ", "total ", "sehr ", "ziemlich ", "richtig ", "etwas ", "ein bisschen ", "ganz ")
)
OFFER_GROUNDING = "offer_grounding"


def shorten(text: str, limit: int) -> tuple[str, bool]:
    """Cut ``text`` to at most ``limit`` characters at a word boundary; say whether it was cut."""
    if len(text) <= limit:
        return text, False
    cut = text.rfind(" ", 0, limit + 1)
    head = text[: cut if cut > 0 else limit].rstrip(" ,;:-")
    return head, True


def spoken_form(text: str) -> str:
    """A glimmer as it sits inside a sentence: no closing punctuation of its own."""
    return text.rstrip(" .!?;,")


def spoken_back(text: str, whole: Callable[[str], Ssml], beginning: Callable[[str], Ssml]) -> Ssml:
    """A glimmer said back by ``whole``, or when it is long, its beginning by ``beginning``."""
    spoken = spoken_form(text)
    if len(spoken) <= SPOKEN_BACK_CHARS:
        return whole(spoken)
    return beginning(spoken_form(shorten(spoken, SPOKEN_BEGINNING_CHARS)[0]))


def is_a_hard_moment(text: str) -> bool:
    """Words about a hard time ("a rough day", "so overwhelmed"), not a glimmer."""
    words = " ".join(re.sub(r"[^\w\s']", " ", text.lower()).split())
    # Said as the answer to "What did you notice?", the words come with their own beginning.
    for lead in ("today ", "just ", "i'm feeling ", "i'm ", "i am ", "i feel ", "i felt ", "feeling ",
                 "i've had ", "i had ", "it's been ", "it was ", "really "):
        words = words.removeprefix(lead)
    for tail in (" today", " right now", " again", " lately"):
        words = words.removesuffix(tail)
    if words in HARD_MOMENTS:
        return True
    german = words
    for lead in ("heute ", "gerade ", "ich bin ", "ich fühle mich ", "ich fühl mich ", "mir geht es ", "ich hatte ",
                 "ich habe ", "ich hab ", "es war ", "heute war ", "das war ", "war ", "hatte "):
        german = german.removeprefix(lead)
    for tail in (" heute", " gerade", " wieder", " in letzter zeit"):
        german = german.removesuffix(tail)
    return german in HARD_MOMENTS_DE


class RecordGlimmerHandler(AbstractRequestHandler):
    """Saves the glimmer, or asks what it was when no text came through."""

    def __init__(self, store: JournalStore):
        self.store = store

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(RECORD_INTENT)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn.of(handler_input)
        say = turn.speech.say
        text = turn.slot_text(GLIMMER_SLOT)
        if not text or text.lower().rstrip(".!?") in NOT_A_GLIMMER:
            return self._ask_for_text(turn)
        if is_a_hard_moment(text):
            return turn.reply(
                turn.speech.join(say("HARD_MOMENT"), say("OFFER_GROUNDING")),
                reprompt=say("OFFER_GROUNDING_REPROMPT"),
                question=OFFER_GROUNDING,
            )
        text, truncated = shorten(text, MAX_GLIMMER_CHARS)
        practice = practice_for(turn, self.store, in_session=not turn.one_shot)
        if storage_failed_here():  # the journal could not even be read: an outage costs no second wait
            return self._save_failed(turn)
        try:
            saved = self.store.add(turn.key, text, turn.locale, turn.now, request_id=turn.request_id,
                                   meta=practice.meta or None)
        except StorageUnavailable as exc:
            log.warning("could not save a glimmer: %s", exc)
            return self._save_failed(turn)

        said_back = spoken_back(
            text, lambda g: say("SAVED", glimmer=g), lambda g: say("SAVED_BEGINNING", glimmer=g)
        )
        note = say("TRUNCATED") if truncated else ""
        card = (turn.speech.text("CARD_SAVED_TITLE"), turn.speech.text("CARD_SAVED", glimmer=text))
        follow = say(practice.words) if practice.words else ""
        if turn.one_shot:
            return turn.reply(turn.speech.join(said_back, note, follow, say("SAVED_ONE_SHOT_CLOSE")), end=True, card=card)
        if practice.offers_reminder:
            return turn.reply(
                turn.speech.join(said_back, note, follow),
                reprompt=say("OFFER_REMINDER_REPROMPT"),
                card=card,
                state={SAVED_ID: saved.id, "question": OFFER_REMINDER},
            )
        return turn.reply(
            turn.speech.join(said_back, note, follow, say("INVITE_ANOTHER")),
            reprompt=say("INVITE_ANOTHER_REPROMPT"),
            card=card,
            state={SAVED_ID: saved.id},
        )

    @staticmethod
    def _save_failed(turn: Turn) -> Response:
        say = turn.speech.say
        if turn.one_shot:
            return turn.reply(say("SAVE_FAILED"), end=True)
        return turn.reply(turn.speech.join(say("SAVE_FAILED"), say("WHAT_NEXT")), reprompt=say("WHAT_NEXT_REPROMPT"))

    def _ask_for_text(self, turn: Turn) -> Response:
        say = turn.speech.say
        asked = turn.previous.get("asked_for_glimmer", 0)
        if not isinstance(asked, int) or asked >= MAX_ASKS:
            return turn.reply(
                turn.speech.join(say("ASK_GLIMMER_LET_GO"), say("WHAT_NEXT")),
                reprompt=say("WHAT_NEXT_REPROMPT"),
            )
        elicit = ElicitSlotDirective(
            slot_to_elicit=GLIMMER_SLOT,
            updated_intent=Intent(
                name=RECORD_INTENT,
                confirmation_status=IntentConfirmationStatus.NONE,
                slots={GLIMMER_SLOT: Slot(name=GLIMMER_SLOT, confirmation_status=SlotConfirmationStatus.NONE)},
            ),
        )
        return turn.reply(
            say("ASK_GLIMMER"),
            reprompt=say("ASK_GLIMMER_REPROMPT"),
            directive=elicit,
            asked_for_glimmer=asked + 1,
        )
