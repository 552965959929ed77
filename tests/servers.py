"""Real ``glimmers serve`` processes for tests: started on a free loopback port, stopped in ``finally``."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

GLIMMERS = str(Path(sys.executable).parent / "glimmers")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A real ``glimmers serve`` process on a free loopback port.

    ``wrapper`` is a command the server is started through (``unshare ...``);
    it must ``exec`` the server, so that ``pid`` is the server's own. The
    server's log is read as it comes, so a chatty server never blocks on a
    full pipe; ``stop()`` returns it.
    """

    def __init__(self, *args: str, wrapper: Sequence[str] = (), env: dict[str, str] | None = None):
        self.port = free_port()
        self.process = subprocess.Popen(
            [*wrapper, GLIMMERS, "serve", "--port", str(self.port), *args],
            env={**os.environ, **(env or {})},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self._log: list[str] = []
        self._readers = [
            threading.Thread(target=self._drain, args=(stream,), daemon=True)
            for stream in (self.process.stdout, self.process.stderr)
        ]
        for reader in self._readers:
            reader.start()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.url}/healthz", timeout=1)
                return
            except urllib.error.HTTPError:
                return  # listening; /healthz may well be 503 on purpose
            except (urllib.error.URLError, ConnectionError):
                if self.process.poll() is not None:
                    self.stop()
                    raise RuntimeError(f"the server exited with {self.process.returncode}: {self.log}")
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the server did not start: {self.log}")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def log(self) -> str:
        return "".join(self._log)

    def _drain(self, stream: Any) -> None:
        for line in stream:
            self._log.append(line)

    def post(self, envelope: dict) -> tuple[int, dict, dict]:
        """POST an envelope to /alexa: status, JSON body, headers."""
        request = urllib.request.Request(
            f"{self.url}/alexa",
            data=json.dumps(envelope).encode(),
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.load(response), dict(response.headers)
        except urllib.error.HTTPError as exc:
            return exc.code, json.load(exc), dict(exc.headers)

    def get(self, path: str) -> tuple[int, dict]:
        """GET a path: status and JSON body."""
        try:
            with urllib.request.urlopen(f"{self.url}{path}", timeout=10) as response:
                return response.status, json.load(response)
        except urllib.error.HTTPError as exc:
            return exc.code, json.load(exc)

    def stop(self) -> str:
        """Stop the server (only this process, by its ID) and return everything it logged."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        for reader in self._readers:
            reader.join(timeout=5)
        return self.log
