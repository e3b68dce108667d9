"""Printed output: hall plans, the exhibitor directory and escape plans, as PDF/SVG/PNG."""

from __future__ import annotations

from floorplan.render.document import PrintOptions, render_bytes, write_pages
from floorplan.render.page import PrintLang
from floorplan.render.paper import Paper

__all__ = ["Paper", "PrintLang", "PrintOptions", "render_bytes", "write_pages"]
