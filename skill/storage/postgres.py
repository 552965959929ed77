"""The PostgreSQL engine: every instance of the skill shares one database.

Layout (see ``MIGRATIONS``): ``journals`` (one row per journal: its meta) and
``glimmers`` (one row per glimmer), both keyed first by ``account``, the hash
of the Alexa user ID: the column a sharded PostgreSQL (Citus) would distribute
on. Every statement a request runs names one account in its ``WHERE``; only
the operator methods (``journals``, ``check``) span accounts. Raw Alexa IDs
are never stored: journals are named by ``JournalKey.ref`` hashes and request
IDs are kept as ``hash_id(request_id)``.

Connections come from one ``psycopg_pool.ConnectionPool`` per process, made on
first use in the process that uses it: a server that forks workers after
``open()`` gets a pool in each worker, and a child never touches a pool its
parent made. Every method is bounded in time (``operation_timeout``, 1.8 s by
default): a pool checkout waits at most ``checkout_timeout``, the server
cancels a statement after ``statement_timeout``, and a watchdog cuts the socket
of a connection whose server (or a proxy in between) stops answering. When the
database cannot be reached a method raises ``StorageUnavailable`` with a short
message (never glimmer text, never the password); when it comes back the same
store carries on by itself.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import os
import re
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone, tzinfo
from random import Random
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import psycopg
from psycopg import errors, sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg.pq import TransactionStatus
from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool, PoolTimeout

from .contract import (
    Glimmer,
    HealthReport,
    ImportOutcome,
    InvalidRecord,
    JournalContents,
    JournalKey,
    JournalRef,
    JournalSummary,
    Page,
    StorageUnavailable,
    decode_cursor,
    encode_cursor,
    hash_id,
    is_account_hash,
    is_journal_name,
    new_glimmer_id,
    search_terms,
    text_matches,
)

log = logging.getLogger(__name__)

T = TypeVar("T")

# The key of the transaction-level advisory lock that ``open()`` holds while it
# creates or upgrades the schema ("glimmers" in ASCII; it fits a signed bigint).
SCHEMA_LOCK = int.from_bytes(b"glimmers", "big")

# Numbered migrations, applied in order, each once, under SCHEMA_LOCK. Append
# new ones; never edit one that has shipped. ``schema_version`` holds a row per
# applied migration.
MIGRATIONS: list[tuple[int, str, str]] = [
    (
        1,
        "journals, glimmers and the health probe",
        """
        CREATE TABLE journals (
            account text COLLATE "C" NOT NULL,
            journal text COLLATE "C" NOT NULL,
            meta jsonb NOT NULL DEFAULT '{}',
            PRIMARY KEY (account, journal)
        );
        CREATE TABLE glimmers (
            account text COLLATE "C" NOT NULL,
            journal text COLLATE "C" NOT NULL,
            id text COLLATE "C" NOT NULL CHECK (id <> '' AND length(id) <= 64),
            text text NOT NULL,
            created_at timestamptz NOT NULL,
            locale text NOT NULL DEFAULT '',
            request_id text COLLATE "C",
            PRIMARY KEY (account, journal, id),
            FOREIGN KEY (account, journal) REFERENCES journals (account, journal) ON DELETE CASCADE
        );
        CREATE INDEX glimmers_by_time ON glimmers (account, journal, created_at, id);
        CREATE UNIQUE INDEX glimmers_by_request ON glimmers (account, journal, request_id)
            WHERE request_id IS NOT NULL;
        CREATE TABLE health (
            probe text PRIMARY KEY,
            token text NOT NULL,
            checked_at timestamptz NOT NULL
        );
        """,
    ),
]
SCHEMA_VERSION = MIGRATIONS[-1][0]
TABLES = ("glimmers", "journals", "health", "schema_version")

JOURNAL_BATCH = 1000  # journals per query when listing them all
BULK_BATCH = 1000  # journals per pair of COPY statements in bulk_load
WHERE_TO_LOOK = "check GLIMMERS_DATABASE_URL / --database-url"

# libpq parameters we set unless the URL says otherwise.
LIBPQ_DEFAULTS = {
    "application_name": "glimmer-journal",
    "keepalives": "1",
    "keepalives_idle": "10",
    "keepalives_interval": "2",
    "keepalives_count": "3",
}

_COLUMNS = "id, text, created_at, locale"
_JOURNAL = "account = %(account)s AND journal = %(journal)s"

# -- request-path statements: each names one account (see tests/test_postgres.py) --

SQL_PAGE = f"""
    SELECT {_COLUMNS} FROM glimmers
    WHERE {_JOURNAL}{{between}}{{after}}
    ORDER BY created_at DESC, id DESC
    LIMIT %(limit)s
"""
# A search reads newest first in batches, narrowed by ILIKE on the text; Python's
# ``text_matches`` (the same as on every engine) decides.
SQL_SEARCH = f"""
    SELECT {_COLUMNS} FROM glimmers
    WHERE {_JOURNAL}{{narrow}}{{after}}
    ORDER BY created_at DESC, id DESC
    LIMIT %(batch)s
"""
SEARCH_BATCH = 200
SQL_GLIMMERS = f"SELECT {_COLUMNS} FROM glimmers WHERE {_JOURNAL}{{between}} ORDER BY created_at, id"
SQL_COUNT = f"SELECT count(*) FROM glimmers WHERE {_JOURNAL}{{between}}"
SQL_DAYS_NAMED_ZONE = f"""
    SELECT DISTINCT (created_at AT TIME ZONE %(zone)s)::date FROM glimmers WHERE {_JOURNAL}{{since}}
"""
SQL_DAYS_FIXED_OFFSET = f"""
    SELECT DISTINCT (created_at AT TIME ZONE make_interval(secs => %(offset)s))::date
    FROM glimmers WHERE {_JOURNAL}{{since}}
"""
SQL_MOMENTS = f"SELECT created_at FROM glimmers WHERE {_JOURNAL}{{since}}"
SQL_SAMPLE = f"""
    SELECT {_COLUMNS}, position FROM (
        SELECT {_COLUMNS}, row_number() OVER (ORDER BY created_at, id) - 1 AS position
        FROM glimmers WHERE {_JOURNAL}
    ) AS ordered
    WHERE position = ANY(%(positions)s)
"""
SQL_META = f"SELECT meta FROM journals WHERE {_JOURNAL}"
SQL_META_FOR_UPDATE = f"SELECT meta FROM journals WHERE {_JOURNAL} FOR UPDATE"
SQL_ADD = f"""
    WITH journal AS (
        INSERT INTO journals (account, journal) VALUES (%(account)s, %(journal)s) ON CONFLICT DO NOTHING
    )
    INSERT INTO glimmers (account, journal, id, text, created_at, locale, request_id)
    VALUES (%(account)s, %(journal)s, %(id)s, %(text)s, %(created_at)s, %(locale)s, %(request_id)s)
    {{on_conflict}}
    RETURNING {_COLUMNS}
"""
SQL_ADD_ON_CONFLICT = "ON CONFLICT (account, journal, request_id) WHERE request_id IS NOT NULL DO NOTHING"
SQL_BY_REQUEST = f"SELECT {_COLUMNS} FROM glimmers WHERE {_JOURNAL} AND request_id = %(request_id)s"
SQL_REPLACE = f"UPDATE glimmers SET text = %(text)s WHERE {_JOURNAL} AND id = %(id)s RETURNING {_COLUMNS}"
SQL_DELETE = f"DELETE FROM glimmers WHERE {_JOURNAL} AND id = %(id)s RETURNING {_COLUMNS}"
SQL_ENSURE_JOURNAL = "INSERT INTO journals (account, journal) VALUES (%(account)s, %(journal)s) ON CONFLICT DO NOTHING"
SQL_UPDATE_META = f"""
    INSERT INTO journals AS j (account, journal, meta)
    VALUES (%(account)s, %(journal)s, %(set)s::jsonb - %(remove)s::text[])
    ON CONFLICT (account, journal) DO UPDATE
    SET meta = (CASE WHEN jsonb_typeof(j.meta) = 'object' THEN j.meta ELSE '{{}}'::jsonb END
                || %(set)s::jsonb) - %(remove)s::text[]
    WHERE j.account = %(account)s AND j.journal = %(journal)s
    RETURNING meta
"""
SQL_SET_META = f"UPDATE journals SET meta = %(meta)s WHERE {_JOURNAL}"
SQL_DELETE_JOURNAL = f"""
    WITH gone AS (DELETE FROM glimmers WHERE {_JOURNAL} RETURNING 1),
         journal AS (DELETE FROM journals WHERE {_JOURNAL})
    SELECT count(*) FROM gone
"""
SQL_DELETE_ACCOUNT = """
    WITH glimmers_gone AS (DELETE FROM glimmers WHERE account = %(account)s),
         gone AS (DELETE FROM journals WHERE account = %(account)s RETURNING 1)
    SELECT count(*) FROM gone
"""

# -- operator statements ------------------------------------------------------

SQL_JOURNAL_SUMMARIES = """
    SELECT j.account, j.journal, s.glimmers, s.first_noted, s.last_noted
    FROM (
        SELECT account, journal FROM journals
        WHERE (account, journal) > (%(after_account)s, %(after_journal)s){account}
        ORDER BY account, journal
        LIMIT %(batch)s
    ) AS j
    CROSS JOIN LATERAL (
        SELECT count(*) AS glimmers, min(created_at) AS first_noted, max(created_at) AS last_noted
        FROM glimmers AS g WHERE g.account = j.account AND g.journal = j.journal
    ) AS s
    ORDER BY j.account, j.journal
"""
SQL_CONTENTS = f"SELECT {_COLUMNS} FROM glimmers WHERE {_JOURNAL} ORDER BY created_at, id"
SQL_CREATE_JOURNAL = f"""
    INSERT INTO journals (account, journal, meta) VALUES (%(account)s, %(journal)s, %(meta)s)
    ON CONFLICT DO NOTHING RETURNING true
"""
SQL_IMPORT = f"""
    INSERT INTO glimmers (account, journal, id, text, created_at, locale)
    SELECT %(account)s, %(journal)s, *
    FROM unnest(%(ids)s::text[], %(texts)s::text[], %(moments)s::timestamptz[], %(locales)s::text[])
    ON CONFLICT (account, journal, id) DO NOTHING
    RETURNING id
"""
SQL_SOUND_NAMES = "(account ~ '^[0-9a-f]{32}$' AND (journal = 'account' OR journal ~ '^person-[0-9a-f]{32}$'))"
SQL_HEALTH_PROBE = """
    INSERT INTO health (probe, token, checked_at) VALUES ('check_available', %(token)s, now())
    ON CONFLICT (probe) DO UPDATE SET token = excluded.token, checked_at = excluded.checked_at
    RETURNING token
"""


# -- processes: one pool and one watchdog per process -------------------------

_process_lock = threading.Lock()
_pool_numbers = itertools.count(1)
# Pools inherited from a parent process: kept referenced, never used or closed
# (their sockets belong to the parent), so that nothing here finalises them.
_inherited: list[ConnectionPool] = []


def _after_fork_in_child() -> None:
    global _process_lock, _watchdog
    _process_lock = threading.Lock()  # a thread of the parent may have held it
    _watchdog = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


class _Watchdog:
    """Cuts the socket of a connection whose operation outlived its deadline.

    ``statement_timeout`` only helps while the server answers, and
    ``tcp_user_timeout`` only while nothing in between acknowledges our
    packets: a stopped server, or a proxy whose backend went away, would
    otherwise keep a request waiting for ever.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._watched: dict[int, tuple[float, int]] = {}
        self._fired: set[int] = set()
        self._next_token = 0
        self._wake_at = float("inf")
        self._thread = threading.Thread(target=self._run, name="glimmers-postgres-watchdog", daemon=True)
        self._thread.start()

    def watch(self, fd: int, deadline: float) -> int:
        with self._cond:
            self._next_token += 1
            token = self._next_token
            self._watched[token] = (deadline, fd)
            if deadline < self._wake_at:
                self._cond.notify()
            return token

    def unwatch(self, token: int) -> bool:
        """Stop watching; whether the watchdog had cut the connection."""
        with self._cond:
            self._watched.pop(token, None)
            if token in self._fired:
                self._fired.discard(token)
                return True
            return False

    def _run(self) -> None:
        with self._cond:
            while True:
                now = time.monotonic()
                for token, (deadline, fd) in list(self._watched.items()):
                    if deadline <= now:
                        del self._watched[token]
                        self._fired.add(token)
                        _cut(fd)
                self._wake_at = min((deadline for deadline, _ in self._watched.values()), default=float("inf"))
                self._cond.wait(None if self._wake_at == float("inf") else self._wake_at - now)


def _cut(fd: int) -> None:
    """Shut a connection's socket down under libpq, which then reports the connection lost."""
    try:
        sock = socket.socket(fileno=os.dup(fd))
    except OSError:
        return
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    finally:
        sock.close()


_watchdog: _Watchdog | None = None


def _this_process_watchdog() -> _Watchdog:
    global _watchdog
    watchdog = _watchdog
    if watchdog is None:
        with _process_lock:
            if _watchdog is None:
                _watchdog = _Watchdog()
            watchdog = _watchdog
    return watchdog


@dataclass
class _ProcessPool:
    pid: int
    pool: ConnectionPool


class _Retry(Exception):
    """The connection was found broken before the operation ran; try once more on another."""


# -- the store ----------------------------------------------------------------


class PostgresStore:
    """Journals in one PostgreSQL database, shared by every instance of the skill."""

    def __init__(
        self,
        url: str,
        *,
        pool_size: int = 8,
        pool_min_size: int = 1,
        connect_timeout: float = 2,
        checkout_timeout: float = 1.0,
        statement_timeout: float = 1.5,
        operation_timeout: float = 1.8,
        operator_timeout: float = 300.0,
        reconnect_timeout: float = 3.0,
        tcp_user_timeout: float = 2.0,
        idle_in_transaction_timeout: float = 10.0,
        max_idle: float = 300.0,
    ):
        """``url``: a ``postgresql://`` URL or a libpq conninfo string; nothing connects here.

        Times are in seconds. ``operation_timeout`` bounds every request-path
        method from call to return (checkout, statements, one retry);
        ``checkout_timeout`` the wait for a pooled connection;
        ``statement_timeout`` each statement, on the server;
        ``operator_timeout`` each statement of the operator methods;
        ``reconnect_timeout`` how long the pool keeps retrying one lost
        connection before it gives up on it (a later request starts afresh).
        ``pool_size`` connections at most per process, ``pool_min_size`` kept
        open. libpq parameters in the URL (``sslmode``, ``keepalives_idle``,
        ``tcp_user_timeout``, ``application_name``, ...) win over this
        engine's defaults, except ``connect_timeout``, which is this option.
        """
        if not isinstance(url, str) or not url.strip():
            raise ValueError("a PostgreSQL URL is needed (postgresql://user:password@host:port/database)")
        try:
            params = conninfo_to_dict(url)
        except psycopg.ProgrammingError:
            raise ValueError("not a PostgreSQL URL or libpq connection string") from None
        if pool_size < 1 or not 0 <= pool_min_size <= pool_size:
            raise ValueError("pool_size must be at least 1 and pool_min_size between 0 and pool_size")
        self._password = str(params.get("password") or "")
        for name, value in LIBPQ_DEFAULTS.items():
            params.setdefault(name, value)
        params["connect_timeout"] = str(max(2, round(connect_timeout)))
        params.setdefault("tcp_user_timeout", str(round(tcp_user_timeout * 1000)))
        self._conninfo = make_conninfo(**params)
        self.pool_size = pool_size
        self.pool_min_size = pool_min_size
        self.connect_timeout = connect_timeout
        self.checkout_timeout = checkout_timeout
        self.statement_timeout = statement_timeout
        self.operation_timeout = operation_timeout
        self.operator_timeout = operator_timeout
        self.reconnect_timeout = reconnect_timeout
        self.idle_in_transaction_timeout = idle_in_transaction_timeout
        self.max_idle = max_idle
        self.where = _where(params)
        self.description = f"PostgreSQL at {self.where}"
        self._state: _ProcessPool | None = None
        self._last_connect_error: str | None = None

    def __repr__(self) -> str:
        return f"<PostgresStore {self.where}>"

    # -- reading ----------------------------------------------------------

    def page(
        self,
        key: JournalKey,
        limit: int,
        cursor: str | None = None,
        between: tuple[datetime, datetime] | None = None,
    ) -> Page:
        params = _journal_params(key.ref)
        after = ""
        if cursor is not None:
            params["after_moment"], params["after_id"] = decode_cursor(cursor)
            after = " AND (created_at, id) < (%(after_moment)s, %(after_id)s)"
        if limit < 1:
            return Page([])
        params["limit"] = limit + 1
        query = SQL_PAGE.format(between=_between(params, between), after=after)

        def work(conn: psycopg.Connection) -> Page:
            rows = conn.execute(query, params, binary=True).fetchall()
            glimmers = [_glimmer(row) for row in rows[:limit]]
            more = len(rows) > limit
            return Page(glimmers, next_cursor=encode_cursor(glimmers[-1]) if more else None)

        return self._run("page", work)

    def search(self, key: JournalKey, words: Sequence[str], limit: int, cursor: str | None = None) -> Page:
        start = decode_cursor(cursor) if cursor is not None else None
        terms = search_terms(words)
        if not terms or limit < 1:
            return Page([])
        params = _journal_params(key.ref)
        narrow = []
        for n, term in enumerate(terms):
            fragment = term.fragment
            if fragment.isascii():  # ILIKE folds ASCII the same way under every collation
                params[f"like{n}"] = "%" + _like_escape(fragment) + "%"
                narrow.append(f" AND text ILIKE %(like{n})s")
        first = SQL_SEARCH.format(narrow="".join(narrow), after="")
        later = SQL_SEARCH.format(
            narrow="".join(narrow), after=" AND (created_at, id) < (%(after_moment)s, %(after_id)s)"
        )
        params["batch"] = SEARCH_BATCH

        def work(conn: psycopg.Connection) -> Page:
            found: list[Glimmer] = []
            after = start
            while True:
                if after is None:
                    rows = conn.execute(first, params, binary=True).fetchall()
                else:
                    query_params = {**params, "after_moment": after[0], "after_id": after[1]}
                    rows = conn.execute(later, query_params, binary=True).fetchall()
                for row in rows:
                    glimmer = _glimmer(row)
                    if text_matches(glimmer.text, terms):
                        found.append(glimmer)
                        if len(found) > limit:
                            shown = found[:limit]
                            return Page(shown, next_cursor=encode_cursor(shown[-1]))
                if len(rows) < SEARCH_BATCH:
                    return Page(found)
                after = (rows[-1][2], rows[-1][0])

        return self._run("search", work)

    def glimmers(self, key: JournalKey, between: tuple[datetime, datetime] | None = None) -> list[Glimmer]:
        params = _journal_params(key.ref)
        query = SQL_GLIMMERS.format(between=_between(params, between))
        return self._run("glimmers", lambda conn: [_glimmer(row) for row in conn.execute(query, params, binary=True)])

    def count(self, key: JournalKey, between: tuple[datetime, datetime] | None = None) -> int:
        params = _journal_params(key.ref)
        query = SQL_COUNT.format(between=_between(params, between))
        return self._run("count", lambda conn: _scalar(conn.execute(query, params)))

    def days_noted(self, key: JournalKey, zone: tzinfo, since: datetime | None = None) -> set[date]:
        params = _journal_params(key.ref)
        since_clause = ""
        if since is not None:
            params["since"] = _aware(since)
            since_clause = " AND created_at >= %(since)s"
        name = _zone_name(zone)
        offset = None if name is not None else _fixed_offset(zone)

        def in_python(conn: psycopg.Connection) -> set[date]:
            moments = conn.execute(SQL_MOMENTS.format(since=since_clause), params, binary=True)
            return {moment.astimezone(zone).date() for (moment,) in moments}

        def work(conn: psycopg.Connection) -> set[date]:
            if name is not None:
                try:
                    rows = conn.execute(SQL_DAYS_NAMED_ZONE.format(since=since_clause), {**params, "zone": name})
                    return {day for (day,) in rows}
                except errors.InvalidParameterValue:
                    # A zone PostgreSQL's time zone database does not know: ask Python.
                    return in_python(conn)
            if offset is not None:
                query = SQL_DAYS_FIXED_OFFSET.format(since=since_clause)
                return {day for (day,) in conn.execute(query, {**params, "offset": offset})}
            return in_python(conn)  # a zone whose offset changes and that has no name PostgreSQL knows

        return self._run("days_noted", work)

    def sample(self, key: JournalKey, k: int, rng: Random) -> list[Glimmer]:
        params = _journal_params(key.ref)

        def work(conn: psycopg.Connection) -> list[Glimmer]:
            with conn.transaction():
                conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                n = _scalar(conn.execute(SQL_COUNT.format(between=""), params))
                picks = rng.sample(range(n), min(k, n))
                if not picks:
                    return []
                rows = conn.execute(SQL_SAMPLE, {**params, "positions": picks}, binary=True).fetchall()
            by_position = {row[4]: _glimmer(row) for row in rows}
            return [by_position[i] for i in picks if i in by_position]

        # The rng is consumed inside, and a retry would consume it again: check the connection first instead.
        return self._run("sample", work, retry=False, check_first=True)

    def meta(self, key: JournalKey) -> dict[str, Any]:
        params = _journal_params(key.ref)

        def work(conn: psycopg.Connection) -> dict[str, Any]:
            row = conn.execute(SQL_META, params).fetchone()
            return _meta_dict(row[0] if row else None)

        return self._run("meta", work)

    # -- writing ----------------------------------------------------------

    def add(
        self,
        key: JournalKey,
        text: str,
        locale: str,
        now: datetime,
        request_id: str | None = None,
        meta: Mapping[str, Any] | None = None,
    ) -> Glimmer:
        _check_text(text, "text")
        _check_text(locale, "locale")
        params = _journal_params(key.ref)
        params.update(
            id=new_glimmer_id(),
            text=text,
            created_at=_aware(now),
            locale=locale or "",
            request_id=hash_id(request_id) if request_id else None,
        )
        query = SQL_ADD.format(on_conflict=SQL_ADD_ON_CONFLICT if request_id else "")

        changes = {**_journal_params(key.ref), **_meta_changes(meta)} if meta else None

        def work(conn: psycopg.Connection) -> Glimmer:
            # With meta changes, both statements in one transaction: one commit, one WAL flush.
            with conn.transaction() if changes else contextlib.nullcontext():
                row = conn.execute(query, params, binary=True).fetchone()
                if row is None:  # this request saved its glimmer before: return that one (and change nothing)
                    row = conn.execute(SQL_BY_REQUEST, params, binary=True).fetchone()
                    if row is None:  # deleted since: nothing to return but what was asked
                        return Glimmer(params["id"], text, params["created_at"], params["locale"])
                    return _glimmer(row)
                if changes:
                    conn.execute(SQL_UPDATE_META, changes)
                return _glimmer(row)

        # Without a request ID, a retry after a lost reply could save twice:
        # check the connection first instead.
        return self._run("add", work, retry=bool(request_id), check_first=not request_id)

    def replace(self, key: JournalKey, glimmer_id: str, text: str) -> Glimmer | None:
        _check_text(text, "text")
        params = {**_journal_params(key.ref), "id": glimmer_id, "text": text}
        return self._run("replace", lambda conn: _glimmer_or_none(conn.execute(SQL_REPLACE, params, binary=True)))

    def delete(self, key: JournalKey, glimmer_id: str) -> Glimmer | None:
        params = {**_journal_params(key.ref), "id": glimmer_id}
        return self._run(
            "delete",
            lambda conn: _glimmer_or_none(conn.execute(SQL_DELETE, params, binary=True)),
            retry=False,
            check_first=True,
        )

    def update_meta(self, key: JournalKey, changes: Mapping[str, Any]) -> dict[str, Any]:
        params = {**_journal_params(key.ref), **_meta_changes(changes)}  # with none, the journal exists from now on
        return self._run("update_meta", lambda conn: _meta_dict(_scalar(conn.execute(SQL_UPDATE_META, params))))

    def remember_suggestion(self, key: JournalKey, suggestion_id: str, kept: int = 10) -> None:
        params = _journal_params(key.ref)

        def work(conn: psycopg.Connection) -> None:
            with conn.transaction():
                row = conn.execute(SQL_META_FOR_UPDATE, params).fetchone()
                if row is None:
                    conn.execute(SQL_ENSURE_JOURNAL, params)
                    row = conn.execute(SQL_META_FOR_UPDATE, params).fetchone()
                meta = _meta_dict(row[0])
                recent = meta.get("recent_suggestions")
                recent = [s for s in recent if s != suggestion_id] if isinstance(recent, list) else []
                meta["recent_suggestions"] = (recent + [suggestion_id])[-kept:]
                conn.execute(SQL_SET_META, {**params, "meta": Jsonb(meta)})

        self._run("remember_suggestion", work)

    def delete_journal(self, key: JournalKey) -> int:
        params = _journal_params(key.ref)
        return self._run(
            "delete_journal",
            lambda conn: _scalar(conn.execute(SQL_DELETE_JOURNAL, params)),
            retry=False,
            check_first=True,
        )

    def delete_account(self, user_id: str) -> int:
        params = {"account": hash_id(user_id)}
        return self._run(
            "delete_account",
            lambda conn: _scalar(conn.execute(SQL_DELETE_ACCOUNT, params)),
            retry=False,
            check_first=True,
        )

    # -- running ----------------------------------------------------------

    def open(self) -> None:
        """Create or upgrade the schema from a direct connection (not the pool), under an advisory lock."""
        try:
            conn = psycopg.connect(self._conninfo, autocommit=True)
        except psycopg.Error as exc:
            raise StorageUnavailable(self._cannot_connect(exc)) from None
        with conn:
            try:
                _set_session(conn, statement_timeout=0, idle_timeout=self.idle_in_transaction_timeout)
                with conn.transaction():
                    conn.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
                    version = _schema_version(conn, create=True) or 0
                    if version > SCHEMA_VERSION:
                        raise StorageUnavailable(
                            f"the glimmer tables in {self.description} are at schema version {version}, newer than "
                            f"this glimmer-journal knows ({SCHEMA_VERSION}); upgrade glimmer-journal"
                        )
                    for number, description, statements in MIGRATIONS:
                        if number > version:
                            conn.execute(statements)
                            conn.execute(
                                "INSERT INTO schema_version (version, description) VALUES (%s, %s)",
                                (number, description),
                            )
                            log.info("%s: applied schema migration %d (%s)", self.description, number, description)
            except psycopg.Error as exc:
                if conn.broken:
                    raise StorageUnavailable(self._cannot_connect(exc)) from None
                raise StorageUnavailable(self._cannot_prepare(exc)) from None

    def check_available(self) -> None:
        token = new_glimmer_id()

        def work(conn: psycopg.Connection) -> None:
            if _scalar(conn.execute(SQL_HEALTH_PROBE, {"token": token})) != token:
                raise StorageUnavailable(f"{self.description} did not return what was written")

        self._run("check_available", work)

    def close(self) -> None:
        """Close this process's pool (a parent's is left alone); the next use opens a new one."""
        with _process_lock:
            state, self._state = self._state, None
        if state is None:
            return
        if state.pid == os.getpid():
            state.pool.close(timeout=1.0)
        else:
            _inherited.append(state.pool)

    # -- operator tools ---------------------------------------------------

    def journals(self, account: str | None = None) -> Iterator[JournalSummary]:
        """Every journal by account then name, a batch of journals per query (no transaction held between)."""
        after = ("", "")
        query = SQL_JOURNAL_SUMMARIES.format(account=" AND account = %(account)s" if account is not None else "")
        while True:
            params = {"after_account": after[0], "after_journal": after[1], "batch": JOURNAL_BATCH, "account": account}
            rows = self._run_operator("journals", lambda conn: conn.execute(query, params, binary=True).fetchall())
            for account_hash, journal, count, first, last in rows:
                yield JournalSummary(
                    JournalRef(account_hash, journal), count, _utc_or_none(first), _utc_or_none(last)
                )
            if len(rows) < JOURNAL_BATCH:
                return
            after = (rows[-1][0], rows[-1][1])

    def contents(self, ref: JournalRef) -> JournalContents:
        params = _journal_params(ref)

        def work(conn: psycopg.Connection) -> JournalContents:
            row = conn.execute(SQL_META, params).fetchone()
            glimmers = [_glimmer(r) for r in conn.execute(SQL_CONTENTS, params, binary=True)]
            return JournalContents(ref, glimmers, _meta_dict(row[0] if row else None))

        return self._run_operator("contents", work, snapshot=True)

    def import_journal(self, ref: JournalRef, glimmers: list[Glimmer], meta: Mapping[str, Any]) -> ImportOutcome:
        params = _journal_params(ref)
        new: dict[str, Glimmer] = {}
        for glimmer in glimmers:
            _check_text(glimmer.text, "text")
            _check_text(glimmer.locale, "locale")
            _check_text(glimmer.id, "id")
            new.setdefault(glimmer.id, glimmer)
        params.update(
            meta=Jsonb(dict(meta)),
            ids=list(new),
            texts=[g.text for g in new.values()],
            moments=[_aware(g.created_at) for g in new.values()],
            locales=[g.locale or "" for g in new.values()],
        )

        def work(conn: psycopg.Connection) -> ImportOutcome:
            created = conn.execute(SQL_CREATE_JOURNAL, params).fetchone() is not None
            if not created:
                current_row = conn.execute(SQL_META_FOR_UPDATE, params).fetchone()
                current = current_row[0] if current_row else None
                kept = current if isinstance(current, dict) else {}
                merged = {**dict(meta), **kept}
                if merged != current:
                    conn.execute(SQL_SET_META, {**params, "meta": Jsonb(merged)})
            imported = len(conn.execute(SQL_IMPORT, params).fetchall()) if new else 0
            return ImportOutcome(created=created, imported=imported, skipped=len(glimmers) - imported)

        return self._run_operator("import_journal", work)

    def bulk_load(self, journals: Iterable[tuple[JournalRef, list[Glimmer], Mapping[str, Any]]]) -> None:
        """Fill an empty store fast with COPY, for tests and benchmarks; FileExistsError if it holds journals.

        One transaction (all or nothing) that does not wait for the disk at
        commit. The glimmers table's indexes and keys are dropped while it
        loads and built again after, which is several times faster than
        keeping them (where the user may not drop them, they stay). Journals
        are read ``BULK_BATCH`` at a time, so a generator of a million
        glimmers is never held whole. Other instances wait while it runs.
        """
        batches = _batches(iter(journals), BULK_BATCH)

        def work(conn: psycopg.Connection) -> None:
            conn.execute("SET LOCAL synchronous_commit = off")
            conn.execute("SET LOCAL maintenance_work_mem = '256MB'")
            if conn.execute("SELECT 1 FROM journals LIMIT 1").fetchone():
                raise FileExistsError(f"{self.description} already holds journals; bulk_load only fills an empty store")
            rebuild = _drop_glimmer_keys(conn)
            cursor = conn.cursor()
            for batch in batches:
                with cursor.copy("COPY journals (account, journal, meta) FROM STDIN") as copy:
                    for ref, _, meta in batch:
                        copy.write_row((ref.account, ref.journal, json.dumps(dict(meta), ensure_ascii=False)))
                with cursor.copy(
                    "COPY glimmers (account, journal, id, text, created_at, locale) FROM STDIN (FORMAT BINARY)"
                ) as copy:
                    copy.set_types(["text", "text", "text", "text", "timestamptz", "text"])
                    for ref, glimmers, _ in batch:
                        account, journal = ref.account, ref.journal
                        for g in glimmers:
                            if "\x00" in g.text:
                                raise InvalidRecord("has a text with a NUL character, which PostgreSQL cannot store")
                            copy.write_row((account, journal, g.id, g.text, g.created_at, g.locale or ""))
            for statement in rebuild:
                conn.execute(statement)

        self._run_operator("bulk_load", work)

    def check(self, fix: bool = False) -> HealthReport:
        """Counts, the schema version, and journal rows the server could not use.

        Nothing here is repaired by ``fix``: foreign keys and constraints keep
        glimmers sound, and what this finds needs a person to look at it.
        """
        report = HealthReport()

        def work(conn: psycopg.Connection) -> None:
            report.details.append(f"{self.description}, PostgreSQL {conn.info.server_version // 10000}")
            version = _schema_version(conn, create=False)
            if version is None or version == 0:
                report.problem("schema", "the glimmer tables do not exist yet; start the server once to create them")
                return
            report.details.append(f"schema version {version}")
            if version != SCHEMA_VERSION:
                newer = version > SCHEMA_VERSION
                report.problem(
                    "schema",
                    f"schema version {version}, this glimmer-journal expects {SCHEMA_VERSION}; "
                    + ("upgrade glimmer-journal" if newer else "start the server once to upgrade it"),
                )
                if newer:
                    return
            # Rows the server would never read (names that are not hashes), like stray files
            # in a data folder, are noted and not counted.
            report.accounts, report.journals = conn.execute(
                f"SELECT count(DISTINCT account) FILTER (WHERE {SQL_SOUND_NAMES}),"
                f" count(*) FILTER (WHERE {SQL_SOUND_NAMES}) FROM journals"
            ).fetchone()
            report.glimmers = _scalar(conn.execute("SELECT count(*) FROM glimmers")) - _scalar(
                conn.execute(
                    "SELECT count(*) FROM glimmers WHERE (account, journal) IN"
                    f" (SELECT account, journal FROM journals WHERE NOT {SQL_SOUND_NAMES})"
                )
            )
            for account, journal, kind, recent_sound in conn.execute(
                f"""
                SELECT account, journal, kind, recent_sound FROM (
                    SELECT account, journal, {SQL_SOUND_NAMES} AS named, jsonb_typeof(meta) AS kind,
                           CASE WHEN jsonb_typeof(meta) <> 'object' OR NOT meta ? 'recent_suggestions' THEN true
                                WHEN jsonb_typeof(meta -> 'recent_suggestions') <> 'array' THEN false
                                ELSE NOT EXISTS (SELECT 1 FROM jsonb_array_elements(meta -> 'recent_suggestions') AS e
                                                 WHERE jsonb_typeof(e) <> 'string')
                           END AS recent_sound
                    FROM journals
                ) AS examined
                WHERE NOT named OR kind <> 'object' OR NOT recent_sound
                ORDER BY account, journal
                LIMIT 1000
                """
            ):
                where = f"{account}/{journal}"
                if not is_account_hash(account):
                    report.note(where, "unexpected account (not an account hash); the server ignores it")
                    continue
                if not is_journal_name(journal):
                    report.note(where, "unexpected journal name; the server ignores it")
                    continue
                if kind != "object":
                    report.problem(where, f"meta is a JSON {kind}, not an object; the server reads it as empty")
                elif not recent_sound:
                    report.problem(where, "meta recent_suggestions is not a list of strings")

        self._run_operator("check", work, snapshot=True)
        return report

    # -- connections --------------------------------------------------------

    def _pool(self) -> ConnectionPool:
        """This process's pool, made on first use here; one inherited from a parent is left untouched."""
        pid = os.getpid()
        state = self._state
        if state is not None and state.pid == pid:
            return state.pool
        with _process_lock:
            state = self._state
            if state is not None and state.pid == pid:
                return state.pool
            if state is not None:
                _inherited.append(state.pool)  # the parent's: its connections are the parent's sockets
            # psycopg_pool logs every checkout at INFO; keep its warnings (failed connections) only,
            # unless the application chose a level for it.
            pool_log = logging.getLogger("psycopg.pool")
            if pool_log.level == logging.NOTSET:
                pool_log.setLevel(logging.WARNING)
            store = self

            class Connection(psycopg.Connection):  # remembers why connecting failed, for messages
                @classmethod
                def connect(cls, *args: Any, **kwargs: Any) -> Any:
                    try:
                        conn = super().connect(*args, **kwargs)
                    except psycopg.Error as exc:
                        store._last_connect_error = store._scrub(_libpq_reason(exc))
                        raise
                    store._last_connect_error = None
                    return conn

            pool = ConnectionPool(
                self._conninfo,
                connection_class=Connection,
                kwargs={"autocommit": True},
                min_size=self.pool_min_size,
                max_size=self.pool_size,
                open=False,
                configure=self._configure,
                timeout=self.checkout_timeout,
                max_idle=self.max_idle,
                reconnect_timeout=self.reconnect_timeout,
                reconnect_failed=self._reconnect_failed,
                name=f"glimmers-{pid}-{next(_pool_numbers)}",
                num_workers=2,
            )
            pool.open(wait=False)
            self._state = _ProcessPool(pid, pool)
            return pool

    def _configure(self, conn: psycopg.Connection) -> None:
        _set_session(conn, statement_timeout=self.statement_timeout, idle_timeout=self.idle_in_transaction_timeout)

    def _reconnect_failed(self, pool: ConnectionPool) -> None:
        # The pool gave up on one connection and counts it no more; the next
        # checkout that finds no connection ready starts a fresh attempt, so
        # the pool never stays empty once the server is back.
        log.warning(
            "%s: still cannot connect after %.0f s; will try again on the next request",
            self.description,
            self.reconnect_timeout,
        )

    def _run(
        self,
        what: str,
        work: Callable[[psycopg.Connection], T],
        *,
        retry: bool = True,
        check_first: bool = False,
    ) -> T:
        """Run ``work`` on a pooled connection within ``operation_timeout``; StorageUnavailable when it cannot.

        A connection found broken (the server restarted since it was pooled)
        is dropped with every idle one, and ``work`` runs once more on a fresh
        connection when that is safe (``retry``). Where it is not, the
        connection is checked first (``check_first``), which costs a round trip.
        """
        deadline = time.monotonic() + self.operation_timeout
        try:
            pool = self._pool()
        except psycopg.Error as exc:  # pragma: no cover - a pool that cannot be made
            raise self._unavailable(what, exc) from None
        attempts = 2 if (retry or check_first) else 1
        for attempt in range(attempts):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise self._unavailable(what, None, f"no answer within {self.operation_timeout:g} s")
            try:
                conn = pool.getconn(timeout=min(self.checkout_timeout, remaining))
            except PoolTimeout:
                waited = min(self.checkout_timeout, remaining)
                raise self._unavailable(what, None, self._no_connection(waited)) from None
            except psycopg.Error as exc:
                raise self._unavailable(what, exc) from None
            try:
                fd = conn.fileno()
            except psycopg.Error:  # lost while it waited in the pool: safe to try another
                pool.putconn(conn)
                self._forget_idle(pool)
                continue
            token = _this_process_watchdog().watch(fd, deadline)
            cut = False
            try:
                try:
                    if check_first:
                        try:
                            conn.execute("")
                        except psycopg.OperationalError:
                            if conn.broken:
                                raise _Retry() from None
                            raise
                    return work(conn)
                finally:
                    cut = _this_process_watchdog().unwatch(token)
                    if conn.info.transaction_status not in (TransactionStatus.IDLE, TransactionStatus.UNKNOWN):
                        try:
                            conn.rollback()
                        except psycopg.Error:
                            pass
            except _Retry:
                self._forget_idle(pool)
                continue
            except psycopg.Error as exc:
                if cut:
                    raise self._unavailable(what, None, f"no answer within {self.operation_timeout:g} s") from None
                if retry and attempt == 0 and conn.broken and not isinstance(exc, errors.QueryCanceled):
                    self._forget_idle(pool)
                    log.warning(
                        "%s: a pooled connection was lost; trying %s again on a new one", self.description, what
                    )
                    continue
                raise self._unavailable(what, exc) from None
            finally:
                pool.putconn(conn)
        raise self._unavailable(what, None, "connections keep breaking")

    def _run_operator(self, what: str, work: Callable[[psycopg.Connection], T], snapshot: bool = False) -> T:
        """Run ``work`` in a transaction with ``operator_timeout`` per statement (exports, imports, checks).

        ``snapshot``: a read-only transaction that sees one moment of the database throughout.
        """
        waited = max(self.checkout_timeout, self.connect_timeout + 1)  # a new pool may have to connect first
        cut = False
        try:
            pool = self._pool()
            with pool.connection(timeout=waited) as conn:
                # The server bounds each statement; the watchdog bounds a server that stopped answering.
                token = _this_process_watchdog().watch(conn.fileno(), time.monotonic() + self.operator_timeout + 5)
                try:
                    with conn.transaction():
                        if snapshot:
                            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                        conn.execute(
                            "SELECT set_config('statement_timeout', %s, true)", (_milliseconds(self.operator_timeout),)
                        )
                        return work(conn)
                finally:
                    cut = _this_process_watchdog().unwatch(token)
        except PoolTimeout:
            raise self._unavailable(what, None, self._no_connection(waited)) from None
        except psycopg.Error as exc:
            if cut:
                raise self._unavailable(what, None, f"no answer within {self.operator_timeout + 5:g} s") from None
            raise self._unavailable(what, exc) from None

    def _no_connection(self, waited: float) -> str:
        why = self._last_connect_error
        return f"no connection within {waited:.1f} s" + (f" (last attempt: {why})" if why else "")

    @staticmethod
    def _forget_idle(pool: ConnectionPool) -> None:
        """Drop every idle connection: if one was found broken, the others likely are too (a server restart)."""
        try:
            pool.drain()
        except Exception:  # pragma: no cover - draining is an optimisation
            log.debug("draining the pool failed", exc_info=True)

    # -- messages (no glimmer text, no password) ------------------------------

    def _unavailable(self, what: str, exc: BaseException | None, reason: str | None = None) -> StorageUnavailable:
        reason = reason or _reason(exc, self.statement_timeout)
        reason = self._scrub(reason)
        log.warning("%s: %s failed: %s", self.description, what, reason)
        return StorageUnavailable(f"{self.description}: {reason}")

    def _cannot_connect(self, exc: psycopg.Error) -> str:
        reason = self._scrub(_libpq_reason(exc))
        lowered = reason.lower()
        if "password" in lowered or "authentication" in lowered or "pg_hba" in lowered or "role" in lowered:
            advice = "check the user and password in GLIMMERS_DATABASE_URL / --database-url"
            return f"{self.description} refused the login ({reason}); {advice}"
        if "database" in lowered and "does not exist" in lowered:
            return f"{self.description}: {reason}; create the database or {WHERE_TO_LOOK}"
        return f"cannot reach {self.description} ({reason}); {WHERE_TO_LOOK} and that the server is running"

    def _cannot_prepare(self, exc: psycopg.Error) -> str:
        reason = self._scrub(_libpq_reason(exc))
        advice = ""
        if isinstance(exc, errors.InsufficientPrivilege):
            advice = (
                "; let the user create tables in its schema (GRANT CREATE ON SCHEMA ...), or start once as the owner"
            )
        return f"cannot create or upgrade the glimmer tables in {self.description} ({reason}){advice}"

    def _scrub(self, text: str) -> str:
        if self._password and self._password in text:
            text = text.replace(self._password, "***")
        return text


# -- helpers ----------------------------------------------------------------


def _where(params: Mapping[str, Any]) -> str:
    """host:port/database from connection parameters (libpq's environment and defaults where absent)."""
    host = str(params.get("host") or params.get("hostaddr") or os.environ.get("PGHOST") or "localhost")
    port = str(params.get("port") or os.environ.get("PGPORT") or "5432")
    user = params.get("user") or os.environ.get("PGUSER")
    database = str(params.get("dbname") or os.environ.get("PGDATABASE") or user or "postgres")
    if host.startswith("/"):
        return f"{host} (socket, port {port})/{database}"
    return f"{host}:{port}/{database}"


def _set_session(conn: psycopg.Connection, statement_timeout: float, idle_timeout: float) -> None:
    conn.execute(
        "SELECT set_config('statement_timeout', %s, false),"
        " set_config('idle_in_transaction_session_timeout', %s, false),"
        " set_config('TimeZone', 'UTC', false)",
        (_milliseconds(statement_timeout), _milliseconds(idle_timeout)),
    )


def _milliseconds(seconds: float) -> str:
    return f"{round(seconds * 1000)}ms"


def _schema_version(conn: psycopg.Connection, create: bool) -> int | None:
    """The schema's version (0 when there are no glimmer tables yet), under the caller's transaction."""
    if _scalar(conn.execute("SELECT to_regclass('schema_version') IS NOT NULL")):
        return _scalar(conn.execute("SELECT coalesce(max(version), 0) FROM schema_version"))
    if create:
        conn.execute(
            "CREATE TABLE schema_version (version integer PRIMARY KEY, description text NOT NULL,"
            " applied_at timestamptz NOT NULL DEFAULT now())"
        )
    return 0


def _drop_glimmer_keys(conn: psycopg.Connection) -> list[sql.Composable]:
    """Drop the glimmers table's keys and indexes (as the catalog has them); the statements that make them again.

    Nothing is dropped, and nothing returned, when the user may not (it does not own the table).
    """
    constraints = conn.execute(
        """
        SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
        WHERE conrelid = 'glimmers'::regclass AND contype IN ('p', 'u', 'f')
        ORDER BY CASE contype WHEN 'p' THEN 0 WHEN 'u' THEN 1 ELSE 2 END, conname
        """
    ).fetchall()
    indexes = conn.execute(
        """
        SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index AS i JOIN pg_class AS c ON c.oid = i.indexrelid
        WHERE i.indrelid = 'glimmers'::regclass
          AND NOT EXISTS (SELECT 1 FROM pg_constraint AS k WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid)
        ORDER BY c.relname
        """
    ).fetchall()
    try:
        with conn.transaction():  # a savepoint: a user that may not drop them loses nothing
            for name, _ in indexes:
                conn.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
            for name, _ in reversed(constraints):
                conn.execute(sql.SQL("ALTER TABLE glimmers DROP CONSTRAINT {}").format(sql.Identifier(name)))
    except errors.InsufficientPrivilege:
        return []
    return [
        *(
            sql.SQL("ALTER TABLE glimmers ADD CONSTRAINT {} ").format(sql.Identifier(name)) + sql.SQL(definition)
            for name, definition in constraints
        ),
        *(sql.SQL(definition) for _, definition in indexes),
    ]


def _batches(items: Iterator[T], size: int) -> Iterator[list[T]]:
    while batch := list(itertools.islice(items, size)):
        yield batch


def _journal_params(ref: JournalRef) -> dict[str, Any]:
    return {"account": ref.account, "journal": ref.journal}


def _between(params: dict[str, Any], between: tuple[datetime, datetime] | None) -> str:
    if between is None:
        return ""
    params["start"], params["end"] = _aware(between[0]), _aware(between[1])
    return " AND created_at >= %(start)s AND created_at < %(end)s"


def _aware(moment: datetime) -> datetime:
    """A moment in UTC; one without a zone is taken to be UTC already (as ``parse_timestamp`` does)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def _like_escape(text: str) -> str:
    """Text for a LIKE pattern that matches only itself (backslash is LIKE's escape character)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _utc_or_none(moment: datetime | None) -> datetime | None:
    return None if moment is None else moment.astimezone(timezone.utc)


def _zone_name(zone: tzinfo) -> str | None:
    if isinstance(zone, ZoneInfo) and zone.key:
        return zone.key
    if zone is timezone.utc:
        return "UTC"
    return None


def _fixed_offset(zone: tzinfo) -> float | None:
    """The offset in seconds of a zone whose offset never changes (``datetime.timezone``), else None."""
    if isinstance(zone, timezone):
        offset = zone.utcoffset(None)
        return offset.total_seconds() if offset is not None else None
    return None


def _meta_changes(changes: Mapping[str, Any]) -> dict[str, Any]:
    """SQL_UPDATE_META's parameters for changes as ``update_meta`` takes them (None removes a key)."""
    return {
        "set": Jsonb({name: value for name, value in changes.items() if value is not None}),
        "remove": [name for name, value in changes.items() if value is None],
    }


def _glimmer(row: tuple[Any, ...]) -> Glimmer:
    return Glimmer(id=row[0], text=row[1], created_at=row[2].astimezone(timezone.utc), locale=row[3] or "")


def _glimmer_or_none(cursor: psycopg.Cursor) -> Glimmer | None:
    row = cursor.fetchone()
    return None if row is None else _glimmer(row)


def _scalar(cursor: psycopg.Cursor) -> Any:
    row = cursor.fetchone()
    return None if row is None else row[0]


def _meta_dict(meta: Any) -> dict[str, Any]:
    return dict(meta) if isinstance(meta, dict) else {}


def _check_text(value: str, name: str) -> None:
    """PostgreSQL text holds any Unicode but NUL; say so without quoting the text."""
    if not isinstance(value, str):
        raise InvalidRecord(f"has a {name} that is not a string")
    if "\x00" in value:
        raise InvalidRecord(f"has a {name} with a NUL character, which PostgreSQL cannot store")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidRecord(f"has a {name} that is not valid Unicode (a lone surrogate)") from None


def _reason(exc: BaseException | None, statement_timeout: float) -> str:
    """Why a statement failed, in a few words: a condition name, never a server message (which may quote data)."""
    if exc is None:
        return "unavailable"
    if isinstance(exc, errors.QueryCanceled):
        return f"the database did not answer within {statement_timeout:g} s (statement timeout)"
    sqlstate = getattr(exc, "sqlstate", None)
    if sqlstate:
        name = re.sub(r"(?<!^)(?=[A-Z])", " ", type(exc).__name__).lower()
        return f"{name} (SQLSTATE {sqlstate})"
    return _libpq_reason(exc)


def _libpq_reason(exc: BaseException) -> str:
    """The gist of a libpq or server message: its last ``failed:`` clause, one line, no hint lines."""
    text = str(exc).strip()
    diag = getattr(exc, "diag", None)
    primary = getattr(diag, "message_primary", None) if diag is not None else None
    if primary:
        text = primary
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    # libpq's "Is the server running ..." hints and psycopg's multi-attempt headers are noise here.
    useful = [
        line
        for line in lines
        if not line.startswith(("Is the server running", "Multiple connection attempts failed", "All failures were"))
    ]
    line = (useful or lines or ["unknown error"])[-1]
    line = line.split("failed: ")[-1] if "failed: " in line else line
    line = re.sub(r"^(FATAL|ERROR):\s+", "", line).strip()
    if line and line[0].isupper() and not line[:2].isupper():
        line = line[0].lower() + line[1:]
    return line[:200] or "unknown error"


__all__ = ["MIGRATIONS", "SCHEMA_LOCK", "SCHEMA_VERSION", "PostgresStore"]
