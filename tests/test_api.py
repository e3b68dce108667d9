"""Guard the public API and the core's independence from the web stack."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

import floorplan
from floorplan import schema
from floorplan.errors import FloorplanError, NoRouteError, OptionError, VenueError

PACKAGE = Path(floorplan.__file__).parent


def test_all_is_exactly_the_public_api() -> None:
    # Every name in __all__ resolves, lazily, to the object its home module defines.
    assert set(floorplan.__all__) - {"__version__", "validate"} == set(floorplan._WHERE)
    for name in floorplan.__all__:
        assert getattr(floorplan, name) is not None
        assert name in dir(floorplan)
    assert floorplan.Router is importlib.import_module("floorplan.routing.router").Router
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        _ = floorplan.Nope  # type: ignore[attr-defined]


def test_every_public_name_is_documented() -> None:
    for name in floorplan._WHERE:
        assert getattr(floorplan, name).__doc__, name


@pytest.mark.parametrize(
    ("module", "absent"),
    [
        ("floorplan", ("geopandas", "scipy", "shapely", "panel", "bokeh")),
        ("floorplan.cli", ("geopandas", "scipy", "shapely", "panel", "bokeh")),
        ("floorplan.errors", ("geopandas", "numpy")),
    ],
)
def test_light_imports_load_no_heavy_libraries(module: str, absent: tuple[str, ...]) -> None:
    code = (
        f"import sys, {module}; "
        f"bad = [m for m in {absent!r} if m in sys.modules]; print(bad); sys.exit(bool(bad))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_errors_inherit_the_matching_builtin() -> None:
    assert issubclass(VenueError, FloorplanError)
    assert issubclass(VenueError, ValueError)
    assert issubclass(NoRouteError, LookupError)
    assert issubclass(OptionError, ValueError)


def test_options_reject_bad_values_listing_valid_ones() -> None:
    with pytest.raises(OptionError, match="valid: automobile, agriculture, energy"):
        schema.parse_option(schema.Zone, "fashion", what="zone")
    assert schema.parse_option(schema.Zone, "energy", what="zone") is schema.Zone.ENERGY


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def test_core_never_imports_panel_or_bokeh() -> None:
    core = [p for p in PACKAGE.rglob("*.py") if "app" not in p.relative_to(PACKAGE).parts]
    assert len(core) > 5
    for path in core:
        assert not _imports(path) & {"panel", "bokeh", "param"}, path


def test_importing_the_core_loads_no_web_stack() -> None:
    code = (
        "import sys, floorplan, floorplan.validate, floorplan.io;"
        "bad = [m for m in ('panel', 'bokeh') if m in sys.modules];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def _home(path: Path) -> str:
    """Return the subpackage (or top-level module) a file of the package belongs to."""
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else parts[0].removesuffix(".py")


def _private_imports(source: str, home: str) -> list[str]:
    """Return ``module:name`` for each private name ``source`` takes from another subpackage."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.ImportFrom) and node.module and node.level == 0):
            continue
        parts = node.module.split(".")
        if parts[0] != "floorplan" or len(parts) < 2 or parts[1] == home:
            continue
        private = [p for p in parts[1:] if p.startswith("_")]
        private += [a.name for a in node.names if a.name.startswith("_")]
        found += [f"{node.module}:{p}" for p in private]
    return found


def test_no_subpackage_imports_another_ones_private_names() -> None:
    offenders = {
        str(p.relative_to(PACKAGE)): bad
        for p in PACKAGE.rglob("*.py")
        if (bad := _private_imports(p.read_text(encoding="utf-8"), _home(p)))
    }
    assert offenders == {}


def test_the_private_import_check_can_fail() -> None:
    source = "from floorplan.validate.rules import _check_ids, validate\n"
    assert _private_imports(source, "layout") == ["floorplan.validate.rules:_check_ids"]
    assert _private_imports(source, "validate") == []
    assert _private_imports("from floorplan.io._frames import meta\n", "app") == [
        "floorplan.io._frames:_frames"
    ]
