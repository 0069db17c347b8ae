"""Rescue what can still be read from a damaged database into a new, healthy one.

Python's sqlite3 has no ``.recover``, so rows are copied table by table into a database
freshly created by the migrations: ranges of row ids are read; a range that hits a damaged
page is halved until single rows remain, so one bad page costs only the rows on it. Rows
left pointing at something lost are dropped, except annotations, which lose their document
link (and are marked orphaned) rather than the analyst's note.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

from ctviewer.db.backup import lenient_text
from ctviewer.db.migrations import migrate
from ctviewer.domain.backups import SalvageReport, TableSalvage

# What reading a damaged page can raise (SQLite's error text may itself quote bad bytes).
_UNREADABLE = (sqlite3.DatabaseError, UnicodeDecodeError)
CHUNK = 2000
# Rows per read for tables holding whole texts, so memory stays bounded on long documents.
TEXT_CHUNK = 50
TEXT_TABLES = frozenset({"document_texts"})
# Stop probing past the last row found after this many empty ranges (when max(rowid) is unreadable).
_EMPTY_RANGES_TO_STOP = 50


def salvage_database(damaged: Path, target: Path) -> SalvageReport:
    """Copy every readable row of ``damaged`` into a new database at ``target``."""
    target.unlink(missing_ok=True)
    source = _open_damaged(damaged)
    dest = sqlite3.connect(target, isolation_level=None)
    report = SalvageReport()
    try:
        migrate(dest)
        dest.execute("PRAGMA foreign_keys=OFF")
        dest.execute("BEGIN")
        tables = [
            r[0]
            for r in dest.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid"
            )
        ]
        for table in tables:
            report.tables.append(_copy_table(source, dest, table))
        report.orphaned_annotations = _settle_foreign_keys(dest, report)
        dest.execute("COMMIT")
        dest.execute("PRAGMA journal_mode=DELETE")
    finally:
        source.close()
        dest.close()
    return report


def _open_damaged(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn.text_factory = lenient_text  # a damaged value keeps its readable part
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except _UNREADABLE:
        conn.close()
    # A damaged or foreign -wal can make the file unreadable: read the main file alone.
    conn = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    conn.text_factory = lenient_text
    return conn


def _copy_table(source: sqlite3.Connection, dest: sqlite3.Connection, table: str) -> TableSalvage:
    try:
        expected = int(source.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])
    except _UNREADABLE:
        expected = None
    result = TableSalvage(table, expected)
    try:
        src_cols = [r[1] for r in source.execute(f'PRAGMA table_info("{table}")')]
    except _UNREADABLE as exc:
        result.error = f"schema unreadable ({exc})"
        return result
    if not src_cols:
        result.error = "missing from the damaged file"
        return result
    dest_cols = [r[1] for r in dest.execute(f'PRAGMA table_info("{table}")')]
    columns = [c for c in dest_cols if c in src_cols]
    quoted = ", ".join(f'"{c}"' for c in columns)
    select = f'SELECT {quoted} FROM "{table}" WHERE rowid BETWEEN ? AND ? ORDER BY rowid'
    insert = f'INSERT OR REPLACE INTO "{table}" ({quoted}) VALUES ({", ".join("?" * len(columns))})'
    chunk = TEXT_CHUNK if table in TEXT_TABLES else CHUNK
    for rows in _readable_rows(source, select, table, result, chunk):
        dest.execute("SAVEPOINT chunk")
        try:
            dest.executemany(insert, rows)
            dest.execute("RELEASE chunk")
            result.recovered += len(rows)
        except sqlite3.DatabaseError:  # a damaged value breaks a constraint: keep the others
            dest.execute("ROLLBACK TO chunk")
            dest.execute("RELEASE chunk")
            for row in rows:
                try:
                    dest.execute(insert, row)
                    result.recovered += 1
                except sqlite3.DatabaseError:
                    result.invalid_rows += 1
    return result


def _readable_rows(
    source: sqlite3.Connection, select: str, table: str, result: TableSalvage, chunk: int
) -> Iterator[list[tuple[object, ...]]]:
    try:
        top = source.execute(f'SELECT max(rowid) FROM "{table}"').fetchone()[0]
        bounded = True
    except _UNREADABLE:
        top, bounded = None, False
    if bounded and top is None:
        return  # empty table
    low, empty_run = 1, 0
    while True:
        if bounded and low > int(top):
            return
        if not bounded and empty_run >= _EMPTY_RANGES_TO_STOP:
            return
        high = low + chunk - 1
        rows = list(_read_range(source, select, low, high, result))
        empty_run = 0 if rows else empty_run + 1
        if rows:
            yield rows
        low = high + 1


def _read_range(
    source: sqlite3.Connection, select: str, low: int, high: int, result: TableSalvage
) -> Iterator[tuple[object, ...]]:
    try:
        rows = source.execute(select, (low, high)).fetchall()
    except _UNREADABLE:
        if low == high:
            result.unreadable_rows += 1
            return
        middle = (low + high) // 2
        yield from _read_range(source, select, low, middle, result)
        yield from _read_range(source, select, middle + 1, high, result)
        return
    yield from rows


def _settle_foreign_keys(dest: sqlite3.Connection, report: SalvageReport) -> int:
    """Drop rows pointing at lost rows; annotations keep their note and become orphaned."""
    orphaned = 0
    for _ in range(10):  # deleting a parent can orphan its children: repeat until settled
        problems = dest.execute("PRAGMA foreign_key_check").fetchall()
        if not problems:
            break
        for table, rowid, parent, _fk in problems:
            if table == "annotations" and parent == "documents":
                dest.execute("UPDATE annotations SET document_id = NULL, orphaned = 1 WHERE rowid = ?", (rowid,))
                orphaned += 1
            elif table == "annotations" and parent == "annotation_colors":
                dest.execute("UPDATE annotations SET color = 'yellow' WHERE rowid = ?", (rowid,))
            else:
                deleted = dest.execute(f'DELETE FROM "{table}" WHERE rowid = ?', (rowid,)).rowcount
                if deleted:
                    report.table(table).dropped += 1
    return orphaned
