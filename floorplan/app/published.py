"""Keep open kiosk pages on the published layout: redraw booths and re-route after a publish.

Each kiosk session polls the shared :class:`~floorplan.app.context.VenueContext` once a
second (cheap: the context itself reads the store at most every ``poll_s`` and builds a
new layout off the event loop). When the context's ``generation`` changes, the session
redraws its booths and labels from the new venue and routes its chosen place again, so
that a visitor's route goes around the moved booths without a reload.
"""

from __future__ import annotations

import panel as pn
from panel.io.document import unlocked

from floorplan.app.context import VenueContext
from floorplan.app.kiosk import KioskPage, session_kiosk

__all__ = ["POLL_MS", "follow_published", "kiosk_live_page", "redraw_kiosk"]

#: How often each kiosk session looks at the shared context (milliseconds).
POLL_MS = 1000


def redraw_kiosk(page: KioskPage) -> None:
    """Draw ``page``'s booths from its context's current venue and route its place again."""
    ctx = page.ctx
    with unlocked():
        page.map.set_venue(ctx.venue)
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
