"""The pages' connection watchdog, server side: what a session's document is given."""

from __future__ import annotations

from typing import Any

from floorplan.app import theme
from floorplan.app.connection import PROBE_URL, banner_style, watch_connection


class _Doc:
    """What the watchdog needs of a Bokeh document: ``js_on_event``, recorded."""

    def __init__(self) -> None:
        self.callbacks: dict[str, list[Any]] = {}

    def js_on_event(self, event: Any, *callbacks: Any) -> None:
        name = str(getattr(event, "event_name", event))
        self.callbacks.setdefault(name, []).extend(callbacks)


def test_the_document_gets_the_watchdog_on_ready_and_on_a_lost_connection() -> None:
    doc = _Doc()
    watch_connection(
        doc,
        reload_url="/kiosk?kiosk=K1&lang=zh",
        title="Reconnecting… <b>x</b> & 正在重新连接…",
        details=["one", "两"],
        block=["save"],
    )
    got = doc.callbacks
    assert set(got) == {"document_ready", "connection_lost"}
    (ready,) = got["document_ready"]
    (lost,) = got["connection_lost"]
    assert ready.module
    assert lost.module
    assert "export default" in ready.code
    assert ready.args["phase"] == "ready"
    assert lost.args["phase"] == "lost"
    assert ready.args["reload_url"] == "/kiosk?kiosk=K1&lang=zh"
    assert ready.args["probe_url"] == PROBE_URL == "/liveness"
    assert ready.args["block"] == ["save"]
    # The banner is the template's, every line escaped: markup in a line stays text.
    html = ready.args["banner_html"]
    assert "&lt;b&gt;x&lt;/b&gt; &amp; 正在重新连接…" in html
    assert "<b>" not in html
    assert html.count("fp-conn-detail") == 2


def test_the_banner_style_defines_the_theme_on_the_document_root() -> None:
    css = banner_style()
    # Outside every shadow root: :root, never :host (which matches nothing there).
    assert css.startswith(":root {")
    assert ":host" not in css
    for name, colour in theme.CSS_VARIABLES.items():
        assert f"--fp-{name}: {colour};" in css
    assert ".fp-conn-banner" in css
    assert "var(--fp-banner-bg)" in css
