"""The planner's imports and downloads without a browser: upload, report, preview, accept.

Drawings are made with ezdxf here (or are the sample hall) and placed by the page's
defaults; every bad file must leave a message naming it and the store as it was.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import ezdxf
import pytest

from floorplan.app.planner_io import (
    MAX_UPLOAD_BYTES,
    DxfOptions,
    ImportKind,
    ImportState,
    download_name,
    layout_dxf,
    layout_imdf,
    layout_pdf,
)
from floorplan.app.planner_state import PlannerState
from floorplan.io.dxf import Georef, import_dxf
from floorplan.io.imdf import validate_archive
from floorplan.io.store import LayoutStore
from floorplan.rules import PublishGate
from floorplan.schema import Col

from _browser import kiosk_venue

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "halls" / "sample-hall.dxf"


@pytest.fixture
def store(tmp_path: Path) -> LayoutStore:
    return LayoutStore(tmp_path / "layouts.gpkg", gate=PublishGate())


@pytest.fixture
def planner(store: LayoutStore) -> PlannerState:
    return PlannerState(store, kiosk_venue(), author="pat")


@pytest.fixture
def imp(planner: PlannerState) -> ImportState:
    return ImportState(planner)


def _drawing(*, booths: int = 3, hall_mm: float = 40_000.0) -> bytes:
    """Return a small drawing in mm: a hall outline and ``booths`` numbered 3 × 3 m booths."""
    doc = ezdxf.new("R2018")
    doc.header["$INSUNITS"] = 4
    msp = doc.modelspace()
    for layer in ("HALL", "BOOTH", "BOOTH-NO"):
        doc.layers.add(layer)
    msp.add_lwpolyline(
        [(0, 0), (hall_mm, 0), (hall_mm, hall_mm / 2), (0, hall_mm / 2)],
        close=True,
        dxfattribs={"layer": "HALL"},
    )
    for i in range(booths):
        x = 5_000 + i * 4_000
        msp.add_lwpolyline(
            [(x, 5_000), (x + 3_000, 5_000), (x + 3_000, 8_000), (x, 8_000)],
            close=True,
            dxfattribs={"layer": "BOOTH"},
        )
        msp.add_text(f"T{i + 1}", height=300, dxfattribs={"layer": "BOOTH-NO"}).set_placement(
            (x + 1_500, 6_500)
        )
    out = io.StringIO()
    doc.write(out)
    return out.getvalue().encode("utf-8")


def test_sample_drawing_is_reported_previewed_and_accepted_as_one_version(
    store: LayoutStore, planner: PlannerState, imp: ImportState
) -> None:
    data = SAMPLE.read_bytes()
    preview = imp.upload_dxf(data, "sample-hall.dxf")
    assert preview is not None, imp.error
    assert imp.preview is preview
    assert preview.kind is ImportKind.DXF
    # The report is the importer's own: the same counts as importing the file directly.
    x0, y0 = imp.default_origin()
    direct = import_dxf(data, Georef(imp.default_crs(), origin=(x0, y0)), name="sample-hall.dxf")
    assert preview.made == direct.report.made
    assert preview.booths == direct.report.made["booths"] == len(direct.venue.booths)
    assert preview.report_text.startswith("sample-hall.dxf: DXF")
    assert preview.report["made"] == direct.report.made
    # Problems are the rule engine's (the code rules too), not only the format's.
    assert {p.rule for p in preview.problems} >= {str(p.rule) for p in direct.venue.problems}
    # The drawing lands where the open layout is: its halls start at the layout's corner.
    hx0, hy0, _, _ = preview.venue.halls.total_bounds
    assert hx0 >= x0 - 1
    assert hy0 >= y0 - 1
    assert hx0 - x0 < 100
    assert hy0 - y0 < 100
    # Nothing is saved before the answer.
    assert [v.version for v in store.versions()] == [1]
    version = imp.accept("the architect's drawing")
    assert version == 2, imp.error
    assert [(v.version, v.message, v.author) for v in store.versions()][-1] == (
        2,
        "the architect's drawing",
        "pat",
    )
    saved = store.load(2)
    assert len(saved.booths) == preview.made["booths"]
    assert sorted(saved.booths[Col.BOOTH_ID]) == sorted(preview.venue.booths[Col.BOOTH_ID])
    # The planner now edits the new version, with the drawing's booths and halls.
    assert planner.base == 2
    assert planner.unsaved == 0
    assert len(planner.venue.booths) == preview.booths
    assert sorted(planner.venue.halls[Col.HALL_ID]) == sorted(saved.halls[Col.HALL_ID])
    assert imp.preview is None
    assert "version 2" in imp.notice
    # Accepting twice saves nothing more.
    assert imp.accept() is None
    assert len(store.versions()) == 2


def test_discard_saves_nothing_and_keeps_the_open_layout(
    store: LayoutStore, planner: PlannerState, imp: ImportState
) -> None:
    before = sorted(planner.venue.booths[Col.BOOTH_ID])
    assert imp.upload_dxf(_drawing(), "small.dxf") is not None, imp.error
    imp.discard()
    assert imp.preview is None
    assert "discarded small.dxf" in imp.notice
    assert len(store.versions()) == 1
    assert sorted(planner.venue.booths[Col.BOOTH_ID]) == before


def _truncated() -> bytes:
    return SAMPLE.read_bytes()[:20_000]


@pytest.mark.parametrize(
    ("name", "data", "options", "expected"),
    [
        ("cut.dxf", _truncated, None, "truncated"),
        ("hall.dwg", lambda: b"AC1032\x00\x00binary", None, "DWG"),
        ("empty.dxf", lambda: b"", None, "empty"),
        ("noise.dxf", lambda: "展厅 not a drawing\n".encode() * 50, None, "noise.dxf"),
        ("small.dxf", _drawing, DxfOptions(crs="EPSG:999999"), "EPSG:999999"),
        ("small.dxf", _drawing, DxfOptions(units="m"), "mm"),  # a 40 km hall in metres
        (
            "small.dxf",
            _drawing,
            DxfOptions(layer_map="[layers]\nHALL = 'nonsense'\n", layer_map_name="my-map.toml"),
            "my-map.toml",
        ),
        (
            "small.dxf",
            _drawing,
            DxfOptions(control_points="x,y\n1,2\n", control_points_name="pts.csv"),
            "pts.csv",
        ),
        ("展厅图.dxf", lambda: _drawing(booths=0)[:-30], None, "展厅图.dxf"),
    ],
)
def test_a_bad_file_says_why_naming_it_and_saves_nothing(  # noqa: PLR0917 - parametrised
    store: LayoutStore,
    imp: ImportState,
    name: str,
    data: object,
    options: DxfOptions | None,
    expected: str,
) -> None:
    assert imp.upload_dxf(_drawing(), "good.dxf") is not None  # a pending preview is dropped
    blob = data() if callable(data) else data
    assert imp.upload_dxf(blob, name, options) is None
    assert imp.preview is None
    assert imp.error.startswith("not imported: ")
    assert name in imp.error
    assert expected in imp.error
    assert "Traceback" not in imp.error
    assert imp.accept() is None
    assert len(store.versions()) == 1


def test_an_importer_bug_is_one_line_not_a_traceback(
    imp: ImportState, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_a: object, **_k: object) -> None:
        raise KeyError("halls")

    monkeypatch.setattr("floorplan.io.dxf.import_dxf", broken)
    assert imp.upload_dxf(_drawing(), "small.dxf") is None
    assert imp.error == "not imported: small.dxf: KeyError: 'halls'"


def test_an_upload_over_the_limit_is_refused_before_reading(imp: ImportState) -> None:
    blob = b"0\n" * (MAX_UPLOAD_BYTES // 2 + 1)
    assert imp.upload_dxf(blob, "huge.dxf") is None
    assert "huge.dxf" in imp.error
    assert "upload limit of 14 MiB" in imp.error


def test_control_points_place_the_drawing(imp: ImportState) -> None:
    x0, y0 = imp.default_origin()
    pts = f"name,x,y,east,north\nA,0,0,{x0 + 10},{y0 + 20}\nB,40000,0,{x0 + 50},{y0 + 20}\n"
    preview = imp.upload_dxf(_drawing(), "small.dxf", DxfOptions(control_points=pts))
    assert preview is not None, imp.error
    hx0, hy0, hx1, _ = preview.venue.halls.total_bounds
    assert (hx0, hy0, hx1) == pytest.approx((x0 + 10, y0 + 20, x0 + 50), abs=0.01)


def test_unsaved_edits_are_named_before_a_drawing_replaces_them(
    planner: PlannerState, imp: ImportState
) -> None:
    planner.select(["A-101"])
    planner.move_selected(1.0, 0.0)
    preview = imp.upload_dxf(_drawing(), "small.dxf")
    assert preview is not None
    assert "1 unsaved booth change(s) are dropped" in preview.note
    assert imp.accept() == 2
    assert sorted(planner.venue.booths[Col.BOOTH_ID]) == ["T1", "T2", "T3"]


def _list(rows: list[tuple[str, str]]) -> bytes:
    body = "booth,company\n" + "".join(f"{b},{c}\n" for b, c in rows)
    return body.encode("utf-8-sig")


def test_exhibitor_list_fills_the_open_layout_with_its_edits(
    store: LayoutStore, planner: PlannerState, imp: ImportState
) -> None:
    planner.select(["A-101"])
    planner.move_selected(1.0, 0.0)
    moved = planner.booth_geometry("A-101")
    preview = imp.upload_exhibitors(
        _list([("A-101", "Ünïcode GmbH"), ("B-101", "北京汽车")]), "list.csv"
    )
    assert preview is not None, imp.error
    assert preview.kind is ImportKind.EXHIBITORS
    assert preview.made == {"rows": 2, "booths": 2}
    assert "with its 1 unsaved booth change(s)" in preview.note
    assert "matched 2 rows to 2 booths" in preview.report_text
    assert len(store.versions()) == 1
    assert imp.accept() == 2
    saved = store.load(2).booths.set_index(Col.BOOTH_ID)
    assert saved.loc["A-101", Col.EXHIBITOR] == "Ünïcode GmbH"
    assert saved.loc["B-101", Col.EXHIBITOR] == "北京汽车"
    assert saved.loc["A-101", "geometry"].equals_exact(moved, 1e-6)


def test_exhibitor_list_naming_an_unknown_booth_applies_nothing(
    store: LayoutStore, imp: ImportState
) -> None:
    data = _list([("A-101", "Acme"), ("Z-999", "Nobody Ltd")])
    assert imp.upload_exhibitors(data, "list.csv") is None
    assert "list.csv" in imp.error
    assert "Z-999" in imp.error
    assert imp.upload_exhibitors(b"name\nAcme\n", "nobooth.csv") is None
    assert "nobooth.csv" in imp.error
    assert imp.upload_exhibitors(b"booth\nA-101\n", "list.pdf") is None
    assert "list.pdf" in imp.error
    assert len(store.versions()) == 1


def test_a_list_on_a_stale_version_is_not_saved(
    store: LayoutStore, planner: PlannerState, imp: ImportState
) -> None:
    assert imp.upload_exhibitors(_list([("A-101", "Acme")]), "list.csv") is not None
    other = PlannerState(store, kiosk_venue(), author="kim")
    other.select(["B-101"])
    other.move_selected(1.0, 0.0)
    assert other.save("kim's move") == 2
    assert imp.accept() is None
    assert "not saved" in imp.error
    assert "discard and import again" in imp.error
    assert imp.preview is not None  # kept: discard, reload and import again
    assert len(store.versions()) == 2


def test_downloads_export_the_open_layout_with_its_edits(planner: PlannerState) -> None:
    planner.select(["A-101"])
    planner.move_selected(2.0, 0.0)
    venue = planner.venue
    name = download_name(venue, planner.base, planner.unsaved, "zip")
    assert name.endswith("-v1-edited.zip")
    assert download_name(venue, 3, 0, "pdf").endswith("-v3.pdf")
    archive = layout_imdf(venue)
    assert validate_archive(archive) == []
    names = set(zipfile.ZipFile(io.BytesIO(archive)).namelist())
    assert {"manifest.json", "unit.geojson", "venue.geojson"} <= names
    back = import_dxf(layout_dxf(venue), name="layout.dxf")
    assert sorted(back.venue.booths[Col.BOOTH_ID]) == sorted(venue.booths[Col.BOOTH_ID])
    a101 = back.venue.booths.set_index(Col.BOOTH_ID).loc["A-101", "geometry"]
    assert a101.area == pytest.approx(planner.booth_geometry("A-101").area, rel=1e-3)
    assert a101.centroid.distance(planner.booth_geometry("A-101").centroid) < 0.01


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_pdf_download_names_every_booth(planner: PlannerState, tmp_path: Path) -> None:
    pdf = tmp_path / "plan.pdf"
    pdf.write_bytes(layout_pdf(planner.venue))
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    for bid in planner.venue.booths[Col.BOOTH_ID]:
        assert bid in text
