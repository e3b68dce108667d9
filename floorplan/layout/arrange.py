"""Fill a hall (or an area drawn in it) with booths from a list, in zone blocks with aisles.

The result is a starting layout for a planner to refine by hand, not an optimum. Booths
stand in *bands* of two back-to-back rows along the area's x axis; bands are an aisle
apart. Each zone fills one block of a band after the other (both rows), a cross aisle
ends a block when it is ``block_m`` long or the zone changes. A spot is used only when
the booth lies wholly on free floor: inside the area, an aisle away from the walls and
from booths already there, half an aisle from obstacles, and the keep-clear distance from
doors. Booths are placed in zone order (:class:`~floorplan.Zone`), deepest first within
a zone; what does not fit is reported, never squeezed in.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from floorplan.errors import EditError, OptionError
from floorplan.layout.editor import LayoutEditor
from floorplan.layout.rules import LayoutRules
from floorplan.schema import Col, Zone, parse_option
from floorplan.venue import Venue

__all__ = ["ArrangeResult", "arrange", "read_booth_list"]

_COLUMNS = (Col.EXHIBITOR, Col.ZONE, "width_m", "depth_m")
#: Spots are tried along a row in steps of this many metres.
_STEP_M = 0.5


@dataclass
class ArrangeResult:
    """What :func:`arrange` did.

    Attributes
    ----------
    venue
        A copy of the venue with the placed booths added.
    placed
        Ids of the booths placed, in the order of placing.
    unplaced
        The rows of the list that did not fit (with their row number, ``row``).
    """

    venue: Venue
    placed: list[str] = field(default_factory=list)
    unplaced: list[dict[str, Any]] = field(default_factory=list)


def read_booth_list(src: str | Path | pd.DataFrame) -> pd.DataFrame:
    """Read and check a booth list: ``exhibitor, zone, width_m, depth_m`` (``booth_id`` optional).

    Raises
    ------
    EditError
        When a column is missing or a size is not a positive number (naming the row).
    OptionError
        When a zone is not one of the six.
    """
    if isinstance(src, pd.DataFrame):
        frame = src.copy()
    else:
        try:
            frame = pd.read_csv(src, dtype=str, keep_default_na=False)
        except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
            msg = f"booth list {src} cannot be read: {exc}"
            raise EditError(msg) from None
    missing = [c for c in _COLUMNS if c not in frame.columns]
    if missing:
        msg = f"booth list lacks column(s) {', '.join(missing)}; it needs {', '.join(_COLUMNS)}"
        raise EditError(msg)
    frame = frame.reset_index(drop=True)
    for col in ("width_m", "depth_m"):
        values = []
        for k, v in enumerate(frame[col].tolist()):
            try:
                num = float(v)
            except (TypeError, ValueError):
                num = math.nan
            if not (math.isfinite(num) and num > 0):
                msg = f"booth list row {k + 1}: {col} {v!r} must be a positive number of metres"
                raise EditError(msg)
            values.append(num)
        frame[col] = values
    zones = []
    for k, z in enumerate(frame[Col.ZONE].tolist()):
        try:
            zones.append(parse_option(Zone, str(z).strip(), what="zone").value)
        except OptionError as exc:
            msg = f"booth list row {k + 1}: {exc}"
            raise OptionError(msg) from None
    frame[Col.ZONE] = zones
    frame[Col.EXHIBITOR] = ["" if pd.isna(e) else str(e) for e in frame[Col.EXHIBITOR]]
    frame["row"] = np.arange(1, len(frame) + 1)
    return frame


def arrange(
    venue: Venue,
    hall_id: str,
    booths: str | Path | pd.DataFrame,
    *,
    area: BaseGeometry | None = None,
    rules: LayoutRules | None = None,
    block_m: float = 30.0,
    id_prefix: str | None = None,
) -> ArrangeResult:
    """Place the listed booths in hall ``hall_id`` (or in ``area`` inside it).

    Parameters
    ----------
    venue
        The venue; it is copied, never changed.
    hall_id
        The hall to fill.
    booths
        A CSV path or a frame with ``exhibitor, zone, width_m, depth_m`` (and optionally
        ``booth_id``).
    area
        A polygon in the venue CRS to fill instead of the whole hall.
    rules
        Aisle width and door keep-clear distance (default :class:`LayoutRules`).
    block_m
        Longest run of booths before a cross aisle.
    id_prefix
        Prefix of new booth ids (default ``"<hall_id>-N"``).

    Raises
    ------
    EditError
        For an unknown hall, an area outside the hall, or a bad booth list.
    """
    rules = rules or LayoutRules()
    hall, region = _region(venue, hall_id, area)
    if not (math.isfinite(block_m) and block_m > 0):
        msg = f"block_m must be a positive number of metres, got {block_m!r}"
        raise EditError(msg)
    listing = read_booth_list(booths)
    free = _free_floor(venue, hall_id, hall, region, rules)
    order = sorted(
        range(len(listing)),
        key=lambda k: (
            [z.value for z in Zone].index(listing[Col.ZONE].iloc[k]),
            -float(listing["depth_m"].iloc[k]),
            k,
        ),
    )
    editor = LayoutEditor(venue, rules=rules)
    taken = set(venue.booths[Col.BOOTH_ID].astype(str))
    prefix = id_prefix if id_prefix is not None else f"{hall_id}-N"
    ids = _new_ids(listing, prefix, taken)
    result = ArrangeResult(venue=editor.venue)
    spots = _pack(listing, order, free, rules.aisle_m, block_m)
    for k in order:
        rec = listing.iloc[k]
        spot = spots.get(k)
        if spot is None:
            result.unplaced.append(_unplaced(rec))
            continue
        editor.add(ids[k], spot, hall_id=hall_id, zone=rec[Col.ZONE], exhibitor=rec[Col.EXHIBITOR])
        result.placed.append(ids[k])
    result.venue = editor.venue.copy()
    return result


def _region(
    venue: Venue, hall_id: str, area: BaseGeometry | None
) -> tuple[BaseGeometry, BaseGeometry]:
    """Return hall ``hall_id`` and the part of it to fill; refuse an unknown hall or area."""
    halls = venue.halls.set_index(venue.halls[Col.HALL_ID].astype(str))
    if hall_id not in halls.index:
        msg = f"unknown hall {hall_id!r}; halls: {', '.join(sorted(halls.index))}"
        raise EditError(msg)
    hall = halls.geometry.loc[hall_id]
    region = hall if area is None else shapely.intersection(hall, area)
    if region.is_empty or region.area <= 0:
        msg = f"the area to fill does not overlap hall {hall_id}"
        raise EditError(msg)
    return hall, region


def _unplaced(rec: pd.Series) -> dict[str, Any]:
    """Return the report of a listed booth that found no spot."""
    return {
        "row": int(rec["row"]),
        Col.EXHIBITOR: rec[Col.EXHIBITOR],
        Col.ZONE: rec[Col.ZONE],
        "width_m": float(rec["width_m"]),
        "depth_m": float(rec["depth_m"]),
        "reason": "no free spot of that size left in the area",
    }


def _free_floor(
    venue: Venue, hall_id: str, hall: BaseGeometry, region: BaseGeometry, rules: LayoutRules
) -> BaseGeometry:
    """Return where a new booth may stand in ``region``."""
    aisle = rules.aisle_m
    floor = shapely.intersection(region, shapely.buffer(hall, -aisle, join_style="mitre"))
    blocked: list[BaseGeometry] = []
    b = venue.booths[venue.booths[Col.HALL_ID].astype(str) == hall_id]
    blocked.extend(shapely.buffer(np.asarray(b.geometry.values), aisle, join_style="mitre"))
    o = venue.obstacles[venue.obstacles[Col.HALL_ID].astype(str) == hall_id]
    blocked.extend(shapely.buffer(np.asarray(o.geometry.values), aisle / 2, join_style="mitre"))
    ops = venue.openings
    kinds = {k.value for k in rules.keep_clear_kinds}
    near = ops[
        ops[Col.KIND].astype(str).isin(kinds)
        & ((ops[Col.HALL_ID].astype(str) == hall_id) | (ops[Col.CONNECTS].astype(str) == hall_id))
    ]
    # A door gets its keep-clear distance, and a connection an aisle's width, of floor.
    blocked.extend(shapely.buffer(np.asarray(near.geometry.values), rules.keep_clear_m + 0.01))
    conns = ops[
        (ops[Col.KIND].astype(str) == "connection")
        & ((ops[Col.HALL_ID].astype(str) == hall_id) | (ops[Col.CONNECTS].astype(str) == hall_id))
    ]
    blocked.extend(shapely.buffer(np.asarray(conns.geometry.values), aisle))
    if blocked:
        floor = shapely.difference(floor, shapely.union_all(blocked))
    return floor


def _pack(
    listing: pd.DataFrame,
    order: Sequence[int],
    free: BaseGeometry,
    aisle: float,
    block_m: float,
) -> dict[int, BaseGeometry]:
    """Return a spot per placed row of ``listing``: bands of back-to-back rows, zone blocks."""
    if free.is_empty:
        return {}
    shapely.prepare(free)
    x_min, y_min, x_max, y_max = free.bounds
    depth = float(listing["depth_m"].max()) if len(listing) else 0.0
    spots: dict[int, BaseGeometry] = {}
    pending = list(order)
    back = y_min + depth  # the line two rows of a band stand back to back on
    while pending and back - depth < y_max:
        x = x_min
        while pending and x < x_max:
            block_end = x
            # The first zone (in order) that fits here; a zone whose leftovers fit
            # nowhere must not hold up the zones after it.
            for zone in dict.fromkeys(listing[Col.ZONE].iloc[pending].tolist()):
                block_end, pending = _fill_block(
                    listing,
                    pending,
                    zone=zone,
                    free=free,
                    x0=x,
                    back=back,
                    block_m=block_m,
                    spots=spots,
                )
                if block_end > x:
                    break
            x = block_end + aisle if block_end > x else x + _STEP_M
        back += 2 * depth + aisle
    return spots


def _fill_block(
    listing: pd.DataFrame,
    pending: list[int],
    *,
    zone: str,
    free: BaseGeometry,
    x0: float,
    back: float,
    block_m: float,
    spots: dict[int, BaseGeometry],
) -> tuple[float, list[int]]:
    """Fill one block of one zone from ``x0``: lower row, then upper row; return its end."""
    end = x0
    for lower in (True, False):
        x = x0
        for k in pending:
            if k in spots or listing[Col.ZONE].iloc[k] != zone:
                continue
            w = float(listing["width_m"].iloc[k])
            d = float(listing["depth_m"].iloc[k])
            if x + w - x0 > block_m + 1e-9 and x > x0:
                break
            y0, y1 = (back - d, back) if lower else (back, back + d)
            cand = shapely.box(x, y0, x + w, y1)
            if shapely.contains(free, cand):
                spots[k] = cand
                x += w
                end = max(end, x)
    left = [k for k in pending if k not in spots]
    return end, left


def _new_ids(listing: pd.DataFrame, prefix: str, taken: set[str]) -> list[str]:
    given = listing["booth_id"].tolist() if "booth_id" in listing.columns else [None] * len(listing)
    out: list[str] = []
    n = 0
    for g in given:
        if isinstance(g, str) and g.strip() and g not in taken:
            bid = g.strip()
        else:
            n += 1
            while f"{prefix}{n:03d}" in taken:
                n += 1
            bid = f"{prefix}{n:03d}"
        taken.add(bid)
        out.append(bid)
    return out
