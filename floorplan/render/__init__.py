"""Printed output: hall plans, the exhibitor directory and escape plans (PDF, SVG, PNG).

- :func:`print_plan` / :func:`plan_pdf`: the venue, one hall, or every hall followed by
  the exhibitor directory, at a standard scale on A0–A4, in English, Chinese or both;
- :func:`print_escape_plans` / :func:`escape_plans_pdf`: one ISO 23601-style escape
  plan per kiosk, with the router's routes to the two nearest emergency exits
  (:func:`escape_routes`);
- :func:`print_capacity_report` / :func:`capacity_report_pdf`: the capacity report a
  safety officer signs (verdicts, figures, problems; English and Chinese).

Files are written atomically; the ``*_pdf`` functions return bytes for downloads.
Text is embedded as a TrueType font (:func:`find_cjk_font` finds one that has Chinese).
"""

from __future__ import annotations

from floorplan.render.document import OutputFormat, PrintOptions, output_format
from floorplan.render.escape import EscapeRoute, escape_routes
from floorplan.render.fonts import find_cjk_font
from floorplan.render.page import PrintLang
from floorplan.render.paper import Paper
from floorplan.render.printing import (
    escape_plan_pages,
    escape_plans_pdf,
    plan_pages,
    plan_pdf,
    print_escape_plans,
    print_plan,
)
from floorplan.render.report import (
    capacity_report_pages,
    capacity_report_pdf,
    print_capacity_report,
)

__all__ = [
    "EscapeRoute",
    "OutputFormat",
    "Paper",
    "PrintLang",
    "PrintOptions",
    "capacity_report_pages",
    "capacity_report_pdf",
    "escape_plan_pages",
    "escape_plans_pdf",
    "escape_routes",
    "find_cjk_font",
    "output_format",
    "plan_pages",
    "plan_pdf",
    "print_capacity_report",
    "print_escape_plans",
    "print_plan",
]
