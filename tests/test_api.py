"""Guard the public API and the core's independence from the web stack."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import floorplan
from floorplan import schema
from floorplan.errors import FloorplanError, NoRouteError, OptionError, VenueError

PACKAGE = Path(floorplan.__file__).parent


def test_all_is_exactly_the_public_api() -> None:
    public = {n for n in dir(floorplan) if not n.startswith("_")} - {
        # submodules imported as a side effect are not API
        "annotations",
        "errors",
        "io",
        "schema",
        "venue",
        "routing",
        "search",
        "generate",
        "capacity",
        "i18n",
        "users",
        "cli",
        "app",
        "layout",
        "store",
        "arrange",
        "planner",
    }
    assert set(floorplan.__all__) - {"__version__"} == public
    for name in floorplan.__all__:
        assert getattr(floorplan, name) is not None


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
