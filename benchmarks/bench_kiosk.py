"""Time the kiosk in headless Chromium and measure the server's memory per session.

For each venue (the bundled one; a generated large one with ``--large``):
- map drawn: navigation start to the Bokeh floor map laid out with a size, in the page's
  own clock (``performance.now()``), a fresh browser context (new visitor) each load;
- tap to route: a click on a booth to the route's points arriving in the page;
- search: server time of ``SearchIndex.search`` per keystroke, typing exhibitors' names
  and other queries letter by letter (in process, same code the session calls);
- memory: the server's resident set with no session, 1 and 20 open kiosks, and 15, 30
  and 60 s after they closed (Panel drops a session ~5-10 s after its socket closes).

Booths are tapped where the map's own scales put them (computed from the venue and the
kiosk's frame in Python), so the same code taps a large venue whose booths are not in the
page at the home view (the tap is matched on the server).

Run: ``python benchmarks/bench_kiosk.py [--loads 7] [--large 74000 [--large-path big.gpkg]]``
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from _results import write_section
from playwright.sync_api import Page, sync_playwright

from floorplan.app.mapview import MapFrame
from floorplan.generate import generate_venue
from floorplan.io import load_venue, write_venue
from floorplan.search import SearchIndex
from floorplan.venue import Venue, bundled_venue_path

from _browser import (
    Server,
    booths_in_page,
    launch_chromium,
    map_screen_point,
    route_length,
    wait_map,
    wait_route,
    wait_settled,
)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def load_average() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def visible_booths(page: Page, venue: Venue, n: int) -> list[tuple[str, float, float]]:
    """Return up to ``n`` let booths on screen: id and map-frame centre."""
    out = []
    kiosks = venue.kiosks
    heading = float(kiosks["heading_deg"].iloc[0]) if len(kiosks) else 0.0
    frame = MapFrame.facing(venue, heading)
    let = venue.booths[venue.booths["exhibitor"].fillna("") != ""]
    let = let.iloc[:: max(1, len(let) // 400)]
    cent = let.geometry.centroid
    vx, vy = frame.to_view(cent.x.to_numpy(), cent.y.to_numpy())
    for bid, x, y in zip(let["booth_id"].astype(str), vx, vy, strict=True):
        pos = map_screen_point(page, float(x), float(y))
        f = pos["frame"]
        fx = (pos["x"] - f["left"]) / f["width"]
        fy = (pos["y"] - f["top"]) / f["height"]
        if pos["inside"] and 0.1 < fx < 0.9 and 0.1 < fy < 0.9:
            out.append((bid, float(x), float(y)))
        if len(out) >= n:
            break
    return out


def bench_browser(server: Server, venue: Venue, loads: int, taps: int) -> dict[str, object]:
    kiosk = str(venue.kiosks["kiosk_id"].iloc[0]) if len(venue.kiosks) else ""
    url = f"{server.url}/kiosk?kiosk={kiosk}&idle=0"
    res: dict[str, object] = {"rss_idle_mb": rss_mb(server.proc.pid), "booths_in_page": []}
    with sync_playwright() as p:
        browser = launch_chromium(p)
        drawn = []
        for _ in range(loads):
            ctx = browser.new_context(viewport={"width": 1080, "height": 1920})
            page = ctx.new_page()
            page.goto(url)
            wait_map(page, timeout_ms=600_000)
            # Two animation frames after layout: the canvas has painted.
            drawn.append(
                page.evaluate(
                    "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame("
                    "() => r(performance.now()))))"
                )
                / 1000
            )
            res["booths_in_page"].append(booths_in_page(page))  # type: ignore[attr-defined]
            ctx.close()
        res["map_drawn_s"] = drawn

        ctx = browser.new_context(viewport={"width": 1080, "height": 1920})
        page = ctx.new_page()
        page.goto(url)
        wait_map(page, timeout_ms=600_000)
        res["rss_1_session_mb"] = rss_mb(server.proc.pid)
        tap_times = []
        wait_settled(page, timeout_ms=600_000)
        for _bid, x, y in visible_booths(page, venue, taps):
            page.goto(url)
            wait_settled(page, timeout_ms=600_000)
            pos = map_screen_point(page, x, y)
            page.evaluate("() => { window.__t0 = performance.now(); }")
            page.mouse.click(pos["x"], pos["y"])
            try:
                wait_route(page, timeout_ms=60_000)
            except Exception:
                continue
            tap_times.append(page.evaluate("() => (performance.now() - window.__t0) / 1000"))
            assert route_length(page) >= 2
        res["tap_route_s"] = tap_times
        ctx.close()

        contexts = []
        for _ in range(20):
            c = browser.new_context(viewport={"width": 1080, "height": 1920})
            pg = c.new_page()
            pg.goto(url)
            wait_map(pg, timeout_ms=600_000)
            contexts.append(c)
        time.sleep(2)
        res["rss_20_sessions_mb"] = rss_mb(server.proc.pid)
        for c in contexts:
            c.close()
        browser.close()
    # Sessions are dropped 5 s after their socket closes, checked every 5 s.
    t0 = time.monotonic()
    for wait_s in (15, 30, 60):
        time.sleep(max(0.0, t0 + wait_s - time.monotonic()))
        res[f"rss_after_close_{wait_s}s_mb"] = rss_mb(server.proc.pid)
    return res


def bench_search(venue: Venue) -> dict[str, float]:
    t0 = time.perf_counter()
    index = SearchIndex(venue)
    build = time.perf_counter() - t0
    names = venue.booths["exhibitor"].fillna("")
    names = [n for n in names if n][:: max(1, len(names) // 60)]
    queries = [*names, "toilet", "nengyuan", "能源科技", "battery pack", "W2-C0", "cafe"]
    times = []
    for q in queries:
        for k in range(1, min(len(q), 16) + 1):
            t = time.perf_counter()
            index.search(q[:k])
            times.append(time.perf_counter() - t)
    times.sort()
    return {
        "build_s": build,
        "keystrokes": len(times),
        "median_ms": statistics.median(times) * 1000,
        "p95_ms": times[int(len(times) * 0.95)] * 1000,
        "max_ms": times[-1] * 1000,
    }


def run_venue(label: str, path: Path | None, loads: int, taps: int) -> dict[str, object]:
    venue = load_venue(path, strict=False)
    print(f"{label}: {len(venue.booths)} booths", flush=True)
    search = bench_search(venue)
    print(f"  search {search}", flush=True)
    args = ["--venue", str(path)] if path is not None else []
    t0 = time.perf_counter()
    server = Server(*args, "--idle-s", "0")
    startup = time.perf_counter() - t0
    try:
        res = bench_browser(server, venue, loads, taps)
    finally:
        server.stop()
    res.update(label=label, booths=len(venue.booths), startup_s=startup, search=search)
    print(f"  {res}", flush=True)
    return res


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--loads", type=int, default=7)
    ap.add_argument("--taps", type=int, default=5)
    ap.add_argument("--large", type=int, default=0, help="also a generated venue of N booths")
    ap.add_argument("--large-path", type=Path, help="an already generated large venue file")
    args = ap.parse_args()
    load_start = load_average()
    tmp = Path(tempfile.mkdtemp(prefix="bench-kiosk-"))
    if (bundled_venue_path() / "halls.geojson").exists():
        bundled: Path | None = None
    else:
        bundled = tmp / "chain-expo"
        write_venue(generate_venue(), bundled)
    rows = [run_venue("bundled", bundled, args.loads, args.taps)]
    if args.large:
        large = args.large_path or tmp / f"generated-{args.large}.gpkg"
        if args.large_path is None:
            write_venue(generate_venue(booths=args.large), large)
        rows.append(run_venue(f"generated {args.large:,}", large, 3, 3))

    med = statistics.median
    lines = [
        f"Command: `python benchmarks/bench_kiosk.py --loads {args.loads} --taps {args.taps}"
        + (f" --large {args.large}" if args.large else "")
        + f"` ({date.today()}, Python {platform.python_version()}, headless Chromium "
        f"(Debian), 1080×1920, 2 cores shared with other developers; load average "
        f"(1/5/15 min) {load_start} at the start and {load_average()} at the end, so "
        "times are noisy).",
        "",
        "Map drawn: navigation start to the floor map laid out and painted, each load a new "
        "visitor (fresh browser context). Tap → route: click on a booth to the route's points "
        "in the page. Search: server time per keystroke (every prefix of ~60 exhibitor names "
        "and a few other queries). Memory: the server's resident set. Booths in page: "
        "booth polygons the browser holds at the home view (venues above "
        "5,000 booths are sent for the view only; at the home view their halls are "
        "filled by dominant zone).",
        "",
        "| venue | booths | server start s | booths in page | map drawn s (median; min–max) "
        "| tap → route s (median) | search ms/keystroke median / p95 / max | index build s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        d, t, s = r["map_drawn_s"], r["tap_route_s"], r["search"]
        lines.append(
            f"| {r['label']} | {r['booths']:,} | {r['startup_s']:.1f} | "
            f"{max(r['booths_in_page']):,} | {med(d):.2f} ({min(d):.2f}–{max(d):.2f}) | "
            + (f"{med(t):.2f} (n={len(t)})" if t else "–")
            + f" | {s['median_ms']:.2f} / {s['p95_ms']:.2f} / {s['max_ms']:.2f} | "
            f"{s['build_s']:.2f} |"
        )
    lines += [
        "",
        "| venue | RSS no session MB | 1 kiosk MB | 20 kiosks MB | per extra kiosk MB "
        "| 15 s after closing MB | 30 s | 60 s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        per = (r["rss_20_sessions_mb"] - r["rss_1_session_mb"]) / 19
        lines.append(
            f"| {r['label']} | {r['rss_idle_mb']:.0f} | {r['rss_1_session_mb']:.0f} | "
            f"{r['rss_20_sessions_mb']:.0f} | {per:.1f} | {r['rss_after_close_15s_mb']:.0f} | "
            f"{r['rss_after_close_30s_mb']:.0f} | {r['rss_after_close_60s_mb']:.0f} |"
        )
    write_section("Kiosk", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
