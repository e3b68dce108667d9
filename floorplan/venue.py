"""Hold a venue: halls, booths, doors, fixed things and events in one metric CRS.

Reading one from disk is :func:`floorplan.io.load_venue`.
"""

from __future__ import annotations

import copy as _copy
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd

from floorplan import schema as S
from floorplan.errors import VenueError
from floorplan.schema import Col

if TYPE_CHECKING:
    from pyproj import CRS

    from floorplan.problems import Problem

__all__ = ["BUNDLED_VENUE_NAME", "Venue", "bundled_venue_path"]

BUNDLED_VENUE_NAME = "chain-expo"


@dataclass(eq=False)
class Venue:
    """A whole fair ground in one projected metric CRS.

    Attributes
    ----------
    halls, booths, openings, obstacles, kiosks, amenities
        One GeoDataFrame per layer of the venue format, with the format's columns
        (see :mod:`floorplan.schema`), optional ones filled with their defaults, and any
        extra columns the source carried.
    events
        ``event_id, title, starts, ends, where``; ``starts`` and ``ends`` are timestamps.
    name
        The venue's display name.
    dates
        The event days, ISO dates.
    problems
        Rules the venue breaks (empty for a venue loaded with ``strict=True``).
    read_problems
        Those of ``problems`` found while reading it, which the frames no longer show (a
        value that did not parse and was replaced by its default, a CRS guessed):
        checking the venue again cannot find them, so the rule engine adds them.
    source
        Where it was read from, if anywhere.
    """

    halls: gpd.GeoDataFrame
    booths: gpd.GeoDataFrame
    openings: gpd.GeoDataFrame
    obstacles: gpd.GeoDataFrame
    kiosks: gpd.GeoDataFrame
    amenities: gpd.GeoDataFrame
    events: pd.DataFrame
    name: str = ""
    dates: tuple[str, ...] = ()
    problems: list[Problem] = field(default_factory=list)
    read_problems: tuple[Problem, ...] = ()
    source: Path | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def crs(self) -> CRS:
        """Return the venue's projected CRS (that of ``halls``)."""
        crs = self.halls.crs
        if crs is None:  # pragma: no cover - the loader always sets one
            msg = "venue has no CRS"
            raise VenueError(msg)
        return crs

    @property
    def is_valid(self) -> bool:
        """Whether the venue keeps every rule (as of its last validation)."""
        return not self.problems

    @property
    def zones(self) -> dict[str, gpd.GeoDataFrame]:
        """Return the booths grouped by zone, in the order of :class:`~floorplan.schema.Zone`."""
        groups = {z.value: self.booths.iloc[0:0] for z in S.Zone}
        for zone, frame in self.booths.groupby(Col.ZONE, sort=False):
            groups[str(zone)] = frame
        return groups

    def layer(self, name: str) -> gpd.GeoDataFrame | pd.DataFrame:
        """Return the frame of layer ``name`` (one of :data:`~floorplan.schema.LAYERS` or events).

        Raises
        ------
        OptionError
            When ``name`` is not a layer of the format.
        """
        if name == S.EVENTS:
            return self.events
        if name not in S.LAYERS:
            from floorplan.errors import OptionError  # noqa: PLC0415

            msg = f"unknown layer {name!r}; valid: {', '.join((*S.LAYERS, S.EVENTS))}"
            raise OptionError(msg)
        frame: gpd.GeoDataFrame = getattr(self, name)
        return frame

    def layers(self) -> dict[str, gpd.GeoDataFrame]:
        """Return the spatial layers by name, in the format's order."""
        return {name: getattr(self, name) for name in S.LAYERS}

    def copy(self) -> Venue:
        """Return a deep copy whose frames can be edited without touching this one."""
        return Venue(
            **{name: frame.copy() for name, frame in self.layers().items()},
            events=self.events.copy(),
            name=self.name,
            dates=self.dates,
            problems=list(self.problems),
            read_problems=self.read_problems,
            source=self.source,
            meta=_copy.deepcopy(self.meta),
        )

    def __repr__(self) -> str:
        counts = ", ".join(f"{n}={len(f)}" for n, f in self.layers().items())
        return f"<Venue {self.name!r} {counts}, events={len(self.events)}, crs={self.crs.srs}>"


def bundled_venue_path() -> Path:
    """Return the folder of the bundled Chain Expo venue.

    It ships inside the package (``floorplan/_bundled``) in an installed wheel and sits
    in ``halls/`` of a source checkout or an editable install.
    """
    packaged = Path(str(resources.files("floorplan"))) / "_bundled" / BUNDLED_VENUE_NAME
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "halls" / BUNDLED_VENUE_NAME
