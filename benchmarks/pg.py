"""The PostgreSQL server the benchmarks measure against, and what it costs while they run.

Without a URL, a throwaway cluster is started with ``pg_virtualenv`` (Debian's
postgresql-common), through the tests' own helper (``tests/postgres.py``,
``TestServer``), and dropped at the end, also when a part fails or on Ctrl-C.
``pg_virtualenv`` creates its clusters with ``fsync=off``, which is right for
tests and wrong for a benchmark of durable records: the cluster is switched
back to ``fsync=on`` (``ALTER SYSTEM``, reload) before anything is measured,
and ``track_wal_io_timing`` is turned on so that ``pg_stat_wal`` can say how
long the WAL's fsyncs take.

With a URL (``run.py --database-url``), that server is used as it is
configured (its settings are reported); the benchmarks create their own
databases on it (``glimmers_bench_*``: the user needs CREATEDB) and drop them
after. Its processes' CPU time is read from /proc when it runs on this
machine and the URL's user may see its backend's PID; otherwise that column
says "–".

Every database is filled with ``skill.operator.generate_store`` (COPY), then
``VACUUM ANALYZE``-d and checkpointed, so that the measurements start from a
steady state, as a store that has been serving for a while would be.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent / "tests"
CLK_TCK = os.sysconf("SC_CLK_TCK")
PREFIX = "glimmers_bench_"

INSTALL_HINT = (
    "the PostgreSQL benchmarks need a server: install PostgreSQL with pg_virtualenv (Debian/Ubuntu: "
    "sudo apt-get install postgresql) so that they start a throwaway one, or pass --database-url URL "
    "(a user that may create databases), or leave PostgreSQL out with --no-postgres"
)


@dataclass
class WalStats:
    """Cumulative counters of ``pg_stat_wal`` and ``pg_stat_database`` (the whole cluster)."""

    records: int
    fpi: int
    bytes: int
    writes: int
    syncs: int
    write_ms: float
    sync_ms: float
    commits: int

    def __sub__(self, other: WalStats) -> WalStats:
        return WalStats(*(getattr(self, f) - getattr(other, f) for f in self.__dataclass_fields__))


class Postgres:
    """A PostgreSQL server for the benchmarks; ``start()`` then ``database(name)``; ``stop()`` drops all."""

    def __init__(self, url: str | None = None, log=print):
        self.given_url = url
        self.log = log
        self.owned = False  # whether this is a throwaway cluster we started (and may reconfigure)
        self.admin_url: str | None = None
        self._server: Any = None
        self._databases: list[str] = []
        self._postmaster: int | None = None
        self.timing = False  # whether track_wal_io_timing is on

    # -- starting and stopping ---------------------------------------------

    def start(self) -> Postgres:
        import psycopg

        if self.given_url:
            self.admin_url = self.given_url
        else:
            self.admin_url = self._start_throwaway()
        with psycopg.connect(self.admin_url, autocommit=True, connect_timeout=10) as conn:
            if self.owned:
                # pg_virtualenv's clusters run with fsync=off; a record must wait for the disk here as in production.
                conn.execute("ALTER SYSTEM SET fsync = on")
                conn.execute("ALTER SYSTEM SET track_wal_io_timing = on")
                conn.execute("SELECT pg_reload_conf()")
                conn.execute("SELECT pg_sleep(0.2)")
            self._postmaster = _postmaster_of(conn)
            settings = self._settings(conn)
        if settings.get("fsync") != "on":
            self.log(f"  WARNING: PostgreSQL runs with fsync={settings.get('fsync')}: its records are not durable "
                     "and its numbers are not comparable with TinyDB's")
        self.timing = settings.get("track_wal_io_timing") == "on"
        return self

    def _start_throwaway(self) -> str:
        if shutil.which("pg_virtualenv") is None:
            raise RuntimeError(INSTALL_HINT)
        _tests_on_path()
        import postgres as test_postgres  # tests/postgres.py
        import pytest

        if os.environ.get(test_postgres.ENV_URL) or test_postgres._inside_pg_virtualenv():
            raise RuntimeError(f"{test_postgres.ENV_URL} or pg_virtualenv is set in the environment: pass that server "
                               "with --database-url instead (the benchmarks do not reconfigure a server they did not start)")
        self._server = test_postgres.TestServer()
        try:
            url = self._server.url()
        except pytest.skip.Exception as exc:  # what the tests do when there is no PostgreSQL
            raise RuntimeError(f"{exc.msg}; {INSTALL_HINT}") from None
        self.owned = True
        return url

    def stop(self) -> None:
        """Drop the benchmark databases (on a given server) and the throwaway cluster (one we started)."""
        try:
            if self.given_url and self._databases:
                for name in list(self._databases):
                    with contextlib.suppress(Exception):
                        self.drop_database(name)
        finally:
            server, self._server = self._server, None
            if server is not None:
                server.stop()

    def __enter__(self) -> Postgres:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- databases ------------------------------------------------------------

    def database(self, name: str) -> str:
        """A new empty database ``glimmers_bench_<name>`` (dropped first if left over); its URL."""
        import psycopg
        from psycopg import sql

        _tests_on_path()
        from postgres import with_database  # tests/postgres.py

        full = PREFIX + name
        with psycopg.connect(self.admin_url, autocommit=True, connect_timeout=10) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(full)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(full)))
        self._databases.append(full)
        return with_database(self.admin_url, full)

    def drop_database(self, url_or_name: str) -> None:
        """Drop a benchmark database; a server that is gone already (Ctrl-C stops a throwaway one) is only noted."""
        import psycopg
        from psycopg import sql
        from psycopg.conninfo import conninfo_to_dict

        name = url_or_name if url_or_name.startswith(PREFIX) else str(conninfo_to_dict(url_or_name)["dbname"])
        try:
            with psycopg.connect(self.admin_url, autocommit=True, connect_timeout=10) as conn:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        except psycopg.Error as exc:
            if self.given_url:  # a throwaway cluster goes with its databases; a given server keeps this one
                self.log(f"  could not drop the database {name} ({str(exc).strip().splitlines()[0]}); drop it by hand")
            return
        if name in self._databases:
            self._databases.remove(name)

    def settle(self, url: str) -> None:
        """VACUUM ANALYZE a freshly loaded database and checkpoint, so that nothing of the load lands in a measurement."""
        import psycopg

        with psycopg.connect(url, autocommit=True, connect_timeout=10) as conn:
            conn.execute("VACUUM (ANALYZE)")
            with contextlib.suppress(psycopg.Error):  # CHECKPOINT needs a superuser or pg_checkpoint
                conn.execute("CHECKPOINT")

    # -- what it is and what it costs ---------------------------------------

    def _settings(self, conn) -> dict[str, str]:
        names = ("server_version", "fsync", "synchronous_commit", "wal_sync_method", "full_page_writes",
                 "shared_buffers", "max_wal_size", "max_connections", "track_wal_io_timing", "data_directory")
        found = {}
        for name in names:
            try:
                found[name] = conn.execute(f"SHOW {name}").fetchone()[0]
            except Exception:  # data_directory needs pg_read_all_settings
                found[name] = "?"
                with contextlib.suppress(Exception):
                    conn.rollback()
        return found

    def settings(self) -> dict[str, str]:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True, connect_timeout=10) as conn:
            return self._settings(conn)

    def describe(self) -> str:
        """One line for the machine table."""
        s = self.settings()
        where = "a throwaway cluster (pg_virtualenv) on this machine" if self.owned else "the server at --database-url"
        return (f"PostgreSQL {s['server_version'].split()[0]}, {where}: fsync={s['fsync']}, synchronous_commit="
                f"{s['synchronous_commit']}, wal_sync_method={s['wal_sync_method']}, full_page_writes="
                f"{s['full_page_writes']}, shared_buffers={s['shared_buffers']}, max_wal_size={s['max_wal_size']}, "
                f"max_connections={s['max_connections']}")

    def data_directory(self) -> Path | None:
        value = self.settings().get("data_directory", "?")
        return Path(value) if value not in ("", "?") else None

    def cpu_seconds(self) -> float | None:
        """CPU time of the whole cluster so far: the postmaster, its live children, its reaped children.

        Live processes are read from /proc/PID/schedstat (nanoseconds) where
        the kernel has it, else /proc/PID/stat (clock ticks); children that
        have exited are in the postmaster's cutime and cstime (ticks).
        """
        if self._postmaster is None:
            return None
        try:
            fields = _stat(self._postmaster)
        except OSError:
            return None
        total = (int(fields[13]) + int(fields[14])) / CLK_TCK  # cutime, cstime: backends that have exited
        for pid in [self._postmaster, *_children(self._postmaster)]:
            with contextlib.suppress(OSError, ValueError, IndexError):
                total += _cpu_of(pid)
        return total

    def wal(self) -> WalStats | None:
        import psycopg

        try:
            with psycopg.connect(self.admin_url, autocommit=True, connect_timeout=10) as conn:
                row = conn.execute(
                    "SELECT wal_records, wal_fpi, wal_bytes, wal_write, wal_sync, wal_write_time, wal_sync_time,"
                    " (SELECT sum(xact_commit) FROM pg_stat_database) FROM pg_stat_wal"
                ).fetchone()
        except psycopg.Error:
            return None
        return WalStats(int(row[0]), int(row[1]), int(row[2]), int(row[3]), int(row[4]), float(row[5]),
                        float(row[6]), int(row[7]))


def _tests_on_path() -> None:
    """tests/postgres.py (the throwaway server and URL helpers) is imported as ``postgres``."""
    if str(TESTS) not in sys.path:
        sys.path.append(str(TESTS))


def _stat(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def _cpu_of(pid: int) -> float:
    """CPU seconds of one live process (all its threads)."""
    try:
        return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9
    except (OSError, ValueError, IndexError):
        fields = _stat(pid)
        return (int(fields[11]) + int(fields[12])) / CLK_TCK


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(OSError):
            found.extend(int(child) for child in task.read_text().split())
    return found


def _postmaster_of(conn) -> int | None:
    """The postmaster's PID when the server runs on this machine (the parent of our backend), else None."""
    try:
        backend = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
        cmdline = Path(f"/proc/{backend}/cmdline").read_bytes()
        if not cmdline.startswith(b"postgres:"):
            return None
        parent = int(_stat(backend)[1])
        if b"postgres" not in Path(f"/proc/{parent}/cmdline").read_bytes():
            return None
        return parent
    except (OSError, ValueError, IndexError):
        return None
