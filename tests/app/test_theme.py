"""Every colour of the pages is in floorplan/app/theme.py, and the style sheets use it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from floorplan.app import theme
from floorplan.app.resources import STATIC_DIR, TEMPLATE_DIR

APP = Path(theme.__file__).parent
#: A colour written out: #rgb, #rrggbb (#rrggbbaa), rgb(...)/rgba(...), hsl(...).
COLOUR = re.compile(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3}(?:[0-9a-fA-F]{2})?)?\b|\b(?:rgba?|hsla?)\(")
#: CSS colour keywords the pages might spell instead of a hex value.
NAMED = re.compile(r"(?<![\w-])(?:red|white|black|yellow|green|blue|grey|gray)(?![\w-])")
VARIABLE = re.compile(r"var\(--fp-([\w-]+)\)")


def _files(*patterns: str) -> list[Path]:
    # Vendored third-party files (the phone page's MapLibre GL JS) are not ours to theme.
    return sorted(p for pattern in patterns for p in APP.rglob(pattern) if "vendor" not in p.parts)


def test_no_colour_outside_the_theme() -> None:
    files = _files("*.py", "*.css", "*.html", "*.mjs", "*.js")
    assert len(files) > 20  # the scan sees the modules, style sheets, templates, scripts
    found = []
    for path in files:
        if path == Path(theme.__file__):
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if COLOUR.search(line):
                found.append(f"{path.relative_to(APP)}:{n}: {line.strip()}")
    assert not found, "colours belong in floorplan/app/theme.py:\n" + "\n".join(found)


def test_no_colour_names_in_style_sheets() -> None:
    found = []
    for path in _files("*.css"):
        rules = re.sub(r"/\*.*?\*/", "", path.read_text(encoding="utf-8"), flags=re.S)
        found += [f"{path.name}: {m.group(0)}" for m in NAMED.finditer(rules)]
    assert not found, found


def test_every_css_variable_is_defined() -> None:
    used = {
        name
        for path in _files("*.css", "*.html")
        for name in VARIABLE.findall(path.read_text(encoding="utf-8"))
    }
    assert used  # the style sheets do use the theme
    defined = set(theme.CSS_VARIABLES) | set(theme.PHONE_VARIABLES)
    assert used <= defined, used - defined
    css = theme.variables_css()
    for name, colour in theme.CSS_VARIABLES.items():
        assert f"--fp-{name}: {colour};" in css


@pytest.mark.parametrize(
    "colour",
    [
        theme.ERROR,
        theme.ROUTE,
        theme.HC_ACCENT,
        *theme.ZONE_COLOURS.values(),
        *theme.LOS_COLOURS.values(),
        *theme.DIFF_COLOURS.values(),
    ],
)
def test_theme_colours_are_hex(colour: str) -> None:
    assert re.fullmatch(r"#[0-9a-fA-F]{6}", colour)


def test_every_style_sheet_and_script_named_in_code_exists() -> None:
    code = "\n".join(p.read_text(encoding="utf-8") for p in _files("*.py"))
    sheets = set(re.findall(r'\bcss\("([\w-]+)"\)', code))
    scripts = set(re.findall(r'\bcustom_js\(\s*"([\w-]+)"', code))
    templates = set(re.findall(r'\bmacro\(\s*"([\w.-]+)"', code))
    assert {"kiosk-root", "high-contrast", "staff", "planner-side"} <= sheets
    assert {"idle-guard", "fit-view", "label-place", "view-report"} <= scripts
    for name in sheets:
        assert (STATIC_DIR / f"{name}.css").is_file(), name
    for name in scripts:
        assert (STATIC_DIR / f"{name}.mjs").is_file(), name
        # An ES module with a default export: Bokeh's CustomJS runs it as one.
        assert "export default" in (STATIC_DIR / f"{name}.mjs").read_text(encoding="utf-8")
    for name in templates:
        assert (TEMPLATE_DIR / name).is_file(), name
