"""Rearrange a venue's booths with undo and redo, the floor's rules checked after each edit.

:class:`LayoutEditor` (:mod:`~floorplan.layout.editor`) applies edits and keeps its
problem list current; :mod:`~floorplan.layout.arrange` places a list of booths
automatically.
"""

from __future__ import annotations

from floorplan.layout.arrange import ArrangeResult, arrange, read_booth_list
from floorplan.layout.editor import (
    Edit,
    LayoutEditor,
    LayoutRules,
    LayoutStats,
    layout_stats,
    snap_move,
)

__all__ = [
    "ArrangeResult",
    "Edit",
    "LayoutEditor",
    "LayoutRules",
    "LayoutStats",
    "arrange",
    "layout_stats",
    "read_booth_list",
    "snap_move",
]
