"""``floorplan export imdf``, ``import imdf`` and ``validate IN.zip``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import floorplan
from floorplan.cli import main

from _imdf import clone, find, hand_made, zip_members
from conftest import tiny_hall, write_spec


def test_export_validate_import_validate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    venue = write_spec(tiny_hall(), tmp_path / "v")
    out = tmp_path / "tiny.zip"
    assert main(["export", "imdf", "--venue", str(venue), str(out)]) == 0
    assert "1 levels, 3 booth units, 2 occupants" in capsys.readouterr().out
    assert main(["validate", str(out)]) == 0
    assert "a valid IMDF 1.0.0 archive" in capsys.readouterr().out
    back = tmp_path / "back.gpkg"
    assert main(["import", "imdf", str(out), str(back)]) == 0
    assert "3 booths" in capsys.readouterr().out
    assert main(["validate", "--venue", str(back)]) == 0
    assert list(floorplan.load_venue(back).booths["booth_id"]) == ["H1-A01", "H1-A02", "H1-A03"]


def test_export_refuses_an_existing_target(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "x.zip"
    out.write_text("mine")
    assert main(["export", "imdf", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"{out} already exists" in err
    assert "pass --force to replace it" in err
    assert "overwrite=True" not in err
    assert out.read_text() == "mine"


def test_validate_reports_each_broken_rule_as_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    members = clone(hand_made())
    find(members, "level B")["properties"]["ordinal"] = "first"
    del members["footprint.geojson"]
    archive = tmp_path / "broken.zip"
    archive.write_bytes(zip_members(members))
    assert main(["validate", "--json", str(archive)]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] is False
    assert {p["rule"] for p in report["problems"]} == {"imdf_level_ordinal", "imdf_missing_file"}
    assert {p["layer"] for p in report["problems"]} == {"level.geojson", "footprint.geojson"}


@pytest.mark.parametrize("content", [b"not a zip", None])
def test_unreadable_archives_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes | None
) -> None:
    archive = tmp_path / "x.zip"
    if content is not None:
        archive.write_bytes(content)
    assert main(["validate", "--json", str(archive)]) == 2
    report = json.loads(capsys.readouterr().out)
    assert report["problems"][0]["rule"] in {"unknown_format", "not_found"}
    assert main(["validate", str(archive)]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_a_path_given_twice_differently_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", "--venue", "a.gpkg", "b.zip"]) == 2
    assert "give the venue once" in capsys.readouterr().err


def test_import_lists_what_had_no_counterpart(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = tmp_path / "foreign.zip"
    archive.write_bytes(zip_members(hand_made()))
    out = tmp_path / "venue"
    assert main(["import", "imdf", str(archive), str(out)]) == 0
    err = capsys.readouterr().err
    assert "6 feature(s) had no counterpart" in err
    assert "(elevator): no booth, floor or amenity like it" in err
    assert main(["import", "imdf", "--json", str(archive), str(out), "--force"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["counts"]["booths"] == 4
    assert len(report["unmatched"]) == 6


def test_an_import_that_breaks_rules_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    members = clone(hand_made())
    # An emergency exit only: no entrance, so no booth can be reached on foot from one.
    members["opening.geojson"] = [
        o for o in members["opening.geojson"] if o["properties"]["category"] == "emergencyexit"
    ]
    archive = tmp_path / "closed.zip"
    archive.write_bytes(zip_members(members))
    out = tmp_path / "closed.gpkg"
    assert main(["import", "imdf", str(archive), str(out)]) == 1
    assert "nothing written" in capsys.readouterr().err
    assert not out.exists()
    assert main(["import", "imdf", "--allow-problems", str(archive), str(out)]) == 0
    assert out.exists()
