"""Keep the people who may log in to the planner and staff pages, with roles and hashed passwords.

The user file is JSON: ``{"users": {NAME: {"role": ..., "salt": hex, "hash": hex,
"kdf": "scrypt", "n": ..., "r": ..., "p": ...}}}``. Passwords are never stored, only
salted scrypt hashes; every write goes to a temporary file created with mode 0600 that
then replaces the old, so the hashes are never readable by other local users.

A file that cannot be read as a whole (empty, not JSON, no ``users`` object) is refused
with a :class:`UserError`: nobody's identity can be trusted from it, so nobody logs in
until it is mended. One entry that is broken (an unknown role, a damaged hash) shuts out
that user only: it is skipped with a warning, and everyone else logs in as before. Failing
closed for the one entry and open for the rest is what an administrator expects after
a typo in a hand edit; locking out every planner would be worse than the typo.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import re
import secrets
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Final

from floorplan.atomic import atomic_file, why_write_failed
from floorplan.errors import UserError, WriteError
from floorplan.schema import parse_option

__all__ = [
    "MAX_PASSWORD_CHARS",
    "MIN_PASSWORD_CHARS",
    "USERS_ENV",
    "Role",
    "User",
    "UserError",
    "UserFile",
    "add_user",
    "check_password",
    "default_users_path",
    "load_users",
    "read_user_file",
    "remove_user",
    "verify_user",
]

#: Environment variable naming the user file (else :func:`default_users_path`).
USERS_ENV: Final = "FLOORPLAN_USERS"
_NAME = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")
#: Password policy: long beats clever (NIST SP 800-63B); a passphrase of three or four
#: words passes easily. Repetitive ones and the handful of long passwords every guessing
#: list starts with are refused too.
MIN_PASSWORD_CHARS: Final = 12
MAX_PASSWORD_CHARS: Final = 1024
_MIN_DISTINCT_CHARS: Final = 5
_COMMON_PASSWORDS: Final = frozenset(
    {
        "123456789012",
        "1234567890123",
        "qwertyuiop12",
        "qwerty123456",
        "password1234",
        "password12345",
        "passwordpassword",
        "iloveyou1234",
        "letmein12345",
        "welcome12345",
        "administrator",
        "changeme1234",
    }
)
# scrypt at n=2**14, r=8 costs ~16 MiB and ~50 ms: slow for guessing, quick for a log-in.
_SCRYPT: Final = {"n": 2**14, "r": 8, "p": 1}
_SALT_BYTES: Final = 16
_HASH_BYTES: Final = 32
_log = logging.getLogger(__name__)
#: (file, user, why) already warned about, so that a server checking every request
#: warns once per broken entry, not once per request.
_warned: set[tuple[str, str, str]] = set()


class Role(StrEnum):
    """What a logged-in user may open: planners the planner, staff the staff page, admins all."""

    PLANNER = "planner"
    STAFF = "staff"
    ADMIN = "admin"


@dataclass(frozen=True)
class User:
    """One entry of the user file (without its secret)."""

    name: str
    role: Role


def default_users_path() -> Path:
    """Return the user file: ``$FLOORPLAN_USERS``, else ``$XDG_CONFIG_HOME/floorplan/users.json``.

    ``XDG_CONFIG_HOME`` defaults to ``~/.config``.
    """
    env = os.environ.get(USERS_ENV)
    if env:
        return Path(env)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "floorplan" / "users.json"


@dataclass(frozen=True)
class UserFile:
    """The user file as read: who can log in, and which entries cannot, and why.

    Attributes
    ----------
    users
        The users whose entry is whole, by name.
    broken
        The names whose entry is not (an unknown role, a damaged hash), and why.
    """

    users: dict[str, User] = field(default_factory=dict)
    broken: dict[str, str] = field(default_factory=dict)


def _hash(password: str, salt: bytes, *, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=32)


def _read(path: Path) -> dict[str, Any]:
    """Return the file's ``users`` object as stored (a missing file has none).

    Raises
    ------
    UserError
        When the file as a whole cannot be read: it is empty, not UTF-8 JSON, or has no
        ``users`` object.
    """
    if not path.exists():
        return {}
    fix = "restore it from a backup, or move it away and add the users again"
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        why = exc.strerror if isinstance(exc, OSError) else "it is not UTF-8 text"
        msg = f"user file {path} cannot be read ({why}); {fix}"
        raise UserError(msg) from None
    if not text.strip():
        msg = f"user file {path} is empty; {fix} ('floorplan users add')"
        raise UserError(msg)
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        msg = f"user file {path} is not JSON ({exc}); {fix}"
        raise UserError(msg) from None
    users = data.get("users") if isinstance(data, dict) else None
    if not isinstance(users, dict):
        msg = f'user file {path} is not a floorplan user file (no "users" object); {fix}'
        raise UserError(msg)
    return users


def _entry_flaw(name: str, rec: object) -> str | None:
    """Return why an entry cannot be used to log in, or None when it is whole."""
    if not _NAME.match(name):
        return "its name is not 1-64 letters, digits or _.@-"
    if not isinstance(rec, dict):
        return "its entry is not a JSON object"
    role = rec.get("role")
    if role not in {r.value for r in Role}:
        valid = ", ".join(r.value for r in Role)
        return f"unknown role {str(role)[:40]!r} (valid: {valid})"
    if rec.get("kdf") != "scrypt":
        return f"unknown password hashing {str(rec.get('kdf'))[:40]!r} (floorplan uses scrypt)"
    try:
        salt, digest = bytes.fromhex(rec["salt"]), bytes.fromhex(rec["hash"])
        n, r, p = (rec[k] for k in ("n", "r", "p"))
    except (KeyError, TypeError, ValueError):
        return "its salt or hash is missing or not hexadecimal"
    if len(salt) < _SALT_BYTES or len(digest) != _HASH_BYTES:
        return "its salt or hash has the wrong length"
    if not all(type(v) is int and v > 0 for v in (n, r, p)) or n & (n - 1):
        return "its scrypt parameters n, r, p are not positive integers (n a power of 2)"
    return None


def _warn_once(path: Path, name: str, why: str) -> None:
    key = (str(path), name, why)
    if key not in _warned:
        _warned.add(key)
        _log.warning("user file %s: user %r cannot log in: %s", path, name, why)


def read_user_file(path: str | Path | None = None) -> UserFile:
    """Read the user file at ``path`` (default :func:`default_users_path`).

    A missing file has no users. A broken entry shuts out that user only (listed in
    ``broken``).

    Raises
    ------
    UserError
        When the file as a whole cannot be read (empty, not JSON, no ``users`` object).
    """
    src = default_users_path() if path is None else Path(path)
    out = UserFile()
    for name, rec in _read(src).items():
        flaw = _entry_flaw(name, rec)
        if flaw is None:
            out.users[name] = User(name, Role(rec["role"]))
        else:
            out.broken[name] = flaw
    return out


def load_users(path: str | Path | None = None) -> dict[str, User]:
    """Return the users of the file at ``path`` (default :func:`default_users_path`) by name.

    A missing file has no users. A broken entry (an unknown role, a damaged hash) is
    left out with a warning (logged once per entry), so that it shuts out that user only.

    Raises
    ------
    UserError
        When the file as a whole cannot be read (empty, not JSON, no ``users`` object).
    """
    src = default_users_path() if path is None else Path(path)
    found = read_user_file(src)
    for name, why in found.broken.items():
        _warn_once(src, name, why)
    return found.users


def check_password(name: str, password: str) -> None:
    """Refuse a password that is too short, too long, repetitive, common or the name.

    Raises
    ------
    UserError
        Saying what the password needs.
    """
    problem = None
    if len(password) < MIN_PASSWORD_CHARS:
        problem = (
            f"must have at least {MIN_PASSWORD_CHARS} characters (a passphrase of three or "
            "four words is easy to remember)"
        )
    elif len(password) > MAX_PASSWORD_CHARS:
        problem = f"must have at most {MAX_PASSWORD_CHARS} characters"
    elif len(set(password)) < _MIN_DISTINCT_CHARS:
        problem = f"must use at least {_MIN_DISTINCT_CHARS} different characters"
    elif password.lower() in _COMMON_PASSWORDS:
        problem = "is one of the first that any guesser tries"
    elif name.lower() in password.lower():
        problem = "must not contain the user name"
    if problem:
        msg = f"password for user {name!r} {problem}"
        raise UserError(msg)


def _write(path: Path, users: dict[str, Any]) -> None:
    text = json.dumps({"users": users}, indent=2, sort_keys=True) + "\n"
    try:
        # Hashes are still secrets worth keeping from other local users: the temporary
        # file is created 0600, before the first byte, and renamed over the old file.
        with atomic_file(path, mode=0o600) as tmp:
            tmp.write_text(text, "utf-8")
    except OSError as exc:
        msg = f"user file {path} cannot be written: {why_write_failed(exc)}; nothing changed"
        raise WriteError(msg) from None


def add_user(path: str | Path | None, name: str, *, role: Role | str, password: str) -> User:
    """Add user ``name`` with ``role``, or replace their role and password.

    Other entries, whole or broken, are kept as they are.

    Raises
    ------
    UserError
        When the name has characters other than letters, digits and ``_.@-``, the
        password breaks the policy (:func:`check_password`), or the file cannot be read.
    OptionError
        When ``role`` is not a :class:`Role`.
    WriteError
        When the file cannot be written (nothing changed).
    """
    if not _NAME.match(name):
        msg = f"user name {name!r} must be 1-64 letters, digits or _.@-"
        raise UserError(msg)
    the_role = parse_option(Role, role, what="role")
    check_password(name, password)
    src = default_users_path() if path is None else Path(path)
    users = _read(src)
    salt = secrets.token_bytes(_SALT_BYTES)
    users[name] = {
        "role": the_role.value,
        "kdf": "scrypt",
        **_SCRYPT,
        "salt": salt.hex(),
        "hash": _hash(password, salt, **_SCRYPT).hex(),
    }
    _write(src, users)
    return User(name, the_role)


def remove_user(path: str | Path | None, name: str) -> None:
    """Remove user ``name`` from the file.

    Raises
    ------
    UserError
        When there is no such user.
    """
    src = default_users_path() if path is None else Path(path)
    users = _read(src)
    if name not in users:
        msg = f"no user {name!r} in {src}"
        raise UserError(msg)
    del users[name]
    _write(src, users)


def verify_user(path: str | Path | None, name: str, password: str) -> User | None:
    """Return the user when ``password`` is theirs, else ``None``.

    ``None`` too for unknown names and broken entries (logged once), after the same work
    as a wrong password, so that the time taken tells nothing.

    Raises
    ------
    UserError
        When the file as a whole cannot be read (empty, not JSON, no ``users`` object).
    """
    src = default_users_path() if path is None else Path(path)
    rec = _read(src).get(name)
    flaw = _entry_flaw(name, rec) if rec is not None else "no such user"
    if flaw is None:
        assert isinstance(rec, dict)  # _entry_flaw checked it
        try:
            got = _hash(password, bytes.fromhex(rec["salt"]), n=rec["n"], r=rec["r"], p=rec["p"])
        except ValueError as exc:  # parameters beyond scrypt's memory bound
            flaw = f"its scrypt parameters cannot be used ({exc})"
        else:
            ok = hmac.compare_digest(got, bytes.fromhex(rec["hash"]))
            return User(name, Role(rec["role"])) if ok else None
    if rec is not None:
        _warn_once(src, name, flaw)
    _hash(password, b"0" * _SALT_BYTES, **_SCRYPT)
    return None
