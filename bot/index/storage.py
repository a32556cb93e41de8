"""Naming what went wrong with the disk under the index, instead of a database traceback.

The index lives in Chroma's SQLite file and HNSW folders under ``BOT_DATA_DIR``. Chroma
reports a full disk, a read-only folder or a damaged file as an ``InternalError`` carrying
SQLite's message, and the lock and our own files as ``OSError``; both are mapped here to
:class:`DataDirReadOnly`, :class:`DataDirFull` or :class:`IndexCorrupt`, each with its own
exit status and a sentence that says what to do.
"""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.errors import BotError, DataDirFull, DataDirReadOnly, IndexCorrupt

_READ_ONLY_ERRNOS = (errno.EROFS, errno.EACCES, errno.EPERM)
_FULL_ERRNOS = (errno.ENOSPC, errno.EDQUOT)
# SQLite's own messages (result codes 8, 13, 11 and 26), as Chroma passes them on.
_READ_ONLY_TEXT = ("attempt to write a readonly database", "read-only file system")
_FULL_TEXT = ("database or disk is full", "no space left on device")
_CORRUPT_TEXT = ("database disk image is malformed", "file is not a database")


@contextmanager
def storage_errors(data_dir: Path) -> Iterator[None]:
    """Re-raise storage failures inside the block as the bot's errors; others pass through."""
    try:
        yield
    except OSError as exc:
        mapped = _from_errno(exc, data_dir)
        if mapped is None:
            raise
        raise mapped from exc
    except Exception as exc:
        # Chroma's own errors are matched by name: importing chromadb here would cost the
        # no-change ingest its one-second start.
        if not (isinstance(exc, sqlite3.DatabaseError) or _is_chroma_error(exc)):
            raise
        mapped = _from_message(str(exc), data_dir)
        if mapped is None:
            raise
        raise mapped from exc


def _is_chroma_error(exc: BaseException) -> bool:
    return any(c.__module__.startswith("chromadb") for c in type(exc).__mro__)


def _from_errno(exc: OSError, data_dir: Path) -> BotError | None:
    where = exc.filename or data_dir
    if exc.errno in _READ_ONLY_ERRNOS:
        return _read_only(f"{where} ({exc.strerror})")
    if exc.errno in _FULL_ERRNOS:
        return _full(str(where))
    return None


def _from_message(message: str, data_dir: Path) -> BotError | None:
    text = message.lower()
    if any(t in text for t in _READ_ONLY_TEXT):
        return _read_only(str(data_dir / "chroma"))
    if any(t in text for t in _FULL_TEXT):
        return _full(str(data_dir / "chroma"))
    if any(t in text for t in _CORRUPT_TEXT):
        chroma = data_dir / "chroma"
        return IndexCorrupt(
            f"the index database {chroma / 'chroma.sqlite3'} is damaged ({_sqlite_reason(text)}); "
            f"move {chroma} aside and run `python ingest.py --rebuild`"
        )
    return None


def _read_only(where: str) -> DataDirReadOnly:
    return DataDirReadOnly(
        f"cannot write to {where}: the folder is read-only or not writable by this user "
        "(the index lives in BOT_DATA_DIR); nothing was changed"
    )


def _full(where: str) -> DataDirFull:
    return DataDirFull(
        f"the disk holding {where} is full; free some space and run the ingest again "
        "(the current index keeps serving)"
    )


def _sqlite_reason(text: str) -> str:
    return next(t for t in _CORRUPT_TEXT if t in text)
