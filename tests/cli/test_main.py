"""The installed ``floorplan`` command, run as a user would, from another folder."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from floorplan.cli import main

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
    assert json.loads(done.stdout) == {"valid": True, "problems": []}


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
