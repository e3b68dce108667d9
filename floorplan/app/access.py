"""Decide who may do what on the server: the rules, kept apart from Tornado and Panel.

The server (:mod:`floorplan.app.auth`) asks these objects and writes the answers as
HTTP; everything here is plain Python with an injectable clock, so that tests drive it
without a server:

- :func:`safe_next` keeps the redirect after a log-in on this site;
- :func:`client_address` names the client a request comes from (the socket's peer, or
  the address a trusted reverse proxy forwarded), and :func:`forwarded_https` whether it
  reached the proxy over HTTPS;
- :class:`LoginThrottle` slows password guessing per user and per client (exponential
  backoff after a few free failures);
- :class:`RateLimiter` bounds how many new kiosk sessions one client may start (a token
  bucket per client);
- :class:`SessionStore` is the server-side list of log-ins: a cookie names a session,
  and a session that was logged out, expired or whose user was removed opens nothing;
- :class:`UserDirectory` re-reads the user file whenever it changes on disk, so that a
  removed user or a changed role counts within seconds;
- :func:`load_cookie_secret` returns the secret that signs cookies: given, or kept in
  the config folder (created once, mode 0600), never shorter than 32 bytes.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import ipaddress
import json
import logging
import math
import os
import secrets
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final
from urllib.parse import quote, urlsplit

from floorplan.errors import OptionError
from floorplan.users import User, load_users

__all__ = [
    "COOKIE_SECRET_FILE",
    "MIN_SECRET_BYTES",
    "SESSIONS_FILE",
    "LoginThrottle",
    "RateLimiter",
    "SessionStore",
    "UserDirectory",
    "client_address",
    "forwarded_https",
    "load_cookie_secret",
    "parse_networks",
    "retry_after",
    "safe_next",
]

_log = logging.getLogger(__name__)
Clock = Callable[[], float]

#: A cookie secret shorter than this is refused: 32 bytes is HMAC-SHA256's key size.
MIN_SECRET_BYTES: Final = 32
#: The files the server keeps in its config folder (beside the user file).
COOKIE_SECRET_FILE: Final = "cookie-secret"
SESSIONS_FILE: Final = "sessions.json"
_MAX_NEXT_CHARS: Final = 2000
# Characters a redirect target keeps as they are; the rest (spaces, non-ASCII) are
# percent-encoded, so that the Location header is always a valid, same-site path.
_URL_SAFE: Final = "/?&=%#:@!$'()*+,;~-._"


# --- redirects ---------------------------------------------------------------------------
def safe_next(value: str | None, default: str) -> str:
    r"""Return ``value`` if it is a path on this site, else ``default``.

    A browser reads ``//host``, ``///host`` and ``/\\host`` as another site, so only a
    path with one leading slash and no backslash or control character is kept; spaces
    and other characters a header cannot hold are percent-encoded.

    >>> safe_next("/planner?v=2", "/kiosk")
    '/planner?v=2'
    >>> [safe_next(v, "/kiosk") for v in ("///evil.example/x", "////evil", "/\\\\evil", "http://e")]
    ['/kiosk', '/kiosk', '/kiosk', '/kiosk']
    >>> safe_next("/a b", "/kiosk")
    '/a%20b'
    """
    if not value or len(value) > _MAX_NEXT_CHARS:
        return default
    if not value.startswith("/") or value.startswith("//") or "\\" in value:
        return default
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):
        return default
    quoted = quote(value, safe=_URL_SAFE)
    parts = urlsplit(quoted)
    if parts.scheme or parts.netloc or quoted.startswith("//"):
        return default
    return quoted


# --- clients -----------------------------------------------------------------------------
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(values: Iterable[str]) -> tuple[Network, ...]:
    """Return the addresses or networks ``values`` names (``127.0.0.1``, ``10.0.0.0/8``).

    Raises
    ------
    OptionError
        When one is not an IP address or network.
    """
    out = []
    for v in values:
        try:
            out.append(ipaddress.ip_network(v.strip(), strict=False))
        except ValueError:
            msg = f"--trusted-proxy {v!r} is not an IP address or network (e.g. 127.0.0.1)"
            raise OptionError(msg) from None
    return tuple(out)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


def _trusted(text: str, trusted: tuple[Network, ...]) -> bool:
    addr = _address(text)
    return addr is not None and any(addr in net for net in trusted)


def client_address(peer: str, headers: Mapping[str, str], trusted: tuple[Network, ...]) -> str:
    """Return the address of the client: ``peer``, or what a trusted proxy forwarded.

    ``X-Forwarded-For`` is read only when the peer is a trusted proxy, from the right:
    the first address not itself a trusted proxy is the client (addresses further left
    were written by the client and prove nothing).

    >>> nginx = parse_networks(["127.0.0.1"])
    >>> client_address("127.0.0.1", {"X-Forwarded-For": "6.6.6.6, 203.0.113.9"}, nginx)
    '203.0.113.9'
    >>> client_address("198.51.100.7", {"X-Forwarded-For": "203.0.113.9"}, nginx)
    '198.51.100.7'
    """
    if not trusted or not _trusted(peer, trusted):
        return peer
    forwarded = headers.get("X-Forwarded-For", "")
    hops = [h.strip() for h in forwarded.split(",") if h.strip()]
    for hop in reversed(hops):
        if _address(hop) is None:
            break  # a damaged header: trust nothing further left
        if not _trusted(hop, trusted):
            return str(_address(hop))
    real = _address(headers.get("X-Real-IP", ""))
    return str(real) if real is not None else peer


def forwarded_https(peer: str, headers: Mapping[str, str], trusted: tuple[Network, ...]) -> bool:
    """Return whether a trusted proxy says the client reached it over HTTPS."""
    if not trusted or not _trusted(peer, trusted):
        return False
    proto = headers.get("X-Forwarded-Proto", "").split(",")[-1].strip().lower()
    return proto == "https"


# --- log-in throttling -------------------------------------------------------------------
@dataclass
class _Failures:
    count: int
    last: float


class LoginThrottle:
    """Slow down password guessing: per key, a lock that doubles after each failure.

    Keys are ``("user", name)`` and ``("client", address)``; a log-in attempt is refused
    while any of its keys is locked. The first ``free`` failures of a key cost nothing;
    each later one locks the key for ``base_s``, then twice as long, up to ``max_s``.
    A key forgets its failures ``forget_s`` after the last one, and a successful log-in
    forgets them at once.

    Parameters
    ----------
    free
        Failures allowed per kind of key before locks start (``{"user": 5, "client": 10}``:
        a client may stand for several people behind one address).
    base_s, max_s, forget_s
        The first lock, the longest, and how long failures are remembered.
    max_keys
        Keys remembered at most (the oldest are forgotten first), so that guesses at
        random user names cannot fill the memory.
    clock
        Seconds, monotonic.
    """

    def __init__(
        self,
        *,
        free: Mapping[str, int] | None = None,
        base_s: float = 1.0,
        max_s: float = 900.0,
        forget_s: float = 900.0,
        max_keys: int = 50_000,
        clock: Clock = time.monotonic,
    ) -> None:
        self.free = dict(free or {"user": 5, "client": 10})
        self.base_s, self.max_s, self.forget_s = base_s, max_s, forget_s
        self.max_keys = max_keys
        self._clock = clock
        self._failures: dict[tuple[str, str], _Failures] = {}
        self._lock = threading.Lock()

    def _locked_for(self, key: tuple[str, str], now: float) -> float:
        rec = self._failures.get(key)
        if rec is None:
            return 0.0
        if now - rec.last >= self.forget_s:
            del self._failures[key]
            return 0.0
        extra = rec.count - self.free.get(key[0], 5)
        if extra <= 0:
            return 0.0
        lock = min(self.max_s, self.base_s * 2.0 ** min(extra - 1, 30))
        return max(0.0, rec.last + lock - now)

    def wait_s(self, keys: Iterable[tuple[str, str]]) -> float:
        """Return how many seconds the attempt with ``keys`` must wait (0: go ahead)."""
        now = self._clock()
        with self._lock:
            return max((self._locked_for(k, now) for k in keys), default=0.0)

    def failed(self, keys: Iterable[tuple[str, str]]) -> None:
        """Count a failed attempt against each of ``keys``."""
        now = self._clock()
        with self._lock:
            for key in keys:
                rec = self._failures.pop(key, None) or _Failures(0, now)
                rec.count += 1
                rec.last = now
                self._failures[key] = rec  # re-inserted: the dict stays oldest-first
            while len(self._failures) > self.max_keys:
                del self._failures[next(iter(self._failures))]

    def succeeded(self, keys: Iterable[tuple[str, str]]) -> None:
        """Forget the failures of ``keys`` (a correct password)."""
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)


# --- kiosk sessions ------------------------------------------------------------------------
class RateLimiter:
    """A token bucket per key: ``burst`` at once, then ``per_minute`` a minute.

    Parameters
    ----------
    per_minute
        Sustained rate (0: no limit).
    burst
        How many may be taken at once by a key that was quiet.
    max_keys
        Buckets kept at most (full ones are dropped first: they hold no information).
    clock
        Seconds, monotonic.
    """

    def __init__(
        self,
        *,
        per_minute: float,
        burst: int,
        max_keys: int = 50_000,
        clock: Clock = time.monotonic,
    ) -> None:
        self.rate_s = per_minute / 60.0
        self.burst = max(1, burst)
        self.max_keys = max_keys
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """Take one token of ``key``'s bucket; return 0, or the seconds until one is there."""
        if self.rate_s <= 0:
            return 0.0
        now = self._clock()
        with self._lock:
            tokens, then = self._buckets.pop(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - then) * self.rate_s)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                wait = 0.0
            else:
                self._buckets[key] = (tokens, now)
                wait = (1.0 - tokens) / self.rate_s
            if len(self._buckets) > self.max_keys:
                self._prune(now)
        return wait

    def _prune(self, now: float) -> None:
        full = [
            k
            for k, (t, then) in self._buckets.items()
            if t + (now - then) * self.rate_s >= self.burst
        ]
        for k in full:
            del self._buckets[k]
        while len(self._buckets) > self.max_keys:
            del self._buckets[next(iter(self._buckets))]


# --- server-side sessions ------------------------------------------------------------------
def _digest(sid: str) -> str:
    # The file keeps digests: a copy of it does not hand out log-ins.
    return hashlib.sha256(sid.encode("utf-8")).hexdigest()


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically, readable by its owner only from the start."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:  # mkstemp creates the file with mode 0600
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        Path(name).replace(path)
    finally:
        Path(name).unlink(missing_ok=True)


#: What tells that a file changed: inode (an atomic replace makes a new one), mtime, size,
#: ctime.
_FileStamp = tuple[int, int, int, int]


def _file_stamp(path: Path) -> _FileStamp | None:
    """Return what tells whether ``path`` changed since last read (``None``: no such file)."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size, st.st_ctime_ns)


class SessionStore:
    """The server's log-ins: a random session id (in a signed cookie) names a user.

    Log-out deletes the session, so that a copy of the cookie opens nothing afterwards;
    sessions end ``lifetime_s`` after the log-in. With a ``path`` the sessions are kept
    in that file (digests of the ids, mode 0600), so that a restart logs nobody out, and
    the file is the truth: every worker process of ``floorplan serve --processes N``
    follows it (a ``stat`` per question, read again when it changed), and a log-in or
    log-out re-reads it and writes it under an exclusive lock on a sibling ``.lock`` file,
    so that two workers never drop each other's sessions.

    Parameters
    ----------
    path
        The file to keep sessions in (``None``: in memory only).
    lifetime_s
        How long a log-in lasts.
    clock
        Seconds since the epoch (sessions outlive the process).
    """

    def __init__(
        self,
        path: Path | None = None,
        *,
        lifetime_s: float = 12 * 3600.0,
        clock: Clock = time.time,
    ) -> None:
        self.path = path
        self.lifetime_s = lifetime_s
        self._clock = clock
        self._lock = threading.Lock()
        self._seen: _FileStamp | None = None
        self._sessions: dict[str, tuple[str, float]] = {}
        with self._lock:
            self._reload()

    def _stamp(self) -> _FileStamp | None:
        return _file_stamp(self.path) if self.path is not None else None

    def _reload(self) -> None:
        """Read the file again (the caller holds ``_lock``)."""
        self._seen = self._stamp()
        self._sessions = self._load()

    def _follow(self) -> dict[str, tuple[str, float]]:
        """Return the sessions, read again when another process changed the file."""
        if self.path is not None and self._stamp() != self._seen:
            self._reload()
        return self._sessions

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """Hold the thread lock and the file lock, with the sessions freshly read."""
        with self._lock:
            if self.path is None:
                yield
                return
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(
                self.path.with_name(self.path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600
            )
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                self._reload()
                yield
            finally:
                os.close(fd)  # closing releases the lock

    def _load(self) -> dict[str, tuple[str, float]]:
        if self.path is None or not self.path.exists():
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            now = self._clock()
            return {
                str(k): (str(v["user"]), float(v["expires"]))
                for k, v in data["sessions"].items()
                if float(v["expires"]) > now
            }
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            # Losing the sessions only asks everyone to log in again: start afresh.
            _log.warning(
                "session file %s cannot be read (%s): everyone logs in again", self.path, exc
            )
            return {}

    def _save(self) -> None:
        if self.path is None:
            return
        data = {"sessions": {k: {"user": u, "expires": e} for k, (u, e) in self._sessions.items()}}
        try:
            _write_private(self.path, json.dumps(data, sort_keys=True) + "\n")
        except OSError as exc:  # a full disk: log-ins still work until the next restart
            _log.warning("cannot write the session file %s: %s", self.path, exc)
        self._seen = self._stamp()

    def create(self, user: str) -> str:
        """Start a session for ``user``; return its id (for the cookie)."""
        sid = secrets.token_urlsafe(32)
        now = self._clock()
        with self._writing():
            self._sessions = {k: v for k, v in self._sessions.items() if v[1] > now}
            self._sessions[_digest(sid)] = (user, now + self.lifetime_s)
            self._save()
        return sid

    def user_of(self, sid: str | None) -> str | None:
        """Return the user of session ``sid`` (``None``: no such session, or it ended)."""
        if not sid:
            return None
        with self._lock:
            rec = self._follow().get(_digest(sid))
        if rec is None or rec[1] <= self._clock():
            return None
        return rec[0]

    def revoke(self, sid: str | None) -> bool:
        """End session ``sid`` (a log-out); return whether there was one."""
        if not sid:
            return False
        with self._writing():
            found = self._sessions.pop(_digest(sid), None) is not None
            if found:
                self._save()
        return found

    def revoke_user(self, user: str) -> int:
        """End every session of ``user``; return how many there were."""
        with self._writing():
            gone = [k for k, (u, _) in self._sessions.items() if u == user]
            for k in gone:
                del self._sessions[k]
            if gone:
                self._save()
        return len(gone)


# --- the user file, followed -------------------------------------------------------------
class UserDirectory:
    """The user file's users, re-read whenever the file changes on disk.

    A ``stat`` per question (microseconds) tells whether to read again, so that a user
    removed or given another role by ``floorplan users`` counts at once, without a
    restart and without reading the file on every request.

    Raises
    ------
    UserError
        From :meth:`get` and :meth:`users` when the file cannot be read as a whole.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._stamp: _FileStamp | None = None
        self._users: dict[str, User] = {}

    def users(self) -> dict[str, User]:
        """Return the users by name as the file says now."""
        stamp = _file_stamp(self.path)
        with self._lock:
            if stamp is None:
                self._stamp, self._users = None, {}
            elif stamp != self._stamp:
                users = load_users(self.path)  # UserError: the next call tries again
                self._stamp, self._users = stamp, users
            return self._users

    def get(self, name: str) -> User | None:
        """Return user ``name`` (``None``: no such user, or their entry is broken)."""
        return self.users().get(name) if name else None


# --- the cookie secret -------------------------------------------------------------------
def _check_secret(secret: str, where: str) -> str:
    if len(secret.encode("utf-8")) < MIN_SECRET_BYTES:
        msg = (
            f"the cookie secret from {where} has {len(secret.encode('utf-8'))} bytes; it needs "
            f"at least {MIN_SECRET_BYTES} (make one with: python3 -c 'import secrets; "
            "print(secrets.token_urlsafe(48))')"
        )
        raise OptionError(msg)
    return secret


def load_cookie_secret(folder: Path, given: str | None = None) -> str:
    """Return the secret that signs cookies: ``given``, else the one kept in ``folder``.

    The kept secret is created once (random, 48 bytes of entropy) with mode 0600 from its
    first byte, written whole to a temporary file and linked into place, so that two
    servers starting together agree on one secret and nobody ever reads half of one.

    Raises
    ------
    OptionError
        When the secret is shorter than :data:`MIN_SECRET_BYTES`, or the kept file is
        readable by others or cannot be read or made.
    """
    if given is not None:
        return _check_secret(given, "FLOORPLAN_COOKIE_SECRET")
    path = folder / COOKIE_SECRET_FILE
    try:
        if not path.exists():
            _create_secret(path)
        mode = path.stat().st_mode
        if mode & 0o077:
            msg = (
                f"cookie secret {path} is readable by others (mode {mode & 0o777:o}); "
                f"run: chmod 600 {path}"
            )
            raise OptionError(msg)
        secret = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        why = exc.strerror if isinstance(exc, OSError) else "it is not text"
        msg = f"cookie secret {path} cannot be read or made ({why})"
        raise OptionError(msg) from None
    return _check_secret(secret, str(path))


def _create_secret(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:  # mkstemp: O_EXCL, mode 0600
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(secrets.token_urlsafe(48) + "\n")
            f.flush()
            os.fsync(f.fileno())
        # link() never replaces: a secret another server made meanwhile stands.
        with contextlib.suppress(FileExistsError):
            os.link(name, path)
    finally:
        Path(name).unlink(missing_ok=True)


def retry_after(seconds: float) -> str:
    """Return a ``Retry-After`` value: whole seconds, at least 1."""
    return str(max(1, math.ceil(seconds)))
