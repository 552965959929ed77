"""A real local HTTP server standing in for the Alexa Settings API."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

PATH_PREFIX = "/v2/devices/"
PATH_SUFFIX = "/settings/System.timeZone"


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A skill that gave up on a slow answer has hung up: that is the point of "slow", not an error."""
        import sys

        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


class StandInAlexaAPI:
    """Answers ``GET /v2/devices/{deviceId}/settings/System.timeZone`` like Alexa does.

    ``zones`` maps device IDs to zone names (default "UTC"); ``behaviour`` maps
    device IDs to "slow" (answers after ``slow_seconds``), "error" (HTTP 500),
    "hang" (accepts, never answers) or "garbage" (not a zone).
    """

    def __init__(self, slow_seconds: float = 2.0):
        self.zones: dict[str, str] = {}
        self.behaviour: dict[str, str] = {}
        self.requests: list[tuple[str, str | None]] = []
        self.slow_seconds = slow_seconds
        self._release = threading.Event()
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                if not (self.path.startswith(PATH_PREFIX) and self.path.endswith(PATH_SUFFIX)):
                    self.send_error(404)
                    return
                device = unquote(self.path[len(PATH_PREFIX):-len(PATH_SUFFIX)])
                api.requests.append((device, self.headers.get("Authorization")))
                mode = api.behaviour.get(device)
                if mode == "hang":
                    api._release.wait(10)
                    return
                if mode == "slow":
                    time.sleep(api.slow_seconds)
                if mode == "error":
                    self.send_error(500)
                    return
                if not (self.headers.get("Authorization") or "").startswith("Bearer "):
                    self.send_error(401)
                    return
                answer = b"<html>not json" if mode == "garbage" else json.dumps(api.zones.get(device, "UTC")).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: object) -> None:
                pass

        self.server = _QuietServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def reset(self) -> None:
        self.zones.clear()
        self.behaviour.clear()
        self.requests.clear()

    def close(self) -> None:
        self._release.set()
        self.server.shutdown()
        self.server.server_close()
