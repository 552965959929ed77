"""Common ways of saying Alexa's built-in intents, used for those the interaction model declares."""

from __future__ import annotations

BUILT_IN_PHRASES: dict[str, tuple[str, ...]] = {
    "AMAZON.HelpIntent": (
        "help", "help me", "help please", "i need help", "what can i say", "what can you do",
        "what do i say", "how does this work", "how do i use this", "what do i do",
    ),
    "AMAZON.StopIntent": (
        "stop", "stop it", "stop please", "off", "shut up", "be quiet", "that's all", "that's it",
        "i'm done", "i'm finished", "goodbye", "good bye", "bye", "bye bye", "see you",
    ),
    "AMAZON.CancelIntent": ("cancel", "cancel that", "never mind", "nevermind", "forget it", "forget that"),
    "AMAZON.YesIntent": (
        "yes", "yes please", "yeah", "yep", "yup", "sure", "sure thing", "okay", "ok", "of course",
        "please do", "go ahead", "absolutely", "why not", "alright", "all right", "i do", "i would",
    ),
    "AMAZON.NoIntent": (
        "no", "no thanks", "no thank you", "nope", "nah", "not now", "not really", "no way", "i don't",
        "i do not", "no i don't", "not today",
    ),
    "AMAZON.MoreIntent": ("more", "more please", "tell me more", "give me more", "some more", "i want more"),
    "AMAZON.NextIntent": ("next", "next one", "skip", "skip this", "skip forward", "skip it"),
    "AMAZON.PreviousIntent": ("previous", "go back", "back", "skip back", "the previous one"),
    "AMAZON.RepeatIntent": ("repeat", "repeat that", "say that again", "what did you say", "come again"),
    "AMAZON.StartOverIntent": ("start over", "restart", "start again", "begin again"),
    "AMAZON.NavigateHomeIntent": ("go home", "home", "go to home", "go to the home screen"),
    "AMAZON.PauseIntent": ("pause", "pause that", "hold on"),
    "AMAZON.ResumeIntent": ("resume", "continue", "keep going"),
}
# Said in an open session, these leave the skill: Alexa sends SessionEndedRequest (USER_INITIATED).
EXIT_PHRASES = ("exit", "quit", "exit the skill", "quit the skill", "exit skill")
YES_INTENT = "AMAZON.YesIntent"
NO_INTENT = "AMAZON.NoIntent"
FALLBACK_INTENT = "AMAZON.FallbackIntent"
