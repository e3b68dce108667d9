"""Draw the plans' symbols: the product's amenity icons and ISO 7010-like safety signs.

The amenity icons are the SVG files the kiosk shows (``assets/icons``), turned into
matplotlib paths with svgelements so that they stay vectors in the PDF. The safety signs
(emergency exit, first aid, fire extinguisher, fire alarm, defibrillator, assembly
point, "you are here") are drawn here from simple shapes in the manner of ISO 7010's
colours and pictograms; they are our own drawings, not copies of the standard's artwork.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

import numpy as np
import svgelements as se
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, FancyBboxPatch, PathPatch, Polygon, Rectangle
from matplotlib.path import Path as MplPath

from floorplan.schema import AmenityKind

__all__ = [
    "SAFETY_GREEN",
    "SAFETY_KINDS",
    "SAFETY_RED",
    "add_line",
    "amenity_icon",
    "draw_icon",
    "draw_safety",
    "icons_folder",
]

#: ISO 3864 safety colours (approximate sRGB).
SAFETY_GREEN: Final = "#008c4a"
SAFETY_RED: Final = "#c8102e"
WHITE: Final = "#ffffff"


def icons_folder() -> Path:
    """Return the folder of the amenity icons (in a wheel: ``floorplan/_assets/icons``)."""
    here = Path(__file__).resolve().parent.parent
    packaged = here / "_assets" / "icons"
    return packaged if packaged.is_dir() else here.parent / "assets" / "icons"


@dataclass(frozen=True)
class _Part:
    path: MplPath
    fill: str | None
    stroke: str | None
    stroke_width: float


_MOVE, _LINE, _CURVE3, _CURVE4, _CLOSE = (
    int(MplPath.MOVETO),
    int(MplPath.LINETO),
    int(MplPath.CURVE3),
    int(MplPath.CURVE4),
    int(MplPath.CLOSEPOLY),
)


def _segments_to_path(shape: se.Shape) -> MplPath | None:
    verts: list[tuple[float, float]] = []
    codes: list[int] = []
    for seg in se.Path(shape).segments():
        if isinstance(seg, se.Move):
            verts.append((seg.end.x, seg.end.y))
            codes.append(_MOVE)
        elif isinstance(seg, se.Close):
            verts.append(verts[-1] if verts else (0.0, 0.0))
            codes.append(_CLOSE)
        elif isinstance(seg, se.Line):
            verts.append((seg.end.x, seg.end.y))
            codes.append(_LINE)
        elif isinstance(seg, se.QuadraticBezier):
            verts += [(seg.control.x, seg.control.y), (seg.end.x, seg.end.y)]
            codes += [_CURVE3, _CURVE3]
        elif isinstance(seg, se.CubicBezier | se.Arc):
            cubics = [seg] if isinstance(seg, se.CubicBezier) else list(seg.as_cubic_curves())
            for c in cubics:
                verts += [(c.control1.x, c.control1.y), (c.control2.x, c.control2.y)]
                verts.append((c.end.x, c.end.y))
                codes += [_CURVE4] * 3
    if not verts:
        return None
    return MplPath(np.asarray(verts, dtype=float), codes)


def _colour(value: Any) -> str | None:
    if not isinstance(value, se.Color) or value.value is None:
        return None
    colour: Any = value
    return str(colour.hexrgb) if colour.alpha != 0 else None


@lru_cache(maxsize=64)
def _load_svg(path: str) -> tuple[tuple[_Part, ...], float]:
    """Return an icon's parts in its own units (y up) and its viewBox size."""
    svg = se.SVG.parse(path)
    size = float(svg.viewbox.width if svg.viewbox is not None else svg.width)
    parts = []
    for element in svg.elements():
        if not isinstance(element, se.Shape):
            continue
        path_ = _segments_to_path(element)
        if path_ is None:
            continue
        v = np.asarray(path_.vertices, dtype=float)
        flipped = MplPath(np.column_stack([v[:, 0], size - v[:, 1]]), path_.codes)
        width = float(element.stroke_width or 0.0)
        parts.append(_Part(flipped, _colour(element.fill), _colour(element.stroke), width))
    return tuple(parts), size


def amenity_icon(kind: str) -> Path:
    """Return the icon file of amenity ``kind`` (the generic one for kinds without one)."""
    known = {k.value for k in AmenityKind}
    folder = icons_folder()
    path = folder / f"{kind}.svg"
    return path if kind in known and path.is_file() else folder / "other.svg"


def draw_icon(ax: Axes, icon: Path, xy: tuple[float, float], size_mm: float, **kw: Any) -> None:
    """Draw an SVG icon centred on ``xy`` (mm), ``size_mm`` wide."""
    parts, size = _load_svg(str(icon))
    k = size_mm / size
    x0, y0 = xy[0] - size_mm / 2, xy[1] - size_mm / 2
    zorder = kw.pop("zorder", 6)
    for part in parts:
        verts = np.asarray(part.path.vertices, dtype=float) * k + np.array([x0, y0])
        patch = PathPatch(
            MplPath(verts, part.path.codes),
            facecolor=part.fill or "none",
            edgecolor=part.stroke or "none",
            linewidth=part.stroke_width * k / 0.3528 if part.stroke else 0.0,
            zorder=zorder,
            **kw,
        )
        ax.add_artist(patch)


# ---------------------------------------------------------------- safety signs


def _sign_square(ax: Axes, x0: float, y0: float, s: float, colour: str, z: int) -> None:  # noqa: PLR0917
    ax.add_artist(
        FancyBboxPatch(
            (x0, y0),
            s,
            s,
            boxstyle=f"round,pad=0,rounding_size={s * 0.08}",
            facecolor=colour,
            edgecolor=WHITE,
            linewidth=s * 0.04 / 0.3528,
            zorder=z,
        )
    )


def add_line(
    ax: Axes, xs: Sequence[float] | np.ndarray, ys: Sequence[float] | np.ndarray, **kw: Any
) -> Line2D:
    """Add a line without updating the axes' data limits (a page's limits are fixed).

    ``Axes.plot`` recomputes the limits for every line, which costs more than drawing
    on a page of a thousand symbols.
    """
    line = Line2D(xs, ys, **kw)
    ax.add_artist(line)
    return line


def _line(ax: Axes, pts: list[tuple[float, float]], w: float, z: int) -> None:
    xs, ys = zip(*pts, strict=True)
    add_line(
        ax,
        xs,
        ys,
        color=WHITE,
        linewidth=w / 0.3528,
        solid_capstyle="round",
        solid_joinstyle="round",
        zorder=z,
    )


def _runner(ax: Axes, u: Callable[[float, float], tuple[float, float]], s: float, z: int) -> None:
    """Draw a running figure, in unit coordinates ``u``."""
    ax.add_artist(Circle(u(0.44, 0.78), s * 0.075, facecolor=WHITE, edgecolor="none", zorder=z))
    w = s * 0.075
    _line(ax, [u(0.40, 0.66), u(0.32, 0.42)], w, z)  # body
    _line(ax, [u(0.32, 0.42), u(0.44, 0.28), u(0.40, 0.12)], w, z)  # front leg
    _line(ax, [u(0.32, 0.42), u(0.20, 0.30), u(0.10, 0.32)], w, z)  # back leg
    _line(ax, [u(0.22, 0.56), u(0.38, 0.64), u(0.50, 0.52)], w, z)  # arms


def _exit(ax: Axes, u: Callable[[float, float], tuple[float, float]], s: float, z: int) -> None:
    ax.add_artist(
        Rectangle(
            u(0.62, 0.14),
            s * 0.26,
            s * 0.72,
            facecolor="none",
            edgecolor=WHITE,
            linewidth=s * 0.05 / 0.3528,
            zorder=z,
        )
    )
    _runner(ax, u, s, z)


def _first_aid(
    ax: Axes, u: Callable[[float, float], tuple[float, float]], s: float, z: int
) -> None:
    ax.add_artist(Rectangle(u(0.38, 0.16), s * 0.24, s * 0.68, facecolor=WHITE, zorder=z))
    ax.add_artist(Rectangle(u(0.16, 0.38), s * 0.68, s * 0.24, facecolor=WHITE, zorder=z))


def _extinguisher(
    ax: Axes, u: Callable[[float, float], tuple[float, float]], s: float, z: int
) -> None:
    ax.add_artist(
        FancyBboxPatch(
            u(0.38, 0.12),
            s * 0.26,
            s * 0.56,
            boxstyle=f"round,pad=0,rounding_size={s * 0.08}",
            facecolor=WHITE,
            edgecolor="none",
            zorder=z,
        )
    )
    _line(ax, [u(0.51, 0.68), u(0.51, 0.80), u(0.30, 0.80), u(0.22, 0.66)], s * 0.06, z)


def _fire_alarm(
    ax: Axes, u: Callable[[float, float], tuple[float, float]], s: float, z: int
) -> None:
    ax.add_artist(
        Circle(
            u(0.5, 0.5),
            s * 0.30,
            facecolor="none",
            edgecolor=WHITE,
            linewidth=s * 0.07 / 0.3528,
            zorder=z,
        )
    )
    ax.add_artist(Circle(u(0.5, 0.5), s * 0.12, facecolor=WHITE, zorder=z))


def _heart(ax: Axes, u: Callable[[float, float], tuple[float, float]], _s: float, z: int) -> None:
    t = np.linspace(0, 2 * math.pi, 60)
    hx = 16 * np.sin(t) ** 3
    hy = 13 * np.cos(t) - 5 * np.cos(2 * t) - 2 * np.cos(3 * t) - np.cos(4 * t)
    pts = [u(0.5 + x / 48, 0.52 + y / 48) for x, y in zip(hx, hy, strict=True)]
    ax.add_artist(Polygon(pts, closed=True, facecolor=WHITE, edgecolor="none", zorder=z))
    bolt = [
        u(0.53, 0.78),
        u(0.42, 0.50),
        u(0.52, 0.50),
        u(0.44, 0.24),
        u(0.62, 0.56),
        u(0.52, 0.56),
    ]
    ax.add_artist(
        Polygon(bolt, closed=True, facecolor=SAFETY_GREEN, edgecolor="none", zorder=z + 1)
    )


def _assembly(ax: Axes, u: Callable[[float, float], tuple[float, float]], s: float, z: int) -> None:
    for cx, cy in ((0.42, 0.52), (0.58, 0.52), (0.5, 0.40)):
        ax.add_artist(Circle(u(cx, cy + 0.06), s * 0.045, facecolor=WHITE, zorder=z))
        ax.add_artist(
            Rectangle(u(cx - 0.04, cy - 0.07), s * 0.08, s * 0.1, facecolor=WHITE, zorder=z)
        )
    for (ax0, ay0), (ax1, ay1) in (
        ((0.12, 0.88), (0.30, 0.70)),
        ((0.88, 0.88), (0.70, 0.70)),
        ((0.12, 0.12), (0.30, 0.30)),
        ((0.88, 0.12), (0.70, 0.30)),
    ):
        x0, y0 = u(ax0, ay0)
        x1, y1 = u(ax1, ay1)
        ax.annotate(
            "",
            (x1, y1),
            (x0, y0),
            zorder=z,
            arrowprops={
                "arrowstyle": "-|>",
                "color": WHITE,
                "lw": s * 0.04 / 0.3528,
                "mutation_scale": s * 0.25 / 0.3528,
            },
        )


def _you_are_here(
    ax: Axes, u: Callable[[float, float], tuple[float, float]], s: float, z: int
) -> None:
    ax.add_artist(
        Circle(
            u(0.5, 0.5),
            s * 0.5,
            facecolor=SAFETY_RED,
            edgecolor=WHITE,
            linewidth=s * 0.06 / 0.3528,
            zorder=z,
        )
    )
    arrow = [u(0.5, 0.84), u(0.72, 0.30), u(0.5, 0.42), u(0.28, 0.30)]
    ax.add_artist(Polygon(arrow, closed=True, facecolor=WHITE, edgecolor="none", zorder=z + 1))


_Drawer = Callable[[Axes, Callable[[float, float], tuple[float, float]], float, int], None]

#: Sign -> (background colour or None for a round sign, pictogram).
_SIGNS: Final[dict[str, tuple[str | None, _Drawer]]] = {
    "emergency_exit": (SAFETY_GREEN, _exit),
    "first_aid": (SAFETY_GREEN, _first_aid),
    "defibrillator": (SAFETY_GREEN, _heart),
    "assembly_point": (SAFETY_GREEN, _assembly),
    "fire_extinguisher": (SAFETY_RED, _extinguisher),
    "fire_alarm": (SAFETY_RED, _fire_alarm),
    "you_are_here": (None, _you_are_here),
}
#: Amenity kinds drawn with a safety sign on escape plans.
SAFETY_KINDS: Final = frozenset(_SIGNS) - {"emergency_exit", "you_are_here"}


def draw_safety(
    ax: Axes, sign: str, xy: tuple[float, float], size_mm: float, *, z: int = 8
) -> None:
    """Draw safety sign ``sign`` (a key of the signs table) centred on ``xy`` (mm)."""
    colour, draw = _SIGNS[sign]
    x0, y0 = xy[0] - size_mm / 2, xy[1] - size_mm / 2

    def u(px: float, py: float) -> tuple[float, float]:
        return (x0 + px * size_mm, y0 + py * size_mm)

    if colour is not None:
        _sign_square(ax, x0, y0, size_mm, colour, z)
    draw(ax, u, size_mm, z + 1)
