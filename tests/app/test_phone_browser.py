"""Drive the phone page /m in Debian's Chromium on a phone's viewport, against a real server.

The page's Content-Security-Policy forbids ``eval``, so waits are on elements the page marks
(``body[data-ready]``, ``body[data-route=ID]``, ``#hits[data-q=...]``) or on promises the
map resolves (its ``idle`` event), never on Playwright's polled predicates.
"""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
import segno
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize

from floorplan.schema import Col

from _browser import Server, kiosk_venue, write_geojson_folder

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("phone")
    venue = write_geojson_folder(kiosk_venue(), root / "venue")
    s = Server("--venue", str(venue), "--users", str(root / "users.json"))
    yield s
    s.stop()


@pytest.fixture(scope="module")
def stepped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The kiosk venue whose only door between its halls has a step."""
    root = tmp_path_factory.mktemp("stepped")
    v = kiosk_venue()
    v.openings.loc[v.openings[Col.OPENING_ID] == "AB-C1", Col.STEP_FREE] = False
    s = Server(
        "--venue", str(write_geojson_folder(v, root / "venue")), "--users", str(root / "users.json")
    )
    yield s
    s.stop()


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("bundled")
    s = Server("--users", str(root / "users.json"))
    yield s
    s.stop()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    ctx = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    pg = context.new_page()
    problems: list[str] = []
    pg.on("pageerror", lambda e: problems.append(str(e)))
    pg.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    pg.problems = problems  # type: ignore[attr-defined]
    return pg


def _open(page: Page, url: str) -> None:
    page.goto(url)
    page.locator("body[data-ready], body[data-failed]").wait_for(state="attached", timeout=60_000)
    assert page.locator("body[data-ready]").count() == 1, page.locator("#banner").inner_text()


def _search(page: Page, text: str) -> None:
    box = page.locator("#q")
    box.fill("")
    box.press_sequentially(text, delay=20)
    page.locator(f"#hits[data-q={json.dumps(text, ensure_ascii=False)}]").wait_for(
        state="attached", timeout=30_000
    )


def _wait_route(page: Page, target: str) -> None:
    page.locator(f"body[data-route={json.dumps(target, ensure_ascii=False)}]").wait_for(
        state="attached", timeout=30_000
    )


def _idle(page: Page) -> None:
    """Wait until the map has drawn everything it was asked to (its ``idle`` event)."""
    page.evaluate(
        "() => new Promise((r) => fp.map.loaded() && !fp.map.isMoving() ? "
        "(fp.map.triggerRepaint(), fp.map.once('idle', r)) : fp.map.once('idle', r))"
    )


def _rendered(page: Page, layer: str) -> int:
    return int(page.evaluate(f"() => fp.map.queryRenderedFeatures({{layers: ['{layer}']}}).length"))


def _api_steps(server: Server, origin: str, target: str, lang: str) -> list[str]:
    """Return the route's steps as the API words them."""
    url = f"{server.url}/api/v1/route?from={origin}&to={target}&lang={lang}"
    with urllib.request.urlopen(url, timeout=60) as r:
        return [s["text"] for s in json.loads(r.read())["properties"]["steps"]]


def _steps(page: Page) -> list[str]:
    return [t.strip() for t in page.locator("#steps li").all_inner_texts()]


def test_search_then_route_with_steps(server: Server, page: Page) -> None:
    _open(page, f"{server.url}/m?from=K1")
    _search(page, "acme")
    page.locator("#hits button[data-target='A-101']").first.click()
    _wait_route(page, "A-101")
    steps = _steps(page)
    assert len(steps) >= 2
    assert steps == _api_steps(server, "K1", "A-101", "en")
    assert "Acme Motors" in steps[-1]
    assert re.search(r"\d+ m walk", page.locator("#summary").inner_text())
    route = page.evaluate("() => fp.state.route.geometry.coordinates.length")
    assert route >= 2
    _idle(page)
    assert _rendered(page, "route") >= 1  # drawn on the map, not only fetched
    assert page.problems == []  # type: ignore[attr-defined]


def test_chinese(server: Server, page: Page) -> None:
    _open(page, f"{server.url}/m?from=K1&lang=zh")
    assert page.locator("#lang").inner_text() == "EN"
    assert "搜索" in (page.locator("#q").get_attribute("placeholder") or "")
    _search(page, "数字龙")
    hit = page.locator("#hits button[data-target='B-202']").first
    assert hit.inner_text().startswith("数字龙")
    hit.click()
    _wait_route(page, "B-202")
    assert "到达" in _steps(page)[-1]
    assert "步行" in page.locator("#summary").inner_text()
    page.locator("#lang").click()  # back to English: the same route, in English
    page.locator("body[data-lang='en']").wait_for(state="attached")
    page.locator("#steps li", has_text="arrive at").first.wait_for(timeout=30_000)


def test_step_free_route(stepped: Server, page: Page) -> None:
    _open(page, f"{stepped.url}/m?from=K1&to=B-101")
    _wait_route(page, "B-101")
    assert _steps(page)
    page.locator("#stepfree").check()
    page.locator("#summary", has_text="No walkable route").wait_for(timeout=30_000)
    assert _steps(page) == []
    page.locator("#stepfree").uncheck()
    page.locator("#steps li").first.wait_for(timeout=30_000)


def test_labels_never_overlap(bundled: Server, page: Page) -> None:
    _open(page, f"{bundled.url}/m")
    hidden = 0
    for zoom in (18.6, 19.9):
        page.evaluate(
            """async (zoom) => {
              const fc = await (await fetch('/api/v1/layers/booths')).json();
              const c = fc.features[Math.floor(fc.features.length / 3)].geometry.coordinates[0][0];
              fp.map.jumpTo({center: c, zoom, bearing: 30});
            }""",
            zoom,
        )
        _idle(page)
        found = page.evaluate(_COLLISION_BOXES_JS)
        labels = [b for b in found["boxes"] if b["layer"] == "booth-labels"]
        # Labels were placed (and, below, some left out: collision detection at work).
        assert len(labels) >= 5, found
        assert found["labelled"] >= 5, found
        hidden += found["booths"] - found["labelled"]
        for i, a in enumerate(labels):
            for b in labels[i + 1 :]:
                overlap = (
                    min(a["x2"], b["x2"]) - max(a["x1"], b["x1"]),
                    min(a["y2"], b["y2"]) - max(a["y1"], b["y1"]),
                )
                assert overlap[0] <= 0.5 or overlap[1] <= 0.5, (zoom, a, b)
    assert hidden > 0
    assert page.problems == []  # type: ignore[attr-defined]


#: The screen boxes of every placed symbol, from MapLibre's collision index (its grid of
#: placed boxes and of boxes allowed to overlap), with the layer each belongs to.
_COLLISION_BOXES_JS = """() => {
  const placement = fp.map.style.placement, index = placement.collisionIndex;
  const layerOf = (key) => {
    const data = placement.retainedQueryData[key.bucketInstanceId];
    return data ? data.featureIndex.bucketLayerIDs[data.bucketIndex][0] : null;
  };
  const boxes = [];
  for (const grid of [index.grid, index.ignoredGrid]) {
    grid.boxKeys.forEach((key, i) => boxes.push({
      layer: layerOf(key), feature: key.featureIndex,
      x1: grid.bboxes[4 * i], y1: grid.bboxes[4 * i + 1],
      x2: grid.bboxes[4 * i + 2], y2: grid.bboxes[4 * i + 3]}));
  }
  const ids = (layer) => new Set(fp.map.queryRenderedFeatures({layers: [layer]})
    .map((f) => f.properties.booth_id)).size;
  return {boxes, booths: ids('booths-fill'), labelled: ids('booth-labels')};
}"""


def test_kiosk_qr_code_opens_the_phone_page_from_the_kiosk(
    server: Server, browser: Browser, page: Page
) -> None:
    kiosk = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    try:
        kiosk.goto(f"{server.url}/kiosk?kiosk=K1&to=A-101")
        link = kiosk.locator(".qr a").first
        link.wait_for(state="attached", timeout=60_000)
        href = link.get_attribute("href") or ""
        src = kiosk.locator(".qr img").first.get_attribute("src")
    finally:
        kiosk.context.close()
    parts = urlsplit(href)
    assert parts.path == "/m"
    assert {k: v[0] for k, v in parse_qs(parts.query).items()} == {
        "from": "K1",
        "to": "A-101",
        "lang": "en",
    }
    # The QR code is that link (segno makes the same symbol from it).
    assert src == segno.make(href, error="m").svg_data_uri(scale=4, border=2)
    # The server said at start where phones reach it (here only loopback: with a warning).
    log = server.log.read_text(encoding="utf-8")
    assert f"phones open {server.url}/m" in log
    assert "warning: the server listens on 127.0.0.1 only" in log
    _open(page, href)
    _wait_route(page, "A-101")
    here = page.evaluate("() => fp.map.querySourceFeatures('here').map((f) => f.properties.label)")
    assert here
    assert here[0] == "You are here"
    assert _steps(page) == _api_steps(server, "K1", "A-101", "en")
    # The view frames the whole route, whichever of the route and "you are here" came first.
    _idle(page)
    framed = page.evaluate(
        "() => { const b = fp.map.getBounds(); const c = fp.state.route.geometry.coordinates;"
        " return [c[0], c[c.length - 1]].every((p) => b.contains(p)); }"
    )
    assert framed


def test_offline_keeps_the_map_and_route_and_retries(
    server: Server, context: BrowserContext, page: Page
) -> None:
    _open(page, f"{server.url}/m?from=K1&to=A-101")
    _wait_route(page, "A-101")
    steps = _steps(page)
    context.set_offline(True)
    page.locator("body[data-offline='1']").wait_for(state="attached", timeout=10_000)
    # The map still pans and zooms, with the route and its steps.
    page.evaluate("() => fp.map.panBy([40, 60], {duration: 0})")
    _idle(page)
    assert _rendered(page, "route") >= 1
    assert _steps(page) == steps
    assert page.locator("#banner").is_visible()
    # A search and a step-free route asked for offline wait for the network...
    box = page.locator("#q")
    box.press_sequentially("green", delay=20)
    page.locator("#stepfree").check()
    assert page.locator("#hits[data-q='green']").count() == 0
    # ...and are answered once it is back, with no tap.
    context.set_offline(False)
    page.locator("#hits[data-q='green']").wait_for(state="attached", timeout=30_000)
    assert page.locator("#hits button[data-target='A-102']").count() >= 1
    page.locator("body[data-offline='0']").wait_for(state="attached", timeout=10_000)
    accessible = page.evaluate("() => fp.state.route.properties.accessible")
    assert accessible is True


def test_a_server_restart_is_waited_out_and_retried(
    tmp_path_factory: pytest.TempPathFactory, page: Page
) -> None:
    """The server stops (SIGTERM) and comes back on its port: the phone never reloads."""
    root = tmp_path_factory.mktemp("restart")
    venue = write_geojson_folder(kiosk_venue(), root / "venue")
    server = Server("--venue", str(venue), "--users", str(root / "users.json"))
    try:
        _open(page, f"{server.url}/m?from=K1&to=A-101")
        _wait_route(page, "A-101")
        steps = _steps(page)
        server.stop()
        page.locator("#q").press_sequentially("green", delay=20)
        page.locator("body[data-offline='1']").wait_for(state="attached", timeout=30_000)
        page.evaluate("() => fp.map.panBy([-30, 20], {duration: 0})")
        _idle(page)
        assert _rendered(page, "route") >= 1  # the last route stays drawn...
        assert _steps(page) == steps  # ...with its steps
        server = server.restarted()
        page.locator("#hits[data-q='green']").wait_for(state="attached", timeout=60_000)
        assert page.locator("#hits button[data-target='A-102']").count() >= 1
        page.locator("body[data-offline='0']").wait_for(state="attached", timeout=10_000)
    finally:
        server.stop()


@pytest.mark.parametrize(("width", "height"), [(320, 568), (430, 932), (844, 390)])
def test_fits_small_phones_and_landscape(
    server: Server, browser: Browser, width: int, height: int
) -> None:
    ctx = browser.new_context(
        viewport={"width": width, "height": height}, is_mobile=True, has_touch=True
    )
    try:
        page = ctx.new_page()
        _open(page, f"{server.url}/m?from=K1&to=A-101")
        _wait_route(page, "A-101")
        fit = page.evaluate(
            """() => {
              const inside = (el) => { const r = el.getBoundingClientRect();
                return r.left >= -0.5 && r.right <= innerWidth + 0.5 && r.top >= -0.5
                       && r.bottom <= innerHeight + 0.5; };
              const sheet = document.getElementById('sheet').getBoundingClientRect();
              return {scroll: document.scrollingElement.scrollWidth <= innerWidth,
                      bar: inside(document.querySelector('.bar')),
                      sheet: inside(document.getElementById('sheet')),
                      sheetShare: sheet.width * sheet.height / (innerWidth * innerHeight),
                      targets: [...document.querySelectorAll('button, input')]
                        .filter((e) => e.offsetParent)
                        .map((e) => { const l = e.closest('label');
                          return Math.max(e.getBoundingClientRect().height,
                                          l ? l.getBoundingClientRect().height : 0); })};
            }"""
        )
        assert fit["scroll"]
        assert fit["bar"]
        assert fit["sheet"]
        assert fit["sheetShare"] < 0.5  # the map keeps most of the screen
        assert min(fit["targets"]) >= 44, fit["targets"]
    finally:
        ctx.close()


def test_page_runs_under_its_content_security_policy(server: Server, page: Page) -> None:
    violations: list[str] = []
    page.on(
        "console", lambda m: violations.append(m.text) if "Content Security" in m.text else None
    )
    response = page.goto(f"{server.url}/m")
    assert response is not None
    assert "worker-src 'self' blob:" in response.headers["content-security-policy"]
    page.locator("body[data-ready]").wait_for(state="attached", timeout=60_000)
    assert violations == []


def test_served_from_the_package_only(server: Server, context: BrowserContext) -> None:
    """Every request of a first load goes to the server itself: nothing from a CDN."""
    page = context.new_page()
    hosts: set[str] = set()
    page.on(
        "request", lambda r: hosts.add(urlsplit(r.url).netloc) if r.url.startswith("http") else None
    )
    _open(page, f"{server.url}/m")
    assert hosts == {urlsplit(server.url).netloc}
