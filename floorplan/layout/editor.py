"""Edit a venue's booths with undo and redo, re-checking the floor's safety after every edit.

A :class:`LayoutEditor` applies edits as immutable commands (:class:`Edit`: each booth's
row before and after) kept on undo and redo stacks. After each edit its checker
(:mod:`floorplan.layout._checks`) re-checks only what the edit can have changed, against
the distances of :class:`~floorplan.layout.rules.LayoutRules`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely import affinity
from shapely.geometry.base import BaseGeometry

from floorplan import schema as S
from floorplan.errors import EditError
from floorplan.layout._checks import Checker
from floorplan.layout._shared import finite
from floorplan.layout.rules import LayoutRules
from floorplan.problems import Problem
from floorplan.schema import Col, Zone, parse_option
from floorplan.validate.floor import AREA_TOLERANCE_M2
from floorplan.venue import Venue

__all__ = ["Edit", "LayoutEditor", "booth_size"]


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
        self._checker = Checker(self._venue, self.rules)
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
        dx, dy = finite(dx_m, "dx_m"), finite(dy_m, "dy_m")
        ids = self._ids(booth_id)
        changes = {b: affinity.translate(self._row(b).geometry, dx, dy) for b in ids}
        return self._apply_geoms(f"move {_names(ids)} by ({dx:g}, {dy:g}) m", changes)

    def rotate(self, booth_id: str | Sequence[str], deg: float) -> Edit:
        """Rotate booths by ``deg`` degrees anticlockwise about their common centroid."""
        angle = finite(deg, "deg")
        ids = self._ids(booth_id)
        geoms = [self._row(b).geometry for b in ids]
        centre = shapely.union_all(geoms).centroid
        changes = {
            b: affinity.rotate(g, angle, origin=centre) for b, g in zip(ids, geoms, strict=True)
        }
        return self._apply_geoms(f"rotate {_names(ids)} by {angle:g}°", changes)

    def resize(self, booth_id: str, *, width_m: float, depth_m: float) -> Edit:
        """Give a booth a new width and depth along its own axes, keeping its first corner.

        Width runs along the longest side of the booth's minimum rotated rectangle (of
        two equal sides, the one nearest the x axis), depth across it, as
        :func:`booth_size` measures them: the booth is scaled along its own axes, never
        turned, and the corner lowest along both stays where it is.
        """
        w, d = finite(width_m, "width_m"), finite(depth_m, "depth_m")
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
            affinity.translate(src.geometry, finite(dx_m, "dx_m"), finite(dy_m, "dy_m")),
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

    # ---------------------------------------------- history (autosaved drafts)

    def history_edits(self) -> tuple[tuple[Edit, ...], tuple[Edit, ...]]:
        """Return the applied edits (oldest first) and the undone ones (next redo last)."""
        return tuple(self._undo), tuple(self._redo)

    def replay(self, undo: Sequence[Edit], redo: Sequence[Edit] = ()) -> None:
        """Apply ``undo`` in order and stack ``redo``, as the editor that made them had.

        The editor must be fresh, on the layout the edits were made from: the result is
        the same booths and the same undo and redo history (:mod:`floorplan.layout.drafts`).

        Raises
        ------
        EditError
            When the editor has a history already, or an edit does not fit the layout
            (a booth it changes is missing, or one it adds exists); nothing is applied.
        """
        if self._undo or self._redo:
            msg = "replay needs a fresh editor (this one has edits)"
            raise EditError(msg)
        try:
            for edit in undo:
                self._check_fits(edit)
                self._set(edit.after, check=False)
                self._undo.append(edit)
        except EditError:
            while self._undo:
                self._set(self._undo.pop().before, check=False)
            raise
        finally:
            # One full check of the result rather than one per edit: a 500-edit draft
            # replays in about the time of opening the layout, not 500 re-checks.
            if undo:
                self._checker = Checker(self._venue, self.rules)
                self.last_check_s = self._checker.last_s
        self._redo = list(redo)

    def net_edit(self, label: str) -> Edit | None:
        """Return one edit from the layout before the first applied edit to the current one.

        Each booth the applied edits changed, as it was before the first of them and as it
        is now: replaying it gives every booth the same properties and geometry (the rows
        may stand in another order). ``None``: nothing applied.
        """
        if not self._undo:
            return None
        first: dict[str, _Row | None] = {}
        for edit in self._undo:
            for bid, row in edit.before:
                first.setdefault(bid, row)
        now = {bid: (self._row(bid) if self._position(bid) is not None else None) for bid in first}
        changed = [b for b in first if not _same_row(first[b], now[b])]
        removed = [b for b in changed if now[b] is None]
        kept = [b for b in changed if now[b] is not None and first[b] is not None]
        added = sorted(
            (b for b in changed if first[b] is None and now[b] is not None),
            key=lambda b: _where(now[b]),
        )
        order = [*removed, *kept, *added]
        # Undoing puts removed booths back where they stood, lowest position first.
        back = sorted(order, key=lambda b: _where(first[b]))
        return Edit(
            label,
            tuple((b, first[b]) for b in back),
            tuple((b, now[b]) for b in order),
        )

    def _check_fits(self, edit: Edit) -> None:
        for bid, row in edit.before:
            here = self._position(bid) is not None
            if here != (row is not None):
                state = "has" if here else "has no"
                msg = f"edit {edit.label!r} does not fit this layout: it {state} booth {bid!r}"
                raise EditError(msg)

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

    def _set(self, rows: tuple[tuple[str, _Row | None], ...], *, check: bool = True) -> None:
        """Make each booth's row what ``rows`` says, then re-check what changed (``check``)."""
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
        if not check:
            return
        self._checker.update(
            self._venue, {bid for bid, _ in rows}, halls, events=added_or_removed, old=old
        )
        self.last_check_s = self._checker.last_s


# ------------------------------------------------------------------ helpers


def _same(a: object, b: object) -> bool:
    if isinstance(a, BaseGeometry) or isinstance(b, BaseGeometry):
        return a is b
    try:
        return bool(a == b) or (a != a and b != b)  # noqa: PLR0124 - NaN equals NaN here
    except (TypeError, ValueError):
        return False


def _where(row: _Row | None) -> int:
    return -1 if row is None else row.position


def _same_row(a: _Row | None, b: _Row | None) -> bool:
    """Whether two rows hold the same properties and the same geometry (wherever they stand)."""
    if a is None or b is None:
        return a is b
    return (
        len(a.props) == len(b.props)
        and all(
            ka == kb and _same_value(va, vb)
            for (ka, va), (kb, vb) in zip(a.props, b.props, strict=True)
        )
        and bool(shapely.equals_exact(a.geometry, b.geometry, tolerance=0.0))
    )


def _same_value(a: object, b: object) -> bool:
    try:
        return type(a) is type(b) and (bool(a == b) or (a != a and b != b))  # noqa: PLR0124 - NaN
    except (TypeError, ValueError):
        return False


def _position(frame: gpd.GeoDataFrame, booth_id: str) -> int | None:
    hit = np.flatnonzero(frame[Col.BOOTH_ID].to_numpy() == booth_id)
    return int(hit[0]) if len(hit) else None


def _names(ids: Sequence[str]) -> str:
    return ids[0] if len(ids) == 1 else f"{len(ids)} booths ({', '.join(ids[:3])}...)"


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


def booth_size(geom: BaseGeometry) -> tuple[float, float]:
    """Return a booth's width (along its longest side) and depth, as ``resize`` takes them.

    >>> booth_size(shapely.box(0, 0, 4, 10))
    (10.0, 4.0)
    """
    _, _, (w, d) = _frame(geom)
    return round(w, 9), round(d, 9)


def _frame(geom: BaseGeometry) -> tuple[float, tuple[float, float], tuple[float, float]]:
    """Return a booth's orientation (degrees), first corner, and width and depth."""
    centre = geom.centroid
    # GEOS loses digits on the envelope at UTM-sized coordinates; measure near the origin.
    rect = shapely.oriented_envelope(affinity.translate(geom, -centre.x, -centre.y))
    ring = np.asarray(rect.exterior.coords)[:4]
    edges = np.diff(np.vstack([ring, ring[:1]]), axis=0)
    lengths = np.hypot(edges[:, 0], edges[:, 1])
    # The longest side gives the width direction (folded to (-90°, 90°]); of sides equal
    # up to a micrometre, the one nearest the x axis, so that a square keeps its frame.
    folded = (np.degrees(np.arctan2(edges[:, 1], edges[:, 0])) + 90.0) % 180.0 - 90.0
    longest = np.flatnonzero(lengths >= lengths.max() - 1e-6)
    angle = float(folded[longest[int(np.argmin(np.abs(folded[longest])))]])
    local = affinity.rotate(geom, -angle, origin=centre)
    x0, y0, x1, y1 = local.bounds
    corner = affinity.rotate(shapely.Point(x0, y0), angle, origin=centre)
    return angle, (corner.x, corner.y), (x1 - x0, y1 - y0)
