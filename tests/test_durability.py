"""Durability: killed writers, many server processes at once, damaged journals, a full or read-only data folder.

The crash test is random on purpose, so every run kills the writer at new
moments; the seed is in every failure message, and ``GLIMMERS_CRASH_SEED=<seed>``
replays a run.
"""

from __future__ import annotations

import collections
import errno
import fcntl
import json
import os
import random
import re
import resource
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import load_request
from servers import Server
from skill.speech import to_plain_text
from skill.storage import TinyDBStore, JournalKey, hash_id

ALICE = "amzn1.ask.account.ALICE"
ALICE_PARTNER = "amzn1.ask.person.ALICE-PARTNER"
BOB = "amzn1.ask.account.BOB"
SAVE_FAILED = "couldn't save that just now"


def speech_of(envelope: dict) -> str:
    return to_plain_text(((envelope.get("response") or {}).get("outputSpeech") or {}).get("ssml", ""))


def journal_files(data_dir: Path) -> list[Path]:
    return sorted((data_dir / "journals").rglob("*.json"))


def assert_every_journal_parses(data_dir: Path, context: str = "") -> None:
    """Every journal file is a whole TinyDB document, and nothing was quarantined."""
    for path in journal_files(data_dir):
        try:
            data = json.loads(path.read_bytes())
        except ValueError as exc:
            raise AssertionError(f"{context}{path} does not parse: {exc}") from None
        assert isinstance(data, dict) and all(isinstance(t, dict) for t in data.values()), f"{context}{path}"
    quarantine = data_dir / "quarantine"
    assert not quarantine.exists() or not any(quarantine.iterdir()), f"{context}something was quarantined"


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder``, by relative path."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# -- crash safety --------------------------------------------------------------

WRITER = textwrap.dedent(
    """
    import sys
    from datetime import datetime, timezone
    from skill.storage import TinyDBStore, JournalKey

    store = TinyDBStore(sys.argv[1])
    round_ = int(sys.argv[2])
    keys = [JournalKey(*k.split("|")) for k in sys.argv[3:]]
    print("ready", flush=True)
    n = 0
    while True:
        which = n % len(keys)
        text = f"round {round_} glimmer {n}"
        store.add(keys[which], text, "en-US", datetime.now(timezone.utc))
        # Acknowledged only once add() has returned: from here on it must survive anything.
        print(f"{which}|{text}", flush=True)
        n += 1
    """
)
CRASH_KEYS = [JournalKey(ALICE), JournalKey(ALICE, ALICE_PARTNER), JournalKey(BOB)]
CRASH_ROUNDS = 20
MAX_DELAY = 0.25


def test_a_writer_killed_at_random_moments_never_loses_an_acknowledged_glimmer_nor_breaks_a_journal(tmp_path):
    seed = int(os.environ.get("GLIMMERS_CRASH_SEED") or random.SystemRandom().randrange(2**32))
    rng = random.Random(seed)
    data_dir = tmp_path / "data"
    store = TinyDBStore(data_dir)
    acked: dict[str, int] = {}  # text -> journal index
    in_flight: dict[str, int] = {}  # per round, the one glimmer that may be saved without an acknowledgement
    acks_per_round = []
    keys = ["|".join(filter(None, (k.user_id, k.person_id))) for k in CRASH_KEYS]
    for round_ in range(CRASH_ROUNDS):
        delay = rng.uniform(0, MAX_DELAY)
        where = f"[seed {seed}, round {round_}, killed {delay * 1000:.0f} ms after the writer was ready] "
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(data_dir), str(round_), *keys],
            stdout=subprocess.PIPE,
            cwd=tmp_path,
            text=True,
        )
        try:
            assert writer.stdout.readline() == "ready\n", where + "the writer did not start"
            time.sleep(delay)
            os.kill(writer.pid, signal.SIGKILL)
            writer.wait(timeout=10)
        finally:
            if writer.poll() is None:
                writer.kill()
                writer.wait(timeout=10)
        out = writer.stdout.read()
        writer.stdout.close()
        assert writer.returncode == -signal.SIGKILL, where + f"the writer exited with {writer.returncode}"
        lines = out.split("\n")[:-1]  # a cut-off last line is no acknowledgement
        for line in lines:
            which, text = line.split("|")
            acked[text] = int(which)
        in_flight[f"round {round_} glimmer {len(lines)}"] = len(lines) % len(CRASH_KEYS)
        acks_per_round.append(len(lines))

        assert_every_journal_parses(data_dir, where)
        names = {p.name for p in journal_files(data_dir)}
        assert names <= {k.ref.journal + ".json" for k in CRASH_KEYS}, where + f"unexpected journal files {names}"
        for index, key in enumerate(CRASH_KEYS):
            page = store.page(key, 1)
            assert not page.damaged, where
            texts = collections.Counter(g.text for g in store.glimmers(key))
            duplicated = [t for t, n in texts.items() if n > 1]
            assert not duplicated, where + f"saved more than once: {duplicated}"
            missing = [t for t, i in acked.items() if i == index and t not in texts]
            assert not missing, where + f"acknowledged but lost: {missing}"
            unexplained = [t for t in texts if acked.get(t, in_flight.get(t)) != index]
            assert not unexplained, where + f"never acknowledged nor in flight, or in the wrong journal: {unexplained}"
        # Temporary files a killed writer left are allowed, as long as nothing takes them for journals.
        for leftover in (data_dir / "journals").rglob("*.tmp"):
            assert leftover.name.startswith(".") and not leftover.name.endswith(".json"), where + leftover.name

    # A killed writer never leaves an account locked: the kernel dropped its lock.
    for lock in (data_dir / "journals").rglob(".lock"):
        with lock.open("rb") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    assert sum(acks_per_round) > 0, f"[seed {seed}] no round got as far as one acknowledged write"
    total = sum(len(store.glimmers(k)) for k in CRASH_KEYS)
    assert len(acked) <= total <= len(acked) + CRASH_ROUNDS, f"[seed {seed}]"


# -- concurrency ---------------------------------------------------------------

SERVERS = 3
CLIENTS = 24
RECORDS_PER_CLIENT = 8
MOMENT = re.compile(r"moment t\d\d n\d\d")


def read_everything_over_http(server: Server, user: str) -> list[str]:
    """Page through "read my glimmers", "more", "more"... as Alexa would; every moment heard."""
    heard: list[str] = []
    envelope = load_request("read_glimmers", user=user)
    for _ in range(200):
        status, body, _ = server.post(envelope)
        assert status == 200, body
        heard += MOMENT.findall(speech_of(body))
        attributes = body.get("sessionAttributes") or {}
        if attributes.get("question") != "more_glimmers":
            return heard
        envelope = load_request("more", user=user, attributes=attributes)
    raise AssertionError("the journal never came to an end")


@pytest.mark.parametrize(
    "layout",
    [
        pytest.param((SERVERS, ("--threads", "8")), id="separate-servers"),
        pytest.param((1, ("--workers", str(SERVERS), "--threads", "4")), id="one-server-with-workers"),
    ],
)
def test_many_clients_recording_through_several_server_processes_save_every_glimmer_exactly_once(tmp_path, layout):
    """Several ``glimmers serve`` processes on one data folder, or one with ``--workers``: the same journals."""
    data_dir = tmp_path / "data"
    shared = [(ALICE, None), (ALICE, ALICE_PARTNER), (BOB, None)]
    expected: dict[tuple[str, str | None], list[str]] = collections.defaultdict(list)
    failures: list[str] = []
    servers: list[Server] = []
    count, options = layout
    try:
        for _ in range(count):
            servers.append(Server("--dev", "--data-dir", str(data_dir), *options))
        start = threading.Barrier(CLIENTS)
        plans = []
        rng = random.Random(6)
        for client in range(CLIENTS):
            own = (f"amzn1.ask.account.CLIENT{client:02d}", None)
            plan = []
            for n in range(RECORDS_PER_CLIENT):
                journal = own if client % 3 == 0 and rng.random() < 0.5 else rng.choice(shared)
                text = f"moment t{client:02d} n{n:02d}"
                expected[journal].append(text)
                plan.append((rng.choice(servers), journal, text))
            plans.append(plan)

        def record(plan: list) -> None:
            start.wait(timeout=30)
            for server, (user, person), text in plan:
                envelope = load_request("record_glimmer", glimmer=text, user=user)
                if person:
                    envelope["context"]["System"]["person"] = {"personId": person}
                try:
                    status, body, _ = server.post(envelope)
                except OSError as exc:
                    failures.append(f"{text}: {exc}")
                    continue
                if status != 200 or text not in speech_of(body):
                    failures.append(f"{text}: {status} {speech_of(body) or body}")

        clients = [threading.Thread(target=record, args=(plan,)) for plan in plans]
        for client in clients:
            client.start()
        for client in clients:
            client.join(timeout=60)
        assert not failures, failures[:10]

        store = TinyDBStore(data_dir)
        for (user, person), texts in expected.items():
            saved = collections.Counter(g.text for g in store.glimmers(JournalKey(user, person)))
            assert saved == collections.Counter(texts), (user, person)
        assert len(journal_files(data_dir)) == len(expected)
        assert_every_journal_parses(data_dir)
        assert not list(data_dir.rglob("*.tmp"))

        heard = read_everything_over_http(servers[-1], ALICE)
        assert collections.Counter(heard) == collections.Counter(expected[(ALICE, None)])
    finally:
        logs = [server.stop() for server in servers]
    for log in logs:
        assert "Traceback" not in log and " ERROR " not in log, log[-2000:]


# -- a damaged journal, through the HTTP app -----------------------------------

DAMAGE = {
    "truncated": lambda good: good[: len(good) // 2],
    "not JSON": lambda good: b"\x00\x9f this is not JSON at all \xff",
}


def alice_and_neighbours(client) -> None:
    """Alice has two glimmers; Bob and Alice's partner (same account folder) one each."""
    for text in ("the first snow", "a letter from a friend"):
        assert client.post("/alexa", json=load_request("record_glimmer", glimmer=text, user=ALICE)).status_code == 200
    client.post("/alexa", json=load_request("record_glimmer", glimmer="bob's bicycle bell", user=BOB))
    client.post("/alexa", json=load_request("record_glimmer", glimmer="the partner's tea", user=ALICE, person=ALICE_PARTNER))


def say(client, name: str, **changes) -> str:
    response = client.post("/alexa", json=load_request(name, **changes))
    assert response.status_code == 200, response.get_data(as_text=True)
    return speech_of(response.get_json())


def told_earlier_glimmers_cannot_be_read(speech: str) -> bool:
    speech = speech.lower()
    return "earlier glimmers" in speech and "new ones are still being saved" in speech


@pytest.mark.parametrize("first", ["read_glimmers", "record_glimmer"])
@pytest.mark.parametrize("damage", DAMAGE, ids=list(DAMAGE))
def test_a_damaged_journal_is_quarantined_named_in_an_error_line_and_only_its_owner_notices(
    client, store, data_dir, caplog, damage, first
):
    alice_and_neighbours(client)
    path = data_dir / "journals" / hash_id(ALICE) / "account.json"
    neighbours = {p: p.read_bytes() for p in journal_files(data_dir) if p != path}
    damaged = DAMAGE[damage](path.read_bytes())
    path.write_bytes(damaged)

    if first == "read_glimmers":
        speech = say(client, "read_glimmers", user=ALICE)
        assert told_earlier_glimmers_cannot_be_read(speech), speech
        assert "first snow" not in speech
    else:
        assert "a new leaf" in say(client, "record_glimmer", glimmer="a new leaf", user=ALICE)

    [quarantined] = list((data_dir / "quarantine").iterdir())
    assert quarantined.read_bytes() == damaged  # moved aside as it was, never deleted
    [line] = [r.getMessage() for r in caplog.records if r.levelname == "ERROR" and "damaged" in r.getMessage()]
    assert str(path) in line and quarantined.name in line

    assert "a later leaf" in say(client, "record_glimmer", glimmer="a later leaf", user=ALICE)
    speech = say(client, "read_glimmers", user=ALICE)
    assert told_earlier_glimmers_cannot_be_read(speech) and "a later leaf" in speech, speech

    assert {p: p.read_bytes() for p in neighbours} == neighbours
    bob = say(client, "read_glimmers", user=BOB)
    partner = say(client, "read_glimmers", user=ALICE, person=ALICE_PARTNER)
    assert "bob's bicycle bell" in bob and not told_earlier_glimmers_cannot_be_read(bob)
    assert "the partner's tea" in partner and not told_earlier_glimmers_cannot_be_read(partner)


# JSON that parses, but where one piece the store relies on has the wrong shape.
NOT_A_JOURNAL = {
    "a glimmer that is a number": lambda journal: {**journal, "glimmers": {**journal["glimmers"], "99": 5}},
    "a meta document that is a number": lambda journal: {**journal, "meta": {"1": 5}},
    "document IDs that are not numbers": lambda journal: {
        **journal, "glimmers": {f"x{n}": g for n, g in journal["glimmers"].items()}
    },
}


@pytest.mark.parametrize("reshape", NOT_A_JOURNAL.values(), ids=list(NOT_A_JOURNAL))
def test_a_journal_with_the_wrong_shape_inside_never_silences_its_owner(client, store, data_dir, reshape):
    alice_and_neighbours(client)
    path = data_dir / "journals" / hash_id(ALICE) / "account.json"
    damaged = json.dumps(reshape(json.loads(path.read_bytes()))).encode()
    path.write_bytes(damaged)

    speech = say(client, "read_glimmers", user=ALICE)
    assert "the first snow" in speech or told_earlier_glimmers_cannot_be_read(speech), speech
    assert "a new leaf" in say(client, "record_glimmer", glimmer="a new leaf", user=ALICE)
    for name in ("read_glimmers", "count_glimmers", "streak", "launch", "suggest_glimmer", "grounding"):
        assert "Sorry" not in say(client, name, user=ALICE), name
    assert "a new leaf" in say(client, "read_glimmers", user=ALICE)
    # What the file held is kept: still readable in the journal, or moved aside as it was.
    kept = {g.text for g in store.glimmers(JournalKey(ALICE))} >= {"the first snow", "a letter from a friend"}
    quarantine = data_dir / "quarantine"
    assert kept or damaged in [q.read_bytes() for q in quarantine.iterdir()]


# -- a full or read-only data folder, under a real server ----------------------


@dataclass
class Breakage:
    """One real way for the data folder to stop taking writes, with its way back."""

    wrapper: Callable[[Path], list[str]]
    break_: Callable[[Server, Path], None]
    heal: Callable[[Server, Path], None]
    # Where the test finds a file the server sees at ``path`` (a private mount lives in the server's namespace).
    seen_by_server: Callable[[Server, Path], Path] = lambda server, path: path


def _namespace_flags() -> list[str]:
    """``unshare`` / ``nsenter`` flags for a private mount namespace, as root or (through a user namespace) not."""
    if os.geteuid() == 0:
        return ["--mount"]
    return ["--user", "--map-root-user", "--mount"]


def _tool(name: str) -> str:
    found = shutil.which(name)
    assert found, f"{name} (util-linux) is needed to give the server a private mount"
    return found


def _private_mount(script: str) -> Callable[[Path], list[str]]:
    def wrapper(data_dir: Path) -> list[str]:
        data_dir.mkdir(parents=True, exist_ok=True)
        return [_tool("unshare"), *_namespace_flags(), "--propagation", "private",
                "sh", "-c", f'{script} && exec "$@"', str(data_dir)]
    return wrapper


def _in_server_namespace(server: Server, *command: str) -> None:
    flags = ["--mount"] if os.geteuid() == 0 else ["--user", "--preserve-credentials", "--mount"]
    subprocess.run([_tool("nsenter"), "--target", str(server.pid), *flags, *command], check=True, timeout=10)


def _server_view(server: Server, path: Path) -> Path:
    return Path(f"/proc/{server.pid}/root") / path.relative_to("/")


def _fill(server: Server, data_dir: Path) -> None:
    filler = _server_view(server, data_dir) / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError as exc:
        assert exc.errno == errno.ENOSPC, exc  # the disk really is full
    finally:
        os.close(fd)


def _limit_file_size(limit: int) -> Callable[[Server, Path], None]:
    def apply(server: Server, data_dir: Path) -> None:
        # The master and every worker it started (a limit belongs to one process).
        workers = [int(pid) for task in Path(f"/proc/{server.pid}/task").glob("*/children") for pid in task.read_text().split()]
        for pid in (server.pid, *workers):
            _, hard = resource.prlimit(pid, resource.RLIMIT_FSIZE)
            resource.prlimit(pid, resource.RLIMIT_FSIZE, (hard if limit < 0 else limit, hard))
    return apply


BREAKAGES = {
    # A tiny tmpfs, filled to the last page: the kernel answers ENOSPC, as a full disk does.
    "full disk": Breakage(
        wrapper=_private_mount('mount -t tmpfs -o size=256k glimmers-full "$0"'),
        break_=_fill,
        heal=lambda server, data_dir: (_server_view(server, data_dir) / "filler").unlink(),
        seen_by_server=_server_view,
    ),
    # The data folder bind-mounted onto itself, then remounted read-only: EROFS.
    "read-only mount": Breakage(
        wrapper=_private_mount('mount --bind "$0" "$0"'),
        break_=lambda server, data_dir: _in_server_namespace(server, "mount", "-o", "remount,bind,ro", str(data_dir)),
        heal=lambda server, data_dir: _in_server_namespace(server, "mount", "-o", "remount,bind,rw", str(data_dir)),
    ),
    # No privileges at all: the server's file size limit drops to 0 (Python ignores SIGXFSZ), so writes fail with EFBIG.
    "file size limit": Breakage(
        wrapper=lambda data_dir: [],
        break_=_limit_file_size(0),
        heal=_limit_file_size(-1),
    ),
}


@pytest.mark.parametrize("breakage", BREAKAGES.values(), ids=list(BREAKAGES))
def test_a_full_or_read_only_data_folder_answers_couldnt_save_turns_healthz_503_and_corrupts_nothing(
    tmp_path, breakage
):
    data_dir = tmp_path / "data"
    server = Server("--dev", "--data-dir", str(data_dir), wrapper=breakage.wrapper(data_dir))
    try:
        seen = breakage.seen_by_server(server, data_dir)
        for user, text in ((ALICE, "the first snow"), (BOB, "bob's bicycle bell")):
            status, body, _ = server.post(load_request("record_glimmer", glimmer=text, user=user))
            assert status == 200 and text in speech_of(body)
        assert server.get("/healthz")[0] == 200
        before = snapshot(seen / "journals")

        breakage.break_(server, data_dir)
        status, body = server.get("/healthz")
        assert (status, body.get("status")) == (503, "unavailable")
        for user in (ALICE, "amzn1.ask.account.NEWCOMER"):
            status, body, _ = server.post(load_request("record_glimmer", glimmer="the last leaf", user=user))
            assert status == 200 and SAVE_FAILED in speech_of(body), body
        status, body, _ = server.post(load_request("read_glimmers", user=ALICE))
        assert status == 200 and "the first snow" in speech_of(body)  # what was saved can still be read
        status, body, _ = server.post(load_request("suggest_glimmer", user=ALICE))
        assert status == 200 and "Sorry" not in speech_of(body)  # a suggestion does not need to be remembered

        after = snapshot(seen / "journals")
        assert {name: after.get(name) for name in before} == before  # byte for byte
        added = set(after) - set(before)
        assert all(name.endswith(".lock") and after[name] == b"" for name in added), added
        assert not list(seen.rglob("*.tmp")) and not (seen / "quarantine").exists()

        breakage.heal(server, data_dir)
        assert server.get("/healthz")[0] == 200
        status, body, _ = server.post(load_request("record_glimmer", glimmer="the thaw", user=ALICE))
        assert status == 200 and "the thaw" in speech_of(body)
        texts = [g.text for g in TinyDBStore(seen).glimmers(JournalKey(ALICE))]
        assert texts == ["the first snow", "the thaw"]
        assert_every_journal_parses(seen)
    finally:
        log = server.stop()
    assert "could not save a glimmer" in log and "health check failed" in log
    assert "Traceback" not in log
