"""Keep every saved layout of a venue as an immutable version in one GeoPackage.

The file is a real GeoPackage (GDAL, QGIS and pyogrio open it): one feature table per
venue layer and an ``events`` table, each row tagged with ``fp_version``, plus

- ``versions``: ``fp_version, parent, author, message, saved_at, published``, the venue's
  ``venue.json`` text and, per layer, which version's rows it uses and its columns;
- ``publications``: an append-only log of which version was published when, by whom,
  against which rules, and which warnings the publisher acknowledged;
- ``drafts``: planners' autosaved unsaved edits, one per user and base version (made on
  the first draft; never a version, never listed as a GeoPackage layer);
- ``kiosk_heartbeats``: one row per running server process, saying how many kiosk
  sessions it serves and which version each shows, refreshed every few seconds.

Publishing goes through a gate: :meth:`LayoutStore.publish` checks the version with the
store's ``gate`` (the rule engine's ``all`` rules in the server and the command line;
:class:`floorplan.rules.PublishGate`), refuses one with an error, asks an acknowledgement
of its warnings, then lets the caller build what kiosks need from it (``prepare``) and
only then writes the publication: a version that fails any step is never marked published.

How writes stay atomic and safe: the skeleton (tables, CRS, indexes) is created once by
pyogrio in a temporary file that is hard-linked into place, so two processes creating the
store at once cannot clobber each other. Every save is then **one SQLite transaction**
opened with ``BEGIN IMMEDIATE``: it takes the write lock first, then checks that ``base``
is still the latest version, then inserts the version's rows and its ``versions`` row,
then commits. Two planners on the same base cannot both win, and a process killed
mid-save leaves a hot journal that SQLite rolls back on the next open: the store holds
exactly the versions committed before. Rows are written with :mod:`sqlite3` (GeoPackage
geometry blobs: an 8-byte header with the envelope, then WKB) because GDAL cannot make
several layers and a version check one transaction; reads use :mod:`sqlite3` too, so
that a load sees one consistent snapshot and waits politely for a writer.

A layer whose content did not change since the parent version is not stored again: the
version points at the parent's rows (``layers_json``), so a booth move stores booths only.
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import json
import math
import os
import pickle
import sqlite3
import struct
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Protocol

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
import shapely.affinity
from pyogrio.errors import DataLayerError, DataSourceError
from shapely.errors import GEOSException

from floorplan import schema as S
from floorplan.atomic import why_write_failed
from floorplan.errors import (
    FloorplanError,
    PublishRefusedError,
    StaleBaseError,
    StoreError,
    WriteError,
)
from floorplan.io._frames import meta_json
from floorplan.io._normalise import RawVenue, build_venue
from floorplan.problems import Problem, Severity
from floorplan.schema import Col
from floorplan.validate import validate
from floorplan.venue import Venue
from floorplan.versions import KioskStatus, Publication, VersionInfo

__all__ = [
    "DRAFT_MAX_BYTES",
    "HEARTBEAT_MAX_AGE_S",
    "DraftInfo",
    "Gate",
    "LayoutDiff",
    "LayoutStore",
    "Publication",
    "PublishRefusedError",
    "StaleBaseError",
    "StoreError",
    "VersionCache",
    "VersionInfo",
    "changed_booths",
    "default_store_path",
    "format_gate",
    "store_for_venue",
]


class VersionCache(Protocol):
    """Versions read and validated before, kept by a digest of what was read (as read)."""

    def get_version(self, key: str) -> Venue | None:
        """Return the venue kept as ``key``, if any (it must be exactly what was read)."""

    def put_version(self, key: str, venue: Venue) -> None:
        """Keep ``venue`` (read and validated, ``problems`` listed) as ``key``."""


#: Checks a layout before it is published; ``describe(venue)``, if it has one, names its rules.
Gate = Callable[[Venue], Sequence[Problem]]
#: Builds what kiosks need from a version about to be published (raises if it cannot).
Prepare = Callable[[Venue, int], object]

_VERSION: Final = "fp_version"
_GEOM: Final = "geom"
_RESERVED: Final = frozenset({"fid", _GEOM, _VERSION})
_VERSIONS: Final = "versions"
_PUBLICATIONS: Final = "publications"
_HEARTBEATS: Final = "kiosk_heartbeats"
#: Columns added to ``publications`` after stores were first made (added on a write).
_PUBLICATION_EXTRA: Final = {"gate": "TEXT", "acknowledged_json": "TEXT"}
#: A server process whose last heartbeat is older than this has stopped.
HEARTBEAT_MAX_AGE_S: Final = 20.0
_TABLES: Final = (*S.LAYERS, S.EVENTS)
#: How long a save or load waits for another process's write to finish.
_BUSY_S: Final = 60.0
#: Shapes closer than this (1 mm) count as the same place in a diff.
_SAME_M: Final = 1e-3
#: What decoding a hand-damaged record raises (its JSON, numbers, geometry blobs).
_DAMAGE: Final = (ValueError, KeyError, TypeError, IndexError, struct.error, GEOSException)


#: Environment variable naming the layout store that ``serve`` and ``layouts`` use.
STORE_ENV: Final = "FLOORPLAN_STORE"


def _store_folder(users_path: Path | None) -> Path:
    from floorplan.users import default_users_path  # noqa: PLC0415 - users is optional here

    return (users_path or default_users_path()).parent


#: The store of the first venue served, before stores were kept per venue.
_SHARED_STORE: Final = "layouts.gpkg"
#: The folder (beside the user file) of the stores kept per venue.
_VENUE_STORES: Final = "layouts"


def _existing_stores(folder: Path) -> list[Path]:
    shared = folder / _SHARED_STORE
    own = sorted((folder / _VENUE_STORES).glob("*.gpkg"))
    return ([shared] if shared.is_file() else []) + [p for p in own if p.is_file()]


def default_store_path(users_path: Path | None = None) -> Path:
    """Return the layout store ``floorplan layouts`` uses when none is given.

    ``$FLOORPLAN_STORE`` if set; else the one store in the config folder (beside the
    user file, by default ``~/.config/floorplan/``): ``layouts.gpkg`` or one of the
    per-venue stores that :func:`store_for_venue` makes for ``floorplan serve``; with
    none yet, ``layouts.gpkg``.

    Raises
    ------
    StoreError
        When the folder holds stores of several venues: the caller must choose one.
    """
    env = os.environ.get(STORE_ENV)
    if env:
        return Path(env)
    folder = _store_folder(users_path)
    stores = _existing_stores(folder)
    if len(stores) > 1:
        names = "; ".join(f"{p} ({LayoutStore(p).venue_name() or 'empty'})" for p in stores)
        msg = f"{folder} holds the layout stores of several venues: {names}; pass --store FILE"
        raise StoreError(msg)
    return stores[0] if stores else folder / _SHARED_STORE


def store_for_venue(venue_name: str, users_path: Path | None = None) -> Path:
    """Return the layout store of the venue named ``venue_name``: one store per venue.

    ``$FLOORPLAN_STORE`` if set; else ``layouts.gpkg`` in the config folder when it is
    empty or holds this venue (where the first venue's versions have always been), else
    ``layouts/<name>-<hash>.gpkg`` there, made for this venue alone. So serving another
    venue never meets a store of the first one, and no published layout is left behind.

    The name is the venue's (``venue.json``), made file-safe, with a hash of it so that
    names that differ only in punctuation or script get stores of their own.

    Raises
    ------
    StoreError
        When ``layouts.gpkg`` exists but cannot be read.
    """
    env = os.environ.get(STORE_ENV)
    if env:
        return Path(env)
    folder = _store_folder(users_path)
    shared = folder / _SHARED_STORE
    if shared.is_file() and LayoutStore(shared).venue_name() in {None, venue_name}:
        return shared
    words = "".join(c if c.isascii() and c.isalnum() else " " for c in venue_name.lower())
    slug = "-".join(words.split())
    digest = hashlib.sha256(venue_name.encode("utf-8")).hexdigest()[:8]
    return folder / _VENUE_STORES / f"{(slug or 'venue')[:40]}-{digest}.gpkg"


@dataclass(frozen=True)
class LayoutDiff:
    """What changed between two versions, by booth id (each tuple sorted).

    ``moved`` booths kept their shape and size (translated or rotated); ``resized`` ones
    changed shape or size; ``reassigned`` ones changed exhibitor; ``rezoned`` ones zone.
    """

    a: int
    b: int
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    moved: tuple[str, ...] = ()
    resized: tuple[str, ...] = ()
    reassigned: tuple[str, ...] = ()
    rezoned: tuple[str, ...] = ()
    changed_layers: tuple[str, ...] = field(default=())

    @property
    def empty(self) -> bool:
        """Whether the two versions hold the same booths in the same places."""
        return not any(
            (self.added, self.removed, self.moved, self.resized, self.reassigned, self.rezoned)
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the diff as JSON reports have it."""
        return {
            "a": self.a,
            "b": self.b,
            "added": list(self.added),
            "removed": list(self.removed),
            "moved": list(self.moved),
            "resized": list(self.resized),
            "reassigned": list(self.reassigned),
            "rezoned": list(self.rezoned),
            "changed_layers": list(self.changed_layers),
        }


# ----------------------------------------------------------------- drafts
# A planner's unsaved edits, autosaved: one row per user and base version in a plain
# SQLite table beside the versions (not registered in gpkg_contents, so GIS tools do not
# list it, and never a version: ``versions()``, ``layouts list`` and the kiosks never read
# it). Each write is one ``BEGIN IMMEDIATE`` transaction, as a save is.

_DRAFTS: Final = "drafts"
#: The largest draft text the store keeps (bytes of UTF-8).
DRAFT_MAX_BYTES: Final = 4 * 2**20


@dataclass(frozen=True)
class DraftInfo:
    """One autosaved draft: whose, on which version, from when, how many edits.

    Attributes
    ----------
    author
        The user whose unsaved edits these are.
    base
        The version the edits would be saved on (the one the planner had open).
    origin
        The version the edits start from (``base`` unless the planner saved meanwhile).
    edits
        How many unsaved edits the planner had made.
    saved_at
        When it was written (ISO 8601, UTC).
    size_bytes
        The size of its text.
    """

    author: str
    base: int
    origin: int
    edits: int
    saved_at: str
    size_bytes: int


class _DraftStore:
    """The layout store's drafts (mixed into :class:`LayoutStore`)."""

    if TYPE_CHECKING:
        path: Path

        def _read(self) -> contextlib.AbstractContextManager[sqlite3.Connection]: ...

        def _write(self) -> contextlib.AbstractContextManager[sqlite3.Connection]: ...

        def _unknown(self, version: object, db: sqlite3.Connection | None = None) -> StoreError: ...

    def save_draft(
        self, author: str, *, base: int, origin: int, edits: int, text: str
    ) -> DraftInfo:
        """Keep ``text`` as ``author``'s draft on version ``base``, replacing the one before.

        Raises
        ------
        StoreError
            When the store does not exist yet, ``base`` or ``origin`` is not a version, the
            author is empty, or the text is larger than :data:`DRAFT_MAX_BYTES`.
        """
        size = len(text.encode("utf-8"))
        if size > DRAFT_MAX_BYTES:
            msg = (
                f"a draft of {size:,} bytes is over the layout store's limit of "
                f"{DRAFT_MAX_BYTES:,}; save the layout as a version instead"
            )
            raise StoreError(msg)
        if not author:
            msg = "a draft needs the name of its author"
            raise StoreError(msg)
        if not self.path.exists():
            raise self._unknown(base)
        when = _now()
        with self._write() as db:
            for v in (base, origin):
                found = db.execute(
                    f"SELECT 1 FROM {_VERSIONS} WHERE {_VERSION} = ?", (_int(v),)
                ).fetchone()
                if found is None:
                    raise self._unknown(v, db)
            db.execute(
                f"CREATE TABLE IF NOT EXISTS {_DRAFTS} (author TEXT NOT NULL, "
                "base INTEGER NOT NULL, origin INTEGER NOT NULL, edits INTEGER NOT NULL, "
                "saved_at TEXT NOT NULL, text TEXT NOT NULL, PRIMARY KEY (author, base))"
            )
            db.execute(
                f"INSERT OR REPLACE INTO {_DRAFTS} (author, base, origin, edits, saved_at, "
                "text) VALUES (?, ?, ?, ?, ?, ?)",
                (author, base, origin, int(edits), when, text),
            )
        return DraftInfo(author, base, origin, int(edits), when, size)

    def drafts(self, author: str | None = None) -> list[DraftInfo]:
        """Return the drafts (of ``author``, or everyone's), newest first."""
        if not self.path.exists():
            return []
        where, args = ("WHERE author = ?", (author,)) if author is not None else ("", ())
        with self._read() as db:
            if not _has_drafts(db):
                return []
            rows = db.execute(
                f"SELECT author, base, origin, edits, saved_at, length(CAST(text AS BLOB)) "
                f"FROM {_DRAFTS} {where} ORDER BY saved_at DESC, base DESC",
                args,
            ).fetchall()
        return [
            DraftInfo(str(a), int(b), int(o), int(e), str(s), int(n)) for a, b, o, e, s, n in rows
        ]

    def load_draft(self, author: str, base: int) -> tuple[DraftInfo, str] | None:
        """Return ``author``'s draft on version ``base`` and its text (``None``: no draft)."""
        if not self.path.exists():
            return None
        with self._read() as db:
            if not _has_drafts(db):
                return None
            row = db.execute(
                f"SELECT origin, edits, saved_at, text FROM {_DRAFTS} "
                "WHERE author = ? AND base = ?",
                (author, _int(base)),
            ).fetchone()
        if row is None:
            return None
        origin, edits, when, text = row
        info = DraftInfo(author, base, int(origin), int(edits), str(when), len(text.encode()))
        return info, str(text)

    def delete_draft(self, author: str, base: int) -> bool:
        """Delete ``author``'s draft on version ``base``; return whether there was one."""
        if not self.path.exists():
            return False
        with self._write() as db:
            if not _has_drafts(db):
                return False
            cur = db.execute(
                f"DELETE FROM {_DRAFTS} WHERE author = ? AND base = ?", (author, _int(base))
            )
            return cur.rowcount > 0


def _has_drafts(db: sqlite3.Connection) -> bool:
    return (
        db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (_DRAFTS,)
        ).fetchone()
        is not None
    )


class LayoutStore(_DraftStore):
    """A GeoPackage of immutable layout versions (see the module's notes on atomicity).

    Parameters
    ----------
    path
        The ``.gpkg`` file; created on the first save.
    gate
        What :meth:`publish` checks a version with (default :func:`format_gate`: the
        format's rules, the only ones below the store; the server and the command line
        pass the rule engine's :class:`floorplan.rules.PublishGate`, every rule).
    """

    def __init__(self, path: str | Path, *, gate: Gate | None = None) -> None:
        self.path = Path(path)
        if self.path.suffix.lower() != ".gpkg":
            msg = f"a layout store is a .gpkg file, got {self.path}"
            raise StoreError(msg)
        self.gate: Gate = gate or format_gate

    # ---------------------------------------------------------------- reading

    def versions(self) -> list[VersionInfo]:
        """Return every version, oldest first (empty for a store not yet created)."""
        if not self.path.exists():
            return []
        with self._read() as db:
            return self._infos(db)

    def latest(self) -> int | None:
        """Return the newest version number (``None``: the store is empty)."""
        if not self.path.exists():
            return None
        with self._read() as db:
            row = db.execute(f"SELECT max({_VERSION}) FROM {_VERSIONS}").fetchone()
            return None if row[0] is None else int(row[0])

    def published_version(self) -> int | None:
        """Return the version kiosks show (the latest published), cheaply, for polling."""
        if not self.path.exists():
            return None
        with self._read() as db:
            row = db.execute(
                f"SELECT {_VERSION} FROM {_PUBLICATIONS} ORDER BY seq DESC LIMIT 1"
            ).fetchone()
            # Inside the read: a hand-damaged number is reported as a damaged record.
            return None if row is None else int(row[0])

    def published(self) -> Venue | None:
        """Return the published layout (``None`` when nothing has been published)."""
        v = self.published_version()
        return None if v is None else self.load(v)

    def venue_name(self) -> str | None:
        """Return the name of the venue the newest version holds (``None``: empty store).

        Raises
        ------
        StoreError
            When the store cannot be read.
        """
        if not self.path.exists():
            return None
        with self._read() as db:
            row = db.execute(
                f"SELECT venue_json FROM {_VERSIONS} ORDER BY {_VERSION} DESC LIMIT 1"
            ).fetchone()
        if row is None:
            return None
        try:
            return str(json.loads(row[0]).get("name", ""))
        except (ValueError, AttributeError, TypeError):
            msg = f"layout store {self.path}: the newest version's venue record is damaged"
            raise StoreError(msg) from None

    def info(self, version: int) -> VersionInfo:
        """Return one version's record.

        Raises
        ------
        StoreError
            When there is no such version.
        """
        for rec in self.versions():
            if rec.version == version:
                return rec
        raise self._unknown(version)

    def load(self, version: int, *, cache: VersionCache | None = None) -> Venue:
        """Return version ``version`` as a venue (validated: ``problems`` listed).

        With ``cache`` a version read and validated before from the same rows (a digest
        of everything read, as read) is taken from it instead; one read anew is put in.

        Raises
        ------
        StoreError
            When there is no such version.
        """
        if not self.path.exists():
            raise self._unknown(version)
        where = f"{self.path} version {version}"
        with self._read() as db:
            row = db.execute(
                f"SELECT venue_json, layers_json FROM {_VERSIONS} WHERE {_VERSION} = ?",
                (_int(version),),
            ).fetchone()
            if row is None:
                raise self._unknown(version, db)
            meta = json.loads(row[0])
            layers = json.loads(row[1])
            crs = meta.get("crs")
            fetched = {t: _fetch_rows(db, t, layers[t]) for t in (*S.LAYERS, S.EVENTS)}
            key = _rows_digest(where, row, fetched) if cache is not None else ""
            if cache is not None and (kept := cache.get_version(key)) is not None:
                return kept
            frames: dict[str, gpd.GeoDataFrame | None] = {}
            for layer in S.LAYERS:
                frames[layer] = _frame(layer, layers[layer], fetched[layer], crs)
            events = pd.DataFrame(_frame(S.EVENTS, layers[S.EVENTS], fetched[S.EVENTS], None))
        raw = RawVenue(where=where, layers=frames, events=events, meta=meta)
        venue = build_venue(raw)
        venue.source = None
        venue.problems = [*venue.problems, *validate(venue)]
        if cache is not None:
            cache.put_version(key, venue)
        return venue

    def diff(self, a: int, b: int) -> LayoutDiff:
        """Return the booths added, removed, moved, resized and reassigned from ``a`` to ``b``.

        Raises
        ------
        StoreError
            When either version does not exist.
        """
        va, vb = self.load(a), self.load(b)
        return diff_venues(va, vb, a=a, b=b)

    # ---------------------------------------------------------------- writing

    def save(
        self,
        venue: Venue,
        *,
        message: str,
        base: int | None = None,
        author: str | None = None,
        as_copy: bool = False,
    ) -> int:
        """Save ``venue`` as a new version and return its number.

        Parameters
        ----------
        venue
            The layout to save.
        message
            What changed, for the history (required).
        base
            The version the layout was loaded from; it must still be the latest.
            ``None`` is for the first version of an empty store.
        author
            Who saves (default: the operating-system user).
        as_copy
            Save even though ``base`` is no longer the latest: a new version whose
            parent is ``base``, so that nobody's work is lost.

        Raises
        ------
        StaleBaseError
            When ``base`` is not the latest version (and not ``as_copy``); nothing is written.
        StoreError
            When the message is empty, ``base`` does not exist, or the venue's CRS is not
            the store's.
        """
        if not isinstance(message, str) or not message.strip():
            msg = "a save needs a message saying what changed"
            raise StoreError(msg)
        who = author if author else _user()
        tables = {layer: _table(layer, venue.layer(layer)) for layer in _TABLES}
        meta = meta_json(venue)
        self._create(venue)
        with self._write() as db:
            srs = _srs_id(db)
            crs_here = db.execute(
                "SELECT organization || ':' || organization_coordsys_id, definition "
                "FROM gpkg_spatial_ref_sys WHERE srs_id = ?",
                (srs,),
            ).fetchone()
            if not _same_crs(venue, crs_here):
                msg = (
                    f"venue CRS {venue.crs.to_string()} is not the store's "
                    f"({crs_here[0]}); reproject the venue first"
                )
                raise StoreError(msg)
            infos = self._infos(db)
            latest = infos[-1] if infos else None
            if base is not None and all(i.version != base for i in infos):
                raise self._unknown(base, db)
            if latest is not None and base != latest.version and not as_copy:
                raise StaleBaseError(base, latest, path=self.path)
            version = (latest.version + 1) if latest else 1
            parent = base if base is not None else (latest.version if latest else None)
            parent_layers: dict[str, Any] = {}
            if parent is not None:
                (pl,) = db.execute(
                    f"SELECT layers_json FROM {_VERSIONS} WHERE {_VERSION} = ?", (parent,)
                ).fetchone()
                parent_layers = json.loads(pl)
            layers_json: dict[str, Any] = {}
            for layer, (columns, rows, digest) in tables.items():
                old = parent_layers.get(layer)
                if old is not None and old["hash"] == digest:
                    layers_json[layer] = old
                    continue
                _ensure_columns(db, layer, columns)
                _insert(db, layer, columns=columns, rows=rows, version=version, srs=srs)
                layers_json[layer] = {"source": version, "hash": digest, "columns": columns}
            db.execute(
                f"INSERT INTO {_VERSIONS} ({_VERSION}, parent, author, message, saved_at, "
                "published, venue_json, layers_json, booths) VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?)",
                (
                    version,
                    parent,
                    who,
                    message.strip(),
                    _now(),
                    meta,
                    json.dumps(layers_json, sort_keys=True),
                    len(venue.booths),
                ),
            )
        return version

    def publish(
        self,
        version: int,
        *,
        author: str | None = None,
        acknowledge: bool | Iterable[Problem] = False,
        prepare: Prepare | None = None,
    ) -> Publication:
        """Make ``version`` the layout kiosks show, if it passes the gate; return the record.

        In order, each step refusing with nothing written: the version is loaded and
        checked with the store's ``gate``; an error refuses it; a warning refuses it
        unless acknowledged; ``prepare(venue, version)`` builds what kiosks need (the
        server's snapshot) and refuses it if that raises; then the publication is written
        with who, when, which rules were checked and the warnings acknowledged.

        Parameters
        ----------
        version
            The version to publish (an older one rolls back to it).
        author
            Who publishes (default: the operating-system user).
        acknowledge
            ``True`` accepts every warning the gate finds; or the warnings accepted (as
            the planner listed them: compared by rule and features, not message).
        prepare
            Called with the venue and its version before anything is written.

        Raises
        ------
        StoreError
            When there is no such version.
        PublishRefusedError
            When the version breaks a rule that blocks publishing, has warnings not
            acknowledged, or ``prepare`` fails.
        """
        venue = self.load(_int(version))
        problems = list(self.gate(venue))
        errors = [p for p in problems if p.severity is Severity.ERROR]
        if errors:
            n = len(errors)
            msg = (
                f"version {version} is not published: it breaks {n} rule{'s' if n != 1 else ''} "
                "that block publishing"
            )
            raise PublishRefusedError(msg, errors)
        warnings = [p for p in problems if p.severity is Severity.WARNING]
        accepted = _accepted(warnings, acknowledge)
        missing = [w for w in warnings if w.key not in accepted]
        if missing:
            n = len(missing)
            msg = (
                f"version {version} is not published: it has {n} warning{'s' if n != 1 else ''} "
                f"to acknowledge first (floorplan layouts publish {version} --acknowledge)"
            )
            raise PublishRefusedError(msg, missing, needs_acknowledgement=True)
        if prepare is not None:
            try:
                prepare(venue, version)
            except Exception as exc:  # whatever failed, the kiosks must not be told to load it
                msg = (
                    f"version {version} is not published: the server could not build it for "
                    f"the kiosks ({type(exc).__name__}: {exc}); they keep the layout they show"
                )
                raise PublishRefusedError(msg) from exc
        describe = getattr(self.gate, "describe", None)
        gate = str(describe(venue)) if callable(describe) else "format rules"
        # On record: the warnings found, and any other the publisher said yes to.
        said = [] if isinstance(acknowledge, bool) else list(acknowledge)
        found = {w.key for w in warnings}
        acked = [*warnings, *(p for p in said if p.key not in found)]
        return self._record_publication(version, author or _user(), gate, acked)

    def _record_publication(
        self, version: int, author: str, gate: str, acknowledged: Sequence[Problem]
    ) -> Publication:
        acks = [p.to_dict() for p in acknowledged]
        with self._write() as db:
            found = db.execute(
                f"SELECT 1 FROM {_VERSIONS} WHERE {_VERSION} = ?", (version,)
            ).fetchone()
            if found is None:
                raise self._unknown(version, db)
            when = _now()
            (seq,) = db.execute(f"SELECT coalesce(max(seq), 0) + 1 FROM {_PUBLICATIONS}").fetchone()
            db.execute(
                f"INSERT INTO {_PUBLICATIONS} (seq, {_VERSION}, author, published_at, gate, "
                "acknowledged_json) VALUES (?, ?, ?, ?, ?, ?)",
                (seq, version, author, when, gate, json.dumps(acks) if acks else None),
            )
            db.execute(
                f"UPDATE {_VERSIONS} SET published = ? WHERE {_VERSION} = ?", (when, version)
            )
        return Publication(int(seq), version, author, when, gate, tuple(acks))

    def publications(self) -> list[Publication]:
        """Return the publication log, oldest first (empty when nothing was published)."""
        if not self.path.exists():
            return []
        with self._read() as db:
            have = {r[1] for r in db.execute(f"PRAGMA table_info({_PUBLICATIONS})")}
            extra = [c if c in have else "NULL" for c in _PUBLICATION_EXTRA]
            rows = db.execute(
                f"SELECT seq, {_VERSION}, author, published_at, {', '.join(extra)} "
                f"FROM {_PUBLICATIONS} ORDER BY seq"
            ).fetchall()
        return [
            Publication(
                int(seq),
                int(v),
                a or "",
                when or "",
                gate or "",
                tuple(json.loads(acks)) if acks else (),
            )
            for seq, v, a, when, gate, acks in rows
        ]

    def previous_published(self) -> int | None:
        """Return the version published before the one kiosks show now (to roll back to)."""
        log = self.publications()
        if not log:
            return None
        current = log[-1].version
        return next((p.version for p in reversed(log) if p.version != current), None)

    # ------------------------------------------------------------ kiosk heartbeats

    def heartbeat(self, process: str, shown: Mapping[int | None, int]) -> None:
        """Record that server ``process`` serves kiosk sessions showing these versions now.

        ``shown`` counts the process's kiosk sessions by the version each one shows
        (``None``: the venue file). Called every few seconds by each server. A store not
        made yet is left so (the first save makes it): until then nothing is published.
        """
        if not self.path.exists():
            return
        versions = {("" if v is None else str(v)): int(n) for v, n in shown.items() if n}
        with self._write() as db:
            db.execute(
                f"INSERT INTO {_HEARTBEATS} (process, host, pid, seen_at, versions_json) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT(process) DO UPDATE SET "
                "seen_at = excluded.seen_at, versions_json = excluded.versions_json",
                (process, _host(), os.getpid(), _now(), json.dumps(versions, sort_keys=True)),
            )

    def end_heartbeat(self, process: str) -> None:
        """Forget server ``process`` (it stops): its sessions are closed."""
        if not self.path.exists():
            return
        with self._write() as db:
            db.execute(f"DELETE FROM {_HEARTBEATS} WHERE process = ?", (process,))

    def kiosk_sessions(self, *, max_age_s: float = HEARTBEAT_MAX_AGE_S) -> dict[int | None, int]:
        """Return the open kiosk sessions of every live server, by the version they show.

        Servers whose last heartbeat is older than ``max_age_s`` have stopped and count
        for nothing.
        """
        if not self.path.exists():
            return {}
        since = (datetime.now(UTC) - timedelta(seconds=max_age_s)).isoformat(
            timespec="milliseconds"
        )
        with self._read() as db:
            if not _has_table(db, _HEARTBEATS):
                return {}
            rows = db.execute(
                f"SELECT versions_json FROM {_HEARTBEATS} WHERE seen_at >= ?", (since,)
            ).fetchall()
        out: dict[int | None, int] = {}
        for (doc,) in rows:
            for v, n in json.loads(doc or "{}").items():
                key = None if v == "" else int(v)
                out[key] = out.get(key, 0) + int(n)
        return out

    def kiosk_status(self, *, max_age_s: float = HEARTBEAT_MAX_AGE_S) -> KioskStatus:
        """Return the published version and the kiosk sessions by the version they show."""
        return KioskStatus(self.published_version(), self.kiosk_sessions(max_age_s=max_age_s))

    # --------------------------------------------------------------- plumbing

    def _unknown(self, version: object, db: sqlite3.Connection | None = None) -> StoreError:
        if db is not None:
            have = [i.version for i in self._infos(db)]
        else:
            have = [i.version for i in self.versions()] if self.path.exists() else []
        held = f"it holds versions {have[0]}–{have[-1]}" if have else "it is empty"
        return StoreError(f"layout store {self.path} has no version {version!r}; {held}")

    def _infos(self, db: sqlite3.Connection) -> list[VersionInfo]:
        rows = db.execute(
            f"SELECT {_VERSION}, parent, author, message, saved_at, published, booths "
            f"FROM {_VERSIONS} ORDER BY {_VERSION}"
        ).fetchall()
        return [
            VersionInfo(
                int(v), None if p is None else int(p), a or "", m or "", s or "", pub, b or 0
            )
            for v, p, a, m, s, pub, b in rows
        ]

    @contextlib.contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        try:
            db = sqlite3.connect(self.path, timeout=_BUSY_S, isolation_level=None)
        except sqlite3.Error as exc:
            raise self._failed(exc, writing=False) from None
        try:
            # One read transaction: every table read inside sees the same snapshot.
            db.execute("BEGIN")
            _check_store(db, self.path)
            yield db
        except StoreError:
            raise
        except sqlite3.Error as exc:
            raise self._failed(exc, writing=False) from None
        except _DAMAGE as exc:
            raise self._damaged(exc) from None
        finally:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            db.close()

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        try:
            db = sqlite3.connect(self.path, timeout=_BUSY_S, isolation_level=None)
        except sqlite3.Error as exc:
            raise self._failed(exc, writing=True) from None
        try:
            try:
                db.execute("PRAGMA synchronous = FULL")
                # IMMEDIATE takes the write lock before the stale-base check reads anything.
                db.execute("BEGIN IMMEDIATE")
                _check_store(db, self.path)
                _migrate(db)
                yield db
                db.execute("COMMIT")
            except BaseException:
                # Also after a failed COMMIT (a full disk): nothing of this save remains.
                with contextlib.suppress(sqlite3.Error):
                    db.execute("ROLLBACK")
                raise
        except StoreError:
            raise
        except sqlite3.Error as exc:
            raise self._failed(exc, writing=True) from None
        except _DAMAGE as exc:
            raise self._damaged(exc) from None
        finally:
            db.close()

    def _failed(self, exc: sqlite3.Error, *, writing: bool) -> FloorplanError:
        """Return the error to raise for an SQLite failure, saying what to do."""
        name = str(getattr(exc, "sqlite_errorname", ""))
        where = f"layout store {self.path}"
        if writing and name.startswith(("SQLITE_FULL", "SQLITE_IOERR")):
            return WriteError(
                f"{where} cannot be written: {why_write_failed(exc)}; nothing was saved (it "
                "holds the versions it held before): free some space and try again"
            )
        if writing and name.startswith("SQLITE_READONLY"):
            return WriteError(
                f"{where} is read-only here ({exc}); nothing was saved: check the file's "
                "and its folder's permissions"
            )
        if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
            return StoreError(
                f"{where} is busy: another process has held it for over {_BUSY_S:.0f} s "
                "(a save in progress, or a tool holding it open); try again"
            )
        if name.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")):
            return StoreError(
                f"{where} is not a readable GeoPackage ({exc}): restore it from a backup, "
                "or give --store another file"
            )
        if name.startswith("SQLITE_CANTOPEN"):
            return StoreError(
                f"{where} cannot be opened ({exc}): is it a folder, or in a folder this "
                "user may not read?"
            )
        return StoreError(f"{where} cannot be {'written' if writing else 'read'}: {exc}")

    def _damaged(self, exc: BaseException) -> StoreError:
        return StoreError(
            f"layout store {self.path} has a damaged record ({type(exc).__name__}: "
            f"{str(exc)[:200]}): something other than floorplan changed it, or the disk is "
            "failing; restore it from a backup, or export a version that still loads"
        )

    def _create(self, venue: Venue) -> None:
        """Create the store's empty tables, unless it exists (safe against a racing creator)."""
        if self.path.exists():
            return
        try:
            self._create_new(venue)
        except (OSError, sqlite3.Error, DataSourceError, DataLayerError) as exc:
            msg = (
                f"layout store {self.path} cannot be created: {why_write_failed(exc)}; "
                "nothing was saved"
            )
            raise WriteError(msg) from None

    def _create_new(self, venue: Venue) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(
            prefix=f".{self.path.name}.", suffix=".tmp.gpkg", dir=self.path.parent
        )
        os.close(fd)
        tmp = Path(name)
        tmp.unlink()
        try:
            crs = venue.crs
            for layer in S.LAYERS:
                frame = gpd.GeoDataFrame(
                    {_VERSION: pd.Series(dtype="int64")},
                    geometry=gpd.GeoSeries([], crs=crs),
                    crs=crs,
                )
                pyogrio.write_dataframe(
                    frame,
                    tmp,
                    layer=layer,
                    driver="GPKG",
                    geometry_type=S.LAYER_GEOMETRY[layer],
                    # GDAL's R-tree triggers call SQL functions only GDAL defines; the
                    # store writes rows with plain sqlite3, so it keeps no spatial index.
                    layer_options={"SPATIAL_INDEX": "NO"},
                )
            attrs = {
                S.EVENTS: {_VERSION: "int64"},
                _VERSIONS: {
                    _VERSION: "int64",
                    "parent": "int64",
                    "author": "str",
                    "message": "str",
                    "saved_at": "str",
                    "published": "str",
                    "venue_json": "str",
                    "layers_json": "str",
                    "booths": "int64",
                },
                _PUBLICATIONS: {
                    "seq": "int64",
                    _VERSION: "int64",
                    "author": "str",
                    "published_at": "str",
                },
            }
            for table, cols in attrs.items():
                empty = pd.DataFrame({c: pd.Series(dtype=t) for c, t in cols.items()})
                pyogrio.write_dataframe(empty, tmp, layer=table, driver="GPKG")
            with contextlib.closing(sqlite3.connect(tmp)) as db, db:
                for table in _TABLES:
                    db.execute(f'CREATE INDEX "{table}_{_VERSION}" ON "{table}" ({_VERSION})')
                db.execute(f"CREATE UNIQUE INDEX versions_unique ON {_VERSIONS} ({_VERSION})")
                db.execute(f"CREATE UNIQUE INDEX publications_unique ON {_PUBLICATIONS} (seq)")
            # link() fails if another process created the store meanwhile: theirs stands.
            with contextlib.suppress(FileExistsError):
                os.link(tmp, self.path)
        finally:
            tmp.unlink(missing_ok=True)


def diff_venues(va: Venue, vb: Venue, *, a: int = 0, b: int = 0, layers: bool = True) -> LayoutDiff:
    """Return what changed in the booths from venue ``va`` to venue ``vb``.

    ``layers=False`` skips comparing the other layers (``changed_layers`` stays empty).
    """
    ba = va.booths.set_index(va.booths[Col.BOOTH_ID].astype(str))
    bb = vb.booths.set_index(vb.booths[Col.BOOTH_ID].astype(str))
    ida, idb = set(ba.index), set(bb.index)
    common = sorted(ida & idb)
    moved: list[str] = []
    resized: list[str] = []
    reassigned: list[str] = []
    rezoned: list[str] = []
    if common:
        ga = np.asarray(ba.geometry.loc[common].values, dtype=object)
        gb = np.asarray(bb.geometry.loc[common].values, dtype=object)
        same = shapely.equals_exact(ga, gb, tolerance=_SAME_M)
        for k in np.flatnonzero(~same).tolist():
            (moved if _congruent(ga[k], gb[k]) else resized).append(common[k])
        for col, out in ((Col.EXHIBITOR, reassigned), (Col.ZONE, rezoned)):
            xa = ba[col].loc[common].astype(str).to_numpy()
            xb = bb[col].loc[common].astype(str).to_numpy()
            out.extend(np.asarray(common, dtype=object)[xa != xb].tolist())
    changed = [
        layer
        for layer in ((S.HALLS, S.OPENINGS, S.OBSTACLES, S.KIOSKS, S.AMENITIES) if layers else ())
        if _table(layer, va.layer(layer))[2] != _table(layer, vb.layer(layer))[2]
    ]
    return LayoutDiff(
        a=a,
        b=b,
        added=tuple(sorted(idb - ida)),
        removed=tuple(sorted(ida - idb)),
        moved=tuple(moved),
        resized=tuple(resized),
        reassigned=tuple(sorted(reassigned)),
        rezoned=tuple(sorted(rezoned)),
        changed_layers=tuple(changed),
    )


def _congruent(g1: Any, g2: Any) -> bool:
    """Whether two shapes are one shape moved (same area and oriented box up to 1 mm)."""
    if abs(g1.area - g2.area) > _SAME_M * max(g1.length, 1.0):
        return False
    d1 = sorted(_box_sides(g1))
    d2 = sorted(_box_sides(g2))
    return all(abs(x - y) <= _SAME_M for x, y in zip(d1, d2, strict=True))


def _box_sides(g: Any) -> list[float]:
    c = g.centroid  # GEOS loses digits at UTM-sized coordinates; measure near the origin
    ring = shapely.get_coordinates(
        shapely.oriented_envelope(shapely.affinity.translate(g, -c.x, -c.y))
    )[:3]
    return [float(np.hypot(*(ring[1] - ring[0]))), float(np.hypot(*(ring[2] - ring[1])))]


# ------------------------------------------------------------- rows and blobs


def _column_kind(series: pd.Series) -> str:
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "bool"
    if pd.api.types.is_integer_dtype(dtype):
        return "int"
    if pd.api.types.is_float_dtype(dtype):
        return "float"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "datetime"
    values = [v for v in series.tolist() if v is not None]
    if values and all(isinstance(v, bool | np.bool_) for v in values):
        return "bool"
    return "str"


_SQL_TYPE: Final = {
    "bool": "BOOLEAN",
    "int": "INTEGER",
    "float": "REAL",
    "datetime": "DATETIME",
    "str": "TEXT",
}


def _cell(value: Any, kind: str) -> Any:
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if value is pd.NA:
        return None
    if kind == "bool":
        return int(bool(value))
    if kind == "int":
        return int(value)
    if kind == "float":
        return float(value)
    if kind == "datetime":
        return pd.Timestamp(value).isoformat()
    return str(value)


def _table(layer: str, frame: pd.DataFrame) -> tuple[list[list[str]], list[tuple[Any, ...]], str]:
    """Return a layer's columns ``[name, kind]``, its rows ready to insert, and a digest."""
    geom_col = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    columns: list[list[str]] = []
    for col in frame.columns:
        if col == geom_col:
            continue
        if str(col) in _RESERVED:
            msg = f"layer {layer!r} has a column named {col!r}, which the store reserves"
            raise StoreError(msg)
        columns.append([str(col), _column_kind(frame[col])])
    values = [[_cell(v, kind) for v in frame[name].tolist()] for name, kind in columns]
    if geom_col is not None:
        wkb = [
            None if g is None or g.is_empty else shapely.to_wkb(g, byte_order=1)
            for g in frame.geometry.values
        ]
        values.append(wkb)
    rows = list(zip(*values, strict=True)) if values else [() for _ in range(len(frame))]
    h = hashlib.sha256(json.dumps(columns).encode())
    for row in rows:
        for v in row:
            h.update(v if isinstance(v, bytes) else repr(v).encode())
            h.update(b"\x1f")
        h.update(b"\x1e")
    return columns, rows, h.hexdigest()


def _ensure_columns(db: sqlite3.Connection, table: str, columns: list[list[str]]) -> None:
    have = {r[1] for r in db.execute(f'PRAGMA table_info("{table}")')}
    for name, kind in columns:
        if name not in have:
            db.execute(f'ALTER TABLE "{table}" ADD COLUMN {_quote(name)} {_SQL_TYPE[kind]}')


def _insert(
    db: sqlite3.Connection,
    table: str,
    *,
    columns: list[list[str]],
    rows: list[tuple[Any, ...]],
    version: int,
    srs: int,
) -> None:
    names = [_VERSION, *(_quote(c) for c, _ in columns)]
    spatial = table in S.LAYERS
    if spatial:
        names.append(_GEOM)
    marks = ", ".join("?" for _ in names)
    sql = f'INSERT INTO "{table}" ({", ".join(names)}) VALUES ({marks})'

    def records() -> Iterator[tuple[Any, ...]]:
        for row in rows:
            if spatial:
                yield (version, *row[:-1], _blob(row[-1], srs))
            else:
                yield (version, *row)

    db.executemany(sql, records())


def _blob(wkb: bytes | None, srs: int) -> bytes | None:
    """Return a GeoPackage geometry blob: 'GP', version 0, flags, srs id, envelope, WKB."""
    if wkb is None:
        return None
    with np.errstate(invalid="ignore"):  # NaN coordinates: reported by validation
        x0, y0, x1, y1 = shapely.from_wkb(wkb).bounds
    # flags 0b011: little-endian header, envelope [minx, maxx, miny, maxy]
    return struct.pack("<2sBBi4d", b"GP", 0, 0b011, srs, x0, x1, y0, y1) + wkb


def _unblob(blob: bytes | None) -> Any:
    if blob is None:
        return None
    flags = blob[3]
    envelope = (0, 32, 48, 48, 64)[(flags >> 1) & 0b111]
    return shapely.from_wkb(bytes(blob[8 + envelope :]))


def _fetch_rows(
    db: sqlite3.Connection, table: str, spec: dict[str, Any]
) -> tuple[list[str], list[Any]]:
    """Return the columns of ``table`` a version has, and its rows as SQLite gives them."""
    columns = [str(c) for c, _ in spec["columns"]]
    have = {r[1] for r in db.execute(f'PRAGMA table_info("{table}")')}
    names = [c for c in columns if c in have]
    select = [_quote(c) for c in names] + ([_GEOM] if table in S.LAYERS else [])
    rows = db.execute(
        f'SELECT {", ".join(select) or "1"} FROM "{table}" WHERE {_VERSION} = ? ORDER BY fid',
        (int(spec["source"]),),
    ).fetchall()
    return names, rows


def _rows_digest(where: str, record: Any, fetched: dict[str, tuple[list[str], list[Any]]]) -> str:
    """Return a digest of a version as read: its record and every row, values typed.

    Pickled: equal bytes are equal values of equal types (``1``, ``1.0``, ``"1"`` and
    ``None`` differ), so two reads that differ in anything never share a digest.
    """
    h = hashlib.blake2b(digest_size=20)
    h.update(pickle.dumps((where, tuple(record)), protocol=pickle.HIGHEST_PROTOCOL))
    for table, (names, rows) in fetched.items():
        h.update(pickle.dumps((table, names, rows), protocol=pickle.HIGHEST_PROTOCOL))
    return h.hexdigest()


def _frame(
    table: str, spec: dict[str, Any], fetched: tuple[list[str], list[Any]], crs: str | None
) -> Any:
    """Return the frame of ``table`` from its rows as :func:`_fetch_rows` read them."""
    names, rows = fetched
    data: dict[str, Any] = {}
    kinds = {str(c): str(k) for c, k in spec["columns"]}
    for k, name in enumerate(names):
        data[name] = _column([r[k] for r in rows], kinds[name])
    if table not in S.LAYERS:
        return pd.DataFrame(data, index=pd.RangeIndex(len(rows)))
    with np.errstate(invalid="ignore"):
        # NaN coordinates warn in from_wkb; validation reports them with the feature's id.
        geoms = [_unblob(r[len(names)]) for r in rows]
    return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries(geoms, crs=crs), crs=crs)


def _column(values: list[Any], kind: str) -> pd.Series:
    if kind == "bool":
        return pd.Series([None if v is None else bool(v) for v in values], dtype=object)
    if kind == "int" and all(v is not None for v in values):
        return pd.Series(values, dtype="int64")
    if kind in ("int", "float"):
        return pd.Series([math.nan if v is None else v for v in values], dtype="float64")
    return pd.Series(values, dtype=object)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _srs_id(db: sqlite3.Connection) -> int:
    row = db.execute(
        "SELECT srs_id FROM gpkg_geometry_columns WHERE table_name = ?", (S.HALLS,)
    ).fetchone()
    return int(row[0])


def _same_crs(venue: Venue, row: tuple[str, str] | None) -> bool:
    if row is None:
        return False
    from pyproj import CRS  # noqa: PLC0415

    try:
        return bool(CRS.from_user_input(row[1]) == venue.crs) or row[0] == venue.crs.to_string()
    except Exception:  # an unparsable definition is just not the same CRS
        return row[0] == venue.crs.to_string()


def _has_table(db: sqlite3.Connection, name: str) -> bool:
    row = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
    ).fetchone()
    return row is not None


def _migrate(db: sqlite3.Connection) -> None:
    """Add what newer floorplans keep to an older store (inside the write transaction).

    The publication log's gate and acknowledgement columns, and the heartbeat table
    (registered as a GeoPackage attribute table, as the store's other tables are).
    """
    have = {r[1] for r in db.execute(f"PRAGMA table_info({_PUBLICATIONS})")}
    for col, sql_type in _PUBLICATION_EXTRA.items():
        if col not in have:
            db.execute(f"ALTER TABLE {_PUBLICATIONS} ADD COLUMN {col} {sql_type}")
    if not _has_table(db, _HEARTBEATS):
        db.execute(
            f"CREATE TABLE {_HEARTBEATS} (fid INTEGER PRIMARY KEY AUTOINCREMENT, "
            "process TEXT NOT NULL UNIQUE, host TEXT, pid INTEGER, seen_at TEXT, "
            "versions_json TEXT)"
        )
        db.execute(
            "INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, "
            "last_change) VALUES (?, 'attributes', ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
            (_HEARTBEATS, _HEARTBEATS),
        )


def _accepted(warnings: Sequence[Problem], acknowledge: bool | Iterable[Problem]) -> set[Any]:
    """Return the keys of the warnings ``acknowledge`` accepts."""
    if acknowledge is True:
        return {w.key for w in warnings}
    if acknowledge is False:
        return set()
    return {p.key for p in acknowledge}


def format_gate(venue: Venue) -> list[Problem]:
    """Return the format's problems of ``venue``: the default gate of a store.

    The floor's and the code's rules live above the store; the server and the command
    line give their stores the rule engine's gate (:class:`floorplan.rules.PublishGate`).
    """
    return [*venue.read_problems, *validate(venue)]


def changed_booths(a: Venue, b: Venue) -> set[str]:
    """Return the ids of booths added, removed or changed (shape, place, exhibitor, zone).

    The planner's unsaved counter: how many booths differ from the version opened, so
    that an edit undone (or a booth moved back) counts for nothing.
    """
    d = diff_venues(a, b, layers=False)
    return {*d.added, *d.removed, *d.moved, *d.resized, *d.reassigned, *d.rezoned}


def _host() -> str:
    try:
        return os.uname().nodename
    except AttributeError:  # pragma: no cover - not on POSIX
        return "unknown"


def _check_store(db: sqlite3.Connection, path: Path) -> None:
    names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    missing = [t for t in (*_TABLES, _VERSIONS, _PUBLICATIONS) if t not in names]
    if missing:
        msg = f"{path} is not a floorplan layout store (no table {missing[0]!r})"
        raise StoreError(msg)


def _int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        msg = f"a version is a whole number, got {value!r}"
        raise StoreError(msg)
    return int(value)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
