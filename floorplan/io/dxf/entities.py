"""Walk a drawing's model space and turn its entities into shapes and texts in local metres.

Block references are exploded with their full transform (nested, rotated, mirrored,
scaled; ezdxf's ``virtual_entities``); entities on layer ``0`` inside a block take the
reference's layer, as CAD programs draw them. A block reference on a door, column,
obstacle or booth layer is *one* thing: its parts are gathered into one shape, and its
text and attributes go with it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import shapely
from shapely.geometry import LineString, Polygon

from floorplan.io.dxf.layermap import LayerMap, LayerRule, Role
from floorplan.io.dxf.report import ImportReport, Skipped, SkipReason

if TYPE_CHECKING:
    from ezdxf.entities import DXFGraphic, Insert
    from ezdxf.layouts import Modelspace

__all__ = ["Extracted", "Shape", "Text", "extract"]

_TEXT_TYPES: Final = frozenset({"TEXT", "MTEXT", "ATTRIB"})
_CURVE_TYPES: Final = frozenset({"ARC", "CIRCLE", "ELLIPSE", "SPLINE"})
_FACE_TYPES: Final = frozenset({"SOLID", "TRACE", "3DFACE"})
_WINDOW: Final = re.compile(r"window|win|窗", re.IGNORECASE)
_MTEXT_SPACE: Final = re.compile(r"\\~")
_SPACES: Final = re.compile(r"[ \t\u3000]+")
#: Rough glyph widths as a share of the text height, to find a text's middle without
#: measuring fonts (ezdxf can, at ~100x the cost; the middle only decides which booth).
_LATIN_W, _CJK_W = 0.7, 1.0


@dataclass(frozen=True)
class Text:
    """A piece of text: its layer's rule, its plain words and its middle (local metres)."""

    layer: str
    rule: LayerRule
    handle: str
    text: str
    x: float
    y: float
    tag: str | None = None


@dataclass
class Shape:
    """A geometry from one entity (or one block reference), in local metres.

    ``geom`` is a Polygon or MultiPolygon when ``closed``, else a LineString. A block
    reference on an object layer (``block`` set) carries its own ``texts``.
    """

    layer: str
    rule: LayerRule
    handle: str
    entity: str
    geom: Any
    closed: bool
    block: str | None = None
    texts: list[Text] = field(default_factory=list)


@dataclass
class Extracted:
    """The shapes and texts of a drawing, by role."""

    shapes: list[Shape] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)

    def of(self, *roles: Role) -> list[Shape]:
        """Return the shapes whose layer has one of ``roles``."""
        return [s for s in self.shapes if s.rule.role in roles]


def extract(
    msp: Modelspace,
    layer_map: LayerMap,
    report: ImportReport,
    *,
    metres_per_unit: float,
    chord_m: float,
) -> Extracted:
    """Return the shapes and texts of model space; record counts and skips in ``report``."""
    walker = _Walker(layer_map, report, metres_per_unit, chord_m)
    for entity in msp:
        walker.entity(entity, parent=None, handle=entity.dxf.handle)
    return walker.out


class _Walker:
    def __init__(
        self, layer_map: LayerMap, report: ImportReport, metres_per_unit: float, chord_m: float
    ) -> None:
        self.map = layer_map
        self.report = report
        self.scale = metres_per_unit
        self.flat = chord_m / metres_per_unit  # flattening distance in drawing units
        self.rules: dict[str, LayerRule] = {}
        self.out = Extracted()

    def rule(self, layer: str) -> LayerRule:
        found = self.rules.get(layer)
        if found is None:
            found = self.rules[layer] = self.map.rule(layer)
            self.report.layer(layer, found.role.value, found.source)
        return found

    def skip(self, e: DXFGraphic, layer: str, handle: str, why: SkipReason, **kw: Any) -> None:
        self.report.skip(Skipped(layer, handle, e.dxftype(), why, **kw))

    def entity(self, e: DXFGraphic, *, parent: str | None, handle: str) -> None:
        kind = e.dxftype()
        layer = e.dxf.layer
        if parent is not None and layer == "0":
            layer = parent
        rule = self.rule(layer)
        self.report.layers[layer].entities[kind] += 1
        if kind == "INSERT":
            self.insert(e, layer, rule, handle)  # type: ignore[arg-type]
        elif rule.role is Role.IGNORE:
            return
        elif kind in _TEXT_TYPES:
            self.text(e, layer, rule, handle, into=self.out.texts)
        elif rule.role.is_text:
            self.skip(e, layer, handle, SkipReason.NOT_TEXT)
        else:
            made = self.geometry(e)
            if made is None:
                self.skip(e, layer, handle, SkipReason.UNSUPPORTED_ENTITY)
                return
            geom, closed = made
            self.out.shapes.append(Shape(layer, rule, handle, kind, geom, closed))

    def insert(self, e: Insert, layer: str, rule: LayerRule, handle: str) -> None:
        block = e.dxf.name
        if rule.source == "unmapped":
            rule = self.map.block_rule(block) or rule
            if rule.role is not Role.IGNORE:
                self.report.layer(layer).role = f"{rule.role.value} (by block)"
        if rule.role is Role.IGNORE and rule.source != "unmapped":
            return  # a title block or a window on a layer the map ignores
        for one in e.multi_insert() if e.mcount > 1 else (e,):
            if rule.role.is_object:
                self.item(one, layer, rule, handle)
                continue
            for child in self.explode(one, layer, handle):
                self.entity(child, parent=layer, handle=handle)
            for attrib in one.attribs:
                self.text(attrib, layer, rule, handle, into=self.out.texts)

    def item(self, e: Insert, layer: str, rule: LayerRule, handle: str) -> None:
        """Gather a block reference on an object layer into one shape.

        A block made of other blocks (a row of booth blocks) is as many things as it
        holds: each nested reference is gathered on its own.
        """
        block = e.dxf.name
        if rule.role.is_opening and _WINDOW.search(block):
            self.skip(e, layer, handle, SkipReason.WINDOW, detail=f"block {block}")
            return
        polys: list[Any] = []
        lines: list[Any] = []
        texts: list[Text] = []
        for child in self.explode(e, layer, handle):
            kind = child.dxftype()
            child_layer = layer if child.dxf.layer == "0" else child.dxf.layer
            child_rule = self.rule(child_layer)
            if child_rule.role is Role.IGNORE and child_rule.source != "unmapped":
                continue
            if kind == "INSERT":
                for one in child.multi_insert() if child.mcount > 1 else (child,):  # type: ignore[attr-defined]
                    self.item(one, layer, rule, handle)  # type: ignore[arg-type]
            elif kind in _TEXT_TYPES:
                self.text(child, child_layer, rule, handle, into=texts)
            elif (made := self.geometry(child)) is not None:
                (polys if made[1] else lines).append(made[0])
        for attrib in e.attribs:
            self.text(attrib, layer, rule, handle, into=texts)
        if not polys and not lines:
            # Only text (the attributes of a block of blocks): it finds its thing by place.
            self.out.texts.extend(texts)
            return
        geom = _item_geometry(polys, lines)
        if geom is None:
            self.skip(e, layer, handle, SkipReason.NO_AREA, detail=f"block {block} draws nothing")
            return
        shape = Shape(layer, rule, handle, f"INSERT {block}", geom, True, block, texts)
        self.out.shapes.append(shape)

    def explode(self, e: Insert, layer: str, handle: str) -> list[DXFGraphic]:
        """Return the block reference's content in world coordinates (nothing if broken)."""
        try:
            return list(e.virtual_entities())
        # A reference to a missing block, or a transform ezdxf cannot apply (a non-uniform
        # scale of some entities), raises from deep inside; it is one entity's problem.
        except Exception as exc:
            why = str(exc).strip() or type(exc).__name__
            self.skip(
                e, layer, handle, SkipReason.UNSUPPORTED_ENTITY, detail=f"block {e.dxf.name}: {why}"
            )
            return []

    def text(
        self, e: DXFGraphic, layer: str, rule: LayerRule, handle: str, *, into: list[Text]
    ) -> None:
        words = _plain(e)
        if not words:
            return
        x, y = _text_middle(e, words)
        tag = e.dxf.tag if e.dxftype() == "ATTRIB" else None
        into.append(Text(layer, rule, handle, words, x * self.scale, y * self.scale, tag))

    def geometry(self, e: DXFGraphic) -> tuple[Any, bool] | None:
        """Return the entity as (geometry in metres, closed) or ``None`` if not read."""
        kind = e.dxftype()
        closed = False
        if kind == "LINE":
            pts = np.array([e.dxf.start, e.dxf.end], dtype=float)[:, :2]
        elif kind == "LWPOLYLINE":
            closed = bool(e.closed)  # type: ignore[attr-defined]
            if e.has_arc or not _is_default_extrusion(e):  # type: ignore[attr-defined]
                pts = self.flatten(e)
            else:
                pts = np.array(e.get_points("xy"), dtype=float)  # type: ignore[attr-defined]
        elif kind == "POLYLINE":
            if not (e.is_2d_polyline or e.is_3d_polyline):  # type: ignore[attr-defined]
                return None  # polyface and polygon meshes
            closed = bool(e.is_closed)  # type: ignore[attr-defined]
            pts = self.flatten(e)
        elif kind in _CURVE_TYPES:
            closed = kind == "CIRCLE"
            pts = self.flatten(e)
        elif kind in _FACE_TYPES:
            closed = True
            pts = np.array([tuple(v)[:2] for v in e.wcs_vertices()], dtype=float)  # type: ignore[attr-defined]
        elif kind in ("HATCH", "MPOLYGON"):
            return self.hatch(e)
        else:
            return None
        return _shape_of(pts * self.scale, closed)

    def flatten(self, e: DXFGraphic) -> np.ndarray:
        from ezdxf import path  # noqa: PLC0415

        p = path.make_path(e)
        return np.array([(v.x, v.y) for v in p.flattening(self.flat, segments=4)], dtype=float)

    def hatch(self, e: DXFGraphic) -> tuple[Any, bool] | None:
        from ezdxf import path  # noqa: PLC0415

        rings = []
        for p in path.from_hatch(e):  # type: ignore[arg-type]
            for sub in p.sub_paths() if p.has_sub_paths else (p,):
                pts = np.array([(v.x, v.y) for v in sub.flattening(self.flat, segments=4)])
                if len(pts) >= 3:
                    rings.append(Polygon(pts * self.scale))
        if not rings:
            return None
        # A hatch fills by the even-odd rule: a boundary inside another is a hole.
        geom = rings[0] if len(rings) == 1 else _even_odd(rings)
        return (geom, True) if not geom.is_empty else None


def _is_default_extrusion(e: DXFGraphic) -> bool:
    ex = e.dxf.get("extrusion")
    return ex is None or (abs(ex[0]) < 1e-12 and abs(ex[1]) < 1e-12 and ex[2] > 0)


def _even_odd(rings: list[Polygon]) -> Any:
    out: Any = _areal(rings[0])
    for ring in rings[1:]:
        out = shapely.symmetric_difference(out, _areal(ring))
    return out


def _areal(poly: Polygon) -> Any:
    """Return the polygonal part of a (maybe self-crossing) ring's polygon."""
    parts = [p for p in shapely.get_parts(shapely.make_valid(poly)) if p.area > 0]
    return shapely.union_all(parts) if parts else Polygon()


def _shape_of(pts: np.ndarray, closed: bool) -> tuple[Any, bool] | None:
    pts = pts[np.isfinite(pts).all(axis=1)]
    if len(pts) < 2:
        return None
    if len(pts) >= 4 and np.allclose(pts[0], pts[-1], atol=1e-9, rtol=0):
        closed = True
    if closed:
        if len(pts) >= 2 and np.allclose(pts[0], pts[-1], atol=1e-9, rtol=0):
            pts = pts[:-1]
        if len(pts) < 3:
            return LineString(pts), False
        return Polygon(pts), True
    return LineString(pts), False


def _item_geometry(polys: list[Any], lines: list[Any]) -> Any:
    """Return one polygon for a block's parts: its closed parts, its faces, else its hull."""
    parts = [p for p in polys if p.area > 0]
    if lines:
        parts += list(shapely.polygonize(lines).geoms)
    if parts:
        geom = shapely.union_all([shapely.make_valid(p) for p in parts])
        if not geom.is_empty and geom.area > 0:
            return geom
    everything = shapely.union_all([*polys, *lines])
    hull = shapely.convex_hull(everything)
    return hull if hull.area > 0 else None


def _plain(e: DXFGraphic) -> str:
    kind = e.dxftype()
    if kind == "MTEXT":
        raw = e.plain_text(split=False)  # type: ignore[attr-defined]
        raw = _MTEXT_SPACE.sub(" ", raw)
    else:
        raw = e.plain_text()  # type: ignore[attr-defined]
    lines = (_SPACES.sub(" ", line).strip() for line in str(raw).splitlines())
    return "\n".join(line for line in lines if line)


def _width(words: str, height: float) -> float:
    longest = max(words.splitlines(), key=len, default="")
    return sum(_CJK_W if ord(c) > 0x2E80 else _LATIN_W for c in longest) * height


def _text_middle(e: DXFGraphic, words: str) -> tuple[float, float]:
    """Return roughly the middle of a text's box, in WCS drawing units."""
    if e.dxftype() == "MTEXT":
        ins = e.dxf.insert
        h = float(e.dxf.get("char_height", 1.0) or 1.0)
        n = max(1, len(words.splitlines()))
        w = float(e.dxf.get("width", 0.0) or 0.0) or _width(words, h)
        tall = h * (1 + (n - 1) * 1.67)
        col, row = divmod(int(e.dxf.get("attachment_point", 1)) - 1, 3)[::-1]
        dx, dy = w * (0.5 - col / 2), tall * (row / 2 - 0.5)
        rot = math.radians(e.get_rotation())  # type: ignore[attr-defined]
        return _turned(ins[0], ins[1], dx, dy, rot)
    h = float(e.dxf.get("height", 1.0) or 1.0)
    halign, valign = int(e.dxf.get("halign", 0)), int(e.dxf.get("valign", 0))
    ins = e.dxf.insert
    if halign in (3, 5):  # aligned / fit: between the two points
        p = e.dxf.get("align_point", ins)
        x, y, dx, dy = (ins[0] + p[0]) / 2, (ins[1] + p[1]) / 2, 0.0, h / 2
    else:
        anchor = e.dxf.get("align_point", ins) if (halign or valign) else ins
        w = _width(words, h) * float(e.dxf.get("width", 1.0) or 1.0)
        x, y = anchor[0], anchor[1]
        dx = {0: w / 2, 1: 0.0, 2: -w / 2, 4: 0.0}.get(halign, 0.0)
        dy = {0: h / 2, 1: h / 2, 2: 0.0, 3: -h / 2}.get(valign, 0.0)
        if halign == 4:
            dy = 0.0
    rot = math.radians(float(e.dxf.get("rotation", 0.0)))
    ox, oy = _turned(x, y, dx, dy, rot)
    from ezdxf.math import Vec3  # noqa: PLC0415

    wcs = e.ocs().to_wcs(Vec3(ox, oy, 0.0))
    return float(wcs.x), float(wcs.y)


def _turned(x: float, y: float, dx: float, dy: float, rot: float) -> tuple[float, float]:
    c, s = math.cos(rot), math.sin(rot)
    return float(x + c * dx - s * dy), float(y + s * dx + c * dy)
