"""Hold what every page session of one server shares read-only: the venue and its indexes.

A :class:`VenueSnapshot` is one venue with every lookup the pages need (search index,
router, booth lookups), built together and never changed. The server's
:class:`VenueContext` holds the current snapshot and swaps it as a whole when a planner
publishes a layout: one :class:`PublishWatcher` thread per server notices the new
published version (one SELECT every ``poll_s``), builds its snapshot off the event loop,
once, and the context pushes it to every open session that subscribed
(:meth:`VenueContext.subscribe`), on that session's own loop through its document's
``add_next_tick_callback``. No session polls.

A publish from this server's planner builds the snapshot *before* the store marks the
version published (:meth:`VenueContext.publish_version`, the store's ``prepare`` step): a
version the kiosks could not load is never published, and the one built is the one served.
Each session reports the version it actually shows once it has drawn it; the watcher
writes those counts to the store as this process's heartbeat, and pushes the store-wide
:class:`~floorplan.versions.KioskStatus` ("published v2; 14 of 16 kiosk sessions on v2,
2 on v1") to the planner sessions that follow it.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import math
import os
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import shapely

from floorplan.schema import Col
from floorplan.search import SearchIndex
from floorplan.venue import Venue
from floorplan.versions import KioskStatus, Publication

if TYPE_CHECKING:
    import geopandas as gpd

    from floorplan.app.startcache import StartCache
    from floorplan.problems import Problem

__all__ = ["PublishWatcher", "VenueContext", "VenueSnapshot", "assets_path", "search_cache_dir"]

_log = logging.getLogger(__name__)


def assets_path() -> Path:
    """Return the folder of CSS and icons: ``floorplan/_assets`` in a wheel, else ``assets/``."""
    packaged = Path(str(resources.files("floorplan"))) / "_assets"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "assets"


def search_cache_dir(store_path: Path) -> Path:
    """Return the folder beside a layout store where its layouts' search indexes are kept."""
    return Path(store_path).with_name(Path(store_path).name + ".search")


def _places(venue: Venue) -> dict[str, tuple[str, float, float]]:
    """Return every routable place id with its layer and a representative point."""
    out: dict[str, tuple[str, float, float]] = {}
    for layer, col in (("openings", Col.OPENING_ID), ("amenities", Col.AMENITY_ID)):
        frame = getattr(venue, layer)
        for pid, geom in zip(frame[col], frame.geometry, strict=True):
            pt = geom.centroid
            out[str(pid)] = (layer, float(pt.x), float(pt.y))
    booths = venue.booths
    for pid, geom in zip(booths[Col.BOOTH_ID], booths.geometry, strict=True):
        pt = geom.centroid
        out[str(pid)] = ("booths", float(pt.x), float(pt.y))
    for pid, geom in zip(venue.kiosks[Col.KIOSK_ID], venue.kiosks.geometry, strict=True):
        out[str(pid)] = ("kiosks", float(geom.x), float(geom.y))
    return out


@dataclass(frozen=True, eq=False)
class VenueSnapshot:
    """One venue with the lookups the pages need, built together and never changed.

    Attributes
    ----------
    venue
        The venue.
    version
        The layout store's version this venue is (``None``: the venue file as loaded).
    search
        Its search index.
    router
        Its router (``None`` when :mod:`floorplan.routing` cannot be imported: kiosks say
        so per route).
    booths
        The booths indexed by booth id.
    booth_tree
        An STRtree of the booth polygons, in the order of ``venue.booths``.
    places
        Every routable place id: its layer and a representative point.
    """

    venue: Venue
    version: int | None
    search: SearchIndex
    router: Any
    booths: gpd.GeoDataFrame = field(repr=False)
    booth_tree: shapely.STRtree = field(repr=False)
    places: Mapping[str, tuple[str, float, float]] = field(repr=False)

    @classmethod
    def build(
        cls,
        venue: Venue,
        *,
        version: int | None = None,
        timings: dict[str, float] | None = None,
        cache_dir: Path | None = None,
        start_cache: StartCache | None = None,
    ) -> VenueSnapshot:
        """Build every lookup of ``venue`` (seconds taken per lookup into ``timings``).

        With ``cache_dir`` the search index is built once per venue content and kept
        there (:meth:`~floorplan.search.SearchIndex.cached`): a restart loads it. With
        ``start_cache`` so is the router (:meth:`~floorplan.app.startcache.StartCache.router`).
        """
        times = timings if timings is not None else {}
        t0 = time.perf_counter()
        digest = start_cache.content_digest(venue) if start_cache else None
        search = (
            SearchIndex.cached(venue, cache_dir, digest=digest) if cache_dir else SearchIndex(venue)
        )
        times["search_index_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        router = None
        with contextlib.suppress(ImportError):
            from floorplan.routing import Router  # noqa: PLC0415 - heavy, optional here

            router = start_cache.router(venue, digest=digest) if start_cache else Router(venue)
        times["router_s"] = time.perf_counter() - t0
        return cls(
            venue=venue,
            version=version,
            search=search,
            router=router,
            booths=venue.booths.set_index(Col.BOOTH_ID, drop=False),
            booth_tree=shapely.STRtree(venue.booths.geometry.values),
            places=MappingProxyType(_places(venue)),
        )

    def booth_at(self, x: float, y: float) -> str | None:
        """Return the id of the booth containing venue point ``(x, y)``, if any."""
        idx = self.booth_tree.query(shapely.Point(x, y), predicate="intersects")
        if not len(idx):
            return None
        return str(self.venue.booths[Col.BOOTH_ID].iloc[int(np.min(idx))])

    def kiosk(self, kiosk_id: str) -> tuple[float, float, float] | None:
        """Return ``(x, y, heading_deg)`` of kiosk ``kiosk_id``, or ``None`` if unknown."""
        k = self.venue.kiosks
        hit = k[k[Col.KIOSK_ID].astype(str) == kiosk_id]
        if hit.empty:
            return None
        row = hit.iloc[0]
        heading = float(row.get(Col.HEADING_DEG, 0.0) or 0.0)
        return (
            float(row.geometry.x),
            float(row.geometry.y),
            heading if math.isfinite(heading) else 0.0,
        )


class SessionDocument(Protocol):
    """What the context needs of a session's Bokeh document."""

    def add_next_tick_callback(self, callback: Callable[[], None]) -> Any:
        """Run ``callback`` on the session's loop, holding its lock (thread-safe)."""


#: Called on the session's loop with the new snapshot.
OnSnapshot = Callable[[VenueSnapshot], None]
#: Called on the session's loop with the kiosks' new status.
OnStatus = Callable[[KioskStatus], None]


class VenueContext:
    """The server's current :class:`VenueSnapshot`, and the sessions that follow it.

    Parameters
    ----------
    venue
        The loaded venue (built into the first snapshot); or pass ``snapshot``.
    idle_s
        Seconds without input after which a kiosk returns to its home view (0: never).
    public_url
        The address phones reach the server at, for QR codes; empty: the request's host.
    store
        The :class:`~floorplan.io.store.LayoutStore` planners save to and kiosks follow
        (``None``: the venue never changes).
    served_version
        The store's version ``venue`` is (``None``: the venue file as loaded).
    poll_s
        How often the server's :class:`PublishWatcher` reads the published version.
    snapshot
        The first snapshot, already built (then ``venue`` and ``served_version`` are
        taken from it).
    start_cache
        Where the routers of published versions are kept
        (:class:`~floorplan.app.startcache.StartCache`; ``None``: built each time).
    """

    def __init__(
        self,
        venue: Venue | None = None,
        *,
        idle_s: float = 90.0,
        public_url: str = "",
        store: Any = None,
        served_version: int | None = None,
        poll_s: float = 2.0,
        snapshot: VenueSnapshot | None = None,
        start_cache: StartCache | None = None,
    ) -> None:
        if snapshot is None:
            if venue is None:
                msg = "VenueContext needs a venue or a snapshot"
                raise TypeError(msg)
            snapshot = VenueSnapshot.build(venue, version=served_version)
        self.idle_s = idle_s
        self.public_url = public_url
        self.store = store
        self.poll_s = poll_s
        self.start_cache = start_cache
        self.watcher: PublishWatcher | None = None
        self._lock = threading.Lock()
        self._snapshot = snapshot
        self._subscribers: dict[int, tuple[SessionDocument, OnSnapshot]] = {}
        #: The version each subscribed session shows (drawn, not merely pushed).
        self._shown: dict[int, int | None] = {}
        self._status_subscribers: dict[int, tuple[SessionDocument, OnStatus]] = {}
        self._tokens = itertools.count()

    # --- the current snapshot ----------------------------------------------------------
    @property
    def snapshot(self) -> VenueSnapshot:
        """Return the snapshot served now (swapped whole on a publish, never changed)."""
        return self._snapshot

    @property
    def venue(self) -> Venue:
        """Return the venue served now."""
        return self._snapshot.venue

    @property
    def served_version(self) -> int | None:
        """Return the store's version served now (``None``: the venue file)."""
        return self._snapshot.version

    # --- sessions ----------------------------------------------------------------------
    def subscribe(self, doc: SessionDocument, on_snapshot: OnSnapshot) -> tuple[int, VenueSnapshot]:
        """Push every later snapshot to ``on_snapshot`` on ``doc``'s loop.

        Returns a token for :meth:`unsubscribe` and the snapshot current at subscription
        (taken under the same lock as a publish, so no publish falls in between).
        """
        with self._lock:
            token = next(self._tokens)
            self._subscribers[token] = (doc, on_snapshot)
            self._shown[token] = self._snapshot.version
            return token, self._snapshot

    def unsubscribe(self, token: int) -> None:
        """Stop pushing snapshots to the session of ``token`` (a closed session)."""
        with self._lock:
            self._subscribers.pop(token, None)
            self._shown.pop(token, None)
            self._status_subscribers.pop(token, None)

    def showing(self, token: int, version: int | None) -> None:
        """Record that the session of ``token`` now shows ``version`` (it drew it)."""
        with self._lock:
            if token in self._subscribers:
                self._shown[token] = version

    def shown_versions(self) -> dict[int | None, int]:
        """Return how many subscribed sessions show each version (``None``: the venue file)."""
        with self._lock:
            return dict(Counter(self._shown.values()))

    def subscribe_status(self, doc: SessionDocument, on_status: OnStatus) -> int:
        """Push every change of the kiosks' status to ``on_status`` on ``doc``'s loop."""
        with self._lock:
            token = next(self._tokens)
            self._status_subscribers[token] = (doc, on_status)
            return token

    def push_status(self, status: KioskStatus) -> int:
        """Push ``status`` to every session following it; return how many."""
        with self._lock:
            targets = list(self._status_subscribers.values())
        for doc, on_status in targets:
            doc.add_next_tick_callback(partial(on_status, status))
        return len(targets)

    def kiosk_status(self) -> KioskStatus | None:
        """Return the kiosks' status as the store says it (``None`` without a store)."""
        if self.store is None:
            return None
        status: KioskStatus = self.store.kiosk_status()
        return status

    @property
    def sessions(self) -> int:
        """Return how many sessions follow the published layout."""
        with self._lock:
            return len(self._subscribers)

    def publish(self, snapshot: VenueSnapshot) -> int:
        """Serve ``snapshot`` from now on and push it to every subscribed session.

        Safe from any thread: each session gets it on its own loop, holding its own
        document lock. Returns how many sessions it was pushed to.
        """
        with self._lock:
            self._snapshot = snapshot
            targets = list(self._subscribers.items())
        for token, (doc, on_snapshot) in targets:
            doc.add_next_tick_callback(partial(self._deliver, token, on_snapshot, snapshot))
        if self.watcher is not None:
            self.watcher.wake()  # the heartbeat says what the sessions show, soon
        return len(targets)

    def _deliver(self, token: int, on_snapshot: OnSnapshot, snapshot: VenueSnapshot) -> None:
        """Hand ``snapshot`` to a session (on its loop); it shows it once that returns."""
        on_snapshot(snapshot)
        self.showing(token, snapshot.version)

    def publish_version(
        self,
        version: int,
        *,
        author: str | None = None,
        acknowledge: bool | Iterable[Problem] = False,
    ) -> Publication:
        """Publish ``version`` of the store through its gate and serve it at once.

        The snapshot kiosks need is built before the store marks the version published
        (its ``prepare`` step): if that fails, nothing is published and the error says
        why. The snapshot built is then served and pushed to the sessions, so this
        server's watcher has nothing left to build.

        Raises
        ------
        PublishRefusedError
            When the gate refuses the version or its snapshot cannot be built.
        StoreError
            When there is no such version.
        """
        built: list[VenueSnapshot] = []

        def prepare(venue: Venue, v: int) -> None:
            built.append(
                VenueSnapshot.build(
                    venue,
                    version=v,
                    cache_dir=search_cache_dir(self.store.path),
                    start_cache=self.start_cache,
                )
            )

        pub: Publication = self.store.publish(
            version, author=author, acknowledge=acknowledge, prepare=prepare
        )
        self.publish(built[0])
        return pub

    def check_published(self) -> None:
        """Have the watcher look for a new published version now (after a publish here)."""
        if self.watcher is not None:
            self.watcher.wake()

    # --- lookups of the current snapshot, for callers that take no snapshot of their own
    @property
    def search(self) -> SearchIndex:
        """Return the current search index."""
        return self._snapshot.search

    @property
    def places(self) -> Mapping[str, tuple[str, float, float]]:
        """Return the current routable places."""
        return self._snapshot.places

    def router(self, *, accessible: bool) -> Any:
        """Return the current router (one answers both kinds of route).

        Raises
        ------
        ImportError
            When :mod:`floorplan.routing` is not available.
        """
        del accessible
        router = self._snapshot.router
        if router is None:
            msg = "floorplan.routing is not available"
            raise ImportError(msg)
        return router


class PublishWatcher:
    """Follow a layout store's published version for a whole server: one thread.

    Every ``poll_s`` (or at once after :meth:`wake`) the thread reads the published
    version; when it differs from the one served, it loads that version, builds its
    :class:`VenueSnapshot` (off the event loop) and hands it to
    :meth:`VenueContext.publish`. A version that fails to load is logged and skipped.

    Every ``heartbeat_s`` (and soon after a publish) it also writes this process's
    heartbeat to the store: how many kiosk sessions show which version. Then it reads the
    status of every server's kiosks and pushes it to the planner sessions when it changed.

    Parameters
    ----------
    ctx
        The server's context (its ``store`` is followed).
    heartbeat_s
        How often the heartbeat is written at most.
    """

    def __init__(self, ctx: VenueContext, *, heartbeat_s: float = 5.0) -> None:
        self.ctx = ctx
        self.heartbeat_s = heartbeat_s
        #: This server process in the store's heartbeat table.
        self.process = f"{os.uname().nodename}:{os.getpid()}:{secrets.token_hex(4)}"
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._failed: int | None = None
        self._thread: threading.Thread | None = None
        self._beat: tuple[float, dict[int | None, int]] | None = None
        self._status: KioskStatus | None = None

    def start(self) -> PublishWatcher:
        """Start the thread (a daemon: it never holds the server up on exit)."""
        if self.ctx.store is not None and self._thread is None:
            self.ctx.watcher = self
            self._thread = threading.Thread(
                target=self._run, name="floorplan-publish-watcher", daemon=True
            )
            self._thread.start()
        return self

    def stop(self, timeout_s: float = 10.0) -> None:
        """Stop the thread and wait for it; this process's heartbeat is taken back."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            self._thread = None
        if self.ctx.store is not None and self._beat is not None:
            try:
                self.ctx.store.end_heartbeat(self.process)
            except Exception:  # a store gone or locked: the heartbeat ages out anyway
                _log.exception("cannot remove the heartbeat of %s", self.process)

    def wake(self) -> None:
        """Look for a new published version now rather than at the next period."""
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.ctx.poll_s)
            self._wake.clear()
            if not self._stop.is_set():
                self.check()
                self.heartbeat()

    def heartbeat(self, *, force: bool = False) -> KioskStatus | None:
        """Write this process's heartbeat if due or changed; push a changed kiosk status.

        The status (every server's sessions, the published version) is read on each call,
        one query, so that planners hear of another server's publish or a kiosk that
        moved on within a poll. Returns the status pushed (``None``: nothing new, or the
        store cannot be read).
        """
        store = self.ctx.store
        if store is None:
            return None
        shown = self.ctx.shown_versions()
        now = time.monotonic()
        last = self._beat
        try:
            if force or last is None or last[1] != shown or now - last[0] >= self.heartbeat_s:
                store.heartbeat(self.process, shown)
                self._beat = (now, shown)
            status = store.kiosk_status()
        except Exception:  # a store being replaced or locked: try again next time
            _log.exception("cannot write the kiosk heartbeat to %s", store.path)
            return None
        if status == self._status:
            return None
        self._status = status
        self.ctx.push_status(status)
        return status

    def check(self) -> bool:
        """Serve the published version if it is new; return whether it was swapped in."""
        store = self.ctx.store
        try:
            version = store.published_version()
        except Exception:  # a store being replaced or locked: try again next time
            _log.exception("cannot read the published version of %s", store.path)
            return False
        if version is None or version in {self.ctx.served_version, self._failed}:
            return False
        try:
            snapshot = VenueSnapshot.build(
                store.load(version, cache=self.ctx.start_cache),
                version=version,
                cache_dir=search_cache_dir(store.path),
                start_cache=self.ctx.start_cache,
            )
        except Exception:  # a broken version must not stop the kiosks
            _log.exception("published layout version %s could not be loaded", version)
            self._failed = version  # do not retry it on every poll
            return False
        self.ctx.publish(snapshot)
        return True
