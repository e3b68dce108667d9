"""What a place given to the router stands for: a point, or the reachable edge of a booth or door.

A booth is reached anywhere on its *reachable edge*: its outline grown by the clearance,
cut to the walkable floor (the sides that face an aisle). A door is reached on its crossing
segment. A point (a kiosk, an amenity, ``(x, y)``) is itself, or the nearest walkable
point when it stands within the clearance of a wall (an amenity on a wall).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from floorplan.errors import NoRouteError, PlaceError
from floorplan.i18n import Lang, amenity_name, hall_name, pick
from floorplan.routing import visibility as V
from floorplan.routing.directions import CATALOGUE, Landmark, PlaceWords, words
from floorplan.routing.graph import Array, WalkGraph
from floorplan.routing.route import Place
from floorplan.schema import Col, OpeningKind

__all__ = ["Places", "Target"]

#: Points whose landmarks are remembered.
_LANDMARK_CACHE = 200_000
#: Amenities and hall doors stand out more than one booth among many: they win over a
#: booth up to this much nearer.
_STANDS_OUT_M = 3.0
#: The doors named as landmarks: a hall's own doors to the outside (a connection is
#: what an "enter" step already names).
_DOOR_MARKS = (OpeningKind.ENTRANCE, OpeningKind.EXIT, OpeningKind.EMERGENCY_EXIT)


@dataclass
class Target:
    """Where a route may start or end: a point or a set of segments (booth or door)."""

    label: str
    label_zh: str
    hall: int
    segs: Array  # (k, 2, 2); a point is one segment of length zero
    lead: Array | None = None  # the given point, when snapped into the walkable area
    booth: BaseGeometry | None = None  # final straight bit onto the booth's boundary
    words: PlaceWords | None = None  # how steps name it

    @property
    def says(self) -> PlaceWords:
        """Return how steps name the place (its label when nothing better is known)."""
        return self.words or PlaceWords("", self.label, self.label_zh)

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
        rows = {str(r[Col.HALL_ID]): r for _, r in v.halls.iterrows()}
        self.hall_words = [
            (hall_name(rows[h], Lang.EN), hall_name(rows[h], Lang.ZH)) for h in self.graph.hall_ids
        ]
        self.kiosk_xy: dict[str, Array] = {}
        self._kiosk_hall: dict[str, str] = {}
        for _, row in v.kiosks.iterrows():
            self.kiosk_xy[str(row[Col.KIOSK_ID])] = shapely.get_coordinates(row.geometry)[0]
            self._kiosk_hall[str(row[Col.KIOSK_ID])] = str(row[Col.HALL_ID])
        self._amenity_xy: dict[str, tuple[Array, str, str]] = {}
        self._amenity_says: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {}
        for _, row in v.amenities.iterrows():
            name = str(row.get(Col.NAME, "") or row.get(Col.KIND, ""))
            aid = str(row[Col.AMENITY_ID])
            self._amenity_xy[aid] = (
                shapely.get_coordinates(row.geometry)[0],
                name,
                str(row.get(Col.NAME_ZH, "") or ""),
            )
            self._amenity_says[aid] = self._amenity_words(row)
        self._door_by_id = {i: d for d, door in enumerate(self.graph.doors) for i in door.ids}
        # Columns as lists: a pandas row lookup per booth costs more than a whole query.
        self._booth_ex = _texts(v.booths, Col.EXHIBITOR)
        self._booth_ex_zh = _texts(v.booths, Col.EXHIBITOR_ZH)
        self._booth_hall = [self.graph.hall_index.get(h, -1) for h in _texts(v.booths, Col.HALL_ID)]
        self._index_marks()

    def _amenity_words(self, row: pd.Series) -> tuple[tuple[str, str], tuple[str, str]]:
        """Return an amenity's name and its noun (EN, ZH): its own name, else its kind's."""
        kind = str(row.get(Col.KIND, "") or "")
        noun = f"what.{kind}" if f"what.{kind}" in CATALOGUE else "what.other"
        what = CATALOGUE[noun]
        named = (pick(row, Col.NAME, Lang.EN), pick(row, Col.NAME, Lang.ZH))
        if named[0]:
            return named, what
        k = self.graph.hall_index.get(str(row.get(Col.HALL_ID, "")), -1)
        en, zh = self.hall_words[k] if k >= 0 else ("", "")
        if not en:  # pragma: no cover - amenities stand in a hall
            return (amenity_name(kind, Lang.EN), amenity_name(kind, Lang.ZH)), what
        return words("place.amenity", what=what[0], what_zh=what[1], hall=en, hall_zh=zh), what

    def _index_marks(self) -> None:
        """Gather the landmarks: named amenities, hall doors to outside, let booths."""
        v = self.graph.venue
        geoms: list[BaseGeometry] = []
        self._marks: list[Landmark] = []
        mark_halls: list[frozenset[int]] = []
        bonus: list[float] = []
        for (_, row), aid in zip(v.amenities.iterrows(), self._amenity_says, strict=True):
            (en, zh), _ = self._amenity_says[aid]
            geoms.append(row.geometry)
            self._marks.append(Landmark(aid, en, zh))
            mark_halls.append(frozenset({self.graph.hall_index.get(str(row[Col.HALL_ID]), -1)}))
            bonus.append(_STANDS_OUT_M)
        for door in self.graph.doors:
            if door.kind not in _DOOR_MARKS:
                continue
            en, zh = self._door_words(door.kind, door.halls)
            geoms.append(shapely.LineString(door.line))
            self._marks.append(Landmark(door.door_id, en, zh))
            mark_halls.append(frozenset(h for h in door.halls if h >= 0))
            bonus.append(_STANDS_OUT_M)
        for k, bid in enumerate(self.booth_ids):
            ex = self._booth_ex[k]
            if not (ex or self._booth_ex_zh[k]):
                continue  # an unlet booth has nothing on it to see
            en, zh = words("mark.booth", exhibitor=ex or self._booth_ex_zh[k], exhibitor_zh=ex)
            zh = words("mark.booth", exhibitor=self._booth_ex_zh[k] or ex)[1]
            geoms.append(self._booth_geoms[k])
            self._marks.append(Landmark(bid, en, zh))
            mark_halls.append(frozenset({self._booth_hall[k]}))
            bonus.append(0.0)
        self._mark_geoms = np.asarray(geoms, dtype=object)
        self._mark_halls = mark_halls
        self._mark_bonus = np.asarray(bonus, dtype=float)
        self._mark_tree = shapely.STRtree(self._mark_geoms)
        self._landmarks: dict[tuple[float, float, float], list[int]] = {}

    def _door_words(self, kind: str, halls: tuple[int, int]) -> tuple[str, str]:
        """Return a door's name by its kind and halls ("the entrance to East Hall 2")."""
        key = f"place.{kind}" if f"place.{kind}" in CATALOGUE else "place.entrance"
        en, zh = self.hall_words[halls[0]]
        other = self.hall_words[halls[1]] if halls[1] >= 0 else ("", "")
        return words(key, hall=en, hall_zh=zh, other=other[0], other_zh=other[1])

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
        target = self.point_target(xy, label, label)
        en, zh = self.hall_words[target.hall]
        name = words("place.point", hall=en, hall_zh=zh)
        target.words = PlaceWords("", *name, *CATALOGUE["what.point"], _xy(xy))
        return target

    def _resolve_id(self, place: str) -> Target:
        if place in self.booth_index:
            return self._booth_target(place)
        if place in self.kiosk_xy:
            xy = self.kiosk_xy[place]
            target = self.point_target(xy, place, place)
            k = self.graph.hall_index.get(self._kiosk_hall[place], target.hall)
            en, zh = self.hall_words[k]
            says = words("place.kiosk", hall=en, hall_zh=zh)
            target.words = PlaceWords(place, *says, *CATALOGUE["what.kiosk"], _xy(xy))
            return target
        if place in self._amenity_xy:
            xy, name, name_zh = self._amenity_xy[place]
            en = f"{name} ({place})" if name else place
            target = self.point_target(xy, en, f"{name_zh or name} ({place})")
            named, what = self._amenity_says[place]
            target.words = PlaceWords(place, *named, *what, _xy(xy))
            return target
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
        if ex or ex_zh:
            says = words("place.booth", booth=bid, exhibitor=ex or ex_zh, exhibitor_zh=ex_zh)
        else:
            says = words("place.booth_unlet", booth=bid)
        ref = _xy(shapely.get_coordinates(booth.centroid)[0])
        said = PlaceWords(bid, *says, *CATALOGUE["what.booth"], ref)
        return Target(en, zh, hall, arr, booth=booth if c > 0 else None, words=said)

    def _door_target(self, oid: str) -> Target:
        door = self.graph.doors[self._door_by_id[oid]]
        if not door.usable:
            msg = f"door {oid} is narrower than twice the clearance {self.graph.clearance_m} m"
            raise NoRouteError(msg)
        says = self._door_words(door.kind, door.halls)
        ref = _xy(door.line.mean(axis=0))
        what = CATALOGUE.get(f"what.{door.kind}", CATALOGUE["what.door"])
        said = PlaceWords(oid, *says, *what, ref)
        return Target(f"door {oid}", f"{oid}号门", door.halls[0], door.seg[None, :, :], words=said)

    def landmark_at(
        self,
        pt: tuple[float, float],
        *,
        radius_m: float = 6.0,
        exclude: Collection[str] = (),
    ) -> Landmark | None:
        """Return what to name at ``pt``: the landmark that stands out most near it.

        Only landmarks within ``radius_m`` in a hall ``pt`` is in count (a booth behind
        a wall is not seen), nearest first, amenities and doors before a booth up to
        3 m nearer; ids in ``exclude`` (the route's own ends) never.
        """
        key = (float(pt[0]), float(pt[1]), float(radius_m))
        ranked = self._landmarks.get(key)
        if ranked is None:
            ranked = self._rank_marks(pt, radius_m)
            if len(self._landmarks) < _LANDMARK_CACHE:
                self._landmarks[key] = ranked
        for m in ranked:
            if self._marks[m].landmark_id not in exclude:
                return self._marks[m]
        return None

    def _rank_marks(self, pt: tuple[float, float], radius_m: float) -> list[int]:
        """Return the landmarks near ``pt`` in the order they are worth naming."""
        here = shapely.Point(pt)
        near = self._mark_tree.query(here, predicate="dwithin", distance=radius_m)
        if not len(near):
            return []
        inside = set(np.flatnonzero(shapely.covers(self.graph.hall_geoms, here)).tolist())
        near = np.asarray([m for m in near if self._mark_halls[m] & inside], dtype=np.int64)
        if not len(near):
            return []
        dist = shapely.distance(self._mark_geoms[near], here) - self._mark_bonus[near]
        # Ties broken by index: the same venue always names the same landmark.
        order = np.lexsort((near, dist))
        return [int(near[i]) for i in order]


def _xy(p: Array) -> tuple[float, float]:
    return (float(p[0]), float(p[1]))


def _texts(frame: pd.DataFrame, col: str) -> list[str]:
    """Return a column as text, ``""`` for empty cells or a missing column."""
    if col not in frame.columns:
        return [""] * len(frame)
    return [str(x or "") for x in frame[col].tolist()]
