"""A short smoke run of the load test's locustfile against a real ``floorplan serve``."""

from __future__ import annotations

import csv
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from _browser import Server, kiosk_venue, write_geojson_folder

pytestmark = pytest.mark.slow

LOCUSTFILE = Path(__file__).resolve().parents[1] / "benchmarks" / "loadtest" / "locustfile.py"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("load")
    venue = write_geojson_folder(kiosk_venue(), root / "venue")
    # Every kiosk session comes from 127.0.0.1: lift the per-client limit (tested elsewhere).
    s = Server(
        "--venue",
        str(venue),
        "--users",
        str(root / "users.json"),
        "--kiosk-sessions-per-minute",
        "0",
    )
    yield s
    s.stop()


def test_locustfile_runs_phones_and_kiosks_without_errors(server: Server, tmp_path: Path) -> None:
    prefix = tmp_path / "smoke"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(LOCUSTFILE),
            "--headless",
            "--host",
            server.url,
            "-u",
            "4",
            "-r",
            "4",
            "-t",
            "14s",
            "--csv",
            str(prefix),
            "--only-summary",
            "--stop-timeout",
            "5",
            "PhoneVisitor",
            "KioskSession",
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    with (tmp_path / "smoke_stats.csv").open(encoding="utf-8") as f:
        rows = {r["Name"]: r for r in csv.DictReader(f)}
    assert int(rows["Aggregated"]["Failure Count"]) == 0
    for name in (
        "/m",
        "/m/[file]",
        "/api/v1/layers/[layer]",
        "/api/v1/search",
        "/api/v1/route",
        "kiosk first render",
    ):
        assert int(rows[name]["Request Count"]) >= 1, name
