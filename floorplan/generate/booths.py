"""Booths: blocks cut into booths that each touch an aisle, named, zoned and given exhibitors."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from floorplan.generate.exhibitors import CHAIN_STAGES, invent_exhibitors
from floorplan.generate.plan import CRS, CUSTOM, Hall, Ring, Style, allocate, block_caps
from floorplan.schema import Col, Zone

__all__ = ["Piece", "cut_booths", "dress_booths"]


@dataclass
class Piece:
    """One booth in hall coordinates, a rectangle or a ring."""

    row: int
    u: float
    v: float
    open_sides: int
    rect: tuple[float, float, float, float] | None = None  # u0, v0, u1, v1
    ring: Ring | None = None


def cut_booths(
    rng: np.random.Generator, halls: list[Hall], per_hall: list[int], style: Style
) -> tuple[list[tuple[Any, ...]], list[list[Piece]]]:
    """Cut every hall's blocks into booths; return (hall, geometry) rows and the pieces."""
    rows: list[tuple[Any, ...]] = []
    all_pieces: list[list[Piece]] = []
    for hall, target in zip(halls, per_hall, strict=True):
        plan = hall.plan
        caps = block_caps(plan, style)
        blocks = plan.blocks
        area = (blocks[:, 1] - blocks[:, 0]) * (blocks[:, 3] - blocks[:, 2])
        fixed = np.full(len(blocks), -1)
        usable = np.flatnonzero(caps > 0)
        if style is CUSTOM and target >= 3 * len(usable) and len(usable) >= 4:
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
        jitter = rng.uniform(0.6, 1.4, len(blocks)) if style is CUSTOM else np.ones(len(blocks))
        targets = np.where(fixed >= 0, fixed, 0)
        targets += allocate(target - int(targets.sum()), area * jitter, free)
        pieces: list[Piece] = []
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
    rng: np.random.Generator, blk: np.ndarray, t: int, style: Style
) -> list[Piece]:
    u0, u1, v0, v1, band = blk
    row_a, row_b = 2 * int(band), 2 * int(band) + 1
    vm = round((v0 + v1) / 2, 3)
    length, depth = u1 - u0, v1 - v0
    ml = style.min_len_m
    if t == 1:
        return [Piece(row_a, (u0 + u1) / 2, vm, 4, rect=(u0, v0, u1, v1))]
    if depth < 2 * style.row_min_m:
        return _row(rng, (u0, u1, v0, v1), m=t, row=row_a, style=style, outer=v0, both=True)
    if t == 2:
        if rng.random() < 0.5:
            c = round(u0 + length * rng.uniform(0.4, 0.6), 3)
            return [
                Piece(row_a, (u0 + c) / 2, vm, 3, rect=(u0, v0, c, v1)),
                Piece(row_a, (c + u1) / 2, vm, 3, rect=(c, v0, u1, v1)),
            ]
        return [
            Piece(row_a, (u0 + u1) / 2, v0, 3, rect=(u0, v0, u1, vm)),
            Piece(row_b, (u0 + u1) / 2, v1, 3, rect=(u0, vm, u1, v1)),
        ]
    pieces: list[Piece] = []
    open_start = open_end = True
    if t >= 4 and rng.random() < style.cap_share:
        cap = round(min(max(depth * rng.uniform(0.6, 1.0), ml), 0.3 * length), 3)
        if t - 1 <= 2 * math.floor((length - cap) / ml):
            if rng.random() < 0.5:
                pieces.append(Piece(row_a, u0 + cap / 2, vm, 3, rect=(u0, v0, u0 + cap, v1)))
                u0 = round(u0 + cap, 3)
                open_start = False
            else:
                pieces.append(Piece(row_a, u1 - cap / 2, vm, 3, rect=(u1 - cap, v0, u1, v1)))
                u1 = round(u1 - cap, 3)
                open_end = False
            t -= 1
            length = u1 - u0
    if t == 1:
        pieces.append(Piece(row_a, (u0 + u1) / 2, vm, 3, rect=(u0, v0, u1, v1)))
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
    style: Style,
    outer: float,
    both: bool,
    open_start: bool = True,
    open_end: bool = True,
) -> list[Piece]:
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
    pieces: list[Piece] = []
    for k in range(m):
        ends = int(k == 0 and open_start) + int(k == m - 1 and open_end)
        sides = (2 if both else 1) + ends
        a_o, b_o, a_i, b_i = out_cut[k], out_cut[k + 1], in_cut[k], in_cut[k + 1]
        u_mid = (a_o + b_o + a_i + b_i) / 4
        chamfer = ends and rng.random() < 2 * style.shaped_share and (b_o - a_o) >= 2 * ml
        if a_o == a_i and b_o == b_i and not chamfer:
            pieces.append(Piece(row, u_mid, (v0 + v1) / 2, sides, rect=(a_o, v0, b_o, v1)))
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
        pieces.append(Piece(row, u_mid, (v0 + v1) / 2, sides, ring=ring))
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
    style: Style,
) -> list[Piece]:
    """Cut two aligned rows of ``m`` booths each, one of them an L reaching both aisles."""
    u0, u1, v0, vm, v1 = span
    row_a, row_b = rows
    cuts = u0 + _cuts(rng, u1 - u0, m, style.min_len_m)
    lens = np.diff(cuts)
    wide = np.flatnonzero(lens >= 2 * style.min_len_m)
    k = int(rng.choice(wide)) if len(wide) else -1
    pieces: list[Piece] = []
    for j in range(m):
        a, b = float(cuts[j]), float(cuts[j + 1])
        ends = int(j == 0) + int(j == m - 1)
        if j != k:
            pieces.append(Piece(row_a, (a + b) / 2, v0, 1 + ends, rect=(a, v0, b, vm)))
            pieces.append(Piece(row_b, (a + b) / 2, v1, 1 + ends, rect=(a, vm, b, v1)))
            continue
        s = round(a + (b - a) * rng.uniform(0.4, 0.6), 3)
        if rng.random() < 0.5:  # the L takes the back row's left part
            ring: Ring = [(a, v0), (b, v0), (b, vm), (s, vm), (s, v1), (a, v1)]
            rest = (s, vm, b, v1)
        else:
            ring = [(a, v0), (b, v0), (b, v1), (s, v1), (s, vm), (a, vm)]
            rest = (a, vm, s, v1)
        pieces.append(Piece(row_a, (a + b) / 2, vm, 2 + ends, ring=ring))
        pieces.append(Piece(row_b, (rest[0] + rest[2]) / 2, v1, 1 + ends, rect=rest))
    return pieces


def _letters(i: int) -> str:
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


def dress_booths(
    rng: np.random.Generator,
    rows: list[tuple[Any, ...]],
    *,
    pieces: list[list[Piece]],
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
    hall_objs = [hall for hall, _ in rows]
    booth_ids = [
        f"{hall.hall_id}-{suffix}"
        for hall, suffix in zip(hall_objs, _booth_names(pieces), strict=True)
    ]
    hall_index = np.array([hall.index for hall in hall_objs], dtype=int)
    u = np.array([p.u for _, p in flat])
    v = np.array([p.v for _, p in flat])
    walk = np.lexsort((v, u, hall_index))  # hall by hall, from the concourse inwards
    zones_list = list(Zone)
    zone_idx, stage = _zones_and_stages(walk, hall_index, n_halls)
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


def _booth_names(pieces: list[list[Piece]]) -> list[str]:
    """Return each booth's name within its hall: row letters, then its number along the row."""
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
    return ids


def _zones_and_stages(
    walk: np.ndarray, hall_index: np.ndarray, n_halls: int
) -> tuple[np.ndarray, np.ndarray]:
    """Return each booth's zone (index into ``Zone``) and chain stage along the walk.

    With as many halls as zones each zone takes whole halls; otherwise the zones split
    the walk through the halls. Within a zone the stages follow the walk (services have
    none).
    """
    n = len(walk)
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
    return zone_idx, stage


_EXHIBITOR_FIELDS = {
    Col.EXHIBITOR: "name",
    Col.EXHIBITOR_ZH: "name_zh",
    Col.COUNTRY: "country",
    Col.PRODUCTS: "products",
    Col.PRODUCTS_ZH: "products_zh",
    Col.DESCRIPTION: "description",
}
