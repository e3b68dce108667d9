"""A planner never loses an edit: unsaved edits survive a server restart (real server, Chromium).

Log in, make edits (rotate twice, resize, give the booth a Chinese exhibitor), and stop
the server with SIGTERM while they are unsaved: the page shows its banner and Save and
Publish are off. A new server process on the same port: the page reloads by itself and
offers the draft. That tab is closed unanswered; the planner logs in again in a new
browser context: the draft is offered, restored, and the booths are the same to the last
bit (the page's data and the saved version's), with the same undo history.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, sync_playwright

from floorplan.io.store import LayoutStore
from floorplan.users import add_user

from _browser import (
    Server,
    in_own_thread,
    kiosk_venue,
    launch_chromium,
    wait_settled,
    write_geojson_folder,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "correct horse battery"
_BOOTHS_JS = """() => {
  const s = Bokeh.documents[0].get_model_by_name('planner-booths');
  return {ids: Array.from(s.data.booth_id), ex: Array.from(s.data.exhibitor),
          xs: s.data.xs.map((a) => Array.from(a)), ys: s.data.ys.map((a) => Array.from(a))};
}"""
_SAME_JS = f"(want) => JSON.stringify(({_BOOTHS_JS})()) === JSON.stringify(want)"


def _log_in(page: Page, url: str) -> None:
    page.fill("input[name=username]", "pat")
    page.fill("input[name=password]", PASSWORD)
    page.locator("button[type=submit]").click()
    page.wait_for_url(f"{url}/planner", timeout=30_000)
    page.locator(".version-info").wait_for(timeout=20_000)


def _unsaved(page: Page, n: int) -> None:
    # The planner counts booths changed (net), not edits: every edit here is of A-101.
    page.locator(f".version-info[data-unsaved='{n}']").wait_for(timeout=20_000)


def _changed(page: Page, before: dict[str, Any]) -> dict[str, Any]:
    """Wait until the page's booths differ from ``before``; return them."""
    page.wait_for_function(
        f"(old) => JSON.stringify(({_BOOTHS_JS})()) !== JSON.stringify(old)",
        arg=before,
        timeout=20_000,
    )
    now: dict[str, Any] = page.evaluate(_BOOTHS_JS)
    return now


def _edit(page: Page) -> list[dict[str, Any]]:
    """Make four edits of A-101; return the booths as the page had them, first and after each."""
    search = page.get_by_placeholder("Search booth id or exhibitor")
    search.fill("A-101")
    page.get_by_role("button", name="A-101 · Acme Motors").click()
    page.get_by_text("Selected: A-101").wait_for(timeout=20_000)
    states = [page.evaluate(_BOOTHS_JS)]
    for _ in (1, 2):
        page.locator(".rot-l button").click()
        states.append(_changed(page, states[-1]))
        _unsaved(page, 1)
    page.get_by_label("Width m").fill("10.5")
    page.get_by_label("Depth m").fill("7")
    page.locator(".resize button").click()
    states.append(_changed(page, states[-1]))
    _unsaved(page, 1)
    page.get_by_label("Exhibitor").fill("数字龙 <b>Ünïcode</b>")
    page.locator(".assign button").click()
    states.append(_changed(page, states[-1]))
    _unsaved(page, 1)
    i = states[-1]["ids"].index("A-101")
    assert states[-1]["ex"][i] == "数字龙 <b>Ünïcode</b>"
    return states


def _outage(page: Page, server: Server) -> None:
    """Stop the server with SIGTERM: the banner shows, Save and Publish are off."""
    server.stop()
    page.wait_for_function(
        "() => document.documentElement.dataset.fpConnection === 'lost'", timeout=15_000
    )
    banner = page.locator(".fp-conn-banner")
    assert banner.is_visible()
    assert "Save and Publish are off" in banner.inner_text()
    assert page.locator(".save button").is_disabled()
    assert page.locator(".publish button").is_disabled()


def _offered(page: Page) -> None:
    offer = page.locator(".draft-offer")
    offer.wait_for(timeout=20_000)
    want = r"Restore your unsaved changes from \d\d:\d\d\? Booths changed: 1\."
    assert re.search(want, offer.inner_text())


def _reloads_and_offers(page: Page, url: str) -> None:
    """The page reloads by itself once the new server answers and offers the draft."""
    page.locator(".draft-offer, input[name=username]").first.wait_for(timeout=20_000)
    if page.locator("input[name=username]").count():  # the log-in did not survive
        _log_in(page, url)
    _offered(page)


def _restore(page: Page, states: list[dict[str, Any]]) -> None:
    """Restore the offered draft; walk the undo history back and forth."""
    page.locator(".draft-restore button").click()
    page.locator(".draft-dialog").wait_for(state="hidden", timeout=20_000)
    page.get_by_text("Restored the unsaved changes from").wait_for(timeout=20_000)
    page.wait_for_function(_SAME_JS, arg=states[-1], timeout=20_000)
    _unsaved(page, 1)
    # The same undo history: each Undo gives the page's state before that edit.
    for want in reversed(states[:-1]):
        page.locator(".undo button").click()
        page.wait_for_function(_SAME_JS, arg=want, timeout=20_000)
    page.locator(".redo button").click()
    page.wait_for_function(_SAME_JS, arg=states[1], timeout=20_000)
    page.locator(".redo button").click()
    page.wait_for_function(_SAME_JS, arg=states[2], timeout=20_000)


def test_unsaved_edits_survive_a_server_restart(tmp_path: Path) -> None:
    venue = write_geojson_folder(kiosk_venue(), tmp_path / "venue")
    users = tmp_path / "users.json"
    add_user(users, "pat", role="planner", password=PASSWORD)
    store = LayoutStore(tmp_path / "layouts.gpkg")
    server = Server("--venue", str(venue), "--users", str(users), "--store", str(store.path))
    states: list[dict[str, Any]] = []

    def scenario() -> None:
        nonlocal server
        with sync_playwright() as p:
            browser = launch_chromium(p)
            page = browser.new_context(viewport={"width": 1600, "height": 1000}).new_page()
            try:
                page.goto(f"{server.url}/login?next=/planner")
                _log_in(page, server.url)
                wait_settled(page)
                page.wait_for_function("() => !!window.__fp_conn", timeout=20_000)
                states.extend(_edit(page))
                (draft,) = store.drafts("pat")
                assert (draft.base, draft.edits) == (1, 1)  # one booth changed
                _outage(page, server)
                server = Server(*server.args, port=server.port)
                t0 = time.monotonic()
                _reloads_and_offers(page, server.url)
                print(f"\ndraft offered {time.monotonic() - t0:.1f} s after the server answered")
                # The tab is closed unanswered; the planner logs in again elsewhere.
                page.context.close()
                page = browser.new_context(viewport={"width": 1600, "height": 1000}).new_page()
                page.goto(f"{server.url}/login?next=/planner")
                _log_in(page, server.url)
                _offered(page)
                _restore(page, states)
                # Saving keeps the layout as a version and deletes the draft.
                page.get_by_text("Versions", exact=True).click()
                page.get_by_placeholder("What changed?").fill("after the restart")
                page.get_by_role("button", name="Save", exact=True).click()
                page.locator(".version-info[data-base='2']").wait_for(timeout=20_000)
                assert store.drafts("pat") == []
            finally:
                browser.close()

    try:
        in_own_thread(scenario)
    finally:
        server.stop()
    # The saved version is the page's state after two rotations, to the last bit.
    saved = store.load(2).booths.set_index("booth_id")
    assert saved.loc["A-101", "exhibitor"] == "Acme Motors"
    i = states[2]["ids"].index("A-101")
    ring = saved.geometry["A-101"].exterior.coords[:-1]
    assert [x for x, _ in ring] == states[2]["xs"][i]
    assert [y for _, y in ring] == states[2]["ys"][i]
