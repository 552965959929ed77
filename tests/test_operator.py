"""Operator tools through the real CLI: users, export, import and doctor on a data folder."""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import pty
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from skill.cli import main
from skill.operator import generate_store, generated_user_id, import_journals, parse_export
from skill.storage import TinyDBStore, JournalKey, hash_id

GLIMMERS = Path(sys.executable).parent / "glimmers"
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)
ALICE = JournalKey("amzn1.ask.account.ALICE")
ALICE_CAROL = JournalKey("amzn1.ask.account.ALICE", "amzn1.ask.person.CAROL")
BOB = JournalKey("amzn1.ask.account.BOB")
AWKWARD = 'she said "hello, stranger"\nand waved, café ☕ — 雨の匂い'


def glimmers(*args: str, stdin: bytes | str | None = None):
    """Run ``glimmers ARGS`` in-process; stdout and stderr stay apart."""
    return CliRunner().invoke(main, list(args), input=stdin)


@pytest.fixture
def household(tmp_path) -> Path:
    """Alice (account and her household member Carol's journal) and Bob, with awkward text and meta."""
    data = tmp_path / "data"
    store = TinyDBStore(data)
    store.add(ALICE, "the smell of rain", "en-US", NOW - timedelta(days=2))
    store.add(ALICE, AWKWARD, "en-GB", NOW - timedelta(days=1))
    store.add(ALICE, "a kind word, unexpected", "en-US", NOW)
    store.remember_suggestion(ALICE, "nature-sky")
    store.add(ALICE_CAROL, "Carol's cat purring", "en-US", NOW - timedelta(days=5))
    store.add(BOB, "first coffee", "en-AU", NOW - timedelta(days=10))
    store.add(BOB, "*bold* [link](x) <b>", "en-AU", NOW - timedelta(days=3))
    return data


def journal_documents(data_dir: Path) -> dict[str, dict]:
    return {str(p.relative_to(data_dir)): json.loads(p.read_text()) for p in sorted(data_dir.rglob("*.json"))}


def exported_journals(stdout: str) -> list[dict]:
    return json.loads(stdout)["journals"]


# -- users --------------------------------------------------------------------


def test_users_lists_every_journal_with_its_count_and_first_and_last_dates(household):
    result = glimmers("users", "--data-dir", str(household))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["account", "journal", "glimmers", "first", "noted", "last", "noted"]
    rows = {tuple(line.split()[:2]): line.split()[2:] for line in lines[1:-1]}
    alice, bob = ALICE.ref.account, BOB.ref.account
    assert rows[(alice, "account")] == ["3", "2026-11-28", "2026-11-30"]
    assert rows[(alice, "person-" + hash_id("amzn1.ask.person.CAROL"))] == ["1", "2026-11-25", "2026-11-25"]
    assert rows[(bob, "account")] == ["2", "2026-11-20", "2026-11-27"]
    assert lines[-1] == (
        "total: 2 accounts, 3 journals, 6 glimmers, first noted 2026-11-20, last noted 2026-11-30"
    )


def test_users_json_gives_counts_and_full_timestamps(household):
    result = glimmers("users", "--json", "--data-dir", str(household))
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    bob = next(j for j in report["journals"] if j["account"] == BOB.ref.account)
    assert bob == {
        "account": BOB.ref.account,
        "journal": "account",
        "glimmers": 2,
        "first_noted": "2026-11-20T12:00:00.000000Z",
        "last_noted": "2026-11-27T12:00:00.000000Z",
        "unreadable_records": 0,
        "damaged": None,
    }
    assert report["total"]["glimmers"] == 6 and report["total"]["accounts"] == 2


def test_users_marks_a_damaged_journal_instead_of_failing(household):
    (household / "journals" / BOB.ref.account / "account.json").write_text('{"glimmers": {"1": {')
    result = glimmers("users", "--data-dir", str(household))
    assert result.exit_code == 0
    [bob_line] = [line for line in result.stdout.splitlines() if line.startswith(BOB.ref.account)]
    assert "damaged" in bob_line and "glimmers doctor" in bob_line


def test_commands_on_a_missing_data_dir_ask_whether_data_dir_is_right(tmp_path):
    missing = tmp_path / "nowhere"
    for command in (["users"], ["export", "--all"], ["doctor"]):
        result = glimmers(*command, "--data-dir", str(missing))
        assert result.exit_code == 1, command
        assert f"no journals at {missing}; is --data-dir right?" in result.stderr


# -- export -------------------------------------------------------------------


def test_json_export_holds_each_journals_raw_records_and_meta(household):
    result = glimmers("export", "--all", "--data-dir", str(household))
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["format"] == "glimmer-journal-export" and document["version"] == 1
    assert datetime.fromisoformat(document["exported_at"])
    alice = next(j for j in document["journals"] if (j["account"], j["journal"]) == (ALICE.ref.account, "account"))
    assert alice["meta"] == {"recent_suggestions": ["nature-sky"]}
    stored = journal_documents(household)[f"journals/{ALICE.ref.account}/account.json"]["glimmers"]
    assert alice["glimmers"] == sorted(stored.values(), key=lambda r: r["created_at"])
    assert alice["glimmers"][1]["text"] == AWKWARD
    assert "exported 6 glimmers from 3 journals" in result.stderr


def test_csv_export_is_one_properly_quoted_row_per_glimmer(household):
    result = glimmers("export", "--all", "--format", "csv", "--data-dir", str(household))
    assert result.exit_code == 0
    rows = list(csv.reader(io.StringIO(result.stdout, newline="")))
    assert rows[0] == ["account", "journal", "id", "created_at", "locale", "text"]
    assert len(rows) == 7
    [awkward] = [row for row in rows if row[5] == AWKWARD]
    assert awkward[:2] == [ALICE.ref.account, "account"] and awkward[3:5] == ["2026-11-29T12:00:00.000000Z", "en-GB"]
    assert '"she said ""hello, stranger""\nand waved' in result.stdout


def test_markdown_export_is_a_readable_document_with_dates_as_headings(household):
    result = glimmers("export", "--user", ALICE.user_id, "--format", "markdown", "--data-dir", str(household))
    assert result.exit_code == 0
    text = result.stdout
    assert f"## Account {ALICE.ref.account}, account journal" in text
    assert f"## Account {ALICE.ref.account}, journal of person-{hash_id('amzn1.ask.person.CAROL')}" in text
    assert "### Saturday, 28 November 2026\n\n- 12:00 the smell of rain\n" in text
    awkward_as_markdown = '- 12:00 she said "hello, stranger"\n  and waved, café ☕ — 雨の匂い\n'
    assert "### Sunday, 29 November 2026\n\n" + awkward_as_markdown in text


def test_markdown_export_shows_text_as_written_not_as_formatting(household):
    result = glimmers("export", "--user", BOB.user_id, "--format", "markdown", "--data-dir", str(household))
    assert r"- 12:00 \*bold\* \[link\](x) \<b\>" in result.stdout


def test_export_survives_text_with_a_lone_surrogate_and_json_keeps_it_exactly(household):
    journal = household / "journals" / BOB.ref.account / "account.json"
    document = json.loads(journal.read_text())
    document["glimmers"]["1"]["text"] = "half an emoji \ud83d here"
    journal.write_text(json.dumps(document))  # ASCII-escaped, as JSON allows
    exported = glimmers("export", "--user", BOB.user_id, "--data-dir", str(household))
    assert exported.exit_code == 0, exported.output
    assert exported_journals(exported.stdout)[0]["glimmers"][0]["text"] == "half an emoji \ud83d here"
    for fmt in ("csv", "markdown"):
        assert glimmers("export", "--all", "--format", fmt, "--data-dir", str(household)).exit_code == 0


def test_export_user_exports_only_that_accounts_journals(household):
    result = glimmers("export", "--user", ALICE.user_id, "--data-dir", str(household))
    assert result.exit_code == 0
    journals = exported_journals(result.stdout)
    assert {(j["account"], j["journal"]) for j in journals} == {
        (ALICE.ref.account, "account"),
        (ALICE.ref.account, "person-" + hash_id("amzn1.ask.person.CAROL")),
    }
    assert "first coffee" not in result.stdout


def test_export_of_an_unknown_user_says_no_journals_were_found(household):
    result = glimmers("export", "--user", "amzn1.ask.account.NOBODY", "--data-dir", str(household))
    assert result.exit_code == 1 and "no journals for that user" in result.stderr and result.stdout == ""


@pytest.mark.parametrize("choice", [[], ["--all", "--user", "amzn1.ask.account.ALICE"]])
def test_export_needs_exactly_one_of_user_or_all(household, choice):
    result = glimmers("export", *choice, "--data-dir", str(household))
    assert result.exit_code == 2 and "exactly one" in result.stderr


def test_export_to_a_file_is_private_and_refuses_to_overwrite_without_force(household, tmp_path):
    target = tmp_path / "backup.json"
    assert glimmers("export", "--all", "-o", str(target), "--data-dir", str(household)).exit_code == 0
    assert target.stat().st_mode & 0o777 == 0o600
    first = target.read_bytes()
    assert len(exported_journals(first.decode())) == 3

    refused = glimmers("export", "--user", BOB.user_id, "-o", str(target), "--data-dir", str(household))
    assert refused.exit_code == 1 and "--force" in refused.stderr
    assert target.read_bytes() == first

    forced = glimmers("export", "--user", BOB.user_id, "-o", str(target), "--force", "--data-dir", str(household))
    assert forced.exit_code == 0
    assert len(exported_journals(target.read_text())) == 1
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "data") == ["backup.json"]  # no temp files left


# -- import -------------------------------------------------------------------


def test_export_then_import_into_an_empty_data_dir_then_export_gives_identical_journals(household, tmp_path):
    first = glimmers("export", "--all", "--data-dir", str(household))
    backup = tmp_path / "backup.json"
    backup.write_text(first.stdout)
    restored = tmp_path / "restored"
    result = glimmers("import", str(backup), "--data-dir", str(restored))
    assert result.exit_code == 0, result.output
    assert "imported 6 glimmers into 3 journals (3 new)" in result.stdout and "skipped 0" in result.stdout
    second = glimmers("export", "--all", "--data-dir", str(restored))
    assert exported_journals(second.stdout) == exported_journals(first.stdout)
    assert TinyDBStore(restored).meta(ALICE)["recent_suggestions"] == ["nature-sky"]
    assert [g.text for g in TinyDBStore(restored).glimmers(ALICE)][1] == AWKWARD


def test_importing_the_same_export_twice_skips_every_glimmer_already_there(household, tmp_path):
    backup = tmp_path / "backup.json"
    backup.write_text(glimmers("export", "--all", "--data-dir", str(household)).stdout)
    before = journal_documents(household)
    result = glimmers("import", str(backup), "--data-dir", str(household))
    assert result.exit_code == 0
    assert "imported 0 glimmers" in result.stdout and "skipped 6 already there" in result.stdout
    assert journal_documents(household) == before


def test_import_adds_only_the_glimmers_a_journal_is_missing(household, tmp_path):
    backup = glimmers("export", "--user", BOB.user_id, "--data-dir", str(household)).stdout
    target = tmp_path / "target"
    store = TinyDBStore(target)
    store.add(BOB, "noted after the backup", "en-AU", NOW)
    result = glimmers("import", "-", "--data-dir", str(target), stdin=backup)
    assert result.exit_code == 0
    assert "imported 2 glimmers" in result.stdout
    again = glimmers("import", "-", "--data-dir", str(target), stdin=backup)
    assert "imported 0 glimmers" in again.stdout and "skipped 2" in again.stdout
    assert [g.text for g in store.glimmers(BOB)] == ["first coffee", "*bold* [link](x) <b>", "noted after the backup"]


def _export_with(change) -> str:
    document = {
        "format": "glimmer-journal-export",
        "version": 1,
        "exported_at": "2026-11-30T12:00:00.000000Z",
        "journals": [
            {
                "account": ALICE.ref.account,
                "journal": "account",
                "meta": {},
                "glimmers": [
                    {"id": "a1", "text": "fine", "created_at": "2026-11-30T12:00:00.000000Z", "locale": "en-US"}
                ],
            }
        ],
    }
    change(document)
    return json.dumps(document)


NOT_AN_EXPORT = {
    "not JSON": "this is not json",
    "cut short": _export_with(lambda d: None)[:-40],
    "another JSON document": json.dumps({"glimmers": {"1": {}}}),
    "newer version": _export_with(lambda d: d.update(version=99)),
    "path in account": _export_with(lambda d: d["journals"][0].update(account="../../../etc")),
    "path in journal": _export_with(lambda d: d["journals"][0].update(journal="../account")),
    "record without text": _export_with(lambda d: d["journals"][0]["glimmers"][0].pop("text")),
    "date that is not ISO": _export_with(lambda d: d["journals"][0]["glimmers"][0].update(created_at="yesterday")),
    # A bad record late in the file must stop the import before the first journal is written.
    "bad second journal": _export_with(
        lambda d: d["journals"].append({"account": BOB.ref.account, "journal": "account", "glimmers": [{"id": 1}]})
    ),
}


def test_a_glimmer_without_a_locale_is_kept_by_export_and_import_but_doctor_flags_it(household, tmp_path):
    journal = household / "journals" / BOB.ref.account / "account.json"
    document = json.loads(journal.read_text())
    del document["glimmers"]["1"]["locale"]  # as an older or hand-edited journal might hold
    journal.write_text(json.dumps(document))
    backup = glimmers("export", "--user", BOB.user_id, "--data-dir", str(household)).stdout
    assert "first coffee" in backup
    restored = tmp_path / "restored"
    assert glimmers("import", "-", "--data-dir", str(restored), stdin=backup).exit_code == 0
    assert exported_journals(glimmers("export", "--all", "--data-dir", str(restored)).stdout) == (
        exported_journals(backup)
    )
    doctor = glimmers("doctor", "--data-dir", str(household))
    assert doctor.exit_code == 1 and "glimmer record 1 has no locale" in doctor.stdout


@pytest.mark.parametrize("content", NOT_AN_EXPORT.values(), ids=NOT_AN_EXPORT.keys())
def test_a_file_that_is_not_a_valid_export_exits_2_and_writes_nothing(tmp_path, content):
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    target = tmp_path / "data"
    result = glimmers("import", str(bad), "--data-dir", str(target))
    assert result.exit_code == 2, result.output
    assert "nothing was imported" in result.stderr and "Traceback" not in result.output
    assert not target.exists() or list(target.rglob("*")) == []


def test_import_moves_a_damaged_journal_to_quarantine_and_restores_into_a_fresh_one(household, tmp_path):
    backup = glimmers("export", "--user", BOB.user_id, "--data-dir", str(household)).stdout
    journal = household / "journals" / BOB.ref.account / "account.json"
    journal.write_text('{"glimmers": {"1": {"id": "x", "te')
    result = glimmers("import", "-", "--data-dir", str(household), stdin=backup)
    assert result.exit_code == 0 and "imported 2 glimmers" in result.stdout
    [quarantined] = (household / "quarantine").iterdir()
    assert quarantined.read_text() == '{"glimmers": {"1": {"id": "x", "te'
    assert [g.text for g in TinyDBStore(household).glimmers(BOB)] == ["first coffee", "*bold* [link](x) <b>"]


def test_import_quarantines_a_journal_with_unreadable_records_and_restores_into_a_fresh_one(household):
    backup = glimmers("export", "--user", BOB.user_id, "--data-dir", str(household)).stdout
    journal = household / "journals" / BOB.ref.account / "account.json"
    journal.write_text(json.dumps({"glimmers": {"1": 42}}))
    result = glimmers("import", "-", "--data-dir", str(household), stdin=backup)
    assert result.exit_code == 0 and "Traceback" not in result.output
    [quarantined] = (household / "quarantine").iterdir()
    assert json.loads(quarantined.read_text()) == {"glimmers": {"1": 42}}
    restored = json.loads(journal.read_text())["glimmers"]
    assert restored and all(isinstance(doc, dict) for doc in restored.values())


def test_import_while_the_server_writes_the_same_journal_loses_nothing(tmp_path):
    data = tmp_path / "data"
    store = TinyDBStore(data)
    batches = [
        [{"id": f"import-{b}-{n}", "text": f"restored {b}.{n}", "created_at": "2026-01-01T00:00:00Z", "locale": "en-US"}
         for n in range(5)]
        for b in range(25)
    ]
    journals = [
        parse_export(
            _export_with(lambda d, batch=batch: d["journals"][0].update(glimmers=batch)).encode(), "batch"
        )
        for batch in batches
    ]

    def serve() -> None:
        for n in range(80):
            store.add(ALICE, f"live {n}", "en-US", NOW)

    server = threading.Thread(target=serve)
    server.start()
    for journal in journals:
        import_journals(TinyDBStore(data), journal)
    server.join()
    texts = {g.text for g in store.glimmers(ALICE)}
    assert len(texts) == 80 + 25 * 5


# -- doctor -------------------------------------------------------------------


def test_doctor_is_happy_with_a_healthy_store(household):
    result = glimmers("doctor", "--data-dir", str(household))
    assert result.exit_code == 0, result.output
    assert "checked 3 journals (6 glimmers) in 2 accounts" in result.stdout
    assert result.stdout.rstrip().endswith("summary: healthy")


def test_doctor_fails_on_a_truncated_journal_and_names_it(household):
    journal = household / "journals" / BOB.ref.account / "account.json"
    journal.write_bytes(journal.read_bytes()[:-30])
    result = glimmers("doctor", "--data-dir", str(household))
    assert result.exit_code == 1
    assert f"problem: journals/{BOB.ref.account}/account.json: cannot be read: not valid JSON" in result.stdout
    assert "summary: 1 problem found" in result.stdout


def test_doctor_fails_on_records_missing_fields_with_bad_dates_or_duplicate_ids(household):
    journal = household / "journals" / BOB.ref.account / "account.json"
    document = json.loads(journal.read_text())
    first = document["glimmers"]["1"]
    document["glimmers"]["3"] = dict(first)  # same id again
    document["glimmers"]["4"] = {"id": "no-date", "text": "x", "locale": "en-US"}
    document["glimmers"]["5"] = {**first, "id": "bad-date", "created_at": "last tuesday"}
    journal.write_text(json.dumps(document))
    result = glimmers("doctor", "--data-dir", str(household))
    assert result.exit_code == 1
    assert "glimmer record 4 has no created_at" in result.stdout
    assert "glimmer record 5 has a created_at that is not an ISO date-time" in result.stdout
    assert "1 glimmer(s) share an id" in result.stdout
    assert "last tuesday" not in result.stdout and "first coffee" not in result.stdout


def test_doctor_lists_quarantined_files(household):
    journal = household / "journals" / BOB.ref.account / "account.json"
    journal.write_text("{damaged")
    TinyDBStore(household).page(BOB, 5)  # the server finds it and moves it aside
    result = glimmers("doctor", "--data-dir", str(household))
    assert result.exit_code == 1
    [moved] = (household / "quarantine").iterdir()
    assert f"quarantine/{moved.name}" in result.stdout and "quarantine holds 1 file(s)" in result.stdout


def test_doctor_reports_a_stale_temp_file_and_fix_removes_only_it(household):
    folder = household / "journals" / ALICE.ref.account
    stale = folder / ".account.json.4242.deadbeef.tmp"
    stale.write_text('{"glimmers": {"1": {')
    old = time.time() - 300
    os.utime(stale, (old, old))
    fresh = folder / ".account.json.4343.cafebabe.tmp"  # a write in progress right now
    fresh.write_text("{")
    before = journal_documents(household)

    result = glimmers("doctor", "--data-dir", str(household))
    assert result.exit_code == 1
    assert f"journals/{ALICE.ref.account}/{stale.name}: temporary file left by a killed writer 5 minutes ago" in (
        result.stdout
    )
    assert fresh.name not in result.stdout

    fixed = glimmers("doctor", "--fix", "--data-dir", str(household))
    assert fixed.exit_code == 0, fixed.output
    assert f"removed: journals/{ALICE.ref.account}/{stale.name}" in fixed.stdout
    assert not stale.exists() and fresh.exists()
    assert journal_documents(household) == before


def test_doctor_fix_never_touches_damaged_journals(household):
    journal = household / "journals" / BOB.ref.account / "account.json"
    journal.write_text("{damaged")
    result = glimmers("doctor", "--fix", "--data-dir", str(household))
    assert result.exit_code == 1 and journal.read_text() == "{damaged"


# -- privacy ------------------------------------------------------------------


def test_operator_commands_never_log_glimmer_text(household, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    backup = glimmers("export", "--all", "--data-dir", str(household)).stdout
    (household / "journals" / BOB.ref.account / "account.json").write_text("{damaged")
    glimmers("import", "-", "--data-dir", str(household), stdin=backup)
    glimmers("users", "--data-dir", str(household))
    glimmers("doctor", "--data-dir", str(household))
    logged = [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO]
    assert any("damaged" in message for message in logged)
    for text in ("first coffee", "smell of rain", "hello, stranger", "bold"):
        assert not any(text in message for message in logged)


# -- big stores and the installed command --------------------------------------


@pytest.fixture(scope="module")
def big_store(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("big") / "data"
    generate_store(data, users=200, glimmers_per_user=500, seed=3)
    return data


def test_users_and_doctor_handle_a_store_of_100000_glimmers(big_store):
    users = glimmers("users", "--json", "--data-dir", str(big_store))
    assert users.exit_code == 0
    total = json.loads(users.stdout)["total"]
    assert (total["accounts"], total["glimmers"]) == (200, 100_000)
    doctor = glimmers("doctor", "--data-dir", str(big_store))
    assert doctor.exit_code == 0, doctor.stdout[-500:]
    assert "checked 200 journals (100,000 glimmers)" in doctor.stdout


def test_a_generated_store_is_deterministic_and_readable_by_the_server(tmp_path):
    first, second = tmp_path / "one", tmp_path / "two"
    user_ids = generate_store(first, users=5, glimmers_per_user=20, seed=9)
    generate_store(second, users=5, glimmers_per_user=20, seed=9)
    assert journal_documents(first) == journal_documents(second)
    assert user_ids[2] == generated_user_id(9, 2)
    read_back = TinyDBStore(first).glimmers(JournalKey(user_ids[2]))
    assert len(read_back) == 20 and all(g.created_at.year == 2025 for g in read_back)
    assert TinyDBStore(first).meta(JournalKey(user_ids[0]))["recent_suggestions"] == ["nature-sky"]
    with pytest.raises(FileExistsError):
        generate_store(first, users=1, glimmers_per_user=1)


def test_installed_command_round_trips_an_export_through_a_pipe(household, tmp_path):
    restored = tmp_path / "restored"
    export = subprocess.Popen([GLIMMERS, "export", "--all", "--data-dir", household], stdout=subprocess.PIPE)
    imported = subprocess.run(
        [GLIMMERS, "import", "-", "--data-dir", restored], stdin=export.stdout, capture_output=True, timeout=60
    )
    export.stdout.close()
    assert export.wait(timeout=60) == 0
    assert imported.returncode == 0, imported.stderr
    assert b"imported 6 glimmers into 3 journals" in imported.stdout
    original = glimmers("export", "--all", "--data-dir", str(household)).stdout
    again = glimmers("export", "--all", "--data-dir", str(restored)).stdout
    assert exported_journals(again) == exported_journals(original)


def test_progress_bar_goes_to_a_terminal_on_stderr_and_never_into_stdout(tmp_path):
    data = tmp_path / "data"
    generate_store(data, users=150, glimmers_per_user=2, seed=4)
    controller, terminal = pty.openpty()
    try:
        run = subprocess.run(
            [GLIMMERS, "export", "--all", "--data-dir", data], stdout=subprocess.PIPE, stderr=terminal, timeout=60
        )
        os.close(terminal)
        terminal = -1
        shown = b""
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # the terminal was closed and drained
                break
            if not chunk:
                break
            shown += chunk
    finally:
        if terminal >= 0:
            os.close(terminal)
        os.close(controller)
    assert run.returncode == 0
    assert len(exported_journals(run.stdout.decode())) == 150
    assert b"Exporting" in shown and b"100%" in shown
    assert b"Exporting" not in run.stdout
