"""Generate synthetic venues: the bundled Chain Expo and larger ones up to Canton Fair scale.

:func:`generate_venue` runs the steps in order, each in its module:
:mod:`~floorplan.generate.plan` (hall sizes, complexes of halls around concourses, aisles
and blocks), :mod:`~floorplan.generate.booths` (blocks cut into booths, named and given
zones and exhibitors from :mod:`~floorplan.generate.exhibitors`),
:mod:`~floorplan.generate.obstacles`, :mod:`~floorplan.generate.openings`,
:mod:`~floorplan.generate.points` (kiosks and amenities) and
:mod:`~floorplan.generate.events`. Every booth is cut from a block so that it touches an
aisle, which keeps it reachable; columns, stages and shafts stand in aisles or in a
reserved activity block, never in a booth.

Everything is drawn from one ``numpy.random.Generator`` in a fixed order, so the same
arguments give the same venue, and coordinates are rounded to millimetres: moving code
between these modules must keep the order of the draws (``halls/chain-expo`` is the
check: ``floorplan generate OUT`` writes it byte for byte).
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from floorplan.errors import OptionError
from floorplan.generate.booths import cut_booths, dress_booths
from floorplan.generate.events import DATES, schedule_events
from floorplan.generate.exhibitors import exhibitors_for
from floorplan.generate.names import LEVELS, name_halls
from floorplan.generate.obstacles import place_obstacles
from floorplan.generate.openings import place_openings
from floorplan.generate.plan import (
    CRS,
    CUSTOM,
    CUSTOM_MAX_BOOTHS,
    SHELL,
    default_halls,
    halls_frame,
    place_halls,
    size_halls,
)
from floorplan.generate.points import place_points
from floorplan.schema import Col
from floorplan.venue import Venue

__all__ = ["BUNDLED_BOOTHS", "BUNDLED_SEED", "CRS", "generate_venue"]

#: Booths and seed of the bundled Chain Expo venue: 515 exhibitors and 8 booths unsold.
BUNDLED_BOOTHS = 523


BUNDLED_SEED = 2023


_BUNDLED_NAME = "Chain Expo 2023 (model venue)"

#: The fire code generated venues are laid out for (venue.json's ``code``).
CODE = {"profile": "gb50016", "sprinklered": True}


def generate_venue(
    *, booths: int = BUNDLED_BOOTHS, halls: int | None = None, seed: int = 2023
) -> Venue:
    """Generate a valid synthetic exhibition ground.

    With the defaults this is the bundled venue modelled on the first China
    International Supply Chain Expo (Beijing, 28 November - 2 December 2023): six halls
    of custom-built stands around a concourse, 515 invented exhibitors in the six chain
    zones, forums, product launches and matchmaking sessions. Other sizes use the same
    code; above 1,500 booths halls fill with shell-scheme rows of 9-36 m² booths, so
    74,000 booths take about 1.55 million m² of hall floor, as at the Canton Fair.

    Parameters
    ----------
    booths
        Number of booths, exactly; one in 61 (one in 101 in shell-scheme halls) is
        left unsold, with an empty exhibitor, and every other has its own exhibitor
        (the default, 523, makes the bundled venue's 515 exhibitors).
    halls
        Number of exhibition halls; ``None`` picks one from the floor the booths need
        (about 18,000 m² per hall of custom stands, 26,000 m² of shell-scheme rows).
    seed
        Seed of the random generator; the same arguments give the same venue.

    Returns
    -------
    Venue
        Every layer in EPSG:32650 with the format's columns, booths with the extra
        column ``chain_stage`` (``upstream``, ``midstream``, ``downstream``; empty in
        the services zone), and events on the five days of the expo.

    Raises
    ------
    OptionError
        When ``booths`` or ``halls`` is not a positive whole number.
    """
    _check_counts(booths, halls)
    rng = np.random.default_rng(seed)
    style = CUSTOM if booths <= CUSTOM_MAX_BOOTHS else SHELL
    total = int(booths)
    n_exhibitors = exhibitors_for(total, style.unsold_every)
    n_halls = int(halls) if halls is not None else default_halls(total, style)
    plain, notched, per_hall = size_halls(total, n_halls, style)
    placed, concourses = place_halls(n_halls, plain, notched, style)

    hall_frame = name_halls(halls_frame(placed, concourses))
    booth_rows, pieces_hall = cut_booths(rng, placed, per_hall, style)
    obstacles = place_obstacles(placed, concourses, style)
    openings = place_openings(rng, placed, concourses)
    frame_booths = dress_booths(
        rng, booth_rows, pieces=pieces_hall, n_halls=n_halls, n_exhibitors=n_exhibitors, total=total
    )
    inner, blockers = _open_floor(hall_frame, frame_booths, obstacles)
    kiosks, amenities = place_points(
        placed, concourses, inner, blockers, style=style, booths=n_exhibitors
    )
    events = schedule_events(rng, frame_booths, amenities)

    is_bundled = booths == BUNDLED_BOOTHS and halls is None and seed == BUNDLED_SEED
    name = _BUNDLED_NAME if is_bundled else f"Generated expo ({booths} booths, seed {seed})"
    return Venue(
        halls=hall_frame,
        booths=frame_booths,
        openings=openings,
        obstacles=obstacles,
        kiosks=kiosks,
        amenities=amenities,
        events=events,
        name=name,
        dates=DATES,
        meta={
            "crs": CRS,
            "levels": [dict(level) for level in LEVELS],
            "generator": {"booths": int(booths), "halls": n_halls, "seed": seed},
            # The halls model a sprinklered modern exhibition centre, checked as such.
            "code": dict(CODE),
        },
    )


def _check_counts(booths: object, halls: object) -> None:
    """Refuse a booth or hall count that is not a positive whole number."""
    if isinstance(booths, bool) or not isinstance(booths, int | np.integer) or booths < 1:
        msg = f"booths must be a whole number of at least 1, got {booths!r}"
        raise OptionError(msg)
    if halls is not None and (
        isinstance(halls, bool) or not isinstance(halls, int | np.integer) or halls < 1
    ):
        msg = f"halls must be None or a whole number of at least 1, got {halls!r}"
        raise OptionError(msg)


def _open_floor(
    hall_frame: gpd.GeoDataFrame, booths: gpd.GeoDataFrame, obstacles: gpd.GeoDataFrame
) -> tuple[dict[str, Any], np.ndarray]:
    """Return each hall's floor half a metre in from its walls, and what stands on floors."""
    blockers = np.concatenate([booths.geometry.to_numpy(), obstacles.geometry.to_numpy()])
    inner = dict(
        zip(
            hall_frame[Col.HALL_ID],
            shapely.buffer(hall_frame.geometry.to_numpy(), -0.5),
            strict=True,
        )
    )
    return inner, blockers
