"""Bring a fair into the planner and hand the open layout out: uploads and downloads.

:class:`ImportState` holds one pending import at a time: a hall's CAD drawing (DXF,
:func:`floorplan.io.dxf.import_dxf`) or an exhibitor list (CSV/XLSX,
:func:`floorplan.io.exhibitors.import_exhibitors`) read into an :class:`ImportPreview`
(the imported layout, the import's report, and the rule engine's problems of it, as the
planner lists them). :meth:`ImportState.accept` saves the preview as a new layout version
of the planner's store and opens it; :meth:`ImportState.discard` drops it. Reading is
split from showing (:meth:`ImportState.read_dxf` computes and raises; :meth:`show` and
:meth:`fail` update the params), so that the page can read in a worker thread and show on
its event loop. A file that cannot be read leaves a message naming the file (and the
layer, id and rule, as the importers say them) and saves nothing.

:func:`layout_pdf`, :func:`layout_dxf` and :func:`layout_imdf` export a layout (the
planner's open one, unsaved edits included) as the bytes of a download.

Nothing here imports Panel or Bokeh.
"""

from __future__ import annotations

import logging
import math
import re
import sqlite3
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Final

import param

from floorplan.app.planner_state import PlannerState
from floorplan.errors import FloorplanError, StaleBaseError
from floorplan.problems import Problem, Severity
from floorplan.rules import Code, RuleChoice, check, code_of
from floorplan.venue import Venue

__all__ = [
    "MAX_UPLOAD_BYTES",
    "DxfOptions",
    "ImportKind",
    "ImportPreview",
    "ImportState",
    "PlannerSnapshot",
    "download_name",
    "layout_dxf",
    "layout_imdf",
    "layout_pdf",
]

_log = logging.getLogger(__name__)

#: The largest file the planner takes. Panel's FileInput sends a file base64-encoded in one
#: WebSocket message (4 bytes per 3), and a planner's socket takes messages of at most
#: 20 MiB (:data:`floorplan.app.auth.STAFF_MESSAGE_BYTES`): 14 MiB leaves room for the rest
#: of the message. A 2,000-booth drawing (~60,000 entities) is ~8 MB of DXF.
MAX_UPLOAD_BYTES: Final = 14 * 2**20
#: Suffixes of the exhibitor lists :func:`~floorplan.io.exhibitors.import_exhibitors` reads.
LIST_SUFFIXES: Final = (".csv", ".txt", ".tsv", ".xlsx", ".xls", ".ods")


class ImportKind(StrEnum):
    """What an upload was read as."""

    DXF = "dxf"
    EXHIBITORS = "exhibitors"


@dataclass(frozen=True)
class DxfOptions:
    """Where a drawing lies and how to read it: the ``floorplan import dxf`` options.

    Empty ``crs`` means the open layout's CRS (a store keeps one CRS); no ``origin`` and no
    ``control_points`` means :meth:`ImportState.default_origin` (the open layout's
    south-west corner), so that the drawing lands where the layout is.
    """

    crs: str = ""
    origin: tuple[float, float] | None = None
    rotation_deg: float = 0.0
    units: str = "auto"
    layer_map: str = ""
    layer_map_name: str = "layer map"
    control_points: str = ""
    control_points_name: str = "control points"


@dataclass(frozen=True)
class ImportPreview:
    """An import read and checked, waiting to be accepted or discarded.

    Attributes
    ----------
    kind
        A drawing (the layout is replaced) or an exhibitor list (applied to the open layout).
    source
        The uploaded file's name.
    venue
        The layout accepting it saves.
    report_text, report
        The importer's report as text (``to_text()``) and as JSON has it (``to_dict()``).
    problems
        Every rule of the engine the layout breaks, as the planner lists them.
    base
        The version it is saved on (the latest for a drawing, the open one for a list).
    note
        What accepting does, in words.
    """

    kind: ImportKind
    source: str
    venue: Venue
    report_text: str
    report: dict[str, Any]
    problems: tuple[Problem, ...]
    base: int | None
    note: str
    made: dict[str, int] = field(default_factory=dict)

    @property
    def booths(self) -> int:
        """Return how many booths the imported layout has."""
        return len(self.venue.booths)

    @property
    def errors(self) -> int:
        """Return how many of the problems are errors (they block publishing)."""
        return sum(p.severity is Severity.ERROR for p in self.problems)


@dataclass(frozen=True)
class PlannerSnapshot:
    """What a read needs of the planner, taken on the page's thread before a worker reads."""

    venue: Venue
    crs: str
    origin: tuple[float, float]
    code: Code
    base: int | None
    latest: int | None
    unsaved: int


class ImportState(param.Parameterized):
    """A planner's pending import: read, shown, then accepted as a version or discarded.

    Parameters
    ----------
    planner
        The planner's state: its store, open layout, author and rules.
    """

    preview = param.Parameter(default=None, doc="The ImportPreview awaiting an answer.")
    busy = param.String(default="", doc="The file being read now, if any.")
    notice = param.String(default="")
    error = param.String(default="", doc="Why the last upload or accept failed.")

    def __init__(self, planner: PlannerState, **params: Any) -> None:
        super().__init__(**params)
        self.planner = planner

    # ------------------------------------------------------------------ reading

    def default_crs(self) -> str:
        """Return the open layout's CRS (``EPSG:32650``): the store keeps one CRS."""
        return str(self.planner.venue.crs.to_string())

    def default_origin(self) -> tuple[float, float]:
        """Return the open layout's south-west corner, rounded to the metre."""
        x0, y0, _, _ = self.planner.venue.halls.total_bounds
        if not (math.isfinite(x0) and math.isfinite(y0)):  # a layout without halls
            return (0.0, 0.0)
        return (float(round(x0)), float(round(y0)))

    def snapshot(self) -> PlannerSnapshot:
        """Return what a read needs of the planner, taken now (on the page's thread)."""
        p = self.planner
        return PlannerSnapshot(
            venue=p.venue.copy(),
            crs=self.default_crs(),
            origin=self.default_origin(),
            code=p.code,
            base=p.base,
            latest=p.store.latest(),
            unsaved=p.unsaved,
        )

    def read_dxf(
        self,
        data: bytes,
        name: str,
        options: DxfOptions | None = None,
        *,
        snapshot: PlannerSnapshot | None = None,
    ) -> ImportPreview:
        """Read a drawing's bytes into a preview (no param changes: safe in a worker thread).

        ``snapshot`` is the planner as :meth:`snapshot` took it (default: now).

        Raises
        ------
        FloorplanError
            When the drawing, the layer map or the control points cannot be read or the
            drawing cannot be placed (the message names the file).
        """
        from floorplan.io.dxf import (  # noqa: PLC0415 - ezdxf only when a drawing comes
            Georef,
            import_dxf,
            load_layer_map,
            read_control_points,
        )
        from floorplan.io.dxf.georef import parse_crs  # noqa: PLC0415

        snap = snapshot or self.snapshot()
        opts = options or DxfOptions()
        _check_size(data, name)
        layer_map = (
            load_layer_map(opts.layer_map_name, text=opts.layer_map)
            if opts.layer_map.strip()
            else None
        )
        crs = opts.crs.strip() or snap.crs
        parse_crs(crs)
        if opts.control_points.strip():
            points = tuple(read_control_points(opts.control_points_name, text=opts.control_points))
            georef = Georef(crs, rotation_deg=opts.rotation_deg, control_points=points)
        else:
            georef = Georef(crs, origin=opts.origin or snap.origin, rotation_deg=opts.rotation_deg)
        result = import_dxf(data, georef, layer_map=layer_map, units=opts.units, name=name)
        venue = result.venue
        if not venue.meta.get("code") and snap.venue.meta.get("code"):
            # The same fair's fire code: the planner's checks and the publish gate agree.
            venue.meta = {**venue.meta, "code": snap.venue.meta["code"]}
        note = (
            f"Accepting saves the drawing's layout ({len(venue.booths)} booths in "
            f"{len(venue.halls)} halls) as a new version in place of the open one"
            + (f"; the {snap.unsaved} unsaved booth change(s) are dropped" if snap.unsaved else "")
            + "."
        )
        return ImportPreview(
            kind=ImportKind.DXF,
            source=name,
            venue=venue,
            report_text=result.report.to_text(),
            report=result.report.to_dict(),
            problems=tuple(check(venue, RuleChoice.ALL, code=code_of(venue))),
            base=snap.latest,
            note=note,
            made=dict(result.report.made),
        )

    def read_exhibitors(
        self, data: bytes, name: str, *, columns: str = "", snapshot: PlannerSnapshot | None = None
    ) -> ImportPreview:
        """Read an exhibitor list's bytes against the open layout into a preview.

        Rows that name no booth of the open layout are rejected: the list is all or
        nothing, as ``floorplan import exhibitors`` without ``--partial``.

        Raises
        ------
        FloorplanError
            When the list cannot be read, has no booth-number column, or a row is rejected.
        """
        from floorplan.errors import ExhibitorListError, ExhibitorMatchError  # noqa: PLC0415
        from floorplan.io.exhibitors import import_exhibitors, parse_columns  # noqa: PLC0415

        snap = snapshot or self.snapshot()
        _check_size(data, name)
        if not name.lower().endswith(LIST_SUFFIXES):
            msg = f"{name}: an exhibitor list is a {', '.join(LIST_SUFFIXES)} file"
            raise ExhibitorListError(msg)
        cols = parse_columns(columns) if columns.strip() else None
        result = import_exhibitors(data, snap.venue, columns=cols, name=name)
        report = result.report
        if not report.complete:
            n = len(report.rejected)
            shown = "; ".join(str(r) for r in report.rejected[:5]) + (" …" if n > 5 else "")
            msg = f"{name}: {n} row(s) match no booth of the open layout, nothing applied: {shown}"
            raise ExhibitorMatchError(msg)
        note = (
            f"Accepting saves the open layout (version {snap.base}"
            + (f" with its {snap.unsaved} unsaved booth change(s)" if snap.unsaved else "")
            + f") with {report.booths_filled} booth(s) filled from the list as a new version."
        )
        return ImportPreview(
            kind=ImportKind.EXHIBITORS,
            source=name,
            venue=result.venue,
            report_text=report.to_text(),
            report=report.to_dict(),
            problems=tuple(check(result.venue, RuleChoice.ALL, code=snap.code)),
            base=snap.base,
            note=note,
            made={"rows": report.matched, "booths": report.booths_filled},
        )

    # ------------------------------------------------------------------ showing

    def show(self, preview: ImportPreview) -> None:
        """Show a preview read by :meth:`read_dxf` or :meth:`read_exhibitors`."""
        n = len(preview.problems)
        self.param.update(
            preview=preview,
            busy="",
            error="",
            notice=f"read {preview.source}: {preview.booths} booths, "
            f"{n} problem{'s' if n != 1 else ''}; accept or discard it",
        )

    def fail(self, name: str, exc: BaseException, *, what: str = "not imported") -> None:
        """Say why ``name`` failed (``what``: not imported, not downloaded).

        A failed import drops the pending preview; a failed download keeps it.
        """
        text = str(exc)
        if not isinstance(exc, FloorplanError):
            # A bug in an importer or exporter: the planner gets one line, the log the trace.
            _log.error("%s: %s", what, name, exc_info=exc)
            text = f"{type(exc).__name__}: {exc}"
        if name and name not in text:
            text = f"{name}: {text}"
        drop = {"preview": None} if what == "not imported" else {}
        self.param.update(busy="", notice="", error=f"{what}: {text}", **drop)

    def run(self, name: str, read: Callable[[], ImportPreview]) -> ImportPreview | None:
        """Read with ``read()`` and show the preview, or say why it failed (never raises)."""
        try:
            preview = read()
        except Exception as exc:  # every failure becomes a message on the page
            self.fail(name, exc)
            return None
        self.show(preview)
        return preview

    def upload_dxf(
        self, data: bytes, name: str, options: DxfOptions | None = None
    ) -> ImportPreview | None:
        """Read a drawing and show its preview (in this thread); ``None``: see ``error``."""
        return self.run(name, lambda: self.read_dxf(data, name, options))

    def upload_exhibitors(
        self, data: bytes, name: str, *, columns: str = ""
    ) -> ImportPreview | None:
        """Read an exhibitor list and show its preview (in this thread)."""
        return self.run(name, lambda: self.read_exhibitors(data, name, columns=columns))

    # ------------------------------------------------------------------ answering

    def accept(self, message: str = "") -> int | None:
        """Save the preview as a new version, open it and return it (``None``: see ``error``).

        A drawing is saved on the latest version, a list on the open one; when someone
        saved meanwhile nothing is written and the preview stays to try again.
        """
        p = self.preview
        if p is None:
            self.param.update(error="nothing to accept: upload a drawing or a list first")
            return None
        text = message.strip() or f"import {p.kind.value} {p.source}"
        store, planner = self.planner.store, self.planner
        try:
            version = store.save(p.venue, message=text, base=p.base, author=planner.author)
            venue = store.load(version)
        except StaleBaseError as exc:
            self.param.update(error=f"not saved: {exc}; discard and import again", notice="")
            return None
        except (FloorplanError, OSError, sqlite3.Error) as exc:
            self.param.update(error=f"not saved: {exc}", notice="")
            return None
        planner.open_saved(venue, version, notice=f"saved {p.source} as version {version}")
        self.param.update(preview=None, error="", notice=f"saved as version {version}")
        return version

    def discard(self) -> None:
        """Drop the pending preview; nothing is saved."""
        p = self.preview
        self.param.update(
            preview=None, error="", notice=f"discarded {p.source}" if p is not None else ""
        )


def _check_size(data: bytes, name: str) -> None:
    from floorplan.errors import VenueReadError  # noqa: PLC0415

    if not data:
        msg = f"{name}: the file is empty"
        raise VenueReadError(msg)
    if len(data) > MAX_UPLOAD_BYTES:
        msg = (
            f"{name}: {len(data) / 2**20:.1f} MiB is over the planner's upload limit of "
            f"{MAX_UPLOAD_BYTES / 2**20:.0f} MiB; import it with floorplan import on the server"
        )
        raise VenueReadError(msg)


# ---------------------------------------------------------------------- downloads


def download_name(venue: Venue, version: int | None, unsaved: int, suffix: str) -> str:
    """Return a file name for a download of a layout: ``chain-expo-v3-edited.pdf``."""
    stem = re.sub(r"[^A-Za-z0-9]+", "-", str(venue.name or "layout")).strip("-").lower()
    ver = f"-v{version}" if version is not None else ""
    return f"{stem or 'layout'}{ver}{'-edited' if unsaved else ''}.{suffix}"


def layout_pdf(venue: Venue) -> bytes:
    """Return the printed plan of ``venue``: the whole venue, each hall, the directory.

    Raises
    ------
    FontError
        When no installed font has Chinese.
    """
    from floorplan.render import plan_pdf  # noqa: PLC0415 - matplotlib only when printing

    return plan_pdf(venue, all_halls=True)


def layout_dxf(venue: Venue, *, units: str = "m") -> bytes:
    """Return ``venue`` as a DXF drawing (``floorplan export dxf``)."""
    from floorplan.io.dxf import export_dxf  # noqa: PLC0415 - ezdxf only when exporting

    with tempfile.TemporaryDirectory(prefix="floorplan-dxf-") as tmp:
        path = export_dxf(venue, Path(tmp) / "layout.dxf", units=units)
        return path.read_bytes()


def layout_imdf(venue: Venue) -> bytes:
    """Return ``venue`` as an IMDF archive (ZIP) (``floorplan export imdf``)."""
    from floorplan.io.imdf import archive_bytes  # noqa: PLC0415

    return archive_bytes(venue)
