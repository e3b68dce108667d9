"""Keep open kiosk pages on the published layout: redraw booths and re-route after a publish.

Each kiosk session polls the shared :class:`~floorplan.app.context.VenueContext` once a
second (cheap: the context itself reads the store at most every ``poll_s`` and builds a
new layout off the event loop). When the context's ``generation`` changes, the session
redraws its booths and labels from the new venue and routes its chosen place again, so
that a visitor's route goes around the moved booths without a reload.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import panel as pn
from bokeh.models import ColumnDataSource
from panel.io.document import unlocked

from floorplan.app.context import VenueContext
from floorplan.app.kiosk import KioskPage, session_kiosk
from floorplan.app.mapview import booth_data

__all__ = ["POLL_MS", "follow_published", "kiosk_live_page", "redraw_kiosk"]

#: How often each kiosk session looks at the shared context (milliseconds).
POLL_MS = 1000
_LABEL_COLUMNS = ("cx", "cy", "booth_id", "exhibitor")


def redraw_kiosk(page: KioskPage) -> None:
    """Draw ``page``'s booths from its context's current venue and route its place again."""
    ctx = page.ctx
    data = booth_data(ctx.venue, page.frame)
    with unlocked():
        for zone, renderer in page.map.zone_renderers.items():
            src: Any = renderer.data_source
            src.data = data.get(zone, {k: [] for k in ("xs", "ys", *_LABEL_COLUMNS)})
        labels = _label_source(page)
        if labels is not None:
            parts = list(data.values())
            labels.data = {
                k: np.concatenate([np.asarray(d[k], dtype=object) for d in parts]) if parts else []
                for k in _LABEL_COLUMNS
            }
    state = page.state
    if not state.selected:
        return
    if state.selected not in ctx.places:  # removed by the planner: back to the home view
        state.param.update(selected="", route=None, route_error="", mode="home")
        with unlocked():
            page.map.home()
        return
    if state.mode == "card":
        state.choose(state.selected)  # a new route on the new layout; redraws via watchers


def _label_source(page: KioskPage) -> ColumnDataSource | None:
    zone_sources = {id(r.data_source) for r in page.map.zone_renderers.values()}
    for r in page.map.figure.renderers:
        src = getattr(r, "data_source", None)
        if (
            isinstance(src, ColumnDataSource)
            and id(src) not in zone_sources
            and set(_LABEL_COLUMNS) <= set(src.data)
        ):
            return src
    return None


def follow_published(page: KioskPage, *, period_ms: int = POLL_MS) -> None:
    """Poll ``page``'s context from this session and redraw when a new layout is served."""
    ctx = page.ctx
    seen = ctx.generation

    def tick() -> None:
        nonlocal seen
        ctx.poll_published()
        if ctx.generation != seen:
            seen = ctx.generation
            redraw_kiosk(page)

    pn.state.add_periodic_callback(tick, period=period_ms)


def kiosk_live_page(ctx: VenueContext) -> pn.viewable.Viewable:
    """Build the kiosk page for this session, as ``kiosk.kiosk_page``, following publishes."""
    page = session_kiosk(ctx)
    if ctx.store is not None:
        follow_published(page)
    return page.view()
