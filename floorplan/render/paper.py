"""Paper sizes, map scales and the frame that turns venue metres into millimetres on paper."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

import numpy as np
from numpy.typing import NDArray

__all__ = ["SCALES", "MapFrame", "Paper", "Sheet", "choose_scale"]

#: The scales a plan is drawn at (1:N), the largest that fits is chosen.
SCALES: Final[tuple[int, ...]] = (
    50,
    100,
    200,
    250,
    300,
    400,
    500,
    750,
    1000,
    1250,
    1500,
    2000,
    2500,
    3000,
    4000,
    5000,
    7500,
    10_000,
    15_000,
    20_000,
    25_000,
    50_000,
    100_000,
)


class Paper(StrEnum):
    """ISO 216 A sizes."""

    A0 = "A0"
    A1 = "A1"
    A2 = "A2"
    A3 = "A3"
    A4 = "A4"

    @property
    def size_mm(self) -> tuple[float, float]:
        """Return (short side, long side) in millimetres.

        >>> Paper.A1.size_mm
        (594.0, 841.0)
        """
        return _SIZES[self]


_SIZES: Final[dict[Paper, tuple[float, float]]] = {
    Paper.A0: (841.0, 1189.0),
    Paper.A1: (594.0, 841.0),
    Paper.A2: (420.0, 594.0),
    Paper.A3: (297.0, 420.0),
    Paper.A4: (210.0, 297.0),
}


def choose_scale(width_m: float, height_m: float, width_mm: float, height_mm: float) -> int:
    """Return the largest scale 1:N of :data:`SCALES` at which the extent fits the area.

    >>> choose_scale(226, 80, 790, 470)
    300
    """
    need = max(width_m * 1000 / max(width_mm, 1e-9), height_m * 1000 / max(height_mm, 1e-9))
    for n in SCALES:
        if n >= need:
            return n
    return math.ceil(need)


@dataclass(frozen=True)
class Sheet:
    """One page: paper, orientation and the boxes (mm, origin bottom left) drawn into.

    ``k`` scales type and furniture with the paper (1 for A3): an A1 sheet is read from
    further away than an A4 one.
    """

    paper: Paper
    landscape: bool

    @property
    def size_mm(self) -> tuple[float, float]:
        """Return (width, height) of the page."""
        short, long = self.paper.size_mm
        return (long, short) if self.landscape else (short, long)

    @property
    def k(self) -> float:
        """Return the paper's scale factor for type and furniture (A3: 1)."""
        return self.paper.size_mm[0] / 297.0

    @property
    def margin_mm(self) -> float:
        """Return the blank border."""
        return 10.0 * math.sqrt(self.k)

    @property
    def band_mm(self) -> float:
        """Return the height of the band at the bottom for legend, scale and title block."""
        return 34.0 * self.k

    def map_box(self) -> tuple[float, float, float, float]:
        """Return the map area as (x0, y0, x1, y1)."""
        w, h = self.size_mm
        m = self.margin_mm
        return (m, m + self.band_mm + 2.0 * self.k, w - m, h - m)

    def band_box(self) -> tuple[float, float, float, float]:
        """Return the bottom band as (x0, y0, x1, y1)."""
        w, _ = self.size_mm
        m = self.margin_mm
        return (m, m, w - m, m + self.band_mm)


@dataclass(frozen=True)
class MapFrame:
    """Turn venue metres into paper millimetres: turn, scale, shift.

    ``angle_deg`` turns the venue counter-clockwise about ``centre_m`` (a compass
    heading h at the top of the page is ``angle_deg = h``); ``scale`` is N of 1:N;
    ``centre_m`` lands on ``centre_mm``.
    """

    centre_m: tuple[float, float]
    centre_mm: tuple[float, float]
    scale: int
    angle_deg: float = 0.0

    @property
    def mm_per_m(self) -> float:
        """Return how many millimetres of paper one metre of venue takes."""
        return 1000.0 / self.scale

    def to_mm(self, xy: NDArray[np.float64]) -> NDArray[np.float64]:
        """Return venue points (n, 2) in paper millimetres."""
        pts = np.asarray(xy, dtype=float).reshape(-1, 2) - np.asarray(self.centre_m)
        a = math.radians(self.angle_deg)
        rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
        return pts @ rot.T * self.mm_per_m + np.asarray(self.centre_mm)

    def to_m(self, xy_mm: NDArray[np.float64]) -> NDArray[np.float64]:
        """Return paper points (n, 2) in venue metres (the inverse of :meth:`to_mm`)."""
        pts = np.asarray(xy_mm, dtype=float).reshape(-1, 2) - np.asarray(self.centre_mm)
        pts = pts / self.mm_per_m
        a = math.radians(-self.angle_deg)
        rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
        return pts @ rot.T + np.asarray(self.centre_m)

    @classmethod
    def fit(
        cls,
        bounds_m: tuple[float, float, float, float],
        box_mm: tuple[float, float, float, float],
        *,
        angle_deg: float = 0.0,
        points_m: NDArray[np.float64] | None = None,
    ) -> MapFrame:
        """Return the frame that fits ``points_m`` (or the bounds' corners) in ``box_mm``."""
        x0, y0, x1, y1 = bounds_m
        pts = (
            points_m if points_m is not None else np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])
        )
        centre = ((x0 + x1) / 2, (y0 + y1) / 2)
        turned = MapFrame(centre, (0.0, 0.0), 1000, angle_deg).to_mm(pts)  # 1 mm per m
        lo, hi = turned.min(axis=0), turned.max(axis=0)
        bx0, by0, bx1, by1 = box_mm
        scale = choose_scale(hi[0] - lo[0], hi[1] - lo[1], bx1 - bx0, by1 - by0)
        mid_turned = (lo + hi) / 2
        back = MapFrame(centre, (0.0, 0.0), 1000, angle_deg).to_m(mid_turned)[0]
        return cls(
            (float(back[0]), float(back[1])), ((bx0 + bx1) / 2, (by0 + by1) / 2), scale, angle_deg
        )


def best_sheet(
    paper: Paper,
    bounds_m: tuple[float, float, float, float],
    *,
    angle_deg: float = 0.0,
    points_m: NDArray[np.float64] | None = None,
) -> tuple[Sheet, MapFrame]:
    """Return the orientation (and its frame) that draws the extent at the larger scale."""
    best: tuple[Sheet, MapFrame] | None = None
    for landscape in (True, False):
        sheet = Sheet(paper, landscape)
        frame = MapFrame.fit(bounds_m, sheet.map_box(), angle_deg=angle_deg, points_m=points_m)
        if best is None or frame.scale < best[1].scale:
            best = (sheet, frame)
    assert best is not None
    return best
