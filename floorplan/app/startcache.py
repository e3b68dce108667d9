"""Keep what a server's start builds from a venue, so that a restart loads it in seconds.

A ``floorplan serve`` start spends most of its time on two things besides the search
index (kept beside the layout store by :meth:`floorplan.search.SearchIndex.cached`):
reading and validating the venue file (and the published layout version), and building
the router. Measured on the 74,000-booth venue (2 cores): about 8 s (8 s more for a
published version) and 12 s; loading them from here, about 2 s.

:class:`StartCache` keeps them in a folder beside the user file (``start-cache/``; the
folder of the cookie secret, known before the venue is read):

- ``venue-<digest>.pickle``: the venue read from a file whose bytes have that digest
  (every file of a GeoJSON folder), *only once it passed every rule*; a venue that breaks
  one is never kept, so it is refused exactly as without the cache, every time;
- ``layout-<digest>.pickle``: a layout version read from the store, validated (its
  problems listed, as :meth:`~floorplan.io.store.LayoutStore.load` gives them), named by a
  digest of everything read for it (its record and every row, as SQLite gave them);
- ``router-<digest>.pickle``: the router of a venue whose content (every layer's
  attributes and geometry, :func:`floorplan.search.venue_digest`) has that digest: the
  venue file's and each published layout version's.

Each name also carries a digest of the code (every module of :mod:`floorplan`) and of the
libraries' versions, so a new release or library builds anew. A file holds a pickle, so it
is signed with a key derived from the server's cookie secret (keyed BLAKE2b over its name
and content) and read only when the signature holds: someone who may write the folder but
not read the secret cannot make the server run code, and a truncated, corrupt or foreign
file is rebuilt with a one-line warning, never used. Files are written whole to a
temporary sibling and renamed into place: two servers starting together both build,
both succeed, and one complete file stays. The newest few of each kind are kept.

Nothing here starts a thread (``floorplan serve --processes`` forks after the start).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import importlib.metadata
import io
import logging
import os
import pickle
import platform
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

from floorplan.atomic import atomic_file
from floorplan.errors import OptionError
from floorplan.venue import Venue, bundled_venue_path

__all__ = ["CACHE_FOLDER", "KeySource", "StartCache", "source_digest"]

_log = logging.getLogger(__name__)

#: The cache's folder, beside the user file (and the cookie secret its key comes from).
CACHE_FOLDER: Final = "start-cache"
#: The first bytes of every cache file (a new layout of the file gets a new one).
_MAGIC: Final = b"floorplan start cache 1\n"
_MAC_BYTES: Final = 32
#: The libraries whose objects are pickled or whose code builds them.
_LIBRARIES: Final = ("numpy", "pandas", "geopandas", "shapely", "pyproj", "pyogrio", "scipy")
_VENUE_REF: Final = "venue"


def source_digest(path: Path) -> str | None:
    """Return a digest of a venue source's bytes: a file, or every file of a folder.

    ``None`` when it cannot be read (the loader then says why, as without a cache).
    """
    h = hashlib.blake2b(digest_size=20)
    try:
        if path.is_dir():
            # Every regular file of the folder, by name: whatever the reader may look at.
            for child in sorted(path.iterdir()):
                if child.is_file():
                    h.update(f"{child.name}\0{child.stat().st_size}\0".encode())
                    h.update(child.read_bytes())
        elif path.is_file():
            h.update(path.read_bytes())
        else:
            return None
    except (OSError, UnicodeError):
        return None
    return h.hexdigest()


def _code_digest() -> str:
    """Return a digest of floorplan's code and the libraries' versions."""
    h = hashlib.blake2b(digest_size=8)
    h.update(f"{platform.python_version()}\0{pickle.HIGHEST_PROTOCOL}\0".encode())
    for dist in _LIBRARIES:
        try:
            h.update(f"{dist}={importlib.metadata.version(dist)}\0".encode())
        except importlib.metadata.PackageNotFoundError:
            h.update(f"{dist}=none\0".encode())
    root = Path(__file__).resolve().parents[1]
    for module in sorted(root.rglob("*.py")):
        h.update(str(module.relative_to(root)).encode() + b"\0")
        h.update(module.read_bytes())
    return h.hexdigest()


class _Pickler(pickle.Pickler):
    """Pickle a router without its venue (which the reader passes back in)."""

    def __init__(self, file: io.BytesIO, venue: Venue | None) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._venue = venue

    def persistent_id(self, obj: Any) -> str | None:
        return _VENUE_REF if obj is self._venue and obj is not None else None


class _Unpickler(pickle.Unpickler):
    def __init__(self, file: io.BytesIO, venue: Venue | None) -> None:
        super().__init__(file)
        self._venue = venue

    def persistent_load(self, pid: Any) -> Any:
        if pid != _VENUE_REF or self._venue is None:
            msg = f"unknown reference {pid!r}"
            raise pickle.UnpicklingError(msg)
        return self._venue


#: Returns the signing key, or ``None`` when there is none; its argument says whether it
#: may make a new secret (only once a venue passed: a refused one leaves nothing behind).
KeySource = Callable[[bool], bytes | None]


class StartCache:
    """The validated venues and routers a server's start builds, kept in ``folder``.

    Parameters
    ----------
    folder
        Where the files are kept (made when first written).
    key
        The signing key, or a :data:`KeySource` asked when one is first needed
        (``None``: keep nothing, build everything, as without a cache).
    keep
        How many files of each kind to keep, newest first (each start touches the ones
        it used).
    """

    def __init__(self, folder: Path, key: bytes | KeySource | None, *, keep: int = 2) -> None:
        self.folder = Path(folder)
        self._source: KeySource | None = None
        self._key: bytes | None = None
        if callable(key):
            self._source = key
        else:
            self._key = key
        self._keep = keep
        self._code = ""
        #: Whether the last :meth:`load_venue` came from the cache.
        self.venue_was_kept = False
        #: Content digests of the venues this cache returned (the venue object kept too,
        #: so that its id is not reused), to spare computing them again.
        self._digests: dict[int, tuple[Venue, str]] = {}

    @classmethod
    def for_users(cls, users_path: Path, *, secret: str | None = None) -> StartCache:
        """Return the cache beside the user file, keyed by the server's cookie secret.

        ``secret`` is ``$FLOORPLAN_COOKIE_SECRET`` if given, else the secret kept beside
        the user file (made, as the server would, only once a venue passed). Without a
        usable secret the cache keeps nothing, and the server says why when it reads the
        secret itself.
        """
        from floorplan.app.access import (  # noqa: PLC0415 - app-level
            COOKIE_SECRET_FILE,
            load_cookie_secret,
        )

        folder = Path(users_path).parent

        def key(create: bool) -> bytes | None:
            if secret is None and not create and not (folder / COOKIE_SECRET_FILE).exists():
                return None
            try:
                text = load_cookie_secret(folder, secret)
            except OptionError:
                return None
            return hmac.new(text.encode(), b"floorplan start cache", hashlib.sha256).digest()

        return cls(folder / CACHE_FOLDER, key)

    def _signing_key(self, *, create: bool) -> bytes | None:
        """Return the key (asked of the key source once it can give one)."""
        if self._key is None and self._source is not None:
            self._key = self._source(create)
            if self._key is not None:
                self._source = None
        if self._key is not None and not self._code:
            self._code = _code_digest()
        return self._key

    # --- the venue ---------------------------------------------------------------------
    def load_venue(self, path: str | Path | None = None) -> Venue:
        """Return the venue at ``path`` as :func:`floorplan.io.load_venue` does (strict).

        A venue read and validated before from the same bytes, with the same code, is
        loaded from the cache; otherwise the file is read and validated, and kept only if
        it passed and its bytes did not change meanwhile.

        Raises
        ------
        VenueReadError, VenueError
            As :func:`floorplan.io.load_venue` (never from the cache: only venues that
            passed are kept).
        """
        from floorplan.io import load_venue  # noqa: PLC0415 - heavy
        from floorplan.search import venue_digest  # noqa: PLC0415

        src = bundled_venue_path() if path is None else Path(path)
        digest = source_digest(src)
        if digest is not None and self._signing_key(create=False) is not None:
            kept = self._read(f"venue-{digest}-{self._code}")
            entry = self._entry(kept)
            if entry is not None and not entry[0].problems:
                venue = entry[0]
                venue.source = src
                self.venue_was_kept = True
                return venue
            if kept is not None:
                _log.warning("start cache %s holds something else; reading the venue", digest)
        self.venue_was_kept = False
        venue = load_venue(src)  # raises for a venue that breaks a rule: nothing is kept
        if (
            digest is not None
            and self._signing_key(create=True) is not None
            and source_digest(src) == digest  # the file did not change while it was read
        ):
            content = venue_digest(venue)
            self._digests[id(venue)] = (venue, content)
            source, venue.source = venue.source, None
            try:
                self._write(f"venue-{digest}-{self._code}", (venue, content))
            finally:
                venue.source = source
        return venue

    def content_digest(self, venue: Venue) -> str:
        """Return :func:`floorplan.search.venue_digest` of ``venue``.

        Remembered for the venues this cache returned (the server never edits them).
        """
        known = self._digests.get(id(venue))
        if known is not None and known[0] is venue:
            return known[1]
        from floorplan.search import venue_digest  # noqa: PLC0415

        return venue_digest(venue)

    def _entry(self, kept: Any) -> tuple[Venue, str] | None:
        """Return a kept (venue, content digest) pair, remembering the digest; else None."""
        if (
            isinstance(kept, tuple)
            and len(kept) == 2  # (venue, content digest)
            and isinstance(kept[0], Venue)
            and isinstance(kept[1], str)
        ):
            self._digests[id(kept[0])] = kept
            return kept
        return None

    # --- layout versions (floorplan.io.store.VersionCache) -------------------------------
    def get_version(self, key: str) -> Venue | None:
        """Return the layout version read and validated before from the same rows."""
        if self._signing_key(create=False) is None:
            return None
        kept = self._read(f"layout-{key}-{self._code}")
        entry = self._entry(kept)
        if entry is not None:
            return entry[0]
        if kept is not None:
            _log.warning("start cache %s holds something else; reading the version", key)
        return None

    def put_version(self, key: str, venue: Venue) -> None:
        """Keep a layout version as read and validated (its problems listed)."""
        from floorplan.search import venue_digest  # noqa: PLC0415

        if self._signing_key(create=True) is not None:
            content = venue_digest(venue)
            self._digests[id(venue)] = (venue, content)
            self._write(f"layout-{key}-{self._code}", (venue, content))

    # --- the router --------------------------------------------------------------------
    def router(self, venue: Venue, *, digest: str | None = None) -> Any:
        """Return the :class:`~floorplan.routing.Router` of ``venue`` (default options).

        ``digest`` is the venue's content digest (:meth:`content_digest` if not given).
        """
        from floorplan.routing import Router  # noqa: PLC0415 - heavy

        if self._signing_key(create=True) is None:
            return Router(venue)
        name = f"router-{digest or self.content_digest(venue)}-{self._code}"
        kept = self._read(name, venue=venue)
        if isinstance(kept, Router) and kept.venue is venue:
            return kept
        if kept is not None:
            _log.warning("start cache %s holds something else; building the router", name)
        router = Router(venue)
        self._write(name, router, venue=venue)
        return router

    # --- files -------------------------------------------------------------------------
    def _mac(self, name: str, body: bytes | memoryview) -> bytes:
        h = hashlib.blake2b(name.encode() + b"\0", key=self._key or b"", digest_size=_MAC_BYTES)
        h.update(body)
        return h.digest()

    def _read(self, name: str, *, venue: Venue | None = None) -> Any:
        """Return the object kept as ``name`` (``None``: none, or not usable: warned)."""
        path = self.folder / f"{name}.pickle"
        try:
            with path.open("rb") as f:
                head = f.read(len(_MAGIC) + _MAC_BYTES)
                body = f.read()
        except FileNotFoundError:
            return None
        except OSError as exc:
            _log.warning("start cache %s cannot be read (%s); building again", path, exc.strerror)
            return None
        if not head.startswith(_MAGIC) or not hmac.compare_digest(
            head[len(_MAGIC) :], self._mac(name, body)
        ):
            _log.warning(
                "start cache %s is truncated, corrupt or not signed by this server; building again",
                path,
            )
            return None
        try:
            kept = _Unpickler(io.BytesIO(body), venue).load()
        except Exception as exc:  # a signed file that still fails (a bug): build again
            _log.warning("start cache %s cannot be loaded (%s); building again", path, exc)
            return None
        with contextlib.suppress(OSError):  # its age keeps it among the newest
            os.utime(path)
        return kept

    def _write(self, name: str, obj: Any, *, venue: Venue | None = None) -> None:
        """Keep ``obj`` as ``name``, signed, written atomically; prune the oldest."""
        buf = io.BytesIO()
        try:
            _Pickler(buf, venue).dump(obj)
        except Exception as exc:  # something unpicklable (a bug): serve without keeping it
            _log.warning("cannot keep %s in the start cache (%s)", name.split("-", 1)[0], exc)
            return
        body = buf.getbuffer()
        path = self.folder / f"{name}.pickle"
        try:
            with atomic_file(path) as tmp, tmp.open("wb") as f:
                f.write(_MAGIC + self._mac(name, body))
                f.write(body)
            kind = name.split("-", 1)[0]
            kept = sorted(self.folder.glob(f"{kind}-*.pickle"), key=_mtime)
            for stale in kept[: -self._keep]:
                stale.unlink(missing_ok=True)
        except OSError as exc:  # a read-only or full disk: serve without keeping it
            _log.warning("cannot keep %s in the start cache %s (%s)", name, self.folder, exc)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:  # removed meanwhile by another server's pruning
        return 0.0
