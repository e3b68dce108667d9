"""Write the README's screenshots: kiosk (both sizes, English and 中文), planner, staff.

Starts ``floorplan serve`` on the bundled venue (or ``--venue``) with a throw-away user
file and layout store in a temporary folder, logs in as an administrator, and saves PNGs
into ``docs/screenshots/`` (or ``--out``). Needs the test extra (Playwright) and Debian's
Chromium at ``/usr/bin/chromium``; nothing is downloaded.

Run from the repository root::

    .venv/bin/python scripts/screenshots.py
"""

from __future__ import annotations

import argparse
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import urllib.request
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from floorplan.io import load_venue
from floorplan.users import add_user
from floorplan.venue import bundled_venue_path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: The kiosk sizes the issue names: a portrait and a landscape screen.
KIOSK_SIZES = {"portrait": (1080, 1920), "landscape": (1920, 1080)}
DESK = (1600, 1000)
#: True once the Bokeh document has drawn every view (its ``is_idle``).
_IDLE_JS = """() => {
  const d = window.Bokeh && Bokeh.documents && Bokeh.documents[0];
  return !!d && d.is_idle;
}"""
#: True once the map's view has been the same for 5 animation frames (fitted, settled).
_SETTLED_JS = """() => {
  const d = window.Bokeh && Bokeh.documents && Bokeh.documents[0];
  const fig = d && d.get_model_by_name('floormap');
  const pv = fig && Bokeh.index.find_one(fig);
  if (!pv) return false;
  const b = pv.frame.bbox, xr = fig.x_range, yr = fig.y_range;
  const now = [xr.start, xr.end, yr.start, yr.end, b.left, b.top, b.width, b.height].join();
  const s = window.__shot || (window.__shot = {last: '', same: 0});
  s.same = now === s.last ? s.same + 1 : 0;
  s.last = now;
  return s.same >= 5;
}"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(venue: Path, users: Path, port: int) -> subprocess.Popen[str]:
    """Start ``floorplan serve`` and return once it answers its liveness URL."""
    exe = shutil.which("floorplan") or str(Path(sys.executable).with_name("floorplan"))
    cmd = [exe, "serve", "--venue", str(venue), "--users", str(users)]
    cmd += ["--port", str(port), "--address", "127.0.0.1", "--kiosk-sessions-per-minute", "0"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    listening = threading.Event()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("Launching server at"):
                listening.set()
        listening.set()

    threading.Thread(target=read, daemon=True).start()
    if not listening.wait(180) or proc.poll() is not None:
        proc.terminate()
        msg = f"floorplan serve did not start (exit {proc.poll()})"
        raise SystemExit(msg)
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/liveness", timeout=60) as r:
        assert r.status == 200
    return proc


def _settle(page: Page, *, has_map: bool = True, bokeh: bool = True) -> None:
    if not bokeh:  # a plain page (the home page): its fonts, then it is drawn
        page.wait_for_function("() => document.fonts.status === 'loaded'")
        return
    page.wait_for_function(_IDLE_JS, timeout=120_000)
    if has_map:
        page.evaluate("() => { window.__shot = null; }")
        page.wait_for_function(_SETTLED_JS, timeout=120_000, polling="raf")


def _shoot(
    page: Page, url: str, path: Path, *, ready: str = "", has_map: bool = True, bokeh: bool = True
) -> None:
    page.goto(url)
    if ready:
        page.locator(ready).first.wait_for(timeout=120_000)
    _settle(page, has_map=has_map, bokeh=bokeh)
    page.screenshot(path=str(path))
    print(f"wrote {path}")


def main(argv: list[str] | None = None) -> int:
    """Start the server, take the screenshots, stop the server."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--venue", type=Path, default=bundled_venue_path())
    ap.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    args = ap.parse_args(argv)
    venue = load_venue(args.venue)
    kiosk = str(venue.kiosks["kiosk_id"].sort_values().iloc[0])
    let = venue.booths[venue.booths["exhibitor_zh"].fillna("") != ""]
    booth = str(let["booth_id"].sort_values().iloc[len(let) // 2])
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        users, password = Path(tmp) / "users.json", secrets.token_urlsafe(18)
        add_user(users, "shots", role="admin", password=password)
        port = _free_port()
        proc = _serve(args.venue, users, port)
        base = f"http://127.0.0.1:{port}"
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                for shape, (w, h) in KIOSK_SIZES.items():
                    ctx = browser.new_context(viewport={"width": w, "height": h})
                    page = ctx.new_page()
                    for lang in ("en", "zh"):
                        url = f"{base}/kiosk?kiosk={kiosk}&lang={lang}&to={booth}&idle=0"
                        out = args.out / f"kiosk-{shape}-{lang}.png"
                        _shoot(page, url, out, ready=".card-body")
                    start = args.out / f"kiosk-start-{shape}.png"
                    _shoot(page, f"{base}/kiosk?idle=0", start, ready=".start-title")
                    ctx.close()
                ctx = browser.new_context(viewport={"width": DESK[0], "height": DESK[1]})
                page = ctx.new_page()
                home = args.out / "home.png"
                _shoot(page, f"{base}/", home, ready=".kiosk-link", has_map=False, bokeh=False)
                page.goto(f"{base}/login?next=/planner")
                page.fill("input[name=username]", "shots")
                page.fill("input[name=password]", password)
                page.locator("button[type=submit]").click()
                page.wait_for_url(f"{base}/planner", timeout=120_000)
                _shoot(page, f"{base}/planner", args.out / "planner.png")
                # The staff page fills its figures in once they are computed (a worker).
                staff = args.out / "staff.png"
                _shoot(page, f"{base}/staff", staff, ready="#capacity-table", has_map=False)
                browser.close()
        finally:
            proc.terminate()  # a clean stop (SIGTERM); killed if it takes longer than 30 s
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
