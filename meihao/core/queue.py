"""The embedded job queue: Huey on a SQLite file, committing as the main database does.

Huey's SqliteStorage leaves SQLite's default `synchronous=FULL`, an fsync on every enqueue —
paid inside each request that queues a task. The main database runs WAL with
`synchronous=NORMAL` (no fsync at commit; a power cut can lose the last commits but never
corrupts), and so does the queue now. Losing a queued task is harmless by design: the work it
stands for (a delivery, a fan-out) is a row in the main database that the minute sweeps find.
"""

from huey import Huey
from huey.storage import SqliteStorage


class NormalSyncSqliteStorage(SqliteStorage):
    def _create_connection(self):
        connection = super()._create_connection()
        connection.execute("pragma synchronous=NORMAL")
        return connection


class SqliteHuey(Huey):
    storage_class = NormalSyncSqliteStorage
