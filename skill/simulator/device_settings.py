"""A stand-in for the Alexa APIs on 127.0.0.1: the Settings API, so ``--timezone`` reaches the skill,
and (given a ``RemindersStandIn``) the Reminders API."""

from __future__ import annotations

import json
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .reminders_api import REMINDERS_PATH, RemindersStandIn

SETTINGS_PATH = "/v2/devices/{device_id}/settings/"


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A skill that gave up on a slow answer has hung up: that is what a timeout is for, not an error."""
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


class DeviceSettingsServer:
    """Answers ``GET /v2/devices/{deviceId}/settings/System.timeZone`` (and the unit settings) for one device."""

    def __init__(
        self, device_id: str, timezone: str, token: str, locale: str = "en-US", reminders: RemindersStandIn | None = None
    ):
        self.reminders = reminders
        imperial = locale in ("en-US", "en-LR", "en-MM") or locale.endswith("-US")
        self.settings = {
            "System.timeZone": timezone,
            "System.distanceUnits": "IMPERIAL" if imperial else "METRIC",
            "System.temperatureUnit": "FAHRENHEIT" if imperial else "CELSIUS",
        }
        self.prefix = SETTINGS_PATH.format(device_id=device_id)
        self.token = token
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def endpoint(self) -> str:
        """The ``apiEndpoint`` to put in requests, e.g. ``http://127.0.0.1:54321``."""
        if self._server is None:
            raise RuntimeError("the settings server is not running")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> str:
        """Listen on an ephemeral port in a daemon thread; return the endpoint."""
        self._server = _QuietServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="alexa-settings", daemon=True)
        self._thread.start()
        return self.endpoint

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> DeviceSettingsServer:
        self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def answer(self, path: str, authorization: str | None) -> tuple[int, Any]:
        """The status and JSON body for a GET, as the Settings API would give them."""
        if authorization != f"Bearer {self.token}":
            return 401, {"code": "ACCESS_DENIED", "message": "send the request's apiAccessToken as a Bearer token"}
        path = urllib.parse.unquote(path.split("?", 1)[0])
        if not path.startswith(self.prefix):
            return 404, {"code": "NOT_FOUND", "message": f"only {self.prefix}... is simulated"}
        name = path[len(self.prefix):]
        if name not in self.settings:
            return 404, {"code": "NOT_FOUND", "message": f"unknown setting {name}"}
        return 200, self.settings[name]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        settings = self

        class SettingsHandler(BaseHTTPRequestHandler):
            def _reply(self, status: int, body: Any) -> None:
                data = b"" if body is None else json.dumps(body).encode("utf-8")
                self.send_response(status)
                if body is not None:
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _reminders(self) -> bool:
                """Answer a Reminders API call; False when the path is not one."""
                if settings.reminders is None or not self.path.startswith(REMINDERS_PATH):
                    return False
                try:
                    length = int(self.headers.get("Content-Length") or 0)
                except ValueError:
                    length = 0
                body = self.rfile.read(min(length, 64 * 1024)) if length > 0 else b""
                self._reply(*settings.reminders.answer(self.command, self.path, self.headers.get("Authorization"), body))
                return True

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                if not self._reminders():
                    self._reply(*settings.answer(self.path, self.headers.get("Authorization")))

            def do_POST(self) -> None:  # noqa: N802
                if not self._reminders():
                    self._reply(405, {"code": "METHOD_NOT_ALLOWED", "message": "the Settings API is read-only"})

            do_PUT = do_POST  # noqa: N815
            do_DELETE = do_POST  # noqa: N815

            def log_message(self, format: str, *args: Any) -> None:  # the chat transcript stays clean
                return

        return SettingsHandler
