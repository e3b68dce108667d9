"""Hold the floor planner's view state and logic: selection, edits, problems, versions.

:class:`PlannerState` is a ``param.Parameterized`` over a :class:`~floorplan.layout.LayoutEditor`
(the layout being edited, with undo/redo and live rule checks) and a
:class:`~floorplan.store.LayoutStore` (saved versions, history, diff, publish). Tests drive
it without a browser; :mod:`floorplan.app.planner` only draws it. Nothing here imports
Bokeh: coordinates are venue metres.

The live check is the rule engine's (:mod:`floorplan.rules`): every rule of ``all``
under the open venue's own code, so the Problems list is what ``floorplan validate
--rules all`` says, and what the publish gate will say. Publishing asks first when it
must: to save unsaved edits (a publish publishes a saved version), or to acknowledge the
version's warnings (stored with the publication); errors refuse it. The planner opens the
published version (or a chosen one), counts unsaved changes as the booths that differ
from the version opened, and says what the kiosks show.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import param
import shapely
from shapely.geometry.base import BaseGeometry

from floorplan.errors import EditError, FloorplanError, StaleBaseError
from floorplan.io.store import LayoutDiff, LayoutStore, changed_booths, diff_venues
from floorplan.layout import LayoutEditor, LayoutRules, LayoutStats, layout_stats, snap_move
from floorplan.problems import Problem, Severity
from floorplan.rules import Code, RuleChoice, check, code_of, layout_rules
from floorplan.schema import Col, Zone
from floorplan.venue import Venue
from floorplan.versions import KioskStatus, Publication, VersionInfo

__all__ = ["INITIAL_MESSAGE", "Confirm", "DiffShapes", "PlannerState"]

#: The message of the version saved when the page first meets an empty store.
INITIAL_MESSAGE = "initial layout"
#: The rotation step of the rotate buttons (degrees).
ROTATE_STEP_DEG = 15.0
#: Drawn rectangles snap their corners to this grid (metres), as drags do.
DRAW_GRID_M = 0.5
#: Publishes a version (of the store) as the server does: ``(version, author, acknowledge)``.
Publisher = Callable[..., Publication]
#: The id columns of the layers a problem can name, to find what to zoom to.
_ID_COLUMNS = {
    "booths": Col.BOOTH_ID,
    "halls": Col.HALL_ID,
    "openings": Col.OPENING_ID,
    "obstacles": Col.OBSTACLE_ID,
    "kiosks": Col.KIOSK_ID,
    "amenities": Col.AMENITY_ID,
}


@dataclass(frozen=True)
class DiffShapes:
    """The booth outlines of a diff between two versions, by kind of change.

    ``moved_from`` holds the old places of ``moved`` booths (drawn faint); every other
    kind holds the outlines of version ``b`` except ``removed`` (version ``a``).
    """

    diff: LayoutDiff
    added: list[BaseGeometry] = field(default_factory=list)
    removed: list[BaseGeometry] = field(default_factory=list)
    moved: list[BaseGeometry] = field(default_factory=list)
    moved_from: list[BaseGeometry] = field(default_factory=list)
    changed: list[BaseGeometry] = field(default_factory=list)


@dataclass(frozen=True)
class Confirm:
    """A question the planner must answer before a publish goes on.

    ``kind`` is ``"save"`` (there are unsaved edits: save them as a new version, then
    publish it) or ``"acknowledge"`` (the version has warnings: publish knowingly).
    """

    kind: str
    version: int | None
    text: str
    problems: tuple[Problem, ...] = ()


class PlannerState(param.Parameterized):
    """The planner's view state over an editor (the open layout) and a layout store.

    Parameters
    ----------
    store
        Where versions are saved; when empty, ``venue`` is saved as version 1.
    venue
        The layout to start an empty store with (ignored when the store has versions).
    author
        Who saves and publishes (the logged-in user).
    rules
        What the editor checks (default: every rule of the engine under ``code``).
    code
        The fire code of the code rules (default: the opened venue's own).
    version
        The version to open (default: the published one, else the latest).
    publisher
        Publishes a version: ``publisher(version, author=..., acknowledge=...)``; the
        server's :meth:`~floorplan.app.context.VenueContext.publish_version`, which builds
        the kiosks' snapshot before the store marks it published (default: the store's
        :meth:`~floorplan.io.store.LayoutStore.publish`).
    """

    selected = param.List(default=[], item_type=str, doc="The selected booth ids.")
    query = param.String(default="")
    hits = param.List(default=[], doc="(booth_id, label) pairs matching the query.")
    problems = param.List(default=[], item_type=Problem)
    focus = param.Parameter(default=None, doc="(x0, y0, x1, y1) to zoom to, if any.")
    stats = param.ClassSelector(class_=LayoutStats, doc="The open layout's counts and areas.")
    revision = param.Integer(default=0, doc="Bumped after every change of the layout.")
    base = param.Parameter(default=None, doc="The version the open layout was loaded from.")
    unsaved = param.Integer(
        default=0, doc="Booths that differ from the version opened or saved (net changes)."
    )
    can_undo = param.Boolean(default=False)
    can_redo = param.Boolean(default=False)
    notice = param.String(default="", doc="The outcome of the last action, plain text.")
    error = param.String(default="", doc="Why the last action failed, plain text.")
    stale = param.Boolean(default=False, doc="The last save failed: a newer version exists.")
    versions = param.List(default=[], item_type=VersionInfo)
    published = param.Parameter(default=None, doc="The published version, if any.")
    previous = param.Parameter(default=None, doc="The version published before it, if any.")
    kiosks = param.String(default="", doc="What the kiosks show, in words.")
    confirm = param.Parameter(default=None, doc="A Confirm awaiting an answer, if any.")
    diff = param.Parameter(default=None, doc="DiffShapes of the last compared versions.")

    def __init__(
        self,
        store: LayoutStore,
        venue: Venue,
        *,
        author: str = "",
        rules: LayoutRules | None = None,
        code: Code | None = None,
        version: int | None = None,
        publisher: Publisher | None = None,
        **params: Any,
    ) -> None:
        super().__init__(**params)
        self.store = store
        self.author = author or None
        self._rules = rules
        self._code = code
        self.publisher: Publisher = publisher or store.publish
        self._tree: shapely.STRtree | None = None
        if store.latest() is None:
            store.save(venue, message=INITIAL_MESSAGE, author=self.author)
        shown = store.published_version()
        first = shown if shown is not None else store.latest()
        assert first is not None  # a version was saved above
        opened = None
        if version is not None:
            try:
                opened = store.load(version)
            except FloorplanError as exc:
                self.error = f"{exc}; opened version {first} instead"
        if opened is None or version is None:
            opened, version = store.load(first), first
        self._open(opened, version)

    # ------------------------------------------------------------------ state

    @property
    def venue(self) -> Venue:
        """Return the open layout (live: the editor's venue)."""
        return self.editor.venue

    def booth(self, booth_id: str) -> dict[str, Any]:
        """Return booth ``booth_id``'s properties and ``geometry`` in the open layout."""
        return self.editor.booth(booth_id)

    def booth_geometry(self, booth_id: str) -> BaseGeometry:
        """Return the outline of booth ``booth_id`` in the open layout."""
        return self.editor.booth(booth_id)["geometry"]

    def _open(self, venue: Venue, version: int) -> None:
        self.code = self._code or code_of(venue)
        self.rules = self._rules or layout_rules(self.code)
        self.editor = LayoutEditor(venue, rules=self.rules)
        self._base_venue = self.editor.venue.copy()
        self.param.update(
            base=version, unsaved=0, stale=False, selected=[], diff=None, confirm=None
        )
        self._changed()
        self.refresh_versions()

    def _changed(self) -> None:
        """Recompute what follows from the layout after an edit, undo or load."""
        self._tree = None
        ids = set(self.editor.venue.booths[Col.BOOTH_ID].astype(str))
        self.param.update(
            problems=self.editor.problems(),
            stats=layout_stats(self.editor.venue),
            can_undo=self.editor.can_undo,
            can_redo=self.editor.can_redo,
            selected=[b for b in self.selected if b in ids],
            revision=self.revision + 1,
        )

    def _edit(self, action: Callable[[], Any], notice: str = "") -> bool:
        """Run an editor action; on bad input say why and change nothing."""
        try:
            edit = action()
        except FloorplanError as exc:
            self.param.update(error=str(exc), notice="")
            return False
        label = getattr(edit, "label", "")
        self.param.update(
            error="",
            notice=notice or label,
            unsaved=len(changed_booths(self._base_venue, self.editor.venue)),
        )
        self._changed()
        return True

    def refresh_versions(self) -> None:
        """Read the history, the published version and the kiosks' status from the store."""
        self.param.update(
            versions=self.store.versions(),
            published=self.store.published_version(),
            previous=self.store.previous_published(),
        )
        self.show_kiosks(self.store.kiosk_status())

    def show_kiosks(self, status: KioskStatus) -> None:
        """Say what the kiosks show (pushed by the server's watcher as it changes)."""
        self.param.update(kiosks=status.text(), published=status.published)

    # -------------------------------------------------------------- selecting

    def booth_at(self, x: float, y: float) -> str | None:
        """Return the id of the booth of the open layout at venue point ``(x, y)``."""
        booths = self.editor.venue.booths
        if self._tree is None:
            self._tree = shapely.STRtree(np.asarray(booths.geometry.values, dtype=object))
        idx = self._tree.query(shapely.Point(x, y), predicate="intersects")
        return str(booths[Col.BOOTH_ID].iloc[int(np.min(idx))]) if len(idx) else None

    def tap(self, x: float, y: float, *, add: bool = False) -> str | None:
        """Select the booth at ``(x, y)`` (``add``: toggle it in the selection).

        A tap on the floor clears the selection unless ``add``.
        """
        bid = self.booth_at(x, y)
        if bid is None:
            if not add:
                self.selected = []
            return None
        if add:
            sel = [b for b in self.selected if b != bid]
            self.selected = sel if bid in self.selected else [*sel, bid]
        else:
            self.selected = [bid]
        return bid

    def select(self, booth_ids: Sequence[str], *, add: bool = False, zoom: bool = False) -> None:
        """Select these booths (unknown ids are ignored); ``zoom`` focuses the map on them."""
        ids = set(self.editor.venue.booths[Col.BOOTH_ID].astype(str))
        chosen = [b for b in booth_ids if b in ids]
        if add:
            chosen = list(dict.fromkeys([*self.selected, *chosen]))
        self.selected = chosen
        if zoom and chosen:
            self.focus = self._bounds([self.booth_geometry(b) for b in chosen])

    def search(self, text: str, *, limit: int = 20) -> list[tuple[str, str]]:
        """Return booths whose id or exhibitor contains ``text`` (case-blind), ids first.

        A plain substring match over the open layout: the kiosk's fuzzy index is built
        once per published venue and would be stale after the first edit.
        """
        needle = text.strip().casefold()
        hits: list[tuple[int, str, str]] = []
        if needle:
            b = self.editor.venue.booths
            ids = b[Col.BOOTH_ID].astype(str).tolist()
            names = b[Col.EXHIBITOR].fillna("").astype(str).tolist()
            for bid, name in zip(ids, names, strict=True):
                if needle in bid.casefold():
                    rank = 0 if bid.casefold() == needle else 1
                elif needle in name.casefold():
                    rank = 2
                else:
                    continue
                hits.append((rank, bid, f"{bid} · {name}" if name else bid))
        hits.sort()
        out = [(bid, label) for _, bid, label in hits[:limit]]
        self.param.update(query=text, hits=out)
        return out

    def choose_problem(self, index: int) -> Problem:
        """Select the booths of problem ``index`` and focus the map on what it names."""
        problem = self.problems[index]
        ids = list(problem.ids) or ([problem.id] if problem.id is not None else [])
        geoms = self._feature_geoms(problem.layer, ids)
        booth_ids = set(self.editor.venue.booths[Col.BOOTH_ID].astype(str))
        self.selected = [b for b in ids if b in booth_ids]
        if geoms:
            self.focus = self._bounds(geoms)
        return problem

    def problem_booths(self) -> set[str]:
        """Return the ids of every booth some problem names (outlined red on the map)."""
        booth_ids = set(self.editor.venue.booths[Col.BOOTH_ID].astype(str))
        out: set[str] = set()
        for p in self.problems:
            out.update(b for b in (*p.ids, p.id) if b is not None and b in booth_ids)
        return out

    def _feature_geoms(self, layer: str, ids: Sequence[str]) -> list[BaseGeometry]:
        out: list[BaseGeometry] = []
        booth_ids = set(self.editor.venue.booths[Col.BOOTH_ID].astype(str))
        for fid in ids:
            if fid in booth_ids:
                out.append(self.booth_geometry(fid))
                continue
            for name, col in _ID_COLUMNS.items():
                if name == "booths" and layer != "booths":
                    continue
                frame = getattr(self.editor.venue, name)
                hit = frame[frame[col].astype(str) == fid] if col in frame else frame.iloc[0:0]
                if len(hit):
                    out.append(hit.geometry.iloc[0])
                    break
        return out

    @staticmethod
    def _bounds(geoms: Sequence[BaseGeometry]) -> tuple[float, float, float, float]:
        x0, y0, x1, y1 = shapely.total_bounds(np.asarray(geoms, dtype=object))
        return (float(x0), float(y0), float(x1), float(y1))

    # ------------------------------------------------------------------ edits

    def _need_selection(self, *, one: bool = False) -> list[str] | None:
        if not self.selected:
            self.param.update(error="select a booth first (tap it or search for it)", notice="")
            return None
        if one and len(self.selected) != 1:
            self.param.update(error="select exactly one booth for this", notice="")
            return None
        return list(self.selected)

    def drag(self, booth_ids: Sequence[str], dx_m: float, dy_m: float) -> tuple[float, float]:
        """Move booths by a drag of ``(dx_m, dy_m)`` snapped to the grid or neighbours' edges.

        Return the move made (``(0, 0)``: none, the input was refused or snapped to nothing).
        """
        ids = list(dict.fromkeys(booth_ids))
        try:
            sdx, sdy = snap_move(self.editor, ids, dx_m, dy_m)
        except EditError as exc:
            self.param.update(error=str(exc), notice="")
            return (0.0, 0.0)
        if abs(sdx) < 1e-9 and abs(sdy) < 1e-9:
            self.param.update(notice="snapped back: no move", error="")
            self.revision += 1  # redraw: the browser shows the unsnapped drag
            return (0.0, 0.0)
        self.selected = ids
        self._edit(lambda: self.editor.move(ids, dx_m=sdx, dy_m=sdy))
        return (sdx, sdy)

    def move_selected(self, dx_m: float, dy_m: float) -> tuple[float, float]:
        """Move the selected booths by a snapped ``(dx_m, dy_m)``."""
        ids = self._need_selection()
        return (0.0, 0.0) if ids is None else self.drag(ids, dx_m, dy_m)

    def rotate(self, deg: float = ROTATE_STEP_DEG) -> bool:
        """Rotate the selected booths by ``deg`` degrees anticlockwise about their centre."""
        ids = self._need_selection()
        return ids is not None and self._edit(lambda: self.editor.rotate(ids, deg))

    def resize(self, width_m: float, depth_m: float) -> bool:
        """Give the selected booth a new width and depth (metres)."""
        ids = self._need_selection(one=True)
        return ids is not None and self._edit(
            lambda: self.editor.resize(ids[0], width_m=width_m, depth_m=depth_m)
        )

    def reshape(self, booth_id: str, coords: Sequence[Sequence[float]]) -> bool:
        """Give a booth a new outline (its vertices moved) and select it.

        A degenerate outline (crossing itself, no area, fewer than 3 points) is refused
        with the reason in ``error``; the layout stays as it was and the map is redrawn,
        which puts the browser's edited outline back.
        """
        ok = self._edit(lambda: self.editor.reshape(booth_id, coords))
        if ok:
            self.selected = [booth_id]
        else:
            self.revision += 1
        return ok

    def draw_rectangle(
        self, x0_m: float, y0_m: float, x1_m: float, y1_m: float, **kw: Any
    ) -> str | None:
        """Add a booth over a dragged box (any two opposite corners), snapped to the grid."""
        g = DRAW_GRID_M
        xs = sorted(round(float(v) / g) * g for v in (x0_m, x1_m))
        ys = sorted(round(float(v) / g) * g for v in (y0_m, y1_m))
        if xs[1] - xs[0] < g or ys[1] - ys[0] < g:
            self.param.update(
                error=f"drag a bigger rectangle: a booth is at least {g:g} × {g:g} m", notice=""
            )
            return None
        return self.add_rectangle(xs[0], ys[0], xs[1] - xs[0], ys[1] - ys[0], **kw)

    def remove(self) -> bool:
        """Delete the selected booths."""
        ids = self._need_selection()
        return ids is not None and self._edit(lambda: self.editor.remove(ids))

    def duplicate(self) -> str | None:
        """Copy the selected booth beside itself (unsold); select and return the copy's id."""
        ids = self._need_selection(one=True)
        if ids is None:
            return None
        src = ids[0]
        new_id = self._new_id(f"{src}-copy")
        x0, _, x1, _ = self.booth_geometry(src).bounds
        if not self._edit(lambda: self.editor.duplicate(src, new_id, dx_m=x1 - x0, dy_m=0.0)):
            return None
        self.selected = [new_id]
        return new_id

    def add_booth(
        self,
        polygon: BaseGeometry | Sequence[Sequence[float]],
        *,
        zone: Zone | str = Zone.SERVICES,
        booth_id: str | None = None,
    ) -> str | None:
        """Add a booth (drawn rectangle or polygon) in the hall under its centre; return its id."""
        geom = polygon if isinstance(polygon, BaseGeometry) else _polygon_or_none(polygon)
        if geom is None:
            self.param.update(error="a booth outline needs at least 3 points", notice="")
            return None
        hall = self._hall_at(geom.representative_point())
        if hall is None:
            self.param.update(error="draw the booth inside a hall", notice="")
            return None
        bid = booth_id or self._new_id(f"{hall}-N")
        if not self._edit(lambda: self.editor.add(bid, geom, hall_id=hall, zone=zone)):
            return None
        self.selected = [bid]
        return bid

    def add_rectangle(
        self, x_m: float, y_m: float, width_m: float, depth_m: float, **kw: Any
    ) -> str | None:
        """Add a ``width_m`` × ``depth_m`` booth with its lower-left corner at ``(x_m, y_m)``."""
        if not (width_m > 0 and depth_m > 0):
            self.param.update(error=f"width and depth must be > 0, got {width_m} × {depth_m}")
            return None
        return self.add_booth(shapely.box(x_m, y_m, x_m + width_m, y_m + depth_m), **kw)

    def assign(self, exhibitor: str, zone: str | None = None) -> bool:
        """Give the selected booth to ``exhibitor`` ('' for unsold), optionally a new zone."""
        ids = self._need_selection(one=True)
        return ids is not None and self._edit(
            lambda: self.editor.assign(ids[0], exhibitor.strip(), zone=zone or None)
        )

    def undo(self) -> bool:
        """Undo the last edit."""
        return self._edit(self.editor.undo)

    def redo(self) -> bool:
        """Redo the last undone edit."""
        return self._edit(self.editor.redo)

    def _new_id(self, stem: str) -> str:
        ids = set(self.editor.venue.booths[Col.BOOTH_ID].astype(str))
        if stem not in ids and not stem.endswith("-N"):
            return stem
        n = 1
        while f"{stem}{n}" in ids:
            n += 1
        return f"{stem}{n}"

    def _hall_at(self, point: BaseGeometry) -> str | None:
        halls = self.editor.venue.halls
        hit = halls[halls.geometry.intersects(point)]
        return str(hit[Col.HALL_ID].iloc[0]) if len(hit) else None

    # --------------------------------------------------------------- versions

    def save(self, message: str, *, as_copy: bool = False) -> int | None:
        """Save the open layout as a new version; return it (``None``: not saved, see ``error``).

        When someone saved since this layout was loaded, nothing is written and ``stale``
        is set: :meth:`reload_latest` (dropping these edits) or ``save(..., as_copy=True)``
        (keeping both) decide. The edits stay open either way until then.
        """
        try:
            version = self.store.save(
                self.editor.venue,
                message=message,
                base=self.base,
                author=self.author,
                as_copy=as_copy,
            )
        except StaleBaseError as exc:
            self.param.update(stale=True, error=str(exc), notice="")
            return None
        except FloorplanError as exc:
            self.param.update(error=str(exc), notice="")
            return None
        except (OSError, sqlite3.Error) as exc:  # nothing was written; the edits stay open
            why = f"not saved: {exc} (is the disk full, or the store's folder read-only?)"
            self.param.update(error=why, notice="")
            return None
        self._base_venue = self.editor.venue.copy()
        self.param.update(
            base=version,
            unsaved=0,
            stale=False,
            error="",
            notice=f"saved version {version}" + (" as a copy" if as_copy else ""),
        )
        self.refresh_versions()
        return version

    def reload_latest(self) -> int | None:
        """Drop the open edits and open the newest saved version."""
        latest = self.store.latest()
        if latest is not None:
            self.open_version(latest)
        return latest

    def open_version(self, version: int) -> bool:
        """Open a saved version for editing (its edits replace the open ones)."""
        try:
            venue = self.store.load(version)
        except FloorplanError as exc:
            self.param.update(error=str(exc), notice="")
            return False
        self._open(venue, version)
        self.param.update(error="", notice=f"opened version {version}")
        return True

    def compare(self, a: int, b: int) -> DiffShapes | None:
        """Compare versions ``a`` and ``b``; keep and return the outlines to draw."""
        try:
            va, vb = self.store.load(a), self.store.load(b)
        except FloorplanError as exc:
            self.param.update(error=str(exc), notice="")
            return None
        d = diff_venues(va, vb, a=a, b=b)
        ga = dict(zip(va.booths[Col.BOOTH_ID].astype(str), va.booths.geometry, strict=True))
        gb = dict(zip(vb.booths[Col.BOOTH_ID].astype(str), vb.booths.geometry, strict=True))
        changed = sorted(set(d.resized) | set(d.reassigned) | set(d.rezoned))
        shapes = DiffShapes(
            d,
            added=[gb[i] for i in d.added],
            removed=[ga[i] for i in d.removed],
            moved=[gb[i] for i in d.moved],
            moved_from=[ga[i] for i in d.moved],
            changed=[gb[i] for i in changed],
        )
        self.param.update(diff=shapes, error="", notice=_diff_text(d))
        return shapes

    def clear_diff(self) -> None:
        """Stop showing a diff."""
        self.diff = None

    def problems_of(self, version: int) -> list[Problem]:
        """Return version ``version``'s problems as the publish gate will find them.

        The open layout's live list when it is that version unedited (the same engine).
        """
        if version == self.base and not self.unsaved:
            return list(self.problems)
        venue = self.store.load(version)
        return check(venue, RuleChoice.ALL, code=self._code or code_of(venue))

    def publish(self, version: int | None = None, *, acknowledge: bool = False) -> int | None:
        """Publish ``version`` (default: the one open) to the kiosks; return it.

        Asks first (sets ``confirm``, returns ``None``) when the open layout has unsaved
        edits and no other version was named (publishing publishes a saved version), and
        when the version has warnings and ``acknowledge`` is false. A version with an
        error is refused, as is one the server cannot build for the kiosks: ``error``
        says why and the published version stays as it was.
        """
        if version is None and self.unsaved:
            n = self.unsaved
            text = (
                f"{n} booth{'s' if n != 1 else ''} changed since version {self.base} and not "
                "saved. Publishing publishes a saved version: save these changes as a new "
                "version and publish it?"
            )
            self.param.update(confirm=Confirm("save", None, text), error="", notice="")
            return None
        v = self.base if version is None else int(version)
        if v is None:
            self.param.update(error="save the layout before publishing it", notice="")
            return None
        try:
            problems = self.problems_of(v)
        except FloorplanError as exc:
            self.param.update(error=str(exc), notice="", confirm=None)
            return None
        errors = [p for p in problems if p.severity is Severity.ERROR]
        if errors:
            self.param.update(error=_refusal(v, errors), notice="", confirm=None)
            return None
        warnings = tuple(p for p in problems if p.severity is Severity.WARNING)
        if warnings and not acknowledge:
            n = len(warnings)
            text = (
                f"Version {v} has {n} warning{'s' if n != 1 else ''}. Publish it to the "
                "kiosks all the same? Your name goes on record with them."
            )
            self.param.update(
                confirm=Confirm("acknowledge", v, text, warnings), error="", notice=""
            )
            return None
        return self._publish(v, warnings if acknowledge else ())

    def _publish(self, version: int, acknowledged: Sequence[Problem]) -> int | None:
        before = self.published
        try:
            pub = self.publisher(version, author=self.author, acknowledge=list(acknowledged))
        except FloorplanError as exc:
            self.param.update(error=str(exc), notice="", confirm=None)
            self.refresh_versions()
            return None
        verb = "rolled back to" if before is not None and version < before else "published"
        acks = pub.acknowledged
        note = f"{verb} version {version}" + (
            f" ({len(acks)} warning{'s' if len(acks) != 1 else ''} acknowledged)" if acks else ""
        )
        self.param.update(error="", notice=note, confirm=None)
        self.refresh_versions()
        return version

    def answer(self, yes: bool, *, message: str = "") -> int | None:
        """Answer the question in ``confirm``: go on with the publish, or drop it.

        For a ``save`` question, yes saves the open layout with ``message`` (default
        "publish") and publishes the new version (asking about its warnings if it has
        any); for an ``acknowledge`` question, yes publishes acknowledging the warnings
        that were listed.
        """
        question = self.confirm
        self.confirm = None
        if question is None or not yes:
            if question is not None:
                self.notice = "not published"
            return None
        if question.kind == "save":
            saved = self.save(message.strip() or "publish")
            return None if saved is None else self.publish(saved)
        if question.version is None:
            return None
        return self._publish(question.version, question.problems)

    def rollback(self) -> int | None:
        """Publish the version published before the current one (the same gate applies)."""
        v = self.store.previous_published()
        if v is None:
            self.param.update(error="nothing was published before: no version to roll back to")
            return None
        return self.publish(v)

    def open_saved(self, venue: Venue, version: int, *, notice: str = "") -> None:
        """Open ``venue``, just saved as ``version`` (an accepted import), for editing."""
        self._open(venue, version)
        self.param.update(error="", notice=notice or f"opened version {version}")

    # ----------------------------------------------------------------- drafts

    def adopt(self, editor: LayoutEditor, *, base: int, unsaved: int, notice: str = "") -> None:
        """Edit ``editor``'s layout (a restored draft) as version ``base`` with its edits.

        Used by :class:`floorplan.app.planner_drafts.DraftKeeper`: ``editor`` holds the
        draft's edits replayed on the version they started from, ``unsaved`` how many
        edits the planner had made since ``base`` was saved or opened.
        """
        self.editor = editor
        self.param.update(
            base=base, unsaved=unsaved, stale=False, selected=[], diff=None, error="", notice=notice
        )
        self._changed()
        self.refresh_versions()


def _refusal(version: int, errors: Sequence[Problem]) -> str:
    n = len(errors)
    shown = "; ".join(str(p) for p in errors[:3]) + (" …" if n > 3 else "")
    return (
        f"version {version} cannot be published: it breaks {n} rule{'s' if n != 1 else ''} "
        f"that block publishing (see Problems): {shown}"
    )


def _polygon_or_none(coords: Sequence[Sequence[float]]) -> BaseGeometry | None:
    pts = np.asarray(coords, dtype=float)
    if pts.ndim != 2 or pts.shape[1] != 2 or len(pts) < 3:
        return None
    return shapely.Polygon(pts)


def _diff_text(d: LayoutDiff) -> str:
    parts = [
        f"{len(ids)} {name}"
        for name, ids in (
            ("added", d.added),
            ("removed", d.removed),
            ("moved", d.moved),
            ("resized", d.resized),
            ("reassigned", d.reassigned),
            ("rezoned", d.rezoned),
        )
        if ids
    ]
    return f"version {d.a} → {d.b}: " + (", ".join(parts) if parts else "no booth changed")
