"""Bring a fair in and hand it out on /planner, in Debian's Chromium against ``floorplan serve``.

Upload the sample hall drawing, read its report and preview, save it as a version (the
store then holds it with the report's booth count); upload a broken drawing and read the
message; download the open layout's PDF (pdftotext finds its booth numbers) and IMDF
archive (valid by the IMDF validator).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from floorplan.io.imdf import validate_archive
from floorplan.io.store import LayoutStore
from floorplan.schema import Col
from floorplan.users import add_user

from _browser import (
    Server,
    in_own_thread,
    kiosk_venue,
    launch_chromium,
    log_in,
    wait_settled,
    write_geojson_folder,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "correct horse battery"
SAMPLE = Path(__file__).resolve().parents[2] / "halls" / "sample-hall.dxf"
LIST = SAMPLE.with_name("sample-exhibitors.csv")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Path]]:
    root = tmp_path_factory.mktemp("planner-io")
    venue = write_geojson_folder(kiosk_venue(), root / "venue")
    users = root / "users.json"
    add_user(users, "pat", role="planner", password=PASSWORD)
    store = root / "layouts.gpkg"
    server = Server("--venue", str(venue), "--users", str(users), "--store", str(store))
    yield server, store
    server.stop()


def _in_planner(server: Server, run: object, tmp: Path) -> None:
    def go() -> None:
        with sync_playwright() as p:
            browser = launch_chromium(p)
            try:
                context = browser.new_context(
                    viewport={"width": 1920, "height": 1080}, accept_downloads=True
                )
                page = context.new_page()
                log_in(page, server.url, "pat", PASSWORD, next_path="/planner")
                page.locator(".version-info").wait_for(timeout=30_000)
                wait_settled(page)
                page.get_by_text("Import / export", exact=True).click()
                run(page, tmp)  # type: ignore[operator]
                context.close()
            finally:
                browser.close()

    in_own_thread(go)


def _upload(page: Page, path: Path) -> None:
    page.locator(".import-upload input[type=file]").set_input_files(str(path))


def _download(page: Page, kind: str, tmp: Path) -> Path:
    with page.expect_download(timeout=120_000) as info:
        page.locator(f".download-{kind} button, .download-{kind} a").first.click()
    out = tmp / info.value.suggested_filename
    info.value.save_as(out)
    return out


def test_broken_drawing_says_why_and_saves_nothing(
    served: tuple[Server, Path], tmp_path: Path
) -> None:
    server, store_path = served
    broken = tmp_path / "断开的图.dxf"
    broken.write_bytes(SAMPLE.read_bytes()[:30_000])

    def run(page: Page, _tmp: Path) -> None:
        before = len(LayoutStore(store_path).versions())
        _upload(page, broken)
        error = page.locator(".import-error")
        expect(error).to_contain_text("断开的图.dxf", timeout=60_000)
        expect(error).to_contain_text("truncated")
        assert "Traceback" not in page.content()
        expect(page.locator(".import-preview")).to_have_count(0)
        assert len(LayoutStore(store_path).versions()) == before

    _in_planner(server, run, tmp_path)


def test_sample_drawing_uploads_previews_and_saves_as_a_version(
    served: tuple[Server, Path], tmp_path: Path
) -> None:
    server, store_path = served

    def run(page: Page, _tmp: Path) -> None:
        before = LayoutStore(store_path).versions()
        _upload(page, SAMPLE)
        preview = page.locator(".import-preview")
        preview.wait_for(timeout=120_000)
        report = page.locator("pre.import-report").inner_text()
        assert report.startswith("sample-hall.dxf: DXF")
        made = re.search(r"made .*?(\d+) booths", report)
        assert made is not None, report
        booths = int(made.group(1))
        assert preview.get_attribute("data-booths") == str(booths)
        # The preview is drawn on the map (instead of the open layout's booths).
        drawn = page.evaluate(
            "() => Bokeh.documents[0].get_model_by_name('preview-booths')"
            ".data_source.data.booth_id.length"
        )
        assert drawn == booths
        assert len(LayoutStore(store_path).versions()) == len(before)  # not yet saved
        page.locator(".import-accept button").click()
        expect(page.locator(".import-notice")).to_contain_text("saved as version", timeout=60_000)
        after = LayoutStore(store_path).versions()
        assert len(after) == len(before) + 1
        assert after[-1].booths == booths
        assert after[-1].author == "pat"
        expect(page.locator(".version-info")).to_have_attribute("data-base", str(after[-1].version))
        assert len(LayoutStore(store_path).load(after[-1].version).booths) == booths
        # Then the exhibitor list fills the new layout's booths, as README's flow does.
        _upload(page, LIST)
        expect(page.locator(".import-preview")).to_have_attribute(
            "data-kind", "exhibitors", timeout=60_000
        )
        expect(page.locator("pre.import-report")).to_contain_text("sample-exhibitors.csv")
        page.locator(".import-accept button").click()
        expect(page.locator(".version-info")).to_have_attribute(
            "data-base", str(after[-1].version + 1), timeout=60_000
        )
        filled = LayoutStore(store_path).load(after[-1].version + 1).booths
        by_id = dict(zip(filled[Col.BOOTH_ID], filled[Col.EXHIBITOR], strict=True))
        assert by_id["1A02"] == "Sunrise Photovoltaic"
        assert len(filled) == booths

    _in_planner(server, run, tmp_path)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_pdf_and_imdf_downloads_of_the_open_layout(
    served: tuple[Server, Path], tmp_path: Path
) -> None:
    server, store_path = served

    def run(page: Page, tmp: Path) -> None:
        store = LayoutStore(store_path)
        latest = store.latest()
        assert latest is not None
        booth_ids = [str(b) for b in store.load(latest).booths[Col.BOOTH_ID]]
        pdf = _download(page, "pdf", tmp)
        assert pdf.name.endswith(f"-v{latest}.pdf")
        assert pdf.read_bytes().startswith(b"%PDF")
        text = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        missing = [b for b in booth_ids if b not in text]
        assert not missing, missing[:10]
        imdf = _download(page, "imdf", tmp)
        assert imdf.name.endswith(f"-v{latest}.zip")
        names = set(zipfile.ZipFile(imdf).namelist())
        assert {"manifest.json", "venue.geojson", "unit.geojson", "level.geojson"} <= names
        assert validate_archive(imdf) == []

    _in_planner(server, run, tmp_path)
