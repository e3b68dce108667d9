"""Attack a real ``floorplan serve`` as issue 10 did: every channel, storms, big messages.

Each test drives the server subprocess as a client would: HTTP with cookies
(``requests``), Bokeh's own client (``bokeh.client``, the WebSocket a script would open)
and, for the storm, Debian's Chromium.
"""

from __future__ import annotations

import http.client
import re
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import sync_playwright

import floorplan.app.server as server_mod
from floorplan.io import LayoutStore
from floorplan.users import add_user, remove_user

from _browser import (
    Server,
    in_own_thread,
    kiosk_venue,
    launch_chromium,
    log_in,
    serve_command,
    wait_map,
    write_geojson_folder,
)

pytestmark = [pytest.mark.slow]

PASSWORD = "correct horse battery"
SECRET = "a-test-secret-that-is-long-enough-0123456789"


@dataclass
class Site:
    """A running server, its config folder and user file."""

    server: Server
    folder: Path
    venue: Path
    users: Path = field(init=False)

    def __post_init__(self) -> None:
        self.users = self.folder / "users.json"

    @property
    def url(self) -> str:
        return self.server.url

    def log_in(self, name: str, s: requests.Session | None = None) -> requests.Session:
        s = s or requests.Session()
        form = s.get(f"{self.url}/login", timeout=30)
        token = re.search(r"name='_xsrf' value='([^']+)'", form.text)
        assert token, form.text
        data = {"_xsrf": token.group(1), "username": name, "password": PASSWORD}
        r = s.post(f"{self.url}/login", data=data, allow_redirects=False, timeout=60)
        assert r.status_code == 303, (r.status_code, r.text[:500])
        return s


def _site(root: Path, *args: str) -> Site:
    folder = root / "cfg"
    folder.mkdir(parents=True, exist_ok=True)
    venue = root / "venue"
    if not venue.exists():
        write_geojson_folder(kiosk_venue(), venue)
    users = folder / "users.json"
    if not users.exists():
        add_user(users, "pat", role="planner", password=PASSWORD)
        add_user(users, "sam", role="staff", password=PASSWORD)
    env = {"FLOORPLAN_COOKIE_SECRET": SECRET}
    server = Server("--venue", str(venue), "--users", str(users), *args, env=env)
    return Site(server, folder, venue)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    s = _site(tmp_path_factory.mktemp("secured"), "--kiosk-sessions-per-minute", "0")
    yield s
    s.server.stop()


# --- bokeh.client: the WebSocket a script opens ------------------------------------------
@contextmanager
def bokeh_client(
    monkeypatch: pytest.MonkeyPatch, cookies: dict[str, str], *, signed: bool = True
) -> Iterator[None]:
    """Let ``bokeh.client`` send ``cookies`` and sign session ids as the server does.

    Signing with the server's key stands for the worst case: a client holding a valid
    session token (as ``autoload.js`` handed out before).
    """
    import bokeh.client.connection as conn  # noqa: PLC0415
    import bokeh.client.session as client_session  # noqa: PLC0415
    from bokeh.util import token  # noqa: PLC0415

    real = conn.HTTPRequest
    header = "; ".join(f"{k}={v}" for k, v in cookies.items())
    monkeypatch.setattr(conn, "HTTPRequest", lambda url, **_: real(url, headers={"Cookie": header}))
    # Bokeh binds its signing key as default arguments at import: pass it explicitly.
    key = server_mod._session_key(SECRET).encode() if signed else None
    monkeypatch.setattr(
        client_session,
        "generate_session_id",
        lambda: token.generate_session_id(secret_key=key, signed=signed),
    )
    monkeypatch.setattr(
        client_session,
        "generate_jwt_token",
        lambda sid: token.generate_jwt_token(sid, secret_key=key, signed=signed),
    )
    yield


def _pull(url: str) -> Any:
    """Pull a session's document like a script would; ``None`` when refused."""
    from bokeh.client import pull_session  # noqa: PLC0415

    try:
        return pull_session(url=url)
    except OSError:
        return None


def _labels(session: Any) -> set[str]:
    return {str(m.label) for m in session.document.models if hasattr(m, "label")}


def test_staff_cannot_open_the_planner_over_a_websocket(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    sam = site.log_in("sam")
    store = LayoutStore(next((site.folder / "layouts").glob("*.gpkg"), site.folder / "none.gpkg"))
    before = (store.versions(), store.published_version()) if store.path.exists() else None
    out: dict[str, Any] = {}

    def attack() -> None:
        with bokeh_client(monkeypatch, sam.cookies.get_dict()):
            out["planner"] = _pull(f"{site.url}/planner")
            out["staff"] = _pull(f"{site.url}/staff")
        if out["staff"] is not None:
            out["staff"].close()

    in_own_thread(attack)
    assert out["planner"] is None  # refused at the upgrade: nothing to click
    assert out["staff"] is not None  # sam's own page opens the same way (the control)
    script = sam.get(f"{site.url}/planner/autoload.js?bokeh-autoload-element=x")
    assert script.status_code == 403
    assert "token" not in script.text.lower()
    found = list((site.folder / "layouts").glob("*.gpkg"))
    after = LayoutStore(found[0]) if found else None
    if before is None:
        assert after is None or not after.versions()
    else:
        assert after is not None
        assert (after.versions(), after.published_version()) == before


def test_planner_opens_and_a_made_up_session_is_refused(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    pat = site.log_in("pat")
    out: dict[str, Any] = {}

    def run() -> None:
        with bokeh_client(monkeypatch, pat.cookies.get_dict()):
            out["pat"] = _pull(f"{site.url}/planner")
        if out["pat"] is not None:
            out["labels"] = _labels(out["pat"])
            out["pat"].close()  # on this thread: its loop is here
        monkeypatch.undo()
        with bokeh_client(monkeypatch, pat.cookies.get_dict(), signed=False):
            out["unsigned"] = _pull(f"{site.url}/planner")

    in_own_thread(run)
    assert out["pat"] is not None
    assert {"Save", "Undo"} <= out["labels"], out["labels"]  # the planner's own buttons
    assert out["unsigned"] is None  # session ids are signed: a made-up one opens nothing


def test_removed_users_open_websocket_is_closed_within_seconds(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_user(site.users, "tmp", role="planner", password=PASSWORD)
    tmp = site.log_in("tmp")
    closed = threading.Event()
    out: dict[str, Any] = {}

    def run() -> None:
        with bokeh_client(monkeypatch, tmp.cookies.get_dict()):
            session = _pull(f"{site.url}/planner")
        out["opened"] = session is not None
        if session is None:
            return
        remove_user(site.users, "tmp")
        t0 = time.monotonic()
        session._connection.loop_until_closed()  # returns when the server closes it
        out["closed_after_s"] = time.monotonic() - t0
        closed.set()

    in_own_thread(run, timeout_s=60)
    assert out["opened"]
    assert closed.is_set()
    assert out["closed_after_s"] < 15  # the server sweeps every 2 s
    assert tmp.get(f"{site.url}/planner", allow_redirects=False).status_code == 302


def test_a_megabyte_search_message_is_refused_and_the_server_goes_on(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    out: dict[str, Any] = {}

    def run() -> None:
        with bokeh_client(monkeypatch, {}):
            big = _pull(f"{site.url}/kiosk")
        assert big is not None
        box = next(m for m in big.document.models if type(m).__name__ == "TextInput")
        assert box.max_length == 200  # the box itself takes no more
        box.value_input = "exhibitor " * 10_000  # 100 kB: under the cap, taken
        big.force_roundtrip()
        out["open_after_100kb"] = big.connected
        box.value_input = "exhibitor " * 100_000  # 1 MB in one message
        t0 = time.monotonic()
        big._connection.loop_until_closed()  # the server refuses the message, closes
        out["closed_after_s"] = time.monotonic() - t0

    in_own_thread(run, timeout_s=120)
    assert out["open_after_100kb"]
    assert out["closed_after_s"] < 30
    assert requests.get(f"{site.url}/liveness", timeout=10).status_code == 200


# --- cookies, log-out, secret --------------------------------------------------------------
def test_log_out_revokes_and_restart_keeps_log_ins(tmp_path: Path) -> None:
    site = _site(tmp_path)
    try:
        kept = site.log_in("pat").cookies.get_dict()
        gone_session = site.log_in("pat")
        gone = gone_session.cookies.get_dict()
        assert requests.get(f"{site.url}/planner", cookies=gone).status_code == 200
        assert gone_session.get(f"{site.url}/logout").status_code == 200
        replay = requests.get(f"{site.url}/planner", cookies=gone, allow_redirects=False)
        assert replay.status_code == 302
        assert replay.headers["Location"].startswith("/login")
    finally:
        site.server.stop()
    again = _site(tmp_path)  # the same config folder: secret and sessions kept
    try:
        assert requests.get(f"{again.url}/planner", cookies=kept).status_code == 200
        r = requests.get(f"{again.url}/planner", cookies=gone, allow_redirects=False)
        assert r.status_code == 302
    finally:
        again.server.stop()


def test_a_short_secret_stops_the_server(tmp_path: Path) -> None:
    venue = write_geojson_folder(kiosk_venue(), tmp_path / "venue")
    run = subprocess.run(
        [*serve_command(), "--venue", str(venue), "--users", str(tmp_path / "u.json")],
        capture_output=True,
        text=True,
        timeout=120,
        env={**__import__("os").environ, "FLOORPLAN_COOKIE_SECRET": "x"},
        check=False,
    )
    assert run.returncode == 2, run.stdout + run.stderr
    assert "at least 32" in run.stderr
    assert "Traceback" not in run.stderr


def test_cookies_headers_paths(site: Site) -> None:
    s = requests.Session()
    form = s.get(f"{site.url}/login")
    assert form.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in form.headers["Content-Security-Policy"]
    pat = site.log_in("pat", s)
    raw = pat.get(f"{site.url}/logout").headers.get("Set-Cookie", "")
    assert "SameSite=Lax" in raw
    for path in ("/planner/", "/staff/"):
        r = requests.get(f"{site.url}{path}", allow_redirects=False)
        assert (r.status_code, r.headers["Location"]) == (302, path.rstrip("/"))
    r = requests.get(f"{site.url}/planner/nope", allow_redirects=False)
    assert r.status_code == 404
    assert "Page not found" in r.text
    # A forged admin cookie signed with a guessable secret opens nothing.
    forged = __import__("tornado.web").web.create_signed_value("x", "user", "ada").decode()
    r = requests.get(f"{site.url}/planner", cookies={"user": forged}, allow_redirects=False)
    assert r.status_code == 302


def test_api_and_phone_page_are_public_under_the_guard(site: Site) -> None:
    """No log-in for /m and /api/v1; /m runs under its own, narrower policy."""
    venue = requests.get(f"{site.url}/api/v1/venue", allow_redirects=False, timeout=60)
    assert venue.status_code == 200, venue.text[:300]
    assert venue.json()["kiosks"]
    assert venue.headers["X-Frame-Options"] == "DENY"  # the server's headers on the API too
    route = requests.get(f"{site.url}/api/v1/route?from=K1&to=A-101", timeout=60)
    assert route.status_code == 200
    missing = requests.get(f"{site.url}/api/v1/nope", timeout=60)
    assert (missing.status_code, missing.json()["error"]["status"]) == (404, 404)
    page = requests.get(f"{site.url}/m?from=K1", allow_redirects=False, timeout=60)
    assert page.status_code == 200
    csp = dict(
        part.strip().split(" ", 1) for part in page.headers["Content-Security-Policy"].split(";")
    )
    assert csp["script-src"] == "'self'"  # no inline script, no eval (the pages need both)
    assert "blob:" in csp["worker-src"]  # MapLibre's worker
    assert csp["connect-src"] == "'self'"
    pages = requests.get(f"{site.url}/kiosk?kiosk=K1", timeout=60)
    assert "'unsafe-eval'" in pages.headers["Content-Security-Policy"]  # the pages keep theirs
    for path in ("/planner", "/staff"):
        r = requests.get(f"{site.url}{path}", allow_redirects=False, timeout=60)
        assert r.status_code == 302, path
    assert requests.get(f"{site.url}/mine", timeout=60).status_code == 404


# --- the store, per venue ------------------------------------------------------------------
def test_serving_another_venue_uses_its_own_store(tmp_path: Path) -> None:
    folder = tmp_path / "cfg"
    shared = LayoutStore(folder / "layouts.gpkg")
    first = kiosk_venue()
    v = shared.save(first, message="the first fair")
    shared.publish(v)
    other = kiosk_venue()
    other.name = "Another fair 2024"
    write_geojson_folder(other, tmp_path / "venue")
    add_user(folder / "users.json", "pat", role="planner", password=PASSWORD)
    server = Server(
        "--venue",
        str(tmp_path / "venue"),
        "--users",
        str(folder / "users.json"),
        env={"FLOORPLAN_COOKIE_SECRET": SECRET},
    )
    try:
        log = server.log.read_text()
        assert "layouts in " + str(folder / "layouts" / "another-fair-2024-") in log, log
        assert requests.get(f"{server.url}/kiosk").status_code == 200
    finally:
        server.stop()
    assert shared.published_version() == v  # the first fair's store is untouched


# --- the storm ---------------------------------------------------------------------------
@dataclass
class Storm:
    """Clients looping ``GET /kiosk`` from one address, bounded in count and time."""

    port: int
    source: str
    threads: int = 4
    max_requests: int = 20_000
    max_s: float = 90.0
    codes: dict[int, int] = field(default_factory=dict)
    refused: threading.Event = field(default_factory=threading.Event)
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    started: float = 0.0

    def _run(self) -> None:
        conn = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=30, source_address=(self.source, 0)
        )
        end = self.started + self.max_s
        while not self.stop.is_set() and time.monotonic() < end:
            with self.lock:
                if sum(self.codes.values()) >= self.max_requests:
                    return
            try:
                conn.request("GET", "/kiosk")
                resp = conn.getresponse()
                resp.read()
                code = resp.status
            except (OSError, http.client.HTTPException):
                conn.close()
                code = 0
            with self.lock:
                self.codes[code] = self.codes.get(code, 0) + 1
            if code == 429:
                self.refused.set()
        conn.close()

    def __enter__(self) -> Storm:
        self.started = time.monotonic()
        self.workers = [
            threading.Thread(target=self._run, daemon=True) for _ in range(self.threads)
        ]
        for w in self.workers:
            w.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for w in self.workers:
            w.join(30)


_DRAWN_MS_JS = """() => performance.now()"""


@pytest.mark.browser
def test_a_storm_from_one_address_leaves_other_kiosks_drawing(tmp_path: Path) -> None:
    site = _site(tmp_path)  # the default limit: 6 at once, then 12 a minute per client
    try:
        out: dict[str, Any] = {}

        def run() -> None:
            with sync_playwright() as p:
                browser = launch_chromium(p)
                page = browser.new_page(viewport={"width": 1080, "height": 1920})
                # A kiosk screen has Bokeh's scripts cached: load once before the storm.
                page.goto(f"{site.url}/kiosk?kiosk=K1")
                wait_map(page)
                out["quiet_ms"] = page.evaluate(_DRAWN_MS_JS)
                with Storm(site.server.port, "127.0.0.2") as storm:
                    assert storm.refused.wait(60), storm.codes  # the storm is being refused
                    page.goto(f"{site.url}/kiosk?kiosk=K2")
                    wait_map(page)
                    out["drawn_ms"] = page.evaluate(_DRAWN_MS_JS)
                    out["elapsed_s"] = time.monotonic() - storm.started
                    # Drawn while the storm still ran (not once it had spent itself).
                    with storm.lock:
                        sent = sum(storm.codes.values())
                    out["during"] = out["elapsed_s"] < storm.max_s and sent < storm.max_requests
                out["codes"] = dict(storm.codes)
                browser.close()

        in_own_thread(run, timeout_s=300)
    finally:
        site.server.stop()
    codes = out["codes"]
    # For the record (pytest -s): the storm's answers, the kiosk before and during it.
    print(f"storm: {codes}; kiosk drawn in {out['quiet_ms']:.0f} ms, then {out['drawn_ms']:.0f} ms")
    assert codes.get(429, 0) > 50, codes  # a real storm, answered cheaply
    # At most the burst plus the rate's sessions went to the storm.
    assert codes.get(200, 0) <= 6 + 12 * out["elapsed_s"] / 60 + 1, codes
    # How fast it drew is measured by benchmarks/bench_sessions.py, not asserted here: on
    # main before the limit the kiosk never drew while the storm ran.
    assert out["during"], out


# --- the pages in a browser ----------------------------------------------------------------
@pytest.mark.browser
def test_pages_work_under_the_content_security_policy(site: Site) -> None:
    add_user(site.users, "ada", role="admin", password=PASSWORD)
    out: dict[str, list[str]] = {"violations": []}

    def run() -> None:
        with sync_playwright() as p:
            browser = launch_chromium(p)
            page = browser.new_page(viewport={"width": 1920, "height": 1080})
            page.on(
                "console",
                lambda m: (
                    out["violations"].append(m.text)
                    if "Content Security Policy" in m.text
                    else None
                ),
            )
            page.goto(f"{site.url}/kiosk?kiosk=K1&to=A-101")
            wait_map(page)
            page.locator("ol.steps li").first.wait_for(timeout=30_000)
            page.goto(f"{site.url}/login?lang=zh")
            assert "工作人员登录" in page.content()
            log_in(page, site.url, "ada", PASSWORD, next_path="/planner")
            page.locator(".version-info").wait_for(timeout=30_000)
            page.goto(f"{site.url}/staff")
            page.locator("table").first.wait_for(timeout=60_000)
            browser.close()

    in_own_thread(run, timeout_s=300)
    assert out["violations"] == []
