"""The PostgreSQL engine on a real server: schema, concurrency, faults, privacy (tests/postgres.py starts one).

What every engine must do is in test_contract.py; this is what only the
PostgreSQL engine has to get right.
"""

from __future__ import annotations

import logging
import os
import random
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
import pytest
from dateutil import tz as dateutil_tz
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

import skill.storage.postgres as engine
from postgres import CuttableProxy, scratch_database  # postgres_url, postgres_store: see conftest.py
from skill.storage import open_store
from skill.storage.contract import (
    Glimmer,
    InvalidRecord,
    JournalKey,
    JournalStore,
    StorageUnavailable,
    encode_cursor,
    hash_id,
)
from skill.storage.postgres import MIGRATIONS, SCHEMA_VERSION, PostgresStore

NOW = datetime(2026, 11, 30, 21, 45, 12, 345678, tzinfo=timezone.utc)
RAW_USER = "amzn1.ask.account.RAWUSERID0123456789"
RAW_PERSON = "amzn1.ask.person.RAWPERSONID0123456789"
RAW_REQUEST = "amzn1.echo-api.request.RAWREQUESTID0123"
ALICE = JournalKey(RAW_USER)
ALICE_CAROL = JournalKey(RAW_USER, RAW_PERSON)
BOB = JournalKey("amzn1.ask.account.BOB")
BOB_CAROL = JournalKey("amzn1.ask.account.BOB", RAW_PERSON)  # the same person ID in another account
SECRET_TEXT = "my secret glimmer about the blue heron"
FAULT_LIMIT = 2.0  # seconds within which every request-path method must give up


def connect(url: str) -> psycopg.Connection:
    return psycopg.connect(url, autocommit=True, connect_timeout=10)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def password_of(url: str) -> str:
    return str(conninfo_to_dict(url).get("password") or "")


# -- the schema ---------------------------------------------------------------


def test_open_creates_the_schema_and_records_its_version(postgres_url):
    with scratch_database(postgres_url) as url:
        PostgresStore(url).open()
        with connect(url) as conn:
            versions = [row[0] for row in conn.execute("SELECT version FROM schema_version ORDER BY version")]
            assert versions == [number for number, _, _ in MIGRATIONS] and versions[-1] == SCHEMA_VERSION
            tables = {row[0] for row in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
            assert {"journals", "glimmers", "health", "schema_version"} <= tables
            # Every journal table is keyed first by the account hash (what Citus would distribute on).
            for table in ("journals", "glimmers"):
                first = conn.execute(
                    """
                    SELECT a.attname FROM pg_index i
                    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
                    WHERE i.indrelid = %s::regclass AND i.indisprimary
                    """,
                    (table,),
                ).fetchone()[0]
                assert first == "account"
            indexes = {
                name: definition
                for name, definition in conn.execute(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'glimmers'"
                )
            }
            assert "(account, journal, created_at, id)" in indexes["glimmers_by_time"]
            by_request = indexes["glimmers_by_request"]
            assert "UNIQUE" in by_request and "request_id IS NOT NULL" in by_request


def test_open_twice_changes_nothing(postgres_url):
    with scratch_database(postgres_url) as url:
        store = PostgresStore(url)
        store.open()
        store.add(ALICE, "kept", "en-US", NOW)
        store.open()
        assert [g.text for g in store.glimmers(ALICE)] == ["kept"]
        with connect(url) as conn:
            assert conn.execute("SELECT count(*) FROM schema_version").fetchone()[0] == len(MIGRATIONS)
        store.close()


def test_instances_starting_at_the_same_moment_create_the_schema_once(postgres_url):
    with scratch_database(postgres_url) as url:
        # Four processes and four threads open the same empty database at once.
        code = "import sys; from skill.storage.postgres import PostgresStore; PostgresStore(sys.argv[1]).open()"
        processes = [subprocess.Popen([sys.executable, "-c", code, url]) for _ in range(4)]
        errors: list[BaseException] = []
        start = threading.Barrier(4)

        def open_store_now() -> None:
            start.wait()
            try:
                PostgresStore(url).open()
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=open_store_now) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert [p.wait(timeout=60) for p in processes] == [0, 0, 0, 0]
        assert errors == []
        with connect(url) as conn:
            assert [r[0] for r in conn.execute("SELECT version FROM schema_version ORDER BY 1")] == [
                n for n, _, _ in MIGRATIONS
            ]


def test_a_schema_newer_than_the_code_is_a_clear_error(postgres_url):
    with scratch_database(postgres_url) as url:
        store = PostgresStore(url)
        store.open()
        with connect(url) as conn:
            conn.execute(
                "INSERT INTO schema_version (version, description) VALUES (%s, 'from the future')",
                (SCHEMA_VERSION + 1,),
            )
        with pytest.raises(StorageUnavailable, match="upgrade glimmer-journal") as caught:
            store.open()
        assert "\n" not in str(caught.value)
        report = store.check()
        assert not report.healthy
        assert any("upgrade glimmer-journal" in f.message for f in report.problems)
        store.close()


def test_check_reports_a_database_without_the_tables(postgres_url):
    with scratch_database(postgres_url) as url:
        store = PostgresStore(url)
        report = store.check()
        assert [f.where for f in report.problems] == ["schema"]
        with pytest.raises(StorageUnavailable):  # a request before open(): unavailable, not a crash
            store.count(ALICE)
        store.close()


# -- connecting ---------------------------------------------------------------


def test_an_unreachable_database_at_open_says_what_to_check_in_one_line(postgres_url):
    port = free_port()
    url = f"postgresql://glimmers:s3cret-pa55@127.0.0.1:{port}/glimmers"
    started = time.monotonic()
    with pytest.raises(StorageUnavailable) as caught:
        PostgresStore(url).open()
    assert time.monotonic() - started < 5
    message = str(caught.value)
    assert "\n" not in message
    assert f"127.0.0.1:{port}/glimmers" in message and "connection refused" in message.lower()
    assert "GLIMMERS_DATABASE_URL" in message and "--database-url" in message
    assert "s3cret-pa55" not in message


def test_a_wrong_password_at_open_is_named_without_the_password(postgres_url):
    params = conninfo_to_dict(postgres_url)
    url = f"postgresql://{params['user']}:Wr0ng-pa55word@{params['host']}:{params['port']}/{params['dbname']}"
    with pytest.raises(StorageUnavailable) as caught:
        PostgresStore(url).open()
    message = str(caught.value)
    assert "\n" not in message and "Wr0ng-pa55word" not in message
    assert "password" in message and "GLIMMERS_DATABASE_URL" in message


def test_nothing_connects_before_first_use_and_urls_are_described_without_passwords(postgres_url):
    store = open_store(database_url="postgresql://someone:hunter2@db.example:6543/journal")
    assert isinstance(store, PostgresStore) and isinstance(store, JournalStore)
    assert store.description == "PostgreSQL at db.example:6543/journal"
    assert "hunter2" not in repr(store)
    assert store._state is None  # no pool until a method needs one
    conninfo = PostgresStore("host=db.example port=6543 dbname=journal user=someone password=hunter2")
    assert conninfo.description == "PostgreSQL at db.example:6543/journal"
    with pytest.raises(ValueError):
        PostgresStore("")


def test_requests_to_an_unreachable_database_fail_fast_without_the_password():
    url = f"postgresql://glimmers:s3cret-pa55@127.0.0.1:{free_port()}/glimmers"
    store = PostgresStore(url)
    for _ in range(2):
        started = time.monotonic()
        with pytest.raises(StorageUnavailable) as caught:
            store.add(ALICE, SECRET_TEXT, "en-US", NOW)
        assert time.monotonic() - started < FAULT_LIMIT
        assert "s3cret-pa55" not in str(caught.value) and SECRET_TEXT not in str(caught.value)
    store.close()


# -- saving -------------------------------------------------------------------


def test_add_is_idempotent_by_request_id(postgres_store):
    first = postgres_store.add(ALICE, "the first delivery", "en-US", NOW, request_id=RAW_REQUEST)
    later = NOW + timedelta(seconds=3)
    again = postgres_store.add(ALICE, "the second delivery", "en-US", later, request_id=RAW_REQUEST)
    assert again == first
    assert [g.text for g in postgres_store.glimmers(ALICE)] == ["the first delivery"]
    # The same request ID in another journal is another request.
    other = postgres_store.add(ALICE_CAROL, "carol's", "en-US", NOW, request_id=RAW_REQUEST)
    assert other.id != first.id and postgres_store.count(ALICE_CAROL) == 1


def test_concurrent_deliveries_of_one_request_save_one_row(postgres_url, postgres_store):
    stores = [postgres_store, PostgresStore(postgres_url)]  # two instances of the skill
    results: list[Glimmer] = []
    start = threading.Barrier(8)

    def deliver(n: int) -> None:
        start.wait()
        results.append(stores[n % 2].add(ALICE, f"delivery {n}", "en-US", NOW, request_id=RAW_REQUEST))

    threads = [threading.Thread(target=deliver, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 8 and len({g.id for g in results}) == 1
    assert postgres_store.count(ALICE) == 1
    stores[1].close()


def test_timestamps_round_trip_to_the_microsecond_in_utc(postgres_store):
    moment = datetime(2026, 7, 1, 23, 59, 59, 999999, tzinfo=ZoneInfo("America/New_York"))
    saved = postgres_store.add(ALICE, "late", "en-GB", moment)
    [read] = postgres_store.glimmers(ALICE)
    assert saved == read and read.created_at == moment
    assert read.created_at.utcoffset() == timedelta(0) and read.created_at.tzinfo is timezone.utc
    cursor = encode_cursor(read)
    assert postgres_store.page(ALICE, 5, cursor).glimmers == []


def test_text_postgresql_cannot_hold_is_refused_without_quoting_it(postgres_store):
    with pytest.raises(InvalidRecord) as caught:
        postgres_store.add(ALICE, "null \x00 " + SECRET_TEXT, "en-US", NOW)
    assert SECRET_TEXT not in str(caught.value)
    assert postgres_store.count(ALICE) == 0


def test_a_bad_cursor_is_a_value_error_before_any_query(postgres_store):
    with pytest.raises(ValueError):
        postgres_store.page(ALICE, 5, "not a cursor")
    with pytest.raises(ValueError):
        postgres_store.page(ALICE, 5, "99999-01-01T00:00:00Z~x")


def test_sample_makes_the_reference_choice(postgres_store):
    saved = [postgres_store.add(ALICE, f"moment {n}", "en-US", NOW + timedelta(minutes=n % 7)) for n in range(30)]
    oldest_first = sorted(saved, key=lambda g: g.sort_key)
    for seed in range(5):
        for k in (0, 1, 3, 30, 50):
            expected_rng = random.Random(seed)
            expected = [oldest_first[i] for i in expected_rng.sample(range(30), min(k, 30))]
            rng = random.Random(seed)
            assert postgres_store.sample(ALICE, k, rng) == expected
            assert rng.random() == expected_rng.random()  # the rng was used exactly as the reference uses it


def test_days_noted_in_every_kind_of_zone(postgres_store):
    moments = [NOW + timedelta(hours=h) for h in range(0, 200, 5)]
    for moment in moments:
        postgres_store.add(ALICE, "m", "en-US", moment)
    zones = [
        ZoneInfo("America/Los_Angeles"),
        ZoneInfo("Pacific/Kiritimati"),
        ZoneInfo("Asia/Kolkata"),
        timezone.utc,
        timezone(timedelta(hours=-9, minutes=-30)),
        timezone(timedelta(hours=13)),
        dateutil_tz.gettz("Europe/Berlin"),  # not a ZoneInfo: computed from the moments
    ]
    since = NOW + timedelta(hours=51)
    for zone in zones:
        expected = {m.astimezone(zone).date() for m in moments if m >= since}
        assert postgres_store.days_noted(ALICE, zone, since) == expected, zone
        assert postgres_store.days_noted(ALICE, zone) == {m.astimezone(zone).date() for m in moments}, zone


def test_remember_suggestion_keeps_the_last_under_concurrency(postgres_url, postgres_store):
    other = PostgresStore(postgres_url)
    start = threading.Barrier(10)

    def suggest(n: int) -> None:
        start.wait()
        (postgres_store if n % 2 else other).remember_suggestion(ALICE, f"s{n}", kept=20)

    threads = [threading.Thread(target=suggest, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(postgres_store.meta(ALICE)["recent_suggestions"]) == sorted(f"s{n}" for n in range(10))
    other.close()


def test_meta_that_is_not_an_object_reads_as_empty_and_is_reported(postgres_url, postgres_store):
    postgres_store.update_meta(ALICE, {"recent_suggestions": ["a"]})
    postgres_store.update_meta(BOB, {"recent_suggestions": [1, 2]})
    postgres_store.update_meta(ALICE_CAROL, {"recent_suggestions": ["a", "b"], "other": 1})
    with connect(postgres_url) as conn:
        conn.execute("UPDATE journals SET meta = '[1, 2]' WHERE account = %s", (ALICE.ref.account,))
        conn.execute("INSERT INTO journals (account, journal) VALUES ('not-a-hash', 'account')")
        conn.execute(
            "INSERT INTO glimmers (account, journal, id, text, created_at)"
            " VALUES ('not-a-hash', 'account', 'x', 'x', now())"
        )
    postgres_store.add(ALICE, "counted", "en-US", NOW)
    postgres_store.add(ALICE_CAROL, "counted", "en-US", NOW)
    assert postgres_store.meta(ALICE) == {}
    report = postgres_store.check()
    problems = {(f.where, f.message) for f in report.problems}
    assert any(where == ALICE.ref.name and "not an object" in message for where, message in problems)
    assert any(where == BOB.ref.name and "recent_suggestions" in message for where, message in problems)
    ignored = [(f.severity, f.where) for f in report.findings if "ignores" in f.message]
    assert ignored == [("note", "not-a-hash/account")]
    assert (report.accounts, report.journals, report.glimmers) == (2, 3, 2)
    with connect(postgres_url) as conn:
        conn.execute(
            "UPDATE journals SET meta = '{\"recent_suggestions\": \"x\"}' WHERE account = %s", (BOB.ref.account,)
        )
    assert any(f.where == BOB.ref.name and "recent_suggestions" in f.message for f in postgres_store.check().problems)
    assert postgres_store.update_meta(ALICE, {"x": 1}) == {"x": 1}  # writing replaces it with an object


def test_import_fills_only_what_is_missing_and_is_safe_to_repeat(postgres_store):
    ref = ALICE.ref
    glimmers = [Glimmer(f"id-{n}", f"text {n}", NOW + timedelta(minutes=n), "en-US" if n % 2 else "") for n in range(5)]
    outcome = postgres_store.import_journal(ref, glimmers + glimmers[:1], {"recent_suggestions": ["a"], "x": 1})
    assert (outcome.created, outcome.imported, outcome.skipped) == (True, 5, 1)
    postgres_store.update_meta(ALICE, {"x": 2})
    again = postgres_store.import_journal(ref, glimmers, {"x": 3, "y": 4})
    assert (again.created, again.imported, again.skipped) == (False, 0, 5)
    contents = postgres_store.contents(ref)
    assert contents.glimmers == glimmers and contents.meta == {"recent_suggestions": ["a"], "x": 2, "y": 4}
    empty = postgres_store.import_journal(BOB.ref, [], {})
    assert (empty.created, empty.imported, empty.skipped) == (True, 0, 0)
    assert [s.ref for s in postgres_store.journals()] == sorted([ref, BOB.ref], key=lambda r: (r.account, r.journal))


def test_journals_are_listed_in_batches_in_order(postgres_store, monkeypatch):
    monkeypatch.setattr(engine, "JOURNAL_BATCH", 3)
    keys = [JournalKey(f"user-{n}", None if n % 3 else f"person-{n}") for n in range(10)]
    for n, key in enumerate(keys):
        for m in range(n):
            postgres_store.add(key, "x", "en-US", NOW + timedelta(days=m))
        postgres_store.update_meta(key, {"n": n})
    summaries = list(postgres_store.journals())
    refs = [s.ref for s in summaries]
    assert refs == sorted((k.ref for k in keys), key=lambda r: (r.account, r.journal))
    by_ref = {s.ref: s for s in summaries}
    for n, key in enumerate(keys):
        summary = by_ref[key.ref]
        assert summary.glimmers == n
        assert summary.first_noted == (NOW if n else None)
        assert summary.last_noted == (NOW + timedelta(days=n - 1) if n else None)
    one = keys[4].ref.account
    assert [s.ref.account for s in postgres_store.journals(one)] == [one]


def test_check_available_writes_and_reads_back(postgres_url, postgres_store):
    postgres_store.check_available()
    with connect(postgres_url) as conn:
        assert conn.execute("SELECT count(*) FROM health").fetchone()[0] == 1
    with scratch_database(postgres_url) as url:
        store = PostgresStore(url)
        store.open()
        store.check_available()
        store.close()
        with connect(url) as conn:  # a database that can no longer be written is not available
            dbname = conninfo_to_dict(url)["dbname"]
            conn.execute(
                sql.SQL("ALTER DATABASE {} SET default_transaction_read_only = on").format(sql.Identifier(dbname))
            )
        with pytest.raises(StorageUnavailable, match="read only"):
            store.check_available()
        assert store.count(ALICE) == 0  # reading still works
        store.close()


# -- privacy ------------------------------------------------------------------


def _every_value(url: str) -> list[str]:
    """Every value of every column of every table in the database, as text."""
    values = []
    with connect(url) as conn:
        tables = [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        for table in tables:
            for row in conn.execute(sql.SQL("SELECT * FROM {}").format(sql.Identifier(table))):
                values.extend(str(value) for value in row)
    return values


def test_no_raw_alexa_id_is_stored(postgres_url, postgres_store):
    postgres_store.add(ALICE, "a", "en-US", NOW, request_id=RAW_REQUEST)
    postgres_store.add(ALICE_CAROL, "b", "en-US", NOW, request_id=RAW_REQUEST + "-2")
    postgres_store.remember_suggestion(ALICE_CAROL, "s1")
    postgres_store.update_meta(ALICE, {"flag": True})
    postgres_store.check_available()
    values = _every_value(postgres_url)
    assert values
    for raw in (RAW_USER, RAW_PERSON, RAW_REQUEST, "RAWUSERID", "RAWPERSONID", "RAWREQUESTID"):
        assert not any(raw in value for value in values), raw
    assert hash_id(RAW_REQUEST) in values and ALICE.ref.account in values and ALICE_CAROL.ref.journal in values


def test_nothing_leaks_between_accounts(postgres_store):
    """The same person ID in two accounts names two journals; every request method sees only its own."""
    for key in (ALICE, ALICE_CAROL, BOB, BOB_CAROL):
        postgres_store.add(key, f"{key.ref.name} text", "en-US", NOW, request_id="same-request")
        postgres_store.remember_suggestion(key, f"{key.ref.name} suggestion")
    assert ALICE_CAROL.ref.journal == BOB_CAROL.ref.journal and ALICE_CAROL.ref != BOB_CAROL.ref
    for key in (ALICE, ALICE_CAROL, BOB, BOB_CAROL):
        mine = f"{key.ref.name} text"
        assert [g.text for g in postgres_store.glimmers(key)] == [mine]
        assert [g.text for g in postgres_store.page(key, 10).glimmers] == [mine]
        assert [g.text for g in postgres_store.sample(key, 10, random.Random(1))] == [mine]
        assert postgres_store.count(key) == 1 and len(postgres_store.days_noted(key, timezone.utc)) == 1
        assert postgres_store.meta(key) == {"recent_suggestions": [f"{key.ref.name} suggestion"]}
    # Another account's glimmer id changes nothing here.
    [bobs] = postgres_store.glimmers(BOB_CAROL)
    assert postgres_store.replace(ALICE_CAROL, bobs.id, "stolen") is None
    assert postgres_store.delete(ALICE_CAROL, bobs.id) is None
    assert postgres_store.delete_journal(ALICE_CAROL) == 1
    assert postgres_store.glimmers(BOB_CAROL) == [bobs]
    assert postgres_store.delete_account(RAW_USER) == 1  # ALICE's own journal (Carol's was deleted)
    assert postgres_store.count(BOB) == 1 and postgres_store.count(BOB_CAROL) == 1


class _Recorder:
    """Every statement psycopg sends, with its parameters (observing the real driver, not replacing it)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch):
        self.statements: list[tuple[str, Any]] = []
        original = psycopg.Cursor.execute
        recorder = self

        def execute(cursor: psycopg.Cursor, query: Any, params: Any = None, **kwargs: Any) -> Any:
            text = query.as_string(cursor) if isinstance(query, sql.Composable) else str(query)
            recorder.statements.append((" ".join(text.split()), params))
            return original(cursor, query, params, **kwargs)

        monkeypatch.setattr(psycopg.Cursor, "execute", execute)


SCOPED = re.compile(r"WHERE (\w+\.)?account = %\(account\)s")
TABLE_USE = re.compile(r"\b(FROM|UPDATE)\s+(glimmers|journals)\b")


def _request_methods(store: PostgresStore, key: JournalKey, glimmer_id: str) -> dict[str, Callable[[], Any]]:
    return {
        "page": lambda: store.page(key, 2),
        "page after": lambda: store.page(key, 2, encode_cursor(Glimmer("z", "", NOW, ""))),
        "page between": lambda: store.page(key, 2, between=(NOW, NOW + timedelta(days=1))),
        "glimmers": lambda: store.glimmers(key, between=(NOW, NOW + timedelta(days=1))),
        "search": lambda: store.search(key, ["xylophone", "ünïcode"], 2),
        "search after": lambda: store.search(key, ["xylophone"], 2, encode_cursor(Glimmer("z", "", NOW, ""))),
        "count": lambda: store.count(key),
        "days_noted": lambda: store.days_noted(key, ZoneInfo("Europe/Paris"), NOW),
        "days_noted offset": lambda: store.days_noted(key, timezone(timedelta(hours=3))),
        "days_noted other": lambda: store.days_noted(key, dateutil_tz.gettz("Europe/Paris")),
        "sample": lambda: store.sample(key, 2, random.Random(3)),
        "meta": lambda: store.meta(key),
        "add": lambda: store.add(key, "t", "en-US", NOW),
        "add again": lambda: [store.add(key, "t", "en-US", NOW, request_id="r") for _ in range(2)],
        "replace": lambda: store.replace(key, glimmer_id, "new"),
        "update_meta": lambda: store.update_meta(key, {"a": 1, "b": None}),
        "remember_suggestion": lambda: store.remember_suggestion(key, "s"),
        "remember_suggestion new journal": lambda: store.remember_suggestion(JournalKey(key.user_id, "new"), "s"),
        "delete": lambda: store.delete(key, glimmer_id),
        "delete_journal": lambda: store.delete_journal(key),
        "delete_account": lambda: store.delete_account(key.user_id),
    }


def test_every_request_statement_names_one_account(postgres_store, monkeypatch):
    glimmer = postgres_store.add(ALICE_CAROL, "x", "en-US", NOW)
    postgres_store.add(BOB, "y", "en-US", NOW)
    recorder = _Recorder(monkeypatch)
    for name, method in _request_methods(postgres_store, ALICE_CAROL, glimmer.id).items():
        recorder.statements.clear()
        method()
        statements = [
            (text, params)
            for text, params in recorder.statements
            if text and not text.startswith(("SELECT set_config(", "SET TRANSACTION"))
        ]
        assert statements, name
        for text, params in statements:
            assert isinstance(params, dict) and params.get("account") == ALICE_CAROL.ref.account, (name, text)
            uses = list(TABLE_USE.finditer(text))
            for n, use in enumerate(uses):
                segment = text[use.start() : uses[n + 1].start() if n + 1 < len(uses) else len(text)]
                assert SCOPED.search(segment), (name, text)
            if text.startswith(("INSERT", "WITH")):
                assert "%(account)s" in text
    assert postgres_store.count(BOB) == 1


def test_the_module_request_statements_name_one_account():
    """Every request-path statement in the module, whether or not a test above ran it."""
    operator = {"SQL_JOURNAL_SUMMARIES", "SQL_HEALTH_PROBE", "SQL_SOUND_NAMES"}
    names = [name for name in dir(engine) if name.startswith("SQL_") and name not in operator]
    assert len(names) > 15
    for name in names:
        text = " ".join(getattr(engine, name).split())
        if name == "SQL_ADD_ON_CONFLICT":
            continue
        assert "%(account)s" in text, name
        uses = list(TABLE_USE.finditer(text))
        for n, use in enumerate(uses):
            segment = text[use.start() : uses[n + 1].start() if n + 1 < len(uses) else len(text)]
            assert SCOPED.search(segment), name


def test_glimmer_text_never_reaches_logs_or_messages(postgres_url, caplog):
    caplog.set_level(logging.DEBUG)
    with CuttableProxy(postgres_url) as proxy:
        store = PostgresStore(proxy.url, checkout_timeout=0.3)
        saved = store.add(ALICE, SECRET_TEXT, "en-US", NOW, request_id=RAW_REQUEST)
        store.replace(ALICE, saved.id, SECRET_TEXT + " again")
        proxy.cut()
        messages = []
        for call in (
            lambda: store.add(ALICE, SECRET_TEXT, "en-US", NOW, request_id=RAW_REQUEST),
            lambda: store.replace(ALICE, saved.id, SECRET_TEXT),
            lambda: store.add(ALICE, SECRET_TEXT, "en-US", NOW),
        ):
            with pytest.raises(StorageUnavailable) as caught:
                call()
            messages.append(str(caught.value))
        store.close()
    logged = [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO]
    assert logged  # the failures were logged
    for text in messages + logged:
        assert "heron" not in text and RAW_REQUEST not in text and RAW_USER not in text
        assert password_of(postgres_url) not in text or not password_of(postgres_url)


# -- faults: the database goes away while serving ----------------------------------


@pytest.fixture
def proxied(postgres_url, postgres_store) -> Iterator[tuple[CuttableProxy, PostgresStore]]:
    """A store whose every connection goes through a proxy the test can cut.

    Shorter timeouts than the defaults keep these tests quick;
    ``test_the_default_timeouts_give_up_within_two_seconds`` checks the defaults.
    """
    with CuttableProxy(postgres_url) as proxy:
        store = PostgresStore(
            proxy.url, pool_size=4, checkout_timeout=0.3, operation_timeout=0.8, reconnect_timeout=1.0
        )
        yield proxy, store
        store.close()


def _all_request_methods(store: PostgresStore) -> dict[str, Callable[[], Any]]:
    methods = _request_methods(store, ALICE, "some-id")
    methods["check_available"] = store.check_available
    return methods


def _works(store: PostgresStore) -> None:
    store.add(ALICE, "after", "en-US", NOW, request_id="after")
    assert store.count(ALICE) >= 1
    store.check_available()


def _wait_until_working(store: PostgresStore, within: float) -> float:
    started = time.monotonic()
    while True:
        try:
            _works(store)
            return time.monotonic() - started
        except StorageUnavailable:
            if time.monotonic() - started > within:
                raise
            time.sleep(0.1)


def _assert_every_method_fails_fast(store: PostgresStore) -> None:
    for name, method in _all_request_methods(store).items():
        started = time.monotonic()
        with pytest.raises(StorageUnavailable) as caught:
            method()
        took = time.monotonic() - started
        assert took < FAULT_LIMIT, (name, took)
        assert "\n" not in str(caught.value)


def test_cutting_the_database_makes_every_method_fail_fast_then_recover(proxied):
    proxy, store = proxied
    _works(store)
    proxy.cut()
    _assert_every_method_fails_fast(store)
    with pytest.raises(StorageUnavailable):  # operator methods too (they wait longer for a connection)
        list(store.journals())
    proxy.restore()
    assert _wait_until_working(store, within=5) < 5
    _works(store)


def test_a_database_that_stops_answering_fails_fast_then_recovers(proxied):
    """Connections stay open but nothing comes back (a stopped server, a proxy whose backend is gone)."""
    proxy, store = proxied
    _works(store)
    proxy.freeze()
    _assert_every_method_fails_fast(store)
    proxy.restore()
    assert _wait_until_working(store, within=5) < 5


@pytest.mark.parametrize("fault", ["cut", "freeze"])
def test_the_default_timeouts_give_up_within_two_seconds(postgres_url, postgres_store, fault):
    with CuttableProxy(postgres_url) as proxy:
        store = PostgresStore(proxy.url)
        _works(store)
        getattr(proxy, fault)()
        for method in (lambda: store.count(ALICE), lambda: store.add(ALICE, "x", "en-US", NOW), store.check_available):
            started = time.monotonic()
            with pytest.raises(StorageUnavailable):
                method()
            assert time.monotonic() - started < FAULT_LIMIT
        proxy.restore()
        assert _wait_until_working(store, within=5) < 5
        store.close()


def test_an_outage_longer_than_the_pool_retries_recovers_by_itself(proxied):
    proxy, store = proxied
    _works(store)
    proxy.cut()
    ends = time.monotonic() + store.reconnect_timeout + 1.5  # the pool gives up on its reconnection attempts
    while time.monotonic() < ends:
        with pytest.raises(StorageUnavailable):
            store.count(ALICE)
        time.sleep(0.2)
    proxy.restore()
    assert _wait_until_working(store, within=5) < 5


def test_a_restarted_server_costs_no_request(proxied):
    """Pooled connections all broke at once (a restart): the first request retries on a fresh one and succeeds."""
    proxy, store = proxied
    _works(store)
    proxy.cut()
    proxy.restore()
    store.add(ALICE, "right after", "en-US", NOW, request_id="right-after")
    assert store.count(ALICE) == 2
    store.delete_journal(BOB)  # not idempotent: checks its connection first
    proxy.cut()
    proxy.restore()
    assert store.delete(ALICE, "nothing") is None


def test_a_slow_statement_is_cancelled_by_the_server(postgres_url, postgres_store):
    postgres_store.remember_suggestion(ALICE, "s0")
    with connect(postgres_url) as blocker:
        with blocker.transaction():
            blocker.execute("SELECT * FROM journals WHERE account = %s FOR UPDATE", (ALICE.ref.account,))
            started = time.monotonic()
            with pytest.raises(StorageUnavailable, match="statement timeout"):
                postgres_store.remember_suggestion(ALICE, "s1")
            assert time.monotonic() - started < FAULT_LIMIT
    postgres_store.remember_suggestion(ALICE, "s1")
    assert postgres_store.meta(ALICE)["recent_suggestions"] == ["s0", "s1"]


def test_close_releases_connections_and_the_store_opens_a_new_pool(postgres_store):
    postgres_store.add(ALICE, "a", "en-US", NOW)
    first = postgres_store._state.pool
    postgres_store.close()
    assert first.closed and postgres_store._state is None
    assert postgres_store.count(ALICE) == 1
    assert postgres_store._state.pool is not first


# -- processes ---------------------------------------------------------------


def _backends(url: str) -> set[int]:
    with connect(url) as conn:
        return {
            row[0]
            for row in conn.execute(
                "SELECT pid FROM pg_stat_activity"
                " WHERE application_name = 'glimmer-journal' AND pid <> pg_backend_pid()"
            )
        }


def test_a_forked_worker_opens_its_own_pool_and_leaves_the_parents_alone(postgres_url, postgres_store, caplog):
    caplog.set_level(logging.WARNING)
    postgres_store.add(ALICE, "parent", "en-US", NOW)  # the parent's pool is open and holds a connection
    parent_pool = postgres_store._state.pool
    parents = _backends(postgres_url)
    assert parents
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: a worker forked after the parent used the store
        code = 1
        try:
            os.close(read)
            postgres_store.add(ALICE, "child", "en-US", NOW + timedelta(seconds=1), request_id="child")
            fresh = postgres_store._state.pool is not parent_pool and postgres_store._state.pid == os.getpid()
            ok = fresh and postgres_store.count(ALICE) == 2
            postgres_store.close()  # closes the child's pool only
            os.write(write, b"ok" if ok else b"wrong pool")
            code = 0
        except BaseException as exc:  # pragma: no cover - reported through the pipe
            os.write(write, repr(exc).encode()[:500])
        finally:
            os._exit(code)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        report = pipe.read().decode()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0 and report == "ok", report
    # The parent's connections survived the child's life and exit, and serve without a retry.
    assert parents <= _backends(postgres_url)
    assert postgres_store._state.pool is parent_pool
    assert [g.text for g in postgres_store.glimmers(ALICE)] == ["parent", "child"]
    assert not [r for r in caplog.records if "lost" in r.getMessage()]


def test_a_store_made_before_the_fork_is_opened_in_each_worker(postgres_url, postgres_store):
    """As a server that forks workers after create_app: nothing connects before first use."""
    store = PostgresStore(postgres_url)
    store.open()
    assert store._state is None
    pids = []
    for n in range(3):
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                store.add(JournalKey(f"worker-{n}"), "hello", "en-US", NOW)
                code = 0 if store._state.pid == os.getpid() else 2
                store.close()
            finally:
                os._exit(code)
        pids.append(pid)
    assert [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in pids] == [0, 0, 0]
    assert store._state is None
    assert sum(1 for _ in store.journals()) == 3
    store.close()


def test_bulk_load_fills_an_empty_store_and_refuses_a_full_one(postgres_store):
    journals = [
        (
            JournalKey(f"user-{n}").ref,
            [Glimmer(f"g{n}-{m}", f"text {m}", NOW + timedelta(minutes=m), "en-US") for m in range(n)],
            {"n": n},
        )
        for n in range(5)
    ]
    postgres_store.bulk_load(iter(journals))
    assert [(s.ref, s.glimmers) for s in postgres_store.journals()] == sorted(
        ((ref, len(glimmers)) for ref, glimmers, _ in journals), key=lambda item: (item[0].account, item[0].journal)
    )
    assert postgres_store.contents(journals[3][0]).glimmers == journals[3][1]
    assert postgres_store.contents(journals[3][0]).meta == {"n": 3}
    with pytest.raises(FileExistsError):
        postgres_store.bulk_load(journals[:1])
