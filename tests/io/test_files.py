"""Round trips through GeoJSON folders and GeoPackages, and atomic, refusing writes."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from _disk import run_with_file_limit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import box

import floorplan
from floorplan import atomic as _files
from floorplan.cli import main

from conftest import Spec, booth, tiny_hall, wayfinding, write_spec


def assert_same_venue(a: floorplan.Venue, b: floorplan.Venue) -> None:
    """Every layer keeps its ids, properties and exact geometries, in order."""
    for name, fa in a.layers().items():
        fb = b.layers()[name]
        assert list(fa.drop(columns="geometry").columns) == list(
            fb.drop(columns="geometry").columns
        ) or set(fa.columns) == set(fb.columns), name
        cols = [c for c in fa.columns if c != "geometry"]
        pd.testing.assert_frame_equal(
            pd.DataFrame(fa[cols]).reset_index(drop=True),
            pd.DataFrame(fb[cols]).reset_index(drop=True),
            check_dtype=False,
            obj=name,
        )
        ga, gb = fa.geometry.values, fb.geometry.values
        assert bool(np.all(shapely.equals_exact(ga, gb, tolerance=0))), name
        assert fa.crs == fb.crs
    ea, eb = a.events, b.events
    pd.testing.assert_frame_equal(
        ea.reset_index(drop=True), eb.reset_index(drop=True), check_dtype=False
    )
    assert (a.name, a.dates) == (b.name, b.dates)


@pytest.mark.parametrize("suffix", [".gpkg", ""])
def test_catalogue_round_trips(valid_spec: Spec, tmp_path: Path, suffix: str) -> None:
    src = write_spec(valid_spec, tmp_path / "src")
    venue = floorplan.load_venue(src)
    out = floorplan.write_venue(venue, tmp_path / f"out{suffix}")
    back = floorplan.load_venue(out)
    assert_same_venue(venue, back)


_EVENTS = """event_id,title,title_zh,starts,ends,where
EV1,Lidar launch,激光雷达发布会,2023-11-28T10:00,2023-11-28T11:00,E-T1
EV2,Coffee talk,,2023-11-28T12:00,2023-11-28T13:00,CAFE-E
"""


@pytest.mark.parametrize("suffix", [".gpkg", ""])
def test_bilingual_columns_round_trip(tmp_path: Path, suffix: str) -> None:
    spec = wayfinding()
    levels = [{"level": 0, "name": "Ground floor", "name_zh": "首层"}]
    spec.meta["levels"] = levels
    src = write_spec(spec, tmp_path / "src")
    (src / "events.csv").write_text(_EVENTS, encoding="utf-8")
    venue = floorplan.load_venue(src)
    assert venue.halls["name_zh"].tolist() == ["西1馆", "东2馆"]
    t1 = venue.booths.set_index("booth_id").loc["E-T1"]
    assert t1["products_zh"] == "激光雷达;电池包"
    assert venue.booths.set_index("booth_id").loc["W-R1", "products_zh"] == ""  # the default
    assert venue.amenities["name_zh"].tolist() == ["流明咖啡", ""]
    assert venue.amenities["accessible"].tolist() == [False, True]
    assert venue.events["title_zh"].tolist() == ["激光雷达发布会", ""]
    back = floorplan.load_venue(floorplan.write_venue(venue, tmp_path / f"out{suffix}"))
    assert_same_venue(venue, back)
    assert back.meta["levels"] == levels
    assert back.meta["name_zh"] == "寻路"


def test_bilingual_columns_default_when_absent(tiny: Path) -> None:
    venue = floorplan.load_venue(tiny)
    assert venue.halls["name_zh"].tolist() == [""]
    assert venue.amenities["name_zh"].tolist() == [""]
    assert venue.amenities["accessible"].tolist() == [False]
    assert venue.events["title_zh"].tolist() == [""]
    assert (venue.booths["products_zh"] == "").all()


def test_bad_accessible_and_levels_are_reported(tmp_path: Path) -> None:
    spec = wayfinding()
    spec.replace("amenities", "WC-W", accessible="sometimes")
    spec.meta["levels"] = [{"level": 0}, {"level": 0, "name": "again"}]
    venue = floorplan.load_venue(write_spec(spec, tmp_path / "v"), strict=False)
    found = {(p.layer, p.id, p.rule.value) for p in venue.problems}
    assert ("amenities", "WC-W", "bad_value") in found
    assert ("venue", None, "bad_value") in found
    assert any("names level 0 twice" in p.message for p in venue.problems)


def test_convert_cli_keeps_every_booth(
    tiny: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = {p: p.read_bytes() for p in tiny.iterdir()}
    dst = tmp_path / "x.gpkg"
    assert main(["convert", "--venue", str(tiny), str(dst)]) == 0
    assert "wrote" in capsys.readouterr().out
    assert {p: p.read_bytes() for p in tiny.iterdir()} == before  # SRC untouched
    a, b = floorplan.load_venue(tiny), floorplan.load_venue(dst)
    assert list(a.booths["booth_id"]) == list(b.booths["booth_id"])
    assert bool(
        np.all(
            shapely.equals_exact(a.booths.geometry.values, b.booths.geometry.values, tolerance=0)
        )
    )
    assert not list(tmp_path.glob(".x.gpkg*")), "no temporary file left behind"


def test_convert_refuses_existing_target_without_force(
    tiny: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dst = tmp_path / "out"
    dst.mkdir()
    (dst / "mine.txt").write_text("keep me")
    assert main(["convert", "--venue", str(tiny), str(dst)]) == 1
    assert "--force" in capsys.readouterr().err
    assert (dst / "mine.txt").read_text() == "keep me"
    assert main(["convert", "--venue", str(tiny), str(dst), "--force"]) == 0
    assert not (dst / "mine.txt").exists()
    assert floorplan.load_venue(dst).booths.shape[0] == 3


def test_convert_refuses_a_broken_venue_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tiny_hall()
    spec.replace("booths", "H1-A02", zone="fashion")
    src = write_spec(spec, tmp_path / "src")
    assert main(["convert", "--venue", str(src), str(tmp_path / "x.gpkg")]) == 1
    err = capsys.readouterr().err
    assert "unknown_zone" in err
    assert "H1-A02" in err
    assert not (tmp_path / "x.gpkg").exists()
    assert main(["convert", "--venue", str(src), str(tmp_path / "x.gpkg"), "--allow-problems"]) == 0
    back = floorplan.load_venue(tmp_path / "x.gpkg", strict=False)
    assert [p.rule for p in back.problems] == ["unknown_zone"]


def test_convert_onto_its_source_is_refused(tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = {p: p.read_bytes() for p in tiny.iterdir()}
    assert main(["convert", "--venue", str(tiny), str(tiny), "--force"]) == 1
    assert "own source" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in tiny.iterdir()} == before


@pytest.mark.parametrize("suffix", [".gpkg", ""])
def test_failed_write_leaves_nothing(
    tiny: Path, tmp_path: Path, suffix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    venue = floorplan.load_venue(tiny)
    dst = tmp_path / f"out{suffix}"
    floorplan.write_venue(venue, dst)
    before = sorted(p.name for p in tmp_path.iterdir())
    calls = {"n": 0}
    real = _files.Path.replace

    def fail_late(*args: object) -> None:
        calls["n"] += 1
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(_files.Path, "replace", fail_late)
    changed = venue.copy()
    changed.booths = changed.booths.iloc[:1]
    with pytest.raises(OSError, match="disk full"):
        floorplan.write_venue(changed, dst, overwrite=True)
    monkeypatch.setattr(_files.Path, "replace", real)
    assert calls["n"] == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert floorplan.load_venue(dst).booths.shape[0] == 3  # the old file is whole


def test_unwritable_target_is_a_clear_error(
    tiny: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if os.geteuid() == 0:
        blocker = tmp_path / "file"
        blocker.write_text("")
        target = blocker / "sub" / "x.gpkg"  # a file where a folder must be
    else:  # pragma: no cover - CI runs as root
        target = Path("/proc/x.gpkg")
    assert main(["convert", "--venue", str(tiny), str(target)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.startswith("floorplan convert:")


# Text that survives both containers: any printable unicode, no NUL.
names = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=0, max_size=30)


@st.composite
def venues(draw: st.DrawFn) -> Spec:
    width = draw(st.floats(20, 200, allow_nan=False))
    depth = draw(st.floats(20, 200, allow_nan=False))
    spec = tiny_hall()
    spec.layers["halls"] = [({"hall_id": "H1", "name": draw(names)}, box(0, 0, width, depth))]
    cols = draw(st.integers(1, 4))
    rows = draw(st.integers(1, 4))
    cw, rh = (width - 8) / cols, (depth - 8) / rows
    feats = []
    for i in range(cols):
        for j in range(rows):
            if not draw(st.booleans()):
                continue
            w = draw(st.floats(0.2, 0.8)) * (cw - 3)
            d = draw(st.floats(0.2, 0.8)) * (rh - 3)
            x0, y0 = 4 + i * cw + 1.5, 4 + j * rh + 1.5
            geom = shapely.affinity.rotate(
                box(x0, y0, x0 + w, y0 + d), draw(st.floats(-10, 10)), origin="center"
            )
            feats.append(
                booth(
                    f"B{i}-{j}-{draw(names)}",
                    geom,
                    zone=draw(st.sampled_from([z.value for z in floorplan.Zone])),
                    exhibitor=draw(names),
                    products=draw(names),
                    open_sides=draw(st.integers(0, 4)),
                )
            )
    spec.layers["booths"] = feats
    spec.layers["openings"] = [
        (
            {
                "opening_id": "D1",
                "hall_id": "H1",
                "kind": "entrance",
                "width_m": 2.0,
                "step_free": draw(st.booleans()),
            },
            shapely.LineString([(0, 1), (0, 3)]),
        )
    ]
    spec.layers["kiosks"] = [
        (
            {"kiosk_id": "K1", "hall_id": "H1", "heading_deg": draw(st.floats(0, 359))},
            shapely.Point(1, 1),
        )
    ]
    spec.layers["amenities"] = []
    spec.events = []
    return spec


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(spec=venues(), suffix=st.sampled_from([".gpkg", ""]))
def test_round_trip_property(
    spec: Spec, suffix: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    base = tmp_path_factory.mktemp("rt")
    venue = floorplan.load_venue(write_spec(spec, base / "src"), strict=False)
    first = floorplan.write_venue(venue, base / f"a{suffix}")
    again = floorplan.load_venue(first, strict=False)
    assert_same_venue(venue, again)
    # A second hop through the other container changes nothing either.
    other = ".gpkg" if suffix == "" else ""
    twice = floorplan.load_venue(floorplan.write_venue(again, base / f"b{other}"), strict=False)
    assert_same_venue(venue, twice)
    assert [p.rule for p in twice.problems] == [p.rule for p in venue.problems]


@pytest.mark.parametrize("suffix", [".gpkg", ""])
def test_a_full_disk_writes_nothing_and_says_so_briefly(tmp_path: Path, suffix: str) -> None:
    """Issue 10: ``convert`` on a full disk printed a 5 KB SQL dump as an internal error."""
    dst = tmp_path / f"out{suffix}"
    done = run_with_file_limit(["convert", str(dst)], 30_000, cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith(f"floorplan convert: cannot write {dst}:")
    assert "is the disk full" in done.stderr or "the disk is full" in done.stderr
    assert "nothing was written" in done.stderr
    assert len(done.stderr) < 400, done.stderr
    assert "INSERT" not in done.stderr
    assert list(tmp_path.iterdir()) == []  # no target, no temporary sibling


def test_a_full_disk_keeps_the_old_target(tmp_path: Path, tiny: Path) -> None:
    dst = floorplan.write_venue(floorplan.load_venue(tiny), tmp_path / "out.gpkg")
    before = dst.read_bytes()
    done = run_with_file_limit(["convert", str(dst), "--force"], 30_000, cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert "(the old one is as it was)" in done.stderr
    assert dst.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.gpkg", "tiny"]


@pytest.mark.parametrize("kind", ["a broken link", "a link loop"])
def test_a_venue_path_that_is_no_file(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    link = tmp_path / "v.gpkg"
    link.symlink_to(tmp_path / "gone.gpkg" if kind == "a broken link" else link)
    assert main(["validate", "--venue", str(link)]) == 2
    err = capsys.readouterr().err
    assert "not_a_file" in err
    assert str(link) in err


def test_text_no_container_can_store_is_never_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Even with --allow-problems: GDAL would cut ``W1\\x00A01`` to ``W1`` on the way out."""
    spec = tiny_hall()
    spec.replace("booths", "H1-A02", booth_id="W1\u0000A01", exhibitor="Müller\u0000 AG")
    src = write_spec(spec, tmp_path / "src")
    for dst in (tmp_path / "x.gpkg", tmp_path / "x"):
        assert main(["convert", "--venue", str(src), str(dst), "--allow-problems"]) == 1
        err = capsys.readouterr().err
        assert "refusing to write" in err
        assert "2 text values cannot be stored" in err
        assert "bad_id" in err
        assert not dst.exists()


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("[" * 100_000 + "]" * 100_000, "too_deep"),
        ('"a string"', "unreadable"),
        ("{", "unreadable"),
    ],
)
def test_a_geopackage_venue_table_is_read_strictly(
    text: str, rule: str, tiny: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dst = floorplan.write_venue(floorplan.load_venue(tiny), tmp_path / "v.gpkg")
    with sqlite3.connect(dst) as db:
        db.execute("UPDATE venue SET json = ?", (text,))
    assert main(["validate", "--venue", str(dst), "--json"]) == 2
    out = capsys.readouterr().out
    assert [p["rule"] for p in json.loads(out)["problems"]] == [rule]
