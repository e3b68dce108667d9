"""The installed ``floorplan`` command, run as a user would, from another folder."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from floorplan.cli import exit_code, main
from floorplan.errors import (
    StoreError,
    UserError,
    VenueError,
    VenueReadError,
    WriteError,
)

from conftest import tiny_hall, write_spec

EXE = shutil.which("floorplan") or str(Path(sys.executable).with_name("floorplan"))


def run(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [EXE, *argv], cwd=cwd, capture_output=True, text=True, check=False, timeout=300
    )


def test_help_lists_every_command(tmp_path: Path) -> None:
    done = run("--help", cwd=tmp_path)
    assert done.returncode == 0
    for command in ("validate", "convert", "generate"):
        assert command in done.stdout


def test_bundled_venue_validates_from_anywhere(tmp_path: Path) -> None:
    done = run("validate", "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "valid": True,
        "rules": "format",
        "code": None,
        "problems": [],
    }


@pytest.mark.parametrize(
    ("breaks", "code"),
    [("truncate", 2), ("zone", 1)],
)
def test_broken_input_gives_json_and_no_traceback(tmp_path: Path, breaks: str, code: int) -> None:
    spec = tiny_hall()
    if breaks == "zone":
        spec.replace("booths", "H1-A02", zone="fashion")
    folder = write_spec(spec, tmp_path / "v")
    if breaks == "truncate":
        text = (folder / "halls.geojson").read_text()
        (folder / "halls.geojson").write_text(text[: len(text) // 2])
    done = run("validate", "--venue", str(folder), "--json", cwd=tmp_path)
    assert done.returncode == code
    report = json.loads(done.stdout)
    assert report["valid"] is False
    assert report["problems"]
    assert "Traceback" not in done.stdout + done.stderr


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["validate", "--no-such-flag"])
    assert info.value.code == 2
    assert "unrecognized arguments" in capsys.readouterr().err


def test_generate_then_validate(tmp_path: Path) -> None:
    out = tmp_path / "gen.gpkg"
    done = run("generate", str(out), "--booths", "60", "--halls", "2", "--seed", "7", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    check = run("validate", "--venue", str(out), "--json", cwd=tmp_path)
    assert check.returncode == 0, check.stdout
    again = run("generate", str(out), "--booths", "60", cwd=tmp_path)
    assert again.returncode == 1
    assert "--force" in again.stderr


def test_generate_rejects_nonsense_sizes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["generate", str(tmp_path / "x"), "--booths", "0"]) == 2
    assert "--booths must be at least 1" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def _damaged(tmp_path: Path, case: str) -> Path:
    folder = write_spec(tiny_hall(), tmp_path / case)
    path = folder / "booths.geojson"
    doc = json.loads(path.read_text())
    if case == "nested":
        text = '{"type": "FeatureCollection", "features": ' + "[" * 200_000 + "]" * 200_000 + "}"
        path.write_text(text)
    elif case == "open_sides":
        doc["features"][0]["properties"]["open_sides"] = 2**70
        path.write_text(json.dumps(doc))
    else:  # feature 42
        doc["features"][0] = 42
        path.write_text(json.dumps(doc))
    return folder


@pytest.mark.parametrize(
    ("case", "code", "rule"),
    [
        ("nested", 2, "too_deep"),
        ("open_sides", 1, "bad_value"),
        ("feature42", 1, "malformed_feature"),
    ],
)
def test_validate_json_is_always_json(tmp_path: Path, case: str, code: int, rule: str) -> None:
    """Issue 10: deep nesting and ``open_sides: 2**70`` gave exit 3 and nothing on stdout."""
    done = run("validate", "--venue", str(_damaged(tmp_path, case)), "--json", cwd=tmp_path)
    assert done.returncode == code, done.stderr
    report = json.loads(done.stdout)
    assert report["valid"] is False
    assert [p["rule"] for p in report["problems"]] == [rule]
    assert "Traceback" not in done.stdout + done.stderr
    assert "internal error" not in done.stderr


def test_validate_json_is_json_even_when_floorplan_fails(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise KeyError("a bug")

    monkeypatch.setattr("floorplan.io.load_venue", broken)
    assert main(["validate", "--json"]) == 3
    out, err = capsys.readouterr()
    (problem,) = json.loads(out)["problems"]
    assert problem["rule"] == "internal_error"
    assert "KeyError" in problem["message"]
    assert "internal error" in err


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (WriteError("disk full"), 1),
        (StoreError("damaged"), 2),
        (UserError("empty users file"), 2),
        (VenueReadError("not a file"), 2),
        (VenueError("breaks rules"), 1),
        (FileExistsError("exists"), 1),
        (RecursionError(), 3),
    ],
)
def test_one_table_maps_errors_to_exit_codes(error: Exception, code: int) -> None:
    assert exit_code(error) == code
