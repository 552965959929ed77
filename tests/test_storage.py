"""The TinyDB store: atomic, locked across threads and processes, never losing what was saved."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import threading
from datetime import datetime, timedelta, timezone

import pytest

from skill.storage import TinyDBStore, JournalKey, StorageUnavailable

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)
ALICE = JournalKey("amzn1.ask.account.ALICE")


@pytest.fixture
def journal_store(tmp_path) -> TinyDBStore:
    return TinyDBStore(tmp_path / "data")


def journal_files(store: TinyDBStore):
    return sorted(p for p in store.journals_dir.rglob("*.json"))


def test_a_saved_glimmer_reads_back_with_all_its_fields(journal_store):
    saved = journal_store.add(ALICE, "the smell of rain", "en-US", NOW)
    [read] = journal_store.glimmers(ALICE)
    assert read == saved
    assert read.created_at == NOW and read.locale == "en-US" and len(read.id) == 32


def test_journal_file_is_plain_tinydb_json_with_utc_iso_timestamps(journal_store):
    journal_store.add(ALICE, "the smell of rain", "en-US", NOW)
    [path] = journal_files(journal_store)
    data = json.loads(path.read_text())
    [record] = data["glimmers"].values()
    assert record["created_at"] == "2026-11-30T12:00:00.000000Z"


def test_a_write_leaves_no_temporary_files(journal_store):
    for n in range(5):
        journal_store.add(ALICE, f"moment {n}", "en-US", NOW)
    leftovers = [p for p in journal_store.data_dir.rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []


def test_page_is_newest_first_and_continues_from_a_cursor(journal_store):
    for n in range(7):
        journal_store.add(ALICE, f"moment {n}", "en-US", NOW + timedelta(minutes=n))
    first = journal_store.page(ALICE, 3)
    assert [g.text for g in first.glimmers] == ["moment 6", "moment 5", "moment 4"] and first.has_more
    last = first.glimmers[-1]
    second = journal_store.page(ALICE, 3, first.next_cursor)
    assert [g.text for g in second.glimmers] == ["moment 3", "moment 2", "moment 1"] and second.has_more


def test_concurrent_threads_writing_one_journal_lose_nothing(journal_store):
    def write(worker: int) -> None:
        for n in range(25):
            journal_store.add(ALICE, f"thread {worker} moment {n}", "en-US", NOW)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    texts = [g.text for g in journal_store.glimmers(ALICE)]
    assert len(texts) == 200 and len(set(texts)) == 200
    for path in journal_files(journal_store):
        json.loads(path.read_text())


def test_concurrent_processes_writing_one_journal_lose_nothing(journal_store):
    code = textwrap.dedent(
        """
        import sys
        from datetime import datetime, timezone
        from skill.storage import TinyDBStore, JournalKey
        store = TinyDBStore(sys.argv[1])
        for n in range(40):
            store.add(JournalKey("amzn1.ask.account.ALICE"), f"process {sys.argv[2]} moment {n}", "en-US",
                      datetime.now(timezone.utc))
        """
    )
    workers = [
        subprocess.Popen([sys.executable, "-c", code, str(journal_store.data_dir), str(w)]) for w in range(4)
    ]
    # Meanwhile this process reads: it must always see a whole, valid journal.
    while any(w.poll() is None for w in workers):
        journal_store.glimmers(ALICE)
    assert [w.returncode for w in workers] == [0, 0, 0, 0]
    texts = [g.text for g in journal_store.glimmers(ALICE)]
    assert len(texts) == 160 and len(set(texts)) == 160


def test_each_journal_is_its_own_small_file(journal_store):
    journal_store.add(ALICE, "a", "en-US", NOW)
    journal_store.add(JournalKey("amzn1.ask.account.BOB"), "b", "en-US", NOW)
    journal_store.add(JournalKey("amzn1.ask.account.BOB", "amzn1.ask.person.CAROL"), "c", "en-US", NOW)
    files = journal_files(journal_store)
    assert len(files) == 3
    assert [g.text for g in journal_store.glimmers(JournalKey("amzn1.ask.account.BOB"))] == ["b"]


@pytest.mark.parametrize("damage", [b"", b'{"glimmers": {"1": {"id": "x", "te', b"not json at all", b"[1, 2, 3]"])
def test_a_damaged_journal_is_quarantined_never_deleted_and_new_glimmers_still_save(journal_store, damage, caplog):
    journal_store.add(ALICE, "before the damage", "en-US", NOW)
    [path] = journal_files(journal_store)
    path.write_bytes(damage)
    other = JournalKey("amzn1.ask.account.BOB")
    journal_store.add(other, "untouched", "en-US", NOW)

    page = journal_store.page(ALICE, 3)
    assert page.damaged and page.glimmers == []
    [quarantined] = list(journal_store.quarantine_dir.iterdir())
    assert quarantined.read_bytes() == damage
    assert any(r.levelname == "ERROR" and "damaged" in r.getMessage() for r in caplog.records)

    journal_store.add(ALICE, "after the damage", "en-US", NOW)
    assert [g.text for g in journal_store.glimmers(ALICE)] == ["after the damage"]
    assert journal_store.page(ALICE, 3).damaged  # still told, until the operator restores it
    assert [g.text for g in journal_store.glimmers(other)] == ["untouched"]


def test_damaged_journal_is_reported_to_the_user_on_read_back(alexa, store, data_dir):
    from conftest import load_request

    alexa.say("record_glimmer", glimmer="a safe moment")
    [path] = sorted((data_dir / "journals").rglob("*.json"))
    path.write_text("{truncated")
    reply = alexa.send(load_request("read_glimmers"))
    assert "can't be read right now" in reply.speech or "can't read some" in reply.speech
    saved = alexa.send(load_request("record_glimmer", glimmer="a new one"))
    assert "a new one" in saved.speech


def test_an_unwritable_data_folder_raises_storage_unavailable_and_keeps_what_was_saved(tmp_path):
    store = TinyDBStore(tmp_path / "data")
    store.add(ALICE, "kept safe", "en-US", NOW)
    [path] = journal_files(store)
    before = path.read_bytes()
    # A file where the account folder's lock should go makes every write fail, as a full disk would.
    lock = path.parent / ".lock"
    lock.unlink()
    lock.mkdir()
    with pytest.raises(StorageUnavailable):
        store.add(ALICE, "cannot be saved", "en-US", NOW)
    assert path.read_bytes() == before
    assert [g.text for g in store.glimmers(ALICE)] == ["kept safe"]


def test_temporary_files_left_by_a_dead_writer_are_cleared_by_the_next_write(journal_store):
    journal_store.add(ALICE, "first", "en-US", NOW)
    [path] = journal_files(journal_store)
    stale = path.with_name(f".{path.name}.99999.deadbeef.tmp")
    stale.write_text('{"glimmers": {"1": {"id": "half-writ')
    journal_store.add(ALICE, "second", "en-US", NOW)
    assert not stale.exists()
    assert [g.text for g in journal_store.glimmers(ALICE)] == ["first", "second"]


def test_a_journal_changed_by_another_process_is_never_read_stale(tmp_path, monkeypatch):
    """Reads reuse a parse only for the same bytes: a write by anyone else shows at once."""
    reader, writer = TinyDBStore(tmp_path / "data"), TinyDBStore(tmp_path / "data")
    writer.add(ALICE, "warm tea", "en-US", NOW)
    assert [g.text for g in reader.glimmers(ALICE)] == ["warm tea"]
    writer.add(ALICE, "a cat purring", "en-US", NOW + timedelta(minutes=1))
    writer.update_meta(ALICE, {"zone": "Europe/Berlin"})
    assert [g.text for g in reader.glimmers(ALICE)] == ["warm tea", "a cat purring"]
    assert reader.meta(ALICE)["zone"] == "Europe/Berlin"
    writer.delete_journal(ALICE)
    assert reader.glimmers(ALICE) == [] and reader.meta(ALICE) == {}


def test_reading_an_unchanged_journal_again_does_not_parse_it_again(journal_store, monkeypatch):
    from skill.storage import contract

    for minute in range(5):
        journal_store.add(ALICE, f"glimmer {minute}", "en-US", NOW + timedelta(minutes=minute))
    built = []
    original = contract.Glimmer.from_record.__func__
    monkeypatch.setattr(contract.Glimmer, "from_record",
                        classmethod(lambda cls, record: built.append(1) or original(cls, record)))
    journal_store.page(ALICE, 3)
    first = len(built)
    journal_store.page(ALICE, 3)
    journal_store.meta(ALICE)
    journal_store.count(ALICE)
    assert first == 5 and len(built) == first


def test_reading_a_journals_meta_builds_none_of_its_glimmers(journal_store, monkeypatch):
    from skill.storage import contract

    for minute in range(5):
        journal_store.add(ALICE, f"glimmer {minute}", "en-US", NOW + timedelta(minutes=minute))
    built = []
    original = contract.Glimmer.from_record.__func__
    monkeypatch.setattr(contract.Glimmer, "from_record",
                        classmethod(lambda cls, record: built.append(1) or original(cls, record)))
    journal_store.update_meta(ALICE, {"zone": "Europe/Berlin"})
    assert journal_store.meta(ALICE) == {"zone": "Europe/Berlin"} and built == []
    assert journal_store.count(ALICE) == 5 and len(built) == 5


def test_changing_what_a_read_returned_changes_nothing_stored_or_read_later(journal_store):
    journal_store.add(ALICE, "warm tea", "en-US", NOW)
    journal_store.update_meta(ALICE, {"recent_suggestions": ["a", "b"]})
    meta = journal_store.meta(ALICE)
    meta["recent_suggestions"].append("c")
    meta["zone"] = "Asia/Tokyo"
    journal_store.glimmers(ALICE).clear()
    assert journal_store.meta(ALICE) == {"recent_suggestions": ["a", "b"]}
    assert len(journal_store.glimmers(ALICE)) == 1


@pytest.fixture
def durable_writes(monkeypatch):
    """Every durable replace of a journal file, by file name."""
    from skill.storage import atomic

    written = []
    original = atomic.write_atomically
    monkeypatch.setattr(atomic, "write_atomically", lambda path, payload: written.append(path.name) or original(path, payload))
    return written


def test_every_change_to_a_journal_is_one_durable_write(journal_store, durable_writes):
    journal_store.add(ALICE, "warm tea", "en-US", NOW)
    journal_store.update_meta(ALICE, {"zone": "Europe/Berlin", "nudged_on": "2026-11-30"})
    journal_store.remember_suggestion(ALICE, "s1")
    journal_store.add(ALICE, "a walk", "en-US", NOW, meta={"nudged_on": "2026-12-01"})
    assert durable_writes == ["account.json"] * 4
    assert journal_store.meta(ALICE) == {"zone": "Europe/Berlin", "nudged_on": "2026-12-01",
                                         "recent_suggestions": ["s1"]}


def test_a_change_that_fails_half_way_writes_nothing(journal_store, durable_writes):
    journal_store.add(ALICE, "warm tea", "en-US", NOW)
    with pytest.raises(RuntimeError):
        with journal_store._writing(ALICE.ref) as db:
            db.table("glimmers").truncate()
            raise RuntimeError("a bug half-way through")
    assert [g.text for g in journal_store.glimmers(ALICE)] == ["warm tea"] and durable_writes == ["account.json"]
