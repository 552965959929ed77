"""How chat shows and speaks an answer: SSML as plain text, the reprompt, the card, and espeak-ng's SSML."""

from __future__ import annotations

from skill.simulator.conversation import Exchange
from skill.simulator.render import format_exchange, speech_text
from skill.simulator.voice import espeak_ssml, espeak_voice


def test_speech_is_plain_text_with_entities_unescaped():
    assert speech_text("<speak>Saved: a friend&apos;s laugh &amp; tea.</speak>") == "Saved: a friend's laugh & tea."


def test_alexa_name_is_said_as_the_given_name():
    ssml = '<speak>Welcome back, <alexa:name type="first" personId="amzn1.ask.person.X"/>.</speak>'
    assert speech_text(ssml, "Sam") == "Welcome back, Sam."
    assert speech_text(ssml) == "Welcome back, friend."


def test_a_break_is_a_pause_unless_a_sentence_already_ends_there():
    assert speech_text('<speak>Breathe in <break time="1s"/> and out.</speak>') == "Breathe in … and out."
    assert speech_text('<speak>Today, rain. <break time="400ms"/> Yesterday, sun.</speak>') == "Today, rain. Yesterday, sun."


def test_a_turn_shows_speech_reprompt_and_card():
    response = {
        "version": "1.0",
        "response": {
            "outputSpeech": {"type": "SSML", "ssml": "<speak>Saved: the warm sun on my face. Anything else?</speak>"},
            "reprompt": {"outputSpeech": {"type": "SSML", "ssml": "<speak>Or say stop.</speak>"}},
            "card": {"type": "Simple", "title": "Glimmer saved", "content": "the warm sun on my face"},
            "shouldEndSession": False,
        },
    }
    request = {"request": {"type": "IntentRequest"}}
    assert format_exchange(Exchange(request=request, response=response)).splitlines() == [
        "alexa> Saved: the warm sun on my face. Anything else?",
        "  (reprompt) Or say stop.",
        "  [card] Glimmer saved: the warm sun on my face",
    ]


def test_a_plain_text_answer_and_the_end_of_the_session():
    response = {"version": "1.0", "response": {"outputSpeech": {"type": "PlainText", "text": "Bye & take care."},
                                               "shouldEndSession": True}}
    text = format_exchange(Exchange(request={"request": {"type": "IntentRequest"}}, response=response, session_ended=True))
    assert text.splitlines() == ["alexa> Bye & take care.", "(session ended)"]


def test_espeak_gets_ssml_with_the_name_and_without_alexa_only_tags():
    ssml = '<speak><amazon:effect name="whispered">Hi</amazon:effect> <alexa:name type="first" personId="p"/></speak>'
    assert espeak_ssml(ssml, "Sam & Co") == "<speak>Hi Sam &amp; Co</speak>"
    assert espeak_ssml("Hello", "x") == "<speak>Hello</speak>"


def test_espeak_voice_follows_the_locale():
    assert (espeak_voice("en-US"), espeak_voice("en-GB"), espeak_voice("de-DE")) == ("en-us", "en-gb", "de")
