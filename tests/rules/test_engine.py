"""One rule engine: the same problems from validate, layouts show, the planner and /staff."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from shapely.geometry import box

import floorplan
from floorplan.app.planner_state import PlannerState
from floorplan.app.staff_state import StaffState
from floorplan.cli import main
from floorplan.errors import OptionError
from floorplan.io.store import LayoutStore
from floorplan.problems import RuleCode, RuleSet, Severity
from floorplan.rules import Code, PublishGate, RuleChoice, check, code_of

from conftest import Spec, booth, tiny_hall, two_halls, unsafe_hall, walled_in, write_spec


def kiosk_in_booth() -> Spec:
    """The tiny hall with a booth drawn over kiosk K1, in front of the entrance."""
    spec = tiny_hall()
    spec.layers["booths"].append(booth("H1-K", box(1, 12, 6, 17), zone="services"))
    return spec


def narrow_aisle() -> Spec:
    """Two halls, a booth 1 m from another: a narrow aisle (and B only up steps)."""
    spec = two_halls()
    spec.layers["booths"].append(booth("A-2", box(11, 5, 16, 10)))
    return spec


#: Several broken layouts (and a clean one): each rule set broken somewhere.
LAYOUTS: dict[str, Callable[[], Spec]] = {
    "clean": tiny_hall,
    "unsafe": unsafe_hall,
    "kiosk_in_booth": kiosk_in_booth,
    "narrow_aisle": narrow_aisle,
    "walled_in": walled_in,
}


def _records(problems: list[dict]) -> list[tuple]:
    return [(p["rule"], p["layer"], p["id"], tuple(p["ids"]), p["severity"]) for p in problems]


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_the_same_problems_wherever_they_are_shown(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = write_spec(LAYOUTS[name](), tmp_path / name)
    # floorplan validate --rules all
    code = main(["validate", "--venue", str(folder), "--rules", "all", "--json"])
    from_validate = json.loads(capsys.readouterr().out)["problems"]
    assert code == (1 if any(p["severity"] != "info" for p in from_validate) else 0)
    # floorplan layouts show (every rule of the saved version)
    store = tmp_path / "layouts.gpkg"
    assert main(["layouts", "save", str(folder), "-m", "import", "--store", str(store)]) == 0
    capsys.readouterr()
    assert main(["layouts", "show", "1", "--store", str(store), "--json"]) == 0
    from_show = json.loads(capsys.readouterr().out)["problems"]
    # the planner's live check, opening that version
    venue = floorplan.read_venue(folder)
    planner = PlannerState(LayoutStore(store), venue, author="pat")
    from_planner = [p.to_dict() for p in planner.problems]
    # /staff's state, whose figures come with the same problems
    from_staff = [p.to_dict() for p in StaffState(venue).problems]
    assert from_validate == from_show == from_planner == from_staff
    if name == "clean":
        assert from_validate == []
    else:
        assert from_validate, name
    # Each problem says its severity and its rule set, decided by its rule alone.
    for p in from_validate:
        rule = RuleCode(p["rule"])
        assert (p["severity"], p["rule_set"]) == (rule.severity, rule.rule_set)
    assert _records(from_validate) == _records(from_planner)


def test_blocked_exits_fail_validate_all_but_not_the_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The issue's first reproduction: a booth 0.5 m in front of an emergency exit."""
    folder = write_spec(unsafe_hall(), tmp_path / "u")
    assert main(["validate", "--venue", str(folder)]) == 0  # the format's rules: as ever
    capsys.readouterr()
    assert main(["validate", "--venue", str(folder), "--rules", "all"]) == 1
    err = capsys.readouterr().err
    assert (
        "error: [booths/U-X] exit_blocked: booth U-X stands in front of emergency exit U-EX" in err
    )
    assert "blocking 3.00 m of its 3 m width" in err
    assert "under all rules (gb50016, sprinklered)" in err
    assert main(["validate", "--venue", str(folder), "--rules", "floor", "--json"]) == 1
    floor = json.loads(capsys.readouterr().out)
    assert {p["rule"] for p in floor["problems"]} == {"exit_blocked"}
    assert main(["validate", "--venue", str(folder), "--rules", "code", "--json"]) == 1
    code = json.loads(capsys.readouterr().out)
    assert {p["rule"] for p in code["problems"]} == {"travel_distance", "exit_width"}
    assert code["code"] == {"profile": "gb50016", "sprinklered": True}
    # Capacity leaves out the 3 m U-X blocks, and says so.
    assert main(["capacity", "--venue", str(folder), "--walk-samples", "0"]) == 1
    out = capsys.readouterr().out
    assert "3.00 m of exit U-EX (3 m) is blocked by booth(s) U-X and not counted" in out
    assert "error: [halls/U] exit_width" in out


def test_code_options_override_the_venue(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = write_spec(unsafe_hall(), tmp_path / "u")
    venue = floorplan.read_venue(folder)
    assert code_of(venue) == Code("gb50016", sprinklered=True)
    assert code_of(venue, sprinklered=False) == Code("gb50016", sprinklered=False)
    argv = ["validate", "--venue", str(folder), "--rules", "code", "--json"]
    assert main([*argv, "--code", "uk", "--no-sprinklered"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["code"] == {"profile": "uk", "sprinklered": False}
    width = next(p for p in doc["problems"] if p["rule"] == "exit_width")
    assert "under uk" in width["message"]  # 1.5 m² a person: 2,400 occupants
    assert "occupant load of 2,400" in width["message"]
    assert main([*argv, "--code", "nowhere"]) == 2
    assert "unknown code profile 'nowhere'" in capsys.readouterr().err
    assert main(["validate", "--venue", str(folder), "--rules", "most"]) == 2
    assert "unknown rule set 'most'; valid: format, floor, code, all" in capsys.readouterr().err


def test_a_venue_with_a_bad_code_is_told_so(tmp_path: Path) -> None:
    spec = tiny_hall()
    spec.meta["code"] = {"profile": "gb50016", "sprinklered": "yes"}
    venue = floorplan.read_venue(write_spec(spec, tmp_path / "v"))
    with pytest.raises(OptionError, match="'sprinklered' must be true or false, got 'yes'"):
        check(venue, "all")
    assert check(venue, "floor") == []  # the floor rules need no code


def test_rule_sets_and_severities_are_decided_in_one_place() -> None:
    assert RuleChoice.ALL.sets == {RuleSet.FORMAT, RuleSet.FLOOR, RuleSet.CODE}
    for rule in RuleCode:
        assert rule.severity in set(Severity)
        assert rule.rule_set in set(RuleSet)
    assert RuleCode.KIOSK_BLOCKED.severity is Severity.ERROR
    assert RuleCode.EXIT_BLOCKED.severity is Severity.ERROR
    assert RuleCode.DOOR_KEEP_CLEAR.severity is Severity.WARNING
    assert RuleCode.KIOSK_KEEP_CLEAR.severity is Severity.INFO
    assert not Severity.INFO.blocks


def test_the_gate_checks_every_rule_under_the_venues_code(tmp_path: Path) -> None:
    venue = floorplan.read_venue(write_spec(unsafe_hall(), tmp_path / "u"))
    gate = PublishGate()
    assert gate(venue) == check(venue, "all")
    assert gate.describe(venue) == "all rules (gb50016, sprinklered)"
    assert PublishGate(Code("ibc")).describe(venue) == "all rules (ibc, not sprinklered)"


def test_bundled_venue_keeps_every_rule_under_gb50016_with_sprinklers(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The issue's done-when: the showcase passes every rule of all, as a modern hall."""
    argv = ["validate", "--rules", "all", "--code", "gb50016", "--sprinklered"]
    assert main(argv) == 0, capsys.readouterr().err
    assert "valid under all rules (gb50016, sprinklered)" in capsys.readouterr().out
    venue = floorplan.load_venue()
    assert code_of(venue) == Code("gb50016", sprinklered=True)  # venue.json says so
    assert main(["capacity", "--walk-samples", "0"]) == 0
    out = capsys.readouterr().out
    assert "0 problems" in out
