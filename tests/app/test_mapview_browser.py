"""The kiosk's map in Debian's Chromium: labels that never overlap, doors, guides, routes.

Label boxes are read from the page as drawn: the labels are HTML elements (Bokeh's
``HTMLLabelSet``), so each box is the element's own ``getBoundingClientRect`` after the
browser laid it out, not the box the placing code believed it would have. Icons are
drawn on the canvas at a fixed pixel size centred on their point: their boxes are
computed from what the browser holds (point and size) through the plot's own scales.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from floorplan.io import load_venue
from floorplan.schema import Col
from floorplan.venue import bundled_venue_path

from _browser import (
    Server,
    map_screen_point,
    search,
    tap_drawn_booth,
    wait_map,
    wait_route,
    wait_settled,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SIZES = [(1080, 1920), (1920, 1080)]

#: Every label and icon box on the map as drawn, in page pixels, and the plot area.
_BOXES_JS = """() => {
  const d = Bokeh.documents[0], fig = d.get_model_by_name('floormap');
  const pv = Bokeh.index.find_one(fig), r = pv.el.getBoundingClientRect(), f = pv.frame;
  const frame = [r.left + f.bbox.left, r.top + f.bbox.top,
                 r.left + f.bbox.right, r.top + f.bbox.bottom];
  const boxes = [];
  for (const m of fig.center) {
    if (m.type !== 'HTMLLabelSet' && m.constructor.__name__ !== 'HTMLLabelSet') continue;
    for (const el of Bokeh.index.find_one(m).els) {
      if (el.style.display === 'none' || !el.textContent) continue;
      const b = el.getBoundingClientRect();
      if (b.right <= frame[0] || b.left >= frame[2] || b.bottom <= frame[1]
          || b.top >= frame[3]) continue;
      boxes.push({kind: m.name || 'booth', text: el.textContent,
                  box: [b.left, b.top, b.right, b.bottom]});
    }
  }
  const icon = (x, y, s, kind, text) => {
    const cx = r.left + f.x_scale.compute(x), cy = r.top + f.y_scale.compute(y);
    boxes.push({kind, text, box: [cx - s / 2, cy - s / 2, cx + s / 2, cy + s / 2]});
  };
  const shown = d.get_model_by_name('shown-icons').data;
  shown.x.forEach((x, i) => icon(x, shown.y[i], shown.size[i], 'icon', shown.url[i]));
  const here = d.get_model_by_name('here');
  if (here) {
    const h = here.data_source.data;
    h.x.forEach((x, i) => icon(x, h.y[i], here.glyph.w.value, 'here-icon', 'here'));
  }
  const bar = Bokeh.index.find_one(d.get_model_by_name('scale-bar')).bbox;
  const guides = {bar: [r.left + bar.left, r.top + bar.top, r.left + bar.right,
                        r.top + bar.bottom]};
  return {frame, boxes, guides};
}"""


def _overlap(a: list[float], b: list[float]) -> float:
    """Return the area two boxes share."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return max(w, 0.0) * max(h, 0.0)


#: True once the plot's frame spans its element's width (nothing beside the map area):
#: Bokeh has laid the plot out for the page's final size.
_LAID_OUT_JS = """() => {
  const fig = Bokeh.documents[0].get_model_by_name('floormap');
  const pv = Bokeh.index.find_one(fig);
  return !!pv && Math.abs(pv.el.getBoundingClientRect().width - pv.frame.bbox.width) < 1;
}"""


def _drawn(page: Page) -> dict[str, Any]:
    page.wait_for_function(_LAID_OUT_JS)
    wait_settled(page)
    out: dict[str, Any] = page.evaluate(_BOXES_JS)
    return out


def _assert_apart(drawn: dict[str, Any]) -> None:
    """Fail if any two labels or icons drawn overlap (by more than a rounding sliver)."""
    boxes = drawn["boxes"]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert _overlap(a["box"], b["box"]) < 1.0, (a, b)
        assert _overlap(a["box"], drawn["guides"]["bar"]) < 1.0, a


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    s = Server("--kiosk-sessions-per-minute", "0")
    yield s
    s.stop()


@pytest.fixture(scope="module")
def kiosk_id() -> str:
    return str(load_venue(bundled_venue_path()).kiosks[Col.KIOSK_ID].iloc[0])


def _open(browser: Browser, server: Server, size: tuple[int, int], kiosk: str) -> Page:
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    page.goto(f"{server.url}/kiosk?kiosk={kiosk}")
    wait_map(page)
    return page


def _zoom_at(page: Page, x: float, y: float, *, steps: int) -> None:
    """Zoom in with the mouse wheel over map point ``(x, y)``, as a visitor would."""
    pos = map_screen_point(page, x, y)
    page.mouse.move(pos["x"], pos["y"])
    for _ in range(steps):
        page.mouse.wheel(0, -240)
    wait_settled(page)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_labels_never_overlap_overview_and_zoomed(
    browser: Browser, server: Server, kiosk_id: str, size: tuple[int, int]
) -> None:
    page = _open(browser, server, size, kiosk_id)
    try:
        overview = _drawn(page)
        kinds = [b["kind"] for b in overview["boxes"]]
        assert kinds.count("hall-labels") >= 3, kinds
        assert "here-label" in kinds
        assert kinds.count("icon") >= 3
        _assert_apart(overview)
        here = page.evaluate(
            "() => { const d = Bokeh.documents[0].get_model_by_name('here').data_source.data;"
            " return [d.x[0], d.y[0]]; }"
        )
        zoomed = {}
        # About a hall's width, then a few booths across.
        for steps in (2, 2):
            _zoom_at(page, here[0], here[1], steps=steps)
            zoomed = _drawn(page)
            _assert_apart(zoomed)
        texts = {b["kind"]: b["text"] for b in zoomed["boxes"]}
        venue = load_venue(bundled_venue_path())
        ids = set(venue.booths[Col.BOOTH_ID].astype(str))
        names = {" ".join(str(n).split()) for n in venue.booths[Col.EXHIBITOR].dropna()}
        shown = [b["text"] for b in zoomed["boxes"] if b["kind"] == "booth"]
        assert any(t in ids for t in shown), texts
        # Exhibitor names are wrapped to their booth: compare them unwrapped.
        assert any(" ".join(t.split()) in names for t in shown), shown
        assert "here-label" in {b["kind"] for b in zoomed["boxes"]}
    finally:
        page.close()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_doors_key_north_arrow_and_scale_bar_are_drawn(
    browser: Browser, server: Server, kiosk_id: str, size: tuple[int, int]
) -> None:
    page = _open(browser, server, size, kiosk_id)
    try:
        drawn = _drawn(page)
        left, top, right, bottom = drawn["frame"]
        doors = page.evaluate(
            "() => ['entrance', 'emergency_exit', 'connection'].map(k => {"
            " const r = Bokeh.documents[0].get_model_by_name('doors-' + k);"
            " return r ? r.data_source.data.xs.length : 0; })"
        )
        kinds = load_venue(bundled_venue_path()).openings[Col.KIND].astype(str)
        assert sum(doors) == len(kinds) > 0
        assert doors[0] == int(kinds.isin(["entrance", "exit"]).sum())
        for sel in (".map-key", ".map-north"):
            guide = page.locator(sel)
            expect(guide).to_be_visible()
            box = guide.bounding_box()
            assert box is not None
            assert box["width"] > 20
            assert box["height"] > 20
            assert left - 1 <= box["x"]
            assert box["x"] + box["width"] <= right + 1
            assert top - 1 <= box["y"]
            assert box["y"] + box["height"] <= bottom + 1
        expect(page.locator(".map-key img")).to_have_count(
            page.locator(".map-key .map-key-row").count()
        )
        bar = drawn["guides"]["bar"]
        assert bar[2] - bar[0] > 40
        assert left - 1 <= bar[0]
        assert bar[3] <= bottom + 1
    finally:
        page.close()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_short_route_is_padded_and_events_clear_it(
    browser: Browser, server: Server, kiosk_id: str, size: tuple[int, int]
) -> None:
    venue = load_venue(bundled_venue_path())
    kiosk = venue.kiosks.set_index(Col.KIOSK_ID).loc[kiosk_id]
    hall = venue.booths[venue.booths[Col.HALL_ID] == kiosk[Col.HALL_ID]]
    # The booth nearest the kiosk: the shortest route a visitor can ask for.
    near = hall.iloc[int(hall.geometry.distance(kiosk.geometry).to_numpy().argmin())]
    page = _open(browser, server, size, kiosk_id)
    try:
        wait_settled(page)
        tap_drawn_booth(page, str(near[Col.BOOTH_ID]))
        wait_route(page)
        wait_settled(page)
        view = page.evaluate(
            "() => { const d = Bokeh.documents[0], f = d.get_model_by_name('floormap');"
            " const r = d.get_model_by_name('route').data_source.data;"
            " const e = d.get_model_by_name('route-ends').data_source.data;"
            " return {x: [...r.x], y: [...r.y], ends: e.marker.length,"
            " view: [f.x_range.start, f.x_range.end, f.y_range.start, f.y_range.end]}; }"
        )
        x0, x1, y0, y1 = view["view"]
        rx0, rx1, ry0, ry1 = min(view["x"]), max(view["x"]), min(view["y"]), max(view["y"])
        assert view["ends"] == 2
        assert x0 <= rx0 <= rx1 <= x1
        assert y0 <= ry0 <= ry1 <= y1
        # Padded, not zoomed into blank floor: the view is at most a little over the
        # least span a route is shown in, along its narrower side, and the route takes a
        # fair part of it.
        narrow = min(x1 - x0, y1 - y0)
        assert narrow <= 45.0 * 1.3 + 1e-6 or max(rx1 - rx0, ry1 - ry0) >= 0.25 * narrow
        assert narrow >= 30.0
        page.locator(".kiosk-side button", has_text="Events").click()
        page.wait_for_function(
            "() => Bokeh.documents[0].get_model_by_name('route').data_source.data.x.length == 0"
        )
        ends = page.evaluate(
            "() => Bokeh.documents[0].get_model_by_name('route-ends').data_source.data.x.length"
        )
        assert ends == 0
    finally:
        page.close()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_search_hits_are_lit_on_the_map(
    browser: Browser, server: Server, kiosk_id: str, size: tuple[int, int]
) -> None:
    page = _open(browser, server, size, kiosk_id)
    try:
        wait_settled(page)
        search(page, "battery")
        hits = page.locator(".hit-booth, .hit-exhibitor, .hit-product").count()
        assert hits > 0
        page.wait_for_function(
            "() => Bokeh.documents[0].get_model_by_name('hits').data_source.data.xs.length > 0"
        )
        drawn = _drawn(page)
        marks = [b for b in drawn["boxes"] if b["kind"] == "mark-labels"]
        assert marks, "no hit is labelled on the map"
        _assert_apart(drawn)
        colour = page.evaluate(
            "() => { const m = Bokeh.documents[0].get_model_by_name('mark-labels');"
            " return Bokeh.index.find_one(m).els.find(e => e.textContent)"
            ".style.backgroundColor; }"
        )
        assert colour.startswith("rgb")
    finally:
        page.close()
