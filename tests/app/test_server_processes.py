"""``floorplan serve --processes N``: workers share the port, the log-ins and the stop."""

from __future__ import annotations

import re
import signal
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import psutil
import pytest
import requests

from floorplan.app.context import VenueContext
from floorplan.app.server import ids_from_session
from floorplan.users import add_user

from _browser import (
    Server,
    in_own_thread,
    kiosk_venue,
    launch_chromium,
    wait_map,
    write_geojson_folder,
)

pytestmark = [pytest.mark.slow]

PASSWORD = "correct horse battery"
SECRET = "a-test-secret-that-is-long-enough-0123456789"
LAUNCHED = "Launching server at"


@pytest.fixture(scope="module")
def two(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server of two workers (a planner user, no kiosk session limit)."""
    root = tmp_path_factory.mktemp("workers")
    venue = write_geojson_folder(kiosk_venue(), root / "venue")
    users = root / "cfg" / "users.json"
    add_user(users, "pat", role="planner", password=PASSWORD)
    server = Server(
        "--venue",
        str(venue),
        "--users",
        str(users),
        "--store",
        str(root / "layouts.gpkg"),
        "--kiosk-sessions-per-minute",
        "0",
        "--processes",
        "2",
        env={"FLOORPLAN_COOKIE_SECRET": SECRET},
    )
    server.wait_output(LAUNCHED, count=2)  # both workers listen
    yield server
    server.stop()


def _workers(server: Server) -> list[psutil.Process]:
    return psutil.Process(server.proc.pid).children()


def test_the_venue_is_built_once_and_two_workers_answer(two: Server) -> None:
    log = two.log.read_text(encoding="utf-8")
    assert log.count("search index") == 1  # built before the fork, by the first process
    assert len(_workers(two)) == 2
    for _ in range(20):  # a new connection each: whichever worker takes it answers
        with urllib.request.urlopen(f"{two.url}/api/v1/venue", timeout=30) as r:
            assert r.status == 200


def test_a_log_in_holds_on_every_worker(two: Server) -> None:
    s = requests.Session()
    form = s.get(f"{two.url}/login", timeout=30)
    token = re.search(r"name='_xsrf' value='([^']+)'", form.text)
    assert token, form.text
    data = {"_xsrf": token.group(1), "username": "pat", "password": PASSWORD}
    r = s.post(f"{two.url}/login", data=data, allow_redirects=False, timeout=60)
    assert r.status_code == 303, (r.status_code, r.text[:500])
    cookies = s.cookies.get_dict()
    for _ in range(20):  # new connections, so both workers are asked
        page = requests.get(f"{two.url}/planner", cookies=cookies, allow_redirects=False)
        assert page.status_code == 200, page.headers.get("Location")
    assert s.get(f"{two.url}/logout", timeout=30).status_code == 200
    for _ in range(10):  # logged out on one worker: on every worker
        page = requests.get(f"{two.url}/planner", cookies=cookies, allow_redirects=False)
        assert page.status_code == 302
        assert page.headers["Location"].startswith("/login")


class _Session:
    """What a kiosk page reads of Bokeh's session context: its id and request."""

    def __init__(self, sid: str) -> None:
        self.id = sid
        self.request = SimpleNamespace(arguments={"kiosk": [b"K1"]}, headers={}, cookies={})


def _kiosk_roots(ctx: VenueContext, sid: str) -> list[str]:
    """Build the kiosk's document as a worker does for session ``sid``; return its root ids."""
    import panel as pn  # noqa: PLC0415
    from bokeh.document import Document  # noqa: PLC0415
    from panel.io.state import set_curdoc  # noqa: PLC0415

    from floorplan.app.published import kiosk_live_page  # noqa: PLC0415

    session = _Session(sid)
    doc = Document()
    doc._session_context = lambda: session  # type: ignore[assignment]  # as Bokeh's server
    with set_curdoc(doc):
        assert pn.state.curdoc is doc
        ids_from_session()
        kiosk_live_page(ctx).server_doc(doc)
    return [r.id for r in doc.roots]


def test_a_session_id_fixes_its_document_ids() -> None:
    # The page names the document's roots by id; a websocket on the other worker rebuilds
    # the document there, which must give the same ids or the roots miss their places.
    ctx = VenueContext(kiosk_venue())
    first = _kiosk_roots(ctx, "session-a")
    _kiosk_roots(ctx, "session-b")  # another session between: the counter moved on
    assert _kiosk_roots(ctx, "session-a") == first
    other = _kiosk_roots(ctx, "session-c")
    assert first
    assert not set(first) & set(other)


def test_kiosks_draw_whichever_worker_takes_their_websocket(two: Server) -> None:
    def run() -> None:
        from playwright.sync_api import sync_playwright  # noqa: PLC0415

        with sync_playwright() as p:
            browser = launch_chromium(p)
            try:
                for _ in range(6):
                    page = browser.new_page(viewport={"width": 1080, "height": 1920})
                    page.goto(f"{two.url}/kiosk?kiosk=K1")
                    wait_map(page, 60_000)
                    page.close()
            finally:
                browser.close()

    in_own_thread(run)


def test_a_dead_worker_is_started_again(two: Server) -> None:
    before = two.log.read_text(encoding="utf-8").count(LAUNCHED)
    victim = _workers(two)[0]
    victim.send_signal(signal.SIGKILL)
    victim.wait(30)
    two.wait_output(LAUNCHED, count=before + 1)  # its replacement listens
    workers = _workers(two)
    assert len(workers) == 2
    assert victim.pid not in {w.pid for w in workers}
    with urllib.request.urlopen(f"{two.url}/api/v1/venue", timeout=30) as r:
        assert r.status == 200


@pytest.mark.parametrize("everyone", [False, True], ids=["first-process", "every-process"])
def test_sigterm_stops_every_worker_cleanly(tmp_path: Path, everyone: bool) -> None:
    # every-process: as ``pkill`` or systemd's stop (SIGTERM to each process of the
    # service); each worker then gets it twice, directly and passed on.
    venue = write_geojson_folder(kiosk_venue(), tmp_path / "venue")
    server = Server(
        "--venue", str(venue), "--store", str(tmp_path / "layouts.gpkg"), "--processes", "2"
    )
    server.wait_output(LAUNCHED, count=2)
    workers = _workers(server)
    assert len(workers) == 2
    server.proc.send_signal(signal.SIGTERM)
    if everyone:
        for w in workers:
            w.send_signal(signal.SIGTERM)
    assert server.proc.wait(timeout=60) == 0
    server.stop()
    for w in workers:
        assert not w.is_running() or w.status() == psutil.STATUS_ZOMBIE
    log = server.log.read_text(encoding="utf-8")
    assert log.count("floorplan: stopped on SIGTERM") == 2
    assert log.count(LAUNCHED) == 2  # no worker started again
    assert "restarting" not in log
    assert "Traceback" not in log
