"""What a place given to the router stands for: a point, or the reachable edge of a booth or door.

A booth is reached anywhere on its *reachable edge*: its outline grown by the clearance,
cut to the walkable floor (the sides that face an aisle). A door is reached on its crossing
segment. A point (a kiosk, an amenity, ``(x, y)``) is itself, or the nearest walkable
point when it stands within the clearance of a wall (an amenity on a wall).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from floorplan.errors import NoRouteError, PlaceError
from floorplan.routing import visibility as V
from floorplan.routing.directions import Landmark
from floorplan.routing.graph import Array, WalkGraph
from floorplan.routing.route import Place
from floorplan.schema import Col

__all__ = ["Places", "Target"]

#: Landmarks are mentioned only when this close to a turn.
_LANDMARK_M = 6.0
#: Turn points whose landmark is remembered.
_LANDMARK_CACHE = 200_000


@dataclass
class Target:
    """Where a route may start or end: a point or a set of segments (booth or door)."""

    label: str
    label_zh: str
    hall: int
    segs: Array  # (k, 2, 2); a point is one segment of length zero
    lead: Array | None = None  # the given point, when snapped into the walkable area
    booth: BaseGeometry | None = None  # final straight bit onto the booth's boundary

    @property
    def is_point(self) -> bool:
        """Whether the target is one point (not a booth's or door's segments)."""
        return len(self.segs) == 1 and bool((self.segs[0, 0] == self.segs[0, 1]).all())

    @property
    def point(self) -> Array:
        """The point of a point target."""
        return self.segs[0, 0]

    def onto(self, pt: Array) -> Array | None:
        """Return the point of the booth's boundary nearest to ``pt`` (None: not a booth)."""
        if self.booth is None:
            return None
        line = shapely.shortest_line(shapely.Point(pt), self.booth.exterior)
        return np.asarray(shapely.get_coordinates(line)[1])


class Places:
    """The venue's places by id, resolved to :class:`Target` s (cached), and its landmarks.

    Parameters
    ----------
    graph
        The walking graph (its venue, clearance and halls).
    """

    def __init__(self, graph: WalkGraph) -> None:
        self.graph = graph
        self.targets: dict[str, Target] = {}
        self.index()

    def index(self) -> None:
        """Read the places of the graph's venue (again, after an edit)."""
        v = self.graph.venue
        self.booth_ids = [str(b) for b in v.booths[Col.BOOTH_ID]] if len(v.booths) else []
        self._booth_geoms = np.asarray(v.booths.geometry.values)
        self.booth_index = {b: k for k, b in enumerate(self.booth_ids)}
        self._booth_tree = shapely.STRtree(self._booth_geoms)
        self._obstacle_geoms = np.asarray(v.obstacles.geometry.values)
        self.kiosk_xy: dict[str, Array] = {}
        for _, row in v.kiosks.iterrows():
            self.kiosk_xy[str(row[Col.KIOSK_ID])] = shapely.get_coordinates(row.geometry)[0]
        self._amenity_xy: dict[str, tuple[Array, str, str]] = {}
        for _, row in v.amenities.iterrows():
            name = str(row.get(Col.NAME, "") or row.get(Col.KIND, ""))
            self._amenity_xy[str(row[Col.AMENITY_ID])] = (
                shapely.get_coordinates(row.geometry)[0],
                name,
                str(row.get("name_zh", "") or ""),
            )
        self._door_by_id = {i: d for d, door in enumerate(self.graph.doors) for i in door.ids}
        marks_xy, self._marks = [], []
        for aid, (xy, name, name_zh) in self._amenity_xy.items():
            marks_xy.append(shapely.Point(xy))
            self._marks.append(Landmark(aid, name or aid, name_zh or name or aid))
        # Columns as lists: a pandas row lookup per booth costs more than a whole query.
        self._booth_ex = _texts(v.booths, Col.EXHIBITOR)
        self._booth_ex_zh = _texts(v.booths, Col.EXHIBITOR_ZH)
        self._booth_hall = [self.graph.hall_index.get(h, -1) for h in _texts(v.booths, Col.HALL_ID)]
        for k, bid in enumerate(self.booth_ids):
            ex = self._booth_ex[k]
            ex_zh = self._booth_ex_zh[k] or ex
            marks_xy.append(self._booth_geoms[k])
            self._marks.append(Landmark(bid, f"{bid} {ex}".strip(), f"{bid} {ex_zh}".strip()))
        self._mark_tree = shapely.STRtree(marks_xy)
        self._landmarks: dict[tuple[float, float], Landmark | None] = {}

    def forget(self, hall: int | None = None) -> None:
        """Drop the cached targets (of one hall, or all)."""
        if hall is None:
            self.targets = {}
        else:
            self.targets = {p: t for p, t in self.targets.items() if t.hall != hall}

    def is_booth(self, place: Place) -> bool:
        """Whether ``place`` is a booth id."""
        return isinstance(place, str) and place in self.booth_index

    def hall_of(self, xy: Array, what: str) -> int:
        """Return the first hall covering ``xy``; raise :class:`PlaceError` outside them."""
        inside = shapely.covers(self.graph.hall_geoms, shapely.Point(xy))
        if not inside.any():
            msg = f"place {what} at ({xy[0]:.2f}, {xy[1]:.2f}) is outside every hall"
            raise PlaceError(msg)
        return int(np.flatnonzero(inside)[0])

    def resolve(self, place: Place) -> Target:
        """Return the target a place id or ``(x, y)`` stands for (cached for ids)."""
        if isinstance(place, str):
            hit = self.targets.get(place)
            if hit is not None:
                return hit
            target = self._resolve_id(place)
            self.targets[place] = target
            return target
        try:
            xy = np.array([float(place[0]), float(place[1])])
        except (TypeError, ValueError, IndexError):
            msg = f"a place is an id or (x, y); got {place!r}"
            raise PlaceError(msg) from None
        label = f"({xy[0]:.1f}, {xy[1]:.1f})"
        return self.point_target(xy, label, label)

    def _resolve_id(self, place: str) -> Target:
        if place in self.booth_index:
            return self._booth_target(place)
        if place in self.kiosk_xy:
            return self.point_target(self.kiosk_xy[place], place, place)
        if place in self._amenity_xy:
            xy, name, name_zh = self._amenity_xy[place]
            en = f"{name} ({place})" if name else place
            return self.point_target(xy, en, f"{name_zh or name} ({place})")
        if place in self._door_by_id:
            return self._door_target(place)
        msg = f"unknown place {place!r}: not a booth, kiosk, amenity or opening id"
        raise PlaceError(msg)

    def point_target(self, xy: Array, label: str, label_zh: str) -> Target:
        """Return the target of a point, checked to stand on walkable floor."""
        hall = self.hall_of(xy, label)
        pt = shapely.Point(xy)
        hit = self._booth_tree.query(pt, predicate="within")
        # A point on a booth's boundary (up to rounding) is where a route to it ends.
        hit = [h for h in hit if self._booth_geoms[h].boundary.distance(pt) > V.EPS_M]
        if hit:
            bid = self.booth_ids[int(hit[0])]
            msg = f"place {label} is inside booth {bid}"
            raise PlaceError(msg)
        if len(self._obstacle_geoms) and shapely.contains_properly(self._obstacle_geoms, pt).any():
            msg = f"place {label} is inside an obstacle"
            raise PlaceError(msg)
        free = self.graph.graphs[hall].free
        lead = None
        if not shapely.covers(self.graph.graphs[hall].test, pt):
            # Within the clearance of a wall or booth (an amenity on a wall): walk from
            # the nearest walkable point.
            if free.is_empty:
                msg = f"place {label} has no walkable floor around it"
                raise NoRouteError(msg)
            near = shapely.get_coordinates(shapely.shortest_line(pt, free))[1]
            lead, xy = xy, near
        segs = np.array([[xy, xy]])
        return Target(label, label_zh, hall, segs, lead)

    def _booth_target(self, bid: str) -> Target:
        k = self.booth_index[bid]
        booth = self._booth_geoms[k]
        hall = self._booth_hall[k]
        if hall < 0:
            hall = self.hall_of(shapely.get_coordinates(booth.representative_point())[0], bid)
        c = self.graph.clearance_m
        grown = booth.buffer(c, join_style="mitre") if c > 0 else booth
        ring = shapely.get_coordinates(shapely.orient_polygons(grown).exterior)
        lines = shapely.linestrings(np.stack([ring[:-1], ring[1:]], axis=1))
        parts = shapely.get_parts(shapely.intersection(lines, self.graph.graphs[hall].test))
        segs = [
            np.stack([co[:-1], co[1:]], axis=1)
            for co in (shapely.get_coordinates(p) for p in parts if p.geom_type == "LineString")
            if len(co) >= 2
        ]
        arr = np.concatenate(segs) if segs else np.zeros((0, 2, 2))
        ex = self._booth_ex[k]
        ex_zh = self._booth_ex_zh[k] or ex
        en = f"booth {bid}" + (f" ({ex})" if ex else "")
        zh = f"{bid}号展位" + (f"（{ex_zh}）" if ex_zh else "")
        return Target(en, zh, hall, arr, booth=booth if c > 0 else None)

    def _door_target(self, oid: str) -> Target:
        door = self.graph.doors[self._door_by_id[oid]]
        if not door.usable:
            msg = f"door {oid} is narrower than twice the clearance {self.graph.clearance_m} m"
            raise NoRouteError(msg)
        return Target(f"door {oid}", f"{oid}号门", door.halls[0], door.seg[None, :, :])

    def landmark_at(self, pt: tuple[float, float]) -> Landmark | None:
        """Return the booth or amenity to name at a turn, if one is near enough."""
        # Turns are at graph nodes, so the same points come back query after query.
        if pt in self._landmarks:
            return self._landmarks[pt]
        hit = self._mark_tree.query_nearest(shapely.Point(pt), max_distance=_LANDMARK_M)
        mark = self._marks[int(hit[0])] if len(hit) else None
        if len(self._landmarks) < _LANDMARK_CACHE:
            self._landmarks[pt] = mark
        return mark


def _texts(frame: pd.DataFrame, col: str) -> list[str]:
    """Return a column as text, ``""`` for empty cells or a missing column."""
    if col not in frame.columns:
        return [""] * len(frame)
    return [str(x or "") for x in frame[col].tolist()]
