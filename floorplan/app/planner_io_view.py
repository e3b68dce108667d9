"""Draw the planner's "Import / export" panel: upload a drawing or a list, preview, download.

:class:`~floorplan.app.planner_io.ImportState` holds the logic; this module draws it.
Uploads use Panel's ``FileInput`` (the file reaches the server base64-encoded in one
WebSocket message: a planner's socket takes 20 MiB, the state refuses files over 14 MiB
with a message). Reading a drawing takes ~1 s for the sample hall and ~10 s for 2,000
booths, so it runs in a worker thread (``asyncio.to_thread``): the page's event loop and
other sessions go on meanwhile, and the preview is shown when the read is done. The
downloads are ``FileDownload`` buttons whose file is made when clicked, also in a worker
thread; they export the open layout as the planner sees it, unsaved edits included.
"""

from __future__ import annotations

import asyncio
import io
from typing import TYPE_CHECKING, Any

import panel as pn

from floorplan.app.planner_io import DxfOptions, ImportState, download_name
from floorplan.app.resources import css, macro
from floorplan.io.dxf import Units

if TYPE_CHECKING:
    from collections.abc import Callable

    from floorplan.app.planner import PlannerPage

__all__ = ["ImportTab"]

_INPUT_CSS = css("planner-input")
_MSG_CSS = css("planner-message")
#: The files the upload takes (DWG too, to say what to do with one).
_ACCEPT = ".dxf,.dwg,.csv,.tsv,.txt,.xlsx,.xls,.ods"


class _Download(pn.widgets.FileDownload):
    """A download whose callback may return ``None`` (it failed and said why on the page).

    Panel's own would raise on ``None`` and log a traceback for a failure the planner
    was already told about.
    """

    def _sync_data(self, fileobj: Any) -> None:
        if fileobj is not None:
            super()._sync_data(fileobj)


class ImportTab:
    """The panel that brings a drawing or a list in and hands the open layout out.

    Parameters
    ----------
    page
        The planner page (its state, its map's preview layers, its buttons).
    """

    def __init__(self, page: PlannerPage) -> None:
        self.page = page
        self.state = ImportState(page.state)
        self._reads = 0
        num = {"stylesheets": [_INPUT_CSS], "sizing_mode": "stretch_width"}
        x0, y0 = self.state.default_origin()
        self.crs = pn.widgets.TextInput(name="CRS", value=self.state.default_crs(), **num)
        self.origin = pn.widgets.TextInput(
            name="Drawing 0,0 at (X,Y)", value=f"{x0:.12g},{y0:.12g}", **num
        )
        self.rotation = pn.widgets.FloatInput(name="Rotation °", value=0.0, **num)
        self.units = pn.widgets.Select(
            name="Units", options=[u.value for u in Units], value=Units.AUTO.value, **num
        )
        self.layer_map = pn.widgets.FileInput(accept=".toml", css_classes=["import-map"], **num)
        self.points = pn.widgets.FileInput(
            accept=".csv,.txt,.tsv", css_classes=["import-points"], **num
        )
        self.columns = pn.widgets.TextInput(
            name="List columns (field=header, …)", placeholder="optional", **num
        )
        self.upload = pn.widgets.FileInput(accept=_ACCEPT, css_classes=["import-upload"], **num)
        self.upload.param.watch(self._on_upload, "value")
        # Read the same file again with changed options (a browser sends no new value for
        # the file chosen before).
        self.reread_btn = pn.widgets.Button(
            name="Read the file again with these options",
            stylesheets=[css("planner-button")],
            css_classes=["import-reread"],
            sizing_mode="stretch_width",
        )
        self.reread_btn.on_click(self._on_upload)
        self.report = pn.pane.HTML("", sizing_mode="stretch_width", stylesheets=[_MSG_CSS])
        self.message = pn.pane.HTML("", sizing_mode="stretch_width", stylesheets=[_MSG_CSS])
        self.accept_msg = pn.widgets.TextInput(placeholder="Version message (optional)", **num)
        btn = page._button
        self.accept_btn = btn(
            "Accept as a new version", self._accept, css="import-accept", button_type="primary"
        )
        self.discard_btn = btn("Discard", self.state.discard, css="import-discard")
        self._answer_items = [
            self.accept_msg,
            pn.Row(self.accept_btn, self.discard_btn, sizing_mode="stretch_width"),
        ]
        # Filled while a preview waits, else empty (no hidden column in the page).
        self.answer = pn.Column(sizing_mode="stretch_width")
        self.downloads = [
            self._download("PDF plan", "pdf", "pdf"),
            self._download("DXF drawing", "dxf", "dxf"),
            self._download("IMDF archive", "zip", "imdf"),
        ]
        self.state.param.watch(self._on_state, ["preview", "busy", "notice", "error"])
        self._on_state()

    def view(self) -> pn.Column:
        """Return the panel's column."""
        return pn.Column(
            pn.pane.HTML(macro("planner_io.html", "upload_help")),
            self.upload,
            pn.pane.HTML(macro("planner_io.html", "dxf_help")),
            pn.Row(self.crs, self.units, sizing_mode="stretch_width"),
            pn.Row(self.origin, self.rotation, sizing_mode="stretch_width"),
            pn.pane.HTML("<small>Layer map (TOML, optional)</small>"),
            self.layer_map,
            pn.pane.HTML("<small>Control points (CSV, optional; replace the origin)</small>"),
            self.points,
            self.columns,
            self.reread_btn,
            self.message,
            self.answer,
            self.report,
            pn.pane.HTML(macro("planner_io.html", "download_help")),
            pn.Row(*self.downloads, sizing_mode="stretch_width"),
            sizing_mode="stretch_width",
        )

    # ------------------------------------------------------------------ uploads

    def options(self) -> DxfOptions:
        """Return the drawing options as the inputs say them (bad numbers raise later)."""
        from floorplan.io.dxf.georef import parse_origin  # noqa: PLC0415

        text = (self.origin.value or "").strip()
        return DxfOptions(
            crs=self.crs.value or "",
            origin=parse_origin(text) if text else None,
            rotation_deg=float(self.rotation.value or 0.0),
            units=str(self.units.value or "auto"),
            layer_map=_text(self.layer_map.value),
            layer_map_name=str(self.layer_map.filename or "layer map"),
            control_points=_text(self.points.value),
            control_points_name=str(self.points.filename or "control points"),
        )

    async def _on_upload(self, *_: object) -> None:
        data, name = self.upload.value, str(self.upload.filename or "upload")
        if not data:
            return
        st = self.state
        # A newer upload while this one is read wins: this one's result is then dropped.
        self._reads += 1
        token = self._reads
        st.param.update(busy=name, error="", notice="", preview=None)
        try:
            snap = st.snapshot()
            if name.lower().endswith((".dxf", ".dwg")):
                opts = self.options()
                preview = await asyncio.to_thread(
                    st.read_dxf, bytes(data), name, opts, snapshot=snap
                )
            else:
                cols = self.columns.value or ""
                preview = await asyncio.to_thread(
                    lambda: st.read_exhibitors(bytes(data), name, columns=cols, snapshot=snap)
                )
        except Exception as exc:  # every failure is a message on the page
            if token == self._reads:
                st.fail(name, exc)
            return
        if token == self._reads:
            st.show(preview)

    def _accept(self) -> None:
        if self.state.accept(self.accept_msg.value or "") is not None:
            self.accept_msg.value = ""

    def _on_state(self, *_: object) -> None:
        st, p = self.state, self.state.preview
        self.message.object = macro("planner_io.html", "status", st.busy, st.notice, st.error)
        self.answer.objects = list(self._answer_items) if p is not None else []
        if p is not None:
            n = len(p.problems)
            self.accept_btn.name = "Accept as a new version" + (
                f" ({n} problem{'s' if n != 1 else ''})" if n else ""
            )
        self.report.object = (
            macro("planner_io.html", "preview", p, list(p.problems[:200])) if p else ""
        )
        self.page.show_preview(p)

    # ------------------------------------------------------------------ downloads

    def _download(self, label: str, suffix: str, kind: str) -> pn.widgets.FileDownload:
        make = self._maker(kind)

        async def callback() -> io.BytesIO | None:
            s = self.page.state
            venue = s.venue.copy()
            widget.filename = download_name(venue, s.base, s.unsaved, suffix)
            try:
                data = await asyncio.to_thread(make, venue)
            except Exception as exc:  # a message, never a traceback
                self.state.fail(widget.filename, exc, what="not downloaded")
                return None
            self.state.param.update(error="", notice=f"downloaded {widget.filename}")
            return io.BytesIO(data)

        widget = _Download(
            callback=callback,
            filename=f"layout.{suffix}",
            label=label,
            button_type="default",
            css_classes=[f"download-{kind}"],
            sizing_mode="stretch_width",
        )
        return widget

    @staticmethod
    def _maker(kind: str) -> Callable[[Any], bytes]:
        from floorplan.app.planner_io import layout_dxf, layout_imdf, layout_pdf  # noqa: PLC0415

        return {"pdf": layout_pdf, "dxf": layout_dxf, "imdf": layout_imdf}[kind]


def _text(value: object) -> str:
    """Return an uploaded side file's text ('' when none); UTF-8 with or without a BOM."""
    if not isinstance(value, bytes | bytearray) or not value:
        return ""
    return bytes(value).decode("utf-8-sig", errors="replace")
