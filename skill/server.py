"""Serving a WSGI app with waitress: in one process, or in several that share one listening socket.

One process with a few threads is plenty for a household. On a busy server,
Python runs one thread at a time per process, so ``glimmers serve --workers N``
starts N processes that each run waitress on the same socket (the kernel hands
each new connection to one of them). Journals are locked across processes, so
workers never step on each other's writes. Each worker builds its own app
after it starts: nothing (random generators, caches, open files) is shared.

The first process supervises: a worker that dies is replaced; SIGTERM or
Ctrl-C stops every worker and then the supervisor.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import sys
import time
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

WSGIApp = Callable[..., Any]
BACKLOG = 1024  # waitress's default
# A worker that dies this soon after starting, this many times in a row, is not going to get better.
QUICK_EXIT_SECONDS = 5.0
QUICK_EXITS_ALLOWED = 5


def serve(create_app: Callable[[], WSGIApp], host: str, port: int, threads: int = 8, workers: int = 1) -> None:
    """Serve the app that ``create_app`` builds on ``host:port`` until stopped.

    Raises OSError when the address cannot be listened on (``socket.gaierror``
    when ``host`` is not an address of this machine), and ``WorkersUnsupported``
    for ``workers > 1`` where processes cannot fork.
    """
    import waitress

    # A name that is not an address here raises socket.gaierror now, not ValueError deep in waitress.
    socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    if workers == 1:
        waitress.serve(create_app(), host=host, port=port, threads=threads, ident="glimmers")
        return
    if not hasattr(os, "fork"):
        raise WorkersUnsupported("several workers need a system that can fork processes (Linux, macOS, BSD)")
    listener = listen(host, port)
    try:
        Supervisor(create_app, listener, threads, workers).run()
    finally:
        listener.close()


class WorkersUnsupported(RuntimeError):
    """``--workers`` above 1 on a system without ``fork``."""


def listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket on host:port (the first address the name resolves to), as waitress makes one."""
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    listener = socket.socket(family, kind, proto)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(address)
        listener.listen(BACKLOG)
    except OSError:
        listener.close()
        raise
    listener.set_inheritable(True)
    return listener


class Supervisor:
    """Keeps ``workers`` worker processes serving ``listener`` until told to stop."""

    def __init__(self, create_app: Callable[[], WSGIApp], listener: socket.socket, threads: int, workers: int):
        self.create_app = create_app
        self.listener = listener
        self.threads = threads
        self.workers = workers
        self.children: dict[int, float] = {}  # pid: when it started
        self.stopping = False
        self.quick_exits = 0

    def run(self) -> None:
        previous = {sig: signal.signal(sig, self._stop) for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)}
        try:
            for _ in range(self.workers):
                self._start()
            log.info("%d workers of %d threads each", self.workers, self.threads)
            # A stop (a signal, or workers that cannot start) ends the loop; ``finally`` stops the rest.
            while self.children and not self.stopping:
                try:
                    pid, status = os.wait()
                except ChildProcessError:
                    break
                started = self.children.pop(pid, None)
                if started is None or self.stopping:
                    continue
                self._replace(pid, status, time.monotonic() - started)
        finally:
            self._stop()
            self._reap()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        if self.quick_exits >= QUICK_EXITS_ALLOWED:
            raise SystemExit(1)

    def _replace(self, pid: int, status: int, lived: float) -> None:
        how = f"signal {-os.waitstatus_to_exitcode(status)}" if os.WIFSIGNALED(status) else (
            f"status {os.waitstatus_to_exitcode(status)}"
        )
        self.quick_exits = self.quick_exits + 1 if lived < QUICK_EXIT_SECONDS else 0
        if self.quick_exits >= QUICK_EXITS_ALLOWED:
            log.error(
                "worker %d exited (%s); %d workers in a row exited within %.0f s of starting, so the server "
                "stops: see the errors above",
                pid, how, self.quick_exits, QUICK_EXIT_SECONDS,
            )
            self.stopping = True
            return
        log.error("worker %d exited (%s); starting another", pid, how)
        self._start()

    def _start(self) -> None:
        pid = os.fork()
        if pid == 0:  # the worker
            code = 1
            try:
                # Ctrl-C reaches the whole process group; the supervisor answers it for everyone.
                signal.signal(signal.SIGINT, signal.SIG_IGN)
                for sig in (signal.SIGTERM, signal.SIGHUP):
                    signal.signal(sig, signal.SIG_DFL)
                import waitress

                waitress.serve(self.create_app(), sockets=[self.listener], threads=self.threads, ident="glimmers")
                code = 0
            except BaseException:  # never return into the supervisor's code
                log.exception("worker %d failed", os.getpid())
            finally:
                logging.shutdown()
                sys.stderr.flush()
                os._exit(code)
        self.children[pid] = time.monotonic()

    def _stop(self, *_: Any) -> None:
        self.stopping = True
        for pid in list(self.children):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    def _reap(self, timeout: float = 10.0) -> None:
        """Wait for the workers to exit; kill any still there after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while self.children:
            for pid in list(self.children):
                try:
                    done, _ = os.waitpid(pid, os.WNOHANG)
                except ChildProcessError:
                    done = pid
                if done:
                    self.children.pop(pid, None)
            if self.children and time.monotonic() > deadline:
                for pid in self.children:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
                deadline = float("inf")
            if self.children:
                time.sleep(0.05)

