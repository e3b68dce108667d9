"""Drive the planner in Debian's Chromium against a real ``floorplan serve`` subprocess.

The issue's must-show: log in, drag a booth, see it snap, save, reload, see it moved;
publish, and see an open kiosk route around it. And the publish gate: publish a layout
with a warning, acknowledged, see an open kiosk switch to it, then roll back.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import shapely
from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright

from floorplan.io.store import LayoutStore
from floorplan.users import add_user

from _browser import (
    Server,
    in_own_thread,
    kiosk_venue,
    launch_chromium,
    wait_map,
    wait_route,
    wait_settled,
    write_geojson_folder,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "correct horse battery"

_BOOTH_BOX_JS = """(bid) => {
  const d = Bokeh.documents[0];
  const src = d.get_model_by_name('planner-booths');
  const i = src.data.booth_id.indexOf(bid);
  if (i < 0) return null;
  const xs = Array.from(src.data.xs[i]), ys = Array.from(src.data.ys[i]);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}"""

_VIEW_JS = """() => {
  const fig = Bokeh.documents[0].get_model_by_name('floormap');
  return {x0: fig.x_range.start, x1: fig.x_range.end, y0: fig.y_range.start,
          y1: fig.y_range.end, w: fig.inner_width, h: fig.inner_height};
}"""

_KIOSK_BOOTH_JS = """(bid) => {
  const d = Bokeh.documents[0];
  const names = ['automobile', 'agriculture', 'energy', 'digital', 'health', 'services'];
  for (const z of names) {
    const r = d.get_model_by_name('zone-' + z);
    if (!r) continue;
    const i = r.data_source.data.booth_id.indexOf(bid);
    if (i >= 0) return Math.min(...Array.from(r.data_source.data.xs[i]));
  }
  return null;
}"""

_KIOSK_ROUTE_JS = """() => {
  const r = Bokeh.documents[0].get_model_by_name('route');
  return [Array.from(r.data_source.data.x), Array.from(r.data_source.data.y)];
}"""


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Path]]:
    root = tmp_path_factory.mktemp("planner")
    venue = write_geojson_folder(kiosk_venue(), root / "venue")
    users = root / "users.json"
    add_user(users, "pat", role="planner", password=PASSWORD)
    store = root / "layouts.gpkg"
    server = Server("--venue", str(venue), "--users", str(users), "--store", str(store))
    yield server, store
    server.stop()


def _login(page: Page, url: str) -> None:
    page.goto(f"{url}/login?next=/planner")
    page.fill("input[name=username]", "pat")
    page.fill("input[name=password]", PASSWORD)
    page.locator("button[type=submit]").click()
    page.wait_for_url(f"{url}/planner", timeout=30_000)
    page.locator(".version-info").wait_for(timeout=20_000)
    wait_settled(page)


def _to_screen(page: Page, x: float, y: float) -> tuple[float, float]:
    v = page.evaluate(_VIEW_JS)
    canvases = page.locator(".planner-root canvas")
    boxes = [canvases.nth(i).bounding_box() for i in range(canvases.count())]
    box = max((b for b in boxes if b is not None), key=lambda b: b["width"] * b["height"])
    # The frame fills the canvas (no borders, axes or toolbar inside it).
    left = box["x"] + box["width"] - v["w"]
    top = box["y"] + box["height"] - v["h"]
    sx = left + (x - v["x0"]) / (v["x1"] - v["x0"]) * v["w"]
    sy = top + (v["y1"] - y) / (v["y1"] - v["y0"]) * v["h"]
    return sx, sy


def _metres_per_px(page: Page) -> float:
    v = page.evaluate(_VIEW_JS)
    return float((v["x1"] - v["x0"]) / v["w"])


def test_must_show_drag_snap_save_reload_publish_kiosk(served: tuple[Server, Path]) -> None:
    in_own_thread(lambda: _must_show(*served))


def _must_show(server: Server, store_path: Path) -> None:
    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            _drag_save_reload_publish(server, store_path, browser)
        finally:
            browser.close()


def _drag_save_reload_publish(server: Server, store_path: Path, browser: Browser) -> None:
    kiosk_ctx = browser.new_context(viewport={"width": 1920, "height": 1080})
    kiosk = kiosk_ctx.new_page()
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    try:
        # A kiosk is open before anything is published: it routes K1 -> A-102 past A-101.
        kiosk.goto(f"{server.url}/kiosk?kiosk=K1&to=A-102&idle=0")
        wait_map(kiosk)
        wait_route(kiosk)
        assert kiosk.evaluate(_KIOSK_BOOTH_JS, "A-101") == pytest.approx(10.0)

        saved = _drag_and_save(page, server, store_path)
        _publish_and_see_kiosk_follow(page, kiosk, store_path, saved)
    finally:
        context.close()
        kiosk_ctx.close()


def _drag_and_save(page: Page, server: Server, store_path: Path) -> shapely.Polygon:
    """Log in, drag A-101 8.2 m east (it snaps to 8 m), save, reload; return its outline."""
    _login(page, server.url)
    assert page.locator(".version-info").get_attribute("data-base") == "1"
    assert page.evaluate(_BOOTH_BOX_JS, "A-101") == pytest.approx([10, 8, 22, 16])

    # Tap A-101 to select it, then drag it 8.2 m east: the grid snaps it to 8 m.
    cx, cy = _to_screen(page, 16.0, 12.0)
    page.mouse.click(cx, cy)
    page.get_by_text("Selected: A-101").wait_for(timeout=20_000)
    px = 8.2 / _metres_per_px(page)
    page.mouse.move(cx, cy)
    page.mouse.down()
    for k in range(1, 11):
        page.mouse.move(cx + px * k / 10, cy, steps=2)
    page.mouse.up()
    page.wait_for_function(
        f"() => ({_BOOTH_BOX_JS})('A-101')[0] === 18 && ({_BOOTH_BOX_JS})('A-101')[1] === 8",
        timeout=20_000,
    )
    assert page.evaluate(_BOOTH_BOX_JS, "A-101") == pytest.approx([18, 8, 30, 16])
    page.get_by_text("Selected: A-101").wait_for(timeout=20_000)

    # Save with a message; the store holds version 2 with the booth moved.
    page.get_by_text("Versions", exact=True).click()
    page.get_by_placeholder("What changed?").fill("move A-101 east")
    page.get_by_role("button", name="Save", exact=True).click()
    page.locator(".version-info[data-base='2']").wait_for(timeout=20_000)
    store = LayoutStore(store_path)
    saved = store.load(2).booths.set_index("booth_id").geometry["A-101"]
    assert saved.bounds == pytest.approx((18, 8, 30, 16))
    assert store.info(2).author == "pat"

    # Reload: the page opens version 2 with the booth where it was dropped.
    page.reload()
    wait_map(page)
    page.locator(".version-info[data-base='2']").wait_for(timeout=20_000)
    assert page.evaluate(_BOOTH_BOX_JS, "A-101") == pytest.approx([18, 8, 30, 16])
    return saved


def _publish_and_see_kiosk_follow(
    page: Page, kiosk: Page, store_path: Path, saved: shapely.Polygon
) -> None:
    """Publish version 2; the open kiosk draws A-101 moved and routes around it."""
    # The kiosk still shows the old layout until the planner publishes.
    old_x, old_y = kiosk.evaluate(_KIOSK_ROUTE_JS)
    old_route = shapely.LineString(list(zip(old_x, old_y, strict=True)))
    assert kiosk.evaluate(_KIOSK_BOOTH_JS, "A-101") == pytest.approx(10.0)
    assert old_route.intersects(saved.buffer(-0.2))  # the old route crosses the new place

    page.get_by_text("Versions", exact=True).click()
    page.get_by_role("button", name="Publish version 2 to kiosks").click()
    page.locator(".version-info[data-published='2']").wait_for(timeout=20_000)
    assert LayoutStore(store_path).published_version() == 2

    # Within 10 s the open kiosk draws A-101 in its new place and routes around it.
    kiosk.wait_for_function(f"() => ({_KIOSK_BOOTH_JS})('A-101') === 18", timeout=10_000)
    # ... and routes again: wait for a route other than the old one.
    kiosk.wait_for_function(
        f"(old) => JSON.stringify(({_KIOSK_ROUTE_JS})()) !== JSON.stringify(old)",
        arg=[old_x, old_y],
        timeout=10_000,
    )
    new_x, new_y = kiosk.evaluate(_KIOSK_ROUTE_JS)
    assert len(new_x) >= 2
    new_route = shapely.LineString(list(zip(new_x, new_y, strict=True)))
    assert not new_route.intersects(saved.buffer(-0.2))
    page.screenshot(path=str(store_path.with_name("planner.png")))
    kiosk.screenshot(path=str(store_path.with_name("kiosk.png")))


def _drag(page: Page, start: tuple[float, float], end: tuple[float, float]) -> None:
    """Press at venue point ``start``, move in ten steps to ``end`` and release."""
    sx, sy = _to_screen(page, *start)
    ex, ey = _to_screen(page, *end)
    page.mouse.move(sx, sy)
    page.mouse.down()
    for k in range(1, 11):
        page.mouse.move(sx + (ex - sx) * k / 10, sy + (ey - sy) * k / 10, steps=2)
    # A last nudge: Bokeh's box tool takes its final box from the move before the release.
    page.mouse.move(ex + 1, ey + 1)
    page.mouse.move(ex, ey)
    page.mouse.up()


def _wait_box(page: Page, bid: str, box: list[float]) -> None:
    page.wait_for_function(
        f"([b, want]) => {{ const got = ({_BOOTH_BOX_JS})(b);"
        " return got !== null && got.every((v, i) => Math.abs(v - want[i]) < 1e-6); }",
        arg=[bid, box],
        timeout=20_000,
    )


def test_undo_redo_problem_list_and_rectangle_tool(served: tuple[Server, Path]) -> None:
    in_own_thread(lambda: _tools(*served))


def _tools(server: Server, store_path: Path) -> None:
    with sync_playwright() as p:
        browser = launch_chromium(p)
        context = browser.new_context(viewport={"width": 1920, "height": 1080})
        page = context.new_page()
        try:
            _login(page, server.url)
            # Hall B is untouched by the other test (which saves and publishes A-101 only).
            _wait_box(page, "B-101", [70, 8, 82, 16])
            _undo_and_redo_a_drag(page)
            _problem_list_selects_and_zooms(page)
            _rectangle_tool(page)
            page.screenshot(path=str(store_path.with_name("planner-tools.png")))
        finally:
            context.close()
            browser.close()


def _undo_and_redo_a_drag(page: Page) -> None:
    """Drag B-101 4.2 m east (the grid makes it 4 m); Undo and Redo follow it."""
    page.mouse.click(*_to_screen(page, 76.0, 12.0))
    page.get_by_text("Selected: B-101").wait_for(timeout=20_000)
    _drag(page, (76.0, 12.0), (80.2, 12.0))
    _wait_box(page, "B-101", [74, 8, 86, 16])
    undo = page.get_by_role("button", name="Undo", exact=True)
    redo = page.get_by_role("button", name="Redo", exact=True)
    undo.click()
    _wait_box(page, "B-101", [70, 8, 82, 16])
    redo.click()
    _wait_box(page, "B-101", [74, 8, 86, 16])
    undo.click()
    _wait_box(page, "B-101", [70, 8, 82, 16])


def _problem_list_selects_and_zooms(page: Page) -> None:
    """Drag B-102 onto B-101: the problem names both; tapping it selects both and zooms."""
    page.mouse.click(*_to_screen(page, 76.0, 30.0))
    page.get_by_text("Selected: B-102").wait_for(timeout=20_000)
    _drag(page, (76.0, 30.0), (76.0, 16.0))
    _wait_box(page, "B-102", [70, 12, 82, 20])
    page.get_by_text(re.compile(r"^Problems \(\d+\)$")).click()
    buttons = page.locator(".problem button, button.problem, .problem .bk-btn")
    problem = buttons.filter(has_text="B-101").filter(has_text="B-102")
    problem = problem.filter(has_text="booth_overlap")
    problem.first.wait_for(timeout=20_000)
    # The tab's title counts the very list shown.
    _wait_problem_count(page, buttons)
    before = page.evaluate(_VIEW_JS)
    problem.first.click()
    page.get_by_text("Selected: B-101, B-102").wait_for(timeout=20_000)
    page.wait_for_function(
        f"(w) => {{ const v = ({_VIEW_JS})(); return v.x1 - v.x0 < w - 1; }}",
        arg=before["x1"] - before["x0"],
        timeout=20_000,
    )
    view = page.evaluate(_VIEW_JS)
    assert view["x0"] < 70  # both booths (70-82 x 8-20) in view
    assert view["x1"] > 82
    assert view["y0"] < 8
    assert view["y1"] > 20


def _rectangle_tool(page: Page) -> None:
    """Drag a box in hall B's free floor with the rectangle tool: it snaps to 0.5 m."""
    page.get_by_text("Edit", exact=True).first.click()
    page.locator("[title='Draw a booth rectangle']").first.click()
    _drag(page, (86.2, 20.1), (90.1, 24.2))
    page.wait_for_function(f"() => ({_BOOTH_BOX_JS})('B-N1') !== null", timeout=20_000)
    drawn = page.evaluate(_BOOTH_BOX_JS, "B-N1")
    # Corners on the 0.5 m grid, within a grid step of the dragged box (screen
    # rounding); the exact snapping is tested without a browser.
    assert [v * 2 for v in drawn] == [round(v * 2) for v in drawn]
    assert drawn == pytest.approx([86, 20, 90, 24], abs=0.5)
    page.get_by_text("Selected: B-N1").wait_for(timeout=20_000)


def _wait_problem_count(page: Page, buttons: Locator) -> int:
    """Return the count the Problems tab's title says, once the list shows as many.

    Called once the list shows a new problem: a title lagging behind its list (the
    issue's "7 shown while 11 listed") never matches and fails here.
    """
    tab = page.get_by_text(re.compile(r"^Problems \(\d+\)$")).first
    shown = int(re.findall(r"\d+", tab.inner_text())[0])
    expect(buttons).to_have_count(shown, timeout=20_000)
    return shown


@pytest.fixture(scope="module")
def gate_served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Path]]:
    """A server of its own: the kiosk sessions it counts are this test's only."""
    root = tmp_path_factory.mktemp("gate")
    venue = write_geojson_folder(kiosk_venue(), root / "venue")
    users = root / "users.json"
    add_user(users, "pat", role="planner", password=PASSWORD)
    store = root / "layouts.gpkg"
    server = Server("--venue", str(venue), "--users", str(users), "--store", str(store))
    yield server, store
    server.stop()


def test_publish_with_a_warning_acknowledged_then_roll_back(
    gate_served: tuple[Server, Path],
) -> None:
    in_own_thread(lambda: _gate(*gate_served))


def _gate(server: Server, store_path: Path) -> None:
    with sync_playwright() as p:
        browser = launch_chromium(p)
        kiosk_ctx = browser.new_context(viewport={"width": 1920, "height": 1080})
        context = browser.new_context(viewport={"width": 1920, "height": 1080})
        try:
            kiosk = kiosk_ctx.new_page()
            # K1 faces north: the kiosk's map coordinates are the venue's.
            kiosk.goto(f"{server.url}/kiosk?kiosk=K1&to=B-202&idle=0")
            wait_map(kiosk)
            assert kiosk.evaluate(_KIOSK_BOOTH_JS, "B-202") == pytest.approx(95.0)
            page = context.new_page()
            _login(page, server.url)
            _publish_clean_first(page, kiosk, store_path)
            _publish_a_warning_acknowledged(page, kiosk, store_path)
            _roll_back(page, kiosk, store_path)
            page.screenshot(path=str(store_path.with_name("planner-gate.png")))
        finally:
            context.close()
            kiosk_ctx.close()
            browser.close()


def _wait_kiosk_booth(kiosk: Page, bid: str, x0: float) -> None:
    """Wait (10 s at most) until the kiosk draws booth ``bid``'s west edge at ``x0``."""
    kiosk.wait_for_function(
        f"([b, x]) => Math.abs(({_KIOSK_BOOTH_JS})(b) - x) < 1e-6",
        arg=[bid, x0],
        timeout=10_000,
    )


def _status(page: Page, text: str) -> None:
    page.locator(".kiosk-status", has_text=text).wait_for(timeout=30_000)


def _publish_clean_first(page: Page, kiosk: Page, store_path: Path) -> None:
    """Publish version 1 as it is: no warning, no question; the kiosk reports it."""
    page.get_by_text("Versions", exact=True).click()
    page.get_by_role("button", name="Publish version 1 to kiosks").click()
    page.locator(".version-info[data-published='1']").wait_for(timeout=20_000)
    assert LayoutStore(store_path).published_version() == 1
    # The kiosk draws v1 and the server's heartbeat says so to the planner.
    _status(page, "published v1; 1 kiosk session on v1")
    assert kiosk.evaluate(_KIOSK_BOOTH_JS, "B-202") == pytest.approx(95.0)


def _publish_a_warning_acknowledged(page: Page, kiosk: Page, store_path: Path) -> None:
    """Drag B-202 beside exit B-X1, save, publish: confirm the warning; the kiosk follows."""
    page.get_by_text("Edit", exact=True).first.click()
    page.mouse.click(*_to_screen(page, 101.0, 30.0))
    page.get_by_text("Selected: B-202").wait_for(timeout=20_000)
    # 95..107 x 26..34 to 107..119 x 22..30: 1 m beside B-X1 (120, 18..22), off its strip.
    _drag(page, (101.0, 30.0), (113.0, 26.0))
    _wait_box(page, "B-202", [107, 22, 119, 30])
    buttons = page.locator(".problem button, button.problem, .problem .bk-btn")
    page.get_by_text(re.compile(r"^Problems \(\d+\)$")).click()
    buttons.filter(has_text="door_keep_clear").first.wait_for(timeout=20_000)
    assert _wait_problem_count(page, buttons) == 1
    assert "warning" in buttons.first.inner_text()
    # Publish with the edit unsaved: asked to save first, then about the warning.
    page.get_by_text("Versions", exact=True).click()
    page.get_by_placeholder("What changed?").fill("B-202 by the east exit")
    page.get_by_role("button", name="Publish version 1 to kiosks").click()
    page.get_by_text("changed since version 1 and not saved").wait_for(timeout=20_000)
    page.get_by_role("button", name="Save and publish").click()
    page.get_by_text("Version 2 has 1 warning").wait_for(timeout=20_000)
    page.locator(".confirm", has_text="door_keep_clear").wait_for(timeout=20_000)
    assert LayoutStore(store_path).published_version() == 1  # nothing yet
    page.get_by_role("button", name="Acknowledge and publish").click()
    page.locator(".version-info[data-published='2']").wait_for(timeout=20_000)
    store = LayoutStore(store_path)
    last = store.publications()[-1]
    assert (last.version, last.author) == (2, "pat")
    assert [a["rule"] for a in last.acknowledged] == ["door_keep_clear"]
    # The open kiosk switches to version 2 and says so.
    _wait_kiosk_booth(kiosk, "B-202", 107.0)
    _status(page, "published v2; 1 kiosk session on v2")


def _roll_back(page: Page, kiosk: Page, store_path: Path) -> None:
    """Roll back to version 1: the kiosk goes back too."""
    page.get_by_role("button", name="Roll back to version 1").click()
    page.locator(".version-info[data-published='1']").wait_for(timeout=20_000)
    assert LayoutStore(store_path).published_version() == 1
    _wait_kiosk_booth(kiosk, "B-202", 95.0)
    _status(page, "published v1; 1 kiosk session on v1")
