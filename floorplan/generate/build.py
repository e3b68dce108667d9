"""Generate synthetic venues: the bundled Chain Expo and larger ones up to Canton Fair scale.

The ground is a set of *complexes*: a concourse spine with up to three exhibition halls on
each side, like the New China International Exhibition Center in Shunyi, Beijing. Inside
a hall, booths stand in blocks between aisles: a perimeter aisle along the walls, main
aisles leading in from the concourse doors, cross aisles between blocks. Every booth is
cut from a block so that it touches an aisle, which keeps it reachable; columns, stages
and shafts stand in aisles or in a reserved activity block, never in a booth.

Everything is drawn from one ``numpy.random.Generator`` in a fixed order, so the same
arguments give the same venue, and coordinates are rounded to millimetres.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from floorplan.errors import OptionError
from floorplan.generate.exhibitors import CHAIN_STAGES, invent_exhibitors
from floorplan.schema import AmenityKind, Col, HallKind, OpeningKind, Zone
from floorplan.venue import Venue

__all__ = ["BUNDLED_BOOTHS", "BUNDLED_SEED", "CRS", "generate_venue"]

#: The projected CRS of generated venues (UTM zone 50N, Beijing).
CRS = "EPSG:32650"
#: Booths and seed of the bundled Chain Expo venue.
BUNDLED_BOOTHS = 515
BUNDLED_SEED = 2023
_BUNDLED_NAME = "Chain Expo 2023 (model venue)"
_DATES = ("2023-11-28", "2023-11-29", "2023-11-30", "2023-12-01", "2023-12-02")
#: The ground's centre, near the exhibition centre in Shunyi, Beijing (UTM 50N metres).
_CENTRE = (461_000.0, 4_441_000.0)
_HALLS_PER_COMPLEX = 6
_ROW_GAP_M = 24.0  # road between two halls on the same side of a concourse
_CONCOURSE_END_M = 30.0  # concourse entrance hall beyond the first and last hall rows
_COMPLEX_GAP_M = 60.0
_KIOSK_CLEAR_M = 1.0


@dataclass(frozen=True)
class _Style:
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


_CUSTOM = _Style(
    floor_per_booth_m2=205.0,
    hall_floor_m2=18_000.0,
    hall_width_m=80.0,
    concourse_m=30.0,
    perimeter_m=5.0,
    band_m=18.0,
    band_gap_m=8.0,
    band_main_every=1,
    block_m=60.0,
    block_gap_m=5.0,
    block_main_every=0,
    main_m=8.0,
    row_min_m=6.0,
    min_len_m=4.2,
    stretch=1.2,
    shaped_share=0.14,
    cap_share=0.3,
    unsold_every=60,
    spare=1.2,
    start_share=1.0,
)
_SHELL = _Style(
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
_CUSTOM_MAX_BOOTHS = 1500

Interval = tuple[float, float]
Ring = list[tuple[float, float]]


@dataclass
class _Plan:
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
        d, w = self.depth, self.width
        if self.notch is None:
            return [(0.0, 0.0), (d, 0.0), (d, w), (0.0, w)]
        nu, nv = self.notch
        return [(0.0, 0.0), (d, 0.0), (d, w - nv), (d - nu, w - nv), (d - nu, w), (0.0, w)]


@dataclass
class _Piece:
    """One booth in hall coordinates, a rectangle or a ring."""

    row: int
    u: float
    v: float
    open_sides: int
    rect: tuple[float, float, float, float] | None = None  # u0, v0, u1, v1
    ring: Ring | None = None


@dataclass
class _Hall:
    """A placed hall: its id, its plan and how hall coordinates map to the ground."""

    hall_id: str
    index: int
    name: str
    plan: _Plan
    x0: float  # the concourse wall
    y0: float
    sign: float  # +1: u runs east, -1: u runs west
    columns: bool
    entrance: bool
    concourse: str

    def xy(self, u: Any, v: Any) -> tuple[np.ndarray, np.ndarray]:
        x = np.round(self.x0 + self.sign * np.asarray(u, dtype=float), 3)
        y = np.round(self.y0 + np.asarray(v, dtype=float), 3)
        return x, y

    def polygon(self, ring: Ring) -> shapely.Polygon:
        uv = np.asarray(ring, dtype=float)
        x, y = self.xy(uv[:, 0], uv[:, 1])
        coords = np.column_stack([x, y])
        # A mirrored hall turns counter-clockwise rings clockwise: turn them back.
        return shapely.Polygon(coords if self.sign > 0 else coords[::-1])

    def boxes(self, rects: np.ndarray) -> np.ndarray:
        xa, ya = self.xy(rects[:, 0], rects[:, 1])
        xb, yb = self.xy(rects[:, 2], rects[:, 3])
        return shapely.box(np.minimum(xa, xb), ya, np.maximum(xa, xb), yb)

    def line(self, a: tuple[float, float], b: tuple[float, float]) -> shapely.LineString:
        x, y = self.xy([a[0], b[0]], [a[1], b[1]])
        return shapely.LineString(np.column_stack([x, y]))

    def point(self, u: float, v: float) -> tuple[float, float]:
        x, y = self.xy(u, v)
        return float(x), float(y)

    @property
    def heading_out(self) -> float:
        """Compass heading pointing back to the concourse (kiosks face arriving visitors)."""
        return 90.0 if self.sign < 0 else 270.0


@dataclass
class _Concourse:
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
        ring = [(self.x0, self.y0), (self.x1, self.y0)]
        ring += [(self.x1, y) for y in self.east_ys]
        ring += [(self.x1, self.y1), (self.x0, self.y1)]
        ring += [(self.x0, y) for y in reversed(self.west_ys)]
        return shapely.Polygon(ring)


@dataclass
class _Rows:
    """Records of one layer, gathered before they become a frame."""

    columns: tuple[str, ...]
    records: list[tuple[Any, ...]] = field(default_factory=list)
    geoms: list[Any] = field(default_factory=list)

    def add(self, geom: Any, *values: Any) -> None:
        self.records.append(values)
        self.geoms.append(geom)

    def frame(self) -> gpd.GeoDataFrame:
        data = pd.DataFrame.from_records(self.records, columns=list(self.columns))
        geoms = np.asarray(self.geoms, dtype=object) if self.geoms else np.empty(0, dtype=object)
        return gpd.GeoDataFrame(data, geometry=geoms, crs=CRS)


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
        Number of exhibitors, each with one booth; about one extra booth in 60
        (one in 100 for shell-scheme halls) is left unsold, with an empty exhibitor.
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
    if isinstance(booths, bool) or not isinstance(booths, int | np.integer) or booths < 1:
        msg = f"booths must be a whole number of at least 1, got {booths!r}"
        raise OptionError(msg)
    if halls is not None and (
        isinstance(halls, bool) or not isinstance(halls, int | np.integer) or halls < 1
    ):
        msg = f"halls must be None or a whole number of at least 1, got {halls!r}"
        raise OptionError(msg)
    rng = np.random.default_rng(seed)
    style = _CUSTOM if booths <= _CUSTOM_MAX_BOOTHS else _SHELL
    total = int(booths) + int(booths) // style.unsold_every
    n_halls = int(halls) if halls is not None else _default_halls(total, style)
    plain, notched, per_hall = _size_halls(total, n_halls, style)
    placed, concourses = _place_halls(n_halls, plain, notched, style)

    hall_frame = _hall_frame(placed, concourses)
    booth_rows, pieces_hall = _booths(rng, placed, per_hall, style)
    obstacles = _obstacles(placed, concourses, style)
    openings = _openings(rng, placed, concourses)
    frame_booths = _dress_booths(
        rng, booth_rows, pieces=pieces_hall, n_halls=n_halls, n_exhibitors=int(booths), total=total
    )
    blockers = np.concatenate([frame_booths.geometry.to_numpy(), obstacles.geometry.to_numpy()])
    inner = dict(
        zip(
            hall_frame[Col.HALL_ID],
            shapely.buffer(hall_frame.geometry.to_numpy(), -0.5),
            strict=True,
        )
    )
    kiosks, amenities = _points(
        placed, concourses, inner, blockers, style=style, booths=int(booths)
    )
    events = _events(rng, frame_booths, amenities)

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
        dates=_DATES,
        meta={"crs": CRS, "generator": {"booths": int(booths), "halls": n_halls, "seed": seed}},
    )


def _default_halls(total: int, style: _Style) -> int:
    return max(1, round(total * style.floor_per_booth_m2 / style.hall_floor_m2))


# --- halls and their plans -------------------------------------------------------------


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


def _make_plan(depth: float, width: float, style: _Style, *, notch: bool) -> _Plan:
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
    return _Plan(depth, width, cut, bands, cols, band_gaps, block_gaps, arr, reserved)


def _caps(plan: _Plan, style: _Style) -> np.ndarray:
    lengths = plan.blocks[:, 1] - plan.blocks[:, 0]
    rows = np.where(plan.blocks[:, 3] - plan.blocks[:, 2] >= 2 * style.row_min_m, 2, 1)
    caps = rows * np.floor(lengths / style.min_len_m).astype(int)
    if plan.reserved is not None:
        caps[plan.reserved] = 0
    return caps


def _size_halls(total: int, n_halls: int, style: _Style) -> tuple[_Plan, _Plan | None, list[int]]:
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
        plain = _make_plan(depth, width, style, notch=False)
        notched = _make_plan(depth, width, style, notch=True) if n_halls >= 2 else None
        caps = np.full(n_halls, _caps(plain, style).sum())
        if notched is not None:
            caps[-1] = _caps(notched, style).sum()
        if caps.sum() >= need:
            shares = _allocate(total, caps.astype(float), caps)
            return plain, notched, [int(n) for n in shares]
        depth += 1.0


def _place_halls(
    n_halls: int, plain: _Plan, notched: _Plan | None, style: _Style
) -> tuple[list[_Hall], list[_Concourse]]:
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
    halls: list[_Hall] = []
    concourses: list[_Concourse] = []
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
                _Hall(
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
            _Concourse(
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


def _hall_frame(halls: list[_Hall], concourses: list[_Concourse]) -> gpd.GeoDataFrame:
    rows = _Rows((Col.HALL_ID, Col.NAME, Col.LEVEL, Col.KIND))
    for h in halls:
        rows.add(h.polygon(h.plan.ring()), h.hall_id, h.name, 0, HallKind.HALL.value)
    for c in concourses:
        rows.add(c.polygon(), c.hall_id, c.name, 0, HallKind.CONCOURSE.value)
    return rows.frame()


# --- booths ----------------------------------------------------------------------------


def _allocate(total: int, weights: np.ndarray, caps: np.ndarray) -> np.ndarray:
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
    if left > 0:  # pragma: no cover - _size_halls leaves room
        msg = f"no room for {left} more booths"
        raise AssertionError(msg)
    return out


def _booths(
    rng: np.random.Generator, halls: list[_Hall], per_hall: list[int], style: _Style
) -> tuple[list[tuple[Any, ...]], list[list[_Piece]]]:
    """Cut every hall's blocks into booths; return (hall, geometry) rows and the pieces."""
    rows: list[tuple[Any, ...]] = []
    all_pieces: list[list[_Piece]] = []
    for hall, target in zip(halls, per_hall, strict=True):
        plan = hall.plan
        caps = _caps(plan, style)
        blocks = plan.blocks
        area = (blocks[:, 1] - blocks[:, 0]) * (blocks[:, 3] - blocks[:, 2])
        fixed = np.full(len(blocks), -1)
        usable = np.flatnonzero(caps > 0)
        if style is _CUSTOM and target >= 3 * len(usable) and len(usable) >= 4:
            # Flagship islands and a pair of peninsulas, each a whole block.
            n_island = 1 + int(rng.random() < 0.5)
            picks = rng.choice(usable, size=n_island + 1, replace=False)
            fixed[picks[:n_island]] = 1
            fixed[picks[n_island]] = 2
            spare_caps = np.where(fixed >= 0, 0, caps).sum()
            if spare_caps < target - fixed[fixed >= 0].sum():
                fixed[:] = -1  # too full for whole-block stands
        free = caps.copy()
        free[fixed >= 0] = 0
        jitter = rng.uniform(0.6, 1.4, len(blocks)) if style is _CUSTOM else np.ones(len(blocks))
        targets = np.where(fixed >= 0, fixed, 0)
        targets += _allocate(target - int(targets.sum()), area * jitter, free)
        pieces: list[_Piece] = []
        for blk, t in zip(blocks, targets, strict=True):
            if t > 0:
                pieces.extend(_partition_block(rng, blk, int(t), style))
        all_pieces.append(pieces)
        rects = [(p.rect, i) for i, p in enumerate(pieces) if p.rect is not None]
        geoms = np.empty(len(pieces), dtype=object)
        if rects:
            idx = np.array([i for _, i in rects])
            geoms[idx] = hall.boxes(np.array([r for r, _ in rects], dtype=float))
        for i, p in enumerate(pieces):
            if p.ring is not None:
                geoms[i] = hall.polygon(p.ring)
        rows.extend((hall, g) for g in geoms)
    return rows, all_pieces


def _cuts(rng: np.random.Generator, length: float, m: int, min_len: float) -> np.ndarray:
    """Return ``m + 1`` cut positions from 0 to ``length``, pieces at least ``min_len``."""
    lens = min_len + (length - m * min_len) * rng.dirichlet(np.full(m, 1.6))
    cuts = np.concatenate([[0.0], np.cumsum(lens)])
    cuts[-1] = length
    return np.round(cuts, 3)


def _partition_block(
    rng: np.random.Generator, blk: np.ndarray, t: int, style: _Style
) -> list[_Piece]:
    u0, u1, v0, v1, band = blk
    row_a, row_b = 2 * int(band), 2 * int(band) + 1
    vm = round((v0 + v1) / 2, 3)
    length, depth = u1 - u0, v1 - v0
    ml = style.min_len_m
    if t == 1:
        return [_Piece(row_a, (u0 + u1) / 2, vm, 4, rect=(u0, v0, u1, v1))]
    if depth < 2 * style.row_min_m:
        return _row(rng, (u0, u1, v0, v1), m=t, row=row_a, style=style, outer=v0, both=True)
    if t == 2:
        if rng.random() < 0.5:
            c = round(u0 + length * rng.uniform(0.4, 0.6), 3)
            return [
                _Piece(row_a, (u0 + c) / 2, vm, 3, rect=(u0, v0, c, v1)),
                _Piece(row_a, (c + u1) / 2, vm, 3, rect=(c, v0, u1, v1)),
            ]
        return [
            _Piece(row_a, (u0 + u1) / 2, v0, 3, rect=(u0, v0, u1, vm)),
            _Piece(row_b, (u0 + u1) / 2, v1, 3, rect=(u0, vm, u1, v1)),
        ]
    pieces: list[_Piece] = []
    open_start = open_end = True
    if t >= 4 and rng.random() < style.cap_share:
        cap = round(min(max(depth * rng.uniform(0.6, 1.0), ml), 0.3 * length), 3)
        if t - 1 <= 2 * math.floor((length - cap) / ml):
            if rng.random() < 0.5:
                pieces.append(_Piece(row_a, u0 + cap / 2, vm, 3, rect=(u0, v0, u0 + cap, v1)))
                u0 = round(u0 + cap, 3)
                open_start = False
            else:
                pieces.append(_Piece(row_a, u1 - cap / 2, vm, 3, rect=(u1 - cap, v0, u1, v1)))
                u1 = round(u1 - cap, 3)
                open_end = False
            t -= 1
            length = u1 - u0
    if t == 1:
        pieces.append(_Piece(row_a, (u0 + u1) / 2, vm, 3, rect=(u0, v0, u1, v1)))
        return pieces
    if t % 2 == 0 and rng.random() < style.shaped_share * 3:
        return pieces + _l_block(
            rng, (u0, u1, v0, vm, v1), m=t // 2, rows=(row_a, row_b), style=style
        )
    a = (t + 1) // 2
    b = t - a
    if rng.random() < 0.5:
        a, b = b, a
    ends = {"open_start": open_start, "open_end": open_end}
    pieces += _row(rng, (u0, u1, v0, vm), m=a, row=row_a, style=style, outer=v0, both=False, **ends)
    pieces += _row(rng, (u0, u1, vm, v1), m=b, row=row_b, style=style, outer=v1, both=False, **ends)
    return pieces


def _row(
    rng: np.random.Generator,
    span: tuple[float, float, float, float],
    *,
    m: int,
    row: int,
    style: _Style,
    outer: float,
    both: bool,
    open_start: bool = True,
    open_end: bool = True,
) -> list[_Piece]:
    """Cut one row into ``m`` booths; some cuts slant, some end booths lose a corner."""
    u0, u1, v0, v1 = span
    if m == 0:
        return []
    ml = style.min_len_m
    cuts = u0 + _cuts(rng, u1 - u0, m, ml)
    out_cut = cuts.copy()  # cut positions on the aisle side
    in_cut = cuts.copy()  # on the back (or other aisle) side
    for k in range(1, m):
        if rng.random() < style.shaped_share:
            delta = round(rng.uniform(0.8, 1.6) * rng.choice([-1.0, 1.0]), 3)
            lo, hi = in_cut[k - 1] + ml, in_cut[k + 1] - ml
            if lo <= in_cut[k] + delta <= hi and out_cut[k] - out_cut[k - 1] >= ml:
                in_cut[k] = round(in_cut[k] + delta, 3)
    pieces: list[_Piece] = []
    for k in range(m):
        ends = int(k == 0 and open_start) + int(k == m - 1 and open_end)
        sides = (2 if both else 1) + ends
        a_o, b_o, a_i, b_i = out_cut[k], out_cut[k + 1], in_cut[k], in_cut[k + 1]
        u_mid = (a_o + b_o + a_i + b_i) / 4
        chamfer = ends and rng.random() < 2 * style.shaped_share and (b_o - a_o) >= 2 * ml
        if a_o == a_i and b_o == b_i and not chamfer:
            pieces.append(_Piece(row, u_mid, (v0 + v1) / 2, sides, rect=(a_o, v0, b_o, v1)))
            continue
        # Counter-clockwise: along the v0 edge, then back along the v1 edge.
        if outer == v0:
            ring: Ring = [(a_o, v0), (b_o, v0), (b_i, v1), (a_i, v1)]
        else:
            ring = [(a_i, v0), (b_i, v0), (b_o, v1), (a_o, v1)]
        if chamfer:
            # The corner on the aisle side at the open end: 0/1 on v0, 3/2 on v1.
            corner = {(True, True): 0, (False, True): 1, (False, False): 2, (True, False): 3}[
                (k == 0 and open_start, outer == v0)
            ]
            c = round(min(2.5, 0.3 * (b_o - a_o), 0.3 * (v1 - v0)), 3)
            ring = _cut_corner(ring, corner, c)
        pieces.append(_Piece(row, u_mid, (v0 + v1) / 2, sides, ring=ring))
    return pieces


def _cut_corner(ring: Ring, i: int, c: float) -> Ring:
    """Replace corner ``i`` of ``ring`` by a chamfer with legs ``c`` along its two edges."""
    here = np.asarray(ring[i])
    ends = [np.asarray(ring[i - 1]), np.asarray(ring[(i + 1) % len(ring)])]
    pair = [here + c * (e - here) / np.hypot(*(e - here)) for e in ends]
    new = [(round(float(x), 3), round(float(y), 3)) for x, y in pair]
    return ring[:i] + new + ring[i + 1 :]


def _l_block(
    rng: np.random.Generator,
    span: tuple[float, float, float, float, float],
    *,
    m: int,
    rows: tuple[int, int],
    style: _Style,
) -> list[_Piece]:
    """Cut two aligned rows of ``m`` booths each, one of them an L reaching both aisles."""
    u0, u1, v0, vm, v1 = span
    row_a, row_b = rows
    cuts = u0 + _cuts(rng, u1 - u0, m, style.min_len_m)
    lens = np.diff(cuts)
    wide = np.flatnonzero(lens >= 2 * style.min_len_m)
    k = int(rng.choice(wide)) if len(wide) else -1
    pieces: list[_Piece] = []
    for j in range(m):
        a, b = float(cuts[j]), float(cuts[j + 1])
        ends = int(j == 0) + int(j == m - 1)
        if j != k:
            pieces.append(_Piece(row_a, (a + b) / 2, v0, 1 + ends, rect=(a, v0, b, vm)))
            pieces.append(_Piece(row_b, (a + b) / 2, v1, 1 + ends, rect=(a, vm, b, v1)))
            continue
        s = round(a + (b - a) * rng.uniform(0.4, 0.6), 3)
        if rng.random() < 0.5:  # the L takes the back row's left part
            ring: Ring = [(a, v0), (b, v0), (b, vm), (s, vm), (s, v1), (a, v1)]
            rest = (s, vm, b, v1)
        else:
            ring = [(a, v0), (b, v0), (b, v1), (s, v1), (s, vm), (a, vm)]
            rest = (a, vm, s, v1)
        pieces.append(_Piece(row_a, (a + b) / 2, vm, 2 + ends, ring=ring))
        pieces.append(_Piece(row_b, (rest[0] + rest[2]) / 2, v1, 1 + ends, rect=rest))
    return pieces


def _letters(i: int) -> str:
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


def _dress_booths(
    rng: np.random.Generator,
    rows: list[tuple[Any, ...]],
    *,
    pieces: list[list[_Piece]],
    n_halls: int,
    n_exhibitors: int,
    total: int,
) -> gpd.GeoDataFrame:
    """Name the booths, give them zones and stages along the walk, and fill in exhibitors."""
    flat = [(h, p) for h, ps in enumerate(pieces) for p in ps]
    n = len(flat)
    if n != total:  # pragma: no cover - the allocation places every booth
        msg = f"placed {n} booths, wanted {total}"
        raise AssertionError(msg)
    ids: list[str] = []
    for ps in pieces:
        order = sorted(range(len(ps)), key=lambda i: (ps[i].row, ps[i].u, ps[i].v))
        number: dict[int, int] = {}
        names = [""] * len(ps)
        for i in order:
            r = ps[i].row
            number[r] = number.get(r, 0) + 1
            names[i] = f"{_letters(r)}{number[r]:02d}"
        ids.extend(names)
    hall_objs = [hall for hall, _ in rows]
    booth_ids = [f"{hall.hall_id}-{suffix}" for hall, suffix in zip(hall_objs, ids, strict=True)]
    hall_index = np.array([hall.index for hall in hall_objs], dtype=int)
    u = np.array([p.u for _, p in flat])
    v = np.array([p.v for _, p in flat])
    walk = np.lexsort((v, u, hall_index))  # hall by hall, from the concourse inwards
    zones_list = list(Zone)
    zone_idx = np.empty(n, dtype=int)
    if n_halls >= len(zones_list):
        hall_zone = np.empty(n_halls, dtype=int)
        for z, group in enumerate(np.array_split(np.arange(n_halls), len(zones_list))):
            hall_zone[group] = z
        zone_idx = hall_zone[hall_index]
    else:
        for z, chunk in enumerate(np.array_split(walk, len(zones_list))):
            zone_idx[chunk] = z
    stage = np.full(n, "", dtype=object)
    for z in range(len(zones_list)):
        if zones_list[z] is Zone.SERVICES:
            continue
        in_zone = walk[zone_idx[walk] == z]
        for s, chunk in enumerate(np.array_split(in_zone, len(CHAIN_STAGES))):
            stage[chunk] = CHAIN_STAGES[s]
    geoms = np.array([g for _, g in rows], dtype=object)
    areas = shapely.area(geoms)
    sold = np.ones(n, dtype=bool)
    n_unsold = total - n_exhibitors
    if n_unsold:
        small = np.flatnonzero(areas <= np.median(areas))
        sold[rng.choice(small, size=n_unsold, replace=False)] = False
    idx_sold = np.flatnonzero(sold)
    exhibitors = invent_exhibitors(
        rng, [zones_list[zone_idx[i]] for i in idx_sold], [str(stage[i]) for i in idx_sold]
    )
    cols = {c: np.full(n, "", dtype=object) for c in _EXHIBITOR_FIELDS}
    for at, e in zip(idx_sold, exhibitors, strict=True):
        for c, attr in _EXHIBITOR_FIELDS.items():
            cols[c][at] = getattr(e, attr)
    data = pd.DataFrame(
        {
            Col.BOOTH_ID: booth_ids,
            Col.HALL_ID: [hall.hall_id for hall in hall_objs],
            Col.ZONE: [zones_list[z].value for z in zone_idx],
            **cols,
            Col.OPEN_SIDES: np.array([p.open_sides for _, p in flat], dtype=int),
            "chain_stage": stage.astype(str),
        }
    )
    return gpd.GeoDataFrame(data, geometry=geoms, crs=CRS)


_EXHIBITOR_FIELDS = {
    Col.EXHIBITOR: "name",
    Col.EXHIBITOR_ZH: "name_zh",
    Col.COUNTRY: "country",
    Col.PRODUCTS: "products",
    Col.DESCRIPTION: "description",
}


# --- obstacles, doors, kiosks, amenities -----------------------------------------------

_COLUMN_M = 0.8
_COLUMN_STEP_M = 30.0


def _column_spots(plan: _Plan, style: _Style) -> list[tuple[float, float]]:
    """Return a column grid on the centre lines of the aisles at least 5 m wide."""
    v_gaps = [(a + b) / 2 for a, b, _ in plan.band_gaps if b - a >= 5.0]
    u_gaps = [(a + b) / 2 for a, b, _ in plan.block_gaps if b - a >= 5.0]
    u_all = list(u_gaps)
    for a, b in plan.cols:
        m = max(1, round((b - a) / _COLUMN_STEP_M))
        u_all += [a + (b - a) * k / m for k in range(1, m)]
    v_all = v_gaps + [(a + b) / 2 for a, b in plan.bands]
    spots = {(round(u, 3), round(v, 3)) for u in u_all for v in v_gaps}
    spots |= {(round(u, 3), round(v, 3)) for u in u_gaps for v in v_all}
    if plan.notch is not None:
        nu, nv = plan.notch
        lim_u = plan.depth - nu - style.perimeter_m
        lim_v = plan.width - nv - style.perimeter_m
        spots = {(u, v) for u, v in spots if u < lim_u or v < lim_v}
    return sorted(spots)


def _activity(plan: _Plan) -> tuple[tuple[float, ...], tuple[float, ...]] | None:
    """Return the stage and the service shaft of the reserved block, as u0, v0, u1, v1."""
    if plan.reserved is None:
        return None
    u0, u1, v0, v1, _ = plan.blocks[plan.reserved]
    vc = (v0 + v1) / 2
    half = min(7.0, (v1 - v0) / 2 - 2.0)
    stage = (u1 - 6.0, vc - half, u1, vc + half)
    shaft = (u0, v0, u0 + 3.0, v0 + 2.5)
    return stage, shaft


def _obstacles(halls: list[_Hall], concourses: list[_Concourse], style: _Style) -> gpd.GeoDataFrame:
    rows = _Rows((Col.OBSTACLE_ID, Col.KIND, Col.HALL_ID))
    h = _COLUMN_M / 2
    for hall in halls:
        if hall.columns:
            spots = np.asarray(_column_spots(hall.plan, style), dtype=float).reshape(-1, 2)
            rects = np.column_stack(
                [spots[:, 0] - h, spots[:, 1] - h, spots[:, 0] + h, spots[:, 1] + h]
            )
            for k, g in enumerate(hall.boxes(np.round(rects, 3)), start=1):
                rows.add(g, f"{hall.hall_id}-COL{k:03d}", "column", hall.hall_id)
        act = _activity(hall.plan)
        if act is not None:
            stage, shaft = (hall.boxes(np.round(np.array([r]), 3))[0] for r in act)
            rows.add(stage, f"{hall.hall_id}-STG1", "stage", hall.hall_id)
            rows.add(shaft, f"{hall.hall_id}-SVC1", "service", hall.hall_id)
    for c in concourses:
        y_top = c.row_spans[-1][1]
        stage = shapely.box(c.x0, y_top + 5.0, c.x0 + 5.0, c.y1 - 5.0)
        rows.add(stage, f"{c.hall_id}-STG1", "stage", c.hall_id)
        xc = (c.x0 + c.x1) / 2
        for k, ((_, a), (b, _)) in enumerate(itertools.pairwise(c.row_spans), start=1):
            yc = (a + b) / 2
            shaft = shapely.box(xc - 2.0, yc - 2.0, xc + 2.0, yc + 2.0)
            rows.add(shaft, f"{c.hall_id}-SVC{k}", "service", c.hall_id)
    return rows.frame()


_EXIT_WIDTHS_M = np.array([2.4, 3.0, 3.6, 4.0])
_EXIT_WIDTH_P = np.array([0.1, 0.2, 0.3, 0.4])
_DOOR_M = 6.0
_EXIT_STEP_M = 25.0  # GB 50016 asks for short escape distances: an exit every 25 m of wall
_CONCOURSE_DOOR_M = 5.0


def _connection_vs(hall: _Hall) -> list[float]:
    plan = hall.plan
    mains = [round((a + b) / 2, 3) for a, b, main in plan.band_gaps if main]
    return mains or [round(plan.width / 2, 3)]


def _openings(
    rng: np.random.Generator, halls: list[_Hall], concourses: list[_Concourse]
) -> gpd.GeoDataFrame:
    rows = _Rows((Col.OPENING_ID, Col.HALL_ID, Col.KIND, Col.WIDTH_M, Col.CONNECTS, Col.STEP_FREE))

    def add(line: shapely.LineString, oid: str, hall_id: str, kind: OpeningKind, **kw: Any) -> None:
        width = round(float(shapely.length(line)), 3)
        connects = kw.get("connects", "")
        rows.add(line, oid, hall_id, kind.value, width, connects, kw.get("step_free", True))

    for hall in halls:
        plan = hall.plan
        half = min(_DOOR_M, plan.width / 3) / 2
        for k, v in enumerate(_connection_vs(hall), start=1):
            # The second door of every third hall has steps; the first never does.
            flat = not (k >= 2 and hall.index % 3 == 2)
            line = hall.line((0.0, v - half), (0.0, v + half))
            add(
                line,
                f"{hall.hall_id}-CN{k}",
                hall.hall_id,
                OpeningKind.CONNECTION,
                connects=hall.concourse,
                step_free=flat,
            )
        ring = plan.ring()
        n_exit = 0
        for (ua, va), (ub, vb) in zip(ring, ring[1:] + ring[:1], strict=True):
            if ua == 0.0 and ub == 0.0:
                continue  # the concourse wall
            length = math.hypot(ub - ua, vb - va)
            far = ua == plan.depth and ub == plan.depth
            n = max(1, round(length / _EXIT_STEP_M))
            if far and hall.entrance:
                n += n % 2  # an even count leaves the middle of the wall to the entrance
                mid_v = va + (vb - va) * 0.5
                line = hall.line((ua, mid_v - half), (ua, mid_v + half))
                add(line, f"{hall.hall_id}-EN1", hall.hall_id, OpeningKind.ENTRANCE)
            for t in ((k + 0.5) / n for k in range(n)):
                w = float(rng.choice(_EXIT_WIDTHS_M, p=_EXIT_WIDTH_P))
                flat = bool(rng.random() >= 0.08)
                ca = (ua + (ub - ua) * t, va + (vb - va) * t)
                du, dv = (ub - ua) / length * w / 2, (vb - va) / length * w / 2
                line = hall.line((ca[0] - du, ca[1] - dv), (ca[0] + du, ca[1] + dv))
                n_exit += 1
                add(
                    line,
                    f"{hall.hall_id}-EX{n_exit:02d}",
                    hall.hall_id,
                    OpeningKind.EMERGENCY_EXIT,
                    step_free=flat,
                )
    for i, c in enumerate(concourses):
        half = _CONCOURSE_DOOR_M / 2
        cw = c.x1 - c.x0
        k = 0
        for y, end in ((c.y0, "S"), (c.y1, "N")):
            for j, frac in enumerate((0.25, 0.75), start=1):
                xm = c.x0 + cw * frac
                line = shapely.LineString([(xm - half, y), (xm + half, y)])
                k += 1
                # One door of the main entrance has steps; its neighbour is step-free.
                flat = not (i == 0 and end == "S" and j == 2)
                add(line, f"{c.hall_id}-EN{k}", c.hall_id, OpeningKind.ENTRANCE, step_free=flat)
        n_exit = 0
        for (_, a), (b, _) in itertools.pairwise(c.row_spans):
            ym = (a + b) / 2
            for x in (c.x0, c.x1) if len(c.east_ys) >= 2 * len(c.row_spans) else (c.x0,):
                n_exit += 1
                line = shapely.LineString([(x, ym - 1.5), (x, ym + 1.5)])
                add(line, f"{c.hall_id}-EX{n_exit:02d}", c.hall_id, OpeningKind.EMERGENCY_EXIT)
    return rows.frame()


@dataclass
class _Spot:
    """A kiosk or amenity waiting for the first free place among its candidates."""

    layer: str  # "kiosk" or "amenity"
    fid: str
    hall_id: str
    attrs: tuple[Any, ...]
    candidates: list[tuple[float, float]]
    required: bool = True


_PER_KIOSK_M2 = 9_000.0
_PER_ROOM_BOOTHS = 100


def _hall_spots(hall: _Hall, style: _Style) -> list[_Spot]:
    plan = hall.plan
    d, w, p = plan.depth, plan.width, style.perimeter_m
    hid = hall.hall_id
    area = float(shapely.area(shapely.Polygon(plan.ring())))
    n_each = max(1, round(area / _PER_KIOSK_M2))
    spots: list[_Spot] = []
    # Kiosks in the main aisles: just inside the doors, then at each cross aisle.
    lanes = _connection_vs(hall)
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
    # Restrooms along the side walls, spread along the hall.
    wall = [(d * f, v) for f in (0.3, 0.7, 0.5, 0.15, 0.85) for v in (1.5, w - 1.5)]
    for k in range(n_each):
        cands = wall[k:] + wall[:k]
        spots.append(
            _Spot(
                "amenity",
                f"{hid}-WC{k + 1}",
                hid,
                (AmenityKind.RESTROOM.value, f"Restrooms {hid} ({k + 1})"),
                [hall.point(u, v) for u, v in cands],
            )
        )
    door = lanes[0] + min(_DOOR_M, w / 3) / 2 + 2.0
    spots.append(
        _Spot(
            "amenity",
            f"{hid}-INFO",
            hid,
            (AmenityKind.INFO.value, f"Information {hid}"),
            [hall.point(1.5, door), hall.point(1.5, lanes[0] - 5.0)],
        )
    )
    if hall.index % 2 == 1:
        spots.append(
            _Spot(
                "amenity",
                f"{hid}-AID",
                hid,
                (AmenityKind.FIRST_AID.value, f"First aid {hid}"),
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
                (AmenityKind.STAGE.value, f"Forum stage {hid}"),
                [hall.point(u1 - 10.0, vc), hall.point(u1 - 8.0, vc)],
            )
        )
        spots.append(
            _Spot(
                "amenity",
                f"{hid}-CAFE",
                hid,
                (AmenityKind.CAFE.value, f"Café {hid}"),
                [hall.point(u0 + 7.0, v1 - 2.5), hall.point(u0 + 7.0, vc)],
                required=False,
            )
        )
    return spots


def _concourse_spots(c: _Concourse, n_rooms: int, first_room: int) -> list[_Spot]:
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
            (AmenityKind.STAGE.value, f"Main forum stage {hid}"),
            [(c.x0 + 12.0, (y_top + c.y1) / 2)],
        )
    )
    # Everything else goes along the two long walls, spread over the concourse.
    slots = [
        (x, y) for y in np.arange(c.y0 + 4.0, c.y1 - 3.0, 5.0) for x in (c.x0 + 2.0, c.x1 - 2.0)
    ]
    wanted: list[tuple[str, str, str]] = [
        (f"{hid}-INFO", AmenityKind.INFO.value, f"Information desk {hid}"),
        (f"{hid}-CLOAK", AmenityKind.CLOAKROOM.value, f"Cloakroom {hid}"),
        (f"{hid}-WC1", AmenityKind.RESTROOM.value, f"Restrooms {hid} (1)"),
        (f"{hid}-AID", AmenityKind.FIRST_AID.value, f"First aid {hid}"),
        (f"{hid}-CAFE1", AmenityKind.CAFE.value, f"Café {hid} (1)"),
        (f"{hid}-PRAY", AmenityKind.PRAYER_ROOM.value, f"Prayer room {hid}"),
        (f"{hid}-CAFE2", AmenityKind.CAFE.value, f"Café {hid} (2)"),
        (f"{hid}-WC2", AmenityKind.RESTROOM.value, f"Restrooms {hid} (2)"),
    ]
    wanted += [
        (
            f"{hid}-MR{first_room + k:02d}",
            AmenityKind.MEETING_ROOM.value,
            f"Meeting room {first_room + k}",
        )
        for k in range(n_rooms)
    ]
    starts = np.linspace(0, len(slots) - 1, len(wanted)).round().astype(int)
    for (fid, kind, name), s in zip(wanted, starts, strict=True):
        spots.append(_Spot("amenity", fid, hid, (kind, name), slots[s:] + slots[:s]))
    return spots


def _points(
    halls: list[_Hall],
    concourses: list[_Concourse],
    hall_geoms: dict[str, Any],
    blockers: np.ndarray,
    *,
    style: _Style,
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
    kiosks = _Rows((Col.KIOSK_ID, Col.HALL_ID, Col.HEADING_DEG))
    amenities = _Rows((Col.AMENITY_ID, Col.KIND, Col.NAME, Col.HALL_ID))
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
            amenities.add(pts[chosen], s.fid, s.attrs[0], s.attrs[1], s.hall_id)
    return kiosks.frame(), amenities.frame()


# --- events ----------------------------------------------------------------------------

_ZONE_TITLE = {
    Zone.AUTOMOBILE: "Smart Vehicle",
    Zone.AGRICULTURE: "Green Agriculture",
    Zone.ENERGY: "Clean Energy",
    Zone.DIGITAL: "Digital Technology",
    Zone.HEALTH: "Healthy Life",
    Zone.SERVICES: "Supply Chain Services",
}
_SEMINARS = (
    "Resilient supply chains",
    "Standards and certification",
    "Green and low-carbon production",
    "Cross-border procurement",
    "Digital traceability",
    "SMEs in global value chains",
)
_LAUNCH_SLOTS = ("10:00", "11:00", "13:30", "14:30", "15:30")
_MATCH_SLOTS = (("10:00", "11:30"), ("14:00", "15:30"))
#: At the first Chain Expo 47 companies showed 62 new products (per 515 exhibitors).
_LAUNCH_BOOTHS_SHARE = 47 / 515
_LAUNCHES_SHARE = 62 / 515


def _at(day: int, hhmm: str) -> pd.Timestamp:
    return pd.Timestamp(f"{_DATES[day]}T{hhmm}:00")


def _events(
    rng: np.random.Generator, booths: gpd.GeoDataFrame, amenities: gpd.GeoDataFrame
) -> pd.DataFrame:
    """Schedule forums, seminars, product launches and matchmaking over the five days."""
    rows: list[tuple[str, pd.Timestamp, pd.Timestamp, str]] = []
    kind = amenities[Col.KIND].to_numpy()
    stages = amenities.loc[kind == AmenityKind.STAGE.value, [Col.AMENITY_ID, Col.HALL_ID]]
    rooms = amenities.loc[kind == AmenityKind.MEETING_ROOM.value, Col.AMENITY_ID].tolist()
    hall_zone = booths.groupby(Col.HALL_ID, sort=True)[Col.ZONE].agg(lambda z: z.mode().iloc[0])
    main_stage = str(stages[Col.AMENITY_ID].iloc[0])
    for sid, hid in zip(stages[Col.AMENITY_ID], stages[Col.HALL_ID], strict=True):
        if hid not in hall_zone.index:
            main_stage = str(sid)
            break
    rows.append(
        (
            "Opening Forum: Connecting the World for a Shared Future",
            _at(0, "09:30"),
            _at(0, "12:00"),
            main_stage,
        )
    )
    hall_stage = {
        str(h): str(s) for s, h in zip(stages[Col.AMENITY_ID], stages[Col.HALL_ID], strict=True)
    }
    for i, zone in enumerate(Zone):
        in_zone = [h for h, z in hall_zone.items() if z == zone.value and h in hall_stage]
        where = hall_stage[str(in_zone[0])] if in_zone else main_stage
        day = 1 + i % 4
        start = "14:00" if in_zone or i < 4 else "09:30"
        end = "16:30" if start == "14:00" else "12:00"
        rows.append((f"{_ZONE_TITLE[zone]} Chain Forum", _at(day, start), _at(day, end), where))
    for h, sid in hall_stage.items():
        if h not in hall_zone.index:
            continue
        zone = Zone(hall_zone[h])
        for day in (1, 3):
            topic = _SEMINARS[int(rng.integers(len(_SEMINARS)))]
            title = f"{_ZONE_TITLE[zone]} seminar: {topic}"
            rows.append((title, _at(day, "10:30"), _at(day, "11:30"), sid))
    sold = booths[booths[Col.EXHIBITOR] != ""]
    n_sold = len(sold)
    if n_sold:
        n_b = min(n_sold, max(1, round(n_sold * _LAUNCH_BOOTHS_SHARE)))
        n_l = max(n_b, round(n_sold * _LAUNCHES_SHARE))
        weight = shapely.area(sold.geometry.to_numpy())
        pick = rng.choice(n_sold, size=n_b, replace=False, p=weight / weight.sum())
        extra = rng.choice(pick, size=n_l - n_b, replace=True)
        counts = pd.Series(np.concatenate([pick, extra])).value_counts(sort=False)
        slots = [(d, s) for d in range(len(_DATES)) for s in _LAUNCH_SLOTS]
        for b, k in sorted((int(i), int(n)) for i, n in zip(counts.index, counts, strict=True)):
            rec = sold.iloc[b]
            products = str(rec[Col.PRODUCTS]).split(";")
            for j in rng.choice(len(slots), size=min(k, len(slots)), replace=False):
                day, hhmm = slots[int(j)]
                product = products[int(rng.integers(len(products)))]
                begin = _at(day, hhmm)
                title = f"Product launch: {product} by {rec[Col.EXHIBITOR]}"
                end_at = begin + pd.Timedelta(minutes=45)
                rows.append((title, begin, end_at, str(rec[Col.BOOTH_ID])))
    zones = list(Zone)
    for r, room in enumerate(rooms):
        for day in range(len(_DATES)):
            for s, (from_, to) in enumerate(_MATCH_SLOTS):
                zone = zones[(r + day * 2 + s) % len(zones)]
                title = f"Matchmaking: {_ZONE_TITLE[zone]} buyers meet suppliers"
                rows.append((title, _at(day, from_), _at(day, to), str(room)))
    frame = pd.DataFrame.from_records(rows, columns=[Col.TITLE, Col.STARTS, Col.ENDS, Col.WHERE])
    frame = frame.sort_values([Col.STARTS, Col.WHERE, Col.TITLE], kind="stable", ignore_index=True)
    width = max(4, len(str(len(frame))))
    frame.insert(0, Col.EVENT_ID, [f"EV{i:0{width}d}" for i in range(1, len(frame) + 1)])
    return frame
