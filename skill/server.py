"""Serving a WSGI app with waitress: in one process, or in several that share one listening socket.

One process with a few threads is plenty for a household. On a busy server,
Python runs one thread at a time per process, so ``glimmers serve --workers N``
starts N processes that each run waitress on the same socket (the kernel hands
each new connection to one of them). Journals are locked across processes, so
workers never step on each other's writes. Each worker builds its own app
after it starts: nothing (random generators, caches, open files) is shared.

The first process supervises: a worker that dies is replaced; SIGTERM or
Ctrl-C stops every worker and then the supervisor. A worker (or the single
process) that is told to stop first finishes the requests it has in hand.
"""

from __future__ import annotations

import contextlib
import functools
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
DRAIN_SECONDS = 5.0  # how long a stopping worker waits for the requests in hand


def serve(create_app: Callable[[], WSGIApp], host: str, port: int, threads: int = 8, workers: int = 1) -> None:
    """Serve the app that ``create_app`` builds on ``host:port`` until stopped.

    Raises OSError when the address cannot be listened on (``socket.gaierror``
    when ``host`` is not an address of this machine), and ``WorkersUnsupported``
    for ``workers > 1`` where processes cannot fork.
    """
    if workers == 1:
        # A name that is not an address here raises socket.gaierror now, not ValueError deep in waitress
        # (``listen`` below raises it by itself).
        socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
        run_waitress(create_app(), threads, host=host, port=port)
        return
    if not hasattr(os, "fork"):
        raise WorkersUnsupported("several workers need a system that can fork processes (Linux, macOS, BSD)")
    listener = listen(host, port)
    try:
        Supervisor(create_app, listener, threads, workers).run()
    finally:
        listener.close()


def run_waitress(app: WSGIApp, threads: int, **where: Any) -> None:
    """Serve ``app`` with waitress (``where``: host and port, or sockets) until SIGTERM or Ctrl-C, then drain.

    Draining: stop accepting (other workers on a shared socket carry on), let
    every request already received finish and its answer be sent, for up to
    ``DRAIN_SECONDS``, then close. So a restart (systemd sends SIGTERM) does
    not cut off someone in the middle of a sentence. waitress's own ``serve``
    would close every connection at once, answers still unsent.
    """
    import waitress
    from waitress import wasyncore
    from waitress.server import BaseWSGIServer

    server = waitress.create_server(app, threads=threads, ident="glimmers", **where)
    server.print_listen("Serving on http://{}:{}")
    # One listener keeps its connections in ``_map``; several (a name with two addresses) share ``map``.
    channels = server.map if hasattr(server, "map") else server._map
    listeners = [d for d in list(channels.values()) if isinstance(d, BaseWSGIServer)]
    stopping: list[int] = []

    def on_stop(*_: Any) -> None:
        stopping.append(1)
        listeners[0].pull_trigger()  # wake the loop now, not at its next timeout

    for sig in (signal.SIGTERM, signal.SIGINT):  # Ctrl-C drains too
        signal.signal(sig, on_stop)
    loop = functools.partial(wasyncore.loop, map=channels, use_poll=server.adj.asyncore_use_poll, count=1)
    try:
        while not stopping:
            loop(timeout=server.adj.asyncore_loop_timeout)
        for listener in listeners:
            listener.accepting = False
            listener.del_channel()
            listener.socket.close()
        deadline = time.monotonic() + DRAIN_SECONDS
        while _answering(channels) and time.monotonic() < deadline:
            loop(timeout=0.05)
    except KeyboardInterrupt:
        pass
    finally:
        server.task_dispatcher.shutdown()  # as waitress's own run() ends: stop the threads,
        wasyncore.close_all(channels)  # then close every connection


def _answering(channels: dict[Any, Any]) -> bool:
    """Whether any connection has a request being read or served, or an answer not yet sent."""
    return any(
        getattr(channel, "request", None) is not None
        or getattr(channel, "requests", None)
        or getattr(channel, "total_outbufs_len", 0)
        for channel in list(channels.values())
    )


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
                    signal.signal(sig, signal.SIG_DFL)  # until the app serves: then SIGTERM drains (run_waitress)
                run_waitress(self.create_app(), self.threads, sockets=[self.listener])
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
        # The workers close their copies as they start draining; once this one is closed too, new
        # connections are refused at once instead of waiting in the backlog to be reset at the end.
        self.listener.close()
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

