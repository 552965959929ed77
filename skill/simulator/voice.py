"""Hearing the answers: espeak-ng reads Alexa's SSML aloud, or into WAV files."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from .render import with_name

INSTALL_HINT = "install it with: sudo apt-get install espeak-ng (Debian/Ubuntu), or see https://github.com/espeak-ng/espeak-ng"
SPEAK_TIMEOUT_SECONDS = 120
# Namespaced Alexa tags espeak-ng does not know: keep their words, drop the tags.
_ALEXA_TAGS = re.compile(r"</?(?:amazon|alexa):[^>]*>")
_NO_SOUND = ("unknown pcm", "cannot find card", "cannot open audio", "no such file or directory")


class VoiceUnavailable(RuntimeError):
    """espeak-ng is not installed (the message says how to install it) or cannot run."""


def espeak_path() -> str | None:
    return shutil.which("espeak-ng")


def espeak_voice(locale: str) -> str:
    """espeak-ng's voice for a locale: "en-us", "en-gb", else the language."""
    lowered = locale.lower()
    return lowered if lowered in ("en-us", "en-gb", "pt-br", "es-419") else lowered.split("-")[0]


def espeak_ssml(ssml: str, name: str) -> str:
    """SSML espeak-ng can read (``-m``): the person's name filled in, Alexa-only tags dropped."""
    text = _ALEXA_TAGS.sub("", with_name(ssml, name)).strip()
    return text if text.startswith("<speak") else f"<speak>{text}</speak>"


class Voice:
    """Speaks each answer aloud, or writes it to ``wav_dir/001.wav``, ``002.wav``, ..."""

    def __init__(self, locale: str, name: str, wav_dir: Path | None = None, executable: str | None = None):
        self.executable = executable or espeak_path()
        if self.executable is None:
            raise VoiceUnavailable(f"espeak-ng is not installed; {INSTALL_HINT}")
        self.voice = espeak_voice(locale)
        self.name = name
        self.wav_dir = wav_dir
        self.count = 0
        self.warned = False
        if wav_dir is not None:
            wav_dir.mkdir(parents=True, exist_ok=True)

    def say(self, ssml: str) -> tuple[Path | None, str | None]:
        """Speak (or write) one answer; returns the WAV written, and a warning if sound failed."""
        self.count += 1
        command = [self.executable, "-m", "-v", self.voice, "--stdin"]
        target = None
        if self.wav_dir is not None:
            target = self.wav_dir / f"{self.count:03d}.wav"
            command += ["-w", str(target)]
        try:
            done = subprocess.run(
                command, input=espeak_ssml(ssml, self.name), capture_output=True, text=True,
                timeout=SPEAK_TIMEOUT_SECONDS,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise VoiceUnavailable(f"espeak-ng could not run: {exc}") from None
        if done.returncode != 0:
            raise VoiceUnavailable(f"espeak-ng failed (exit {done.returncode}): {done.stderr.strip()[:300]}")
        if target is None and not self.warned and any(s in done.stderr.lower() for s in _NO_SOUND):
            self.warned = True
            return None, "espeak-ng found no sound device here; write the answers to files instead with --wav DIR"
        return target, None
