"""``glimmers chat`` and ``glimmers request``: the simulator's command line."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

import click

from ..options import open_store_or_exit, storage_options
from ..locales import canonical
from .conversation import CONSENT_MODES, Consent, Conversation, Exchange
from .device_settings import DeviceSettingsServer
from .envelopes import SAMPLE_DEVICE_ID, SAMPLE_USER_ID, Identity, new_access_token
from .reminders_api import RemindersStandIn
from .model import ModelError, load_model
from .render import format_exchange, spoken_ssml
from .resolver import Resolver
from .timezones import UnknownTimeZone, check_timezone, local_timezone
from .transport import HttpSkill, InProcessSkill, SkillUnreachable
from .voice import Voice, VoiceUnavailable

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
COMMENT = "#"


def identity_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options that say who is talking, on which device, where (shared by chat and request)."""
    options = [
        click.option("--model", "model_file", type=click.Path(dir_okay=False, exists=True, path_type=Path),
                     help="Interaction model JSON to resolve utterances with (default: the packaged one for --locale)."),
        click.option("--user", default=SAMPLE_USER_ID, show_default="the sample user of tests/requests",
                     help="Alexa user ID (context.System.user.userId)."),
        click.option("--person", help="Recognised speaker's person ID (context.System.person.personId)."),
        click.option("--locale", default="en-US", show_default=True, callback=lambda ctx, param, value: _locale(value),
                     help="Locale of the request, its model and the skill's speech: "
                          "en-US, en-GB, en-CA, en-AU, en-IN or de-DE."),
        click.option("--timezone", "zone", help="IANA time zone of the device (default: this computer's, else UTC)."),
        click.option("--device", default=SAMPLE_DEVICE_ID, show_default="the sample device of tests/requests",
                     help="Device ID (context.System.device.deviceId)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@click.command()
@click.option("--url", help="Talk to a running development server (glimmers serve --dev), e.g. http://127.0.0.1:8080/alexa.")
@identity_options
@storage_options
@click.option("--name", default="friend", show_default=True, help="The name Alexa says for <alexa:name/>.")
@click.option("--script", type=click.File("r", encoding="utf-8"),
              help="Read the lines from FILE (- for stdin) instead of the keyboard; # starts a comment.")
@click.option("--json", "show_json", is_flag=True, help="Also print how each line was understood, and every envelope.")
@click.option("--reminder-consent", type=click.Choice(CONSENT_MODES), default="ask", show_default=True,
              help="When the skill asks for permission to set reminders: ask you (answer \"I approve\" or \"no\"), "
                   "or answer yes or no yourself.")
@click.option("--speak", is_flag=True, help="Speak each answer aloud with espeak-ng.")
@click.option("--wav", "wav_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write each answer to DIR/001.wav, 002.wav, ... with espeak-ng, instead of speaking.")
def chat(
    url: str | None, model_file: Path | None, user: str, person: str | None, locale: str, zone: str | None,
    device: str, data_dir: Path | None, database_url: str | None, name: str, script: TextIO | None, show_json: bool,
    reminder_consent: str, speak: bool, wav_dir: Path | None,
) -> None:
    """Talk to the skill in the terminal, the way you would to an Echo.

    Each line is understood from the interaction model as Alexa would:
    "open glimmer journal" launches the skill, "tell glimmer journal I noticed
    rain" is a one-shot, anything else is matched to the model's samples. The
    session, its attributes and the skill's dialog directives carry from one
    line to the next. An empty line is silence; Ctrl-D (or the end of the
    script) leaves.

    A local stand-in for the Alexa APIs answers the skill: the device's time
    zone (--timezone) and its reminders, which are printed as the skill sets,
    changes or cancels them. When the skill asks for permission to set
    reminders, --reminder-consent says who answers.
    """
    logging.basicConfig(level=logging.WARNING, format=LOG_FORMAT)
    resolver = _resolver(locale, model_file)
    zone = _zone(zone)
    voice = _voice(locale, name, speak, wav_dir)
    transport = _transport(url, data_dir, database_url)
    token = new_access_token()
    reminders = RemindersStandIn()

    def grant(scope: str) -> str:
        reminders.grant(token)  # the stand-in now lets this token set reminders, as Alexa would
        return "glimmers-chat.consent." + token.rsplit(".", 1)[-1][:12]

    with DeviceSettingsServer(device, zone, token, locale, reminders=reminders) as settings:
        identity = Identity(user, person, device, locale, zone).with_endpoint(settings.endpoint, token)
        conversation = Conversation(resolver, identity, transport, consent=Consent(reminder_consent, grant))
        click.echo(f"Glimmer Journal chat: {transport.describe()}; time zone {zone}; model {resolver.model.source}.", err=True)
        click.echo(f'Say "open {resolver.model.invocation_name}" to begin. An empty line is silence; Ctrl-D leaves.', err=True)
        # Lines piped in without --script are read like a script: echoed, with no prompt.
        if script is None and not sys.stdin.isatty():
            script = sys.stdin
        try:
            try:
                for line in _lines(script):
                    if script is not None:
                        click.echo(f"you> {line}")
                    for exchange in conversation.say(line):
                        _show(exchange, name, show_json, voice)
                    for event in reminders.new_events():
                        click.echo(f"  [reminder] {event.describe()}")
            except KeyboardInterrupt:
                click.echo("")
            for exchange in conversation.end():
                _show(exchange, name, show_json, voice)
        except (SkillUnreachable, VoiceUnavailable) as exc:
            raise click.ClickException(str(exc)) from None


@click.command("request")
@click.argument("utterance")
@identity_options
@click.option("--new", "new_session", is_flag=True, help="Say it as the first thing in a new session (session.new: true).")
@click.option("--attributes", default="{}", help='Session attributes, as JSON (e.g. \'{"question": "more_glimmers"}\').')
def request(
    utterance: str, model_file: Path | None, user: str, person: str | None, locale: str, zone: str | None,
    device: str, new_session: bool, attributes: str,
) -> None:
    """Print the request envelope UTTERANCE becomes, ready for tests/requests/ or curl.

    A plain utterance is said inside an open session; "open glimmer journal"
    and "tell glimmer journal ..." start a new one.
    """
    resolver = _resolver(locale, model_file)
    try:
        session_attributes = json.loads(attributes)
    except ValueError:
        raise click.BadParameter("must be a JSON object", param_hint="--attributes") from None
    if not isinstance(session_attributes, dict):
        raise click.BadParameter("must be a JSON object", param_hint="--attributes")
    identity = Identity(user, person, device, locale, _zone(zone))
    conversation = Conversation(resolver, identity, transport=_not_sent)
    try:
        envelope, understanding = conversation.request_for(utterance, not new_session, session_attributes)
    except ValueError as exc:
        raise click.ClickException(f"{utterance!r}: {exc}") from None
    if understanding.ties:
        others = ", ".join(f"{t.intent} ({t.sample!r})" for t in understanding.ties)
        click.echo(f"warning: ambiguous: {understanding.intent} ({understanding.sample!r}) or {others}", err=True)
    click.echo(json.dumps(envelope, indent=2, ensure_ascii=False))


def _locale(value: str) -> str:
    """--locale as Alexa writes it ("de-de" is "de-DE")."""
    return canonical(value.strip())


def _resolver(locale: str, model_file: Path | None) -> Resolver:
    try:
        return Resolver(load_model(locale, model_file))
    except ModelError as exc:
        raise click.ClickException(str(exc)) from None


def _zone(zone: str | None) -> str:
    try:
        return check_timezone(zone) if zone else local_timezone()
    except UnknownTimeZone as exc:
        raise click.BadParameter(str(exc), param_hint="--timezone") from None


def _voice(locale: str, name: str, speak: bool, wav_dir: Path | None) -> Voice | None:
    if not speak and wav_dir is None:
        return None
    try:
        return Voice(locale, name, wav_dir)
    except VoiceUnavailable as exc:
        raise click.ClickException(str(exc)) from None


def _transport(url: str | None, data_dir: Path | None, database_url: str | None) -> InProcessSkill | HttpSkill:
    """The skill to talk to: a development server at ``url``, else the skill in this process."""
    if url is not None:
        try:
            remote = HttpSkill(url)
            remote.check()
        except SkillUnreachable as exc:
            raise click.ClickException(str(exc)) from None
        return remote
    return InProcessSkill(open_store_or_exit(data_dir, database_url))


def _not_sent(envelope: dict[str, Any]) -> dict[str, Any]:
    raise RuntimeError("glimmers request only prints the envelope")


def _lines(script: TextIO | None) -> Iterator[str]:
    """The person's lines: from the script (comments and blank lines skipped), else typed at "you> "."""
    if script is not None:
        for raw in script:
            line = raw.strip()
            if line and not line.startswith(COMMENT):
                yield line
        return
    try:
        import readline  # noqa: F401  (line editing and history for input())
    except ImportError:
        pass
    while True:
        try:
            yield input("you> ")
        except EOFError:
            click.echo("")
            return


def _show(exchange: Exchange, name: str, show_json: bool, voice: Voice | None) -> None:
    text = format_exchange(exchange, name, show_json)
    if text:
        click.echo(text)
    ssml = spoken_ssml(exchange)
    if voice is not None and ssml:
        written, warning = voice.say(ssml)
        if written is not None:
            click.echo(f"  [wav] {written}")
        if warning:
            click.echo(f"  (note) {warning}")
