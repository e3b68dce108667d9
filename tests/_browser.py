"""Share the kiosk's small test venue and the real-server, real-browser fixtures' helpers."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import TypedDict

import geopandas as gpd
import pandas as pd
import pytest
from playwright.sync_api import Browser, FloatRect, Page, Playwright
from shapely.geometry import LineString, Point, box

from floorplan import schema as S
from floorplan.schema import Col
from floorplan.venue import Venue

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CRS = "EPSG:32650"
XSS_NAME = '<img src=x onerror="window.__xss=1">'
ZH_NAME = "华北能源科技"


def kiosk_venue() -> Venue:
    """Return a two-hall venue: 12 booths, one XSS-named, one Chinese, a walled-in booth.

    Hall A (0-60 x 0-40) and hall B (60-120 x 0-40) share a wall with one connection
    door; hall A has the entrance, both halls emergency exits enough for the fire code.
    Kiosk K1 in hall A faces north, K2 in hall B east.
    """
    halls = gpd.GeoDataFrame(
        {
            Col.HALL_ID: ["A", "B"],
            Col.NAME: ["Hall A", "Hall B"],
            Col.LEVEL: [0, 0],
            Col.KIND: ["hall", "hall"],
        },
        geometry=[box(0, 0, 60, 40), box(60, 0, 120, 40)],
        crs=CRS,
    )
    rows = []
    names = [
        ("Acme Motors", "", "automobile", "electric car;battery"),
        ("Green Fields", "", "agriculture", "seeds;tractor"),
        ("Sunpower Energy", ZH_NAME, "energy", "solar panel;inverter"),
        (XSS_NAME, "", "digital", "chips"),
        ("Health First", "", "health", "vaccine"),
        ("", "", "services", ""),
        ("Logistics Hub", "物流中心", "services", "freight;warehouse"),
        ("Digital Dragon", "数字龙", "digital", "cloud;AI"),
    ]
    n = 0
    for hall, x0 in (("A", 0.0), ("B", 60.0)):
        for col in range(2):
            for row in range(2):
                name, zh, zone, products = names[n % len(names)]
                x = x0 + 10 + col * 25
                y = 8 + row * 18
                rows.append(
                    {
                        Col.BOOTH_ID: f"{hall}-{col + 1}{row + 1:02d}",
                        Col.HALL_ID: hall,
                        Col.ZONE: zone,
                        Col.EXHIBITOR: name,
                        Col.EXHIBITOR_ZH: zh,
                        Col.COUNTRY: "CN",
                        Col.PRODUCTS: products,
                        Col.DESCRIPTION: "",
                        Col.OPEN_SIDES: 2,
                        "geometry": box(x, y, x + 12, y + 8),
                    }
                )
                n += 1
    booths = gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)
    # Enough exits for the fire code (gb50016): no floor over 30 m from one, 12 m of width
    # per hall for its 1,800 occupants, so that a planner may publish it.
    openings = gpd.GeoDataFrame(
        {
            Col.OPENING_ID: ["A-E1", "AB-C1", "A-X1", "A-X2", "A-X3", "B-X1", "B-X2", "B-X3"],
            Col.HALL_ID: ["A", "A", "A", "A", "A", "B", "B", "B"],
            Col.KIND: ["entrance", "connection", *["emergency_exit"] * 6],
            Col.WIDTH_M: [4.0] * 8,
            Col.CONNECTS: ["", "B", "", "", "", "", "", ""],
            Col.STEP_FREE: [True] * 8,
        },
        geometry=[
            LineString([(28, 0), (32, 0)]),
            LineString([(60, 18), (60, 22)]),
            LineString([(0, 18), (0, 22)]),
            LineString([(44, 40), (48, 40)]),
            LineString([(52, 0), (56, 0)]),
            LineString([(120, 18), (120, 22)]),
            LineString([(72, 0), (76, 0)]),
            LineString([(72, 40), (76, 40)]),
        ],
        crs=CRS,
    )
    obstacles = gpd.GeoDataFrame(
        {Col.OBSTACLE_ID: ["col-1"], Col.KIND: ["column"], Col.HALL_ID: ["A"]},
        geometry=[box(45, 18, 46, 19)],
        crs=CRS,
    )
    kiosks = gpd.GeoDataFrame(
        {Col.KIOSK_ID: ["K1", "K2"], Col.HALL_ID: ["A", "B"], Col.HEADING_DEG: [0.0, 90.0]},
        geometry=[Point(30, 4), Point(90, 4)],
        crs=CRS,
    )
    amenities = gpd.GeoDataFrame(
        {
            Col.AMENITY_ID: ["WC-A", "WC-B", "CAFE-1"],
            Col.KIND: ["restroom", "restroom", "cafe"],
            Col.NAME: ["Restroom A", "Restroom B", "Expo Café"],
            Col.HALL_ID: ["A", "B", "B"],
        },
        geometry=[Point(3, 37), Point(117, 37), Point(100, 36)],
        crs=CRS,
    )
    events = pd.DataFrame(
        {
            Col.EVENT_ID: ["EV1", "EV2"],
            Col.TITLE: ["Opening forum", "Battery launch"],
            Col.STARTS: pd.to_datetime(["2023-11-28T09:00", "2023-11-28T11:00"]),
            Col.ENDS: pd.to_datetime(["2023-11-28T10:30", "2023-11-28T12:00"]),
            Col.WHERE: ["CAFE-1", "A-101"],
        }
    )
    return Venue(
        halls=halls,
        booths=booths,
        openings=openings,
        obstacles=obstacles,
        kiosks=kiosks,
        amenities=amenities,
        events=events,
        name="Kiosk test venue",
        dates=("2023-11-28",),
    )


def write_geojson_folder(venue: Venue, folder: Path) -> Path:
    """Write ``venue`` as a folder of GeoJSON layers (lon/lat) plus ``events.csv``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in S.LAYERS:
        frame = getattr(venue, name)
        frame.to_crs("EPSG:4326").to_file(folder / f"{name}.geojson", driver="GeoJSON")
    events = venue.events.copy()
    for col in (Col.STARTS, Col.ENDS):
        events[col] = pd.to_datetime(events[col]).dt.strftime("%Y-%m-%dT%H:%M:%S")
    events.to_csv(folder / "events.csv", index=False)
    meta = {"name": venue.name, "crs": CRS, "dates": list(venue.dates)}
    (folder / "venue.json").write_text(json.dumps(meta), encoding="utf-8")
    return folder


def chromium_or_skip() -> str:
    """Return Chromium's path; skip the test without it, fail instead when ``CI=true``."""
    if Path(CHROMIUM).exists():
        return CHROMIUM
    reason = f"{CHROMIUM} is missing (Debian's chromium package)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser tests must run in CI: {reason}")
    pytest.skip(reason)
    raise AssertionError  # pragma: no cover - skip raises


def free_port() -> int:
    """Return a TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve_command() -> list[str]:
    """Return the command line that runs ``floorplan serve`` (the installed script if any)."""
    exe = shutil.which("floorplan") or str(Path(sys.executable).with_name("floorplan"))
    if Path(exe).exists():
        return [exe, "serve"]
    return [sys.executable, "-m", "floorplan", "serve"]


class Server:
    """A ``floorplan serve`` subprocess on 127.0.0.1 and a free port.

    Ready when the server says it listens (its sockets are bound before it prints
    "Launching server at") and answers its liveness URL: no polling loop, no sleep.
    """

    def __init__(self, *args: str, env: dict[str, str] | None = None, port: int = 0) -> None:
        self.args = args
        self.env = env
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        cmd = [*serve_command(), "--port", str(self.port), "--address", "127.0.0.1", *args]
        # One log per server, also when a restart reuses the port.
        name = f"floorplan-serve-{self.port}-{os.getpid()}-{id(self):x}.log"
        self.log = Path(os.environ.get("TMPDIR", "/tmp")) / name
        self.proc = subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
        )
        self._listening = threading.Event()
        self._lines: list[str] = []
        self._said = threading.Condition()
        self._copier = threading.Thread(target=self._copy_output, name="serve-log", daemon=True)
        self._copier.start()
        self._wait()

    def _copy_output(self) -> None:
        """Copy the server's output to its log file; note when it listens (or exits)."""
        assert self.proc.stdout is not None
        with self.log.open("w", encoding="utf-8") as log:
            for line in self.proc.stdout:
                log.write(line)
                log.flush()
                with self._said:
                    self._lines.append(line)
                    self._said.notify_all()
                if line.startswith("Launching server at"):
                    self._listening.set()
        self._listening.set()  # the output ended: the process is gone
        with self._said:
            self._lines.append("")  # wake any waiter: nothing more will come
            self._said.notify_all()

    def wait_output(self, text: str, *, count: int = 1, timeout_s: float = 60.0) -> None:
        """Wait until ``count`` lines of the server's output hold ``text``.

        Raises
        ------
        AssertionError
            When they do not come within ``timeout_s`` (or the output ended first).
        """

        def seen() -> int:
            return sum(text in line for line in self._lines)

        with self._said:
            done = self._said.wait_for(
                lambda: seen() >= count or bool(self._lines and self._lines[-1] == ""),
                timeout=timeout_s,
            )
            got = seen()
        if not done or got < count:
            msg = f"{got} of {count} lines with {text!r}:\n{self.log.read_text()}"
            raise AssertionError(msg)

    def _wait(self, timeout_s: float = 120.0) -> None:
        if not self._listening.wait(timeout_s) or self.proc.poll() is not None:
            code = self.proc.poll()
            self.stop()
            said = f"exited {code}" if code is not None else f"did not listen in {timeout_s} s"
            msg = f"floorplan serve {said}:\n{self.log.read_text()}"
            raise RuntimeError(msg)
        with urllib.request.urlopen(self.url + "/liveness", timeout=timeout_s) as r:
            assert r.status == 200, r.status

    def restarted(self) -> Server:
        """Stop this server with SIGTERM and return a new one on the same port and options."""
        self.stop()
        return Server(*self.args, env=self.env, port=self.port)

    def stop(self) -> None:
        """Stop the server (SIGTERM) and wait for its log to be written."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._copier.join(timeout=15)


ZONES = ("automobile", "agriculture", "energy", "digital", "health", "services")

_MAP_READY_JS = """() => {
  const d = window.Bokeh && Bokeh.documents && Bokeh.documents[0];
  if (!d) return false;
  const fig = d.get_model_by_name('floormap');
  const c = [...document.querySelectorAll('*')].length;  // force layout
  return !!fig && fig.inner_width > 0 && fig.inner_height > 0 && c > 0;
}"""

_ROUTE_JS = """() => {
  const d = window.Bokeh && Bokeh.documents && Bokeh.documents[0];
  const r = d && d.get_model_by_name('route');
  return r ? r.data_source.data.x.length : -1;
}"""

_BOOTH_JS = """([bid, zones]) => {
  const d = Bokeh.documents[0];
  let cx = null, cy = null;
  for (const z of zones) {
    const r = d.get_model_by_name('zone-' + z);
    if (!r) continue;
    const data = r.data_source.data, i = data.booth_id.indexOf(bid);
    if (i >= 0) { cx = data.cx[i]; cy = data.cy[i]; }
  }
  const fig = d.get_model_by_name('floormap'), xr = fig.x_range, yr = fig.y_range;
  return {fx: (cx - xr.start) / (xr.end - xr.start), fy: (yr.end - cy) / (yr.end - yr.start),
          w: fig.inner_width, h: fig.inner_height};
}"""


def launch_chromium(playwright: Playwright) -> Browser:
    """Launch Debian's Chromium headless with the project's flags."""
    return playwright.chromium.launch(executable_path=chromium_or_skip(), args=CHROMIUM_ARGS)


def wait_map(page: Page, timeout_ms: float = 30_000) -> None:
    """Wait until the Bokeh floor map exists in the page and has a drawn size."""
    page.wait_for_function(_MAP_READY_JS, timeout=timeout_ms)


#: True once the map's view box and plot frame were the same for 5 animation frames.
_SETTLED_JS = """() => {
  const d = window.Bokeh && Bokeh.documents && Bokeh.documents[0];
  const fig = d && d.get_model_by_name('floormap');
  const pv = fig && Bokeh.index.find_one(fig);
  if (!pv) return false;
  const b = pv.frame.bbox, xr = fig.x_range, yr = fig.y_range;
  const now = [xr.start, xr.end, yr.start, yr.end, b.left, b.top, b.width, b.height].join();
  const s = window.__fp_settle || (window.__fp_settle = {last: '', same: 0});
  s.same = now === s.last ? s.same + 1 : 0;
  s.last = now;
  return s.same >= 5;
}"""


def wait_settled(page: Page, timeout_ms: float = 30_000) -> None:
    """Wait until the map has stopped moving: its view and frame still for 5 frames.

    The first fit and the late style sheets can move the map just after it is drawn;
    a tap needs it still. Checked on every animation frame (Playwright's ``raf``).
    """
    wait_map(page, timeout_ms)
    page.evaluate("() => { window.__fp_settle = null; }")
    page.wait_for_function(_SETTLED_JS, timeout=timeout_ms, polling="raf")


def route_length(page: Page) -> int:
    """Return how many points the drawn route has in the browser (-1: no map)."""
    return int(page.evaluate(_ROUTE_JS))


def wait_route(page: Page, timeout_ms: float = 30_000) -> None:
    """Wait until a route of at least two points is drawn."""
    page.wait_for_function("(js) => eval(js)() >= 2", arg=_ROUTE_JS, timeout=timeout_ms)


def map_canvas_box(page: Page) -> FloatRect:
    """Return the bounding box of the map's largest canvas."""
    canvases = page.locator(".kiosk-map canvas")
    boxes = [b for i in range(canvases.count()) if (b := canvases.nth(i).bounding_box())]
    return max(boxes, key=lambda b: b["width"] * b["height"])


def tap_booth(page: Page, booth_id: str) -> None:
    """Click the map at the centre of ``booth_id`` as the browser draws it."""
    pos = page.evaluate(_BOOTH_JS, [booth_id, list(ZONES)])
    box = map_canvas_box(page)
    x = box["x"] + pos["fx"] * box["width"]
    y = box["y"] + pos["fy"] * box["height"]
    page.mouse.click(x, y)


def search(page: Page, text: str) -> None:
    """Type ``text`` into the kiosk's search box key by key and wait for its hits."""
    box = page.locator(".kiosk-side input").first
    box.fill("")
    box.press_sequentially(text, delay=30)
    marker = f".hits-for[data-q={json.dumps(text, ensure_ascii=False)}]"
    page.locator(marker).wait_for(state="attached", timeout=20_000)


def log_in(page: Page, url: str, user: str, password: str, *, next_path: str) -> None:
    """Log in through the server's form and open ``next_path`` as ``user``."""
    page.goto(f"{url}/login?next={next_path}")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", password)
    page.locator("button[type=submit]").click()
    page.wait_for_url(f"{url}{next_path}", timeout=30_000)


_SCREEN_POINT_JS = """([x, y]) => {
  const d = Bokeh.documents[0], fig = d.get_model_by_name('floormap');
  const pv = Bokeh.index.find_one(fig), r = pv.el.getBoundingClientRect(), f = pv.frame;
  const sx = f.x_scale.compute(x), sy = f.y_scale.compute(y);
  return {x: r.left + sx, y: r.top + sy,
          inside: sx >= f.bbox.left && sx <= f.bbox.right && sy >= f.bbox.top
                  && sy <= f.bbox.bottom,
          frame: {left: r.left + f.bbox.left, top: r.top + f.bbox.top,
                  width: f.bbox.width, height: f.bbox.height}};
}"""

_BOOTH_CENTRE_JS = """([bid, zones]) => {
  const d = Bokeh.documents[0];
  for (const z of zones) {
    const r = d.get_model_by_name('zone-' + z);
    if (!r) continue;
    const data = r.data_source.data, i = data.booth_id.indexOf(bid);
    if (i >= 0) { return [data.cx[i], data.cy[i]]; }
  }
  return null;
}"""


class ScreenPoint(TypedDict):
    """Where a map point is on the page (see :func:`map_screen_point`)."""

    x: float
    y: float
    inside: bool
    frame: dict[str, float]


def map_screen_point(page: Page, x: float, y: float) -> ScreenPoint:
    """Return where map point ``(x, y)`` (map frame) is on the page, from the plot's scales.

    Unlike :func:`tap_booth` this holds with anything drawn around the plot area (the
    legend below it): ``x, y`` page pixels, ``inside`` the plot area, its ``frame`` box.
    """
    out: ScreenPoint = page.evaluate(_SCREEN_POINT_JS, [x, y])
    return out


def tap_map(page: Page, x: float, y: float) -> None:
    """Click the map at map point ``(x, y)`` (map frame coordinates)."""
    pos = map_screen_point(page, x, y)
    assert pos["inside"], f"map point {(x, y)} is outside the plot area: {pos}"
    page.mouse.click(pos["x"], pos["y"])


def tap_drawn_booth(page: Page, booth_id: str) -> None:
    """Click the centre of ``booth_id`` as the browser holds it (it must have been sent)."""
    centre = page.evaluate(_BOOTH_CENTRE_JS, [booth_id, list(ZONES)])
    assert centre is not None, f"booth {booth_id} is not drawn in the page"
    tap_map(page, float(centre[0]), float(centre[1]))


def booths_in_page(page: Page) -> int:
    """Return how many booth polygons the browser holds, over all zones."""
    js = """(zones) => zones.reduce((n, z) => {
      const r = Bokeh.documents[0].get_model_by_name('zone-' + z);
      return n + (r ? r.data_source.data.booth_id.length : 0);
    }, 0)"""
    return int(page.evaluate(js, list(ZONES)))


def screenshot(page: Page, path: Path) -> Path:
    """Save a screenshot of the page to ``path`` (for a person to look at)."""
    page.screenshot(path=str(path))
    return path


def in_own_thread(fn: Callable[[], None], *, timeout_s: float = 600.0) -> None:
    """Run ``fn`` in a thread of its own and re-raise what it raised (skips too).

    Playwright's sync API refuses to start while another module's session-scoped
    browser (test_app_kiosk's) runs its loop on this thread; a thread has no loop.
    """
    errors: list[BaseException] = []

    def run() -> None:
        try:
            fn()
        except BaseException as exc:  # handed to the test thread
            errors.append(exc)

    t = threading.Thread(target=run, name="browser-test")
    t.start()
    t.join(timeout=timeout_s)
    assert not t.is_alive(), f"the browser test did not finish within {timeout_s:.0f} s"
    if errors:
        raise errors[0]
