"""Build small DXF drawings with ezdxf for the import tests, with known geometry.

A :class:`Plan` takes coordinates in metres of the hall's own frame and writes them in
the drawing's units, optionally turned by ``rotation_deg`` about the drawing's 0,0 and
shifted by ``offset`` (metres), the way a drawing of a rotated hall would hold them.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import ezdxf
from ezdxf.document import Drawing
from ezdxf.enums import TextEntityAlignment

#: $INSUNITS code and drawing units per metre.
UNITS = {
    "mm": (4, 1000.0),
    "cm": (5, 100.0),
    "m": (6, 1.0),
    "in": (1, 1 / 0.0254),
    "ft": (2, 1 / 0.3048),
}


class Plan:
    """A drawing under construction; every method takes metres in the hall's frame."""

    def __init__(
        self,
        units: str = "mm",
        *,
        rotation_deg: float = 0.0,
        offset: tuple[float, float] = (0.0, 0.0),
        insunits: int | None = None,
        version: str = "R2018",
    ) -> None:
        code, self.per_m = UNITS[units]
        self.doc: Drawing = ezdxf.new(version)
        self.doc.header["$INSUNITS"] = code if insunits is None else insunits
        self.msp = self.doc.modelspace()
        self.turn = math.radians(rotation_deg)
        self.offset = offset

    def p(self, x: float, y: float) -> tuple[float, float]:
        """Return drawing coordinates of hall-frame metres ``x, y``."""
        c, s = math.cos(self.turn), math.sin(self.turn)
        return (
            (c * x - s * y + self.offset[0]) * self.per_m,
            (s * x + c * y + self.offset[1]) * self.per_m,
        )

    def pts(self, coords: list[tuple[float, float]]) -> list[tuple[float, float]]:
        return [self.p(x, y) for x, y in coords]

    def rect(self, x: float, y: float, w: float, d: float, layer: str, **kw: Any) -> Any:
        corners = [(x, y), (x + w, y), (x + w, y + d), (x, y + d)]
        return self.msp.add_lwpolyline(
            self.pts(corners), close=True, dxfattribs={"layer": layer, **kw}
        )

    def line(self, a: tuple[float, float], b: tuple[float, float], layer: str) -> Any:
        return self.msp.add_line(self.p(*a), self.p(*b), dxfattribs={"layer": layer})

    def circle(self, x: float, y: float, r: float, layer: str) -> Any:
        return self.msp.add_circle(self.p(x, y), r * self.per_m, dxfattribs={"layer": layer})

    def mtext(self, text: str, x: float, y: float, layer: str, height: float = 0.3) -> Any:
        m = self.msp.add_mtext(
            text, dxfattribs={"layer": layer, "char_height": height * self.per_m}
        )
        m.set_location(self.p(x, y), attachment_point=5, rotation=math.degrees(self.turn))
        return m

    def text(self, text: str, x: float, y: float, layer: str, height: float = 0.3) -> Any:
        t = self.msp.add_text(text, height=height * self.per_m, dxfattribs={"layer": layer})
        t.set_placement(self.p(x, y), align=TextEntityAlignment.MIDDLE_CENTER)
        t.dxf.rotation = math.degrees(self.turn)
        return t

    def booth(
        self,
        x: float,
        y: float,
        number: str | None,
        *,
        w: float = 3,
        d: float = 3,
        layer: str = "BOOTH",
        text_layer: str = "BOOTH-NO",
    ) -> Any:
        outline = self.rect(x, y, w, d, layer)
        if number is not None:
            self.mtext(number, x + w / 2, y + d / 2, text_layer)
        return outline

    def save(self, path: Path, fmt: str = "asc") -> Path:
        self.doc.saveas(path, fmt=fmt)
        return path


def simple_hall(units: str = "mm", **kw: Any) -> Plan:
    """Return a 40 m × 30 m hall (hall layer) with six numbered 3 m booths, a 2 m door on
    the south wall, a 1.2 m emergency exit on the north wall and a 0.8 m column."""
    plan = Plan(units, **kw)
    plan.rect(0, 0, 40, 30, "HALL")
    for k in range(3):
        plan.booth(10 + 3 * k, 10, f"A{k + 1:02d}")
        plan.booth(10 + 3 * k, 13, f"B{k + 1:02d}")
    plan.line((19, 0), (21, 0), "DOOR")
    plan.line((5, 30), (6.2, 30), "EMERGENCY-EXIT")
    plan.circle(30, 20, 0.4, "COLUMN")
    return plan
