"""Write files and folders atomically: to a temporary sibling, then rename into place."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Final

__all__ = ["atomic_dir", "atomic_file", "refuse_existing", "why_write_failed"]

#: errno values that mean "no room": a full disk, a full quota, a file-size limit.
_NO_ROOM: Final = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
#: How libraries that wrap the error (SQLite, GDAL) say the same.
_NO_ROOM_WORDS: Final = ("disk is full", "no space left", "file too large", "disk i/o error")
_REASON_CHARS: Final = 200
#: GDAL quotes each SQL statement that failed, up to kilobytes of it.
_SQL: Final = re.compile(r"sqlite3_exec\(.*?\) failed", re.DOTALL)


def refuse_existing(target: str | Path, *, overwrite: bool) -> Path:
    """Return ``target`` as a path; refuse (FileExistsError) one that exists unless ``overwrite``.

    Every writer calls this before it starts, so an existing file is never half-replaced
    and every command words the refusal alike (the CLI adds which option replaces it).
    """
    path = Path(target)
    if path.exists() and not overwrite:
        msg = f"{path} already exists and was left as it is"
        raise FileExistsError(msg)
    return path


def why_write_failed(exc: BaseException) -> str:
    """Return, in a few words, why a write failed, for a message that says what to do.

    Libraries that write through SQLite or GDAL wrap a full disk in messages of kilobytes
    (GDAL quotes the SQL it ran); this keeps their first line, or says "full" plainly.

    >>> why_write_failed(OSError(errno.ENOSPC, "No space left on device"))
    'the disk is full (or the file would exceed the size allowed)'
    >>> why_write_failed(RuntimeError("sqlite3_exec(CREATE TABLE x ...) failed: disk I/O error"))
    'the disk is full or failing (a write was refused)'
    >>> why_write_failed(RuntimeError("Add feature: sqlite3_exec(INSERT (a)) failed: no table"))
    'Add feature: an SQL statement failed: no table (is the disk full, or the folder read-only?)'
    """
    if isinstance(exc, OSError) and exc.errno in _NO_ROOM:
        return "the disk is full (or the file would exceed the size allowed)"
    text = str(exc).strip()
    if any(word in text.lower() for word in _NO_ROOM_WORDS):
        return "the disk is full or failing (a write was refused)"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror + (f": {exc.filename}" if exc.filename else "")
    first = text.splitlines()[0] if text else type(exc).__name__
    first = _SQL.sub("an SQL statement failed", first)
    first = first if len(first) <= _REASON_CHARS else first[: _REASON_CHARS - 3] + "..."
    if isinstance(exc, OSError | UnicodeError):
        return first
    # GDAL often loses the cause ("Cannot write feature"): name the usual ones.
    return f"{first} (is the disk full, or the folder read-only?)"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_file(target: Path, *, mode: int | None = None) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it onto ``target`` on success.

    On any error the temporary file is removed and ``target`` is left as it was.

    Parameters
    ----------
    target
        The file to write.
    mode
        Create the temporary file with these permission bits, before a byte is written,
        and keep it for the caller to write into (``Path.write_text`` keeps the mode):
        for secrets, ``0o600`` means that no moment exposes them. Without ``mode`` only
        the name is reserved, for writers (GDAL's GPKG driver) that refuse an existing
        empty file, and the file gets the usual mode.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    # mkstemp creates the file with O_EXCL and mode 0o600.
    fd, name = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=f".tmp{target.suffix}", dir=target.parent
    )
    tmp = Path(name)
    try:
        if mode is not None:
            os.fchmod(fd, mode)
    finally:
        os.close(fd)
    if mode is None:
        tmp.unlink()
    try:
        yield tmp
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)


@contextlib.contextmanager
def atomic_dir(target: Path) -> Iterator[Path]:
    """Yield a temporary folder beside ``target``; swap it in for ``target`` on success.

    An existing ``target`` is moved aside first and deleted only once the new folder is
    in place, so at no moment is there a half-written ``target``.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    # mkdtemp makes the folder private (0700); the venue should get the usual mode.
    tmp.chmod(0o777 & ~_umask())
    old: Path | None = None
    try:
        yield tmp
        if target.exists():
            old = Path(
                tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent)
            )
            old.rmdir()
            target.replace(old)
        tmp.replace(target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
