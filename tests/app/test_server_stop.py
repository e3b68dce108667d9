"""``floorplan serve`` stops cleanly on SIGTERM and Ctrl-C and starts with the published layout."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

import floorplan
from floorplan.io.store import LayoutStore
from floorplan.layout import LayoutEditor

from _browser import Server, kiosk_venue, write_geojson_folder

pytestmark = [pytest.mark.slow]


@pytest.fixture
def store_and_venue(tmp_path: Path) -> tuple[Path, Path]:
    venue = write_geojson_folder(kiosk_venue(), tmp_path / "venue")
    return tmp_path / "layouts.gpkg", venue


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_the_server_cleanly(
    store_and_venue: tuple[Path, Path], sig: signal.Signals
) -> None:
    store, venue = store_and_venue
    server = Server("--venue", str(venue), "--store", str(store))
    server.proc.send_signal(sig)
    assert server.proc.wait(timeout=30) == 0
    server.stop()
    log = server.log.read_text(encoding="utf-8")
    assert f"floorplan: stopped on {sig.name}: 0 page session(s) told" in log
    assert "layout store closed; exit 0" in log
    assert "Traceback" not in log


def _booths_line(server: Server) -> str:
    """Return the line a started server says what it serves in."""
    lines = server.log.read_text(encoding="utf-8").splitlines()
    return next(line for line in lines if " booths (" in line)


def test_a_restart_serves_the_published_layout(store_and_venue: tuple[Path, Path]) -> None:
    store_path, venue_path = store_and_venue
    venue = floorplan.read_venue(venue_path)
    store = LayoutStore(store_path)
    store.save(venue, message="import")
    ed = LayoutEditor(store.load(1))
    ed.remove("A-101")
    store.save(ed.venue, message="no A-101", base=1)
    store.publish(2, acknowledge=True)  # the gate is tested elsewhere: removing a booth warns
    ed.remove("A-102")
    store.save(ed.venue, message="saved, not published", base=2)
    server = Server("--venue", str(venue_path), "--store", str(store_path))
    try:
        first = _booths_line(server)
        assert first.startswith("floorplan: 7 booths (published version 2, read in ")
        server = server.restarted()  # SIGTERM, then a new process on the same port
        first = _booths_line(server)
        assert first.startswith("floorplan: 7 booths (published version 2, read in ")
    finally:
        server.stop()
    assert server.proc.returncode == 0
