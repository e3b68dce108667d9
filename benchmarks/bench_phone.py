"""Time the phone page /m beside the kiosk page on a phone's viewport, in headless Chromium.

Usage: ``python benchmarks/bench_phone.py [--loads 7] [--taps 5] [--write]``

A fresh ``floorplan serve`` on the bundled venue; each load is a new visitor (a fresh
browser context, empty cache) on a 390x844 viewport:

- bytes transferred on first load (compressed bodies as sent, plus headers), until the
  map is drawn;
- map drawn: navigation start to MapLibre's first ``idle`` with every layer's data (the
  page's own clock, ``performance.now()``); for the kiosk page, to its Bokeh map laid out;
- tap to route: a tap on a search hit to the first frame painted with the route (the
  page's clock), over ``--taps`` hits from the kiosk ``W1-K1``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from _results import write_section
from playwright.sync_api import Browser, Page, Request, sync_playwright

from _browser import Server, launch_chromium, wait_map

VIEWPORT = {"width": 390, "height": 844}
QUERIES = ["toilet", "coffee", "energy", "health", "first aid", "battery", "info", "cloak"]


def _keeper(seen: list[Request]):
    def keep(request: Request) -> None:  # a bound method cannot be a Playwright handler
        seen.append(request)

    return keep


def _bytes(requests: list[Request]) -> int:
    total = 0
    for r in requests:
        try:
            sizes = r.sizes()
        except Exception:
            continue
        total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
    return total


def load_phone(browser: Browser, url: str) -> tuple[float, int, Page]:
    ctx = browser.new_context(viewport=VIEWPORT, is_mobile=True, has_touch=True)
    page = ctx.new_page()
    seen: list[Request] = []
    page.on("requestfinished", _keeper(seen))
    page.goto(f"{url}/m?from=W1-K1")
    page.locator("body[data-ready]").wait_for(state="attached", timeout=60_000)
    drawn = float(page.evaluate("() => fp.state.timings.mapDrawnMs"))
    return drawn / 1000, _bytes(seen), page


def load_kiosk(browser: Browser, url: str) -> tuple[float, int]:
    ctx = browser.new_context(viewport=VIEWPORT, is_mobile=True, has_touch=True)
    page = ctx.new_page()
    seen: list[Request] = []
    page.on("requestfinished", _keeper(seen))
    page.goto(f"{url}/kiosk?kiosk=W1-K1")
    wait_map(page, 60_000)
    drawn = float(page.evaluate("() => performance.now()"))
    size = _bytes(seen)
    ctx.close()
    return drawn / 1000, size


def tap_to_route(page: Page, query: str) -> float:
    box = page.locator("#q")
    box.fill("")
    box.press_sequentially(query, delay=20)
    page.locator(
        f"#hits[data-q='{query}'] button[data-target]:not([data-target=''])"
    ).first.wait_for(timeout=30_000)
    hit = page.locator(f"#hits[data-q='{query}'] button[data-target]:not([data-target=''])").first
    target = hit.get_attribute("data-target")
    hit.click()
    page.locator(f"body[data-route='{target}']").wait_for(state="attached", timeout=30_000)
    t = page.evaluate("() => fp.state.timings")
    return float(t["routeDrawnMs"]) - float(t["tapMs"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--loads", type=int, default=7)
    ap.add_argument("--taps", type=int, default=5)
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        # Every kiosk load comes from 127.0.0.1: lift the per-client session limit.
        server = Server(
            "--users", str(Path(tmp) / "users.json"), "--kiosk-sessions-per-minute", "0"
        )
        try:
            with sync_playwright() as p:
                browser = launch_chromium(p)
                phone, kiosk, taps = [], [], []
                for i in range(args.loads):
                    # Alternate the pages so that the machine's load falls on both alike.
                    kiosk.append(load_kiosk(browser, server.url))
                    drawn, size, page = load_phone(browser, server.url)
                    phone.append((drawn, size))
                    if i == 0:
                        for q in QUERIES[: args.taps]:
                            taps.append(tap_to_route(page, q))
                    page.context.close()
                browser.close()
        finally:
            server.stop()
    body = _report(phone, kiosk, taps)
    print(body)
    if args.write:
        write_section("Phone page", body)


def _report(
    phone: list[tuple[float, int]],
    kiosk: list[tuple[float, int]],
    taps: list[float],
) -> str:
    def med(xs: list[float]) -> float:
        return statistics.median(xs)

    p_drawn = [d for d, _ in phone]
    k_drawn = [d for d, _ in kiosk]
    p_kb = med([b / 1024 for _, b in phone])
    k_kb = med([b / 1024 for _, b in kiosk])
    load = "/".join(f"{x:.1f}" for x in os.getloadavg())
    cmd = "python benchmarks/bench_phone.py " + " ".join(sys.argv[1:])
    return (
        f"Command: `{cmd.strip()}` ({datetime.now(UTC).date().isoformat()}, Python "
        f"{platform.python_version()}, headless Chromium (Debian, software WebGL), 390x844, "
        f"{os.cpu_count()} cores shared with other developers, load average {load} at the end). "
        "Bundled venue; each load a new visitor (empty cache), alternating the two pages.\n\n"
        "| page | first load KB transferred (median) | map drawn s (median; min-max) "
        "| tap to route ms (median; max) |\n|---|---:|---:|---:|\n"
        f"| /m (MapLibre, JSON API) | {p_kb:.0f} | {med(p_drawn):.2f} "
        f"({min(p_drawn):.2f}-{max(p_drawn):.2f}) | {med(taps):.0f} ({max(taps):.0f}; "
        f"n={len(taps)}) |\n"
        f"| /kiosk (Bokeh session) | {k_kb:.0f} | {med(k_drawn):.2f} "
        f"({min(k_drawn):.2f}-{max(k_drawn):.2f}) | – |\n"
        f"| ratio kiosk / phone | {k_kb / p_kb:.1f}x | {med(k_drawn) / med(p_drawn):.1f}x | |\n"
        f"\nBudgets: 400 KB, 1.5 s, 300 ms. {len(phone)} loads each."
    )


if __name__ == "__main__":
    t0 = time.perf_counter()
    main()
    print(f"({time.perf_counter() - t0:.0f} s)")
