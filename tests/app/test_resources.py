"""The pages' style sheets, scripts and templates: rendered safely, shipped in the wheel."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
import zipfile
from pathlib import Path

import pytest

from floorplan.app.api.phone import MAPLIBRE_VERSION, PHONE_DIR
from floorplan.app.resources import STATIC_DIR, STATIC_ROUTE, TEMPLATE_DIR, css, macro, render

from _browser import XSS_NAME, Server, kiosk_venue, write_geojson_folder

ROOT = Path(__file__).resolve().parents[2]


def test_templates_escape_venue_text() -> None:
    out = macro("kiosk.html", "para", XSS_NAME)
    assert out.startswith("<p>&lt;img")
    assert "<img" not in out
    with pytest.raises(Exception, match="undefined"):  # a missing value is an error, not ""
        render("report.html")


def test_css_urls_are_served_paths() -> None:
    assert css("kiosk-root") == f"/{STATIC_ROUTE}/kiosk-root.css"


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=60) as r:
        return int(r.status), r.read().decode("utf-8")


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Build the wheel and install it (no dependencies) into a folder of its own."""
    root = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(root / "dist")],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = (root / "dist").glob("floorplan-*.whl")
    site = root / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site), wheel],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return wheel, site


@pytest.mark.slow
def test_wheel_ships_the_pages_files(installed: tuple[Path, Path]) -> None:
    wheel, _ = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        f"floorplan/app/{p.relative_to(STATIC_DIR.parent)}"
        for folder in (STATIC_DIR, TEMPLATE_DIR)
        for p in folder.iterdir()
    }
    # The phone page's script, style and vendored MapLibre GL JS with its licence.
    expected |= {
        f"floorplan/app/{p.relative_to(PHONE_DIR.parent).as_posix()}"
        for p in PHONE_DIR.rglob("*")
        if p.is_file()
    }
    assert len(expected) > 20
    assert f"floorplan/app/phone/vendor/maplibre-gl-{MAPLIBRE_VERSION}/LICENSE.txt" in expected
    assert expected <= names, sorted(expected - names)


@pytest.mark.slow
def test_installed_wheel_serves_its_style_sheets(installed: tuple[Path, Path]) -> None:
    _, site = installed
    shipped = site / "floorplan" / "app" / "static" / "kiosk-root.css"
    assert shipped.is_file()
    # Mark the installed copy: what is served must be it, not the source tree's.
    marker = f"/* served from the installed wheel {os.getpid()} */"
    shipped.write_text(shipped.read_text(encoding="utf-8") + marker, encoding="utf-8")
    venue = write_geojson_folder(kiosk_venue(), site.parent / "venue")
    server = Server(
        "--venue",
        str(venue),
        "--users",
        str(site.parent / "users.json"),
        env={"PYTHONPATH": str(site)},
    )
    try:
        status, text = _get(f"{server.url}{css('kiosk-root')}")
        assert status == 200
        assert marker in text
        status, text = _get(f"{server.url}/{STATIC_ROUTE}/fit-view.mjs")
        assert (status, "export default" in text) == (200, True)
        assert _get(f"{server.url}/kiosk?kiosk=K1&to=A-101")[0] == 200
        status, text = _get(f"{server.url}/m?from=K1")
        assert (status, "m.js?v=" in text) == (200, True)
        vendor = f"/m/vendor/maplibre-gl-{MAPLIBRE_VERSION}/maplibre-gl.js"
        assert _get(f"{server.url}{vendor}")[0] == 200
    finally:
        server.stop()
    # The pages render from the wheel's own templates (run outside the source tree).
    probe = (
        "from floorplan.app import resources as r; "
        "print(r.TEMPLATE_DIR); print(r.macro('kiosk.html', 'para', '<b>'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=site.parent,
        env={**os.environ, "PYTHONPATH": str(site)},
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout.split("\n")
    assert Path(out[0]) == site / "floorplan" / "app" / "templates"
    assert out[1] == "<p>&lt;b&gt;</p>"
