"""Rearrange a venue's booths with undo and redo, the floor's rules checked after each edit.

:class:`LayoutEditor` (:mod:`~floorplan.layout.editor`) applies edits and keeps its
problem list current against :class:`LayoutRules` (:mod:`~floorplan.layout.rules`; the
incremental checks live in ``_checks``, ``_code`` and ``_travel``), and
:func:`check_layout` runs the same checker once over a whole layout; :mod:`~floorplan.layout.snap`
snaps drags, :mod:`~floorplan.layout.stats` counts booths and areas, and
:mod:`~floorplan.layout.arrange` places a list of booths automatically.
"""

from __future__ import annotations

from floorplan.layout.arrange import ArrangeResult, arrange, read_booth_list
from floorplan.layout.check import check_layout
from floorplan.layout.editor import Edit, LayoutEditor, booth_size
from floorplan.layout.rules import LayoutRules
from floorplan.layout.snap import snap_move
from floorplan.layout.stats import LayoutStats, layout_stats

__all__ = [
    "ArrangeResult",
    "Edit",
    "LayoutEditor",
    "LayoutRules",
    "LayoutStats",
    "arrange",
    "booth_size",
    "check_layout",
    "layout_stats",
    "read_booth_list",
    "snap_move",
]
