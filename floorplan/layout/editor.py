"""Edit a venue's booths with undo and redo, re-checking the floor's safety after every edit.

A :class:`LayoutEditor` applies edits as immutable commands (:class:`Edit`: each booth's
row before and after) kept on undo and redo stacks. After each edit it re-checks only
what the edit can have changed:

- the edited booths against their neighbours (found with an STRtree within the widest
  aisle): overlaps with booths and obstacles, lying outside the hall (validate's own
  ``check_booths`` run on that small neighbourhood), aisles narrower than the minimum,
  the keep-clear distance to doors, kiosks covered;
- the walkable floor of the edited halls only (validate's ``walkable_parts``); the door
  graph joining the halls' floor parts is tiny and is rebuilt whole, so a booth blocking
  a connection door in one hall makes the booths behind it, in the next hall, unreachable;
- events' places, when booths are added or removed;
- with ``LayoutRules(check_travel=True)``, the travel distance of the edited halls: the
  open floor's point farthest in a straight line from the hall's exits, against the code
  profile's limit (:mod:`floorplan.capacity`), one problem per hall.

The travel check keeps each hall's straight-line distance field on the 0.5 m grid of
:mod:`floorplan._farthest` (hall minus obstacles: booths do not move exits, they only
cover floor), so after an edit only the grid points past the limit are tested against
the new open floor, plus the open floor's boundary, then refined locally as
:func:`floorplan.farthest.farthest_point` does. That keeps the full 0.5 m grid live
(``benchmarks/bench_layout.py`` measures it).

Everything else a venue can break (doors off walls, bad CRS, ...) does not depend on
booths and is taken once from :func:`floorplan.validate.validate`.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely import affinity
from shapely.geometry.base import BaseGeometry

from floorplan import schema as S
from floorplan.capacity import DEFAULT_PROFILE, EXIT_KINDS, Measure, Profile, farthest, load_profile
from floorplan.errors import EditError
from floorplan.problems import Problem, RuleCode
from floorplan.schema import Col, OpeningKind, Zone, parse_option
from floorplan.validate import validate
from floorplan.validate.floor import (
    AREA_TOLERANCE_M2,
    BOUNDARY_TOLERANCE_M,
    PASSABLE_WIDTH_M,
    HallIndex,
    reached_parts,
    touching,
    unreachable_problem,
    walkable_parts,
)
from floorplan.validate.rules import check_booths, check_events, check_features
from floorplan.venue import Venue

__all__ = [
    "Edit",
    "LayoutEditor",
    "LayoutRules",
    "LayoutStats",
    "layout_stats",
    "snap_move",
]

#: Rules of :func:`validate` that depend on booths and that the editor re-checks itself.
_RECHECKED: Final = frozenset(
    {
        RuleCode.BOOTH_OUTSIDE_HALL,
        RuleCode.BOOTH_OVERLAP,
        RuleCode.OBSTACLE_OVERLAP,
        RuleCode.UNREACHABLE_BOOTH,
        RuleCode.KIOSK_BLOCKED,
        RuleCode.UNKNOWN_PLACE,
    }
)
_GEOMETRY_RULES: Final = frozenset(
    {
        RuleCode.NULL_GEOMETRY,
        RuleCode.EMPTY_GEOMETRY,
        RuleCode.GEOMETRY_TYPE,
        RuleCode.NONFINITE_COORDINATES,
        RuleCode.INVALID_GEOMETRY,
    }
)


@dataclass(frozen=True)
class LayoutRules:
    """The distances a layout must keep.

    Attributes
    ----------
    aisle_m
        Narrowest free gap between two booths (an aisle); touching booths form one stand.
    main_aisle_m
        Narrowest gap where the gap crosses one of ``main_aisles``.
    main_aisles
        Areas (venue CRS) that are main aisles; empty: every aisle is a plain one.
    keep_clear_m
        How far every booth keeps from the doors of ``keep_clear_kinds``.
    keep_clear_kinds
        The door kinds kept clear.
    check_travel
        Check that no point of a hall's open floor is farther from the hall's exits
        (entrances, exits, emergency exits; connections do not count) than the code
        profile allows. Off by default: it costs tens of milliseconds per edited hall and
        the planner page turns it on.
    profile
        The code profile (a name of :func:`floorplan.capacity.known_profiles` or a file)
        whose travel limit applies. A profile measuring walking distance is checked in a
        straight line, which is never longer: only sure breaches are reported.
    sprinklered
        Use the profile's (longer) limit for sprinklered buildings.
    """

    aisle_m: float = 3.0
    main_aisle_m: float = 5.0
    main_aisles: tuple[BaseGeometry, ...] = ()
    keep_clear_m: float = 3.0
    keep_clear_kinds: tuple[OpeningKind, ...] = (
        OpeningKind.ENTRANCE,
        OpeningKind.EXIT,
        OpeningKind.EMERGENCY_EXIT,
    )
    check_travel: bool = False
    profile: str | Profile = DEFAULT_PROFILE
    sprinklered: bool = False

    def __post_init__(self) -> None:
        for name in ("aisle_m", "main_aisle_m", "keep_clear_m"):
            value = getattr(self, name)
            if not (isinstance(value, int | float) and math.isfinite(value) and value >= 0):
                msg = f"layout rule {name} must be a distance >= 0 in metres, got {value!r}"
                raise EditError(msg)
        kinds = tuple(parse_option(OpeningKind, k, what="door kind") for k in self.keep_clear_kinds)
        object.__setattr__(self, "keep_clear_kinds", kinds)
        for name in ("check_travel", "sprinklered"):
            if not isinstance(getattr(self, name), bool):
                msg = f"layout rule {name} must be True or False, got {getattr(self, name)!r}"
                raise EditError(msg)
        if self.check_travel and not isinstance(self.profile, Profile):
            # Unknown names raise OptionError listing the known profiles.
            object.__setattr__(self, "profile", load_profile(self.profile))

    @property
    def travel_limit(self) -> tuple[float, Measure, str]:
        """Return the travel limit in metres, how the profile measures it, and its name."""
        prof = self.profile if isinstance(self.profile, Profile) else load_profile(self.profile)
        limit_m, measure, _ = prof.travel(sprinklered=self.sprinklered)
        return limit_m, measure, prof.name

    @property
    def reach_m(self) -> float:
        """Return the widest distance any local rule looks across."""
        main = self.main_aisle_m if self.main_aisles else 0.0
        return max(self.aisle_m, main, BOUNDARY_TOLERANCE_M)


@dataclass(frozen=True)
class _Row:
    """One booth's properties and geometry, as stored in an edit (immutable)."""

    props: tuple[tuple[str, Any], ...]
    geometry: BaseGeometry
    position: int  # where the row stood, so that undoing a removal puts it back there

    def get(self, col: str) -> Any:
        return dict(self.props).get(col)


@dataclass(frozen=True)
class Edit:
    """One edit: each touched booth's row before and after (``None``: no such booth)."""

    label: str
    before: tuple[tuple[str, _Row | None], ...]
    after: tuple[tuple[str, _Row | None], ...]

    @property
    def booth_ids(self) -> tuple[str, ...]:
        """Return the ids of the booths the edit touches."""
        return tuple(bid for bid, _ in self.after)


class LayoutEditor:
    """Edit the booths of a venue, with undo/redo and live safety checks.

    Parameters
    ----------
    venue
        The venue to start from; it is copied, never changed.
    rules
        The distances to keep (default :class:`LayoutRules`).

    Raises
    ------
    EditError
        When booth ids are not unique (edits name booths by id).

    Notes
    -----
    Every edit method validates its input first and raises :class:`EditError` (or
    :class:`~floorplan.OptionError` for an unknown zone) without changing anything.
    """

    def __init__(self, venue: Venue, *, rules: LayoutRules | None = None) -> None:
        ids = venue.booths[Col.BOOTH_ID].astype(str)
        dups = sorted(set(ids[ids.duplicated()]))
        if dups:
            msg = f"booth ids must be unique to edit a layout; used twice: {', '.join(dups)}"
            raise EditError(msg)
        self._venue = venue.copy()
        self._venue.booths = self._venue.booths.reset_index(drop=True)
        self.rules = rules or LayoutRules()
        self._undo: list[Edit] = []
        self._redo: list[Edit] = []
        self._checker = _Checker(self._venue, self.rules)
        #: Seconds the last re-check took.
        self.last_check_s = self._checker.last_s

    # ------------------------------------------------------------------ state

    @property
    def venue(self) -> Venue:
        """Return the current venue (live: copy it to keep a snapshot)."""
        return self._venue

    @property
    def can_undo(self) -> bool:
        """Whether there is an edit to undo."""
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        """Whether there is an undone edit to redo."""
        return bool(self._redo)

    @property
    def history(self) -> list[str]:
        """Return the labels of the applied edits, oldest first."""
        return [e.label for e in self._undo]

    def problems(self) -> list[Problem]:
        """Return every rule the current layout breaks (empty: safe)."""
        return self._checker.problems()

    def booth(self, booth_id: str) -> dict[str, Any]:
        """Return booth ``booth_id``'s properties and ``geometry`` as a dict.

        Raises
        ------
        EditError
            When there is no such booth.
        """
        return dict(self._row(booth_id).props) | {S.GEOMETRY: self._row(booth_id).geometry}

    # ------------------------------------------------------------------ edits

    def move(self, booth_id: str | Sequence[str], *, dx_m: float, dy_m: float) -> Edit:
        """Move one booth, or several together, by ``(dx_m, dy_m)`` metres."""
        dx, dy = _finite(dx_m, "dx_m"), _finite(dy_m, "dy_m")
        ids = self._ids(booth_id)
        changes = {b: affinity.translate(self._row(b).geometry, dx, dy) for b in ids}
        return self._apply_geoms(f"move {_names(ids)} by ({dx:g}, {dy:g}) m", changes)

    def rotate(self, booth_id: str | Sequence[str], deg: float) -> Edit:
        """Rotate booths by ``deg`` degrees anticlockwise about their common centroid."""
        angle = _finite(deg, "deg")
        ids = self._ids(booth_id)
        geoms = [self._row(b).geometry for b in ids]
        centre = shapely.union_all(geoms).centroid
        changes = {
            b: affinity.rotate(g, angle, origin=centre) for b, g in zip(ids, geoms, strict=True)
        }
        return self._apply_geoms(f"rotate {_names(ids)} by {angle:g}°", changes)

    def resize(self, booth_id: str, *, width_m: float, depth_m: float) -> Edit:
        """Give a booth a new width and depth, keeping its orientation and first corner.

        Width runs along the side of the booth's minimum rotated rectangle nearest to
        the x axis, depth across it; the corner lowest along both stays where it is.
        """
        w, d = _finite(width_m, "width_m"), _finite(depth_m, "depth_m")
        if w <= 0 or d <= 0:
            msg = f"booth {booth_id}: width_m and depth_m must be > 0, got {w:g} × {d:g}"
            raise EditError(msg)
        geom = self._row(booth_id).geometry
        angle, (x0, y0), (cw, cd) = _frame(geom)
        local = affinity.rotate(geom, -angle, origin=(x0, y0), use_radians=False)
        local = affinity.scale(local, w / cw, d / cd, origin=(x0, y0))
        new = affinity.rotate(local, angle, origin=(x0, y0))
        return self._apply_geoms(f"resize {booth_id} to {w:g} × {d:g} m", {booth_id: new})

    def reshape(self, booth_id: str, polygon: BaseGeometry | Sequence[Sequence[float]]) -> Edit:
        """Give a booth a new outline (for example after moving its vertices)."""
        self._row(booth_id)
        new = _polygon(polygon, booth_id)
        return self._apply_geoms(f"reshape {booth_id}", {booth_id: new})

    def add(
        self,
        booth_id: str,
        polygon: BaseGeometry | Sequence[Sequence[float]],
        *,
        hall_id: str,
        zone: Zone | str,
        exhibitor: str = "",
    ) -> Edit:
        """Add a booth (unsold when ``exhibitor`` is empty)."""
        bid = _booth_id(booth_id)
        if self._position(bid) is not None:
            msg = f"booth {bid} exists already; choose another booth_id"
            raise EditError(msg)
        geom = _polygon(polygon, bid)
        halls = set(self._venue.halls[Col.HALL_ID].astype(str))
        if hall_id not in halls:
            msg = f"booth {bid}: unknown hall {hall_id!r}; halls: {', '.join(sorted(halls))}"
            raise EditError(msg)
        z = parse_option(Zone, zone, what="zone")
        props = dict(S.OPTIONAL_COLUMNS[S.BOOTHS])
        for col in self._venue.booths.columns:
            if col not in props and col != S.GEOMETRY:
                props[col] = ""
        props.update(
            {Col.BOOTH_ID: bid, Col.HALL_ID: hall_id, Col.ZONE: z.value, Col.EXHIBITOR: exhibitor}
        )
        row = _Row(tuple(props.items()), geom, len(self._venue.booths))
        return self._do(Edit(f"add {bid}", ((bid, None),), ((bid, row),)))

    def duplicate(self, booth_id: str, new_id: str, *, dx_m: float, dy_m: float) -> Edit:
        """Add a copy of a booth (unsold) under ``new_id``, shifted by ``(dx_m, dy_m)``."""
        src = self._row(booth_id)
        props = dict(src.props)
        return self.add(
            new_id,
            affinity.translate(src.geometry, _finite(dx_m, "dx_m"), _finite(dy_m, "dy_m")),
            hall_id=str(props[Col.HALL_ID]),
            zone=str(props[Col.ZONE]),
        )

    def remove(self, booth_id: str | Sequence[str]) -> Edit:
        """Remove one booth or several."""
        ids = self._ids(booth_id)
        before = tuple((b, self._row(b)) for b in ids)
        return self._do(Edit(f"remove {_names(ids)}", before, tuple((b, None) for b in ids)))

    def assign(self, booth_id: str, exhibitor: str, *, zone: Zone | str | None = None) -> Edit:
        """Give a booth to ``exhibitor`` (``""``: unsold), and optionally a new zone."""
        if not isinstance(exhibitor, str):
            msg = f"booth {booth_id}: exhibitor must be text, got {exhibitor!r}"
            raise EditError(msg)
        row = self._row(booth_id)
        props = dict(row.props)
        props[Col.EXHIBITOR] = exhibitor
        label = f"assign {booth_id} to {exhibitor or '(unsold)'}"
        if zone is not None:
            props[Col.ZONE] = parse_option(Zone, zone, what="zone").value
            label += f" in zone {props[Col.ZONE]}"
        new = dataclasses.replace(row, props=tuple(props.items()))
        return self._do(Edit(label, ((booth_id, row),), ((booth_id, new),)))

    def undo(self) -> Edit:
        """Undo the last edit and return it.

        Raises
        ------
        EditError
            When there is nothing to undo.
        """
        if not self._undo:
            msg = "nothing to undo"
            raise EditError(msg)
        edit = self._undo.pop()
        self._set(edit.before)
        self._redo.append(edit)
        return edit

    def redo(self) -> Edit:
        """Redo the last undone edit and return it.

        Raises
        ------
        EditError
            When there is nothing to redo.
        """
        if not self._redo:
            msg = "nothing to redo"
            raise EditError(msg)
        edit = self._redo.pop()
        self._set(edit.after)
        self._undo.append(edit)
        return edit

    # --------------------------------------------------------------- plumbing

    def _position(self, booth_id: str) -> int | None:
        return _position(self._venue.booths, booth_id)

    def _row(self, booth_id: str) -> _Row:
        if not isinstance(booth_id, str):
            msg = f"a booth id is text, got {booth_id!r}"
            raise EditError(msg)
        pos = self._position(booth_id)
        if pos is None:
            msg = f"unknown booth {booth_id!r}: the layout has no booth of that id"
            raise EditError(msg)
        rec = self._venue.booths.iloc[pos].to_dict()
        geom = rec.pop(S.GEOMETRY)
        return _Row(tuple(rec.items()), geom, pos)

    def _ids(self, booth_id: str | Sequence[str]) -> list[str]:
        ids = [booth_id] if isinstance(booth_id, str) else list(booth_id)
        if not ids:
            msg = "no booth given"
            raise EditError(msg)
        for b in ids:
            self._row(b)
        return list(dict.fromkeys(ids))

    def _apply_geoms(self, label: str, changes: dict[str, BaseGeometry]) -> Edit:
        before, after = [], []
        for bid, geom in changes.items():
            row = self._row(bid)
            _polygon(geom, bid)  # a rotation or resize of a valid polygon stays valid
            before.append((bid, row))
            after.append((bid, dataclasses.replace(row, geometry=geom)))
        return self._do(Edit(label, tuple(before), tuple(after)))

    def _do(self, edit: Edit) -> Edit:
        self._set(edit.after)
        self._undo.append(edit)
        self._redo.clear()
        return edit

    def _set(self, rows: tuple[tuple[str, _Row | None], ...]) -> None:
        """Make each booth's row what ``rows`` says, then re-check what changed."""
        frame = self._venue.booths
        halls: set[str] = set()
        added_or_removed = False
        old: list[BaseGeometry] = []
        for bid, row in rows:
            pos = _position(frame, bid)
            if pos is not None:
                old.append(frame.geometry.iloc[pos])
                halls.add(str(frame[Col.HALL_ID].iloc[pos]))
            if row is None:
                if pos is not None:
                    frame = frame.drop(index=frame.index[pos]).reset_index(drop=True)
                    added_or_removed = True
            elif pos is None:
                new = gpd.GeoDataFrame([dict(row.props)], geometry=[row.geometry], crs=frame.crs)
                at = min(row.position, len(frame))
                frame = pd.concat([frame.iloc[:at], new, frame.iloc[at:]], ignore_index=True)
                frame = gpd.GeoDataFrame(frame, geometry=S.GEOMETRY, crs=self._venue.booths.crs)
                halls.add(str(row.get(Col.HALL_ID)))
                added_or_removed = True
            else:
                current = frame.iloc[pos].to_dict()
                for col, value in (*row.props, (S.GEOMETRY, row.geometry)):
                    # Setting a cell costs 0.3 ms in pandas; most edits change one.
                    if col in frame.columns and not _same(current.get(col), value):
                        frame.iloc[pos, frame.columns.get_loc(col)] = value
                halls.add(str(row.get(Col.HALL_ID)))
        self._venue.booths = frame
        self._checker.update(
            self._venue, {bid for bid, _ in rows}, halls, events=added_or_removed, old=old
        )
        self.last_check_s = self._checker.last_s


class _Checker:
    """Hold a layout's problems and re-check only what an edit touched."""

    def __init__(self, venue: Venue, rules: LayoutRules) -> None:
        t0 = time.perf_counter()
        self.rules = rules
        self.venue = venue
        full = validate(venue)
        self.static = [
            p
            for p in full
            if p.rule not in _RECHECKED and not (p.layer == S.BOOTHS and p.rule in _GEOMETRY_RULES)
        ]
        self.halls = HallIndex(venue.halls, check_features(S.HALLS, venue.halls, []))
        obstacles = venue.obstacles
        self.obstacle_ok = check_features(S.OBSTACLES, obstacles, [])
        self.obstacle_tree = shapely.STRtree(_geoms(obstacles))
        ops = venue.openings
        self.openings_ok = check_features(S.OPENINGS, ops, [])
        kinds = ops[Col.KIND].astype(str).to_numpy()
        clear = np.isin(kinds, [k.value for k in rules.keep_clear_kinds]) & self.openings_ok
        self.doors = np.flatnonzero(clear)
        self.door_tree = shapely.STRtree(_geoms(ops)[self.doors])
        kiosks = venue.kiosks
        self.kiosk_rows = np.flatnonzero(check_features(S.KIOSKS, kiosks, []))
        self.kiosk_tree = shapely.STRtree(_geoms(kiosks)[self.kiosk_rows])
        # Kiosks standing in an obstacle stay so whatever the booths do.
        in_obstacle = {
            str(p.id)
            for p in full
            if p.rule == RuleCode.KIOSK_BLOCKED
            and len(self.obstacle_tree.query(_kiosk_point(kiosks, p.id), predicate="within"))
        }
        self.static.extend(
            p for p in full if p.rule == RuleCode.KIOSK_BLOCKED and str(p.id) in in_obstacle
        )
        self.local: list[Problem] = []
        self.events: list[Problem] = []
        self.reach: list[Problem] = []
        self.parts: dict[str, _HallFloor] = {}
        self.travel: dict[str, Problem | None] = {}
        self.fields: dict[str, _TravelField] = {}
        self.travel_s = 0.0
        all_ids = set(venue.booths[Col.BOOTH_ID].astype(str))
        self.update(venue, all_ids, set(self.halls.geoms), events=True, started=t0)

    def problems(self) -> list[Problem]:
        present = set(self.venue.booths[Col.BOOTH_ID].astype(str))
        static = [p for p in self.static if p.layer != S.BOOTHS or p.id in present]
        travel = [p for p in self.travel.values() if p is not None]
        out = [*static, *self.local, *self.reach, *self.events, *travel]
        return sorted(out, key=lambda p: (str(p.rule), p.ids or (p.id or "",), p.message))

    def update(
        self,
        venue: Venue,
        booth_ids: set[str],
        halls: set[str],
        *,
        events: bool,
        old: Sequence[BaseGeometry] = (),
        started: float | None = None,
    ) -> None:
        """Re-check booths ``booth_ids`` and halls ``halls`` after an edit.

        ``old`` are the edited booths' former shapes: their former neighbours are
        re-checked too, since a booth that moves away can open a narrow gap between them.
        """
        t0 = time.perf_counter() if started is None else started
        self.venue = venue
        self.booths = venue.booths
        self.geoms = _geoms(venue.booths)
        self.ids = venue.booths[Col.BOOTH_ID].astype(str).to_numpy()
        self.hall_of = venue.booths[Col.HALL_ID].astype(str).to_numpy()
        self.usable = check_features(S.BOOTHS, venue.booths, [])
        self.tree = shapely.STRtree(_masked(self.geoms, self.usable))
        was = [g for g in old if g is not None]
        if was:
            near = self.tree.query(was, predicate="dwithin", distance=self.rules.reach_m)[1]
            booth_ids = booth_ids | set(self.ids[near].tolist())
        self.local = [p for p in self.local if not booth_ids.intersection(_ids_of(p))]
        dirty = np.flatnonzero(np.isin(self.ids, list(booth_ids)))
        if len(dirty):
            self.local.extend(self._check_local(dirty))
        for hall in halls & set(self.halls.geoms):
            self.parts[hall] = self._floor(hall)
        self.reach = self._check_reach()
        if self.rules.check_travel:
            t1 = time.perf_counter()
            for hall in halls & set(self.halls.geoms):
                self.travel[hall] = self._check_travel(hall)
            self.travel_s = time.perf_counter() - t1
        if events:
            self.events = []
            check_events(venue, self.events)
            self.events = [p for p in self.events if p.rule == RuleCode.UNKNOWN_PLACE]
        self.last_s = time.perf_counter() - t0

    # ------------------------------------------------------------ local rules

    def _check_local(self, dirty: np.ndarray) -> list[Problem]:
        rules = self.rules
        near_d, near_n = self.tree.query(
            self.geoms[dirty], predicate="dwithin", distance=rules.reach_m
        )
        sub = np.union1d(dirty, near_n)
        o_hit = np.unique(
            self.obstacle_tree.query(_masked(self.geoms[dirty], self.usable[dirty]))[1]
        )
        sub_venue = dataclasses.replace(
            self.venue,
            booths=self.booths.iloc[sub],
            obstacles=self.venue.obstacles.iloc[o_hit],
        )
        found: list[Problem] = []
        usable = {
            S.BOOTHS: check_features(S.BOOTHS, sub_venue.booths, found),
            S.OBSTACLES: self.obstacle_ok[o_hit],
        }
        check_booths(sub_venue, self.halls, usable, found)
        dirty_ids = set(self.ids[dirty].tolist())
        out = [p for p in found if dirty_ids.intersection(_ids_of(p))]
        pairs = [(dirty[a], b) for a, b in zip(near_d.tolist(), near_n.tolist(), strict=True)]
        out.extend(self._aisles(pairs))
        out.extend(self._keep_clear(dirty))
        out.extend(self._kiosks(dirty))
        return out

    def _aisles(self, pairs: list[tuple[int, int]]) -> list[Problem]:
        """Report free gaps between two booths of a hall narrower than an aisle.

        A gap counts only where it is open floor: the shortest line between the two
        booths is tested against the other booths and obstacles, so booths of one stand
        (touching through a third booth) or with a wall between them do not count.
        """
        rules = self.rules
        seen: set[tuple[int, int]] = set()
        keep: list[tuple[int, int]] = []
        for a, b in pairs:
            key = (min(a, b), max(a, b))
            if a == b or key in seen or not (self.usable[a] and self.usable[b]):
                continue
            if self.hall_of[a] != self.hall_of[b]:
                continue
            seen.add(key)
            keep.append(key)
        if not keep:
            return []
        ia = np.array([k[0] for k in keep])
        ib = np.array([k[1] for k in keep])
        gap = shapely.distance(self.geoms[ia], self.geoms[ib])
        limit = np.full(len(keep), rules.aisle_m)
        cand = np.flatnonzero((gap > BOUNDARY_TOLERANCE_M) & (gap < rules.reach_m))
        if len(cand) == 0:
            return []
        lines = shapely.shortest_line(self.geoms[ia[cand]], self.geoms[ib[cand]])
        if rules.main_aisles:
            main = shapely.union_all(list(rules.main_aisles))
            limit[cand[shapely.intersects(lines, main)]] = rules.main_aisle_m
        out: list[Problem] = []
        o_geoms = _geoms(self.venue.obstacles)
        for k, line in zip(cand.tolist(), lines.tolist(), strict=True):
            if gap[k] >= limit[k]:
                continue
            a, b = int(ia[k]), int(ib[k])
            fillers = [
                self.geoms[i]
                for i in self.tree.query(line, predicate="intersects").tolist()
                if i not in (a, b)
            ]
            fillers += [o_geoms[i] for i in self.obstacle_tree.query(line).tolist()]
            if fillers:
                free = shapely.difference(
                    line, shapely.union_all(shapely.buffer(fillers, BOUNDARY_TOLERANCE_M / 5))
                )
                if shapely.length(free) <= BOUNDARY_TOLERANCE_M:
                    continue
            # In frame order, so that a pair reads the same whichever booth was edited.
            fa, fb = str(self.ids[a]), str(self.ids[b])
            out.append(
                Problem(
                    S.BOOTHS,
                    fa,
                    RuleCode.NARROW_AISLE,
                    f"the aisle between booth {fa} and booth {fb} is {gap[k]:.2f} m wide; "
                    f"it must be at least {limit[k]:g} m",
                    ids=(fa, fb),
                )
            )
        return out

    def _keep_clear(self, dirty: np.ndarray) -> list[Problem]:
        rules = self.rules
        if len(self.doors) == 0 or rules.keep_clear_m <= 0:
            return []
        ok = dirty[self.usable[dirty]]
        ib, idoor = self.door_tree.query(
            self.geoms[ok], predicate="dwithin", distance=rules.keep_clear_m
        )
        ops = self.venue.openings
        out: list[Problem] = []
        for b, d in zip(ok[ib].tolist(), self.doors[idoor].tolist(), strict=True):
            oid = str(ops[Col.OPENING_ID].iloc[d])
            door_halls = {str(ops[Col.HALL_ID].iloc[d]), str(ops[Col.CONNECTS].iloc[d])}
            if self.hall_of[b] not in door_halls:
                continue
            dist = float(shapely.distance(self.geoms[b], ops.geometry.iloc[d]))
            kind = str(ops[Col.KIND].iloc[d]).replace("_", " ")
            bid = str(self.ids[b])
            out.append(
                Problem(
                    S.BOOTHS,
                    bid,
                    RuleCode.DOOR_KEEP_CLEAR,
                    f"booth {bid} stands {dist:.2f} m from {kind} {oid}; keep "
                    f"{rules.keep_clear_m:g} m clear",
                    ids=(bid, oid),
                )
            )
        return out

    def _kiosks(self, dirty: np.ndarray) -> list[Problem]:
        ok = dirty[self.usable[dirty]]
        if len(self.kiosk_rows) == 0 or len(ok) == 0:
            return []
        ib, ik = self.kiosk_tree.query(self.geoms[ok], predicate="contains")
        kiosks = self.venue.kiosks
        out = []
        for b, k in zip(ok[ib].tolist(), self.kiosk_rows[ik].tolist(), strict=True):
            kid = str(kiosks[Col.KIOSK_ID].iloc[k])
            bid = str(self.ids[b])
            out.append(
                Problem(
                    S.KIOSKS,
                    kid,
                    RuleCode.KIOSK_BLOCKED,
                    f"kiosk {kid} stands inside booth {bid}; it must be on open floor",
                    ids=(kid, bid),
                )
            )
        return out

    # ----------------------------------------------------------- reachability

    def _floor(self, hall: str) -> _HallFloor:
        """Return the walkable floor parts of one hall and what touches them."""
        r = PASSABLE_WIDTH_M / 2
        reach = r + BOUNDARY_TOLERANCE_M
        b_rows = np.flatnonzero((self.hall_of == hall) & self.usable)
        obstacles = self.venue.obstacles
        o_rows = np.flatnonzero(
            (obstacles[Col.HALL_ID].astype(str).to_numpy() == hall) & self.obstacle_ok
        )
        one = self.venue.halls.iloc[0:0]
        sub = dataclasses.replace(
            self.venue, booths=self.booths.iloc[b_rows], obstacles=obstacles.iloc[o_rows]
        )
        index = HallIndex(one, np.zeros(0, dtype=bool))
        index.geoms = {hall: self.halls.geoms[hall]}
        usable = {S.BOOTHS: np.ones(len(b_rows), bool), S.OBSTACLES: np.ones(len(o_rows), bool)}
        parts, _ = walkable_parts(sub, index, usable, r)
        parts_arr = np.asarray(parts, dtype=object)
        ops = self.venue.openings
        o_hall = ops[Col.HALL_ID].astype(str).to_numpy()
        o_conn = ops[Col.CONNECTS].astype(str).to_numpy()
        doors = np.flatnonzero(self.openings_ok & ((o_hall == hall) | (o_conn == hall)))
        hit_d, hit_p = touching(shapely.buffer(_geoms(ops)[doors], reach), parts_arr)
        hit_b, hit_bp = touching(shapely.buffer(self.geoms[b_rows], reach), parts_arr)
        return _HallFloor(
            n_parts=len(parts),
            door_rows=doors[hit_d],
            door_parts=hit_p,
            booth_ids=self.ids[b_rows][hit_b],
            booth_parts=hit_bp,
        )

    def _check_reach(self) -> list[Problem]:
        """Report booths no one can walk to, and booths with no step-free way in.

        The same graph as validate's reachability rule: floor parts joined through
        connection doors, entrances joined to a virtual source outside.
        """
        ops = self.venue.openings
        kinds = ops[Col.KIND].astype(str).to_numpy()
        entrances = self.openings_ok & (kinds == OpeningKind.ENTRANCE.value)
        if not entrances.any() or not len(self.ids):
            return []
        step_free = np.array([_step_free(v) for v in ops[Col.STEP_FREE]], dtype=bool)
        offsets: dict[str, int] = {}
        n = 0
        for hall, floor in self.parts.items():
            offsets[hall] = n
            n += floor.n_parts
        at_door: dict[int, list[int]] = {}
        for hall, floor in self.parts.items():
            for d, p in zip(floor.door_rows.tolist(), floor.door_parts.tolist(), strict=True):
                at_door.setdefault(d, []).append(offsets[hall] + p)
        level_doors = {d: parts for d, parts in at_door.items() if step_free[d]}
        reached = {
            False: reached_parts(at_door, kinds, n),
            True: reached_parts(level_doors, kinds, n),
        }
        walk: set[str] = set()
        level: set[str] = set()
        for hall, floor in self.parts.items():
            at = offsets[hall] + floor.booth_parts
            walk.update(floor.booth_ids[reached[False][at]].tolist())
            level.update(floor.booth_ids[reached[True][at]].tolist())
        out: list[Problem] = []
        for bid, hall, ok in zip(
            self.ids.tolist(), self.hall_of.tolist(), self.usable.tolist(), strict=True
        ):
            if not ok or hall not in self.halls.geoms:
                continue
            if bid not in walk:
                out.append(unreachable_problem(bid))
            elif bid not in level:
                out.append(
                    Problem(
                        S.BOOTHS,
                        bid,
                        RuleCode.NO_STEP_FREE_ROUTE,
                        f"booth {bid} can be reached only through doors with steps; "
                        "wheelchair users cannot get to it",
                    )
                )
        return out

    # ------------------------------------------------------------ travel distance

    def _field(self, hall: str) -> _TravelField:
        """Return hall ``hall``'s static distance field (built on first use)."""
        if hall not in self.fields:
            obstacles = self.venue.obstacles
            mine = (obstacles[Col.HALL_ID].astype(str).to_numpy() == hall) & self.obstacle_ok
            base = self.halls.geoms[hall]
            if mine.any():
                base = shapely.difference(base, shapely.union_all(_geoms(obstacles)[mine]))
            ops = self.venue.openings
            exits = (
                self.openings_ok
                & (ops[Col.HALL_ID].astype(str).to_numpy() == hall)
                & ops[Col.KIND].astype(str).isin(EXIT_KINDS).to_numpy()
            )
            ends = [shapely.get_coordinates(g)[[0, -1]] for g in _geoms(ops)[exits]]
            segs = np.asarray(ends, dtype=float).reshape(-1, 2, 2)
            spacing = farthest.MAX_SPACING_M
            low = self._travel_low(spacing)
            grid = farthest.grid_points(base, spacing) if len(segs) else np.zeros((0, 2))
            grid = grid[_may_exceed(grid, segs, low)]
            dist = _nearest_m(grid, segs)
            keep = dist > low
            order = np.argsort(-dist[keep], kind="stable")
            edge = farthest.boundary_points(base, spacing / 2) if len(segs) else grid[:0]
            edge_d = _nearest_m(edge, segs)
            self.fields[hall] = _TravelField(
                base,
                segs,
                ops[Col.OPENING_ID].astype(str).to_numpy()[exits],
                grid[keep][order],
                dist[keep][order],
                edge[edge_d > low],
                edge_d[edge_d > low],
                spacing,
            )
        return self.fields[hall]

    def _travel_low(self, spacing_m: float) -> float:
        """Return the distance below which a sample cannot matter to the travel rule.

        Only points past the limit matter, less the grid's reach, so that the local
        refinement can still find a maximum that lies between grid points.
        """
        return self.rules.travel_limit[0] - spacing_m / math.sqrt(2)

    def _check_travel(self, hall: str) -> Problem | None:
        """Return hall ``hall``'s travel-distance problem, or None when within the limit."""
        limit_m, measure, name = self.rules.travel_limit
        f = self._field(hall)
        if len(f.segs) == 0:
            return Problem(
                S.HALLS,
                hall,
                RuleCode.TRAVEL_DISTANCE,
                f"hall {hall} has no entrance, exit or emergency exit of its own (connections "
                f"to other halls do not count): no point of it is within the {name} travel "
                f"limit of {limit_m:g} m",
                ids=(hall,),
            )
        mine = np.flatnonzero((self.hall_of == hall) & self.usable)
        floor = f.base
        if len(mine):
            floor = shapely.difference(floor, shapely.union_all(self.geoms[mine]))
        if floor.is_empty:
            return None
        shapely.prepare(floor)
        low = self._travel_low(f.spacing_m)
        on_floor = shapely.contains_xy(floor, f.grid[:, 0], f.grid[:, 1])
        grid, gd = f.grid[on_floor], f.dist[on_floor]
        # The open floor's boundary: the hall's walls and obstacles (sampled once) where
        # still open, and the outlines of the booths that may reach past the limit.
        walls = shapely.intersects_xy(floor, f.edge[:, 0], f.edge[:, 1])
        near = mine[_may_exceed_geoms(self.geoms[mine], f.segs, low)]
        rings = shapely.get_rings(self.geoms[near]) if len(near) else np.zeros(0, dtype=object)
        edge = shapely.get_coordinates(shapely.segmentize(rings, f.spacing_m / 2))
        ed = _nearest_m(edge, f.segs)
        edge, ed = edge[ed > low], ed[ed > low]
        on_edge = shapely.intersects_xy(floor, edge[:, 0], edge[:, 1])
        pts = np.concatenate([grid, f.edge[walls], edge[on_edge]])
        dist = np.concatenate([gd, f.edge_d[walls], ed[on_edge]])
        if len(pts) == 0:
            return None
        best_d, best_xy, best_exit = _refine(floor, f.segs, pts, dist, f.spacing_m)
        if best_d <= limit_m:
            return None
        past_m2 = float(np.count_nonzero(gd > limit_m)) * f.spacing_m**2
        how = "in a straight line"
        if measure is Measure.WALK:
            how = "in a straight line, so at least as far walking"
        return Problem(
            S.HALLS,
            hall,
            RuleCode.TRAVEL_DISTANCE,
            f"hall {hall}: open floor at ({best_xy[0]:.1f}, {best_xy[1]:.1f}) is {best_d:.1f} m "
            f"from the nearest exit ({f.exit_ids[best_exit]}) {how}; the {name} limit is "
            f"{limit_m:g} m; about {past_m2:.0f} m² of floor is past it",
            ids=(hall,),
        )


@dataclass
class _TravelField:
    """A hall's floor without booths, its exits, and its grid sorted by distance to them."""

    base: BaseGeometry
    segs: np.ndarray
    exit_ids: np.ndarray
    grid: np.ndarray = field(repr=False)
    dist: np.ndarray = field(repr=False)
    edge: np.ndarray = field(repr=False)
    edge_d: np.ndarray = field(repr=False)
    spacing_m: float


def _may_exceed(
    points: np.ndarray, segs: np.ndarray, low: float, cell_m: float = 4.0
) -> np.ndarray:
    """Return which points may lie farther than ``low`` from every segment.

    The distance is 1-Lipschitz: a point is at most half a cell's diagonal farther than
    the centre of its ``cell_m`` cell, so only the centres need measuring first; this
    cuts the exact measurement (the editor's start-up cost) to the far part of a hall.
    """
    if len(points) == 0 or len(segs) == 0:
        return np.ones(len(points), dtype=bool)
    lo = points.min(axis=0)
    cell = np.floor((points - lo) / cell_m).astype(np.int64)
    nx, ny = cell.max(axis=0) + 1
    cx, cy = np.meshgrid(np.arange(nx), np.arange(ny), indexing="ij")
    centres = lo + (np.column_stack([cx.ravel(), cy.ravel()]) + 0.5) * cell_m
    centre_d = _nearest_m(centres, segs)
    return np.asarray(centre_d[cell[:, 0] * ny + cell[:, 1]] + cell_m / math.sqrt(2) > low)


def _may_exceed_geoms(geoms: np.ndarray, segs: np.ndarray, low: float) -> np.ndarray:
    """Return which geometries may hold a point farther than ``low`` from every segment."""
    if len(geoms) == 0:
        return np.zeros(0, dtype=bool)
    centres = shapely.get_coordinates(shapely.centroid(geoms))
    radius = shapely.hausdorff_distance(shapely.centroid(geoms), geoms)
    return np.asarray(_nearest_m(centres, segs) + radius > low, dtype=bool)


def _nearest_m(points: np.ndarray, segs: np.ndarray) -> np.ndarray:
    """Return each point's distance to the nearest segment, in batches."""
    out = np.empty(len(points))
    if len(segs) == 0:
        out.fill(np.inf)
        return out
    step = 50_000
    for lo in range(0, len(points), step):
        out[lo : lo + step] = farthest.segment_distances(points[lo : lo + step], segs).min(1)
    return out


def _refine(
    floor: BaseGeometry, segs: np.ndarray, pts: np.ndarray, dist: np.ndarray, spacing_m: float
) -> tuple[float, tuple[float, float], int]:
    """Return the farthest point near the best samples: distance, point, nearest segment.

    The same local search as :func:`floorplan.farthest.farthest_point` (a grid ten times
    finer around the 24 best distinct samples), on samples the caller has filtered.
    """
    picked: list[int] = []
    # A point beating the best sample lies within half a grid diagonal of a sample no
    # more than that below the best (1-Lipschitz); only those samples need refining.
    top = float(dist.max()) - spacing_m / math.sqrt(2)
    for k in np.argsort(-dist, kind="stable").tolist():
        if dist[k] < top:
            break
        if len(picked) >= 24:
            break
        if all(math.hypot(*(pts[k] - pts[j])) > spacing_m for j in picked):
            picked.append(k)
    fine = spacing_m / 10
    offs = np.arange(-spacing_m, spacing_m + fine / 2, fine)
    ox, oy = np.meshgrid(offs, offs)
    local = np.column_stack([ox.ravel(), oy.ravel()])
    cand = (pts[picked][:, None, :] + local[None, :, :]).reshape(-1, 2)
    cand = cand[shapely.intersects_xy(floor, cand[:, 0], cand[:, 1])]
    allp = np.concatenate([pts[picked], cand])
    d = farthest.segment_distances(allp, segs)
    near = np.argmin(d, axis=1)
    nd = d[np.arange(len(d)), near]
    best = int(np.argmax(nd))
    return float(nd[best]), (float(allp[best, 0]), float(allp[best, 1])), int(near[best])


@dataclass
class _HallFloor:
    """A hall's walkable floor parts and the doors and booths touching each."""

    n_parts: int
    door_rows: np.ndarray
    door_parts: np.ndarray
    booth_ids: np.ndarray
    booth_parts: np.ndarray = field(repr=False)


def snap_move(
    editor: LayoutEditor,
    booth_ids: str | Sequence[str],
    dx_m: float,
    dy_m: float,
    *,
    grid_m: float = 0.5,
    edge_m: float = 0.5,
) -> tuple[float, float]:
    """Return a drag of ``(dx_m, dy_m)`` snapped to neighbours' edges or else the grid.

    The selection's bounding box, moved, snaps each axis to the nearest edge of another
    booth of its hall within ``edge_m`` (to butt booths together or line them up);
    otherwise its lower-left corner snaps to the ``grid_m`` grid.

    Raises
    ------
    EditError
        When a booth is unknown or a distance is not a finite number.
    """
    dx, dy = _finite(dx_m, "dx_m"), _finite(dy_m, "dy_m")
    grid, edge = _finite(grid_m, "grid_m"), _finite(edge_m, "edge_m")
    ids = editor._ids(booth_ids)
    booths = editor.venue.booths
    mine = booths[Col.BOOTH_ID].isin(ids).to_numpy()
    halls = set(booths[Col.HALL_ID][mine].astype(str))
    x0, y0, x1, y1 = shapely.total_bounds(_geoms(booths)[mine])
    others = _geoms(booths)[~mine & booths[Col.HALL_ID].astype(str).isin(halls).to_numpy()]
    moved = shapely.box(x0 + dx, y0 + dy, x1 + dx, y1 + dy)
    near = others[shapely.dwithin(others, moved, max(edge, 0.0) + 1e-9)] if len(others) else others
    bounds = shapely.bounds(near) if len(near) else np.zeros((0, 4))
    out = []
    for delta, lo, hi, cols in ((dx, x0, x1, (0, 2)), (dy, y0, y1, (1, 3))):
        edges = bounds[:, cols].ravel()
        best: tuple[float, float] | None = None  # (distance, snapped delta)
        for start in (lo, hi):
            if len(edges):
                diff = edges - (start + delta)
                k = int(np.argmin(np.abs(diff)))
                if abs(diff[k]) <= edge and (best is None or abs(diff[k]) < best[0]):
                    # edge - start, not delta + diff: exact when the edges line up
                    best = (abs(float(diff[k])), float(edges[k] - start))
        if best is not None:
            out.append(best[1])
        elif grid > 0:
            out.append(float(round((lo + delta) / grid) * grid - lo))
        else:
            out.append(delta)
    return out[0], out[1]


# ------------------------------------------------------------------ helpers


def _geoms(frame: gpd.GeoDataFrame) -> np.ndarray:
    return np.asarray(frame.geometry.values, dtype=object)


def _kiosk_point(kiosks: gpd.GeoDataFrame, kiosk_id: object) -> BaseGeometry:
    return kiosks.geometry[(kiosks[Col.KIOSK_ID] == kiosk_id).to_numpy()].iloc[0]


def _same(a: object, b: object) -> bool:
    if isinstance(a, BaseGeometry) or isinstance(b, BaseGeometry):
        return a is b
    try:
        return bool(a == b) or (a != a and b != b)  # noqa: PLR0124 - NaN equals NaN here
    except (TypeError, ValueError):
        return False


def _step_free(value: object) -> bool:
    """Read a door's ``step_free`` as the format does: missing means step-free."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return True
    return bool(value)


def _position(frame: gpd.GeoDataFrame, booth_id: str) -> int | None:
    hit = np.flatnonzero(frame[Col.BOOTH_ID].to_numpy() == booth_id)
    return int(hit[0]) if len(hit) else None


def _masked(geoms: np.ndarray, ok: np.ndarray) -> np.ndarray:
    """Return ``geoms`` with the unusable ones set to None (trees skip them, keep indices)."""
    out = geoms.copy()
    out[~ok] = None
    return out


def _ids_of(p: Problem) -> tuple[str, ...]:
    return tuple(str(i) for i in p.ids) or ((str(p.id),) if p.id is not None else ())


def _names(ids: Sequence[str]) -> str:
    return ids[0] if len(ids) == 1 else f"{len(ids)} booths ({', '.join(ids[:3])}...)"


def _finite(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        msg = f"{name} must be a number, got {value!r}"
        raise EditError(msg)
    if not math.isfinite(float(value)):
        msg = f"{name} must be a finite number, got {value!r}"
        raise EditError(msg)
    return float(value)


def _booth_id(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        msg = f"a booth id is non-empty text, got {value!r}"
        raise EditError(msg)
    return value


def _polygon(value: object, booth_id: str) -> BaseGeometry:
    """Return ``value`` as a valid polygon with area, or refuse it saying why."""
    if isinstance(value, BaseGeometry):
        geom = value
    else:
        try:
            coords = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            msg = f"booth {booth_id}: a polygon is a shapely Polygon or a list of (x, y)"
            raise EditError(msg) from None
        if coords.ndim != 2 or coords.shape[1] != 2 or len(coords) < 3:
            msg = f"booth {booth_id}: a polygon needs at least 3 (x, y) points, got {value!r}"
            raise EditError(msg)
        geom = shapely.Polygon(coords)
    if geom.geom_type == "MultiPolygon" and len(geom.geoms) == 1:
        geom = geom.geoms[0]
    if geom.geom_type != "Polygon":
        msg = f"booth {booth_id}: a booth is a Polygon, got a {geom.geom_type}"
        raise EditError(msg)
    if geom.is_empty or not np.isfinite(shapely.get_coordinates(geom)).all():
        msg = f"booth {booth_id}: the polygon is empty or has NaN or infinite coordinates"
        raise EditError(msg)
    if not geom.is_valid:
        msg = f"booth {booth_id}: the polygon is degenerate: {shapely.is_valid_reason(geom)}"
        raise EditError(msg)
    if geom.area <= AREA_TOLERANCE_M2:
        msg = f"booth {booth_id}: the polygon is degenerate: it has no area ({geom.area:.2g} m²)"
        raise EditError(msg)
    return geom


def _frame(geom: BaseGeometry) -> tuple[float, tuple[float, float], tuple[float, float]]:
    """Return a booth's orientation (degrees), first corner and width, depth."""
    centre = geom.centroid
    # GEOS loses digits on the envelope at UTM-sized coordinates; measure near the origin.
    rect = shapely.oriented_envelope(affinity.translate(geom, -centre.x, -centre.y))
    ring = np.asarray(rect.exterior.coords)[:4]
    edges = np.diff(np.vstack([ring, ring[:1]]), axis=0)
    angles = np.degrees(np.arctan2(edges[:, 1], edges[:, 0]))
    # The side nearest the x axis, pointing right, gives the booth's width direction.
    folded = (angles + 45.0) % 90.0 - 45.0
    angle = float(folded[int(np.argmin(np.abs(folded)))])
    local = affinity.rotate(geom, -angle, origin=centre)
    x0, y0, x1, y1 = local.bounds
    corner = affinity.rotate(shapely.Point(x0, y0), angle, origin=centre)
    return angle, (corner.x, corner.y), (x1 - x0, y1 - y0)


@dataclass(frozen=True)
class LayoutStats:
    """Counts and areas of a layout, whole and per zone.

    Attributes
    ----------
    booths, sold, unsold
        Booth counts (sold: with an exhibitor).
    sold_m2, unsold_m2
        Booth area sold and not sold.
    net_m2, gross_m2
        Booth area (net exhibition area) and the floor of the exhibition halls (gross,
        concourses left out).
    zones
        Per zone: ``{"booths", "sold", "sold_m2", "unsold_m2"}``.
    """

    booths: int
    sold: int
    unsold: int
    sold_m2: float
    unsold_m2: float
    net_m2: float
    gross_m2: float
    zones: dict[str, dict[str, float]]

    @property
    def net_share(self) -> float:
        """Return net over gross area (0 for a venue without hall floor)."""
        return self.net_m2 / self.gross_m2 if self.gross_m2 > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        """Return the stats as JSON reports have them."""
        return {**dataclasses.asdict(self), "net_share": round(self.net_share, 4)}


def layout_stats(venue: Venue) -> LayoutStats:
    """Return booth counts and sold, unsold, net and gross areas of ``venue``."""
    booths = venue.booths
    area = shapely.area(_geoms(booths)).astype(float) if len(booths) else np.zeros(0)
    area = np.nan_to_num(area)
    exhibitor = booths[Col.EXHIBITOR].to_numpy()
    sold = np.array([isinstance(e, str) and bool(e.strip()) for e in exhibitor], dtype=bool)
    halls = venue.halls
    is_hall = (halls[Col.KIND].astype(str) == S.HallKind.HALL.value).to_numpy()
    gross = float(np.nansum(shapely.area(_geoms(halls)[is_hall]))) if len(halls) else 0.0
    zones: dict[str, dict[str, float]] = {}
    zone_of = booths[Col.ZONE].astype(str).to_numpy()
    for z in [*(m.value for m in Zone), *sorted(set(zone_of) - {m.value for m in Zone})]:
        mask = zone_of == z
        if not mask.any():
            continue
        zones[z] = {
            "booths": int(mask.sum()),
            "sold": int((mask & sold).sum()),
            "sold_m2": round(float(area[mask & sold].sum()), 2),
            "unsold_m2": round(float(area[mask & ~sold].sum()), 2),
        }
    return LayoutStats(
        booths=len(booths),
        sold=int(sold.sum()),
        unsold=int((~sold).sum()),
        sold_m2=round(float(area[sold].sum()), 2),
        unsold_m2=round(float(area[~sold].sum()), 2),
        net_m2=round(float(area.sum()), 2),
        gross_m2=round(gross, 2),
        zones=zones,
    )
