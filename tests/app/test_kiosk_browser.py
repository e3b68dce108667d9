"""Drive the kiosk in Debian's Chromium against a real ``floorplan serve`` subprocess."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from floorplan.app.mapview import WINDOW_ABOVE_BOOTHS
from floorplan.generate import generate_venue
from floorplan.io import load_venue, write_venue
from floorplan.users import add_user
from floorplan.venue import bundled_venue_path

from _browser import (
    XSS_NAME,
    Server,
    booths_in_page,
    kiosk_venue,
    map_screen_point,
    route_length,
    search,
    tap_drawn_booth,
    tap_map,
    wait_map,
    wait_route,
    wait_settled,
    write_geojson_folder,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "correct horse battery"
WALK = re.compile(r"\d+ m walk")


NO_KIOSK_LIMIT = ("--kiosk-sessions-per-minute", "0")


@pytest.fixture(scope="session")
def small_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("kiosk")
    venue = write_geojson_folder(kiosk_venue(), root / "venue")
    users = root / "users.json"
    add_user(users, "pat", role="planner", password=PASSWORD)
    # Many tests share this server from one address: the per-client kiosk limit is tested
    # in test_server.py and test_https.py, not here.
    server = Server("--venue", str(venue), "--users", str(users), *NO_KIOSK_LIMIT)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def bundled_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    if (bundled_venue_path() / "halls.geojson").exists():
        server = Server(*NO_KIOSK_LIMIT)
    else:
        # Until halls/chain-expo is committed, serve what the generator writes there.
        path = tmp_path_factory.mktemp("bundled") / "chain-expo"
        write_venue(generate_venue(), path)
        server = Server("--venue", str(path), *NO_KIOSK_LIMIT)
    yield server
    server.stop()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    # A fresh context per test: a new visitor, no cookies.
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    pg = context.new_page()
    yield pg
    context.close()


def _card_text(page: Page) -> str:
    card = page.locator(".card-body")
    card.first.wait_for(timeout=20_000)
    return str(card.first.inner_text())


def test_deep_link_shows_card_distance_and_route(small_server: Server, page: Page) -> None:
    page.goto(f"{small_server.url}/kiosk?kiosk=K1&to=A-101")
    wait_map(page)
    text = _card_text(page)
    assert "Acme Motors" in text
    assert "A-101" in text
    assert WALK.search(text), text
    wait_route(page)
    assert page.locator("ol.steps li").count() >= 2


def test_search_and_pick(small_server: Server, page: Page) -> None:
    page.goto(f"{small_server.url}/kiosk?kiosk=K1")
    wait_map(page)
    assert route_length(page) == 0
    search(page, "Acme")
    hit = page.get_by_role("button", name=re.compile("Acme Motors"))
    hit.first.click(timeout=20_000)
    assert "Acme Motors" in _card_text(page)
    wait_route(page)


def test_search_tolerates_typos_and_finds_toilets(small_server: Server, page: Page) -> None:
    page.goto(f"{small_server.url}/kiosk?kiosk=K1")
    wait_map(page)
    search(page, "toilet")
    page.get_by_role("button", name=re.compile("Restroom A")).first.wait_for(timeout=20_000)
    search(page, "Acne Motors")
    page.get_by_role("button", name=re.compile("Acme Motors")).first.wait_for(timeout=20_000)


def test_tap_a_booth(small_server: Server, page: Page) -> None:
    page.goto(f"{small_server.url}/kiosk?kiosk=K1")
    wait_settled(page)
    tap_drawn_booth(page, "B-101")
    assert "Health First" in _card_text(page)
    wait_route(page)


def test_language_toggle(small_server: Server, page: Page) -> None:
    page.goto(f"{small_server.url}/kiosk?kiosk=K1&to=A-201")
    wait_map(page)
    assert "Booth" in _card_text(page)
    page.get_by_role("button", name="中文").click()
    page.get_by_role("button", name="首页").wait_for(timeout=20_000)
    card = page.locator(".card-body").first
    # The card is redrawn in parts; wait for each part rather than read it once.
    expect(card).to_contain_text("展位")
    expect(card).to_contain_text("华北能源科技")  # the Chinese name leads in Chinese
    expect(card).to_contain_text(re.compile(r"步行 \d+ 米"))
    page.get_by_role("button", name="EN").click()
    page.get_by_role("button", name="Home").wait_for(timeout=20_000)


def test_idle_reset_returns_home(small_server: Server, page: Page) -> None:
    page.goto(f"{small_server.url}/kiosk?kiosk=K1&idle=2")
    wait_map(page)
    search(page, "Acme")
    page.get_by_role("button", name=re.compile("Acme Motors")).first.click(timeout=20_000)
    _card_text(page)
    # No input for longer than the idle time: the kiosk reloads its home view.
    page.wait_for_url(re.compile(r"/kiosk\?kiosk=K1$"), timeout=20_000)
    wait_map(page)
    assert page.locator(".card-body").count() == 0
    assert page.locator(".kiosk-side input").first.input_value() == ""
    assert route_length(page) == 0


def test_html_in_exhibitor_name_is_text(small_server: Server, page: Page) -> None:
    page.goto(f"{small_server.url}/kiosk?kiosk=K1&to=A-202")
    wait_map(page)
    assert XSS_NAME in _card_text(page)
    search(page, "<img")
    hit = page.get_by_role("button", name=re.compile(re.escape(XSS_NAME))).first
    hit.wait_for(timeout=20_000)
    # The name is text in the page, and no element was made of it: with no <img src=x>
    # anywhere (Playwright's selectors pierce shadow roots), its onerror cannot run.
    assert XSS_NAME in hit.inner_text()
    assert page.locator("img[src=x]").count() == 0
    assert page.evaluate("() => window.__xss") is None


def _status(url: str) -> tuple[int, str]:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=20) as r:
            return int(r.status), ""
    except urllib.error.HTTPError as exc:
        return int(exc.code), str(exc.headers.get("Location", ""))


@pytest.mark.parametrize("page_name", ["planner", "staff"])
def test_login_required(small_server: Server, page_name: str) -> None:
    status, location = _status(f"{small_server.url}/{page_name}")
    assert status != 200
    assert status == 302
    assert re.match(r"^\.?/login\?next=%2F" + page_name + "$", location), location
    assert _status(f"{small_server.url}/kiosk")[0] == 200
    # The home page lists the kiosks' set-up links; a kiosk's old link still opens it.
    assert _status(f"{small_server.url}/")[0] == 200
    assert _status(f"{small_server.url}/?kiosk=K1&lang=zh")[1] == "/kiosk?kiosk=K1&lang=zh"


def test_login_roles(small_server: Server, page: Page) -> None:
    page.goto(f"{small_server.url}/login?next=/planner")
    page.fill("input[name=username]", "pat")
    page.fill("input[name=password]", "wrong password")
    page.locator("button[type=submit]").click()
    expect(page.locator("p.error")).to_contain_text("Wrong user name or password")
    page.fill("input[name=username]", "pat")
    page.fill("input[name=password]", PASSWORD)
    page.locator("button[type=submit]").click()
    page.wait_for_url(f"{small_server.url}/planner", timeout=30_000)
    page.locator(".version-info").wait_for(timeout=20_000)
    response = page.goto(f"{small_server.url}/staff")
    assert response is not None
    assert response.status == 403  # a planner is no staff


@pytest.mark.parametrize(("width", "height"), [(1080, 1920), (1920, 1080), (390, 844)])
def test_layout_fits_screen_with_big_targets(
    small_server: Server, browser: Browser, width: int, height: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        page.goto(f"{small_server.url}/kiosk?kiosk=K1&to=A-101")
        _card_text(page)
        wait_settled(page)  # laid out with its style sheets loaded
        scroll = page.evaluate(
            "() => [document.scrollingElement.scrollWidth, document.scrollingElement.scrollHeight]"
        )
        assert scroll[0] <= width
        assert scroll[1] <= height
        map_box = page.locator(".kiosk-map").bounding_box()
        side_box = page.locator(".kiosk-side").bounding_box()
        assert map_box is not None
        assert side_box is not None
        if height > width:  # portrait: map above the panel
            assert side_box["y"] >= map_box["y"] + map_box["height"] - 1
        else:
            assert side_box["x"] >= map_box["x"] + map_box["width"] - 1
        buttons = page.locator(".kiosk-side .bk-btn")
        boxes = [buttons.nth(i).bounding_box() for i in range(buttons.count())]
        heights = [b["height"] for b in boxes if b is not None]
        assert heights
        assert min(heights) >= 48
    finally:
        context.close()


def test_bundled_venue_must_show(bundled_server: Server, page: Page) -> None:
    page.goto(f"{bundled_server.url}/kiosk")
    wait_map(page)
    # Pick a kiosk and a let booth of the venue the server runs.
    venue_path = _served_venue(bundled_server)
    venue = load_venue(venue_path)
    kiosk = str(venue.kiosks["kiosk_id"].iloc[0])
    let = venue.booths[venue.booths["exhibitor"].fillna("") != ""]
    booth = let.iloc[len(let) // 2]
    name = str(booth["exhibitor"])

    page.goto(f"{bundled_server.url}/kiosk?kiosk={kiosk}&to={booth['booth_id']}")
    wait_map(page)
    text = _card_text(page)
    assert name in text
    assert WALK.search(text), text
    wait_route(page)

    page.goto(f"{bundled_server.url}/kiosk?kiosk={kiosk}")
    wait_map(page)
    search(page, name.split(maxsplit=1)[0])
    page.get_by_role("button", name=re.compile(re.escape(name))).first.click(timeout=20_000)
    assert name in _card_text(page)
    wait_route(page)

    page.goto(f"{bundled_server.url}/kiosk?kiosk={kiosk}")
    wait_settled(page)
    tap_drawn_booth(page, str(booth["booth_id"]))
    text = _card_text(page)
    assert str(booth["booth_id"]) in text
    wait_route(page)


def _served_venue(server: Server) -> Path | None:
    args = server.proc.args
    assert isinstance(args, list)
    return Path(args[args.index("--venue") + 1]) if "--venue" in args else None


def _luminance(rgb: str) -> float:
    parts = [float(v) for v in re.findall(r"[\d.]+", rgb)[:3]]
    lin = [(c / 255) / 12.92 if c <= 10 else (((c / 255) + 0.055) / 1.055) ** 2.4 for c in parts]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _contrast(fg: str, bg: str) -> float:
    a, b = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


_BOOTHS_IN_PAGE_JS = """(zones) => zones.reduce((n, z) => {
  const r = Bokeh.documents[0].get_model_by_name('zone-' + z);
  return n + (r ? r.data_source.data.booth_id.length : 0);
}, 0)"""

_VIEW_REPORTED_JS = """() => {
  const d = Bokeh.documents[0];
  const report = d.get_model_by_name('view-report');
  const halls = ['automobile','agriculture','energy','digital','health','services']
    .some(z => d.get_model_by_name('hall-zone-' + z).data_source.data.xs.length > 0);
  return report.data.x0.length > 0 && halls;
}"""

_COLOURS_JS = """(els) => els.filter(e => e.getClientRects().length).map(e => {
  let bg = 'rgba(0, 0, 0, 0)', n = e;
  while (n && /rgba\\(.*, 0\\)$|transparent/.test(bg)) {
    bg = getComputedStyle(n).backgroundColor;
    n = n.parentElement || (n.getRootNode() && n.getRootNode().host);
  }
  return [getComputedStyle(e).color, bg, e.textContent.trim().slice(0, 40)];
})"""


def test_high_contrast_everywhere(small_server: Server, page: Page) -> None:
    page.goto(f"{small_server.url}/kiosk?kiosk=K1&to=A-101")
    wait_map(page)
    _card_text(page)
    page.get_by_role("button", name="High contrast").click()
    page.locator(".kiosk-root.high-contrast").wait_for(state="attached", timeout=20_000)
    expect(page.locator(".card.hc")).to_have_count(1)
    selectors = ".kiosk-side .bk-btn, .kiosk-side input, .card-body td, .card-body h2, .steps li"
    texts = page.locator(selectors).evaluate_all(_COLOURS_JS)
    assert len(texts) >= 12
    low = [(t, round(_contrast(fg, bg), 1)) for fg, bg, t in texts if _contrast(fg, bg) < 7.0]
    assert not low, low  # WCAG AAA: at least 7:1 for every text
    # And in the high-contrast palette only: white or yellow on black, black on yellow.
    palette = {"rgb(0, 0, 0)", "rgb(255, 255, 255)", "rgb(255, 255, 0)"}
    off = [(fg, bg, t) for fg, bg, t in texts if fg not in palette or bg not in palette]
    assert not off, off
    # Widgets drawn after the switch (a search's hits) are high-contrast too.
    search(page, "Acme")
    hits = page.locator(".kiosk-side .hit .bk-btn").evaluate_all(_COLOURS_JS)
    assert hits
    assert all(_contrast(fg, bg) >= 7.0 for fg, bg, _ in hits), hits
    page.get_by_role("button", name="High contrast").click()
    expect(page.locator(".kiosk-root.high-contrast")).to_have_count(0)
    expect(page.locator(".kiosk-side .hc")).to_have_count(0)


@pytest.mark.parametrize(("width", "height"), [(1080, 1920), (1920, 1080)])
def test_legend_leaves_the_route_visible(
    small_server: Server, browser: Browser, width: int, height: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        page.goto(f"{small_server.url}/kiosk?kiosk=K2&to=A-101")
        wait_route(page)
        wait_settled(page)  # the view is fitted after the first draw
        legend = page.evaluate(
            """() => {
              const fig = Bokeh.documents[0].get_model_by_name('floormap');
              const pv = Bokeh.index.find_one(fig);
              const leg = [...fig.below, ...fig.center, ...fig.left, ...fig.right, ...fig.above]
                .find(m => 'click_policy' in m);
              const b = pv.views.find_one(leg).bbox, f = pv.frame.bbox;
              return {overlap: Math.max(0, Math.min(b.x1, f.x1) - Math.max(b.x0, f.x0))
                               * Math.max(0, Math.min(b.y1, f.y1) - Math.max(b.y0, f.y0)),
                      height: b.height, route: Bokeh.documents[0].get_model_by_name('route')
                                                .data_source.data};
            }"""
        )
        assert legend["height"] > 0
        assert legend["overlap"] == 0  # the legend is outside the plot area
        route = legend["route"]
        for x, y in zip(route["x"], route["y"], strict=True):
            assert map_screen_point(page, x, y)["inside"], (x, y)
    finally:
        context.close()


@pytest.fixture(scope="session")
def large_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, int]]:
    # Just above the windowing threshold: windowed like a 74,000-booth venue, quick to build.
    venue = generate_venue(booths=WINDOW_ABOVE_BOOTHS + 500)
    root = tmp_path_factory.mktemp("large")
    path = root / "large.gpkg"
    write_venue(venue, path)
    server = Server("--venue", str(path), "--users", str(root / "users.json"))
    yield server, len(venue.booths)
    server.stop()


def test_large_venue_sends_booths_as_the_view_zooms(
    large_server: tuple[Server, int], page: Page
) -> None:
    server, total = large_server
    page.goto(f"{server.url}/kiosk")
    # No kiosk: the visitor first says where they are (a kiosk from the picker's list).
    page.locator(".start-kiosk button").first.click(timeout=30_000)
    page.locator(".from").first.wait_for(timeout=30_000)
    wait_settled(page)
    # The browser reported its first view (debounced) and the halls by zone are drawn.
    page.wait_for_function(_VIEW_REPORTED_JS, timeout=30_000)
    assert booths_in_page(page) == 0  # the home view: halls by zone, no booths
    frame = map_screen_point(page, 0.0, 0.0)["frame"]
    cx = frame["left"] + frame["width"] / 2
    cy = frame["top"] + frame["height"] / 2
    page.mouse.move(cx, cy)
    span = "() => { const r = Bokeh.documents[0].get_model_by_name('floormap').x_range;"
    span += " return r.end - r.start; }"
    for _ in range(40):  # zoom in until a view about 150 m wide: a few hundred booths
        before = float(page.evaluate(span))
        if before < 150.0:
            break
        page.mouse.wheel(0, -60)
        # Each wheel step zooms in: wait for it rather than for a time.
        page.wait_for_function(f"(b) => ({span})() < b", arg=before, timeout=10_000)
    assert 20.0 < page.evaluate(span) < 150.0
    page.wait_for_function(
        "(js) => eval(js)(['automobile','agriculture','energy','digital','health','services']) > 0",
        arg=_BOOTHS_IN_PAGE_JS,
        timeout=30_000,
    )
    shown = booths_in_page(page)
    assert 0 < shown < total
    # A booth the view brought in can be tapped and routed to.
    bid = page.evaluate(
        """() => { const d = Bokeh.documents[0];
          for (const z of ['automobile','agriculture','energy','digital','health','services']) {
            const b = d.get_model_by_name('zone-' + z).data_source.data;
            const f = d.get_model_by_name('floormap'), xr = f.x_range, yr = f.y_range;
            for (let i = 0; i < b.booth_id.length; i++) {
              const fx = (b.cx[i] - xr.start) / (xr.end - xr.start);
              const fy = (b.cy[i] - yr.start) / (yr.end - yr.start);
              if (fx > 0.3 && fx < 0.7 && fy > 0.3 && fy < 0.7) return b.booth_id[i];
            }
          } return null; }"""
    )
    assert bid is not None
    tap_drawn_booth(page, bid)
    assert bid in _card_text(page)


# --- no kiosk: the start picker, one-tap nearest, 中文, long lists (issue 12 item 1) ----
KIOSK_SIZES = [(1080, 1920), (1920, 1080)]

#: Every text node of the page, shadow roots included (Panel draws widgets in them).
_PAGE_TEXT_JS = """() => {
  const out = [];
  const walk = (n) => {
    if (n.shadowRoot) walk(n.shadowRoot);
    for (const c of n.childNodes) {
      if (c.nodeType === 3) out.push(c.textContent);
      else if ((c.nodeType === 1 && !['STYLE', 'SCRIPT'].includes(c.tagName)) || c.nodeType === 11)
        walk(c);
    }
  };
  walk(document.body);
  return out.join('\\n');
}"""


@pytest.fixture(params=KIOSK_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def kiosk_page(request: pytest.FixtureRequest, browser: Browser) -> Iterator[Page]:
    width, height = request.param
    context = browser.new_context(viewport={"width": width, "height": height})
    pg = context.new_page()
    yield pg
    context.close()


def _page_text(page: Page) -> str:
    return str(page.evaluate(_PAGE_TEXT_JS))


def _choose_destination(page: Page, text: str, name: str) -> None:
    search(page, text)
    page.get_by_role("button", name=re.compile(re.escape(name))).first.click(timeout=20_000)
    _card_text(page)


def test_no_kiosk_routes_after_a_tap_on_the_map(small_server: Server, kiosk_page: Page) -> None:
    page = kiosk_page
    page.goto(f"{small_server.url}/kiosk")
    expect(page.locator(".start-title")).to_have_text("Where are you? / 您在哪里？")
    wait_settled(page)
    assert route_length(page) == 0
    tap_map(page, 5.0, 20.0)  # the aisle at the west wall of hall A (no kiosk: north up)
    expect(page.locator(".from").first).to_contain_text("The point you tapped in Hall A")
    _choose_destination(page, "Health", "Health First")
    wait_route(page)
    link = page.locator("a.deeplink").first.get_attribute("href") or ""
    assert "from=" in link
    # The QR code's link opens the phone page (/m), which draws the same route: a page
    # under a strict CSP, so read it with functions, not Bokeh's helpers' expressions.
    parts = urlsplit(link)
    assert parts.path == "/m"
    to = parse_qs(parts.query)["to"][0]
    phone = page.context.new_page()
    phone.goto(link)
    phone.locator(f"body[data-route={json.dumps(to)}]").wait_for(state="attached", timeout=60_000)
    points = phone.evaluate("() => fp.state.route.geometry.coordinates.length")
    assert points == route_length(page)
    phone.close()


def test_no_kiosk_routes_after_a_start_from_the_list(
    small_server: Server, kiosk_page: Page
) -> None:
    page = kiosk_page
    page.goto(f"{small_server.url}/kiosk")
    wait_map(page)
    page.get_by_role("button", name="Kiosk K2, Hall B").click(timeout=20_000)
    expect(page.locator(".from").first).to_contain_text("Kiosk K2")
    _choose_destination(page, "Acme", "Acme Motors")
    wait_route(page)
    assert "from=K2" in (page.locator("a.deeplink").first.get_attribute("href") or "")


def test_bad_kiosk_keeps_its_notice_and_offers_the_picker(small_server: Server, page: Page) -> None:
    page.goto(f"{small_server.url}/kiosk?kiosk=NOPE&to=B-101")
    wait_map(page)
    notice = page.locator(".kiosk-side p.notice")
    expect(notice).to_contain_text("NOPE")
    assert "Health First" in _card_text(page)
    expect(page.locator(".needs-start")).to_have_count(1)
    page.get_by_role("button", name="Where are you?").click()
    page.get_by_role("button", name=re.compile("Entrance, Hall A")).click(timeout=20_000)
    wait_route(page)  # back to the card, routed from the entrance
    expect(notice).to_contain_text("NOPE")


def test_one_tap_restroom_routes_to_the_routers_nearest(
    small_server: Server, kiosk_page: Page
) -> None:
    from floorplan.routing import Router  # noqa: PLC0415 - heavy, this test only

    venue = kiosk_venue()
    restrooms = list(venue.amenities.loc[venue.amenities["kind"] == "restroom", "amenity_id"])
    nearest = Router(venue).nearest("K2", restrooms)
    name = str(venue.amenities.set_index("amenity_id").loc[nearest.destination, "name"])
    page = kiosk_page
    page.goto(f"{small_server.url}/kiosk?kiosk=K2")
    wait_map(page)
    expect(page.get_by_role("button", name="First aid")).to_be_disabled()
    page.get_by_role("button", name="Restroom").click(timeout=20_000)
    text = _card_text(page)
    assert name in text
    assert f"{round(nearest.length_m)} m walk" in text
    wait_route(page)
    assert route_length(page) >= 2


def test_no_start_disables_one_tap_buttons_with_the_reason(
    small_server: Server, page: Page
) -> None:
    page.goto(f"{small_server.url}/kiosk")
    wait_map(page)
    page.get_by_role("button", name="Kiosk K1, Hall A").click(timeout=20_000)
    expect(page.get_by_role("button", name="Restroom")).to_be_enabled()
    expect(page.get_by_role("button", name="Information")).to_be_disabled()
    expect(page.locator(".why").first).to_contain_text("None in this venue")


def test_search_for_chu_kou_lists_exits(small_server: Server, page: Page) -> None:
    page.goto(f"{small_server.url}/kiosk?kiosk=K1&lang=zh")
    wait_map(page)
    search(page, "出口")
    exits = page.locator(".hit-door button")
    expect(exits.first).to_be_visible()
    labels = exits.all_inner_texts()
    venue = kiosk_venue()
    n_exits = int((venue.openings["kind"] == "emergency_exit").sum())
    assert sum("安全出口" in t for t in labels) == min(n_exits, 12), labels
    assert all(re.search(r"\d+ 米 · \d+ 分钟", t) for t in labels), labels


def _english_with_chinese(venue: Any) -> set[str]:
    """Return every English name of ``venue`` that has a different Chinese one."""
    names: set[str] = set()
    for frame, en, zh in (
        (venue.halls, "name", "name_zh"),
        (venue.amenities, "name", "name_zh"),
        (venue.booths, "exhibitor", "exhibitor_zh"),
        (venue.events, "title", "title_zh"),
    ):
        if zh not in frame.columns:
            continue
        for a, b in zip(frame[en].fillna(""), frame[zh].fillna(""), strict=True):
            if str(a).strip() and str(b).strip() and str(a).strip() != str(b).strip():
                names.add(str(a).strip())
    return names


def test_chinese_mode_shows_chinese_names(bundled_server: Server, kiosk_page: Page) -> None:
    venue = load_venue(_served_venue(bundled_server))
    english = _english_with_chinese(venue)
    assert english  # the bundled venue has Chinese names
    kiosk = str(venue.kiosks["kiosk_id"].iloc[0])
    let = venue.booths[venue.booths["exhibitor_zh"].fillna("") != ""]
    booth = let.iloc[len(let) // 3]
    page = kiosk_page
    page.goto(f"{bundled_server.url}/kiosk?kiosk={kiosk}&lang=zh")
    wait_map(page)
    seen: list[str] = [_page_text(page)]
    page.get_by_role("button", name="洗手间").click(timeout=20_000)
    _card_text(page)
    seen.append(_page_text(page))
    page.get_by_role("button", name="展区").click()
    page.locator(".zone").first.click()
    page.locator(".zone-exhibitor").first.wait_for(timeout=20_000)
    seen.append(_page_text(page))
    page.get_by_role("button", name="活动").click()
    page.locator(".event").first.wait_for(timeout=20_000)
    seen.append(_page_text(page))
    page.goto(f"{bundled_server.url}/kiosk?kiosk={kiosk}&lang=zh&to={booth['booth_id']}")
    expect(page.locator(".card-body").first).to_contain_text(str(booth["exhibitor_zh"]))
    seen.append(_page_text(page))
    search(page, str(booth["exhibitor_zh"])[:2])
    seen.append(_page_text(page))
    page.goto(f"{bundled_server.url}/kiosk?lang=zh")
    page.locator(".start-kiosk").first.wait_for(timeout=20_000)
    seen.append(_page_text(page))
    text = "\n".join(seen)
    leaked = sorted(n for n in english if n in text)
    assert not leaked, leaked[:10]


def test_show_all_lists_the_whole_zone(bundled_server: Server, page: Page) -> None:
    venue = load_venue(_served_venue(bundled_server))
    b = venue.booths
    let = b[b["exhibitor"].fillna("") != ""]
    zone, n = let["zone"].value_counts().index[0], int(let["zone"].value_counts().iloc[0])
    kiosk = str(venue.kiosks["kiosk_id"].iloc[0])
    page.goto(f"{bundled_server.url}/kiosk?kiosk={kiosk}")
    wait_map(page)
    page.get_by_role("button", name="Zones").click()
    page.locator(f".zone-{zone}").click()
    rows = page.locator(".zone-exhibitor button")
    expect(rows).to_have_count(min(n, 24))
    assert n > 24, n  # the point of the test: a zone longer than the first screenful
    page.get_by_role("button", name=f"Show all {n}").click()
    expect(rows).to_have_count(n)
    assert all(re.search(r"\d+ m · \d+ min", t) for t in rows.all_inner_texts()[:5])


def test_home_page_lists_the_kiosks(small_server: Server, page: Page) -> None:
    page.goto(f"{small_server.url}/?lang=zh")
    links = page.locator("a.kiosk-link")
    expect(links).to_have_count(len(kiosk_venue().kiosks))
    href = links.first.get_attribute("href")
    assert href == "/kiosk?kiosk=K1&lang=zh"
    links.first.click()
    wait_map(page)
    expect(page.locator(".card-body")).to_have_count(0)
    assert page.locator(".start-title").count() == 0  # a kiosk knows where it is
