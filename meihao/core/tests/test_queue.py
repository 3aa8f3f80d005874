"""The embedded job queue commits without an fsync, like the main database (WAL, NORMAL)."""

from meihao.core.queue import SqliteHuey


def test_the_embedded_queue_runs_wal_with_normal_sync(tmp_path):
    huey = SqliteHuey("meihao-test", filename=str(tmp_path / "queue.sqlite3"))
    connection = huey.storage.conn
    assert connection.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert connection.execute("pragma synchronous").fetchone()[0] == 1  # NORMAL (FULL is 2)
    huey.storage.enqueue(b"task")
    assert huey.storage.queue_size() == 1
