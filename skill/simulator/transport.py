"""Getting an envelope to the skill: in-process, or POSTed to a running ``glimmers serve --dev``."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

DEV_MODE_HEADER = "X-Glimmers-Unverified"
TIMEOUT_SECONDS = 10


class SkillUnreachable(RuntimeError):
    """The skill could not answer; the message says why and what to do."""


class InProcessSkill:
    """The skill in this process, on a store (no HTTP, no request verification)."""

    def __init__(self, store: Any):
        from ..session import LocalSkill  # builds the skill: only when a chat starts

        self.store = store
        self.local = LocalSkill(store)

    def describe(self) -> str:
        return f"in-process, journals in {self.store.description}"

    def __call__(self, envelope: dict[str, Any]) -> dict[str, Any]:
        try:
            return self.local.invoke(envelope)
        except ValueError as exc:
            raise SkillUnreachable(f"the skill refused the request: {exc}") from None


class HttpSkill:
    """A skill server reached over HTTP; only development servers (verification off) will answer."""

    def __init__(self, url: str, timeout: float = TIMEOUT_SECONDS):
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise SkillUnreachable(f"{url} is not an http:// or https:// URL; for example http://127.0.0.1:8080/alexa")
        self.url = url
        self.timeout = timeout
        self.checked = False

    def describe(self) -> str:
        if self.checked:
            return f"{self.url}, a development server (request verification is off)"
        return f"{self.url} (this must be a development server: glimmers serve --dev)"

    def check(self) -> None:
        """Before the first turn: is the server there, and is it a ``--dev`` server?"""
        path = self.url.rsplit("/alexa", 1)[0] if self.url.rstrip("/").endswith("/alexa") else None
        if path is None:
            return
        request = urllib.request.Request(path + "/healthz", method="GET")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                self._require_dev(answer.headers)
                self.checked = True
        except urllib.error.HTTPError as exc:
            if exc.code == 503:
                self._require_dev(exc.headers)
                self.checked = True
            # Anything else (no /healthz, say): the first POST will tell.
        except (urllib.error.URLError, OSError) as exc:
            raise SkillUnreachable(self._unreachable(exc)) from None

    def __call__(self, envelope: dict[str, Any]) -> dict[str, Any]:
        body = json.dumps(envelope).encode("utf-8")
        request = urllib.request.Request(
            self.url, data=body, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                self._require_dev(answer.headers)
                text = answer.read()
        except urllib.error.HTTPError as exc:
            raise SkillUnreachable(self._refused(exc)) from None
        except (urllib.error.URLError, OSError) as exc:
            raise SkillUnreachable(self._unreachable(exc)) from None
        try:
            response = json.loads(text)
        except ValueError:
            raise SkillUnreachable(f"{self.url} answered with something that is not JSON") from None
        if not isinstance(response, dict):
            raise SkillUnreachable(f"{self.url} answered with JSON that is not a response envelope")
        return response

    def _require_dev(self, headers: Any) -> None:
        if str(headers.get(DEV_MODE_HEADER, "")).lower() != "true":
            raise SkillUnreachable(
                f"{self.url} did not answer with the header {DEV_MODE_HEADER}: true, so it is not a "
                f"Glimmer Journal development server. glimmers chat sends unsigned requests, which a "
                f"verifying server rejects: start the server with: glimmers serve --dev"
            )

    def _refused(self, exc: urllib.error.HTTPError) -> str:
        try:
            detail = json.loads(exc.read() or b"{}")
        except ValueError:
            detail = {}
        if exc.code == 400 and isinstance(detail, dict) and "check" in detail:
            return (
                f"{self.url} verifies requests ({detail.get('error', 'verification failed')}), and chat "
                f"cannot sign them as Alexa does. Start the server with: glimmers serve --dev"
            )
        message = detail.get("error") if isinstance(detail, dict) else None
        return f"{self.url} answered HTTP {exc.code}" + (f": {message}" if message else "")

    def _unreachable(self, exc: BaseException) -> str:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, ConnectionRefusedError):
            return f"cannot reach {self.url}: connection refused. Is the server running? Start one with: glimmers serve --dev"
        if isinstance(reason, (socket.timeout, TimeoutError)):
            return f"{self.url} did not answer within {self.timeout:g} seconds"
        return f"cannot reach {self.url}: {getattr(reason, 'strerror', None) or reason}"
