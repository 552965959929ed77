"""A real PostgreSQL for the tests, started by the tests themselves, and a proxy that can cut it off.

Where the server comes from, first that applies:

1. ``GLIMMERS_TEST_DATABASE_URL``: that database (its glimmer tables are
   emptied before each test that uses them);
2. running inside ``pg_virtualenv`` already (``pg_virtualenv pytest ...``): its cluster;
3. ``pg_virtualenv`` on PATH (Debian/Ubuntu's postgresql-common): a throwaway
   cluster for this test session, dropped at its end;
4. else the PostgreSQL tests are skipped, saying how to run them.

In 2 and 3 the tests use their own database (``glimmers_test``) in that cluster.

Fixtures (import them into a conftest or a test module)::

    from postgres import postgres_url, postgres_store  # noqa: F401

``postgres_url`` (session): the database URL. ``postgres_store`` (test): an
opened ``PostgresStore`` on empty tables, closed after the test. Plain
functions: ``empty_tables(url)``, ``scratch_database(url)`` (a new empty
database for one test), ``CuttableProxy`` (see its docstring).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import selectors
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from skill.storage.postgres import TABLES, PostgresStore

ENV_URL = "GLIMMERS_TEST_DATABASE_URL"
REQUIRE_ENV = "GLIMMERS_REQUIRE_POSTGRES"
TEST_DATABASE = "glimmers_test"
START_TIMEOUT = 60.0
SKIP_REASON = (
    "no PostgreSQL to test against: install PostgreSQL (e.g. `sudo apt-get install postgresql`, which brings "
    f"pg_virtualenv; the tests then start a throwaway server themselves) or set {ENV_URL}="
    "postgresql://user:password@host:port/database (its glimmer tables are emptied by the tests)"
)


# -- the server ---------------------------------------------------------------


def _url(env: dict[str, str], dbname: str | None = None) -> str:
    """A postgresql:// URL from libpq's PG* variables."""
    user = quote(env.get("PGUSER", "postgres"), safe="")
    password = env.get("PGPASSWORD")
    auth = f"{user}:{quote(password, safe='')}" if password else user
    host = env.get("PGHOST", "localhost")
    port = env.get("PGPORT", "5432")
    return f"postgresql://{auth}@{host}:{port}/{quote(dbname or env.get('PGDATABASE', 'postgres'), safe='')}"


def _inside_pg_virtualenv() -> bool:
    """Whether this process runs inside ``pg_virtualenv`` (its marker file is next to the cluster's configuration)."""
    version = os.environ.get("PGVERSION")
    if not version or not os.environ.get("PGPORT"):
        return False
    conf_root = os.environ.get("PG_CLUSTER_CONF_ROOT", "/etc/postgresql")
    return Path(conf_root, version, "regress", ".by_pg_virtualenv").exists()


class TestServer:
    """One PostgreSQL for a test session; ``url`` starts it on first use."""

    __test__ = False  # not a test class, whatever its name

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._url: str | None = None
        self._skip: str | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._workdir: str | None = None
        self.users = 0

    def url(self) -> str:
        """The URL of the test database; pytest.skip when there is no PostgreSQL to use.

        With ``GLIMMERS_REQUIRE_POSTGRES=1`` (CI sets it) a missing PostgreSQL fails the tests instead.
        """
        with self._lock:
            if self._skip:
                self._give_up()
            if self._url is None:
                try:
                    self._url = self._start()
                except _NoServer as exc:
                    self._skip = str(exc)
                    self._give_up()
            return self._url

    def _give_up(self) -> None:
        if os.environ.get(REQUIRE_ENV, "") not in ("", "0"):
            pytest.fail(f"{REQUIRE_ENV} is set, and {self._skip}", pytrace=False)
        pytest.skip(self._skip)

    def _start(self) -> str:
        explicit = os.environ.get(ENV_URL)
        if explicit:
            return explicit
        if _inside_pg_virtualenv():
            return _own_database(_url(dict(os.environ)))
        if shutil.which("pg_virtualenv") is None:
            raise _NoServer(SKIP_REASON)
        return _own_database(_url(self._start_pg_virtualenv()))

    def _start_pg_virtualenv(self) -> dict[str, str]:
        """Start ``pg_virtualenv`` around a command that reports its environment, then waits for our stdin to close."""
        self._workdir = tempfile.mkdtemp(prefix="glimmers-pg-")
        env_file = Path(self._workdir, "env")
        log_file = Path(self._workdir, "pg_virtualenv.log")
        script = 'env > "$0.tmp" && mv "$0.tmp" "$0" && exec cat >/dev/null'
        environ = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        with open(log_file, "wb") as log:
            # -t: a cluster in a temporary directory even as root, so that it
            # never collides with another session's (or the system's) cluster.
            self._process = subprocess.Popen(
                ["pg_virtualenv", "-t", "sh", "-c", script, str(env_file)],
                stdin=subprocess.PIPE,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=environ,
                cwd="/",
            )
        atexit.register(self.stop)
        deadline = time.monotonic() + START_TIMEOUT
        while not env_file.exists():
            if self._process.poll() is not None:
                output = log_file.read_text(errors="replace")[-2000:]
                self.stop()
                raise RuntimeError(f"pg_virtualenv failed (exit {self._process.returncode}):\n{output}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"pg_virtualenv did not start PostgreSQL within {START_TIMEOUT:.0f} s")
            time.sleep(0.05)
        env = {}
        for line in env_file.read_text().splitlines():
            name, sep, value = line.partition("=")
            if sep and name.startswith("PG"):
                env[name] = value
        return env

    def stop(self) -> None:
        """Drop the throwaway cluster (closing its command's stdin ends it); nothing for a given URL."""
        process, self._process = self._process, None
        if process is not None:
            with contextlib.suppress(OSError):
                assert process.stdin is not None
                process.stdin.close()
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.terminate()
                process.wait(timeout=10)
        if self._workdir:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None
        self._url = None


class _NoServer(Exception):
    pass


def _own_database(server_url: str) -> str:
    """A fresh ``glimmers_test`` database in a throwaway cluster; its URL."""
    with psycopg.connect(server_url, autocommit=True, connect_timeout=10) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(TEST_DATABASE)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(TEST_DATABASE)))
    return with_database(server_url, TEST_DATABASE)


def with_database(url: str, dbname: str) -> str:
    """The same server and credentials, another database (as a postgresql:// URL)."""
    params = conninfo_to_dict(url)
    params["dbname"] = dbname
    return params_to_url(params)


def params_to_url(params: dict[str, object]) -> str:
    """A postgresql:// URL for libpq connection parameters."""
    rest = dict(params)
    user = quote(str(rest.pop("user", "") or ""), safe="")
    password = rest.pop("password", None)
    auth = f"{user}:{quote(str(password), safe='')}@" if password else (f"{user}@" if user else "")
    host = str(rest.pop("host", "") or "localhost")
    port = str(rest.pop("port", "") or "5432")
    dbname = quote(str(rest.pop("dbname", "") or ""), safe="")
    query = "&".join(f"{quote(str(k))}={quote(str(v), safe='')}" for k, v in rest.items())
    return f"postgresql://{auth}{host}:{port}/{dbname}" + (f"?{query}" if query else "")


SERVER = TestServer()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """The test database's URL for the whole session (skips when there is no PostgreSQL)."""
    SERVER.users += 1
    try:
        yield SERVER.url()
    finally:
        SERVER.users -= 1
        if SERVER.users == 0:
            SERVER.stop()


@pytest.fixture
def postgres_store(postgres_url: str) -> Iterator[PostgresStore]:
    """An opened store on empty tables; closed after the test."""
    store = PostgresStore(postgres_url)
    store.open()
    empty_tables(postgres_url)
    try:
        yield store
    finally:
        store.close()


# -- clean databases ---------------------------------------------------------

_admin: dict[str, tuple[int, psycopg.Connection]] = {}


def _admin_connection(url: str) -> psycopg.Connection:
    """A kept autocommit connection for setting tests up (one per process: a forked child makes its own)."""
    pid, conn = _admin.get(url, (0, None))
    if conn is None or pid != os.getpid() or conn.closed or conn.broken:
        conn = psycopg.connect(url, autocommit=True, connect_timeout=10)
        _admin[url] = (os.getpid(), conn)
    return conn


def empty_tables(url: str) -> None:
    """Empty every glimmer table (one statement on a kept connection: a few milliseconds)."""
    conn = _admin_connection(url)
    present = [
        name
        for name in TABLES
        if name != "schema_version" and conn.execute("SELECT to_regclass(%s)", (name,)).fetchone()[0]
    ]
    if present:
        conn.execute(sql.SQL("TRUNCATE {}").format(sql.SQL(", ").join(map(sql.Identifier, present))))


@contextlib.contextmanager
def scratch_database(url: str) -> Iterator[str]:
    """A new empty database on the same server for one test (schema tests); dropped after."""
    name = f"glimmers_scratch_{uuid.uuid4().hex[:12]}"
    admin = _admin_connection(url)
    admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield with_database(url, name)
    finally:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


# -- a proxy that can cut the database off -------------------------------------


class CuttableProxy:
    """A TCP proxy on 127.0.0.1 in front of the test server, to take the database away while a store serves.

    ``cut()`` closes every connection through it and refuses new ones (the
    server is gone); ``freeze()`` keeps connections open but forwards nothing,
    and accepts new ones without answering (the server or the network stopped
    answering); ``restore()`` brings it back on the same port. Bounded: at most
    ``max_connections`` at once, one thread each plus one listening.
    """

    def __init__(self, url: str, max_connections: int = 32):
        params = conninfo_to_dict(url)
        self._params = params
        self._target = (str(params.get("host") or "localhost"), int(params.get("port") or 5432))
        self.max_connections = max_connections
        self._lock = threading.Lock()
        self._pairs: set[tuple[socket.socket, socket.socket]] = set()
        self._listener: socket.socket | None = None
        self._accepting: threading.Thread | None = None
        self._frozen = threading.Event()
        self._closed = False
        self.port = 0
        self._listen()

    @property
    def url(self) -> str:
        """The test database's URL, through the proxy."""
        params = dict(self._params)
        params.update(host="127.0.0.1", port=str(self.port))
        params.pop("hostaddr", None)
        return params_to_url(params)

    def cut(self) -> None:
        """Close every connection and refuse new ones."""
        self._stop_listening()
        self._frozen.clear()
        self._drop_all()

    def freeze(self) -> None:
        """Stop forwarding in both directions without closing anything."""
        self._frozen.set()

    def restore(self) -> None:
        """Forward again; after ``cut()``, listen again on the same port."""
        self._frozen.clear()
        if self._listener is None:
            self._listen()

    @property
    def connections(self) -> int:
        with self._lock:
            return len(self._pairs)

    def close(self) -> None:
        self._closed = True
        self._stop_listening()
        self._frozen.clear()
        self._drop_all()

    def __enter__(self) -> CuttableProxy:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- internals --

    def _listen(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        deadline = time.monotonic() + 5
        while True:
            try:
                listener.bind(("127.0.0.1", self.port))
                break
            except OSError:
                if not self.port or time.monotonic() > deadline:
                    listener.close()
                    raise
                time.sleep(0.05)
        listener.listen(16)
        listener.settimeout(0.1)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._accepting = threading.Thread(target=self._accept, args=(listener,), daemon=True, name="proxy-accept")
        self._accepting.start()

    def _stop_listening(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
        accepting, self._accepting = self._accepting, None
        if accepting is not None:
            accepting.join(timeout=2)

    def _accept(self, listener: socket.socket) -> None:
        while self._listener is listener:
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                full = len(self._pairs) >= self.max_connections
            if full:
                client.close()
                continue
            try:
                upstream = socket.create_connection(self._target, timeout=2)
            except OSError:
                client.close()
                continue
            pair = (client, upstream)
            with self._lock:
                self._pairs.add(pair)
            threading.Thread(target=self._pump, args=(pair,), daemon=True, name="proxy-pump").start()

    def _pump(self, pair: tuple[socket.socket, socket.socket]) -> None:
        client, upstream = pair
        other = {client: upstream, upstream: client}
        with selectors.DefaultSelector() as selector:
            try:
                selector.register(client, selectors.EVENT_READ)
                selector.register(upstream, selectors.EVENT_READ)
                while True:
                    with self._lock:
                        if pair not in self._pairs:
                            return
                    if self._frozen.is_set():
                        time.sleep(0.05)
                        continue
                    for key, _ in selector.select(timeout=0.1):
                        data = key.fileobj.recv(65536)  # type: ignore[union-attr]
                        if not data:
                            return
                        other[key.fileobj].sendall(data)  # type: ignore[index]
            except (OSError, ValueError):
                return
            finally:
                self._drop(pair)

    def _drop(self, pair: tuple[socket.socket, socket.socket]) -> None:
        with self._lock:
            self._pairs.discard(pair)
        for sock in pair:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _drop_all(self) -> None:
        with self._lock:
            pairs = list(self._pairs)
        for pair in pairs:
            self._drop(pair)
