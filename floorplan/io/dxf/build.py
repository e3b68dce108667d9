"""Make halls, booths, openings and obstacles (local metres) from a drawing's shapes and texts.

- Outlines of a role come from closed shapes, block references and the faces that open
  line work closes (:func:`~.shapes.close_linework`); an outline drawn twice is kept once,
  an outline around two or more others is a group (dropped), an outline with one other
  inside keeps it as detail (the inner one is dropped).
- Halls come from a hall layer, else from the walls' outer ring (gaps up to ``gap_m``,
  door openings, closed by a morphological closing).
- Openings: a wall gap on the hall's outline, a door or exit within reach of it, or a
  door's extent projected on the nearest stretch of the hall's outline.
- Booth numbers and exhibitors: text and block attributes lying in a booth.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import shapely
from shapely.geometry import LineString, Polygon
from shapely.ops import substring

from floorplan.errors import DrawingError
from floorplan.io.dxf.entities import Extracted, Shape, Text
from floorplan.io.dxf.layermap import LayerMap, LayerRule, Role
from floorplan.io.dxf.report import ImportReport, Skipped, SkipReason
from floorplan.io.dxf.shapes import close_linework, thickness_m, twins_and_groups
from floorplan.schema import Col, HallKind, OpeningKind

__all__ = ["BuildOptions", "Local", "build_local"]

#: Smaller outlines on a hall layer are not halls (a plausible hall is checked apart).
MIN_HALL_M2: Final = 10.0
#: A door or exit this far from a hall's outline still opens in it.
DOOR_REACH_M: Final = 1.5
#: Narrower wall gaps are drawing noise, not doors.
MIN_OPENING_M: Final = 0.5
#: Faces of wall line work thinner than this are wall; thicker ones are floor.
WALL_MAX_THICKNESS_M: Final = 1.0
#: The depth of wall cut away behind a door drawn over a continuous wall.
DOOR_CUT_M: Final = 1.0
_NUMBER: Final = re.compile(r"^(?=.*\d)\S{1,24}$")
_CJK: Final = re.compile(r"[\u3400-\u9fff]")
_KIND_RANK: Final = {
    OpeningKind.ENTRANCE: 0,
    OpeningKind.EXIT: 1,
    OpeningKind.EMERGENCY_EXIT: 2,
    OpeningKind.CONNECTION: 3,
}
_OPENING_PREFIX: Final = {
    OpeningKind.ENTRANCE: "D",
    OpeningKind.EXIT: "X",
    OpeningKind.EMERGENCY_EXIT: "E",
    OpeningKind.CONNECTION: "C",
}


@dataclass(frozen=True)
class BuildOptions:
    """Tolerances of a drawing import, in metres."""

    snap_m: float = 0.02
    gap_m: float = 6.0
    metres_per_unit: float = 0.001


@dataclass
class Local:
    """The venue's features as records in local drawing metres, before placement."""

    halls: list[dict[str, Any]] = field(default_factory=list)
    booths: list[dict[str, Any]] = field(default_factory=list)
    openings: list[dict[str, Any]] = field(default_factory=list)
    obstacles: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _Outline:
    geom: Any
    shape: Shape
    texts: list[Text] = field(default_factory=list)


def build_local(
    ex: Extracted,
    layer_map: LayerMap,
    report: ImportReport,
    opts: BuildOptions,
    check_halls: Callable[[float], None],
) -> Local:
    """Return the venue's features from the drawing's shapes; record what happened.

    ``check_halls`` is called with the largest hall's area (m²) before anything else is
    built, to refuse implausible units early.

    Raises
    ------
    DrawingError
        When no hall outline can be found.
    """
    b = _Builder(ex, layer_map, report, opts)
    halls = b.halls()
    check_halls(max(h.geom.area for h in halls))
    b.name_halls(halls)
    booths = b.booths()
    b.number_booths(booths)
    b.openings()
    b.obstacles()
    return b.local


class _Builder:
    def __init__(
        self, ex: Extracted, layer_map: LayerMap, report: ImportReport, opts: BuildOptions
    ) -> None:
        self.ex = ex
        self.map = layer_map
        self.report = report
        self.opts = opts
        self.local = Local()
        self.hall_geoms: list[Any] = []
        self.hall_ids: list[str] = []
        self.walls: _Walls | None = None

    # -- reporting -------------------------------------------------------------------
    def at(self, geom: Any) -> tuple[float, float]:
        p = shapely.point_on_surface(geom) if geom.geom_type != "Point" else geom
        m = self.opts.metres_per_unit
        return round(p.x / m, 3), round(p.y / m, 3)

    def skip(self, shape: Shape, why: SkipReason, geom: Any = None, detail: str = "") -> None:
        where = self.at(geom if geom is not None else shape.geom)
        self.report.skip(Skipped(shape.layer, shape.handle, shape.entity, why, detail, where))

    def made(self, layer: str, what: str, n: int = 1) -> None:
        self.report.layer(layer).made[what] += n

    # -- outlines --------------------------------------------------------------------
    def outlines(self, shapes: list[Shape], what: str) -> list[_Outline]:
        """Return the outlines of ``shapes``: closed ones, faces of open ones, deduplicated."""
        found = self._closed(shapes)
        found += self._faces([s for s in shapes if not s.closed], found, what)
        rank = {"INSERT": 0, "HATCH": 3, "SOLID": 3, "MPOLYGON": 3, "face": 2}
        found.sort(key=lambda o: rank.get(o.shape.entity.split(" ")[0], 1))
        twins, groups = twins_and_groups([o.geom for o in found])
        drop: set[int] = set(twins)
        for gone, kept in twins.items():
            found[kept].texts += found[gone].texts
            self.skip(found[gone].shape, SkipReason.DUPLICATE_OUTLINE, found[gone].geom)
        for outer, inner in groups.items():
            if len(inner) >= 2:
                drop.add(outer)
                self.skip(
                    found[outer].shape,
                    SkipReason.ENCLOSING_OUTLINE,
                    found[outer].geom,
                    f"{len(inner)} {what} outlines inside",
                )
        for outer, inner in groups.items():
            if len(inner) == 1 and outer not in drop and inner[0] not in drop:
                drop.add(inner[0])
                found[outer].texts += found[inner[0]].texts
                self.skip(
                    found[inner[0]].shape,
                    SkipReason.ENCLOSING_OUTLINE,
                    found[inner[0]].geom,
                    f"inside another {what} outline, kept as its detail",
                )
        return [o for i, o in enumerate(found) if i not in drop]

    def _closed(self, shapes: list[Shape]) -> list[_Outline]:
        out = []
        for s in shapes:
            if not s.closed:
                continue
            geom = s.geom
            if shapely.area(geom) < 1e-4:
                self.skip(s, SkipReason.NO_AREA, shapely.envelope(geom))
                continue
            if not geom.is_valid:
                fixed = shapely.make_valid(geom)
                parts = [p for p in shapely.get_parts(fixed) if p.geom_type == "Polygon"]
                if len(parts) != 1 or abs(parts[0].area - abs(_signed_area(geom))) > 0.01 * max(
                    parts[0].area, 1e-9
                ):
                    self.skip(s, SkipReason.SELF_INTERSECTING, shapely.envelope(geom))
                    continue
                geom = parts[0]
            for part in shapely.get_parts(geom):
                if part.geom_type != "Polygon" or part.area < 1e-4:
                    self.skip(s, SkipReason.NO_AREA, shapely.envelope(geom))
                    continue
                out.append(_Outline(part, s, list(s.texts)))
        return out

    def _faces(self, open_shapes: list[Shape], closed: list[_Outline], what: str) -> list[_Outline]:
        if not open_shapes:
            return []
        lines = [s.geom for s in open_shapes]
        rings = []
        if closed:
            # Closed outlines next to the line work may close a face with it.
            near = shapely.STRtree(lines).query(
                np.asarray([o.geom for o in closed], dtype=object),
                predicate="dwithin",
                distance=self.opts.snap_m,
            )[0]
            rings = [closed[i].geom.exterior for i in sorted(set(near.tolist()))]
        faces = close_linework([*lines, *rings], snap_m=self.opts.snap_m)
        if faces.gaps_closed:
            self.report.notes.append(
                f"{what}: closed {faces.gaps_closed} gap(s) in line work, the largest "
                f"{faces.largest_gap_m * 100:.1f} cm (snap tolerance {self.opts.snap_m * 100:g} cm)"
            )
        used = np.zeros(len(lines), dtype=bool)
        out = []
        if faces.polygons:
            tree = shapely.STRtree(lines)
            boundaries = [f.exterior for f in faces.polygons]
            fi, li = tree.query(boundaries, predicate="dwithin", distance=self.opts.snap_m)
            owner: dict[int, int] = {}
            for f, line in zip(fi.tolist(), li.tolist(), strict=True):
                owner.setdefault(f, line)
                used[line] = True
            known = _twins_of([o.geom for o in closed], faces.polygons)
            for f, poly in enumerate(faces.polygons):
                if f in owner and f not in known:
                    s = open_shapes[owner[f]]
                    face = Shape(s.layer, s.rule, s.handle, "face", poly, True)
                    out.append(_Outline(poly, face))
        for k in np.flatnonzero(~used).tolist():
            self.skip(open_shapes[k], SkipReason.OPEN_OUTLINE)
        return out

    # -- halls -----------------------------------------------------------------------
    def halls(self) -> list[_Outline]:
        halls = self.outlines(self.ex.of(Role.HALL), "hall")
        self.walls = _Walls.of(self.ex.of(Role.WALL), self.opts)
        if not halls and self.walls is not None:
            halls = self.walls.halls()
            if halls:
                self.report.notes.append(
                    f"halls: outline taken from the walls' outer ring (gaps up to "
                    f"{self.opts.gap_m:g} m closed)"
                )
        if not halls:
            walls = (
                f"; the walls (layer {self.walls.layer}) enclose nothing (gaps wider than "
                f"{self.opts.gap_m:g} m?)"
                if self.walls is not None
                else ""
            )
            msg = (
                f"{self.report.source}: no hall outline found: draw it as a closed outline on "
                "a hall layer, or map the layer of the hall's walls (see --list-layers and "
                f"--map){walls}"
            )
            raise DrawingError(msg)
        return halls

    def name_halls(self, found: list[_Outline]) -> None:
        halls = []
        for h in found:
            if h.geom.area >= MIN_HALL_M2:
                halls.append(h)
            else:
                self.skip(h.shape, SkipReason.NO_AREA, h.geom, f"{h.geom.area:.2f} m², no hall")
        halls.sort(key=lambda h: (-round(h.geom.bounds[3], 0), h.geom.bounds[0]))
        geoms = [h.geom for h in halls]
        labels: dict[int, Text] = {}
        texts = [t for t in self.ex.texts if t.rule.role is Role.HALL_LABEL]
        if texts:
            pts = shapely.points([(t.x, t.y) for t in texts])
            ti, hi = shapely.STRtree(geoms).query(pts, predicate="within")
            hit = dict(zip(ti.tolist(), hi.tolist(), strict=True))
            for k, t in enumerate(texts):
                if k not in hit:
                    self.report.skip(
                        Skipped(
                            t.layer,
                            t.handle,
                            "TEXT",
                            SkipReason.LABEL_OUTSIDE_HALLS,
                            t.text,
                            self.at(pts[k]),
                        )
                    )
                    continue
                if hit[k] not in labels:
                    labels[hit[k]] = t
                    self.made(t.layer, "hall labels")
        used: set[str] = set()
        for k, h in enumerate(halls):
            label = labels.get(k)
            # The label's first line is the hall's id ("1号馆"), the rest its name ("HALL 1").
            lines = label.text.splitlines() if label else [f"H{k + 1}"]
            hid = lines[0]
            while hid in used:
                hid = f"{hid}-{k + 1}"
            used.add(hid)
            self.hall_geoms.append(h.geom)
            self.hall_ids.append(hid)
            name = " ".join(lines[1:]) or lines[0]
            kind = h.shape.rule.kind or HallKind.HALL.value
            self.local.halls.append(
                {Col.HALL_ID: hid, Col.NAME: name, Col.KIND: kind, "geometry": h.geom}
            )
            self.made(h.shape.layer, "halls")

    # -- booths ----------------------------------------------------------------------
    def booths(self) -> list[dict[str, Any]]:
        found = self.outlines(self.ex.of(Role.BOOTH), "booth")
        if not found:
            return []
        points = shapely.point_on_surface([o.geom for o in found])
        pi, hi = shapely.STRtree(self.hall_geoms).query(points, predicate="within")
        hall_of = dict(zip(pi.tolist(), hi.tolist(), strict=True))
        out = []
        for k, o in enumerate(found):
            if k not in hall_of:
                self.skip(o.shape, SkipReason.BOOTH_OUTSIDE_HALL, o.geom)
                continue
            zone = o.shape.rule.zone or self.map.zone
            out.append(
                {
                    "geometry": o.geom,
                    Col.HALL_ID: self.hall_ids[hall_of[k]],
                    Col.ZONE: zone,
                    "_outline": o,
                }
            )
        return out

    def number_booths(self, booths: list[dict[str, Any]]) -> None:
        numbers: list[list[tuple[int, str, Text]]] = [[] for _ in booths]
        names: list[list[tuple[str, str]]] = [[] for _ in booths]
        for k, b in enumerate(booths):
            for t in b["_outline"].texts:
                self.classify(t, numbers[k], names[k])
        free = [
            t
            for t in self.ex.texts
            if t.rule.role in (Role.BOOTH_NUMBER, Role.EXHIBITOR, Role.BOOTH)
        ]
        if free and booths:
            geoms = np.array([b["geometry"] for b in booths], dtype=object)
            pts = shapely.points([(t.x, t.y) for t in free])
            ti, bi = shapely.STRtree(geoms).query(pts, predicate="within")
            best: dict[int, int] = {}
            for t, k in zip(ti.tolist(), bi.tolist(), strict=True):
                if t not in best or geoms[k].area < geoms[best[t]].area:
                    best[t] = k
            for t, text in enumerate(free):
                if t in best:
                    self.classify(text, numbers[best[t]], names[best[t]])
                else:
                    self.report.skip(
                        Skipped(
                            text.layer,
                            text.handle,
                            "TEXT",
                            SkipReason.TEXT_OUTSIDE_BOOTHS,
                            text.text.replace("\n", " / "),
                            self.at(pts[t]),
                        )
                    )
        self.assign_ids(booths, numbers, names)

    def classify(
        self, t: Text, numbers: list[tuple[int, str, Text]], names: list[tuple[str, str]]
    ) -> None:
        tags = self.map.attribute_tags
        if t.tag is not None:
            tag = t.tag.upper()
            if tag in tags.get("booth_number", ()):
                numbers.append((0, t.text.splitlines()[0], t))
            elif tag in tags.get("exhibitor", ()):
                names.append((t.text.replace("\n", " "), t.layer))
            return
        lines = t.text.splitlines()
        if t.rule.role is Role.EXHIBITOR:
            names.append((" ".join(lines), t.layer))
        elif t.rule.role is Role.BOOTH_NUMBER or _NUMBER.match(lines[0]):
            numbers.append((1 if t.rule.role is Role.BOOTH_NUMBER else 2, lines[0], t))
            if len(lines) > 1:
                names.append((" ".join(lines[1:]), t.layer))
        else:
            names.append((" ".join(lines), t.layer))

    def assign_ids(
        self,
        booths: list[dict[str, Any]],
        numbers: list[list[tuple[int, str, Text]]],
        names: list[list[tuple[str, str]]],
    ) -> None:
        taken: dict[str, int] = {}
        unnamed = 0
        for k, b in enumerate(booths):
            outline: _Outline = b.pop("_outline")
            ranked = sorted(numbers[k], key=lambda n: n[0])
            number = ranked[0][1] if ranked else None
            for _, other, t in ranked[1:]:
                if other != number:
                    self.report.skip(
                        Skipped(
                            t.layer,
                            t.handle,
                            "TEXT",
                            SkipReason.SECOND_BOOTH_NUMBER,
                            f"{other} (the booth is {number})",
                            self.at(outline.geom),
                        )
                    )
            if number is not None and number in taken:
                first = self.local.booths[taken[number]]
                self.skip(
                    outline.shape,
                    SkipReason.DUPLICATE_BOOTH_NUMBER,
                    outline.geom,
                    f"{number} is also the booth at {self.at(first['geometry'])}",
                )
                number = None
            if number is None:
                unnamed += 1
                number = _free_id(f"{b[Col.HALL_ID]}-U", unnamed, taken)
            else:
                self.made(ranked[0][2].layer, "booth numbers")
            taken[number] = len(self.local.booths)
            # A name in Chinese characters is the Chinese name; any other the English one.
            en = [n for n in names[k] if not _CJK.search(n[0])]
            zh = [n for n in names[k] if _CJK.search(n[0])]
            b[Col.BOOTH_ID] = number
            b[Col.EXHIBITOR] = en[0][0] if en else ""
            b[Col.EXHIBITOR_ZH] = zh[0][0] if zh else ""
            for _, layer in en[:1] + zh[:1]:
                self.made(layer, "exhibitor names")
            self.local.booths.append(b)
            self.made(outline.shape.layer, "booths")
        if unnamed:
            self.report.notes.append(
                f"booths: {unnamed} booth(s) without a (unique) number were named "
                "<hall>-U<n>; the skipped list says where they are"
            )

    # -- openings --------------------------------------------------------------------
    def openings(self) -> None:
        doors = [s for s in self.ex.shapes if s.rule.role.is_opening]
        gaps = [self.walls.gaps(h) if self.walls else [] for h in self.hall_geoms]
        found: list[list[tuple[LineString, OpeningKind, str]]] = [[] for _ in self.hall_geoms]
        rings = [h.exterior for h in self.hall_geoms]
        used = [np.zeros(len(g), dtype=bool) for g in gaps]
        for door in doors:
            dist = shapely.distance(door.geom, rings)
            h = int(np.argmin(dist))
            if dist[h] > DOOR_REACH_M:
                self.skip(door, SkipReason.DOOR_OFF_WALL, detail=f"{dist[h]:.2f} m from hall wall")
                continue
            line = None
            if gaps[h]:
                gd = shapely.distance(door.geom, gaps[h])
                g = int(np.argmin(gd))
                if gd[g] <= DOOR_REACH_M:
                    line, used[h][g] = gaps[h][g], True
            if line is None:
                line = _project(door.geom, rings[h])
            if line is None:
                self.skip(door, SkipReason.DOOR_OFF_WALL, detail="narrower than 0.5 m on the wall")
                continue
            found[h].append((line, door.rule.role.opening_kind, door.layer))
        bare = 0
        for h, pieces in enumerate(gaps):
            for g in np.flatnonzero(~used[h]).tolist():
                found[h].append((pieces[g], OpeningKind.ENTRANCE, ""))
                bare += 1
        if bare:
            self.report.notes.append(
                f"openings: {bare} gap(s) in the walls with no door drawn in them were "
                "imported as entrances"
            )
        self._merge_openings(found)

    def _merge_openings(self, found: list[list[tuple[LineString, OpeningKind, str]]]) -> None:
        placed: list[LineString] = []
        for h, items in enumerate(found):
            n = dict.fromkeys(OpeningKind, 0)
            for line, drawn_kind, layers in _merged(items):
                if placed and min(shapely.hausdorff_distance(line, p) for p in placed) < 0.05:
                    continue  # the other side of a connection already made
                connects = self._other_hall(line, h)
                kind = drawn_kind if connects is None else OpeningKind.CONNECTION
                n[kind] += 1
                hid = self.hall_ids[h]
                self.local.openings.append(
                    {
                        Col.OPENING_ID: f"{hid}-{_OPENING_PREFIX[kind]}{n[kind]}",
                        Col.HALL_ID: hid,
                        Col.KIND: kind.value,
                        Col.WIDTH_M: round(line.length, 3),
                        Col.CONNECTS: connects or "",
                        "geometry": line,
                    }
                )
                placed.append(line)
                for layer in layers:
                    self.made(layer, "openings")

    def _other_hall(self, line: LineString, h: int) -> str | None:
        for k, geom in enumerate(self.hall_geoms):
            if k == h:
                continue
            band = geom.exterior.buffer(0.05, cap_style="flat")
            if line.difference(band).length <= 0.05:
                return self.hall_ids[k]
        return None

    # -- obstacles -------------------------------------------------------------------
    def obstacles(self) -> None:
        tree = shapely.STRtree(self.hall_geoms)
        counts: dict[str, int] = {}
        for role, what in ((Role.COLUMN, "columns"), (Role.OBSTACLE, "obstacles")):
            for o in self.outlines(self.ex.of(role), what[:-1]):
                hit = tree.query(shapely.point_on_surface(o.geom), predicate="within")
                if len(hit) == 0:
                    self.skip(o.shape, SkipReason.OUTSIDE_HALLS, o.geom)
                    continue
                kind = o.shape.rule.kind or ("column" if role is Role.COLUMN else "service")
                self._obstacle(o.geom, kind, int(hit[0]), counts)
                self.made(o.shape.layer, what)
        if self.walls is None:
            return
        cuts = [o["geometry"].buffer(DOOR_CUT_M, cap_style="flat") for o in self.local.openings]
        material = self.walls.material
        if cuts:
            material = shapely.difference(material, shapely.union_all(cuts))
        for h, hall in enumerate(self.hall_geoms):
            for part in shapely.get_parts(shapely.intersection(material, hall)):
                if part.geom_type == "Polygon" and part.area >= 0.01:
                    self._obstacle(part, "wall", h, counts)
                    self.made(self.walls.layer, "walls")

    def _obstacle(self, geom: Any, kind: str, h: int, counts: dict[str, int]) -> None:
        hid = self.hall_ids[h]
        prefix = {"column": "C", "wall": "W"}.get(kind, "O")
        counts[hid + prefix] = counts.get(hid + prefix, 0) + 1
        self.local.obstacles.append(
            {
                Col.OBSTACLE_ID: f"{hid}-{prefix}{counts[hid + prefix]}",
                Col.HALL_ID: hid,
                Col.KIND: kind,
                "geometry": geom,
            }
        )


def _twins_of(closed: list[Any], faces: list[Any]) -> set[int]:
    """Return the faces that repeat a closed outline (its ring went into the line work)."""
    if not closed or not faces:
        return set()
    fi, ci = shapely.STRtree(closed).query(faces, predicate="intersects")
    arr_f, arr_c = np.asarray(faces, dtype=object)[fi], np.asarray(closed, dtype=object)[ci]
    common = shapely.area(shapely.intersection(arr_f, arr_c))
    big = np.maximum(shapely.area(arr_f), shapely.area(arr_c))
    return set(fi[common >= 0.99 * big].tolist())


def _free_id(prefix: str, n: int, taken: dict[str, int]) -> str:
    while f"{prefix}{n}" in taken:
        n += 1
    return f"{prefix}{n}"


def _signed_area(geom: Any) -> float:
    return float(shapely.area(shapely.polygons(shapely.get_coordinates(geom.exterior))))


def _project(geom: Any, ring: Any) -> LineString | None:
    """Return ``geom``'s extent along the nearest straight stretch of ``ring``."""
    coords = shapely.get_coordinates(ring)
    a, b = coords[:-1], coords[1:]
    edges = shapely.linestrings(np.stack([a, b], axis=1))
    k = int(np.argmin(shapely.distance(shapely.centroid(geom), edges)))
    length = float(np.hypot(*(b[k] - a[k])))
    if length <= 0:
        return None
    u = (b[k] - a[k]) / length
    t = (shapely.get_coordinates(geom) - a[k]) @ u
    t0, t1 = max(0.0, float(t.min())), min(length, float(t.max()))
    if t1 - t0 < MIN_OPENING_M:
        return None
    return LineString([a[k] + t0 * u, a[k] + t1 * u])


def _merged(
    items: list[tuple[LineString, OpeningKind, str]],
) -> list[tuple[LineString, OpeningKind, list[str]]]:
    """Join openings that overlap (a door's leaf and swing drawn apart) into one each."""
    groups: list[tuple[Any, OpeningKind, list[str]]] = []
    for line, kind, layer in items:
        for g, (geom, gkind, layers) in enumerate(groups):
            if shapely.dwithin(geom, line, 0.05) and _overlap(geom, line) > 0:
                better = gkind if _KIND_RANK[gkind] >= _KIND_RANK[kind] else kind
                groups[g] = (shapely.union(geom, line), better, [*layers, layer])
                break
        else:
            groups.append((line, kind, [layer]))
    out = []
    for geom, kind, layers in groups:
        merged = shapely.line_merge(geom) if geom.geom_type != "LineString" else geom
        parts = sorted(shapely.get_parts(merged), key=lambda p: -p.length)
        out.append((parts[0], kind, [x for x in dict.fromkeys(layers) if x]))
    return out


def _overlap(a: Any, b: Any) -> float:
    return float(shapely.intersection(a.buffer(0.05, cap_style="flat"), b).length)


@dataclass
class _Walls:
    """The walls of a drawing: their material, their line work, and what covers a ring."""

    layer: str
    material: Any
    cover: Any
    outline: Any
    stroke_m: float

    @classmethod
    def of(cls, shapes: list[Shape], opts: BuildOptions) -> _Walls | None:
        if not shapes:
            return None
        fills = [s.geom for s in shapes if s.entity in ("HATCH", "SOLID", "MPOLYGON", "TRACE")]
        lines = [
            b
            for s in shapes
            if s.entity not in ("HATCH", "SOLID", "MPOLYGON", "TRACE")
            for b in ([s.geom] if not s.closed else shapely.get_parts(s.geom.boundary))
        ]
        faces = close_linework(lines, snap_m=opts.snap_m).polygons if lines else []
        thin = [
            f for f, t in zip(faces, thickness_m(faces), strict=True) if t < WALL_MAX_THICKNESS_M
        ]
        material = shapely.union_all([*thin, *fills])
        half = opts.snap_m / 2
        strokes = shapely.buffer(
            np.asarray(lines, dtype=object), half, cap_style="square", join_style="mitre"
        )
        drawn = shapely.union_all([*strokes, *fills])
        r = opts.gap_m / 2
        closed = drawn.buffer(r, join_style="mitre", mitre_limit=10).buffer(
            -(r + half), join_style="mitre", mitre_limit=10
        )
        return cls(shapes[0].layer, material, shapely.union(material, drawn), closed, half)

    def halls(self) -> list[_Outline]:
        out = []
        for part in shapely.get_parts(self.outline):
            if part.geom_type != "Polygon":
                continue
            hall = Polygon(part.exterior)
            shape = Shape(self.layer, LayerRule(Role.HALL, source="walls"), "", "walls", hall, True)
            out.append(_Outline(hall, shape))
        return out

    def gaps(self, hall: Any) -> list[LineString]:
        """Return the stretches of the hall's outline no wall covers (door openings)."""
        ring = hall.exterior
        if shapely.intersection(ring, self.cover).length < 0.5 * ring.length:
            return []
        rest = shapely.line_merge(shapely.difference(ring, self.cover))
        out = []
        for part in shapely.get_parts(rest):
            # Wall lines are drawn half a snap tolerance thick: give the gap that back.
            d0, d1 = (
                ring.project(shapely.get_point(part, 0)),
                ring.project(shapely.get_point(part, -1)),
            )
            gap = part
            if d0 < d1:
                gap = substring(ring, max(0.0, d0 - self.stroke_m), d1 + self.stroke_m)
            if gap.length >= MIN_OPENING_M:
                out.append(gap)
        return out
