"""The ground plan: hall sizes and styles, complexes of halls around concourses, aisles and blocks.

The ground is a set of *complexes*: a concourse spine with up to three exhibition halls on
each side, like the New China International Exhibition Center in Shunyi, Beijing. Inside
a hall, booths stand in blocks between aisles: a perimeter aisle along the walls, main
aisles leading in from the concourse doors, cross aisles between blocks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from floorplan.schema import Col, HallKind

__all__ = [
    "CRS",
    "CUSTOM",
    "CUSTOM_MAX_BOOTHS",
    "DOOR_M",
    "SHELL",
    "Concourse",
    "Hall",
    "Plan",
    "Rows",
    "Style",
    "allocate",
    "block_caps",
    "connection_vs",
    "default_halls",
    "halls_frame",
    "make_plan",
    "place_halls",
    "size_halls",
]


#: The projected CRS of generated venues (UTM zone 50N, Beijing).
CRS = "EPSG:32650"


#: The ground's centre, near the exhibition centre in Shunyi, Beijing (UTM 50N metres).
_CENTRE = (461_000.0, 4_441_000.0)


_HALLS_PER_COMPLEX = 6


_ROW_GAP_M = 24.0  # road between two halls on the same side of a concourse


_CONCOURSE_END_M = 30.0  # concourse entrance hall beyond the first and last hall rows


_COMPLEX_GAP_M = 60.0


@dataclass(frozen=True)
class Style:
    """How halls are laid out: custom-built stands, or shell-scheme rows at large sizes."""

    floor_per_booth_m2: float  # hall floor per booth, which sizes the halls
    hall_floor_m2: float  # a typical hall, which sets the default hall count
    hall_width_m: float
    concourse_m: float
    perimeter_m: float  # aisle along the walls
    band_m: float  # depth of a block (two back-to-back rows)
    band_gap_m: float  # aisle between bands
    band_main_every: int  # every n-th band aisle is a main aisle (counted from the middle)
    block_m: float  # length of a block
    block_gap_m: float  # cross aisle between blocks
    block_main_every: int  # 0: no main cross aisles
    main_m: float
    row_min_m: float  # a block at least twice this deep holds two rows
    min_len_m: float  # shortest booth front
    stretch: float  # how much bands and blocks may grow to fill a hall
    shaped_share: float  # share of L-shaped, trapezoid and cut-corner booths
    cap_share: float  # share of blocks with a full-depth end booth
    unsold_every: int  # one unsold booth per this many exhibitors
    spare: float  # booth capacity to leave in a hall beyond the booths it holds
    start_share: float  # of the floor per booth that sizing starts from


CUSTOM = Style(
    floor_per_booth_m2=205.0,
    hall_floor_m2=18_000.0,
    # 60 m across keeps every point of the floor within GB 50016's sprinklered 37.5 m of
    # an exit in the side walls (30 m to a wall, exits every 20 m along it), and the
    # concourse within reach of its exits at the roads between halls.
    hall_width_m=60.0,
    concourse_m=30.0,
    perimeter_m=5.0,
    # Three bands of two rows across a 60 m hall: booths about 5.7 m deep, so that each
    # row holds fewer, wider booths (and a hall plan at A1 still fits every name); blocks
    # about 94 m long, so that a flagship island (a whole block) still has 1,000 m².
    band_m=11.0,
    band_gap_m=8.0,
    band_main_every=1,
    block_m=90.0,
    block_gap_m=5.0,
    block_main_every=0,
    main_m=8.0,
    row_min_m=5.0,
    min_len_m=5.4,
    stretch=1.2,
    shaped_share=0.14,
    cap_share=0.3,
    unsold_every=60,
    spare=1.2,
    start_share=1.0,
)


SHELL = Style(
    floor_per_booth_m2=20.7,
    hall_floor_m2=26_000.0,
    hall_width_m=120.0,
    concourse_m=36.0,
    perimeter_m=4.0,
    band_m=6.0,
    band_gap_m=3.0,
    band_main_every=4,
    block_m=36.0,
    block_gap_m=3.0,
    block_main_every=3,
    main_m=8.0,
    row_min_m=3.0,
    min_len_m=3.0,
    stretch=1.25,
    shaped_share=0.0,
    cap_share=0.12,
    unsold_every=100,
    spare=1.1,
    start_share=0.8,
)


#: Above this many booths halls switch to shell-scheme rows of small standard booths.
CUSTOM_MAX_BOOTHS = 1500


Interval = tuple[float, float]


Ring = list[tuple[float, float]]


@dataclass
class Plan:
    """The aisles and blocks of one hall, in hall coordinates.

    ``u`` runs from the concourse wall (``u = 0``) into the hall, ``v`` across it.
    """

    depth: float
    width: float
    notch: tuple[float, float] | None  # (along u, along v) cut off the far corner
    bands: list[Interval]
    cols: list[Interval]
    band_gaps: list[tuple[float, float, bool]]  # v0, v1, is a main aisle
    block_gaps: list[tuple[float, float, bool]]  # u0, u1, is a main aisle
    blocks: np.ndarray  # rows of u0, u1, v0, v1, band index
    reserved: int | None  # the block kept free for a stage, a cafe and a service shaft

    def ring(self) -> Ring:
        """Return the hall's outline, counter-clockwise, in hall coordinates."""
        d, w = self.depth, self.width
        if self.notch is None:
            return [(0.0, 0.0), (d, 0.0), (d, w), (0.0, w)]
        nu, nv = self.notch
        return [(0.0, 0.0), (d, 0.0), (d, w - nv), (d - nu, w - nv), (d - nu, w), (0.0, w)]


@dataclass
class Hall:
    """A placed hall: its id, its plan and how hall coordinates map to the ground."""

    hall_id: str
    index: int
    name: str
    plan: Plan
    x0: float  # the concourse wall
    y0: float
    sign: float  # +1: u runs east, -1: u runs west
    columns: bool
    entrance: bool
    concourse: str

    def xy(self, u: Any, v: Any) -> tuple[np.ndarray, np.ndarray]:
        """Return ground coordinates of hall coordinates, rounded to millimetres."""
        x = np.round(self.x0 + self.sign * np.asarray(u, dtype=float), 3)
        y = np.round(self.y0 + np.asarray(v, dtype=float), 3)
        return x, y

    def polygon(self, ring: Ring) -> shapely.Polygon:
        """Return a ring of hall coordinates as a polygon on the ground."""
        uv = np.asarray(ring, dtype=float)
        x, y = self.xy(uv[:, 0], uv[:, 1])
        coords = np.column_stack([x, y])
        # A mirrored hall turns counter-clockwise rings clockwise: turn them back.
        return shapely.Polygon(coords if self.sign > 0 else coords[::-1])

    def boxes(self, rects: np.ndarray) -> np.ndarray:
        """Return rectangles ``u0, v0, u1, v1`` of hall coordinates as boxes on the ground."""
        xa, ya = self.xy(rects[:, 0], rects[:, 1])
        xb, yb = self.xy(rects[:, 2], rects[:, 3])
        return shapely.box(np.minimum(xa, xb), ya, np.maximum(xa, xb), yb)

    def line(self, a: tuple[float, float], b: tuple[float, float]) -> shapely.LineString:
        """Return the segment between two points of hall coordinates, on the ground."""
        x, y = self.xy([a[0], b[0]], [a[1], b[1]])
        return shapely.LineString(np.column_stack([x, y]))

    def point(self, u: float, v: float) -> tuple[float, float]:
        """Return a point of hall coordinates on the ground."""
        x, y = self.xy(u, v)
        return float(x), float(y)

    @property
    def heading_out(self) -> float:
        """Compass heading pointing back to the concourse (kiosks face arriving visitors)."""
        return 90.0 if self.sign < 0 else 270.0


@dataclass
class Concourse:
    """A concourse spine between its halls, with the wall stretches its halls share."""

    hall_id: str
    name: str
    x0: float
    x1: float
    y0: float
    y1: float
    west_ys: list[float]
    east_ys: list[float]
    row_spans: list[Interval]

    def polygon(self) -> shapely.Polygon:
        """Return the concourse's outline, its walls broken where halls adjoin."""
        ring = [(self.x0, self.y0), (self.x1, self.y0)]
        ring += [(self.x1, y) for y in self.east_ys]
        ring += [(self.x1, self.y1), (self.x0, self.y1)]
        ring += [(self.x0, y) for y in reversed(self.west_ys)]
        return shapely.Polygon(ring)


@dataclass
class Rows:
    """Records of one layer, gathered before they become a frame."""

    columns: tuple[str, ...]
    records: list[tuple[Any, ...]] = field(default_factory=list)
    geoms: list[Any] = field(default_factory=list)

    def add(self, geom: Any, *values: Any) -> None:
        """Add one record: its geometry and its values in column order."""
        self.records.append(values)
        self.geoms.append(geom)

    def frame(self) -> gpd.GeoDataFrame:
        """Return the records as a GeoDataFrame in the generator's CRS."""
        data = pd.DataFrame.from_records(self.records, columns=list(self.columns))
        geoms = np.asarray(self.geoms, dtype=object) if self.geoms else np.empty(0, dtype=object)
        return gpd.GeoDataFrame(data, geometry=geoms, crs=CRS)


def default_halls(total: int, style: Style) -> int:
    """Return how many halls ``total`` booths fill at the style's typical hall size."""
    return max(1, round(total * style.floor_per_booth_m2 / style.hall_floor_m2))


def _split(
    start: float, length: float, *, unit: float, gap: float, main: float, every: int, stretch: float
) -> tuple[list[Interval], list[tuple[float, float, bool]]]:
    """Cut ``length`` into as many ``unit`` pieces as fit between aisles; centre them."""

    def widths(n: int) -> list[float]:
        gaps = n - 1
        return [main if every and (i - gaps // 2) % every == 0 else gap for i in range(gaps)]

    n = 1
    while (n + 1) * unit + sum(widths(n + 1)) <= length:
        n += 1
    gaps = widths(n)
    size = min(unit * stretch, (length - sum(gaps)) / n)
    size = max(size, 1.0)
    pos = start + (length - n * size - sum(gaps)) / 2  # the rest widens the perimeter aisle
    pieces: list[Interval] = []
    gap_spans: list[tuple[float, float, bool]] = []
    for i in range(n):
        pieces.append((pos, pos + size))
        pos += size
        if i < n - 1:
            gap_spans.append((pos, pos + gaps[i], gaps[i] >= main))
            pos += gaps[i]
    return pieces, gap_spans


def make_plan(depth: float, width: float, style: Style, *, notch: bool) -> Plan:
    """Return the aisles and blocks of a hall of that size (with a corner notch or not)."""
    p = style.perimeter_m
    bands, band_gaps = _split(
        p,
        width - 2 * p,
        unit=style.band_m,
        gap=style.band_gap_m,
        main=style.main_m,
        every=style.band_main_every,
        stretch=style.stretch,
    )
    cols, block_gaps = _split(
        p,
        depth - 2 * p,
        unit=style.block_m,
        gap=style.block_gap_m,
        main=style.main_m,
        every=style.block_main_every,
        stretch=1.3,
    )
    cut = (round(0.2 * depth), round(0.25 * width)) if notch and depth >= 60 else None
    blocks = []
    for b, (v0, v1) in enumerate(bands):
        for u0, u1 in cols:
            if cut is not None and v1 > width - cut[1] - p:
                u1 = min(u1, depth - cut[0] - p)  # noqa: PLW2901 - trimmed to clear the notch
            if u1 - u0 >= max(3 * style.min_len_m, 10.0):
                blocks.append((u0, u1, v0, v1, b))
    arr = np.asarray(blocks, dtype=float).reshape(-1, 5)
    reserved = None
    if len(arr) >= 4:
        mid = len(bands) // 2
        in_band = np.flatnonzero(arr[:, 4] == mid)
        if len(in_band):
            reserved = int(in_band[np.argmax(arr[in_band, 0])])
    return Plan(depth, width, cut, bands, cols, band_gaps, block_gaps, arr, reserved)


def block_caps(plan: Plan, style: Style) -> np.ndarray:
    """Return how many booths of the shortest front each block of ``plan`` holds."""
    lengths = plan.blocks[:, 1] - plan.blocks[:, 0]
    rows = np.where(plan.blocks[:, 3] - plan.blocks[:, 2] >= 2 * style.row_min_m, 2, 1)
    caps = rows * np.floor(lengths / style.min_len_m).astype(int)
    if plan.reserved is not None:
        caps[plan.reserved] = 0
    return caps


def size_halls(total: int, n_halls: int, style: Style) -> tuple[Plan, Plan | None, list[int]]:
    """Return plans of a plain and a notched hall, and how many booths each hall holds.

    Halls start at the floor per booth of the style and grow metre by metre until they
    hold all booths with some capacity to spare, so that booth sizes keep some variety.
    The notched hall (the last, when there are two or more) holds fewer.
    """
    per_hall = math.ceil(total / n_halls)
    area = max(per_hall * style.floor_per_booth_m2, 900.0)
    width = float(min(style.hall_width_m, max(30, round(math.sqrt(area)))))
    depth = float(max(30, round(style.start_share * area / width)))
    need = total * style.spare if per_hall > 20 else total
    while True:
        plain = make_plan(depth, width, style, notch=False)
        notched = make_plan(depth, width, style, notch=True) if n_halls >= 2 else None
        caps = np.full(n_halls, block_caps(plain, style).sum())
        if notched is not None:
            caps[-1] = block_caps(notched, style).sum()
        if caps.sum() >= need:
            shares = allocate(total, caps.astype(float), caps)
            return plain, notched, [int(n) for n in shares]
        depth += 1.0


def place_halls(
    n_halls: int, plain: Plan, notched: Plan | None, style: Style
) -> tuple[list[Hall], list[Concourse]]:
    """Arrange the halls in complexes of up to six around concourse spines."""
    d, w, cw = plain.depth, plain.width, style.concourse_m
    n_cx = math.ceil(n_halls / _HALLS_PER_COMPLEX)
    rows_max = min(3, math.ceil(n_halls / 2))
    foot_w = 2 * d + cw
    foot_h = rows_max * w + (rows_max - 1) * _ROW_GAP_M + 2 * _CONCOURSE_END_M
    grid_cols = math.ceil(math.sqrt(n_cx))
    grid_rows = math.ceil(n_cx / grid_cols)
    x_start = round(_CENTRE[0] - (grid_cols * (foot_w + _COMPLEX_GAP_M) - _COMPLEX_GAP_M) / 2)
    y_start = round(_CENTRE[1] - (grid_rows * (foot_h + _COMPLEX_GAP_M) - _COMPLEX_GAP_M) / 2)
    halls: list[Hall] = []
    concourses: list[Concourse] = []
    for c in range(n_cx):
        k = min(_HALLS_PER_COMPLEX, n_halls - c * _HALLS_PER_COMPLEX)
        west = math.ceil(k / 2)
        prefix = "" if n_cx == 1 else f"{c + 1}"
        cx = x_start + (c % grid_cols) * (foot_w + _COMPLEX_GAP_M)
        cy = y_start + (c // grid_cols) * (foot_h + _COMPLEX_GAP_M)
        xw, xe = cx + d, cx + d + cw
        row_y = [cy + _CONCOURSE_END_M + r * (w + _ROW_GAP_M) for r in range(west)]
        conc_id = f"{prefix}C"
        for j in range(k):
            east = j >= west
            r = j - west if east else j
            index = len(halls)
            plan = notched if (notched is not None and index == n_halls - 1) else plain
            side = "E" if east else "W"
            hall_id = f"{prefix}{side}{r + 1}"
            name = f"{'East' if east else 'West'} Hall {r + 1}"
            halls.append(
                Hall(
                    hall_id=hall_id,
                    index=index,
                    name=f"{name} (complex {c + 1})" if prefix else name,
                    plan=plan,
                    x0=xe if east else xw,
                    y0=row_y[r],
                    sign=1.0 if east else -1.0,
                    columns=j % 3 != 1,
                    entrance=j % 2 == 0,
                    concourse=conc_id,
                )
            )
        y_top = row_y[-1] + w + _CONCOURSE_END_M
        spans = [(y, y + w) for y in row_y]
        west_ys = [v for y, _ in spans for v in (y, y + w)]
        east_ys = [v for y, _ in spans[: k - west] for v in (y, y + w)]
        concourses.append(
            Concourse(
                hall_id=conc_id,
                name="Concourse" if not prefix else f"Concourse (complex {c + 1})",
                x0=xw,
                x1=xe,
                y0=cy,
                y1=y_top,
                west_ys=west_ys,
                east_ys=east_ys,
                row_spans=spans,
            )
        )
    return halls, concourses


def halls_frame(halls: list[Hall], concourses: list[Concourse]) -> gpd.GeoDataFrame:
    """Return the halls layer: the exhibition halls, then the concourses."""
    rows = Rows((Col.HALL_ID, Col.NAME, Col.LEVEL, Col.KIND))
    for h in halls:
        rows.add(h.polygon(h.plan.ring()), h.hall_id, h.name, 0, HallKind.HALL.value)
    for c in concourses:
        rows.add(c.polygon(), c.hall_id, c.name, 0, HallKind.CONCOURSE.value)
    return rows.frame()


def allocate(total: int, weights: np.ndarray, caps: np.ndarray) -> np.ndarray:
    """Share ``total`` out in proportion to ``weights`` without passing ``caps``."""
    out = np.zeros(len(weights), dtype=int)
    left = total
    open_ = caps > 0
    while left > 0 and open_.any():
        w = np.where(open_, weights, 0.0)
        raw = left * w / w.sum()
        add = np.floor(raw).astype(int)
        rest = left - add.sum()
        order = np.argsort(-(raw - add), kind="stable")
        add[order[:rest]] += 1
        add = np.minimum(add, caps - out)
        out += add
        left -= int(add.sum())
        open_ = out < caps
    if left > 0:  # pragma: no cover - size_halls leaves room
        msg = f"no room for {left} more booths"
        raise AssertionError(msg)
    return out


DOOR_M = 6.0


def connection_vs(hall: Hall) -> list[float]:
    """Return where (across the hall) its doors to the concourse are: on the main aisles."""
    plan = hall.plan
    mains = [round((a + b) / 2, 3) for a, b, main in plan.band_gaps if main]
    return mains or [round(plan.width / 2, 3)]
