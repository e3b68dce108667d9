"""``floorplan import dxf`` and ``export dxf``: exit codes, reports, nothing half-written."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import floorplan
from floorplan.cli import main

from _drawings import simple_hall

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "halls" / "sample-hall.dxf"
EXE = shutil.which("floorplan") or str(Path(sys.executable).with_name("floorplan"))
PLACE = ["--crs", "EPSG:32650", "--origin", "462000,4437000"]


def test_the_sample_drawing_imports_end_to_end_as_readme_shows(tmp_path: Path) -> None:
    out = tmp_path / "sample.gpkg"
    done = subprocess.run(
        [EXE, "import", "dxf", str(SAMPLE), str(out), *PLACE, "--rotation", "12"],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "validate: valid" in done.stdout
    assert "Traceback" not in done.stderr
    venue = floorplan.load_venue(out)
    assert len(venue.booths) == 190
    assert {"1A01", "1A-ISL", "1D25"} <= set(venue.booths["booth_id"])
    kinds = venue.openings["kind"].value_counts().to_dict()
    assert kinds == {"entrance": 3, "emergency_exit": 2}
    assert venue.obstacles["kind"].value_counts().to_dict() == {"column": 18, "wall": 5, "stage": 1}
    assert venue.halls["hall_id"].tolist() == ["1号馆"]
    assert venue.booths.set_index("booth_id").loc["1A-ISL", "exhibitor_zh"] == (
        "Island Pavilion 岛型展台"
    )
    exported = tmp_path / "back.dxf"
    assert main(["export", "dxf", "--venue", str(out), str(exported), "--units", "mm"]) == 0
    again = tmp_path / "again"
    assert main(["import", "dxf", str(exported), str(again)]) == 0
    back = floorplan.load_venue(again)
    assert sorted(back.booths["booth_id"]) == sorted(venue.booths["booth_id"])


def test_the_sample_drawing_is_what_its_script_draws(tmp_path: Path) -> None:
    sys.path.insert(0, str(REPO / "halls"))
    try:
        import make_sample_drawing  # noqa: PLC0415
    finally:
        sys.path.remove(str(REPO / "halls"))
    fresh = tmp_path / "fresh.dxf"
    make_sample_drawing.build().saveas(fresh)
    a = tmp_path / "a"
    b = tmp_path / "b"
    assert main(["import", "dxf", str(SAMPLE), str(a), *PLACE]) == 0
    assert main(["import", "dxf", str(fresh), str(b), *PLACE]) == 0
    va, vb = floorplan.load_venue(a), floorplan.load_venue(b)
    assert va.booths["booth_id"].tolist() == vb.booths["booth_id"].tolist()
    assert va.booths.geometry.geom_equals_exact(vb.booths.geometry, 1e-9).all()


def test_list_layers_prints_roles_and_counts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "dxf", str(SAMPLE), "--list-layers"]) == 0
    lines = capsys.readouterr().out.splitlines()
    booth = next(line for line in lines if line.startswith("展位 BOOTH\t"))
    assert (
        booth == "展位 BOOTH\tbooth\t1 INSERT, 4 LINE, 188 LWPOLYLINE\tblocks: BOOTH_ISLAND_6x6×1"
    )
    assert any(line.startswith("图框 TITLE\tignore\t") for line in lines)
    assert main(["import", "dxf", str(SAMPLE), "--list-layers", "--json"]) == 0
    layers = {r["layer"]: r for r in json.loads(capsys.readouterr().out)}
    assert layers["柱 COLUMN"]["blocks"] == {"COL600": 18}


def test_json_report_and_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = simple_hall()
    plan.booth(18.5, 10, "X1")  # overlaps A03
    path = plan.save(tmp_path / "overlap.dxf")
    out = tmp_path / "out.gpkg"
    assert main(["import", "dxf", str(path), str(out), *PLACE, "--json"]) == 1
    captured = capsys.readouterr()
    doc = json.loads(captured.out)
    assert doc["valid"] is False
    assert doc["written"] is None
    assert {p["rule"] for p in doc["report"]["problems"]} == {"booth_overlap"}
    assert doc["report"]["made"]["booths"] == 7
    assert "nothing written" in captured.err
    assert "--allow-problems" in captured.err
    assert not out.exists()
    assert main(["import", "dxf", str(path), str(out), *PLACE, "--allow-problems"]) == 1
    assert out.exists()
    assert main(["import", "dxf", str(path), str(out), *PLACE, "--allow-problems"]) == 1
    assert "already exists and was left as it is; pass --force" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "drawing is in local coordinates"),
        (["--origin", "1,2"], "need --crs"),
        (["--crs", "EPSG:32650"], "--crs alone does not place"),
        (["--crs", "EPSG:32650", "--origin", "1;x"], "must be two numbers"),
        (["--crs", "EPSG:32650", "--origin", "0,0", "--units", "furlong"], "unknown units"),
        (["--crs", "EPSG:32650", "--origin", "0,0", "--units", "m"], "probably in mm"),
        (["--crs", "EPSG:32650", "--control-points", "missing.csv"], "cannot be read"),
        (["--map", "missing.toml", "--crs", "EPSG:32650", "--origin", "0,0"], "layer map"),
    ],
)
def test_unplaceable_or_misread_drawings_exit_2_and_write_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    path = simple_hall().save(tmp_path / "hall.dxf")
    out = tmp_path / "out"
    assert main(["import", "dxf", str(path), str(out), *args]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.startswith("floorplan import dxf: ")
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["hall.dxf"]


def test_a_dwg_exits_2_with_json_on_stdout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dwg = tmp_path / "hall.dwg"
    dwg.write_bytes(b"AC1032" + bytes(100))
    assert main(["import", "dxf", str(dwg), str(tmp_path / "o.gpkg"), *PLACE, "--json"]) == 2
    captured = capsys.readouterr()
    assert json.loads(captured.out)["error"].startswith("hall.dwg: this is a DWG file")
    assert "LibreCAD" in captured.err


def test_control_points_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = simple_hall().save(tmp_path / "hall.dxf")
    cps = tmp_path / "cps.csv"
    cps.write_text("name;x;y;east;north\nSW;0;0;1000;2000\nSE;40000;0;1000;2040\n", "utf-8")
    out = tmp_path / "v"
    assert (
        main(
            [
                "import",
                "dxf",
                str(path),
                str(out),
                "--crs",
                "EPSG:32650",
                "--control-points",
                str(cps),
                "--json",
            ]
        )
        == 0
    )
    placement = json.loads(capsys.readouterr().out)["report"]["placement"]
    assert placement["rotation_deg"] == pytest.approx(90)
    assert placement["residuals_m"] == {
        "SW": pytest.approx(0, abs=1e-6),
        "SE": pytest.approx(0, abs=1e-6),
    }
    cps.write_text("x,y,e\n1,2,3\n", "utf-8")
    assert (
        main(
            [
                "import",
                "dxf",
                str(path),
                str(tmp_path / "w"),
                "--crs",
                "EPSG:32650",
                "--control-points",
                str(cps),
            ]
        )
        == 2
    )
    assert "no column 'north'" in capsys.readouterr().err


def test_export_refuses_an_existing_target_and_bad_units(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "expo.dxf"
    assert main(["export", "dxf", str(out)]) == 0
    assert "wrote" in capsys.readouterr().out
    before = out.read_bytes()
    assert main(["export", "dxf", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"{out} already exists and was left as it is; pass --force to replace it" in err
    assert main(["export", "dxf", str(out), "--force", "--units", "auto"]) == 2
    assert main(["export", "dxf", str(out), "--force", "--units", "parsec"]) == 2
    assert out.read_bytes() == before
