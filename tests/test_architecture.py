"""Keep docs/architecture.md true: its picture names every layer of the import contract."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "architecture.md"
PYPROJECT = ROOT / "pyproject.toml"

pytestmark = pytest.mark.skipif(not DOC.exists(), reason="runs from a source checkout")


def _layer_names() -> list[str]:
    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    layers = next(c["layers"] for c in contracts if c["type"] == "layers")
    return [name.strip() for layer in layers for name in layer.split("|")]


def _picture() -> str:
    match = re.search(r"```text\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert match, "docs/architecture.md has no ```text picture"
    return match.group(1)


def test_the_picture_names_every_layer_of_the_contract() -> None:
    names = _layer_names()
    assert "cli" in names
    assert "validate" in names
    boxes = set(re.findall(r"│ (\w+)\s", _picture()))
    assert set(names) <= boxes, f"missing from the picture: {sorted(set(names) - boxes)}"


def test_every_part_has_its_two_lines() -> None:
    table = DOC.read_text(encoding="utf-8").split("## The parts", 1)[1]
    for name in _layer_names():
        assert re.search(rf"`{name}(/|\.py)`", table), name


def test_every_subpackage_is_in_the_contract() -> None:
    package = ROOT / "floorplan"
    subpackages = {p.parent.name for p in package.glob("*/__init__.py")}
    modules = {p.stem for p in package.glob("*.py") if not p.stem.startswith("_")}
    assert subpackages <= set(_layer_names())
    assert modules - set(_layer_names()) <= {"__init__"}
