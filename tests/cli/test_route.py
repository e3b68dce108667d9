"""``floorplan route``: the header and the steps in the language asked for."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from floorplan.cli import main

from conftest import two_halls, write_spec


@pytest.fixture
def venue(tmp_path: Path) -> Path:
    spec = two_halls()
    spec.replace("halls", "A", name_zh="甲馆")
    spec.replace("halls", "B", name_zh="乙馆")
    return write_spec(spec, tmp_path / "v")


def test_route_in_chinese_has_a_chinese_header(
    venue: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["route", "--venue", str(venue), "--from", "KA", "--to", "B-1", "--lang", "zh"]) == 0
    )
    head, *steps = capsys.readouterr().out.splitlines()
    assert re.fullmatch(r"全程[\d.]+米，约[\d.]+分钟，途经甲馆 → 乙馆", head), head
    assert steps[0].endswith("从甲馆的问询机出发")
    assert not re.search("[A-Za-z]", head)


def test_route_in_english_names_the_halls(venue: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["route", "--venue", str(venue), "--from", "KA", "--to", "B-1"]) == 0
    head, *steps = capsys.readouterr().out.splitlines()
    assert re.fullmatch(r"[\d.]+ m, about [\d.]+ min, through Hall A → Hall B", head), head
    assert steps[0].endswith("From the kiosk in Hall A")
