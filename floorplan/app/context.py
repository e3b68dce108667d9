"""Hold what every page session of one server shares read-only: the venue and its indexes.

The venue is loaded once per server; the search index, the booth lookup tree and the
routers are built on first use and then shared by all sessions (Panel runs sessions on
one event loop thread, so nothing here is written after it is built).

With a layout store, :meth:`VenueContext.poll_published` swaps in a newly published
layout: it reads the published version number (one SELECT, at most every ``poll_s``),
builds the new venue's lookups and router in a worker thread, and swaps them in whole on
the event loop thread at a later poll, bumping ``generation`` so that sessions redraw.
"""

from __future__ import annotations

import contextlib
import logging
import math
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

from floorplan.schema import Col
from floorplan.search import SearchIndex
from floorplan.venue import Venue

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["VenueContext", "assets_path"]

_log = logging.getLogger(__name__)
#: The lookups built per venue, swapped in together on a publish.
_CACHED = ("search", "booths", "_booth_tree", "places")


def assets_path() -> Path:
    """Return the folder of CSS and icons: ``floorplan/_assets`` in a wheel, else ``assets/``."""
    packaged = Path(str(resources.files("floorplan"))) / "_assets"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "assets"


@dataclass(eq=False)
class VenueContext:
    """A venue with the lookups the pages need, built once and shared.

    Parameters
    ----------
    venue
        The loaded venue.
    idle_s
        Seconds without input after which a kiosk returns to its home view (0: never).
    public_url
        The address phones reach the server at, for QR codes; empty: the request's host.
    store
        The :class:`~floorplan.store.LayoutStore` planners save to and kiosks follow
        (``None``: the venue never changes).
    served_version
        The store's version ``venue`` is (``None``: the venue file as loaded).
    poll_s
        Look for a newly published version at most this often (seconds).
    """

    venue: Venue
    idle_s: float = 90.0
    public_url: str = ""
    store: Any = None
    served_version: int | None = None
    poll_s: float = 2.0
    #: Bumped each time a published layout is swapped in.
    generation: int = 0
    _routers: dict[bool, Any] = field(default_factory=dict, repr=False)
    _pending: Future[VenueContext] | None = field(default=None, repr=False)
    _pending_version: int | None = field(default=None, repr=False)
    _last_poll: float = field(default=-math.inf, repr=False)
    _pool: ThreadPoolExecutor | None = field(default=None, repr=False)

    def poll_published(self, *, now: bool = False) -> bool:
        """Follow the store's published layout; return whether it was swapped in just now.

        Call it from the event loop thread (a periodic callback): the check is one SELECT
        at most every ``poll_s`` (``now``: regardless), the build of the new layout's
        lookups runs in a worker thread, and the swap happens at the first poll after the
        build finished. A layout that fails to load is logged and skipped.
        """
        if self.store is None:
            return False
        if self._pending is not None:
            if not self._pending.done():
                return False
            pending, version = self._pending, self._pending_version
            self._pending = self._pending_version = None
            try:
                fresh = pending.result()
            except Exception:  # a broken version must not stop the kiosks
                _log.exception("published layout version %s could not be loaded", version)
                self.served_version = version  # do not retry it on every poll
                return False
            self._swap(fresh, version)
            return True
        t = time.monotonic()
        if not now and t - self._last_poll < self.poll_s:
            return False
        self._last_poll = t
        try:
            version = self.store.published_version()
        except Exception:  # a store being replaced or locked: try again next poll
            _log.exception("cannot read the published version of %s", self.store.path)
            return False
        if version is None or version == self.served_version:
            return False
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fp-publish")
        self._pending_version = version
        self._pending = self._pool.submit(self._build, version)
        return False

    def _build(self, version: int) -> VenueContext:
        """Load ``version`` and build every lookup of it (in the worker thread)."""
        fresh = VenueContext(self.store.load(version), idle_s=self.idle_s)
        for name in _CACHED:
            getattr(fresh, name)
        with contextlib.suppress(ImportError):  # no router: kiosks say so per route
            fresh.router(accessible=False)
        return fresh

    def _swap(self, fresh: VenueContext, version: int | None) -> None:
        """Serve ``fresh``'s venue and lookups from now on (on the event loop thread)."""
        self.venue = fresh.venue
        for name in _CACHED:
            self.__dict__[name] = fresh.__dict__[name]
        self._routers = fresh._routers
        self.served_version = version
        self.generation += 1

    @cached_property
    def search(self) -> SearchIndex:
        """Return the venue's search index."""
        return SearchIndex(self.venue)

    @cached_property
    def booths(self) -> gpd.GeoDataFrame:
        """Return the booths indexed by booth id."""
        return self.venue.booths.set_index(Col.BOOTH_ID, drop=False)

    @cached_property
    def _booth_tree(self) -> shapely.STRtree:
        return shapely.STRtree(self.venue.booths.geometry.values)

    def booth_at(self, x: float, y: float) -> str | None:
        """Return the id of the booth containing venue point ``(x, y)``, if any."""
        idx = self._booth_tree.query(shapely.Point(x, y), predicate="intersects")
        if not len(idx):
            return None
        return str(self.venue.booths[Col.BOOTH_ID].iloc[int(np.min(idx))])

    @cached_property
    def places(self) -> dict[str, tuple[str, float, float]]:
        """Return every routable place id with its layer and a representative point."""
        out: dict[str, tuple[str, float, float]] = {}
        for layer, col in (("openings", Col.OPENING_ID), ("amenities", Col.AMENITY_ID)):
            frame = getattr(self.venue, layer)
            for pid, geom in zip(frame[col], frame.geometry, strict=True):
                pt = geom.centroid
                out[str(pid)] = (layer, float(pt.x), float(pt.y))
        booths = self.venue.booths
        for pid, geom in zip(booths[Col.BOOTH_ID], booths.geometry, strict=True):
            pt = geom.centroid
            out[str(pid)] = ("booths", float(pt.x), float(pt.y))
        for pid, geom in zip(
            self.venue.kiosks[Col.KIOSK_ID], self.venue.kiosks.geometry, strict=True
        ):
            out[str(pid)] = ("kiosks", float(geom.x), float(geom.y))
        return out

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

    def router(self, *, accessible: bool) -> Any:
        """Return the shared router (built on first use).

        Raises
        ------
        ImportError
            When :mod:`floorplan.routing` is not available.
        """
        del accessible  # one router answers both kinds of route (``route(accessible=)``)
        if False not in self._routers:
            from floorplan.routing import Router  # noqa: PLC0415 - heavy, built on demand

            self._routers[False] = Router(self.venue)
        return self._routers[False]
