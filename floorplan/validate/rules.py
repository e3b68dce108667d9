"""Check a venue against the format's rules and report each broken rule as a record.

Every check is vectorised over a layer with shapely 2; the reachability rule builds the
walkable floor once per hall (:mod:`floorplan.validate.floor`).
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from floorplan import schema as S
from floorplan.problems import Problem, RuleCode
from floorplan.schema import Col
from floorplan.validate.floor import (
    AREA_TOLERANCE_M2,
    BOUNDARY_TOLERANCE_M,
    PASSABLE_WIDTH_M,
    HallIndex,
    geoms_of,
    is_missing,
    reached_parts,
    touching,
    unreachable_problem,
    walkable_parts,
)
from floorplan.validate.limits import (
    MAX_COORDINATE_M,
    MAX_HEADING_DEG,
    MAX_ID_CHARS,
    MAX_VERTICES,
    MAX_WIDTH_M,
)

if TYPE_CHECKING:
    from floorplan.venue import Venue

__all__ = ["check_booths", "check_events", "check_features", "id_flaw", "validate"]


def validate(venue: Venue) -> list[Problem]:
    """Return every rule ``venue`` breaks, layer by layer; an empty list means valid.

    The checks: geometry present, of the layer's type, finite, valid and non-empty;
    required properties present; ids unique; zones and kinds known; references to halls
    and places resolve; halls do not overlap; booths inside their hall, overlapping no
    booth or obstacle; doors on their hall's wall (connections on both halls' walls);
    kiosks and amenities inside their hall, kiosks on open floor; every booth reachable
    on foot from an entrance.
    """
    problems: list[Problem] = []
    usable: dict[str, np.ndarray] = {}
    for layer, frame in venue.layers().items():
        usable[layer] = check_features(layer, frame, problems)
    _check_ids(venue, problems)
    _check_values(venue, problems)
    if venue.halls.empty:
        problems.append(
            Problem(S.HALLS, None, RuleCode.EMPTY_LAYER, "layer 'halls' has no hall in it")
        )
        return problems
    halls = HallIndex(venue.halls, usable[S.HALLS])
    _check_halls_overlap(venue.halls, usable[S.HALLS], problems)
    _check_refs(venue, halls, problems)
    check_booths(venue, halls, usable, problems)
    _check_openings(venue, halls, usable[S.OPENINGS], problems)
    _check_points(venue, halls, usable, problems)
    check_events(venue, problems)
    _check_reachable(venue, halls, usable, problems)
    return problems


def check_features(layer: str, frame: gpd.GeoDataFrame, problems: list[Problem]) -> np.ndarray:
    """Check each geometry on its own; return which ones later rules can use.

    A feature beyond the format's bounds (coordinates, vertices) is reported and left out
    of every later rule, so that it costs no more than reading it.
    """
    ids = frame[S.LAYER_ID[layer]].tolist()
    geoms = geoms_of(frame)
    flaws = _geometry_flaws(layer, geoms)
    ok = np.ones(len(frame), dtype=bool)
    for i in np.flatnonzero(flaws >= 0).tolist():
        problems.append(_geometry_problem(layer, ids[i], i, geoms[i], int(flaws[i])))
        ok[i] = False
    if layer in (S.HALLS, S.BOOTHS, S.OBSTACLES):
        # A valid polygon can still have no area (all points on a line is invalid, but
        # a sliver of 1e-12 m² is not): it cannot be walked around or stood in.
        flat = np.flatnonzero(ok)
        areas = shapely.area(geoms[flat])
        for i in flat[areas <= AREA_TOLERANCE_M2]:
            problems.append(
                Problem(
                    layer,
                    ids[i],
                    RuleCode.EMPTY_GEOMETRY,
                    f"{layer} {_label(ids[i], i)} has no area ({shapely.area(geoms[i]):.2g} m²)",
                )
            )
            ok[i] = False
    return ok


#: What can be wrong with a geometry on its own, in the order it is checked (the first
#: flaw found is the one reported).
_FLAWS = (
    RuleCode.NULL_GEOMETRY,
    RuleCode.NONFINITE_COORDINATES,
    RuleCode.COORDINATE_RANGE,
    RuleCode.GEOMETRY_TYPE,
    RuleCode.TOO_MANY_VERTICES,
    RuleCode.EMPTY_GEOMETRY,
    RuleCode.INVALID_GEOMETRY,
)


def _geometry_flaws(layer: str, geoms: np.ndarray) -> np.ndarray:
    """Return per geometry the index in ``_FLAWS`` of its first flaw, -1 for none."""
    n = len(geoms)
    flaw = np.full(n, -1, dtype=np.int64)

    def mark(rule: RuleCode, where: np.ndarray) -> None:
        flaw[(flaw < 0) & where] = _FLAWS.index(rule)

    missing = np.asarray(shapely.is_missing(geoms), dtype=bool)
    mark(RuleCode.NULL_GEOMETRY, missing)
    present = np.flatnonzero(~missing)
    coords, index = shapely.get_coordinates(geoms[present], return_index=True)
    finite = np.isfinite(coords).all(axis=1)
    nonfinite = np.zeros(n, dtype=bool)
    nonfinite[present[np.unique(index[~finite])]] = True
    mark(RuleCode.NONFINITE_COORDINATES, nonfinite)
    far = np.zeros(n, dtype=bool)
    far[present[np.unique(index[finite & (np.abs(coords) > MAX_COORDINATE_M).any(axis=1)])]] = True
    mark(RuleCode.COORDINATE_RANGE, far)
    expected = shapely.GeometryType[S.LAYER_GEOMETRY[layer].upper()].value
    mark(RuleCode.GEOMETRY_TYPE, shapely.get_type_id(geoms) != expected)
    limit = MAX_VERTICES.get(layer)
    if limit is not None:
        mark(RuleCode.TOO_MANY_VERTICES, shapely.get_num_coordinates(geoms) > limit)
    rest = np.flatnonzero(flaw < 0)
    empty = np.zeros(n, dtype=bool)
    empty[rest] = shapely.is_empty(geoms[rest])
    mark(RuleCode.EMPTY_GEOMETRY, empty)
    rest = np.flatnonzero(flaw < 0)
    invalid = np.zeros(n, dtype=bool)
    invalid[rest] = ~shapely.is_valid(geoms[rest])
    mark(RuleCode.INVALID_GEOMETRY, invalid)
    return flaw


def _geometry_problem(layer: str, fid: object, row: int, geom: object, flaw: int) -> Problem:
    rule = _FLAWS[flaw]
    where = f"{layer} {_label(fid, row)}"
    expected = S.LAYER_GEOMETRY[layer]
    if rule is RuleCode.NULL_GEOMETRY:
        msg = f"{where} has no geometry"
    elif rule is RuleCode.NONFINITE_COORDINATES:
        msg = f"{where} has NaN or infinite coordinates"
    elif rule is RuleCode.COORDINATE_RANGE:
        msg = (
            f"{where} has coordinates beyond ±{MAX_COORDINATE_M:.0e} m; the venue CRS is "
            "metres on Earth (a typing error, or a layer in another unit?)"
        )
    elif rule is RuleCode.GEOMETRY_TYPE:
        got = shapely.GeometryType(shapely.get_type_id(geom)).name.title()
        got = got.replace("string", "String").replace("collection", "Collection")
        msg = f"{where} is a {got}; layer {layer!r} holds {expected}s"
    elif rule is RuleCode.TOO_MANY_VERTICES:
        msg = (
            f"{where} has {shapely.get_num_coordinates(geom):,} vertices; a feature of layer "
            f"{layer!r} may have at most {MAX_VERTICES[layer]:,} (simplify it when importing)"
        )
    elif rule is RuleCode.EMPTY_GEOMETRY:
        msg = f"{where} has an empty geometry"
    else:
        msg = f"{where} is not a valid {expected}: {shapely.is_valid_reason(geom)}"
    return Problem(layer, None if is_missing(fid) else str(fid), rule, msg)


#: Characters an id may not hold: controls (NUL, newline, tab, DEL, C1), lone surrogates,
#: and line or paragraph separators. Ids are map labels, URL parts and file keys.
_BAD_ID_CATEGORIES: Final = frozenset({"Cc", "Cs", "Zl", "Zp"})


def id_flaw(fid: str) -> str | None:
    r"""Return what is wrong with an id's characters, or None when it is fine.

    >>> id_flaw("W2-C05"), id_flaw("W1\x00A01")
    (None, 'holds the control character U+0000')
    """
    if len(fid) > MAX_ID_CHARS:
        return f"has {len(fid):,} characters; an id may have at most {MAX_ID_CHARS}"
    if fid.isascii() and fid.isprintable():
        return None
    for ch in fid:
        category = unicodedata.category(ch)
        if category in _BAD_ID_CATEGORIES:
            kind = {"Cc": "control character", "Cs": "lone surrogate"}.get(category, "separator")
            return f"holds the {kind} U+{ord(ch):04X}"
    return None


def _label(fid: object, row: int) -> str:
    return str(fid) if fid not in (None, "") else f"#{row + 1}"


def _check_ids(venue: Venue, problems: list[Problem]) -> None:
    for layer in (*S.LAYERS, S.EVENTS):
        frame = venue.layer(layer)
        for col in S.REQUIRED_COLUMNS[layer]:
            for row, value in enumerate(frame[col].tolist()):
                if is_missing(value):
                    fid = frame[S.LAYER_ID[layer]].iloc[row]
                    fid = None if is_missing(fid) else str(fid)
                    problems.append(
                        Problem(
                            layer,
                            fid,
                            RuleCode.MISSING_PROPERTY,
                            f"{layer} {_label(fid, row)} lacks required property {col!r}",
                        )
                    )
        id_col = S.LAYER_ID[layer]
        ids = frame[id_col]
        for fid in ids.tolist():
            if not is_missing(fid) and (flaw := id_flaw(str(fid))):
                problems.append(
                    Problem(layer, str(fid), RuleCode.BAD_ID, f"{id_col} {str(fid)[:60]!r} {flaw}")
                )
        present = ids[[not is_missing(v) for v in ids]]
        for dup in sorted(set(present[present.duplicated()].astype(str))):
            count = int((present.astype(str) == dup).sum())
            problems.append(
                Problem(
                    layer,
                    dup,
                    RuleCode.DUPLICATE_ID,
                    f"{id_col} {dup!r} is used by {count} features of layer {layer!r}",
                )
            )


def _check_values(venue: Venue, problems: list[Problem]) -> None:
    zones = {z.value for z in S.Zone}
    for fid, zone in zip(venue.booths[Col.BOOTH_ID], venue.booths[Col.ZONE], strict=True):
        if not is_missing(zone) and zone not in zones:
            problems.append(
                Problem(
                    S.BOOTHS,
                    fid,
                    RuleCode.UNKNOWN_ZONE,
                    f"booth {fid} has zone {zone!r}; valid: {', '.join(sorted(zones))}",
                )
            )
    for layer, enum in ((S.HALLS, S.HallKind), (S.OPENINGS, S.OpeningKind)):
        frame = venue.layer(layer)
        valid = {k.value for k in enum}
        for fid, kind in zip(frame[S.LAYER_ID[layer]], frame[Col.KIND], strict=True):
            if not is_missing(kind) and kind not in valid:
                problems.append(
                    Problem(
                        layer,
                        fid,
                        RuleCode.UNKNOWN_KIND,
                        f"{layer} {fid} has kind {kind!r}; valid: {', '.join(sorted(valid))}",
                    )
                )
    openings = venue.openings
    for fid, width in zip(openings[Col.OPENING_ID], openings[Col.WIDTH_M], strict=True):
        if not 0 < width <= MAX_WIDTH_M:  # NaN fails too
            problems.append(
                Problem(
                    S.OPENINGS,
                    fid,
                    RuleCode.BAD_VALUE,
                    f"opening {fid} has width_m {width!r}; it must be a positive number of "
                    f"metres, at most {MAX_WIDTH_M:g}",
                )
            )
    for fid, sides in zip(venue.booths[Col.BOOTH_ID], venue.booths[Col.OPEN_SIDES], strict=True):
        if not 0 <= sides <= 4:
            problems.append(
                Problem(
                    S.BOOTHS,
                    fid,
                    RuleCode.BAD_VALUE,
                    f"booth {fid} has open_sides {sides}; it must be 0 to 4",
                )
            )
    kiosks = venue.kiosks
    for fid, heading in zip(kiosks[Col.KIOSK_ID], kiosks[Col.HEADING_DEG], strict=True):
        if not abs(heading) <= MAX_HEADING_DEG:  # NaN fails too
            problems.append(
                Problem(
                    S.KIOSKS,
                    fid,
                    RuleCode.BAD_VALUE,
                    f"kiosk {fid} has heading_deg {heading!r}; it must be a number of degrees "
                    f"from -{MAX_HEADING_DEG:g} to {MAX_HEADING_DEG:g}",
                )
            )


def _check_halls_overlap(
    halls: gpd.GeoDataFrame, usable: np.ndarray, problems: list[Problem]
) -> None:
    idx = np.flatnonzero(usable)
    geoms = geoms_of(halls)[idx]
    ids = halls[Col.HALL_ID].to_numpy()[idx]
    for i, j, area in _overlaps(geoms, geoms, same=True):
        problems.append(
            Problem(
                S.HALLS,
                ids[i],
                RuleCode.HALL_OVERLAP,
                f"hall {ids[i]} overlaps hall {ids[j]} by {area:.2f} m²; halls may only "
                "share walls",
                ids=(ids[i], ids[j]),
            )
        )


def _overlaps(a: np.ndarray, b: np.ndarray, *, same: bool) -> list[tuple[int, int, float]]:
    """Return index pairs (into a, b) whose interiors overlap by more than the tolerance."""
    if len(a) == 0 or len(b) == 0:
        return []
    tree = shapely.STRtree(b)
    ia, ib = tree.query(a, predicate="intersects")
    if same:
        keep = ia < ib
        ia, ib = ia[keep], ib[keep]
    if len(ia) == 0:
        return []
    areas = shapely.area(shapely.intersection(a[ia], b[ib]))
    hit = areas > AREA_TOLERANCE_M2
    return list(zip(ia[hit].tolist(), ib[hit].tolist(), areas[hit].tolist(), strict=True))


def _check_refs(venue: Venue, halls: HallIndex, problems: list[Problem]) -> None:
    for layer in (S.BOOTHS, S.OPENINGS, S.OBSTACLES, S.KIOSKS, S.AMENITIES):
        frame = venue.layer(layer)
        id_col = S.LAYER_ID[layer]
        for row, (fid, hall) in enumerate(zip(frame[id_col], frame[Col.HALL_ID], strict=True)):
            if not is_missing(hall) and str(hall) not in halls.known:
                problems.append(
                    Problem(
                        layer,
                        None if is_missing(fid) else fid,
                        RuleCode.UNKNOWN_HALL,
                        f"{layer} {_label(fid, row)} names hall {hall!r}, which is not in "
                        "layer 'halls'",
                    )
                )


def check_booths(
    venue: Venue, halls: HallIndex, usable: dict[str, np.ndarray], problems: list[Problem]
) -> None:
    """Report booths outside their hall or overlapping a booth or an obstacle."""
    booths = venue.booths
    ok = usable[S.BOOTHS]
    idx = np.flatnonzero(ok)
    geoms = geoms_of(booths)[idx]
    ids = booths[Col.BOOTH_ID].to_numpy()[idx]
    hall_geoms, found = halls.aligned(booths[Col.HALL_ID].to_numpy()[idx].tolist())
    inside = np.flatnonzero(found)
    outside_area = shapely.area(shapely.difference(geoms[inside], hall_geoms[inside]))
    for k, area in zip(inside.tolist(), outside_area.tolist(), strict=True):
        if area > AREA_TOLERANCE_M2:
            hall = booths[Col.HALL_ID].iloc[idx[k]]
            problems.append(
                Problem(
                    S.BOOTHS,
                    ids[k],
                    RuleCode.BOOTH_OUTSIDE_HALL,
                    f"booth {ids[k]} lies {area:.2f} m² outside its hall {hall}",
                )
            )
    for i, j, area in _overlaps(geoms, geoms, same=True):
        problems.append(
            Problem(
                S.BOOTHS,
                ids[i],
                RuleCode.BOOTH_OVERLAP,
                f"booth {ids[i]} overlaps booth {ids[j]} by {area:.2f} m²",
                ids=(ids[i], ids[j]),
            )
        )
    obstacles = venue.obstacles
    oidx = np.flatnonzero(usable[S.OBSTACLES])
    ogeoms = geoms_of(obstacles)[oidx]
    for i, j, area in _overlaps(geoms, ogeoms, same=False):
        row = oidx[j]
        oid = obstacles[Col.OBSTACLE_ID].iloc[row]
        kind = obstacles[Col.KIND].iloc[row]
        label = oid if not is_missing(oid) else f"#{row + 1}"
        problems.append(
            Problem(
                S.BOOTHS,
                ids[i],
                RuleCode.OBSTACLE_OVERLAP,
                f"booth {ids[i]} overlaps obstacle {label} ({kind}) by {area:.2f} m²",
                ids=(ids[i], *(() if is_missing(oid) else (str(oid),))),
            )
        )


def _on_boundary(lines: np.ndarray, polys: np.ndarray) -> np.ndarray:
    """Return which lines lie on their polygon's boundary, within the tolerance."""
    bands = shapely.buffer(shapely.boundary(polys), BOUNDARY_TOLERANCE_M, cap_style="flat")
    off = shapely.length(shapely.difference(lines, bands))
    return np.asarray(off <= BOUNDARY_TOLERANCE_M, dtype=bool)


def _check_openings(
    venue: Venue, halls: HallIndex, usable: np.ndarray, problems: list[Problem]
) -> None:
    openings = venue.openings
    idx = np.flatnonzero(usable)
    lines = geoms_of(openings)[idx]
    ids = openings[Col.OPENING_ID].to_numpy()[idx]
    own = openings[Col.HALL_ID].to_numpy()[idx]
    hall_geoms, found = halls.aligned(own.tolist())
    k = np.flatnonzero(found)
    on = _on_boundary(lines[k], hall_geoms[k])
    for i in k[~on]:
        problems.append(
            Problem(
                S.OPENINGS,
                ids[i],
                RuleCode.OPENING_OFF_BOUNDARY,
                f"opening {ids[i]} does not lie on the wall of its hall {own[i]}",
            )
        )
    kinds = openings[Col.KIND].to_numpy()[idx]
    connects = openings[Col.CONNECTS].to_numpy()[idx]
    for i in range(len(idx)):
        other = connects[i]
        if kinds[i] != S.OpeningKind.CONNECTION.value:
            continue
        if is_missing(other):
            problems.append(
                Problem(
                    S.OPENINGS,
                    ids[i],
                    RuleCode.BAD_CONNECTION,
                    f"connection {ids[i]} does not say which hall it connects to (connects)",
                )
            )
        elif str(other) == str(own[i]) or str(other) not in halls.geoms:
            problems.append(
                Problem(
                    S.OPENINGS,
                    ids[i],
                    RuleCode.BAD_CONNECTION,
                    f"connection {ids[i]} of hall {own[i]} connects to {other!r}, which is "
                    "not another hall",
                )
            )
        elif not _on_boundary(np.array([lines[i]]), np.array([halls.geoms[str(other)]]))[0]:
            problems.append(
                Problem(
                    S.OPENINGS,
                    ids[i],
                    RuleCode.BAD_CONNECTION,
                    f"connection {ids[i]} does not lie on the wall of hall {other}, "
                    "which it says it connects to",
                )
            )


def _check_points(
    venue: Venue, halls: HallIndex, usable: dict[str, np.ndarray], problems: list[Problem]
) -> None:
    blocked_geoms = np.concatenate(
        [
            geoms_of(venue.booths)[usable[S.BOOTHS]],
            geoms_of(venue.obstacles)[usable[S.OBSTACLES]],
        ]
    )
    tree = shapely.STRtree(blocked_geoms)
    for layer in (S.KIOSKS, S.AMENITIES):
        frame = venue.layer(layer)
        idx = np.flatnonzero(usable[layer])
        points = geoms_of(frame)[idx]
        ids = frame[S.LAYER_ID[layer]].to_numpy()[idx]
        own = frame[Col.HALL_ID].to_numpy()[idx]
        hall_geoms, found = halls.aligned(own.tolist())
        k = np.flatnonzero(found)
        near = shapely.dwithin(points[k], hall_geoms[k], BOUNDARY_TOLERANCE_M)
        for i in k[~near]:
            problems.append(
                Problem(
                    layer,
                    ids[i],
                    RuleCode.POINT_OUTSIDE_HALL,
                    f"{layer[:-1]} {ids[i]} is outside its hall {own[i]}",
                )
            )
        if layer != S.KIOSKS:
            continue
        pi, _ = tree.query(points, predicate="within")
        for i in sorted(set(pi.tolist())):
            problems.append(
                Problem(
                    layer,
                    ids[i],
                    RuleCode.KIOSK_BLOCKED,
                    f"kiosk {ids[i]} stands inside a booth or obstacle; it must be on open floor",
                )
            )


def check_events(venue: Venue, problems: list[Problem]) -> None:
    """Report events at unknown places or ending before they start."""
    places = {str(v) for v in venue.booths[Col.BOOTH_ID] if not is_missing(v)}
    places |= {str(v) for v in venue.amenities[Col.AMENITY_ID] if not is_missing(v)}
    events = venue.events
    for row in events.itertuples(index=False):
        fid = getattr(row, Col.EVENT_ID)
        where = getattr(row, Col.WHERE)
        if not is_missing(where) and str(where) not in places:
            problems.append(
                Problem(
                    S.EVENTS,
                    fid,
                    RuleCode.UNKNOWN_PLACE,
                    f"event {fid} takes place at {where!r}, which is no booth or amenity",
                )
            )
        starts, ends = getattr(row, Col.STARTS), getattr(row, Col.ENDS)
        if pd.notna(starts) and pd.notna(ends) and ends < starts:
            problems.append(
                Problem(
                    S.EVENTS,
                    fid,
                    RuleCode.BAD_VALUE,
                    f"event {fid} ends ({ends}) before it starts ({starts})",
                )
            )


def _check_reachable(
    venue: Venue, halls: HallIndex, usable: dict[str, np.ndarray], problems: list[Problem]
) -> None:
    """Report booths no one can walk to from an entrance.

    The walkable floor of a hall is the hall shrunk by half the passable width, minus
    booths and obstacles grown by it; its connected parts are nodes of a graph whose
    edges are connection doors, and the parts touching an entrance are the sources.
    Walls two halls share stay closed because each hall's floor is shrunk away from them.
    """
    openings = venue.openings
    o_ok = usable[S.OPENINGS]
    kinds = openings[Col.KIND].to_numpy()
    entrances = np.flatnonzero(o_ok & (kinds == S.OpeningKind.ENTRANCE.value))
    booths = venue.booths
    b_ok = np.flatnonzero(usable[S.BOOTHS])
    if len(b_ok) == 0:
        return
    if len(entrances) == 0:
        problems.append(
            Problem(
                S.OPENINGS,
                None,
                RuleCode.NO_ENTRANCE,
                "the venue has no opening of kind 'entrance', so no booth can be reached",
            )
        )
        return
    r = PASSABLE_WIDTH_M / 2
    reach = r + BOUNDARY_TOLERANCE_M
    parts, part_hall = walkable_parts(venue, halls, usable, r)
    if not parts:
        return
    parts_arr = np.asarray(parts, dtype=object)
    hall_of_part = np.asarray(part_hall, dtype=object)
    o_ids = openings[Col.HALL_ID].to_numpy()
    connects = openings[Col.CONNECTS].to_numpy()
    doors = np.flatnonzero(o_ok)
    hit_door, hit_part = touching(shapely.buffer(geoms_of(openings)[doors], reach), parts_arr)
    at_door: dict[int, list[int]] = {}
    for d, p in zip(doors[hit_door].tolist(), hit_part.tolist(), strict=True):
        if hall_of_part[p] in (o_ids[d], connects[d]):
            at_door.setdefault(d, []).append(p)
    reached = reached_parts(at_door, kinds, len(parts))
    geoms = geoms_of(booths)[b_ok]
    hit_booth, hit_part = touching(shapely.buffer(geoms, reach), parts_arr)
    b_hall = booths[Col.HALL_ID].to_numpy()[b_ok]
    ok = np.zeros(len(b_ok), dtype=bool)
    same_hall = hall_of_part[hit_part] == b_hall[hit_booth]
    good = same_hall & reached[hit_part]
    ok[hit_booth[good]] = True
    ids = booths[Col.BOOTH_ID].to_numpy()[b_ok]
    for i in np.flatnonzero(~ok):
        if b_hall[i] not in halls.geoms:
            continue  # reported as unknown_hall already
        problems.append(unreachable_problem(str(ids[i])))
