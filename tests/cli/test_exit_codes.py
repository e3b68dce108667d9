"""Every command gives the same exit code for the same kind of failure (one map in cli)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from floorplan.cli import ExitCode, exit_code, main
from floorplan.errors import (
    FloorplanError,
    NoRouteError,
    OptionError,
    PlaceError,
    VenueError,
    VenueReadError,
)

from conftest import tiny_hall, write_spec

#: Commands that read a venue, as argv prefixes; ``{v}`` is replaced by the venue path.
VENUE_COMMANDS: dict[str, Callable[[Path, Path], list[str]]] = {
    "validate": lambda v, out: ["validate", "--venue", str(v)],
    "convert": lambda v, out: ["convert", "--venue", str(v), str(out)],
    "export dxf": lambda v, out: ["export", "dxf", "--venue", str(v), str(out) + ".dxf"],
    "route": lambda v, out: ["route", "--venue", str(v), "--from", "H1-K1", "--to", "H1-A01"],
    "capacity": lambda v, out: ["capacity", "--venue", str(v), "--walk-samples", "0"],
    "layouts save": lambda v, out: ["layouts", "save", str(v), "-m", "x", "--store", str(out)],
    "serve": lambda v, out: ["serve", "--venue", str(v), "--port", "1"],
    "export imdf": lambda v, out: ["export", "imdf", "--venue", str(v), str(out) + ".zip"],
    "print": lambda v, out: ["print", "--venue", str(v), str(out) + ".pdf"],
}


def _broken_rules(folder: Path) -> Path:
    spec = tiny_hall()
    spec.replace("booths", "H1-A02", zone="fashion")
    return write_spec(spec, folder)


def _broken_json(folder: Path) -> Path:
    out = write_spec(tiny_hall(), folder)
    text = (out / "booths.geojson").read_text(encoding="utf-8")
    (out / "booths.geojson").write_text(text[: len(text) // 2], encoding="utf-8")
    return out


VENUES: dict[str, tuple[Callable[[Path], Path], ExitCode]] = {
    "no such path": (lambda folder: folder / "missing", ExitCode.UNREADABLE),
    "broken JSON": (_broken_json, ExitCode.UNREADABLE),
    "broken rules": (_broken_rules, ExitCode.PROBLEMS),
}


@pytest.mark.parametrize("command", sorted(VENUE_COMMANDS))
@pytest.mark.parametrize("kind", sorted(VENUES))
def test_same_failure_same_exit_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, kind: str
) -> None:
    make, expected = VENUES[kind]
    venue = make(tmp_path / "venue")
    if kind == "broken rules" and command == "layouts save":
        # Saving a layout that breaks rules is allowed (the planner saves drafts); the
        # publish gate refuses it. Only unreadable input fails here.
        expected = ExitCode.OK
    code = main(VENUE_COMMANDS[command](venue, tmp_path / "out.gpkg"))
    err = capsys.readouterr().err
    assert code == expected, err
    assert "Traceback" not in err
    if expected:
        assert err.startswith(f"floorplan {command}") or command == "validate", err


@pytest.mark.parametrize(
    "argv",
    [
        ["route", "--from", "a", "--to", "b", "--clearance", "-1"],
        ["capacity", "--walk-samples", "-3"],
        ["generate", "out", "--booths", "0"],
        ["generate", "out", "--halls", "0"],
        ["serve", "--port", "0"],
        ["serve", "--idle-s", "-1"],
        ["capacity", "--code", "no-such-code", "--walk-samples", "0"],
        ["route", "--from", "NOPE", "--to", "H1-A01"],
    ],
)
def test_bad_option_values_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    venue = write_spec(tiny_hall(), tmp_path / "venue")
    if argv[0] in ("route", "capacity"):
        argv = [*argv, "--venue", str(venue)]
    if argv[0] == "generate":
        argv = [argv[0], str(tmp_path / argv[1]), *argv[2:]]
    assert main(argv) == ExitCode.UNREADABLE
    err = capsys.readouterr().err
    assert err.startswith(f"floorplan {argv[0]}: ")
    assert "Traceback" not in err


@pytest.mark.parametrize("command", ["convert", "generate"])
def test_existing_target_is_refused_with_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    venue = write_spec(tiny_hall(), tmp_path / "venue")
    target = tmp_path / "taken"
    target.mkdir()
    argv = (
        ["convert", "--venue", str(venue), str(target)]
        if command == "convert"
        else ["generate", str(target), "--booths", "3"]
    )
    assert main(argv) == ExitCode.PROBLEMS
    err = capsys.readouterr().err
    assert f"{target} already exists" in err
    assert "pass --force to replace it" in err
    assert "overwrite=True" not in err  # the Python name stays out of the CLI's words


@pytest.mark.parametrize(
    ("exc", "code"),
    [
        (VenueReadError("x"), ExitCode.UNREADABLE),
        (OptionError("x"), ExitCode.UNREADABLE),
        (PlaceError("x"), ExitCode.UNREADABLE),
        (VenueError("x"), ExitCode.PROBLEMS),
        (NoRouteError("x"), ExitCode.PROBLEMS),
        (FloorplanError("x"), ExitCode.PROBLEMS),
        (FileExistsError("x"), ExitCode.PROBLEMS),
        (OSError(28, "No space left on device"), ExitCode.PROBLEMS),
        (ZeroDivisionError(), ExitCode.INTERNAL),
    ],
)
def test_the_exit_code_table(exc: BaseException, code: ExitCode) -> None:
    assert exit_code(exc) is code
