"""Keep the people who may log in to the planner and staff pages, with roles and hashed passwords.

The user file is JSON: ``{"users": {NAME: {"role": ..., "salt": hex, "hash": hex,
"kdf": "scrypt", "n": ..., "r": ..., "p": ...}}}``. Passwords are never stored, only
salted scrypt hashes; every write goes to a temporary file that then replaces the old.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Final

from floorplan.atomic import atomic_file
from floorplan.errors import UserError
from floorplan.schema import parse_option

__all__ = [
    "USERS_ENV",
    "Role",
    "User",
    "UserError",
    "add_user",
    "default_users_path",
    "load_users",
    "remove_user",
    "verify_user",
]

#: Environment variable naming the user file (else :func:`default_users_path`).
USERS_ENV: Final = "FLOORPLAN_USERS"
_NAME = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")
_MIN_PASSWORD: Final = 8
# scrypt at n=2**14, r=8 costs ~16 MiB and ~50 ms: slow for guessing, quick for a log-in.
_SCRYPT: Final = {"n": 2**14, "r": 8, "p": 1}


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


def _hash(password: str, salt: bytes, *, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=32)


def _read(path: Path) -> dict[str, dict[str, Any]]:
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        users = data["users"]
        if not isinstance(users, dict):
            raise TypeError
    except (OSError, ValueError, KeyError, TypeError) as exc:
        msg = f"user file {path} is not a floorplan user file ({type(exc).__name__}: {exc})"
        raise UserError(msg) from None
    return users


def _write(path: Path, users: dict[str, dict[str, Any]]) -> None:
    with atomic_file(path) as tmp:
        tmp.write_text(json.dumps({"users": users}, indent=2, sort_keys=True) + "\n", "utf-8")
        # Hashes are still secrets worth keeping from other local users.
        tmp.chmod(0o600)


def load_users(path: str | Path | None = None) -> dict[str, User]:
    """Return the users of the file at ``path`` (default :func:`default_users_path`) by name.

    A missing file has no users.

    Raises
    ------
    UserError
        When the file is not a user file or names an unknown role.
    """
    src = default_users_path() if path is None else Path(path)
    out = {}
    for name, rec in _read(src).items():
        role = parse_option(Role, str(rec.get("role", "")), what=f"role of user {name!r}")
        out[name] = User(name, role)
    return out


def add_user(path: str | Path | None, name: str, *, role: Role | str, password: str) -> User:
    """Add user ``name`` with ``role``, or replace their role and password.

    Raises
    ------
    UserError
        When the name has characters other than letters, digits and ``_.@-``, or the
        password is shorter than 8 characters.
    OptionError
        When ``role`` is not a :class:`Role`.
    """
    if not _NAME.match(name):
        msg = f"user name {name!r} must be 1-64 letters, digits or _.@-"
        raise UserError(msg)
    the_role = parse_option(Role, role, what="role")
    if len(password) < _MIN_PASSWORD:
        msg = f"password for user {name!r} must have at least {_MIN_PASSWORD} characters"
        raise UserError(msg)
    src = default_users_path() if path is None else Path(path)
    users = _read(src)
    salt = secrets.token_bytes(16)
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
    """Return the user when ``password`` is theirs, else ``None`` (also for unknown names)."""
    src = default_users_path() if path is None else Path(path)
    rec = _read(src).get(name)
    if rec is None or rec.get("kdf") != "scrypt":
        # Hash anyway so that unknown names take as long as wrong passwords.
        _hash(password, b"0" * 16, **_SCRYPT)
        return None
    try:
        salt = bytes.fromhex(rec["salt"])
        want = bytes.fromhex(rec["hash"])
        got = _hash(password, salt, n=int(rec["n"]), r=int(rec["r"]), p=int(rec["p"]))
        role = Role(rec["role"])
    except (KeyError, ValueError, TypeError):
        return None
    return User(name, role) if hmac.compare_digest(got, want) else None
