"""Keep open kiosk pages on the published layout: redraw booths and re-route after a publish.

The server's one :class:`~floorplan.app.context.PublishWatcher` notices a publish and
builds the new layout's snapshot once; :meth:`~floorplan.app.context.VenueContext.publish`
pushes it to every kiosk session that subscribed here, on that session's own loop. The
session redraws its booths and labels from the new venue and routes its chosen place
again, so that a visitor's route goes around the moved booths without a reload. No
session polls.
"""

from __future__ import annotations

import panel as pn

from floorplan.app.context import VenueContext
from floorplan.app.kiosk import KioskPage, session_kiosk

__all__ = ["follow_published", "kiosk_live_page"]


def follow_published(page: KioskPage) -> int | None:
    """Have the server push each newly published layout to ``page``; return the token.

    ``None`` outside a server session (no document to push to).
    """
    ctx, doc = page.ctx, pn.state.curdoc
    if doc is None or doc.session_context is None:
        return None
    token, current = ctx.subscribe(doc, page.follow)
    doc.on_session_destroyed(lambda _session: ctx.unsubscribe(token))
    if current is not page.state.snap:  # a publish landed while the page was built
        page.follow(current)
    return token


def kiosk_live_page(ctx: VenueContext) -> pn.viewable.Viewable:
    """Build the kiosk page for this session, as ``kiosk.kiosk_page``, following publishes."""
    page = session_kiosk(ctx)
    if ctx.store is not None:
        follow_published(page)
    return page.view()
