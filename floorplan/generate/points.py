"""Kiosks and amenities, each at the first free candidate spot on open floor."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from floorplan.generate.names import hall_name_zh
from floorplan.generate.plan import DOOR_M, Concourse, Hall, Rows, Style, connection_vs
from floorplan.schema import AmenityKind, Col

__all__ = ["place_points"]


_KIOSK_CLEAR_M = 1.0


@dataclass
class _Spot:
    """A kiosk or amenity waiting for the first free place among its candidates."""

    layer: str  # "kiosk" or "amenity"
    fid: str
    hall_id: str
    attrs: tuple[Any, ...]  # a kiosk's heading; an amenity's kind, names and accessible
    candidates: list[tuple[float, float]]
    required: bool = True


_PER_KIOSK_M2 = 9_000.0


_PER_ROOM_BOOTHS = 100

#: Amenity names by kind, (English, Chinese): ``{hall}`` and ``{n}`` are filled in.
_NAMES: dict[str, tuple[str, str]] = {
    AmenityKind.RESTROOM: ("Restrooms {n}, {hall}", "{hall}{n}号洗手间"),
    AmenityKind.INFO: ("Information desk, {hall}", "{hall}问询处"),
    AmenityKind.FIRST_AID: ("First aid, {hall}", "{hall}医疗急救站"),
    AmenityKind.STAGE: ("Forum stage, {hall}", "{hall}论坛舞台"),
    "main_stage": ("Main forum stage, {hall}", "{hall}主论坛舞台"),
    AmenityKind.CAFE: ("Café, {hall}", "{hall}咖啡厅"),
    "cafe_n": ("Café {n}, {hall}", "{hall}{n}号咖啡厅"),
    AmenityKind.CLOAKROOM: ("Cloakroom, {hall}", "{hall}衣帽间"),
    AmenityKind.PRAYER_ROOM: ("Prayer room, {hall}", "{hall}祈祷室"),
    AmenityKind.MEETING_ROOM: ("Meeting room {n}", "{n}号洽谈室"),
}


def _amenity(kind: AmenityKind, hall_name: str, n: int = 0, *, words: str = "") -> tuple[Any, ...]:
    """Return an amenity's attributes: kind, English and Chinese names, accessible.

    Restrooms have an accessible toilet (as the halls of a modern exhibition centre do).
    """
    en, zh = _NAMES[words or kind]
    hall_zh = hall_name_zh(hall_name) or hall_name
    return (
        kind.value,
        en.format(hall=hall_name, n=n),
        zh.format(hall=hall_zh, n=n),
        kind is AmenityKind.RESTROOM,
    )


def _kiosk_spots(hall: Hall, style: Style, n_each: int) -> list[_Spot]:
    """Return the hall's ``n_each`` kiosks, each with its candidate spots.

    Kiosks stand in the main aisles: just inside the doors, then at each cross aisle.
    """
    plan = hall.plan
    w, p = plan.width, style.perimeter_m
    hid = hall.hall_id
    spots: list[_Spot] = []
    lanes = connection_vs(hall)
    u_marks = [p + 3.0] + [(a + b) / 2 + 4.0 for a, b, _ in plan.block_gaps]
    ring_pts = [(u, v + 1.5) for u in u_marks for v in lanes]
    ring_pts.sort(key=lambda q: (q[0], q[1]))
    # Halls without main aisles (tiny ones) fall back on the perimeter aisle.
    ring_pts += [(p / 2, w * 0.25), (p / 2, w * 0.75)] + [(u, p / 2) for u in u_marks]
    starts = np.linspace(0, len(ring_pts) - 1, n_each).round().astype(int)
    for k, s in enumerate(starts, start=1):
        cands = ring_pts[s:] + ring_pts[:s]
        spots.append(
            _Spot(
                "kiosk",
                f"{hid}-K{k}",
                hid,
                (hall.heading_out,),
                [hall.point(u, v) for u, v in cands],
            )
        )
    return spots


def _hall_spots(hall: Hall, style: Style) -> list[_Spot]:
    """Return a hall's kiosks and amenities (restrooms, information, first aid, stage, café)."""
    plan = hall.plan
    d, w = plan.depth, plan.width
    hid = hall.hall_id
    area = float(shapely.area(shapely.Polygon(plan.ring())))
    n_each = max(1, round(area / _PER_KIOSK_M2))
    spots = _kiosk_spots(hall, style, n_each)
    lanes = connection_vs(hall)
    # Restrooms along the side walls, spread along the hall.
    wall = [(d * f, v) for f in (0.3, 0.7, 0.5, 0.15, 0.85) for v in (1.5, w - 1.5)]
    for k in range(n_each):
        cands = wall[k:] + wall[:k]
        spots.append(
            _Spot(
                "amenity",
                f"{hid}-WC{k + 1}",
                hid,
                _amenity(AmenityKind.RESTROOM, hall.name, k + 1),
                [hall.point(u, v) for u, v in cands],
            )
        )
    door = lanes[0] + min(DOOR_M, w / 3) / 2 + 2.0
    spots.append(
        _Spot(
            "amenity",
            f"{hid}-INFO",
            hid,
            _amenity(AmenityKind.INFO, hall.name),
            [hall.point(1.5, door), hall.point(1.5, lanes[0] - 5.0)],
        )
    )
    if hall.index % 2 == 1:
        spots.append(
            _Spot(
                "amenity",
                f"{hid}-AID",
                hid,
                _amenity(AmenityKind.FIRST_AID, hall.name),
                [hall.point(d * 0.5, 1.5), hall.point(d * 0.4, 1.5)],
            )
        )
    if plan.reserved is not None:
        u0, u1, v0, v1, _ = plan.blocks[plan.reserved]
        vc = (v0 + v1) / 2
        spots.append(
            _Spot(
                "amenity",
                f"{hid}-STAGE",
                hid,
                _amenity(AmenityKind.STAGE, hall.name),
                [hall.point(u1 - 10.0, vc), hall.point(u1 - 8.0, vc)],
            )
        )
        spots.append(
            _Spot(
                "amenity",
                f"{hid}-CAFE",
                hid,
                _amenity(AmenityKind.CAFE, hall.name),
                [hall.point(u0 + 7.0, v1 - 2.5), hall.point(u0 + 7.0, vc)],
                required=False,
            )
        )
    return spots


def _concourse_spots(c: Concourse, n_rooms: int, first_room: int) -> list[_Spot]:
    hid = c.hall_id
    xc = (c.x0 + c.x1) / 2
    spots: list[_Spot] = []
    kiosk_ys = [c.y0 + 12.0] + [(a + b) / 2 for a, b in c.row_spans]
    for k, y in enumerate(kiosk_ys, start=1):
        spots.append(_Spot("kiosk", f"{hid}-K{k}", hid, (180.0,), [(xc, y), (xc, y + 6.0)]))
    y_top = c.row_spans[-1][1]
    spots.append(
        _Spot(
            "amenity",
            f"{hid}-STAGE",
            hid,
            _amenity(AmenityKind.STAGE, c.name, words="main_stage"),
            [(c.x0 + 12.0, (y_top + c.y1) / 2)],
        )
    )
    # Everything else goes along the two long walls, spread over the concourse.
    slots = [
        (x, y) for y in np.arange(c.y0 + 4.0, c.y1 - 3.0, 5.0) for x in (c.x0 + 2.0, c.x1 - 2.0)
    ]
    here = c.name
    wanted: list[tuple[str, tuple[Any, ...]]] = [
        (f"{hid}-INFO", _amenity(AmenityKind.INFO, here)),
        (f"{hid}-CLOAK", _amenity(AmenityKind.CLOAKROOM, here)),
        (f"{hid}-WC1", _amenity(AmenityKind.RESTROOM, here, 1)),
        (f"{hid}-AID", _amenity(AmenityKind.FIRST_AID, here)),
        (f"{hid}-CAFE1", _amenity(AmenityKind.CAFE, here, 1, words="cafe_n")),
        (f"{hid}-PRAY", _amenity(AmenityKind.PRAYER_ROOM, here)),
        (f"{hid}-CAFE2", _amenity(AmenityKind.CAFE, here, 2, words="cafe_n")),
        (f"{hid}-WC2", _amenity(AmenityKind.RESTROOM, here, 2)),
    ]
    wanted += [
        (
            f"{hid}-MR{first_room + k:02d}",
            _amenity(AmenityKind.MEETING_ROOM, here, first_room + k),
        )
        for k in range(n_rooms)
    ]
    starts = np.linspace(0, len(slots) - 1, len(wanted)).round().astype(int)
    for (fid, attrs), s in zip(wanted, starts, strict=True):
        spots.append(_Spot("amenity", fid, hid, attrs, slots[s:] + slots[:s]))
    return spots


def place_points(
    halls: list[Hall],
    concourses: list[Concourse],
    hall_geoms: dict[str, Any],
    blockers: np.ndarray,
    *,
    style: Style,
    booths: int,
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Place kiosks and amenities on open floor, at least a metre clear of booths and obstacles."""
    spots: list[_Spot] = []
    for hall in halls:
        spots += _hall_spots(hall, style)
    rooms = np.array_split(np.arange(max(2, round(booths / _PER_ROOM_BOOTHS))), len(concourses))
    for c, r in zip(concourses, rooms, strict=True):
        spots += _concourse_spots(c, len(r), int(r[0]) + 1 if len(r) else 1)
    owner = np.repeat(np.arange(len(spots)), [len(s.candidates) for s in spots])
    xy = np.array([q for s in spots for q in s.candidates], dtype=float)
    pts = shapely.points(np.round(xy, 3))
    inner = np.array([hall_geoms[spots[i].hall_id] for i in owner], dtype=object)
    ok = shapely.contains(inner, pts)
    tree = shapely.STRtree(blockers)
    hit, _ = tree.query(pts, predicate="dwithin", distance=_KIOSK_CLEAR_M)
    ok[hit] = False
    kiosks = Rows((Col.KIOSK_ID, Col.HALL_ID, Col.HEADING_DEG))
    amenities = Rows((Col.AMENITY_ID, Col.KIND, Col.NAME, Col.NAME_ZH, Col.HALL_ID, Col.ACCESSIBLE))
    used: set[tuple[float, float]] = set()
    start = 0
    for s in spots:
        stop = start + len(s.candidates)
        chosen = None
        for j in range(start, stop):
            key = (float(xy[j, 0]), float(xy[j, 1]))
            if ok[j] and key not in used:
                chosen = j
                used.add(key)
                break
        start = stop
        if chosen is None:
            if s.required:  # pragma: no cover - the candidates leave room
                msg = f"no free place for {s.layer} {s.fid}"
                raise AssertionError(msg)
            continue
        if s.layer == "kiosk":
            kiosks.add(pts[chosen], s.fid, s.hall_id, *s.attrs)
        else:
            kind, name, name_zh, accessible = s.attrs
            amenities.add(pts[chosen], s.fid, kind, name, name_zh, s.hall_id, accessible)
    return kiosks.frame(), amenities.frame()
