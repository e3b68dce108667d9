"""Measure what anonymous and hostile clients cost the server, beside an older revision.

For this checkout and, with ``--compare REV``, for git revision REV (a temporary
worktree, run in a fresh process), on the bundled venue:

- session CPU: CPU time to build one kiosk session in process (page, Panel models,
  the document serialised as the browser pulls it), median of ``--sessions``;
- storm: ``floorplan serve`` with one client at 127.0.0.2 looping ``GET /kiosk`` on four
  connections; a kiosk from 127.0.0.1 (Chromium, scripts cached by a load before the
  storm) is timed from navigation to the map drawn, and ``/liveness`` is probed every
  0.2 s during the storm (its median and worst answer), with the storm's answers counted;
- guessers: four threads posting wrong passwords to ``/login`` for ``--guess-s``
  seconds, ``/liveness`` probed meanwhile, and how many guesses were answered, by status.

Run: ``python benchmarks/bench_sessions.py [--compare REV] [--write]``
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import statistics
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from _results import measure_at, write_section

from _browser import Server, launch_chromium, wait_map

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "correct horse battery staple"


def session_cpu_ms(n: int) -> float:
    """Return the median CPU milliseconds to build and serialise one kiosk session."""
    import panel as pn  # noqa: PLC0415, TID251 - the pages' own stack, measured here
    from bokeh.document import Document  # noqa: PLC0415, TID251
    from panel.io.state import set_curdoc  # noqa: PLC0415, TID251

    from floorplan.app.context import VenueContext  # noqa: PLC0415
    from floorplan.app.kiosk import KioskPage  # noqa: PLC0415
    from floorplan.io import load_venue  # noqa: PLC0415

    pn.extension(notifications=False)
    ctx = VenueContext(load_venue(None))
    kiosk = str(ctx.venue.kiosks["kiosk_id"].iloc[0])
    times = []
    for i in range(n + 3):
        t0 = time.process_time()
        doc = Document()
        with set_curdoc(doc):
            KioskPage(ctx, {"kiosk": kiosk}, base_url="http://x").view().server_doc(doc)
        doc.to_json()
        if i >= 3:  # the first ones fill caches
            times.append((time.process_time() - t0) * 1000)
    return statistics.median(times)


class Prober:
    """Probe ``/liveness`` every 0.2 s in a thread; keep the answer times."""

    def __init__(self, port: int) -> None:
        self.port, self.ms, self.stop = port, [], threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self.stop.wait(0.2):
            t0 = time.perf_counter()
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                conn.request("GET", "/liveness")
                conn.getresponse().read()
                self.ms.append((time.perf_counter() - t0) * 1000)
            except OSError:
                self.ms.append(float("inf"))
            finally:
                conn.close()

    def __enter__(self) -> Prober:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(60)

    def summary(self) -> dict[str, float]:
        return {"median_ms": statistics.median(self.ms), "max_ms": max(self.ms), "n": len(self.ms)}


def _loop(port: int, stop: threading.Event, counts: dict[int, int], request: Any) -> None:
    conn = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=60, source_address=("127.0.0.2", 0)
    )
    while not stop.is_set():
        try:
            status = request(conn)
        except (OSError, http.client.HTTPException):
            conn.close()
            status = 0
        counts[status] = counts.get(status, 0) + 1
    conn.close()


def _get_kiosk(conn: http.client.HTTPConnection) -> int:
    conn.request("GET", "/kiosk")
    resp = conn.getresponse()
    resp.read()
    return resp.status


def storm(server: Server, storm_s: float) -> dict[str, Any]:
    """Storm the server from 127.0.0.2; time a kiosk from 127.0.0.1 in the middle."""
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    out: dict[str, Any] = {}
    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1080, "height": 1920})
        page.goto(f"{server.url}/kiosk")
        wait_map(page)
        out["quiet_drawn_ms"] = page.evaluate("() => performance.now()")
        stop, counts = threading.Event(), {}
        threads = [
            threading.Thread(target=_loop, args=(server.port, stop, counts, _get_kiosk))
            for _ in range(4)
        ]
        t0 = time.monotonic()
        with Prober(server.port) as probe:
            for t in threads:
                t.start()
            while sum(counts.values()) < 10 and time.monotonic() - t0 < storm_s:
                time.sleep(0.05)  # until the storm is under way
            try:
                page.goto(f"{server.url}/kiosk", timeout=120_000)
                wait_map(page, timeout_ms=120_000)
                out["storm_drawn_ms"] = page.evaluate("() => performance.now()")
            except Exception as exc:
                out["storm_drawn_ms"] = float("inf")
                out["storm_error"] = type(exc).__name__
            while time.monotonic() - t0 < storm_s:
                time.sleep(0.1)
            stop.set()
            for t in threads:
                t.join(120)
        out["liveness"] = probe.summary()
        out["storm_answers"] = dict(sorted(counts.items()))
        out["storm_s"] = time.monotonic() - t0
        browser.close()
    return out


def guessers(server: Server, guess_s: float) -> dict[str, Any]:
    """Post wrong passwords from four threads; probe /liveness meanwhile."""
    stop, counts = threading.Event(), {}
    n = [0]

    def guess(conn: http.client.HTTPConnection) -> int:
        conn.request("GET", "/login")
        resp = conn.getresponse()
        page = resp.read().decode("utf-8", "replace")
        cookie = resp.getheader("Set-Cookie", "") or ""
        token = re.search(r"name='_xsrf' value='([^']+)'", page)
        n[0] += 1
        body = f"username=pat&password=guess{n[0]}"
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if token:  # this branch's form has a token (the older one has none)
            body += f"&_xsrf={token.group(1)}"
            headers["Cookie"] = cookie.split(";", 1)[0]
        conn.request("POST", "/login", body=body, headers=headers)
        resp = conn.getresponse()
        resp.read()
        return resp.status

    threads = [
        threading.Thread(target=_loop, args=(server.port, stop, counts, guess)) for _ in range(4)
    ]
    with Prober(server.port) as probe:
        for t in threads:
            t.start()
        stop.wait(guess_s)
        stop.set()
        for t in threads:
            t.join(120)
    return {"liveness": probe.summary(), "answers": dict(sorted(counts.items()))}


def measure(args: argparse.Namespace) -> dict[str, Any]:
    """Run every measurement against the floorplan on ``sys.path``."""
    from floorplan.users import add_user  # noqa: PLC0415

    res: dict[str, Any] = {"session_cpu_ms": session_cpu_ms(args.sessions)}
    with tempfile.TemporaryDirectory() as tmp:
        users = Path(tmp) / "users.json"
        add_user(users, "pat", role="planner", password=PASSWORD)
        env = {"PYTHONPATH": os.environ.get("PYTHONPATH", "")}
        server = Server("--users", str(users), env=env)
        try:
            res["storm"] = storm(server, args.storm_s)
            res["guess"] = guessers(server, args.guess_s)
        finally:
            server.stop()
    return res


def run_older(rev: str, args: argparse.Namespace) -> dict[str, Any]:
    """Return :func:`measure` of git revision ``rev``, run in a fresh process."""
    argv = ["--sessions", str(args.sessions), "--storm-s", str(args.storm_s)]
    return measure_at(rev, __file__, [*argv, "--guess-s", str(args.guess_s)])


def _row(name: str, r: dict[str, Any]) -> str:
    s, g = r["storm"], r["guess"]
    why = f" ({s['storm_error']})" if "storm_error" in s else ""
    return (
        f"| {name} | {r['session_cpu_ms']:.0f} | {s['quiet_drawn_ms'] / 1000:.2f} | "
        f"{s['storm_drawn_ms'] / 1000:.2f}{why} | "
        f"{s['liveness']['median_ms']:.0f} / "
        f"{s['liveness']['max_ms']:.0f} | {s['storm_answers']} | "
        f"{g['liveness']['median_ms']:.0f} / {g['liveness']['max_ms']:.0f} | {g['answers']} |"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--storm-s", type=float, default=20.0)
    ap.add_argument("--guess-s", type=float, default=10.0)
    ap.add_argument("--compare", default=None, help="an older git revision to run beside")
    ap.add_argument("--json-out", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--write", action="store_true", help="write the RESULTS.md section")
    args = ap.parse_args()
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(measure(args)))
        return
    before = run_older(args.compare, args) if args.compare else None
    after = measure(args)
    load = "/".join(f"{x:.1f}" for x in os.getloadavg())
    rows = [_row(args.compare, before)] if before else []
    rows.append(_row("this branch", after))
    cmd = "python benchmarks/bench_sessions.py" + (
        f" --compare {args.compare}" if args.compare else ""
    )
    body = (
        f"Command: `{cmd}` ({date.today()}, Python {platform.python_version()}, bundled venue, "
        f"headless Chromium (Debian), 2 cores shared with other developers; load average "
        f"{load} at the end).\n\n"
        "| revision | kiosk session CPU ms (median) | kiosk drawn s, quiet | kiosk drawn s, "
        "during the storm | /liveness ms during the storm (median / max) | the storm's "
        "answers by status | /liveness ms with 4 guessers (median / max) | guesses by "
        "status |\n|---|---|---|---|---|---|---|---|\n" + "\n".join(rows) + "\n"
    )
    print(body)
    if args.write:
        write_section("Server under load", body)


if __name__ == "__main__":
    main()
