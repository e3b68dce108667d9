"""Print a venue's plans and escape plans, to files or to the bytes of a PDF.

Plans: the whole venue, one hall, or everything with the exhibitor directory. Files are
PDF, SVG or PNG by suffix; the ``*_pdf`` functions return bytes for a page's download.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from floorplan.errors import OptionError, PlaceError
from floorplan.render.directory import directory_pages
from floorplan.render.document import Document, PageSpec, PrintOptions, render_bytes, write_pages
from floorplan.render.escape import escape_page
from floorplan.render.plan import hall_page, overview_page
from floorplan.routing import Router
from floorplan.schema import Col
from floorplan.venue import Venue

__all__ = [
    "escape_plan_pages",
    "escape_plans_pdf",
    "plan_pages",
    "plan_pdf",
    "print_escape_plans",
    "print_plan",
]


def plan_pages(
    venue: Venue,
    *,
    hall: str | None = None,
    all_halls: bool = False,
    options: PrintOptions | None = None,
) -> tuple[list[PageSpec], list[str]]:
    """Return the pages of a plan and a key per page (for one file per page).

    Without ``hall`` or ``all_halls``: one page of the whole venue. ``hall``: that
    hall's page. ``all_halls``: the whole venue, each hall, then the exhibitor directory.

    Raises
    ------
    OptionError
        When ``hall`` is not a hall of the venue, or both ``hall`` and ``all_halls``.
    FontError
        When Chinese is to be printed and no installed font has it.
    """
    doc = Document(venue, options or PrintOptions())
    halls = [str(h) for h in venue.halls[Col.HALL_ID]]
    if hall is not None and all_halls:
        msg = "give a hall or all halls, not both"
        raise OptionError(msg)
    if hall is not None:
        if hall not in halls:
            msg = f"unknown hall {hall!r}; halls: {', '.join(halls)}"
            raise OptionError(msg)
        return [hall_page(doc, hall)], [hall]
    if not all_halls:
        return [overview_page(doc)], ["venue"]
    directory = directory_pages(doc)
    pages = [overview_page(doc), *(hall_page(doc, h) for h in halls), *directory]
    keys = ["venue", *halls, *(f"directory-{i}" for i in range(1, len(directory) + 1))]
    return pages, keys


def print_plan(
    venue: Venue,
    out: str | Path,
    *,
    hall: str | None = None,
    all_halls: bool = False,
    options: PrintOptions | None = None,
    overwrite: bool = True,
) -> list[Path]:
    """Write a plan to ``out`` (.pdf: one document; .svg/.png: a file per page).

    See :func:`plan_pages` for what is printed. Writes are atomic.
    """
    pages, keys = plan_pages(venue, hall=hall, all_halls=all_halls, options=options)
    return write_pages(pages, out, keys=keys, title=venue.name, overwrite=overwrite)


def plan_pdf(
    venue: Venue,
    *,
    hall: str | None = None,
    all_halls: bool = False,
    options: PrintOptions | None = None,
) -> bytes:
    """Return a plan as the bytes of a PDF (for a download)."""
    pages, _ = plan_pages(venue, hall=hall, all_halls=all_halls, options=options)
    return render_bytes(pages, title=venue.name)


def escape_plan_pages(
    venue: Venue,
    kiosks: Sequence[str] | None = None,
    *,
    options: PrintOptions | None = None,
    router: Router | None = None,
) -> tuple[list[PageSpec], list[str]]:
    """Return one escape plan page per kiosk (every kiosk for ``None``) and their keys.

    Raises
    ------
    PlaceError
        When a kiosk id is not a kiosk of the venue.
    """
    known = [str(k) for k in venue.kiosks[Col.KIOSK_ID]]
    wanted = known if kiosks is None else [str(k) for k in kiosks]
    unknown = [k for k in wanted if k not in known]
    if unknown:
        msg = f"unknown kiosk {unknown[0]!r}; kiosks: {', '.join(known) or '(none)'}"
        raise PlaceError(msg)
    if not wanted:
        msg = "the venue has no kiosks to print escape plans for"
        raise PlaceError(msg)
    doc = Document(venue, options or PrintOptions())
    router = router or Router(venue)
    return [escape_page(doc, router, k) for k in wanted], wanted


def print_escape_plans(
    venue: Venue,
    out: str | Path,
    kiosks: Sequence[str] | None = None,
    *,
    options: PrintOptions | None = None,
    router: Router | None = None,
    overwrite: bool = True,
) -> list[Path]:
    """Write escape plans to ``out`` (.pdf: one page per kiosk; .svg/.png: a file each)."""
    pages, keys = escape_plan_pages(venue, kiosks, options=options, router=router)
    return write_pages(pages, out, keys=keys, title=venue.name, overwrite=overwrite)


def escape_plans_pdf(
    venue: Venue,
    kiosks: Sequence[str] | None = None,
    *,
    options: PrintOptions | None = None,
    router: Router | None = None,
) -> bytes:
    """Return escape plans as the bytes of a PDF (for a download on /staff)."""
    pages, _ = escape_plan_pages(venue, kiosks, options=options, router=router)
    return render_bytes(pages, title=venue.name)
