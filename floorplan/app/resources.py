"""Serve the pages' style sheets and scripts, and render their HTML from Jinja2 templates.

The files live beside this module and ship inside the wheel:

- ``static/*.css``: style sheets, served by ``floorplan serve`` under
  ``/app-static/`` (Panel's ``static_dirs``) and given to widgets by URL
  (:func:`css`), so that a browser loads each once and caches it;
- ``static/*.mjs``: the browser-side callbacks (idle guard, fit to view, label zoom,
  view reports), ES modules run by Bokeh's ``CustomJS`` (:func:`custom_js`);
- ``templates/*.html``: Jinja2 templates with autoescaping on (:func:`render`): venue
  text reaches a page as text, never as markup.

Colours are CSS variables (``var(--fp-error)``) from :mod:`floorplan.app.theme`.
"""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path
from typing import Any, Final

import jinja2
from bokeh.models import CustomJS

from floorplan.app import theme

__all__ = ["STATIC_DIR", "STATIC_ROUTE", "TEMPLATE_DIR", "css", "custom_js", "macro", "render"]

#: Where the pages' style sheets and scripts are, and the URL path they are served at.
STATIC_DIR: Final = Path(__file__).resolve().with_name("static")
STATIC_ROUTE: Final = "app-static"
TEMPLATE_DIR: Final = Path(__file__).resolve().with_name("templates")


def css(name: str) -> str:
    """Return the URL of style sheet ``static/{name}.css`` as ``floorplan serve`` serves it."""
    return f"/{STATIC_ROUTE}/{name}.css"


@cache
def css_text(name: str) -> str:
    """Return the text of ``static/{name}.css`` (for a stand-alone HTML file)."""
    return (STATIC_DIR / f"{name}.css").read_text(encoding="utf-8")


@cache
def _module(name: str) -> str:
    return (STATIC_DIR / f"{name}.mjs").read_text(encoding="utf-8")


def custom_js(name: str, **args: Any) -> CustomJS:
    """Return a ``CustomJS`` running ES module ``static/{name}.mjs`` with ``args``."""
    return CustomJS(code=_module(name), args=args, module=True)


def _grouped(x: float, digits: int | None = None) -> str:
    """Format a figure with thousands separators (``12,345``), to ``digits`` decimals."""
    return f"{x:,}" if digits is None else f"{x:,.{digits}f}"


def _fixed(x: float | None, digits: int = 1) -> str:
    """Format a figure with ``digits`` decimals, a dash for none or infinity."""
    return "–" if x is None or not math.isfinite(x) else f"{x:.{digits}f}"


def _percent(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.0f} %"


def _minutes(seconds: float | None) -> str:
    """Format a duration in seconds as minutes (``2.5 min``), a dash for none.

    >>> _minutes(150.0), _minutes(None)
    ('2.5 min', '–')
    """
    if seconds is None or not math.isfinite(seconds):
        return "–"
    return f"{seconds / 60:.1f} min"


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters.update(grouped=_grouped, fixed=_fixed, percent=_percent, minutes=_minutes)
    env.globals.update(theme_css=theme.variables_css, css_text=css_text)
    return env


def render(template: str, **context: Any) -> str:
    """Return ``templates/{template}`` rendered with ``context`` (every value escaped)."""
    return _environment().get_template(template).render(**context).strip()


def macro(template: str, name: str, /, *args: Any, **kwargs: Any) -> str:
    """Return macro ``name`` of ``templates/{template}`` called with the arguments."""
    module = _environment().get_template(template).module
    out: Any = getattr(module, name)(*args, **kwargs)
    return str(out).strip()
