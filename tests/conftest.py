"""Shared fixtures: a catalogue of small named venues, written as real GeoJSON folders.

Each catalogue entry is a :class:`Spec`: layers as lists of (properties, geometry) in
local metres. ``write_spec`` writes it by hand with :mod:`json` (not with floorplan's own
writer) so the tests read files as an outside tool would produce them.
"""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import LineString, Point, Polygon, box, mapping

import floorplan

CRS = "EPSG:32650"
#: Local metres are shifted here, a point in Beijing's UTM zone, before writing.
ORIGIN = (460_000.0, 4_440_000.0)

Feature = tuple[dict[str, Any], Any]


@dataclass
class Spec:
    """A venue as plain layers, easy to copy and break."""

    layers: dict[str, list[Feature]]
    events: list[dict[str, str]] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

    def copy(self) -> Spec:
        return copy.deepcopy(self)

    def find(self, layer: str, fid: str) -> Feature:
        col = floorplan.schema.LAYER_ID[layer]
        for feat in self.layers[layer]:
            if feat[0].get(col) == fid:
                return feat
        raise KeyError(fid)

    def replace(self, layer: str, fid: str, geom: Any = "keep", **props: Any) -> None:
        col = floorplan.schema.LAYER_ID[layer]
        for i, (p, g) in enumerate(self.layers[layer]):
            if p.get(col) == fid:
                self.layers[layer][i] = ({**p, **props}, g if geom == "keep" else geom)
                return
        raise KeyError(fid)


def _shift(geom: Any) -> Any:
    return shapely.transform(geom, lambda xy: xy + ORIGIN) if geom is not None else None


def feature_json(props: dict[str, Any], geom: Any, *, lonlat: bool = False) -> dict[str, Any]:
    geometry = None
    if geom is not None:
        g = _shift(geom)
        if lonlat:
            to_ll = Transformer.from_crs(CRS, "EPSG:4326", always_xy=True)
            g = shapely.transform(g, lambda xy: _ll(to_ll, xy))
        geometry = mapping(g) if not isinstance(g, dict) else g
    return {"type": "Feature", "properties": props, "geometry": geometry}


def _ll(tr: Transformer, xy: Any) -> Any:
    lon, lat = tr.transform(xy[:, 0], xy[:, 1])
    return np.column_stack([lon, lat])


def write_spec(spec: Spec, folder: Path, *, lonlat: bool = False) -> Path:
    """Write ``spec`` as a GeoJSON folder; projected with a legacy crs member unless lonlat."""
    folder.mkdir(parents=True, exist_ok=True)
    for layer, feats in spec.layers.items():
        doc: dict[str, Any] = {
            "type": "FeatureCollection",
            "features": [feature_json(p, g, lonlat=lonlat) for p, g in feats],
        }
        if not lonlat:
            doc["crs"] = {
                "type": "name",
                "properties": {"name": f"urn:ogc:def:crs:{CRS.replace(':', '::')}"},
            }
        (folder / f"{layer}.geojson").write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    if spec.events:
        cols = ["event_id", "title", "starts", "ends", "where"]
        lines = [",".join(cols)] + [",".join(e[c] for c in cols) for e in spec.events]
        (folder / "events.csv").write_text("\n".join(lines) + "\n", "utf-8")
    if spec.meta:
        (folder / "venue.json").write_text(json.dumps(spec.meta), "utf-8")
    return folder


def booth(bid: str, geom: Any, *, hall: str = "H1", zone: str = "energy", **props: Any) -> Feature:
    return (
        {"booth_id": bid, "hall_id": hall, "zone": zone, "exhibitor": f"Exhibitor {bid}", **props},
        geom,
    )


def door(
    oid: str,
    a: tuple[float, float],
    b: tuple[float, float],
    *,
    hall: str = "H1",
    kind: str = "entrance",
    **props: Any,
) -> Feature:
    return (
        {
            "opening_id": oid,
            "hall_id": hall,
            "kind": kind,
            "width_m": round(math.dist(a, b), 3),
            **props,
        },
        LineString([a, b]),
    )


def tiny_hall() -> Spec:
    """One 40 × 30 m hall: three booths, an entrance, an emergency exit, a kiosk."""
    return Spec(
        layers={
            "halls": [({"hall_id": "H1", "name": "Hall 1"}, box(0, 0, 40, 30))],
            "booths": [
                booth(
                    "H1-A01",
                    box(8, 8, 14, 14),
                    exhibitor="Sinoparts Automotive",
                    exhibitor_zh="华部汽车",
                    zone="automobile",
                    country="China",
                    products="brakes;axles",
                ),
                booth(
                    "H1-A02",
                    box(20, 8, 26, 14),
                    exhibitor="Müller Agrartechnik",
                    zone="agriculture",
                    country="Germany",
                ),
                booth("H1-A03", box(20, 18, 32, 24), exhibitor="", zone="services"),
            ],
            "openings": [
                door("H1-D1", (0, 12), (0, 16)),
                door("H1-E1", (40, 3), (40, 5), kind="emergency_exit"),
            ],
            "obstacles": [],
            "kiosks": [({"kiosk_id": "K1", "hall_id": "H1", "heading_deg": 90}, Point(3, 14))],
            "amenities": [
                (
                    {"amenity_id": "WC1", "hall_id": "H1", "kind": "restroom", "name": "Restroom"},
                    Point(37, 27),
                ),
            ],
        },
        events=[
            {
                "event_id": "EV1",
                "title": "Opening forum",
                "starts": "2023-11-28T09:30",
                "ends": "2023-11-28T11:00",
                "where": "H1-A03",
            }
        ],
        meta={"name": "Tiny hall", "crs": CRS, "dates": ["2023-11-28"]},
    )


def l_hall_columns() -> Spec:
    """An L-shaped hall with a column grid, a rotated booth and an L-shaped booth."""
    hall = Polygon([(0, 0), (60, 0), (60, 25), (25, 25), (25, 60), (0, 60)])
    columns = [
        (
            {"obstacle_id": f"COL-{x}-{y}", "kind": "column", "hall_id": "L"},
            box(x - 0.4, y - 0.4, x + 0.4, y + 0.4),
        )
        for x in (12.5, 37.5)
        for y in (12.5, 37.5)
        if hall.contains(Point(x, y))
    ]
    rotated = shapely.affinity.rotate(box(35, 5, 45, 11), 30)
    ell = Polygon([(4, 30), (16, 30), (16, 34), (8, 34), (8, 44), (4, 44)])
    return Spec(
        layers={
            "halls": [({"hall_id": "L", "name": "L Hall", "kind": "hall"}, hall)],
            "booths": [
                booth("L-R1", rotated, hall="L", zone="digital"),
                booth("L-L1", ell, hall="L", zone="health"),
                booth("L-B1", box(4, 4, 9, 9), hall="L"),
            ],
            "openings": [
                door("L-D1", (0, 50), (0, 55), hall="L"),
                door("L-E1", (60, 10), (60, 13), hall="L", kind="emergency_exit"),
            ],
            "obstacles": columns,
            "kiosks": [({"kiosk_id": "KL", "hall_id": "L", "heading_deg": 0}, Point(20, 20))],
            "amenities": [],
        },
    )


def touching_booths() -> Spec:
    """Three booths touching in a row (one island) beside a free-standing one."""
    spec = tiny_hall()
    spec.layers["booths"] = [
        booth("T1", box(8, 8, 14, 14)),
        booth("T2", box(14, 8, 20, 14)),
        booth("T3", box(20, 8, 26, 14)),
        booth("T4", box(8, 18, 14, 24)),
    ]
    spec.events = []
    return spec


def walled_in() -> Spec:
    """A booth ringed by eight touching booths: no one can reach it."""
    spec = tiny_hall()
    ring = [
        booth(f"R{i}{j}", box(10 + 5 * i, 8 + 5 * j, 15 + 5 * i, 13 + 5 * j))
        for i in range(3)
        for j in range(3)
        if (i, j) != (1, 1)
    ]
    spec.layers["booths"] = [*ring, booth("INNER", box(15, 13, 20, 18))]
    spec.events = []
    return spec


def two_halls() -> Spec:
    """Two halls sharing a wall, joined by a connection door with a step."""
    return Spec(
        layers={
            "halls": [
                ({"hall_id": "A", "name": "Hall A"}, box(0, 0, 30, 20)),
                ({"hall_id": "B", "name": "Hall B"}, box(30, 0, 60, 20)),
            ],
            "booths": [
                booth("A-1", box(5, 5, 10, 10), hall="A"),
                booth("B-1", box(45, 5, 50, 10), hall="B", zone="digital"),
            ],
            "openings": [
                door("A-D1", (0, 8), (0, 12), hall="A"),
                door("A-E1", (10, 20), (12, 20), hall="A", kind="emergency_exit"),
                door("B-E1", (50, 20), (52, 20), hall="B", kind="emergency_exit"),
                door(
                    "AB-1",
                    (30, 8),
                    (30, 11),
                    hall="A",
                    kind="connection",
                    connects="B",
                    step_free=False,
                ),
            ],
            "obstacles": [],
            "kiosks": [
                ({"kiosk_id": "KA", "hall_id": "A", "heading_deg": 0}, Point(3, 3)),
                ({"kiosk_id": "KB", "hall_id": "B", "heading_deg": 180}, Point(57, 3)),
            ],
            "amenities": [
                (
                    {"amenity_id": "B-WC", "hall_id": "B", "kind": "restroom", "name": "洗手间"},
                    Point(57, 17),
                )
            ],
        },
    )


def wayfinding() -> Spec:
    """Two named halls (English and Chinese) joined by a door: landmarks and sides to name.

    West Hall 1 (0-40 × 0-40) holds two touching let booths in a row (W-R1 4-24 × 6-12,
    W-R2 24-30 × 6-16), an unlet one, kiosks KW (20, 18) and KS (2, 3), an entrance on
    its west wall and a restroom without a name. East Hall 2 (40-80 × 0-40), entered by a
    step-free door at x = 40, y 16-20, has a block north of its main aisle (E-N1 44-60 ×
    20-36), one south of it (E-S1 44-76 × 4-16), a café in the cross aisle at (62, 18)
    and the booth E-T1 (64-70 × 24-30) beyond the block.
    """
    return Spec(
        layers={
            "halls": [
                ({"hall_id": "W", "name": "West Hall 1", "name_zh": "西1馆"}, box(0, 0, 40, 40)),
                ({"hall_id": "E", "name": "East Hall 2", "name_zh": "东2馆"}, box(40, 0, 80, 40)),
            ],
            "booths": [
                booth("W-R1", box(4, 6, 24, 12), hall="W", exhibitor="Ridge Motors",
                      exhibitor_zh="山脊汽车", zone="automobile"),
                booth("W-R2", box(24, 6, 30, 16), hall="W", exhibitor="Harbor Foods",
                      exhibitor_zh="海港食品", zone="agriculture", products="rice;tea",
                      products_zh="大米;茶叶"),
                booth("W-U1", box(10, 25, 16, 31), hall="W", exhibitor=""),
                booth("E-N1", box(44, 20, 60, 36), hall="E", exhibitor="Northwind Robotics",
                      exhibitor_zh="北风机器人", zone="digital"),
                booth("E-S1", box(44, 4, 76, 16), hall="E", exhibitor="Southgate Foods",
                      exhibitor_zh="南门食品", zone="agriculture"),
                booth("E-T1", box(64, 24, 70, 30), hall="E", exhibitor="Target Tech",
                      exhibitor_zh="目标科技", zone="digital",
                      products="lidar sensors;battery packs", products_zh="激光雷达;电池包"),
            ],
            "openings": [
                door("W-D1", (0, 30), (0, 34), hall="W"),
                door("WE-C1", (40, 16), (40, 20), hall="W", kind="connection", connects="E"),
                door("E-X1", (80, 2), (80, 4), hall="E", kind="emergency_exit"),
            ],
            "obstacles": [],
            "kiosks": [
                ({"kiosk_id": "KW", "hall_id": "W", "heading_deg": 90}, Point(20, 18)),
                ({"kiosk_id": "KS", "hall_id": "W", "heading_deg": 90}, Point(2, 3)),
            ],
            "amenities": [
                (
                    {"amenity_id": "CAFE-E", "hall_id": "E", "kind": "cafe",
                     "name": "Café Lumen", "name_zh": "流明咖啡"},
                    Point(62, 18),
                ),
                (
                    {"amenity_id": "WC-W", "hall_id": "W", "kind": "restroom",
                     "accessible": True},
                    Point(38, 38),
                ),
            ],
        },
        meta={"name": "Wayfinding", "name_zh": "寻路", "crs": CRS},
    )  # fmt: skip


def unsafe_hall() -> Spec:
    """A deliberately non-compliant hall: it keeps the format's rules and breaks safe ones.

    A 90 × 40 m sprinklered hall (gb50016: 37.5 m) with a 4 m entrance in the west wall,
    a 3 m emergency exit in the east wall with booth U-X standing 0.5 m in front of it,
    and a 2 m emergency exit in the north wall: the south-east floor lies over 40 m from
    any exit, and 9 m of exits (6 m once U-X blocks 3) cannot let 2,700 occupants out.
    """
    return Spec(
        layers={
            "halls": [({"hall_id": "U", "name": "Unsafe hall"}, box(0, 0, 90, 40))],
            "booths": [
                booth("U-1", box(20, 10, 30, 16), hall="U"),
                booth("U-2", box(50, 10, 60, 16), hall="U", zone="digital"),
                booth("U-3", box(50, 24, 60, 30), hall="U", zone="health"),
                booth("U-X", box(84, 16, 89.5, 23), hall="U", zone="services"),
            ],
            "openings": [
                door("U-IN", (0, 18), (0, 22), hall="U"),
                door("U-EX", (90, 18), (90, 21), hall="U", kind="emergency_exit"),
                door("U-N1", (40, 40), (42, 40), hall="U", kind="emergency_exit"),
            ],
            "obstacles": [],
            "kiosks": [({"kiosk_id": "UK1", "hall_id": "U", "heading_deg": 90}, Point(8, 20))],
            "amenities": [
                (
                    {"amenity_id": "U-WC", "hall_id": "U", "kind": "restroom", "name": "WC"},
                    Point(80, 36),
                )
            ],
        },
        meta={
            "name": "Unsafe hall",
            "crs": CRS,
            "code": {"profile": "gb50016", "sprinklered": True},
        },
    )


CATALOGUE: dict[str, Callable[[], Spec]] = {
    "tiny_hall": tiny_hall,
    "l_hall_columns": l_hall_columns,
    "touching_booths": touching_booths,
    "walled_in": walled_in,
    "two_halls": two_halls,
    "wayfinding": wayfinding,
    "unsafe_hall": unsafe_hall,
}


@pytest.fixture(params=sorted(set(CATALOGUE) - {"walled_in"}))
def valid_spec(request: pytest.FixtureRequest) -> Spec:
    """Each catalogue venue that keeps every rule."""
    return CATALOGUE[request.param]()


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """The tiny hall, written as a projected GeoJSON folder."""
    return write_spec(tiny_hall(), tmp_path / "tiny")


@pytest.fixture
def tiny_lonlat(tmp_path: Path) -> Path:
    """The tiny hall as RFC 7946 lon/lat GeoJSON (no crs member, no venue.json crs)."""
    spec = tiny_hall()
    spec.meta = {"name": "Tiny hall (lon/lat)"}
    return write_spec(spec, tmp_path / "tiny-ll", lonlat=True)
