"""Fit text into booths and place what does not fit on leader lines, never overlapping.

Everything here is in paper millimetres. :class:`Placer` keeps the boxes already taken
(labels, icons, signs) in a grid of cells, so that each new box is tested against its
neighbours only; booths' outlines are a static R-tree that leader labels stay out of.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from shapely.ops import polylabel

from floorplan.render.fonts import TextMeasure

__all__ = ["Box", "Placer", "inner_box", "leader_spots", "wrap"]

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 (mm)


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@dataclass
class Placer:
    """The boxes taken on a page; refuse a box that overlaps one, or leaves the area.

    Parameters
    ----------
    area
        The box every placed box must lie in.
    blockers
        Shapes new boxes must not touch (booths' outlines for leader labels), or None.
    """

    area: Box
    blockers: Any = None  # shapely STRtree of polygons in mm
    cell_mm: float = 15.0
    boxes: list[Box] = field(default_factory=list)
    _grid: dict[tuple[int, int], list[int]] = field(default_factory=lambda: defaultdict(list))

    def _cells(self, box: Box) -> Iterator[tuple[int, int]]:
        c = self.cell_mm
        for i in range(math.floor(box[0] / c), math.floor(box[2] / c) + 1):
            for j in range(math.floor(box[1] / c), math.floor(box[3] / c) + 1):
                yield (i, j)

    def free(self, box: Box, *, avoid_blockers: bool = False) -> bool:
        """Return whether ``box`` lies in the area and overlaps no placed box."""
        a = self.area
        if box[0] < a[0] or box[1] < a[1] or box[2] > a[2] or box[3] > a[3]:
            return False
        seen: set[int] = set()
        for cell in self._cells(box):
            for k in self._grid.get(cell, ()):
                if k not in seen:
                    seen.add(k)
                    if _overlap(box, self.boxes[k]):
                        return False
        if avoid_blockers and self.blockers is not None:
            return len(self.blockers.query(shapely.box(*box), predicate="intersects")) == 0
        return True

    def crosses(self, line: Any) -> bool:
        """Return whether segment ``line`` (a shapely LineString) crosses a placed box."""
        x0, y0, x1, y1 = line.bounds
        seen: set[int] = set()
        for cell in self._cells((x0, y0, x1, y1)):
            for k in self._grid.get(cell, ()):
                if k not in seen:
                    seen.add(k)
                    if line.intersects(shapely.box(*self.boxes[k])):
                        return True
        return False

    def add(self, box: Box) -> None:
        """Take ``box``."""
        k = len(self.boxes)
        self.boxes.append(box)
        for cell in self._cells(box):
            self._grid[cell].append(k)


_SPACE = re.compile(r"(\s+)")
#: A line does not end with an opening bracket nor start with closing punctuation.
_OPENING = set("（(「『《〈【“‘")
_CLOSING = set("）)」』》〉】”’，。、；：！？,.;:!?")


def _is_cjk(ch: str) -> bool:
    return "\u2e80" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" or "\u3000" <= ch <= "\u303f"


def _tokens(text: str) -> list[str]:
    """Split text where a line may break: at spaces, and between CJK characters.

    >>> _tokens("奥卡福（美国）有限公司 Ltd.")
    ['奥', '卡', '福', '（美', '国）', '有', '限', '公', '司', 'Ltd.']
    """
    out: list[str] = []
    for part in _SPACE.split(text.strip()):
        if not part or part.isspace():
            continue
        run = ""
        for ch in part:
            if _is_cjk(ch):
                if run and run[-1] not in _OPENING:
                    out.append(run)
                    run = ""
                if ch in _CLOSING and out and not run:
                    out[-1] += ch
                    continue
                run += ch
                if ch not in _OPENING:
                    out.append(run)
                    run = ""
            else:
                run += ch
        if run:
            out.append(run)
    return out


def wrap(
    text: str, measure: TextMeasure, size_pt: float, width_mm: float, max_lines: int
) -> list[str] | None:
    """Return ``text`` broken into lines no wider than ``width_mm``, or None if it needs more.

    Lines break at spaces and between Chinese characters; a word wider than the line
    does not fit.
    """
    lines: list[str] = []
    line = ""
    for token in _tokens(text):
        joiner = "" if (_is_cjk(token[0]) or (line and _is_cjk(line[-1]))) else " "
        trial = f"{line}{joiner}{token}" if line else token
        if measure.width_mm(trial, size_pt) <= width_mm:
            line = trial
            continue
        if not line or measure.width_mm(token, size_pt) > width_mm:
            return None
        lines.append(line)
        line = token
        if len(lines) >= max_lines:
            return None
    if line:
        lines.append(line)
    return lines if len(lines) <= max_lines else None


def inner_box(poly: Any) -> Box:
    """Return a large axis-aligned box inside polygon ``poly`` (in mm) to write in.

    A rectangle with sides along the page's axes (most booths) is its own box; for any
    other shape the box is centred on the pole of inaccessibility, spans the chords
    through it and shrinks until it lies inside.
    """
    x0, y0, x1, y1 = poly.bounds
    if poly.area >= 0.99 * (x1 - x0) * (y1 - y0):
        return (x0, y0, x1, y1)
    pole = polylabel(poly, tolerance=max(x1 - x0, y1 - y0) / 50)
    across = poly.intersection(shapely.LineString([(x0 - 1, pole.y), (x1 + 1, pole.y)]))
    up = poly.intersection(shapely.LineString([(pole.x, y0 - 1), (pole.x, y1 + 1)]))
    hx = _span(across, pole, 0)
    vy = _span(up, pole, 1)
    box = (hx[0], vy[0], hx[1], vy[1])
    for _ in range(8):
        if poly.buffer(1e-6).contains(shapely.box(*box)):
            return box
        cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        w, h = (box[2] - box[0]) * 0.4, (box[3] - box[1]) * 0.4
        box = (cx - w, cy - h, cx + w, cy + h)
    return (pole.x, pole.y, pole.x, pole.y)


def _span(chords: Any, pole: Any, axis: int) -> tuple[float, float]:
    """Return the extent along ``axis`` of the chord piece through the pole."""
    for part in shapely.get_parts(chords):
        if part.geom_type == "LineString" and part.distance(pole) < 1e-6:
            lo, hi = part.bounds[axis], part.bounds[axis + 2]
            return (lo, hi)
    c = pole.x if axis == 0 else pole.y
    return (c, c)


def leader_spots(
    anchor: tuple[float, float], size: tuple[float, float], reach_mm: Sequence[float]
) -> Iterator[Box]:
    """Yield candidate boxes of ``size`` (w, h) around ``anchor``, nearest first."""
    w, h = size
    for r in reach_mm:
        for angle in (90, 270, 0, 180, 45, 135, 225, 315):
            a = math.radians(angle)
            cx = anchor[0] + math.cos(a) * (r + w / 2)
            cy = anchor[1] + math.sin(a) * (r + h / 2)
            yield (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)


def nearest_on_box(box: Box, xy: tuple[float, float]) -> tuple[float, float]:
    """Return the point of ``box`` nearest to ``xy``."""
    return (float(np.clip(xy[0], box[0], box[2])), float(np.clip(xy[1], box[1], box[3])))
