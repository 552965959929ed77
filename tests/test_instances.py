"""Several instances on one PostgreSQL, through the real ``glimmers serve``; faults; moving between engines.

These need a real PostgreSQL (tests/postgres.py starts a throwaway one, or
they are skipped saying how to run them).
"""

from __future__ import annotations

import collections
import json
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import load_request
from postgres import CuttableProxy, empty_tables
from servers import GLIMMERS, Server, free_port
from skill import create_app
from skill.storage import JournalKey, TinyDBStore
from skill.storage.postgres import PostgresStore
from test_durability import MOMENT, read_everything_over_http, speech_of

ALICE = "amzn1.ask.account.ALICE"
BOB = "amzn1.ask.account.BOB"
CLIENTS = 8
RECORDS_PER_CLIENT = 20


@pytest.fixture
def database(postgres_url: str) -> str:
    """The test database, emptied (its schema made by whoever opens it first)."""
    store = PostgresStore(postgres_url)
    store.open()
    store.close()
    empty_tables(postgres_url)
    return postgres_url


def glimmers_command(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([GLIMMERS, *args], input=stdin, capture_output=True, timeout=120)


# -- two instances, one journal -----------------------------------------------


def test_a_glimmer_recorded_through_one_instance_is_read_back_through_the_other_at_once(database):
    servers = [Server("--dev", "--database-url", database) for _ in range(2)]
    try:
        for n in range(6):
            writer, reader = servers[n % 2], servers[(n + 1) % 2]
            status, body, _ = writer.post(load_request("record_glimmer", glimmer=f"moment t99 n{n:02d}", user=ALICE))
            assert status == 200 and f"moment t99 n{n:02d}" in speech_of(body)
            heard = read_everything_over_http(reader, ALICE)
            assert heard[0] == f"moment t99 n{n:02d}" and len(heard) == n + 1
        # The same request delivered again, to the other instance (a proxy retrying): saved once.
        again = load_request("record_glimmer", glimmer="moment t98 n00", user=BOB)
        for server in servers:
            status, body, _ = server.post(again)
            assert status == 200 and "moment t98 n00" in speech_of(body)
        assert read_everything_over_http(servers[0], BOB) == ["moment t98 n00"]
    finally:
        logs = [server.stop() for server in servers]
    for log in logs:
        assert "Traceback" not in log, log[-2000:]


def test_an_instance_killed_mid_stream_loses_no_acknowledged_glimmer_and_a_retry_saves_once(database):
    """Clients record through two instances; one is SIGKILLed; clients retry what failed on the other.

    Every glimmer acknowledged is kept; every glimmer is kept exactly once,
    even when the killed instance saved it before dying and the retry (the
    same request, the same request ID) reached the survivor.
    """
    survivor = Server("--dev", "--database-url", database, "--threads", "8")
    doomed = Server("--dev", "--database-url", database, "--threads", "8")
    expected: dict[str, list[str]] = collections.defaultdict(list)
    acknowledged: list[str] = []
    failures: list[str] = []
    retried = 0
    lock = threading.Lock()
    start = threading.Barrier(CLIENTS + 1)
    rng = random.Random(11)
    plans = []
    for client in range(CLIENTS):
        plan = []
        for n in range(RECORDS_PER_CLIENT):
            user = rng.choice([ALICE, BOB, f"amzn1.ask.account.CLIENT{client}"])
            text = f"moment t{client:02d} n{n:02d}"
            expected[user].append(text)
            plan.append((user, text))
        plans.append(plan)

    def record(client: int, plan: list) -> None:
        nonlocal retried
        start.wait(timeout=30)
        for n, (user, text) in enumerate(plan):
            envelope = load_request("record_glimmer", glimmer=text, user=user)
            first = doomed if (client + n) % 2 else survivor
            for server in (first, survivor):  # a proxy would retry on the other instance
                try:
                    status, body, _ = server.post(envelope)
                except OSError:
                    with lock:
                        retried += 1
                    continue
                if status == 200 and text in speech_of(body):
                    with lock:
                        acknowledged.append(text)
                    break
                failures.append(f"{text}: {status} {speech_of(body)}")
                break
            time.sleep(0.01)

    clients = [threading.Thread(target=record, args=(c, plan)) for c, plan in enumerate(plans)]
    try:
        for client in clients:
            client.start()
        start.wait(timeout=30)
        deadline = time.monotonic() + 30
        while len(acknowledged) < CLIENTS * RECORDS_PER_CLIENT // 3 and time.monotonic() < deadline:
            time.sleep(0.005)
        doomed.process.send_signal(signal.SIGKILL)
        for client in clients:
            client.join(timeout=120)
        assert not failures, failures[:5]
        assert retried > 0, "the kill happened after every request: the test proved nothing"
        assert len(acknowledged) == CLIENTS * RECORDS_PER_CLIENT

        store = PostgresStore(database)
        try:
            for user, texts in expected.items():
                saved = collections.Counter(g.text for g in store.glimmers(JournalKey(user)))
                assert saved == collections.Counter(texts), user
        finally:
            store.close()
        heard = read_everything_over_http(survivor, ALICE)
        assert collections.Counter(heard) == collections.Counter(expected[ALICE])
    finally:
        survivor.stop()
        doomed.stop()


# -- faults ---------------------------------------------------------------------


def test_the_database_going_away_gets_kind_answers_quickly_healthz_503_and_recovery_by_itself(postgres_url, tmp_path):
    with CuttableProxy(postgres_url) as proxy:
        app = create_app({"DATABASE_URL": proxy.url, "VERIFY_REQUESTS": False, "RANDOM": random.Random(3)})
        empty_tables(postgres_url)
        client = app.test_client()

        def say(name: str, **changes) -> tuple[str, float]:
            started = time.monotonic()
            response = client.post("/alexa", json=load_request(name, user=ALICE, **changes))
            assert response.status_code == 200, response.get_data(as_text=True)
            return speech_of(response.get_json()), time.monotonic() - started

        assert "the first frost" in say("record_glimmer", glimmer="the first frost")[0]
        assert client.get("/healthz").status_code == 200

        proxy.cut()
        for name, changes, words in [
            ("record_glimmer", {"glimmer": "lost to the outage"}, "couldn't save that just now"),
            ("read_glimmers", {}, "just now"),
            ("count_glimmers", {}, "just now"),
            ("streak", {}, "just now"),
        ]:
            speech, took = say(name, **changes)
            assert words in speech, (name, speech)
            assert took < 2.0, (name, took)
        started = time.monotonic()
        health = client.get("/healthz")
        assert health.status_code == 503 and health.get_json()["status"] == "unavailable"
        assert time.monotonic() - started < 2.0

        proxy.restore()
        deadline = time.monotonic() + 10
        while True:
            speech, _ = say("record_glimmer", glimmer="the kettle singing")
            if "the kettle singing" in speech or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert "the kettle singing" in speech
        assert client.get("/healthz").status_code == 200
        heard = MOMENT.findall(say("read_glimmers")[0]) or say("read_glimmers")[0]
        assert "the kettle singing" in heard and "the first frost" in heard


def test_a_database_unreachable_at_start_stops_serve_with_one_clear_line(tmp_path):
    url = f"postgresql://glimmers:secret-password@127.0.0.1:{free_port()}/glimmers"
    for args in (
        ["serve", "--dev", "--port", str(free_port())],
        ["users"],
        ["doctor"],
        ["export", "--all"],
    ):
        result = glimmers_command(*args, "--database-url", url)
        err = result.stderr.decode()
        assert result.returncode == 1, (args, err)
        assert "Traceback" not in err and "secret-password" not in err
        [line] = [line for line in err.splitlines() if line.startswith("Error:")]
        assert "cannot reach PostgreSQL" in line and "127.0.0.1" in line, line


def test_a_database_url_that_is_not_one_is_refused_with_an_example():
    result = glimmers_command("users", "--database-url", "mysql://somewhere/db")
    assert result.returncode == 1
    assert "postgresql://" in result.stderr.decode() and "Traceback" not in result.stderr.decode()


# -- moving a household between engines ----------------------------------------


def test_export_and_import_round_trip_exactly_between_tinydb_and_postgresql(database, tmp_path):
    data = tmp_path / "data"
    home = TinyDBStore(data)
    alice, carol = JournalKey(ALICE), JournalKey(ALICE, "amzn1.ask.person.CAROL")
    moment = time.time()
    from datetime import datetime, timedelta, timezone

    now = datetime.fromtimestamp(moment, timezone.utc)
    home.add(alice, 'she said "hello"\nand waved, café ☕', "en-GB", now - timedelta(days=400))
    home.add(alice, "the smell of rain", "en-US", now)
    home.add(carol, "Carol's cat purring", "en-US", now - timedelta(days=1))
    home.add(JournalKey(BOB), "first coffee", "", now - timedelta(hours=3))
    home.remember_suggestion(alice, "nature-sky")

    def export(*where: str) -> dict:
        result = glimmers_command("export", "--all", *where)
        assert result.returncode == 0, result.stderr.decode()
        document = json.loads(result.stdout)
        document.pop("exported_at")
        return document

    from_files = export("--data-dir", str(data))
    piped = subprocess.run(
        f"{GLIMMERS} export --all --data-dir {data} | {GLIMMERS} import - --database-url '{database}'",
        shell=True,
        capture_output=True,
        timeout=120,
    )
    assert piped.returncode == 0, piped.stderr.decode()
    assert "imported 4 glimmers into 3 journals (3 new)" in piped.stdout.decode()
    assert export("--database-url", database) == from_files

    back = tmp_path / "back"
    result = subprocess.run(
        f"{GLIMMERS} export --all --database-url '{database}' | {GLIMMERS} import - --data-dir {back}",
        shell=True,
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr.decode()
    assert export("--data-dir", str(back)) == from_files
    assert TinyDBStore(back).glimmers(alice) == home.glimmers(alice)


def test_every_operator_command_works_on_postgresql(database, tmp_path):
    store = PostgresStore(database)
    store.add(JournalKey(ALICE), "the smell of rain", "en-US", __import__("datetime").datetime.now(__import__("datetime").timezone.utc))
    store.close()
    users = glimmers_command("users", "--json", "--database-url", database)
    assert users.returncode == 0, users.stderr.decode()
    assert json.loads(users.stdout)["total"]["glimmers"] == 1
    doctor = glimmers_command("doctor", "--database-url", database)
    assert doctor.returncode == 0 and b"summary: healthy" in doctor.stdout, doctor.stdout + doctor.stderr
    invoke = glimmers_command(
        "invoke", str(Path(__file__).parent / "requests" / "read_glimmers.json"), "--speech", "--user", ALICE,
        "--database-url", database,
    )
    assert invoke.returncode == 0 and b"the smell of rain" in invoke.stdout, invoke.stderr
    chat = glimmers_command("chat", "--database-url", database, "--user", ALICE, stdin=b"open glimmer journal\nI noticed birdsong\n")
    assert chat.returncode == 0 and b"birdsong" in chat.stdout, chat.stderr
    exported = glimmers_command("export", "--user", ALICE, "--format", "csv", "--database-url", database)
    assert exported.returncode == 0 and b"birdsong" in exported.stdout and b"the smell of rain" in exported.stdout
