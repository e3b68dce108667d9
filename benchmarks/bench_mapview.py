"""Time the kiosk's map in headless Chromium: first paint, a zoom step, label placing.

For the bundled venue at both kiosk sizes (1080×1920 and 1920×1080), each load a fresh
browser context (a new visitor):

- map drawn: navigation start to the floor map laid out and painted (two animation
  frames after layout), in the page's own clock;
- zoom step: a mouse-wheel notch over "You are here" to the second animation frame
  after it (the map redrawn with its labels), 12 notches in and 12 out;
- label placing: the browser's own cost of ``static/label-place.mjs`` per call (its
  ``performance.measure`` entries; none on a revision without it);
- labels: how many HTML labels and icons are drawn at the home view.

``--compare REV`` runs the same with the code of git revision ``REV`` (a temporary
worktree on ``PYTHONPATH``; the harness, ``tests/_browser.py``, is this checkout's).

Run: ``python benchmarks/bench_mapview.py [--loads 5] [--compare main] [--no-write]``
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from _results import measure_at, write_section
from playwright.sync_api import Page, sync_playwright

from _browser import Server, launch_chromium, map_screen_point, wait_map, wait_settled

ROOT = Path(__file__).resolve().parents[1]
SIZES = [(1080, 1920), (1920, 1080)]
_TWO_FRAMES = (
    "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame("
    "() => r(performance.now()))))"
)
_COUNTS = """() => {
  const d = Bokeh.documents[0];
  const n = (name) => { const m = d.get_model_by_name(name);
    return m ? Object.values(m.data)[0].length : 0; };
  return {icons: n('shown-icons'), halls: n('shown-halls'), ids: n('shown-ids')};
}"""


def _zoom_steps(page: Page, n: int, *, inward: bool) -> list[float]:
    here = page.evaluate(
        "() => { const m = Bokeh.documents[0].get_model_by_name('here');"
        " if (m) { const d = m.data_source.data; return [d.x[0], d.y[0]]; }"
        " const f = Bokeh.documents[0].get_model_by_name('floormap');"
        " return [(f.x_range.start + f.x_range.end) / 2, (f.y_range.start + f.y_range.end) / 2]; }"
    )
    pos = map_screen_point(page, here[0], here[1])
    page.mouse.move(pos["x"], pos["y"])
    out = []
    for _ in range(n):
        t0 = page.evaluate("() => performance.now()")
        page.mouse.wheel(0, -120 if inward else 120)
        out.append(page.evaluate(_TWO_FRAMES) - t0)
    return out


def measure(loads: int) -> dict[str, Any]:
    """Return the timings of this interpreter's ``floorplan`` at both kiosk sizes."""
    server = Server("--kiosk-sessions-per-minute", "0", "--idle-s", "0")
    res: dict[str, Any] = {}
    try:
        kiosk = "W1-K1"
        with sync_playwright() as p:
            browser = launch_chromium(p)
            for w, h in SIZES:
                drawn, steps, place = [], [], []
                counts: dict[str, int] = {}
                for _ in range(loads):
                    ctx = browser.new_context(viewport={"width": w, "height": h})
                    page = ctx.new_page()
                    page.goto(f"{server.url}/kiosk?kiosk={kiosk}&idle=0")
                    wait_map(page, timeout_ms=120_000)
                    drawn.append(page.evaluate(_TWO_FRAMES) / 1000)
                    wait_settled(page)
                    counts = page.evaluate(_COUNTS)
                    steps += _zoom_steps(page, 12, inward=True)
                    steps += _zoom_steps(page, 12, inward=False)
                    place += page.evaluate(
                        "() => performance.getEntriesByName('label-place').map(e => e.duration)"
                    )
                    ctx.close()
                res[f"{w}x{h}"] = {
                    "drawn_s": drawn,
                    "step_ms": steps,
                    "place_ms": place,
                    "counts": counts,
                }
            browser.close()
    finally:
        server.stop()
    return res


def run_older(rev: str, loads: int) -> dict[str, Any]:
    """Return :func:`measure` of git revision ``rev``, in a fresh process."""
    return measure_at(rev, __file__, ["--loads", str(loads)])


def _stats(xs: list[float], digits: int = 1) -> str:
    if not xs:
        return "–"
    s = sorted(xs)
    p95 = s[min(len(s) - 1, int(len(s) * 0.95))]
    return f"{statistics.median(s):.{digits}f} / {p95:.{digits}f} / {s[-1]:.{digits}f}"


def lines(res: dict[str, Any], before: dict[str, Any] | None, rev: str | None) -> list[str]:
    """Return the results as Markdown table rows (before and after with ``--compare``)."""
    out = [
        "| code | size | map drawn s median / p95 / max | zoom step ms median / p95 / max "
        "| label placing ms median / p95 / max (calls) | icons / hall names at home |",
        "|---|---|---|---|---|---|",
    ]
    runs = [(f"`{rev}`", before), ("this branch", res)] if before else [("this", res)]
    for name, r in runs:
        for size, m in (r or {}).items():
            c = m["counts"]
            out.append(
                f"| {name} | {size} | {_stats(m['drawn_s'], 2)} | {_stats(m['step_ms'])} | "
                f"{_stats(m['place_ms'], 2)} ({len(m['place_ms'])}) | "
                f"{c.get('icons', 0) or '–'} / {c.get('halls', 0) or '–'} |"
            )
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--loads", type=int, default=5)
    ap.add_argument("--compare", default=None, help="an older git revision to run beside")
    ap.add_argument("--json-out", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--no-write", action="store_true", help="print, do not write RESULTS.md")
    args = ap.parse_args()
    if args.json_out:  # the older revision's run for --compare
        args.json_out.write_text(json.dumps(measure(args.loads)))
        return
    load0 = os.getloadavg()
    before = run_older(args.compare, args.loads) if args.compare else None
    res = measure(args.loads)
    load1 = os.getloadavg()
    head = [
        f"Command: `python benchmarks/bench_mapview.py --loads {args.loads}"
        f"{' --compare ' + args.compare if args.compare else ''}` ({date.today()}, Python "
        f"{platform.python_version()}, headless Chromium (Debian), bundled venue, kiosk "
        f"W1-K1; load average {load0[0]:.1f} at the start, {load1[0]:.1f} at the end, on 2 "
        "cores shared with other developers, so times are noisy).",
        "",
        "Map drawn: navigation start to the map laid out and painted, a new visitor each "
        "load. Zoom step: one mouse-wheel notch to the second animation frame after it "
        "(24 per load). Label placing: the browser's own time in `label-place.mjs` per call.",
        "",
    ]
    text = "\n".join([*head, *lines(res, before, args.compare)])
    print(text)
    if not args.no_write:
        write_section("Kiosk map (bench_mapview.py)", text)


if __name__ == "__main__":
    main()
