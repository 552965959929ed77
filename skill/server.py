"""Serving the skill in production: gunicorn, a master process and threaded workers.

gunicorn is the first server Flask's deployment documentation names, and it
does the whole job through its public API: the master binds the port and
starts ``workers`` processes, each serving ``threads`` requests at a time
(the ``gthread`` worker) with an app it builds itself after it starts, so
nothing (random generators, caches, database connections) is shared between
workers. A worker that dies is replaced. A worker that cannot even start
stops the whole server with its reason, instead of being restarted forever.

SIGTERM (what ``systemctl stop`` and restarts send) and Ctrl-C both drain:
the workers stop accepting, answer every request already received (for up to
``GRACEFUL_SECONDS``), and the server exits 0. gunicorn's own Ctrl-C is a
quick shutdown; here it is the same gentle stop as SIGTERM.

On a system without ``fork`` (Windows) gunicorn cannot run; there the app is
served by waitress, through its public ``serve``, in one process.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

WSGIApp = Callable[..., Any]
# How long a stopping server waits for the requests in hand (Alexa itself gives up after 8 seconds).
GRACEFUL_SECONDS = 10
# A worker that has not checked in with the master for this long is stuck, and is replaced.
WORKER_TIMEOUT_SECONDS = 30
BACKLOG = 1024


class ServerError(RuntimeError):
    """The server cannot start; the message says what to do."""


def serve(
    create_app: Callable[[], WSGIApp],
    host: str,
    port: int,
    threads: int = 8,
    workers: int = 1,
    graceful_timeout: float = GRACEFUL_SECONDS,
) -> int:
    """Serve the app ``create_app`` builds (once in each worker) on ``host:port`` until stopped; the exit status.

    Raises ``ServerError`` when the address cannot be listened on: not an
    address of this machine, or already in use.
    """
    check_address(host, port)
    if not hasattr(os, "fork"):
        return _serve_without_fork(create_app, host, port, threads, workers)
    from gunicorn.arbiter import Arbiter

    options = {
        "bind": [f"[{host}]:{port}" if ":" in host else f"{host}:{port}"],
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "graceful_timeout": graceful_timeout,
        "timeout": WORKER_TIMEOUT_SECONDS,
        "backlog": BACKLOG,
        "proc_name": "glimmers",
        "accesslog": None,  # the app logs one line per request itself, never a body
        "errorlog": "-",
        "loglevel": "info",
        "post_worker_init": _drain_on_ctrl_c,
        "control_socket_disable": True,  # two servers on one machine would share its default path
    }
    try:
        _GunicornApp(create_app, options, Arbiter).run()
    except SystemExit as exc:  # gunicorn's master ends with sys.exit(status)
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return 0


def check_address(host: str, port: int) -> None:
    """``ServerError`` with a line saying what to try, unless ``host:port`` can be listened on now."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise ServerError(
            f"cannot listen on {host}:{port}: {host!r} is not an address of this machine ({exc.strerror or exc}); "
            "try --host 127.0.0.1 (this machine only) or --host 0.0.0.0 (every network interface)"
        ) from None
    family, kind, proto, _, address = infos[0]
    probe = socket.socket(family, kind, proto)
    try:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn binds
        probe.bind(address)
    except OSError as exc:
        raise ServerError(
            f"cannot listen on {host}:{port} ({exc.strerror or exc}); is another server using it? Try --port."
        ) from None
    finally:
        probe.close()


def _drain_on_ctrl_c(worker: Any) -> None:
    """gunicorn's ``post_worker_init`` hook: Ctrl-C (SIGINT, which a terminal sends every process) drains too.

    A worker's own SIGINT is otherwise a quick exit that cuts off the
    requests in hand; its SIGTERM handler is the gentle one.
    """
    signal.signal(signal.SIGINT, worker.handle_exit)


class _GunicornApp:
    """A gunicorn application (``gunicorn.app.base.BaseApplication``) serving ``create_app()``'s app."""

    def __new__(cls, create_app: Callable[[], WSGIApp], options: dict[str, Any], arbiter: type) -> Any:
        from gunicorn.app.base import BaseApplication
        from gunicorn.errors import AppImportError

        class GentleArbiter(arbiter):  # type: ignore[misc, valid-type]
            """Ctrl-C stops the master the way SIGTERM does: gently."""

            def handle_int(self) -> None:
                self.handle_term()

        class Application(BaseApplication):
            def load_config(self) -> None:
                for name, value in options.items():
                    if name in self.cfg.settings:  # settings of newer gunicorns are skipped on older ones
                        self.cfg.set(name, value)

            def load(self) -> WSGIApp:
                try:
                    return create_app()
                except Exception as exc:
                    # gunicorn prints this one line (no traceback) and stops the server: "App failed to load."
                    raise AppImportError(f"a worker could not start the skill: {exc}") from None

            def run(self) -> None:
                GentleArbiter(self).run()

        return Application()


def _serve_without_fork(create_app: Callable[[], WSGIApp], host: str, port: int, threads: int, workers: int) -> int:
    """Where processes cannot fork: waitress's public ``serve``, one process."""
    if workers > 1:
        raise ServerError("several workers need a system that can fork processes (Linux, macOS, BSD); use --workers 1")
    try:
        import waitress
    except ImportError:
        raise ServerError("on this system the skill is served by waitress: pip install waitress") from None
    waitress.serve(create_app(), host=host, port=port, threads=threads, ident="glimmers")
    return 0
