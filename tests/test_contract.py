"""The journal contract, the same tests on every engine (as TinyDB's own tests run on each of its storages).

``store`` is a fresh, opened store of each engine: TinyDB files in a
temporary folder, and a real PostgreSQL (see tests/postgres.py; skipped,
saying how to run them, where PostgreSQL is not installed).
"""

from __future__ import annotations

import random
import threading
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from skill.reminders import DECLINED, NUDGED_META, OFFER_META, ReminderState, reminder_meta
from skill.storage import Glimmer, JournalKey, JournalRef, JournalStore, TinyDBStore, hash_id

NOW = datetime(2026, 11, 30, 12, 0, 0, 123456, tzinfo=timezone.utc)
ALICE = JournalKey("amzn1.ask.account.ALICE")
ALICE_CAROL = JournalKey("amzn1.ask.account.ALICE", "amzn1.ask.person.CAROL")
BOB = JournalKey("amzn1.ask.account.BOB")
AWKWARD = 'she said "hello"\nand waved, café ☕ — 雨の匂い; DROP TABLE glimmers; -- \\ %s'


@pytest.fixture(params=["tinydb", "postgres"])
def store(request, tmp_path) -> JournalStore:
    if request.param == "tinydb":
        engine = TinyDBStore(tmp_path / "data")
        engine.open()
        yield engine
        engine.close()
    else:
        yield request.getfixturevalue("postgres_store")


def noted(store: JournalStore, key: JournalKey, *texts: str, start: datetime = NOW) -> list[Glimmer]:
    """Save ``texts`` a minute apart, oldest first."""
    return [store.add(key, text, "en-US", start + timedelta(minutes=n)) for n, text in enumerate(texts)]


def test_the_store_keeps_the_whole_contract(store):
    assert isinstance(store, JournalStore)
    assert store.description


# -- adding and reading -------------------------------------------------------


def test_a_saved_glimmer_reads_back_exactly(store):
    saved = store.add(ALICE, AWKWARD, "en-GB", NOW)
    [read] = store.glimmers(ALICE)
    assert read == saved
    assert (read.text, read.locale, read.created_at) == (AWKWARD, "en-GB", NOW)
    assert read.created_at.tzinfo is not None and len(read.id) == 32


def test_glimmer_ids_increase_with_time_even_within_one_instant(store):
    saved = [store.add(ALICE, f"moment {n}", "en-US", NOW) for n in range(5)]
    assert [g.id for g in saved] == sorted(g.id for g in saved)
    assert [g.text for g in store.page(ALICE, 5).glimmers] == [f"moment {n}" for n in reversed(range(5))]


def test_pages_are_newest_first_and_continue_from_an_opaque_cursor(store):
    noted(store, ALICE, *(f"moment {n}" for n in range(7)))
    first = store.page(ALICE, 3)
    assert [g.text for g in first.glimmers] == ["moment 6", "moment 5", "moment 4"]
    assert first.has_more and isinstance(first.next_cursor, str)
    second = store.page(ALICE, 3, first.next_cursor)
    assert [g.text for g in second.glimmers] == ["moment 3", "moment 2", "moment 1"]
    last = store.page(ALICE, 3, second.next_cursor)
    assert [g.text for g in last.glimmers] == ["moment 0"] and last.next_cursor is None


def test_a_glimmer_noted_between_pages_does_not_shift_them(store):
    noted(store, ALICE, *(f"moment {n}" for n in range(4)))
    first = store.page(ALICE, 2)
    store.add(ALICE, "newer", "en-US", NOW + timedelta(hours=1))
    assert [g.text for g in store.page(ALICE, 2, first.next_cursor).glimmers] == ["moment 1", "moment 0"]


def test_a_cursor_the_store_did_not_make_is_a_value_error(store):
    noted(store, ALICE, "a")
    for bad in ("", "not a cursor", "9999-99-99T00:00:00Z~x"):
        with pytest.raises(ValueError):
            store.page(ALICE, 3, bad)


def test_an_empty_journal_reads_as_empty(store):
    assert store.page(ALICE, 3).glimmers == [] and not store.page(ALICE, 3).has_more
    assert store.glimmers(ALICE) == [] and store.count(ALICE) == 0
    assert store.days_noted(ALICE, timezone.utc) == set() and store.meta(ALICE) == {}


def test_periods_include_their_start_and_exclude_their_end(store):
    noted(store, ALICE, "before", "start", "inside", "end", start=NOW - timedelta(minutes=1))
    between = (NOW, NOW + timedelta(minutes=2))
    assert [g.text for g in store.glimmers(ALICE, between)] == ["start", "inside"]
    assert store.count(ALICE, between) == 2 and store.count(ALICE) == 4
    page = store.page(ALICE, 1, between=between)
    assert [g.text for g in page.glimmers] == ["inside"]
    assert [g.text for g in store.page(ALICE, 1, page.next_cursor, between).glimmers] == ["start"]


def test_days_noted_are_local_days_in_the_zone_asked_for(store):
    la = ZoneInfo("America/Los_Angeles")
    # 02:00 UTC on 1 December is still 30 November in Los Angeles.
    store.add(ALICE, "late evening", "en-US", datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc))
    store.add(ALICE, "a week before", "en-US", datetime(2026, 11, 23, 20, 0, tzinfo=timezone.utc))
    assert store.days_noted(ALICE, la) == {date(2026, 11, 30), date(2026, 11, 23)}
    assert store.days_noted(ALICE, timezone.utc) == {date(2026, 12, 1), date(2026, 11, 23)}
    since = datetime(2026, 11, 25, tzinfo=timezone.utc)
    assert store.days_noted(ALICE, la, since) == {date(2026, 11, 30)}


def test_a_random_sample_is_the_same_choice_on_every_engine(store):
    saved = noted(store, ALICE, *(f"moment {n}" for n in range(9)))
    chosen = store.sample(ALICE, 3, random.Random(42))
    picks = random.Random(42).sample(range(9), 3)
    assert chosen == [saved[i] for i in picks]
    assert store.sample(ALICE, 5, random.Random(1)) != [] and len(store.sample(BOB, 3, random.Random(1))) == 0
    assert len(store.sample(ALICE, 20, random.Random(1))) == 9


# -- changing -----------------------------------------------------------------


def test_a_request_delivered_twice_saves_once(store):
    first = store.add(ALICE, "rain on the window", "en-US", NOW, request_id="amzn1.echo-api.request.1")
    again = store.add(ALICE, "rain on the window", "en-US", NOW + timedelta(seconds=3), request_id="amzn1.echo-api.request.1")
    assert again == first
    store.add(ALICE, "rain on the window", "en-US", NOW, request_id="amzn1.echo-api.request.2")
    store.add(BOB, "rain on the window", "en-US", NOW, request_id="amzn1.echo-api.request.1")
    assert store.count(ALICE) == 2 and store.count(BOB) == 1


def test_a_request_delivered_to_several_threads_at_once_saves_once(store):
    results = []

    def deliver() -> None:
        results.append(store.add(ALICE, "the same moment", "en-US", NOW, request_id="amzn1.echo-api.request.X"))

    threads = [threading.Thread(target=deliver) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert store.count(ALICE) == 1
    assert len({g.id for g in results}) == 1


def test_threads_writing_one_journal_lose_nothing(store):
    def write(worker: int) -> None:
        for n in range(15):
            store.add(ALICE, f"thread {worker} moment {n}", "en-US", NOW)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    texts = [g.text for g in store.glimmers(ALICE)]
    assert len(texts) == 90 and len(set(texts)) == 90


def test_replace_changes_the_text_and_keeps_id_and_time(store):
    old, newest = noted(store, ALICE, "the smell of fresh bread", "the smell of fresh red")
    changed = store.replace(ALICE, newest.id, "the smell of fresh rain")
    assert changed == Glimmer(newest.id, "the smell of fresh rain", newest.created_at, newest.locale)
    assert store.glimmers(ALICE) == [old, changed]
    assert store.replace(ALICE, "no-such-id", "x") is None
    assert store.replace(BOB, newest.id, "x") is None and store.glimmers(ALICE)[1] == changed


def test_delete_removes_one_glimmer_of_that_journal_only(store):
    keep, gone = noted(store, ALICE, "keep", "gone")
    assert store.delete(BOB, gone.id) is None
    assert store.delete(ALICE, gone.id) == gone
    assert store.delete(ALICE, gone.id) is None
    assert store.glimmers(ALICE) == [keep]


def test_meta_changes_saved_with_a_glimmer_are_kept_with_it_and_not_again_for_a_request_delivered_twice(store):
    store.update_meta(ALICE, {"zone": "Europe/Berlin", "offer": "offered"})
    saved = store.add(ALICE, "the first frost", "en-US", NOW, request_id="amzn1.echo-api.request.1",
                      meta={"nudged_on": "2026-11-30", "offer": None})
    assert store.glimmers(ALICE) == [saved]
    assert store.meta(ALICE) == {"zone": "Europe/Berlin", "nudged_on": "2026-11-30"}
    store.update_meta(ALICE, {"nudged_on": "2026-11-29"})
    again = store.add(ALICE, "the first frost", "en-US", NOW, request_id="amzn1.echo-api.request.1",
                      meta={"nudged_on": "2026-11-30"})
    assert again == saved and store.meta(ALICE)["nudged_on"] == "2026-11-29"
    store.add(BOB, "a new journal", "en-US", NOW, meta={"nudged_on": "2026-11-30"})
    assert store.meta(BOB) == {"nudged_on": "2026-11-30"} and store.count(BOB) == 1


def test_meta_is_set_and_removed_key_by_key(store):
    assert store.update_meta(ALICE, {"zone": "Europe/Berlin", "nudged": "2026-11-30"}) == {
        "zone": "Europe/Berlin",
        "nudged": "2026-11-30",
    }
    assert store.update_meta(ALICE, {"nudged": None, "count": 3}) == {"zone": "Europe/Berlin", "count": 3}
    assert store.meta(ALICE) == {"zone": "Europe/Berlin", "count": 3}
    assert store.meta(ALICE_CAROL) == {}


def test_a_journals_reminder_is_kept_with_it_by_id_and_time_only(store):
    """The daily reminder lives in the journal's meta on every engine: its ID, its time, the offer, the nudge day."""
    noted(store, ALICE, "the first frost")
    store.update_meta(ALICE, {"zone": "Europe/Berlin"})
    store.update_meta(ALICE, reminder_meta("amzn1.alert.ABC", time(20, 0)))
    store.update_meta(ALICE, {OFFER_META: DECLINED, NUDGED_META: "2026-11-30"})
    state = ReminderState.from_meta(store.meta(ALICE))
    assert state == ReminderState("amzn1.alert.ABC", time(20, 0), DECLINED, date(2026, 11, 30))
    assert store.meta(ALICE) == {
        "zone": "Europe/Berlin",
        "reminder": {"id": "amzn1.alert.ABC", "time": "20:00"},
        "reminder_offer": "declined",
        "nudged_on": "2026-11-30",
    }
    assert ReminderState.from_meta(store.meta(ALICE_CAROL)) == ReminderState()  # each journal its own
    assert store.contents(ALICE.ref).meta["reminder"] == {"id": "amzn1.alert.ABC", "time": "20:00"}  # exported too
    store.update_meta(ALICE, reminder_meta("amzn1.alert.DEF", time(7, 30)))  # a new time replaces the old reminder
    assert ReminderState.from_meta(store.meta(ALICE)).reminder_id == "amzn1.alert.DEF"
    store.update_meta(ALICE, reminder_meta(None, None))
    assert not ReminderState.from_meta(store.meta(ALICE)).has_reminder
    assert store.meta(ALICE)["zone"] == "Europe/Berlin" and store.count(ALICE) == 1


def test_a_reminder_can_be_kept_by_a_journal_with_no_glimmers(store):
    """Someone may set a reminder before noting anything, or after deleting every glimmer."""
    store.update_meta(BOB, reminder_meta("amzn1.alert.BOB", time(9, 0)))
    assert ReminderState.from_meta(store.meta(BOB)).at == time(9, 0)
    assert store.count(BOB) == 0
    assert store.delete_journal(BOB) == 0
    assert store.meta(BOB) == {}


def test_recent_suggestions_keep_the_last_few_with_a_repeat_moved_to_the_end(store):
    for suggestion in ("a", "b", "c", "a"):
        store.remember_suggestion(ALICE, suggestion, kept=3)
    assert store.meta(ALICE)["recent_suggestions"] == ["b", "c", "a"]
    store.remember_suggestion(ALICE, "d", kept=3)
    assert store.meta(ALICE)["recent_suggestions"] == ["c", "a", "d"]


def test_deleting_a_journal_leaves_the_households_other_journals(store):
    noted(store, ALICE, "one", "two")
    noted(store, ALICE_CAROL, "carol's")
    assert store.delete_journal(ALICE) == 2
    assert store.glimmers(ALICE) == [] and store.count(ALICE_CAROL) == 1
    assert store.delete_journal(ALICE) == 0


def test_deleting_an_account_removes_its_household_and_nothing_else(store):
    noted(store, ALICE, "one")
    noted(store, ALICE_CAROL, "carol's")
    noted(store, BOB, "bob's")
    assert store.delete_account(ALICE.user_id) == 2
    assert store.count(ALICE) == 0 and store.count(ALICE_CAROL) == 0 and store.count(BOB) == 1
    assert [s.ref.account for s in store.journals()] == [BOB.ref.account]


def test_two_people_never_see_each_others_glimmers(store):
    noted(store, ALICE, "alice's")
    noted(store, ALICE_CAROL, "carol's")
    noted(store, BOB, "bob's")
    assert [g.text for g in store.glimmers(ALICE)] == ["alice's"]
    assert [g.text for g in store.page(ALICE_CAROL, 5).glimmers] == ["carol's"]
    assert store.count(BOB) == 1


# -- operator tools -----------------------------------------------------------


def test_journals_are_listed_by_hashes_with_counts_and_dates(store):
    noted(store, ALICE, "one", "two")
    noted(store, ALICE_CAROL, "carol's", start=NOW - timedelta(days=1))
    noted(store, BOB, "bob's")
    summaries = list(store.journals())
    assert [s.ref for s in summaries] == sorted([ALICE.ref, ALICE_CAROL.ref, BOB.ref], key=lambda r: (r.account, r.journal))
    alice = next(s for s in summaries if s.ref == ALICE.ref)
    assert (alice.glimmers, alice.first_noted, alice.last_noted) == (2, NOW, NOW + timedelta(minutes=1))
    assert [s.ref for s in store.journals(hash_id(BOB.user_id))] == [BOB.ref]
    assert list(store.journals("0" * 32)) == []


def test_contents_are_oldest_first_with_meta(store):
    saved = noted(store, ALICE, "one", "two")
    store.remember_suggestion(ALICE, "nature-sky")
    contents = store.contents(ALICE.ref)
    assert contents.glimmers == saved and contents.meta == {"recent_suggestions": ["nature-sky"]}
    assert contents.unreadable == 0


def test_import_adds_only_what_a_journal_lacks_and_is_safe_to_repeat(store):
    [existing] = noted(store, ALICE, "already there")
    store.update_meta(ALICE, {"recent_suggestions": ["kept"]})
    incoming = [existing, Glimmer("0" * 31 + "1", "imported", NOW - timedelta(days=3), "")]
    outcome = store.import_journal(ALICE.ref, incoming, {"recent_suggestions": ["ignored"], "extra": 1})
    assert (outcome.created, outcome.imported, outcome.skipped) == (False, 1, 1)
    assert store.glimmers(ALICE) == sorted(incoming, key=lambda g: g.sort_key)
    assert store.meta(ALICE) == {"recent_suggestions": ["kept"], "extra": 1}
    again = store.import_journal(ALICE.ref, incoming, {})
    assert (again.imported, again.skipped) == (0, 2)
    new = store.import_journal(JournalRef(hash_id("someone new")), incoming, {})
    assert new.created and new.imported == 2


def test_a_bulk_loaded_store_reads_like_any_other(store):
    ref = JournalKey("amzn1.ask.account.BULK").ref
    glimmers = [Glimmer(f"{n:032x}", f"moment {n}", NOW + timedelta(minutes=n), "en-US") for n in range(5)]
    store.bulk_load([(ref, glimmers, {"recent_suggestions": ["x"]})])
    assert store.glimmers(JournalKey("amzn1.ask.account.BULK")) == glimmers
    assert [s.glimmers for s in store.journals()] == [5]
    with pytest.raises(FileExistsError):  # a store that holds journals is never bulk-loaded over
        store.bulk_load([(ref, glimmers, {})])


def test_a_healthy_store_says_so(store):
    noted(store, ALICE, "one")
    store.check_available()
    report = store.check()
    assert report.healthy, report.findings
    assert (report.accounts, report.journals, report.glimmers) == (1, 1, 1)


def test_a_closed_store_opens_again_on_use(store):
    noted(store, ALICE, "one")
    store.close()
    assert store.count(ALICE) == 1


# -- searching ----------------------------------------------------------------


def test_search_forgives_case_punctuation_and_plurals_and_reads_newest_first(store):
    noted(store, ALICE, "Two BIRDS singing!", "rain on the window", "a bird's nest, empty", "the smell of bread")
    noted(store, BOB, "a bird at bob's feeder")
    found = store.search(ALICE, ["bird"], 5)
    assert [g.text for g in found.glimmers] == ["a bird's nest, empty", "Two BIRDS singing!"]
    assert not found.has_more
    assert [g.text for g in store.search(ALICE, ["Birds?"], 5).glimmers] == [g.text for g in found.glimmers]
    assert [g.text for g in store.search(ALICE, ["the", "birds", "singing"], 5).glimmers] == ["Two BIRDS singing!"]


def test_search_words_find_their_endings_but_not_other_words(store):
    noted(store, ALICE, "a rainy morning", "it was raining", "a rainbow", "the brain fog lifted", "sunny", "Sunday")
    assert sorted(g.text for g in store.search(ALICE, ["rain"], 10).glimmers) == ["a rainy morning", "it was raining"]
    assert [g.text for g in store.search(ALICE, ["sun"], 10).glimmers] == ["sunny"]
    noted(store, ALICE, "autumn leaves", "berries on the bush", "baking bread", start=NOW + timedelta(hours=1))
    assert [g.text for g in store.search(ALICE, ["leaf"], 10).glimmers] == ["autumn leaves"]
    assert [g.text for g in store.search(ALICE, ["berry"], 10).glimmers] == ["berries on the bush"]
    assert [g.text for g in store.search(ALICE, ["bake"], 10).glimmers] == ["baking bread"]


def test_search_pages_continue_from_a_cursor(store):
    noted(store, ALICE, *(f"sea moment {n}" if n % 2 else f"other {n}" for n in range(9)))
    first = store.search(ALICE, ["sea"], 2)
    assert [g.text for g in first.glimmers] == ["sea moment 7", "sea moment 5"] and first.has_more
    second = store.search(ALICE, ["sea"], 2, first.next_cursor)
    assert [g.text for g in second.glimmers] == ["sea moment 3", "sea moment 1"] and not second.has_more
    with pytest.raises(ValueError):
        store.search(ALICE, ["sea"], 2, "not a cursor")


def test_search_for_nothing_or_for_little_words_finds_nothing(store):
    noted(store, ALICE, "the sea", "my glimmer")
    assert store.search(ALICE, [], 5).glimmers == []
    assert store.search(ALICE, ["the", "my", "glimmers"], 5).glimmers == []
    assert store.search(BOB, ["sea"], 5).glimmers == []


def test_search_reads_through_many_glimmers_and_unusual_text_alike(store):
    texts = [f"ordinary {n}" for n in range(450)]
    texts[3], texts[250] = "Café by the SEA", "100% sea_salt \\ and %_ wildcards"
    texts[400] = "İstanbul harbour in the sea breeze"
    noted(store, ALICE, *texts)
    assert [g.text for g in store.search(ALICE, ["sea"], 10).glimmers] == [texts[400], texts[250], texts[3]]
    assert [g.text for g in store.search(ALICE, ["café"], 10).glimmers] == [texts[3]]
    assert [g.text for g in store.search(ALICE, ["%_"], 10).glimmers] == []
    assert [g.text for g in store.search(ALICE, ["istanbul"], 10).glimmers] == []  # İ is not folded to i
    page = store.search(ALICE, ["ordinary"], 3)
    assert [g.text for g in page.glimmers] == ["ordinary 449", "ordinary 448", "ordinary 447"]
