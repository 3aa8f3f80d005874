"""Per-process snapshots: rebuilt when told after a commit, or when the tables' fingerprint
changes (read at most every SNAPSHOT_RECHECK_SECONDS), and otherwise served as they are."""

import pytest

from meihao.core import snapshot
from meihao.core.snapshot import ProcessSnapshot


class Tables:
    """Stands in for the database: a fingerprint and the rows to build from."""

    def __init__(self):
        self.rows = ["网格 A1"]
        self.version = 1
        self.builds = 0
        self.fingerprints = 0

    def build(self):
        self.builds += 1
        return tuple(self.rows)

    def fingerprint(self):
        self.fingerprints += 1
        return (self.version,)


@pytest.fixture
def clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(snapshot.time, "monotonic", lambda: now[0])
    return now


@pytest.fixture
def tables(settings, clock):
    settings.SNAPSHOT_RECHECK_SECONDS = 10
    return Tables()


def make(tables, name="test:rows"):
    return ProcessSnapshot(name, build=tables.build, fingerprint=tables.fingerprint)


def test_built_once_and_served_while_nothing_changes(tables, clock):
    rows = make(tables)
    assert rows.get() == ("网格 A1",)
    clock[0] += 9
    assert rows.get() == ("网格 A1",)
    assert (tables.builds, tables.fingerprints) == (1, 1)


def test_changed_rebuilds_at_once(tables):
    rows = make(tables)
    rows.get()
    tables.rows.append("网格 A2")
    assert rows.get() == ("网格 A1",)  # nobody said anything yet
    rows.changed()
    assert rows.get() == ("网格 A1", "网格 A2")
    assert tables.builds == 2


def test_a_change_around_the_services_is_noticed_after_the_recheck_interval(tables, clock):
    rows = make(tables)
    rows.get()
    tables.rows.append("网格 A2")
    tables.version += 1
    clock[0] += 9
    assert rows.get() == ("网格 A1",)
    clock[0] += 2
    assert rows.get() == ("网格 A1", "网格 A2")
    # The same fingerprint after the interval: checked again, not rebuilt.
    clock[0] += 11
    assert rows.get() == ("网格 A1", "网格 A2")
    assert (tables.builds, tables.fingerprints) == (2, 3)


def test_snapshots_do_not_share_tokens(tables):
    first, second = make(tables, "test:first"), make(tables, "test:second")
    first.get()
    second.get()
    first.changed()
    first.get()
    second.get()
    assert tables.builds == 3


def test_forget_all_makes_every_snapshot_rebuild(tables):
    rows = make(tables)
    rows.get()
    snapshot.forget_all()
    rows.get()
    assert tables.builds == 2
