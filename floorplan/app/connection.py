"""Watch a page's connection to the server: a banner while it is lost, a reload when back.

Panel serves pages with Bokeh's session reconnection off (``pn.config.reconnect`` is
false), so a page whose websocket closed — the server restarted, crashed, or the network
dropped — is dead for good: its session is gone with the server's memory, or discarded
a few seconds after the socket closed. Left alone, a kiosk then ignores every tap until
someone reloads it by hand.

:func:`watch_connection` gives a session's document the browser-side watchdog
``static/connection-watch.mjs``: it notices the loss (Bokeh's ``connection_lost``
document event, the browser's ``offline`` event, or two failed heartbeats to
``/liveness``), shows the banner of ``templates/connection.html`` over the page, asks
``/liveness`` again with backoff, and reloads the page into ``reload_url`` as soon as the
server answers. ``/liveness`` is Panel's own endpoint: without arguments it answers at
once, building nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from bokeh.events import DocumentReady

from floorplan.app.resources import css_text, custom_js, macro
from floorplan.app.theme import CSS_VARIABLES

__all__ = ["BEAT_S", "MAX_RETRY_S", "PROBE_URL", "watch_connection"]

#: What the watchdog asks to learn whether the server answers (public, cheap).
PROBE_URL: Final = "/liveness"
#: Seconds between heartbeats while connected; two failed in a row count as lost.
BEAT_S: Final = 5.0
#: The longest wait between two probes while lost (the backoff's cap, in seconds): a
#: page notices its server's return within this, plus the reload.
MAX_RETRY_S: Final = 4.0
#: Pages wait a random time up to this before reloading, so that a hall of kiosks
#: does not build its sessions all in the same second.
JITTER_S: Final = 1.0


def banner_style() -> str:
    """Return the banner's style sheet with the theme's colours, for the document itself."""
    # The banner lives outside every shadow root, where theme.variables_css's ``:host``
    # would not reach: the variables are defined on the document's root here.
    body = " ".join(f"--fp-{name}: {colour};" for name, colour in CSS_VARIABLES.items())
    return f":root {{ {body} }}\n{css_text('connection-banner')}"


def watch_connection(
    doc: Any,
    *,
    reload_url: str,
    title: str,
    details: Sequence[str] = (),
    block: Sequence[str] = (),
    beat_s: float = BEAT_S,
) -> None:
    """Give ``doc`` (a session's Bokeh document) the connection watchdog.

    Parameters
    ----------
    doc
        The session's document.
    reload_url
        Where the page goes once the server answers again (path and query).
    title, details
        The banner's lines (plain text, escaped by the template).
    block
        CSS classes of the buttons to disable while the connection is lost (the whole
        page is then shielded from clicks too); empty: the page stays as it is.
    beat_s
        Seconds between heartbeats while connected.
    """
    ready = custom_js(
        "connection-watch",
        phase="ready",
        reload_url=reload_url,
        probe_url=PROBE_URL,
        beat_ms=int(beat_s * 1000),
        max_ms=int(MAX_RETRY_S * 1000),
        jitter_ms=int(JITTER_S * 1000),
        banner_html=macro("connection.html", "banner", title, list(details)),
        style_text=banner_style(),
        block=list(block),
    )
    doc.js_on_event(DocumentReady, ready)
    doc.js_on_event("connection_lost", custom_js("connection-watch", phase="lost"))
